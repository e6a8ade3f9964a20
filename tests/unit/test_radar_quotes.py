"""Published range quotes: the records, the RCS band each implies, and the validate rows.

Authority for the implied RCS: the fourth-power law of the range equation at fixed
criterion (Skolnik 2001, eq. 2.1: R ∝ σ^(1/4)), applied here to the calibrated
ranges the catalog states (600 km / 2,000 km at 1 m^2), not to the package's functions.
"""

from __future__ import annotations

import math

import pytest

from thaadsim.catalog.radars import RangeQuote, radar


def test_every_quote_says_what_its_source_states():
    rec = radar("an-tpy-2")
    assert len(rec.range_quotes) >= 5
    for q in rec.range_quotes:
        assert q.mode in rec.mode_keys and q.source
        # none of the sources we could read states a cross-section or a criterion
        assert q.target_rcs_m2 is None and q.convention is None
    roles = {(q.mode, q.range_km) for q in rec.range_quotes if q.role == "calibration"}
    assert roles == {("terminal", 600.0), ("forward-based", 2000.0)}


def test_a_quote_for_an_unknown_mode_is_refused():
    data = radar("an-tpy-2").model_dump()
    data["range_quotes"] = [{**data["range_quotes"][0], "mode": "terminal"}]
    data["modes"] = [m for m in data["modes"] if m["key"] == "forward-based"]
    with pytest.raises(ValueError, match="no mode 'terminal'"):
        type(radar("an-tpy-2")).model_validate(data)
    with pytest.raises(ValueError, match="below range_km"):
        RangeQuote(range_km=800, range_high_km=600, mode="terminal", role="check", source="x", checked=False)


@pytest.mark.parametrize("mode, calibrated_km", [("terminal", 600.0), ("forward-based", 2000.0)])
def test_implied_rcs_follows_the_fourth_power_law(mode, calibrated_km):
    from thaadsim.sensors.range_quotes import APPROXIMATE_SPAN, read_quotes

    readings = read_quotes("an-tpy-2", mode)
    assert readings
    for r in readings:
        q = r.quote
        assert r.preset_range_1m2_km == pytest.approx(calibrated_km, rel=2e-3)
        lo = q.range_km * ((1 - APPROXIMATE_SPAN) if q.approximate else 1.0)
        assert r.rcs_low_m2 == pytest.approx((lo / calibrated_km) ** 4, rel=1e-2)
        if q.lower_bound:
            assert math.isinf(r.rcs_high_m2)
        else:
            hi = (q.range_high_km or q.range_km) * ((1 + APPROXIMATE_SPAN) if q.approximate else 1.0)
            assert r.rcs_high_m2 == pytest.approx((hi / calibrated_km) ** 4, rel=1e-2)
        assert r.rcs_low_m2 <= r.rcs_m2 <= r.rcs_high_m2


def test_warhead_class_quote_implies_a_few_hundredths_of_a_square_metre():
    """~870 km forward-based: (870/2000)^4 = 0.036 m^2 — a warhead-class target, not 0.01 m^2
    (at 0.01 m^2 the preset reaches 2000 * 0.01^(1/4) = 632 km)."""
    from thaadsim.sensors.range_quotes import read_quotes

    r = next(r for r in read_quotes("an-tpy-2", "forward-based") if r.quote.range_km == 870)
    assert r.rcs_m2 == pytest.approx((870 / 2000) ** 4, rel=1e-2)
    assert not r.quote.checked


def test_validate_rows_pass_and_catch_a_drifted_convention(monkeypatch):
    """The self-consistency row fails when the coverage default leaves the calibration's
    criterion (planted: a single-look Pd 0.5 default, the bug of issue 10)."""
    from thaadsim.sensors import convention as conv_mod
    from thaadsim.studies import validation_radar_quotes as vq

    rows = vq.radar_quote_checks()
    assert len(rows) == 2 + len(radar("an-tpy-2").range_quotes)
    assert all(r.status in ("agrees", "calibration") for r in rows), [(r.name, r.status) for r in rows]
    cov_rows = [r for r in rows if "coverage range" in r.name]
    assert {round(r.theirs) for r in cov_rows} == {600, 2000}
    planted = conv_mod.DetectionConvention(pd=0.5)
    monkeypatch.setattr(conv_mod, "DEFAULT_CONVENTION", planted)
    drifted = [r for r in vq.radar_quote_checks() if "coverage range" in r.name]
    assert all(r.status == "differs" for r in drifted)
    assert drifted[0].ours / drifted[0].theirs == pytest.approx(1.62, abs=0.01)
