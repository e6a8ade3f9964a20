"""The tracker's components, each alone: pre-gate pairs, matching, gate, GNN and JPDA
associators, initiators, lifecycle rules, the typed configuration and a swapped
component in the manager.

Authorities: brute-force enumeration (pairs, matchings), the closed forms of the
initiators (two-point velocity = displacement / dt; single-point velocity = range rate
along the line of sight), the M-of-N and K-miss rules as stated in the manager's
doc (Blackman & Popoli 1999, sec. 3.4), and ``jpda_weights`` for the JPDA associator.
"""

from __future__ import annotations

import itertools
import typing

import numpy as np
import pytest

from thaadsim.tracking.association import (
    GatedPairs,
    candidate_pairs,
    jpda_weights,
    min_cost_matching,
)
from thaadsim.tracking.associators import GNNAssociator, JPDAAssociator
from thaadsim.tracking.frame import CONFIRMED, TENTATIVE, Frame, TrackTable
from thaadsim.tracking.gating import EllipsoidGate, Prediction, broken_predictions
from thaadsim.tracking.initiators import (
    LnBetaPrior,
    SinglePointInitiator,
    TwoPointInitiator,
)
from thaadsim.tracking.lifecycle import MissDeletion, MOfNConfirmation, step_lifecycle
from thaadsim.tracking.manager import TrackerConfig, TrackManager
from thaadsim.tracking.measurement import RadarMeasurementModel, RadarSites, site_ecef

SITE = (36.0513, 128.2229, 680.0)
PRIOR = LnBetaPrior(np.log(5000.0), 1.5)


def _frame(t, pos, rr=None, sig=(10.0, 3e-4, 3e-4, 1.0)):
    """A frame of exact radar measurements of ECEF positions ``pos`` (M, 3)."""
    with_rr = rr is not None
    meas = RadarMeasurementModel(RadarSites.from_geodetic(*SITE), with_rr)
    X = np.zeros((len(pos), 6))
    X[:, :3] = pos
    Z = meas.function(X)
    if with_rr:
        Z[:, 3] = rr
    m = Z.shape[1]
    R = np.repeat(np.diag(np.array(sig[:m]) ** 2)[None], len(pos), 0)
    return Frame(float(t), 0, Z, R, np.arange(len(pos)), np.arange(len(pos)), meas)


def _points(n, rng, spread=20e3):
    s = site_ecef(*SITE)
    up = s / np.linalg.norm(s)
    return s + 300e3 * up + rng.uniform(-spread, spread, (n, 3))


# ------------------------------------------------------------------ pre-gate and matching
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_candidate_pairs_are_exactly_the_pairs_within_radius(seed):
    """Brute force over every (track, detection) distance."""
    rng = np.random.default_rng(seed)
    tp, dp = rng.uniform(0, 1e5, (60, 3)), rng.uniform(0, 1e5, (150, 3))
    r = rng.uniform(0, 2.5e4, 60)
    ii, jj = candidate_pairs(tp, r, dp)
    a, b = np.nonzero(np.linalg.norm(tp[:, None] - dp[None], axis=2) <= r[:, None])
    assert np.array_equal(ii, a) and np.array_equal(jj, b)


def test_candidate_pairs_at_the_grid_edges_are_the_brute_force_ones():
    """Brute force again where the grid of ``pairs_within_radius`` could lose a pair: one
    broad track beside many narrow ones (cell from the median radius), radii on a cell
    boundary, detections in a plane and at one point (flat or no spread), tracks outside
    the grid, far away or not finite (no pairs)."""
    rng = np.random.default_rng(7)
    dp = np.vstack([rng.uniform(0, 1e5, (120, 3)), np.full((5, 3), 5e4), rng.normal(2e4, 300.0, (40, 3))])
    tp = np.vstack([rng.uniform(-2e4, 1.2e5, (80, 3)), [[1e30, 0.0, 0.0], [np.nan, 1.0, 1.0], [5e4, 5e4, 5e4]]])
    r = np.concatenate([rng.uniform(0, 4e3, 80), [1e31, 5e3, 0.0]])
    r[:10] = 1.5e5  # broad tracks
    r[10:20] = 1e5 / 64  # the grid's cell size
    for det in (dp, np.column_stack([dp[:, 0], dp[:, 1], np.zeros(len(dp))]), np.full((6, 3), 7e3)):
        ii, jj = candidate_pairs(tp, r, det)
        with np.errstate(invalid="ignore"):
            a, b = np.nonzero(np.linalg.norm(tp[:, None] - det[None], axis=2) <= r[:, None])
        assert np.array_equal(ii, a) and np.array_equal(jj, b)


