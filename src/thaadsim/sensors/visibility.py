"""Visibility of flown trajectories: when, where and for how long a radar detects them.

:func:`visibility` takes a :class:`~thaadsim.flight.engine.FlightBatch` flown with
``sample_dt_s`` (its ``samples`` are ECEF positions and ground-relative velocities of
the reentry vehicle's path, boost included, NaN after impact), a
:class:`~thaadsim.sensors.radar.RadarModel` with a site, and a radar cross-section
(a number, a catalog table name or an :class:`~thaadsim.sensors.rcs.RcsModel`), and
returns per-trajectory results (:class:`Visibility`) built on
:func:`thaadsim.sensors.access.access`.

Approximations, named:

* **Sample resolution** — detections are evaluated on the flight's sample grid
  (1 s, or the radar's revisit interval); a first detection lies within one step
  after the true crossing; durations sum whole steps between detectable samples.
* **One object per trajectory** — the path flown is the reentry vehicle's (the engine
  separates the booster at final burnout and flies the RV on).  ``boost_rcs`` gives
  the powered stack's RCS up to final burnout; after burnout the RV's RCS applies.
  A booster-only question (is the spent stage seen?) takes the RV's path for the
  stage's too (separation ΔV and the stage's earlier breakup in reentry neglected).
* **Aspect** — for an aspect-dependent RCS, the body axis is the ground-relative
  velocity (see ``sensors/rcs.py``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from thaadsim.earth import frames
from thaadsim.errors import InputError
from thaadsim.sensors.access import Access, access, sample_rcs_m2
from thaadsim.sensors.convention import DetectionConvention
from thaadsim.sensors.radar import RadarModel
from thaadsim.sensors.rcs import RcsModel, as_model, default_model

SAMPLING_NOTE = (
    "detections evaluated on the trajectory's sample grid (step {dt:g} s): a first detection lies within "
    "one step after the true crossing"
)
OBJECT_NOTE = (
    "the path is the reentry vehicle's, boost included (the engine flies the RV on after final burnout; "
    "the booster is not tracked separately)"
)


def boresight_toward_deg(radar_lat_deg: float, radar_lon_deg: float, lat_deg: float, lon_deg: float,
                         earth: str = "wgs84") -> float:
    """Geodesic azimuth [deg, clockwise from north] from the radar toward a point."""
    az, _, dist = frames.geodesic_inverse(radar_lat_deg, radar_lon_deg, lat_deg, lon_deg, earth=earth)
    if float(dist) < 1.0:
        raise InputError("the point lies at the radar site: no direction to point the face", field="--boresight-az-deg",
                         hint="give --boresight-az-deg")
    return float(az) % 360.0


@dataclass(frozen=True)
class Visibility:
    """Per trajectory (N,) of a batch: detection summary plus the trajectory's own figures.

    SI units; NaN where the trajectory is never detected.  ``detectable`` (N, K) marks
    the samples (times ``times_s`` (K,)) at which Pd ≥ the threshold; ``lat_deg``,
    ``lon_deg``, ``alt_m`` (N, K) are the samples' geodetic coordinates (NaN after
    impact).
    """

    visible: np.ndarray
    first_detection_time_s: np.ndarray
    first_detection_altitude_m: np.ndarray
    first_detection_range_m: np.ndarray
    first_detection_lat_deg: np.ndarray
    first_detection_lon_deg: np.ndarray
    last_detection_time_s: np.ndarray
    visible_duration_s: np.ndarray
    min_visible_altitude_m: np.ndarray
    max_visible_altitude_m: np.ndarray
    detected_in_boost: np.ndarray
    # the trajectories
    ok: np.ndarray
    range_m: np.ndarray
    apogee_alt_m: np.ndarray
    flight_time_s: np.ndarray
    burnout_time_s: np.ndarray
    min_alt_m: np.ndarray
    max_alt_m: np.ndarray
    # per sample
    times_s: np.ndarray
    detectable: np.ndarray
    lat_deg: np.ndarray
    lon_deg: np.ndarray
    alt_m: np.ndarray
    access: Access
    sample_dt_s: float
    criterion: str
    rcs: dict
    notes: tuple[str, ...] = field(default=())

    def __len__(self) -> int:
        return len(self.visible)

    @property
    def convention(self) -> DetectionConvention:
        """The detection convention behind every first-detection time and interval."""
        return self.access.convention

    def intervals(self, i: int) -> list[tuple[float, float]]:
        """Detection intervals [(start_s, end_s), ...] of trajectory ``i`` (sample resolution)."""
        return self.access.intervals(i)

    def row(self, i: int) -> dict:
        """Trajectory ``i`` as a flat dict with kilometres and seconds in the names (output edge)."""

        def km(x):
            x = float(x)
            return x / 1e3 if math.isfinite(x) else None

        def s(x):
            x = float(x)
            return x if math.isfinite(x) else None

        return {
            "visible": bool(self.visible[i]),
            "first_detection_time_s": s(self.first_detection_time_s[i]),
            "first_detection_altitude_km": km(self.first_detection_altitude_m[i]),
            "first_detection_range_km": km(self.first_detection_range_m[i]),
            "first_detection_lat_deg": s(self.first_detection_lat_deg[i]),
            "first_detection_lon_deg": s(self.first_detection_lon_deg[i]),
            "last_detection_time_s": s(self.last_detection_time_s[i]),
            "visible_duration_s": float(self.visible_duration_s[i]),
            "min_visible_altitude_km": km(self.min_visible_altitude_m[i]),
            "max_visible_altitude_km": km(self.max_visible_altitude_m[i]),
            "detected_in_boost": bool(self.detected_in_boost[i]),
            "intervals_s": [[a, b] for a, b in self.intervals(i)],
        }

    def trajectory_row(self, i: int) -> dict:
        def km(x):
            x = float(x)
            return x / 1e3 if math.isfinite(x) else None

        return {
            "range_km": km(self.range_m[i]),
            "apogee_km": km(self.apogee_alt_m[i]),
            "flight_time_s": float(self.flight_time_s[i]) if math.isfinite(self.flight_time_s[i]) else None,
            "burnout_time_s": float(self.burnout_time_s[i]) if math.isfinite(self.burnout_time_s[i]) else None,
            "min_altitude_km": km(self.min_alt_m[i]),
            "max_altitude_km": km(self.max_alt_m[i]),
        }


@dataclass(frozen=True)
class SampledPaths:
    """A FlightBatch's samples unpacked: times (K,), r and v (N, K, 3), geodetic (N, K)."""

    times_s: np.ndarray
    r_ecef: np.ndarray
    v_ecef: np.ndarray
    lat_deg: np.ndarray
    lon_deg: np.ndarray
    alt_m: np.ndarray
    sample_dt_s: float

    @classmethod
    def from_flight(cls, flight) -> SampledPaths:
        if flight.samples is None or flight.sample_dt_s is None:
            raise InputError("the flight batch holds no samples", field="flight",
                             hint="fly it with sample_dt_s (e.g. the radar's revisit interval)")
        smp = np.asarray(flight.samples, dtype=float)
        n, k = smp.shape[:2]
        dt = float(flight.sample_dt_s)
        r = np.ascontiguousarray(smp[..., 0:3])
        v = np.ascontiguousarray(smp[..., 3:6])
        lat = np.full((n, k), np.nan)
        lon = np.full((n, k), np.nan)
        alt = np.full((n, k), np.nan)
        good = np.isfinite(r).all(axis=-1)
        if good.any():
            la, lo, h = frames.ecef_to_geodetic(r[good], earth=flight.options.earth)
            lat[good], lon[good], alt[good] = la, lo, h
        return cls(np.arange(k) * dt, r, v, lat, lon, alt, dt)


