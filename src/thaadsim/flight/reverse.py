"""Reverse analysis of lofted tests: what does an observed flight say about maximum range?

The method is the one arms-control physicists used for the 2017 North Korean tests
(Wright, UCS, 2017; Schiller & Kelley; see open-literature.md): choose a rocket model,
fit its size so that its *lofted* flight reproduces the observation, then fly the same
rocket on a *minimum-energy* trajectory.

What an observation cannot pin down is a joint prior (``Prior``): per stage the vacuum
Isp and structural fraction, the first stage's share of the propellant, the thrust-to-
weight at lift-off and at upper-stage ignition, the payload, the reentry ballistic
coefficient and the vertical rise.  For a catalog missile every band comes from its
catalog record (each value there is sourced or marked assumed with its band); the stage
count is the catalog's; the published launch mass is the *constraint*.  Thrust-to-weight
bands are the two named assumptions below.

``infer_range`` draws ``n_draws`` points of that prior (Latin hypercube, from a numpy
Generator passed in), fits each draw's propellant load and pitch-over kick so that its
full-burn lofted flight has the observed apogee and range (batched Newton steps through
the engine's batch API), flies each fitted rocket on its range-maximising gravity turn,
and keeps the draws whose launch mass lies in the published band.  The result: median
and 5-95 % band of the maximum range, the fitted launch masses with and without the
constraint, and the parameter whose rank correlation with the maximum range is largest.
A Kepler-only inversion (burnout at the surface, no boost) is reported beside it: it
misses the gravity loss of a steep boost.

Maximum ranges follow the catalog's convention: WGS-84 with J2, drag, no Earth rotation,
due east from the launch point.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import brentq
from scipy.stats import spearmanr

from thaadsim.earth.constants import GM_EARTH_M3_S2, SPHERE_RADIUS_M
from thaadsim.errors import ConvergenceError, InputError
from thaadsim.flight import targeting
from thaadsim.flight.engine import FlightOptions, fly
from thaadsim.flight.targeting import Launch
from thaadsim.flight.vehicle import Stage, Vehicle

LIFTOFF_TW = (1.3, 2.3)
"""Thrust-to-weight at lift-off (assumed band): liquid ballistic missiles lift off at
~1.3-2.3 g (Scud-B ~2.3 from its published thrust and mass; a twin-chamber first stage of
the Hwasong-15 class ~1.6-2.2 with two ~40-80 tf chambers on ~60-75 t)."""
UPPER_TW = (0.6, 2.0)
"""Thrust-to-weight of an upper stage at its ignition (assumed band): from vernier-class
engines (~0.6 g) to a stage engine of R-27 class on a light stage (~2 g)."""
DEFAULT_SEED = 20171129
"""Seed of the sampling when neither a Generator nor a seed is given (reported with the result)."""
N_DRAWS = 600
"""Default number of joint draws; about one in ten reproduces a 2017 test inside the published
launch mass, so the 5 % and 95 % quantiles of the kept draws rest on a few draws each."""
APOGEE_TOL_M = 1_000.0
RANGE_TOL_M = 2_000.0
"""A draw is fitted when its lofted flight is within these of the observed apogee and range."""
MAX_ITERATIONS = 30
MAX_RANGE_KICKS_DEG = np.linspace(2.0, targeting.MAX_RANGE_KICK_DEG - 1.0, 28)
"""Coarse kick grid of the batched range-maximising search (refined by a parabola)."""
FIT_OPTIONS = FlightOptions(earth="wgs84", rotation=True, drag=True, rtol=1e-9)
"""The lofted flight is fitted on the rotating Earth: in a 50-minute flight the ground moves
~1,100 km east at 39 N, and the same Hwasong-15 flight lands 1,717 km away instead of 950
without rotation.  rtol stays 1e-9: at 1e-8 and 1e-7 some lofted flights of the engine take
20-30x longer (step control), and the Newton steps stall."""
RANGE_OPTIONS = FlightOptions(earth="wgs84", rotation=False, drag=True, rtol=1e-9)
"""Maximum ranges in the catalog's convention: no rotation, due east."""
PRUNE_FACTOR = 3.0
"""A draw whose propellant load, while being fitted, leaves [low / 3, 3 x high] of the published
launch mass is dropped as outside the band (Newton steps move ln(load) by 0.25 at most, so
such a draw cannot come back inside): it saves the flights of hopeless draws."""


