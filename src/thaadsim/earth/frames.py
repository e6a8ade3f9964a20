"""Earth frames: geodetic <-> ECEF <-> local east-north-up, azimuth-elevation-range,
and geodesics, on WGS-84 or on the validation sphere.

The geodetic conversions and geodesics go through PROJ (pyproj): ``+proj=cart`` for
geodetic <-> Earth-centred Earth-fixed, ``pyproj.Geod`` (Karney's algorithms) for
geodesics.  The local frames are a rotation and a shift of ECEF, built on the PROJ
origin.  Nothing here re-derives the ellipsoid geometry.

Every function takes ``earth="wgs84"`` (the default) or ``earth="sphere"``:

* ``"wgs84"`` — the WGS-84 ellipsoid (a, 1/f of :mod:`thaadsim.earth.constants`);
  latitudes are geodetic, heights are above the ellipsoid.
* ``"sphere"`` — the validation sphere, R = ``SPHERE_RADIUS_M``; latitudes are
  geocentric, heights are ``|r| - R``, geodesics are great circles.  It runs the same
  PROJ code with a flattening of zero, so the two modes share one path.

Batch first: every argument may be a scalar or an array, and they broadcast against
each other.  Positions are ``(..., 3)`` arrays in metres; angles are in degrees where
the name says ``_deg`` and radians where it says ``_rad``.

Inputs are checked: non-finite values, latitudes outside [-90, 90] degrees and
longitudes outside [-360, 360] degrees raise :class:`thaadsim.errors.InputError`
naming the argument; a latitude that would be a valid longitude beside a longitude
that would be a valid latitude is reported as probably swapped (lat, lon order).
"""

from __future__ import annotations

import math
import threading

import numpy as np
import pyproj

from thaadsim.earth.constants import SPHERE_RADIUS_M, WGS84_A_M, WGS84_F, WGS84_INV_F
from thaadsim.errors import InputError, UnknownNameError

__all__ = [
    "EARTH_MODELS",
    "geodesic_circle",
    "aer_to_ecef",
    "earth_code",
    "ecef_to_aer",
    "ecef_to_enu",
    "ecef_to_geodetic",
    "enu_rotation",
    "enu_to_ecef",
    "geodesic_forward",
    "geodesic_inverse",
    "ground_distance_m",
    "geodetic_to_ecef",
]

EARTH_MODELS = ("wgs84", "sphere")
"""The Earth models every function accepts (see the module docstring)."""

# The ellipsoid parameters as PROJ reads them, from the package's own constants so
# that PROJ and the compiled kernels share one Earth.  repr() keeps every digit.
_ELLPS = {
    "wgs84": f"+a={WGS84_A_M!r} +rf={WGS84_INV_F!r}",
    "sphere": f"+a={SPHERE_RADIUS_M!r} +b={SPHERE_RADIUS_M!r}",
}
_GEOD_ARGS = {
    "wgs84": {"a": WGS84_A_M, "rf": WGS84_INV_F},
    "sphere": {"a": SPHERE_RADIUS_M, "f": 0.0},
}

# pyproj objects are not safe to share between threads (Dask runs studies on
# threads), so each thread builds and keeps its own.
_local = threading.local()


def _cached(kind: str, earth: str, build):
    store = getattr(_local, "store", None)
    if store is None:
        store = _local.store = {}
    key = (kind, earth)
    obj = store.get(key)
    if obj is None:
        obj = store[key] = build(earth)
    return obj


def _build_cart(earth: str) -> pyproj.Transformer:
    pipeline = (
        "+proj=pipeline +step +proj=unitconvert +xy_in=deg +xy_out=rad "
        f"+step +proj=cart {_ELLPS[earth]}"
    )
    return pyproj.Transformer.from_pipeline(pipeline)


def _cart(earth: str) -> pyproj.Transformer:
    """Geodetic (lon deg, lat deg, h m) -> ECEF (x, y, z m); inverse the other way."""
    return _cached("cart", earth, _build_cart)


