"""What a scenario run produces, in SI units, ready for the writers in ``thaadsim.outputs``.

The runner (:mod:`thaadsim.scenario.runner`) fills a :class:`ScenarioResult`; the
writers (summary.json, events.csv, trajectories.parquet, report.html, CZML, KML) only
read it.  Times are seconds after the scenario's epoch (UTC); positions are ECEF metres
(WGS-84) with geodetic latitude/longitude [deg] and height above the ellipsoid [m].
"""

from __future__ import annotations

import datetime as _dt
import math
from dataclasses import dataclass, field

import numpy as np

EVENT_KINDS = ("launch", "burnout", "first_detection", "track_confirmed", "interceptor_launch", "intercept",
               "miss", "impact")
"""The kinds of event, in the order they are listed when two fall at the same time."""


@dataclass
class ObjectPath:
    """The sampled flight of one object: a threat missile or an interceptor."""

    object_id: str
    """'T<group>.<k>' for missile k of threat group <group> (both from 1), 'I<n>' for interceptors."""
    kind: str
    """'threat' or 'interceptor'."""
    label: str
    type_key: str
    """Catalog key of the missile or interceptor."""
    times_s: np.ndarray
    ecef_m: np.ndarray
    """(K, 3) ECEF position [m]."""
    velocity_m_s: np.ndarray
    """(K, 3) Earth-relative ECEF velocity [m/s]."""
    lat_deg: np.ndarray
    lon_deg: np.ndarray
    alt_m: np.ndarray
    end: str
    """How the path ends: 'impact' (reached the ground), 'intercepted' (a threat killed),
    'intercept' (an interceptor reaching its intercept point; kill or miss in the events)."""
    group: int | None = None
    """Threat group index (from 0) or None for interceptors."""
    by: str | None = None
    """The battery that fired an interceptor."""

    @property
    def downrange_m(self) -> np.ndarray:
        """Ground distance from the first sample along the geodesic [m]."""
        from thaadsim.earth import frames

        if self.times_s.size == 0:
            return np.zeros(0)
        lat0 = np.full(self.lat_deg.shape, self.lat_deg[0])
        lon0 = np.full(self.lon_deg.shape, self.lon_deg[0])
        return np.asarray(frames.geodesic_inverse(lat0, lon0, self.lat_deg, self.lon_deg)[2], dtype=float)


@dataclass(frozen=True)
class Event:
    """One timed event (seconds after the epoch)."""

    time_s: float
    event: str
    """One of :data:`EVENT_KINDS`."""
    object_id: str
    by: str = ""
    """Radar or battery involved ('' when none)."""
    lat_deg: float = math.nan
    lon_deg: float = math.nan
    alt_m: float = math.nan
    detail: str = ""

    def sort_key(self) -> tuple:
        return (self.time_s, EVENT_KINDS.index(self.event), self.object_id, self.by)


@dataclass
class RadarView:
    """A radar as the outputs draw it."""

    name: str
    key: str
    mode: str
    lat_deg: float
    lon_deg: float
    alt_m: float
    boresight_az_deg: float
    max_range_km: float
    """Instrumented range of the mode [km]."""
    coverage_rings: list[np.ndarray] = field(default_factory=list)
    """Coverage polygons at ``coverage_altitude_km`` for ``coverage_rcs_m2``: (n, 2) arrays of (lat, lon) [deg]."""
    coverage_altitude_km: float = math.nan
    coverage_rcs_m2: float = math.nan
    detections: int = 0
    false_alarms: int = 0
    tracks_confirmed: int = 0
    false_tracks: int = 0
    detection_convention: str = ""
    """What "detected" means in the coverage drawn (``DetectionConvention.describe()``)."""


@dataclass
class BatteryView:
    """A battery as the outputs draw it."""

    name: str
    key: str
    lat_deg: float
    lon_deg: float
    alt_m: float
    radar: str
    inventory: int
    fired: int
    doctrine: str
    kill_model: str
    sspk: float
    assets: list[dict] = field(default_factory=list)
    """Defended assets: {'name', 'lat_deg', 'lon_deg', 'radius_km'}."""
    footprint_rings: list[np.ndarray] = field(default_factory=list)
    """Once-defended footprint polygons, (n, 2) arrays of (lat, lon) [deg]."""
    footprint_twice_rings: list[np.ndarray] = field(default_factory=list)
    footprint_area_km2: float = math.nan
    footprint_against: str = ""
    """'MISSILE from SITE' the footprint is computed against ('' if none)."""


