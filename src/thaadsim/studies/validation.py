"""The validation set: each figure the simulator produces beside the authority it should match.

``validation_set()`` returns one :class:`Check` per figure — ours, theirs, the deviation,
the source, and its **kind**:

- ``independent``: an authority that can disagree with the engine — a closed form, a
  second implementation with its own constants, tables and drag, a published figure
  nothing was fitted to;
- ``self-consistency``: the engine against a consequence of its own inputs (a replay
  flown to a test's range and apogee, then compared on its flight time, which those two
  largely fix);
- ``calibration``: a figure a catalog value was *fitted* to (the AN/TPY-2 power chosen
  for USCC's ranges, the Hwasong burn times fitted to the lofted tests, propellant scales
  fitted to published maximum ranges, the THAAD propellant fitted to 2.8 km/s).  It is
  never counted as agreement, but it is judged: a calibration that has drifted from its
  target by more than its tolerance (the model changed under the fit) **fails**, with
  status ``drifted``.

Every row either passes (``agrees``, or ``calibration`` held within its tolerance) or
fails (``differs``, ``drifted``); ``thaadsim validate`` exits 2 when any row fails.

Deviation: the signed gap between our value (or our band: a Monte Carlo confidence
interval, a reverse-analysis band) and theirs (or their published span), zero when
they overlap; ``relative`` divides it by the nearest edge of theirs, ``absolute``
(used where the authority is zero or is itself a probability) does not.  A row is
within tolerance when |deviation| ≤ tolerance.

The rows live in modules of their own, registered in ``ROW_GROUPS`` (one line per
module): :mod:`validation_physics` (closed forms, atmosphere, leakage, the rotating
ellipsoid against an independent integrator, the fire control that runs) and
:mod:`validation_literature` (test flights, radar ranges, published analyses, catalog
calibrations).
"""

from __future__ import annotations

import importlib
import inspect
import math
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Literal

Status = Literal["agrees", "differs", "calibration", "drifted"]
Kind = Literal["independent", "self-consistency", "calibration"]
DeviationKind = Literal["relative", "absolute"]

KINDS: tuple[Kind, ...] = ("independent", "self-consistency", "calibration")
KIND_TITLES = {
    "independent": "independent authority (an authority that can disagree)",
    "self-consistency": "self-consistency (the engine against consequences of its own inputs)",
    "calibration": "calibration (a catalog value was fitted to it; it must hold within its tolerance)",
}
PASSING: tuple[Status, ...] = ("agrees", "calibration")
FAILING: tuple[Status, ...] = ("differs", "drifted")

CLOSED_FLIGHT = "closed forms: free flight"
ROTATING_FLIGHT = "free flight: rotating WGS-84 ellipsoid with J2 and drag (independent integrator)"
CLOSED_RADAR = "closed forms: radar"
ATMOSPHERE = "atmosphere: US Standard Atmosphere 1976"
TEST_FLIGHTS = "published test flights (2017)"
RADAR_RANGES = "radar ranges: open literature"
LEAKAGE = "analytic leakage vs Monte Carlo"
FIRE_CONTROL = "fire control (as the scenario runner uses it) vs closed forms"
TRACKER_COVERAGE = "tracker uncertainty: coverage of seeded runs"
INTERCEPTOR = "THAAD interceptor fly-out: independent flight and vacuum coast"
PUBLISHED_ANALYSIS = "published analysis: reverse range inference"
LOFTED = "lofted tests: one answer per missile"
CATALOG_CALIBRATION = "catalog performance figures"
CATEGORIES = (CLOSED_FLIGHT, ROTATING_FLIGHT, CLOSED_RADAR, ATMOSPHERE, TEST_FLIGHTS, RADAR_RANGES, LEAKAGE,
              INTERCEPTOR, FIRE_CONTROL, TRACKER_COVERAGE, LOFTED, PUBLISHED_ANALYSIS, CATALOG_CALIBRATION)


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
    """Largest |deviation| that counts as agreement (or, for a calibration, as holding)."""
    status: Status
    source: str
    note: str = ""
    ours_low: float | None = None
    ours_high: float | None = None
    theirs_low: float | None = None
    theirs_high: float | None = None
    kind: Kind = "independent"

    @property
    def is_check(self) -> bool:
        """A calibration is reproduced by construction: it is not a check."""
        return self.kind != "calibration"

    @property
    def passed(self) -> bool:
        return self.status in PASSING

    def as_dict(self) -> dict:
        return {**asdict(self), "passed": self.passed}


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
            calibration: bool = False, kind: Kind | None = None) -> Check:
    """Build a :class:`Check`: the deviation and the status follow from the figures.

    ``kind`` (default ``independent``) says what the authority is (module doc);
    ``calibration=True`` is the same as ``kind='calibration'``: a figure a catalog value
    was fitted to.  Its deviation measures how well the fit holds; within tolerance its
    status is ``calibration`` (passes, never counted as agreement), beyond it ``drifted``
    (fails).
    """
    if kind is None:
        kind = "calibration" if calibration else "independent"
    elif calibration and kind != "calibration":
        raise ValueError(f"{name}: calibration=True contradicts kind={kind!r}")
    if kind not in KINDS:
        raise ValueError(f"{name}: unknown kind {kind!r}; use one of {', '.join(KINDS)}")
    ours, theirs = float(ours), float(theirs)
    o_lo, o_hi = (float(ours_band[0]), float(ours_band[1])) if ours_band else (ours, ours)
    t_lo, t_hi = (float(theirs_span[0]), float(theirs_span[1])) if theirs_span else (theirs, theirs)
    if not all(math.isfinite(x) for x in (ours, theirs, o_lo, o_hi, t_lo, t_hi)):
        deviation = math.nan
    else:
        deviation = span_gap(o_lo, o_hi, t_lo, t_hi, relative)
    within = math.isfinite(deviation) and abs(deviation) <= tolerance
    if kind == "calibration":
        status: Status = "calibration" if within else "drifted"
    else:
        status = "agrees" if within else "differs"
    return Check(name, category, ours, theirs, unit, deviation, "relative" if relative else "absolute",
                 float(tolerance), status, source, note,
                 o_lo if ours_band else None, o_hi if ours_band else None,
                 t_lo if theirs_span else None, t_hi if theirs_span else None, kind)


