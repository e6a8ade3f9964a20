"""Engagement command: ``engage`` (a salvo flown, tracked by the battery's radar, engaged)."""

from __future__ import annotations

import math
from typing import Annotated

import typer

from thaadsim.cli.main import app
from thaadsim.cli.options import JsonOpt
from thaadsim.cli.output import emit_json, format_table
from thaadsim.cli.progress import progress
from thaadsim.defense.doctrine import DEFAULT_DOCTRINE, DOCTRINES
from thaadsim.errors import InputError


def _fmt(x, spec: str = ".1f") -> str:
    return "-" if x is None or (isinstance(x, float) and not math.isfinite(x)) else format(x, spec)


def _print(result: dict) -> None:
    s, b = result["salvo"], result["battery"]
    typer.echo(f"{s['count']} x {s['missile']} from {s['from']['label']} to {s['to']['label']}, "
               f"{s['spacing_s']:g} s apart ({s['range_km']:,.0f} km, flight {s['flight_time_s']:,.0f} s); battery "
               f"{b['name']} at {b['lat_deg']:.4f}, {b['lon_deg']:.4f}, {result['doctrine']}, "
               + (f"SSPK {result['sspk']:g}" if result["kill_model"] == "sspk" else "kill model pn"))
    typer.echo(f"threats {result['threats']}, engaged {result['engaged']}, intercepted {result['intercepted']}, "
               f"leaked {result['leaked']}, interceptors fired {result['interceptors_fired']} of {b['inventory']} "
               f"({result['interceptors_wasted_on_false_tracks']} at false tracks)")
    rows = [(p["object_id"], ",".join(map(str, p["track_ids"])) or "-", p["outcome"], p["shots"],
             _fmt(p["intercept_altitude_km"]), _fmt(p["intercept_range_km"]), _fmt(p["intercept_time_s"]))
            for p in result["per_threat"]]
    typer.echo(format_table(["missile", "tracks", "outcome", "shots", "alt km", "range km", "t intercept s"], rows))
    for a in result["assumptions"]:
        typer.echo(f"assumption: {a}")


@app.command(help="Fly a salvo at a defended area, track it with the battery's radar and engage it.")
def engage(
    battery_site: Annotated[str, typer.Option("--battery-site", help="Battery site: catalog key or LAT,LON[,ALT_M].")],
    missile: Annotated[str, typer.Option("--missile", help="Catalog missile key.")],
    from_: Annotated[str, typer.Option("--from", help="Launch point: site key or LAT,LON.")],
    to: Annotated[str, typer.Option("--to", help="Aim point: site key or LAT,LON.")],
    count: Annotated[int, typer.Option("--count", help="Missiles in the salvo.")] = 1,
    spacing_s: Annotated[float, typer.Option("--spacing-s", help="Time between launches [s].")] = 5.0,
    doctrine: Annotated[str, typer.Option(
        "--doctrine", help=" or ".join(DOCTRINES) + ".")] = DEFAULT_DOCTRINE,
    sspk: Annotated[float | None, typer.Option(
        "--sspk", help="Single-shot kill probability (default: catalog).")] = None,
    kill_model: Annotated[str, typer.Option(
        "--kill-model", help="sspk (stated single-shot kill probability) or pn (proportional-navigation "
        "endgame, miss < lethal radius).")] = "sspk",
    seed: Annotated[int, typer.Option("--seed", help="Seed of the one random generator.")] = 1,
    asset_radius_km: Annotated[float | None, typer.Option(
        "--asset-radius-km", help="Radius of each defended asset [km] (default assumed: 30).")] = None,
    defend_aim: Annotated[bool, typer.Option(
        "--defend-aim", help="Also defend the aim point (--to) as an asset; default: the battery site only.")] = False,
    commit_delay_s: Annotated[float, typer.Option(
        "--commit-delay-s", help="Fire control decides this long after a track's confirmation [s] "
        "(default assumed: 30).")] = None,
    no_false_alarms: Annotated[bool, typer.Option("--no-false-alarms", help="Switch radar false alarms off.")] = False,
    json_: JsonOpt = False,
) -> None:
    # user errors first, before any flight; every number has passed its limit (cli/options.py LIMITS)
    if doctrine not in DOCTRINES:
        raise InputError(f"unknown doctrine '{doctrine}'", field="--doctrine", hint="use " + " or ".join(DOCTRINES))
    if kill_model not in ("sspk", "pn"):
        raise InputError(f"unknown kill model '{kill_model}'", field="--kill-model", hint="use sspk or pn")
    from thaadsim.catalog.loader import missile as lookup_missile
    from thaadsim.catalog.loader import resolve_location

    resolve_location(battery_site, "--battery-site")
    resolve_location(from_, "--from")
    resolve_location(to, "--to")
    lookup_missile(missile, field="--missile")

    from thaadsim.cli.progress import stages
    from thaadsim.scenario.salvo import engage_salvo

    with progress("engage") as update:
        res = engage_salvo(missile, from_, to, battery_site=battery_site, count=count, spacing_s=spacing_s,
                           doctrine=doctrine, sspk=sspk, kill_model=kill_model, asset_radius_km=asset_radius_km,
                           defend_aim=defend_aim, commit_delay_s=commit_delay_s, false_alarms=not no_false_alarms,
                           seed=seed, progress=stages(update))
    result = res.to_dict()
    result["seed"] = seed
    if json_:
        emit_json(result)
    else:
        _print(result)
