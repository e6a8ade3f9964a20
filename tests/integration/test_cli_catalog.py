"""`thaadsim catalog ...` run as a user runs it: a separate Python process."""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.integration import cli

REQUIRED_MISSILES = {
    "scud-b", "scud-c", "scud-er", "nodong", "musudan", "pukguksong-2",
    "hwasong-12", "hwasong-14", "hwasong-15", "df-21", "df-31a", "df-41",
}  # fmt: skip
REQUIRED_SITES = {
    "tongchang-ri", "kusong", "sunan", "sinpo", "mupyong-ni", "pyongsong", "seongju",
    "araya", "mutsumi", "shenyang", "tonghua", "daqing", "seoul", "pyeongtaek", "busan",
    "daegu", "tokyo", "guam", "honolulu", "anchorage", "seattle", "los-angeles", "washington",
}  # fmt: skip
REQUIRED_TESTS = {
    "2017-03-06-scud-er", "2017-05-14-hwasong-12", "2017-07-04-hwasong-14", "2017-07-28-hwasong-14",
    "2017-08-29-hwasong-12", "2017-09-15-hwasong-12", "2017-11-29-hwasong-15",
}  # fmt: skip


thaadsim = cli.run


def test_catalog_missiles_json_parses_and_has_every_required_missile_with_sources():
    done = thaadsim("catalog", "missiles", "--json")
    assert done.returncode == 0, done.stderr
    records = json.loads(done.stdout)
    assert isinstance(records, list)
    by_key = {r["key"]: r for r in records}
    assert REQUIRED_MISSILES <= set(by_key)
    stage = by_key["scud-b"]["stages"][0]
    assert stage["propellant_mass_kg"]["value"] > 0
    assert stage["propellant_mass_kg"]["source"]
    assert by_key["hwasong-14"]["published_range_km"]["source"]


def test_catalog_sites_and_tests_json():
    sites = json.loads(thaadsim("catalog", "sites", "--json").stdout)
    assert REQUIRED_SITES <= {s["key"] for s in sites}
    tests = json.loads(thaadsim("catalog", "tests", "--json").stdout)
    assert set(REQUIRED_TESTS) <= {t["key"] for t in tests}
    first = next(t for t in tests if t["key"] == "2017-07-28-hwasong-14")
    assert first["apogee_km"]["value"] == 3724.9 and first["date"] == "2017-07-28"


def test_catalog_json_carries_the_check_status_of_every_sourced_number():
    """Authority: catalog/data/source_checks.yaml (Korea Herald 2016-09-30 read: 680 m; KCNA figures read)."""
    statuses = {"checked", "partly-checked", "not-found", "unchecked", "assumed", "internal"}
    for command in ("missiles", "sites", "tests"):
        records = json.loads(thaadsim("catalog", command, "--json").stdout)
        numbers = []

        def walk(node, numbers=numbers):
            if isinstance(node, dict):
                if "value" in node and "source" in node:
                    numbers.append(node)
                for value in node.values():
                    walk(value)
            elif isinstance(node, list):
                for item in node:
                    walk(item)

        walk(records)
        assert numbers and all(n["check"] in statuses for n in numbers), command
        assert all(n["check"] == "assumed" for n in numbers if n["assumed"])
    seongju = json.loads(thaadsim("catalog", "sites", "seongju", "--json").stdout)[0]
    assert seongju["alt_m"]["check"] == "checked" and seongju["position_source_check"] == "partly-checked"
    test = json.loads(thaadsim("catalog", "tests", "2017-07-28-hwasong-14", "--json").stdout)[0]
    assert test["apogee_km"]["check"] == "checked"


def test_catalog_sources_lists_every_check_record():
    done = thaadsim("catalog", "sources", "--json")
    assert done.returncode == 0, done.stderr
    records = {r["key"]: r for r in json.loads(done.stdout)}
    assert records["uscc2016"]["status"] == "checked" and "p. 448" in records["uscc2016"]["document"]
    assert records["warhead-870km"]["status"] == "not-found" and records["warhead-870km"]["discrepancies"]
    table = thaadsim("catalog", "sources", "--status", "not-found")
    assert table.returncode == 0 and "warhead-870km" in table.stdout and "uscc2016" not in table.stdout
    bad = thaadsim("catalog", "sources", "--status", "verified")
    assert bad.returncode == 2 and "--status" in bad.stderr and len(bad.stderr.strip().splitlines()) == 1


def test_catalog_tables_are_readable():
    done = thaadsim("catalog", "missiles")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split()[:2] == ["key", "name"]
    assert any(line.startswith("hwasong-15 ") for line in lines)
    done = thaadsim("catalog", "sites", "seongju")
    assert done.returncode == 0 and "680" in done.stdout and "36.0513" in done.stdout
    done = thaadsim("catalog", "sites", "--kind", "base")
    assert "shenyang" in done.stdout and "seoul" not in done.stdout
    done = thaadsim("catalog", "tests")
    assert "2017-11-29-hwasong-15" in done.stdout and "4,475.0" in done.stdout


def test_one_named_record_as_json():
    done = thaadsim("catalog", "missiles", "Hwasong-15", "--json")
    assert done.returncode == 0, done.stderr
    assert [r["key"] for r in json.loads(done.stdout)] == ["hwasong-15"]


@pytest.mark.parametrize("command", [("catalog", "missiles"), ("catalog", "sites"), ("catalog", "tests"),
                                     ("catalog", "sources"), ("catalog",)])
def test_every_catalog_command_has_help(command):
    done = thaadsim(*command, "--help")
    assert done.returncode == 0, done.stderr
    assert "Usage" in done.stdout


def _assert_one_line_error(done: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert done.returncode == 2, (done.returncode, done.stderr)
    assert "Traceback" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, done.stderr
    for fragment in fragments:
        assert fragment in lines[0]


def test_unknown_missile_name_is_one_line_with_a_hint_and_exit_2():
    _assert_one_line_error(thaadsim("catalog", "missiles", "hwasong15"), "hwasong15", "'hwasong-15'")


def test_unknown_site_kind_is_one_line_and_exit_2():
    _assert_one_line_error(thaadsim("catalog", "sites", "--kind", "moonbase"), "--kind", "moonbase")


def test_unknown_subcommand_is_one_line_and_exit_2():
    _assert_one_line_error(thaadsim("catalog", "rockets"), "rockets")
