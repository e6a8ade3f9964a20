"""Prediction of the live tracks to a frame and the ellipsoidal gate.

:func:`predict_tracks` predicts every live track to the frame time in one batch call
and flags predictions that are no longer a ballistic object; :class:`EllipsoidGate`
pairs tracks with detections through a Cartesian pre-gate and the chi-square test of
:func:`~thaadsim.tracking.association.gate`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from thaadsim.tracking import kernels
from thaadsim.tracking.association import (
    GatedPairs,
    gate,
    gate_threshold,
)
from thaadsim.tracking.filters import GaussianFilter, MeasurementPrediction
from thaadsim.tracking.frame import Frame

_R_MIN_M = 6.0e6  # below any point of the ellipsoid (polar radius 6,356.8 km) by > 350 km
_R_MAX_M = 1.0e8  # ~16 Earth radii: beyond any ballistic apogee


@dataclass(frozen=True)
class Prediction:
    """Live tracks predicted to a frame: X (T, n), P (T, n, n); ``broken`` (T,) marks
    predictions that blew up (their X, P are the previous posterior, kept finite)."""

    X: np.ndarray
    P: np.ndarray
    broken: np.ndarray
    resume: object = None
    """The filter's resume point for the next prediction of the same priors (or None)."""


def broken_predictions(Xp: np.ndarray, Pp: np.ndarray, max_speed_m_s: float,
                       max_position_sigma_m: float) -> np.ndarray:
    """Predictions that are no longer a ballistic object: non-finite, inside the Earth or
    far beyond it, faster than twice ``max_speed_m_s``, or with a position sigma above
    ten times ``max_position_sigma_m``."""
    return kernels.broken_flags(np.ascontiguousarray(Xp, dtype=float), np.ascontiguousarray(Pp, dtype=float),
                                2.0 * max_speed_m_s, 10.0 * max_position_sigma_m, _R_MIN_M, _R_MAX_M)


def predict_tracks(filt: GaussianFilter, X: np.ndarray, P: np.ndarray, dt: np.ndarray, max_speed_m_s: float,
                   max_position_sigma_m: float, resume=None) -> Prediction:
    """Predict (X, P) over dt (T,).  A prediction that blew up keeps its prior and is
    flagged: it happens to tentative tracks fed false alarms, where a small fitted beta
    deep in the atmosphere makes the drag time scale 2 beta / (rho v) far shorter than
    the RK4 step and the explicit integration diverges.  ``resume``: the resume point
    of the previous prediction of the same priors (:meth:`GaussianFilter.predict_resumable`)."""
    with np.errstate(over="ignore", invalid="ignore"):
        Xp, Pp, point = filt.predict_resumable(X, P, dt, resume)
    broken = broken_predictions(Xp, Pp, max_speed_m_s, max_position_sigma_m)
    if broken.any():
        Xp = np.where(broken[:, None], X, Xp)
        Pp = np.where(broken[:, None, None], P, Pp)
    return Prediction(Xp, Pp, broken, point)


@dataclass(frozen=True)
class EllipsoidGate:
    """Chi-square gate of probability ``probability`` on ``ndim`` measurement
    components."""

    probability: float
    ndim: int
    threshold: float = field(init=False, repr=False)
    """gamma with P(chi2_ndim <= gamma) = probability."""

    def __post_init__(self):
        object.__setattr__(self, "threshold", gate_threshold(self.probability, self.ndim))

    def candidates(self, pred: Prediction, frame: Frame, eligible: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Cartesian pre-gate (``kernels.pregate_pairs``): (track rows, frame rows) of
        the ``eligible`` tracks whose gate may hold the detection, sorted by track then
        detection."""
        rows = np.flatnonzero(eligible)
        if rows.size == 0 or len(frame) == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        pos_var = np.ascontiguousarray(np.trace(pred.P[rows, :3, :3], axis1=1, axis2=2))
        dvar = np.ascontiguousarray(np.trace(frame.cov, axis1=1, axis2=2))
        ti, dj = kernels.pregate_pairs(np.ascontiguousarray(pred.X[rows, :3]), pos_var, frame.pos, dvar,
                                       float(self.threshold))
        return rows[ti], dj

    def exact(self, mp: MeasurementPrediction, frame: Frame, measurement, ti: np.ndarray,
              dj: np.ndarray) -> GatedPairs:
        """The chi-square test of candidate pairs (ti, dj) on the first ``ndim``
        measurement components; ``mp`` needs only the rows in ``ti``."""
        m = self.ndim
        return gate(measurement, mp.z, mp.Pzz, frame.Z[:, :m], frame.R[:, :m, :m], ti, dj, self.threshold)

    def __call__(self, pred: Prediction, mp: MeasurementPrediction, frame: Frame, measurement) -> GatedPairs:
        """Pairs of predicted tracks and the frame's detections inside the gate."""
        ti, dj = self.candidates(pred, frame, np.ones(len(pred.X), dtype=bool))
        return self.exact(mp, frame, measurement, ti, dj)
