"""One colour scheme for everything a run draws: the report's figures, the CZML (Cesium) and
the KML (Google Earth), so that a reader who learns "green is intercepted" in one reads the
others the same way.  The web app reuses it.

Colours are ``#rrggbb`` with an opacity 0-1; :func:`rgba` gives CZML's 0-255 RGBA and
:func:`kml_colour` KML's ``aabbggrr`` hex.
"""

from __future__ import annotations

PALETTE: dict[str, tuple[str, float]] = {
    # threats by outcome (a defence question)
    "intercepted": ("#2ca02c", 1.0),
    "leaked": ("#d62728", 1.0),
    "not engaged": ("#ff7f0e", 1.0),
    "unknown": ("#7f7f7f", 1.0),
    # threats by what the radars saw (a surveillance question: no threat was the defence's to engage)
    "seen": ("#17becf", 1.0),
    "not seen": ("#7f7f7f", 1.0),
    # the defence
    "interceptor": ("#1f5fbf", 1.0),
    "kill": ("#2ca02c", 1.0),
    "miss": ("#ff7f0e", 1.0),
    "radar": ("#8e44ad", 1.0),
    "coverage": ("#8e44ad", 0.2),
    "coverage_outline": ("#8e44ad", 0.85),
    "battery": ("#102a5c", 1.0),
    "footprint": ("#1f77b4", 0.3),
    "footprint_twice": ("#1f77b4", 0.5),
    "footprint_outline": ("#1f77b4", 0.9),
    "asset": ("#b8860b", 1.0),
    "launch": ("#000000", 1.0),
    "target": ("#d62728", 1.0),
}
"""Kind of thing drawn -> (``#rrggbb``, opacity)."""

RADAR_CYCLE = ("#8e44ad", "#e377c2", "#8c564b", "#bcbd22", "#17becf")
"""Colours of successive radars where several are told apart (a timeline's markers)."""
RADAR_MARKERS = ("o", "D", "P", "h", "p")
"""Markers of successive radars, so that two radars differ in shape as well as colour."""


def hex_colour(kind: str) -> str:
    """``#rrggbb`` of a kind."""
    return PALETTE[kind][0]


def alpha(kind: str) -> float:
    return PALETTE[kind][1]


def rgba(kind: str) -> list[int]:
    """[r, g, b, a] in 0-255 (CZML)."""
    colour, opacity = PALETTE[kind]
    return [int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16), round(255 * opacity)]


def kml_colour(kind: str) -> str:
    """``aabbggrr`` hex (KML's order)."""
    r, g, b, a = rgba(kind)
    return f"{a:02x}{b:02x}{g:02x}{r:02x}"


__all__ = ["PALETTE", "RADAR_CYCLE", "RADAR_MARKERS", "alpha", "hex_colour", "kml_colour", "rgba"]
