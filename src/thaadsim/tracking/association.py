"""Data association: ellipsoidal gating, global nearest neighbour (optimal assignment)
and joint probabilistic data association.

Gating: a detection j is a candidate for track i when the squared Mahalanobis distance
d^2 = nu^T S^-1 nu (S = Pzz_i + R_j) is below the chi-square quantile of the gate
probability P_G with m degrees of freedom (Bar-Shalom, Li & Kirubarajan 2001,
sec. 3.3.2).  A cheap Cartesian pre-gate (a compiled sweep along x with a radius that
bounds the ellipsoid) keeps the exact test to nearby pairs, so 1,000 tracks x 1,000
detections costs what the few candidate pairs cost.

GNN: an optimal assignment (``kernels.linear_assignment``, scipy's
``linear_sum_assignment`` ported) on each cluster's cost matrix d^2, augmented
with one 'no detection' column per track at the gate cost, so that a track takes a
detection only when that lowers the total (Blackman & Popoli 1999, sec. 6.4).

JPDA: exact enumeration of the feasible joint events of each cluster (Fortmann,
Bar-Shalom & Scheffe 1983), parametric clutter (Poisson, spatial density lambda):
P(event) ~ prod_assigned P_D N(nu; 0, S) / lambda * prod_unassigned (1 - P_D P_G).
Clusters with more than ``max_hypotheses`` events fall back to Fitzgerald's
"cheap JPDA" (1985), a named approximation.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from thaadsim.tracking import kernels

_BIG = 1e12


def gate_threshold(probability: float, ndim: int) -> float:
    """Chi-square gate gamma with P(d^2 <= gamma) = ``probability`` for ``ndim`` dims."""
    return chi2_quantile(probability, ndim)


def chi2_survival(x: float, dof: int) -> float:
    """P(chi2_dof > x) for an integer number of degrees of freedom, in closed form: the
    regularised upper incomplete gamma Q(dof/2, x/2) summed up from Q(1, h) = exp(-h) (even
    dof) or Q(1/2, h) = erfc(sqrt h) (odd) by Q(a + 1, h) = Q(a, h) + h^a exp(-h) / Gamma(a + 1)
    (Abramowitz & Stegun 6.5.21-22 and 26.4.4-5).  Written out so that a run's gates need no
    scipy.special (its import costs a run ~0.25 s)."""
    if x <= 0.0:
        return 1.0
    h = 0.5 * x
    if dof % 2 == 0:
        a, q = 1.0, math.exp(-h)
    else:
        a, q = 0.5, math.erfc(math.sqrt(h))
    while a < 0.5 * dof:
        q += math.exp(a * math.log(h) - h - math.lgamma(a + 1.0))
        a += 1.0
    return min(q, 1.0)


def chi2_cdf(x: float, dof: int) -> float:
    """P(chi2_dof <= x): the series of the regularised lower incomplete gamma P(dof/2, x/2)
    (Abramowitz & Stegun 6.5.29), accurate where the survival 1 - P would cancel."""
    if x <= 0.0:
        return 0.0
    h, a = 0.5 * x, 0.5 * dof
    term = total = 1.0
    n = 1.0
    while term > 1e-17 * total:
        term *= h / (a + n)
        total += term
        n += 1.0
    return min(total * math.exp(a * math.log(h) - h - math.lgamma(a + 1.0)), 1.0)


def chi2_quantile(probability: float, dof: int) -> float:
    """x with P(chi2_dof <= x) = ``probability``: bisection down to adjacent doubles of the
    lower tail (:func:`chi2_cdf`) below the median, of the upper (:func:`chi2_survival`)
    above it - each where it keeps its digits (both are monotone, so the bracket is exact;
    called once per gate)."""
    if int(dof) != dof or dof < 1:
        raise ValueError(f"chi-square degrees of freedom must be a positive integer, got {dof}")
    if not 0.0 < probability < 1.0:
        raise ValueError(f"chi-square probability must lie in (0, 1), got {probability}")
    k = int(dof)
    if probability < 0.5:
        def below(x: float) -> bool:
            return chi2_cdf(x, k) < probability
    else:
        tail = 1.0 - probability

        def below(x: float) -> bool:
            return chi2_survival(x, k) > tail
    lo, hi = 0.0, float(k) + 10.0
    while below(hi):
        lo, hi = hi, 2.0 * hi
    while True:
        mid = 0.5 * (lo + hi)
        if mid <= lo or mid >= hi:
            return hi
        if below(mid):
            lo = mid
        else:
            hi = mid


def candidate_pairs(track_pos: np.ndarray, track_radius: np.ndarray, det_pos: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (track i, detection j) with |det_pos_j - track_pos_i| <= track_radius_i,
    sorted by i then j."""
    if len(track_pos) == 0 or len(det_pos) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return kernels.pairs_within_radius(np.ascontiguousarray(track_pos, dtype=float),
                                       np.ascontiguousarray(np.broadcast_to(track_radius, (len(track_pos),)),
                                                            dtype=float),
                                       np.ascontiguousarray(det_pos, dtype=float))