@dataclass(frozen=True)
class Band:
    """A prior parameter: uniform in [low, high]; ``source`` says where the band comes from."""

    low: float
    high: float
    source: str

    def __post_init__(self) -> None:
        if not (math.isfinite(self.low) and math.isfinite(self.high) and self.low <= self.high):
            raise InputError(f"band [{self.low}, {self.high}] is empty", field="prior")

    def at(self, u: np.ndarray) -> np.ndarray:
        return self.low + (self.high - self.low) * u


def _lo_hi(sourced) -> tuple[float, float]:
    """(low, high) of a catalog ``Sourced`` value; its value where a bound is missing."""
    return (float(sourced.low if sourced.low is not None else sourced.value),
            float(sourced.high if sourced.high is not None else sourced.value))


def _band(sourced, what: str) -> Band:
    """The low/high band of a catalog ``Sourced`` value (its value alone when it has none)."""
    tag = "assumed" if sourced.assumed else "sourced"
    return Band(*_lo_hi(sourced), f"catalog {what} ({tag}: {sourced.source})")


@dataclass(frozen=True)
class Prior:
    """The joint prior of the generic rocket: each parameter a band, sampled together."""

    label: str
    n_stages: int
    isp_vac_s: tuple[Band, ...]
    isp_sl_over_vac: float
    structural_fraction: tuple[Band, ...]
    """Dry / (dry + propellant) of each stage."""
    first_stage_share: Band
    liftoff_tw: Band
    upper_tw: Band
    payload_kg: Band
    rv_beta_kg_m2: Band
    vertical_rise_s: Band
    diameter_m: float
    launch_mass_kg: Band | None = None
    """The constraint: the published launch mass; None when no missile is named."""
    published_range_km: float | None = None
    published_range_source: str = ""

    def names(self) -> list[str]:
        """The sampled parameters, in column order of ``sample``."""
        out = [f"isp_vac_s[{k + 1}]" for k in range(self.n_stages)]
        out += [f"structural_fraction[{k + 1}]" for k in range(self.n_stages)]
        if self.n_stages > 1:
            out += ["first_stage_share", "upper_tw"]
        return out + ["liftoff_tw", "payload_kg", "rv_beta_kg_m2", "vertical_rise_s"]

    def bands(self) -> list[Band]:
        out = list(self.isp_vac_s) + list(self.structural_fraction)
        if self.n_stages > 1:
            out += [self.first_stage_share, self.upper_tw]
        return out + [self.liftoff_tw, self.payload_kg, self.rv_beta_kg_m2, self.vertical_rise_s]

    def sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """(n, d) Latin-hypercube draws: each parameter's band cut into n strata, one draw each."""
        bands = self.bands()
        d = len(bands)
        strata = np.stack([rng.permutation(n) for _ in range(d)], axis=1)
        u = (strata + rng.random((n, d))) / n
        return np.stack([b.at(u[:, j]) for j, b in enumerate(bands)], axis=1)

    @classmethod
    def from_missile(cls, missile) -> Prior:
        """Bands from a catalog record; its published launch mass is the constraint."""
        stages = missile.stages
        if len(stages) > 2:
            raise InputError(f"{missile.key} has {len(stages)} stages; the reverse analysis models one or two",
                             field="missile")
        isp = tuple(_band(s.isp_vac_s, f"stage {k + 1} vacuum Isp") for k, s in enumerate(stages))
        eps = []
        for k, s in enumerate(stages):
            (p_lo, p_hi), (d_lo, d_hi) = _lo_hi(s.propellant_mass_kg), _lo_hi(s.dry_mass_kg)
            eps.append(Band(d_lo / (d_lo + p_hi), d_hi / (d_hi + p_lo),
                            f"catalog stage {k + 1} dry and propellant bands (dry/(dry+propellant))"))
        if len(stages) == 2:
            (a_lo, a_hi), (b_lo, b_hi) = _lo_hi(stages[0].propellant_mass_kg), _lo_hi(stages[1].propellant_mass_kg)
            share = Band(a_lo / (a_lo + b_hi), a_hi / (a_hi + b_lo),
                         "catalog stage propellant bands (first stage's share)")
        else:
            share = Band(1.0, 1.0, "single stage")
        isp_ratio = stages[0].isp_sl_s.value / stages[0].isp_vac_s.value
        mass = missile.published_launch_mass_kg
        return cls(
            label=missile.key, n_stages=len(stages), isp_vac_s=isp, isp_sl_over_vac=isp_ratio,
            structural_fraction=tuple(eps), first_stage_share=share,
            liftoff_tw=Band(*LIFTOFF_TW, "assumed (reverse.LIFTOFF_TW)"),
            upper_tw=Band(*UPPER_TW, "assumed (reverse.UPPER_TW)"),
            payload_kg=_band(missile.payload_mass_kg, "payload"),
            rv_beta_kg_m2=_band(missile.rv_beta_kg_m2, "RV ballistic coefficient"),
            vertical_rise_s=_band(missile.vertical_rise_s, "vertical rise"),
            diameter_m=max(s.diameter_m.value for s in stages),
            launch_mass_kg=None if mass is None else _band(mass, "published launch mass"),
            published_range_km=missile.published_range_km.value,
            published_range_source=missile.published_range_km.source,
        )

    @classmethod
    def generic(cls, n_stages: int) -> Prior:
        """A generic storable-liquid missile (every band assumed); no mass constraint."""
        a = "assumed: generic storable liquid"
        return cls(
            label=f"generic {n_stages}-stage liquid", n_stages=n_stages,
            isp_vac_s=(Band(270.0, 305.0, a + " (UDMH/NTO ~285-300 s; Sutton & Biblarz, Table 5-5)"),) * n_stages,
            isp_sl_over_vac=0.88, structural_fraction=(Band(0.07, 0.16, a),) * n_stages,
            first_stage_share=Band(0.7, 0.85, a), liftoff_tw=Band(*LIFTOFF_TW, a), upper_tw=Band(*UPPER_TW, a),
            payload_kg=Band(300.0, 1500.0, a), rv_beta_kg_m2=Band(1500.0, 10_000.0, a),
            vertical_rise_s=Band(5.0, 15.0, a), diameter_m=1.7,
        )


