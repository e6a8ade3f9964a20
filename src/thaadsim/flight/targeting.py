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
Earth's rotation until the impact lies on the geodesic to the aim point; each correction
starts its searches from the previous solution (a small bracket around it, the full search
where none holds the root), and the flights are kept per process by (vehicle, launch,
options) (``shooter_for``), so a replay, its maximum range and the validation rows that ask
again share them.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, replace
from functools import lru_cache
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
MAX_RANGE_KICK_DEG = 89.5
"""Largest kick the range-maximising search tries [deg]; beyond it every flight dives into the ground."""
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


def _downrange_of_one(batch: FlightBatch) -> float:
    """``batch.downrange_m[0]`` of a one-flight batch (0 where it did not impact), with the impact
    point converted once: the property converts it three times, about half a single flight's cost."""
    if not batch.ok[0]:
        return 0.0
    azimuth, distance = batch._geodesic_from_launch(*batch.impact_lat_lon_deg)
    behind = math.cos(math.radians(float(azimuth[0]) - float(batch.launch_azimuth_deg[0]))) < 0.0
    return -float(distance[0]) if behind else float(distance[0])


class _Shooter:
    """Flies single trajectories of one vehicle from one launch point and caches them.

    Every cache here is a pure function of the shooter's (vehicle, launch, options) and the
    call's arguments, so ``shooter_for`` can share one shooter per process between the
    searches that fly the same missile from the same point (a replay's targeting, its
    maximum range, the validation rows that ask again).
    """

    def __init__(self, vehicle: Vehicle, launch: Launch, options: FlightOptions):
        self.vehicle = vehicle
        self.launch = launch
        self.options = options
        self._cache: dict[tuple[float, float, float], FlightBatch] = {}
        # Scalars read off the cached flights: the geodetic and geodesic conversions behind
        # them cost about half a single flight, and the root searches read them repeatedly.
        self._scalars: dict[tuple[str, float, float, float], float] = {}
        # _max_range results by (azimuth, burn fraction): the nested searches over the burn
        # fraction ask for the same fraction several times (reach, branch kick, constraint)
        self.max_range_cache: dict[tuple[float, float], tuple[float, float] | UnreachableError] = {}
        self.largest_flying_cache: dict[tuple[float, float], float] = {}

    def many(self, azimuth_deg: float, kicks_deg: np.ndarray, fraction: float = 1.0) -> FlightBatch:
        return fly(self.vehicle, self.launch.lat_deg, self.launch.lon_deg, self.launch.alt_m,
                   azimuth_deg, kicks_deg, fraction, self.options)

    def one(self, azimuth_deg: float, kick_deg: float, fraction: float = 1.0) -> FlightBatch:
        """The flight (shared: callers must not modify it; ``copy_batch`` for one to keep)."""
        key = (azimuth_deg, kick_deg, fraction)
        if key not in self._cache:
            batch = self.many(azimuth_deg, np.array([kick_deg]), fraction)
            for array in (batch.status, batch.events, batch.n_stages, batch.launch_lat_deg, batch.launch_lon_deg,
                          batch.launch_azimuth_deg):
                if array is not None:
                    array.flags.writeable = False  # a shared flight that someone wrote into would go stale
            self._cache[key] = batch
        return self._cache[key]

    def _scalar(self, what: str, az: float, kick: float, frac: float, read) -> float:
        key = (what, az, kick, frac)
        if key not in self._scalars:
            self._scalars[key] = read(self.one(az, kick, frac))
        return self._scalars[key]

    def range_m(self, az: float, kick: float, frac: float = 1.0) -> float:
        """Downrange [m]: negative when the impact falls behind the launch point."""
        return self._scalar("range", az, kick, frac, _downrange_of_one)

    def flies(self, az: float, kick: float, frac: float = 1.0) -> bool:
        """Whether the flight comes down as a ballistic impact (not a crash or a failure)."""
        return bool(self.one(az, kick, frac).ok[0])

    def apogee_m(self, az: float, kick: float, frac: float = 1.0) -> float:
        """Apogee height; 0 for a missile that never flies a ballistic arc (no lift-off, crash)."""
        def read(batch: FlightBatch) -> float:
            value = float(batch.apogee_alt_m[0])
            return value if np.isfinite(value) else 0.0

        return self._scalar("apogee", az, kick, frac, read)

    def burnout_gamma_deg(self, az: float, kick: float, frac: float = 1.0) -> float:
        return self._scalar("gamma", az, kick, frac,
                            lambda b: math.degrees(float(b.speed_gamma(b.burnout)[1][0])))


