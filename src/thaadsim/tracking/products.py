"""Track products: predicted impact point with its error ellipse and CEP, estimated
launch point with its ellipse, time to impact, and a class estimate.

Ground points
-------------
The impact point is where the track's trajectory, propagated with the tracker's motion
model, first reaches geodetic height 0 (WGS-84 ellipsoid; terrain is not modelled).
Its covariance is propagated by the unscented transform (default: the 2n+1 sigma points
of the track covariance are each flown to the ground, their impact points expressed as
east/north offsets in the local horizontal plane of the central one) or linearised (the
state transition matrix to the mean impact time, with the first-order time-of-flight
correction dr = (I - v n^T / (n.v)) Phi_r dx that slides each perturbed trajectory to
the ground plane), or by central divided differences (``method='central'``: the mean
trajectory's crossing is the estimate and the 2n trajectories through x +- each column
of the Cholesky factor of P give the covariance, sum_i (y_i+ - y_i-)(y_i+ - y_i-)^T / 4 -
the first-order divided-difference transform of Norgaard, Poulsen & Ravn, Automatica
36 (2000) 1627, interval h = 1 sigma).  The 1-sigma ellipse is given by its semi-axes
and the azimuth of the major axis.

Why ``central`` for the time of a reentering track: the time to the ground is strongly
non-linear in ln beta when beta is unobserved (a track above ~100 km); the unscented
points (alpha = 1, kappa = 0) sit at +-sqrt(n) sigma = +-2.6 sigma with zero weight on the
mean, so a prior sigma of 1.5 in ln beta puts points at beta x 50 and / 50: the mean time
is dragged late and the sigma inflated (the Scud-ER to Busan tracks stated 84-96 s for
errors of 17-23 s).  The divided differences at +-1 sigma follow the map where the
probability is; the central crossing is the median of a time that is monotone in ln beta.

The launch point is the ground crossing of the same trajectory flown *backwards* in
time, in vacuum (drag switched off, no thrust): on its own it ignores the boost phase,
so it lies short of the true launch site by the ground covered under power (7-8 km for
a Scud-ER to 630 km); ``class_prior.apply_boost`` adds the estimated class's boost and
its uncertainty (the tracking chain does).

CEP
---
``method='exact'``: the radius of the circle about the mean that holds half the
probability of the 2-D normal, from the integral
P(c) = int_{-c}^{c} phi(x; s1) [2 Phi(sqrt(c^2 - x^2) / s2) - 1] dx (64-point
Gauss-Legendre in x = c sin t) and bisection.  ``method='approx'``: the common
engineering approximation CEP ~ 0.59 (s1 + s2) (exact to 0.2 % for a circular
distribution; 12.5 % low in the degenerate limit s2 -> 0, unit test).

Class estimate
--------------
The feature is the Earth-relative speed the object had (or would have) at a burnout
altitude, from the Jacobi integral of unpowered, drag-free flight in the rotating frame,
v^2 / 2 - U(r) = const with U = mu/r (1 - J2 (a/r)^2 P2(sin phi)) + omega^2 (x^2 + y^2)/2
(the gravitational plus centrifugal potential), evaluated along the local radial at the
burnout altitude.  Each catalog class c gives a Gaussian N(mu_c, s_c^2); the likelihood
of a track is N(f; mu_c, s_c^2 + s_f^2) with s_f^2 = g^T P g (linearised), and the
posterior is normalised over the classes with equal priors.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass

import numpy as np

from thaadsim.earth.constants import GM_EARTH_M3_S2, J2_EARTH, OMEGA_EARTH_RAD_S, WGS84_A_M
from thaadsim.earth.kernels import geodetic_from_ecef
from thaadsim.errors import InputError
from thaadsim.tracking.filters import unscented_weights
from thaadsim.tracking.measurement import enu_rotation
from thaadsim.tracking.models import BallisticModel

_GL_X, _GL_W = np.polynomial.legendre.leggauss(64)
_erf = np.frompyfunc(math.erf, 1, 1)
_SQRT2 = math.sqrt(2.0)


# --------------------------------------------------------------------------- CEP


def cep_from_covariance(cov2: np.ndarray, method: str = "exact") -> np.ndarray:
    """Circular error probable [m] of zero-mean 2-D normals with covariances (N, 2, 2)."""
    cov2 = np.asarray(cov2, dtype=float).reshape(-1, 2, 2)
    ev = np.linalg.eigvalsh(0.5 * (cov2 + np.swapaxes(cov2, 1, 2)))
    s2 = np.sqrt(np.clip(ev[:, 0], 0.0, None))
    s1 = np.sqrt(np.clip(ev[:, 1], 0.0, None))
    if method == "approx":
        return 0.59 * (s1 + s2)
    if method != "exact":
        raise InputError(f"unknown CEP method '{method}'", field="cep_method", hint="use 'exact' or 'approx'")
    return _cep_exact(s1, s2)


def _circle_probability(c, s1, s2):
    """P(x^2 + y^2 <= c^2), x ~ N(0, s1^2), y ~ N(0, s2^2), vectorised over c, s1, s2.

    The inner probability P(|y| <= h) = 2 Phi(h / s2) - 1 is written erf(h / (s2 sqrt 2))
    with the standard library's erf (the same quantity; scipy.special's ndtr would cost a
    run ~0.25 s of import for a few hundred values)."""
    th = 0.5 * np.pi * _GL_X  # x = c sin(th), th in (-pi/2, pi/2)
    w = 0.5 * np.pi * _GL_W
    c = c[:, None]
    x = c * np.sin(th)
    half = c * np.cos(th)
    s1_ = s1[:, None]
    s2_ = np.maximum(s2[:, None], 1e-300)
    pdf = np.exp(-0.5 * (x / s1_) ** 2) / (np.sqrt(2.0 * np.pi) * s1_)
    inner = _erf(half / (s2_ * _SQRT2)).astype(float)
    return np.sum(w * pdf * inner * half, axis=1)


def _cep_exact(s1, s2):
    out = np.zeros_like(s1)
    ok = s1 > 0.0
    if not ok.any():
        return out
    a, b = s1[ok], s2[ok]
    lo = 0.6744897501960817 * a * (1.0 - 1e-9)  # CEP in [0.6745 s1, 1.1774 s1]
    hi = 1.1774100225154747 * a * (1.0 + 1e-9)
    for _ in range(64):
        mid = 0.5 * (lo + hi)
        below = _circle_probability(mid, a, b) < 0.5
        lo = np.where(below, mid, lo)
        hi = np.where(below, hi, mid)
    out[ok] = 0.5 * (lo + hi)
    return out


def ellipse_axes(cov2: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(semi-major [m], semi-minor [m], azimuth of the major axis [deg, clockwise from
    north, in [0, 180)]) of the 1-sigma ellipses of east/north covariances (N, 2, 2)."""
    cov2 = np.asarray(cov2, dtype=float).reshape(-1, 2, 2)
    ev, evec = np.linalg.eigh(0.5 * (cov2 + np.swapaxes(cov2, 1, 2)))
    major = evec[:, :, 1]  # (east, north)
    az = np.degrees(np.arctan2(major[:, 0], major[:, 1])) % 180.0
    return np.sqrt(np.clip(ev[:, 1], 0.0, None)), np.sqrt(np.clip(ev[:, 0], 0.0, None)), az