def build_vehicles(prior: Prior, draws: np.ndarray, propellant_kg: np.ndarray) -> list[Vehicle]:
    """The rocket of each draw at this total propellant load (thrust set by thrust-to-weight)."""
    cols = dict(zip(prior.names(), draws.T, strict=True))
    if len(draws) != len(propellant_kg):
        raise InputError(f"{len(draws)} draws for {len(propellant_kg)} propellant loads", field="draws")
    out = []
    for i, prop_total in enumerate(propellant_kg):
        n = prior.n_stages
        share1 = cols["first_stage_share"][i] if n > 1 else 1.0
        props = [prop_total * share1] + ([prop_total * (1.0 - share1)] if n > 1 else [])
        drys = [p * e / (1.0 - e) for p, e in
                zip(props, [cols[f"structural_fraction[{k + 1}]"][i] for k in range(n)], strict=True)]
        payload = cols["payload_kg"][i]
        masses = [payload + sum(props[k:]) + sum(drys[k:]) for k in range(n)]  # at each ignition
        stages = []
        for k in range(n):
            isp_vac = cols[f"isp_vac_s[{k + 1}]"][i]
            isp_sl = isp_vac * prior.isp_sl_over_vac if k == 0 else isp_vac
            tw = cols["liftoff_tw"][i] if k == 0 else cols["upper_tw"][i]
            isp_thrust = isp_sl if k == 0 else isp_vac
            burn = isp_thrust * props[k] / (tw * masses[k])  # thrust = tw * m * g0 = mdot * isp * g0
            stages.append(Stage(props[k], drys[k], burn, isp_sl, isp_vac))
        rise = min(cols["vertical_rise_s"][i], 0.5 * stages[0].burn_s)
        out.append(Vehicle(prior.label, tuple(stages), payload, cols["rv_beta_kg_m2"][i], prior.diameter_m, rise))
    return out


