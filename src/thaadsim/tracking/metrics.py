"""Tracking metrics: OSPA and GOSPA between sets, NEES and NIS consistency, and track
counts and identity bookkeeping against truth.

OSPA: Schuhmacher, Vo & Vo, "A consistent metric for performance evaluation of
multi-object filters", IEEE Trans. Signal Processing 56(8), 2008, eq. (3).
GOSPA (alpha = 2): Rahmathullah, Garcia-Fernandez & Svensson, "Generalized optimal
sub-pattern assignment metric", FUSION 2017, Proposition 1 - localisation error over
assigned pairs closer than c, plus c^p/2 per missed and per false object.
NEES/NIS: Bar-Shalom, Li & Kirubarajan (2001), sec. 5.4.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from thaadsim.errors import InputError


def _distances(X, Y):
    X = np.asarray(X, dtype=float).reshape(len(X), -1) if len(X) else np.zeros((0, 1))
    Y = np.asarray(Y, dtype=float).reshape(len(Y), -1) if len(Y) else np.zeros((0, 1))
    if X.size and Y.size and X.shape[1] != Y.shape[1]:
        raise InputError("the two sets have different dimensions", field="metric")
    return np.linalg.norm(X[:, None, :] - Y[None, :, :], axis=2) if (X.size and Y.size) else np.zeros((len(X), len(Y)))


def ospa(X, Y, c: float, p: float = 1.0) -> float:
    """OSPA distance of order p with cut-off c between point sets X (m, d) and Y (n, d)."""
    if c <= 0.0 or p < 1.0:
        raise InputError("need c > 0 and p >= 1", field="ospa")
    m, n = len(X), len(Y)
    if m == 0 and n == 0:
        return 0.0
    if m == 0 or n == 0:
        return float(c)
    D = np.minimum(_distances(X, Y), c) ** p
    from scipy.optimize import linear_sum_assignment  # here: scipy.optimize costs a run ~0.15 s

    r, cidx = linear_sum_assignment(D)
    big = max(m, n)
    return float(((D[r, cidx].sum() + c**p * abs(n - m)) / big) ** (1.0 / p))


@dataclass
class GospaResult:
    """GOSPA distance and its decomposition (alpha = 2): ``total`` = (localisation +
    c^p/2 (missed + false))^(1/p); ``localisation`` is the sum of d^p over the assigned
    pairs; ``missed`` and ``false`` are counts."""

    total: float
    localisation: float
    missed: int
    false: int
    assignment: list[tuple[int, int]]


def gospa(X, Y, c: float, p: float = 2.0) -> GospaResult:
    """GOSPA (alpha = 2) between truth X (m, d) and estimates Y (n, d)."""
    if c <= 0.0 or p < 1.0:
        raise InputError("need c > 0 and p >= 1", field="gospa")
    m, n = len(X), len(Y)
    if m == 0 or n == 0:
        tot = (0.5 * c**p * (m + n)) ** (1.0 / p)
        return GospaResult(float(tot), 0.0, m, n, [])
    D = _distances(X, Y)
    cost = np.minimum(D, c) ** p
    from scipy.optimize import linear_sum_assignment  # here: scipy.optimize costs a run ~0.15 s

    r, cidx = linear_sum_assignment(cost)
    pairs = [(int(i), int(j)) for i, j in zip(r, cidx, strict=True) if D[i, j] < c]
    loc = float(sum(D[i, j] ** p for i, j in pairs))
    k = len(pairs)
    missed, false = m - k, n - k
    tot = (loc + 0.5 * c**p * (missed + false)) ** (1.0 / p)
    return GospaResult(float(tot), loc, missed, false, pairs)


def nees(err: np.ndarray, P: np.ndarray) -> np.ndarray:
    """Normalised estimation error squared e^T P^-1 e, batch (N, n), (N, n, n) -> (N,)."""
    err = np.atleast_2d(np.asarray(err, dtype=float))
    P = np.asarray(P, dtype=float).reshape(err.shape[0], err.shape[1], err.shape[1])
    y = np.linalg.solve(P, err[:, :, None])[:, :, 0]
    return np.einsum("ki,ki->k", err, y)


def nis(nu: np.ndarray, S: np.ndarray) -> np.ndarray:
    """Normalised innovation squared nu^T S^-1 nu (angles already wrapped), batch."""
    return nees(nu, S)


def chi2_band(dof: int, n_runs: int = 1, probability: float = 0.95) -> tuple[float, float]:
    """Two-sided ``probability`` band of an NEES/NIS averaged over ``n_runs`` runs:
    chi2(n_runs dof) quantiles divided by n_runs."""
    from scipy.special import chdtri  # here, not at import: a run's tracker needs no scipy

    a = 0.5 * (1.0 - probability)
    k = dof * n_runs
    return float(chdtri(k, 1.0 - a) / n_runs), float(chdtri(k, a) / n_runs)


def fraction_inside(values, band: tuple[float, float]) -> float:
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    return float(np.mean((v >= band[0]) & (v <= band[1]))) if v.size else float("nan")


def truth_count(times_s, truth_start_s, truth_end_s) -> np.ndarray:
    """Number of truth objects alive at each time (start <= t <= end)."""
    t = np.asarray(times_s, dtype=float)[:, None]
    return np.sum((t >= np.asarray(truth_start_s)[None, :]) & (t <= np.asarray(truth_end_s)[None, :]), axis=1)


@dataclass
class TrackTruthSummary:
    """Confirmed tracks against the detections' truth ids.

    truth_count: distinct true objects among the detections; tracks_confirmed; a
    *false track* is a confirmed track fed mostly by false alarms; a *redundant track*
    a second confirmed track on an object that already had one while it was alive;
    swaps: changes of the object a confirmed track follows (false alarms ignored),
    counted after confirmation; track_truth: track id -> majority truth id.
    """

    truth_count: int
    tracks_confirmed: int
    false_tracks: int
    redundant_tracks: int
    swaps: int
    track_truth: dict


def track_truth_summary(result) -> TrackTruthSummary:
    ids = np.asarray(result.detection_truth_id)
    truth_count = int(np.unique(ids[ids >= 0]).size)
    conf = sorted(result.confirmed_tracks, key=lambda t: t.confirmed_time_s)
    false = 0
    redundant = 0
    swaps = 0
    owner: dict[int, list] = {}
    tt = {}
    for tr in conf:
        maj = tr.majority_truth_id
        tt[tr.track_id] = maj
        if maj < 0 or np.mean(tr.truth_id < 0) > 0.5:
            tt[tr.track_id] = -1
            false += 1
        else:
            end = tr.deleted_time_s if np.isfinite(tr.deleted_time_s) else np.inf
            for (s, e) in owner.get(maj, []):
                if tr.confirmed_time_s <= e and s <= end:
                    redundant += 1
                    break
            owner.setdefault(maj, []).append((tr.confirmed_time_s, end))
        after = tr.truth_id[(tr.times_s >= tr.confirmed_time_s) & (tr.truth_id >= 0)]
        swaps += int(np.sum(after[1:] != after[:-1]))
    return TrackTruthSummary(truth_count, len(conf), false, redundant, swaps, tt)
