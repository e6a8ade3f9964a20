"""The scenario file: a typed schema (pydantic) for what a user describes in YAML.

Every field carries its unit in its name (``_s``, ``_km``, ``_m2``, ``_deg``) and a
description; ``thaadsim scenario schema`` prints them.  Defaults that no source
publishes are marked ASSUMED in their description and reported in every run's
assumptions.  Catalog names (missiles, sites, radars, batteries, flight tests) are
checked here, so a misspelt name fails before anything flies.
"""

from __future__ import annotations

import datetime as _dt
import math
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator

from thaadsim.defense.defaults import DEFAULT_ASSET_RADIUS_M, DEFAULT_COMMIT_DELAY_S
from thaadsim.defense.doctrine import DEFAULT_DOCTRINE, Doctrine
from thaadsim.sensors.convention import DEFAULT_CONVENTION, DetectionConvention
from thaadsim.sensors.rcs import default_rcs_m2, default_rcs_note

DEFAULT_RCS_M2 = default_rcs_m2("reference-target")
"""A threat's cross-section when the file gives none [m^2] (the one home: ``rcs_defaults``)."""

PROFILES = ("min-energy", "lofted", "depressed")
RADAR_MODES = ("terminal", "forward-based")
KILL_MODELS = ("sspk", "pn")

Name = Annotated[str, Field(min_length=1, max_length=80, pattern=r"^[A-Za-z0-9][A-Za-z0-9 _.()-]*$")]


EPOCH_YEARS = (1900, 2200)
"""Years an epoch may fall in: every clock the outputs write (CZML, KML, the report) holds them."""


class _Strict(BaseModel):
    # allow_inf_nan: a number in a file is finite (``reload_s: .inf`` is a mistake, not "never")
    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True, allow_inf_nan=False)


def _as_value_error(lookup, *args, **kwargs):
    """Call a catalog look-up; its error becomes a ValueError so pydantic places it in the file."""
    from thaadsim.errors import ThaadsimError

    try:
        return lookup(*args, **kwargs)
    except ThaadsimError as error:
        raise ValueError(error.message + (f" — {error.hint}" if error.hint else "")) from None


def _check_location(text: str) -> str:
    """A site key or 'LAT,LON[,ALT_M]' (resolved against the catalog)."""
    from thaadsim.catalog.loader import resolve_location

    _as_value_error(resolve_location, text, "location")
    return text


