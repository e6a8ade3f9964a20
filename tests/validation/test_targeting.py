"""Targeting lands on the aim point (within 1 km, the contract; the solver aims for 100 m).

Authority: the geodesic distance (pyproj, WGS-84) from the flown impact to the aim point.
"""

from __future__ import annotations

import numpy as np
import pytest

from thaadsim.catalog.loader import missiles, resolve_location
from thaadsim.earth import frames
from thaadsim.errors import InputError, UnreachableError
from thaadsim.flight.engine import FlightOptions
from thaadsim.flight.targeting import Launch, max_range, solve
from thaadsim.flight.vehicle import Vehicle

LAUNCH = Launch(40.0, 127.0, 0.0)


def _aim(distance_m: float, azimuth_deg: float) -> tuple[float, float]:
    lat, lon, _ = frames.geodesic_forward(LAUNCH.lat_deg, LAUNCH.lon_deg, azimuth_deg, distance_m)
    return float(lat), float(lon)


def _miss_m(solution, aim) -> float:
    lat, lon = solution.flight.impact_lat_lon_deg
    return float(frames.geodesic_inverse(lat[0], lon[0], aim[0], aim[1])[2])


@pytest.mark.parametrize("key", sorted(missiles()))
def test_min_energy_lands_within_1_km_across_the_catalog(key):
    vehicle = Vehicle.from_missile(missiles()[key])
    reach = max_range(vehicle, LAUNCH, 100.0).range_m
    aim = _aim(0.7 * reach, 100.0)
    solution = solve(vehicle, LAUNCH, *aim)
    assert _miss_m(solution, aim) < 1_000.0
    assert 0.0 < solution.burn_fraction < 1.0  # thrust cut short of a full burn


@pytest.mark.parametrize("profile, apogee_km", [("lofted", None), ("depressed", None), ("lofted", 400.0)])
def test_lofted_and_depressed_land_within_1_km(profile, apogee_km):
    vehicle = Vehicle.from_missile(missiles()["nodong"])
    aim = _aim(900e3, 80.0)
    solution = solve(vehicle, LAUNCH, *aim, profile=profile,
                     apogee_m=None if apogee_km is None else apogee_km * 1e3)
    assert _miss_m(solution, aim) < 1_000.0
    if apogee_km is not None:
        assert solution.flight.apogee_alt_m[0] == pytest.approx(apogee_km * 1e3, abs=100.0)
    min_energy = solve(vehicle, LAUNCH, *aim)
    if profile == "lofted":
        assert solution.flight.apogee_alt_m[0] > min_energy.flight.apogee_alt_m[0]
    else:
        assert solution.flight.apogee_alt_m[0] < min_energy.flight.apogee_alt_m[0]


def test_unreachable_aim_point_names_the_maximum_range():
    vehicle = Vehicle.from_missile(missiles()["scud-b"])
    seoul, tokyo = resolve_location("sunan", "from"), resolve_location("tokyo", "to")
    with pytest.raises(UnreachableError) as err:
        solve(vehicle, Launch(seoul.lat_deg, seoul.lon_deg), tokyo.lat_deg, tokyo.lon_deg)
    text = str(err.value)
    assert "maximum range" in text and "km" in text


def test_minimum_energy_profile_takes_no_apogee():
    vehicle = Vehicle.from_missile(missiles()["scud-b"])
    with pytest.raises(InputError):
        solve(vehicle, LAUNCH, *_aim(200e3, 90.0), apogee_m=100e3)


def test_rotation_is_solved_for():
    """With the Earth turning under a 30-minute flight the first-guess azimuth misses by
    hundreds of km; the solver still lands on the point."""
    vehicle = Vehicle.from_missile(missiles()["hwasong-14"])
    aim = _aim(8000e3, 45.0)
    rotating = solve(vehicle, LAUNCH, *aim, options=FlightOptions(rotation=True))
    assert _miss_m(rotating, aim) < 1_000.0
    assert abs(((rotating.azimuth_deg - 45.0) + 180) % 360 - 180) > 0.5
    assert np.isfinite(rotating.flight.flight_time_s[0])
