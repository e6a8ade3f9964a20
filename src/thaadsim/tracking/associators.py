"""Data associators: which detection updates which track (GNN), or with what
probability (JPDA).  Each returns hypotheses that the filter's update turns into
posteriors (Stone Soup's ``DataAssociator`` and ``Updater`` split).

:func:`associate_stages` runs the tracker's order of precedence: confirmed tracks
first, so that a tentative track with a wide gate cannot steal a confirmed track's
detection, and in each status tracks with a filter history before tracks started
last frame (which are gated on position only); only the established confirmed tracks
use the configured associator, the rest GNN.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from thaadsim.tracking.association import GatedPairs, gnn_assign, jpda_weights


@dataclass(frozen=True)
class SingleHypotheses:
    """Track rows ``tracks`` (k,) each take frame row ``dets`` (k,)."""

    tracks: np.ndarray
    dets: np.ndarray
    young: bool


@dataclass(frozen=True)
class MixtureHypotheses:
    """JPDA: track rows ``tracks`` (k,) take the mixture of candidate rows ``cand``
    (k, J) (-1 padding) with weights ``weights`` (k, J+1), column 0 the probability
    that none is the track's; ``best`` (k,) the most probable row (-1 none) and
    ``best_pair`` (k,) its index into the gated pairs (for the NIS)."""

    tracks: np.ndarray
    cand: np.ndarray
    weights: np.ndarray
    best: np.ndarray
    best_pair: np.ndarray
    hit: np.ndarray
    claimed: np.ndarray


@dataclass(frozen=True)
class GNNAssociator:
    """Global nearest neighbour: the assignment of least total d^2, a miss costing the
    gate threshold."""

    def associate(self, n_tracks: int, n_dets: int, pairs: GatedPairs, gate_threshold: float,
                  young: bool = False) -> SingleHypotheses:
        ti, dj = gnn_assign(n_tracks, n_dets, pairs, gate_threshold)
        return SingleHypotheses(ti, dj, young)


@dataclass(frozen=True)
class JPDAAssociator:
    """Joint probabilistic data association with Poisson clutter of density
    ``clutter_density``; a detection whose summed probability reaches
    ``claim_threshold`` counts as used (it starts no track); a track is hit when the
    probability that no detection is its is below one half."""

    p_detect: float
    p_gate: float
    clutter_density: float
    claim_threshold: float
    max_hypotheses: int

    def associate(self, n_tracks: int, n_dets: int, pairs: GatedPairs) -> MixtureHypotheses:
        beta, beta0 = jpda_weights(n_tracks, n_dets, pairs, self.p_detect, self.p_gate, self.clutter_density,
                                   self.max_hypotheses)
        tr, k = np.unique(pairs.track, return_inverse=True)
        order = np.argsort(k, kind="stable")  # pairs grouped by track, in their order
        ks = k[order]
        start = np.searchsorted(ks, np.arange(tr.size))
        slot = np.arange(order.size) - start[ks]
        J = int(slot.max()) + 1
        cand = np.full((tr.size, J), -1, dtype=np.int64)
        cand[ks, slot] = pairs.det[order]
        W = np.zeros((tr.size, J + 1))
        W[:, 0] = beta0[tr]
        W[ks, slot + 1] = beta[order]
        # most probable candidate: the first of the largest positive beta in pair order
        best_pair = np.full(tr.size, -1, dtype=np.int64)
        by_beta = np.lexsort((order, -beta[order], ks))
        first = np.searchsorted(ks[by_beta], np.arange(tr.size))
        p = order[by_beta[first]]
        ok = beta[p] > 0.0
        best_pair[ok] = p[ok]
        best = np.where(ok, pairs.det[np.where(ok, p, 0)], -1)
        total = np.zeros(n_dets)
        np.add.at(total, pairs.det, beta)
        return MixtureHypotheses(tr, cand, W, best, best_pair, beta0[tr] < 0.5, total >= self.claim_threshold)
