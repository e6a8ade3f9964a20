"""Earth rotation in the flight engine against two-body motion seen from inertial space.

Authority: tests/validation/authorities/kepler.py — the Kepler conic of the inertial
burnout state (ground velocity + w x r), with the sphere turned under it for the time
of flight.  Sphere, no drag, rotation on: the engine integrates Coriolis and
centrifugal terms in the Earth-fixed frame, the authority never sees them.
"""

from __future__ import annotations

import numpy as np
import pytest

from tests.validation.authorities import kepler
from thaadsim.flight.engine import FlightOptions, burnout_states, fly_from_burnout

ROTATING_SPHERE = FlightOptions(earth="sphere", rotation=True, drag=False)


@pytest.mark.parametrize("lat, az, v, gamma", [
    (0.0, 90.0, 7000.0, 25.0),
    (0.0, 270.0, 7000.0, 25.0),
    (40.0, 45.0, 3000.0, 42.0),
    (-30.0, 200.0, 5000.0, 60.0),
    (60.0, 0.0, 6500.0, 30.0),
])
def test_rotating_frame_lands_where_the_inertial_conic_does(lat, az, v, gamma):
    batch = fly_from_burnout(lat, 30.0, 0.0, v, gamma, az, options=ROTATING_SPHERE)
    r0, v0 = burnout_states(lat, 30.0, 0.0, v, gamma, az, earth="sphere")
    expected, t = kepler.ground_impact_rotating(r0[0], v0[0])
    assert np.linalg.norm(batch.impact[0, 1:4] - expected) < 1.0  # metres
    assert batch.flight_time_s[0] == pytest.approx(t, abs=1e-3)


def test_east_flies_further_than_west_by_the_rotation_budget():
    """Same ground-relative burnout east and west at the equator (WGS-84, no drag).

    The difference must be positive and of the size the inertial conic predicts on the
    sphere (within 3 %: ellipsoid and J2 make the rest).
    """
    wgs = FlightOptions(earth="wgs84", rotation=True, drag=False)
    east, west = fly_from_burnout(0.0, 0.0, 0.0, 6000.0, 30.0, [90.0, 270.0], options=wgs).range_m
    sphere = fly_from_burnout(0.0, 0.0, 0.0, 6000.0, 30.0, [90.0, 270.0], options=ROTATING_SPHERE)
    d_sphere = sphere.range_m[0] - sphere.range_m[1]
    assert east > west
    assert (east - west) == pytest.approx(d_sphere, rel=0.03)
    assert d_sphere > 100e3  # hundreds of km for an intermediate-range burnout


def test_no_rotation_sphere_limit_equals_validation_mode():
    """The full model with rotation off on the sphere is exactly the closed-form conic."""
    batch = fly_from_burnout(25.0, 125.0, 0.0, 4500.0, 40.0, 80.0,
                             options=FlightOptions(earth="sphere", rotation=False, drag=False))
    r0, v0 = burnout_states(25.0, 125.0, 0.0, 4500.0, 40.0, 80.0, earth="sphere")
    expected, t = kepler.impact_from_state(r0[0], v0[0])
    assert np.linalg.norm(batch.impact[0, 1:4] - expected) < 1.0
    assert batch.flight_time_s[0] == pytest.approx(t, abs=1e-3)