# --------------------------------------------------------------------------- ground points


@dataclass
class GroundPoints:
    """Ground crossings of N tracks (arrays (N,)): mean time [s] and its sigma, geodetic
    latitude/longitude [deg], east/north covariance (N, 2, 2) [m^2] in the local
    horizontal plane, 1-sigma ellipse semi-axes [m] and major-axis azimuth [deg], CEP
    [m], and ``ok`` (False where the trajectory or a sigma point never reached the
    ground within the time limit); ``velocity_enu_m_s`` (N, 3) is the central trajectory's
    Earth-relative velocity at its crossing in the local east/north/up frame."""

    time_s: np.ndarray
    sigma_time_s: np.ndarray
    lat_deg: np.ndarray
    lon_deg: np.ndarray
    cov_en_m2: np.ndarray
    semi_major_m: np.ndarray
    semi_minor_m: np.ndarray
    major_axis_az_deg: np.ndarray
    cep_m: np.ndarray
    ok: np.ndarray
    velocity_enu_m_s: np.ndarray | None = None


def _geodetic(points):
    out = np.array([geodetic_from_ecef(p[0], p[1], p[2], 0) for p in points]).reshape(-1, 3)
    return out[:, 0], out[:, 1], out[:, 2]


def ground_points(X, P, t_s, model: BallisticModel, direction: int = 1, method: str = "unscented",
                  cep_method: str = "exact", max_time_s: float = 7200.0) -> GroundPoints:
    """Impact (``direction=+1``) or back-propagated origin (-1) of each track (X (N, n),
    P (N, n, n) at times t_s (N,)); see the module doc for the covariance methods."""
    X = np.atleast_2d(np.asarray(X, dtype=float))
    P = np.asarray(P, dtype=float).reshape(-1, X.shape[1], X.shape[1])
    N, n = X.shape
    t = np.broadcast_to(np.asarray(t_s, dtype=float), (N,))
    def sigma_points_to_ground(scale: float):
        # the 2n+1 points X, X +- scale * (columns of chol P), flown to the ground; their
        # ground offsets from the centre point in its local east-north plane
        L = np.linalg.cholesky(0.5 * (P + np.swapaxes(P, 1, 2)))
        D = scale * np.swapaxes(L, 1, 2)
        chi = np.concatenate([X[:, None], X[:, None] + D, X[:, None] - D], axis=1).reshape(-1, n)
        xs, dts = model.propagate_to_height(chi, 0.0, direction, max_time_s)
        xs = xs.reshape(N, 2 * n + 1, n)
        dts = dts.reshape(N, 2 * n + 1)
        lat, lon, _ = _geodetic(np.nan_to_num(xs[:, 0, :3]))
        R = np.array([enu_rotation(np.degrees(a), np.degrees(b)) for a, b in zip(lat, lon, strict=True)])
        d = np.einsum("kij,ksj->ksi", R, xs[:, :, :3] - xs[:, :1, :3])[:, :, :2]
        return xs, dts, np.all(np.isfinite(dts), axis=1), R, d

    if method == "unscented":
        Wm, Wc, g = unscented_weights(n, 1.0, 2.0, 0.0)
        xs, dts, ok, R, d = sigma_points_to_ground(g)
        mean = np.einsum("s,ksi->ki", Wm, d)
        dd = d - mean[:, None, :]
        cov = np.einsum("s,ksa,ksb->kab", Wc, dd, dd)
        tm = np.einsum("s,ks->k", Wm, dts)
        st = np.sqrt(np.einsum("s,ks->k", Wc, (dts - tm[:, None]) ** 2))
        centre = xs[:, 0, :3] + np.einsum("kji,kj->ki", R[:, :2, :], mean)
        vel = xs[:, 0, 3:6]
    elif method == "central":
        xs, dts, ok, R, d = sigma_points_to_ground(1.0)
        half = 0.5 * (d[:, 1:n + 1] - d[:, n + 1:])
        cov = np.einsum("ksa,ksb->kab", half, half)
        tm = dts[:, 0]
        st = np.sqrt(np.sum((0.5 * (dts[:, 1:n + 1] - dts[:, n + 1:])) ** 2, axis=1))
        centre = xs[:, 0, :3]
        vel = xs[:, 0, 3:6]
    elif method == "linearised":
        xf, dtf = model.propagate_to_height(X, 0.0, direction, max_time_s)
        ok = np.isfinite(dtf)
        _, Phi = model.propagate_with_jacobian(X, np.nan_to_num(dtf))
        lat, lon, _ = _geodetic(np.nan_to_num(xf[:, :3]))
        R = np.array([enu_rotation(np.degrees(a), np.degrees(b)) for a, b in zip(lat, lon, strict=True)])
        up = R[:, 2, :]
        v = xf[:, 3:6]
        nv = np.einsum("ki,ki->k", up, v)
        proj = np.eye(3)[None] - np.einsum("ki,kj->kij", v, up) / nv[:, None, None]
        J = proj @ Phi[:, :3, :]  # d r_ground / d x0
        Jt = -np.einsum("ki,kij->kj", up, Phi[:, :3, :]) / nv[:, None]  # d t_ground / d x0
        Jen = (R @ J)[:, :2, :]
        cov = Jen @ P @ np.swapaxes(Jen, 1, 2)
        tm = dtf
        st = np.sqrt(np.einsum("ki,kij,kj->k", Jt, P, Jt))
        centre = xf[:, :3]
        vel = xf[:, 3:6]
    else:
        raise InputError(f"unknown method '{method}'", field="method",
                         hint="use 'unscented', 'central' or 'linearised'")
    clat, clon, _ = _geodetic(np.nan_to_num(centre))
    a, b, az = ellipse_axes(cov)
    cep = cep_from_covariance(np.nan_to_num(cov), cep_method)
    bad = ~ok
    v_enu = np.einsum("kij,kj->ki", R, np.nan_to_num(vel))
    out = GroundPoints(t + tm, st, np.degrees(clat), np.degrees(clon), cov, a, b, az, cep, ok, v_enu)
    for name in ("time_s", "sigma_time_s", "lat_deg", "lon_deg", "semi_major_m", "semi_minor_m",
                 "major_axis_az_deg", "cep_m"):
        getattr(out, name)[bad] = np.nan
    out.cov_en_m2[bad] = np.nan
    out.velocity_enu_m_s[bad] = np.nan
    return out


