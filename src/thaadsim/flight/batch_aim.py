"""Batched minimum-energy aiming: many (missile, launch point, aim point) shots at once.

For every shot together it finds the launch azimuth, pitch-over kick and last-stage
burn fraction of the minimum-energy flight (the range-maximising kick, with just enough
burn to reach the aim point), as ``targeting.solve(..., profile='min-energy')`` does one
shot at a time: a coarse (burn fraction x kick) grid flown at a loose tolerance gives the
maximum range and its kick for each burn; Newton steps on the burn fraction and secant
steps on the azimuth (the Earth's rotation bends the ground track) then bring the impact
within ``MISS_TOLERANCE_M`` of the aim point at the engine's full tolerance; the kick is
polished by a parabola through three flights.  A validation test compares it with
``solve``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from thaadsim.catalog.loader import Location, resolve_location
from thaadsim.catalog.loader import missile as catalog_missile
from thaadsim.earth import frames
from thaadsim.errors import InputError
from thaadsim.flight.engine import FlightBatch, FlightOptions, fly
from thaadsim.flight.vehicle import Vehicle

MISS_TOLERANCE_M = 100.0
"""Impact miss the batched aiming iterates down to [m] (as ``flight.targeting``)."""
F_GRID = np.array([0.02, 0.05, 0.1, 0.2, 0.3, 0.4, 0.55, 0.7, 0.85, 1.0])
"""Burn fractions of the coarse grid (last stage)."""
K_GRID_DEG = np.linspace(8.0, 84.0, 20)
"""Pitch-over kicks of the coarse grid [deg]: up to 84 deg, as ``targeting._max_range`` (the
Hwasong-15 model's range-maximising kick is ~73 deg)."""
GRID_RTOL = 1e-7
"""Integrator tolerance of the coarse grid (the refinement uses the full one)."""


@dataclass(frozen=True)
class Shot:
    """One launch: catalog missile key, launch-site and aim-point keys (or 'LAT,LON')."""

    missile: str
    origin: str
    target: str


@dataclass
class AimedShots:
    """Steering of each shot (P,) and the sampled flight of those that were aimed.

    ``status[i]`` is 'ok', 'out of range', 'too short for a minimum-energy flight' or
    'not converged'; ``flight`` holds the 'ok' shots only, row j ↔ shot ``index[j]``.
    """

    shots: list[Shot]
    launch: list[Location]
    aim: list[Location]
    status: list[str]
    distance_m: np.ndarray
    max_range_m: np.ndarray
    azimuth_deg: np.ndarray
    kick_deg: np.ndarray
    burn_fraction: np.ndarray
    miss_m: np.ndarray
    index: np.ndarray
    flight: FlightBatch | None


def _fly(vehicles, lat, lon, alt, az, kick, frac, options, sample_dt_s=None) -> FlightBatch:
    return fly(list(vehicles), lat, lon, alt, np.mod(az, 360.0), kick, frac, options, sample_dt_s=sample_dt_s)


def _impact_errors(batch: FlightBatch, az0, aim_lat, aim_lon, earth):
    """(downrange [m], azimuth error [deg], miss [m]) of each flight; NaN where it failed."""
    lat, lon = batch.impact_lat_lon_deg
    ok = batch.ok & np.isfinite(lat)
    miss = np.full(len(batch), np.nan)
    err = np.full(len(batch), np.nan)
    if ok.any():
        miss[ok] = frames.geodesic_inverse(lat[ok], lon[ok], aim_lat[ok], aim_lon[ok], earth=earth)[2]
        err[ok] = (az0[ok] - batch.impact_azimuth_deg[ok] + 540.0) % 360.0 - 180.0
    rng = np.where(ok, batch.downrange_m, 0.0)
    return rng, err, miss


def _resolve(shots: list[Shot]) -> tuple[list[Vehicle], list[Location], list[Location]]:
    """Each shot's vehicle, launch point and aim point from the catalog."""
    if not shots:
        raise InputError("no shots to aim", field="shots")
    vehicles_by_key: dict[str, Vehicle] = {}
    launch, aim, veh = [], [], []
    for s in shots:
        key = catalog_missile(s.missile, field="--missile").key
        if key not in vehicles_by_key:
            vehicles_by_key[key] = Vehicle.from_missile(catalog_missile(key))
        veh.append(vehicles_by_key[key])
        launch.append(resolve_location(s.origin, "--from"))
        aim.append(resolve_location(s.target, "--to"))
    return veh, launch, aim


def aim_min_energy(shots: list[Shot], options: FlightOptions | None = None, sample_dt_s: float | None = 1.0,
                   max_iterations: int = 25) -> AimedShots:
    """Minimum-energy steering for every shot at once, then one sampled flight of them all."""
    return _aim(shots, options or FlightOptions(), sample_dt_s, max_iterations)[0]


def _aim(shots: list[Shot], options: FlightOptions, sample_dt_s: float | None,
         max_iterations: int) -> tuple[AimedShots, _Steering]:
    """:func:`aim_min_energy`, and the steering its flight was flown from."""
    veh, launch, aim = _resolve(shots)
    p = len(shots)
    lat0 = np.array([x.lat_deg for x in launch])
    lon0 = np.array([x.lon_deg for x in launch])
    alt0 = np.array([x.alt_m for x in launch])
    lat1 = np.array([x.lat_deg for x in aim])
    lon1 = np.array([x.lon_deg for x in aim])
    az0, _, dist = frames.geodesic_inverse(lat0, lon0, lat1, lon1, earth=options.earth)
    az0 = np.atleast_1d(az0).astype(float)
    dist = np.atleast_1d(dist).astype(float)
    status = ["ok"] * p
    for i in np.flatnonzero(dist < 1e3):
        raise InputError(f"shot {shots[i]}: the aim point lies within 1 km of the launch point", field="--to")

    # --- coarse grid: maximum range and its kick for each burn fraction ------------------------
    nf, nk = len(F_GRID), len(K_GRID_DEG)
    rep = nf * nk
    ff = np.tile(np.repeat(F_GRID, nk), p)
    kk = np.tile(np.tile(K_GRID_DEG, nf), p)
    gv = [v for v in veh for _ in range(rep)]
    coarse = FlightOptions(earth=options.earth, rotation=options.rotation, drag=options.drag, rtol=GRID_RTOL,
                           t_max_s=options.t_max_s, max_step_s=options.max_step_s)
    g = _fly(gv, np.repeat(lat0, rep), np.repeat(lon0, rep), np.repeat(alt0, rep), np.repeat(az0, rep), kk, ff,
             coarse)
    rng = np.where(g.ok, g.downrange_m, 0.0).reshape(p, nf, nk)
    j = np.argmax(rng, axis=2)
    r_mid = np.take_along_axis(rng, j[..., None], axis=2)[..., 0]
    jl = np.clip(j - 1, 0, nk - 1)
    jr = np.clip(j + 1, 0, nk - 1)
    r_l = np.take_along_axis(rng, jl[..., None], axis=2)[..., 0]
    r_r = np.take_along_axis(rng, jr[..., None], axis=2)[..., 0]
    h = K_GRID_DEG[1] - K_GRID_DEG[0]
    denom = r_l - 2.0 * r_mid + r_r
    interior = (j > 0) & (j < nk - 1) & (denom < 0.0) & (r_l > 0) & (r_r > 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        shift = np.where(interior, 0.5 * h * (r_l - r_r) / denom, 0.0)
        r_star = np.where(interior, r_mid - 0.25 * (r_l - r_r) * shift / h, r_mid)
    k_star = K_GRID_DEG[j] + np.clip(shift, -h, h)  # (p, nf)
    r_max = r_star[:, -1]

    f = np.full(p, np.nan)
    slope = np.full(p, np.nan)
    for i in range(p):
        rs = np.maximum.accumulate(r_star[i])  # range grows with the burn: enforce it on the coarse values
        if dist[i] > rs[-1] * (1.0 + 2e-3):
            status[i] = "out of range"
            continue
        flies = rs > 0.0
        if not flies.any() or dist[i] < rs[flies][0]:
            status[i] = "too short for a minimum-energy flight"
            continue
        jj = int(np.searchsorted(rs, dist[i]))
        jj = min(max(jj, 1), nf - 1)
        f0, f1, r0, r1 = F_GRID[jj - 1], F_GRID[jj], rs[jj - 1], rs[jj]
        f[i] = f0 + (f1 - f0) * (dist[i] - r0) / (r1 - r0) if r1 > r0 else f1
        slope[i] = (r1 - r0) / (f1 - f0) if r1 > r0 else np.nan

    def kick_of(i_idx, frac, kshift):
        return np.array([np.interp(fr, F_GRID, k_star[i]) for i, fr in zip(i_idx, frac, strict=True)]) + kshift

    active = np.array([s == "ok" for s in status])
    idx = np.flatnonzero(active)
    az = az0.copy()
    kshift = np.zeros(p)
    miss = np.full(p, np.nan)

    def refine(idx):
        """Newton on the burn fraction, secant on the azimuth; returns the converged mask."""
        done = np.zeros(p, dtype=bool)
        prev = {}  # i -> (az, err)
        for _ in range(max_iterations):
            todo = idx[~done[idx]]
            if len(todo) == 0:
                break
            df = np.where(f[todo] + 1e-3 <= 1.0, 1e-3, -1e-3)
            k0 = kick_of(todo, f[todo], kshift[todo])
            k1 = kick_of(todo, f[todo] + df, kshift[todo])
            both = np.concatenate([todo, todo])
            b = _fly([veh[i] for i in both], lat0[both], lon0[both], alt0[both], np.concatenate([az[todo]] * 2),
                     np.concatenate([k0, k1]), np.concatenate([f[todo], f[todo] + df]), options)
            rr, err, ms = _impact_errors(b, az0[both], lat1[both], lon1[both], options.earth)
            m = len(todo)
            r0, r1, e0, m0 = rr[:m], rr[m:], err[:m], ms[:m]
            for q, i in enumerate(todo):
                miss[i] = m0[q]
                if np.isfinite(m0[q]) and m0[q] < MISS_TOLERANCE_M:
                    done[i] = True
                    continue
                d_r = (r1[q] - r0[q]) / df[q]
                if not (np.isfinite(d_r) and d_r > 0):
                    d_r = slope[i] if np.isfinite(slope[i]) and slope[i] > 0 else dist[i]
                step = (dist[i] - r0[q]) / d_r
                f[i] = float(np.clip(f[i] + np.clip(step, -0.2, 0.2), 1e-3, 1.0))
                if np.isfinite(e0[q]):
                    if i in prev and prev[i][1] != e0[q] and abs(prev[i][1] - e0[q]) > 1e-12:
                        a1, e1 = prev[i]
                        new = az[i] - e0[q] * (az[i] - a1) / (e0[q] - e1)
                    else:
                        new = az[i] + e0[q]
                    prev[i] = (az[i], e0[q])
                    az[i] = new
        return done

    done = refine(idx)
    # --- polish the kick: a parabola through three flights at the converged burn -------------
    if len(idx):
        dk = 1.5
        kc = kick_of(idx, f[idx], kshift[idx])
        three = np.concatenate([idx] * 3)
        b = _fly([veh[i] for i in three], lat0[three], lon0[three], alt0[three], np.concatenate([az[idx]] * 3),
                 np.concatenate([kc - dk, kc, kc + dk]), np.concatenate([f[idx]] * 3), options)
        rr = np.where(b.ok, b.downrange_m, np.nan).reshape(3, -1)
        den = rr[0] - 2 * rr[1] + rr[2]
        with np.errstate(invalid="ignore", divide="ignore"):
            sh = np.where(np.isfinite(den) & (den < 0), 0.5 * dk * (rr[0] - rr[2]) / den, 0.0)
        kshift[idx] += np.clip(sh, -dk, dk)
        done = refine(idx)
    for i in idx:
        if not done[i]:
            status[i] = "out of range" if f[i] >= 1.0 and dist[i] > r_max[i] * 0.99 else "not converged"
    okm = np.array([s == "ok" for s in status])
    ok_idx = np.flatnonzero(okm)
    kick = np.full(p, np.nan)
    if len(ok_idx):
        kick[ok_idx] = kick_of(ok_idx, f[ok_idx], kshift[ok_idx])
    steering = _Steering(status, dist, r_max, az, kick, np.where(okm, f, np.nan))
    return _flown(shots, veh, launch, aim, steering, options, sample_dt_s), steering


@dataclass(frozen=True)
class _Steering:
    """What the search finds for each shot (P,), before the sampled flight: all a cached aim keeps."""

    status: list[str]
    distance_m: np.ndarray
    max_range_m: np.ndarray
    azimuth_deg: np.ndarray
    """As iterated (not wrapped to [0, 360)): the flight is flown from exactly these values."""
    kick_deg: np.ndarray
    burn_fraction: np.ndarray
    """NaN where the shot was not aimed (as ``kick_deg``)."""


def _flown(shots, veh, launch, aim, steering: _Steering, options: FlightOptions, sample_dt_s) -> AimedShots:
    """The sampled flight of the aimed shots and their misses, from their steering."""
    return _aimed(shots, launch, aim, steering, *_fly_steered(veh, launch, aim, steering, options, sample_dt_s))


def _fly_steered(veh, launch, aim, steering: _Steering, options: FlightOptions,
                 sample_dt_s) -> tuple[FlightBatch | None, np.ndarray]:
    """The sampled flight of the aimed shots (None if none was aimed) and each shot's miss (P,)."""
    okm = np.array([s == "ok" for s in steering.status])
    ok_idx = np.flatnonzero(okm)
    miss = np.full(len(steering.status), np.nan)
    if not len(ok_idx):
        return None, miss
    lat0 = np.array([x.lat_deg for x in launch])
    lon0 = np.array([x.lon_deg for x in launch])
    alt0 = np.array([x.alt_m for x in launch])
    lat1 = np.array([x.lat_deg for x in aim])
    lon1 = np.array([x.lon_deg for x in aim])
    az0 = np.atleast_1d(frames.geodesic_inverse(lat0, lon0, lat1, lon1, earth=options.earth)[0]).astype(float)
    flight = _fly([veh[i] for i in ok_idx], lat0[ok_idx], lon0[ok_idx], alt0[ok_idx],
                  steering.azimuth_deg[ok_idx], steering.kick_deg[ok_idx], steering.burn_fraction[ok_idx], options,
                  sample_dt_s=sample_dt_s)
    miss[ok_idx] = _impact_errors(flight, az0[ok_idx], lat1[ok_idx], lon1[ok_idx], options.earth)[2]
    return flight, miss


def _aimed(shots, launch, aim, steering: _Steering, flight: FlightBatch | None, miss: np.ndarray) -> AimedShots:
    okm = np.array([s == "ok" for s in steering.status])
    return AimedShots(shots, launch, aim, list(steering.status), steering.distance_m, steering.max_range_m,
                      np.where(okm, np.mod(steering.azimuth_deg, 360.0), np.nan), steering.kick_deg,
                      steering.burn_fraction, miss, np.flatnonzero(okm), flight)


# --- the disk cache of steering --------------------------------------------------------------------

CACHE_FORMAT = 1
"""Version of the on-disk steering format; part of the cache key."""
_SOURCE_MODULES = (
    "thaadsim.flight.batch_aim", "thaadsim.flight.engine", "thaadsim.flight.kernels", "thaadsim.flight.vehicle",
    "thaadsim.flight.layout", "thaadsim.earth.atmosphere", "thaadsim.earth.constants", "thaadsim.earth.frames",
    "thaadsim.earth.kernels",
    "thaadsim.splines",
)
"""Modules whose source a steering's numbers run through (hashed into the key)."""
_STATUS = ("ok", "out of range", "too short for a minimum-energy flight", "not converged")
_FLOATS = ("distance_m", "max_range_m", "azimuth_deg", "kick_deg", "burn_fraction")


def _steering_key(veh, launch, aim, options: FlightOptions, max_iterations: int) -> str:
    """sha256 over everything a steering depends on: each shot's vehicle (the catalog's numbers,
    not its key), launch and aim points, the flight options, the search's limit and the code."""
    from thaadsim.diskcache import canonical, entry_key, provenance

    return entry_key({
        "format": CACHE_FORMAT, **provenance(_SOURCE_MODULES), "options": canonical(options),
        "max_iterations": int(max_iterations),
        "shots": [[canonical(v), canonical([a.lat_deg, a.lon_deg, a.alt_m]), canonical([b.lat_deg, b.lon_deg, b.alt_m])]
                  for v, a, b in zip(veh, launch, aim, strict=True)],
    })


def _read_steering(path, key: str, p: int) -> _Steering | None:
    from thaadsim.diskcache import read_entry

    arrays = read_entry(path, key, CACHE_FORMAT)
    if arrays is None or set(arrays) != {*_FLOATS, "status"}:
        return None
    if any(arrays[n].shape != (p,) or arrays[n].dtype != np.float64 for n in _FLOATS):
        return None
    codes = arrays["status"]
    if codes.shape != (p,) or not np.all((codes >= 0) & (codes < len(_STATUS))):
        return None
    return _Steering([_STATUS[int(c)] for c in codes], *(arrays[n] for n in _FLOATS))


_FLIGHT_ARRAYS = ("status", "events", "n_stages", "launch_lat_deg", "launch_lon_deg")
_FLIGHT_OPTIONAL = ("samples", "launch_azimuth_deg")


def _write_flight(path, key: str, flight: FlightBatch | None, miss: np.ndarray) -> None:
    from thaadsim.diskcache import write_entry

    arrays: dict[str, np.ndarray] = {"miss_m": np.asarray(miss, dtype=np.float64)}
    if flight is not None:
        arrays |= {n: np.asarray(getattr(flight, n)) for n in _FLIGHT_ARRAYS}
        arrays |= {n: np.asarray(getattr(flight, n)) for n in _FLIGHT_OPTIONAL if getattr(flight, n) is not None}
        arrays["assumptions"] = np.array(list(flight.assumptions), dtype=str)
    write_entry(path, key, CACHE_FORMAT, arrays)


def _read_flight(path, key: str, p: int, n_ok: int, options: FlightOptions,
                 sample_dt_s) -> tuple[FlightBatch | None, np.ndarray] | None:
    from thaadsim.diskcache import read_entry

    arrays = read_entry(path, key, CACHE_FORMAT)
    if arrays is None or arrays.get("miss_m", np.zeros(0)).shape != (p,):
        return None
    if n_ok == 0:
        return (None, arrays["miss_m"]) if set(arrays) == {"miss_m"} else None
    if not {*_FLIGHT_ARRAYS, "assumptions"} <= set(arrays) or any(len(arrays[n]) != n_ok for n in _FLIGHT_ARRAYS):
        return None
    flight = FlightBatch(*(arrays[n] for n in _FLIGHT_ARRAYS), options=options, sample_dt_s=sample_dt_s,
                         samples=arrays.get("samples"), assumptions=tuple(str(a) for a in arrays["assumptions"]),
                         launch_azimuth_deg=arrays.get("launch_azimuth_deg"))
    return flight, arrays["miss_m"]


def aim_min_energy_cached(shots: list[Shot], options: FlightOptions | None = None,
                          sample_dt_s: float | None = 1.0, max_iterations: int = 25) -> AimedShots:
    """:func:`aim_min_energy` with its steering and its sampled flight kept in the disk cache
    (:mod:`thaadsim.diskcache`, folder ``aim/``): the same shots with the same vehicles,
    points, options and code are steered once, flown once per sampling interval, and read
    afterwards - the same numbers as a fresh search, bit for bit.  A scenario's salvo is
    aimed this way on every run (a warm run neither searches nor flies)."""
    from thaadsim.diskcache import cache_root, canonical, entry_key, write_entry

    options = options or FlightOptions()
    root = cache_root()
    if root is None or not shots:
        return aim_min_energy(shots, options, sample_dt_s, max_iterations)
    veh, launch, aim = _resolve(shots)
    key = _steering_key(veh, launch, aim, options, max_iterations)
    path = root / "aim" / f"{key}.npz"
    flight_key = entry_key({"steering": key, "sample_dt_s": canonical(sample_dt_s)})
    flight_path = root / "aim" / f"{flight_key}.npz"
    steering = _read_steering(path, key, len(shots))
    if steering is None:
        aimed, steering = _aim(shots, options, sample_dt_s, max_iterations)
        write_entry(path, key, CACHE_FORMAT, {
            "status": np.array([_STATUS.index(s) for s in steering.status], dtype=np.int64),
            **{n: np.asarray(getattr(steering, n), dtype=np.float64) for n in _FLOATS}})
        _write_flight(flight_path, flight_key, aimed.flight, aimed.miss_m)
        return aimed
    n_ok = sum(s == "ok" for s in steering.status)
    flown = _read_flight(flight_path, flight_key, len(shots), n_ok, options, sample_dt_s)
    if flown is None:
        flown = _fly_steered(veh, launch, aim, steering, options, sample_dt_s)
        _write_flight(flight_path, flight_key, *flown)
    return _aimed(shots, launch, aim, steering, *flown)
