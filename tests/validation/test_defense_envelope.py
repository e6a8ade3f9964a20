"""Engagement envelope and intercept opportunities against flown threats.

Authorities: the open-literature intercept window (40-150 km) and range (~200 km) as
limits; the engine's targeted flights of catalog missiles as the threats; the catalog's
engageable threat speed (6 km/s: IRBM-class reentry) for the 'too fast' case.
"""

from __future__ import annotations

import numpy as np
import pytest

from thaadsim.catalog.loader import missile
from thaadsim.defense.battery import Battery
from thaadsim.defense.envelope import REASON_RANGE, Envelope, can_intercept
from thaadsim.earth import frames
from thaadsim.flight.engine import FlightOptions, fly, fly_from_burnout
from thaadsim.flight.targeting import Launch, solve
from thaadsim.flight.vehicle import Vehicle

BATTERY = Battery.from_catalog()


@pytest.fixture(scope="module")
def envelope() -> Envelope:
    return Envelope.for_battery(BATTERY)


def _threat(name: str, launch: tuple[float, float], aim: tuple[float, float]):
    v = Vehicle.from_missile(missile(name))
    sol = solve(v, Launch(*launch), *aim)
    b = fly(v, launch[0], launch[1], 0.0, sol.azimuth_deg, sol.kick_deg, sol.burn_fraction, sample_dt_s=1.0)
    return np.arange(b.samples.shape[1]) * 1.0, b.samples[0]


def test_envelope_is_derived_and_clipped(envelope):
    ext = envelope.extents(0.0)
    assert ext["min_alt_km"] == 40 and ext["max_alt_km"] == 150
    # Reach grows with altitude inside the window (flatter shots lose to drag low down).
    assert 40.0 < ext["reach_at_min_alt_km"] < ext["reach_at_max_alt_km"] <= 200.0
    assert ext["flyout_to_ceiling_overhead_s"] < ext["time_budget_s"]
    # Tighter limits clip it.
    tight = Envelope.for_battery(BATTERY, max_range_m=50e3, min_alt_m=60e3)
    assert tight.extents(0.0)["max_reach_km"] <= 50.0
    assert np.isnan(tight.flyout_time_s(0.0, 30e3, 45e3))
    r, h = envelope.boundary(90.0)
    assert r.max() <= 200e3 and h.min() >= 40e3 and h.max() <= 150e3


def test_threat_aimed_at_the_battery_is_engaged_inside_the_window(envelope):
    lat, lon, _ = frames.geodesic_forward(BATTERY.lat_deg, BATTERY.lon_deg, 320.0, 800e3)
    times, states = _threat("scud-er", (float(lat), float(lon)), (BATTERY.lat_deg, BATTERY.lon_deg))
    (op,) = can_intercept(times, states, BATTERY, envelope=envelope)
    assert op.engageable and op.reason is None
    for shot in (op.earliest, op.latest):
        assert 40e3 <= shot.alt_m <= 150e3 and shot.range_m <= 200e3
        assert shot.t_launch_s == pytest.approx(shot.t_intercept_s - shot.flyout_s)
        assert shot.t_launch_s >= 0.0
    assert op.earliest.t_intercept_s < op.latest.t_intercept_s
    # There is time for shoot-look-shoot after a 10 s kill assessment.
    shots = op.look_shots(BATTERY.kill_assessment_s, 2)
    assert len(shots) == 2 and shots[1].t_launch_s >= shots[0].t_intercept_s + BATTERY.kill_assessment_s


def test_threat_aimed_1000_km_away_has_no_opportunity(envelope):
    aim = frames.geodesic_forward(BATTERY.lat_deg, BATTERY.lon_deg, 45.0, 1000e3)[:2]
    times, states = _threat("nodong", (40.03, 128.20), (float(aim[0]), float(aim[1])))  # from Sinpo
    (op,) = can_intercept(times, states, BATTERY, envelope=envelope)
    assert not op.engageable and op.earliest is None
    assert op.reason == REASON_RANGE


def _descending_through(speed_m_s: float):
    """A drag-free reentry that passes 40 km above the battery at ``speed_m_s``, 35° below
    the horizontal, built by flying the time-reversed arc up from that point."""
    opts = FlightOptions(rotation=False, drag=False, t_max_s=200.0)
    b = fly_from_burnout(BATTERY.lat_deg, BATTERY.lon_deg, 40e3, speed_m_s, 35.0, 0.0, options=opts,
                         sample_dt_s=1.0)
    s = b.samples[0, :121][::-1].copy()
    s[:, 3:] *= -1.0
    return np.arange(len(s)) * 1.0, s


def test_too_fast_threat_is_not_engageable_with_the_reason(envelope):
    times, states = _descending_through(7000.0)
    (op,) = can_intercept(times, states, BATTERY, envelope=envelope)
    assert not op.engageable
    assert op.reason.startswith("too fast") and "above the 6.0 km/s" in op.reason
    # The same geometry at IRBM-class speed is engageable: speed is the binding reason.
    times, states = _descending_through(4000.0)
    (op,) = can_intercept(times, states, BATTERY, envelope=envelope)
    assert op.engageable


def test_batch_of_threats_and_bad_input(envelope):
    times, fast = _descending_through(7000.0)
    _, slow = _descending_through(4000.0)
    ops = can_intercept(times, np.stack([fast, slow]), BATTERY, envelope=envelope)
    assert [o.engageable for o in ops] == [False, True]
    late = can_intercept(times, slow, BATTERY, earliest_launch_s=times[-1], envelope=envelope)[0]
    assert late.reason.startswith("too late")
    from thaadsim.errors import InputError

    with pytest.raises(InputError, match="times_s"):
        can_intercept(times[:-1], slow, BATTERY, envelope=envelope)
    with pytest.raises(InputError, match="envelope"):
        Envelope.for_battery(BATTERY, max_flyout_s=1e4)
