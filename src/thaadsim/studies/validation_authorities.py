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
KEPLER_SOURCE = "closed form: Bate, Mueller & White (1971) ch. 6; Wheelon (1959) — formulas.md"


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

# ---------------------------------------------------------------- radar (formulas.md)
RADAR_SOURCE = "closed form: formulas.md, 'Line of sight from a radar'"


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
LEAKAGE_SOURCE = "closed form: Wilkening (2000), formulas.md 'Defence effectiveness (one layer)'"


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

# ---------------------------------------------------------------- published analyses
@dataclass(frozen=True)
class PublishedRangeEstimate:
    test_key: str
    apogee_km: float
    range_km: float
    flight_time_s: float
    max_range_km: float
    source: str


# Wright (Union of Concerned Scientists, All Things Nuclear, 2017): maximum range on a
# standard trajectory inferred from each lofted test.  Apogee, range and (upper) flight
# time as published (KCNA via CSIS), the inputs of the reverse analysis.
WRIGHT_2017 = (
    PublishedRangeEstimate("2017-05-14-hwasong-12", 2111.5, 787.0, 1860.0, 4500.0,
                           "Wright, UCS All Things Nuclear, May 2017 (Hwasong-12 test): ~4,500 km"),
    PublishedRangeEstimate("2017-07-04-hwasong-14", 2802.0, 933.0, 2340.0, 6700.0,
                           "Wright, UCS All Things Nuclear, 4 Jul 2017 (Hwasong-14 test): ~6,700 km"),
    PublishedRangeEstimate("2017-07-28-hwasong-14", 3724.9, 998.0, 2832.0, 10400.0,
                           "Wright, UCS All Things Nuclear, 28 Jul 2017: ~10,400 km"),
    PublishedRangeEstimate("2017-11-29-hwasong-15", 4475.0, 950.0, 3240.0, 13000.0,
                           "Wright, UCS All Things Nuclear, 28 Nov 2017: more than 13,000 km"),
)
