"""Line of sight and coverage against closed forms on the validation sphere.

Authority: ../shared/reference/formulas.md ("Line of sight from a radar"):
geometric horizon √(2Rh_r) + √(2Rh_t) (h ≪ R) — and its exact sphere form, the sum
of the two tangent central angles acos(R/(R+h)); the minimum-elevation ground range
from tan ε = (cos θ − (R+h_r)/(R+h_t)) / sin θ, i.e. θ = acos((R+h_r)/(R+h_t)·cos ε) − ε;
the 4/3-Earth rule for rays in the lower atmosphere (R → 4R/3).  Tolerance 0.5 %.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from thaadsim.earth import frames
from thaadsim.earth.constants import SPHERE_RADIUS_M as R
from thaadsim.sensors.coverage import coverage
from thaadsim.sensors.geometry import look
from thaadsim.sensors.radar import RadarModel

H_R = 680.0  # Seongju's height [m]


def _radar(earth="sphere", *, min_el_deg=-10.0, scan_deg=90.0, tilt_deg=0.0, az_deg=0.0, k=0.0, power=1e18,
           lat=36.0513, lon=128.2229, alt=H_R):
    m = RadarModel.from_catalog("an-tpy-2", "forward-based")
    return m.with_(
        earth=earth, refraction_k=k, min_elevation_rad=math.radians(min_el_deg), scan_limit_rad=math.radians(scan_deg),
        tilt_rad=math.radians(tilt_deg), face_az_rad=(math.radians(az_deg),), average_power_w=power, max_range_m=1e8,
        lat_deg=lat, lon_deg=lon, alt_m=alt, site_label="test",
    )


def _boresight_reach(radar, h_t):
    cov = coverage(radar, h_t, 1.0, n_azimuths=8, tolerance_m=1.0)
    i = int(np.argmin(np.abs(((cov.azimuth_deg - math.degrees(radar.face_az_rad[0])) + 180) % 360 - 180)))
    return cov.max_ground_range_m[i], cov, i


@pytest.mark.parametrize("h_t", [1e3, 5e3, 20e3, 50e3, 100e3, 300e3, 1000e3])
def test_horizon_exact_sphere(h_t):
    s, cov, i = _boresight_reach(_radar(), h_t)
    exact = R * (math.acos(R / (R + H_R)) + math.acos(R / (R + h_t)))
    assert abs(s / exact - 1) < 5e-3 * 0.1  # 0.05 %: far inside the 0.5 % requirement
    assert cov.limit[i] == "horizon"


@pytest.mark.parametrize("h_t", [1e3, 10e3, 50e3])
def test_horizon_formulas_md_small_height(h_t):
    s, _, _ = _boresight_reach(_radar(), h_t)
    approx = math.sqrt(2 * R * H_R) + math.sqrt(2 * R * h_t)
    assert abs(s / approx - 1) < 5e-3


@pytest.mark.parametrize("h_t", [1e3, 5e3, 9e3])
def test_four_thirds_earth_horizon_inside_lower_atmosphere(h_t):
    k = 4.0 / 3.0
    s, _, _ = _boresight_reach(_radar(k=k), h_t)
    approx = math.sqrt(2 * k * R * H_R) + math.sqrt(2 * k * R * h_t)
    assert abs(s / approx - 1) < 5e-3


def test_no_refraction_above_the_ceiling():
    s_refr, _, _ = _boresight_reach(_radar(k=4.0 / 3.0), 100e3)
    s_geo, _, _ = _boresight_reach(_radar(k=0.0), 100e3)
    assert abs(s_refr - s_geo) < 20.0


@pytest.mark.parametrize("eps_deg", [2.0, 5.0, 10.0])
@pytest.mark.parametrize("h_t", [50e3, 300e3, 1000e3])
def test_minimum_elevation_ground_range(eps_deg, h_t):
    s, cov, i = _boresight_reach(_radar(min_el_deg=eps_deg), h_t)
    eps = math.radians(eps_deg)
    theta = math.acos((R + H_R) / (R + h_t) * math.cos(eps)) - eps
    assert abs(s / (R * theta) - 1) < 5e-3
    assert cov.limit[i] == "elevation"


def test_behind_the_face_or_below_min_elevation_never_detected():
    rng = np.random.default_rng(3)
    radar = _radar("wgs84", min_el_deg=5.0, scan_deg=60.0, tilt_deg=10.0, az_deg=327.0, power=1e20)
    n = 20000
    az = rng.uniform(0, 2 * np.pi, n)
    el = np.arcsin(rng.uniform(-0.2, 1.0, n))
    rg = rng.uniform(1e3, 3e6, n)
    r = frames.aer_to_ecef(az, el, rg, radar.lat_deg, radar.lon_deg, radar.alt_m)
    lk = look(radar, r, 1e6)
    normal = radar.face_normals_ecef()[0]
    d = r - radar.r_ecef
    off = np.degrees(np.arccos(np.clip(d @ normal / np.linalg.norm(d, axis=1), -1, 1)))
    behind = off > 60.0 + 1e-9
    low = lk.el_rad < math.radians(5.0)
    assert behind.sum() > 1000 and low.sum() > 1000
    assert np.all(lk.pd[behind] == 0.0) and np.all(lk.pd[low] == 0.0)
    assert not lk.visible[behind | low].any()
    # and the rest, above the horizon and inside the face, is seen with this power
    ok = ~behind & ~low & (lk.range_m < 3e6)
    assert lk.visible[ok].mean() > 0.99


@pytest.mark.parametrize("earth,az", [("sphere", 327.0), ("wgs84", 0.0)])
def test_coverage_symmetric_about_boresight(earth, az):
    radar = _radar(earth, min_el_deg=5.0, scan_deg=60.0, tilt_deg=10.0, az_deg=az, power=2e5)
    cov = coverage(radar, 200e3, 0.1, n_azimuths=360, tolerance_m=1.0)
    mid = len(cov.azimuth_deg) // 2
    assert cov.azimuth_deg[mid] == pytest.approx(az)
    right = cov.max_ground_range_m[mid + 1 :]
    left = cov.max_ground_range_m[1:mid][::-1]
    n = min(len(left), len(right))
    both = np.isfinite(left[:n]) & np.isfinite(right[:n])
    assert both.sum() > 50
    assert np.array_equal(np.isfinite(left[:n]), np.isfinite(right[:n]))
    assert np.max(np.abs(left[:n][both] - right[:n][both])) < 5.0  # metres
