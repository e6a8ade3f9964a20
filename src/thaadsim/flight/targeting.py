"""Targeting: find the steering that carries a missile from a launch point to an aim point.

The steering program has three free numbers: the launch azimuth, the pitch-over kick
angle (which sets how steep the gravity turn is) and the fraction of the last stage's
propellant burnt before thrust termination (which sets the energy).  Profiles:

- ``min-energy``: the kick that maximises range, with just enough burn to reach the
  aim point (the least burnout speed that reaches it); at full burn this is the
  missile's maximum range.
- ``lofted``: steeper than minimum-energy; full burn, or a given apogee.
- ``depressed``: flatter than minimum-energy; full burn, a given apogee, or a given
  burnout flight-path angle.

Each one-dimensional solve is a bracketed root search (Brent) on a monotone function:
apogee and burnout flight-path angle fall as the kick grows; range grows with the
burn fraction along a curve of fixed apogee.  The azimuth is then corrected for the
Earth's rotation until the impact lies on the geodesic to the aim point.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy.optimize import brentq, minimize_scalar

from thaadsim.earth import frames
from thaadsim.errors import ConvergenceError, InputError, UnreachableError
from thaadsim.flight.engine import FlightBatch, FlightOptions, fly
from thaadsim.flight.vehicle import Vehicle

Profile = Literal["min-energy", "lofted", "depressed"]
PROFILES = ("min-energy", "lofted", "depressed")

KICK_MIN_DEG = 1e-4
KICK_MAX_DEG = 75.0
MISS_TOLERANCE_M = 100.0
"""Aim-point miss the solver iterates down to (the contract asks for < 1 km)."""


@dataclass(frozen=True)
class Launch:
    lat_deg: float
    lon_deg: float
    alt_m: float = 0.0


@dataclass
class Solution:
    """A steering choice and the flight it gives."""

    kick_deg: float
    azimuth_deg: float
    burn_fraction: float
    flight: FlightBatch
    profile: str
    miss_m: float = float("nan")

    @property
    def range_m(self) -> float:
        return float(self.flight.range_m[0])


class _Shooter:
    """Flies single trajectories of one vehicle from one launch point and caches them."""

    def __init__(self, vehicle: Vehicle, launch: Launch, options: FlightOptions):
        self.vehicle = vehicle
        self.launch = launch
        self.options = options
        self._cache: dict[tuple[float, float, float], FlightBatch] = {}

    def many(self, azimuth_deg: float, kicks_deg: np.ndarray, fraction: float = 1.0) -> FlightBatch:
        return fly(self.vehicle, self.launch.lat_deg, self.launch.lon_deg, self.launch.alt_m,
                   azimuth_deg, kicks_deg, fraction, self.options)

    def one(self, azimuth_deg: float, kick_deg: float, fraction: float = 1.0) -> FlightBatch:
        key = (azimuth_deg, kick_deg, fraction)
        if key not in self._cache:
            self._cache[key] = self.many(azimuth_deg, np.array([kick_deg]), fraction)
        return self._cache[key]

    def range_m(self, az: float, kick: float, frac: float = 1.0) -> float:
        batch = self.one(az, kick, frac)
        return float(batch.range_m[0]) if batch.ok[0] else 0.0

    def apogee_m(self, az: float, kick: float, frac: float = 1.0) -> float:
        """Apogee height; 0 for a missile that never flies a ballistic arc (no lift-off, crash)."""
        value = float(self.one(az, kick, frac).apogee_alt_m[0])
        return value if np.isfinite(value) else 0.0

    def burnout_gamma_deg(self, az: float, kick: float, frac: float = 1.0) -> float:
        batch = self.one(az, kick, frac)
        return math.degrees(float(batch.speed_gamma(batch.burnout)[1][0]))


def _max_range(shooter: _Shooter, az: float, frac: float = 1.0) -> tuple[float, float]:
    """(kick [deg], range [m]) of the range-maximising kick at this burn fraction."""
    grid = np.linspace(1.0, 60.0, 60)
    batch = shooter.many(az, grid, frac)
    ranges = np.where(batch.ok, batch.range_m, 0.0)
    i = int(np.argmax(ranges))
    if ranges[i] <= 0.0:
        raise UnreachableError(
            f"{shooter.vehicle.name} does not fly a ballistic arc at burn fraction {frac:.2f}",
            field="missile", hint=batch.status_text(i))
    lo, hi = grid[max(i - 1, 0)], grid[min(i + 1, len(grid) - 1)]
    res = minimize_scalar(lambda k: -shooter.range_m(az, k, frac), bounds=(lo, hi), method="bounded",
                          options={"xatol": 1e-4})
    if -res.fun >= ranges[i]:
        return float(res.x), float(-res.fun)
    return float(grid[i]), float(ranges[i])


def max_range(vehicle: Vehicle, launch: Launch, azimuth_deg: float,
              options: FlightOptions | None = None) -> Solution:
    """The missile's maximum range (minimum-energy trajectory, full burn) along an azimuth."""
    shooter = _Shooter(vehicle, launch, options or FlightOptions())
    kick, _ = _max_range(shooter, azimuth_deg)
    return Solution(kick, azimuth_deg, 1.0, shooter.one(azimuth_deg, kick), "min-energy")


