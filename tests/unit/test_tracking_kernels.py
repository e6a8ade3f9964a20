"""Compiled tracking kernels against plain-numpy references and finite differences."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import Transformer
from scipy.integrate import solve_ivp

from thaadsim.earth.constants import OMEGA_EARTH_RAD_S
from thaadsim.earth.kernels import atmosphere_lookup, geodetic_from_ecef, gravity_ecef

# The numpy reference takes its constants from the published sources (NIMA TR8350.2,
# EGM96), not from the engine, so a wrong engine constant shows as a disagreement.
from thaadsim.studies.authorities import reference_flight as published
from thaadsim.tracking import kernels
from thaadsim.tracking.measurement import (
    RadarMeasurementModel,
    RadarSites,
    enu_rotation,
    site_ecef,
    wrap_angle,
)
from thaadsim.tracking.models import AtmosphereTable, BallisticModel, ConstantVelocityModel, cwna_process_noise

ATM = AtmosphereTable.exponential()
OMEGA = OMEGA_EARTH_RAD_S


def _state(h=30_000.0, beta=800.0):
    r = np.array([-3.0e6, 4.2e6, 3.9e6])
    r *= (6.37e6 + h) / np.linalg.norm(r)
    return np.concatenate([r, [1500.0, -1200.0, -1800.0, math.log(beta)]])


# ----------------------------------------------------------------- numpy reference


def ref_accel(x, drag=True):
    """Plain-numpy acceleration: J2 gravity in its textbook Cartesian form, Coriolis,
    centrifugal, drag with the exponential density of ATM."""
    r, v = x[:3], x[3:6]
    rr = np.linalg.norm(r)
    z2 = (r[2] / rr) ** 2
    f = 1.5 * published.J2 * (published.A / rr) ** 2
    g = -published.GM / rr**3 * r * np.array([1 + f * (1 - 5 * z2), 1 + f * (1 - 5 * z2), 1 + f * (3 - 5 * z2)])
    w = np.array([0.0, 0.0, published.OMEGA])
    a = g - 2 * np.cross(w, v) - np.cross(w, np.cross(w, r))
    if drag:
        h = geodetic_from_ecef(*r, 0)[2]
        rho = 1.225 * math.exp(-h / 7200.0) if h < 120_000.0 else 0.0
        a = a - rho * np.linalg.norm(v) * v / (2.0 * math.exp(x[6]))
    return a


def test_acceleration_matches_numpy_reference():
    x = _state()
    dx = np.empty(7)
    A = np.empty((7, 7))
    kernels._rhs(x, 7, 0, OMEGA, ATM.h0_m, ATM.dh_m, ATM.ln_rho, ATM.d2_ln_rho, dx, A, False, np.empty((3, 3)))
    assert np.allclose(dx[3:6], ref_accel(x), rtol=1e-12, atol=1e-12)
    assert np.allclose(dx[:3], x[3:6]) and dx[6] == 0.0


@pytest.mark.parametrize("earth", [0, 1])
def test_gravity_gradient_matches_finite_differences(earth):
    r = np.array([-3.1e6, 4.0e6, 4.3e6])
    G = np.empty((3, 3))
    kernels.gravity_gradient(*r, earth, G)
    fd = np.zeros((3, 3))
    for j in range(3):
        e = np.zeros(3)
        e[j] = 10.0
        fd[:, j] = (np.array(gravity_ecef(*(r + e), earth)) - np.array(gravity_ecef(*(r - e), earth))) / 20.0
    assert np.allclose(G, fd, rtol=1e-7, atol=1e-13)
    assert np.allclose(G, G.T, atol=1e-18)


@pytest.mark.parametrize("h", [30_000.0, 300_000.0])
def test_continuous_jacobian_matches_finite_differences(h):
    x = _state(h)
    A = np.empty((7, 7))
    kernels._rhs(x, 7, 0, OMEGA, ATM.h0_m, ATM.dh_m, ATM.ln_rho, ATM.d2_ln_rho, np.empty(7), A, True, np.empty((3, 3)))
    fd = np.zeros((7, 7))
    steps = [1.0] * 3 + [1e-3] * 3 + [1e-5]
    for j in range(7):
        xp, xm = x.copy(), x.copy()
        xp[j] += steps[j]
        xm[j] -= steps[j]
        dp, dm = np.empty(7), np.empty(7)
        kernels._rhs(xp, 7, 0, OMEGA, ATM.h0_m, ATM.dh_m, ATM.ln_rho, ATM.d2_ln_rho, dp, A.copy(), False, np.empty((3, 3)))
        kernels._rhs(xm, 7, 0, OMEGA, ATM.h0_m, ATM.dh_m, ATM.ln_rho, ATM.d2_ln_rho, dm, A.copy(), False, np.empty((3, 3)))
        fd[:, j] = (dp - dm) / (2 * steps[j])
    assert np.allclose(A, fd, rtol=1e-6, atol=1e-10)


@pytest.mark.parametrize("drag", [False, True])
def test_state_transition_matrix_matches_finite_differences(drag):
    model = BallisticModel(drag=drag, atmosphere=ATM)
    x = _state(30_000.0)[None, : model.ndim]
    _, Phi = model.propagate_with_jacobian(x, 7.3)
    steps = np.array([10.0] * 3 + [0.1] * 3 + [1e-4])[: model.ndim]  # above round-off at 6e6 m
    fd = np.zeros_like(Phi[0])
    for j in range(model.ndim):
        e = np.zeros(model.ndim)
        e[j] = steps[j]
        fd[:, j] = (model.propagate(x + e, 7.3)[0] - model.propagate(x - e, 7.3)[0]) / (2 * steps[j])
    col = np.abs(Phi[0]).max(axis=0)
    assert np.all(np.abs(fd - Phi[0]) <= 1e-6 * col)


def test_rk4_propagation_matches_tight_reference_integration():
    model = BallisticModel(drag=True, atmosphere=ATM, max_step_s=0.5)
    x0 = _state(60_000.0, beta=2000.0)
    x0[3:6] = [900.0, -700.0, 1800.0]  # climbing out of the atmosphere and back
    sol = solve_ivp(lambda t, y: np.concatenate([y[3:6], ref_accel(y), [0.0]]), (0, 120.0), x0,
                    method="DOP853", rtol=1e-12, atol=1e-6)
    xk = model.propagate(x0[None], 120.0)[0]
    assert np.linalg.norm(xk[:3] - sol.y[:3, -1]) < 0.05
    assert np.linalg.norm(xk[3:6] - sol.y[3:6, -1]) < 1e-3


def test_batch_propagation_equals_one_by_one_and_backward_inverts_forward():
    model = BallisticModel()
    X = np.array([_state(h)[:6] for h in (100e3, 200e3, 300e3)])
    dt = np.array([3.0, 17.5, 0.0])
    batch = model.propagate(X, dt)
    for k in range(3):
        assert np.array_equal(batch[k], model.propagate(X[k : k + 1], dt[k])[0])
    back = model.propagate(batch, -dt)
    assert np.allclose(back, X, atol=1e-6)


def test_density_and_slope_match_the_us1976_spline_lookup():
    from thaadsim.earth.atmosphere import kernel_table

    tab = kernel_table()
    atm = AtmosphereTable.from_kernel_table(tab)
    for h in (-1500.0, 0.0, 1234.5, 11_000.0, 47_321.0, 86_000.0, 119_999.0, 999_000.0, 2e6):
        rho, drho = kernels.density_and_slope(h, atm.h0_m, atm.dh_m, atm.ln_rho, atm.d2_ln_rho)
        ref = atmosphere_lookup(h, *tab)[0]
        assert rho == pytest.approx(ref, rel=1e-13, abs=0.0)
        e = 0.01
        fd = (kernels.density_and_slope(h + e, atm.h0_m, atm.dh_m, atm.ln_rho, atm.d2_ln_rho)[0]
              - kernels.density_and_slope(h - e, atm.h0_m, atm.dh_m, atm.ln_rho, atm.d2_ln_rho)[0]) / (2 * e)
        assert drho == pytest.approx(fd, rel=1e-6, abs=1e-30)
    # the exponential test atmosphere (zero curvature) is exact: slope = -rho / H
    rho, drho = kernels.density_and_slope(50_000.0, ATM.h0_m, ATM.dh_m, ATM.ln_rho, ATM.d2_ln_rho)
    assert rho == pytest.approx(1.225 * math.exp(-50_000.0 / 7200.0), rel=1e-12)
    assert drho == pytest.approx(-rho / 7200.0, rel=1e-9)


def test_propagate_to_height_finds_the_ground_crossing():
    model = BallisticModel()
    x0 = _state(80_000.0)[None, :6]
    x0[0, 3:6] = 0.0
    x0[0, 3:6] += 1000.0 * x0[0, :3] / np.linalg.norm(x0[0, :3])  # straight up at 1 km/s
    xf, dt = model.propagate_to_height(x0, 0.0, +1)
    assert abs(geodetic_from_ecef(*xf[0, :3], 0)[2]) < 1e-3
    assert np.allclose(model.propagate(x0, dt)[0], xf[0], atol=1e-3)
    xb, db = model.propagate_to_height(x0, 0.0, -1)  # backward in time: down the ascending leg
    assert db[0] < 0 and abs(geodetic_from_ecef(*xb[0, :3], 0)[2]) < 1e-3
    assert np.allclose(model.propagate(xb, -db)[0], x0[0], atol=1e-3)


# ----------------------------------------------------------------- radar measurement

SITE = (36.0513, 128.2229, 680.0)


def test_site_ecef_and_enu_rotation_match_pyproj():
    tr = Transformer.from_crs("EPSG:4979", "EPSG:4978", always_xy=True)
    for lat, lon, alt in [SITE, (-45.0, -170.0, 3000.0), (89.0, 10.0, 0.0)]:
        ref = np.array(tr.transform(lon, lat, alt))
        assert np.linalg.norm(site_ecef(lat, lon, alt) - ref) < 1e-6
        R = enu_rotation(lat, lon)
        assert np.allclose(R @ R.T, np.eye(3), atol=1e-15)
        up = (np.array(tr.transform(lon, lat, alt + 1.0)) - ref)
        assert np.allclose(R[2], up, atol=1e-8)


def _ref_measure(x, site):
    s = site_ecef(*site)
    R = enu_rotation(site[0], site[1])
    d = R @ (x[:3] - s)
    r = np.linalg.norm(d)
    return np.array([r, math.atan2(d[0], d[1]), math.asin(d[2] / r), (x[:3] - s) @ x[3:6] / r])


def test_radar_measurement_matches_reference_and_jacobian_matches_fd():
    sites = RadarSites.from_geodetic(*SITE)
    model = RadarMeasurementModel(sites, with_range_rate=True)
    s = site_ecef(*SITE)
    R = enu_rotation(SITE[0], SITE[1])
    X = np.array([np.concatenate([s + R.T @ np.array([e, n, u]), [2000.0, -500.0, 300.0], [7.0]])
                  for e, n, u in [(3e5, 2e5, 1e5), (-4e5, -1e3, 2e5), (10.0, -3e5, 5e4)]])
    Z, H = model.function_with_jacobian(X)
    for k in range(3):
        assert np.allclose(Z[k], _ref_measure(X[k], SITE), rtol=1e-13, atol=1e-12)
    fd = np.zeros_like(H)
    for j in range(7):
        e = 1.0 if j < 3 else 1e-3
        xp, xm = X.copy(), X.copy()
        xp[:, j] += e
        xm[:, j] -= e
        fd[:, :, j] = model.residual(model.function(xp), model.function(xm)) / (2 * e)
    assert np.allclose(H, fd, rtol=1e-6, atol=1e-12)
    assert np.all(H[:, :, 6] == 0.0)
    # the cartesian inverse undoes h
    assert np.allclose(model.to_cartesian(Z), X[:, :3], atol=1e-6)


def test_measurement_hessian_matches_second_differences():
    sites = RadarSites.from_geodetic(*SITE)
    model = RadarMeasurementModel(sites, with_range_rate=True)
    s = site_ecef(*SITE)
    x = np.concatenate([s + enu_rotation(SITE[0], SITE[1]).T @ np.array([3e5, 2e5, 1e5]), [2000.0, -500.0, 300.0]])
    Hs = model.hessian(x[None])[0]
    i, j = 3, 0  # d^2 rr / dv_x dx: (delta - u_x u_x) / r
    e = np.zeros(6)
    e[i] = 1.0
    f = np.zeros(6)
    f[j] = 10.0
    h = lambda y: model.function(y[None])[0]  # noqa: E731
    num = (h(x + e + f) - h(x + e - f) - h(x - e + f) + h(x - e - f)) / (4 * 1.0 * 10.0)
    assert np.allclose(Hs[:, i, j], num, rtol=1e-5, atol=1e-14)


def test_angle_wrapping():
    assert np.allclose(wrap_angle([3 * math.pi, -3 * math.pi, 0.1, math.pi]), [math.pi, math.pi, 0.1, math.pi])
    model = RadarMeasurementModel(RadarSites.from_geodetic(*SITE))
    d = model.residual(np.array([[1.0, -math.pi + 0.01, 0.2]]), np.array([[0.0, math.pi - 0.01, 0.1]]))
    assert np.allclose(d, [[1.0, 0.02, 0.1]])


# ----------------------------------------------------------------- Kalman update


def _ref_joseph(x, P, nu, H, R):
    S = H @ P @ H.T + R
    K = P @ H.T @ np.linalg.inv(S)
    IKH = np.eye(len(x)) - K @ H
    return x + K @ nu, IKH @ P @ IKH.T + K @ R @ K.T, nu @ np.linalg.solve(S, nu)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(3, 4), st.floats(-6, 6))
def test_joseph_update_matches_numpy_and_stays_positive_definite(seed, m, log_ratio):
    rng = np.random.default_rng(seed)
    n = 7
    A = rng.standard_normal((n, n))
    P = A @ A.T * 10.0**log_ratio + 1e-3 * np.eye(n)
    H = rng.standard_normal((m, n))
    B = rng.standard_normal((m, m))
    R = B @ B.T + 1e-2 * np.eye(m)
    x = rng.standard_normal(n)
    nu = rng.standard_normal(m)
    Xo, Po, S, nis, _ = kernels.kalman_update_joseph(x[None], P[None], nu[None], H[None], R[None])
    xr, Pr, nr = _ref_joseph(x, P, nu, H, R)
    assert np.allclose(Xo[0], xr, rtol=1e-8, atol=1e-8 * np.abs(xr).max())
    assert np.allclose(Po[0], Pr, rtol=1e-7, atol=1e-9 * np.abs(Pr).max())
    assert nis[0] == pytest.approx(nr, rel=1e-8)
    assert np.array_equal(Po[0], Po[0].T)
    assert np.linalg.eigvalsh(Po[0]).min() > 0.0


def test_process_noise_is_the_cwna_closed_form():
    Q = cwna_process_noise([2.0], 3.0, 1, 0.5)[0]
    assert Q[0, 0] == pytest.approx(3.0 * 8 / 3) and Q[0, 3] == pytest.approx(3.0 * 2.0)
    assert Q[3, 3] == pytest.approx(6.0) and Q[6, 6] == pytest.approx(1.0) and Q[0, 1] == 0.0
    assert np.allclose(ConstantVelocityModel(3.0).process_noise([2.0])[0], Q[:6, :6])
    assert np.linalg.eigvalsh(Q).min() > -1e-12


def test_default_drag_model_uses_the_us1976_table():
    m = BallisticModel(drag=True)
    assert m.ndim == 7 and np.any(m.atmosphere.d2_ln_rho != 0.0)
    x = _state(40_000.0, beta=1000.0)[None]
    x1 = m.propagate(x, 2.0)
    assert np.linalg.norm(x1[0, 3:6]) < np.linalg.norm(BallisticModel().propagate(x[:, :6], 2.0)[0, 3:6])


@pytest.mark.parametrize("seed", [0, 1])
def test_covariance_predict_matches_numpy(seed):
    """F P F^T + Q, symmetrised, against numpy's stacked matmul."""
    rng = np.random.default_rng(seed)
    F = rng.standard_normal((9, 7, 7))
    A = rng.standard_normal((9, 7, 7))
    P = A @ np.swapaxes(A, 1, 2)
    Q = cwna_process_noise(rng.uniform(0.1, 3.0, 9), 2.0, 1, 1e-3)
    ref = F @ P @ np.swapaxes(F, 1, 2) + Q
    ref = 0.5 * (ref + np.swapaxes(ref, 1, 2))
    got = kernels.covariance_predict(F, P, Q)
    assert np.allclose(got, ref, rtol=1e-12, atol=1e-12 * np.abs(ref).max())
    assert np.array_equal(got, np.swapaxes(got, 1, 2))


