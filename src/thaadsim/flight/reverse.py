"""Reverse analysis of lofted tests: what does an observed flight say about maximum range?

The method is the one arms-control physicists used for the 2017 North Korean tests
(Wright, UCS, 2017; Schiller & Kelley; see open-literature.md): choose a rocket model,
fit its free parameter so that its *lofted* flight reproduces the observation, then fly
the same rocket on a *minimum-energy* trajectory.

The rocket family (``VehicleAssumptions``) fixes what an observation cannot pin down:
number of stages, thrust-to-weight at ignition, specific impulse, structural fraction,
stage split, payload, reentry-vehicle drag and the steering program.  The fitted
parameter is the propellant load (all stages scaled together), i.e. the rocket's size
for its technology.  Burn times follow from thrust-to-weight and Isp.  A central case
and one-at-a-time variations of each assumption give the estimate, a band, and the
assumption that dominates.  A Kepler-only inversion (burnout at the surface, no boost)
is reported beside it for comparison: it misses the gravity loss of a steep boost.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, replace

from scipy.optimize import brentq

from thaadsim.earth.constants import G0_M_S2, GM_EARTH_M3_S2, SPHERE_RADIUS_M
from thaadsim.errors import ConvergenceError, InputError, ThaadsimError
from thaadsim.flight import targeting
from thaadsim.flight.engine import FlightOptions
from thaadsim.flight.targeting import KICK_MIN_DEG, Launch, _kick_for, _Shooter
from thaadsim.flight.vehicle import Stage, Vehicle


@dataclass(frozen=True)
class VehicleAssumptions:
    """A generic liquid-propellant missile; every value is assumed (see each line).

    The fitted quantity is the total propellant load: with burn times fixed, a larger
    load means more thrust and a larger mass ratio.  Thrust-to-weight is therefore an
    output of the fit, reported so that implausible variants show.
    """

    n_stages: int = 2
    first_burn_s: float = 100.0
    """First-stage burn time (assumed; Scud-derived engines burn ~60-140 s)."""
    upper_burn_s: float = 100.0
    """Second-stage burn time (assumed)."""
    isp_vac_s: float = 290.0
    """Vacuum Isp of a storable liquid (UDMH/NTO ~285-300 s; Sutton & Biblarz, Table 5-5)."""
    isp_sl_s: float = 255.0
    """Sea-level Isp of the first stage (assumed ~0.88 of vacuum)."""
    structural_fraction: float = 0.12
    """Dry / (dry + propellant) of each stage (assumed; liquid stages ~0.08-0.15)."""
    first_stage_share: float = 0.75
    """First stage's share of the propellant (assumed)."""
    payload_kg: float = 1000.0
    """Reentry-vehicle mass (assumed)."""
    rv_beta_kg_m2: float = 10_000.0
    """RV ballistic coefficient (assumed: a slender first-generation RV)."""
    vertical_rise_s: float = 10.0
    """Vertical rise before pitch-over (assumed)."""
    diameter_m: float = 1.7
    """Body diameter for boost drag (assumed)."""

    def build(self, propellant_kg: float) -> Vehicle:
        """The vehicle with this total propellant load."""
        shares = [1.0] if self.n_stages == 1 else [self.first_stage_share, 1.0 - self.first_stage_share]
        burns = [self.first_burn_s, self.upper_burn_s][: self.n_stages]
        eps = self.structural_fraction
        stages = []
        for k, (share, burn) in enumerate(zip(shares, burns, strict=True)):
            prop = propellant_kg * share
            # Upper stages ignite in near-vacuum: one Isp serves for both.
            isp_sl = self.isp_sl_s if k == 0 else self.isp_vac_s
            stages.append(Stage(prop, prop * eps / (1.0 - eps), burn, isp_sl, self.isp_vac_s))
        return Vehicle("fitted", tuple(stages), self.payload_kg, self.rv_beta_kg_m2, self.diameter_m,
                       self.vertical_rise_s)


def thrust_to_weight(vehicle: Vehicle) -> list[float]:
    """Each stage's thrust-to-weight at ignition (sea-level thrust for the first)."""
    out = []
    mass = vehicle.launch_mass_kg
    for k, stage in enumerate(vehicle.stages):
        isp = stage.isp_sl_s if k == 0 else stage.isp_vac_s
        out.append(stage.mass_flow_kg_s * isp / mass)
        mass -= stage.propellant_kg + stage.dry_kg
    return out


