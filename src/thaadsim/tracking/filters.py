"""Gaussian filters behind one small base (Stone Soup style): an extended and an
unscented Kalman filter, both batch-first over tracks.

A filter owns a :class:`~thaadsim.tracking.models.MotionModel` and a
:class:`~thaadsim.tracking.measurement.MeasurementModel`.  The update is split in two so
that association can look at the predicted measurement before choosing a detection:

    mp = filt.predict_measurement(X, P, context)        # z_hat, Pzz (no R), Pxz
    res = filt.update_with(X, P, mp, Z, R)               # one detection per track
    X, P = filt.mixture_update(X, P, mp, Zs, Rs, w)      # PDA / JPDA (weighted set)

Covariances are symmetrised after every step.  The EKF updates in Joseph form (see
:func:`thaadsim.tracking.kernels.kalman_update_joseph` for why); the UKF uses the
standard P - K S K^T (its Joseph analogue through a statistically linearised H would
drop the linearisation-error part of Pzz and understate P), symmetrised.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Literal

import numpy as np

from thaadsim.errors import InputError
from thaadsim.tracking import kernels
from thaadsim.tracking.measurement import MeasurementModel, wrap_angle
from thaadsim.tracking.models import MotionModel


def symmetrise(P: np.ndarray) -> np.ndarray:
    """(P + P^T) / 2 over the last two axes."""
    return 0.5 * (P + np.swapaxes(P, -1, -2))


@dataclass
class MeasurementPrediction:
    """Predicted measurement of a batch of tracks.

    z: (N, m) predicted measurement; Pzz: (N, m, m) its covariance *without* the
    measurement noise; Pxz: (N, n, m) state-measurement cross-covariance; H: (N, m, n)
    the Jacobian (EKF) or None (UKF).
    """

    z: np.ndarray
    Pzz: np.ndarray
    Pxz: np.ndarray
    H: np.ndarray | None = None


@dataclass
class UpdateResult:
    """Posterior of a batch and the innovation statistics of its update.

    x (N, n), P (N, n, n), innovation (N, m) (angles wrapped), S (N, m, m),
    nis (N,) = nu^T S^-1 nu, log_det_S (N,).
    """

    x: np.ndarray
    P: np.ndarray
    innovation: np.ndarray
    S: np.ndarray
    nis: np.ndarray
    log_det_S: np.ndarray


class GaussianFilter(ABC):
    """Base of the Kalman-type filters."""

    def __init__(self, motion: MotionModel, measurement: MeasurementModel):
        self.motion = motion
        self.measurement = measurement

    @property
    def ndim(self) -> int:
        return self.motion.ndim

    @abstractmethod
    def predict(self, X: np.ndarray, P: np.ndarray, dt) -> tuple[np.ndarray, np.ndarray]:
        """Prior (N, n), (N, n, n) after ``dt`` [s] (scalar or (N,))."""

    def predict_resumable(self, X: np.ndarray, P: np.ndarray, dt, resume=None) -> tuple[np.ndarray, np.ndarray, object]:
        """:meth:`predict`, and a resume point that a later prediction of the same prior
        may start from (``resume``: the one an earlier call returned, or None).  The
        result equals :meth:`predict`'s; filters without a resumable motion model
        return None as the resume point."""
        Xp, Pp = self.predict(X, P, dt)
        return Xp, Pp, None

    @abstractmethod
    def predict_measurement(self, X: np.ndarray, P: np.ndarray, context=None) -> MeasurementPrediction:
        """Predicted measurement of each track (``context``: measurement-model rows, e.g.
        the radar site index)."""

    @abstractmethod
    def update_with(self, X, P, mp: MeasurementPrediction, Z, R) -> UpdateResult:
        """Posterior from one measurement per track: Z (N, m), R (N, m, m)."""

    def update(self, X, P, Z, R, context=None) -> UpdateResult:
        """Posterior of each track given one measurement Z (N, m) with noise R (N, m, m)."""
        return self.update_with(X, P, self.predict_measurement(X, P, context), Z, R)

    def innovation_covariance(self, mp: MeasurementPrediction, R) -> np.ndarray:
        return symmetrise(mp.Pzz + R)

    def mixture_update(self, X, P, mp: MeasurementPrediction, Z, R, weights) -> tuple[np.ndarray, np.ndarray]:
        """Moment-matched posterior over 'no detection' and J candidate detections.

        Z (N, J, m), R (N, J, m, m), weights (N, J+1): column 0 the probability that none
        of the candidates is the track's (the prior is kept), column j the probability of
        detection j (zero for padding).  With one R for all candidates this is exactly the
        PDAF update of Bar-Shalom & Tse (1975), x = x + K sum b_j nu_j, P = b0 P +
        (1 - b0) P_c + K (sum b_j nu_j nu_j^T - nu nu^T) K^T (unit test); with
        per-detection R it is the moment match of the Gaussian mixture.
        """
        X = np.asarray(X, dtype=float)
        P = np.asarray(P, dtype=float)
        w = np.asarray(weights, dtype=float)
        J = Z.shape[1]
        means = [X]
        covs = [P]
        for j in range(J):
            Zj = np.where(w[:, j + 1:j + 2] > 0.0, Z[:, j], mp.z)  # padding: harmless zero update
            Rj = np.where(w[:, j + 1, None, None] > 0.0, R[:, j], np.broadcast_to(np.eye(Z.shape[2]), R[:, j].shape))
            res = self.update_with(X, P, mp, Zj, Rj)
            means.append(res.x)
            covs.append(res.P)
        M = np.stack(means, axis=1)  # (N, J+1, n)
        C = np.stack(covs, axis=1)
        xm = np.einsum("kj,kji->ki", w, M)
        d = M - xm[:, None, :]
        Pm = np.einsum("kj,kjab->kab", w, C) + np.einsum("kj,kja,kjb->kab", w, d, d)
        return xm, symmetrise(Pm)


class ExtendedKalmanFilter(GaussianFilter):
    """EKF: transition Jacobian from the model's variational equations, measurement
    Jacobian analytic, Joseph-form update (compiled, batch).

    ``second_order=True`` adds the second-order terms of the measurement expansion
    (the "second-order EKF" of Athans, Wishner & Bertolini 1968; Bar-Shalom, Li &
    Kirubarajan 2001, sec. 10.3.3): z_hat_i += tr(Hess_i P) / 2 and
    Pzz_ij += tr(Hess_i P Hess_j P) / 2.  It matters when the prior is wide: a track
    started from one detection with a 3 km/s velocity prior across the line of sight
    predicts a range rate that is biased by ~2 sigma_v^2 dt / r (about 40 m/s at
    450 km), which a first-order EKF cannot see; for a linear h the terms vanish.
    """

    def __init__(self, motion, measurement, second_order: bool = False):
        super().__init__(motion, measurement)
        self.second_order = second_order

    def predict(self, X, P, dt):
        Xp, F = self.motion.propagate_with_jacobian(X, dt)
        return Xp, self._covariance(Xp, F, P, dt)

    def predict_resumable(self, X, P, dt, resume=None):
        resumable = getattr(self.motion, "propagate_with_jacobian_resume", None)
        if resumable is None:
            return super().predict_resumable(X, P, dt, resume)
        Xp, F, point = resumable(X, dt, resume)
        return Xp, self._covariance(Xp, F, P, dt), point

    def _covariance(self, Xp, F, P, dt):
        """sym(F P F^T + Q(dt))."""
        d = np.broadcast_to(np.asarray(dt, dtype=float), (Xp.shape[0],))
        Q = self.motion.process_noise(d)
        return kernels.covariance_predict(np.ascontiguousarray(F, dtype=float), np.ascontiguousarray(P, dtype=float),
                                          np.ascontiguousarray(Q))

    def predict_measurement(self, X, P, context=None):
        if self.second_order:
            return MeasurementPrediction(*self.measurement.second_order_prediction(X, P, context))
        Z, H = self.measurement.function_with_jacobian(X, context)
        Pxz = P @ np.swapaxes(H, 1, 2)
        Pzz = H @ Pxz
        return MeasurementPrediction(Z, symmetrise(Pzz), Pxz, H)

    def update_with(self, X, P, mp, Z, R):
        nu = self.measurement.residual(Z, mp.z)
        if self.second_order:
            # The second-order terms of Pzz enter the update as extra measurement noise,
            # so that the gain uses S = Pzz + R - the S the gate used - and the Joseph
            # form still gives P - K S K^T.  With S = H P H^T + R instead, a wide prior
            # at short range (a track started from one detection 80 km away, with km/s
            # of velocity uncertainty across the line of sight) takes an overconfident
            # first update and loses the target.
            H = mp.H
            extra = mp.Pzz - H @ np.asarray(P, dtype=float) @ np.swapaxes(H, 1, 2)
            R = np.asarray(R, dtype=float) + symmetrise(extra)
        Xo, Po, S, nis, ld = kernels.kalman_update_joseph(
            np.ascontiguousarray(X, dtype=float), np.ascontiguousarray(P, dtype=float),
            np.ascontiguousarray(nu), np.ascontiguousarray(mp.H), np.ascontiguousarray(R, dtype=float))
        return UpdateResult(Xo, Po, nu, S, nis, ld)


def unscented_weights(n: int, alpha: float, beta: float, kappa: float) -> tuple[np.ndarray, np.ndarray, float]:
    """Scaled unscented transform weights (Wan & van der Merwe 2000; Julier 2002).

    lambda = alpha^2 (n + kappa) - n;  Wm0 = lambda / (n + lambda);
    Wc0 = Wm0 + 1 - alpha^2 + beta;  Wi = 1 / (2 (n + lambda)), i = 1..2n.
    Returns (Wm (2n+1,), Wc (2n+1,), gamma = sqrt(n + lambda)).
    """
    lam = alpha**2 * (n + kappa) - n
    if not n + lam > 0.0:
        raise InputError(f"n + lambda = {n + lam:g} must be > 0", field="ukf_alpha", hint="raise alpha or kappa")
    Wm = np.full(2 * n + 1, 0.5 / (n + lam))
    Wc = Wm.copy()
    Wm[0] = lam / (n + lam)
    Wc[0] = Wm[0] + 1.0 - alpha**2 + beta
    return Wm, Wc, float(np.sqrt(n + lam))


class UnscentedKalmanFilter(GaussianFilter):
    """UKF with the scaled sigma-point set of Wan & van der Merwe.

    Defaults alpha = 1, beta = 2, kappa = 0: lambda = 0, all mean weights >= 0.  The
    often-quoted alpha = 1e-3 gives W0 ~ -1e6; with ECEF positions of ~6.4e6 m the
    weighted sums then lose ~6 digits to cancellation, and the points sample only an
    infinitesimal neighbourhood (the UKF degenerates to a second-order EKF).  Angle
    components of the measurement are averaged as wrapped residuals about the central
    sigma point, so a set that straddles azimuth +-pi is averaged correctly.
    """

    def __init__(self, motion, measurement, alpha: float = 1.0, beta: float = 2.0, kappa: float = 0.0):
        super().__init__(motion, measurement)
        self.alpha, self.beta, self.kappa = alpha, beta, kappa
        self.Wm, self.Wc, self.gamma = unscented_weights(motion.ndim, alpha, beta, kappa)

    def sigma_points(self, X, P) -> np.ndarray:
        """(N, 2n+1, n) sigma points x, x + gamma L_i, x - gamma L_i (L = chol(P))."""
        X = np.asarray(X, dtype=float)
        try:
            L = np.linalg.cholesky(symmetrise(P))
        except np.linalg.LinAlgError as err:
            raise InputError("state covariance is not positive definite", field="covariance") from err
        D = self.gamma * np.swapaxes(L, 1, 2)  # rows are the columns of L
        return np.concatenate([X[:, None, :], X[:, None, :] + D, X[:, None, :] - D], axis=1)

    def predict(self, X, P, dt):
        X = np.asarray(X, dtype=float)
        N, n = X.shape
        chi = self.sigma_points(X, P)
        d = np.broadcast_to(np.asarray(dt, dtype=float), (N,))
        prop = self.motion.propagate(chi.reshape(-1, n), np.repeat(d, 2 * n + 1)).reshape(N, 2 * n + 1, n)
        xm = np.einsum("j,kji->ki", self.Wm, prop)
        dev = prop - xm[:, None, :]
        Pp = np.einsum("j,kja,kjb->kab", self.Wc, dev, dev) + self.motion.process_noise(d)
        return xm, symmetrise(Pp)

    def _measurement_mean(self, Zs):
        ref = Zs[:, :1, :]
        dz = self.measurement.residual(Zs, ref)
        zm = ref[:, 0, :] + np.einsum("j,kji->ki", self.Wm, dz)
        mask = self.measurement.angle_mask
        if mask.any():
            zm[:, mask] = wrap_angle(zm[:, mask])
        return zm

    def predict_measurement(self, X, P, context=None):
        X = np.asarray(X, dtype=float)
        N, n = X.shape
        chi = self.sigma_points(X, P)
        ctx = None if context is None else np.repeat(np.broadcast_to(np.asarray(context), (N,)), 2 * n + 1)
        Zs = self.measurement.function(chi.reshape(-1, n), ctx).reshape(N, 2 * n + 1, -1)
        zm = self._measurement_mean(Zs)
        dz = self.measurement.residual(Zs, zm[:, None, :])
        dx = chi - X[:, None, :]
        Pzz = np.einsum("j,kja,kjb->kab", self.Wc, dz, dz)
        Pxz = np.einsum("j,kja,kjb->kab", self.Wc, dx, dz)
        return MeasurementPrediction(zm, symmetrise(Pzz), Pxz, None)

    def update_with(self, X, P, mp, Z, R):
        nu = self.measurement.residual(Z, mp.z)
        S = symmetrise(mp.Pzz + R)
        L = np.linalg.cholesky(S)
        Sinv = np.linalg.inv(S)
        K = mp.Pxz @ Sinv
        Xo = np.asarray(X, dtype=float) + np.einsum("kij,kj->ki", K, nu)
        Po = symmetrise(P - K @ S @ np.swapaxes(K, 1, 2))
        nis = np.einsum("ki,kij,kj->k", nu, Sinv, nu)
        ld = 2.0 * np.sum(np.log(np.diagonal(L, axis1=1, axis2=2)), axis=1)
        return UpdateResult(Xo, Po, nu, S, nis, ld)


FilterKind = Literal["ekf", "ukf"]


def make_filter(kind: FilterKind, motion: MotionModel, measurement: MeasurementModel, **options) -> GaussianFilter:
    """'ekf' (option second_order) or 'ukf' (options alpha, beta, kappa)."""
    if kind == "ekf":
        return ExtendedKalmanFilter(motion, measurement, **options)
    if kind == "ukf":
        return UnscentedKalmanFilter(motion, measurement, **options)
    raise InputError(f"unknown filter '{kind}'", field="filter", hint="use 'ekf' or 'ukf'")
