"""``thaadsim sweep SCENARIO --param PATH=VALUES ... --runs N``: a Monte Carlo study at every
point of a grid over scenario fields (``studies/sweep.py``), written as sweep.parquet,
sweep.json and study.html."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated

import typer

from thaadsim.cli.main import app
from thaadsim.cli.output import emit_json, format_table
from thaadsim.cli.progress import progress

DEFAULT_RUNS = 20
"""Runs per grid point when --runs is not given: a first look (a Wilson interval on
P(no leak) some +/- 0.2 wide); give more for a finding."""


def _ci(row: dict, key: str, digits: int = 2) -> str:
    value, (lo, hi) = row[key], row[key + "_ci95"]
    if value is None or not all(isinstance(v, (int, float)) and math.isfinite(v) for v in (value, lo, hi)):
        return "-"
    return f"{value:.{digits}f} [{lo:.{digits}f}, {hi:.{digits}f}]"


def print_sweep(sweep, out_dir: Path | None) -> None:
    typer.echo(f"{sweep.scenario.name}: sweep of {len(sweep.rows)} grid points x {sweep.runs} runs (seed "
               f"{sweep.seed}); 95 % intervals in brackets")
    paths = sweep.paths
    headers = paths + ["P(no leak)", "leaked/launched", "into assets/launched", "interceptors/kill",
                       "analytic leak"]
    rows = [[r[p] for p in paths] + [_ci(r, "p_no_leak"), _ci(r, "leak_fraction", 3),
                                     _ci(r, "asset_leak_fraction", 3), _ci(r, "interceptors_per_kill"),
                                     "-" if not math.isfinite(r["analytic_leak_fraction"])
                                     else f"{r['analytic_leak_fraction']:.3f}"]
            for r in sweep.rows]
    typer.echo(format_table(headers, rows))
    typer.echo(sweep.answer())
    for note in sweep.notes:
        typer.echo(f"note: {note}")
    if out_dir is not None:
        typer.echo(f"study: {out_dir / 'study.html'}  (also sweep.parquet, sweep.json)")


def prepare_sweep(scenario: str, params: list[str], runs: int, seed: int | None):
    """The scenario, its grid (every point validated and preflighted) and the seed - all the
    checks a sweep makes before its folder is touched."""
    from thaadsim.errors import InputError
    from thaadsim.scenario.loader import load_scenario
    from thaadsim.scenario.runner import preflight
    from thaadsim.studies.sweep import from_scenario_sweep, grid, parse_param

    spec = load_scenario(scenario)
    if not 1 <= runs <= 1_000_000:
        raise InputError(f"{runs} runs", field="--runs", hint="give a whole number from 1 to 1,000,000")
    parsed = [parse_param(p) for p in params] if params else from_scenario_sweep(spec)
    seed = spec.seed if seed is None else seed
    points = grid(spec, parsed, check=lambda variant: preflight(variant, seed))
    return spec, parsed, points, seed


@app.command(help="Sweep a scenario over a grid of parameters: a Monte Carlo study at every grid point, each "
             "figure with its 95 % interval, beside the analytic one-layer model; writes sweep.parquet, "
             "sweep.json and study.html.")
def sweep(
    scenario: Annotated[str, typer.Argument(help="Scenario file (YAML) or built-in name.")],
    param: Annotated[list[str] | None, typer.Option(
        "--param", help="PATH=VALUES, repeatable: PATH a field as in the file (threats[0].count, batteries[0].sspk, "
        "threats[0].rcs_m2, batteries[0].site, radars[0].mode, batteries[0].doctrine); VALUES a comma list "
        "(1,2,4), a semicolon list (a;b, for values with commas), START:STOP:STEP (STOP included when the steps "
        "land on it) or START:STOP:xFACTOR (1:64:x2 = 1,2,4...64). Default: the file's sweep block.")] = None,
    runs: Annotated[int, typer.Option("--runs", help=f"Runs per grid point (default {DEFAULT_RUNS}).")] = DEFAULT_RUNS,
    seed: Annotated[int | None, typer.Option("--seed", help="Seed of every grid point's study (default: the "
                                             "scenario's).")] = None,
    workers: Annotated[int | None, typer.Option("--workers", help="Run on a local Dask cluster of this many "
                                                "workers (default: in this process).")] = None,
    scheduler: Annotated[str | None, typer.Option("--scheduler", help="Run on an existing Dask cluster "
                                                  "(tcp://host:port).")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Output folder (default runs/<scenario name>-sweep); "
                                             "an earlier thaadsim output there is replaced, any other non-empty "
                                             "folder is refused.")] = None,
    resume: Annotated[bool, typer.Option("--resume", help="Continue the interrupted sweep of --out from the runs "
                                         "it wrote (each grid point keeps its runs once and runs only the "
                                         "others).")] = False,
    json_: Annotated[bool, typer.Option("--json", help="Print sweep.json instead of the table.")] = False,
) -> None:
    from thaadsim.cli.run_cmds import DEFAULT_OUT_ROOT, SEED_MAX, make_parents
    from thaadsim.errors import InputError
    from thaadsim.outputs.bundle import reserve, write_folder
    from thaadsim.outputs.study_report import study_assumptions, sweep_json, sweep_writers
    from thaadsim.studies.sweep import finish_sweep_parts, run_sweep

    if seed is not None and not 0 <= seed <= SEED_MAX:
        raise InputError(f"{seed}: the seed must be between 0 and 2^63 - 1", field="--seed")
    spec, params, points, seed = prepare_sweep(scenario, param or [], runs, seed)
    out_dir = out if out is not None else DEFAULT_OUT_ROOT / f"{spec.name}-sweep"
    make_parents(out_dir)
    with reserve(out_dir), progress("sweep") as update:
        result = run_sweep(spec, params, runs, seed, workers=workers, scheduler=scheduler, progress=update,
                           points=points, out=out_dir, resume=resume)
        assumptions = study_assumptions(points[0].scenario, seed)
        write_folder(out_dir, sweep_writers(result, assumptions))
        finish_sweep_parts(out_dir)
    if json_:
        import json

        emit_json(json.loads(sweep_json(result)))
    else:
        print_sweep(result, out_dir)
