"""Filter consistency on a single ballistic target without clutter.

Authorities: Bar-Shalom, Li & Kirubarajan, *Estimation with Applications to Tracking
and Navigation* (2001), sec. 5.4 (NEES/NIS chi-square tests, Monte Carlo averaging) and
sec. 5.2 (the Kalman filter the linear case must reproduce).

Truth: scipy DOP853 at rtol 1e-11 with an independent numpy force model
(test_tracking_truth.py), deterministic.  Because the truth has no process noise the
filters run with a negligible q (1e-9 m^2/s^3): any q > 0 on a noise-free truth makes a
filter conservative once the velocity is known to a few cm/s (the default q = 1
m^2/s^3, a margin for unmodelled forces, gives a mean NEES of ~3.6 instead of 6).
The initial estimate of each run is drawn from the filter's own prior N(truth, P0).
"""

from __future__ import annotations

import numpy as np
import pytest

from tests.validation.test_tracking_truth import SEONGJU, SIGMAS, standard_threat, true_measurement
from thaadsim.tracking import BallisticModel, RadarMeasurementModel, RadarSites, make_filter
from thaadsim.tracking.filters import ExtendedKalmanFilter, UnscentedKalmanFilter
from thaadsim.tracking.measurement import LinearPositionMeasurement
from thaadsim.tracking.metrics import chi2_band, fraction_inside, nees
from thaadsim.tracking.models import ConstantVelocityModel

N_RUNS = 100
P0 = np.diag([200.0**2] * 3 + [50.0**2] * 3)


@pytest.fixture(scope="module")
def truth():
    t, X = standard_threat(t_end=600.0)
    r, a, e, rr = true_measurement(X)
    keep = e > np.radians(2.0)
    return t[keep], X[keep], np.stack([r, a, e, rr], axis=1)[keep]


def _monte_carlo(kind, truth, seed=0, q=1e-9):
    """N_RUNS independent runs as one batch (the filters are batch-first)."""
    t, X, Ztrue = truth
    rng = np.random.default_rng(seed)
    f = make_filter(kind, BallisticModel(q_m2_s3=q), RadarMeasurementModel(RadarSites.from_geodetic(*SEONGJU), True))
    x = X[0] + (np.linalg.cholesky(P0) @ rng.standard_normal((6, N_RUNS))).T
    P = np.repeat(P0[None], N_RUNS, 0)
    R = np.repeat(np.diag(np.array(SIGMAS) ** 2)[None], N_RUNS, 0)
    out_x, out_P, ne, ni = [], [], [], []
    for k in range(1, t.size):
        x, P = f.predict(x, P, t[k] - t[k - 1])
        Z = Ztrue[k] + rng.standard_normal((N_RUNS, 4)) * np.array(SIGMAS)
        res = f.update(x, P, Z, R)
        x, P = res.x, res.P
        out_x.append(x)
        out_P.append(P)
        ne.append(nees(x - X[k], P))
        ni.append(res.nis)
    return np.array(out_x), np.array(out_P), np.array(ne), np.array(ni)


@pytest.fixture(scope="module")
def runs(truth):
    return {k: _monte_carlo(k, truth) for k in ("ekf", "ukf")}


@pytest.mark.parametrize("kind", ["ekf", "ukf"])
def test_nees_inside_the_95_percent_band(kind, runs):
    _, _, ne, ni = runs[kind]
    # per update, single-run NEES against the chi2(6) band, pooled over the runs (one
    # run alone is strongly autocorrelated: its fraction ranges 0.5-1.0 from seed to seed)
    pooled = fraction_inside(ne.ravel(), chi2_band(6))
    per_run = np.array([fraction_inside(ne[:, j], chi2_band(6)) for j in range(N_RUNS)])
    averaged = fraction_inside(ne.mean(axis=1), chi2_band(6, N_RUNS))  # N-run average NEES
    nis_avg = fraction_inside(ni.mean(axis=1), chi2_band(4, N_RUNS))
    print(f"{kind}: NEES per update inside 95% band: pooled {pooled:.3f} (median run {np.median(per_run):.3f}), "
          f"{N_RUNS}-run average {averaged:.3f}; mean NEES {ne.mean():.2f} (6); NIS average {nis_avg:.3f}, "
          f"mean NIS {ni.mean():.2f} (4)")
    assert pooled >= 0.90
    assert averaged >= 0.90
    assert nis_avg >= 0.90


