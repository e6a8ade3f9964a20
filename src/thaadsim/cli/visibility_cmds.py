"""Visibility commands: ``visibility`` (one missile flight seen by one radar) and the
built-in analyses ``analysis nk-launches`` and ``analysis china-icbm``."""

from __future__ import annotations

import math
from typing import Annotated

import typer

from thaadsim.cli.main import app
from thaadsim.cli.options import (
    JsonOpt,
    LooksOpt,
    ModeOpt,
    PdOpt,
    PfaOpt,
    PngOpt,
    RadarOpt,
    SwerlingOpt,
    detection_convention,
)
from thaadsim.cli.output import emit_json, format_table
from thaadsim.cli.progress import progress
from thaadsim.errors import InputError

analysis_app = typer.Typer(
    name="analysis",
    help="Built-in analyses of what the Seongju radar sees (the article's questions).",
    no_args_is_help=True,
)
app.add_typer(analysis_app, name="analysis")



SAMPLE_BYTES = 4096
"""Peak memory per trajectory sample of a visibility computation: the flight's state, the
radar geometry, SNR and Pd arrays and their temporaries; measured 2.2-2.5 KB (Scud-ER from
Sunan seen from Seongju at 0.01 s and 0.002 s), rounded up."""


def _finite(value: float | None, field: str, *, positive: bool = False) -> float | None:
    if value is None:
        return None
    if not math.isfinite(value):
        raise InputError(f"{value} is not a finite number", field=field)
    if positive and value <= 0.0:
        raise InputError(f"{value:g} must be > 0", field=field)
    return value


def _rcs_model(rcs_m2: float | None, rcs_table: str | None, *, field: str, table_field: str, default=True):
    """A constant or table RCS model from the options (one of them, or the default)."""
    from thaadsim.sensors.rcs import constant, default_model
    from thaadsim.sensors.rcs import rcs_table as table

    if rcs_m2 is not None and rcs_table is not None:
        raise InputError(f"give either {field} or {table_field}, not both", field=field)
    if rcs_m2 is not None:
        _finite(rcs_m2, field, positive=True)
        return constant(rcs_m2, assumed=False, note="set on the command line")
    if rcs_table is not None:
        return table(rcs_table, field=table_field)
    return default_model("warhead") if default else None


def _fmt(x, spec=".0f") -> str:
    return "-" if x is None else format(x, spec)


# ----------------------------------------------------------------------------- visibility


