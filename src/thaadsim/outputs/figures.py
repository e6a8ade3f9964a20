"""The figures of the HTML report, each returned as PNG bytes ready to embed.

Drawn on bare ``matplotlib.figure.Figure`` objects (Agg canvas, no pyplot state), so
nothing stays open after a figure is written and two reports can be drawn at once.

The map is an azimuthal-equidistant projection centred on the scenario: every point is
projected once and plotted in map coordinates, so a trans-Pacific flight that crosses
the antimeridian draws as one continuous line, and ring orientation (which cartopy
reads as "hole or not") does not matter for the fills.
"""

from __future__ import annotations

import io
import math
import re
import textwrap

import numpy as np

from thaadsim.earth import frames
from thaadsim.outputs import answer, palette
from thaadsim.outputs.labels import Labels
from thaadsim.outputs.maps import NATURAL_EARTH_DIR
from thaadsim.scenario.result import ScenarioResult

DPI = 100

OUTCOME_COLOURS = {c: palette.hex_colour(c) for c in ("intercepted", "leaked", "not engaged", "unknown")}
"""Ground-track and bar colour of a threat by outcome class (see :func:`outcome_class`)."""
SEEN_COLOURS = {c: palette.hex_colour(c) for c in ("seen", "not seen")}
"""Ground-track colour of a threat by whether a radar saw it (a surveillance run)."""

INTERCEPTOR_COLOUR = palette.hex_colour("interceptor")
RADAR_COLOUR = palette.hex_colour("radar")
BATTERY_COLOUR = palette.hex_colour("battery")
FOOTPRINT_COLOUR = palette.hex_colour("footprint")
ASSET_COLOUR = palette.hex_colour("asset")
KILL_COLOUR = palette.hex_colour("kill")
MISS_COLOUR = palette.hex_colour("miss")


# --- what the figures share -----------------------------------------------------------


def outcome_class(result: ScenarioResult) -> dict[str, str]:
    """Threat id -> 'intercepted', 'leaked', 'not engaged' or 'unknown'.

    The runner's per-threat outcome wins; a threat it does not list falls back on how
    its path ends (killed, or reached the ground)."""
    classes: dict[str, str] = {}
    for threat in result.threats():
        classes[threat.object_id] = {"intercepted": "intercepted", "impact": "leaked"}.get(threat.end, "unknown")
    for row in result.per_threat:
        outcome = str(row.get("outcome") or "")
        if outcome == "intercepted":
            classes[row.get("object_id")] = "intercepted"
        elif outcome.startswith("leaked"):
            classes[row.get("object_id")] = "leaked"
        elif outcome.startswith("not engaged"):
            classes[row.get("object_id")] = "not engaged"
    return classes


def interceptor_targets(result: ScenarioResult) -> dict[str, str | None]:
    """Interceptor id -> the threat it was fired at (None for a shot at a false track).

    The shot records say it; an interceptor without one is matched by a threat id named in
    its launch event's detail (e.g. 'at track 3 (T1.1)')."""
    targets: dict[str, str | None] = {s.interceptor_id: s.threat_id for s in result.shots}
    threat_ids = sorted((t.object_id for t in result.threats()), key=len, reverse=True)
    for event in result.events:
        if event.event != "interceptor_launch" or event.object_id in targets:
            continue
        named = [tid for tid in threat_ids if re.search(rf"(?<![\w.]){re.escape(tid)}(?![\w.])", event.detail)]
        targets[event.object_id] = named[0] if named else None
    return targets


def shot_kills(result: ScenarioResult) -> dict[str, bool]:
    """Interceptor id -> kill?, from the shot records, else from the intercept/miss events."""
    kills = {e.object_id: e.event == "intercept" for e in result.events if e.event in ("intercept", "miss")}
    kills.update({s.interceptor_id: bool(s.kill) for s in result.shots})
    return kills


def intercept_points(result: ScenarioResult) -> list[tuple[float, float, float, bool, str]]:
    """(lat_deg, lon_deg, alt_m, kill, interceptor_id) of every intercept attempt with a position."""
    if result.shots:
        points = [(s.lat_deg, s.lon_deg, s.alt_m, bool(s.kill), s.interceptor_id) for s in result.shots]
    else:
        points = [(e.lat_deg, e.lon_deg, e.alt_m, e.event == "intercept", e.object_id)
                  for e in result.events if e.event in ("intercept", "miss")]
    return [p for p in points if math.isfinite(p[0]) and math.isfinite(p[1])]