@pytest.mark.parametrize("m", [3, 4])
def test_gate_pairs_matches_the_numpy_cholesky_path(m):
    """d^2, innovation (azimuth wrapped across +-pi), S and log det S of the compiled gate
    against numpy's batch Cholesky and solve; only pairs with d^2 <= threshold kept."""
    rng = np.random.default_rng(m)
    T, M = 5, 8
    zp = rng.standard_normal((T, m)) * [1e3, 0.5, 0.5, 10.0][:m]
    zp[0, 1] = math.pi - 1e-4  # the azimuth residual must wrap
    Z = zp[rng.integers(0, T, M)] + rng.standard_normal((M, m)) * [50.0, 1e-3, 1e-3, 5.0][:m]
    Z[0, 1] = -math.pi + 1e-4
    A = rng.standard_normal((T, m, m)) * [30.0, 1e-3, 1e-3, 3.0][:m]
    Pzz = A @ np.swapaxes(A, 1, 2)
    R = np.repeat(np.diag(np.array([10.0, 3e-4, 3e-4, 1.0][:m]) ** 2)[None], M, 0)
    ti, dj = np.repeat(np.arange(T), M), np.tile(np.arange(M), T)
    mask = np.zeros(m, bool)
    mask[1] = True
    nu = Z[dj] - zp[ti]
    nu[:, 1] = wrap_angle(nu[:, 1])
    S = Pzz[ti] + R[dj]
    L = np.linalg.cholesky(S)
    y = np.linalg.solve(L, nu[:, :, None])[:, :, 0]
    d2 = np.einsum("ki,ki->k", y, y)
    ld = 2.0 * np.log(np.diagonal(L, axis1=1, axis2=2)).sum(1)
    gamma = float(np.median(d2))
    keep, d2k, nuk, Sk, ldk = kernels.gate_pairs(zp, Pzz, Z, R, ti, dj, mask, gamma)
    assert np.array_equal(keep, np.flatnonzero(d2 <= gamma)) and 0 < keep.size < ti.size
    # S mixes metres and radians (condition ~1e12): the two factorisations agree to
    # cond * eps in d^2, not to eps
    assert np.allclose(d2k, d2[keep], rtol=1e-6) and np.allclose(ldk, ld[keep], rtol=0.0, atol=1e-6)
    assert np.allclose(nuk, nu[keep], rtol=1e-12, atol=0.0) and np.allclose(Sk, S[keep], rtol=1e-12)
    assert abs(nu[0, 1]) < 1e-3  # the plant: an unwrapped residual would be ~2 pi


