"""The validation harness (studies/validation*.py): its bookkeeping, and its honesty rule.

These tests check the harness: that every row carries a source, a finite value and a
kind, that a figure a catalog value was fitted to is never counted as agreement but
fails when it drifts, that every row of the quick set passes, and — so that the
harness itself can fail — that a wrong value does report 'differs' or 'drifted'.
(tests/validation/test_validate_catches_plants.py plants physics errors and checks
that the set fails.)
"""

from __future__ import annotations

import math

import pytest

from thaadsim.studies import validation_authorities as auth
from thaadsim.studies.validation import (
    CATALOG_CALIBRATION,
    CATEGORIES,
    CLOSED_FLIGHT,
    CLOSED_RADAR,
    FIRE_CONTROL,
    KINDS,
    RADAR_RANGES,
    ROTATING_FLIGHT,
    ROW_GROUPS,
    TEST_FLIGHTS,
    RowGroup,
    compare,
    failures,
    span_gap,
    tally,
    validation_set,
)
from thaadsim.studies.validation_literature import fitted_test_keys


@pytest.fixture(scope="module")
def quick_set(quick_validation_rows):
    """``validation_set(quick=True)``, computed once for the suite (tests/conftest.py)."""
    return quick_validation_rows[0]


def test_quick_set_runs_and_covers_every_category(quick_set):
    # quick mode replays fewer tests and draws fewer rockets, but leaves no category out
    assert {c.category for c in quick_set} == set(CATEGORIES)
    assert len(quick_set) >= 70


def test_every_row_has_a_source_finite_figures_and_a_kind(quick_set):
    for c in quick_set:
        assert c.source.strip(), c.name
        assert math.isfinite(c.ours) and math.isfinite(c.theirs), c.name
        assert math.isfinite(c.deviation) and math.isfinite(c.tolerance) and c.tolerance >= 0, c.name
        assert c.status in ("agrees", "differs", "calibration", "drifted"), c.name
        assert c.deviation_kind in ("relative", "absolute"), c.name
        assert c.kind in KINDS, c.name
        assert (c.kind == "calibration") == (c.status in ("calibration", "drifted")), c.name
    counts = tally(quick_set)["kinds"]
    assert counts["independent"] >= 50 and counts["self-consistency"] >= 1 and counts["calibration"] >= 5


def test_no_calibration_is_counted_as_agreement(quick_set):
    counts = tally(quick_set)
    assert counts["calibrations"] >= 5
    assert counts["checks"] == counts["agree"] + counts["differ"] == sum(c.is_check for c in quick_set)
    assert counts["checks"] + counts["calibrations"] == len(quick_set)
    calibrations = [c for c in quick_set if c.kind == "calibration"]
    assert not any(c.is_check for c in calibrations)


def test_fitted_figures_are_listed_as_calibrations(quick_set):
    """The honesty rule, row by row: what the catalog was fitted to is never a check."""
    assert fitted_test_keys() == {"2017-05-14-hwasong-12", "2017-07-28-hwasong-14", "2017-11-29-hwasong-15"}
    rows = {c.name: c for c in quick_set}
    assert rows["2017-11-29-hwasong-15: apogee"].status == "calibration"
    assert rows["2017-11-29-hwasong-15: flight time"].status != "calibration"  # the fit did not use the time
    assert rows["2017-11-29-hwasong-15: flight time"].kind == "self-consistency"  # flown to range and apogee
    assert all(c.kind == "calibration" for c in quick_set if c.category == CATALOG_CALIBRATION)
    uscc = [c for c in quick_set if c.category == RADAR_RANGES and "USCC" in c.source]
    assert len(uscc) == 2 and all(c.kind == "calibration" for c in uscc)
    # quotes that state no target are read back as the RCS that reproduces them, against the
    # catalog's assumed reference band: a self-consistency row, never an independent check
    nrc = [c for c in quick_set if c.category == RADAR_RANGES and "National Research Council" in c.source]
    assert len(nrc) == 1 and nrc[0].kind == "self-consistency"
    assert nrc[0].ours_low < nrc[0].ours < nrc[0].ours_high < 1.0  # 1,500 km needs less than the 1 m^2 of 2,000 km
    # the coverage drawn at the default convention reproduces the calibrated ranges
    coverage = [c for c in quick_set if c.category == RADAR_RANGES and "coverage range" in c.name]
    assert len(coverage) == 2 and all(c.kind == "self-consistency" and c.passed for c in coverage)


def test_every_row_of_the_quick_set_passes(quick_set):
    """The gate: every row agrees with its authority, every calibration holds its target."""
    assert len(quick_set) >= 70
    for c in quick_set:
        assert c.passed, (c.name, c.status, c.ours, c.theirs, c.deviation, c.tolerance)
        assert math.isfinite(c.deviation) and abs(c.deviation) <= c.tolerance, c.name
    assert not failures(quick_set)


