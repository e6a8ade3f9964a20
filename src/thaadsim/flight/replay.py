"""Replays of the catalog's test flights: the missile flown as tested, beside the published figures.

Each test is flown from its catalog site toward the published impact point when the
catalog has one, else due east (the 2017 tests all flew roughly east, into the Sea of
Japan — an assumption shown in the output).  Lofted tests are flown at full burn to the
published apogee, so the published range and flight time check the missile model.
"""

from __future__ import annotations

from collections.abc import Callable

from thaadsim.catalog import loader
from thaadsim.earth import frames
from thaadsim.errors import UnreachableError
from thaadsim.flight import targeting
from thaadsim.flight.engine import FlightOptions
from thaadsim.flight.targeting import Launch, _kick_for, copy_batch, shooter_for
from thaadsim.flight.vehicle import Vehicle

DEFAULT_AZIMUTH_DEG = 90.0
CATALOG_LAUNCH = Launch(39.0, 126.0, 0.0)
CATALOG_OPTIONS = FlightOptions(rotation=False)
"""The catalog's maximum-range convention (tools/calibrate_missiles.py): WGS-84, J2, drag, no
Earth rotation, due east from 39 N.  The reverse analysis reports in the same convention."""


def _launch_and_azimuth(test, options: FlightOptions):
    site = loader.site(test.site)
    launch = Launch(site.lat_deg.value, site.lon_deg.value, site.alt_m.value if site.alt_m else 0.0)
    if test.impact_lat_deg is not None and test.impact_lon_deg is not None:
        az = float(frames.geodesic_inverse(launch.lat_deg, launch.lon_deg, test.impact_lat_deg.value,
                                           test.impact_lon_deg.value, earth=options.earth)[0])
        return launch, az, "toward the published impact point"
    return launch, DEFAULT_AZIMUTH_DEG, "due east (assumed: no published impact point)"


def lofted_full_burn(vehicle: Vehicle, launch: Launch, azimuth_deg: float, apogee_m: float,
                     options: FlightOptions, range_hint_m: float | None = None):
    """The full-burn flight whose apogee is ``apogee_m``: (kick, flight).

    On a rotating Earth the apogee can rise slightly with the kick before it falls, so
    two kicks may give the apogee; with ``range_hint_m`` the one landing nearer that
    downrange is taken (a lofted test is flown toward its published impact point).
    """
    shooter = shooter_for(vehicle, launch, options)
    k_hi = 60.0
    kicks = [_kick_for(shooter, azimuth_deg, 1.0, "apogee", apogee_m, k_hi)]
    if range_hint_m is not None:
        try:
            kicks.append(_kick_for(shooter, azimuth_deg, 1.0, "apogee", apogee_m, k_hi, branch="rising"))
        except UnreachableError:
            pass
    kick = min(kicks, key=lambda k: abs(shooter.range_m(azimuth_deg, k) - range_hint_m)) if len(kicks) > 1 \
        else kicks[0]
    return kick, copy_batch(shooter.one(azimuth_deg, kick))


def full_burn_to_range(vehicle: Vehicle, launch: Launch, azimuth_deg: float, range_m: float,
                       options: FlightOptions):
    """The lofted full-burn flight that lands ``range_m`` downrange: (kick, flight)."""
    shooter = shooter_for(vehicle, launch, options)
    kick_star, reach = targeting._max_range(shooter, azimuth_deg)
    if reach < range_m:
        raise UnreachableError(f"{vehicle.name} reaches only {reach / 1e3:,.0f} km", field="missile")
    kick = targeting._bracket_root(lambda k: shooter.range_m(azimuth_deg, k) - range_m,
                                   targeting.KICK_MIN_DEG, kick_star, "lofted kick")
    return kick, copy_batch(shooter.one(azimuth_deg, kick))


