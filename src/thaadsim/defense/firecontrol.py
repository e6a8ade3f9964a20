"""Fire control acting on tracks: threat evaluation, weapon-target assignment, doctrine, kill.

Fire control never reads truth.  Per confirmed track it takes one **decision** at the
track's first update at least ``commit_delay_s`` after confirmation (or its last update,
if the track ends sooner):

1. **Threat evaluation** (:func:`evaluate_tracks`) - the track's predicted impact point
   (``tracking.products.impact_points``: the tracker's ballistic model in RK4 steps of
   :data:`IMPACT_STEP_S`, unscented transform, at the decision update) within an
   :class:`Asset`'s radius makes the track
   a threat; threats are ranked by time to impact (soonest first).
2. **Predicted trajectory** - the track state at the decision is propagated forward
   with the tracker's own motion model (``BallisticModel.propagate``: gravity with J2,
   rotating Earth, drag with the estimated ballistic coefficient) on a ``step_s`` grid
   to the ground; :func:`thaadsim.defense.envelope.can_intercept` on it gives the
   predicted intercept points and launch times, the battery able to fire from the
   decision time on.
3. **Assignment and firing** (:func:`assign_and_fire`) - shots are committed in time
   order of launch (ties by threat priority) while rounds last.  Launchers: the
   inventory is ``launchers`` x rounds per launcher; with ``reload_s = 0`` (the default)
   there is **no reload**: the inventory is final.  With ``reload_s > 0`` a launcher that
   has fired its last round is full again ``reload_s`` after that round (reloads
   unlimited: the reload magazine is not modelled); a shot finding no loaded launcher
   waits for the first opportunity launched no earlier than the next reload, while one
   remains.  Across several batteries (:func:`assign_across_batteries`) each threat goes
   to the battery with the earliest launch opportunity that still has rounds.  Doctrines:

   - ``shoot-shoot``: two interceptors launched together at the earliest opportunity;
   - ``shoot-look-shoot``: one at the earliest opportunity; if it misses, a second one
     at the first opportunity whose launch is no earlier than the first intercept plus
     the kill-assessment delay - only while such an opportunity remains.

4. **Kill** - each shot kills the object its track follows with the stated single-shot
   kill probability (``sspk``), one draw per shot from the ``numpy.random.Generator``
   passed in, in the order shots are committed - or, when a ``kill`` function is given
   (the proportional-navigation endgame of :mod:`thaadsim.defense.engagement`), by what
   it returns for the shot, with the same generator.

A threat left without a kill is a leaker and is reported as one, with the reason.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass, field

import numpy as np

from thaadsim.defense.defaults import DEFAULT_ASSET_RADIUS_M, DEFAULT_COMMIT_DELAY_S
from thaadsim.defense.doctrine import DOCTRINES
from thaadsim.defense.envelope import Envelope, Intercept, Opportunity, intercept_opportunities
from thaadsim.earth.constants import WGS84_A_M
from thaadsim.earth.frames import ground_distance_m
from thaadsim.errors import InputError

PREDICTION_STEP_S = 1.0
"""Step of the predicted threat trajectory handed to the envelope [s] (the radar revisit)."""
MAX_PREDICTION_S = 3600.0
"""Longest forward prediction of a track [s]."""
IMPACT_STEP_S = 2.0
"""RK4 step with which threat evaluation flies a track's sigma points to the ground [s] (a
named approximation: the tracker's model steps 1 s).  Measured on korea-salvo's decisions
against the same model at 0.1 s: impact points within 0.09 m (1 s: 0.016 m), impact times
within 0.8 ms (0.15 ms), CEPs within 0.04 m (0.03 m) - against CEPs of 3.6-4.8 km; on the
ICBM built-ins (hwasong-15, china-icbm) and march-2017, within 0.42 m, 3.4 ms and 0.23 m
against CEPs of 5-137 km.  Half the steps of fire control's dearest part
(tests/unit/test_replica_batched.py holds korea-salvo to 0.5 m, 5 ms and 0.5 m)."""

REASON_NOT_THREAT = "not a threat"
REASON_EXHAUSTED = "inventory exhausted"
REASON_MISSED_NO_SECOND = "missed; no second opportunity after the kill assessment"
REASON_MISSED = "missed"


@dataclass(frozen=True)
class Asset:
    """A defended asset: a point and a radius (geodetic degrees, metres)."""

    name: str
    lat_deg: float
    lon_deg: float
    radius_m: float = DEFAULT_ASSET_RADIUS_M

    def __post_init__(self) -> None:
        if not (math.isfinite(self.radius_m) and self.radius_m > 0):
            raise InputError(f"{self.radius_m / 1e3:g} km is not a positive radius", field="--asset-radius-km")


@dataclass
class TrackDecision:
    """What fire control made of one track (SI)."""

    track_id: int
    decision_time_s: float
    impact_lat_deg: float
    impact_lon_deg: float
    impact_time_s: float
    impact_cep_m: float
    nearest_asset: str | None
    miss_to_asset_m: float
    """Distance of the predicted impact from the nearest asset's centre [m]."""
    threat: bool
    time_to_impact_s: float
    opportunity: Opportunity | None = field(default=None, repr=False)
    pred_times_s: np.ndarray | None = field(default=None, repr=False)
    pred_states: np.ndarray | None = field(default=None, repr=False)


