"""Built-in analyses of what the Seongju radar sees: North Korean launches, Chinese ICBMs.

Each analysis aims a set of (missile, launch site, aim point) shots on
minimum-energy trajectories (``flight.batch_aim.aim_min_energy``, a batched solver), flies them all
in one call with samples at the radar's revisit interval, and runs
:func:`thaadsim.sensors.visibility.visibility` for each radar configuration and
cross-section.  Results are flat rows (kilometres and seconds in the field names)
plus the sampled paths, for tables and maps.

Every assumption is carried into the output: the radar's (``RadarModel.assumptions``),
the RCS models', the orientation of the face, and the approximations below.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

from thaadsim.catalog.loader import Location, resolve_location
from thaadsim.errors import InputError
from thaadsim.flight.batch_aim import AimedShots, Shot, aim_min_energy
from thaadsim.flight.engine import FlightOptions
from thaadsim.sensors.convention import DEFAULT_CONVENTION, DetectionConvention, resolve
from thaadsim.sensors.radar import RadarModel
from thaadsim.sensors.rcs import as_model, constant, default_model, default_rcs_m2, default_rcs_note
from thaadsim.sensors.visibility import SampledPaths, Visibility, boresight_toward_deg, visibility

# ----------------------------------------------------------------------------- analyses

SEONGJU = "seongju"

NK_SITES = ("tongchang-ri", "kusong", "sunan", "sinpo")
NK_TARGETS = {
    "scud-er": ("seoul", "pyeongtaek", "daegu", "busan"),
    "nodong": ("busan", "daegu", "mutsumi", "tokyo"),
    "hwasong-12": ("tokyo", "misawa", "kadena", "guam"),
}
CHINA_SITES = ("shenyang", "tonghua", "daqing", "delingha")
CHINA_MISSILES = ("df-31a", "df-41")
CHINA_TARGETS = ("anchorage", "honolulu", "guam", "seattle", "los-angeles", "washington")
CHINA_WEST_AZ_DEG = 300.0
"""'Pointed at China' face orientation [deg]: west-north-west from Seongju, toward
China's interior (Beijing lies at ~293 deg) — the re-pointing the article's critics
discuss; an assumption, changeable."""
WARHEAD_RCS_M2 = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0)
"""Warhead cross-sections the China question is answered across [m²]: from a reentry
vehicle nose-on (~0.001-0.01) to the 1 m² reference target of the radar calibration;
the published warhead-class range quotes imply ~0.04-0.3 m² with our preset
(``catalog/data/radars.yaml`` ``range_quotes``, ``thaadsim catalog radars``)."""
MAP_WARHEAD_RCS_M2 = default_rcs_m2("warhead")
"""Warhead cross-section the China map is drawn at [m²] (the table covers the band)."""
BOOSTER_RCS_M2 = default_rcs_m2("booster")
"""Booster cross-section of the China question [m²] (assumed; ``rcs.yaml`` ``rcs_defaults``)."""


@dataclass
class AnalysisResult:
    """Rows (one per shot × configuration), the aimed shots, per-config visibility, notes."""

    name: str
    rows: list[dict]
    shots: AimedShots
    configs: list[dict]
    visibility: dict[str, Visibility]
    radar_assumptions: dict[str, list[dict]]
    notes: list[str] = field(default_factory=list)
    site: Location | None = None
    convention: DetectionConvention = DEFAULT_CONVENTION

    def as_dict(self) -> dict:
        return {
            "analysis": self.name,
            "detection_convention": self.convention.as_dict(),
            "radar_site": {"label": self.site.label, "lat_deg": self.site.lat_deg, "lon_deg": self.site.lon_deg,
                           "alt_m": self.site.alt_m} if self.site else None,
            "configs": self.configs,
            "rows": self.rows,
            "shots": [_shot_row(self.shots, i) for i in range(len(self.shots.shots))],
            "radar_assumptions": self.radar_assumptions,
            "notes": self.notes,
        }


def _shot_row(a: AimedShots, i: int) -> dict:
    def num(x, scale=1.0):
        x = float(x)
        return x / scale if math.isfinite(x) else None

    s = a.shots[i]
    return {
        "missile": s.missile, "from": a.launch[i].label, "to": a.aim[i].label, "status": a.status[i],
        "distance_km": num(a.distance_m[i], 1e3), "max_range_km": num(a.max_range_m[i], 1e3),
        "azimuth_deg": num(a.azimuth_deg[i]), "kick_deg": num(a.kick_deg[i]),
        "burn_fraction": num(a.burn_fraction[i]), "miss_km": num(a.miss_m[i], 1e3),
    }


Progress = Callable[[int, "int | None", str], None]
"""``progress(done, total, label)``: told before each step (aiming, then each radar configuration)."""


def _tell(progress: Progress | None, done: int, total: int, label: str) -> None:
    if progress:
        progress(done, total, label)


def _radar(mode: str, site: Location, boresight_az_deg: float | None) -> RadarModel:
    return RadarModel.from_catalog("an-tpy-2", mode, site=site, boresight_az_deg=boresight_az_deg)


def _rows_for(result_rows: list, aimed: AimedShots, vis: Visibility | None, config: dict) -> None:
    """Append one row per shot for a configuration (unaimed shots get a status and nulls)."""
    pos = {int(i): j for j, i in enumerate(aimed.index)}
    for i, s in enumerate(aimed.shots):
        row = {"missile": s.missile, "from": aimed.launch[i].label, "to": aimed.aim[i].label, **config,
               "status": aimed.status[i]}
        if i in pos and vis is not None:
            j = pos[i]
            row.update(vis.trajectory_row(j))
            row.update(vis.row(j))
        else:
            row.update({"visible": None, "first_detection_time_s": None, "first_detection_altitude_km": None,
                        "first_detection_range_km": None, "visible_duration_s": None,
                        "min_visible_altitude_km": None, "max_visible_altitude_km": None, "intervals_s": []})
        result_rows.append(row)


def nk_launches(
    sites: tuple[str, ...] = NK_SITES,
    targets: dict[str, tuple[str, ...]] | None = None,
    *,
    modes: tuple[str, ...] = ("terminal", "forward-based"),
    boresight_az_deg: float | None = None,
    rcs=None,
    convention: DetectionConvention | None = None,
    swerling: int | None = None,
    pd_threshold: float | None = None,
    options: FlightOptions | None = None,
    progress: Progress | None = None,
) -> AnalysisResult:
    """North Korean launches toward South Korea and Japan seen from Seongju.

    One row per (missile, launch site, aim point, mode).  ``boresight_az_deg`` None
    takes the catalog's (toward Pyongyang from Seongju).  ``progress`` as in :data:`Progress`.
    """
    targets = NK_TARGETS if targets is None else targets
    conv = resolve(convention, pd_threshold=pd_threshold, swerling=swerling)
    shots = [Shot(m, s, t) for m, ts in targets.items() for s in sites for t in ts]
    site = resolve_location(SEONGJU, "--site")
    radars = {mode: _radar(mode, site, boresight_az_deg) for mode in modes}
    dt = min(r.revisit_s for r in radars.values())
    _tell(progress, 0, len(radars) + 1, f"aiming {len(shots)} flights")
    aimed = aim_min_energy(shots, options, sample_dt_s=dt)
    model = as_model(rcs) if rcs is not None else default_model("warhead")
    rows: list[dict] = []
    vis_by: dict[str, Visibility] = {}
    configs = []
    paths = SampledPaths.from_flight(aimed.flight) if aimed.flight is not None else None
    for done, (mode, radar) in enumerate(radars.items()):
        _tell(progress, done + 1, len(radars) + 1, f"{mode}: what the radar sees")
        az = math.degrees(radar.face_az_rad[0])
        config = {"mode": mode, "boresight_az_deg": az, "rcs": model.key if model.constant_m2 is None else
                  f"{model.constant_m2:g} m^2"}
        configs.append({**config, "boresight_note": "catalog orientation: toward Pyongyang from Seongju (assumed)"
                        if boresight_az_deg is None else "set by the user", "rcs_model": model.describe()})
        vis = visibility(aimed.flight, radar, model, convention=conv,
                         paths=paths) if aimed.flight is not None else None
        if vis is not None:
            vis_by[mode] = vis
        _rows_for(rows, aimed, vis, config)
    _tell(progress, len(radars) + 1, len(radars) + 1, "done")
    bearings = {s: boresight_toward_deg(site.lat_deg, site.lon_deg, loc.lat_deg, loc.lon_deg)
                for s, loc in ((s, resolve_location(s, "--from")) for s in sites)}
    notes = [
        "minimum-energy trajectories; batched aiming to within 100 m of the aim point",
        "azimuths from Seongju to the launch sites [deg]: " + ", ".join(f"{k} {v:.1f}" for k, v in bearings.items()),
        f"criterion: {conv.describe()}",
        *next(iter(vis_by.values())).notes,
    ] if vis_by else [f"criterion: {conv.describe()}"]
    return AnalysisResult("nk-launches", rows, aimed, configs, vis_by,
                          {m: r.assumptions_table() for m, r in radars.items()}, notes, site, conv)


def china_icbm(
    sites: tuple[str, ...] = CHINA_SITES,
    missiles: tuple[str, ...] = CHINA_MISSILES,
    targets: tuple[str, ...] = CHINA_TARGETS,
    *,
    modes: tuple[str, ...] = ("terminal", "forward-based"),
    china_az_deg: float = CHINA_WEST_AZ_DEG,
    warhead_rcs_m2: tuple[float, ...] = WARHEAD_RCS_M2,
    booster_rcs_m2: float = BOOSTER_RCS_M2,
    convention: DetectionConvention | None = None,
    swerling: int | None = None,
    pd_threshold: float | None = None,
    options: FlightOptions | None = None,
    progress: Progress | None = None,
) -> AnalysisResult:
    """Chinese ICBM flights from bases in the catalog toward US targets: any part seen?

    Configurations: face toward North Korea as deployed (the catalog's 327°) and face
    pointed at China (``china_az_deg``, 300° by default); terminal and forward-based
    modes; warhead cross-sections ``warhead_rcs_m2`` over the whole path, and the
    booster ``booster_rcs_m2`` (powered stack, then the spent stage on the RV's path).
    :func:`rcs_band_table` condenses the rows to warhead RCS × mode → seen or not.
    ``progress`` as in :data:`Progress`.
    """
    conv = resolve(convention, pd_threshold=pd_threshold, swerling=swerling)
    if not warhead_rcs_m2:
        raise InputError("no warhead cross-section given", field="--warhead-rcs-m2", hint="e.g. 0.01,0.1,1")
    for v in (*warhead_rcs_m2, booster_rcs_m2):
        if not (math.isfinite(v) and v > 0):
            raise InputError(f"radar cross-section {v:g} m^2 must be > 0", field="--rcs-m2")
    if not math.isfinite(china_az_deg):
        raise InputError("not a finite number", field="--china-az-deg")
    shots = [Shot(m, s, t) for m in missiles for s in sites for t in targets]
    site = resolve_location(SEONGJU, "--site")
    orientations = [
        ("toward North Korea (as deployed)", None,
         "catalog orientation, toward Pyongyang from Seongju (327°, assumed: the real one is not published)"),
        ("toward China (west)", float(china_az_deg) % 360.0,
         f"face re-pointed west-north-west at {china_az_deg % 360.0:g}° toward China's interior (assumed)"),
    ]
    radars = {}
    for oname, az, _ in orientations:
        for mode in modes:
            radars[(oname, mode)] = _radar(mode, site, az)
    dt = min(r.revisit_s for r in radars.values())
    steps = len(radars) * (len(warhead_rcs_m2) + 1)
    _tell(progress, 0, steps + 1, f"aiming {len(shots)} flights")
    aimed = aim_min_energy(shots, options, sample_dt_s=dt)
    paths = SampledPaths.from_flight(aimed.flight) if aimed.flight is not None else None
    objects = [(f"warhead {v:g} m^2", constant(v, note="warhead RCS over the whole path")) for v in warhead_rcs_m2]
    objects.append((f"booster {booster_rcs_m2:g} m^2",
                    constant(booster_rcs_m2, note="booster stack in powered flight, then the spent stage taken on the "
                             "RV's path (separation ΔV and breakup neglected)"
                             + (f"; {default_rcs_note('booster')}" if booster_rcs_m2 == BOOSTER_RCS_M2 else ""))))
    rows: list[dict] = []
    vis_by: dict[str, Visibility] = {}
    configs = []
    for (oname, mode), radar in radars.items():
        onote = next(n for o, _, n in orientations if o == oname)
        for obj, model in objects:
            _tell(progress, len(configs) + 1, steps + 1, f"{oname} | {mode} | {obj}")
            config = {"orientation": oname, "boresight_az_deg": math.degrees(radar.face_az_rad[0]), "mode": mode,
                      "object": obj, "rcs_m2": model.constant_m2}
            configs.append({**config, "orientation_note": onote, "rcs_note": model.note})
            vis = visibility(aimed.flight, radar, model, convention=conv,
                             paths=paths) if aimed.flight is not None else None
            if vis is not None:
                vis_by[f"{oname} | {mode} | {obj}"] = vis
            _rows_for(rows, aimed, vis, config)
    _tell(progress, steps + 1, steps + 1, "done")
    bearings = {s: boresight_toward_deg(site.lat_deg, site.lon_deg, loc.lat_deg, loc.lon_deg)
                for s, loc in ((s, resolve_location(s, "--from")) for s in sites)}
    notes = [
        "minimum-energy trajectories; batched aiming to within 100 m of the aim point",
        "azimuths from Seongju to the launch bases [deg]: " + ", ".join(f"{k} {v:.1f}" for k, v in bearings.items()),
        "launch bases are city-centre coordinates of reported brigade areas, not launch points",
        f"criterion: {conv.describe()}",
    ]
    if vis_by:
        notes += list(next(iter(vis_by.values())).notes)
    return AnalysisResult("china-icbm", rows, aimed, configs, vis_by,
                          {f"{o} | {m}": r.assumptions_table() for (o, m), r in radars.items()}, notes, site, conv)


def rcs_band_table(result: AnalysisResult) -> list[dict]:
    """China ICBM rows condensed: per (orientation, mode, warhead RCS), how many flights are
    seen, the earliest first detection after launch and the longest time in view, with
    each flight's figures (first detection [s after launch], seconds detectable)."""
    cells: dict[tuple, dict] = {}
    for r in result.rows:
        if not str(r.get("object", "")).startswith("warhead") or r["status"] != "ok":
            continue
        key = (r["orientation"], r["mode"], r["rcs_m2"])
        c = cells.setdefault(key, {"orientation": r["orientation"], "mode": r["mode"], "rcs_m2": r["rcs_m2"],
                                   "flights": 0, "flights_seen": 0, "flights_detail": []})
        c["flights"] += 1
        seen = bool(r["visible"])
        c["flights_seen"] += seen
        c["flights_detail"].append({"missile": r["missile"], "from": r["from"], "to": r["to"], "seen": seen,
                                    "first_detection_time_s": r["first_detection_time_s"],
                                    "visible_duration_s": r["visible_duration_s"] if seen else 0.0})
    out = []
    for c in cells.values():
        seen = [f for f in c["flights_detail"] if f["seen"]]
        c["earliest_first_detection_s"] = min((f["first_detection_time_s"] for f in seen), default=None)
        c["longest_in_view_s"] = max((f["visible_duration_s"] for f in seen), default=0.0)
        out.append(c)
    return out


__all__ = [
    "AimedShots",
    "AnalysisResult",
    "Shot",
    "aim_min_energy",
    "china_icbm",
    "nk_launches",
    "rcs_band_table",
]
