"""What the catalog knows about a missile class, as the tracker uses it: the boost that a
ballistic back-propagation cannot see, and the reentry vehicle's ballistic coefficient.

Boost model
-----------
A track seen after burnout, flown backwards in vacuum to the ground (``products.
launch_points``), lands short of the launch site by roughly the ground covered under
power, and at the wrong time.  The correction is the class's *nominal boost* with its
*spread*, both from the flight engine: ``flights`` copies of the class's vehicle, each
with its catalog parameters drawn within their bands (:func:`vehicle_variants`), are
flown with the steering that takes the nominal vehicle from the estimated launch point
to the predicted impact point on a minimum-energy trajectory (ASSUMED profile); each
flight's apogee state is back-propagated in vacuum with the tracker's own model, and
the true launch point and time are expressed relative to that ground crossing as
(along-track, cross-track, time) offsets.  The offsets are regressed (least squares,
linear) on the crossing's speed and flight-path angle - what the track itself shows of
how hard this particular missile burned: a hotter variant flies farther *and* covers
more ground under power, and ignoring that overstated the Scud-ER spread (launch CEP
covering 65 % of 200 runs instead of 50 %).  The regression's prediction for the track's
arc is added to its vacuum launch point, the residual covariance - the **boost-model
uncertainty** - to its covariance.
It is a named approximation: the class is the tracker's most probable class, the
trajectory is assumed minimum-energy, the parameter draws are independent.

Parameter draws
---------------
Every catalog number with a band (stage propellant, dry mass, burn time, Isp; payload;
RV ballistic coefficient; vertical rise) is drawn from a split log-normal whose median
is the catalog value and whose lower and upper halves reach the band's low and high at
+-1.96 sigma, i.e. **the band is read as the central 95 % (ASSUMED)**; a value without a
band is held fixed.

Ballistic coefficient
---------------------
The tracker's generic prior on ln beta (``TrackerConfig.initial_ln_beta``, sigma 1.5) is
what it assumes of an unknown object.  For an identified class the class's RV band is a
far better prior: :func:`condition_on_class_beta` swaps one prior for the other (a
Gaussian division by the generic prior, widened by the ln-beta random walk since the
track began, and a product with the class's; exact while ln beta is unobserved, i.e.
above ~100 km).  It is what turns the time to impact of a track lost before reentry
into a figure whose sigma is the class's reentry spread.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, replace

import numpy as np

from thaadsim.errors import InputError, ThaadsimError, UnreachableError
from thaadsim.tracking.models import BallisticModel
from thaadsim.tracking.products import GroundPoints, cep_from_covariance, ellipse_axes

BAND_SIGMAS = 1.96
"""A catalog band (low, high) is the central 95 % of the parameter's distribution (ASSUMED)."""
PRIOR_FLIGHTS = 100
"""Flights of class variants behind one boost model (the sampling error of a 2-D
covariance from 100 draws is ~14 % in sigma)."""
BOOST_ROUND_DEG = 0.25
"""The launch point is rounded to this grid [deg] before the boost model is built (a
0.3 deg shift moves the Scud-ER offset by ~0.15 km; its spread is ~2.3 km)."""
BOOST_ROUND_RANGE_M = 25_000.0
"""... the range to the predicted impact point to this step [m] (a 25 km change moves
the Scud-ER offset by ~0.3 km)."""
BOOST_ROUND_AZ_DEG = 2.0
"""... and its azimuth to this step [deg]; the rounding lets a seed sweep over one
geometry reuse a handful of models."""
BOOST_MODEL_SEED = 0
"""Seed of the class draws behind a boost model (fixed: a property of the class)."""


