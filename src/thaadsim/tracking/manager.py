"""Multi-target track management: frames of detections in, tracks out.

One *frame* is the set of detections from one radar site whose time stamps lie within
``frame_window_s`` of the frame's first detection (a radar scan or dwell); the frame is
processed at the mean of those times (the v * window smear, 3 m for 3 km/s and the
default 1 ms, is far below the measurement noise).  Per frame:

1. every live track is predicted to the frame time (one batch call);
2. gating (chi-square, probability ``gate_probability``) of all tracks against all
   detections, through a Cartesian pre-gate;
3. confirmed tracks are associated first (GNN or JPDA), so that a tentative track with
   a wide gate cannot steal a confirmed track's detection; tentative tracks then take
   what is left by GNN;
4. detections still unclaimed start tentative tracks - single-point (position from the
   detection, velocity from the range rate along the line of sight when available and
   a wide isotropic prior across it) or two-point (two unclaimed detections in
   successive frames whose implied speed is below ``max_speed_m_s``);
5. M-of-N confirmation counted over a tentative track's first N frames (it is dropped
   as soon as M hits have become impossible); a confirmed track is deleted after K
   consecutive frames without a detection.

Every frame is treated as a chance to detect every track (one radar, one surveillance
volume); with several radars of different coverage the miss counts need a per-site
visibility model - not done here.

False alarms need no special treatment: they fail the gates of established tracks or,
under JPDA, enter with the clutter density; the tentative tracks they start die by the
M-of-N rule.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from thaadsim.errors import InputError
from thaadsim.tracking.association import (
    GatedPairs,
    candidate_pairs,
    gate,
    gate_threshold,
    gnn_assign,
    jpda_weights,
)
from thaadsim.tracking.filters import GaussianFilter, MeasurementPrediction, make_filter
from thaadsim.tracking.measurement import RadarMeasurementModel, RadarSites
from thaadsim.tracking.models import AtmosphereTable, BallisticModel

TENTATIVE = 0
CONFIRMED = 1


@dataclass(frozen=True)
class TrackerConfig:
    """Tracker parameters; units in the names, defaults marked ASSUMED are engineering
    choices, not sourced values."""

    filter: str = "ekf"
    """'ekf' or 'ukf'."""
    association: str = "gnn"
    """'gnn' (optimal assignment) or 'jpda' (for closely spaced objects)."""
    drag: bool = False
    """Estimate ln(ballistic coefficient) and model drag (needs an atmosphere table)."""
    q_m2_s3: float = 1.0
    """Acceleration noise spectral density per ECEF axis [m^2/s^3] (ASSUMED)."""
    q_ln_beta_1_s: float = 1e-3
    """Random-walk spectral density of ln beta [1/s] (ASSUMED)."""
    initial_ln_beta: float = math.log(5000.0)
    """Prior mean of ln(beta / (kg/m^2)) for new tracks (beta = 5,000 kg/m^2, ASSUMED)."""
    initial_ln_beta_sigma: float = 1.5
    """Prior sigma of ln beta (a factor of ~4.5, ASSUMED)."""
    ln_beta_bounds: tuple[float, float] = (math.log(10.0), math.log(1e6))
    """Bounds on the ln beta estimate after each update (beta 10 to 10^6 kg/m^2: debris to
    the densest RV, ASSUMED).  A projection: without it a tentative track fed false alarms
    can fit beta ~ e^-80 and its next prediction overflows."""
    earth: str = "wgs84"
    """Earth model of the motion model ('wgs84' or 'sphere')."""
    max_step_s: float = 1.0
    """Longest RK4 sub-step of the motion model [s]."""
    use_range_rate: bool = True
    """Use range rate when every detection carries a finite one."""
    gate_probability: float = 0.999
    """Probability P_G that the true detection falls in the gate (ASSUMED)."""
    confirm_m: int = 3
    """M of the M-of-N confirmation rule."""
    confirm_n: int = 5
    """N of the M-of-N confirmation rule [frames]."""
    delete_after_misses: int = 5
    """Frames without a detection after which a confirmed track is deleted (K)."""
    initiation: str = "single_point"
    """'single_point' or 'two_point'."""
    initial_speed_sigma_m_s: float = 3000.0
    """Single-point initiation: velocity sigma across the line of sight (and along it
    when there is no range rate) [m/s] (ASSUMED: covers SRBM to IRBM speeds)."""
    max_speed_m_s: float = 8000.0
    """Two-point initiation: largest plausible speed [m/s]."""
    p_detect: float = 0.9
    """Detection probability assumed by JPDA (ASSUMED)."""
    clutter_density: float | None = None
    """JPDA false-alarm density per unit measurement volume [1/(m rad^2)] (and per
    m/s with range rate); None: 1e-6 /(m rad^2), i.e. ~1 false alarm per scan in a
    1,000 km x 1 sr volume (ASSUMED), and 1e-10 with range rate (a 10 km/s window)."""
    jpda_claim_threshold: float = 0.5
    """Under JPDA, a detection whose summed association probability is below this
    starts a new track."""
    max_hypotheses: int = 20_000
    """JPDA joint events per cluster before falling back to cheap JPDA."""
    frame_window_s: float = 1e-3
    """Detections of one site within this time of a frame's first detection form one
    frame [s]."""
    max_position_sigma_m: float = 50_000.0
    """A track whose position sigma grows beyond this is deleted [m]."""
    ekf_second_order: bool = True
    """EKF with the second-order measurement terms (needed for single-point
    initiation; see ``ExtendedKalmanFilter``)."""
    ukf_alpha: float = 1.0
    ukf_beta: float = 2.0
    ukf_kappa: float = 0.0
    atmosphere: AtmosphereTable | None = field(default=None, repr=False, compare=False)
    """Density table for ``drag``; None: the US Standard Atmosphere 1976 table."""

    def __post_init__(self):
        if self.filter not in ("ekf", "ukf"):
            raise InputError(f"unknown filter '{self.filter}'", field="filter", hint="use 'ekf' or 'ukf'")
        if self.association not in ("gnn", "jpda"):
            raise InputError(f"unknown association '{self.association}'", field="association",
                             hint="use 'gnn' or 'jpda'")
        if self.initiation not in ("single_point", "two_point"):
            raise InputError(f"unknown initiation '{self.initiation}'", field="initiation",
                             hint="use 'single_point' or 'two_point'")
        if not (0.0 < self.gate_probability < 1.0):
            raise InputError("must be in (0, 1)", field="gate_probability")
        if not (0.0 < self.p_detect <= 1.0):
            raise InputError("must be in (0, 1]", field="p_detect")
        if self.confirm_m < 1 or self.confirm_n < self.confirm_m:
            raise InputError(f"need 1 <= M <= N, got M={self.confirm_m}, N={self.confirm_n}", field="confirm_m")
        if self.delete_after_misses < 1:
            raise InputError("must be >= 1", field="delete_after_misses")
        for name in ("initial_speed_sigma_m_s", "max_speed_m_s", "initial_ln_beta_sigma", "max_position_sigma_m"):
            if not getattr(self, name) > 0.0:
                raise InputError("must be > 0", field=name)
        if self.frame_window_s < 0.0:
            raise InputError("must be >= 0", field="frame_window_s")
        lo, hi = self.ln_beta_bounds
        if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
            raise InputError("need finite lower < upper", field="ln_beta_bounds")
        if self.clutter_density is not None and not self.clutter_density > 0.0:
            raise InputError("must be > 0", field="clutter_density")

    def motion_model(self) -> BallisticModel:
        return BallisticModel(drag=self.drag, q_m2_s3=self.q_m2_s3, q_ln_beta_1_s=self.q_ln_beta_1_s,
                              max_step_s=self.max_step_s, earth=self.earth, atmosphere=self.atmosphere)


@dataclass
class Track:
    """One track's history at its updates (K of them).

    times_s (K,); states (K, n) and covariances (K, n, n) posterior; detection_index
    (K,) into the detections passed in; truth_id (K,) of those detections (-1 false
    alarm); nis (K,) normalised innovation squared (NaN for the initiating detection;
    under JPDA, of the most probable detection).
    """

    track_id: int
    times_s: np.ndarray
    states: np.ndarray
    covariances: np.ndarray
    detection_index: np.ndarray
    truth_id: np.ndarray
    nis: np.ndarray
    initiated_time_s: float
    confirmed_time_s: float
    deleted_time_s: float

    @property
    def confirmed(self) -> bool:
        return bool(np.isfinite(self.confirmed_time_s))

    @property
    def majority_truth_id(self) -> int:
        """Most frequent truth id among the detections the track took (-1 if none)."""
        ids = self.truth_id[self.truth_id >= 0]
        if ids.size == 0:
            return -1
        vals, counts = np.unique(ids, return_counts=True)
        return int(vals[np.argmax(counts)])

    @property
    def state(self) -> np.ndarray:
        return self.states[-1]

    @property
    def covariance(self) -> np.ndarray:
        return self.covariances[-1]

    @property
    def time_s(self) -> float:
        return float(self.times_s[-1])


@dataclass
class TrackerResult:
    """Everything the tracker produced.  ``tracks`` holds every track ever started
    (confirmed or not); ``frame_times_s`` (F,), ``confirmed_count`` (F,) and
    ``tentative_count`` (F,) the live track counts after each frame."""

    tracks: list[Track]
    frame_times_s: np.ndarray
    confirmed_count: np.ndarray
    tentative_count: np.ndarray
    n_detections: int
    config: TrackerConfig
    model: BallisticModel
    detection_truth_id: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    """truth_id of every detection passed in (-1 false alarm), in input order."""

    @property
    def confirmed_tracks(self) -> list[Track]:
        return [t for t in self.tracks if t.confirmed]


class TrackManager:
    """Frame-by-frame multi-target tracker (see module doc).  Batch state of live tracks
    in arrays; histories in per-track lists."""

    def __init__(self, config: TrackerConfig, sites: RadarSites, with_range_rate: bool):
        self.config = config
        self.model = config.motion_model()
        self.meas = RadarMeasurementModel(sites, with_range_rate)
        self.filter: GaussianFilter = make_filter(
            config.filter, self.model, self.meas,
            **({"alpha": config.ukf_alpha, "beta": config.ukf_beta, "kappa": config.ukf_kappa}
               if config.filter == "ukf" else {"second_order": config.ekf_second_order}))
        n = self.model.ndim
        m = self.meas.ndim_meas
        self.n = n
        self.gamma = gate_threshold(config.gate_probability, m)
        self.gamma3 = gate_threshold(config.gate_probability, 3)
        # a track started from one detection takes its first update without range
        # rate: with a velocity prior of km/s across the line of sight, the predicted
        # range rate is quadratic in that unknown velocity (bias ~ 2 sigma_v^2 dt / r)
        # and no Gaussian filter linearises it well; after one position update the
        # velocity is known to ~ sigma_pos / dt and range rate is near-linear again.
        self._pos_filter = None
        if with_range_rate and config.initiation == "single_point":
            self._pos_filter = make_filter(
                config.filter, self.model, RadarMeasurementModel(sites, False),
                **({"alpha": config.ukf_alpha, "beta": config.ukf_beta, "kappa": config.ukf_kappa}
                   if config.filter == "ukf" else {"second_order": config.ekf_second_order}))
        if config.clutter_density is not None:
            self.clutter_density = config.clutter_density
        else:
            self.clutter_density = 1e-10 if with_range_rate else 1e-6
        self.X = np.zeros((0, n))
        self.P = np.zeros((0, n, n))
        self.t = np.zeros(0)
        self.ids = np.zeros(0, dtype=np.int64)
        self.status = np.zeros(0, dtype=np.int8)
        self.hits = np.zeros(0, dtype=np.int64)
        self.age = np.zeros(0, dtype=np.int64)  # frames since initiation, incl. the first
        self.misses = np.zeros(0, dtype=np.int64)
        self.n_updates = np.zeros(0, dtype=np.int64)  # measurements used, incl. the initiating one
        self._next_id = 0
        self._hist: dict[int, dict] = {}
        self._pending: dict[int, tuple] = {}  # two-point: site -> (time, Z, R, det_index)
        self.frame_times: list[float] = []
        self.confirmed_count: list[int] = []
        self.tentative_count: list[int] = []

    # ------------------------------------------------------------------ frames
    def process_frame(self, t: float, site: int, Z: np.ndarray, R: np.ndarray, det_index: np.ndarray,
                      truth_id: np.ndarray) -> None:
        """Process one frame: Z (M, m), R (M, m, m) measured at time t [s] by ``site``."""
        cfg = self.config
        M = Z.shape[0]
        T = self.X.shape[0]
        hit = np.zeros(T, dtype=bool)
        claimed = np.zeros(M, dtype=bool)
        broken = np.zeros(T, dtype=bool)
        if T and M:
            with np.errstate(over="ignore", invalid="ignore"):  # blown-up predictions: see below
                Xp, Pp = self.filter.predict(self.X, self.P, t - self.t)
            # A prediction that blew up takes no detection and is deleted below; its
            # arrays are kept finite so the batch maths stays clean.  It happens to
            # tentative tracks fed false alarms: a small fitted beta deep in the
            # atmosphere makes the drag time scale 2 beta / (rho v) far shorter than the
            # 1 s RK4 step, and the explicit integration diverges.
            broken = _broken(Xp, Pp, cfg)
            if broken.any():
                Xp = np.where(broken[:, None], self.X, Xp)
                Pp = np.where(broken[:, None, None], self.P, Pp)
            ctx = np.full(T, site, dtype=np.int64)
            young = (self.n_updates == 1) if self._pos_filter is not None else np.zeros(T, dtype=bool)
            mp = self.filter.predict_measurement(Xp, Pp, ctx)
            pairs = self._gate(Xp, Pp, mp, Z, R, site, self.meas, self.gamma)
            pairs = _subset(pairs, ~young[pairs.track] & ~broken[pairs.track])
            if young.any():
                m3 = self._pos_filter.predict_measurement(Xp, Pp, ctx)
                pairs3 = self._gate(Xp, Pp, m3, Z[:, :3], R[:, :3, :3], site, self._pos_filter.measurement,
                                    self.gamma3)
                pairs3 = _subset(pairs3, young[pairs3.track] & ~broken[pairs3.track])
            new_X, new_P = Xp, Pp
            updated = np.zeros(T, dtype=bool)
            nis_rec = np.full(T, np.nan)
            det_rec = np.full(T, -1, dtype=np.int64)
            # confirmed before tentative, established before just-started tracks
            for stage, is_young in ((CONFIRMED, False), (CONFIRMED, True), (TENTATIVE, False), (TENTATIVE, True)):
                if is_young and not young.any():
                    continue
                pp, filt, mpp, Zs, Rs, gam = ((pairs3, self._pos_filter, m3, Z[:, :3], R[:, :3, :3], self.gamma3)
                                              if is_young else (pairs, self.filter, mp, Z, R, self.gamma))
                sel = (self.status[pp.track] == stage) & ~claimed[pp.det]
                sub = _subset(pp, sel)
                if len(sub) == 0:
                    continue
                if stage == CONFIRMED and not is_young and cfg.association == "jpda":
                    self._jpda_stage(sub, mp, Z, R, T, M, new_X, new_P, updated, hit, claimed, nis_rec, det_rec)
                else:
                    ti, dj = gnn_assign(T, M, sub, gam)
                    if ti.size:
                        res = filt.update_with(Xp[ti], Pp[ti], _mp_subset(mpp, ti), Zs[dj], Rs[dj])
                        new_X[ti] = res.x
                        new_P[ti] = res.P
                        updated[ti] = True
                        hit[ti] = True
                        claimed[dj] = True
                        nis_rec[ti] = res.nis
                        det_rec[ti] = dj
            if self.n == 7 and updated.any():
                new_X[:, 6] = np.clip(new_X[:, 6], *cfg.ln_beta_bounds)
            self.X = np.where(updated[:, None], new_X, self.X)
            self.P = np.where(updated[:, None, None], new_P, self.P)
            self.t = np.where(updated, t, self.t)
            self.n_updates += updated
            for k in np.flatnonzero(updated):
                d = det_rec[k]
                self._record(int(self.ids[k]), t, self.X[k], self.P[k],
                             int(det_index[d]) if d >= 0 else -1, int(truth_id[d]) if d >= 0 else -1, nis_rec[k])
        self._lifecycle(hit, t, broken)
        free = np.flatnonzero(~claimed)
        if free.size:
            self._initiate(t, site, Z[free], R[free], det_index[free], truth_id[free])
        self.frame_times.append(t)
        self.confirmed_count.append(int(np.sum(self.status == CONFIRMED)))
        self.tentative_count.append(int(np.sum(self.status == TENTATIVE)))

    def _gate(self, Xp, Pp, mp: MeasurementPrediction, Z, R, site, meas, gamma) -> GatedPairs:
        tpos = Xp[:, :3]
        pos_var = np.trace(Pp[:, :3, :3], axis1=1, axis2=2)
        dpos = self.meas.to_cartesian(Z, np.full(Z.shape[0], site))
        dvar = np.trace(self.meas.cartesian_covariance(Z, R, np.full(Z.shape[0], site)), axis1=1, axis2=2)
        # |d| <= sqrt(gamma (lambda_max(P) + lambda_max(R_cart))) bounds the ellipsoidal
        # gate to first order; traces bound the eigenvalues; x1.5 covers curvature.
        radius = 1.5 * np.sqrt(gamma * (pos_var + dvar.max()))
        ti, dj = candidate_pairs(tpos, radius, dpos)
        return gate(meas, mp.z, mp.Pzz, Z, R, ti, dj, gamma)

    def _jpda_stage(self, sub, mp, Z, R, T, M, new_X, new_P, updated, hit, claimed, nis_rec, det_rec):
        cfg = self.config
        beta, beta0 = jpda_weights(T, M, sub, cfg.p_detect, cfg.gate_probability, self.clutter_density,
                                   cfg.max_hypotheses)
        tr = np.unique(sub.track)
        J = int(np.bincount(sub.track).max())
        m = Z.shape[1]
        pos = {t: k for k, t in enumerate(tr)}
        Zs = np.zeros((tr.size, J, m))
        Rs = np.broadcast_to(np.eye(m), (tr.size, J, m, m)).copy()
        W = np.zeros((tr.size, J + 1))
        W[:, 0] = beta0[tr]
        fill = np.zeros(tr.size, dtype=np.int64)
        best = np.full(tr.size, -1, dtype=np.int64)
        best_b = np.zeros(tr.size)
        best_p = np.full(tr.size, -1, dtype=np.int64)
        for p in range(len(sub)):
            k = pos[sub.track[p]]
            j = fill[k]
            Zs[k, j] = Z[sub.det[p]]
            Rs[k, j] = R[sub.det[p]]
            W[k, j + 1] = beta[p]
            fill[k] += 1
            if beta[p] > best_b[k]:
                best_b[k] = beta[p]
                best[k] = sub.det[p]
                best_p[k] = p
        Xm, Pm = self.filter.mixture_update(new_X[tr], new_P[tr], _mp_subset(mp, tr), Zs, Rs, W)
        new_X[tr] = Xm
        new_P[tr] = Pm
        updated[tr] = True
        hit[tr] = beta0[tr] < 0.5
        total = np.zeros(M)
        np.add.at(total, sub.det, beta)
        claimed |= total >= cfg.jpda_claim_threshold
        ok = best_p >= 0
        nis_rec[tr[ok]] = sub.d2[best_p[ok]]
        det_rec[tr[ok]] = best[ok]

    def _lifecycle(self, hit: np.ndarray, t: float, broken: np.ndarray | None = None) -> None:
        cfg = self.config
        if hit.size == 0:
            return
        self.age += 1
        self.hits += hit
        self.misses = np.where(hit, 0, self.misses + 1)
        tent = self.status == TENTATIVE
        confirm = tent & (self.hits >= cfg.confirm_m) & (self.age <= cfg.confirm_n)
        for k in np.flatnonzero(confirm):
            self._hist[int(self.ids[k])]["confirmed"] = t
        self.status = np.where(confirm, CONFIRMED, self.status)
        tent = self.status == TENTATIVE
        hopeless = tent & (self.hits + (cfg.confirm_n - self.age) < cfg.confirm_m)
        lost = (self.status == CONFIRMED) & (self.misses >= cfg.delete_after_misses)
        pos_sigma = np.sqrt(np.trace(self.P[:, :3, :3], axis1=1, axis2=2))
        diverged = ~(pos_sigma <= cfg.max_position_sigma_m)  # NaN counts as diverged
        if broken is not None and broken.size == diverged.size:
            diverged |= broken
        drop = hopeless | lost | diverged
        if drop.any():
            for k in np.flatnonzero(drop):
                self._hist[int(self.ids[k])]["deleted"] = t
            self._keep(~drop)

    def _keep(self, keep):
        self.X, self.P, self.t = self.X[keep], self.P[keep], self.t[keep]
        self.ids, self.status = self.ids[keep], self.status[keep]
        self.hits, self.age, self.misses = self.hits[keep], self.age[keep], self.misses[keep]
        self.n_updates = self.n_updates[keep]

    # ------------------------------------------------------------------ initiation
    def _initiate(self, t, site, Z, R, det_index, truth_id):
        cfg = self.config
        if cfg.initiation == "single_point":
            X0, P0 = self._single_point(Z, R, site)
            self._add(t, X0, P0, det_index, truth_id)
            return
        prev = self._pending.get(site)
        used = np.zeros(Z.shape[0], dtype=bool)
        if prev is not None:
            t1, Z1, R1, di1, ti1 = prev
            dt = t - t1
            if dt > 0.0 and Z1.shape[0] and Z.shape[0]:  # a frame whose detections all went to tracks leaves none
                p1 = self.meas.to_cartesian(Z1, np.full(Z1.shape[0], site))
                p2 = self.meas.to_cartesian(Z, np.full(Z.shape[0], site))
                C1 = self.meas.cartesian_covariance(Z1, R1, np.full(Z1.shape[0], site))
                C2 = self.meas.cartesian_covariance(Z, R, np.full(Z.shape[0], site))
                sig = 3.0 * math.sqrt(max(np.trace(C1, axis1=1, axis2=2).max(), np.trace(C2, axis1=1, axis2=2).max()))
                ii, jj = candidate_pairs(p2, np.full(p2.shape[0], cfg.max_speed_m_s * dt + sig), p1)
                if ii.size:
                    cost = np.full((Z.shape[0], Z1.shape[0]), 1e18)
                    cost[ii, jj] = np.sum((p2[ii] - p1[jj]) ** 2, axis=1)
                    from scipy.optimize import linear_sum_assignment

                    r, c = linear_sum_assignment(cost)
                    ok = cost[r, c] < 1e18
                    r, c = r[ok], c[ok]
                    n = self.n
                    X0 = np.zeros((r.size, n))
                    P0 = np.zeros((r.size, n, n))
                    X0[:, :3] = p2[r]
                    X0[:, 3:6] = (p2[r] - p1[c]) / dt
                    P0[:, :3, :3] = C2[r]
                    P0[:, :3, 3:6] = C2[r] / dt
                    P0[:, 3:6, :3] = C2[r] / dt
                    P0[:, 3:6, 3:6] = (C1[c] + C2[r]) / dt**2
                    if n == 7:
                        X0[:, 6] = cfg.initial_ln_beta
                        P0[:, 6, 6] = cfg.initial_ln_beta_sigma**2
                    self._add(t, X0, P0, det_index[r], truth_id[r])
                    used[r] = True
        rest = ~used
        self._pending[site] = (t, Z[rest], R[rest], det_index[rest], truth_id[rest])

    def _single_point(self, Z, R, site):
        cfg = self.config
        n = self.n
        k = Z.shape[0]
        idx = np.full(k, site)
        X0 = np.zeros((k, n))
        P0 = np.zeros((k, n, n))
        pos = self.meas.to_cartesian(Z, idx)
        X0[:, :3] = pos
        P0[:, :3, :3] = self.meas.cartesian_covariance(Z, R, idx)
        sv2 = cfg.initial_speed_sigma_m_s**2
        if self.meas.with_range_rate:
            u = pos - self.meas.sites.ecef_m[idx]
            u /= np.linalg.norm(u, axis=1, keepdims=True)
            X0[:, 3:6] = Z[:, 3:4] * u
            uu = np.einsum("ki,kj->kij", u, u)
            P0[:, 3:6, 3:6] = sv2 * (np.eye(3) - uu) + R[:, 3, 3, None, None] * uu
        else:
            P0[:, 3:6, 3:6] = sv2 * np.eye(3)
        if n == 7:
            X0[:, 6] = cfg.initial_ln_beta
            P0[:, 6, 6] = cfg.initial_ln_beta_sigma**2
        return X0, P0

    def _add(self, t, X0, P0, det_index, truth_id):
        k = X0.shape[0]
        ids = np.arange(self._next_id, self._next_id + k)
        self._next_id += k
        self.X = np.concatenate([self.X, X0])
        self.P = np.concatenate([self.P, P0])
        self.t = np.concatenate([self.t, np.full(k, t)])
        self.ids = np.concatenate([self.ids, ids])
        self.status = np.concatenate([self.status, np.full(k, TENTATIVE, dtype=np.int8)])
        self.hits = np.concatenate([self.hits, np.ones(k, dtype=np.int64)])
        self.age = np.concatenate([self.age, np.ones(k, dtype=np.int64)])
        self.misses = np.concatenate([self.misses, np.zeros(k, dtype=np.int64)])
        self.n_updates = np.concatenate([self.n_updates, np.ones(k, dtype=np.int64)])
        for i in range(k):
            self._hist[int(ids[i])] = {"born": t, "confirmed": math.nan, "deleted": math.nan, "rows": []}
            self._record(int(ids[i]), t, X0[i], P0[i], int(det_index[i]), int(truth_id[i]), math.nan)
        if self.config.confirm_m == 1:  # M = 1: confirmed at birth
            self.status[-k:] = CONFIRMED
            for i in range(k):
                self._hist[int(ids[i])]["confirmed"] = t

    def _record(self, tid, t, x, P, det, truth, nis):
        self._hist[tid]["rows"].append((t, x.copy(), P.copy(), det, truth, nis))

    # ------------------------------------------------------------------ results
    def result(self) -> TrackerResult:
        tracks = []
        n = self.n
        for tid, h in self._hist.items():
            rows = h["rows"]
            tracks.append(Track(
                track_id=tid,
                times_s=np.array([r[0] for r in rows]),
                states=np.array([r[1] for r in rows]).reshape(-1, n),
                covariances=np.array([r[2] for r in rows]).reshape(-1, n, n),
                detection_index=np.array([r[3] for r in rows], dtype=np.int64),
                truth_id=np.array([r[4] for r in rows], dtype=np.int64),
                nis=np.array([r[5] for r in rows]),
                initiated_time_s=h["born"], confirmed_time_s=h["confirmed"], deleted_time_s=h["deleted"]))
        return TrackerResult(tracks, np.array(self.frame_times), np.array(self.confirmed_count, dtype=np.int64),
                             np.array(self.tentative_count, dtype=np.int64), 0, self.config, self.model)


_R_MIN_M = 6.0e6  # below any point of the ellipsoid (polar radius 6,356.8 km) by > 350 km
_R_MAX_M = 1.0e8  # ~16 Earth radii: beyond any ballistic apogee


def _broken(Xp: np.ndarray, Pp: np.ndarray, cfg: TrackerConfig) -> np.ndarray:
    """Predictions that are no longer a ballistic object: non-finite, inside the Earth or
    far beyond it, faster than twice ``max_speed_m_s``, or with a position sigma above
    ten times ``max_position_sigma_m``."""
    ok = np.isfinite(Xp).all(axis=1) & np.isfinite(Pp).all(axis=(1, 2))
    r = np.linalg.norm(np.where(ok[:, None], Xp[:, :3], _R_MIN_M), axis=1)
    v = np.linalg.norm(np.where(ok[:, None], Xp[:, 3:6], 0.0), axis=1)
    sig = np.sqrt(np.abs(np.trace(np.where(ok[:, None, None], Pp, 0.0)[:, :3, :3], axis1=1, axis2=2)))
    ok &= (r >= _R_MIN_M) & (r <= _R_MAX_M) & (v <= 2.0 * cfg.max_speed_m_s) & (sig <= 10.0 * cfg.max_position_sigma_m)
    return ~ok


def _subset(p: GatedPairs, sel) -> GatedPairs:
    return GatedPairs(p.track[sel], p.det[sel], p.d2[sel], p.innovation[sel], p.S[sel], p.log_det_S[sel])


def _mp_subset(mp: MeasurementPrediction, idx) -> MeasurementPrediction:
    return MeasurementPrediction(mp.z[idx], mp.Pzz[idx], mp.Pxz[idx], None if mp.H is None else mp.H[idx])


# ---------------------------------------------------------------------- entry point

_DETECTION_FIELDS = ("time_s", "range_m", "az_rad", "el_rad", "range_rate_m_s", "sigma_range_m", "sigma_az_rad",
                     "sigma_el_rad", "sigma_range_rate_m_s", "snr_db", "truth_id")


def _as_list(detections):
    if detections is None:
        return []
    if isinstance(detections, list | tuple):
        return list(detections)
    return [detections]


def run_tracker(detections, config: TrackerConfig | None = None, rng: np.random.Generator | None = None) -> TrackerResult:
    """Track everything in ``detections`` and return a :class:`TrackerResult`.

    ``detections``: one radar-room ``Detections`` (arrays (M,) named time_s, range_m,
    az_rad, el_rad, range_rate_m_s, sigma_range_m, sigma_az_rad, sigma_el_rad,
    sigma_range_rate_m_s, snr_db, truth_id, and the site radar_lat_deg, radar_lon_deg,
    radar_alt_m - or lat_deg, lon_deg, alt_m) or a list of them (several radars).  No detections gives an empty, valid result.
    ``rng`` is accepted for the simulation's uniform signature; the tracker itself is
    deterministic and draws nothing from it.
    """
    cfg = config or TrackerConfig()
    sets = _as_list(detections)
    cols = {k: [] for k in _DETECTION_FIELDS}
    site_idx, lats, lons, alts = [], [], [], []
    for s, d in enumerate(sets):
        site_names = ("radar_lat_deg", "radar_lon_deg", "radar_alt_m")
        if not all(hasattr(d, k) for k in site_names):
            site_names = ("lat_deg", "lon_deg", "alt_m")
        missing = [k for k in _DETECTION_FIELDS + site_names if not hasattr(d, k)]
        if missing:
            raise InputError(f"detections lack {', '.join(missing)}", field="detections",
                             hint="pass a thaadsim.sensors.measurements.Detections")
        m = np.asarray(d.time_s).size
        for k in _DETECTION_FIELDS:
            a = np.asarray(getattr(d, k)).reshape(-1)
            if a.size != m:
                raise InputError(f"{k} has {a.size} entries, time_s has {m}", field="detections")
            cols[k].append(a)
        site_idx.append(np.full(m, s, dtype=np.int64))
        lats.append(float(getattr(d, site_names[0])))
        lons.append(float(getattr(d, site_names[1])))
        alts.append(float(getattr(d, site_names[2])))
    model = cfg.motion_model()
    total = sum(a.size for a in cols["time_s"]) if sets else 0
    if total == 0:
        return TrackerResult([], np.zeros(0), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), 0, cfg, model)
    c = {k: np.concatenate(v).astype(np.int64 if k == "truth_id" else float) for k, v in cols.items()}
    site = np.concatenate(site_idx)
    core = np.stack([c["time_s"], c["range_m"], c["az_rad"], c["el_rad"], c["sigma_range_m"], c["sigma_az_rad"],
                     c["sigma_el_rad"]])
    if not np.all(np.isfinite(core)):
        raise InputError("time, range, angles and their sigmas must be finite", field="detections")
    if np.any(c["range_m"] <= 0.0) or np.any(core[4:] <= 0.0):
        raise InputError("ranges and measurement sigmas must be > 0", field="detections")
    with_rr = bool(cfg.use_range_rate and np.all(np.isfinite(c["range_rate_m_s"]))
                   and np.all(np.isfinite(c["sigma_range_rate_m_s"])) and np.all(c["sigma_range_rate_m_s"] > 0.0))
    sites = RadarSites.from_geodetic(lats, lons, alts)
    mgr = TrackManager(cfg, sites, with_rr)
    m = 4 if with_rr else 3
    Zall = np.stack([c["range_m"], c["az_rad"], c["el_rad"]] + ([c["range_rate_m_s"]] if with_rr else []), axis=1)
    sig = np.stack([c["sigma_range_m"], c["sigma_az_rad"], c["sigma_el_rad"]]
                   + ([c["sigma_range_rate_m_s"]] if with_rr else []), axis=1)
    Rall = np.zeros((total, m, m))
    Rall[:, np.arange(m), np.arange(m)] = sig**2
    order = np.lexsort((site, c["time_s"]))
    times = c["time_s"][order]
    sites_o = site[order]
    i = 0
    while i < total:
        t0 = times[i]
        s = sites_o[i]
        j = i + 1
        while j < total and times[j] - t0 <= cfg.frame_window_s and sites_o[j] == s:
            j += 1
        # a frame is one site's detections; another site's detections start a new frame
        sel = order[i:j]
        mgr.process_frame(float(np.mean(c["time_s"][sel])), int(s), Zall[sel], Rall[sel], sel, c["truth_id"][sel])
        i = j
    res = mgr.result()
    res.n_detections = total
    res.detection_truth_id = c["truth_id"]
    return res
