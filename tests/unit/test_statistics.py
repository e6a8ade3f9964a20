"""Confidence intervals of the Monte Carlo studies against published worked examples and closed forms."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from thaadsim.studies.statistics import (
    bootstrap_mean_interval,
    distribution_summary,
    t_mean_interval,
    wilson_bounds,
    wilson_interval,
)

# Newcombe (1998), "Two-sided confidence intervals for the single proportion: comparison
# of seven methods", Stat. Med. 17:857-872, Table I, method 3 (score method, Wilson 1927):
# the four worked examples, to the four decimals printed.
NEWCOMBE_TABLE_I = [
    (81, 263, 0.2553, 0.3662),
    (15, 148, 0.0624, 0.1605),
    (0, 20, 0.0000, 0.1611),
    (1, 29, 0.0061, 0.1718),
]


@pytest.mark.parametrize(("x", "n", "lo", "hi"), NEWCOMBE_TABLE_I)
def test_wilson_matches_newcombe_table_i(x, n, lo, hi):
    """Authority: Newcombe 1998, Table I (Wilson score interval, 95 %), printed to 4 decimals."""
    ci = wilson_interval(x, n)
    assert ci.method == "wilson"
    assert ci.low == pytest.approx(lo, abs=5e-5)
    assert ci.high == pytest.approx(hi, abs=5e-5)


def test_wilson_all_successes_closed_form():
    """Authority: closed form. At x = n the score interval's lower end is n / (n + z^2)
    (Agresti & Coull 1998, Am. Stat. 52:119-126, eq. 2 with p = 1) and its upper end is 1."""
    z = stats.norm.ppf(0.975)
    for n in (1, 10, 400):
        lo, hi = wilson_interval(n, n)
        assert lo == pytest.approx(n / (n + z * z), rel=1e-12)
        assert hi == 1.0


def test_wilson_vectorised_equals_scalar():
    """The running band of the convergence plot is the scalar interval at every step."""
    x = np.array([0, 3, 7, 10])
    n = np.array([4, 8, 12, 10])
    lo, hi = wilson_bounds(x, n, 0.9)
    for i in range(x.size):
        ci = wilson_interval(int(x[i]), int(n[i]), 0.9)
        assert (lo[i], hi[i]) == pytest.approx((ci.low, ci.high), abs=1e-15)


def test_wilson_rejects_impossible_counts():
    with pytest.raises(ValueError):
        wilson_interval(5, 4)
    with pytest.raises(ValueError):
        wilson_interval(0, 0)
    with pytest.raises(ValueError):
        wilson_interval(1, 4, level=1.0)


def test_t_interval_matches_nist_handbook():
    """Authority: NIST/SEMATECH e-Handbook of Statistical Methods, section 1.3.5.2
    (ZARR13.DAT: n = 195, mean 9.261460, s = 0.02278881): 95 % limits 9.258242 and 9.264679.
    The interval depends on the data only through n, mean and s; a sample with those is built."""
    rng = np.random.default_rng(0)
    z = rng.standard_normal(195)
    values = 9.261460 + 0.02278881 * (z - z.mean()) / z.std(ddof=1)
    ci = t_mean_interval(values)
    assert ci.method == "t"
    assert ci.low == pytest.approx(9.258242, abs=1e-6)
    assert ci.high == pytest.approx(9.264679, abs=1e-6)


def test_bootstrap_of_a_binary_sample_is_binomial():
    """Authority: closed form. Resampling n values of which k are 1 gives a resample mean
    distributed exactly Binomial(n, k/n) / n, so the percentile interval's ends are that
    law's 2.5 and 97.5 % quantiles (scipy.stats.binom), up to one step 1/n of the lattice."""
    n, k = 50, 10
    values = np.r_[np.ones(k), np.zeros(n - k)]
    ci = bootstrap_mean_interval(values, np.random.default_rng(3), resamples=20_000)
    assert ci.method == "bootstrap"
    lo = stats.binom.ppf(0.025, n, k / n) / n
    hi = stats.binom.ppf(0.975, n, k / n) / n
    assert abs(ci.low - lo) <= 1.0 / n + 1e-12
    assert abs(ci.high - hi) <= 1.0 / n + 1e-12


def test_bootstrap_width_matches_plug_in_standard_error():
    """Authority: closed form. The resample mean's variance is exactly sigma_n^2 / n (the
    plug-in variance), and for n = 400 it is near normal: the 95 % percentile interval is
    mean +/- 1.96 sigma_n / sqrt(n) to within a few per cent of its half-width."""
    values = np.random.default_rng(11).exponential(3.0, 400)
    ci = bootstrap_mean_interval(values, np.random.default_rng(5), resamples=20_000)
    half = 1.959964 * values.std(ddof=0) / math.sqrt(values.size)
    assert (ci.high - ci.low) / 2 == pytest.approx(half, rel=0.05)
    assert (ci.high + ci.low) / 2 == pytest.approx(values.mean(), abs=0.1 * half)


def test_bootstrap_is_reproducible_for_a_seed_and_degenerate_cases():
    v = np.arange(30.0)
    a = bootstrap_mean_interval(v, np.random.default_rng(9))
    b = bootstrap_mean_interval(v, np.random.default_rng(9))
    assert a == b
    empty = bootstrap_mean_interval([], np.random.default_rng(0))
    assert math.isnan(empty.low) and math.isnan(empty.high)
    one = bootstrap_mean_interval([4.5], np.random.default_rng(0))
    assert (one.low, one.high) == (4.5, 4.5)


def test_distribution_summary_counts_only_finite_values():
    s = distribution_summary([1.0, 2.0, 3.0, math.nan], np.random.default_rng(0))
    assert s["n"] == 3
    assert s["mean"] == 2.0
    assert s["ci_method"] == "bootstrap"
    assert s["mean_ci95"][0] <= 2.0 <= s["mean_ci95"][1]
    assert s["p50"] == 2.0
