"""Flight commands: ``trajectory``, ``infer-range`` and ``replay``."""

from __future__ import annotations

from typing import Annotated

import typer

from thaadsim.cli.main import app
from thaadsim.cli.options import JsonOpt
from thaadsim.cli.output import emit_json, format_table
from thaadsim.cli.progress import progress
from thaadsim.errors import InputError

EarthOpt = Annotated[str, typer.Option("--earth", help="Earth model: wgs84 (ellipsoid, J2) or sphere (validation).")]
NoRotation = Annotated[bool, typer.Option("--no-rotation", help="Treat the Earth as not rotating.")]
NoDrag = Annotated[bool, typer.Option("--no-drag", help="Switch off the atmosphere's drag.")]


def _options(earth: str, no_rotation: bool, no_drag: bool):
    from thaadsim.flight.engine import FlightOptions

    return FlightOptions(earth=earth.lower(), rotation=not no_rotation, drag=not no_drag)


def _print_trajectory(result: dict) -> None:
    lines = [
        f"range {result['range_km']:,.1f} km   apogee {result['apogee_km']:,.1f} km   "
        f"flight time {result['flight_time_s']:,.1f} s ({result['flight_time_s'] / 60:.1f} min)",
        f"burnout {result['burnout_speed_m_s']:,.0f} m/s at {result['burnout_gamma_deg']:.2f} deg, "
        f"{result['burnout_alt_km']:.1f} km altitude, t = {result['burnout_time_s']:.1f} s",
        f"impact {result['impact_lat_deg']:.4f} N, {result['impact_lon_deg']:.4f} E"
        + (f"   miss {result['miss_km']:.3f} km" if result.get("miss_km") is not None else ""),
    ]
    typer.echo("\n".join(lines))
    rows = [(e["event"], f"{e['time_s']:.1f}", f"{e['alt_km']:.1f}", f"{e['speed_m_s']:.0f}",
             f"{e['gamma_deg']:.2f}") for e in result["events"]]
    typer.echo(format_table(["event", "t [s]", "alt [km]", "speed [m/s]", "gamma [deg]"], rows))
    model = result["model"]
    typer.echo(f"model: {model['earth']}, rotation {'on' if model['rotation'] else 'off'}, "
               f"drag {'on' if model['drag'] else 'off'}; {model['integrator']}")
    kep = result.get("min_energy_apogee_vs_closed_form")
    if kep:
        typer.echo(
            f"apogee {kep['engine_apogee_km']:,.0f} km vs vacuum conics: textbook minimum-energy (burnout at the "
            f"surface, gamma* {kep['surface_closed_form_gamma_deg']:.1f} deg) {kep['surface_closed_form_km']:,.0f} km; "
            f"this flight's burnout state ({kep['burnout_alt_km']:.0f} km, {kep['burnout_gamma_deg']:.1f} deg) "
            f"{kep['burnout_state_km']:,.0f} km; best angle from that burnout "
            f"({kep['best_from_burnout_gamma_deg']:.1f} deg) {kep['best_from_burnout_km']:,.0f} km. "
            "The steering program trades a flatter burnout for less gravity loss, so the range-maximising "
            "flight burns out flatter and peaks lower than the textbook conic.")
    if result["assumptions"]:
        typer.echo("assumed: " + "; ".join(result["assumptions"]))


