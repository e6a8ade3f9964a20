"""Every parallel kernel has a serial twin with its own compiled-code cache entry, and each
kernel is compiled once per process.

Authority: numba's own record of what it loaded.  A function compiled with
``parallel=True`` carries ``_reload_parfors`` in its ``reload_init`` (numba re-runs it to
start the thread pool when it loads the code from the cache); serial code carries none.
Two kernels compiled from one Python function share one cache entry, so after a
process that ran the parallel variant first, a second process would load parallel
code into the serial dispatcher (issue 12: a one-trajectory flight then costs
milliseconds of thread-pool wake-up instead of microseconds).
"""

from __future__ import annotations

import importlib
import json
import os
import pkgutil
import subprocess
import sys

import numba
import pytest

import thaadsim

# (module, parallel kernel, serial twin).  The flight engine has no parallel kernel: its one
# batch loop runs on Python threads with the GIL released (tests/unit/test_flight_threads.py).
TWINS = [
    ("thaadsim.defense.kernels", "table_lookup_parallel", "table_lookup_serial"),
    ("thaadsim.defense.kernels", "homing_batch_parallel", "homing_batch_serial"),
    ("thaadsim.sensors.kernels", "look_batch", "look_batch_serial"),
    ("thaadsim.sensors.kernels", "pd_batch", "pd_batch_serial"),
    ("thaadsim.sensors.kernels", "access_batch", "access_batch_serial"),
]

# Runs every kernel of TWINS once with tiny inputs, either the parallel kernels directly
# or through the size-choosing wrappers (which must pick the serial twins), and reports
# what numba loaded.
_CHILD = r"""
import json, sys
import numpy as np
mode = sys.argv[1]
from thaadsim.flight import kernels as FK
from thaadsim.defense import kernels as DK
from thaadsim.sensors import kernels as SK
from thaadsim.flight.engine import fly_from_burnout
from thaadsim.sensors.radar import RadarModel
import numba.np.ufunc.parallel as numba_parallel

if mode == "parallel":  # every batch counts as large
    FK.PARALLEL_MIN_BATCH = 1
    DK.LOOKUP_SERIAL_BELOW = DK.HOMING_SERIAL_BELOW = 0
    SK.SERIAL_BELOW = 0
fly_from_burnout(39.0, 127.0, 100e3, 3000.0, 40.0, 90.0)
table = np.arange(2 * 3 * 4, dtype=float).reshape(2, 3, 4)
DK.table_lookup(table, 0.0, np.pi, 0.0, 1.0, 0.0, 1.0, np.array([0.1]), np.array([0.5]), np.array([0.5]))
DK.homing_batch(np.array([[1000.0, 10.0, 0.0]]), np.array([[-1000.0, 0.0, 0.0]]), 4.0, 100.0, 0.1, 1e-2, 5.0)
p, faces = RadarModel.from_catalog("an-tpy-2", "forward-based").with_site(36.0, 128.0, 680.0, "x").kernel_params(1)
r = np.array([[-3.0e6, 4.0e6, 3.8e6], [-3.0e6, 4.0e6, 3.9e6]])
rcs = np.array([0.1])
SK.look_any(r, rcs, p, faces, *[np.empty(2) for _ in range(6)], np.empty(2, dtype=np.bool_))
frozen = rcs.copy()
frozen.flags.writeable = False  # e.g. a numpy scalar's array, or a scenario's frozen truth
SK.look_any(r, frozen, p, faces, *[np.empty(2) for _ in range(6)], np.empty(2, dtype=np.bool_))
SK.pd_any(r, rcs, p, faces, np.empty(2))
SK.access_any(r, np.array([0.0, 1.0]), np.array([0, 2]), rcs, p, faces, 0.5, np.empty(2),
              np.empty(2, dtype=np.bool_), np.empty(1, dtype=np.int64), np.empty(1), np.empty(1), np.empty(1))
from thaadsim.earth import kernels as EK
mods = {"thaadsim.flight.kernels": FK, "thaadsim.defense.kernels": DK, "thaadsim.sensors.kernels": SK}
report = {"pool_started": bool(numba_parallel._is_initialized), "kernels": {},
          "specializations": {f"{m.__name__}.{name}": len(obj.overloads)
                              for m in (FK, DK, SK, EK) for name, obj in vars(m).items()
                              if hasattr(obj, "overloads") and getattr(obj, "__module__", "") == m.__name__}}
for mod, par, ser in TWINS:
    for name in (par, ser):
        disp = getattr(mods[mod], name)
        report["kernels"][name] = {
            "overloads": len(disp.overloads),
            "parfors": [any(getattr(f, "__name__", "") == "_reload_parfors" for f in o.reload_init)
                        for o in disp.overloads.values()],
            "cache_hits": sum(disp.stats.cache_hits.values()),
        }
print(json.dumps(report))
"""


def _run_child(mode: str, cache_dir) -> dict:
    # numba's just-in-time cache is the subject: the install's ahead-of-time build (thaadsim.aot),
    # which serves some serial twins' signatures without compiling, is switched off
    env = dict(os.environ, NUMBA_CACHE_DIR=str(cache_dir), THAADSIM_AOT="0")
    code = f"TWINS = {TWINS!r}\n" + _CHILD
    out = subprocess.run([sys.executable, "-c", code, mode], capture_output=True, text=True, env=env, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.slow
def test_serial_twins_keep_their_own_cache_entries(tmp_path):
    """Parallel code cached first must not be loaded for the serial path (numba's reload_init)."""
    first = _run_child("parallel", tmp_path)
    assert first["pool_started"]
    for _, par, ser in TWINS:
        assert first["kernels"][par]["parfors"] == [True], par
        assert first["kernels"][ser]["overloads"] == 0, ser
    second = _run_child("serial", tmp_path)
    assert not second["pool_started"], "a small input started the thread pool"
    for _, _par, ser in TWINS:
        k = second["kernels"][ser]
        assert k["overloads"] == 1 and k["parfors"] == [False], (ser, k)
        assert k["cache_hits"] == 0, f"{ser} was loaded from the parallel kernel's cache entry"
    # One machine-code version per kernel: a literal argument or a read-only array would
    # make numba compile a kernel (and all it calls) once more, ~1 s each without a cache.
    twice = {name: n for name, n in first["specializations"].items() if n > 1}
    assert not twice, f"compiled more than once in one process: {twice}"
    assert first["specializations"]["thaadsim.flight.kernels._rhs"] == 1  # the check saw the kernels
    third = _run_child("serial", tmp_path)
    for _, _, ser in TWINS:  # and the serial code, once cached, is found again as serial
        assert third["kernels"][ser] == {"overloads": 1, "parfors": [False], "cache_hits": 1}, ser


def test_every_parallel_kernel_has_a_serial_twin():
    """Each ``parallel=True`` dispatcher under src/ is listed in TWINS (so the test above covers it)."""
    listed = {(m, p) for m, p, _ in TWINS}
    found = set()
    for info in pkgutil.walk_packages(thaadsim.__path__, "thaadsim."):
        if not info.name.endswith(".kernels"):
            continue
        module = importlib.import_module(info.name)
        for name, obj in vars(module).items():
            parallel = isinstance(obj, numba.core.registry.CPUDispatcher) and obj.targetoptions.get("parallel")
            if parallel and obj.__module__ == info.name:  # not a kernel imported from elsewhere
                found.add((info.name, name))
    assert found == listed
    for m, p, s in TWINS:
        serial = getattr(importlib.import_module(m), s)
        assert not serial.targetoptions.get("parallel"), s
        assert serial.py_func is not getattr(importlib.import_module(m), p).py_func, (p, s)