def test_the_new_authorities_are_in_the_quick_set(quick_set):
    """The rotating ellipsoid, drag and the fire control that runs: the rows issue 10 found missing."""
    rotating = [c for c in quick_set if c.category == ROTATING_FLIGHT]
    assert len(rotating) >= 8 and all(c.kind == "independent" for c in rotating)
    names = " ".join(c.name for c in rotating)
    assert "second integrator" in names and "east minus range west" in names and "reentry" in names
    assert "boosted flight with drag" in names
    fire = [c for c in quick_set if c.category == FIRE_CONTROL]
    assert {"shoot-shoot", "shoot-look-shoot"} <= {d for c in fire for d in ("shoot-shoot", "shoot-look-shoot")
                                                    if f", {d}" in c.name}
    assert len(fire) == 4


def test_test_flight_rows_cite_the_catalog_sources(quick_set):
    flights = [c for c in quick_set if c.category == TEST_FLIGHTS]
    assert any("KCNA" in c.source for c in flights)
    assert any(c.name.startswith("2017-03-06-scud-er") and c.is_check for c in flights)


def test_closed_form_rows_are_independent(quick_set):
    closed = [c for c in quick_set if c.category in (CLOSED_FLIGHT, CLOSED_RADAR)]
    assert len(closed) >= 20 and all(c.kind == "independent" for c in closed)


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
    assert counts == {"checks": 2, "agree": 1, "differ": 1, "calibrations": 0, "drifted": 0, "failed": 1,
                      "kinds": {"independent": 2, "self-consistency": 0, "calibration": 0}}
    assert failures([wrong, right]) == [wrong] and not wrong.passed and right.passed


def test_a_perfect_calibration_is_still_not_an_agreement():
    fitted = compare("range", CATALOG_CALIBRATION, 4500.0, 4500.0, "km", tolerance=0.01, source="test",
                     calibration=True)
    assert fitted.status == "calibration" and not fitted.is_check and fitted.deviation == 0.0 and fitted.passed
    assert fitted.kind == "calibration"
    counts = tally([fitted])
    assert (counts["checks"], counts["calibrations"], counts["failed"]) == (0, 1, 0)


def test_a_drifted_calibration_fails():
    """Issue 10: the radar ranges moved -16 % against a 10 % tolerance and nothing failed."""
    drifted = compare("range", RADAR_RANGES, 504.0, 600.0, "km", tolerance=0.10, source="test", kind="calibration")
    assert drifted.status == "drifted" and not drifted.passed and not drifted.is_check
    assert drifted.deviation == pytest.approx(-0.16)
    counts = tally([drifted])
    assert (counts["drifted"], counts["failed"], counts["calibrations"], counts["checks"]) == (1, 1, 1, 0)
    assert drifted.as_dict()["passed"] is False and drifted.as_dict()["kind"] == "calibration"


def test_kinds_are_given_or_follow_the_calibration_flag():
    assert compare("x", "c", 1.0, 1.0, "", tolerance=0.0, source="s").kind == "independent"
    own = compare("x", "c", 1.0, 1.2, "", tolerance=0.1, source="s", kind="self-consistency")
    assert own.kind == "self-consistency" and own.status == "differs" and own.is_check
    with pytest.raises(ValueError):
        compare("x", "c", 1.0, 1.0, "", tolerance=0.0, source="s", kind="checked")
    with pytest.raises(ValueError):
        compare("x", "c", 1.0, 1.0, "", tolerance=0.0, source="s", calibration=True, kind="independent")


def test_a_row_module_is_one_registry_line():
    """A group is 'module:function'; it gets `quick` and a seeded `rng` only if it asks."""
    seen = {}

    def rows(quick, rng):
        seen["quick"], seen["draw"] = quick, rng.random()
        return [compare("x", "c", 1.0, 1.0, "", tolerance=0.0, source="s")]

    import sys
    import types

    module = types.ModuleType("_validation_rows_for_test")
    module.rows = rows
    module.plain = lambda: [compare("y", "c", 2.0, 1.0, "", tolerance=0.0, source="s")]
    sys.modules[module.__name__] = module
    try:
        groups = (RowGroup("a", f"{module.__name__}:rows"), RowGroup("b", f"{module.__name__}:plain", in_quick=False))
        calls = []
        full = validation_set(quick=False, groups=groups, progress=lambda d, n, label: calls.append((d, n, label)))
        first = seen["draw"]
        quick = validation_set(quick=True, groups=groups)
        quick_draw, asked_quick = seen["draw"], seen["quick"]
        validation_set(quick=False, groups=groups[::-1])
    finally:
        del sys.modules[module.__name__]
    assert [c.name for c in full] == ["x", "y"] and [c.name for c in quick] == ["x"]
    # seeded per group, by its label: alone, first or last it draws the same (the planted-error tests
    # in tests/validation/test_validate_catches_plants.py run the groups one by one on this)
    assert asked_quick is True and quick_draw == first and seen["draw"] == first
    assert calls == [(0, 2, "a"), (1, 2, "b"), (2, 2, "done")]
    assert len({g.label for g in ROW_GROUPS}) == len(ROW_GROUPS)
    for g in ROW_GROUPS:
        assert callable(g.load()), g.target


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
