"""Fly-out tables: the time an interceptor needs to reach a point (ground range, altitude)
from its battery, precomputed from direct flights of the engine.

Building.  A fan of fly-outs is flown from the battery for every launch azimuth of a
grid (the Earth's rotation makes the time depend weakly on azimuth) and every
pitch-over kick of a grid (0° = straight up to ~89° = the flattest shot the steering
gives), sampled every ``sample_dt_s``.  On each fly-out's ascending leg (intercepts
are taken on the way up only: a named assumption) the time and ground range at which
it crosses each altitude of a grid are read off; at a fixed altitude the ground
range grows with the kick, so time (and kick) can be resampled onto a regular range
grid.

The reach's edge.  At a given altitude the farthest ascending fly-out is the one
whose apogee is exactly that altitude (or, farther out, the one that gets there just
on the time budget).  Between two neighbouring kicks of the fan that point moves by
tens of kilometres (near its apogee a fly-out runs almost level), so the fan alone
would cut the reach short by up to ~35 km.  Each altitude row is therefore closed by
one more point between the last kick that reaches the altitude in time and the next
one: the apogee interpolated linearly in apogee height between the two fly-outs'
apogees, or the point interpolated linearly in time where the next fly-out would
cross the altitude exactly at the budget (a named approximation, good to a few km:
tests/validation/test_interceptor_flyout_independent.py checks the reach against
the vacuum-coast closed form).  The result is ``time_s[a, j, i]`` at azimuth a, altitude j, range i, NaN where
no ascending fly-out within the time horizon reaches.

Look-up.  Trilinear interpolation (compiled, ``defense.kernels.table_lookup``),
periodic in azimuth; a cell with an unreachable corner gives NaN (conservative at
the edge of the reachable region, by one grid cell).

Caching.  A table is a deterministic function of the interceptor model, the site and
the grid and flight options, and building one takes seconds, so :func:`cached_table`
keeps tables in memory (per process) and on disk (across processes), the way numba
caches compiled kernels.  The disk cache lives in ``$THAADSIM_CACHE_DIR/flyout/``,
else ``$XDG_CACHE_HOME/thaadsim/flyout/``, else ``~/.cache/thaadsim/flyout/``; an
empty ``THAADSIM_CACHE_DIR`` counts as unset, and ``THAADSIM_CACHE_DIR=off`` turns the
disk cache off (the in-memory cache stays).  A file is ``<key>.npz``, written and read by
:mod:`thaadsim.diskcache` (``write_entry``/``read_entry``: numpy arrays stored raw, no
pickles, a content digest beside them, put in place with ``os.replace`` so a reader never
sees half a file).  It is a cache, not a result: a file that cannot be read, is corrupt,
does not match its key or digest, or fails the table's own shape and value checks is
ignored, rebuilt and overwritten, and a folder that cannot be written leaves only the
in-memory cache; nothing is printed (failures go to the ``logging`` debug level).
Tables read back are bit-identical to built ones.

The key is a sha256 over a canonical JSON of everything the table depends on
(:func:`table_key`), each for a reason:

* ``format`` (:data:`CACHE_FORMAT`): the layout of the file; bump it when the arrays
  stored or their meaning change, or when ``build_table``'s algorithm changes.
* ``thaadsim`` version (``importlib.metadata``): a release may change the physics.
* ``sources``: a sha256 of the source files of the modules the build runs through
  (this module, the interceptor model, the flight engine and its kernels, the Earth
  and atmosphere models).  The version alone does not move in a development
  (editable) install, where a changed integrator or atmosphere would otherwise be
  served stale tables; numba keys its cache on the source file for the same reason.
* ``runtime``: Python, numpy, numba and pyproj versions and the machine: the bits of a
  compiled integrator and of the geodesics can change with them, and the cache
  promises tables equal to a fresh build.
* ``model``: every compared field of the :class:`InterceptorModel` (masses,
  propellant, burn, Isp, drag, steering; ``max_alt_m``/``max_range_m`` set the grid's
  extent and ``max_flyout_s`` the default horizon; fields that do not change the
  table only cost a rebuild), and the flight engine's :class:`Vehicle` built from it
  (nested stages included), so a change in how the model becomes a vehicle (e.g.
  the dry mass) changes the key.  The ``name`` is stored in the table.
* ``site``: latitude, longitude and altitude of the battery: the fan starts there, and
  the Earth's rotation and the geodesics depend on it.
* ``grid``: number of azimuths, the kick fan (resolved, so a change of
  :data:`DEFAULT_KICKS_DEG` changes the key), altitude and range steps, sample step
  and the (resolved) time horizon.
* ``flight``: every field of the :class:`FlightOptions` the fan is flown with (Earth
  model, rotation, drag, tolerance, step limit, time limit).
"""