@app.command(help="When, where and for how long a radar detects one missile flight (launch to impact).")
def visibility(
    site: Annotated[str, typer.Option("--site", help="Radar site: catalog key or LAT,LON[,ALT_M].")],
    missile: Annotated[str, typer.Option("--missile", help="Catalog missile key.")],
    from_: Annotated[str, typer.Option("--from", help="Launch point: site key or LAT,LON.")],
    to: Annotated[str, typer.Option("--to", help="Aim point: site key or LAT,LON.")],
    radar_key: RadarOpt = "an-tpy-2",
    mode: ModeOpt = None,
    boresight_az_deg: Annotated[
        float | None,
        typer.Option("--boresight-az-deg", help="Face boresight [deg from north]; default: toward the launch point."),
    ] = None,
    profile: Annotated[str, typer.Option("--profile", help="min-energy, lofted or depressed.")] = "min-energy",
    apogee_km: Annotated[float | None, typer.Option("--apogee-km", help="Apogee of a lofted/depressed flight [km].")] = None,
    rcs_m2: Annotated[float | None, typer.Option(
        "--rcs-m2", help="Constant radar cross-section [m^2] (default: rcs.yaml's assumed warhead, 0.1).")] = None,
    rcs_table: Annotated[
        str | None, typer.Option("--rcs-table", help="Aspect-dependent RCS table: warhead, booster or debris.")
    ] = None,
    boost_rcs_m2: Annotated[
        float | None, typer.Option("--boost-rcs-m2", help="RCS during powered flight [m^2] (default: as after).")
    ] = None,
    boost_rcs_table: Annotated[
        str | None, typer.Option("--boost-rcs-table", help="RCS table during powered flight (e.g. booster).")
    ] = None,
    pd_: PdOpt = None,
    pfa: PfaOpt = None,
    swerling: SwerlingOpt = None,
    looks: LooksOpt = None,
    sample_dt_s: Annotated[
        float | None, typer.Option("--sample-dt-s", help="Trajectory sample step [s]; default: the radar's revisit.")
    ] = None,
    json_: JsonOpt = False,
) -> None:
    from thaadsim.budget import BASE_BYTES, require
    from thaadsim.catalog.loader import missile as lookup_missile
    from thaadsim.catalog.loader import resolve_location
    from thaadsim.flight.engine import fly
    from thaadsim.flight.targeting import PROFILES, Launch, solve
    from thaadsim.flight.vehicle import Vehicle
    from thaadsim.sensors.radar import RadarModel
    from thaadsim.sensors.visibility import boresight_toward_deg
    from thaadsim.sensors.visibility import visibility as compute

    conv = detection_convention(pd_, pfa, swerling, looks)
    _finite(boresight_az_deg, "--boresight-az-deg")
    _finite(apogee_km, "--apogee-km", positive=True)
    _finite(sample_dt_s, "--sample-dt-s", positive=True)
    if sample_dt_s is not None and sample_dt_s > 60.0:
        raise InputError(f"sample step {sample_dt_s:g} s is above 60 s", field="--sample-dt-s")
    if profile not in PROFILES:
        raise InputError(f"unknown profile '{profile}'", field="--profile", hint="use " + ", ".join(PROFILES))
    main = _rcs_model(rcs_m2, rcs_table, field="--rcs-m2", table_field="--rcs-table")
    boost = _rcs_model(boost_rcs_m2, boost_rcs_table, field="--boost-rcs-m2", table_field="--boost-rcs-table",
                       default=False)
    loc = resolve_location(site, "--site")
    launch = resolve_location(from_, "--from")
    aim = resolve_location(to, "--to")
    record = lookup_missile(missile, field="--missile")
    # radar first: an unknown radar or mode fails before any flying
    RadarModel.from_catalog(radar_key, mode)
    if boresight_az_deg is None:
        az = boresight_toward_deg(loc.lat_deg, loc.lon_deg, launch.lat_deg, launch.lon_deg)
        bore_note = "default: toward the threat's launch point from the radar site (geodesic azimuth)"
    else:
        az = boresight_az_deg % 360.0
        bore_note = "set on the command line"
    model = RadarModel.from_catalog(radar_key, mode, site=loc, boresight_az_deg=az)
    vehicle = Vehicle.from_missile(record)
    with progress("visibility") as update:
        if update:
            update(0, 3, f"aiming {record.key} at {aim.label}")
        sol = solve(vehicle, Launch(launch.lat_deg, launch.lon_deg, launch.alt_m), aim.lat_deg, aim.lon_deg,
                    profile=profile, apogee_m=None if apogee_km is None else apogee_km * 1e3)
        dt = sample_dt_s if sample_dt_s is not None else model.revisit_s
        flight_s = float(sol.flight.impact[0, 0])
        require(BASE_BYTES + flight_s / dt * SAMPLE_BYTES, f"{flight_s:,.0f} s of flight sampled every {dt:g} s",
                field="--sample-dt-s", hint="give a longer --sample-dt-s")
        if update:
            update(1, 3, f"flying it, sampled every {dt:g} s")
        flight = fly(vehicle, launch.lat_deg, launch.lon_deg, launch.alt_m, sol.azimuth_deg % 360.0, sol.kick_deg,
                     sol.burn_fraction, sample_dt_s=dt)
        if update:
            update(2, 3, "what the radar sees")
        vis = compute(flight, model, main, boost_rcs=boost, convention=conv)
        if update:
            update(3, 3, "done")
    row = vis.row(0)
    traj = vis.trajectory_row(0)
    result = {
        "radar": model.key,
        "mode": model.mode,
        "site": {"label": loc.label, "lat_deg": loc.lat_deg, "lon_deg": loc.lon_deg, "alt_m": loc.alt_m},
        "boresight_az_deg": math.degrees(model.face_az_rad[0]),
        "boresight_note": bore_note,
        "missile": record.key,
        "from": launch.label,
        "to": aim.label,
        "profile": profile,
        **{k: row[k] for k in ("visible", "first_detection_time_s", "first_detection_altitude_km",
                               "first_detection_range_km", "visible_duration_s")},
        "first_detection_lat_deg": row["first_detection_lat_deg"],
        "first_detection_lon_deg": row["first_detection_lon_deg"],
        "last_detection_time_s": row["last_detection_time_s"],
        "min_visible_altitude_km": row["min_visible_altitude_km"],
        "max_visible_altitude_km": row["max_visible_altitude_km"],
        "detected_in_boost": row["detected_in_boost"],
        "intervals_s": row["intervals_s"],
        "trajectory": {**traj, "azimuth_deg": sol.azimuth_deg % 360.0, "kick_deg": sol.kick_deg,
                       "burn_fraction": sol.burn_fraction, "miss_km": sol.miss_m / 1e3,
                       "sample_dt_s": dt},
        "criterion": {"pd_threshold": vis.access.pd_threshold, "swerling": conv.swerling, "pfa": conv.pfa,
                      "looks": conv.looks, "text": vis.criterion},
        "detection_convention": conv.as_dict(),
        "rcs": vis.rcs,
        "notes": list(vis.notes),
        "assumptions": model.assumptions_table(),
    }
    if json_:
        emit_json(result)
        return
    typer.echo(f"{model.key} {model.mode} at {loc.label}, boresight {result['boresight_az_deg']:.1f} deg ({bore_note})")
    typer.echo(f"{record.key} {launch.label} -> {aim.label} ({profile}): range {_fmt(traj['range_km'], ',.0f')} km, "
               f"apogee {_fmt(traj['apogee_km'], ',.0f')} km, flight time {_fmt(traj['flight_time_s'], ',.0f')} s")
    if row["visible"]:
        typer.echo(
            f"visible: first detection at t = {row['first_detection_time_s']:.0f} s after launch ({conv.describe()}), "
            f"altitude "
            f"{row['first_detection_altitude_km']:.1f} km, range {row['first_detection_range_km']:,.0f} km; "
            f"visible for {row['visible_duration_s']:.0f} s at altitudes {row['min_visible_altitude_km']:.0f}-"
            f"{row['max_visible_altitude_km']:.0f} km"
            + ("; seen in powered flight" if row["detected_in_boost"] else "")
        )
        typer.echo("intervals [s]: " + ", ".join(f"{a:.0f}-{b:.0f}" for a, b in row["intervals_s"]))
    else:
        typer.echo("not visible: no sample reaches the detection criterion")
    main_desc = vis.rcs["main"]
    typer.echo(f"RCS: {main_desc['description']}" + (" (assumed)" if main_desc.get("assumed") is True else ""))
    typer.echo(f"criterion: {vis.criterion}")
    for note in vis.notes:
        typer.echo(f"note: {note}")
    typer.echo("assumed: " + ", ".join(a["name"] for a in result["assumptions"] if a["assumed"]))


