"""Monte Carlo benchmark: korea-salvo runs per second, embedded and on Dask, and a study's memory.

Lines (JSON, one per figure):

- ``montecarlo_loop``: the reference - a plain Python loop of ``run_scenario(views=False)``
  (each run checks, flies and sites everything anew), runs per second;
- ``montecarlo_embedded``: ``run_study`` in this process (truth flights shared across runs),
  runs per second, ``ratio`` = its rate / the loop's;
- ``montecarlo_dask_1`` / ``montecarlo_dask_2``: ``run_study`` on a Dask LocalCluster of 1 and 2
  worker processes on loopback (started and warmed up before the clock starts: one study of
  a few runs, so each worker has loaded the compiled kernels), ``ratio`` against the loop;
- ``montecarlo_scaling``: efficiency 1 -> 2 workers = rate(2) / (2 rate(1)) (target >= 0.8),
  and the time 10,000 runs take at the best rate measured (target < 15 min), extrapolated
  linearly from the measured rate;
- ``montecarlo_memory``: peak resident memory of a whole embedded study (a fresh process,
  ``thaadsim montecarlo``-like: run_study and its table) at two sizes, and the 10,000-run
  figure extrapolated linearly through them (target < 2 GB): a study holds one row per run,
  so its memory grows linearly with the run count beyond the process's base.

Rates are wall-clock on whatever machine runs it; on a shared machine they are noisy, so
each line also gives the process CPU seconds where they mean something (in-process runs).

Usage: ``python benchmarks/bench_montecarlo.py [--runs N] [--loop-runs N]``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time

SCENARIO = "korea-salvo"
TARGET_EFFICIENCY = 0.8
TARGET_10K_S = 15 * 60.0
TARGET_10K_MB = 2048.0
MEMORY_SIZES = (20, 80)


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _line(**fields) -> None:
    print(json.dumps(fields), flush=True)


def loop_rate(scenario, runs: int) -> tuple[float, float]:
    """(runs per second wall, CPU seconds per run) of a plain loop of whole runs."""
    from thaadsim.scenario.runner import run_scenario

    run_scenario(scenario, 0, views=False)  # warm: kernels compiled or loaded
    t0, c0 = time.perf_counter(), _cpu()
    for seed in range(1, runs + 1):
        run_scenario(scenario, seed, views=False)
    return runs / (time.perf_counter() - t0), (_cpu() - c0) / runs


def study_rate(scenario, runs: int, seed: int, **how) -> tuple[float, float]:
    from thaadsim.studies.montecarlo import run_study

    run_study(scenario, 2, seed + 1, **how)  # warm: kernels in every process, caches filled
    t0, c0 = time.perf_counter(), _cpu()
    study = run_study(scenario, runs, seed, **how)
    assert len(study.table) == runs
    return runs / (time.perf_counter() - t0), (_cpu() - c0) / runs


def dask_rate(scenario, runs: int, seed: int, workers: int) -> float:
    from thaadsim.studies.montecarlo import dask_client

    client, close = dask_client(workers, None)
    try:
        rate, _ = study_rate(scenario, runs, seed, scheduler=client)
        return rate
    finally:
        close()


_MEMORY_CHILD = """
import resource, sys
from thaadsim.scenario.loader import load_scenario
from thaadsim.studies.montecarlo import run_study
study = run_study(load_scenario(sys.argv[1]), int(sys.argv[2]), 1)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0)
"""


def study_peak_mb(runs: int) -> float:
    """Peak RSS [MB] of a fresh process that runs a whole embedded study of ``runs`` runs."""
    out = subprocess.run([sys.executable, "-c", _MEMORY_CHILD, SCENARIO, str(runs)], capture_output=True,
                         text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    from thaadsim.scenario.loader import load_scenario

    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=40, help="runs per measured study")
    ap.add_argument("--loop-runs", type=int, default=10, help="runs of the plain loop")
    args = ap.parse_args()
    scenario = load_scenario(SCENARIO)
    cpus = os.cpu_count()

    loop, loop_cpu = loop_rate(scenario, args.loop_runs)
    _line(name="montecarlo_loop", scenario=SCENARIO, runs=args.loop_runs, runs_per_s=round(loop, 3),
          cpu_s_per_run=round(loop_cpu, 3), ratio=1.0, cpus=cpus,
          note="reference: a plain loop of run_scenario(views=False)")
    embedded, embedded_cpu = study_rate(scenario, args.runs, 1)
    _line(name="montecarlo_embedded", scenario=SCENARIO, runs=args.runs, runs_per_s=round(embedded, 3),
          cpu_s_per_run=round(embedded_cpu, 3), ratio=round(embedded / loop, 3), cpus=cpus)
    rates = {}
    for workers in (1, 2):
        rates[workers] = dask_rate(scenario, args.runs, 1, workers)
        _line(name=f"montecarlo_dask_{workers}", scenario=SCENARIO, runs=args.runs, workers=workers,
              runs_per_s=round(rates[workers], 3), ratio=round(rates[workers] / loop, 3), cpus=cpus)
    efficiency = rates[2] / (2 * rates[1])
    best = max(embedded, *rates.values())
    _line(name="montecarlo_scaling", scenario=SCENARIO, efficiency_1_to_2=round(efficiency, 3),
          target_efficiency=TARGET_EFFICIENCY, ratio=round(efficiency / TARGET_EFFICIENCY, 3),
          best_runs_per_s=round(best, 3), extrapolated_10k_runs_s=round(10_000 / best, 1),
          target_10k_s=TARGET_10K_S, ratio_10k_vs_target=round(TARGET_10K_S / (10_000 / best), 3), cpus=cpus,
          note="10,000-run time extrapolated linearly from the best measured rate")
    small, large = MEMORY_SIZES
    m_small, m_large = study_peak_mb(small), study_peak_mb(large)
    per_run = max(m_large - m_small, 0.0) / (large - small)
    at_10k = m_large + per_run * (10_000 - large)
    _line(name="montecarlo_memory", scenario=SCENARIO, peak_rss_mb={str(small): round(m_small, 1),
                                                                    str(large): round(m_large, 1)},
          mb_per_run=round(per_run, 4), extrapolated_10k_mb=round(at_10k, 1), target_mb=TARGET_10K_MB,
          ratio=round(TARGET_10K_MB / at_10k, 3),
          note=f"peak RSS of fresh processes running {small} and {large} runs, extrapolated linearly to 10,000")


if __name__ == "__main__":
    main()
