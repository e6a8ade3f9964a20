"""One answer per lofted-tested missile: catalog, replay and infer-range agree, or say why not.

Authorities: the catalog's published maximum range (Wright, UCS 2017; the catalog model is
calibrated to it), the reverse analysis's joint 5-95 % band (fitted to the lofted test and
the published launch mass only, never to the published range), and the replay's catalog
model.  All three are quoted in one convention (WGS-84, J2, drag, no Earth rotation, due
east); the replay's rotating figure differs by the Earth's rotation, and the test checks
the sign of that difference (eastward launches gain).
"""

from __future__ import annotations

import numpy as np
import pytest

from thaadsim.catalog import loader
from thaadsim.flight.engine import FlightOptions
from thaadsim.flight.replay import _launch_and_azimuth, catalog_agreement, catalog_convention_max_range_m
from thaadsim.flight.reverse import Prior, infer_range, report
from thaadsim.flight.targeting import Launch, max_range
from thaadsim.flight.vehicle import Vehicle

REFERENCE_TESTS = {
    "hwasong-12": "2017-05-14-hwasong-12",
    "hwasong-14": "2017-07-28-hwasong-14",
    "hwasong-15": "2017-11-29-hwasong-15",
}


@pytest.fixture(scope="module", params=sorted(REFERENCE_TESTS))
def missile(request):
    key = request.param
    test = loader.flight_test(REFERENCE_TESTS[key])
    launch, az, _ = _launch_and_azimuth(test, FlightOptions())
    record = loader.missile(key)
    est = infer_range(test.apogee_km.value * 1e3, test.range_km.value * 1e3, test.flight_time_s.value,
                      Launch(launch.lat_deg, launch.lon_deg, launch.alt_m), prior=Prior.from_missile(record),
                      rng=np.random.default_rng(20171129), n_draws=300, azimuth_deg=az)
    return record, report(est), launch, az


def test_catalog_figure_inside_the_reverse_band(missile):
    record, inferred, _, _ = missile
    agreement = catalog_agreement(record, inferred)
    assert agreement["inside_band"], agreement["verdict"]
    assert inferred["max_range_low_km"] <= record.published_range_km.value <= inferred["max_range_high_km"]


def test_replay_model_gives_the_catalog_figure(missile):
    record, _, _, _ = missile
    ours = catalog_convention_max_range_m(record.key) / 1e3
    assert abs(ours - record.published_range_km.value) <= 0.01 * record.published_range_km.value


def test_rotation_explains_the_replay_gap(missile):
    record, _, launch, az = missile
    vehicle = Vehicle.from_missile(record)
    rotating = max_range(vehicle, Launch(launch.lat_deg, launch.lon_deg, launch.alt_m), az, FlightOptions())
    still = max_range(vehicle, Launch(launch.lat_deg, launch.lon_deg, launch.alt_m), az,
                      FlightOptions(rotation=False))
    assert 45.0 < az < 135.0  # the 2017 tests flew eastward, with the Earth's rotation
    assert rotating.range_m > still.range_m


def test_outside_band_is_reported_with_its_reason():
    record = loader.missile("hwasong-15")
    fake = {"max_range_low_km": 14_000.0, "max_range_high_km": 18_000.0}
    agreement = catalog_agreement(record, fake)
    assert not agreement["inside_band"]
    assert "OUTSIDE" in agreement["verdict"] and "-7.1 %" in agreement["verdict"]


def test_a_reduced_energy_test_is_named_as_the_reason():
    """The replay flies 4 Jul 2017 below the Hwasong-14's full energy (its apogee is under 90 % of the
    full-burn flight's to 933 km): a full-burn fit to it is a smaller rocket, and the output says so."""
    record = loader.missile("hwasong-14")
    fake = {"max_range_low_km": 6_500.0, "max_range_high_km": 7_300.0}
    july4 = catalog_agreement(record, fake, "2017-07-04-hwasong-14")
    assert july4["test_flown_at_full_energy"] is False
    assert "below the catalog model's full energy" in july4["verdict"]
    assert catalog_agreement(record, fake, "2017-07-28-hwasong-14")["test_flown_at_full_energy"] is True
