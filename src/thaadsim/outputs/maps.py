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
    ax = fig.add_subplot(1, 1, 1, projection=proj)
    ax.set_extent(extent, crs=ccrs.PlateCarree())
    ax.add_feature(cfeature.NaturalEarthFeature("physical", "ocean", resolution, facecolor="#dfe9f3", edgecolor="none"))
    ax.add_feature(cfeature.NaturalEarthFeature("physical", "land", resolution, facecolor="#f4f1ea", edgecolor="none"))
    ax.add_feature(
        cfeature.NaturalEarthFeature(
            "cultural", "admin_0_countries", resolution, facecolor="none", edgecolor="#888888", linewidth=0.5
        )
    )
    ax.coastlines(resolution=resolution, linewidth=0.6, color="#444444")
    gl = ax.gridlines(draw_labels=True, linewidth=0.3, color="#999999", alpha=0.6)
    gl.top_labels = gl.right_labels = False
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
            ax.plot(ring[:, 1], ring[:, 0], transform=geodetic, color=colour, linewidth=1.4, label=label if j == 0 else None, zorder=4)
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


__all__ = ["NATURAL_EARTH_DIR", "coverage_map", "use_offline_natural_earth"]
