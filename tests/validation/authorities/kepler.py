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
    """Where and when a Kepler conic from inertial state (r0, v0) comes down to ``radius``.

    Two-body closed form (BMW ch. 2 and 4): conic elements from the state, true anomaly
    at the landing radius on the descending branch, time of flight from Kepler's
    equation.  Returns (inertial landing position, time of flight [s]).
    """
    import numpy as np

    r0 = np.asarray(r0, float)
    v0 = np.asarray(v0, float)
    h = np.cross(r0, v0)
    e_vec = np.cross(v0, h) / MU - r0 / np.linalg.norm(r0)
    e = np.linalg.norm(e_vec)
    p = h @ h / MU
    a = p / (1.0 - e * e)
    p_hat = e_vec / e
    q_hat = np.cross(h / np.linalg.norm(h), p_hat)
    nu0 = math.atan2(r0 @ q_hat, r0 @ p_hat) % (2 * math.pi)
    nu1 = 2 * math.pi - math.acos((p / radius - 1.0) / e)

    def mean_anomaly(nu):
        ecc = 2.0 * math.atan(math.sqrt((1 - e) / (1 + e)) * math.tan(nu / 2.0))
        return ecc - e * math.sin(ecc)

    m0, m1 = mean_anomaly(nu0), mean_anomaly(nu1)
    dm = (m1 - m0) % (2 * math.pi)
    t = dm / math.sqrt(MU / a**3)
    r1 = radius * (math.cos(nu1) * p_hat + math.sin(nu1) * q_hat)
    return r1, t


def ground_impact_rotating(r0_ecef, v0_ecef_ground, radius: float = R):
    """Landing point in Earth-fixed coordinates for a ground-relative state on a rotating sphere.

    ECEF and ECI coincide at t = 0; the inertial velocity adds w x r; the Earth then
    turns by w t under the flight.
    """
    import numpy as np

    v_inertial = np.asarray(v0_ecef_ground, float) + np.cross([0.0, 0.0, OMEGA], r0_ecef)
    r1, t = impact_from_state(r0_ecef, v_inertial, radius)
    c, s = math.cos(OMEGA * t), math.sin(OMEGA * t)
    return np.array([c * r1[0] + s * r1[1], -s * r1[0] + c * r1[1], r1[2]]), t
