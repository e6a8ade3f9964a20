"""The defended footprint's disk cache.

Authority: :func:`thaadsim.defense.footprint.defended_footprint` computing afresh - a
footprint read from the cache must equal the one flown and bisected for the same inputs,
a file whose content no longer matches its digest must be flown again, and inputs the
edges depend on must not share a file."""

import json

import numpy as np
import pytest

from thaadsim.catalog.loader import resolve_location
from thaadsim.defense import footprint
from thaadsim.defense.battery import Battery
from thaadsim.defense.footprint import defended_footprint

GRID = dict(n_azimuths=8, range_step_m=70e3, refine_steps=1)
"""A coarse grid: the test is about the cache, not the footprint's resolution."""


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setattr(footprint, "cache_dir", lambda: tmp_path)
    return tmp_path


@pytest.fixture(scope="module")
def battery():
    return Battery.from_catalog("thaad-battery", site=resolve_location("seongju", "site"))


def _text(fp) -> str:
    return json.dumps(fp.as_dict(), sort_keys=True)


def test_cached_footprint_equals_the_computed_one(folder, battery):
    computed = defended_footprint(battery, "scud-er", "kusong", **GRID)
    files = list(folder.glob("*.npz"))
    assert len(files) == 1
    told = []
    cached = defended_footprint(battery, "scud-er", "kusong", **GRID, progress=lambda *a: told.append(a))
    assert _text(cached) == _text(computed)
    assert told and "disk cache" in told[-1][2]  # read, not flown


def test_damaged_file_is_flown_again(folder, battery):
    computed = defended_footprint(battery, "scud-er", "kusong", **GRID)
    (path,) = folder.glob("*.npz")
    with np.load(path) as z:
        parts = {k: z[k] for k in z.files}
    parts["edge1"] = parts["edge1"] * 0.5  # a halved footprint, digest unchanged
    np.savez(path, **parts)
    told = []
    again = defended_footprint(battery, "scud-er", "kusong", **GRID, progress=lambda *a: told.append(a))
    assert _text(again) == _text(computed)
    assert not any("disk cache" in t[2] for t in told)


def test_inputs_the_edges_depend_on_get_their_own_file(folder, battery):
    defended_footprint(battery, "scud-er", "kusong", **GRID)
    slower = battery.with_(kill_assessment_s=battery.kill_assessment_s + 30.0)
    defended_footprint(slower, "scud-er", "kusong", **GRID)
    defended_footprint(battery, "scud-er", "kusong", **{**GRID, "refine_steps": 0})
    assert len(list(folder.glob("*.npz"))) == 3
