"""The threats of a scenario flown on one clock: every missile's true states on the radar look grid.

Each threat group is steered once - minimum-energy groups all together by the batched
aiming of ``flight.batch_aim``, lofted and depressed ones by ``flight.targeting.solve`` -
and flown once by the engine; the group's missiles are identical copies of that flight launched
``spacing_s`` apart (no launch dispersion: a named simplification, the copies differ only
in time).  An aim error (``aim_north_m``, ``aim_east_m``: drawn from ``cep_m`` by a study)
moves the point the group is steered at.  A group whose performance is off the catalog's
(``burn_time_factor``, ``isp_factor``, ``propellant_factor``) is steered for the catalog missile
- the attacker's firing tables - and flown as the missile it is, so it lands elsewhere.  The
states of every missile at the common look grid (every ``look_dt_s`` from
t = 0, the scenario's epoch) come from the engine's samples by cubic Hermite interpolation
(``tracking.scenario_track.hermite_states``).  After the final burnout the engine flies
the reentry vehicle on; the spent booster is not flown.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

from thaadsim.catalog.loader import Location, resolve_location
from thaadsim.errors import InputError, ThaadsimError, UnreachableError
from thaadsim.flight import layout
from thaadsim.scenario.schema import Scenario, Threat

MAX_LOOKS = 40_000
"""Largest number of look times one run simulates (11 hours at 1 s)."""


@dataclass
class GroupFlight:
    """One threat group: its steering and its one flown trajectory (times from its own launch)."""

    index: int
    spec: Threat
    label: str
    missile: str
    launch: Location
    aim: Location
    steering: dict
    """Azimuth, kick, burn fraction of the flight (and the aiming miss for min-energy groups)."""
    flight: object
    """FlightBatch of one trajectory, sampled every look interval."""
    launch_times_s: np.ndarray
    """Launch of each of the group's missiles after the epoch [s]."""

    @property
    def flight_time_s(self) -> float:
        return float(self.flight.impact[0, 0])

    @property
    def burnouts(self) -> list[np.ndarray]:
        """(t, x, y, z, vx, vy, vz, m) at each stage's burnout, time from launch."""
        n = int(self.flight.n_stages[0])
        return [self.flight.events[0, layout.EV_BURNOUT0 + s] for s in range(n)]


@dataclass
class ScenarioTruth:
    """Every threat missile's true states (N missiles, T looks)."""

    look_dt_s: float
    times_s: np.ndarray
    """(T,) look times after the epoch [s]."""
    states: np.ndarray
    """(N, T, 6) ECEF position [m] and Earth-relative velocity [m/s]; NaN before launch and after impact."""
    launch_times_s: np.ndarray
    group: np.ndarray
    """(N,) index of each missile's threat group."""
    object_ids: list[str]
    groups: list[GroupFlight]

    @property
    def count(self) -> int:
        return int(self.launch_times_s.size)

    @property
    def impact_time_s(self) -> np.ndarray:
        """(N,) impact after the epoch [s]."""
        return np.array([self.launch_times_s[k] + self.groups[g].flight_time_s for k, g in enumerate(self.group)])

    def impact_lat_lon_deg(self, k: int) -> tuple[float, float]:
        lat, lon = self.groups[int(self.group[k])].flight.impact_lat_lon_deg
        return float(lat[0]), float(lon[0])

    def position_at(self, k: int, t_s: float) -> np.ndarray:
        """True ECEF position of missile k at time t (Hermite on the engine's samples); NaN outside its flight."""
        from thaadsim.tracking.scenario_track import hermite_states

        g = self.groups[int(self.group[k])]
        x = hermite_states(g.flight.samples[0], self.look_dt_s, g.flight.impact[0],
                           np.array([t_s - self.launch_times_s[k]]))
        return x[0, :3]


def resolve_aim(text: str, scenario: Scenario, field: str) -> Location:
    """A threat's aim point: a defended asset named in the file, else a site or 'LAT,LON'."""
    for b in scenario.batteries:
        for a in b.assets:
            if a.name == text:
                loc = resolve_location(a.at, field)
                return Location(loc.lat_deg, loc.lon_deg, loc.alt_m, a.name)
    return resolve_location(text, field)