def _png(fig, tight: bool = True) -> bytes:
    """PNG bytes; ``tight`` crops to the drawn content at the cost of drawing twice."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight" if tight else None)
    return buffer.getvalue()


def _figure(width_in: float, height_in: float):
    try:
        from matplotlib.figure import Figure
    except ImportError as error:  # pragma: no cover - depends on the install
        from thaadsim.errors import InputError

        raise InputError(f"the report needs matplotlib ({error.name} is missing)", field="report",
                         hint="pip install 'thaadsim[maps]'") from None
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = Figure(figsize=(width_in, height_in), dpi=DPI)
    FigureCanvasAgg(fig)  # a renderer, so labels can be measured while they are placed
    return fig


def _proxy(**style):
    from matplotlib.lines import Line2D

    return Line2D([], [], **style)


# --- the map ----------------------------------------------------------------------------


def _map_centre(lat: np.ndarray, lon: np.ndarray) -> tuple[float, float]:
    """(lat, lon) centre: the circular mean of longitude (so 170°E and 170°W centre on 180°)."""
    lon_rad = np.radians(lon)
    lon_c = math.degrees(math.atan2(float(np.mean(np.sin(lon_rad))), float(np.mean(np.cos(lon_rad)))))
    lat_c = 0.5 * (float(lat.min()) + float(lat.max()))
    return lat_c, lon_c


def _map_extent(x: np.ndarray, y: np.ndarray) -> list[float]:
    """[x0, x1, y0, y1] in map metres: the data plus a margin, never a sliver."""
    x0, x1, y0, y1 = float(x.min()), float(x.max()), float(y.min()), float(y.max())
    span = max(x1 - x0, y1 - y0, 200e3)
    margin = 0.08 * span + 50e3
    # a thin east-west or north-south spread would give an unreadable ribbon of a map
    half_x = max(0.5 * (x1 - x0), 0.3 * span) + margin
    half_y = max(0.5 * (y1 - y0), 0.3 * span) + margin
    xc, yc = 0.5 * (x0 + x1), 0.5 * (y0 + y1)
    return [xc - half_x, xc + half_x, yc - half_y, yc + half_y]


class Azimuthal:
    """The map's projection: azimuthal equidistant about (lat_c, lon_c) on the WGS-84 ellipsoid,
    straight through PROJ (pyproj) - the same definitions cartopy's ``AzimuthalEquidistant``
    and ``PlateCarree`` hand to PROJ, so the same numbers, without importing cartopy
    (a test holds the two together)."""

    LONLAT = "+ellps=WGS84 +a=6378137.0 +proj=latlong +pm=0.0 +no_defs"
    """Longitude and latitude as cartopy's ``PlateCarree`` gives them to PROJ."""

    def __init__(self, lat_c: float, lon_c: float):
        from pyproj import Transformer

        self.lat_c, self.lon_c = float(lat_c), float(lon_c)
        self.proj4 = (f"+ellps=WGS84 +proj=aeqd +lon_0={self.lon_c!r} +lat_0={self.lat_c!r} +x_0=0.0 +y_0=0.0 "
                      "+no_defs")
        self._forward = Transformer.from_crs(self.LONLAT, self.proj4, always_xy=True)

    def to_map(self, lon, lat) -> np.ndarray:
        """(N, 2) map metres of longitudes and latitudes [deg]; inf where PROJ cannot place a point."""
        x, y = self._forward.transform(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float), errcheck=False)
        return np.column_stack([np.atleast_1d(x), np.atleast_1d(y)])

    def to_lon_lat(self, x, y) -> np.ndarray:
        """(N, 2) longitude and latitude [deg] of map metres; inf beyond the projection's rim."""
        from pyproj.enums import TransformDirection

        lon, lat = self._forward.transform(np.asarray(x, dtype=float), np.asarray(y, dtype=float),
                                           direction=TransformDirection.INVERSE, errcheck=False)
        return np.column_stack([np.atleast_1d(lon), np.atleast_1d(lat)])

    def cartopy(self):
        """The same projection as a cartopy CRS (only a map round the antipode needs cartopy)."""
        from thaadsim.outputs.maps import _imports

        _, ccrs, _ = _imports()
        return ccrs.AzimuthalEquidistant(central_longitude=self.lon_c, central_latitude=self.lat_c)


def _natural_earth(resolution: str, category: str, name: str, box) -> list:
    """The geometries of one packaged Natural Earth layer inside a lon/lat box, clipped to it.

    pyshp (cartopy's own reader) skips records by their bounding box before decoding them,
    which saves most of a second per 1:50m layer over reading the whole world."""
    import shapefile
    import shapely
    from shapely.geometry import shape

    path = _layer_file(resolution, category, name)
    with shapefile.Reader(str(path)) as reader:
        geometries = [shape(record) for record in reader.iterShapes(bbox=tuple(box.bounds))]
    if not geometries:
        return []
    geometries = np.array(geometries, dtype=object)
    if name == "admin_0_countries":  # borders are drawn as lines: clipping a polygon would add edges
        geometries = shapely.boundary(geometries)
    return [g for g in shapely.intersection(geometries, box) if not g.is_empty]


def _layer_file(resolution: str, category: str, name: str):
    return NATURAL_EARTH_DIR / "shapefiles" / "natural_earth" / category / f"ne_{resolution}_{name}.shp"


BASEMAP_FORMAT = 1
"""Version of the on-disk base-map format; part of the cache key."""


