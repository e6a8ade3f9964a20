"""A scenario on one clock: flight -> radars -> trackers -> fire control -> interceptors -> outcomes.

:func:`run_scenario` takes a validated :class:`~thaadsim.scenario.schema.Scenario` and
returns a :class:`~thaadsim.scenario.result.ScenarioResult`:

1. **truth** - every threat group steered and flown (:mod:`thaadsim.scenario.truth`);
2. **radars** - each radar measures every missile at its looks (noise, detection draws,
   false alarms in the sector around the threats it can see);
3. **tracking** - one tracker per radar on that radar's detections; radars do not share
   tracks (no fusion: a named simplification);
4. **fire control** - each battery acts on its own radar's confirmed tracks, never on truth
   (:mod:`thaadsim.defense.firecontrol`): threat evaluation against its defended assets,
   intercept opportunities from its fly-out envelope, doctrine, inventory; batteries do not
   coordinate (two batteries may both shoot at one missile);
5. **outcomes** (:mod:`thaadsim.scenario.outcomes`) - a missile is intercepted by the
   earliest killing shot at a track that follows it; shots arriving after that kill find
   no target; every other missile reaches the ground (it *leaks*), and the reason is given.

Every random draw comes from one ``numpy.random.Generator`` seeded with the scenario's seed:
radars in file order (targets, then false alarms), then batteries in file order (kills).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np

from thaadsim.errors import InputError
from thaadsim.scenario.schema import Scenario
from thaadsim.scenario.truth import ScenarioTruth, fly_threats


@dataclass
class RadarRun:
    """One radar's part of the run."""

    name: str
    model: object
    """Sited ``sensors.radar.RadarModel``."""
    detections: object
    tracker: object
    """``tracking.manager.TrackerResult``."""
    confirmed: list
    """The tracker's confirmed tracks (``TrackerResult.confirmed_tracks``: a filter over every
    track ever started, thousands with false alarms, so made once per run)."""
    track_truth: dict
    """Track id -> missile index (-1: false track), from the detections' truth ids (for scoring only)."""
    sector: object
    false_alarms: int


@dataclass
class BatteryRun:
    """One battery's part of the run."""

    name: str
    spec: object
    battery: object
    """``defense.battery.Battery``."""
    assets: list
    radar: RadarRun
    decisions: list
    fire: object
    """``defense.firecontrol.FireControlResult``."""


def _circular_mean_deg(angles_deg: np.ndarray, weights: np.ndarray) -> float:
    a = np.radians(angles_deg)
    return math.degrees(math.atan2(float(np.sum(weights * np.sin(a))), float(np.sum(weights * np.cos(a))))) % 360.0


def build_radar(index: int, spec, scenario: Scenario, truth: ScenarioTruth):
    """The sited radar model; boresight as given, else toward the threats' launch points."""
    from thaadsim.catalog.loader import resolve_location
    from thaadsim.earth import frames
    from thaadsim.sensors.radar import RadarModel

    site = resolve_location(spec.site, f"radars[{index}].site")
    az = spec.boresight_az_deg
    if az is None:
        lat = np.array([g.launch.lat_deg for g in truth.groups])
        lon = np.array([g.launch.lon_deg for g in truth.groups])
        w = np.array([g.launch_times_s.size for g in truth.groups], dtype=float)
        bearing, _, dist = frames.geodesic_inverse(np.full(lat.shape, site.lat_deg), np.full(lon.shape, site.lon_deg),
                                                   lat, lon)
        far = np.asarray(dist) > 1e3
        az = _circular_mean_deg(np.asarray(bearing)[far], w[far]) if far.any() else None
    # the convention's P_fa sets the threshold of every simulated look and the false-alarm rate
    return scenario.detection.convention().applied_to(
        _file_overrides(RadarModel.from_catalog(spec.radar, spec.mode, site=site, boresight_az_deg=az), spec))


def _file_overrides(model, spec):
    """The radar with the file's losses and noise temperature in place of the catalog's, and its
    assumption rows saying so."""
    from thaadsim.sensors.detection import from_db
    from thaadsim.sensors.radar import Assumption

    changes, rows = {}, {}
    if spec.losses_db is not None:
        changes["loss"] = float(from_db(spec.losses_db))
        rows["losses_db"] = float(spec.losses_db)
    if spec.noise_temperature_k is not None:
        changes["noise_temperature_k"] = float(spec.noise_temperature_k)
        rows["noise_temperature_k"] = float(spec.noise_temperature_k)
    if not changes:
        return model
    kept = tuple(a for a in model.assumptions if a.name not in rows)
    given = tuple(Assumption(name, value, "scenario file", False, "set in the scenario file")
                  for name, value in rows.items())
    return model.with_(**changes, assumptions=kept + given)