@app.command(help="Fly one trajectory: a catalog missile to an aim point, or a reentry vehicle from a burnout state.")
def trajectory(
    missile: Annotated[str | None, typer.Option(help="Catalog missile key (see `thaadsim catalog missiles`).")] = None,
    from_: Annotated[str | None, typer.Option("--from", help="Launch (or burnout) point: site key or LAT,LON.")] = None,
    to: Annotated[str | None, typer.Option(help="Aim point: site key or LAT,LON.")] = None,
    profile: Annotated[str, typer.Option(help="min-energy, lofted or depressed.")] = "min-energy",
    apogee_km: Annotated[float | None, typer.Option(help="Apogee for a lofted or depressed flight [km].")] = None,
    burnout_speed: Annotated[float | None, typer.Option(help="Burnout-state mode: ground-relative speed [m/s].")] = None,
    gamma_deg: Annotated[float | None, typer.Option(help="Burnout flight-path angle above the local horizontal [deg].")] = None,
    azimuth_deg: Annotated[float | None, typer.Option(help="Burnout-state mode: heading, clockwise from north [deg].")] = None,
    burnout_alt_km: Annotated[float, typer.Option(help="Burnout-state mode: burnout altitude [km].")] = 0.0,
    beta_kg_m2: Annotated[float, typer.Option(
        help="Burnout-state mode: RV ballistic coefficient m/(Cd A) [kg/m^2] (assumed default).")] = 10_000.0,
    earth: EarthOpt = "wgs84",
    no_rotation: NoRotation = False,
    no_drag: NoDrag = False,
    json_: JsonOpt = False,
) -> None:
    from thaadsim.catalog.loader import missile as lookup_missile
    from thaadsim.catalog.loader import resolve_location
    from thaadsim.earth import frames
    from thaadsim.flight import summary
    from thaadsim.flight.engine import fly_from_burnout
    from thaadsim.flight.targeting import Launch, solve
    from thaadsim.flight.vehicle import Vehicle

    options = _options(earth, no_rotation, no_drag)
    if from_ is None:
        raise InputError("a launch point is required", field="--from", hint="give a site key or LAT,LON")
    launch = resolve_location(from_, "--from")
    if burnout_speed is not None:
        if missile is not None:
            raise InputError("give either --missile or --burnout-speed, not both", field="--burnout-speed")
        if gamma_deg is None:
            raise InputError("burnout-state mode needs the flight-path angle", field="--gamma-deg")
        if (azimuth_deg is None) == (to is None):
            raise InputError("burnout-state mode needs exactly one of --azimuth-deg and --to", field="--azimuth-deg")
        if not (0.0 <= burnout_alt_km < 2000.0):
            raise InputError("must lie in [0, 2000) km", field="--burnout-alt-km")
        aim = None
        if to is not None:
            aim = resolve_location(to, "--to")
            azimuth_deg = float(frames.geodesic_inverse(launch.lat_deg, launch.lon_deg, aim.lat_deg, aim.lon_deg,
                                                        earth=options.earth)[0])
        batch = fly_from_burnout(launch.lat_deg, launch.lon_deg, burnout_alt_km * 1e3, burnout_speed, gamma_deg,
                                 azimuth_deg % 360.0, beta_kg_m2, options)
        if not batch.ok[0]:
            raise InputError(batch.status_text(0), field="--burnout-speed")
        result = summary.trajectory(batch)
        result["mode"] = "burnout-state"
        result["azimuth_deg"] = azimuth_deg % 360.0
    else:
        if missile is None:
            raise InputError("give --missile NAME (or --burnout-speed for burnout-state mode)", field="--missile")
        if to is None:
            raise InputError("an aim point is required", field="--to", hint="give a site key or LAT,LON")
        aim = resolve_location(to, "--to")
        record = lookup_missile(missile, field="--missile")
        vehicle = Vehicle.from_missile(record)
        # one stage, no count: the solve's iterations are not known ahead (the first call also loads
        # the compiled flight kernels, seconds on a busy machine)
        with progress("trajectory") as update:
            if update:
                update(0, None, f"aiming {record.key} at {aim.label} ({profile})")
            solution = solve(vehicle, Launch(launch.lat_deg, launch.lon_deg, launch.alt_m), aim.lat_deg,
                             aim.lon_deg, profile=profile, apogee_m=None if apogee_km is None else apogee_km * 1e3,
                             gamma_deg=gamma_deg, options=options)
        result = summary.trajectory(solution.flight)
        result.update({
            "mode": "missile",
            "missile": record.key,
            "profile": profile,
            "azimuth_deg": solution.azimuth_deg % 360.0,
            "kick_deg": solution.kick_deg,
            "burn_fraction": solution.burn_fraction,
            "miss_km": solution.miss_m / 1e3,
        })
        if profile == "min-energy":
            from thaadsim.flight.targeting import kepler_min_energy_apogees

            result["min_energy_apogee_vs_closed_form"] = kepler_min_energy_apogees(solution.flight)
    result["from"] = launch.label
    if aim is not None:
        result["to"] = aim.label
    if json_:
        emit_json(result)
    else:
        _print_trajectory(result)


