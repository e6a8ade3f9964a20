"""study.html: one self-contained page for a Monte Carlo study or a sweep, like a run's
report.html - the answer first, then the table, the figures (PNG data URIs, confidence
bands drawn), the assumptions with their sources, and how the numbers were made (runs,
seed, interval methods).  It reuses the run report's page helpers and CSS
(:mod:`thaadsim.outputs.report`) and its figure canvas (:mod:`thaadsim.outputs.figures`),
so both pages read alike; every text from the scenario is escaped.
"""

from __future__ import annotations

import html
import math
import re
from pathlib import Path
from types import SimpleNamespace

import numpy as np

from thaadsim.outputs import figures
from thaadsim.outputs.report import _CSS, _assumptions_section, _image, _list, _number, _table, _text

BAND_ALPHA = 0.25
"""Opacity of a 95 % confidence band."""


# --------------------------------------------------------------------------- helpers


def study_assumptions(scenario, seed: int) -> list:
    """The assumptions of the study's scenario, as a run reports them (from one replica: a
    study's runs share every assumption but the drawn values, which its table holds)."""
    from thaadsim.scenario.runner import prepare, run_replica

    return list(run_replica(prepare(scenario), seed).assumptions)


def _ci(interval, digits: int = 2) -> str:
    if interval is None or len(interval) != 2 or not all(
            isinstance(v, (int, float)) and math.isfinite(v) for v in interval):
        return "–"
    return f"{interval[0]:.{digits}f}–{interval[1]:.{digits}f}"


def _with_ci(value, interval, digits: int = 2) -> str:
    return f"{_number(value, digits)} <span class=\"meta\">({_ci(interval, digits)})</span>"


def _head(title: str, description: str) -> list[str]:
    return ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>thaadsim study: {_text(title)}</title>", f"<style>{_CSS}</style></head><body>",
            f"<h1>{_text(title)}</h1>", f"<p>{_text(description)}</p>"]


def _tail(scenario, assumptions, notes: list[str], methods: dict) -> list[str]:
    method_rows = [[_text(k.replace("_", " ")), _text(v)] for k, v in methods.items()]
    return ["<h2>How the intervals were made</h2>", _table(["figure", "95 % interval"], method_rows),
            "<h2>Assumptions</h2>", _assumptions_section(SimpleNamespace(assumptions=assumptions or [])),
            "<h2>Notes</h2>", _list(notes, "No notes."),
            "<h2>Sources</h2>", _list(list(scenario.sources), "No sources listed."), "</body></html>"]


def _band(ax, x, y, lo, hi, colour: str, label: str, marker: str = "o") -> None:
    x, y, lo, hi = (np.asarray(v, dtype=float) for v in (x, y, lo, hi))
    ax.fill_between(x, lo, hi, color=colour, alpha=BAND_ALPHA, linewidth=0)
    ax.plot(x, y, color=colour, marker=marker, markersize=4, label=f"{label} (95 % band)")


def _numeric(values) -> bool:
    return all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values)


def _axis(rows: list[dict], path: str):
    """x positions and tick labels of a swept field (categories spread evenly)."""
    values = [r[path] for r in rows]
    if _numeric(values):
        return np.asarray(values, dtype=float), None
    return np.arange(len(values), dtype=float), [str(v) for v in values]


def _label(path: str) -> str:
    if re.fullmatch(r"threats\[\d+\]\.count", path):
        return f"salvo size [missiles] ({path})"
    if path.endswith("rcs_m2"):
        return f"radar cross-section [m²] ({path})"
    return path


def _finish(ax, path: str, ticks, title: str, log_x: bool = False):
    ax.set_xlabel(_label(path))
    if ticks is not None:
        ax.set_xticks(range(len(ticks)), ticks, rotation=20, fontsize=8)
    elif log_x:
        ax.set_xscale("log")
    ax.grid(alpha=0.3)
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=7)


def _spread(values: np.ndarray) -> bool:
    v = values[np.isfinite(values) & (values > 0)]
    return v.size > 2 and v.max() / v.min() >= 20


# --------------------------------------------------------------------------- sweep figures


