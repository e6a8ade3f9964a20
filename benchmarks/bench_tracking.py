"""Tracking benchmarks, one JSON object per line.

1. ``filter_updates``: EKF predict+update cycles per second on the same measurement set
   (a 1,000-km-class ballistic target seen by a radar at Seongju, 1 Hz, range/az/el):
   Stone Soup's ExtendedKalmanPredictor/Updater, given its fastest equivalent transition
   model (thaadsim's compiled propagator and analytic STM wrapped as a Stone Soup
   ``GaussianTransitionModel``), against thaadsim one track at a time and thaadsim on
   100 noisy copies of the set as one batch.  ``ratio`` = batched thaadsim / Stone Soup
   (target >= 30), ``ratio_sequential`` = single-track thaadsim / Stone Soup.
2. ``scan_to_scan``: wall time of one frame of the full tracker (predict, gate,
   assign, update, lifecycle) with 100 and 1,000 confirmed objects in view.
3. ``tracker_frame_korea_salvo``: mean wall time per frame of ``run_tracker`` on the
   korea-salvo scenario's radar detections (its chain configuration: EKF, GNN, drag,
   two-point initiation; ~200 false alarms per look), today's component tracker against
   the inline tracker it replaced (``measurement.py``, ``filters.py``,
   ``association.py`` and ``manager.py`` as of commit ``LEGACY_COMMIT``, loaded from
   git; the compiled kernels and the motion model shared, so the old figure already
   has the cheaper variational equations: the ratio understates the gain a little),
   alternating in one process; ``ratio`` = old / new.
   Both must give the same tracks (checked).

Run: python benchmarks/bench_tracking.py [--quick] [--korea: the korea-salvo line only]
"""

from __future__ import annotations

import json
import pathlib
import sys
import time

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from thaadsim.tracking import (  # noqa: E402
    BallisticModel,
    RadarMeasurementModel,
    RadarSites,
    TrackerConfig,
    TrackManager,
    make_filter,
)
from thaadsim.tracking.measurement import enu_rotation, site_ecef  # noqa: E402

SITE = (36.0513, 128.2229, 680.0)
SIG = np.array([10.0, 3e-4, 3e-4])


def _threat(n_scans):
    model = BallisticModel()
    r = site_ecef(39.4, 125.3, 60_000.0)
    E = enu_rotation(39.4, 125.3)
    g, a = np.radians(40.0), np.radians(100.0)
    v = E.T @ (2900.0 * np.array([np.cos(g) * np.sin(a), np.cos(g) * np.cos(a), np.sin(g)]))
    x0 = np.concatenate([r, v])
    t = np.arange(n_scans, dtype=float)
    return t, model.propagate(np.repeat(x0[None], n_scans, 0), t)


