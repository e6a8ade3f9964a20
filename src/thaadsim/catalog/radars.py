"""Radar records: every parameter declared once — type, unit, doc — and sourced in the data.

The data file is ``catalog/data/radars.yaml``; each number there is a
:class:`~thaadsim.catalog.records.Sourced` value (figure, source, band, note,
``assumed``).  Units are in the field names, as published (GHz, kW, dB, km, deg); the
sensors room converts to SI (:class:`thaadsim.sensors.radar.RadarModel`).

A radar has hardware (frequency, aperture, power, noise, losses, measurement floors)
and one or more *modes* (how the hardware's time is spent: a search over a solid
angle in a frame time — the power–aperture form — or a dwell of coherently
integrated pulses — the track form), each with its face geometry, elevation and scan
limits, false-alarm probability, revisit interval, and the range figures the open
literature quotes for it, with the criterion used to compare against them.
"""

from __future__ import annotations

import functools
from typing import Literal

from pydantic import Field, field_validator, model_validator

from thaadsim.catalog.loader import _load, normalise_key
from thaadsim.catalog.records import Sourced, _check_key, _Record
from thaadsim.errors import UnknownNameError


def _param(doc: str, unit: str, **kw):
    """A declared parameter: its one-line doc and unit travel into the schema and CLI help."""
    return Field(description=f"{doc} [{unit}]", json_schema_extra={"unit": unit}, **kw)


class RangeQuote(_Record):
    """A detection range published for the radar, with what the source says it means.

    ``target`` and ``target_rcs_m2`` say what the source states the target is (None:
    not stated); ``convention`` the detection criterion it states (Pd, P_fa, SNR; None:
    not stated).  ``range_high_km`` is the upper end of a quoted span; ``approximate``
    marks an "about"/"approximately" figure; ``lower_bound`` a "beyond X km".  ``role``
    is ``calibration`` when an assumed parameter was chosen to reproduce the quote.
    """

    range_km: float = _param("quoted detection range (lower end of a span)", "km", gt=0)
    range_high_km: float | None = _param("upper end of a quoted span", "km", default=None, gt=0)
    approximate: bool = Field(False, description="the source says 'about' or 'approximately'")
    lower_bound: bool = Field(False, description="the source says 'beyond' or 'more than' the range")
    mode: Literal["terminal", "forward-based"] = Field(description="radar mode the quote is for")
    target: str | None = Field(None, description="the target as the source describes it; null: not stated")
    target_rcs_m2: float | None = _param("target cross-section the source states", "m^2", default=None, gt=0)
    convention: str | None = Field(None, description="detection criterion the source states; null: not stated")
    role: Literal["calibration", "check"]
    source: str = Field(min_length=1, description="who publishes it (document, date, page)")
    checked: bool = Field(description="the figure was read in the document (or a copy of it)")
    note: str | None = None

    @model_validator(mode="after")
    def _span(self) -> RangeQuote:
        if self.range_high_km is not None and self.range_high_km < self.range_km:
            raise ValueError(f"range_high_km {self.range_high_km:g} is below range_km {self.range_km:g}")
        return self


class RadarMode(_Record):
    """One operating mode: geometry, limits, time budget, and the quoted ranges."""

    key: str
    description: str = Field(min_length=1)
    form: Literal["search", "dwell"] = Field(
        description="'search': power–aperture form over a solid angle in a frame time; "
        "'dwell': n coherently integrated pulses (track form)"
    )
    boresight_az_deg: Sourced = _param("face boresight azimuth, clockwise from north", "deg")
    tilt_deg: Sourced = _param("face tilt: elevation of the face normal above the horizontal", "deg")
    extra_face_offsets_deg: list[float] = Field(
        default_factory=list,
        description="azimuth offsets of further faces from the first [deg] (empty: one face)",
    )
    scan_limit_deg: Sourced = _param("largest beam-steering angle off a face normal (≤ 90)", "deg")
    min_elevation_deg: Sourced = _param("lowest elevation the radar radiates or accepts", "deg")
    instrumented_range_km: Sourced = _param("largest range processed; the false-alarm range window", "km")
    search_az_half_width_deg: Sourced = _param("search sector half-width in azimuth about boresight", "deg")
    search_el_max_deg: Sourced = _param("top of the search sector (bottom: min elevation)", "deg")
    frame_time_s: Sourced | None = _param("search frame time (search form)", "s", default=None)
    n_pulses: Sourced | None = _param("pulses per dwell, integrated coherently (dwell form)", "-", default=None)
    pulse_width_ms: Sourced | None = _param("pulse width (dwell form)", "ms", default=None)
    prf_hz: Sourced | None = _param("pulse repetition frequency (dwell form)", "Hz", default=None)
    revisit_s: Sourced = _param("interval between looks at a target", "s")
    pfa: Sourced = _param("false-alarm probability per resolution cell", "-")
    bandwidth_mhz: Sourced = _param("waveform bandwidth: range resolution c/(2B)", "MHz")
    reference_rcs_m2: Sourced = _param("cross-section the quoted ranges are compared at", "m^2")
    reference_pd: Sourced = _param("detection probability defining 'detection range'", "-")
    reference_swerling: Sourced = _param("Swerling case of the reference target", "-")

    @field_validator("key")
    @classmethod
    def _valid_key(cls, v: str) -> str:
        return _check_key(v)

    @model_validator(mode="after")
    def _check(self) -> RadarMode:
        if self.form == "search" and self.frame_time_s is None:
            raise ValueError(f"mode {self.key}: the search form needs frame_time_s")
        if self.form == "dwell" and None in (self.n_pulses, self.pulse_width_ms, self.prf_hz):
            raise ValueError(f"mode {self.key}: the dwell form needs n_pulses, pulse_width_ms and prf_hz")
        if not 0.0 < self.scan_limit_deg.value <= 90.0:
            raise ValueError(f"mode {self.key}: scan_limit_deg must lie in (0, 90]")
        if not 0.0 < self.pfa.value < 1.0:
            raise ValueError(f"mode {self.key}: pfa must lie in (0, 1)")
        if not 0.0 < self.reference_pd.value < 1.0:
            raise ValueError(f"mode {self.key}: reference_pd must lie in (0, 1)")
        if self.reference_swerling.value not in (0, 1, 2, 3, 4):
            raise ValueError(f"mode {self.key}: reference_swerling must be 0..4")
        return self