def _geod(earth: str) -> pyproj.Geod:
    return _cached("geod", earth, lambda e: pyproj.Geod(**_GEOD_ARGS[e]))


_INVERSE = pyproj.enums.TransformDirection.INVERSE


# --- Input checks ---------------------------------------------------------------------


def _earth(earth: str) -> str:
    name = earth.lower() if isinstance(earth, str) else earth
    if name not in EARTH_MODELS:
        raise UnknownNameError("earth model", str(earth), EARTH_MODELS, field="earth")
    return name


def earth_code(earth: str = "wgs84") -> int:
    """The compiled kernels' integer code (:mod:`thaadsim.earth.kernels`) for a checked
    Earth model name, so that callers validate the name once, here."""
    # Imported here: the kernels bring numba, which plain conversions do not need.
    from thaadsim.earth.kernels import EARTH_SPHERE, EARTH_WGS84

    return {"wgs84": EARTH_WGS84, "sphere": EARTH_SPHERE}[_earth(earth)]


def _finite(value, name: str) -> np.ndarray:
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise InputError(f"expected numbers, got {value!r:.60}", field=name) from None
    if not np.all(np.isfinite(arr)):
        raise InputError("must be a finite number (got NaN or infinity)", field=name)
    return arr


def _lat_lon(lat_deg, lon_deg, lat_name: str, lon_name: str) -> tuple[np.ndarray, np.ndarray]:
    """Checked, broadcast float64 latitude and longitude arrays [deg]."""
    lat = _finite(lat_deg, lat_name)
    lon = _finite(lon_deg, lon_name)
    try:
        lat, lon = np.broadcast_arrays(lat, lon)
    except ValueError:
        raise InputError(
            f"shape {lat.shape} does not broadcast with {lon_name} shape {lon.shape}",
            field=lat_name,
        ) from None
    bad = np.abs(lat) > 90.0
    if bad.any():
        i = np.flatnonzero(bad.ravel())[0]
        la, lo = lat.ravel()[i], lon.ravel()[i]
        if abs(la) <= 180.0 and abs(lo) <= 90.0:
            hint = (
                "the coordinates look swapped: give latitude first, then longitude "
                f"({lo:g}, {la:g})"
            )
        else:
            hint = "latitude is degrees north, from -90 to 90"
        raise InputError(f"latitude {la:g} deg is outside [-90, 90]", field=lat_name, hint=hint)
    bad = np.abs(lon) > 360.0
    if bad.any():
        lo = lon.ravel()[np.flatnonzero(bad.ravel())[0]]
        raise InputError(
            f"longitude {lo:g} deg is outside [-360, 360]",
            field=lon_name,
            hint="longitude is degrees east, from -180 to 180 (or 0 to 360)",
        )
    return lat, lon


def _vectors(r, name: str) -> np.ndarray:
    arr = _finite(r, name)
    if arr.ndim == 0 or arr.shape[-1] != 3:
        raise InputError(f"expected shape (..., 3), got {arr.shape}", field=name)
    return arr


def _wrap360(deg) -> np.ndarray:
    """Angles in [0, 360): np.mod alone can round a tiny negative angle up to 360."""
    a = np.mod(np.asarray(deg, dtype=np.float64), 360.0)
    return np.where(a >= 360.0, 0.0, a)


def _one_wrap360(deg: float) -> float:
    """:func:`_wrap360` of one float (Python's float % is NumPy's np.mod, sign rule and all)."""
    a = deg % 360.0
    return 0.0 if a >= 360.0 else a


def _out(a: np.ndarray):
    """A numpy scalar for 0-d results, the array otherwise."""
    return a[()] if a.ndim == 0 else a


# --- One point ---------------------------------------------------------------------------
# A call with one point (Python or NumPy float scalars, or one-element float64 arrays, as
# the flight and replay code pass per trajectory) skips the array machinery: the same PROJ
# objects on Python floats (pyproj's point path: the same PROJ call per point) and the
# same closed forms in ``math`` (the same libm as NumPy's float64 loops), so the results
# are bit-identical to the array path (tests/unit/test_frames_single_point.py).  Anything
# else, and any value the checks would refuse, goes down the array path, which raises the
# usual error.

