"""The interceptor as the flight engine flies it: a single-stage booster and a kill vehicle.

:class:`InterceptorModel` holds the catalog's interceptor in SI units (one place where
km, km/s and degrees become m, m/s and radians) and builds the flight engine's
:class:`~thaadsim.flight.vehicle.Vehicle` from it.  The steering law is the engine's:
no vertical rise, a short pitch-over ``kick`` toward an azimuth (it stands for the
launcher's elevation, 90° − kick), then a gravity turn.  After burnout the spent
booster and the kill vehicle coast as one stack (booster dry mass + kill vehicle, the
booster's drag curve on its cross-section) until the stack climbs through the
separation altitude; from there the kill vehicle flies on alone with its own
ballistic coefficient (the flight engine's stack model, STACK_SPEC.md).  A fly-out
is one such flight, sampled on a fixed time grid.

The propellant load is the one number fitted: :func:`fit_propellant_kg` finds the
load at which the engine's burnout speed on the reference fly-out equals the
catalog burnout speed (the weak 2.8 km/s press figure), everything else held.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np

from thaadsim.catalog.interceptors import Interceptor, interceptor
from thaadsim.catalog.loader import resolve_location
from thaadsim.errors import InputError
from thaadsim.flight.engine import FlightBatch, FlightOptions, fly
from thaadsim.flight.vehicle import BOOST_CD_SOURCE, Stage, Vehicle, assumed_values

FLYOUT_MARGIN_S = 10.0
"""Fly-outs are integrated this much past the envelope's time budget [s]."""


