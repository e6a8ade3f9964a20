"""How thaadsim compiles its kernels: the numba options every room's ``kernels.py`` shares.

A kernel called from Python is :func:`kernel` (``njit(cache=True)``).  A helper called
only from other compiled code is :func:`helper`: numba would otherwise build a Python
wrapper and a C callback wrapper for it too, lower, optimise and emit machine code for
them at every compile, and link them into the cached code of each kernel that calls it,
where nothing ever uses them.  Calling a helper from Python raises numba's TypeError.

Both use numpy's error model: a float division by zero gives inf/NaN as in numpy instead
of raising ZeroDivisionError.  numba's default (Python's) model puts a zero test and an
exception branch behind every division, which the compiler must type, lower and optimise
for nothing: no kernel divides by zero on purpose, and the results of the divisions that
happen are the same bits either way.

Kernel modules import ``njit``/``prange`` from here, not from numba, so that the
environment below is set before numba is first imported: with colorama installed, numba
otherwise colours the context string of every typed call and lowered instruction as it
compiles (~10 % of a cold compile, measured on ``thaadsim run korea-salvo``) although
the strings are shown only in an error.  ``setdefault``: a user's own choice stands.
"""

from __future__ import annotations

import os

os.environ.setdefault("NUMBA_DISABLE_ERROR_MESSAGE_HIGHLIGHTING", "1")

from numba import njit, prange  # noqa: E402  (after the environment above)

ERROR_MODEL = "numpy"

_HELPER = njit(cache=True, no_cpython_wrapper=True, no_cfunc_wrapper=True, error_model=ERROR_MODEL)


def kernel(fn=None, *, parallel: bool = False):
    """``njit(cache=True)`` for a function called from Python, ``parallel=True`` for a prange loop."""
    decorate = njit(cache=True, parallel=parallel, error_model=ERROR_MODEL)
    return decorate if fn is None else decorate(fn)


def helper(fn):
    """``njit(cache=True)`` for a function called only from compiled code (no wrappers)."""
    return _HELPER(fn)


__all__ = ["ERROR_MODEL", "helper", "kernel", "njit", "prange"]
