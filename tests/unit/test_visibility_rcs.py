"""RCS models: the aspect table interpolates in dB, is symmetric, and a constant model
reproduces the plain-number path of access exactly."""

from __future__ import annotations

import math

import numpy as np
import pytest

from thaadsim.earth import frames
from thaadsim.errors import InputError, UnknownNameError
from thaadsim.sensors.access import access
from thaadsim.sensors.radar import RadarModel
from thaadsim.sensors.rcs import AspectTableRcs, ConstantRcs, aspect_angle_rad, constant, rcs_table, rcs_tables


def _table():
    return AspectTableRcs(key="t", description="test", aspect_deg=(0.0, 90.0, 180.0), values_m2=(0.01, 1.0, 0.1),
                          sources=("a",) * 3, assumed=(True,) * 3, notes=(None,) * 3)


def test_table_hits_its_points_and_interpolates_linearly_in_db():
    t = _table()
    a = np.radians([0.0, 90.0, 180.0])
    assert np.allclose(t.rcs_m2(a), [0.01, 1.0, 0.1], rtol=1e-12)
    # halfway between 0.01 and 1 m^2 in angle is halfway in dB: the geometric mean 0.1 m^2
    assert t.rcs_m2(math.radians(45.0)) == pytest.approx(0.1, rel=1e-12)
    # a quarter of the way: -20 dB + 0.25 * 20 dB = -15 dB
    assert t.rcs_m2(math.radians(22.5)) == pytest.approx(10 ** -1.5, rel=1e-12)
    # between 1 and 0.1 m^2 at 135 deg: -5 dB
    assert t.rcs_m2(math.radians(135.0)) == pytest.approx(10 ** -0.5, rel=1e-12)


def test_table_is_symmetric_in_the_aspect():
    t = rcs_table("warhead")
    a = np.radians(np.linspace(0.0, 180.0, 181))
    v = t.rcs_m2(a)
    assert np.array_equal(v, t.rcs_m2(-a))
    assert np.allclose(v, t.rcs_m2(2 * math.pi - a), rtol=1e-12)
    assert np.allclose(v, t.rcs_m2(a + 2 * math.pi), rtol=1e-12)


def test_aspect_angle_geometry_and_roll_symmetry():
    radar = np.array([0.0, 0.0, 0.0])
    r = np.array([[1000.0, 0.0, 0.0]] * 3)
    v = np.array([[-1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [1.0, 0.0, 0.0]])  # toward, across, away
    assert np.allclose(aspect_angle_rad(radar, r, v), [0.0, math.pi / 2, math.pi])
    # rotating the radar about the velocity axis leaves the aspect unchanged
    vel = np.array([0.0, 0.0, 1.0])
    pos = np.zeros(3)
    rng = np.random.default_rng(3)
    for _ in range(5):
        phi = rng.uniform(0, 2 * math.pi)
        radar_a = np.array([math.cos(phi), math.sin(phi), 0.4]) * 5e5
        assert aspect_angle_rad(radar_a, pos, vel) == pytest.approx(
            aspect_angle_rad(np.array([5e5, 0.0, 0.4 * 5e5]), pos, vel), abs=1e-12)
    assert np.isnan(aspect_angle_rad(radar, r[0], np.zeros(3)))


def test_catalog_tables_are_sourced_and_span_the_literature():
    tables = rcs_tables()
    assert {"warhead", "booster", "debris"} <= set(tables)
    w = rcs_table("warhead")
    b = rcs_table("booster")
    assert w.rcs_m2(0.0) == pytest.approx(0.01)  # nose-on
    assert 0.1 <= w.rcs_m2(math.pi / 2) <= 1.0  # broadside
    assert w.rcs_m2(math.pi) == pytest.approx(0.1)  # tail
    assert 1.0 <= b.rcs_m2(np.radians(np.arange(0, 181))).min() and b.max_rcs_m2 <= 10.0
    for t in (w, b, rcs_table("debris")):
        d = t.describe()
        for p in d["points"]:
            assert p["source"] and (not p["assumed"] or p["note"])


def test_bad_rcs_inputs():
    with pytest.raises(UnknownNameError, match="warhead"):
        rcs_table("warheads")
    with pytest.raises(InputError):
        constant(-1.0)
    with pytest.raises(InputError):
        AspectTableRcs(key="x", description="", aspect_deg=(0.0, 90.0), values_m2=(1.0, 1.0))
    with pytest.raises(InputError):
        AspectTableRcs(key="x", description="", aspect_deg=(0.0, 180.0), values_m2=(1.0, 0.0))


@pytest.fixture(scope="module")
def radar():
    return RadarModel.from_catalog("an-tpy-2", "forward-based").with_site(36.0513, 128.2229, 680.0, "seongju")


def _arc(lat0, lon0, az, range_km, apogee_km, n, t_end):
    s = np.linspace(0.0, range_km * 1e3, n)
    h = 4 * apogee_km * 1e3 * (s / s[-1]) * (1 - s / s[-1])
    lat, lon, _ = frames.geodesic_forward(lat0, lon0, az, s)
    t = np.linspace(0.0, t_end, n)
    r = frames.geodetic_to_ecef(lat, lon, h)
    v = np.gradient(r, t, axis=0)
    return t, r, v


def test_constant_model_reduces_to_the_number_exactly(radar):
    trajs = [_arc(39.66, 124.705, 150.0, 900.0, 300.0, 300, 600.0), _arc(39.2, 125.67, 90.0, 2700.0, 550.0, 500, 900.0)]
    t = [x[0] for x in trajs]
    r = [x[1] for x in trajs]
    v = [x[2] for x in trajs]
    plain = access(radar, t, r, rcs_m2=0.05, keep_pd=True)
    model = access(radar, t, r, rcs_m2=ConstantRcs(key="c", description="", value_m2=0.05), velocities=v,
                   keep_pd=True)
    for name in ("visible", "first_detection_time_s", "first_detection_altitude_m", "first_detection_range_m",
                 "visible_duration_s", "interval_start_s", "interval_end_s", "pd"):
        assert np.array_equal(getattr(plain, name), getattr(model, name), equal_nan=True), name
    # a flat table equal to the constant gives the same Pd too (through the per-sample path)
    flat = AspectTableRcs(key="f", description="", aspect_deg=(0.0, 180.0), values_m2=(0.05, 0.05))
    tab = access(radar, t, r, rcs_m2=flat, velocities=v, keep_pd=True)
    assert np.allclose(tab.pd, plain.pd, rtol=1e-12, atol=0)
    # an aspect table needs velocities
    with pytest.raises(InputError):
        access(radar, t, r, rcs_m2=rcs_table("warhead"))


def test_aspect_table_per_sample_matches_direct_evaluation(radar):
    t, r, v = _arc(39.66, 124.705, 150.0, 900.0, 300.0, 300, 600.0)
    w = rcs_table("warhead")
    acc = access(radar, [t], [r], rcs_m2=w, velocities=[v], keep_pd=True)
    sig = w.rcs_m2(aspect_angle_rad(radar.r_ecef, r, v))
    ref = access(radar, [t], [r], rcs_m2=sig, keep_pd=True)  # per-sample numbers
    assert np.array_equal(acc.pd, ref.pd)
    # nose-on approach toward Seongju: the RV is 0.01 m^2 for most of the way, so it is seen later
    # than a constant 1 m^2 target
    big = access(radar, [t], [r], rcs_m2=1.0)
    assert acc.visible[0] and big.first_detection_time_s[0] <= acc.first_detection_time_s[0]
