"""Cross-check with Stone Soup (dstl), the field's open tracking framework.

The same radar measurements of the same ballistic target are fed to thaadsim's EKF and
to Stone Soup's ``ExtendedKalmanPredictor``/``ExtendedKalmanUpdater`` with

* a Stone Soup ``GaussianTransitionModel`` subclass, ``BallisticECEF``, that integrates
  the *test's own* numpy force model (J2 gravity, Coriolis, centrifugal; the truth
  generator's right-hand side) with fixed-step RK4, with Stone Soup's numerical
  Jacobian - so neither the propagator nor the transition Jacobian is thaadsim's;
* Stone Soup's own ``CartesianToElevationBearingRange`` for the radar, placed at the
  site's ECEF position and rotated into a north-west-up frame (Stone Soup's bearing is
  counter-clockwise from its x axis, so bearing = -azimuth with x = north, y = west).

Both start from the same prior.  Stone Soup is a test-only dependency (pyproject's
``test`` extra); the test skips cleanly where it is not installed.
"""

from __future__ import annotations

import datetime

import numpy as np
import pytest

stonesoup = pytest.importorskip("stonesoup")

from stonesoup.base import Property  # noqa: E402
from stonesoup.models.base import TimeVariantModel  # noqa: E402
from stonesoup.models.measurement.nonlinear import CartesianToElevationBearingRange  # noqa: E402
from stonesoup.models.transition.nonlinear import GaussianTransitionModel  # noqa: E402
from stonesoup.predictor.kalman import ExtendedKalmanPredictor  # noqa: E402
from stonesoup.types.angle import Bearing, Elevation  # noqa: E402
from stonesoup.types.array import CovarianceMatrix, StateVector, StateVectors  # noqa: E402
from stonesoup.types.detection import Detection  # noqa: E402
from stonesoup.types.hypothesis import SingleHypothesis  # noqa: E402
from stonesoup.types.state import GaussianState  # noqa: E402
from stonesoup.updater.kalman import ExtendedKalmanUpdater  # noqa: E402

from tests.validation.test_tracking_truth import (  # noqa: E402
    SEONGJU,
    enu_matrix,
    geodetic_to_ecef,
    rhs,
    standard_threat,
    true_measurement,
)
from thaadsim.tracking import BallisticModel, RadarMeasurementModel, RadarSites, make_filter  # noqa: E402
from thaadsim.tracking.models import cwna_process_noise  # noqa: E402

SIG = (10.0, 3e-4, 3e-4)  # range m, az rad, el rad
Q_PSD = 0.01  # m^2/s^3, the same in both filters


def _rk4(y, dt, max_step=1.0):
    n = max(1, int(np.ceil(abs(dt) / max_step - 1e-12)))
    h = dt / n
    for _ in range(n):
        k1 = rhs(0, y)
        k2 = rhs(0, y + 0.5 * h * k1)
        k3 = rhs(0, y + 0.5 * h * k2)
        k4 = rhs(0, y + h * k3)
        y = y + h / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4)
    return y


class BallisticECEF(GaussianTransitionModel, TimeVariantModel):
    """Unpowered flight in ECEF (J2, Coriolis, centrifugal) with CWNA process noise;
    ``propagate`` (x (6,), dt) -> x may be swapped for a faster propagator."""

    q: float = Property(doc="acceleration noise spectral density per axis [m^2/s^3]")
    propagate: object = Property(default=None, doc="callable (x (6,), dt) -> x; default: numpy RK4")

    @property
    def ndim_state(self):
        return 6

    def function(self, state, noise=False, **kwargs):
        dt = kwargs["time_interval"].total_seconds()
        prop = self.propagate or _rk4
        sv = np.asarray(state.state_vector, dtype=float)
        out = np.column_stack([prop(sv[:, k], dt) for k in range(sv.shape[1])])
        if isinstance(noise, bool) and noise:
            out = out + self.rvs(num_samples=sv.shape[1], **kwargs)
        return StateVectors(out) if out.shape[1] > 1 else StateVector(out)

    def covar(self, time_interval, **kwargs):
        return CovarianceMatrix(cwna_process_noise([time_interval.total_seconds()], self.q)[0])


class SiteRadar(CartesianToElevationBearingRange):
    """Stone Soup's elevation-bearing-range model with an explicit rotation into the
    site's north-west-up frame."""

    frame: np.ndarray = Property(doc="ECEF -> north, west, up rotation (3, 3)")

    @property
    def rotation_matrix(self):
        return self.frame


