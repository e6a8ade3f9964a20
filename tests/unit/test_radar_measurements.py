"""Measurements: noise statistics against their stated σ, Pd draw, false alarms, seeds.

Authorities: the chi-square law — Σ (e/σ)² over n independent normalised errors is
χ²(n) (tested at the 1e-4 two-sided level, so it fails by chance once in 10⁴ runs
per component; the seeds are fixed, so the test is deterministic); the detection rate
is the exact Pd of the Swerling case (binomial 5σ band); false alarms per look are
Poisson(Pfa × cells).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from thaadsim.earth import frames
from thaadsim.sensors.detection import pd_exact
from thaadsim.sensors.geometry import look
from thaadsim.sensors.measurements import Detections, Surveillance, look_times, measure


@pytest.fixture(scope="module")
def radar():
    from thaadsim.sensors.radar import RadarModel

    return RadarModel.from_catalog("an-tpy-2", "forward-based").with_site(36.0513, 128.2229, 680.0, "seongju")


def _targets(radar, n, ground_km=(400, 1200), alt_km=300.0, seed=0):
    rng = np.random.default_rng(seed)
    az = 327.0 + rng.uniform(-30, 30, n)
    s = rng.uniform(*ground_km, n) * 1e3
    lat, lon, _ = frames.geodesic_forward(radar.lat_deg, radar.lon_deg, az, s)
    r = frames.geodetic_to_ecef(lat, lon, alt_km * 1e3)
    v = rng.normal(0, 3000.0, (n, 3))
    return r, v


def test_noise_matches_stated_sigma_chi_square(radar):
    n = 40_000
    r, v = _targets(radar, n)
    det = measure(radar, np.zeros(n), r, v, 0.1, np.random.default_rng(11), truth_id=np.arange(n), false_alarms=False)
    assert len(det) > 0.8 * n
    idx = det.truth_id
    lk = look(radar, r[idx], 0.1)
    az_t, el_t, rg_t = lk.az_rad, lk.el_rad, lk.range_m
    u = (r[idx] - radar.r_ecef) / rg_t[:, None]
    rr_t = np.einsum("ij,ij->i", u, v[idx])
    z = {
        "range": (det.range_m - rg_t) / det.sigma_range_m,
        "az": np.angle(np.exp(1j * (det.az_rad - az_t))) / det.sigma_az_rad,
        "el": (det.el_rad - el_t) / det.sigma_el_rad,
        "range_rate": (det.range_rate_m_s - rr_t) / det.sigma_range_rate_m_s,
    }
    m = len(det)
    lo, hi = stats.chi2.ppf([5e-5, 1 - 5e-5], m)
    for name, e in z.items():
        q = float(np.sum(e**2))
        assert lo < q < hi, (name, q / m)
        assert abs(np.mean(e)) < 5 / math.sqrt(m), name  # bias-free


def test_sigma_formulas(radar):
    from thaadsim.sensors.measurements import sigmas

    snr = 10 ** 2.0
    s_r, s_az, s_el, s_v = sigmas(radar, snr, 1.0, 0.0)
    c = 299_792_458.0
    assert s_r == pytest.approx(math.hypot(c / (2 * radar.bandwidth_hz * math.sqrt(2 * snr)), radar.range_sigma_floor_m))
    ang = radar.beamwidth_rad / (1.6 * math.sqrt(2 * snr))
    assert s_el == pytest.approx(math.hypot(ang, radar.angle_sigma_floor_rad))
    assert s_az == pytest.approx(s_el)
    # noise grows as SNR falls
    assert sigmas(radar, 10.0, 1.0, 0.0)[0] > s_r


@pytest.mark.parametrize("swerling", [0, 1, 3])
def test_detection_rate_is_exact_pd(radar, swerling):
    n = 20_000
    lat, lon, _ = frames.geodesic_forward(radar.lat_deg, radar.lon_deg, 327.0, 1200e3)
    r = np.repeat(frames.geodetic_to_ecef(lat, lon, 400e3)[None, :], n, axis=0)
    rcs = 0.02
    lk = look(radar, r[:1], rcs, swerling=swerling)
    pd = float(pd_exact(lk.snr, radar.pfa, swerling, 1)[0])
    assert 0.2 < pd < 0.95
    det = measure(radar, np.zeros(n), r, np.zeros((n, 3)), rcs, np.random.default_rng(3), swerling=swerling,
                  false_alarms=False)
    rate = len(det) / n
    assert abs(rate - pd) < 5 * math.sqrt(pd * (1 - pd) / n)


def test_false_alarm_count_and_volume(radar):
    times = look_times(radar, 0.0, 199.0)
    assert len(times) == 200 and times[1] - times[0] == radar.revisit_s
    sv = Surveillance(math.radians(327.0), math.radians(20.0), math.radians(5.0), math.radians(10.0), 100e3, 1000e3)
    det = measure(radar, times, np.full((200, 3), np.nan), np.zeros((200, 3)), 0.1, np.random.default_rng(9),
                  surveillance=sv)
    fa = det.select(det.truth_id == -1)
    assert len(fa) == len(det)
    expected = radar.pfa * sv.cells(radar) * 200
    assert abs(len(fa) - expected) < 5 * math.sqrt(expected)
    assert np.all((fa.range_m >= 100e3) & (fa.range_m <= 1000e3))
    assert np.all(np.abs(np.angle(np.exp(1j * (fa.az_rad - sv.az_center_rad)))) <= sv.az_half_width_rad + 1e-12)
    assert np.all((fa.el_rad >= math.radians(5.0) - 1e-12) & (fa.el_rad <= math.radians(10.0) + 1e-12))


def test_same_seed_same_output_and_fields(radar):
    r, v = _targets(radar, 500, seed=4)
    t = np.repeat(np.arange(50.0), 10)
    a = measure(radar, t, r, v, 0.1, np.random.default_rng(123), truth_id=np.arange(500) % 7)
    b = measure(radar, t, r, v, 0.1, np.random.default_rng(123), truth_id=np.arange(500) % 7)
    c = measure(radar, t, r, v, 0.1, np.random.default_rng(124), truth_id=np.arange(500) % 7)
    names = ["time_s", "range_m", "az_rad", "el_rad", "range_rate_m_s", "sigma_range_m", "sigma_az_rad",
             "sigma_el_rad", "sigma_range_rate_m_s", "snr_db", "truth_id"]
    for name in names:
        assert np.array_equal(getattr(a, name), getattr(b, name)), name
        assert getattr(a, name).shape == (len(a),)
    assert not np.array_equal(a.range_m, c.range_m) or len(a) != len(c)
    assert np.all(np.diff(a.time_s) >= 0)
    assert (a.radar_lat_deg, a.radar_lon_deg, a.radar_alt_m) == (36.0513, 128.2229, 680.0)
    assert isinstance(a, Detections) and a.truth_id.dtype == np.int64
    assert np.all((a.az_rad >= 0) & (a.az_rad < 2 * np.pi))


def test_needs_a_generator(radar):
    from thaadsim.errors import InputError

    with pytest.raises(InputError):
        measure(radar, [0.0], [[0.0, 0.0, 0.0]], [[0.0, 0.0, 0.0]], 1.0, 42)  # type: ignore[arg-type]


def test_precomputed_geometry_gives_the_same_detections(radar):
    """Authorities: ``measure`` computing the geometry itself - passing the
    ``target_geometry`` of the same samples (as replicas of a run do) must not change one
    detection or one draw, and geometry of other samples is refused; and the true range
    rate in it is the central difference of the slant range along the velocity."""
    from thaadsim.sensors.measurements import target_geometry

    r, v = _targets(radar, 300)
    t = np.arange(300, dtype=float)
    plain = measure(radar, t, r, v, 0.5, np.random.default_rng(3), swerling=3)
    geometry = target_geometry(radar, r, v, 0.5, swerling=3)
    h = 1e-3  # [s]
    slant = [np.linalg.norm(r + sign * h * v - radar.r_ecef, axis=1) for sign in (1.0, -1.0)]
    np.testing.assert_allclose(geometry.range_rate_m_s, (slant[0] - slant[1]) / (2 * h), atol=1e-3)  # [m/s]
    given = measure(radar, t, r, v, 0.5, np.random.default_rng(3), swerling=3, geometry=geometry)
    for name in ("time_s", "range_m", "az_rad", "el_rad", "range_rate_m_s", "sigma_az_rad", "snr_db", "truth_id"):
        np.testing.assert_array_equal(getattr(given, name), getattr(plain, name))
    with pytest.raises(Exception, match="geometry"):
        measure(radar, t[:10], r[:10], v[:10], 0.5, np.random.default_rng(3), geometry=geometry)


def _detections(times, tag: int):
    """Detections at ``times`` whose every column names the part (``tag``) and the row."""
    from thaadsim.sensors.measurements import Detections

    t = np.asarray(times, dtype=float)
    row = tag * 1000.0 + np.arange(t.size)
    cols = {f: row.copy() for f in ("range_m", "az_rad", "el_rad", "range_rate_m_s", "sigma_range_m", "sigma_az_rad",
                                     "sigma_el_rad", "sigma_range_rate_m_s", "snr_db")}
    return Detections(time_s=t, truth_id=row.astype(np.int64), radar_lat_deg=36.0, radar_lon_deg=128.0,
                      radar_alt_m=600.0, **cols)


@pytest.mark.parametrize("sorted_parts", [True, False])
def test_merge_is_the_stable_sort_of_the_parts(sorted_parts):
    """Authority: the definition - the parts concatenated in order, then sorted by time with
    a stable sort (ties: earlier part first, then the part's own order).  Time-ordered parts
    take a scatter by places (many ties: whole looks), others the sort itself."""
    from thaadsim.sensors.measurements import merge_detections

    rng = np.random.default_rng(3)
    parts = [_detections(np.sort(rng.integers(0, 20, n)) if sorted_parts else rng.integers(0, 20, n), tag)
             for tag, n in enumerate((40, 0, 7, 300))]
    merged = merge_detections(parts)
    t = np.concatenate([p.time_s for p in parts])
    order = np.argsort(t, kind="stable")
    np.testing.assert_array_equal(merged.time_s, t[order])
    np.testing.assert_array_equal(merged.truth_id, np.concatenate([p.truth_id for p in parts])[order])
    np.testing.assert_array_equal(merged.snr_db, np.concatenate([p.snr_db for p in parts])[order])
    assert merged.truth_id.dtype == np.int64


def test_false_alarms_come_in_time_order(radar):
    from thaadsim.sensors.measurements import false_alarm_detections

    fa = false_alarm_detections(radar, np.array([30.0, 10.0, 20.0, 10.0]), np.random.default_rng(4))
    assert len(fa) > 100 and np.all(np.diff(fa.time_s) >= 0)
    assert set(np.unique(fa.time_s)) <= {10.0, 20.0, 30.0}


def _numpy_sigmas(radar, snr, cos_off, el_rad):
    """The module doc's step 4 written out in numpy, as it was before the compiled pass."""
    snr = np.maximum(np.asarray(snr, dtype=float), 1e-12)
    root = np.sqrt(2.0 * snr)
    s_r = 299_792_458.0 / (2.0 * radar.bandwidth_hz * root)
    s_u = radar.beamwidth_rad / np.clip(cos_off, 1e-3, 1.0) / (radar.monopulse_slope * root)
    s_el = np.hypot(s_u, radar.angle_sigma_floor_rad)
    s_v = radar.wavelength_m / (2.0 * radar.dwell_s) / root
    return (np.hypot(s_r, radar.range_sigma_floor_m), s_el / np.clip(np.cos(el_rad), 1e-3, 1.0), s_el,
            np.hypot(s_v, radar.range_rate_sigma_floor_m_s))


def test_compiled_sigmas_and_false_alarms_equal_the_numpy_expressions(radar):
    """Authority: the numpy expressions of the module doc (the code the compiled pass
    replaced).  Same operations in the same order, so equal to the last bit where numpy and
    libm round cos alike (this machine); a few ulp allowed for a CPU where numpy's SIMD cos
    rounds otherwise.  A sector across north checks the azimuth's wrap into [0, 2π)."""
    from thaadsim.sensors.measurements import _false_alarms, sigmas

    rng = np.random.default_rng(5)
    snr = np.concatenate([rng.exponential(30.0, 5000), [0.0, 1e-15, np.inf]])
    cos_off, el = rng.uniform(-0.2, 1.2, snr.size), rng.uniform(-0.1, 1.6, snr.size)
    for got, want in zip(sigmas(radar, snr, cos_off, el), _numpy_sigmas(radar, snr, cos_off, el), strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-14, atol=0.0)
    sv = Surveillance(math.radians(5.0), math.radians(40.0), math.radians(1.0), math.radians(60.0), 100e3, 1000e3)
    got = _false_alarms(radar, np.arange(20.0), np.random.default_rng(8), sv)
    draws = np.random.default_rng(8)
    counts = draws.poisson(radar.pfa * sv.cells(radar), 20)
    n = int(counts.sum())
    az = np.mod(sv.az_center_rad + sv.az_half_width_rad * draws.uniform(-1.0, 1.0, n), 2.0 * np.pi)
    el = np.arcsin(draws.uniform(math.sin(sv.el_min_rad), math.sin(sv.el_max_rad), n))
    draws.uniform(size=2 * n)  # range and range rate
    x = np.maximum(-math.log(radar.pfa) + draws.standard_exponential(n) - 1.0, 1e-3)
    cos_off = (np.cos(el) * math.cos(radar.tilt_rad) * np.cos(az - radar.face_az_rad[0])
               + np.sin(el) * math.sin(radar.tilt_rad))
    assert np.any(az > math.pi) and np.any(az < math.pi)  # both sides of north
    np.testing.assert_allclose(got["az_rad"], az, rtol=1e-14, atol=1e-15)
    names = ("sigma_range_m", "sigma_az_rad", "sigma_el_rad", "sigma_range_rate_m_s")
    for name, want in zip(names, _numpy_sigmas(radar, x, cos_off, el), strict=True):
        np.testing.assert_allclose(got[name], want, rtol=1e-14, atol=0.0)