from __future__ import annotations

import functools
import logging
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from thaadsim.defense.interceptor import InterceptorModel, fly_out
from thaadsim.defense.kernels import table_lookup
from thaadsim.diskcache import (
    CACHE_ENV,
    cache_root,
    canonical,
    entry_key,
    provenance,
    read_entry,
    sources_digest,
    write_entry,
)
from thaadsim.earth import frames
from thaadsim.errors import InputError

DEFAULT_KICKS_DEG = np.concatenate([np.linspace(0.0, 2.0, 5)[:-1], np.linspace(2.0, 89.0, 88)])
"""Kick grid of the fan [deg]: finer near the vertical, where the range at altitude starts."""

CACHE_FORMAT = 3
"""Version of the on-disk table format (and of the build); part of the cache key.  3: written
by :func:`thaadsim.diskcache.write_entry` (its key, format and digest fields, arrays stored
raw) instead of this module's own compressed writer."""

_log = logging.getLogger(__name__)


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
        az, dist = self.bearing(lat, lon)
        return az.reshape(shape), dist.reshape(shape), alt.reshape(shape)

    def bearing(self, lat_deg, lon_deg) -> tuple[np.ndarray, np.ndarray]:
        """(azimuth_deg, ground range_m) from the battery of points at geodetic ``lat_deg``,
        ``lon_deg`` (:meth:`polar` without the conversion from ECEF)."""
        az, _, dist = frames.geodesic_inverse(self.site_lat_deg, self.site_lon_deg, lat_deg, lon_deg)
        return az, dist

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
    kicks = _resolve_kicks(kicks_deg)
    if np.any(np.diff(kicks) <= 0):
        raise InputError("kicks must increase", field="kicks_deg")
    horizon = float(model.max_flyout_s if horizon_s is None else horizon_s)
    azimuths = np.arange(n_azimuths) * 360.0 / n_azimuths
    az_f, kick_f = (a.ravel() for a in np.meshgrid(azimuths, kicks, indexing="ij"))
    options = _fan_options(model, horizon, sample_dt_s)
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
    apo_t, apo_h, apo_r = _apogees(batch, site_lat_deg, site_lon_deg)
    apo_t, apo_h, apo_r = (x.reshape(n_azimuths, n_k) for x in (apo_t, apo_h, apo_r))
    ranges = np.arange(0.0, 1.5 * model.max_range_m + dr_m / 2, dr_m)
    time_s = np.full((n_azimuths, len(levels), len(ranges)), np.nan)
    kick_t = np.full_like(time_s, np.nan)
    for ia in range(n_azimuths):
        for j in range(len(levels)):
            r_k, t_k = r_c[ia, :, j], t_c[ia, :, j]
            ok = np.isfinite(r_k) & np.isfinite(t_k) & (t_k <= horizon)
            if ok.sum() < 2:
                continue
            last = int(np.flatnonzero(ok)[-1])
            r_k, t_k, k_k = r_k[ok], t_k[ok], kicks[ok]
            # Keep the part where range grows with the kick (near the vertical the Earth's
            # rotation can carry a steep shot a little the other way).
            keep = r_k > np.maximum.accumulate(np.concatenate([[-np.inf], r_k[:-1]]))
            r_k, t_k, k_k = r_k[keep], t_k[keep], k_k[keep]
            if keep[-1] and last + 1 < n_k:
                edge = _edge_point(levels[j], horizon, kicks[last], kicks[last + 1], r_c[ia, last, j],
                                   t_c[ia, last, j], r_c[ia, last + 1, j], t_c[ia, last + 1, j],
                                   (apo_t[ia, last], apo_h[ia, last], apo_r[ia, last]),
                                   (apo_t[ia, last + 1], apo_h[ia, last + 1], apo_r[ia, last + 1]))
                if edge is not None and edge[0] > r_k[-1]:
                    r_k, t_k, k_k = (np.append(a, e) for a, e in zip((r_k, t_k, k_k), edge, strict=True))
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


