"""Parameter sweeps: a Monte Carlo study (:mod:`thaadsim.studies.montecarlo`) at every point
of a grid over scenario fields, each summary figure with its 95 % interval, beside the
analytic one-layer model of :mod:`thaadsim.defense.leakage`.

A parameter is named by its path in the scenario file (``threats[0].count``,
``batteries[0].sspk``, ``radars[0].mode``) and given a list of values:

- ``1,2,4,8`` - a comma list; values are read as YAML scalars (``4`` an integer, ``0.8`` a
  number, ``terminal`` a word);
- ``a;b`` - a semicolon list, for values that hold commas themselves (``'36.0,128.1'``);
- ``START:STOP:STEP`` - an arithmetic range, STOP included when the steps land on it
  (``0.5:0.9:0.1`` is 0.5, 0.6, 0.7, 0.8, 0.9);
- ``START:STOP:xFACTOR`` - a geometric range (``1:64:x2`` is 1, 2, 4 ... 64).

The grid is the product of the parameters' values, in the order given.  Every grid point is
built and validated (the schema, then the run's own preflight) before any study starts, so a
bad path or value fails at once with one line naming it.  Every grid point runs the same
seed: its run *i* draws the same random numbers as run *i* of every other point (common
random numbers), so differences between points are not masked by draw-to-draw noise.

Intervals (all 95 %):

- ``p_no_leak`` - Wilson score over runs (the study's own);
- ``leak_fraction`` (missiles that reached the ground / missiles launched) - Wilson score over
  all missiles of all runs: exact for the analytic model's independent warheads, too narrow
  where one run's leakers are correlated (an inventory spent) - named so in the output;
- ``asset_leak_fraction`` (leakers into defended assets / missiles launched, per run) and the
  means - percentile bootstrap over runs, which are independent whatever happens inside one.
"""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from thaadsim.errors import InputError

PARAM_SYNTAX = ("PATH=VALUES: PATH a scenario field such as threats[0].count or batteries[0].sspk; VALUES a comma "
                "list (1,2,4), a semicolon list (a;b), START:STOP:STEP or START:STOP:xFACTOR")
MAX_GRID_POINTS = 256
"""Most grid points one sweep runs (a typo in a range must not start a week of work)."""
THRESHOLD = 0.10
"""The saturation question's level: leakage into defended assets above 10 % of the salvo."""
ANALYTIC_RAIDS = 20_000
"""Raids of the one-layer doctrine model drawn per grid point for its inventory-limited line:
its own Monte Carlo error (<= 0.004 on a fraction) is far inside a study's interval."""
SHOTS = 2
"""Shots per threat in fire control (``defense.firecontrol.assign_and_fire``): two at once
(shoot-shoot) or up to two looks (shoot-look-shoot) - the analytic model's n."""

_PATH = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\[\d+\])?(\.[A-Za-z_][A-Za-z0-9_]*(\[\d+\])?)*$")
_NUMBER = r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?"
_RANGE = re.compile(rf"^(?P<start>{_NUMBER}):(?P<stop>{_NUMBER}):(?P<x>x)?(?P<step>{_NUMBER})$")


@dataclass(frozen=True)
class Param:
    """One swept field: its path in the scenario file and its values."""

    path: str
    values: tuple


# --------------------------------------------------------------------------- parsing


def _scalar(text: str):
    import yaml

    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError:
        value = text
    return text if value is None or isinstance(value, (list, dict)) else value


