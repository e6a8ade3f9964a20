"""Rocket and reentry-vehicle descriptions the flight engine flies, and the booster drag curve.

The engine reads plain numbers; the catalog's sourced records become a ``Vehicle``
through ``Vehicle.from_missile``.  Parameters nobody publishes are declared here once,
marked assumed, and reported by every command that uses them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np

from thaadsim.errors import InputError
from thaadsim.flight import layout as L
from thaadsim.splines import natural_cubic_curvature

# Zero-lift drag coefficient of a slender finned/unfinned booster against Mach number.
# ASSUMED: a generic curve with the shape of measured V-2 / Scud-class data (subsonic
# ~0.2, transonic peak ~0.45 near Mach 1.1, falling towards ~0.2 hypersonic), e.g.
# Sutton & Biblarz, "Rocket Propulsion Elements", 9th ed., Fig. 4-2 (V-2 drag).  It
# matters little: boost drag losses are ~1-3 % of delta-v for these missiles.
BOOST_CD_MACH = np.array([0.0, 0.4, 0.7, 0.85, 0.95, 1.05, 1.15, 1.3, 1.6, 2.0, 2.5, 3.0, 4.0, 5.0, 7.0, 10.0])
BOOST_CD = np.array([0.20, 0.20, 0.21, 0.25, 0.35, 0.44, 0.45, 0.42, 0.36, 0.31, 0.28, 0.25, 0.225, 0.21, 0.20, 0.20])
BOOST_CD_D2 = natural_cubic_curvature(BOOST_CD_MACH, BOOST_CD)
"""Second derivatives of the natural cubic spline the kernel draws through the table."""
BOOST_CD_SOURCE = (
    "assumed: generic slender-booster curve shaped after V-2 data "
    "(Sutton & Biblarz, Rocket Propulsion Elements, Fig. 4-2)"
)

DEFAULT_PITCHOVER_S = 10.0
"""Duration of the pitch-over manoeuvre [s] (assumed; open sources give only 'a few seconds')."""


def assumed_values(record, prefix: str = ""):
    """(dotted path, Sourced) for every catalog number of a record marked assumed."""
    from thaadsim.catalog.records import sourced_values

    return [(path, value) for path, value in sourced_values(record, prefix) if value.assumed]


@dataclass(frozen=True)
class Stage:
    """One rocket stage, SI units; Isp in seconds (multiply by g0 for m/s)."""

    propellant_kg: float
    dry_kg: float
    burn_s: float
    isp_sl_s: float
    isp_vac_s: float
    coast_before_s: float = 0.0

    def __post_init__(self) -> None:
        for name in ("propellant_kg", "dry_kg", "burn_s", "isp_sl_s", "isp_vac_s"):
            value = getattr(self, name)
            if not (math.isfinite(value) and value > 0.0):
                raise InputError(f"must be a positive number, got {value}", field=f"stage.{name}")
        if self.isp_sl_s > self.isp_vac_s:
            raise InputError(
                f"sea-level Isp {self.isp_sl_s} s exceeds vacuum Isp {self.isp_vac_s} s",
                field="stage.isp_sl_s",
                hint="a nozzle gives its vacuum Isp at least",
            )
        if not (self.coast_before_s >= 0.0):
            raise InputError("must be zero or positive", field="stage.coast_before_s")

    @property
    def mass_flow_kg_s(self) -> float:
        return self.propellant_kg / self.burn_s


@dataclass(frozen=True)
class Vehicle:
    """A multi-stage ballistic missile whose last stage releases a reentry vehicle.

    ``separation_alt_m``: geodetic altitude at which the payload leaves the spent last
    stage.  Below it the two coast as one stack with the booster's drag (see
    ``flight.kernels``); 0 (every catalog missile) separates at burnout.
    """

    name: str
    stages: tuple[Stage, ...]
    payload_kg: float
    rv_beta_kg_m2: float
    diameter_m: float
    vertical_rise_s: float
    pitchover_s: float = DEFAULT_PITCHOVER_S
    separation_alt_m: float = 0.0
    assumptions: tuple[str, ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        if not 1 <= len(self.stages) <= L.MAX_STAGES:
            raise InputError(f"needs 1 to {L.MAX_STAGES} stages, got {len(self.stages)}", field="stages")
        for name in ("payload_kg", "rv_beta_kg_m2", "diameter_m"):
            value = getattr(self, name)
            if not (math.isfinite(value) and value > 0.0):
                raise InputError(f"must be a positive number, got {value}", field=name)
        if not (math.isfinite(self.separation_alt_m) and self.separation_alt_m >= 0.0):
            raise InputError(f"must be zero or positive, got {self.separation_alt_m}", field="separation_alt_m")
        if self.vertical_rise_s < 0 or self.pitchover_s <= 0:
            raise InputError("vertical rise must be >= 0 s and pitch-over > 0 s", field="steering")
        if self.vertical_rise_s + self.pitchover_s >= self.stages[0].burn_s:
            raise InputError(
                "vertical rise and pitch-over outlast the first stage's burn", field="vertical_rise_s"
            )

    @property
    def launch_mass_kg(self) -> float:
        return self.payload_kg + sum(s.propellant_kg + s.dry_kg for s in self.stages)

    @property
    def reference_area_m2(self) -> float:
        return math.pi * self.diameter_m**2 / 4.0

    def ideal_delta_v_m_s(self) -> float:
        """Tsiolkovsky delta-v with vacuum Isp: no gravity, drag or back-pressure losses."""
        from thaadsim.earth.constants import G0_M_S2

        total = 0.0
        mass = self.launch_mass_kg
        for stage in self.stages:
            total += stage.isp_vac_s * G0_M_S2 * math.log(mass / (mass - stage.propellant_kg))
            mass -= stage.propellant_kg + stage.dry_kg
        return total

    def with_payload(self, payload_kg: float) -> Vehicle:
        return replace(self, payload_kg=payload_kg)

    @classmethod
    def from_missile(cls, missile) -> Vehicle:
        """Build from a catalog ``Missile`` record (sourced values -> plain floats)."""
        scale = missile.propellant_scale.value if missile.propellant_scale is not None else 1.0
        stages = tuple(
            Stage(
                propellant_kg=s.propellant_mass_kg.value * scale,
                dry_kg=s.dry_mass_kg.value - s.propellant_mass_kg.value * (scale - 1.0),
                burn_s=s.burn_time_s.value * scale,
                isp_sl_s=s.isp_sl_s.value,
                isp_vac_s=s.isp_vac_s.value,
                coast_before_s=s.coast_before_s.value if s.coast_before_s is not None else 0.0,
            )
            for s in missile.stages
        )
        assumed = [
            f"{missile.key}: {path} = {value.value:g} ({value.note or value.source})"
            for path, value in assumed_values(missile)
        ]
        assumed.append(f"boost drag curve: {BOOST_CD_SOURCE}")
        assumed.append(f"pitch-over duration: {DEFAULT_PITCHOVER_S:g} s (assumed)")
        return cls(
            name=missile.key,
            stages=stages,
            payload_kg=missile.payload_mass_kg.value,
            rv_beta_kg_m2=missile.rv_beta_kg_m2.value,
            diameter_m=max(s.diameter_m.value for s in missile.stages),
            vertical_rise_s=missile.vertical_rise_s.value,
            assumptions=tuple(assumed),
        )

    def pack(self, kick_rad: float, azimuth_rad: float, burn_fraction: float = 1.0) -> np.ndarray:
        """This vehicle and a steering choice as one parameter row for the kernel."""
        row = np.zeros(L.N_PARAMS)
        row[L.N_STAGES] = len(self.stages)
        row[L.PAYLOAD_KG] = self.payload_kg
        row[L.RV_BETA_KG_M2] = self.rv_beta_kg_m2
        row[L.REF_AREA_M2] = self.reference_area_m2
        row[L.VERTICAL_RISE_S] = self.vertical_rise_s
        row[L.PITCHOVER_S] = self.pitchover_s
        row[L.KICK_RAD] = kick_rad
        row[L.AZIMUTH_RAD] = azimuth_rad
        row[L.BURN_FRACTION] = burn_fraction
        row[L.SEPARATION_ALT_M] = self.separation_alt_m
        for k, stage in enumerate(self.stages):
            base = L.STAGE0 + L.STAGE_WIDTH * k
            row[base + L.S_PROPELLANT_KG] = stage.propellant_kg
            row[base + L.S_DRY_KG] = stage.dry_kg
            row[base + L.S_BURN_S] = stage.burn_s
            row[base + L.S_ISP_SL_S] = stage.isp_sl_s
            row[base + L.S_ISP_VAC_S] = stage.isp_vac_s
            row[base + L.S_COAST_BEFORE_S] = stage.coast_before_s
        return row
