"""Earth frames and the compiled Earth kernels.

Authorities:
- pymap3d (an independent implementation of the WGS-84 geodetic, ENU and AER
  formulas) for geodetic <-> ECEF, ENU and AER, and its Vincenty geodesics;
- PROJ's exact forward map (geodetic -> ECEF, the closed form of NIMA TR8350.2) as the truth
  for the inverse conversions and the compiled ``geodetic_from_ecef``;
- closed forms on the validation sphere: r = (R + h) * unit vector, the haversine
  distance and the great-circle initial bearing and destination formulas;
- the J2 potential U = mu/r [1 - J2 (a/r)^2 (3 sin^2 phi_c - 1)/2] (NIMA TR8350.2's
  spherical-harmonic potential truncated at degree 2), differentiated numerically,
  for ``gravity_ecef``.

Tolerances in physical units: 1 mm in position, 1e-9 deg in angles.
"""

from __future__ import annotations

import math

import numpy as np
import pymap3d as pm
import pymap3d.vincenty as pmv
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from thaadsim.earth import frames as fr
from thaadsim.earth.constants import (
    SPHERE_RADIUS_M,
    WGS84_A_M,
)
from thaadsim.earth.kernels import (
    EARTH_SPHERE,
    EARTH_WGS84,
    geodetic_from_ecef,
    gravity_ecef,
    up_vector,
)
from thaadsim.errors import InputError, ThaadsimError, UnknownNameError
from thaadsim.studies.authorities import reference_flight as published

MM = 1e-3
DEG_TOL = 1e-9
R = SPHERE_RADIUS_M
WGS84 = pm.Ellipsoid.from_name("wgs84")


def _random_geodetic(n, h_max_m=5e6, seed=0):
    rng = np.random.default_rng(seed)
    lat = np.degrees(np.arcsin(rng.uniform(-1.0, 1.0, n)))  # uniform over the globe
    lon = rng.uniform(-180.0, 180.0, n)
    h = rng.uniform(-1_000.0, h_max_m, n)
    return lat, lon, h


def _horizontal_error_m(lat_a, lon_a, lat_b, lon_b, h):
    """Metres between two nearby points at height h (a sphere of WGS-84's a is close enough
    for an error estimate)."""
    rad = WGS84_A_M + h
    dlat = np.radians(lat_a - lat_b)
    dlon = np.radians(((lon_a - lon_b) + 180.0) % 360.0 - 180.0) * np.cos(np.radians(lat_b))
    return rad * np.hypot(dlat, dlon)


# --- geodetic <-> ECEF -------------------------------------------------------------------


def test_geodetic_to_ecef_matches_pymap3d():
    """pymap3d.geodetic2ecef, within 1 mm, heights -1 km to 5000 km."""
    lat, lon, h = _random_geodetic(5_000)
    r = fr.geodetic_to_ecef(lat, lon, h)
    ref = np.stack(pm.geodetic2ecef(lat, lon, h, ell=WGS84, deg=True), axis=-1)
    np.testing.assert_allclose(r, ref, rtol=0, atol=MM)


def test_ecef_to_geodetic_matches_pymap3d_where_it_is_exact():
    """pymap3d.ecef2geodetic, within 1 mm / 1e-9 deg, heights -1 km to 100 km.

    pymap3d's closed form drifts with height itself (~0.1 mm at 300 km, ~1 m at
    5000 km), so above 100 km the round-trip test below is the authority.
    """
    lat, lon, h = _random_geodetic(5_000, h_max_m=100e3, seed=1)
    r = fr.geodetic_to_ecef(lat, lon, h)
    got = fr.ecef_to_geodetic(r)
    ref = pm.ecef2geodetic(r[:, 0], r[:, 1], r[:, 2], ell=WGS84, deg=True)
    np.testing.assert_allclose(got[0], ref[0], rtol=0, atol=DEG_TOL)
    np.testing.assert_allclose(got[1], ref[1], rtol=0, atol=DEG_TOL)
    np.testing.assert_allclose(got[2], ref[2], rtol=0, atol=MM)


