"""Suite-wide fixtures: runs that several tests only read.

A few commands are expensive and more than one test reads their output (a replay of every
catalog test, a korea-salvo run, an infer-range, the quick validation set).  Each runs once
per xdist worker, as a session fixture here, instead of once per test that reads it.

(Sending the readers of one run to one worker with ``xdist_group`` and ``--dist loadgroup``
does not work with the pinned pytest 9.2 and pytest-xdist 3.8: xdist marks the group by
rewriting ``item._nodeid``, which pytest 9.2 no longer reads, so every test stays its own
unit.  The readers of each run are instead collected next to each other (the hook below) and
kept together in one worker's share of ``--dist worksteal`` (tests/schedule.py); at worst, when
a worker steals some of them, a shared run is made on both workers: never more often than before.)
"""

from __future__ import annotations

import json
import os

import pytest

from tests import schedule
from tests.integration.inprocess import invoke


def _progress_at_default() -> dict[str, str]:
    """This environment without ``THAADSIM_PROGRESS``: the command picks its display itself."""
    return {k: v for k, v in os.environ.items() if k != "THAADSIM_PROGRESS"}


@pytest.fixture(scope="session")
def replay_json_run(tmp_path_factory) -> tuple[int, list[dict] | None, str]:
    """``thaadsim replay --json`` once, through the real entry point, with the progress lines
    left on (``THAADSIM_PROGRESS`` unset: stderr is not a terminal, so plain lines, as when
    piped): (exit code, the parsed stdout rows or None if it did not parse, stderr).

    Read by the progress test (stdout whole, stderr lines) and by the 2017 replay checks (the
    rows' figures beside the published ones): one replay of every catalog test, not two."""
    code, out, err = invoke("replay", "--json", env={"THAADSIM_PROGRESS": ""},
                            cwd=tmp_path_factory.mktemp("replay"))
    try:
        rows = json.loads(out)
    except ValueError:
        rows = None
    return code, rows, err


@pytest.fixture(scope="session")
def korea_salvo_run(tmp_path_factory):
    """``thaadsim run korea-salvo --out FOLDER --json`` once, as a user runs it (a separate process,
    stdout and stderr pipes, progress left at its default): (FOLDER, the completed process).

    Read by tests/integration/test_run_cli.py (the folder's files) and by the progress test (its
    stderr): the same command line they each ran before."""
    from tests.integration import cli

    out = tmp_path_factory.mktemp("runs") / "korea"
    return out, cli.run("run", "korea-salvo", "--out", str(out), "--json", env=_progress_at_default())


INFER_RANGE_JSON = ("infer-range", "--apogee-km", "2111.5", "--range-km", "787", "--flight-time-s", "1800",
                    "--from", "kusong", "--toward", "guam", "--json")


@pytest.fixture(scope="session")
def infer_range_json_run():
    """``thaadsim infer-range ... --json`` (``INFER_RANGE_JSON``) once, as a user runs it (a separate
    process, pipes, progress at its default): the completed process.  Read by the flight commands'
    JSON contract test and by the progress test (stdout whole, stages on stderr)."""
    from tests.integration import cli

    return cli.run(*INFER_RANGE_JSON, env=_progress_at_default())


@pytest.fixture(scope="session")
def quick_validation_rows():
    """``validation_set(quick=True)`` once: (rows, CPU seconds each row group took, by label - timed
    between the set's own progress calls, which come before each group and once at the end).

    Read by the harness's bookkeeping tests and by the planted-error tests (which try the
    cheapest groups first: tests/validation/test_validate_catches_plants.py)."""
    import time

    from thaadsim.studies.validation import validation_set

    marks: list[tuple[str, float]] = []
    rows = validation_set(quick=True, progress=lambda done, total, label: marks.append((label, time.process_time())))
    cost = {label: t1 - t0 for (label, t0), (_, t1) in zip(marks[:-1], marks[1:], strict=True)}
    return rows, cost


SHARED_RUNS = ("replay_json_run", "korea_salvo_run", "infer_range_json_run", "quick_validation_rows")


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node):
    """The controller's ``--dist`` mode, for the workers' collection hook below (xdist sets each
    worker's own ``dist`` option to ``no``)."""
    node.workerinput["dist"] = node.config.getoption("dist")


def _shared_run(item) -> str | None:
    return next((n for n in SHARED_RUNS if n in item.fixturenames), None)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """The readers of one shared run are put next to each other, where the first of them was;
    then, on the workers of ``-n N --dist worksteal`` (the project's default mode), the whole
    collection is laid out in N shares of about equal cost, long tests first (tests/schedule.py).

    A worker runs a contiguous share, so neighbours mostly share a worker and a shared run is made
    once; only the order changes, never which tests run.  The module fixtures of the moved tests
    only read a shared run, so a module visited twice costs nothing."""
    readers: dict[str, list] = {name: [] for name in SHARED_RUNS}
    for item in items:
        name = _shared_run(item)
        if name:
            readers[name].append(item)
    placed, order = set(), []
    for item in items:
        name = _shared_run(item)
        if name is None:
            order.append(item)
        elif name not in placed:
            placed.add(name)
            order.extend(readers[name])
    assert len(order) == len(items)
    workerinput = getattr(config, "workerinput", None)
    if workerinput is not None and workerinput.get("dist") == "worksteal":
        order = schedule.order(order, workerinput["workercount"],
                               key=lambda item: _shared_run(item) or item.nodeid.split("::")[0])
    items[:] = order
