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

Loading a kernel from numba's disk cache does not load numba's compiler (:class:`_RuntimeOnlyCache`).
numba's own cache load first "refreshes" the CPU target: it imports every lowering
registry numba has (``numba.np.arraymath``, ``linalg``, ``random``, typed containers...),
and ``numba.np.arraymath`` imports ``scipy.linalg`` to see whether BLAS is there.  That is
~0.5 s of CPU in a warm ``thaadsim run korea-salvo`` (0.22 s of registries, ~0.3 s of
scipy), all of it for compiling; machine code read from the cache needs only what it
links against: numba's runtime (NRT, initialised here as the refresh would), the C
helpers and math functions (there from the target's creation), the hash secret
(``numba.cpython.hashing``, imported here) and, for a ``parallel`` kernel, the threading
layer (numba's cached ``reload_init`` starts it).  A cache miss compiles, and compiling
refreshes the target itself (``numba.core.compiler.CompilerBase``), so nothing else changes.
"""

from __future__ import annotations

import os

os.environ.setdefault("NUMBA_DISABLE_ERROR_MESSAGE_HIGHLIGHTING", "1")

from numba import njit, prange  # noqa: E402  (after the environment above)
from numba.core import event  # noqa: E402
from numba.core.caching import FunctionCache  # noqa: E402
from numba.core.cpu import CPUTargetOptions  # noqa: E402
from numba.core.dispatcher import Dispatcher  # noqa: E402
from numba.core.runtime import rtsys  # noqa: E402

from thaadsim import aot, compiling  # noqa: E402

ERROR_MODEL = "numpy"


class _RuntimeOnlyCache(FunctionCache):
    """numba's per-function disk cache, loading an entry with the runtime its machine code
    links against instead of the whole compiler (module doc)."""

    def load_overload(self, sig, target_context):
        rtsys.initialize(target_context)
        import numba.cpython.hashing  # noqa: F401 - puts the hash secret's symbols where cached code finds them

        with self._guard_against_spurious_io_errors():
            return self._load_overload(sig, target_context)


RUNTIME_ONLY_CACHE_LOAD = all(hasattr(FunctionCache, name) for name in ("_load_overload", "_guard_against_spurious_io_errors"))
"""Whether this numba has the cache internals :class:`_RuntimeOnlyCache` builds on (numba 0.68.1,
the version constraints.txt pins, does).  A numba without them gets numba's own cache (``njit(cache=True)``): the same
machine code and results, loaded ~0.5 s more slowly; ``thaadsim.jit.RUNTIME_ONLY_CACHE_LOAD``
says which is in force."""


def _cached(dispatcher):
    """What ``njit(cache=True)`` does to a dispatcher (``Dispatcher.enable_caching``), with
    :class:`_RuntimeOnlyCache` as its cache.  With ``NUMBA_DISABLE_JIT=1`` njit gives back
    the plain Python function, which has no cache."""
    if isinstance(dispatcher, Dispatcher):
        if RUNTIME_ONLY_CACHE_LOAD:
            dispatcher._cache = _RuntimeOnlyCache(dispatcher.py_func)
        else:
            dispatcher.enable_caching()
        aot.attach(dispatcher)  # the install's ahead-of-time build of a kernel, where there is one
    return dispatcher


def kernel(fn=None, *, parallel: bool = False, nogil: bool = False):
    """``njit(cache=True)`` for a function called from Python, ``parallel=True`` for a prange loop,
    ``nogil=True`` for one that Python threads run side by side (it releases the GIL)."""
    decorate = njit(parallel=parallel, nogil=nogil, error_model=ERROR_MODEL)

    def cached(f):
        return _cached(decorate(f))

    return cached if fn is None else cached(fn)


def helper(fn):
    """``njit(cache=True)`` for a function called only from compiled code (no wrappers)."""
    return _cached(njit(no_cpython_wrapper=True, no_cfunc_wrapper=True, error_model=ERROR_MODEL)(fn))


NRT_OFF = hasattr(CPUTargetOptions, "_nrt")
"""Whether this numba has the ``_nrt`` option :func:`leaf` compiles with (numba 0.68.1,
the pinned version, does).  Without it a leaf is an ordinary :func:`helper` or :func:`kernel`: the same results,
with numba's reference counting."""


def leaf(fn=None, *, wrapped: bool = False):
    """A :func:`helper` (``wrapped=True``: a :func:`kernel`) that allocates no array and returns
    none, compiled without numba's reference counting (``_nrt=False``).

    With counting, every array argument is increfed on entry and decrefed at exit and every
    view (``work[0]``) counted too, each an atomic operation on a shared counter: ~100 per
    tracker RK4 step with its STM, 35-40 % of a prediction's time (perf: NRT_incref and
    NRT_decref the hottest code of a korea-salvo tracker run).  The caller owns every array
    a leaf sees, so nothing is lost; numba refuses to compile an allocation in one."""
    options = dict(error_model=ERROR_MODEL, **({"_nrt": False} if NRT_OFF else {}))
    if not wrapped:
        options.update(no_cpython_wrapper=True, no_cfunc_wrapper=True)
    decorate = njit(**options)

    def cached(f):
        return _cached(decorate(f))

    return cached if fn is None else cached(fn)


class _CompileReporter(event.Listener):
    """Tells :mod:`thaadsim.compiling` the outermost kernel numba compiles (its callees compile inside it)."""

    def __init__(self) -> None:
        self.depth = 0

    def on_start(self, ev) -> None:
        self.depth += 1
        if self.depth == 1:
            fn = getattr(ev.data.get("dispatcher"), "py_func", None)
            room = getattr(fn, "__module__", "").removeprefix("thaadsim.").removesuffix(".kernels")
            compiling.notify(f"{room}.{fn.__name__}" if fn is not None else "a kernel")

    def on_end(self, ev) -> None:
        self.depth -= 1
        if self.depth == 0:
            compiling.notify(None)


event.register("numba:compile", _CompileReporter())

__all__ = ["ERROR_MODEL", "NRT_OFF", "RUNTIME_ONLY_CACHE_LOAD", "helper", "kernel", "leaf", "njit", "prange"]
