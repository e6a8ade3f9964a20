"""U.S. Standard Atmosphere 1976, written a second time for the reference flight.

Authority: *U.S. Standard Atmosphere, 1976*, NOAA-S/T 76-1562 (NASA-TM-X-74335),
U.S. Government Printing Office, Washington D.C., October 1976.

Independent of :mod:`thaadsim.earth.atmosphere` on purpose (a test authority must be
able to disagree with the engine): nothing is imported from it and the upper region
is done differently.

* Up to 86 km: the standard's defining closed forms (Part 1, eqs. 18-33): seven
  layers with molecular-scale temperature linear in geopotential height
  ``H = r0 Z / (r0 + Z)``, hydrostatic pressure, ideal gas of sea-level molar mass.
  Density from ``rho = P M0 / (R* T_M)`` is exact (``T_M / M0 = T / M``), so the
  80-86 km molar-mass table is not needed for density, pressure or speed of sound.
* Above 86 km: the standard's *printed* density and pressure rows
  (``data/ussa1976.csv``, geometric altitude), interpolated linearly in their
  logarithms.  APPROXIMATION (named): between printed rows the true curve is not
  log-linear; with the rows in the file the density is off by up to 7 % (at 139 km,
  against the engine's integration of the standard's species equations), where the
  drag of every vehicle this project flies is below 1e-3 m/s^2.
  The engine instead integrates the standard's species equations and splines them.
* Speed of sound: the standard defines it only up to 86 km
  (``sqrt(gamma R* T_M / M0)``); above, its 86 km value is held (only a Mach number
  for the booster drag curve, which is flat above Mach 7).
* Above the last printed row (1000 km): vacuum.
"""

from __future__ import annotations

import math
from functools import cache
from pathlib import Path

import numpy as np

# Constants of the standard (Part 1, Table 2 and sec. 1.2), not CODATA values.
G0 = 9.80665  # m/s^2, also g0' of the geopotential metre
R0 = 6_356_766.0  # m, effective Earth radius of the geopotential
R_STAR = 8.31432e3  # J/(kmol K), the standard's universal gas constant
M0 = 28.9644  # kg/kmol, sea-level mean molar mass
GAMMA = 1.40
P0 = 101_325.0  # Pa
T0 = 288.15  # K

# Part 1, Table 4: geopotential base heights [km'] and gradients dT_M/dH [K/km'].
LAYER_BASE_KM = (0.0, 11.0, 20.0, 32.0, 47.0, 51.0, 71.0)
LAPSE_K_PER_KM = (-6.5, 0.0, 1.0, 2.8, 0.0, -2.8, -2.0)
Z_UPPER_M = 86_000.0  # geometric top of the closed-form region

DATA = Path(__file__).with_name("data") / "ussa1976.csv"


def _climb(tb: float, pb: float, lb: float, dh: float) -> tuple[float, float]:
    """(T_M, P) a geopotential height dh above a layer base (T_Mb, P_b, gradient L_b)."""
    if lb == 0.0:
        return tb, pb * math.exp(-G0 * M0 * dh / (R_STAR * tb))
    t = tb + lb * dh
    return t, pb * (tb / t) ** (G0 * M0 / (R_STAR * lb))


def _bases() -> list[tuple[float, float, float, float]]:
    """(H_b [m'], T_Mb [K], P_b [Pa], L_b [K/m']) of each layer, chained from sea level."""
    out = []
    t, p = T0, P0
    for i, (hb_km, lapse) in enumerate(zip(LAYER_BASE_KM, LAPSE_K_PER_KM, strict=True)):
        out.append((hb_km * 1e3, t, p, lapse * 1e-3))
        if i + 1 < len(LAYER_BASE_KM):
            t, p = _climb(t, p, lapse * 1e-3, (LAYER_BASE_KM[i + 1] - hb_km) * 1e3)
    return out


BASES = _bases()


def _lower(z_m: float) -> tuple[float, float]:
    """(T_M [K], P [Pa]) at geometric height z <= 86 km (closed forms)."""
    h = R0 * z_m / (R0 + z_m)
    hb, tb, pb, lb = BASES[0]
    for base in BASES[1:]:
        if h >= base[0]:
            hb, tb, pb, lb = base
    return _climb(tb, pb, lb, h - hb)


@cache
def upper_rows() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(altitude m, ln density, ln pressure) of the printed rows at and above 86 km."""
    lines = [ln for ln in DATA.read_text().splitlines() if ln.strip() and not ln.startswith("#")]
    header = lines[0].split(",")
    rows = np.array([[float(v) for v in ln.split(",")[:4]] for ln in lines[1:]])
    col = {name: k for k, name in enumerate(header)}
    z = rows[:, col["altitude_km"]] * 1e3
    keep = z >= Z_UPPER_M
    return z[keep], np.log(rows[keep, col["density_kg_m3"]]), np.log(rows[keep, col["pressure_Pa"]])


SOUND_86_M_S = math.sqrt(GAMMA * R_STAR * _lower(Z_UPPER_M)[0] / M0)


def air(z_m: float) -> tuple[float, float, float]:
    """(density kg/m^3, pressure Pa, speed of sound m/s) at geometric height z [m]."""
    if z_m <= Z_UPPER_M:
        tm, p = _lower(z_m)
        return p * M0 / (R_STAR * tm), p, math.sqrt(GAMMA * R_STAR * tm / M0)
    z, ln_rho, ln_p = upper_rows()
    if z_m >= z[-1]:
        return 0.0, 0.0, SOUND_86_M_S
    i = int(np.searchsorted(z, z_m, side="right")) - 1
    u = (z_m - z[i]) / (z[i + 1] - z[i])
    rho = math.exp(ln_rho[i] + u * (ln_rho[i + 1] - ln_rho[i]))
    p = math.exp(ln_p[i] + u * (ln_p[i + 1] - ln_p[i]))
    return rho, p, SOUND_86_M_S


def density(z_m: float) -> float:
    return air(z_m)[0]


def pressure(z_m: float) -> float:
    return air(z_m)[1]


__all__ = ["air", "density", "pressure", "SOUND_86_M_S", "upper_rows"]
