"""Compiled tracking kernels: ballistic motion in ECEF, its variational equations, the
radar measurement function and the Joseph-form Kalman update.

Plain floats and float64 arrays in and out (numba ``njit(cache=True)``); the Python
classes in :mod:`thaadsim.tracking.models`, :mod:`~thaadsim.tracking.measurement` and
:mod:`~thaadsim.tracking.filters` wrap them.  Each kernel has a plain-numpy reference in
``tests/unit/test_tracking_kernels.py``.

State layout (SI, Earth-fixed WGS-84 frame, Earth-relative velocity)::

    x = [x, y, z, vx, vy, vz]            (nx = 6, exo-atmospheric / drag-free)
    x = [x, y, z, vx, vy, vz, ln_beta]   (nx = 7, drag with estimated ballistic coefficient)

with beta = m / (C_D A) in kg/m^2.  Equations of motion in the rotating frame
(angular rate ``omega`` about +z)::

    dr/dt = v
    dv/dt = g_J2(r) - 2 omega x v - omega x (omega x r) - rho(h) |v| v / (2 beta)
    d ln_beta/dt = 0

The air co-rotates with the Earth, so the Earth-relative velocity is also the
air-relative velocity; drag uses a constant beta (Mach-independent C_D: a named
approximation).  Density comes from a uniform table of ln(rho) on geometric (geodetic)
height, interpolated exactly as :func:`thaadsim.earth.kernels.atmosphere_lookup` does
(natural cubic spline in ln(rho)).

Propagation is classical RK4 with equal sub-steps no longer than ``max_step``.  The
state transition matrix is integrated alongside (variational equations
dPhi/dt = A(x) Phi, with A evaluated at the same RK stage points), which makes it the
exact Jacobian of the discrete RK4 map (explicit Runge-Kutta methods commute with
linearisation; Hairer, Norsett & Wanner, Solving ODEs I, sec. II.6).
"""

from __future__ import annotations

import math

import numpy as np

from thaadsim.earth.constants import GM_EARTH_M3_S2, J2_EARTH, WGS84_A_M
from thaadsim.earth.kernels import (
    EARTH_SPHERE,
    EARTH_WGS84,
    geodetic_height,
    geodetic_height_normal,
    gravity_ecef,
)
from thaadsim.jit import ERROR_MODEL, helper, kernel, leaf, njit

_MU = GM_EARTH_M3_S2
_J2 = J2_EARTH
_A = WGS84_A_M


# --------------------------------------------------------------------------- helpers


@leaf
def _put(dst, src):
    """dst[:] = src for 1-D arrays of one size, as a loop: numba's array assignment
    compiles its broadcasting machinery (seconds per type).  One loop per rank, not
    ``ravel`` - a reshape per call costs a runtime call in the tracker's inner loops."""
    for i in range(dst.shape[0]):
        dst[i] = src[i]


@leaf
def _put2(dst, src):
    """dst[:, :] = src for 2-D arrays of one shape (see :func:`_put`)."""
    for i in range(dst.shape[0]):
        for j in range(dst.shape[1]):
            dst[i, j] = src[i, j]


@leaf
def _fill(dst, v):
    """dst[:] = v for a 1-D array (see :func:`_put`)."""
    for i in range(dst.shape[0]):
        dst[i] = v


@leaf
def _fill2(dst, v):
    """dst[:, :] = v for a 2-D array (see :func:`_put`)."""
    for i in range(dst.shape[0]):
        for j in range(dst.shape[1]):
            dst[i, j] = v


@leaf
def _mm(A, B, out):
    """out = A @ B with plain loops (small matrices: compiles far faster than numba's
    BLAS path and runs as fast)."""
    n, k = A.shape
    m = B.shape[1]
    for i in range(n):
        for j in range(m):
            s = 0.0
            for p in range(k):
                s += A[i, p] * B[p, j]
            out[i, j] = s


@leaf
def _mmt(A, B, out):
    """out = A @ B.T with plain loops."""
    n, k = A.shape
    m = B.shape[0]
    for i in range(n):
        for j in range(m):
            s = 0.0
            for p in range(k):
                s += A[i, p] * B[j, p]
            out[i, j] = s


@leaf
def _a_phi(A, B, out, nx):
    """out = A @ B for the Jacobian A of :func:`_rhs`: rows 0-2 select the velocity rows
    of B (A[i, 3 + i] = 1, the rest 0), row 6 is zero; only rows 3-5 need the products
    (3 of 7 rows: the variational equations at 3/7 of the cost).  Equal to the full
    product for finite B."""
    for j in range(nx):
        out[0, j] = B[3, j]
        out[1, j] = B[4, j]
        out[2, j] = B[5, j]
        for i in range(3, 6):
            s = 0.0
            for p in range(nx):
                s += A[i, p] * B[p, j]
            out[i, j] = s
        if nx == 7:
            out[6, j] = 0.0


# --------------------------------------------------------------------------- physics


@leaf(wrapped=True)
def density_and_slope(h, h0, dh, ln_rho, d2_ln_rho):
    """(rho [kg/m^3], drho/dh [kg/m^4]) from a uniform ln(rho) table.

    Same interpolation as ``earth.kernels.atmosphere_lookup``: the natural cubic spline
    in ln(rho) through the rows (curvatures ``d2_ln_rho``; all zeros gives linear
    interpolation), vacuum at and above the last row, the first interval extrapolated
    linearly below the first row.  The slope is the spline's exact derivative.
    """
    n = ln_rho.shape[0]
    u = (h - h0) / dh
    if u >= n - 1:
        return 0.0, 0.0
    if u < 0.0:
        slope = (ln_rho[1] - ln_rho[0]) / dh
        rho = math.exp(ln_rho[0] + u * (ln_rho[1] - ln_rho[0]))
        return rho, rho * slope
    i = int(u)
    w = u - i
    v = 1.0 - w
    c0 = d2_ln_rho[i]
    c1 = d2_ln_rho[i + 1]
    lr = v * ln_rho[i] + w * ln_rho[i + 1] + ((v * v * v - v) * c0 + (w * w * w - w) * c1) * dh * dh / 6.0
    slope = (ln_rho[i + 1] - ln_rho[i]) / dh + dh / 6.0 * (-(3.0 * v * v - 1.0) * c0 + (3.0 * w * w - 1.0) * c1)
    rho = math.exp(lr)
    return rho, rho * slope


@leaf(wrapped=True)
def gravity_gradient(x, y, z, earth, G):
    """d g / d r (3x3, symmetric) of ``earth.kernels.gravity_ecef`` [1/s^2], into G."""
    r2 = x * x + y * y + z * z
    r = math.sqrt(r2)
    r3 = r2 * r
    r5 = r3 * r2
    r7 = r5 * r2
    r9 = r7 * r2
    p = (x, y, z)
    for i in range(3):
        for j in range(3):
            G[i, j] = -_MU / r3 * ((1.0 if i == j else 0.0) - 3.0 * p[i] * p[j] / r2)
    if earth == EARTH_SPHERE:
        return
    # J2 part: g_i = -C [x_i w + 2 delta_iz z u], w = r^-5 - 5 z^2 r^-7, u = r^-5
    c = 1.5 * _MU * _J2 * _A * _A
    w = 1.0 / r5 - 5.0 * z * z / r7
    for i in range(3):
        for j in range(3):
            dw = -5.0 * p[j] / r7 + 35.0 * z * z * p[j] / r9
            if j == 2:
                dw += -10.0 * z / r7
            d = (w if i == j else 0.0) + p[i] * dw
            if i == 2:
                d += 2.0 * ((1.0 / r5 if j == 2 else 0.0) + z * (-5.0 * p[j] / r7))
            G[i, j] -= c * d


@leaf(wrapped=True)
def _rhs(x, nx, earth, omega, h0, dh, ln_rho, d2_ln_rho, dx, A, want_a, G):
    """Time derivative of the state into ``dx``; its Jacobian into ``A`` if ``want_a``."""
    px, py, pz = x[0], x[1], x[2]
    vx, vy, vz = x[3], x[4], x[5]
    gx, gy, gz = gravity_ecef(px, py, pz, earth)
    w2 = omega * omega
    ax = gx + 2.0 * omega * vy + w2 * px
    ay = gy - 2.0 * omega * vx + w2 * py
    az = gz
    dx[0] = vx
    dx[1] = vy
    dx[2] = vz
    rho = 0.0
    drho = 0.0
    kd = 0.0
    speed = 0.0
    nxv = 0.0
    nyv = 0.0
    nzv = 0.0
    inv_beta = 0.0
    if nx == 7:
        if want_a:  # the Jacobian needs the ellipsoid normal (d h / d r)
            h, nxv, nyv, nzv = geodetic_height_normal(px, py, pz, earth)
        else:
            h = geodetic_height(px, py, pz, earth)
        rho, drho = density_and_slope(h, h0, dh, ln_rho, d2_ln_rho)
        if rho > 0.0:
            speed = math.sqrt(vx * vx + vy * vy + vz * vz)
            inv_beta = math.exp(-x[6])
            kd = 0.5 * rho * inv_beta  # rho / (2 beta)
            ax -= kd * speed * vx
            ay -= kd * speed * vy
            az -= kd * speed * vz
        dx[6] = 0.0
    dx[3] = ax
    dx[4] = ay
    dx[5] = az
    if not want_a:
        return
    for i in range(nx):
        for j in range(nx):
            A[i, j] = 0.0
    A[0, 3] = 1.0
    A[1, 4] = 1.0
    A[2, 5] = 1.0
    gravity_gradient(px, py, pz, earth, G)
    for i in range(3):
        for j in range(3):
            A[3 + i, j] = G[i, j]
    A[3, 0] += w2
    A[4, 1] += w2
    A[3, 4] += 2.0 * omega
    A[4, 3] -= 2.0 * omega
    if nx == 7 and rho > 0.0 and speed > 0.0:
        v = (vx, vy, vz)
        nn = (nxv, nyv, nzv)
        kr = 0.5 * drho * inv_beta * speed  # d(kd*speed)/dh
        for i in range(3):
            # d h / d r is the ellipsoid normal at the foot point (exact for geodetic height)
            for j in range(3):
                A[3 + i, j] -= kr * v[i] * nn[j]
                A[3 + i, 3 + j] -= kd * ((speed if i == j else 0.0) + v[i] * v[j] / speed)
            A[3 + i, 6] = kd * speed * v[i]  # d a_drag / d ln_beta = -a_drag


@leaf
def _rk4_step(x, nx, h, earth, omega, h0, dh, ln_rho, d2_ln_rho, phi, work, Aw, G, Kw):
    """One RK4 step of size h (may be negative) on x (and Phi, if ``Kw`` is not empty), in place.

    ``work`` (5, nx), ``Aw`` (4, nx, nx), ``G`` (3, 3) and ``Kw`` (5, nx, nx), or (0, nx, nx)
    without Phi, are scratch arrays (allocated once per batch, not per step).  The Phi
    flag comes from ``Kw``'s shape rather than a literal True/False argument, which
    numba would compile once per literal (and once more for its callee ``_rhs``)."""
    want_phi = Kw.shape[0] > 0
    k1 = work[0]
    k2 = work[1]
    k3 = work[2]
    k4 = work[3]
    xt = work[4]
    A1 = Aw[0]
    A2 = Aw[1]
    A3 = Aw[2]
    A4 = Aw[3]
    _rhs(x, nx, earth, omega, h0, dh, ln_rho, d2_ln_rho, k1, A1, want_phi, G)
    for i in range(nx):
        xt[i] = x[i] + 0.5 * h * k1[i]
    _rhs(xt, nx, earth, omega, h0, dh, ln_rho, d2_ln_rho, k2, A2, want_phi, G)
    for i in range(nx):
        xt[i] = x[i] + 0.5 * h * k2[i]
    _rhs(xt, nx, earth, omega, h0, dh, ln_rho, d2_ln_rho, k3, A3, want_phi, G)
    for i in range(nx):
        xt[i] = x[i] + h * k3[i]
    _rhs(xt, nx, earth, omega, h0, dh, ln_rho, d2_ln_rho, k4, A4, want_phi, G)
    for i in range(nx):
        x[i] += h / 6.0 * (k1[i] + 2.0 * k2[i] + 2.0 * k3[i] + k4[i])
    if want_phi:
        # RK4 on dPhi/dt = A(x(t)) Phi with A at the same stage points
        K1 = Kw[0]
        K2 = Kw[1]
        K3 = Kw[2]
        K4 = Kw[3]
        T = Kw[4]
        _a_phi(A1, phi, K1, nx)
        for i in range(nx):
            for j in range(nx):
                T[i, j] = phi[i, j] + 0.5 * h * K1[i, j]
        _a_phi(A2, T, K2, nx)
        for i in range(nx):
            for j in range(nx):
                T[i, j] = phi[i, j] + 0.5 * h * K2[i, j]
        _a_phi(A3, T, K3, nx)
        for i in range(nx):
            for j in range(nx):
                T[i, j] = phi[i, j] + h * K3[i, j]
        _a_phi(A4, T, K4, nx)
        for i in range(nx):
            for j in range(nx):
                phi[i, j] += h / 6.0 * (K1[i, j] + 2.0 * K2[i, j] + 2.0 * K3[i, j] + K4[i, j])


