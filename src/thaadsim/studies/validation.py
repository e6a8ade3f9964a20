"""The validation set: each figure the simulator produces beside the authority it should match.

``validation_set()`` returns one :class:`Check` per figure — ours, theirs, the deviation
and the source.  The rule that keeps it honest: a figure that a catalog value was
*fitted* to (the AN/TPY-2 power chosen for USCC's ranges, the Hwasong burn times fitted
to the lofted tests, propellant scales fitted to published maximum ranges, the THAAD
propellant fitted to 2.8 km/s) is listed with status ``calibration`` and never counted
as agreement.  Figures that a replay is *flown to* (a reduced-energy test's range and
apogee) are inputs and are not listed at all.

Deviation: the signed gap between our value (or our band: a Monte Carlo confidence
interval, a reverse-analysis band) and theirs (or their published span), zero when
they overlap; ``relative`` divides it by the nearest edge of theirs, ``absolute``
(used where the authority is zero or is itself a probability) does not.  A check
agrees when |deviation| ≤ tolerance.

Categories live in modules of their own: :mod:`validation_physics` (closed forms,
atmosphere, leakage) and :mod:`validation_literature` (test flights, radar ranges,
published analyses, catalog calibrations).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Literal

Status = Literal["agrees", "differs", "calibration"]
DeviationKind = Literal["relative", "absolute"]

CLOSED_FLIGHT = "closed forms: free flight"
CLOSED_RADAR = "closed forms: radar"
ATMOSPHERE = "atmosphere: US Standard Atmosphere 1976"
TEST_FLIGHTS = "published test flights (2017)"
RADAR_RANGES = "radar ranges: open literature"
LEAKAGE = "analytic leakage vs Monte Carlo"
PUBLISHED_ANALYSIS = "published analysis: reverse range inference"
CATALOG_CALIBRATION = "catalog performance figures"
CATEGORIES = (CLOSED_FLIGHT, CLOSED_RADAR, ATMOSPHERE, TEST_FLIGHTS, RADAR_RANGES, LEAKAGE,
              PUBLISHED_ANALYSIS, CATALOG_CALIBRATION)


@dataclass(frozen=True)
class Check:
    """One figure beside its authority."""

    name: str
    category: str
    ours: float
    theirs: float
    unit: str
    deviation: float
    """Signed gap between ours (band) and theirs (span); see ``deviation_kind``."""
    deviation_kind: DeviationKind
    tolerance: float
    """Largest |deviation| that counts as agreement, in the deviation's kind."""
    status: Status
    source: str
    note: str = ""
    ours_low: float | None = None
    ours_high: float | None = None
    theirs_low: float | None = None
    theirs_high: float | None = None

    @property
    def is_check(self) -> bool:
        """A calibration is reproduced by construction: it is not a check."""
        return self.status != "calibration"

    def as_dict(self) -> dict:
        return asdict(self)


def span_gap(ours_low: float, ours_high: float, theirs_low: float, theirs_high: float,
             relative: bool) -> float:
    """Signed gap from their span to ours: > 0 when ours lies above, 0 when they overlap."""
    if ours_low > theirs_high:
        gap, edge = ours_low - theirs_high, theirs_high
    elif ours_high < theirs_low:
        gap, edge = ours_high - theirs_low, theirs_low
    else:
        return 0.0
    return gap / abs(edge) if relative else gap


def compare(name: str, category: str, ours: float, theirs: float, unit: str, *, tolerance: float,
            source: str, relative: bool = True, note: str = "",
            ours_band: tuple[float, float] | None = None, theirs_span: tuple[float, float] | None = None,
            calibration: bool = False) -> Check:
    """Build a :class:`Check`: the deviation and the status follow from the figures.

    ``calibration=True`` marks a figure a catalog value was fitted to: its deviation is
    shown (it measures how well the fit holds) but it is never an agreement.
    """
    ours, theirs = float(ours), float(theirs)
    o_lo, o_hi = (float(ours_band[0]), float(ours_band[1])) if ours_band else (ours, ours)
    t_lo, t_hi = (float(theirs_span[0]), float(theirs_span[1])) if theirs_span else (theirs, theirs)
    if not all(math.isfinite(x) for x in (ours, theirs, o_lo, o_hi, t_lo, t_hi)):
        deviation = math.nan
    else:
        deviation = span_gap(o_lo, o_hi, t_lo, t_hi, relative)
    if calibration:
        status: Status = "calibration"
    else:
        status = "agrees" if math.isfinite(deviation) and abs(deviation) <= tolerance else "differs"
    return Check(name, category, ours, theirs, unit, deviation, "relative" if relative else "absolute",
                 float(tolerance), status, source, note,
                 o_lo if ours_band else None, o_hi if ours_band else None,
                 t_lo if theirs_span else None, t_hi if theirs_span else None)


def validation_set(quick: bool = False, seed: int = 20170306) -> list[Check]:
    """Every validation figure, grouped by category (see ``CATEGORIES``).

    ``quick`` replays one lofted test instead of six and skips the reverse-analysis
    comparison (about 10 s instead of about 75 s).  ``seed`` seeds the
    leakage Monte Carlo (the only random part).
    """
    import numpy as np

    from thaadsim.studies import validation_literature as literature
    from thaadsim.studies import validation_physics as physics

    checks: list[Check] = []
    checks += physics.free_flight_checks()
    checks += physics.radar_closed_form_checks()
    checks += physics.atmosphere_checks()
    checks += literature.flight_test_checks(quick)
    checks += literature.radar_range_checks()
    checks += physics.leakage_checks(np.random.default_rng(seed))
    if not quick:
        checks += literature.reverse_analysis_checks()
    checks += literature.catalog_calibrations()
    order = {c: i for i, c in enumerate(CATEGORIES)}
    return sorted(checks, key=lambda c: order.get(c.category, len(order)))  # stable within a category


def tally(checks: list[Check]) -> dict:
    """Counts: checks (agree + differ), agree, differ, calibrations (not checks)."""
    agree = sum(c.status == "agrees" for c in checks)
    differ = sum(c.status == "differs" for c in checks)
    calibrations = sum(c.status == "calibration" for c in checks)
    return {"checks": agree + differ, "agree": agree, "differ": differ, "calibrations": calibrations}


__all__ = ["CATEGORIES", "Check", "compare", "span_gap", "tally", "validation_set"]
