"""`thaadsim visibility` and `thaadsim analysis ...` end to end, through `python -m thaadsim`."""

from __future__ import annotations

import json
import sys

import pytest

from tests.integration import cli


def _inproc(capsys, *args: str) -> tuple[int, str, str]:
    """The console entry point in this process (no interpreter start-up): (exit code, stdout, stderr)."""
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


def test_visibility_json_contract():
    out = cli.run("visibility", "--radar", "an-tpy-2", "--mode", "terminal", "--site", "seongju", "--missile",
               "scud-er", "--from", "sunan", "--to", "busan", "--json")
    assert out.returncode == 0, out.stderr
    d = json.loads(out.stdout)
    for key in ("visible", "first_detection_time_s", "first_detection_altitude_km", "visible_duration_s",
                "first_detection_range_km", "intervals_s", "min_visible_altitude_km", "max_visible_altitude_km",
                "assumptions", "trajectory", "boresight_az_deg", "boresight_note", "rcs", "criterion"):
        assert key in d, key
    assert d["visible"] is True
    assert 0 < d["first_detection_time_s"] < d["trajectory"]["flight_time_s"]
    assert d["trajectory"]["min_altitude_km"] <= d["first_detection_altitude_km"] <= d["trajectory"]["apogee_km"]
    assert d["visible_duration_s"] > 0
    for k in ("range_km", "apogee_km", "flight_time_s"):
        assert d["trajectory"][k] > 0
    # default boresight: toward the launch point (Sunan lies ~328 deg from Seongju), and said so
    assert 325 < d["boresight_az_deg"] < 331 and "launch point" in d["boresight_note"]
    assert any(a["assumed"] for a in d["assumptions"]) and any(not a["assumed"] for a in d["assumptions"])
    assert d["rcs"]["main"]["assumed"] is True and d["rcs"]["main"]["rcs_m2"] == 0.1


def test_visibility_table_rcs_and_behind_the_face(capsys):
    code, out, err = _inproc(capsys, "visibility", "--site", "seongju", "--mode", "forward-based",
                             "--boresight-az-deg", "147", "--missile", "scud-er", "--from", "sunan", "--to", "seoul",
                             "--rcs-table", "warhead", "--json")
    assert code == 0, err
    d = json.loads(out)
    assert d["visible"] is False and d["first_detection_time_s"] is None and d["visible_duration_s"] == 0
    assert d["rcs"]["main"]["model"] == "aspect-table"


@pytest.mark.parametrize(
    "args, needle",
    [
        (["--radar", "an-tpy3"], "did you mean 'an-tpy-2'"),
        (["--mode", "forward"], "--mode"),
        (["--missile", "scud-x"], "--missile"),
        (["--site", "seongjoo"], "--site"),
        (["--from", "nowhere"], "--from"),
        (["--rcs-m2", "-0.1"], "--rcs-m2"),
        (["--rcs-table", "warheads"], "--rcs-table"),
        (["--rcs-m2", "1", "--rcs-table", "warhead"], "--rcs-m2"),
        (["--profile", "sideways"], "--profile"),
    ],
)
def test_visibility_bad_input_one_line_exit_2(capsys, args, needle):
    base = {"--site": "seongju", "--missile": "scud-er", "--from": "sunan", "--to": "busan"}
    argv = ["visibility"]
    given = dict(zip(args[::2], args[1::2], strict=True))
    for k, v in {**base, **given}.items():
        argv += [k, v]
    code, _, err = _inproc(capsys, *argv)
    assert code == 2, err
    assert needle in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("args, needle", [(["--radar", "an-tpy3"], "did you mean 'an-tpy-2'"),
                                          (["--rcs-m2", "-1"], "--rcs-m2")])
def test_visibility_bad_input_through_python_m(args, needle):
    out = cli.run("visibility", "--site", "seongju", "--missile", "scud-er", "--from", "sunan", "--to", "busan", *args)
    assert out.returncode == 2 and needle in out.stderr
    assert "Traceback" not in out.stderr and len(out.stderr.strip().splitlines()) == 1


def test_analysis_commands_reduced(tmp_path, capsys):
    png = tmp_path / "nk.png"
    code, out, err = _inproc(capsys, "analysis", "nk-launches", "--missiles", "scud-er", "--sites", "sunan",
                             "--targets", "busan,seoul", "--png", str(png), "--json")
    assert code == 0, err
    d = json.loads(out)
    assert len(d["rows"]) == 4 and all(r["visible"] for r in d["rows"])
    assert {r["mode"] for r in d["rows"]} == {"terminal", "forward-based"}
    assert png.exists() and png.stat().st_size > 10_000
    code, out, err = _inproc(capsys, "analysis", "china-icbm", "--missiles", "df-41", "--sites", "shenyang",
                             "--targets", "guam,seattle", "--json")
    assert code == 0, err
    d = json.loads(out)
    # 2 flights x 2 orientations x 2 modes x (7 warhead RCS of the band + the booster)
    assert len(d["rows"]) == 2 * 2 * 2 * 8
    assert d["summary"]["flights"] == 2
    assert d["detection_convention"]["pd"] == 0.9
    band = d["rcs_band_table"]
    assert len(band) == 2 * 2 * 7 and all(c["flights"] == 2 for c in band)
    for c in band:  # the table is the rows condensed
        rows = [r for r in d["rows"] if r["orientation"] == c["orientation"] and r["mode"] == c["mode"]
                and r["rcs_m2"] == c["rcs_m2"] and r["object"].startswith("warhead")]
        assert c["flights_seen"] == sum(bool(r["visible"]) for r in rows)
    for o in {c["orientation"] for c in band}:  # a bigger warhead is seen by at least as many flights
        for m in ("terminal", "forward-based"):
            seen = [c["flights_seen"] for c in sorted(band, key=lambda c: c["rcs_m2"])
                    if c["orientation"] == o and c["mode"] == m]
            assert seen == sorted(seen)
    for r in d["rows"]:
        if not r["visible"]:
            assert r["first_detection_time_s"] is None and r["visible_duration_s"] == 0
    code, _, err = _inproc(capsys, "analysis", "china-icbm", "--sites", "shenyangg")
    assert code == 2 and "Traceback" not in err and "--sites" in err
    code, _, err = _inproc(capsys, "analysis", "nk-launches", "--rcs-m2", "0")
    assert code == 2 and "--rcs-m2" in err
