"""Compiled defense kernels against plain-numpy references of the same arithmetic.

Authorities: scipy's RegularGridInterpolator (trilinear look-up); a vectorised numpy
RK4 of the same PN equations (homing); a Python loop of the same doctrine (Monte Carlo); the
tracker's motion model called once per step from Python (predicted paths).
"""

from __future__ import annotations

import math

import numpy as np
from scipy.interpolate import RegularGridInterpolator

from thaadsim.defense.kernels import doctrine_mc, homing_batch, table_lookup
from thaadsim.tracking.kernels import ballistic_paths


def test_table_lookup_matches_scipy_with_periodic_azimuth():
    rng = np.random.default_rng(3)
    table = rng.random((8, 5, 7))
    daz = 2 * math.pi / 8
    az = rng.uniform(0, 2 * math.pi, 500)
    h = rng.uniform(100.0, 100.0 + 4 * 50.0, 500)
    r = rng.uniform(0.0, 6 * 10.0, 500)
    got = table_lookup(table, 0.0, daz, 100.0, 50.0, 0.0, 10.0, az, h, r)
    padded = np.concatenate([table, table[:1]], axis=0)
    ref = RegularGridInterpolator((np.arange(9) * daz, 100.0 + 50.0 * np.arange(5), 10.0 * np.arange(7)), padded)
    np.testing.assert_allclose(got, ref(np.stack([az, h, r], axis=1)), rtol=0, atol=1e-12)
    # Outside the grid or next to an unreachable corner: NaN.
    table[0, 0, 0] = np.nan
    out = table_lookup(table, 0.0, daz, 100.0, 50.0, 0.0, 10.0, np.array([0.1, 0.1]), np.array([110.0, 1e6]),
                       np.array([1.0, 1.0]))
    assert np.isnan(out).all()


def _homing_numpy(r0, v0, nav, a_max, tau, dt, t_max):
    y = np.concatenate([r0, v0, np.zeros_like(r0)], axis=1)
    n = len(y)
    miss = np.full(n, np.nan)
    done = np.zeros(n, bool)

    def rhs(y):
        r, v, a = y[:, :3], y[:, 3:6], y[:, 6:]
        rr = np.sum(r * r, axis=1, keepdims=True)
        rn = np.sqrt(rr)
        vc = -np.sum(r * v, axis=1, keepdims=True) / rn
        cmd = nav * vc * np.cross(np.cross(r, v) / rr, r / rn)
        mag = np.linalg.norm(cmd, axis=1, keepdims=True)
        cmd = np.where(mag > a_max, cmd * a_max / np.maximum(mag, 1e-300), cmd)
        return np.concatenate([v, -a, (cmd - a) / tau], axis=1)

    t = 0.0
    while t < t_max and not done.all():
        k1 = rhs(y)
        k2 = rhs(y + 0.5 * dt * k1)
        k3 = rhs(y + 0.5 * dt * k2)
        k4 = rhs(y + dt * k3)
        y1 = y + dt / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
        rdot0 = np.sum(y[:, :3] * y[:, 3:6], axis=1)
        rdot1 = np.sum(y1[:, :3] * y1[:, 3:6], axis=1)
        ends = ~done & (rdot1 >= 0)
        if ends.any():
            vv = np.sum(y[ends, 3:6] ** 2, axis=1)
            s = np.clip(-rdot0[ends] / vv, 0, dt)
            miss[ends] = np.linalg.norm(y[ends, :3] + s[:, None] * y[ends, 3:6], axis=1)
            done |= ends
        y = np.where(done[:, None], y, y1)
        t += dt
    return miss


def test_homing_kernel_matches_numpy_rk4():
    rng = np.random.default_rng(4)
    v = np.array([-3000.0, 0.0, -3500.0]) + rng.normal(0, 20.0, (40, 3))
    r = -np.array([-3000.0, 0.0, -3500.0]) * 6.0 + rng.normal(0, 800.0, (40, 3))
    got, _ = homing_batch(r, v, 4.0, 100.0, 0.1, 2e-3, 60.0)
    ref = _homing_numpy(r, v, 4.0, 100.0, 0.1, 2e-3, 60.0)
    np.testing.assert_allclose(got, ref, rtol=1e-6, atol=1e-6)  # metres


def _doctrine_python(u_det, u_kill, works, pd, p, shots, look, inventory):
    leaked = np.zeros(u_det.shape, bool)
    fired = np.zeros(u_det.shape, int)
    for r in range(u_det.shape[0]):
        left = inventory
        for w in range(u_det.shape[1]):
            if not (works[r] and u_det[r, w] < pd):
                leaked[r, w] = True
                continue
            n = 0
            killed = False
            for s in range(shots):
                if left == 0 or (look and killed):
                    break
                left -= 1
                n += 1
                killed = killed or u_kill[r, w, s] < p
            fired[r, w], leaked[r, w] = n, not killed
    return leaked, fired


def test_doctrine_kernel_matches_python_loop():
    rng = np.random.default_rng(9)
    u_det, u_kill, works = rng.random((30, 20)), rng.random((30, 20, 3)), rng.random(30) < 0.9
    for look in (False, True):
        for inv in (5, 30, 10_000):
            got = doctrine_mc(u_det, u_kill, works, 0.9, 0.7, 3, look, inv)
            ref = _doctrine_python(u_det, u_kill, works, 0.9, 0.7, 3, look, inv)
            np.testing.assert_array_equal(got[0], ref[0])
            np.testing.assert_array_equal(got[1], ref[1])


def test_ballistic_paths_are_the_motion_models_steps():
    """Reentering states (80 km up, descending at 45 deg; one vacuum 6-state) sampled every 2 s
    (two 1 s RK4 sub-steps each): bit for bit the states ``BallisticModel.propagate`` gives one
    step at a time from Python, ending at the last sample above the ellipsoid."""
    from thaadsim.earth.kernels import EARTH_WGS84, geodetic_from_ecef
    from thaadsim.tracking.models import BallisticModel

    model = BallisticModel(drag=True)
    up = np.array([0.0, 0.6, 0.8])
    east = np.array([1.0, 0.0, 0.0])
    r0 = up * (6_371_000.0 + 80_000.0)
    starts = [np.r_[r0, 2000.0 * (east - up) / math.sqrt(2.0), math.log(b)] for b in (2000.0, 20000.0)]
    for m, x0 in [(model, s) for s in starts] + [(model.without_drag(), starts[0][:6])]:
        got, count = ballistic_paths(x0[None, :], 500, 2.0, m.max_step_s, *m._args)
        want, x = [x0[:6]], x0[None, :]
        while True:
            x = m.propagate(x, 2.0)
            if geodetic_from_ecef(x[0, 0], x[0, 1], x[0, 2], EARTH_WGS84)[2] < 0.0:
                break
            want.append(x[0, :6])
        assert 10 < count[0] == len(want) < 500
        np.testing.assert_array_equal(got[0, :count[0]], np.array(want))
        assert np.isnan(got[0, count[0]:]).all()