@functools.lru_cache(maxsize=64)
def _steer(missile_key: str, lat: float, lon: float, alt: float, aim_lat: float, aim_lon: float, profile: str,
           apogee_m: float | None):
    from thaadsim.catalog.loader import missile
    from thaadsim.flight.engine import FlightOptions
    from thaadsim.flight.targeting import Launch, solve
    from thaadsim.flight.vehicle import Vehicle

    vehicle = Vehicle.from_missile(missile(missile_key))
    return solve(vehicle, Launch(lat, lon, alt), aim_lat, aim_lon, profile=profile, apogee_m=apogee_m,
                 options=FlightOptions())


def _row(fb, j: int):
    """Row j of a FlightBatch as a batch of one."""
    from dataclasses import replace

    cut = slice(j, j + 1)
    return replace(fb, status=fb.status[cut], events=fb.events[cut], n_stages=fb.n_stages[cut],
                   launch_lat_deg=fb.launch_lat_deg[cut], launch_lon_deg=fb.launch_lon_deg[cut],
                   samples=None if fb.samples is None else fb.samples[cut],
                   launch_azimuth_deg=None if fb.launch_azimuth_deg is None else fb.launch_azimuth_deg[cut])


def _point_text(loc: Location) -> str:
    return f"{loc.lat_deg!r},{loc.lon_deg!r},{loc.alt_m!r}"


def _aim_min_energy(indices: list[int], specs, launches, aims, look_dt_s: float) -> dict[int, tuple]:
    """Minimum-energy groups steered together (``flight.batch_aim``): index -> (steering, flight).
    The steering is kept in the disk cache: a scenario run again is not aimed again."""
    from thaadsim.flight.batch_aim import Shot, aim_min_energy_cached

    if not indices:
        return {}
    shots = [Shot(specs[i].missile, _point_text(launches[i]), _point_text(aims[i])) for i in indices]
    aimed = aim_min_energy_cached(shots, sample_dt_s=look_dt_s)
    out = {}
    for n, i in enumerate(indices):
        if aimed.status[n] != "ok":
            reach = aimed.max_range_m[n]
            hint = (f"it reaches {reach / 1e3:,.0f} km; the aim point is {aimed.distance_m[n] / 1e3:,.0f} km away"
                    if np.isfinite(reach) else "choose another aim point or missile")
            raise UnreachableError(f"{specs[i].missile} from {launches[i].label} to {aims[i].label}: "
                                   f"{aimed.status[n]}", field=f"threats[{i}].to", hint=hint)
        j = int(np.flatnonzero(aimed.index == n)[0])
        steering = {"profile": "min-energy", "azimuth_deg": float(aimed.azimuth_deg[n]),
                    "kick_deg": float(aimed.kick_deg[n]), "burn_fraction": float(aimed.burn_fraction[n]),
                    "miss_m": float(aimed.miss_m[n])}
        out[i] = (steering, _row(aimed.flight, j))
    return out


def _aim_one(i: int, spec: Threat, launch: Location, aim: Location, look_dt_s: float) -> tuple:
    """A lofted or depressed group: ``flight.targeting.solve``, then one sampled flight."""
    from thaadsim.catalog.loader import missile
    from thaadsim.flight.engine import fly
    from thaadsim.flight.vehicle import Vehicle

    apogee_m = None if spec.apogee_km is None else spec.apogee_km * 1e3
    try:
        sol = _steer(spec.missile, launch.lat_deg, launch.lon_deg, launch.alt_m, aim.lat_deg, aim.lon_deg,
                     spec.profile, apogee_m)
    except ThaadsimError as error:
        # the targeting names what it could not meet: the apogee asked for, the profile, or the aim point
        key = {"apogee_km": "apogee_km", "gamma_deg": "apogee_km", "profile": "profile",
               "missile": "missile"}.get(error.field or "", "to")
        raise type(error)(f"{spec.missile} from {launch.label} to {aim.label}: {error.message}",
                          field=f"threats[{i}].{key}",
                          hint=error.hint or "choose a nearer aim point or another missile") from None
    fb = fly(Vehicle.from_missile(missile(spec.missile)), np.array([launch.lat_deg]), launch.lon_deg, launch.alt_m,
             sol.azimuth_deg, sol.kick_deg, sol.burn_fraction, sol.flight.options, sample_dt_s=look_dt_s)
    steering = {"profile": spec.profile, "azimuth_deg": float(sol.azimuth_deg), "kick_deg": float(sol.kick_deg),
                "burn_fraction": float(sol.burn_fraction)}
    return steering, fb


