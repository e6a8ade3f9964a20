"""Each shared definition has one home (issue 12, "One home for each default"): the
doctrine list, the circular-run and ground-distance helpers and the CLI options that
several commands take. A copy that drifts from its home is what these tests catch."""

from __future__ import annotations

import ast
import math
from pathlib import Path

import numpy as np
import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "thaadsim"


def _defined_anywhere(name: str) -> list[str]:
    """Modules that define ``name`` (a function, or a module-level assignment)."""
    out = []
    for path in SRC.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.FunctionDef | ast.ClassDef) and node.name == name:
                out.append(str(path.relative_to(SRC)))
            elif isinstance(node, ast.Assign | ast.AnnAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                if any(isinstance(t, ast.Name) and t.id == name for t in targets):
                    out.append(str(path.relative_to(SRC)))
    return out


@pytest.mark.parametrize("name, home", [
    ("DOCTRINES", "defense/doctrine.py"),
    ("Doctrine", "defense/doctrine.py"),
    ("ground_distance_m", "earth/frames.py"),
    ("circular_runs", "sensors/coverage.py"),
    ("_runs", None),
    ("_distance_m", None),
    ("JsonOpt", "cli/options.py"),
    ("RadarOpt", "cli/options.py"),
    ("ModeOpt", "cli/options.py"),
    ("PngOpt", "cli/options.py"),
    ("DEFAULT_RCS_NOTE", None),
])
def test_one_definition(name, home):
    found = _defined_anywhere(name)
    if name == "JsonOpt":  # validate's --json prints the checks, a different help text
        found = [f for f in found if f != "cli/validate_cmds.py"]
    assert found == ([home] if home else []), f"{name} defined in {found}"


def test_the_doctrines_agree_everywhere():
    from thaadsim.defense import firecontrol, leakage
    from thaadsim.defense.doctrine import DEFAULT_DOCTRINE, DOCTRINES
    from thaadsim.scenario.schema import BatterySpec

    assert DOCTRINES == ("shoot-shoot", "shoot-look-shoot")
    assert firecontrol.DOCTRINES is DOCTRINES and leakage.DOCTRINES is DOCTRINES
    field = BatterySpec.model_fields["doctrine"]
    assert field.default == DEFAULT_DOCTRINE
    assert set(field.annotation.__args__) == set(DOCTRINES)


def test_circular_runs_join_across_the_end():
    """Authority: hand-counted runs of a circular mask."""
    from thaadsim.sensors.coverage import circular_runs

    runs = circular_runs(np.array([1, 1, 0, 0, 1, 0, 1, 1], dtype=bool))
    assert [r.tolist() for r in runs] == [[4], [6, 7, 0, 1]]
    assert [r.tolist() for r in circular_runs(np.ones(3, dtype=bool))] == [[0, 1, 2]]
    assert circular_runs(np.zeros(4, dtype=bool)) == []


def test_ground_distance_is_a_quarter_meridian_on_the_sphere():
    """Authority: on a sphere of radius R the pole is pi R / 2 from the equator."""
    from thaadsim.earth import frames
    from thaadsim.earth.constants import SPHERE_RADIUS_M

    d = frames.ground_distance_m(0.0, 10.0, 90.0, 10.0, earth="sphere")
    assert isinstance(d, float) and d == pytest.approx(math.pi * SPHERE_RADIUS_M / 2.0, abs=1.0)


def test_engage_takes_fire_controls_defaults():
    """The engage command leaves the asset radius and commit delay to fire control's constants."""
    import inspect

    from thaadsim.cli import engage_cmds

    params = inspect.signature(engage_cmds.engage).parameters
    assert params["asset_radius_km"].default is None and params["commit_delay_s"].default is None
    assert params["doctrine"].default == "shoot-look-shoot"
