"""One-point calls of earth.frames equal the array path bit for bit.

Authority: the module's own array path (PROJ through pyproj on arrays, NumPy's float64
loops), which the other frames tests check against pymap3d and closed forms.  A
one-point call (Python floats, NumPy float64 scalars, one-element arrays) takes a
shortcut through pyproj's point functions and ``math``; it must give the same bits,
the same result types and shapes, and the same errors.
"""

from __future__ import annotations

import numpy as np
import pytest

from thaadsim.earth import frames as fr
from thaadsim.errors import InputError, ThaadsimError

N = 400
EARTHS = ("wgs84", "sphere")


def _points(seed=7):
    """Random points over the globe plus poles, the antimeridian and signed zeros;
    heights from -1 km to 2000 km."""
    rng = np.random.default_rng(seed)
    lat = np.degrees(np.arcsin(rng.uniform(-1.0, 1.0, N)))
    lon = rng.uniform(-180.0, 180.0, N)
    special_lat = [90.0, -90.0, 0.0, -0.0, 89.999999, -89.999999, 45.0, 0.0, -30.0, 60.0]
    special_lon = [0.0, 123.0, 180.0, -180.0, 179.9999999, -179.9999999, 360.0, -360.0, -0.0, 359.5]
    lat[: len(special_lat)] = special_lat
    lon[: len(special_lon)] = special_lon
    alt = rng.uniform(-1_000.0, 2.0e6, N)
    alt[:4] = [-1_000.0, 0.0, 2.0e6, -0.0]
    return lat, lon, alt


def _same_bits(a, b) -> bool:
    a, b = np.asarray(a), np.asarray(b)
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


def _forms(x: float):
    """The one-point forms a caller passes: Python float, NumPy scalar, one-element arrays."""
    return (float(x), np.float64(x), np.array(x), np.array([x]), np.array([[x]]))


def _check(one, batch_values, i):
    """``one`` (a one-point result) holds element i of the batch values, shaped like the
    array path would shape it."""
    ref = np.asarray(batch_values)[i]
    got = np.asarray(one)
    assert got.dtype == np.float64
    assert got.reshape(ref.shape).tobytes() == ref.tobytes(), (i, got, ref)


@pytest.mark.parametrize("earth", EARTHS)
def test_geodetic_to_ecef_one_point_bits(earth):
    lat, lon, alt = _points()
    batch = fr.geodetic_to_ecef(lat, lon, alt, earth)
    for i in range(N):
        for k, (a, b, c) in enumerate(zip(_forms(lat[i]), _forms(lon[i]), _forms(alt[i]), strict=True)):
            got = fr.geodetic_to_ecef(a, b, c, earth)
            # Same shape and bits as the array path on the same arguments.
            assert _same_bits(got, batch[i].reshape(np.broadcast_shapes(np.shape(a)) + (3,))), (i, k)
    # Python ints are numbers too.
    ref = fr.geodetic_to_ecef(np.array([45.0, 0.0]), np.array([-120.0, 0.0]), np.array([1000.0, 0.0]), earth)
    assert _same_bits(fr.geodetic_to_ecef(45, -120, 1000, earth), ref[0])
    # Mixed forms broadcast to the widest one.
    assert fr.geodetic_to_ecef(lat[5], np.array([lon[5]]), np.array([[alt[5]]]), earth).shape == (1, 1, 3)


@pytest.mark.parametrize("earth", EARTHS)
def test_ecef_to_geodetic_one_point_bits(earth):
    lat, lon, alt = _points(seed=8)
    r = fr.geodetic_to_ecef(lat, lon, alt, earth)
    # Raw vectors too, including points on and near the polar axis and the centre side.
    rng = np.random.default_rng(9)
    r = np.concatenate([r, rng.normal(size=(50, 3)) * 7.0e6,
                        [[0.0, 0.0, 6.4e6], [0.0, 0.0, -6.4e6], [1e-3, -1e-3, 6.36e6], [6.4e6, 0.0, 0.0]]])
    batch = fr.ecef_to_geodetic(r, earth)
    for i in range(len(r)):
        one = fr.ecef_to_geodetic(r[i], earth)
        for got, ref in zip(one, batch, strict=True):
            assert type(got) is np.float64
            _check(got, ref, i)
        one = fr.ecef_to_geodetic(r[i : i + 1], earth)
        for got, ref in zip(one, batch, strict=True):
            assert got.shape == (1,)
            _check(got, ref, i)


@pytest.mark.parametrize("earth", EARTHS)
def test_enu_rotation_one_point_bits(earth):
    lat, lon, _ = _points(seed=10)
    batch = fr.enu_rotation(lat, lon, earth)
    for i in range(N):
        for a, b in zip(_forms(lat[i]), _forms(lon[i]), strict=True):
            got = fr.enu_rotation(a, b, earth)
            assert _same_bits(got, batch[i].reshape(np.shape(a) + (3, 3))), i


