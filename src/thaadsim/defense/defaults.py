"""Fire control's assumed defaults, in a module that imports nothing, so that the scenario
schema can name them without loading the engine (:mod:`thaadsim.defense.firecontrol`
uses them from here)."""

DEFAULT_ASSET_RADIUS_M = 30_000.0
"""Radius of a defended asset [m] (ASSUMED: an area around a point - a base or a city
district - larger than a tactical missile's CEP of 0.05-3 km and the track's impact
ellipse late in flight)."""
DEFAULT_COMMIT_DELAY_S = 30.0
"""Fire control decides on a track at its first update this long after confirmation [s]
(ASSUMED: time for the estimate to settle.  Measured on a 4-missile Scud-ER salvo from
Tongchang-ri at Seongju, seed 1: the predicted intercept point is 2.7-9.6 km from the true
missile position when the plan is made 5 s after confirmation, 0.3-0.5 km at 30 s, with
the intercepts still near 108 km altitude)."""

__all__ = ["DEFAULT_ASSET_RADIUS_M", "DEFAULT_COMMIT_DELAY_S"]
