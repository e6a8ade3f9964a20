"""The lofted-test validation rows: they run quickly, agree today, and catch planted errors.

Authorities are those of ``thaadsim.studies.validation_lofted`` (Wright/UCS 2017, the
published launch masses, the catalog, vacuum conics); here the rows are checked to be real
checks: a search capped at 60 deg of kick (the bug behind the Hwasong-15's +38 % apogee)
and a prior whose Isp band is 30 s too low must make rows differ.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from thaadsim.flight import reverse, targeting
from thaadsim.studies.validation_lofted import lofted_checks, min_energy_apogee_checks


@pytest.fixture(scope="module")
def rows():
    return lofted_checks(True, np.random.default_rng(20170306))


def test_rows_agree_and_are_complete(rows):
    checks = rows
    names = [c.name for c in checks]
    for key in ("hwasong-12", "hwasong-14", "hwasong-15"):
        assert any(n.startswith(f"{key}: catalog maximum range") for n in names)
        assert any(n.startswith(f"{key}: launch mass") for n in names)
    assert sum("maximum range inferred" in n for n in names) == 3
    for c in checks:
        assert math.isfinite(c.ours) and math.isfinite(c.theirs), c.name
        assert c.status == "agrees", (c.name, c.ours, c.theirs, c.deviation, c.note)
        assert c.kind in ("independent", "self-consistency"), c.name


def test_a_capped_range_search_is_caught(monkeypatch):
    monkeypatch.setattr(targeting, "MAX_RANGE_KICK_DEG", 60.0)
    differs = [c.name for c in min_energy_apogee_checks() if c.status == "differs"]
    assert "hwasong-15: range-maximising search vs a scan of every 0.5 deg of kick" in differs


def test_a_weaker_engine_technology_is_caught(monkeypatch):
    # An Isp band 30 s too low needs a much larger rocket to fly the same tests: the launch-mass
    # rows (or the reverse analysis itself, with too few draws inside the published mass) differ.
    original = reverse.Prior.from_missile

    def weak(missile):
        prior = original(missile)
        isp = tuple(reverse.Band(b.low - 30.0, b.high - 30.0, b.source) for b in prior.isp_vac_s)
        return reverse.Prior(**{**prior.__dict__, "isp_vac_s": isp})

    monkeypatch.setattr(reverse.Prior, "from_missile", staticmethod(weak))
    checks = lofted_checks(True, np.random.default_rng(20170306))
    assert any(c.status == "differs" for c in checks if "launch mass" in c.name or "failed" in c.note)
