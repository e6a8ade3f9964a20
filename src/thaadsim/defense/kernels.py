"""Compiled kernels of the defense room: table look-up, proportional-navigation homing,
Monte Carlo of an engagement doctrine.

Plain floats and arrays in, SI units; no randomness inside (the callers draw uniform
numbers from a passed ``numpy.random.Generator`` and hand them in).  Plain-numpy
references of each kernel live in tests/unit/test_defense_kernels.py.
"""

from __future__ import annotations

import math

import numpy as np

from thaadsim.jit import helper, kernel, prange


@helper
def _lerp_table(table, ia, ja, fa, ih, fh, ir, fr):
    """Trilinear blend of the 8 corners; NaN if any corner is NaN (unreachable)."""
    total = 0.0
    for da in range(2):
        wa = fa if da else 1.0 - fa
        a = ja if da else ia
        for dh in range(2):
            wh = fh if dh else 1.0 - fh
            for dr in range(2):
                wr = fr if dr else 1.0 - fr
                v = table[a, ih + dh, ir + dr]
                if math.isnan(v):
                    return math.nan
                total += wa * wh * wr * v
    return total


@helper
def _lookup_point(table, az0_rad, daz_rad, h0_m, dh_m, r0_m, dr_m, az_rad, h_m, r_m):
    """One point of :func:`table_lookup`."""
    n_az, n_h, n_r = table.shape
    x = (h_m - h0_m) / dh_m
    y = (r_m - r0_m) / dr_m
    if not (x >= 0.0 and x <= n_h - 1 and y >= 0.0 and y <= n_r - 1):
        return math.nan
    ih = min(int(x), n_h - 2)
    ir = min(int(y), n_r - 2)
    s = ((az_rad - az0_rad) % (2.0 * math.pi)) / daz_rad
    ia = int(s) % n_az
    ja = (ia + 1) % n_az
    return _lerp_table(table, ia, ja, s - math.floor(s), ih, x - ih, ir, y - ir)


# Each batch kernel comes as a parallel loop and a serial twin, defined apart: numba
# keys its cache by function name and source line, so one function compiled both ways
# would share one cache entry.  Below the thresholds the serial twin runs, because
# waking the thread pool costs ~0.1 ms on a quiet machine and milliseconds on a loaded
# one (its threads spin), more than the work it would split.
LOOKUP_SERIAL_BELOW = 500_000
"""Look-ups (~130-150 ns a point on one thread, measured for korea-salvo's 118,496-point batches:
16-18 ms) in a batch smaller than this run on one thread.  Two threads would save about half
of that, while loading the parallel code and starting the pool costs ~50-90 ms once per process
and compiling it ~1 s without a cache (the parfor lowering), so a run whose largest batches are
~10^5 points (korea-salvo's) is faster on one thread both warm and cold."""
HOMING_SERIAL_BELOW = 8
"""Homing runs (~1 ms each from a 20 km handover at 2 ms steps) in a batch smaller than this run on one
thread."""


@kernel(parallel=True)
def table_lookup_parallel(table, az0_rad, daz_rad, h0_m, dh_m, r0_m, dr_m, az_rad, h_m, r_m):
    """:func:`table_lookup` on all threads."""
    out = np.empty(az_rad.shape[0])
    for k in prange(az_rad.shape[0]):
        out[k] = _lookup_point(table, az0_rad, daz_rad, h0_m, dh_m, r0_m, dr_m, az_rad[k], h_m[k], r_m[k])
    return out


@kernel
def table_lookup_serial(table, az0_rad, daz_rad, h0_m, dh_m, r0_m, dr_m, az_rad, h_m, r_m):
    """:func:`table_lookup` on the calling thread."""
    out = np.empty(az_rad.shape[0])
    for k in range(az_rad.shape[0]):
        out[k] = _lookup_point(table, az0_rad, daz_rad, h0_m, dh_m, r0_m, dr_m, az_rad[k], h_m[k], r_m[k])
    return out


