"""The main job: ``thaadsim run SCENARIO`` (a scenario file or a built-in name)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated

import typer

from thaadsim.cli.main import app
from thaadsim.cli.output import format_table
from thaadsim.cli.progress import progress, stages

DEFAULT_SCENARIO = "korea-salvo"
"""The main job's built-in default."""
DEFAULT_OUT_ROOT = Path("runs")
"""Runs go to runs/<scenario name>/ unless --out says otherwise."""
SEED_MAX = 2**63 - 1
"""The largest seed, as in the scenario schema (``seed``)."""


def _t(x) -> str:
    return "-" if x is None or (isinstance(x, float) and not math.isfinite(x)) else f"{x:,.1f}"


def make_parents(out_dir: Path) -> None:
    """Create the folders above ``out_dir`` (``--out runs/korea`` in a fresh folder); the run
    folder itself is written all or nothing by the bundle writer."""
    from thaadsim.errors import InputError

    try:
        out_dir.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InputError(f"cannot create {out_dir.parent} ({error.strerror or error})", field="--out",
                         hint="give a folder path whose parents you can create") from None


def print_summary(summary: dict, out_dir: Path | None) -> None:
    s = summary
    typer.echo(f"{s['scenario']} (seed {s['seed']}, epoch {s['epoch']})")
    if s.get("sweep") and s.get("notes"):
        typer.echo(f"answer: {s['notes'][0]}")
        typer.echo(f"the run below: the file's own salvo of {s['threats']}")
    inv = s.get("inventory") or 0
    typer.echo(f"threats {s['threats']}, engaged {s['engaged']}, intercepted {s['intercepted']}, leaked {s['leaked']} "
               f"({s['leaked_into_defended_assets']} into defended assets); interceptors fired "
               f"{s['interceptors_fired']} of {inv}")
    typer.echo(f"first detection {_t(s['first_detection_s'])} s, first intercept {_t(s['first_intercept_s'])} s "
               "after the epoch")
    rows, reasons = [], []
    for p in s["per_threat"]:
        det = [v for v in (p.get("first_detection_s") or {}).values() if v is not None]
        rows.append((p["object_id"], p["missile"], f"{p['from']} -> {p['to']}", p["outcome"],
                     p["intercepted_by"] or "-", _t(min(det) if det else None), _t(p["intercept_time_s"]),
                     _t(p["intercept_altitude_km"])))
        if p["reason"]:
            reasons.append(f"  {p['object_id']}: {p['reason']}")
    typer.echo(format_table(["id", "missile", "from -> to", "outcome", "intercepted by", "seen s", "intercept s",
                             "alt km"], rows))
    if reasons:
        # in full, one a line: a reason names each battery's account and is often longer than a column
        typer.echo("why not intercepted:")
        typer.echo("\n".join(reasons))
    if s.get("sweep"):
        typer.echo(f"sweep: {s['sweep'][0]['runs']} runs per salvo size (means; 95 % intervals in study.html and "
                   "sweep.parquet)")
        typer.echo(format_table(["salvo", "intercepted", "leaked", "into assets", "fired", "inventory"],
                                [(r["count"], _t(r["intercepted"]), _t(r["leaked"]),
                                  _t(r["leaked_into_defended_assets"]), _t(r["interceptors_fired"]), r["inventory"])
                                 for r in s["sweep"]]))
    for n in (s.get("notes") or [])[1 if s.get("sweep") else 0:]:
        typer.echo(f"note: {n}")
    if out_dir is not None:
        typer.echo(f"report: {out_dir / 'report.html'}  (also summary.json, events.csv, trajectories.parquet, "
                   "scenario.czml, scenario.kml)")


@app.command(help="Run a scenario (a YAML file or a built-in name, see `thaadsim scenarios`) and write its "
             "report, tables and CZML/KML into a folder.")
def run(
    scenario: Annotated[str, typer.Argument(help="Scenario file (YAML) or built-in name (default: the "
                                            "built-in korea-salvo).")] = DEFAULT_SCENARIO,
    out: Annotated[Path | None, typer.Option(
        "--out", help="Output folder (default: runs/<scenario name>); an earlier thaadsim run there is replaced, "
        "any other non-empty folder is refused.")] = None,
    seed: Annotated[int | None, typer.Option("--seed", help="Seed of the random generator (default: the "
                                             "scenario's).")] = None,
    json_: Annotated[bool, typer.Option("--json", help="Print summary.json instead of the table.")] = False,
) -> None:
    from thaadsim.errors import InputError
    from thaadsim.outputs.figure_worker import FigureWorker
    from thaadsim.scenario.loader import load_scenario

    if seed is not None and not 0 <= seed <= SEED_MAX:
        shown = str(seed) if len(str(seed)) <= 24 else f"a {len(str(seed))}-digit number"
        raise InputError(f"{shown}: the seed must be between 0 and 2^63 - 1", field="--seed")
    spec = load_scenario(scenario)
    # forked once the file reads: it imports matplotlib and pyarrow and makes the report's
    # figures and the Parquet while this process flies the run and writes the other files
    # (outputs/figure_worker.py)
    with FigureWorker.when_wanted() as figures:
        _run(scenario, spec, out, seed, json_, figures)


def _run(scenario: str, spec, out: Path | None, seed: int | None, json_: bool, figures) -> None:
    from thaadsim.errors import ThaadsimError
    from thaadsim.outputs.bundle import MADE_ELSEWHERE, reserve, run_writers, summary_text, write_folder
    from thaadsim.outputs.figure_worker import PARQUET
    from thaadsim.outputs.report import figure_names
    from thaadsim.scenario.loader import locate_error
    from thaadsim.scenario.runner import preflight, run_scenario

    try:
        plan = preflight(spec, seed)  # every check before the output folder is touched
    except ThaadsimError as error:
        raise locate_error(scenario, error) from None
    out_dir = out if out is not None else DEFAULT_OUT_ROOT / spec.name
    make_parents(out_dir)
    points = None
    if spec.sweep is not None:  # the study's modules only when there is a study
        from thaadsim.outputs.study_report import sweep_writers
        from thaadsim.studies.sweep import from_scenario_sweep, grid, run_with_sweep

        points = grid(spec, from_scenario_sweep(spec))
    with reserve(out_dir), progress("run") as update:  # checked, locked against a second run, before the work
        say = stages(update)
        try:
            if points is None:
                # the groups preflight steered and flew are this run's (not flown twice)
                result, study = run_scenario(spec, seed, progress=say, plan=plan), None
            else:
                # a sweep block is a study (studies/sweep.py: the one function the notebook API
                # and the web app call too), not one draw per salvo size
                result, study = run_with_sweep(spec, seed, progress=say, study_progress=update,
                                               points=points)
        except ThaadsimError as error:
            raise locate_error(scenario, error) from None
        figures.submit(result, [*figure_names(result), PARQUET])
        writers = run_writers(result, figures.collect)
        if study is not None:
            writers |= sweep_writers(study, result.assumptions)
        if say:
            say("writing the report, tables and CZML/KML")
        write_folder(out_dir, writers, last=MADE_ELSEWHERE)
    if json_:
        typer.echo(summary_text(result), nl=False)
    else:
        print_summary(result.summary(), out_dir)
        if points:
            typer.echo(f"study: {out_dir / 'study.html'}  (also sweep.parquet, sweep.json)")

