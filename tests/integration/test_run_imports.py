"""What ``thaadsim run`` imports: nothing a run does not use (issue 12: lazy imports).

A run of korea-salvo in its own process reports the modules it loaded.  pandas (pyarrow
imports it for ``pa.array``), pyplot, czml3 and the salvo-size study's modules are never
needed, nor scipy's interpolate, optimize, stats and special (~0.4, 0.15, 0.3, 0.3 s); cartopy, shapely
and pyshp only when the report map's Natural Earth layers are not yet in the disk cache (the
first run fills it, so a second run must do without them).  These are checked with the report's
figures drawn in the run's own process (``THAADSIM_FIGURE_WORKER=off``): everything in one
place.  With the figure worker (the default), the run's own process loads neither matplotlib
nor pyarrow: the worker, forked early, imports them while the run flies, and makes the
figures and trajectories.parquet.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from thaadsim.jit import RUNTIME_ONLY_CACHE_LOAD

NEVER = ("pandas", "matplotlib.pyplot", "czml3", "thaadsim.outputs.study_report", "thaadsim.studies.sweep",
         "scipy.interpolate", "scipy.optimize", "scipy.stats", "scipy.special")
"""Modules a run never needs."""
CACHED_AWAY = ("cartopy", "shapely", "shapefile")
"""Modules only a run whose base map is not yet in the disk cache needs."""
COMPILER_ONLY = ("numba.np.arraymath", "numba.np.linalg", "scipy.linalg")
"""Modules only compiling needs (numba's lowering registries, its BLAS check's scipy.linalg):
a run whose kernels all come from numba's disk cache loads none (``thaadsim.jit``)."""

_CODE = """
import json, runpy, sys
sys.argv = ["thaadsim", "run", "korea-salvo", "--out", sys.argv[1]]
try:
    runpy.run_module("thaadsim", run_name="__main__")
except SystemExit as stop:
    assert not stop.code, stop.code
print(json.dumps(sorted(sys.modules)))
"""


def _modules(out, worker: str = "off") -> set[str]:
    env = dict(os.environ, THAADSIM_FIGURE_WORKER=worker)
    done = subprocess.run([sys.executable, "-c", _CODE, str(out)], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def test_a_run_imports_only_what_it_uses(tmp_path):
    loaded = _modules(tmp_path / "first")
    assert not loaded & set(NEVER)
    if loaded & set(CACHED_AWAY + COMPILER_ONLY):  # base map or kernels made and kept: not again
        loaded = _modules(tmp_path / "second")
    assert not loaded & set(NEVER + CACHED_AWAY)
    if RUNTIME_ONLY_CACHE_LOAD:
        assert not loaded & set(COMPILER_ONLY)


def test_with_the_figure_worker_the_run_itself_never_loads_matplotlib_or_pyarrow(tmp_path):
    if not sys.platform.startswith("linux") or len(os.sched_getaffinity(0)) < 2:
        return  # the worker forks on Linux, with two CPUs or more: elsewhere the run draws its figures itself
    loaded = _modules(tmp_path / "run", worker="on")
    assert "matplotlib" not in loaded
    assert "pyarrow" not in loaded
    assert (tmp_path / "run" / "report.html").stat().st_size > 100_000  # the figures came from the worker
    assert (tmp_path / "run" / "trajectories.parquet").stat().st_size > 10_000  # and so did the Parquet
