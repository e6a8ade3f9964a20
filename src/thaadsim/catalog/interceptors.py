"""Interceptor and battery records: every parameter declared once — type, unit, doc — and
sourced in the data.

The data file is ``catalog/data/interceptors.yaml``; each number there is a
:class:`~thaadsim.catalog.records.Sourced` value (figure, source, band, note,
``assumed``).  Units are in the field names as published (m, kg, s, km, km/s); the
defense room converts to SI (:class:`thaadsim.defense.interceptor.InterceptorModel`).
"""

from __future__ import annotations

import functools

from pydantic import Field, field_validator, model_validator

from thaadsim.catalog.loader import CatalogDataError, _load, normalise_key
from thaadsim.catalog.records import Sourced, _check_key, _Record
from thaadsim.errors import UnknownNameError


def _param(doc: str, unit: str, **kw):
    """A declared parameter: its one-line doc and unit travel into the schema and CLI help."""
    return Field(description=f"{doc} [{unit}]", json_schema_extra={"unit": unit}, **kw)


class Interceptor(_Record):
    """A single-stage hit-to-kill interceptor: booster, kill vehicle, envelope, endgame."""

    key: str
    name: str = Field(min_length=1)
    country: str = Field(min_length=1)
    kill_mechanism: str = Field(min_length=1, description="how the interceptor kills")
    # --- airframe and booster
    length_m: Sourced = _param("overall length", "m")
    diameter_m: Sourced = _param("booster diameter; sets the boost drag reference area", "m")
    launch_mass_kg: Sourced = _param("mass at lift-off", "kg")
    kill_vehicle_mass_kg: Sourced = _param("mass flying on after booster separation (kill vehicle + shroud)", "kg")
    kill_vehicle_beta_kg_m2: Sourced = _param("ballistic coefficient m/(Cd A) of the kill vehicle after booster "
                                              "separation", "kg/m^2")
    separation_alt_km: Sourced = _param("altitude at which the kill vehicle leaves the spent booster; below it the "
                                        "two coast as one stack with the booster's drag", "km")
    propellant_mass_kg: Sourced = _param("booster propellant (the rest of the stage is dry mass)", "kg")
    burn_time_s: Sourced = _param("booster burn duration at constant mass flow", "s")
    isp_sl_s: Sourced = _param("specific impulse at sea level", "s")
    isp_vac_s: Sourced = _param("specific impulse in vacuum", "s")
    vertical_rise_s: Sourced = _param("vertical rise before the pitch-over", "s")
    pitchover_s: Sourced = _param("duration of the pitch-over kick", "s")
    burnout_speed_km_s: Sourced = _param("burnout speed quoted in the open literature", "km/s")
    burnout_reference_kick_deg: Sourced = _param("pitch-over kick of the fly-out the burnout speed is read on", "deg")
    # --- engagement envelope
    min_intercept_alt_km: Sourced = _param("lowest intercept altitude", "km")
    max_intercept_alt_km: Sourced = _param("highest intercept altitude", "km")
    max_range_km: Sourced = _param("largest intercept ground range from the battery", "km")
    max_flyout_s: Sourced = _param("longest fly-out time accepted", "s")
    max_threat_speed_km_s: Sourced = _param("fastest target speed the kill vehicle engages", "km/s")
    # --- endgame
    lethal_radius_m: Sourced = _param("miss distance below which the target is killed", "m")
    navigation_gain: Sourced = _param("effective navigation ratio N' of proportional navigation", "-")
    max_lateral_accel_m_s2: Sourced = _param("kill-vehicle lateral (divert) acceleration limit", "m/s^2")
    guidance_time_constant_s: Sourced = _param("first-order lag of achieved to commanded acceleration", "s")
    handover_time_to_go_s: Sourced = _param("time to go at seeker acquisition, when homing starts", "s")
    handover_sigma_pos_m: Sourced = _param("default 1-sigma handover position error per axis", "m")
    handover_sigma_vel_m_s: Sourced = _param("default 1-sigma handover velocity error per axis", "m/s")
    sspk: Sourced = _param("stated single-shot kill probability (simpler endgame level)", "-")

    @field_validator("key")
    @classmethod
    def _valid_key(cls, v: str) -> str:
        return _check_key(v)

    @model_validator(mode="after")
    def _check(self) -> Interceptor:
        for name in type(self).model_fields:
            value = getattr(self, name)
            may_be_zero = name in ("burnout_reference_kick_deg", "vertical_rise_s")
            if isinstance(value, Sourced) and not may_be_zero and not value.value > 0:
                raise ValueError(f"{name} must be > 0, got {value.value}")
        if self.propellant_mass_kg.value + self.kill_vehicle_mass_kg.value >= self.launch_mass_kg.value:
            raise ValueError("propellant and kill vehicle outweigh the launch mass: no booster dry mass is left")
        if self.isp_vac_s.value < self.isp_sl_s.value:
            raise ValueError("isp_vac_s is below isp_sl_s")
        if self.vertical_rise_s.value + self.pitchover_s.value >= self.burn_time_s.value:
            raise ValueError("vertical rise and pitch-over outlast the burn")
        if self.vertical_rise_s.value < 0:
            raise ValueError("vertical_rise_s must be >= 0")
        if not self.min_intercept_alt_km.value < self.max_intercept_alt_km.value:
            raise ValueError("min_intercept_alt_km must be below max_intercept_alt_km")
        if not 0.0 < self.sspk.value <= 1.0:
            raise ValueError("sspk must lie in (0, 1]")
        if not 0.0 <= self.burnout_reference_kick_deg.value < 90.0:
            raise ValueError("burnout_reference_kick_deg must lie in [0, 90)")
        return self

    @property
    def dry_mass_kg(self) -> float:
        """Booster dry mass: launch mass minus propellant and kill vehicle [kg]."""
        return self.launch_mass_kg.value - self.propellant_mass_kg.value - self.kill_vehicle_mass_kg.value


