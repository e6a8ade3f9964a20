"""``track`` and ``engage`` as scenarios: one salvo at one radar, or at one battery and its
radar, run by the scenario runner - the one chain - and each command's view of the run.

:func:`track_scenario` and :func:`engage_scenario` turn the commands' options into a
:class:`~thaadsim.scenario.schema.Scenario` (one threat group; one radar; for ``engage``
one battery firing on that radar's tracks); :func:`run_salvo` runs it with
:mod:`thaadsim.scenario.runner` exactly as ``thaadsim run`` does (same truth, same draws
in the same order, same tracker, same fire control and kill accounting), without the
drawings.  :class:`TrackRun` and :class:`EngageRun` are the two commands' views: tracks,
their products and their errors against truth; shots and what became of each missile.
Missiles are named as the runner names them, ``T1.1``, ``T1.2``, ...
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from thaadsim.errors import InputError
from thaadsim.scenario.schema import Scenario

if TYPE_CHECKING:
    from thaadsim.scenario.result import ScenarioResult
    from thaadsim.scenario.runner import BatteryRun, RadarRun
    from thaadsim.scenario.truth import ScenarioTruth

TRACK_RADAR = "an-tpy-2"
"""Name of the radar in an ``engage`` scenario (a ``track`` scenario names its radar by its key)."""
ENGAGE_BATTERY = "thaad-battery"
"""Catalog battery of an ``engage`` scenario (its name in the outputs too)."""

_NOT_A_NAME = re.compile(r"[^A-Za-z0-9 _.()-]")


def _name(text: str) -> str:
    """``text`` as a scenario name (letters, digits, space and ``_.()-``): a 'LAT,LON' label
    keeps its numbers."""
    return _NOT_A_NAME.sub(" ", text).strip()[:80] or "point"


def _scenario(data: dict, fields: dict[str, str]) -> Scenario:
    """The Scenario, a schema error reported against the command's option (``fields``:
    scenario path prefix -> option)."""
    from pydantic import ValidationError

    try:
        return Scenario.model_validate(data)
    except ValidationError as error:
        e = error.errors()[0]
        path = ".".join(str(p) for p in e["loc"])
        option = next((o for p, o in fields.items() if path.startswith(p)), path)
        raise InputError(e["msg"].removeprefix("Value error, "), field=option) from None


def _threat(missile: str, from_: str, to: str, count: int, spacing_s: float, rcs_m2: float | None,
            swerling: int | None) -> dict:
    t = {"missile": missile, "from": from_, "to": to, "count": count, "spacing_s": spacing_s}
    if rcs_m2 is not None:
        t["rcs_m2"] = rcs_m2
    if swerling is not None:
        t["swerling"] = swerling
    return t


_THREAT_OPTIONS = {"threats.0.missile": "--missile", "threats.0.from": "--from", "threats.0.to": "--to",
                   "threats.0.count": "--count", "threats.0.spacing_s": "--spacing-s", "threats.0.rcs_m2": "--rcs-m2",
                   "threats.0.swerling": "--swerling", "seed": "--seed"}


def track_scenario(missile: str, from_: str, to: str, *, site: str, radar: str = "an-tpy-2", mode: str | None = None,
                   boresight_az_deg: float | None = None, count: int = 1, spacing_s: float = 5.0,
                   rcs_m2: float | None = None, swerling: int | None = None, false_alarms: bool = True,
                   filter: str = "ekf", association: str = "gnn", initiation: str = "two_point",
                   seed: int = 1) -> Scenario:
    """``track``'s options as a scenario: the salvo and one radar, no battery."""
    from thaadsim.catalog.radars import radar as lookup_radar

    mode = mode or lookup_radar(radar).modes[0].key
    spec = {"name": radar, "site": site, "radar": radar, "mode": mode,
            "tracker": {"filter": filter, "association": association, "initiation": initiation}}
    if boresight_az_deg is not None:
        spec["boresight_az_deg"] = boresight_az_deg
    return _scenario({
        "name": "track", "seed": seed, "threats": [_threat(missile, from_, to, count, spacing_s, rcs_m2, swerling)],
        "radars": [spec], "output": {"false_alarms": false_alarms, "coverage": False, "footprints": False}},
        {**_THREAT_OPTIONS, "radars.0.site": "--site", "radars.0.radar": "--radar", "radars.0.mode": "--mode",
         "radars.0.boresight_az_deg": "--boresight-az-deg", "radars.0.tracker.filter": "--filter",
         "radars.0.tracker.association": "--association", "radars.0.tracker.initiation": "--initiation"})


