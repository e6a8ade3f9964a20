"""An engagement end to end: a salvo flies, the battery's radar tracks it, fire control shoots.

:func:`engage_salvo` runs ``tracking.scenario_track.track_salvo`` (truth flight,
measurements, tracker), then fire control on the confirmed tracks
(:mod:`thaadsim.defense.firecontrol`), then scores the shots against truth:

- a shot kills the salvo missile its track follows (the track's majority truth id).
  Two kill models (``kill_model``):

  - ``sspk`` (default): with the stated SSPK - the kill draw does **not** depend on the
    track's prediction error at the intercept point; that error (predicted intercept
    point minus the true missile position at the intercept time, ``pip_error_m``) is
    reported per shot so a reader can judge whether this level of fidelity is tenable;
  - ``pn``: the proportional-navigation endgame (``Endgame(model, 'pn')``): the kill
    vehicle's velocity from its fly-out to the intercept point, the target's from the
    predicted trajectory there, and a handover error drawn with a 1-sigma position
    error per axis equal to the shot's ``pip_error_m`` (ASSUMED: the track covariance
    propagated to the intercept is not carried; the realised prediction error stands
    in for it) and the catalog's handover velocity sigma; a kill when the miss is below
    the lethal radius.  The miss is reported per shot (``miss_m``);
- shots at false tracks kill nothing and are counted as wasted;
- per salvo missile the outcome is ``intercepted``, ``leaked`` (engaged, not killed),
  or ``not engaged: <reason>``; a missile whose true impact lies inside a defended
  asset and that was not killed is a **leaker**, whatever fire control made of it
  (never tracked, misjudged as no threat, not engageable, inventory exhausted).

Every random draw (measurement noise, detection, false alarms, tracker, kills) comes from
the one ``numpy.random.Generator`` passed in, tracking first, kills after.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from thaadsim.defense.battery import Battery
from thaadsim.defense.firecontrol import (
    DEFAULT_ASSET_RADIUS_M,
    DEFAULT_COMMIT_DELAY_S,
    DOCTRINES,
    Asset,
    FireControlResult,
    TrackDecision,
    assign_and_fire,
    evaluate_tracks,
    ground_distance_m,
    prioritise,
)
from thaadsim.errors import InputError


def battery_radar(battery: Battery, launch, radar_key: str = "an-tpy-2", mode: str = "terminal"):
    """The battery's own radar at the battery site, boresight toward the launch point."""
    from thaadsim.catalog.loader import Location
    from thaadsim.earth import frames
    from thaadsim.sensors.radar import RadarModel

    az, _, dist = frames.geodesic_inverse(battery.lat_deg, battery.lon_deg, launch.lat_deg, launch.lon_deg)
    az = float(np.asarray(az).reshape(-1)[0])
    boresight = az if float(np.asarray(dist).reshape(-1)[0]) > 1e3 else None
    site = Location(battery.lat_deg, battery.lon_deg, battery.alt_m, f"battery {battery.name}")
    return RadarModel.from_catalog(radar_key, mode, site=site, boresight_az_deg=boresight)


@dataclass
class EngagementResult:
    battery: Battery
    assets: list[Asset]
    tracking: object
    decisions: list[TrackDecision]
    fire: FireControlResult
    per_threat: list[dict]
    tracks: list[dict]
    totals: dict
    assumptions: list[str] = field(default_factory=list)
    kill_model: str = "sspk"

    def to_dict(self) -> dict:
        t = self.tracking.truth
        b = self.battery
        return {
            **self.totals,
            "per_threat": self.per_threat,
            "tracks": self.tracks,
            "salvo": {"missile": t.missile, "count": t.count, "spacing_s": t.spacing_s,
                      "from": {"label": t.launch.label, "lat_deg": t.launch.lat_deg, "lon_deg": t.launch.lon_deg},
                      "to": {"label": t.aim.label, "lat_deg": t.aim.lat_deg, "lon_deg": t.aim.lon_deg},
                      "true_impact_lat_deg": t.impact_lat_lon_deg[0], "true_impact_lon_deg": t.impact_lat_lon_deg[1],
                      "range_km": float(t.flight.range_m[0]) / 1e3, "flight_time_s": t.flight_time_s,
                      "apogee_km": float(t.flight.apogee_alt_m[0]) / 1e3},
            "battery": {"name": b.name, "lat_deg": b.lat_deg, "lon_deg": b.lon_deg, "alt_m": b.alt_m,
                        "interceptor": b.interceptor.key if hasattr(b.interceptor, "key") else None,
                        "inventory": self.fire.inventory, "remaining": self.fire.remaining,
                        "kill_assessment_s": self.fire.kill_assessment_s, "reload_s": b.reload_s},
            "doctrine": self.fire.doctrine,
            "sspk": self.fire.sspk,
            "kill_model": self.kill_model,
            "assets": [{"name": a.name, "lat_deg": a.lat_deg, "lon_deg": a.lon_deg, "radius_km": a.radius_m / 1e3}
                       for a in self.assets],
            "radar": {"key": self.tracking.radar.key, "mode": self.tracking.radar.mode,
                      "boresight_az_deg": math.degrees(self.tracking.radar.face_az_rad[0])},
            "tracking": {"tracks_confirmed": self.tracking.summary.tracks_confirmed,
                         "false_tracks": self.tracking.summary.false_tracks,
                         "redundant_tracks": self.tracking.summary.redundant_tracks},
            "assumptions": list(self.assumptions),
        }