def _range(match: re.Match, where: str) -> list:
    start, stop, step = (float(match.group(k)) for k in ("start", "stop", "step"))
    integral = all(re.fullmatch(r"[-+]?\d+", match.group(k)) for k in ("start", "stop", "step"))
    if match.group("x"):
        if not (step > 1 and start > 0 and stop >= start):
            raise InputError(f"'{match.group(0)}' is no geometric range", field=where,
                             hint="give START:STOP:xFACTOR with 0 < START <= STOP and FACTOR > 1, e.g. 1:64:x2")
        n = int(math.floor(math.log(stop / start) / math.log(step) + 1e-9)) + 1
        values = [start * step**k for k in range(n)]
    else:
        if not (step > 0 and stop >= start):
            raise InputError(f"'{match.group(0)}' is no range", field=where,
                             hint="give START:STOP:STEP with START <= STOP and STEP > 0, e.g. 0.5:0.9:0.1")
        n = int(math.floor((stop - start) / step + 1e-9)) + 1
        values = [start + k * step for k in range(n)]
    if n > MAX_GRID_POINTS:
        raise InputError(f"'{match.group(0)}' gives {n:,} values", field=where,
                         hint=f"a sweep runs at most {MAX_GRID_POINTS} grid points")
    # 0.1 steps in binary leave 0.30000000000000004: round to the digits the user wrote
    return [int(round(v)) if integral else float(f"{v:.12g}") for v in values]


def parse_param(text: str) -> Param:
    """``PATH=VALUES`` (module doc) -> :class:`Param`; one-line error naming the option."""
    where = "--param"
    path, sep, values = text.partition("=")
    path = path.strip()
    if not sep or not path or not values.strip():
        raise InputError(f"'{text}' is not PATH=VALUES", field=where, hint=PARAM_SYNTAX)
    if not _PATH.match(path):
        raise InputError(f"'{path}' is not a field path", field=where,
                         hint="write it as in the scenario file, e.g. threats[0].count or batteries[0].sspk")
    where = f"--param {path}"
    values = values.strip()
    match = _RANGE.match(values)
    if match:
        parsed = _range(match, where)
    else:
        items = [v.strip() for v in values.split(";" if ";" in values else ",")]
        if any(not v for v in items):
            raise InputError(f"'{values}' has an empty value", field=where, hint=PARAM_SYNTAX)
        parsed = [_scalar(v) for v in items]
    if len(set(map(repr, parsed))) != len(parsed):
        raise InputError(f"'{values}' gives a value twice", field=where, hint="give each value once")
    return Param(path, tuple(parsed))


def _split_path(path: str) -> list:
    out: list = []
    for name, index in re.findall(r"([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]", path):
        out.append(int(index) if index else name)
    return out


def _set(data, path: str, value):
    """``data`` (the scenario as plain data) with the field at ``path`` set to ``value``;
    a path that names nothing in the file's schema is an error naming it."""
    import copy
    import difflib

    out = copy.deepcopy(data)
    node, parts, where = out, _split_path(path), "--param"
    for k, part in enumerate(parts):
        last = k == len(parts) - 1
        if isinstance(part, int):
            if not isinstance(node, list):
                raise InputError(f"'{path}': the field before [{part}] is not a list", field=where)
            if part >= len(node):
                raise InputError(f"'{path}': there is no entry [{part}] (the list has {len(node)})", field=where,
                                 hint=f"give an index from 0 to {len(node) - 1}" if node else "the list is empty")
        else:
            if not isinstance(node, dict):
                raise InputError(f"'{path}': '{part}' follows a value, not a group of fields", field=where)
            if part not in node:
                close = difflib.get_close_matches(part, [str(key) for key in node], n=3, cutoff=0.6)
                hint = ("did you mean " + " or ".join(f"'{c}'" for c in close) + "?") if close else \
                    "known here: " + ", ".join(str(key) for key in node)
                raise InputError(f"'{path}': no field '{part}'", field=where, hint=hint)
        if last:
            if isinstance(node[part], (dict, list)) and not isinstance(value, (dict, list)):
                raise InputError(f"'{path}' is a group of fields, not a value", field=where,
                                 hint="name one field inside it")
            node[part] = value
        else:
            node = node[part]
    return out


def _plain(scenario) -> dict:
    return scenario.model_dump(mode="json", by_alias=True)


