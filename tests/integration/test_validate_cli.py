"""`thaadsim validate` end to end, through `python -m thaadsim`: the JSON list of rows, the
text report grouped by kind with its counts, progress on stderr only, and the exit status
of a gate (0 when every row passes, 2 with one stderr line when any row fails)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap

from tests.integration import cli

KEYS = {"name", "category", "ours", "theirs", "unit", "deviation", "deviation_kind", "tolerance", "status",
        "source", "note", "ours_low", "ours_high", "theirs_low", "theirs_high", "kind", "passed"}


def test_quick_json_is_a_list_of_rows_and_every_row_passes():
    done = cli.run("validate", "--quick", "--json")
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)  # progress never reaches stdout
    assert isinstance(rows, list) and len(rows) >= 70
    for row in rows:
        assert set(row) == KEYS
        assert row["status"] in ("agrees", "calibration") and row["passed"] is True, row["name"]
        assert row["kind"] in ("independent", "self-consistency", "calibration")
        assert row["source"]
        assert isinstance(row["ours"], float) and isinstance(row["theirs"], float)
    assert {r["kind"] for r in rows} == {"independent", "self-consistency", "calibration"}
    # piped: plain progress lines on stderr, one per row group, then 'done'
    assert re.search(r"validate \[\s*\d+\.\d s\] \d+/\d+ done", done.stderr), done.stderr


def test_quick_text_report_groups_rows_by_kind_with_counts():
    done = cli.run("validate", "--quick")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "== closed forms: free flight" in out and "figure" in out and "source" in out
    heads = re.findall(r"#### (independent|self-consistency|calibration)[^:]*: (\d+) rows", out)
    assert [k for k, _ in heads] == ["independent", "self-consistency", "calibration"], heads
    m = re.search(r"rows by kind: (\d+) independent, (\d+) self-consistency, (\d+) calibration", out)
    assert m and tuple(m.groups()) == tuple(n for _, n in heads)
    m = re.search(r"(\d+) checks: (\d+) agree, (\d+) differ; (\d+) calibrations \(not checks\): (\d+) drifted", out)
    assert m, out[-500:]
    n, agree, differ, calibrations, drifted = map(int, m.groups())
    assert n == agree and differ == 0 and drifted == 0 and calibrations >= 5
    assert "calibration (holds)" in out
    assert "validate [" in done.stderr and "validate [" not in out


_PLANTED = textwrap.dedent("""
    import sys
    from thaadsim.sensors.radar import RadarModel
    original = RadarModel.from_catalog.__func__
    RadarModel.from_catalog = classmethod(lambda cls, *a, **k: (lambda m: m.with_(loss=2.0 * m.loss))(
        original(cls, *a, **k)))  # radar losses +3 dB: the calibrated ranges drift by -16 %
    sys.argv = ["thaadsim", "validate", "--quick"{json}]
    from thaadsim.cli.main import run
    run()
""")


def _planted(*extra: str) -> subprocess.CompletedProcess[str]:
    code = _PLANTED.format(json="".join(f", {e!r}" for e in extra))
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600)


def test_a_failing_row_exits_2_with_one_line_naming_it():
    done = _planted()
    assert done.returncode == 2, (done.returncode, done.stderr[-1000:])
    assert "DRIFTED (calibration)" in done.stdout  # the table is still printed
    lines = [ln for ln in done.stderr.splitlines() if "rows failed" in ln]
    assert len(lines) == 1
    assert re.match(r"validate: 2 of \d+ rows failed: AN/TPY-2 ", lines[0]), lines[0]
    assert "(drifted)" in lines[0]


def test_a_failing_row_keeps_the_json_shape():
    done = _planted("--json")
    assert done.returncode == 2
    rows = json.loads(done.stdout)
    failed = [r for r in rows if not r["passed"]]
    assert len(failed) == 2 and all(r["status"] == "drifted" and r["kind"] == "calibration" for r in failed)
