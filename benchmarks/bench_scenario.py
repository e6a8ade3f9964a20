"""Scenario benchmarks: a run from the command line, and one replica of a run in a process.

One JSON object per line:

1. ``per_run_cost``: the Monte Carlo unit of work - :func:`~thaadsim.scenario.runner.run_replica`
   on a prepared korea-salvo (truth flown once, no imports, no report), mean over ``--seeds``
   seeds after one warm-up, wall and process CPU time; ``tracker_fraction`` is the part of
   it spent in ``run_tracker``; ``split`` the mean CPU seconds per replica of its parts
   (:data:`PARTS`: tracker, fire control, measurements, outcomes, and the rest), beside
   ``legacy_split`` of the legacy tree.  Beside it, in the same process and interleaved, today's
   path for one run without drawings, ``run_scenario(views=False)`` (preflight, truth flown,
   radars sited, every battery and envelope set up, then the same replica);
   ``ratio`` = that / the replica on the same seeds (a seed sets the tracker's work).
   ``ratio_legacy``: the replica of the code as of ``LEGACY_COMMIT`` (below; timed in a
   child process right after) / this one, whole and outside the tracker
   (``ratio_legacy_outside_tracker``: the runner's own work, which the tracker's
   seed-to-seed and load noise would hide).  ``allocator``: the process allocates as a study
   process does (``studies.montecarlo.keep_freed_memory``, where the tree has it; the legacy
   tree has not: ``legacy_allocator``).  ``study_run_cpu_s``: the same replicas scored
   as a Monte Carlo study scores them (``runner.score_replica``: outcomes without the story -
   paths, interceptor fly-outs, events), mean CPU seconds.  Target: < 0.2 s.
2. ``korea_salvo_warm``: ``python -m thaadsim run korea-salvo --out TMP`` in a fresh
   process with numba's kernel cache and the fly-out/footprint disk caches warm (one
   warm-up run first; both trees byte-compiled first, as ``bench_commands`` does, so that a
   ``PYTHONDONTWRITEBYTECODE`` environment does not add ~0.3 s of compiling Python source to
   every run), best wall of ``--repeats``, its CPU time (user + sys of the child)
   and peak resident memory (``os.wait4``).  Targets: < 2 s wall on a quiet machine,
   < 500 MB.
3. ``korea_salvo_cold``: the same run with an empty numba cache (``NUMBA_CACHE_DIR`` a new
   temporary folder; the disk caches of fly-out tables and footprints stay warm), as the
   install leaves it: the kernels ``pip install`` compiled ahead of time (thaadsim.aot) in use,
   any other kernel the run needs compiled (``ahead_of_time`` says which is in force).
   Target: < 10 s.  ``korea_salvo_cold_jit``: the same with ``THAADSIM_AOT=0``, every kernel
   compiled just in time, as before the install built them (no target: the cost a run pays
   when the build is stale or absent).
4. ``scenario_20_threats``: the 20-threat raid in benchmarks/scenarios/, warm as in 2.

Lines 2 and 3 carry ``ratio`` = the same command on the code as of ``LEGACY_COMMIT``
(today's code path before issue 12's speed work, extracted with ``git archive`` into a
temporary folder and run beside it, alternating) / this tree, for wall and CPU time
(``ratio_cpu``); without git (or with ``--no-legacy``) the ratio is null and
``ratio_vs_target`` = target / measured stands alone.  On a shared machine wall times
are noisy: the CPU times are the figures to compare.

Usage: ``python benchmarks/bench_scenario.py [--repeats N] [--seeds N] [--no-legacy] [--quick]``
(``--quick``: the per-run line only).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

from bench_commands import byte_compile  # the same warm start as bench_commands' run line

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SRC = ROOT / "src"
LEGACY_COMMIT = "be5aa78"
"""The runner as the speed work found it (prepare/run_replica just added)."""
TARGETS: dict[str, float | None] = {"per_run_cost": 0.2, "korea_salvo_warm": 2.0, "korea_salvo_cold": 10.0,
                                    "scenario_20_threats": 5.0, "korea_salvo_cold_jit": None}
TARGET_MB = 500.0
OUTSIDE_TRACKER_TARGET_S = 0.05
"""The replica's share outside the tracker (the tracker has its own benchmark and target)."""


def _cpu() -> float:
    return time.process_time()


