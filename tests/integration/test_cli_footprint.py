"""The footprint command's contract, run as a user runs it (a subprocess)."""

from __future__ import annotations

import json

import pytest
from tests.integration import cli


thaadsim = cli.run


COARSE = ("--azimuths", "8", "--range-step-km", "60", "--refine-steps", "2")


def test_footprint_json_contract_and_map(tmp_path):
    png = tmp_path / "fp.png"
    run = thaadsim("footprint", "--battery-site", "seongju", "--missile", "scud-er", "--from", "tongchang-ri",
                   *COARSE, "--png", str(png), "--json")
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    assert isinstance(out["area_km2"], float) and out["area_km2"] > 0
    assert out["forward_km"] >= 0 and out["rear_km"] >= 0
    ring = out["polygon"]
    assert ring[0] == ring[-1] and len(ring) == 9
    assert 0 < out["twice"]["area_km2"] <= out["area_km2"]
    assert out["grid"]["n_azimuths"] == 8
    assert any("kinematic" in a for a in out["assumptions"])
    assert png.stat().st_size > 10_000


@pytest.mark.parametrize("args, words", [
    (("--battery-site", "seongju", "--missile", "scud-zz", "--from", "sinpo"), "unknown missile"),
    (("--battery-site", "nowhere-site", "--missile", "scud-er", "--from", "sinpo"), "unknown site"),
    (("--battery-site", "seongju", "--missile", "scud-er", "--from", "50,125"), "out of range"),
    (("--battery-site", "seongju", "--missile", "scud-er"), "--from"),
    (("--battery-site", "seongju", "--missile", "scud-er", "--from", "sinpo", "--azimuths", "7"), "--azimuths"),
])
def test_bad_input_is_one_line_exit_2(args, words):
    run = thaadsim("footprint", *args)
    assert run.returncode == 2
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and words in lines[0], run.stderr
    assert "Traceback" not in run.stderr
