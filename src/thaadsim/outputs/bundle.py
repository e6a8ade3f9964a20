"""A run's output folder, written all or nothing.

Every file is first written into a hidden staging folder beside the target; only when all
of them are complete is the staging folder moved into place (a rename on the same file
system).  A run that fails - bad input, unreachable geometry, a writer's error, Ctrl-C -
leaves no folder behind, and an earlier run's folder is replaced only at that last step.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

from thaadsim.errors import InputError

FILES = ("summary.json", "events.csv", "trajectories.parquet", "report.html", "scenario.czml", "scenario.kml")
"""What a run writes, in the order it writes them."""


def summary_text(result) -> str:
    """summary.json's text: the same bytes for the same scenario and seed."""
    return json.dumps(result.summary(), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def check_destination(out_dir: Path) -> None:
    """Refuse, before any work, a destination that is not ours to replace."""
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(f"{out_dir} exists and is not a folder", field="--out", hint="give a folder path")
    if out_dir.is_dir() and any(out_dir.iterdir()) and not (out_dir / "summary.json").is_file():
        raise InputError(f"{out_dir} exists, is not empty and holds no earlier run", field="--out",
                         hint="give a new folder, or an earlier run's folder to replace it")
    parent = out_dir.resolve().parent
    if not parent.is_dir():
        raise InputError(f"{parent} does not exist", field="--out", hint="create the parent folder first")


def write_bundle(result, out_dir: str | Path) -> list[Path]:
    """Write every file of :data:`FILES` for ``result`` into ``out_dir`` (module doc)."""
    from thaadsim.outputs.czml import write_czml
    from thaadsim.outputs.kml import write_kml
    from thaadsim.outputs.report import write_report
    from thaadsim.outputs.tables import write_events_csv, write_trajectories_parquet

    out_dir = Path(out_dir)
    check_destination(out_dir)
    parent = out_dir.resolve().parent
    stage = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.partial-", dir=parent))
    old = None
    try:
        (stage / "summary.json").write_text(summary_text(result), encoding="utf-8")
        write_events_csv(result, stage / "events.csv")
        write_trajectories_parquet(result, stage / "trajectories.parquet")
        write_report(result, stage / "report.html")
        write_czml(result, stage / "scenario.czml")
        write_kml(result, stage / "scenario.kml")
        if out_dir.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old-", dir=parent))
            out_dir.rename(old / "run")
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        raise
    try:
        stage.rename(out_dir)
    except BaseException:
        if old is not None and not out_dir.exists():
            (old / "run").rename(out_dir)  # the earlier run goes back where it was
        shutil.rmtree(stage, ignore_errors=True)
        raise
    finally:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    return [out_dir / f for f in FILES]


__all__ = ["FILES", "check_destination", "summary_text", "write_bundle"]
