"""Radar measurements: detections with noise that grows as SNR falls, and false alarms.

For each target sample (time, ECEF position and velocity, cross-section):

1. line of sight, mean SNR and the geometry from the compiled look kernel;
2. the target's fluctuation for this look (Swerling 0: none; 1/2: exponential;
   3/4: chi-square with 4 degrees of freedom — one draw per look, since the dwell is
   one coherently integrated sample, so 1≡2 and 3≡4);
3. the detection itself, simulated exactly: a complex sample √x·e^{iφ} plus unit
   complex Gaussian noise is compared with the threshold T = −ln Pfa (so the
   detection rate is the exact Pd of the Swerling case);
4. the noise σ from the look's SNR x (as a radar estimates it), each combined in
   quadrature with a bias-free floor:
   range σ = c / (2 B √(2x)); angle σ = θ_3dB / (cos θ_off · k_m √(2x)) (beam
   broadened by the steering angle θ_off), azimuth σ = that / cos(el);
   range-rate σ = (λ / (2 T_coh)) / √(2x), T_coh the coherent dwell;
5. Gaussian noise with those σ added to range, azimuth, elevation and range rate.

False alarms: at each distinct look time, Poisson(Pfa × cells) of them, cells = beam
positions in the surveillance sector × range cells in its range window; each uniform
over the cells (uniform in solid angle and in range), range rate uniform over
±``FALSE_ALARM_RANGE_RATE_M_S``, power T + Exp(1) over the noise.  Elevation is
measured from the local ellipsoid normal (apparent elevation where the 4/3-Earth
rule applies — no refraction *bias* is modelled); the radar is fixed to the Earth.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

import numpy as np

from thaadsim.errors import InputError
from thaadsim.sensors.detection import SPEED_OF_LIGHT_M_S
from thaadsim.sensors.geometry import look
from thaadsim.sensors.radar import RadarModel

FALSE_ALARM_RANGE_RATE_M_S = 8000.0
"""Half-span of the Doppler filters over which false-alarm range rates spread [m/s] (assumed)."""


@dataclass(frozen=True)
class Detections:
    """Detections of one radar, sorted by time; arrays of shape (M,).

    Angles in radians (azimuth clockwise from north in [0, 2π), elevation from the local
    ellipsoid normal), SI units; ``truth_id`` is the target's id, −1 for a false alarm;
    ``snr_db`` the look's SNR.  The radar's site is ``radar_lat_deg``/``radar_lon_deg``
    (geodetic) and ``radar_alt_m``.
    """

    time_s: np.ndarray
    range_m: np.ndarray
    az_rad: np.ndarray
    el_rad: np.ndarray
    range_rate_m_s: np.ndarray
    sigma_range_m: np.ndarray
    sigma_az_rad: np.ndarray
    sigma_el_rad: np.ndarray
    sigma_range_rate_m_s: np.ndarray
    snr_db: np.ndarray
    truth_id: np.ndarray
    radar_lat_deg: float
    radar_lon_deg: float
    radar_alt_m: float

    def __len__(self) -> int:
        return int(self.time_s.shape[0])

    # the site under the short names the tracker reads
    @property
    def lat_deg(self) -> float:
        return self.radar_lat_deg

    @property
    def lon_deg(self) -> float:
        return self.radar_lon_deg

    @property
    def alt_m(self) -> float:
        return self.radar_alt_m

    def select(self, mask) -> Detections:
        """The detections where ``mask`` is true."""
        kw = {}
        for f in fields(self):
            v = getattr(self, f.name)
            kw[f.name] = v[mask] if isinstance(v, np.ndarray) else v
        return Detections(**kw)


@dataclass(frozen=True)
class Surveillance:
    """The volume false alarms fall in: an azimuth sector about ``az_center_rad``
    (± ``az_half_width_rad``), elevations [el_min_rad, el_max_rad], ranges [range_min_m, range_max_m]."""

    az_center_rad: float
    az_half_width_rad: float
    el_min_rad: float
    el_max_rad: float
    range_min_m: float
    range_max_m: float

    @classmethod
    def of(cls, radar: RadarModel) -> Surveillance:
        """The mode's search sector and instrumented range window."""
        return cls(
            radar.face_az_rad[0],
            radar.search_az_half_width_rad,
            max(radar.min_elevation_rad, 0.0),
            radar.search_el_max_rad,
            radar.range_resolution_m,
            radar.max_range_m,
        )

    @property
    def solid_angle_sr(self) -> float:
        return 2.0 * self.az_half_width_rad * (math.sin(self.el_max_rad) - math.sin(self.el_min_rad))

    def cells(self, radar: RadarModel) -> float:
        """Resolution cells: beam positions × range cells."""
        beams = self.solid_angle_sr / radar.beam_solid_angle_sr
        ranges = (self.range_max_m - self.range_min_m) / radar.range_resolution_m
        return max(beams, 0.0) * max(ranges, 0.0)


