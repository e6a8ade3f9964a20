"""Fly-out tables: the time an interceptor needs to reach a point (ground range, altitude)
from its battery, precomputed from direct flights of the engine.

Building.  A fan of fly-outs is flown from the battery for every launch azimuth of a
grid (the Earth's rotation makes the time depend weakly on azimuth) and every
pitch-over kick of a grid (0° = straight up to ~89° = the flattest shot the steering
gives), sampled every ``sample_dt_s``.  On each fly-out's ascending leg (intercepts
are taken on the way up only: a named assumption) the time and ground range at which
it crosses each altitude of a grid are read off; at a fixed altitude the ground
range grows with the kick, so time (and kick) can be resampled onto a regular range
grid.  The result is ``time_s[a, j, i]`` at azimuth a, altitude j, range i, NaN where
no ascending fly-out within the time horizon reaches.

Look-up.  Trilinear interpolation (compiled, ``defense.kernels.table_lookup``),
periodic in azimuth; a cell with an unreachable corner gives NaN (conservative at
the edge of the reachable region, by one grid cell).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

from thaadsim.defense.interceptor import InterceptorModel, fly_out
from thaadsim.defense.kernels import table_lookup
from thaadsim.earth import frames
from thaadsim.errors import InputError

DEFAULT_KICKS_DEG = np.concatenate([np.linspace(0.0, 2.0, 5)[:-1], np.linspace(2.0, 89.0, 88)])
"""Kick grid of the fan [deg]: finer near the vertical, where the range at altitude starts."""


@dataclass(frozen=True)
class FlyoutTable:
    """Fly-out time and kick on an (azimuth, altitude, range) grid around one battery.

    Angles in radians inside, ranges and altitudes in metres; ``site_*`` is the battery.
    """

    site_lat_deg: float
    site_lon_deg: float
    site_alt_m: float
    interceptor: str
    az0_rad: float
    daz_rad: float
    h0_m: float
    dh_m: float
    r0_m: float
    dr_m: float
    time_s: np.ndarray
    """(A, H, R) fly-out time [s]; NaN where unreachable on an ascending leg."""
    kick_deg: np.ndarray
    """(A, H, R) pitch-over kick of the fly-out that gets there [deg]."""
    horizon_s: float
    """Longest fly-out time the table holds [s]."""

    @property
    def shape(self) -> tuple[int, int, int]:
        return self.time_s.shape

    @property
    def altitudes_m(self) -> np.ndarray:
        return self.h0_m + self.dh_m * np.arange(self.shape[1])

    @property
    def ranges_m(self) -> np.ndarray:
        return self.r0_m + self.dr_m * np.arange(self.shape[2])

    @property
    def azimuths_deg(self) -> np.ndarray:
        return np.degrees(self.az0_rad + self.daz_rad * np.arange(self.shape[0]))

    def _lookup(self, table: np.ndarray, azimuth_deg, range_m, alt_m) -> np.ndarray:
        az, r, h = np.broadcast_arrays(*(np.asarray(a, dtype=float) for a in (azimuth_deg, range_m, alt_m)))
        shape = az.shape
        out = table_lookup(table, self.az0_rad, self.daz_rad, self.h0_m, self.dh_m, self.r0_m, self.dr_m,
                           np.radians(az).ravel(), np.ascontiguousarray(h, dtype=float).ravel(),
                           np.ascontiguousarray(r, dtype=float).ravel())
        return out.reshape(shape)

    def time_to(self, azimuth_deg, range_m, alt_m) -> np.ndarray:
        """Fly-out time [s] to points at (azimuth from the battery, ground range, altitude);
        NaN where no ascending fly-out reaches within the horizon.  Vectorised."""
        return self._lookup(self.time_s, azimuth_deg, range_m, alt_m)

    def kick_to(self, azimuth_deg, range_m, alt_m) -> np.ndarray:
        """Pitch-over kick [deg] of the fly-out that reaches the points (NaN: none)."""
        return self._lookup(self.kick_deg, azimuth_deg, range_m, alt_m)

    def polar(self, r_ecef) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(azimuth_deg, ground range_m, altitude_m) of ECEF points seen from the battery."""
        r = np.asarray(r_ecef, dtype=float)
        shape = r.shape[:-1]
        lat, lon, alt = frames.ecef_to_geodetic(r.reshape(-1, 3))
        az, _, dist = frames.geodesic_inverse(self.site_lat_deg, self.site_lon_deg, lat, lon)
        return az.reshape(shape), dist.reshape(shape), alt.reshape(shape)

    def time_to_ecef(self, r_ecef) -> np.ndarray:
        """Fly-out time [s] to ECEF points (..., 3)."""
        return self.time_to(*self.polar(r_ecef))


