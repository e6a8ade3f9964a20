"""Load the catalog's data files and look records up by key.

The data files are package data (``thaadsim/catalog/data/*.yaml``), read once and
cached.  A record that fails validation is a bug in the shipped data, not a user
error: it raises :class:`CatalogDataError`, which the CLI does not hide.  A key a
user mistypes raises :class:`~thaadsim.errors.UnknownNameError` with the closest
known keys as a hint.

Every source a data file cites must have a check record in ``source_checks.yaml``
(what document it is, whether and how its figures were checked, what was seen): a
file that cites an unknown text for a number not marked assumed does not load.  So
every sourced number resolves to a check status (:func:`source_status`).
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from thaadsim.catalog.records import UNREGISTERED, FlightTest, Missile, Site, SourceCheck
from thaadsim.errors import InputError, UnknownNameError

R = TypeVar("R", bound=BaseModel)

_DATA_PACKAGE = "thaadsim.catalog"


class CatalogDataError(RuntimeError):
    """The shipped catalog data is malformed: a bug to fix in the data files."""


@dataclass(frozen=True)
class Location:
    """A point on the WGS-84 ellipsoid given by a user or taken from the catalog.

    Geodetic latitude and longitude in degrees (north/east positive), altitude in
    metres; ``label`` is the site key, or the coordinates as typed.
    """

    lat_deg: float
    lon_deg: float
    alt_m: float
    label: str


_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's safe loader where PyYAML was built with it (the same documents, several times faster)."""


def _read_yaml(filename: str) -> Any:
    path = resources.files(_DATA_PACKAGE).joinpath("data", filename)
    try:
        with path.open("r", encoding="utf-8") as handle:
            return yaml.load(handle, Loader=_SAFE_LOADER)  # noqa: S506 - a safe loader
    except (OSError, yaml.YAMLError) as error:
        raise CatalogDataError(f"catalog data file {filename}: {error}") from error


_SOURCE_CHECKS_FILE = "source_checks.yaml"
_SOURCE_KEYS = ("source", "position_source")


@functools.cache
def _source_checks() -> dict[str, SourceCheck]:
    """Every cited source text of the catalog -> the record of how it was checked."""
    document = _read_yaml(_SOURCE_CHECKS_FILE)
    if not isinstance(document, dict) or not isinstance(document.get("sources"), dict):
        raise CatalogDataError(f"catalog data file {_SOURCE_CHECKS_FILE}: expected a mapping 'sources'")
    by_text: dict[str, SourceCheck] = {}
    for key, raw in document["sources"].items():
        try:
            record = SourceCheck.model_validate({"key": key, "checked_on": document.get("checked_on"), **raw})
        except (ValidationError, TypeError) as error:
            raise CatalogDataError(f"catalog data file {_SOURCE_CHECKS_FILE}, source '{key}': {error}") from error
        for text in record.cites:
            text = text.strip()
            if text in by_text:
                raise CatalogDataError(
                    f"catalog data file {_SOURCE_CHECKS_FILE}: {text!r} is cited by both "
                    f"'{by_text[text].key}' and '{key}'"
                )
            by_text[text] = record
    return by_text


def source_checks() -> dict[str, SourceCheck]:
    """The check record of every source text the catalog cites (a fresh dict; records frozen)."""
    return dict(_source_checks())


def source_check(text: str) -> SourceCheck | None:
    """The check record that covers this exact source text, or None for a text outside the catalog."""
    return _source_checks().get(text.strip())


def source_status(text: str, assumed: bool) -> str:
    """The check status of a number with this source: 'assumed' for an assumed value, the
    record's status for a catalog source, :data:`~thaadsim.catalog.records.UNREGISTERED`
    for a text from outside the catalog (the loader lets none into it)."""
    if assumed:
        return "assumed"
    record = source_check(text)
    return record.status if record is not None else UNREGISTERED


def cited_sources(document: Any) -> list[tuple[str, bool]]:
    """(source text, assumed) for every ``source``/``position_source`` text of a data file,
    its ``references`` block included; ``assumed`` is True inside an assumed value."""
    found: list[tuple[str, bool]] = []

    def walk(node: Any, assumed: bool) -> None:
        if isinstance(node, dict):
            here = assumed or node.get("assumed") is True
            for key, value in node.items():
                if key in _SOURCE_KEYS and isinstance(value, str):
                    found.append((value.strip(), here))
                else:
                    walk(value, here)
        elif isinstance(node, list):
            for item in node:
                walk(item, assumed)

    if isinstance(document, dict):
        # a reference is a citation in its own right, whoever uses it
        for value in (document.get("references") or {}).values():
            if isinstance(value, str):
                found.append((value.strip(), False))
        walk(document, False)
    return found


