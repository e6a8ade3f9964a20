"""The web app's JSON API through an HTTP client (FastAPI's TestClient over httpx).

Authorities: the CLI - a run through the API writes the same summary.json as
``thaadsim run`` of the same scenario and seed, and a bad scenario gets the same
field-level message as ``thaadsim scenario check`` of the same file - and the issue's
contract for the API (status codes, fields).
"""

from __future__ import annotations

import json
import time

import pytest
from fastapi.testclient import TestClient

from tests.web.helpers import SMALL, deaf_writer, sleeper
from thaadsim.web.app import create_app
from thaadsim.web.jobs import Limits

# starlette's TestClient asks for httpx2, which this project does not pin
pytestmark = pytest.mark.filterwarnings("ignore:Using `httpx` with `starlette.testclient`")

RUN_WAIT_S = 240.0


def wait(client, run_id, until=("done", "failed"), timeout=RUN_WAIT_S, kind="runs"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body = client.get(f"/api/{kind}/{run_id}").json()
        if body["status"] in until:
            return body
        time.sleep(0.2)
    raise AssertionError(f"run {run_id} still {body['status']} after {timeout} s")


@pytest.fixture()
def client(tmp_path):
    with TestClient(create_app(tmp_path / "runs")) as c:
        yield c


def test_scenarios_are_listed_with_their_names(client):
    from thaadsim.scenario.loader import builtin_names

    body = client.get("/api/scenarios").json()
    assert [s["name"] for s in body] == builtin_names()
    assert all(s["source"] == "built-in" and s["missiles"] >= 1 for s in body)
    korea = client.get("/api/scenarios/korea-salvo").json()
    assert korea["data"]["threats"][0]["count"] == 2 and "korea-salvo" in korea["yaml"]
    assert client.get("/api/scenarios/no-such").status_code == 404


def test_run_matches_the_cli(client, tmp_path):
    """The API's run writes the summary the CLI's writer gives for the same scenario and seed."""
    from thaadsim.outputs.bundle import summary_text
    from thaadsim.scenario.loader import parse_scenario
    from thaadsim.scenario.runner import run_scenario

    made = client.post("/api/runs", json={"scenario": SMALL, "seed": 7})
    assert made.status_code == 202, made.text
    run_id = made.json()["id"]
    first = client.get(f"/api/runs/{run_id}").json()
    assert first["status"] in ("queued", "running", "done") and first["error"] is None
    done = wait(client, run_id)
    assert done["status"] == "done", done["error"]
    expected = json.loads(summary_text(run_scenario(parse_scenario(SMALL), 7)))
    assert done["summary"] == expected
    assert done["summary"]["intercepted"] == 1 and done["summary"]["seed"] == 7
    czml = client.get(f"/api/runs/{run_id}/czml")
    assert czml.status_code == 200 and czml.headers["content-type"].startswith("application/json")
    packets = czml.json()
    assert packets[0]["id"] == "document" and "clock" in packets[0]
    events = client.get(f"/api/runs/{run_id}/events").json()
    assert events and {"time_s", "event", "object_id"} <= set(events[0])
    assert client.get(f"/api/runs/{run_id}/report").text.startswith("<!")
    listed = client.get("/api/runs").json()
    assert [r["id"] for r in listed] == [run_id]
    # the run's folder is the CLI's: its manifest lists every file, no staging folder is left
    root = tmp_path / "runs"
    assert sorted(p.name for p in root.iterdir()) == [run_id]
    manifest = json.loads((root / run_id / ".thaadsim-run.json").read_text())
    assert manifest["tool"] == "thaadsim" and len(manifest["files"]) == 6


def test_bad_scenario_gets_the_cli_field_error(client, tmp_path):
    """422 with the field, its line and the message the CLI prints for the same file."""
    from thaadsim.errors import ThaadsimError
    from thaadsim.scenario.loader import load_scenario

    bad = SMALL.replace("missile: scud-er", "missile: scud-erx")
    path = tmp_path / "bad.yaml"
    path.write_text(bad)
    with pytest.raises(ThaadsimError) as cli:
        load_scenario(path)
    response = client.post("/api/runs", json={"scenario": bad})
    assert response.status_code == 422
    item = response.json()["detail"][0]
    assert item["field"] == "threats[0].missile" and item["line"] == 6
    assert item["loc"] == ["body", "scenario", "threats[0].missile"]
    assert item["msg"].split(": ", 1)[1] == str(cli.value).split(": ", 1)[1]  # the same after FILE:LINE
    assert "did you mean 'scud-er'" in item["msg"]


def test_run_time_errors_are_placed_at_their_field(client):
    """A geometry no missile can fly is found when the run starts; its error names the field
    and the line of the text, as `thaadsim run FILE` does."""
    far = SMALL.replace("missile: scud-er", "missile: scud-b")  # 300 km reach, Daegu is ~540 km away
    run_id = client.post("/api/runs", json={"scenario": far}).json()["id"]
    done = wait(client, run_id)
    assert done["status"] == "failed" and done["summary"] is None
    assert done["error"]["field"] == "threats[0].to" and done["error"]["line"] == 8, done["error"]


@pytest.mark.parametrize("name", ["korea-salvx", "/etc/passwd", "../../../../etc/hostname", "README.md"])
def test_names_are_never_paths(client, name):
    """A scenario is a known name or YAML text: a path is not opened, it is an unknown name."""
    response = client.post("/api/runs", json={"scenario": name})
    assert response.status_code == 422
    assert response.json()["detail"][0]["msg"].startswith(f"no scenario named '{name}'")


def test_limits(tmp_path):
    limits = Limits(request_bytes=4096, missiles=4, concurrent_runs=1, queued_runs=1, run_s=2.0)
    with TestClient(create_app(tmp_path / "runs", limits, work=sleeper)) as client:
        big = client.post("/api/runs", json={"scenario": "x" * 5000})
        assert big.status_code == 413
        many = client.post("/api/runs", json={"scenario": SMALL.replace("to: daegu", "to: daegu\n    count: 5")})
        assert many.status_code == 422 and many.json()["detail"][0]["field"] == "threats"
        first = client.post("/api/runs", json={"scenario": SMALL}).json()["id"]
        second = client.post("/api/runs", json={"scenario": SMALL}).json()["id"]
        third = client.post("/api/runs", json={"scenario": SMALL})
        assert third.status_code == 429
        wait(client, first, until=("running",), timeout=30)
        assert client.get(f"/api/runs/{second}").json()["status"] == "queued"  # one at a time
        stopped = wait(client, first, timeout=30)
        assert stopped["status"] == "failed" and "stopped after 2 s" in stopped["error"]["message"]
        assert wait(client, second, timeout=30)["status"] == "failed"


def test_cancel_leaves_no_folder(tmp_path):
    """A run cancelled while it runs is stopped and leaves nothing in the runs folder (no run
    folder, no staging folder, no lock)."""
    with TestClient(create_app(tmp_path / "runs")) as client:
        run_id = client.post("/api/runs", json={"scenario": "korea-salvo"}).json()["id"]
        wait(client, run_id, until=("running",), timeout=30)
        time.sleep(1.0)
        assert client.delete(f"/api/runs/{run_id}").status_code == 202
        done = wait(client, run_id, timeout=30)
        assert done["status"] == "failed" and done["error"]["message"] == "cancelled"
        assert list((tmp_path / "runs").iterdir()) == []
        assert client.delete("/api/runs/0123456789abcdef").status_code == 404


def test_a_stopped_run_leaves_no_folder_even_if_its_interrupt_was_lost(tmp_path):
    """A cancelled run whose child never saw the interrupt and wrote its folder anyway (its
    KeyboardInterrupt dropped inside numba's compile callback - a fresh-clone CI failure) is
    killed, and its folder removed: a stopped run leaves nothing."""
    with TestClient(create_app(tmp_path / "runs", Limits(), work=deaf_writer)) as client:
        run_id = client.post("/api/runs", json={"scenario": SMALL}).json()["id"]
        wait(client, run_id, until=("running",), timeout=30)
        deadline = time.time() + 30
        while client.get(f"/api/runs/{run_id}").json()["progress"] != "written" and time.time() < deadline:
            time.sleep(0.1)
        assert (tmp_path / "runs" / run_id / "summary.json").is_file()
        assert client.delete(f"/api/runs/{run_id}").status_code == 202
        done = wait(client, run_id, timeout=30)
        assert done["status"] == "failed" and done["error"]["message"] == "cancelled"
        assert list((tmp_path / "runs").iterdir()) == []


def test_upload_then_run_by_name(client):
    made = client.post("/api/scenarios", json={"yaml": SMALL})
    assert made.status_code == 201 and made.json() == {"name": "web-small"}
    listed = {s["name"]: s["source"] for s in client.get("/api/scenarios").json()}
    assert listed["web-small"] == "uploaded"
    bad = client.post("/api/scenarios", json={"yaml": SMALL.replace("count", "cuont").replace("seed: 4", "sed: 4")})
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "sed"
    clash = client.post("/api/scenarios", json={"yaml": SMALL.replace("name: web-small", "name: korea-salvo")})
    assert clash.status_code == 422 and clash.json()["detail"][0]["field"] == "name"


def test_openapi_schema_names_the_api(client):
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/scenarios", "/api/runs", "/api/runs/{run_id}", "/api/runs/{run_id}/czml"} <= set(paths)
    assert "202" in paths["/api/runs"]["post"]["responses"] and "422" in paths["/api/runs"]["post"]["responses"]
