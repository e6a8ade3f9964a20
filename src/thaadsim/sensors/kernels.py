"""Compiled radar kernels: line of sight, SNR and Pd per radar–point geometry, access.

Plain floats and arrays in (numba ``njit(cache=True)``); the public, checked API is in
``geometry.py``, ``access.py`` and ``coverage.py``.  Plain-numpy references live in the
tests (``tests/unit/test_radar_kernels.py``).

A radar is passed as one float64 vector ``p`` (indices ``P_*`` below, filled by
:func:`thaadsim.sensors.radar.RadarModel.kernel_params`) and an ``(F, 3)`` array of
face normals in ECEF.  Geometry, per point:

1. range vector d = r_target − r_radar; elevation from the local 'up' at the radar
   (the WGS-84 ellipsoid normal, or the radial on the validation sphere);
   azimuth clockwise from north.
2. Earth blockage: the straight ray against the ellipsoid (scaled to a unit sphere),
   or — when refraction is on and both ends lie below the refraction ceiling (the
   chord's highest point is one of its ends) — the **4/3-Earth approximation**: a
   local sphere of radius k·R (R the Gaussian radius at the radar) on which ground
   arc and heights are preserved; its apparent elevation replaces the geometric one.
   Above the ceiling no refraction is applied.
3. minimum elevation, instrumented range, and the scan limit: the smallest angle
   between d and any face normal must not exceed the limit.
4. SNR = K σ cos^m(θ_off) / R⁴ (K from the range equation, m the scan-loss exponent),
   Pd exact for one integrated sample (Swerling 0: Marcum Q as a Poisson mixture;
   Swerling 1/2: Pfa^(1/(1+S)); Swerling 3/4: e^(-T/(1+S/2))(1+T(S/2)/(1+S/2)²)).
"""

from __future__ import annotations

import math

import numpy as np

from thaadsim.earth.constants import SPHERE_RADIUS_M, WGS84_A_M, WGS84_B_M, WGS84_E2
from thaadsim.earth.kernels import EARTH_SPHERE, geodetic_from_ecef
from thaadsim.jit import helper, kernel, prange

# indices into the radar parameter vector
P_RX, P_RY, P_RZ = 0, 1, 2  # radar ECEF [m]
P_EX, P_EY, P_EZ = 3, 4, 5  # local east unit vector
P_NX, P_NY, P_NZ = 6, 7, 8  # local north
P_UX, P_UY, P_UZ = 9, 10, 11  # local up (ellipsoid normal)
P_COS_SCAN = 12  # cos(scan limit)
P_MIN_EL = 13  # minimum elevation [rad]
P_EARTH = 14  # 0 WGS-84, 1 sphere
P_K_REFR = 15  # effective-Earth factor k (0: no refraction)
P_REFR_CEIL = 16  # refraction ceiling [m]
P_R_LOCAL = 17  # Gaussian radius of curvature at the radar [m]
P_H_RADAR = 18  # radar height [m]
P_MAX_RANGE = 19  # instrumented range [m]
P_K_SNR = 20  # SNR = K σ cos^m / R^4  [m^2]
P_SCAN_EXP = 21  # scan-loss exponent m
P_LN_PFA = 22  # ln(Pfa)
P_SWERLING = 23  # 0..4
P_LAT = 24  # radar geodetic latitude [rad]
P_LON = 25  # radar longitude [rad]
N_PARAMS = 26

_A = WGS84_A_M
_B = WGS84_B_M
_RS = SPHERE_RADIUS_M


@kernel
def ecef_from_geodetic(lat, lon, h, earth):
    """ECEF [m] of a geodetic point (closed form; sphere: geocentric lat, height over R)."""
    cl = math.cos(lat)
    if earth == EARTH_SPHERE:
        r = _RS + h
        return r * cl * math.cos(lon), r * cl * math.sin(lon), r * math.sin(lat)
    sl = math.sin(lat)
    n = _A / math.sqrt(1.0 - WGS84_E2 * sl * sl)
    return (n + h) * cl * math.cos(lon), (n + h) * cl * math.sin(lon), (n * (1.0 - WGS84_E2) + h) * sl


