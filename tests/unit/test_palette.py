"""One colour scheme across the report, the CZML and the KML (issue 14: intercepted threats
were green in the report and orange in Cesium and Google Earth), and CZML labels that name
the asset circles and do not sit on top of each other."""

from __future__ import annotations

import pytest

from tests.scenario_example import example_result
from thaadsim.outputs import czml, figures, kml, palette, report


def test_rgba_and_kml_orders_are_the_same_colour():
    """Authority: the byte orders of the two formats (CZML rgba 0-255, KML aabbggrr)."""
    assert palette.rgba("intercepted") == [0x2C, 0xA0, 0x2C, 255]
    assert palette.kml_colour("intercepted") == "ff2ca02c"[:2] + "2c" + "a0" + "2c"
    assert palette.kml_colour("leaked") == "ff2827d6"


@pytest.mark.parametrize("outcome, czml_key", [("intercepted", "threat_intercepted"), ("leaked", "threat_impact")])
def test_each_outcome_has_one_colour_everywhere(outcome, czml_key):
    hex_colour = palette.hex_colour(outcome)
    assert figures.OUTCOME_COLOURS[outcome] == hex_colour
    assert czml.COLORS[czml_key] == palette.rgba(outcome)
    assert kml.STYLES[czml_key]["line"][0] == palette.kml_colour(outcome)
    assert hex_colour in report._CSS
    for kind in ("interceptor", "radar", "battery", "kill", "miss"):
        assert czml.COLORS[kind] == palette.rgba(kind)
        assert figures.__dict__[f"{kind.upper()}_COLOUR"] == palette.hex_colour(kind)


def test_czml_names_asset_circles_and_staggers_object_labels():
    packets = czml.czml_document(example_result())
    assets = [p for p in packets if "/asset/" in p.get("id", "")]
    assert assets and all(p["label"]["text"] == p["name"] for p in assets)
    threats = [p for p in packets if str(p.get("id", "")).startswith("T")]
    offsets = [tuple(p["label"]["pixelOffset"]["cartesian2"]) for p in threats]
    assert len(threats) >= 2 and len(set(offsets)) == len(offsets)
    radar = next(p for p in packets if str(p.get("id", "")).startswith("radar/") and "label" in p)
    battery = next(p for p in packets if str(p.get("id", "")).startswith("battery/") and "label" in p)
    assert radar["label"]["pixelOffset"] != battery["label"]["pixelOffset"]  # one site, two labels apart