@dataclass(frozen=True)
class TargetSamples:
    """Missile samples of one Swerling case that a radar looks at, with their geometry."""

    swerling: int
    times_s: np.ndarray
    truth_id: np.ndarray
    r_ecef: np.ndarray
    v_ecef: np.ndarray
    rcs_m2: np.ndarray
    geometry: object
    """``sensors.measurements.TargetGeometry`` of the samples."""


@dataclass(frozen=True)
class RadarPlan:
    """What one radar does on a truth before its first random draw: the missile samples it
    looks at (every missile at every look it is in flight, look-major), their geometry per
    Swerling case, and the false-alarm sector and look times.  Shared by replicas."""

    cases: tuple[TargetSamples, ...]
    """The samples, one set per Swerling case (ascending)."""
    sector: object
    """``sensors.measurements.Surveillance`` around the missiles it can see, or None."""
    looks_s: np.ndarray
    """Distinct look times with a missile in flight [s]."""


def plan_radar(radar, truth: ScenarioTruth) -> RadarPlan:
    """The seed-independent part of :func:`observe` (:class:`RadarPlan`)."""
    from thaadsim.sensors.measurements import target_geometry
    from thaadsim.tracking.scenario_track import threat_sector

    alive = np.isfinite(truth.states[:, :, 0])
    k_idx, t_idx = np.nonzero(alive)
    order = np.lexsort((k_idx, t_idx))
    k_idx, t_idx = k_idx[order], t_idx[order]
    X = truth.states[k_idx, t_idx]
    groups = truth.group[k_idx]
    rcs = np.array([truth.groups[g].spec.rcs_m2 for g in groups])
    swerling = np.array([truth.groups[g].spec.swerling for g in groups])
    cases = []
    for case in sorted(set(swerling.tolist())):
        m = swerling == case
        r, v = X[m, :3], X[m, 3:]
        cases.append(TargetSamples(int(case), truth.times_s[t_idx[m]], k_idx[m], r, v, rcs[m],
                                   target_geometry(radar, r, v, rcs[m], swerling=int(case))))
    return RadarPlan(tuple(cases), threat_sector(radar, X[:, :3]), truth.times_s[np.unique(t_idx)])


def observe(radar, name: str, truth: ScenarioTruth, scenario: Scenario, rng: np.random.Generator,
            plan: RadarPlan | None = None) -> RadarRun:
    """Measure every missile with one radar and track what it sees (``plan``: the radar's
    :func:`plan_radar` on this truth, when already made)."""
    from thaadsim.sensors.measurements import false_alarm_detections, measure, merge_detections
    from thaadsim.tracking.manager import run_tracker
    from thaadsim.tracking.metrics import track_truth_summary
    from thaadsim.tracking.scenario_track import default_tracker_config

    plan = plan_radar(radar, truth) if plan is None else plan
    parts = []
    for c in plan.cases:
        parts.append(measure(radar, c.times_s, c.r_ecef, c.v_ecef, c.rcs_m2, rng, truth_id=c.truth_id,
                             swerling=c.swerling, false_alarms=False, geometry=c.geometry))
    n_fa = 0
    if scenario.output.false_alarms and plan.sector is not None:
        fa = false_alarm_detections(radar, plan.looks_s, rng, plan.sector)
        n_fa = len(fa)
        parts.append(fa)
    det = merge_detections(parts)
    choice = next(r.tracker for r in scenario.radars if r.name == name)
    tracker = run_tracker(det, default_tracker_config(choice.filter, choice.association, choice.initiation), rng)
    confirmed = tracker.confirmed_tracks
    # the summary reads the confirmed tracks alone: hand it those, not every track to filter again
    summary = track_truth_summary(replace(tracker, tracks=confirmed))
    return RadarRun(name, radar, det, tracker, confirmed, dict(summary.track_truth), plan.sector, n_fa)


