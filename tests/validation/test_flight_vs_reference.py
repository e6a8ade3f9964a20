"""Powered flight with drag against a second, independent implementation.

Authority: tests/validation/authorities/reference_flight.py — the same physical model
written in plain Python and integrated by scipy's DOP853 (rtol 1e-10), with its own
geodetic conversion (Bowring) and event location.  Impact points must agree within
1 m and impact times within 1 ms.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from tests.validation.authorities.reference_flight import Reference
from thaadsim.catalog.loader import missile
from thaadsim.earth import frames
from thaadsim.earth.atmosphere import kernel_table
from thaadsim.flight.engine import FlightOptions, fly
from thaadsim.flight.vehicle import BOOST_CD, BOOST_CD_MACH, Vehicle


@pytest.mark.parametrize("name, kick_deg, azimuth_deg, burn_fraction, rotation", [
    ("scud-b", 30.0, 90.0, 1.0, True),
    ("scud-c", 12.0, 200.0, 0.8, True),
    ("nodong", 35.0, 45.0, 1.0, False),
    ("hwasong-12", 20.0, 90.0, 1.0, True),
])
def test_impact_within_one_metre_of_scipy_reference(name, kick_deg, azimuth_deg, burn_fraction, rotation):
    vehicle = Vehicle.from_missile(missile(name))
    batch = fly(vehicle, 39.0, 125.5, 0.0, azimuth_deg, kick_deg, burn_fraction,
                options=FlightOptions(rotation=rotation))
    assert batch.ok[0], batch.status_text(0)
    reference = Reference(vehicle, kernel_table(), BOOST_CD_MACH, BOOST_CD, rotation=rotation)
    r0 = np.asarray(frames.geodetic_to_ecef(39.0, 125.5, 0.0)).ravel()
    expected = reference.fly(r0, math.radians(kick_deg), math.radians(azimuth_deg), burn_fraction)
    assert np.linalg.norm(batch.impact[0, 1:4] - expected[1:4]) < 1.0
    assert batch.flight_time_s[0] == pytest.approx(expected[0], abs=1e-3)
