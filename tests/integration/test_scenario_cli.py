"""`thaadsim scenario schema|check` and `thaadsim scenarios` through `python -m thaadsim`:
what a user sees, exit codes, and one-line errors that name file and line.  The loader's
cases are tested in-process (tests/unit/test_scenario_schema.py); each process here costs
seconds, so there are few."""

from __future__ import annotations

import json

from tests.integration import cli


def test_check_of_a_builtin_and_of_a_broken_file(tmp_path):
    good = cli.start("scenario", "check", "korea-salvo")
    bad_file = tmp_path / "korea.yaml"
    bad_file.write_text("name: korea\nthreats:\n  - missile: scud-er\n    from: kusong\n    to: busan\n"
                        "  - missile: hwasong15\n    from: kusong\n    to: busan\n", encoding="utf-8")
    bad = cli.start("scenario", "check", str(bad_file))
    rc, out, err = cli.finish(good)
    assert rc == 0, err
    assert out.strip().startswith("korea-salvo: ok — 4 threat groups (8 missiles), 1 radar, 1 battery; ")
    assert out.strip().endswith(" MiB") and " looks of 1 s, about " in out  # the pre-flight's plan
    rc, out, err = cli.finish(bad)
    assert rc == 2 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err
    assert lines[0].startswith(f"error: {bad_file}:6: threats[1].missile: unknown missile 'hwasong15'")
    assert "did you mean 'hwasong-15'" in lines[0]


def test_missing_file_is_one_line_with_close_builtin_names():
    result = cli.run("scenario", "check", "saturaton")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "did you mean 'saturation'" in result.stderr


def test_scenarios_json_lists_every_builtin():
    result = cli.run("scenarios", "--json")
    assert result.returncode == 0, result.stderr
    records = json.loads(result.stdout)
    assert {r["name"] for r in records} == {"china-icbm", "hwasong-15", "korea-salvo", "march-2017", "saturation"}
    assert all(r["summary"] and r["threat_groups"] >= 1 for r in records)


def test_schema_lists_fields_and_json_schema_has_aliases():
    text, schema = cli.start("scenario", "schema"), cli.start("scenario", "schema", "--json")
    rc, out, err = cli.finish(text)
    assert rc == 0, err
    assert any(line.startswith("threats[].from  (text; required)") for line in out.splitlines())
    rc, out, err = cli.finish(schema)
    assert rc == 0, err
    threat = json.loads(out)["$defs"]["Threat"]
    assert "from" in threat["properties"] and "from" in threat["required"]