# ---------------------------------------------------------------- the registry of row modules
@dataclass(frozen=True)
class RowGroup:
    """One row module's function, ``'module:function'``, returning a list of :class:`Check`.

    The function is called with the keywords it declares among ``quick`` (bool) and
    ``rng`` (a seeded ``numpy.random.Generator``, one per group); ``in_quick=False``
    leaves the group out of ``--quick``.
    """

    label: str
    target: str
    in_quick: bool = True

    def load(self) -> Callable[..., list[Check]]:
        module, _, name = self.target.partition(":")
        return getattr(importlib.import_module(module), name)


_PHYS = "thaadsim.studies.validation_physics"
_LIT = "thaadsim.studies.validation_literature"
ROW_GROUPS: tuple[RowGroup, ...] = (
    RowGroup("free flight: closed forms", f"{_PHYS}:free_flight_checks"),
    RowGroup("free flight: rotating ellipsoid, J2", f"{_PHYS}:rotating_flight_checks"),
    RowGroup("flight with drag: boost and reentry", f"{_PHYS}:drag_flight_checks"),
    RowGroup("radar: closed forms", f"{_PHYS}:radar_closed_form_checks"),
    RowGroup("atmosphere", f"{_PHYS}:atmosphere_checks"),
    RowGroup("test flights", f"{_LIT}:flight_test_checks"),
    RowGroup("radar ranges: published quotes", "thaadsim.studies.validation_radar_quotes:radar_quote_checks"),
    RowGroup("leakage Monte Carlo", f"{_PHYS}:leakage_checks"),
    RowGroup("THAAD fly-out", "thaadsim.studies.validation_interceptor:interceptor_checks"),
    RowGroup("fire control", f"{_PHYS}:fire_control_checks"),
    RowGroup("tracker uncertainty", "thaadsim.studies.validation_tracking:tracking_coverage_checks"),
    RowGroup("lofted tests and reverse analysis", "thaadsim.studies.validation_lofted:lofted_checks"),
    RowGroup("catalog calibrations", f"{_LIT}:catalog_calibrations"),
)

Progress = Callable[[int, int, str], None]
"""``progress(done, total, label)``: called before each group (done groups so far) and once at the end."""


def _call(group: RowGroup, quick: bool, seed: int) -> list[Check]:
    import zlib

    import numpy as np

    fn = group.load()
    params = inspect.signature(fn).parameters
    kwargs: dict = {}
    if "quick" in params:
        kwargs["quick"] = quick
    if "rng" in params:
        # one stream per group, keyed by its label: adding a group never shifts another's draws
        kwargs["rng"] = np.random.default_rng([seed, zlib.crc32(group.label.encode())])
    return list(fn(**kwargs))


def validation_set(quick: bool = False, seed: int = 20170306, progress: Progress | None = None,
                   groups: tuple[RowGroup, ...] | None = None) -> list[Check]:
    """Every validation figure, grouped by category (see ``CATEGORIES``).

    ``quick`` replays one lofted test instead of six and skips the reverse-analysis
    comparison.  ``seed`` seeds the Monte Carlo rows (the only random part).
    ``groups`` (default ``ROW_GROUPS``) selects the row modules to run.
    """
    chosen = [g for g in (ROW_GROUPS if groups is None else groups) if g.in_quick or not quick]
    checks: list[Check] = []
    for done, group in enumerate(chosen):
        if progress:
            progress(done, len(chosen), group.label)
        checks += _call(group, quick, seed)
    if progress:
        progress(len(chosen), len(chosen), "done")
    order = {c: i for i, c in enumerate(CATEGORIES)}
    return sorted(checks, key=lambda c: order.get(c.category, len(order)))  # stable within a category


def tally(checks: list[Check]) -> dict:
    """Counts: checks (agree + differ, kinds other than calibration), calibrations (held + drifted),
    failed (differ + drifted), and the rows of each kind."""
    agree = sum(c.status == "agrees" for c in checks)
    differ = sum(c.status == "differs" for c in checks)
    held = sum(c.status == "calibration" for c in checks)
    drifted = sum(c.status == "drifted" for c in checks)
    return {"checks": agree + differ, "agree": agree, "differ": differ, "calibrations": held + drifted,
            "drifted": drifted, "failed": differ + drifted,
            "kinds": {k: sum(c.kind == k for c in checks) for k in KINDS}}


def failures(checks: list[Check]) -> list[Check]:
    return [c for c in checks if not c.passed]


__all__ = ["CATEGORIES", "KINDS", "ROW_GROUPS", "Check", "RowGroup", "compare", "failures", "span_gap", "tally",
           "validation_set"]