def _clip_box(box: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    """A lon/lat box widened to whole degrees: the layers are clipped to it and kept on disk
    per clip box, so runs whose maps differ by a few kilometres share one entry (the wider
    clip is cut by the axes when drawn)."""
    lon0, lat0, lon1, lat1 = box
    return (max(math.floor(lon0), -180.0), max(math.floor(lat0), -90.0), min(math.ceil(lon1), 180.0),
            min(math.ceil(lat1), 90.0))


def _layer_paths(resolution: str, category: str, name: str, box) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One Natural Earth layer clipped to a lon/lat box, as matplotlib path arrays in lon/lat:
    vertices (N, 2), codes (N,) and each path's first vertex (P + 1,).  Read from the disk
    cache (:mod:`thaadsim.diskcache`, folder ``basemap/``) when there, keyed on the layer's
    file content, the box and the code; else read, clipped, and kept."""
    import hashlib

    from thaadsim.diskcache import cache_root, canonical, entry_key, provenance, read_entry, write_entry

    file = _layer_file(resolution, category, name)
    path = key = None
    root = cache_root()
    if root is not None:
        content = hashlib.sha256(file.read_bytes() + file.with_suffix(".shx").read_bytes()).hexdigest()
        key = entry_key({"format": BASEMAP_FORMAT, **provenance(("thaadsim.outputs.figures",)),
                         "shapely": _package_version("shapely"), "layer": [resolution, category, name],
                         "content": content, "box": canonical(list(box))})
        path = root / "basemap" / f"{key}.npz"
        arrays = read_entry(path, key, BASEMAP_FORMAT)
        if arrays is not None and set(arrays) == {"vertices", "codes", "starts"}:
            return arrays["vertices"], arrays["codes"], arrays["starts"]
    import shapely
    from cartopy.mpl.path import shapely_to_path

    paths = [shapely_to_path(g) for g in _natural_earth(resolution, category, name, shapely.box(*box))]
    sizes = [len(p.vertices) for p in paths]
    starts = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    vertices = np.concatenate([p.vertices for p in paths]) if paths else np.zeros((0, 2))
    codes = (np.concatenate([p.codes if p.codes is not None else np.full(len(p.vertices), 2) for p in paths])
             if paths else np.zeros(0)).astype(np.uint8)
    codes[starts[:-1][np.diff(starts) > 0]] = 1  # a path without codes starts with MOVETO
    if path is not None and key is not None:
        write_entry(path, key, BASEMAP_FORMAT, {"vertices": vertices.astype(np.float64), "codes": codes,
                                                "starts": starts})
    return vertices.astype(np.float64), codes, starts


def _package_version(name: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return "absent"


def _lon_lat_boxes(proj: Azimuthal, extent: list[float]) -> list[tuple[float, float, float, float]]:
    """Lon/lat boxes (lon0, lat0, lon1, lat1), in [-180, 180], that cover the map; two when it
    spans the antimeridian."""
    x0, x1, y0, y1 = extent
    lon_c = proj.lon_c
    edge = np.linspace(0.0, 1.0, 41)
    xs = np.concatenate([x0 + (x1 - x0) * edge, np.full(41, x1), x1 - (x1 - x0) * edge, np.full(41, x0)])
    ys = np.concatenate([np.full(41, y0), y0 + (y1 - y0) * edge, np.full(41, y1), y1 - (y1 - y0) * edge])
    lonlat = proj.to_lon_lat(xs, ys)
    lon, lat = lonlat[:, 0], lonlat[:, 1]
    if not (np.isfinite(lon).all() and np.isfinite(lat).all()):  # the map reaches past the projection's rim
        return [(-180.0, -90.0, 180.0, 90.0)]
    lon = (lon - lon_c + 180.0) % 360.0 - 180.0 + lon_c  # continuous about the centre
    lat0, lat1 = float(np.nanmin(lat)) - 1.0, float(np.nanmax(lat)) + 1.0
    lon0, lon1 = float(np.nanmin(lon)) - 1.0, float(np.nanmax(lon)) + 1.0
    for pole_lat in (90.0, -90.0):  # a map holding a pole holds every longitude near it
        px, py = proj.to_map([0.0], [pole_lat])[0]
        if x0 <= px <= x1 and y0 <= py <= y1:
            lat0, lat1, lon0, lon1 = min(lat0, pole_lat), max(lat1, pole_lat), -180.0, 180.0
    lat0, lat1 = max(lat0, -90.0), min(lat1, 90.0)
    if lon1 - lon0 >= 360.0:
        return [(-180.0, lat0, 180.0, lat1)]
    boxes = [(max(lon0, -180.0), lat0, min(lon1, 180.0), lat1)]
    if lon1 > 180.0:
        boxes.append((-180.0, lat0, lon1 - 360.0, lat1))
    if lon0 < -180.0:
        boxes.append((lon0 + 360.0, lat0, 180.0, lat1))
    return boxes


def _reaches_antipode(lat_c: float, lon_c: float, boxes) -> bool:
    """Whether the lon/lat boxes come within 5° of the point opposite the map's centre."""
    px, py = (lon_c + 360.0) % 360.0 - 180.0, -lat_c
    for lon0, lat0, lon1, lat1 in boxes:
        dx, dy = max(lon0 - px, 0.0, px - lon1), max(lat0 - py, 0.0, py - lat1)
        if math.hypot(dx, dy) < 5.0:
            return True
    return False


def _draw_base_layers(ax, proj: Azimuthal, extent: list[float], resolution: str) -> int:
    """Ocean, land, borders, coastlines and graticule; returns the graticule step [deg].

    The packaged layers are clipped to the map (and kept so on disk, :func:`_layer_paths`)
    and projected here in one vectorised call: cartopy would project whole continents (and
    the one world-sized ocean polygon), piece by piece, on every draw — ten seconds at 1:50m.
    The ocean is the background.  The one thing the plain projection cannot do is a shape
    around the projection's antipode (it maps onto the rim and turns inside out), so a map
    reaching that far (drawn on cartopy's axes, :func:`map_figure`) hands its layers to
    cartopy, which cuts them there."""
    from matplotlib.collections import PathCollection
    from matplotlib.path import Path

    boxes = _lon_lat_boxes(proj, extent)
    reaches_antipode = _reaches_antipode(proj.lat_c, proj.lon_c, boxes)
    ax.set_facecolor("#dfe9f3")
    layers = [("physical", "land", {"facecolor": "#f4f1ea", "edgecolor": "none"}),
              ("cultural", "admin_0_countries", {"facecolor": "none", "edgecolor": "#888888", "linewidth": 0.5}),
              ("physical", "coastline", {"facecolor": "none", "edgecolor": "#444444", "linewidth": 0.6})]
    for category, name, style in layers:
        if reaches_antipode:
            import shapely

            from thaadsim.outputs.maps import _imports

            _, ccrs, _ = _imports()
            clipped = [g for box in boxes for g in _natural_earth(resolution, category, name, shapely.box(*box))]
            if clipped:
                ax.add_geometries(clipped, crs=ccrs.PlateCarree(), zorder=1, **style)
            continue
        paths = []
        for box in boxes:
            vertices, codes, starts = _layer_paths(resolution, category, name, _clip_box(box))
            xy = proj.to_map(vertices[:, 0], vertices[:, 1]) if len(vertices) else vertices
            paths += [Path(xy[a:b], codes[a:b]) for a, b in zip(starts[:-1], starts[1:], strict=True) if b > a]
        if not paths:
            continue
        collection_style = {f"{key}s": value for key, value in style.items()}  # PathCollection takes plurals
        ax.add_collection(PathCollection(paths, zorder=1, **collection_style), autolim=False)
    return _draw_graticule(ax, proj, boxes)


def _draw_graticule(ax, proj: Azimuthal, boxes) -> int:
    """Meridians and parallels at a round step, projected here (cartopy's gridliner costs a third of a second)."""
    lon0 = min(b[0] for b in boxes)
    lon1 = max(b[2] for b in boxes)
    lat0, lat1 = boxes[0][1], boxes[0][3]
    span = max(lat1 - lat0, min(lon1 - lon0, 360.0) * 0.5)
    step = next((s for s in (1, 2, 5, 10, 15) if span / s <= 12), 30)  # about a dozen lines across
    style = {"color": "#999999", "linewidth": 0.3, "alpha": 0.7, "zorder": 1.5}
    samples = np.linspace(0.0, 1.0, 121)
    rim_m = 0.9 * math.pi * 6371e3  # a line past here runs round the antipode: broken rather than drawn across

    def draw(xy):
        x, y = xy[:, 0].copy(), xy[:, 1].copy()
        far = ~(np.hypot(x, y) <= rim_m)
        x[far] = y[far] = np.nan
        ax.plot(x, y, **style)

    for b_lon0, b_lat0, b_lon1, b_lat1 in boxes:
        for lon in np.arange(math.ceil(b_lon0 / step) * step, b_lon1 + 1e-9, step):
            lat = b_lat0 + (b_lat1 - b_lat0) * samples
            draw(proj.to_map(np.full(lat.size, lon), lat))
        for lat in np.arange(math.ceil(b_lat0 / step) * step, b_lat1 + 1e-9, step):
            lon = b_lon0 + (b_lon1 - b_lon0) * samples
            draw(proj.to_map(lon, np.full(lon.size, lat)))
    return step


def map_png(result: ScenarioResult) -> bytes:
    """The map as PNG bytes (:func:`map_figure`)."""
    return _png(map_figure(result), tight=False)  # a tight crop would draw the map twice


def _map_axes(fig, rect, proj: Azimuthal, extent: list[float]):
    """The map's axes, in map metres: plain matplotlib axes of equal aspect, framed, without
    ticks - or cartopy's, which cut the land round the antipode, for a map that reaches it."""
    if _reaches_antipode(proj.lat_c, proj.lon_c, _lon_lat_boxes(proj, extent)):
        crs = proj.cartopy()
        ax = fig.add_axes(rect, projection=crs)
        ax.set_extent(extent, crs=crs)
        return ax
    ax = fig.add_axes(rect)
    ax.set_xlim(extent[0], extent[1])
    ax.set_ylim(extent[2], extent[3])
    ax.set_aspect("equal", adjustable="box")
    ax.set_xticks([])
    ax.set_yticks([])
    return ax


def map_figure(result: ScenarioResult):
    """Ground tracks, sites, coverage, footprints, assets and intercept points on one map;
    targets, assets, launch sites, radars and batteries named.  Threats are coloured by
    outcome, or - in a surveillance run (:func:`thaadsim.outputs.answer.question`) - by
    whether a radar saw them, the stretch between first and last detection drawn bold."""
    surveillance = answer.question(result) == answer.SURVEILLANCE
    classes = outcome_class(result)
    sightings = {r.object_id: r for r in answer.sighting_rows(result)}
    kills = intercept_points(result)
    asset_rings = [(a.get("name", ""),
                    np.column_stack(frames.geodesic_circle(a["lat_deg"], a["lon_deg"], float(a["radius_km"]) * 1e3)))
                   for b in result.batteries for a in b.assets
                   if a.get("radius_km") is not None and math.isfinite(float(a["radius_km"]))]
    coverage_rings = [ring for r in result.radars for ring in r.coverage_rings if len(ring) >= 2]
    footprint_rings = [ring for b in result.batteries for ring in b.footprint_rings if len(ring) >= 3]

    # everything the map must show decides its centre and extent
    rings = coverage_rings + footprint_rings + [ring for _, ring in asset_rings]
    sites = [(s.lat_deg, s.lon_deg) for s in result.radars + result.batteries] + [k[:2] for k in kills]
    lat_all = np.concatenate([o.lat_deg for o in result.objects] + [r[:, 0] for r in rings]
                             + [np.array([site[0] for site in sites], dtype=float)])
    lon_all = np.concatenate([o.lon_deg for o in result.objects] + [r[:, 1] for r in rings]
                             + [np.array([site[1] for site in sites], dtype=float)])
    good = np.isfinite(lat_all) & np.isfinite(lon_all)
    lat_all, lon_all = lat_all[good], lon_all[good]
    nothing_to_draw = lat_all.size == 0
    if nothing_to_draw:  # an empty run still gets a (labelled) map, so the page keeps its shape
        lat_all, lon_all = np.array([-20.0, 40.0]), np.array([-30.0, 30.0])
    lat_c, lon_c = _map_centre(lat_all, lon_all)
    proj = Azimuthal(lat_c, lon_c)

    def to_map(lat, lon):
        xy = proj.to_map(lon, lat)
        return xy[:, 0], xy[:, 1]

    x_all, y_all = to_map(lat_all, lon_all)
    extent = _map_extent(x_all, y_all)
    # the 1:50m layers cost a second or two over a continent; coarse ones read as well there
    resolution = "50m" if max(extent[1] - extent[0], extent[3] - extent[2]) < 4000e3 else "110m"

    aspect = (extent[1] - extent[0]) / (extent[3] - extent[2])
    map_w = min(max(7.0 * aspect, 5.0), 11.0)  # about the map's own shape: no wide white bands
    legend_w = 2.6  # the legend sits beside the map, never on it
    fig = _figure(map_w + legend_w, 7.0)
    ax = _map_axes(fig, (0.01, 0.05, map_w / (map_w + legend_w) - 0.02, 0.89), proj, extent)
    step = _draw_base_layers(ax, proj, extent, resolution)
    handles = []

    for ring in footprint_rings:
        ax.fill(*to_map(ring[:, 0], ring[:, 1]), color=FOOTPRINT_COLOUR, alpha=0.2, linewidth=0, zorder=3)
        ax.plot(*to_map(ring[:, 0], ring[:, 1]), color=FOOTPRINT_COLOUR, linewidth=0.8, zorder=3)
    if footprint_rings:
        from matplotlib.patches import Patch

        handles.append(Patch(facecolor=FOOTPRINT_COLOUR, alpha=0.3, label="defended footprint"))
    for ring in coverage_rings:
        ax.plot(*to_map(ring[:, 0], ring[:, 1]), color=RADAR_COLOUR, linewidth=1.0, linestyle="--", zorder=4)
    if coverage_rings:
        conventions = sorted({r.detection_convention for r in result.radars if r.detection_convention})
        label = textwrap.fill("radar coverage" + (f" ({'; '.join(c.removeprefix('detection: ') for c in conventions)})"
                                                  if conventions else ""), 44)
        handles.append(_proxy(color=RADAR_COLOUR, linestyle="--", label=label))
    for _name, ring in asset_rings:
        ax.plot(*to_map(ring[:, 0], ring[:, 1]), color="k", linewidth=0.9, linestyle=":", zorder=4)
    if asset_rings:
        handles.append(_proxy(color="k", linestyle=":", label="defended asset"))

    for path in result.interceptors():
        good = np.isfinite(path.lat_deg) & np.isfinite(path.lon_deg)
        ax.plot(*to_map(path.lat_deg[good], path.lon_deg[good]), color=INTERCEPTOR_COLOUR, linewidth=1.0, zorder=5)
    if result.interceptors():
        handles.append(_proxy(color=INTERCEPTOR_COLOUR, linewidth=1.0, label="interceptor"))
    drawn_classes = []
    colours = SEEN_COLOURS if surveillance else OUTCOME_COLOURS
    for path in result.threats():
        good = np.isfinite(path.lat_deg) & np.isfinite(path.lon_deg)
        if not good.any():
            continue
        x, y = to_map(path.lat_deg[good], path.lon_deg[good])
        if surveillance:
            seen = sightings.get(path.object_id)
            cls = "seen" if seen is not None and seen.radar else "not seen"
            ax.plot(x, y, color=SEEN_COLOURS["not seen"], linewidth=1.0, zorder=6)
            if cls == "seen":
                t = path.times_s[good]
                span = (t >= seen.first_s) & (t <= seen.last_s)
                ax.plot(x[span], y[span], color=SEEN_COLOURS["seen"], linewidth=3.0, zorder=6)
        else:
            cls = classes.get(path.object_id, "unknown")
            ax.plot(x, y, color=OUTCOME_COLOURS[cls], linewidth=2.0, zorder=6)
        drawn_classes.append(cls)
        ax.plot(x[0], y[0], marker="^", color="k", markersize=6, linestyle="none", zorder=8)
        if path.end == "impact":
            ax.plot(x[-1], y[-1], marker="v", color=colours[cls], markeredgecolor="k", markersize=7,
                    linestyle="none", zorder=8)
    if surveillance:
        if "seen" in drawn_classes:
            handles.append(_proxy(color=SEEN_COLOURS["seen"], linewidth=3.0,
                                  label="seen: first to last detection"))
        handles.append(_proxy(color=SEEN_COLOURS["not seen"], linewidth=1.0, label="flight not seen"))
    else:
        for cls in OUTCOME_COLOURS:
            if cls in drawn_classes:
                handles.append(_proxy(color=OUTCOME_COLOURS[cls], linewidth=2.0, label=f"threat: {cls}"))
    if drawn_classes:
        handles.append(_proxy(marker="^", color="k", linestyle="none", label="launch point"))
    if any(p.end == "impact" for p in result.threats()):
        handles.append(_proxy(marker="v", color="w", markeredgecolor="k", linestyle="none", label="impact point"))

    for lat, lon, _, kill, _ in kills:
        x, y = to_map([lat], [lon])
        ax.plot(x, y, marker="*" if kill else "X", color=KILL_COLOUR if kill else MISS_COLOUR, markeredgecolor="k",
                markeredgewidth=0.5, markersize=13 if kill else 9, linestyle="none", zorder=9)
    if any(k[3] for k in kills):
        handles.append(_proxy(marker="*", color=KILL_COLOUR, markeredgecolor="k", markersize=11, linestyle="none",
                              label="intercept (kill)"))
    if any(not k[3] for k in kills):
        handles.append(_proxy(marker="X", color=MISS_COLOUR, markeredgecolor="k", linestyle="none",
                              label="intercept (miss)"))

    for radar in result.radars:
        x, y = to_map([radar.lat_deg], [radar.lon_deg])
        ax.plot(x, y, marker="s", color=RADAR_COLOUR, markeredgecolor="k", markersize=7, linestyle="none", zorder=10)
    if result.radars:
        handles.append(_proxy(marker="s", color=RADAR_COLOUR, markeredgecolor="k", linestyle="none", label="radar"))
    for battery in result.batteries:
        x, y = to_map([battery.lat_deg], [battery.lon_deg])
        ax.plot(x, y, marker="D", color=BATTERY_COLOUR, markeredgecolor="w", markersize=6, linestyle="none", zorder=10)
    if result.batteries:
        handles.append(_proxy(marker="D", color=BATTERY_COLOUR, linestyle="none", label="battery"))

    if nothing_to_draw:
        ax.text(0.5, 0.5, "no trajectories, radars or batteries to draw", transform=ax.transAxes, ha="center")
    ax.set_title(f"{result.name}: ground tracks and defences", fontsize=10)
    if handles:
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=7, framealpha=0.9,
                  borderaxespad=0.0)
    ax.text(1.0, -0.01, f"azimuthal equidistant, centred {lat_c:.1f}°, {lon_c:.1f}°; graticule every {step}°; "
            f"Natural Earth {resolution}", transform=ax.transAxes, ha="right", va="top", fontsize=6.5, color="#555555")
    labels = Labels(ax)
    for name, lat, lon, colour in map_places(result):
        x, y = to_map([lat], [lon])
        if np.isfinite(x[0]) and np.isfinite(y[0]):
            labels.add(float(x[0]), float(y[0]), name, fontsize=7, color=colour)
    labels.footnote(fig)
    return fig


