"""Fuzz suite (issue 11, "Keep it caught"): random scenario files and command-line values
never give a traceback.

Authority: the entry point's contract (``cli/main.py``): whatever a user types or writes in
a scenario file ends with exit 0, or with exit 2 and one ``error:`` line on stderr; nothing
is left behind in the folders the command was given.  Every command runs in-process
(``tests/integration/inprocess.py``), so hundreds of inputs take seconds.

Budgets: the ``ci`` profile (default) tries a fixed small number of examples per test; the
``fuzz`` profile (``THAADSIM_FUZZ=fuzz``, ``make fuzz``) tries many more.
"""

from __future__ import annotations

import math
import os
import resource
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.integration.inprocess import assert_clean_exit, invoke

settings.register_profile("ci", max_examples=300, deadline=None, derandomize=True, database=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile("fuzz", max_examples=5000, deadline=None, database=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
PROFILE = os.environ.get("THAADSIM_FUZZ", "ci")
fuzz_settings = settings.get_profile(PROFILE)

TRIED = {"scenario": 0, "scenario_ok": 0, "options": 0, "options_ok": 0, "tracebacks": 0}

# --------------------------------------------------------------------------- scenario files

BASE = {
    "name": "fuzz",
    "description": "a fuzzed scenario",
    "epoch": "2017-03-06T00:00:00Z",
    "seed": 7,
    "threats": [{"missile": "scud-er", "from": "sunan", "to": "Seongju", "profile": "min-energy",
                 "launch_time_s": 0.0, "count": 2, "spacing_s": 5.0, "rcs_m2": 0.1, "swerling": 1,
                 "label": "T"}],
    "radars": [{"name": "r", "site": "seongju", "radar": "an-tpy-2", "mode": "terminal",
                "boresight_az_deg": 330.0}],
    "batteries": [{"name": "b", "site": "seongju", "battery": "thaad-battery", "radar": "r", "launchers": 6,
                   "interceptors": 48, "doctrine": "shoot-look-shoot", "kill_model": "sspk", "sspk": 0.9,
                   "reload_s": 0.0, "commit_delay_s": 30.0,
                   "assets": [{"name": "Seongju", "at": "seongju", "radius_km": 30.0}]}],
    "sweep": {"threat": 0, "counts": [1, 2]},
    "output": {"sample_dt_s": 1.0, "false_alarms": True, "coverage": True, "coverage_altitude_km": 100.0,
               "footprints": True},
    "detection": {"pd": 0.9, "pfa": 1e-6, "swerling": 1, "looks": 1},
    "sources": ["a press report"],
}


def _paths(node, prefix=()):
    """Every place in BASE a value sits: each field, each list item, each mapping."""
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, prefix + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _paths(value, prefix + (i,))


PATHS = [p for p in _paths(BASE) if p]

numbers = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([0, -1, 1, 2**63 - 1, 2**63, 10**30, 255, 256, 257, 1024, 65]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([1e-300, 1e300, -0.0, 1e-9, 0.5, 86_400.0, 40_000.0, 1e6]),
)
texts = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec=None, categories=["Cc", "Cs", "Zl", "Zp", "Co", "Lo"]), max_size=8),
    st.sampled_from(["", " ", "sunan", "seongju", "Seongju", "0,0", "90,0", "-90,180", "91,0", "1e400,5",
                     "nan,nan", "38,127,1e9", "scud-er", "hwasong-15", "df-41", "lofted", "depressed",
                     "an-tpy-2", "forward-based", "shoot-shoot", "pn", "r", "b", "2017-02-30", "0001-01-01T00:00:00",
                     "9999-12-31T23:59:59+14:00", "~", "null", "yes", "0o999", "0x1F", "1_000"]),
)
leaves = st.one_of(st.none(), st.booleans(), numbers, texts)
values = st.recursive(leaves, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                       st.dictionaries(texts, inner, max_size=3)), max_leaves=6)


def _typed(old):
    """Values of the field's own type (so the deeper checks, not just the types, are reached)."""
    if isinstance(old, bool):
        return st.booleans()
    if isinstance(old, int):
        return st.one_of(st.integers(min_value=-2, max_value=300), numbers)
    if isinstance(old, float):
        top = 2 * max(abs(old), 1.0) if math.isfinite(old) else 1e3
        return st.one_of(st.floats(min_value=-1.0, max_value=top), numbers)
    if isinstance(old, str):
        return texts
    return values


