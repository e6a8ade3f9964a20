"""The Python API for notebooks and scripts: load a scenario, change it, run it, and read the
run as pandas DataFrames and matplotlib figures.

    import thaadsim
    scenario = thaadsim.load_scenario("korea-salvo")
    result = thaadsim.run(scenario, seed=3)
    result.targets            # the answer, one row per aim point
    result.write("runs/korea")

The same run as ``thaadsim run`` (the same runner, the same all-or-nothing folder writer);
nothing here is imported by ``import thaadsim`` until it is first used.  See
``docs/notebook-api.md`` for a worked example.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from thaadsim.scenario.result import ScenarioResult
    from thaadsim.scenario.schema import Scenario


def load_scenario(name_or_path: str | os.PathLike) -> Scenario:
    """A scenario from a YAML file or a built-in name (``thaadsim scenarios``), validated.

    It is a pydantic model: change it with ``scenario.model_copy(update={...})`` (or
    :func:`changed`, which validates the change as a file would be)."""
    from thaadsim.scenario.loader import load_scenario as _load

    return _load(name_or_path)


def changed(scenario: Scenario, **fields: Any) -> Scenario:
    """``scenario`` with ``fields`` replaced and the whole validated again (names, ranges,
    references), as if the file had said so; ``InputError`` naming the field otherwise."""
    from pydantic import ValidationError

    from thaadsim.errors import InputError
    from thaadsim.scenario.schema import Scenario as _Scenario

    data = scenario.model_dump(by_alias=True)
    data.update(fields)
    try:
        return _Scenario.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InputError(first["msg"].removeprefix("Value error, "), field=where or "scenario") from None


def run(scenario: Scenario | str | os.PathLike, seed: int | None = None, *, views: bool = True) -> Result:
    """Run a scenario (or a built-in name / file path) and return its :class:`Result`.

    ``seed`` replaces the scenario's; ``views=False`` skips the radar coverage and defended
    footprints drawn on the map (a faster run, the same outcomes).  A scenario with a sweep
    block also runs its sweep study, as ``thaadsim run`` does (the same function,
    ``studies.sweep.run_with_sweep``): ``Result.study`` holds it."""
    from thaadsim.studies.sweep import run_with_sweep

    if not hasattr(scenario, "threats"):
        scenario = load_scenario(scenario)  # type: ignore[arg-type]
    return Result(*run_with_sweep(scenario, seed, views=views))


class Result:
    """One run, for a notebook: tables as DataFrames, figures as matplotlib Figures."""

    def __init__(self, result: ScenarioResult, study=None):
        self.raw = result
        """The runner's :class:`~thaadsim.scenario.result.ScenarioResult` (SI units)."""
        self.study = study
        """The sweep study of a scenario with a sweep block (``studies.sweep.SweepResult``:
        ``.rows``, ``.answer()``, each salvo size's per-run table in ``.studies``), else None."""

    # --- words and tables

    @property
    def name(self) -> str:
        return self.raw.name

    @property
    def seed(self) -> int:
        return self.raw.seed

    @property
    def summary(self) -> dict:
        """The dict of summary.json."""
        return self.raw.summary()

    @property
    def answer(self) -> str:
        """The answer to the run's question in words (the report's first lines)."""
        from thaadsim.outputs import answer

        return " ".join(answer.sentences(self.raw))

    @property
    def per_threat(self) -> pd.DataFrame:
        """One row per threat missile: summary.json's per_threat, nested fields flattened
        (``first_detection_s.<radar>``, ``batteries.<battery>``)."""
        import pandas as pd

        return pd.json_normalize(self.summary["per_threat"], sep=".")

    @property
    def targets(self) -> pd.DataFrame:
        """One row per aim point (``target`` as the scenario names it, ``name`` as the report
        does): missiles, intercepted, leaked, protected, inside each battery's defended
        footprint (``footprint.<battery>``), the defended asset it is in."""
        import pandas as pd

        from thaadsim.outputs import answer

        rows = []
        for r in answer.target_rows(self.raw):
            row = {"target": r.target, "name": r.name, "lat_deg": r.lat_deg, "lon_deg": r.lon_deg, "missiles": r.missiles,
                   "intercepted": r.intercepted, "leaked": r.leaked, "protected": r.protected}
            row.update({f"footprint.{b}": inside for b, inside in r.in_footprint.items()})
            row.update({"asset": r.asset, "why_not_intercepted": r.why})
            rows.append(row)
        return pd.DataFrame(rows)

    @property
    def sightings(self) -> pd.DataFrame:
        """One row per threat: the radar that saw it longest, its mode, first and last
        detection [s after the epoch] and how long it was seen [s]."""
        import pandas as pd

        from thaadsim.outputs import answer

        return pd.DataFrame([{"object_id": r.object_id, "flight": r.label, "radar": r.radar, "mode": r.mode,
                              "first_s": r.first_s, "last_s": r.last_s, "seen_s": r.seen_s,
                              "flight_time_s": r.flight_time_s} for r in answer.sighting_rows(self.raw)])

    @property
    def events(self) -> pd.DataFrame:
        """events.csv as a DataFrame: times as numbers [s] and as UTC timestamps."""
        import pandas as pd

        from thaadsim.outputs.tables import EVENTS_HEADER, events_rows

        frame = pd.DataFrame(events_rows(self.raw), columns=list(EVENTS_HEADER))
        for column in ("time_s", "lat_deg", "lon_deg", "alt_km"):
            frame[column] = pd.to_numeric(frame[column].replace("", None))
        frame["utc"] = pd.to_datetime(frame["utc"], utc=True)
        return frame

    @property
    def trajectories(self) -> pd.DataFrame:
        """trajectories.parquet as a DataFrame: every sample of every object, with ``target``
        and ``outcome`` columns (no join with summary.json needed)."""
        from thaadsim.outputs.tables import trajectory_table

        return trajectory_table(self.raw).to_pandas()

    # --- figures

    def plot_map(self):
        """The report's map (a matplotlib Figure)."""
        from thaadsim.outputs.figures import map_figure

        return map_figure(self.raw)

    def plot_altitude(self):
        """Altitude against downrange (a matplotlib Figure)."""
        from thaadsim.outputs.figures import altitude_figure

        return altitude_figure(self.raw)

    def plot_timeline(self):
        """The engagement timeline (a matplotlib Figure)."""
        from thaadsim.outputs.figures import timeline_figure

        return timeline_figure(self.raw)

    def plot_sweep(self):
        """Outcomes against salvo size, for a scenario with a sweep (a matplotlib Figure)."""
        from thaadsim.errors import InputError
        from thaadsim.outputs.figures import sweep_figure

        if not self.raw.sweep:
            raise InputError("this run has no sweep", field="sweep", hint="give the scenario a sweep block")
        return sweep_figure(self.raw)

    # --- output

    def write(self, folder: str | os.PathLike) -> Path:
        """Write the usual run folder (report.html, summary.json, events.csv,
        trajectories.parquet, CZML, KML, and a sweep study's study.html, sweep.parquet and
        sweep.json) all or nothing, as ``thaadsim run --out`` does; an earlier thaadsim run
        there is replaced, any other non-empty folder refused."""
        from thaadsim.errors import InputError
        from thaadsim.outputs.bundle import reserve, run_writers, write_folder
        from thaadsim.outputs.study_report import sweep_writers

        folder = Path(folder)
        try:
            folder.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise InputError(f"cannot create {folder.parent} ({error.strerror or error})", field="folder") from None
        writers = run_writers(self.raw)
        if self.study is not None:
            writers |= sweep_writers(self.study, self.raw.assumptions)
        with reserve(folder):
            write_folder(folder, writers)
        return folder

    def compare(self, other: Result) -> pd.DataFrame:
        """Two runs side by side: every total, and each threat's outcome (one column a run)."""
        import pandas as pd

        def column(result: Result) -> dict:
            s = result.summary
            values = {key: value for key, value in s.items() if isinstance(value, int | float | str)
                      and key not in ("description", "epoch")}
            values.update({f"outcome {p['object_id']}": p["outcome"] for p in s["per_threat"]})
            return values

        names = [f"{self.name} (seed {self.seed})", f"{other.name} (seed {other.seed})"]
        if names[0] == names[1]:
            names = [f"{names[0]} [1]", f"{names[1]} [2]"]
        return pd.DataFrame({names[0]: pd.Series(column(self), dtype=object),
                             names[1]: pd.Series(column(other), dtype=object)})

    def _repr_html_(self) -> str:
        from thaadsim.outputs import report

        return (f"<h4>thaadsim: {report._text(self.name)} (seed {self.seed})</h4>" + report._answer(self.raw)
                + report._answer_table(self.raw))

    def __repr__(self) -> str:
        s = self.summary
        return (f"<thaadsim Result {self.name} seed {self.seed}: {s.get('threats')} threats, "
                f"{s.get('intercepted')} intercepted, {s.get('leaked')} leaked>")


__all__ = ["Result", "changed", "load_scenario", "run"]
