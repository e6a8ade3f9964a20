"""Products: CEP against closed forms and sampling, impact and launch points, class."""

from __future__ import annotations

import math

import numpy as np
import pytest

from thaadsim.earth.kernels import geodetic_from_ecef
from thaadsim.errors import InputError
from thaadsim.tracking.measurement import enu_rotation, site_ecef
from thaadsim.tracking.models import BallisticModel
from thaadsim.tracking.products import (
    burnout_speed,
    cep_from_covariance,
    classify,
    ellipse_axes,
    impact_points,
    launch_points,
)


def _rot(deg):
    a = math.radians(deg)
    return np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])


def test_cep_closed_forms():
    circ = cep_from_covariance(np.diag([4.0, 4.0]))[0]
    assert circ == pytest.approx(2.0 * math.sqrt(2.0 * math.log(2.0)), rel=1e-9)  # Rayleigh median
    line = cep_from_covariance(np.diag([9.0, 1e-20]))[0]
    assert line == pytest.approx(3.0 * 0.6744897501960817, rel=1e-9)  # half-normal median
    R = _rot(37.0)
    cov = R @ np.diag([25.0, 4.0]) @ R.T
    assert cep_from_covariance(cov)[0] == pytest.approx(cep_from_covariance(np.diag([25.0, 4.0]))[0], rel=1e-12)


def test_cep_exact_against_sampling_and_the_059_approximation():
    rng = np.random.default_rng(7)
    for s2 in (5.0, 2.0, 0.5):
        cov = np.diag([25.0, s2**2])
        xy = rng.multivariate_normal([0, 0], cov, 400_000)
        mc = np.median(np.hypot(xy[:, 0], xy[:, 1]))
        exact = cep_from_covariance(cov)[0]
        assert exact == pytest.approx(mc, rel=5e-3)
    # the engineering approximation: 0.2 % at s2/s1 = 1, ~12.5 % low as s2/s1 -> 0
    assert cep_from_covariance(np.diag([1.0, 1.0]), "approx")[0] / cep_from_covariance(np.diag([1.0, 1.0]))[0] \
        == pytest.approx(1.0, abs=3e-3)
    assert cep_from_covariance(np.diag([1.0, 1e-12]), "approx")[0] / 0.67449 == pytest.approx(0.8747, abs=1e-3)
    with pytest.raises(InputError):
        cep_from_covariance(np.eye(2), "guess")


def test_ellipse_axes():
    R = _rot(-30.0)  # east/north plane: a rotation of the major axis off east
    a, b, az = ellipse_axes(R @ np.diag([100.0, 1.0]) @ R.T)
    assert a[0] == pytest.approx(10.0) and b[0] == pytest.approx(1.0)
    major = R @ np.array([1.0, 0.0])
    assert az[0] == pytest.approx(math.degrees(math.atan2(major[0], major[1])) % 180.0)


def _ground_launch(lat, lon, speed, fpa, az):
    r = site_ecef(lat, lon, 0.0)
    E = enu_rotation(lat, lon)
    g, a = math.radians(fpa), math.radians(az)
    return np.concatenate([r, E.T @ (speed * np.array([math.cos(g) * math.sin(a), math.cos(g) * math.cos(a),
                                                       math.sin(g)]))])


def test_launch_point_recovers_the_ground_start_of_a_vacuum_arc_and_impact_agrees():
    model = BallisticModel()
    x0 = _ground_launch(39.66, 124.705, 2800.0, 42.0, 95.0)
    x = model.propagate(x0[None], 150.0)
    P = np.diag([50.0**2] * 3 + [2.0**2] * 3)[None]
    lp = launch_points(x, P, 150.0, model)
    assert lp.ok[0] and abs(lp.time_s[0]) < 1e-3
    assert lp.lat_deg[0] == pytest.approx(39.66, abs=1e-5) and lp.lon_deg[0] == pytest.approx(124.705, abs=1e-5)
    ip_u = impact_points(x, P, 150.0, model, "unscented")
    ip_l = impact_points(x, P, 150.0, model, "linearised")
    xf, tf = model.propagate_to_height(x, 0.0, +1)
    lat, lon, _ = geodetic_from_ecef(*xf[0, :3], 0)
    # unscented mean vs the mean trajectory's impact: metres; both ellipses agree to a few %
    d_north = (ip_u.lat_deg[0] - math.degrees(lat)) * 111e3
    assert abs(d_north) < 20.0 and ip_l.lat_deg[0] == pytest.approx(math.degrees(lat), abs=1e-9)
    assert ip_u.cep_m[0] == pytest.approx(ip_l.cep_m[0], rel=0.05)
    assert ip_u.time_s[0] == pytest.approx(150.0 + tf[0], abs=0.5)
    assert ip_u.sigma_time_s[0] == pytest.approx(ip_l.sigma_time_s[0], rel=0.05)


def test_burnout_speed_is_a_constant_of_unpowered_flight():
    """Jacobi integral in the rotating frame with J2: the feature must not depend on
    where along the arc the track is observed."""
    model = BallisticModel(max_step_s=0.5)
    x0 = _ground_launch(39.66, 124.705, 3000.0, 40.0, 95.0)
    X = model.propagate(np.repeat(x0[None], 5, 0), np.array([20.0, 100.0, 200.0, 300.0, 380.0]))
    f = burnout_speed(X, 50_000.0)
    # exact invariant up to where the burnout altitude is taken (below the current
    # point, so the J2/centrifugal potential there varies with latitude: ~1e-5 relative)
    assert np.ptp(f) < 0.05
    # and at the launch height itself it is the launch speed
    assert burnout_speed(x0[None], 0.0)[0] == pytest.approx(3000.0, abs=1e-6)


def test_classify_picks_the_matching_class():
    model = BallisticModel()
    x = model.propagate(_ground_launch(39.66, 124.705, 3000.0, 40.0, 95.0)[None], 200.0)
    P = np.diag([30.0**2] * 3 + [3.0**2] * 3)[None]
    f = burnout_speed(x, 40_000.0)[0]
    est = classify(x, P, {"scud-er": (f + 20.0, 60.0, 40_000.0), "nodong": (f + 700.0, 100.0, 40_000.0),
                          "hwasong-12": (f + 2500.0, 200.0)})
    assert est.best() == ["scud-er"]
    assert est.probabilities.sum() == pytest.approx(1.0)
    assert 0.5 < est.feature_sigma_m_s[0, 0] < 20.0
    with pytest.raises(InputError):
        classify(x, P, {"x": (1000.0, -1.0)})
    with pytest.raises(InputError):
        classify(x, P, {})
