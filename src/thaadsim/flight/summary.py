"""Plain-dict summaries of flights, for the CLI's JSON and tables and for reports.

Units at this edge carry their names (km, deg); everything is ground-relative
(Earth-fixed) unless a name says otherwise.
"""

from __future__ import annotations

import math

import numpy as np

from thaadsim.flight import layout as L
from thaadsim.flight.engine import FlightBatch


def _event_row(batch: FlightBatch, i: int, row: int, name: str) -> dict | None:
    state = batch.events[i, row]
    if not np.isfinite(state[0]):
        return None
    lat, lon, alt = batch.geodetic(state[None, :])
    speed, gamma, _ = batch.speed_gamma(state[None, :])
    return {
        "event": name,
        "time_s": float(state[0]),
        "alt_km": float(alt[0]) / 1e3,
        "lat_deg": float(lat[0]),
        "lon_deg": float(lon[0]),
        "speed_m_s": float(speed[0]),
        "gamma_deg": math.degrees(float(gamma[0])),
    }


def events(batch: FlightBatch, i: int = 0) -> list[dict]:
    """The trajectory's events in time order: stage burnouts, apogee, impact."""
    rows = []
    n = int(batch.n_stages[i])
    for k in range(n):
        label = "burnout" if k == n - 1 else f"stage {k + 1} burnout"
        rows.append(_event_row(batch, i, L.EV_BURNOUT0 + k, label))
    rows.append(_event_row(batch, i, L.EV_APOGEE, "apogee"))
    rows.append(_event_row(batch, i, L.EV_IMPACT, "impact"))
    return sorted((r for r in rows if r is not None), key=lambda r: r["time_s"])


def trajectory(batch: FlightBatch, i: int = 0) -> dict:
    """The contract fields of one trajectory plus its events and model."""
    lat, lon = batch.impact_lat_lon_deg
    speed, gamma, alt = batch.speed_gamma(batch.burnout)
    return {
        "status": batch.status_text(i),
        "range_km": float(batch.range_m[i]) / 1e3,
        "apogee_km": float(batch.apogee_alt_m[i]) / 1e3,
        "flight_time_s": float(batch.flight_time_s[i]),
        "impact_lat_deg": float(lat[i]),
        "impact_lon_deg": float(lon[i]),
        "burnout_speed_m_s": float(speed[i]),
        "burnout_gamma_deg": math.degrees(float(gamma[i])),
        "burnout_alt_km": float(alt[i]) / 1e3,
        "burnout_time_s": float(batch.burnout[i, 0]),
        "launch_lat_deg": float(batch.launch_lat_deg[i]),
        "launch_lon_deg": float(batch.launch_lon_deg[i]),
        "events": events(batch, i),
        "model": batch.options.describe(),
        "assumptions": list(batch.assumptions),
    }
