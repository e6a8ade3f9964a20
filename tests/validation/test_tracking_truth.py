"""Independent truth for the tracker's validation: a ballistic trajectory generator and a
radar measurement simulator written in plain numpy / scipy, sharing no code with
``thaadsim.tracking`` (gravity from the J2 potential's gradient in spherical form,
geodetic height by Bowring's iteration, site position from pyproj, scipy's DOP853
integrator at tight tolerance).

The generator is itself checked here against the closed forms of free flight over a
non-rotating sphere (Wheelon 1959; Bate, Mueller & White 1971, reference/formulas.md).

Until the radar room's ``Detections`` exists, ``Detections`` below has exactly its
field names.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from pyproj import Transformer
from scipy.integrate import solve_ivp

MU = 3.986004418e14
J2 = 1.08262982131e-3
A_E = 6378137.0
F_E = 1.0 / 298.257223563
E2 = F_E * (2.0 - F_E)
OMEGA = 7.292115e-5
R_SPHERE = 6371008.8

SEONGJU = (36.0513, 128.2229, 680.0)  # open-literature.md (approximate)

_TO_ECEF = Transformer.from_crs("EPSG:4979", "EPSG:4978", always_xy=True)


def geodetic_to_ecef(lat_deg, lon_deg, alt_m):
    x, y, z = _TO_ECEF.transform(lon_deg, lat_deg, alt_m)
    return np.array([x, y, z])


def enu_matrix(lat_deg, lon_deg):
    la, lo = math.radians(lat_deg), math.radians(lon_deg)
    east = np.array([-math.sin(lo), math.cos(lo), 0.0])
    up = np.array([math.cos(la) * math.cos(lo), math.cos(la) * math.sin(lo), math.sin(la)])
    north = np.cross(up, east)
    return np.array([east, north, up])


def geodetic_height(r):
    """Bowring's iteration (converges to < 1 mm in 3 steps at these heights)."""
    x, y, z = r
    p = math.hypot(x, y)
    lat = math.atan2(z, p * (1.0 - E2))
    for _ in range(4):
        n = A_E / math.sqrt(1.0 - E2 * math.sin(lat) ** 2)
        h = p / math.cos(lat) - n
        lat = math.atan2(z, p * (1.0 - E2 * n / (n + h)))
    n = A_E / math.sqrt(1.0 - E2 * math.sin(lat) ** 2)
    return p / math.cos(lat) - n, lat, math.atan2(y, x)


def gravity(r, sphere=False):
    """-grad of U = -mu/r [1 - J2 (a/r)^2 P2(z/r)], spherical-coordinate form."""
    x, y, z = r
    rr = math.sqrt(x * x + y * y + z * z)
    if sphere:
        return -MU * r / rr**3
    s = z / rr
    # U = mu/r + mu J2 a^2 (3 s^2 - 1) / (2 r^3) * (-1); dU/dr and dU/ds
    k = MU * J2 * A_E**2 / 2.0
    dU_dr = -MU / rr**2 + 3.0 * k * (3.0 * s * s - 1.0) / rr**4
    dU_ds = -k * 6.0 * s / rr**3
    rhat = r / rr
    ds_dr = (np.array([0.0, 0.0, 1.0]) - s * rhat) / rr
    return dU_dr * rhat + dU_ds * ds_dr


def exp_density(h, rho0=1.225, H=7200.0, top=120_000.0):
    return 0.0 if h >= top else rho0 * math.exp(-h / H)


def rhs(t, y, beta=None, sphere=False, rotating=True):
    r, v = y[:3], y[3:6]
    a = gravity(r, sphere)
    if rotating:
        w = np.array([0.0, 0.0, OMEGA])
        a = a - 2.0 * np.cross(w, v) - np.cross(w, np.cross(w, r))
    if beta is not None:
        h = geodetic_height(r)[0]
        a = a - exp_density(h) * np.linalg.norm(v) * v / (2.0 * beta)
    return np.concatenate([v, a])