def _draw(value, rng: np.random.Generator, n: int, band_sigmas: float) -> np.ndarray:
    """n draws of a catalog ``Sourced`` number (module doc), or its value n times."""
    v = float(value.value)
    lo, hi = value.low, value.high
    if lo is None or hi is None or v <= 0.0 or lo <= 0.0:
        return np.full(n, v)
    z = rng.standard_normal(n)
    s_lo = math.log(v / lo) / band_sigmas if lo < v else 0.0
    s_hi = math.log(hi / v) / band_sigmas if hi > v else 0.0
    return v * np.exp(np.where(z < 0.0, z * s_lo, z * s_hi))


def vehicle_variants(record, n: int, rng: np.random.Generator, band_sigmas: float = BAND_SIGMAS) -> list:
    """``n`` vehicles of the catalog ``Missile`` ``record`` with their banded parameters
    drawn (module doc); the catalog's propellant scale applied as ``Vehicle.from_missile``
    applies it."""
    from thaadsim.flight.vehicle import Stage, Vehicle

    if not isinstance(rng, np.random.Generator):
        raise InputError("pass a numpy.random.Generator", field="rng")
    nominal = Vehicle.from_missile(record)
    scale = record.propellant_scale.value if record.propellant_scale is not None else 1.0
    st = []
    for s in record.stages:
        prop = _draw(s.propellant_mass_kg, rng, n, band_sigmas)
        dry = _draw(s.dry_mass_kg, rng, n, band_sigmas)
        burn = _draw(s.burn_time_s, rng, n, band_sigmas)
        isp_sl = _draw(s.isp_sl_s, rng, n, band_sigmas)
        isp_vac = np.maximum(_draw(s.isp_vac_s, rng, n, band_sigmas), isp_sl)
        st.append((prop, dry, burn, isp_sl, isp_vac, s.coast_before_s.value if s.coast_before_s is not None else 0.0))
    payload = _draw(record.payload_mass_kg, rng, n, band_sigmas)
    beta = _draw(record.rv_beta_kg_m2, rng, n, band_sigmas)
    rise = _draw(record.vertical_rise_s, rng, n, band_sigmas)
    out = []
    for i in range(n):
        stages = tuple(Stage(prop[i] * scale, dry[i] - prop[i] * (scale - 1.0), burn[i] * scale, isp_sl[i],
                             isp_vac[i], coast) for prop, dry, burn, isp_sl, isp_vac, coast in st)
        out.append(replace(nominal, stages=stages, payload_kg=float(payload[i]), rv_beta_kg_m2=float(beta[i]),
                           vertical_rise_s=float(rise[i])))
    return out


@dataclass(frozen=True)
class BoostModel:
    """One class's boost as seen from a vacuum back-propagation: the (along-track [m],
    cross-track [m], time [s]) offset of the true launch from the vacuum ground crossing
    (along: the crossing's horizontal velocity, cross: to its right), as a linear
    function of the crossing's speed and flight-path angle (``offset_mean`` at
    ``feature_mean``, slope ``gain``) with the residual covariance ``offset_cov`` - the
    boost-model uncertainty; and the class's ln beta mean and sigma (beta in kg/m^2)."""

    missile: str
    offset_mean: np.ndarray
    offset_cov: np.ndarray
    ln_beta_mean: float
    ln_beta_sigma: float
    flights: int
    feature_mean: np.ndarray
    gain: np.ndarray
    """(3, 2) d offset / d feature (:func:`arc_features`), least squares over the flights."""
    feature_low: np.ndarray
    feature_high: np.ndarray

    def offset_for(self, features: np.ndarray) -> np.ndarray:
        """Mean offset (along, cross, time) for an arc with these features, held inside
        the range the class's flights span (no extrapolation)."""
        f = np.clip(np.asarray(features, dtype=float), self.feature_low, self.feature_high)
        return self.offset_mean + self.gain @ (f - self.feature_mean)

    @property
    def sigma_along_m(self) -> float:
        return math.sqrt(self.offset_cov[0, 0])

    @property
    def sigma_cross_m(self) -> float:
        return math.sqrt(self.offset_cov[1, 1])

    @property
    def sigma_time_s(self) -> float:
        return math.sqrt(self.offset_cov[2, 2])


