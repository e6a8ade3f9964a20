"""``thaadsim montecarlo SCENARIO --runs N``: a Monte Carlo study of a scenario.

Writes a study folder (``runs.parquet``, ``summary.json``, ``convergence.png``) with the
same all-or-nothing care as a run folder, and prints the answers with their intervals.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated

import typer

from thaadsim.cli.main import app
from thaadsim.cli.progress import progress


def _ci(values) -> str:
    lo, hi = values
    if lo is None or hi is None or not (math.isfinite(lo) and math.isfinite(hi)):
        return "[-]"
    return f"[{lo:,.3g}, {hi:,.3g}]"


def _num(x, fmt: str = ",.3g") -> str:
    return "-" if x is None or (isinstance(x, float) and not math.isfinite(x)) else format(x, fmt)


def print_study(s: dict, out_dir: Path) -> None:
    typer.echo(f"{s['scenario']}: {s['runs']:,} runs (seed {s['seed']}), 95 % intervals")
    rows = [
        ("P(no leak)", _num(s["p_no_leak"], ".3f"), _ci(s["p_no_leak_ci95"]), s["p_no_leak_ci_method"]),
        ("P(no leak into defended assets)", _num(s["p_no_leak_into_defended_assets"], ".3f"),
         _ci(s["p_no_leak_into_defended_assets_ci95"]), s["p_no_leak_into_defended_assets_ci_method"]),
        ("leakers per run", _num(s["mean_leaked"]), _ci(s["mean_leaked_ci95"]), s["mean_leaked_ci_method"]),
        ("leakers into defended assets per run", _num(s["mean_leaked_into_defended_assets"]),
         _ci(s["mean_leaked_into_defended_assets_ci95"]), s["mean_leaked_into_defended_assets_ci_method"]),
        ("interceptors fired per run", _num(s["mean_interceptors_fired"]), _ci(s["mean_interceptors_fired_ci95"]),
         s["mean_interceptors_fired_ci_method"]),
    ]
    det, alt = s["first_detection_s"], s["intercept_alt_m"]
    rows.append(("first detection [s after epoch], mean", _num(det["mean"]), _ci(det["mean_ci95"]),
                 det["ci_method"]))
    rows.append(("intercept altitude [km], mean", _num(alt["mean"] / 1e3 if alt["n"] else None),
                 _ci([v / 1e3 if v is not None else None for v in alt["mean_ci95"]]), alt["ci_method"]))
    from thaadsim.cli.output import format_table

    typer.echo(format_table(["quantity", "estimate", "95 % interval", "method"], rows))
    typer.echo(f"first detection: 5/50/95 % {_num(det['p05'])} / {_num(det['p50'])} / {_num(det['p95'])} s; "
               f"never detected in {det['never_detected_runs']:,} run(s)")
    if alt["n"]:
        typer.echo(f"intercept altitude: {alt['n']:,} intercepts, 5/50/95 % {alt['p05'] / 1e3:,.1f} / "
                   f"{alt['p50'] / 1e3:,.1f} / {alt['p95'] / 1e3:,.1f} km")
    for line in s["distributions"]:
        typer.echo(f"drawn: {line}")
    if not s["distributions"]:
        typer.echo("note: the scenario gives no distribution; the runs differ only in their random draws "
                   "(radar looks, tracking, kills)")
    for note in s.get("notes") or []:
        typer.echo(f"note: {note}")
    if s.get("resumed_runs"):
        typer.echo(f"resumed: {s['resumed_runs']:,} runs were read from the interrupted study")
    typer.echo(f"study: {out_dir}  (study.html, runs.parquet, summary.json, convergence.png)")


@app.command(help="Run a scenario many times, its distributions drawn anew each run, and report the probability "
             "of no leak, leakers, interceptors fired, detection and intercept altitude with 95 % intervals.")
def montecarlo(
    scenario: Annotated[str, typer.Argument(help="Scenario file (YAML) or built-in name.")],
    runs: Annotated[int, typer.Option("--runs", help="Number of runs.")],
    seed: Annotated[int | None, typer.Option("--seed", help="Seed of the study's seed tree (default: the "
                                             "scenario's).")] = None,
    workers: Annotated[int | None, typer.Option("--workers", help="Start a local Dask cluster of this many "
                                                "worker processes (default: run in this process).")] = None,
    scheduler: Annotated[str | None, typer.Option("--scheduler", help="Address of an existing Dask scheduler, "
                                                  "e.g. tcp://10.0.0.5:8786.")] = None,
    batch_size: Annotated[int | None, typer.Option("--batch-size", help="Runs per batch (default: about eight "
                                                   "batches per worker, at most 64 runs).")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Study folder (default: runs/<scenario "
                                             "name>-montecarlo); an earlier thaadsim study there is replaced.")] = None,
    resume: Annotated[bool, typer.Option("--resume", help="Continue the interrupted study of --out from the "
                                         "runs it wrote.")] = False,
    json_: Annotated[bool, typer.Option("--json", help="Print summary.json instead of the table.")] = False,
) -> None:
    from thaadsim.cli.run_cmds import DEFAULT_OUT_ROOT, SEED_MAX, make_parents
    from thaadsim.errors import InputError, ThaadsimError
    from thaadsim.outputs.bundle import reserve, write_folder
    from thaadsim.scenario.loader import load_scenario, locate_error

    if seed is not None and not 0 <= seed <= SEED_MAX:
        raise InputError(f"{seed}: the seed must be between 0 and 2^63 - 1", field="--seed")
    spec = load_scenario(scenario)
    seed = spec.seed if seed is None else seed
    from thaadsim.studies import montecarlo as mc

    try:
        mc.preflight_study(spec, seed)
    except ThaadsimError as error:
        raise locate_error(scenario, error) from None
    from thaadsim.outputs.study_report import montecarlo_writers
    from thaadsim.studies.montecarlo_plots import convergence_figure

    out_dir = out if out is not None else DEFAULT_OUT_ROOT / f"{spec.name}-montecarlo"
    make_parents(out_dir)
    with reserve(out_dir), progress("montecarlo") as update:
        try:
            result = mc.run_study(spec, runs, seed, workers=workers, scheduler=scheduler, batch_size=batch_size,
                                  out=out_dir, resume=resume, progress=update)
        except ThaadsimError as error:
            raise locate_error(scenario, error) from None
        text = mc.summary_text(result.summary)
        if update:
            update(0, None, "writing runs.parquet, summary.json and convergence.png")
        write_folder(out_dir, {
            "runs.parquet": lambda path: mc.write_parquet(result.table, path),
            "summary.json": lambda path: path.write_text(text, encoding="utf-8"),
            "convergence.png": lambda path: convergence_figure(
                result.table, path, f"{spec.name}: P(no leak) against runs (seed {seed})"),
            **montecarlo_writers(spec, result, seed),  # study.html (outputs/study_report.py)
        })
        mc.finish_parts(out_dir)
    if json_:
        typer.echo(text, nl=False)
    else:
        print_study(result.summary, out_dir)
