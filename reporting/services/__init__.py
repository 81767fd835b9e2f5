"""Every change of state in `reporting` is one function in a module of this package."""
