"""One frame of detections (a site's scan or dwell) and the live-track table the
tracker's components read and write.

The frame computes the detections' Cartesian positions and position covariances once
(the gate's pre-filter and the initiators both need them; before, each asked again).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from thaadsim.tracking.measurement import RadarMeasurementModel

TENTATIVE = 0
CONFIRMED = 1


@dataclass
class Frame:
    """Detections Z (M, m) with noise R (M, m, m) measured at time ``t`` [s] by
    ``site``; ``det_index`` (M,) into the tracker's input, ``truth_id`` (M,)."""

    t: float
    site: int
    Z: np.ndarray
    R: np.ndarray
    det_index: np.ndarray
    truth_id: np.ndarray
    meas: RadarMeasurementModel
    _pos: np.ndarray | None = field(default=None, repr=False)
    _cov: np.ndarray | None = field(default=None, repr=False)

    def __len__(self) -> int:
        return self.Z.shape[0]

    @property
    def site_index(self) -> np.ndarray:
        return np.full(len(self), self.site, dtype=np.int64)

    @property
    def pos(self) -> np.ndarray:
        """ECEF positions (M, 3) of the detections (noise-free inverse of h)."""
        if self._pos is None:
            self._pos = self.meas.to_cartesian(self.Z, self.site_index)
        return self._pos

    @property
    def cov(self) -> np.ndarray:
        """Linearised ECEF position covariances (M, 3, 3)."""
        if self._cov is None:
            self._cov = self.meas.cartesian_covariance(self.Z, self.R, self.site_index)
        return self._cov

    def subset(self, sel) -> Frame:
        """The detections ``sel`` (a mask or indices), keeping what was computed."""
        return Frame(self.t, self.site, self.Z[sel], self.R[sel], self.det_index[sel], self.truth_id[sel], self.meas,
                     None if self._pos is None else self._pos[sel], None if self._cov is None else self._cov[sel])


@dataclass
class Track:
    """One track's history at its updates (K of them).

    times_s (K,); states (K, n) and covariances (K, n, n) posterior; detection_index
    (K,) into the detections passed in; truth_id (K,) of those detections (-1 false
    alarm); nis (K,) normalised innovation squared (NaN for the initiating detection;
    under JPDA, of the most probable detection).
    """

    track_id: int
    times_s: np.ndarray
    states: np.ndarray
    covariances: np.ndarray
    detection_index: np.ndarray
    truth_id: np.ndarray
    nis: np.ndarray
    initiated_time_s: float
    confirmed_time_s: float
    deleted_time_s: float

    @property
    def confirmed(self) -> bool:
        return bool(np.isfinite(self.confirmed_time_s))

    @property
    def majority_truth_id(self) -> int:
        """Most frequent truth id among the detections the track took (-1 if none)."""
        ids = self.truth_id[self.truth_id >= 0]
        if ids.size == 0:
            return -1
        vals, counts = np.unique(ids, return_counts=True)
        return int(vals[np.argmax(counts)])

    @property
    def state(self) -> np.ndarray:
        return self.states[-1]

    @property
    def covariance(self) -> np.ndarray:
        return self.covariances[-1]

    @property
    def time_s(self) -> float:
        return float(self.times_s[-1])


class TrackTable:
    """The live tracks as batch arrays (state X, covariance P, time of last update t,
    id, status, hits, age in frames incl. the first, consecutive misses, measurements
    used) and every track's history."""

    def __init__(self, n: int):
        self.n = n
        self.X = np.zeros((0, n))
        self.P = np.zeros((0, n, n))
        self.t = np.zeros(0)
        self.ids = np.zeros(0, dtype=np.int64)
        self.status = np.zeros(0, dtype=np.int8)
        self.hits = np.zeros(0, dtype=np.int64)
        self.age = np.zeros(0, dtype=np.int64)
        self.misses = np.zeros(0, dtype=np.int64)
        self.n_updates = np.zeros(0, dtype=np.int64)
        self._next_id = 0
        self._hist: dict[int, dict] = {}

    def __len__(self) -> int:
        return self.X.shape[0]

    def add(self, t: float, X0: np.ndarray, P0: np.ndarray, det_index: np.ndarray, truth_id: np.ndarray,
            confirmed: bool) -> None:
        """Start tracks X0 (k, n), P0 (k, n, n) at time t from detections ``det_index``."""
        k = X0.shape[0]
        ids = np.arange(self._next_id, self._next_id + k)
        self._next_id += k
        status = CONFIRMED if confirmed else TENTATIVE
        self.X = np.concatenate([self.X, X0])
        self.P = np.concatenate([self.P, P0])
        self.t = np.concatenate([self.t, np.full(k, t)])
        self.ids = np.concatenate([self.ids, ids])
        self.status = np.concatenate([self.status, np.full(k, status, dtype=np.int8)])
        self.hits = np.concatenate([self.hits, np.ones(k, dtype=np.int64)])
        self.age = np.concatenate([self.age, np.ones(k, dtype=np.int64)])
        self.misses = np.concatenate([self.misses, np.zeros(k, dtype=np.int64)])
        self.n_updates = np.concatenate([self.n_updates, np.ones(k, dtype=np.int64)])
        born = t if confirmed else math.nan
        for i in range(k):
            self._hist[int(ids[i])] = {"born": t, "confirmed": born, "deleted": math.nan,
                                       "rows": [(t, X0[i].copy(), P0[i].copy(), int(det_index[i]),
                                                 int(truth_id[i]), math.nan)]}

    def keep(self, keep: np.ndarray) -> None:
        self.X, self.P, self.t = self.X[keep], self.P[keep], self.t[keep]
        self.ids, self.status = self.ids[keep], self.status[keep]
        self.hits, self.age, self.misses = self.hits[keep], self.age[keep], self.misses[keep]
        self.n_updates = self.n_updates[keep]

    def set_states(self, t: float, updated: np.ndarray, X: np.ndarray, P: np.ndarray, det: np.ndarray,
                   nis: np.ndarray, frame: Frame) -> None:
        """Take the posteriors of the ``updated`` tracks and record them; ``det`` (T,)
        the frame row each took (-1: none, or a JPDA mixture without a best row)."""
        self.X = np.where(updated[:, None], X, self.X)
        self.P = np.where(updated[:, None, None], P, self.P)
        self.t = np.where(updated, t, self.t)
        self.n_updates += updated
        for k in np.flatnonzero(updated):
            d = det[k]
            self._hist[int(self.ids[k])]["rows"].append(
                (t, self.X[k].copy(), self.P[k].copy(), int(frame.det_index[d]) if d >= 0 else -1,
                 int(frame.truth_id[d]) if d >= 0 else -1, nis[k]))

    def mark(self, which: str, rows: np.ndarray, t: float) -> None:
        """Note that the tracks at ``rows`` were 'confirmed' or 'deleted' at time t."""
        for k in np.flatnonzero(rows):
            self._hist[int(self.ids[k])][which] = t

    def tracks(self) -> list[Track]:
        out = []
        n = self.n
        for tid, h in self._hist.items():
            rows = h["rows"]
            out.append(Track(
                track_id=tid,
                times_s=np.array([r[0] for r in rows]),
                states=np.array([r[1] for r in rows]).reshape(-1, n),
                covariances=np.array([r[2] for r in rows]).reshape(-1, n, n),
                detection_index=np.array([r[3] for r in rows], dtype=np.int64),
                truth_id=np.array([r[4] for r in rows], dtype=np.int64),
                nis=np.array([r[5] for r in rows]),
                initiated_time_s=h["born"], confirmed_time_s=h["confirmed"], deleted_time_s=h["deleted"]))
        return out
