"""A second, independent implementation of a rocket's flight: plain Python + scipy's DOP853.

Written from the physics and the published sources, not from the compiled kernel, and
sharing nothing with the engine but the *inputs* (the catalog's masses, Isp, burn
times, diameters, ballistic coefficients, read here from the catalog's YAML as plain
numbers):

* its own constants (WGS-84 from NIMA TR8350.2; J2 from EGM96's C20),
* its own atmosphere (:mod:`.atmosphere_1976`: the 1976 standard's closed forms below
  86 km and its printed rows above, interpolated log-linearly; the engine splines a
  250 m table of its own species integration),
* its own booster drag: the same *assumed* Cd(Mach) points the engine states (a
  V-2-shaped curve after Sutton & Biblarz, Rocket Propulsion Elements, Fig. 4-2)
  joined by straight lines (the engine draws a natural cubic spline through them),
* its own geodetic height (a fixed-point iteration on the latitude, six passes with
  sines and arctangents; the engine's flight uses one trig-free step of Bowring's 1976
  formula, its other rooms Heikkinen's closed form) and its own event location
  (solve_ivp's).

The model is the one the engine states: ECEF frame with Coriolis and centrifugal
terms, point mass + J2 gravity, thrust ``mdot g0 (Isp_vac - (Isp_vac - Isp_sl) p/p0)``,
vertical rise, pitch-over tilting linearly toward the azimuth, gravity turn along the
ground-relative velocity, stages dropped at burnout, coasts between stages with the
booster drag, then the payload alone with drag ``rho v^2 / (2 beta)``.  After the last
burnout the spent stage and payload may fly on as one "stack" (booster drag curve on
the booster area, mass = last dry mass + payload) until the geodetic height first
reaches ``separation_alt_m`` (0: separation at burnout) — the agreed model of
/work/wt/STACK_SPEC.md, flown by the interceptor.

Used by the tests and by ``thaadsim validate`` as the authority for flight with
drag, rotation and J2.  It imports nothing from the engine (an import-linter
contract in pyproject.toml forbids it).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np
from scipy.integrate import solve_ivp
from scipy.optimize import minimize_scalar

from thaadsim.studies.authorities import atmosphere_1976 as atm

# --- Constants, from the published sources (not from thaadsim.earth.constants) ------
# NIMA TR8350.2, "Department of Defense World Geodetic System 1984", 3rd ed. (2000),
# Table 3.1 (defining parameters).
A = 6_378_137.0  # m, semi-major axis
INV_F = 298.257223563  # reciprocal flattening
GM = 3.986004418e14  # m^3/s^2, including the atmosphere
OMEGA = 7.292115e-5  # rad/s, nominal mean angular velocity
# Second zonal harmonic: the WGS 84 ellipsoid's normalised C20, derived in TR8350.2
# (3rd ed., sec. 3.3) from the four defining parameters above: -0.484166774985e-3,
# J2 = -sqrt(5) * C20bar = 1.0826298e-3.  EGM96's C20 (Lemoine et al. 1998,
# NASA/TP-1998-206861) is -0.484165371736e-3, 1.3e-6 relative smaller in J2: < 0.1 m
# on any impact here.  (thaadsim.earth.constants cites EGM96 but holds the WGS 84 value.)
C20_BAR = -0.484166774985e-3
J2 = -math.sqrt(5.0) * C20_BAR
F = 1.0 / INV_F
E2 = F * (2.0 - F)
# Standard gravity: the definition of Isp in seconds (3rd CGPM, 1901).
G0 = 9.80665
# Sea-level pressure of the 1976 standard, the reference of the Isp back-pressure term.
P_SL = atm.P0

# Booster zero-lift drag coefficient against Mach: the ASSUMED points the engine states
# (V-2 shape, Sutton & Biblarz Fig. 4-2), typed again here; joined linearly, held
# constant beyond the ends.
BOOST_CD_MACH = (0.0, 0.4, 0.7, 0.85, 0.95, 1.05, 1.15, 1.3, 1.6, 2.0, 2.5, 3.0, 4.0, 5.0, 7.0, 10.0)
BOOST_CD = (0.20, 0.20, 0.21, 0.25, 0.35, 0.44, 0.45, 0.42, 0.36, 0.31, 0.28, 0.25, 0.225, 0.21, 0.20, 0.20)

# Pitch-over duration of the missiles (the catalog has none; the engine states 10 s,
# assumed — a steering input, so it is an input here too).
MISSILE_PITCHOVER_S = 10.0

CATALOG = Path(__file__).resolve().parents[2] / "catalog" / "data"


def boost_cd(mach: float) -> float:
    """Booster Cd joined linearly between the stated points."""
    return float(np.interp(mach, BOOST_CD_MACH, BOOST_CD))


def boost_cd_spline(mach: float) -> float:
    """The same points joined by a natural cubic spline (the engine's choice of curve).

    Offered because between assumed points neither curve is more right than the other:
    a test that wants to see small errors elsewhere (rotation, J2, reentry drag) can
    take the interpolation difference (60-340 m at impact) out of the comparison.
    """
    return float(_cd_spline()(min(max(mach, BOOST_CD_MACH[0]), BOOST_CD_MACH[-1])))


@cache
def _cd_spline():
    from scipy.interpolate import CubicSpline

    return CubicSpline(BOOST_CD_MACH, BOOST_CD, bc_type="natural")


def ecef_from_geodetic(lat_deg: float, lon_deg: float, h_m: float) -> np.ndarray:
    lat, lon = math.radians(lat_deg), math.radians(lon_deg)
    n = A / math.sqrt(1.0 - E2 * math.sin(lat) ** 2)
    return np.array([(n + h_m) * math.cos(lat) * math.cos(lon), (n + h_m) * math.cos(lat) * math.sin(lon),
                     (n * (1.0 - E2) + h_m) * math.sin(lat)])


def ecef_velocity(lat_deg: float, lon_deg: float, speed: float, gamma_deg: float, azimuth_deg: float) -> np.ndarray:
    """ECEF velocity of a ground-relative speed, flight-path angle (up from the local
    horizontal of the ellipsoid) and azimuth (clockwise from north)."""
    lat, lon = math.radians(lat_deg), math.radians(lon_deg)
    g, a = math.radians(gamma_deg), math.radians(azimuth_deg)
    east = np.array([-math.sin(lon), math.cos(lon), 0.0])
    north = np.array([-math.sin(lat) * math.cos(lon), -math.sin(lat) * math.sin(lon), math.cos(lat)])
    up = np.array([math.cos(lat) * math.cos(lon), math.cos(lat) * math.sin(lon), math.sin(lat)])
    return speed * (math.cos(g) * (math.sin(a) * east + math.cos(a) * north) + math.sin(g) * up)


def geodetic(x: float, y: float, z: float) -> tuple[float, float, float]:
    """(lat rad, lon rad, h m) by Bowring's iteration (converges to < 1 um in a few passes)."""
    lon = math.atan2(y, x)
    p = math.hypot(x, y)
    lat = math.atan2(z, p * (1 - E2))
    for _ in range(6):
        n = A / math.sqrt(1 - E2 * math.sin(lat) ** 2)
        h = p / math.cos(lat) - n
        lat = math.atan2(z, p * (1 - E2 * n / (n + h)))
    n = A / math.sqrt(1 - E2 * math.sin(lat) ** 2)
    return lat, lon, p / math.cos(lat) - n


# --- Inputs: the catalog's numbers as a plain dict ---------------------------------------


def _catalog(name: str) -> dict:
    import yaml

    return yaml.safe_load((CATALOG / name).read_text())


def _v(entry: dict, key: str, default=None) -> float:
    item = entry.get(key)
    if item is None:
        if default is None:
            raise KeyError(key)
        return default
    return float(item["value"])


def missile_inputs(key: str) -> dict:
    """A catalog missile as the reference's plain dict (propellant_scale applied as the
    catalog's note defines it: propellant scaled, the difference moved to dry mass,
    burn time scaled)."""
    entry = next(m for m in _catalog("missiles.yaml")["missiles"] if m["key"] == key)
    scale = _v(entry, "propellant_scale", 1.0)
    stages = []
    for s in entry["stages"]:
        prop = _v(s, "propellant_mass_kg")
        stages.append({
            "propellant_kg": prop * scale,
            "dry_kg": _v(s, "dry_mass_kg") - prop * (scale - 1.0),
            "burn_s": _v(s, "burn_time_s") * scale,
            "isp_sl_s": _v(s, "isp_sl_s"),
            "isp_vac_s": _v(s, "isp_vac_s"),
            "coast_before_s": _v(s, "coast_before_s", 0.0),
        })
    return {
        "name": key,
        "stages": stages,
        "payload_kg": _v(entry, "payload_mass_kg"),
        "rv_beta_kg_m2": _v(entry, "rv_beta_kg_m2"),
        "diameter_m": max(_v(s, "diameter_m") for s in entry["stages"]),
        "vertical_rise_s": _v(entry, "vertical_rise_s"),
        "pitchover_s": MISSILE_PITCHOVER_S,
        "separation_alt_m": 0.0,
    }


def interceptor_inputs(key: str = "thaad") -> dict:
    """A catalog interceptor: one stage, the kill vehicle as payload, the booster's dry
    mass = launch mass - propellant - kill vehicle; ``separation_alt_km`` if the catalog
    gives one (else separation at burnout)."""
    entry = next(m for m in _catalog("interceptors.yaml")["interceptors"] if m["key"] == key)
    prop = _v(entry, "propellant_mass_kg")
    kv = _v(entry, "kill_vehicle_mass_kg")
    return {
        "name": key,
        "stages": [{
            "propellant_kg": prop,
            "dry_kg": _v(entry, "launch_mass_kg") - prop - kv,
            "burn_s": _v(entry, "burn_time_s"),
            "isp_sl_s": _v(entry, "isp_sl_s"),
            "isp_vac_s": _v(entry, "isp_vac_s"),
            "coast_before_s": 0.0,
        }],
        "payload_kg": kv,
        "rv_beta_kg_m2": _v(entry, "kill_vehicle_beta_kg_m2"),
        "diameter_m": _v(entry, "diameter_m"),
        "vertical_rise_s": _v(entry, "vertical_rise_s"),
        "pitchover_s": _v(entry, "pitchover_s"),
        "separation_alt_m": _v(entry, "separation_alt_km", 0.0) * 1e3,
    }


# --- The flight ---------------------------------------------------------------------------


@dataclass
class Flight:
    """A flown trajectory: dense output per segment and the event states.

    States are (x, y, z, vx, vy, vz, m) in ECEF [m, m/s, kg]; events map a name
    ('burnout0'.., 'burnout', 'separation', 'impact') to (t, *state).
    """

    pieces: list = field(default_factory=list)  # (phase, t0, t1, OdeSolution)
    events: dict = field(default_factory=dict)

    @property
    def impact(self) -> np.ndarray | None:
        return self.events.get("impact")

    @property
    def t_end(self) -> float:
        return self.pieces[-1][2]

    def state(self, t: float) -> np.ndarray:
        for _, t0, t1, sol in self.pieces:
            if t0 <= t <= t1:
                return sol(t)
        raise ValueError(f"t = {t} s is outside the flight (0 to {self.t_end} s)")

    def speed(self, t: float) -> float:
        """Ground-relative speed [m/s]."""
        return float(np.linalg.norm(self.state(t)[3:6]))

    def height(self, t: float) -> float:
        s = self.state(t)
        return geodetic(s[0], s[1], s[2])[2]

    def closest_approach(self, point, t_lo: float = 0.0, t_hi: float | None = None) -> tuple[float, float]:
        """(t, distance m) of the closest approach to an ECEF point: a fly-out time."""
        point = np.asarray(point, dtype=float)
        t_hi = self.t_end if t_hi is None else t_hi
        grid = np.linspace(t_lo, t_hi, 2001)
        dist = [np.linalg.norm(self.state(t)[:3] - point) for t in grid]
        k = int(np.argmin(dist))
        a, b = grid[max(k - 1, 0)], grid[min(k + 1, len(grid) - 1)]
        res = minimize_scalar(lambda t: np.linalg.norm(self.state(t)[:3] - point), bounds=(a, b),
                              method="bounded", options={"xatol": 1e-6})
        return float(res.x), float(res.fun)


class Reference:
    """Flies one vehicle (a plain dict, see :func:`missile_inputs`) with one steering choice.

    ``rv_beta_kg_m2``/``separation_alt_m`` may be overridden for what-if checks.
    """

    def __init__(self, vehicle: dict, rotation: bool = True, drag: bool = True, rtol: float = 1e-10,
                 atol: float = 1e-6, cd_curve: str = "linear"):
        if cd_curve not in ("linear", "spline"):
            raise ValueError(f"cd_curve must be 'linear' or 'spline', got {cd_curve!r}")
        self.cd = boost_cd if cd_curve == "linear" else boost_cd_spline
        self.v = vehicle
        self.stages = vehicle["stages"]
        self.area = math.pi * vehicle["diameter_m"] ** 2 / 4.0
        self.beta = vehicle["rv_beta_kg_m2"]
        self.rotation = rotation
        self.drag = drag
        self.rtol = rtol
        self.atol = atol

    @property
    def launch_mass_kg(self) -> float:
        return self.v["payload_kg"] + sum(s["propellant_kg"] + s["dry_kg"] for s in self.stages)

    def rhs(self, t, s, phase, stage, kick, azimuth, t0):
        x, y, z, vx, vy, vz, m = s
        r2 = x * x + y * y + z * z
        r = math.sqrt(r2)
        k = -GM / (r2 * r)
        c = 1.5 * J2 * A * A / r2
        zz = z * z / r2
        ax = k * x * (1 + c * (1 - 5 * zz))
        ay = k * y * (1 + c * (1 - 5 * zz))
        az = k * z * (1 + c * (3 - 5 * zz))
        if self.rotation:
            ax += 2 * OMEGA * vy + OMEGA * OMEGA * x
            ay += -2 * OMEGA * vx + OMEGA * OMEGA * y
        lat, lon, h = geodetic(x, y, z)
        rho, p, sound = atm.air(h)
        speed = math.sqrt(vx * vx + vy * vy + vz * vz)
        mdot = 0.0
        if phase in ("vertical", "pitchover", "turn"):
            st = self.stages[stage]
            mdot = st["propellant_kg"] / st["burn_s"]
            thrust = mdot * G0 * (st["isp_vac_s"] - (st["isp_vac_s"] - st["isp_sl_s"]) * p / P_SL)
            up = np.array([math.cos(lat) * math.cos(lon), math.cos(lat) * math.sin(lon), math.sin(lat)])
            if phase == "vertical":
                d = up
            elif phase == "pitchover":
                north = np.array([-math.sin(lat) * math.cos(lon), -math.sin(lat) * math.sin(lon), math.cos(lat)])
                east = np.array([-math.sin(lon), math.cos(lon), 0.0])
                heading = math.cos(azimuth) * north + math.sin(azimuth) * east
                tilt = kick * min(max((t - t0) / self.v["pitchover_s"], 0.0), 1.0)
                d = math.cos(tilt) * up + math.sin(tilt) * heading
            else:
                d = np.array([vx, vy, vz]) / speed
            ax += thrust / m * d[0]
            ay += thrust / m * d[1]
            az += thrust / m * d[2]
        if self.drag and rho > 0 and speed > 0:
            if phase == "free":
                kd = 0.5 * rho * speed / self.beta
            else:
                kd = 0.5 * rho * speed * self.cd(speed / sound) * self.area / m
            ax -= kd * vx
            ay -= kd * vy
            az -= kd * vz
        return [vx, vy, vz, ax, ay, az, -mdot]

    def _segments(self, burn_fraction: float) -> list[tuple[str, int, float]]:
        segments = []
        t = 0.0
        last = len(self.stages) - 1
        for k, st in enumerate(self.stages):
            burn = st["burn_s"] * (burn_fraction if k == last else 1.0)
            if k > 0 and st["coast_before_s"] > 0:
                t += st["coast_before_s"]
                segments.append(("coast", k, t))
            if k == 0:
                if self.v["vertical_rise_s"] > 0:
                    segments.append(("vertical", 0, self.v["vertical_rise_s"]))
                segments.append(("pitchover", 0, self.v["vertical_rise_s"] + self.v["pitchover_s"]))
            t += burn
            segments.append(("turn", k, t))
        return segments

    def coast(self, r0, v0, t_max: float = 14_400.0) -> Flight:
        """The payload alone (drag from its beta) from ECEF state (r0, v0) to impact or t_max."""
        flight = Flight()

        def ground(tt, ss, *args):
            return geodetic(ss[0], ss[1], ss[2])[2]

        ground.terminal = True
        ground.direction = -1
        s = np.array([*np.asarray(r0, dtype=float), *np.asarray(v0, dtype=float), self.v["payload_kg"]])
        sol = solve_ivp(self.rhs, (0.0, t_max), s, method="DOP853", rtol=self.rtol, atol=self.atol,
                        args=("free", len(self.stages) - 1, 0.0, 0.0, 0.0), events=ground, dense_output=True)
        if not sol.success:
            raise RuntimeError(f"reference integration failed in free flight: {sol.message}")
        flight.pieces.append(("free", 0.0, float(sol.t[-1]), sol.sol))
        if sol.status == 1:
            flight.events["impact"] = np.array([float(sol.t_events[0][0]), *sol.y_events[0][0]])
        return flight

    def fly(self, r0, kick_rad: float, azimuth_rad: float, burn_fraction: float = 1.0,
            t_max: float = 14_400.0) -> Flight:
        """Launch from ECEF position r0 (at rest on the ground) and fly to impact or t_max."""
        s = np.array([*np.asarray(r0, dtype=float), 0.0, 0.0, 0.0, self.launch_mass_kg])
        t = 0.0
        flight = Flight()
        last = len(self.stages) - 1

        def ground(tt, ss, *args):
            return geodetic(ss[0], ss[1], ss[2])[2]

        ground.terminal = True
        ground.direction = -1
        sep_alt = float(self.v.get("separation_alt_m", 0.0))

        def separation(tt, ss, *args):
            return geodetic(ss[0], ss[1], ss[2])[2] - sep_alt

        separation.terminal = True
        separation.direction = 1

        def run(phase, stage, t_end, events=None):
            sol = solve_ivp(self.rhs, (t, t_end), s, method="DOP853", rtol=self.rtol, atol=self.atol,
                            args=(phase, stage, kick_rad, azimuth_rad, t), events=events, dense_output=True)
            if not sol.success:
                raise RuntimeError(f"reference integration failed in {phase}: {sol.message}")
            flight.pieces.append((phase, t, float(sol.t[-1]), sol.sol))
            return sol

        for phase, stage, t_end in self._segments(burn_fraction):
            sol = run(phase, stage, t_end, ground if phase == "coast" else None)
            s, t = sol.y[:, -1].copy(), float(sol.t[-1])
            if phase == "coast" and sol.status == 1:
                flight.events["impact"] = np.array([t, *s])
                return flight
            if phase == "turn":
                flight.events[f"burnout{stage}"] = np.array([t, *s])
                rest = self.v["payload_kg"] + sum(x["propellant_kg"] + x["dry_kg"] for x in self.stages[stage + 1:])
                if stage == last:
                    flight.events["burnout"] = flight.events[f"burnout{stage}"]
                    # The stack keeps the spent last stage (dry mass) with the payload.
                    rest += self.stages[last]["dry_kg"] if geodetic(*s[:3])[2] < sep_alt else 0.0
                s[6] = rest
        if geodetic(*s[:3])[2] < sep_alt:
            sol = run("stack", last, t_max, [ground, separation])
            s, t = sol.y[:, -1].copy(), float(sol.t[-1])
            if sol.status == 1 and sol.t_events[0].size:
                flight.events["impact"] = np.array([t, *s])
                return flight
            if sol.status == 1:
                flight.events["separation"] = np.array([t, *s])
                s[6] = self.v["payload_kg"]
        if t < t_max:
            sol = run("free", last, t_max, ground)
            if sol.status == 1:
                flight.events["impact"] = np.array([float(sol.t_events[0][0]), *sol.y_events[0][0]])
        return flight


__all__ = ["A", "G0", "GM", "INV_F", "J2", "OMEGA", "Flight", "Reference", "ecef_from_geodetic", "ecef_velocity",
           "geodetic", "interceptor_inputs", "missile_inputs"]
