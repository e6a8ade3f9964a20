"""Validation rows for the tracker's stated uncertainty: does the launch-point CEP hold
half of the launch errors, the 1-sigma time to impact 68.3 % of the time errors?

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

from thaadsim.studies.validation import Check, compare

CATEGORY = "tracker uncertainty: coverage of seeded runs"
"""Category of the rows (the caller places it among the validation categories)."""
RUNS = 40
"""Seeded runs per row set (a 99 % band of about +-0.2 around 0.5)."""
LOOK_STEP = 8
"""Every k-th radar look is used (see ``tracking.coverage``)."""
GEOMETRY = ("scud-er", "tongchang-ri", "busan", "an-tpy-2", "seongju")
"""(missile, launch site, aim point, radar, radar site): the issue-10 case."""
LAUNCH_P = 0.5
"""A CEP holds half of the errors by definition."""
TTI_P = 0.6826894921370859
"""A 1-sigma interval of a normal holds erf(1/sqrt 2) of its draws."""


def tracking_coverage_checks(rng: np.random.Generator, runs: int = RUNS, look_step: int = LOOK_STEP) -> list[Check]:
    """Two rows: launch-point CEP coverage and time-to-impact 1-sigma coverage over
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
    for which, p, label in (("launch", LAUNCH_P, "launch-point error <= stated CEP"),
                            ("tti", TTI_P, "|time-to-impact error| <= stated 1 sigma")):
        frac, n = c.fraction(which)
        lo, hi = binomial_band(p, max(n, 1))
        rows.append(compare(
            f"Tracker {label}: fraction of {n} runs ({missile} {origin} to {target}, {radar_key} at {radar_site})",
            CATEGORY, frac, p, "fraction", tolerance=0.0, relative=False, theirs_span=(lo, hi),
            source=f"binomial({n}, {p:.3f}) central 99 % interval: what a correct stated uncertainty gives",
            note=(f"truths drawn from the catalog bands (ASSUMED central 95 %); every {look_step}th look; "
                  f"{int(runs) - n} runs without a confirmed track")))
    return rows


__all__ = ["CATEGORY", "GEOMETRY", "RUNS", "tracking_coverage_checks"]
