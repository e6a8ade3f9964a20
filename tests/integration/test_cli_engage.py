"""`thaadsim engage` end to end, through `python -m thaadsim`: the JSON contract of
issue 5, the same seed giving the same bytes, and one-line errors with exit code 2."""

from __future__ import annotations

import json

import pytest

from tests.integration import cli

SALVO = ["engage", "--battery-site", "seongju", "--missile", "scud-er", "--from", "tongchang-ri",
         "--to", "seongju", "--count", "2", "--spacing-s", "5", "--doctrine", "shoot-look-shoot",
         "--sspk", "0.8", "--seed", "4", "--json"]


def test_json_contract_and_seed_reproducibility():
    first, second = cli.start(*SALVO), cli.start(*SALVO)  # concurrently: same seed, same bytes
    rc1, out1, err1 = cli.finish(first)
    rc2, out2, _ = cli.finish(second)
    assert rc1 == 0, err1
    assert rc2 == 0
    assert out1 == out2
    d = json.loads(out1)
    for key in ("threats", "engaged", "intercepted", "leaked", "interceptors_fired"):
        assert isinstance(d[key], int), key
    assert d["threats"] == 2
    assert len(d["per_threat"]) == 2
    for p in d["per_threat"]:  # every threat is accounted for exactly once: killed or a leaker
        assert p["threat"] is True  # both are aimed at Seongju, the defended site itself
        assert (p["outcome"] == "intercepted") != p["leaker"]
    assert d["intercepted"] + d["leaked"] == d["threats"]
    assert d["intercepted"] == sum(p["outcome"] == "intercepted" for p in d["per_threat"])
    assert d["leaked"] == sum(p["leaker"] for p in d["per_threat"])
    assert d["interceptors_fired"] <= d["battery"]["inventory"] == 48
    assert d["interceptors_fired"] == sum(len(t["shots"]) for t in d["tracks"])
    for p in d["per_threat"]:
        assert {"outcome", "shots", "intercept_altitude_km"} <= set(p)
        if p["outcome"] == "intercepted":
            assert 40.0 <= p["intercept_altitude_km"] <= 150.0
        else:
            assert p["intercept_altitude_km"] is None
    assert d["sspk"] == 0.8 and d["doctrine"] == "shoot-look-shoot" and d["seed"] == 4
    assert any("ASSUMED" in a for a in d["assumptions"])


@pytest.mark.parametrize("args, needle", [
    (["--missile", "no-such-missile"], "--missile"),
    (["--from", "atlantis"], "--from"),
    (["--battery-site", "nowhere"], "--battery-site"),
    (["--count", "0"], "--count"),
    (["--count", "-3"], "--count"),
    (["--sspk", "1.5"], "--sspk"),
    (["--sspk", "-0.1"], "--sspk"),
    (["--doctrine", "shoot-and-hope"], "--doctrine"),
    (["--kill-model", "lasers"], "--kill-model"),
])
def test_bad_input_is_one_line_exit_2(args, needle):
    base = {"--battery-site": "seongju", "--missile": "scud-er", "--from": "tongchang-ri", "--to": "seongju"}
    for k, v in zip(args[::2], args[1::2], strict=True):
        base[k] = v
    argv = ["engage", *[x for kv in base.items() for x in kv]]
    rc, out, err = cli.finish(cli.start(*argv))
    assert rc == 2, (out, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:"), err
    assert "Traceback" not in err
    assert needle in lines[0] or needle.lstrip("-") in lines[0], lines[0]


def test_kill_model_pn_reports_miss_and_its_assumption():
    # issue 5: the endgame selectable; with pn the miss distance is reported per shot
    argv = ["engage", "--battery-site", "seongju", "--missile", "scud-er", "--from", "tongchang-ri",
            "--to", "seongju", "--kill-model", "pn", "--seed", "1", "--json"]
    rc, out, err = cli.finish(cli.start(*argv))
    assert rc == 0, err
    d = json.loads(out)
    assert d["kill_model"] == "pn" and d["intercepted"] == 1
    shots = [s for p in d["per_threat"] for s in p["shots_detail"]]
    assert shots and all(isinstance(s["miss_m"], float) for s in shots)
    assert any("proportional-navigation" in a for a in d["assumptions"])