_SERIES_COLOURS = ("#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf")


def _groups(sweep, path: str) -> list[tuple[str, list[dict]]]:
    """The grid's rows as series along ``path``: one per combination of the other swept
    fields (labelled by it), each ordered along ``path``."""
    others = [p for p in sweep.paths if p != path]
    series: dict[tuple, list[dict]] = {}
    for row in sweep.rows:
        series.setdefault(tuple(repr(row[p]) for p in others), []).append(row)
    out = []
    for rows in series.values():
        label = ", ".join(f"{p}={rows[0][p]}" for p in others)
        if _numeric([r[path] for r in rows]):
            rows = sorted(rows, key=lambda r: r[path])
        out.append((label, rows))
    return out


def _series_png(sweep, path: str, measured: list[tuple[str, str]], analytic: list[tuple[str, str, str]],
                ylabel: str, title: str, ylim=None, level: float | None = None, height: float = 4.5) -> bytes:
    """Each measured figure with its 95 % band, and the analytic lines, against ``path``; one
    colour per series of the other swept fields."""
    groups = _groups(sweep, path)
    ticks = None
    fig = figures._figure(7.5, height)
    ax = fig.add_subplot(1, 1, 1)
    xs = []
    for k, (label, rows) in enumerate(groups):
        x, ticks = _axis(rows, path)
        xs.append(x)
        for j, (key, name) in enumerate(measured):
            colour = _SERIES_COLOURS[(k * len(measured) + j) % len(_SERIES_COLOURS)]
            _band(ax, x, [r[key] for r in rows], [r[key + "_ci95"][0] for r in rows],
                  [r[key + "_ci95"][1] for r in rows], colour, name + (f" [{label}]" if label else ""),
                  "os^v"[j % 4])
        for key, name, style in analytic:
            y = np.asarray([r[key] for r in rows], dtype=float)
            if np.isfinite(y).any():
                ax.plot(x, y, color="k" if len(groups) == 1 else _SERIES_COLOURS[k * len(measured) %
                                                                                   len(_SERIES_COLOURS)],
                        linestyle=style, linewidth=1.0, label=name + (f" [{label}]" if label else ""))
    if level is not None:
        ax.axhline(level, color="#7f7f7f", linewidth=0.8, label=f"{level:.0%} of the salvo")
    ax.set_ylabel(ylabel)
    if ylim is not None:
        ax.set_ylim(*ylim)
    # a cross-section spans decades; a salvo size's saturation knee reads better on a linear axis
    log_x = ticks is None and path.endswith("rcs_m2") and _spread(np.concatenate(xs))
    _finish(ax, path, ticks, title, log_x=log_x)
    return figures._png(fig)


def leakage_png(sweep, path: str) -> bytes:
    """Leak fractions against the swept field, the analytic one-layer lines beside them."""
    t = sweep.threshold()
    return _series_png(sweep, path, [("leak_fraction", "leaked / launched"),
                                     ("asset_leak_fraction", "into defended assets / launched")],
                       [("analytic_leak_fraction", "analytic one-layer model (P_d = 1, unlimited inventory)", "--"),
                        ("inventory_model_leak_fraction", "one-layer doctrine model with the battery's inventory",
                         ":")],
                       "fraction of the missiles launched", "Leakage", ylim=(0, None),
                       level=t["level"] if t is not None else None)


def no_leak_png(sweep, path: str) -> bytes:
    """Probability that nothing leaks against the swept field, beside the one-layer model."""
    return _series_png(sweep, path, [("p_no_leak", "P(no leaker)")],
                       [("analytic_p_no_leak", "analytic one-layer model", "--"),
                        ("inventory_model_p_no_leak", "one-layer doctrine model with the battery's inventory", ":")],
                       "probability that nothing leaks", "No leak", ylim=(-0.02, 1.02), height=4.0)


def interceptors_png(sweep, path: str) -> bytes:
    """Interceptors fired per kill against the swept field, with the analytic value."""
    return _series_png(sweep, path, [("interceptors_per_kill", "interceptors per kill")],
                       [("analytic_interceptors_per_kill", "analytic: E[shots per warhead] / P(kill)", "--")],
                       "interceptors fired per threat killed", "Cost of a kill", ylim=(0, None), height=4.0)


