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
