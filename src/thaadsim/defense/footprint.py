"""Defended footprint (Wilkening's sense): the ground area a battery defends against one
threat type launched from one point.

An aim point on the ground is *defended once* when a threat of the given type, flown on
its minimum-energy trajectory from the launch point to that aim point, offers the
battery at least one intercept opportunity (:func:`thaadsim.defense.envelope.can_intercept`:
inside the fly-out envelope and altitude window, within the range limit and the
kill vehicle's threat-speed limit, and launched no earlier than the battery can fire);
*defended twice* when the shoot-look-shoot sequence
(:meth:`Opportunity.look_shots` with the battery's kill-assessment delay) fits two shots.

Method.  A polar grid of aim points centred on the battery, its first azimuth on the
threat axis (battery → launch point): ``n_azimuths`` azimuths × ground ranges
``range_step_m, 2·range_step_m, … max_range_m`` plus the battery's own site.  Every aim
point is aimed at once (:func:`thaadsim.flight.batch_aim.aim_min_energy`, one batch),
flown and sampled every ``sample_dt_s``; each flight is tested against the envelope.
Along each azimuth the footprint is the first run of defended points counted from the
battery (normally starting at the battery itself); its outer edge is then refined by bisection (``refine_steps`` batched rounds,
both edges — once and twice — together), so the radial resolution is
``range_step_m / 2**refine_steps`` and the angular one ``360° / n_azimuths`` (an inner
edge, where the run does not start at the battery, is left at the coarse midpoint).  The
region is bounded by rings through the edge points of consecutive azimuths (one ring,
star-shaped about the battery, when the battery's own site is defended); defended grid
points beyond the first gap along an azimuth are counted (``outlying_defended_points``)
but not drawn.  Areas are geodesic on the WGS-84 ellipsoid
(Karney, ``pyproj.Geod.polygon_area_perimeter``).

The footprint is **kinematic**: detection, tracking and discrimination are perfect and
instantaneous (the battery may fire from the threat's launch onwards, or from
``earliest_launch_s``), every interceptor works and the engagement geometry alone
decides.  ``forward_m`` is the footprint's extent from the battery toward the launch
point along the threat axis, ``rear_m`` its extent away from it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyproj

from thaadsim.catalog.loader import Location, resolve_location
from thaadsim.catalog.loader import missile as catalog_missile
from thaadsim.defense.battery import Battery
from thaadsim.defense.envelope import Envelope, can_intercept
from thaadsim.diskcache import cache_root, canonical, entry_key, provenance, read_entry, write_entry
from thaadsim.earth import frames
from thaadsim.earth.constants import WGS84_A_M, WGS84_INV_F
from thaadsim.errors import InputError, UnreachableError
from thaadsim.flight.batch_aim import Shot, aim_min_energy
from thaadsim.flight.engine import FlightOptions
from thaadsim.sensors.coverage import circular_runs

_GEOD = pyproj.Geod(a=WGS84_A_M, rf=WGS84_INV_F)


@dataclass(frozen=True)
class Footprint:
    """A defended footprint (SI inside; :meth:`as_dict` gives km at the edge).

    Per azimuth (A,): ``once_extent_m`` and ``twice_extent_m``, the ground range from the
    battery to the footprint's edge (0 where only the battery's own site — or nothing —
    is defended).  ``polygon``/``twice_polygon`` are closed rings of [lat_deg, lon_deg]
    (empty arrays when nothing is defended).
    """

    battery: Battery
    missile: str
    launch: Location
    launch_distance_m: float
    axis_azimuth_deg: float
    """Azimuth at the battery toward the launch point [deg, clockwise from north]."""
    azimuth_deg: np.ndarray
    once_extent_m: np.ndarray
    twice_extent_m: np.ndarray
    battery_defended_once: bool
    battery_defended_twice: bool
    polygon: np.ndarray
    twice_polygon: np.ndarray
    polygons: list[np.ndarray]
    twice_polygons: list[np.ndarray]
    area_km2: float
    twice_area_km2: float
    forward_m: float
    rear_m: float
    twice_forward_m: float
    twice_rear_m: float
    grid: dict
    counts: dict
    assumptions: tuple[str, ...] = field(default=())

    def as_dict(self) -> dict:
        b = self.battery
        return {
            "battery": {"name": b.name, "lat_deg": b.lat_deg, "lon_deg": b.lon_deg,
                        "interceptor": b.interceptor.name,
                        "kill_assessment_s": b.kill_assessment_s},
            "missile": self.missile,
            "launch": {"name": self.launch.label, "lat_deg": self.launch.lat_deg, "lon_deg": self.launch.lon_deg},
            "launch_distance_km": self.launch_distance_m / 1e3,
            "axis_azimuth_deg": self.axis_azimuth_deg,
            "area_km2": self.area_km2,
            "forward_km": self.forward_m / 1e3,
            "rear_km": self.rear_m / 1e3,
            "polygon": self.polygon.tolist(),
            "polygons": [r.tolist() for r in self.polygons],
            "battery_defended": self.battery_defended_once,
            "twice": {
                "area_km2": self.twice_area_km2,
                "forward_km": self.twice_forward_m / 1e3,
                "rear_km": self.twice_rear_m / 1e3,
                "polygon": self.twice_polygon.tolist(),
                "polygons": [r.tolist() for r in self.twice_polygons],
                "battery_defended": self.battery_defended_twice,
            },
            "extents": {
                "azimuth_deg": self.azimuth_deg.tolist(),
                "once_km": (self.once_extent_m / 1e3).tolist(),
                "twice_km": (self.twice_extent_m / 1e3).tolist(),
            },
            "grid": self.grid,
            "counts": self.counts,
            "assumptions": list(self.assumptions),
        }


def geodesic_area_km2(ring: np.ndarray) -> float:
    """Geodesic area [km²] of a ring of [lat_deg, lon_deg] on the WGS-84 ellipsoid."""
    ring = np.asarray(ring, dtype=float)
    if len(ring) < 4:
        return 0.0
    area, _ = _GEOD.polygon_area_perimeter(ring[:, 1], ring[:, 0])
    return abs(float(area)) / 1e6


def _total_area_km2(rings: list[np.ndarray]) -> float:
    """Area [km²] of rings drawn clockwise (regions) and counter-clockwise (holes)."""
    total = 0.0
    for ring in rings:
        if len(ring) >= 4:
            total += _GEOD.polygon_area_perimeter(ring[:, 1], ring[:, 0])[0]
    return abs(total) / 1e6


def _location(where: str | Location, field_name: str) -> Location:
    return where if isinstance(where, Location) else resolve_location(where, field_name)


def _rings(battery: Battery, az_deg: np.ndarray, inner_m: np.ndarray, outer_m: np.ndarray) -> list[np.ndarray]:
    """Closed [lat, lon] rings: along each run of azimuths with a defended interval, out
    along the outer edge and back along the inner one (or through the battery's site)."""
    lat0, lon0 = battery.lat_deg, battery.lon_deg

    def points(a, r):
        lat, lon, _ = frames.geodesic_forward(np.full(len(a), lat0), np.full(len(a), lon0), a, np.maximum(r, 1e-3))
        lat = np.where(r > 0, np.atleast_1d(lat), lat0)
        lon = np.where(r > 0, np.atleast_1d(lon), lon0)
        return np.column_stack([lat, lon])

    has = np.isfinite(inner_m) & (outer_m > np.nan_to_num(inner_m))
    rings = []
    for run in circular_runs(has):
        outer = points(az_deg[run], outer_m[run])
        inner_s = inner_m[run]
        if len(run) == len(az_deg):
            rings.append(np.vstack([outer, outer[:1]]))
            if np.all(inner_s > 0):  # a hole around the battery (subtracted in the area)
                hole = points(az_deg, inner_s)[::-1]
                rings.append(np.vstack([hole, hole[:1]]))
            continue
        inner = np.array([[lat0, lon0]]) if np.all(inner_s <= 0) else points(az_deg[run][::-1], inner_s[::-1])
        ring = np.vstack([outer, inner])
        rings.append(np.vstack([ring, ring[:1]]))
    return rings


@dataclass(frozen=True)
class _Edges:
    """What the flights decide (the expensive part, cached on disk): per azimuth the inner
    and outer edges once and twice, and the counts."""

    centre_once: bool
    centre_twice: bool
    in1: np.ndarray
    edge1: np.ndarray
    in2: np.ndarray
    edge2: np.ndarray
    out1: int
    out2: int
    truncated: int
    counts: dict


CACHE_FORMAT = 2
"""Version of the on-disk footprint format; part of the cache key."""
_SOURCE_MODULES = (
    "thaadsim.defense.footprint", "thaadsim.defense.envelope", "thaadsim.defense.battery",
    "thaadsim.defense.interceptor", "thaadsim.defense.flyout", "thaadsim.defense.kernels",
    "thaadsim.flight.batch_aim", "thaadsim.flight.engine", "thaadsim.flight.kernels", "thaadsim.flight.vehicle",
    "thaadsim.flight.layout", "thaadsim.earth.atmosphere", "thaadsim.earth.constants", "thaadsim.earth.frames",
    "thaadsim.earth.kernels",
    "thaadsim.splines", "thaadsim.sensors.coverage", "thaadsim.sensors.convention", "thaadsim.sensors.geometry",
    "thaadsim.sensors.kernels", "thaadsim.sensors.radar", "thaadsim.sensors.detection",
)
"""Modules whose source a footprint's numbers run through (hashed into the key)."""
_ARRAYS = ("in1", "edge1", "in2", "edge2")
_INTS = ("centre_once", "centre_twice", "out1", "out2", "truncated", "shots", "not_threatened", "batches")


def cache_dir() -> Path | None:
    """The footprint cache folder (:mod:`thaadsim.diskcache`), or None when it is off."""
    root = cache_root()
    return None if root is None else root / "footprint"


def _cache_path(battery: Battery, missile_key: str, here: Location, options: FlightOptions,
                grid_args: dict) -> tuple[Path | None, str | None]:
    """Where the footprint of these inputs lives on disk, and its key: a sha256 over
    everything the edges depend on - the battery (interceptor and envelope limits
    included), the threat's vehicle, the launch point, the grid, the flight options and
    the code."""
    from thaadsim.flight.vehicle import Vehicle

    folder = cache_dir()
    if folder is None:
        return None, None
    key = entry_key({
        "format": CACHE_FORMAT, **provenance(_SOURCE_MODULES),
        "battery": canonical(battery), "missile": missile_key,
        "vehicle": canonical(Vehicle.from_missile(catalog_missile(missile_key))),
        "launch": canonical([here.lat_deg, here.lon_deg, here.alt_m]),
        "grid": {k: canonical(v) for k, v in grid_args.items()}, "options": canonical(options),
    })
    return folder / f"{key}.npz", key


def _read_edges(path: Path, key: str, n_azimuths: int) -> _Edges | None:
    """The edges in the cache entry ``path``, or None (flown again and overwritten)."""
    arrays = read_entry(path, key, CACHE_FORMAT)
    if arrays is None or set(arrays) != {*_ARRAYS, "ints"} or arrays["ints"].shape != (len(_INTS),):
        return None
    if any(arrays[name].shape != (n_azimuths,) or arrays[name].dtype != np.float64 for name in _ARRAYS):
        return None
    ints = dict(zip(_INTS, arrays["ints"].tolist(), strict=True))
    counts = {k: int(ints[k]) for k in ("shots", "not_threatened", "batches")}
    return _Edges(bool(ints["centre_once"]), bool(ints["centre_twice"]), arrays["in1"], arrays["edge1"],
                  arrays["in2"], arrays["edge2"], int(ints["out1"]), int(ints["out2"]), int(ints["truncated"]),
                  counts)


def _write_edges(path: Path, key: str, edges: _Edges) -> None:
    values = {**edges.counts, "centre_once": edges.centre_once, "centre_twice": edges.centre_twice,
              "out1": edges.out1, "out2": edges.out2, "truncated": edges.truncated}
    arrays = {name: np.asarray(getattr(edges, name), dtype=np.float64) for name in _ARRAYS}
    write_entry(path, key, CACHE_FORMAT, {**arrays, "ints": np.array([int(values[n]) for n in _INTS], np.int64)})


def _edges(battery: Battery, key: str, here: Location, axis: float, dist: float, az: np.ndarray,
           options: FlightOptions, envelope: Envelope | None, progress, *, n_azimuths: int, max_range_m: float,
           range_step_m: float, refine_steps: int, sample_dt_s: float, earliest_launch_s: float) -> _Edges:
    """The footprint's edges along each azimuth, flown and bisected (module doc: method)."""
    env = envelope  # built on first use, after the missile is known to reach the battery
    ranges = np.arange(range_step_m, max_range_m + 0.5 * range_step_m, range_step_m)
    origin = f"{here.lat_deg!r},{here.lon_deg!r},{here.alt_m!r}"
    counts = {"shots": 0, "not_threatened": 0, "batches": 0}

    def evaluate(az_deg: np.ndarray, rng_m: np.ndarray):
        """(once, twice, status) of aim points at (azimuth, ground range) from the battery."""
        lat, lon, _ = frames.geodesic_forward(np.full(len(az_deg), battery.lat_deg),
                                              np.full(len(az_deg), battery.lon_deg), az_deg, np.maximum(rng_m, 0.0))
        lat = np.where(rng_m > 0, lat, battery.lat_deg)
        lon = np.where(rng_m > 0, lon, battery.lon_deg)
        shots = [Shot(key, origin, f"{a!r},{o!r}") for a, o in zip(lat.tolist(), lon.tolist(), strict=True)]
        aimed = aim_min_energy(shots, options, sample_dt_s=sample_dt_s)
        counts["shots"] += len(shots)
        counts["batches"] += 1
        once = np.zeros(len(shots), dtype=bool)
        twice = np.zeros(len(shots), dtype=bool)
        status = np.array(aimed.status, dtype=object)
        counts["not_threatened"] += int(np.sum(status != "ok"))
        if aimed.flight is not None and len(aimed.index):
            nonlocal env
            if env is None:
                env = Envelope.for_battery(battery)
            samples = aimed.flight.samples
            times = np.arange(samples.shape[1]) * sample_dt_s
            for j, opp in zip(aimed.index, can_intercept(times, samples, battery, earliest_launch_s, env),
                              strict=True):
                if opp.engageable:
                    once[j] = True
                    twice[j] = len(opp.look_shots(battery.kill_assessment_s, 2)) >= 2
        return once, twice, status, aimed

    # --- the battery's own site first (a missile that cannot reach it fails fast), then the
    # coarse polar grid in one batch ------------------------------------------------------------
    steps = 2 + refine_steps

    def tell(done: int, label: str) -> None:
        if progress:
            progress(done, steps, label)

    tell(0, "the battery's own site")
    once_c, twice_c, status, aimed = evaluate(np.array([axis]), np.array([0.0]))
    if status[0] != "ok":
        reach = aimed.max_range_m[0]
        raise UnreachableError(
            f"{key} from {here.label or 'the launch point'} cannot fly a minimum-energy trajectory to the battery "
            f"({dist / 1e3:,.0f} km away): {status[0]}"
            + (f" (maximum range {reach / 1e3:,.0f} km)" if np.isfinite(reach) and reach > 0 else ""),
            field="--missile", hint="choose a missile whose range spans the launch-to-battery distance")
    tell(1, f"the coarse grid: {n_azimuths * len(ranges)} aim points")
    once, twice, _, _ = evaluate(np.repeat(az, len(ranges)), np.tile(ranges, n_azimuths))
    once = np.concatenate([once_c, once])
    twice = np.concatenate([twice_c, twice])
    centre_once, centre_twice = bool(once[0]), bool(twice[0])
    once_g = once[1:].reshape(n_azimuths, len(ranges))
    twice_g = twice[1:].reshape(n_azimuths, len(ranges))

    def brackets(grid: np.ndarray, centre: bool):
        """Per azimuth, the first run of defended points from the battery outwards: its inner
        edge [m] (0 when it starts at the battery; NaN when the radial has none) and the
        (lo, hi) ground ranges bracketing its outer edge (hi = NaN where it reaches the
        grid's end); plus the count of defended points beyond that run."""
        inner = np.full(n_azimuths, np.nan)
        lo = np.zeros(n_azimuths)
        hi = np.full(n_azimuths, np.nan)
        outlying = 0
        for i in range(n_azimuths):
            line = np.concatenate([[centre], grid[i]])
            rr_ = np.concatenate([[0.0], ranges])
            good = np.flatnonzero(line)
            if len(good) == 0:
                continue
            first = int(good[0])
            # inner edge of a run that does not start at the battery: midway between the
            # coarse points (not bisected; the resolution there is range_step_m / 2)
            inner[i] = 0.0 if first == 0 else 0.5 * (rr_[first - 1] + rr_[first])
            fails = np.flatnonzero(~line[first:])
            if len(fails) == 0:
                lo[i] = rr_[-1]
                continue
            j = first + int(fails[0])
            lo[i], hi[i] = rr_[j - 1], rr_[j]
            outlying += int(line[j:].sum())
        return inner, lo, hi, outlying

    in1, lo1, hi1, out1 = brackets(once_g, centre_once)
    in2, lo2, hi2, out2 = brackets(twice_g, centre_twice)
    for step in range(refine_steps):
        tell(2 + step, f"bisecting the edges, round {step + 1} of {refine_steps}")
        r1 = np.isfinite(hi1) & np.isfinite(in1)
        r2 = np.isfinite(hi2) & np.isfinite(in2)
        if not (r1.any() or r2.any()):
            break
        m1, m2 = 0.5 * (lo1 + hi1), 0.5 * (lo2 + hi2)
        qa = np.concatenate([az[r1], az[r2]])
        qr = np.concatenate([m1[r1], m2[r2]])
        o, t, _, _ = evaluate(qa, qr)
        n1 = int(r1.sum())
        ok1, ok2 = o[:n1], t[n1:]
        lo1[r1] = np.where(ok1, m1[r1], lo1[r1])
        hi1[r1] = np.where(ok1, hi1[r1], m1[r1])
        lo2[r2] = np.where(ok2, m2[r2], lo2[r2])
        hi2[r2] = np.where(ok2, hi2[r2], m2[r2])
    tell(steps, "done")
    edge1 = np.where(np.isfinite(in1), np.where(np.isfinite(hi1), 0.5 * (lo1 + np.nan_to_num(hi1)), lo1), 0.0)
    edge2 = np.where(np.isfinite(in2), np.where(np.isfinite(hi2), 0.5 * (lo2 + np.nan_to_num(hi2)), lo2), 0.0)
    # a twice-defended point is defended once (look_shots draws from the same windows), so
    # the twice edge cannot lie beyond the once edge; separate bisections may leave it a
    # fraction of the resolution outside — clip it
    edge2 = np.minimum(edge2, edge1)
    in2 = np.where(np.isfinite(in2) & np.isfinite(in1), np.maximum(in2, np.nan_to_num(in1)), in2)
    truncated = int(np.sum(np.isfinite(in1) & ~np.isfinite(hi1)))

    return _Edges(centre_once, centre_twice, in1, edge1, in2, edge2, out1, out2, truncated, counts)


def defended_footprint(
    battery: Battery,
    missile: str,
    launch: str | Location,
    *,
    n_azimuths: int = 24,
    max_range_m: float = 420e3,
    range_step_m: float = 30e3,
    refine_steps: int = 4,
    sample_dt_s: float = 1.0,
    earliest_launch_s: float = 0.0,
    options: FlightOptions | None = None,
    envelope: Envelope | None = None,
    progress: Callable[[int, int | None, str], None] | None = None,
) -> Footprint:
    """The battery's defended footprint against ``missile`` launched from ``launch``.

    ``launch`` is a site key, 'LAT,LON' or a :class:`Location`.  The grid parameters are
    described in the module docstring.  Raises :class:`UnreachableError` when the
    missile cannot fly a minimum-energy trajectory from the launch point to the battery.
    ``progress(done, total, label)``, when given, is told before each batch of aim points.
    """
    key_missile = catalog_missile(missile, field="--missile").key
    here = _location(launch, "--from")
    if n_azimuths < 8 or n_azimuths % 2:
        raise InputError(f"{n_azimuths} azimuths", field="n_azimuths", hint="give an even number, at least 8")
    if not (0 < range_step_m <= max_range_m):
        raise InputError("need 0 < range step <= maximum range", field="range_step_m")
    if refine_steps < 0 or sample_dt_s <= 0:
        raise InputError("refine_steps >= 0 and sample_dt_s > 0 required", field="grid")
    options = options or FlightOptions()
    axis, _, dist = frames.geodesic_inverse(battery.lat_deg, battery.lon_deg, here.lat_deg, here.lon_deg)
    axis, dist = float(axis), float(dist)
    if dist < 1e3:
        raise InputError("the launch point is the battery's own site", field="--from")
    az = np.mod(axis + np.arange(n_azimuths) * 360.0 / n_azimuths, 360.0)
    grid_args = dict(n_azimuths=n_azimuths, max_range_m=max_range_m, range_step_m=range_step_m,
                     refine_steps=refine_steps, sample_dt_s=sample_dt_s, earliest_launch_s=earliest_launch_s)
    # an envelope passed in is the caller's own (limits, table): not a cache key part, so not cached
    path, key = (None, None) if envelope is not None else _cache_path(battery, key_missile, here, options, grid_args)
    edges = None if path is None else _read_edges(path, key, n_azimuths)
    if edges is None:
        edges = _edges(battery, key_missile, here, axis, dist, az, options, envelope, progress, **grid_args)
        if path is not None:
            _write_edges(path, key, edges)
    elif progress:
        progress(2 + refine_steps, 2 + refine_steps, "done (from the disk cache)")
    env = envelope if envelope is not None else Envelope.for_battery(battery)
    in1, edge1, in2, edge2 = edges.in1, edges.edge1, edges.in2, edges.edge2
    centre_once, centre_twice, truncated = edges.centre_once, edges.centre_twice, edges.truncated
    out1, out2, counts = edges.out1, edges.out2, dict(edges.counts)

    rings1, rings2 = _rings(battery, az, in1, edge1), _rings(battery, az, in2, edge2)
    poly1 = max(rings1, key=len) if rings1 else np.zeros((0, 2))
    poly2 = max(rings2, key=len) if rings2 else np.zeros((0, 2))
    resolution_m = range_step_m / 2 ** refine_steps
    half = n_azimuths // 2
    grid = {
        "n_azimuths": n_azimuths, "azimuth_step_deg": 360.0 / n_azimuths,
        "range_step_km": range_step_m / 1e3, "max_range_km": max_range_m / 1e3,
        "refine_steps": refine_steps, "edge_resolution_km": resolution_m / 1e3,
        "sample_dt_s": sample_dt_s, "earliest_launch_s": earliest_launch_s,
    }
    counts.update({"aim_points_not_threatened_note": "aim points the missile cannot reach on a minimum-energy "
                   "trajectory count as not defended",
                   "outlying_defended_points_once": out1, "outlying_defended_points_twice": out2,
                   "azimuths_reaching_grid_edge": truncated})
    assumptions = [
        "kinematic footprint: perfect, instantaneous detection, tracking and discrimination; the battery may "
        f"fire from t = {earliest_launch_s:g} s after the threat's launch; every interceptor flies as modelled",
        f"threats fly minimum-energy trajectories from the launch point to each aim point "
        f"(WGS-84 {'with' if options.rotation else 'without'} Earth rotation, drag {'on' if options.drag else 'off'})",
        f"defended once: at least one intercept opportunity inside the envelope (altitude "
        f"{env.min_alt_m / 1e3:g}-{env.max_alt_m / 1e3:g} km, range <= {env.max_range_m / 1e3:g} km, fly-out <= "
        f"{env.max_flyout_s:g} s, threat speed <= {env.max_threat_speed_m_s / 1e3:g} km/s)",
        f"envelope: {env.reach_note(axis)}",
        f"defended twice: shoot-look-shoot with a {battery.kill_assessment_s:g} s kill-assessment delay fits "
        "a second launch",
        f"grid: {n_azimuths} azimuths ({360.0 / n_azimuths:g} deg) from the threat axis, ranges every "
        f"{range_step_m / 1e3:g} km to {max_range_m / 1e3:g} km, edges bisected to {resolution_m / 1e3:g} km; "
        f"threat sampled every {sample_dt_s:g} s",
        "region: along each azimuth the first defended run from the battery; defended points beyond a gap are "
        "counted, not drawn",
    ]
    if truncated:
        assumptions.append(f"{truncated} azimuth(s) defended to the grid's edge: the footprint is cut there")
    if not centre_once:
        assumptions.append("the battery's own site is not defended against this threat: the footprint is empty")
    return Footprint(
        battery=battery, missile=key_missile, launch=here, launch_distance_m=dist, axis_azimuth_deg=axis,
        azimuth_deg=az, once_extent_m=edge1, twice_extent_m=edge2,
        battery_defended_once=centre_once, battery_defended_twice=centre_twice,
        polygon=poly1, twice_polygon=poly2, polygons=rings1, twice_polygons=rings2,
        area_km2=_total_area_km2(rings1), twice_area_km2=_total_area_km2(rings2),
        forward_m=float(edge1[0]), rear_m=float(edge1[half]),
        twice_forward_m=float(edge2[0]), twice_rear_m=float(edge2[half]),
        grid=grid, counts=counts, assumptions=tuple(assumptions) + tuple(battery.assumptions),
    )


__all__ = ["CACHE_FORMAT", "Footprint", "cache_dir", "defended_footprint", "geodesic_area_km2"]
