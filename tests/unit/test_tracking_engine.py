"""The compiled tracker engine (``tracking.engine``, ``kernels.track_frames``) against
the component loop it mirrors (``manager.TrackManager``), its reference: the same
tracks on a real scenario's measurements and on a cluttered salvo; its assignment
solver against scipy's; and the choice of engine is named, never silent."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from benchmarks.bench_tracking import compare_tracks, tracker_inputs
from scipy.optimize import linear_sum_assignment

from tests.unit.test_tracking_manager import SITE, _dets, _salvo_with_clutter
from thaadsim.errors import InputError
from thaadsim.tracking import TrackerConfig, kernels, run_tracker
from thaadsim.tracking.association import gnn_assign
from thaadsim.tracking.measurement import enu_rotation, site_ecef
from thaadsim.tracking.models import BallisticModel


def _both(det, cfg):
    comp = run_tracker(det, dataclasses.replace(cfg, engine="components"))
    fast = run_tracker(det, dataclasses.replace(cfg, engine="compiled"))
    assert (comp.engine, fast.engine) == ("components", "compiled")
    assert np.array_equal(comp.confirmed_count, fast.confirmed_count)
    assert np.array_equal(comp.tentative_count, fast.tentative_count)
    assert np.array_equal(comp.frame_times_s, fast.frame_times_s)
    return compare_tracks(comp, fast)


def test_compiled_engine_equals_the_component_loop_on_a_real_scenario():
    """Authority: the component tracker (the reference).  march-2017's two radars'
    detections as the scenario chain makes them (clutter included): the same tracks -
    ids, detections taken, update, confirmation and deletion times - and states within
    1e-6 relative (they differ only by the round-off of numpy's against compiled
    products)."""
    captured = tracker_inputs("march-2017")
    assert len(captured) == 2
    for det, cfg in captured:
        got = _both(det, cfg)
        assert got["confirmed"] >= 1 and got["tracks"] > 20, got  # targets tracked, clutter started tracks
        assert got["same_tracks"], got


@pytest.mark.parametrize("drag", [True, False])
def test_compiled_engine_equals_the_component_loop_in_clutter(drag):
    """Authority: the component tracker.  A cluttered salvo (60 false alarms a look)."""
    det = _salvo_with_clutter(np.random.default_rng(12))
    got = _both(det, TrackerConfig(drag=drag, initiation="two_point"))
    assert got["confirmed"] >= 4 and got["tracks"] > 50 and got["same_tracks"], got


def _close_pair(rng, sep_m=100.0, late=6, n=20):
    """Object A seen from the start; object B appears ``sep_m`` beside it at frame
    ``late`` with the same velocity, so B's tentative track and A's confirmed one gate
    each other's detections."""
    model = BallisticModel()
    s = site_ecef(*SITE)
    E = enu_rotation(SITE[0], SITE[1])
    xa = np.concatenate([s + E.T @ np.array([0.0, 3e5, 1.5e5]), E.T @ np.array([0.0, -2000.0, 500.0])])
    xb = xa.copy()
    xb[:3] += E.T @ np.array([sep_m, 0.0, 0.0])
    t = np.arange(n, dtype=float)
    XA = model.propagate(np.repeat(xa[None], n, 0), t)
    XB = model.propagate(np.repeat(model.propagate(xb[None], float(late)), n - late, 0), t[late:] - late)
    return _dets(np.concatenate([t, t[late:]]), np.concatenate([XA, XB]),
                 np.concatenate([np.zeros(n, dtype=int), np.ones(n - late, dtype=int)]), rng)


def test_compiled_engine_equals_the_component_loop_for_competing_tracks():
    """Authority: the component tracker.  A confirmed and a tentative track competing
    for the same detections (the confirmed tracks choose first): the same tracks.
    (Swapping that precedence in the engine fails here and nowhere else.)"""
    got = _both(_close_pair(np.random.default_rng(0)), TrackerConfig(drag=True, initiation="two_point"))
    assert got["confirmed"] == 2 and got["same_tracks"], got