def engage_scenario(missile: str, from_: str, to: str, *, battery_site: str, count: int = 1, spacing_s: float = 5.0,
                    doctrine: str | None = None, sspk: float | None = None, kill_model: str = "sspk",
                    asset_radius_km: float | None = None, defend_aim: bool = False,
                    commit_delay_s: float | None = None, reload_s: float | None = None,
                    false_alarms: bool = True, seed: int = 1) -> Scenario:
    """``engage``'s options as a scenario: the salvo, the battery's own AN/TPY-2 (terminal
    mode) at the battery site facing the launch point, and the battery defending its site
    (and the aim point with ``defend_aim``)."""
    from thaadsim.catalog.loader import resolve_location

    radius = {} if asset_radius_km is None else {"radius_km": asset_radius_km}
    assets = [{"name": _name(f"battery site ({battery_site})"), "at": battery_site, **radius}]
    if defend_aim:
        aim = resolve_location(to, "--to")
        assets.append({"name": _name(f"aim point ({aim.label})"), "at": f"{aim.lat_deg!r},{aim.lon_deg!r}", **radius})
    battery = {"name": ENGAGE_BATTERY, "site": battery_site, "battery": ENGAGE_BATTERY, "radar": TRACK_RADAR,
               "kill_model": kill_model, "assets": assets}
    for key, value in (("doctrine", doctrine), ("sspk", sspk), ("commit_delay_s", commit_delay_s),
                       ("reload_s", reload_s)):
        if value is not None:
            battery[key] = value
    return _scenario({
        "name": "engage", "seed": seed, "threats": [_threat(missile, from_, to, count, spacing_s, None, None)],
        "radars": [{"name": TRACK_RADAR, "site": battery_site, "radar": "an-tpy-2", "mode": "terminal"}],
        "batteries": [battery], "output": {"false_alarms": false_alarms, "coverage": False, "footprints": False}},
        {**_THREAT_OPTIONS, "radars.0.site": "--battery-site", "batteries.0.site": "--battery-site",
         "batteries.0.doctrine": "--doctrine", "batteries.0.sspk": "--sspk", "batteries.0.kill_model": "--kill-model",
         "batteries.0.commit_delay_s": "--commit-delay-s", "batteries.0.reload_s": "reload_s",
         "batteries.0.assets": "--asset-radius-km"})


@dataclass
class SalvoRun:
    """One run of the chain, what the runner's steps returned: truth, radar and battery runs,
    and (``scored``) the runner's :class:`~thaadsim.scenario.result.ScenarioResult`."""

    scenario: Scenario
    seed: int
    truth: ScenarioTruth
    radars: list[RadarRun]
    batteries: list[BatteryRun]
    result: ScenarioResult | None


def run_salvo(scenario: Scenario, seed: int | None = None, progress=None, *, scored: bool = True) -> SalvoRun:
    """The scenario through the runner (``preflight``, ``simulate``, and with ``scored`` its
    ``assemble`` without drawings) - what ``thaadsim run`` does before it writes."""
    from thaadsim.scenario.outcomes import assemble
    from thaadsim.scenario.runner import preflight, simulate

    seed = scenario.seed if seed is None else int(seed)
    preflight(scenario, seed)
    truth, radar_runs, battery_runs = simulate(scenario, seed, progress)
    result = None
    if scored:
        if progress:
            progress("scoring the shots")
        result = assemble(scenario, seed, truth, radar_runs, battery_runs, views=False)
    return SalvoRun(scenario, seed, truth, radar_runs, battery_runs, result)


# --------------------------------------------------------------------------- track's view


def _truth_block(truth) -> dict:
    g = truth.groups[0]
    fb = g.flight
    lat, lon = truth.impact_lat_lon_deg(0)
    speed, _, alt = fb.speed_gamma(fb.burnout)
    st = g.steering
    return {
        "missile": g.missile, "count": truth.count, "spacing_s": g.spec.spacing_s,
        "launch_times_s": truth.launch_times_s.tolist(), "object_ids": list(truth.object_ids),
        "from": {"label": g.launch.label, "lat_deg": g.launch.lat_deg, "lon_deg": g.launch.lon_deg},
        "to": {"label": g.aim.label, "lat_deg": g.aim.lat_deg, "lon_deg": g.aim.lon_deg},
        "profile": st["profile"], "azimuth_deg": st["azimuth_deg"] % 360.0, "kick_deg": st["kick_deg"],
        "burn_fraction": st["burn_fraction"], "impact_lat_deg": lat, "impact_lon_deg": lon,
        "range_km": float(fb.range_m[0]) / 1e3, "flight_time_s": g.flight_time_s,
        "apogee_km": float(fb.apogee_alt_m[0]) / 1e3, "burnout_speed_m_s": float(speed[0]),
        "burnout_alt_km": float(alt[0]) / 1e3, "burnout_time_s": float(fb.burnout[0, 0]),
        "authority": "thaadsim flight engine (Dormand-Prince, WGS-84 + J2, rotating Earth, drag)",
    }


