"""Compiled Earth kernels: gravity with J2, ECEF -> geodetic height, atmosphere look-up.

Plain floats in, plain floats out (numba ``njit(cache=True)``), so the flight and
tracking kernels can call them in their inner loops.  Each has a plain-numpy or
library reference in the tests (pyproj for geodetic conversion, closed forms for gravity).

Earth model codes, shared by every kernel: ``EARTH_WGS84 = 0`` (ellipsoid, J2),
``EARTH_SPHERE = 1`` (the validation sphere, point-mass gravity).
"""

from __future__ import annotations

import math

from thaadsim.earth.constants import (
    GM_EARTH_M3_S2,
    J2_EARTH,
    SPHERE_RADIUS_M,
    WGS84_A_M,
    WGS84_B_M,
    WGS84_E2,
)
from thaadsim.jit import helper, kernel, leaf

EARTH_WGS84 = 0
EARTH_SPHERE = 1

_A = WGS84_A_M
_B = WGS84_B_M
_E2 = WGS84_E2
_EP2 = (WGS84_A_M**2 - WGS84_B_M**2) / WGS84_B_M**2
_MU = GM_EARTH_M3_S2
_J2 = J2_EARTH
_RS = SPHERE_RADIUS_M


@kernel
def gravity_ecef(x, y, z, earth):
    """Gravitational acceleration [m/s^2] at an Earth-fixed point.

    WGS-84: point mass plus the J2 zonal term (axially symmetric, so the ECEF and
    ECI forms coincide).  Sphere: point mass only.
    """
    r2 = x * x + y * y + z * z
    r = math.sqrt(r2)
    k = -_MU / (r2 * r)
    if earth == EARTH_SPHERE:
        return k * x, k * y, k * z
    zr2 = z * z / r2
    f = 1.5 * _J2 * (_A * _A / r2)
    kxy = k * (1.0 + f * (1.0 - 5.0 * zr2))
    kz = k * (1.0 + f * (3.0 - 5.0 * zr2))
    return kxy * x, kxy * y, kz * z


@kernel
def geodetic_from_ecef(x, y, z, earth):
    """(lat [rad], lon [rad], height [m]) of an ECEF point.

    WGS-84 uses Heikkinen's closed form (exact to well under a millimetre for points
    more than ~40 km from the Earth's centre); the sphere uses geocentric latitude and
    height over the mean radius.
    """
    lon = math.atan2(y, x)
    p = math.sqrt(x * x + y * y)
    if earth == EARTH_SPHERE:
        r = math.sqrt(p * p + z * z)
        return math.atan2(z, p), lon, r - _RS
    if p < 1e-3:  # on the polar axis the closed form divides by p
        lat = math.copysign(0.5 * math.pi, z)
        return lat, lon, abs(z) - _B
    u, v = _heikkinen_uv(p, z)
    z0 = _B * _B * z / (_A * v)
    h = u * (1.0 - _B * _B / (_A * v))
    lat = math.atan2(z + _EP2 * z0, p)
    return lat, lon, h


@helper
def geodetic_height(x, y, z, earth):
    """The height [m] of :func:`geodetic_from_ecef`, the same bits, without its two
    arctangents (a propagation that only asks "above the ground?" needs no latitude)."""
    p = math.sqrt(x * x + y * y)
    if earth == EARTH_SPHERE:
        return math.sqrt(p * p + z * z) - _RS
    if p < 1e-3:
        return abs(z) - _B
    u, v = _heikkinen_uv(p, z)
    return u * (1.0 - _B * _B / (_A * v))


@helper
def geodetic_height_normal(x, y, z, earth):
    """(height [m], the unit 'up' normal (3 floats)) of an ECEF point: the height of
    :func:`geodetic_from_ecef` (the same bits) and its direction of increase - the ellipsoid
    normal at the foot point, (x, y, z + e'^2 z0) normalised, on the sphere the radial.  The
    same vector as (cos lat cos lon, cos lat sin lon, sin lat) to round-off, without the two
    arctangents and four sines and cosines (the tracker's drag Jacobian asks for it four
    times per RK4 step)."""
    p = math.sqrt(x * x + y * y)
    if earth == EARTH_SPHERE:
        r = math.sqrt(p * p + z * z)
        return r - _RS, x / r, y / r, z / r
    if p < 1e-3:
        return abs(z) - _B, 0.0, 0.0, math.copysign(1.0, z)
    u, v = _heikkinen_uv(p, z)
    z0 = _B * _B * z / (_A * v)
    h = u * (1.0 - _B * _B / (_A * v))
    zn = z + _EP2 * z0
    inv = 1.0 / math.sqrt(p * p + zn * zn)
    return h, x * inv, y * inv, zn * inv


@helper
def geodetic_height_bowring(x, y, z, earth):
    """The geodetic height [m] of an ECEF point by Bowring's iteration, once, from his start:
    the height of :func:`geodetic_height` to rounding (of 20,000 points from 100 km below the
    ellipsoid to 3,000 km above it, both within 4.2e-9 m of a 40-digit forward map, rms 9e-10
    and 8e-10 m; tests/unit/test_frames.py), in under two thirds of its latency: no cube root, and its five
    square roots and one division in four steps one after the other (:func:`_bowring`).  For the
    flight's right-hand side, which asks the height at every stage of every step, each stage
    waiting on the one before."""
    p2 = x * x + y * y
    p = math.sqrt(p2)
    if earth == EARTH_SPHERE:
        return math.sqrt(p * p + z * z) - _RS
    if p < 1e-3:
        return abs(z) - _B
    return _bowring(p, p2, z)[0]