@kernel
def propagate_batch(X, dt, max_step, want_phi, earth, omega, h0, dh, ln_rho, d2_ln_rho):
    """Propagate a batch X (N, nx) by dt (N,) seconds (either sign).

    Returns (states (N, nx), state transition matrices (N, nx, nx) if ``want_phi``,
    else an empty (0, nx, nx) array).  One kernel for both, so it compiles once.
    """
    n, nx = X.shape
    out = X.copy()
    PHI = np.zeros((n if want_phi else 0, nx, nx))
    work = np.empty((5, nx))
    Aw = np.empty((4, nx, nx))
    G = np.empty((3, 3))
    Kw = np.empty((5 if want_phi else 0, nx, nx))
    phi = np.empty((nx, nx))
    for k in range(n):
        if want_phi:
            phi = PHI[k]
            for i in range(nx):
                phi[i, i] = 1.0
        d = dt[k]
        if d != 0.0:
            m = max(1, int(math.ceil(abs(d) / max_step - 1e-12)))
            h = d / m
            x = out[k]
            for _ in range(m):
                _rk4_step(x, nx, h, earth, omega, h0, dh, ln_rho, d2_ln_rho, phi, work, Aw, G, Kw)
    return out, PHI


@helper
def _rk4_work(nx):
    """Scratch of :func:`_rk4_step` with the STM: (work, Aw, G, Kw)."""
    return np.empty((5, nx)), np.empty((4, nx, nx)), np.empty((3, 3)), np.empty((5, nx, nx))


@leaf
def _resume_one(x, phi, d, max_step, xc, phic, done, hc, earth, omega, h0, dh, ln_rho, d2_ln_rho, scratch):
    """One row of :func:`propagate_stm_resume`: ``x`` holds the start state and becomes
    the prediction, ``phi`` the STM; returns (steps, sub-step)."""
    _put2(phi, phic)
    return _resume_in_place(x, phi, d, max_step, xc, done, hc, earth, omega, h0, dh, ln_rho, d2_ln_rho, scratch)


@leaf
def _resume_in_place(x, phi, d, max_step, xc, done, hc, earth, omega, h0, dh, ln_rho, d2_ln_rho, scratch):
    """:func:`_resume_one` with the resume point's STM already in ``phi``, which becomes
    the STM (the tracker keeps it there: no copy in or out per track and frame)."""
    nx = x.shape[0]
    if d == 0.0:
        _identity(phi)
        return 0, 0.0
    work, Aw, G, Kw = scratch
    m = max(1, int(math.ceil(abs(d) / max_step - 1e-12)))
    h = d / m
    start = 0
    if done > 0 and done <= m and hc == h:
        start = done
        _put(x, xc)
    else:
        _identity(phi)
    for _ in range(start, m):
        _rk4_step(x, nx, h, earth, omega, h0, dh, ln_rho, d2_ln_rho, phi, work, Aw, G, Kw)
    return m, h


@leaf
def _identity(a):
    """a = I (square)."""
    _fill2(a, 0.0)
    for i in range(a.shape[0]):
        a[i, i] = 1.0


@kernel
def propagate_stm_resume(X, dt, max_step, Xc, PHIc, done, hc, earth, omega, h0, dh, ln_rho, d2_ln_rho):
    """:func:`propagate_stm` that resumes from an earlier propagation of the same start
    states: row k's (Xc, PHIc) is X[k] and the STM after ``done[k]`` RK4 steps of size
    ``hc[k]``.  When this call's sub-step h equals hc[k] exactly and needs at least
    done[k] steps, those steps are skipped - the RK4 loop is then the same sequence of
    operations from the same numbers, so the result is bit-identical to starting over.
    Returns (states, STMs, steps (N,), sub-step (N,)) - the resume point of the next
    call.  (A tracker predicts a coasting track from its last update every frame: at
    a fixed frame period this does one step a frame instead of the whole coast.)"""
    n, nx = X.shape
    out = X.copy()
    PHI = np.zeros((n, nx, nx))
    steps = np.zeros(n, dtype=np.int64)
    hs = np.zeros(n)
    work = _rk4_work(nx)
    for k in range(n):
        steps[k], hs[k] = _resume_one(out[k], PHI[k], dt[k], max_step, Xc[k], PHIc[k], done[k], hc[k], earth, omega,
                                      h0, dh, ln_rho, d2_ln_rho, work)
    return out, PHI, steps, hs


def propagate(X, dt, max_step, earth, omega, h0, dh, ln_rho, d2_ln_rho):
    """States of a batch X (N, nx) after dt (N,) seconds (compiled RK4)."""
    return propagate_batch(X, dt, max_step, False, earth, omega, h0, dh, ln_rho, d2_ln_rho)[0]


def propagate_stm(X, dt, max_step, earth, omega, h0, dh, ln_rho, d2_ln_rho):
    """As :func:`propagate`, and the state transition matrices Phi (N, nx, nx)."""
    return propagate_batch(X, dt, max_step, True, earth, omega, h0, dh, ln_rho, d2_ln_rho)


@kernel
def propagate_to_height(X, h_target, direction, max_step, max_time, earth, omega, h0, dh, ln_rho, d2_ln_rho):
    """Propagate each state forward (direction=+1) or backward (-1) in time until its
    geodetic height first falls to ``h_target``.

    Returns (states at the crossing (N, nx), time offsets (N,) signed, seconds).  The
    crossing inside the last RK4 step is found by the secant method on the step length
    (re-integrating one RK4 step from the last state above the surface) to 1e-6 m.
    A state already at or below ``h_target`` returns itself with offset 0; a state that
    does not come down within ``max_time`` returns NaNs.
    """
    n, nx = X.shape
    out = np.full((n, nx), np.nan)
    toff = np.full(n, np.nan)
    work = np.empty((5, nx))
    Aw = np.empty((4, nx, nx))
    G = np.empty((3, 3))
    phi = np.empty((1, 1))
    Kw = np.empty((0, 1, 1))  # no Phi
    xt = np.empty(nx)
    for k in range(n):
        x = X[k].copy()
        h_now = geodetic_height(x[0], x[1], x[2], earth) - h_target
        if h_now <= 0.0:
            _put(out[k], x)
            toff[k] = 0.0
            continue
        t = 0.0
        step = direction * max_step
        found = False
        while abs(t) < max_time:
            _put(xt, x)
            _rk4_step(xt, nx, step, earth, omega, h0, dh, ln_rho, d2_ln_rho, phi, work, Aw, G, Kw)
            h_new = geodetic_height(xt[0], xt[1], xt[2], earth) - h_target
            if h_new <= 0.0:
                # secant (regula falsi, Illinois) on tau in (0, step]
                a = 0.0
                fa = h_now
                b = step
                fb = h_new
                side = 0
                c = b
                for _ in range(60):
                    c = (a * fb - b * fa) / (fb - fa)
                    _put(xt, x)
                    _rk4_step(xt, nx, c, earth, omega, h0, dh, ln_rho, d2_ln_rho, phi, work, Aw, G, Kw)
                    fc = geodetic_height(xt[0], xt[1], xt[2], earth) - h_target
                    if abs(fc) < 1e-6:
                        break
                    if fc > 0.0:
                        a = c
                        fa = fc
                        if side == 1:
                            fb *= 0.5
                        side = 1
                    else:
                        b = c
                        fb = fc
                        if side == -1:
                            fa *= 0.5
                        side = -1
                _put(out[k], xt)
                toff[k] = t + c
                found = True
                break
            _put(x, xt)
            h_now = h_new
            t += step
        if not found:
            toff[k] = np.nan
    return out, toff


# --------------------------------------------------------------------------- radar


@kernel
def radar_measure(X, site_ecef, rot, site_index, with_rr, want_h):
    """Radar measurement function and (optionally) its Jacobian.

    z = [range, azimuth (clockwise from north, (-pi, pi]), elevation, (range rate)] of
    each state row k seen from site ``site_index[k]`` (site ECEF position (S, 3) and
    ECEF->ENU rotation (S, 3, 3), rows east, north, up).  The site is fixed in the
    Earth frame, so the range rate is the projection of the Earth-relative velocity.
    Returns Z (N, m) and H (N, m, nx) (zeros if not ``want_h``).
    """
    n, nx = X.shape
    m = 4 if with_rr else 3
    Z = np.empty((n, m))
    H = np.zeros((n, m, nx))
    for k in range(n):
        _measure_row(X[k], site_ecef[site_index[k]], rot[site_index[k]], with_rr, want_h, Z[k], H[k])
    return Z, H


@leaf
def _measure_row(x, site, R, with_rr, want_h, z, H):
    """One row of :func:`radar_measure`: z (m,) and, if ``want_h``, the Jacobian rows into
    H (m, nx) (only the non-zero entries are written).  An empty ``z`` skips the
    measurement's angles (the Hessian's differences need only the Jacobian)."""
    dxe = x[0] - site[0]
    dye = x[1] - site[1]
    dze = x[2] - site[2]
    e = R[0, 0] * dxe + R[0, 1] * dye + R[0, 2] * dze
    nn = R[1, 0] * dxe + R[1, 1] * dye + R[1, 2] * dze
    u = R[2, 0] * dxe + R[2, 1] * dye + R[2, 2] * dze
    rho2 = e * e + nn * nn
    rho = math.sqrt(rho2)
    r2 = rho2 + u * u
    r = math.sqrt(r2)
    rr = 0.0
    if with_rr:
        rr = (dxe * x[3] + dye * x[4] + dze * x[5]) / r
    if z.shape[0] > 0:
        z[0] = r
        z[1] = math.atan2(e, nn)
        z[2] = math.atan2(u, rho)
        if with_rr:
            z[3] = rr
    if want_h:
        # derivatives in ENU, then rotated back to ECEF (d/dr_ecef = d/dr_enu @ R)
        dr = (e / r, nn / r, u / r)
        daz = (nn / rho2, -e / rho2, 0.0)
        de = (-u * e / (r2 * rho), -u * nn / (r2 * rho), rho / r2)
        for j in range(3):
            H[0, j] = dr[0] * R[0, j] + dr[1] * R[1, j] + dr[2] * R[2, j]
            H[1, j] = daz[0] * R[0, j] + daz[1] * R[1, j]
            H[2, j] = de[0] * R[0, j] + de[1] * R[1, j] + de[2] * R[2, j]
        if with_rr:
            d = (dxe, dye, dze)
            for j in range(3):
                H[3, j] = x[3 + j] / r - rr * d[j] / r2
                H[3, 3 + j] = d[j] / r


# --------------------------------------------------------------------------- Kalman


