"""Validation command: ``validate`` (each figure beside its authority; exit 2 when any fails)."""

from __future__ import annotations

import math
import sys
from typing import Annotated

import typer

from thaadsim.cli.main import app
from thaadsim.cli.output import emit_json, format_table
from thaadsim.cli.progress import progress

JsonOpt = Annotated[bool, typer.Option("--json", help="Print the checks as a JSON list.")]
QuickOpt = Annotated[bool, typer.Option(
    "--quick", help="One test replay instead of six, no reverse-analysis comparison.")]

STATUS_SHOWN = {"agrees": "agrees", "differs": "DIFFERS", "calibration": "calibration (holds)",
                "drifted": "DRIFTED (calibration)"}


def _number(x: float | None) -> str:
    if x is None or not math.isfinite(x):
        return "-"
    if x == 0.0:
        return "0"
    if 1e-3 <= abs(x) < 1e6:
        return f"{x:,.6g}" if abs(x) < 1e4 else f"{x:,.0f}"
    return f"{x:.4g}"


def _with_unit(text: str, unit: str) -> str:
    return f"{text} {unit}" if unit and text != "-" else text


def _theirs(check) -> str:
    shown = _number(check.theirs)
    if check.theirs_low is not None and check.theirs_high is not None and check.theirs_low != check.theirs_high:
        shown += f" ({_number(check.theirs_low)}-{_number(check.theirs_high)})"
    return _with_unit(shown, check.unit)


def _ours(check) -> str:
    shown = _number(check.ours)
    if check.ours_low is not None and check.ours_high is not None:
        shown += f" [{_number(check.ours_low)}, {_number(check.ours_high)}]"
    return _with_unit(shown, check.unit)


def _deviation(check) -> str:
    if not math.isfinite(check.deviation):
        return "-"
    if check.deviation_kind == "relative":
        return f"{100.0 * check.deviation:+.3g} % (tol {100.0 * check.tolerance:.3g} %)"
    return _with_unit(f"{check.deviation:+.3g}", check.unit) + f" (tol {check.tolerance:.3g})"


def _print(checks, counts: dict) -> None:
    from thaadsim.studies.validation import CATEGORIES, KIND_TITLES, KINDS

    for kind in KINDS:
        of_kind = [ch for ch in checks if ch.kind == kind]
        if not of_kind:
            continue
        typer.echo(f"\n#### {KIND_TITLES[kind]}: {len(of_kind)} rows")
        present = [c for c in CATEGORIES if any(ch.category == c for ch in of_kind)]
        present += sorted({ch.category for ch in of_kind} - set(present))
        for category in present:
            rows = [(ch.name, _ours(ch), _theirs(ch), _deviation(ch), STATUS_SHOWN[ch.status], ch.source)
                    for ch in of_kind if ch.category == category]
            typer.echo(f"\n== {category}")
            typer.echo(format_table(["figure", "ours", "theirs", "deviation", "status", "source"], rows))
    typer.echo("")
    typer.echo("deviation: the gap between ours (or our band [..]) and theirs (or their span (..)), zero when they "
               "overlap; relative to theirs (%) or absolute (in the unit); `--json` gives every note.")
    kinds = counts["kinds"]
    typer.echo(f"rows by kind: {kinds['independent']} independent, {kinds['self-consistency']} self-consistency, "
               f"{kinds['calibration']} calibration")
    typer.echo(f"{counts['checks']} checks: {counts['agree']} agree, {counts['differ']} differ; "
               f"{counts['calibrations']} calibrations (not checks): {counts['drifted']} drifted")


@app.command(help="Run the validation set: each figure beside its authority (closed forms, a second integrator "
                  "on the rotating ellipsoid, published test flights, open-literature radar ranges, the fire "
                  "control against the leakage closed forms), with the deviation, the source and the kind "
                  "(independent, self-consistency, calibration).  Exit status 0 when every row passes; 2 when "
                  "any figure differs from its authority or any calibration has drifted from its target.")
def validate(json_: JsonOpt = False, quick: QuickOpt = False) -> None:
    from thaadsim.studies.validation import failures, tally, validation_set

    with progress("validate") as update:
        checks = validation_set(quick=quick, progress=update)
    if json_:
        emit_json([c.as_dict() for c in checks])
    else:
        _print(checks, tally(checks))
    failed = failures(checks)
    if failed:
        names = "; ".join(f"{c.name} ({c.status})" for c in failed)
        typer.echo(f"validate: {len(failed)} of {len(checks)} rows failed: {names}", err=True)
        # SystemExit, not typer.Exit: cli.main.run calls the app with standalone_mode=False,
        # where click returns an Exit's code instead of exiting with it.
        sys.exit(2)