def _set(data, path, value):
    node = data
    for part in path[:-1]:
        node = node[part]
    if value is _DELETE:
        if isinstance(node, dict):
            node.pop(path[-1], None)
        else:
            node.pop(path[-1])
    else:
        node[path[-1]] = value


_DELETE = object()


@st.composite
def scenario_texts(draw):
    """A scenario file: BASE with a few fields replaced, deleted or added, rendered as YAML;
    sometimes with raw text spliced in (broken syntax, control characters, bad UTF-8)."""
    import copy

    data = copy.deepcopy(BASE)
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        live = [p for p in PATHS if _exists(data, p)]
        path = draw(st.sampled_from(live))
        action = draw(st.sampled_from(["value", "value", "value", "delete", "extra"]))
        if action == "delete":
            _set(data, path, _DELETE)
        elif action == "extra" and isinstance(_get(data, path[:-1]), dict):
            _get(data, path[:-1])[draw(texts)] = draw(values)
        else:
            _set(data, path, draw(st.one_of(values, _typed(_get(data, path)))))
    text = yaml.safe_dump(data, allow_unicode=draw(st.booleans()), sort_keys=False)
    if draw(st.integers(min_value=0, max_value=4)) == 0:
        at = draw(st.integers(min_value=0, max_value=len(text)))
        text = text[:at] + draw(st.one_of(texts, st.sampled_from(["[" * 3000, ": :", "\t", "&a *a", "!!python/name:os.system",
                                                                  "<<: *x", "\x00", "\ud800"]))) + text[at:]
    return text


def _exists(data, path):
    try:
        _get(data, path)
        return True
    except (KeyError, IndexError, TypeError):
        return False


def _get(data, path):
    node = data
    for part in path:
        if not isinstance(node, dict | list):
            raise TypeError
        node = node[part]
    return node


@pytest.fixture(scope="module")
def workdir():
    with tempfile.TemporaryDirectory(prefix="thaadsim-fuzz-") as folder:
        yield Path(folder)


@fuzz_settings
@given(text=scenario_texts())
def test_scenario_check_never_crashes(workdir, text):
    """`scenario check` on a mutated file: exit 0 or one error line with exit 2, and nothing
    but the file itself in its folder afterwards."""
    path = workdir / "scenario.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    code, _, err = invoke("scenario", "check", str(path), cwd=workdir)
    TRIED["scenario"] += 1
    TRIED["scenario_ok"] += code == 0
    TRIED["tracebacks"] += "Traceback" in err
    assert_clean_exit(code, err)
    assert sorted(p.name for p in workdir.iterdir()) == ["scenario.yaml"]


# --------------------------------------------------------------------------- command-line values

BASE_ARGS = {
    "trajectory": ["--missile", "scud-er", "--from", "sunan", "--to", "seongju"],
    "infer-range": ["--apogee-km", "2800", "--range-km", "930"],
    "radar": ["--rcs-m2", "1", "--range-km", "500"],
    "coverage": ["--site", "seongju", "--rcs-m2", "1", "--altitude-km", "100", "--n-azimuths", "36"],
    "track": ["--site", "seongju", "--missile", "scud-er", "--from", "sunan", "--to", "seongju"],
    "visibility": ["--site", "seongju", "--missile", "scud-er", "--from", "sunan", "--to", "seongju"],
    "footprint": ["--battery-site", "seongju", "--missile", "scud-er", "--from", "sunan"],
    "engage": ["--battery-site", "seongju", "--missile", "scud-er", "--from", "sunan", "--to", "seongju"],
    "nk-launches": [],
    "china-icbm": [],
    "run": ["korea-salvo"],
    "serve": [],  # every value drawn is outside its limit: the server never starts
    "montecarlo": ["korea-salvo", "--runs", "2"],
    "sweep": ["saturation", "--runs", "2"],
}
FAST = {"radar"}
"""Commands quick enough to run on any value; the others get values outside their limits
(refused before any work), so the suite stays fast."""


def _numeric_options():
    from thaadsim.cli.main import _command
    from thaadsim.cli.options import limit_for, numeric_options

    out = []
    for path, param in numeric_options(_command()):
        name = path.split()[-1]
        limit = next(limit_for(name, o) for o in param.opts if limit_for(name, o))
        is_int = param.type_descriptor.annotation is int
        out.append((path, param.opts[0], limit, is_int))
    return out


