"""Flight-engine benchmarks: prints one JSON object per line.

The peer is the independent reference flight (``thaadsim.studies.authorities.
reference_flight``: plain Python + ``scipy.integrate.solve_ivp`` DOP853), flying the
same catalog missiles with the same steering.  A referee's fair comparison:

* **Equal accuracy.**  Each side is tuned on its own: for a ladder of relative
  tolerances, the impact points of ``TUNE_SAMPLE`` trajectories are compared with the
  same side's run at ``TIGHT_RTOL`` (1e-12), and the loosest tolerance whose largest
  error stays within ``TARGET_IMPACT_ERROR_M`` is used.  The chosen tolerances, the
  largest and 90th-percentile errors they reach and the sample size are reported.  The
  tuning sample is large (64 flights of all four missiles at the kicks, azimuths and
  sites the batch draws): on the 8 timed flights alone the engine's worst error at its
  chosen tolerance read 0.6 m while 64 flights reached 1.3-1.9 m, so "1 m" meant 1 m
  only for the flights that happened to be drawn.  (The two sides' models differ by metres — atmosphere and
  Cd interpolation, see tests/validation/test_flight_vs_reference.py — so each is held
  to its own converged answer, not to the other's.)
* **The same work.**  The same trajectories (the scipy side flies a sample of the
  batch, the same sample for every figure), to impact, with events.
* **Threads reported apart.**  ``flight_10k_full_trajectories_1thread``: the engine on
  one numba thread against one scipy process; ``..._2threads``: two numba threads
  against two scipy worker processes over the sample.
* ``flight_one_trajectory``: µs per call of one trajectory (the engine's public
  ``fly``, wrapper included, flown on the calling thread), against one scipy flight;
  with the integrator's steps per flight (all tries, the rejected ones, those landing on
  events) at the tuned tolerance, which the time follows.

The machine these run on may be shared; timings are medians or best-of where noted.

``flight_1m_trajectories_memory``: peak memory of flying 1,000,000 trajectories to
impact (events only), measured in a child process (ru_maxrss) against the baseline of
the same process after imports and compilation.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

MISSILES = ("scud-b", "scud-c", "nodong", "hwasong-12")
TIGHT_RTOL = 1e-12
"""The converged answer each side is measured against."""
TARGET_IMPACT_ERROR_M = 1.0
"""Impact-point error both sides are tuned to (largest over the sample).  Not tighter:
the scipy reference does not converge below ~0.3 m at any rtol <= 1e-9 (measured; its
right-hand side has kinks where the 1976 table's rows join, so its step control and
event location wander at that level), and 1 m is far inside any radar or
kill-vehicle scale."""
RTOL_LADDER = (1e-5, 3e-6, 1e-6, 3e-7, 1e-7, 3e-8, 1e-8, 3e-9, 1e-9, 3e-10, 1e-10, 3e-11, 1e-11)
SAMPLE = 8  # scipy flights per timed figure (two per missile)
TUNE_SAMPLE = 64  # flights each side's tolerance is tuned on (the timed SAMPLE among them)


def _batch(n: int, seed: int = 1):
    from thaadsim.catalog.loader import missile
    from thaadsim.flight.vehicle import Vehicle

    rng = np.random.default_rng(seed)
    vehicles = [Vehicle.from_missile(missile(m)) for m in MISSILES]
    pick = rng.integers(0, len(vehicles), n)
    pick[:SAMPLE] = np.arange(SAMPLE) % len(MISSILES)  # the scipy sample covers every missile
    kick = rng.uniform(10.0, 30.0, n)
    az = rng.uniform(0.0, 360.0, n)
    lat = rng.uniform(38.0, 41.0, n)
    lon = rng.uniform(124.5, 129.0, n)
    return [vehicles[i] for i in pick], pick, lat, lon, az, kick


def _engine(vehicles, lat, lon, az, kick, rtol):
    from thaadsim.flight.engine import FlightOptions, fly

    batch = fly(vehicles, lat, lon, 0.0, az, kick, options=FlightOptions(rtol=rtol))
    # A flight that does not reach impact (a tolerance too loose) counts as off target.
    return np.where(batch.ok[:, None], batch.impact[:, 1:4], np.nan)


def _scipy_one(args):
    """One reference flight (module level: also run in worker processes)."""
    from thaadsim.studies.authorities.reference_flight import (
        Reference,
        ecef_from_geodetic,
        missile_inputs,
    )

    name, lat, lon, az, kick, rtol = args
    ref = Reference(missile_inputs(name), rtol=rtol, cd_curve="spline")
    impact = ref.fly(ecef_from_geodetic(lat, lon, 0.0), math.radians(kick), math.radians(az)).impact
    return np.full(3, np.nan) if impact is None else impact[1:4]


def _scipy(jobs, rtol):
    return np.array([_scipy_one((*job, rtol)) for job in jobs])


def _loosest(fly_at, tight) -> tuple[float, float, float, np.ndarray]:
    """The loosest ladder tolerance whose largest impact error vs ``tight`` is on target:
    (rtol, largest error, 90th-percentile error, the impacts at that rtol)."""
    for rtol in RTOL_LADDER:
        impacts = fly_at(rtol)
        errors = np.linalg.norm(impacts - tight, axis=1)
        worst = float(np.max(errors))
        if worst <= TARGET_IMPACT_ERROR_M:  # NaN (a flight short of impact) is not
            return rtol, worst, float(np.percentile(errors, 90)), impacts
    raise RuntimeError("no tolerance of the ladder reaches the target error")


def _best(f, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        f()
        times.append(time.perf_counter() - t0)
    return min(times)


def bench_flight() -> list[dict]:
    import numba

    n = 10_000
    vehicles, pick, lat, lon, az, kick = _batch(n)
    tune = [(MISSILES[pick[i]], lat[i], lon[i], az[i], kick[i]) for i in range(TUNE_SAMPLE)]
    jobs = tune[:SAMPLE]
    s = slice(0, TUNE_SAMPLE)
    _engine(vehicles[:200], lat[:200], lon[:200], az[:200], kick[:200], 1e-10)  # compile / load
    _engine(vehicles[:1], lat[:1], lon[:1], az[:1], kick[:1], 1e-10)

    # Equal accuracy: each side against its own converged answer, on the same tuning sample.
    eng_rtol, eng_err, eng_p90, eng_impacts = _loosest(
        lambda r: _engine(vehicles[s], lat[s], lon[s], az[s], kick[s], r),
        _engine(vehicles[s], lat[s], lon[s], az[s], kick[s], TIGHT_RTOL))
    sci_rtol, sci_err, sci_p90, sci_impacts = _loosest(lambda r: _scipy(tune, r), _scipy(tune, TIGHT_RTOL))
    models_m = float(np.max(np.linalg.norm(eng_impacts - sci_impacts, axis=1)))
    accuracy = {"target_impact_error_m": TARGET_IMPACT_ERROR_M, "tight_rtol": TIGHT_RTOL,
                "thaadsim_tuning_sample": TUNE_SAMPLE,
                "scipy_tuning_sample": TUNE_SAMPLE,
                "thaadsim_rtol": eng_rtol, "thaadsim_impact_error_m": round(eng_err, 4),
                "thaadsim_impact_error_p90_m": round(eng_p90, 4),
                "scipy_dop853_rtol": sci_rtol, "scipy_impact_error_m": round(sci_err, 4),
                "scipy_impact_error_p90_m": round(sci_p90, 4),
                "engine_vs_scipy_impact_m": round(models_m, 3)}

    t0 = time.perf_counter()
    _scipy(jobs, sci_rtol)
    scipy_1 = SAMPLE / (time.perf_counter() - t0)
    with ProcessPoolExecutor(2) as pool:
        list(pool.map(_scipy_one, [(*job, sci_rtol) for job in jobs[:2]]))  # start the workers
        t0 = time.perf_counter()
        list(pool.map(_scipy_one, [(*job, sci_rtol) for job in jobs]))
        scipy_2 = SAMPLE / (time.perf_counter() - t0)

    lines = []
    threads_before = numba.get_num_threads()
    for threads, scipy_rate in ((1, scipy_1), (2, scipy_2)):
        if threads > numba.config.NUMBA_NUM_THREADS:
            continue
        numba.set_num_threads(threads)
        t0 = time.perf_counter()
        assert np.isfinite(_engine(vehicles, lat, lon, az, kick, eng_rtol)).all()
        dt = time.perf_counter() - t0
        ours = n / dt
        lines.append({"name": f"flight_10k_full_trajectories_{threads}thread{'s' if threads > 1 else ''}",
                      "threads": threads, "trajectories": n, "thaadsim_s": round(dt, 3),
                      "thaadsim_traj_per_s": round(ours, 1), "scipy_dop853_traj_per_s": round(scipy_rate, 2),
                      "scipy_processes": threads, "scipy_sample": SAMPLE, **accuracy,
                      "ratio": round(ours / scipy_rate, 1)})
    numba.set_num_threads(threads_before)

    # One trajectory per call: the public wrapper and the serial kernel, the same sample.
    from thaadsim.flight.engine import FlightOptions, fly

    options = FlightOptions(rtol=eng_rtol)
    calls = [lambda i=i: fly(vehicles[i], lat[i], lon[i], 0.0, az[i], kick[i], options=options)
             for i in range(SAMPLE)]
    per_call = sum(_best(c, 20) for c in calls) / SAMPLE
    steps = np.concatenate([c().steps for c in calls]).mean(axis=0)  # the integrator's work per call
    lines.append({"name": "flight_one_trajectory", "thaadsim_us_per_call": round(1e6 * per_call, 1),
                  "scipy_dop853_us_per_call": round(1e6 / scipy_1, 1), "sample": SAMPLE, **accuracy,
                  "thaadsim_steps_per_flight": round(float(steps.sum()), 1),
                  "thaadsim_rejected_steps_per_flight": round(float(steps[1]), 1),
                  "thaadsim_event_steps_per_flight": round(float(steps[2]), 1),
                  "ratio": round(1.0 / scipy_1 / per_call, 1)})
    return lines


_CHILD = r"""
import resource, sys, json, time
sys.path.insert(0, {root!r})
sys.path.insert(0, {bench!r})
from bench_flight import _batch
from thaadsim.flight.engine import fly
import numpy as np
n = {n}
vehicles, _, lat, lon, az, kick = _batch(n, seed=2)
fly(vehicles[:100], lat[:100], lon[:100], 0.0, az[:100], kick[:100])
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t0 = time.perf_counter()
batch = fly(vehicles, lat, lon, 0.0, az, kick)
dt = time.perf_counter() - t0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({{"peak_mb": peak / 1024, "base_mb": base / 1024, "seconds": dt, "ok": int(batch.ok.sum())}}))
"""


def bench_memory(n: int = 1_000_000) -> dict:
    code = _CHILD.format(root=str(ROOT), bench=str(Path(__file__).parent), n=n)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    figures = json.loads(out.stdout.strip().splitlines()[-1])
    return {
        "name": "flight_1m_trajectories_memory",
        "trajectories": n,
        "peak_rss_mb": round(figures["peak_mb"], 1),
        "baseline_rss_mb": round(figures["base_mb"], 1),
        "seconds": round(figures["seconds"], 1),
        "impacts": figures["ok"],
        "target_mb": 2048,
    }


if __name__ == "__main__":
    for line in bench_flight():
        print(json.dumps(line), flush=True)
    print(json.dumps(bench_memory()), flush=True)