def _bracket_root(fun, lo: float, hi: float, what: str) -> float:
    f_lo, f_hi = fun(lo), fun(hi)
    if f_lo * f_hi > 0:
        raise ConvergenceError(f"no bracket for {what}")
    return brentq(fun, lo, hi, xtol=1e-9, rtol=1e-12, maxiter=200)


def _kick_for(shooter: _Shooter, az: float, frac: float, metric: str, target: float,
              kick_hi: float) -> float:
    """The kick at which a metric that falls with the kick (apogee, burnout gamma) hits target."""
    get = shooter.apogee_m if metric == "apogee" else shooter.burnout_gamma_deg
    fun = lambda k: get(az, k, frac) - target  # noqa: E731
    shown = (lambda x: f"{x / 1e3:,.0f} km") if metric == "apogee" else (lambda x: f"{x:.1f} deg")  # noqa: E731
    field = "apogee_km" if metric == "apogee" else "gamma_deg"
    highest = get(az, KICK_MIN_DEG, frac)
    if highest < target:
        raise UnreachableError(f"{metric} {shown(target)} is above the most {shooter.vehicle.name} reaches "
                               f"({shown(highest)}) at this burn", field=field)
    lowest = get(az, kick_hi, frac)
    if lowest > target:
        raise UnreachableError(f"{metric} {shown(target)} is below the least the steering program gives "
                               f"({shown(lowest)})", field=field)
    return _bracket_root(fun, KICK_MIN_DEG, kick_hi, metric)


def _largest_flying_kick(shooter: _Shooter, az: float, frac: float) -> float:
    grid = np.linspace(KICK_MIN_DEG, KICK_MAX_DEG, 76)
    ok = shooter.many(az, grid, frac).ok
    bad = np.nonzero(~ok & (grid > 5.0))[0]
    return float(grid[bad[0] - 1]) if len(bad) else KICK_MAX_DEG


