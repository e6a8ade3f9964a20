"""One-layer leakage: the analytic model of formulas.md and a seeded Monte Carlo of the
same doctrine, so that a simulation can be checked against a closed form.

Analytic (Wilkening 2000; formulas.md): with detection probability P_d, single-shot
kill probability p and n shots at a warhead,

    P_leak = 1 − P_d [1 − (1 − p)^n];
    shoot-look-shoot with k looks: the same with n → k, and
    expected interceptors per engaged warhead Σ_{i=1..k} (1 − p)^(i−1);
    probability that none of N warheads leaks: R_sys (1 − P_leak)^N.

The Monte Carlo plays the doctrine warhead by warhead in arrival order from a finite
inventory (compiled kernel ``defense.kernels.doctrine_mc``): with an unlimited
inventory it is the analytic model's experiment; with a finite one, warheads that
arrive after the inventory is spent leak, and are counted.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.stats import beta as _beta

from thaadsim.defense.doctrine import DOCTRINES, Doctrine
from thaadsim.defense.kernels import doctrine_mc
from thaadsim.errors import InputError

UNLIMITED = np.iinfo(np.int64).max // 4
"""Inventory that never runs out."""


def _prob(value, name: str) -> np.ndarray:
    a = np.asarray(value, dtype=float)
    if np.any(~np.isfinite(a)) or np.any((a < 0) | (a > 1)):
        raise InputError(f"{value} is not a probability in [0, 1]", field=name)
    return a


def _shots(shots) -> np.ndarray:
    a = np.asarray(shots)
    if np.any(a != np.floor(a)) or np.any(a < 0):
        raise InputError(f"{shots} is not a whole number of shots", field="shots")
    return a.astype(int)


def leakage_probability(sspk, shots, p_detect=1.0):
    """P_leak = 1 − P_d [1 − (1 − p)^n] (n shots, or n looks of shoot-look-shoot)."""
    p, n, pd = _prob(sspk, "sspk"), _shots(shots), _prob(p_detect, "p_detect")
    return 1.0 - pd * (1.0 - (1.0 - p) ** n)


def interceptors_per_warhead(sspk, shots, doctrine: Doctrine = "shoot-look-shoot"):
    """Expected interceptors fired per engaged warhead: n (shoot-shoot) or Σ (1 − p)^(i−1)."""
    p, n = _prob(sspk, "sspk"), _shots(shots)
    if doctrine not in DOCTRINES:
        raise InputError(f"unknown doctrine '{doctrine}'", field="doctrine", hint="use " + " or ".join(DOCTRINES))
    if doctrine == "shoot-shoot":
        return n * np.ones_like(p)
    q = 1.0 - p
    # Σ_{i=1..k} q^(i-1) = (1 − q^k)/(1 − q), and k when q = 1.
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(q < 1.0, (1.0 - q**n) / np.where(q < 1.0, 1.0 - q, 1.0), n)


def no_leak_probability(p_leak, n_warheads, reliability=1.0):
    """Probability that none of N warheads leaks: R_sys (1 − P_leak)^N."""
    pl, r = _prob(p_leak, "p_leak"), _prob(reliability, "reliability")
    n = np.asarray(n_warheads)
    if np.any(n < 0) or np.any(n != np.floor(n)):
        raise InputError(f"{n_warheads} is not a whole number of warheads", field="n_warheads")
    return r * (1.0 - pl) ** n


def binomial_interval(successes: int, trials: int, level: float = 0.95) -> tuple[float, float]:
    """Clopper–Pearson (exact) confidence interval of a binomial proportion."""
    if trials <= 0 or not 0 <= successes <= trials:
        raise InputError(f"{successes} of {trials} is not a binomial count", field="trials")
    alpha = 1.0 - level
    lo = 0.0 if successes == 0 else float(_beta.ppf(alpha / 2, successes, trials - successes + 1))
    hi = 1.0 if successes == trials else float(_beta.ppf(1 - alpha / 2, successes + 1, trials - successes))
    return lo, hi


@dataclass(frozen=True)
class DoctrineResult:
    """Outcome of R simulated raids of W warheads each."""

    leaked: np.ndarray
    """(R, W) the warhead leaked."""
    fired: np.ndarray
    """(R, W) interceptors fired at the warhead."""
    engaged: np.ndarray
    """(R, W) the warhead was engaged (detected, battery working, at least one shot)."""
    inventory: int

    @property
    def leak_fraction(self) -> float:
        return float(self.leaked.mean())

    @property
    def leakers(self) -> np.ndarray:
        """Leakers per raid (R,)."""
        return self.leaked.sum(axis=1)

    @property
    def interceptors_fired(self) -> np.ndarray:
        """Interceptors fired per raid (R,)."""
        return self.fired.sum(axis=1)

    @property
    def no_leak_fraction(self) -> float:
        return float((self.leakers == 0).mean())

    @property
    def interceptors_per_engaged_warhead(self) -> float:
        n = int(self.engaged.sum())
        return float(self.fired.sum() / n) if n else math.nan

    def leak_interval(self, level: float = 0.95) -> tuple[float, float]:
        return binomial_interval(int(self.leaked.sum()), self.leaked.size, level)

    def no_leak_interval(self, level: float = 0.95) -> tuple[float, float]:
        return binomial_interval(int((self.leakers == 0).sum()), len(self.leakers), level)


def simulate_doctrine(rng: np.random.Generator, n_raids: int, n_warheads: int, sspk: float, shots: int,
                      doctrine: Doctrine = "shoot-look-shoot", inventory: int | None = None,
                      p_detect: float = 1.0, reliability: float = 1.0) -> DoctrineResult:
    """Monte Carlo of raids against one battery under a doctrine (seeded through ``rng``)."""
    if doctrine not in DOCTRINES:
        raise InputError(f"unknown doctrine '{doctrine}'", field="doctrine", hint="use " + " or ".join(DOCTRINES))
    _prob(sspk, "sspk"), _prob(p_detect, "p_detect"), _prob(reliability, "reliability")
    if not (int(n_raids) == n_raids and n_raids >= 1 and int(n_warheads) == n_warheads and n_warheads >= 1):
        raise InputError("raids and warheads must be whole numbers >= 1", field="n_warheads")
    if not (int(shots) == shots and shots >= 1):
        raise InputError(f"{shots} is not a whole number of shots >= 1", field="shots")
    inv = UNLIMITED if inventory is None else int(inventory)
    if inv < 0:
        raise InputError("must be zero or positive", field="inventory")
    works = rng.random(n_raids) < reliability
    u_detect = rng.random((n_raids, n_warheads))
    u_kill = rng.random((n_raids, n_warheads, int(shots)))
    leaked, fired = doctrine_mc(u_detect, u_kill, works, float(p_detect), float(sspk), int(shots),
                                doctrine == "shoot-look-shoot", inv)
    return DoctrineResult(leaked, fired, fired > 0, inv)


__all__ = ["DOCTRINES", "DoctrineResult", "UNLIMITED", "binomial_interval", "interceptors_per_warhead",
           "leakage_probability", "no_leak_probability", "simulate_doctrine"]
