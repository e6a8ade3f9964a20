"""Progress of slow commands (issue 12): on stderr only, plain periodic lines when piped, silent on request.

The authority is the contract itself: stdout of ``--json`` must parse unchanged while stderr
carries the lines, and thousands of items must make a handful of lines, not one each.
"""

from __future__ import annotations

import io
import json
import os
import re

from tests.integration import cli
from thaadsim.cli.progress import PlainLines

LINE = re.compile(r"^(\S+) \[\s*\d+\.\d s\] (?:(\d+)/(\d+) )?(.*)$")


class _Clock:
    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


def test_plain_lines_are_periodic_not_one_per_item():
    """5,000 items over 100 simulated seconds: nothing in the first 2 s, then about one line per 2 s."""
    clock, out = _Clock(), io.StringIO()
    update = PlainLines("demo", out, delay_s=2.0, interval_s=2.0, clock=clock)
    for i in range(5000):
        clock.t = i * 0.02
        update(i, 5000, f"item {i}")
    clock.t = 100.0
    update(5000, 5000, "done")
    lines = out.getvalue().splitlines()
    assert all(LINE.match(line) for line in lines), lines[:3]
    assert 40 <= len(lines) <= 52, len(lines)  # (100 - 2) / 2 periodic lines and the final one
    first = LINE.match(lines[0])
    assert first.group(1) == "demo" and int(first.group(2)) >= 100  # nothing before 2 s (item 100)
    assert lines[-1].endswith("5000/5000 done")


def test_plain_lines_show_each_new_stage_but_nothing_for_a_fast_command():
    clock, out = _Clock(), io.StringIO()
    update = PlainLines("run", out, clock=clock)
    update(0, None, "flying")
    clock.t = 1.0
    update(0, None, "tracking")  # still inside the first 2 s: a fast command prints nothing
    assert out.getvalue() == ""
    clock.t = 2.5
    update(0, None, "fire control")
    clock.t = 2.6
    update(0, None, "report")  # a new stage is shown at once, not held for the interval
    assert [LINE.match(s).group(4) for s in out.getvalue().splitlines()] == ["fire control", "report"]


def test_infer_range_json_stdout_parses_and_stderr_carries_the_stages(infer_range_json_run):
    """Piped: the JSON on stdout is whole, the progress lines are on stderr, in order, ending in done.
    The run (a separate process) is tests/conftest.py's, shared with the JSON contract test of
    tests/integration/test_cli_flight.py."""
    done = infer_range_json_run
    assert done.returncode == 0, done.stderr
    assert isinstance(json.loads(done.stdout), dict)
    assert "infer-range [" not in done.stdout
    lines = [m for m in map(LINE.match, done.stderr.splitlines()) if m]
    if lines:  # nothing at all when the command took under the 2 s delay (a fast machine)
        assert {m.group(1) for m in lines} == {"infer-range"}
        assert lines[-1].group(4) == "done" and lines[-1].group(2) == lines[-1].group(3) == "4"


def test_progress_off_leaves_stderr_empty():
    quiet = {**os.environ, "THAADSIM_PROGRESS": "off"}
    done = cli.run("replay", "--test", "2017-07-04-hwasong-14", "--json", env=quiet)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert json.loads(done.stdout)[0]["test"] == "2017-07-04-hwasong-14"


def test_replay_json_piped_keeps_stdout_whole_and_reports_each_test_on_stderr(replay_json_run):
    """The slowest everyday command (issue 12: replay): JSON rows on stdout, progress lines on stderr that
    count the catalog's tests and end in done; periodic: about one per 2 s, plus each line a new count forced.

    The run is tests/conftest.py's ``replay --json`` through the real entry point with stderr not a
    terminal (what a pipe gives: the display is chosen by ``isatty``), shared with the 2017 replay
    checks; the real-pipe path of the same progress code is the infer-range and run tests here."""
    from thaadsim.catalog.loader import flight_tests

    code, rows, err = replay_json_run
    assert code == 0, err
    assert rows is not None, "replay --json: stdout is not JSON"  # a progress line there would break it
    assert len(rows) == len(flight_tests()) >= 7
    lines = [LINE.match(s) for s in err.splitlines()]
    assert all(lines), err  # nothing else on stderr
    if lines:
        assert {m.group(1) for m in lines} == {"replay"}
        assert {m.group(3) for m in lines} == {str(len(rows))}
        assert lines[-1].group(4) == "done" and lines[-1].group(2) == str(len(rows))
        elapsed = float(re.search(r"\[\s*([\d.]+) s\]", lines[-1].string).group(1))
        assert len(lines) <= elapsed / 2.0 + len(rows) + 2, err


def test_run_piped_shows_its_stages_on_stderr_and_json_on_stdout(korea_salvo_run):
    """``run`` reports its stages (no count: their number is not known ahead) when piped, as the
    terminal display did before; its --json stdout is summary.json unchanged.  The run is
    tests/conftest.py's ``run korea-salvo --json`` in a separate process (a real pipe), shared with
    tests/integration/test_run_cli.py's file-by-file checks."""
    out, done = korea_salvo_run
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == json.loads((out / "summary.json").read_text())
    stages = [LINE.match(s) for s in done.stderr.splitlines()]
    assert all(stages) and {m.group(1) for m in stages} <= {"run"}, done.stderr
    assert all(m.group(2) is None for m in stages)


def test_a_long_single_step_still_gets_a_line_per_interval():
    """A stage that began inside the first 2 s and runs on (the report's footprint maps) is not silent."""
    clock, out = _Clock(), io.StringIO()
    update = PlainLines("run", out, clock=clock)
    update(0, None, "defended footprints")
    for t in (1.0, 2.5, 3.0, 4.6, 7.0):
        clock.t = t
        update.tick()
    assert [LINE.match(s).group(4) for s in out.getvalue().splitlines()] == ["defended footprints"] * 3