@pytest.mark.parametrize("earth", fr.EARTH_MODELS)
def test_geodetic_round_trip(earth):
    """ECEF -> geodetic inverts PROJ's exact forward map to 1 mm at -1 km..5000 km,
    poles included (PROJ's own inverse alone drifts by 10 cm at 5000 km)."""
    lat, lon, h = _random_geodetic(20_000, seed=2)
    lat[:4] = [90.0, -90.0, 0.0, 89.99999]
    h[:4] = [5e6, 0.0, 5e6, 5e6]
    r = fr.geodetic_to_ecef(lat, lon, h, earth=earth)
    lat2, lon2, h2 = fr.ecef_to_geodetic(r, earth=earth)
    np.testing.assert_allclose(lat2, lat, rtol=0, atol=DEG_TOL)
    np.testing.assert_allclose(h2, h, rtol=0, atol=MM)
    assert _horizontal_error_m(lat2[4:], lon2[4:], lat[4:], lon[4:], h[4:]).max() < MM


def test_sphere_geodetic_is_geocentric():
    """On the sphere: r = (R + h) (cos lat cos lon, cos lat sin lon, sin lat)."""
    lat, lon, h = _random_geodetic(2_000, seed=3)
    r = fr.geodetic_to_ecef(lat, lon, h, earth="sphere")
    phi, lam = np.radians(lat), np.radians(lon)
    ref = (R + h)[:, None] * np.stack(
        [np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)], axis=-1
    )
    np.testing.assert_allclose(r, ref, rtol=0, atol=MM)
    lat2, _, h2 = fr.ecef_to_geodetic(r, earth="sphere")
    np.testing.assert_allclose(h2, np.linalg.norm(r, axis=-1) - R, rtol=0, atol=MM)
    geocentric = np.degrees(np.arctan2(r[:, 2], np.hypot(r[:, 0], r[:, 1])))
    np.testing.assert_allclose(lat2, geocentric, rtol=0, atol=DEG_TOL)


def test_broadcasting_and_scalars():
    r = fr.geodetic_to_ecef(37.5, 127.0, 0.0)
    assert r.shape == (3,)
    lat, lon, h = fr.ecef_to_geodetic(r)
    assert np.ndim(lat) == np.ndim(lon) == np.ndim(h) == 0
    grid = fr.geodetic_to_ecef(np.array([[10.0], [20.0]]), np.array([0.0, 90.0, 180.0]), 1e3)
    assert grid.shape == (2, 3, 3)
    lat, lon, h = fr.ecef_to_geodetic(grid)
    assert lat.shape == (2, 3)
    np.testing.assert_allclose(lat[:, 0], [10.0, 20.0], atol=DEG_TOL)
    assert fr.enu_rotation(np.zeros((4, 2)), 0.0).shape == (4, 2, 3, 3)


# --- local frames ---------------------------------------------------------------------


ORIGINS = [(35.96, 128.01, 400.0), (-33.9, 151.2, 0.0), (89.5, -40.0, 3_000.0), (0.0, 180.0, -50.0)]


@pytest.mark.parametrize(("lat0", "lon0", "h0"), ORIGINS)
def test_enu_and_aer_match_pymap3d(lat0, lon0, h0):
    """pymap3d.ecef2enu / ecef2aer, within 1 mm and 1e-9 deg, targets up to 3000 km."""
    rng = np.random.default_rng(4)
    lat = np.clip(lat0 + rng.uniform(-15.0, 15.0, 500), -90.0, 90.0)
    lon = lon0 + rng.uniform(-15.0, 15.0, 500)
    h = rng.uniform(0.0, 3e6, 500)
    r = fr.geodetic_to_ecef(lat, lon, h)
    enu = fr.ecef_to_enu(r, lat0, lon0, h0)
    ref = np.stack(pm.ecef2enu(r[:, 0], r[:, 1], r[:, 2], lat0, lon0, h0, ell=WGS84), axis=-1)
    np.testing.assert_allclose(enu, ref, rtol=0, atol=MM)

    az, el, rng_m = fr.ecef_to_aer(r, lat0, lon0, h0)
    az_ref, el_ref, rng_ref = pm.ecef2aer(r[:, 0], r[:, 1], r[:, 2], lat0, lon0, h0, ell=WGS84)
    daz = (np.degrees(az) - az_ref + 180.0) % 360.0 - 180.0
    assert np.abs(daz).max() < DEG_TOL
    np.testing.assert_allclose(np.degrees(el), el_ref, rtol=0, atol=DEG_TOL)
    np.testing.assert_allclose(rng_m, rng_ref, rtol=0, atol=MM)
    assert np.all((az >= 0.0) & (az < 2.0 * np.pi))


