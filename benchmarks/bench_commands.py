"""Command benchmarks, warm: ``thaadsim run korea-salvo`` (the main job, its folder into a
temporary directory), ``thaadsim replay`` (all 2017 tests), ``thaadsim validate`` (full), and
the start-up of ``thaadsim --help`` and ``thaadsim catalog``.

Each command runs in a fresh process (``python -m thaadsim ...``, output discarded) after one
warm-up run that fills numba's on-disk kernel cache, so "warm" means: compiled kernels and
disk caches ready, a new interpreter, imports and catalog loading included.  Python's own
cache counts as warm too: before the warm-up, thaadsim's modules are byte-compiled
(``compileall``, as ``pip install`` does for an installed package).  Otherwise, with
``PYTHONDONTWRITEBYTECODE`` set (as in this project's sandboxes) or a source folder newer
than its ``__pycache__``, every run would compile thaadsim's ~100 modules from source again:
~0.3 s of CPU a ``run``, measured.  Each line gives
the best wall time of ``--repeats`` runs (``seconds``) and the child's CPU time (user + sys,
from ``os.wait4``), the fair figure on a shared machine.

``ratio`` is the old code path's time over the new one (above 1: faster):

- with ``--baseline-src DIR`` (a ``src`` folder of the code before the change, e.g. a
  ``git worktree`` of the commit before it), the same command is run from there in the same
  run, beside the new one, and the ratio is measured CPU over measured CPU;
- without it, the ratio is against the issue's quoted figure (issue 12, quiet machine, warm
  caches: run 5.5 s, replay 19.9 s and validate 35 s before this work), marked
  ``"ratio_basis": "quoted"``; the start-up cases have no quoted figure.

``ratio_vs_target`` is the issue's target (run 2 s, replay 10 s, validate 30 s, ``--help``
and ``catalog`` 0.5 s) over the wall time.

Usage: ``python benchmarks/bench_commands.py [--repeats N] [--baseline-src DIR]
[--only run|replay|validate|help|catalog]``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

_OUT = os.path.join(tempfile.mkdtemp(prefix="thaadsim-bench-"), "korea-salvo")
"""Where the ``run`` case writes its folder (each run replaces the one before)."""

CASES = {
    # name: (command, quoted wall seconds before this work or None, target wall seconds)
    "run_warm": (["run", "korea-salvo", "--out", _OUT], 5.5, 2.0),
    "replay_warm": (["replay"], 19.9, 10.0),
    "validate_warm": (["validate"], 35.0, 30.0),
    "help_warm": (["--help"], None, 0.5),
    "catalog_warm": (["catalog"], None, 0.5),
}


def run_once(args: list[str], src: str | None) -> tuple[float, float, float]:
    """(wall seconds, child CPU seconds, peak memory MB) of one command-line run."""
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
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024.0  # Linux: kB


def byte_compile(src: str | None) -> None:
    """Byte-compile the thaadsim package the command will import (module doc)."""
    env = dict(os.environ)
    if src:
        env["PYTHONPATH"] = src + os.pathsep + env.get("PYTHONPATH", "")
    where = subprocess.run([sys.executable, "-c", "import os, thaadsim; print(os.path.dirname(thaadsim.__file__))"],
                           capture_output=True, text=True, env=env, check=True).stdout.strip()
    subprocess.run([sys.executable, "-m", "compileall", "-q", where], stdout=subprocess.DEVNULL, check=True)


def best_of(args: list[str], src: str | None, repeats: int) -> tuple[float, float, float]:
    byte_compile(src)
    run_once(args, src)  # warm-up: numba's kernel cache
    runs = [run_once(args, src) for _ in range(repeats)]
    return min(r[0] for r in runs), min(r[1] for r in runs), max(r[2] for r in runs)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=1)
    ap.add_argument("--baseline-src", default=None, help="src folder of the code before the change")
    ap.add_argument("--only", choices=("run", "replay", "validate", "help", "catalog"), default=None)
    args = ap.parse_args()
    for name, (command, quoted_s, target_s) in CASES.items():
        if args.only and not name.startswith(args.only):
            continue
        wall, cpu, peak_mb = best_of(command, None, args.repeats)
        line = {"name": name, "command": "thaadsim " + " ".join(command).replace(_OUT, "TMP"), "seconds": round(wall, 2),
                "cpu_s": round(cpu, 2), "peak_mb": round(peak_mb), "target_s": target_s,
                "ratio_vs_target": round(target_s / wall, 3)}
        if args.baseline_src:
            base_wall, base_cpu, base_peak = best_of(command, args.baseline_src, args.repeats)
            line.update({"baseline_seconds": round(base_wall, 2), "baseline_cpu_s": round(base_cpu, 2),
                         "baseline_peak_mb": round(base_peak), "ratio": round(base_cpu / cpu, 3),
                         "ratio_basis": "measured CPU, baseline src beside it"})
        elif quoted_s is None:
            line.update({"baseline_seconds": None, "ratio": None, "ratio_basis": "no figure before this work"})
        else:
            line.update({"baseline_seconds": quoted_s, "ratio": round(quoted_s / wall, 3),
                         "ratio_basis": "quoted: issue 12's figure before this work (quiet machine, warm)"})
        line["cpus"] = os.cpu_count()
        print(json.dumps(line), flush=True)


if __name__ == "__main__":
    main()
