"""KML 2.2 of a scenario run, for Google Earth and GIS tools.

One Document with shared Styles and five Folders: Threats and Interceptors (a 3-D
LineString per flight, altitudes absolute, with a TimeSpan so the time slider plays
them), Radars (site and coverage), Batteries (site, defended-asset circles, defended
footprints) and Intercepts (a point with a TimeStamp).  Written with the standard
library's ElementTree, pretty-printed UTF-8 with an XML declaration.

Coordinates keep 6 decimals of a degree (~0.1 m) and 1 decimal of a metre; long flights
are thinned evenly to at most :data:`MAX_PATH_POINTS` points, first and last kept.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np

from thaadsim.earth import frames
from thaadsim.outputs.palette import kml_colour
from thaadsim.outputs.tables import utc_iso
from thaadsim.scenario.result import BatteryView, ObjectPath, RadarView, ScenarioResult, ShotRecord

KML_NS = "http://www.opengis.net/kml/2.2"
MAX_PATH_POINTS = 2000
"""Most points of one flight's LineString; Google Earth slows down on far longer lines."""

_ICON = "http://maps.google.com/mapfiles/kml/shapes/placemark_circle.png"

# KML colours are aabbggrr hex, from the report's palette (thaadsim.outputs.palette).
STYLES = {
    "threat_intercepted": {"line": (kml_colour("intercepted"), 3)},
    "threat_impact": {"line": (kml_colour("leaked"), 3)},
    "interceptor": {"line": (kml_colour("interceptor"), 2)},
    "radar": {"icon": (kml_colour("radar"), 1.2)},
    "coverage": {"line": (kml_colour("coverage_outline"), 2), "poly": kml_colour("coverage")},
    "battery": {"icon": (kml_colour("battery"), 1.2)},
    "asset": {"line": (kml_colour("asset"), 2)},
    "footprint": {"line": (kml_colour("footprint_outline"), 1), "poly": kml_colour("footprint")},
    "footprint_twice": {"line": (kml_colour("footprint_outline"), 1), "poly": kml_colour("footprint_twice")},
    "kill": {"icon": (kml_colour("kill"), 1.4)},
    "miss": {"icon": (kml_colour("miss"), 1.4)},
}


def _tag(name: str) -> str:
    return f"{{{KML_NS}}}{name}"


def _sub(parent: ET.Element, name: str, text: str | None = None) -> ET.Element:
    element = ET.SubElement(parent, _tag(name))
    if text is not None:
        element.text = text
    return element


def _lon(lon_deg: float) -> float:
    """Longitude in [-180, 180): some rings are built past the antimeridian."""
    return (float(lon_deg) + 180.0) % 360.0 - 180.0


def _coordinates(lat_deg, lon_deg, alt_m) -> str:
    lat = np.atleast_1d(np.asarray(lat_deg, dtype=np.float64))
    lon = np.atleast_1d(np.asarray(lon_deg, dtype=np.float64))
    alt = np.broadcast_to(np.asarray(alt_m, dtype=np.float64), lat.shape)
    return " ".join(f"{_lon(x):.6f},{y:.6f},{z:.1f}" for x, y, z in zip(lon, lat, alt, strict=True))


def thin_indices(n: int, max_points: int = MAX_PATH_POINTS) -> np.ndarray:
    """Indices of at most ``max_points`` of ``n`` samples, evenly spread, first and last kept."""
    if n <= max_points:
        return np.arange(n)
    return np.unique(np.round(np.linspace(0, n - 1, max_points)).astype(np.int64))


def _number(value, fmt: str) -> str:
    value = float(value) if value is not None else math.nan
    return format(value, fmt) if math.isfinite(value) else "-"


def _description(rows: list[tuple[str, str]]) -> str:
    return "\n".join(f"{k}: {v}" for k, v in rows)


def _placemark(folder: ET.Element, name: str, style: str, description: str, *, begin: str | None = None,
               end: str | None = None, when: str | None = None) -> ET.Element:
    """A Placemark with its children in the schema's order (time before styleUrl); geometry comes next."""
    placemark = _sub(folder, "Placemark")
    _sub(placemark, "name", name)
    _sub(placemark, "description", description)
    if begin is not None:
        span = _sub(placemark, "TimeSpan")
        _sub(span, "begin", begin)
        _sub(span, "end", end)
    if when is not None:
        _sub(_sub(placemark, "TimeStamp"), "when", when)
    _sub(placemark, "styleUrl", f"#{style}")
    return placemark


