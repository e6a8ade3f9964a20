"""Published range quotes read back through the preset: which target would each one mean?

A quoted detection range says nothing until its target and criterion are known, and
none of the sources we hold states either (``catalog/data/radars.yaml``,
``range_quotes``).  Here each quote is turned around: with the preset's range equation
(free space, boresight: SNR = K σ / R⁴) and a detection convention, the cross-section
that the preset detects at exactly the quoted range is σ = SNR_req R⁴ / K.  A quoted
span gives a band; an "about" figure is read as ±:data:`APPROXIMATE_SPAN` (a named
assumption); a "beyond X km" gives a lower bound only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from thaadsim.catalog.radars import Radar, RangeQuote
from thaadsim.catalog.radars import radar as catalog_radar
from thaadsim.sensors.convention import DEFAULT_CONVENTION, DetectionConvention
from thaadsim.sensors.radar import RadarModel

APPROXIMATE_SPAN = 0.10
"""An "about"/"approximately" range is read as ±10 % (assumed: no source gives its rounding)."""


@dataclass(frozen=True)
class QuoteReading:
    """One quote, and the cross-section band [m²] that reproduces it with the preset."""

    quote: RangeQuote
    range_low_km: float
    range_high_km: float
    rcs_m2: float
    rcs_low_m2: float
    rcs_high_m2: float
    """math.inf for a lower-bound quote."""
    preset_range_1m2_km: float
    convention: DetectionConvention

    def as_dict(self) -> dict:
        q = self.quote
        return {
            "range_km": q.range_km, "range_high_km": q.range_high_km, "mode": q.mode,
            "approximate": q.approximate, "lower_bound": q.lower_bound,
            "target": q.target or "not stated",
            "target_rcs_m2": q.target_rcs_m2,
            "convention": q.convention or "not stated",
            "role": q.role, "source": q.source, "checked": q.checked, "note": q.note,
            "reads_as_km": [self.range_low_km, self.range_high_km],
            "implied_rcs_m2": self.rcs_m2,
            "implied_rcs_band_m2": [self.rcs_low_m2, None if math.isinf(self.rcs_high_m2) else self.rcs_high_m2],
            "preset_range_for_1m2_km": self.preset_range_1m2_km,
            "detection_convention": self.convention.describe(),
        }


def rcs_for_range_m2(model: RadarModel, range_m: float, convention: DetectionConvention) -> float:
    """Cross-section [m²] the preset detects at exactly ``range_m`` (free space, boresight)."""
    return convention.snr_required * float(range_m) ** 4 / model.k_snr_m2


def read_quote(q: RangeQuote, model: RadarModel, convention: DetectionConvention) -> QuoteReading:
    lo = q.range_km
    hi = q.range_high_km if q.range_high_km is not None else q.range_km
    if q.approximate:
        lo, hi = lo * (1.0 - APPROXIMATE_SPAN), hi * (1.0 + APPROXIMATE_SPAN)
    centre = math.sqrt(lo * hi) if q.range_high_km is not None else q.range_km
    sigma = rcs_for_range_m2(model, centre * 1e3, convention)
    s_lo = rcs_for_range_m2(model, lo * 1e3, convention)
    s_hi = math.inf if q.lower_bound else rcs_for_range_m2(model, hi * 1e3, convention)
    r1 = float(model.free_space_range_m(1.0, convention.snr_required)) / 1e3
    return QuoteReading(q, lo, math.inf if q.lower_bound else hi, sigma, s_lo, s_hi, r1, convention)


def read_quotes(radar: str | Radar = "an-tpy-2", mode: str | None = None,
                convention: DetectionConvention = DEFAULT_CONVENTION) -> list[QuoteReading]:
    """Every quote of the radar (or of one mode), read at ``convention``."""
    rec = catalog_radar(radar) if isinstance(radar, str) else radar
    models: dict[str, RadarModel] = {}
    out = []
    for q in rec.range_quotes:
        if mode is not None and q.mode != rec.mode(mode).key:
            continue
        if q.mode not in models:
            models[q.mode] = convention.applied_to(RadarModel.from_catalog(rec, q.mode))
        out.append(read_quote(q, models[q.mode], convention))
    return out


__all__ = ["APPROXIMATE_SPAN", "QuoteReading", "rcs_for_range_m2", "read_quote", "read_quotes"]
