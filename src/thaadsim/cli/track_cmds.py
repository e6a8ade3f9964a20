"""Tracking command: ``track`` (a salvo flown, seen by a radar and tracked)."""

from __future__ import annotations

import math
from typing import Annotated

import typer

from thaadsim.cli.main import app
from thaadsim.cli.options import JsonOpt, ModeOpt, RadarOpt
from thaadsim.cli.output import emit_json, format_table
from thaadsim.cli.progress import progress


def _fmt(x, spec: str = ".1f") -> str:
    return "-" if x is None or (isinstance(x, float) and not math.isfinite(x)) else format(x, spec)


def _print(result: dict) -> None:
    t, rd, d, sv, tk = result["truth"], result["radar"], result["detections"], result["surveillance"], result["tracker"]
    typer.echo(
        f"{t['count']} x {t['missile']} from {t['from']['label']} to {t['to']['label']}, {t['spacing_s']:g} s apart: "
        f"{t['range_km']:,.0f} km, apogee {t['apogee_km']:,.0f} km, flight {t['flight_time_s']:,.0f} s "
        f"({t['profile']}, burn fraction {t['burn_fraction']:.3f})")
    typer.echo(
        f"radar {rd['key']} {rd['mode']} at {rd['site']} (boresight {rd['boresight_az_deg']:.1f} deg), "
        f"RCS {rd['rcs_m2']:g} m^2 Swerling {rd['swerling']}: {d['of_targets']} target detections in "
        f"{d['looks_with_target_detected']} of {d['looks']} looks, {d['false_alarms']} false alarms")
    if sv is not None:
        typer.echo(
            f"false-alarm sector: az {sv['az_center_deg']:.1f} +- {sv['az_half_width_deg']:.1f} deg, "
            f"el {sv['el_min_deg']:.1f}-{sv['el_max_deg']:.1f} deg, range {sv['range_min_km']:,.0f}-"
            f"{sv['range_max_km']:,.0f} km: {sv['false_alarms_per_look_expected']:.1f} per look expected")
    typer.echo(
        f"truth {result['truth_count']}, confirmed tracks {result['tracks_confirmed']}, false tracks "
        f"{result['false_tracks']}, redundant {result['redundant_tracks']}, swaps {result['swaps']}")
    if not result["tracks"]:
        typer.echo("no tracks")
    else:
        rows = [(tr["track_id"], "false" if tr["truth"] is None else tr["truth"], _fmt(tr["confirmed_time_s"]),
                 _fmt(tr["confirmed_after_launch_s"]), _fmt(tr["last_update_s"]),
                 _fmt(tr["impact_point_error_km"], ".2f"), _fmt(tr["cep_km"], ".2f"),
                 _fmt(tr["launch_point_error_km"], ".2f"), _fmt(tr["launch_cep_km"], ".2f"),
                 _fmt(tr["time_to_impact_s"]), _fmt(tr["impact"]["sigma_time_s"]),
                 "-" if tr["class_estimate"] is None else f"{tr['class_estimate']} ({tr['class_probability']:.2f})")
                for tr in result["tracks"]]
        typer.echo(format_table(["track", "truth", "confirmed s", "after launch s", "last update s",
                                 "impact err km", "CEP km", "launch err km", "launch CEP km", "to impact s",
                                 "+- 1 sigma s", "class"], rows))
    typer.echo(
        f"tracker: {tk['filter'].upper()}, {tk['association'].upper()}, {tk['initiation']} initiation, "
        f"q {tk['q_m2_s3']:g} m^2/s^3, drag state {'on' if tk['drag_state'] else 'off'}, gate P "
        f"{tk['gate_probability']:g}, confirm {tk['confirm_m']}-of-{tk['confirm_n']}, delete after "
        f"{tk['delete_after_misses']} misses; {tk['tracks_started']} tracks started")
    for note in result["notes"]:
        typer.echo(f"note: {note}")


@app.command(help="Fly a salvo, measure it with a radar and track it: track counts, impact and launch points.")
def track(
    site: Annotated[str, typer.Option("--site", help="Radar site: catalog key or LAT,LON[,ALT_M].")],
    missile: Annotated[str, typer.Option("--missile", help="Catalog missile key (see `thaadsim catalog missiles`).")],
    from_: Annotated[str, typer.Option("--from", help="Launch point: site key or LAT,LON.")],
    to: Annotated[str, typer.Option("--to", help="Aim point: site key or LAT,LON.")],
    radar_key: RadarOpt = "an-tpy-2",
    mode: ModeOpt = None,
    boresight_az_deg: Annotated[float | None, typer.Option(
        "--boresight-az-deg", help="Face boresight, clockwise from north [deg]; default: toward the launch point.")] = None,
    count: Annotated[int, typer.Option("--count", help="Missiles in the salvo.")] = 1,
    spacing_s: Annotated[float, typer.Option("--spacing-s", help="Time between launches [s].")] = 5.0,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the random generator (noise, detection, false alarms).")] = 1,
    rcs_m2: Annotated[float | None, typer.Option(
        "--rcs-m2", help="Target cross-section [m^2] (default: rcs.yaml's assumed reference target, 1).")] = None,
    swerling: Annotated[int, typer.Option("--swerling", help="Target fluctuation: Swerling case 0-4.")] = 1,
    no_false_alarms: Annotated[bool, typer.Option("--no-false-alarms", help="Switch false alarms off.")] = False,
    filter_: Annotated[str, typer.Option("--filter", help="ekf or ukf.")] = "ekf",
    association: Annotated[str, typer.Option("--association", help="gnn or jpda.")] = "gnn",
    initiation: Annotated[str, typer.Option(
        "--initiation", help="two_point (default: pairs of detections in successive looks) or single_point.")
    ] = "two_point",
    json_: JsonOpt = False,
) -> None:
    # every number has passed its limit (cli/options.py LIMITS) before this runs
    from thaadsim.catalog.loader import missile as lookup_missile
    from thaadsim.catalog.loader import resolve_location
    from thaadsim.catalog.radars import radar as lookup_radar

    radar_site = resolve_location(site, "--site")
    launch = resolve_location(from_, "--from")
    resolve_location(to, "--to")
    lookup_missile(missile, field="--missile")  # unknown names fail before any flight
    record = lookup_radar(radar_key)
    if mode is not None:
        record.mode(mode)

    import numpy as np

    from thaadsim.cli.progress import stages
    from thaadsim.earth import frames
    from thaadsim.scenario.salvo import track_salvo

    with progress("track") as update:
        res = track_salvo(missile, from_, to, site=site, radar=radar_key, mode=mode,
                          boresight_az_deg=boresight_az_deg, count=count, spacing_s=spacing_s, rcs_m2=rcs_m2,
                          swerling=swerling, false_alarms=not no_false_alarms, filter=filter_.lower(),
                          association=association.lower(), initiation=initiation.lower().replace("-", "_"),
                          seed=seed, progress=stages(update))
    result = res.to_dict()
    result["seed"] = seed
    if boresight_az_deg is not None:
        result["boresight_default"] = "given"
    else:
        # a radar on the launch point has no direction to it: it keeps the mode's boresight (runner.build_radar)
        dist = frames.geodesic_inverse(radar_site.lat_deg, radar_site.lon_deg, launch.lat_deg, launch.lon_deg)[2]
        far = float(np.asarray(dist).reshape(-1)[0]) > 1e3
        result["boresight_default"] = "toward the launch point" if far else "the mode's"
    result["radar"]["assumptions"] = res.radar.assumptions_table()
    if json_:
        emit_json(result)
    else:
        _print(result)
