"""Replays of the catalog's test flights: the missile flown as tested, beside the published figures.

Each test is flown from its catalog site, lofted to the published apogee with a full
burn (the kick angle is solved for the apogee), toward the published impact point when
the catalog has one, else due east (the 2017 tests all flew roughly east, into the Sea
of Japan — an assumption shown in the output).  The published range and flight time are
then an independent check of the missile model.
"""

from __future__ import annotations

from thaadsim.catalog import loader
from thaadsim.earth import frames
from thaadsim.errors import UnreachableError
from thaadsim.flight import targeting
from thaadsim.flight.engine import FlightOptions
from thaadsim.flight.targeting import KICK_MIN_DEG, Launch, _kick_for, _Shooter
from thaadsim.flight.vehicle import Vehicle

DEFAULT_AZIMUTH_DEG = 90.0


def replay(test_key: str, options: FlightOptions | None = None) -> dict:
    """Fly one catalog test lofted to its published apogee; compare range and time."""
    options = options or FlightOptions()
    test = loader.flight_test(test_key, field="test")
    site = loader.site(test.site)
    vehicle = Vehicle.from_missile(loader.missile(test.missile))
    launch = Launch(site.lat_deg.value, site.lon_deg.value, site.alt_m.value if site.alt_m else 0.0)
    impact_lat = getattr(test, "impact_lat_deg", None)
    impact_lon = getattr(test, "impact_lon_deg", None)
    if impact_lat is not None and impact_lon is not None:
        az = float(frames.geodesic_inverse(launch.lat_deg, launch.lon_deg, float(impact_lat.value),
                                           float(impact_lon.value))[0])
        az_source = "toward the published impact point"
    else:
        az = DEFAULT_AZIMUTH_DEG
        az_source = "due east (assumed: no published impact point)"
    apogee_m = test.apogee_km.value * 1e3
    shooter = _Shooter(vehicle, launch, options)
    if shooter.apogee_m(az, KICK_MIN_DEG) < apogee_m:
        raise UnreachableError(
            f"{vehicle.name} cannot reach the {test.apogee_km.value:,.0f} km apogee of test {test.key}",
            field="missile")
    k_hi = next(k for k in (5.0, 10.0, 20.0, 40.0, 60.0) if shooter.apogee_m(az, k) < apogee_m)
    kick = _kick_for(shooter, az, 1.0, "apogee", apogee_m, k_hi)
    flight = shooter.one(az, kick)
    best = targeting.max_range(vehicle, launch, az, options)
    published_range = test.range_km.value
    published_time = test.flight_time_s.value if test.flight_time_s is not None else None
    range_km = float(flight.range_m[0]) / 1e3
    time_s = float(flight.flight_time_s[0])
    return {
        "test": test.key,
        "missile": vehicle.name,
        "site": site.key,
        "azimuth_deg": az,
        "azimuth_basis": az_source,
        "apogee_km": float(flight.apogee_alt_m[0]) / 1e3,
        "range_km": range_km,
        "published_range_km": published_range,
        "range_error_pct": 100.0 * (range_km - published_range) / published_range,
        "flight_time_s": time_s,
        "published_flight_time_s": published_time,
        "flight_time_error_pct": None if not published_time else 100.0 * (time_s - published_time) / published_time,
        "kick_deg": kick,
        "max_range_km": best.range_m / 1e3,
        "model": options.describe(),
    }


def replay_tests(keys: list[str] | None = None, options: FlightOptions | None = None) -> list[dict]:
    keys = keys or list(loader.flight_tests())
    return [replay(k, options) for k in keys]
