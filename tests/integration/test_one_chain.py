"""`track`, `engage` and `run` are one chain (issue 12): the same salvo, radar, battery and seed
give the same detections, tracks, shots and outcome per missile whichever command runs them.

Authority: `thaadsim run` on a scenario file written by hand from `engage`'s options - the
file a user would write for the same question - through the real entry point, in process
(tests/integration/inprocess.py).  A difference in any draw (noise, detection, false alarm,
kill), in the truth flown, the tracker or fire control shows up as a different count, a
different shot or a different outcome.
"""

from __future__ import annotations

import json

import pytest

from tests.integration.inprocess import invoke

SEED = "3"
SALVO = ["--missile", "scud-er", "--from", "tongchang-ri", "--to", "seongju", "--count", "3", "--spacing-s", "5",
         "--seed", SEED]
SCENARIO = f"""\
name: one-chain
seed: {SEED}
threats:
  - missile: scud-er
    from: tongchang-ri
    to: seongju
    count: 3
    spacing_s: 5
radars:
  - name: tpy2
    site: seongju
batteries:
  - name: seongju battery
    site: seongju
    radar: tpy2
    doctrine: shoot-look-shoot
    sspk: 0.5
    assets:
      - name: seongju
        at: seongju
output:
  coverage: false
  footprints: false
"""


def _json(*args: str, cwd=None) -> dict:
    code, out, err = invoke(*args, "--json", cwd=cwd)
    assert code == 0, err
    return json.loads(out)


@pytest.fixture(scope="module")
def three(tmp_path_factory):
    where = tmp_path_factory.mktemp("one_chain")
    (where / "one-chain.yaml").write_text(SCENARIO)
    track = _json("track", "--site", "seongju", "--radar", "an-tpy-2", "--mode", "terminal", *SALVO)
    engage = _json("engage", "--battery-site", "seongju", "--doctrine", "shoot-look-shoot", "--sspk", "0.5", *SALVO)
    run = _json("run", str(where / "one-chain.yaml"), "--out", str(where / "out"), cwd=where)
    return track, engage, run


def test_same_detections_and_tracks(three):
    track, engage, run = three
    (radar,) = run["radars"]
    assert track["detections"]["of_targets"] == radar["detections"] > 0
    assert track["detections"]["false_alarms"] == radar["false_alarms"] > 0
    assert track["tracks_confirmed"] == engage["tracking"]["tracks_confirmed"] == radar["tracks_confirmed"] >= 3
    assert track["false_tracks"] == engage["tracking"]["false_tracks"] == radar["false_tracks"]
    # the same tracks follow the same missiles, named as the runner names them
    followed = {t["track_id"]: t["truth"] for t in track["tracks"]}
    assert followed == {t["track_id"]: t["truth"] for t in engage["tracks"]}
    assert set(followed.values()) == {p["object_id"] for p in run["per_threat"]} == {"T1.1", "T1.2", "T1.3"}


def test_same_shots(three):
    _, engage, run = three
    ours = sorted((t["track_id"], s["number"], round(s["t_launch_s"], 6), round(s["t_intercept_s"], 6), s["kill"])
                  for t in engage["tracks"] for s in t["shots"])
    theirs = sorted((s["track_id"], s["number"], round(s["t_launch_s"], 6), round(s["t_intercept_s"], 6), s["kill"])
                    for s in run["shots"])
    assert ours == theirs
    assert engage["interceptors_fired"] == run["interceptors_fired"] == len(theirs) > 3  # a miss, a second shot
    assert any(not s[4] for s in theirs)


def test_same_outcome_per_missile(three):
    _, engage, run = three
    assert [p["object_id"] for p in engage["per_threat"]] == [p["object_id"] for p in run["per_threat"]]
    for ours, theirs in zip(engage["per_threat"], run["per_threat"], strict=True):
        assert theirs["impact_in_asset"] == "seongju"  # all aimed at the asset: a leak is a leaker
        assert (ours["outcome"] == "intercepted") == (theirs["outcome"] == "intercepted")
        assert ours["leaker"] == (theirs["outcome"] == "leaked")
        assert ours["shots"] == theirs["shots"]
        assert ours["intercept_time_s"] == pytest.approx(theirs["intercept_time_s"], abs=1e-6) \
            if theirs["intercept_time_s"] is not None else ours["intercept_time_s"] is None
    assert engage["intercepted"] == run["intercepted"]
    assert engage["leaked"] == run["leaked"]


def test_track_chooses_the_radars_tracker_through_the_scenario():
    """`track`'s --filter/--association/--initiation become the scenario radar's `tracker`
    block, and the runner tracks with it (the JSON reports the tracker that ran)."""
    d = _json("track", "--site", "seongju", "--missile", "scud-c", "--from", "sunan", "--to", "seongju",
              "--no-false-alarms", "--filter", "ukf", "--association", "jpda", "--initiation", "single-point")
    tk = d["tracker"]
    assert (tk["filter"], tk["association"], tk["initiation"]) == ("ukf", "jpda", "single_point")
    assert d["tracks_confirmed"] == 1 and d["tracks"][0]["truth"] == "T1.1"
    code, _, err = invoke("track", "--site", "seongju", "--missile", "scud-c", "--from", "sunan", "--to", "seongju",
                          "--filter", "kalman")
    assert code == 2 and err.startswith("error: --filter: "), err