@helper
def _chol_inverse(S, m, Sinv):
    """Inverse of a small SPD matrix through its Cholesky factor; returns log det S
    (or NaN if S is not positive definite)."""
    L = np.zeros((m, m))
    logdet = 0.0
    for i in range(m):
        for j in range(i + 1):
            s = S[i, j]
            for p in range(j):
                s -= L[i, p] * L[j, p]
            if i == j:
                if s <= 0.0:
                    return np.nan
                L[i, i] = math.sqrt(s)
                logdet += 2.0 * math.log(L[i, i])
            else:
                L[i, j] = s / L[j, j]
    Linv = np.zeros((m, m))
    for i in range(m):
        Linv[i, i] = 1.0 / L[i, i]
        for j in range(i):
            s = 0.0
            for p in range(j, i):
                s -= L[i, p] * Linv[p, j]
            Linv[i, j] = s / L[i, i]
    for i in range(m):
        for j in range(m):
            s = 0.0
            for p in range(max(i, j), m):
                s += Linv[p, i] * Linv[p, j]
            Sinv[i, j] = s
    return logdet


@kernel
def kalman_update_joseph(X, P, nu, H, R):
    """Linearised Kalman update of a batch, Joseph form.

    X (N, n), P (N, n, n), innovation nu (N, m) (angles already wrapped), H (N, m, n),
    R (N, m, m).  Returns (X+, P+, S (N, m, m), NIS (N,), log det S (N,)).

    The Joseph form P+ = (I - K H) P (I - K H)^T + K R K^T is a sum of two symmetric
    positive semi-definite terms, so round-off cannot make P+ lose positive
    definiteness, and it stays correct to first order for a gain that is not exactly
    optimal; the short form (I - K H) P subtracts two nearly equal matrices when the
    measurement is much more precise than the prior (a radar at 10 m against a
    kilometre-wide initial covariance) and can go indefinite (Bucy & Joseph 1968;
    Bar-Shalom, Li & Kirubarajan 2001, sec. 5.2.3).  The result is symmetrised.
    """
    N, n = X.shape
    m = nu.shape[1]
    Xo = X.copy()
    Po = np.empty_like(P)
    S_all = np.empty((N, m, m))
    nis = np.empty(N)
    logdet = np.empty(N)
    w = _joseph_work(n, m)
    for k in range(N):
        nis[k], logdet[k] = _joseph_one(Xo[k], P[k], nu[k], H[k], R[k], Po[k], S_all[k], w)
    return Xo, Po, S_all, nis, logdet


@helper
def _joseph_work(n, m):
    """Scratch of :func:`_joseph_one`: Sinv (m, m), P H^T (n, m), K (n, m), K R (n, m),
    I - K H, (I - K H) P and P+ (n, n) each, as one (3, n, n), one (3, n, m) block."""
    return np.empty((3, n, n)), np.empty((3, n, m)), np.empty((m, m))


@helper
def _joseph_one(x, Pk, v, Hk, Rk, Po, S, w):
    """One track's Joseph-form update (:func:`kalman_update_joseph`): x updated in place,
    the posterior into Po, S into S; returns (NIS, log det S)."""
    n = x.shape[0]
    m = v.shape[0]
    nn, nm, Sinv = w
    IKH, T1, Pn = nn[0], nn[1], nn[2]
    PHt, K, KR = nm[0], nm[1], nm[2]
    _mmt(Pk, Hk, PHt)
    _mm(Hk, PHt, S)
    for i in range(m):
        for j in range(m):
            S[i, j] += Rk[i, j]
    for i in range(m):
        for j in range(i):
            a = 0.5 * (S[i, j] + S[j, i])
            S[i, j] = a
            S[j, i] = a
    ld = _chol_inverse(S, m, Sinv)
    _mm(PHt, Sinv, K)
    for i in range(n):
        s = 0.0
        for j in range(m):
            s += K[i, j] * v[j]
        x[i] += s
    q = 0.0
    for i in range(m):
        for j in range(m):
            q += v[i] * Sinv[i, j] * v[j]
    _mm(K, Hk, IKH)
    for i in range(n):
        for j in range(n):
            IKH[i, j] = (1.0 if i == j else 0.0) - IKH[i, j]
    _mm(IKH, Pk, T1)
    _mmt(T1, IKH, Pn)
    _mm(K, Rk, KR)
    for i in range(n):
        for j in range(n):
            s = 0.0
            for p in range(m):
                s += KR[i, p] * K[j, p]
            Pn[i, j] += s
    for i in range(n):
        for j in range(i + 1):
            a = 0.5 * (Pn[i, j] + Pn[j, i])
            Po[i, j] = a
            Po[j, i] = a
    return q, ld


# numpy's sorts (np.sort, np.argsort) bring numba's generic sort and string machinery
# into every kernel that uses them (seconds of compile each); these few lines do the
# same for the sweep's arrays.


@leaf
def _before(a, b):
    """a sorts strictly before b in numpy's order (NaN last)."""
    return a < b or (b != b and a == a)


@helper
def _argsort_stable(x):
    """``np.argsort(x, kind="mergesort")`` of a 1-D array: bottom-up merge sort, ties in
    index order (stable), NaN last."""
    n = x.shape[0]
    a = np.arange(n)
    b = np.empty(n, dtype=np.int64)
    w = 1
    while w < n:
        for lo in range(0, n, 2 * w):
            mid = min(lo + w, n)
            hi = min(lo + 2 * w, n)
            i = lo
            j = mid
            k = lo
            while i < mid and j < hi:
                if _before(x[a[j]], x[a[i]]):
                    b[k] = a[j]
                    j += 1
                else:
                    b[k] = a[i]
                    i += 1
                k += 1
            while i < mid:
                b[k] = a[i]
                i += 1
                k += 1
            while j < hi:
                b[k] = a[j]
                j += 1
                k += 1
        a, b = b, a
        w *= 2
    return a


@leaf
def _insertion_sort(a):
    """Sort a short 1-D array in place (a track's few detections)."""
    for i in range(1, a.shape[0]):
        v = a[i]
        j = i - 1
        while j >= 0 and _before(v, a[j]):
            a[j + 1] = a[j]
            j -= 1
        a[j + 1] = v


@njit(cache=True, inline="always", error_model=ERROR_MODEL)
def _within(det_pos, j, track_pos, i, r):
    """Detection j lies within distance r of track i (squared distances: no sqrt)."""
    d0 = det_pos[j, 0] - track_pos[i, 0]
    d1 = det_pos[j, 1] - track_pos[i, 1]
    d2 = det_pos[j, 2] - track_pos[i, 2]
    return d0 * d0 + d1 * d1 + d2 * d2 <= r * r