@pytest.mark.parametrize("earth", EARTHS)
def test_geodesic_inverse_one_point_bits(earth):
    lat1, lon1, _ = _points(seed=11)
    rng = np.random.default_rng(12)
    lat2 = np.degrees(np.arcsin(rng.uniform(-1.0, 1.0, N)))
    lon2 = rng.uniform(-180.0, 180.0, N)
    # Antipodes, coincident points, a pole to a pole and across the antimeridian.
    lat2[:6] = [-lat1[0], lat1[1], 90.0, -90.0, 10.0, 0.0]
    lon2[:6] = [lon1[0] + 180.0, lon1[1], 50.0, 0.0, -179.0, -0.0]
    # A hair west of due north: an azimuth of about -1e-14 deg, which np.mod rounds up to
    # 360 and the [0, 360) wrap must turn into 0.
    lat1[10:12], lon1[10:12] = [10.0, -40.0], [0.5, -0.25]
    lat2[10:12], lon2[10:12] = [15.0, -35.0], [0.5 - 1e-15, -0.25 - 1e-15]
    batch = fr.geodesic_inverse(lat1, lon1, lat2, lon2, earth)
    for i in range(N):
        for forms in zip(_forms(lat1[i]), _forms(lon1[i]), _forms(lat2[i]), _forms(lon2[i]), strict=True):
            got = fr.geodesic_inverse(*forms, earth)
            for g, ref in zip(got, batch, strict=True):
                if np.ndim(forms[0]) == 0:
                    assert type(g) is np.float64
                else:
                    assert g.shape == np.shape(forms[0])
                _check(g, ref, i)
    assert _same_bits(fr.ground_distance_m(lat1[7], lon1[7], lat2[7], lon2[7], earth), batch[2][7])


def test_three_term_dot_sums_as_numpy_einsum():
    """The one-point Newton step's dot products add in einsum's order (and sign of zero)."""
    rng = np.random.default_rng(13)
    u = rng.normal(size=(20_000, 3)) * 10.0 ** rng.uniform(-6, 6, (20_000, 3))
    v = rng.normal(size=(20_000, 3)) * 10.0 ** rng.uniform(-12, 0, (20_000, 3))
    u[:2], v[:2] = [[-1.0, -2.0, -3.0], [1.0, -2.0, 3.0]], [[0.0, 0.0, 0.0], [-0.0, 0.0, -0.0]]
    ref = np.einsum("...j,...j->...", u, v)
    got = np.array([fr._dot3(tuple(a), tuple(b)) for a, b in zip(u.tolist(), v.tolist(), strict=True)])
    assert got.tobytes() == ref.tobytes()


_BAD = [
    # (function, good-form arguments with one bad scalar)
    (fr.geodetic_to_ecef, (float("nan"), 10.0, 0.0)),
    (fr.geodetic_to_ecef, (120.0, 45.0, 0.0)),  # swapped lat, lon
    (fr.geodetic_to_ecef, (95.0, 200.0, 0.0)),
    (fr.geodetic_to_ecef, (10.0, 400.0, 0.0)),
    (fr.geodetic_to_ecef, (10.0, 20.0, float("inf"))),
    (fr.enu_rotation, (-91.0, 20.0)),
    (fr.enu_rotation, (10.0, float("-inf"))),
    (fr.geodesic_inverse, (10.0, 20.0, 91.0, 20.0)),
    (fr.geodesic_inverse, (10.0, 20.0, 30.0, float("nan"))),
    (fr.geodesic_inverse, (10.0, -361.0, 30.0, 20.0)),
]


@pytest.mark.parametrize(("fn", "args"), _BAD)
def test_bad_one_point_errors_match_the_array_path(fn, args):
    with pytest.raises(InputError) as scalar:
        fn(*args)
    with pytest.raises(InputError) as array:
        fn(*(np.array([a]) for a in args))
    assert str(scalar.value) == str(array.value)
    assert scalar.value.field == array.value.field
    assert "\n" not in str(scalar.value)


@pytest.mark.parametrize("r", [np.array([np.nan, 0.0, 6.4e6]), np.array([[1.0, np.inf, 2.0]])])
def test_bad_one_point_ecef_is_refused(r):
    with pytest.raises(InputError, match="finite"):
        fr.ecef_to_geodetic(r)


def test_non_number_on_one_point():
    with pytest.raises(InputError, match="expected numbers") as err:
        fr.geodetic_to_ecef(10.0, "x", 0.0)
    assert err.value.field == "lon_deg"


def test_three_numbers_in_the_wrong_shape_are_refused():
    with pytest.raises(InputError, match=r"expected shape \(\.\.\., 3\), got \(3, 1\)"):
        fr.ecef_to_geodetic(np.array([[6.4e6], [0.0], [0.0]]))


def test_bad_earth_name_on_one_point():
    with pytest.raises(ThaadsimError, match="earth"):
        fr.geodetic_to_ecef(10.0, 20.0, 0.0, earth="mars")
    with pytest.raises(ThaadsimError, match="earth"):
        fr.ecef_to_geodetic(np.array([6.4e6, 0.0, 0.0]), earth="mars")
