"""Free flight against the closed forms (formulas.md) and the conservation laws.

Authority: tests/validation/authorities/kepler.py (Bate, Mueller & White 1971).
Validation mode: sphere R = 6,371,008.8 m, mu = 3.986004418e14, no rotation, no drag.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.validation.authorities import kepler
from thaadsim.flight.engine import FlightOptions, fly_from_burnout

SPHERE = FlightOptions(earth="sphere", rotation=False, drag=False)

SPEEDS = np.array([1000.0, 2000.0, 3000.0, 4000.0, 5000.0, 6000.0, 7000.0, 7500.0])
GAMMAS = np.array([10.0, 20.0, 30.0, 45.0, 60.0, 70.0, 80.0])


def test_range_apogee_time_within_0p1_percent_of_closed_forms():
    v, g = np.meshgrid(SPEEDS, GAMMAS, indexing="ij")
    v, g = v.ravel(), g.ravel()
    batch = fly_from_burnout(0.0, 0.0, 0.0, v, g, 90.0, options=SPHERE)
    assert batch.ok.all()
    for i in range(len(v)):
        ref = kepler.free_flight(v[i], g[i])
        assert batch.range_m[i] == pytest.approx(ref["range_m"], rel=1e-3), (v[i], g[i])
        assert batch.apogee_alt_m[i] == pytest.approx(ref["apogee_m"], rel=1e-3), (v[i], g[i])
        assert batch.flight_time_s[i] == pytest.approx(ref["flight_time_s"], rel=1e-3), (v[i], g[i])


@pytest.mark.parametrize("v, range_km, gamma, minutes, apogee_km", [
    (3000.0, 988, 42.8, 7.9, 237),
    (5000.0, 3215, 37.8, 15.6, 694),
    (7000.0, 8910, 25.0, 30.0, 1303),
])
def test_worked_minimum_energy_values_of_formulas_md(v, range_km, gamma, minutes, apogee_km):
    """The printed table of formulas.md, to its printed rounding (half the last digit).

    The engine finds the range-maximising angle itself (a fine scan of gamma), so this
    also checks gamma* = 45 deg - psi/4.
    """
    gammas = np.linspace(gamma - 1.0, gamma + 1.0, 401)
    batch = fly_from_burnout(10.0, 20.0, 0.0, v, gammas, 45.0, options=SPHERE)
    best = int(np.argmax(batch.range_m))
    assert gammas[best] == pytest.approx(gamma, abs=0.05 + 0.005)
    assert batch.range_m[best] / 1e3 == pytest.approx(range_km, abs=0.5)
    assert batch.flight_time_s[best] / 60 == pytest.approx(minutes, abs=0.05 + 0.01)
    assert batch.apogee_alt_m[best] / 1e3 == pytest.approx(apogee_km, abs=0.5 + 0.5)


def test_energy_and_angular_momentum_conserved_over_30_minutes():
    """A 7 km/s minimum-energy flight lasts 30 min; both invariants hold to 1e-9."""
    batch = fly_from_burnout(0.0, 0.0, 0.0, 7000.0, 25.0, 90.0, options=SPHERE, sample_dt_s=1.0)
    assert batch.flight_time_s[0] > 1790
    # The samples are Hermite-interpolated; compare the integrated event states instead.
    states = np.stack([batch.burnout[0], batch.apogee[0], batch.impact[0]])
    r, v = states[:, 1:4], states[:, 4:7]
    energy = 0.5 * np.sum(v * v, -1) - kepler.MU / np.linalg.norm(r, axis=-1)
    h = np.linalg.norm(np.cross(r, v), axis=-1)
    assert np.ptp(energy) / abs(energy[0]) < 1e-9
    assert np.ptp(h) / h[0] < 1e-9


@settings(max_examples=40, deadline=None)
@given(
    v=st.floats(1500.0, 7200.0),
    gamma=st.floats(12.0, 78.0),
    lat=st.floats(-80.0, 80.0),
    lon=st.floats(-180.0, 180.0),
    az=st.floats(0.0, 360.0),
)
def test_invariants_hold_for_any_state(v, gamma, lat, lon, az):
    batch = fly_from_burnout(lat, lon, 100e3, v, gamma, az, options=SPHERE)
    states = np.stack([batch.burnout[0], batch.apogee[0], batch.impact[0]])
    r, vel = states[:, 1:4], states[:, 4:7]
    energy = 0.5 * np.sum(vel * vel, -1) - kepler.MU / np.linalg.norm(r, axis=-1)
    h = np.linalg.norm(np.cross(r, vel), axis=-1)
    assert np.ptp(energy) / abs(energy[0]) < 1e-9
    assert np.ptp(h) / h[0] < 1e-9
    # Apogee: the radial velocity vanishes there.
    rv = np.dot(states[1, 1:4], states[1, 4:7]) / np.linalg.norm(states[1, 1:4])
    assert abs(rv) < 1e-6
    assert math.isclose(np.linalg.norm(states[2, 1:4]), kepler.R, abs_tol=1e-5)