@dataclass(frozen=True)
class ShotRecord:
    """One interceptor fired."""

    interceptor_id: str
    battery: str
    threat_id: str | None
    """The threat its track follows (None for a shot at a false track)."""
    track_id: int
    number: int
    t_launch_s: float
    t_intercept_s: float
    lat_deg: float
    lon_deg: float
    alt_m: float
    kill: bool
    pip_error_m: float
    miss_m: float
    note: str = ""


@dataclass(frozen=True)
class Assumption:
    """One assumption of the run, with where its number comes from.

    ``check`` says how that source was checked: for a catalog number the status of its
    source in ``catalog/data/source_checks.yaml`` ('checked', 'partly-checked',
    'not-found', 'unchecked', 'assumed', 'internal'); 'scenario-file' for a value the
    scenario gives; None when whoever built the row did not say.
    """

    text: str
    source: str
    assumed: bool = False
    check: str | None = None
    group: str | None = None
    """What it is about: 'threats', 'sites', 'radar', 'battery', 'interceptor' or 'model choices'."""

    def as_dict(self) -> dict:
        return {"text": self.text, "source": self.source, "assumed": self.assumed, "check": self.check,
                "group": self.group}


@dataclass
class ScenarioResult:
    """Everything a run produced (module doc)."""

    name: str
    description: str
    epoch: _dt.datetime
    seed: int
    objects: list[ObjectPath]
    events: list[Event]
    radars: list[RadarView]
    batteries: list[BatteryView]
    shots: list[ShotRecord]
    per_threat: list[dict]
    """One JSON-ready dict per threat missile (see :meth:`summary`)."""
    totals: dict
    assumptions: list[Assumption]
    sources: list[str] = field(default_factory=list)
    sweep: list[dict] | None = None
    """Per salvo size of a sweep: {'count', 'threats', 'engaged', 'intercepted', 'leaked', 'interceptors_fired', ...}."""
    sweep_answer: str | None = None
    """The sweep study's answer in words (the salvo size at which leakage passes its level), when a
    study ran the sweep: it, not the one run's outcome, answers the scenario's question."""
    notes: list[str] = field(default_factory=list)

    def utc(self, t_s: float) -> _dt.datetime:
        return self.epoch + _dt.timedelta(seconds=float(t_s))

    def threats(self) -> list[ObjectPath]:
        return [o for o in self.objects if o.kind == "threat"]

    def interceptors(self) -> list[ObjectPath]:
        return [o for o in self.objects if o.kind == "interceptor"]

    def summary(self) -> dict:
        """summary.json: deterministic for a seed (no wall times, no paths)."""
        return _clean({
            "scenario": self.name,
            "description": self.description,
            "epoch": self.epoch.isoformat().replace("+00:00", "Z"),
            "seed": self.seed,
            **self.totals,
            "per_threat": self.per_threat,
            "radars": [{"name": r.name, "key": r.key, "mode": r.mode, "lat_deg": r.lat_deg, "lon_deg": r.lon_deg,
                        "boresight_az_deg": r.boresight_az_deg, "max_range_km": r.max_range_km,
                        "detections": r.detections, "false_alarms": r.false_alarms,
                        "tracks_confirmed": r.tracks_confirmed, "false_tracks": r.false_tracks,
                        "detection_convention": r.detection_convention} for r in self.radars],
            "batteries": [{"name": b.name, "key": b.key, "lat_deg": b.lat_deg, "lon_deg": b.lon_deg,
                           "radar": b.radar, "inventory": b.inventory, "fired": b.fired, "doctrine": b.doctrine,
                           "kill_model": b.kill_model, "sspk": b.sspk, "assets": b.assets,
                           "footprint_area_km2": b.footprint_area_km2, "footprint_against": b.footprint_against}
                          for b in self.batteries],
            "shots": [s.__dict__ for s in self.shots],
            "sweep": self.sweep,
            "assumptions": [a.as_dict() for a in self.assumptions],
            "sources": self.sources,
            "notes": self.notes,
        })


def _clean(x):
    """JSON-ready: NaN/inf become None, numpy scalars become Python numbers, floats keep 12 digits."""
    if isinstance(x, dict):
        return {k: _clean(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_clean(v) for v in x]
    if isinstance(x, (np.bool_, bool)):
        return bool(x)
    if isinstance(x, (np.integer, int)):
        return int(x)
    if isinstance(x, (np.floating, float)):
        v = float(x)
        return float(f"{v:.12g}") if math.isfinite(v) else None
    return x


__all__ = ["EVENT_KINDS", "Assumption", "BatteryView", "Event", "ObjectPath", "RadarView", "ScenarioResult",
           "ShotRecord"]