def _point(placemark: ET.Element, lat_deg, lon_deg, alt_m, altitude_mode: str) -> None:
    point = _sub(placemark, "Point")
    _sub(point, "altitudeMode", altitude_mode)
    _sub(point, "coordinates", _coordinates(lat_deg, lon_deg, alt_m))


def _ground_polygon(placemark: ET.Element, ring: np.ndarray) -> None:
    """A Polygon clamped to the ground from an (n, 2) ring of (lat, lon) [deg], closed if open."""
    ring = np.asarray(ring, dtype=np.float64)
    if not np.array_equal(ring[0], ring[-1]):
        ring = np.vstack([ring, ring[:1]])
    polygon = _sub(placemark, "Polygon")
    _sub(polygon, "tessellate", "1")
    _sub(polygon, "altitudeMode", "clampToGround")
    linear_ring = _sub(_sub(polygon, "outerBoundaryIs"), "LinearRing")
    _sub(linear_ring, "coordinates", _coordinates(ring[:, 0], ring[:, 1], 0.0))


def _styles(document: ET.Element) -> None:
    for style_id, parts in STYLES.items():
        style = _sub(document, "Style")
        style.set("id", style_id)
        if "icon" in parts:
            color, scale = parts["icon"]
            icon_style = _sub(style, "IconStyle")
            _sub(icon_style, "color", color)
            _sub(icon_style, "scale", f"{scale:g}")
            _sub(_sub(icon_style, "Icon"), "href", _ICON)
        if "line" in parts:
            color, width = parts["line"]
            line_style = _sub(style, "LineStyle")
            _sub(line_style, "color", color)
            _sub(line_style, "width", f"{width:g}")
        if "poly" in parts:
            poly_style = _sub(style, "PolyStyle")
            _sub(poly_style, "color", parts["poly"])


def _flight(folder: ET.Element, result: ScenarioResult, obj: ObjectPath) -> None:
    t = np.asarray(obj.times_s, dtype=np.float64)
    if obj.kind == "interceptor":
        style = "interceptor"
    else:
        style = "threat_intercepted" if obj.end == "intercepted" else "threat_impact"
    rows = [("Kind", obj.kind), ("Type", obj.type_key)] + ([("Fired by", obj.by)] if obj.by else [])
    rows += [("Ends", obj.end), ("Samples", str(t.size))]
    if t.size:
        rows += [("Flight time [s]", _number(t[-1] - t[0], ".1f")),
                 ("Apogee [km]", _number(np.max(obj.alt_m) / 1e3, ".1f"))]
    name, description = f"{obj.object_id} {obj.label}", _description(rows)
    if t.size == 0:
        _placemark(folder, name, style, description)
        return
    placemark = _placemark(folder, name, style, description, begin=utc_iso(result.epoch, float(np.min(t))),
                           end=utc_iso(result.epoch, float(np.max(t))))
    keep = thin_indices(t.size)
    line = _sub(placemark, "LineString")
    _sub(line, "altitudeMode", "absolute")
    _sub(line, "coordinates", _coordinates(np.asarray(obj.lat_deg)[keep], np.asarray(obj.lon_deg)[keep],
                                           np.asarray(obj.alt_m)[keep]))


def _radar(folder: ET.Element, radar: RadarView) -> None:
    rows = [("Radar", radar.key), ("Mode", radar.mode),
            ("Boresight azimuth [deg]", _number(radar.boresight_az_deg, ".1f")),
            ("Instrumented range [km]", _number(radar.max_range_km, ".0f")), ("Detections", str(radar.detections)),
            ("Tracks confirmed", str(radar.tracks_confirmed))]
    _point(_placemark(folder, radar.name, "radar", _description(rows)), radar.lat_deg, radar.lon_deg, radar.alt_m,
           "absolute")
    note = (f"Coverage against a {_number(radar.coverage_rcs_m2, 'g')} m² target at "
            f"{_number(radar.coverage_altitude_km, '.1f')} km altitude, drawn on the ground.")
    for ring in (r for r in radar.coverage_rings if len(r) >= 3):
        _ground_polygon(_placemark(folder, f"{radar.name} coverage", "coverage", note), ring)


