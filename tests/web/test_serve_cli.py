"""``thaadsim serve`` as a user starts it: one line saying where to open it, loopback by
default, and a bad address or a port in use refused with one line and exit 2."""

from __future__ import annotations

import json
import socket
import urllib.request

from tests.integration.cli import run
from tests.web.browser import server


def test_serve_says_where_and_binds_loopback(tmp_path):
    with server(tmp_path) as base:
        assert base.startswith("http://127.0.0.1:")
        names = [s["name"] for s in json.load(urllib.request.urlopen(base + "api/scenarios"))]
        assert "korea-salvo" in names
        assert urllib.request.urlopen(base + "openapi.json").status == 200


def test_bad_host_and_busy_port_are_one_line(tmp_path):
    done = run("serve", "--host", "my machine", "--runs-dir", str(tmp_path))
    assert done.returncode == 2 and done.stderr.startswith("error: --host: ") and done.stderr.count("\n") == 1
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = run("serve", "--port", str(port), "--runs-dir", str(tmp_path))
    assert done.returncode == 2 and done.stderr.startswith("error: --port: cannot listen"), done.stderr
    done = run("serve", "--port", "70000")
    assert done.returncode == 2 and "--port" in done.stderr


def test_max_study_runs_is_the_servers_limit(tmp_path):
    """--max-study-runs reaches the API: one run more is a 422 at the field, and the pages
    learn the bound from the scenario's choices; out of its range it is refused, exit 2."""
    import urllib.error

    with server(tmp_path, "--max-study-runs", "5") as base:
        korea = json.load(urllib.request.urlopen(base + "api/scenarios/korea-salvo"))
        assert korea["choices"]["study_runs"] == 5
        request = urllib.request.Request(base + "api/studies", data=json.dumps(
            {"scenario": "korea-salvo", "runs": 6}).encode(), headers={"Content-Type": "application/json"})
        try:
            urllib.request.urlopen(request)
            raise AssertionError("6 runs were accepted")
        except urllib.error.HTTPError as refused:
            assert refused.code == 422 and json.load(refused)["detail"][0]["field"] == "runs"
    done = run("serve", "--max-study-runs", "0")
    assert done.returncode == 2 and "--max-study-runs" in done.stderr
