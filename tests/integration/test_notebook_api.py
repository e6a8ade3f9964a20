"""The notebook API (thaadsim.api) and its docs page: the page's code blocks run as written,
in order, in one namespace, and what they claim holds.

Authorities: the run's own summary.json (the DataFrames must say what it says) and the
command line's folder writer (``write`` gives the files ``thaadsim run`` gives)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[2] / "docs" / "notebook-api.md"


@pytest.fixture(scope="module")
def namespace(tmp_path_factory):
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert len(blocks) == 2
    folder = tmp_path_factory.mktemp("notebook")
    ns: dict = {}
    import os

    cwd = os.getcwd()
    os.chdir(folder)
    try:
        for block in blocks:
            exec(compile(block, str(DOC), "exec"), ns)  # noqa: S102 - the docs page, run as a reader would
    finally:
        os.chdir(cwd)
    ns["__folder__"] = folder
    return ns


def test_the_worked_example_answers_the_question(namespace):
    """The korea-salvo answer: the DataFrame agrees with summary.json, target by target."""
    result, targets, outside = namespace["result"], namespace["targets"], namespace["outside"]
    summary = result.summary
    by_target: dict[str, list[str]] = {}
    for p in summary["per_threat"]:
        by_target.setdefault(p["to"], []).append(p["outcome"])
    assert sorted(targets["target"]) == sorted(by_target)
    for _, row in targets.iterrows():
        outcomes = by_target[row["target"]]
        assert row["missiles"] == len(outcomes) and row["leaked"] == outcomes.count("leaked")
    assert sorted(outside) == sorted(t for t, o in by_target.items() if "leaked" in o)
    assert all(name in result.answer for name in targets.loc[~targets["protected"], "name"])
    assert any(c.startswith("footprint.") for c in targets.columns)


def test_trajectories_carry_outcome_and_target(namespace):
    result, leaked = namespace["result"], namespace["leaked"]
    expected = {p["object_id"] for p in result.summary["per_threat"] if p["outcome"] == "leaked"}
    assert set(leaked["object_id"]) == expected
    frame = result.trajectories
    threats = frame[frame["kind"] == "threat"].groupby("object_id")["target"].first().to_dict()
    assert threats == {p["object_id"]: p["to"] for p in result.summary["per_threat"]}
    shots = frame[frame["kind"] == "interceptor"].groupby("object_id")["outcome"].first()
    assert set(shots) <= {"kill", "miss"}


def test_tables_figures_html_write_and_compare(namespace):
    result, other = namespace["result"], namespace["other"]
    assert len(result.per_threat) == result.summary["threats"]
    assert list(result.events.columns)[:5] == ["time_s", "utc", "event", "object_id", "actor"]
    assert result.events["time_s"].is_monotonic_increasing
    for figure in (namespace["fig"], result.plot_altitude(), result.plot_timeline()):
        assert figure.axes  # a matplotlib Figure
    html = result._repr_html_()
    assert "target (aim point)" in html and result.answer.split(":")[0] in html
    folder = namespace["__folder__"] / "runs" / "korea-notebook"
    assert {"report.html", "summary.json", "events.csv", "trajectories.parquet", "scenario.czml",
            "scenario.kml"} <= {p.name for p in folder.iterdir()}
    table = result.compare(other)
    assert table.shape[1] == 2 and table.loc["threats"].tolist() == [8, 8]


def test_changed_validates_like_a_file():
    import thaadsim
    from thaadsim.errors import InputError

    scenario = thaadsim.load_scenario("korea-salvo")
    assert thaadsim.changed(scenario, seed=5).seed == 5
    with pytest.raises(InputError, match="seed"):
        thaadsim.changed(scenario, seed=-1)


def test_import_thaadsim_stays_light():
    """``import thaadsim`` loads no numba, scipy, matplotlib or pandas (the API is imported
    on first use), so ``thaadsim --help`` stays fast."""
    code = ("import sys, thaadsim; thaadsim.Result; "
            "print(sorted(m for m in ('numba', 'scipy', 'matplotlib', 'pandas') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