@kernel
def pd_one_sample(snr, ln_pfa, swerling):
    """Exact Pd of one (coherently integrated) square-law sample at mean SNR ``snr``."""
    t = -ln_pfa
    if snr <= 0.0:
        return math.exp(ln_pfa)
    if swerling == 1 or swerling == 2:
        return math.exp(ln_pfa / (1.0 + snr))
    if swerling == 3 or swerling == 4:
        h = 0.5 * snr
        return math.exp(-t / (1.0 + h)) * (1.0 + t * h / ((1.0 + h) * (1.0 + h)))
    # Swerling 0: Q1(sqrt(2S), sqrt(2T)) = sum_j Pois(j; S) * P(Pois(T) <= j)
    mu = snr - t
    if mu > 12.0 * math.sqrt(snr + t + 1.0):
        return 1.0
    jmax = int(snr + 12.0 * math.sqrt(snr) + 40.0)
    log_s = math.log(snr)
    log_t = math.log(t)
    logp = -snr
    logq = -t
    f = math.exp(logq)
    total = math.exp(logp) * f
    for j in range(1, jmax + 1):
        lj = math.log(j)
        logp += log_s - lj
        logq += log_t - lj
        f += math.exp(logq)
        total += math.exp(logp) * f
    if total > 1.0:
        total = 1.0
    return total


@helper
def _blocked_by_ellipsoid(rx, ry, rz, dx, dy, dz, a, b):
    """True if the straight segment r → r + d passes below the ellipsoid surface."""
    px, py, pz = rx / a, ry / a, rz / b
    qx, qy, qz = dx / a, dy / a, dz / b
    qq = qx * qx + qy * qy + qz * qz
    t = -(px * qx + py * qy + pz * qz) / qq
    if t <= 0.0 or t >= 1.0:
        return False
    cx = px + t * qx
    cy = py + t * qy
    cz = pz + t * qz
    return cx * cx + cy * cy + cz * cz < 1.0 - 1e-12


@helper
def look_one(x, y, z, p, faces):
    """(range [m], az [rad], el [rad], cos_off, visible) of one ECEF point.

    ``el`` is the geometric elevation, or the apparent (4/3-Earth) one where the
    refraction approximation applies.  ``cos_off`` is the cosine of the smallest angle
    to a face normal; ``visible`` is the geometric test (blockage, elevation, scan, range).
    """
    dx = x - p[P_RX]
    dy = y - p[P_RY]
    dz = z - p[P_RZ]
    rng = math.sqrt(dx * dx + dy * dy + dz * dz)
    if not (rng > 0.0):
        return rng, 0.0, 0.0, 0.0, False
    de = dx * p[P_EX] + dy * p[P_EY] + dz * p[P_EZ]
    dn = dx * p[P_NX] + dy * p[P_NY] + dz * p[P_NZ]
    du = dx * p[P_UX] + dy * p[P_UY] + dz * p[P_UZ]
    az = math.atan2(de, dn)
    if az < 0.0:
        az += 2.0 * math.pi
    sin_el = du / rng
    if sin_el > 1.0:
        sin_el = 1.0
    elif sin_el < -1.0:
        sin_el = -1.0
    el = math.asin(sin_el)
    # best face
    cos_off = -2.0
    for f in range(faces.shape[0]):
        c = (dx * faces[f, 0] + dy * faces[f, 1] + dz * faces[f, 2]) / rng
        if c > cos_off:
            cos_off = c
    visible = cos_off >= p[P_COS_SCAN] and rng <= p[P_MAX_RANGE]
    earth = int(p[P_EARTH])
    k = p[P_K_REFR]
    refracted = False
    if k > 0.0:
        r2 = x * x + y * y + z * z
        ceil = p[P_REFR_CEIL]
        top = _A + ceil + 100.0
        if earth == EARTH_SPHERE:
            top = _RS + ceil + 100.0
        if r2 < top * top and p[P_H_RADAR] < ceil:
            lat_t, lon_t, h_t = geodetic_from_ecef(x, y, z, earth)
            if h_t < ceil:
                refracted = True
                # central angle between the local normals at radar and target
                ct = math.cos(lat_t)
                ux = ct * math.cos(lon_t)
                uy = ct * math.sin(lon_t)
                uz = math.sin(lat_t)
                c = ux * p[P_UX] + uy * p[P_UY] + uz * p[P_UZ]
                if c > 1.0:
                    c = 1.0
                theta = math.acos(c)
                re = k * p[P_R_LOCAL]
                th_e = theta / k
                r1 = re + p[P_H_RADAR]
                r2e = re + h_t
                if th_e > 1e-12:
                    el = math.atan2(math.cos(th_e) - r1 / r2e, math.sin(th_e))
                # horizon: visible iff th_e <= acos(re/r1) + acos(re/r2e)
                lim = math.acos(min(1.0, re / r1)) + math.acos(min(1.0, re / r2e))
                if th_e > lim:
                    visible = False
    if not refracted:
        if earth == EARTH_SPHERE:
            blocked = _blocked_by_ellipsoid(p[P_RX], p[P_RY], p[P_RZ], dx, dy, dz, _RS, _RS)
        else:
            blocked = _blocked_by_ellipsoid(p[P_RX], p[P_RY], p[P_RZ], dx, dy, dz, _A, _B)
        if blocked:
            visible = False
    if el < p[P_MIN_EL]:
        visible = False
    return rng, az, el, cos_off, visible