SHOOTERS_KEPT = 16
"""Shooters ``shooter_for`` keeps (least recently used dropped): each holds its flights
(about 1.5 kB each, a few thousand for a replay flown below full energy)."""


def shooter_for(vehicle: Vehicle, launch: Launch, options: FlightOptions) -> _Shooter:
    """The process's shooter of this vehicle, launch point and flight options.

    Keyed on their values (frozen dataclasses: a vehicle with any other stage, mass or
    steering figure, another launch point or another option is another key; the vehicle's
    assumptions, which its equality leaves out, ride on its flights and are in the key too),
    so a cached flight is always the one these inputs give.  The engine's inputs that are not
    arguments (its atmosphere table and boost drag curve, which validate's planted-error tests
    replace in a running process) and the searches' kick limits are in the key as well.
    """
    return _kept_shooter(vehicle, vehicle.assumptions, launch, options, _engine_inputs())


def _digest(array: np.ndarray) -> bytes:
    return hashlib.blake2b(np.ascontiguousarray(array).tobytes(), digest_size=16).digest()


def _engine_inputs() -> tuple:
    """What a flight and a search depend on beyond their arguments, by content."""
    from thaadsim.flight import engine

    return (_digest(engine._atmosphere_array()), _digest(engine.BOOST_CD_MACH), _digest(engine.BOOST_CD),
            _digest(engine.BOOST_CD_D2), KICK_MIN_DEG, KICK_MAX_DEG, MAX_RANGE_KICK_DEG)


@lru_cache(maxsize=SHOOTERS_KEPT)
def _kept_shooter(vehicle: Vehicle, assumptions: tuple[str, ...], launch: Launch, options: FlightOptions,
                  engine_inputs: tuple) -> _Shooter:
    return _Shooter(vehicle, launch, options)


def copy_batch(batch: FlightBatch) -> FlightBatch:
    """A private, writable copy of a (shared) cached flight."""
    arrays = {name: (None if getattr(batch, name) is None else np.array(getattr(batch, name)))
              for name in ("status", "events", "n_stages", "launch_lat_deg", "launch_lon_deg", "samples",
                           "launch_azimuth_deg")}
    return replace(batch, **arrays)


def _max_range(shooter: _Shooter, az: float, frac: float = 1.0) -> tuple[float, float]:
    """(kick [deg], range [m]) of the range-maximising kick at this burn fraction (cached on
    the shooter: a pure function of its vehicle, launch, options and the two arguments)."""
    key = (az, frac)
    if key not in shooter.max_range_cache:
        try:
            shooter.max_range_cache[key] = _search_max_range(shooter, az, frac)
        except UnreachableError as error:
            shooter.max_range_cache[key] = error
    found = shooter.max_range_cache[key]
    if isinstance(found, UnreachableError):
        raise found
    return found


MAX_RANGE_GRID_POINTS = 90
"""Kicks of the range-maximising search's grid, 1 deg to ``MAX_RANGE_KICK_DEG`` (~1 deg apart)."""
MAX_RANGE_GRID_STRIDES = (9, 3, 1)
"""The grid is searched coarse to fine: every 9th kick, then every 3rd between the best one's
neighbours, then every one between the new best one's neighbours (~19 flights instead of 90).
Where the range is unimodal in the kick on the scale of 9 grid steps (~9 deg) the best kick of
each pass lies between the neighbours of the coarser pass's best one, so the search ends on the
full grid's best kick and its bracket: the same flights and the same answer as flying all 90.
That is an assumption, so it is checked where it can be: if the ranges of a pass are not
unimodal (they rise, then fall) the search flies the whole grid instead, as it always did."""


def _unimodal(values: np.ndarray) -> bool:
    """Whether ``values`` rise (or stay) up to their first maximum and fall (or stay) after it."""
    peak = int(np.argmax(values))
    steps = np.diff(values)
    return bool(np.all(steps[:peak] >= 0.0) and np.all(steps[peak:] <= 0.0))