_MAX_EXACT_INT = 2**53


def _one(value):
    """(float, ndim) of a one-point argument, or None when it is not one plain number."""
    kind = type(value)
    if kind is float or kind is np.float64:
        return float(value), 0
    if kind is int and -_MAX_EXACT_INT <= value <= _MAX_EXACT_INT:
        return float(value), 0
    if kind is np.ndarray and value.size == 1 and value.dtype == np.float64:
        return value.item(), value.ndim
    return None


def _one_lat_lon(lat_deg, lon_deg):
    """(lat, lon, ndim) of one point that passes :func:`_lat_lon`'s checks, else None."""
    lat = _one(lat_deg)
    lon = _one(lon_deg)
    if lat is None or lon is None:
        return None
    la, lo = lat[0], lon[0]
    if not (math.isfinite(la) and math.isfinite(lo) and abs(la) <= 90.0 and abs(lo) <= 360.0):
        return None
    return la, lo, max(lat[1], lon[1])


def _one_finite(value):
    """(float, ndim) of one finite plain number, else None."""
    one = _one(value)
    return one if one is not None and math.isfinite(one[0]) else None


def _one_out(value: float, ndim: int):
    """A one-point result shaped as the array path shapes it (a NumPy scalar for 0-d)."""
    return np.float64(value) if ndim == 0 else np.array(value, ndmin=ndim)


def _one_rotation(lat: float, lon: float) -> tuple[tuple[float, float, float], ...]:
    """The rows (east, north, up) of :func:`enu_rotation` for one point."""
    phi = math.radians(lat)
    lam = math.radians(lon)
    sp, cp = math.sin(phi), math.cos(phi)
    sl, cl = math.sin(lam), math.cos(lam)
    return (-sl, cl, 0.0), (-sp * cl, -sp * sl, cp), (cp * cl, cp * sl, sp)


def _dot3(u, v) -> float:
    """u . v in the order NumPy's einsum sums three products ((0 + 2) + 1, SIMD lanes),
    and +0.0 for an all-zero sum as its zeroed accumulator gives."""
    return ((u[0] * v[0] + u[2] * v[2]) + u[1] * v[1]) + 0.0


# --- Geodetic <-> ECEF -------------------------------------------------------------------


def geodetic_to_ecef(lat_deg, lon_deg, alt_m, earth: str = "wgs84") -> np.ndarray:
    """ECEF position [m], shape ``broadcast(lat, lon, alt) + (3,)``.

    ``lat_deg`` geodetic (geocentric on the sphere), ``lon_deg`` east, ``alt_m`` height
    above the ellipsoid (above the sphere's radius).
    """
    earth = _earth(earth)
    point = _one_lat_lon(lat_deg, lon_deg)
    height = _one_finite(alt_m) if point is not None else None
    if height is not None:
        la, lo, ndim = point
        r = np.array(_cart(earth).transform(lo, la, height[0]))
        ndim = max(ndim, height[1])
        return r.reshape((1,) * ndim + (3,)) if ndim else r
    lat, lon = _lat_lon(lat_deg, lon_deg, "lat_deg", "lon_deg")
    alt = _finite(alt_m, "alt_m")
    lat, lon, alt = np.broadcast_arrays(lat, lon, alt)
    x, y, z = _cart(earth).transform(lon.ravel(), lat.ravel(), alt.ravel())
    return np.stack([x, y, z], axis=-1).reshape(lat.shape + (3,))