def _chain_notes(truth, radar_run, false_alarms: bool) -> list[str]:
    from thaadsim.sensors.rcs import default_rcs_note
    from thaadsim.tracking.scenario_track import DEFAULT_RCS_M2

    spec = truth.groups[0].spec
    notes = ["truth: the flight engine's trajectories; the spent booster is not flown (RV only)",
             f"radar cross-section {spec.rcs_m2:g} m^2, Swerling {spec.swerling}, constant along the flight"
             + (f" ({default_rcs_note('reference-target')})" if spec.rcs_m2 == DEFAULT_RCS_M2 else "")]
    if radar_run.sector is None:
        notes.append("the radar sees no part of the salvo's trajectory: no detections, no false-alarm sector")
    elif not false_alarms:
        notes.append("false alarms switched off")
    return notes


class TrackRun:
    """``track``'s view of a run: the radar's tracks, their products (impact, launch point,
    class) and their errors against the truth of the missile each follows."""

    def __init__(self, run: SalvoRun) -> None:
        from thaadsim.tracking.metrics import track_truth_summary
        from thaadsim.tracking.scenario_track import estimate_tracks, score_tracks

        self.run = run
        self.truth = run.truth
        rr = run.radars[0]
        self.radar_run = rr
        self.radar = rr.model
        self.detections = rr.detections
        self.tracker = rr.tracker
        self.surveillance = rr.sector
        self.summary = track_truth_summary(rr.tracker)
        self.options = self.truth.groups[0].flight.options
        estimates, self.boosts = estimate_tracks(rr.tracker, rr.detections, self.options)
        t = self.truth
        launch = np.array([[t.groups[g].launch.lat_deg, t.groups[g].launch.lon_deg] for g in t.group])
        impact = np.array([t.impact_lat_lon_deg(k) for k in range(t.count)])
        self.tracks = score_tracks(estimates, rr.track_truth, launch, impact, t.launch_times_s, t.impact_time_s)

    @property
    def notes(self) -> list[str]:
        from thaadsim.tracking.scenario_track import EXO_ALTITUDE_M, product_notes

        notes = _chain_notes(self.truth, self.radar_run, self.run.scenario.output.false_alarms)
        notes[2:2] = product_notes(self.boosts)
        if any(not e.exo_atmospheric for e in self.tracks):
            notes.append(f"some tracks were never above {EXO_ALTITUDE_M / 1e3:g} km: their launch point and class, "
                         "from a drag-slowed state, are not meaningful")
        if not self.tracks:
            notes.append("no tracks")
        return notes

    def to_dict(self) -> dict:
        from thaadsim.tracking.scenario_track import SECTOR_MARGIN_DEG, SECTOR_RANGE_MARGIN_KM, class_signatures

        t, rd, s, d, cfg = self.truth, self.radar, self.surveillance, self.detections, self.tracker.config
        spec = t.groups[0].spec
        n_fa = int(np.sum(d.truth_id < 0))
        sv = None
        if s is not None:
            cells = s.cells(rd)
            sv = {"az_center_deg": math.degrees(s.az_center_rad), "az_half_width_deg": math.degrees(s.az_half_width_rad),
                  "el_min_deg": math.degrees(s.el_min_rad), "el_max_deg": math.degrees(s.el_max_rad),
                  "range_min_km": s.range_min_m / 1e3, "range_max_km": s.range_max_m / 1e3,
                  "solid_angle_sr": s.solid_angle_sr, "cells": cells,
                  "false_alarms_per_look_expected": rd.pfa * cells,
                  "note": ("sector around the visible threat (margin "
                           f"{SECTOR_MARGIN_DEG:g} deg, {SECTOR_RANGE_MARGIN_KM:g} km), not the mode's whole search "
                           "field; Poisson(Pfa x cells) false alarms at every look")}
        ids = t.object_ids
        tracks = []
        for e in self.tracks:
            row = e.to_dict()
            row["truth"] = ids[e.truth_id] if e.truth_id >= 0 else None
            tracks.append(row)
        return {
            "truth_count": t.count,
            "truth_detected_count": self.summary.truth_count,
            "tracks_confirmed": self.summary.tracks_confirmed,
            "false_tracks": self.summary.false_tracks,
            "redundant_tracks": self.summary.redundant_tracks,
            "swaps": self.summary.swaps,
            "tracks": tracks,
            "truth": _truth_block(t),
            "radar": {"key": rd.key, "mode": rd.mode, "site": rd.site_label, "lat_deg": rd.lat_deg,
                      "lon_deg": rd.lon_deg, "alt_m": rd.alt_m, "boresight_az_deg": math.degrees(rd.face_az_rad[0]),
                      "revisit_s": rd.revisit_s, "pfa": rd.pfa, "rcs_m2": float(spec.rcs_m2),
                      "swerling": int(spec.swerling)},
            "detections": {"total": len(d), "of_targets": len(d) - n_fa, "false_alarms": n_fa,
                           "looks": int(t.times_s.size),
                           "looks_with_target_detected": int(np.unique(d.time_s[d.truth_id >= 0]).size)},
            "surveillance": sv,
            "tracker": {
                "filter": cfg.filter, "association": cfg.association, "initiation": cfg.initiation,
                "drag_state": cfg.drag, "q_m2_s3": cfg.q_m2_s3,
                "q_ln_beta_1_s": cfg.q_ln_beta_1_s if cfg.drag else None,
                "initial_beta_kg_m2": math.exp(cfg.initial_ln_beta) if cfg.drag else None,
                "gate_probability": cfg.gate_probability, "confirm_m": cfg.confirm_m, "confirm_n": cfg.confirm_n,
                "delete_after_misses": cfg.delete_after_misses, "use_range_rate": cfg.use_range_rate,
                "initial_speed_sigma_m_s": cfg.initial_speed_sigma_m_s,
                "frames": int(self.tracker.frame_times_s.size), "tracks_started": len(self.tracker.tracks),
            },
            "classes": {k: {"burnout_speed_m_s": v.burnout_speed_m_s, "sigma_m_s": v.sigma_m_s,
                            "burnout_alt_km": v.burnout_altitude_m / 1e3}
                        for k, v in class_signatures(self.options).items()},
            "notes": self.notes,
        }


