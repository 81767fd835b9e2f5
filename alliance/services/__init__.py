"""Every change of state in `alliance` is one function in a module of this package."""
