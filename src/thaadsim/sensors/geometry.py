"""Line of sight, SNR and Pd from one radar to a batch of points.

Approximations, named (see ``sensors/kernels.py`` for the formulas):

* **Earth blockage** — the straight ray against the WGS-84 ellipsoid (or the
  validation sphere); no terrain.
* **Refraction** — the *4/3-Earth effective-radius approximation*, applied only when
  both the radar and the target lie below the refraction ceiling (10 km in the
  preset), i.e. when the whole ray stays inside the lower atmosphere; above it the
  geometry is straight-line (the 4/3 rule overstates the horizon for targets far
  above the atmosphere).  The switch is abrupt at the ceiling.
* **Scan limit and scan loss** — the steering angle is the angle between the line of
  sight and the nearest face normal; SNR falls as cos^m of it.
* Elevation is measured from the local ellipsoid normal at the radar; azimuth
  clockwise from north.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from thaadsim.errors import InputError
from thaadsim.sensors import kernels as K
from thaadsim.sensors.radar import RadarModel

REFRACTION_NOTE = (
    "4/3-Earth effective radius for rays with both ends below the refraction ceiling; "
    "straight-line geometry above it; no terrain"
)


@dataclass(frozen=True)
class Look:
    """What the radar sees of each point (arrays shaped like the input's leading axes).

    ``el_rad`` is the apparent elevation where refraction applies, geometric elsewhere;
    ``snr`` is the mean (linear) SNR with scan loss, 0 where not visible; ``pd`` the
    probability of detection (0 where not visible); ``visible`` the geometric test.
    """

    range_m: np.ndarray
    az_rad: np.ndarray
    el_rad: np.ndarray
    cos_off_boresight: np.ndarray
    snr: np.ndarray
    pd: np.ndarray
    visible: np.ndarray

    @property
    def snr_db(self) -> np.ndarray:
        with np.errstate(divide="ignore"):
            return 10.0 * np.log10(self.snr)


def _points(r_ecef) -> tuple[np.ndarray, tuple[int, ...]]:
    r = np.asarray(r_ecef, dtype=np.float64)
    if r.shape[-1:] != (3,):
        raise InputError(f"positions must have shape (..., 3), got {r.shape}", field="r_ecef")
    shape = r.shape[:-1]
    return np.ascontiguousarray(r.reshape(-1, 3)), shape


def _rcs(rcs_m2, n: int, shape) -> np.ndarray:
    s = np.asarray(rcs_m2, dtype=np.float64)
    if np.any(~np.isfinite(s)) or np.any(s < 0.0):
        raise InputError("radar cross-section must be a finite number ≥ 0", field="--rcs-m2", hint="give it in m^2, e.g. 0.1")
    if s.size == 1:
        return s.reshape(1)
    return np.ascontiguousarray(np.broadcast_to(s, shape).reshape(n))


def look(radar: RadarModel, r_ecef, rcs_m2=1.0, *, swerling: int = 1) -> Look:
    """Range, azimuth, elevation, SNR and Pd of ECEF points ``r_ecef`` (..., 3) [m].

    ``rcs_m2`` broadcasts against the points' leading shape.  Compiled and parallel.
    """
    r, shape = _points(r_ecef)
    n = r.shape[0]
    rcs = _rcs(rcs_m2, n, shape)
    p, faces = radar.kernel_params(swerling)
    out = [np.empty(n) for _ in range(6)]
    vis = np.empty(n, dtype=np.bool_)
    K.look_any(r, rcs, p, faces, *out, vis)
    rng, az, el, cos_off, snr, pd = (a.reshape(shape) for a in out)
    return Look(rng, az, el, cos_off, snr, pd, vis.reshape(shape))


def detection_probability(radar: RadarModel, r_ecef, rcs_m2=1.0, *, swerling: int = 1) -> np.ndarray:
    """Pd only (line of sight + SNR + Pd) for ECEF points (..., 3) — the fast path."""
    r, shape = _points(r_ecef)
    rcs = _rcs(rcs_m2, r.shape[0], shape)
    p, faces = radar.kernel_params(swerling)
    out = np.empty(r.shape[0])
    K.pd_any(r, rcs, p, faces, out)
    return out.reshape(shape)


def line_of_sight(radar: RadarModel, r_ecef) -> np.ndarray:
    """Geometric visibility only (blockage, elevation, scan and range limits), bool (...)."""
    return look(radar, r_ecef, 0.0).visible


__all__ = ["REFRACTION_NOTE", "Look", "detection_probability", "line_of_sight", "look"]