def impact_points(X, P, t_s, model: BallisticModel, method: str = "unscented", cep_method: str = "exact") -> GroundPoints:
    """Predicted impact points (ground crossing forward in time) with ellipses and CEP."""
    return ground_points(X, P, t_s, model, +1, method, cep_method)


def launch_points(X, P, t_s, model: BallisticModel, method: str = "unscented", cep_method: str = "exact") -> GroundPoints:
    """Vacuum ballistic back-propagation to the ground (boost not included - see the
    module doc and ``class_prior.apply_boost``)."""
    X = np.atleast_2d(np.asarray(X, dtype=float))
    P = np.asarray(P, dtype=float).reshape(-1, X.shape[1], X.shape[1])
    vac = model.without_drag()
    return ground_points(X[:, :6], P[:, :6, :6], t_s, vac, -1, method, cep_method)


# --------------------------------------------------------------------------- class


@dataclass(frozen=True)
class ClassSignature:
    """A catalog class as the tracker sees it: Earth-relative burnout speed mean and
    sigma [m/s] at a burnout altitude [m]."""

    burnout_speed_m_s: float
    sigma_m_s: float
    burnout_altitude_m: float = 50_000.0
    """ASSUMED default when the catalog gives none."""


def _effective_potential(r):
    """Gravitational (point mass + J2) plus centrifugal potential [m^2/s^2], (N, 3)."""
    x, y, z = r[..., 0], r[..., 1], r[..., 2]
    rr = np.sqrt(x * x + y * y + z * z)
    s = z / rr
    grav = GM_EARTH_M3_S2 / rr * (1.0 - J2_EARTH * (WGS84_A_M / rr) ** 2 * 0.5 * (3.0 * s * s - 1.0))
    return grav + 0.5 * OMEGA_EARTH_RAD_S**2 * (x * x + y * y)