def _ideal_guess(prior: Prior, draws: np.ndarray, dv_m_s: float) -> np.ndarray:
    """Propellant load whose ideal (vacuum) speed gain is ``dv_m_s``, per draw (bisection)."""
    lo = np.full(len(draws), 1e2)
    hi = np.full(len(draws), 1e7)
    for _ in range(60):
        mid = np.sqrt(lo * hi)
        dv = np.array([v.ideal_delta_v_m_s() for v in build_vehicles(prior, draws, mid)])
        lo, hi = np.where(dv < dv_m_s, mid, lo), np.where(dv < dv_m_s, hi, mid)
    return np.sqrt(lo * hi)


def _fly(vehicles, launch: Launch, kicks, options: FlightOptions, azimuth_deg: float = 90.0):
    return fly(vehicles, launch.lat_deg, launch.lon_deg, launch.alt_m, azimuth_deg, np.asarray(kicks), 1.0, options)


def fit_draws(prior: Prior, draws: np.ndarray, launch: Launch, azimuth_deg: float, apogee_m: float,
              range_m: float, dv_guess_m_s: float) -> dict:
    """Propellant load and kick of each draw whose lofted full-burn flight matches the observation.

    Newton steps on (ln propellant, kick) with a finite-difference Jacobian, every draw in
    one engine batch per step (three flights a draw), on the rotating Earth along the test's
    azimuth.  Returns arrays; ``fitted`` marks the draws that converged, ``pruned`` those dropped
    as far outside the published launch mass (``PRUNE_FACTOR``).
    """
    n = len(draws)
    ln_p = np.log(_ideal_guess(prior, draws, dv_guess_m_s))
    kick = np.full(n, 1.0)
    fitted = np.zeros(n, dtype=bool)
    active = np.ones(n, dtype=bool)
    pruned = np.zeros(n, dtype=bool)
    h, dk = 0.01, 0.02
    for _ in range(MAX_ITERATIONS):
        idx = np.flatnonzero(active & ~fitted)
        if len(idx) == 0:
            break
        p = np.exp(ln_p[idx])
        vehicles = build_vehicles(prior, np.concatenate([draws[idx]] * 3), np.concatenate([p, p * math.exp(h), p]))
        b = _fly(vehicles, launch, np.concatenate([kick[idx], kick[idx], kick[idx] + dk]), FIT_OPTIONS, azimuth_deg)
        m = len(idx)
        apo = np.where(np.isfinite(b.apogee_alt_m), b.apogee_alt_m, 0.0).reshape(3, m)
        rng_ = np.where(b.ok, b.downrange_m, 0.0).reshape(3, m)
        e_a, e_r = apo[0] - apogee_m, rng_[0] - range_m
        done = (np.abs(e_a) < APOGEE_TOL_M) & (np.abs(e_r) < RANGE_TOL_M) & b.ok[:m]
        fitted[idx[done]] = True
        j11, j12 = (apo[1] - apo[0]) / h, (apo[2] - apo[0]) / dk
        j21, j22 = (rng_[1] - rng_[0]) / h, (rng_[2] - rng_[0]) / dk
        det = j11 * j22 - j12 * j21
        with np.errstate(invalid="ignore", divide="ignore"):
            d_lnp = np.where(det != 0, (-e_a * j22 + e_r * j12) / det, 0.0)
            d_k = np.where(det != 0, (-e_r * j11 + e_a * j21) / det, 0.0)
        # A rocket whose flight fails or that does not climb to the apogee grows; a step that
        # cannot be trusted is cut back (the kick stays on the lofted branch, near vertical).
        small = ~b.ok[:m] | (apo[0] <= 0.0) | ~np.isfinite(d_lnp)
        d_lnp = np.where(small, 0.2, np.clip(d_lnp, -0.25, 0.25))
        d_k = np.where(small | ~np.isfinite(d_k), 0.0, np.clip(d_k, -0.5 * kick[idx] - 0.05, 2.0))
        upd = ~done
        ln_p[idx[upd]] += d_lnp[upd]
        kick[idx[upd]] = np.clip(kick[idx[upd]] + d_k[upd], 1e-3, 45.0)
        active[idx[upd]] = np.exp(ln_p[idx[upd]]) < 1e7
        if prior.launch_mass_kg is not None:
            mass = np.array([v.launch_mass_kg for v in vehicles[:m]])
            far = upd & ((mass > PRUNE_FACTOR * prior.launch_mass_kg.high) |
                         (mass < prior.launch_mass_kg.low / PRUNE_FACTOR))
            pruned[idx[far]] = True
            active[idx[far]] = False
    return {"propellant_kg": np.exp(ln_p), "kick_deg": kick, "fitted": fitted, "pruned": pruned}