def ecef_to_geodetic(r_ecef, earth: str = "wgs84") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(lat_deg, lon_deg, alt_m) of ECEF positions ``r_ecef`` [m], shape (..., 3).

    Longitudes come back in [-180, 180].  Each output has shape ``r_ecef.shape[:-1]``.

    PROJ's inverse (Bowring's closed form) drifts with height: ~1 mm at 300 km, ~10 cm
    at 5000 km, where midcourse tracks live.  One Newton step against PROJ's exact
    forward conversion removes that (error squared: well under a micrometre), so the
    result is the point whose PROJ forward image is ``r_ecef``.
    """
    earth = _earth(earth)
    if (type(r_ecef) is np.ndarray and r_ecef.size == 3 and r_ecef.ndim and r_ecef.shape[-1] == 3
            and r_ecef.dtype == np.float64):
        x0, y0, z0 = r_ecef.ravel().tolist()
        if math.isfinite(x0) and math.isfinite(y0) and math.isfinite(z0):
            return _one_geodetic(x0, y0, z0, r_ecef.ndim - 1, earth)
    r = _vectors(r_ecef, "r_ecef")
    shape = r.shape[:-1]
    flat = r.reshape(-1, 3)
    cart = _cart(earth)
    lon, lat, alt = (
        np.asarray(v, dtype=np.float64)
        for v in cart.transform(
            flat[:, 0].copy(), flat[:, 1].copy(), flat[:, 2].copy(), direction=_INVERSE
        )
    )
    x, y, z = cart.transform(lon, lat, alt)
    dr = flat - np.stack([x, y, z], axis=-1)
    rot = enu_rotation(lat, lon)
    d_north = np.einsum("...j,...j->...", rot[:, 1], dr)
    d_up = np.einsum("...j,...j->...", rot[:, 2], dr)
    a, e2 = _meridian_constants(earth)
    s = np.sin(np.radians(lat))
    meridian = a * (1.0 - e2) / (1.0 - e2 * s * s) ** 1.5
    lat = np.clip(lat + np.degrees(d_north / (meridian + alt)), -90.0, 90.0)
    alt = alt + d_up
    return (
        _out(lat.reshape(shape)),
        _out(lon.reshape(shape)),
        _out(alt.reshape(shape)),
    )


def _meridian_constants(earth: str) -> tuple[float, float]:
    """(a, e^2) of the meridian radius of curvature a (1 - e^2) / (1 - e^2 sin^2 lat)^1.5:
    the Jacobian d(north)/d(lat) of the forward map, for the Newton step."""
    if earth == "sphere":
        return SPHERE_RADIUS_M, 0.0
    return WGS84_A_M, WGS84_F * (2.0 - WGS84_F)


def _one_geodetic(x0: float, y0: float, z0: float, ndim: int, earth: str):
    """:func:`ecef_to_geodetic` of one point, operation for operation."""
    cart = _cart(earth)
    lon, lat, alt = cart.transform(x0, y0, z0, direction=_INVERSE)
    x, y, z = cart.transform(lon, lat, alt)
    dr = (x0 - x, y0 - y, z0 - z)
    _, north, up = _one_rotation(lat, lon)
    a, e2 = _meridian_constants(earth)
    s = math.sin(math.radians(lat))
    meridian = a * (1.0 - e2) / (1.0 - e2 * s * s) ** 1.5
    lat = min(max(lat + math.degrees(_dot3(north, dr) / (meridian + alt)), -90.0), 90.0)
    alt = alt + _dot3(up, dr)
    return _one_out(lat, ndim), _one_out(lon, ndim), _one_out(alt, ndim)


# --- Local frames ----------------------------------------------------------------------


def enu_rotation(lat_deg, lon_deg, earth: str = "wgs84") -> np.ndarray:
    """ECEF -> local east-north-up rotation, shape ``broadcast(lat, lon) + (3, 3)``.

    The rows are the east, north and up unit vectors expressed in ECEF, so
    ``enu = M @ (r_ecef - r_origin)`` and ``d_ecef = M.T @ enu``.  Up is the
    ellipsoid normal on WGS-84 and the radial direction on the sphere — in both the
    same function of the model's latitude, so ``earth`` only selects how that
    latitude is read.
    """
    _earth(earth)
    point = _one_lat_lon(lat_deg, lon_deg)
    if point is not None:
        rot = np.array(_one_rotation(point[0], point[1]))
        return rot.reshape((1,) * point[2] + (3, 3)) if point[2] else rot
    lat, lon = _lat_lon(lat_deg, lon_deg, "lat_deg", "lon_deg")
    phi = np.radians(lat)
    lam = np.radians(lon)
    sp, cp = np.sin(phi), np.cos(phi)
    sl, cl = np.sin(lam), np.cos(lam)
    zero = np.zeros_like(phi)
    east = np.stack([-sl, cl, zero], axis=-1)
    north = np.stack([-sp * cl, -sp * sl, cp], axis=-1)
    up = np.stack([cp * cl, cp * sl, sp], axis=-1)
    return np.stack([east, north, up], axis=-2)


def _origin(origin_lat_deg, origin_lon_deg, origin_alt_m, earth: str):
    lat, lon = _lat_lon(origin_lat_deg, origin_lon_deg, "origin_lat_deg", "origin_lon_deg")
    alt = _finite(origin_alt_m, "origin_alt_m")
    r0 = geodetic_to_ecef(lat, lon, alt, earth)
    rot = enu_rotation(lat, lon, earth)
    return r0, rot


def ecef_to_enu(
    r_ecef, origin_lat_deg, origin_lon_deg, origin_alt_m, earth: str = "wgs84"
) -> np.ndarray:
    """Positions ``r_ecef`` [m] (..., 3) in the east-north-up frame at the origin [m]."""
    earth = _earth(earth)
    r = _vectors(r_ecef, "r_ecef")
    r0, rot = _origin(origin_lat_deg, origin_lon_deg, origin_alt_m, earth)
    return np.einsum("...ij,...j->...i", rot, r - r0)


def enu_to_ecef(
    r_enu, origin_lat_deg, origin_lon_deg, origin_alt_m, earth: str = "wgs84"
) -> np.ndarray:
    """ECEF positions [m] of east-north-up offsets ``r_enu`` [m] (..., 3) from the origin."""
    earth = _earth(earth)
    d = _vectors(r_enu, "r_enu")
    r0, rot = _origin(origin_lat_deg, origin_lon_deg, origin_alt_m, earth)
    return r0 + np.einsum("...ji,...j->...i", rot, d)


def ecef_to_aer(
    r_ecef, origin_lat_deg, origin_lon_deg, origin_alt_m, earth: str = "wgs84"
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(azimuth_rad, elevation_rad, range_m) of ``r_ecef`` [m] seen from the origin.

    Azimuth is clockwise from local north in [0, 2 pi); elevation is above the local
    horizontal plane (normal to the ellipsoid normal; the radial on the sphere), in
    [-pi/2, pi/2]; range is the straight-line (slant) distance.  No refraction.
    """
    enu = ecef_to_enu(r_ecef, origin_lat_deg, origin_lon_deg, origin_alt_m, earth)
    e, n, u = enu[..., 0], enu[..., 1], enu[..., 2]
    horizontal = np.hypot(e, n)
    az = np.mod(np.arctan2(e, n), 2.0 * np.pi)
    az = np.where(az >= 2.0 * np.pi, 0.0, az)  # a tiny negative angle rounds up to 2 pi
    el = np.arctan2(u, horizontal)
    rng = np.sqrt(horizontal * horizontal + u * u)
    return _out(az), _out(el), _out(rng)


