"""The main job where nothing has been compiled yet (an empty numba cache): with the install's
ahead-of-time kernels (thaadsim.aot) ``thaadsim run korea-salvo`` compiles nothing, and its outputs
are the same bits as with every kernel compiled just in time (``THAADSIM_AOT=0``).

Authority: numba's disk cache (a kernel it compiles is written there, so an empty cache after the
run means nothing compiled) and the just-in-time build of the same sources.
"""

from __future__ import annotations

import os
import shutil

import pytest

from tests.integration import cli
from thaadsim import aot

OUTPUTS = ("summary.json", "events.csv", "trajectories.parquet", "scenario.czml", "scenario.kml")


def test_the_main_job_compiles_nothing_and_gives_the_same_bits_as_just_in_time(tmp_path):
    state = aot.state()
    if state.status == "absent" and shutil.which(os.environ.get("CC", "cc")) is None:
        pytest.skip("no C compiler on this machine: the install could not build the ahead-of-time kernels")
    assert state.ready, f"{state.line()} (the README's install builds them)"
    cache = tmp_path / "numba-cache"
    quiet = {**os.environ, "THAADSIM_PROGRESS": "off"}
    done = cli.run("run", "korea-salvo", "--out", str(tmp_path / "aot"), env={**quiet, "NUMBA_CACHE_DIR": str(cache)})
    assert done.returncode == 0, done.stderr
    compiled = sorted({p.name.split(".py")[0] for p in cache.rglob("*") if p.is_file()})
    assert not compiled, (f"korea-salvo compiled {compiled}: a kernel or its argument types changed since "
                          "aot_exports.txt was written - `make aot-exports`, then reinstall")
    done = cli.run("run", "korea-salvo", "--out", str(tmp_path / "jit"), env={**quiet, aot.ENV_SWITCH: "0"})
    assert done.returncode == 0, done.stderr
    for name in OUTPUTS:
        assert (tmp_path / "aot" / name).read_bytes() == (tmp_path / "jit" / name).read_bytes(), name


def test_version_says_whether_the_install_build_is_in_use():
    shown = cli.run("--version")
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.startswith("thaadsim ") and aot.state().line() in shown.stdout
    off = cli.run("--version", env={**os.environ, aot.ENV_SWITCH: "0"})
    assert "ahead-of-time kernels: not in use, THAADSIM_AOT=0" in off.stdout
