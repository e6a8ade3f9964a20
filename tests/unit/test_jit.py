"""The shared compile options of thaadsim.jit reach every kernel of the rooms that use them.

Authority: numba's own record - each dispatcher's ``targetoptions`` and the colour scheme
``numba.core.errors`` chose when it was first imported.  Both options only cut compile
time (issue 12: a cold ``thaadsim run korea-salvo``); nothing else would notice them
missing, so these tests are the only guard.
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys

import pytest
from numba.core.registry import CPUDispatcher

ROOMS = ("thaadsim.earth.kernels", "thaadsim.flight.kernels", "thaadsim.sensors.kernels",
         "thaadsim.defense.kernels", "thaadsim.tracking.kernels")


@pytest.mark.parametrize("module", ROOMS)
def test_numba_colouring_is_off_whichever_kernel_module_comes_first(module):
    """Importing a room's kernels first imports numba only after thaadsim.jit set its environment.

    With colorama installed numba colours the context string of every typed call and
    lowered instruction as it compiles, ~10 % of a cold compile; a kernels module that
    imported numba before thaadsim.jit would switch that back on for the whole process.
    """
    pytest.importorskip("colorama")  # without it numba never colours
    code = (f"import os; os.environ.pop('NUMBA_DISABLE_ERROR_MESSAGE_HIGHLIGHTING', None); import {module}; "
            "import numba.core.errors as e; print(type(e.termcolor()).__name__)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "NOPColorScheme", out.stdout + out.stderr


@pytest.mark.parametrize("module", ROOMS)
def test_room_kernels_use_the_numpy_error_model(module):
    """Every dispatcher defined in the room's kernels module compiles with error_model='numpy'."""
    mod = importlib.import_module(module)
    found = {name: obj.targetoptions.get("error_model") for name, obj in vars(mod).items()
             if isinstance(obj, CPUDispatcher) and obj.__module__ == module}
    assert found, module
    assert {name for name, model in found.items() if model != "numpy"} == set()


_PLANTED = '''
import numpy as np
from thaadsim.jit import helper, kernel, prange

@helper
def _twice(x):
    return 2.0 * x

@kernel
def fill(n):
    out = np.empty(n)  # allocates: needs numba's runtime (NRT)
    for i in range(n):
        out[i] = _twice(i)
    return out

@kernel(parallel=True)
def squares(n):
    out = np.empty(n)
    for i in prange(n):  # the threading layer, started by the cached entry's reload_init
        out[i] = float(i) * i
    return out
'''

_CALL = ("import sys, numpy as np, planted; a = planted.fill(5); b = planted.squares(1000); "
         "print(a.tolist() == [0., 2., 4., 6., 8.], b[999] == 999.0 ** 2, "
         "planted.fill.stats.cache_hits[planted.fill.signatures[0]], "
         "planted.squares.stats.cache_hits[planted.squares.signatures[0]], "
         "'numba.np.arraymath' in sys.modules, 'scipy.linalg' in sys.modules)")


def test_a_cached_kernel_loads_without_numbas_compiler(tmp_path):
    """A kernel read from the disk cache runs in a process that never loads numba's compiler.

    Authority: the cache's own hit counters, and the kernels' results against numpy.  The
    first process compiles (a miss; compiling refreshes numba's target and so imports
    ``numba.np.arraymath`` and ``scipy.linalg``); the second loads both kernels from the cache -
    one allocating (numba's runtime), one parallel (the threading layer) - and must get the
    same numbers without those imports (0.5 s of a warm korea-salvo run).
    """
    (tmp_path / "planted.py").write_text(_PLANTED)
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path / "cache"),
           "PYTHONPATH": f"{tmp_path}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    first = subprocess.run([sys.executable, "-c", _CALL], capture_output=True, text=True, env=env, check=True)
    assert first.stdout.split() == ["True", "True", "0", "0", "True", "True"], first.stdout + first.stderr
    second = subprocess.run([sys.executable, "-c", _CALL], capture_output=True, text=True, env=env, check=True)
    assert second.stdout.split() == ["True", "True", "1", "1", "False", "False"], second.stdout + second.stderr


def test_with_the_jit_disabled_kernels_are_the_python_functions():
    """``NUMBA_DISABLE_JIT=1`` (debugging, coverage) makes njit give back the Python function:
    thaadsim.jit must pass it through, not fail on a cache it cannot have.  Authority: numba's
    documented behaviour of NUMBA_DISABLE_JIT, and the kernel's own arithmetic."""
    code = ("import thaadsim.earth.kernels as k, inspect; "
            "print(inspect.isfunction(k.geodetic_height), inspect.isfunction(k._heikkinen_uv))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "NUMBA_DISABLE_JIT": "1"})
    assert out.stdout.split() == ["True", "True"], out.stdout + out.stderr


def test_a_numba_without_the_cache_internals_gets_numbas_own_cache(monkeypatch):
    """Authority: numba's ``Dispatcher.enable_caching`` (what ``njit(cache=True)`` calls).
    Where the private loader ``_RuntimeOnlyCache`` builds on is missing, a kernel must still be
    cached, by numba's own ``FunctionCache``, not left uncached or broken."""
    from numba.core.caching import FunctionCache

    from thaadsim import jit

    def twice(x):
        return 2.0 * x

    monkeypatch.setattr(jit, "RUNTIME_ONLY_CACHE_LOAD", False)
    plain = jit.kernel(twice)
    assert type(plain._cache) is FunctionCache
    monkeypatch.setattr(jit, "RUNTIME_ONLY_CACHE_LOAD", True)
    assert isinstance(jit.kernel(twice)._cache, jit._RuntimeOnlyCache)


def test_a_leaf_compiles_without_reference_counting_where_numba_has_the_option(monkeypatch):
    """Authority: numba's target options (``_nrt`` among ``CPUTargetOptions``).  A leaf is
    compiled with ``_nrt=False`` where numba knows the option, as an ordinary helper where it
    does not (a numba that dropped it must not refuse every tracker kernel), and gives the
    same result either way."""
    import numpy as np

    from thaadsim import jit

    def scale_in_place(a, factor):
        for i in range(a.shape[0]):
            a[i] *= factor

    assert jit.NRT_OFF
    counted_off = jit.leaf(scale_in_place, wrapped=True)
    assert counted_off.targetoptions["_nrt"] is False
    monkeypatch.setattr(jit, "NRT_OFF", False)
    counted = jit.leaf(scale_in_place, wrapped=True)
    assert "_nrt" not in counted.targetoptions
    a, b = np.arange(4.0), np.arange(4.0)
    counted_off(a, 2.5)
    counted(b, 2.5)
    assert np.array_equal(a, b) and a[3] == 7.5
