"""Every change of state in micro-grants: one function each, in a module per sub-domain."""
