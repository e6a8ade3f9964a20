"""Track initiation from the detections no track claimed.

An initiator returns the new tracks' states (k, n), covariances (k, n, n) and the frame
rows (k,) they start from (Stone Soup's ``Initiator`` in its ``MultiTargetTracker``).
With ``n == 7`` the state carries ln(beta) with the configured prior.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from thaadsim.tracking import kernels
from thaadsim.tracking.association import min_cost_matching
from thaadsim.tracking.frame import Frame


@dataclass(frozen=True)
class LnBetaPrior:
    """Prior mean and sigma of ln(beta / (kg/m^2)) of a new drag-estimating track."""

    mean: float
    sigma: float

    def fill(self, X0: np.ndarray, P0: np.ndarray) -> None:
        if X0.shape[1] == 7:
            X0[:, 6] = self.mean
            P0[:, 6, 6] = self.sigma**2


@dataclass(frozen=True)
class SinglePointInitiator:
    """A track per detection: position from the detection, velocity from the range rate
    along the line of sight when there is one, and an isotropic prior of
    ``speed_sigma_m_s`` across it (and along it without range rate)."""

    speed_sigma_m_s: float
    ln_beta: LnBetaPrior

    def initiate(self, frame: Frame, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        k = len(frame)
        X0 = np.zeros((k, n))
        P0 = np.zeros((k, n, n))
        pos = frame.pos
        X0[:, :3] = pos
        P0[:, :3, :3] = frame.cov
        sv2 = self.speed_sigma_m_s**2
        if frame.meas.with_range_rate:
            u = pos - frame.meas.sites.ecef_m[frame.site_index]
            u /= np.linalg.norm(u, axis=1, keepdims=True)
            X0[:, 3:6] = frame.Z[:, 3:4] * u
            uu = np.einsum("ki,kj->kij", u, u)
            P0[:, 3:6, 3:6] = sv2 * (np.eye(3) - uu) + frame.R[:, 3, 3, None, None] * uu
        else:
            P0[:, 3:6, 3:6] = sv2 * np.eye(3)
        self.ln_beta.fill(X0, P0)
        return X0, P0, np.arange(k)


@dataclass
class TwoPointInitiator:
    """A track per pair of unclaimed detections of one site in successive frames whose
    implied speed is at most ``max_speed_m_s`` (one-to-one, least total squared
    distance); the velocity is their difference over the time between them.  Keeps each
    site's unclaimed, unpaired detections for the next frame."""

    max_speed_m_s: float
    ln_beta: LnBetaPrior
    pending: dict[int, Frame] = field(default_factory=dict, repr=False)

    def initiate(self, frame: Frame, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        prev = self.pending.get(frame.site)
        used = np.zeros(len(frame), dtype=bool)
        X0, P0, rows = np.zeros((0, n)), np.zeros((0, n, n)), np.zeros(0, dtype=np.int64)
        if prev is not None:
            dt = frame.t - prev.t
            if dt > 0.0 and len(prev) and len(frame):  # a frame whose detections all went to tracks leaves none
                X0, P0, rows = self._pair(prev, frame, dt, n)
                used[rows] = True
        self.pending[frame.site] = frame.subset(~used)
        return X0, P0, rows

    def _pair(self, prev: Frame, frame: Frame, dt: float, n: int):
        p1, p2, C1, C2 = prev.pos, frame.pos, prev.cov, frame.cov
        ii, jj, cost = kernels.two_point_candidates(p2, C2, p1, C1, float(dt), float(self.max_speed_m_s))
        r, c = min_cost_matching(ii, jj, cost, len(frame), len(prev))
        X0, P0 = kernels.two_point_states(p2, C2, p1, C1, r, c, float(dt), n)
        self.ln_beta.fill(X0, P0)
        return X0, P0, r
