"""Typed catalog records: sites, missiles and their stages, historical flight tests.

Every number in the catalog is a :class:`Sourced` value: the number, the short
citation it comes from, and — where sources disagree — a ``low``/``high`` band with
a note saying which value was chosen and why.  A parameter nobody publishes is
marked ``assumed: true`` and its note says why the value was chosen.  Each source
text has a :class:`SourceCheck` record (``data/source_checks.yaml``) saying how it was
checked against its document; :attr:`Sourced.check_status` reads it.

Units are in the field names (``_kg``, ``_s``, ``_m``, ``_deg``, ``_km``,
``_kg_m2``); the records hold them as published, and the flight room converts.
All records are frozen and reject unknown fields, so a typo in the data files is
an error at load time rather than a silently ignored number.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from thaadsim.catalog.statuses import CHECK_STATUSES, CheckStatus
from thaadsim.earth.constants import G0_M_S2

KEY_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
"""Catalog keys: lowercase letters and digits in hyphen-separated words."""



class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def _check_key(value: str) -> str:
    if not KEY_PATTERN.match(value):
        raise ValueError(f"key {value!r} must be lowercase words joined by hyphens (e.g. 'hwasong-15')")
    return value


class Sourced(_Record):
    """A number with its source.

    ``value`` is the figure the simulator uses; ``low``/``high`` bound what the
    sources say (or a plausible band for an assumption); ``note`` says which value
    was chosen and why; ``assumed`` marks a parameter no open source publishes.
    """

    value: float
    source: str = Field(min_length=1)
    low: float | None = None
    high: float | None = None
    note: str | None = None
    assumed: bool = False

    @field_validator("source")
    @classmethod
    def _source_not_blank(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("source must not be blank")
        return v.strip()

    @model_validator(mode="after")
    def _check_band(self) -> Sourced:
        for name in ("value", "low", "high"):
            number = getattr(self, name)
            if number is not None and not math.isfinite(number):
                raise ValueError(f"{name} must be finite, got {number}")
        if self.low is not None and self.low > self.value:
            raise ValueError(f"low {self.low} is above value {self.value}")
        if self.high is not None and self.high < self.value:
            raise ValueError(f"high {self.high} is below value {self.value}")
        if self.assumed and not (self.note and self.note.strip()):
            raise ValueError("an assumed value needs a note saying why it was chosen")
        return self

    def __float__(self) -> float:
        return float(self.value)

    @property
    def check_status(self) -> str:
        """How this number's source was checked against the document it cites.

        'assumed' for an assumed value; otherwise the status of the source's record in
        ``catalog/data/source_checks.yaml`` (see :data:`CHECK_STATUSES`).
        """
        from thaadsim.catalog.loader import source_status  # the loader sits above the records

        return source_status(self.source, self.assumed)



UNREGISTERED = "unregistered"
"""Status of a source text from outside the catalog (a command-line override, say): the
catalog itself cannot hold one, its loader refuses it."""

_NOTHING_SEEN = "—"


class SourceCheck(_Record):
    """What one cited source was checked against, and what was found.

    ``cites`` lists the exact source texts of the catalog that this record covers;
    ``seen`` quotes what the document says (``—`` when nothing was read);
    ``not_seen`` the cited figures the document did not show; ``discrepancies``
    where it gives another figure than the catalog; ``correction`` a citation text
    that was or should be corrected.
    """

    key: str
    cites: list[str] = Field(min_length=1)
    document: str = Field(min_length=1)
    status: CheckStatus
    checked: str = Field(min_length=1)
    seen: str = Field(min_length=1)
    where: str | None = None
    not_seen: list[str] = Field(default_factory=list)
    discrepancies: list[str] = Field(default_factory=list)
    correction: str | None = None
    checked_on: _dt.date

    @field_validator("key")
    @classmethod
    def _valid_key(cls, v: str) -> str:
        return _check_key(v)

    @model_validator(mode="after")
    def _consistent(self) -> SourceCheck:
        read = self.status in ("checked", "partly-checked")
        if read and (not self.where or self.seen.strip() == _NOTHING_SEEN):
            raise ValueError(f"status {self.status} needs 'where' the document was read and what was 'seen' in it")
        if self.status == "partly-checked" and not self.not_seen:
            raise ValueError("status partly-checked needs 'not_seen': the cited figures the document did not show")
        if self.status == "not-found" and not self.discrepancies:
            raise ValueError("status not-found needs 'discrepancies': what was searched for and what was found instead")
        return self

    def as_dict(self) -> dict:
        return self.model_dump(mode="json")


def _positive(field: str, s: Sourced) -> Sourced:
    if not s.value > 0:
        raise ValueError(f"{field} must be > 0, got {s.value}")
    if s.low is not None and not s.low > 0:
        raise ValueError(f"{field}: low bound must be > 0, got {s.low}")
    return s


SiteKind = Literal["launch", "battery", "candidate-battery", "target", "base", "city"]


class Site(_Record):
    """A place on the WGS-84 ellipsoid: launch site, battery, base, target or city.

    ``lat_deg``/``lon_deg`` are geodetic degrees (north/east positive), ``alt_m`` the
    height above the ellipsoid's mean sea level in metres.  In the data files the
    three may be bare numbers when ``position_source`` names their common source.
    """

    key: str
    name: str = Field(min_length=1)
    kind: SiteKind
    country: str = Field(min_length=1)
    lat_deg: Sourced
    lon_deg: Sourced
    alt_m: Sourced
    position_source: str | None = None
    note: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _expand_bare_numbers(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        data = dict(data)
        shared = data.get("position_source")
        for name in ("lat_deg", "lon_deg", "alt_m"):
            raw = data.get(name)
            if isinstance(raw, int | float) and not isinstance(raw, bool):
                if not shared:
                    raise ValueError(f"{name} is a bare number but the site has no position_source")
                data[name] = {"value": float(raw), "source": shared}
        return data

    @field_validator("key")
    @classmethod
    def _valid_key(cls, v: str) -> str:
        return _check_key(v)

    @model_validator(mode="after")
    def _check_position(self) -> Site:
        if not -90.0 <= self.lat_deg.value <= 90.0:
            raise ValueError(f"lat_deg {self.lat_deg.value} outside [-90, 90]")
        if not -180.0 <= self.lon_deg.value <= 180.0:
            raise ValueError(f"lon_deg {self.lon_deg.value} outside [-180, 180]")
        if not -500.0 <= self.alt_m.value <= 9000.0:
            raise ValueError(f"alt_m {self.alt_m.value} is not a ground altitude in metres")
        return self


class Stage(_Record):
    """One rocket stage.

    Masses in kg (``dry_mass_kg`` is everything that is dropped at staging, without
    propellant); ``burn_time_s`` the burn duration at constant mass flow; specific
    impulse in seconds at sea level and in vacuum; ``diameter_m`` sets the drag
    reference area; ``coast_before_s`` is the unpowered coast between the previous
    stage's burnout and this stage's ignition (0 for stage 1).
    """

    propellant_mass_kg: Sourced
    dry_mass_kg: Sourced
    burn_time_s: Sourced
    isp_sl_s: Sourced
    isp_vac_s: Sourced
    diameter_m: Sourced
    coast_before_s: Sourced

    @model_validator(mode="after")
    def _check_physics(self) -> Stage:
        _positive("propellant_mass_kg", self.propellant_mass_kg)
        _positive("dry_mass_kg", self.dry_mass_kg)
        _positive("burn_time_s", self.burn_time_s)
        _positive("isp_sl_s", self.isp_sl_s)
        _positive("diameter_m", self.diameter_m)
        if self.isp_vac_s.value < self.isp_sl_s.value:
            raise ValueError(
                f"isp_vac_s {self.isp_vac_s.value} is below isp_sl_s {self.isp_sl_s.value}: "
                "a nozzle gives more impulse in vacuum than at sea level"
            )
        if self.coast_before_s.value < 0:
            raise ValueError(f"coast_before_s must be >= 0, got {self.coast_before_s.value}")
        return self

    @property
    def mass_fraction(self) -> float:
        """Propellant mass over stage mass (propellant + dry) [-]."""
        p = self.propellant_mass_kg.value
        return p / (p + self.dry_mass_kg.value)

    @property
    def mass_flow_kg_s(self) -> float:
        """Mean propellant mass flow [kg/s]."""
        return self.propellant_mass_kg.value / self.burn_time_s.value

    @property
    def thrust_sl_n(self) -> float:
        """Sea-level thrust implied by mass flow and sea-level Isp [N]."""
        return self.mass_flow_kg_s * self.isp_sl_s.value * G0_M_S2

    @property
    def thrust_vac_n(self) -> float:
        """Vacuum thrust implied by mass flow and vacuum Isp [N]."""
        return self.mass_flow_kg_s * self.isp_vac_s.value * G0_M_S2


MissileClass = Literal["SRBM", "MRBM", "IRBM", "ICBM", "SLBM"]


class Missile(_Record):
    """An open-literature model of a ballistic missile.

    ``payload_mass_kg`` is what flies on after the final burnout (the reentry
    vehicle, or warhead section); ``rv_beta_kg_m2`` is the ballistic coefficient
    m / (Cd A) of the object that reenters; ``vertical_rise_s`` the time from
    lift-off before the pitch-over starts; ``published_range_km`` the maximum range
    the open literature gives, with its spread in ``low``/``high``.
    ``published_launch_mass_kg``, where a source gives one, lets a reader check the
    stage model's total.
    """

    key: str
    name: str = Field(min_length=1)
    country: str = Field(min_length=1)
    missile_class: MissileClass
    propellant: Literal["liquid", "solid"]
    stages: list[Stage] = Field(min_length=1, max_length=3)
    payload_mass_kg: Sourced
    rv_beta_kg_m2: Sourced
    vertical_rise_s: Sourced
    published_range_km: Sourced
    published_launch_mass_kg: Sourced | None = None
    propellant_scale: Sourced | None = None
    """Calibration: the propellant the flight model burns per kg of the stage figures above,
    the difference moved to or from dry mass (stage masses unchanged) and burn times
    scaled with it (same engine mass flow).  Fitted so that the model's minimum-energy
    range equals ``published_range_km``; 1 when absent."""
    note: str | None = None

    @field_validator("key")
    @classmethod
    def _valid_key(cls, v: str) -> str:
        return _check_key(v)

    @model_validator(mode="after")
    def _check_physics(self) -> Missile:
        if self.propellant_scale is not None and not 0.7 <= self.propellant_scale.value <= 1.2:
            raise ValueError(f"propellant_scale {self.propellant_scale.value} outside [0.7, 1.2]: refit the model")
        _positive("payload_mass_kg", self.payload_mass_kg)
        _positive("rv_beta_kg_m2", self.rv_beta_kg_m2)
        _positive("published_range_km", self.published_range_km)
        if self.vertical_rise_s.value < 0:
            raise ValueError(f"vertical_rise_s must be >= 0, got {self.vertical_rise_s.value}")
        if self.stages[0].coast_before_s.value != 0:
            raise ValueError("stage 1 has no coast before ignition: coast_before_s must be 0")
        return self

    @property
    def launch_mass_kg(self) -> float:
        """Sum of all stage masses and the payload [kg]."""
        return self.payload_mass_kg.value + sum(
            s.propellant_mass_kg.value + s.dry_mass_kg.value for s in self.stages
        )

    @property
    def ideal_delta_v_vac_m_s(self) -> float:
        """Tsiolkovsky speed gain in vacuum, no gravity or drag loss [m/s] — an upper bound."""
        total = 0.0
        above = self.payload_mass_kg.value
        masses = []
        for stage in reversed(self.stages):
            m0 = above + stage.propellant_mass_kg.value + stage.dry_mass_kg.value
            masses.append((stage, m0, m0 - stage.propellant_mass_kg.value))
            above = m0
        for stage, m0, mf in masses:
            total += stage.isp_vac_s.value * G0_M_S2 * math.log(m0 / mf)
        return total

    @property
    def liftoff_thrust_to_weight(self) -> float:
        """Stage-1 sea-level thrust over launch weight [-]."""
        return self.stages[0].thrust_sl_n / (self.launch_mass_kg * G0_M_S2)


class FlightTest(_Record):
    """A historical flight test as publicly reported.

    ``apogee_km`` and ``range_km`` are the reported apogee altitude and ground
    range; ``flight_time_s`` the reported time of flight (None when nobody
    published it); ``count`` the number of missiles fired together;
    ``impact_lat_deg``/``impact_lon_deg`` an impact point when one was published or
    can be read from a published description (then marked in its note).
    """

    key: str
    date: _dt.date
    missile: str
    site: str
    apogee_km: Sourced
    range_km: Sourced
    flight_time_s: Sourced | None = None
    count: int = Field(default=1, ge=1)
    impact_lat_deg: Sourced | None = None
    impact_lon_deg: Sourced | None = None
    note: str | None = None

    @field_validator("key", "missile", "site")
    @classmethod
    def _valid_key(cls, v: str) -> str:
        return _check_key(v)

    @model_validator(mode="after")
    def _check_physics(self) -> FlightTest:
        _positive("apogee_km", self.apogee_km)
        _positive("range_km", self.range_km)
        if self.flight_time_s is not None:
            _positive("flight_time_s", self.flight_time_s)
        if (self.impact_lat_deg is None) != (self.impact_lon_deg is None):
            raise ValueError("give both impact_lat_deg and impact_lon_deg, or neither")
        if self.impact_lat_deg is not None and not -90 <= self.impact_lat_deg.value <= 90:
            raise ValueError(f"impact_lat_deg {self.impact_lat_deg.value} outside [-90, 90]")
        if self.impact_lon_deg is not None and not -180 <= self.impact_lon_deg.value <= 180:
            raise ValueError(f"impact_lon_deg {self.impact_lon_deg.value} outside [-180, 180]")
        return self


__all__ = [
    "sourced_values",
    "CHECK_STATUSES",
    "CheckStatus",
    "KEY_PATTERN",
    "SourceCheck",
    "UNREGISTERED",
    "FlightTest",
    "Missile",
    "MissileClass",
    "Site",
    "SiteKind",
    "Sourced",
    "Stage",
]


def sourced_values(record, prefix: str = "") -> list[tuple[str, Sourced]]:
    """(dotted path, Sourced) for every catalog number of a record, nested lists included."""
    found = []
    items = record.__dict__.items() if hasattr(record, "__dict__") else ()
    for name, value in items:
        path = f"{prefix}{name}"
        if isinstance(value, Sourced):
            found.append((path, value))
        elif isinstance(value, list | tuple):
            for i, item in enumerate(value):
                if hasattr(item, "__dict__"):
                    found.extend(sourced_values(item, f"{path}[{i}]."))
    return found
