"""The detection convention: what a "detection range" means, in one place.

A range, a coverage map, an access window and a first-detection time all depend on a
criterion: the probability of detection Pd asked for, the false-alarm probability
P_fa per cell, the target's Swerling fluctuation case, and how many looks are
integrated (non-coherently) before the decision.  Until issue 10 the radar command and
the calibration used Pd 0.9 while coverage, the analyses and the scenarios used a
single-look Pd of 0.5, which stretched every range by 1.62x.  :class:`DetectionConvention`
is now the one criterion; :data:`DEFAULT_CONVENTION` is the one the AN/TPY-2 presets
were calibrated with (``catalog/data/radars.yaml``: ``reference_pd``, ``pfa``,
``reference_swerling``; one coherently integrated dwell, i.e. one look).

How ``looks`` > 1 enters the compiled kernels, which evaluate a one-look Pd: the
convention fixes the per-look SNR that ``looks`` non-coherently integrated looks need
for Pd at P_fa (:func:`~thaadsim.sensors.detection.snr_required_exact`).  The one-look
Pd rises monotonically with SNR, so "SNR ≥ that" is the same test as "one-look Pd ≥
:attr:`DetectionConvention.look_pd_threshold`", which is what the kernels apply.  For one
look the threshold is Pd itself.  Looks are separate dwells, so a target that fluctuates
dwell to dwell (Swerling 1, 3) decorrelates between them: over several looks it
integrates as Swerling 2 (4).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

from thaadsim.errors import InputError

SWERLING_CASES = (0, 1, 2, 3, 4)
MAX_LOOKS = 1000


@dataclass(frozen=True)
class DetectionConvention:
    """Pd [-] asked for, P_fa [-] per cell, Swerling case 0-4, looks integrated (≥ 1)."""

    pd: float = 0.9
    pfa: float = 1e-6
    swerling: int = 1
    looks: int = 1

    def __post_init__(self) -> None:
        if not (isinstance(self.pd, int | float) and math.isfinite(self.pd) and 0.0 < self.pd < 1.0):
            raise InputError(f"Pd {self.pd} must lie in (0, 1)", field="--pd", hint="e.g. 0.9")
        if not (isinstance(self.pfa, int | float) and math.isfinite(self.pfa) and 0.0 < self.pfa < 1e-1):
            raise InputError(f"P_fa {self.pfa} must lie in (0, 0.1)", field="--pfa", hint="e.g. 1e-6")
        if self.swerling not in SWERLING_CASES:
            raise InputError(f"Swerling case {self.swerling} is not one of 0-4", field="--swerling")
        if int(self.looks) != self.looks or not 1 <= self.looks <= MAX_LOOKS:
            raise InputError(f"{self.looks} looks is not an integer in 1..{MAX_LOOKS}", field="--looks")
        if self.pd <= self.pfa:
            raise InputError(f"Pd {self.pd:g} must exceed P_fa {self.pfa:g}", field="--pd")

    # ------------------------------------------------------------------ derived
    @property
    def snr_required(self) -> float:
        """Mean SNR per look [linear] that gives Pd at P_fa after ``looks`` looks (exact)."""
        return _snr_required(self.pd, self.pfa, self.integrated_swerling, self.looks)

    @property
    def integrated_swerling(self) -> int:
        """Swerling law of the sum over looks: 1 -> 2 and 3 -> 4 for more than one look (module doc)."""
        if self.looks == 1:
            return self.swerling
        return {1: 2, 3: 4}.get(self.swerling, self.swerling)

    @property
    def snr_required_db(self) -> float:
        return 10.0 * math.log10(self.snr_required)

    @property
    def look_pd_threshold(self) -> float:
        """One-look Pd at :attr:`snr_required`: the kernels' threshold (module doc)."""
        if self.looks == 1:
            return float(self.pd)
        return _look_pd(self.snr_required, self.pfa, self.swerling)

    # ------------------------------------------------------------------ output
    def describe(self) -> str:
        """One line for every range, map and first-detection time."""
        pfa = _short(self.pfa)
        if self.looks == 1:
            return f"detection: Pd {self.pd:g} per look, P_fa {pfa}, Swerling {self.swerling}, 1 look"
        return (f"detection: Pd {self.pd:g} after {self.looks} looks integrated non-coherently, P_fa {pfa}, "
                f"Swerling {self.swerling}")

    def as_dict(self) -> dict:
        return {
            "pd": self.pd,
            "pfa": self.pfa,
            "swerling": self.swerling,
            "looks": self.looks,
            "snr_required_db_per_look": self.snr_required_db,
            "look_pd_threshold": self.look_pd_threshold,
            "text": self.describe(),
            "is_default": self == DEFAULT_CONVENTION,
            "note": "the criterion behind every range, coverage and first-detection time shown; the default is "
                    "the one the radar presets were calibrated with (radars.yaml)",
        }

    def applied_to(self, radar):
        """The radar with this convention's P_fa (the kernels read the radar's)."""
        return radar if radar.pfa == self.pfa else radar.with_(pfa=float(self.pfa))

    @classmethod
    def legacy(cls, pd_threshold: float | None, swerling: int | None, pfa: float | None = None,
               base: DetectionConvention | None = None) -> DetectionConvention:
        """A convention from the older keyword pair (``pd_threshold``, ``swerling``)."""
        base = base or DEFAULT_CONVENTION
        return cls(pd=base.pd if pd_threshold is None else float(pd_threshold),
                   pfa=base.pfa if pfa is None else float(pfa),
                   swerling=base.swerling if swerling is None else int(swerling), looks=base.looks)


def _short(x: float) -> str:
    """1e-06 -> 1e-6 (the way the sources write it)."""
    text = f"{x:g}"
    if "e" in text:
        mant, exp = text.split("e")
        text = f"{mant}e{int(exp)}"
    return text


@functools.lru_cache(maxsize=256)
def _snr_required(pd: float, pfa: float, swerling: int, looks: int) -> float:
    from thaadsim.sensors.detection import snr_required_exact

    return float(snr_required_exact(pd, pfa, swerling, looks))


@functools.lru_cache(maxsize=256)
def _look_pd(snr: float, pfa: float, swerling: int) -> float:
    from thaadsim.sensors.detection import pd_exact

    return float(pd_exact(snr, pfa, swerling, 1))


DEFAULT_CONVENTION = DetectionConvention()
"""The calibration's criterion: Pd 0.9 per look, P_fa 1e-6, Swerling 1, one look."""


def resolve(convention: DetectionConvention | None = None, *, pd_threshold: float | None = None,
            swerling: int | None = None) -> DetectionConvention:
    """The convention to use: the one given, else the older keywords over the default."""
    if convention is not None:
        if pd_threshold is not None or swerling is not None:
            raise InputError("give a detection convention or pd_threshold/swerling, not both", field="convention")
        return convention
    if pd_threshold is None and swerling is None:
        return DEFAULT_CONVENTION
    return DetectionConvention.legacy(pd_threshold, swerling)


__all__ = ["DEFAULT_CONVENTION", "DetectionConvention", "resolve"]
