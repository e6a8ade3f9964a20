"""Radar coverage's disk cache.

Authority: :func:`thaadsim.sensors.coverage.coverage` computing afresh - coverage read from
the cache must equal the coverage computed for the same inputs, a damaged entry must be
computed again, and another target must not share an entry."""

import numpy as np
import pytest

from thaadsim.sensors import coverage as cov
from thaadsim.sensors.radar import RadarModel

GRID = dict(n_azimuths=24, n_ranges=40, tolerance_m=500.0)


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setattr(cov, "cache_dir", lambda: tmp_path)
    return tmp_path


@pytest.fixture(scope="module")
def radar():
    return RadarModel.from_catalog("an-tpy-2", "forward-based").with_site(36.0513, 128.2229, 680.0, "seongju")


def _same(a, b) -> None:
    for name in ("azimuth_deg", "min_ground_range_m", "max_ground_range_m", "max_slant_range_m"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
    assert a.limit.tolist() == b.limit.tolist()
    assert len(a.polygons) == len(b.polygons)
    for p, q in zip(a.polygons, b.polygons, strict=True):
        np.testing.assert_array_equal(p, q)
    assert (a.area_km2, a.notes, a.convention) == (b.area_km2, b.notes, b.convention)


def test_cached_coverage_equals_the_computed_one(folder, radar, monkeypatch):
    computed = cov.coverage(radar, 100e3, 0.1, **GRID)
    assert len(list(folder.glob("*.npz"))) == 1
    monkeypatch.setattr(cov, "_edges", lambda *a: pytest.fail("computed again"))
    _same(cov.coverage(radar, 100e3, 0.1, **GRID), computed)


def test_damaged_entry_is_computed_again(folder, radar):
    computed = cov.coverage(radar, 100e3, 0.1, **GRID)
    (path,) = folder.glob("*.npz")
    with np.load(path) as z:
        parts = {k: z[k] for k in z.files}
    parts["max_ground_range_m"] = parts["max_ground_range_m"] * 0.5
    np.savez(path, **parts)
    _same(cov.coverage(radar, 100e3, 0.1, **GRID), computed)


def test_another_target_gets_its_own_entry(folder, radar):
    cov.coverage(radar, 100e3, 0.1, **GRID)
    smaller = cov.coverage(radar, 100e3, 0.01, **GRID)
    assert len(list(folder.glob("*.npz"))) == 2
    assert smaller.area_km2 < cov.coverage(radar, 100e3, 0.1, **GRID).area_km2
