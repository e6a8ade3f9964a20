"""The compiled tracker engine: the component tracker's configuration that the
scenario chain uses (EKF with second-order measurement terms, GNN, two-point
initiation, M-of-N confirmation, miss deletion; with or without drag) run over all
frames in one compiled call (``kernels.track_frames``), with no Python per frame,
track or hypothesis.

The component loop (:class:`~thaadsim.tracking.manager.TrackManager`) stays the
reference and the engine of every other configuration; ``TrackerConfig.engine``
chooses ('auto': the compiled engine where it supports the configuration), and the
result names the engine that ran (``TrackerResult.engine``) - no silent fallback.
The two agree on the tracks (ids, detections, confirmation and deletion times) and on
the states to round-off (unit test on a scenario's detections).
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from thaadsim.tracking import kernels
from thaadsim.tracking.association import gate_threshold
from thaadsim.tracking.frame import TrackList, tracks_from_history
from thaadsim.tracking.gating import _R_MAX_M, _R_MIN_M
from thaadsim.tracking.measurement import RadarMeasurementModel

EngineKind = Literal["auto", "compiled", "components"]
COMPILED = "compiled"
COMPONENTS = "components"


def unsupported(config) -> str | None:
    """Why the compiled engine cannot run ``config`` (a ``TrackerConfig``), or None."""
    if config.filter != "ekf" or not config.ekf_second_order:
        return f"filter '{config.filter}'" + ("" if config.filter != "ekf" else " (first order)")
    if config.association != "gnn":
        return f"association '{config.association}'"
    if config.initiation != "two_point":
        return f"initiation '{config.initiation}'"
    return None


def run_compiled(config, model, meas: RadarMeasurementModel, Z: np.ndarray, R: np.ndarray, site: np.ndarray,
                 det_index: np.ndarray, truth_id: np.ndarray, bounds: list[tuple[int, int]],
                 frame_times: np.ndarray) -> tuple[TrackList, np.ndarray, np.ndarray]:
    """Track detections Z (N, m), R (N, m, m) of radar ``site`` (N,) already in frame
    order (frame f is rows bounds[f] at frame_times[f]); ``det_index`` (N,) their
    index in the tracker's input.  Returns (tracks, confirmed count, tentative count
    by frame)."""
    pos, cov = meas.cartesian(Z, R, site)
    b = np.asarray(bounds, dtype=np.int64).reshape(-1, 2)
    fstart = np.ascontiguousarray(b[:, 0])
    fend = np.ascontiguousarray(b[:, 1])
    lo, hi = config.ln_beta_bounds
    fp = np.array([config.max_step_s, config.q_m2_s3, config.q_ln_beta_1_s, lo, hi,
                   gate_threshold(config.gate_probability, meas.ndim_meas), config.max_speed_m_s,
                   config.max_position_sigma_m, config.initial_ln_beta, config.initial_ln_beta_sigma, _R_MIN_M,
                   _R_MAX_M])
    ip = np.array([config.confirm_m, config.confirm_n, config.delete_after_misses], dtype=np.int64)
    earth, omega, h0, dh, ln_rho, d2_ln_rho = model._args
    out = kernels.track_frames(
        np.ascontiguousarray(Z, dtype=float), np.ascontiguousarray(R, dtype=float), pos, cov,
        np.ascontiguousarray(det_index, dtype=np.int64), np.ascontiguousarray(truth_id, dtype=np.int64), fstart, fend,
        np.ascontiguousarray(frame_times, dtype=float), np.ascontiguousarray(site[fstart], dtype=np.int64),
        meas.sites.ecef_m, meas.sites.rotation, meas.with_range_rate, model.ndim, fp, ip,
        np.ascontiguousarray(meas.angle_mask, dtype=np.bool_), earth, omega, h0, dh, ln_rho, d2_ln_rho)
    hid, ht, hX, hP, hdet, htruth, hnis, born, conf_t, del_t, n_conf, n_tent = out
    return tracks_from_history(hid, ht, hX, hP, hdet, htruth, hnis, born, conf_t, del_t), n_conf, n_tent