@dataclass(frozen=True)
class Shot:
    """One interceptor fired at a track."""

    track_id: int
    number: int
    """1 for the first shot at this track (both of a shoot-shoot pair are 1 and 2)."""
    intercept: Intercept
    kill: bool
    miss_m: float = math.nan
    """Endgame miss distance [m] (NaN at the SSPK level)."""


@dataclass
class Engagement:
    """Fire control's result for one threat track."""

    track_id: int
    priority: int
    shots: list[Shot] = field(default_factory=list)
    killed: bool = False
    reason: str | None = None
    """Why the threat was not killed (None when it was)."""

    @property
    def engaged(self) -> bool:
        return bool(self.shots)


@dataclass
class FireControlResult:
    engagements: dict[int, Engagement]
    fired: int
    inventory: int
    doctrine: str
    sspk: float
    kill_assessment_s: float
    reload_s: float = 0.0
    launchers: int = 1
    rounds_left: int | None = None
    """Rounds on the launchers at the end (set when launchers reload)."""

    @property
    def remaining(self) -> int:
        return self.inventory - self.fired if self.rounds_left is None else self.rounds_left


def _check(doctrine: str, sspk: float, inventory: int, kill_assessment_s: float) -> None:
    if doctrine not in DOCTRINES:
        raise InputError(f"unknown doctrine '{doctrine}'", field="--doctrine", hint="use " + " or ".join(DOCTRINES))
    if not (isinstance(sspk, (int, float)) and math.isfinite(sspk) and 0.0 <= sspk <= 1.0):
        raise InputError(f"{sspk} is not a probability in [0, 1]", field="--sspk")
    if isinstance(inventory, bool) or int(inventory) != inventory or inventory < 0:
        raise InputError(f"{inventory} is not a whole number of interceptors", field="inventory")
    if not (math.isfinite(kill_assessment_s) and kill_assessment_s >= 0):
        raise InputError(f"{kill_assessment_s} s: must be zero or positive", field="kill_assessment_s")


def _check_launchers(inventory: int, launchers: int, reload_s: float) -> None:
    if isinstance(launchers, bool) or int(launchers) != launchers or launchers < 1:
        raise InputError(f"{launchers} is not a whole number of launchers >= 1", field="launchers")
    if not (isinstance(reload_s, (int, float)) and math.isfinite(reload_s) and reload_s >= 0):
        raise InputError(f"{reload_s} s: the reload time must be zero or positive", field="reload_s")
    if reload_s > 0 and int(inventory) % int(launchers):
        raise InputError(f"{inventory} interceptors do not fill {launchers} launchers evenly", field="launchers",
                         hint="give an inventory that is a multiple of the launchers")


class _Launchers:
    """Rounds per launcher and reload times; ``reload_s = 0``: one pool, never reloaded."""

    def __init__(self, inventory: int, launchers: int, reload_s: float) -> None:
        self.reload_s = float(reload_s)
        if self.reload_s > 0:
            self.per = int(inventory) // int(launchers)
            self.rounds = [self.per] * int(launchers)
        else:
            self.per, self.rounds = int(inventory), [int(inventory)]
        self.ready = [-math.inf] * len(self.rounds)

    def _reload(self, t: float) -> None:
        for i, r in enumerate(self.rounds):
            if r == 0 and self.reload_s > 0 and self.ready[i] <= t:
                self.rounds[i] = self.per

    def available(self, t: float) -> int:
        self._reload(t)
        return sum(self.rounds)

    def fire(self, t: float, n: int) -> None:
        self._reload(t)
        for i in range(len(self.rounds)):
            while n and self.rounds[i]:
                self.rounds[i] -= 1
                n -= 1
                if self.rounds[i] == 0:
                    self.ready[i] = t + self.reload_s
        assert n == 0

    def next_reload(self, t: float) -> float | None:
        """Earliest time after t at which an empty launcher is full again (None: never)."""
        if self.reload_s <= 0:
            return None
        times = [r for n, r in zip(self.rounds, self.ready, strict=True) if n == 0 and r > t]
        return min(times) if times else None

    def left(self) -> int:
        return sum(self.rounds)