# ----------------------------------------------------------------------------- analyses


def _split(text: str | None, field: str) -> tuple[str, ...] | None:
    if text is None:
        return None
    items = tuple(x.strip() for x in text.split(",") if x.strip())
    if not items:
        raise InputError("empty list", field=field, hint="give comma-separated catalog keys")
    return items


def _check_sites(keys, field):
    from thaadsim.catalog.loader import resolve_location

    for k in keys:
        resolve_location(k, field)


@analysis_app.command("nk-launches", help="North Korean launches toward South Korea and Japan seen from Seongju: "
                      "first detection time, altitude, range and duration (terminal and forward-based).")
def nk_launches_cmd(
    missiles: Annotated[str | None, typer.Option("--missiles", help="Restrict to these missiles (comma list).")] = None,
    sites: Annotated[str | None, typer.Option("--sites", help="Launch sites (comma list).")] = None,
    targets: Annotated[
        str | None, typer.Option("--targets", help="Aim every missile at these targets (comma list).")
    ] = None,
    boresight_az_deg: Annotated[
        float | None, typer.Option("--boresight-az-deg", help="Face boresight [deg]; default: the catalog's (327).")
    ] = None,
    rcs_m2: Annotated[float | None, typer.Option("--rcs-m2", help="Constant RCS [m^2] (default 0.1).")] = None,
    rcs_table: Annotated[str | None, typer.Option("--rcs-table", help="RCS table: warhead, booster, debris.")] = None,
    pd_: PdOpt = None,
    pfa: PfaOpt = None,
    swerling: SwerlingOpt = None,
    looks: LooksOpt = None,
    png: PngOpt = None,
    json_: JsonOpt = False,
) -> None:
    from thaadsim.catalog.loader import missile as lookup_missile
    from thaadsim.sensors import analyses

    conv = detection_convention(pd_, pfa, swerling, looks)
    _finite(boresight_az_deg, "--boresight-az-deg")
    model = _rcs_model(rcs_m2, rcs_table, field="--rcs-m2", table_field="--rcs-table")
    ms = _split(missiles, "--missiles")
    st = _split(sites, "--sites") or analyses.NK_SITES
    tg = _split(targets, "--targets")
    _check_sites(st, "--sites")
    if tg:
        _check_sites(tg, "--targets")
    chosen = {lookup_missile(m, field="--missiles").key for m in ms} if ms else set(analyses.NK_TARGETS)
    table = {m: (tg if tg else analyses.NK_TARGETS.get(m, ())) for m in sorted(chosen)}
    table = {m: t for m, t in table.items() if t}
    if not table:
        raise InputError("no targets for these missiles", field="--targets", hint="give --targets")
    with progress("nk-launches") as update:
        res = analyses.nk_launches(st, table, boresight_az_deg=boresight_az_deg, rcs=model, convention=conv,
                                   progress=update)
        out = res.as_dict()
        if png:
            if update:
                update(0, None, f"drawing the map {png} (coverage envelopes)")
            _nk_map(res, png, model)
            out["png"] = png
    if json_:
        emit_json(out)
        return
    headers = ["missile", "from", "to", "mode", "t first [s]", "alt [km]", "range [km]", "seen [s]",
               "vis alt [km]", "flight [s]", "status"]
    rows = []
    for r in res.rows:
        vis_alt = (f"{r['min_visible_altitude_km']:.0f}-{r['max_visible_altitude_km']:.0f}"
                   if r.get("visible") else "-")
        status = r["status"] if r["status"] != "ok" else ("" if r["visible"] else "not seen")
        rows.append([r["missile"], r["from"], r["to"], r["mode"], _fmt(r["first_detection_time_s"]),
                     _fmt(r["first_detection_altitude_km"]), _fmt(r["first_detection_range_km"]),
                     _fmt(r["visible_duration_s"]), vis_alt, _fmt(r.get("flight_time_s")), status])
    typer.echo(f"Seongju AN/TPY-2 and North Korean launches (RCS: {model.describe()['description']})")
    typer.echo(f"first detections: {conv.describe()}")
    for c in res.configs:
        typer.echo(f"  {c['mode']}: boresight {c['boresight_az_deg']:.1f} deg — {c['boresight_note']}")
    typer.echo(format_table(headers, rows))
    for note in res.notes:
        typer.echo(f"note: {note}")
    if png:
        typer.echo(f"map written to {png}")


