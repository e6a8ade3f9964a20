"""Radar commands: ``radar`` (range equation and Pd) and ``coverage`` (where a target is seen)."""

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
from thaadsim.cli.output import check_output_file, emit_json, format_table
from thaadsim.cli.progress import progress

RcsOpt = Annotated[float, typer.Option("--rcs-m2", help="Target radar cross-section [m^2].")]


@app.command(help="SNR and probability of detection of a target at a given range (free space, boresight).")
def radar(
    rcs_m2: RcsOpt,
    range_km: Annotated[float, typer.Option("--range-km", help="Slant range to the target [km].")],
    radar_key: RadarOpt = "an-tpy-2",
    mode: ModeOpt = None,
    pd_: PdOpt = None,
    pfa: PfaOpt = None,
    swerling: SwerlingOpt = None,
    looks: LooksOpt = None,
    json_: JsonOpt = False,
) -> None:
    from thaadsim.sensors.detection import db, pd_exact
    from thaadsim.sensors.radar import RadarModel
    from thaadsim.sensors.range_quotes import read_quotes

    conv = detection_convention(pd_, pfa, swerling, looks)
    model = conv.applied_to(RadarModel.from_catalog(radar_key, mode))
    snr = float(model.snr(range_km * 1e3, rcs_m2))
    pd = float(pd_exact(snr, conv.pfa, conv.swerling, conv.looks))
    snr_ref = conv.snr_required
    result = {
        "radar": model.key,
        "mode": model.mode,
        "form": model.form,
        "rcs_m2": rcs_m2,
        "range_km": range_km,
        "snr_db": float(db(snr)),
        "pd": pd,
        "criterion": {"swerling": conv.swerling, "pfa": conv.pfa, "looks": conv.looks,
                      "integration": "each look one coherently integrated dwell; looks integrated non-coherently"},
        "detection_range_km": float(model.free_space_range_m(rcs_m2, snr_ref)) / 1e3,
        "detection_range_criterion": {"pd": conv.pd, "swerling": conv.swerling, "pfa": conv.pfa,
                                      "looks": conv.looks, "snr_db": float(db(snr_ref))},
        "detection_convention": conv.as_dict(),
        "range_quotes": [r.as_dict() for r in read_quotes(radar_key, model.mode, conv)],
        "range_quotes_note": "each published range read back through the preset: the cross-section it detects at "
                             "that range (free space, boresight) at this detection convention",
        "geometry": "free space at boresight: no Earth, no scan loss (see `thaadsim coverage`)",
        "assumptions": model.assumptions_table(),
    }
    if json_:
        emit_json(result)
        return
    typer.echo(
        f"{model.key} {model.mode}: RCS {rcs_m2:g} m^2 at {range_km:,.1f} km -> SNR {result['snr_db']:.2f} dB, "
        f"Pd {pd:.4f} (Swerling {conv.swerling}, P_fa {conv.pfa:g}, {conv.looks} look{'s' if conv.looks > 1 else ''})"
    )
    typer.echo(f"detection range for this RCS: {result['detection_range_km']:,.1f} km ({conv.describe()})")
    if result["range_quotes"]:
        typer.echo(f"published ranges for this mode, and the RCS that reproduces each here ({conv.describe()}):")
        qrows = []
        for q in result["range_quotes"]:
            span = f"{q['range_km']:,.0f}" + (f"-{q['range_high_km']:,.0f}" if q["range_high_km"] else "")
            span = ("~" if q["approximate"] else "") + (">" if q["lower_bound"] else "") + span
            lo, hi = q["implied_rcs_band_m2"]
            qrows.append((span, q["target"], q["convention"], f"{q['implied_rcs_m2']:.3g}",
                          f"{lo:.3g}-" + ("" if hi is None else f"{hi:.3g}"),
                          q["role"] + ("" if q["checked"] else ", unchecked"), q["source"][:60]))
        typer.echo(format_table(["range [km]", "target", "criterion", "RCS [m^2]", "RCS band [m^2]", "role",
                                 "source"], qrows))
    rows = [(a["name"], f"{a['value']:g}", "yes" if a["assumed"] else "", a["source"]) for a in result["assumptions"]]
    typer.echo(format_table(["parameter", "value", "assumed", "source"], rows))


