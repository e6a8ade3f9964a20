"""Filter building blocks: unscented weights, PDA as a mixture update, base-class swap."""

from __future__ import annotations

import numpy as np
import pytest

from thaadsim.errors import InputError
from thaadsim.tracking.filters import (
    ExtendedKalmanFilter,
    GaussianFilter,
    UnscentedKalmanFilter,
    make_filter,
    unscented_weights,
)
from thaadsim.tracking.measurement import LinearPositionMeasurement
from thaadsim.tracking.models import ConstantVelocityModel


@pytest.mark.parametrize("alpha,beta,kappa", [(1.0, 2.0, 0.0), (0.5, 2.0, 1.0), (1e-3, 2.0, 0.0)])
def test_unscented_weights_reproduce_mean_and_covariance(alpha, beta, kappa):
    n = 6
    Wm, Wc, g = unscented_weights(n, alpha, beta, kappa)
    assert Wm.sum() == pytest.approx(1.0, abs=1e-9)
    ukf = UnscentedKalmanFilter(ConstantVelocityModel(), LinearPositionMeasurement(), alpha, beta, kappa)
    rng = np.random.default_rng(0)
    A = rng.standard_normal((n, n))
    P = A @ A.T + np.eye(n)
    x = rng.standard_normal(n)
    chi = ukf.sigma_points(x[None], P[None])[0]
    assert np.allclose(Wm @ chi, x, atol=1e-6)
    d = chi - x
    cov = (Wc[1:, None, None] * np.einsum("ka,kb->kab", d[1:], d[1:])).sum(0)
    assert np.allclose(cov, P, rtol=1e-9)


def test_bad_ukf_parameters_and_unknown_filter_are_input_errors():
    with pytest.raises(InputError):
        unscented_weights(6, 0.1, 2.0, -6.5)
    with pytest.raises(InputError, match="filter"):
        make_filter("pf", ConstantVelocityModel(), LinearPositionMeasurement())


def test_both_filters_share_the_base():
    for f in (ExtendedKalmanFilter, UnscentedKalmanFilter):
        assert issubclass(f, GaussianFilter)


@pytest.mark.parametrize("kind", ["ekf", "ukf"])
def test_mixture_update_with_common_R_is_the_classic_pdaf(kind):
    """Bar-Shalom & Tse (1975): x = x + K sum b_j nu_j;
    P = b0 P + (1 - b0) (P - K S K^T) + K (sum b_j nu_j nu_j^T - nu nu^T) K^T."""
    filt = make_filter(kind, ConstantVelocityModel(), LinearPositionMeasurement())
    rng = np.random.default_rng(3)
    A = rng.standard_normal((6, 6))
    P = A @ A.T + np.eye(6)
    x = rng.standard_normal(6)
    R = np.diag([0.5, 0.7, 0.9])
    Z = x[:3] + rng.standard_normal((3, 3))
    w = np.array([0.2, 0.5, 0.1, 0.2])
    mp = filt.predict_measurement(x[None], P[None])
    xm, Pm = filt.mixture_update(x[None], P[None], mp, Z[None], np.broadcast_to(R, (1, 3, 3, 3)), w[None])
    H = np.hstack([np.eye(3), np.zeros((3, 3))])
    S = H @ P @ H.T + R
    K = P @ H.T @ np.linalg.inv(S)
    nus = Z - x[:3]
    nu = (w[1:, None] * nus).sum(0)
    spread = (w[1:, None, None] * np.einsum("ja,jb->jab", nus, nus)).sum(0) - np.outer(nu, nu)
    P_ref = w[0] * P + (1 - w[0]) * (P - K @ S @ K.T) + K @ spread @ K.T
    assert np.allclose(xm[0], x + K @ nu, atol=1e-12)
    assert np.allclose(Pm[0], P_ref, atol=1e-12)
