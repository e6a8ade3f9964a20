"""Maps drawn offline: radar coverage over Natural Earth coastlines, land, ocean, borders.

matplotlib and cartopy are the optional ``maps`` extra, imported only when a map is
drawn.  The Natural Earth layers ship with the package
(``outputs/data/natural_earth``, provenance in its README); cartopy is pointed at them
before anything is drawn, so no network is needed.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import numpy as np

from thaadsim.errors import InputError
from thaadsim.outputs.labels import Labels

NATURAL_EARTH_DIR = Path(str(resources.files("thaadsim.outputs").joinpath("data", "natural_earth")))
"""Folder holding ``shapefiles/natural_earth/{physical,cultural}/ne_*`` (cartopy's layout)."""


def use_offline_natural_earth() -> None:
    """Point cartopy at the packaged Natural Earth layers (call before drawing)."""
    import cartopy

    cartopy.config["pre_existing_data_dir"] = NATURAL_EARTH_DIR
    cartopy.config["data_dir"] = NATURAL_EARTH_DIR


def _imports():
    try:
        import matplotlib

        matplotlib.use("Agg")
        import cartopy.crs as ccrs
        import cartopy.feature as cfeature
        import matplotlib.pyplot as plt
    except ImportError as error:  # pragma: no cover - depends on the install
        raise InputError(
            f"maps need matplotlib and cartopy ({error.name} is missing)",
            field="--png",
            hint="pip install 'thaadsim[maps]'",
        ) from None
    use_offline_natural_earth()
    return plt, ccrs, cfeature


def _extent(rings: list[np.ndarray], points: list[tuple[float, float, str]], margin_deg: float = 1.5):
    lats = [r[:, 0] for r in rings if len(r)] + [np.array([p[0] for p in points])]
    lons = [r[:, 1] for r in rings if len(r)] + [np.array([p[1] for p in points])]
    lat = np.concatenate(lats)
    lon = np.concatenate(lons)
    lat0, lat1 = float(lat.min()) - margin_deg, float(lat.max()) + margin_deg
    lon0, lon1 = float(lon.min()) - margin_deg, float(lon.max()) + margin_deg
    return [lon0, lon1, max(lat0, -89.0), min(lat1, 89.0)]


def _base_axes(fig, position: tuple[int, int, int], proj, extent, resolution: str, ccrs, cfeature):
    """One map panel: ocean, land, borders, coastlines and graticule from the offline layers."""
    ax = fig.add_subplot(*position, projection=proj)
    ax.set_extent(extent, crs=ccrs.PlateCarree())
    ax.add_feature(cfeature.NaturalEarthFeature("physical", "ocean", resolution, facecolor="#dfe9f3", edgecolor="none"))
    ax.add_feature(cfeature.NaturalEarthFeature("physical", "land", resolution, facecolor="#f4f1ea", edgecolor="none"))
    ax.add_feature(cfeature.NaturalEarthFeature("cultural", "admin_0_countries", resolution, facecolor="none",
                                                edgecolor="#888888", linewidth=0.5))
    ax.coastlines(resolution=resolution, linewidth=0.6, color="#444444")
    # the graticule unlabelled, its step said under the map: an azimuthal map's edges cross
    # meridians at odd places, and cartopy labels only the few it can place (one, on a wide map)
    ax.gridlines(draw_labels=False, linewidth=0.3, color="#999999", alpha=0.6, xlocs=range(-180, 181, 10),
                 ylocs=range(-80, 81, 10))
    ax.text(1.0, -0.01, "graticule every 10°", transform=ax.transAxes, ha="right", va="top", fontsize=6.5,
            color="#555555")
    return ax


def coverage_map(
    coverages,
    path,
    *,
    radar_site: tuple[float, float, str] | None = None,
    labels: list[str] | None = None,
    points: list[tuple[float, float, str]] | None = None,
    title: str | None = None,
    resolution: str = "50m",
    notes: list[str] | None = None,
) -> Path:
    """Draw one or more coverage regions (``sensors.coverage.Coverage``) to a PNG.

    ``radar_site`` (lat_deg, lon_deg, label) marks the radar; ``points`` other places;
    ``notes`` are printed under the map (assumptions, criterion).
    """
    if resolution not in ("50m", "110m"):
        raise InputError(f"map resolution '{resolution}' is not shipped", field="resolution", hint="use '50m' or '110m'")
    if not isinstance(coverages, list | tuple):
        coverages = [coverages]
    plt, ccrs, cfeature = _imports()
    path = Path(path)
    pts = list(points or [])
    if radar_site is not None:
        pts.append(radar_site)
    rings = [ring for c in coverages for ring in c.polygons]
    extent = _extent(rings, pts) if (rings or pts) else [-180, 180, -80, 80]
    lon_c = 0.5 * (extent[0] + extent[1])
    lat_c = 0.5 * (extent[2] + extent[3])
    proj = ccrs.AzimuthalEquidistant(central_longitude=lon_c, central_latitude=lat_c)
    fig = plt.figure(figsize=(9, 8), dpi=110)
    ax = _base_axes(fig, (1, 1, 1), proj, extent, resolution, ccrs, cfeature)
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    geodetic = ccrs.Geodetic()
    for k, cov in enumerate(coverages):
        colour = colours[k % len(colours)]
        label = labels[k] if labels and k < len(labels) else (
            f"h = {cov.altitude_m / 1e3:g} km, RCS {cov.rcs_m2:g} m², {cov.area_km2:,.0f} km²"
        )
        for j, ring in enumerate(cov.polygons):
            if len(ring) < 3:
                continue
            ax.plot(ring[:, 1], ring[:, 0], transform=geodetic, color=colour, linewidth=1.4,
                    label=label if j == 0 else None, zorder=4)
            # rings run clockwise (azimuth increasing); cartopy takes a clockwise exterior
            # for a hole and fills the complement, so fill the reversed ring
            ax.fill(ring[::-1, 1], ring[::-1, 0], transform=geodetic, color=colour, alpha=0.15, zorder=3)
    for lat, lon, name in pts:
        ax.plot(lon, lat, marker="^" if radar_site and (lat, lon, name) == radar_site else "o", color="k",
                markersize=5, transform=ccrs.PlateCarree())  # fmt: skip
        ax.text(lon, lat, f" {name}", fontsize=8, transform=ccrs.PlateCarree())
    if title:
        ax.set_title(title, fontsize=10)
    if coverages:
        ax.legend(loc="lower left", fontsize=7, framealpha=0.85)
    if notes:
        ax.text(0.0, -0.12, "\n".join(notes), fontsize=6.5, va="top", ha="left", wrap=True, transform=ax.transAxes)
    fig.savefig(path, bbox_inches="tight")
    plt.close(fig)
    return path


def _split_runs(cat: np.ndarray) -> list[tuple[int, int, int]]:
    """(start, end_inclusive, category) runs of equal category along a track."""
    runs = []
    start = 0
    for k in range(1, len(cat) + 1):
        if k == len(cat) or cat[k] != cat[start]:
            runs.append((start, k - 1, int(cat[start])))
            start = k
    return runs


def track_map(
    panels: list[dict],
    path,
    *,
    categories: list[tuple[str, str]],
    extent: list[float] | None = None,
    center: tuple[float, float] | None = None,
    suptitle: str | None = None,
    resolution: str = "50m",
    notes: list[str] | None = None,
) -> Path:
    """Ground tracks coloured by category, with coverage outlines, one map per panel.

    Each panel is a dict: ``title``; ``tracks`` — a list of (lat_deg (K,), lon_deg (K,),
    category (K,) int) with NaN samples skipped; ``coverages`` — a list of
    (``sensors.coverage.Coverage``, label, colour); ``points`` — (lat, lon, label).
    ``categories[c]`` is the (label, colour) of category c (0 is drawn thin).
    ``extent`` [lon0, lon1, lat0, lat1] (PlateCarree) and ``center`` (lat, lon) of the
    azimuthal-equidistant projection.
    """
    if resolution not in ("50m", "110m"):
        raise InputError(f"map resolution '{resolution}' is not shipped", field="resolution", hint="use '50m' or '110m'")
    plt, ccrs, cfeature = _imports()
    from matplotlib.lines import Line2D

    path = Path(path)
    n = len(panels)
    lat = np.concatenate([t[0][np.isfinite(t[0])] for p in panels for t in p["tracks"]] or [np.array([0.0])])
    lon = np.concatenate([t[1][np.isfinite(t[1])] for p in panels for t in p["tracks"]] or [np.array([0.0])])
    lon = (lon + 180.0) % 360.0 - 180.0
    tracks_box = [float(lon.min()) - 2, float(lon.max()) + 2, float(lat.min()) - 2, float(lat.max()) + 2]
    if extent is None:
        extent = tracks_box
    elif tracks_box[1] - tracks_box[0] < 180.0:
        # an extent given is widened to hold every track (flights to Guam ran off the map)
        extent = [min(extent[0], tracks_box[0]), max(extent[1], tracks_box[1]), max(min(extent[2], tracks_box[2]),
                  -89.0), min(max(extent[3], tracks_box[3]), 89.0)]
    if center is None:
        center = (0.5 * (extent[2] + extent[3]), 0.5 * (extent[0] + extent[1]))
    proj = ccrs.AzimuthalEquidistant(central_longitude=center[1], central_latitude=center[0])
    fig = plt.figure(figsize=(7.5 * n, 7), dpi=100)
    geodetic = ccrs.Geodetic()
    plate = ccrs.PlateCarree()
    for i, panel in enumerate(panels):
        ax = _base_axes(fig, (1, n, i + 1), proj, extent, resolution, ccrs, cfeature)
        handles = []
        for cov, label, colour in panel.get("coverages", []):
            for ring in cov.polygons:
                if len(ring) < 3:
                    continue
                ax.plot(ring[:, 1], ring[:, 0], transform=geodetic, color=colour, linewidth=1.2, linestyle="--",
                        zorder=4)
            handles.append(Line2D([], [], color=colour, linestyle="--", label=label))
        for lat, lon, cat in panel["tracks"]:
            good = np.isfinite(lat) & np.isfinite(lon)
            lat, lon, cat = lat[good], lon[good], np.asarray(cat)[good]
            if len(lat) == 0:
                continue
            # densely sampled tracks: straight segments in lon/lat (fast), longitudes unwrapped
            # so that a track across the antimeridian stays continuous
            lon = np.degrees(np.unwrap(np.radians(lon)))
            xy = proj.transform_points(plate, lon, lat)[:, :2]  # project once, plot in map coordinates
            for a, b, c in _split_runs(cat):
                b2 = min(b + 1, len(lat) - 1)  # join runs end to end
                colour = categories[c][1]
                ax.plot(xy[a : b2 + 1, 0], xy[a : b2 + 1, 1], color=colour,
                        linewidth=0.7 if c == 0 else 2.2, zorder=5 if c else 3)
        handles += [Line2D([], [], color=col, linewidth=0.7 if c == 0 else 2.2, label=lab)
                    for c, (lab, col) in enumerate(categories)]
        ax.set_title(panel.get("title", ""), fontsize=9)
        legend = ax.legend(handles=handles, loc="lower left", fontsize=6.5, framealpha=0.85)
        labels = Labels(ax)
        labels.block(legend)
        for lat, lon, name in panel.get("points", []):
            if not (extent[0] <= lon <= extent[1] and extent[2] <= lat <= extent[3]):
                continue  # outside the map: its label would float in the margin
            ax.plot(lon, lat, marker="^" if name.lower().startswith("seongju") else "o", color="k", markersize=4,
                    transform=ccrs.PlateCarree(), zorder=6)
            x, y = proj.transform_point(lon, lat, plate)
            labels.add(x, y, name, fontsize=7)
        labels.footnote(fig)
    # title and notes hug the maps as drawn (an equal-aspect map is shorter than its panel):
    # placed at the panel's edges they left half the picture empty on a wide map
    for ax in fig.axes:
        ax.apply_aspect()
    top = max(ax.get_position().y1 for ax in fig.axes)
    bottom = min(ax.get_position().y0 for ax in fig.axes)
    if suptitle:
        fig.suptitle(suptitle, fontsize=10, y=min(top + 0.07, 0.99), va="bottom")
    if notes:
        fig.text(0.01, bottom - 0.04, "\n".join(notes), fontsize=6, va="top", ha="left", wrap=True)
    fig.savefig(path, bbox_inches="tight")
    plt.close(fig)
    return path


__all__ = ["NATURAL_EARTH_DIR", "coverage_map", "track_map", "use_offline_natural_earth"]


def _places_within(extent: list[float], skip: set[str]) -> list[tuple[float, float, str]]:
    """(lat, lon, name) of the catalog's cities, targets and bases inside a map's extent, so
    that a reader can tell which places a footprint covers."""
    from thaadsim.catalog.loader import sites

    lo0, lo1, la0, la1 = extent
    return [(s.lat_deg.value, s.lon_deg.value, s.name) for s in sites().values()
            if s.kind in ("city", "target", "base") and lo0 <= s.lon_deg.value <= lo1
            and la0 <= s.lat_deg.value <= la1 and s.name.lower() not in skip and s.key not in skip]


def footprint_map(
    footprint,
    path,
    *,
    title: str | None = None,
    resolution: str = "50m",
    notes: list[str] | None = None,
) -> Path:
    """Draw a defended footprint (``defense.footprint.Footprint``) to a PNG: the region
    defended once and twice, the battery, the launch point and the threat axis."""
    if resolution not in ("50m", "110m"):
        raise InputError(f"map resolution '{resolution}' is not shipped", field="resolution", hint="use '50m' or '110m'")
    plt, ccrs, cfeature = _imports()
    path = Path(path)
    b = footprint.battery
    site = (b.lat_deg, b.lon_deg, b.name)
    launch = (footprint.launch.lat_deg, footprint.launch.lon_deg, footprint.launch.label or "launch")
    rings = list(footprint.polygons)
    extent = _extent(rings, [site], margin_deg=1.0)
    lon_c = 0.5 * (extent[0] + extent[1])
    lat_c = 0.5 * (extent[2] + extent[3])
    proj = ccrs.AzimuthalEquidistant(central_longitude=lon_c, central_latitude=lat_c)
    fig = plt.figure(figsize=(9, 8), dpi=110)
    ax = _base_axes(fig, (1, 1, 1), proj, extent, resolution, ccrs, cfeature)
    geodetic = ccrs.Geodetic()
    layers = [(footprint.polygons, "#1f77b4", f"defended once: {footprint.area_km2:,.0f} km²"),
              (footprint.twice_polygons, "#d62728", f"defended twice (SLS): {footprint.twice_area_km2:,.0f} km²")]
    for polys, colour, label in layers:
        for j, ring in enumerate(polys):
            if len(ring) < 4:
                continue
            ax.plot(ring[:, 1], ring[:, 0], transform=geodetic, color=colour, linewidth=1.4,
                    label=label if j == 0 else None, zorder=4)
            # clockwise rings: fill the reversed ring (cartopy reads a clockwise exterior as a hole)
            ax.fill(ring[::-1, 1], ring[::-1, 0], transform=geodetic, color=colour, alpha=0.18, zorder=3)
    ax.plot([launch[1], site[1]], [launch[0], site[0]], transform=geodetic, color="k", linewidth=0.8,
            linestyle="--", label="threat axis", zorder=5)
    ax.plot(site[1], site[0], marker="^", color="k", markersize=6, transform=ccrs.PlateCarree(), zorder=6)
    lo0, lo1, la0, la1 = extent
    if lo0 <= launch[1] <= lo1 and la0 <= launch[0] <= la1:
        ax.plot(launch[1], launch[0], marker="o", color="k", markersize=5, transform=ccrs.PlateCarree())
    labels = Labels(ax)
    labels.add(*proj.transform_point(site[1], site[0], ccrs.PlateCarree()), site[2], fontsize=8)
    if lo0 <= launch[1] <= lo1 and la0 <= launch[0] <= la1:
        labels.add(*proj.transform_point(launch[1], launch[0], ccrs.PlateCarree()), launch[2], fontsize=8)
    for city in _places_within(extent, skip={site[2].lower(), launch[2].lower()}):
        ax.plot(city[1], city[0], marker="o", color="#555555", markersize=3, transform=ccrs.PlateCarree(), zorder=6)
        labels.add(*proj.transform_point(city[1], city[0], ccrs.PlateCarree()), city[2], fontsize=7,
                   color="#333333")
    labels.footnote(fig)
    ax.set_title(title or (f"Defended footprint: {b.name} vs {footprint.missile} from {launch[2]} "
                           f"(forward {footprint.forward_m / 1e3:,.0f} km, rear {footprint.rear_m / 1e3:,.0f} km)"),
                 fontsize=10)
    ax.legend(loc="lower left", fontsize=7, framealpha=0.85)
    if notes:
        ax.text(0.0, -0.12, "\n".join(notes), fontsize=6.5, va="top", ha="left", wrap=True, transform=ax.transAxes)
    fig.savefig(path, bbox_inches="tight")
    plt.close(fig)
    return path