def bench_filter(n_scans=200, n_batch=100, reps=3):
    t, X = _threat(n_scans)
    meas = RadarMeasurementModel(RadarSites.from_geodetic(*SITE))
    rng = np.random.default_rng(1)
    Z = meas.function(X)[None] + rng.standard_normal((n_batch, n_scans, 3)) * SIG
    P0 = np.diag([300.0**2] * 3 + [60.0**2] * 3)
    R1 = np.diag(SIG**2)[None]
    f = make_filter("ekf", BallisticModel(q_m2_s3=0.01), meas)

    def seq():
        x, P = X[0][None], P0[None]
        for k in range(1, n_scans):
            x, P = f.predict(x, P, 1.0)
            r = f.update(x, P, Z[0, k : k + 1], R1)
            x, P = r.x, r.P

    def batch():
        x = np.repeat(X[0][None], n_batch, 0)
        P = np.repeat(P0[None], n_batch, 0)
        R = np.repeat(R1, n_batch, 0)
        for k in range(1, n_scans):
            x, P = f.predict(x, P, 1.0)
            r = f.update(x, P, Z[:, k], R)
            x, P = r.x, r.P

    seq()
    batch()  # compile / warm
    t_seq = min(_timed(seq) for _ in range(reps))
    t_bat = min(_timed(batch) for _ in range(reps))
    ups_seq = (n_scans - 1) / t_seq
    ups_bat = n_batch * (n_scans - 1) / t_bat

    out = {"benchmark": "filter_updates", "filter": "ekf", "scans": n_scans - 1, "batch": n_batch,
           "thaadsim_sequential_updates_per_s": round(ups_seq), "thaadsim_batched_updates_per_s": round(ups_bat)}
    try:
        from tests.validation.test_tracking_stonesoup import (  # noqa: PLC0415
            BallisticECEF,
            run_stonesoup,
        )
    except Exception as err:  # stonesoup missing: report, do not fail
        out.update({"stonesoup_updates_per_s": None, "ratio": None, "note": f"stonesoup unavailable: {err}"})
        return out
    model = BallisticModel(q_m2_s3=0.01)

    class FastBallistic(BallisticECEF):
        """thaadsim's compiled RK4 and analytic STM inside Stone Soup: its best case."""

        def jacobian(self, state, **kwargs):
            dt = kwargs["time_interval"].total_seconds()
            return model.propagate_with_jacobian(np.asarray(state.state_vector, float).T, dt)[1][0]

    tm = FastBallistic(q=0.01, propagate=lambda x, dt: model.propagate(x[None], dt)[0])
    n_ss = min(n_scans, 100)
    run_stonesoup(t[:n_ss], Z[0, :n_ss], X[0], P0, tm)
    t_ss = min(_timed(lambda: run_stonesoup(t[:n_ss], Z[0, :n_ss], X[0], P0, tm)) for _ in range(reps))
    ups_ss = (n_ss - 1) / t_ss
    out.update({"stonesoup_updates_per_s": round(ups_ss), "ratio": round(ups_bat / ups_ss, 1),
                "ratio_sequential": round(ups_seq / ups_ss, 2)})
    return out


def _timed(fn):
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def bench_scan(n_objects, n_frames=8):
    """n_objects ballistic objects spread over a 200 x 200 km box, tracked by one radar."""
    rng = np.random.default_rng(n_objects)
    model = BallisticModel()
    s = site_ecef(*SITE)
    E = enu_rotation(SITE[0], SITE[1])
    enu = np.column_stack([rng.uniform(-1e5, 1e5, n_objects), 3e5 + rng.uniform(-1e5, 1e5, n_objects),
                           rng.uniform(1e5, 2e5, n_objects)])
    venu = np.column_stack([rng.uniform(-500, 500, n_objects), rng.uniform(-2500, -1500, n_objects),
                            rng.uniform(-500, 500, n_objects)])
    X0 = np.column_stack([s + enu @ E, venu @ E])
    meas = RadarMeasurementModel(RadarSites.from_geodetic(*SITE), with_range_rate=True)
    cfg = TrackerConfig()
    mgr = TrackManager(cfg, meas.sites, True)
    sig = np.array([10.0, 3e-4, 3e-4, 1.0])
    R = np.repeat(np.diag(sig**2)[None], n_objects, 0)
    times = []
    X = X0
    for k in range(n_frames):
        if k:
            X = model.propagate(X, 1.0)
        Z = meas.function(X) + rng.standard_normal((n_objects, 4)) * sig
        t0 = time.perf_counter()
        mgr.process_frame(float(k), 0, Z, R, np.arange(n_objects), np.arange(n_objects))
        times.append(time.perf_counter() - t0)
    steady = times[5:]  # tracks confirmed (3 of 5) and established
    return {"benchmark": "scan_to_scan", "objects": n_objects, "confirmed": int(np.sum(mgr.status == 1)),
            "frame_time_ms_median": round(1e3 * float(np.median(steady)), 2),
            "frame_time_ms_first": round(1e3 * times[0], 2)}


LEGACY_COMMIT = "6125be3"


