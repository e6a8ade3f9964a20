"""Proportional-navigation endgame and the stated-SSPK level.

Authority: Zarchan, Tactical and Strategic Missile Guidance (6th ed.), ch. 2-6: against
a non-manoeuvring target on a collision course PN commands nothing and the miss is zero;
heading errors are removed unless the acceleration limit saturates.
"""

from __future__ import annotations

import numpy as np
import pytest

from thaadsim.defense.endgame import Endgame, handover_states, home, homing_miss
from thaadsim.defense.interceptor import InterceptorModel
from thaadsim.errors import InputError

MODEL = InterceptorModel.from_catalog()
V_KV = np.array([1500.0, 0.0, 1800.0])   # kill vehicle climbing [m/s]
V_RV = np.array([-1700.0, 200.0, -2200.0])  # reentry vehicle descending [m/s]


def test_zero_handover_error_gives_zero_miss():
    res = homing_miss(MODEL, V_KV, V_RV, np.random.default_rng(0), n=3, covariance=np.zeros((6, 6)))
    assert res.miss_m.max() < 1.0  # metres
    assert res.kill.all()
    assert res.t_closest_s == pytest.approx(MODEL.handover_time_to_go_s, abs=2e-3)


def test_pn_removes_a_heading_error_within_divert_capability():
    r, v = handover_states(V_KV, V_RV, 8.0, np.zeros((6, 6)), 1, np.random.default_rng(0))
    v = v + np.array([[30.0, -20.0, 0.0]])  # 36 m/s off collision course: ~290 m to remove
    assert home(MODEL, r, v).miss_m[0] < 0.01


def _mean_miss(sigma_m: float) -> float:
    cov = np.diag([sigma_m**2] * 3 + [(sigma_m / 20.0) ** 2] * 3)
    return float(homing_miss(MODEL, V_KV, V_RV, np.random.default_rng(1), n=200, covariance=cov).miss_m.mean())


def test_miss_grows_with_handover_error():
    small, mid, large = _mean_miss(100.0), _mean_miss(1500.0), _mean_miss(4000.0)
    assert small < MODEL.lethal_radius_m
    assert small < mid < large
    assert large > 100.0  # metres: divert saturates


def test_seed_reproducibility_and_levels():
    cov = np.diag([1500.0**2] * 3 + [50.0**2] * 3)
    a = homing_miss(MODEL, V_KV, V_RV, np.random.default_rng(42), n=50, covariance=cov)
    b = homing_miss(MODEL, V_KV, V_RV, np.random.default_rng(42), n=50, covariance=cov)
    np.testing.assert_array_equal(a.miss_m, b.miss_m)
    kills, miss = Endgame(MODEL, "sspk").resolve(np.random.default_rng(3), n=20_000)
    assert np.isnan(miss).all()
    assert kills.mean() == pytest.approx(MODEL.sspk, abs=0.01)  # 3.5 sigma of 20,000 draws
    kills, miss = Endgame(MODEL, "pn").resolve(np.random.default_rng(3), 10, V_KV, V_RV)
    assert np.isfinite(miss).all()


def test_bad_input():
    with pytest.raises(InputError, match="endgame"):
        Endgame(MODEL, "magic")
    with pytest.raises(InputError, match="covariance"):
        homing_miss(MODEL, V_KV, V_RV, np.random.default_rng(0), covariance=np.ones((3, 3)))
    with pytest.raises(InputError, match="endgame"):
        Endgame(MODEL, "pn").resolve(np.random.default_rng(0))