def _require_checks(filename: str, document: Any) -> None:
    """A number not marked assumed must cite a source whose check is on record."""
    known = _source_checks()
    for text, assumed in cited_sources(document):
        if not assumed and text not in known:
            raise CatalogDataError(
                f"catalog data file {filename}: source {text!r} has no check record; list it under the 'cites' "
                f"of a record in {_SOURCE_CHECKS_FILE} (with what was checked), or mark the value assumed"
            )


def _load(filename: str, section: str, model: type[R]) -> dict[str, R]:
    document = _read_yaml(filename)
    if not isinstance(document, dict) or not isinstance(document.get(section), list):
        raise CatalogDataError(f"catalog data file {filename}: expected a top-level list '{section}'")
    _require_checks(filename, document)
    records: dict[str, R] = {}
    for index, raw in enumerate(document[section]):
        label = raw.get("key", f"#{index}") if isinstance(raw, dict) else f"#{index}"
        try:
            record = model.model_validate(raw)
        except ValidationError as error:
            raise CatalogDataError(f"catalog data file {filename}, {section} '{label}': {error}") from error
        key = record.key  # type: ignore[attr-defined]
        if key in records:
            raise CatalogDataError(f"catalog data file {filename}: duplicate {section} key '{key}'")
        records[key] = record
    return records


@functools.cache
def _sites() -> dict[str, Site]:
    return _load("sites.yaml", "sites", Site)


@functools.cache
def _missiles() -> dict[str, Missile]:
    return _load("missiles.yaml", "missiles", Missile)


@functools.cache
def _flight_tests() -> dict[str, FlightTest]:
    tests = _load("flight_tests.yaml", "flight_tests", FlightTest)
    known_sites, known_missiles = _sites(), _missiles()
    for test in tests.values():
        if test.site not in known_sites:
            raise CatalogDataError(f"flight test '{test.key}' names unknown site '{test.site}'")
        if test.missile not in known_missiles:
            raise CatalogDataError(f"flight test '{test.key}' names unknown missile '{test.missile}'")
    return tests


def sites() -> dict[str, Site]:
    """All catalog sites by key (a fresh dict; the records themselves are frozen)."""
    return dict(_sites())


def missiles() -> dict[str, Missile]:
    """All catalog missiles by key."""
    return dict(_missiles())


def flight_tests() -> dict[str, FlightTest]:
    """All catalog flight tests by key, in date order."""
    return dict(sorted(_flight_tests().items(), key=lambda item: (item[1].date, item[0])))


def normalise_key(name: str) -> str:
    """Lowercase, trim, and join words with hyphens: 'Hwasong 15' -> 'hwasong-15'."""
    return re.sub(r"[\s_]+", "-", name.strip().lower())


def _lookup(kind: str, name: str, table: dict[str, R], field: str | None) -> R:
    key = normalise_key(name)
    try:
        return table[key]
    except KeyError:
        raise UnknownNameError(kind, name, table.keys(), field=field) from None


def site(name: str, *, field: str | None = None) -> Site:
    """The site with key ``name`` (case-insensitive); UnknownNameError otherwise."""
    return _lookup("site", name, _sites(), field)


def missile(name: str, *, field: str | None = None) -> Missile:
    """The missile with key ``name`` (case-insensitive); UnknownNameError otherwise."""
    return _lookup("missile", name, _missiles(), field)


def flight_test(name: str, *, field: str | None = None) -> FlightTest:
    """The flight test with key ``name`` (e.g. '2017-07-28-hwasong-14')."""
    return _lookup("flight test", name, _flight_tests(), field)


_FORMS = (
    "a site key (see `thaadsim catalog sites`), 'LAT,LON' or 'LAT,LON,ALT_M' "
    "in decimal degrees (north/east positive) and metres"
)
_NUMBER = re.compile(r"^([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)\s*([NSEWnsew]?)$")


def _parse_component(text: str) -> tuple[float, str] | None:
    match = _NUMBER.match(text.strip())
    if not match:
        return None
    return float(match.group(1)), match.group(2).upper()


