"""Issue 11, "Inputs that crash" and "Resource limits": each input an attack found is one
error line with exit 2 (or runs), checked in-process through the real entry point.

Authority: the issue's list of cases; the contract of ``cli/main.py`` (a user error is one
line, exit 2, no traceback).
"""

from __future__ import annotations

import pytest

from tests.integration.inprocess import assert_clean_exit, invoke

THREAT = "name: t\nthreats:\n  - missile: scud-er\n    from: sunan\n    to: seongju\n"
RADAR_BATTERY = "radars:\n  - name: r\n    site: seongju\nbatteries:\n  - name: b\n    site: seongju\n    radar: r\n"


def check(tmp_path, text: str | bytes, *extra: str, env=None) -> tuple[int, str]:
    path = tmp_path / "s.yaml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
    code, _, err = invoke("scenario", "check", str(path), *extra, env=env)
    assert_clean_exit(code, err)
    return code, err.strip()


@pytest.mark.parametrize("tail, where", [
    ("epoch: 2017-02-30\n", "s.yaml:6: epoch:"),
    ("epoch: 0001-01-01T00:00:00+01:00\n", "s.yaml:6: epoch:"),
    ("seed: " + "9" * 5000 + "\n", "s.yaml:6: seed:"),
    ("sources: " + "[" * 3000 + "\n", "s.yaml"),
    ('sources: ["a\\ud800b"]\n', "s.yaml:6: sources[0]:"),
    ('description: "a\\udfffb"\n', "s.yaml:6: description:"),
    ('sources: ["a\\x07b"]\n', "s.yaml:6: sources[0]:"),
    ("sources: [a\x00b]\n", "s.yaml:6:"),
    ("description: a\x1bb\n", "s.yaml:6:"),
    ("output:\n  sample_dt_s: 1\n  coverage_altitude_km: !!int 0o999\n", "s.yaml:8: output.coverage_altitude_km:"),
], ids=["30-february", "year-1", "5000-digit-seed", "3000-brackets", "surrogate-sources", "surrogate-description",
        "escaped-bell", "nul", "escape-char", "octal-999"])
def test_scenario_inputs_that_crashed_are_one_located_line(tmp_path, tail, where):
    code, err = check(tmp_path, THREAT + tail)
    assert code == 2
    assert err.startswith(f"error: {tmp_path}/{where}"), err
    assert len(err) < 400  # the 5,000 digits are not echoed


def test_octal_count_is_located_on_its_field(tmp_path):
    code, err = check(tmp_path, THREAT + "    count: !!int 0o999\n")
    assert code == 2 and "s.yaml:6: threats[0].count: cannot read '0o999'" in err


@pytest.mark.parametrize("tail, field", [
    ("    launch_time_s: 50000\n", "threats[0].launch_time_s"),
    ("    count: 200\n    spacing_s: 250\n", "threats[0].launch_time_s"),
    ("output:\n  sample_dt_s: 0.000001\n", "output.sample_dt_s"),
    (RADAR_BATTERY + "    reload_s: .inf\n", "batteries[0].reload_s"),
    ("    profile: lofted\n    apogee_km: 5000\n", "threats[0].apogee_km"),
], ids=["late-launch", "long-salvo", "tiny-sample-dt", "infinite-reload", "impossible-apogee"])
def test_check_refuses_what_run_refuses(tmp_path, tail, field):
    """`scenario check` runs the run's pre-flight: each of these passed `check` and failed `run`."""
    code, err = check(tmp_path, THREAT + tail)
    assert code == 2 and f": {field}:" in err, err
    assert f"{tmp_path}/s.yaml:" in err  # placed at a line of the file


@pytest.mark.parametrize("text, field", [
    ("name: t\nthreats:\n  - missile: scud-er\n    from: sunan\n    to: sunan\n", "threats[0].to"),
    ("name: t\nthreats:\n  - missile: scud-b\n    from: sunan\n    to: 10,10\n", "threats[0].to"),
], ids=["aim-on-launch", "out-of-reach"])
def test_check_steers_every_group(tmp_path, text, field):
    code, err = check(tmp_path, text)
    assert code == 2 and f"s.yaml:5: {field}:" in err, err