@pytest.mark.parametrize("earth", fr.EARTH_MODELS)
def test_local_frame_round_trips(earth):
    lat0, lon0, h0 = 36.0, 128.0, 100.0
    rng = np.random.default_rng(5)
    enu = rng.uniform(-2e6, 2e6, (1_000, 3))
    r = fr.enu_to_ecef(enu, lat0, lon0, h0, earth=earth)
    enu_back = fr.ecef_to_enu(r, lat0, lon0, h0, earth=earth)
    np.testing.assert_allclose(enu_back, enu, rtol=0, atol=MM)
    az, el, rng_m = fr.ecef_to_aer(r, lat0, lon0, h0, earth=earth)
    back = fr.aer_to_ecef(az, el, rng_m, lat0, lon0, h0, earth=earth)
    np.testing.assert_allclose(back, r, rtol=0, atol=MM)


def test_height_and_normal_without_arctangents_are_geodetic_from_ecef():
    """Authority: geodetic_from_ecef (Heikkinen's closed form, held against pymap3d above) -
    geodetic_height gives its height to the bit, geodetic_height_normal the same height and
    (cos lat cos lon, cos lat sin lon, sin lat) from its latitude and longitude to round-off,
    on the ellipsoid, the sphere and next to the polar axis."""
    from numba import njit

    from thaadsim.earth.kernels import geodetic_height, geodetic_height_normal

    @njit
    def both(x, y, z, earth):  # the helpers have no Python wrapper of their own
        return geodetic_height(x, y, z, earth), geodetic_height_normal(x, y, z, earth)

    lat, lon, h = _random_geodetic(300, seed=11)
    points = [*fr.geodetic_to_ecef(lat, lon, h), (1e-4, -2e-4, 6.4e6), (3e-4, 1e-4, -6.36e6)]
    for earth in (EARTH_WGS84, EARTH_SPHERE):
        for x, y, z in points:
            la, lo, hh = geodetic_from_ecef(x, y, z, earth)
            height, (h2, *up) = both(x, y, z, earth)
            assert height == hh and h2 == hh
            expected = (math.cos(la) * math.cos(lo), math.cos(la) * math.sin(lo), math.sin(la))
            np.testing.assert_allclose(up, expected, rtol=0, atol=2e-16 * 4)


def _exact_wgs84_point(sin_lat, h):
    """(p, z) [m] of the point at geodetic height ``h`` over latitude asin(``sin_lat``), to 40
    digits (decimal: square roots only), from WGS-84's defining a and 1/f (NIMA TR8350.2),
    not thaadsim's constants."""
    from decimal import Decimal, localcontext

    with localcontext() as ctx:
        ctx.prec = 40
        a = Decimal(6378137)
        f = 1 / Decimal("298.257223563")
        e2 = f * (2 - f)
        s = Decimal(sin_lat)
        c = (1 - s * s).sqrt()
        n = a / (1 - e2 * s * s).sqrt()
        return float((n + Decimal(h)) * c), float((n * (1 - e2) + Decimal(h)) * s)


def test_bowring_height_is_the_exact_height_to_rounding():
    """Authority: a 40-digit forward map (``_exact_wgs84_point``) - the point built from a
    height h and latitude, rounded to floats, has an exact height within sqrt(2) half-ulps
    (6.6e-10 m) of h; geodetic_height_bowring (one Bowring iteration) and geodetic_height
    (Heikkinen) each give it within 5e-9 m (a few ulps of 6.4e6 m) from 100 km below the
    ellipsoid to 3,000 km above, and geodetic_height_normal_bowring the same height and the
    normal (cos lat cos lon, cos lat sin lon, sin lat) within 5e-13 (its latitude's error after
    one iteration, 3e-13 rad); on the sphere and next to the polar axis they are the Heikkinen
    helpers' bits.  (A start off by the factor 1 + e'^2 misses by 1.1e-8 m: caught.)"""
    from numba import njit

    from thaadsim.earth.kernels import (
        geodetic_height,
        geodetic_height_bowring,
        geodetic_height_normal,
        geodetic_height_normal_bowring,
    )

    @njit
    def all_of(x, y, z, earth):  # the helpers have no Python wrapper of their own
        return (geodetic_height(x, y, z, earth), geodetic_height_bowring(x, y, z, earth),
                geodetic_height_normal(x, y, z, earth), geodetic_height_normal_bowring(x, y, z, earth))

    rng = np.random.default_rng(12)
    for sin_lat, h, lon in zip(rng.uniform(-1.0, 1.0, 300), rng.uniform(-1e5, 3e6, 300),
                               rng.uniform(-math.pi, math.pi, 300), strict=True):
        p, z = _exact_wgs84_point(sin_lat, h)
        heikkinen, bowring, _, (h_n, *up) = all_of(p * math.cos(lon), p * math.sin(lon), z, EARTH_WGS84)
        assert abs(bowring - h) <= 5e-9 and abs(heikkinen - h) <= 5e-9, (sin_lat, h, bowring - h, heikkinen - h)
        assert h_n == bowring
        c_lat = math.sqrt(1.0 - sin_lat * sin_lat)
        np.testing.assert_allclose(up, (c_lat * math.cos(lon), c_lat * math.sin(lon), sin_lat), rtol=0, atol=5e-13)
    for earth in (EARTH_WGS84, EARTH_SPHERE):
        for x, y, z in ((1e-4, -2e-4, 6.4e6), (3e-4, 1e-4, -6.36e6), *([(4e6, 3e6, 2e6)] if earth else [])):
            heikkinen, bowring, normal, normal_bowring = all_of(x, y, z, earth)
            assert heikkinen == bowring and normal == normal_bowring


