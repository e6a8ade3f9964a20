"""The batch flight engine's public face: fly many trajectories, get their events.

``fly`` launches vehicles from geodetic sites with a steering choice each;
``fly_from_burnout`` starts reentry vehicles from given burnout states.  Both return a
``FlightBatch`` holding the event states (stage burnouts, apogee, impact) of every
trajectory and, on request, positions sampled on a fixed time grid.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Literal

import numpy as np

from thaadsim.earth import frames
from thaadsim.earth.atmosphere import H_MAX_M, PROFILE_BREAKS_M
from thaadsim.earth.constants import GM_EARTH_M3_S2, OMEGA_EARTH_RAD_S
from thaadsim.earth.kernels import EARTH_SPHERE, EARTH_WGS84
from thaadsim.errors import InputError
from thaadsim.flight import layout as L
from thaadsim.flight.kernels import fly_batch
from thaadsim.flight.vehicle import BOOST_CD, BOOST_CD_D2, BOOST_CD_MACH, Vehicle
from thaadsim.splines import natural_cubic_curvature

EarthName = Literal["wgs84", "sphere"]


@dataclass(frozen=True)
class FlightOptions:
    """Physics switches and integrator settings shared by a batch.

    ``earth='sphere'`` with ``rotation=False`` and ``drag=False`` is the validation mode
    of the closed forms (R = 6,371,008.8 m, point-mass gravity).
    """

    earth: EarthName = "wgs84"
    rotation: bool = True
    drag: bool = True
    rtol: float = 1e-10
    """Relative tolerance of the Dormand–Prince step control [-]."""
    t_max_s: float = 4 * 3600.0
    """A flight still aloft after this is reported as not impacting [s]."""
    max_step_s: float = 60.0
    """Largest integration step [s]; keeps sampled states accurate."""

    def __post_init__(self) -> None:
        if self.earth not in ("wgs84", "sphere"):
            raise InputError(f"unknown Earth model '{self.earth}'", field="earth", hint="use wgs84 or sphere")

    @property
    def earth_code(self) -> int:
        return EARTH_SPHERE if self.earth == "sphere" else EARTH_WGS84

    def describe(self) -> dict:
        return {
            "earth": self.earth,
            "rotation": self.rotation,
            "drag": self.drag,
            "integrator": f"Dormand-Prince 5(4), rtol {self.rtol:g}",
        }


AIR_ROW_M = 250.0
"""Largest row spacing of the flight's air table [m] (the spacing of ``atmosphere.kernel_table``)."""
_AIR_BOTTOM_M = -1_000.0


@cache
def _air_pieces() -> np.ndarray:
    """The pieces of the flight's air table: one row (start, end, spacing, first row, intervals,
    1 / spacing) per stretch of the 1976 profile between two of its breaks (``PROFILE_BREAKS_M``),
    each cut into equal intervals of at most ``AIR_ROW_M``; the rows of the pieces follow each
    other in ``_atmosphere_array``.  (The reciprocal: the look-up multiplies, a division being
    several times a multiplication's latency in a right-hand side that waits on it.)"""
    edges = (_AIR_BOTTOM_M, *PROFILE_BREAKS_M, H_MAX_M)
    pieces = np.empty((len(edges) - 1, 6))
    first = 0
    for k, (lo, hi) in enumerate(zip(edges[:-1], edges[1:], strict=True)):
        n = max(2, math.ceil((hi - lo) / AIR_ROW_M))
        pieces[k] = lo, hi, (hi - lo) / n, first, n, n / (hi - lo)
        first += n + 1
    return pieces


@cache
def _atmosphere_array() -> np.ndarray:
    """The flight's air table: rows ln(density), ln(pressure), speed of sound and their spline
    curvatures, over the pieces of ``_air_pieces``, each piece its own natural cubic spline.

    The 1976 profile is kinked where its layers meet (the temperature gradient jumps); one
    spline through them all (``atmosphere.kernel_table``, the tracker's) rounds each kink over a
    few rows and rings around it, so no step near a kink meets a smooth right-hand side: the
    integration there shrinks and rejects steps, and its error stops falling evenly with the
    tolerance.  Here each piece is smooth, the kinks stay where the standard puts them, and the
    integration steps onto them (``kernels._next_air_break``).  Each piece's end rows take the
    piece's own side of the break (at 86 km the two regions differ by ~1e-5)."""
    from thaadsim.earth import atmosphere  # (looked up at the call: validate's planted errors replace it)

    pieces = _air_pieces()
    air = np.empty((6, int(pieces[-1, 3] + pieces[-1, 4]) + 1))
    for lo, hi, _, first, n, _ in pieces:
        z = np.linspace(lo, hi, int(n) + 1)
        inside = z.copy()
        inside[0], inside[-1] = np.nextafter(lo, hi), np.nextafter(hi, lo)
        columns = np.column_stack((np.log(atmosphere.density(inside)), np.log(atmosphere.pressure(inside)),
                                   atmosphere.speed_of_sound(inside)))
        rows = slice(int(first), int(first + n) + 1)
        air[0:3, rows] = columns.T
        air[3:6, rows] = natural_cubic_curvature(z, columns).T
    return air