def _best_grid_kick(shooter: _Shooter, az: float, frac: float, grid: np.ndarray) -> tuple[int, float]:
    """(index, range [m]) of the longest flight of the kick ``grid`` (0 for one that does not fly),
    searched coarse to fine (``MAX_RANGE_GRID_STRIDES``); the first of equal ranges, as ``np.argmax``."""
    n = len(grid)
    ranges = np.full(n, np.nan)
    lo, hi = 0, n - 1
    best = 0
    for stride in MAX_RANGE_GRID_STRIDES:
        indices = sorted(set(range(lo, hi + 1, stride)) | {hi})
        new = [j for j in indices if np.isnan(ranges[j])]
        if new:
            batch = shooter.many(az, grid[new], frac)
            ranges[new] = np.where(batch.ok, batch.range_m, 0.0)
        at = int(np.argmax(ranges[indices]))
        best = indices[at]
        if ranges[best] <= 0.0 or not _unimodal(ranges[indices]):
            best = -1  # nothing flies at this spacing, or a second hump: the full grid decides
            break
        lo, hi = indices[max(at - 1, 0)], indices[min(at + 1, len(indices) - 1)]
    if best < 0:
        batch = shooter.many(az, grid, frac)
        ranges = np.where(batch.ok, batch.range_m, 0.0)
        best = int(np.argmax(ranges))
        if ranges[best] <= 0.0:
            raise UnreachableError(
                f"{shooter.vehicle.name} does not fly a ballistic arc at burn fraction {frac:.2f}",
                field="missile", hint=batch.status_text(best))
    return best, float(ranges[best])


def _search_max_range(shooter: _Shooter, az: float, frac: float) -> tuple[float, float]:
    """(kick [deg], range [m]) of the range-maximising kick at this burn fraction.

    The grid spans the kicks that still fly (up to 89.5 deg): a high-thrust first stage
    needs a large kick to fly its range-maximising turn (the Hwasong-15 model: ~85 deg);
    a grid that stopped at 60 deg returned a steeper flight than the optimum, with too
    high an apogee and too short a range.  The best grid kick is refined by a bounded
    search between its neighbours.
    """
    grid = np.linspace(1.0, MAX_RANGE_KICK_DEG, MAX_RANGE_GRID_POINTS)
    i, best = _best_grid_kick(shooter, az, frac, grid)
    lo, hi = grid[max(i - 1, 0)], grid[min(i + 1, len(grid) - 1)]
    res = minimize_scalar(lambda k: -shooter.range_m(az, k, frac), bounds=(lo, hi), method="bounded",
                          options={"xatol": 1e-4})
    if -res.fun >= best:
        return float(res.x), float(-res.fun)
    return float(grid[i]), best


def max_range(vehicle: Vehicle, launch: Launch, azimuth_deg: float,
              options: FlightOptions | None = None) -> Solution:
    """The missile's maximum range (minimum-energy trajectory, full burn) along an azimuth."""
    shooter = shooter_for(vehicle, launch, options or FlightOptions())
    kick, _ = _max_range(shooter, azimuth_deg)
    return Solution(kick, azimuth_deg, 1.0, copy_batch(shooter.one(azimuth_deg, kick)), "min-energy")


def _bracket_root(fun, lo: float, hi: float, what: str) -> float:
    f_lo, f_hi = fun(lo), fun(hi)
    if f_lo * f_hi > 0:
        raise ConvergenceError(f"no bracket for {what}")
    return brentq(fun, lo, hi, xtol=1e-9, rtol=1e-12, maxiter=200)