class Threat(_Strict):
    """One group of identical missiles: fired from one point at one aim point."""

    missile: str = Field(description="Catalog missile key (`thaadsim catalog missiles`), e.g. 'scud-er'.")
    from_: str = Field(alias="from", description="Launch point: a site key or 'LAT,LON[,ALT_M]' [deg, deg, m].")
    to: str = Field(description="Aim point: a site key, 'LAT,LON', or the name of a defended asset in this file.")
    profile: Literal["min-energy", "lofted", "depressed"] = Field(
        "min-energy", description="Trajectory: min-energy (least burn that reaches), lofted or depressed "
        "(full burn, or the given apogee_km).")
    apogee_km: float | None = Field(
        None, gt=0, description="Apogee of a lofted or depressed flight [km]; default: full burn.")
    launch_time_s: float = Field(0.0, ge=0, le=86_400, description="Launch of the first missile after the epoch [s].")
    count: int = Field(1, ge=1, le=256, description="Missiles in the group [-].")
    spacing_s: float = Field(5.0, ge=0, le=3_600, description="Time between launches in the group [s].")
    rcs_m2: float = Field(DEFAULT_RCS_M2, gt=0, le=1e4, description=(
        f"Radar cross-section of the reentry vehicle [m^2]; default {DEFAULT_RCS_M2:g} "
        f"({default_rcs_note('reference-target')})."))
    swerling: Literal[0, 1, 2, 3, 4] = Field(DEFAULT_CONVENTION.swerling, description=(
        "Swerling fluctuation case of the cross-section [-]; default: the scenario's detection.swerling."))
    label: Name | None = Field(None, description="Name of the group in the outputs; default 'MISSILE from FROM'.")
    # performance and aim dispersion: numbers a Monte Carlo study draws (scenario/uncertainty.py)
    burn_time_factor: float = Field(1.0, ge=0.5, le=1.5, description=(
        "Burn time of every stage over the catalog's [-], the propellant the same (thrust scales as 1/factor); "
        "default 1. The missiles are steered for the catalog missile, so a factor off 1 moves where they land."))
    isp_factor: float = Field(1.0, ge=0.8, le=1.2, description=(
        "Specific impulse (sea level and vacuum) of every stage over the catalog's [-], the mass flow the same; "
        "default 1. Steered for the catalog missile."))
    propellant_factor: float = Field(1.0, ge=0.5, le=1.2, description=(
        "Propellant of every stage over the catalog's [-], at the catalog's mass flow (the burn lasts longer or "
        "shorter), dry mass the same; default 1. Steered for the catalog missile."))
    cep_m: float = Field(0.0, ge=0, le=50_000, description=(
        "Circular error probable of the group's aim [m]: a Monte Carlo study draws each run's aim point from a "
        "circular normal around 'to' with this CEP (sd = CEP / 1.1774 north and east; one draw for the whole "
        "group, its missiles alike: a named simplification); `run` flies 'to'. Default 0."))
    aim_north_m: float = Field(0.0, ge=-1e6, le=1e6, description=(
        "Aim error: the aim point this far north of 'to' [m]; default 0 (a study draws it from cep_m)."))
    aim_east_m: float = Field(0.0, ge=-1e6, le=1e6, description=(
        "Aim error: the aim point this far east of 'to' [m]; default 0 (a study draws it from cep_m)."))

    @property
    def off_nominal_performance(self) -> bool:
        """Whether the group's missiles differ from the catalog missile they are steered for."""
        return (self.burn_time_factor, self.isp_factor, self.propellant_factor) != (1.0, 1.0, 1.0)

    @field_validator("missile")
    @classmethod
    def _known_missile(cls, v: str) -> str:
        from thaadsim.catalog.loader import missile

        return _as_value_error(missile, v, field="missile").key

    @field_validator("from_")
    @classmethod
    def _launch(cls, v: str) -> str:
        return _check_location(v)

    @model_validator(mode="after")
    def _profile(self) -> Threat:
        if self.apogee_km is not None and self.profile == "min-energy":
            raise ValueError("a min-energy flight has no free apogee: give profile lofted or depressed "
                             "with apogee_km, or drop apogee_km")
        return self


class Tracker(_Strict):
    """The tracker on one radar's detections (``tracking.scenario_track.default_tracker_config``)."""

    filter: Literal["ekf", "ukf"] = Field("ekf", description="Filter: extended or unscented Kalman filter.")
    association: Literal["gnn", "jpda"] = Field("gnn", description=(
        "Data association: global nearest neighbour or joint probabilistic data association."))
    initiation: Literal["two_point", "single_point"] = Field("two_point", description=(
        "Track initiation: two_point (pairs of detections in successive looks) or single_point."))


class Radar(_Strict):
    """One AN/TPY-2-class radar at a site."""

    name: Name = Field(description="Name of the radar, used by batteries.radar and in the outputs.")
    site: str = Field(description="Site key or 'LAT,LON[,ALT_M]'.")
    radar: str = Field("an-tpy-2", description="Catalog radar key (`thaadsim catalog radars`).")
    mode: Literal["terminal", "forward-based"] = Field("terminal", description="Operating mode (preset).")
    boresight_az_deg: float | None = Field(
        None, ge=-360, le=360, description="Azimuth of the face's boresight [deg from north]; default: toward "
        "the mean launch point of the threats.")
    tracker: Tracker = Field(default_factory=Tracker, description="The tracker on this radar's detections.")
    losses_db: float | None = Field(None, ge=0, le=30, description=(
        "System losses of the radar equation [dB]; default: the catalog radar's."))
    noise_temperature_k: float | None = Field(None, gt=0, le=10_000, description=(
        "System noise temperature [K]; default: the catalog radar's."))

    @field_validator("site")
    @classmethod
    def _site(cls, v: str) -> str:
        return _check_location(v)

    @field_validator("radar")
    @classmethod
    def _known_radar(cls, v: str) -> str:
        from thaadsim.catalog.radars import radar

        return _as_value_error(radar, v).key


