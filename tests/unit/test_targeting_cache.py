"""The targeting caches and warm starts (issue 12: replay and validate share flights).

A stale cache is the danger: a flight kept for one set of inputs handed out for another.
Authorities: a fresh ``engine.fly`` of the same inputs (the cache must give exactly what
flying gives), a plain 30-step bisection (the guided search must bracket the same
boundary as tightly), and the cold search (a warm start may move a solution by no more
than the searches' tolerances).
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest

from thaadsim.catalog.loader import missiles
from thaadsim.flight import targeting
from thaadsim.flight.engine import FlightOptions, fly
from thaadsim.flight.targeting import Launch, copy_batch, max_range, shooter_for
from thaadsim.flight.vehicle import Vehicle

LAUNCH = Launch(40.0, 127.0, 0.0)


@pytest.fixture(scope="module")
def scud():
    return Vehicle.from_missile(missiles()["scud-b"])


def test_one_shooter_per_inputs_and_another_when_any_input_changes(scud):
    options = FlightOptions()
    shooter = shooter_for(scud, LAUNCH, options)
    assert shooter_for(Vehicle.from_missile(missiles()["scud-b"]), Launch(40.0, 127.0, 0.0),
                       FlightOptions()) is shooter  # equal values: the same shooter
    others = [
        shooter_for(scud.with_payload(scud.payload_kg * 1.01), LAUNCH, options),
        shooter_for(replace(scud, stages=(replace(scud.stages[0], isp_vac_s=scud.stages[0].isp_vac_s + 1),)),
                    LAUNCH, options),
        shooter_for(replace(scud, assumptions=(*scud.assumptions, "another assumption")), LAUNCH, options),
        shooter_for(scud, Launch(40.0, 127.01, 0.0), options),
        shooter_for(scud, LAUNCH, FlightOptions(rotation=False)),
        shooter_for(scud, LAUNCH, FlightOptions(rtol=1e-9)),
    ]
    assert all(o is not shooter for o in others)
    assert len({id(o) for o in others}) == len(others)


def test_a_cached_flight_is_what_flying_those_inputs_gives(scud):
    options = FlightOptions()
    shooter = shooter_for(scud, LAUNCH, options)
    fresh = fly(scud, LAUNCH.lat_deg, LAUNCH.lon_deg, LAUNCH.alt_m, 80.0, 20.0, 0.9, options)
    cached = shooter.one(80.0, 20.0, 0.9)
    np.testing.assert_array_equal(cached.events, fresh.events)
    assert shooter.range_m(80.0, 20.0, 0.9) == float(fresh.downrange_m[0])
    assert shooter.apogee_m(80.0, 20.0, 0.9) == float(fresh.apogee_alt_m[0])
    # Another payload is another shooter, whose flight is that payload's, not the cached one.
    heavier = scud.with_payload(2 * scud.payload_kg)
    other = shooter_for(heavier, LAUNCH, options).range_m(80.0, 20.0, 0.9)
    assert other == float(fly(heavier, LAUNCH.lat_deg, LAUNCH.lon_deg, LAUNCH.alt_m, 80.0, 20.0, 0.9,
                              options).downrange_m[0])
    assert abs(other - shooter.range_m(80.0, 20.0, 0.9)) > 10e3


def test_shared_flights_are_read_only_and_public_results_are_private_copies(scud):
    shooter = shooter_for(scud, LAUNCH, FlightOptions())
    shared = shooter.one(80.0, 20.0)
    with pytest.raises(ValueError):
        shared.events[0, 0, 0] = 0.0
    mine = copy_batch(shared)
    mine.events[...] = 0.0  # writable, and the shared flight is untouched
    assert np.isfinite(shared.events[0, -2, 0]) and shared.events[0, -2, 0] > 0
    first = max_range(scud, LAUNCH, 80.0)
    first.flight.events[...] = np.nan
    again = max_range(scud, LAUNCH, 80.0)
    assert again.range_m > 100e3 and again.kick_deg == first.kick_deg


def test_guided_search_brackets_the_boundary_as_tightly_as_30_halvings():
    boundary = 0.7371234567

    def flies(f):  # smooth excess with a jump, as the largest flying kick gives
        excess = (f - boundary) * (1.0 + 3.0 * f) + (0.02 if f > 0.9 else 0.0)
        return excess <= 0.0, excess

    probes = []

    def counted(f):
        probes.append(f)
        return flies(f)

    good = targeting._largest_burn(counted, 0.2, 1.0)
    width = 0.8 * 2.0**-30
    assert flies(good)[0] and boundary - width <= good <= boundary
    assert len(probes) < 20

    lo, hi = 0.2, 1.0  # a plain bisection of the same bracket ends as close
    for _ in range(30):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if flies(mid)[0] else (lo, mid)
    assert abs(good - lo) <= width


def test_guided_search_without_a_guide_is_a_bisection():
    calls = []

    def flies(f):
        calls.append(f)
        return f <= 0.3, None

    good = targeting._largest_burn(flies, 0.1, 1.0)
    assert 0.3 - 0.9 * 2.0**-30 <= good <= 0.3
    assert len(calls) <= 2 + 31


def test_grow_bracket_finds_the_root_or_says_it_cannot():
    root = targeting._grow_bracket(lambda x: x - 1.03, 1.0, 1e-3, 0.0, 2.0, lambda a, b, fa, fb: fa * fb <= 0)
    assert root == pytest.approx(1.03, abs=1e-9)
    with pytest.raises(targeting._NoWarmBracket):
        targeting._grow_bracket(lambda x: x * x + 1.0, 1.0, 1e-3, 0.0, 2.0, lambda a, b, fa, fb: fa * fb <= 0)


def test_warm_start_from_a_nearby_azimuth_gives_the_cold_solution():
    """A solve at one azimuth, then at another 0.5 deg away with and without the first as hint."""
    vehicle = Vehicle.from_missile(missiles()["nodong"])
    options = FlightOptions()
    apogee = 400e3
    shooter = targeting._Shooter(vehicle, LAUNCH, options)  # private: no flights shared with other tests
    hint = targeting._solve_at_azimuth(shooter, 80.0, 900e3, "lofted", apogee, None)
    cold = targeting._solve_at_azimuth(targeting._Shooter(vehicle, LAUNCH, options), 80.5, 900e3, "lofted",
                                       apogee, None)
    warm_shooter = targeting._Shooter(vehicle, LAUNCH, options)
    warm = targeting._solve_at_azimuth(warm_shooter, 80.5, 900e3, "lofted", apogee, None, hint)
    assert warm[1] == pytest.approx(cold[1], abs=1e-8)
    assert warm[0] == pytest.approx(cold[0], abs=1e-5)
    assert warm_shooter.apogee_m(80.5, *warm) == pytest.approx(apogee, abs=1.0)
    assert warm_shooter.range_m(80.5, *warm) == pytest.approx(900e3, abs=1.0)
    assert not warm_shooter.max_range_cache.keys() - {(80.5, 1.0)}  # the warm path flew no range searches
    assert math.isfinite(warm[0])


@pytest.mark.parametrize("azimuth", [90.0, 270.0])
def test_cached_downrange_is_the_engines_behind_the_launch_point_too(azimuth):
    """Near the vertical the rotating Earth carries an eastward flight back behind the launch point."""
    vehicle = Vehicle.from_missile(missiles()["hwasong-15"])
    kicks = np.array([1e-4, 0.2, 30.0])
    fresh = fly(vehicle, LAUNCH.lat_deg, LAUNCH.lon_deg, LAUNCH.alt_m, azimuth, kicks, 1.0, FlightOptions())
    shooter = targeting._Shooter(vehicle, LAUNCH, FlightOptions())
    ours = [shooter.range_m(azimuth, float(k)) for k in kicks]
    assert ours == [float(x) for x in fresh.downrange_m]
    if azimuth == 90.0:
        assert ours[0] < 0.0 < ours[2]


def test_a_patched_engine_input_or_search_limit_is_another_shooter(scud, monkeypatch):
    """validate's planted-error tests replace the drag curve or the atmosphere in a running process:
    flights cached before the plant must not answer for the planted engine."""
    from thaadsim.flight import engine

    options = FlightOptions()
    before = shooter_for(scud, LAUNCH, options)
    range_before = before.range_m(80.0, 20.0)
    monkeypatch.setattr(engine, "BOOST_CD", 1.2 * engine.BOOST_CD)
    planted = shooter_for(scud, LAUNCH, options)
    assert planted is not before
    assert planted.range_m(80.0, 20.0) < range_before - 1e3
    monkeypatch.undo()
    assert shooter_for(scud, LAUNCH, options) is before
    monkeypatch.setattr(targeting, "MAX_RANGE_KICK_DEG", 60.0)
    assert shooter_for(scud, LAUNCH, options) is not before
    monkeypatch.undo()
    table = engine._atmosphere_array().copy()
    table[1:] *= 1.001
    monkeypatch.setattr(engine, "_atmosphere_array", lambda: table)
    assert shooter_for(scud, LAUNCH, options) is not before