@helper
def geodetic_height_normal_bowring(x, y, z, earth):
    """:func:`geodetic_height_normal` by one Bowring iteration (:func:`geodetic_height_bowring`):
    the same height to rounding and the normal (cos lat cos lon, cos lat sin lon, sin lat)
    within 3e-13 rad of the exact one (its latitude's error after one iteration), without the
    cube root; on the sphere and next to the polar axis the same bits as
    :func:`geodetic_height_normal`."""
    p2 = x * x + y * y
    p = math.sqrt(p2)
    if earth == EARTH_SPHERE:
        r = math.sqrt(p * p + z * z)
        return r - _RS, x / r, y / r, z / r
    if p < 1e-3:
        return abs(z) - _B, 0.0, 0.0, math.copysign(1.0, z)
    h, s_lat, c_lat = _bowring(p, p2, z)
    k = c_lat / p
    return h, x * k, y * k, s_lat


@helper
def _bowring(p, p2, z):
    """(height [m], sin lat, cos lat) of a point at distance p > 0 (p2 = p^2) from the polar axis.

    B. R. Bowring (1976), "Transformation from spatial to geographical coordinates", Survey
    Review 23(181), 323-327: the reduced latitude's start tan(beta) = (b z / (a p))
    (1 + e'^2 b / r), one step tan(phi) = (z + e'^2 b sin^3 beta) / (p - e^2 a cos^3 beta)
    (latitude then within 3e-13 rad), and the height p cos(phi) + z sin(phi) - a sqrt(1 - e^2
    sin^2 phi), which is stationary in the latitude (its error is second order in the
    latitude's).  Written for a short chain of dependent operations, not fewer: the tangents
    as unnormalised pairs (sin beta, cos beta) ~ (sb, cb), |.|^2 = q, and tan(phi) = num / den
    with q^(3/2) multiplied through (no division), so that the chain is r; q^(3/2); the
    square roots of m = num^2 + den^2 and of m - e^2 num^2 side by side; one division."""
    r = math.sqrt(p2 + z * z)
    sb = (_B / _A) * z * (r + _EP2 * _B)
    cb = p * r
    q = sb * sb + cb * cb
    q3 = q * math.sqrt(q)
    num = z * q3 + (_EP2 * _B) * (sb * sb * sb)
    den = p * q3 - (_E2 * _A) * (cb * cb * cb)
    m = num * num + den * den
    inv = 1.0 / math.sqrt(m)
    return (p * den + z * num - _A * math.sqrt(m - _E2 * num * num)) * inv, num * inv, den * inv


@helper
def _heikkinen_uv(p, z):
    """Heikkinen's (1982) U and V of an ECEF point at distance p from the polar axis."""
    a2 = _A * _A
    b2 = _B * _B
    z2 = z * z
    p2 = p * p
    f = 54.0 * b2 * z2
    g = p2 + (1.0 - _E2) * z2 - _E2 * (a2 - b2)
    c = _E2 * _E2 * f * p2 / (g * g * g)
    s = (1.0 + c + math.sqrt(c * c + 2.0 * c)) ** (1.0 / 3.0)
    k = s + 1.0 + 1.0 / s
    pp = f / (3.0 * k * k * g * g)
    q = math.sqrt(1.0 + 2.0 * _E2 * _E2 * pp)
    r0 = -pp * _E2 * p / (1.0 + q) + math.sqrt(
        max(0.5 * a2 * (1.0 + 1.0 / q) - pp * (1.0 - _E2) * z2 / (q * (1.0 + q)) - 0.5 * pp * p2, 0.0)
    )
    t = p - _E2 * r0
    return math.sqrt(t * t + z2), math.sqrt(t * t + (1.0 - _E2) * z2)


@kernel
def up_vector(x, y, z, earth):
    """Local 'up' unit vector: the ellipsoid normal on WGS-84, the radial on the sphere."""
    _, ux, uy, uz = geodetic_height_normal(x, y, z, earth)
    return ux, uy, uz


@leaf
def spline_row(values, curvature, i, w, dh):
    """A cubic spline between rows i and i+1 (spacing dh) at fraction w, from the values and
    the spline's second derivatives (curvatures) at the rows (C2 across rows)."""
    v = 1.0 - w
    return (v * values[i] + w * values[i + 1]
            + ((v * v * v - v) * curvature[i] + (w * w * w - w) * curvature[i + 1]) * dh * dh / 6.0)


@kernel
def atmosphere_lookup(h, h0, dh, ln_rho, ln_p, sound, d2_ln_rho, d2_ln_p, d2_sound):
    """(density [kg/m^3], pressure [Pa], speed of sound [m/s]) at geometric height ``h``.

    Natural cubic spline (C2) in the logarithm of density and pressure on a uniform
    grid tabulated from the full US Standard Atmosphere 1976 (``atmosphere.kernel_table``;
    call as ``atmosphere_lookup(h, *table)``).  Smoothness matters: an adaptive
    integrator at tight tolerance loses accuracy at every kink of a coarser
    interpolant.  Above the table's top the air is vacuum; below its bottom the lowest
    interval is extrapolated linearly (reached only within the last step before impact).
    """
    n = ln_rho.shape[0]
    u = (h - h0) / dh
    if u >= n - 1:
        return 0.0, 0.0, sound[n - 1]
    if u < 0.0:
        rho = math.exp(ln_rho[0] + u * (ln_rho[1] - ln_rho[0]))
        p = math.exp(ln_p[0] + u * (ln_p[1] - ln_p[0]))
        return rho, p, sound[0]
    i = int(u)
    w = u - i
    rho = math.exp(spline_row(ln_rho, d2_ln_rho, i, w, dh))
    p = math.exp(spline_row(ln_p, d2_ln_p, i, w, dh))
    a = spline_row(sound, d2_sound, i, w, dh)
    return rho, p, a
