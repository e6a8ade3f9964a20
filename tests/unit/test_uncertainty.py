"""Distributions in scenario files: syntax, file:line errors, nominal values and the draws' laws."""

from __future__ import annotations

import math

import numpy as np
import pytest

from thaadsim.scenario.loader import ScenarioFileError, builtin_names, load_scenario, parse_scenario
from thaadsim.scenario.uncertainty import Distribution

BASE = """\
name: mc
threats:
  - missile: scud-er
    from: sunan
    to: seongju
    launch_time_s: LAUNCH
    rcs_m2: {lognormal: {median: 0.05, sigma: 0.7}}
radars:
  - name: tpy2
    site: seongju
batteries:
  - name: b1
    site: seongju
    radar: tpy2
    sspk: {triangular: {low: 0.7, mode: 0.85, high: 0.95}}
detection:
  swerling: {choice: {values: [1, 3]}}
"""


def _file(launch: str = "{truncnormal: {mean: 30, sd: 5, low: 0, high: 60}}") -> str:
    return BASE.replace("LAUNCH", launch)


def test_every_builtin_loads_unchanged_and_certain():
    """Backward compatibility: the shipped files hold no distribution and load as before."""
    for name in builtin_names():
        assert load_scenario(name).uncertainty is None


def test_distributions_are_read_with_nominal_values_in_place():
    s = parse_scenario(_file(), "mc.yaml")
    assert s.threats[0].launch_time_s == 30.0
    assert s.threats[0].rcs_m2 == 0.05
    assert s.batteries[0].sspk == 0.85
    assert s.detection.swerling == 1 and s.threats[0].swerling == 1
    paths = [p.path for p in s.uncertainty.parameters]
    assert paths == ["threats[0].launch_time_s", "threats[0].rcs_m2", "batteries[0].sspk", "detection.swerling"]


def test_a_draw_gives_a_valid_certain_scenario_and_is_reproducible():
    u = parse_scenario(_file(), "mc.yaml").uncertainty
    a = u.draw(np.random.default_rng(7))
    assert a == u.draw(np.random.default_rng(7))
    drawn = u.scenario_with(a)
    assert drawn.uncertainty is None
    assert drawn.threats[0].launch_time_s == a["threats[0].launch_time_s"]
    assert drawn.batteries[0].sspk == a["batteries[0].sspk"]
    # the detection convention's drawn Swerling case reaches the threat that takes the default
    assert drawn.threats[0].swerling == a["detection.swerling"]


@pytest.mark.parametrize(("launch", "line", "path", "words"), [
    ("{normal: {mean: 30, sd: -1}}", 6, "threats[0].launch_time_s.normal.sd", "sd must be > 0"),
    ("{gaussian: {mean: 30, sd: 1}}", 6, "threats[0].launch_time_s.gaussian", "unknown distribution"),
    ("{normal: {mean: 30, sd: 5}}", 6, "threats[0].launch_time_s.normal", "must be >= 0"),
    ("{uniform: {low: 3}}", 6, "threats[0].launch_time_s.uniform", "needs the parameter 'high'"),
    ("{triangular: {low: 3, mode: 9, high: 5}}", 6, "threats[0].launch_time_s.triangular.mode", "mode must lie"),
    ("{choice: {values: [1, 2], weights: [1]}}", 6, "threats[0].launch_time_s.choice.weights", "one number"),
])
def test_bad_distributions_are_located_errors(launch, line, path, words):
    with pytest.raises(ScenarioFileError) as info:
        parse_scenario(_file(launch), "mc.yaml")
    err = info.value
    assert (err.line, err.path) == (line, path)
    assert words in str(err)
    assert str(err).startswith(f"mc.yaml:{line}: {path}: ")


def test_unknown_distribution_suggests_the_near_name():
    with pytest.raises(ScenarioFileError, match="did you mean 'normal'"):
        parse_scenario(_file("{norml: {mean: 30, sd: 1}}"), "mc.yaml")


def test_whole_number_fields_take_only_choice_of_allowed_values():
    text = _file("10").replace("    rcs_m2:", "    count: {uniform: {low: 1, high: 4}}\n    rcs_m2:")
    with pytest.raises(ScenarioFileError, match="only choice"):
        parse_scenario(text, "mc.yaml")
    bad = _file("10").replace("values: [1, 3]", "values: [1, 5]")
    with pytest.raises(ScenarioFileError, match="one of"):
        parse_scenario(bad, "mc.yaml")


def _sample(d: Distribution, n: int = 40_000) -> np.ndarray:
    rng = np.random.default_rng(2024)
    return np.array([d.draw(rng) for _ in range(n)])


def test_truncated_normal_mean_matches_the_closed_form():
    """Authority: closed form of the truncated normal's mean, mu + sd (phi(a) - phi(b)) / (Phi(b) - Phi(a))
    (Johnson, Kotz & Balakrishnan, Continuous Univariate Distributions vol. 1, eq. 13.134),
    written here with math.erf, not scipy; tolerance 4 standard errors."""
    mu, sd, lo, hi = 30.0, 5.0, 28.0, 60.0
    d = Distribution("truncnormal", (("mean", mu), ("sd", sd), ("low", lo), ("high", hi)))
    a, b = (lo - mu) / sd, (hi - mu) / sd
    phi = lambda x: math.exp(-x * x / 2) / math.sqrt(2 * math.pi)  # noqa: E731
    cdf = lambda x: 0.5 * (1 + math.erf(x / math.sqrt(2)))  # noqa: E731
    mean = mu + sd * (phi(a) - phi(b)) / (cdf(b) - cdf(a))
    x = _sample(d)
    assert x.min() >= lo and x.max() <= hi
    assert abs(x.mean() - mean) < 4 * x.std() / math.sqrt(x.size)