@dataclass
class FlightBatch:
    """Events of N trajectories (SI units, ECEF frame, ground-relative velocities).

    ``events[i, k]`` is (t, x, y, z, vx, vy, vz, m) of event k of trajectory i, NaN if it
    did not happen; rows 0..2 are stage burnouts, then apogee, then impact, then the
    payload's separation from the spent last stage (only where it comes after burnout:
    a vehicle with ``separation_alt_m`` above its burnout altitude).
    """

    status: np.ndarray
    events: np.ndarray
    n_stages: np.ndarray
    launch_lat_deg: np.ndarray
    launch_lon_deg: np.ndarray
    options: FlightOptions
    sample_dt_s: float | None = None
    samples: np.ndarray | None = None
    assumptions: tuple[str, ...] = field(default=())
    launch_azimuth_deg: np.ndarray | None = None
    steps: np.ndarray | None = None
    """(N, layout.N_STEP_COUNTS) integration steps of each trajectory: accepted, rejected, and
    those spent locating events (the integrator's cost; no physics)."""

    def __len__(self) -> int:
        return len(self.status)

    @property
    def ok(self) -> np.ndarray:
        return self.status == L.STATUS_IMPACT

    def _event(self, row: int | np.ndarray) -> np.ndarray:
        idx = np.arange(len(self))
        return self.events[idx, row]

    @property
    def burnout(self) -> np.ndarray:
        """(N, 8) state at the final burnout (for burnout-state flights: the start)."""
        last = np.maximum(self.n_stages - 1, 0)
        return self._event(L.EV_BURNOUT0 + last)

    @property
    def apogee(self) -> np.ndarray:
        return self._event(L.EV_APOGEE)

    @property
    def impact(self) -> np.ndarray:
        return self._event(L.EV_IMPACT)

    @property
    def separation(self) -> np.ndarray:
        """(N, 8) state where the payload left the spent stack; NaN where that was at burnout."""
        return self._event(L.EV_SEPARATION)

    def geodetic(self, state: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(lat_deg, lon_deg, alt_m) of event states; NaN where the event did not happen."""
        r = state[..., 1:4]
        good = np.isfinite(r).all(axis=-1)
        out = [np.full(good.shape, np.nan) for _ in range(3)]
        if good.any():
            for o, v in zip(out, frames.ecef_to_geodetic(r[good], earth=self.options.earth), strict=True):
                o[good] = v
        return out[0], out[1], out[2]

    def _geodesic_from_launch(self, lat, lon) -> tuple[np.ndarray, np.ndarray]:
        """(azimuth_deg, distance_m) from each launch point; NaN where lat/lon are NaN."""
        good = np.isfinite(lat) & np.isfinite(lon)
        az = np.full(lat.shape, np.nan)
        dist = np.full(lat.shape, np.nan)
        if good.any():
            a, _, d = frames.geodesic_inverse(self.launch_lat_deg[good], self.launch_lon_deg[good],
                                              lat[good], lon[good], earth=self.options.earth)
            az[good], dist[good] = a, d
        return az, dist

    @property
    def flight_time_s(self) -> np.ndarray:
        return self.impact[:, 0]

    @property
    def apogee_alt_m(self) -> np.ndarray:
        return self.geodetic(self.apogee)[2]

    @property
    def impact_lat_lon_deg(self) -> tuple[np.ndarray, np.ndarray]:
        lat, lon, _ = self.geodetic(self.impact)
        return lat, lon

    @property
    def range_m(self) -> np.ndarray:
        """Ground range from launch to impact along the geodesic [m]."""
        dist = self._geodesic_from_launch(*self.impact_lat_lon_deg)[1]
        return np.where(self.ok, dist, np.nan)

    @property
    def downrange_m(self) -> np.ndarray:
        """Range signed by direction: negative when the impact lies behind the launch azimuth
        (a near-vertical flight that the Earth's rotation carries backwards)."""
        if self.launch_azimuth_deg is None:
            return self.range_m
        delta = np.radians(self.impact_azimuth_deg - self.launch_azimuth_deg)
        return np.where(np.cos(delta) >= 0.0, self.range_m, -self.range_m)

    @property
    def impact_azimuth_deg(self) -> np.ndarray:
        return self._geodesic_from_launch(*self.impact_lat_lon_deg)[0]

    def speed_gamma(self, state: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Ground-relative speed [m/s], flight-path angle [rad] and height [m] of states."""
        lat, lon, alt = self.geodetic(state)
        up = frames.enu_rotation(np.nan_to_num(lat), np.nan_to_num(lon), earth=self.options.earth)[..., 2, :]
        v = state[..., 4:7]
        speed = np.linalg.norm(v, axis=-1)
        with np.errstate(invalid="ignore", divide="ignore"):
            gamma = np.arcsin(np.clip(np.sum(v * up, axis=-1) / speed, -1.0, 1.0))
        return speed, gamma, alt

    def status_text(self, i: int) -> str:
        return L.STATUS_TEXT[int(self.status[i])]


def _launch_states(lat_deg, lon_deg, alt_m, mass_kg, earth: str) -> np.ndarray:
    r = frames.geodetic_to_ecef(lat_deg, lon_deg, alt_m, earth=earth)
    y = np.zeros((len(np.atleast_1d(lat_deg)), 7))
    y[:, 0:3] = r
    y[:, 6] = mass_kg
    return y


def _run(y0: np.ndarray, params: np.ndarray, options: FlightOptions, sample_dt_s: float | None):
    dt = float(sample_dt_s) if sample_dt_s else 0.0
    if sample_dt_s is not None and not (dt > 0.0):
        raise InputError("must be positive", field="sample_dt_s")
    n_samples = int(math.floor(options.t_max_s / dt)) + 1 if dt > 0 else 0
    status, events, samples, steps = fly_batch(
        np.ascontiguousarray(y0, dtype=np.float64),
        np.ascontiguousarray(params, dtype=np.float64),
        options.earth_code,
        options.rotation,
        options.drag,
        _air_pieces(),
        _atmosphere_array(),
        BOOST_CD_MACH,
        BOOST_CD,
        BOOST_CD_D2,
        options.rtol,
        options.t_max_s,
        options.max_step_s,
        dt,
        n_samples,
    )
    if dt > 0:
        # Trim the time grid to the longest flight.
        alive = np.isfinite(samples[:, :, 0]).any(axis=0)
        k = int(np.nonzero(alive)[0].max()) + 1 if alive.any() else 0
        samples = samples[:, :k]
    return status, events, (samples if dt > 0 else None), steps


def fly(
    vehicles: Vehicle | Sequence[Vehicle],
    launch_lat_deg,
    launch_lon_deg,
    launch_alt_m,
    azimuth_deg,
    kick_deg,
    burn_fraction=1.0,
    options: FlightOptions | None = None,
    sample_dt_s: float | None = None,
) -> FlightBatch:
    """Fly a batch of missiles from launch to impact.

    Arguments broadcast to a common length N: one vehicle or N; launch points, launch
    azimuths (clockwise from north, ground frame), pitch-over kick angles and
    last-stage burn fractions (thrust termination; 1 = full burn).
    """
    options = options or FlightOptions()
    if isinstance(vehicles, Vehicle):
        one = _scalars(launch_lat_deg, launch_lon_deg, launch_alt_m, azimuth_deg, kick_deg, burn_fraction)
        if one is not None:
            return _fly_one(vehicles, *one, options, sample_dt_s)
    lat, lon, alt, az, kick, frac = _columns(launch_lat_deg, launch_lon_deg, launch_alt_m, azimuth_deg, kick_deg,
                                             burn_fraction)
    n = len(lat)
    if isinstance(vehicles, Vehicle):
        vehicles = [vehicles] * n
    elif len(vehicles) == 1 and n > 1:
        vehicles = list(vehicles) * n
    elif len(vehicles) != n:
        if n == 1:
            n = len(vehicles)
            lat, lon, alt, az, kick, frac = (np.repeat(a, n) for a in (lat, lon, alt, az, kick, frac))
        else:
            raise InputError(f"{len(vehicles)} vehicles for {n} launches", field="vehicles")
    _check_steering(((kick < 0) | (kick >= 90)).any(), ((frac <= 0) | (frac > 1)).any())
    params, masses, assumptions = _pack(vehicles, kick, az, frac)
    y0 = _launch_states(lat, lon, alt, masses, options.earth)
    status, events, samples, steps = _run(y0, params, options, sample_dt_s)
    return FlightBatch(status, events, params[:, L.N_STAGES].astype(int), lat, lon, options,
                       sample_dt_s, samples, assumptions, launch_azimuth_deg=az, steps=steps)


def _check_steering(bad_kick, bad_fraction) -> None:
    if bad_kick:
        raise InputError("kick angle must be in [0, 90) degrees", field="kick_deg")
    if bad_fraction:
        raise InputError("burn fraction must be in (0, 1]", field="burn_fraction")


def _scalars(*values) -> list[float] | None:
    """The arguments as plain floats when every one is a plain number (float, int, NumPy
    float64), else None."""
    if all(type(v) in (float, int, np.float64) for v in values):
        return [float(v) for v in values]
    return None


def _fly_one(vehicle: Vehicle, lat: float, lon: float, alt: float, az: float, kick: float, frac: float,
             options: FlightOptions, sample_dt_s) -> FlightBatch:
    """:func:`fly` for one vehicle and one launch given as plain numbers: the same checks, arrays
    and results (the same bits), without the broadcast and per-vehicle packing of a batch, which
    cost a one-trajectory call more than its flight's wrapper should (issue 12)."""
    _check_steering(kick < 0 or kick >= 90, frac <= 0 or frac > 1)  # (NaN passes, as in a batch)
    params = vehicle.pack(math.radians(kick), math.radians(az), frac)[None, :]
    y0 = np.zeros((1, 7))
    y0[0, 0:3] = frames.geodetic_to_ecef(lat, lon, alt, earth=options.earth)
    y0[0, 6] = vehicle.launch_mass_kg
    status, events, samples, steps = _run(y0, params, options, sample_dt_s)
    return FlightBatch(status, events, np.array([len(vehicle.stages)]), np.array([lat]), np.array([lon]), options,
                       sample_dt_s, samples, tuple(dict.fromkeys(vehicle.assumptions)),
                       launch_azimuth_deg=np.array([az]), steps=steps)


def _columns(*values) -> list[np.ndarray]:
    """The arguments as float64 arrays of one common length (one-element arrays for scalars,
    without the broadcast machinery: a one-trajectory call is mostly this wrapper)."""
    if all(isinstance(v, float | int) for v in values):
        return [np.array([float(v)]) for v in values]
    return list(np.broadcast_arrays(*(np.atleast_1d(np.asarray(v, dtype=float)) for v in values)))


def _pack(vehicles: Sequence[Vehicle], kick_deg: np.ndarray, azimuth_deg: np.ndarray, fraction: np.ndarray):
    """(parameter rows, launch masses, the vehicles' assumptions in order) of a batch: each distinct
    vehicle packed once, the steering columns filled for all rows at once."""
    distinct: dict[int, int] = {}
    which = np.empty(len(vehicles), dtype=np.intp)
    for i, v in enumerate(vehicles):
        which[i] = distinct.setdefault(id(v), len(distinct))
    unique = list({id(v): v for v in vehicles}.values())
    rows = np.stack([v.pack(0.0, 0.0, 1.0) for v in unique])
    params = rows[which]
    params[:, L.KICK_RAD] = np.radians(kick_deg)
    params[:, L.AZIMUTH_RAD] = np.radians(azimuth_deg)
    params[:, L.BURN_FRACTION] = fraction
    masses = np.array([v.launch_mass_kg for v in unique])[which]
    assumptions = tuple(dict.fromkeys(a for v in unique for a in v.assumptions))
    return params, masses, assumptions


def burnout_states(lat_deg, lon_deg, alt_m, speed_m_s, gamma_deg, azimuth_deg, earth: str = "wgs84"):
    """ECEF position and ground-relative velocity from a burnout state in local terms."""
    return _burnout_states(lat_deg, lon_deg, alt_m, speed_m_s, gamma_deg, azimuth_deg, earth)[:2]


def _burnout_states(lat_deg, lon_deg, alt_m, speed_m_s, gamma_deg, azimuth_deg, earth: str):
    """:func:`burnout_states` plus the broadcast latitudes, longitudes and azimuths."""
    lat, lon, alt, v, gam, az = np.broadcast_arrays(
        *(np.atleast_1d(np.asarray(a, dtype=float)) for a in
          (lat_deg, lon_deg, alt_m, speed_m_s, gamma_deg, azimuth_deg))
    )
    if ((gam <= 0) | (gam >= 90)).any():
        raise InputError("flight-path angle must be inside (0, 90) degrees", field="gamma_deg")
    if (v <= 0).any():
        raise InputError("burnout speed must be positive", field="burnout_speed_m_s")
    r = frames.geodetic_to_ecef(lat, lon, alt, earth=earth)
    rot = frames.enu_rotation(lat, lon, earth=earth)  # rows: east, north, up
    g, a = np.radians(gam), np.radians(az)
    horizontal = v * np.cos(g)
    enu = np.empty(v.shape + (3,))
    enu[..., 0] = horizontal * np.sin(a)
    enu[..., 1] = horizontal * np.cos(a)
    enu[..., 2] = v * np.sin(g)
    vel = np.einsum("nij,ni->nj", rot, enu)
    return r, vel, lat, lon, az


def fly_from_burnout(
    launch_lat_deg,
    launch_lon_deg,
    burnout_alt_m,
    speed_m_s,
    gamma_deg,
    azimuth_deg,
    rv_beta_kg_m2: float = 1.0e4,
    options: FlightOptions | None = None,
    sample_dt_s: float | None = None,
) -> FlightBatch:
    """Free flight of reentry vehicles from burnout states (as analysts often start).

    Speeds, flight-path angles and azimuths are ground-relative (ECEF).  With drag on,
    the vehicle's ballistic coefficient ``rv_beta_kg_m2`` applies.  A speed at or above
    the local escape speed is an error: this is a ballistic engine.
    """
    options = options or FlightOptions()
    # One broadcast serves the states and the batch's launch points: a one-trajectory call
    # is mostly this wrapper (the kernel flies a vacuum arc in ~20 µs).
    r, vel, lat, lon, az = _burnout_states(launch_lat_deg, launch_lon_deg, burnout_alt_m, speed_m_s, gamma_deg,
                                           azimuth_deg, options.earth)
    inertial = vel.copy()
    if options.rotation:  # + omega x r, omega along z
        inertial[:, 0] -= OMEGA_EARTH_RAD_S * r[:, 1]
        inertial[:, 1] += OMEGA_EARTH_RAD_S * r[:, 0]
    energy = 0.5 * np.sum(inertial**2, axis=1) - GM_EARTH_M3_S2 / np.linalg.norm(r, axis=1)
    if (energy >= 0).any():
        v_esc = np.sqrt(2 * GM_EARTH_M3_S2 / np.linalg.norm(r, axis=1))
        raise InputError(
            f"speed reaches escape speed ({v_esc.min():.0f} m/s here): not a ballistic flight",
            field="burnout_speed_m_s",
            hint="give a speed below the escape speed",
        )
    if not rv_beta_kg_m2 > 0:
        raise InputError("must be positive", field="rv_beta_kg_m2")
    n = len(r)
    y0 = np.zeros((n, 7))
    y0[:, :3] = r
    y0[:, 3:6] = vel
    params = np.zeros((n, L.N_PARAMS))
    params[:, L.PAYLOAD_KG] = 1.0
    params[:, L.RV_BETA_KG_M2] = rv_beta_kg_m2
    params[:, L.BURN_FRACTION] = 1.0
    status, events, samples, steps = _run(y0, params, options, sample_dt_s)
    events[:, L.EV_BURNOUT0, 0] = 0.0
    events[:, L.EV_BURNOUT0, 1:7] = y0[:, :6]
    events[:, L.EV_BURNOUT0, 7] = 1.0
    assumptions = (f"reentry-vehicle ballistic coefficient {rv_beta_kg_m2:g} kg/m^2",) if options.drag else ()
    return FlightBatch(status, events, np.zeros(n, dtype=int), lat.copy(), lon.copy(), options, sample_dt_s,
                       samples, assumptions, launch_azimuth_deg=az.copy(), steps=steps)
