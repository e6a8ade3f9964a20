"""The authorities of ``thaadsim validate``: closed forms and published figures, held apart
from the engine.

Each closed form here is written from shared/reference/formulas.md (Wheelon 1959; Bate,
Mueller & White 1971; Skolnik; Wilkening 2000) with its own constants, and never calls
the engine's code: a value computed here and a value computed by the engine agree only
if both are right (or wrong in the same way by coincidence).  Tabulated figures are
copied from the project's transcriptions (tests/validation/authorities/) with their
sources, so that the command runs from an installed package.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

# ---------------------------------------------------------------- free flight (formulas.md)
# The validation sphere of formulas.md, stated here rather than imported from
# thaadsim.earth.constants: a drift of the engine's constants then shows as a deviation.
MU_M3_S2 = 3.986004418e14
SPHERE_RADIUS_M = 6_371_008.8
KEPLER_SOURCE = "closed form: Bate, Mueller & White (1971) ch. 6; Wheelon (1959)"


def kepler_free_flight(speed_m_s: float, gamma_deg: float) -> dict:
    """Range [m] along the sphere, apogee height [m] and flight time [s] of a burnout at the
    surface with this speed and flight-path angle, landing at the same radius."""
    r = SPHERE_RADIUS_M
    g = math.radians(gamma_deg)
    q = speed_m_s**2 * r / MU_M3_S2
    psi = 2.0 * math.atan2(q * math.sin(g) * math.cos(g), 1.0 - q * math.cos(g) ** 2)
    a = r / (2.0 - q)
    e = math.sqrt(1.0 - q * (2.0 - q) * math.cos(g) ** 2)
    e_burnout = math.acos(max(-1.0, min(1.0, (1.0 - r / a) / e)))
    t = 2.0 * math.sqrt(a**3 / MU_M3_S2) * (math.pi - e_burnout + e * math.sin(e_burnout))
    return {"range_m": r * psi, "apogee_m": a * (1.0 + e) - r, "flight_time_s": t}


def minimum_energy_gamma_deg(speed_m_s: float) -> float:
    """The range-maximising flight-path angle: γ* = 45° − Ψ/4 with sin(Ψ/2) = Q/(2 − Q)."""
    q = speed_m_s**2 * SPHERE_RADIUS_M / MU_M3_S2
    return 45.0 - math.degrees(2.0 * math.asin(q / (2.0 - q))) / 4.0


# The worked minimum-energy table printed in formulas.md (burnout at the surface), to its
# printed rounding: speed m/s -> (range km, gamma deg, minutes, apogee km).
FORMULAS_MD_WORKED = {
    3000.0: (988.0, 42.8, 7.9, 237.0),
    5000.0: (3215.0, 37.8, 15.6, 694.0),
    7000.0: (8910.0, 25.0, 30.0, 1303.0),
}

# ---------------------------------------------------------------- rotating ellipsoid with J2
# A second integrator of drag-free flight, written from the published model rather than
# from the engine.  Its constants and geodesy (WGS-84 from NIMA TR8350.2, J2 from the
# WGS 84 C20) are those of the independent reference flight,
# :mod:`thaadsim.studies.authorities.reference_flight`, which takes nothing from the
# engine.  It integrates in the INERTIAL frame (the engine and the reference flight both
# integrate Earth-fixed, with Coriolis and centrifugal terms): the Earth's rotation enters
# only through the initial velocity w x r and the frame turned by w t at the end, so a
# wrong rotation term in the engine shows as a different landing point.
WGS84_SOURCE = ("second integrator (scipy DOP853, inertial frame): WGS-84 and J2 from NIMA TR8350.2 (constants of "
                "thaadsim.studies.authorities.reference_flight); J2 acceleration as in Vallado, Fundamentals of "
                "Astrodynamics (2013) eq. 8-30")


def _j2_gravity(r, gm: float, j2: float, a: float):
    import numpy as np

    x, y, z = r
    r2 = x * x + y * y + z * z
    rn = math.sqrt(r2)
    k = 1.5 * j2 * a**2 / r2
    zz = 5.0 * z * z / r2
    return -gm / rn**3 * np.array([x * (1.0 + k * (1.0 - zz)), y * (1.0 + k * (1.0 - zz)), z * (1.0 + k * (3.0 - zz))])


def coast_on_rotating_ellipsoid(lat_deg: float, lon_deg: float, alt_m: float, speed_m_s: float, gamma_deg: float,
                                azimuth_deg: float, *, omega: float | None = None, j2: float | None = None,
                                rtol: float = 1e-12) -> dict:
    """Drag-free flight from a ground-relative burnout state to the ellipsoid (h = 0).

    Returns the Earth-fixed impact position [m] and the time of flight [s].  ``omega``
    and ``j2`` (default: WGS-84's) are arguments so that the validation can show what
    each one is worth.
    """
    import numpy as np
    from scipy.integrate import solve_ivp

    from thaadsim.studies.authorities import reference_flight as ref

    omega = ref.OMEGA if omega is None else omega
    j2 = ref.J2 if j2 is None else j2
    r0 = ref.ecef_from_geodetic(lat_deg, lon_deg, alt_m)
    v0 = ref.ecef_velocity(lat_deg, lon_deg, speed_m_s, gamma_deg, azimuth_deg) + np.cross([0.0, 0.0, omega], r0)

    def rhs(_t, s):
        return np.concatenate([s[3:], _j2_gravity(s[:3], ref.GM, j2, ref.A)])

    def ground(_t, s):
        return ref.geodetic(*s[:3])[2]

    ground.terminal, ground.direction = True, -1.0
    out = solve_ivp(rhs, (0.0, 4 * 3600.0), np.concatenate([r0, v0]), method="DOP853", rtol=rtol, atol=1e-6,
                    events=ground, first_step=0.01)
    if not out.t_events[0].size:
        raise RuntimeError("reference coast did not come down within 4 h")
    t = float(out.t_events[0][0])
    r_eci = out.y_events[0][0][:3]
    c, s = math.cos(omega * t), math.sin(omega * t)
    return {"impact_ecef_m": np.array([c * r_eci[0] + s * r_eci[1], -s * r_eci[0] + c * r_eci[1], r_eci[2]]),
            "flight_time_s": t}


def kepler_impact_from_state(r0, v0_inertial, radius: float = SPHERE_RADIUS_M):
    """Where and when the Kepler conic of an inertial state (r0, v0) comes down to ``radius``.

    Two-body closed form (Bate, Mueller & White ch. 2 and 4): conic elements from the
    state, true anomaly at the landing radius on the descending branch, time of flight
    from Kepler's equation.  Returns (inertial landing position [m], time of flight [s]).
    """
    import numpy as np

    r0 = np.asarray(r0, float)
    v0 = np.asarray(v0_inertial, float)
    h = np.cross(r0, v0)
    e_vec = np.cross(v0, h) / MU_M3_S2 - r0 / np.linalg.norm(r0)
    e = float(np.linalg.norm(e_vec))
    p = float(h @ h) / MU_M3_S2
    a = p / (1.0 - e * e)
    p_hat = e_vec / e
    q_hat = np.cross(h / np.linalg.norm(h), p_hat)
    nu0 = math.atan2(r0 @ q_hat, r0 @ p_hat) % (2 * math.pi)
    nu1 = 2 * math.pi - math.acos((p / radius - 1.0) / e)

    def mean_anomaly(nu):
        ecc = 2.0 * math.atan(math.sqrt((1 - e) / (1 + e)) * math.tan(nu / 2.0))
        return ecc - e * math.sin(ecc)

    t = ((mean_anomaly(nu1) - mean_anomaly(nu0)) % (2 * math.pi)) / math.sqrt(MU_M3_S2 / a**3)
    return radius * (math.cos(nu1) * p_hat + math.sin(nu1) * q_hat), t


def kepler_impact_rotating_sphere(r0_ecef, v0_ground, omega: float | None = None, radius: float = SPHERE_RADIUS_M):
    """Where a ground-relative state on a rotating sphere lands: the inertial Kepler conic
    of r0 and v0 + w x r0 (ECEF and ECI coincide at t = 0), with the sphere turned by w t
    under it.  Returns (Earth-fixed landing position [m], time of flight [s])."""
    import numpy as np

    from thaadsim.studies.authorities import reference_flight as ref

    omega = ref.OMEGA if omega is None else omega
    v_inertial = np.asarray(v0_ground, float) + np.cross([0.0, 0.0, omega], np.asarray(r0_ecef, float))
    r1, t = kepler_impact_from_state(r0_ecef, v_inertial, radius)
    c, s = math.cos(omega * t), math.sin(omega * t)
    return np.array([c * r1[0] + s * r1[1], -s * r1[0] + c * r1[1], r1[2]]), t


# ---------------------------------------------------------------- radar (formulas.md)
RADAR_SOURCE = "closed form: geometric line of sight from a radar over a sphere (the radar horizon; Skolnik 2001)"


def horizon_small_height_m(radar_height_m: float, target_height_m: float, k: float = 1.0) -> float:
    """√(2 k R h_r) + √(2 k R h_t): the h ≪ R horizon distance (k = 4/3 for refraction)."""
    return math.sqrt(2 * k * SPHERE_RADIUS_M * radar_height_m) + math.sqrt(2 * k * SPHERE_RADIUS_M * target_height_m)


def horizon_exact_sphere_m(radar_height_m: float, target_height_m: float) -> float:
    """The same without h ≪ R: R [acos(R/(R+h_r)) + acos(R/(R+h_t))] along the sphere."""
    r = SPHERE_RADIUS_M
    return r * (math.acos(r / (r + radar_height_m)) + math.acos(r / (r + target_height_m)))


RANGE_LAW_DB_PER_DOUBLING = 40.0 * math.log10(2.0)
"""SNR ∝ σ/R⁴: doubling the range costs 40 log10 2 = 12.04 dB."""


@dataclass(frozen=True)
class PdTableRow:
    swerling: int
    pfa: float
    snr_db: float
    pd: float
    source: str


# Single-sample (n = 1) square-law detection, as tests/validation/authorities/pd_required_snr.csv
# transcribes it.  Only the rows checked there as 'classic' or 'closed-form' are used; its
# 'verify' rows (entered without the book at hand) are left out.
_RICHARDS = "Richards, Fundamentals of Radar Signal Processing (2005) ch. 6: Pd = Pfa^(1/(1+SNR))"
PD_TABLE = (
    PdTableRow(0, 1e-6, 13.2, 0.90, "Skolnik, Introduction to Radar Systems, 3rd ed. (2001), sec. 2.5, Fig. 2.7"),
    PdTableRow(1, 1e-6, 21.1, 0.90, "Skolnik, Introduction to Radar Systems, 3rd ed. (2001), sec. 2.8"),
    PdTableRow(1, 1e-6, 12.8, 0.50, _RICHARDS),
    PdTableRow(1, 1e-6, 31.4, 0.99, _RICHARDS),
    PdTableRow(1, 1e-4, 19.4, 0.90, _RICHARDS),
)

# ---------------------------------------------------------------- atmosphere
USSA1976_SOURCE = "U.S. Standard Atmosphere 1976 (NOAA-S/T 76-1562), Part 4 Table I"
# altitude km -> (temperature K, density kg/m^3), copied from tests/validation/authorities/ussa1976.csv.
# Below 86 km those rows agree with the standard's own closed forms to the last printed
# digit; above it they were transcribed without the printed table at hand (see the CSV).
USSA1976 = {
    0.0: (288.150, 1.2250),
    11.0: (216.774, 3.6480e-1),
    20.0: (216.650, 8.8910e-2),
    50.0: (270.650, 1.0269e-3),
    80.0: (198.639, 1.8458e-5),
    100.0: (195.08, 5.604e-7),
    300.0: (976.01, 1.916e-11),
    1000.0: (1000.00, 3.561e-15),
}

# ---------------------------------------------------------------- leakage (formulas.md)
LEAKAGE_SOURCE = "closed form: Wilkening (2000), one-layer defence effectiveness"


def leak_closed_form(sspk: float, shots: int, p_detect: float = 1.0) -> float:
    """P_leak = 1 − P_d [1 − (1 − p)^n] (n shots, or n looks of shoot-look-shoot)."""
    return 1.0 - p_detect * (1.0 - (1.0 - sspk) ** shots)


def shots_per_warhead_closed_form(sspk: float, looks: int) -> float:
    """Shoot-look-shoot: expected interceptors per engaged warhead, Σ_{i=1..k} (1 − p)^(i−1)."""
    return sum((1.0 - sspk) ** (i - 1) for i in range(1, looks + 1))


def no_leak_closed_form(p_leak: float, n_warheads: int, reliability: float = 1.0) -> float:
    """R_sys (1 − P_leak)^N."""
    return reliability * (1.0 - p_leak) ** n_warheads


# The worked example printed in formulas.md (p = 0.8, two looks of shoot-look-shoot).
FORMULAS_MD_LEAKAGE_EXAMPLE = {"p_leak": 0.04, "shots_per_warhead": 1.2, "no_leak_10": 0.66, "no_leak_10_pd95": 0.40}

