"""The endgame: does an interceptor that reached its intercept point kill the target?

Two levels of fidelity, selectable:

- ``sspk``: a stated single-shot kill probability — each shot kills with probability p.
- ``pn``: homing by true proportional navigation from seeker acquisition (handover) to
  closest approach.  At handover the kill vehicle flies a collision course against
  the *estimated* target; the true target differs by a position and velocity error
  drawn from the track covariance (or the catalog's default sigmas).  The kill
  vehicle's lateral acceleration is N' Vc (Ω × u_los), limited to its divert
  capability and realised through a first-order lag; the target does not manoeuvre;
  uniform gravity acts on both and cancels in the relative motion (over an endgame of
  seconds and tens of km the gravity gradient, ~1.5e-6 s^-2 x 50 km ≈ 0.1 m/s^2, is
  small beside a divert limit of ~100 m/s^2).  The seeker is ideal (no noise, no
  blind range).  The miss distance is the closest approach; a miss below the lethal
  radius kills.

Randomness only through the ``numpy.random.Generator`` passed in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from thaadsim.defense.interceptor import InterceptorModel, fly_out
from thaadsim.defense.kernels import homing_batch
from thaadsim.errors import InputError

Level = Literal["sspk", "pn"]
LEVELS = ("sspk", "pn")

HOMING_DT_S = 2e-3
"""Integration step of the homing kernel [s] (RK4; ~10 m of closing per step at 5 km/s, 1/50 of the guidance lag)."""


@dataclass(frozen=True)
class HomingResult:
    """Outcome of N homing runs."""

    miss_m: np.ndarray
    """Closest-approach distance [m]."""
    t_closest_s: np.ndarray
    """Time from handover to closest approach [s]."""
    kill: np.ndarray
    """Miss below the lethal radius."""


def default_covariance(model: InterceptorModel) -> np.ndarray:
    """Diagonal 6x6 handover covariance from the catalog's default sigmas [m^2, m^2/s^2]."""
    return np.diag([model.handover_sigma_pos_m**2] * 3 + [model.handover_sigma_vel_m_s**2] * 3)


def handover_states(kv_velocity_m_s, target_velocity_m_s, time_to_go_s: float, covariance, n: int,
                    rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Relative states (target minus kill vehicle) at handover: (r_rel (n, 3), v_rel (n, 3)).

    The nominal is a collision course with the estimated target (closest approach 0 at
    ``time_to_go_s``); the true target adds a (position, velocity) error drawn from the
    6x6 ``covariance`` (any frame aligned with the velocities' frame).
    """
    vk = np.broadcast_to(np.asarray(kv_velocity_m_s, float), (n, 3))
    vt = np.broadcast_to(np.asarray(target_velocity_m_s, float), (n, 3))
    if not time_to_go_s > 0:
        raise InputError("must be positive", field="handover_time_to_go_s")
    cov = np.asarray(covariance, dtype=float)
    if cov.shape != (6, 6):
        raise InputError(f"covariance of shape {cov.shape}", field="covariance", hint="give a 6x6 matrix")
    if not np.allclose(cov, cov.T, atol=1e-9 * max(1.0, np.abs(cov).max())):
        raise InputError("covariance is not symmetric", field="covariance")
    if np.linalg.eigvalsh(cov).min() < -1e-9 * max(1.0, np.abs(cov).max()):
        raise InputError("covariance is not positive semi-definite", field="covariance")
    v_rel = vt - vk
    r_rel = -v_rel * time_to_go_s
    if np.any(cov != 0.0):
        err = rng.multivariate_normal(np.zeros(6), cov, size=n, method="eigh")
        r_rel = r_rel + err[:, :3]
        v_rel = v_rel + err[:, 3:]
    return np.ascontiguousarray(r_rel), np.ascontiguousarray(v_rel)


def home(model: InterceptorModel, r_rel_m, v_rel_m_s, dt_s: float = HOMING_DT_S) -> HomingResult:
    """Proportional-navigation homing from relative states (N, 3) to closest approach."""
    r = np.ascontiguousarray(np.atleast_2d(np.asarray(r_rel_m, dtype=float)))
    v = np.ascontiguousarray(np.atleast_2d(np.asarray(v_rel_m_s, dtype=float)))
    if r.shape != v.shape or r.shape[-1] != 3:
        raise InputError(f"relative states of shapes {r.shape} and {v.shape}", field="handover",
                         hint="give (N, 3) positions and velocities")
    if not dt_s > 0:
        raise InputError("must be positive", field="dt_s")
    t_max = 10.0 * model.handover_time_to_go_s + 10.0
    miss, t_ca = homing_batch(r, v, model.navigation_gain, model.max_lateral_accel_m_s2,
                              model.guidance_time_constant_s, dt_s, t_max)
    return HomingResult(miss, t_ca, miss < model.lethal_radius_m)


def homing_miss(model: InterceptorModel, kv_velocity_m_s, target_velocity_m_s, rng: np.random.Generator,
                n: int = 1, covariance=None, time_to_go_s: float | None = None,
                dt_s: float = HOMING_DT_S) -> HomingResult:
    """Draw handover errors and home: n engagements of one geometry."""
    cov = default_covariance(model) if covariance is None else covariance
    tgo = model.handover_time_to_go_s if time_to_go_s is None else time_to_go_s
    r, v = handover_states(kv_velocity_m_s, target_velocity_m_s, tgo, cov, n, rng)
    return home(model, r, v, dt_s)


def kill_vehicle_velocity(model: InterceptorModel, lat_deg: float, lon_deg: float, alt_m: float,
                          azimuth_deg: float, kick_deg: float, flyout_s: float) -> np.ndarray:
    """Ground-relative ECEF velocity [m/s] of the kill vehicle ``flyout_s`` after launch."""
    if not flyout_s > 0:
        raise InputError("must be positive", field="flyout_s")
    batch = fly_out(model, lat_deg, lon_deg, alt_m, azimuth_deg, kick_deg, sample_dt_s=flyout_s)
    return batch.samples[0, 1, 3:6].copy()


@dataclass(frozen=True)
class Endgame:
    """The selected endgame level and its parameters (from the interceptor model)."""

    model: InterceptorModel
    level: Level = "sspk"

    def __post_init__(self) -> None:
        if self.level not in LEVELS:
            raise InputError(f"unknown endgame level '{self.level}'", field="endgame", hint="use sspk or pn")

    def resolve(self, rng: np.random.Generator, n: int = 1, kv_velocity_m_s=None, target_velocity_m_s=None,
                covariance=None) -> tuple[np.ndarray, np.ndarray]:
        """(kill (n,), miss_m (n,)): miss is NaN at the sspk level."""
        if self.level == "sspk":
            return rng.random(n) < self.model.sspk, np.full(n, np.nan)
        if kv_velocity_m_s is None or target_velocity_m_s is None:
            raise InputError("the pn endgame needs the kill vehicle's and the target's velocities",
                             field="endgame", hint="pass kv_velocity_m_s and target_velocity_m_s, or use sspk")
        res = homing_miss(self.model, kv_velocity_m_s, target_velocity_m_s, rng, n, covariance)
        return res.kill, res.miss_m


__all__ = ["Endgame", "HomingResult", "LEVELS", "default_covariance", "handover_states", "home",
           "homing_miss", "kill_vehicle_velocity"]