@helper
def snr_pd_one(rng, cos_off, visible, rcs, p):
    """(SNR [linear], Pd) of one geometry; both 0 (Pd = 0) where not visible."""
    if not visible:
        return 0.0, 0.0
    r2 = rng * rng
    snr = p[P_K_SNR] * rcs * cos_off ** p[P_SCAN_EXP] / (r2 * r2)
    return snr, pd_one_sample(snr, p[P_LN_PFA], int(p[P_SWERLING]))


@helper
def _look_point(i, r, rcs, p, faces, out_range, out_az, out_el, out_cos_off, out_snr, out_pd, out_visible):
    rng, az, el, cos_off, vis = look_one(r[i, 0], r[i, 1], r[i, 2], p, faces)
    s = rcs[0] if rcs.shape[0] == 1 else rcs[i]
    snr, pd = snr_pd_one(rng, cos_off, vis, s, p)
    out_range[i] = rng
    out_az[i] = az
    out_el[i] = el
    out_cos_off[i] = cos_off
    out_snr[i] = snr
    out_pd[i] = pd
    out_visible[i] = vis


@kernel(parallel=True)
def look_batch(r, rcs, p, faces, out_range, out_az, out_el, out_cos_off, out_snr, out_pd, out_visible):
    """Fill per-point range, az, el, cos(off-boresight), SNR, Pd, visibility for ``r`` (N, 3)."""
    for i in prange(r.shape[0]):
        # np.int64: the parallel loop's index is unsigned once lowered, and a second index type
        # would compile the helper (and all it calls) twice
        _look_point(np.int64(i), r, rcs, p, faces, out_range, out_az, out_el, out_cos_off, out_snr, out_pd,
                    out_visible)


@kernel
def look_batch_serial(r, rcs, p, faces, out_range, out_az, out_el, out_cos_off, out_snr, out_pd, out_visible):
    """:func:`look_batch` on one thread: small batches, where starting threads costs more."""
    for i in range(r.shape[0]):
        _look_point(i, r, rcs, p, faces, out_range, out_az, out_el, out_cos_off, out_snr, out_pd, out_visible)


SERIAL_BELOW = 20_000
"""Batches of fewer points than this run on one thread: waking the thread pool costs ~0.1 ms
on a quiet machine and milliseconds on a loaded one (its threads spin), the time of ~10^4
points.  The twins are defined apart because numba keys its cache by function name and
source line: one function compiled both ways would share one cache entry."""