def _legacy_run_tracker():
    """``run_tracker`` of the inline tracker at LEGACY_COMMIT (None without git)."""
    import subprocess  # noqa: PLC0415
    import types  # noqa: PLC0415

    def source(path):
        return subprocess.run(["git", "-C", str(ROOT), "show", f"{LEGACY_COMMIT}:{path}"], check=True,
                              capture_output=True, text=True).stdout

    try:
        sources = {name: source(f"src/thaadsim/tracking/{name}.py")
                   for name in ("measurement", "filters", "association", "manager")}
    except (OSError, subprocess.CalledProcessError):
        return None
    mods = {}
    for name, src in sources.items():  # in dependency order: each sees the legacy modules before it
        for dep, mod in mods.items():
            src = src.replace(f"from thaadsim.tracking.{dep} import", f"from {mod.__name__} import")
        mod = types.ModuleType(f"_legacy_tracking_{name}")
        sys.modules[mod.__name__] = mod  # dataclasses resolve annotations through it
        exec(compile(src, f"legacy/{name}.py", "exec"), mod.__dict__)  # noqa: S102
        mods[name] = mod
    mgr = mods["manager"]
    return mgr.run_tracker


def _korea_salvo_detections():
    """The korea-salvo run's radar detections and tracker config (the chain up to the
    tracker, capturing what it passes in)."""
    from thaadsim.scenario import runner  # noqa: PLC0415
    from thaadsim.scenario.loader import builtin_path, load_scenario  # noqa: PLC0415
    from thaadsim.tracking import manager  # noqa: PLC0415

    captured = []
    real = manager.run_tracker

    def spy(det, config=None, rng=None):
        captured.append((det, config))
        return real(det, config, rng)

    manager.run_tracker = spy
    try:
        sc = load_scenario(builtin_path("korea-salvo"))
        runner.simulate(sc, sc.seed)
    finally:
        manager.run_tracker = real
    return captured[0]


def bench_korea_frames(reps=3):
    from thaadsim.tracking.manager import run_tracker  # noqa: PLC0415

    det, cfg = _korea_salvo_detections()
    legacy = _legacy_run_tracker()
    new = run_tracker(det, cfg)  # warm: numba caches, first-call costs
    n_frames = len(new.frame_times_s)
    t_new, t_old = [], []
    same = None
    if legacy is not None:
        old = legacy(det, cfg)
        # same tracks: the same detections in the same order, states to round-off (the
        # compiled front end sums in another order than numpy did)
        same = len(old.tracks) == len(new.tracks) and all(
            a.track_id == b.track_id and np.array_equal(a.detection_index, b.detection_index)
            and np.allclose(a.states, b.states, rtol=1e-9, atol=1e-3)
            for a, b in zip(old.tracks, new.tracks, strict=True))
    for _ in range(reps):
        t_new.append(_timed(lambda: run_tracker(det, cfg)))
        if legacy is not None:
            t_old.append(_timed(lambda: legacy(det, cfg)))
    out = {"name": "tracker_frame_korea_salvo", "benchmark": "tracker_frame_korea_salvo", "frames": n_frames,
           "detections": int(new.n_detections), "false_alarms": int(np.sum(new.detection_truth_id < 0)),
           "new_ms_per_frame": round(1e3 * min(t_new) / n_frames, 3)}
    if legacy is None:
        out.update({"old_ms_per_frame": None, "ratio": None, "note": "legacy tracker unavailable (no git)"})
    else:
        out.update({"old_ms_per_frame": round(1e3 * min(t_old) / n_frames, 3),
                    "ratio": round(min(t_old) / min(t_new), 2), "same_tracks": bool(same),
                    "legacy_commit": LEGACY_COMMIT})
    return out


def main():
    quick = "--quick" in sys.argv
    if "--korea" not in sys.argv:
        print(json.dumps(bench_filter(n_scans=60 if quick else 200, reps=1 if quick else 3)))
        for n in (100, 1000):
            print(json.dumps(bench_scan(n)))
    print(json.dumps(bench_korea_frames(reps=1 if quick else 3)))


if __name__ == "__main__":
    main()
