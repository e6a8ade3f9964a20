"""A battery in SI units: where it stands, what it fires, how many, and its doctrine timings."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

from thaadsim.catalog.interceptors import battery as battery_record
from thaadsim.catalog.loader import Location, resolve_location
from thaadsim.defense.interceptor import InterceptorModel
from thaadsim.errors import InputError
from thaadsim.flight.vehicle import assumed_values


@dataclass(frozen=True)
class Battery:
    """One battery: site (geodetic degrees, metres), interceptor model, inventory, timings."""

    name: str
    lat_deg: float
    lon_deg: float
    alt_m: float
    interceptor: InterceptorModel
    inventory: int
    """Interceptors on the launchers [-]."""
    reload_s: float = 0.0
    """Launcher reload time: a launcher that has fired all its rounds is full again this
    long after its last round; 0 = no reload, the inventory is final [s]."""
    kill_assessment_s: float = 10.0
    """Delay after an intercept before a look-shot can be committed [s]."""
    p_detect: float = 1.0
    """Probability a warhead is detected, tracked and discriminated [-]."""
    reliability: float = 1.0
    """Probability the battery as a whole works (R_sys) [-]."""
    assumptions: tuple[str, ...] = field(default=(), compare=False)
    launchers: int = 1
    """Launchers the inventory is spread over, evenly (rounds per launcher = inventory / launchers) [-]."""

    def __post_init__(self) -> None:
        if not (isinstance(self.inventory, int) and self.inventory >= 0):
            raise InputError(f"{self.inventory} is not a whole number of interceptors", field="inventory")
        if not (isinstance(self.launchers, int) and self.launchers >= 1):
            raise InputError(f"{self.launchers} is not a whole number of launchers >= 1", field="launchers")
        for name in ("p_detect", "reliability"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise InputError(f"{value} is not a probability in [0, 1]", field=name)
        for name in ("reload_s", "kill_assessment_s"):
            value = getattr(self, name)
            if not (math.isfinite(value) and value >= 0):
                raise InputError(f"must be zero or positive, got {value}", field=name)

    @classmethod
    def from_catalog(cls, key: str = "thaad-battery", site: str | Location | None = None,
                     interceptor: InterceptorModel | None = None, **overrides) -> Battery:
        """The catalog battery at its default site (or ``site``: a key or 'LAT,LON[,ALT]')."""
        rec = battery_record(key)
        if site is None:
            site = rec.default_site or ""
        loc = site if isinstance(site, Location) else resolve_location(site, "--battery-site")
        model = interceptor or InterceptorModel.from_catalog(rec.interceptor)
        assumed = tuple(f"{rec.key}: {p} = {v.value:g} ({v.note or v.source})" for p, v in assumed_values(rec))
        out = cls(name=rec.key, lat_deg=loc.lat_deg, lon_deg=loc.lon_deg, alt_m=loc.alt_m, interceptor=model,
                  inventory=rec.inventory, reload_s=rec.reload_s.value, kill_assessment_s=rec.kill_assessment_s.value,
                  p_detect=rec.p_detect.value, reliability=rec.reliability.value,
                  assumptions=assumed + model.assumptions, launchers=int(rec.launchers.value))
        return replace(out, **overrides) if overrides else out

    def with_(self, **changes) -> Battery:
        return replace(self, **changes)


__all__ = ["Battery"]