def detection_png(sweep, path: str) -> bytes:
    """Probability that the raid is detected against the swept field (and, in the table, the
    first detection time)."""
    return _series_png(sweep, path, [("p_detected", "P(any missile detected)")], [], "probability", "Detection",
                       ylim=(-0.02, 1.02), height=4.0)


def first_detection_png(sweep, path: str) -> bytes:
    return _series_png(sweep, path, [("first_detection_s", "mean first detection")], [],
                       "first detection [s after the epoch]", "Time of first detection", height=4.0)


# --------------------------------------------------------------------------- sweep page


SWEEP_COLUMNS = [("p_no_leak", "P(no leak)"), ("leak_fraction", "leaked / launched"),
                 ("asset_leak_fraction", "into assets / launched"), ("interceptors_per_kill", "interceptors per kill"),
                 ("mean_interceptors_fired", "interceptors fired"), ("p_detected", "P(detected)")]


def render_sweep_report(sweep, assumptions=None) -> str:
    """The page of a sweep (:class:`thaadsim.studies.sweep.SweepResult`)."""
    sc = sweep.scenario
    parts = _head(f"{sc.name} - sweep", sc.description)
    grid = " × ".join(f"{p.path} ∈ {{{', '.join(map(str, p.values))}}}" for p in sweep.params)
    parts.append(f'<p class="meta">Sweep of {html.escape(grid)} · {len(sweep.rows)} grid points × {sweep.runs} runs '
                 f"· seed {sweep.seed} at every point (common random numbers) · 95 % intervals · written by "
                 "thaadsim</p>")
    parts.append(f'<p class="answer">{html.escape(sweep.answer())}</p>')
    headers = [p.path for p in sweep.params] + [h for _, h in SWEEP_COLUMNS] + [
        "analytic leaked / launched", "analytic P(no leak)"]
    rows = []
    for r in sweep.rows:
        rows.append([_text(r[p.path]) for p in sweep.params]
                    + [_with_ci(r[k], r.get(k + "_ci95")) for k, _ in SWEEP_COLUMNS]
                    + [_number(r["analytic_leak_fraction"], 3), _number(r["analytic_p_no_leak"], 3)])
    parts += ["<h2>Grid</h2>", '<p class="meta">Each figure with its 95 % interval in brackets; the analytic '
              "columns are the one-layer model (Wilkening 2000) with the grid point's SSPK, doctrine and salvo.</p>",
              _table(headers, rows, numeric=set(range(len(sweep.params), len(headers))))]
    first = sweep.params[0].path
    count = sweep.count_path()
    parts.append("<h2>Figures</h2>")
    lead = count or first
    parts.append(_image(leakage_png(sweep, lead), "leakage against the swept field",
                        "Leaked and leaked-into-defended-assets fractions with their 95 % bands; dashed: the analytic "
                        "one-layer model P_leak = 1 - [1 - (1 - p)^2]; dotted: the same doctrine played from the "
                        "battery's finite inventory."))
    parts.append(_image(no_leak_png(sweep, lead), "probability of no leaker",
                        "Probability that no missile leaks, Wilson 95 % band, beside the one-layer model."))
    parts.append(_image(interceptors_png(sweep, lead), "interceptors per kill",
                        "Interceptors fired per threat killed (bootstrap 95 % band over runs) and the analytic "
                        "expectation."))
    rcs = next((p.path for p in sweep.params if p.path.endswith("rcs_m2")), None)
    if rcs is not None:
        parts.append(_image(detection_png(sweep, rcs), "detection against cross-section",
                            "Probability that any missile of the raid is detected, Wilson 95 % band, against the "
                            "cross-section."))
        parts.append(_image(first_detection_png(sweep, rcs), "first detection against cross-section",
                            "Mean time of the first detection (bootstrap 95 % band over the runs that saw one)."))
    from thaadsim.studies.sweep import INTERVAL_METHODS

    return "\n".join(parts + _tail(sc, assumptions, sweep.notes, INTERVAL_METHODS)) + "\n"