class Asset(_Strict):
    """A defended asset: a point and a radius."""

    name: Name = Field(description="Name of the asset; a threat's 'to' may name it.")
    at: str = Field(description="Site key or 'LAT,LON'.")
    radius_km: float = Field(DEFAULT_ASSET_RADIUS_M / 1e3, gt=0, le=2_000, description=(
        f"Radius of the defended area [km]; default {DEFAULT_ASSET_RADIUS_M / 1e3:g} (ASSUMED)."))

    @field_validator("at")
    @classmethod
    def _at(cls, v: str) -> str:
        return _check_location(v)


class BatterySpec(_Strict):
    """One THAAD-type battery: launchers, interceptors, doctrine and what it defends."""

    name: Name = Field(description="Name of the battery in the outputs.")
    site: str = Field(description="Site key or 'LAT,LON[,ALT_M]'.")
    battery: str = Field("thaad-battery", description="Catalog battery key (`thaadsim catalog batteries`).")
    radar: Name = Field(description="Name of the radar (in radars) whose tracks this battery fires on.")
    launchers: int | None = Field(None, ge=1, le=64, description="Launchers; default: the catalog's.")
    interceptors: int | None = Field(None, ge=0, le=1_024, description=(
        "Interceptors on the launchers; default: the catalog's (launchers x rounds)."))
    doctrine: Doctrine = Field(DEFAULT_DOCTRINE, description="Firing doctrine.")
    kill_model: Literal["sspk", "pn"] = Field(
        "sspk", description="sspk: stated single-shot kill probability; pn: proportional-navigation endgame.")
    sspk: float | None = Field(None, ge=0, le=1, description="Single-shot kill probability; default: the catalog's.")
    reload_s: float | None = Field(None, ge=0, description="Launcher reload time [s]; 0 = no reload; default: "
                                   "the catalog's.")
    commit_delay_s: float = Field(DEFAULT_COMMIT_DELAY_S, ge=0, le=600, description=(
        f"Fire control decides on a track this long after its confirmation [s]; default "
        f"{DEFAULT_COMMIT_DELAY_S:g} (ASSUMED)."))
    assets: list[Asset] = Field(default_factory=list, description=(
        "Defended assets; default: the battery's own site with the default radius."))

    @field_validator("site")
    @classmethod
    def _site(cls, v: str) -> str:
        return _check_location(v)

    @field_validator("battery")
    @classmethod
    def _known_battery(cls, v: str) -> str:
        from thaadsim.catalog.interceptors import battery

        return _as_value_error(battery, v).key


class Detection(_Strict):
    """The detection convention (``sensors/convention.py``): what a detection means.

    It defines every coverage drawn and every range shown; in the simulated run each
    look is a random draw at Pd(SNR) with this P_fa and the threat's Swerling case (by
    default this one).
    """

    pd: float = Field(DEFAULT_CONVENTION.pd, gt=0, lt=1, description=(
        f"Probability of detection that defines a detection range and the drawn coverage [-]; default "
        f"{DEFAULT_CONVENTION.pd:g} (the radar calibration's)."))
    pfa: float = Field(DEFAULT_CONVENTION.pfa, gt=0, lt=0.1, description=(
        f"False-alarm probability per resolution cell [-]; default {DEFAULT_CONVENTION.pfa:g}; also sets the "
        "threshold of the simulated looks and the false-alarm rate."))
    swerling: Literal[0, 1, 2, 3, 4] = Field(DEFAULT_CONVENTION.swerling, description=(
        "Swerling case of the reference target [-]; the default of every threat's swerling."))
    looks: int = Field(DEFAULT_CONVENTION.looks, ge=1, le=1000, description=(
        "Looks integrated non-coherently before a detection is declared, for ranges and coverage [-]; default 1."))

    def convention(self) -> DetectionConvention:
        try:
            return DetectionConvention(self.pd, self.pfa, int(self.swerling), int(self.looks))
        except Exception as error:  # noqa: BLE001 - the convention's own one-line message
            raise ValueError(str(error)) from None

    @model_validator(mode="after")
    def _valid(self) -> Detection:
        self.convention()
        return self


class Sweep(_Strict):
    """Run the scenario once per salvo size (a saturation study)."""

    threat: int = Field(0, ge=0, description="Index of the threat group whose count is varied.")
    counts: list[Annotated[int, Field(ge=1, le=256)]] = Field(
        min_length=1, max_length=16, description="Salvo sizes, each run on its own with the same seed.")