def apply(scenario, assignment: dict):
    """The scenario with ``assignment`` (path -> value) applied and validated as a file is
    (``scenario.uncertainty.set_values``: a swept field's distribution gives way to the value,
    the file's other distributions stay); a path the schema does not have, or a value it
    refuses, is an error naming ``--param PATH``."""
    from thaadsim.scenario.uncertainty import set_values

    data = _plain(scenario)
    for path, value in assignment.items():
        data = _set(data, path, value)  # the path named against every field, with its did-you-mean
    try:
        # a grid point is one study, not a sweep of its own
        return set_values(scenario, {**assignment, "sweep": None})
    except InputError as error:
        loc = error.field or ""
        message = re.sub(r"^(Value error|Assertion failed), ", "", error.message.split(" (setting ")[0])
        path = next((p for p in assignment if loc and loc.startswith(p)), None)
        if path is None:  # a check of the whole file (a reference), not of the swept field
            path = next(iter(assignment))
            message = f"{loc}: {message}" if loc else message
        others = ", ".join(f"{p}={v!r}" for p, v in assignment.items() if p != path)
        raise InputError(f"{assignment[path]!r}: {message}" + (f" (with {others})" if others else ""),
                         field=f"--param {path}", hint=error.hint if error.hint != _GENERIC_HINT else None) from None


_GENERIC_HINT = "give values the field takes"


@dataclass(frozen=True)
class GridPoint:
    """One point of the grid: the values and the scenario they make."""

    index: int
    values: dict
    scenario: object


def grid(scenario, params: list[Param], check=None) -> list[GridPoint]:
    """Every grid point, built and validated before any work (``check(scenario)``, e.g. the
    run's preflight, is called on each; its errors are placed at the swept option)."""
    from thaadsim.errors import ThaadsimError

    if not params:
        raise InputError("no parameter to sweep", field="--param", hint=PARAM_SYNTAX)
    paths = [p.path for p in params]
    if len(set(paths)) != len(paths):
        raise InputError("a field is swept twice", field="--param", hint="give each PATH once, with all its values")
    size = math.prod(len(p.values) for p in params)
    if size > MAX_GRID_POINTS:
        raise InputError(f"the grid has {size:,} points", field="--param",
                         hint=f"a sweep runs at most {MAX_GRID_POINTS}; give fewer values")
    points = []
    for k, combo in enumerate(itertools.product(*(p.values for p in params))):
        values = dict(zip(paths, combo, strict=True))
        variant = apply(scenario, values)
        if check is not None:
            try:
                check(variant)
            except ThaadsimError as error:
                shown = ", ".join(f"{p}={v!r}" for p, v in values.items())
                raise InputError(f"{shown}: {error}", field=f"--param {paths[0]}") from None
        points.append(GridPoint(k, values, variant))
    return points


def from_scenario_sweep(scenario) -> list[Param]:
    """The grid a scenario's own ``sweep:`` block asks for (the salvo sizes of one group)."""
    if scenario.sweep is None:
        raise InputError("the scenario has no sweep block and no --param was given", field="--param",
                         hint=PARAM_SYNTAX)
    return [Param(f"threats[{scenario.sweep.threat}].count", tuple(int(n) for n in scenario.sweep.counts))]


# --------------------------------------------------------------------------- the one-layer model


@dataclass(frozen=True)
class OneLayer:
    """The analytic one-layer model's inputs at a grid point, and its predictions."""

    applies: bool
    why_not: str | None
    warheads: int = 0
    sspk: float = math.nan
    doctrine: str = ""
    inventory: int = 0
    leak: float = math.nan
    """P_leak = 1 - [1 - (1 - p)^n] with P_d = 1 (unlimited inventory)."""
    p_no_leak: float = math.nan
    mean_leaked: float = math.nan
    interceptors_per_warhead: float = math.nan
    interceptors_per_kill: float = math.nan
    leak_inventory: float = math.nan
    """Leak fraction of the same doctrine played warhead by warhead from the battery's finite
    inventory (``defense.leakage.simulate_doctrine``, :data:`ANALYTIC_RAIDS` raids)."""
    p_no_leak_inventory: float = math.nan


