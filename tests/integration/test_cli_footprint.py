"""The footprint command's contract, run as a user runs it (a subprocess)."""

from __future__ import annotations

import json
import re

import pytest
from pyproj import Geod

from tests.integration import cli

thaadsim = cli.run


PROGRESS_LINE = re.compile(r"^footprint \[\s*\d+\.\d s\] ")  # cli/progress.py's plain line
COARSE = ("--azimuths", "8", "--range-step-km", "60", "--refine-steps", "2")


def test_footprint_json_contract_and_map(tmp_path):
    png = tmp_path / "fp.png"
    run = thaadsim("footprint", "--battery-site", "seongju", "--missile", "scud-er", "--from", "tongchang-ri",
                   *COARSE, "--png", str(png), "--json")
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    assert isinstance(out["area_km2"], float) and out["area_km2"] > 0
    ring = out["polygon"]
    assert ring[0] == ring[-1] and len(ring) == 9
    # Geometry against an independent geodesic (pyproj's Karney solution on WGS-84): each
    # vertex lies on its ray from the battery at its stated extent, the stated area is
    # the ring's ellipsoidal area, and forward/rear are the extents toward/away from
    # the launch point.  A ray, extent or area computed in the wrong frame shows here.
    geod = Geod(ellps="WGS84")
    bat, ext = out["battery"], out["extents"]
    for az, km, (lat, lon) in zip(ext["azimuth_deg"], ext["once_km"], ring[:-1], strict=True):
        fwd, _, dist = geod.inv(bat["lon_deg"], bat["lat_deg"], lon, lat)
        assert (fwd - az + 540.0) % 360.0 - 180.0 == pytest.approx(0.0, abs=1e-6)
        assert dist == pytest.approx(km * 1e3, abs=1.0)
    area, _ = geod.polygon_area_perimeter([p[1] for p in ring], [p[0] for p in ring])
    assert out["area_km2"] == pytest.approx(abs(area) / 1e6, rel=1e-6)
    assert ext["azimuth_deg"][0] == pytest.approx(out["axis_azimuth_deg"])
    assert out["forward_km"] == ext["once_km"][0] and out["rear_km"] == ext["once_km"][4]
    # Engagement geometry: the defended area stretches away from the threat (descending
    # warheads aimed behind the battery pass over it inside the intercept window).
    assert out["rear_km"] > out["forward_km"]
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
    """One error line.  The out-of-range check flies the missile at the battery first (a stage of
    the progress display): past the display's 2 s delay (a loaded machine, a cold numba cache) its
    own plain line comes first, as for any slow command (cli/progress.py) - not counted here."""
    run = thaadsim("footprint", *args)
    assert run.returncode == 2
    lines = [line for line in run.stderr.strip().splitlines() if not PROGRESS_LINE.match(line)]
    assert len(lines) == 1 and words in lines[0], run.stderr
    assert "Traceback" not in run.stderr
