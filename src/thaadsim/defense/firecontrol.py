"""Fire control acting on tracks: threat evaluation, weapon-target assignment, doctrine, kill.

Fire control never reads truth.  Per confirmed track it takes one **decision** at the
track's first update at least ``commit_delay_s`` after confirmation (or its last update,
if the track ends sooner):

1. **Threat evaluation** (:func:`evaluate_tracks`) - the track's predicted impact point
   (``tracking.products.impact_points``: the tracker's ballistic model, unscented
   transform, at the decision update) within an :class:`Asset`'s radius makes the track
   a threat; threats are ranked by time to impact (soonest first).
2. **Predicted trajectory** - the track state at the decision is propagated forward
   with the tracker's own motion model (``BallisticModel.propagate``: gravity with J2,
   rotating Earth, drag with the estimated ballistic coefficient) on a ``step_s`` grid
   to the ground; :func:`thaadsim.defense.envelope.can_intercept` on it gives the
   predicted intercept points and launch times, the battery able to fire from the
   decision time on.
3. **Assignment and firing** (:func:`assign_and_fire`) - shots are committed in time
   order of launch (ties by threat priority) while the inventory lasts; no launcher
   reload (a battery with ``reload_s > 0`` is refused: not modelled).  Doctrines:

   - ``shoot-shoot``: two interceptors launched together at the earliest opportunity;
   - ``shoot-look-shoot``: one at the earliest opportunity; if it misses, a second one
     at the first opportunity whose launch is no earlier than the first intercept plus
     the kill-assessment delay - only while such an opportunity remains.

4. **Kill** - each shot kills the object its track follows with the stated single-shot
   kill probability (``sspk``), one draw per shot from the ``numpy.random.Generator``
   passed in, in the order shots are committed.

A threat left without a kill is a leaker and is reported as one, with the reason.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass, field

import numpy as np

from thaadsim.defense.envelope import Envelope, Intercept, Opportunity, can_intercept
from thaadsim.errors import InputError

DOCTRINES = ("shoot-shoot", "shoot-look-shoot")

DEFAULT_ASSET_RADIUS_M = 30_000.0
"""Radius of a defended asset [m] (ASSUMED: an area around a point - a base or a city
district - larger than a tactical missile's CEP of 0.05-3 km and the track's impact
ellipse late in flight)."""
DEFAULT_COMMIT_DELAY_S = 30.0
"""Fire control decides on a track at its first update this long after confirmation [s]
(ASSUMED: time for the estimate to settle.  Measured on a 4-missile Scud-ER salvo from
Tongchang-ri at Seongju, seed 1: the predicted intercept point is 2.7-9.6 km from the true
missile position when the plan is made 5 s after confirmation, 0.3-0.5 km at 30 s, with
the intercepts still near 108 km altitude)."""
PREDICTION_STEP_S = 1.0
"""Step of the predicted threat trajectory handed to the envelope [s] (the radar revisit)."""
MAX_PREDICTION_S = 3600.0
"""Longest forward prediction of a track [s]."""

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

    @property
    def remaining(self) -> int:
        return self.inventory - self.fired


def _check(doctrine: str, sspk: float, inventory: int, kill_assessment_s: float) -> None:
    if doctrine not in DOCTRINES:
        raise InputError(f"unknown doctrine '{doctrine}'", field="--doctrine", hint="use " + " or ".join(DOCTRINES))
    if not (isinstance(sspk, (int, float)) and math.isfinite(sspk) and 0.0 <= sspk <= 1.0):
        raise InputError(f"{sspk} is not a probability in [0, 1]", field="--sspk")
    if isinstance(inventory, bool) or int(inventory) != inventory or inventory < 0:
        raise InputError(f"{inventory} is not a whole number of interceptors", field="inventory")
    if not (math.isfinite(kill_assessment_s) and kill_assessment_s >= 0):
        raise InputError(f"{kill_assessment_s} s: must be zero or positive", field="kill_assessment_s")


def assign_and_fire(threats: list[tuple[int, Opportunity]], inventory: int, doctrine: str, sspk: float,
                    kill_assessment_s: float, rng: np.random.Generator) -> FireControlResult:
    """Weapon-target assignment over threats already ranked (``threats``: (track_id,
    opportunity) in priority order, most urgent first).

    Shots are committed in order of launch time (ties: priority, then shot number) while
    interceptors remain; interceptors fired never exceed ``inventory``.  Every kill draw
    comes from ``rng``.
    """
    _check(doctrine, sspk, inventory, kill_assessment_s)
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
    left = int(inventory)
    while heap:
        _, rank, number, tid, w = heapq.heappop(heap)
        eng = out[tid]
        want = 2 if (doctrine == "shoot-shoot") else 1
        n = min(want, left)
        if n == 0:
            eng.reason = REASON_EXHAUSTED if not eng.shots else f"{REASON_MISSED}; then {REASON_EXHAUSTED}"
            continue
        left -= n
        kills = rng.random(n) < sspk
        for j in range(n):
            eng.shots.append(Shot(tid, number + j, w, bool(kills[j])))
        if kills.any():
            eng.killed, eng.reason = True, None
            continue
        if doctrine == "shoot-look-shoot" and number == 1:
            ready = w.t_intercept_s + kill_assessment_s
            nxt = next((x for x in opps[tid].windows if x.t_launch_s >= ready), None)
            if nxt is not None:
                heapq.heappush(heap, (nxt.t_launch_s, rank, 2, tid, nxt))
                eng.reason = REASON_MISSED
                continue
            eng.reason = REASON_MISSED_NO_SECOND
        else:
            eng.reason = REASON_MISSED + (f" (only {n} of {want} interceptors left)" if n < want else "")
    return FireControlResult(out, int(inventory) - left, int(inventory), doctrine, float(sspk),
                             float(kill_assessment_s))


def ground_distance_m(lat1, lon1, lat2, lon2) -> float:
    from thaadsim.earth import frames

    return float(np.asarray(frames.geodesic_inverse(lat1, lon1, lat2, lon2)[2]).reshape(-1)[0])


def _height_m(r: np.ndarray) -> np.ndarray:
    from thaadsim.earth.kernels import geodetic_from_ecef

    return np.array([geodetic_from_ecef(x[0], x[1], x[2], 0)[2] for x in r])


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


def decision_row(times_s: np.ndarray, confirmed_time_s: float, commit_delay_s: float) -> int:
    """Index of the decision update: the first at or after confirmation + delay, else the last."""
    k = int(np.searchsorted(times_s, confirmed_time_s + commit_delay_s - 1e-9))
    return min(k, len(times_s) - 1)


def evaluate_tracks(tracks, model, assets: list[Asset], battery, *, commit_delay_s: float = DEFAULT_COMMIT_DELAY_S,
                    envelope: Envelope | None = None, step_s: float = PREDICTION_STEP_S) -> list[TrackDecision]:
    """Threat evaluation of confirmed tracks (``tracking.manager.Track``; truth ids are not
    read), with the predicted trajectory and intercept opportunities of each threat."""
    from thaadsim.tracking.products import impact_points

    if not assets:
        raise InputError("no defended asset", field="assets")
    if not (math.isfinite(commit_delay_s) and commit_delay_s >= 0):
        raise InputError(f"{commit_delay_s} s: must be zero or positive", field="commit_delay_s")
    env = envelope or Envelope.for_battery(battery)
    out = []
    for tr in tracks:
        if not tr.confirmed:
            continue
        k = decision_row(tr.times_s, tr.confirmed_time_s, commit_delay_s)
        t_dec = float(tr.times_s[k])
        g = impact_points(tr.states[k][None], tr.covariances[k][None], np.array([t_dec]), model)
        lat, lon, t_imp, cep = float(g.lat_deg[0]), float(g.lon_deg[0]), float(g.time_s[0]), float(g.cep_m[0])
        best, best_d, best_margin, threat = None, math.nan, math.inf, False
        if math.isfinite(lat):
            for a in assets:  # nearest = smallest distance beyond the asset's radius
                d = ground_distance_m(lat, lon, a.lat_deg, a.lon_deg)
                if d - a.radius_m < best_margin:
                    best, best_d, best_margin = a.name, d, d - a.radius_m
                threat = threat or d <= a.radius_m
        dec = TrackDecision(tr.track_id, t_dec, lat, lon, t_imp, cep, best, best_d, threat, t_imp - t_dec)
        if threat:
            times, states = predict_trajectory(model, tr.states[k], t_dec, step_s)
            dec.pred_times_s, dec.pred_states = times, states
            if len(times) >= 2:
                dec.opportunity = can_intercept(times, states, battery, earliest_launch_s=t_dec, envelope=env)[0]
            else:
                dec.opportunity = Opportunity(False, "the track is at the ground", None, None, [])
        out.append(dec)
    return out


def prioritise(decisions: list[TrackDecision]) -> list[TrackDecision]:
    """Threats, soonest predicted impact first (ties: track id)."""
    return sorted((d for d in decisions if d.threat), key=lambda d: (d.impact_time_s, d.track_id))


__all__ = ["Asset", "DEFAULT_ASSET_RADIUS_M", "DEFAULT_COMMIT_DELAY_S", "DOCTRINES", "Engagement",
           "FireControlResult", "Shot", "TrackDecision", "assign_and_fire", "decision_row", "evaluate_tracks",
           "ground_distance_m", "predict_trajectory", "prioritise"]
