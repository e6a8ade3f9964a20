"""Compiled look kernel vs plain-numpy references.

References: ``earth.frames`` (PROJ) for ECEF, azimuth, elevation and range; a plain
numpy ray–ellipsoid test, itself checked by sampling heights along the segment
with PROJ's inverse; the range equation through ``RadarModel.snr``; Pd through
``detection.pd_exact``.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from thaadsim.earth import frames
from thaadsim.earth.constants import WGS84_A_M, WGS84_B_M
from thaadsim.sensors import kernels as K
from thaadsim.sensors.detection import pd_exact
from thaadsim.sensors.geometry import detection_probability, look
from thaadsim.sensors.radar import RadarModel


@pytest.fixture(scope="module")
def radar():
    m = RadarModel.from_catalog("an-tpy-2", "forward-based")
    return m.with_site(36.0513, 128.2229, 680.0, "seongju").with_(refraction_k=0.0)


def _blocked_numpy(r0, d, a=WGS84_A_M, b=WGS84_B_M):
    scale = np.array([a, a, b])
    p = r0 / scale
    q = d / scale
    t = np.clip(-(q @ p) / np.einsum("ij,ij->i", q, q), 0.0, 1.0)
    c = p + t[:, None] * q
    return (np.einsum("ij,ij->i", c, c) < 1.0 - 1e-12) & (t > 0) & (t < 1)


def test_ecef_from_geodetic_matches_proj():
    lat = np.radians([0.0, 36.05, -60.0, 89.0])
    lon = np.radians([0.0, 128.2, -120.0, 10.0])
    h = np.array([0.0, 680.0, 3e5, 1e6])
    for earth, code in (("wgs84", 0), ("sphere", 1)):
        ref = frames.geodetic_to_ecef(np.degrees(lat), np.degrees(lon), h, earth)
        got = np.array([K.ecef_from_geodetic(a, b, c, code) for a, b, c in zip(lat, lon, h, strict=True)])
        assert np.max(np.abs(got - ref)) < 1e-6


def test_look_angles_match_frames(radar):
    rng = np.random.default_rng(1)
    n = 5000
    lat = rng.uniform(25, 50, n)
    lon = rng.uniform(110, 145, n)
    h = rng.uniform(0, 2e6, n)
    r = frames.geodetic_to_ecef(lat, lon, h)
    lk = look(radar, r, 1.0)
    az, el, rg = frames.ecef_to_aer(r, radar.lat_deg, radar.lon_deg, radar.alt_m)
    assert np.max(np.abs(lk.range_m - rg)) < 1e-6
    assert np.max(np.abs(np.angle(np.exp(1j * (lk.az_rad - az))))) < 1e-9
    assert np.max(np.abs(lk.el_rad - el)) < 1e-9


def test_blockage_matches_numpy_and_sampled_heights(radar):
    rng = np.random.default_rng(2)
    n = 4000
    lat = rng.uniform(20, 55, n)
    lon = rng.uniform(105, 150, n)
    h = rng.uniform(0, 1.5e6, n)
    r = frames.geodetic_to_ecef(lat, lon, h)
    r0 = radar.r_ecef
    wide = radar.with_(min_elevation_rad=-0.5 * math.pi, scan_limit_rad=0.5 * math.pi, tilt_rad=0.0,
                       face_az_rad=(0.0, 0.5 * math.pi, math.pi, 1.5 * math.pi), max_range_m=1e8)
    seen = look(wide, r, 0.0).visible
    blocked = _blocked_numpy(r0, r - r0)
    # a face normal exactly horizontal leaves nothing outside four 90-deg faces except the zenith
    assert np.array_equal(seen, ~blocked)
    # the numpy reference against heights sampled along 40 segments
    for i in rng.choice(n, 40, replace=False):
        s = np.linspace(0.0, 1.0, 4001)[1:-1, None]
        _, _, hh = frames.ecef_to_geodetic(r0 + s * (r[i] - r0))
        assert bool(blocked[i]) == bool(np.min(hh) < -1.0) or abs(np.min(hh)) < 50.0


def test_snr_and_pd_match_references(radar):
    lat, lon, _ = frames.geodesic_forward(radar.lat_deg, radar.lon_deg, 330.0, np.linspace(200e3, 1500e3, 50))
    r = frames.geodetic_to_ecef(lat, lon, 300e3)
    for sw in (0, 1, 3):
        lk = look(radar, r, 0.05, swerling=sw)
        v = lk.visible
        assert v.sum() > 20
        ref_snr = radar.snr(lk.range_m[v], 0.05, lk.cos_off_boresight[v])
        assert np.allclose(lk.snr[v], ref_snr, rtol=1e-12)
        assert np.allclose(lk.pd[v], pd_exact(ref_snr, radar.pfa, sw, 1), atol=1e-9)
        assert np.all(lk.pd[~v] == 0)
        assert np.allclose(detection_probability(radar, r, 0.05, swerling=sw), lk.pd, rtol=0, atol=1e-12)


def test_serial_and_parallel_kernels_agree(radar):
    rng = np.random.default_rng(5)
    n = 30_000
    r = frames.geodetic_to_ecef(rng.uniform(30, 45, n), rng.uniform(115, 140, n), rng.uniform(0, 1e6, n))
    r = np.ascontiguousarray(r)
    p, faces = radar.kernel_params()
    a = [np.empty(n) for _ in range(6)] + [np.empty(n, dtype=bool)]
    b = [np.empty(n) for _ in range(6)] + [np.empty(n, dtype=bool)]
    K.look_batch(r, np.array([0.1]), p, faces, *a)
    K.look_batch_serial(r, np.array([0.1]), p, faces, *b)
    for x, y in zip(a, b, strict=True):
        assert np.array_equal(x, y)
