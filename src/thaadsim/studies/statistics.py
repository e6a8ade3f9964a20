"""Confidence intervals for Monte Carlo studies: a proportion (Wilson score) and a mean
(percentile bootstrap, Student t).

Each interval names its method, so a study's output says how its band was made.  The
Wilson score interval is preferred over the textbook Wald interval p +/- z sqrt(p(1-p)/n)
because a study's probabilities often sit at 0 or 1 (no leak in every run), where the
Wald interval collapses to a point (Newcombe 1998, Stat. Med. 17:857-872; Agresti &
Coull 1998, Am. Stat. 52:119-126).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

DEFAULT_RESAMPLES = 2000
"""Bootstrap resamples: the percentile interval's end points move by well under a tenth of
its width from one seed to another at this count (Efron & Tibshirani 1993, ch. 19)."""


@dataclass(frozen=True)
class Interval:
    """A two-sided confidence interval ``[low, high]`` at ``level``, made by ``method``."""

    low: float
    high: float
    level: float
    method: str
    """'wilson', 'bootstrap' or 't'."""

    def __iter__(self):
        # unpacks as (low, high), the two numbers a caller wants most often
        yield self.low
        yield self.high

    def as_list(self) -> list[float]:
        return [self.low, self.high]


def _z(level: float) -> float:
    if not 0.0 < level < 1.0:
        raise ValueError(f"confidence level {level} must lie strictly between 0 and 1")
    return float(stats.norm.ppf(0.5 + level / 2.0))


def wilson_bounds(successes, trials, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score bounds, element-wise over arrays of successes and trials (trials > 0).

    (p + z^2/2n +/- z sqrt(p(1-p)/n + z^2/4n^2)) / (1 + z^2/n), Wilson (1927), JASA 22:209-212.
    """
    x = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    if np.any(n <= 0) or np.any(x < 0) or np.any(x > n):
        raise ValueError("the Wilson interval needs 0 <= successes <= trials and trials > 0")
    z = _z(level)
    z2 = z * z
    p = x / n
    denom = 1.0 + z2 / n
    centre = (p + z2 / (2.0 * n)) / denom
    half = z / denom * np.sqrt(p * (1.0 - p) / n + z2 / (4.0 * n * n))
    # at x = 0 or x = n the bound is exactly 0 or 1; set it so, not to within rounding
    lo = np.where(x == 0, 0.0, np.clip(centre - half, 0.0, 1.0))
    hi = np.where(x == n, 1.0, np.clip(centre + half, 0.0, 1.0))
    return lo, hi


def wilson_interval(successes: int, trials: int, level: float = 0.95) -> Interval:
    """The Wilson score interval of a proportion ``successes / trials``."""
    lo, hi = wilson_bounds(successes, trials, level)
    return Interval(float(lo), float(hi), level, "wilson")


def bootstrap_mean_interval(values, rng: np.random.Generator, level: float = 0.95,
                            resamples: int = DEFAULT_RESAMPLES) -> Interval:
    """Percentile bootstrap interval of the mean of ``values`` (Efron & Tibshirani 1993, ch. 13).

    The resamples are drawn from ``rng``, so the interval is reproducible for a seed.  No
    value gives (NaN, NaN); one value, or all equal, gives a zero-width interval (the
    bootstrap has nothing to resample - the interval says so by its width).
    """
    v = np.asarray(values, dtype=float).ravel()
    _z(level)
    if resamples < 1:
        raise ValueError("the bootstrap needs at least one resample")
    if v.size == 0:
        return Interval(math.nan, math.nan, level, "bootstrap")
    n = v.size
    # counts from a multinomial: the same resample distribution as drawing n indices with
    # replacement, at O(resamples * n) memory only for the count table
    chunk = max(1, min(resamples, 4_000_000 // n))
    means = np.empty(resamples)
    done = 0
    while done < resamples:
        m = min(chunk, resamples - done)
        counts = rng.multinomial(n, np.full(n, 1.0 / n), size=m)
        means[done:done + m] = counts @ v / n
        done += m
    alpha = (1.0 - level) / 2.0
    lo, hi = np.quantile(means, [alpha, 1.0 - alpha])
    return Interval(float(lo), float(hi), level, "bootstrap")


def bootstrap_pooled_mean_interval(sums, counts, rng: np.random.Generator, level: float = 0.95,
                                   resamples: int = DEFAULT_RESAMPLES) -> Interval:
    """Percentile bootstrap interval of a pooled mean sum(sums) / sum(counts), resampling the
    clusters (one per run: its values' sum and count), not the values (Davison & Hinkley 1997,
    sec. 3.8): the intercepts of one run share its draws, so they are not independent."""
    s = np.asarray(sums, dtype=float).ravel()
    c = np.asarray(counts, dtype=float).ravel()
    _z(level)
    if c.sum() <= 0:
        return Interval(math.nan, math.nan, level, "bootstrap")
    n = s.size
    chunk = max(1, min(resamples, 4_000_000 // n))
    means = np.empty(resamples)
    done = 0
    while done < resamples:
        m = min(chunk, resamples - done)
        w = rng.multinomial(n, np.full(n, 1.0 / n), size=m)
        total = w @ c
        # a resample of runs holding no value has no mean: a NaN, left out of the quantiles
        with np.errstate(invalid="ignore", divide="ignore"):
            means[done:done + m] = np.where(total > 0, (w @ s) / total, np.nan)
        done += m
    alpha = (1.0 - level) / 2.0
    lo, hi = np.nanquantile(means, [alpha, 1.0 - alpha])
    return Interval(float(lo), float(hi), level, "bootstrap")


def t_mean_interval(values, level: float = 0.95) -> Interval:
    """Student-t interval of a mean: mean +/- t_{n-1} s / sqrt(n) (NIST/SEMATECH e-Handbook 7.2.2.1)."""
    v = np.asarray(values, dtype=float).ravel()
    _z(level)
    if v.size < 2:
        return Interval(math.nan, math.nan, level, "t")
    m = float(v.mean())
    half = float(stats.t.ppf(0.5 + level / 2.0, v.size - 1)) * float(v.std(ddof=1)) / math.sqrt(v.size)
    return Interval(m - half, m + half, level, "t")


def distribution_summary(values, rng: np.random.Generator, level: float = 0.95) -> dict:
    """A sample's size, mean with its bootstrap interval, and spread (5th, 50th, 95th percentiles).

    Non-finite entries (a run with nothing to measure) are left out and counted in ``n``.
    """
    v = np.asarray(values, dtype=float).ravel()
    finite = v[np.isfinite(v)]
    ci = bootstrap_mean_interval(finite, rng, level)
    pct = np.percentile(finite, [5, 50, 95]).tolist() if finite.size else [math.nan] * 3
    return {"n": int(finite.size), "mean": float(finite.mean()) if finite.size else math.nan,
            "mean_ci95" if level == 0.95 else "mean_ci": ci.as_list(), "ci_method": ci.method,
            "p05": pct[0], "p50": pct[1], "p95": pct[2],
            "min": float(finite.min()) if finite.size else math.nan,
            "max": float(finite.max()) if finite.size else math.nan}


__all__ = ["DEFAULT_RESAMPLES", "Interval", "bootstrap_mean_interval", "bootstrap_pooled_mean_interval",
           "distribution_summary", "t_mean_interval",
           "wilson_bounds", "wilson_interval"]
