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
        g = impact_points(tr.states[k][None], tr.covariances[k][None], np.array([t_dec]), model)
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
                dec.opportunity = envelope_mod.can_intercept(times, states, battery, earliest_launch_s=t_dec,
                                                             envelope=env)[0]
            else:
                dec.opportunity = envelope_mod.Opportunity(False, "the track is at the ground", None, None, [])
        out.append(dec)
    return out


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
    elif isinstance(a, (list, tuple)):
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


def _one_shot_at_a_time(model, lat_deg, lon_deg, alt_m, azimuth_deg, kick_deg, sample_dt_s=None):
    """fly_out of a batch made of one fly-out per shot (rows padded with NaN, as the engine does)."""
    ones = [fly_out(model, np.array([la]), lon_deg, alt_m, az, kick, sample_dt_s=sample_dt_s)
            for la, az, kick in zip(lat_deg, azimuth_deg, kick_deg, strict=True)]
    n = max(o.samples.shape[1] for o in ones)
    samples = np.full((len(ones), n) + ones[0].samples.shape[2:], np.nan)
    for i, o in enumerate(ones):
        samples[i, :o.samples.shape[1]] = o.samples[0]
    return type("Flown", (), {"samples": samples, "impact": np.concatenate([o.impact for o in ones])})


def test_replica_equals_the_unbatched_path(prepared, monkeypatch):
    """Whole replicas: the batched run against one whose fire control goes track by track
    and whose outcomes convert each point set and fly each shot on its own."""
    batched = {seed: run_replica(prepared, seed) for seed in SEEDS}

    def evaluate_one_by_one(tracks, model, assets, battery, *, commit_delay_s, envelope):
        return reference_decisions(tracks, model, assets, battery, commit_delay_s, envelope)

    monkeypatch.setattr(firecontrol, "evaluate_tracks", evaluate_one_by_one)
    monkeypatch.setattr(outcomes, "_geodetic_each", _per_point_geodetic)
    monkeypatch.setattr("thaadsim.defense.interceptor.fly_out", _one_shot_at_a_time)
    for seed in SEEDS:
        _same(run_replica(prepared, seed), batched[seed], f"seed {seed}")


def test_impact_assets_equal_asset_by_asset(runs):
    truth, _, battery_runs = runs[SEEDS[0]]
    assets = [a for br in battery_runs for a in br.assets][:2] * 2  # some missiles outside; each asset named once
    got = outcomes._impact_assets(truth, outcomes._group_figures(truth), assets)
    want = []
    for k in range(truth.count):
        lat, lon = truth.impact_lat_lon_deg(k)
        inside = [a.name for a in assets if frames.ground_distance_m(lat, lon, a.lat_deg, a.lon_deg) <= a.radius_m]
        want.append(", ".join(dict.fromkeys(inside)) or None)
    assert got == want
    assert any(w is not None for w in want) and any(w is None for w in want)