@app.command("infer-range", help="Reverse analysis of a lofted test: fit a rocket to it and fly it on a standard trajectory.")
def infer_range(
    apogee_km: Annotated[float | None, typer.Option(help="Observed apogee [km] (default: the --test's).")] = None,
    range_km: Annotated[float | None, typer.Option(help="Observed ground range [km] (default: the --test's).")] = None,
    flight_time_s: Annotated[float | None, typer.Option(help="Observed flight time [s], if known.")] = None,
    from_: Annotated[str | None, typer.Option(
        "--from", help="Launch site (site key or LAT,LON); default sunan, or the --test's site.")] = None,
    toward: Annotated[str | None, typer.Option(help="Also fly the fitted rocket toward this point, with rotation.")] = None,
    test: Annotated[str | None, typer.Option(
        help="Catalog flight test (see `thaadsim replay`): its figures, site and missile.")] = None,
    missile: Annotated[str | None, typer.Option(
        help="Catalog missile whose bands and published launch mass constrain the fit.")] = None,
    draws: Annotated[int, typer.Option(help="Joint draws of the free parameters.")] = 600,
    seed: Annotated[int, typer.Option(help="Seed of the sampling (numpy Generator).")] = 20171129,
    json_: JsonOpt = False,
) -> None:
    from thaadsim.catalog import loader
    from thaadsim.catalog.loader import resolve_location
    from thaadsim.flight.reverse import Prior, report
    from thaadsim.flight.reverse import infer_range as run
    from thaadsim.flight.targeting import Launch

    record = None
    azimuth_deg, azimuth_basis = 90.0, "due east (assumed: no test named)"
    if test is not None:
        from thaadsim.flight.engine import FlightOptions
        from thaadsim.flight.replay import _launch_and_azimuth

        flown = loader.flight_test(test, field="--test")
        if from_ is None:
            _, azimuth_deg, azimuth_basis = _launch_and_azimuth(flown, FlightOptions())
        apogee_km = flown.apogee_km.value if apogee_km is None else apogee_km
        range_km = flown.range_km.value if range_km is None else range_km
        if flight_time_s is None and flown.flight_time_s is not None:
            flight_time_s = flown.flight_time_s.value
        from_ = from_ or flown.site
        missile = missile or flown.missile
    if apogee_km is None or range_km is None:
        raise InputError("give --apogee-km and --range-km, or --test KEY", field="--apogee-km")
    if missile is not None:
        record = loader.missile(missile, field="--missile")
    launch_loc = resolve_location(from_ or "sunan", "--from")
    toward_loc = resolve_location(toward, "--toward") if toward else None
    with progress("infer-range") as update:
        estimate = run(apogee_km * 1e3, range_km * 1e3, flight_time_s,
                       Launch(launch_loc.lat_deg, launch_loc.lon_deg, launch_loc.alt_m),
                       None if toward_loc is None else (toward_loc.lat_deg, toward_loc.lon_deg),
                       prior=None if record is None else Prior.from_missile(record), seed=seed, n_draws=draws,
                       azimuth_deg=azimuth_deg, progress=update)
    result = report(estimate)
    result["from"] = launch_loc.label
    result["test"] = test
    result["azimuth_basis"] = azimuth_basis
    result["missile"] = None if record is None else record.key
    if record is not None:
        from thaadsim.flight.replay import catalog_agreement

        result["catalog_agreement"] = catalog_agreement(record, result, test)
    if toward_loc is not None:
        result["toward"] = toward_loc.label
    if json_:
        emit_json(result)
        return
    mass = result["launch_mass_fitted_kg"]
    lines = [
        f"maximum range {result['max_range_km']:,.0f} km (median; 5-95 % band {result['max_range_low_km']:,.0f}"
        f" - {result['max_range_high_km']:,.0f} km; Kepler-only {result['kepler_only']['max_range_km']:,.0f} km)",
        f"{result['sampling']}: {result['draws_fitted']} reproduce the test, "
        + (f"{result['draws_in_mass_band']} inside the published launch mass" if result["published_launch_mass_kg"]
           else "no launch-mass constraint (no missile named: give --missile or --test)")
        + f"; {result['elapsed_s']:.1f} s",
        f"fitted launch mass {mass['median'] / 1e3:,.1f} t (5-95 % {mass['p05'] / 1e3:,.1f} - {mass['p95'] / 1e3:,.1f} t,"
        " before the constraint)"
        + ("" if not result["published_launch_mass_kg"] else
           f"; published {result['published_launch_mass_kg']['low'] / 1e3:,.0f} - "
           f"{result['published_launch_mass_kg']['high'] / 1e3:,.0f} t"),
        f"burnout speed {result['burnout_speed_m_s']:,.0f} m/s (central draw; Kepler-only inversion "
        f"{result['kepler_only']['burnout_speed_m_s']:,.0f} m/s)",
        f"dominant parameter: {result['dominant_assumption']} (rank correlation "
        f"{result['rank_correlation_with_max_range'].get(result['dominant_assumption'], float('nan')):+.2f})",
    ]
    if result["flight_time_residual_s"] is not None:
        lines.append(f"lofted flight time {result['lofted_flight_time_s']['median']:,.0f} s (median) vs observed "
                     f"{result['observed']['flight_time_s']:,.0f} s (not fitted: a check)")
    if result.get("catalog_agreement"):
        agree = result["catalog_agreement"]
        lines.append(f"catalog ({record.key}): {agree['catalog_max_range_km']:,.0f} km; {agree['verdict']}")
    typer.echo("\n".join(lines))
    if result.get("range_toward_km") is not None:
        typer.echo(f"toward {result['toward']}: {result['range_toward_km']:,.0f} km with Earth rotation (central draw)")
    typer.echo("model: " + result["model"])