def burnout_speed(X: np.ndarray, burnout_altitude_m) -> np.ndarray:
    """Earth-relative speed [m/s] at ``burnout_altitude_m`` on the unpowered drag-free
    arc through each state X (N, >=6) (NaN where that altitude is not reached)."""
    X = np.atleast_2d(np.asarray(X, dtype=float))
    r = X[:, :3]
    v2 = np.sum(X[:, 3:6] ** 2, axis=1)
    h = np.array([geodetic_from_ecef(p[0], p[1], p[2], 0)[2] for p in r])
    rn = np.linalg.norm(r, axis=1)
    r_bo = r * ((rn - h + burnout_altitude_m) / rn)[:, None]
    e = v2 + 2.0 * (_effective_potential(r_bo) - _effective_potential(r))
    return np.where(e >= 0.0, np.sqrt(np.clip(e, 0.0, None)), np.nan)


@dataclass
class ClassEstimate:
    """Per track (N) and class (K): probabilities (N, K) (equal priors), log-likelihoods
    (N, K), and the feature value and sigma per class altitude (N, K) [m/s]."""

    names: list[str]
    probabilities: np.ndarray
    log_likelihood: np.ndarray
    feature_m_s: np.ndarray
    feature_sigma_m_s: np.ndarray

    def best(self) -> list[str | None]:
        out = []
        for row in self.probabilities:
            out.append(None if not np.all(np.isfinite(row)) else self.names[int(np.argmax(row))])
        return out


