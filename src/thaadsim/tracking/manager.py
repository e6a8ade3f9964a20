"""Multi-target track management: frames of detections in, tracks out.

The tracker is a short loop over components, after Stone Soup's ``MultiTargetTracker``
(stonesoup/tracker/simple.py: an Initiator, a Deleter, a DataAssociator and an
Updater).  One *frame* is the set of detections from one radar site whose time stamps
lie within ``frame_window_s`` of the frame's first detection (a radar scan or dwell);
the frame is processed at the mean of those times (the v * window smear, 3 m for
3 km/s and the default 1 ms, is far below the measurement noise).  Per frame:

1. predict every live track to the frame time (one batch call,
   :func:`~thaadsim.tracking.gating.predict_tracks`; a coasting track's RK4 resumes
   from its previous prediction of the same posterior, bit-identical to starting over);
2. gate (chi-square, probability ``gate_probability``) all tracks against all
   detections through a compiled Cartesian pre-gate and a compiled exact test of the
   candidate pairs (:class:`~thaadsim.tracking.gating.EllipsoidGate`);
3. associate (:mod:`~thaadsim.tracking.associators`, GNN or JPDA): confirmed tracks
   first, so that a tentative track with a wide gate cannot steal a confirmed track's
   detection; tentative tracks then take what is left by GNN;
4. update with the filter (EKF or UKF, :mod:`~thaadsim.tracking.filters`);
5. lifecycle (:mod:`~thaadsim.tracking.lifecycle`): M-of-N confirmation counted over a
   tentative track's first N frames (dropped as soon as M hits have become
   impossible); a confirmed track is deleted after K consecutive frames without a
   detection;
6. initiate (:mod:`~thaadsim.tracking.initiators`) from the detections still
   unclaimed - single-point (position from the detection, velocity from the range
   rate along the line of sight when available and a wide isotropic prior across it)
   or two-point (two unclaimed detections in successive frames whose implied speed is
   below ``max_speed_m_s``).

Every frame is treated as a chance to detect every track (one radar, one surveillance
volume); with several radars of different coverage the miss counts need a per-site
visibility model - not done here.

:func:`run_tracker` runs this loop, or - for the configuration the scenario chain uses
(EKF, GNN, two-point initiation) - the compiled engine that mirrors it over all frames
in one call (:mod:`~thaadsim.tracking.engine`); ``TrackerConfig.engine`` chooses and
``TrackerResult.engine`` names the one that ran.

False alarms need no special treatment: they fail the gates of established tracks or,
under JPDA, enter with the clutter density; the tentative tracks they start die by the
M-of-N rule.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from thaadsim.errors import InputError
from thaadsim.tracking.association import GatedPairs
from thaadsim.tracking.associators import (
    GNNAssociator,
    JPDAAssociator,
    MixtureHypotheses,
)
from thaadsim.tracking.engine import COMPILED, COMPONENTS, EngineKind, run_compiled, unsupported
from thaadsim.tracking.filters import FilterKind, GaussianFilter, MeasurementPrediction, make_filter
from thaadsim.tracking.frame import CONFIRMED, TENTATIVE, Frame, Track, TrackList, TrackTable
from thaadsim.tracking.gating import EllipsoidGate, Prediction, predict_tracks
from thaadsim.tracking.initiators import (
    LnBetaPrior,
    SinglePointInitiator,
    TwoPointInitiator,
)
from thaadsim.tracking.lifecycle import MissDeletion, MOfNConfirmation, step_lifecycle
from thaadsim.tracking.measurement import RadarMeasurementModel, RadarSites
from thaadsim.tracking.models import AtmosphereTable, BallisticModel

AssociationKind = Literal["gnn", "jpda"]
InitiationKind = Literal["single_point", "two_point"]
EarthKind = Literal["wgs84", "sphere"]


@dataclass(frozen=True)
class TrackerConfig:
    """Tracker parameters; units in the names, defaults marked ASSUMED are engineering
    choices, not sourced values."""

    filter: FilterKind = "ekf"
    """'ekf' or 'ukf'."""
    association: AssociationKind = "gnn"
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
    earth: EarthKind = "wgs84"
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
    initiation: InitiationKind = "single_point"
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
    engine: EngineKind = "auto"
    """'auto' (the compiled engine where it supports the configuration, else the
    component loop), 'compiled' (an error where it does not) or 'components' (the
    reference loop); ``TrackerResult.engine`` names the one that ran."""
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
        if self.engine not in ("auto", "compiled", "components"):
            raise InputError(f"unknown engine '{self.engine}'", field="engine",
                             hint="use 'auto', 'compiled' or 'components'")
        if self.engine == "compiled" and (why := unsupported(self)) is not None:
            raise InputError(f"the compiled tracker does not support {why}", field="engine",
                             hint="use engine 'auto' or 'components'")
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



    def confirmation(self) -> MOfNConfirmation:
        return MOfNConfirmation(self.confirm_m, self.confirm_n)

    def deletion(self) -> MissDeletion:
        return MissDeletion(self.delete_after_misses, self.max_position_sigma_m)

    def initiator(self) -> SinglePointInitiator | TwoPointInitiator:
        prior = LnBetaPrior(self.initial_ln_beta, self.initial_ln_beta_sigma)
        if self.initiation == "single_point":
            return SinglePointInitiator(self.initial_speed_sigma_m_s, prior)
        return TwoPointInitiator(self.max_speed_m_s, prior)

    def associator(self, with_range_rate: bool) -> GNNAssociator | JPDAAssociator:
        if self.association == "gnn":
            return GNNAssociator()
        clutter = self.clutter_density
        if clutter is None:
            clutter = 1e-10 if with_range_rate else 1e-6
        return JPDAAssociator(self.p_detect, self.gate_probability, clutter, self.jpda_claim_threshold,
                              self.max_hypotheses)

    def make_filter(self, model: BallisticModel, measurement) -> GaussianFilter:
        if self.filter == "ukf":
            return make_filter("ukf", model, measurement, alpha=self.ukf_alpha, beta=self.ukf_beta,
                               kappa=self.ukf_kappa)
        return make_filter("ekf", model, measurement, second_order=self.ekf_second_order)


@dataclass
class TrackerResult:
    """Everything the tracker produced.  ``tracks`` holds every track ever started
    (confirmed or not); ``frame_times_s`` (F,), ``confirmed_count`` (F,) and
    ``tentative_count`` (F,) the live track counts after each frame."""

    tracks: Sequence[Track]
    frame_times_s: np.ndarray
    confirmed_count: np.ndarray
    tentative_count: np.ndarray
    n_detections: int
    config: TrackerConfig
    model: BallisticModel
    detection_truth_id: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    """truth_id of every detection passed in (-1 false alarm), in input order."""
    engine: str = COMPONENTS
    """The engine that ran: 'compiled' (``engine.run_compiled``) or 'components'."""

    @property
    def confirmed_tracks(self) -> list[Track]:
        if isinstance(self.tracks, TrackList):
            return self.tracks.confirmed()
        return [t for t in self.tracks if t.confirmed]


class TrackManager:
    """Frame-by-frame multi-target tracker (module doc): the live tracks in a
    :class:`~thaadsim.tracking.frame.TrackTable` and the components the config names;
    any component may be passed in instead."""

    def __init__(self, config: TrackerConfig, sites: RadarSites, with_range_rate: bool, *,
                 initiator: SinglePointInitiator | TwoPointInitiator | None = None,
                 associator: GNNAssociator | JPDAAssociator | None = None,
                 confirmation: MOfNConfirmation | None = None, deletion: MissDeletion | None = None):
        self.config = config
        self.model = config.motion_model()
        self.meas = RadarMeasurementModel(sites, with_range_rate)
        self.filter: GaussianFilter = config.make_filter(self.model, self.meas)
        self.initiator = initiator if initiator is not None else config.initiator()
        self.associator = associator if associator is not None else config.associator(with_range_rate)
        self.confirmation = confirmation if confirmation is not None else config.confirmation()
        self.deletion = deletion if deletion is not None else config.deletion()
        self.gnn = GNNAssociator()
        self.n = self.model.ndim
        self.gate = EllipsoidGate(config.gate_probability, self.meas.ndim_meas)
        # a track started from one detection takes its first update without range
        # rate: with a velocity prior of km/s across the line of sight, the predicted
        # range rate is quadratic in that unknown velocity (bias ~ 2 sigma_v^2 dt / r)
        # and no Gaussian filter linearises it well; after one position update the
        # velocity is known to ~ sigma_pos / dt and range rate is near-linear again.
        self._pos_filter = None
        self.gate3 = EllipsoidGate(config.gate_probability, 3)
        if with_range_rate and isinstance(self.initiator, SinglePointInitiator):
            self._pos_filter = config.make_filter(self.model, RadarMeasurementModel(sites, False))
        self.table = TrackTable(self.n)
        self.frame_times: list[float] = []
        self.confirmed_count: list[int] = []
        self.tentative_count: list[int] = []

    @property
    def status(self) -> np.ndarray:
        """TENTATIVE / CONFIRMED of each live track."""
        return self.table.status

    # ------------------------------------------------------------------ frames
    def process_frame(self, t: float, site: int, Z: np.ndarray, R: np.ndarray, det_index: np.ndarray,
                      truth_id: np.ndarray) -> None:
        """Process one frame: Z (M, m), R (M, m, m) measured at time t [s] by ``site``."""
        frame = Frame(t, site, Z, R, det_index, truth_id, self.meas)
        tab = self.table
        T, M = len(tab), len(frame)
        hit = np.zeros(T, dtype=bool)
        claimed = np.zeros(M, dtype=bool)
        broken = np.zeros(T, dtype=bool)
        if T and M:
            pred = predict_tracks(self.filter, tab.X, tab.P, t - tab.t, self.config.max_speed_m_s,
                                  self.config.max_position_sigma_m, tab.resume)
            tab.resume = pred.resume
            broken = pred.broken
            young = (tab.n_updates == 1) if self._pos_filter is not None else np.zeros(T, dtype=bool)
            gated = self._gate(pred, frame, young)
            hyps = self._associate(gated, frame, young, hit, claimed)
            self._update(pred, gated, hyps, frame)
        step_lifecycle(tab, hit, t, self.confirmation, self.deletion, broken)
        if not claimed.all():
            self._initiate(frame.subset(~claimed))
        self.frame_times.append(t)
        self.confirmed_count.append(int(np.sum(tab.status == CONFIRMED)))
        self.tentative_count.append(int(np.sum(tab.status == TENTATIVE)))

    def _gate(self, pred: Prediction, frame: Frame, young: np.ndarray) -> dict:
        """{young?: (gated pairs, filter, measurement prediction, gate)}; a broken
        prediction takes no detection.  The measurement is predicted only for the tracks
        the pre-gate leaves with a candidate (row by row, so the same numbers)."""
        ctx = np.full(len(pred.X), frame.site, dtype=np.int64)
        out = {}
        stages = [(False, self.filter, self.gate, ~young & ~pred.broken)]
        if young.any():
            stages.append((True, self._pos_filter, self.gate3, young & ~pred.broken))
        for is_young, filt, gate, eligible in stages:
            ti, dj = gate.candidates(pred, frame, eligible)
            # candidates come sorted by track: their distinct rows without a sort
            rows = ti[np.flatnonzero(np.diff(ti, prepend=-1))]
            mp = _predict_measurement_rows(filt, pred, ctx, rows)
            out[is_young] = (gate.exact(mp, frame, filt.measurement, ti, dj), filt, mp, gate)
        return out

    def _associate(self, gated: dict, frame: Frame, young: np.ndarray, hit: np.ndarray, claimed: np.ndarray) -> list:
        """Hypotheses stage by stage (confirmed before tentative, established before
        just-started tracks); marks ``hit`` tracks and ``claimed`` detections."""
        T, M = hit.size, claimed.size
        status = self.table.status
        hyps = []
        for stage, is_young in ((CONFIRMED, False), (CONFIRMED, True), (TENTATIVE, False), (TENTATIVE, True)):
            if is_young not in gated:
                continue
            pp, _, _, gate = gated[is_young]
            sub = _subset(pp, (status[pp.track] == stage) & ~claimed[pp.det])
            if len(sub) == 0:
                continue
            if stage == CONFIRMED and not is_young and isinstance(self.associator, JPDAAssociator):
                h = self.associator.associate(T, M, sub)
                hit[h.tracks] = h.hit
                claimed |= h.claimed
                hyps.append((h, sub))
            else:
                h = self.gnn.associate(T, M, sub, gate.threshold, is_young)
                hit[h.tracks] = True
                claimed[h.dets] = True
                hyps.append((h, sub))
        return hyps

    def _update(self, pred: Prediction, gated: dict, hyps: list, frame: Frame) -> None:
        T = len(pred.X)
        X, P = pred.X.copy(), pred.P.copy()
        updated = np.zeros(T, dtype=bool)
        nis = np.full(T, np.nan)
        det = np.full(T, -1, dtype=np.int64)
        for h, sub in hyps:
            if isinstance(h, MixtureHypotheses):
                tr = h.tracks
                pad = h.cand < 0
                rows = np.where(pad, 0, h.cand)
                Zs = np.where(pad[..., None], 0.0, frame.Z[rows])
                m = frame.Z.shape[1]
                Rs = np.where(pad[..., None, None], np.eye(m), frame.R[rows])
                X[tr], P[tr] = self.filter.mixture_update(X[tr], P[tr], _mp_subset(gated[False][2], tr), Zs, Rs,
                                                          h.weights)
                ok = h.best_pair >= 0
                nis[tr[ok]] = sub.d2[h.best_pair[ok]]
                det[tr[ok]] = h.best[ok]
                updated[tr] = True
            elif h.tracks.size:
                _, filt, mp, gate = gated[h.young]
                m = gate.ndim
                ti, dj = h.tracks, h.dets
                res = filt.update_with(X[ti], P[ti], _mp_subset(mp, ti), frame.Z[dj, :m], frame.R[dj, :m, :m])
                X[ti], P[ti] = res.x, res.P
                nis[ti] = res.nis
                det[ti] = dj
                updated[ti] = True
        if self.n == 7 and updated.any():
            X[:, 6] = np.clip(X[:, 6], *self.config.ln_beta_bounds)
        self.table.set_states(frame.t, updated, X, P, det, nis, frame)

    def _initiate(self, frame: Frame) -> None:
        X0, P0, rows = self.initiator.initiate(frame, self.n)
        if rows.size:
            self.table.add(frame.t, X0, P0, frame.det_index[rows], frame.truth_id[rows], self.confirmation.at_birth)

    # ------------------------------------------------------------------ results
    def result(self) -> TrackerResult:
        return TrackerResult(self.table.tracks(), np.array(self.frame_times),
                             np.array(self.confirmed_count, dtype=np.int64),
                             np.array(self.tentative_count, dtype=np.int64), 0, self.config, self.model)


def _subset(p: GatedPairs, sel) -> GatedPairs:
    return GatedPairs(p.track[sel], p.det[sel], p.d2[sel], p.innovation[sel], p.S[sel], p.log_det_S[sel])


def _predict_measurement_rows(filt: GaussianFilter, pred: Prediction, ctx: np.ndarray,
                              rows: np.ndarray) -> MeasurementPrediction:
    """The filter's measurement prediction of the tracks ``rows``, in arrays over all
    tracks (other rows NaN: nothing may read them)."""
    T, n = pred.X.shape
    if rows.size == 0:
        m = filt.measurement.ndim_meas
        nan = np.full((T, m), np.nan)
        return MeasurementPrediction(nan, np.full((T, m, m), np.nan), np.full((T, n, m), np.nan), None)
    sub = filt.predict_measurement(pred.X[rows], pred.P[rows], ctx[rows])

    def full(a):
        if a is None:
            return None
        out = np.full((T,) + a.shape[1:], np.nan)
        out[rows] = a
        return out

    return MeasurementPrediction(full(sub.z), full(sub.Pzz), full(sub.Pxz), full(sub.H))


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


def _frame_bounds(times: np.ndarray, sites: np.ndarray, window_s: float) -> list[tuple[int, int]]:
    """[start, end) of each frame in detections sorted by (time, site): a frame runs from
    its first detection while the time stays within ``window_s`` of it and the site is
    the same (another site's detections start a new frame).

    A gap wider than ``window_s`` between neighbours, or a change of site, always starts
    a frame (``times[g] - t0 >= times[g] - times[g - 1]`` for any earlier t0, rounding
    included), so the detections fall into clusters found at once; a cluster whose whole
    span is within the window is one frame, and only a longer one is split a frame at a
    time, with the same exact comparison ``times[j] - t0 <= window_s``."""
    total = times.size
    if total == 0:
        return []
    brk = np.flatnonzero(~(np.diff(times) <= window_s) | (np.diff(sites) != 0)) + 1
    starts = np.concatenate(([0], brk))
    ends = np.append(brk, total)
    whole = (times[ends - 1] - times[starts] <= window_s).tolist()
    bounds = []
    for i, end, one in zip(starts.tolist(), ends.tolist(), whole, strict=True):
        if one:
            bounds.append((i, end))
            continue
        while i < end:
            t0 = times[i]
            j = i + int(np.searchsorted(times[i:end], t0 + window_s, side="right"))
            # t0 + w rounds; settle the edge with the exact test
            while j < end and times[j] - t0 <= window_s:
                j += 1
            while j > i + 1 and not times[j - 1] - t0 <= window_s:
                j -= 1
            bounds.append((i, max(j, i + 1)))
            i = max(j, i + 1)
    return bounds


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
    # one radar (the usual case): its arrays as they are, not a concatenated copy
    # (truth_id copied all the same: the result keeps it)
    c = {k: np.asarray(v[0], dtype=float) if len(v) == 1 and k != "truth_id"
         else np.concatenate(v).astype(np.int64 if k == "truth_id" else float) for k, v in cols.items()}
    site = np.concatenate(site_idx)
    core = [c[k] for k in ("time_s", "range_m", "az_rad", "el_rad", "sigma_range_m", "sigma_az_rad", "sigma_el_rad")]
    if not all(np.all(np.isfinite(a)) for a in core):
        raise InputError("time, range, angles and their sigmas must be finite", field="detections")
    if any(np.any(a <= 0.0) for a in core[1:2] + core[4:]):
        raise InputError("ranges and measurement sigmas must be > 0", field="detections")
    with_rr = bool(cfg.use_range_rate and np.all(np.isfinite(c["range_rate_m_s"]))
                   and np.all(np.isfinite(c["sigma_range_rate_m_s"])) and np.all(c["sigma_range_rate_m_s"] > 0.0))
    sites = RadarSites.from_geodetic(lats, lons, alts)
    m = 4 if with_rr else 3
    Zall = np.stack([c["range_m"], c["az_rad"], c["el_rad"]] + ([c["range_rate_m_s"]] if with_rr else []), axis=1)
    Rall = np.zeros((total, m, m))
    diag = Rall.reshape(total, m * m)  # a view: each diagonal element is a strided column of it
    for k, name in enumerate(("sigma_range_m", "sigma_az_rad", "sigma_el_rad", "sigma_range_rate_m_s")[:m]):
        np.square(c[name], out=diag[:, k * (m + 1)])  # straight into R, no stacked copy of the sigmas
    # detections that come in (time, site) order (a simulated radar's do) need no sort and
    # no reordered copies: the stable lexsort of ordered keys is the identity
    t_in = c["time_s"]
    in_order = bool(np.all((t_in[1:] > t_in[:-1]) | ((t_in[1:] == t_in[:-1]) & (site[1:] >= site[:-1]))))
    order = np.arange(total) if in_order else np.lexsort((site, t_in))
    times = c["time_s"] if in_order else c["time_s"][order]
    sites_o = site if in_order else site[order]
    bounds = _frame_bounds(times, sites_o, cfg.frame_window_s)
    # np.mean's own sum and division, without its per-call overhead (bit-identical)
    frame_t = np.array([float(np.add.reduce(times[i:j]) / (j - i)) for i, j in bounds])
    if cfg.engine != "components" and unsupported(cfg) is None:
        tracks, n_conf, n_tent = run_compiled(cfg, model, RadarMeasurementModel(sites, with_rr),
                                              Zall if in_order else Zall[order], Rall if in_order else Rall[order],
                                              sites_o, order, c["truth_id"] if in_order else c["truth_id"][order],
                                              bounds, frame_t)
        res = TrackerResult(tracks, frame_t, n_conf, n_tent, 0, cfg, model, engine=COMPILED)
    else:
        mgr = TrackManager(cfg, sites, with_rr)
        for (i, j), t in zip(bounds, frame_t, strict=True):
            sel = order[i:j]
            mgr.process_frame(float(t), int(sites_o[i]), Zall[sel], Rall[sel], sel, c["truth_id"][sel])
        res = mgr.result()
    res.n_detections = total
    res.detection_truth_id = c["truth_id"]
    return res
