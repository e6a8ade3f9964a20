"""`thaadsim radar` and `thaadsim coverage` end to end, through `python -m thaadsim`."""

from __future__ import annotations

import json

import pytest

from tests.integration import cli


def test_radar_json_contract():
    out = cli.run("radar", "--radar", "an-tpy-2", "--mode", "forward-based", "--rcs-m2", "1", "--range-km", "2000", "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["snr_db"] == pytest.approx(21.14, abs=0.01)  # the calibration point
    assert data["pd"] == pytest.approx(0.90, abs=1e-3)
    names = {a["name"]: a for a in data["assumptions"]}
    assert names["average_power_kw"]["assumed"] is True
    assert names["aperture_area_m2"]["assumed"] is False


def test_coverage_json_contract_and_png(tmp_path):
    png = tmp_path / "cov.png"
    out = cli.run("coverage", "--radar", "an-tpy-2", "--mode", "terminal", "--site", "36.0513,128.2229,680",
               "--boresight-az-deg", "327", "--rcs-m2", "0.1", "--altitude-km", "150", "--n-azimuths", "180",
               "--png", str(png), "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert 100 < data["max_range_km"] < 1000
    assert data["area_km2"] > 1e4
    poly = data["polygon"]
    assert poly[0] == poly[-1] and len(poly) > 10 and all(len(p) == 2 for p in poly)
    assert png.exists() and png.stat().st_size > 10_000


@pytest.mark.parametrize(
    "args, field",
    [
        (["radar", "--radar", "an-tpy2", "--rcs-m2", "1", "--range-km", "100"], "did you mean 'an-tpy-2'"),
        (["radar", "--mode", "forward", "--rcs-m2", "1", "--range-km", "100"], "--mode"),
        (["radar", "--rcs-m2", "-1", "--range-km", "100"], "--rcs-m2"),
        (["coverage", "--site", "seongju", "--rcs-m2", "1", "--altitude-km", "-3"], "--altitude-km"),
        (["coverage", "--site", "seongju", "--rcs-m2", "1", "--altitude-km", "100", "--scan-limit-deg", "95"],
         "--scan-limit-deg"),
    ],
)
def test_bad_input_is_one_line_exit_2(args, field):
    out = cli.run(*args)
    assert out.returncode == 2
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and field in lines[0] and "Traceback" not in out.stderr
