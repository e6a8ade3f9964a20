"""Sweep grids: PATH=VALUES parsing, the scenario each grid point makes, the saturation
threshold, and the one-layer model's figures.

Authorities: the scenario schema (a grid point is the file with one field changed, validated
as a file is), the closed forms of the one-layer model (formulas.md worked example: p = 0.8,
two shots shoot-look-shoot -> P_leak 0.04, 1.2 interceptors per warhead), and arithmetic.
"""

from __future__ import annotations

import math

import pytest

from thaadsim.errors import InputError
from thaadsim.scenario.loader import load_scenario, parse_scenario
from thaadsim.studies.sweep import Param, SweepResult, apply, from_scenario_sweep, grid, one_layer, parse_param

SMALL = """
name: small
threats:
  - {missile: scud-er, from: tongchang-ri, to: seongju, count: 2, rcs_m2: {lognormal: {median: 0.1, sigma: 0.5}}}
radars:
  - {name: r, site: seongju}
batteries:
  - {name: b, site: seongju, radar: r}
"""


@pytest.mark.parametrize(("text", "path", "values"), [
    ("threats[0].count=1,2,4", "threats[0].count", (1, 2, 4)),
    ("threats[0].count=1:64:x2", "threats[0].count", (1, 2, 4, 8, 16, 32, 64)),
    ("threats[0].count=2:10:4", "threats[0].count", (2, 6, 10)),
    ("threats[0].count=2:11:4", "threats[0].count", (2, 6, 10)),
    ("batteries[0].sspk=0.5:0.9:0.1", "batteries[0].sspk", (0.5, 0.6, 0.7, 0.8, 0.9)),
    ("threats[0].rcs_m2=0.01:1:x10", "threats[0].rcs_m2", (0.01, 0.1, 1.0)),
    ("radars[0].mode=terminal,forward-based", "radars[0].mode", ("terminal", "forward-based")),
    ("batteries[0].site=seongju;36.0,128.1", "batteries[0].site", ("seongju", "36.0,128.1")),
    (" batteries[0].doctrine = shoot-shoot , shoot-look-shoot ", "batteries[0].doctrine",
     ("shoot-shoot", "shoot-look-shoot")),
])
def test_values_are_read_as_documented(text, path, values):
    p = parse_param(text)
    assert p.path == path and p.values == values
    assert [type(v) for v in p.values] == [type(v) for v in values]


@pytest.mark.parametrize(("text", "says"), [
    ("threats[0].count", "not PATH=VALUES"),
    ("=1,2", "not PATH=VALUES"),
    ("threats[0]..count=1", "not a field path"),
    ("threats[0].count=1,,2", "empty value"),
    ("threats[0].count=1,1", "twice"),
    ("threats[0].count=4:1:1", "no range"),
    ("threats[0].count=1:64:x1", "no geometric range"),
    ("threats[0].count=1:1000:1", "values"),
])
def test_bad_syntax_is_one_line_naming_the_option(text, says):
    with pytest.raises(InputError) as error:
        parse_param(text)
    assert str(error.value).startswith("--param") and says in str(error.value)
    assert "\n" not in str(error.value)


@pytest.fixture(scope="module")
def saturation():
    return load_scenario("saturation")


@pytest.mark.parametrize(("text", "field", "says"), [
    ("threats[1].count=2", "--param", "no entry [1]"),
    ("batteries[0].sspkk=0.5", "--param", "did you mean 'sspk'"),
    ("batteries[0].sspk=0.5,1.5", "--param batteries[0].sspk", "1.5"),
    ("threats[0].count=0", "--param threats[0].count", "greater than or equal to 1"),
    ("radars[0].mode=side-looking", "--param radars[0].mode", "terminal"),
    ("batteries[0].site=atlantis", "--param batteries[0].site", "unknown site"),
    ("batteries[0].radar=nothing", "--param batteries[0].radar", "unknown radar"),
    ("batteries[0]=1", "--param", "group of fields"),
])
def test_a_bad_path_or_value_names_the_field(saturation, text, field, says):
    with pytest.raises(InputError) as error:
        grid(saturation, [parse_param(text)])
    assert error.value.field == field and says in str(error.value), str(error.value)


def test_a_grid_point_is_the_file_with_the_fields_changed(saturation):
    points = grid(saturation, [parse_param("threats[0].count=2,3"), parse_param("batteries[0].sspk=0.6,0.9")])
    assert [p.values for p in points] == [
        {"threats[0].count": 2, "batteries[0].sspk": 0.6}, {"threats[0].count": 2, "batteries[0].sspk": 0.9},
        {"threats[0].count": 3, "batteries[0].sspk": 0.6}, {"threats[0].count": 3, "batteries[0].sspk": 0.9}]
    last = points[-1].scenario
    expected = saturation.model_copy(update={
        "threats": [saturation.threats[0].model_copy(update={"count": 3})],
        "batteries": [saturation.batteries[0].model_copy(update={"sspk": 0.9})], "sweep": None})
    assert last == expected