SPARE_ENERGY = 0.9
"""A test whose apogee is below this share of the apogee of the missile's full-burn flight to
the same range was not flown at full energy (heavier payload or an early cut-off)."""


def replay(test_key: str, options: FlightOptions | None = None) -> dict:
    """Fly one catalog test as flown and compare with the published figures.

    Lofted tests at full energy are flown at full burn to the published impact distance
    (toward the published impact point); the apogee and flight time are then the checks.
    This is the well-conditioned form: near the vertical, range is hypersensitive to
    apogee (a 0.1 % change of apogee moves a 950 km impact by ~10 %), so flying "to the
    published apogee" would test the solver's arithmetic, not the missile model; that
    figure is still reported, as ``range_at_published_apogee_km``.  Tests flown below
    the missile's energy (the Hwasong-12 flights over Japan, the first Hwasong-14) are
    flown to the published range and apogee with the burn cut short: the flight time is
    the check.
    """
    options = options or FlightOptions()
    test = loader.flight_test(test_key, field="test")
    vehicle = Vehicle.from_missile(loader.missile(test.missile))
    launch, az, az_source = _launch_and_azimuth(test, options)
    apogee_m = test.apogee_km.value * 1e3
    range_m = test.range_km.value * 1e3
    best = targeting.max_range(vehicle, launch, az, options)
    kick, flight = full_burn_to_range(vehicle, launch, az, range_m, options)
    at_apogee = None
    if apogee_m >= SPARE_ENERGY * float(flight.apogee_alt_m[0]):
        fraction = 1.0
        mode = "full energy: full burn to the published range; apogee and flight time are the checks"
        try:
            at_apogee = float(lofted_full_burn(vehicle, launch, az, apogee_m, options, range_m)[1].downrange_m[0])
        except UnreachableError:
            at_apogee = None
    else:
        aim_lat, aim_lon, _ = frames.geodesic_forward(launch.lat_deg, launch.lon_deg, az, range_m,
                                                      earth=options.earth)
        try:
            solution = targeting.solve(vehicle, launch, float(aim_lat), float(aim_lon), profile="lofted",
                                       apogee_m=apogee_m, options=options)
        except UnreachableError:  # below the minimum-energy apogee for that range: a depressed flight
            solution = targeting.solve(vehicle, launch, float(aim_lat), float(aim_lon), profile="depressed",
                                       apogee_m=apogee_m, options=options)
        kick, flight, fraction = solution.kick_deg, solution.flight, solution.burn_fraction
        mode = "reduced energy: flown to the published range and apogee, burn cut short; flight time is the check"
    published_time = test.flight_time_s.value if test.flight_time_s is not None else None
    apogee_km = float(flight.apogee_alt_m[0]) / 1e3
    range_km = float(flight.downrange_m[0]) / 1e3
    time_s = float(flight.flight_time_s[0])
    return {
        "test": test.key,
        "missile": vehicle.name,
        "site": test.site,
        "mode": mode,
        "azimuth_deg": az,
        "azimuth_basis": az_source,
        "apogee_km": apogee_km,
        "published_apogee_km": test.apogee_km.value,
        "apogee_error_pct": 100.0 * (apogee_km - test.apogee_km.value) / test.apogee_km.value,
        "range_km": range_km,
        "published_range_km": test.range_km.value,
        "range_error_pct": 100.0 * (range_km - test.range_km.value) / test.range_km.value,
        "range_at_published_apogee_km": None if at_apogee is None else at_apogee / 1e3,
        "flight_time_s": time_s,
        "published_flight_time_s": published_time,
        "flight_time_error_pct": None if not published_time else 100.0 * (time_s - published_time) / published_time,
        "kick_deg": kick,
        "burn_fraction": fraction,
        "max_range_km": best.range_m / 1e3,
        "max_range_basis": f"with Earth rotation along the test's azimuth ({az:.1f} deg)",
        "max_range_catalog_convention_km": catalog_convention_max_range_m(test.missile) / 1e3,
        "catalog_max_range_km": loader.missile(test.missile).published_range_km.value,
        "max_range_note": ("the catalog convention (no rotation, due east from 39 N) is the one the catalog's "
                           "published figure and infer-range use; the gap to the rotating figure is the "
                           "Earth's rotation along this azimuth"),
        "model": options.describe(),
    }