PARTS = {
    "tracker": [("thaadsim.tracking.manager", "run_tracker")],
    "fire_control": [("thaadsim.scenario.runner", "engage")],
    "measurements": [("thaadsim.sensors.measurements", name)
                     for name in ("measure", "false_alarm_detections", "merge_detections")],
    "outcomes": [("thaadsim.scenario.outcomes", "assemble")],
}
"""The parts of a replica timed apart: the functions the runner looks up at each call (so
replacing the module attribute times them).  ``fire_control`` is each battery's fire
control and kill draws (threat evaluation, impact and trajectory prediction, envelope,
assignment); ``measurements`` the radars' detections and false alarms; ``outcomes`` the
scoring and story; the rest of a replica (confirmed-track filtering, truth scoring of
tracks, bookkeeping) is its total less these."""


@contextlib.contextmanager
def _part_clock():
    """CPU seconds spent in each of :data:`PARTS` while the block runs (a dict, reset by the
    caller as it likes); a part a tree does not have is not timed."""
    import importlib

    spent = {part: 0.0 for part in PARTS}
    saved = []

    def timed(part, fn):
        def clocked(*args, **kwargs):
            t0 = _cpu()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[part] += _cpu() - t0
        return clocked

    for part, where in PARTS.items():
        for module, name in where:
            mod = importlib.import_module(module)
            if hasattr(mod, name):
                saved.append((mod, name, getattr(mod, name)))
                setattr(mod, name, timed(part, getattr(mod, name)))
    try:
        yield spent
    finally:
        for mod, name, fn in saved:
            setattr(mod, name, fn)


def _split(spent: dict, total_cpu_s: float, runs: int) -> dict:
    """Mean CPU seconds per replica of each part, and the rest."""
    out = {f"{part}_cpu_s": round(v / runs, 4) for part, v in spent.items()}
    out["rest_cpu_s"] = round(total_cpu_s / runs - sum(spent.values()) / runs, 4)
    return out


def _study_allocator() -> str:
    """Allocate as a Monte Carlo study process does (``studies.montecarlo.keep_freed_memory``,
    where the tree has it): the replicas here are a study's unit of work, run in a loop."""
    import importlib

    try:
        keep = getattr(importlib.import_module("thaadsim.studies.montecarlo"), "keep_freed_memory", None)
    except ImportError:  # a tree from before the studies
        keep = None
    return "study process (keep_freed_memory)" if keep is not None and keep() else "default"


def replica_cost(seeds: int) -> dict:
    """Mean wall and CPU time of ``run_replica`` on korea-salvo over ``seeds`` seeds after a
    warm-up, for the tree on ``sys.path`` (run in a child for the legacy tree)."""
    import numpy as np

    from thaadsim.scenario.loader import load_scenario
    from thaadsim.scenario.runner import prepare, run_replica

    allocator = _study_allocator()
    with _part_clock() as spent:
        prepared = prepare(load_scenario("korea-salvo"))
        run_replica(prepared, 0)
        for part in spent:
            spent[part] = 0.0
        wall, cpu = [], []
        for seed in range(1, seeds + 1):
            w, c = time.perf_counter(), _cpu()
            run_replica(prepared, seed)
            wall.append(time.perf_counter() - w)
            cpu.append(_cpu() - c)
    return {"mean_wall_s": float(np.mean(wall)), "mean_cpu_s": float(np.mean(cpu)),
            "mean_tracker_cpu_s": spent["tracker"] / seeds, "split": _split(spent, float(np.sum(cpu)), seeds),
            "allocator": allocator}


def legacy_replica_cost(src: Path, seeds: int) -> dict | None:
    env = {**os.environ, "PYTHONPATH": str(src)}
    done = subprocess.run([sys.executable, __file__, "--replica-only", "--seeds", str(seeds)], env=env,
                          capture_output=True, text=True)
    if done.returncode != 0:
        print(f"legacy replica failed: {done.stderr.strip()[-300:]}", file=sys.stderr)
        return None
    return json.loads(done.stdout.strip().splitlines()[-1])