def one_layer(scenario, seed: int = 0) -> OneLayer:
    """The one-layer model (Wilkening 2000; formulas.md) for a scenario of one battery with a
    stated SSPK, every threat group counted as one raid."""
    from thaadsim.defense.leakage import (
        interceptors_per_warhead,
        leakage_probability,
        no_leak_probability,
        simulate_doctrine,
    )
    from thaadsim.scenario.runner import build_battery

    if len(scenario.batteries) != 1:
        return OneLayer(False, f"the one-layer model is one battery; this scenario has {len(scenario.batteries)}")
    spec = scenario.batteries[0]
    if spec.kill_model != "sspk":
        return OneLayer(False, "the one-layer model needs a constant kill probability (kill_model: sspk)")
    battery = build_battery(0, spec)
    p = float(battery.interceptor.sspk if spec.sspk is None else spec.sspk)
    n = int(sum(t.count for t in scenario.threats))
    leak = float(leakage_probability(p, SHOTS))
    per_warhead = float(interceptors_per_warhead(p, SHOTS, spec.doctrine))
    killed = 1.0 - leak
    raids = simulate_doctrine(np.random.default_rng(seed), ANALYTIC_RAIDS, n, p, SHOTS, spec.doctrine,
                              inventory=int(battery.inventory))
    return OneLayer(True, None, n, p, spec.doctrine, int(battery.inventory), leak,
                    float(no_leak_probability(leak, n)), n * leak, per_warhead,
                    per_warhead / killed if killed > 0 else math.inf, raids.leak_fraction, raids.no_leak_fraction)


# --------------------------------------------------------------------------- results


def column(table, name: str) -> np.ndarray:
    """One column of a study's per-run table (pandas, pyarrow or a list of dicts) as an array."""
    if isinstance(table, list):
        return np.array([row.get(name) for row in table], dtype=object)
    if hasattr(table, "column_names"):  # pyarrow
        return np.array(table.column(name).to_pylist(), dtype=object)
    return np.asarray(table[name].to_numpy(), dtype=object)


def _floats(values) -> np.ndarray:
    return np.array([math.nan if v is None else float(v) for v in values], dtype=float)


def point_figures(table, summary: dict, rng: np.random.Generator) -> dict:
    """The figures of one grid point from its study's per-run table (module doc: intervals)."""
    from thaadsim.studies.statistics import bootstrap_mean_interval, wilson_interval

    threats = _floats(column(table, "threats"))
    leaked = _floats(column(table, "leaked"))
    into = _floats(column(table, "leaked_into_defended_assets"))
    fired = _floats(column(table, "interceptors_fired"))
    killed = _floats(column(table, "intercepted"))
    first = _floats(column(table, "first_detection_s"))
    runs = int(threats.size)
    total = int(threats.sum())
    out: dict = {"runs": runs, "threats_mean": float(threats.mean())}
    for key in ("p_no_leak", "mean_leaked", "mean_interceptors_fired"):
        out[key] = summary.get(key)
    out["p_no_leak_ci95"] = list(summary.get("p_no_leak_ci95") or
                                 wilson_interval(int((leaked == 0).sum()), runs).as_list())
    out["mean_leaked_ci95"] = list(summary.get("mean_leaked_ci95") or
                                   bootstrap_mean_interval(leaked, rng).as_list())
    out["mean_interceptors_fired_ci95"] = bootstrap_mean_interval(fired, rng).as_list()
    out["leak_fraction"] = float(leaked.sum() / total) if total else math.nan
    out["leak_fraction_ci95"] = wilson_interval(int(leaked.sum()), total).as_list() if total else [math.nan] * 2
    frac = np.divide(into, threats, out=np.full(runs, math.nan), where=threats > 0)
    out["asset_leak_fraction"] = float(np.nanmean(frac)) if np.isfinite(frac).any() else math.nan
    out["asset_leak_fraction_ci95"] = bootstrap_mean_interval(frac[np.isfinite(frac)], rng).as_list()
    # interceptors per kill: a ratio of two sums, its interval by resampling whole runs
    out["interceptors_per_kill"] = float(fired.sum() / killed.sum()) if killed.sum() > 0 else math.nan
    out["interceptors_per_kill_ci95"] = _ratio_interval(fired, killed, rng)
    seen = np.isfinite(first)
    out["p_detected"] = float(seen.mean())
    out["p_detected_ci95"] = wilson_interval(int(seen.sum()), runs).as_list()
    out["first_detection_s"] = float(first[seen].mean()) if seen.any() else math.nan
    out["first_detection_s_ci95"] = bootstrap_mean_interval(first[seen], rng).as_list()
    return out


