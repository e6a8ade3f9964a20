"""CZML of a scenario run, for CesiumJS: flights in time, radars, batteries, intercepts.

Packets are plain dicts with CZML's property names, written in the order czml3 (the
reference Python writer) gives them; a test has czml3 validate the file and write it back
unchanged, so no czml3 (and pydantic model building) is imported by a run.  Moving objects carry
time-tagged ECEF positions ``[t, x, y, z]`` (metres, Earth-fixed frame) as seconds after
the scenario epoch; static things are cartographic (degrees, metres).  Sample times are
rounded to whole microseconds first, and each object's availability is its first..last
sample at exactly those microseconds, so Cesium never asks for a position outside the
samples.  Positions are rounded to millimetres, which keeps files small and costs nothing
a viewer can show.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import math
from pathlib import Path

import numpy as np

from thaadsim.earth import frames
from thaadsim.outputs import palette
from thaadsim.scenario.result import BatteryView, ObjectPath, RadarView, ScenarioResult, ShotRecord

CZML_VERSION = "1.0"
CLOCK_MULTIPLIER = 10.0
"""Simulated seconds per wall second when the document opens: a 10-minute flight plays in a minute."""

COLORS = {
    "threat_intercepted": palette.rgba("intercepted"),
    "threat_impact": palette.rgba("leaked"),
    "interceptor": palette.rgba("interceptor"),
    "radar": palette.rgba("radar"),
    "coverage": palette.rgba("coverage"),
    "coverage_outline": palette.rgba("coverage_outline"),
    "battery": palette.rgba("battery"),
    "asset": palette.rgba("asset"),
    "footprint": palette.rgba("footprint"),
    "footprint_twice": palette.rgba("footprint_twice"),
    "footprint_outline": palette.rgba("footprint_outline"),
    "kill": palette.rgba("kill"),
    "miss": palette.rgba("miss"),
}
"""RGBA 0-255 of each kind of thing drawn: the report's colours (:mod:`thaadsim.outputs.palette`)."""

_ISO_MICRO = "%Y-%m-%dT%H:%M:%S.%fZ"
_ASSET_CIRCLE_POINTS = 73
"""Points of a defended-asset circle (every 5 degrees of azimuth, closed)."""


# --- times --------------------------------------------------------------------------------

def _utc_epoch(result: ScenarioResult) -> dt.datetime:
    epoch = result.epoch if result.epoch.tzinfo else result.epoch.replace(tzinfo=dt.UTC)
    return epoch.astimezone(dt.UTC)


def _micros(t_s) -> np.ndarray:
    """Seconds after the epoch as whole microseconds (int64), the one rounding of times."""
    return np.round(np.asarray(t_s, dtype=np.float64) * 1e6).astype(np.int64)


def _iso(result: ScenarioResult, t_us: int) -> str:
    return (_utc_epoch(result) + dt.timedelta(microseconds=int(t_us))).strftime(_ISO_MICRO)


def scenario_span_s(result: ScenarioResult) -> tuple[float, float]:
    """(start, end) of the run [s after epoch]: from 0 or the first sample or event to the last."""
    times = [0.0]
    for obj in result.objects:
        if np.asarray(obj.times_s).size:
            times += [float(np.min(obj.times_s)), float(np.max(obj.times_s))]
    times += [e.time_s for e in result.events if math.isfinite(e.time_s)]
    times += [s.t_intercept_s for s in result.shots if math.isfinite(s.t_intercept_s)]
    return min(times), max(times)


# --- small builders -----------------------------------------------------------------------

Packet = dict
"""A CZML packet: property name -> value, JSON-ready."""

_BLACK = {"rgba": [0, 0, 0, 255]}


def _interval(start: str, end: str) -> str:
    return f"{start}/{end}"


def _color(key: str) -> dict:
    return {"rgba": [int(c) for c in COLORS[key]]}


def _line_material(key: str) -> dict:
    return {"solidColor": {"color": _color(key)}}


_fill_material = _line_material
"""A polygon's material and a polyline's are written alike (a solid colour)."""


def _point(key: str, pixel_size: float, outline_width: float) -> dict:
    return {"pixelSize": float(pixel_size), "color": _color(key), "outlineColor": dict(_BLACK),
            "outlineWidth": float(outline_width)}


def _positions(values: list[float]) -> dict:
    return {"cartographicDegrees": values}


def _number(value, fmt: str) -> str:
    value = float(value) if value is not None else math.nan
    return format(value, fmt) if math.isfinite(value) else "&mdash;"


def _html_table(title: str, rows: list[tuple[str, str]]) -> str:
    """HTML for a Cesium info box: a heading and a two-column table (values already escaped)."""
    body = "".join(f"<tr><th>{html.escape(k)}</th><td>{v}</td></tr>" for k, v in rows)
    return f"<h3>{html.escape(title)}</h3><table>{body}</table>"


