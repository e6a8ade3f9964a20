"""The kill of one shot by the proportional-navigation endgame, for fire control.

The engagement chain itself (flight -> radar -> tracker -> fire control -> kill draws ->
outcomes) is the scenario runner's (``thaadsim.scenario.runner``); ``thaadsim engage``
builds a scenario and runs it (``thaadsim.scenario.salvo``).  This module holds the
``pn`` kill model that the runner hands to ``firecontrol.assign_and_fire``:

- ``sspk`` (default, no function here): the stated SSPK - the kill draw does **not**
  depend on the track's prediction error at the intercept point; that error (predicted
  intercept point minus the true missile position at the intercept time, ``pip_error_m``)
  is reported per shot so a reader can judge whether this level of fidelity is tenable;
- ``pn`` (:func:`pn_kill`): the proportional-navigation endgame (``Endgame(model, 'pn')``):
  the kill vehicle's velocity from its fly-out to the intercept point, the target's from
  the predicted trajectory there, and a handover error drawn with a 1-sigma position
  error per axis equal to the shot's prediction error (ASSUMED: the track covariance
  propagated to the intercept is not carried; the realised prediction error stands in
  for it) and the catalog's handover velocity sigma; a kill when the miss is below the
  lethal radius.
"""

from __future__ import annotations

import math

import numpy as np

from thaadsim.defense.battery import Battery

KILL_MODELS = ("sspk", "pn")


def pn_kill(battery: Battery, decisions: dict, truth, track_truth):
    """Kill function for fire control: the PN endgame of one shot (module doc).  ``truth``
    gives ``position_at(k, t_s)``, missile k's true ECEF position (the scenario's truth: the
    same interpolation that scores the shot's ``pip_error_m``); ``track_truth`` maps a track
    id to the missile it follows (-1: a false track)."""
    from thaadsim.defense.endgame import Endgame, default_covariance, kill_vehicle_velocity

    model = battery.interceptor
    endgame = Endgame(model, "pn")

    def kill(track_id: int, w, n: int, rng: np.random.Generator):
        d = decisions[track_id]
        vt = np.array([np.interp(w.t_intercept_s, d.pred_times_s, d.pred_states[:, 3 + i]) for i in range(3)])
        vk = kill_vehicle_velocity(model, battery.lat_deg, battery.lon_deg, battery.alt_m, w.azimuth_deg,
                                   w.kick_deg, w.flyout_s)
        tid = int(track_truth.get(track_id, -1))
        cov = default_covariance(model)
        if tid >= 0:
            err = float(np.linalg.norm(w.pip_ecef_m - truth.position_at(tid, w.t_intercept_s)))
            if math.isfinite(err):
                cov[:3, :3] = np.eye(3) * err**2
        return endgame.resolve(rng, n, vk, vt, cov)

    return kill


__all__ = ["KILL_MODELS", "pn_kill"]