def _ratio_interval(num: np.ndarray, den: np.ndarray, rng: np.random.Generator, resamples: int = 2000) -> list:
    """Percentile bootstrap over runs of sum(num) / sum(den) (Efron & Tibshirani 1993, ch. 13)."""
    n = num.size
    if n == 0 or den.sum() <= 0:
        return [math.nan, math.nan]
    idx = rng.integers(0, n, size=(resamples, n))
    d = den[idx].sum(axis=1)
    r = np.where(d > 0, num[idx].sum(axis=1) / np.where(d > 0, d, 1.0), np.nan)
    r = r[np.isfinite(r)]
    return np.quantile(r, [0.025, 0.975]).tolist() if r.size else [math.nan, math.nan]


@dataclass
class SweepResult:
    """A finished sweep: one row per grid point (swept values, figures with intervals, the
    one-layer model), and each point's study."""

    scenario: object
    params: list[Param]
    runs: int
    seed: int
    rows: list[dict]
    studies: list = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def paths(self) -> list[str]:
        return [p.path for p in self.params]

    def count_path(self) -> str | None:
        """The swept salvo size (``threats[i].count``), if one is swept."""
        return next((p for p in self.paths if re.fullmatch(r"threats\[\d+\]\.count", p)), None)

    def threshold(self, level: float = THRESHOLD) -> dict | None:
        """The swept salvo size at which leakage into defended assets passes ``level``, with
        its interval: the salvo from which on the interval's upper end stays above it (the
        earliest the data allow) and the one from which on its lower end does (passed for
        certain).  "From which on": that size and every larger one swept, so that one unlucky
        draw at a small salvo does not read as saturation.  Resolved to the swept sizes; None
        when no salvo size is swept alone."""
        path = self.count_path()
        if path is None or len(self.params) != 1:
            return None
        rows = sorted(self.rows, key=lambda r: r[path])

        def first(pred):
            for k, r in enumerate(rows):
                if all(pred(later) for later in rows[k:]):
                    return int(r[path])
            return None

        return {"level": level, "path": path,
                "salvo": first(lambda r: r["asset_leak_fraction"] > level),
                "earliest": first(lambda r: r["asset_leak_fraction_ci95"][1] > level),
                "latest": first(lambda r: r["asset_leak_fraction_ci95"][0] > level),
                "largest_swept": int(rows[-1][path]) if rows else None}

    def answer(self) -> str:
        """The report's headline: the saturation answer, else the leakage range of the grid."""
        t = self.threshold()
        if t is not None:
            def size(n):
                return "beyond the largest salvo swept" if n is None else f"{n}"
            how = (f"{self.runs} runs per salvo size, bootstrap intervals over runs, resolved to the sizes "
                   "swept")
            if t["salvo"] is None:
                maybe = (f"; within the 95 % intervals it may pass from a salvo of {t['earliest']}"
                         if t["earliest"] is not None else "")
                return (f"Leakage into defended assets stays at or below {t['level']:.0%} up to the largest salvo "
                        f"swept ({t['largest_swept']}){maybe} ({how}).")
            return (f"Leakage into defended assets passes {t['level']:.0%} at a salvo of {t['salvo']} missiles "
                    f"(95 % interval of the crossing: {size(t['earliest'])} to {size(t['latest'])}; {how}).")
        lo = min(self.rows, key=lambda r: r["p_no_leak"])
        hi = max(self.rows, key=lambda r: r["p_no_leak"])

        def at(r):
            return ", ".join(f"{p}={r[p]}" for p in self.paths)
        return (f"The probability that nothing leaks ranges from {lo['p_no_leak']:.2f} "
                f"(95 % {lo['p_no_leak_ci95'][0]:.2f}-{lo['p_no_leak_ci95'][1]:.2f}; {at(lo)}) to "
                f"{hi['p_no_leak']:.2f} ({hi['p_no_leak_ci95'][0]:.2f}-{hi['p_no_leak_ci95'][1]:.2f}; {at(hi)}) "
                f"over {len(self.rows)} grid points of {self.runs} runs each.")

    def records(self) -> list[dict]:
        """Flat rows for sweep.parquet: each interval as ``_low``/``_high`` columns."""
        out = []
        for row in self.rows:
            flat: dict = {}
            for key, value in row.items():
                if key.endswith("_ci95") and isinstance(value, (list, tuple)):
                    flat[key[:-5] + "_ci95_low"], flat[key[:-5] + "_ci95_high"] = (float(value[0]),
                                                                                   float(value[1]))
                else:
                    flat[key] = value
            out.append(flat)
        return out

    def summary(self) -> dict:
        """JSON of the sweep: its parameters, runs, seed, answer and rows."""
        return {"scenario": self.scenario.name, "params": {p.path: list(p.values) for p in self.params},
                "runs": self.runs, "seed": self.seed, "threshold": self.threshold(), "answer": self.answer(),
                "interval_methods": INTERVAL_METHODS, "grid": self.rows, "notes": self.notes}