def max_ranges(vehicles: list[Vehicle], launch: Launch) -> tuple[np.ndarray, np.ndarray, object]:
    """(range [m], kick [deg], batch) of each vehicle's range-maximising full-burn gravity turn.

    A coarse kick grid for all vehicles in one batch, then one flight at the vertex of the
    parabola through the best grid point and its neighbours.
    """
    n, k = len(vehicles), len(MAX_RANGE_KICKS_DEG)
    grid = [v for v in vehicles for _ in range(k)]
    b = _fly(grid, launch, np.tile(MAX_RANGE_KICKS_DEG, n), RANGE_OPTIONS)
    r = np.where(b.ok, b.downrange_m, 0.0).reshape(n, k)
    j = np.clip(np.argmax(r, axis=1), 1, k - 2)
    rows = np.arange(n)
    r_l, r_m, r_r = r[rows, j - 1], r[rows, j], r[rows, j + 1]
    step = MAX_RANGE_KICKS_DEG[1] - MAX_RANGE_KICKS_DEG[0]
    den = r_l - 2 * r_m + r_r
    with np.errstate(invalid="ignore", divide="ignore"):
        shift = np.where(den < 0, 0.5 * step * (r_l - r_r) / den, 0.0)
    kick = MAX_RANGE_KICKS_DEG[j] + np.clip(np.nan_to_num(shift), -step, step)
    best = _fly(vehicles, launch, kick, RANGE_OPTIONS)
    rng_ = np.where(best.ok, best.downrange_m, 0.0)
    coarse = r.max(axis=1)
    return np.maximum(rng_, coarse), kick, best


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


@dataclass
class RangeEstimate:
    """The result of ``infer_range``: the joint draws, their fits and the summary."""

    prior: Prior
    seed_info: str
    names: list[str]
    draws: np.ndarray
    fitted: np.ndarray
    accepted: np.ndarray
    launch_mass_kg: np.ndarray
    propellant_kg: np.ndarray
    lofted_kick_deg: np.ndarray
    burnout_speed_m_s: np.ndarray
    lofted_flight_time_s: np.ndarray
    max_range_m: np.ndarray
    max_range_kick_deg: np.ndarray
    max_range_apogee_m: np.ndarray
    kepler: dict
    observed: dict
    elapsed_s: float
    rank_correlation: dict = field(default_factory=dict)
    pruned: np.ndarray | None = None
    """Draws dropped while being fitted, as far outside the published launch mass."""
    range_toward_m: float | None = None
    toward_azimuth_deg: float | None = None

    def _q(self, values: np.ndarray, mask: np.ndarray) -> tuple[float, float, float]:
        v = values[mask]
        return float(np.median(v)), float(np.quantile(v, 0.05)), float(np.quantile(v, 0.95))

    @property
    def max_range_quantiles_m(self) -> tuple[float, float, float]:
        """Median, 5 % and 95 % of the maximum range over the accepted draws."""
        return self._q(self.max_range_m, self.accepted)

    @property
    def band_m(self) -> tuple[float, float]:
        return self.max_range_quantiles_m[1:]

    @property
    def central_index(self) -> int:
        """The accepted draw whose maximum range is nearest the median."""
        med = self.max_range_quantiles_m[0]
        idx = np.flatnonzero(self.accepted)
        return int(idx[np.argmin(np.abs(self.max_range_m[idx] - med))])

    @property
    def dominant_parameter(self) -> str:
        return max(self.rank_correlation, key=lambda k: abs(self.rank_correlation[k])) \
            if self.rank_correlation else "none"