def crossings(alt_m: np.ndarray, range_m: np.ndarray, azimuth_deg: np.ndarray, dt_s: float,
              levels_m: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Where sampled flights first cross altitude levels on their ascending legs.

    ``alt_m``, ``range_m``, ``azimuth_deg``: (F, S) sampled at t = k dt (NaN after the
    flight ends).  Returns (time_s, range_m, azimuth_deg), each (F, L), linear between
    samples; NaN where a flight's ascending leg does not reach the level.
    """
    n_f = alt_m.shape[0]
    out_t = np.full((n_f, len(levels_m)), np.nan)
    out_r = np.full_like(out_t, np.nan)
    out_a = np.full_like(out_t, np.nan)
    filled = np.where(np.isfinite(alt_m), alt_m, -np.inf)
    top = np.argmax(filled, axis=1)
    for f in range(n_f):
        leg = alt_m[f, : top[f] + 1]
        # The ascending leg is increasing; guard against a flat first sample.
        leg = np.maximum.accumulate(leg)
        k = np.searchsorted(leg, levels_m, side="left")
        ok = (k >= 1) & (k <= top[f])
        k = np.clip(k, 1, max(top[f], 1))
        h0, h1 = leg[k - 1], leg[k]
        with np.errstate(invalid="ignore", divide="ignore"):
            s = np.where(h1 > h0, (levels_m - h0) / (h1 - h0), 0.0)
        ok &= np.isfinite(s)
        out_t[f] = np.where(ok, (k - 1 + s) * dt_s, np.nan)
        out_r[f] = np.where(ok, range_m[f, k - 1] + s * (range_m[f, k] - range_m[f, k - 1]), np.nan)
        da = (azimuth_deg[f, k] - azimuth_deg[f, k - 1] + 180.0) % 360.0 - 180.0
        out_a[f] = np.where(ok, azimuth_deg[f, k - 1] + s * da, np.nan)
    return out_t, out_r, out_a


def build_table(model: InterceptorModel, site_lat_deg: float, site_lon_deg: float, site_alt_m: float,
                n_azimuths: int = 12, kicks_deg: np.ndarray | None = None, dh_m: float = 1000.0,
                dr_m: float = 1000.0, sample_dt_s: float = 0.2, horizon_s: float | None = None) -> FlyoutTable:
    """Fly the fan and tabulate time and kick on the (azimuth, altitude, range) grid.

    The grids span altitudes from the ground to 10 km above the intercept ceiling and
    ranges out to 1.5 times the maximum intercept range (so the envelope's own limits
    fall inside the table).
    """
    if n_azimuths < 2:
        raise InputError("needs at least 2 azimuths", field="n_azimuths")
    if not (dh_m > 0 and dr_m > 0 and sample_dt_s > 0):
        raise InputError("grid steps and the sample step must be positive", field="flyout_table")
    kicks = np.asarray(DEFAULT_KICKS_DEG if kicks_deg is None else kicks_deg, dtype=float)
    if np.any(np.diff(kicks) <= 0):
        raise InputError("kicks must increase", field="kicks_deg")
    horizon = float(model.max_flyout_s if horizon_s is None else horizon_s)
    azimuths = np.arange(n_azimuths) * 360.0 / n_azimuths
    az_f, kick_f = (a.ravel() for a in np.meshgrid(azimuths, kicks, indexing="ij"))
    options = model.flight_options()
    options = type(options)(t_max_s=horizon + sample_dt_s, rtol=options.rtol)
    batch = fly_out(model, site_lat_deg, site_lon_deg, site_alt_m, az_f, kick_f, sample_dt_s, options)
    pos = batch.samples[..., :3]
    n_f, n_s = pos.shape[:2]
    flat = pos.reshape(-1, 3)
    good = np.isfinite(flat).all(axis=1)
    alt = np.full(len(flat), np.nan)
    rng = np.full(len(flat), np.nan)
    azp = np.full(len(flat), np.nan)
    lat, lon, h = frames.ecef_to_geodetic(flat[good])
    a, _, d = frames.geodesic_inverse(site_lat_deg, site_lon_deg, lat, lon)
    alt[good], rng[good], azp[good] = h, d, a
    alt, rng, azp = (x.reshape(n_f, n_s) for x in (alt, rng, azp))

    levels = np.arange(0.0, model.max_alt_m + 10_000.0 + dh_m / 2, dh_m)
    levels = levels[levels > site_alt_m] if site_alt_m > 0 else levels
    h0 = float(levels[0])
    levels = h0 + dh_m * np.arange(len(levels))
    t_c, r_c, _ = crossings(alt, rng, azp, sample_dt_s, levels)
    n_k = len(kicks)
    t_c = t_c.reshape(n_azimuths, n_k, -1)
    r_c = r_c.reshape(n_azimuths, n_k, -1)
    ranges = np.arange(0.0, 1.5 * model.max_range_m + dr_m / 2, dr_m)
    time_s = np.full((n_azimuths, len(levels), len(ranges)), np.nan)
    kick_t = np.full_like(time_s, np.nan)
    for ia in range(n_azimuths):
        for j in range(len(levels)):
            r_k, t_k = r_c[ia, :, j], t_c[ia, :, j]
            ok = np.isfinite(r_k) & np.isfinite(t_k) & (t_k <= horizon)
            if ok.sum() < 2:
                continue
            r_k, t_k, k_k = r_k[ok], t_k[ok], kicks[ok]
            # Keep the part where range grows with the kick (near the vertical the Earth's
            # rotation can carry a steep shot a little the other way).
            keep = r_k > np.maximum.accumulate(np.concatenate([[-np.inf], r_k[:-1]]))
            r_k, t_k, k_k = r_k[keep], t_k[keep], k_k[keep]
            if len(r_k) < 2:
                continue
            inside = (ranges >= r_k[0]) & (ranges <= r_k[-1])
            time_s[ia, j, inside] = np.interp(ranges[inside], r_k, t_k)
            kick_t[ia, j, inside] = np.interp(ranges[inside], r_k, k_k)
            # Below the steepest shot's range (a few km at most) take the steepest shot.
            below = ranges < r_k[0]
            if r_k[0] <= 3 * dr_m:
                time_s[ia, j, below] = t_k[0]
                kick_t[ia, j, below] = k_k[0]
    return FlyoutTable(site_lat_deg, site_lon_deg, site_alt_m, model.name, 0.0, 2 * math.pi / n_azimuths,
                       h0, dh_m, 0.0, dr_m, time_s, kick_t, horizon)


@functools.lru_cache(maxsize=8)
def cached_table(model: InterceptorModel, site_lat_deg: float, site_lon_deg: float, site_alt_m: float,
                 n_azimuths: int = 12) -> FlyoutTable:
    """``build_table`` with the default grids, cached per interceptor and site."""
    return build_table(model, site_lat_deg, site_lon_deg, site_alt_m, n_azimuths=n_azimuths)


__all__ = ["DEFAULT_KICKS_DEG", "FlyoutTable", "build_table", "cached_table", "crossings"]
