"""The validation harness (studies/validation*.py): its bookkeeping, and its honesty rule.

These tests check the harness, not the physics: that every row carries a source and a
finite value, that a figure a catalog value was fitted to is never counted as
agreement, that the closed-form rows agree, and — so that the harness itself can
fail — that a wrong value does report 'differs'.
"""

from __future__ import annotations

import math

import pytest

from thaadsim.studies import validation_authorities as auth
from thaadsim.studies.validation import (CATALOG_CALIBRATION, CATEGORIES, CLOSED_FLIGHT, CLOSED_RADAR,
                                         RADAR_RANGES, TEST_FLIGHTS, compare, span_gap, tally, validation_set)
from thaadsim.studies.validation_literature import fitted_test_keys


@pytest.fixture(scope="module")
def quick_set():
    return validation_set(quick=True)


def test_quick_set_runs_and_covers_every_category_but_the_slow_one(quick_set):
    present = {c.category for c in quick_set}
    assert present <= set(CATEGORIES)
    # quick mode skips only the reverse-analysis comparison
    assert len(present) == len(CATEGORIES) - 1
    assert len(quick_set) >= 40


def test_every_row_has_a_source_and_finite_figures(quick_set):
    for c in quick_set:
        assert c.source.strip(), c.name
        assert math.isfinite(c.ours) and math.isfinite(c.theirs), c.name
        assert math.isfinite(c.deviation) and math.isfinite(c.tolerance) and c.tolerance >= 0, c.name
        assert c.status in ("agrees", "differs", "calibration"), c.name
        assert c.deviation_kind in ("relative", "absolute"), c.name


def test_no_calibration_is_counted_as_agreement(quick_set):
    counts = tally(quick_set)
    assert counts["calibrations"] >= 5
    assert counts["checks"] == counts["agree"] + counts["differ"] == sum(c.is_check for c in quick_set)
    assert counts["checks"] + counts["calibrations"] == len(quick_set)
    calibrations = [c for c in quick_set if c.status == "calibration"]
    assert not any(c.is_check for c in calibrations)


def test_fitted_figures_are_listed_as_calibrations(quick_set):
    """The honesty rule, row by row: what the catalog was fitted to is never a check."""
    assert fitted_test_keys() == {"2017-05-14-hwasong-12", "2017-07-28-hwasong-14", "2017-11-29-hwasong-15"}
    rows = {c.name: c for c in quick_set}
    assert rows["2017-11-29-hwasong-15: apogee"].status == "calibration"
    assert rows["2017-11-29-hwasong-15: flight time"].status != "calibration"  # the fit did not use the time
    assert all(c.status == "calibration" for c in quick_set if c.category == CATALOG_CALIBRATION)
    uscc = [c for c in quick_set if c.category == RADAR_RANGES and "USCC" in c.source]
    assert len(uscc) == 2 and all(c.status == "calibration" for c in uscc)
    # the NRC figure is the independent radar check (and, at 2,000 km vs 1,500 km, it differs)
    nrc = [c for c in quick_set if c.category == RADAR_RANGES and "National Research Council" in c.source]
    assert len(nrc) == 1 and nrc[0].is_check
    # a quote equal to a calibration figure agrees because of the calibration: not a check either
    assert all(c.status == "calibration" for c in quick_set
               if c.category == RADAR_RANGES and abs(c.theirs - 600.0) < 1.0)


def test_closed_form_rows_agree_to_their_tolerances(quick_set):
    closed = [c for c in quick_set if c.category in (CLOSED_FLIGHT, CLOSED_RADAR)]
    assert len(closed) >= 20
    for c in closed:
        assert c.status == "agrees", (c.name, c.ours, c.theirs, c.deviation, c.tolerance)
        assert abs(c.deviation) <= c.tolerance


def test_test_flight_rows_cite_the_catalog_sources(quick_set):
    flights = [c for c in quick_set if c.category == TEST_FLIGHTS]
    assert any("KCNA" in c.source for c in flights)
    assert any(c.name.startswith("2017-03-06-scud-er") and c.is_check for c in flights)


# ---------------------------------------------------------------- the harness can fail
def test_a_wrong_value_reports_differs():
    """A deliberately wrong 'ours' (the Kepler range off by 1 %) against a 0.1 % tolerance."""
    ref = auth.kepler_free_flight(5000.0, 30.0)["range_m"] / 1e3
    wrong = compare("range", CLOSED_FLIGHT, 1.01 * ref, ref, "km", tolerance=1e-3, source="test")
    assert wrong.status == "differs"
    assert wrong.deviation == pytest.approx(0.01)
    right = compare("range", CLOSED_FLIGHT, ref, ref, "km", tolerance=1e-3, source="test")
    assert right.status == "agrees"
    counts = tally([wrong, right])
    assert counts == {"checks": 2, "agree": 1, "differ": 1, "calibrations": 0}


def test_a_perfect_calibration_is_still_not_an_agreement():
    fitted = compare("range", CATALOG_CALIBRATION, 4500.0, 4500.0, "km", tolerance=0.01, source="test",
                     calibration=True)
    assert fitted.status == "calibration" and not fitted.is_check and fitted.deviation == 0.0
    assert tally([fitted]) == {"checks": 0, "agree": 0, "differ": 0, "calibrations": 1}


def test_spans_and_bands():
    # inside a published span: no deviation; outside: measured to the nearest edge
    assert span_gap(1800.0, 1800.0, 1740.0, 1860.0, relative=True) == 0.0
    assert span_gap(1900.0, 1900.0, 1740.0, 1860.0, relative=True) == pytest.approx(40.0 / 1860.0)
    assert span_gap(1700.0, 1700.0, 1740.0, 1860.0, relative=False) == pytest.approx(-40.0)
    # a Monte Carlo interval that misses the closed form differs, with zero tolerance
    miss = compare("leak", "x", 0.05, 0.04, "", tolerance=0.0, source="test", ours_band=(0.045, 0.055))
    assert miss.status == "differs" and miss.deviation == pytest.approx(0.125)
    hit = compare("leak", "x", 0.041, 0.04, "", tolerance=0.0, source="test", ours_band=(0.039, 0.043))
    assert hit.status == "agrees" and hit.deviation == 0.0


def test_a_nan_never_agrees():
    c = compare("x", "x", math.nan, 1.0, "", tolerance=1.0, source="test")
    assert c.status == "differs"


def test_authority_closed_forms_reproduce_the_worked_table():
    """The authorities themselves against formulas.md's printed values (independent of the engine)."""
    for v, (range_km, gamma, minutes, apogee_km) in auth.FORMULAS_MD_WORKED.items():
        g = auth.minimum_energy_gamma_deg(v)
        flight = auth.kepler_free_flight(v, g)
        assert g == pytest.approx(gamma, abs=0.05)
        assert flight["range_m"] / 1e3 == pytest.approx(range_km, abs=0.5)
        assert flight["flight_time_s"] / 60.0 == pytest.approx(minutes, abs=0.05)
        assert flight["apogee_m"] / 1e3 == pytest.approx(apogee_km, abs=0.5)
    assert auth.leak_closed_form(0.8, 2) == pytest.approx(0.04)
    assert auth.shots_per_warhead_closed_form(0.8, 2) == pytest.approx(1.2)
    assert auth.RANGE_LAW_DB_PER_DOUBLING == pytest.approx(12.04, abs=0.005)
