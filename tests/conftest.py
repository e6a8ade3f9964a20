"""Suite-wide fixtures and the order and grouping of the tests across xdist workers.

Shared runs: a few commands are expensive and several tests only read their output.  They run
once per worker, as session fixtures here, and every test that reads one is sent to the same
worker (an ``xdist_group`` named after the fixture; CI runs ``--dist loadgroup``), so the
suite pays for each once.

Grouping: a test that uses a module- or class-scoped fixture of its own file is sent to the
worker that holds the rest of that file's users of it, so such a fixture (a run folder, a
browser, a set of flights) is built once, not once per worker.  Every other test is its own
unit of work: the two workers stay busy to the end.

Order: tests marked ``slow`` are collected first, so a long test never starts last while
the other worker sits idle.
"""

from __future__ import annotations

import json
import os

import pytest

from tests.integration.inprocess import invoke

SHARED_GROUP_PREFIX = "shared:"


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
def validate_run(tmp_path_factory) -> tuple[int, str, str]:
    """``thaadsim validate`` (every row, as the README shows it) once, through the real entry point,
    progress lines left on (stderr not a terminal: plain lines, as when piped): (exit code, stdout,
    stderr).  Read by the README test (the line exits 0) and by the text-report test (its layout)."""
    return invoke("validate", env={"THAADSIM_PROGRESS": ""}, cwd=tmp_path_factory.mktemp("validate"))


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


def xdist_group_of(item: pytest.Item) -> str | None:
    """The worker group a test belongs to (module doc), or None for a unit of its own."""
    defs = item._fixtureinfo.name2fixturedefs
    shared, own_file = [], False
    for name in item.fixturenames:
        for fixturedef in defs.get(name, ()):
            module = getattr(fixturedef.func, "__module__", "") or ""
            if fixturedef.scope == "session" and module == __name__:
                shared.append(name)
            elif fixturedef.scope in ("module", "class", "package") and module == item.module.__name__:
                own_file = True
    if shared:
        return SHARED_GROUP_PREFIX + sorted(shared)[0]
    return item.module.__name__ if own_file else None


@pytest.hookimpl(tryfirst=True)  # before xdist's loadgroup hook reads the marks
def pytest_collection_modifyitems(config, items):
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)  # stable: slow ones first
    for item in items:
        if item.get_closest_marker("xdist_group") is None:
            group = xdist_group_of(item)
            if group is not None:
                item.add_marker(pytest.mark.xdist_group(group))
