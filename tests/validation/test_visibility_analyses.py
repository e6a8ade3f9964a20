"""The built-in analyses, reduced in size: tables consistent with themselves and with the
trajectories they come from."""

from __future__ import annotations

import math

import pytest

from thaadsim.sensors.analyses import WARHEAD_RCS_M2, china_icbm, nk_launches


def _check_row(r):
    if r["status"] != "ok":
        assert r["visible"] is None and r["first_detection_time_s"] is None
        return
    assert r["visible_duration_s"] >= 0.0
    if not r["visible"]:
        for k in ("first_detection_time_s", "first_detection_altitude_km", "first_detection_range_km",
                  "min_visible_altitude_km", "max_visible_altitude_km"):
            assert r[k] is None, k
        assert r["visible_duration_s"] == 0.0 and r["intervals_s"] == []
        return
    lo, hi = r["min_altitude_km"], r["max_altitude_km"]
    assert lo - 1e-6 <= r["first_detection_altitude_km"] <= hi + 1e-6
    assert lo - 1e-6 <= r["min_visible_altitude_km"] <= r["max_visible_altitude_km"] <= hi + 1e-6
    assert r["apogee_km"] == pytest.approx(hi, abs=2.0)  # sampled peak vs the exact apogee event
    assert 0.0 <= r["first_detection_time_s"] <= r["flight_time_s"]
    assert r["intervals_s"][0][0] == r["first_detection_time_s"]
    assert r["visible_duration_s"] == pytest.approx(sum(b - a for a, b in r["intervals_s"]))
    assert r["visible_duration_s"] <= r["flight_time_s"]
    assert r["first_detection_range_km"] > 0


@pytest.fixture(scope="module")
def nk():
    return nk_launches(("sunan", "sinpo"), {"scud-er": ("seoul", "busan"), "nodong": ("tokyo",),
                                            "hwasong-12": ("guam",)})


@pytest.fixture(scope="module")
def china():
    return china_icbm(("shenyang", "daqing"), ("df-41",), ("guam", "anchorage", "washington"))


def test_nk_table_consistent(nk):
    rows = nk.rows
    assert len(rows) == 2 * 2 * (2 + 1 + 1)  # modes x sites x targets
    for r in rows:
        _check_row(r)
    ok = [r for r in rows if r["status"] == "ok"]
    # at the calibration's convention (Pd 0.9 per look) every launch is seen in forward-based
    # mode, and the short-range Scud-ERs toward Seoul and Busan in terminal mode too
    assert ok and all(r["visible"] for r in ok if r["mode"] == "forward-based")
    assert all(r["visible"] for r in ok if r["missile"] == "scud-er")
    # forward-based never later or shorter than terminal for the same flight
    key = lambda r: (r["missile"], r["from"], r["to"])  # noqa: E731
    term = {key(r): r for r in ok if r["mode"] == "terminal"}
    for r in ok:
        if r["mode"] == "forward-based" and term[key(r)]["visible"]:
            t = term[key(r)]
            assert r["first_detection_time_s"] <= t["first_detection_time_s"]
            assert r["visible_duration_s"] >= t["visible_duration_s"]
    # the catalog orientation is used and said so
    assert all(c["boresight_az_deg"] == pytest.approx(327.0) for c in nk.configs)
    # Scud-ER from Sunan toward Busan is first seen climbing out, 100-500 km from the radar
    r = next(r for r in ok if key(r) == ("scud-er", "sunan", "busan") and r["mode"] == "terminal")
    assert 100.0 < r["first_detection_range_km"] < 500.0
    assert 20.0 < r["first_detection_altitude_km"] < r["apogee_km"]


def test_china_table_consistent(china):
    rows = china.rows
    assert len(rows) == 6 * 2 * 2 * (len(WARHEAD_RCS_M2) + 1)  # flights x orientations x modes x (warheads + booster)
    for r in rows:
        _check_row(r)
    assert {r["orientation"] for r in rows} == {"toward North Korea (as deployed)", "toward China (west)"}
    az = {r["orientation"]: r["boresight_az_deg"] for r in rows}
    assert az["toward North Korea (as deployed)"] == pytest.approx(327.0)
    assert az["toward China (west)"] == pytest.approx(300.0)
    # the booster's cross-section is the catalog default (rcs.yaml), and its row says so
    booster_notes = [c["rcs_note"] for c in china.configs if "booster stack" in (c["rcs_note"] or "")]
    assert booster_notes and all("ASSUMED default" in n for n in booster_notes)
    # a larger cross-section is seen at least as long, same flight and radar configuration
    by = {}
    for r in rows:
        if r["status"] == "ok":
            by.setdefault((r["missile"], r["from"], r["to"], r["orientation"], r["mode"]), {})[r["rcs_m2"]] = r
    for cells in by.values():
        vals = [cells[k] for k in sorted(cells)]
        for a, b in zip(vals, vals[1:], strict=False):
            assert b["visible_duration_s"] >= a["visible_duration_s"]
            if a["visible"]:
                assert b["visible"] and b["first_detection_time_s"] <= a["first_detection_time_s"]
    # Shenyang -> Guam passes over the Korean peninsula: seen even as deployed, in terminal mode, at 1 m^2
    r = next(r for r in rows if (r["from"], r["to"], r["mode"], r["rcs_m2"]) == ("shenyang", "guam", "terminal", 1.0)
             and r["orientation"].startswith("toward North"))
    assert r["visible"] and r["visible_duration_s"] > 30.0
    summary = china.as_dict()
    assert len(summary["shots"]) == 6 and summary["notes"]
    assert all(math.isfinite(s["miss_km"]) and s["miss_km"] < 0.1 for s in summary["shots"] if s["status"] == "ok")