def per_run_cost(seeds: int, beside: int, legacy: bool) -> dict:
    """Replicas of a prepared korea-salvo against whole runs without drawings (module doc)."""
    import numpy as np

    from thaadsim.scenario import runner
    from thaadsim.scenario.loader import load_scenario
    from thaadsim.scenario.runner import prepare, run_replica, run_scenario

    score_replica = getattr(runner, "score_replica", None)
    score_cpu: list[float] = []
    allocator = _study_allocator()
    scenario = load_scenario("korea-salvo")
    with _part_clock() as spent:
        prepared = prepare(scenario)
        run_replica(prepared, 0)  # warm-up: kernels loaded, tables in memory
        run_scenario(scenario, 0, views=False)
        rep_wall, rep_cpu, full_wall, full_cpu, tracker = [], [], [], [], []
        parts = {part: 0.0 for part in spent}
        for seed in range(1, seeds + 1):
            for part in spent:
                spent[part] = 0.0
            w, c = time.perf_counter(), _cpu()
            run_replica(prepared, seed)
            rep_wall.append(time.perf_counter() - w)
            rep_cpu.append(_cpu() - c)
            tracker.append(spent["tracker"])
            for part in spent:
                parts[part] += spent[part]
            if score_replica is not None:  # the Monte Carlo study's unit: the same replica, scored without its story
                c = _cpu()
                score_replica(prepared, seed)
                score_cpu.append(_cpu() - c)
            if seed <= beside:  # today's path, interleaved so that both see the same load
                w, c = time.perf_counter(), _cpu()
                run_scenario(scenario, seed, views=False)
                full_wall.append(time.perf_counter() - w)
                full_cpu.append(_cpu() - c)
    rep, full = float(np.mean(rep_cpu)), float(np.mean(full_cpu))
    rep_same = float(np.mean(rep_cpu[:beside]))  # the ratio on the same seeds: a seed sets the tracker's work
    old = None
    if legacy:
        with tempfile.TemporaryDirectory() as tmp:
            old_src = legacy_tree(Path(tmp))
            old = legacy_replica_cost(old_src, seeds) if old_src else None
    outside = rep - float(np.mean(tracker))  # the replica's own work, which the tracker's noise hides
    extra = ({"legacy": f"run_replica at {LEGACY_COMMIT}", "legacy_mean_cpu_s": round(old["mean_cpu_s"], 4),
             "legacy_mean_wall_s": round(old["mean_wall_s"], 4),
             "legacy_outside_tracker_cpu_s": round(old["mean_cpu_s"] - old["mean_tracker_cpu_s"], 4),
             "ratio_legacy": round(old["mean_cpu_s"] / rep, 3),
             "ratio_legacy_outside_tracker": round((old["mean_cpu_s"] - old["mean_tracker_cpu_s"]) / outside, 3),
             "legacy_split": old.get("split"), "legacy_allocator": old.get("allocator", "default")}
             if old else {"ratio_legacy": None})
    return {"name": "per_run_cost", "scenario": "korea-salvo", "seeds": seeds,
            "mean_wall_s": round(float(np.mean(rep_wall)), 4), "mean_cpu_s": round(rep, 4),
            "tracker_cpu_s": round(float(np.mean(tracker)), 4),
            "tracker_fraction": round(float(np.sum(tracker) / np.sum(rep_cpu)), 3),
            "outside_tracker_cpu_s": round(rep - float(np.mean(tracker)), 4),
            "split": _split(parts, float(np.sum(rep_cpu)), seeds), "outside_tracker_target_s": OUTSIDE_TRACKER_TARGET_S,
            "allocator": allocator,
            "study_run_cpu_s": round(float(np.mean(score_cpu)), 4) if score_cpu else None,
            "baseline": "run_scenario(views=False)", "baseline_runs": beside,
            "baseline_mean_wall_s": round(float(np.mean(full_wall)), 4), "baseline_mean_cpu_s": round(full, 4),
            "ratio": round(full / rep_same, 3), "target_s": TARGETS["per_run_cost"],
            "ratio_vs_target": round(TARGETS["per_run_cost"] / rep, 3), **extra}


def run_once(src: Path, scenario: str, numba_cache: str | None = None, **extra_env: str) -> tuple[float, float, float]:
    """(wall s, CPU s, peak RSS MB) of one command-line run of the tree at ``src``."""
    env = {**os.environ, "PYTHONPATH": str(src), **extra_env}
    if numba_cache is not None:
        env["NUMBA_CACHE_DIR"] = numba_cache
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        child = subprocess.Popen([sys.executable, "-m", "thaadsim", "run", scenario, "--out", str(Path(tmp) / "run")],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
        err = child.stderr.read().decode() if child.stderr else ""
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - t0
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"thaadsim run {scenario} ({src}) failed: {err.strip()[-500:]}")
        return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024.0