# One-at-a-time variations around the central case: (label, field, value).
VARIATIONS = (
    ("first-stage burn 80 s", "first_burn_s", 80.0),
    ("first-stage burn 120 s", "first_burn_s", 120.0),
    ("upper-stage burn 70 s", "upper_burn_s", 70.0),
    ("upper-stage burn 150 s", "upper_burn_s", 150.0),
    ("Isp 270 s", "isp_vac_s", 270.0),
    ("Isp 315 s", "isp_vac_s", 315.0),
    ("vertical rise 5 s", "vertical_rise_s", 5.0),
    ("vertical rise 20 s", "vertical_rise_s", 20.0),
    ("RV beta 3,000 kg/m^2", "rv_beta_kg_m2", 3000.0),
    ("RV beta 30,000 kg/m^2", "rv_beta_kg_m2", 30000.0),
    ("payload 500 kg", "payload_kg", 500.0),
    ("payload 1,500 kg", "payload_kg", 1500.0),
    ("structural fraction 0.08", "structural_fraction", 0.08),
    ("structural fraction 0.16", "structural_fraction", 0.16),
)
ASSUMPTION_GROUPS = {
    "first_burn_s": "first-stage burn time (thrust-to-weight)",
    "upper_burn_s": "upper-stage burn time (thrust-to-weight)",
    "isp_vac_s": "specific impulse",
    "vertical_rise_s": "steering program (vertical rise)",
    "rv_beta_kg_m2": "reentry drag",
    "payload_kg": "payload mass",
    "structural_fraction": "structural fraction",
    "n_stages": "number of stages",
}


@dataclass
class Fit:
    label: str
    assumptions: VehicleAssumptions
    propellant_kg: float
    kick_deg: float
    burnout_speed_m_s: float
    burnout_alt_m: float
    lofted_range_m: float
    lofted_flight_time_s: float
    max_range_m: float
    max_range_kick_deg: float


def kepler_inversion(apogee_m: float, range_m: float) -> dict:
    """Burnout speed and angle at the surface that give this apogee and range (no boost).

    Closed forms of formulas.md on the validation sphere, then the minimum-energy range
    of that speed: sin(psi/2) = Q / (2 - Q).
    """
    r = SPHERE_RADIUS_M
    psi = range_m / r
    r_a = r + apogee_m

    def apogee_for(gamma: float) -> tuple[float, float]:
        # Q from the range equation tan(psi/2) = Q s c / (1 - Q c^2) at this gamma
        s, c = math.sin(gamma), math.cos(gamma)
        q = math.tan(psi / 2) / (s * c + math.tan(psi / 2) * c * c)
        a = r / (2 - q)
        e = math.sqrt(max(1 - q * (2 - q) * c * c, 0.0))
        return a * (1 + e) - r_a, q

    # Lofted branch: from the minimum-energy angle up, apogee grows with gamma; scan for a bracket
    # while the conic stays elliptic (Q < 2).
    lo = math.radians(45.0) - psi / 4
    hi = lo
    while True:
        hi = min(hi + math.radians(1.0), math.radians(89.99))
        f_hi, q_hi = apogee_for(hi)
        if q_hi >= 1.999:
            raise InputError("the apogee and range imply an escape speed", field="apogee_km")
        if f_hi > 0:
            break
        lo = hi
    gamma = brentq(lambda g: apogee_for(g)[0], lo, hi)
    q = apogee_for(gamma)[1]
    if q >= 1.0:
        raise InputError("the apogee and range imply an orbital speed", field="apogee_km")
    v = math.sqrt(q * GM_EARTH_M3_S2 / r)
    psi_max = 2 * math.asin(q / (2 - q))
    return {"burnout_speed_m_s": v, "burnout_gamma_deg": math.degrees(gamma), "max_range_m": psi_max * r}