@app.command(help="Where a target at a given altitude and RCS is detected: range by azimuth, region, area.")
def coverage(
    site: Annotated[str, typer.Option("--site", help="Radar site: catalog key or LAT,LON[,ALT_M].")],
    rcs_m2: RcsOpt,
    altitude_km: Annotated[float, typer.Option("--altitude-km", help="Target altitude above the ellipsoid [km].")],
    radar_key: RadarOpt = "an-tpy-2",
    mode: ModeOpt = None,
    boresight_az_deg: Annotated[
        float | None, typer.Option("--boresight-az-deg", help="Face boresight, clockwise from north [deg].")
    ] = None,
    scan_limit_deg: Annotated[
        float | None, typer.Option("--scan-limit-deg", help="Scan limit off the face normal [deg], ≤ 90.")
    ] = None,
    min_elevation_deg: Annotated[
        float | None, typer.Option("--min-elevation-deg", help="Minimum elevation [deg].")
    ] = None,
    pd_: PdOpt = None,
    pfa: PfaOpt = None,
    swerling: SwerlingOpt = None,
    looks: LooksOpt = None,
    n_azimuths: Annotated[int, typer.Option("--n-azimuths", help="Azimuth samples around the radar.")] = 720,
    png: PngOpt = None,
    json_: JsonOpt = False,
) -> None:
    from thaadsim.catalog.loader import resolve_location
    from thaadsim.sensors.coverage import coverage as compute
    from thaadsim.sensors.radar import RadarModel

    if png:
        check_output_file(png, "--png")
    # every number has passed its limit (cli/options.py LIMITS) before this runs
    conv = detection_convention(pd_, pfa, swerling, looks)
    loc = resolve_location(site, "--site")
    model = RadarModel.from_catalog(
        radar_key,
        mode,
        site=loc,
        boresight_az_deg=boresight_az_deg,
        scan_limit_deg=scan_limit_deg,
        min_elevation_deg=min_elevation_deg,
    )
    with progress("coverage") as update:
        if update:
            update(0, 2 if png else 1, f"coverage on {n_azimuths} azimuths")
        cov = compute(model, altitude_km * 1e3, rcs_m2, convention=conv, n_azimuths=n_azimuths)
        limits: dict[str, int] = {}
        for lim in cov.limit:
            if lim != "none":
                limits[lim] = limits.get(lim, 0) + 1
        result = {
            "radar": model.key,
            "mode": model.mode,
            "site": {"label": loc.label, "lat_deg": loc.lat_deg, "lon_deg": loc.lon_deg, "alt_m": loc.alt_m},
            "boresight_az_deg": math.degrees(model.face_az_rad[0]),
            "rcs_m2": rcs_m2,
            "altitude_km": altitude_km,
            "criterion": {"pd_threshold": cov.pd_threshold, "swerling": conv.swerling, "pfa": conv.pfa,
                          "looks": conv.looks},
            "detection_convention": conv.as_dict(),
            "max_range_km": cov.max_range_m / 1e3,
            "max_range_note": "largest slant range at which the target is detected",
            "max_ground_range_km": cov.max_ground_range_m_overall / 1e3,
            "area_km2": cov.area_km2,
            "limits_by_azimuth_count": limits,
            "polygon": cov.polygon.tolist(),
            "n_polygons": len(cov.polygons),
            "by_azimuth": {
                "azimuth_deg": cov.azimuth_deg.tolist(),
                "max_ground_range_km": (cov.max_ground_range_m / 1e3).tolist(),
                "min_ground_range_km": (cov.min_ground_range_m / 1e3).tolist(),
                "limit": list(cov.limit),
            },
            "notes": list(cov.notes),
            "assumptions": model.assumptions_table(),
        }
        if png:
            from thaadsim.outputs.maps import coverage_map

            if update:
                update(1, 2, f"drawing the map {png}")
            coverage_map(
                cov,
                png,
                radar_site=(loc.lat_deg, loc.lon_deg, loc.label),
                title=f"{model.key} {model.mode} at {loc.label}: RCS {rcs_m2:g} m², altitude {altitude_km:g} km\n"
                f"{conv.describe()}",
                notes=list(cov.notes) + ["assumed: " + ", ".join(a["name"] for a in result["assumptions"] if a["assumed"])],
            )
            result["png"] = png
        if update:
            update(2 if png else 1, 2 if png else 1, "done")
    if json_:
        emit_json(result)
        return
    typer.echo(
        f"{model.key} {model.mode} at {loc.label} (boresight {result['boresight_az_deg']:.1f} deg): "
        f"RCS {rcs_m2:g} m^2 at {altitude_km:g} km altitude"
    )
    typer.echo(
        f"max range {result['max_range_km']:,.1f} km (slant), {result['max_ground_range_km']:,.1f} km (ground); "
        f"area {cov.area_km2:,.0f} km^2 — {conv.describe()}"
    )
    typer.echo("limited by: " + ", ".join(f"{k} ({v} azimuths)" for k, v in limits.items()))
    for note in cov.notes:
        typer.echo(f"note: {note}")
    typer.echo("assumed: " + ", ".join(a["name"] for a in result["assumptions"] if a["assumed"]))
    if png:
        typer.echo(f"map written to {png}")
