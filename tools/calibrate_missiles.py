"""Calibrate catalog missile models to their published maximum ranges.

For each missile, each stage's propellant is scaled by one factor (``propellant_scale``:
mass moved between propellant and dry mass, so stage and launch masses stay as
published, burn time scaled with it) until the minimum-energy range — WGS-84, drag, no Earth rotation, launched
due east from 39 N — equals the catalog's published central range with the catalog
payload.  Prints the fitted propellant and dry masses; they go into missiles.yaml with
the note 'fitted so that ...' as the missile's propellant_scale.  Run: python tools/calibrate_missiles.py [KEY ...]
"""

from __future__ import annotations

import sys
from dataclasses import replace

from scipy.optimize import brentq

from thaadsim.catalog.loader import missiles
from thaadsim.flight.engine import FlightOptions
from thaadsim.flight.targeting import Launch, max_range
from thaadsim.flight.vehicle import Vehicle

OPTIONS = FlightOptions(rotation=False)
LAUNCH = Launch(39.0, 126.0, 0.0)


def scaled(vehicle: Vehicle, factor: float) -> Vehicle:
    """As ``Vehicle.from_missile`` applies ``propellant_scale``."""
    stages = tuple(
        replace(s, propellant_kg=s.propellant_kg * factor,
                dry_kg=s.dry_kg - s.propellant_kg * (factor - 1.0),
                burn_s=s.burn_s * factor)
        for s in vehicle.stages
    )
    return replace(vehicle, stages=stages)


def calibrate(key: str) -> dict:
    record = missiles()[key].model_copy(update={"propellant_scale": None})
    vehicle = Vehicle.from_missile(record)
    target_m = record.published_range_km.value * 1e3

    def miss(f: float) -> float:
        return max_range(scaled(vehicle, f), LAUNCH, 90.0, OPTIONS).range_m - target_m

    factor = brentq(miss, 0.8, 1.08, xtol=1e-6)
    fitted = scaled(vehicle, factor)
    return {
        "key": key,
        "factor": round(factor, 4),
        "stages": [(round(s.propellant_kg), round(s.dry_kg), round(s.burn_s, 1),
                    round(s.propellant_kg / (s.propellant_kg + s.dry_kg), 3)) for s in fitted.stages],
    }


def burn_scaled(vehicle: Vehicle, factor: float) -> Vehicle:
    """Every stage's burn time times ``factor`` (engine mass flow divided by it)."""
    return replace(vehicle, stages=tuple(replace(s, burn_s=s.burn_s * factor) for s in vehicle.stages))


def calibrate_to_test(key: str, test_key: str) -> dict:
    """Burn-time and propellant scales such that the lofted test replays to its published
    range (full burn, published apogee) and the standard flight reaches the published
    maximum range: two numbers from two published figures."""
    from thaadsim.catalog.loader import flight_test
    from thaadsim.flight.replay import _launch_and_azimuth
    from thaadsim.flight.targeting import KICK_MIN_DEG, _max_range, _Shooter

    record = missiles()[key].model_copy(update={"propellant_scale": None})
    base = Vehicle.from_missile(record)
    target_m = record.published_range_km.value * 1e3
    test = flight_test(test_key)
    replay_options = FlightOptions()
    launch, az, _ = _launch_and_azimuth(test, replay_options)

    def vehicle_for(b: float) -> tuple[Vehicle, float]:
        timed = burn_scaled(base, b)
        f_hi = min(1.0 + 0.6 * s.dry_kg / s.propellant_kg for s in timed.stages)  # keep 40 % of dry mass
        p = brentq(lambda f: max_range(scaled(timed, f), LAUNCH, 90.0, OPTIONS).range_m - target_m,
                   0.7, f_hi, xtol=1e-6)
        return scaled(timed, p), p

    def replay_miss(b: float) -> float:
        # Well-conditioned form: the full-burn flight that lands at the published range
        # must peak at the published apogee.  (Near the apogee's maximum over the kick,
        # range is hypersensitive to apogee, so the reverse form cannot be solved for b.)
        vehicle, _ = vehicle_for(b)
        shooter = _Shooter(vehicle, launch, replay_options)
        kick_star, _ = _max_range(shooter, az)
        kick = brentq(lambda k: shooter.range_m(az, k) - test.range_km.value * 1e3, KICK_MIN_DEG, kick_star,
                      xtol=1e-9)
        return shooter.apogee_m(az, kick) - test.apogee_km.value * 1e3

    # Scan for a sign change first: at some burn scales no full-burn flight lands at the test's
    # range (the search then raises), and the miss need not change sign across [0.7, 1.4].
    prev = None
    for b_try in [0.7 + 0.05 * i for i in range(15)]:
        try:
            m = replay_miss(b_try)
        except ValueError:
            continue
        if prev is not None and prev[1] * m < 0:
            break
        prev = (b_try, m)
    else:
        raise ValueError(f"no burn scale in [0.7, 1.4] replays {test_key}")
    b = brentq(replay_miss, prev[0], b_try, xtol=1e-5)
    vehicle, p = vehicle_for(b)
    return {"key": key, "test": test_key, "burn_scale": round(b, 4), "propellant_scale": round(p, 4),
            "burn_times_s": [round(s.burn_s / p, 1) for s in vehicle.stages]}


if __name__ == "__main__" and len(sys.argv) > 2 and sys.argv[1] == "--test":
    print(calibrate_to_test(sys.argv[2], sys.argv[3]))
elif __name__ == "__main__":
    for key in sys.argv[1:] or list(missiles()):
        try:
            print(calibrate(key), flush=True)
        except ValueError as error:
            print(key, "no fit in [0.8, 1.08]:", error, flush=True)