def test_resumed_propagation_is_bit_identical_to_starting_over():
    """A coasting track predicted 1, 2, then 3 s from the same posterior, each call
    resuming from the last, gives exactly the states and STMs of one call from scratch
    (the same RK4 operations on the same numbers); a sub-step that differs (2.5 s:
    h = 0.833 s) starts over and still matches."""
    model = BallisticModel(drag=True, atmosphere=ATM)
    X = np.array([_state(30_000.0), _state(80_000.0, 3000.0)])
    point = None
    for dt in (1.0, 2.0, 3.0, 2.5):
        Xp, F, point = model.propagate_with_jacobian_resume(X, np.full(2, dt), point)
        Xr, Fr = model.propagate_with_jacobian(X, np.full(2, dt))
        assert np.array_equal(Xp, Xr) and np.array_equal(F, Fr)
    assert point[2].tolist() == [3, 3] and point[3][0] == pytest.approx(2.5 / 3.0)
    # the resume point is used: a planted wrong resume state shows in the result
    bad = (point[0] + 1.0, point[1], point[2], point[3])
    Xb, _, _ = model.propagate_with_jacobian_resume(X, np.full(2, 2.5), bad)
    assert not np.array_equal(Xb, Xr)
    # starting over (3 s: h = 1 s, not the stored 0.833 s) ignores the stored STM: a
    # planted wrong one must not show (the tracker engine propagates in that row)
    Xs, Fs, _ = model.propagate_with_jacobian_resume(X, np.full(2, 3.0), (point[0], point[1] + 1.0, point[2], point[3]))
    X3, F3 = model.propagate_with_jacobian(X, np.full(2, 3.0))
    assert np.array_equal(Xs, X3) and np.array_equal(Fs, F3)


