"""`thaadsim track` end to end, through `python -m thaadsim`: the JSON contract, the
same seed giving the same answer, and one-line errors with exit code 2."""

from __future__ import annotations

import json

from tests.integration import cli

SALVO = ["track", "--radar", "an-tpy-2", "--mode", "terminal", "--site", "seongju", "--missile", "scud-c",
         "--from", "sunan", "--to", "seongju", "--count", "2", "--spacing-s", "5", "--seed", "7", "--json"]


def test_json_contract_and_seed_reproducibility():
    first, second = cli.start(*SALVO), cli.start(*SALVO)  # concurrently: same seed, same bytes
    rc1, out1, err1 = cli.finish(first)
    rc2, out2, _ = cli.finish(second)
    assert rc1 == 0, err1
    assert rc2 == 0
    assert out1 == out2
    data = json.loads(out1)
    assert data["truth_count"] == 2
    assert data["tracks_confirmed"] == 2 and data["false_tracks"] == 0
    assert len(data["tracks"]) == 2
    for tr in data["tracks"]:
        for key in ("launch_point_error_km", "impact_point_error_km", "cep_km", "confirmed_time_s"):
            assert isinstance(tr[key], float), key
        assert tr["impact_point_error_km"] < 3.0 * tr["cep_km"] + 0.05
        assert tr["launch_point_error_km"] < 30.0
    tk = data["tracker"]
    for key in ("q_m2_s3", "gate_probability", "confirm_m", "confirm_n", "delete_after_misses", "filter",
                "association", "initiation"):
        assert key in tk
    sv = data["surveillance"]
    assert sv["false_alarms_per_look_expected"] > 1.0 and "sector" in sv["note"]
    assert data["detections"]["false_alarms"] > 1000
    assert data["seed"] == 7 and data["boresight_default"] == "toward the launch point"


def test_bad_input_is_one_line_and_exit_2():
    base = ["track", "--site", "seongju", "--missile", "scud-c", "--from", "sunan", "--to", "seongju"]
    cases = {
        "--count": [*base, "--count", "0"],
        "--spacing-s": [*base, "--spacing-s", "-1"],
        "--missile": ["track", "--site", "seongju", "--missile", "scud-x", "--from", "sunan", "--to", "seongju"],
        "radar": [*base, "--radar", "an-tpy-9"],
        "--from": ["track", "--site", "seongju", "--missile", "scud-c", "--from", "atlantis", "--to", "seongju"],
    }
    procs = {k: cli.start(*v) for k, v in cases.items()}
    for key, p in procs.items():
        rc, out, err = cli.finish(p)
        assert rc == 2, (key, err)
        lines = err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error:"), (key, err)
        assert "Traceback" not in err and out == ""