def test_memory_budget_refuses_a_huge_salvo_and_is_configurable(tmp_path):
    groups = "".join("  - missile: scud-er\n    from: sunan\n    to: seongju\n    count: 256\n    spacing_s: 1\n"
                     for _ in range(64))
    text = "name: big\nthreats:\n" + groups
    code, err = check(tmp_path, text)
    assert code == 2 and "16,384 missiles" in err and "over the budget of 4,096 MiB" in err
    code, err = check(tmp_path, text, env={"THAADSIM_MEMORY_BUDGET_MB": "100000"})
    assert code == 0, err
    code, _, err = invoke("--memory-budget-mb", "100000", "scenario", "check", str(tmp_path / "s.yaml"))
    assert code == 0, err
    code, _, err = invoke("--memory-budget-mb", "nan", "scenario", "check", str(tmp_path / "s.yaml"))
    assert code == 2 and err.startswith("error: --memory-budget-mb: nan MiB"), err


def test_scenario_file_size_cap(tmp_path):
    code, err = check(tmp_path, "# " + "x" * 98 + "\n" * 1 + ("#" * 99 + "\n") * 20_000)
    assert code == 2 and "larger than 1,024 KiB" in err
    code, _, err = invoke("scenario", "check", "/dev/zero")
    assert_clean_exit(code, err)
    assert code == 2 and "larger than 1,024 KiB" in err


@pytest.mark.parametrize("args, option", [
    (["radar", "--rcs-m2", "1", "--range-km", "1e300"], "--range-km"),
    (["radar", "--rcs-m2", "1", "--range-km", "1e-300"], "--range-km"),
    (["radar", "--rcs-m2", "nan", "--range-km", "100"], "--rcs-m2"),
    (["coverage", "--site", "seongju", "--rcs-m2", "1", "--altitude-km", "1e9"], "--altitude-km"),
    (["coverage", "--site", "seongju", "--rcs-m2", "1", "--altitude-km", "100", "--boresight-az-deg", "1e300"],
     "--boresight-az-deg"),
    (["track", "--site", "seongju", "--missile", "scud-er", "--from", "sunan", "--to", "seongju",
      "--boresight-az-deg", "1e300"], "--boresight-az-deg"),
    (["trajectory", "--burnout-speed", "3000", "--gamma-deg", "40", "--from", "sunan", "--azimuth-deg", "1e300"],
     "--azimuth-deg"),
    (["infer-range", "--apogee-km", "4475", "--range-km", "950", "--flight-time-s", "nan"], "--flight-time-s"),
    (["infer-range", "--apogee-km", "4475", "--range-km", "950", "--flight-time-s", "1e9"], "--flight-time-s"),
    (["footprint", "--battery-site", "seongju", "--missile", "scud-er", "--from", "sunan", "--max-range-km", "1e9"],
     "--max-range-km"),
    (["footprint", "--battery-site", "seongju", "--missile", "scud-er", "--from", "sunan", "--range-step-km",
      "1e-6"], "--range-step-km"),
    (["footprint", "--battery-site", "seongju", "--missile", "scud-er", "--from", "sunan", "--range-step-km",
      "0.1"], "--range-step-km"),
    (["visibility", "--site", "seongju", "--missile", "scud-er", "--from", "sunan", "--to", "seongju",
      "--sample-dt-s", "1e-9"], "--sample-dt-s"),
    (["engage", "--battery-site", "seongju", "--missile", "scud-er", "--from", "sunan", "--to", "seongju",
      "--count", "100000"], "--count"),
    (["run", "korea-salvo", "--seed", "-1"], "--seed"),
], ids=lambda v: v if isinstance(v, str) else "-".join(v[:1] + v[-2:]))
def test_command_line_values_with_nonsense_output_are_refused(args, option):
    code, _, err = invoke(*args)
    assert_clean_exit(code, err)
    assert code == 2 and err.startswith(f"error: {option}: "), err


def test_every_numeric_option_has_a_declared_limit():
    """The limits table covers every int/float option of every command (a new option
    without one makes the entry point fail at start, so this fails first)."""
    from thaadsim.cli.main import _command
    from thaadsim.cli.options import limit_for, numeric_options

    command = _command()
    options = numeric_options(command)
    assert len(options) > 60
    for path, param in options:
        assert any(limit_for(path.split()[-1], o) for o in param.opts), (path, param.opts)
        assert param.callback is not None
