"""The assumptions of a run, each with its source: model choices, catalog numbers, file defaults."""

from __future__ import annotations

import dataclasses

from thaadsim.defense.firecontrol import DEFAULT_ASSET_RADIUS_M, DEFAULT_COMMIT_DELAY_S, IMPACT_STEP_S
from thaadsim.scenario.result import Assumption
from thaadsim.sensors.rcs import default_rcs_note
from thaadsim.tracking.scenario_track import DEFAULT_RCS_M2

MODEL = "thaadsim model choice (named approximation)"

SCENARIO_FILE = "scenario-file"
"""Check status of a value the scenario file gives (no document behind it to check)."""

MODEL_CHOICES = (
    "truth: each threat group steered once and flown by the flight engine (Dormand-Prince 5(4), WGS-84 with J2, "
    "rotating Earth, US Standard Atmosphere 1976 drag); the missiles of a group are identical copies launched "
    "spacing_s apart (no launch dispersion)",
    "after the final burnout the reentry vehicle flies on; the spent booster is not flown (no booster or debris "
    "objects for the radars)",
    "each radar measures every missile at every look (1 s revisit) with SNR-dependent noise and exact detection "
    "draws; false alarms fall in the sector around the part of the threats' flight the radar can see",
    "one tracker per radar (EKF, GNN, ballistic model with J2 and drag); radars do not share tracks (no fusion)",
    "each battery fires only on its own radar's confirmed tracks, never on truth; batteries do not coordinate, "
    "so two batteries may shoot at the same missile",
    f"threat evaluation flies each track's sigma points to the ground in RK4 steps of {IMPACT_STEP_S:g} s (the "
    "tracker's model steps 1 s; on korea-salvo the predicted impact points lie within 0.1 m of a 0.1 s step, "
    "against CEPs of kilometres)",
    "a missile is intercepted by the earliest killing shot at a track that follows it; later shots at it find no "
    "target; shots at false tracks kill nothing; every missile not intercepted reaches the ground (leaks)",
)


GROUPS = ("threats", "sites", "radar", "battery", "interceptor", "model choices")
"""The groups of the assumption table, in the order the report shows them."""


def _fmt(v) -> str:
    return f"{v:g}" if isinstance(v, float) else str(v)


def _sourced_catalog_rows(battery_key: str, listed: set[str]) -> list[Assumption]:
    """The published (not assumed) figures of a catalog battery and its interceptor, each with
    its check; the assumed ones are already among the battery's own assumptions."""
    from thaadsim.catalog.interceptors import battery, interceptor
    from thaadsim.catalog.records import sourced_values

    rows = []
    rec = battery(battery_key)
    for record in (rec, interceptor(rec.interceptor)):
        if record.key in listed:
            continue
        listed.add(record.key)
        group = "battery" if record is rec else "interceptor"
        for name, v in sourced_values(record):
            if not v.assumed:
                text = f"{record.key}: {name} = {_fmt(v.value)}" + (f" ({v.note})" if v.note else "")
                rows.append(Assumption(text, v.source, False, v.check_status, group))
    return rows


def _site_rows(scenario) -> list[Assumption]:
    """The catalog positions the scenario names (launch and aim points, radar and battery sites,
    defended assets), each coordinate with its source and check; typed coordinates are the file's."""
    from thaadsim.catalog.loader import normalise_key, sites

    if scenario is None:
        return []
    assets = {a.name for b in scenario.batteries for a in b.assets}
    # an aim point that names a defended asset is that asset's position, listed below
    texts = [threat.from_ for threat in scenario.threats] + [t.to for t in scenario.threats if t.to not in assets]
    texts += [r.site for r in scenario.radars]
    texts += [b.site for b in scenario.batteries] + [a.at for b in scenario.batteries for a in b.assets]
    table = sites()
    rows = []
    for key in dict.fromkeys(normalise_key(t) for t in texts):
        if key not in table:
            continue
        for name, v in (("lat_deg", table[key].lat_deg), ("lon_deg", table[key].lon_deg), ("alt_m", table[key].alt_m)):
            text = f"site {key}: {name} = {_fmt(v.value)}" + (f" ({v.note})" if v.note else "")
            rows.append(Assumption(text, v.source, bool(v.assumed), v.check_status, "sites"))
    return rows


