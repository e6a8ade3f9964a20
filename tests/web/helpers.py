"""Shared by the web tests: a small scenario, and stand-in work functions for the run queue."""

from __future__ import annotations

import time

SMALL = """\
name: web-small
description: One Scud-ER on Daegu, seen by the Seongju radar, against the Seongju battery.
epoch: 2017-05-01T00:00:00Z
seed: 4
threats:
  - missile: scud-er
    from: kusong
    to: daegu
radars:
  - name: tpy2
    site: seongju
batteries:
  - name: seongju
    site: seongju
    radar: tpy2
    assets:
      - name: Daegu
        at: daegu
output:
  false_alarms: false
  coverage: false
  footprints: false
"""
"""A run of a few seconds: one missile (intercepted), one radar, one battery, no drawings to compute."""


def sleeper(text, label, seed, out_dir, conn, **study):
    """A run (or study: ``runs=``) that reports progress and then waits until it is stopped
    (cancellation, time limit)."""
    conn.send(("progress", "sleeping"))
    time.sleep(600)


def deaf_writer(text, label, seed, out_dir, conn, **study):
    """A run whose interrupt is lost (as when SIGTERM lands in a C callback that drops the
    KeyboardInterrupt): it ignores SIGTERM, writes its whole folder and reports progress,
    then waits for the SIGKILL."""
    import signal
    from pathlib import Path

    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    Path(out_dir).mkdir(parents=True)
    (Path(out_dir) / "summary.json").write_text("{}", encoding="utf-8")
    conn.send(("progress", "written"))
    time.sleep(600)


def instant(text, label, seed, out_dir, conn, **study):
    """A run that ends at once, without a folder (the fuzzer's runs must not fly missiles)."""
    conn.send(("failed", {"message": "not run (test)", "field": None, "line": None, "hint": None}))
    conn.close()
