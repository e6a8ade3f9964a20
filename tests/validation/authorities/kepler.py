"""Closed forms of free flight over a spherical, non-rotating Earth without drag.

Authority: Wheelon (1959); Bate, Mueller & White, "Fundamentals of Astrodynamics"
(1971), ch. 6 — as collected in ../shared/reference/formulas.md.  Written here from
those formulas alone, independently of the flight engine.  Burnout and landing at the
same radius r.
"""

from __future__ import annotations

import math

MU = 3.986004418e14
R = 6_371_008.8


def free_flight(v: float, gamma_deg: float, r: float = R) -> dict:
    """Range [m] (along the sphere of radius R), apogee height [m], flight time [s]."""
    g = math.radians(gamma_deg)
    q = v * v * r / MU
    psi = 2.0 * math.atan2(q * math.sin(g) * math.cos(g), 1.0 - q * math.cos(g) ** 2)
    a = r / (2.0 - q)
    e = math.sqrt(1.0 - q * (2.0 - q) * math.cos(g) ** 2)
    r_apogee = a * (1.0 + e)
    cos_eb = (1.0 - r / a) / e
    e_b = math.acos(max(-1.0, min(1.0, cos_eb)))
    t = 2.0 * math.sqrt(a**3 / MU) * (math.pi - e_b + e * math.sin(e_b))
    return {"range_m": R * psi, "apogee_m": r_apogee - R, "flight_time_s": t}


def minimum_energy(v: float, r: float = R) -> dict:
    """Maximum range for burnout speed v: sin(psi/2) = Q/(2-Q), gamma* = 45 deg - psi/4."""
    q = v * v * r / MU
    psi = 2.0 * math.asin(q / (2.0 - q))
    gamma = 45.0 - math.degrees(psi) / 4.0
    out = free_flight(v, gamma, r)
    out["gamma_deg"] = gamma
    return out


OMEGA = 7.292115e-5  # WGS-84 rotation rate [rad/s]


def impact_from_state(r0, v0, radius: float = R):
    """Where and when a Kepler conic from inertial state (r0, v0) comes down to ``radius``
    (the package's closed-form authority, written from BMW ch. 2 and 4, not from the engine)."""
    from thaadsim.studies.validation_authorities import kepler_impact_from_state

    return kepler_impact_from_state(r0, v0, radius)


def ground_impact_rotating(r0_ecef, v0_ecef_ground, radius: float = R):
    """Landing point in Earth-fixed coordinates for a ground-relative state on a rotating sphere."""
    from thaadsim.studies.validation_authorities import kepler_impact_rotating_sphere

    return kepler_impact_rotating_sphere(r0_ecef, v0_ecef_ground, OMEGA, radius)