class Battery(_Record):
    """A battery: launchers of one interceptor type, a radar, a fire-control doctrine's timings."""

    key: str
    name: str = Field(min_length=1)
    interceptor: str = Field(description="catalog interceptor key")
    radar: str = Field(description="catalog radar key")
    default_site: str | None = Field(default=None, description="catalog site key where it is deployed")
    launchers: Sourced = _param("launchers in the battery", "-")
    interceptors_per_launcher: Sourced = _param("interceptors loaded on each launcher", "-")
    reload_s: Sourced = _param("launcher reload time; 0 = no reload during an engagement", "s")
    kill_assessment_s: Sourced = _param("delay after an intercept before a look-shot can be committed", "s")
    p_detect: Sourced = _param("probability a warhead is detected, tracked and discriminated", "-")
    reliability: Sourced = _param("probability the battery as a whole works (R_sys)", "-")

    @field_validator("key")
    @classmethod
    def _valid_key(cls, v: str) -> str:
        return _check_key(v)

    @model_validator(mode="after")
    def _check(self) -> Battery:
        for name in ("launchers", "interceptors_per_launcher"):
            v = getattr(self, name).value
            if not (v >= 1 and v == int(v)):
                raise ValueError(f"{name} must be a positive whole number, got {v}")
        for name in ("p_detect", "reliability"):
            if not 0.0 <= getattr(self, name).value <= 1.0:
                raise ValueError(f"{name} must lie in [0, 1]")
        for name in ("reload_s", "kill_assessment_s"):
            if getattr(self, name).value < 0:
                raise ValueError(f"{name} must be >= 0")
        return self

    @property
    def inventory(self) -> int:
        """Interceptors on the launchers [-]."""
        return int(self.launchers.value) * int(self.interceptors_per_launcher.value)


@functools.cache
def _interceptors() -> dict[str, Interceptor]:
    return _load("interceptors.yaml", "interceptors", Interceptor)


@functools.cache
def _batteries() -> dict[str, Battery]:
    table = _load("interceptors.yaml", "batteries", Battery)
    for b in table.values():
        if b.interceptor not in _interceptors():
            raise CatalogDataError(f"battery '{b.key}' names unknown interceptor '{b.interceptor}'")
    return table


def interceptors() -> dict[str, Interceptor]:
    """All catalog interceptors by key."""
    return dict(_interceptors())


def batteries() -> dict[str, Battery]:
    """All catalog batteries by key."""
    return dict(_batteries())


def interceptor(name: str, *, field: str = "--interceptor") -> Interceptor:
    """The interceptor with key ``name`` (case-insensitive); UnknownNameError otherwise."""
    table = _interceptors()
    key = normalise_key(name)
    if key not in table:
        raise UnknownNameError("interceptor", name, table.keys(), field=field)
    return table[key]


def battery(name: str, *, field: str = "--battery") -> Battery:
    """The battery with key ``name`` (case-insensitive); UnknownNameError otherwise."""
    table = _batteries()
    key = normalise_key(name)
    if key not in table:
        raise UnknownNameError("battery", name, table.keys(), field=field)
    return table[key]


__all__ = ["Battery", "Interceptor", "batteries", "battery", "interceptor", "interceptors"]