def test_engine_choice_is_named_and_unsupported_configs_are_refused():
    det = _salvo_with_clutter(np.random.default_rng(3), n_frames=8, false_alarms=10)
    assert run_tracker(det, TrackerConfig(initiation="two_point")).engine == "compiled"
    for kw in ({"association": "jpda"}, {"filter": "ukf"}, {"initiation": "single_point"}):
        cfg = TrackerConfig(**{"initiation": "two_point", **kw})
        assert run_tracker(det, cfg).engine == "components"
        with pytest.raises(InputError) as err:
            TrackerConfig(**{"initiation": "two_point", **kw}, engine="compiled")
        assert err.value.field == "engine" and "\n" not in str(err.value)


@pytest.mark.parametrize("seed", range(40))
def test_linear_assignment_is_scipys(seed):
    """Authority: scipy.optimize.linear_sum_assignment (the algorithm it ports): the same
    columns, ties included (small integer costs), with forbidden (+inf) entries."""
    rng = np.random.default_rng(seed)
    nr = int(rng.integers(1, 7))
    nc = nr + int(rng.integers(0, 6))
    C = rng.integers(0, 4, (nr, nc)).astype(float) if seed % 2 else rng.uniform(0.0, 10.0, (nr, nc))
    C[rng.uniform(size=C.shape) < 0.2] = np.inf
    C[np.arange(nr), nc - nr + np.arange(nr)] = 100.0  # always feasible
    r, c = linear_sum_assignment(C)
    assert np.array_equal(kernels.linear_assignment(C)[r], c)


def test_linear_assignment_reports_an_infeasible_matrix():
    C = np.array([[np.inf, np.inf], [1.0, 2.0]])
    assert np.all(kernels.linear_assignment(C) == -1)


@pytest.mark.parametrize("seed", range(20))
def test_compiled_gnn_and_matching_are_the_dense_optimum(seed):
    """Authority: scipy on one dense matrix over all pairs.  ``gnn_pairs`` (clusters)
    takes the pairs of least total d^2 plus the miss cost; ``min_cost_pairs``
    (components) the matching with the most pairs, then least cost."""
    rng = np.random.default_rng(seed)
    nt, nd = int(rng.integers(2, 9)), int(rng.integers(2, 9))
    mask = rng.uniform(size=(nt, nd)) < 0.35
    ti, dj = np.nonzero(mask)
    d2 = rng.uniform(0.0, 20.0, ti.size)
    gate = 16.0
    C = np.full((nt, nd + nt), 1e12)
    C[ti, dj] = d2
    C[np.arange(nt), nd + np.arange(nt)] = gate
    r, c = linear_sum_assignment(C)
    ok = (c < nd) & (C[r, c] < 1e12)
    want = sorted(zip(r[ok].tolist(), c[ok].tolist(), strict=True))
    took = kernels.gnn_pairs(ti, dj, d2, nt, nd, gate, 1e12)
    assert sorted(zip(ti[took].tolist(), dj[took].tolist(), strict=True)) == want
    from thaadsim.tracking.association import GatedPairs

    pairs = GatedPairs(ti, dj, d2, np.zeros((ti.size, 3)), np.zeros((ti.size, 3, 3)), np.zeros(ti.size))
    a, b = gnn_assign(nt, nd, pairs, gate)
    assert sorted(zip(a.tolist(), b.tolist(), strict=True)) == want
    # matching: B above the sum of all costs, forbidden entries infinite, dense
    D = np.full((nt, nd + nt), np.inf)
    D[ti, dj] = d2
    D[np.arange(nt), nd + np.arange(nt)] = 1.0 + 2.0 * d2.sum()
    r, c = linear_sum_assignment(D)
    ok = c < nd
    rr, cc = kernels.min_cost_pairs(ti, dj, d2, nt, nd)
    assert list(zip(rr.tolist(), cc.tolist(), strict=True)) == sorted(zip(r[ok].tolist(), c[ok].tolist(), strict=True))
