"""One detection convention, the calibration's by default, followed by every command.

Authorities: the published ranges the presets are calibrated to (USCC 2016 p. 448:
600 km terminal, ~2,000 km forward-based, read at 1 m^2 — radars.yaml), and the closed
form of a Swerling 1 single look (Skolnik 2001; Pd = Pfa^(1/(1+SNR)), so SNR =
ln Pfa / ln Pd - 1), written out here, not taken from the package.
"""

from __future__ import annotations

import json
import math
import sys

import pytest

CALIBRATED_KM = {"terminal": 600.0, "forward-based": 2000.0}  # USCC 2016 p. 448, at 1 m^2


def _snr_swerling1(pd: float, pfa: float) -> float:
    return math.log(pfa) / math.log(pd) - 1.0


def _inproc(capsys, *args: str) -> tuple[int, str, str]:
    from unittest.mock import patch

    from thaadsim.cli.main import run

    with patch.object(sys, "argv", ["thaadsim", *args]):
        try:
            run()
            code = 0
        except SystemExit as done:
            code = int(done.code or 0)
    cap = capsys.readouterr()
    return code, cap.out, cap.err


def test_default_convention_is_the_calibrations():
    from thaadsim.catalog.radars import radar
    from thaadsim.sensors.convention import DEFAULT_CONVENTION

    for mode in radar("an-tpy-2").modes:
        assert (mode.reference_pd.value, mode.pfa.value, mode.reference_swerling.value) == (
            DEFAULT_CONVENTION.pd, DEFAULT_CONVENTION.pfa, DEFAULT_CONVENTION.swerling)
    assert DEFAULT_CONVENTION.looks == 1
    assert DEFAULT_CONVENTION.snr_required == pytest.approx(_snr_swerling1(0.9, 1e-6), rel=1e-9)
    assert DEFAULT_CONVENTION.describe() == "detection: Pd 0.9 per look, P_fa 1e-6, Swerling 1, 1 look"


@pytest.mark.parametrize("mode", ["terminal", "forward-based"])
def test_coverage_at_default_convention_is_the_calibrated_range(mode):
    """The coverage of the 1 m^2 calibration target reaches the published range within 1 km
    (the 1.62x bug: a single-look Pd 0.5 default gave 970 km for 600 km)."""
    from thaadsim.studies.validation_radar_quotes import coverage_range_km

    cov_km, _ = coverage_range_km(mode, 1.0)
    assert cov_km == pytest.approx(CALIBRATED_KM[mode], abs=1.0)


def _coverage_and_radar(capsys, mode: str, extra: tuple[str, ...]) -> tuple[float, float, dict]:
    """Coverage max slant range with the target on the face normal, and the radar's range."""
    from thaadsim.earth.constants import SPHERE_RADIUS_M

    code, out, err = _inproc(capsys, "radar", "--mode", mode, "--rcs-m2", "1", "--range-km", "300", *extra,
                             "--json")
    assert code == 0, err
    rad = json.loads(out)
    free_m = rad["detection_range_km"] * 1e3
    # target height that puts the free-space range on the face normal (10 deg tilt, radar at 0 m)
    h_km = (math.sqrt(SPHERE_RADIUS_M**2 + free_m**2 + 2 * SPHERE_RADIUS_M * free_m * math.sin(math.radians(10.0)))
            - SPHERE_RADIUS_M) / 1e3
    code, out, err = _inproc(capsys, "coverage", "--mode", mode, "--site", "0,0,0", "--boresight-az-deg", "0",
                             "--rcs-m2", "1", "--altitude-km", f"{h_km:.3f}", "--n-azimuths", "8", *extra, "--json")
    assert code == 0, err
    cov = json.loads(out)
    assert cov["detection_convention"] == rad["detection_convention"]
    return cov["max_range_km"], rad["detection_range_km"], rad["detection_convention"]


def test_every_command_follows_one_convention(capsys):
    """radar, coverage and visibility read the same --pd/--pfa/--swerling/--looks; the
    ranges scale as the closed-form SNR^(1/4) between conventions."""
    base_cov, base_rad, conv = _coverage_and_radar(capsys, "terminal", ())
    assert conv["pd"] == 0.9 and conv["looks"] == 1 and conv["is_default"]
    assert base_cov == pytest.approx(base_rad, rel=3e-3)  # WGS-84 vs the sphere of the height
    half_cov, half_rad, conv = _coverage_and_radar(capsys, "terminal", ("--pd", "0.5"))
    assert conv["pd"] == 0.5 and not conv["is_default"]
    ratio = (_snr_swerling1(0.9, 1e-6) / _snr_swerling1(0.5, 1e-6)) ** 0.25  # 1.619
    assert half_rad / base_rad == pytest.approx(ratio, rel=1e-6)
    assert half_cov / base_cov == pytest.approx(ratio, rel=3e-3)
    # the older option name still works and means the same
    old_cov, _, conv = _coverage_and_radar(capsys, "terminal", ("--pd-threshold", "0.5"))
    assert conv["pd"] == 0.5 and old_cov == pytest.approx(half_cov, abs=1e-6)
    # more looks and a lower P_fa move radar and coverage together
    many_cov, many_rad, conv = _coverage_and_radar(capsys, "terminal", ("--looks", "3", "--pfa", "1e-8"))
    assert conv["looks"] == 3 and conv["pfa"] == 1e-8
    assert many_cov == pytest.approx(many_rad, rel=3e-3) and many_rad != pytest.approx(base_rad, rel=1e-3)
    # first detection of a flight: earlier (or equal) at the laxer convention, and labelled
    times = {}
    for pd in ("0.9", "0.5"):
        code, out, err = _inproc(capsys, "visibility", "--site", "seongju", "--mode", "terminal", "--missile",
                                 "scud-er", "--from", "sunan", "--to", "busan", "--rcs-m2", "0.01", "--pd", pd,
                                 "--json")
        assert code == 0, err
        d = json.loads(out)
        assert d["detection_convention"]["pd"] == float(pd) and f"Pd {pd} per look" in d["criterion"]["text"]
        times[pd] = d["first_detection_time_s"]
    assert times["0.9"] is not None and times["0.5"] < times["0.9"]


def test_text_output_names_the_convention(capsys):
    code, out, _ = _inproc(capsys, "radar", "--mode", "terminal", "--rcs-m2", "1", "--range-km", "300")
    assert code == 0 and "detection: Pd 0.9 per look, P_fa 1e-6, Swerling 1, 1 look" in out
    code, out, _ = _inproc(capsys, "coverage", "--mode", "terminal", "--site", "seongju", "--rcs-m2", "1",
                           "--altitude-km", "100", "--n-azimuths", "16", "--pd", "0.8", "--swerling", "3")
    assert code == 0 and "detection: Pd 0.8 per look, P_fa 1e-6, Swerling 3, 1 look" in out


@pytest.mark.parametrize("args, field", [
    (("--pd", "1.2"), "--pd"), (("--pfa", "0"), "--pfa"), (("--swerling", "5"), "--swerling"),
    (("--looks", "0"), "--looks"),
])
def test_bad_convention_is_one_line_exit_2(capsys, args, field):
    code, _, err = _inproc(capsys, "radar", "--rcs-m2", "1", "--range-km", "100", *args)
    lines = err.strip().splitlines()
    assert code == 2 and len(lines) == 1 and field in lines[0] and "Traceback" not in err
