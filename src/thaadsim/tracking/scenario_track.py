"""The tracking products of the one chain: what a radar's tracks say about the missiles.

The chain itself (flight -> radar -> tracker -> fire control) is the scenario runner's
(``thaadsim.scenario.runner``); ``track`` and ``engage`` build a scenario and run it.
This module holds the tracking room's part of it:

1. **the tracker of a run** (:func:`default_tracker_config`): EKF, GNN, two-point
   initiation, drag with ln beta estimated (the RV reenters); filter, association and
   initiation chosen per radar;
2. **the false-alarm sector** (:func:`threat_sector`, below);
3. **products per confirmed track** (:func:`estimate_tracks`, no truth read): the class
   from the track's drag-free arc above ``EXO_ALTITUDE_M`` (a batch least-squares fit to
   its detections there, ``batch_fit``) against class signatures built from the catalog
   (:func:`class_signatures`); the launch point from the same arc, flown back in vacuum
   and moved by the most probable class's boost (``class_prior``: nominal offset and the
   boost-model uncertainty in the CEP); impact point and time to impact from the last
   update with ln beta given the class's RV band (:func:`class_products`), and from the
   confirmation update with the tracker's generic prior;
4. **errors against truth** (:func:`score_tracks`): per confirmed track, the distance of
   its estimated launch and impact points from the true launch site and impact point of
   the missile it follows.

The false-alarm volume
----------------------
``Surveillance.of(radar)`` is the mode's whole search field (AN/TPY-2 terminal:
120 deg x 5-45 deg x 1,000 km, ~4e8 resolution cells, ~400 false alarms at every
look at Pfa 1e-6) - drawn at every 1 s look, that treats each revisit as a full
search frame (7.8 s in the preset).  Here the false alarms fall instead in a **sector
around the threat** (:func:`threat_sector`): the azimuth, elevation and range span of
the part of the salvo's trajectory the radar can see (line of sight, scan and range
limits), widened by a margin (default 5 deg and 50 km).  That is the volume a radar
cued onto the threat corridor searches at the revisit rate.  The count per look is
Pfa x (beam positions x range cells) in that sector; it is reported.

Named approximations: the launch point assumes the most probable class flew a
minimum-energy trajectory (a misidentified class shifts it by the difference of the two
classes' boosts); the class signatures come from each missile's full-burn maximum-range
flight, spread over the burnout speeds of flights to 50-100 % of that range
(:func:`class_signatures`), so neighbouring classes overlap and the estimate is a
probability over them.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field

import numpy as np

from thaadsim.earth import frames
from thaadsim.earth.kernels import geodetic_from_ecef
from thaadsim.errors import ConvergenceError, UnreachableError
from thaadsim.sensors.rcs import default_rcs_m2
from thaadsim.tracking.batch_fit import detection_rows, fit_arc
from thaadsim.tracking.class_prior import (
    PRIOR_FLIGHTS,
    BoostModel,
    apply_boost,
    boost_model_for,
    condition_on_class_beta,
)
from thaadsim.tracking.manager import TrackerConfig, TrackerResult
from thaadsim.tracking.products import (
    ClassSignature,
    TrackProducts,
    classify,
    impact_points,
    launch_points,
    track_products,
)
from thaadsim.tracking.products import (
    _row as _products_row,
)

DEFAULT_RCS_M2 = default_rcs_m2("reference-target")
"""Target cross-section [m^2] when none is given: the assumed reference target of
``catalog/data/rcs.yaml`` ``rcs_defaults`` (its note says why)."""
CLASS_SIGMA_FRACTION = 0.05
"""Model spread of a class's full-burn burnout speed, a fraction of it (ASSUMED:
propellant-load and Isp spread of the open-literature models)."""
CLASS_MIN_RANGE_FRACTION = 0.5
"""A missile is assumed flown (thrust-terminated, minimum-energy) anywhere between this
fraction of its maximum range and its maximum range (ASSUMED)."""
SIGNATURE_LAUNCH = (39.0, 125.0, 90.0)
"""(lat_deg, lon_deg, azimuth_deg) of the maximum-range flights that give the class
signatures (the catalog calibration's reference latitude, due east)."""
SECTOR_MARGIN_DEG = 5.0
"""Margin of the false-alarm sector around the visible threat, azimuth and elevation [deg]."""
SECTOR_RANGE_MARGIN_KM = 50.0
"""Margin of the false-alarm sector around the visible threat, range [km]."""
EXO_ALTITUDE_M = 80_000.0
"""Launch point and class are estimated from a track's last update above this height,
where drag is negligible (deceleration ~0.02 m/s^2 at 3 km/s for beta 4,000 kg/m^2)."""
IMPACT_METHOD = "unscented"
"""Ground-point transform of a class-conditioned track (``products.ground_points``): with
ln beta held to the class's band (sigma ~0.4) the unscented mean and sigma of the time to
impact follow the skewed reentry time (Scud-ER to Busan, 197 runs: mean error -0.2 s,
RMS 8.9 s against a stated sigma of 9.5 s); the divided differences give its median and
a sigma that the long late tail exceeds (2-sigma coverage 0.89)."""

# --------------------------------------------------------------------------- classes


@functools.cache
def _signatures_cached(options_key: tuple) -> tuple[tuple[str, ClassSignature, float], ...]:
    from thaadsim.catalog.loader import missiles
    from thaadsim.flight.engine import FlightOptions
    from thaadsim.flight.targeting import Launch, max_range
    from thaadsim.flight.vehicle import Vehicle

    options = FlightOptions(*options_key)
    lat, lon, az = SIGNATURE_LAUNCH
    out = []
    for key, record in missiles().items():
        try:
            sol = max_range(Vehicle.from_missile(record), Launch(lat, lon, 0.0), az, options)
        except UnreachableError:
            continue
        fb = sol.flight
        speed, _, alt = fb.speed_gamma(fb.burnout)
        v, h = float(speed[0]), float(alt[0])
        if not (math.isfinite(v) and math.isfinite(h) and v > 0.0):
            continue
        # flights between f = CLASS_MIN_RANGE_FRACTION and 1 of the maximum range burn out
        # between ~sqrt(f) v_max and v_max (R ~ v^2: the flat-Earth law, a named
        # approximation, good to a few per cent below ~2,000 km); one Gaussian spans it
        lo = math.sqrt(CLASS_MIN_RANGE_FRACTION) * v
        mean = 0.5 * (lo + v)
        sigma = math.hypot(0.5 * (v - lo), CLASS_SIGMA_FRACTION * v)
        out.append((key, ClassSignature(mean, sigma, h), sol.range_m))
    return tuple(out)


def class_signatures(options=None) -> dict[str, ClassSignature]:
    """Class signatures from the flight engine: every catalog missile's full-burn
    maximum-range flight (launched from ``SIGNATURE_LAUNCH``) gives its burnout speed
    v_max (Earth-relative) and altitude; the class spans flights from
    ``CLASS_MIN_RANGE_FRACTION`` of that range up (speeds sqrt(f) v_max .. v_max, mean
    their midpoint, sigma half the span and ``CLASS_SIGMA_FRACTION`` v_max in
    quadrature), at the full-burn burnout altitude.  Computed once per process."""
    from thaadsim.flight.engine import FlightOptions

    o = options or FlightOptions()
    key = (o.earth, o.rotation, o.drag, o.rtol, o.t_max_s, o.max_step_s)
    return {k: s for k, s, _ in _signatures_cached(key)}


def _hermite(samples: np.ndarray, dt: float, end: np.ndarray, tau: np.ndarray) -> np.ndarray:
    """States (M, 6) at flight times ``tau`` from samples (K, 6) every ``dt`` plus the end
    state ``end`` (t, x, y, z, vx, vy, vz): cubic Hermite in position (from position and
    velocity at the two nodes), linear in velocity's derivative form."""
    good = np.isfinite(samples[:, 0])
    k_last = int(np.flatnonzero(good).max())
    t_nodes = np.append(dt * np.arange(k_last + 1), end[0])
    x_nodes = np.vstack([samples[: k_last + 1], end[1:7][None]])
    if t_nodes[-1] - t_nodes[-2] < 1e-9:  # impact on a grid point
        t_nodes, x_nodes = t_nodes[:-1], x_nodes[:-1]
    out = np.full((tau.size, 6), np.nan)
    ok = (tau >= 0.0) & (tau <= t_nodes[-1])
    if not ok.any():
        return out
    t = tau[ok]
    i = np.clip(np.searchsorted(t_nodes, t, side="right") - 1, 0, t_nodes.size - 2)
    t0, t1 = t_nodes[i], t_nodes[i + 1]
    h = t1 - t0
    s = ((t - t0) / h)[:, None]
    p0, v0, p1, v1 = x_nodes[i, :3], x_nodes[i, 3:], x_nodes[i + 1, :3], x_nodes[i + 1, 3:]
    hh = h[:, None]
    h00, h10, h01, h11 = 2 * s**3 - 3 * s**2 + 1, s**3 - 2 * s**2 + s, -2 * s**3 + 3 * s**2, s**3 - s**2
    pos = h00 * p0 + h10 * hh * v0 + h01 * p1 + h11 * hh * v1
    d00, d10, d01, d11 = 6 * s**2 - 6 * s, 3 * s**2 - 4 * s + 1, -6 * s**2 + 6 * s, 3 * s**2 - 2 * s
    vel = (d00 * p0 + d01 * p1) / hh + d10 * v0 + d11 * v1
    exact = np.abs(s[:, 0]) < 1e-12
    pos[exact], vel[exact] = p0[exact], v0[exact]
    out[ok, :3], out[ok, 3:] = pos, vel
    return out

def hermite_states(samples: np.ndarray, dt: float, end: np.ndarray, tau: np.ndarray) -> np.ndarray:
    """States (M, 6) at flight times ``tau`` [s after launch] from the engine's samples
    (K, 6) every ``dt`` and its end state (t, x, y, z, vx, vy, vz); NaN outside the flight."""
    return _hermite(samples, dt, end, tau)


# --------------------------------------------------------------------------- sector


def threat_sector(radar, r_ecef: np.ndarray, margin_deg: float = SECTOR_MARGIN_DEG,
                  range_margin_m: float = SECTOR_RANGE_MARGIN_KM * 1e3):
    """The false-alarm ``Surveillance`` sector around the points ``r_ecef`` (M, 3) that the
    radar can see (line of sight, scan and range limits), widened by ``margin_deg`` in
    azimuth and elevation and ``range_margin_m`` in range, and kept inside the radar's
    elevation floor and instrumented range.  None if it sees none of them."""
    from thaadsim.sensors.geometry import look
    from thaadsim.sensors.measurements import Surveillance

    r = np.asarray(r_ecef, dtype=float).reshape(-1, 3)
    r = r[np.isfinite(r).all(axis=1)]
    if r.shape[0] == 0:
        return None
    lk = look(radar, r, 0.0)
    vis = lk.visible
    if not vis.any():
        return None
    az = lk.az_rad[vis]
    el = lk.el_rad[vis]
    rg = lk.range_m[vis]
    # azimuth span on the circle: centre on the circular mean, half-width to the farthest point
    c = math.atan2(float(np.mean(np.sin(az))), float(np.mean(np.cos(az))))
    half = float(np.max(np.abs((az - c + np.pi) % (2 * np.pi) - np.pi)))
    m = math.radians(margin_deg)
    half = min(half + m, math.pi)
    el_lo = max(float(el.min()) - m, radar.min_elevation_rad, 0.0)
    el_hi = min(float(el.max()) + m, 0.5 * math.pi)
    r_lo = max(float(rg.min()) - range_margin_m, radar.range_resolution_m)
    r_hi = min(float(rg.max()) + range_margin_m, radar.max_range_m)
    return Surveillance(c % (2 * math.pi), half, el_lo, el_hi, r_lo, r_hi)


# --------------------------------------------------------------------------- result


@dataclass
class TrackError:
    """One confirmed track against truth (distances on the ellipsoid)."""

    track_id: int
    truth_id: int
    confirmed_time_s: float
    confirmed_after_launch_s: float
    launch_point_error_km: float
    impact_point_error_km: float
    cep_km: float
    launch_cep_km: float
    impact_at_confirmation_error_km: float
    impact_at_confirmation_cep_km: float
    time_to_impact_s: float
    time_to_impact_error_s: float
    last_update_s: float
    class_estimate: str | None
    class_probability: float | None
    launch_estimate_time_s: float
    exo_atmospheric: bool
    products: TrackProducts = field(repr=False)
    launch: dict = field(repr=False, default_factory=dict)
    class_probabilities: dict | None = field(repr=False, default=None)

    def to_dict(self) -> dict:
        p = self.products
        return {
            "track_id": self.track_id,
            "truth_id": self.truth_id,
            "false_track": self.truth_id < 0,
            "confirmed_time_s": self.confirmed_time_s,
            "confirmed_after_launch_s": self.confirmed_after_launch_s,
            "last_update_s": self.last_update_s,
            "launch_point_error_km": self.launch_point_error_km,
            "impact_point_error_km": self.impact_point_error_km,
            "cep_km": self.cep_km,
            "launch_cep_km": self.launch_cep_km,
            "launch_estimate_time_s": self.launch_estimate_time_s,
            "exo_atmospheric": self.exo_atmospheric,
            "impact_at_confirmation_error_km": self.impact_at_confirmation_error_km,
            "impact_at_confirmation_cep_km": self.impact_at_confirmation_cep_km,
            "time_to_impact_s": self.time_to_impact_s,
            "time_to_impact_error_s": self.time_to_impact_error_s,
            "class_estimate": self.class_estimate,
            "class_probability": self.class_probability,
            "impact": {"lat_deg": p.impact["lat_deg"], "lon_deg": p.impact["lon_deg"],
                       "time_s": p.impact["time_s"], "sigma_time_s": p.impact["sigma_time_s"],
                       "semi_major_km": p.impact["semi_major_m"] / 1e3,
                       "semi_minor_km": p.impact["semi_minor_m"] / 1e3,
                       "major_axis_az_deg": p.impact["major_axis_az_deg"]},
            "launch": {"lat_deg": self.launch.get("lat_deg"), "lon_deg": self.launch.get("lon_deg"),
                       "time_s": self.launch.get("time_s"),
                       "semi_major_km": self.launch.get("semi_major_m", math.nan) / 1e3,
                       "semi_minor_km": self.launch.get("semi_minor_m", math.nan) / 1e3},
            "class_probabilities": self.class_probabilities,
        }



@dataclass
class TrackEstimate:
    """The products of one confirmed track (no truth read): ``products`` carries the impact
    (class-conditioned, at the last update) and the launch point; the impact predicted at
    confirmation; the class."""

    products: TrackProducts
    impact_at_confirmation: dict
    launch_estimate_time_s: float
    exo_atmospheric: bool
    class_estimate: str | None
    class_probability: float | None
    class_probabilities: dict | None


def default_tracker_config(filter: str = "ekf", association: str = "gnn",
                           initiation: str = "two_point") -> TrackerConfig:
    """The chain's tracker: EKF, GNN, two-point initiation unless chosen otherwise, drag with
    ln(beta) estimated (the RV reenters), other parameters the tracker's defaults."""
    return TrackerConfig(drag=True, filter=filter, association=association, initiation=initiation)


def _distance_km(lat1, lon1, lat2, lon2) -> float:
    if not all(math.isfinite(x) for x in (lat1, lon1, lat2, lon2)):
        return math.nan
    d = frames.geodesic_inverse(lat1, lon1, lat2, lon2)[2]
    return float(np.asarray(d).reshape(-1)[0]) / 1e3


def _unique(boosts):
    seen, out = set(), []
    for b in boosts:
        if b is not None and b.missile not in seen:
            seen.add(b.missile)
            out.append(b)
    return out


def exo_arc_state(track, detections, model) -> tuple[np.ndarray, np.ndarray, float, int, bool]:
    """(6-state, covariance, time, detections used, exo) of a track's drag-free arc: the
    batch fit (``batch_fit.fit_arc``) of the state at its last update above
    ``EXO_ALTITUDE_M`` to every detection it took above that altitude; the filter's
    state there when fewer than 3; its first update (exo False) if it never got there."""
    h = np.array([geodetic_from_ecef(x[0], x[1], x[2], 0)[2] for x in track.states[:, :3]])
    exo = np.flatnonzero(h >= EXO_ALTITUDE_M)
    if not exo.size:
        return track.states[0, :6], track.covariances[0, :6, :6], float(track.times_s[0]), 0, False
    k = int(exo[-1])
    rows = exo[track.detection_index[exo] >= 0]
    if detections is None or rows.size < 3:
        return track.states[k, :6], track.covariances[k, :6, :6], float(track.times_s[k]), 0, True
    idx = track.detection_index[rows]
    Z, R, site, with_rr = detection_rows(detections, idx)
    x, P, _ = fit_arc(track.states[k], float(track.times_s[k]), np.asarray(detections.time_s)[idx], Z, R, site,
                      with_rr, model)
    return x, P, float(track.times_s[k]), int(rows.size), True


def class_boost(probabilities: dict | None, launch_lat_deg: float, launch_lon_deg: float, impact_lat_deg: float,
                impact_lon_deg: float, model, options) -> BoostModel | None:
    """The boost model of the most probable class that can reach the predicted impact
    point from the estimated launch point (None if there is none).  The most probable
    class, not the mixture over classes: the class estimate spreads its probability over
    neighbouring classes by construction (``class_signatures``), and a moment-matched
    mixture of their boosts overstates the spread of the class actually flown (Scud-ER to
    Busan: launch CEP covering 82 % of 40 runs instead of 50 %).  A misidentified class
    biases the launch point by the difference of the two classes' boosts - a named
    approximation; the class and its probability are printed beside it."""
    if not probabilities:
        return None
    if not all(math.isfinite(x) for x in (launch_lat_deg, launch_lon_deg, impact_lat_deg, impact_lon_deg)):
        return None
    ranked = sorted(((v, k) for k, v in probabilities.items() if math.isfinite(v)), reverse=True)
    for _, key in ranked:
        try:
            return boost_model_for(key, launch_lat_deg, launch_lon_deg, impact_lat_deg, impact_lon_deg, model,
                                   options)
        except (UnreachableError, ConvergenceError):
            continue
    return None


def class_products(tracks, lau, cls, res: TrackerResult, options, exo=None) -> tuple[list, list[dict], object]:
    """Launch points (the vacuum ground points ``lau`` moved by each track's class boost,
    :func:`class_boost`) and impact points at each track's last update with its ln beta
    prior swapped for the class's (``class_prior.condition_on_class_beta``; the generic
    prior where no class or no drag state).  ``exo``: per track the
    :func:`exo_arc_state` tuple; where a track's last update is that arc's reference
    time (the track ended above ``EXO_ALTITUDE_M``) the fitted position and velocity
    replace the filter's, whose process noise only inflates them on a ballistic arc.
    Returns (boost models or None per track, launch rows, impact ``GroundPoints``)."""
    cfg = res.config
    X = np.array([t.state for t in tracks])
    P = np.array([t.covariance for t in tracks])
    t = np.array([t.time_s for t in tracks])
    for j, e in enumerate(exo or []):
        if e[3] > 0 and e[2] == t[j]:
            X[j, :6], P[j, :6, :6] = e[0], e[1]
            P[j, :6, 6:] = 0.0
            P[j, 6:, :6] = 0.0
    first = impact_points(X, P, t, res.model, method="central")
    boosts, rows = [], []
    for j in range(len(tracks)):
        probs = None if cls is None else {nm: float(cls.probabilities[j, i]) for i, nm in enumerate(cls.names)}
        b = class_boost(probs, float(lau.lat_deg[j]), float(lau.lon_deg[j]), float(first.lat_deg[j]),
                        float(first.lon_deg[j]), res.model, options)
        boosts.append(b)
        rows.append(apply_boost(lau, j, b) if b is not None else _products_row(lau, j))
    cond = [j for j, b in enumerate(boosts) if b is not None and cfg.drag and b.ln_beta_sigma > 0.0]
    if cond:
        Xc, Pc = X[cond].copy(), P[cond].copy()
        for i, j in enumerate(cond):
            b = boosts[j]
            age = t[j] - tracks[j].times_s[0]
            Xc[i:i + 1], Pc[i:i + 1] = condition_on_class_beta(
                X[j:j + 1], P[j:j + 1], b.ln_beta_mean, b.ln_beta_sigma, cfg.initial_ln_beta,
                cfg.initial_ln_beta_sigma, cfg.q_ln_beta_1_s, age)
        X, P = X.copy(), P.copy()
        X[cond], P[cond] = Xc, Pc
        imp = impact_points(X, P, t, res.model, method=IMPACT_METHOD)
    else:
        imp = first
    return boosts, rows, imp

def estimate_tracks(res: TrackerResult, detections, options) -> tuple[list[TrackEstimate], list]:
    """The products of every confirmed track, from the track and its detections alone (no
    truth): step 1-3 of the module doc.  Returns the estimates (track order of
    ``track_products``) and each one's class boost model (None where no class reaches)."""
    signatures = class_signatures(options)
    products = track_products(res, None)  # impact at the last update; launch and class below
    if not products:
        return [], []
    by_id = {t.track_id: t for t in res.tracks}
    trs = [by_id[p.track_id] for p in products]
    rows_conf = [int(np.searchsorted(tr.times_s, tr.confirmed_time_s)) for tr in trs]
    exo_rows = [exo_arc_state(tr, detections, res.model) for tr in trs]
    conf_imp = impact_points(np.array([t.states[k] for t, k in zip(trs, rows_conf, strict=True)]),
                             np.array([t.covariances[k] for t, k in zip(trs, rows_conf, strict=True)]),
                             np.array([t.times_s[k] for t, k in zip(trs, rows_conf, strict=True)]), res.model)
    Xe = np.array([e[0] for e in exo_rows])
    Pe = np.array([e[1] for e in exo_rows])
    te = np.array([e[2] for e in exo_rows])
    lau = launch_points(Xe, Pe, te, res.model, method="central")
    cls = classify(Xe, Pe, signatures) if signatures else None
    boosts, launch_rows, imp = class_products(trs, lau, cls, res, options, exo_rows)
    out = []
    for j, p in enumerate(products):
        p.impact = _products_row(imp, j)
        p.time_to_impact_s = float(imp.time_s[j] - p.time_s)
        p.launch = launch_rows[j]
        probs = None if cls is None else {nm: float(cls.probabilities[j, i]) for i, nm in enumerate(cls.names)}
        best, prob = None, None
        vals = {k: v for k, v in (probs or {}).items() if math.isfinite(v)}
        if vals:
            best = max(vals, key=vals.get)
            prob = vals[best]
        out.append(TrackEstimate(p, _products_row(conf_imp, j), float(exo_rows[j][2]), bool(exo_rows[j][4]), best,
                                 prob, probs))
    return out, boosts


def score_tracks(estimates: list[TrackEstimate], track_truth: dict, launch_lat_lon_deg: np.ndarray,
                 impact_lat_lon_deg: np.ndarray, launch_times_s: np.ndarray,
                 impact_times_s: np.ndarray) -> list[TrackError]:
    """Each track's estimates against the truth of the missile it follows (``track_truth``:
    track id -> missile index, -1 for a false track); the truth arrays are per missile:
    launch and impact points (N, 2) [deg] and times (N,) [s]."""
    errors = []
    for e in estimates:
        p = e.products
        k = int(track_truth.get(p.track_id, -1))
        ok = k >= 0

        def off(lat, lon, ref, k=k, ok=ok) -> float:
            return _distance_km(lat, lon, float(ref[k, 0]), float(ref[k, 1])) if ok else math.nan

        errors.append(TrackError(
            track_id=p.track_id,
            truth_id=k,
            confirmed_time_s=p.confirmed_time_s,
            confirmed_after_launch_s=p.confirmed_time_s - float(launch_times_s[k]) if ok else math.nan,
            launch_point_error_km=off(p.launch["lat_deg"], p.launch["lon_deg"], launch_lat_lon_deg),
            impact_point_error_km=off(p.impact["lat_deg"], p.impact["lon_deg"], impact_lat_lon_deg),
            cep_km=p.impact["cep_m"] / 1e3,
            launch_cep_km=p.launch["cep_m"] / 1e3,
            impact_at_confirmation_error_km=off(e.impact_at_confirmation["lat_deg"],
                                                e.impact_at_confirmation["lon_deg"], impact_lat_lon_deg),
            impact_at_confirmation_cep_km=e.impact_at_confirmation["cep_m"] / 1e3,
            time_to_impact_s=p.time_to_impact_s,
            time_to_impact_error_s=p.impact["time_s"] - float(impact_times_s[k]) if ok else math.nan,
            last_update_s=p.time_s,
            class_estimate=e.class_estimate,
            class_probability=e.class_probability,
            launch_estimate_time_s=e.launch_estimate_time_s,
            exo_atmospheric=e.exo_atmospheric,
            products=p,
            launch=p.launch,
            class_probabilities=e.class_probabilities,
        ))
    return errors


def product_notes(boosts: list) -> list[str]:
    """What the track products are and which approximations they carry (module doc)."""
    return [
        ("launch point: vacuum back-propagation of the track to the ground, moved by the most probable class's "
         "nominal boost (flight engine, minimum-energy profile ASSUMED); its CEP includes the boost-model "
         "uncertainty (the class's catalog bands read as their central 95 %, ASSUMED; "
         f"{PRIOR_FLIGHTS} class flights)") + "".join(
            f"; {b.missile}: boost-model uncertainty (class flights' offsets about their regression on the arc's "
            f"speed and flight-path angle) sigma along {b.sigma_along_m / 1e3:.2f} km, across "
            f"{b.sigma_cross_m / 1e3:.2f} km, time {b.sigma_time_s:.1f} s" for b in _unique(boosts)),
        "class: burnout speed at each catalog missile's burnout altitude, from its full-burn maximum-range "
        f"flight, spread over flights of {CLASS_MIN_RANGE_FRACTION:.0%}-100 % of that range (ASSUMED); "
        "neighbouring classes overlap",
        ("impact point, CEP and time to impact at each track's last update, with the track's ln beta prior "
         "swapped for the most probable class's RV ballistic-coefficient band (unscented transform: mean and sigma "
         "of a time skewed late by the low-beta tail); impact_at_confirmation_* at its confirmation (unscented, "
         "the tracker's generic ln beta prior)"),
        (f"launch point and class from each track's arc above {EXO_ALTITUDE_M / 1e3:g} km: a batch least-squares "
         "fit of the drag-free, unpowered arc to the detections the track took there (no process noise)"),
    ]


__all__ = ["CLASS_MIN_RANGE_FRACTION", "CLASS_SIGMA_FRACTION", "DEFAULT_RCS_M2", "EXO_ALTITUDE_M", "TrackError",
           "TrackEstimate", "class_products", "class_signatures", "default_tracker_config", "estimate_tracks",
           "exo_arc_state", "hermite_states", "product_notes", "score_tracks", "threat_sector"]
