"""Access: when does the radar detect each trajectory of a batch?

A sample counts as *detectable* when it meets the detection convention
(``sensors/convention.py``; default: the calibration's Pd 0.9 per look, P_fa 1e-6,
Swerling 1, one look) — a Pd criterion, not an SNR one; Pd includes line of sight, the
minimum elevation, the scan limits and the target's Swerling fluctuation.  Results are at
the trajectory's sample resolution (named approximation): an interval runs from its first detectable sample to its last,
``visible_duration_s`` sums those intervals, and the first detection is the first
detectable sample — the true crossing lies within one sample step before it.

Trajectories come as a list of per-trajectory arrays ``times[i]`` (T_i,) and
``positions[i]`` (T_i, 3) in ECEF metres, or padded arrays (N, T) and (N, T, 3) with
NaN where a trajectory has ended.  The work is one compiled, parallel pass.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from thaadsim.earth import frames
from thaadsim.errors import InputError
from thaadsim.sensors import kernels as K
from thaadsim.sensors.convention import DEFAULT_CONVENTION, DetectionConvention, resolve
from thaadsim.sensors.geometry import look
from thaadsim.sensors.radar import RadarModel
from thaadsim.sensors.rcs import RcsModel, aspect_angle_rad


@dataclass(frozen=True)
class Access:
    """Per trajectory (N,): whether, when, where and for how long it is detectable.

    Times in seconds on the trajectories' own clock; altitudes are geodetic heights
    [m]; ``first_detection_range_m`` the slant range at first detection.  Intervals are
    flat arrays (K,): ``interval_trajectory`` (index), ``interval_start_s``,
    ``interval_end_s``.  ``pd`` and ``offsets`` give every sample's Pd (flat, rows
    offsets[i]:offsets[i+1]) when kept.
    """

    visible: np.ndarray
    first_detection_time_s: np.ndarray
    first_detection_altitude_m: np.ndarray
    first_detection_range_m: np.ndarray
    visible_duration_s: np.ndarray
    min_visible_altitude_m: np.ndarray
    max_visible_altitude_m: np.ndarray
    interval_trajectory: np.ndarray
    interval_start_s: np.ndarray
    interval_end_s: np.ndarray
    pd_threshold: float
    criterion: str
    pd: np.ndarray | None = None
    offsets: np.ndarray | None = None
    convention: DetectionConvention = DEFAULT_CONVENTION

    def intervals(self, i: int) -> list[tuple[float, float]]:
        """Detection intervals [(start_s, end_s), ...] of trajectory ``i``."""
        sel = self.interval_trajectory == i
        return list(zip(self.interval_start_s[sel].tolist(), self.interval_end_s[sel].tolist(), strict=True))


def flatten_trajectories(times, positions) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(t (M,), r (M, 3), offsets (N+1,)) from ragged lists or padded arrays."""
    if isinstance(times, np.ndarray) and isinstance(positions, np.ndarray) and positions.ndim == 3:
        n, t_len = positions.shape[:2]
        if times.shape not in ((n, t_len), (t_len,)):
            raise InputError(f"times shape {times.shape} does not fit positions {positions.shape}", field="times")
        tt = np.broadcast_to(times, (n, t_len))
        r = np.ascontiguousarray(positions.reshape(-1, 3), dtype=np.float64)
        t = np.ascontiguousarray(tt.reshape(-1), dtype=np.float64)
        bad = ~np.isfinite(t)
        if bad.any():
            r = r.copy()
            r[bad] = np.nan
        offsets = np.arange(n + 1, dtype=np.int64) * t_len
        return t, r, offsets
    if not isinstance(times, Sequence) or not isinstance(positions, Sequence) or len(times) != len(positions):
        raise InputError("give lists of equal length of (T_i,) times and (T_i, 3) positions", field="positions")
    lengths = []
    for i, (ti, ri) in enumerate(zip(times, positions, strict=True)):
        ti = np.asarray(ti)
        ri = np.asarray(ri)
        if ti.ndim != 1 or ri.shape != (ti.shape[0], 3):
            raise InputError(f"trajectory {i}: times {ti.shape} and positions {ri.shape} do not fit", field="positions")
        lengths.append(ti.shape[0])
    offsets = np.zeros(len(times) + 1, dtype=np.int64)
    offsets[1:] = np.cumsum(lengths)
    if offsets[-1] == 0:
        return np.empty(0), np.empty((0, 3)), offsets
    t = np.concatenate([np.asarray(x, dtype=np.float64) for x in times])
    r = np.ascontiguousarray(np.concatenate([np.asarray(x, dtype=np.float64) for x in positions]))
    return t, r, offsets


