"""Defended-footprint command: ``footprint``."""

from __future__ import annotations

from typing import Annotated

import typer

from thaadsim.cli.main import app
from thaadsim.cli.options import JsonOpt, PngOpt
from thaadsim.cli.output import emit_json
from thaadsim.cli.progress import progress
from thaadsim.errors import InputError

POINT_BYTES = 1_000_000
"""Peak memory per aim point of the footprint grid: measured 0.84 MB (Seongju against
Scud-ER from Sunan: 526 MB peak at 432 points, 1,093 MB at 1,104), rounded up."""


@app.command(help="Defended footprint of a battery against one threat type from one launch point: "
                  "the ground area defended once (and twice, shoot-look-shoot), its extents and a map.")
def footprint(
    battery_site: Annotated[str | None, typer.Option("--battery-site", help="Battery site: site key or LAT,LON.")] = None,
    missile: Annotated[str | None, typer.Option(help="Catalog missile key of the threat.")] = None,
    from_: Annotated[str | None, typer.Option("--from", help="Threat launch point: site key or LAT,LON.")] = None,
    battery: Annotated[str, typer.Option(help="Catalog battery key.")] = "thaad-battery",
    azimuths: Annotated[int, typer.Option(help="Azimuths of the polar grid of aim points (even, >= 8).")] = 24,
    max_range_km: Annotated[float, typer.Option(help="Outer ground range of the aim-point grid [km].")] = 420.0,
    range_step_km: Annotated[float, typer.Option(help="Ground-range step of the aim-point grid [km].")] = 30.0,
    refine_steps: Annotated[int, typer.Option(help="Bisection rounds on each edge (resolution step/2^n).")] = 4,
    png: PngOpt = None,
    json_: JsonOpt = False,
) -> None:
    import math

    from thaadsim.budget import BASE_BYTES, require
    from thaadsim.defense.battery import Battery
    from thaadsim.defense.footprint import defended_footprint

    for value, name in ((battery_site, "--battery-site"), (missile, "--missile"), (from_, "--from")):
        if not value:
            raise InputError("is required", field=name, hint="see `thaadsim footprint --help`")
    # every number has passed its limit (cli/options.py LIMITS); the grid's azimuths also pair up
    if azimuths % 2:
        raise InputError(f"{azimuths} azimuths", field="--azimuths", hint="give an even number from 8 to 720")
    points = azimuths * math.ceil(max_range_km / range_step_km) + azimuths * refine_steps
    require(BASE_BYTES + points * POINT_BYTES, f"a grid of {points:,} aim points", field="--range-step-km",
            hint="give a coarser --range-step-km, a smaller --max-range-km or fewer --azimuths")
    b = Battery.from_catalog(battery, site=battery_site)
    with progress("footprint") as update:
        fp = defended_footprint(b, missile, from_, n_azimuths=azimuths, max_range_m=max_range_km * 1e3,
                                range_step_m=range_step_km * 1e3, refine_steps=refine_steps, progress=update)
        result = fp.as_dict()
        if png:
            from thaadsim.outputs.maps import footprint_map

            if update:
                update(0, None, f"drawing the map {png}")
            footprint_map(fp, png, notes=list(fp.assumptions[:6]))
            result["png"] = png
    if json_:
        emit_json(result)
        return
    tw = result["twice"]
    typer.echo(f"{fp.missile} from {fp.launch.label} ({result['launch_distance_km']:,.0f} km, threat axis "
               f"{fp.axis_azimuth_deg:.1f} deg from the battery) against {b.name} at "
               f"{b.lat_deg:.4f} N, {b.lon_deg:.4f} E")
    typer.echo(f"defended once:  {result['area_km2']:,.0f} km2   forward {result['forward_km']:,.1f} km   "
               f"rear {result['rear_km']:,.1f} km")
    typer.echo(f"defended twice: {tw['area_km2']:,.0f} km2   forward {tw['forward_km']:,.1f} km   "
               f"rear {tw['rear_km']:,.1f} km  (shoot-look-shoot, {b.kill_assessment_s:g} s kill assessment)")
    typer.echo("assumed: " + "; ".join(fp.assumptions[:6]))
    if png:
        typer.echo(f"map written to {png}")