def _kick_for(shooter: _Shooter, az: float, frac: float, metric: str, target: float,
              kick_hi: float, branch: str = "falling") -> float:
    """The kick at which a metric that falls with the kick (apogee, burnout gamma) hits target."""
    get = shooter.apogee_m if metric == "apogee" else shooter.burnout_gamma_deg
    fun = lambda k: get(az, k, frac) - target  # noqa: E731
    shown = (lambda x: f"{x / 1e3:,.0f} km") if metric == "apogee" else (lambda x: f"{x:.1f} deg")  # noqa: E731
    field = "apogee_km" if metric == "apogee" else "gamma_deg"
    # Near the vertical the Earth's rotation can make the metric rise a little with the kick
    # before it falls: bracket on the falling side of its peak.
    grid = np.array([KICK_MIN_DEG, 0.3, 1.0, 2.0, 3.5, 5.0, 6.5, 8.0, 10.0, 12.5, 15.0, 20.0, 25.0, 30.0, 37.5,
                     45.0, 52.5, 60.0])
    grid = grid[grid < kick_hi]
    values = np.array([get(az, k, frac) for k in grid])
    peak = int(np.argmax(values))
    highest = float(values[peak])
    k_lo = float(grid[peak])
    if 0 < peak < len(grid) - 1:  # refine an interior peak: the grid can straddle it
        res = minimize_scalar(lambda k: -get(az, k, frac), bounds=(grid[peak - 1], grid[peak + 1]),
                              method="bounded", options={"xatol": 1e-6})
        if -res.fun > highest:
            highest, k_lo = float(-res.fun), float(res.x)
    if highest < target:
        raise UnreachableError(f"{metric} {shown(target)} is above the most {shooter.vehicle.name} reaches "
                               f"({shown(highest)}) at this burn", field=field)
    after = np.nonzero((grid > k_lo) & (values < target))[0]
    if len(after):
        k_up = float(grid[after[0]])
    else:
        k_up = kick_hi
        lowest = get(az, kick_hi, frac)
        if lowest > target:
            raise UnreachableError(f"{metric} {shown(target)} is below the least the steering program gives "
                                   f"({shown(lowest)})", field=field)
    if branch == "rising":
        if values[0] >= target or k_lo <= grid[0]:
            raise UnreachableError(f"no kick below the peak gives {metric} {shown(target)}", field=field)
        return _bracket_root(fun, float(grid[0]), k_lo, metric)
    return _bracket_root(fun, k_lo, k_up, metric)


def _largest_flying_kick(shooter: _Shooter, az: float, frac: float) -> float:
    """The largest kick of a 1-deg grid below which every kick above 5 deg still flies (cached
    on the shooter by azimuth and burn fraction, like ``_max_range``)."""
    key = (az, frac)
    if key not in shooter.largest_flying_cache:
        grid = np.linspace(KICK_MIN_DEG, KICK_MAX_DEG, 76)
        ok = shooter.many(az, grid, frac).ok
        bad = np.nonzero(~ok & (grid > 5.0))[0]
        shooter.largest_flying_cache[key] = float(grid[bad[0] - 1]) if len(bad) else KICK_MAX_DEG
    return shooter.largest_flying_cache[key]


def _solve_at_azimuth(shooter: _Shooter, az: float, distance_m: float, profile: str,
                      apogee_m: float | None, gamma_deg: float | None,
                      hint: tuple[float, float] | None = None) -> tuple[float, float]:
    """(kick, burn fraction) whose impact lies ``distance_m`` away along azimuth ``az``.

    ``hint``: the (kick, burn fraction) of a nearby solve (the previous azimuth correction),
    from which a search over kick and burn fraction together may start (``_solve_two``).
    """
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
    return _solve_two(shooter, az, distance_m, profile, metric, target, hint)


LEAST_BURN_FRACTION = 1e-3
"""Least burn fraction the searches over the burn try."""


def _reach(shooter: _Shooter, az: float, frac: float) -> float:
    """Maximum range at this burn fraction; 0 for so short a burn that the missile never flies an arc."""
    try:
        return _max_range(shooter, az, frac)[1]
    except UnreachableError:
        return 0.0


def _just_above(f_reach: float) -> float:
    """A burn fraction just above the least that reaches the aim point (its flights exist)."""
    return min(f_reach * (1.0 + 1e-7) + 1e-9, 1.0)


def _branch_bracket(shooter: _Shooter, az: float, frac: float, profile: str) -> tuple[float, float]:
    """The kicks between which the branch's flight lies (lofted: below the range-maximising
    kick; depressed: above it, up to the largest that still flies)."""
    k_star, _ = _max_range(shooter, az, frac)
    if profile == "lofted":
        return KICK_MIN_DEG, k_star
    return k_star, _largest_flying_kick(shooter, az, frac)


