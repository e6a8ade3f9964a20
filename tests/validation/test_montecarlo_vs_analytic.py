"""Monte Carlo studies against the analytic one-layer model, and the intervals' coverage.

Authorities:

- the one-layer leakage model (Wilkening 2000, "A simple model for calculating ballistic
  missile defense effectiveness", Science & Global Security 8:183-215; formulas.md):
  P_leak = 1 - P_d [1 - (1 - p)^n], P(no leak of N) = (1 - P_leak)^N, expected interceptors
  per engaged warhead n (shoot-shoot) or sum_{i<=n} (1 - p)^(i-1) (shoot-look-shoot);
- the binomial distribution itself, for the coverage of the Wilson score interval (Wilson
  1927; Brown, Cai & DasGupta 2001, Stat. Sci. 16:101-133): the exact coverage of the
  interval at (n, p) is the binomial probability of the counts whose interval holds p.

The Monte Carlo side is the whole scenario chain (truth flights, radar draws, tracker, fire
control, kill draws) through ``thaadsim.studies.sweep.run_sweep`` ->
``studies.montecarlo.run_study``, on a geometry that meets the analytic model's assumptions:
Scud-ER from Tongchang-ri on the Seongju battery itself (inside its footprint, every missile
with a second engagement window after a miss), an inventory far above the salvo's needs,
a constant stated SSPK, and detection measured (every missile engaged: P_d = 1 within the
Wilson interval, and the formula is fed the measured engaged fraction).

Several intervals are compared at once, so each is taken at the family-wise level
1 - 0.05/k (Bonferroni): a correct model fails the whole test with probability <= 5 %.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from thaadsim.defense.leakage import interceptors_per_warhead, leakage_probability
from thaadsim.scenario.loader import parse_scenario
from thaadsim.studies.statistics import wilson_bounds, wilson_interval
from thaadsim.studies.sweep import column, grid, parse_param, run_sweep

ONE_LAYER = """
name: one-layer
description: Scud-ER from Tongchang-ri on the Seongju battery - the analytic model's conditions.
threats:
  - {missile: scud-er, from: tongchang-ri, to: seongju, count: 4, spacing_s: 5}
radars:
  - {name: tpy2, site: seongju}
batteries:
  - {name: seongju, site: seongju, radar: tpy2, sspk: 0.5, doctrine: shoot-look-shoot}
output: {false_alarms: false, footprints: false, coverage: false}
"""
SHOTS = 2  # fire control: two at once (shoot-shoot) or up to two looks (shoot-look-shoot)


def _compare(sweep) -> list[str]:
    """Every disagreement between the studies and the one-layer model, at the family-wise level."""
    checks = 3 * len(sweep.rows)
    level = 1.0 - 0.05 / checks
    failures = []
    for full, study in zip(sweep.rows, sweep.studies, strict=True):
        row = {k: full[k] for k in sweep.paths}
        t = study.table
        threats = np.asarray(column(t, "threats"), float)
        engaged = np.asarray(column(t, "engaged"), float)
        leaked = np.asarray(column(t, "leaked"), float)
        fired = np.asarray(column(t, "interceptors_fired"), float)
        n_missiles = int(threats.sum())
        p_d = engaged.sum() / n_missiles
        # detection measured, not assumed: every missile engaged, within its interval
        if wilson_interval(int(engaged.sum()), n_missiles, level).high < 0.99:
            failures.append(f"{row}: engaged fraction {p_d:.3f}: the geometry does not meet P_d ~ 1")
        p, doctrine, salvo = full["sspk"], full["doctrine"], int(threats[0])
        leak = float(leakage_probability(p, SHOTS, p_d))
        lo, hi = wilson_interval(int(leaked.sum()), n_missiles, level)
        if not lo <= leak <= hi:
            failures.append(f"{row}: leak fraction {leaked.sum() / n_missiles:.3f} [{lo:.3f}, {hi:.3f}] vs "
                            f"analytic {leak:.3f}")
        no_leak = (1.0 - leak) ** salvo
        lo, hi = wilson_interval(int((leaked == 0).sum()), threats.size, level)
        if not lo <= no_leak <= hi:
            failures.append(f"{row}: P(no leak) {(leaked == 0).mean():.3f} [{lo:.3f}, {hi:.3f}] vs analytic "
                            f"{no_leak:.3f}")
        # interceptors per engaged warhead: exactly 2 in shoot-shoot, 1 + (1 - p) on average in
        # shoot-look-shoot - a mean of a bounded count, compared within a normal interval
        per = fired / np.maximum(engaged, 1)
        expected = float(interceptors_per_warhead(p, SHOTS, doctrine))
        if doctrine == "shoot-shoot":
            if not np.all(per == 2):
                failures.append(f"{row}: shoot-shoot fired {sorted(set(per.tolist()))} per warhead, not 2")
        else:
            second = fired.sum() - engaged.sum()  # second shots: binomial over first shots at 1 - p
            lo, hi = wilson_interval(int(second), int(engaged.sum()), level)
            if not lo <= expected - 1.0 <= hi:
                failures.append(f"{row}: second-shot fraction {second / engaged.sum():.3f} [{lo:.3f}, {hi:.3f}] vs "
                                f"analytic 1 - p = {expected - 1.0:.3f}")
    return failures


def _sweep(params: list[str], runs: int, seed: int):
    scenario = parse_scenario(ONE_LAYER)
    parsed = [parse_param(p) for p in params]
    return run_sweep(scenario, parsed, runs, seed, points=grid(scenario, parsed))


@pytest.fixture(scope="module")
def quick_sweep():
    """Kill probability and doctrine swept at the file's salvo of 4, 20 runs a point, seed 7."""
    return _sweep(["batteries[0].sspk=0.5,0.8", "batteries[0].doctrine=shoot-shoot,shoot-look-shoot"], 20, 7)


