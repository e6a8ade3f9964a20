"""Coverage: how far the radar detects a target at a given altitude, by azimuth, and the
ground region over which such a target is detected (a polygon and its geodesic area).

Method: for each azimuth (a grid centred on the first face's boresight, so that a
symmetric geometry gives a symmetric grid), the target is placed at altitude ``h``
above points along the geodesic from the radar at ground ranges s on a grid; the
compiled look kernel gives Pd; the detectable set in s is taken as one interval
[s_min, s_max] (true for a single face: elevation falls monotonically with s, and the
scan and SNR limits each cut s once), whose ends are refined by bisection to
``tolerance_m``.  A target counts as detected where it meets the detection convention
(``sensors/convention.py``; default: the calibration's Pd 0.9, P_fa 1e-6, Swerling 1,
one look), so that the preset's range for its reference target is the calibrated one.
The region is bounded by s_max (and s_min where the near zone is out of view, e.g. above
the scan limit overhead); its area is the geodesic area on the ellipsoid (Karney, via
``pyproj.Geod.polygon_area_perimeter``).  The polygon's azimuth resolution is
360°/``n_azimuths``; the antimeridian is not handled (a polygon that crosses ±180°
longitude is reported as is).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyproj

from thaadsim.diskcache import cache_root, canonical, entry_key, provenance, read_entry, write_entry
from thaadsim.earth import frames
from thaadsim.earth.constants import SPHERE_RADIUS_M, WGS84_A_M, WGS84_INV_F
from thaadsim.errors import InputError
from thaadsim.sensors import kernels as K
from thaadsim.sensors.convention import DEFAULT_CONVENTION, DetectionConvention, resolve
from thaadsim.sensors.geometry import REFRACTION_NOTE
from thaadsim.sensors.radar import RadarModel

LIMITS = ("snr", "horizon", "elevation", "scan", "range", "none")


@dataclass(frozen=True)
class Coverage:
    """Detection coverage of a target at ``altitude_m`` with ``rcs_m2``.

    Per azimuth (A,): ``min_ground_range_m``/``max_ground_range_m`` (NaN where never
    detected), ``max_slant_range_m``, and ``limit`` — what ends the coverage at s_max
    ('snr', 'horizon', 'elevation', 'scan', 'range').  ``polygons`` are closed rings of
    [lat_deg, lon_deg]; ``polygon`` the largest; ``area_km2`` their total geodesic area.
    """

    azimuth_deg: np.ndarray
    min_ground_range_m: np.ndarray
    max_ground_range_m: np.ndarray
    max_slant_range_m: np.ndarray
    limit: np.ndarray
    polygons: list[np.ndarray]
    area_km2: float
    altitude_m: float
    rcs_m2: float
    pd_threshold: float
    swerling: int
    notes: tuple[str, ...] = field(default=())
    convention: DetectionConvention = DEFAULT_CONVENTION

    @property
    def polygon(self) -> np.ndarray:
        if not self.polygons:
            return np.empty((0, 2))
        return max(self.polygons, key=len)

    @property
    def max_range_m(self) -> float:
        """Largest slant range at which the target is detected [m] (NaN if nowhere)."""
        v = self.max_slant_range_m
        return float(np.nanmax(v)) if np.any(np.isfinite(v)) else math.nan

    @property
    def max_ground_range_m_overall(self) -> float:
        v = self.max_ground_range_m
        return float(np.nanmax(v)) if np.any(np.isfinite(v)) else math.nan


def _geod(earth: str) -> pyproj.Geod:
    if earth == "sphere":
        return pyproj.Geod(a=SPHERE_RADIUS_M, f=0.0)
    return pyproj.Geod(a=WGS84_A_M, rf=WGS84_INV_F)


def _pd_at(radar, p, faces, az_deg, s_m, altitude_m, rcs):
    """Pd and the look at ground range s along azimuth az (flat arrays)."""
    lat, lon, _ = frames.geodesic_forward(radar.lat_deg, radar.lon_deg, az_deg, s_m, radar.earth)
    r = np.ascontiguousarray(
        np.asarray(frames.geodetic_to_ecef(lat, lon, altitude_m, radar.earth), dtype=float).reshape(-1, 3)
    )
    n = r.shape[0]
    out = [np.empty(n) for _ in range(6)]
    vis = np.empty(n, dtype=np.bool_)
    K.look_any(r, rcs, p, faces, *out, vis)
    return out, vis


def _ground_range_bound_m(radar: RadarModel, altitude_m: float) -> float:
    """Ground range beyond which the target is surely out of view (horizon, range)."""
    r = radar.local_radius_m if radar.earth == "wgs84" else SPHERE_RADIUS_M
    r = r * 1.01 if radar.earth == "wgs84" else r
    k = max(radar.refraction_k, 1.0)
    re = r * k
    theta = math.acos(re / (re + max(radar.alt_m, 0.0))) + math.acos(re / (re + altitude_m))
    horizon = re * theta
    return min(horizon, radar.max_range_m) * 1.02 + 1000.0


def coverage(
    radar: RadarModel,
    altitude_m: float,
    rcs_m2: float,
    *,
    convention: DetectionConvention | None = None,
    pd_threshold: float | None = None,
    swerling: int | None = None,
    n_azimuths: int = 720,
    n_ranges: int = 400,
    tolerance_m: float = 10.0,
) -> Coverage:
    """Coverage of a target at ``altitude_m`` [m] above the ellipsoid with ``rcs_m2``.

    ``convention`` (default: :data:`~thaadsim.sensors.convention.DEFAULT_CONVENTION`)
    says what "detected" means; ``pd_threshold``/``swerling`` are the older keywords
    for a one-look convention at the default P_fa.
    """
    radar.require_site()
    if not math.isfinite(altitude_m) or altitude_m < 0.0:
        raise InputError(
            f"target altitude {altitude_m / 1e3:g} km is below ground",
            field="--altitude-km",
            hint="give a height above the ellipsoid ≥ 0",
        )
    if not math.isfinite(rcs_m2) or rcs_m2 <= 0.0:
        raise InputError(f"radar cross-section {rcs_m2:g} m^2 must be > 0", field="--rcs-m2")
    conv = resolve(convention, pd_threshold=pd_threshold, swerling=swerling)
    radar = conv.applied_to(radar)
    path, key = _cache_path(radar, conv, altitude_m, rcs_m2, n_azimuths, n_ranges, tolerance_m)
    found = None if path is None else _read(path, key, n_azimuths)
    if found is None:
        found = _edges(radar, conv, altitude_m, rcs_m2, n_azimuths, n_ranges, tolerance_m)
        if path is not None:
            _write(path, key, found)
    az, s_min, s_max, slant, limit = found
    any_det = np.isfinite(s_max)
    polygons = _polygons(radar, az, s_min, s_max, any_det)
    geod = _geod(radar.earth)
    # Rings run clockwise (azimuth increasing) on the outside and back counter-clockwise
    # along any near-zone hole, so minus the sum of signed areas is the covered area.
    area = 0.0
    for ring in polygons:
        a, _ = geod.polygon_area_perimeter(ring[:, 1], ring[:, 0])
        area -= a
    notes = (
        conv.describe(),
        REFRACTION_NOTE,
        f"azimuth resolution {360.0 / n_azimuths:g} deg; range ends refined to {tolerance_m:g} m",
    )
    return Coverage(
        azimuth_deg=az,
        min_ground_range_m=s_min,
        max_ground_range_m=s_max,
        max_slant_range_m=slant,
        limit=limit,
        polygons=polygons,
        area_km2=area / 1e6,
        altitude_m=float(altitude_m),
        rcs_m2=float(rcs_m2),
        pd_threshold=conv.look_pd_threshold,
        swerling=conv.swerling,
        notes=notes,
        convention=conv,
    )


CACHE_FORMAT = 1
"""Version of the on-disk coverage format; part of the cache key."""
_SOURCE_MODULES = (
    "thaadsim.sensors.coverage", "thaadsim.sensors.kernels", "thaadsim.sensors.radar", "thaadsim.sensors.geometry",
    "thaadsim.sensors.detection", "thaadsim.sensors.convention", "thaadsim.earth.frames", "thaadsim.earth.kernels",
    "thaadsim.earth.constants",
)
"""Modules whose source a coverage's numbers run through (hashed into the key)."""
_ARRAYS = ("azimuth_deg", "min_ground_range_m", "max_ground_range_m", "max_slant_range_m")