def table_lookup(table, az0_rad, daz_rad, h0_m, dh_m, r0_m, dr_m, az_rad, h_m, r_m):
    """Trilinear interpolation of a (azimuth, altitude, range) table; azimuth is periodic.

    ``table[a, j, i]`` holds the value at azimuth ``az0 + a daz`` (the grid spans a full
    turn), altitude ``h0 + j dh`` and range ``r0 + i dr``.  Points outside the altitude
    or range grid, or in a cell with a NaN corner, give NaN.
    """
    kernel = table_lookup_serial if az_rad.shape[0] < LOOKUP_SERIAL_BELOW else table_lookup_parallel
    return kernel(table, az0_rad, daz_rad, h0_m, dh_m, r0_m, dr_m, az_rad, h_m, r_m)


@helper
def _pn_accel(r_rel, v_rel, nav_gain, a_max, out):
    """True proportional navigation: a = N' Vc (Omega x u_los), magnitude limited to a_max."""
    rr = r_rel[0] * r_rel[0] + r_rel[1] * r_rel[1] + r_rel[2] * r_rel[2]
    if rr <= 0.0:
        out[0] = 0.0
        out[1] = 0.0
        out[2] = 0.0
        return
    rn = math.sqrt(rr)
    vc = -(r_rel[0] * v_rel[0] + r_rel[1] * v_rel[1] + r_rel[2] * v_rel[2]) / rn
    # Omega = r x v / |r|^2 ; u = r / |r|
    ox = (r_rel[1] * v_rel[2] - r_rel[2] * v_rel[1]) / rr
    oy = (r_rel[2] * v_rel[0] - r_rel[0] * v_rel[2]) / rr
    oz = (r_rel[0] * v_rel[1] - r_rel[1] * v_rel[0]) / rr
    ux, uy, uz = r_rel[0] / rn, r_rel[1] / rn, r_rel[2] / rn
    ax = nav_gain * vc * (oy * uz - oz * uy)
    ay = nav_gain * vc * (oz * ux - ox * uz)
    az = nav_gain * vc * (ox * uy - oy * ux)
    mag = math.sqrt(ax * ax + ay * ay + az * az)
    if mag > a_max:
        ax *= a_max / mag
        ay *= a_max / mag
        az *= a_max / mag
    out[0] = ax
    out[1] = ay
    out[2] = az


@helper
def _homing_rhs(y, nav_gain, a_max, tau, out, cmd, r_rel, v_rel):
    """State y = [r_rel(3), v_rel(3), a_kv(3)]: target minus kill vehicle, achieved accel.

    Uniform gravity acts on both and cancels in the relative motion; the target does
    not manoeuvre.  The kill vehicle's acceleration follows the PN command through a
    first-order lag tau (tau = 0: instantaneous).
    """
    for i in range(3):
        r_rel[i] = y[i]
        v_rel[i] = y[3 + i]
    _pn_accel(r_rel, v_rel, nav_gain, a_max, cmd)
    for i in range(3):
        out[i] = y[3 + i]
        if tau > 0.0:
            out[3 + i] = -y[6 + i]
            out[6 + i] = (cmd[i] - y[6 + i]) / tau
        else:
            out[3 + i] = -cmd[i]
            out[6 + i] = 0.0


@kernel
def homing_one(r_rel0, v_rel0, nav_gain, a_max, tau, dt, t_max):
    """RK4 homing from a relative state until closest approach: (miss [m], time [s]).

    The run stops at the first step over which the range rate turns positive; the
    closest approach inside that step is found on the straight relative path (the
    relative acceleration changes the miss by at most a_max dt^2 / 2).
    """
    y = np.zeros(9)
    for i in range(3):
        y[i] = r_rel0[i]
        y[3 + i] = v_rel0[i]
    k1 = np.empty(9)
    k2 = np.empty(9)
    k3 = np.empty(9)
    k4 = np.empty(9)
    tmp = np.empty(9)
    cmd = np.empty(3)
    rr = np.empty(3)
    vv = np.empty(3)
    t = 0.0
    best = math.sqrt(y[0] ** 2 + y[1] ** 2 + y[2] ** 2)
    while t < t_max:
        rdot = y[0] * y[3] + y[1] * y[4] + y[2] * y[5]
        if rdot >= 0.0:
            break
        _homing_rhs(y, nav_gain, a_max, tau, k1, cmd, rr, vv)
        for i in range(9):
            tmp[i] = y[i] + 0.5 * dt * k1[i]
        _homing_rhs(tmp, nav_gain, a_max, tau, k2, cmd, rr, vv)
        for i in range(9):
            tmp[i] = y[i] + 0.5 * dt * k2[i]
        _homing_rhs(tmp, nav_gain, a_max, tau, k3, cmd, rr, vv)
        for i in range(9):
            tmp[i] = y[i] + dt * k3[i]
        _homing_rhs(tmp, nav_gain, a_max, tau, k4, cmd, rr, vv)
        for i in range(9):
            tmp[i] = y[i] + dt / 6.0 * (k1[i] + 2.0 * k2[i] + 2.0 * k3[i] + k4[i])
        rdot1 = tmp[0] * tmp[3] + tmp[1] * tmp[4] + tmp[2] * tmp[5]
        if rdot1 >= 0.0:
            # Closest approach inside this step: straight line through the step's start.
            vv2 = y[3] ** 2 + y[4] ** 2 + y[5] ** 2
            s = min(max(-rdot / vv2, 0.0), dt) if vv2 > 0.0 else 0.0
            d = 0.0
            for i in range(3):
                d += (y[i] + s * y[3 + i]) ** 2
            return min(math.sqrt(d), best), t + s
        for i in range(9):
            y[i] = tmp[i]
        t += dt
        best = min(best, math.sqrt(y[0] ** 2 + y[1] ** 2 + y[2] ** 2))
    return math.sqrt(y[0] ** 2 + y[1] ** 2 + y[2] ** 2), t


