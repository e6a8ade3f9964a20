"""Command benchmarks: ``thaadsim replay`` (all 2017 tests) and ``thaadsim validate`` (full), warm.

Each command runs in a fresh process (``python -m thaadsim ...``, output discarded) after one
warm-up run that fills numba's on-disk kernel cache, so "warm" means: compiled kernels and
disk caches ready, a new interpreter, imports and catalog loading included.  Each line gives
the best wall time of ``--repeats`` runs (``seconds``) and the child's CPU time (user + sys,
from ``os.wait4``), the fair figure on a shared machine.

``ratio`` is the old code path's time over the new one (above 1: faster):

- with ``--baseline-src DIR`` (a ``src`` folder of the code before the change, e.g. a
  ``git worktree`` of the commit before it), the same command is run from there in the same
  run, beside the new one, and the ratio is measured CPU over measured CPU;
- without it, the ratio is against the issue's quoted figure (issue 12, quiet machine, warm
  caches: replay 19.9 s and validate 35 s before this work), marked ``"ratio_basis": "quoted"``.

``ratio_vs_target`` is the issue's target (replay 10 s, validate 30 s) over the wall time.

Usage: ``python benchmarks/bench_commands.py [--repeats N] [--baseline-src DIR] [--only replay|validate]``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

CASES = {
    # name: (command, quoted wall seconds before this work, target wall seconds)
    "replay_warm": (["replay"], 19.9, 10.0),
    "validate_warm": (["validate"], 35.0, 30.0),
}


def run_once(args: list[str], src: str | None) -> tuple[float, float]:
    """(wall seconds, child CPU seconds) of one command-line run."""
    env = dict(os.environ, THAADSIM_PROGRESS="off")
    if src:
        env["PYTHONPATH"] = src + os.pathsep + env.get("PYTHONPATH", "")
    t0 = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-m", "thaadsim", *args], stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - t0
    err = child.stderr.read().decode() if child.stderr else ""
    if os.waitstatus_to_exitcode(status) not in (0, 2):  # validate exits 2 when a row fails: still timed
        raise SystemExit(f"thaadsim {' '.join(args)} failed: {err.strip()}")
    return wall, usage.ru_utime + usage.ru_stime


def best_of(args: list[str], src: str | None, repeats: int) -> tuple[float, float]:
    run_once(args, src)  # warm-up: numba's kernel cache
    runs = [run_once(args, src) for _ in range(repeats)]
    return min(w for w, _ in runs), min(c for _, c in runs)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=1)
    ap.add_argument("--baseline-src", default=None, help="src folder of the code before the change")
    ap.add_argument("--only", choices=("replay", "validate"), default=None)
    args = ap.parse_args()
    for name, (command, quoted_s, target_s) in CASES.items():
        if args.only and not name.startswith(args.only):
            continue
        wall, cpu = best_of(command, None, args.repeats)
        line = {"name": name, "command": "thaadsim " + " ".join(command), "seconds": round(wall, 2),
                "cpu_s": round(cpu, 2), "target_s": target_s, "ratio_vs_target": round(target_s / wall, 3)}
        if args.baseline_src:
            base_wall, base_cpu = best_of(command, args.baseline_src, args.repeats)
            line.update({"baseline_seconds": round(base_wall, 2), "baseline_cpu_s": round(base_cpu, 2),
                         "ratio": round(base_cpu / cpu, 3), "ratio_basis": "measured CPU, baseline src beside it"})
        else:
            line.update({"baseline_seconds": quoted_s, "ratio": round(quoted_s / wall, 3),
                         "ratio_basis": "quoted: issue 12's figure before this work (quiet machine, warm)"})
        line["cpus"] = os.cpu_count()
        print(json.dumps(line), flush=True)


if __name__ == "__main__":
    main()
