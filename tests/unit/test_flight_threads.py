"""A large flight batch flies on several threads over slices of the batch (``kernels.fly_batch``).

Authority: the same batch flown on the calling thread in one slice.  Each trajectory is
flown by the same compiled code from the same inputs either way, so the events, statuses
and samples must be the same bits; a slice lost or flown twice shows as a NaN row or a
mismatch.
"""

from __future__ import annotations

import os

import numba
import numpy as np
import pytest

from thaadsim.catalog.loader import missiles
from thaadsim.flight import kernels
from thaadsim.flight.engine import FlightOptions, fly
from thaadsim.flight.vehicle import Vehicle


def test_threaded_slices_give_the_serial_batch(monkeypatch):
    if min(numba.get_num_threads(), os.cpu_count() or 1) < 2:
        pytest.skip("one thread: the batch is never sliced")
    rng = np.random.default_rng(3)
    vehicles = [Vehicle.from_missile(missiles()[m]) for m in ("scud-b", "nodong")]
    n = 37  # not a multiple of the slice count: uneven slices
    picks = [vehicles[i] for i in rng.integers(0, 2, n)]
    lat, lon = rng.uniform(38.0, 41.0, n), rng.uniform(125.0, 129.0, n)
    az, kick = rng.uniform(0.0, 360.0, n), rng.uniform(10.0, 40.0, n)
    options = FlightOptions(rtol=1e-8)

    def batch():
        return fly(picks, lat, lon, 0.0, az, kick, options=options, sample_dt_s=20.0)

    serial = batch()
    slices = []
    rows = kernels.fly_rows

    def counting(*args):
        slices.append(args[-2:])
        return rows(*args)

    monkeypatch.setattr(kernels, "fly_rows", counting)
    monkeypatch.setattr(kernels, "PARALLEL_MIN_BATCH", 8)
    threaded = batch()
    assert len(slices) > 1
    assert sorted(slices)[0][0] == 0 and sorted(slices)[-1][1] == n
    assert all(a[1] == b[0] for a, b in zip(sorted(slices)[:-1], sorted(slices)[1:], strict=True))
    assert serial.ok.sum() > n // 2  # flights to compare, not failures
    np.testing.assert_array_equal(threaded.status, serial.status)
    np.testing.assert_array_equal(threaded.events, serial.events)
    np.testing.assert_array_equal(threaded.samples, serial.samples)