@pytest.mark.parametrize("seed", range(6))
def test_min_cost_matching_is_the_largest_cheapest_matching(seed):
    """Exhaustive enumeration: most pairs first, then least total cost."""
    rng = np.random.default_rng(seed)
    nr, nc = 5, 4
    allowed = rng.random((nr, nc)) < 0.45
    rows, cols = np.nonzero(allowed)
    cost = rng.uniform(0, 100, rows.size)
    r, c = min_cost_matching(rows, cols, cost, nr, nc)
    cmap = {(i, j): w for i, j, w in zip(rows, cols, cost, strict=True)}
    best = (0, 0.0)
    for perm in itertools.permutations(range(nc + nr), nr):  # column >= nc: unmatched
        pairs = [(i, j) for i, j in enumerate(perm) if j < nc and (i, j) in cmap]
        if len(pairs) != sum(j < nc for j in perm):
            continue
        key = (len(pairs), -sum(cmap[p] for p in pairs))
        best = max(best, key)
    assert len(set(c.tolist())) == c.size and np.all(np.diff(r) > 0)
    assert r.size == best[0]
    assert sum(cmap[(i, j)] for i, j in zip(r, c, strict=True)) == pytest.approx(-best[1], abs=1e-9)


# ------------------------------------------------------------------ gate and associators
def test_gate_keeps_the_detection_at_the_prediction_and_drops_a_far_one():
    rng = np.random.default_rng(3)
    pos = _points(1, rng)
    frame = _frame(5.0, np.vstack([pos, pos + [30e3, 0.0, 0.0]]))
    X = np.hstack([pos, np.zeros((1, 3))])
    P = np.diag([100.0**2] * 3 + [10.0**2] * 3)[None]
    g = EllipsoidGate(0.999, 3)
    from thaadsim.tracking.filters import make_filter
    from thaadsim.tracking.models import ConstantVelocityModel

    f = make_filter("ekf", ConstantVelocityModel(), frame.meas)
    mp = f.predict_measurement(X, P)
    pairs = g(Prediction(X, P, np.zeros(1, bool)), mp, frame, frame.meas)
    assert pairs.det.tolist() == [0] and pairs.d2[0] == pytest.approx(0.0, abs=1e-9)
    assert g.threshold == pytest.approx(16.266, abs=1e-3)  # chi-square 3 dof, 0.999 (tables)


def _pairs(track, det, d2, m=3):
    track, det, d2 = np.asarray(track), np.asarray(det), np.asarray(d2, float)
    S = np.repeat(np.eye(m)[None], track.size, 0)
    return GatedPairs(track, det, d2, np.zeros((track.size, m)), S, np.zeros(track.size))


def test_gnn_associator_takes_the_cheaper_total():
    """Two tracks, two detections: 1+1 beats 0+9 (the greedy choice)."""
    h = GNNAssociator().associate(2, 2, _pairs([0, 0, 1], [0, 1, 0], [1.0, 0.0, 1.0]), 16.0)
    assert dict(zip(h.tracks.tolist(), h.dets.tolist(), strict=True)) == {0: 1, 1: 0}


def test_jpda_associator_matches_the_marginals_and_picks_the_most_probable():
    pairs = _pairs([0, 0, 1], [0, 1, 1], [0.5, 4.0, 1.0])
    assoc = JPDAAssociator(0.9, 0.999, 1e-6, 0.5, 20_000)
    h = assoc.associate(2, 2, pairs)
    beta, beta0 = jpda_weights(2, 2, pairs, 0.9, 0.999, 1e-6)
    assert np.allclose(h.weights[0], [beta0[0], beta[0], beta[1]])
    assert np.allclose(h.weights[1], [beta0[1], beta[2], 0.0])
    assert h.cand.tolist() == [[0, 1], [1, -1]]
    assert h.best.tolist() == [0, 1] and h.best_pair.tolist() == [0, 2]
    total = np.array([beta[0], beta[1] + beta[2]])
    assert h.claimed.tolist() == (total >= 0.5).tolist()


# ------------------------------------------------------------------ initiators
def test_two_point_initiator_velocity_is_displacement_over_time():
    rng = np.random.default_rng(4)
    p1 = _points(3, rng, 200e3)
    v = np.array([[1500.0, -800.0, 300.0], [-2000.0, 100.0, 900.0], [0.0, 2500.0, -1200.0]])
    ini = TwoPointInitiator(8000.0, PRIOR)
    X0, P0, rows = ini.initiate(_frame(10.0, p1), 7)
    assert rows.size == 0 and len(ini.pending[0]) == 3  # first frame: nothing to pair with
    X0, P0, rows = ini.initiate(_frame(12.0, p1 + 2.0 * v), 7)
    assert rows.tolist() == [0, 1, 2]
    assert np.allclose(X0[:, 3:6], v, atol=1e-3)  # exact measurements: m/s to round-off
    assert np.all(X0[:, 6] == PRIOR.mean) and np.all(P0[:, 6, 6] == PRIOR.sigma**2)
    assert len(ini.pending[0]) == 0


