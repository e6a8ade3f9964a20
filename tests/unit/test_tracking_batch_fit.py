"""Batch least-squares fit of a drag-free arc: converges onto the arc and states a
covariance that its errors bear out.

Authority: the chi-square distribution - for a consistent estimator of a 6-state the
normalised estimation error squared (NEES) is chi-square with 6 degrees of freedom, so
its mean over N seeded fits lies within the chi-square(6N)/N 99 % interval.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import chi2

from thaadsim.errors import InputError
from thaadsim.tracking.batch_fit import fit_arc
from thaadsim.tracking.measurement import RadarMeasurementModel, RadarSites, enu_rotation, site_ecef
from thaadsim.tracking.models import BallisticModel

SIGMA = np.array([30.0, 2e-3, 2e-3, 1.0])  # range [m], az, el [rad], range rate [m/s]


def _arc():
    model = BallisticModel()
    r = site_ecef(39.66, 124.705, 0.0)
    E = enu_rotation(39.66, 124.705)
    g, a = math.radians(40.0), math.radians(138.0)
    v = 2300.0 * np.array([math.cos(g) * math.sin(a), math.cos(g) * math.cos(a), math.sin(g)])
    x_ref = model.propagate(np.concatenate([r, E.T @ v])[None], 250.0)[0]
    times = np.arange(120.0, 251.0, 5.0)
    truth = model.propagate(np.repeat(x_ref[None], times.size, axis=0), times - 250.0)
    sites = RadarSites.from_geodetic(35.9, 128.2, 400.0)
    return model, x_ref, times, truth, sites


def test_fit_recovers_the_arc_and_its_nees_is_chi_square_6():
    model, x_ref, times, truth, sites = _arc()
    meas = RadarMeasurementModel(sites, True)
    z_true = meas.function(truth)
    R = np.broadcast_to(np.diag(SIGMA**2), (times.size, 4, 4)).copy()
    rng = np.random.default_rng(11)
    n = 200
    nees = np.empty(n)
    for i in range(n):
        Z = z_true + rng.standard_normal(z_true.shape) * SIGMA
        x0 = x_ref + np.r_[rng.normal(0, 500.0, 3), rng.normal(0, 20.0, 3)]
        x, P, it = fit_arc(x0, 250.0, times, Z, R, sites, True, model)
        assert it < 8
        e = x - x_ref
        nees[i] = e @ np.linalg.solve(P, e)
    lo, hi = chi2.interval(0.99, 6 * n)
    assert lo / n <= nees.mean() <= hi / n


def test_fit_without_noise_lands_on_the_arc():
    model, x_ref, times, truth, sites = _arc()
    meas = RadarMeasurementModel(sites, False)
    Z = meas.function(truth)
    R = np.broadcast_to(np.diag(SIGMA[:3] ** 2), (times.size, 3, 3)).copy()
    x, _, _ = fit_arc(x_ref + np.r_[300.0, -200.0, 100.0, 5.0, -5.0, 3.0], 250.0, times, Z, R, sites, False, model)
    assert np.max(np.abs(x[:3] - x_ref[:3])) < 0.5
    assert np.max(np.abs(x[3:] - x_ref[3:])) < 1e-3


def test_fewer_than_three_detections_is_an_input_error():
    model, x_ref, times, truth, sites = _arc()
    meas = RadarMeasurementModel(sites, False)
    Z = meas.function(truth[:2])
    with pytest.raises(InputError):
        fit_arc(x_ref, 250.0, times[:2], Z, np.broadcast_to(np.eye(3), (2, 3, 3)), sites, False, model)