class Radar(_Record):
    """A radar's hardware and its modes."""

    key: str
    name: str = Field(min_length=1)
    description: str = Field(min_length=1)
    default_site: str | None = Field(default=None, description="catalog site key where it is deployed")
    frequency_ghz: Sourced = _param("carrier frequency", "GHz")
    aperture_area_m2: Sourced = _param("physical antenna area", "m^2")
    aperture_efficiency: Sourced = _param("effective over physical aperture", "-")
    average_power_kw: Sourced = _param("average radiated power", "kW")
    noise_temperature_k: Sourced = _param("system noise temperature", "K")
    losses_db: Sourced = _param("system losses (all but scan loss)", "dB")
    scan_loss_exponent: Sourced = _param("two-way gain ∝ cos^m(off-boresight angle)", "-")
    beamwidth_factor: Sourced = _param("θ_3dB = factor · λ / D, D = √(area)", "-")
    monopulse_slope: Sourced = _param("k_m in σ_angle = θ_3dB / (k_m √(2 SNR))", "-")
    range_sigma_floor_m: Sourced = _param("bias-free range noise floor", "m")
    angle_sigma_floor_mrad: Sourced = _param("bias-free angle noise floor", "mrad")
    range_rate_sigma_floor_m_s: Sourced = _param("bias-free range-rate noise floor", "m/s")
    refraction_k: Sourced = _param("effective-Earth factor for rays in the lower atmosphere", "-")
    refraction_ceiling_km: Sourced = _param("rays with both ends below this are refracted", "km")
    modes: list[RadarMode] = Field(min_length=1)
    range_quotes: list[RangeQuote] = Field(default_factory=list, description=(
        "published detection ranges with the target and criterion each source states"))

    @field_validator("key")
    @classmethod
    def _valid_key(cls, v: str) -> str:
        return _check_key(v)

    @model_validator(mode="after")
    def _check(self) -> Radar:
        for name in ("frequency_ghz", "aperture_area_m2", "average_power_kw", "noise_temperature_k"):
            if not getattr(self, name).value > 0:
                raise ValueError(f"{name} must be > 0")
        if not 0.0 < self.aperture_efficiency.value <= 1.0:
            raise ValueError("aperture_efficiency must lie in (0, 1]")
        keys = [m.key for m in self.modes]
        if len(set(keys)) != len(keys):
            raise ValueError(f"duplicate mode keys in {keys}")
        for q in self.range_quotes:
            if q.mode not in keys:
                raise ValueError(f"range quote from {q.source!r}: no mode {q.mode!r} (modes: {', '.join(keys)})")
        return self

    def quotes(self, mode: str) -> list[RangeQuote]:
        """The published range quotes for one mode."""
        key = self.mode(mode).key
        return [q for q in self.range_quotes if q.mode == key]

    def mode(self, name: str, *, field: str = "--mode") -> RadarMode:
        """The mode ``name``; UnknownNameError with the closest keys otherwise."""
        key = normalise_key(name)
        for m in self.modes:
            if m.key == key:
                return m
        raise UnknownNameError("mode", name, [m.key for m in self.modes], field=field)

    @property
    def mode_keys(self) -> list[str]:
        return [m.key for m in self.modes]


@functools.cache
def _radars() -> dict[str, Radar]:
    return _load("radars.yaml", "radars", Radar)


def radars() -> dict[str, Radar]:
    """All catalog radars by key."""
    return dict(_radars())


def radar(name: str, *, field: str = "--radar") -> Radar:
    """The radar with key ``name`` (case-insensitive); UnknownNameError otherwise."""
    key = normalise_key(name)
    table = _radars()
    if key not in table:
        raise UnknownNameError("radar", name, table.keys(), field=field)
    return table[key]


__all__ = ["Radar", "RadarMode", "RangeQuote", "radar", "radars"]