def _fit(label: str, assumptions: VehicleAssumptions, launch: Launch, azimuth_deg: float,
         apogee_m: float, range_m: float, options: FlightOptions, guess_kg: float) -> Fit:
    """Propellant load and kick such that the lofted flight has this apogee and range."""

    def lofted(prop: float) -> tuple[_Shooter, float | None, float]:
        """(shooter, kick, sign): kick None when no kick gives the apogee; sign says which way."""
        shooter = _Shooter(assumptions.build(prop), launch, options)
        if shooter.apogee_m(azimuth_deg, KICK_MIN_DEG) < apogee_m:
            return shooter, None, -1.0  # too small a rocket: even a vertical flight stays below
        for k_hi in (5.0, 10.0, 20.0, 40.0):
            if shooter.apogee_m(azimuth_deg, k_hi) < apogee_m:
                return shooter, _kick_for(shooter, azimuth_deg, 1.0, "apogee", apogee_m, k_hi), 0.0
        return shooter, None, 1.0  # so energetic that every kick overshoots the apogee

    def miss(prop: float) -> float:
        shooter, kick, sign = lofted(prop)
        if kick is None:
            return sign * range_m
        return shooter.range_m(azimuth_deg, kick) - range_m

    lo, hi = guess_kg / 4.0, guess_kg
    while miss(hi) < 0:
        lo, hi = hi, hi * 2.0
        if hi > 1e7:
            raise ConvergenceError("no rocket of this family reproduces the observation", field="apogee_km")
    while miss(lo) > 0:
        hi, lo = lo, lo / 2.0
        if lo < 10.0:
            raise ConvergenceError("no rocket of this family reproduces the observation", field="range_km")
    prop = brentq(miss, lo, hi, xtol=1e-2, rtol=1e-8)
    shooter, kick, _ = lofted(prop)
    if kick is None:
        raise ConvergenceError("the fit ended on a rocket that cannot fly the observed apogee", field="apogee_km")
    flight = shooter.one(azimuth_deg, kick)
    speed, _, alt = flight.speed_gamma(flight.burnout)
    best = targeting.max_range(shooter.vehicle, launch, azimuth_deg, options)
    return Fit(label, assumptions, prop, kick, float(speed[0]), float(alt[0]), float(flight.range_m[0]),
               float(flight.flight_time_s[0]), best.range_m, best.kick_deg)


@dataclass
class RangeEstimate:
    """The result of ``infer_range``: central fit, the band, and what dominates it."""

    central: Fit
    variants: list[Fit]
    kepler: dict
    dominant_assumption: str
    spread_by_assumption_km: dict
    observed: dict
    range_toward_m: float | None = None
    toward_azimuth_deg: float | None = None
    failed: list[str] = field(default_factory=list)
    """Variants for which no rocket of the family reproduces the observation."""

    @property
    def band_m(self) -> tuple[float, float]:
        values = [self.central.max_range_m] + [v.max_range_m for v in self.variants]
        return min(values), max(values)


def infer_range(apogee_m: float, range_m: float, flight_time_s: float | None = None,
                launch: Launch | None = None, toward: tuple[float, float] | None = None,
                central: VehicleAssumptions | None = None, variations=VARIATIONS) -> RangeEstimate:
    """Fit a rocket to a lofted observation and fly it on a minimum-energy trajectory.

    Maximum ranges are computed without Earth rotation (WGS-84, drag on); with
    ``toward`` the central rocket is also flown with rotation toward that point.
    """
    if not (apogee_m > 0 and range_m > 0):
        raise InputError("apogee and range must be positive", field="apogee_km")
    if apogee_m < 0.1 * range_m:
        raise InputError("this is not a lofted flight (apogee below a tenth of the range)", field="apogee_km",
                         hint="reverse analysis needs a lofted test")
    if flight_time_s is not None and flight_time_s <= 0:
        raise InputError("must be positive", field="flight_time_s")
    launch = launch or Launch(39.224, 125.670, 0.0)
    kep = kepler_inversion(apogee_m, range_m)
    if central is None:
        central = VehicleAssumptions(n_stages=1 if kep["burnout_speed_m_s"] < 3500.0 else 2)
    options = FlightOptions(earth="wgs84", rotation=False, drag=True, rtol=1e-9)
    azimuth = 90.0
    # First guess of the propellant load from the rocket equation at the Kepler speed plus ~25 % losses.
    dv = 1.25 * kep["burnout_speed_m_s"]
    ratio = math.exp(dv / (G0_M_S2 * central.isp_vac_s))
    guess = central.payload_kg * (ratio - 1.0) * 3.0
    base = _fit("central", central, launch, azimuth, apogee_m, range_m, options, guess)
    variants = []
    failed: list[str] = []
    alternatives = list(variations) + [("single stage" if central.n_stages == 2 else "two stages",
                                        "n_stages", 1 if central.n_stages == 2 else 2)]
    for label, name, value in alternatives:
        if name == "upper_burn_s" and central.n_stages == 1:
            continue
        try:
            variants.append(_fit(label, replace(central, **{name: value}), launch, azimuth, apogee_m,
                                 range_m, options, base.propellant_kg))
        except ThaadsimError:
            failed.append(label)  # no rocket of this variant reproduces the observation
    spread: dict[str, list[float]] = {}
    for fit in variants:
        name = next(n for lbl, n, _ in alternatives if lbl == fit.label)
        spread.setdefault(ASSUMPTION_GROUPS[name], [base.max_range_m]).append(fit.max_range_m)
    spread_km = {k: (max(v) - min(v)) / 1e3 for k, v in spread.items()}
    dominant = max(spread_km, key=spread_km.get) if spread_km else "none"
    estimate = RangeEstimate(base, variants, kep, dominant, spread_km,
                             {"apogee_m": apogee_m, "range_m": range_m, "flight_time_s": flight_time_s},
                             failed=failed)
    if toward is not None:
        from thaadsim.earth import frames

        az, _, _ = frames.geodesic_inverse(launch.lat_deg, launch.lon_deg, toward[0], toward[1])
        rotating = FlightOptions(earth="wgs84", rotation=True, drag=True)
        best = targeting.max_range(central.build(base.propellant_kg), launch, float(az), rotating)
        estimate.range_toward_m = best.range_m
        estimate.toward_azimuth_deg = float(az)
    return estimate


