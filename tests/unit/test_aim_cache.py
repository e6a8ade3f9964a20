"""The disk cache of minimum-energy steering and its sampled flight
(``flight.batch_aim.aim_min_energy_cached``).

Authority: :func:`thaadsim.flight.batch_aim.aim_min_energy` searching and flying afresh -
what is read from the cache must be the same numbers and the same sampled flight, bit for
bit; a file whose content no longer matches its digest is made again; inputs the steering
depends on (the vehicle, the points) do not share a file."""

import numpy as np
import pytest

from thaadsim.flight import batch_aim
from thaadsim.flight.batch_aim import Shot, aim_min_energy, aim_min_energy_cached

SHOTS = [Shot("scud-er", "kusong", "seongju"), Shot("scud-er", "sunan", "busan")]


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv("THAADSIM_CACHE_DIR", str(tmp_path))
    return tmp_path / "aim"


def _same(a, b) -> None:
    assert a.status == b.status
    for name in ("distance_m", "max_range_m", "azimuth_deg", "kick_deg", "burn_fraction", "miss_m", "index"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)
    for name in ("status", "events", "n_stages", "launch_lat_deg", "launch_lon_deg", "samples",
                 "launch_azimuth_deg"):
        np.testing.assert_array_equal(getattr(a.flight, name), getattr(b.flight, name), err_msg=name)
    assert a.flight.assumptions == b.flight.assumptions
    assert a.flight.sample_dt_s == b.flight.sample_dt_s and a.flight.options == b.flight.options


def _no_search(monkeypatch) -> None:
    def refuse(*args, **kwargs):
        raise AssertionError("searched again: the cache was not read")

    monkeypatch.setattr(batch_aim, "_aim", refuse)


def test_cached_steering_flies_the_searched_flight(folder, monkeypatch):
    searched = aim_min_energy(SHOTS, sample_dt_s=2.0)
    first = aim_min_energy_cached(SHOTS, sample_dt_s=2.0)
    assert len(list(folder.glob("*.npz"))) == 2  # the steering, and its flight sampled every 2 s
    _no_search(monkeypatch)
    again = aim_min_energy_cached(SHOTS, sample_dt_s=5.0)  # another sampling of the same steering: flown
    assert len(list(folder.glob("*.npz"))) == 3
    _same(first, searched)

    def no_flight(*args, **kwargs):
        raise AssertionError("flown again: the cached flight was not read")

    monkeypatch.setattr(batch_aim, "_fly", no_flight)
    _same(aim_min_energy_cached(SHOTS, sample_dt_s=2.0), searched)
    assert again.flight.samples.shape != searched.flight.samples.shape
    np.testing.assert_array_equal(again.flight.impact, searched.flight.impact)


def test_damaged_file_is_searched_again(folder, monkeypatch):
    searched = aim_min_energy_cached(SHOTS, sample_dt_s=2.0)
    for path in folder.glob("*.npz"):
        with np.load(path) as z:
            parts = {k: z[k] for k in z.files}
        for name in ("azimuth_deg", "samples"):  # off by a degree or a metre, digest unchanged
            if name in parts:
                parts[name] = parts[name] + 1.0
        np.savez(path, **parts)
    _same(aim_min_energy_cached(SHOTS, sample_dt_s=2.0), searched)


def test_vehicle_and_points_get_their_own_file(folder):
    aim_min_energy_cached(SHOTS[:1], sample_dt_s=2.0)
    aim_min_energy_cached([Shot("scud-er", "kusong", "daegu")], sample_dt_s=2.0)
    aim_min_energy_cached([Shot("scud-c", "kusong", "seongju")], sample_dt_s=2.0)
    assert len(list(folder.glob("*.npz"))) == 3 * 2


def test_unreachable_shot_keeps_its_status(folder, monkeypatch):
    shots = [Shot("scud-b", "kusong", "busan")]  # ~300 km missile, ~560 km away
    searched = aim_min_energy(shots, sample_dt_s=2.0)
    assert searched.status == ["out of range"]
    aim_min_energy_cached(shots, sample_dt_s=2.0)
    _no_search(monkeypatch)
    cached = aim_min_energy_cached(shots, sample_dt_s=2.0)
    assert cached.status == ["out of range"] and cached.flight is None
    np.testing.assert_array_equal(cached.max_range_m, searched.max_range_m)