def _nk_map(res, png: str, model) -> None:
    import numpy as np

    from thaadsim.outputs.maps import track_map
    from thaadsim.sensors.coverage import coverage
    from thaadsim.sensors.radar import RadarModel

    vis_t = res.visibility.get("terminal")
    vis_f = res.visibility.get("forward-based")
    ref = vis_t or vis_f
    if ref is None:
        raise InputError("nothing was flown: no map to draw", field="--png")
    tracks = []
    for j in range(len(ref)):
        cat = np.zeros(ref.detectable.shape[1], dtype=int)
        if vis_f is not None:
            cat[vis_f.detectable[j]] = 1
        if vis_t is not None:
            cat[vis_t.detectable[j]] = 2
        tracks.append((ref.lat_deg[j], ref.lon_deg[j], cat))
    cov_rcs = model.constant_m2 if model.constant_m2 is not None else 0.1
    covs = []
    for c, colour in zip(res.configs, ("#1f77b4", "#d62728"), strict=False):
        radar = RadarModel.from_catalog("an-tpy-2", c["mode"], site=res.site, boresight_az_deg=c["boresight_az_deg"])
        covs.append((coverage(radar, 100e3, cov_rcs, convention=res.convention, n_azimuths=180),
                     f"{c['mode']}: {cov_rcs:g} m^2 at 100 km", colour))
    pts = [(res.site.lat_deg, res.site.lon_deg, "Seongju")]
    seen = set()
    for i in res.shots.index:
        for loc in (res.shots.launch[i], res.shots.aim[i]):
            if loc.label not in seen:
                seen.add(loc.label)
                pts.append((loc.lat_deg, loc.lon_deg, loc.label))
    track_map(
        [{"title": f"boresight {res.configs[0]['boresight_az_deg']:.0f} deg; RCS "
          f"{model.describe()['description']}", "tracks": tracks, "coverages": covs, "points": pts}],
        png,
        categories=[("not detected", "#7f7f7f"), ("forward-based only", "#ff7f0e"),
                    ("terminal (and forward-based)", "#d62728")],
        extent=[118.0, 150.0, 22.0, 46.0],
        center=(res.site.lat_deg, res.site.lon_deg),
        suptitle="Seongju AN/TPY-2: North Korean minimum-energy launches",
        notes=[f"coverage outlines: where a target at 100 km altitude is detected; {res.convention.describe()}"]
        + res.notes[:1],
    )