def arc_features(v_enu: np.ndarray) -> np.ndarray:
    """(N, 2) features of vacuum arcs from their Earth-relative velocity (N, 3) east/north/up
    at the back-propagated ground crossing: speed [m/s] and flight-path angle [rad]."""
    v = np.atleast_2d(np.asarray(v_enu, dtype=float))
    horiz = np.hypot(v[:, 0], v[:, 1])
    return np.stack([np.sqrt(horiz**2 + v[:, 2] ** 2), np.arctan2(-v[:, 2], horiz)], axis=1)


def boost_offsets(flight, model: BallisticModel) -> tuple[np.ndarray, np.ndarray]:
    """(N, 3) offsets (along [m], cross [m], time [s]) of each flight's launch from the
    vacuum ground crossing of its apogee state flown backwards with ``model``, and the
    (N, 2) :func:`arc_features` of that crossing (NaN rows where it failed)."""
    from thaadsim.earth import frames

    ap = flight.apogee
    good = np.isfinite(ap[:, 0])
    vac = model.without_drag()
    xg, dt = vac.propagate_to_height(np.ascontiguousarray(ap[good, 1:7]), 0.0, -1)
    lat, lon, _ = frames.ecef_to_geodetic(xg[:, :3])
    lat, lon = np.atleast_1d(lat), np.atleast_1d(lon)
    out = np.full((len(flight), 3), np.nan)
    feat = np.full((len(flight), 2), np.nan)
    rows = np.flatnonzero(good)
    launch = np.atleast_2d(frames.geodetic_to_ecef(flight.launch_lat_deg[good], flight.launch_lon_deg[good],
                                                   np.zeros(rows.size)))
    for j, i in enumerate(rows):
        if not np.isfinite(dt[j]):
            continue
        R = frames.enu_rotation(lat[j], lon[j])
        v = R @ xg[j, 3:6]
        d = R @ (launch[j] - xg[j, :3])
        a = v[:2] / np.hypot(v[0], v[1])
        out[i] = (d[:2] @ a, d[0] * a[1] - d[1] * a[0], -(ap[i, 0] + dt[j]))
        # the arc is flown backwards: its velocity at the crossing points down the arc
        feat[i] = arc_features(v[None])[0]
    return out, feat