@dataclass(frozen=True)
class InterceptorModel:
    """A hit-to-kill interceptor in SI units (built from the catalog by ``from_catalog``)."""

    name: str
    launch_mass_kg: float
    """Mass at lift-off [kg]."""
    propellant_kg: float
    """Booster propellant [kg] (fitted to the burnout speed)."""
    kill_vehicle_kg: float
    """Mass flying on after separation from the booster (kill vehicle + shroud) [kg]."""
    kill_vehicle_beta_kg_m2: float
    """Ballistic coefficient of the kill vehicle after separation from the booster [kg/m^2]."""
    separation_alt_m: float
    """Geodetic altitude at which the kill vehicle leaves the spent booster [m]."""
    diameter_m: float
    """Booster diameter, sets the boost drag reference area [m]."""
    burn_s: float
    """Booster burn time [s]."""
    isp_sl_s: float
    """Sea-level specific impulse [s]."""
    isp_vac_s: float
    """Vacuum specific impulse [s]."""
    vertical_rise_s: float
    """Vertical rise before the pitch-over [s]."""
    pitchover_s: float
    """Pitch-over duration [s]."""
    burnout_speed_m_s: float
    """Catalog burnout speed [m/s] (weak open figure, a parameter)."""
    reference_kick_deg: float
    """Kick of the fly-out on which the burnout speed is read [deg]."""
    min_alt_m: float
    """Lowest intercept altitude [m]."""
    max_alt_m: float
    """Highest intercept altitude [m]."""
    max_range_m: float
    """Largest intercept ground range [m]."""
    max_flyout_s: float
    """Longest fly-out time accepted [s]."""
    max_threat_speed_m_s: float
    """Fastest target speed engaged [m/s]."""
    lethal_radius_m: float
    """Kill if the miss distance is below this [m]."""
    navigation_gain: float
    """Effective navigation ratio N' [-]."""
    max_lateral_accel_m_s2: float
    """Kill-vehicle lateral acceleration limit [m/s^2]."""
    guidance_time_constant_s: float
    """First-order guidance lag [s]."""
    handover_time_to_go_s: float
    """Time to go when homing starts [s]."""
    handover_sigma_pos_m: float
    """Default handover position error, 1 sigma per axis [m]."""
    handover_sigma_vel_m_s: float
    """Default handover velocity error, 1 sigma per axis [m/s]."""
    sspk: float
    """Stated single-shot kill probability [-]."""
    assumptions: tuple[str, ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        if not self.min_alt_m < self.max_alt_m:
            raise InputError(
                f"intercept altitude window {self.min_alt_m / 1e3:g}-{self.max_alt_m / 1e3:g} km is empty",
                field="min_alt_km", hint="give a lower altitude below the upper one")
        for name in ("max_range_m", "max_flyout_s", "max_threat_speed_m_s", "lethal_radius_m",
                     "navigation_gain", "max_lateral_accel_m_s2", "handover_time_to_go_s"):
            value = getattr(self, name)
            if not (math.isfinite(value) and value > 0):
                raise InputError(f"must be a positive number, got {value}", field=name)
        if not (math.isfinite(self.separation_alt_m) and self.separation_alt_m >= 0):
            raise InputError(f"must be zero or positive, got {self.separation_alt_m}", field="separation_alt_km")
        if self.min_alt_m < 0:
            raise InputError("must be zero or positive", field="min_alt_km")
        if not 0.0 < self.sspk <= 1.0:
            raise InputError(f"{self.sspk} is not a probability in (0, 1]", field="sspk")
        if self.guidance_time_constant_s < 0 or self.handover_sigma_pos_m < 0 or self.handover_sigma_vel_m_s < 0:
            raise InputError("lag and handover errors must be zero or positive", field="endgame")

    @classmethod
    def from_catalog(cls, name: str | Interceptor = "thaad", **overrides) -> InterceptorModel:
        """The catalog interceptor in SI units; keyword overrides replace single fields."""
        rec = interceptor(name) if isinstance(name, str) else name
        assumed = tuple(f"{rec.key}: {path} = {v.value:g} ({v.note or v.source})" for path, v in assumed_values(rec))
        assumed += (f"boost drag curve: {BOOST_CD_SOURCE}",
                    "fly-outs: engine steering (pitch-over kick, gravity turn); intercepts on the ascending leg only",
                    f"fly-outs: after burnout the spent booster and the kill vehicle coast as one stack (booster "
                    f"drag) up to {rec.separation_alt_km.value:g} km, then the kill vehicle alone "
                    f"(ballistic coefficient {rec.kill_vehicle_beta_kg_m2.value:g} kg/m^2)",
                    "envelope: the published ~200 km range and 40-150 km window (USCC 2016) are a calibration "
                    "target of the assumed interceptor figures, not a check")
        model = cls(
            name=rec.key,
            launch_mass_kg=rec.launch_mass_kg.value,
            propellant_kg=rec.propellant_mass_kg.value,
            kill_vehicle_kg=rec.kill_vehicle_mass_kg.value,
            kill_vehicle_beta_kg_m2=rec.kill_vehicle_beta_kg_m2.value,
            separation_alt_m=rec.separation_alt_km.value * 1e3,
            diameter_m=rec.diameter_m.value,
            burn_s=rec.burn_time_s.value,
            isp_sl_s=rec.isp_sl_s.value,
            isp_vac_s=rec.isp_vac_s.value,
            vertical_rise_s=rec.vertical_rise_s.value,
            pitchover_s=rec.pitchover_s.value,
            burnout_speed_m_s=rec.burnout_speed_km_s.value * 1e3,
            reference_kick_deg=rec.burnout_reference_kick_deg.value,
            min_alt_m=rec.min_intercept_alt_km.value * 1e3,
            max_alt_m=rec.max_intercept_alt_km.value * 1e3,
            max_range_m=rec.max_range_km.value * 1e3,
            max_flyout_s=rec.max_flyout_s.value,
            max_threat_speed_m_s=rec.max_threat_speed_km_s.value * 1e3,
            lethal_radius_m=rec.lethal_radius_m.value,
            navigation_gain=rec.navigation_gain.value,
            max_lateral_accel_m_s2=rec.max_lateral_accel_m_s2.value,
            guidance_time_constant_s=rec.guidance_time_constant_s.value,
            handover_time_to_go_s=rec.handover_time_to_go_s.value,
            handover_sigma_pos_m=rec.handover_sigma_pos_m.value,
            handover_sigma_vel_m_s=rec.handover_sigma_vel_m_s.value,
            sspk=rec.sspk.value,
            assumptions=assumed,
        )
        return replace(model, **overrides) if overrides else model

    def with_(self, **changes) -> InterceptorModel:
        return replace(self, **changes)

    @property
    def dry_kg(self) -> float:
        """Booster dry mass [kg]."""
        return self.launch_mass_kg - self.propellant_kg - self.kill_vehicle_kg

    def vehicle(self) -> Vehicle:
        """The flight engine's vehicle: one stage, the kill vehicle as its payload, which
        leaves the spent booster at ``separation_alt_m``."""
        if not self.dry_kg > 0:
            raise InputError(f"propellant {self.propellant_kg:g} kg and kill vehicle {self.kill_vehicle_kg:g} kg "
                             f"outweigh the launch mass {self.launch_mass_kg:g} kg", field="propellant_kg")
        stage = Stage(self.propellant_kg, self.dry_kg, self.burn_s, self.isp_sl_s, self.isp_vac_s)
        return Vehicle(self.name, (stage,), self.kill_vehicle_kg, self.kill_vehicle_beta_kg_m2, self.diameter_m,
                       self.vertical_rise_s, self.pitchover_s, separation_alt_m=self.separation_alt_m,
                       assumptions=self.assumptions)

    def flight_options(self, rtol: float = 1e-9) -> FlightOptions:
        """WGS-84, rotating Earth, drag; integrated a little past the time budget."""
        return FlightOptions(t_max_s=self.max_flyout_s + FLYOUT_MARGIN_S, rtol=rtol)


def fly_out(model: InterceptorModel, lat_deg, lon_deg, alt_m, azimuth_deg, kick_deg,
            sample_dt_s: float | None = None, options: FlightOptions | None = None) -> FlightBatch:
    """Fly a batch of interceptors (arguments broadcast): launch point, azimuth, kick."""
    return fly(model.vehicle(), lat_deg, lon_deg, alt_m, azimuth_deg, kick_deg, 1.0,
               options or model.flight_options(), sample_dt_s)


def burnout_speed_m_s(model: InterceptorModel, kick_deg=None, site: str = "seongju",
                      azimuth_deg: float = 0.0) -> np.ndarray:
    """Ground-relative speed at burnout of fly-outs from ``site`` [m/s] (reference kick by default)."""
    loc = resolve_location(site, "site")
    kicks = np.atleast_1d(model.reference_kick_deg if kick_deg is None else kick_deg).astype(float)
    batch = fly_out(model, loc.lat_deg, loc.lon_deg, loc.alt_m, azimuth_deg, kicks)
    return batch.speed_gamma(batch.burnout)[0]


def fit_propellant_kg(model: InterceptorModel, site: str = "seongju") -> float:
    """The propellant load whose reference fly-out burns out at the catalog burnout speed [kg].

    Bracketed root search (Brent) on the burnout speed, which grows with the load
    (launch mass held: the extra propellant comes out of the booster's dry mass).
    """
    from scipy.optimize import brentq

    target = model.burnout_speed_m_s

    def miss(prop: float) -> float:
        return float(burnout_speed_m_s(model.with_(propellant_kg=prop), site=site)[0]) - target

    hi = model.launch_mass_kg - model.kill_vehicle_kg - 0.02 * model.launch_mass_kg
    return brentq(miss, 0.3 * model.launch_mass_kg, hi, xtol=0.01)


__all__ = ["InterceptorModel", "burnout_speed_m_s", "fit_propellant_kg", "fly_out"]
