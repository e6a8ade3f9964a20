"""Does the stated uncertainty cover the error?  Seeded runs of the tracking chain.

A stated CEP should hold the launch-point error in half of the runs, a stated 1-sigma
time to impact the time error in 68.3 % of them - *over the things the statement is
uncertain about*.  The launch CEP includes the boost-model uncertainty and the time to
impact the class's RV ballistic-coefficient band (``class_prior``), so each run draws
its own truth from the same catalog bands (``class_prior.vehicle_variants``; the truth
draws come from the run generator, the tracker's boost model from its own fixed seed, so
the two are independent samples) and its own measurement noise.  Every truth is flown
once, in one batch, with the nominal vehicle's minimum-energy steering on the boost
model's grid (``class_prior.grid_steering``: the aim point's range and azimuth rounded,
so a truth lands within ~25 km and ~2.5 deg of the aim point - which is immaterial to
coverage, and spares a second steering solve); each run is then measured (no false alarms) and tracked alone, with the
chain's products (``scenario_track.class_products``).

``look_step`` keeps every k-th radar look (a radar cued at a lower rate): fewer frames,
the same estimator, for a test that must stay short.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.stats import binom

from thaadsim.errors import InputError
from thaadsim.tracking.class_prior import grid_steering, vehicle_variants
from thaadsim.tracking.manager import run_tracker
from thaadsim.tracking.products import classify, launch_points


@dataclass
class CoverageRuns:
    """Per run (NaN where no confirmed track): launch error and stated CEP [km], time-to-
    impact error [s] (estimate - truth) and stated sigma [s], impact error and CEP [km]."""

    launch_error_km: np.ndarray
    launch_cep_km: np.ndarray
    tti_error_s: np.ndarray
    tti_sigma_s: np.ndarray
    impact_error_km: np.ndarray
    impact_cep_km: np.ndarray
    truth_rv_beta_kg_m2: np.ndarray
    class_is_truth: np.ndarray

    @property
    def valid(self) -> np.ndarray:
        return np.isfinite(self.launch_error_km) & np.isfinite(self.tti_error_s)

    def fraction(self, which: str, k_sigma: float = 1.0) -> tuple[float, int]:
        """(fraction covered, runs) for 'launch' (error <= CEP), 'tti' (|error| <= k sigma)
        or 'impact' (error <= CEP)."""
        v = self.valid
        if which == "launch":
            hit = self.launch_error_km[v] <= self.launch_cep_km[v]
        elif which == "tti":
            hit = np.abs(self.tti_error_s[v]) <= k_sigma * self.tti_sigma_s[v]
        elif which == "impact":
            hit = self.impact_error_km[v] <= self.impact_cep_km[v]
        else:
            raise InputError(f"unknown product '{which}'", field="which", hint="launch, tti or impact")
        return (float(hit.mean()) if hit.size else math.nan), int(hit.size)


def binomial_band(p: float, n: int, level: float = 0.99) -> tuple[float, float]:
    """The central ``level`` interval of the fraction of successes in n trials of p."""
    lo, hi = binom.interval(level, n, p)
    return float(lo) / n, float(hi) / n


def coverage_runs(missile: str, launch, aim, radar, rng: np.random.Generator, runs: int = 200, *,
                  look_step: int = 1, config=None, rcs_m2: float = 1.0, options=None) -> CoverageRuns:
    """``runs`` seeded runs of one geometry (module doc); ``launch``/``aim`` are
    ``Location``s, ``radar`` a sited ``RadarModel``; every truth and noise draw from ``rng``."""
    from thaadsim.catalog.loader import missile as lookup_missile
    from thaadsim.flight.engine import FlightOptions, fly
    from thaadsim.flight.targeting import Launch
    from thaadsim.sensors.measurements import measure
    from thaadsim.tracking.scenario_track import (
        _distance_km,
        class_products,
        class_signatures,
        default_tracker_config,
        exo_arc_state,
    )

    if not isinstance(rng, np.random.Generator):
        raise InputError("pass a numpy.random.Generator", field="rng")
    if int(runs) < 1 or int(look_step) < 1:
        raise InputError("runs and look_step must be >= 1", field="runs")
    radar.require_site()
    options = options or FlightOptions()
    config = config or default_tracker_config()
    record = lookup_missile(missile, field="missile")
    site = Launch(float(launch.lat_deg), float(launch.lon_deg), float(launch.alt_m))
    az, kick, frac, _, _ = grid_steering(record.key, site.lat_deg, site.lon_deg, float(aim.lat_deg),
                                         float(aim.lon_deg), options)
    vehicles = vehicle_variants(record, int(runs), rng)
    dt = radar.revisit_s * int(look_step)
    fb = fly(vehicles, site.lat_deg, site.lon_deg, site.alt_m, az, kick, frac, options, sample_dt_s=dt)
    signatures = class_signatures(options)
    out = {k: np.full(int(runs), np.nan) for k in CoverageRuns.__dataclass_fields__}
    for i in range(int(runs)):
        if not fb.ok[i]:
            continue
        s = fb.samples[i]
        good = np.isfinite(s[:, 0])
        t = dt * np.flatnonzero(good)
        det = measure(radar, t, s[good, :3], s[good, 3:6], rcs_m2, rng, false_alarms=False)
        res = run_tracker(det, config)
        conf = res.confirmed_tracks
        if not conf:
            continue
        tr = max(conf, key=lambda c: c.times_s.size)
        ex = exo_arc_state(tr, det, res.model)
        Xe, Pe, te = ex[0][None], ex[1][None], np.array([ex[2]])
        lau = launch_points(Xe, Pe, te, res.model, method="central")
        cls = classify(Xe, Pe, signatures)
        boosts, rows, imp = class_products([tr], lau, cls, res, options, [ex])
        out["truth_rv_beta_kg_m2"][i] = vehicles[i].rv_beta_kg_m2
        out["class_is_truth"][i] = float(boosts[0] is not None and boosts[0].missile == record.key)
        lat_i, lon_i, _ = fb.geodetic(fb.impact[i:i + 1])
        out["launch_error_km"][i] = _distance_km(rows[0]["lat_deg"], rows[0]["lon_deg"], site.lat_deg, site.lon_deg)
        out["launch_cep_km"][i] = rows[0]["cep_m"] / 1e3
        out["tti_error_s"][i] = float(imp.time_s[0]) - float(fb.impact[i, 0])
        out["tti_sigma_s"][i] = float(imp.sigma_time_s[0])
        out["impact_error_km"][i] = _distance_km(float(imp.lat_deg[0]), float(imp.lon_deg[0]), float(lat_i[0]),
                                                 float(lon_i[0]))
        out["impact_cep_km"][i] = float(imp.cep_m[0]) / 1e3
    return CoverageRuns(**out)


__all__ = ["CoverageRuns", "binomial_band", "coverage_runs"]