@app.command(help="Replay the catalog's 2017 North Korean test flights and compare with the published figures.")
def replay(
    test: Annotated[str | None, typer.Option(help="One flight-test key (default: all).")] = None,
    json_: JsonOpt = False,
) -> None:
    from thaadsim.flight.replay import replay_tests

    with progress("replay") as update:
        rows = replay_tests(None if test is None else [test], progress=update)
    if json_:
        emit_json(rows)
        return
    table = [
        (r["test"], r["missile"], f"{r['apogee_km']:,.0f}", f"{r['published_apogee_km']:,.0f}",
         f"{r['range_km']:,.0f}", f"{r['published_range_km']:,.0f}",
         f"{r['flight_time_s'] / 60:.1f}",
         "-" if r["published_flight_time_s"] is None else f"{r['published_flight_time_s'] / 60:.1f}",
         "-" if r["flight_time_error_pct"] is None else f"{r['flight_time_error_pct']:+.1f}",
         "full" if r["burn_fraction"] == 1.0 else f"{r['burn_fraction']:.2f}",
         f"{r['max_range_km']:,.0f}", f"{r['max_range_catalog_convention_km']:,.0f}",
         f"{r['catalog_max_range_km']:,.0f}")
        for r in rows
    ]
    typer.echo(format_table(["test", "missile", "apogee km", "published", "range km", "published",
                             "time min", "published", "time err %", "burn", "max range km",
                             "no rotation", "catalog"], table))
    typer.echo("Full-energy tests: flown at full burn to the published range, apogee and time are the checks. "
               "Reduced-energy tests: flown to the published range and apogee with the burn cut short, time is "
               "the check. Max range: the same missile on a minimum-energy trajectory along the same azimuth, "
               "with Earth rotation; 'no rotation': the catalog's convention (no rotation, due east from 39 N), "
               "in which the catalog's published figure and infer-range are given; the gap between the two is the "
               "Earth's rotation.")
