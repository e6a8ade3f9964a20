"""Interceptor and battery records: open-literature figures with sources, assumptions named.

Authority: shared/reference/open-literature.md (THAAD battery and interceptor table).
"""

from __future__ import annotations

import pytest

from thaadsim.catalog.interceptors import Interceptor, batteries, battery, interceptor, interceptors
from thaadsim.defense.battery import Battery
from thaadsim.defense.interceptor import InterceptorModel
from thaadsim.errors import InputError, UnknownNameError


def test_thaad_open_literature_figures():
    rec = interceptor("THAAD")
    assert rec.length_m.value == 6.17
    assert rec.launch_mass_kg.value == 900
    assert rec.burnout_speed_km_s.value == 2.8 and "weak" in rec.burnout_speed_km_s.note
    assert (rec.min_intercept_alt_km.value, rec.max_intercept_alt_km.value) == (40, 150)
    assert rec.max_range_km.value == 200
    assert rec.propellant_mass_kg.assumed and "fitted so that" in rec.propellant_mass_kg.note
    for name in ("isp_sl_s", "isp_vac_s", "burn_time_s", "sspk", "lethal_radius_m", "max_lateral_accel_m_s2"):
        assert getattr(rec, name).assumed, name
    assert 0 < rec.dry_mass_kg < rec.launch_mass_kg.value
    assert "thaad" in interceptors()


def test_battery_inventory_and_uscc_band():
    rec = battery("thaad-battery")
    assert rec.inventory == 48
    assert (rec.launchers.low, rec.launchers.high) == (6, 9)
    assert rec.reload_s.value == 0 and rec.kill_assessment_s.assumed
    assert "thaad-battery" in batteries()
    b = Battery.from_catalog()
    assert b.inventory == 48 and b.lat_deg == pytest.approx(36.0513)
    assert any("sspk" in a for a in b.assumptions)


def test_fields_carry_units_and_docs():
    assert "[km/s]" in Interceptor.model_fields["burnout_speed_km_s"].description


def test_unknown_names_have_hints():
    with pytest.raises(UnknownNameError, match="did you mean 'thaad'"):
        interceptor("thad")
    with pytest.raises(UnknownNameError, match="thaad-battery"):
        battery("thaad-batery")


@pytest.mark.parametrize("change, field", [
    (dict(min_alt_m=150e3, max_alt_m=40e3), "min_alt_km"),
    (dict(sspk=1.5), "sspk"),
    (dict(max_range_m=-1.0), "max_range_m"),
])
def test_model_rejects_bad_input(change, field):
    with pytest.raises(InputError, match=field) as err:
        InterceptorModel.from_catalog().with_(**change)
    assert "\n" not in str(err.value)


def test_battery_rejects_bad_input():
    with pytest.raises(InputError, match="p_detect"):
        Battery.from_catalog(p_detect=1.2)
    with pytest.raises(InputError, match="inventory"):
        Battery.from_catalog(inventory=-3)
    with pytest.raises(InputError, match="--battery-site"):
        Battery.from_catalog(site="91,0")
