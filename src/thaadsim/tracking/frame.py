"""One frame of detections (a site's scan or dwell) and the live-track table the
tracker's components read and write.

The frame computes the detections' Cartesian positions and position covariances once
(the gate's pre-filter and the initiators both need them; before, each asked again).
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
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
            self._pos, self._cov = self.meas.cartesian(self.Z, self.R, self.site_index)
        return self._pos

    @property
    def cov(self) -> np.ndarray:
        """Linearised ECEF position covariances (M, 3, 3)."""
        if self._cov is None:
            self._pos, self._cov = self.meas.cartesian(self.Z, self.R, self.site_index)
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
    used) and every track's history, kept as per-frame batches and split by track once,
    in :meth:`tracks`."""

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
        # resume point of the last prediction of each live track's posterior
        # (GaussianFilter.predict_resumable); None until a filter returns one
        self.resume: tuple | None = None
        self._next_id = 0
        self._batches: list[tuple] = []  # (ids, t, X, P, detection index, truth id, nis)
        self._born: list[np.ndarray] = []
        self._events: dict[str, list[tuple[np.ndarray, float]]] = {"confirmed": [], "deleted": []}

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
        if self.resume is not None:
            Xc, F, steps, h = self.resume
            self.resume = (np.concatenate([Xc, X0]), np.concatenate([F, np.zeros_like(P0)]),
                           np.concatenate([steps, np.zeros(k, dtype=np.int64)]), np.concatenate([h, np.zeros(k)]))
        self._born.append(np.full(k, t))
        self._batches.append((ids, t, X0.copy(), P0.copy(), np.asarray(det_index, dtype=np.int64),
                              np.asarray(truth_id, dtype=np.int64), np.full(k, np.nan)))
        if confirmed:
            self._events["confirmed"].append((ids, t))

    def keep(self, keep: np.ndarray) -> None:
        self.X, self.P, self.t = self.X[keep], self.P[keep], self.t[keep]
        self.ids, self.status = self.ids[keep], self.status[keep]
        self.hits, self.age, self.misses = self.hits[keep], self.age[keep], self.misses[keep]
        self.n_updates = self.n_updates[keep]
        if self.resume is not None:
            self.resume = tuple(a[keep] for a in self.resume)

    def set_states(self, t: float, updated: np.ndarray, X: np.ndarray, P: np.ndarray, det: np.ndarray,
                   nis: np.ndarray, frame: Frame) -> None:
        """Take the posteriors of the ``updated`` tracks and record them; ``det`` (T,)
        the frame row each took (-1: none, or a JPDA mixture without a best row)."""
        k = np.flatnonzero(updated)
        if k.size == 0:
            return
        Xk, Pk = X[k], P[k]
        # in place: the table owns its arrays (add and keep make new ones)
        self.X[k] = Xk
        self.P[k] = Pk
        self.t[k] = t
        self.n_updates[k] += 1
        if self.resume is not None:  # a new posterior: its next prediction starts over
            Xc, F, steps, h = self.resume
            steps = steps.copy()
            steps[k] = 0
            self.resume = (Xc, F, steps, h)
        d = det[k]
        took = d >= 0
        dsafe = np.where(took, d, 0)
        self._batches.append((self.ids[k], t, Xk, Pk, np.where(took, frame.det_index[dsafe], -1).astype(np.int64),
                              np.where(took, frame.truth_id[dsafe], -1).astype(np.int64), nis[k].copy()))

    def mark(self, which: str, rows: np.ndarray, t: float) -> None:
        """Note that the tracks at ``rows`` were 'confirmed' or 'deleted' at time t."""
        if rows.any():
            self._events[which].append((self.ids[rows], t))

    def tracks(self) -> TrackList:
        """Every track started, by id, with its history in time order."""
        N = self._next_id
        if N == 0:
            return TrackList(*([np.zeros(0)] * 6), np.zeros(1, dtype=np.int64), *([np.zeros(0)] * 3))
        ids = np.concatenate([b[0] for b in self._batches])
        when = {}
        for which, events in self._events.items():
            w = np.full(N, np.nan)
            for rows, t in events:
                w[rows] = t
            when[which] = w
        return tracks_from_history(ids, np.concatenate([np.full(b[0].size, b[1]) for b in self._batches]),
                                   np.concatenate([b[2] for b in self._batches]),
                                   np.concatenate([b[3] for b in self._batches]),
                                   np.concatenate([b[4] for b in self._batches]),
                                   np.concatenate([b[5] for b in self._batches]),
                                   np.concatenate([b[6] for b in self._batches]), np.concatenate(self._born),
                                   when["confirmed"], when["deleted"])


def tracks_from_history(ids, times, X, P, det, truth, nis, born, confirmed, deleted) -> TrackList:
    """Every track by id from its update records (ids (K,) with time, state,
    covariance, detection, truth id and NIS of each, in time order per id) and the
    per-id birth, confirmation and deletion times (NaN: never)."""
    order = np.argsort(ids, kind="stable")
    bounds = np.concatenate([[0], np.cumsum(np.bincount(ids, minlength=born.size))]).astype(np.int64)
    return TrackList(times, X, P, det, truth, nis, bounds, born, confirmed, deleted, order=order)


class TrackList(Sequence):
    """The tracks of a run as a read-only sequence by id, each :class:`Track` built on
    first access from the history arrays (a salvo starts ~10^4 tracks on false alarms
    and a run reads the few confirmed ones: building them all cost more than tracking)."""

    def __init__(self, times, X, P, det, truth, nis, bounds, born, confirmed, deleted, order=None):
        # ``order`` (when given) puts the records in id order; a track gathers only its own
        # rows through it (gathering every record's covariance up front cost ~1 ms a run)
        self._a = (times, X, P, det, truth, nis)
        self._order = order
        self._bounds = bounds
        self._born, self._confirmed, self._deleted = born, confirmed, deleted
        self._built: dict[int, Track] = {}

    def __len__(self) -> int:
        return self._born.size

    def _track(self, i: int) -> Track:
        tr = self._built.get(i)
        if tr is None:
            a, b = int(self._bounds[i]), int(self._bounds[i + 1])
            rows = slice(a, b) if self._order is None else self._order[a:b]
            times, X, P, det, truth, nis = (v[rows] for v in self._a)
            tr = Track(track_id=i, times_s=times, states=X, covariances=P, detection_index=det, truth_id=truth, nis=nis,
                       initiated_time_s=float(self._born[i]), confirmed_time_s=float(self._confirmed[i]),
                       deleted_time_s=float(self._deleted[i]))
            self._built[i] = tr
        return tr

    def __getitem__(self, key):
        if isinstance(key, slice):
            return [self._track(i) for i in range(*key.indices(len(self)))]
        i = operator.index(key)
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError("track index out of range")
        return self._track(i)

    def __eq__(self, other) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    __hash__ = None

    def confirmed(self) -> list[Track]:
        """The confirmed tracks, by id (only they are built)."""
        return [self._track(int(i)) for i in np.flatnonzero(np.isfinite(self._confirmed))]