def _solve_at_azimuth(shooter: _Shooter, az: float, distance_m: float, profile: str,
                      apogee_m: float | None, gamma_deg: float | None) -> tuple[float, float]:
    """(kick, burn fraction) whose impact lies ``distance_m`` away along azimuth ``az``."""
    kick_star, r_max = _max_range(shooter, az)
    name = shooter.vehicle.name
    if distance_m > r_max:
        raise UnreachableError(
            f"aim point is {distance_m / 1e3:,.0f} km away; {name}'s maximum range in that direction "
            f"is {r_max / 1e3:,.0f} km",
            field="to", hint="choose a nearer aim point or another missile")
    constraint = ("apogee", apogee_m) if apogee_m is not None else (
        ("gamma", gamma_deg) if gamma_deg is not None else None)

    if constraint is None and profile == "min-energy":
        if distance_m > r_max * (1 - 1e-9):
            return kick_star, 1.0
        def reach(f: float) -> float:
            try:
                return _max_range(shooter, az, f)[1]
            except UnreachableError:
                return 0.0  # so short a burn that the missile never flies an arc

        frac = _bracket_root(lambda f: reach(f) - distance_m, 1e-3, 1.0, "burn fraction")
        return _max_range(shooter, az, frac)[0], frac

    if constraint is None:
        fun = lambda k: shooter.range_m(az, k) - distance_m  # noqa: E731
        if profile == "lofted":
            return _bracket_root(fun, KICK_MIN_DEG, kick_star, "lofted kick"), 1.0
        k_hi = _largest_flying_kick(shooter, az, 1.0)
        if fun(k_hi) > 0:
            raise UnreachableError(
                f"a full-burn depressed flight of {name} cannot land as short as "
                f"{distance_m / 1e3:,.0f} km", field="to", hint="give --apogee-km for the depressed flight")
        return _bracket_root(fun, kick_star, k_hi, "depressed kick"), 1.0

    metric, target = constraint
    k_hi = _largest_flying_kick(shooter, az, 1.0)

    def range_at(frac: float) -> float:
        kick = _kick_for(shooter, az, frac, metric, target, k_hi)
        return shooter.range_m(az, kick, frac)

    full = range_at(1.0)
    if full < distance_m:
        raise UnreachableError(
            f"with {metric} {target / 1e3 if metric == 'apogee' else target:,.1f}"
            f"{' km' if metric == 'apogee' else ' deg'} {name} reaches only "
            f"{full / 1e3:,.0f} km, short of the aim point at {distance_m / 1e3:,.0f} km",
            field="apogee_km" if metric == "apogee" else "gamma_deg",
            hint="a lower apogee reaches further" if metric == "apogee" else "choose another angle")
    # The least burn that still reaches the constraint: there the flight is (nearly) vertical
    # and lands short of any aim point, which brackets the solution from below.
    lo = None
    if metric == "apogee":
        f_min = _bracket_root(lambda f: shooter.apogee_m(az, KICK_MIN_DEG, f) - target, 1e-3, 1.0, "least burn")
        lo = min(f_min * (1.0 + 1e-6) + 1e-9, 1.0)
        if range_at(lo) >= distance_m:
            lo = None
    else:
        # A burnout angle can be had at any burn; the shortest burn that still flies an arc
        # lands short of the aim point.
        for f in (0.02, 0.05, 0.1, 0.2, 0.4, 0.7):
            try:
                if range_at(f) < distance_m:
                    lo = f
                    break
            except UnreachableError:
                continue
    if lo is None:
        raise UnreachableError("the aim point is too close for this constraint",
                               field="apogee_km" if metric == "apogee" else "gamma_deg")
    frac = _bracket_root(lambda f: range_at(f) - distance_m, lo, 1.0, "burn fraction")
    return _kick_for(shooter, az, frac, metric, target, k_hi), frac


def solve(vehicle: Vehicle, launch: Launch, aim_lat_deg: float, aim_lon_deg: float,
          profile: str = "min-energy", apogee_m: float | None = None, gamma_deg: float | None = None,
          options: FlightOptions | None = None) -> Solution:
    """Steer ``vehicle`` from ``launch`` onto the aim point; the impact lands within 100 m."""
    if profile not in PROFILES:
        raise InputError(f"unknown profile '{profile}'", field="profile", hint="use " + ", ".join(PROFILES))
    if apogee_m is not None and profile == "min-energy":
        raise InputError("a minimum-energy flight has no free apogee", field="apogee_km",
                         hint="use --profile lofted or depressed with --apogee-km")
    if gamma_deg is not None and profile != "depressed":
        raise InputError("a burnout flight-path angle is given only with --profile depressed",
                         field="gamma_deg")
    options = options or FlightOptions()
    shooter = _Shooter(vehicle, launch, options)
    az0, _, distance = frames.geodesic_inverse(launch.lat_deg, launch.lon_deg, aim_lat_deg, aim_lon_deg,
                                               earth=options.earth)
    az0, distance = float(az0), float(distance)
    if distance < 1e3:
        raise InputError("aim point lies within 1 km of the launch point", field="to")
    az = az0
    target_distance = distance
    for _ in range(8):
        kick, frac = _solve_at_azimuth(shooter, az, target_distance, profile, apogee_m, gamma_deg)
        batch = shooter.one(az, kick, frac)
        lat, lon = batch.impact_lat_lon_deg
        _, _, miss = frames.geodesic_inverse(lat, lon, aim_lat_deg, aim_lon_deg, earth=options.earth)
        miss = float(miss[0])
        if miss < MISS_TOLERANCE_M:
            return Solution(kick, az, frac, batch, profile, miss)
        # Rotation bends the ground track: steer by the azimuth error seen from the launch point,
        # and ask for the range the impact fell short or long by.
        az_hit = float(batch.impact_azimuth_deg[0])
        az = (az + (az0 - az_hit) + 540.0) % 360.0 - 180.0
        target_distance += distance - float(batch.range_m[0])
    raise ConvergenceError(f"targeting missed the aim point by {miss / 1e3:.2f} km after 8 corrections",
                           field="to")