def assign_and_fire(threats: list[tuple[int, Opportunity]], inventory: int, doctrine: str, sspk: float,
                    kill_assessment_s: float, rng: np.random.Generator, *, launchers: int = 1,
                    reload_s: float = 0.0, kill=None) -> FireControlResult:
    """Weapon-target assignment over threats already ranked (``threats``: (track_id,
    opportunity) in priority order, most urgent first).

    Shots are committed in order of launch time (ties: priority, then shot number) while
    loaded rounds remain.  ``inventory`` interceptors on ``launchers`` launchers; with
    ``reload_s = 0`` (default) no reload - interceptors fired never exceed ``inventory``;
    with ``reload_s > 0`` an emptied launcher is full again ``reload_s`` after its last
    round, and a shot with no loaded launcher moves to the first opportunity launched at
    or after the next reload, if one remains.  ``kill(track_id, intercept, n, rng) ->
    (kills (n,), miss_m (n,))`` replaces the SSPK draw when given.  Every draw comes from
    ``rng``.
    """
    _check(doctrine, sspk, inventory, kill_assessment_s)
    _check_launchers(inventory, launchers, reload_s)
    if not isinstance(rng, np.random.Generator):
        raise InputError("pass a numpy.random.Generator", field="rng")
    out: dict[int, Engagement] = {}
    heap: list[tuple[float, int, int, int, Intercept]] = []
    for rank, (tid, opp) in enumerate(threats):
        eng = Engagement(int(tid), rank)
        out[int(tid)] = eng
        if not opp.engageable or opp.earliest is None:
            eng.reason = f"not engageable: {opp.reason}"
            continue
        heapq.heappush(heap, (opp.earliest.t_launch_s, rank, 1, int(tid), opp.earliest))
    opps = {int(t): o for t, o in threats}
    pool = _Launchers(inventory, launchers, reload_s)
    fired = 0
    while heap:
        t, rank, number, tid, w = heapq.heappop(heap)
        eng = out[tid]
        want = 2 if (doctrine == "shoot-shoot") else 1
        n = min(want, pool.available(t))
        if n == 0:
            t_r = pool.next_reload(t)
            nxt = None if t_r is None else opps[tid].first_launched_from(t_r)
            if nxt is not None:  # wait for a reloaded launcher while an opportunity remains
                heapq.heappush(heap, (nxt.t_launch_s, rank, number, tid, nxt))
                continue
            eng.reason = REASON_EXHAUSTED if not eng.shots else f"{REASON_MISSED}; then {REASON_EXHAUSTED}"
            continue
        pool.fire(t, n)
        fired += n
        if kill is None:
            kills, miss = rng.random(n) < sspk, np.full(n, math.nan)
        else:
            kills, miss = kill(tid, w, n, rng)
            kills, miss = np.asarray(kills, bool).reshape(n), np.asarray(miss, float).reshape(n)
        for j in range(n):
            eng.shots.append(Shot(tid, number + j, w, bool(kills[j]), float(miss[j])))
        if kills.any():
            eng.killed, eng.reason = True, None
            continue
        if doctrine == "shoot-look-shoot" and number == 1:
            ready = w.t_intercept_s + kill_assessment_s
            nxt = opps[tid].first_launched_from(ready)
            if nxt is not None:
                heapq.heappush(heap, (nxt.t_launch_s, rank, 2, tid, nxt))
                eng.reason = REASON_MISSED
                continue
            eng.reason = REASON_MISSED_NO_SECOND
        else:
            eng.reason = REASON_MISSED + (f" (only {n} of {want} interceptors left)" if n < want else "")
    return FireControlResult(out, fired, int(inventory), doctrine, float(sspk), float(kill_assessment_s),
                             float(reload_s), int(launchers), pool.left() if reload_s > 0 else None)