def test_triangular_and_lognormal_laws():
    """Authority: closed forms - the triangular mean (low + mode + high) / 3 and the lognormal median
    (its median parameter; the fraction of draws below it is 1/2, binomial tolerance 4 sigma)."""
    t = _sample(Distribution("triangular", (("low", 1.0), ("mode", 2.0), ("high", 6.0))))
    assert abs(t.mean() - 3.0) < 4 * t.std() / math.sqrt(t.size)
    ln = _sample(Distribution("lognormal", (("median", 0.05), ("sigma", 0.7))))
    assert abs((ln < 0.05).mean() - 0.5) < 4 * 0.5 / math.sqrt(ln.size)
    c = _sample(Distribution("choice", (("values", [1, 3]), ("weights", [1.0, 3.0]))))
    assert abs((c == 3).mean() - 0.75) < 4 * math.sqrt(0.75 * 0.25 / c.size)


def test_a_plain_run_states_the_nominal_value_in_its_assumptions():
    from thaadsim.scenario.assumptions import run_assumptions

    s = parse_scenario(_file(), "mc.yaml")
    rows = [a.text for a in run_assumptions(s, type("T", (), {"groups": []})(), [], [])]
    assert any(r.startswith("threats[0].launch_time_s: the file gives truncnormal") and "nominal value 30" in r
               for r in rows)


def test_set_values_replaces_a_distribution_and_keeps_the_others():
    """The unit of a sweep: a set path gives way to the value, and a study's draws see it."""
    from thaadsim.errors import InputError
    from thaadsim.scenario.uncertainty import set_values

    s = parse_scenario(_file(), "mc.yaml")
    v = set_values(s, {"batteries[0].sspk": 0.6, "threats[0].count": 3, "detection.pd": 0.8})
    assert (v.batteries[0].sspk, v.threats[0].count, v.detection.pd) == (0.6, 3, 0.8)
    assert [p.path for p in v.uncertainty.parameters] == ["threats[0].launch_time_s", "threats[0].rcs_m2",
                                                         "detection.swerling"]
    drawn = v.uncertainty.scenario_with(v.uncertainty.draw(np.random.default_rng(1)))
    assert (drawn.batteries[0].sspk, drawn.threats[0].count) == (0.6, 3)
    certain = load_scenario("korea-salvo")
    assert set_values(certain, {"threats[0].count": 2}).threats[0].count == 2
    with pytest.raises(InputError, match="threats"):
        set_values(certain, {"threats[99].count": 2})
    with pytest.raises(InputError):
        set_values(certain, {"batteries[0].sspk": 1.5})


TEXT = BASE.replace("    sspk: {triangular: {low: 0.7, mode: 0.85, high: 0.95}}\n", """\
    sspk: 0.8
    doctrine: {choice: {values: [shoot-look-shoot, shoot-shoot], weights: [1, 3]}}
""").replace("    site: seongju\nbatteries:", "    site: seongju\n    mode: {choice: {values: [terminal, forward-based]}}\n"
             "batteries:")


def test_choice_over_text_values_is_read_drawn_and_applied():
    """A choice over text (doctrine, radar mode): nominal = the first value; every value drawn
    with its weight (binomial tolerance 4 sigma); the drawn scenario carries the drawn words."""
    s = parse_scenario(TEXT.replace("LAUNCH", "10"), "mc.yaml")
    assert s.batteries[0].doctrine == "shoot-look-shoot" and s.radars[0].mode == "terminal"
    u = s.uncertainty
    doctrine = next(p for p in u.parameters if p.path == "batteries[0].doctrine")
    x = np.array([doctrine.dist.draw(np.random.default_rng(k)) for k in range(4000)])
    assert set(x) == {"shoot-look-shoot", "shoot-shoot"}
    assert abs((x == "shoot-shoot").mean() - 0.75) < 4 * math.sqrt(0.75 * 0.25 / x.size)
    drawn = u.scenario_with({**u.draw(np.random.default_rng(1)), "batteries[0].doctrine": "shoot-shoot",
                             "radars[0].mode": "forward-based"})
    assert drawn.batteries[0].doctrine == "shoot-shoot" and drawn.radars[0].mode == "forward-based"
    corners = dict(u.corners())
    assert corners["low"]["radars[0].mode"] == "terminal" and corners["high"]["radars[0].mode"] == "forward-based"


@pytest.mark.parametrize(("old", "new", "line", "path", "message"), [
    ("shoot-shoot]", "shoot-shot]", 17, "batteries[0].doctrine.choice.values", "shoot-shot"),
    ("b1\n    site: seongju", "b1\n    site: {choice: {values: [seongju, atlantis]}}", 14,
     "batteries[0].site.choice.values", "atlantis"),
    ("{choice: {values: [terminal, forward-based]}}", "{normal: {mean: 1, sd: 1}}", 11, "radars[0].mode.normal",
     "only choice"),
    ("[terminal, forward-based]", "[terminal, 3]", 11, "radars[0].mode.choice.values", "one of"),
])
def test_a_bad_text_choice_is_an_error_at_its_line(old, new, line, path, message):
    text = TEXT.replace("LAUNCH", "10").replace(old, new)
    with pytest.raises(ScenarioFileError) as err:
        parse_scenario(text, "mc.yaml")
    assert str(err.value).startswith(f"mc.yaml:{line}: {path}: ") and message in str(err.value), str(err.value)
