"""Radar records: load, validate, and reject bad input with one-line errors."""

from __future__ import annotations

import math

import pytest

from thaadsim.catalog.radars import Radar, radar, radars
from thaadsim.errors import InputError, UnknownNameError
from thaadsim.sensors.radar import RadarModel


def test_catalog_loads_with_two_modes():
    rec = radar("AN-TPY-2")
    assert rec.mode_keys == ["terminal", "forward-based"]
    assert "an-tpy-2" in radars()
    assert rec.mode("terminal").min_elevation_deg.value == 5.0


def test_fields_carry_units_and_docs():
    desc = Radar.model_fields["average_power_kw"].description
    assert "[kW]" in desc


def test_unknown_radar_and_mode_have_hints():
    with pytest.raises(UnknownNameError, match="did you mean 'an-tpy-2'"):
        radar("an-tpy2")
    with pytest.raises(UnknownNameError, match="forward-based"):
        radar("an-tpy-2").mode("forward")


@pytest.mark.parametrize("scan", [90.5, 120.0, 0.0, -5.0])
def test_scan_limit_over_90_rejected(scan):
    with pytest.raises(InputError, match="scan limit"):
        RadarModel.from_catalog("an-tpy-2", "terminal", scan_limit_deg=scan)


def test_model_rejects_bad_geometry():
    m = RadarModel.from_catalog("an-tpy-2", "terminal")
    with pytest.raises(InputError):
        m.with_(scan_limit_rad=math.radians(95))
    with pytest.raises(InputError, match="site"):
        m.kernel_params()
    with pytest.raises(InputError, match="below ground"):
        m.with_site(36.0, 128.0, -1000.0)