def test_enu_rotation_is_the_local_normal_frame():
    """Orthonormal, right-handed, and 'up' is the ellipsoid normal the kernel uses."""
    lat, lon, _ = _random_geodetic(200, seed=6)
    m = fr.enu_rotation(lat, lon)
    identity = np.broadcast_to(np.eye(3), m.shape)
    np.testing.assert_allclose(m @ np.swapaxes(m, -1, -2), identity, atol=1e-15)
    np.testing.assert_allclose(np.linalg.det(m), 1.0, atol=1e-14)
    r = fr.geodetic_to_ecef(lat, lon, 10e3)
    up = np.array([up_vector(*ri, EARTH_WGS84) for ri in r])
    np.testing.assert_allclose(m[:, 2], up, atol=1e-12)
    # a point due north and level reads as azimuth 0, elevation ~0
    az, el, _ = fr.ecef_to_aer(fr.geodetic_to_ecef(36.0001, 128.0, 0.0), 36.0, 128.0, 0.0)
    assert az < 1e-6 or az > 2 * np.pi - 1e-6
    assert abs(el) < 1e-5


# --- geodesics ----------------------------------------------------------------------------


def _haversine(lat1, lon1, lat2, lon2):
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(lon2 - lon1)
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2.0 * R * np.arcsin(np.sqrt(a))


def _bearing(lat1, lon1, lat2, lon2):
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dl = np.radians(lon2 - lon1)
    y = np.sin(dl) * np.cos(p2)
    x = np.cos(p1) * np.sin(p2) - np.sin(p1) * np.cos(p2) * np.cos(dl)
    return np.degrees(np.arctan2(y, x)) % 360.0


def _angle_diff(a, b):
    return np.abs((np.asarray(a) - np.asarray(b) + 180.0) % 360.0 - 180.0)


def test_sphere_geodesic_is_the_great_circle():
    """Haversine distance with R (1 mm) and the initial/back bearings (1e-9 deg)."""
    lat1, lon1, _ = _random_geodetic(2_000, seed=7)
    lat2, lon2, _ = _random_geodetic(2_000, seed=8)
    # bearings are ill-posed near antipodes
    keep = _haversine(lat1, lon1, lat2, lon2) < 0.95 * np.pi * R
    lat1, lon1, lat2, lon2 = lat1[keep], lon1[keep], lat2[keep], lon2[keep]
    az, back, dist = fr.geodesic_inverse(lat1, lon1, lat2, lon2, earth="sphere")
    np.testing.assert_allclose(dist, _haversine(lat1, lon1, lat2, lon2), rtol=0, atol=MM)
    assert _angle_diff(az, _bearing(lat1, lon1, lat2, lon2)).max() < DEG_TOL
    assert _angle_diff(back, _bearing(lat2, lon2, lat1, lon1)).max() < DEG_TOL


def test_sphere_geodesic_forward_closed_form():
    """Destination on a great circle: lat2 = asin(sin p1 cos d + cos p1 sin d cos az), ..."""
    lat, lon, _ = _random_geodetic(1_000, seed=9)
    lat = np.clip(lat, -89.0, 89.0)
    rng = np.random.default_rng(10)
    az = rng.uniform(0.0, 360.0, lat.size)
    dist = rng.uniform(0.0, 15e6, lat.size)
    lat2, lon2, _ = fr.geodesic_forward(lat, lon, az, dist, earth="sphere")
    p1, th, d = np.radians(lat), np.radians(az), dist / R
    p2 = np.arcsin(np.sin(p1) * np.cos(d) + np.cos(p1) * np.sin(d) * np.cos(th))
    l2 = np.radians(lon) + np.arctan2(
        np.sin(th) * np.sin(d) * np.cos(p1), np.cos(d) - np.sin(p1) * np.sin(p2)
    )
    assert _horizontal_error_m(lat2, lon2, np.degrees(p2), np.degrees(l2), 0.0).max() < MM