def legacy_tree(folder: Path) -> Path | None:
    """``src`` of LEGACY_COMMIT extracted into ``folder``, or None without git."""
    try:
        tar = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", LEGACY_COMMIT, "src"],
                             check=True, capture_output=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    with tarfile.open(fileobj=io.BytesIO(tar)) as archive:
        archive.extractall(folder, filter="data")
    return folder / "src"


def _line(name: str, scenario: str, new: list, old: list | None) -> dict:
    walls, cpus, peaks = zip(*new, strict=True)
    wall, cpu, peak = min(walls), min(cpus), max(peaks)
    out = {"name": name, "scenario": Path(scenario).stem, "wall_s": round(wall, 2),
           "wall_s_runs": [round(w, 2) for w in walls], "cpu_s": round(cpu, 2), "peak_rss_mb": round(peak, 1),
           "target_s": TARGETS[name], "target_mb": TARGET_MB,
           "ratio_vs_target": round(TARGETS[name] / wall, 3) if TARGETS[name] else None,
           "memory_ratio_vs_target": round(TARGET_MB / peak, 3), "ratio": None, "ratio_cpu": None,
           "baseline": None, "cpus": os.cpu_count()}
    if old:
        o_walls, o_cpus, o_peaks = zip(*old, strict=True)
        out.update({"baseline": f"thaadsim at {LEGACY_COMMIT}", "baseline_wall_s": round(min(o_walls), 2),
                    "baseline_cpu_s": round(min(o_cpus), 2), "baseline_peak_rss_mb": round(max(o_peaks), 1),
                    "ratio": round(min(o_walls) / wall, 3), "ratio_cpu": round(min(o_cpus) / cpu, 3)})
    return out


def command_lines(repeats: int, legacy: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        old_src = legacy_tree(Path(tmp)) if legacy else None
        trees = [SRC] + ([old_src] if old_src else [])
        korea = "korea-salvo"
        for src in trees:
            byte_compile(str(src))  # Python's bytecode cache counts as warm, as in bench_commands
            run_once(src, korea)  # warm-up: numba's kernel cache, the fly-out and footprint disk caches
        runs: dict[Path, list] = {src: [] for src in trees}
        for _ in range(repeats):
            for src in trees:  # alternating, so that both see the same load
                runs[src].append(run_once(src, korea))
        print(json.dumps(_line("korea_salvo_warm", korea, runs[SRC], runs.get(old_src))), flush=True)
        cold: dict[Path, list] = {}
        for src in trees:
            with tempfile.TemporaryDirectory() as empty:
                cold[src] = [run_once(src, korea, numba_cache=empty)]
        aot_state = subprocess.run([sys.executable, "-c", "from thaadsim import aot; print(aot.state().line())"],
                                   capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(SRC)}).stdout.strip()
        print(json.dumps({**_line("korea_salvo_cold", korea, cold[SRC], cold.get(old_src)), "ahead_of_time": aot_state}),
              flush=True)
        with tempfile.TemporaryDirectory() as empty:
            jit = [run_once(SRC, korea, numba_cache=empty, THAADSIM_AOT="0")]
        print(json.dumps({**_line("korea_salvo_cold_jit", korea, jit, cold.get(old_src)),
                          "ahead_of_time": "off (THAADSIM_AOT=0)"}), flush=True)
    raid = str(HERE / "scenarios" / "twenty-threats.yaml")
    run_once(SRC, raid)
    print(json.dumps(_line("scenario_20_threats", raid, [run_once(SRC, raid) for _ in range(repeats)], None)),
          flush=True)


def main() -> None:
    if str(SRC) not in sys.path and not os.environ.get("PYTHONPATH"):
        sys.path.insert(0, str(SRC))
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--seeds", type=int, default=20, help="replicas timed (at least 20 for the figure)")
    ap.add_argument("--beside", type=int, default=5, help="whole runs timed beside them")
    ap.add_argument("--no-legacy", action="store_true", help="no ratio against the code at LEGACY_COMMIT")
    ap.add_argument("--quick", action="store_true", help="the per-run line only")
    ap.add_argument("--replica-only", action="store_true", help=argparse.SUPPRESS)  # the legacy child
    args = ap.parse_args()
    if args.replica_only:
        print(json.dumps(replica_cost(args.seeds)), flush=True)
        return
    print(json.dumps(per_run_cost(args.seeds, args.beside, not args.no_legacy)), flush=True)
    if not args.quick:
        command_lines(args.repeats, not args.no_legacy)


if __name__ == "__main__":
    main()
