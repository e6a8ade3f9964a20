"""How thaadsim compiles its kernels: the numba options every room's ``kernels.py`` shares.

A kernel called from Python is ``njit(cache=True)``.  A helper called only from other
compiled code is :func:`helper`: numba would otherwise build a Python wrapper and a C
callback wrapper for it too, lower, optimise and emit machine code for them at every
compile, and link them into the cached code of each kernel that calls it, where nothing
ever uses them.  Calling a helper from Python raises numba's TypeError.
"""

from __future__ import annotations

from numba import njit

_HELPER = njit(cache=True, no_cpython_wrapper=True, no_cfunc_wrapper=True)


def helper(fn):
    """``njit(cache=True)`` for a function called only from compiled code (no wrappers)."""
    return _HELPER(fn)


__all__ = ["helper"]