def _plain(a):
    """``a`` as a C-contiguous, writable array (a copy only when it is not one already).

    numba types a read-only array apart from a writable one and compiles every kernel it
    reaches once more for it (~1 s without a cache); a radar cross-section handed in as a
    numpy scalar, or a scenario's frozen truth, arrives read-only.
    """
    return np.require(a, requirements="CW")


def look_any(r, rcs, p, faces, *outs):
    """:func:`look_batch` or its serial twin, by batch size."""
    r, rcs, p, faces = _plain(r), _plain(rcs), _plain(p), _plain(faces)
    if r.shape[0] < SERIAL_BELOW:
        look_batch_serial(r, rcs, p, faces, *outs)
    else:
        look_batch(r, rcs, p, faces, *outs)


@kernel
def pd_fast_one(x, y, z, rcs, p, faces, sin_min_el, earth):
    """Pd of one point, early-out ordering, no angles computed: the same physics as
    :func:`look_one` + :func:`snr_pd_one` (points inside the refraction zone take that path)."""
    dx = x - p[P_RX]
    dy = y - p[P_RY]
    dz = z - p[P_RZ]
    r2 = dx * dx + dy * dy + dz * dz
    rng = math.sqrt(r2)
    if not (rng > 0.0) or rng > p[P_MAX_RANGE]:
        return 0.0
    k = p[P_K_REFR]
    if k > 0.0:
        top = (_RS if earth == EARTH_SPHERE else _A) + p[P_REFR_CEIL] + 100.0
        if x * x + y * y + z * z < top * top:
            rng_, az, el, cos_off, vis = look_one(x, y, z, p, faces)
            return snr_pd_one(rng_, cos_off, vis, rcs, p)[1]
    du = dx * p[P_UX] + dy * p[P_UY] + dz * p[P_UZ]
    if du < sin_min_el * rng:
        return 0.0
    cos_off = -2.0
    for f in range(faces.shape[0]):
        c = (dx * faces[f, 0] + dy * faces[f, 1] + dz * faces[f, 2]) / rng
        if c > cos_off:
            cos_off = c
    if cos_off < p[P_COS_SCAN]:
        return 0.0
    if earth == EARTH_SPHERE:
        if _blocked_by_ellipsoid(p[P_RX], p[P_RY], p[P_RZ], dx, dy, dz, _RS, _RS):
            return 0.0
    elif _blocked_by_ellipsoid(p[P_RX], p[P_RY], p[P_RZ], dx, dy, dz, _A, _B):
        return 0.0
    m = p[P_SCAN_EXP]
    g = cos_off * cos_off if m == 2.0 else cos_off**m
    snr = p[P_K_SNR] * rcs * g / (r2 * r2)
    sw = int(p[P_SWERLING])
    if sw == 1 or sw == 2:
        return math.exp(p[P_LN_PFA] / (1.0 + snr))
    return pd_one_sample(snr, p[P_LN_PFA], sw)


@kernel(parallel=True)
def pd_batch(r, rcs, p, faces, out_pd):
    """Pd only (LOS + SNR + Pd) for ECEF points ``r`` (N, 3): the benchmark's hot path."""
    n = r.shape[0]
    scalar_rcs = rcs.shape[0] == 1
    sin_min_el = math.sin(p[P_MIN_EL])
    earth = int(p[P_EARTH])
    for i in prange(n):
        s = rcs[0] if scalar_rcs else rcs[i]
        out_pd[i] = pd_fast_one(r[i, 0], r[i, 1], r[i, 2], s, p, faces, sin_min_el, earth)


@kernel
def pd_batch_serial(r, rcs, p, faces, out_pd):
    """:func:`pd_batch` on one thread: small batches, where starting threads costs more."""
    n = r.shape[0]
    scalar_rcs = rcs.shape[0] == 1
    sin_min_el = math.sin(p[P_MIN_EL])
    earth = int(p[P_EARTH])
    for i in range(n):
        s = rcs[0] if scalar_rcs else rcs[i]
        out_pd[i] = pd_fast_one(r[i, 0], r[i, 1], r[i, 2], s, p, faces, sin_min_el, earth)