def fit_summary(fit: Fit) -> dict:
    vehicle = fit.assumptions.build(fit.propellant_kg)
    return {
        "label": fit.label,
        "max_range_km": fit.max_range_m / 1e3,
        "burnout_speed_m_s": fit.burnout_speed_m_s,
        "burnout_alt_km": fit.burnout_alt_m / 1e3,
        "lofted_flight_time_s": fit.lofted_flight_time_s,
        "propellant_kg": fit.propellant_kg,
        "launch_mass_kg": vehicle.launch_mass_kg,
        "burn_times_s": [s.burn_s for s in vehicle.stages],
        "thrust_to_weight": thrust_to_weight(vehicle),
        "lofted_kick_deg": fit.kick_deg,
        "assumptions": asdict(fit.assumptions),
    }


GLOBAL_RANGE_M = 19_900e3
"""A minimum-energy range this long reaches the antipode: any point on Earth."""

MODEL_TEXT = (
    "generic liquid missile (VehicleAssumptions) fitted by its propellant load so that a lofted "
    "full-burn gravity-turn flight (WGS-84, J2, drag, no rotation) has the observed apogee and range; "
    "maximum range = the same rocket's range-maximising gravity turn; band = one-at-a-time variation "
    "of each assumption"
)


def report(estimate: RangeEstimate) -> dict:
    """The contract fields of ``thaadsim infer-range`` and the details behind them."""
    low, high = estimate.band_m
    central = fit_summary(estimate.central)
    out = {
        "burnout_speed_m_s": estimate.central.burnout_speed_m_s,
        "max_range_km": estimate.central.max_range_m / 1e3,
        "max_range_low_km": low / 1e3,
        "max_range_high_km": high / 1e3,
        "global_reach": estimate.central.max_range_m >= GLOBAL_RANGE_M,
        "range_toward_km": None if estimate.range_toward_m is None else estimate.range_toward_m / 1e3,
        "toward_azimuth_deg": estimate.toward_azimuth_deg,
        "dominant_assumption": estimate.dominant_assumption,
        "spread_by_assumption_km": estimate.spread_by_assumption_km,
        "observed": {
            "apogee_km": estimate.observed["apogee_m"] / 1e3,
            "range_km": estimate.observed["range_m"] / 1e3,
            "flight_time_s": estimate.observed["flight_time_s"],
        },
        "flight_time_residual_s": (
            None if estimate.observed["flight_time_s"] is None
            else estimate.central.lofted_flight_time_s - estimate.observed["flight_time_s"]
        ),
        "kepler_only": {
            "burnout_speed_m_s": estimate.kepler["burnout_speed_m_s"],
            "burnout_gamma_deg": estimate.kepler["burnout_gamma_deg"],
            "max_range_km": estimate.kepler["max_range_m"] / 1e3,
            "note": "closed-form inversion with burnout at the surface and no boost: an underestimate",
        },
        "central": central,
        "variants": [fit_summary(v) for v in estimate.variants],
        "variants_not_reproducing_observation": estimate.failed,
        "model": MODEL_TEXT,
    }
    return out