def _apogees(batch, site_lat_deg: float, site_lon_deg: float):
    """(time_s, altitude_m, ground range_m) of each fly-out's apogee (NaN: none in time)."""
    state = batch.apogee
    lat, lon, alt = batch.geodetic(state)
    rng = np.full(len(alt), np.nan)
    good = np.isfinite(lat)
    if good.any():
        rng[good] = frames.geodesic_inverse(site_lat_deg, site_lon_deg, lat[good], lon[good])[2]
    return state[:, 0], alt, rng


def _edge_point(level_m, horizon_s, kick1, kick2, r1, t1, r2, t2, apo1, apo2):
    """(range_m, time_s, kick_deg) where the reach at ``level_m`` ends between two
    neighbouring kicks, of which the first reaches the level in time; None if neither
    the time budget nor the apogee ends it there.

    If the second fly-out crosses the level but after the budget, the edge is where the
    crossing time reaches the budget (linear in time between the two crossings).  If it
    tops out below the level, the edge is the apogee at the level (linear in apogee
    height between the two fly-outs' apogees); if that apogee comes after the budget,
    the point on the way to it (linear in time from the first crossing) at the budget.
    """
    if np.isfinite(t2) and np.isfinite(r2):
        if t2 <= horizon_s or not t1 < horizon_s:
            return None
        w = (horizon_s - t1) / (t2 - t1)
        return r1 + w * (r2 - r1), horizon_s, kick1 + w * (kick2 - kick1)
    (ta, ha, ra), (tb, hb, rb) = apo1, apo2
    if not (np.isfinite([ta, ha, ra, tb, hb, rb]).all() and hb < level_m <= ha):
        return None
    w = (ha - level_m) / (ha - hb)
    t = ta + w * (tb - ta)
    r = ra + w * (rb - ra)
    k = kick1 + w * (kick2 - kick1)
    if t <= horizon_s:
        return r, t, k
    if not t1 < horizon_s:
        return None
    u = (horizon_s - t1) / (t - t1)
    return r1 + u * (r - r1), horizon_s, kick1 + u * (k - kick1)


FAN_OVERRUN = 1.5
"""The fan is flown this many times the horizon, so that the next kick's crossing or
apogee past the horizon is known when the reach's edge is placed between two kicks."""


def _fan_options(model: InterceptorModel, horizon_s: float, sample_dt_s: float):
    """The flight options the fan is flown with (the model's, to FAN_OVERRUN x the horizon)."""
    options = model.flight_options()
    return type(options)(t_max_s=FAN_OVERRUN * horizon_s + sample_dt_s, rtol=options.rtol)


def _resolve_kicks(kicks_deg) -> np.ndarray:
    return np.asarray(DEFAULT_KICKS_DEG if kicks_deg is None else kicks_deg, dtype=float)


# --- disk cache -------------------------------------------------------------------

_SOURCE_MODULES = (
    "thaadsim.defense.flyout", "thaadsim.defense.interceptor", "thaadsim.defense.kernels",
    "thaadsim.flight.engine", "thaadsim.flight.kernels", "thaadsim.flight.vehicle", "thaadsim.flight.layout",
    "thaadsim.earth.atmosphere", "thaadsim.earth.constants", "thaadsim.earth.frames", "thaadsim.earth.kernels",
    "thaadsim.splines",
)
"""Modules whose source the table's numbers run through (hashed into the key)."""