def sample_rcs_m2(radar: RadarModel, model: RcsModel, r: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Per-sample RCS [m²] of an aspect-dependent model: flat r, v (M, 3) in ECEF.

    NaN samples (padding) and samples without a defined aspect (zero speed) get the
    model's nose-on value; the kernel skips NaN positions anyway.
    """
    aspect = aspect_angle_rad(radar.r_ecef, r, v)
    aspect = np.where(np.isfinite(aspect), aspect, 0.0)
    return np.ascontiguousarray(model.rcs_m2(aspect), dtype=np.float64)


def access(
    radar: RadarModel,
    times,
    positions,
    *,
    rcs_m2=1.0,
    velocities=None,
    convention: DetectionConvention | None = None,
    swerling: int | None = None,
    pd_threshold: float | None = None,
    keep_pd: bool = False,
) -> Access:
    """Detection intervals and first detections of a batch of trajectories.

    ``rcs_m2`` is a scalar, one value per trajectory (N,), one value per sample (flat,
    (M,) in the flattened order), or an :class:`~thaadsim.sensors.rcs.RcsModel`.  An
    aspect-dependent model needs ``velocities`` shaped like ``positions`` (ECEF, m/s):
    the aspect of each sample is the angle between its velocity and its line of sight
    to the radar.  A :class:`~thaadsim.sensors.rcs.ConstantRcs` takes exactly the
    scalar path.  ``convention`` says what "detectable" means (default: the
    calibration's); ``swerling``/``pd_threshold`` are the older one-look keywords.
    """
    conv = resolve(convention, pd_threshold=pd_threshold, swerling=swerling)
    radar = conv.applied_to(radar)
    pd_threshold = conv.look_pd_threshold
    t, r, offsets = flatten_trajectories(times, positions)
    n = offsets.shape[0] - 1
    if isinstance(rcs_m2, RcsModel):
        if rcs_m2.constant_m2 is not None:
            rcs_m2 = rcs_m2.constant_m2
        else:
            if velocities is None:
                raise InputError("an aspect-dependent RCS needs the trajectories' velocities", field="velocities")
            _, v, offsets_v = flatten_trajectories(times, velocities)
            if not np.array_equal(offsets_v, offsets):
                raise InputError("velocities do not fit positions", field="velocities")
            rcs_m2 = sample_rcs_m2(radar, rcs_m2, r, v)
    s = np.asarray(rcs_m2, dtype=np.float64)
    m_samples = t.shape[0]
    if np.any(~np.isfinite(s)) or np.any(s < 0.0):
        raise InputError("radar cross-section must be finite and ≥ 0", field="--rcs-m2")
    if s.size == 1:
        rcs = s.reshape(1)
    elif s.shape == (n,):
        rcs = np.repeat(s, np.diff(offsets))
    elif s.shape == (m_samples,):
        rcs = np.ascontiguousarray(s)
    else:
        raise InputError(
            f"rcs_m2 must be a scalar, one value per trajectory ({n}) or per sample ({m_samples}), got {s.shape}",
            field="rcs_m2",
        )
    p, faces = radar.kernel_params(conv.swerling)
    m = t.shape[0]
    pd = np.empty(m)
    det = np.empty(m, dtype=np.bool_)
    first = np.empty(n, dtype=np.int64)
    dur = np.empty(n)
    amin = np.empty(n)
    amax = np.empty(n)
    K.access_any(r, t, offsets, rcs, p, faces, float(pd_threshold), pd, det, first, dur, amin, amax)
    visible = first >= 0
    fi = np.where(visible, first, 0)
    t_first = np.where(visible, t[fi] if m else np.nan, np.nan)
    alt_first = np.full(n, np.nan)
    rng_first = np.full(n, np.nan)
    if visible.any():
        pts = r[first[visible]]
        rng_first[visible] = look(radar, pts, 0.0).range_m
        alt_first[visible] = np.atleast_1d(frames.ecef_to_geodetic(pts, radar.earth)[2])
    # intervals: runs of detectable samples inside each trajectory
    traj_of = np.repeat(np.arange(n), np.diff(offsets))
    d = det.astype(np.int8)
    new_traj = np.zeros(m, dtype=bool)
    new_traj[offsets[:-1][np.diff(offsets) > 0]] = True
    prev = np.concatenate([[0], d[:-1]])
    prev[new_traj] = 0
    nxt = np.concatenate([d[1:], [0]])
    last_of_traj = np.zeros(m, dtype=bool)
    last_of_traj[offsets[1:][np.diff(offsets) > 0] - 1] = True
    nxt[last_of_traj] = 0
    starts = np.flatnonzero((d == 1) & (prev == 0))
    ends = np.flatnonzero((d == 1) & (nxt == 0))
    criterion = f"{conv.describe()}; sample resolution"
    return Access(
        visible=visible,
        first_detection_time_s=t_first,
        first_detection_altitude_m=alt_first,
        first_detection_range_m=rng_first,
        visible_duration_s=np.where(visible, dur, 0.0),
        min_visible_altitude_m=amin,
        max_visible_altitude_m=amax,
        interval_trajectory=traj_of[starts] if m else np.empty(0, dtype=np.int64),
        interval_start_s=t[starts],
        interval_end_s=t[ends],
        pd_threshold=pd_threshold,
        criterion=criterion,
        pd=pd if keep_pd else None,
        offsets=offsets if keep_pd else None,
        convention=conv,
    )


__all__ = ["Access", "access", "flatten_trajectories", "sample_rcs_m2"]