def pd_any(r, rcs, p, faces, out_pd):
    """:func:`pd_batch` or its serial twin, by batch size."""
    r, rcs, p, faces = _plain(r), _plain(rcs), _plain(p), _plain(faces)
    if r.shape[0] < SERIAL_BELOW:
        pd_batch_serial(r, rcs, p, faces, out_pd)
    else:
        pd_batch(r, rcs, p, faces, out_pd)


@helper
def _access_one(i, r, t, offsets, scalar_rcs, rcs, p, faces, sin_min_el, earth, pd_threshold, out_pd, out_det,
                first_idx, duration, alt_min, alt_max):
    """Trajectory ``i`` of :func:`access_batch`."""
    first = -1
    dur = 0.0
    amin = np.inf
    amax = -np.inf
    prev_det = False
    prev_t = 0.0
    for j in range(offsets[i], offsets[i + 1]):
        x = r[j, 0]
        if x != x:
            out_pd[j] = 0.0
            out_det[j] = False
            prev_det = False
            continue
        s = rcs[0] if scalar_rcs else rcs[j]
        pd = pd_fast_one(x, r[j, 1], r[j, 2], s, p, faces, sin_min_el, earth)
        det = pd >= pd_threshold
        out_pd[j] = pd
        out_det[j] = det
        if det:
            if first < 0:
                first = j
            if prev_det:
                dur += t[j] - prev_t
            h = geodetic_from_ecef(x, r[j, 1], r[j, 2], earth)[2]
            if h < amin:
                amin = h
            if h > amax:
                amax = h
        prev_det = det
        prev_t = t[j]
    first_idx[i] = first
    duration[i] = dur
    alt_min[i] = amin if first >= 0 else np.nan
    alt_max[i] = amax if first >= 0 else np.nan


@kernel(parallel=True)
def access_batch(r, t, offsets, rcs, p, faces, pd_threshold, out_pd, out_det, first_idx, duration, alt_min, alt_max):
    """Per trajectory (rows offsets[i]:offsets[i+1] of ``r``, ``t``): detections and summary.

    A sample is a detection opportunity when Pd ≥ ``pd_threshold``.  ``duration`` sums
    t[j+1] − t[j] over consecutive detectable samples (sample resolution).  NaN rows
    (padding) are skipped.
    """
    scalar_rcs = rcs.shape[0] == 1
    earth = int(p[P_EARTH])
    sin_min_el = math.sin(p[P_MIN_EL])
    for i in prange(offsets.shape[0] - 1):
        _access_one(np.int64(i), r, t, offsets, scalar_rcs, rcs, p, faces, sin_min_el, earth, pd_threshold,
                    out_pd, out_det, first_idx, duration, alt_min, alt_max)  # np.int64: as in look_batch


@kernel
def access_batch_serial(r, t, offsets, rcs, p, faces, pd_threshold, out_pd, out_det, first_idx, duration, alt_min,
                        alt_max):
    """:func:`access_batch` on one thread: small batches, where starting threads costs more."""
    scalar_rcs = rcs.shape[0] == 1
    earth = int(p[P_EARTH])
    sin_min_el = math.sin(p[P_MIN_EL])
    for i in range(offsets.shape[0] - 1):
        _access_one(i, r, t, offsets, scalar_rcs, rcs, p, faces, sin_min_el, earth, pd_threshold, out_pd, out_det,
                    first_idx, duration, alt_min, alt_max)


def access_any(r, t, offsets, rcs, p, faces, *args):
    """:func:`access_batch` or its serial twin, by the number of samples."""
    inputs = (_plain(a) for a in (r, t, offsets, rcs, p, faces))
    if r.shape[0] < SERIAL_BELOW:
        access_batch_serial(*inputs, *args)
    else:
        access_batch(*inputs, *args)