def _truth_position(truth, k: int, t_s: float) -> np.ndarray:
    """True ECEF position of salvo missile k at time t (linear between 1 s looks: the
    chord error of a ballistic arc over 1 s is < 2 m)."""
    times = truth.times_s
    if not (times[0] <= t_s <= times[-1]):
        return np.full(3, np.nan)
    return np.array([np.interp(t_s, times, truth.states[k, :, i]) for i in range(3)])


def _shot_dict(s, pip_error_m: float) -> dict:
    w = s.intercept
    return {"number": s.number, "t_launch_s": w.t_launch_s, "t_intercept_s": w.t_intercept_s,
            "flyout_s": w.flyout_s, "intercept_altitude_km": w.alt_m / 1e3, "intercept_range_km": w.range_m / 1e3,
            "kill": s.kill, "pip_error_m": pip_error_m,
            "miss_m": None if not math.isfinite(s.miss_m) else s.miss_m}


KILL_MODELS = ("sspk", "pn")


def pn_kill(battery: Battery, decisions: dict, truth, track_truth):
    """Kill function for fire control: the PN endgame of one shot (module doc)."""
    from thaadsim.defense.endgame import Endgame, default_covariance, kill_vehicle_velocity

    model = battery.interceptor
    endgame = Endgame(model, "pn")

    def kill(track_id: int, w, n: int, rng: np.random.Generator):
        d = decisions[track_id]
        vt = np.array([np.interp(w.t_intercept_s, d.pred_times_s, d.pred_states[:, 3 + i]) for i in range(3)])
        vk = kill_vehicle_velocity(model, battery.lat_deg, battery.lon_deg, battery.alt_m, w.azimuth_deg,
                                   w.kick_deg, w.flyout_s)
        tid = int(track_truth.get(track_id, -1))
        cov = default_covariance(model)
        if tid >= 0:
            err = float(np.linalg.norm(w.pip_ecef_m - _truth_position(truth, tid, w.t_intercept_s)))
            if math.isfinite(err):
                cov[:3, :3] = np.eye(3) * err**2
        return endgame.resolve(rng, n, vk, vt, cov)

    return kill