# --------------------------------------------------------------------------- Monte Carlo page


def convergence_png(table) -> bytes:
    """The running estimate of P(no leak) and its Wilson band against the number of runs."""
    from thaadsim.studies.montecarlo_plots import running_p_no_leak
    from thaadsim.studies.sweep import column

    order = np.argsort(np.asarray(column(table, "run"), dtype=float))
    n, p, lo, hi = running_p_no_leak(np.asarray(column(table, "no_leak"), dtype=bool)[order])
    fig = figures._figure(7.5, 3.8)
    ax = fig.add_subplot(1, 1, 1)
    _band(ax, n, p, lo, hi, figures.KILL_COLOUR, "P(no leak) after n runs", marker="")
    if n[-1] >= 100:
        ax.set_xscale("log")
    ax.set_xlabel("runs")
    ax.set_ylabel("P(no leak)")
    ax.set_ylim(-0.02, 1.02)
    ax.grid(alpha=0.3)
    ax.set_title("Convergence", fontsize=10)
    ax.legend(fontsize=7)
    return figures._png(fig)


def distributions_png(table) -> bytes:
    """Histograms of the per-run outcomes."""
    from thaadsim.studies.sweep import column

    alts = [a for v in column(table, "intercept_alt_m") if v is not None for a in v]
    panels = [("leaked", np.asarray(column(table, "leaked"), float), "leakers per run", True),
              ("interceptors_fired", np.asarray(column(table, "interceptors_fired"), float),
               "interceptors fired per run", True),
              ("first_detection_s", np.array([math.nan if v is None else float(v)
                                              for v in column(table, "first_detection_s")]),
               "first detection [s after epoch]", False),
              ("intercept_alt_m", np.asarray(alts, float) / 1e3, "intercept altitude [km]", False)]
    fig = figures._figure(9.0, 5.5)
    for k, (_, values, label, whole) in enumerate(panels):
        ax = fig.add_subplot(2, 2, k + 1)
        v = values[np.isfinite(values)]
        if v.size:
            bins = np.arange(v.min() - 0.5, v.max() + 1.5) if whole and v.max() - v.min() < 60 else 30
            ax.hist(v, bins=bins, color="#4c72b0", alpha=0.8)
        else:
            ax.text(0.5, 0.5, "none in this study", transform=ax.transAxes, ha="center", va="center")
        ax.set_xlabel(label, fontsize=8)
        ax.set_ylabel("count", fontsize=8)
        ax.grid(alpha=0.3)
    return figures._png(fig)


MC_FIGURES = [("p_no_leak", "P(no leak)", 3, 1.0), ("p_no_leak_into_defended_assets", "P(no leak into defended assets)",
                                                 3, 1.0),
              ("mean_leaked", "leakers per run", 2, 1.0),
              ("mean_leaked_into_defended_assets", "leakers into defended assets per run", 2, 1.0),
              ("mean_interceptors_fired", "interceptors fired per run", 1, 1.0),
              ("first_detection_s", "first detection [s after epoch], mean", 1, 1.0),
              ("intercept_alt_m", "intercept altitude [km], mean", 1, 1e-3)]
"""Summary figures of a Monte Carlo page: key, label, decimals, scale."""


def _mc_figure(summary: dict, key: str, scale: float) -> tuple:
    """(value, interval, method) of a summary figure, flat or nested (``{'mean', 'mean_ci95'}``)."""
    item = summary.get(key)
    if isinstance(item, dict):
        value, ci, method = item.get("mean"), item.get("mean_ci95"), item.get("ci_method")
    else:
        value, ci, method = item, summary.get(key + "_ci95"), summary.get(key + "_ci_method")
    def scaled(v):
        return v * scale if isinstance(v, (int, float)) and v is not None else v
    return scaled(value), [scaled(v) for v in ci] if ci else None, method