def _check_observation(apogee_m: float, range_m: float, flight_time_s: float | None) -> None:
    if not (apogee_m > 0 and range_m > 0):
        raise InputError("apogee and range must be positive", field="apogee_km")
    if apogee_m < 0.1 * range_m:
        raise InputError("this is not a lofted flight (apogee below a tenth of the range)", field="apogee_km",
                         hint="reverse analysis needs a lofted test")
    if flight_time_s is not None and flight_time_s <= 0:
        raise InputError("must be positive", field="flight_time_s")


def infer_range(apogee_m: float, range_m: float, flight_time_s: float | None = None,
                launch: Launch | None = None, toward: tuple[float, float] | None = None,
                prior: Prior | None = None, rng: np.random.Generator | None = None, seed: int | None = None,
                n_draws: int = N_DRAWS, azimuth_deg: float = 90.0,
                progress: Callable[[int, int | None, str], None] | None = None) -> RangeEstimate:
    """Fit the joint prior's draws to a lofted observation and fly each on a minimum-energy trajectory.

    ``rng`` (or ``seed`` for a fresh Generator, ``DEFAULT_SEED`` without either) drives the
    Latin-hypercube sampling; the
    lofted flight is fitted on the rotating Earth along ``azimuth_deg`` (the test's, toward
    its impact point where known).  With ``toward`` the central draw's rocket is also flown
    with rotation toward that point.  ``progress(done, total, label)``, when given, hears each stage.
    """
    import time

    def stage(done: int, label: str) -> None:
        if progress:
            progress(done, 4, label)

    _check_observation(apogee_m, range_m, flight_time_s)
    if n_draws < 20:
        raise InputError("need at least 20 draws for a 5-95 % band", field="draws")
    if rng is None:
        seed = DEFAULT_SEED if seed is None else seed
        rng = np.random.default_rng(seed)
    seed_info = f"seed {seed}" if seed is not None else "Generator passed in"
    start = time.perf_counter()
    launch = launch or Launch(39.224, 125.670, 0.0)
    kep = kepler_inversion(apogee_m, range_m)
    if prior is None:
        prior = Prior.generic(1 if kep["burnout_speed_m_s"] < 3500.0 else 2)
    draws = prior.sample(n_draws, rng)
    stage(0, f"fitting {len(draws)} draws to the observation")
    fit = fit_draws(prior, draws, launch, azimuth_deg, apogee_m, range_m, 1.25 * kep["burnout_speed_m_s"])
    n = len(draws)
    mass = np.full(n, np.nan)
    ok = np.flatnonzero(fit["fitted"])
    if len(ok) == 0:
        raise ConvergenceError(f"no draw of the {prior.label} prior reproduces the observation", field="apogee_km")
    mass[ok] = [v.launch_mass_kg for v in build_vehicles(prior, draws[ok], fit["propellant_kg"][ok])]
    fitted = fit["fitted"].copy()
    if prior.launch_mass_kg is not None:
        accepted = fitted & (mass >= prior.launch_mass_kg.low) & (mass <= prior.launch_mass_kg.high)
    else:
        accepted = fitted.copy()
    if accepted.sum() < 10:
        band = prior.launch_mass_kg
        raise ConvergenceError(
            f"only {int(accepted.sum())} of {n} draws reproduce the test inside the published launch mass "
            f"{band.low / 1e3:,.0f}-{band.high / 1e3:,.0f} t (fitted masses: median "
            f"{np.nanmedian(mass) / 1e3:,.0f} t)", field="launch_mass_kg",
            hint="the prior's bands and the published mass disagree; widen a band in the catalog, or more --draws")
    # Only the kept draws are flown on their standard trajectory: the others do not enter the band.
    keep = np.flatnonzero(accepted)
    stage(1, f"flying {len(keep)} kept draws on their lofted and standard trajectories")
    speed, t_loft, r_max, k_max, apo_max = (np.full(n, np.nan) for _ in range(5))
    vehicles = build_vehicles(prior, draws[keep], fit["propellant_kg"][keep])
    loft = _fly(vehicles, launch, fit["kick_deg"][keep], FIT_OPTIONS, azimuth_deg)
    speed[keep] = loft.speed_gamma(loft.burnout)[0]
    t_loft[keep] = loft.flight_time_s
    stage(2, "each kept draw's maximum range")
    r_max[keep], k_max[keep], best = max_ranges(vehicles, launch)
    apo_max[keep] = best.apogee_alt_m
    corr = {}
    for j, name in enumerate(prior.names()):
        x = draws[accepted, j]
        if np.ptp(x) > 0:
            corr[name] = float(spearmanr(x, r_max[accepted]).statistic)
    estimate = RangeEstimate(prior, seed_info, prior.names(), draws, fitted, accepted, mass,
                             fit["propellant_kg"], fit["kick_deg"], speed, t_loft, r_max, k_max, apo_max, kep,
                             {"apogee_m": apogee_m, "range_m": range_m, "flight_time_s": flight_time_s,
                              "azimuth_deg": azimuth_deg}, 0.0, corr)
    estimate.pruned = fit["pruned"]
    if toward is not None:
        from thaadsim.earth import frames

        stage(3, "the central draw toward the target, with rotation")
        az, _, _ = frames.geodesic_inverse(launch.lat_deg, launch.lon_deg, toward[0], toward[1])
        i = estimate.central_index
        vehicle = build_vehicles(prior, draws[i:i + 1], fit["propellant_kg"][i:i + 1])[0]
        best_toward = targeting.max_range(vehicle, launch, float(az), FlightOptions(earth="wgs84", rotation=True))
        estimate.range_toward_m = best_toward.range_m
        estimate.toward_azimuth_deg = float(az)
    estimate.elapsed_s = time.perf_counter() - start
    stage(4, "done")
    return estimate