def run_assumptions(scenario, truth, radar_runs, battery_runs) -> list[Assumption]:
    from thaadsim.catalog.loader import missile, source_status
    from thaadsim.catalog.records import UNREGISTERED, sourced_values

    def given(default: bool) -> str:
        return "assumed" if default else SCENARIO_FILE

    out = [Assumption(text, MODEL, check="internal", group="model choices") for text in MODEL_CHOICES]
    out.extend(_site_rows(scenario))
    for key in dict.fromkeys(g.missile for g in truth.groups):
        for name, v in sourced_values(missile(key)):
            text = f"{key}: {name} = {_fmt(v.value)}" + (f" ({v.note})" if v.note else "")
            out.append(Assumption(text, v.source, bool(v.assumed), v.check_status, "threats"))
    for g in truth.groups:
        default = g.spec.rcs_m2 == DEFAULT_RCS_M2
        out.append(Assumption(
            f"{g.label}: radar cross-section {g.spec.rcs_m2:g} m^2, Swerling {g.spec.swerling}, constant in flight",
            default_rcs_note("reference-target") if default else "scenario file", default,
            given(default), "threats"))
    for rr in radar_runs:
        for row in rr.model.assumptions_table():
            text = f"radar {rr.name}: {row['name']} = {_fmt(row['value'])}" + (f" ({row['note']})" if row.get("note")
                                                                               else "")
            check = source_status(row["source"], bool(row["assumed"]))
            # a radar figure that is not the catalog's is the scenario's override (the radar room
            # labels it as set by the user)
            out.append(Assumption(text, row["source"], bool(row["assumed"]),
                                  SCENARIO_FILE if check == UNREGISTERED else check, "radar"))
    listed: set[str] = set()
    start = len(out)
    for br in battery_runs:
        spec, b = br.spec, br.battery
        p_kill = b.interceptor.sspk if spec.sspk is None else spec.sspk
        from_file = spec.interceptors is not None or spec.sspk is not None
        out.append(Assumption(
            f"battery {br.name}: {b.inventory} interceptors on {b.launchers} launchers, doctrine {spec.doctrine}, "
            f"kill model {spec.kill_model}, SSPK {p_kill:g}, reload {b.reload_s:g} s",
            "scenario file" if from_file else f"catalog {spec.battery} (see the rows below)",
            # the catalog figures of this summary carry their own checks in the rows below
            check=SCENARIO_FILE if from_file else "internal"))
        for text in b.assumptions:
            out.append(Assumption(f"battery {br.name}: {text}", "catalog (value marked assumed)", True, "assumed"))
        out.extend(_sourced_catalog_rows(spec.battery, listed))
        default_delay = spec.commit_delay_s == DEFAULT_COMMIT_DELAY_S
        out.append(Assumption(f"battery {br.name}: fire control decides {spec.commit_delay_s:g} s after a track's "
                              "confirmation; the plan is not revised",
                              "ASSUMED default" if default_delay else "scenario file", default_delay,
                              given(default_delay)))
        for a in br.assets:
            default = a.radius_m == DEFAULT_ASSET_RADIUS_M
            out.append(Assumption(f"battery {br.name}: defends {a.name}, radius {a.radius_m / 1e3:g} km",
                                  "ASSUMED default radius" if default else "scenario file", default, given(default)))
    # the battery's own rows (the interceptor's catalog rows carry their group already)
    out[start:] = [r if r.group else dataclasses.replace(r, group="battery") for r in out[start:]]
    uncertainty = getattr(scenario, "uncertainty", None)
    for p in uncertainty.parameters if uncertainty is not None else ():
        out.append(Assumption(f"{p.path}: the file gives {p.dist.describe()}; this run flies its nominal value "
                              f"{_fmt(p.dist.nominal)} (`thaadsim montecarlo` draws it, one value per run)",
                              "scenario file", False, SCENARIO_FILE, group="model choices"))
    return out


__all__ = ["GROUPS", "MODEL_CHOICES", "SCENARIO_FILE", "run_assumptions"]