def test_a_swept_field_replaces_its_distribution_and_keeps_the_others():
    sc = parse_scenario(SMALL.replace("count: 2", "count: 2, launch_time_s: {uniform: {low: 0, high: 10}}"))
    assert len(sc.uncertainty.parameters) == 2
    point = apply(sc, {"threats[0].rcs_m2": 1.0, "batteries[0].sspk": 0.6})
    assert [p.path for p in point.uncertainty.parameters] == ["threats[0].launch_time_s"]
    drawn = point.uncertainty.scenario_with({"threats[0].launch_time_s": 3.0})
    assert (drawn.threats[0].rcs_m2, drawn.batteries[0].sspk, drawn.threats[0].launch_time_s) == (1.0, 0.6, 3.0)


def test_the_file_sweep_block_is_the_default_grid(saturation):
    (p,) = from_scenario_sweep(saturation)
    assert p.path == "threats[0].count" and p.values == tuple(saturation.sweep.counts)
    with pytest.raises(InputError):
        from_scenario_sweep(saturation.model_copy(update={"sweep": None}))


def test_one_layer_model_is_the_worked_example(saturation):
    """formulas.md: p = 0.8, two shots shoot-look-shoot -> P_leak 0.04, 1.2 per warhead;
    against N = 10, P(no leak) 0.96^10 = 0.665."""
    sc = grid(saturation, [parse_param("threats[0].count=10"), parse_param("batteries[0].sspk=0.8")])[0].scenario
    m = one_layer(sc)
    assert m.applies and m.leak == pytest.approx(0.04)
    assert m.interceptors_per_warhead == pytest.approx(1.2)
    assert m.interceptors_per_kill == pytest.approx(1.2 / 0.96)
    assert m.p_no_leak == pytest.approx(0.96**10)
    # 10 warheads need ~12 of 48 interceptors: the inventory-limited model agrees within its
    # own Monte Carlo error (20,000 raids: sigma of the fraction ~0.0005)
    assert abs(m.leak_inventory - 0.04) < 0.003
    # 64 warheads x 1.2 = 77 > 48: the inventory runs out and the limited model leaks far more
    big = one_layer(grid(saturation, [parse_param("threats[0].count=64")])[0].scenario)
    assert big.leak_inventory > 0.3 > big.leak
    assert not one_layer(sc.model_copy(update={"batteries": [sc.batteries[0].model_copy(
        update={"kill_model": "pn"})]})).applies


def _result(fractions: list[tuple[int, float, float, float]]) -> SweepResult:
    rows = [{"threats[0].count": n, "asset_leak_fraction": f, "asset_leak_fraction_ci95": [lo, hi],
             "p_no_leak": 1 - f, "p_no_leak_ci95": [0.0, 1.0]} for n, f, lo, hi in fractions]
    return SweepResult(None, [Param("threats[0].count", tuple(r[0] for r in fractions))], 10, 1, rows)


def test_threshold_is_where_leakage_passes_10_percent_for_good():
    r = _result([(1, 0.12, 0.0, 0.3), (8, 0.02, 0.0, 0.08), (16, 0.05, 0.01, 0.12), (32, 0.2, 0.08, 0.3),
                 (64, 0.4, 0.3, 0.5)])
    t = r.threshold()
    # a lucky draw at 1 is not saturation: from 32 on the mean stays above 10 %; the interval's
    # upper end stays above from 16 on, its lower end from 64 on
    assert (t["salvo"], t["earliest"], t["latest"]) == (32, 16, 64)
    assert "passes 10% at a salvo of 32" in r.answer() and "16 to 64" in r.answer()
    never = _result([(1, 0.0, 0.0, 0.05), (2, 0.01, 0.0, 0.2)])
    assert never.threshold()["salvo"] is None and "stays at or below 10%" in never.answer()


def test_records_flatten_intervals_for_parquet():
    r = _result([(1, 0.12, 0.0, 0.3)])
    (rec,) = r.records()
    assert rec["asset_leak_fraction_ci95_low"] == 0.0 and rec["asset_leak_fraction_ci95_high"] == 0.3
    assert "asset_leak_fraction_ci95" not in rec and math.isclose(rec["p_no_leak"], 0.88)