def catalog_convention_max_range_m(missile_key: str) -> float:
    """The catalog model's maximum range in the catalog's convention (``CATALOG_OPTIONS``)."""
    vehicle = Vehicle.from_missile(loader.missile(missile_key))
    return targeting.max_range(vehicle, CATALOG_LAUNCH, 90.0, CATALOG_OPTIONS).range_m


def flown_at_full_energy(test_key: str, options: FlightOptions | None = None) -> bool:
    """Whether the catalog model needs its full burn to fly the test (``SPARE_ENERGY``): the
    published apogee is at least that share of the full-burn flight's to the published range."""
    options = options or FlightOptions()
    test = loader.flight_test(test_key, field="test")
    vehicle = Vehicle.from_missile(loader.missile(test.missile))
    launch, az, _ = _launch_and_azimuth(test, options)
    _, flight = full_burn_to_range(vehicle, launch, az, test.range_km.value * 1e3, options)
    return test.apogee_km.value * 1e3 >= SPARE_ENERGY * float(flight.apogee_alt_m[0])


def catalog_agreement(record, inferred: dict, test_key: str | None = None) -> dict:
    """The catalog's maximum range beside the reverse analysis's band, and why they may differ.

    ``inferred`` is ``reverse.report``'s output for one of the missile's lofted tests
    (``test_key``, when it is a catalog test: a test the catalog model flies below its full
    energy says less about the maximum range than the reverse analysis assumes).
    """
    catalog_km = record.published_range_km.value
    low, high = inferred["max_range_low_km"], inferred["max_range_high_km"]
    inside = low <= catalog_km <= high
    full = None if test_key is None else flown_at_full_energy(test_key)
    if full is False:
        reason = (f"{test_key} was flown below the catalog model's full energy (replay: a reduced-energy "
                  f"test), so a rocket fitted to it at full burn is a smaller rocket than the missile; the "
                  f"catalog's figure comes from the missile's full-energy test")
    else:
        reason = (f"the catalog keeps the published figure ({record.published_range_km.source}) and its model "
                  f"is calibrated to it; the reverse analysis fits only the test, the published launch mass "
                  f"and the catalog's bands, so the gap measures how far the published figure's own "
                  f"assumptions (payload, technology) sit from the middle of those bands")
    if inside:
        verdict = (f"inside the reverse analysis's 5-95 % band ({low:,.0f}-{high:,.0f} km): one answer, "
                   f"the catalog's published figure")
    else:
        gap = (catalog_km - (low if catalog_km < low else high)) / (low if catalog_km < low else high)
        verdict = f"OUTSIDE the reverse analysis's 5-95 % band ({low:,.0f}-{high:,.0f} km) by {100 * gap:+.1f} %: {reason}"
    return {"catalog_max_range_km": catalog_km, "catalog_source": record.published_range_km.source,
            "inside_band": inside, "verdict": verdict, "test_flown_at_full_energy": full,
            "convention": "WGS-84, J2, drag, no Earth rotation, due east (catalog and reverse analysis alike)"}


def replay_tests(keys: list[str] | None = None, options: FlightOptions | None = None,
                 progress: Callable[[int, int | None, str], None] | None = None) -> list[dict]:
    """``progress(done, total, label)``, when given, is called before each test and once at the end."""
    keys = keys or list(loader.flight_tests())
    rows = []
    for done, key in enumerate(keys):
        if progress:
            progress(done, len(keys), key)
        rows.append(replay(key, options))
    if progress:
        progress(len(keys), len(keys), "done")
    return rows