def build_boost_model(record, launch_lat_deg: float, launch_lon_deg: float, azimuth_deg: float, kick_deg: float,
                      burn_fraction: float, model: BallisticModel, rng: np.random.Generator,
                      flights: int = PRIOR_FLIGHTS, options=None) -> BoostModel:
    """The boost model of ``record`` flown with this steering (module doc)."""
    from thaadsim.flight.engine import FlightOptions, fly

    options = options or FlightOptions()
    vehicles = vehicle_variants(record, flights, rng)
    fb = fly(vehicles, launch_lat_deg, launch_lon_deg, 0.0, azimuth_deg, kick_deg, burn_fraction, options)
    off, feat = boost_offsets(fb, model)
    ok = np.all(np.isfinite(off), axis=1) & np.all(np.isfinite(feat), axis=1)
    off, feat = off[ok], feat[ok]
    n = off.shape[0]
    if n < max(10, flights // 2):
        raise ThaadsimError(f"{record.key}: only {n} of {flights} class flights gave a boost offset")
    f0 = feat.mean(axis=0)
    df = feat - f0
    # least squares off = c + A (f - f0); the residual covariance (n - 3 degrees of freedom)
    # is what the observed arc leaves unknown about the boost
    D = np.hstack([np.ones((n, 1)), df])
    coef, *_ = np.linalg.lstsq(D, off, rcond=None)
    res = off - D @ coef
    cov = res.T @ res / max(n - D.shape[1], 1)
    lnb = np.log([v.rv_beta_kg_m2 for v in vehicles])
    return BoostModel(record.key, coef[0], cov, float(lnb.mean()),
                      float(lnb.std(ddof=1)) if np.ptp(lnb) > 0 else 0.0, n, f0, coef[1:].T,
                      feat.min(axis=0), feat.max(axis=0))


@functools.lru_cache(maxsize=256)
def _steering_on_grid(key: str, lat: float, lon: float, range_m: float, azimuth_deg: float, options):
    from thaadsim.earth import frames
    from thaadsim.flight.batch_aim import Shot, aim_min_energy

    aim_lat, aim_lon, _ = frames.geodesic_forward(lat, lon, azimuth_deg, range_m)
    a = aim_min_energy([Shot(key, f"{lat},{lon}", f"{float(aim_lat)},{float(aim_lon)}")], options, sample_dt_s=None)
    if a.status[0] != "ok":
        raise UnreachableError(f"{key}: no minimum-energy flight of {range_m / 1e3:.0f} km ({a.status[0]})",
                               field="missile")
    return float(a.azimuth_deg[0]), float(a.kick_deg[0]), float(a.burn_fraction[0]), lat, lon


def grid_steering(key: str, launch_lat_deg: float, launch_lon_deg: float, aim_lat_deg: float, aim_lon_deg: float,
                  options=None) -> tuple[float, float, float, float, float]:
    """(azimuth_deg, kick_deg, burn_fraction, grid launch lat_deg, lon_deg) of the nominal
    vehicle of class ``key`` flown minimum-energy between the launch and aim points
    rounded to the grid (launch point to ``BOOST_ROUND_DEG``, range to
    ``BOOST_ROUND_RANGE_M``, azimuth to ``BOOST_ROUND_AZ_DEG``; aimed by the flight room's
    batched minimum-energy aiming, once per cell and process)."""
    from thaadsim.earth import frames
    from thaadsim.flight.engine import FlightOptions

    az, _, dist = frames.geodesic_inverse(launch_lat_deg, launch_lon_deg, aim_lat_deg, aim_lon_deg)

    def rnd(x, r):
        return round(float(np.asarray(x).reshape(-1)[0]) / r) * r

    return _steering_on_grid(key, rnd(launch_lat_deg, BOOST_ROUND_DEG), rnd(launch_lon_deg, BOOST_ROUND_DEG),
                             max(rnd(dist, BOOST_ROUND_RANGE_M), BOOST_ROUND_RANGE_M),
                             rnd(az, BOOST_ROUND_AZ_DEG) % 360.0, options or FlightOptions())


@functools.lru_cache(maxsize=128)
def _boost_cached(key: str, steering: tuple, options, q: float, earth: str, seed: int) -> BoostModel:
    from thaadsim.catalog.loader import missile as lookup_missile

    az, kick, frac, lat, lon = steering
    return build_boost_model(lookup_missile(key), lat, lon, az, kick, frac, BallisticModel(False, q, earth=earth),
                             np.random.default_rng(seed), options=options)


def boost_model_for(key: str, launch_lat_deg: float, launch_lon_deg: float, aim_lat_deg: float, aim_lon_deg: float,
                    model: BallisticModel, options=None, seed: int = BOOST_MODEL_SEED) -> BoostModel:
    """The boost model of class ``key`` between an estimated launch point and a predicted
    impact point, flown with :func:`grid_steering` (kept per process).  ``seed`` seeds
    the class draws: the model is a property of the class and the geometry, not of a run."""
    from thaadsim.flight.engine import FlightOptions

    options = options or FlightOptions()
    steer = grid_steering(key, launch_lat_deg, launch_lon_deg, aim_lat_deg, aim_lon_deg, options)
    return _boost_cached(key, steer, options, float(model.q_m2_s3), model.earth, int(seed))


def apply_boost(g: GroundPoints, k: int, boost: BoostModel, cep_method: str = "exact") -> dict:
    """The launch estimate of row ``k`` of vacuum ground points ``g`` moved by the boost
    model's mean offset, with its covariance added (east/north; time and its sigma)."""
    from thaadsim.earth import frames

    ve = g.velocity_enu_m_s[k]
    if not (g.ok[k] and np.all(np.isfinite(ve[:2])) and np.hypot(ve[0], ve[1]) > 0.0):
        nan = math.nan
        return {"lat_deg": nan, "lon_deg": nan, "time_s": nan, "sigma_time_s": nan, "semi_major_m": nan,
                "semi_minor_m": nan, "major_axis_az_deg": nan, "cep_m": nan, "cov_en_m2": [[nan] * 2] * 2,
                "ok": False}
    a = ve[:2] / np.hypot(ve[0], ve[1])
    J = np.array([[a[0], a[1]], [a[1], -a[0]]])  # columns: along, cross (to the right) in east/north
    mean = boost.offset_for(arc_features(ve[None])[0])
    d_en = J @ mean[:2]
    cov = g.cov_en_m2[k] + J @ boost.offset_cov[:2, :2] @ J.T
    r = frames.enu_to_ecef(np.array([d_en[0], d_en[1], 0.0]), g.lat_deg[k], g.lon_deg[k], 0.0)
    lat, lon, _ = frames.ecef_to_geodetic(r)
    a1, b1, az = ellipse_axes(cov[None])
    cep = cep_from_covariance(cov[None], cep_method)
    return {"lat_deg": float(lat), "lon_deg": float(lon), "time_s": float(g.time_s[k] + mean[2]),
            "sigma_time_s": float(math.hypot(g.sigma_time_s[k], boost.sigma_time_s)),
            "semi_major_m": float(a1[0]), "semi_minor_m": float(b1[0]), "major_axis_az_deg": float(az[0]),
            "cep_m": float(cep[0]), "cov_en_m2": cov.tolist(), "ok": True}


def condition_on_class_beta(X: np.ndarray, P: np.ndarray, ln_beta_mean: float, ln_beta_sigma: float,
                            prior_mean: float, prior_sigma: float, q_ln_beta_1_s: float, age_s) -> tuple:
    """States (N, 7) and covariances with the generic ln beta prior (``prior_mean``,
    ``prior_sigma``, widened by a random walk ``q_ln_beta_1_s`` over ``age_s`` (N,)) swapped
    for the class's (module doc): a scalar Kalman update with the pseudo-measurement whose
    precision is 1/s_c^2 - 1/s_0^2.  Needs s_c < s_0 (a class narrower than the prior)."""
    X = np.array(X, dtype=float, copy=True)
    P = np.array(P, dtype=float, copy=True)
    if X.shape[1] != 7:
        raise InputError("a class ballistic coefficient needs the drag state (7-state track)", field="drag")
    s0 = prior_sigma**2 + q_ln_beta_1_s * np.maximum(np.broadcast_to(np.asarray(age_s, float), (X.shape[0],)), 0.0)
    sc = max(ln_beta_sigma, 1e-6) ** 2
    prec = 1.0 / sc - 1.0 / s0
    if np.any(prec <= 0.0):
        raise InputError(f"class ln beta sigma {ln_beta_sigma:.2f} is not narrower than the prior", field="ln_beta")
    r = 1.0 / prec
    z = (ln_beta_mean / sc - prior_mean / s0) * r
    S = P[:, 6, 6] + r
    K = P[:, :, 6] / S[:, None]
    X += K * (z - X[:, 6])[:, None]
    P -= np.einsum("ki,kj->kij", K, K) * S[:, None, None]
    return X, 0.5 * (P + np.swapaxes(P, 1, 2))


__all__ = [
    "BAND_SIGMAS",
    "BOOST_MODEL_SEED",
    "PRIOR_FLIGHTS",
    "BoostModel",
    "apply_boost",
    "arc_features",
    "boost_model_for",
    "boost_offsets",
    "build_boost_model",
    "condition_on_class_beta",
    "grid_steering",
    "vehicle_variants",
]