class Output(_Strict):
    """What the run draws and how finely it samples."""

    sample_dt_s: float = Field(1.0, gt=0, le=60, description=(
        "Interval of the trajectory samples written to trajectories.parquet and the CZML [s]."))
    false_alarms: bool = Field(True, description="Radar false alarms in the threat sector.")
    coverage: bool = Field(True, description="Draw each radar's coverage in the report and the CZML.")
    coverage_altitude_km: float = Field(100.0, gt=0, le=2_000, description=(
        "Target altitude of the drawn radar coverage [km]."))
    footprints: bool = Field(True, description="Compute and draw each battery's defended footprint against "
                             "the first threat group (a few seconds per battery).")


class Scenario(_Strict):
    """A scenario: threats, radars and batteries on one clock."""

    name: Name = Field(description="Short name of the scenario.")
    description: str = Field("", max_length=4_000, description="What question the scenario answers.")
    epoch: _dt.datetime = Field(_dt.datetime(2017, 3, 6, 0, 0, tzinfo=_dt.UTC), description=(
        "UTC time of t = 0 (ISO 8601); the clock of events, CZML and KML."))
    seed: int = Field(1, ge=0, le=2**63 - 1, description="Seed of the one random generator (--seed overrides).")
    threats: list[Threat] = Field(min_length=1, max_length=64, description="Threat groups.")
    radars: list[Radar] = Field(default_factory=list, max_length=8, description="Radars.")
    batteries: list[BatterySpec] = Field(default_factory=list, max_length=8, description="Batteries.")
    sweep: Sweep | None = Field(None, description="Optional: run once per salvo size (saturation).")
    output: Output = Field(default_factory=Output, description="Output options.")
    detection: Detection = Field(default_factory=Detection, description=(
        "Detection convention: Pd, P_fa, Swerling case and looks that define ranges and coverage; "
        "default: the radar calibration's (Pd 0.9 per look, P_fa 1e-6, Swerling 1, 1 look)."))
    sources: list[str] = Field(default_factory=list, description=(
        "Where the scenario's situation comes from (press reports, studies); shown in the report."))
    # the file's distributions (scenario/uncertainty.py), set by the loader; None: every number is certain
    _uncertainty: object = PrivateAttr(default=None)

    @property
    def uncertainty(self):
        """The file's distributions (``scenario.uncertainty.Uncertainty``), or None."""
        return self._uncertainty

    def with_uncertainty(self, uncertainty) -> Scenario:
        """This scenario (its numbers the distributions' nominal values) carrying ``uncertainty``."""
        out = self.model_copy()
        out._uncertainty = uncertainty if uncertainty is not None and uncertainty.parameters else None
        return out

    @model_validator(mode="before")
    @classmethod
    def _threat_swerling(cls, data):
        """A threat without its own Swerling case takes the detection convention's."""
        if not isinstance(data, dict) or not isinstance(data.get("threats"), list):
            return data
        det = data.get("detection")
        case = det.get("swerling") if isinstance(det, dict) else getattr(det, "swerling", None)
        if case is None:
            return data
        threats = [({**t, "swerling": case} if isinstance(t, dict) and "swerling" not in t else t)
                   for t in data["threats"]]
        return {**data, "threats": threats}

    @field_validator("epoch")
    @classmethod
    def _utc(cls, v: _dt.datetime) -> _dt.datetime:
        if not EPOCH_YEARS[0] <= v.year <= EPOCH_YEARS[1]:
            raise ValueError(f"the year {v.year} is outside {EPOCH_YEARS[0]}-{EPOCH_YEARS[1]} — give a date in the "
                             "span of the time scales and output clocks (CZML, KML)")
        if v.tzinfo is None:
            return v.replace(tzinfo=_dt.UTC)
        return v.astimezone(_dt.UTC)

    @model_validator(mode="after")
    def _references(self) -> Scenario:
        radar_names = [r.name for r in self.radars]
        _unique("radars", radar_names)
        _unique("batteries", [b.name for b in self.batteries])
        for i, b in enumerate(self.batteries):
            if b.radar not in radar_names:
                raise _ReferenceError(f"batteries[{i}].radar", f"unknown radar '{b.radar}'", radar_names)
            _unique(f"batteries[{i}].assets", [a.name for a in b.assets])
        assets = {a.name for b in self.batteries for a in b.assets}
        for i, t in enumerate(self.threats):
            if t.to not in assets:
                try:
                    _check_location(t.to)
                except Exception as error:  # noqa: BLE001 - re-raised with the asset names as candidates
                    raise _ReferenceError(f"threats[{i}].to", f"'{t.to}' is neither a site, a 'LAT,LON' nor a "
                                          "defended asset", sorted(assets), cause=error) from None
        if self.sweep is not None and self.sweep.threat >= len(self.threats):
            raise _ReferenceError("sweep.threat", f"no threat group {self.sweep.threat} "
                                  f"(there are {len(self.threats)})", [])
        return self


