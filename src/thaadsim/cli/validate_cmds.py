"""Validation command: ``validate`` (each figure beside its authority)."""

from __future__ import annotations

import math
from typing import Annotated

import typer

from thaadsim.cli.main import app
from thaadsim.cli.output import emit_json, format_table

JsonOpt = Annotated[bool, typer.Option("--json", help="Print the checks as a JSON list.")]
QuickOpt = Annotated[bool, typer.Option(
    "--quick", help="One test replay instead of six, no reverse-analysis comparison (~10 s instead of ~75 s).")]

STATUS_SHOWN = {"agrees": "agrees", "differs": "DIFFERS", "calibration": "calibration (by construction)"}


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
    from thaadsim.studies.validation import CATEGORIES

    present = [c for c in CATEGORIES if any(ch.category == c for ch in checks)]
    present += sorted({ch.category for ch in checks} - set(present))
    for category in present:
        rows = [(ch.name, _ours(ch), _theirs(ch), _deviation(ch), STATUS_SHOWN[ch.status], ch.source)
                for ch in checks if ch.category == category]
        typer.echo(f"\n== {category}")
        typer.echo(format_table(["figure", "ours", "theirs", "deviation", "status", "source"], rows))
    typer.echo("")
    typer.echo("deviation: the gap between ours (or our band [..]) and theirs (or their span (..)), zero when they "
               "overlap; relative to theirs (%) or absolute (in the unit); `--json` gives every note.")
    typer.echo(f"{counts['checks']} checks: {counts['agree']} agree, {counts['differ']} differ, "
               f"{counts['calibrations']} calibrations (not checks)")
    if counts["differ"]:
        typer.echo("some figures differ from their authorities: this command reports them, it is not a test "
                   "(exit status 0); see each row's note in `thaadsim validate --json`.")


@app.command(help="Run the validation set: each figure beside its authority (closed forms, published test "
                  "flights, open-literature radar ranges, analytic leakage), with the deviation and the source. "
                  "Figures a catalog value was fitted to are listed as calibrations and not counted as checks.")
def validate(json_: JsonOpt = False, quick: QuickOpt = False) -> None:
    from thaadsim.studies.validation import tally, validation_set

    checks = validation_set(quick=quick)
    if json_:
        emit_json([c.as_dict() for c in checks])
        return
    _print(checks, tally(checks))