def test_wgs84_geodesic_matches_vincenty():
    """pymap3d's Vincenty inverse (a second, iterative algorithm), 1 mm, 1e-9 deg,
    away from near-antipodal pairs where Vincenty converges poorly."""
    pairs = [
        (39.04, 125.75, 35.96, 128.01),  # Pyongyang -> Seongju
        (40.85, 129.66, 13.44, 144.79),  # Musudan-ri -> Guam
        (39.66, 124.71, 21.31, -157.86),  # Tongchang-ri -> Honolulu
        (40.0, 127.0, 38.9, -77.04),  # North Korea -> Washington
        (-33.9, 151.2, 51.5, -0.12),
        (0.0, 0.0, 0.5, 120.0),  # equatorial, well short of the antipode
    ]
    lat1, lon1, lat2, lon2 = (np.array(c) for c in zip(*pairs, strict=True))
    az, _, dist = fr.geodesic_inverse(lat1, lon1, lat2, lon2)
    ref_dist, ref_az = pmv.vdist(lat1, lon1, lat2, lon2, ell=WGS84)
    np.testing.assert_allclose(dist, ref_dist, rtol=0, atol=MM)
    assert _angle_diff(az, ref_az).max() < DEG_TOL


@pytest.mark.parametrize("earth", fr.EARTH_MODELS)
def test_geodesic_round_trip(earth):
    lat1, lon1, _ = _random_geodetic(1_000, seed=11)
    lat2, lon2, _ = _random_geodetic(1_000, seed=12)
    az, back, dist = fr.geodesic_inverse(lat1, lon1, lat2, lon2, earth=earth)
    lat3, lon3, back3 = fr.geodesic_forward(lat1, lon1, az, dist, earth=earth)
    assert _horizontal_error_m(lat3, lon3, lat2, lon2, 0.0).max() < MM
    polar = np.abs(lat2) > 89.9999  # the back azimuth is undefined at a pole
    assert _angle_diff(back3[~polar], back[~polar]).max() < 1e-7
    assert np.all((az >= 0.0) & (az < 360.0) & (back >= 0.0) & (back < 360.0))


# --- input errors -------------------------------------------------------------------------


def test_swapped_coordinates_are_named():
    """Korea given as (lon, lat): the error names the field and suggests the swap."""
    with pytest.raises(InputError) as err:
        fr.geodetic_to_ecef(127.0, 37.5, 0.0)
    assert err.value.field == "lat_deg"
    assert "swapped" in str(err.value) and "\n" not in str(err.value)
    with pytest.raises(InputError, match="swapped") as err:
        fr.geodesic_inverse(37.5, 127.0, 139.7, 35.7)
    assert err.value.field == "lat2_deg"
    with pytest.raises(InputError, match="swapped") as err:
        fr.ecef_to_enu(np.zeros(3) + 7e6, 128.0, 36.0, 0.0)
    assert err.value.field == "origin_lat_deg"


def test_out_of_range_without_swap_hint():
    with pytest.raises(InputError) as err:
        fr.geodetic_to_ecef(95.0, 120.0, 0.0)  # the longitude cannot be a latitude
    assert "swapped" not in str(err.value) and "latitude" in str(err.value)
    with pytest.raises(InputError) as err:
        fr.geodetic_to_ecef(200.0, 10.0, 0.0)
    assert "swapped" not in str(err.value)
    with pytest.raises(InputError) as err:
        fr.geodetic_to_ecef(10.0, 400.0, 0.0)
    assert err.value.field == "lon_deg"


@pytest.mark.parametrize(
    "call",
    [
        lambda: fr.geodetic_to_ecef(math.nan, 0.0, 0.0),
        lambda: fr.geodetic_to_ecef(0.0, 0.0, math.inf),
        lambda: fr.ecef_to_geodetic([math.nan, 0.0, 0.0]),
        lambda: fr.ecef_to_geodetic([1.0, 2.0]),
        lambda: fr.geodesic_forward(0.0, 0.0, 90.0, math.nan),
        lambda: fr.geodetic_to_ecef("north", 0.0, 0.0),
    ],
)
def test_bad_values_are_input_errors(call):
    with pytest.raises(InputError):
        call()


