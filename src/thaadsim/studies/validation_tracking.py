"""Validation rows for the tracker's stated uncertainty: does the launch-point CEP hold
half of the launch errors, twice the time-to-impact sigma 95.4 % of the time errors?

The authority is probability itself: if a stated uncertainty is right, the number of
seeded runs whose error falls inside it is binomial (n, p); the row agrees when the
observed fraction lies in the central 99 % interval of that binomial (a
self-consistency check, not an independent physical authority).  The runs draw their
truth from the catalog bands the stated uncertainty is built on
(``thaadsim.tracking.coverage``); few runs and every 8th radar look keep the rows to a
few seconds, at the price of a wide band (the suite's test uses 200 runs).
"""

from __future__ import annotations

import numpy as np

from thaadsim.studies.validation import TRACKER_COVERAGE as CATEGORY
from thaadsim.studies.validation import Check, compare

RUNS = 30
"""Seeded runs per row set (a 99 % band of about +-0.23 around 0.5)."""
LOOK_STEP = 8
"""Every k-th radar look is used (see ``tracking.coverage``)."""
GEOMETRY = ("scud-er", "tongchang-ri", "busan", "an-tpy-2", "seongju")
"""(missile, launch site, aim point, radar, radar site): the issue-10 case."""
LAUNCH_P = 0.5
"""A CEP holds half of the errors by definition."""
TTI_K_SIGMA = 2.0
TTI_P = 0.9544997361036416
"""A 2-sigma interval of a normal holds erf(2/sqrt 2) of its draws.  2 sigma, not 1: the
time to impact is skewed (a long late tail from low-beta reentry vehicles) and its stated
sigma is its RMS, so |error| <= 1 sigma holds 0.8-0.95 of the runs, more than 0.683."""


def tracking_coverage_checks(rng: np.random.Generator, runs: int = RUNS, look_step: int = LOOK_STEP) -> list[Check]:
    """Two rows: launch-point CEP coverage and time-to-impact 2-sigma coverage over
    ``runs`` seeded runs of the Scud-ER-to-Busan chain (``GEOMETRY``)."""
    from thaadsim.catalog.loader import resolve_location
    from thaadsim.earth import frames
    from thaadsim.sensors.radar import RadarModel
    from thaadsim.tracking.coverage import binomial_band, coverage_runs

    missile, origin, target, radar_key, radar_site = GEOMETRY
    site = resolve_location(radar_site, "radar_site")
    launch = resolve_location(origin, "origin")
    aim = resolve_location(target, "target")
    az = float(np.asarray(frames.geodesic_inverse(site.lat_deg, site.lon_deg, launch.lat_deg,
                                                  launch.lon_deg)[0]).reshape(-1)[0])
    radar = RadarModel.from_catalog(radar_key, None, site=site, boresight_az_deg=az)
    c = coverage_runs(missile, launch, aim, radar, rng, runs, look_step=look_step)
    rows = []
    for which, p, k, label in (("launch", LAUNCH_P, 1.0, "launch-point error <= stated CEP"),
                               ("tti", TTI_P, TTI_K_SIGMA, "|time-to-impact error| <= 2 stated sigma")):
        frac, n = c.fraction(which, k)
        lo, hi = binomial_band(p, max(n, 1))
        rows.append(compare(
            f"Tracker {label}: fraction of {n} runs ({missile} {origin} to {target}, {radar_key} at {radar_site})",
            CATEGORY, frac, p, "fraction", tolerance=0.0, relative=False, theirs_span=(lo, hi), kind="self-consistency",
            source=f"binomial({n}, {p:.3f}) central 99 % interval: what a correct stated uncertainty gives",
            note=(f"truths drawn from the catalog bands (ASSUMED central 95 %); every {look_step}th look; "
                  f"{int(runs) - n} runs without a confirmed track")))
    return rows


__all__ = ["CATEGORY", "GEOMETRY", "RUNS", "TTI_K_SIGMA", "tracking_coverage_checks"]