def cache_dir() -> Path | None:
    """The fly-out table cache folder, or None when ``THAADSIM_CACHE_DIR=off``."""
    root = cache_root()
    return None if root is None else root / "flyout"


def _sources_digest() -> str:
    return sources_digest(_SOURCE_MODULES)


def table_key(model: InterceptorModel, site_lat_deg: float, site_lon_deg: float, site_alt_m: float,
              n_azimuths: int = 12, kicks_deg=None, dh_m: float = 1000.0, dr_m: float = 1000.0,
              sample_dt_s: float = 0.2, horizon_s: float | None = None) -> str:
    """The sha256 (hex) naming the table ``build_table`` gives for these arguments on disk."""
    horizon = float(model.max_flyout_s if horizon_s is None else horizon_s)
    payload = {
        "format": CACHE_FORMAT,
        **provenance(_SOURCE_MODULES),
        "model": canonical(model),
        "vehicle": canonical(model.vehicle()),
        "site": canonical([site_lat_deg, site_lon_deg, site_alt_m]),
        "grid": {"n_azimuths": int(n_azimuths), "kicks_deg": canonical(_resolve_kicks(kicks_deg)),
                 "dh_m": canonical(dh_m), "dr_m": canonical(dr_m), "sample_dt_s": canonical(sample_dt_s),
                 "horizon_s": canonical(horizon)},
        "flight": canonical(_fan_options(model, horizon, sample_dt_s)),
    }
    return entry_key(payload)


_SCALARS = ("site_lat_deg", "site_lon_deg", "site_alt_m", "az0_rad", "daz_rad", "h0_m", "dh_m", "r0_m", "dr_m",
            "horizon_s")


def _valid_content(time_s: np.ndarray, kick_deg: np.ndarray, scalars: dict, name: str,
                   expect: dict | None) -> bool:
    """Shape, dtype and value checks a table read from disk must pass besides its digest
    (a digest only proves the file is what was written; these catch a table written
    wrong, or a file forged with a fresh digest)."""
    if (time_s.dtype != np.float64 or kick_deg.dtype != np.float64 or time_s.ndim != 3
            or time_s.shape != kick_deg.shape or 0 in time_s.shape):
        return False
    if not all(math.isfinite(v) for v in scalars.values()):
        return False
    if not (scalars["daz_rad"] > 0 and scalars["dh_m"] > 0 and scalars["dr_m"] > 0 and scalars["horizon_s"] > 0):
        return False
    reachable = np.isfinite(time_s)
    # A reachable cell has a finite kick and a time inside the horizon; an unreachable one
    # is NaN in both (infinities are never written).
    if not np.array_equal(reachable, np.isfinite(kick_deg)) or np.isinf(time_s).any() or np.isinf(kick_deg).any():
        return False
    t = time_s[reachable]
    if t.size and (t.min() < 0.0 or t.max() > scalars["horizon_s"]):
        return False
    if expect is not None:
        if time_s.shape[0] != expect["n_azimuths"] or name != expect["interceptor"]:
            return False
        if any(scalars[k] != expect[k] for k in ("site_lat_deg", "site_lon_deg", "site_alt_m", "dh_m", "dr_m")):
            return False
    return True


def _read_table(path: Path, key: str, expect: dict | None = None) -> FlyoutTable | None:
    """The table in ``path`` if :func:`thaadsim.diskcache.read_entry` takes it (whole, made
    for ``key`` and this format, matching the digest written with it) and it passes the
    content checks (against ``expect``: the grid and site asked for); None otherwise, and
    the caller rebuilds and overwrites it."""
    arrays = read_entry(path, key, CACHE_FORMAT)
    if arrays is None:
        return None
    try:
        time_s = arrays["time_s"]
        kick_deg = arrays["kick_deg"]
        # write_entry stores a scalar as a one-element array (``np.ascontiguousarray``)
        scalars = {name: float(arrays[name].item()) for name in _SCALARS}
        name = str(arrays["interceptor"].item())
    except (KeyError, IndexError, TypeError, ValueError) as exc:  # digest-consistent but not a table
        _log.debug("fly-out cache: ignoring %s (%s)", path, exc)
        return None
    if not _valid_content(time_s, kick_deg, scalars, name, expect):
        _log.debug("fly-out cache: ignoring malformed %s", path)
        return None
    return FlyoutTable(interceptor=name, time_s=time_s, kick_deg=kick_deg, **scalars)


