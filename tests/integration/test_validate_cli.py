"""`thaadsim validate` end to end, through `python -m thaadsim`: the JSON list of checks and
the text report's closing count (calibrations reported apart from checks, exit 0)."""

from __future__ import annotations

import json
import re

from tests.integration import cli

KEYS = {"name", "category", "ours", "theirs", "unit", "deviation", "deviation_kind", "tolerance", "status",
        "source", "note", "ours_low", "ours_high", "theirs_low", "theirs_high"}


def test_quick_json_is_a_list_of_checks():
    done = cli.run("validate", "--quick", "--json")
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    assert isinstance(rows, list) and len(rows) >= 40
    for row in rows:
        assert set(row) == KEYS
        assert row["status"] in ("agrees", "differs", "calibration")
        assert row["source"]
        assert isinstance(row["ours"], float) and isinstance(row["theirs"], float)
    assert any(r["status"] == "calibration" for r in rows)


def test_quick_text_report_counts_checks_apart_from_calibrations():
    done = cli.run("validate", "--quick")
    assert done.returncode == 0, done.stderr  # a report, not a test: exit 0 even where figures differ
    out = done.stdout
    assert "== closed forms: free flight" in out and "figure" in out and "source" in out
    m = re.search(r"(\d+) checks: (\d+) agree, (\d+) differ, (\d+) calibrations \(not checks\)", out)
    assert m, out[-500:]
    n, agree, differ, calibrations = map(int, m.groups())
    assert n == agree + differ and calibrations >= 5
    assert "calibration (by construction)" in out
    if differ:
        assert "not a test" in out