def _branch_kick(shooter: _Shooter, az: float, frac: float, distance_m: float, profile: str) -> float:
    """The branch's kick that lands ``distance_m`` away at this burn fraction."""
    lo, hi = _branch_bracket(shooter, az, frac, profile)
    return _bracket_root(lambda k: shooter.range_m(az, k, frac) - distance_m, lo, hi, f"{profile} kick")


WARM_KICK_STEP_DEG = 1e-3
WARM_FRACTION_STEP = 2e-5
WARM_GROWTHS = 6
"""A warm-started root search brackets the root in a window around the hint: half-widths of the
step, then 4x, 16x, ... (``WARM_GROWTHS`` windows) before it gives up and the cold search runs.
Between two azimuth corrections of a 2017 replay the kick moves ~0.01 deg and the burn
fraction ~5e-5."""


class _NoWarmBracket(Exception):
    """The warm-started search found no bracket near its hint: the cold search runs instead."""


def _grow_bracket(fun, guess: float, step: float, lo: float, hi: float, accept) -> float:
    """The root of ``fun`` in the first window around ``guess`` (clipped to [lo, hi]) whose ends
    ``accept(a, b, fun(a), fun(b))``; the windows widen 4x a time (``WARM_GROWTHS``).  The root is
    the bracketed search's (same tolerances as ``_bracket_root``), so wherever the function has
    one root in the cold search's bracket, the warm and cold searches agree to that tolerance."""
    for _ in range(WARM_GROWTHS):
        a, b = max(lo, guess - step), min(hi, guess + step)
        f_a, f_b = fun(a), fun(b)
        if a < b and accept(a, b, f_a, f_b):
            return brentq(fun, a, b, xtol=1e-9, rtol=1e-12, maxiter=200)
        step *= 4.0
    raise _NoWarmBracket


def _largest_burn(flies, good: float, bad: float) -> float:
    """The largest burn fraction in [good, bad) that ``flies`` (``good`` does, ``bad`` does not),
    as far below the boundary as 30 halvings of [good, bad] would leave it (2^-30 of the bracket).

    ``flies(f)`` is (whether the branch flight exists, the far bracket end's excess range or
    None); a regula falsi on that excess (Illinois: the end kept twice has its value halved)
    steers the probes, every probe classed by ``flies`` as a halving's would be, with a halving
    wherever the excess is missing or the bracket has not halved in three probes.  A smooth
    excess takes ~6-10 probes instead of 30, each a range-maximising search.
    """
    width = (bad - good) * 2.0**-30
    e_good, e_bad = flies(good)[1], flies(bad)[1]
    kept, stalled_at, probes = "", bad - good, 0
    while bad - good > width:
        probes += 1
        if probes % 3 == 0:
            halve = bad - good > 0.5 * stalled_at
            stalled_at = bad - good
        else:
            halve = False
        if halve or e_good is None or e_bad is None or not e_good <= 0.0 < e_bad:
            x = 0.5 * (good + bad)
        else:
            x = good + (bad - good) * e_good / (e_good - e_bad)
        x = min(max(x, good + 0.5 * width), bad - 0.5 * width)
        ok, excess = flies(x)
        if ok:
            good, e_good = x, excess
            if kept == "bad" and e_bad is not None:
                e_bad *= 0.5
            kept = "bad"
        else:
            bad, e_bad = x, excess
            if kept == "good" and e_good is not None:
                e_good *= 0.5
            kept = "good"
    return good