def render_montecarlo_report(scenario, study, seed: int, assumptions=None, notes: list[str] | None = None) -> str:
    """The page of a Monte Carlo study (``studies.montecarlo.run_study``'s result)."""
    s = study.summary
    runs = int(s["runs"])
    parts = _head(f"{scenario.name} - Monte Carlo study", scenario.description)
    parts.append(f'<p class="meta">{runs:,} runs · seed {seed} · {html.escape(str(s.get("method", "")))} · written '
                 "by thaadsim</p>")
    p, ci = s["p_no_leak"], s["p_no_leak_ci95"]
    answer = (f"The probability that no missile leaks is {p:.3f} (95 % interval {ci[0]:.3f}-{ci[1]:.3f}, "
              f"{runs:,} runs); on average {s['mean_leaked']:.2f} missiles leak (95 % "
              f"{s['mean_leaked_ci95'][0]:.2f}-{s['mean_leaked_ci95'][1]:.2f}) and "
              f"{s['mean_interceptors_fired']:.1f} interceptors are fired.")
    parts.append(f'<p class="answer">{html.escape(answer)}</p>')
    rows, methods = [], {}
    for key, label, digits, scale in MC_FIGURES:
        if key not in s:
            continue
        value, interval, method = _mc_figure(s, key, scale)
        rows.append([_text(label), _with_ci(value, interval, digits), _text(method)])
        methods[label] = method or "not stated"
    parts += ["<h2>Results</h2>", _table(["figure", "estimate (95 % interval)", "interval"], rows, numeric={1})]
    if s.get("distributions"):
        parts += ["<h3>Drawn parameters</h3>", _list(list(s["distributions"]), "")]
    parts += ["<h2>Convergence</h2>", _image(convergence_png(study.table), "convergence of P(no leak)",
                                             "The running estimate of P(no leak) with its Wilson 95 % band as runs "
                                             "accumulate (in run order).")]
    parts += ["<h2>Distributions</h2>", _image(distributions_png(study.table), "distributions of the outcomes",
                                               "Per-run outcomes; intercept altitudes of every killing shot.")]
    return "\n".join(parts + _tail(scenario, assumptions, notes or [], methods)) + "\n"


def montecarlo_writers(scenario, study, seed: int) -> dict:
    """File name -> writer of a Monte Carlo study's page (``outputs.bundle.write_folder``)."""
    assumptions = study_assumptions(scenario, seed)
    return {"study.html": lambda path: write_study_report(
        render_montecarlo_report(scenario, study, seed, assumptions), path)}


def write_study_report(page: str, path) -> None:
    """Write a rendered study page to ``path``."""
    Path(path).write_text(page, encoding="utf-8")


def write_sweep_parquet(sweep, path) -> None:
    """sweep.parquet: one row per grid point, each interval as ``_ci95_low``/``_ci95_high``
    columns (queryable with DuckDB or pandas)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    records = sweep.records()
    # a swept field holds one type per column: a mixed list (1, 'a') is written as text
    for key in [p.path for p in sweep.params]:
        if len({type(r[key]) for r in records}) > 1:
            for r in records:
                r[key] = str(r[key])
    pq.write_table(pa.Table.from_pylist(records), path)


def sweep_writers(sweep, assumptions=None) -> dict:
    """File name -> writer of a sweep's files (``outputs.bundle.write_folder``)."""
    return {"sweep.json": lambda path: Path(path).write_text(sweep_json(sweep), encoding="utf-8"),
            "sweep.parquet": lambda path: write_sweep_parquet(sweep, path),
            "study.html": lambda path: write_study_report(render_sweep_report(sweep, assumptions), path)}


def sweep_json(sweep) -> str:
    """sweep.json's text: the sweep's summary, NaN as null (the same for the same seed)."""
    import json

    from thaadsim.scenario.result import _clean

    return json.dumps(_clean(sweep.summary()), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


__all__ = ["convergence_png", "detection_png", "distributions_png", "first_detection_png", "interceptors_png", "leakage_png",
           "montecarlo_writers", "no_leak_png",
           "render_montecarlo_report", "render_sweep_report", "study_assumptions", "sweep_json", "sweep_writers",
           "write_study_report", "write_sweep_parquet"]
