"""The scenario file: loading, one-line errors that name file, line and field, and the
built-in scenarios (their contents checked against the catalog records they cite)."""

from __future__ import annotations

import datetime as dt
import textwrap

import pytest

from thaadsim.errors import InputError
from thaadsim.scenario.loader import (
    ScenarioFileError,
    builtin_names,
    builtin_path,
    describe_builtins,
    load_scenario,
    parse_scenario,
    summary_line,
)
from thaadsim.scenario.schema import Scenario, schema_lines

BUILTINS = {"korea-salvo", "march-2017", "saturation", "china-icbm", "hwasong-15"}

VALID = """\
name: test
threats:
  - missile: scud-er
    from: kusong
    to: busan
    count: 2
radars:
  - name: r1
    site: seongju
batteries:
  - name: b1
    site: seongju
    radar: r1
    assets:
      - name: Busan
        at: busan
"""


def write(tmp_path, text: str, name: str = "korea.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def error_of(tmp_path, text: str, name: str = "korea.yaml") -> ScenarioFileError:
    with pytest.raises(ScenarioFileError) as caught:
        load_scenario(write(tmp_path, text, name))
    return caught.value


def replaced(old: str, new: str) -> str:
    assert old in VALID
    return VALID.replace(old, new)


# --------------------------------------------------------------------------- a good file


def test_valid_file_loads_with_defaults(tmp_path):
    scenario = load_scenario(write(tmp_path, VALID))
    assert isinstance(scenario, Scenario)
    assert scenario.threats[0].from_ == "kusong" and scenario.threats[0].count == 2
    assert scenario.threats[0].spacing_s == 5.0 and scenario.seed == 1
    assert scenario.batteries[0].doctrine == "shoot-look-shoot"
    assert scenario.epoch.tzinfo is not None


def test_path_object_and_string_give_the_same_scenario(tmp_path):
    path = write(tmp_path, VALID)
    assert load_scenario(path) == load_scenario(str(path))


def test_text_without_a_file_is_named_by_its_label():
    with pytest.raises(ScenarioFileError) as caught:
        parse_scenario("name: x\n", "pasted")
    assert str(caught.value).startswith("pasted:1: threats: missing required field 'threats'")


def test_yaml_merge_keys_are_not_taken_for_duplicates(tmp_path):
    text = """\
        name: merged
        threats:
          - &scud {missile: scud-er, from: kusong, to: busan}
          - <<: *scud
            to: daegu
        """
    scenario = load_scenario(write(tmp_path, text))
    assert [t.to for t in scenario.threats] == ["busan", "daegu"]


# --------------------------------------------------------------------------- errors: the form


def test_error_is_an_input_error_in_compiler_form(tmp_path):
    error = error_of(tmp_path, replaced("  - missile: scud-er", "  - missile: hwasong15"))
    assert isinstance(error, InputError)
    assert error.field == "threats[0].missile"
    assert error.file.endswith("korea.yaml") and error.line == 3
    assert "korea.yaml:3" in error.message
    text = str(error)
    assert text.startswith(str(tmp_path / "korea.yaml") + ":3: threats[0].missile: unknown missile 'hwasong15'")
    assert "did you mean 'hwasong-15'" in text
    assert "\n" not in text


def test_unknown_missile_in_a_later_group_points_at_its_line(tmp_path):
    text = VALID.replace("radars:", "  - missile: scud-b\n    from: sunan\n    to: seoul\n"
                                    "  - missile: nodong\n    from: sinpo\n    to: hwasong15\n"
                                    "  - missile: hwasong15\n    from: kusong\n    to: busan\nradars:")
    error = error_of(tmp_path, text)
    assert error.field == "threats[3].missile" and error.line == 13


# --------------------------------------------------------------------------- errors: YAML


def test_yaml_syntax_error_gives_line_and_column(tmp_path):
    error = error_of(tmp_path, "name: x\nthreats:\n  - missile: scud-er\n   from: kusong\n")
    assert error.line == 4
    assert "YAML syntax error, column 4" in error.message


def test_unclosed_quote_is_a_syntax_error(tmp_path):
    error = error_of(tmp_path, 'name: "x\nthreats: []\n')
    assert "YAML syntax error" in error.message and error.line is not None


def test_duplicate_key_names_both_lines(tmp_path):
    error = error_of(tmp_path, replaced("    count: 2\n", "    count: 2\n    count: 3\n"))
    assert error.line == 7
    assert error.field == "threats[0].count"
    assert "duplicate key 'count' (first given on line 6)" in error.message


def test_duplicate_top_level_key(tmp_path):
    error = error_of(tmp_path, "name: a\nname: b\nthreats: []\n")
    assert error.line == 2 and error.field == "name"


@pytest.mark.parametrize("text, what", [("", "empty"), ("# only a comment\n", "empty"),
                                        ("- a\n- b\n", "a list"), ("just words\n", "single str")])
def test_document_must_be_a_mapping(tmp_path, text, what):
    error = error_of(tmp_path, text)
    assert what in error.message and error.line == 1
    assert error.hint


# --------------------------------------------------------------------------- errors: files


def test_missing_file_that_is_no_builtin_suggests_close_builtin_names():
    with pytest.raises(ScenarioFileError) as caught:
        load_scenario("korea-salov")
    assert "no such file" in caught.value.message
    assert "did you mean 'korea-salvo'" in caught.value.hint


def test_missing_file_far_from_any_builtin_says_a_path_was_expected(tmp_path):
    with pytest.raises(ScenarioFileError) as caught:
        load_scenario(tmp_path / "nowhere.yaml")
    assert "path of a scenario YAML file" in caught.value.hint
    assert all(name in caught.value.hint for name in BUILTINS)


def test_folder_is_not_a_scenario(tmp_path):
    with pytest.raises(ScenarioFileError) as caught:
        load_scenario(tmp_path)
    assert "folder" in caught.value.message


def test_file_that_is_not_utf8_is_unreadable(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes("name: Séoul\n".encode("latin-1"))
    with pytest.raises(ScenarioFileError) as caught:
        load_scenario(path)
    assert "UTF-8" in caught.value.message


def test_a_builtin_name_wins_unless_the_argument_is_a_path(tmp_path, monkeypatch):
    """`run saturation --out saturation` leaves a folder named like the built-in; the next
    `run saturation` must still run the built-in (issue 14).  A path reads the file."""
    monkeypatch.chdir(tmp_path)
    write(tmp_path, VALID.replace("name: test", "name: local"), name="saturation")
    (tmp_path / "korea-salvo").mkdir()
    assert load_scenario("saturation").name == "saturation"
    assert load_scenario("korea-salvo").name == "korea-salvo"
    assert load_scenario("./saturation").name == "local"
    assert load_scenario(tmp_path / "saturation").name == "local"


# --------------------------------------------------------------------------- errors: fields


def test_unknown_field_suggests_the_close_field_name(tmp_path):
    error = error_of(tmp_path, replaced("    count: 2", "    cout: 2"))
    assert error.line == 6 and error.field == "threats[0].cout"
    assert error.message.endswith("unknown field 'cout'")
    assert error.hint == "did you mean 'count'?"


def test_unknown_field_with_no_close_match_lists_the_fields(tmp_path):
    error = error_of(tmp_path, replaced("  - name: r1", "  - name: r1\n    colour: red"))
    assert error.field == "radars[0].colour" and error.line == 9
    assert "known fields here: name, site, radar, mode, boresight_az_deg, tracker, losses_db, noise_temperature_k" \
        == error.hint


def test_unknown_top_level_field_suggests_the_closest_first(tmp_path):
    error = error_of(tmp_path, VALID + "sweeps:\n  counts: [1, 2]\n")
    assert error.field == "sweeps" and error.line == 17
    assert error.hint.startswith("did you mean 'sweep'")


def test_misspelt_required_field_is_reported_as_unknown_not_missing(tmp_path):
    # pydantic lists the missing 'from' first; the misspelling is the mistake to point at
    error = error_of(tmp_path, replaced("    from: kusong", "    form: kusong"))
    assert error.field == "threats[0].form" and error.line == 4
    # the 'missing from' pydantic adds is the same mistake: not counted as another
    assert error.hint == "did you mean 'from'?" and error.more_errors == 0 and len(error.errors) == 1


def test_missing_field_points_at_the_parent_mapping(tmp_path):
    error = error_of(tmp_path, replaced("    from: kusong\n", ""))
    assert error.field == "threats[0].from"
    assert error.line == 3  # the line where the threat's mapping starts
    assert "missing required field 'from'" in error.message
    assert "Launch point" in error.hint


def test_missing_top_level_field_points_at_line_1(tmp_path):
    error = error_of(tmp_path, VALID.replace("name: test\n", "seed: 3\n"))
    assert error.field == "name" and error.line == 1


def test_wrong_type_says_what_was_expected_and_counts_the_rest(tmp_path):
    error = error_of(tmp_path, replaced("    count: 2", "    count: many\n    spacing_s: -1"))
    assert error.field == "threats[0].count" and error.line == 6
    assert "valid integer" in error.message and "'many'" in error.message
    assert "https://" not in str(error)
    assert error.more_errors == 1 and str(error).endswith("(and 1 more error)")


def test_out_of_range_value_in_a_list(tmp_path):
    error = error_of(tmp_path, VALID + "sweep:\n  counts: [1, 2,\n    0]\n")
    assert error.field == "sweep.counts[2]" and error.line == 19
    assert "greater than or equal to 1" in error.message


def test_bad_location_gives_the_catalog_hint(tmp_path):
    error = error_of(tmp_path, replaced("    from: kusong", "    from: kusnog"))
    assert error.field == "threats[0].from" and error.line == 4
    assert "unknown site 'kusnog'" in error.message and "did you mean 'kusong'" in error.hint


def test_model_level_check_of_a_threat_points_at_the_threat(tmp_path):
    error = error_of(tmp_path, replaced("    count: 2", "    apogee_km: 300"))
    assert error.field == "threats[0]" and error.line == 3
    assert "min-energy flight has no free apogee" in error.message


def test_unknown_radar_reference_uses_its_location_in_the_file(tmp_path):
    error = error_of(tmp_path, replaced("    radar: r1", "    radar: r2"))
    assert error.field == "batteries[0].radar" and error.line == 13
    assert "unknown radar 'r2'" in error.message and error.hint == "did you mean 'r1'?"


def test_aim_point_that_is_no_site_suggests_defended_assets(tmp_path):
    error = error_of(tmp_path, replaced("    to: busan", "    to: Bussan"))
    assert error.field == "threats[0].to" and error.line == 5
    assert "neither a site" in error.message and "'Busan'" in error.hint


def test_aim_point_may_name_a_defended_asset(tmp_path):
    scenario = load_scenario(write(tmp_path, replaced("    to: busan", "    to: Busan")))
    assert scenario.threats[0].to == "Busan"


def test_repeated_radar_name_points_at_the_repeat(tmp_path):
    error = error_of(tmp_path, replaced("radars:\n", "radars:\n  - name: r1\n    site: busan\n"))
    assert error.field == "radars[1].name" and error.line == 10
    assert "appears twice" in error.message


def test_sweep_of_a_missing_threat_group(tmp_path):
    error = error_of(tmp_path, VALID + "sweep:\n  threat: 3\n  counts: [1]\n")
    assert error.field == "sweep.threat" and error.line == 18
    assert "no threat group 3" in error.message


# --------------------------------------------------------------------------- built-ins


def test_builtin_names_and_paths():
    assert set(builtin_names()) == BUILTINS
    for name in BUILTINS:
        assert builtin_path(name).is_file()
    with pytest.raises(InputError) as caught:
        builtin_path("saturaton")
    assert "did you mean 'saturation'" in caught.value.hint


@pytest.mark.parametrize("name", sorted(BUILTINS))
def test_every_builtin_loads_and_is_documented(name):
    scenario = load_scenario(name)
    assert scenario.name == name and scenario.seed == 1
    assert len(scenario.sources) >= 2
    assert any("article" in s or "commentary" in s for s in scenario.sources)
    assert "?" in scenario.description  # states the question it answers
    text = builtin_path(name).read_text(encoding="utf-8")
    assert text.count("#") >= 3  # commented: where the situation comes from and why


def test_describe_builtins_counts():
    records = {r["name"]: r for r in describe_builtins()}
    assert set(records) == BUILTINS
    expected = {  # (threat groups, missiles, radars, batteries)
        "korea-salvo": (4, 8, 1, 1), "march-2017": (1, 4, 2, 2), "saturation": (1, 64, 1, 1),
        "china-icbm": (4, 4, 1, 1), "hwasong-15": (2, 2, 1, 1)}
    for name, counts in expected.items():
        r = records[name]
        assert (r["threat_groups"], r["missiles"], r["radars"], r["batteries"]) == counts, name
        assert r["summary"] and "\n" not in r["summary"] and len(r["summary"]) < 200
    assert records["saturation"]["sweep_counts"] == [1, 2, 4, 8, 16, 24, 32, 40, 48, 56, 64]
    assert records["saturation"]["summary"].startswith("Salvos of 1 to 64 Scud-ER from Tongchang-ri")


def test_summary_line_is_the_first_sentence():
    assert summary_line("Four Scuds. Which can it engage?") == "Four Scuds."
    assert summary_line("One line\nsecond line") == "One line"
    assert summary_line("Salvos of 1, 2 ... 64 at Seongju. Then?") == "Salvos of 1, 2 ... 64 at Seongju."
    assert summary_line("") == ""


def test_korea_salvo_contents():
    s = load_scenario("korea-salvo")
    groups = [(t.missile, t.from_, t.to, t.count, t.launch_time_s, t.spacing_s) for t in s.threats]
    assert groups == [("scud-c", "sunan", "pyeongtaek", 2, 0, 5), ("scud-er", "kusong", "busan", 2, 20, 5),
                      ("scud-er", "kusong", "daegu", 2, 40, 5), ("scud-b", "sunan", "seoul", 2, 60, 5)]
    assert [(r.name, r.site, r.mode) for r in s.radars] == [("seongju-tpy2", "seongju", "terminal")]
    battery = s.batteries[0]
    assert battery.interceptors is None and battery.sspk is None and battery.doctrine == "shoot-look-shoot"
    assert [a.name for a in battery.assets] == ["Seongju battery site", "Daegu", "Busan", "Pyeongtaek", "Seoul"]
    assert all(a.radius_km == 30 for a in battery.assets)


def test_march_2017_matches_the_catalog_flight_test():
    # authority: catalog flight test 2017-03-06-scud-er (ROK JCS via Yonhap; Japan MoD via Kyodo)
    from thaadsim.catalog.loader import flight_test

    test = flight_test("2017-03-06-scud-er")
    s = load_scenario("march-2017")
    (threat,) = s.threats
    assert (threat.missile, threat.from_, threat.count) == (test.missile, test.site, test.count)
    lat, lon = (float(x) for x in threat.to.split(","))
    assert (lat, lon) == (test.impact_lat_deg.value, test.impact_lon_deg.value)
    # 07:36 KST (UTC+9) on 6 March 2017, the launch time the ROK JCS gave
    assert s.epoch == dt.datetime(2017, 3, 6, 7, 36, tzinfo=dt.timezone(dt.timedelta(hours=9)))
    assert {(r.name, r.site, r.mode) for r in s.radars} == {("seongju-tpy2", "seongju", "terminal"),
                                                           ("araya-tpy2", "araya", "terminal")}
    for battery in s.batteries:
        impact_area = battery.assets[0]
        assert impact_area.at == threat.to and impact_area.radius_km == 100
        assert battery.assets[1].at == battery.site
    assert {(b.name, b.radar) for b in s.batteries} == {("seongju", "seongju-tpy2"), ("araya", "araya-tpy2")}


def test_saturation_sweeps_up_to_the_group_size():
    from thaadsim.catalog.interceptors import battery

    s = load_scenario("saturation")
    assert s.threats[0].count == max(s.sweep.counts) == 64 and s.sweep.threat == 0
    assert s.threats[0].to == s.batteries[0].assets[0].name  # aimed at the defended asset
    assert s.threats[0].spacing_s == 2 and s.batteries[0].interceptors is None
    # authority: catalog thaad-battery (Korean MND via Shephard 2017): 6 launchers x 8 = 48
    record = battery("thaad-battery")
    assert record.launchers.value * record.interceptors_per_launcher.value == 48


def test_china_icbm_radar_faces_north_korea():
    from thaadsim.catalog.loader import site
    from thaadsim.earth import frames

    s = load_scenario("china-icbm")
    (radar,) = s.radars
    assert radar.mode == "forward-based" and radar.boresight_az_deg == 327
    # the face toward North Korea (press reports): within 5 deg of the bearing to Pyongyang (Sunan)
    seongju, sunan = site("seongju"), site("sunan")
    az, _, _ = frames.geodesic_inverse(seongju.lat_deg.value, seongju.lon_deg.value, sunan.lat_deg.value,
                                       sunan.lon_deg.value)
    assert abs((float(az) - 327 + 180) % 360 - 180) < 5
    assert [(t.missile, t.from_, t.to) for t in s.threats] == [
        ("df-31a", "tonghua", "seattle"), ("df-41", "shenyang", "anchorage"), ("df-31a", "tonghua", "guam"),
        ("df-41", "daqing", "washington")]
    assert all(t.rcs_m2 == 0.01 for t in s.threats)


def test_hwasong_15_replays_the_catalog_test():
    # authority: catalog flight test 2017-11-29-hwasong-15 (KCNA via CSIS; Japan MoD via Kyodo)
    from thaadsim.catalog.loader import flight_test

    test = flight_test("2017-11-29-hwasong-15")
    s = load_scenario("hwasong-15")
    replay, toward_us = s.threats
    assert (replay.missile, replay.from_, replay.profile) == (test.missile, test.site, "lofted")
    assert tuple(float(x) for x in replay.to.split(",")) == (test.impact_lat_deg.value, test.impact_lon_deg.value)
    assert (toward_us.to, toward_us.profile, toward_us.launch_time_s) == ("washington", "min-energy", 600)
    # 03:17 KST on 29 November 2017
    assert s.epoch == dt.datetime(2017, 11, 29, 3, 17, tzinfo=dt.timezone(dt.timedelta(hours=9)))


@pytest.mark.slow
def test_every_builtin_threat_is_within_its_missiles_reach():
    # authority: the catalog missile models via thaadsim.flight.targeting.solve (UnreachableError otherwise)
    from thaadsim.catalog.loader import missile, resolve_location
    from thaadsim.flight.targeting import Launch, solve
    from thaadsim.flight.vehicle import Vehicle

    pairings = set()
    for name in builtin_names():
        s = load_scenario(name)
        assets = {a.name: a.at for b in s.batteries for a in b.assets}
        for t in s.threats:
            pairings.add((t.missile, t.from_, assets.get(t.to, t.to), t.profile))
    for key, launch_at, aim_at, profile in sorted(pairings):
        launch, aim = resolve_location(launch_at, "from"), resolve_location(aim_at, "to")
        solution = solve(Vehicle.from_missile(missile(key)), Launch(launch.lat_deg, launch.lon_deg, launch.alt_m),
                         aim.lat_deg, aim.lon_deg, profile=profile)
        assert solution.miss_m < 100.0, (key, launch_at, aim_at)


def test_schema_lines_name_every_field_with_its_alias():
    lines = schema_lines()
    assert any(line.startswith("threats[].from  ") for line in lines)
    assert any(line.startswith("batteries[].assets[].radius_km  ") for line in lines)
    assert any(line.startswith('description  (text; default "")') for line in lines)


# --------------------------------------------------------------------------- detection convention


def test_detection_block_defaults_to_the_calibration_and_sets_threat_swerling(tmp_path):
    from thaadsim.sensors.convention import DEFAULT_CONVENTION

    scenario = load_scenario(write(tmp_path, VALID))
    assert scenario.detection.convention() == DEFAULT_CONVENTION
    assert scenario.threats[0].swerling == 1
    text = VALID + "detection:\n  pd: 0.5\n  pfa: 1.0e-8\n  swerling: 3\n  looks: 2\n"
    scenario = load_scenario(write(tmp_path, text))
    conv = scenario.detection.convention()
    assert (conv.pd, conv.pfa, conv.swerling, conv.looks) == (0.5, 1e-8, 3, 2)
    assert scenario.threats[0].swerling == 3  # the convention's case, none given
    own = load_scenario(write(tmp_path, replaced("    count: 2", "    count: 2\n    swerling: 0")
                              + "detection:\n  swerling: 3\n"))
    assert own.threats[0].swerling == 0  # a threat's own case wins
    assert any(line.startswith("detection.pd") for line in schema_lines())


def test_bad_detection_block_names_its_field(tmp_path):
    error = error_of(tmp_path, VALID + "detection:\n  pd: 1.5\n")
    assert error.field == "detection.pd"
    error = error_of(tmp_path, VALID + "detection:\n  looks: 0\n")
    assert error.field == "detection.looks"


def test_every_error_of_a_file_is_reported(tmp_path):
    """`scenario check` lists every mistake, not just the first (issue 14): the raised error
    carries all of them, in line order, each located."""
    text = replaced("    count: 2", "    cout: 2").replace("missile: scud-er", "missile: scud-err", 1)
    error = error_of(tmp_path, text)
    assert len(error.errors) == 2 and error.more_errors == 1
    assert [e.field for e in error.errors] == ["threats[0].missile", "threats[0].cout"]
    assert error.errors[0].line < error.errors[1].line
