"""Gating, GNN and JPDA against brute force and hand-computed cases."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from thaadsim.tracking.association import (
    GatedPairs,
    candidate_pairs,
    chi2_cdf,
    chi2_quantile,
    chi2_survival,
    clusters,
    gate,
    gate_threshold,
    gnn_assign,
    jpda_weights,
    min_cost_matching,
)
from thaadsim.tracking.measurement import LinearPositionMeasurement


def test_gate_threshold_is_the_chi_square_quantile():
    assert gate_threshold(0.99, 3) == pytest.approx(11.3449, abs=1e-4)  # standard tables
    assert gate_threshold(0.999, 4) == pytest.approx(18.4668, abs=1e-4)


@pytest.mark.parametrize("dof", range(1, 13))
def test_chi2_quantile_matches_scipy(dof):
    """Authority: scipy.special.chdtri (Cephes' inverse incomplete gamma), an independent
    implementation; the closed forms here share nothing with it.  Down to p = 0.01 the two
    agree to 1e-12 relative (a few ulp; the tracker's gate is p = 0.999)."""
    from scipy.special import chdtr, chdtri

    for p in (0.01, 0.05, 0.3, 0.5, 0.7, 0.9, 0.95, 0.99, 0.997, 0.999, 0.9999, 1 - 1e-9):
        assert chi2_quantile(p, dof) == pytest.approx(chdtri(dof, 1.0 - p), rel=1e-12), p
    for x in (1e-3, 0.5, float(dof), 3.0 * dof + 7.0):
        assert chi2_cdf(x, dof) == pytest.approx(chdtr(dof, x), rel=1e-13, abs=1e-300)
        assert chi2_survival(x, dof) == pytest.approx(1.0 - chdtr(dof, x), rel=1e-11, abs=1e-16)


def test_chi2_closed_forms_by_hand():
    """Authority: the one- and two-dof closed forms, P(chi2_1 <= x) = erf(sqrt(x/2)) and
    P(chi2_2 > x) = exp(-x/2), so the 95 % point of one dof is 1.959964^2."""
    assert chi2_quantile(0.95, 1) == pytest.approx(1.959963984540054**2, rel=1e-14)
    assert chi2_quantile(0.9, 2) == pytest.approx(-2.0 * math.log(0.1), rel=1e-14)
    assert chi2_survival(3.0, 2) == pytest.approx(math.exp(-1.5), rel=1e-15)
    assert chi2_cdf(2.0, 1) == pytest.approx(math.erf(1.0), rel=1e-15)
    with pytest.raises(ValueError, match="positive integer"):
        chi2_quantile(0.9, 2.5)


def test_gate_keeps_pairs_inside_the_ellipsoid():
    meas = LinearPositionMeasurement()
    zp = np.array([[0.0, 0.0, 0.0]])
    Pzz = np.array([np.diag([4.0, 4.0, 4.0])])
    Z = np.array([[1.0, 0.0, 0.0], [0.0, 10.5, 0.0], [3.0, 3.0, 3.0]])
    R = np.broadcast_to(np.eye(3) * 5.0, (3, 3, 3))
    g = gate(meas, zp, Pzz, Z, R, np.zeros(3, dtype=np.int64), np.arange(3), gate_threshold(0.99, 3))
    assert list(g.det) == [0, 2]  # S = 9 I: d2 = 1/9, 110.25/9 = 12.25 > 11.34, 27/9 = 3
    assert np.allclose(g.d2, [1 / 9, 3.0])


def _pairs(cost, gamma):
    ti, dj = np.nonzero(cost <= gamma)
    d2 = cost[ti, dj]
    return GatedPairs(ti, dj, d2, np.zeros((ti.size, 1)), np.ones((ti.size, 1, 1)), np.zeros(ti.size))


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 5), st.integers(1, 5))
def test_gnn_is_optimal_against_brute_force(seed, nt, nd):
    rng = np.random.default_rng(seed)
    gamma = 9.0
    cost = rng.uniform(0.0, 14.0, (nt, nd))
    pairs = _pairs(cost, gamma)
    ti, dj = gnn_assign(nt, nd, pairs, gamma)
    assert len(set(ti)) == ti.size and len(set(dj)) == dj.size
    assert np.all(cost[ti, dj] <= gamma)
    got = cost[ti, dj].sum() + gamma * (nt - ti.size)
    best = math.inf
    for perm in itertools.product(range(-1, nd), repeat=nt):
        used = [d for d in perm if d >= 0]
        if len(used) != len(set(used)) or any(d >= 0 and cost[t, d] > gamma for t, d in enumerate(perm)):
            continue
        best = min(best, sum(cost[t, d] if d >= 0 else gamma for t, d in enumerate(perm)))
    assert got == pytest.approx(best)


