"""Access over trajectory batches vs a plain-numpy reference built on ``geometry.look``."""

from __future__ import annotations

import numpy as np
import pytest

from thaadsim.earth import frames
from thaadsim.sensors.access import access
from thaadsim.sensors.geometry import look
from thaadsim.sensors.radar import RadarModel


@pytest.fixture(scope="module")
def radar():
    return RadarModel.from_catalog("an-tpy-2", "forward-based").with_site(36.0513, 128.2229, 680.0, "seongju")


def _arc(lat0, lon0, az, range_km, apogee_km, n, t_end):
    """Synthetic lofted arc: ground track along a geodesic, altitude a parabola in ground range."""
    s = np.linspace(0.0, range_km * 1e3, n)
    h = 4 * apogee_km * 1e3 * (s / s[-1]) * (1 - s / s[-1])
    lat, lon, _ = frames.geodesic_forward(lat0, lon0, az, s)
    return np.linspace(0.0, t_end, n), frames.geodetic_to_ecef(lat, lon, h)


def _reference(radar, t, r, rcs, thr):
    pd = look(radar, r, rcs).pd
    det = pd >= thr
    if not det.any():
        return False, np.nan, 0.0, []
    dur = float(np.sum(np.diff(t)[det[1:] & det[:-1]]))
    runs, start = [], None
    for k, d in enumerate(det):
        if d and start is None:
            start = k
        if not d and start is not None:
            runs.append((t[start], t[k - 1]))
            start = None
    if start is not None:
        runs.append((t[start], t[-1]))
    return True, t[np.argmax(det)], dur, runs


def test_access_matches_reference_ragged_and_padded(radar):
    trajs = [
        _arc(39.66, 124.705, 150.0, 900.0, 300.0, 300, 600.0),  # Tongchang-ri toward the south-east
        _arc(39.2, 125.67, 90.0, 2700.0, 550.0, 500, 900.0),  # over Japan
        _arc(41.8, 123.43, 45.0, 8000.0, 1200.0, 700, 1800.0),  # Shenyang north-east, away
        _arc(20.0, 160.0, 0.0, 1000.0, 300.0, 100, 500.0),  # far away: never seen
    ]
    times = [t for t, _ in trajs]
    pos = [r for _, r in trajs]
    acc = access(radar, times, pos, rcs_m2=0.1)
    for i, (t, r) in enumerate(trajs):
        # default: the calibration's criterion, Pd 0.9 per look (radars.yaml reference_pd)
        vis, t_first, dur, runs = _reference(radar, t, r, 0.1, 0.9)
        assert acc.visible[i] == vis
        if vis:
            assert acc.first_detection_time_s[i] == t_first
            assert acc.visible_duration_s[i] == pytest.approx(dur, abs=1e-9)
            got = acc.intervals(i)  # (start, end) pairs; compared flat because pytest.approx refuses nested tuples
            assert len(got) == len(runs)
            assert np.allclose(np.asarray(got, float).reshape(-1, 2), np.asarray(runs, float).reshape(-1, 2),
                               rtol=0.0, atol=1e-9)
            k = int(np.argmax(t == t_first))
            _, _, h = frames.ecef_to_geodetic(r[k])
            assert acc.first_detection_altitude_m[i] == pytest.approx(float(h), abs=1e-3)
        else:
            assert np.isnan(acc.first_detection_time_s[i]) and acc.visible_duration_s[i] == 0
    assert acc.visible[:2].all() and not acc.visible[3]
    # padded form gives the same answer
    t_max = max(len(t) for t in times)
    tp = np.full((4, t_max), np.nan)
    rp = np.full((4, t_max, 3), np.nan)
    for i, (t, r) in enumerate(trajs):
        tp[i, : len(t)] = t
        rp[i, : len(t)] = r
    acc2 = access(radar, tp, rp, rcs_m2=0.1)
    for name in ("visible", "first_detection_time_s", "visible_duration_s", "interval_start_s", "interval_end_s"):
        assert np.array_equal(getattr(acc, name), getattr(acc2, name), equal_nan=True), name


def test_bigger_rcs_sees_earlier_and_longer(radar):
    t, r = _arc(39.66, 124.705, 150.0, 900.0, 300.0, 400, 600.0)
    acc = access(radar, [t, t], [r, r], rcs_m2=np.array([0.01, 1.0]))
    assert acc.visible_duration_s[1] >= acc.visible_duration_s[0]
    assert acc.first_detection_time_s[1] <= acc.first_detection_time_s[0]
    assert "Pd 0.9 per look, P_fa 1e-6, Swerling 1, 1 look" in acc.criterion


def test_looks_integrated_is_an_snr_threshold(radar):
    """Several looks: detectable where the one-look SNR reaches the exact SNR that n
    non-coherently integrated looks need (the kernels apply it as a one-look Pd)."""
    from scipy import special
    from scipy.optimize import brentq

    from thaadsim.sensors.convention import DetectionConvention

    t, r = _arc(39.66, 124.705, 150.0, 900.0, 300.0, 4000, 600.0)
    conv = DetectionConvention(pd=0.9, pfa=1e-6, swerling=1, looks=4)
    acc = access(radar, [t], [r], rcs_m2=3e-4, convention=conv, keep_pd=True)
    # A Swerling-1 target decorrelates between looks (separate dwells): the sum of 4 looks is
    # a sum of 4 exponentials of mean 1+S, Pd = Q(4, T/(1+S)) with Q(4, T) = Pfa; solved
    # here with scipy, not with the package's Pd functions.
    thr = special.gammainccinv(4, 1e-6)
    need = brentq(lambda s: special.gammaincc(4, thr / (1.0 + s)) - 0.9, 1e-3, 1e4)
    snr = look(radar, r, 3e-4).snr  # small: the SNR, not the horizon, ends the detection
    det = snr >= need
    assert det.any() and not det.all()
    assert acc.first_detection_time_s[0] == t[np.argmax(det)]
    assert np.array_equal(acc.pd >= acc.pd_threshold, det)
    assert "after 4 looks" in acc.criterion