@pytest.mark.parametrize("pos_sigma_m", [30.0, 3_000.0, 40_000.0])
def test_range_far_pairs_flags_only_pairs_the_exact_gate_rejects(pos_sigma_m):
    """The range shortcut of the tracker engine (``range_far_pairs``) against the exact
    second-order gate it skips (``radar_ekf2_prediction`` then ``gate_pairs``), the
    authority: every pair it flags is one the exact gate rejects, and it flags the
    pairs well outside in range.  Detections sit at the exact predicted angles and
    range rate, at range innovations of 0.5 to 3 gate widths from the exact
    second-order range, so only the range decides; at 40 km position sigma (range
    100 km) the second-order shift is kilometres, and a bound that dropped it (or the
    second-order variance) would flag pairs inside the gate."""
    rng = np.random.default_rng(int(pos_sigma_m))
    T, per = 12, 40
    site, rot = site_ecef(36.0, 128.0, 500.0), enu_rotation(36.0, 128.0)
    up = rot[2]
    X = np.empty((T, 7))
    for k in range(T):
        los = rot.T @ np.array([rng.uniform(-0.5, 0.5), rng.uniform(0.5, 1.0), rng.uniform(0.1, 0.6)])
        X[k, :3] = site + rng.uniform(1e5, 4e5) * los / np.linalg.norm(los) + 5e4 * up
        X[k, 3:6] = rng.normal(0.0, 2000.0, 3)
        X[k, 6] = 8.5
    A = rng.standard_normal((T, 7, 7))
    P = A @ np.swapaxes(A, 1, 2)
    P[:, :3, :3] *= pos_sigma_m**2
    P[:, 3:6, 3:6] *= 100.0**2
    sites = np.ascontiguousarray(site[None]), np.ascontiguousarray(rot[None])
    zp, Pzz, _, _ = kernels.radar_ekf2_prediction(X, P, *sites, np.zeros(T, np.int64), True)
    R1 = np.diag([10.0, 3e-4, 3e-4, 5.0]) ** 2
    gamma = 18.47  # chi-square 0.999, 4 degrees of freedom
    ti = np.repeat(np.arange(T), per)
    width = np.sqrt(gamma * (Pzz[ti, 0, 0] + R1[0, 0]))
    Z = zp[ti].copy()
    Z[:, 0] += rng.choice([-1.0, 1.0], ti.size) * rng.uniform(0.5, 3.0, ti.size) * width
    R = np.repeat(R1[None], ti.size, 0)
    dj = np.arange(ti.size)
    far = kernels.range_far_pairs(X, P, site, rot, Z, R, ti, dj, gamma)
    mask = np.array([False, True, True, False])
    keep = kernels.gate_pairs(zp, Pzz, Z, R, ti, dj, mask, gamma)[0]
    kept = np.zeros(ti.size, bool)
    kept[keep] = True
    assert not np.any(far & kept)
    outside = np.abs(Z[:, 0] - zp[ti, 0]) > 1.1 * width
    # the bound loosens with the covariance (|P_rr| entries summed): at 40 km it still
    # flags pairs, at tracking-size covariances most of those outside
    assert far.sum() >= (0.5 if pos_sigma_m < 1e4 else 0.1) * outside.sum() > 0
    assert kept.sum() > 0