FLIGHT_FIELDS = ("missile", "from_", "to", "profile", "apogee_km", "launch_time_s", "count", "spacing_s",
                 "burn_time_factor", "isp_factor", "propellant_factor", "aim_north_m", "aim_east_m")
"""The fields of a threat group its flights depend on (besides the look interval and the
defended assets an aim point may name): a Monte Carlo draw that leaves them unchanged reuses
the truth (``scenario.runner.prepared_for``)."""


LAUNCH_FIELDS = ("launch_time_s", "count", "spacing_s")
"""The :data:`FLIGHT_FIELDS` that say when a group's missiles leave, not how they fly: each
group's one trajectory is flown in time from its own launch, so a draw that changes only these
puts the same flights on the look grid at other times (:func:`retime`)."""


def flight_inputs(scenario: Scenario, *, launches: bool = True) -> list:
    """What the scenario's truth depends on, but the look interval: every group's
    :data:`FLIGHT_FIELDS` and the defended assets (names and places); ``launches=False``: what
    its group flights depend on (:data:`LAUNCH_FIELDS` left out)."""
    fields = set(FLIGHT_FIELDS) if launches else set(FLIGHT_FIELDS) - set(LAUNCH_FIELDS)
    threats = [t.model_dump(include=fields) for t in scenario.threats]
    return [threats, [(a.name, a.at) for b in scenario.batteries for a in b.assets]]


def launch_times(spec: Threat) -> np.ndarray:
    """Launch of each of a group's missiles after the epoch [s]."""
    return spec.launch_time_s + spec.spacing_s * np.arange(spec.count)


def retime(groups: list[GroupFlight], scenario: Scenario) -> list[GroupFlight]:
    """The same group flights as ``scenario``'s threat groups: its specs and launch times (valid
    while ``flight_inputs(scenario, launches=False)`` is what the groups were flown for)."""
    from dataclasses import replace

    return [replace(g, spec=scenario.threats[g.index], launch_times_s=launch_times(scenario.threats[g.index]))
            for g in groups]


def aimed_at(aim: Location, spec: Threat) -> Location:
    """The point a group is steered at: ``to`` moved by its aim error (north, east) along the
    geodesic."""
    from thaadsim.earth import frames

    north, east = spec.aim_north_m, spec.aim_east_m
    if north == 0.0 and east == 0.0:
        return aim
    lat, lon, _ = frames.geodesic_forward(aim.lat_deg, aim.lon_deg, math.degrees(math.atan2(east, north)),
                                          math.hypot(north, east))
    return Location(float(lat), float(lon), aim.alt_m, aim.label)


def flown_vehicle(spec: Threat):
    """The vehicle a group's missiles are: the catalog missile with the group's performance factors."""
    from dataclasses import replace

    from thaadsim.catalog.loader import missile
    from thaadsim.flight.vehicle import Vehicle

    vehicle = Vehicle.from_missile(missile(spec.missile))
    if not spec.off_nominal_performance:
        return vehicle
    bt, isp, pf = spec.burn_time_factor, spec.isp_factor, spec.propellant_factor
    stages = tuple(replace(st, propellant_kg=st.propellant_kg * pf, burn_s=st.burn_s * bt * pf,
                           isp_sl_s=st.isp_sl_s * isp, isp_vac_s=st.isp_vac_s * isp) for st in vehicle.stages)
    note = (f"{spec.missile} flown with burn time x{bt:g}, Isp x{isp:g}, propellant x{pf:g} of the catalog's, "
            "steered for the catalog missile")
    return replace(vehicle, stages=stages, assumptions=(*vehicle.assumptions, note))


def _fly_off_nominal(spec: Threat, launch: Location, steering: dict, look_dt_s: float):
    """The group's own missile flown with the steering found for the catalog missile."""
    from thaadsim.flight.engine import FlightOptions, fly

    return fly(flown_vehicle(spec), np.array([launch.lat_deg]), launch.lon_deg, launch.alt_m,
               steering["azimuth_deg"], steering["kick_deg"], steering["burn_fraction"], FlightOptions(),
               sample_dt_s=look_dt_s)