def build_battery(index: int, spec):
    """The battery with the file's overrides of the catalog."""
    from thaadsim.catalog.loader import resolve_location
    from thaadsim.defense.battery import Battery

    where = f"batteries[{index}]"
    site = resolve_location(spec.site, f"{where}.site")
    base = Battery.from_catalog(spec.battery, site=site)
    changes: dict = {"name": spec.name}
    if spec.launchers is not None:
        changes["launchers"] = spec.launchers
        if spec.interceptors is None:
            changes["inventory"] = spec.launchers * max(base.inventory // base.launchers, 1)
    if spec.interceptors is not None:
        changes["inventory"] = spec.interceptors
    if spec.reload_s is not None:
        changes["reload_s"] = spec.reload_s
    battery = base.with_(**changes)
    if battery.reload_s > 0 and battery.inventory % battery.launchers:
        raise InputError(f"{battery.inventory} interceptors do not fill {battery.launchers} launchers evenly",
                         field=f"{where}.interceptors", hint="give a multiple of the launchers")
    return battery


def battery_assets(index: int, spec, battery) -> list:
    from thaadsim.catalog.loader import resolve_location
    from thaadsim.defense.firecontrol import DEFAULT_ASSET_RADIUS_M, Asset

    if not spec.assets:
        return [Asset(f"{spec.name} site", battery.lat_deg, battery.lon_deg, DEFAULT_ASSET_RADIUS_M)]
    out = []
    for j, a in enumerate(spec.assets):
        loc = resolve_location(a.at, f"batteries[{index}].assets[{j}].at")
        out.append(Asset(a.name, loc.lat_deg, loc.lon_deg, a.radius_km * 1e3))
    return out


@dataclass(frozen=True)
class BatteryPlan:
    """A battery as the file sets it up, before any track: the battery, its defended assets
    and its fly-out envelope.  Shared by replicas."""

    battery: object
    """``defense.battery.Battery``."""
    assets: list
    envelope: object
    """``defense.envelope.Envelope``."""


def plan_battery(index: int, spec) -> BatteryPlan:
    from thaadsim.defense.envelope import Envelope

    battery = build_battery(index, spec)
    return BatteryPlan(battery, battery_assets(index, spec, battery), Envelope.for_battery(battery))


def engage(index: int, spec, radar_run: RadarRun, truth: ScenarioTruth, rng: np.random.Generator,
           plan: BatteryPlan | None = None, *, story: bool = True) -> BatteryRun:
    """One battery's fire control on its radar's tracks, and the shots' kill draws (``plan``:
    the battery's :func:`plan_battery`, when already made; ``story=False``: the decisions
    without what only a run's story shows - their impact CEPs, see ``evaluate_tracks``)."""
    from thaadsim.defense.engagement import pn_kill
    from thaadsim.defense.firecontrol import assign_and_fire, evaluate_tracks, prioritise

    plan = plan_battery(index, spec) if plan is None else plan
    battery, assets = plan.battery, plan.assets
    tracker = radar_run.tracker
    decisions = evaluate_tracks(radar_run.confirmed, tracker.model, assets, battery,
                                commit_delay_s=spec.commit_delay_s, envelope=plan.envelope, cep=story)
    ranked = prioritise(decisions)
    p_kill = battery.interceptor.sspk if spec.sspk is None else spec.sspk
    kill = None
    if spec.kill_model == "pn":
        kill = pn_kill(battery, {d.track_id: d for d in decisions}, truth, radar_run.track_truth)
    fire = assign_and_fire([(d.track_id, d.opportunity) for d in ranked], battery.inventory, spec.doctrine,
                           float(p_kill), battery.kill_assessment_s, rng, launchers=battery.launchers,
                           reload_s=battery.reload_s, kill=kill)
    return BatteryRun(spec.name, spec, battery, assets, radar_run, decisions, fire)


def look_interval(scenario: Scenario) -> float:
    """One look grid for all radars: the shortest revisit interval among them [s]."""
    from thaadsim.sensors.radar import RadarModel

    return min((RadarModel.from_catalog(r.radar, r.mode).revisit_s for r in scenario.radars), default=1.0)


# Memory of a run beyond its base (thaadsim.budget.BASE_BYTES), per unit of work.
OUTPUT_SAMPLE_BYTES = 1024
"""One trajectory sample in the outputs (parquet, CZML, report): measured ~1 KB (issue 11)."""
LOOK_BYTES = 48 * 3
"""One missile at one look on the common grid: its state (6 doubles), and the Hermite
interpolation's temporaries (twice that)."""
RADAR_LOOK_BYTES = 1024
"""One missile seen by one radar at one look: measurement, detection draw and tracker
bookkeeping (ASSUMED upper figure).  The whole estimate against measured peaks (Scud-ER
salvos from Sunan on Seongju): 128 missiles, one radar and battery, 480 MB estimated, 438 MB
measured; 2,048 missiles 2,048 MB / 1,613 MB; 5,000 missiles without radars 2,600 MB /
1,304 MB."""
INTERCEPTOR_FLYOUT_S = 600.0
"""Longest interceptor fly-out drawn [s] (ASSUMED bound: a THAAD fly-out lasts under 2 minutes)."""


@dataclass(frozen=True)
class Plan:
    """What a run will do, known before its work starts (:func:`preflight`)."""

    look_dt_s: float
    looks: int
    missiles: int
    memory_bytes: float
    groups: tuple = field(default=(), compare=False, repr=False)
    """The threat groups preflight steered and flew (``scenario.truth.GroupFlight``), handed to
    :func:`run_scenario` so that a checked run does not fly them again."""


def preflight(scenario: Scenario, seed: int | None = None) -> Plan:
    """Every check a run makes before its work starts, in one place: ``scenario check`` and
    :func:`run_scenario` both call it.  The schema has checked each field; this checks the
    whole: the seed, every group's geometry (steered, as the run does: an aim point no
    missile can reach, a lofted apogee it cannot fly, an aim point on the launch point), the
    run's length on the radar look grid, and its estimated memory against the budget
    (:mod:`thaadsim.budget`), the salvo sizes of a sweep included."""
    return _preflight(scenario, seed)[0]


def _preflight(scenario: Scenario, seed: int | None, progress=None):
    """:func:`preflight`, and the threat groups it steered and flew (a run flies them once)."""
    from thaadsim.budget import BASE_BYTES, require
    from thaadsim.scenario.truth import MAX_LOOKS, fly_groups, look_count

    seed = scenario.seed if seed is None else int(seed)
    if not 0 <= seed <= 2**63 - 1:
        raise InputError(f"{seed}: the seed must be between 0 and 2^63 - 1", field="--seed")
    look_dt = look_interval(scenario)
    for i, t in enumerate(scenario.threats):  # before flying: launches alone past the look grid
        last = t.launch_time_s + t.spacing_s * (t.count - 1)
        if last / look_dt >= MAX_LOOKS:
            raise InputError(f"the last launch comes {last:,.0f} s after the epoch, past the {MAX_LOOKS:,} radar "
                             f"looks a run simulates", field=f"threats[{i}].launch_time_s",
                             hint=f"keep launches and flights within {MAX_LOOKS * look_dt:,.0f} s")
    inventory = sum(build_battery(i, spec).inventory for i, spec in enumerate(scenario.batteries))
    for i, spec in enumerate(scenario.batteries):
        battery_assets(i, spec, build_battery(i, spec))
    groups = fly_groups(scenario, look_dt, progress)
    counts = [scenario.threats[scenario.sweep.threat].count] + list(scenario.sweep.counts) if scenario.sweep else [0]
    worst = None
    for n in counts:  # a sweep runs each salvo size on its own: the largest decides
        if scenario.sweep is not None:
            g = groups[scenario.sweep.threat]
            g = type(g)(**{**g.__dict__, "launch_times_s": g.spec.launch_time_s + g.spec.spacing_s * np.arange(n)})
            variant = [g if k == scenario.sweep.threat else other for k, other in enumerate(groups)]
        else:
            variant = groups
        looks = look_count(variant, look_dt)
        missiles = sum(g.launch_times_s.size for g in variant)
        flying_s = sum(g.launch_times_s.size * g.flight_time_s for g in variant)
        dt = scenario.output.sample_dt_s
        memory = (BASE_BYTES + missiles * looks * LOOK_BYTES
                  + flying_s / look_dt * RADAR_LOOK_BYTES * len(scenario.radars)
                  + (flying_s + inventory * INTERCEPTOR_FLYOUT_S) / dt * OUTPUT_SAMPLE_BYTES)
        plan = Plan(look_dt, looks, missiles, memory, tuple(groups))
        worst = plan if worst is None or plan.memory_bytes > worst.memory_bytes else worst
    field = "output.sample_dt_s" if scenario.output.sample_dt_s < look_dt else "threats"
    plural = "s" if worst.missiles != 1 else ""
    require(worst.memory_bytes, f"the run ({worst.missiles:,} missile{plural}, {worst.looks:,} looks of {look_dt:g} s, "
            f"trajectories every {scenario.output.sample_dt_s:g} s)", field=field,
            hint="sample the outputs less often (output.sample_dt_s), or fly fewer missiles")
    return worst, groups


@dataclass(frozen=True)
class PreparedScenario:
    """What every replica of a scenario shares: the threats' truth flights, the sited radar
    models with what they look at, and the batteries with their assets and envelopes.
    Nothing random is in it, so replicas with different seeds can reuse it (a Monte Carlo
    study flies the truth once per distinct set of flight parameters)."""

    scenario: Scenario
    look_dt_s: float
    truth: ScenarioTruth
    radar_models: tuple
    radar_plans: tuple[RadarPlan, ...] = ()
    """Per radar, in file order (:func:`plan_radar`); empty: made by each replica."""
    battery_plans: tuple[BatteryPlan, ...] = ()
    """Per battery, in file order (:func:`plan_battery`); empty: made by each replica."""
    figures: tuple = ()
    """Per threat group, its flight's impact point, range and apogee (``outcomes.group_figures``
    of the truth); empty: made by each replica."""


def prepare(scenario: Scenario, progress=None) -> PreparedScenario:
    """Step 1 of the module doc, and the radars and batteries set up on its geometry."""
    return _prepare(scenario, progress)


def _prepare(scenario: Scenario, progress=None, groups=None) -> PreparedScenario:
    from thaadsim.scenario.outcomes import group_figures

    look_dt = look_interval(scenario)
    truth = fly_threats(scenario, look_dt, progress, groups=groups)
    truth.states.setflags(write=False)  # shared by every replica: a replica must not change it
    models = tuple(build_radar(i, spec, scenario, truth) for i, spec in enumerate(scenario.radars))
    radar_plans = tuple(plan_radar(m, truth) for m in models)
    battery_plans = tuple(plan_battery(i, spec) for i, spec in enumerate(scenario.batteries))
    return PreparedScenario(scenario, look_dt, truth, models, radar_plans, battery_plans, group_figures(truth))


def prepared_for(prepared: PreparedScenario, scenario: Scenario) -> PreparedScenario:
    """``prepared`` made over for ``scenario`` (a Monte Carlo draw of it).  The group flights
    are reused while what they depend on is unchanged (``truth.flight_inputs(launches=False)``:
    missiles, sites, aim points and aim errors, profiles, performance factors; and the look
    interval), else flown anew; launch times, counts and spacings only place those flights on
    the look grid (``truth.retime``).  Each other part is reused only while what it depends on
    is unchanged: radar models (radars with their losses and noise, detection convention, and
    the missiles per group that weigh a boresight toward the launch points), radar plans (those
    and the threats, whose cross-section and Swerling case set each look's SNR, and launch
    times), battery plans (batteries)."""
    from thaadsim.scenario.truth import flight_inputs, fly_threats, retime

    old = prepared.scenario
    if old == scenario:
        return prepared
    if (flight_inputs(old, launches=False) != flight_inputs(scenario, launches=False)
            or look_interval(scenario) != prepared.look_dt_s):
        return prepare(scenario)
    # the truth's groups carry their threat's spec (cross-section, Swerling case read by the radars)
    groups = retime(prepared.truth.groups, scenario)
    if flight_inputs(old) == flight_inputs(scenario):
        truth = replace(prepared.truth, groups=groups)
    else:  # the same flights, launched at other times
        truth = fly_threats(scenario, prepared.look_dt_s, groups=groups)
        truth.states.setflags(write=False)
    same_radars = (old.radars == scenario.radars and old.detection == scenario.detection
                   and [t.count for t in old.threats] == [t.count for t in scenario.threats])
    models = prepared.radar_models if same_radars else tuple(
        build_radar(i, spec, scenario, truth) for i, spec in enumerate(scenario.radars))
    radar_plans = (prepared.radar_plans if same_radars and old.threats == scenario.threats
                   else tuple(plan_radar(m, truth) for m in models))
    battery_plans = (prepared.battery_plans if old.batteries == scenario.batteries
                     else tuple(plan_battery(i, spec) for i, spec in enumerate(scenario.batteries)))
    # the figures come from the flights alone
    return PreparedScenario(scenario, prepared.look_dt_s, truth, models, radar_plans, battery_plans, prepared.figures)


def simulate_prepared(prepared: PreparedScenario, seed: int, progress=None, *,
                      story: bool = True) -> tuple[ScenarioTruth, list[RadarRun], list[BatteryRun]]:
    """Steps 2-4 of the module doc on a prepared truth: everything drawn from ``seed``
    (``story=False``: for a score alone - see :func:`engage`; the same draws and outcomes)."""
    scenario, truth = prepared.scenario, prepared.truth
    rng = np.random.default_rng(seed)
    radar_plans = prepared.radar_plans or (None,) * len(scenario.radars)
    battery_plans = prepared.battery_plans or (None,) * len(scenario.batteries)
    radar_runs: dict[str, RadarRun] = {}
    for radar, model, radar_plan in zip(scenario.radars, prepared.radar_models, radar_plans, strict=True):
        if progress:
            progress(f"radar {radar.name}: measuring and tracking")
        radar_runs[radar.name] = observe(model, radar.name, truth, scenario, rng, radar_plan)
    battery_runs = []
    for i, (battery, battery_plan) in enumerate(zip(scenario.batteries, battery_plans, strict=True)):
        if progress:
            progress(f"battery {battery.name}: fire control")
        battery_runs.append(engage(i, battery, radar_runs[battery.radar], truth, rng, battery_plan, story=story))
    return truth, list(radar_runs.values()), battery_runs


def simulate(scenario: Scenario, seed: int, progress=None) -> tuple[ScenarioTruth, list[RadarRun], list[BatteryRun]]:
    """Steps 1-4 of the module doc."""
    return simulate_prepared(prepare(scenario, progress), seed, progress)


def run_replica(prepared: PreparedScenario, seed: int):
    """One replica of a prepared scenario: its outcomes, without the drawings (coverage,
    footprints) or the sweep - the unit of work of a Monte Carlo study.  Equal to
    ``run_scenario(scenario, seed, views=False)`` for a scenario without a sweep."""
    from thaadsim.scenario.outcomes import assemble

    seed = int(seed)
    return assemble(prepared.scenario, seed, *simulate_prepared(prepared, seed), views=False,
                    figures=prepared.figures or None)


def score_replica(prepared: PreparedScenario, seed: int):
    """:func:`run_replica`'s totals and per-threat outcomes alone (``outcomes.Score``), without
    the story a run tells (paths sampled for drawing, interceptors flown out, events): what a
    Monte Carlo study keeps of a run."""
    from thaadsim.scenario.outcomes import score

    return score(*simulate_prepared(prepared, int(seed), story=False), figures=prepared.figures or None)


def run_scenario(scenario: Scenario, seed: int | None = None, progress=None, *, views: bool = True,
                 plan: Plan | None = None):
    """The whole run (module doc); ``views`` adds radar coverage and defended footprints
    for the drawings.  A scenario with a ``sweep:`` block is a study: it runs through
    ``thaadsim.studies.sweep.run_with_sweep``, and is refused here.  ``plan``:
    :func:`preflight` of this scenario and seed, already made (its checks and flights are
    not repeated)."""
    from thaadsim.scenario.outcomes import assemble

    if scenario.sweep is not None:
        # one draw per salvo size would answer the saturation question by luck
        raise InputError("a scenario with a sweep block is a study - run it with `thaadsim run` "
                         "(or thaadsim.studies.sweep.run_with_sweep), or drop the block for one run",
                         field="sweep")
    seed = scenario.seed if seed is None else int(seed)
    if plan is not None and plan.groups:
        groups = list(plan.groups)
    else:
        if progress:
            progress("checking the scenario and its memory")
        _, groups = _preflight(scenario, seed, progress)
    truth, radar_runs, battery_runs = simulate_prepared(_prepare(scenario, progress, groups), seed, progress)
    if progress:
        progress("scoring shots and writing the story")
    result = assemble(scenario, seed, truth, radar_runs, battery_runs, views=views, progress=progress)
    return result


__all__ = ["BatteryPlan", "BatteryRun", "Plan", "PreparedScenario", "RadarPlan", "RadarRun", "TargetSamples",
           "look_interval", "plan_battery", "plan_radar", "prepare", "prepared_for", "preflight", "run_replica",
           "run_scenario", "score_replica", "simulate", "simulate_prepared"]