def _rcs_per_sample(radar: RadarModel, main: RcsModel, boost: RcsModel | None, paths: SampledPaths,
                    burnout_time_s: np.ndarray):
    """A scalar (constant, no boost model: the exact old path) or a flat per-sample array."""
    if boost is None and main.constant_m2 is not None:
        return main.constant_m2
    n, k = paths.r_ecef.shape[:2]
    r = paths.r_ecef.reshape(-1, 3)
    v = paths.v_ecef.reshape(-1, 3)
    out = sample_rcs_m2(radar, main, r, v) if main.constant_m2 is None else np.full(n * k, main.constant_m2)
    if boost is not None:
        in_boost = (paths.times_s[None, :] <= burnout_time_s[:, None]).reshape(-1)
        vb = sample_rcs_m2(radar, boost, r, v) if boost.constant_m2 is None else np.full(n * k, boost.constant_m2)
        out = np.where(in_boost, vb, out)
    return np.ascontiguousarray(out)


def visibility(
    flight,
    radar: RadarModel,
    rcs=None,
    *,
    boost_rcs=None,
    convention: DetectionConvention | None = None,
    swerling: int | None = None,
    pd_threshold: float | None = None,
    paths: SampledPaths | None = None,
) -> Visibility:
    """When, where and for how long ``radar`` detects each trajectory of ``flight``.

    ``rcs`` — None (the assumed warhead default, ``rcs.yaml``), a number [m²], a catalog
    table name ('warhead', 'booster', 'debris') or an :class:`RcsModel`; ``convention`` says what "detected" means (default: the
    calibration's, ``sensors/convention.py``); ``boost_rcs`` (same forms, optional) applies up to each
    trajectory's final burnout.  ``paths`` may pass the unpacked samples to reuse them
    across radars and cross-sections.
    """
    radar.require_site()
    main = as_model(rcs) if rcs is not None else default_model("warhead")
    boost = as_model(boost_rcs) if boost_rcs is not None else None
    paths = paths or SampledPaths.from_flight(flight)
    n, k = paths.r_ecef.shape[:2]
    burnout_t = np.asarray(flight.burnout[:, 0], dtype=float)
    rcs_arg = _rcs_per_sample(radar, main, boost, paths, burnout_t)
    acc = access(radar, paths.times_s, paths.r_ecef, rcs_m2=rcs_arg, convention=convention, swerling=swerling,
                 pd_threshold=pd_threshold, keep_pd=True)
    det = (acc.pd >= acc.pd_threshold).reshape(n, k)
    any_det = det.any(axis=1)
    first_k = np.argmax(det, axis=1)
    last_k = k - 1 - np.argmax(det[:, ::-1], axis=1)
    rows = np.arange(n)
    first_lat = np.where(any_det, paths.lat_deg[rows, first_k], np.nan)
    first_lon = np.where(any_det, paths.lon_deg[rows, first_k], np.nan)
    last_t = np.where(any_det, paths.times_s[last_k], np.nan)
    in_boost = (det & (paths.times_s[None, :] <= burnout_t[:, None])).any(axis=1)
    with np.errstate(invalid="ignore"):
        min_alt = np.where(np.isfinite(paths.alt_m).any(axis=1), np.nanmin(np.where(np.isfinite(paths.alt_m),
                                                                                  paths.alt_m, np.inf), axis=1), np.nan)
        max_alt = np.where(np.isfinite(paths.alt_m).any(axis=1), np.nanmax(np.where(np.isfinite(paths.alt_m),
                                                                                  paths.alt_m, -np.inf), axis=1), np.nan)
    rcs_desc = {"main": main.describe(), "boost": boost.describe() if boost is not None else None}
    notes = (SAMPLING_NOTE.format(dt=paths.sample_dt_s), OBJECT_NOTE)
    if main.constant_m2 is None or (boost is not None and boost.constant_m2 is None):
        notes += ("aspect = angle between the ground-relative velocity (taken as the body axis) and the line of "
                  "sight to the radar",)
    if boost is not None:
        notes += ("the boost RCS applies up to each trajectory's final burnout, the main RCS after it",)
    return Visibility(
        visible=acc.visible,
        first_detection_time_s=acc.first_detection_time_s,
        first_detection_altitude_m=acc.first_detection_altitude_m,
        first_detection_range_m=acc.first_detection_range_m,
        first_detection_lat_deg=first_lat,
        first_detection_lon_deg=first_lon,
        last_detection_time_s=last_t,
        visible_duration_s=acc.visible_duration_s,
        min_visible_altitude_m=acc.min_visible_altitude_m,
        max_visible_altitude_m=acc.max_visible_altitude_m,
        detected_in_boost=in_boost,
        ok=np.asarray(flight.ok),
        range_m=np.asarray(flight.range_m, dtype=float),
        apogee_alt_m=np.asarray(flight.apogee_alt_m, dtype=float),
        flight_time_s=np.asarray(flight.flight_time_s, dtype=float),
        burnout_time_s=burnout_t,
        min_alt_m=min_alt,
        max_alt_m=max_alt,
        times_s=paths.times_s,
        detectable=det,
        lat_deg=paths.lat_deg,
        lon_deg=paths.lon_deg,
        alt_m=paths.alt_m,
        access=acc,
        sample_dt_s=paths.sample_dt_s,
        criterion=acc.criterion,
        rcs=rcs_desc,
        notes=notes,
    )


__all__ = ["SampledPaths", "Visibility", "boresight_toward_deg", "visibility"]
