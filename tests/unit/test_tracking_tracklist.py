"""tracking.frame.tracks_from_history: each track holds its own records, in their order."""

import numpy as np

from thaadsim.tracking.frame import tracks_from_history


def test_each_track_holds_its_records_in_order():
    """Authority: the definition - track i's rows are the records with id i, in record order
    (selected here with a mask, no sort)."""
    rng = np.random.default_rng(5)
    k, n = 300, 25
    ids = rng.integers(0, n, k)
    ids[ids == 7] = 8  # one id with no records
    times = np.arange(k, dtype=float) * 0.5
    X = rng.normal(size=(k, 7))
    P = rng.normal(size=(k, 7, 7))
    det, truth, nis = rng.integers(0, 999, k), rng.integers(-1, 3, k), rng.random(k)
    born, conf, dele = rng.random(n), np.where(rng.random(n) < 0.5, rng.random(n), np.nan), np.full(n, np.nan)
    tl = tracks_from_history(ids, times, X, P, det, truth, nis, born, conf, dele)
    assert len(tl) == n
    for i in range(n):
        m = ids == i
        tr = tl[i]
        assert tr.track_id == i and tr.initiated_time_s == born[i]
        for got, ref in ((tr.times_s, times[m]), (tr.states, X[m]), (tr.covariances, P[m]),
                         (tr.detection_index, det[m]), (tr.truth_id, truth[m]), (tr.nis, nis[m])):
            np.testing.assert_array_equal(got, ref)
    assert [t.track_id for t in tl.confirmed()] == list(np.flatnonzero(np.isfinite(conf)))