INTERVAL_METHODS = {
    "p_no_leak": "Wilson score over runs",
    "p_detected": "Wilson score over runs",
    "leak_fraction": "Wilson score over all missiles (treats warheads as independent: the analytic model's "
                     "assumption; too narrow where an inventory runs out)",
    "asset_leak_fraction": "percentile bootstrap over runs",
    "mean_leaked": "the study's (Monte Carlo engine) interval",
    "mean_interceptors_fired": "percentile bootstrap over runs",
    "interceptors_per_kill": "percentile bootstrap over runs of the ratio of sums",
    "first_detection_s": "percentile bootstrap over runs that saw a detection",
}


def run_sweep(scenario, params: list[Param], runs: int, seed: int | None = None, *, workers=None, scheduler=None,
              batch_size=None, progress=None, points: list[GridPoint] | None = None, out=None,
              resume: bool = False) -> SweepResult:
    """A study of ``runs`` runs at every grid point (module doc), all with the same seed.

    With ``out`` (the sweep's folder) every point's finished batches are kept as its study's
    parts (``montecarlo.run_study``) in the hidden folder ``.<out name>.parts`` beside it, one
    sub-folder a point; with ``resume`` an interrupted sweep reads them back: each point keeps
    the runs it wrote once and runs only the others, a point not yet begun starts.  The caller
    removes the parts once the sweep's folder is written (:func:`finish_sweep_parts`)."""
    seed = scenario.seed if seed is None else int(seed)
    points = grid(scenario, params) if points is None else points
    resumable = _resumable_points(out, points, resume)
    close = None
    if workers is not None or isinstance(scheduler, str):
        # one client (and local cluster) for the whole grid, not one opened and closed per point
        from thaadsim.studies.montecarlo import dask_client

        scheduler, close = dask_client(workers, scheduler)
    try:
        return _run_points(scenario, params, points, runs, seed, scheduler, batch_size, progress, out, resumable)
    except BaseException:
        if out is not None:
            _drop_empty(parts_folder_of(out))  # nothing written: nothing to resume, nothing left behind
        raise
    finally:
        if close is not None:
            close()