def make_stonesoup_radar(site=SEONGJU):
    E = enu_matrix(site[0], site[1])
    nwu = np.array([E[1], -E[0], E[2]])
    return SiteRadar(ndim_state=6, mapping=(0, 1, 2), noise_covar=CovarianceMatrix(np.diag([SIG[2] ** 2, SIG[1] ** 2,
                                                                                            SIG[0] ** 2])),
                     translation_offset=StateVector(geodetic_to_ecef(*site)), frame=nwu)


@pytest.fixture(scope="module")
def scenario():
    t, X = standard_threat(t_end=450.0)
    r, a, e, _ = true_measurement(X)
    keep = e > np.radians(2.0)
    t, X = t[keep], X[keep]
    rng = np.random.default_rng(2024)
    Z = np.stack([r[keep], a[keep], e[keep]], axis=1) + rng.standard_normal((t.size, 3)) * np.array(SIG)
    P0 = np.diag([300.0**2] * 3 + [60.0**2] * 3)
    x0 = X[0] + np.linalg.cholesky(P0) @ rng.standard_normal(6)
    return t, X, Z, x0, P0


def run_stonesoup(t, Z, x0, P0, transition_model=None):
    """Stone Soup EKF over detections Z (K, 3) = (range, az, el) at times t (K,)."""
    radar = make_stonesoup_radar()
    predictor = ExtendedKalmanPredictor(transition_model or BallisticECEF(q=Q_PSD))
    updater = ExtendedKalmanUpdater(radar)
    t0 = datetime.datetime(2017, 3, 6)
    state = GaussianState(StateVector(x0), CovarianceMatrix(P0), timestamp=t0 + datetime.timedelta(seconds=t[0]))
    out = []
    for k in range(1, t.size):
        ts = t0 + datetime.timedelta(seconds=float(t[k]))
        det = Detection(StateVector([Elevation(Z[k, 2]), Bearing(-Z[k, 1]), Z[k, 0]]), timestamp=ts,
                        measurement_model=radar)
        pred = predictor.predict(state, timestamp=ts)
        state = updater.update(SingleHypothesis(pred, det))
        out.append(np.asarray(state.state_vector, dtype=float).ravel())
    return np.array(out)


def run_thaadsim(t, Z, x0, P0):
    f = make_filter("ekf", BallisticModel(q_m2_s3=Q_PSD), RadarMeasurementModel(RadarSites.from_geodetic(*SEONGJU)))
    x, P = x0[None], P0[None]
    R = np.diag(np.array(SIG) ** 2)[None]
    out = []
    for k in range(1, t.size):
        x, P = f.predict(x, P, t[k] - t[k - 1])
        res = f.update(x, P, Z[k : k + 1], R)
        x, P = res.x, res.P
        out.append(x[0])
    return np.array(out)


def test_stonesoup_radar_geometry_matches_thaadsim():
    radar = make_stonesoup_radar()
    _, X = standard_threat(t_end=100.0, dt=25.0)
    ours = RadarMeasurementModel(RadarSites.from_geodetic(*SEONGJU)).function(X)
    for k in range(X.shape[0]):
        z = radar.function(GaussianState(StateVector(X[k]), np.eye(6)))
        assert np.allclose([float(z[2, 0]), -float(z[1, 0]), float(z[0, 0])], ours[k], rtol=1e-12, atol=1e-9)


def test_position_rmse_agrees_with_stonesoup_within_5_percent(scenario):
    t, X, Z, x0, P0 = scenario
    ss = run_stonesoup(t, Z, x0, P0)
    th = run_thaadsim(t, Z, x0, P0)
    sl = slice(10, None)  # after the initial transient
    rmse_ss = np.sqrt(np.mean(np.sum((ss[sl, :3] - X[1:][sl, :3]) ** 2, axis=1)))
    rmse_th = np.sqrt(np.mean(np.sum((th[sl, :3] - X[1:][sl, :3]) ** 2, axis=1)))
    diff = np.max(np.linalg.norm(ss[:, :3] - th[:, :3], axis=1))
    print(f"position RMSE: thaadsim {rmse_th:.2f} m, Stone Soup {rmse_ss:.2f} m, ratio {rmse_ss / rmse_th:.4f}; "
          f"largest estimate difference {diff:.3f} m")
    assert abs(rmse_ss / rmse_th - 1.0) < 0.05