def map_places(result: ScenarioResult) -> list[tuple[str, float, float, str]]:
    """(name, lat, lon, colour) of every place the map names: radars and batteries, defended
    assets, targets (aim points) and launch sites; places within 15 km of each other share one
    label, so a radar and its battery on one site read as one."""
    places: list[tuple[str, float, float, str]] = []
    for radar in result.radars:
        places.append((radar.name, radar.lat_deg, radar.lon_deg, RADAR_COLOUR))
    for battery in result.batteries:
        places.append((battery.name, battery.lat_deg, battery.lon_deg, BATTERY_COLOUR))
        places += [(str(a.get("name", "asset")), float(a["lat_deg"]), float(a["lon_deg"]), ASSET_COLOUR)
                   for a in battery.assets]
    for row in answer.target_rows(result):
        places.append((f"{row.target} (target)", row.lat_deg, row.lon_deg, "#000000"))
    launches: dict[str, tuple[float, float]] = {}
    firsts = {t.object_id: t for t in result.threats() if t.times_s.size}
    for p in result.per_threat:
        path = firsts.get(p.get("object_id"))
        if path is not None and p.get("from"):
            launches.setdefault(str(p["from"]), (float(path.lat_deg[0]), float(path.lon_deg[0])))
    places += [(name, lat, lon, "#000000") for name, (lat, lon) in launches.items()]
    merged: list[list] = []
    for name, lat, lon, colour in places:
        if not (math.isfinite(lat) and math.isfinite(lon)):
            continue
        for entry in merged:
            near = frames.geodesic_inverse(np.array([lat]), np.array([lon]), np.array([entry[1]]),
                                           np.array([entry[2]]))[2][0] < 15e3
            if near:
                known = {n.removesuffix(" (target)").lower() for n in entry[0].split(" / ")}
                if name.removesuffix(" (target)").lower() not in known:
                    entry[0] += f" / {name}"
                elif name.endswith(" (target)") and not entry[0].endswith(" (target)"):
                    entry[0] += " (target)"  # a defended asset that is also aimed at
                break
        else:
            merged.append([name, lat, lon, colour])
    return [(n, la, lo, c) for n, la, lo, c in merged]