def noise_params(radar: RadarModel, sv: Surveillance | None = None) -> np.ndarray:
    """The radar's noise figures (and ``sv``'s sector, for false alarms) as the compiled
    kernels read them (``sensors.kernels.Q_*``)."""
    from thaadsim.sensors import kernels as k

    q = np.zeros(k.N_NOISE_PARAMS)
    q[k.Q_C] = SPEED_OF_LIGHT_M_S
    q[k.Q_TWO_B] = 2.0 * radar.bandwidth_hz
    q[k.Q_BEAM] = radar.beamwidth_rad
    q[k.Q_SLOPE] = radar.monopulse_slope
    q[k.Q_ANGLE_FLOOR] = radar.angle_sigma_floor_rad
    q[k.Q_RANGE_FLOOR] = radar.range_sigma_floor_m
    q[k.Q_RR_NUM] = radar.wavelength_m / (2.0 * radar.dwell_s)
    q[k.Q_RR_FLOOR] = radar.range_rate_sigma_floor_m_s
    if sv is not None:
        q[k.Q_AZ_CENTER] = sv.az_center_rad
        q[k.Q_AZ_HALF] = sv.az_half_width_rad
        q[k.Q_COS_TILT] = math.cos(radar.tilt_rad)
        q[k.Q_SIN_TILT] = math.sin(radar.tilt_rad)
        q[k.Q_FACE_AZ] = radar.face_az_rad[0]
    return q


def sigmas(radar: RadarModel, snr, cos_off, el_rad):
    """(σ_range [m], σ_az [rad], σ_el [rad], σ_range_rate [m/s]) at linear SNR ``snr``
    (the module doc's step 4), broadcast over the three inputs:
    σ_range = hypot(c / (2 B √(2x)), floor); σ_el = hypot(θ_3dB / (clip(cos θ_off) k_m √(2x)), floor),
    σ_az = σ_el / clip(cos el); σ_range_rate = hypot(λ / (2 T) / √(2x), floor); x at least 1e-12,
    cosines clipped to [1e-3, 1].  One compiled pass (``sensors.kernels.sigmas_batch``): a
    run's ~10^5 false alarms a look-set made it a tenth of a replica's work outside the tracker."""
    from thaadsim.sensors.kernels import sigmas_batch

    x, c, e = np.broadcast_arrays(np.asarray(snr, dtype=float), np.asarray(cos_off, dtype=float),
                                  np.asarray(el_rad, dtype=float))
    rows = sigmas_batch(*(np.ascontiguousarray(a).reshape(-1) for a in (x, c, e)), noise_params(radar))
    return tuple(rows[k].reshape(x.shape) for k in range(4))


def _fluctuate(snr_mean, swerling, rng):
    if swerling == 0:
        return snr_mean.copy()
    if swerling in (1, 2):
        return snr_mean * rng.standard_exponential(snr_mean.shape)
    if swerling in (3, 4):
        return snr_mean * rng.gamma(2.0, 0.5, snr_mean.shape)
    raise InputError(f"Swerling case {swerling} is not 0..4", field="--swerling")


@dataclass(frozen=True)
class TargetGeometry:
    """What :func:`measure` computes before its first draw: the look (line of sight, mean SNR,
    range and angles) and the true range rate of each target sample.  It depends on the
    truth alone, so runs that measure the same truth with other seeds compute it once
    (:func:`target_geometry`) and pass it in."""

    look: object
    """``sensors.geometry.Look`` of the samples."""
    range_rate_m_s: np.ndarray


def target_geometry(radar: RadarModel, r_ecef, v_ecef, rcs_m2, *, swerling: int = 1) -> TargetGeometry:
    """The seed-independent part of :func:`measure` for samples at ``r_ecef``, ``v_ecef`` (M, 3)."""
    r = np.asarray(r_ecef, dtype=float).reshape(-1, 3)
    v = np.asarray(v_ecef, dtype=float).reshape(-1, 3)
    lk = look(radar, r, rcs_m2, swerling=swerling)
    u = (r - radar.r_ecef) / np.maximum(lk.range_m, 1e-9)[:, None]
    return TargetGeometry(lk, np.einsum("ij,ij->i", u, v))


