"""A first run explains its wait: the progress display names the kernel numba is compiling (issue 12).

Authority: numba's own event contract - ``numba:compile`` is raised for a compile, not for a load
from the disk cache - and the display's plain-line format.  A warm run must say nothing about
compiling; a cold one must name the kernel while it compiles and stop naming it after.
"""

from __future__ import annotations

import io

import numba
import numpy as np

from thaadsim import aot, compiling, jit
from thaadsim.cli.progress import PlainLines


class _Clock:
    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


def _heard(run) -> list:
    heard: list = []
    compiling.watch(heard.append)
    try:
        run()
    finally:
        compiling.unwatch(heard.append)
    return heard


def test_a_compile_is_announced_with_its_kernel_and_its_end():
    """Only the outermost kernel is named: its callees compile inside its compile."""
    double = numba.njit(lambda x: 2 * x)

    def triple_of_double(x):
        return 3 * double(x)

    fresh = numba.njit(triple_of_double)  # not cached: this call compiles it and ``double``
    heard = _heard(lambda: fresh(2.0))
    assert heard == [f"{__name__}.triple_of_double", None]


def test_a_load_from_the_disk_cache_is_not_announced():
    from thaadsim.earth import kernels

    kernels.gravity_ecef(6.4e6, 0.0, 0.0, 0)  # compiled (and cached) now if no earlier run did
    again = jit._cached(numba.njit(error_model=jit.ERROR_MODEL)(kernels.gravity_ecef.py_func))
    heard = _heard(lambda: again(6.4e6, 0.0, 0.0, 0))
    assert heard == [], "a kernel loaded from numba's cache was reported as compiling"
    assert np.isfinite(again(6.4e6, 0.0, 0.0, 0)).all()


def test_a_forked_child_does_not_report_to_its_parents_display(monkeypatch):
    heard: list = []
    compiling.watch(heard.append)
    try:
        monkeypatch.setattr(compiling.os, "getpid", lambda: -1)  # as in a child forked after watch()
        compiling.notify("flight.fly_rows")
    finally:
        compiling.unwatch(heard.append)
    assert heard == []


def test_the_plain_lines_name_the_kernel_beside_the_stage_until_it_is_compiled(monkeypatch):
    monkeypatch.setattr(aot, "_state", aot.AotState("ready", "test"))  # a kernel the install did not build
    clock, out = _Clock(), io.StringIO()
    lines = PlainLines("run", out, clock=clock)
    lines(0, None, "tracking")
    clock.t = 1.0
    lines.compiling("tracking.track_frames")  # inside the first 2 s: still silent, as for any stage
    assert out.getvalue() == ""
    clock.t = 3.0
    lines.tick()
    clock.t = 3.5
    lines.compiling(None)
    clock.t = 5.5
    lines.tick()
    shown = out.getvalue().splitlines()
    assert shown == [
        "run [  3.0 s] tracking; compiling tracking.track_frames (first run on this machine, cached for the next)",
        "run [  5.5 s] tracking",
    ], shown


def test_the_notice_says_why_the_install_build_did_not_stand_in(monkeypatch):
    monkeypatch.setattr(aot, "_state", aot.AotState("stale", "tracking/kernels.py changed"))
    clock, out = _Clock(), io.StringIO()
    lines = PlainLines("run", out, clock=clock)
    lines(0, None, "tracking")
    lines.compiling("tracking.track_frames")
    clock.t = 3.0
    lines.tick()
    assert out.getvalue().splitlines() == [
        "run [  3.0 s] tracking; compiling tracking.track_frames (first run on this machine, cached for the next; "
        "ahead-of-time build out of date: `pip install -e .` rebuilds it)"]
