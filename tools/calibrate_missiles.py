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


if __name__ == "__main__":
    for key in sys.argv[1:] or list(missiles()):
        try:
            print(calibrate(key), flush=True)
        except ValueError as error:
            print(key, "no fit in [0.8, 1.08]:", error, flush=True)