def test_jpda_two_tracks_two_detections_by_hand():
    """Tracks 0, 1; detections a, b; all four pairs gated.  Joint events and weights
    (g_ij = P_D N_ij / lambda, miss = 1 - P_D P_G): {-,-}: m^2; {a,-}: g0a m; {b,-}: g0b m;
    {-,a}: m g1a; {-,b}: m g1b; {a,b}: g0a g1b; {b,a}: g0b g1a."""
    pd, pg, lam = 0.9, 0.99, 1e-3
    L = np.array([[0.02, 0.005], [0.004, 0.03]])  # Gaussian likelihoods N_ij
    ti, dj = np.array([0, 0, 1, 1]), np.array([0, 1, 0, 1])
    ll = np.log(L[ti, dj])
    pairs = GatedPairs(ti, dj, -2 * ll - 1 * math.log(2 * math.pi), np.zeros((4, 1)), np.ones((4, 1, 1)),
                       np.zeros(4))
    assert np.allclose(pairs.log_likelihood, ll)
    beta, beta0 = jpda_weights(2, 2, pairs, pd, pg, lam)
    g = pd * L / lam
    m = 1 - pd * pg
    ev = {(-1, -1): m * m, (0, -1): g[0, 0] * m, (1, -1): g[0, 1] * m, (-1, 0): m * g[1, 0],
          (-1, 1): m * g[1, 1], (0, 1): g[0, 0] * g[1, 1], (1, 0): g[0, 1] * g[1, 0]}
    tot = sum(ev.values())
    ref = np.zeros((2, 2))
    for (a, b), w in ev.items():
        if a >= 0:
            ref[0, a] += w / tot
        if b >= 0:
            ref[1, b] += w / tot
    assert np.allclose(beta, ref[ti, dj], rtol=1e-12)
    assert np.allclose(beta0, 1 - ref.sum(1), rtol=1e-12)
    # the cheap-JPDA fallback (max_hypotheses tiny) is cruder (0.69 for 0.96 here) but
    # valid and ranks the hypotheses the same way
    b2, b02 = jpda_weights(2, 2, pairs, pd, pg, lam, max_hypotheses=2)
    assert np.all((b2 >= 0) & (b2 <= 1)) and np.all((b02 >= 0) & (b02 <= 1))
    assert np.argmax(b2[:2]) == 0 and np.argmax(b2[2:]) == 1


