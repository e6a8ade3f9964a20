"""``thaadsim catalog``: list the catalog's missiles, sites and historical tests.

Each command prints a table for people or, with ``--json``, the full records —
every number with its source, band, note, ``assumed`` flag and ``check`` (how its
source was checked against the document: ``catalog sources`` lists what was seen).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from thaadsim.catalog.statuses import CHECK_STATUSES
from thaadsim.cli.main import app
from thaadsim.cli.output import emit_json, format_table
from thaadsim.errors import InputError

if TYPE_CHECKING:
    from thaadsim.catalog.records import FlightTest, Missile, Site, Sourced

catalog_app = typer.Typer(
    help="List the catalog: missiles, sites, flight tests, radars, interceptors and batteries, each number with "
    "its source.",
    no_args_is_help=True,
)
app.add_typer(catalog_app, name="catalog")

JsonOption = Annotated[
    bool,
    typer.Option("--json", help="Print the full records (values, sources, bands, notes, checks) as a JSON list."),
]

_SOURCE_WIDTH = 48


def _short(text: str | None, width: int = _SOURCE_WIDTH) -> str:
    if not text:
        return ""
    return text if len(text) <= width else text[: width - 1] + "…"


def _num(s: Sourced | None, fmt: str = "{:,.0f}", band: bool = False) -> str:
    if s is None:
        return "—"
    text = fmt.format(s.value)
    if band and (s.low is not None or s.high is not None):
        low = fmt.format(s.low) if s.low is not None else "…"
        high = fmt.format(s.high) if s.high is not None else "…"
        text += f" ({low}–{high})"
    if s.assumed:
        text += "*"
    return text


def _checked(node: Any) -> Any:
    """A record's JSON with the check status of each sourced number ('check') and of a
    site's position source ('position_source_check')."""
    from thaadsim.catalog import loader  # here: `thaadsim --help` does not build the catalog

    if isinstance(node, dict):
        out = {key: _checked(value) for key, value in node.items()}
        if isinstance(node.get("source"), str) and "value" in node and "assumed" in node:
            out["check"] = loader.source_status(node["source"], bool(node["assumed"]))
        if isinstance(node.get("position_source"), str):
            out["position_source_check"] = loader.source_status(node["position_source"], False)
        return out
    if isinstance(node, list):
        return [_checked(item) for item in node]
    return node


def _records_json(records: list[Any]) -> None:
    emit_json([_checked(r.model_dump(mode="json")) for r in records])


def _check(s: Sourced | None) -> str:
    return "—" if s is None else s.check_status


def _select(names: list[str] | None, table: dict[str, Any], lookup) -> list[Any]:
    if not names:
        return list(table.values())
    return [lookup(name, field="NAME") for name in names]


@catalog_app.command("missiles")
def missiles_cmd(
    names: Annotated[
        list[str] | None,
        typer.Argument(help="Missile keys to show (default: all), e.g. hwasong-15.", show_default=False),
    ] = None,
    json_out: JsonOption = False,
) -> None:
    """List the catalog missiles: stages, launch mass, payload, RV ballistic coefficient, published range.

    Figures marked * are assumptions (no open source publishes them); --json gives
    every stage parameter with its source and note.
    """
    from thaadsim.catalog import loader  # here: `thaadsim --help` does not build the catalog

    records: list[Missile] = _select(names, loader.missiles(), loader.missile)
    if json_out:
        _records_json(records)
        return
    rows = [
        [
            m.key,
            m.name,
            m.missile_class,
            f"{len(m.stages)} {m.propellant}",
            f"{m.launch_mass_kg:,.0f}",
            _num(m.payload_mass_kg),
            _num(m.rv_beta_kg_m2),
            f"{m.ideal_delta_v_vac_m_s:,.0f}",
            _num(m.published_range_km, band=True),
            _short(m.published_range_km.source),
            _check(m.published_range_km),
        ]
        for m in records
    ]
    headers = [
        "key",
        "name",
        "class",
        "stages",
        "launch kg",
        "payload kg",
        "beta kg/m2",
        "ideal dv m/s",
        "range km (low–high)",
        "range source",
        "check",
    ]
    typer.echo(format_table(headers, rows))
    typer.echo("* assumed (not published); ideal dv: vacuum Tsiolkovsky sum, no gravity or drag loss.")
    typer.echo(_CHECK_NOTE)