@kernel
def pairs_within_radius(track_pos, radius, det_pos):
    """Pairs (i, j) with |det_pos_j - track_pos_i| <= radius_i, sorted by i then j.

    The detections go into a uniform grid over the two axes on which they spread most
    (at most 65 x 65 cells, a cell no smaller than the median radius; a counting sort
    by cell, no tree), and each track tests only the detections of the cells its ball
    can reach - a frame of a salvo (~200 detections over ~500 km, 14-km two-point
    radii) tests ~1 % of the pairs, where a sweep along one axis tested ~10 %.  Every
    pair within the radius is found (the ball's cells cover it) and tested by the same
    squared-distance comparison, so the pairs are exactly the brute-force ones.
    """
    T = track_pos.shape[0]
    M = det_pos.shape[0]
    if T == 0 or M == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    lo = np.empty(3)
    ext = np.empty(3)
    for c in range(3):
        lo_c = det_pos[0, c]
        hi_c = det_pos[0, c]
        for j in range(M):
            lo_c = min(lo_c, det_pos[j, c])
            hi_c = max(hi_c, det_pos[j, c])
        lo[c] = lo_c
        ext[c] = hi_c - lo_c
    ax_a = 0
    for c in range(1, 3):
        if ext[c] > ext[ax_a]:
            ax_a = c
    ax_b = 1 if ax_a == 0 else 0
    for c in range(3):
        if c != ax_a and ext[c] > ext[ax_b]:
            ax_b = c
    # the median radius (NaN sorts last): a few broad tracks do not coarsen the grid
    # (cells no smaller than 1/64 of the spread: every detection's cell index is in range)
    rmin = radius[0]
    rmax = radius[0]
    for i in range(T):
        rmin = min(rmin, radius[i])
        rmax = max(rmax, radius[i])
    median = rmax if rmax <= 2.0 * rmin else radius[_argsort_stable(radius)[T // 2]]
    cell = max(ext[ax_a] / 64.0, ext[ax_b] / 64.0)
    if median * (1.0 + 1e-6) > cell:
        cell = median * (1.0 + 1e-6)
    if not (cell > 0.0 and math.isfinite(cell)):
        cell = max(ext[ax_a], 1.0)
    na = int(ext[ax_a] / cell) + 1
    nb = int(ext[ax_b] / cell) + 1
    # counting sort of the detections by cell (row-major: a row's cells are consecutive)
    dcell = np.empty(M, dtype=np.int64)
    start = np.zeros(na * nb + 1, dtype=np.int64)
    for j in range(M):
        qa = min(int((det_pos[j, ax_a] - lo[ax_a]) / cell), na - 1)
        qb = min(int((det_pos[j, ax_b] - lo[ax_b]) / cell), nb - 1)
        dcell[j] = qa * nb + qb
        start[dcell[j] + 1] += 1
    for q in range(na * nb):
        start[q + 1] += start[q]
    order = np.empty(M, dtype=np.int64)
    fill = start[:na * nb].copy()
    for j in range(M):
        order[fill[dcell[j]]] = j
        fill[dcell[j]] += 1
    # each track's hits, ascending, appended to (ii, jj) (capacity doubled as needed);
    # inline, not a helper call per track: a call passing arrays costs ~100 ns
    hits = np.empty(M, dtype=np.int64)
    ii = np.empty(max(16, 2 * T), dtype=np.int64)
    jj = np.empty(ii.shape[0], dtype=np.int64)
    k = 0
    lo_a = lo[ax_a]
    lo_b = lo[ax_b]
    for i in range(T):
        r = radius[i]
        ta = track_pos[i, ax_a]
        tb = track_pos[i, ax_b]
        if not (math.isfinite(ta) and math.isfinite(tb) and r >= 0.0):
            continue
        n = 0
        # cells reached: |x - t| <= r moves the cell index by at most floor(r / cell) + 1
        # (the 1e-9 margin absorbs the rounding of (x - lo) / cell)
        w = r / cell + 1e-9
        if w > na + nb:  # wider than the grid: every detection is a candidate
            for j in range(M):
                if _within(det_pos, j, track_pos, i, r):
                    hits[n] = j
                    n += 1
        else:
            wi = int(w) + 1
            fa = math.floor((ta - lo_a) / cell)
            fb = math.floor((tb - lo_b) / cell)
            if fa + wi < 0.0 or fa - wi > na - 1 or fb + wi < 0.0 or fb - wi > nb - 1:
                continue  # the ball misses the grid (and the cell index might not fit an integer)
            ca = int(fa)
            cb = int(fb)
            b0 = max(cb - wi, 0)
            b1 = min(cb + wi, nb - 1)
            for qa in range(max(ca - wi, 0), min(ca + wi, na - 1) + 1):
                # the row's cells b0..b1 are consecutive in the cell order: one range
                for q in range(start[qa * nb + b0], start[qa * nb + b1 + 1]):
                    j = order[q]
                    if _within(det_pos, j, track_pos, i, r):
                        hits[n] = j
                        n += 1
            if n > 1:
                _insertion_sort(hits[:n])
        if k + n > ii.shape[0]:
            ii = _grow(ii, k + n)
            jj = _grow(jj, k + n)
        for q in range(n):
            ii[k] = i
            jj[k] = hits[q]
            k += 1
    return ii[:k].copy(), jj[:k].copy()


@njit(cache=True, inline="always", error_model=ERROR_MODEL)
def _in_pregate(track_pos, track_var, i, det_pos, det_var, j, threshold):
    """Detection j passes track i's Cartesian pre-gate (:func:`pregate_pairs`)."""
    d0 = det_pos[j, 0] - track_pos[i, 0]
    d1 = det_pos[j, 1] - track_pos[i, 1]
    d2 = det_pos[j, 2] - track_pos[i, 2]
    return d0 * d0 + d1 * d1 + d2 * d2 <= 2.25 * threshold * (track_var[i] + det_var[j])


@kernel
def pregate_pairs(track_pos, track_var, det_pos, det_var, threshold):
    """Cartesian pre-gate of the ellipsoidal gate: pairs (i, j), sorted by i then j,
    with |det_pos_j - track_pos_i| <= 1.5 sqrt(threshold (track_var_i + det_var_j))
    (``track_var``, ``det_var``: traces of the position covariances).  To first order
    the gate ellipsoid lies within sqrt(gamma lambda_max(P + R_cart)) and the traces
    bound the eigenvalues; x1.5 covers curvature.  Small frames test every pair; larger
    ones search the grid (:func:`pairs_within_radius`) with each track's largest radius
    over the frame, then test each pair's own.  Both give the same pairs."""
    T = track_pos.shape[0]
    M = det_pos.shape[0]
    if T * M <= 20_000:
        # a frame of a salvo (~70 tracks, ~200 detections, the tentative tracks' gates
        # tens of km wide): every pair costs no more than the grid search
        ii = np.empty(T * M, dtype=np.int64)
        jj = np.empty(T * M, dtype=np.int64)
        n = 0
        for i in range(T):
            for j in range(M):
                if _in_pregate(track_pos, track_var, i, det_pos, det_var, j, threshold):
                    ii[n] = i
                    jj[n] = j
                    n += 1
        return ii[:n].copy(), jj[:n].copy()
    dmax = 0.0
    for j in range(det_var.shape[0]):
        dmax = max(dmax, det_var[j])
    radius = np.empty(T)
    for i in range(T):
        radius[i] = 1.5 * math.sqrt(threshold * (track_var[i] + dmax)) * (1.0 + 1e-12)
    ti, dj = pairs_within_radius(track_pos, radius, det_pos)
    n = 0
    for k in range(ti.shape[0]):
        i, j = ti[k], dj[k]
        if _in_pregate(track_pos, track_var, i, det_pos, det_var, j, threshold):
            ti[n] = i
            dj[n] = j
            n += 1
    return ti[:n].copy(), dj[:n].copy()


@leaf
def _ekf2_rows(X, P, site_ecef, rot, site_index, with_rr, Z, H, Pzz, Pxz, Xd, Hd, no_z, Hs, HP, jac):
    """The rows of :func:`radar_ekf2_prediction` (Z and H hold the first-order
    prediction on entry), a leaf: its per-row views cost no reference counting."""
    n, nx = X.shape
    m = Z.shape[1]
    # Hess_i is exactly zero outside its first nz[i] rows and columns (range and angles
    # depend on position only, range rate on position and velocity; h is independent of
    # the rest): only those blocks are differenced, and the products below skip only
    # exact zeros, so every sum is the full one bit for bit
    nz = (3, 3, 3, 6)
    nd = 6 if with_rr else 3
    for k in range(n):
        for q in range(2 * nd):
            for j in range(nx):
                Xd[q, j] = X[k, j]
        for j in range(nd):
            e = 1.0 if j < 3 else 1e-3
            Xd[2 * j, j] += e
            Xd[2 * j + 1, j] -= e
        # the Jacobian at each displaced state, as radar_measure gives it (the entries it
        # leaves zero stay zero in Hd): no measurement angles, no arrays per row
        for q in range(2 * nd):
            _measure_row(Xd[q], site_ecef[site_index[k]], rot[site_index[k]], with_rr, jac, no_z, Hd[q])
        for i in range(m):
            na = nz[i]
            for j in range(na):
                e = 1.0 if j < 3 else 1e-3
                for a in range(na):
                    Hs[i, a, j] = (Hd[2 * j, i, a] - Hd[2 * j + 1, i, a]) / (2.0 * e)
        for i in range(m):
            na = nz[i]
            for a in range(na):
                for b in range(a, na):
                    s = 0.5 * (Hs[i, a, b] + Hs[i, b, a])
                    Hs[i, a, b] = s
                    Hs[i, b, a] = s
            for a in range(nx):
                for b in range(nx):
                    acc = 0.0
                    if a < na:
                        for p in range(na):
                            acc += Hs[i, a, p] * P[k, p, b]
                    HP[i, a, b] = acc
            tr = 0.0
            for a in range(na):
                tr += HP[i, a, a]
            Z[k, i] += 0.5 * tr
        for a in range(nx):
            for i in range(m):
                s = 0.0
                for b in range(nx):
                    s += P[k, a, b] * H[k, i, b]
                Pxz[k, a, i] = s
        for i in range(m):
            for j in range(m):
                s = 0.0
                for a in range(nx):
                    s += H[k, i, a] * Pxz[k, a, j]
                t2 = 0.0
                for a in range(nz[i]):
                    for b in range(nz[j]):
                        t2 += HP[i, a, b] * HP[j, b, a]
                Pzz[k, i, j] = s + 0.5 * t2
        for i in range(m):
            for j in range(i + 1, m):
                s = 0.5 * (Pzz[k, i, j] + Pzz[k, j, i])
                Pzz[k, i, j] = s
                Pzz[k, j, i] = s
        az = Z[k, 1]
        w = (az + math.pi) % (2.0 * math.pi) - math.pi
        Z[k, 1] = math.pi if w == -math.pi else w


@kernel
def radar_ekf2_prediction(X, P, site_ecef, rot, site_index, with_rr):
    """Second-order EKF measurement prediction of a batch through the radar function.

    Per row k: Jacobian H and measurement z (:func:`radar_measure`), the Hessian of each
    component by central differences of the analytic Jacobian (steps 1 m in position,
    1e-3 in the other components, symmetrised: as ``MeasurementModel.hessian``), then
    z_i += tr(Hess_i P) / 2, Pzz = H P H^T + tr(Hess_i P Hess_j P) / 2 and
    Pxz = P H^T; the azimuth wrapped into (-pi, pi], Pzz symmetrised.
    Returns Z (N, m), Pzz (N, m, m), Pxz (N, nx, m), H (N, m, nx).
    """
    n, nx = X.shape
    m = 4 if with_rr else 3
    Z, H = radar_measure(X, site_ecef, rot, site_index, with_rr, True)
    Pzz = np.empty((n, m, m))
    Pxz = np.empty((n, nx, m))
    nd = 6 if with_rr else 3
    Xd = np.empty((2 * nd, nx))
    Hd = np.zeros((2 * nd, m, nx))
    no_z = np.empty(0)
    jac = nx > 0  # True, typed as a bool (a literal True would compile _measure_row once more)
    Hs = np.zeros((m, nx, nx))
    HP = np.empty((m, nx, nx))
    _ekf2_rows(X, P, site_ecef, rot, site_index, with_rr, Z, H, Pzz, Pxz, Xd, Hd, no_z, Hs, HP, jac)
    return Z, Pzz, Pxz, H


@leaf
def _cartesian_rows(Z, R, site_ecef, rot, site_index, want_cov, pos, cov, J, Mt, MR):
    """The rows of :func:`radar_to_cartesian`, a leaf (no reference counting per row)."""
    n = Z.shape[0]
    for k in range(n):
        s = site_index[k]
        r, az, el = Z[k, 0], Z[k, 1], Z[k, 2]
        ce, se, ca, sa = math.cos(el), math.sin(el), math.cos(az), math.sin(az)
        enu = (r * ce * sa, r * ce * ca, r * se)
        Rot = rot[s]
        for i in range(3):
            pos[k, i] = site_ecef[s, i] + Rot[0, i] * enu[0] + Rot[1, i] * enu[1] + Rot[2, i] * enu[2]
        if not want_cov:
            continue
        J[0, 0], J[0, 1], J[0, 2] = ce * sa, r * ce * ca, -r * se * sa
        J[1, 0], J[1, 1], J[1, 2] = ce * ca, -r * ce * sa, -r * se * ca
        J[2, 0], J[2, 1], J[2, 2] = se, 0.0, r * ce
        for i in range(3):
            for j in range(3):
                Mt[i, j] = Rot[0, i] * J[0, j] + Rot[1, i] * J[1, j] + Rot[2, i] * J[2, j]
        for i in range(3):
            for j in range(3):
                MR[i, j] = Mt[i, 0] * R[k, 0, j] + Mt[i, 1] * R[k, 1, j] + Mt[i, 2] * R[k, 2, j]
        for i in range(3):
            for j in range(3):
                cov[k, i, j] = MR[i, 0] * Mt[j, 0] + MR[i, 1] * Mt[j, 1] + MR[i, 2] * Mt[j, 2]


@kernel
def radar_to_cartesian(Z, R, site_ecef, rot, site_index, want_cov):
    """ECEF positions (M, 3) of radar measurements Z (M, >=3) = (range, azimuth,
    elevation, ...) and, if ``want_cov``, their linearised position covariances
    (M, 3, 3) = M R_3x3 M^T with M = rot^T d(enu)/d(r, az, el) (R (M, >=3, >=3): its
    position block is read where it lies)."""
    n = Z.shape[0]
    pos = np.empty((n, 3))
    cov = np.empty((n if want_cov else 0, 3, 3))
    J = np.empty((3, 3))
    Mt = np.empty((3, 3))
    MR = np.empty((3, 3))
    _cartesian_rows(Z, R, site_ecef, rot, site_index, want_cov, pos, cov, J, Mt, MR)
    return pos, cov


@kernel
def gate_pairs(z_pred, Pzz, Z, R, ti, dj, angle_mask, threshold):
    """Exact ellipsoidal gate of candidate pairs (ti_k, dj_k) in one pass.

    Per pair: innovation nu = Z_j - z_i (angle components wrapped into (-pi, pi]),
    S = sym(Pzz_i + R_j), its Cholesky factor L, d^2 = |L^-1 nu|^2 and
    log det S = 2 sum log L_aa; a pair is kept when d^2 <= threshold.  Returns
    (kept pair indices, d^2, nu, S, log det S) of the kept pairs.  The numpy path it
    replaced (a batch Cholesky and a general solve) agrees to round-off (unit test).
    A pair whose S is not positive definite raises, as ``np.linalg.cholesky`` did
    (unless one component alone, with S_aa > 0, already puts it outside the gate).
    """
    K = ti.shape[0]
    m = z_pred.shape[1]
    keep = np.empty(K, dtype=np.int64)
    d2 = np.empty(K)
    nu = np.empty((K, m))
    S = np.empty((K, m, m))
    ld = np.empty(K)
    L = np.empty((m, m))
    y = np.empty(m)
    n = 0
    for k in range(K):
        i = ti[k]
        j = dj[k]
        for a in range(m):
            d = Z[j, a] - z_pred[i, a]
            if angle_mask[a]:
                w = (d + math.pi) % (2.0 * math.pi) - math.pi
                d = math.pi if w == -math.pi else w
            nu[n, a] = d
        for a in range(m):
            for b in range(m):
                S[n, a, b] = 0.5 * ((Pzz[i, a, b] + R[j, a, b]) + (Pzz[i, b, a] + R[j, b, a]))
        # one component's d^2 bounds the whole (nu_a^2 / S_aa <= nu^T S^-1 nu for S > 0):
        # most candidates of the Cartesian pre-gate fail on one and need no Cholesky
        # factor (the margin keeps round-off in d^2 from deciding)
        far = False
        for a in range(m):
            if S[n, a, a] > 0.0 and nu[n, a] * nu[n, a] > threshold * S[n, a, a] * (1.0 + 1e-9):
                far = True
                break
        if far:
            continue
        logdet = 0.0
        for a in range(m):
            for b in range(a + 1):
                s = S[n, a, b]
                for c in range(b):
                    s -= L[a, c] * L[b, c]
                if a == b:
                    if not s > 0.0:
                        raise np.linalg.LinAlgError("innovation covariance is not positive definite")
                    L[a, a] = math.sqrt(s)
                    logdet += math.log(L[a, a])
                else:
                    L[a, b] = s / L[b, b]
        q = 0.0
        for a in range(m):
            s = nu[n, a]
            for c in range(a):
                s -= L[a, c] * y[c]
            y[a] = s / L[a, a]
            q += y[a] * y[a]
        if q <= threshold:
            keep[n] = k
            d2[n] = q
            ld[n] = 2.0 * logdet
            n += 1
    return keep[:n], d2[:n], nu[:n], S[:n], ld[:n]


@kernel
def range_far_pairs(X, P, site, rot, Z, R, ti, dj, threshold):
    """Which candidate pairs (ti_k, dj_k) of predicted tracks X (N, nx), P (N, nx, nx)
    seen from one radar (``site`` (3,), ECEF->ENU ``rot`` (3, 3)) and detections Z, R
    :func:`gate_pairs` surely rejects on the range alone, decided without the
    second-order prediction (:func:`radar_ekf2_prediction`, ~5 us a track: twelve
    Jacobians and four Hessian products) - an exact shortcut, not an approximation.

    The second-order range is r + tr(Hess P_rr) / 2 and its variance u^T P_rr u +
    tr((Hess P_rr)^2) / 2, with r and the line-of-sight u computed as
    :func:`_measure_row` does and Hess the range Hessian (I - u u^T) / r, whose
    entries (and their central differences) are at most 1/r in size.  With A the sum
    of |P_rr| entries, the shift is within A / (2r) and the second-order variance
    term within A^2 / (2 r^2); both are bounded with a relative margin of 1e-3
    (the differenced Hessian is within ~1e-10 of the exact one), the first-order term
    within 1e-12 A.  A pair is flagged only when its range innovation, less the
    largest shift, exceeds sqrt(threshold S_max) (1 + 1e-6) and the smallest S is
    positive (both variance terms are non-negative when P_rr is positive definite,
    checked by its Cholesky pivots; otherwise the bounds above): then |nu_0|^2 / S_00
    exceeds the threshold by more than gate_pairs' own margin and gate_pairs rejects the pair on its first component, without a
    Cholesky factor (so no pair that would raise is skipped)."""
    K = ti.shape[0]
    far = np.zeros(K, dtype=np.bool_)
    last = np.int64(-1)
    r = 0.0
    zb = 0.0
    s_lo = 0.0
    s_hi = 0.0
    for c in range(K):
        k = ti[c]
        if k != last:
            last = k
            dxe = X[k, 0] - site[0]
            dye = X[k, 1] - site[1]
            dze = X[k, 2] - site[2]
            e = rot[0, 0] * dxe + rot[0, 1] * dye + rot[0, 2] * dze
            nn = rot[1, 0] * dxe + rot[1, 1] * dye + rot[1, 2] * dze
            up = rot[2, 0] * dxe + rot[2, 1] * dye + rot[2, 2] * dze
            r = math.sqrt(e * e + nn * nn + up * up)
            u0 = (e * rot[0, 0] + nn * rot[1, 0] + up * rot[2, 0]) / r
            u1 = (e * rot[0, 1] + nn * rot[1, 1] + up * rot[2, 1]) / r
            u2 = (e * rot[0, 2] + nn * rot[1, 2] + up * rot[2, 2]) / r
            u = (u0, u1, u2)
            A = 0.0
            s1 = 0.0
            for a in range(3):
                for b in range(3):
                    A += abs(P[k, a, b])
                    s1 += u[a] * P[k, a, b] * u[b]
            hmax = 1.001 / r
            zb = 0.5 * hmax * A + 1e-9 * r
            t2 = 0.5 * hmax * hmax * A * A + 1e-12 * A
            s_lo = s1 - t2
            s_hi = s1 + t2
            # a positive definite P_rr (Cholesky pivots above round-off) makes both
            # variance terms non-negative: S_00 >= R_00 less round-off
            p0 = P[k, 0, 0]
            tiny = 1e-9 * (P[k, 0, 0] + P[k, 1, 1] + P[k, 2, 2])
            if p0 > tiny:
                l10 = P[k, 1, 0] / p0
                l20 = P[k, 2, 0] / p0
                p1 = P[k, 1, 1] - l10 * P[k, 1, 0]
                if p1 > tiny:
                    l21 = (P[k, 2, 1] - l20 * P[k, 1, 0]) / p1
                    if P[k, 2, 2] - l20 * P[k, 2, 0] - l21 * l21 * p1 > tiny:
                        s_lo = -1e-12 * (A + hmax * hmax * A * A)
        j = dj[c]
        R00 = R[j, 0, 0]
        if not (s_lo + R00 > 0.0):
            continue
        d = abs(Z[j, 0] - r) - zb
        if d > 0.0 and d * d > threshold * (s_hi + R00) * (1.0 + 1e-6):
            far[c] = True
    return far


@leaf
def _cwna_one(Q, da, q, q_extra):
    """One step's :func:`cwna_noise` into Q (n, n) (the powers compiled: the tracker
    engine's own, as before)."""
    n = Q.shape[0]
    _fill2(Q, 0.0)
    qa = q * math.pow(da, 3.0) / 3.0
    qb = q * (da * da) / 2.0
    qc = q * da
    for i in range(3):
        Q[i, i] = qa
        Q[i, i + 3] = qb
        Q[i + 3, i] = qb
        Q[i + 3, i + 3] = qc
    for i in range(6, n):
        Q[i, i] = q_extra * da


@leaf
def _covariance_one(F, P, Q, out, FP):
    """sym(F P F^T + Q) of one track into ``out`` (FP: (n, n) scratch)."""
    n = P.shape[0]
    _mm(F, P, FP)
    for i in range(n):
        for j in range(n):
            s = 0.0
            for p in range(n):
                s += FP[i, p] * F[j, p]
            out[i, j] = s + Q[i, j]
    for i in range(n):
        for j in range(i + 1):
            a = 0.5 * (out[i, j] + out[j, i])
            out[i, j] = a
            out[j, i] = a


@kernel
def covariance_predict(F, P, Q):
    """sym(F_k P_k F_k^T + Q_k) of a batch (N, n, n): the EKF's covariance prediction in
    one pass (numpy's stacked matmul spends most of its time per 7x7 matrix on
    dispatch).  Agrees with the numpy expression to round-off (unit test)."""
    N, n, _ = P.shape
    out = np.empty((N, n, n))
    FP = np.empty((n, n))
    for k in range(N):
        _covariance_one(F[k], P[k], Q[k], out[k], FP)
    return out


@kernel
def broken_flags(X, P, max_speed, max_sigma, r_min, r_max):
    """Rows of predicted (X (N, n), P (N, n, n)) that are no longer a ballistic object:
    any non-finite entry, |r| outside [r_min, r_max], |v| > max_speed or
    sqrt(|tr P_rr|) > max_sigma (``gating.broken_predictions`` states why)."""
    N, n = X.shape
    out = np.zeros(N, dtype=np.bool_)
    for k in range(N):
        finite = True
        for i in range(n):
            for j in range(n):
                if not math.isfinite(P[k, i, j]):
                    finite = False
        out[k] = _broken_one(X[k], finite, P[k, 0, 0] + P[k, 1, 1] + P[k, 2, 2], max_speed, max_sigma, r_min, r_max)
    return out


@leaf
def _broken_one(x, p_finite, trace_rr, max_speed, max_sigma, r_min, r_max):
    """One row of :func:`broken_flags`, given whether its covariance is finite and the
    trace of its position block."""
    ok = p_finite
    for i in range(x.shape[0]):
        if not math.isfinite(x[i]):
            ok = False
    if ok:
        r = math.sqrt(x[0] * x[0] + x[1] * x[1] + x[2] * x[2])
        v = math.sqrt(x[3] * x[3] + x[4] * x[4] + x[5] * x[5])
        sig = math.sqrt(abs(trace_rr))
        ok = r >= r_min and r <= r_max and v <= max_speed and sig <= max_sigma
    return not ok


@leaf
def _position_trace(F, P, Q):
    """(trace of the position block of F P F^T + Q, whether every entry of the whole
    product is surely finite) without the whole product: its diagonal entries are summed
    exactly as :func:`_covariance_one` sums them (and symmetrising leaves a diagonal as
    it is), so the trace is the full product's to the bit.  Finite F, P and Q with
    n^2 max|F|^2 max|P| + max|Q| below 1e300 bound every entry of the product (False:
    the caller forms the product and looks)."""
    n = P.shape[0]
    tr = 0.0
    for i in range(3):
        s = 0.0
        for j in range(n):
            fp = 0.0
            for p in range(n):
                fp += F[i, p] * P[p, j]
            s += fp * F[i, j]
        tr += s + Q[i, i]
    fmax = 0.0
    pmax = 0.0
    qmax = 0.0
    for i in range(n):
        for j in range(n):
            # 'not <=' lets a NaN in (and so fail the bound below)
            if not abs(F[i, j]) <= fmax:
                fmax = abs(F[i, j])
            if not abs(P[i, j]) <= pmax:
                pmax = abs(P[i, j])
            if not abs(Q[i, j]) <= qmax:
                qmax = abs(Q[i, j])
    bound = n * n * fmax * fmax * pmax + qmax
    return tr, bound < 1e300


@kernel
def matching_problem(rows, cols, cost, n_rows, n_cols):
    """The set-up of ``association.min_cost_matching`` in one pass: the pairs with no
    competitor (their row and column in no other pair) and, for the rest, the rows rr
    and columns cc they involve (ascending) and the (len(rr), len(cc) + len(rr)) cost
    matrix - forbidden entries inf, each row's own 'unmatched' column at
    B = 1 + 2 sum |cost| of those pairs.  Returns (simple rows, simple cols, rr, cc, C)."""
    K = rows.shape[0]
    rcount = np.zeros(n_rows, dtype=np.int64)
    ccount = np.zeros(n_cols, dtype=np.int64)
    for k in range(K):
        rcount[rows[k]] += 1
        ccount[cols[k]] += 1
    n_simple = 0
    for k in range(K):
        if rcount[rows[k]] == 1 and ccount[cols[k]] == 1:
            n_simple += 1
    sr = np.empty(n_simple, dtype=np.int64)
    sc = np.empty(n_simple, dtype=np.int64)
    rmap = np.full(n_rows, -1, dtype=np.int64)
    cmap = np.full(n_cols, -1, dtype=np.int64)
    s = 0
    big = 0.0
    for k in range(K):
        if rcount[rows[k]] == 1 and ccount[cols[k]] == 1:
            sr[s] = rows[k]
            sc[s] = cols[k]
            s += 1
        else:
            rmap[rows[k]] = 0
            cmap[cols[k]] = 0
            big += abs(cost[k])
    nr = 0
    for i in range(n_rows):
        if rmap[i] >= 0:
            rmap[i] = nr
            nr += 1
    nc = 0
    for j in range(n_cols):
        if cmap[j] >= 0:
            cmap[j] = nc
            nc += 1
    rr = np.empty(nr, dtype=np.int64)
    cc = np.empty(nc, dtype=np.int64)
    for i in range(n_rows):
        if rmap[i] >= 0:
            rr[rmap[i]] = i
    for j in range(n_cols):
        if cmap[j] >= 0:
            cc[cmap[j]] = j
    C = np.full((nr, nc + nr), np.inf)
    for k in range(K):
        if not (rcount[rows[k]] == 1 and ccount[cols[k]] == 1):
            C[rmap[rows[k]], cmap[cols[k]]] = cost[k]
    for i in range(nr):
        C[i, nc + i] = 1.0 + 2.0 * big
    return sr, sc, rr, cc, C


@kernel
def two_point_candidates(p2, C2, p1, C1, dt, max_speed):
    """Pairs (i, j) of a frame's detection i (p2 (M2, 3), position covariance C2) and
    the previous frame's j (p1, C1) within max_speed dt + 3 sigma (sigma from the
    largest position-covariance trace of either frame), sorted by i then j, with
    their squared distances."""
    big = 0.0
    for k in range(C1.shape[0]):
        big = max(big, C1[k, 0, 0] + C1[k, 1, 1] + C1[k, 2, 2])
    for k in range(C2.shape[0]):
        big = max(big, C2[k, 0, 0] + C2[k, 1, 1] + C2[k, 2, 2])
    radius = np.full(p2.shape[0], max_speed * dt + 3.0 * math.sqrt(big))
    ii, jj = pairs_within_radius(p2, radius, p1)
    cost = np.empty(ii.shape[0])
    for k in range(ii.shape[0]):
        d0 = p2[ii[k], 0] - p1[jj[k], 0]
        d1 = p2[ii[k], 1] - p1[jj[k], 1]
        d2 = p2[ii[k], 2] - p1[jj[k], 2]
        cost[k] = d0 * d0 + d1 * d1 + d2 * d2
    return ii, jj, cost


@kernel
def two_point_states(p2, C2, p1, C1, r, c, dt, n):
    """States (k, n) and covariances (k, n, n) of tracks started from detection pairs
    (p2[r], p1[c]) dt apart: position p2, velocity (p2 - p1) / dt; covariance blocks
    C2, C2 / dt, (C1 + C2) / dt^2 (the rest zero)."""
    k = r.shape[0]
    X0 = np.zeros((k, n))
    P0 = np.zeros((k, n, n))
    for q in range(k):
        a = r[q]
        b = c[q]
        for i in range(3):
            X0[q, i] = p2[a, i]
            X0[q, 3 + i] = (p2[a, i] - p1[b, i]) / dt
            for j in range(3):
                P0[q, i, j] = C2[a, i, j]
                P0[q, i, 3 + j] = C2[a, i, j] / dt
                P0[q, 3 + i, j] = C2[a, i, j] / dt
                P0[q, 3 + i, 3 + j] = (C1[b, i, j] + C2[a, i, j]) / dt**2
    return X0, P0


@kernel
def cwna_noise(d, d3, q, n_extra, q_extra):
    """Discretised continuous white-noise acceleration covariance for steps d (N,) >= 0
    (``models.cwna_process_noise`` states the blocks): q d^3/3 on the position
    diagonal, q d^2/2 position-velocity, q d on the velocity diagonal and q_extra d on
    each of ``n_extra`` random-walk parameters.  ``d3`` = d**3 from numpy, whose power
    differs from the compiled one in the last bit for some d."""
    N = d.shape[0]
    n = 6 + n_extra
    Q = np.zeros((N, n, n))
    for k in range(N):
        a = q * d3[k] / 3.0
        b = q * (d[k] * d[k]) / 2.0
        c = q * d[k]
        for i in range(3):
            Q[k, i, i] = a
            Q[k, i, i + 3] = b
            Q[k, i + 3, i] = b
            Q[k, i + 3, i + 3] = c
        for i in range(6, n):
            Q[k, i, i] = q_extra * d[k]
    return Q


@kernel
def bipartite_labels(n_rows, n_cols, rows, cols):
    """Connected-component label of every row node (0..n_rows-1) and column node of the
    bipartite graph with edges (rows_k, cols_k), by union-find; labels numbered in the
    order of each component's lowest node (rows before columns), as scipy's
    ``connected_components`` numbers them."""
    n = n_rows + n_cols
    parent = np.arange(n)
    for k in range(rows.shape[0]):
        a = rows[k]
        b = n_rows + cols[k]
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        while parent[b] != b:
            parent[b] = parent[parent[b]]
            b = parent[b]
        if a != b:
            if a < b:
                parent[b] = a
            else:
                parent[a] = b
    label = np.full(n, -1, dtype=np.int64)
    root_label = np.full(n, -1, dtype=np.int64)
    nxt = 0
    for i in range(n):
        r = i
        while parent[r] != r:
            r = parent[r]
        if root_label[r] < 0:
            root_label[r] = nxt
            nxt += 1
        label[i] = root_label[r]
    return label


# --------------------------------------------------------------------------- assignment


@kernel
def linear_assignment(C):
    """Minimum-cost assignment of every row of C (nr, nc), nr <= nc: the column of each
    row (-1 for all rows when no finite assignment exists).  Crouse's shortest
    augmenting path (IEEE TAES 52(4), 2016), ported step for step from scipy's
    ``linear_sum_assignment`` (rectangular_lsap.cpp), ties included, so the compiled
    tracker takes the same assignment as the component tracker (unit test against
    scipy); forbidden entries are +inf."""
    nr, nc = C.shape
    u = np.zeros(nr)
    v = np.zeros(nc)
    spc = np.empty(nc)
    path = np.full(nc, -1, dtype=np.int64)
    col4row = np.full(nr, -1, dtype=np.int64)
    row4col = np.full(nc, -1, dtype=np.int64)
    SR = np.zeros(nr, dtype=np.bool_)
    SC = np.zeros(nc, dtype=np.bool_)
    remaining = np.empty(nc, dtype=np.int64)
    for cur in range(nr):
        min_val = 0.0
        num_remaining = nc
        for it in range(nc):
            remaining[it] = nc - it - 1
        _fill(SR, False)
        _fill(SC, False)
        _fill(spc, np.inf)
        sink = -1
        i = cur
        while sink == -1:
            index = -1
            lowest = np.inf
            SR[i] = True
            for it in range(num_remaining):
                j = remaining[it]
                r = min_val + C[i, j] - u[i] - v[j]
                if r < spc[j]:
                    path[j] = i
                    spc[j] = r
                if spc[j] < lowest or (spc[j] == lowest and row4col[j] == -1):
                    lowest = spc[j]
                    index = it
            min_val = lowest
            if min_val == np.inf:
                for i in range(col4row.shape[0]):
                    col4row[i] = -1
                return col4row
            j = remaining[index]
            if row4col[j] == -1:
                sink = j
            else:
                i = row4col[j]
            SC[j] = True
            num_remaining -= 1
            remaining[index] = remaining[num_remaining]
        u[cur] += min_val
        for i in range(nr):
            if SR[i] and i != cur:
                u[i] += min_val - spc[col4row[i]]
        for j in range(nc):
            if SC[j]:
                v[j] -= min_val - spc[j]
        j = sink
        while True:
            i = path[j]
            row4col[j] = i
            j, col4row[i] = col4row[i], j
            if i == cur:
                break
    return col4row


@kernel
def gnn_pairs(track, det, d2, n_tracks, n_dets, miss_cost, big):
    """``association.gnn_assign`` compiled: of the gated pairs (track_k, det_k, d2_k),
    the indices k taken - pairs with no competitor directly, the rest cluster by
    cluster (connected components of the pair graph) through :func:`linear_assignment`
    on the cluster's cost matrix d^2 (``big`` where not gated) with one 'no detection'
    column per track at ``miss_cost``."""
    K = track.shape[0]
    tcount = np.zeros(n_tracks, dtype=np.int64)
    dcount = np.zeros(n_dets, dtype=np.int64)
    for k in range(K):
        tcount[track[k]] += 1
        dcount[det[k]] += 1
    taken = np.empty(K, dtype=np.int64)
    n = 0
    rest = np.empty(K, dtype=np.int64)
    nrest = 0
    for k in range(K):
        if tcount[track[k]] == 1 and dcount[det[k]] == 1:
            taken[n] = k
            n += 1
        else:
            rest[nrest] = k
            nrest += 1
    if nrest == 0:
        return taken[:n]
    rest = rest[:nrest]
    rt = np.empty(nrest, dtype=np.int64)
    rd = np.empty(nrest, dtype=np.int64)
    for q in range(nrest):  # track[rest], det[rest] without numba's fancy indexing
        rt[q] = track[rest[q]]
        rd[q] = det[rest[q]]
    label = bipartite_labels(n_tracks, n_dets, rt, rd)
    tslot = np.full(n_tracks, -1, dtype=np.int64)
    dslot = np.full(n_dets, -1, dtype=np.int64)
    done = np.zeros(nrest, dtype=np.bool_)
    for q0 in range(nrest):
        if done[q0]:
            continue
        lab = label[track[rest[q0]]]
        members = np.empty(nrest - q0, dtype=np.int64)
        nm = 0
        for q in range(q0, nrest):
            if label[track[rest[q]]] == lab:
                members[nm] = rest[q]
                done[q] = True
                nm += 1
        members = members[:nm]
        # the cluster's tracks and detections ascending (as np.unique gives them)
        for k in members:
            tslot[track[k]] = 0
            dslot[det[k]] = 0
        tr = _marked(tslot)
        de = _marked(dslot)
        nt, nd = tr.shape[0], de.shape[0]
        C = np.full((nt, nd + nt), big)
        pair_at = np.full((nt, nd), -1, dtype=np.int64)
        for k in members:
            C[tslot[track[k]], dslot[det[k]]] = d2[k]
            pair_at[tslot[track[k]], dslot[det[k]]] = k
        for a in range(nt):
            C[a, nd + a] = miss_cost
        col = linear_assignment(C)
        for a in range(nt):
            c = col[a]
            if c >= 0 and c < nd and C[a, c] < big:
                taken[n] = pair_at[a, c]
                n += 1
        for a in range(nt):
            tslot[tr[a]] = -1
        for b in range(nd):
            dslot[de[b]] = -1
    return taken[:n]


@helper
def _marked(slot):
    """The indices i with slot[i] >= 0, ascending, each numbered in slot (0, 1, ...)."""
    k = 0
    for i in range(slot.shape[0]):
        if slot[i] >= 0:
            slot[i] = k
            k += 1
    out = np.empty(k, dtype=np.int64)
    for i in range(slot.shape[0]):
        if slot[i] >= 0:
            out[slot[i]] = i
    return out


@kernel
def min_cost_pairs(rows, cols, cost, n_rows, n_cols):
    """``association.min_cost_matching`` compiled: (rows, cols) of the matching, sorted
    by row.  The problem of :func:`matching_problem` is solved one connected component
    of its pairs at a time through :func:`linear_assignment` (each component's rows
    with their own 'unmatched' columns at the same cost B): the objective is a sum over
    components, so the optimum is the components' optima, found in O(sum k^3) instead
    of O(K^3) for one matrix over all."""
    if rows.shape[0] == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    sr, sc, rr, cc, C = matching_problem(rows, cols, cost, n_rows, n_cols)
    nr, nc = rr.shape[0], cc.shape[0]
    r_out = np.empty(sr.shape[0] + nr, dtype=np.int64)
    c_out = np.empty(sr.shape[0] + nr, dtype=np.int64)
    n = sr.shape[0]
    for q in range(n):
        r_out[q] = sr[q]
        c_out[q] = sc[q]
    if nr:
        ei = np.empty(nr * nc, dtype=np.int64)
        ej = np.empty(nr * nc, dtype=np.int64)
        ne = 0
        for a in range(nr):
            for b in range(nc):
                if C[a, b] < np.inf:
                    ei[ne] = a
                    ej[ne] = b
                    ne += 1
        label = bipartite_labels(nr, nc, ei[:ne], ej[:ne])
        big = C[0, nc]
        done = np.zeros(nr, dtype=np.bool_)
        ra = np.empty(nr, dtype=np.int64)
        cb = np.empty(nc, dtype=np.int64)
        for a0 in range(nr):
            if done[a0]:
                continue
            lab = label[a0]
            k = 0
            for a in range(a0, nr):
                if label[a] == lab:
                    ra[k] = a
                    done[a] = True
                    k += 1
            q = 0
            for b in range(nc):
                if label[nr + b] == lab:
                    cb[q] = b
                    q += 1
            D = np.full((k, q + k), np.inf)
            for x in range(k):
                for y in range(q):
                    D[x, y] = C[ra[x], cb[y]]
                D[x, q + x] = big
            col = linear_assignment(D)
            for x in range(k):
                if col[x] >= 0 and col[x] < q:
                    r_out[n] = rr[ra[x]]
                    c_out[n] = cc[cb[col[x]]]
                    n += 1
    # by row, ties (none: a matching) in the order found - a stable counting sort
    start = np.zeros(max(n_rows, 0) + 1, dtype=np.int64)
    for q in range(n):
        start[r_out[q] + 1] += 1
    for i in range(n_rows):
        start[i + 1] += start[i]
    r_s = np.empty(n, dtype=np.int64)
    c_s = np.empty(n, dtype=np.int64)
    for q in range(n):
        d = start[r_out[q]]
        r_s[d] = r_out[q]
        c_s[d] = c_out[q]
        start[r_out[q]] += 1
    return r_s, c_s


# --------------------------------------------------------------------------- tracker engine


@leaf
def _take_rows(pos, cov, idx, p, c):
    """p = pos[idx[:k]], c = cov[idx[:k]] for k rows of p (a leaf: no reference counting per row)."""
    for q in range(p.shape[0]):
        _put(p[q], pos[idx[q]])
        _put2(c[q], cov[idx[q]])


@helper
def _rows(pos, cov, idx, k):
    """pos[idx[:k]], cov[idx[:k]] (plain loops: compile far faster than fancy indexing)."""
    p = np.empty((k, 3))
    c = np.empty((k, 3, 3))
    _take_rows(pos, cov, idx, p, c)
    return p, c


@helper
def _grow(a, need):
    """``a`` with room for ``need`` rows (capacity doubled when it runs out)."""
    if need <= a.shape[0]:
        return a
    out = np.empty((max(2 * a.shape[0], need),) + a.shape[1:], dtype=a.dtype)
    d = out.ravel()  # views of C arrays (a slice of ``out`` might be typed 'A' and copied)
    s = a.ravel()
    for i in range(s.shape[0]):
        d[i] = s[i]
    return out


# indices of the engine's float and integer parameter vectors (manager.engine_parameters)
P_MAX_STEP, P_Q, P_Q_LNB, P_LNB_LO, P_LNB_HI, P_GATE, P_MAX_SPEED, P_MAX_SIGMA, P_LNB_MEAN, P_LNB_SIGMA, P_R_MIN, \
    P_R_MAX = range(12)
I_CONFIRM_M, I_CONFIRM_N, I_MISSES = range(3)


@leaf
def _predict_tracks(T, t, Xp, lt, lP, rXc, rPHI, rdone, rh, Pp, dq, tv, have_p, broken, Q, FP, scratch, fp, earth,
                    omega, h0, dh, ln_rho, d2_ln_rho):
    """:func:`track_frames`' prediction of its T live tracks to time t (gating.predict_tracks:
    resumable RK4 + STM, F P F^T + Q, broken rows), a leaf so that the per-track rows
    it takes (``Xp[k]``, ``rPHI[k]``...) cost no reference counting.  F P F^T + Q is
    formed only where the gate needs it (Pp, ``have_p``); the pre-gate and the broken
    test need its position trace (``tv``) and whether it is finite, which
    :func:`_position_trace` gives to the bit without it.  Xp holds the live states on
    entry, the predictions on return; (rXc, rPHI, rdone, rh) the resume points."""
    n = Xp.shape[1]
    qd = -1.0  # the step Q holds: most tracks of a frame share it (math.pow once, not per track)
    for k in range(T):
        d = t - lt[k]
        phi = rPHI[k]  # the resume point's STM, then the prediction's (in place)
        steps, h = _resume_in_place(Xp[k], phi, d, fp[P_MAX_STEP], rXc[k], rdone[k], rh[k], earth, omega, h0, dh,
                                    ln_rho, d2_ln_rho, scratch)
        dq[k] = abs(d)
        if dq[k] != qd:
            _cwna_one(Q, dq[k], fp[P_Q], fp[P_Q_LNB])
            qd = dq[k]
        tr, finite = _position_trace(phi, lP[k], Q)
        if not finite:  # form it and look
            _covariance_one(phi, lP[k], Q, Pp[k], FP)
            have_p[k] = True
            finite = True
            for i in range(n):
                for j in range(n):
                    if not math.isfinite(Pp[k, i, j]):
                        finite = False
            tr = Pp[k, 0, 0] + Pp[k, 1, 1] + Pp[k, 2, 2]
        tv[k] = tr
        broken[k] = _broken_one(Xp[k], finite, tr, 2.0 * fp[P_MAX_SPEED], 10.0 * fp[P_MAX_SIGMA], fp[P_R_MIN],
                                fp[P_R_MAX])
        _put(rXc[k], Xp[k])
        rdone[k] = steps
        rh[k] = h


@leaf
def _lifecycle(T, t, hit, broken, lX, lP, lt, lid, lstat, lhits, lage, lmiss, rXc, rPHI, rdone, rh, conf_t, del_t, cm, cn,
               kmiss, max_sigma):
    """:func:`track_frames`' lifecycle step (lifecycle.step_lifecycle: count, confirm,
    drop) over its T live tracks at time t; the survivors are moved down in order (a
    leaf: the row copies cost no reference counting).  Returns the new live count."""
    w_ = np.int64(0)
    for k in range(T):
        lage[k] += 1
        if hit[k]:
            lhits[k] += 1
            lmiss[k] = 0
        else:
            lmiss[k] += 1
        if lstat[k] == 0 and lhits[k] >= cm and lage[k] <= cn:
            conf_t[lid[k]] = t
            lstat[k] = 1
        drop = lstat[k] == 0 and lhits[k] + (cn - lage[k]) < cm
        drop = drop or (lstat[k] == 1 and lmiss[k] >= kmiss)
        sig = math.sqrt(lP[k, 0, 0] + lP[k, 1, 1] + lP[k, 2, 2])
        drop = drop or not (sig <= max_sigma) or broken[k]
        if drop:
            del_t[lid[k]] = t
            continue
        if w_ != k:
            _put(lX[w_], lX[k])
            _put2(lP[w_], lP[k])
            lt[w_] = lt[k]
            lid[w_] = lid[k]
            lstat[w_] = lstat[k]
            lhits[w_] = lhits[k]
            lage[w_] = lage[k]
            lmiss[w_] = lmiss[k]
            _put(rXc[w_], rXc[k])
            _put2(rPHI[w_], rPHI[k])
            rdone[w_] = rdone[k]
            rh[w_] = rh[k]
        w_ += 1
    return w_


@leaf
def _start_tracks(X0, P0, r, free, used, t, T, nh, next_id, cm, lX, lP, lt, lid, lstat, lhits, lage, lmiss, rXc, rPHI,
                  rdone, rh, born, conf_t, del_t, hid, ht, hX, hP, hdet, htruth, hnis, det_index, truth_id):
    """:func:`track_frames`' new tracks (X0, P0) from the free detections ``free[r]``
    appended to the live rows and the history (room made by the caller), a leaf (no
    reference counting per row).  Returns the new (live count, history rows, next id)."""
    for q in range(X0.shape[0]):
        g = free[r[q]]
        used[r[q]] = True
        _put(lX[T], X0[q])
        _put2(lP[T], P0[q])
        lt[T] = t
        lid[T] = next_id
        lstat[T] = 1 if cm == 1 else 0
        lhits[T] = 1
        lage[T] = 1
        lmiss[T] = 0
        _put(rXc[T], X0[q])
        _fill2(rPHI[T], 0.0)
        rdone[T] = 0
        rh[T] = 0.0
        born[next_id] = t
        conf_t[next_id] = t if cm == 1 else np.nan
        del_t[next_id] = np.nan
        hid[nh] = next_id
        ht[nh] = t
        _put(hX[nh], X0[q])
        _put2(hP[nh], P0[q])
        hdet[nh] = det_index[g]
        htruth[nh] = truth_id[g]
        hnis[nh] = np.nan
        nh += 1
        next_id += 1
        T += 1
    return T, nh, next_id


@kernel
def track_frames(Z, R, pos, cov, det_index, truth_id, fstart, fend, ftime, fsite, site_ecef, rot, with_rr, n, fp, ip,
                 angle_mask, earth, omega, h0, dh, ln_rho, d2_ln_rho):
    """The component tracker (``manager.TrackManager``) with EKF (second order), GNN,
    two-point initiation and M-of-N / miss deletion over all frames in one call.

    Detections Z (N, m), R (N, m, m), their ECEF positions and covariances, input
    index and truth id, sorted by frame; frame f is rows [fstart_f, fend_f) at time
    ftime_f seen by site fsite_f.  ``fp``/``ip`` the parameters (P_* / I_* indices).
    Each step is the component's own compiled kernel or its per-track core, in the
    components' order, so the numbers agree with the component loop to round-off
    (unit test).  Live tracks are rows of preallocated arrays kept in birth (= id)
    order; the history of every update goes to arrays that grow by doubling.
    Returns (history id, t, X, P, detection, truth, NIS; born, confirmed and deleted
    times by id; confirmed and tentative counts by frame)."""
    m = Z.shape[1]
    F = fstart.shape[0]
    S = site_ecef.shape[0]
    thr = fp[P_GATE]
    cm, cn, kmiss = ip[I_CONFIRM_M], ip[I_CONFIRM_N], ip[I_MISSES]
    # Every history row holds its own detection (an update's or a new track's), so there
    # are at most N rows, N ids and N live tracks: the 1-D arrays are allocated at N once;
    # the state and covariance rows (n, n x n floats each) grow by doubling instead.
    nmax = max(1, Z.shape[0])
    # live tracks
    cap = 64
    lX = np.empty((cap, n))
    lP = np.empty((cap, n, n))
    lt = np.empty(nmax)
    lid = np.empty(nmax, dtype=np.int64)
    lstat = np.empty(nmax, dtype=np.int64)
    lhits = np.empty(nmax, dtype=np.int64)
    lage = np.empty(nmax, dtype=np.int64)
    lmiss = np.empty(nmax, dtype=np.int64)
    rXc = np.empty((cap, n))
    rPHI = np.empty((cap, n, n))
    rdone = np.empty(nmax, dtype=np.int64)
    rh = np.empty(nmax)
    # counters start as np.int64(0), not 0: numba would type a literal 0 as Literal[int](0)
    # during inference and compile each kernel it is passed to twice (once for the literal)
    T = np.int64(0)
    # history
    hid = np.empty(nmax, dtype=np.int64)
    ht = np.empty(nmax)
    hX = np.empty((256, n))
    hP = np.empty((256, n, n))
    hdet = np.empty(nmax, dtype=np.int64)
    htruth = np.empty(nmax, dtype=np.int64)
    hnis = np.empty(nmax)
    nh = np.int64(0)
    born = np.empty(nmax)
    conf_t = np.empty(nmax)
    del_t = np.empty(nmax)
    next_id = np.int64(0)
    n_conf = np.zeros(F, dtype=np.int64)
    n_tent = np.zeros(F, dtype=np.int64)
    # two-point initiation: each site's detections waiting for a partner (global rows)
    widest = 1
    for f in range(F):
        widest = max(widest, fend[f] - fstart[f])
    pend = np.empty((S, widest), dtype=np.int64)
    pend_n = np.full(S, -1, dtype=np.int64)  # -1: no pending frame yet
    pend_t = np.zeros(S)
    scratch = _rk4_work(n)
    jw = _joseph_work(n, m)
    FP = np.empty((n, n))
    Q = np.zeros((n, n))
    Rx = np.empty((m, m))
    HP = np.empty((m, n))
    Sk = np.empty((m, m))
    nu = np.empty(m)
    dvar = np.empty(pos.shape[0])
    for j in range(pos.shape[0]):
        dvar[j] = cov[j, 0, 0] + cov[j, 1, 1] + cov[j, 2, 2]
    for f in range(F):
        a0, a1 = fstart[f], fend[f]
        M = a1 - a0
        t = ftime[f]
        site = fsite[f]
        hit = np.zeros(T, dtype=np.bool_)
        claimed = np.zeros(M, dtype=np.bool_)
        broken = np.zeros(T, dtype=np.bool_)
        if T > 0 and M > 0:
            # 1. predict (gating.predict_tracks: resumable RK4 + STM, F P F^T + Q, broken rows).
            # F P F^T + Q is formed only for the tracks that reach the exact gate (a third
            # of them in a salvo); the pre-gate and the broken test need its trace and
            # whether it is finite, which _position_trace gives to the bit without it.
            Xp = lX[:T].copy()
            Pp = np.empty((T, n, n))
            dq = np.empty(T)
            tv = np.empty(T)
            have_p = np.zeros(T, dtype=np.bool_)
            _predict_tracks(T, t, Xp, lt, lP, rXc, rPHI, rdone, rh, Pp, dq, tv, have_p, broken, Q, FP, scratch, fp,
                            earth, omega, h0, dh, ln_rho, d2_ln_rho)
            for k in range(T):
                if broken[k]:
                    _put(Xp[k], lX[k])
            # 2. gate (gating.EllipsoidGate: Cartesian pre-gate, then the exact test)
            ne = np.int64(0)
            rows = np.empty(T, dtype=np.int64)
            for k in range(T):
                if not broken[k]:
                    rows[ne] = k
                    ne += 1
            rows = rows[:ne]
            gt = np.zeros(0, dtype=np.int64)
            gd = np.zeros(0, dtype=np.int64)
            gd2 = np.zeros(0)
            z_pred = np.zeros((0, m))
            Pzz = np.zeros((0, m, m))
            Hm = np.zeros((0, m, n))
            slot = np.full(T, -1, dtype=np.int64)
            if ne > 0:
                tpos = np.empty((ne, 3))
                tvar = np.empty(ne)
                for q in range(ne):
                    k = rows[q]
                    for i in range(3):
                        tpos[q, i] = Xp[k, i]
                    tvar[q] = tv[k]
                ti, dj = pregate_pairs(tpos, tvar, pos[a0:a1], dvar[a0:a1], thr)
                if ti.shape[0] > 0:
                    # the candidates' tracks get their covariance; the pairs that the exact
                    # gate surely rejects on the range alone are dropped before the
                    # second-order prediction (range_far_pairs: the same pairs pass)
                    tk = np.empty(ti.shape[0], dtype=np.int64)
                    qd = -1.0  # the step Q holds (see _predict_tracks)
                    for c in range(ti.shape[0]):
                        k = rows[ti[c]]
                        tk[c] = k
                        if not have_p[k]:
                            if dq[k] != qd:
                                _cwna_one(Q, dq[k], fp[P_Q], fp[P_Q_LNB])
                                qd = dq[k]
                            _covariance_one(rPHI[k], lP[k], Q, Pp[k], FP)
                            have_p[k] = True
                    far = range_far_pairs(Xp, Pp, site_ecef[site], rot[site], Z[a0:a1], R[a0:a1], tk, dj, thr)
                    nk = np.int64(0)
                    for c in range(ti.shape[0]):
                        if not far[c]:
                            ti[nk] = ti[c]
                            dj[nk] = dj[c]
                            nk += 1
                    ti = ti[:nk]
                    dj = dj[:nk]
                if ti.shape[0] > 0:
                    # the distinct tracks with a candidate (candidates come sorted by track)
                    nu_rows = np.int64(0)
                    urows = np.empty(ti.shape[0], dtype=np.int64)
                    for c in range(ti.shape[0]):
                        k = rows[ti[c]]
                        if slot[k] < 0:
                            slot[k] = nu_rows
                            urows[nu_rows] = k
                            nu_rows += 1
                    Xu = np.empty((nu_rows, n))
                    Pu = np.empty((nu_rows, n, n))
                    for q in range(nu_rows):
                        k = urows[q]
                        _put(Xu[q], Xp[urows[q]])
                        _put2(Pu[q], Pp[urows[q]])
                    z_pred, Pzz, _, Hm = radar_ekf2_prediction(Xu, Pu, site_ecef, rot,
                                                               np.full(nu_rows, site, dtype=np.int64), with_rr)
                    tslot = np.empty(ti.shape[0], dtype=np.int64)
                    for c in range(ti.shape[0]):
                        tslot[c] = slot[rows[ti[c]]]
                    keep, gd2, _, _, _ = gate_pairs(z_pred, Pzz, Z[a0:a1], R[a0:a1], tslot, dj, angle_mask, thr)
                    gt = np.empty(keep.shape[0], dtype=np.int64)
                    gd = np.empty(keep.shape[0], dtype=np.int64)
                    for c in range(keep.shape[0]):
                        gt[c] = rows[ti[keep[c]]]
                        gd[c] = dj[keep[c]]
            # 3. associate (GNN): confirmed tracks first, then tentative on what is left
            take_t = np.empty(gt.shape[0], dtype=np.int64)
            take_d = np.empty(gt.shape[0], dtype=np.int64)
            ntake = np.int64(0)
            for stage in (1, 0):
                sel = np.empty(gt.shape[0], dtype=np.int64)
                ns = np.int64(0)
                for c in range(gt.shape[0]):
                    if lstat[gt[c]] == stage and not claimed[gd[c]]:
                        sel[ns] = c
                        ns += 1
                if ns == 0:
                    continue
                st = np.empty(ns, dtype=np.int64)
                sd = np.empty(ns, dtype=np.int64)
                s2 = np.empty(ns)
                for c in range(ns):
                    st[c] = gt[sel[c]]
                    sd[c] = gd[sel[c]]
                    s2[c] = gd2[sel[c]]
                won = gnn_pairs(st, sd, s2, T, M, thr, 1e12)
                for c in won:
                    k = st[c]
                    j = sd[c]
                    hit[k] = True
                    claimed[j] = True
                    take_t[ntake] = k
                    take_d[ntake] = j
                    ntake += 1
            # 4. update (ExtendedKalmanFilter.update_with, second order: S = Pzz + R)
            for c in range(ntake):
                k = take_t[c]
                j = a0 + take_d[c]
                s = slot[k]
                Pk = Pp[k]
                Hk = Hm[s]
                for i in range(m):
                    dd = Z[j, i] - z_pred[s, i]
                    if angle_mask[i]:
                        w = (dd + math.pi) % (2.0 * math.pi) - math.pi
                        dd = math.pi if w == -math.pi else w
                    nu[i] = dd
                _mm(Hk, Pk, HP)
                _mmt(HP, Hk, Sk)
                for i in range(m):
                    for q in range(m):
                        Rx[i, q] = Pzz[s, i, q] - Sk[i, q]
                for i in range(m):
                    for q in range(m):
                        Sk[i, q] = R[j, i, q] + 0.5 * (Rx[i, q] + Rx[q, i])
                x = Xp[k].copy()
                Po = np.empty((n, n))
                nis, _ = _joseph_one(x, Pk, nu, Hk, Sk, Po, Rx, jw)
                if n == 7:
                    if x[6] < fp[P_LNB_LO]:
                        x[6] = fp[P_LNB_LO]
                    elif x[6] > fp[P_LNB_HI]:
                        x[6] = fp[P_LNB_HI]
                _put(lX[k], x)
                _put2(lP[k], Po)
                lt[k] = t
                rdone[k] = 0
                need = nh + 1
                if need > hX.shape[0]:
                    hX = _grow(hX, need)
                    hP = _grow(hP, need)
                hid[nh] = lid[k]
                ht[nh] = t
                _put(hX[nh], x)
                _put2(hP[nh], Po)
                hdet[nh] = det_index[j]
                htruth[nh] = truth_id[j]
                hnis[nh] = nis
                nh += 1
        # 5. lifecycle (lifecycle.step_lifecycle: count, confirm, drop)
        if T > 0:
            T = _lifecycle(T, t, hit, broken, lX, lP, lt, lid, lstat, lhits, lage, lmiss, rXc, rPHI, rdone, rh, conf_t,
                           del_t, cm, cn, kmiss, fp[P_MAX_SIGMA])
        # 6. initiate (initiators.TwoPointInitiator) from the unclaimed detections
        nfree = np.int64(0)
        free = np.empty(M, dtype=np.int64)
        for q in range(M):
            if not claimed[q]:
                free[nfree] = a0 + q
                nfree += 1
        if nfree > 0:
            free = free[:nfree]
            used = np.zeros(nfree, dtype=np.bool_)
            npv = pend_n[site]
            dt = t - pend_t[site]
            if npv >= 0 and dt > 0.0 and npv > 0:
                p2, C2 = _rows(pos, cov, free, nfree)
                p1, C1 = _rows(pos, cov, pend[site], npv)
                ii, jj, cost = two_point_candidates(p2, C2, p1, C1, dt, fp[P_MAX_SPEED])
                r, c = min_cost_pairs(ii, jj, cost, nfree, npv)
                X0, P0 = two_point_states(p2, C2, p1, C1, r, c, dt, n)
                k0 = r.shape[0]
                if n == 7:
                    for q in range(k0):
                        X0[q, 6] = fp[P_LNB_MEAN]
                        P0[q, 6, 6] = fp[P_LNB_SIGMA] ** 2
                need = T + k0
                if need > lX.shape[0]:
                    lX = _grow(lX, need)
                    lP = _grow(lP, need)
                    rXc = _grow(rXc, need)
                    rPHI = _grow(rPHI, need)
                need = nh + k0
                if need > hX.shape[0]:
                    hX = _grow(hX, need)
                    hP = _grow(hP, need)
                T, nh, next_id = _start_tracks(X0, P0, r, free, used, t, T, nh, next_id, cm, lX, lP, lt, lid, lstat,
                                               lhits, lage, lmiss, rXc, rPHI, rdone, rh, born, conf_t, del_t, hid, ht,
                                               hX, hP, hdet, htruth, hnis, det_index, truth_id)
            nk = np.int64(0)
            for q in range(nfree):
                if not used[q]:
                    pend[site, nk] = free[q]
                    nk += 1
            pend_n[site] = nk
            pend_t[site] = t
        for k in range(T):
            if lstat[k] == 1:
                n_conf[f] += 1
            else:
                n_tent[f] += 1
    return (hid[:nh], ht[:nh], hX[:nh], hP[:nh], hdet[:nh], htruth[:nh], hnis[:nh], born[:next_id],
            conf_t[:next_id], del_t[:next_id], n_conf, n_tent)


_OUTSIDE_ELLIPSOID_M2 = (WGS84_A_M + 1.0) ** 2
"""(WGS-84 equatorial radius + 1 m)^2: no point of the ellipsoid lies farther from the centre."""


@kernel
def ballistic_paths(X, n_steps, step, max_step, earth, omega, h0, dh, ln_rho, d2_ln_rho):
    """The ballistic motion (RK4, :func:`_rk4_step`) of each state X (N, nx) sampled
    every ``step`` seconds while it stays above the WGS-84 ellipsoid, for at most ``n_steps``
    steps: (samples (N, n_steps + 1, 6), counts (N,)); row k's first counts[k] samples are its
    path (the start state first), the rest NaN.  Each step is the one ``BallisticModel.propagate``
    takes (``step`` in equal sub-steps no longer than ``max_step``), and a path ends before the
    first sample that is not finite or lies below the ground - the same numbers as a
    propagation call per step from Python, without the call's cost."""
    n, nx = X.shape
    out = np.full((n, n_steps + 1, 6), np.nan)
    counts = np.zeros(n, dtype=np.int64)
    m = max(1, int(math.ceil(abs(step) / max_step - 1e-12)))
    h = step / m
    work = np.empty((5, nx))
    Aw = np.empty((4, nx, nx))
    G = np.empty((3, 3))
    phi = np.empty((nx, nx))
    Kw = np.empty((0, nx, nx))  # no state transition matrix
    x = np.empty(nx)
    for k in range(n):
        for i in range(nx):
            x[i] = X[k, i]
        for i in range(6):
            out[k, 0, i] = x[i]
        c = 1
        for _ in range(n_steps):
            for _ in range(m):
                _rk4_step(x, nx, h, earth, omega, h0, dh, ln_rho, d2_ln_rho, phi, work, Aw, G, Kw)
            finite = True
            for i in range(nx):
                if not math.isfinite(x[i]):
                    finite = False
            if not finite:
                break
            if x[0] * x[0] + x[1] * x[1] + x[2] * x[2] <= _OUTSIDE_ELLIPSOID_M2:
                if geodetic_height(x[0], x[1], x[2], EARTH_WGS84) < 0.0:
                    break
            for i in range(6):
                out[k, c, i] = x[i]
            c += 1
        counts[k] = c
    return out, counts
