"""The flight commands' contracts, run as a user runs them (a subprocess)."""

from __future__ import annotations

import json

import pytest

from tests.integration import cli
from thaadsim.errors import InputError
from thaadsim.flight.vehicle import Stage

thaadsim = cli.run


def test_trajectory_json_contract():
    run = thaadsim("trajectory", "--missile", "scud-c", "--from", "sunan", "--to", "daegu", "--json")
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    for key in ("range_km", "apogee_km", "flight_time_s", "impact_lat_deg", "impact_lon_deg",
                "burnout_speed_m_s", "burnout_gamma_deg"):
        assert isinstance(out[key], float), key
    assert out["miss_km"] < 1.0
    assert 0.0 < out["burnout_gamma_deg"] < 90.0
    assert [e["event"] for e in out["events"]][-1] == "impact"


def test_burnout_state_mode_matches_the_closed_form():
    """7 km/s at 25 deg, validation sphere: 8,910 km, 30.0 min (formulas.md worked values)."""
    run = thaadsim("trajectory", "--burnout-speed", "7000", "--gamma-deg", "24.968", "--azimuth-deg", "90",
                   "--from", "0,0", "--earth", "sphere", "--no-rotation", "--no-drag", "--json")
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    assert out["range_km"] == pytest.approx(8910, abs=1.0)
    assert out["flight_time_s"] / 60 == pytest.approx(30.0, abs=0.05)
    assert out["apogee_km"] == pytest.approx(1303, abs=1.0)


@pytest.mark.parametrize("args, field", [
    (["trajectory", "--missile", "hwasong15", "--from", "sunan", "--to", "tokyo"], "--missile"),
    (["trajectory", "--missile", "scud-b", "--from", "sunann", "--to", "seoul"], "--from"),
    (["trajectory", "--missile", "scud-b", "--from", "125.67,39.22", "--to", "seoul"], "--from"),
    (["trajectory", "--missile", "scud-b", "--from", "95,10", "--to", "seoul"], "--from"),
    (["trajectory", "--missile", "scud-b", "--from", "sunan", "--to", "tokyo"], "to"),
    (["trajectory", "--burnout-speed", "3000", "--gamma-deg", "95", "--azimuth-deg", "90", "--from", "0,0"],
     "--gamma-deg"),
    (["trajectory", "--burnout-speed", "3000", "--gamma-deg", "0", "--azimuth-deg", "90", "--from", "0,0"],
     "gamma_deg"),
    (["trajectory", "--burnout-speed", "12000", "--gamma-deg", "30", "--azimuth-deg", "90", "--from", "0,0"],
     "--burnout-speed"),
    (["trajectory", "--missile", "scud-b", "--from", "sunan", "--to", "seoul", "--profile", "steep"], "profile"),
    (["infer-range", "--apogee-km", "-5", "--range-km", "900"], "apogee"),
    (["catalog", "rockets"], ""),
])
def test_bad_input_is_one_line_and_exit_2(args, field):
    run = thaadsim(*args)
    assert run.returncode == 2, (run.returncode, run.stdout, run.stderr)
    assert "Traceback" not in run.stderr
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, run.stderr
    assert field in lines[0]


def test_unreachable_aim_names_the_maximum_range():
    run = thaadsim("trajectory", "--missile", "scud-b", "--from", "sunan", "--to", "tokyo")
    assert run.returncode == 2
    assert "maximum range in that direction is" in run.stderr


def test_negative_masses_are_refused():
    with pytest.raises(InputError, match="propellant_kg"):
        Stage(propellant_kg=-10.0, dry_kg=100.0, burn_s=60.0, isp_sl_s=220.0, isp_vac_s=250.0)


def test_infer_range_json_contract(infer_range_json_run):
    """tests/conftest.py's run of ``INFER_RANGE_JSON`` (a subprocess), shared with the progress test."""
    run = infer_range_json_run
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    for key in ("burnout_speed_m_s", "max_range_km", "max_range_low_km", "max_range_high_km", "range_toward_km"):
        assert isinstance(out[key], float), key
    assert out["max_range_low_km"] <= out["max_range_km"] <= out["max_range_high_km"]
    assert out["dominant_assumption"]


def test_infer_range_from_a_catalog_test_names_the_catalog_figure_and_the_seed():
    run = thaadsim("infer-range", "--test", "2017-11-29-hwasong-15", "--draws", "300", "--seed", "5", "--json")
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    assert out["missile"] == "hwasong-15"
    assert "seed 5" in out["sampling"] and out["draws"] == 300
    assert out["catalog_agreement"]["catalog_max_range_km"] == 13000.0
    low, high = out["published_launch_mass_kg"]["low"], out["published_launch_mass_kg"]["high"]
    assert low <= out["launch_mass_kept_kg"]["p05"] <= out["launch_mass_kept_kg"]["p95"] <= high
    assert out["observed"]["azimuth_deg"] < 90.0  # toward the published impact point, not due east
    assert out["elapsed_s"] < 60.0


def test_min_energy_trajectory_reports_the_closed_form_apogee():
    run = thaadsim("trajectory", "--missile", "hwasong-15", "--from", "sunan", "--to", "40.7,-74.0", "--json")
    assert run.returncode == 0, run.stderr
    kep = json.loads(run.stdout)["min_energy_apogee_vs_closed_form"]
    assert kep["engine_apogee_geocentric_km"] == pytest.approx(kep["burnout_state_km"], rel=0.01)
    assert kep["engine_apogee_km"] < kep["surface_closed_form_km"]