def engage_salvo(battery: Battery, missile: str, launch, aim, rng: np.random.Generator, *, count: int = 1,
                 spacing_s: float = 5.0, doctrine: str = "shoot-look-shoot", sspk: float | None = None,
                 assets: list[Asset] | None = None, asset_radius_m: float = DEFAULT_ASSET_RADIUS_M,
                 commit_delay_s: float = DEFAULT_COMMIT_DELAY_S, radar=None, false_alarms: bool = True,
                 config=None, envelope=None, kill_model: str = "sspk",
                 progress: Callable[[int, int | None, str], None] | None = None) -> EngagementResult:
    """The chain for one salvo (module doc).  ``launch``/``aim`` are ``Location``s;
    ``assets`` default to the battery site with ``asset_radius_m``; ``sspk`` defaults to
    the interceptor's catalog value; ``radar`` to :func:`battery_radar`; ``envelope`` to
    ``Envelope.for_battery(battery)``; ``kill_model`` 'sspk' or 'pn' (module doc).
    ``progress(done, total, label)``, when given, is told before each stage: the tracking
    chain's four, then fire control."""
    from thaadsim.tracking.scenario_track import track_salvo

    def tracking_stage(done: int, total: int | None, label: str) -> None:
        if progress and done < (total or 0):  # the chain's own "done" is not the engagement's
            progress(done, 5, label)

    if doctrine not in DOCTRINES:
        raise InputError(f"unknown doctrine '{doctrine}'", field="--doctrine", hint="use " + " or ".join(DOCTRINES))
    if kill_model not in KILL_MODELS:
        raise InputError(f"unknown kill model '{kill_model}'", field="--kill-model", hint="use sspk or pn")
    p_kill = battery.interceptor.sspk if sspk is None else sspk
    if not (isinstance(p_kill, (int, float)) and math.isfinite(p_kill) and 0.0 <= p_kill <= 1.0):
        raise InputError(f"{p_kill} is not a probability in [0, 1]", field="--sspk")
    if assets is None:
        assets = [Asset(f"battery site ({battery.name})", battery.lat_deg, battery.lon_deg, asset_radius_m)]
    radar = radar or battery_radar(battery, launch)
    res = track_salvo(missile, launch, aim, radar, rng, count=count, spacing_s=spacing_s,
                      false_alarms=false_alarms, config=config, progress=tracking_stage if progress else None)
    if progress:
        progress(4, 5, "fire control")
    model = res.tracker.model
    decisions = evaluate_tracks(res.tracker.confirmed_tracks, model, assets, battery,
                                commit_delay_s=commit_delay_s, envelope=envelope)
    ranked = prioritise(decisions)
    truth = res.truth
    track_truth = res.summary.track_truth
    kill = None
    if kill_model == "pn":
        kill = pn_kill(battery, {d.track_id: d for d in decisions}, truth, track_truth)
    fire = assign_and_fire([(d.track_id, d.opportunity) for d in ranked], battery.inventory, doctrine,
                           float(p_kill), battery.kill_assessment_s, rng, launchers=battery.launchers,
                           reload_s=battery.reload_s, kill=kill)
    # true impact against the assets (for the leak accounting only)
    imp_lat, imp_lon = truth.impact_lat_lon_deg
    true_in_asset = any(ground_distance_m(imp_lat, imp_lon, a.lat_deg, a.lon_deg) <= a.radius_m for a in assets)

    tracks_out = []
    by_truth: dict[int, list[TrackDecision]] = {}
    wasted = 0
    for d in decisions:
        tid = int(track_truth.get(d.track_id, -1))
        by_truth.setdefault(tid, []).append(d)
        eng = fire.engagements.get(d.track_id)
        shots = []
        for s in (eng.shots if eng else []):
            err = math.nan
            if tid >= 0:
                true_r = _truth_position(truth, tid, s.intercept.t_intercept_s)
                err = float(np.linalg.norm(s.intercept.pip_ecef_m - true_r))
            shots.append(_shot_dict(s, err))
        if tid < 0:
            wasted += len(shots)
        opp = d.opportunity
        tracks_out.append({
            "track_id": d.track_id, "truth_id": tid, "decision_time_s": d.decision_time_s,
            "predicted_impact": {"lat_deg": d.impact_lat_deg, "lon_deg": d.impact_lon_deg,
                                 "time_s": d.impact_time_s, "cep_km": d.impact_cep_m / 1e3},
            "nearest_asset": d.nearest_asset, "miss_to_asset_km": d.miss_to_asset_m / 1e3,
            "threat": d.threat, "time_to_impact_s": d.time_to_impact_s,
            "priority": eng.priority if eng else None,
            "engageable": None if opp is None else opp.engageable,
            "envelope_reason": None if opp is None else opp.reason,
            "earliest": None if (opp is None or opp.earliest is None) else opp.earliest.as_dict(),
            "latest": None if (opp is None or opp.latest is None) else opp.latest.as_dict(),
            "shots": shots, "killed": bool(eng.killed) if eng else False,
            "reason": eng.reason if eng else None,
        })
    rows = {r["track_id"]: r for r in tracks_out}

    per = []
    for k in range(truth.count):
        decs = by_truth.get(k, [])
        ids = [d.track_id for d in decs]
        engs = [fire.engagements[i] for i in ids if i in fire.engagements]
        shots = [s for i in ids for s in rows[i]["shots"]]
        shots.sort(key=lambda s: (s["t_launch_s"], s["number"]))
        kill_shot = next((s for s in sorted(shots, key=lambda s: s["t_intercept_s"]) if s["kill"]), None)
        threat = any(d.threat for d in decs)
        outcome_reason = None
        if kill_shot is not None:
            outcome, leaker = "intercepted", False
        elif shots:
            reasons = sorted({e.reason for e in engs if e.reason})
            outcome, leaker = "leaked", true_in_asset or threat
            outcome_reason = "; ".join(reasons)
        elif not decs:
            outcome, leaker = "not engaged: never tracked", true_in_asset
        elif not threat:
            d0 = min(decs, key=lambda d: d.decision_time_s)
            near = next((a.radius_m for a in assets if a.name == d0.nearest_asset), math.nan)
            outcome = (f"not engaged: not a threat (predicted impact {d0.miss_to_asset_m / 1e3:,.0f} km from "
                       f"{d0.nearest_asset}, radius {near / 1e3:g} km)")
            leaker = true_in_asset
        else:
            reasons = sorted({e.reason for e in engs if e.reason})
            outcome, leaker = "not engaged: " + "; ".join(reasons), True
        per.append({
            "truth_id": k, "launch_time_s": float(truth.launch_times_s[k]), "track_ids": ids, "threat": threat,
            "outcome": outcome, "leaker": bool(leaker),
            "reason": outcome_reason,
            "shots": len(shots),
            "intercept_altitude_km": kill_shot["intercept_altitude_km"] if kill_shot else None,
            "intercept_time_s": kill_shot["t_intercept_s"] if kill_shot else None,
            "intercept_range_km": kill_shot["intercept_range_km"] if kill_shot else None,
            "shots_detail": shots,
        })
    totals = {
        "threats": sum(p["threat"] for p in per),
        "engaged": sum(p["shots"] > 0 for p in per),
        "intercepted": sum(p["outcome"] == "intercepted" for p in per),
        "leaked": sum(p["leaker"] for p in per),
        "interceptors_fired": fire.fired,
        "interceptors_wasted_on_false_tracks": wasted,
        "false_tracks_engaged": sum(1 for r in tracks_out if r["truth_id"] < 0 and r["shots"]),
    }
    assumptions = [
        f"defended assets: {', '.join(f'{a.name} (radius {a.radius_m / 1e3:g} km)' for a in assets)}"
        + (" (ASSUMED radius)" if asset_radius_m == DEFAULT_ASSET_RADIUS_M else ""),
        f"fire control decides once per track, at its first update >= {commit_delay_s:g} s after confirmation"
        + (" (ASSUMED)" if commit_delay_s == DEFAULT_COMMIT_DELAY_S else "")
        + "; the plan is not revised on later updates",
        "threat: predicted impact (track at the decision, unscented transform) inside an asset's radius; "
        "priority by predicted time of impact",
        "predicted trajectory: the track state propagated with the tracker's ballistic model (J2, rotating Earth, "
        "drag with the estimated ballistic coefficient) every 1 s; intercept points and launch times from the "
        "fly-out envelope on it",
        (f"kill: stated single-shot kill probability {p_kill:g}"
         + (" (catalog)" if sspk is None else " (given)")
         + ", independent per shot, not conditioned on the prediction error (pip_error_m is reported)")
        if kill_model == "sspk" else
        (f"kill: proportional-navigation endgame, miss < lethal radius {battery.interceptor.lethal_radius_m:g} m; "
         "handover error drawn with a 1-sigma position error per axis = the shot's pip_error_m (ASSUMED: stands in "
         "for the track covariance propagated to the intercept, which is not carried), velocity sigma "
         f"{battery.interceptor.handover_sigma_vel_m_s:g} m/s (catalog); ideal seeker; shots at false tracks use "
         "the catalog handover sigmas and kill nothing"),
        f"doctrine {doctrine}; kill assessment {battery.kill_assessment_s:g} s; inventory {battery.inventory} on "
        f"{battery.launchers} launcher(s); "
        + (f"reload {battery.reload_s:g} s: an emptied launcher is full again {battery.reload_s:g} s after its "
           "last round (reloads unlimited)" if battery.reload_s > 0 else "no reload (reload_s = 0): the inventory "
           "is final"),
        "a shot kills the salvo missile its track follows (the track's majority truth id); shots at false tracks "
        "kill nothing",
        f"leaker: a missile not killed whose true impact lies in a defended asset, or that fire control judged a "
        f"threat; the true impact {'lies' if true_in_asset else 'does not lie'} in a defended asset",
    ] + [f"tracking: {n}" for n in res.notes] + list(battery.assumptions)
    if progress:
        progress(5, 5, "done")
    return EngagementResult(battery, assets, res, decisions, fire, per, tracks_out, totals, assumptions, kill_model)


__all__ = ["KILL_MODELS", "EngagementResult", "battery_radar", "engage_salvo", "pn_kill"]