OPTIONS = _numeric_options()


def _not_a_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return True
    return False


def _number_text(x) -> str:
    return repr(x) if isinstance(x, float) else str(x)


@st.composite
def command_lines(draw):
    path, option, limit, is_int = draw(st.sampled_from(OPTIONS))
    name = path.split()[-1]
    garbage = st.one_of(st.text(max_size=12).filter(_not_a_number),
                        st.sampled_from(["", "nan", "inf", "-inf", "1e999", "0x10", "1,5",
                                         "1e26", "9" * 5000, "--json", "½"]))
    lo, hi = float(limit.lo), float(limit.hi)
    outside = st.one_of(
        st.floats(min_value=hi, exclude_min=not limit.below, allow_infinity=False).filter(
            lambda v: v > limit.hi or (limit.below and v >= limit.hi)),
        st.floats(max_value=lo, exclude_max=not limit.above, allow_infinity=False).filter(
            lambda v: v < limit.lo or (limit.above and v <= limit.lo)),
        st.integers(min_value=int(limit.hi) + 1, max_value=2**80),
        st.integers(max_value=int(limit.lo) - 1 if limit.lo == int(limit.lo) else int(limit.lo),
                    min_value=-(2**80)),
    )
    if name in FAST:
        anything = st.one_of(st.floats(min_value=limit.lo, max_value=limit.hi), st.integers(min_value=-10,
                                                                                             max_value=10))
        value = draw(st.one_of(garbage, outside.map(_number_text), anything.map(_number_text)))
    else:
        value = draw(st.one_of(garbage, outside.map(_number_text)))
    if is_int and draw(st.booleans()):
        value = draw(st.one_of(garbage, st.integers(min_value=int(limit.hi) + 1, max_value=2**70).map(str)))
    args = list(BASE_ARGS[name])
    if option in args:
        i = args.index(option)
        args[i + 1] = value
    else:
        args += [option, value]
    prefix = path.split()[:-1]
    return prefix + [name] + args, name


@fuzz_settings
@given(line=command_lines())
def test_command_line_values_never_crash(workdir, line):
    args, name = line
    before = sorted(p.name for p in workdir.iterdir())
    code, _, err = invoke(*args, cwd=workdir)
    TRIED["options"] += 1
    TRIED["options_ok"] += code == 0
    TRIED["tracebacks"] += "Traceback" in err
    assert_clean_exit(code, err)
    if name not in FAST:
        assert code == 2, (args, err)  # out of range or not a number: refused before any work
    assert sorted(p.name for p in workdir.iterdir()) == before


# --------------------------------------------------------------------------- real runs


@pytest.mark.parametrize("seed, sample_dt", [(1, 2.0), (2**63 - 1, 0.5)])
def test_tiny_runs_finish(tmp_path, seed, sample_dt):
    """A handful of real runs of a tiny scenario at the extremes the schema allows."""
    scenario = tmp_path / "tiny.yaml"
    scenario.write_text(yaml.safe_dump({
        "name": "tiny", "seed": seed, "threats": [{"missile": "scud-b", "from": "sunan", "to": "38.5,126.5"}],
        "output": {"sample_dt_s": sample_dt, "coverage": False, "footprints": False},
        "sources": ["fuzz \u00e9\u4e2d\U0001f680"]}, allow_unicode=True), encoding="utf-8")
    code, _, err = invoke("run", str(scenario), "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert_clean_exit(code, err, allowed=(0,))
    assert (tmp_path / "out" / "summary.json").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "tiny.yaml"]


def test_fuzz_figures():
    """The figures of this session's fuzzing (printed with -s): inputs tried, tracebacks,
    peak memory of the test process, which must stay inside the default budget."""
    from thaadsim.budget import DEFAULT_MEMORY_BUDGET_MB

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nfuzz ({PROFILE}): {TRIED['scenario']} scenario files ({TRIED['scenario_ok']} passed), "
          f"{TRIED['options']} command lines ({TRIED['options_ok']} ran), "
          f"{TRIED['tracebacks']} tracebacks, peak memory {peak_mb:,.0f} MiB")
    assert TRIED["tracebacks"] == 0
    assert peak_mb < DEFAULT_MEMORY_BUDGET_MB