# --------------------------------------------------------------------------- measurement noise

# indices into the noise parameter vector (filled by ``measurements.noise_params``)
Q_C = 0  # speed of light [m/s]
Q_TWO_B = 1  # 2 x bandwidth [Hz]
Q_BEAM = 2  # 3 dB beamwidth [rad]
Q_SLOPE = 3  # monopulse slope k_m
Q_ANGLE_FLOOR = 4  # [rad]
Q_RANGE_FLOOR = 5  # [m]
Q_RR_NUM = 6  # wavelength / (2 dwell) [m/s]
Q_RR_FLOOR = 7  # [m/s]
Q_AZ_CENTER = 8  # false alarms: sector centre [rad]
Q_AZ_HALF = 9  # sector half-width [rad]
Q_COS_TILT = 10  # cos of the face tilt
Q_SIN_TILT = 11  # sin of the face tilt
Q_FACE_AZ = 12  # azimuth of the first face [rad]
N_NOISE_PARAMS = 13
_TWO_PI = 2.0 * math.pi


@helper
def _clip(x, lo, hi):
    """numpy's clip of one value (a NaN stays NaN)."""
    return lo if x < lo else (hi if x > hi else x)


@helper
def _sigmas_one(i, snr, cos_off, cos_el, q, out):
    """``measurements.sigmas`` of one sample into ``out[0:4, i]`` (``cos_el``: cos of its
    elevation): the same operations in the same order as the numpy expression there, so
    the same bits (square roots, divisions and hypot are correctly rounded or libm's in
    both; cos is the one call whose rounding numpy's SIMD version could change)."""
    root = math.sqrt(2.0 * _clip(snr, 1e-12, math.inf))
    s_r = q[Q_C] / (q[Q_TWO_B] * root)
    s_u = (q[Q_BEAM] / _clip(cos_off, 1e-3, 1.0)) / (q[Q_SLOPE] * root)
    s_el = math.hypot(s_u, q[Q_ANGLE_FLOOR])
    out[0, i] = math.hypot(s_r, q[Q_RANGE_FLOOR])
    out[1, i] = s_el / _clip(cos_el, 1e-3, 1.0)
    out[2, i] = s_el
    out[3, i] = math.hypot(q[Q_RR_NUM] / root, q[Q_RR_FLOOR])


@kernel
def sigmas_batch(snr, cos_off, el, q):
    """(σ_range, σ_az, σ_el, σ_range_rate) rows (4, N) of samples (N,) (``measurements.sigmas``)."""
    n = snr.shape[0]
    out = np.empty((4, n))
    for i in range(n):
        _sigmas_one(i, snr[i], cos_off[i], math.cos(el[i]), q, out)
    return out


@kernel
def false_alarm_batch(u_az, el, x, q):
    """Rows (5, N) of false alarms from their draws: azimuth (sector centre + half-width x
    ``u_az``, wrapped to [0, 2π) as numpy's ``mod``), then the four sigmas at power ``x``
    with the steering angle off the first face (``measurements._false_alarms``).  Each
    cosine is taken once (the numpy code took cos(el) twice: the same bits)."""
    n = u_az.shape[0]
    out = np.empty((5, n))
    sig = out[1:]
    for i in range(n):
        a = q[Q_AZ_CENTER] + q[Q_AZ_HALF] * u_az[i]
        # Python's float mod, as numpy's (fmod, moved into [0, 2π) when negative); an angle
        # already in [0, 2π) is its own remainder, exactly
        m = a if 0.0 <= a < _TWO_PI else a % _TWO_PI
        out[0, i] = m
        e = el[i]
        cos_el = math.cos(e)
        cos_off = cos_el * q[Q_COS_TILT] * math.cos(m - q[Q_FACE_AZ]) + math.sin(e) * q[Q_SIN_TILT]
        _sigmas_one(i, x[i], cos_off, cos_el, q, sig)
    return out