@pytest.mark.parametrize("gamma", [1.0, 18.47])
def test_range_far_pairs_is_tight_where_the_second_order_terms_decide(gamma):
    """``range_far_pairs`` against the exact second-order gate (the authority) where its
    bound is tight: the line of sight along an ECEF axis (a radar on the equator at
    longitude 0 looking straight up at 100 km) and the position covariance diagonal,
    10 m in range and 3 km across, so the second-order range shift (sigma_c^2 / r =
    90 m) and variance (sigma_c^4 / r^2) exceed the first-order range variance.
    Detections at 0.2 to 0.9 and 1.1 to 1.6 exact gate widths either side of the exact prediction:
    no flagged pair is inside the exact gate, and the pairs well outside beyond the
    shift are flagged.
    (A bound without the shift or without the second-order variance flags pairs
    inside the gate here.)"""
    site = site_ecef(0.0, 0.0, 0.0)
    rot = enu_rotation(0.0, 0.0)
    X = np.zeros((1, 7))
    X[0, :3] = site + [0.0, 1e5, 0.0]
    X[0, 3:6] = [100.0, 200.0, -50.0]
    X[0, 6] = 8.5
    P = np.diag([3e3**2, 10.0**2, 3e3**2, 50.0**2, 50.0**2, 50.0**2, 0.1])[None]
    zp, Pzz, _, _ = kernels.radar_ekf2_prediction(X, P, site[None], rot[None], np.zeros(1, np.int64), True)
    assert 80.0 < zp[0, 0] - 1e5 < 100.0  # the shift the bound must allow for
    R1 = np.diag([1.0, 3e-4, 3e-4, 5.0]) ** 2
    width = math.sqrt(gamma * (Pzz[0, 0, 0] + R1[0, 0]))
    side = np.concatenate([np.linspace(0.2, 0.9, 15), np.linspace(1.1, 1.6, 11)])
    frac = np.concatenate([-side, side])
    Z = np.repeat(zp, frac.size, 0)
    Z[:, 0] += frac * width
    R = np.repeat(R1[None], frac.size, 0)
    ti, dj = np.zeros(frac.size, np.int64), np.arange(frac.size)
    far = kernels.range_far_pairs(X, P, site, rot, Z, R, ti, dj, gamma)
    keep = kernels.gate_pairs(zp, Pzz, Z, R, ti, dj, np.array([False, True, True, False]), gamma)[0]
    assert np.array_equal(keep, np.flatnonzero(np.abs(frac) < 1.0))
    assert not np.any(far[keep])
    # beyond the shift's side the bound is within ~1.45 widths (its variance term is
    # twice the exact one here); on the near side it gives away twice the shift
    assert np.all(far[frac > 1.5])