# --------------------------------------------------------------------------- engage's view


def _shot_dict(shot, record) -> dict:
    w = shot.intercept
    return {"interceptor_id": record.interceptor_id, "number": shot.number, "t_launch_s": w.t_launch_s,
            "t_intercept_s": w.t_intercept_s, "flyout_s": w.flyout_s, "intercept_altitude_km": w.alt_m / 1e3,
            "intercept_range_km": w.range_m / 1e3, "kill": record.kill, "note": record.note,
            "pip_error_m": record.pip_error_m, "miss_m": None if not math.isfinite(shot.miss_m) else shot.miss_m}


class EngageRun:
    """``engage``'s view of a run: per track fire control's decision and shots, per missile
    what became of it - the runner's kill accounting (``scenario.outcomes``) read for the
    one battery, with ``engage``'s own words: a missile not intercepted is a **leaker** when
    its true impact lies in a defended asset or fire control judged it a threat, and one never
    shot at is 'not engaged' with the battery's reason."""

    def __init__(self, run: SalvoRun) -> None:
        from thaadsim.tracking.metrics import track_truth_summary

        self.run = run
        self.truth = run.truth
        self.battery_run = run.batteries[0]
        self.summary = track_truth_summary(self.battery_run.radar.tracker)

    def to_dict(self) -> dict:
        br, t, res = self.battery_run, self.truth, self.run.result
        b, fire, spec = br.battery, br.fire, br.spec
        ids = t.object_ids
        track_truth = br.radar.track_truth
        records = {(r.track_id, r.number): r for r in res.shots if r.battery == br.name}
        tracks_out, by_truth = [], {}
        for d in br.decisions:
            k = int(track_truth.get(d.track_id, -1))
            by_truth.setdefault(k, []).append(d)
            eng = fire.engagements.get(d.track_id)
            opp = d.opportunity
            tracks_out.append({
                "track_id": d.track_id, "truth_id": k, "truth": ids[k] if k >= 0 else None,
                "decision_time_s": d.decision_time_s,
                "predicted_impact": {"lat_deg": d.impact_lat_deg, "lon_deg": d.impact_lon_deg,
                                     "time_s": d.impact_time_s, "cep_km": d.impact_cep_m / 1e3},
                "nearest_asset": d.nearest_asset, "miss_to_asset_km": d.miss_to_asset_m / 1e3,
                "threat": d.threat, "time_to_impact_s": d.time_to_impact_s,
                "priority": eng.priority if eng else None,
                "engageable": None if opp is None else opp.engageable,
                "envelope_reason": None if opp is None else opp.reason,
                "earliest": None if (opp is None or opp.earliest is None) else opp.earliest.as_dict(),
                "latest": None if (opp is None or opp.latest is None) else opp.latest.as_dict(),
                "shots": [_shot_dict(s, records[(d.track_id, s.number)]) for s in (eng.shots if eng else [])],
                "killed": bool(eng.killed) if eng else False, "reason": eng.reason if eng else None,
            })
        rows = {r["track_id"]: r for r in tracks_out}
        per = []
        for k, p in enumerate(res.per_threat):
            decs = by_truth.get(k, [])
            shots = sorted((s for d in decs for s in rows[d.track_id]["shots"]),
                           key=lambda s: (s["t_launch_s"], s["number"]))
            threat = any(d.threat for d in decs)
            reason = None
            if p["outcome"] == "intercepted":
                outcome, leaker = "intercepted", False
            elif shots:
                outcome, leaker = "leaked", True
                reason = "; ".join(sorted({e.reason for d in decs if (e := fire.engagements.get(d.track_id))
                                           and e.reason})) or None
            else:
                outcome = "not engaged: " + p["batteries"][br.name]
                leaker = threat or p["impact_in_asset"] is not None
            per.append({
                "truth_id": k, "object_id": p["object_id"], "launch_time_s": p["launch_time_s"],
                "track_ids": [d.track_id for d in decs], "threat": threat, "outcome": outcome,
                "leaker": bool(leaker), "reason": reason, "shots": len(shots),
                "intercept_altitude_km": p["intercept_altitude_km"], "intercept_time_s": p["intercept_time_s"],
                "intercept_range_km": next((s["intercept_range_km"] for s in shots if s["kill"]), None),
                "impact_in_asset": p["impact_in_asset"], "shots_detail": shots,
            })
        g = t.groups[0]
        lat, lon = t.impact_lat_lon_deg(0)
        radar = br.radar.model
        return {
            "threats": sum(p["threat"] for p in per),
            "engaged": sum(p["shots"] > 0 for p in per),
            "intercepted": sum(p["outcome"] == "intercepted" for p in per),
            "leaked": sum(p["leaker"] for p in per),
            "interceptors_fired": fire.fired,
            "interceptors_wasted_on_false_tracks": sum(len(r["shots"]) for r in tracks_out if r["truth_id"] < 0),
            "false_tracks_engaged": sum(1 for r in tracks_out if r["truth_id"] < 0 and r["shots"]),
            "per_threat": per,
            "tracks": tracks_out,
            "salvo": {"missile": g.missile, "count": t.count, "spacing_s": g.spec.spacing_s,
                      "object_ids": list(ids),
                      "from": {"label": g.launch.label, "lat_deg": g.launch.lat_deg, "lon_deg": g.launch.lon_deg},
                      "to": {"label": g.aim.label, "lat_deg": g.aim.lat_deg, "lon_deg": g.aim.lon_deg},
                      "true_impact_lat_deg": lat, "true_impact_lon_deg": lon,
                      "range_km": float(g.flight.range_m[0]) / 1e3, "flight_time_s": g.flight_time_s,
                      "apogee_km": float(g.flight.apogee_alt_m[0]) / 1e3},
            "battery": {"name": b.name, "lat_deg": b.lat_deg, "lon_deg": b.lon_deg, "alt_m": b.alt_m,
                        "interceptor": getattr(b.interceptor, "key", None),
                        "inventory": fire.inventory, "remaining": fire.remaining,
                        "kill_assessment_s": fire.kill_assessment_s, "reload_s": b.reload_s},
            "doctrine": fire.doctrine,
            "sspk": fire.sspk,
            "kill_model": spec.kill_model,
            "assets": [{"name": a.name, "lat_deg": a.lat_deg, "lon_deg": a.lon_deg, "radius_km": a.radius_m / 1e3}
                       for a in br.assets],
            "radar": {"key": radar.key, "mode": radar.mode, "boresight_az_deg": math.degrees(radar.face_az_rad[0])},
            "tracking": {"tracks_confirmed": self.summary.tracks_confirmed,
                         "false_tracks": self.summary.false_tracks,
                         "redundant_tracks": self.summary.redundant_tracks},
            "assumptions": self.assumptions(per),
        }

    def assumptions(self, per: list[dict]) -> list[str]:
        from thaadsim.defense.firecontrol import DEFAULT_ASSET_RADIUS_M, DEFAULT_COMMIT_DELAY_S

        br = self.battery_run
        b, spec = br.battery, br.spec
        p_kill = b.interceptor.sspk if spec.sspk is None else spec.sspk
        in_asset = any(p["impact_in_asset"] is not None for p in per)
        return [
            f"defended assets: {', '.join(f'{a.name} (radius {a.radius_m / 1e3:g} km)' for a in br.assets)}"
            + (" (ASSUMED radius)" if all(a.radius_m == DEFAULT_ASSET_RADIUS_M for a in br.assets) else ""),
            f"fire control decides once per track, at its first update >= {spec.commit_delay_s:g} s after "
            "confirmation" + (" (ASSUMED)" if spec.commit_delay_s == DEFAULT_COMMIT_DELAY_S else "")
            + "; the plan is not revised on later updates",
            "threat: predicted impact (track at the decision, unscented transform) inside an asset's radius; "
            "priority by predicted time of impact",
            "predicted trajectory: the track state propagated with the tracker's ballistic model (J2, rotating "
            "Earth, drag with the estimated ballistic coefficient) every 1 s; intercept points and launch times "
            "from the fly-out envelope on it",
            (f"kill: stated single-shot kill probability {p_kill:g}"
             + (" (catalog)" if spec.sspk is None else " (given)")
             + ", independent per shot, not conditioned on the prediction error (pip_error_m is reported)")
            if spec.kill_model == "sspk" else
            (f"kill: proportional-navigation endgame, miss < lethal radius {b.interceptor.lethal_radius_m:g} m; "
             "handover error drawn with a 1-sigma position error per axis = the shot's pip_error_m (ASSUMED: "
             "stands in for the track covariance propagated to the intercept, which is not carried), velocity "
             f"sigma {b.interceptor.handover_sigma_vel_m_s:g} m/s (catalog); ideal seeker; shots at false tracks "
             "use the catalog handover sigmas and kill nothing"),
            f"doctrine {spec.doctrine}; kill assessment {b.kill_assessment_s:g} s; inventory {b.inventory} on "
            f"{b.launchers} launcher(s); "
            + (f"reload {b.reload_s:g} s: an emptied launcher is full again {b.reload_s:g} s after its last round "
               "(reloads unlimited)" if b.reload_s > 0 else "no reload (reload_s = 0): the inventory is final"),
            "a shot kills the missile its track follows (the track's majority truth id), the earliest killing shot "
            "by intercept time; a later shot at a destroyed missile finds no target; shots at false tracks kill "
            "nothing",
            "leaker: a missile not killed whose true impact lies in a defended asset, or that fire control judged "
            f"a threat; the true impact {'lies' if in_asset else 'does not lie'} in a defended asset",
        ] + [f"tracking: {n}" for n in _chain_notes(self.truth, br.radar, self.run.scenario.output.false_alarms)] \
            + list(b.assumptions)


def track_salvo(missile: str, from_: str, to: str, *, seed: int = 1, progress=None, **options) -> TrackRun:
    """``thaadsim track`` in Python: :func:`track_scenario` (``options``) through the runner."""
    scenario = track_scenario(missile, from_, to, seed=seed, **options)
    run = run_salvo(scenario, seed, progress, scored=False)
    if progress:
        progress("impact and launch points, classes")
    return TrackRun(run)


def engage_salvo(missile: str, from_: str, to: str, *, seed: int = 1, progress=None, **options) -> EngageRun:
    """``thaadsim engage`` in Python: :func:`engage_scenario` (``options``) through the runner."""
    scenario = engage_scenario(missile, from_, to, seed=seed, **options)
    return EngageRun(run_salvo(scenario, seed, progress))


__all__ = ["EngageRun", "SalvoRun", "TrackRun", "engage_salvo", "engage_scenario", "run_salvo", "track_salvo",
           "track_scenario"]