def test_unknown_earth_model():
    with pytest.raises(UnknownNameError) as err:
        fr.geodetic_to_ecef(0.0, 0.0, 0.0, earth="spheer")
    assert isinstance(err.value, ThaadsimError) and "sphere" in str(err.value)
    assert err.value.field == "earth"
    with pytest.raises(UnknownNameError):
        fr.earth_code("flat")


def test_earth_names_and_kernel_codes():
    assert fr.earth_code() == EARTH_WGS84 and fr.earth_code("Sphere") == EARTH_SPHERE
    np.testing.assert_array_equal(
        fr.geodetic_to_ecef(1.0, 2.0, 3.0, earth="WGS84"), fr.geodetic_to_ecef(1.0, 2.0, 3.0)
    )


# --- compiled kernels --------------------------------------------------------------------


def _check_kernel_geodetic(lat, lon, h, earth, code):
    r = fr.geodetic_to_ecef(lat, lon, h, earth=earth)
    lat_k, lon_k, h_k = geodetic_from_ecef(float(r[0]), float(r[1]), float(r[2]), code)
    assert abs(h_k - h) < MM
    horizontal = _horizontal_error_m(math.degrees(lat_k), math.degrees(lon_k), lat, lon, h)
    if abs(lat) > 89.9999999:  # longitude is arbitrary on the axis
        horizontal = abs(math.degrees(lat_k) - lat) * math.pi / 180.0 * (WGS84_A_M + h)
    assert horizontal < MM


lat_st = st.floats(-90.0, 90.0)
lon_st = st.floats(-180.0, 180.0)
h_st = st.floats(-1_000.0, 5e6)


@settings(max_examples=300, deadline=None)
@given(lat_st, lon_st, h_st)
def test_kernel_geodetic_matches_pyproj(lat, lon, h):
    """Heikkinen's closed form inverts PROJ's forward map to 1 mm, -1 km..5000 km."""
    _check_kernel_geodetic(lat, lon, h, "wgs84", EARTH_WGS84)


@settings(max_examples=100, deadline=None)
@given(lat_st, lon_st, h_st)
def test_kernel_geodetic_sphere(lat, lon, h):
    _check_kernel_geodetic(lat, lon, h, "sphere", EARTH_SPHERE)


def _j2_potential(x, y, z):
    r2 = x * x + y * y + z * z
    r = math.sqrt(r2)
    sin2 = z * z / r2  # sin^2 of the geocentric latitude
    # Constants from the published sources (TR8350.2, EGM96), not the engine's.
    j2_term = published.J2 * (published.A * published.A / r2) * (3.0 * sin2 - 1.0) / 2.0
    return published.GM / r * (1.0 - j2_term)


def _point_mass_potential(x, y, z):
    return published.GM / math.sqrt(x * x + y * y + z * z)


def _numerical_gradient(u, p):
    """Fourth-order central differences with a step of 1e-4 r: truncation ~(1e-4)^4 and
    rounding ~1e-16 * r / step, both far below 1e-9."""
    step = 1e-4 * math.sqrt(sum(c * c for c in p))
    grad = []
    for k in range(3):
        def at(s, k=k):
            q = list(p)
            q[k] += s
            return u(*q)

        grad.append((8.0 * (at(step) - at(-step)) - (at(2 * step) - at(-2 * step))) / (12.0 * step))
    return np.array(grad)


direction_st = st.tuples(st.floats(-1, 1), st.floats(-1, 1), st.floats(-1, 1)).filter(
    lambda v: sum(c * c for c in v) > 1e-2
)


@settings(max_examples=200, deadline=None)
@given(direction_st, st.floats(6.35e6, 4.5e7))
def test_kernel_gravity_is_the_j2_gradient(direction, radius):
    """gravity_ecef equals grad U of the J2 potential within 1e-9 of |g|."""
    v = np.array(direction)
    p = tuple(radius * v / np.linalg.norm(v))
    g = np.array(gravity_ecef(*p, EARTH_WGS84))
    ref = _numerical_gradient(_j2_potential, p)
    assert np.abs(g - ref).max() < 1e-9 * np.linalg.norm(ref)
    g_s = np.array(gravity_ecef(*p, EARTH_SPHERE))
    ref_s = _numerical_gradient(_point_mass_potential, p)
    assert np.abs(g_s - ref_s).max() < 1e-9 * np.linalg.norm(ref_s)