def parts_folder_of(out) -> Path:
    """The hidden folder of an unfinished sweep's points, beside its folder."""
    from thaadsim.studies.montecarlo import parts_folder

    return parts_folder(out)


def point_out(out, index: int) -> Path:
    """Where grid point ``index``'s study keeps its parts: its own ``out`` inside the sweep's
    parts folder (``montecarlo.parts_folder`` of it is ``.point-NNN.parts`` there)."""
    return parts_folder_of(out) / f"point-{index:03d}"


def _point_written(out, index: int) -> bool:
    from thaadsim.studies.montecarlo import parts_folder

    return any(parts_folder(point_out(out, index)).glob("runs-*.parquet"))


def _resumable_points(out, points: list[GridPoint], resume: bool) -> set[int]:
    """The points an interrupted sweep in ``out`` left runs of; refuses a sweep that would
    overwrite them without ``resume``, and ``resume`` with nothing to resume."""
    if out is None:
        if resume:
            raise InputError("--resume needs the sweep's folder", field="--resume", hint="give --out DIR")
        return set()
    folder = parts_folder_of(out)
    written = {p.index for p in points if _point_written(out, p.index)} if folder.is_dir() else set()
    if written and not resume:
        raise InputError(f"an interrupted sweep of {out} is in {folder}", field="--out",
                         hint="give --resume to continue it, or remove that folder to start again")
    if resume and not written:
        raise InputError(f"no interrupted sweep of {out} to resume (no {folder.name} beside it)", field="--resume",
                         hint="drop --resume to start the sweep, or give its --out")
    folder.mkdir(exist_ok=True)
    return written


def _drop_empty(folder: Path) -> None:
    try:
        folder.rmdir()  # only when empty: written points stay for --resume
    except OSError:
        pass


def finish_sweep_parts(out) -> None:
    """Remove an unfinished sweep's parts once its folder is written."""
    from thaadsim.studies.montecarlo import finish_parts

    folder = parts_folder_of(out)
    if not folder.is_dir():
        return
    for parts in sorted(folder.glob(".point-*.parts")):
        finish_parts(folder / parts.name[1:-len(".parts")])  # the point's own ``out``
    _drop_empty(folder)


def _run_points(scenario, params, points, runs, seed, scheduler, batch_size, progress, out=None,
                resumable=frozenset()) -> SweepResult:
    from thaadsim.studies.montecarlo import run_study

    rows, studies, notes = [], [], []
    rng = np.random.default_rng(seed)  # the intervals' bootstrap resamples only
    total = len(points) * runs
    for point in points:
        where = ", ".join(f"{p}={v}" for p, v in point.values.items())
        name = f"point {point.index + 1}/{len(points)} ({where})"
        step = None
        if progress:
            progress(point.index * runs, total, name)

            def step(done, _total, label, base=point.index * runs, name=name):
                # the study's own line (its run rate, time left for this point) under the point's name
                progress(base + done, total, f"{name}: {label}")
        study = run_study(point.scenario, runs, seed, scheduler=scheduler, batch_size=batch_size, progress=step,
                          out=None if out is None else point_out(out, point.index),
                          resume=point.index in resumable)
        studies.append(study)
        model = one_layer(point.scenario, seed)
        if not model.applies and model.why_not not in notes:
            notes.append(f"no analytic line: {model.why_not}")
        rows.append({**point.values, **point_figures(study.table, study.summary, rng),
                     "analytic_leak_fraction": model.leak, "analytic_p_no_leak": model.p_no_leak,
                     "analytic_mean_leaked": model.mean_leaked,
                     "analytic_interceptors_per_kill": model.interceptors_per_kill,
                     "inventory_model_leak_fraction": model.leak_inventory,
                     "inventory_model_p_no_leak": model.p_no_leak_inventory,
                     "sspk": model.sspk, "doctrine": model.doctrine or None, "inventory": model.inventory or None})
    if progress:
        progress(total, total, "done")
    notes.append(f"the analytic one-layer model (Wilkening 2000): P_leak = 1 - P_d [1 - (1 - p)^n] with "
                 f"n = {SHOTS} shots per threat, P_d = 1 and an unlimited inventory; the inventory-limited line plays "
                 f"the same doctrine warhead by warhead from the battery's inventory ({ANALYTIC_RAIDS:,} raids)")
    notes.append(f"every grid point runs seed {seed} (common random numbers)")
    return SweepResult(scenario, list(params), int(runs), seed, rows, studies, notes)


