"""Tables of a scenario run: events.csv and trajectories.parquet.

Both only read a :class:`~thaadsim.scenario.result.ScenarioResult`.  Both are
deterministic: the same result gives the same bytes, so a seed reproduces its files and
two runs can be compared with ``cmp``.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
from pathlib import Path

import numpy as np

from thaadsim.scenario.result import Event, ScenarioResult

EVENTS_HEADER = ("time_s", "utc", "event", "object_id", "actor", "lat_deg", "lon_deg", "alt_km", "detail")
"""Columns of events.csv, in order (``actor``: the radar or battery involved; no column is named
after an SQL reserved word, so DuckDB or SQLite read the file without quoting)."""

TRAJECTORY_FRAME = "ECEF WGS-84, Earth-relative velocity"

TRAJECTORY_UNITS = {
    "time_s": "s after epoch", "x_m": "m", "y_m": "m", "z_m": "m", "vx_m_s": "m/s", "vy_m_s": "m/s",
    "vz_m_s": "m/s", "lat_deg": "deg geodetic", "lon_deg": "deg", "alt_m": "m above the WGS-84 ellipsoid",
}

_TEXT_COLUMNS = ("object_id", "kind", "label", "type_key", "fired_by", "target", "outcome")
"""``fired_by``: the battery that fired an interceptor; ``target``: a threat's aim point, an
interceptor's threat; ``outcome``: a threat's ('intercepted', 'leaked'), an interceptor's
('kill', 'miss') - so that no join with summary.json is needed."""
_NUMBER_COLUMNS = tuple(TRAJECTORY_UNITS)


def utc_iso(epoch: dt.datetime, t_s: float, timespec: str = "milliseconds") -> str:
    """ISO 8601 UTC time ``t_s`` seconds after ``epoch``, ending in 'Z'.

    A naive epoch is taken as UTC (the scenario loader always gives an aware one).
    """
    if epoch.tzinfo is None:
        epoch = epoch.replace(tzinfo=dt.UTC)
    moment = (epoch + dt.timedelta(seconds=float(t_s))).astimezone(dt.UTC)
    return moment.replace(tzinfo=None).isoformat(timespec=timespec) + "Z"


def _fixed(value: float, decimals: int) -> str:
    """A number with a fixed count of decimals; NaN (an unknown place) becomes an empty cell."""
    value = float(value)
    if not math.isfinite(value):
        return ""
    text = f"{value:.{decimals}f}"
    # '-0.000' reads as a sign where there is none.
    return text[1:] if text.startswith("-") and float(text) == 0.0 else text


def events_rows(result: ScenarioResult) -> list[list[str]]:
    """The rows of events.csv (without the header), in time order."""
    # Stable sort: a result already in order (the runner's promise) is left as it is.
    events = sorted(result.events, key=Event.sort_key)
    return [
        [_fixed(e.time_s, 3), utc_iso(result.epoch, e.time_s), e.event, e.object_id, e.by,
         _fixed(e.lat_deg, 5), _fixed(e.lon_deg, 5), _fixed(e.alt_m / 1e3, 3), e.detail]
        for e in events
    ]


def write_events_csv(result: ScenarioResult, path) -> Path:
    """Write events.csv: one row per event, header :data:`EVENTS_HEADER`; returns the path."""
    path = Path(path)
    with path.open("w", newline="", encoding="utf-8") as handle:
        # '\n' line ends: the same bytes on every platform.
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(EVENTS_HEADER)
        writer.writerows(events_rows(result))
    return path


def object_roles(result: ScenarioResult) -> dict[str, dict[str, str | None]]:
    """Per object id: ``fired_by``, ``target`` and ``outcome`` (see :data:`_TEXT_COLUMNS`)."""
    roles: dict[str, dict[str, str | None]] = {}
    for p in result.per_threat:
        roles[p["object_id"]] = {"fired_by": None, "target": p.get("to"), "outcome": p.get("outcome")}
    for shot in result.shots:
        roles[shot.interceptor_id] = {"fired_by": shot.battery, "target": shot.threat_id or "false track",
                                      "outcome": "kill" if shot.kill else "miss"}
    return roles


def trajectory_table(result: ScenarioResult):
    """A pyarrow Table with one row per sample of every object (module doc of the columns)."""
    import pyarrow as pa

    columns: dict[str, list] = {name: [] for name in (*_TEXT_COLUMNS, *_NUMBER_COLUMNS)}
    roles = object_roles(result)
    for obj in result.objects:
        n = int(np.asarray(obj.times_s).size)
        known = {"object_id": obj.object_id, "kind": obj.kind, "label": obj.label, "type_key": obj.type_key,
                 "fired_by": obj.by, **{k: v for k, v in roles.get(obj.object_id, {}).items() if k != "fired_by"}}
        for name in _TEXT_COLUMNS:  # one value for all the object's rows: kept as (value, rows)
            columns[name].append((known.get(name), n))
        ecef = np.asarray(obj.ecef_m, dtype=np.float64).reshape(n, 3)
        vel = np.asarray(obj.velocity_m_s, dtype=np.float64).reshape(n, 3)
        numbers = {"time_s": obj.times_s, "x_m": ecef[:, 0], "y_m": ecef[:, 1], "z_m": ecef[:, 2],
                   "vx_m_s": vel[:, 0], "vy_m_s": vel[:, 1], "vz_m_s": vel[:, 2],
                   "lat_deg": obj.lat_deg, "lon_deg": obj.lon_deg, "alt_m": obj.alt_m}
        for name, values in numbers.items():
            columns[name].append(np.asarray(values, dtype=np.float64).reshape(n))

    def joined(parts: list, dtype) -> np.ndarray:
        return np.concatenate(parts) if parts else np.zeros(0, dtype=dtype)

    def numbers(values: np.ndarray):
        # from the buffer, not pa.array: pa.array imports pandas (~0.25 s) to ask whether it was given a pandas object
        values = np.ascontiguousarray(values, dtype=np.float64)
        return pa.Array.from_buffers(pa.float64(), values.size, [None, pa.py_buffer(values)])

    def texts(runs: list[tuple[object, int]]):
        # Arrow's string layout by hand (validity bits, int32 offsets, UTF-8 bytes), for the reason
        # above; each object's value is encoded once and repeated over its rows
        rows = np.array([count for _, count in runs], dtype=np.int64)
        present = np.repeat(np.array([v is not None for v, _ in runs], dtype=bool), rows)
        encoded = [str(v).encode("utf-8") if v is not None else b"" for v, _ in runs]
        offsets = np.zeros(int(rows.sum()) + 1, dtype=np.int64)
        np.cumsum(np.repeat(np.array([len(e) for e in encoded], dtype=np.int64), rows), out=offsets[1:])
        if offsets[-1] >= 2**31:
            raise ValueError("trajectories.parquet: over 2 GiB of text in one column")
        validity = None if present.all() else pa.py_buffer(np.packbits(present, bitorder="little"))
        return pa.Array.from_buffers(pa.string(), present.size, [validity, pa.py_buffer(offsets.astype(np.int32)),
                                                                  pa.py_buffer(b"".join(e * int(k) for e, k in
                                                                                        zip(encoded, rows,
                                                                                            strict=True)))])

    fields = [pa.field(name, pa.string()) for name in _TEXT_COLUMNS]
    fields += [pa.field(name, pa.float64()) for name in _NUMBER_COLUMNS]
    epoch = result.epoch if result.epoch.tzinfo else result.epoch.replace(tzinfo=dt.UTC)
    metadata = {
        "scenario": result.name,
        "seed": str(result.seed),
        "epoch": epoch.astimezone(dt.UTC).replace(tzinfo=None).isoformat() + "Z",
        "frame": TRAJECTORY_FRAME,
        "units": json.dumps(TRAJECTORY_UNITS, sort_keys=True),
    }
    schema = pa.schema(fields, metadata=metadata)
    arrays = [texts(columns[name]) for name in _TEXT_COLUMNS]
    arrays += [numbers(joined(columns[name], np.float64)) for name in _NUMBER_COLUMNS]
    return pa.Table.from_arrays(arrays, schema=schema)


def trajectories_parquet(result: ScenarioResult) -> bytes:
    """trajectories.parquet's bytes (one row per sample of every object).

    The file carries no write time, so the same result always gives the same bytes.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    sink = pa.BufferOutputStream()
    pq.write_table(trajectory_table(result), sink, compression="zstd", compression_level=3)
    return sink.getvalue().to_pybytes()


def write_trajectories_parquet(result: ScenarioResult, path) -> Path:
    """Write trajectories.parquet (:func:`trajectories_parquet`); returns the path."""
    path = Path(path)
    path.write_bytes(trajectories_parquet(result))
    return path


__all__ = ["EVENTS_HEADER", "TRAJECTORY_FRAME", "TRAJECTORY_UNITS", "events_rows", "object_roles", "trajectory_table",
           "trajectories_parquet", "utc_iso",
           "write_events_csv", "write_trajectories_parquet"]