def fly_groups(scenario: Scenario, look_dt_s: float, progress=None) -> list[GroupFlight]:
    """Steer and fly every threat group once: min-energy groups together, the others one by one."""
    specs = scenario.threats
    launches = [resolve_location(t.from_, f"threats[{i}].from") for i, t in enumerate(specs)]
    aims = [aimed_at(resolve_aim(t.to, scenario, f"threats[{i}].to"), t) for i, t in enumerate(specs)]
    for i, (a, b) in enumerate(zip(launches, aims, strict=True)):
        if abs(a.lat_deg - b.lat_deg) < 1e-6 and abs(a.lon_deg - b.lon_deg) < 1e-6:
            raise InputError(f"the aim point {b.label} is the launch point", field=f"threats[{i}].to",
                             hint="give an aim point away from the launch site")
    if progress:
        progress(f"steering and flying {len(specs)} threat group(s)")
    flown = _aim_min_energy([i for i, t in enumerate(specs) if t.profile == "min-energy"], specs, launches, aims,
                            look_dt_s)
    for i, t in enumerate(specs):
        if i not in flown:
            flown[i] = _aim_one(i, t, launches[i], aims[i], look_dt_s)
        if t.off_nominal_performance:
            steering = {**flown[i][0], "performance": {"burn_time_factor": t.burn_time_factor,
                                                       "isp_factor": t.isp_factor,
                                                       "propellant_factor": t.propellant_factor}}
            flown[i] = (steering, _fly_off_nominal(t, launches[i], steering, look_dt_s))
    groups = []
    for i, t in enumerate(specs):
        steering, fb = flown[i]
        if not np.all(fb.ok) and t.off_nominal_performance:
            off = next(k for k in ("burn_time_factor", "isp_factor", "propellant_factor") if getattr(t, k) != 1.0)
            raise UnreachableError(f"steered for the catalog {t.missile}, the missile with {off} {getattr(t, off):g} "
                                   f"ends its flight without impact ({fb.status_text(0)})", field=f"threats[{i}].{off}",
                                   hint="narrow the performance factors toward 1")
        if not np.all(fb.ok):
            raise UnreachableError(f"the flight ended without impact ({fb.status_text(0)})", field=f"threats[{i}].to")
        label = t.label or f"{t.missile} from {launches[i].label}"
        groups.append(GroupFlight(i, t, label, t.missile, launches[i], aims[i], steering, fb, launch_times(t)))
    return groups


def look_count(groups: list[GroupFlight], look_dt_s: float) -> int:
    """Looks on the common grid from t = 0 to the last impact; refused beyond :data:`MAX_LOOKS`."""
    t_end = max(float(g.launch_times_s[-1]) + g.flight_time_s for g in groups)
    n_looks = int(math.floor(t_end / look_dt_s + 1e-9)) + 1
    if n_looks > MAX_LOOKS:
        raise InputError(f"the run lasts {t_end:,.0f} s = {n_looks:,} radar looks", field="threats",
                         hint=f"keep launches and flights within {MAX_LOOKS * look_dt_s:,.0f} s")
    return n_looks


def fly_threats(scenario: Scenario, look_dt_s: float, progress=None, groups: list[GroupFlight] | None = None
                ) -> ScenarioTruth:
    """Fly every threat group and put all missiles on the look grid (module doc); ``groups``:
    this scenario's :func:`fly_groups` at this look interval, when already flown."""
    from thaadsim.tracking.scenario_track import hermite_states

    if not (math.isfinite(look_dt_s) and look_dt_s > 0):
        raise InputError(f"{look_dt_s} s is not a look interval", field="radars")
    if groups is None:
        groups = fly_groups(scenario, look_dt_s, progress)
    launch_t = np.concatenate([g.launch_times_s for g in groups])
    group = np.concatenate([np.full(g.launch_times_s.size, g.index) for g in groups])
    ids = [f"T{g.index + 1}.{k + 1}" for g in groups for k in range(g.launch_times_s.size)]
    n_looks = look_count(groups, look_dt_s)
    times = look_dt_s * np.arange(n_looks)
    states = np.stack([hermite_states(groups[g].flight.samples[0], look_dt_s, groups[g].flight.impact[0],
                                      times - launch_t[k]) for k, g in enumerate(group)])
    return ScenarioTruth(look_dt_s, times, states, launch_t, group, ids, groups)


__all__ = ["FLIGHT_FIELDS", "LAUNCH_FIELDS", "MAX_LOOKS", "GroupFlight", "ScenarioTruth", "aimed_at", "flight_inputs",
           "flown_vehicle", "fly_groups", "fly_threats", "launch_times", "look_count", "resolve_aim", "retime"]