def test_monte_carlo_leakage_matches_the_one_layer_model(quick_sweep):
    """Authority: Wilkening (2000) one-layer model; kill probability and doctrine swept, both
    doctrines, through the whole scenario chain (module doc)."""
    sweep = quick_sweep
    assert _compare(sweep) == []
    # the sweep's own analytic column is the same closed form
    for row in sweep.rows:
        assert row["analytic_leak_fraction"] == pytest.approx(float(leakage_probability(row["sspk"], SHOTS)))


@pytest.mark.slow
def test_monte_carlo_leakage_matches_the_one_layer_model_across_salvo_sizes():
    """Authority: Wilkening (2000); salvo size, kill probability and doctrine swept (a larger
    grid than the quick test, 30 runs a point)."""
    sweep = _sweep(["threats[0].count=1,3,8", "batteries[0].sspk=0.5,0.8",
                    "batteries[0].doctrine=shoot-shoot,shoot-look-shoot"], 30, 11)
    assert _compare(sweep) == []


def test_the_comparison_catches_a_wrong_kill_probability(quick_sweep):
    """The comparison is not blind: the same studies against the model with p 0.2 off fail.

    The studies are the quick sweep's point sspk 0.5, shoot-shoot (every point of a sweep runs
    the same seed, so it is the study a one-point sweep of it would run), taken alone: one
    point's checks, at that one point's family-wise level."""
    first = quick_sweep.rows[0]
    assert (first["sspk"], first["doctrine"]) == (0.5, "shoot-shoot")
    sweep = dataclasses.replace(quick_sweep, rows=[dict(first)], studies=quick_sweep.studies[:1])
    assert _compare(sweep) == []
    wrong = sweep.rows[0] | {"sspk": 0.7}
    sweep.rows[0] = wrong
    assert _compare(sweep)


# --------------------------------------------------------------------------- coverage

CASES = [(20, 0.5), (50, 0.1), (100, 0.3), (200, 0.05), (30, 0.8)]
EXPERIMENTS = 2000


def _exact_coverage(n: int, p: float, level: float = 0.95) -> float:
    from scipy.stats import binom

    k = np.arange(n + 1)
    lo, hi = wilson_bounds(k, np.full(k.shape, n), level)
    return float(binom.pmf(k, n, p)[(lo <= p) & (p <= hi)].sum())


@pytest.mark.parametrize(("n", "p"), CASES)
def test_wilson_interval_has_its_stated_coverage(n, p):
    """Authority: the binomial distribution.  2,000 studies of a known probability: the share
    of Wilson 95 % intervals that hold it equals the exact coverage within the binomial
    tolerance of 2,000 trials (3 sigma), and the exact coverage is within 2.5 points of 95 %
    (Brown, Cai & DasGupta 2001, fig. 4: Wilson's coverage oscillates close to nominal away
    from p ~ 0 or 1)."""
    rng = np.random.default_rng(20260613 + n)
    k = rng.binomial(n, p, size=EXPERIMENTS)
    lo, hi = wilson_bounds(k, np.full(k.shape, n))
    covered = float(np.mean((lo <= p) & (p <= hi)))
    exact = _exact_coverage(n, p)
    sigma = np.sqrt(exact * (1 - exact) / EXPERIMENTS)
    assert abs(covered - exact) <= 3 * sigma, (covered, exact)
    assert abs(exact - 0.95) <= 0.025, exact
    # and against the nominal level itself, within the same binomial tolerance plus the
    # interval's own oscillation
    assert abs(covered - 0.95) <= 3 * np.sqrt(0.95 * 0.05 / EXPERIMENTS) + 0.025


def test_coverage_check_catches_a_wald_interval():
    """The coverage check is not blind: the Wald interval p +/- 1.96 sqrt(p(1-p)/n), known to
    under-cover at small n p (Brown et al. 2001), fails it at n = 50, p = 0.1."""
    n, p = 50, 0.1
    rng = np.random.default_rng(5)
    k = rng.binomial(n, p, size=EXPERIMENTS)
    phat = k / n
    half = 1.96 * np.sqrt(phat * (1 - phat) / n)
    covered = float(np.mean((phat - half <= p) & (p <= phat + half)))
    assert abs(covered - 0.95) > 3 * np.sqrt(0.95 * 0.05 / EXPERIMENTS) + 0.0