def _degrees(lat_deg, lon_deg, alt_m) -> list[float]:
    """Flat [lon, lat, h, ...] (CZML order) rounded to ~1 cm horizontally and 0.1 m vertically."""
    lat = np.atleast_1d(np.asarray(lat_deg, dtype=np.float64))
    lon = np.atleast_1d(np.asarray(lon_deg, dtype=np.float64))
    alt = np.broadcast_to(np.asarray(alt_m, dtype=np.float64), lat.shape)
    triples = np.column_stack([np.round(lon, 7), np.round(lat, 7), np.round(alt, 1)])
    return [float(v) for v in triples.ravel()]


def _label(text: str, key: str, offset: tuple[float, float] = (12.0, -12.0), origin: str = "LEFT") -> dict:
    """A label beside its point; ``offset`` [px] and ``origin`` keep labels at one place apart
    (a radar and its battery on one site, the missiles of one salvo at their launch point)."""
    return {"text": text, "font": "12pt sans-serif", "style": "FILL_AND_OUTLINE", "fillColor": _color(key),
            "outlineColor": dict(_BLACK), "outlineWidth": 2.0,
            "pixelOffset": {"cartesian2": [float(v) for v in offset]}, "horizontalOrigin": origin}


# --- packets ------------------------------------------------------------------------------

def _object_color(obj: ObjectPath) -> str:
    if obj.kind == "interceptor":
        return "interceptor"
    return "threat_intercepted" if obj.end == "intercepted" else "threat_impact"


def _increasing_samples(obj: ObjectPath) -> tuple[np.ndarray, np.ndarray]:
    """(times in microseconds, ECEF rows) with repeated times dropped.

    CZML needs strictly increasing sample times; a runner may repeat a time where a
    phase ends and the next begins, and the first of the pair is kept.
    """
    t_us = _micros(obj.times_s)
    ecef = np.asarray(obj.ecef_m, dtype=np.float64).reshape(-1, 3)
    keep = np.ones(t_us.size, dtype=bool)
    last = None
    for k, t in enumerate(t_us):
        if last is not None and t <= last:
            keep[k] = False
        else:
            last = t
    return t_us[keep], ecef[keep]


def _object_description(result: ScenarioResult, obj: ObjectPath) -> str:
    outcome = next((p for p in result.per_threat if p.get("object_id") == obj.object_id), {})
    t = np.asarray(obj.times_s, dtype=np.float64)
    speed = np.linalg.norm(np.asarray(obj.velocity_m_s, dtype=np.float64).reshape(-1, 3), axis=1)
    rows = [("Kind", html.escape(obj.kind)), ("Type", html.escape(obj.type_key))]
    if obj.by:
        rows.append(("Fired by", html.escape(obj.by)))
    rows += [
        ("Start (UTC)", _iso(result, int(_micros(t[0]))) if t.size else "&mdash;"),
        ("Flight time [s]", _number(t[-1] - t[0] if t.size else math.nan, ".1f")),
        ("Apogee [km]", _number(np.max(obj.alt_m) / 1e3 if t.size else math.nan, ".1f")),
        ("Max speed [km/s]", _number(np.max(speed) / 1e3 if t.size else math.nan, ".2f")),
        ("Ends", html.escape(obj.end)),
    ]
    if outcome:
        rows.append(("Outcome", html.escape(str(outcome.get("outcome", "")))))
        if outcome.get("reason"):
            rows.append(("Why", html.escape(str(outcome["reason"]))))
    rows.append(("Samples", str(t.size)))
    return _html_table(f"{obj.object_id}: {obj.label}", rows)


def _object_packet(result: ScenarioResult, obj: ObjectPath) -> Packet | None:
    t_us, ecef = _increasing_samples(obj)
    if t_us.size == 0:
        return None
    samples = np.column_stack([t_us / 1e6, np.round(ecef, 3)])
    color = _object_color(obj)
    duration_s = float(t_us[-1] - t_us[0]) / 1e6
    return {
        "id": obj.object_id,
        "name": f"{obj.object_id} {obj.label}",
        "description": _object_description(result, obj),
        "availability": _interval(_iso(result, t_us[0]), _iso(result, t_us[-1])),
        "position": {
            "epoch": _utc_epoch(result).strftime(_ISO_MICRO),
            # Linear between samples: never overshoots at burnout or at the ground.
            "interpolationAlgorithm": "LAGRANGE",
            "interpolationDegree": 1,
            "referenceFrame": "FIXED",
            "cartesian": [float(v) for v in samples.ravel()],
        },
        "label": _object_label(result, obj, color),
        # The trail keeps the whole flight so far; resolution bounds the path's chords [s].
        "path": {"leadTime": 0.0, "trailTime": duration_s + 1.0, "width": 2.0, "resolution": 5.0,
                 "material": _line_material(color)},
        "point": _point(color, 8.0, 1.0),
    }