# --- altitude against downrange --------------------------------------------------------------


def altitude_png(result: ScenarioResult) -> bytes:
    """The altitude figure as PNG bytes (:func:`altitude_figure`)."""
    return _png(altitude_figure(result))


def altitude_figure(result: ScenarioResult):
    """Altitude against ground distance from the threat's launch point, for threats and interceptors.

    An interceptor is measured from the launch point of the threat it was fired at, so its
    curve meets that threat's curve at the intercept."""
    classes = outcome_class(result)
    targets = interceptor_targets(result)
    kills = shot_kills(result)
    threats = {t.object_id: t for t in result.threats()}
    launch_points = {tid: (float(t.lat_deg[0]), float(t.lon_deg[0])) for tid, t in threats.items() if t.times_s.size}
    fallback_origin = next(iter(launch_points.values()), None)

    fig = _figure(9.0, 4.8)
    ax = fig.add_subplot(1, 1, 1)
    handles, seen = [], set()
    ends: dict[tuple, list] = {}
    for path in result.threats():
        if path.times_s.size == 0:
            continue
        cls = classes.get(path.object_id, "unknown")
        x_km = path.downrange_m / 1e3
        ax.plot(x_km, path.alt_m / 1e3, color=OUTCOME_COLOURS[cls], linewidth=1.8)
        # named at the end of the flight (impact or kill), where paths part, not at the apex
        ends.setdefault((round(float(x_km[-1]) / 5.0), round(float(path.alt_m[-1]) / 5e3)), []).append(
            (path.object_id, float(x_km[-1]), float(path.alt_m[-1]) / 1e3))
        if cls not in seen:
            seen.add(cls)
            handles.append(_proxy(color=OUTCOME_COLOURS[cls], linewidth=1.8, label=f"threat: {cls}"))
    for path in result.interceptors():
        if path.times_s.size == 0:
            continue
        origin = launch_points.get(targets.get(path.object_id) or "", fallback_origin)
        if origin is None:
            origin = (float(path.lat_deg[0]), float(path.lon_deg[0]))
        n = path.lat_deg.size
        _, _, distance_m = frames.geodesic_inverse(np.full(n, origin[0]), np.full(n, origin[1]), path.lat_deg,
                                                   path.lon_deg)
        x_km = distance_m / 1e3
        ax.plot(x_km, path.alt_m / 1e3, color=INTERCEPTOR_COLOUR, linewidth=1.0)
        if path.object_id in kills:
            kill = kills[path.object_id]
            ax.plot(x_km[-1], path.alt_m[-1] / 1e3, marker="*" if kill else "X", markersize=12 if kill else 8,
                    color=KILL_COLOUR if kill else MISS_COLOUR, markeredgecolor="k", markeredgewidth=0.5,
                    linestyle="none", zorder=5)
    if result.interceptors():
        handles.append(_proxy(color=INTERCEPTOR_COLOUR, linewidth=1.0, label="interceptor"))
    if any(kills.values()):
        handles.append(_proxy(marker="*", color=KILL_COLOUR, markeredgecolor="k", linestyle="none", markersize=10,
                              label="kill"))
    if not all(kills.values()):
        handles.append(_proxy(marker="X", color=MISS_COLOUR, markeredgecolor="k", linestyle="none", label="miss"))
    ax.set_xlabel("ground distance from the threat's launch point [km]")
    ax.set_ylabel("altitude above the ellipsoid [km]")
    ax.set_ylim(bottom=0.0)
    ax.set_xlim(left=0.0)
    ax.grid(alpha=0.3)
    ax.set_title("Altitude against downrange (interceptors measured from their target's launch point)", fontsize=10)
    if handles:
        ax.legend(handles=handles, fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0)
    fig.subplots_adjust(right=0.8)
    ax.autoscale_view()
    labels = Labels(ax)
    for members in ends.values():  # missiles ending at one place (a salvo on one target) share a label
        ids = [m[0] for m in members]
        labels.add(members[0][1], members[0][2], ids[0] if len(ids) == 1 else f"{ids[0]}-{ids[-1]}", fontsize=7)
    labels.footnote(fig)
    return fig


