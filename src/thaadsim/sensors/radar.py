"""A radar in SI units, built from a catalog record and a mode, with user overrides.

:class:`RadarModel` is what the physics functions take: one site, one mode, the faces,
the limits, and the constant K of the range equation at boresight, so that
SNR = K σ cos^m(θ_off) / R⁴ everywhere (m the scan-loss exponent).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np

from thaadsim.catalog.radars import Radar, RadarMode
from thaadsim.catalog.radars import radar as catalog_radar
from thaadsim.catalog.records import Sourced
from thaadsim.earth import frames
from thaadsim.earth.constants import SPHERE_RADIUS_M, WGS84_A_M, WGS84_E2
from thaadsim.earth.kernels import EARTH_SPHERE, EARTH_WGS84
from thaadsim.errors import InputError
from thaadsim.sensors import kernels as K
from thaadsim.sensors.detection import SPEED_OF_LIGHT_M_S, from_db, gain_from_aperture, snr_search, snr_track


@dataclass(frozen=True)
class Assumption:
    """One parameter as used, for output: value in the unit named, its source and flags."""

    name: str
    value: float
    source: str
    assumed: bool
    note: str | None = None

    def as_dict(self) -> dict:
        return {"name": self.name, "value": self.value, "source": self.source, "assumed": self.assumed, "note": self.note}


@dataclass(frozen=True)
class RadarModel:
    """A radar and mode in SI units (angles in radians, distances in metres).

    ``lat_deg``/``lon_deg``/``alt_m`` give the site (None when no site is set: the
    range equation works without one, line of sight does not).  ``earth`` is
    'wgs84' or 'sphere' (the validation sphere).  ``refraction_k`` = 0 turns the
    4/3-Earth approximation off.
    """

    key: str
    mode: str
    form: str
    frequency_hz: float
    aperture_area_m2: float
    aperture_efficiency: float
    average_power_w: float
    noise_temperature_k: float
    loss: float
    scan_loss_exponent: float
    face_az_rad: tuple[float, ...]
    tilt_rad: float
    scan_limit_rad: float
    min_elevation_rad: float
    max_range_m: float
    search_az_half_width_rad: float
    search_el_max_rad: float
    revisit_s: float
    pfa: float
    bandwidth_hz: float
    beamwidth_factor: float
    monopulse_slope: float
    range_sigma_floor_m: float
    angle_sigma_floor_rad: float
    range_rate_sigma_floor_m_s: float
    refraction_k: float
    refraction_ceiling_m: float
    frame_time_s: float = math.nan
    n_pulses: int = 0
    pulse_width_s: float = math.nan
    prf_hz: float = math.nan
    lat_deg: float | None = None
    lon_deg: float | None = None
    alt_m: float | None = None
    site_label: str | None = None
    earth: str = "wgs84"
    assumptions: tuple[Assumption, ...] = field(default=(), compare=False, repr=False)

    def __post_init__(self) -> None:
        if not 0.0 < self.scan_limit_rad <= 0.5 * math.pi + 1e-12:
            raise InputError(
                f"scan limit {math.degrees(self.scan_limit_rad):g} deg is outside (0, 90]",
                field="--scan-limit-deg",
                hint="a planar face cannot steer beyond 90 deg off its normal",
            )
        if not -0.5 * math.pi <= self.min_elevation_rad < 0.5 * math.pi:
            raise InputError(
                f"minimum elevation {math.degrees(self.min_elevation_rad):g} deg is outside [-90, 90)",
                field="--min-elevation-deg",
            )
        if self.earth not in ("wgs84", "sphere"):
            raise InputError(f"unknown Earth model '{self.earth}'", field="earth", hint="use 'wgs84' or 'sphere'")
        for name in ("frequency_hz", "aperture_area_m2", "average_power_w", "noise_temperature_k", "max_range_m"):
            if not getattr(self, name) > 0:
                raise InputError(f"{name} must be > 0", field=name)
        if self.alt_m is not None and self.alt_m < -500.0:
            raise InputError(f"radar altitude {self.alt_m:g} m is below ground", field="--site")

    # ------------------------------------------------------------------ derived quantities
    @property
    def wavelength_m(self) -> float:
        return SPEED_OF_LIGHT_M_S / self.frequency_hz

    @property
    def effective_aperture_m2(self) -> float:
        return self.aperture_area_m2 * self.aperture_efficiency

    @property
    def gain(self) -> float:
        """Boresight gain 4π A_e / λ² [-]."""
        return gain_from_aperture(self.effective_aperture_m2, self.wavelength_m)

    @property
    def beamwidth_rad(self) -> float:
        """Boresight 3 dB beamwidth θ = factor · λ / √(area) [rad]."""
        return self.beamwidth_factor * self.wavelength_m / math.sqrt(self.aperture_area_m2)

    @property
    def beam_solid_angle_sr(self) -> float:
        """Beam solid angle θ_3dB² [sr] (a pencil beam, square cell)."""
        return self.beamwidth_rad**2

    @property
    def search_solid_angle_sr(self) -> float:
        """Solid angle of the search sector [sr]: 2·half-width·(sin el_max − sin el_min)."""
        return (
            2.0
            * self.search_az_half_width_rad
            * (math.sin(self.search_el_max_rad) - math.sin(max(self.min_elevation_rad, 0.0)))
        )

    @property
    def duty_cycle(self) -> float:
        return self.pulse_width_s * self.prf_hz if self.form == "dwell" else math.nan

    @property
    def peak_power_w(self) -> float:
        """Peak power P_avg / duty (dwell form) [W]."""
        return self.average_power_w / self.duty_cycle if self.form == "dwell" else math.nan

    @property
    def dwell_s(self) -> float:
        """Time on one beam position [s]: n/PRF (dwell form) or t_s Ω_beam / Ω (search form)."""
        if self.form == "dwell":
            return self.n_pulses / self.prf_hz
        return self.frame_time_s * self.beam_solid_angle_sr / self.search_solid_angle_sr

    @property
    def range_resolution_m(self) -> float:
        return SPEED_OF_LIGHT_M_S / (2.0 * self.bandwidth_hz)

    def snr(self, range_m, rcs_m2, cos_off=1.0):
        """Mean SNR (linear) at slant range ``range_m`` for cross-section ``rcs_m2``.

        Free space (no line-of-sight test); ``cos_off`` the cosine of the steering angle
        off the face normal (scan loss cos^m).
        """
        common = dict(noise_temperature_k=self.noise_temperature_k, loss=self.loss)
        if self.form == "dwell":
            g = self.gain
            s = snr_track(
                range_m,
                rcs_m2,
                peak_power_w=self.peak_power_w,
                gain_tx=g,
                gain_rx=g,
                wavelength_m=self.wavelength_m,
                n_pulses=self.n_pulses,
                bandwidth_hz=1.0 / self.pulse_width_s,  # matched filter, B τ = 1
                **common,
            )
        else:
            s = snr_search(
                range_m,
                rcs_m2,
                average_power_w=self.average_power_w,
                effective_aperture_m2=self.effective_aperture_m2,
                frame_time_s=self.frame_time_s,
                solid_angle_sr=self.search_solid_angle_sr,
                **common,
            )
        return s * np.asarray(cos_off, dtype=float) ** self.scan_loss_exponent

    @property
    def k_snr_m2(self) -> float:
        """K in SNR = K σ / R⁴ at boresight [m²]."""
        return float(self.snr(1.0, 1.0))

    def free_space_range_m(self, rcs_m2, snr_required):
        """Range [m] at which the boresight SNR equals ``snr_required`` (linear)."""
        return (self.k_snr_m2 * np.asarray(rcs_m2, dtype=float) / np.asarray(snr_required, dtype=float)) ** 0.25

    # ------------------------------------------------------------------ geometry
    @property
    def has_site(self) -> bool:
        return self.lat_deg is not None

    def require_site(self) -> None:
        if not self.has_site:
            raise InputError("this needs the radar's site", field="--site", hint="give a site key or 'LAT,LON'")

    @property
    def earth_code(self) -> int:
        return EARTH_SPHERE if self.earth == "sphere" else EARTH_WGS84

    @property
    def r_ecef(self) -> np.ndarray:
        self.require_site()
        return np.asarray(frames.geodetic_to_ecef(self.lat_deg, self.lon_deg, self.alt_m, self.earth), dtype=float)

    @property
    def enu(self) -> np.ndarray:
        """Rows: east, north, up unit vectors at the site, in ECEF."""
        self.require_site()
        return np.asarray(frames.enu_rotation(self.lat_deg, self.lon_deg, self.earth), dtype=float)

    def face_normals_ecef(self) -> np.ndarray:
        """(F, 3) unit normals of the faces in ECEF."""
        e, n, u = self.enu
        ct, st = math.cos(self.tilt_rad), math.sin(self.tilt_rad)
        rows = [ct * math.sin(a) * e + ct * math.cos(a) * n + st * u for a in self.face_az_rad]
        return np.ascontiguousarray(rows, dtype=float)

    @property
    def local_radius_m(self) -> float:
        """Gaussian mean radius of curvature √(M N) at the site [m] (sphere: R)."""
        if self.earth == "sphere":
            return SPHERE_RADIUS_M
        s2 = math.sin(math.radians(self.lat_deg)) ** 2
        w = 1.0 - WGS84_E2 * s2
        return WGS84_A_M * math.sqrt(1.0 - WGS84_E2) / w

    def kernel_params(self, swerling: int = 1) -> tuple[np.ndarray, np.ndarray]:
        """(p, faces) for the compiled kernels (see ``sensors/kernels.py``)."""
        if swerling not in (0, 1, 2, 3, 4):
            raise InputError(f"Swerling case {swerling} is not 0..4", field="--swerling")
        p = np.zeros(K.N_PARAMS)
        p[K.P_RX : K.P_RZ + 1] = self.r_ecef
        e, n, u = self.enu
        p[K.P_EX : K.P_EZ + 1] = e
        p[K.P_NX : K.P_NZ + 1] = n
        p[K.P_UX : K.P_UZ + 1] = u
        p[K.P_COS_SCAN] = math.cos(self.scan_limit_rad)
        p[K.P_MIN_EL] = self.min_elevation_rad
        p[K.P_EARTH] = self.earth_code
        p[K.P_K_REFR] = self.refraction_k
        p[K.P_REFR_CEIL] = self.refraction_ceiling_m
        p[K.P_R_LOCAL] = self.local_radius_m
        p[K.P_H_RADAR] = self.alt_m
        p[K.P_MAX_RANGE] = self.max_range_m
        p[K.P_K_SNR] = self.k_snr_m2
        p[K.P_SCAN_EXP] = self.scan_loss_exponent
        p[K.P_LN_PFA] = math.log(self.pfa)
        p[K.P_SWERLING] = swerling
        p[K.P_LAT] = math.radians(self.lat_deg)
        p[K.P_LON] = math.radians(self.lon_deg)
        return p, self.face_normals_ecef()

    def with_site(self, lat_deg: float, lon_deg: float, alt_m: float, label: str | None = None) -> RadarModel:
        return replace(self, lat_deg=float(lat_deg), lon_deg=float(lon_deg), alt_m=float(alt_m), site_label=label)

    def with_(self, **changes) -> RadarModel:
        """A copy with SI fields changed (checked again)."""
        return replace(self, **changes)

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_catalog(
        cls,
        radar: str | Radar = "an-tpy-2",
        mode: str | None = None,
        *,
        site=None,
        boresight_az_deg: float | None = None,
        scan_limit_deg: float | None = None,
        min_elevation_deg: float | None = None,
        earth: str = "wgs84",
        refraction: bool = True,
    ) -> RadarModel:
        """Build from the catalog.  ``site`` is a ``Location`` (``lat_deg``, ``lon_deg``,
        ``alt_m``, ``label``) or None; overrides replace the mode's values."""
        rec = catalog_radar(radar) if isinstance(radar, str) else radar
        m: RadarMode = rec.mode(mode) if mode is not None else rec.modes[0]
        used: list[Assumption] = []

        def take(name: str, s: Sourced | None, override=None, override_source="user") -> float:
            if override is not None:
                used.append(Assumption(name, float(override), override_source, False, "set on the command line"))
                return float(override)
            assert s is not None
            used.append(Assumption(name, s.value, s.source, s.assumed, s.note))
            return s.value

        for value, label in ((scan_limit_deg, "--scan-limit-deg"), (boresight_az_deg, "--boresight-az-deg")):
            if value is not None and not math.isfinite(value):
                raise InputError(f"{value} is not a finite number", field=label)
        if scan_limit_deg is not None and not 0.0 < scan_limit_deg <= 90.0:
            raise InputError(
                f"scan limit {scan_limit_deg:g} deg is outside (0, 90]",
                field="--scan-limit-deg",
                hint="a planar face cannot steer beyond 90 deg off its normal",
            )
        freq = take("frequency_ghz", rec.frequency_ghz) * 1e9
        area = take("aperture_area_m2", rec.aperture_area_m2)
        eff = take("aperture_efficiency", rec.aperture_efficiency)
        power = take("average_power_kw", rec.average_power_kw) * 1e3
        tsys = take("noise_temperature_k", rec.noise_temperature_k)
        loss = float(from_db(take("losses_db", rec.losses_db)))
        scan_exp = take("scan_loss_exponent", rec.scan_loss_exponent)
        bw_factor = take("beamwidth_factor", rec.beamwidth_factor)
        km = take("monopulse_slope", rec.monopulse_slope)
        floor_r = take("range_sigma_floor_m", rec.range_sigma_floor_m)
        floor_a = take("angle_sigma_floor_mrad", rec.angle_sigma_floor_mrad) * 1e-3
        floor_v = take("range_rate_sigma_floor_m_s", rec.range_rate_sigma_floor_m_s)
        k_refr = take("refraction_k", rec.refraction_k) if refraction else 0.0
        ceil = take("refraction_ceiling_km", rec.refraction_ceiling_km) * 1e3
        az0 = take("boresight_az_deg", m.boresight_az_deg, boresight_az_deg)
        faces = tuple(math.radians((az0 + off) % 360.0) for off in [0.0, *m.extra_face_offsets_deg])
        kwargs = dict(
            key=rec.key,
            mode=m.key,
            form=m.form,
            frequency_hz=freq,
            aperture_area_m2=area,
            aperture_efficiency=eff,
            average_power_w=power,
            noise_temperature_k=tsys,
            loss=loss,
            scan_loss_exponent=scan_exp,
            face_az_rad=faces,
            tilt_rad=math.radians(take("tilt_deg", m.tilt_deg)),
            scan_limit_rad=math.radians(take("scan_limit_deg", m.scan_limit_deg, scan_limit_deg)),
            min_elevation_rad=math.radians(take("min_elevation_deg", m.min_elevation_deg, min_elevation_deg)),
            max_range_m=take("instrumented_range_km", m.instrumented_range_km) * 1e3,
            search_az_half_width_rad=math.radians(take("search_az_half_width_deg", m.search_az_half_width_deg)),
            search_el_max_rad=math.radians(take("search_el_max_deg", m.search_el_max_deg)),
            revisit_s=take("revisit_s", m.revisit_s),
            pfa=take("pfa", m.pfa),
            bandwidth_hz=take("bandwidth_mhz", m.bandwidth_mhz) * 1e6,
            beamwidth_factor=bw_factor,
            monopulse_slope=km,
            range_sigma_floor_m=floor_r,
            angle_sigma_floor_rad=floor_a,
            range_rate_sigma_floor_m_s=floor_v,
            refraction_k=k_refr,
            refraction_ceiling_m=ceil,
            earth=earth,
        )
        if m.form == "search":
            kwargs["frame_time_s"] = take("frame_time_s", m.frame_time_s)
        else:
            kwargs["n_pulses"] = int(take("n_pulses", m.n_pulses))
            kwargs["pulse_width_s"] = take("pulse_width_ms", m.pulse_width_ms) * 1e-3
            kwargs["prf_hz"] = take("prf_hz", m.prf_hz)
        if site is not None:
            if site.alt_m < -500.0:
                raise InputError(f"site altitude {site.alt_m:g} m is below ground", field="--site")
            kwargs.update(lat_deg=site.lat_deg, lon_deg=site.lon_deg, alt_m=site.alt_m, site_label=site.label)
        return cls(**kwargs, assumptions=tuple(used))

    def assumptions_table(self) -> list[dict]:
        return [a.as_dict() for a in self.assumptions]


def reference_criterion(radar: str | Radar, mode: str) -> tuple[float, float, int]:
    """(reference RCS [m²], Pd, Swerling) with which a mode's quoted ranges are compared."""
    rec = catalog_radar(radar) if isinstance(radar, str) else radar
    m = rec.mode(mode)
    return m.reference_rcs_m2.value, m.reference_pd.value, int(m.reference_swerling.value)


__all__ = ["Assumption", "RadarModel", "reference_criterion"]
