"""Scoring a simulated scenario against truth, and the story of it: outcomes, events, paths.

Kill accounting (named choices):

- a shot is aimed at a *track*; it can only kill the missile that track follows (its
  majority truth id).  Shots at false tracks kill nothing;
- a missile is intercepted by the earliest killing shot (by intercept time) at any track
  that follows it, from any battery.  A later shot at it - another battery's, or a second
  track's - finds no target: it is reported as such and kills nothing;
- every missile not intercepted reaches the ground: it *leaks*.  Whether its impact lies in
  a defended asset is reported beside it (``impact_in_asset``), with each battery's
  account of why it did not stop it (never tracked, not a threat, not engageable, missed,
  inventory exhausted).

So ``intercepted + leaked = threats`` always, and ``threats`` counts every missile flown.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from thaadsim.earth import frames
from thaadsim.scenario.result import (
    BatteryView,
    Event,
    ObjectPath,
    RadarView,
    ScenarioResult,
    ShotRecord,
)

FOOTPRINT_AZIMUTHS = 16
"""Azimuths of the defended-footprint grid drawn in a run's report (a drawing: coarser than the
``footprint`` command's 24, to keep a run quick)."""
FOOTPRINT_REFINE = 2
"""Bisection refinements of the footprint's edge per azimuth (the ``footprint`` command: 4)."""