def draw_summary(estimate: RangeEstimate, i: int) -> dict:
    vehicle = build_vehicles(estimate.prior, estimate.draws[i:i + 1], estimate.propellant_kg[i:i + 1])[0]
    return {
        "max_range_km": estimate.max_range_m[i] / 1e3,
        "max_range_apogee_km": estimate.max_range_apogee_m[i] / 1e3,
        "burnout_speed_m_s": estimate.burnout_speed_m_s[i],
        "lofted_flight_time_s": estimate.lofted_flight_time_s[i],
        "propellant_kg": estimate.propellant_kg[i],
        "launch_mass_kg": vehicle.launch_mass_kg,
        "burn_times_s": [s.burn_s for s in vehicle.stages],
        "thrust_to_weight": thrust_to_weight(vehicle),
        "lofted_kick_deg": estimate.lofted_kick_deg[i],
        "max_range_kick_deg": estimate.max_range_kick_deg[i],
        "parameters": dict(zip(estimate.names, map(float, estimate.draws[i]), strict=True)),
    }


def thrust_to_weight(vehicle: Vehicle) -> list[float]:
    """Each stage's thrust-to-weight at ignition (sea-level thrust for the first)."""
    out = []
    mass = vehicle.launch_mass_kg
    for k, stage in enumerate(vehicle.stages):
        isp = stage.isp_sl_s if k == 0 else stage.isp_vac_s
        out.append(stage.mass_flow_kg_s * isp / mass)
        mass -= stage.propellant_kg + stage.dry_kg
    return out