def measure(
    radar: RadarModel,
    time_s,
    r_ecef,
    v_ecef,
    rcs_m2,
    rng: np.random.Generator,
    *,
    truth_id=None,
    swerling: int = 1,
    false_alarms: bool = True,
    surveillance: Surveillance | None = None,
    geometry: TargetGeometry | None = None,
) -> Detections:
    """Detections of target samples (M,) at ``time_s`` with ECEF ``r_ecef``, ``v_ecef``
    (M, 3) [m, m/s] and ``rcs_m2`` (scalar or (M,)); ``truth_id`` (M,) ints (default:
    the sample's target index 0).  Every random draw comes from ``rng``.  ``geometry``:
    :func:`target_geometry` of the same samples, radar, cross-sections and Swerling case,
    computed earlier (the draws, and so the detections, are the same)."""
    if not isinstance(rng, np.random.Generator):
        raise InputError("pass a numpy.random.Generator", field="rng")
    t = np.atleast_1d(np.asarray(time_s, dtype=float))
    r = np.asarray(r_ecef, dtype=float).reshape(-1, 3)
    v = np.asarray(v_ecef, dtype=float).reshape(-1, 3)
    m = t.shape[0]
    if r.shape[0] != m or v.shape[0] != m:
        raise InputError(f"time_s ({m}), r_ecef {r.shape} and v_ecef {v.shape} must agree", field="r_ecef")
    ids = np.zeros(m, dtype=np.int64) if truth_id is None else np.broadcast_to(np.asarray(truth_id, dtype=np.int64), (m,))
    if geometry is None:
        geometry = target_geometry(radar, r, v, rcs_m2, swerling=swerling)
    elif geometry.range_rate_m_s.shape != (m,):
        raise InputError(f"geometry of {geometry.range_rate_m_s.shape[0]} samples for {m}", field="geometry")
    lk = geometry.look
    x = _fluctuate(lk.snr, swerling, rng)
    thr = -math.log(radar.pfa)
    # exact detection draw: |√x e^{iφ} + n|² > T with n ~ CN(0, 1)
    noise = rng.standard_normal((m, 2)) * math.sqrt(0.5)
    power = (np.sqrt(x) + noise[:, 0]) ** 2 + noise[:, 1] ** 2
    hit = lk.visible & (power > thr)
    rr_true = geometry.range_rate_m_s
    s_r, s_az, s_el, s_v = sigmas(radar, x, lk.cos_off_boresight, lk.el_rad)
    e = rng.standard_normal((m, 4))
    out = {
        "time_s": t,
        "range_m": lk.range_m + s_r * e[:, 0],
        "az_rad": np.mod(lk.az_rad + s_az * e[:, 1], 2.0 * np.pi),
        "el_rad": lk.el_rad + s_el * e[:, 2],
        "range_rate_m_s": rr_true + s_v * e[:, 3],
        "sigma_range_m": s_r,
        "sigma_az_rad": s_az,
        "sigma_el_rad": s_el,
        "sigma_range_rate_m_s": s_v,
        "snr_db": 10.0 * np.log10(np.maximum(x, 1e-300)),
        "truth_id": ids,
    }
    out = {k: np.asarray(a)[hit] for k, a in out.items()}
    if false_alarms:
        fa = _false_alarms(radar, np.unique(t), rng, surveillance or Surveillance.of(radar))
        out = {k: np.concatenate([out[k], fa[k]]) for k in out}
    order = np.argsort(out["time_s"], kind="stable")
    return Detections(
        **{k: a[order] for k, a in out.items()},
        radar_lat_deg=float(radar.lat_deg),
        radar_lon_deg=float(radar.lon_deg),
        radar_alt_m=float(radar.alt_m),
    )