@dataclass(frozen=True)
class BatteryFire:
    """One battery as fire control sees it: a name, its rounds, its launchers and reload."""

    name: str
    inventory: int
    launchers: int = 1
    reload_s: float = 0.0


@dataclass
class MultiBatteryResult:
    assigned: dict[int, str | None]
    """Battery each threat was given to (None: no battery can reach it)."""
    results: dict[str, FireControlResult]
    engagements: dict[int, Engagement]

    @property
    def fired(self) -> int:
        return sum(r.fired for r in self.results.values())


def assign_across_batteries(threats: list[tuple[int, dict[str, Opportunity]]], batteries: list[BatteryFire],
                            doctrine: str, sspk: float, kill_assessment_s: float,
                            rng: np.random.Generator) -> MultiBatteryResult:
    """Several batteries sharing a raid.  ``threats``: (track_id, {battery name:
    opportunity}) in priority order.  Assignment is planned in priority order: each
    threat goes to the battery with the earliest launch opportunity that still has
    uncommitted rounds (a first shot commits 2 rounds under shoot-shoot, 1 under
    shoot-look-shoot; a battery that reloads never runs out at planning); when none has
    rounds, to the reachable battery with the earliest opportunity (its fire control
    then reports the exhaustion).  Each battery then runs :func:`assign_and_fire` on its
    threats, batteries in the order given, all draws from ``rng``."""
    names = [b.name for b in batteries]
    if not batteries or len(set(names)) != len(names):
        raise InputError("give one or more batteries with distinct names", field="batteries")
    for b in batteries:
        _check(doctrine, sspk, b.inventory, kill_assessment_s)
        _check_launchers(b.inventory, b.launchers, b.reload_s)
    per_first = 2 if doctrine == "shoot-shoot" else 1
    planned = {b.name: (math.inf if b.reload_s > 0 else b.inventory) for b in batteries}
    assigned: dict[int, str | None] = {}
    lists: dict[str, list[tuple[int, Opportunity]]] = {n: [] for n in names}
    unreached: list[int] = []
    for tid, by_battery in threats:
        unknown = set(by_battery) - set(names)
        if unknown:
            raise InputError(f"opportunity for unknown battery {sorted(unknown)[0]!r}", field="batteries")
        reach = sorted(((o.earliest.t_launch_s, names.index(n), n) for n, o in by_battery.items()
                        if o.engageable and o.earliest is not None))
        if not reach:
            assigned[int(tid)] = None
            unreached.append(int(tid))
            continue
        pick = next((n for _, _, n in reach if planned[n] >= per_first), reach[0][2])
        planned[pick] -= per_first
        assigned[int(tid)] = pick
        lists[pick].append((int(tid), by_battery[pick]))
    results = {b.name: assign_and_fire(lists[b.name], b.inventory, doctrine, sspk, kill_assessment_s, rng,
                                       launchers=b.launchers, reload_s=b.reload_s) for b in batteries}
    engs: dict[int, Engagement] = {}
    for rank, (tid, _) in enumerate(threats):
        name = assigned[int(tid)]
        if name is None:
            engs[int(tid)] = Engagement(int(tid), rank, reason="not engageable by any battery")
        else:
            e = results[name].engagements[int(tid)]
            e.priority = rank
            engs[int(tid)] = e
    return MultiBatteryResult(assigned, results, engs)


def _height_m(r: np.ndarray) -> np.ndarray:
    from thaadsim.earth.kernels import EARTH_WGS84, geodetic_from_ecef

    return np.array([geodetic_from_ecef(x[0], x[1], x[2], EARTH_WGS84)[2] for x in r])


_OUTSIDE_ELLIPSOID_M2 = (WGS84_A_M + 1.0) ** 2


def _above_ground(r: np.ndarray) -> np.ndarray:
    """``_height_m(r) >= 0`` of ECEF points (N, 3), converting only the points that need it:
    a point more than the equatorial radius (plus a metre, for rounding) from the centre
    is above the ellipsoid wherever it is, since no point of the ellipsoid lies farther."""
    out = np.einsum("ij,ij->i", r, r) > _OUTSIDE_ELLIPSOID_M2
    if not out.all():
        low = ~out
        out[low] = _height_m(r[low]) >= 0.0
    return out