# --- engagement timeline -------------------------------------------------------------------

_TIMELINE_MARKS = {
    # event kind: (marker, colour, size, legend label)
    "burnout": ("|", "k", 9, "burnout"),
    "first_detection": ("o", RADAR_COLOUR, 6, "first detection"),
    "track_confirmed": ("s", RADAR_COLOUR, 6, "track confirmed"),
    "interceptor_launch": ("^", INTERCEPTOR_COLOUR, 7, "interceptor launch"),
    "kill": ("*", KILL_COLOUR, 12, "intercept (kill)"),
    "miss": ("X", MISS_COLOUR, 8, "intercept (miss)"),
    "impact": ("v", OUTCOME_COLOURS["leaked"], 8, "impact"),
}


def timeline_png(result: ScenarioResult) -> bytes:
    """The timeline as PNG bytes (:func:`timeline_figure`)."""
    return _png(timeline_figure(result))


def timeline_figure(result: ScenarioResult):
    """One row per threat: its flight as a bar, its detection, track, shots, intercept and impact."""
    classes = outcome_class(result)
    targets = interceptor_targets(result)
    kills = shot_kills(result)
    threats = result.threats()
    rows = {t.object_id: k for k, t in enumerate(threats)}
    false_track_row = len(rows) if any(v is None for v in targets.values()) else None
    n_rows = len(rows) + (false_track_row is not None)

    surveillance = answer.question(result) == answer.SURVEILLANCE
    radar_index = {r.name: k for k, r in enumerate(result.radars)}
    per_threat = {p.get("object_id"): p for p in result.per_threat}
    fig = _figure(9.0, 1.6 + min(0.38 * max(n_rows, 1), 14.0))  # a big salvo squeezes its rows
    ax = fig.add_subplot(1, 1, 1)
    for k, path in enumerate(threats):
        if path.times_s.size:
            t0, t1 = float(path.times_s[0]), float(path.times_s[-1])
            colour = SEEN_COLOURS["not seen"] if surveillance else OUTCOME_COLOURS[classes.get(path.object_id,
                                                                                                 "unknown")]
            ax.barh(k, t1 - t0, left=t0, height=0.36, color=colour, alpha=0.35 if surveillance else 0.55)
        if surveillance:  # how long each radar saw it: one thin bar per radar, in the radar's colour
            p = per_threat.get(path.object_id) or {}
            first, last = p.get("first_detection_s") or {}, p.get("last_detection_s") or {}
            for name, t_first in first.items():
                if t_first is None:
                    continue
                j = radar_index.get(name, 0)
                t_last = last.get(name) if last.get(name) is not None else t_first
                ax.barh(k + 0.12 * (j - 0.5 * (len(result.radars) - 1)), t_last - t_first, left=t_first,
                        height=0.1, color=palette.RADAR_CYCLE[j % len(palette.RADAR_CYCLE)])
    for path in result.interceptors():
        row = rows.get(targets.get(path.object_id) or "", false_track_row)
        if row is not None and path.times_s.size:
            ax.plot([path.times_s[0], path.times_s[-1]], [row - 0.3, row - 0.3], color=INTERCEPTOR_COLOUR,
                    linewidth=1.2)

    used = set()
    for event in result.events:
        kind = event.event
        if kind in ("intercept", "miss"):
            kind = "kill" if kills.get(event.object_id, event.event == "intercept") else "miss"
        if kind not in _TIMELINE_MARKS:
            continue
        object_id = event.object_id
        if event.event in ("interceptor_launch", "intercept", "miss"):
            row = rows.get(targets.get(object_id) or "", false_track_row)
        else:
            row = rows.get(object_id)
        if row is None:
            continue
        marker, colour, size, _ = _TIMELINE_MARKS[kind]
        if kind in ("first_detection", "track_confirmed") and len(result.radars) > 1:
            # two radars: each its own colour, and its own shape for the first detection
            j = radar_index.get(event.by, 0)
            colour = palette.RADAR_CYCLE[j % len(palette.RADAR_CYCLE)]
            if kind == "first_detection":
                marker = palette.RADAR_MARKERS[j % len(palette.RADAR_MARKERS)]
            used.add(f"{kind}:{j}")
        if kind == "impact" and surveillance:
            colour = SEEN_COLOURS["not seen"]  # a flight reaching its aim point is no leak here
        y = row - 0.3 if kind == "interceptor_launch" else row
        ax.plot(event.time_s, y, marker=marker, color=colour, markersize=size, markeredgecolor="k",
                markeredgewidth=0.4, linestyle="none", zorder=5)
        used.add(kind)

    if surveillance:
        seen = {r.object_id: r for r in answer.sighting_rows(result)}
        def seen_text(object_id: str) -> str:
            row = seen.get(object_id)
            return f"seen {row.seen_s:,.0f} s" if row is not None and row.radar else "not seen"

        labels = [f"{t.object_id} ({seen_text(t.object_id)})" for t in threats]
    else:
        labels = [t.object_id for t in threats]
    labels += ["false tracks"] if false_track_row is not None else []
    ax.set_yticks(range(len(labels)), labels, fontsize=8 if n_rows <= 36 else 5)
    ax.set_ylim(n_rows - 0.5 if n_rows else 0.5, -0.7)  # first threat on top
    ax.set_xlabel(f"time after the epoch [s]  (t = 0 at {result.epoch:%Y-%m-%d %H:%M:%S} UTC)")
    top = ax.secondary_xaxis("top", functions=(lambda s: s / 60.0, lambda m: m * 60.0))
    top.set_xlabel("time after the epoch [min]", fontsize=8)
    ax.grid(axis="x", alpha=0.3)
    if surveillance:
        handles = [_proxy(color=SEEN_COLOURS["not seen"], linewidth=6, alpha=0.35, label="threat in flight")]
        handles += [_proxy(color=palette.RADAR_CYCLE[j % len(palette.RADAR_CYCLE)], linewidth=3,
                           label=f"seen by {r.name} ({r.mode})") for j, r in enumerate(result.radars)]
    else:
        handles = [_proxy(color=OUTCOME_COLOURS[c], linewidth=6, alpha=0.55, label=f"threat in flight: {c}")
                   for c in OUTCOME_COLOURS if c in {classes.get(t.object_id, "unknown") for t in threats}]
    for key in sorted(k for k in used if ":" in k):
        kind, j = key.split(":")
        radar = result.radars[int(j)]
        marker = palette.RADAR_MARKERS[int(j) % len(palette.RADAR_MARKERS)] if kind == "first_detection" else "s"
        handles.append(_proxy(marker=marker, color=palette.RADAR_CYCLE[int(j) % len(palette.RADAR_CYCLE)],
                              markeredgecolor="k", linestyle="none",
                              label=f"{kind.replace('_', ' ')}: {radar.name}"))
    if any(":" in k for k in used):
        used -= {"first_detection", "track_confirmed"}
    if result.interceptors():
        handles.append(_proxy(color=INTERCEPTOR_COLOUR, linewidth=1.2, label="interceptor in flight"))
    handles += [_proxy(marker=m, color=SEEN_COLOURS["not seen"] if surveillance and kind == "impact" else c,
                       markersize=min(s, 9), markeredgecolor="k", linestyle="none", label=lab)
                for kind, (m, c, s, lab) in _TIMELINE_MARKS.items() if kind in used]
    if handles:
        ax.legend(handles=handles, fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0)
    if not threats:
        ax.text(0.5, 0.5, "no threats in this run", transform=ax.transAxes, ha="center", va="center")
    return fig


