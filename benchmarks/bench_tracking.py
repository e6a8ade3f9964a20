"""Tracking benchmarks, one JSON object per line; every peer figure is measured in the
same run, as process CPU time (the machine may be shared).

1. ``filter_updates`` / ``filter_updates_one_track``: EKF predict+update cycles per CPU
   second on the same work both sides (a 1,000-km-class ballistic target seen by a
   radar at Seongju, 1 Hz, range/az/el): N noisy measurement sets as N tracks (then one
   track), thaadsim's batch filter against Stone Soup's ExtendedKalmanPredictor/Updater
   called track by track, as its tracker calls them.  Both sides have the same
   first-order EKF, q and propagator (thaadsim's compiled RK4 and analytic STM, wrapped
   as a Stone Soup ``GaussianTransitionModel``) and so the same estimates
   (``max_state_diff_m``); both are single-threaded.  ``ratio`` = thaadsim / Stone Soup.
2. ``scan_to_scan``: wall time of one frame of the full tracker (predict, gate,
   assign, update, lifecycle) with 100 and 1,000 confirmed objects in view.  No peer.
3. ``tracker_per_frame``: CPU time per frame of ``run_tracker`` on the korea-salvo
   scenario's radar detections (its chain configuration: EKF, GNN, drag, two-point
   initiation; ``engine``: the one that ran, the compiled one, beside the component
   loop it mirrors, ``components_ms_per_frame``, and whether the two agree,
   ``compiled_equals_components``), today's tracker against the inline tracker it replaced
   (``measurement.py``, ``filters.py``, ``association.py`` and ``manager.py`` as of
   commit ``LEGACY_COMMIT``, loaded from git; the compiled motion model shared, so the
   old figure already has the cheaper variational equations: the ratio understates the
   gain a little), alternating in one process; ``ratio`` = old / new.  Both must give
   the same tracks (``same_tracks``: count, detections, confirmation and deletion
   times, states within 1e-6 relative).

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


def _stonesoup_transition(q):
    """Stone Soup's ballistic transition model given thaadsim's compiled RK4 and
    analytic STM: both sides predict with the same propagator (None: no stonesoup)."""
    try:
        from tests.validation.test_tracking_stonesoup import BallisticECEF  # noqa: PLC0415
    except Exception:  # stonesoup missing: the caller reports it
        return None
    model = BallisticModel(q_m2_s3=q)

    class FastBallistic(BallisticECEF):
        def jacobian(self, state, **kwargs):
            dt = kwargs["time_interval"].total_seconds()
            return model.propagate_with_jacobian(np.asarray(state.state_vector, float).T, dt)[1][0]

    return FastBallistic(q=q, propagate=lambda x, dt: model.propagate(x[None], dt)[0])


def bench_filter(n_scans=60, n_tracks=20, reps=3):
    """EKF predict+update cycles on the same work both sides: ``n_tracks`` tracks (and,
    on a second line, one track) of ``n_scans`` radar looks each, the same first-order
    EKF equations, the same transition (thaadsim's compiled RK4 and STM inside Stone
    Soup) and the same q, so both reach the same accuracy: ``position_error_m_*`` is
    each side's RMS position error against the truth after the last look, and
    ``max_state_diff_m`` the largest difference between the two sides' final
    estimates (Joseph against the standard form, and each side's own site geometry).  Both sides
    run on one thread (the tracking kernels are serial, the matrices too small for
    threaded BLAS): there is no two-thread figure.  Process CPU time, best of ``reps``."""
    t, X = _threat(n_scans)
    meas = RadarMeasurementModel(RadarSites.from_geodetic(*SITE))
    rng = np.random.default_rng(1)
    Z = meas.function(X)[None] + rng.standard_normal((n_tracks, n_scans, 3)) * SIG
    P0 = np.diag([300.0**2] * 3 + [60.0**2] * 3)
    R1 = np.diag(SIG**2)[None]
    f = make_filter("ekf", BallisticModel(q_m2_s3=0.01), meas)

    def thaadsim(n):
        x = np.repeat(X[0][None], n, 0)
        P = np.repeat(P0[None], n, 0)
        R = np.repeat(R1, n, 0)
        for k in range(1, n_scans):
            x, P = f.predict(x, P, 1.0)
            r = f.update(x, P, Z[:n, k], R)
            x, P = r.x, r.P
        return x

    tm = _stonesoup_transition(0.01)
    lines = []
    for name, n in (("filter_updates", n_tracks), ("filter_updates_one_track", 1)):
        ours_x = thaadsim(n)  # compile / warm
        cpu_ours = min(_cpu(lambda n=n: thaadsim(n)) for _ in range(reps))
        updates = n * (n_scans - 1)
        out = {"name": name, "filter": "ekf (first order)", "tracks": n, "scans": n_scans - 1, "threads": 1,
               "propagator": "thaadsim compiled RK4 + analytic STM (both sides)",
               "thaadsim_updates_per_s_cpu": round(updates / cpu_ours)}
        if tm is None:
            out.update({"stonesoup_updates_per_s_cpu": None, "ratio": None, "note": "stonesoup unavailable"})
            lines.append(out)
            continue
        from tests.validation.test_tracking_stonesoup import run_stonesoup  # noqa: PLC0415

        def stonesoup(n=n):
            # Stone Soup's predictor and updater take one state at a time: its N tracks
            # are N predict/update calls per look, as its MultiTargetTracker makes them
            return np.array([run_stonesoup(t, Z[i], X[0], P0, tm)[-1] for i in range(n)])

        ss_x = stonesoup()
        cpu_ss = min(_cpu(stonesoup) for _ in range(reps))
        diff = float(np.max(np.linalg.norm(ss_x[:, :3] - ours_x[:, :3], axis=1)))

        def rms(x):
            return round(float(np.sqrt(np.mean(np.sum((x[:, :3] - X[-1, :3]) ** 2, axis=1)))), 2)

        out.update({"stonesoup_updates_per_s_cpu": round(updates / cpu_ss),
                    "position_error_m_thaadsim": rms(ours_x), "position_error_m_stonesoup": rms(ss_x),
                    "max_state_diff_m": round(diff, 3), "ratio": round(cpu_ss / cpu_ours, 1)})
        lines.append(out)
    return lines


def _cpu(fn):
    """Process CPU time (user + system) of fn(): the machine may be shared."""
    t0 = time.process_time()
    fn()
    return time.process_time() - t0


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
    return {"name": "scan_to_scan", "objects": n_objects, "peer": None, "ratio": None, "confirmed": int(np.sum(mgr.status == 1)),
            "frame_time_ms_median": round(1e3 * float(np.median(steady)), 2),
            "frame_time_ms_first": round(1e3 * times[0], 2)}


LEGACY_COMMIT = "6125be3"


def legacy_run_tracker():
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


def tracker_inputs(scenario: str = "korea-salvo") -> list:
    """(detections, tracker config) of each tracker call a built-in scenario's run makes
    (the chain up to the tracker, capturing what it passes in), in call order."""
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
        sc = load_scenario(builtin_path(scenario))
        runner.simulate(sc, sc.seed)
    finally:
        manager.run_tracker = real
    return captured


def compare_tracks(old, new, rtol=1e-6) -> dict:
    """Old and new tracker results on the same detections: the same tracks (count, ids,
    detections taken, update times, confirmation and deletion times) with states equal
    to ``rtol`` relative (of each state's magnitude per block: position, velocity,
    ln beta), and the largest such relative difference."""
    same = len(old.tracks) == len(new.tracks)
    worst = 0.0
    for a, b in zip(old.tracks, new.tracks, strict=False):
        same &= (a.track_id == b.track_id and np.array_equal(a.detection_index, b.detection_index)
                 and np.array_equal(a.times_s, b.times_s)
                 and np.array_equal(a.confirmed_time_s, b.confirmed_time_s, equal_nan=True)
                 and np.array_equal(a.deleted_time_s, b.deleted_time_s, equal_nan=True))
        if not same:
            break
        for blk in (slice(0, 3), slice(3, 6), slice(6, None)):
            x, y = a.states[:, blk], b.states[:, blk]
            if x.size:
                scale = np.maximum(np.linalg.norm(x, axis=1), 1e-300)
                worst = max(worst, float(np.max(np.linalg.norm(x - y, axis=1) / scale)))
    return {"same_tracks": bool(same and worst <= rtol), "tracks": len(new.tracks),
            "confirmed": len(new.confirmed_tracks), "max_state_rel_diff": worst}


def bench_tracker_per_frame(reps=3):
    """``tracker_per_frame``: process CPU time per frame of ``run_tracker`` on the
    korea-salvo scenario's radar detections (its chain configuration), today's tracker
    against the inline tracker of LEGACY_COMMIT, alternating in one process, best of
    ``reps`` each; ``ratio`` = old / new.  Both must give the same tracks (checked)."""
    import dataclasses  # noqa: PLC0415

    from thaadsim.tracking.manager import run_tracker  # noqa: PLC0415

    det, cfg = tracker_inputs("korea-salvo")[0]
    legacy = legacy_run_tracker()
    new = run_tracker(det, cfg)  # warm: numba caches, first-call costs
    comp_cfg = dataclasses.replace(cfg, engine="components")
    comp = run_tracker(det, comp_cfg)
    n_frames = len(new.frame_times_s)
    out = {"name": "tracker_per_frame", "engine": new.engine, "frames": n_frames, "detections": int(new.n_detections),
           "false_alarms": int(np.sum(new.detection_truth_id < 0)),
           "false_alarms_per_frame": round(float(np.sum(new.detection_truth_id < 0)) / n_frames, 1),
           "basis": "process CPU time"}
    t_new, t_old, t_comp = [], [], []
    for _ in range(reps):
        t_new.append(_cpu(lambda: run_tracker(det, cfg)))
        t_comp.append(_cpu(lambda: run_tracker(det, comp_cfg)))
        if legacy is not None:
            t_old.append(_cpu(lambda: legacy(det, cfg)))
    out["new_ms_per_frame"] = round(1e3 * min(t_new) / n_frames, 3)
    # the component loop, the compiled engine's reference: its cost and that both agree
    out["components_ms_per_frame"] = round(1e3 * min(t_comp) / n_frames, 3)
    out["compiled_equals_components"] = compare_tracks(comp, new)["same_tracks"]
    if legacy is None:
        out.update({"old_ms_per_frame": None, "ratio": None, "note": "legacy tracker unavailable (no git)"})
        return out
    out.update({"old_ms_per_frame": round(1e3 * min(t_old) / n_frames, 3), "ratio": round(min(t_old) / min(t_new), 2),
                "legacy_commit": LEGACY_COMMIT})
    out.update(compare_tracks(legacy(det, cfg), new))
    return out


def main():
    quick = "--quick" in sys.argv
    if "--korea" not in sys.argv:
        for line in bench_filter(n_tracks=5 if quick else 20, reps=1 if quick else 3):
            print(json.dumps(line))
        for n in (100, 1000):
            print(json.dumps(bench_scan(n)))
    print(json.dumps(bench_tracker_per_frame(reps=1 if quick else 3)))


if __name__ == "__main__":
    main()