def _table_arrays(table: FlyoutTable) -> dict[str, np.ndarray]:
    """What a cache entry holds: the two tables (float64), the interceptor's name and the scalars."""
    return {"time_s": np.asarray(table.time_s, dtype=np.float64),
            "kick_deg": np.asarray(table.kick_deg, dtype=np.float64),
            "interceptor": np.array(table.interceptor),
            **{name: np.array(float(getattr(table, name))) for name in _SCALARS}}


def _disk_table(model: InterceptorModel, site_lat_deg: float, site_lon_deg: float, site_alt_m: float,
                n_azimuths: int, kicks: tuple[float, ...] | None, dh_m: float, dr_m: float, sample_dt_s: float,
                horizon_s: float | None) -> FlyoutTable:
    args = (model, site_lat_deg, site_lon_deg, site_alt_m)
    grid = dict(n_azimuths=n_azimuths, kicks_deg=None if kicks is None else np.array(kicks, dtype=float),
                dh_m=dh_m, dr_m=dr_m, sample_dt_s=sample_dt_s, horizon_s=horizon_s)
    folder = cache_dir()
    if folder is None:
        return build_table(*args, **grid)
    key = table_key(*args, **grid)
    path = folder / f"{key}.npz"
    expect = dict(n_azimuths=n_azimuths, interceptor=model.name, site_lat_deg=site_lat_deg,
                  site_lon_deg=site_lon_deg, site_alt_m=site_alt_m, dh_m=dh_m, dr_m=dr_m)
    table = _read_table(path, key, expect)
    if table is None:
        table = build_table(*args, **grid)
        write_entry(path, key, CACHE_FORMAT, _table_arrays(table))
    return table


@functools.lru_cache(maxsize=8)
def _memory_table(model: InterceptorModel, site_lat_deg: float, site_lon_deg: float, site_alt_m: float,
                  n_azimuths: int, kicks: tuple[float, ...] | None, dh_m: float, dr_m: float, sample_dt_s: float,
                  horizon_s: float | None) -> FlyoutTable:
    return _disk_table(model, site_lat_deg, site_lon_deg, site_alt_m, n_azimuths, kicks, dh_m, dr_m, sample_dt_s,
                       horizon_s)


def cached_table(model: InterceptorModel, site_lat_deg: float, site_lon_deg: float, site_alt_m: float,
                 n_azimuths: int = 12, kicks_deg=None, dh_m: float = 1000.0, dr_m: float = 1000.0,
                 sample_dt_s: float = 0.2, horizon_s: float | None = None) -> FlyoutTable:
    """``build_table``, cached per interceptor, site and grid: in memory (per process, the
    last 8) and on disk (see the module notes); ``cached_table.cache_clear()`` empties
    the in-memory cache only."""
    kicks = None if kicks_deg is None else tuple(float(k) for k in np.asarray(kicks_deg, dtype=float).ravel())
    return _memory_table(model, float(site_lat_deg), float(site_lon_deg), float(site_alt_m), int(n_azimuths),
                         kicks, float(dh_m), float(dr_m), float(sample_dt_s),
                         None if horizon_s is None else float(horizon_s))


cached_table.cache_clear = _memory_table.cache_clear
cached_table.cache_info = _memory_table.cache_info


__all__ = ["CACHE_ENV", "CACHE_FORMAT", "DEFAULT_KICKS_DEG", "FlyoutTable", "build_table", "cache_dir", "cache_root",
           "cached_table", "canonical", "crossings", "provenance", "sources_digest", "table_key"]