def test_two_point_initiator_rejects_too_fast_and_survives_an_empty_pending_frame():
    rng = np.random.default_rng(5)
    p1 = _points(1, rng)
    ini = TwoPointInitiator(1000.0, PRIOR)
    ini.initiate(_frame(0.0, np.zeros((0, 3))), 6)  # a frame whose detections all went to tracks
    assert ini.initiate(_frame(1.0, p1), 6)[2].size == 0
    assert ini.initiate(_frame(2.0, p1 + [5000.0, 0, 0]), 6)[2].size == 0  # 5 km/s > 1 km/s


def test_single_point_initiator_velocity_along_the_line_of_sight():
    rng = np.random.default_rng(6)
    pos = _points(2, rng)
    frame = _frame(0.0, pos, rr=np.array([-1200.0, 800.0]))
    X0, P0, _ = SinglePointInitiator(3000.0, PRIOR).initiate(frame, 6)
    u = pos - frame.meas.sites.ecef_m[0]
    u /= np.linalg.norm(u, axis=1, keepdims=True)
    assert np.allclose(X0[:, 3:6], np.array([-1200.0, 800.0])[:, None] * u)
    assert np.allclose(X0[:, :3], pos, atol=1e-6)
    var_los = np.einsum("ki,kij,kj->k", u, P0[:, 3:6, 3:6], u)
    assert np.allclose(var_los, 1.0) and np.allclose(np.trace(P0[:, 3:6, 3:6], axis1=1, axis2=2), 2 * 3000.0**2 + 1)


# ------------------------------------------------------------------ lifecycle
def test_m_of_n_confirms_on_the_mth_hit_and_drops_the_hopeless():
    c = MOfNConfirmation(3, 5)
    st = np.full(5, TENTATIVE)
    hits, age = np.array([3, 2, 3, 1, 3]), np.array([3, 3, 6, 4, 5])
    assert c.confirm(st, hits, age).tolist() == [True, False, False, False, True]  # age 6 > N; 5 = N counts
    assert c.hopeless(st, hits, age).tolist() == [False, False, True, True, False]  # 1 + (5-4) < 3
    assert MOfNConfirmation(1, 1).at_birth and not c.at_birth


def test_miss_deletion_deletes_confirmed_after_k_misses_and_diverged_any():
    d = MissDeletion(5, 1000.0)
    P = np.repeat(np.eye(6)[None], 4, 0)
    P[3, 0, 0] = 2000.0**2
    P[2, 1, 1] = np.nan
    st = np.array([CONFIRMED, TENTATIVE, CONFIRMED, TENTATIVE])
    assert d.delete(st, np.array([5, 9, 0, 0]), P).tolist() == [True, False, True, True]


def test_step_lifecycle_confirms_at_the_third_hit_and_deletes_after_k_misses():
    tab = TrackTable(6)
    tab.add(0.0, np.zeros((1, 6)), np.repeat(np.eye(6)[None], 1, 0), np.array([0]), np.array([0]), False)
    conf, dele = MOfNConfirmation(3, 5), MissDeletion(2, 1e4)
    for k, h in enumerate([False, True, True]):  # hits 1 (birth), 1, 2, 3
        step_lifecycle(tab, np.array([h]), float(k + 1), conf, dele)
    assert tab.status.tolist() == [CONFIRMED]
    step_lifecycle(tab, np.array([False]), 4.0, conf, dele)
    assert len(tab) == 1
    step_lifecycle(tab, np.array([False]), 5.0, conf, dele)
    assert len(tab) == 0
    (tr,) = tab.tracks()
    assert tr.confirmed_time_s == 3.0 and tr.deleted_time_s == 5.0


def test_broken_predictions():
    """Rows: fine; inside the Earth; too fast; NaN state; beyond 1e8 m; position sigma
    above ten times the limit; NaN covariance; just inside every limit."""
    X = np.array([[7e6, 0, 0, 1e3, 0, 0], [1e3, 0, 0, 0, 0, 0], [7e6, 0, 0, 3e4, 0, 0], [np.nan] * 6,
                  [2e8, 0, 0, 0, 0, 0], [7e6, 0, 0, 0, 0, 0], [7e6, 0, 0, 0, 0, 0], [1e8, 0, 0, 16e3, 0, 0]])
    P = np.repeat(np.eye(6)[None], 8, 0)
    P[5, :3, :3] = np.eye(3) * (5e5**2 / 3.0) * 1.01
    P[6, 4, 4] = np.nan
    P[7, :3, :3] = np.eye(3) * (5e5**2 / 3.0) * 0.99
    assert broken_predictions(X, P, 8000.0, 5e4).tolist() == [False, True, True, True, True, True, True, False]