@kernel(parallel=True)
def homing_batch_parallel(r_rel0, v_rel0, nav_gain, a_max, tau, dt, t_max):
    """:func:`homing_batch` on all threads."""
    n = r_rel0.shape[0]
    miss = np.empty(n)
    t_ca = np.empty(n)
    for k in prange(n):
        miss[k], t_ca[k] = homing_one(r_rel0[k], v_rel0[k], nav_gain, a_max, tau, dt, t_max)
    return miss, t_ca


@kernel
def homing_batch_serial(r_rel0, v_rel0, nav_gain, a_max, tau, dt, t_max):
    """:func:`homing_batch` on the calling thread."""
    n = r_rel0.shape[0]
    miss = np.empty(n)
    t_ca = np.empty(n)
    for k in range(n):
        miss[k], t_ca[k] = homing_one(r_rel0[k], v_rel0[k], nav_gain, a_max, tau, dt, t_max)
    return miss, t_ca


def homing_batch(r_rel0, v_rel0, nav_gain, a_max, tau, dt, t_max):
    """``homing_one`` over N relative states (N, 3) each; returns (miss (N,), t_ca (N,))."""
    kernel = homing_batch_serial if r_rel0.shape[0] < HOMING_SERIAL_BELOW else homing_batch_parallel
    return kernel(r_rel0, v_rel0, nav_gain, a_max, tau, dt, t_max)


@kernel
def doctrine_mc(u_detect, u_kill, works, p_detect, sspk, shots, look, inventory):
    """Monte Carlo of a one-layer doctrine over R independent raids of W warheads.

    Uniform draws ``u_detect`` (R, W) and ``u_kill`` (R, W, shots); ``works`` (R,) says
    whether the battery as a whole works in each raid (drawn by the caller with the
    system reliability).
    Warheads are engaged in arrival order from a shared inventory.  Shoot-shoot
    (``look`` False) fires ``shots`` interceptors at a detected warhead at once;
    shoot-look-shoot fires one, looks, and fires again while it survives, up to
    ``shots`` looks.  An interceptor kills with probability ``sspk``; a battery that
    does not work engages nothing.  Returns (leaked (R, W) bool, fired (R, W) int).
    """
    n_runs, n_war = u_detect.shape
    leaked = np.zeros((n_runs, n_war), dtype=np.bool_)
    fired = np.zeros((n_runs, n_war), dtype=np.int64)
    for r in range(n_runs):
        left = inventory
        for w in range(n_war):
            if not (works[r] and u_detect[r, w] < p_detect):
                leaked[r, w] = True
                continue
            killed = False
            n_fire = 0
            if look:
                for s in range(shots):
                    if left == 0:
                        break
                    left -= 1
                    n_fire += 1
                    if u_kill[r, w, s] < sspk:
                        killed = True
                        break
            else:
                n_fire = min(shots, left)
                left -= n_fire
                for s in range(n_fire):
                    if u_kill[r, w, s] < sspk:
                        killed = True
            fired[r, w] = n_fire
            leaked[r, w] = not killed
    return leaked, fired