@pytest.mark.parametrize("kind", ["ekf", "ukf"])
def test_error_shrinks_as_the_covariance_predicts(kind, runs, truth):
    _, X, _ = truth
    xs, Ps, _, _ = runs[kind]
    err2 = np.sum((xs[:, :, :3] - X[1:, None, :3]) ** 2, axis=2).mean(axis=1)
    var = np.trace(Ps[:, :, :3, :3], axis1=2, axis2=3).mean(axis=1)
    for k0, k1 in ((5, 25), (25, 100), (100, 300)):
        w = slice(k0, k1)
        ratio = err2[w].mean() / var[w].mean()
        assert 0.75 < ratio < 1.33, (k0, k1, ratio)
    assert err2[-20:].mean() < 0.05 * err2[:5].mean()


def test_ekf_and_ukf_agree_within_their_covariances(runs):
    xe, Pe, _, _ = runs["ekf"]
    xu, Pu, _, _ = runs["ukf"]
    d2 = nees(xe.reshape(-1, 6) - xu.reshape(-1, 6), Pe.reshape(-1, 6, 6))
    print(f"EKF-UKF difference: max Mahalanobis^2 {d2.max():.2e}, median {np.median(d2):.2e}")
    assert d2.max() < 0.01  # a tenth of a sigma at worst
    # covariances: eigenvalues of Pe^-1 Pu (generalised) within 5 % of one
    ev = np.linalg.eigvals(np.linalg.solve(Pe.reshape(-1, 6, 6), Pu.reshape(-1, 6, 6))).real
    print(f"EKF-UKF covariance ratio eigenvalues in [{ev.min():.4f}, {ev.max():.4f}]")
    assert 0.95 < ev.min() and ev.max() < 1.05


def _textbook_kf(x, P, zs, dt, q, R):
    """The plain Kalman filter, written out (Bar-Shalom et al. 2001, eq. 5.2.3-5.2.3-15)."""
    F = np.eye(6)
    F[:3, 3:] = dt * np.eye(3)
    Q = np.zeros((6, 6))
    Q[:3, :3] = q * dt**3 / 3 * np.eye(3)
    Q[:3, 3:] = Q[3:, :3] = q * dt**2 / 2 * np.eye(3)
    Q[3:, 3:] = q * dt * np.eye(3)
    H = np.hstack([np.eye(3), np.zeros((3, 3))])
    out = []
    for z in zs:
        x = F @ x
        P = F @ P @ F.T + Q
        S = H @ P @ H.T + R
        K = P @ H.T @ np.linalg.inv(S)
        x = x + K @ (z - H @ x)
        P = (np.eye(6) - K @ H) @ P
        out.append((x, P))
    return out


@pytest.mark.parametrize("cls", [ExtendedKalmanFilter, UnscentedKalmanFilter])
def test_linear_model_reduces_to_the_textbook_kalman_filter(cls):
    rng = np.random.default_rng(4)
    q, dt = 2.0, 0.5
    R = np.diag([25.0, 16.0, 9.0])
    x0 = np.array([1e3, -2e3, 5e2, 10.0, -5.0, 2.0])
    zs = x0[:3] + rng.standard_normal((40, 3)) * 50.0 + np.arange(1, 41)[:, None] * dt * x0[3:]
    ref = _textbook_kf(x0, np.eye(6) * 100.0, zs, dt, q, R)
    f = cls(ConstantVelocityModel(q), LinearPositionMeasurement())
    x, P = x0[None], np.eye(6)[None] * 100.0
    for z, (xr, Pr) in zip(zs, ref, strict=True):
        x, P = f.predict(x, P, dt)
        res = f.update(x, P, z[None], R[None])
        x, P = res.x, res.P
        assert np.allclose(x[0], xr, rtol=1e-12, atol=1e-9)
        assert np.allclose(P[0], Pr, rtol=1e-10, atol=1e-12)
