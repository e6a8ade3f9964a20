"""The report's figures and trajectories.parquet made in a forked worker (outputs/figure_worker.py)
are the bytes the run folder's writers make themselves; a worker that is gone costs time,
never a file.

Authority: the report's own drawing functions and the Parquet writer in this process (the
contract is that the worker only changes where the bytes are made)."""

from __future__ import annotations

import os
import signal
import sys

import pytest

pytest.importorskip("matplotlib")
pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the worker forks on Linux only")

from tests.scenario_example import example_result  # noqa: E402
from thaadsim.outputs.bundle import MADE_ELSEWHERE, run_writers, write_folder  # noqa: E402
from thaadsim.outputs.figure_worker import PARQUET, FigureWorker  # noqa: E402
from thaadsim.outputs.report import FIGURES, figure_names, render_report  # noqa: E402
from thaadsim.outputs.tables import write_trajectories_parquet  # noqa: E402


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_the_worker_draws_the_report_figures_byte_for_byte():
    result = example_result()
    names = figure_names(result)
    with FigureWorker() as worker:
        pid = worker.pid
        assert pid is not None
        worker.submit(result, names)
        drawn = worker.collect()
    assert sorted(drawn) == sorted(names)
    for name in names:
        assert drawn[name] == FIGURES[name](result), name
    assert render_report(result, drawn) == render_report(result)
    assert _gone(pid)


def test_the_worker_makes_the_parquet_and_the_run_folder_byte_for_byte(tmp_path):
    """The worker's trajectories.parquet is the file the writer makes here, and a run folder
    written from the worker's bytes (the others written first) is the folder written without it."""
    result = example_result()
    with FigureWorker() as worker:
        worker.submit(result, [*figure_names(result), PARQUET])
        write_folder(tmp_path / "worker", run_writers(result, worker.collect), last=MADE_ELSEWHERE)
        assert sorted(worker.collect()) == sorted([*figure_names(result), PARQUET])  # the same answer again
    write_trajectories_parquet(result, tmp_path / "here.parquet")
    assert worker.collect()[PARQUET] == (tmp_path / "here.parquet").read_bytes()
    write_folder(tmp_path / "alone", run_writers(result))
    for path in sorted((tmp_path / "alone").iterdir()):
        assert (tmp_path / "worker" / path.name).read_bytes() == path.read_bytes(), path.name


def test_a_dead_worker_leaves_the_figures_to_the_report():
    result = example_result()
    with FigureWorker() as worker:
        os.kill(worker.pid, signal.SIGKILL)
        worker.submit(result, figure_names(result))
        assert worker.collect() == {}


def test_a_run_that_stops_before_its_figures_leaves_no_worker():
    with FigureWorker() as worker:
        pid = worker.pid
    assert _gone(pid)
    assert FigureWorker(enabled=False).pid is None
