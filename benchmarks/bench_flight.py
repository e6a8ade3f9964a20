"""Flight-engine benchmarks: prints one JSON object per line.

1. ``flight_10k_full_trajectories``: 10,000 full trajectories (boost, free flight,
   reentry with drag, to impact) of catalog missiles with varied steering, against a
   plain ``scipy.integrate.solve_ivp`` (DOP853, rtol 1e-10) loop over a sample of the
   same trajectories (tests/validation/authorities/reference_flight.py), after checking
   that the sampled impact points agree within 1 m.
2. ``flight_1m_trajectories_memory``: peak memory of flying 1,000,000 trajectories to
   impact (events only), measured in a child process (ru_maxrss) against the baseline
   of the same process after imports and compilation.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

MISSILES = ("scud-b", "scud-c", "nodong", "hwasong-12")


def _batch(n: int, seed: int = 1):
    from thaadsim.catalog.loader import missile
    from thaadsim.flight.vehicle import Vehicle

    rng = np.random.default_rng(seed)
    vehicles = [Vehicle.from_missile(missile(m)) for m in MISSILES]
    pick = rng.integers(0, len(vehicles), n)
    kick = rng.uniform(10.0, 30.0, n)
    az = rng.uniform(0.0, 360.0, n)
    lat = rng.uniform(38.0, 41.0, n)
    lon = rng.uniform(124.5, 129.0, n)
    return [vehicles[i] for i in pick], lat, lon, az, kick


def bench_throughput() -> dict:
    from tests.validation.authorities.reference_flight import Reference
    from thaadsim.earth import frames
    from thaadsim.earth.atmosphere import kernel_table
    from thaadsim.flight.engine import fly
    from thaadsim.flight.vehicle import BOOST_CD, BOOST_CD_MACH

    n = 10_000
    vehicles, lat, lon, az, kick = _batch(n)
    fly(vehicles[:200], lat[:200], lon[:200], 0.0, az[:200], kick[:200])  # compile / warm the cache
    t0 = time.perf_counter()
    batch = fly(vehicles, lat, lon, 0.0, az, kick)
    t_ours = time.perf_counter() - t0
    assert batch.ok.all()

    sample = 12
    max_diff = 0.0
    t0 = time.perf_counter()
    for i in range(sample):
        ref = Reference(vehicles[i], kernel_table(), BOOST_CD_MACH, BOOST_CD)
        r0 = np.asarray(frames.geodetic_to_ecef(lat[i], lon[i], 0.0)).ravel()
        hit = ref.fly(r0, math.radians(kick[i]), math.radians(az[i]))
        max_diff = max(max_diff, float(np.linalg.norm(hit[1:4] - batch.impact[i, 1:4])))
    t_scipy = (time.perf_counter() - t0) / sample
    ours_per_s = n / t_ours
    scipy_per_s = 1.0 / t_scipy
    return {
        "name": "flight_10k_full_trajectories",
        "trajectories": n,
        "thaadsim_s": round(t_ours, 3),
        "thaadsim_traj_per_s": round(ours_per_s, 1),
        "scipy_dop853_traj_per_s": round(scipy_per_s, 2),
        "scipy_sample": sample,
        "max_impact_difference_m": round(max_diff, 4),
        "ratio": round(ours_per_s / scipy_per_s, 1),
    }


_CHILD = r"""
import resource, sys, json, time
sys.path.insert(0, {root!r})
sys.path.insert(0, {bench!r})
from bench_flight import _batch
from thaadsim.flight.engine import fly
import numpy as np
n = {n}
vehicles, lat, lon, az, kick = _batch(n, seed=2)
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
    print(json.dumps(bench_throughput()), flush=True)
    print(json.dumps(bench_memory()), flush=True)