def _object_label(result: ScenarioResult, obj: ObjectPath, color: str) -> dict:
    """Missiles that leave one launch point together would print their names on top of each
    other there: each k-th object of its kind steps its label 16 px down."""
    same = [o.object_id for o in result.objects if o.kind == obj.kind]
    k = same.index(obj.object_id) if obj.object_id in same else 0
    return _label(obj.object_id, color, (12.0, -12.0 + 16.0 * (k % 8)))


def _radar_packets(radar: RadarView) -> list[Packet]:
    radar_id = f"radar/{radar.name}"
    coverage_alt_m = radar.coverage_altitude_km * 1e3 if math.isfinite(radar.coverage_altitude_km) else 0.0
    rows = [
        ("Radar", html.escape(radar.key)), ("Mode", html.escape(radar.mode)),
        ("Boresight azimuth [deg]", _number(radar.boresight_az_deg, ".1f")),
        ("Instrumented range [km]", _number(radar.max_range_km, ".0f")),
        ("Coverage drawn at altitude [km]", _number(radar.coverage_altitude_km, ".1f")),
        ("Coverage for RCS [m²]", _number(radar.coverage_rcs_m2, "g")),
        ("Detections", str(radar.detections)), ("False alarms", str(radar.false_alarms)),
        ("Tracks confirmed", str(radar.tracks_confirmed)), ("False tracks", str(radar.false_tracks)),
    ]
    packets = [{
        "id": radar_id, "name": radar.name, "description": _html_table(radar.name, rows),
        "position": _positions(_degrees(radar.lat_deg, radar.lon_deg, radar.alt_m)),
        "label": _label(radar.name, "radar", (-12.0, 14.0), "RIGHT"),  # left of and below a battery on its site
        "point": _point("radar", 10.0, 2.0),
    }]
    note = (f"<p>Coverage of {html.escape(radar.name)} against a {_number(radar.coverage_rcs_m2, 'g')} m² "
            f"target, drawn at its altitude of {_number(radar.coverage_altitude_km, '.1f')} km.</p>")
    for k, ring in enumerate(r for r in radar.coverage_rings if len(r) >= 3):
        ring = np.asarray(ring, dtype=np.float64)
        packets.append({
            "id": f"{radar_id}/coverage/{k}", "name": f"{radar.name} coverage", "parent": radar_id,
            "description": note,
            "polygon": {"positions": _positions(_degrees(ring[:, 0], ring[:, 1], 0.0)),
                        "material": _fill_material("coverage"), "outlineColor": _color("coverage_outline"),
                        "outline": True, "height": float(coverage_alt_m)},
        })
    return packets


def _battery_packets(battery: BatteryView) -> list[Packet]:
    battery_id = f"battery/{battery.name}"
    rows = [
        ("Battery", html.escape(battery.key)), ("Radar", html.escape(battery.radar)),
        ("Inventory", str(battery.inventory)), ("Fired", str(battery.fired)),
        ("Doctrine", html.escape(battery.doctrine)), ("Kill model", html.escape(battery.kill_model)),
        ("SSPK", _number(battery.sspk, ".2f")),
        ("Footprint area [km²]", _number(battery.footprint_area_km2, ",.0f")),
        ("Footprint against", html.escape(battery.footprint_against) or "&mdash;"),
    ]
    packets = [{
        "id": battery_id, "name": battery.name, "description": _html_table(battery.name, rows),
        "position": _positions(_degrees(battery.lat_deg, battery.lon_deg, battery.alt_m)),
        "label": _label(battery.name, "battery"),
        "point": _point("battery", 10.0, 2.0),
    }]
    for k, asset in enumerate(battery.assets):
        lat, lon = frames.geodesic_circle(asset["lat_deg"], asset["lon_deg"], float(asset["radius_km"]) * 1e3,
                                          _ASSET_CIRCLE_POINTS)
        packets.append({
            "id": f"{battery_id}/asset/{k}", "name": str(asset.get("name", f"asset {k}")), "parent": battery_id,
            "description": _html_table(str(asset.get("name", f"asset {k}")),
                                       [("Defended by", html.escape(battery.name)),
                                        ("Radius [km]", _number(asset["radius_km"], ".1f"))]),
            # the circle's name at its centre, so a reader knows which city it is
            "position": _positions(_degrees(asset["lat_deg"], asset["lon_deg"], 0.0)),
            "label": _label(str(asset.get("name", f"asset {k}")), "asset", (0.0, 0.0), "CENTER"),
            "polyline": {"positions": _positions(_degrees(lat, lon, 0.0)), "width": 2.0,
                         "material": _line_material("asset"), "clampToGround": True},
        })
    footprint_note = (f"<p>Area {html.escape(battery.name)} defends against "
                      f"{html.escape(battery.footprint_against) or 'its reference threat'}.</p>")
    for kind, rings, color in (("footprint", battery.footprint_rings, "footprint"),
                               ("footprint_twice", battery.footprint_twice_rings, "footprint_twice")):
        for k, ring in enumerate(r for r in rings if len(r) >= 3):
            ring = np.asarray(ring, dtype=np.float64)
            packets.append({
                "id": f"{battery_id}/{kind}/{k}", "name": f"{battery.name} {kind.replace('_', ' ')}",
                "parent": battery_id, "description": footprint_note,
                # No height: Cesium drapes the polygon on the ground (terrain if loaded).
                "polygon": {"positions": _positions(_degrees(ring[:, 0], ring[:, 1], 0.0)),
                            "material": _fill_material(color)},
            })
    return packets