# ------------------------------------------------------------------ configuration and manager
def test_config_choices_are_typed_literals():
    hints = typing.get_type_hints(TrackerConfig)
    assert typing.get_args(hints["filter"]) == ("ekf", "ukf")
    assert typing.get_args(hints["association"]) == ("gnn", "jpda")
    assert typing.get_args(hints["initiation"]) == ("single_point", "two_point")
    assert isinstance(TrackerConfig(association="jpda").associator(True), JPDAAssociator)
    assert isinstance(TrackerConfig(initiation="two_point").initiator(), TwoPointInitiator)


def test_a_swapped_confirmation_rule_changes_only_confirmation():
    """M = 1 passed in as a component: every track is confirmed at birth."""
    rng = np.random.default_rng(7)
    frame = _frame(0.0, _points(4, rng), rr=np.zeros(4))
    mgr = TrackManager(TrackerConfig(), frame.meas.sites, True, confirmation=MOfNConfirmation(1, 1))
    mgr.process_frame(0.0, 0, frame.Z, frame.R, frame.det_index, frame.truth_id)
    assert mgr.status.tolist() == [CONFIRMED] * 4
    mgr2 = TrackManager(TrackerConfig(), frame.meas.sites, True)
    mgr2.process_frame(0.0, 0, frame.Z, frame.R, frame.det_index, frame.truth_id)
    assert mgr2.status.tolist() == [TENTATIVE] * 4



@pytest.mark.parametrize("with_rr", [True, False])
def test_compiled_second_order_prediction_matches_the_numpy_path(with_rr):
    """The radar's compiled second-order EKF moments against the generic numpy path of
    ``MeasurementModel.second_order_prediction`` (hessian by batched differences,
    einsum): equal to round-off, per component."""
    from thaadsim.tracking.measurement import MeasurementModel

    m = RadarMeasurementModel(RadarSites.from_geodetic([36.0, 37.0], [128.0, 127.0], [680.0, 0.0]), with_rr)
    rng = np.random.default_rng(8)
    k = 40
    X = np.c_[rng.normal(0, 3e5, (k, 3)) + [-3.2e6, 4.0e6, 3.9e6], rng.normal(0, 2e3, (k, 3)), rng.normal(8, 1, (k, 1))]
    A = rng.normal(size=(k, 7, 7))
    P = A @ A.transpose(0, 2, 1) * 1e6
    ctx = rng.integers(0, 2, k)
    ref = MeasurementModel.second_order_prediction(m, X, P, ctx)
    got = m.second_order_prediction(X, P, ctx)
    for a, b in zip(ref, got, strict=True):
        scale = np.abs(a).max(axis=0, keepdims=True) + 1e-300
        assert np.all(np.abs(a - b) <= 1e-12 * scale)
    assert np.all(got[0][:, 1] > -np.pi) and np.all(got[0][:, 1] <= np.pi)


def test_compiled_cartesian_conversion_inverts_h_and_propagates_the_noise():
    """Positions: h(to_cartesian(z)) = z (the measurement function is the authority);
    covariances: J R J^T with J the central-difference Jacobian of to_cartesian."""
    m = RadarMeasurementModel(RadarSites.from_geodetic([36.0, 37.0], [128.0, 127.0], [680.0, 0.0]), False)
    rng = np.random.default_rng(9)
    k = 20
    Z = np.c_[rng.uniform(5e4, 1e6, k), rng.uniform(-np.pi, np.pi, k), rng.uniform(0.01, 1.4, k)]
    sig = np.array([10.0, 3e-4, 3e-4])
    R = np.repeat(np.diag(sig**2)[None], k, 0)
    ctx = rng.integers(0, 2, k)
    pos, cov = m.cartesian(Z, R, ctx)
    X = np.c_[pos, np.zeros((k, 3))]
    back = m.function(X, ctx)
    assert np.allclose(back[:, 0], Z[:, 0], rtol=0, atol=1e-6)
    assert np.allclose(back[:, 1:], Z[:, 1:], rtol=0, atol=1e-12)
    steps = np.array([1.0, 1e-7, 1e-7])
    J = np.stack([(m.to_cartesian(Z + np.eye(3)[j] * steps[j], ctx) - m.to_cartesian(Z - np.eye(3)[j] * steps[j], ctx))
                  / (2 * steps[j]) for j in range(3)], axis=2)
    ref = J @ R @ np.swapaxes(J, 1, 2)
    assert np.allclose(cov, ref, rtol=1e-6, atol=1e-6)  # m^2, on variances of 100 to 1e5 m^2
    assert np.array_equal(m.to_cartesian(Z, ctx), pos) and np.array_equal(m.cartesian_covariance(Z, R, ctx), cov)