def resolve_location(text: str, field: str) -> Location:
    """Turn a site key or 'LAT,LON[,ALT_M]' into a :class:`Location`.

    Latitude and longitude may carry a hemisphere letter ('39.66N,124.7E');
    a negative number or S/W means south/west.  ``field`` names the option in
    error messages (e.g. '--from').
    """
    raw = text.strip()
    if not raw:
        raise InputError("no location given", field=field, hint=f"give {_FORMS}")
    if "," not in raw:
        key = normalise_key(raw)
        table = _sites()
        if key in table:
            s = table[key]
            return Location(s.lat_deg.value, s.lon_deg.value, s.alt_m.value, s.key)
        if re.fullmatch(r"[A-Za-z][A-Za-z0-9 _-]*", raw):
            raise UnknownNameError("site", raw, table.keys(), field=field)
        raise InputError(f"cannot read '{raw}' as a location", field=field, hint=f"give {_FORMS}")

    parts = raw.split(",")
    if len(parts) not in (2, 3):
        raise InputError(
            f"'{raw}' has {len(parts)} comma-separated parts", field=field, hint=f"give {_FORMS}"
        )
    parsed = [_parse_component(p) for p in parts]
    if any(p is None for p in parsed):
        bad = next(p.strip() for p, q in zip(parts, parsed, strict=True) if q is None)
        raise InputError(f"cannot read '{bad}' in '{raw}' as a number", field=field, hint=f"give {_FORMS}")
    (lat, lat_h), (lon, lon_h) = parsed[0], parsed[1]  # type: ignore[misc]
    if lat_h in ("E", "W") and lon_h in ("N", "S", ""):
        raise InputError(
            f"'{raw}' gives longitude first",
            field=field,
            hint="the coordinates look swapped: give latitude first, 'LAT,LON'",
        )
    if lat_h in ("E", "W") or lon_h in ("N", "S"):
        raise InputError(
            f"'{raw}': hemisphere letters do not fit 'LAT,LON'",
            field=field,
            hint="use N/S on latitude, E/W on longitude",
        )
    if (lat_h and lat < 0) or (lon_h and lon < 0):
        raise InputError(
            f"'{raw}' has both a minus sign and a hemisphere letter",
            field=field,
            hint="use either '-33.9,-70.6' or '33.9S,70.6W'",
        )
    if lat_h == "S":
        lat = -lat
    if lon_h == "W":
        lon = -lon
    alt = 0.0
    if len(parsed) == 3:
        alt_value, alt_h = parsed[2]  # type: ignore[misc]
        if alt_h:
            raise InputError(
                f"'{raw}': the altitude takes no hemisphere letter", field=field, hint=f"give {_FORMS}"
            )
        alt = alt_value
    for name, number in (("latitude", lat), ("longitude", lon), ("altitude", alt)):
        if not math.isfinite(number):
            raise InputError(f"{name} {number} is not a finite number", field=field, hint=f"give {_FORMS}")

    if not -90.0 <= lat <= 90.0:
        if abs(lon) <= 90.0 and abs(lat) <= 180.0:
            raise InputError(
                f"latitude {lat:g} is outside [-90, 90]",
                field=field,
                hint=f"the coordinates look swapped: give latitude first, '{lon:g},{lat:g}'",
            )
        raise InputError(f"latitude {lat:g} is outside [-90, 90]", field=field, hint=f"give {_FORMS}")
    if not -180.0 <= lon <= 180.0:
        hint = "give longitude in [-180, 180], east positive"
        if lon <= 360.0:
            hint += f" ({lon:g} east is {lon - 360.0:g})"
        raise InputError(f"longitude {lon:g} is outside [-180, 180]", field=field, hint=hint)
    if not -500.0 <= alt <= 100_000.0:
        raise InputError(
            f"altitude {alt:g} m is not a ground or launch altitude",
            field=field,
            hint="give the altitude in metres, between -500 and 100000",
        )
    return Location(lat, lon, alt, raw)


__all__ = [
    "CatalogDataError",
    "Location",
    "cited_sources",
    "flight_test",
    "flight_tests",
    "missile",
    "missiles",
    "normalise_key",
    "resolve_location",
    "site",
    "sites",
    "source_check",
    "source_checks",
    "source_status",
]