def _geodetic(r: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r = np.asarray(r, dtype=float).reshape(-1, 3)
    lat, lon, alt = frames.ecef_to_geodetic(r)
    return np.asarray(lat, float).reshape(-1), np.asarray(lon, float).reshape(-1), np.asarray(alt, float).reshape(-1)


def _geodetic_each(parts: list) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """:func:`_geodetic` of each of several point sets (..., 3), in one conversion: it works
    point by point, and one call costs far more than a point."""
    flat = [np.asarray(p, dtype=float).reshape(-1, 3) for p in parts]
    if not flat:
        return []
    lat, lon, alt = _geodetic(np.concatenate(flat))
    cuts = np.cumsum([len(f) for f in flat])[:-1]
    return list(zip(np.split(lat, cuts), np.split(lon, cuts), np.split(alt, cuts), strict=True))


def _points(rs: list) -> list[tuple[float, float, float]]:
    """(lat, lon, alt) of each ECEF point in ``rs``, as floats."""
    return [(float(a[0]), float(b[0]), float(c[0])) for a, b, c in _geodetic_each(rs)]


def _grid(duration_s: float, dt_s: float) -> np.ndarray:
    """0, dt, 2 dt, ... below ``duration_s``, then ``duration_s`` itself."""
    n = int(math.floor(duration_s / dt_s - 1e-9)) + 1
    return np.append(dt_s * np.arange(max(n, 0)), duration_s)


# --------------------------------------------------------------------------- shots


def _collect_shots(truth, battery_runs):
    """Every shot with its battery and target, kills resolved across batteries (module doc)."""
    raw = []
    for b_order, br in enumerate(battery_runs):
        for tid, eng in br.fire.engagements.items():
            k = int(br.radar.track_truth.get(tid, -1))
            for s in eng.shots:
                raw.append((s.intercept.t_launch_s, b_order, tid, s.number, br, k, s))
    raw.sort(key=lambda x: x[:4])
    kill_time = {}
    for _, _, _, _, _, k, s in sorted(raw, key=lambda x: (x[6].intercept.t_intercept_s, x[1], x[2], x[3])):
        if k >= 0 and s.kill and k not in kill_time:
            kill_time[k] = (s.intercept.t_intercept_s, id(s))
    shots = []
    pips = _points([s.intercept.pip_ecef_m for *_, s in raw])
    for n, ((_, _, tid, number, br, k, s), (lat, lon, alt)) in enumerate(zip(raw, pips, strict=True), start=1):
        w = s.intercept
        err, note, kill = math.nan, "", False
        if k < 0:
            note = "shot at a false track: nothing to kill"
        else:
            err = float(np.linalg.norm(w.pip_ecef_m - truth.position_at(k, w.t_intercept_s)))
            first = kill_time.get(k)
            if first is not None and first[1] == id(s):
                kill = True
            elif first is not None and w.t_intercept_s >= first[0]:
                note = f"no target: {truth.object_ids[k]} already destroyed at {first[0]:.1f} s"
            elif not s.kill:
                note = "missed"
        shots.append((ShotRecord(f"I{n}", br.name, truth.object_ids[k] if k >= 0 else None, int(tid), int(number),
                                 float(w.t_launch_s), float(w.t_intercept_s), lat, lon, alt, kill, err,
                                 float(s.miss_m), note), br, w, k))
    return shots, {k: v[0] for k, v in kill_time.items()}


def _interceptor_paths(shots, dt_s: float) -> list[ObjectPath]:
    from thaadsim.defense.interceptor import fly_out
    from thaadsim.tracking.scenario_track import hermite_states

    # every shot of a battery flown in one batch (the engine flies each row on its own)
    batches, row = {}, []
    for _rec, br, w, _ in shots:
        row.append(len(batches.setdefault(id(br), (br, []))[1]))
        batches[id(br)][1].append(w)
    flights = {}
    for key, (br, ws) in batches.items():
        b = br.battery
        flights[key] = fly_out(b.interceptor, np.full(len(ws), b.lat_deg), b.lon_deg, b.alt_m,
                               np.array([w.azimuth_deg for w in ws]), np.array([w.kick_deg for w in ws]),
                               sample_dt_s=dt_s)
    flown = []
    for (rec, br, w, _), i in zip(shots, row, strict=True):
        fb = flights[id(br)]
        samples = fb.samples[i]
        tau = _grid(w.flyout_s, dt_s)
        end = fb.impact[i]
        if not np.isfinite(end[0]):  # still flying at the end of its time budget: end at the last sample
            k = int(np.flatnonzero(np.isfinite(samples[:, 0])).max())
            end = np.concatenate([[k * dt_s], samples[k, :6], [np.nan]])
        x = hermite_states(samples, dt_s, end, tau)
        x[-1, :3] = w.pip_ecef_m  # the path ends at the predicted intercept point it was fired at
        good = np.isfinite(x[:, 0])
        flown.append((rec, br, x[good], tau[good]))
    return [ObjectPath(rec.interceptor_id, "interceptor", f"{br.battery.interceptor.name} from {br.name}",
                       br.battery.interceptor.name, rec.t_launch_s + tau, x[:, :3], x[:, 3:], lat, lon, alt,
                       "intercept", None, br.name)
            for (rec, br, x, tau), (lat, lon, alt) in zip(flown, _geodetic_each([f[2][:, :3] for f in flown]),
                                                          strict=True)]


def _threat_paths(truth, kill_time: dict, dt_s: float) -> list[ObjectPath]:
    from thaadsim.tracking.scenario_track import hermite_states

    flown = []
    for k in range(len(truth.object_ids)):
        g = truth.groups[int(truth.group[k])]
        t0 = float(truth.launch_times_s[k])
        end = kill_time.get(k, t0 + g.flight_time_s) - t0
        tau = _grid(end, dt_s)
        x = hermite_states(g.flight.samples[0], truth.look_dt_s, g.flight.impact[0], tau)
        good = np.isfinite(x[:, 0])
        flown.append((g, t0, x[good], tau[good]))
    return [ObjectPath(oid, "threat", g.label, g.missile, t0 + tau, x[:, :3], x[:, 3:], lat, lon, alt,
                       "intercepted" if k in kill_time else "impact", g.index, None)
            for k, (oid, (g, t0, x, tau), (lat, lon, alt)) in enumerate(
                zip(truth.object_ids, flown, _geodetic_each([f[2][:, :3] for f in flown]), strict=True))]


# --------------------------------------------------------------------------- events


def group_figures(truth) -> tuple[tuple[float, float, float, float], ...]:
    """Per threat group: its flight's impact latitude and longitude [deg], range and apogee
    [m] (the flight converts its states anew each time one is asked for: once per group; a
    prepared scenario keeps them for its replicas, ``runner.PreparedScenario.figures``)."""
    out = []
    for g in truth.groups:
        lat, lon = g.flight.impact_lat_lon_deg
        out.append((float(lat[0]), float(lon[0]), float(g.flight.range_m[0]), float(g.flight.apogee_alt_m[0])))
    return tuple(out)


def _impact_assets(truth, figures, assets) -> list[str | None]:
    """Per missile, the defended assets its impact point lies in (names joined, each once;
    None: none), every missile against every asset in one geodesic call."""
    if not assets or not truth.count:
        return [None] * truth.count
    ll = np.array([figures[int(truth.group[k])][:2] for k in range(truth.count)])
    dist = frames.geodesic_inverse(ll[:, :1], ll[:, 1:], np.array([[a.lat_deg for a in assets]]),
                                   np.array([[a.lon_deg for a in assets]]))[2]
    inside = dist <= np.array([a.radius_m for a in assets])
    return [", ".join(dict.fromkeys(a.name for a, yes in zip(assets, row, strict=True) if yes)) or None
            for row in inside]


def _detection_span(detections, n: int) -> tuple[np.ndarray, np.ndarray]:
    """(n,) times of each missile's first and last detection [s] (NaN: never detected)."""
    first, last = np.full(n, np.inf), np.full(n, -np.inf)
    hit = detections.truth_id >= 0
    np.minimum.at(first, detections.truth_id[hit], detections.time_s[hit])
    np.maximum.at(last, detections.truth_id[hit], detections.time_s[hit])
    first[np.isinf(first)] = np.nan
    last[np.isinf(last)] = np.nan
    return first, last


class _RadarFacts:
    """What scoring asks of one radar's run more than once, computed once: its confirmed
    tracks and each missile's first and last detection."""

    def __init__(self, rr, n: int):
        self.confirmed = rr.confirmed
        self.first_detection_s, self.last_detection_s = _detection_span(rr.detections, n)


def _events(truth, radar_runs, shots, kill_time, inside, facts, figures) -> list[Event]:
    ev: list = []
    placed: list[tuple[int, tuple, np.ndarray]] = []  # events at ECEF points, converted together at the end

    def at(r, t: float, kind: str, oid: str, by: str, detail: str) -> None:
        placed.append((len(ev), (t, kind, oid, by, detail), r))
        ev.append(None)

    for k, oid in enumerate(truth.object_ids):
        g = truth.groups[int(truth.group[k])]
        t0 = float(truth.launch_times_s[k])
        ev.append(Event(t0, "launch", oid, "", g.launch.lat_deg, g.launch.lon_deg, g.launch.alt_m,
                        f"{g.missile} toward {g.aim.label}"))
        for s, b in enumerate(g.burnouts):
            if not np.isfinite(b[0]) or t0 + b[0] > kill_time.get(k, math.inf):
                continue
            at(b[1:4], t0 + float(b[0]), "burnout", oid, "",
               f"stage {s + 1} burnout at {np.linalg.norm(b[4:7]) / 1e3:.2f} km/s")
        if k not in kill_time:
            lat, lon = figures[int(truth.group[k])][:2]
            ev.append(Event(t0 + g.flight_time_s, "impact", oid, "", lat, lon, 0.0,
                            f"inside {inside[k]}" if inside[k] else "outside every defended asset"))
    for rr, fact in zip(radar_runs, facts, strict=True):
        d = rr.detections
        for k, oid in enumerate(truth.object_ids):
            t = float(fact.first_detection_s[k])
            if math.isfinite(t):
                at(truth.states[k, int(round(t / truth.look_dt_s)), :3], t, "first_detection", oid, rr.name,
                   f"slant range {float(d.range_m[(d.truth_id == k) & (d.time_s == t)][0]) / 1e3:,.0f} km")
        for tr in fact.confirmed:
            k = int(rr.track_truth.get(tr.track_id, -1))
            j = int(np.searchsorted(tr.times_s, tr.confirmed_time_s))
            oid = truth.object_ids[k] if k >= 0 else f"false track {rr.name}/{tr.track_id}"
            at(tr.states[min(j, len(tr.times_s) - 1), :3], float(tr.confirmed_time_s), "track_confirmed", oid,
               rr.name, f"track {tr.track_id}" + ("" if k >= 0 else " (follows no missile)"))
    for (i, (t, kind, oid, by, detail), _), (lat, lon, alt) in zip(placed, _points([p[2] for p in placed]),
                                                                  strict=True):
        ev[i] = Event(t, kind, oid, by, lat, lon, alt, detail)
    for rec, br, _w, _k in shots:
        target = rec.threat_id or f"false track {br.radar.name}/{rec.track_id}"
        b = br.battery
        ev.append(Event(rec.t_launch_s, "interceptor_launch", rec.interceptor_id, br.name, b.lat_deg, b.lon_deg,
                        b.alt_m, f"shot {rec.number} at track {rec.track_id} ({target})"))
        kind = "intercept" if rec.kill else "miss"
        detail = f"kill {target}" if rec.kill else (rec.note or "missed")
        if not rec.kill and math.isfinite(rec.miss_m):
            detail += f" (miss distance {rec.miss_m:.1f} m)"
        ev.append(Event(rec.t_intercept_s, kind, rec.interceptor_id, br.name, rec.lat_deg, rec.lon_deg, rec.alt_m,
                        detail))
    return sorted(ev, key=Event.sort_key)


# --------------------------------------------------------------------------- per threat


def _battery_account(br, k: int, truth) -> str:
    """What one battery made of missile k."""
    tids = [tid for tid, kk in br.radar.track_truth.items() if kk == k]
    decs = [d for d in br.decisions if d.track_id in tids]
    if not tids or not decs:
        return f"never tracked by {br.radar.name}"
    engs = [br.fire.engagements[d.track_id] for d in decs if d.track_id in br.fire.engagements]
    n = sum(len(e.shots) for e in engs)
    if n:
        return f"engaged: {n} shot(s)" + ("" if any(e.killed for e in engs) else
                                         " - " + "; ".join(sorted({e.reason for e in engs if e.reason})))
    threats = [d for d in decs if d.threat]
    if not threats:
        d0 = min(decs, key=lambda d: d.decision_time_s)
        near = next((a.radius_m for a in br.assets if a.name == d0.nearest_asset), math.nan)
        if not math.isfinite(d0.miss_to_asset_m):
            return "not a threat: no predicted impact"
        return (f"not a threat: predicted impact {d0.miss_to_asset_m / 1e3:,.0f} km from {d0.nearest_asset} "
                f"(radius {near / 1e3:g} km)")
    return "; ".join(sorted({e.reason for e in engs if e.reason})) or "not engaged"


def _per_threat(truth, radar_runs, battery_runs, shots, kill_time, inside, facts, figures) -> list[dict]:
    out = []
    for k, oid in enumerate(truth.object_ids):
        g = truth.groups[int(truth.group[k])]
        t0 = float(truth.launch_times_s[k])
        lat, lon, range_m, apogee_m = figures[int(truth.group[k])]
        mine = [(rec, w) for rec, _, w, kk in shots if kk == k]
        kill = next((rec for rec, _ in mine if rec.kill), None)
        first_det, last_det = {}, {}
        confirmed = {}
        for rr, fact in zip(radar_runs, facts, strict=True):
            t, t_last = float(fact.first_detection_s[k]), float(fact.last_detection_s[k])
            first_det[rr.name] = t if math.isfinite(t) else None
            last_det[rr.name] = t_last if math.isfinite(t_last) else None
            ts = [tr.confirmed_time_s for tr in fact.confirmed if rr.track_truth.get(tr.track_id) == k]
            confirmed[rr.name] = float(min(ts)) if ts else None
        accounts = {br.name: _battery_account(br, k, truth) for br in battery_runs}
        if kill is not None:
            outcome, reason = "intercepted", None
        else:
            outcome = "leaked"
            reason = "; ".join(f"{b}: {a}" for b, a in accounts.items()) or "no battery in the scenario"
        out.append({
            "object_id": oid, "group": g.index, "label": g.label, "missile": g.missile,
            "from": g.launch.label, "to": g.aim.label, "profile": g.spec.profile,
            "launch_time_s": t0, "flight_time_s": g.flight_time_s,
            "range_km": range_m / 1e3, "apogee_km": apogee_m / 1e3,
            "impact_time_s": t0 + g.flight_time_s if kill is None else None,
            "impact_lat_deg": lat, "impact_lon_deg": lon, "impact_in_asset": inside[k],
            "outcome": outcome, "reason": reason, "engaged": bool(mine), "shots": len(mine),
            "intercepted_by": kill.battery if kill else None,
            "intercept_time_s": kill.t_intercept_s if kill else None,
            "intercept_altitude_km": kill.alt_m / 1e3 if kill else None,
            "first_detection_s": first_det, "last_detection_s": last_det, "track_confirmed_s": confirmed, "batteries": accounts,
        })
    return out


# --------------------------------------------------------------------------- views


def _radar_view(rr, fact, truth, scenario, views: bool, notes: list[str]) -> RadarView:
    m = rr.model
    rings = []
    alt_km = scenario.output.coverage_altitude_km
    rcs = float(truth.groups[0].spec.rcs_m2)
    if views and scenario.output.coverage:
        from thaadsim.sensors.coverage import coverage

        cov = coverage(m, alt_km * 1e3, rcs, convention=scenario.detection.convention(), n_azimuths=240,
                       n_ranges=160, tolerance_m=200.0)
        rings = [np.asarray(p, float) for p in cov.polygons]
        if not rings:
            notes.append(f"radar {rr.name}: a {rcs:g} m^2 target at {alt_km:g} km is detected nowhere")
    conf = fact.confirmed
    false = sum(1 for tr in conf if rr.track_truth.get(tr.track_id, -1) < 0)
    return RadarView(rr.name, m.key, m.mode, float(m.lat_deg), float(m.lon_deg), float(m.alt_m),
                     math.degrees(float(m.face_az_rad[0])) % 360.0, float(m.max_range_m) / 1e3, rings, alt_km, rcs,
                     int(np.sum(rr.detections.truth_id >= 0)), rr.false_alarms, len(conf), false,
                     scenario.detection.convention().describe())


def _battery_view(br, truth, scenario, views: bool, notes: list[str]) -> BatteryView:
    b = br.battery
    rings, twice, area, against = [], [], math.nan, ""
    if views and scenario.output.footprints:
        from thaadsim.defense.footprint import defended_footprint
        from thaadsim.errors import ThaadsimError

        # against the longest-range threat group that the footprint grid can fly (a short-range
        # missile may not reach every grid point the footprint needs)
        order = sorted(truth.groups, key=lambda g: -float(g.flight.range_m[0]))
        failures = []
        tried = set()
        for g in order:
            against = f"{g.missile} from {g.launch.label}"
            if against in tried:
                continue
            tried.add(against)
            try:
                fp = defended_footprint(b, g.missile, g.launch, n_azimuths=FOOTPRINT_AZIMUTHS,
                                        refine_steps=FOOTPRINT_REFINE)
            except ThaadsimError as error:
                failures.append(f"{against}: {error.message}")
                continue
            rings = [np.asarray(p, float) for p in fp.polygons]
            twice = [np.asarray(p, float) for p in fp.twice_polygons]
            area = float(fp.area_km2)
            notes.append(f"battery {br.name}: defended footprint against {against} on a coarse grid "
                         f"({FOOTPRINT_AZIMUTHS} azimuths, {FOOTPRINT_REFINE} refinements), an approximation of "
                         f"the finer one `thaadsim footprint --missile {g.missile} --from {g.launch.label}` draws "
                         "(24 and 4; measured once, for korea-salvo's Seongju against the Scud-ER from Kusong, the "
                         "coarse area came out 2.0 % smaller)")
            break
        else:
            against = ""
        if not rings and failures:
            notes.append(f"battery {br.name}: no defended footprint drawn - " + "; ".join(failures))
    assets = [{"name": a.name, "lat_deg": a.lat_deg, "lon_deg": a.lon_deg, "radius_km": a.radius_m / 1e3}
              for a in br.assets]
    p_kill = b.interceptor.sspk if br.spec.sspk is None else br.spec.sspk
    return BatteryView(br.name, br.spec.battery, b.lat_deg, b.lon_deg, b.alt_m, br.radar.name, b.inventory,
                       br.fire.fired, br.spec.doctrine, br.spec.kill_model, float(p_kill), assets, rings, twice, area,
                       against)


# --------------------------------------------------------------------------- assembly


@dataclass(frozen=True)
class Score:
    """A run scored, without its story: what a Monte Carlo study keeps of a run
    (:func:`score`).  ``totals`` and ``per_threat`` are those of the run's
    :class:`~thaadsim.scenario.result.ScenarioResult`."""

    totals: dict
    per_threat: list[dict]


@dataclass(frozen=True)
class _Scoring:
    figures: tuple
    inside: list
    facts: list
    shots: list
    kill_time: dict
    per: list
    totals: dict


def _score(truth, radar_runs, battery_runs, figures=None) -> _Scoring:
    """The kill accounting of the module doc, per missile and in total."""
    figures = group_figures(truth) if figures is None else figures
    inside = _impact_assets(truth, figures, [a for br in battery_runs for a in br.assets])
    facts = [_RadarFacts(rr, truth.count) for rr in radar_runs]
    shots, kill_time = _collect_shots(truth, battery_runs)
    per = _per_threat(truth, radar_runs, battery_runs, shots, kill_time, inside, facts, figures)
    # the earliest first detection of any missile by any radar (the story's first_detection events)
    first_det = [float(t) for fact in facts for t in fact.first_detection_s if math.isfinite(t)]
    totals = {
        "threats": truth.count,
        "engaged": sum(p["engaged"] for p in per),
        "intercepted": sum(p["outcome"] == "intercepted" for p in per),
        "leaked": sum(p["outcome"] == "leaked" for p in per),
        "leaked_into_defended_assets": sum(p["outcome"] == "leaked" and p["impact_in_asset"] is not None
                                           for p in per),
        "interceptors_fired": sum(br.fire.fired for br in battery_runs),
        "inventory": sum(br.battery.inventory for br in battery_runs),
        "interceptors_at_false_tracks": sum(1 for rec, *_ in shots if rec.threat_id is None),
        "interceptors_without_target": sum(1 for rec, *_ in shots if rec.note.startswith("no target")),
        "first_detection_s": min(first_det) if first_det else None,
        "first_intercept_s": min(kill_time.values()) if kill_time else None,
        "last_impact_s": max((p["impact_time_s"] for p in per if p["impact_time_s"] is not None), default=None),
    }
    return _Scoring(figures, inside, facts, shots, kill_time, per, totals)


def score(truth, radar_runs, battery_runs, *, figures=None) -> Score:
    """The run's outcomes as :func:`assemble` scores them, without the story it tells (paths
    sampled for drawing, interceptors flown out, events, views, assumptions): a Monte Carlo
    study's unit of work.  ``figures``: :func:`group_figures` of ``truth``, when already made."""
    s = _score(truth, radar_runs, battery_runs, figures)
    return Score(s.totals, s.per)


def assemble(scenario, seed: int, truth, radar_runs, battery_runs, *, views: bool = True,
             progress=None, figures=None) -> ScenarioResult:
    """Score the run and tell its story (module doc); ``figures`` as for :func:`score`."""
    from thaadsim.scenario.assumptions import run_assumptions

    scored = _score(truth, radar_runs, battery_runs, figures)
    figures, inside, facts, shots, kill_time = (scored.figures, scored.inside, scored.facts, scored.shots,
                                                scored.kill_time)
    dt = scenario.output.sample_dt_s
    objects = _threat_paths(truth, kill_time, dt) + _interceptor_paths(shots, dt)
    events = _events(truth, radar_runs, shots, kill_time, inside, facts, figures)
    conv = scenario.detection.convention()
    notes: list[str] = [
        f"{conv.describe()}: the convention of the coverage drawn and of the ranges shown; in the run each look is "
        f"a random draw at Pd(SNR) with P_fa {conv.pfa:g} and each threat's Swerling case "
        f"({', '.join(sorted({str(g.spec.swerling) for g in truth.groups}))}), one look per revisit"]
    if views and progress:
        progress("radar coverage and defended footprints")
    radars = [_radar_view(rr, fact, truth, scenario, views, notes) for rr, fact in zip(radar_runs, facts, strict=True)]
    batteries = [_battery_view(br, truth, scenario, views, notes) for br in battery_runs]
    return ScenarioResult(
        name=scenario.name, description=scenario.description, epoch=scenario.epoch, seed=int(seed),
        objects=objects, events=events, radars=radars, batteries=batteries, shots=[s[0] for s in shots],
        per_threat=scored.per, totals=scored.totals, assumptions=run_assumptions(scenario, truth, radar_runs, battery_runs),
        sources=list(scenario.sources), sweep=None, notes=notes)


__all__ = ["Score", "assemble", "group_figures", "score"]
