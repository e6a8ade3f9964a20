"""The terminal outcome table of `thaadsim run` prints each 'why not intercepted' in full
(issue 14: it was cut at ~70 characters, mid-word, where the battery's account is)."""

from __future__ import annotations

from thaadsim.cli.run_cmds import print_summary

REASON = ("seongju: not engaged - the predicted intercept point lies 212 km from the battery, beyond the "
          "interceptor's 200 km reach; araya: never tracked - no detection before impact")


def _summary():
    threat = {"object_id": "T1.1", "missile": "scud-er", "from": "tongchang-ri", "to": "busan", "outcome": "leaked",
              "intercepted_by": None, "first_detection_s": {"r1": 90.0}, "intercept_time_s": None,
              "intercept_altitude_km": None, "reason": REASON}
    return {"scenario": "x", "seed": 1, "epoch": "2017-03-06T00:00:00Z", "threats": 1, "engaged": 0,
            "intercepted": 0, "leaked": 1, "leaked_into_defended_assets": 1, "interceptors_fired": 0, "inventory": 48,
            "first_detection_s": 90.0, "first_intercept_s": None, "per_threat": [threat, {**threat, "object_id":
                                                                                        "T1.2", "reason": None}]}


def test_the_reason_is_printed_whole(capsys):
    print_summary(_summary(), None)
    out = capsys.readouterr().out
    assert len(REASON) > 120
    assert f"T1.1: {REASON}" in out
    assert "T1.2:" not in out  # no reason, no line
    assert "..." not in out