def cache_dir() -> Path | None:
    """The coverage cache folder (:mod:`thaadsim.diskcache`), or None when it is off."""
    root = cache_root()
    return None if root is None else root / "coverage"


def _cache_path(radar, conv, altitude_m, rcs_m2, n_azimuths, n_ranges, tolerance_m):
    """Where the coverage of these inputs lives on disk, and its key: the sited radar (with
    the convention applied), the convention, the target and the grid, and the code."""
    folder = cache_dir()
    if folder is None:
        return None, None
    key = entry_key({"format": CACHE_FORMAT, **provenance(_SOURCE_MODULES), "radar": canonical(radar),
                     "convention": canonical(conv), "target": canonical([altitude_m, rcs_m2]),
                     "grid": canonical([n_azimuths, n_ranges, tolerance_m])})
    return folder / f"{key}.npz", key


def _read(path: Path, key: str, n_azimuths: int):
    arrays = read_entry(path, key, CACHE_FORMAT)
    if arrays is None or set(arrays) != {*_ARRAYS, "limit"}:
        return None
    if any(arrays[n].shape != (n_azimuths,) or arrays[n].dtype != np.float64 for n in (*_ARRAYS, "limit")):
        return None
    index = arrays["limit"]
    if not np.all((index >= 0) & (index < len(LIMITS)) & (index == np.round(index))):
        return None
    limit = np.array([LIMITS[int(i)] for i in index], dtype=object)
    return (*(arrays[n] for n in _ARRAYS), limit)