# --------------------------------------------------------------------------- a scenario's own sweep block


SCENARIO_SWEEP_RUNS = 10
"""Runs per salvo size when a run meets a scenario with a sweep block (``saturation``): a
first look, said in the output; ``thaadsim sweep SCENARIO --runs N`` gives more."""


def run_with_sweep(scenario, seed: int | None = None, *, runs: int = SCENARIO_SWEEP_RUNS, progress=None,
                   study_progress=None, views: bool = True, points: list[GridPoint] | None = None):
    """A scenario run as ``thaadsim run`` runs it: the file's own salvo once (``progress(text)``
    as the runner's), and for a scenario with a ``sweep:`` block the sweep *study* over its salvo
    sizes (``runs`` runs per size, ``study_progress(done, total, label)``), whose rows, answer
    and leading note go into the run's result - one draw per salvo size would answer the
    saturation question by luck.  The one function the CLI's ``run``, the notebook API and the
    web app's jobs call, so that all three give the same answer for the same seed.  Returns the
    run's ``ScenarioResult`` and the :class:`SweepResult` (None without a sweep block)."""
    from thaadsim.scenario.runner import run_scenario

    if scenario.sweep is None:
        return run_scenario(scenario, seed, progress, views=views), None
    points = grid(scenario, from_scenario_sweep(scenario)) if points is None else points
    result = run_scenario(scenario.model_copy(update={"sweep": None}), seed, progress, views=views)
    study = run_sweep(scenario, from_scenario_sweep(scenario), runs, result.seed, points=points,
                      progress=study_progress)
    result.sweep = salvo_rows(study)
    result.sweep_answer = study.answer()  # the report leads with it
    result.notes.insert(0, study.answer())
    return result, study


def salvo_rows(study: SweepResult) -> list[dict]:
    """The run's ``sweep`` rows (summary.json, report.html) from a salvo-size study: per size
    the mean outcome of its runs, and its leak fractions with their 95 % intervals."""
    path = study.count_path()
    rows = []
    for row, point in zip(study.rows, study.studies, strict=True):
        mean = {k: float(sum(column(point.table, k)) / row["runs"]) for k in (
            "threats", "intercepted", "leaked", "leaked_into_defended_assets", "interceptors_fired")}
        rows.append({"count": int(row[path]), "runs": row["runs"], **mean, "inventory": row["inventory"],
                     "leak_fraction": row["leak_fraction"], "leak_fraction_ci95": row["leak_fraction_ci95"],
                     "asset_leak_fraction": row["asset_leak_fraction"],
                     "asset_leak_fraction_ci95": row["asset_leak_fraction_ci95"],
                     "p_no_leak": row["p_no_leak"], "p_no_leak_ci95": row["p_no_leak_ci95"],
                     "analytic_leak_fraction": row["analytic_leak_fraction"]})
    return rows


__all__ = ["INTERVAL_METHODS", "MAX_GRID_POINTS", "PARAM_SYNTAX", "SCENARIO_SWEEP_RUNS", "THRESHOLD", "GridPoint",
           "OneLayer", "Param", "SweepResult", "apply", "column", "finish_sweep_parts", "from_scenario_sweep", "grid",
           "one_layer", "parse_param", "point_out", "point_figures", "run_sweep", "run_with_sweep", "salvo_rows"]
