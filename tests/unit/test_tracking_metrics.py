"""OSPA, GOSPA, NEES/NIS and truth bookkeeping against hand-computed cases."""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pytest

from thaadsim.errors import InputError
from thaadsim.tracking.manager import Track
from thaadsim.tracking.metrics import (
    chi2_band,
    fraction_inside,
    gospa,
    nees,
    nis,
    ospa,
    track_truth_summary,
    truth_count,
)


def test_ospa_hand_cases():
    assert ospa([[0.0]], [[3.0], [10.0]], c=5.0, p=1) == pytest.approx((3.0 + 5.0) / 2)
    assert ospa([[0.0], [1.0]], [[0.5], [1.5]], c=5.0, p=2) == pytest.approx(0.5)
    assert ospa([], [], 5.0) == 0.0
    assert ospa([], [[1.0, 2.0]], 5.0) == 5.0
    assert ospa([[0.0, 0.0]], [[3.0, 4.0]], c=4.0) == pytest.approx(4.0)  # cut-off
    with pytest.raises(InputError):
        ospa([[0.0]], [[1.0]], c=0.0)


def test_gospa_hand_cases():
    g = gospa([[0.0], [20.0]], [[1.0]], c=5.0, p=2)
    assert g.total == pytest.approx(math.sqrt(1.0 + 25.0 / 2))
    assert (g.missed, g.false, g.localisation) == (1, 0, pytest.approx(1.0))
    g = gospa([[0.0]], [[7.0]], c=5.0, p=2)  # beyond c: one missed, one false
    assert g.total == pytest.approx(5.0) and (g.missed, g.false) == (1, 1)
    assert gospa([], [[1.0], [2.0]], c=2.0, p=1).total == pytest.approx(2.0)


def test_nees_nis_and_bands():
    assert nees(np.array([[1.0, 2.0]]), np.array([np.diag([1.0, 4.0])]))[0] == pytest.approx(2.0)
    assert nis(np.array([[3.0]]), np.array([[[9.0]]]))[0] == pytest.approx(1.0)
    lo, hi = chi2_band(6)
    assert (lo, hi) == (pytest.approx(1.2373, abs=1e-4), pytest.approx(14.4494, abs=1e-4))
    lo50, hi50 = chi2_band(6, n_runs=50)
    assert lo < lo50 < 6 < hi50 < hi
    assert fraction_inside([0.5, 3.0, 20.0, np.nan], (lo, hi)) == pytest.approx(1 / 3)
    assert list(truth_count([0.0, 5.0, 10.0], [0.0, 4.0], [6.0, 20.0])) == [1, 2, 1]


def _track(tid, truth, conf, times=None, deleted=math.nan):
    truth = np.asarray(truth)
    t = np.arange(truth.size, dtype=float) if times is None else np.asarray(times, dtype=float)
    return Track(tid, t, np.zeros((t.size, 6)), np.zeros((t.size, 6, 6)), np.arange(t.size), truth,
                 np.zeros(t.size), 0.0, conf, deleted)


def test_track_truth_summary():
    res = SimpleNamespace(
        detection_truth_id=np.array([0, 1, 2, -1, -1]),
        confirmed_tracks=[_track(0, [0, 0, 0, 1, 1], 2.0), _track(1, [1, 1, 1, 1], 2.0),
                          _track(2, [-1, -1, 2], 2.0), _track(3, [2, 2, 2], 1.0)])
    s = track_truth_summary(res)
    assert s.truth_count == 3 and s.tracks_confirmed == 4
    assert s.false_tracks == 1  # track 2: majority false alarms
    assert s.swaps == 1  # track 0 switches from object 0 to 1 after confirmation
    assert s.redundant_tracks == 0
    res.confirmed_tracks.append(_track(4, [1, 1, 1], 2.5))
    assert track_truth_summary(res).redundant_tracks == 1