def min_cost_matching(rows: np.ndarray, cols: np.ndarray, cost: np.ndarray, n_rows: int,
                      n_cols: int) -> tuple[np.ndarray, np.ndarray]:
    """The matching of the allowed pairs (rows_k, cols_k) with cost_k that uses the most
    pairs and, among those, has the least total cost; returns (row, col) indices sorted
    by row.

    A pair with no competitor (its row and its column in no other pair) is taken
    directly; the rest go to an optimal assignment (``kernels.linear_assignment``) over
    the rows and columns they involve, one connected component at a time, each row with
    its own 'unmatched' column at a cost B above the sum of all allowed costs (so one
    more pair always pays) and forbidden entries infinite.  (A single big constant for
    forbidden entries, 1e18 as this replaced, drowns costs below its spacing of 128 when
    the solution must use one.)  Compiled: ``kernels.min_cost_pairs``.
    """
    return kernels.min_cost_pairs(np.ascontiguousarray(rows, dtype=np.int64), np.ascontiguousarray(cols, dtype=np.int64),
                                  np.ascontiguousarray(cost, dtype=float), int(n_rows), int(n_cols))


def _components(n_rows: int, n_cols: int, rows: np.ndarray, cols: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """Connected components of the bipartite graph of pairs (rows_k, cols_k): a list of
    (sorted row indices, sorted column indices)."""
    label = kernels.bipartite_labels(int(n_rows), int(n_cols), np.ascontiguousarray(rows, dtype=np.int64),
                                     np.ascontiguousarray(cols, dtype=np.int64))
    lab = label[rows]
    return [(np.unique(rows[lab == k]), np.unique(cols[lab == k])) for k in np.unique(lab)]


@dataclass
class GatedPairs:
    """Track-detection pairs inside the gate (K,) each: indices, d^2, innovation
    (K, m), S (K, m, m), log det S, and the Gaussian log-likelihood of the innovation."""

    track: np.ndarray
    det: np.ndarray
    d2: np.ndarray
    innovation: np.ndarray
    S: np.ndarray
    log_det_S: np.ndarray

    @property
    def log_likelihood(self) -> np.ndarray:
        m = self.innovation.shape[1] if self.innovation.ndim == 2 else 0
        return -0.5 * (self.d2 + self.log_det_S + m * np.log(2.0 * np.pi))

    def __len__(self) -> int:
        return self.track.size


def gate(measurement, z_pred: np.ndarray, Pzz: np.ndarray, Z: np.ndarray, R: np.ndarray,
         ti: np.ndarray, dj: np.ndarray, threshold: float) -> GatedPairs:
    """Exact ellipsoidal gate over candidate pairs (ti, dj): predicted measurements
    z_pred (T, m) with covariances Pzz (T, m, m); detections Z (M, m), R (M, m, m)."""
    m = z_pred.shape[1]
    if ti.size == 0:
        return GatedPairs(ti, dj, np.zeros(0), np.zeros((0, m)), np.zeros((0, m, m)), np.zeros(0))
    keep, d2, nu, S, ld = kernels.gate_pairs(
        np.ascontiguousarray(z_pred, dtype=float), np.ascontiguousarray(Pzz, dtype=float),
        np.ascontiguousarray(Z, dtype=float), np.ascontiguousarray(R, dtype=float),
        np.ascontiguousarray(ti, dtype=np.int64), np.ascontiguousarray(dj, dtype=np.int64),
        np.ascontiguousarray(measurement.angle_mask, dtype=np.bool_), float(threshold))
    return GatedPairs(ti[keep], dj[keep], d2, nu, S, ld)


def clusters(n_tracks: int, n_dets: int, pairs: GatedPairs) -> list[tuple[np.ndarray, np.ndarray]]:
    """Connected components of the gating graph that hold at least one pair:
    a list of (track indices, detection indices)."""
    if len(pairs) == 0:
        return []
    return _components(n_tracks, n_dets, pairs.track, pairs.det)


def gnn_assign(n_tracks: int, n_dets: int, pairs: GatedPairs, miss_cost: float) -> tuple[np.ndarray, np.ndarray]:
    """Global nearest neighbour: (track indices, detection indices) assigned, each used
    at most once, minimising the sum of d^2 plus ``miss_cost`` per unassigned track."""
    if len(pairs) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    took = kernels.gnn_pairs(np.ascontiguousarray(pairs.track, dtype=np.int64),
                             np.ascontiguousarray(pairs.det, dtype=np.int64),
                             np.ascontiguousarray(pairs.d2, dtype=float), int(n_tracks), int(n_dets), float(miss_cost),
                             _BIG)
    return pairs.track[took], pairs.det[took]


def jpda_weights(n_tracks: int, n_dets: int, pairs: GatedPairs, p_detect: float, p_gate: float,
                 clutter_density: float, max_hypotheses: int = 20_000) -> tuple[np.ndarray, np.ndarray]:
    """Marginal association probabilities.

    Returns (beta (K,) for each gated pair, beta0 (n_tracks,) probability that no
    detection is the track's; 1 for tracks with no gated detection).
    """
    beta = np.zeros(len(pairs))
    beta0 = np.ones(n_tracks)
    if len(pairs) == 0:
        return beta, beta0
    log_g = np.log(p_detect) - np.log(clutter_density) + pairs.log_likelihood
    log_miss = np.log(max(1.0 - p_detect * p_gate, 1e-300))
    for tr, _de in clusters(n_tracks, n_dets, pairs):
        sel = np.flatnonzero(np.isin(pairs.track, tr))
        by_track = [sel[pairs.track[sel] == t] for t in tr]
        if _count_events(by_track, pairs.det, max_hypotheses) > max_hypotheses:
            _cheap_jpda(tr, sel, pairs, log_g, log_miss, beta, beta0)
            continue
        # depth-first enumeration of joint events, weights in log space
        events_logw = []
        events = []
        choice = [-1] * len(tr)

        # The loop's values bound as defaults: walk runs within this iteration only.
        def walk(k, used, logw, tr=tr, by_track=by_track, choice=choice, events=events, events_logw=events_logw):
            if k == len(tr):
                events_logw.append(logw)
                events.append(tuple(choice))
                return
            choice[k] = -1
            walk(k + 1, used, logw + log_miss)
            for p in by_track[k]:
                d = pairs.det[p]
                if d in used:
                    continue
                choice[k] = p
                used.add(d)
                walk(k + 1, used, logw + log_g[p])
                used.discard(d)
            choice[k] = -1

        walk(0, set(), 0.0)
        lw = np.array(events_logw)
        w = np.exp(lw - lw.max())
        w /= w.sum()
        for wt, ev in zip(w, events, strict=True):
            for p in ev:
                if p >= 0:
                    beta[p] += wt
        for k, t in enumerate(tr):
            beta0[t] = max(0.0, 1.0 - beta[by_track[k]].sum())
    return beta, beta0


def _count_events(by_track, det, cap):
    """Upper bound on the number of joint events (product of per-track options)."""
    n = 1
    for b in by_track:
        n *= b.size + 1
        if n > cap:
            return n
    return n


def _cheap_jpda(tr, sel, pairs, log_g, log_miss, beta, beta0):
    """Fitzgerald (1985): beta_ij = G_ij / (T_i + S_j - G_ij + B), B = miss weight."""
    g = np.exp(log_g[sel] - log_miss)  # relative to the miss hypothesis, B = 1
    t_sum = np.zeros(pairs.track.max() + 1)
    np.add.at(t_sum, pairs.track[sel], g)
    d_sum = np.zeros(pairs.det.max() + 1)
    np.add.at(d_sum, pairs.det[sel], g)
    b = g / (t_sum[pairs.track[sel]] + d_sum[pairs.det[sel]] - g + 1.0)
    beta[sel] = b
    for t in tr:
        beta0[t] = max(0.0, 1.0 - b[pairs.track[sel] == t].sum())