def test_jpda_two_tracks_three_detections_by_hand():
    """Tracks 0, 1; detections a, b, c; gated pairs 0-a, 0-b, 1-b, 1-c (b is shared).
    The feasible joint events, written out (g_ij = P_D N_ij / lambda, m = 1 - P_D P_G):
    {-,-}: m^2; {a,-}: g0a m; {b,-}: g0b m; {-,b}: m g1b; {-,c}: m g1c; {a,b}: g0a g1b;
    {a,c}: g0a g1c; {b,c}: g0b g1c ({b,b} is infeasible).  Checked through the
    tracker's JPDA associator component: weights, candidates and claimed detections."""
    from thaadsim.tracking.associators import JPDAAssociator

    pd, pg, lam = 0.9, 0.99, 1e-3
    ti, dj = np.array([0, 0, 1, 1]), np.array([0, 1, 1, 2])
    N = np.array([0.010, 0.030, 0.020, 0.004])  # Gaussian likelihoods of the four pairs
    pairs = GatedPairs(ti, dj, -2.0 * np.log(N) - math.log(2.0 * math.pi), np.zeros((4, 1)),
                       np.ones((4, 1, 1)), np.zeros(4))
    g0a, g0b, g1b, g1c = pd * N / lam
    m = 1.0 - pd * pg
    events = {("-", "-"): m * m, ("a", "-"): g0a * m, ("b", "-"): g0b * m, ("-", "b"): m * g1b,
              ("-", "c"): m * g1c, ("a", "b"): g0a * g1b, ("a", "c"): g0a * g1c, ("b", "c"): g0b * g1c}
    total = sum(events.values())

    def p(track, det):
        return sum(w for e, w in events.items() if e[track] == det) / total

    ref = np.array([p(0, "a"), p(0, "b"), p(1, "b"), p(1, "c")])
    ref0 = np.array([p(0, "-"), p(1, "-")])
    beta, beta0 = jpda_weights(2, 3, pairs, pd, pg, lam)
    assert np.allclose(beta, ref, rtol=1e-12) and np.allclose(beta0, ref0, rtol=1e-12)
    h = JPDAAssociator(pd, pg, lam, 0.5, 20_000).associate(2, 3, pairs)
    assert h.tracks.tolist() == [0, 1] and h.cand.tolist() == [[0, 1], [1, 2]]
    assert np.allclose(h.weights, [[ref0[0], ref[0], ref[1]], [ref0[1], ref[2], ref[3]]], rtol=1e-12)
    assert np.allclose(h.weights.sum(axis=1), 1.0)
    claimed = np.array([ref[0], ref[1] + ref[2], ref[3]]) >= 0.5
    assert h.claimed.tolist() == claimed.tolist()
    assert h.best.tolist() == [int(np.argmax(ref[:2])), 1 + int(np.argmax(ref[2:]))]


def test_clusters_and_candidates():
    pairs = _pairs(np.array([[1.0, 99, 99], [2.0, 99, 99], [99, 99, 1.0]]), 9.0)
    cl = clusters(3, 3, pairs)
    assert sorted((list(t), list(d)) for t, d in cl) == [([0, 1], [0]), ([2], [2])]
    ti, dj = candidate_pairs(np.zeros((2, 3)) + [[0, 0, 0], [100, 0, 0]], np.array([5.0, 5.0]),
                             np.array([[1.0, 0, 0], [50.0, 0, 0], [103.0, 0, 0]]))
    assert sorted(zip(ti.tolist(), dj.tolist(), strict=True)) == [(0, 0), (1, 2)]


@pytest.mark.parametrize("seed", range(4))
def test_cluster_labels_match_scipy_connected_components(seed):
    """Union-find labels against scipy.sparse.csgraph.connected_components (numbered the
    same way: by each component's lowest node)."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    from thaadsim.tracking import kernels

    rng = np.random.default_rng(seed)
    nr, nc, k = 30, 40, 35
    rows, cols = rng.integers(0, nr, k), rng.integers(0, nc, k)
    n = nr + nc
    _, ref = connected_components(coo_matrix((np.ones(k), (rows, nr + cols)), shape=(n, n)), directed=False)
    assert np.array_equal(kernels.bipartite_labels(nr, nc, rows, cols), ref)


def test_min_cost_matching_comes_sorted_by_row():
    """Authority: the contract of ``min_cost_matching`` (pairs sorted by row, each row
    once) on problems whose uncontested pairs and components come out of row order
    (the kernel's own counting sort puts them in order)."""
    rng = np.random.default_rng(5)
    for _ in range(20):
        rows, cols = np.nonzero(rng.random((12, 12)) < 0.3)
        r, c = min_cost_matching(rows, cols, rng.random(rows.size), 12, 12)
        assert r.size > 0 and np.all(np.diff(r) > 0), r
        assert np.unique(c).size == c.size