# --- salvo-size sweep ------------------------------------------------------------------------


def sweep_png(result: ScenarioResult) -> bytes:
    """The sweep figure as PNG bytes (:func:`sweep_figure`)."""
    return _png(sweep_figure(result))


def sweep_figure(result: ScenarioResult):
    """Intercepted, leaked and interceptors fired against salvo size, with the inventory."""
    rows = sorted(result.sweep or [], key=lambda r: r.get("count", 0))
    counts = [r.get("count", math.nan) for r in rows]
    fig = _figure(7.5, 4.5)
    ax = fig.add_subplot(1, 1, 1)
    series = [("threats", "#7f7f7f", "--", "threats launched"), ("intercepted", KILL_COLOUR, "-", "intercepted"),
              ("leaked", OUTCOME_COLOURS["leaked"], "-", "leaked"),
              ("interceptors_fired", INTERCEPTOR_COLOUR, "-", "interceptors fired")]
    for key, colour, style, label in series:
        values = [r.get(key) for r in rows]
        if any(v is not None for v in values):
            ax.plot(counts, [math.nan if v is None else v for v in values], color=colour, linestyle=style,
                    marker="o", markersize=4, label=label)
    inventory = sum(b.inventory for b in result.batteries)
    if result.batteries:
        ax.axhline(inventory, color=BATTERY_COLOUR, linestyle=":", label=f"interceptor inventory ({inventory})")
    ax.set_xlabel("salvo size [missiles]")
    ax.set_ylabel("number")
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    ax.set_title("Saturation: outcomes against salvo size", fontsize=10)
    ax.legend(fontsize=7)
    return fig


__all__ = ["Labels", "altitude_figure", "altitude_png", "interceptor_targets", "intercept_points", "map_figure",
           "map_places", "map_png", "outcome_class", "shot_kills", "sweep_figure", "sweep_png", "timeline_figure",
           "timeline_png"]
