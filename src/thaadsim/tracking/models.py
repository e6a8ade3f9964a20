"""Motion models for the tracker: ballistic flight in the Earth-fixed frame, and a
constant-velocity model (the textbook linear case the filters are tested against).

Every model is batch-first: a state batch is (N, n), covariances (N, n, n), and the
time step is a scalar or an (N,) array (each track has its own time).

Ballistic coefficient parametrisation
-------------------------------------
The drag variant estimates ``ln beta`` (beta = m / (C_D A) in kg/m^2), not ``beta`` or
``1/beta``:

* beta spans orders of magnitude (tumbling boosters and debris ~10^2, re-entry
  vehicles 10^4-10^5 kg/m^2) and what is known about it is a *factor* ("within x3"), a
  Gaussian in ln beta states that directly;
* any real value of ln beta is a physical, positive beta, so neither an EKF update nor a
  UKF sigma point can produce a negative beta (a thrusting "anti-drag"), which a
  Gaussian in 1/beta allows when 1/beta is poorly known outside the atmosphere;
* the price is that drag is exponential rather than linear in the parameter; the EKF
  linearises it (the Jacobian column is -a_drag) and the UKF captures the curvature.

Process noise
-------------
Continuous white-noise acceleration (CWNA) with power spectral density ``q_m2_s3``
[m^2/s^3] on each ECEF axis, discretised with the constant-velocity kernel
(Bar-Shalom, Li & Kirubarajan, *Estimation with Applications to Tracking and
Navigation*, 2001, eq. 6.2.2-12)::

    Q = q [[dt^3/3 I, dt^2/2 I], [dt^2/2 I, dt I]]

an approximation for the ballistic model (it ignores the gravity gradient inside one
step, a relative error of order omega_s^2 dt^2 ~ 1e-6 dt^2 with omega_s^2 = 2 mu / r^3).
``ln beta`` follows a random walk with spectral density ``q_ln_beta_1_s`` [1/s].
Defaults (ASSUMED, not from a source): q = 1 m^2/s^3 - unmodelled accelerations of
order 1 m/s^2 over 1 s (J3+ gravity, lift, venting, tumbling) - and
q_ln_beta = 1e-3 1/s (beta drifting by ~3 % per second with Mach and attitude).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field

import numpy as np

from thaadsim.earth.constants import OMEGA_EARTH_RAD_S
from thaadsim.earth.kernels import EARTH_SPHERE, EARTH_WGS84
from thaadsim.errors import InputError
from thaadsim.tracking import kernels

_EARTH_CODES = {"wgs84": EARTH_WGS84, "sphere": EARTH_SPHERE}


def _dt_array(dt, n: int) -> np.ndarray:
    d = np.asarray(dt, dtype=float)
    if d.ndim == 0:
        return np.full(n, float(d))
    if d.shape != (n,):
        raise InputError(f"dt has shape {d.shape}, expected () or ({n},)", field="dt")
    return np.ascontiguousarray(d)


def _batch(X, ndim: int) -> np.ndarray:
    X = np.ascontiguousarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != ndim:
        raise InputError(f"state batch has shape {X.shape}, expected (N, {ndim})", field="state")
    return X


def cwna_process_noise(dt, q_m2_s3: float, n_extra: int = 0, q_extra: float = 0.0) -> np.ndarray:
    """Discretised continuous white-noise acceleration covariance, (N, 6+n_extra, 6+n_extra).

    ``dt`` (N,) [s] (its absolute value is used), ``q_m2_s3`` the acceleration spectral
    density per axis; ``n_extra`` random-walk parameters appended after the velocity,
    each with spectral density ``q_extra`` [unit^2/s].
    """
    d = np.abs(np.atleast_1d(np.asarray(dt, dtype=float)))
    d = np.ascontiguousarray(d)
    return kernels.cwna_noise(d, d**3, float(q_m2_s3), int(n_extra), float(q_extra))


@dataclass(frozen=True)
class AtmosphereTable:
    """A uniform ln(density) table on geodetic height (the part of
    ``thaadsim.earth.atmosphere.kernel_table()`` the drag model needs).

    h0_m: first node [m]; dh_m: spacing [m]; ln_rho: ln(density [kg/m^3]) at the nodes;
    d2_ln_rho: curvatures of the natural cubic spline through them [1/m^2] (None: zeros,
    i.e. linear interpolation in ln(rho)).
    """

    h0_m: float
    dh_m: float
    ln_rho: np.ndarray
    d2_ln_rho: np.ndarray | None = None

    def __post_init__(self):
        object.__setattr__(self, "ln_rho", np.ascontiguousarray(self.ln_rho, dtype=float))
        d2 = np.zeros_like(self.ln_rho) if self.d2_ln_rho is None else self.d2_ln_rho
        object.__setattr__(self, "d2_ln_rho", np.ascontiguousarray(d2, dtype=float))
        if self.d2_ln_rho.shape != self.ln_rho.shape or self.ln_rho.size < 2 or not self.dh_m > 0.0:
            raise InputError("atmosphere table needs >= 2 rows, matching curvature rows and dh > 0",
                             field="atmosphere")

    @classmethod
    def from_kernel_table(cls, table) -> AtmosphereTable:
        """From ``thaadsim.earth.atmosphere.kernel_table()`` (spline curvatures if it has them)."""
        return cls(float(table.h0_m), float(table.dh_m), table.ln_rho, getattr(table, "d2_ln_rho", None))

    @classmethod
    def exponential(cls, rho0_kg_m3: float = 1.225, scale_height_m: float = 7200.0,
                    top_m: float = 120_000.0, dh_m: float = 500.0) -> AtmosphereTable:
        """An isothermal exponential atmosphere rho0 exp(-h/H) up to ``top_m`` (vacuum
        above) - a named approximation for tests and quick studies; the interpolation in
        ln(rho) reproduces it exactly between nodes."""
        h = np.arange(0.0, top_m + 0.5 * dh_m, dh_m)
        return cls(0.0, dh_m, np.log(rho0_kg_m3) - h / scale_height_m)


_VACUUM = AtmosphereTable(0.0, 1.0, np.zeros(2))


class MotionModel(ABC):
    """A (possibly nonlinear) Markov motion model on a batch of states."""

    @property
    @abstractmethod
    def ndim(self) -> int:
        """Number of state components."""

    @abstractmethod
    def propagate(self, X: np.ndarray, dt) -> np.ndarray:
        """States after ``dt`` seconds: (N, n) -> (N, n)."""

    @abstractmethod
    def propagate_with_jacobian(self, X: np.ndarray, dt) -> tuple[np.ndarray, np.ndarray]:
        """States after ``dt`` and the transition Jacobians d x(t+dt) / d x(t), (N, n, n)."""

    @abstractmethod
    def process_noise(self, dt) -> np.ndarray:
        """Discrete process-noise covariance for steps ``dt`` (N,), (N, n, n)."""


@dataclass(frozen=True)
class ConstantVelocityModel(MotionModel):
    """Linear constant velocity in 3-D: x = [r, v], F = [[I, dt I], [0, I]], CWNA noise."""

    q_m2_s3: float = 1.0
    """Acceleration noise spectral density per axis [m^2/s^3]."""

    @property
    def ndim(self) -> int:
        return 6

    def transition_matrix(self, dt) -> np.ndarray:
        d = np.atleast_1d(np.asarray(dt, dtype=float))
        F = np.broadcast_to(np.eye(6), (d.size, 6, 6)).copy()
        for i in range(3):
            F[:, i, i + 3] = d
        return F

    def propagate(self, X, dt):
        X = _batch(X, 6)
        F = self.transition_matrix(_dt_array(dt, X.shape[0]))
        return np.einsum("kij,kj->ki", F, X)

    def propagate_with_jacobian(self, X, dt):
        X = _batch(X, 6)
        F = self.transition_matrix(_dt_array(dt, X.shape[0]))
        return np.einsum("kij,kj->ki", F, X), F

    def process_noise(self, dt):
        return cwna_process_noise(dt, self.q_m2_s3)


@dataclass(frozen=True)
class BallisticModel(MotionModel):
    """Unpowered flight in the rotating Earth-fixed frame (see module and kernel docs).

    ``drag=False``: state [r (m), v (m/s)] in ECEF, gravity with J2, Coriolis and
    centrifugal terms.  ``drag=True``: state [r, v, ln beta], drag from the tabulated density with the
    ballistic coefficient beta [kg/m^2] estimated.
    """

    drag: bool = False
    """Add drag and the ln(ballistic coefficient) state."""
    q_m2_s3: float = 1.0
    """Acceleration noise spectral density per ECEF axis [m^2/s^3] (assumed default)."""
    q_ln_beta_1_s: float = 1e-3
    """Random-walk spectral density of ln beta [1/s] (assumed default)."""
    max_step_s: float = 1.0
    """Longest RK4 sub-step [s]; 1 s keeps the truncation error below 1 mm per step
    outside the atmosphere and follows drag deceleration time scales of a few seconds."""
    earth: str = "wgs84"
    """'wgs84' (J2, ellipsoidal height) or 'sphere' (point mass, validation sphere)."""
    rotating: bool = True
    """Earth-fixed rotating frame (Coriolis and centrifugal terms); False only for the
    closed-form validation cases (non-rotating sphere)."""
    atmosphere: AtmosphereTable | None = field(default=None, repr=False)
    """Density table; None takes ``thaadsim.earth.atmosphere.kernel_table()`` (US
    Standard Atmosphere 1976) when ``drag`` is on."""

    def __post_init__(self):
        if self.earth not in _EARTH_CODES:
            raise InputError(f"unknown earth model '{self.earth}'", field="earth", hint="use 'wgs84' or 'sphere'")
        if not self.max_step_s > 0.0:
            raise InputError("must be > 0", field="max_step_s")
        if self.q_m2_s3 < 0.0 or self.q_ln_beta_1_s < 0.0:
            raise InputError("process-noise densities must be >= 0", field="q_m2_s3")
        if self.drag and self.atmosphere is None:
            from thaadsim.earth.atmosphere import kernel_table  # US Standard Atmosphere 1976

            object.__setattr__(self, "atmosphere", AtmosphereTable.from_kernel_table(kernel_table()))

    @property
    def ndim(self) -> int:
        return 7 if self.drag else 6

    @property
    def _args(self):
        atm = self.atmosphere if (self.drag and self.atmosphere is not None) else _VACUUM
        omega = OMEGA_EARTH_RAD_S if self.rotating else 0.0
        return (_EARTH_CODES[self.earth], omega, atm.h0_m, atm.dh_m, atm.ln_rho, atm.d2_ln_rho)

    def propagate(self, X, dt):
        X = _batch(X, self.ndim)
        return kernels.propagate(X, _dt_array(dt, X.shape[0]), self.max_step_s, *self._args)

    def propagate_with_jacobian(self, X, dt):
        X = _batch(X, self.ndim)
        return kernels.propagate_stm(X, _dt_array(dt, X.shape[0]), self.max_step_s, *self._args)

    def propagate_with_jacobian_resume(self, X, dt, resume=None):
        """As :meth:`propagate_with_jacobian`, resuming from ``resume`` = (states, STMs,
        steps, sub-step) of an earlier call from the same X (None: from scratch; see
        ``kernels.propagate_stm_resume``, bit-identical either way).  Returns (states,
        STMs, the resume point for the next call)."""
        X = _batch(X, self.ndim)
        N = X.shape[0]
        if resume is None:
            resume = (X, np.zeros((N, self.ndim, self.ndim)), np.zeros(N, dtype=np.int64), np.zeros(N))
        Xc, PHIc, done, hc = resume
        Xp, F, steps, h = kernels.propagate_stm_resume(
            X, _dt_array(dt, N), self.max_step_s, np.ascontiguousarray(Xc, dtype=float),
            np.ascontiguousarray(PHIc, dtype=float), np.ascontiguousarray(done, dtype=np.int64),
            np.ascontiguousarray(hc, dtype=float), *self._args)
        return Xp, F, (Xp, F, steps, h)

    def process_noise(self, dt):
        return cwna_process_noise(dt, self.q_m2_s3, 1 if self.drag else 0, self.q_ln_beta_1_s)

    def without_drag(self) -> BallisticModel:
        """The same model in vacuum (6-state); used for the launch-point back-propagation."""
        return BallisticModel(False, self.q_m2_s3, self.q_ln_beta_1_s, self.max_step_s, self.earth, self.rotating)

    def propagate_to_height(self, X, height_m: float = 0.0, direction: int = 1,
                            max_time_s: float = 7200.0) -> tuple[np.ndarray, np.ndarray]:
        """States where each trajectory first reaches geodetic ``height_m`` going
        forward (``direction=+1``) or backward (-1) in time, and the signed time offsets
        [s] (NaN where not reached within ``max_time_s``)."""
        X = _batch(X, self.ndim)
        return kernels.propagate_to_height(X, float(height_m), float(direction), self.max_step_s,
                                           float(max_time_s), *self._args)