def _false_alarms(radar: RadarModel, times: np.ndarray, rng: np.random.Generator, sv: Surveillance) -> dict:
    rate = radar.pfa * sv.cells(radar)
    counts = rng.poisson(rate, times.shape[0])
    n = int(counts.sum())
    t = np.repeat(times, counts)
    u_az = rng.uniform(-1.0, 1.0, n)
    el = np.arcsin(rng.uniform(math.sin(sv.el_min_rad), math.sin(sv.el_max_rad), n))
    rg = rng.uniform(sv.range_min_m, sv.range_max_m, n)
    rr = rng.uniform(-FALSE_ALARM_RANGE_RATE_M_S, FALSE_ALARM_RANGE_RATE_M_S, n)
    x = rng.standard_exponential(n)  # power over noise, minus the noise: -ln(P_fa) + Exp(1) - 1
    x += -math.log(radar.pfa)  # in place (no temporaries of ~10^5 draws); a + b == b + a exactly
    x -= 1.0
    np.maximum(x, 1e-3, out=x)
    # azimuth in the sector, the steering angle off the first face (for the beam broadening)
    # and the sigmas in one compiled pass; arcsin and log10 stay numpy's (its SIMD versions
    # round differently from libm's in the last bit)
    from thaadsim.sensors.kernels import false_alarm_batch

    az, s_r, s_az, s_el, s_v = false_alarm_batch(u_az, el, x, noise_params(radar, sv))
    return {
        "time_s": t,
        "range_m": rg,
        "az_rad": az,
        "el_rad": el,
        "range_rate_m_s": rr,
        "sigma_range_m": s_r,
        "sigma_az_rad": s_az,
        "sigma_el_rad": s_el,
        "sigma_range_rate_m_s": s_v,
        "snr_db": np.multiply(np.log10(x), 10.0, out=x),  # x is read no more
        "truth_id": np.full(n, -1, dtype=np.int64),
    }


def false_alarm_detections(radar: RadarModel, times_s, rng: np.random.Generator,
                           surveillance: Surveillance | None = None) -> Detections:
    """False alarms alone at the look times ``times_s`` over ``surveillance`` (default: the
    mode's whole search field) - for runs that measure several target sets separately."""
    t = np.unique(np.asarray(times_s, dtype=float))
    # each look's false alarms repeat its time, looks ascending: already in time order
    fa = _false_alarms(radar, t, rng, surveillance or Surveillance.of(radar))
    return Detections(**fa, radar_lat_deg=float(radar.lat_deg), radar_lon_deg=float(radar.lon_deg),
                      radar_alt_m=float(radar.alt_m))


def merge_detections(parts: list[Detections]) -> Detections:
    """One radar's detections from several calls, in time order (stable)."""
    if not parts:
        raise InputError("nothing to merge", field="detections")
    names = [f.name for f in fields(Detections) if not f.name.startswith("radar_")]
    times = [p.time_s for p in parts]
    if all(np.all(t[1:] >= t[:-1]) for t in times):
        # parts each in time order (as measure and false_alarm_detections give them): the
        # place of each detection in the stable sort of their concatenation is its place in
        # its part plus the detections of earlier parts at or before its time and of later
        # parts before it - one scatter per column instead of a sort and a gather
        places = [np.arange(t.size) for t in times]
        for i, t in enumerate(times):
            for j in range(i + 1, len(times)):
                u = times[j]
                # one search per pair, the smaller part into the larger (a run's ~10^5 false
                # alarms into its ~10^3 target detections cost a binary search each): the
                # other part's counts follow from it - an element of the earlier part i
                # comes before u[y] iff its search into u (side left: ties go to the
                # earlier part) is at most y, and an element of u before t[x] iff its search
                # into t (side right) is at most x
                if t.size <= u.size:
                    before = np.searchsorted(u, t, side="left")
                    places[i] += before
                    places[j] += np.cumsum(np.bincount(before, minlength=u.size + 1))[:u.size]
                else:
                    before = np.searchsorted(t, u, side="right")
                    places[j] += before
                    places[i] += np.cumsum(np.bincount(before, minlength=t.size + 1))[:t.size]
        cols = {}
        for k in names:
            values = [getattr(p, k) for p in parts]
            cols[k] = np.empty(sum(v.shape[0] for v in values), dtype=np.result_type(*values))
            for v, at in zip(values, places, strict=True):
                cols[k][at] = v
    else:
        cols = {k: np.concatenate([getattr(p, k) for p in parts]) for k in names}
        order = np.argsort(cols["time_s"], kind="stable")
        cols = {k: a[order] for k, a in cols.items()}
    first = parts[0]
    return Detections(**cols, radar_lat_deg=first.radar_lat_deg, radar_lon_deg=first.radar_lon_deg,
                      radar_alt_m=first.radar_alt_m)


def look_times(radar: RadarModel, t_start_s: float, t_end_s: float) -> np.ndarray:
    """Look times every revisit interval from ``t_start_s`` to ``t_end_s`` inclusive."""
    n = int(math.floor((t_end_s - t_start_s) / radar.revisit_s + 1e-9)) + 1
    return t_start_s + radar.revisit_s * np.arange(max(n, 0))


__all__ = ["FALSE_ALARM_RANGE_RATE_M_S", "Detections", "Surveillance", "TargetGeometry", "false_alarm_detections",
           "look_times", "measure", "merge_detections", "noise_params", "sigmas", "target_geometry"]
