"""Defense benchmarks: JSON lines on stdout.

1. ``flyout_lookup``: fly-out table look-ups per second (compiled trilinear,
   ``FlyoutTable.time_to``) beside the same look-up in scipy's
   ``RegularGridInterpolator`` (method ``linear``) on the same table, the same points:
   the same interpolant, so the same accuracy (``max_abs_diff_s`` between the two; the
   table itself is within 1 % of direct flights, tests/validation/
   test_defense_interceptor.py).  One thread (the serial kernel, process CPU time)
   and two threads (the parallel kernel, wall time) reported apart; scipy runs on one.
2. ``doctrine_mc``: Monte Carlo engagements (warheads) per second of the compiled
   doctrine kernel beside a plain Python loop of the same doctrine on a slice.

   ``flyout_lookup_small``: µs per call of a 300-point look-up (``FlyoutTable.time_to``,
   which takes the serial twin below ``LOOKUP_SERIAL_BELOW``) beside today's code path
   before the twin, the parallel kernel on the same points (threads woken for 300
   points); medians and 90th percentiles of calls spaced by 1 ms of other work.
3. ``defended_footprint``: wall time of one defended-footprint map (Scud-ER from Sinpo
   against the battery at Seongju, default grid; the fly-out table built beforehand).
   No peer: no other footprint implementation exists here, so no ratio.
4. ``engagement_4_missile_salvo``: full-chain engagements per second (flight, radar with
   clutter, tracker, fire control, kill draws) for 4 Scud-ER from Tongchang-ri at the
   Seongju battery, seeds 1..5, after one warm-up run.  No peer, so no ratio.

Usage: ``python benchmarks/bench_defense.py [--points N] [--raids R]``.
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np

from thaadsim.defense.battery import Battery
from thaadsim.defense.flyout import cached_table
from thaadsim.defense.leakage import simulate_doctrine


def _python_doctrine(u_det, u_kill, pd, p, shots, look, inventory):
    leaked = 0
    for r in range(u_det.shape[0]):
        left = inventory
        for w in range(u_det.shape[1]):
            if u_det[r, w] >= pd:
                leaked += 1
                continue
            killed = False
            for s in range(shots):
                if left == 0 or (look and killed):
                    break
                left -= 1
                killed = killed or u_kill[r, w, s] < p
            leaked += not killed
    return leaked


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--points", type=int, default=1_000_000)
    ap.add_argument("--raids", type=int, default=100_000)
    args = ap.parse_args()
    b = Battery.from_catalog()
    t0 = time.perf_counter()
    table = cached_table(b.interceptor, b.lat_deg, b.lon_deg, b.alt_m)
    build_s = time.perf_counter() - t0
    rng = np.random.default_rng(0)
    az, r, h = rng.uniform(0, 360, args.points), rng.uniform(0, 150e3, args.points), rng.uniform(40e3, 150e3, args.points)
    print(json.dumps(bench_lookup(table, az, r, h, build_s)))

    bench_lookup_small(table, rng)

    simulate_doctrine(np.random.default_rng(1), 10, 10, 0.8, 2)  # warm
    t0 = time.perf_counter()
    simulate_doctrine(np.random.default_rng(1), args.raids, 10, 0.8, 2, "shoot-look-shoot", inventory=48)
    mc_s = time.perf_counter() - t0
    n_peer = max(args.raids // 100, 10)
    g = np.random.default_rng(2)
    u_det, u_kill = g.random((n_peer, 10)), g.random((n_peer, 10, 2))
    t0 = time.perf_counter()
    _python_doctrine(u_det, u_kill, 1.0, 0.8, 2, True, 48)
    peer_s = time.perf_counter() - t0
    rate, peer = args.raids * 10 / mc_s, n_peer * 10 / peer_s
    print(json.dumps({"name": "doctrine_mc", "engagements": args.raids * 10, "engagements_per_s": rate,
                      "peer": "plain Python loop of the same doctrine", "peer_per_s": peer, "ratio": rate / peer}))
    bench_footprint()
    bench_engagement()


def _best(fn, reps: int = 3) -> tuple[float, float]:
    """(wall, process CPU) seconds of fn(), each the best of ``reps``."""
    wall, cpu = [], []
    for _ in range(reps):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return min(wall), min(cpu)


def bench_lookup(table, az_deg, r_m, h_m, build_s: float) -> dict:
    """The compiled table look-up against scipy's RegularGridInterpolator on the same
    table and points (module doc, item 1)."""
    import numba
    from scipy.interpolate import RegularGridInterpolator

    from thaadsim.defense.kernels import table_lookup_parallel, table_lookup_serial

    n = az_deg.size
    az_rad = np.radians(az_deg)
    args = (table.time_s, table.az0_rad, table.daz_rad, table.h0_m, table.dh_m, table.r0_m, table.dr_m, az_rad, h_m, r_m)
    # the azimuth axis is periodic: close it with the first slice a full turn on, and
    # bring each query into [az0, az0 + 2 pi]
    n_az = table.shape[0]
    az_axis = table.az0_rad + table.daz_rad * np.arange(n_az + 1)
    values = np.concatenate([table.time_s, table.time_s[:1]], axis=0)
    rgi = RegularGridInterpolator((az_axis, table.altitudes_m, table.ranges_m), values, method="linear",
                                  bounds_error=False, fill_value=np.nan)
    q = np.column_stack([table.az0_rad + np.mod(az_rad - table.az0_rad, 2.0 * np.pi), h_m, r_m])
    ours = table_lookup_serial(*args)
    peer = rgi(q)
    same_nan = bool(np.array_equal(np.isnan(ours), np.isnan(peer)))
    both = np.isfinite(ours) & np.isfinite(peer)
    diff = float(np.max(np.abs(ours[both] - peer[both]))) if both.any() else None
    wall1, cpu1 = _best(lambda: table_lookup_serial(*args))
    wall_s, cpu_s = _best(lambda: rgi(q))
    threads = numba.get_num_threads()
    numba.set_num_threads(min(2, numba.config.NUMBA_NUM_THREADS))
    try:
        table_lookup_parallel(*args)  # wake and warm the pool
        wall2, _ = _best(lambda: table_lookup_parallel(*args))
        used = numba.get_num_threads()
    finally:
        numba.set_num_threads(threads)
    return {"name": "flyout_lookup", "points": n, "table_shape": list(table.shape), "table_build_s": build_s,
            "peer": "scipy RegularGridInterpolator (linear) on the same table and points",
            "lookups_per_s_1thread_cpu": n / cpu1, "peer_per_s_1thread_cpu": n / cpu_s,
            "ratio": cpu_s / cpu1,
            "lookups_per_s_2threads_wall": n / wall2, "threads": used, "peer_per_s_wall": n / wall_s,
            "ratio_2threads_wall": wall_s / wall2,
            "max_abs_diff_s": diff, "same_unreachable_points": same_nan, "finite_points": int(both.sum())}


def _call_us(f, calls: int = 200, gap_s: float = 1e-3) -> tuple[float, float]:
    """(median, 90th percentile) µs per call of ``f``, each call after ``gap_s`` of other
    Python work, as when a solver looks up between its own steps (back-to-back calls
    would find the thread pool still awake and hide its wake-up cost)."""
    f()
    times = []
    for _ in range(calls):
        t_gap = time.perf_counter()
        while time.perf_counter() - t_gap < gap_s:
            pass
        t0 = time.perf_counter()
        f()
        times.append(time.perf_counter() - t0)
    return 1e6 * float(np.median(times)), 1e6 * float(np.percentile(times, 90))


def bench_lookup_small(table, rng, points: int = 300) -> None:
    """A small look-up, as the fire-control solvers make them: serial twin vs parallel kernel."""
    from thaadsim.defense.kernels import table_lookup_parallel

    az, r, h = rng.uniform(0, 360, points), rng.uniform(0, 150e3, points), rng.uniform(40e3, 150e3, points)
    ours, ours_p90 = _call_us(lambda: table.time_to(az, r, h))
    az_rad = np.radians(az)
    peer, peer_p90 = _call_us(lambda: table_lookup_parallel(table.time_s, table.az0_rad, table.daz_rad, table.h0_m,
                                                            table.dh_m, table.r0_m, table.dr_m, az_rad, h, r))
    print(json.dumps({"name": "flyout_lookup_small", "points": points, "gap_between_calls_ms": 1.0,
                      "us_per_call": ours, "us_per_call_p90": ours_p90,
                      "peer": "the parallel kernel on the same points (the path before the serial twin)",
                      "peer_us_per_call": peer, "peer_us_per_call_p90": peer_p90, "ratio": peer / ours}))


def bench_engagement(runs: int = 5) -> None:
    """Full-chain engagements per second for a 4-missile salvo (JSON line, no peer): ``engage``'s
    scenario through the scenario runner."""
    from thaadsim.scenario.salvo import engage_salvo

    def once(seed: int):
        return engage_salvo("scud-er", "tongchang-ri", "seongju", battery_site="seongju", seed=seed, count=4)

    once(0)  # warm-up
    t0 = time.perf_counter()
    intercepted = 0
    for seed in range(1, runs + 1):
        intercepted += once(seed).to_dict()["intercepted"]
    dt = time.perf_counter() - t0
    print(json.dumps({"name": "engagement_4_missile_salvo", "runs": runs, "seconds": dt,
                      "engagements_per_s": runs / dt, "threats_intercepted": intercepted,
                      "threats": 4 * runs}))


def bench_footprint() -> None:
    """Time of one defended-footprint map (JSON line, no peer)."""
    from thaadsim.defense.envelope import Envelope
    from thaadsim.defense.footprint import defended_footprint

    seongju = Battery.from_catalog(site="seongju")
    env = Envelope.for_battery(seongju)  # the fly-out table is built (or cached) outside the timing
    t0 = time.perf_counter()
    fp = defended_footprint(seongju, "scud-er", "sinpo", envelope=env)
    fp_s = time.perf_counter() - t0
    print(json.dumps({"name": "defended_footprint", "footprint_s": fp_s,
                      "shots": fp.counts["shots"], "shots_per_s": fp.counts["shots"] / fp_s,
                      "grid": fp.grid, "area_km2": fp.area_km2, "forward_km": fp.forward_m / 1e3,
                      "rear_km": fp.rear_m / 1e3}))


if __name__ == "__main__":
    main()
