"""A batch least-squares fit of a track's unpowered, drag-free arc to its own detections.

Why: the recursive filter carries process noise (``TrackerConfig.q_m2_s3``, 1 m^2/s^3 by
default) that it needs while a missile may still be thrusting, so once the arc is
ballistic its covariance is conservative - a launch point back-propagated 300 s from
such a state states a CEP about 1.6 times its median error (Scud-ER to Busan).  Above
``EXO_ALTITUDE_M`` the motion is the tracker's vacuum ballistic model (gravity with J2,
rotating frame) to well below the measurement noise, so the state at one reference time
is fitted to every detection the track used up there by Gauss-Newton iterations of the
weighted least squares (Bar-Shalom, Li & Kirubarajan 2001, sec. 3.4: the batch estimator
and its covariance (sum H^T R^-1 H)^-1, H = (dh/dx) Phi), with no process noise: the
named assumption is that nothing but gravity acts on the arc above that altitude
(no thrust: a multi-stage missile's upper stage must have burnt out; no drag).
"""

from __future__ import annotations

import numpy as np

from thaadsim.errors import InputError
from thaadsim.tracking.measurement import RadarMeasurementModel, RadarSites
from thaadsim.tracking.models import BallisticModel

MAX_ITERATIONS = 8
STEP_TOLERANCE = 1e-3
"""Stop when no position component moves more than this [m] (velocity: this [m/s])."""


def detection_rows(detections, index: np.ndarray) -> tuple[np.ndarray, np.ndarray, RadarSites, bool]:
    """Measurements Z (M, 3|4), covariances R (M, m, m) of the detections at ``index`` of
    one radar-room ``Detections``, its site, and whether range rate is used (when all
    rows carry one)."""
    if isinstance(detections, list | tuple):
        raise InputError("the arc fit takes the detections of one radar", field="detections")
    idx = np.asarray(index, dtype=np.int64)
    rr = np.asarray(detections.range_rate_m_s, dtype=float)[idx]
    srr = np.asarray(detections.sigma_range_rate_m_s, dtype=float)[idx]
    with_rr = bool(np.all(np.isfinite(rr)) and np.all(np.isfinite(srr)) and np.all(srr > 0.0))
    cols = [np.asarray(getattr(detections, k), dtype=float)[idx] for k in ("range_m", "az_rad", "el_rad")]
    sig = [np.asarray(getattr(detections, k), dtype=float)[idx] for k in ("sigma_range_m", "sigma_az_rad",
                                                                          "sigma_el_rad")]
    if with_rr:
        cols.append(rr)
        sig.append(srr)
    Z = np.stack(cols, axis=1)
    s = np.stack(sig, axis=1)
    R = np.zeros((idx.size, Z.shape[1], Z.shape[1]))
    R[:, np.arange(Z.shape[1]), np.arange(Z.shape[1])] = s**2
    lat = getattr(detections, "radar_lat_deg", None)
    if lat is None:
        site = RadarSites.from_geodetic(detections.lat_deg, detections.lon_deg, detections.alt_m)
    else:
        site = RadarSites.from_geodetic(lat, detections.radar_lon_deg, detections.radar_alt_m)
    return Z, R, site, with_rr


def fit_arc(x0: np.ndarray, t_ref: float, times_s: np.ndarray, Z: np.ndarray, R: np.ndarray, sites: RadarSites,
            with_range_rate: bool, model: BallisticModel) -> tuple[np.ndarray, np.ndarray, int]:
    """Gauss-Newton fit of the 6-state at ``t_ref`` (start ``x0``) to measurements Z (M, m)
    at ``times_s`` with covariances R; ``model`` is used in vacuum.  Returns (state,
    covariance, iterations)."""
    vac = model.without_drag()
    meas = RadarMeasurementModel(sites, with_range_rate)
    x = np.array(x0[:6], dtype=float)
    dt = np.asarray(times_s, dtype=float) - float(t_ref)
    m = dt.size
    if m < 3:
        raise InputError(f"{m} detections: an arc fit needs at least 3", field="detections")
    Rinv = np.linalg.inv(R)
    A = np.eye(6)
    for it in range(1, MAX_ITERATIONS + 1):  # noqa: B007 -- the count is returned
        xs, Phi = vac.propagate_with_jacobian(np.repeat(x[None], m, axis=0), dt)
        zp, H = meas.function_with_jacobian(xs)
        r = meas.residual(Z, zp)
        HJ = H @ Phi
        A = np.einsum("kai,kab,kbj->ij", HJ, Rinv, HJ)
        b = np.einsum("kai,kab,kb->i", HJ, Rinv, r)
        step = np.linalg.solve(A, b)
        x += step
        if np.max(np.abs(step)) < STEP_TOLERANCE:
            break
    P = np.linalg.inv(A)
    return x, 0.5 * (P + P.T), it


__all__ = ["detection_rows", "fit_arc"]