_CHECK_NOTE = "check: how the figure's source was checked against its document (thaadsim catalog sources)."

_KINDS = ("launch", "battery", "candidate-battery", "target", "base", "city")


@catalog_app.command("sites")
def sites_cmd(
    names: Annotated[
        list[str] | None,
        typer.Argument(help="Site keys to show (default: all), e.g. seongju.", show_default=False),
    ] = None,
    kind: Annotated[
        str | None,
        typer.Option("--kind", help="Only sites of this kind: " + ", ".join(_KINDS) + ".", show_default=False),
    ] = None,
    json_out: JsonOption = False,
) -> None:
    """List the catalog sites: launch sites, batteries, bases, targets and cities (WGS-84 degrees, metres)."""
    from thaadsim.catalog import loader  # here: `thaadsim --help` does not build the catalog

    records: list[Site] = _select(names, loader.sites(), loader.site)
    if kind is not None:
        wanted = loader.normalise_key(kind)
        if wanted not in _KINDS:
            hint = "one of " + ", ".join(_KINDS)
            raise InputError(f"unknown site kind '{kind}'", field="--kind", hint=hint)
        records = [s for s in records if s.kind == wanted]
    if json_out:
        _records_json(records)
        return
    rows = [
        [
            s.key,
            s.name,
            s.kind,
            s.country,
            _num(s.lat_deg, "{:.4f}"),
            _num(s.lon_deg, "{:.4f}"),
            _num(s.alt_m),
            _short(s.position_source or s.lat_deg.source),
            loader.source_status(s.position_source, False) if s.position_source else _check(s.lat_deg),
        ]
        for s in records
    ]
    headers = ["key", "name", "kind", "country", "lat deg", "lon deg", "alt m", "position source", "check"]
    typer.echo(format_table(headers, rows))
    typer.echo("* assumed (not published).")
    typer.echo(_CHECK_NOTE)


def _impact(t: FlightTest) -> str:
    if t.impact_lat_deg is None or t.impact_lon_deg is None:
        return "—"
    return f"{t.impact_lat_deg.value:.1f}, {t.impact_lon_deg.value:.1f}"


@catalog_app.command("tests")
def tests_cmd(
    names: Annotated[
        list[str] | None,
        typer.Argument(help="Flight-test keys to show (default: all), e.g. 2017-07-28-hwasong-14.", show_default=False),
    ] = None,
    json_out: JsonOption = False,
) -> None:
    """List the historical flight tests: date, missile, site, reported apogee, range and flight time."""
    from thaadsim.catalog import loader  # here: `thaadsim --help` does not build the catalog

    records: list[FlightTest] = _select(names, loader.flight_tests(), loader.flight_test)
    if json_out:
        _records_json(records)
        return
    rows = [
        [
            t.key,
            t.date.isoformat(),
            t.missile,
            t.site,
            t.count,
            _num(t.apogee_km, "{:,.1f}"),
            _num(t.range_km),
            _num(t.flight_time_s),
            _impact(t),
            _short(t.apogee_km.source, 40),
            _check(t.apogee_km),
        ]
        for t in records
    ]
    headers = ["key", "date", "missile", "site", "n", "apogee km", "range km", "time s", "impact", "source", "check"]
    typer.echo(format_table(headers, rows))
    typer.echo(_CHECK_NOTE)


@catalog_app.command("radars")
def radars_cmd(
    names: Annotated[
        list[str] | None,
        typer.Argument(help="Radar keys to show (default: all), e.g. an-tpy-2.", show_default=False),
    ] = None,
    json_out: JsonOption = False,
) -> None:
    """List the catalog radars, one row per mode: frequency, aperture, power, boresight, scan limit, revisit.

    Figures marked * are assumptions; --json gives every parameter with its source, the
    published range quotes and their check status.
    """
    from thaadsim.catalog.radars import Radar, radar, radars

    records: list[Radar] = _select(names, radars(), radar)
    if json_out:
        _records_json(records)
        return
    rows = [
        [r.key, mode.key, mode.form, _num(r.frequency_ghz, "{:.1f}"), _num(r.aperture_area_m2, "{:.1f}"),
         _num(r.average_power_kw, "{:.0f}"), r.default_site or "—", _num(mode.boresight_az_deg, "{:.0f}"),
         _num(mode.scan_limit_deg, "{:.0f}"), _num(mode.instrumented_range_km), _num(mode.revisit_s, "{:g}"),
         len(r.quotes(mode.key))]
        for r in records for mode in r.modes
    ]
    headers = ["key", "mode", "form", "freq GHz", "aperture m2", "power kW", "site", "boresight deg",
               "scan limit deg", "range km", "revisit s", "range quotes"]
    typer.echo(format_table(headers, rows))
    typer.echo("* assumed (not published); range quotes: published detection ranges (--json lists them).")
    typer.echo(_CHECK_NOTE)