def classify(X, P, signatures: Mapping[str, ClassSignature | tuple]) -> ClassEstimate:
    """Which catalog class fits each track: ``signatures`` maps name -> ClassSignature or
    (burnout speed mean [m/s], sigma [m/s][, burnout altitude [m]])."""
    if not signatures:
        raise InputError("no classes to compare against", field="signatures")
    sig = {}
    for k, v in signatures.items():
        s = v if isinstance(v, ClassSignature) else ClassSignature(*[float(a) for a in v])
        if not (s.sigma_m_s > 0.0 and s.burnout_speed_m_s > 0.0):
            raise InputError(f"class '{k}' needs a burnout speed and sigma > 0", field="signatures")
        sig[k] = s
    X = np.atleast_2d(np.asarray(X, dtype=float))
    P = np.asarray(P, dtype=float).reshape(X.shape[0], X.shape[1], X.shape[1])
    names = list(sig)
    N, K = X.shape[0], len(names)
    f = np.zeros((N, K))
    sf = np.zeros((N, K))
    for k, name in enumerate(names):
        alt = sig[name].burnout_altitude_m
        f0 = burnout_speed(X, alt)
        g = np.zeros((N, X.shape[1]))
        for j in range(6):  # central differences: 1 m in position, 1 mm/s in velocity
            e = 1.0 if j < 3 else 1e-3
            Xp, Xm = X.copy(), X.copy()
            Xp[:, j] += e
            Xm[:, j] -= e
            g[:, j] = (burnout_speed(Xp, alt) - burnout_speed(Xm, alt)) / (2.0 * e)
        f[:, k] = f0
        sf[:, k] = np.sqrt(np.einsum("ki,kij,kj->k", g, P, g))
    mu = np.array([sig[nm].burnout_speed_m_s for nm in names])
    sc = np.array([sig[nm].sigma_m_s for nm in names])
    var = sc[None, :] ** 2 + sf**2
    ll = -0.5 * ((f - mu[None, :]) ** 2 / var + np.log(2.0 * np.pi * var))
    ll = np.where(np.isfinite(ll), ll, -np.inf)
    mx = ll.max(axis=1, keepdims=True)
    with np.errstate(invalid="ignore"):
        w = np.exp(ll - mx)
        prob = w / w.sum(axis=1, keepdims=True)
    return ClassEstimate(names, prob, ll, f, sf)


# --------------------------------------------------------------------------- per track


@dataclass
class TrackProducts:
    """Products of one track, evaluated at its last update."""

    track_id: int
    time_s: float
    state: np.ndarray
    covariance: np.ndarray
    confirmed_time_s: float
    truth_id: int
    impact: dict
    launch: dict
    time_to_impact_s: float
    class_probabilities: dict | None

    def to_dict(self) -> dict:
        d = asdict(self)
        d["state"] = self.state.tolist()
        d["covariance"] = self.covariance.tolist()
        return d


def _row(g: GroundPoints, k: int) -> dict:
    return {"lat_deg": float(g.lat_deg[k]), "lon_deg": float(g.lon_deg[k]), "time_s": float(g.time_s[k]),
            "sigma_time_s": float(g.sigma_time_s[k]), "semi_major_m": float(g.semi_major_m[k]),
            "semi_minor_m": float(g.semi_minor_m[k]), "major_axis_az_deg": float(g.major_axis_az_deg[k]),
            "cep_m": float(g.cep_m[k]), "cov_en_m2": g.cov_en_m2[k].tolist(), "ok": bool(g.ok[k])}


def track_products(result, signatures: Mapping[str, ClassSignature | tuple] | None = None,
                   confirmed_only: bool = True, method: str = "central") -> list[TrackProducts]:
    """Products for the tracks of a :class:`~thaadsim.tracking.manager.TrackerResult`."""
    tracks = result.confirmed_tracks if confirmed_only else result.tracks
    if not tracks:
        return []
    X = np.array([t.state for t in tracks])
    P = np.array([t.covariance for t in tracks])
    t = np.array([t.time_s for t in tracks])
    imp = impact_points(X, P, t, result.model, method)
    lau = launch_points(X, P, t, result.model, method)
    cls = classify(X, P, signatures) if signatures else None
    out = []
    for k, tr in enumerate(tracks):
        probs = None if cls is None else {nm: float(cls.probabilities[k, j]) for j, nm in enumerate(cls.names)}
        out.append(TrackProducts(tr.track_id, tr.time_s, tr.state, tr.covariance, tr.confirmed_time_s,
                                 tr.majority_truth_id, _row(imp, k), _row(lau, k),
                                 float(imp.time_s[k] - t[k]), probs))
    return out