GLOBAL_RANGE_M = 19_900e3
"""A minimum-energy range this long reaches the antipode: any point on Earth."""

MODEL_TEXT = (
    "joint prior over the rocket's free parameters (Latin hypercube); each draw's propellant load and "
    "pitch-over kick fitted so that its lofted full-burn gravity-turn flight (WGS-84, J2, drag, Earth rotation, "
    "along the test's azimuth) "
    "has the observed apogee and range; maximum range = that rocket's range-maximising gravity turn (no "
    "rotation, due east); draws kept whose launch mass lies in the published band; band = 5-95 % of the kept draws"
)


def report(estimate: RangeEstimate) -> dict:
    """The contract fields of ``thaadsim infer-range`` and the details behind them."""
    med, low, high = estimate.max_range_quantiles_m
    prior = estimate.prior
    i = estimate.central_index
    fitted, accepted = estimate.fitted, estimate.accepted
    m_all = estimate._q(estimate.launch_mass_kg, fitted)
    m_acc = estimate._q(estimate.launch_mass_kg, accepted)
    t_obs = estimate.observed["flight_time_s"]
    t_med = estimate._q(estimate.lofted_flight_time_s, accepted)
    out = {
        "burnout_speed_m_s": float(estimate.burnout_speed_m_s[i]),
        "max_range_km": med / 1e3,
        "max_range_low_km": low / 1e3,
        "max_range_high_km": high / 1e3,
        "global_reach": med >= GLOBAL_RANGE_M,
        "range_toward_km": None if estimate.range_toward_m is None else estimate.range_toward_m / 1e3,
        "toward_azimuth_deg": estimate.toward_azimuth_deg,
        "dominant_assumption": estimate.dominant_parameter,
        "rank_correlation_with_max_range": estimate.rank_correlation,
        "prior": prior.label,
        "draws": len(estimate.draws),
        "draws_fitted": int(fitted.sum()),
        "draws_in_mass_band": int(accepted.sum()),
        "draws_pruned_far_outside_mass_band": 0 if estimate.pruned is None else int(estimate.pruned.sum()),
        "sampling": f"Latin hypercube, {len(estimate.draws)} draws, {estimate.seed_info}",
        "elapsed_s": estimate.elapsed_s,
        "launch_mass_fitted_kg": {"median": m_all[0], "p05": m_all[1], "p95": m_all[2],
                                  "note": "fitted draws before the published-mass constraint (draws pruned "
                                          "far outside the band not included)"},
        "launch_mass_kept_kg": {"median": m_acc[0], "p05": m_acc[1], "p95": m_acc[2]},
        "published_launch_mass_kg": None if prior.launch_mass_kg is None else
        {"low": prior.launch_mass_kg.low, "high": prior.launch_mass_kg.high, "source": prior.launch_mass_kg.source},
        "catalog_max_range_km": prior.published_range_km,
        "catalog_max_range_source": prior.published_range_source or None,
        "observed": {
            "apogee_km": estimate.observed["apogee_m"] / 1e3,
            "range_km": estimate.observed["range_m"] / 1e3,
            "flight_time_s": t_obs,
            "azimuth_deg": estimate.observed["azimuth_deg"],
        },
        "lofted_flight_time_s": {"median": t_med[0], "p05": t_med[1], "p95": t_med[2]},
        "flight_time_residual_s": None if t_obs is None else t_med[0] - t_obs,
        "kepler_only": {
            "burnout_speed_m_s": estimate.kepler["burnout_speed_m_s"],
            "burnout_gamma_deg": estimate.kepler["burnout_gamma_deg"],
            "max_range_km": estimate.kepler["max_range_m"] / 1e3,
            "note": "closed-form inversion with burnout at the surface and no boost: an underestimate",
        },
        "central": draw_summary(estimate, i),
        "bands": [{"parameter": n, "low": b.low, "high": b.high, "source": b.source}
                  for n, b in zip(prior.names(), prior.bands(), strict=True)],
        "model": MODEL_TEXT,
    }
    return out