@catalog_app.command("interceptors")
def interceptors_cmd(
    names: Annotated[
        list[str] | None,
        typer.Argument(help="Interceptor keys to show (default: all), e.g. thaad.", show_default=False),
    ] = None,
    json_out: JsonOption = False,
) -> None:
    """List the catalog interceptors: mass, burnout speed, intercept altitudes and range, single-shot kill probability."""
    from thaadsim.catalog.interceptors import Interceptor, interceptor, interceptors

    records: list[Interceptor] = _select(names, interceptors(), interceptor)
    if json_out:
        _records_json(records)
        return
    rows = [
        [i.key, i.name, _num(i.launch_mass_kg), _num(i.burnout_speed_km_s, "{:.2f}"),
         _num(i.min_intercept_alt_km), _num(i.max_intercept_alt_km), _num(i.max_range_km), _num(i.sspk, "{:.2f}"),
         _short(i.burnout_speed_km_s.source, 40), _check(i.burnout_speed_km_s)]
        for i in records
    ]
    headers = ["key", "name", "launch kg", "burnout km/s", "min alt km", "max alt km", "max range km", "sspk",
               "burnout source", "check"]
    typer.echo(format_table(headers, rows))
    typer.echo("* assumed (not published).")
    typer.echo(_CHECK_NOTE)


@catalog_app.command("batteries")
def batteries_cmd(
    names: Annotated[
        list[str] | None,
        typer.Argument(help="Battery keys to show (default: all), e.g. thaad-battery.", show_default=False),
    ] = None,
    json_out: JsonOption = False,
) -> None:
    """List the catalog batteries: interceptor, radar, launchers, interceptors per launcher, reload and inventory."""
    from thaadsim.catalog.interceptors import Battery, batteries, battery

    records: list[Battery] = _select(names, batteries(), battery)
    if json_out:
        _records_json(records)
        return
    rows = [
        [b.key, b.name, b.interceptor, b.radar, b.default_site or "—", _num(b.launchers),
         _num(b.interceptors_per_launcher), b.inventory, _num(b.reload_s), _num(b.kill_assessment_s, "{:g}"),
         _short(b.launchers.source, 40), _check(b.launchers)]
        for b in records
    ]
    headers = ["key", "name", "interceptor", "radar", "site", "launchers", "per launcher", "inventory", "reload s",
               "kill assessment s", "launchers source", "check"]
    typer.echo(format_table(headers, rows))
    typer.echo("* assumed (not published).")
    typer.echo(_CHECK_NOTE)


@catalog_app.command("sources")
def sources_cmd(
    status: Annotated[
        str | None,
        typer.Option("--status", help="Only sources with this check status: " + ", ".join(CHECK_STATUSES) + ".",
                     show_default=False),
    ] = None,
    json_out: Annotated[
        bool, typer.Option("--json", help="Print every check record (document, what was seen, discrepancies).")
    ] = False,
) -> None:
    """List how each cited source was checked against its document, and what was found there."""
    from thaadsim.catalog import loader  # here: `thaadsim --help` does not build the catalog

    records = list({r.key: r for r in loader.source_checks().values()}.values())
    if status is not None:
        wanted = status.strip().lower()
        if wanted not in CHECK_STATUSES:
            raise InputError(f"unknown check status '{status}'", field="--status",
                             hint="one of " + ", ".join(CHECK_STATUSES))
        records = [r for r in records if r.status == wanted]
    if json_out:
        emit_json([r.as_dict() for r in records])
        return
    rows = [[r.key, r.status, _short(r.document, 60), len(r.discrepancies), r.checked_on.isoformat()]
            for r in records]
    typer.echo(format_table(["key", "status", "document", "discrepancies", "checked on"], rows))
    counts = {s: sum(r.status == s for r in records) for s in CHECK_STATUSES}
    typer.echo(", ".join(f"{n} {s}" for s, n in counts.items() if n))