def burnout_state(lat_deg, lon_deg, alt_m, speed, fpa_deg, az_deg):
    r = geodetic_to_ecef(lat_deg, lon_deg, alt_m)
    E = enu_matrix(lat_deg, lon_deg)
    g, a = math.radians(fpa_deg), math.radians(az_deg)
    v_enu = speed * np.array([math.cos(g) * math.sin(a), math.cos(g) * math.cos(a), math.sin(g)])
    return np.concatenate([r, E.T @ v_enu])


def fly(x0, t_end, t_eval=None, beta=None, sphere=False, rotating=True, rtol=1e-11):
    """Trajectory from x0 over [0, t_end] (stops at the ground); returns solve_ivp sol."""

    def ground(t, y, *a):
        if sphere:
            return np.linalg.norm(y[:3]) - R_SPHERE
        return geodetic_height(y[:3])[0]

    ground.terminal = True
    ground.direction = -1
    return solve_ivp(rhs, (0.0, t_end), x0, method="DOP853", rtol=rtol, atol=1e-6, t_eval=t_eval,
                     dense_output=True, events=ground, args=(beta, sphere, rotating))


@dataclass
class Detections:
    """Same field names as ``thaadsim.sensors.measurements.Detections``."""

    time_s: np.ndarray
    range_m: np.ndarray
    az_rad: np.ndarray
    el_rad: np.ndarray
    range_rate_m_s: np.ndarray
    sigma_range_m: np.ndarray
    sigma_az_rad: np.ndarray
    sigma_el_rad: np.ndarray
    sigma_range_rate_m_s: np.ndarray
    snr_db: np.ndarray
    truth_id: np.ndarray
    lat_deg: float
    lon_deg: float
    alt_m: float


def true_measurement(x, site=SEONGJU):
    """(range, az, el, range rate) of ECEF states x (N, 6) from a site."""
    x = np.atleast_2d(x)
    s = geodetic_to_ecef(*site)
    E = enu_matrix(site[0], site[1])
    d = x[:, :3] - s
    enu = d @ E.T
    rng = np.linalg.norm(d, axis=1)
    az = np.arctan2(enu[:, 0], enu[:, 1])
    el = np.arctan2(enu[:, 2], np.hypot(enu[:, 0], enu[:, 1]))
    rr = np.einsum("ki,ki->k", d, x[:, 3:6]) / rng
    return rng, az, el, rr


SIGMAS = (10.0, 3e-4, 3e-4, 1.0)  # range m, az rad, el rad, range rate m/s (ASSUMED X-band track)


def make_detections(times, states_by_object, rng, site=SEONGJU, sigmas=SIGMAS, visible=None,
                    clutter_per_scan=0.0, clutter_box=None, merge_below_m=None, min_el_rad=0.0):
    """Noisy detections of objects (list of (T, 6) truth arrays on ``times``) plus
    Poisson clutter (``clutter_per_scan`` mean; uniform in ``clutter_box`` = (rmin,
    rmax, azmin, azmax, elmin, elmax)).  ``visible`` (K, T) masks fades; objects closer
    than ``merge_below_m`` to a lower-numbered object are unresolved (one detection, of
    the lower id)."""
    cols = {k: [] for k in ("t", "r", "a", "e", "rr", "id")}
    sr, sa, se, srr = sigmas
    for k, X in enumerate(states_by_object):
        r, a, e, rr = true_measurement(X, site)
        keep = np.isfinite(r) & (e > min_el_rad)
        if visible is not None:
            keep &= visible[k]
        if merge_below_m is not None:
            for j in range(k):
                sep = np.linalg.norm(X[:, :3] - states_by_object[j][:, :3], axis=1)
                keep &= ~(sep < merge_below_m)
        n = int(keep.sum())
        cols["t"].append(times[keep])
        cols["r"].append(r[keep] + sr * rng.standard_normal(n))
        cols["a"].append(a[keep] + sa * rng.standard_normal(n))
        cols["e"].append(e[keep] + se * rng.standard_normal(n))
        cols["rr"].append(rr[keep] + srr * rng.standard_normal(n))
        cols["id"].append(np.full(n, k))
    if clutter_per_scan > 0.0:
        rmin, rmax, amin, amax, emin, emax = clutter_box
        for t in times:
            n = rng.poisson(clutter_per_scan)
            cols["t"].append(np.full(n, t))
            cols["r"].append(rng.uniform(rmin, rmax, n))
            cols["a"].append(rng.uniform(amin, amax, n))
            cols["e"].append(rng.uniform(emin, emax, n))
            cols["rr"].append(rng.uniform(-4000.0, 4000.0, n))
            cols["id"].append(np.full(n, -1))
    c = {k: np.concatenate(v) for k, v in cols.items()}
    a = (c["a"] + np.pi) % (2 * np.pi) - np.pi
    m = c["t"].size
    return Detections(c["t"], c["r"], a, c["e"], c["rr"], np.full(m, sr), np.full(m, sa), np.full(m, se),
                      np.full(m, srr), np.full(m, 20.0), c["id"].astype(np.int64), *site)