def _shot_packet(result: ScenarioResult, shot: ShotRecord, end_us: int) -> Packet | None:
    if not (math.isfinite(shot.t_intercept_s) and math.isfinite(shot.lat_deg) and math.isfinite(shot.lon_deg)):
        return None
    start_us = int(_micros(shot.t_intercept_s))
    color = "kill" if shot.kill else "miss"
    rows = [
        ("Interceptor", html.escape(shot.interceptor_id)), ("Battery", html.escape(shot.battery)),
        ("Threat", html.escape(shot.threat_id or "false track")), ("Track", str(shot.track_id)),
        ("Shot number", str(shot.number)), ("Time (UTC)", _iso(result, start_us)),
        ("Altitude [km]", _number(shot.alt_m / 1e3, ".1f")),
        ("PIP error [m]", _number(shot.pip_error_m, ".0f")), ("Miss distance [m]", _number(shot.miss_m, ".1f")),
        ("Result", "kill" if shot.kill else "miss"),
    ]
    if shot.note:
        rows.append(("Note", html.escape(shot.note)))
    return {
        "id": f"intercept/{shot.interceptor_id}",
        "name": f"{'Kill' if shot.kill else 'Miss'} by {shot.interceptor_id}",
        "description": _html_table(f"Intercept by {shot.interceptor_id}", rows),
        "availability": _interval(_iso(result, start_us), _iso(result, max(start_us, end_us))),
        "position": _positions(_degrees(shot.lat_deg, shot.lon_deg, shot.alt_m if math.isfinite(shot.alt_m) else 0.0)),
        "label": _label("kill" if shot.kill else "miss", color),
        "point": _point(color, 12.0, 2.0),
    }


def _document_packet(result: ScenarioResult, start_us: int, end_us: int) -> Packet:
    rows = [("Seed", str(result.seed)), ("Epoch (UTC)", _iso(result, 0))]
    rows += [(str(k).replace("_", " ").capitalize(), html.escape(str(v))) for k, v in result.totals.items()]
    description = f"<p>{html.escape(result.description)}</p>" + _html_table(result.name, rows)
    return {
        "id": "document", "name": result.name, "description": description, "version": CZML_VERSION,
        "clock": {"currentTime": _iso(result, start_us), "multiplier": float(CLOCK_MULTIPLIER), "range": "CLAMPED",
                  "step": "SYSTEM_CLOCK_MULTIPLIER",
                  "interval": _interval(_iso(result, start_us), _iso(result, end_us))},
    }


def czml_packets(result: ScenarioResult) -> list[Packet]:
    """The CZML packets of a run, the document packet first."""
    start_s, end_s = scenario_span_s(result)
    start_us, end_us = int(_micros(start_s)), int(_micros(end_s))
    packets = [_document_packet(result, start_us, end_us)]
    packets += [p for p in (_object_packet(result, o) for o in result.objects) if p is not None]
    for radar in result.radars:
        packets += _radar_packets(radar)
    for battery in result.batteries:
        packets += _battery_packets(battery)
    packets += [p for p in (_shot_packet(result, s, end_us) for s in result.shots) if p is not None]
    return packets


def czml_document(result: ScenarioResult) -> list[dict]:
    """The CZML of a run as JSON-ready packets (a list of dicts), the document packet first."""
    return czml_packets(result)


def write_czml(result: ScenarioResult, path) -> Path:
    """Write the run's CZML (compact UTF-8 JSON); returns the path."""
    path = Path(path)
    # allow_nan=False: a NaN would make JSON that Cesium refuses, so fail here instead.
    text = json.dumps(czml_document(result), separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    path.write_text(text, encoding="utf-8")
    return path


__all__ = ["COLORS", "CZML_VERSION", "czml_document", "czml_packets", "scenario_span_s",
           "write_czml"]
