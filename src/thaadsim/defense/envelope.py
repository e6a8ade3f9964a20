"""The engagement envelope, derived from the fly-out, and intercept opportunities against a threat.

The envelope is the set of points (azimuth, ground range, altitude) around a battery
where an intercept is kinematically possible: an ascending fly-out reaches the point
within the time budget (the fly-out table), clipped by the configurable altitude
window (40–150 km in the open literature) and maximum range (~200 km).  That
published envelope (USCC 2016) is a calibration target of the interceptor's assumed
figures, not a check of them: :meth:`Envelope.extents` says from which altitude the
derived envelope reaches the range limit and, below it, why it does not (the
fly-outs' physics or the ``max_flyout_s`` clock).  A threat is
engageable at a moment t when it is inside the envelope, no faster than the kill
vehicle engages, and the interceptor launched at t − flyout_time(point) is launched
no earlier than the battery can shoot.

:func:`can_intercept` reports the earliest and latest such opportunity (predicted
intercept point, launch time, fly-out time) for each threat trajectory, to the
threat's sampling step, or the reason there is none.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np

from thaadsim.defense.battery import Battery
from thaadsim.defense.flyout import FlyoutTable, cached_table
from thaadsim.earth import frames
from thaadsim.errors import InputError

REASON_ALTITUDE = "never inside the intercept altitude window"
REASON_RANGE = "inside the altitude window only beyond the maximum intercept range"
REASON_REACH = "inside the window only where no ascending fly-out arrives within the time budget"
REASON_SPEED = "too fast"
REASON_LATE = "too late: every intercept would need a launch before the battery can shoot"

CALIBRATION_NOTE = ("the range limit and altitude window are the published envelope (USCC 2016: ~200 km, "
                    "40-150 km), a calibration target of the interceptor's assumed figures, not a check")
CLOCK_MARGIN_S = 1.0
"""A reach edge this close to the time budget [s] is set by the clock, not by the fly-outs."""


@dataclass(frozen=True)
class Envelope:
    """Where a battery's interceptor can intercept (SI; degrees only in azimuth arguments)."""

    table: FlyoutTable
    min_alt_m: float
    max_alt_m: float
    max_range_m: float
    max_flyout_s: float
    max_threat_speed_m_s: float

    def __post_init__(self) -> None:
        if not 0 <= self.min_alt_m < self.max_alt_m:
            raise InputError(f"altitude window {self.min_alt_m / 1e3:g}-{self.max_alt_m / 1e3:g} km is empty",
                             field="min_alt_km", hint="give 0 <= lower < upper")
        for name in ("max_range_m", "max_flyout_s", "max_threat_speed_m_s"):
            if not getattr(self, name) > 0:
                raise InputError(f"must be positive, got {getattr(self, name)}", field=name)
        top = self.table.h0_m + self.table.dh_m * (self.table.shape[1] - 1)
        far = self.table.r0_m + self.table.dr_m * (self.table.shape[2] - 1)
        if self.max_alt_m > top or self.max_range_m > far or self.max_flyout_s > self.table.horizon_s + 1e-9:
            raise InputError("the envelope's limits exceed the fly-out table's grid", field="envelope",
                             hint="build the table with a larger ceiling, range or horizon")

    @classmethod
    def for_battery(cls, battery: Battery, table: FlyoutTable | None = None, **limits) -> Envelope:
        """The envelope of a battery's interceptor; ``limits`` override the catalog's
        (min_alt_m, max_alt_m, max_range_m, max_flyout_s, max_threat_speed_m_s)."""
        m = battery.interceptor
        if table is None:
            table = cached_table(m, battery.lat_deg, battery.lon_deg, battery.alt_m)
        values = dict(min_alt_m=m.min_alt_m, max_alt_m=m.max_alt_m, max_range_m=m.max_range_m,
                      max_flyout_s=m.max_flyout_s, max_threat_speed_m_s=m.max_threat_speed_m_s)
        unknown = set(limits) - set(values)
        if unknown:
            raise InputError(f"unknown envelope limit(s) {sorted(unknown)}", field="envelope",
                             hint="use " + ", ".join(values))
        values.update(limits)
        return cls(table=table, **values)

    def flyout_time_s(self, azimuth_deg, range_m, alt_m) -> np.ndarray:
        """Fly-out time [s] to points inside the envelope; NaN outside it."""
        t = self.table.time_to(azimuth_deg, range_m, alt_m)
        r, h = np.broadcast_arrays(np.asarray(range_m, float), np.asarray(alt_m, float))
        inside = (h >= self.min_alt_m) & (h <= self.max_alt_m) & (r <= self.max_range_m) & (t <= self.max_flyout_s)
        return np.where(inside, t, np.nan)

    def reach_m(self, alt_m, azimuth_deg=0.0, clipped: bool = True) -> np.ndarray:
        """Largest ground range [m] at each altitude reached within the time budget (NaN: none).

        ``azimuth_deg``: one azimuth, or one per altitude.  ``clipped`` applies the altitude
        window and the range limit; without it, the purely kinematic reach of the fly-out
        (inside the table's grid).
        """
        h = np.atleast_1d(np.asarray(alt_m, dtype=float))
        ranges = self.table.ranges_m
        az = np.asarray(azimuth_deg, dtype=float)
        t = self.table.time_to(az[..., None] if az.ndim else az, ranges[None, :], h[:, None])
        ok = np.isfinite(t) & (t <= self.max_flyout_s)
        if clipped:
            ok &= (ranges[None, :] <= self.max_range_m)
            ok &= ((h >= self.min_alt_m) & (h <= self.max_alt_m))[:, None]
        idx = np.where(ok.any(axis=1), ok.shape[1] - 1 - np.argmax(ok[:, ::-1], axis=1), -1)
        return np.where(idx >= 0, ranges[np.maximum(idx, 0)], np.nan)

    def extents(self, azimuth_deg: float = 0.0) -> dict:
        """Figures of the envelope along one azimuth (km, s): reach at the window's edges,
        the largest reach and the altitude where it occurs, kinematic reach unclipped."""
        levels = np.arange(self.min_alt_m, self.max_alt_m + 1.0, self.table.dh_m)
        reach = self.reach_m(levels, azimuth_deg)
        kin = self.reach_m(levels, azimuth_deg, clipped=False)
        best = int(np.nanargmax(reach)) if np.isfinite(reach).any() else None
        t_corner = self.table.time_to(azimuth_deg, 0.0, self.max_alt_m)
        full = np.isfinite(reach) & (reach >= self.max_range_m - self.table.dr_m / 2)
        short = self._shortfall(levels, kin, full, azimuth_deg)
        return {
            "azimuth_deg": float(azimuth_deg),
            "min_alt_km": self.min_alt_m / 1e3,
            "max_alt_km": self.max_alt_m / 1e3,
            "range_limit_km": self.max_range_m / 1e3,
            "time_budget_s": self.max_flyout_s,
            "reach_at_min_alt_km": float(reach[0] / 1e3),
            "reach_at_max_alt_km": float(reach[-1] / 1e3),
            "max_reach_km": float(reach[best] / 1e3) if best is not None else float("nan"),
            "max_reach_alt_km": float(levels[best] / 1e3) if best is not None else float("nan"),
            "kinematic_reach_at_min_alt_km": float(kin[0] / 1e3),
            "kinematic_reach_at_max_alt_km": float(kin[-1] / 1e3),
            "flyout_to_ceiling_overhead_s": float(t_corner),
            "range_limit_reached_from_alt_km": float(levels[full][0] / 1e3) if full.any() else float("nan"),
            "range_limit_reached_to_alt_km": float(levels[full][-1] / 1e3) if full.any() else float("nan"),
            "short_of_range_limit": short,
            "calibration_note": CALIBRATION_NOTE,
        }

    def _shortfall(self, levels, kin, full, azimuth_deg) -> list[dict]:
        """Altitude bands of the window where the reach stops short of the range limit, with why."""
        out: list[dict] = []
        for j in np.flatnonzero(~full):
            r = kin[j]
            why = self.edge_cause(azimuth_deg, r, levels[j])
            if out and out[-1]["why"] == why and out[-1]["_j"] == j - 1:
                out[-1].update(to_alt_km=float(levels[j] / 1e3), _j=j,
                               reach_km_max=max(out[-1]["reach_km_max"], float(r / 1e3)))
                continue
            out.append({"from_alt_km": float(levels[j] / 1e3), "to_alt_km": float(levels[j] / 1e3),
                        "reach_km_min": float(r / 1e3), "reach_km_max": float(r / 1e3), "why": why, "_j": j})
        for band in out:
            band.pop("_j")
        return out

    def edge_cause(self, azimuth_deg: float, reach_m: float, alt_m: float) -> str:
        """What ends the reach at this altitude: the clock, or the fly-outs' physics."""
        clock = (math.isfinite(reach_m)
                 and float(self.table.time_to(azimuth_deg, reach_m, alt_m)) >= self.max_flyout_s - CLOCK_MARGIN_S)
        return (f"the {self.max_flyout_s:g} s fly-out clock (max_flyout_s)" if clock else
                "the fly-outs' physics: no ascending fly-out crosses this altitude farther out (burnout "
                "speed, drag, intercepts on the way up only), not the clock")

    def reach_shortfall(self, azimuth_deg, range_m, alt_m) -> str:
        """Why points inside the window are out of reach: the nearest one's gap and its cause."""
        az, rng, alt = (np.atleast_1d(np.asarray(v, dtype=float)) for v in (azimuth_deg, range_m, alt_m))
        if not az.size:
            return REASON_REACH
        reaches = self.reach_m(alt, az, clipped=False)
        j = int(np.argmin(rng - np.where(np.isfinite(reaches), reaches, 0.0)))  # the first nearest
        a, r, h, reach = float(az[j]), float(rng[j]), float(alt[j]), float(reaches[j])
        where = (f"the reach at {h / 1e3:.0f} km altitude is {reach / 1e3:.0f} km" if math.isfinite(reach) else
                 f"nothing reaches {h / 1e3:.0f} km altitude")
        return (f"{REASON_REACH}: at best {r / 1e3:.0f} km out where {where}, "
                f"set by {self.edge_cause(a, reach, h)}")

    def reach_note(self, azimuth_deg: float = 0.0) -> str:
        """One line: where the derived envelope reaches the range limit, and why not elsewhere."""
        ext = self.extents(azimuth_deg)
        lim = f"{self.max_range_m / 1e3:g} km"
        if math.isfinite(ext["range_limit_reached_from_alt_km"]):
            head = (f"derived envelope (azimuth {azimuth_deg:g} deg) reaches the {lim} range limit from "
                    f"{ext['range_limit_reached_from_alt_km']:g} to {ext['range_limit_reached_to_alt_km']:g} km "
                    "altitude")
        else:
            head = f"derived envelope (azimuth {azimuth_deg:g} deg) never reaches the {lim} range limit"
        parts = [f"{b['from_alt_km']:g}-{b['to_alt_km']:g} km altitude: reach {b['reach_km_min']:.0f}-"
                 f"{b['reach_km_max']:.0f} km, short because of {b['why']}" for b in ext["short_of_range_limit"]]
        return head + ("; " + "; ".join(parts) if parts else "") + f" ({CALIBRATION_NOTE})"

    def boundary(self, azimuth_deg: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
        """Closed outline (range_m, alt_m) of the envelope in the vertical plane of an azimuth."""
        levels = np.arange(self.min_alt_m, self.max_alt_m + 1.0, self.table.dh_m)
        reach = self.reach_m(levels, azimuth_deg)
        ok = np.isfinite(reach)
        lv, rc = levels[ok], reach[ok]
        rng = np.concatenate([[0.0], rc, [0.0], [0.0]])
        alt = np.concatenate([[lv[0]], lv, [lv[-1]], [lv[0]]]) if len(lv) else np.zeros(4)
        return rng, alt


@dataclass(frozen=True)
class Intercept:
    """One intercept opportunity: the predicted intercept point and its launch time."""

    t_intercept_s: float
    t_launch_s: float
    flyout_s: float
    pip_ecef_m: np.ndarray
    alt_m: float
    range_m: float
    azimuth_deg: float
    kick_deg: float
    threat_speed_m_s: float

    def as_dict(self) -> dict:
        return {
            "t_intercept_s": self.t_intercept_s, "t_launch_s": self.t_launch_s, "flyout_s": self.flyout_s,
            "intercept_altitude_km": self.alt_m / 1e3, "intercept_range_km": self.range_m / 1e3,
            "azimuth_deg": self.azimuth_deg, "kick_deg": self.kick_deg,
            "threat_speed_km_s": self.threat_speed_m_s / 1e3,
        }


class Windows(Sequence):
    """Feasible intercept opportunities held as arrays; each :class:`Intercept` is built
    when read.  Fire control reads a handful of the hundreds a threat has, so building
    them all up front was most of :func:`can_intercept`'s time; the values read are the
    same Python floats and pip rows either way."""

    __slots__ = ("_rows", "_pips")

    def __init__(self, rows: np.ndarray, pips: np.ndarray):
        # rows (n, 8): t_intercept, t_launch, flyout, alt, range, azimuth, kick, speed
        self._rows, self._pips = rows, pips

    def __len__(self) -> int:
        return len(self._rows)

    def _build(self, k: int) -> Intercept:
        r = self._rows[k].tolist()
        return Intercept(r[0], r[1], r[2], self._pips[k], r[3], r[4], r[5], r[6], r[7])

    def __getitem__(self, k):
        if isinstance(k, slice):
            return [self._build(i) for i in range(*k.indices(len(self)))]
        return self._build(int(k))

    def __iter__(self) -> Iterator[Intercept]:
        for k in range(len(self)):
            yield self._build(k)

    def first_launched_from(self, t_s: float) -> Intercept | None:
        """The first opportunity (in time order) launched at or after ``t_s``, or None."""
        hit = self._rows[:, 1] >= t_s
        if not len(hit):
            return None
        k = int(hit.argmax())
        return self._build(k) if hit[k] else None


@dataclass(frozen=True)
class Opportunity:
    """Intercept opportunities against one threat; ``reason`` says why there are none."""

    engageable: bool
    reason: str | None
    earliest: Intercept | None
    latest: Intercept | None
    windows: Sequence[Intercept] = field(default_factory=list, repr=False)
    """Every feasible opportunity, in time order (one per threat sample)."""

    def first_launched_from(self, t_s: float) -> Intercept | None:
        """The first opportunity (in time order) launched at or after ``t_s``, or None."""
        if isinstance(self.windows, Windows):
            return self.windows.first_launched_from(t_s)
        return next((x for x in self.windows if x.t_launch_s >= t_s), None)

    def look_shots(self, kill_assessment_s: float, max_shots: int = 2) -> list[Intercept]:
        """Shoot-look-shoot sequence: the earliest intercept, then each next one launched
        no sooner than the kill assessment of the previous intercept allows."""
        if kill_assessment_s < 0:
            raise InputError("must be zero or positive", field="kill_assessment_s")
        shots: list[Intercept] = []
        ready = -np.inf
        for w in self.windows:
            if len(shots) >= max_shots:
                break
            if w.t_launch_s >= ready:
                shots.append(w)
                ready = w.t_intercept_s + kill_assessment_s
        return shots


def _speeds(times: np.ndarray, states: np.ndarray) -> np.ndarray:
    if states.shape[-1] >= 6:
        return np.linalg.norm(states[..., 3:6], axis=-1)
    if len(times) < 2:
        return np.full(states.shape[:-1], np.nan)
    return np.linalg.norm(np.gradient(states[..., :3], times, axis=-2), axis=-1)


def can_intercept(times_s, threat_states, battery: Battery, earliest_launch_s: float | None = None,
                  envelope: Envelope | None = None) -> list[Opportunity]:
    """Intercept opportunities of a battery against threat trajectories.

    ``times_s`` (T,) and ``threat_states`` (T, 3|6) or (N, T, 3|6): ECEF positions [m]
    (and ground-relative velocities [m/s]; without them speeds come from finite
    differences); NaN rows (after impact) are ignored.  ``earliest_launch_s`` is when
    the battery can first fire (default: the first time given).  Returns one
    :class:`Opportunity` per trajectory.
    """
    times = np.asarray(times_s, dtype=float)
    states = np.asarray(threat_states, dtype=float)
    single = states.ndim == 2
    if single:
        states = states[None]
    if states.ndim != 3 or states.shape[-1] not in (3, 6):
        raise InputError(f"threat states of shape {np.shape(threat_states)}", field="threat_states",
                         hint="give (T, 3|6) or (N, T, 3|6) ECEF positions [and velocities]")
    if times.ndim != 1 or len(times) != states.shape[1]:
        raise InputError(f"{len(times)} times for {states.shape[1]} states", field="times_s")
    if len(times) > 1 and np.any(np.diff(times) <= 0):
        raise InputError("times must increase", field="times_s")
    t_ready = float(times[0] if earliest_launch_s is None else earliest_launch_s)
    return intercept_opportunities([(times, x) for x in states], battery, [t_ready] * states.shape[0], envelope)


def intercept_opportunities(trajectories, battery: Battery, earliest_launch_s, envelope: Envelope | None = None
                            ) -> list[Opportunity]:
    """:func:`can_intercept` of trajectories each on its own times: ``trajectories`` a list
    of (times (T_i,), states (T_i, 3|6)), ``earliest_launch_s`` one time per trajectory.
    The envelope is looked up once for every sample of every trajectory (one geodesic and
    one table call), then each trajectory is judged on its own samples."""
    env = envelope or Envelope.for_battery(battery)
    if not trajectories:
        return []
    times = np.concatenate([np.asarray(t, dtype=float) for t, _ in trajectories])
    states = np.concatenate([np.asarray(x, dtype=float) for _, x in trajectories])
    bounds = np.cumsum([0] + [len(t) for t, _ in trajectories])
    pos = states[:, :3]
    alive = np.isfinite(pos).all(axis=-1)
    az = np.full(times.shape, np.nan)
    rng = np.full(times.shape, np.nan)
    alt = np.full(times.shape, np.nan)
    lat = np.full(times.shape, np.nan)
    lon = np.full(times.shape, np.nan)
    if alive.any():
        lat[alive], lon[alive], alt[alive] = frames.ecef_to_geodetic(pos[alive])
    # azimuth and ground range (a geodesic each, the dear part) only where they are read:
    # inside the altitude window
    in_alt = alive & (alt >= env.min_alt_m) & (alt <= env.max_alt_m)
    if in_alt.any():
        az[in_alt], rng[in_alt] = env.table.bearing(lat[in_alt], lon[in_alt])
    if states.shape[-1] >= 6:
        speed = _speeds(times, states)
    else:  # finite differences along each trajectory's own times
        speed = np.concatenate([_speeds(times[b0:b1], states[b0:b1]) for b0, b1 in zip(bounds[:-1], bounds[1:], strict=True)])
    safe = (np.nan_to_num(az), np.nan_to_num(rng, nan=-1.0), np.nan_to_num(alt, nan=-1.0))
    t_fly = env.table.time_to(*safe)
    in_rng = in_alt & (rng <= env.max_range_m)
    in_reach = in_rng & np.isfinite(t_fly) & (t_fly <= env.max_flyout_s)
    slow = in_reach & (speed <= env.max_threat_speed_m_s)
    t_launch = times - t_fly
    feasible = slow & (t_launch >= np.repeat(np.asarray(earliest_launch_s, dtype=float), np.diff(bounds)))
    kick = env.table.kick_to(*safe) if feasible.any() else np.zeros(0)  # read only where feasible

    out = []
    for b0, b1 in zip(bounds[:-1], bounds[1:], strict=True):
        i = slice(b0, b1)
        idx = b0 + np.nonzero(feasible[i])[0]
        if len(idx) == 0:
            if not in_alt[i].any():
                reason = REASON_ALTITUDE
            elif not in_rng[i].any():
                reason = REASON_RANGE
            elif not in_reach[i].any():
                m = in_rng[i]
                reason = env.reach_shortfall(az[i][m], rng[i][m], alt[i][m])
            elif not slow[i].any():
                v = float(np.nanmin(speed[i][in_reach[i]]))
                reason = (f"{REASON_SPEED}: {v / 1e3:.1f} km/s inside the envelope, above the "
                          f"{env.max_threat_speed_m_s / 1e3:.1f} km/s the kill vehicle engages")
            else:
                reason = REASON_LATE
            out.append(Opportunity(False, reason, None, None, []))
            continue
        pips = pos[idx]  # a copy: each intercept point is a row of it
        wins = Windows(np.stack([times[idx], t_launch[idx], t_fly[idx], alt[idx], rng[idx], az[idx], kick[idx],
                                 speed[idx]], axis=1), pips)
        out.append(Opportunity(True, None, wins[0], wins[-1], wins))
    return out


__all__ = ["Envelope", "Intercept", "Opportunity", "Windows", "can_intercept", "intercept_opportunities"]