class _ReferenceError(ValueError):
    """A name in the file that refers to nothing; carries its location in the file."""

    def __init__(self, loc: str, message: str, candidates: list[str], cause: Exception | None = None,
                 hint: str | None = None):
        import difflib

        close = difflib.get_close_matches(message.split("'")[1] if "'" in message else "", candidates, n=3,
                                          cutoff=0.5)
        if hint is None:
            hint = str(cause).split(" — ", 1)[1] if cause is not None and " — " in str(cause) else None
        if close:
            hint = "did you mean " + " or ".join(f"'{c}'" for c in close) + "?"
        elif hint is None and candidates:
            hint = "known: " + ", ".join(candidates)
        self.loc, self.message, self.hint = loc, message, hint
        super().__init__(f"{message}" + (f" — {hint}" if hint else ""))


def _unique(where: str, names: list[str]) -> None:
    # a _ReferenceError (not a bare ValueError) so that the loader can point at the line of the repeat
    seen = set()
    for i, n in enumerate(names):
        if n in seen:
            raise _ReferenceError(f"{where}[{i}].name", f"the name '{n}' appears twice", [],
                                  hint="give each a distinct name")
        seen.add(n)


def schema_lines() -> list[str]:
    """Every field of the file, one line each: path, type, default, description."""
    out: list[str] = []

    def walk(model: type[BaseModel], prefix: str) -> None:
        for name, f in model.model_fields.items():
            key = f.alias or name
            path = f"{prefix}{key}"
            ann = f.annotation
            sub, is_list = _submodel(ann)
            default = "required" if f.is_required() else _fmt_default(f)
            out.append(f"{path}{'[]' if is_list else ''}  ({_type_name(ann)}; {default})  {f.description or ''}")
            if sub is not None:
                walk(sub, f"{path}{'[]' if is_list else ''}.")

    walk(Scenario, "")
    from thaadsim.scenario.uncertainty import syntax_lines

    return out + syntax_lines()


def _submodel(ann) -> tuple[type[BaseModel] | None, bool]:
    import typing

    args = typing.get_args(ann)
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        return ann, False
    if typing.get_origin(ann) is list and args and isinstance(args[0], type) and issubclass(args[0], BaseModel):
        return args[0], True
    for a in args:
        if isinstance(a, type) and issubclass(a, BaseModel):
            return a, False
    return None, False


def _type_name(ann) -> str:
    import typing

    origin = typing.get_origin(ann)
    if origin is Literal:
        return " | ".join(repr(a) if not isinstance(a, str) else a for a in typing.get_args(ann))
    if origin is list:
        return "list of " + _type_name(typing.get_args(ann)[0])
    if origin is Annotated:
        return _type_name(typing.get_args(ann)[0])
    args = [a for a in typing.get_args(ann) if a is not type(None)]
    if origin is not None and args:
        return " | ".join(_type_name(a) for a in args) + (" or null" if type(None) in typing.get_args(ann) else "")
    if isinstance(ann, type):
        return {"str": "text", "float": "number", "int": "integer", "bool": "true/false",
                "datetime": "ISO 8601 time"}.get(ann.__name__, ann.__name__)
    return str(ann)


def _fmt_default(f) -> str:
    if f.default_factory is not None:
        v = f.default_factory()
        return "default: " + ("[]" if v == [] else "see below")
    v = f.default
    if v is None:
        return "optional"
    if v == "":
        return 'default ""'
    if isinstance(v, float) and math.isfinite(v):
        return f"default {v:g}"
    if isinstance(v, _dt.datetime):
        return "default " + v.isoformat().replace("+00:00", "Z")
    return f"default {v}"


__all__ = ["Asset", "BatterySpec", "Output", "Radar", "Scenario", "Sweep", "Threat", "Tracker", "schema_lines"]
