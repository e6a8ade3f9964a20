"""Radar benchmarks: JSON lines on stdout.

1. ``los_snr_pd``: line of sight + SNR + Pd for 10 million radar–point geometries
   (compiled, parallel ``sensors.kernels.pd_batch``), beside a plain-numpy
   implementation of the same physics measured on a slice of the same points.
   Target: ≥ 10 million geometries per second on 2 cores.
2. ``access``: detection intervals for 10,000 synthetic trajectories against one
   radar (``sensors.access.access``), beside a plain-numpy pass (look + interval
   extraction) on a slice.

Usage: ``python benchmarks/bench_radar.py [--points N] [--trajectories N] [--samples T]``.
The points are drawn above 10 km (where the 4/3-Earth branch does not apply), so the
numpy reference needs only the straight-line geometry.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import time

import numpy as np

from thaadsim.earth.constants import WGS84_A_M, WGS84_B_M, WGS84_E2
from thaadsim.sensors import kernels as K
from thaadsim.sensors.access import access
from thaadsim.sensors.radar import RadarModel


def _ecef(lat_deg, lon_deg, h):
    lat, lon = np.radians(lat_deg), np.radians(lon_deg)
    n = WGS84_A_M / np.sqrt(1 - WGS84_E2 * np.sin(lat) ** 2)
    return np.stack(
        [(n + h) * np.cos(lat) * np.cos(lon), (n + h) * np.cos(lat) * np.sin(lon), (n * (1 - WGS84_E2) + h) * np.sin(lat)],
        axis=-1,
    )


def numpy_pd(radar: RadarModel, r: np.ndarray, rcs: float) -> np.ndarray:
    """Plain-numpy LOS + SNR + Pd (Swerling 1), no refraction: the reference."""
    r0 = radar.r_ecef
    e, n, u = radar.enu
    d = r - r0
    rng = np.linalg.norm(d, axis=1)
    el = np.arcsin(np.clip(d @ u / rng, -1, 1))
    cos_off = np.max((d @ radar.face_normals_ecef().T) / rng[:, None], axis=1)
    scale = np.array([WGS84_A_M, WGS84_A_M, WGS84_B_M])
    p = r0 / scale
    q = d / scale
    qq = np.einsum("ij,ij->i", q, q)
    t = -(q @ p) / qq
    c = p + t[:, None] * q
    blocked = (t > 0) & (t < 1) & (np.einsum("ij,ij->i", c, c) < 1 - 1e-12)
    vis = (~blocked) & (el >= radar.min_elevation_rad) & (cos_off >= math.cos(radar.scan_limit_rad))
    vis &= rng <= radar.max_range_m
    snr = radar.k_snr_m2 * rcs * np.clip(cos_off, 0, 1) ** radar.scan_loss_exponent / rng**4
    return np.where(vis, radar.pfa ** (1.0 / (1.0 + snr)), 0.0)


def bench_points(radar: RadarModel, n: int, seed: int = 0) -> dict:
    rng = np.random.default_rng(seed)
    r = np.ascontiguousarray(
        _ecef(radar.lat_deg + rng.uniform(-15, 15, n), radar.lon_deg + rng.uniform(-18, 18, n), rng.uniform(10e3, 1.5e6, n))
    )
    p, faces = radar.kernel_params(1)
    rcs = np.array([0.1])
    out = np.empty(n)
    K.pd_batch(r[:1000], rcs, p, faces, out[:1000])  # compile / load
    best = cpu = math.inf
    for _ in range(3):
        t0, c0 = time.perf_counter(), time.process_time()
        K.pd_batch(r, rcs, p, faces, out)
        best = min(best, time.perf_counter() - t0)
        cpu = min(cpu, time.process_time() - c0)
    m = min(n, 2_000_000)
    t0 = time.perf_counter()
    ref = numpy_pd(radar, r[:m], 0.1)
    t_np = time.perf_counter() - t0
    err = float(np.max(np.abs(ref - out[:m])))
    rate = n / best
    rate_np = m / t_np
    return {
        "name": "los_snr_pd",
        "geometries": n,
        "seconds": best,
        "geometries_per_s": rate,
        "geometries_per_cpu_s": n / cpu,
        "geometries_per_s_on_2_free_cores_est": 2 * n / cpu,
        "load_average_1min": os.getloadavg()[0],
        "numpy_geometries_per_s": rate_np,
        "ratio_vs_numpy": rate / rate_np,
        "max_abs_pd_diff_vs_numpy": err,
        "visible_fraction": float(np.mean(out > 0)),
        "target_per_s": 1e7,
        "meets_target_wall": rate >= 1e7,
        "meets_target_cpu_est": 2 * n / cpu >= 1e7,
    }


def synth_trajectories(radar: RadarModel, n: int, samples: int, seed: int = 1):
    """Lofted-arc stand-ins: ground track along a great circle, altitude a parabola."""
    rng = np.random.default_rng(seed)
    lat0 = rng.uniform(38.0, 46.0, n)
    lon0 = rng.uniform(122.0, 130.0, n)
    az = np.radians(rng.uniform(0.0, 360.0, n))
    ground = rng.uniform(500e3, 8000e3, n)
    apogee = 0.25 * ground * rng.uniform(0.3, 1.2, n)
    flight = 300.0 + ground / 4000.0
    s = np.linspace(0.0, 1.0, samples)[None, :]
    R = 6_371_008.8
    ang = ground[:, None] * s / R
    la0, lo0 = np.radians(lat0)[:, None], np.radians(lon0)[:, None]
    lat = np.arcsin(np.sin(la0) * np.cos(ang) + np.cos(la0) * np.sin(ang) * np.cos(az)[:, None])
    lon = lo0 + np.arctan2(np.sin(az)[:, None] * np.sin(ang) * np.cos(la0), np.cos(ang) - np.sin(la0) * np.sin(lat))
    h = 4.0 * apogee[:, None] * s * (1.0 - s)
    r = _ecef(np.degrees(lat), np.degrees(lon), h)
    t = flight[:, None] * s
    return t, r


def bench_access(radar: RadarModel, n: int, samples: int) -> dict:
    t, r = synth_trajectories(radar, n, samples)
    access(radar, t[:10], r[:10], rcs_m2=0.1)  # compile / load
    best = cpu = math.inf
    for _ in range(2):
        t0, c0 = time.perf_counter(), time.process_time()
        acc = access(radar, t, r, rcs_m2=0.1)
        best = min(best, time.perf_counter() - t0)
        cpu = min(cpu, time.process_time() - c0)
    m = max(1, n // 10)
    t0 = time.perf_counter()
    pd = numpy_pd(radar.with_(refraction_k=0.0), r[:m].reshape(-1, 3), 0.1).reshape(m, samples)
    det = pd >= 0.5
    first = np.where(det.any(axis=1), t[:m][np.arange(m), np.argmax(det, axis=1)], np.nan)
    dur = np.sum(np.diff(t[:m], axis=1) * (det[:, 1:] & det[:, :-1]), axis=1)
    t_np = time.perf_counter() - t0
    agree = float(np.mean(np.isclose(first, acc.first_detection_time_s[:m], equal_nan=True)))
    agree_dur = float(np.mean(np.isclose(dur, acc.visible_duration_s[:m])))
    return {
        "name": "access",
        "trajectories": n,
        "samples_per_trajectory": samples,
        "seconds": best,
        "trajectories_per_s": n / best,
        "trajectories_per_cpu_s": n / cpu,
        "load_average_1min": os.getloadavg()[0],
        "samples_per_s": n * samples / best,
        "numpy_trajectories_per_s": m / t_np,
        "ratio_vs_numpy": (n / best) / (m / t_np),
        "visible_fraction": float(acc.visible.mean()),
        "first_detection_agreement_vs_numpy": agree,
        "duration_agreement_vs_numpy": agree_dur,
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--points", type=int, default=10_000_000)
    ap.add_argument("--trajectories", type=int, default=10_000)
    ap.add_argument("--samples", type=int, default=600)
    args = ap.parse_args()
    radar = RadarModel.from_catalog("an-tpy-2", "forward-based").with_site(36.0513, 128.2229, 680.0, "seongju")
    env = {"cpus": os.cpu_count(), "numba_threads": __import__("numba").get_num_threads()}
    print(json.dumps({**bench_points(radar, args.points), **env}))
    print(json.dumps({**bench_access(radar, args.trajectories, args.samples), **env}))


if __name__ == "__main__":
    main()