def _solve_two(shooter: _Shooter, az: float, distance_m: float, profile: str, metric: str, target: float,
               hint: tuple[float, float] | None = None) -> tuple[float, float]:
    """(kick, burn fraction) meeting both the aim distance and an apogee or burnout angle.

    For each burn fraction the flight to the aim distance on the requested branch
    (lofted: kicks below the range-maximising one; depressed: above) has one apogee and
    one burnout angle.  At the least burn that still reaches the aim point the two
    branches meet at the minimum-energy flight; at full burn they are furthest apart.
    A bracketed search over the burn fraction then meets the constraint.

    With ``hint`` (a nearby solution) both searches first try small brackets around it: on the
    lofted branch the range grows with the kick, on the depressed branch it falls, so a bracket
    of two flying kicks with that sign change holds the branch's flight; a bracket of burn
    fractions with a sign change of the constraint holds its root (monotone, as the cold search
    assumes).  Where no such bracket turns up the cold search below runs.
    """
    if hint is not None:
        try:
            return _solve_two_warm(shooter, az, distance_m, profile, metric, target, hint)
        except (_NoWarmBracket, ConvergenceError, UnreachableError):
            pass
    name = shooter.vehicle.name
    get = shooter.apogee_m if metric == "apogee" else shooter.burnout_gamma_deg
    field = "apogee_km" if metric == "apogee" else "gamma_deg"
    shown = f"{target / 1e3:,.0f} km" if metric == "apogee" else f"{target:.1f} deg"

    def reach(f: float) -> float:
        return _reach(shooter, az, f)

    def branch_kick(f: float) -> float:
        return _branch_kick(shooter, az, f, distance_m, profile)

    f_min = LEAST_BURN_FRACTION

    def flies(f: float) -> tuple[bool, float | None]:
        """Whether ``branch_kick(f)`` has a root (its bracket's ends straddle the aim distance), and
        how far past the aim distance the bracket's far end (not the range-maximising kick) lands
        while the near end reaches it (None otherwise): the guide of ``_largest_burn``."""
        try:
            lo, hi = _branch_bracket(shooter, az, f, profile)
        except UnreachableError:
            return False, None
        miss_lo, miss_hi = shooter.range_m(az, lo, f) - distance_m, shooter.range_m(az, hi, f) - distance_m
        near, far = (miss_hi, miss_lo) if profile == "lofted" else (miss_lo, miss_hi)
        return miss_lo * miss_hi <= 0, (far if near >= 0 else None)

    f_hi = 1.0
    if not flies(1.0)[0]:
        # A depressed flight at full burn may not come down that short (it would have to dive
        # through the dense air): search the largest burn that still lands there.
        good = f_min if reach(f_min) >= distance_m else None
        if good is None:
            try:
                good = _bracket_root(lambda f: reach(f) - distance_m, f_min, 1.0, "least burn") * (1 + 1e-6)
            except ConvergenceError:
                good = None
        if good is None or not flies(good)[0]:
            raise UnreachableError(f"no {profile} flight of {name} lands {distance_m / 1e3:,.0f} km away",
                                   field="to")
        f_hi = _largest_burn(flies, good, 1.0)
    at_full = get(az, branch_kick(f_hi), f_hi)
    if reach(f_min) >= distance_m:
        # The lower stages alone carry past the aim point: every burn fraction has a branch flight.
        f_lo = f_min
        at_least = get(az, branch_kick(f_lo), f_lo)
    else:
        f_lo = _just_above(_bracket_root(lambda f: reach(f) - distance_m, f_min, 1.0, "least burn"))
        at_least = get(az, _max_range(shooter, az, f_lo)[0], f_lo)
    lo_v, hi_v = sorted((at_least, at_full))
    if not lo_v <= target <= hi_v:
        def fmt(x):
            return f"{x / 1e3:,.0f} km" if metric == "apogee" else f"{x:.1f} deg"

        raise UnreachableError(
            f"{profile} flights of {name} to {distance_m / 1e3:,.0f} km have {metric}s from {fmt(lo_v)} to "
            f"{fmt(hi_v)}; {shown} is outside", field=field, hint="choose a value inside that span or another profile")
    # The search over the burn fraction asks for branch flights at nearby fractions: each kick
    # search starts near the last one found.
    near_kick = _branch_kicker(shooter, az, distance_m, profile, None)
    frac = _bracket_root(lambda f: get(az, near_kick(f), f) - target, f_lo, f_hi, "burn fraction")
    return near_kick(frac), frac