def _battery(folder: ET.Element, battery: BatteryView) -> None:
    rows = [("Battery", battery.key), ("Radar", battery.radar), ("Inventory", str(battery.inventory)),
            ("Fired", str(battery.fired)), ("Doctrine", battery.doctrine), ("SSPK", _number(battery.sspk, ".2f")),
            ("Footprint area [km²]", _number(battery.footprint_area_km2, ",.0f"))]
    _point(_placemark(folder, battery.name, "battery", _description(rows)), battery.lat_deg, battery.lon_deg,
           battery.alt_m, "absolute")
    for asset in battery.assets:
        lat, lon = frames.geodesic_circle(asset["lat_deg"], asset["lon_deg"], float(asset["radius_km"]) * 1e3)
        placemark = _placemark(folder, str(asset.get("name", "asset")), "asset",
                               _description([("Defended by", battery.name),
                                             ("Radius [km]", _number(asset["radius_km"], ".1f"))]))
        line = _sub(placemark, "LineString")
        _sub(line, "tessellate", "1")
        _sub(line, "altitudeMode", "clampToGround")
        _sub(line, "coordinates", _coordinates(lat, lon, 0.0))
    against = battery.footprint_against or "its reference threat"
    for style, rings in (("footprint", battery.footprint_rings), ("footprint_twice", battery.footprint_twice_rings)):
        for ring in (r for r in rings if len(r) >= 3):
            name = f"{battery.name} {style.replace('_', ' ')}"
            _ground_polygon(_placemark(folder, name, style, f"Area defended against {against}."), ring)


def _intercept(folder: ET.Element, result: ScenarioResult, shot: ShotRecord) -> None:
    if not (math.isfinite(shot.t_intercept_s) and math.isfinite(shot.lat_deg) and math.isfinite(shot.lon_deg)):
        return
    rows = [("Interceptor", shot.interceptor_id), ("Battery", shot.battery),
            ("Threat", shot.threat_id or "false track"),
            ("Altitude [km]", _number(shot.alt_m / 1e3, ".1f")), ("Miss distance [m]", _number(shot.miss_m, ".1f")),
            ("Result", "kill" if shot.kill else "miss")]
    placemark = _placemark(folder, f"{'Kill' if shot.kill else 'Miss'} by {shot.interceptor_id}",
                           "kill" if shot.kill else "miss", _description(rows),
                           when=utc_iso(result.epoch, shot.t_intercept_s))
    _point(placemark, shot.lat_deg, shot.lon_deg, shot.alt_m if math.isfinite(shot.alt_m) else 0.0, "absolute")


def kml_tree(result: ScenarioResult) -> ET.ElementTree:
    """The KML of a run as an ElementTree (module doc)."""
    ET.register_namespace("", KML_NS)
    root = ET.Element(_tag("kml"))
    document = _sub(root, "Document")
    _sub(document, "name", result.name)
    _sub(document, "open", "1")
    _sub(document, "description", f"{result.description}\nseed {result.seed}, epoch "
                                  f"{utc_iso(result.epoch, 0.0)}")
    _styles(document)
    folders = {}
    for name in ("Threats", "Interceptors", "Radars", "Batteries", "Intercepts"):
        folders[name] = _sub(document, "Folder")
        _sub(folders[name], "name", name)
    for obj in result.objects:
        _flight(folders["Interceptors" if obj.kind == "interceptor" else "Threats"], result, obj)
    for radar in result.radars:
        _radar(folders["Radars"], radar)
    for battery in result.batteries:
        _battery(folders["Batteries"], battery)
    for shot in result.shots:
        _intercept(folders["Intercepts"], result, shot)
    tree = ET.ElementTree(root)
    ET.indent(tree, space="  ")
    return tree


def write_kml(result: ScenarioResult, path) -> Path:
    """Write the run's KML (UTF-8, pretty-printed, with an XML declaration); returns the path."""
    path = Path(path)
    kml_tree(result).write(path, encoding="UTF-8", xml_declaration=True)
    return path


__all__ = ["KML_NS", "MAX_PATH_POINTS", "STYLES", "kml_tree", "thin_indices", "write_kml"]