@analysis_app.command("china-icbm", help="Chinese ICBM flights from bases in the catalog toward US targets: does "
                      "any part fall inside the Seongju radar's coverage, in which mode, for which cross-sections?")
def china_icbm_cmd(
    missiles: Annotated[str | None, typer.Option("--missiles", help="Missiles (comma list).")] = None,
    sites: Annotated[str | None, typer.Option("--sites", help="Launch bases (comma list).")] = None,
    targets: Annotated[str | None, typer.Option("--targets", help="Targets (comma list).")] = None,
    china_az_deg: Annotated[
        float, typer.Option("--china-az-deg", help="Boresight of the 'pointed at China' orientation [deg].")
    ] = 300.0,
    booster_rcs_m2: Annotated[float | None, typer.Option(
        "--booster-rcs-m2", help="Booster RCS [m^2] (default: rcs.yaml's assumed booster, 10).")] = None,
    warhead_rcs: Annotated[str | None, typer.Option(
        "--warhead-rcs-m2", help="Warhead cross-sections of the table [m^2] (comma list; default "
        "0.001,0.003,0.01,0.03,0.1,0.3,1).")] = None,
    map_rcs_m2: Annotated[float | None, typer.Option(
        "--map-rcs-m2", help="Warhead cross-section the map is drawn at [m^2] (default: rcs.yaml's warhead, 0.1).")] = None,
    pd_: PdOpt = None,
    pfa: PfaOpt = None,
    swerling: SwerlingOpt = None,
    looks: LooksOpt = None,
    png: PngOpt = None,
    json_: JsonOpt = False,
) -> None:
    from thaadsim.catalog.loader import missile as lookup_missile
    from thaadsim.sensors import analyses

    conv = detection_convention(pd_, pfa, swerling, looks)
    _finite(china_az_deg, "--china-az-deg")
    booster_rcs_m2 = analyses.BOOSTER_RCS_M2 if booster_rcs_m2 is None else booster_rcs_m2
    map_rcs_m2 = analyses.MAP_WARHEAD_RCS_M2 if map_rcs_m2 is None else map_rcs_m2
    _finite(booster_rcs_m2, "--booster-rcs-m2", positive=True)
    _finite(map_rcs_m2, "--map-rcs-m2", positive=True)
    band = _rcs_list(warhead_rcs, "--warhead-rcs-m2") or analyses.WARHEAD_RCS_M2
    if png and not any(abs(v - map_rcs_m2) <= 1e-12 * v for v in band):
        band = tuple(sorted((*band, map_rcs_m2)))
    ms = _split(missiles, "--missiles") or analyses.CHINA_MISSILES
    ms = tuple(lookup_missile(m, field="--missiles").key for m in ms)
    st = _split(sites, "--sites") or analyses.CHINA_SITES
    tg = _split(targets, "--targets") or analyses.CHINA_TARGETS
    _check_sites(st, "--sites")
    _check_sites(tg, "--targets")
    with progress("china-icbm") as update:
        res = analyses.china_icbm(st, ms, tg, china_az_deg=china_az_deg, warhead_rcs_m2=band,
                                  booster_rcs_m2=booster_rcs_m2, convention=conv, progress=update)
        out = res.as_dict()
        out["summary"] = _china_summary(res)
        band_table = analyses.rcs_band_table(res)
        out["rcs_band_table"] = band_table
        if png:
            if update:
                update(0, None, f"drawing the map {png} (coverage envelopes)")
            _china_map(res, png, map_rcs_m2)
            out["png"] = png
            out["map_rcs_m2"] = map_rcs_m2
    if json_:
        emit_json(out)
        return
    typer.echo("Seongju AN/TPY-2 and Chinese ICBM flights (minimum energy)")
    typer.echo(f"first detections: {conv.describe()}")
    orients = {}
    for c in res.configs:
        orients.setdefault(c["orientation"], (c["boresight_az_deg"], c["orientation_note"]))
    for o, (az, note) in orients.items():
        typer.echo(f"  '{o}': boresight {az:.1f} deg — {note}")
    objects = list(dict.fromkeys(c["object"] for c in res.configs))
    headers = ["missile", "from", "to", "orientation", "mode", *objects]
    grouped: dict[tuple, dict] = {}
    for r in res.rows:
        key = (r["missile"], r["from"], r["to"], r["orientation"], r["mode"])
        grouped.setdefault(key, {"status": r["status"]})[r["object"]] = r
    rows, hidden = [], 0
    for key, cells in grouped.items():
        if cells["status"] != "ok":
            rows.append([*key[:3], key[3].split(" (")[0], key[4], *([cells["status"]] + [""] * (len(objects) - 1))])
            continue
        if not any(cells[o]["visible"] for o in objects):
            hidden += 1
            continue
        vals = []
        for o in objects:
            r = cells[o]
            vals.append(f"{r['first_detection_time_s']:.0f} / {r['visible_duration_s']:.0f}" if r["visible"] else "-")
        rows.append([*key[:3], key[3].split(" (")[0], key[4], *vals])
    typer.echo("per flight — cells: first detection [s after launch] / seconds detectable; '-' never detected")
    typer.echo(format_table(headers, rows))
    if hidden:
        typer.echo(f"{hidden} (flight, orientation, mode) rows never detected at any cross-section are left out "
                   "(all rows are in --json)")
    typer.echo("warhead RCS x mode: flights seen / flights, earliest first detection [s after launch], longest "
               "time in view [s]")
    typer.echo(format_table(*_band_rows(band_table)))
    s = out["summary"]
    typer.echo(f"flights aimed: {s['flights']}; seen in some configuration: {s['flights_seen']}")
    for note in res.notes:
        typer.echo(f"note: {note}")
    if png:
        typer.echo(f"map written to {png}")


