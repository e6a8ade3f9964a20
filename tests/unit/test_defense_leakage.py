"""Analytic one-layer leakage and its Monte Carlo.

Authority: shared/reference/formulas.md, 'Defence effectiveness (one layer)' (Wilkening
2000): p = 0.8, two shots shoot-look-shoot → P_leak = 0.04, 1.2 interceptors per
warhead; N = 10 → 0.66; with P_d = 0.95 → 0.40.
"""

from __future__ import annotations

import numpy as np
import pytest

from thaadsim.defense.leakage import (
    binomial_interval,
    interceptors_per_warhead,
    leakage_probability,
    no_leak_probability,
    simulate_doctrine,
)
from thaadsim.errors import InputError


def test_worked_example_of_formulas_md():
    p_leak = leakage_probability(0.8, 2)
    assert p_leak == pytest.approx(0.04, abs=1e-12)
    assert interceptors_per_warhead(0.8, 2, "shoot-look-shoot") == pytest.approx(1.2, abs=1e-12)
    assert interceptors_per_warhead(0.8, 2, "shoot-shoot") == 2
    assert no_leak_probability(p_leak, 10) == pytest.approx(0.66, abs=0.005)
    assert no_leak_probability(leakage_probability(0.8, 2, 0.95), 10) == pytest.approx(0.40, abs=0.005)


@pytest.mark.parametrize("doctrine", ["shoot-shoot", "shoot-look-shoot"])
@pytest.mark.parametrize("sspk, shots, p_detect", [(0.8, 2, 1.0), (0.8, 2, 0.95), (0.6, 3, 0.9)])
def test_monte_carlo_matches_analytic_within_95_percent_interval(doctrine, sspk, shots, p_detect):
    # Several seeds, each with 100,000 warheads: the analytic value must lie inside the
    # Clopper-Pearson interval of each (a 5 % chance per run to fail by luck; the seeds
    # are fixed, so the test is deterministic).
    analytic = float(leakage_probability(sspk, shots, p_detect))
    per = float(interceptors_per_warhead(sspk, shots, doctrine))
    for seed in (1, 2, 3):
        res = simulate_doctrine(np.random.default_rng(seed), 10_000, 10, sspk, shots, doctrine, p_detect=p_detect)
        lo, hi = res.leak_interval()
        assert lo <= analytic <= hi, (seed, res.leak_fraction, analytic)
        assert res.interceptors_per_engaged_warhead == pytest.approx(per, abs=0.01)


def test_raid_no_leak_probability_matches_analytic():
    analytic = float(no_leak_probability(leakage_probability(0.8, 2, 0.95), 10, reliability=0.98))
    res = simulate_doctrine(np.random.default_rng(11), 20_000, 10, 0.8, 2, "shoot-look-shoot",
                            p_detect=0.95, reliability=0.98)
    lo, hi = res.no_leak_interval()
    assert lo <= analytic <= hi


@pytest.mark.parametrize("doctrine", ["shoot-shoot", "shoot-look-shoot"])
def test_salvo_larger_than_inventory_leaks_once_exhausted(doctrine):
    res = simulate_doctrine(np.random.default_rng(5), 200, 60, 0.8, 2, doctrine, inventory=48)
    assert res.interceptors_fired.max() <= 48
    # Every warhead after the inventory ran out leaked; none of them drew a shot.
    for fired, leaked in zip(res.fired, res.leaked, strict=True):
        spent = np.cumsum(fired)
        after = np.nonzero(spent >= 48)[0]
        if len(after):
            rest = slice(after[0] + 1, None)
            assert leaked[rest].all() and (fired[rest] == 0).all()
    if doctrine == "shoot-shoot":
        assert (res.leakers >= 60 - 24).all()  # 24 warheads take all 48 interceptors


def test_seed_reproduces_bit_for_bit():
    a = simulate_doctrine(np.random.default_rng(7), 50, 8, 0.7, 2, "shoot-look-shoot", inventory=10)
    b = simulate_doctrine(np.random.default_rng(7), 50, 8, 0.7, 2, "shoot-look-shoot", inventory=10)
    np.testing.assert_array_equal(a.leaked, b.leaked)
    np.testing.assert_array_equal(a.fired, b.fired)


def test_binomial_interval_closed_cases():
    assert binomial_interval(0, 10)[0] == 0.0
    lo, hi = binomial_interval(50, 100)
    assert lo == pytest.approx(0.3983, abs=1e-4) and hi == pytest.approx(0.6017, abs=1e-4)


def test_bad_input_is_one_line():
    with pytest.raises(InputError, match="sspk"):
        leakage_probability(1.3, 2)
    with pytest.raises(InputError, match="doctrine"):
        simulate_doctrine(np.random.default_rng(0), 1, 1, 0.8, 2, "shoot-pray")
    with pytest.raises(InputError, match="shots"):
        leakage_probability(0.8, 1.5)
