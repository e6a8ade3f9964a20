"""The range-maximising search's coarse-to-fine grid (issue 12: replay under 10 s).

Authority: the exhaustive search it replaces - every one of the 90 grid kicks flown, the
longest taken, then the same bounded refinement between its neighbours.  Where the range is
unimodal in the kick on the coarse grid's scale the two fly the same final bracket, so they
must agree exactly (kick in degrees, range in metres); the tolerance is zero because any
other answer means the coarse passes lost the full grid's best kick.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import minimize_scalar

from thaadsim.catalog.loader import missiles
from thaadsim.errors import UnreachableError
from thaadsim.flight import targeting
from thaadsim.flight.engine import FlightOptions
from thaadsim.flight.targeting import Launch, _Shooter
from thaadsim.flight.vehicle import Vehicle


def _exhaustive(shooter: _Shooter, az: float, frac: float) -> tuple[float, float]:
    """The search as it was before the coarse-to-fine grid: all 90 kicks flown."""
    grid = np.linspace(1.0, targeting.MAX_RANGE_KICK_DEG, 90)
    batch = shooter.many(az, grid, frac)
    ranges = np.where(batch.ok, batch.range_m, 0.0)
    i = int(np.argmax(ranges))
    if ranges[i] <= 0.0:
        raise UnreachableError("no arc", field="missile")
    lo, hi = grid[max(i - 1, 0)], grid[min(i + 1, len(grid) - 1)]
    res = minimize_scalar(lambda k: -shooter.range_m(az, k, frac), bounds=(lo, hi), method="bounded",
                          options={"xatol": 1e-4})
    if -res.fun >= ranges[i]:
        return float(res.x), float(-res.fun)
    return float(grid[i]), float(ranges[i])


@pytest.mark.parametrize(("missile", "rotation", "az", "frac"), [
    ("hwasong-15", True, 90.0, 1.0),    # range-maximising kick near 85 deg, close to the grid's end
    ("hwasong-12", True, 250.0, 0.3),   # a short burn, flown westward against the rotation
    ("scud-b", False, 0.0, 1.0),
    ("df-41", True, 90.0, 0.05),        # so short a burn that few kicks give an arc
])
def test_coarse_to_fine_search_finds_the_exhaustive_grid_answer(missile, rotation, az, frac):
    vehicle = Vehicle.from_missile(missiles()[missile])
    options = FlightOptions(rotation=rotation)
    launch = Launch(39.0, 126.0, 0.0)
    try:
        expected = _exhaustive(_Shooter(vehicle, launch, options), az, frac)
    except UnreachableError:
        with pytest.raises(UnreachableError):
            targeting._search_max_range(_Shooter(vehicle, launch, options), az, frac)
        return
    kick_deg, range_m = targeting._search_max_range(_Shooter(vehicle, launch, options), az, frac)
    assert kick_deg == expected[0]
    assert range_m == expected[1]


def test_coarse_to_fine_search_flies_a_fraction_of_the_grid():
    """The point of the coarse passes: far fewer flights than the 90 of the full grid."""
    vehicle = Vehicle.from_missile(missiles()["nodong"])
    shooter = _Shooter(vehicle, Launch(39.0, 126.0, 0.0), FlightOptions())
    flown = []
    many = shooter.many

    def counting(az, kicks, frac=1.0):
        flown.append(len(kicks))
        return many(az, kicks, frac)

    shooter.many = counting
    targeting._best_grid_kick(shooter, 90.0, 1.0, np.linspace(1.0, targeting.MAX_RANGE_KICK_DEG, 90))
    assert sum(flown) <= 25


def test_a_second_hump_sends_the_search_to_the_whole_grid():
    """Authority: the exhaustive grid.  A range curve with two humps - the higher one narrow
    and between coarse samples - would fool the coarse-to-fine passes; the unimodality check
    must notice the dip among the coarse samples and fly every kick, finding the higher hump."""
    grid = np.linspace(1.0, targeting.MAX_RANGE_KICK_DEG, 90)
    curve = 1e6 * np.exp(-((grid - 30.0) / 15.0) ** 2)  # the broad hump the coarse pass sees
    curve += 0.6e6 * np.exp(-((grid - 75.0) / 10.0) ** 2)  # a second, broad enough to dent the samples
    curve[66] = 2e6  # the true maximum, a single kick the coarse grid skips

    class Batch:
        def __init__(self, kicks):
            self.ok = np.ones(len(kicks), dtype=bool)
            self.range_m = np.interp(kicks, grid, curve)

    class FakeShooter:
        def many(self, az, kicks, frac=1.0):
            return Batch(np.asarray(kicks))

    assert 66 % 9 != 0
    assert targeting._best_grid_kick(FakeShooter(), 0.0, 1.0, grid) == (66, 2e6)
    assert targeting._unimodal(np.array([0.0, 1.0, 3.0, 3.0, 2.0, 0.0]))
    assert not targeting._unimodal(np.array([0.0, 3.0, 2.0, 2.5, 1.0]))