def _rcs_list(text: str | None, field: str) -> tuple[float, ...] | None:
    if text is None:
        return None
    try:
        values = tuple(float(x) for x in text.split(",") if x.strip())
    except ValueError:
        raise InputError(f"'{text}' is not a comma list of numbers", field=field, hint="e.g. 0.01,0.1,1") from None
    if not values:
        raise InputError("empty list", field=field, hint="e.g. 0.01,0.1,1")
    for v in values:
        _finite(v, field, positive=True)
    return tuple(sorted(set(values)))


def _band_rows(band_table: list[dict]) -> tuple[list[str], list[list[str]]]:
    """Rows: warhead RCS; columns: orientation | mode."""
    cols = list(dict.fromkeys((c["orientation"].split(" (")[0], c["mode"]) for c in band_table))
    by = {(c["orientation"].split(" (")[0], c["mode"], c["rcs_m2"]): c for c in band_table}
    rows = []
    for rcs in sorted({c["rcs_m2"] for c in band_table}):
        row = [f"{rcs:g}"]
        for o, m in cols:
            c = by.get((o, m, rcs))
            if c is None:
                row.append("")
            elif c["flights_seen"]:
                row.append(f"{c['flights_seen']}/{c['flights']}, t {c['earliest_first_detection_s']:.0f} s, "
                           f"{c['longest_in_view_s']:.0f} s")
            else:
                row.append(f"0/{c['flights']} not seen")
        rows.append(row)
    return ["warhead RCS [m^2]", *(f"{o} | {m}" for o, m in cols)], rows