def _branch_kicker(shooter: _Shooter, az: float, distance_m: float, profile: str, guess: float | None):
    """``f -> kick`` of the branch's flight to ``distance_m`` at burn fraction f, each search
    started near the last kick found (``guess`` before the first): on the lofted branch the range
    grows with the kick, on the depressed branch it falls, so a window of two flying kicks with
    that sign change holds the branch's flight; where none turns up, the cold bracket
    (``_branch_kick``) is searched.  Either way the root is the bracketed search's."""
    rising = profile == "lofted"
    kick_top = MAX_RANGE_KICK_DEG if rising else KICK_MAX_DEG
    last = [guess]

    def accept_at(f: float):
        def accept(a: float, b: float, f_a: float, f_b: float) -> bool:
            straddles = f_a <= 0.0 <= f_b if rising else f_a >= 0.0 >= f_b
            return straddles and shooter.flies(az, a, f) and shooter.flies(az, b, f)

        return accept

    def branch_kick(f: float) -> float:
        kick = None
        if last[0] is not None:
            try:
                kick = _grow_bracket(lambda k: shooter.range_m(az, k, f) - distance_m, last[0], WARM_KICK_STEP_DEG,
                                     KICK_MIN_DEG, kick_top, accept_at(f))
            except _NoWarmBracket:
                pass
        if kick is None:
            kick = _branch_kick(shooter, az, f, distance_m, profile)
        last[0] = kick
        return kick

    return branch_kick


def _solve_two_warm(shooter: _Shooter, az: float, distance_m: float, profile: str, metric: str, target: float,
                    hint: tuple[float, float]) -> tuple[float, float]:
    """``_solve_two`` started from a nearby solution (see there); raises ``_NoWarmBracket``.

    A burn fraction without a branch flight near the hint's kick gets the cold search's
    bracket; one with none at all (a window end below the least burn that reaches the aim
    point, where a flight near minimum energy has its solution) is replaced by that least burn.
    """
    get = shooter.apogee_m if metric == "apogee" else shooter.burnout_gamma_deg
    branch_kick = _branch_kicker(shooter, az, distance_m, profile, hint[0])

    def miss(f: float) -> float:
        return get(az, branch_kick(f), f) - target

    least: float | None = None
    step = WARM_FRACTION_STEP
    for _ in range(WARM_GROWTHS):
        lo, hi = max(LEAST_BURN_FRACTION, hint[1] - step), min(1.0, hint[1] + step)
        try:
            miss_lo = miss(lo)
        except (ConvergenceError, UnreachableError):  # no branch flight: below the least burn that reaches
            if least is None:
                least = _just_above(_grow_bracket(lambda f: _reach(shooter, az, f) - distance_m, hint[1],
                                                  WARM_FRACTION_STEP, LEAST_BURN_FRACTION, 1.0,
                                                  lambda a, b, f_a, f_b: f_a * f_b <= 0.0))
            lo = least
            miss_lo = miss(lo)
        if lo < hi and miss_lo * miss(hi) <= 0.0:
            frac = brentq(miss, lo, hi, xtol=1e-9, rtol=1e-12, maxiter=200)
            return branch_kick(frac), frac
        step *= 4.0
    raise _NoWarmBracket


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
    shooter = shooter_for(vehicle, launch, options)
    az0, _, distance = frames.geodesic_inverse(launch.lat_deg, launch.lon_deg, aim_lat_deg, aim_lon_deg,
                                               earth=options.earth)
    az0, distance = float(az0), float(distance)
    if distance < 1e3:
        raise InputError("aim point lies within 1 km of the launch point", field="to")
    az = az0
    target_distance = distance
    history: list[tuple[float, float]] = []  # (launch azimuth, impact azimuth error)
    hint: tuple[float, float] | None = None
    for _ in range(12):
        kick, frac = _solve_at_azimuth(shooter, az, target_distance, profile, apogee_m, gamma_deg, hint)
        hint = (kick, frac)
        batch = shooter.one(az, kick, frac)
        lat, lon = batch.impact_lat_lon_deg
        _, _, miss = frames.geodesic_inverse(lat, lon, aim_lat_deg, aim_lon_deg, earth=options.earth)
        miss = float(miss[0])
        if miss < MISS_TOLERANCE_M:
            return Solution(kick, az, frac, copy_batch(batch), profile, miss)
        # Rotation bends the ground track: steer so that the impact's azimuth seen from the
        # launch point is the aim's (secant steps once two tries exist), and ask for the range
        # the impact fell short or long by.
        error = (az0 - float(batch.impact_azimuth_deg[0]) + 540.0) % 360.0 - 180.0
        history.append((az, error))
        if len(history) >= 2 and history[-1][1] != history[-2][1]:
            (a1, e1), (a2, e2) = history[-2], history[-1]
            az = a2 - e2 * (a2 - a1) / (e2 - e1)
        else:
            az = az + error
        az = (az + 540.0) % 360.0 - 180.0
        target_distance += distance - float(batch.downrange_m[0])
    raise ConvergenceError(f"targeting missed the aim point by {miss / 1e3:.2f} km after 12 corrections",
                           field="to")


