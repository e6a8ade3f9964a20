"""Monte Carlo studies through the web app's JSON API (FastAPI's TestClient over httpx).

Authorities: the study engine as the CLI calls it - a study through the API answers the
summary.json that ``thaadsim.studies.montecarlo.run_study`` gives for the same scenario,
runs and seed (``thaadsim montecarlo`` writes exactly that) - and the API's contract for
runs (status codes, field-level 422, limits, cancellation), which studies share.
"""

from __future__ import annotations

import json
import time

import pytest
from fastapi.testclient import TestClient

from tests.web.helpers import SMALL, sleeper
from tests.web.test_api import wait as wait_run
from thaadsim.web.app import create_app
from thaadsim.web.jobs import Limits

pytestmark = pytest.mark.filterwarnings("ignore:Using `httpx` with `starlette.testclient`")

RUNS = 3


def wait(client, study_id, until=("done", "failed"), timeout=240.0):
    return wait_run(client, study_id, until, timeout, kind="studies")


@pytest.fixture()
def client(tmp_path):
    with TestClient(create_app(tmp_path / "runs")) as c:
        yield c


def test_study_matches_the_engine(client, tmp_path):
    """The API's study answers run_study's summary for the same scenario, runs and seed, and
    writes the CLI's three files, all at once: no staging or parts folder is left."""
    import pandas as pd

    from thaadsim.scenario.loader import parse_scenario
    from thaadsim.studies.montecarlo import run_study, summary_text

    made = client.post("/api/studies", json={"scenario": SMALL, "runs": RUNS, "seed": 11})
    assert made.status_code == 202, made.text
    study_id = made.json()["id"]
    assert client.get(f"/api/runs/{study_id}").status_code == 404  # a study is not a run
    done = wait(client, study_id)
    assert done["status"] == "done", done["error"]
    expected = run_study(parse_scenario(SMALL), RUNS, 11)
    assert done["summary"] == json.loads(summary_text(expected.summary))
    assert done["summary"]["runs"] == RUNS and done["seed"] == 11 and done["runs"] == RUNS
    assert done["progress"].startswith(f"{RUNS}/{RUNS} ")
    lo, hi = done["summary"]["p_no_leak_ci95"]
    assert 0.0 <= lo <= done["summary"]["p_no_leak"] <= hi <= 1.0
    png = client.get(f"/api/studies/{study_id}/convergence.png")
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG")
    root = tmp_path / "runs"
    assert sorted(p.name for p in root.iterdir()) == [study_id]
    # the bundle's all-or-nothing writer, with its manifest, as the CLI's study folder
    assert sorted(p.name for p in (root / study_id).iterdir()) == [".thaadsim-run.json", "convergence.png",
                                                                   "runs.parquet", "summary.json"]
    table = pd.read_parquet(root / study_id / "runs.parquet")
    assert table["run"].tolist() == list(range(RUNS))
    assert [s["id"] for s in client.get("/api/studies").json()] == [study_id]
    assert client.get("/api/runs").json() == []


def test_bad_study_requests_get_field_errors(client):
    """A bad scenario gets the runs' 422 (the same field and line); too many runs is refused
    at the field ``runs``; a geometry no missile can fly fails the study at its field."""
    bad = client.post("/api/studies", json={"scenario": SMALL.replace("missile: scud-er", "missile: scud-erx"),
                                            "runs": RUNS})
    assert bad.status_code == 422
    item = bad.json()["detail"][0]
    assert item["field"] == "threats[0].missile" and item["line"] == 6
    many = client.post("/api/studies", json={"scenario": "korea-salvo", "runs": 201})
    assert many.status_code == 422
    item = many.json()["detail"][0]
    assert item["loc"] == ["body", "runs"] and item["field"] == "runs" and "200" in item["msg"]
    assert client.post("/api/studies", json={"scenario": "korea-salvo", "runs": 0}).status_code == 422
    assert client.post("/api/studies", json={"scenario": "korea-salvo"}).status_code == 422
    far = SMALL.replace("missile: scud-er", "missile: scud-b")  # 300 km reach, Daegu is ~540 km away
    study_id = client.post("/api/studies", json={"scenario": far, "runs": RUNS}).json()["id"]
    failed = wait(client, study_id)
    assert failed["status"] == "failed" and failed["summary"] is None
    assert failed["error"]["field"] == "threats[0].to" and failed["error"]["line"] == 8, failed["error"]
    assert client.get(f"/api/studies/{study_id}/convergence.png").status_code == 409


def test_studies_share_the_run_queue_and_its_limits(tmp_path):
    """One slot: a study waits behind a run; the queue's bound counts both; the run time
    stops a study; its configured largest study is the bound."""
    limits = Limits(concurrent_runs=1, queued_runs=1, run_s=2.0, study_runs=5)
    with TestClient(create_app(tmp_path / "runs", limits, work=sleeper, study_work=sleeper)) as client:
        assert client.post("/api/studies", json={"scenario": SMALL, "runs": 6}).status_code == 422
        run = client.post("/api/runs", json={"scenario": SMALL}).json()["id"]
        study = client.post("/api/studies", json={"scenario": SMALL, "runs": 5}).json()["id"]
        assert client.post("/api/studies", json={"scenario": SMALL, "runs": 5}).status_code == 429
        wait_run(client, run, until=("running",), timeout=30)
        assert client.get(f"/api/studies/{study}").json()["status"] == "queued"
        stopped = wait(client, study, timeout=30)
        assert stopped["status"] == "failed" and "stopped after 2 s" in stopped["error"]["message"]
        assert "fewer runs" in stopped["error"]["hint"]


def test_cancelled_study_leaves_no_folder(tmp_path):
    """A study cancelled while it runs is stopped and leaves nothing in the runs folder: no
    study folder, no staging folder, no parts folder (a web study is not resumed)."""
    with TestClient(create_app(tmp_path / "runs")) as client:
        study_id = client.post("/api/studies", json={"scenario": "korea-salvo", "runs": 200}).json()["id"]
        wait(client, study_id, until=("running",), timeout=30)
        time.sleep(1.5)  # into run_study: its parts folder is made
        assert client.delete(f"/api/studies/{study_id}").status_code == 202
        done = wait(client, study_id, timeout=30)
        assert done["status"] == "failed" and done["error"]["message"] == "cancelled"
        assert list((tmp_path / "runs").iterdir()) == []
        assert client.delete("/api/studies/0123456789abcdef").status_code == 404