def _china_summary(res) -> dict:
    ok = [i for i, s in enumerate(res.shots.status) if s == "ok"]
    seen = {(r["missile"], r["from"], r["to"]) for r in res.rows if r.get("visible")}
    by_config: dict[str, int] = {}
    for r in res.rows:
        if r.get("visible"):
            k = f"{r['orientation']} | {r['mode']} | {r['object']}"
            by_config[k] = by_config.get(k, 0) + 1
    return {"flights": len(ok), "flights_seen": len(seen), "flights_seen_by_config": by_config}


def _china_map(res, png: str, warhead_rcs_m2: float) -> None:
    import numpy as np

    from thaadsim.outputs.maps import track_map
    from thaadsim.sensors.coverage import coverage
    from thaadsim.sensors.radar import RadarModel

    orients = list(dict.fromkeys(c["orientation"] for c in res.configs))
    objects = list(dict.fromkeys(c["object"] for c in res.configs))
    booster = [o for o in objects if o.startswith("booster")]
    warheads = [o for o in objects if o.startswith("warhead")
                and abs(next(c["rcs_m2"] for c in res.configs if c["object"] == o) - warhead_rcs_m2)
                <= 1e-12 * warhead_rcs_m2]
    mode = "forward-based"
    cats = [("not detected", "#9a9a9a")]
    order = booster + warheads  # later categories overwrite: the smallest warhead RCS wins
    palette = ["#ff7f0e", "#bcbd22", "#1f77b4", "#d62728", "#9467bd"]
    for k, o in enumerate(order):
        cats.append((f"{mode}: detected as {o}" + (" only" if o in booster else ""), palette[k % len(palette)]))
    panels = []
    for o in orients:
        ref = None
        cat = None
        for k, obj in enumerate(order):
            vis = res.visibility.get(f"{o} | {mode} | {obj}")
            if vis is None:
                continue
            if cat is None:
                ref = vis
                cat = np.zeros(vis.detectable.shape, dtype=int)
            cat[vis.detectable] = k + 1
        if ref is None:
            continue
        tracks = [(ref.lat_deg[j], ref.lon_deg[j], cat[j]) for j in range(len(ref))]
        az = next(c["boresight_az_deg"] for c in res.configs if c["orientation"] == o)
        covs = []
        for m, colour in (("terminal", "#2ca02c"), ("forward-based", "#1f77b4")):
            radar = RadarModel.from_catalog("an-tpy-2", m, site=res.site, boresight_az_deg=az)
            covs.append((coverage(radar, 300e3, warhead_rcs_m2, convention=res.convention, n_azimuths=180),
                         f"{m}: {warhead_rcs_m2:g} m^2 at 300 km", colour))
        pts = [(res.site.lat_deg, res.site.lon_deg, "Seongju")]
        seen = set()
        for i in res.shots.index:
            for loc in (res.shots.launch[i], res.shots.aim[i]):
                if loc.label not in seen and 90.0 <= loc.lon_deg <= 170.0:
                    seen.add(loc.label)
                    pts.append((loc.lat_deg, loc.lon_deg, loc.label))
        panels.append({"title": f"{o}: boresight {az:.0f} deg ({mode} mode colours)", "tracks": tracks,
                       "coverages": covs, "points": pts})
    if not panels:
        raise InputError("nothing was flown: no map to draw", field="--png")
    track_map(
        panels, png, categories=cats, extent=[95.0, 165.0, 22.0, 62.0], resolution="110m",
        center=(res.site.lat_deg, res.site.lon_deg),
        suptitle="Seongju AN/TPY-2 and Chinese ICBM minimum-energy flights (ground tracks; colour: detected)",
        notes=[f"dashed: coverage of a {warhead_rcs_m2:g} m^2 target at 300 km altitude; booster = powered stack "
               "then spent stage on the RV's path; the table covers the warhead RCS band",
               res.convention.describe()] + res.notes[:2],
    )