def aer_to_ecef(
    azimuth_rad,
    elevation_rad,
    range_m,
    origin_lat_deg,
    origin_lon_deg,
    origin_alt_m,
    earth: str = "wgs84",
) -> np.ndarray:
    """ECEF position [m] (..., 3) at azimuth, elevation [rad] and slant range [m] from the
    origin: the inverse of :func:`ecef_to_aer`."""
    az = _finite(azimuth_rad, "azimuth_rad")
    el = _finite(elevation_rad, "elevation_rad")
    rng = _finite(range_m, "range_m")
    horizontal = rng * np.cos(el)
    east, north, up = np.broadcast_arrays(
        horizontal * np.sin(az), horizontal * np.cos(az), rng * np.sin(el)
    )
    enu = np.stack([east, north, up], axis=-1)
    return enu_to_ecef(enu, origin_lat_deg, origin_lon_deg, origin_alt_m, earth)


# --- Geodesics --------------------------------------------------------------------------


def geodesic_inverse(
    lat1_deg, lon1_deg, lat2_deg, lon2_deg, earth: str = "wgs84"
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(azimuth_deg, back_azimuth_deg, distance_m) of the shortest path from 1 to 2.

    ``azimuth_deg`` is the direction of departure at point 1 and ``back_azimuth_deg``
    the direction from point 2 back toward point 1, both clockwise from north in
    [0, 360).  On the sphere the path is the great circle and the distance is
    ``R`` times the central angle.
    """
    earth = _earth(earth)
    start = _one_lat_lon(lat1_deg, lon1_deg)
    end = _one_lat_lon(lat2_deg, lon2_deg) if start is not None else None
    if end is not None:
        az12, az21, dist = _geod(earth).inv(start[1], start[0], end[1], end[0], return_back_azimuth=True)
        ndim = max(start[2], end[2])
        return _one_out(_one_wrap360(az12), ndim), _one_out(_one_wrap360(az21), ndim), _one_out(dist, ndim)
    lat1, lon1 = _lat_lon(lat1_deg, lon1_deg, "lat1_deg", "lon1_deg")
    lat2, lon2 = _lat_lon(lat2_deg, lon2_deg, "lat2_deg", "lon2_deg")
    lat1, lon1, lat2, lon2 = np.broadcast_arrays(lat1, lon1, lat2, lon2)
    shape = lat1.shape
    az12, az21, dist = _geod(earth).inv(
        lon1.ravel(), lat1.ravel(), lon2.ravel(), lat2.ravel(), return_back_azimuth=True
    )
    return (
        _out(_wrap360(az12).reshape(shape)),
        _out(_wrap360(az21).reshape(shape)),
        _out(np.asarray(dist, dtype=np.float64).reshape(shape)),
    )


def ground_distance_m(lat1_deg, lon1_deg, lat2_deg, lon2_deg, earth: str = "wgs84") -> float:
    """Geodesic distance [m] between two points (scalars): :func:`geodesic_inverse`'s third item."""
    return float(np.asarray(geodesic_inverse(lat1_deg, lon1_deg, lat2_deg, lon2_deg, earth)[2]).reshape(-1)[0])


def geodesic_forward(
    lat_deg, lon_deg, azimuth_deg, distance_m, earth: str = "wgs84"
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(lat_deg, lon_deg, back_azimuth_deg) reached by travelling ``distance_m`` [m]
    from the start along the geodesic that leaves it at ``azimuth_deg`` (clockwise
    from north).  Longitudes in [-180, 180]; the back azimuth points from the end
    toward the start, in [0, 360).
    """
    earth = _earth(earth)
    lat, lon = _lat_lon(lat_deg, lon_deg, "lat_deg", "lon_deg")
    az = _finite(azimuth_deg, "azimuth_deg")
    dist = _finite(distance_m, "distance_m")
    lat, lon, az, dist = np.broadcast_arrays(lat, lon, az, dist)
    shape = lat.shape
    lon2, lat2, az21 = _geod(earth).fwd(
        lon.ravel(), lat.ravel(), az.ravel(), dist.ravel(), return_back_azimuth=True
    )
    return (
        _out(np.asarray(lat2, dtype=np.float64).reshape(shape)),
        _out(np.asarray(lon2, dtype=np.float64).reshape(shape)),
        _out(_wrap360(az21).reshape(shape)),
    )


def geodesic_circle(lat_deg: float, lon_deg: float, radius_m: float, n: int = 73,
                    earth: str = "wgs84") -> tuple[np.ndarray, np.ndarray]:
    """(lat_deg, lon_deg) of ``n`` points on the closed geodesic circle of ``radius_m``
    around a point (first point = last point)."""
    azimuths = np.linspace(0.0, 360.0, n)
    lat, lon, _ = geodesic_forward(np.full(n, float(lat_deg)), np.full(n, float(lon_deg)), azimuths,
                                   np.full(n, float(radius_m)), earth=earth)
    return np.asarray(lat, dtype=float), np.asarray(lon, dtype=float)
