"""Scenario-file commands: ``scenario schema``, ``scenario check`` and ``scenarios``.

They read and validate files; ``check`` also steers every threat group as a run does
first (seconds, the first time numba's kernels load), so that a file it passes runs.
"""

from __future__ import annotations

from typing import Annotated

import typer

from thaadsim.cli.main import app
from thaadsim.cli.output import emit_json, format_table

scenario_app = typer.Typer(
    help="Scenario files: the fields they take, and a check of a file before it runs.",
    no_args_is_help=True,
)
app.add_typer(scenario_app, name="scenario")


@scenario_app.command("schema")
def schema_cmd(
    json_out: Annotated[bool, typer.Option("--json", help="Print the JSON Schema of the file instead.")] = False,
) -> None:
    """List every field of a scenario file: path, type, default and description (units in the names)."""
    from thaadsim.scenario.schema import Scenario, schema_lines

    if json_out:
        emit_json(Scenario.model_json_schema(by_alias=True))
        return
    for line in schema_lines():
        typer.echo(line)


@scenario_app.command("check")
def check_cmd(
    source: Annotated[str, typer.Argument(
        metavar="FILE", help="Scenario YAML file, or the name of a built-in scenario (see `thaadsim scenarios`).",
        show_default=False)],
) -> None:
    """Validate a scenario file as `run` does before it starts: names, numbers and references,
    every group steered to its aim point, the run's length and memory; each error with its line."""
    from thaadsim.errors import ThaadsimError
    from thaadsim.scenario.loader import load_scenario, locate_error
    from thaadsim.studies.montecarlo import preflight_study

    scenario = load_scenario(source)
    try:
        plan = preflight_study(scenario)
    except ThaadsimError as error:
        raise locate_error(source, error) from None
    missiles = sum(t.count for t in scenario.threats)
    typer.echo(f"{source}: ok — {_count(len(scenario.threats), 'threat group')} "
               f"({_count(missiles, 'missile')}), {_count(len(scenario.radars), 'radar')}, "
               f"{_count(len(scenario.batteries), 'battery', 'batteries')}; {plan.looks:,} looks of "
               f"{plan.look_dt_s:g} s, about {plan.memory_bytes / 2**20:,.0f} MiB")
    if scenario.uncertainty is not None:
        n = len(scenario.uncertainty.parameters)
        typer.echo(f"{_count(n, 'distribution')} (checked at their nominal values and both ends; "
                   "`thaadsim montecarlo` draws them):")
        for line in scenario.uncertainty.lines():
            typer.echo(f"  {line}")


def _count(n: int, singular: str, plural: str | None = None) -> str:
    return f"{n} {singular if n == 1 else (plural or singular + 's')}"


@app.command("scenarios")
def scenarios_cmd(
    json_out: Annotated[bool, typer.Option("--json", help="Print the list as JSON records.")] = False,
) -> None:
    """List the built-in scenarios: name and what each is (run one by its name)."""
    from thaadsim.scenario.loader import describe_builtins

    records = describe_builtins()
    if json_out:
        emit_json(records)
        return
    rows = [(r["name"], r["threat_groups"], r["missiles"], r["radars"], r["batteries"], r["summary"])
            for r in records]
    typer.echo(format_table(["name", "groups", "missiles", "radars", "batteries", "summary"], rows))
