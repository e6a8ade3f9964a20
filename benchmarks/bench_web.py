"""Web app benchmark: page load to a rendered globe, and API latency under 10 concurrent runs.

A real ``thaadsim serve`` on a free loopback port and a real headless Chromium (as the
end-to-end test: Debian's ``chromium`` and ``chromedriver``, SwiftShader WebGL).  Lines:

- ``web_globe_korea_salvo``: from navigating to korea-salvo's page to the globe drawn
  (viewer up, imagery tiles loaded, frames being drawn: ``globe_s``), and on to the run's
  CZML on the globe after pressing Run (``run_to_globe_s``).  ``ratio`` = run_to_globe_s
  / the CLI's ``thaadsim run korea-salvo`` measured beside it (the page's overhead over the
  same run on the command line).
- ``web_api_korea_salvo_x10``: 10 clients each POST /api/runs korea-salvo at once and poll
  until done; p50/p95 of submit-to-done, and of the status GETs answered meanwhile.
  ``ratio`` = p50 / the CLI run (the server runs ``--concurrent-runs`` at a time, so with
  fewer cores than runs the queue shows here).

Usage: ``python benchmarks/bench_web.py [--concurrent-runs N]``.  Needs Chromium (see the
README) and the Cesium build (``thaadsim web-assets``).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.web.browser import chromium, server, wait_for  # noqa: E402

CLIENTS = 10


def cli_run_s() -> float:
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "thaadsim", "run", "korea-salvo", "--out", str(Path(tmp) / "run")],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return time.perf_counter() - t0


def percentile(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, max(0, round(q / 100 * (len(values) - 1))))]


def globe_timing(base: str) -> dict:
    from selenium.webdriver.common.by import By

    with chromium() as driver:
        t0 = time.perf_counter()
        driver.get(base + "scenarios/korea-salvo")
        wait_for(lambda: driver.execute_script(
            "return window.thaadsimViewer && window.thaadsimViewer.ready && window.thaadsimViewer.frames > 2 "
            "&& viewer.scene.globe.tilesLoaded;"), 120, "the globe", poll=0.05)
        globe = time.perf_counter() - t0
        wait_for(lambda: driver.find_elements(By.CSS_SELECTOR, '[data-field="threats[0].count"]'), 30, "the form")
        t1 = time.perf_counter()
        driver.find_element(By.ID, "run").click()
        wait_for(lambda: driver.execute_script(
            "return window.thaadsimViewer.czmlLoaded && viewer.scene.globe.tilesLoaded;"), 600, "the run's CZML",
            poll=0.05)
        return {"globe_s": globe, "run_to_globe_s": time.perf_counter() - t1}


def api_timing(base: str) -> dict:
    latencies, gets, errors = [], [], []
    start = threading.Barrier(CLIENTS)

    def client():
        try:
            start.wait()
            t0 = time.perf_counter()
            request = urllib.request.Request(base + "api/runs", data=json.dumps({"scenario": "korea-salvo"}).encode(),
                                             headers={"Content-Type": "application/json"}, method="POST")
            run_id = json.load(urllib.request.urlopen(request))["id"]
            while True:
                g0 = time.perf_counter()
                status = json.load(urllib.request.urlopen(f"{base}api/runs/{run_id}"))
                gets.append(time.perf_counter() - g0)
                if status["status"] in ("done", "failed"):
                    break
                time.sleep(0.25)
            if status["status"] != "done":
                errors.append(status["error"])
            latencies.append(time.perf_counter() - t0)
        except Exception as error:  # reported in the line, not lost in a thread
            errors.append(repr(error))

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise SystemExit(f"runs failed: {errors[:3]}")
    return {"p50_s": statistics.median(latencies), "p95_s": percentile(latencies, 95),
            "get_p50_ms": 1e3 * statistics.median(gets), "get_p95_ms": 1e3 * percentile(gets, 95),
            "gets": len(gets)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--concurrent-runs", type=int, default=2)
    args = ap.parse_args()
    from thaadsim.web.assets import ensure_cesium

    ensure_cesium()
    cli_run_s()  # warm-up: numba's kernel cache
    cli = cli_run_s()
    with tempfile.TemporaryDirectory() as tmp, server(Path(tmp), "--concurrent-runs", str(args.concurrent_runs),
                                                       "--run-time-s", "3600") as base:
        g = globe_timing(base)
        print(json.dumps({"name": "web_globe_korea_salvo", "globe_s": round(g["globe_s"], 2),
                          "run_to_globe_s": round(g["run_to_globe_s"], 2), "cli_run_s": round(cli, 2),
                          "ratio": round(g["run_to_globe_s"] / cli, 3), "cpus": os.cpu_count()}), flush=True)
        a = api_timing(base)
        print(json.dumps({"name": "web_api_korea_salvo_x10", "clients": CLIENTS,
                          "concurrent_runs": args.concurrent_runs, "p50_s": round(a["p50_s"], 2),
                          "p95_s": round(a["p95_s"], 2), "status_get_p50_ms": round(a["get_p50_ms"], 2),
                          "status_get_p95_ms": round(a["get_p95_ms"], 2), "status_gets": a["gets"],
                          "cli_run_s": round(cli, 2), "ratio": round(a["p50_s"] / cli, 3),
                          "cpus": os.cpu_count()}), flush=True)


if __name__ == "__main__":
    main()
