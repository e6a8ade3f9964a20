"""Built-in analyses of what the Seongju radar sees: North Korean launches, Chinese ICBMs.

Each analysis aims a set of (missile, launch site, aim point) shots on
minimum-energy trajectories (:func:`aim_min_energy`, a batched solver), flies them all
in one call with samples at the radar's revisit interval, and runs
:func:`thaadsim.sensors.visibility.visibility` for each radar configuration and
cross-section.  Results are flat rows (kilometres and seconds in the field names)
plus the sampled paths, for tables and maps.

Every assumption is carried into the output: the radar's (``RadarModel.assumptions``),
the RCS models', the orientation of the face, and the approximations below.

* **Batched minimum-energy aiming** — :func:`aim_min_energy` finds, for every shot at
  once, the launch azimuth, pitch-over kick and last-stage burn fraction of the
  minimum-energy flight (the range-maximising kick, with just enough burn to reach the
  aim point), as ``flight.targeting.solve(..., profile='min-energy')`` does one shot at
  a time: a coarse (burn fraction × kick) grid flown at a loose tolerance gives the
  maximum range and its kick for each burn; Newton steps on the burn fraction and
  secant steps on the azimuth (the Earth's rotation bends the ground track) then bring
  the impact within ``MISS_TOLERANCE_M`` of the aim point at the engine's full
  tolerance; the kick is polished by a parabola through three flights.  The
  validation test compares it with ``solve``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from thaadsim.catalog.loader import Location, missile as catalog_missile, resolve_location
from thaadsim.earth import frames
from thaadsim.errors import InputError
from thaadsim.flight.engine import FlightBatch, FlightOptions, fly
from thaadsim.flight.vehicle import Vehicle
from thaadsim.sensors.radar import RadarModel
from thaadsim.sensors.rcs import as_model, constant
from thaadsim.sensors.visibility import SampledPaths, Visibility, boresight_toward_deg, visibility

MISS_TOLERANCE_M = 100.0
"""Impact miss the batched aiming iterates down to [m] (as ``flight.targeting``)."""
F_GRID = np.array([0.02, 0.05, 0.1, 0.2, 0.3, 0.4, 0.55, 0.7, 0.85, 1.0])
"""Burn fractions of the coarse grid (last stage)."""
K_GRID_DEG = np.linspace(8.0, 66.0, 12)
"""Pitch-over kicks of the coarse grid [deg]."""
GRID_RTOL = 1e-7
"""Integrator tolerance of the coarse grid (the refinement uses the full one)."""


# ----------------------------------------------------------------------------- aiming


@dataclass(frozen=True)
class Shot:
    """One launch: catalog missile key, launch-site and aim-point keys (or 'LAT,LON')."""

    missile: str
    origin: str
    target: str


@dataclass
class AimedShots:
    """Steering of each shot (P,) and the sampled flight of those that were aimed.

    ``status[i]`` is 'ok', 'out of range', 'too short for a minimum-energy flight' or
    'not converged'; ``flight`` holds the 'ok' shots only, row j ↔ shot ``index[j]``.
    """

    shots: list[Shot]
    launch: list[Location]
    aim: list[Location]
    status: list[str]
    distance_m: np.ndarray
    max_range_m: np.ndarray
    azimuth_deg: np.ndarray
    kick_deg: np.ndarray
    burn_fraction: np.ndarray
    miss_m: np.ndarray
    index: np.ndarray
    flight: FlightBatch | None


def _fly(vehicles, lat, lon, alt, az, kick, frac, options, sample_dt_s=None) -> FlightBatch:
    return fly(list(vehicles), lat, lon, alt, np.mod(az, 360.0), kick, frac, options, sample_dt_s=sample_dt_s)


def _impact_errors(batch: FlightBatch, az0, aim_lat, aim_lon, earth):
    """(downrange [m], azimuth error [deg], miss [m]) of each flight; NaN where it failed."""
    lat, lon = batch.impact_lat_lon_deg
    ok = batch.ok & np.isfinite(lat)
    miss = np.full(len(batch), np.nan)
    err = np.full(len(batch), np.nan)
    if ok.any():
        miss[ok] = frames.geodesic_inverse(lat[ok], lon[ok], aim_lat[ok], aim_lon[ok], earth=earth)[2]
        err[ok] = (az0[ok] - batch.impact_azimuth_deg[ok] + 540.0) % 360.0 - 180.0
    rng = np.where(ok, batch.downrange_m, 0.0)
    return rng, err, miss


def aim_min_energy(shots: list[Shot], options: FlightOptions | None = None, sample_dt_s: float | None = 1.0,
                   max_iterations: int = 25) -> AimedShots:
    """Minimum-energy steering for every shot at once, then one sampled flight of them all."""
    options = options or FlightOptions()
    if not shots:
        raise InputError("no shots to aim", field="shots")
    vehicles_by_key: dict[str, Vehicle] = {}
    launch, aim, veh = [], [], []
    for s in shots:
        key = catalog_missile(s.missile, field="--missile").key
        if key not in vehicles_by_key:
            vehicles_by_key[key] = Vehicle.from_missile(catalog_missile(key))
        veh.append(vehicles_by_key[key])
        launch.append(resolve_location(s.origin, "--from"))
        aim.append(resolve_location(s.target, "--to"))
    p = len(shots)
    lat0 = np.array([x.lat_deg for x in launch])
    lon0 = np.array([x.lon_deg for x in launch])
    alt0 = np.array([x.alt_m for x in launch])
    lat1 = np.array([x.lat_deg for x in aim])
    lon1 = np.array([x.lon_deg for x in aim])
    az0, _, dist = frames.geodesic_inverse(lat0, lon0, lat1, lon1, earth=options.earth)
    az0 = np.atleast_1d(az0).astype(float)
    dist = np.atleast_1d(dist).astype(float)
    status = ["ok"] * p
    for i in np.flatnonzero(dist < 1e3):
        raise InputError(f"shot {shots[i]}: the aim point lies within 1 km of the launch point", field="--to")

    # --- coarse grid: maximum range and its kick for each burn fraction ------------------------
    nf, nk = len(F_GRID), len(K_GRID_DEG)
    rep = nf * nk
    ff = np.tile(np.repeat(F_GRID, nk), p)
    kk = np.tile(np.tile(K_GRID_DEG, nf), p)
    gv = [v for v in veh for _ in range(rep)]
    coarse = FlightOptions(earth=options.earth, rotation=options.rotation, drag=options.drag, rtol=GRID_RTOL,
                           t_max_s=options.t_max_s, max_step_s=options.max_step_s)
    g = _fly(gv, np.repeat(lat0, rep), np.repeat(lon0, rep), np.repeat(alt0, rep), np.repeat(az0, rep), kk, ff,
             coarse)
    rng = np.where(g.ok, g.downrange_m, 0.0).reshape(p, nf, nk)
    j = np.argmax(rng, axis=2)
    r_mid = np.take_along_axis(rng, j[..., None], axis=2)[..., 0]
    jl = np.clip(j - 1, 0, nk - 1)
    jr = np.clip(j + 1, 0, nk - 1)
    r_l = np.take_along_axis(rng, jl[..., None], axis=2)[..., 0]
    r_r = np.take_along_axis(rng, jr[..., None], axis=2)[..., 0]
    h = K_GRID_DEG[1] - K_GRID_DEG[0]
    denom = r_l - 2.0 * r_mid + r_r
    interior = (j > 0) & (j < nk - 1) & (denom < 0.0) & (r_l > 0) & (r_r > 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        shift = np.where(interior, 0.5 * h * (r_l - r_r) / denom, 0.0)
        r_star = np.where(interior, r_mid - 0.25 * (r_l - r_r) * shift / h, r_mid)
    k_star = K_GRID_DEG[j] + np.clip(shift, -h, h)  # (p, nf)
    r_max = r_star[:, -1]

    f = np.full(p, np.nan)
    slope = np.full(p, np.nan)
    for i in range(p):
        rs = np.maximum.accumulate(r_star[i])  # range grows with the burn: enforce it on the coarse values
        if dist[i] > rs[-1] * (1.0 + 2e-3):
            status[i] = "out of range"
            continue
        flies = rs > 0.0
        if not flies.any() or dist[i] < rs[flies][0]:
            status[i] = "too short for a minimum-energy flight"
            continue
        jj = int(np.searchsorted(rs, dist[i]))
        jj = min(max(jj, 1), nf - 1)
        f0, f1, r0, r1 = F_GRID[jj - 1], F_GRID[jj], rs[jj - 1], rs[jj]
        f[i] = f0 + (f1 - f0) * (dist[i] - r0) / (r1 - r0) if r1 > r0 else f1
        slope[i] = (r1 - r0) / (f1 - f0) if r1 > r0 else np.nan

    def kick_of(i_idx, frac, kshift):
        return np.array([np.interp(fr, F_GRID, k_star[i]) for i, fr in zip(i_idx, frac, strict=True)]) + kshift

    active = np.array([s == "ok" for s in status])
    idx = np.flatnonzero(active)
    az = az0.copy()
    kshift = np.zeros(p)
    miss = np.full(p, np.nan)

    def refine(idx):
        """Newton on the burn fraction, secant on the azimuth; returns the converged mask."""
        done = np.zeros(p, dtype=bool)
        prev = {}  # i -> (az, err)
        for _ in range(max_iterations):
            todo = idx[~done[idx]]
            if len(todo) == 0:
                break
            df = np.where(f[todo] + 1e-3 <= 1.0, 1e-3, -1e-3)
            k0 = kick_of(todo, f[todo], kshift[todo])
            k1 = kick_of(todo, f[todo] + df, kshift[todo])
            both = np.concatenate([todo, todo])
            b = _fly([veh[i] for i in both], lat0[both], lon0[both], alt0[both], np.concatenate([az[todo]] * 2),
                     np.concatenate([k0, k1]), np.concatenate([f[todo], f[todo] + df]), options)
            rr, err, ms = _impact_errors(b, az0[both], lat1[both], lon1[both], options.earth)
            m = len(todo)
            r0, r1, e0, m0 = rr[:m], rr[m:], err[:m], ms[:m]
            for q, i in enumerate(todo):
                miss[i] = m0[q]
                if np.isfinite(m0[q]) and m0[q] < MISS_TOLERANCE_M:
                    done[i] = True
                    continue
                d_r = (r1[q] - r0[q]) / df[q]
                if not (np.isfinite(d_r) and d_r > 0):
                    d_r = slope[i] if np.isfinite(slope[i]) and slope[i] > 0 else dist[i]
                step = (dist[i] - r0[q]) / d_r
                f[i] = float(np.clip(f[i] + np.clip(step, -0.2, 0.2), 1e-3, 1.0))
                if np.isfinite(e0[q]):
                    if i in prev and prev[i][1] != e0[q] and abs(prev[i][1] - e0[q]) > 1e-12:
                        a1, e1 = prev[i]
                        new = az[i] - e0[q] * (az[i] - a1) / (e0[q] - e1)
                    else:
                        new = az[i] + e0[q]
                    prev[i] = (az[i], e0[q])
                    az[i] = new
        return done

    done = refine(idx)
    # --- polish the kick: a parabola through three flights at the converged burn -------------
    if len(idx):
        dk = 1.5
        kc = kick_of(idx, f[idx], kshift[idx])
        three = np.concatenate([idx] * 3)
        b = _fly([veh[i] for i in three], lat0[three], lon0[three], alt0[three], np.concatenate([az[idx]] * 3),
                 np.concatenate([kc - dk, kc, kc + dk]), np.concatenate([f[idx]] * 3), options)
        rr = np.where(b.ok, b.downrange_m, np.nan).reshape(3, -1)
        den = rr[0] - 2 * rr[1] + rr[2]
        with np.errstate(invalid="ignore", divide="ignore"):
            sh = np.where(np.isfinite(den) & (den < 0), 0.5 * dk * (rr[0] - rr[2]) / den, 0.0)
        kshift[idx] += np.clip(sh, -dk, dk)
        done = refine(idx)
    for i in idx:
        if not done[i]:
            status[i] = "out of range" if f[i] >= 1.0 and dist[i] > r_max[i] * 0.99 else "not converged"
    okm = np.array([s == "ok" for s in status])
    ok_idx = np.flatnonzero(okm)
    kick = np.full(p, np.nan)
    if len(ok_idx):
        kick[ok_idx] = kick_of(ok_idx, f[ok_idx], kshift[ok_idx])
    flight = None
    if len(ok_idx):
        flight = _fly([veh[i] for i in ok_idx], lat0[ok_idx], lon0[ok_idx], alt0[ok_idx], az[ok_idx], kick[ok_idx],
                      f[ok_idx], options, sample_dt_s=sample_dt_s)
        _, _, ms = _impact_errors(flight, az0[ok_idx], lat1[ok_idx], lon1[ok_idx], options.earth)
        miss[ok_idx] = ms
    frac = np.where(okm, f, np.nan)
    return AimedShots(shots, launch, aim, status, dist, r_max, np.where(okm, np.mod(az, 360.0), np.nan), kick,
                      frac, np.where(okm, miss, np.nan), ok_idx, flight)


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
WARHEAD_RCS_M2 = (0.01, 0.1, 1.0)
BOOSTER_RCS_M2 = 10.0


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

    def as_dict(self) -> dict:
        return {
            "analysis": self.name,
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
    rcs=0.1,
    swerling: int = 1,
    pd_threshold: float = 0.5,
    options: FlightOptions | None = None,
) -> AnalysisResult:
    """North Korean launches toward South Korea and Japan seen from Seongju.

    One row per (missile, launch site, aim point, mode).  ``boresight_az_deg`` None
    takes the catalog's (toward Pyongyang from Seongju).
    """
    targets = NK_TARGETS if targets is None else targets
    shots = [Shot(m, s, t) for m, ts in targets.items() for s in sites for t in ts]
    site = resolve_location(SEONGJU, "--site")
    radars = {mode: _radar(mode, site, boresight_az_deg) for mode in modes}
    dt = min(r.revisit_s for r in radars.values())
    aimed = aim_min_energy(shots, options, sample_dt_s=dt)
    model = as_model(rcs)
    rows: list[dict] = []
    vis_by: dict[str, Visibility] = {}
    configs = []
    paths = SampledPaths.from_flight(aimed.flight) if aimed.flight is not None else None
    for mode, radar in radars.items():
        az = math.degrees(radar.face_az_rad[0])
        config = {"mode": mode, "boresight_az_deg": az, "rcs": model.key if model.constant_m2 is None else
                  f"{model.constant_m2:g} m^2"}
        configs.append({**config, "boresight_note": "catalog orientation: toward Pyongyang from Seongju (assumed)"
                        if boresight_az_deg is None else "set by the user", "rcs_model": model.describe()})
        vis = visibility(aimed.flight, radar, model, swerling=swerling, pd_threshold=pd_threshold,
                         paths=paths) if aimed.flight is not None else None
        if vis is not None:
            vis_by[mode] = vis
        _rows_for(rows, aimed, vis, config)
    bearings = {s: boresight_toward_deg(site.lat_deg, site.lon_deg, loc.lat_deg, loc.lon_deg)
                for s, loc in ((s, resolve_location(s, "--from")) for s in sites)}
    notes = [
        "minimum-energy trajectories; batched aiming (sensors/analyses.py) to within 100 m of the aim point",
        "azimuths from Seongju to the launch sites [deg]: " + ", ".join(f"{k} {v:.1f}" for k, v in bearings.items()),
        f"criterion: single-look Pd ≥ {pd_threshold:g}, Swerling {swerling}",
        *next(iter(vis_by.values())).notes,
    ] if vis_by else []
    return AnalysisResult("nk-launches", rows, aimed, configs, vis_by,
                          {m: r.assumptions_table() for m, r in radars.items()}, notes, site)


def china_icbm(
    sites: tuple[str, ...] = CHINA_SITES,
    missiles: tuple[str, ...] = CHINA_MISSILES,
    targets: tuple[str, ...] = CHINA_TARGETS,
    *,
    modes: tuple[str, ...] = ("terminal", "forward-based"),
    china_az_deg: float = CHINA_WEST_AZ_DEG,
    warhead_rcs_m2: tuple[float, ...] = WARHEAD_RCS_M2,
    booster_rcs_m2: float = BOOSTER_RCS_M2,
    swerling: int = 1,
    pd_threshold: float = 0.5,
    options: FlightOptions | None = None,
) -> AnalysisResult:
    """Chinese ICBM flights from bases in the catalog toward US targets: any part seen?

    Configurations: face toward North Korea as deployed (the catalog's 327°) and face
    pointed at China (``china_az_deg``, 300° by default); terminal and forward-based
    modes; warhead cross-sections ``warhead_rcs_m2`` over the whole path, and the
    booster ``booster_rcs_m2`` (powered stack, then the spent stage on the RV's path).
    """
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
    aimed = aim_min_energy(shots, options, sample_dt_s=dt)
    paths = SampledPaths.from_flight(aimed.flight) if aimed.flight is not None else None
    objects = [(f"warhead {v:g} m^2", constant(v, note="warhead RCS over the whole path")) for v in warhead_rcs_m2]
    objects.append((f"booster {booster_rcs_m2:g} m^2",
                    constant(booster_rcs_m2, note="booster stack in powered flight, then the spent stage taken on the "
                             "RV's path (separation ΔV and breakup neglected)")))
    rows: list[dict] = []
    vis_by: dict[str, Visibility] = {}
    configs = []
    for (oname, mode), radar in radars.items():
        onote = next(n for o, _, n in orientations if o == oname)
        for obj, model in objects:
            config = {"orientation": oname, "boresight_az_deg": math.degrees(radar.face_az_rad[0]), "mode": mode,
                      "object": obj, "rcs_m2": model.constant_m2}
            configs.append({**config, "orientation_note": onote, "rcs_note": model.note})
            vis = visibility(aimed.flight, radar, model, swerling=swerling, pd_threshold=pd_threshold,
                             paths=paths) if aimed.flight is not None else None
            if vis is not None:
                vis_by[f"{oname} | {mode} | {obj}"] = vis
            _rows_for(rows, aimed, vis, config)
    bearings = {s: boresight_toward_deg(site.lat_deg, site.lon_deg, loc.lat_deg, loc.lon_deg)
                for s, loc in ((s, resolve_location(s, "--from")) for s in sites)}
    notes = [
        "minimum-energy trajectories; batched aiming (sensors/analyses.py) to within 100 m of the aim point",
        "azimuths from Seongju to the launch bases [deg]: " + ", ".join(f"{k} {v:.1f}" for k, v in bearings.items()),
        "launch bases are city-centre coordinates of reported brigade areas, not launch points",
        f"criterion: single-look Pd ≥ {pd_threshold:g}, Swerling {swerling}",
    ]
    if vis_by:
        notes += list(next(iter(vis_by.values())).notes)
    return AnalysisResult("china-icbm", rows, aimed, configs, vis_by,
                          {f"{o} | {m}": r.assumptions_table() for (o, m), r in radars.items()}, notes, site)


__all__ = [
    "AimedShots",
    "AnalysisResult",
    "Shot",
    "aim_min_energy",
    "china_icbm",
    "nk_launches",
]
