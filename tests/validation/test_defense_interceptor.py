"""The interceptor flown by the engine, and its fly-out table against direct flights.

Authorities: the catalog burnout speed (open-literature ~2.8 km/s, weak; the propellant
load is fitted to it — the test fails if the masses, Isp or burn time drift without a
refit); direct flights of the engine (the table must agree within 1 % in time).
"""

from __future__ import annotations

import numpy as np
import pytest

from thaadsim.catalog.loader import site
from thaadsim.defense.flyout import cached_table, crossings
from thaadsim.defense.interceptor import InterceptorModel, burnout_speed_m_s, fly_out
from thaadsim.earth import frames

MODEL = InterceptorModel.from_catalog()
SEONGJU = site("seongju")
LAT, LON, ALT = SEONGJU.lat_deg.value, SEONGJU.lon_deg.value, SEONGJU.alt_m.value


def test_flown_burnout_speed_matches_catalog_within_2_percent():
    v = float(burnout_speed_m_s(MODEL)[0])
    assert v == pytest.approx(MODEL.burnout_speed_m_s, rel=0.02)
    # Across the fan the burnout speed stays within the catalog band (2.5-3.0 km/s):
    # steep shots lose less to drag, flat ones more.
    fan = burnout_speed_m_s(MODEL, kick_deg=np.array([0.0, 30.0, 60.0, 89.0]))
    assert np.all((fan > 2500.0) & (fan < 3000.0))
    assert np.all(np.diff(fan) < 0)


def test_reach_matches_parameters():
    # Authority: energy conservation of purely radial free flight over a point-mass
    # sphere (formulas.md): 1/r_apo = 1/r_bo - v_bo^2 / (2 mu).  Flown straight up with
    # no drag and no rotation, the coast from the engine's burnout state must end there.
    from thaadsim.earth.constants import GM_EARTH_M3_S2
    from thaadsim.flight.engine import FlightOptions

    opts = FlightOptions(earth="sphere", rotation=False, drag=False, t_max_s=900.0)
    b = fly_out(MODEL, LAT, LON, ALT, 0.0, 0.0, options=opts)
    r_bo = np.linalg.norm(b.burnout[0, 1:4])
    v_bo = np.linalg.norm(b.burnout[0, 4:7])
    r_apo = 1.0 / (1.0 / r_bo - v_bo**2 / (2 * GM_EARTH_M3_S2))
    assert np.linalg.norm(b.apogee[0, 1:4]) == pytest.approx(r_apo, abs=10.0)  # metres
    # With the atmosphere the same shot still clears the 150 km ceiling well.
    full = fly_out(MODEL, LAT, LON, ALT, 0.0, 0.0, options=MODEL.flight_options().__class__(t_max_s=900.0))
    assert float(full.apogee_alt_m[0]) > 2 * MODEL.max_alt_m


def _direct_crossings(az, kick, levels, dt=0.01):
    b = fly_out(MODEL, LAT, LON, ALT, az, kick, sample_dt_s=dt)
    pos = b.samples[..., :3]
    n_f, n_s = pos.shape[:2]
    flat = pos.reshape(-1, 3)
    good = np.isfinite(flat).all(axis=1)
    out = [np.full(len(flat), np.nan) for _ in range(3)]
    lat, lon, h = frames.ecef_to_geodetic(flat[good])
    a, _, d = frames.geodesic_inverse(LAT, LON, lat, lon)
    out[0][good], out[1][good], out[2][good] = h, d, a
    h, d, a = (x.reshape(n_f, n_s) for x in out)
    res = [crossings(h[f:f + 1], d[f:f + 1], a[f:f + 1], dt, np.array([levels[f]])) for f in range(n_f)]
    return tuple(np.array([r[i][0, 0] for r in res]) for i in range(3))


def test_flyout_table_agrees_with_direct_flights_within_1_percent():
    table = cached_table(MODEL, LAT, LON, ALT)
    rng = np.random.default_rng(2024)
    n = 80
    az = rng.uniform(0.0, 360.0, n)
    kick = rng.uniform(0.0, 75.0, n)
    alt = rng.uniform(MODEL.min_alt_m, MODEL.max_alt_m, n)
    t_direct, r_direct, az_direct = _direct_crossings(az, kick, alt)
    inside = np.isfinite(t_direct) & (t_direct <= MODEL.max_flyout_s) & (r_direct <= MODEL.max_range_m)
    t_table = table.time_to(az_direct[inside], r_direct[inside], alt[inside])
    found = np.isfinite(t_table)
    assert inside.sum() >= 30 and found.mean() > 0.9  # only cells at the reach's edge are refused
    err = t_table[found] / t_direct[inside][found] - 1.0
    assert np.max(np.abs(err)) < 0.01
    # The kick the table gives is the kick that was flown (within half a degree).
    k_table = table.kick_to(az_direct[inside], r_direct[inside], alt[inside])
    assert np.nanmax(np.abs(k_table - kick[inside])) < 0.5