def predict_trajectory(model, state, t0_s: float, step_s: float = PREDICTION_STEP_S,
                       max_s: float = MAX_PREDICTION_S) -> tuple[np.ndarray, np.ndarray]:
    """Times (T,) and ECEF states (T, 6) of one track state propagated forward with the
    tracker's motion model every ``step_s`` until it reaches the ground (last sample
    above it) or ``max_s``."""
    x = np.asarray(state, dtype=float)[None, :]
    times, states = [t0_s], [x[0, :6].copy()]
    n = int(max_s / step_s)
    for k in range(1, n + 1):
        x = model.propagate(x, step_s)
        if not np.all(np.isfinite(x)) or _height_m(x[:, :3])[0] < 0.0:
            break
        times.append(t0_s + k * step_s)
        states.append(x[0, :6].copy())
    return np.array(times), np.array(states)


def predict_trajectories(model, states, t0_s, step_s: float = PREDICTION_STEP_S,
                         max_s: float = MAX_PREDICTION_S) -> list[tuple[np.ndarray, np.ndarray]]:
    """:func:`predict_trajectory` of many track states (N, n) from times ``t0_s`` (N,) at
    once: the tracker's ballistic model in one compiled call (``tracking.kernels.ballistic_paths``),
    any other model with one propagation call per step for every trajectory still above the
    ground.  The motion model propagates each row on its own, so each trajectory is the one
    :func:`predict_trajectory` gives for its state (the per-step call cost is paid once
    per step, not once per step and track)."""
    from thaadsim.tracking.models import BallisticModel

    x = np.array(states, dtype=float, ndmin=2)
    n_tr = x.shape[0]
    t0 = np.broadcast_to(np.asarray(t0_s, dtype=float), (n_tr,))
    n = int(max_s / step_s)
    if isinstance(model, BallisticModel):
        # the tracker's model: every step of every trajectory in one compiled call, the same
        # RK4 steps and ground test as the loop below (a per-step call cost 2/3 of the time)
        if x.shape[1] != model.ndim:
            raise InputError(f"state batch has shape {x.shape}, expected (N, {model.ndim})", field="state")
        from thaadsim.tracking.kernels import ballistic_paths

        samples, counts = ballistic_paths(np.ascontiguousarray(x), n, float(step_s), float(model.max_step_s),
                                          *model._args)
        return [(t0[i] + np.arange(c) * step_s, samples[i, :c]) for i, c in enumerate(counts.tolist())]
    alive = np.arange(n_tr)
    who, rows = [alive], [x[:, :6]]
    for _ in range(1, n + 1):
        if not alive.size:
            break
        x = model.propagate(x, step_s)
        keep = np.isfinite(x).all(axis=1)
        keep[keep] = _above_ground(x[keep, :3])
        if not keep.all():
            x, alive = x[keep], alive[keep]
        who.append(alive)
        rows.append(x[:, :6])
    # the samples, grouped by trajectory in step order
    who_all = np.concatenate(who)
    order = np.argsort(who_all, kind="stable")
    per = np.split(np.concatenate(rows)[order], np.cumsum(np.bincount(who_all, minlength=n_tr))[:-1])
    return [(t0[i] + np.arange(len(s)) * step_s, s) for i, s in enumerate(per)]


def impact_model(model):
    """The tracker's motion model as threat evaluation flies it to the ground: RK4 steps of
    :data:`IMPACT_STEP_S` where the model's are shorter (a model without steps as it is)."""
    step = getattr(model, "max_step_s", None)
    if step is None or step >= IMPACT_STEP_S:
        return model
    from dataclasses import replace

    return replace(model, max_step_s=IMPACT_STEP_S)


def decision_row(times_s: np.ndarray, confirmed_time_s: float, commit_delay_s: float) -> int:
    """Index of the decision update: the first at or after confirmation + delay, else the last."""
    k = int(np.searchsorted(times_s, confirmed_time_s + commit_delay_s - 1e-9))
    return min(k, len(times_s) - 1)


