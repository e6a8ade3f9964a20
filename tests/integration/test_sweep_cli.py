"""``thaadsim sweep`` and ``thaadsim run`` on a scenario with a sweep block, end to end.

Authorities: the study engine (each grid point's figures equal a ``run_study`` of that
point's scenario with the same seed), the Parquet file read back, and the contract of the
command line (one error line naming the field, exit 2; the folder all or nothing).
"""

from __future__ import annotations

import json

import pyarrow.parquet as pq
import pytest

from tests.integration.inprocess import invoke
from thaadsim.scenario.loader import parse_scenario
from thaadsim.studies.montecarlo import run_study
from thaadsim.studies.sweep import apply

SMALL = """\
name: sweep-small
description: Two Scud-ER from Tongchang-ri on the Seongju battery.
seed: 3
threats:
  - {missile: scud-er, from: tongchang-ri, to: Seongju site, count: 2, spacing_s: 5}
radars:
  - {name: tpy2, site: seongju}
batteries:
  - name: seongju
    site: seongju
    radar: tpy2
    assets: [{name: Seongju site, at: seongju}]
sweep: {threat: 0, counts: [1, 2]}
output: {false_alarms: false, footprints: false, coverage: false}
"""


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sweep")
    path = folder / "small.yaml"
    path.write_text(SMALL, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def swept(small):
    out = small.parent / "out"
    code, stdout, err = invoke("sweep", str(small), "--param", "batteries[0].sspk=0.5,0.9", "--runs", "3",
                               "--out", str(out), "--json")
    assert code == 0, err
    return out, json.loads(stdout)


def test_sweep_writes_its_folder(swept):
    out, doc = swept
    assert sorted(p.name for p in out.iterdir()) == [".thaadsim-run.json", "study.html", "sweep.json",
                                                     "sweep.parquet"]
    table = pq.read_table(out / "sweep.parquet").to_pylist()
    assert [r["batteries[0].sspk"] for r in table] == [0.5, 0.9]
    assert all(r["runs"] == 3 and 0 <= r["p_no_leak_ci95_low"] <= r["p_no_leak"] <= r["p_no_leak_ci95_high"] <= 1
               for r in table)
    assert doc["runs"] == 3 and doc["seed"] == 3 and doc["params"] == {"batteries[0].sspk": [0.5, 0.9]}
    assert [g["batteries[0].sspk"] for g in doc["grid"]] == [0.5, 0.9]
    page = (out / "study.html").read_text(encoding="utf-8")
    # the answer first, figures embedded, no link out
    assert page.index('class="answer"') < page.index("<h2>Grid</h2>") < page.index("data:image/png;base64,")
    assert "http" not in page.replace("http-equiv", "")
    assert "Wilson" in page and "seed 3" in page


def test_each_grid_point_is_the_study_of_its_scenario(small, swept):
    """A grid point's figures are those of run_study on the file with the field set (same seed)."""
    _, doc = swept
    scenario = parse_scenario(SMALL)
    study = run_study(apply(scenario, {"batteries[0].sspk": 0.9}), 3, 3)
    row = doc["grid"][1]
    assert row["p_no_leak"] == pytest.approx(study.summary["p_no_leak"])
    assert row["mean_leaked"] == pytest.approx(study.summary["mean_leaked"])
    assert row["mean_interceptors_fired"] == pytest.approx(study.summary["mean_interceptors_fired"])
    assert row["analytic_leak_fraction"] == pytest.approx(1 - (1 - (1 - 0.9) ** 2))


def test_a_sweep_on_dask_workers_gives_the_same_figures(small, swept):
    """Authority: the engine's contract (the same seed gives the same runs on any number of
    workers): a grid point on a two-worker LocalCluster equals the embedded one."""
    _, doc = swept
    out = small.parent / "dask"
    code, stdout, err = invoke("sweep", str(small), "--param", "batteries[0].sspk=0.9", "--runs", "3",
                               "--workers", "2", "--out", str(out), "--json")
    assert code == 0, err
    (row,) = json.loads(stdout)["grid"]
    for key in ("p_no_leak", "mean_leaked", "leak_fraction", "mean_interceptors_fired", "interceptors_per_kill"):
        assert row[key] == doc["grid"][1][key], key


@pytest.mark.parametrize(("param", "field"), [
    ("batteries[0].sspk=2", "--param batteries[0].sspk"),
    ("batteries[0].spk=0.5", "--param"),
    ("threats[3].count=2", "--param"),
])
def test_bad_param_is_one_line_exit_2_and_no_folder(small, param, field):
    out = small.parent / f"bad-{abs(hash(param))}"
    code, stdout, err = invoke("sweep", str(small), "--param", param, "--runs", "2", "--out", str(out))
    assert code == 2 and stdout == ""
    assert err.startswith(f"error: {field}") and err.count("\n") == 1, err
    assert not out.exists()


def test_run_on_a_sweep_block_runs_the_study_and_says_how_many_runs(small):
    out = small.parent / "run"
    code, stdout, err = invoke("run", str(small), "--out", str(out))
    assert code == 0, err
    assert "10 runs per salvo size" in stdout
    names = {p.name for p in out.iterdir()}
    assert {"report.html", "summary.json", "study.html", "sweep.parquet"} <= names
    summary = json.loads((out / "summary.json").read_text())
    assert [r["count"] for r in summary["sweep"]] == [1, 2] and all(r["runs"] == 10 for r in summary["sweep"])
    assert any("Leakage into defended assets" in n for n in summary["notes"])


def test_the_api_the_cli_and_the_web_app_give_one_sweep_answer(small, tmp_path):
    """A scenario's sweep block is played by one function (``studies.sweep.run_with_sweep``)
    whoever runs it: ``thaadsim run``, ``thaadsim.api.run`` and the web app's job give the same
    salvo rows and answer for the same seed (authority: the CLI's own summary.json)."""
    import thaadsim.api as api
    from thaadsim.web.jobs import run_child

    out = tmp_path / "cli"
    code, _, err = invoke("run", str(small), "--seed", "5", "--out", str(out))
    assert code == 0, err
    cli = json.loads((out / "summary.json").read_text())

    result = api.run(parse_scenario(SMALL, "small.yaml"), seed=5, views=False)
    assert result.study is not None and result.study.answer() == cli["notes"][0]
    assert json.loads(json.dumps(result.summary["sweep"])) == cli["sweep"]

    class Conn:
        def __init__(self):
            self.sent = []

        def send(self, message):
            self.sent.append(message)

        def close(self):
            pass

    conn = Conn()
    run_child(SMALL, "small.yaml", 5, str(tmp_path / "web"), conn)
    assert conn.sent[-1][0] == "done", conn.sent[-1]
    web = conn.sent[-1][1]
    assert web["sweep"] == cli["sweep"] and web["notes"][0] == cli["notes"][0]
    assert (tmp_path / "web" / "study.html").is_file()


class _Interrupt(Exception):
    pass


def test_an_interrupted_sweep_resumes_counting_each_run_once(small, swept, monkeypatch):
    """``thaadsim sweep --resume``: a sweep stopped in its second grid point keeps the first
    point's runs and the second's first batch, runs only the rest, and writes the same
    sweep.json as the sweep that ran through (authority: that sweep, ``swept``)."""
    from thaadsim.studies import montecarlo as mc
    from thaadsim.studies.sweep import parse_param, point_out, run_sweep

    out_dir, doc = swept
    out = small.parent / "resumed"
    scenario = parse_scenario(SMALL)

    def stop_in_the_second_point(done, total, label):
        if done >= 4:  # 3 runs of point 1, then run 0 of point 2 (batches of one run)
            raise _Interrupt

    with pytest.raises(_Interrupt):
        run_sweep(scenario, [parse_param("batteries[0].sspk=0.5,0.9")], 3, 3, batch_size=1, out=out,
                  progress=stop_in_the_second_point)
    assert not out.exists() and len(list(mc.parts_folder(point_out(out, 1)).glob("runs-*.parquet"))) == 1
    args = ("sweep", str(small), "--param", "batteries[0].sspk=0.5,0.9", "--runs", "3", "--out", str(out), "--json")
    code, stdout, err = invoke(*args)
    assert code == 2 and "--resume" in err and not out.exists()

    computed = []
    real = mc.run_one
    monkeypatch.setattr(mc, "run_one", lambda scenario, seed, run: computed.append(run) or real(scenario, seed, run))
    code, stdout, err = invoke(*args, "--resume")
    assert code == 0, err
    assert computed == [1, 2]  # point 2's runs 1 and 2: nothing of point 1, nor run 0 of point 2, again
    assert json.loads(stdout) == doc
    assert not mc.parts_folder(out).exists()  # the parts go once the folder is written
    code, stdout, err = invoke(*args, "--resume")
    assert code == 2 and "no interrupted sweep" in err