def standard_threat(t_end=400.0, dt=1.0, speed=2900.0, fpa=40.0, az=100.0, offset_s=0.0, beta=None):
    """A 1,000-km-class trajectory from a burnout state over NW Korea toward the east,
    sampled every ``dt`` from burnout + ``offset_s``; returns (times, states (T, 6))."""
    x0 = burnout_state(39.4, 125.3, 60_000.0, speed, fpa, az)
    times = np.arange(0.0, t_end + 1e-9, dt)
    sol = fly(x0, t_end + 5.0, beta=beta)
    tt = times[times <= sol.t[-1]]
    return tt + offset_s, sol.sol(tt).T


# --------------------------------------------------------------------------- self-checks


def _kepler_closed_form(v, r=R_SPHERE):
    q = v * v * r / MU
    psi = 2.0 * math.asin(q / (2.0 - q))
    gam = math.radians(45.0) - psi / 4.0
    a = r / (2.0 - q)
    e = math.sqrt(1.0 - q * (2.0 - q) * math.cos(gam) ** 2)
    cos_eb = (1.0 - r / a) / e
    eb = math.acos(cos_eb)
    tof = 2.0 * math.sqrt(a**3 / MU) * (math.pi - eb + e * math.sin(eb))
    return R_SPHERE * psi, gam, tof, a * (1.0 + e) - R_SPHERE


def test_truth_generator_reproduces_keplerian_closed_forms():
    """formulas.md worked values: v = 3.0 km/s -> 988 km, 42.8 deg, 7.9 min, 237 km."""
    rng_m, gam, tof, apo = _kepler_closed_form(3000.0)
    assert abs(rng_m - 988e3) < 1e3 and abs(math.degrees(gam) - 42.8) < 0.05
    assert abs(tof / 60 - 7.9) < 0.05 and abs(apo - 237e3) < 1e3
    r0 = np.array([R_SPHERE, 0.0, 0.0])
    v0 = 3000.0 * np.array([math.sin(gam), math.cos(gam), 0.0])
    sol = fly(np.concatenate([r0, v0]), 1000.0, sphere=True, rotating=False)
    t_hit = sol.t_events[0][0]
    r_hit = sol.y_events[0][0][:3]
    ground = R_SPHERE * math.acos(r_hit @ r0 / (np.linalg.norm(r_hit) * R_SPHERE))
    assert abs(t_hit - tof) < 1e-3
    assert abs(ground - rng_m) < 0.1
    apo_num = max(np.linalg.norm(sol.sol(t)[:3]) for t in np.linspace(0, t_hit, 2001)) - R_SPHERE
    assert abs(apo_num - apo) < 5.0


def test_truth_measurements_match_definitions():
    """Azimuth clockwise from north: a target due east of the site has az = +90 deg."""
    s = geodetic_to_ecef(*SEONGJU)
    E = enu_matrix(SEONGJU[0], SEONGJU[1])
    x = np.concatenate([s + E.T @ np.array([1000.0, 0.0, 1000.0]), E.T @ np.array([0.0, 0.0, 5.0])])
    r, a, e, rr = true_measurement(x[None])
    assert np.allclose([r[0], a[0], e[0]], [math.sqrt(2e6), math.pi / 2, math.pi / 4])
    assert np.isclose(rr[0], 5.0 / math.sqrt(2.0))
