"""Earth constants, SI units, each with its source.

WGS-84: NIMA TR8350.2 (3rd ed., 2000), Table 3.1 and 3.2 — a, 1/f, GM, ω.
J2 is the WGS-84 ellipsoid's second zonal harmonic (normalised C20 = -0.484166774985e-3,
NIMA TR8350.2 Table 3.1; J2 = -sqrt(5) C20).  EGM96's C20 (-0.484165371736e-3) would give
1.0826267e-3: the difference moves an impact by less than 0.1 m.
The validation sphere is the IUGG mean radius (Moritz 2000, Geodetic Reference System
1980) with the same GM — the values ../reference/formulas.md states for closed forms.
"""

from __future__ import annotations

WGS84_A_M = 6_378_137.0
"""WGS-84 semi-major axis [m] (NIMA TR8350.2)."""
WGS84_INV_F = 298.257223563
"""WGS-84 inverse flattening [-] (NIMA TR8350.2)."""
WGS84_F = 1.0 / WGS84_INV_F
WGS84_B_M = WGS84_A_M * (1.0 - WGS84_F)
"""WGS-84 semi-minor axis [m]."""
WGS84_E2 = WGS84_F * (2.0 - WGS84_F)
"""WGS-84 first eccentricity squared [-]."""
GM_EARTH_M3_S2 = 3.986004418e14
"""Earth's gravitational parameter incl. atmosphere [m^3/s^2] (NIMA TR8350.2)."""
OMEGA_EARTH_RAD_S = 7.292115e-5
"""Earth's rotation rate [rad/s] (NIMA TR8350.2)."""
J2_EARTH = 1.08262982131e-3
"""Second zonal harmonic of the WGS-84 ellipsoid (NIMA TR8350.2 Table 3.1, J2 = -sqrt(5) * C20bar)."""

SPHERE_RADIUS_M = 6_371_008.8
"""IUGG mean Earth radius R1 [m] (Moritz 2000): the validation sphere."""

G0_M_S2 = 9.80665
"""Standard gravity [m/s^2] (CGPM 1901): converts specific impulse in seconds to m/s."""