def _write(path: Path, key: str, found) -> None:
    *values, limit = found
    arrays = {n: np.asarray(v, dtype=np.float64) for n, v in zip(_ARRAYS, values, strict=True)}
    arrays["limit"] = np.array([LIMITS.index(str(x)) for x in limit], dtype=np.float64)
    write_entry(path, key, CACHE_FORMAT, arrays)


def _edges(radar, conv, altitude_m, rcs_m2, n_azimuths, n_ranges, tolerance_m):
    """Per azimuth: (azimuth, nearest and farthest detected ground range (NaN: none), the
    slant range there, what limits it) - the look kernel on the grid, ends bisected."""
    pd_threshold = conv.look_pd_threshold
    p, faces = radar.kernel_params(conv.swerling)
    rcs = np.array([float(rcs_m2)])
    az0 = math.degrees(radar.face_az_rad[0])
    # order the azimuths so that boresight sits in the middle and the grid is symmetric
    az = (az0 + (np.arange(n_azimuths) - n_azimuths // 2) * (360.0 / n_azimuths)) % 360.0
    s_end = _ground_range_bound_m(radar, altitude_m)
    s_grid = np.linspace(0.0, s_end, n_ranges)
    s_grid[0] = 1.0  # directly overhead is a degenerate azimuth
    A, S = np.meshgrid(az, s_grid, indexing="ij")
    out, vis = _pd_at(radar, p, faces, A.ravel(), S.ravel(), altitude_m, rcs)
    det = (out[5] >= pd_threshold).reshape(A.shape)
    any_det = det.any(axis=1)
    idx = np.arange(n_ranges)
    last = np.where(any_det, np.max(np.where(det, idx, -1), axis=1), -1)
    first = np.where(any_det, np.min(np.where(det, idx, n_ranges), axis=1), n_ranges)

    def refine(lo_idx, hi_idx, inside_is_lo):
        lo = s_grid[np.clip(lo_idx, 0, n_ranges - 1)].copy()
        hi = s_grid[np.clip(hi_idx, 0, n_ranges - 1)].copy()
        rows = np.flatnonzero(any_det & (hi_idx < n_ranges) & (lo_idx >= 0) & (hi_idx != lo_idx))
        a = az[rows]
        lo_r, hi_r = lo[rows], hi[rows]
        n_iter = int(math.ceil(math.log2(max(s_grid[1] - s_grid[0], tolerance_m) / tolerance_m))) + 1
        for _ in range(n_iter):
            mid = 0.5 * (lo_r + hi_r)
            o, _v = _pd_at(radar, p, faces, a, mid, altitude_m, rcs)
            d = o[5] >= pd_threshold
            if inside_is_lo:
                lo_r = np.where(d, mid, lo_r)
                hi_r = np.where(d, hi_r, mid)
            else:
                hi_r = np.where(d, mid, hi_r)
                lo_r = np.where(d, lo_r, mid)
        res = np.full(n_azimuths, np.nan)
        res[any_det] = s_grid[np.where(inside_is_lo, last, first)[any_det]]
        res[rows] = lo_r if inside_is_lo else hi_r
        return res

    s_max = refine(last, last + 1, True)
    s_min = refine(first - 1, first, False)
    s_min = np.where(any_det & (first == 0), 0.0, s_min)
    # slant range and the limiting factor just beyond s_max
    slant = np.full(n_azimuths, np.nan)
    limit = np.full(n_azimuths, "none", dtype=object)
    rows = np.flatnonzero(any_det)
    if rows.size:
        o, _ = _pd_at(radar, p, faces, az[rows], s_max[rows], altitude_m, rcs)
        slant[rows] = o[0]
        beyond = np.minimum(s_max[rows] + 2.0 * tolerance_m + 1.0, s_end)
        o, v = _pd_at(radar, p, faces, az[rows], beyond, altitude_m, rcs)
        rng, _, el, cos_off, snr, pd = o
        lim = np.where(
            v,
            "snr",
            np.where(
                rng > radar.max_range_m,
                "range",
                np.where(
                    el < radar.min_elevation_rad,
                    "elevation",
                    np.where(cos_off < math.cos(radar.scan_limit_rad), "scan", "horizon"),
                ),
            ),
        )
        lim = np.where(s_max[rows] >= s_end - 1.0, "none", lim)
        limit[rows] = lim
    return (az, np.where(any_det, s_min, np.nan), np.where(any_det, s_max, np.nan), slant, limit)


def circular_runs(mask: np.ndarray) -> list[np.ndarray]:
    """Index runs of True in a circular mask, e.g. azimuths around a site (a full circle
    is one run; a run across the end continues at the start)."""
    n = mask.size
    if mask.all():
        return [np.arange(n)]
    if not mask.any():
        return []
    start = int(np.flatnonzero(~mask)[0])  # rotate so the sequence starts on a False
    order = (np.arange(n) + start) % n
    m = mask[order]
    runs, cur = [], []
    for i, v in zip(order, m, strict=True):
        if v:
            cur.append(i)
        elif cur:
            runs.append(np.array(cur))
            cur = []
    if cur:
        runs.append(np.array(cur))
    return runs


def _polygons(radar, az, s_min, s_max, any_det) -> list[np.ndarray]:
    """Closed [lat, lon] rings: outer arc at s_max, back along s_min (or the site)."""
    rings = []
    full = any_det.all()
    for run in circular_runs(any_det):
        lat_o, lon_o, _ = frames.geodesic_forward(radar.lat_deg, radar.lon_deg, az[run], s_max[run], radar.earth)
        outer = np.column_stack([np.atleast_1d(lat_o), np.atleast_1d(lon_o)])
        if full:
            rings.append(np.vstack([outer, outer[:1]]))
            if np.all(s_min > 0.0):  # near-zone hole: subtract it as a separate ring
                lat_i, lon_i, _ = frames.geodesic_forward(radar.lat_deg, radar.lon_deg, az, s_min, radar.earth)
                inner = np.column_stack([lat_i, lon_i])[::-1]
                rings.append(np.vstack([inner, inner[:1]]))
            continue
        inner_s = s_min[run][::-1]
        if np.all(inner_s <= 0.0):
            inner = np.array([[radar.lat_deg, radar.lon_deg]])
        else:
            lat_i, lon_i, _ = frames.geodesic_forward(
                radar.lat_deg, radar.lon_deg, az[run][::-1], np.maximum(inner_s, 0.0), radar.earth
            )
            inner = np.column_stack([np.atleast_1d(lat_i), np.atleast_1d(lon_i)])
        ring = np.vstack([outer, inner])
        rings.append(np.vstack([ring, ring[:1]]))
    return rings


__all__ = ["CACHE_FORMAT", "LIMITS", "Coverage", "cache_dir", "circular_runs", "coverage"]
