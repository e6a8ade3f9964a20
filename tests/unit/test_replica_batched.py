"""The replica's batched fire control and outcome assembly against the per-track,
per-point path they replaced.

Authority: the un-batched definitions themselves, written out here from the public
per-item functions - one impact prediction per track (``tracking.products.impact_points``
on one row), one geodesic per track and asset (``frames.ground_distance_m``), one
trajectory per threat (:func:`~thaadsim.defense.firecontrol.predict_trajectory`), one
envelope search per trajectory (:func:`~thaadsim.defense.envelope.can_intercept`), one
geodetic conversion per point set, one fly-out per shot.  Each batched step computes every
row on its own, so the two must agree exactly (bit for bit), decision by decision and,
for whole replicas, in every field of the result.  Seeds 2 and 3 of korea-salvo engage,
miss and leak (a shoot-look-shoot second shot included)."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from thaadsim.defense import envelope as envelope_mod
from thaadsim.defense import firecontrol
from thaadsim.defense.interceptor import fly_out
from thaadsim.earth import frames
from thaadsim.scenario import outcomes
from thaadsim.scenario.loader import load_scenario
from thaadsim.scenario.runner import prepare, run_replica, simulate_prepared

SEEDS = (2, 3)


@pytest.fixture(scope="module")
def prepared():
    return prepare(load_scenario("korea-salvo"))


@pytest.fixture(scope="module")
def runs(prepared):
    return {seed: simulate_prepared(prepared, seed) for seed in SEEDS}


def reference_decisions(tracks, model, assets, battery, commit_delay_s, env):
    """evaluate_tracks as it was: every track on its own."""
    from thaadsim.tracking.products import impact_points

    out = []
    for tr in tracks:
        if not tr.confirmed:
            continue
        k = firecontrol.decision_row(tr.times_s, tr.confirmed_time_s, commit_delay_s)
        t_dec = float(tr.times_s[k])
        g = impact_points(tr.states[k][None], tr.covariances[k][None], np.array([t_dec]),
                          firecontrol.impact_model(model))
        lat, lon, t_imp, cep = float(g.lat_deg[0]), float(g.lon_deg[0]), float(g.time_s[0]), float(g.cep_m[0])
        best, best_d, best_margin, threat = None, math.nan, math.inf, False
        if math.isfinite(lat):
            for a in assets:
                d = frames.ground_distance_m(lat, lon, a.lat_deg, a.lon_deg)
                if d - a.radius_m < best_margin:
                    best, best_d, best_margin = a.name, d, d - a.radius_m
                threat = threat or d <= a.radius_m
        dec = firecontrol.TrackDecision(tr.track_id, t_dec, lat, lon, t_imp, cep, best, best_d, threat, t_imp - t_dec)
        if threat:
            times, states = firecontrol.predict_trajectory(model, tr.states[k], t_dec)
            dec.pred_times_s, dec.pred_states = times, states
            if len(times) >= 2:
                dec.opportunity = reference_can_intercept(times, states, t_dec, env)
            else:
                dec.opportunity = envelope_mod.Opportunity(False, "the track is at the ground", None, None, [])
        out.append(dec)
    return out


def reference_shortfall(env, az, rng, alt) -> str:
    """Envelope.reach_shortfall as it was: point by point."""
    best = None
    for a, r, h in zip(az, rng, alt, strict=True):
        reach = float(env.reach_m(h, a, clipped=False)[0])
        gap = r - (reach if math.isfinite(reach) else 0.0)
        if best is None or gap < best[0]:
            best = (gap, a, r, h, reach)
    if best is None:
        return envelope_mod.REASON_REACH
    _, a, r, h, reach = best
    where = (f"the reach at {h / 1e3:.0f} km altitude is {reach / 1e3:.0f} km" if math.isfinite(reach) else
             f"nothing reaches {h / 1e3:.0f} km altitude")
    return (f"{envelope_mod.REASON_REACH}: at best {r / 1e3:.0f} km out where {where}, "
            f"set by {env.edge_cause(a, reach, h)}")


def reference_can_intercept(times, states, t_ready, env):
    """can_intercept of one trajectory (T, 6) as it was: the battery's polar view of every
    sample (a geodesic each), every sample looked up."""
    pos = states[:, :3]
    alive = np.isfinite(pos).all(axis=-1)
    az, rng, alt = (np.full(len(times), np.nan) for _ in range(3))
    a, r, h = env.table.polar(pos[alive])
    az[alive], rng[alive], alt[alive] = a, r, h
    speed = np.linalg.norm(states[:, 3:6], axis=-1)
    safe = (np.nan_to_num(az), np.nan_to_num(rng, nan=-1.0), np.nan_to_num(alt, nan=-1.0))
    t_fly, kick = env.table.time_to(*safe), env.table.kick_to(*safe)
    in_alt = alive & (alt >= env.min_alt_m) & (alt <= env.max_alt_m)
    in_rng = in_alt & (rng <= env.max_range_m)
    in_reach = in_rng & np.isfinite(t_fly) & (t_fly <= env.max_flyout_s)
    slow = in_reach & (speed <= env.max_threat_speed_m_s)
    t_launch = times - t_fly
    idx = np.nonzero(slow & (t_launch >= t_ready))[0]
    if len(idx) == 0:
        if not in_alt.any():
            reason = envelope_mod.REASON_ALTITUDE
        elif not in_rng.any():
            reason = envelope_mod.REASON_RANGE
        elif not in_reach.any():
            reason = reference_shortfall(env, az[in_rng], rng[in_rng], alt[in_rng])
        elif not slow.any():
            v = float(np.nanmin(speed[in_reach]))
            reason = (f"{envelope_mod.REASON_SPEED}: {v / 1e3:.1f} km/s inside the envelope, above the "
                      f"{env.max_threat_speed_m_s / 1e3:.1f} km/s the kill vehicle engages")
        else:
            reason = envelope_mod.REASON_LATE
        return envelope_mod.Opportunity(False, reason, None, None, [])
    wins = [envelope_mod.Intercept(float(times[k]), float(t_launch[k]), float(t_fly[k]), pos[k].copy(),
                                   float(alt[k]), float(rng[k]), float(az[k]), float(kick[k]), float(speed[k]))
            for k in idx]
    return envelope_mod.Opportunity(True, None, wins[0], wins[-1], wins)


def _same(a, b, where="") -> None:
    """Exact equality of nested dataclasses, lists, dicts and arrays (NaN equals NaN)."""
    if dataclasses.is_dataclass(a) and not isinstance(a, type):
        assert type(a) is type(b), where
        for f in dataclasses.fields(a):
            _same(getattr(a, f.name), getattr(b, f.name), f"{where}.{f.name}")
    elif isinstance(a, dict):
        assert a.keys() == b.keys(), where
        for k in a:
            _same(a[k], b[k], f"{where}[{k!r}]")
    elif isinstance(a, (list, tuple, envelope_mod.Windows)):  # Windows: built lazily, compared by value
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _same(x, y, f"{where}[{i}]")
    elif isinstance(a, np.ndarray):
        np.testing.assert_array_equal(a, b, err_msg=where)
    elif isinstance(a, float) and math.isnan(a):
        assert isinstance(b, float) and math.isnan(b), where
    else:
        assert a == b, f"{where}: {a!r} != {b!r}"


def test_fire_control_equals_track_by_track(runs):
    engaged = 0
    for seed, (*_, battery_runs) in runs.items():
        for br in battery_runs:
            rr = br.radar
            plan_env = firecontrol.Envelope.for_battery(br.battery)
            ref = reference_decisions(rr.confirmed, rr.tracker.model, br.assets, br.battery, br.spec.commit_delay_s,
                                      plan_env)
            assert len(ref) == len(br.decisions) > 0, seed
            _same(br.decisions, ref, f"seed {seed}")
            engaged += sum(d.opportunity is not None and d.opportunity.engageable for d in ref)
    assert engaged > 0  # the comparison reaches the intercept windows
    assert any(d.opportunity is not None and envelope_mod.REASON_REACH in (d.opportunity.reason or "")
               for *_, brs in runs.values() for br in brs for d in br.decisions)  # and a reach shortfall


def test_decisions_without_the_cep_are_the_same_decisions(runs):
    """A study's score skips the exact CEP (``evaluate_tracks(cep=False)``).  Authority: the
    run's own decisions - every field equal, the CEP NaN (not computed) where the run's is a
    number."""
    for seed, (*_, battery_runs) in runs.items():
        for br in battery_runs:
            rr = br.radar
            got = firecontrol.evaluate_tracks(rr.confirmed, rr.tracker.model, br.assets, br.battery,
                                              commit_delay_s=br.spec.commit_delay_s, cep=False)
            assert all(math.isfinite(d.impact_cep_m) for d in br.decisions if math.isfinite(d.impact_lat_deg))
            _same(got, [dataclasses.replace(d, impact_cep_m=math.nan) for d in br.decisions], f"seed {seed}")


def test_a_replica_for_its_score_draws_as_the_run(prepared, runs):
    """``simulate_prepared(story=False)`` (a study's unit of work) against the run's: the
    same tracks and shots, the decisions alike but for the CEP."""
    from thaadsim.scenario.runner import simulate_prepared

    for seed, (_, radar_runs, battery_runs) in runs.items():
        _, radars, batteries = simulate_prepared(prepared, seed, story=False)
        _same([r.confirmed for r in radars], [r.confirmed for r in radar_runs], f"seed {seed}")
        for got, want in zip(batteries, battery_runs, strict=True):
            _same(got.fire, want.fire, f"seed {seed}")
            _same(got.decisions, [dataclasses.replace(d, impact_cep_m=math.nan) for d in want.decisions])


def test_predicted_trajectories_equal_one_at_a_time(runs):
    _, radar_runs, _ = runs[SEEDS[0]]
    tracks = radar_runs[0].confirmed
    model = radar_runs[0].tracker.model
    X = np.stack([tr.states[-5] for tr in tracks] + [tracks[0].states[0]])
    t0 = np.array([tr.times_s[-5] for tr in tracks] + [tracks[0].times_s[0]])
    together = firecontrol.predict_trajectories(model, X, t0)
    assert len({len(t) for t, _ in together}) > 1  # trajectories of different lengths
    for (t, x), row, start in zip(together, X, t0, strict=True):
        t1, x1 = firecontrol.predict_trajectory(model, row, float(start))
        np.testing.assert_array_equal(t, t1)
        np.testing.assert_array_equal(x, x1)


def test_interceptor_batch_flies_each_shot_as_alone(runs):
    shots = [(br.battery, s.intercept) for _, _, brs in runs.values() for br in brs
             for e in br.fire.engagements.values() for s in e.shots]
    assert len(shots) >= 3
    b = shots[0][0]
    batch = fly_out(b.interceptor, np.full(len(shots), b.lat_deg), b.lon_deg, b.alt_m,
                    np.array([w.azimuth_deg for _, w in shots]), np.array([w.kick_deg for _, w in shots]),
                    sample_dt_s=0.5)
    for i, (_, w) in enumerate(shots):
        one = fly_out(b.interceptor, np.array([b.lat_deg]), b.lon_deg, b.alt_m, w.azimuth_deg, w.kick_deg,
                      sample_dt_s=0.5)
        n = one.samples.shape[1]
        np.testing.assert_array_equal(batch.samples[i, :n], one.samples[0])
        assert np.isnan(batch.samples[i, n:]).all()
        np.testing.assert_array_equal(batch.impact[i], one.impact[0])


def _per_point_geodetic(parts):
    return [outcomes._geodetic(p) for p in parts]


def reference_interceptor_paths(shots, dt_s):
    """outcomes._interceptor_paths as it was: one fly-out and one conversion per shot."""
    from thaadsim.scenario.result import ObjectPath
    from thaadsim.tracking.scenario_track import hermite_states

    paths = []
    for rec, br, w, _ in shots:
        b = br.battery
        fb = fly_out(b.interceptor, np.array([b.lat_deg]), b.lon_deg, b.alt_m, w.azimuth_deg, w.kick_deg,
                     sample_dt_s=dt_s)
        tau = outcomes._grid(w.flyout_s, dt_s)
        end = fb.impact[0]
        if not np.isfinite(end[0]):
            k = int(np.flatnonzero(np.isfinite(fb.samples[0, :, 0])).max())
            end = np.concatenate([[k * dt_s], fb.samples[0, k, :6], [np.nan]])
        x = hermite_states(fb.samples[0], dt_s, end, tau)
        x[-1, :3] = w.pip_ecef_m
        good = np.isfinite(x[:, 0])
        x, tau = x[good], tau[good]
        lat, lon, alt = outcomes._geodetic(x[:, :3])
        paths.append(ObjectPath(rec.interceptor_id, "interceptor", f"{b.interceptor.name} from {br.name}",
                                b.interceptor.name, rec.t_launch_s + tau, x[:, :3], x[:, 3:], lat, lon, alt,
                                "intercept", None, br.name))
    return paths


def test_replica_equals_the_unbatched_path(prepared, monkeypatch):
    """Whole replicas: the batched run against one whose fire control goes track by track
    and whose outcomes convert each point set and fly each shot on its own."""
    batched = {seed: run_replica(prepared, seed) for seed in SEEDS}

    def evaluate_one_by_one(tracks, model, assets, battery, *, commit_delay_s, envelope, cep):
        assert cep  # a run tells its story: the exact CEP of every decision
        return reference_decisions(tracks, model, assets, battery, commit_delay_s, envelope)

    monkeypatch.setattr(firecontrol, "evaluate_tracks", evaluate_one_by_one)
    monkeypatch.setattr(outcomes, "_geodetic_each", _per_point_geodetic)
    monkeypatch.setattr(outcomes, "_interceptor_paths", reference_interceptor_paths)
    for seed in SEEDS:
        _same(run_replica(prepared, seed), batched[seed], f"seed {seed}")


def test_impact_assets_equal_asset_by_asset(runs):
    truth, _, battery_runs = runs[SEEDS[0]]
    assets = [a for br in battery_runs for a in br.assets][:2] * 2  # some missiles outside; each asset named once
    got = outcomes._impact_assets(truth, outcomes.group_figures(truth), assets)
    want = []
    for k in range(truth.count):
        lat, lon = truth.impact_lat_lon_deg(k)
        inside = [a.name for a in assets if frames.ground_distance_m(lat, lon, a.lat_deg, a.lon_deg) <= a.radius_m]
        want.append(", ".join(dict.fromkeys(inside)) or None)
    assert got == want
    assert any(w is not None for w in want) and any(w is None for w in want)


def test_a_studys_score_is_the_runs_outcomes(prepared, runs):
    """A Monte Carlo study scores a run without its story (``outcomes.score``: no paths, no
    interceptors flown out, no events).  Authority: the whole run's result - the same totals and
    per-threat outcomes, field for field, and the first detection the earliest of the run's
    ``first_detection`` events; the prepared scenario's group figures are those of its truth."""
    from thaadsim.scenario.runner import score_replica

    assert prepared.figures == outcomes.group_figures(prepared.truth)
    for seed, run in runs.items():
        whole = run_replica(prepared, seed)
        for scored in (outcomes.score(*run), score_replica(prepared, seed)):
            _same(scored.totals, whole.totals, f"seed {seed}")
            _same(scored.per_threat, whole.per_threat, f"seed {seed}")
        assert whole.totals["first_detection_s"] == min(e.time_s for e in whole.events if e.event == "first_detection")


def test_impact_step_keeps_the_impact_points_and_the_decisions(runs):
    """Threat evaluation flies sigma points in RK4 steps of IMPACT_STEP_S (2 s), not the
    tracker's 1 s.  Authority: the same model at 0.1 s (RK4 converges as h^4): every decision's
    impact point within 0.5 m, impact time within 5 ms and CEP within 0.5 m of it (CEPs are
    kilometres); and the tracker's own 1 s steps give the same threats in the same order."""
    import dataclasses

    from thaadsim.tracking.products import impact_points

    checked = 0
    for *_, battery_runs in runs.values():
        for br in battery_runs:
            model = br.radar.tracker.model
            ids = [d.track_id for d in br.decisions]
            tracks = {tr.track_id: tr for tr in br.radar.confirmed}
            rows = [firecontrol.decision_row(tracks[i].times_s, tracks[i].confirmed_time_s, br.spec.commit_delay_s)
                    for i in ids]
            X = np.stack([tracks[i].states[k] for i, k in zip(ids, rows, strict=True)])
            P = np.stack([tracks[i].covariances[k] for i, k in zip(ids, rows, strict=True)])
            t = np.array([tracks[i].times_s[k] for i, k in zip(ids, rows, strict=True)])
            fine = impact_points(X, P, t, dataclasses.replace(model, max_step_s=0.1))
            got = impact_points(X, P, t, firecontrol.impact_model(model))
            assert firecontrol.impact_model(model).max_step_s == firecontrol.IMPACT_STEP_S > model.max_step_s
            np.testing.assert_array_equal(got.lat_deg, [d.impact_lat_deg for d in br.decisions])
            miss = frames.geodesic_inverse(got.lat_deg, got.lon_deg, fine.lat_deg, fine.lon_deg)[2]
            assert np.all(miss < 0.5) and np.all(np.abs(got.time_s - fine.time_s) < 5e-3)
            assert np.all(np.abs(got.cep_m - fine.cep_m) < 0.5) and np.all(fine.cep_m > 1e3)
            # the tracker's own steps: the same threats, ranked the same (soonest impact first)
            own = impact_points(X, P, t, model)
            for name in ("lat_deg", "lon_deg", "time_s"):
                assert np.all(np.isfinite(getattr(own, name)) == np.isfinite(getattr(got, name)))
            for a in br.assets:
                for g in (own, got):
                    assert np.all(np.abs(frames.geodesic_inverse(g.lat_deg, g.lon_deg, a.lat_deg, a.lon_deg)[2]
                                         - a.radius_m) > 1.0)  # no impact within a metre of an asset's edge
            assert np.argsort(own.time_s, kind="stable").tolist() == np.argsort(got.time_s, kind="stable").tolist()
            checked += len(ids)
    assert checked >= 8