def evaluate_tracks(tracks, model, assets: list[Asset], battery, *, commit_delay_s: float = DEFAULT_COMMIT_DELAY_S,
                    envelope: Envelope | None = None, step_s: float = PREDICTION_STEP_S,
                    cep: bool = True) -> list[TrackDecision]:
    """Threat evaluation of confirmed tracks (``tracking.manager.Track``; truth ids are not
    read), with the predicted trajectory and intercept opportunities of each threat.
    ``cep=False``: each decision's ``impact_cep_m`` is NaN, not computed - no decision reads
    it (the exact CEP is a root search, ~3 ms of a korea-salvo replica), only a run's story
    shows it, and a Monte Carlo study's score tells none.

    Every track is evaluated at once: one impact prediction for all of them, one
    distance computation against every asset, the threats' trajectories predicted
    together (:func:`predict_trajectories`) and their opportunities found together
    (:func:`~thaadsim.defense.envelope.intercept_opportunities`); each decision is the
    one the track would get alone."""
    from thaadsim.earth.frames import geodesic_inverse
    from thaadsim.tracking.products import impact_points

    if not assets:
        raise InputError("no defended asset", field="assets")
    if not (math.isfinite(commit_delay_s) and commit_delay_s >= 0):
        raise InputError(f"{commit_delay_s} s: must be zero or positive", field="commit_delay_s")
    env = envelope or Envelope.for_battery(battery)
    conf = [tr for tr in tracks if tr.confirmed]
    if not conf:
        return []
    rows = [decision_row(tr.times_s, tr.confirmed_time_s, commit_delay_s) for tr in conf]
    t_dec = np.array([tr.times_s[k] for tr, k in zip(conf, rows, strict=True)], dtype=float)
    X = np.stack([tr.states[k] for tr, k in zip(conf, rows, strict=True)])
    g = impact_points(X, np.stack([tr.covariances[k] for tr, k in zip(conf, rows, strict=True)]), t_dec,
                      impact_model(model), cep_method="exact" if cep else "approx")
    # without cep the products' cheap closed form is asked for and dropped: NaN says "not computed"
    cep_m = g.cep_m if cep else np.full(len(conf), math.nan)
    # distance of each predicted impact from each asset's centre; nearest = smallest margin
    # beyond the asset's radius (the first such asset on a tie)
    n, radius = len(conf), np.array([a.radius_m for a in assets])
    dist = np.full((n, len(assets)), np.nan)
    hit = np.isfinite(g.lat_deg)
    if hit.any():
        dist[hit] = geodesic_inverse(g.lat_deg[hit, None], g.lon_deg[hit, None],
                                     np.array([a.lat_deg for a in assets])[None, :],
                                     np.array([a.lon_deg for a in assets])[None, :])[2]
    out = []
    for i, tr in enumerate(conf):
        lat, lon, t_imp, cep_i = float(g.lat_deg[i]), float(g.lon_deg[i]), float(g.time_s[i]), float(cep_m[i])
        best, best_d, threat = None, math.nan, False
        if hit[i]:
            j = int(np.argmin(dist[i] - radius))
            best, best_d, threat = assets[j].name, float(dist[i, j]), bool(np.any(dist[i] <= radius))
        out.append(TrackDecision(tr.track_id, float(t_dec[i]), lat, lon, t_imp, cep_i, best, best_d, threat,
                                 t_imp - float(t_dec[i])))
    threats = [i for i, d in enumerate(out) if d.threat]
    if threats:
        paths = predict_trajectories(model, X[threats], t_dec[threats], step_s)
        flying = [i for i, (times, _) in zip(threats, paths, strict=True) if len(times) >= 2]
        opps = intercept_opportunities([p for p in paths if len(p[0]) >= 2], battery,
                                       [float(t_dec[i]) for i in flying], env)
        for i, (times, states) in zip(threats, paths, strict=True):
            out[i].pred_times_s, out[i].pred_states = times, states
            out[i].opportunity = Opportunity(False, "the track is at the ground", None, None, [])
        for i, opp in zip(flying, opps, strict=True):
            out[i].opportunity = opp
    return out


def prioritise(decisions: list[TrackDecision]) -> list[TrackDecision]:
    """Threats, soonest predicted impact first (ties: track id)."""
    return sorted((d for d in decisions if d.threat), key=lambda d: (d.impact_time_s, d.track_id))


__all__ = ["Asset", "BatteryFire", "MultiBatteryResult", "assign_across_batteries", "DEFAULT_ASSET_RADIUS_M",
           "DEFAULT_COMMIT_DELAY_S", "DOCTRINES", "Engagement",
           "FireControlResult", "IMPACT_STEP_S", "Shot", "TrackDecision", "assign_and_fire", "decision_row",
           "evaluate_tracks", "impact_model",
           "ground_distance_m", "predict_trajectories", "predict_trajectory", "prioritise"]