def kepler_min_energy_apogees(batch: FlightBatch, i: int = 0) -> dict:
    """A flight's apogee beside three vacuum conics (formulas.md, point-mass gravity, mean radius):

    - ``surface_closed_form``: the minimum-energy conic for the same ground range with burnout
      at the surface (gamma* = 45 deg - psi/4), the textbook figure;
    - ``burnout_state``: the conic of the flight's own burnout state (inertial speed, angle
      to the geocentric horizontal, geocentric radius);
    - ``best_from_burnout``: the range-maximising conic for the same burnout speed and altitude.

    Heights of the conics are above the mean radius; ``engine_apogee_geocentric_km`` is the
    engine's apogee on the same footing (its ``engine_apogee_km`` is geodetic, up to ~13 km
    different at high latitude).  It matches ``burnout_state`` within J2 and drag; the gap to
    ``surface_closed_form`` is the elevated burnout (a higher start flattens the best angle) and
    the ground the powered flight covers; the gap between ``burnout_state`` and
    ``best_from_burnout`` says how far the steering program's burnout angle is from the optimum.
    """
    from thaadsim.earth.constants import GM_EARTH_M3_S2, OMEGA_EARTH_RAD_S, SPHERE_RADIUS_M

    mu, r_e = GM_EARTH_M3_S2, SPHERE_RADIUS_M
    state = batch.burnout[i]
    r_vec, v_vec = state[1:4], state[4:7].copy()
    if batch.options.rotation:  # the conic is inertial: add the ground's velocity
        v_vec += np.cross(np.array([0.0, 0.0, OMEGA_EARTH_RAD_S]), r_vec)
    r_b = float(np.linalg.norm(r_vec))
    speed = float(np.linalg.norm(v_vec))
    gamma = math.asin(float(np.dot(v_vec, r_vec)) / (speed * r_b))
    alt = r_b - r_e

    def conic(v: float, g: float) -> tuple[float, float]:
        """(apogee height, free-flight range angle from r_b down to the mean radius)."""
        h = r_b * v * math.cos(g)
        p = h * h / mu
        energy = 0.5 * v * v - mu / r_b
        a = -mu / (2 * energy)
        e = math.sqrt(max(1.0 - p / a, 0.0))
        nu_b = math.atan2(math.tan(g) * p / r_b, p / r_b - 1.0)
        cos_i = (p / r_e - 1.0) / e
        nu_i = 2 * math.pi - math.acos(max(-1.0, min(1.0, cos_i)))
        return a * (1 + e) - r_e, nu_i - nu_b

    psi = float(batch.range_m[i]) / r_e
    s = math.sin(psi / 2)
    q = 2 * s / (1 + s)
    g_star = math.pi / 4 - psi / 4
    a_s = r_e / (2 - q)
    e_s = math.sqrt(1 - q * (2 - q) * math.cos(g_star) ** 2)
    res = minimize_scalar(lambda g: -conic(speed, g)[1], bounds=(math.radians(0.5), math.radians(60.0)),
                          method="bounded", options={"xatol": 1e-6})
    return {
        "engine_apogee_km": float(batch.apogee_alt_m[i]) / 1e3,
        "engine_apogee_geocentric_km": (float(np.linalg.norm(batch.apogee[i, 1:4])) - r_e) / 1e3,
        "surface_closed_form_km": (a_s * (1 + e_s) - r_e) / 1e3,
        "surface_closed_form_gamma_deg": math.degrees(g_star),
        "burnout_state_km": conic(speed, gamma)[0] / 1e3,
        "burnout_gamma_deg": math.degrees(gamma),
        "burnout_alt_km": alt / 1e3,
        "best_from_burnout_km": conic(speed, float(res.x))[0] / 1e3,
        "best_from_burnout_gamma_deg": math.degrees(float(res.x)),
        "note": ("vacuum conics on the mean-radius sphere; the textbook minimum-energy apogee assumes burnout at "
                 "the surface, a long-range missile burns out at 200-350 km, where the range-maximising "
                 "angle is flatter"),
    }
