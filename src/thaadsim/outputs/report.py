"""report.html: one self-contained page that explains a scenario run to a reader.

Everything the page needs is inside it — figures as base64 PNG data URIs, CSS in a
``<style>`` element, no scripts, fonts or links — so it opens offline, can be mailed, and
reads the same in ten years.  Every piece of text from the run (names, labels, sources,
notes) is escaped: a scenario file is user input.

The figures come from :mod:`thaadsim.outputs.figures`; this module writes the prose and
the tables.
"""

from __future__ import annotations

import base64
import datetime as _dt
import html
import math
import numbers
from collections.abc import Mapping
from pathlib import Path

from thaadsim.outputs import answer, figures, palette
from thaadsim.scenario.result import ScenarioResult

_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 2em auto;
       max-width: 1100px; padding: 0 1em; color: #222; line-height: 1.45; }
h1 { margin-bottom: 0.2em; } h2 { border-bottom: 1px solid #ccc; padding-bottom: 0.2em; margin-top: 1.8em; }
.meta { color: #555; font-size: 0.92em; }
.answer { background: #f3f6fa; border-left: 4px solid #1f5fbf; padding: 0.8em 1em; }
figure { margin: 1em 0; } figure img { max-width: 100%; height: auto; border: 1px solid #ddd; }
figcaption { color: #555; font-size: 0.88em; }
table { border-collapse: collapse; margin: 0.6em 0 1.2em; font-size: 0.88em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.55em; text-align: left; vertical-align: top; }
th { background: #eef1f5; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.total td { font-weight: bold; background: #f7f7f7; }
.intercepted { color: INTERCEPTED; } .leaked { color: LEAKED; } .not-engaged { color: NOT_ENGAGED; }
.assumed { background: #fff4d6; padding: 0 0.3em; border-radius: 3px; font-size: 0.85em; }
details summary { cursor: pointer; font-weight: bold; }
""".replace("INTERCEPTED", palette.hex_colour("intercepted")).replace("LEAKED", palette.hex_colour("leaked")).replace(
    "NOT_ENGAGED", palette.hex_colour("not engaged"))
"""The page's style; outcome colours from the palette shared with the figures, CZML and KML."""

_NO_VALUE = "–"


# --- small formatting helpers -----------------------------------------------------------


def _text(value) -> str:
    """Escaped text for the page; None and NaN read as a dash."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return _NO_VALUE
    return html.escape(str(value))


def _number(value, digits: int = 1) -> str:
    """A number with thousands separators and ``digits`` decimals; a dash when absent."""
    if value is None:
        return _NO_VALUE
    try:
        number = float(value)
    except (TypeError, ValueError):
        return _text(value)
    if not math.isfinite(number):
        return _NO_VALUE
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return f"{int(value):,}"
    return f"{number:,.{digits}f}"


def _clock(result: ScenarioResult, t_s: float) -> str:
    """'t = 95 s (00:01:35 UTC)'."""
    return f"t = {t_s:,.0f} s ({result.utc(t_s):%H:%M:%S} UTC)"


def _count(n: int, singular: str, plural: str | None = None) -> str:
    """'1 radar', '2 radars'."""
    return f"{n} {singular if n == 1 else (plural or singular + 's')}"


def _table(headers: list[str], rows: list[list[str]], total: list[str] | None = None,
           numeric: set[int] | None = None) -> str:
    """An HTML table from cells that are already escaped HTML."""
    numeric = numeric or set()
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    lines = [f"<table><thead><tr>{head}</tr></thead><tbody>"]
    for row in rows:
        cells = "".join(f'<td class="num">{c}</td>' if k in numeric else f"<td>{c}</td>" for k, c in enumerate(row))
        lines.append(f"<tr>{cells}</tr>")
    if total is not None:
        cells = "".join(f'<td class="num">{c}</td>' if k in numeric else f"<td>{c}</td>" for k, c in enumerate(total))
        lines.append(f'<tr class="total">{cells}</tr>')
    lines.append("</tbody></table>")
    return "\n".join(lines)


def _image(png: bytes, alt: str, caption: str) -> str:
    data = base64.b64encode(png).decode("ascii")
    return (f'<figure><img src="data:image/png;base64,{data}" alt="{html.escape(alt)}">'
            f"<figcaption>{html.escape(caption)}</figcaption></figure>")


def _first_events(result: ScenarioResult, kind: str) -> dict[str, object]:
    """Object id -> the earliest event of that kind for it."""
    first: dict[str, object] = {}
    for event in sorted(result.events, key=lambda e: e.sort_key()):
        if event.event == kind and event.object_id not in first:
            first[event.object_id] = event
    return first


def _outcome_html(outcome) -> str:
    text = str(outcome or "")
    css = ("intercepted" if text == "intercepted" else "leaked" if text.startswith("leaked")
           else "not-engaged" if text.startswith("not engaged") else "")
    return f'<span class="{css}">{_text(outcome)}</span>' if css else _text(outcome)


# --- the sections -----------------------------------------------------------------------------


def _answer(result: ScenarioResult) -> str:
    """The answer to the run's question (:mod:`thaadsim.outputs.answer`) in words, then the
    account in numbers: what a reader who reads nothing else should take away."""
    totals = result.totals
    threats = totals.get("threats", len(result.threats()))
    engaged = totals.get("engaged")
    intercepted = totals.get("intercepted", 0)
    leaked = totals.get("leaked")
    fired = totals.get("interceptors_fired", len(result.shots))
    inventory = sum(b.inventory for b in result.batteries)
    sentences = [f"{_count(threats, 'threat missile')} flew in this run."]
    if result.batteries and answer.question(result) == answer.SURVEILLANCE:
        # no flight here is the defence's to engage: "leaked" would misread the run
        sentences.append(f"None was the batteries' to engage; {threats} flew on to their aim points, and "
                         f"{_count(len(result.batteries), 'battery', 'batteries')} fired {_count(fired, 'interceptor')}.")
    elif result.batteries:
        engaged_text = f"the defence engaged {engaged}, " if engaged is not None else "the defence "
        leaked_text = f" and {leaked} leaked" if leaked is not None else ""
        sentences.append(f"Of these, {engaged_text}intercepted {intercepted}{leaked_text}.")
        sentences.append(f"{_count(len(result.batteries), 'battery', 'batteries')} fired "
                         f"{_count(fired, 'interceptor')} of an inventory of {inventory}.")
    else:
        sentences.append("No interceptor battery took part, so none was intercepted.")
    detections = [e for e in result.events if e.event == "first_detection"]
    if detections:
        first = min(detections, key=lambda e: e.time_s)
        by = f" by {first.by}" if first.by else ""
        sentences.append(f"The first detection came at {_clock(result, first.time_s)}{by}.")
    elif result.radars:
        sentences.append("No radar detected any threat.")
    else:
        sentences.append("No radar took part.")
    kills = [s for s in result.shots if s.kill]
    if kills:
        first_kill = min(kills, key=lambda s: s.t_intercept_s)
        sentences.append(f"The first intercept was at {_clock(result, first_kill.t_intercept_s)}, "
                         f"{first_kill.alt_m / 1e3:,.0f} km up, by {first_kill.battery}.")
    elif result.batteries:
        sentences.append("No threat was intercepted.")
    return (f'<p class="answer"><b>{html.escape(" ".join(answer.sentences(result)))}</b></p>\n'
            f'<p class="meta">{html.escape(" ".join(sentences))}</p>')


def _answer_table(result: ScenarioResult) -> str:
    """Per target (a defence run) or per flight (a surveillance run): the answer's table."""
    if answer.question(result) == answer.SURVEILLANCE:
        rows = [[_text(r.object_id), _text(r.label), "seen" if r.radar else "not seen", _text(r.radar),
                 _text(r.mode), _number(r.first_s, 0), _number(r.last_s, 0),
                 _number(r.seen_s, 0) if r.radar else _NO_VALUE, _number(r.flight_time_s, 0)]
                for r in answer.sighting_rows(result)]
        return _table(["threat", "flight", "seen?", "by radar", "mode", "first seen [s]", "last seen [s]",
                       "seen for [s]", "flight time [s]"], rows, numeric={5, 6, 7, 8})
    batteries = [b.name for b in result.batteries]
    rows = []
    for r in answer.target_rows(result):
        inside = [_text({True: "inside", False: "outside", None: None}[r.in_footprint.get(b)]) for b in batteries]
        rows.append([_text(r.target), _number(r.missiles), _number(r.intercepted), _number(r.leaked),
                     '<span class="intercepted">protected</span>' if r.protected
                     else '<span class="leaked">not protected</span>', *inside, _text(r.asset), _text(r.why)])
    headers = ["target (aim point)", "missiles", "intercepted", "leaked", "in this run",
               *[f"footprint of {b}" for b in batteries], "defended asset", "why not intercepted (first)"]
    return _table(headers, rows, numeric={1, 2, 3})


def _answer_figure(result: ScenarioResult, images: dict[str, str]) -> str:
    """The one figure that answers the question: the map for a defence run (targets named),
    the timeline for a surveillance run (how long each flight was seen)."""
    return images["timeline" if answer.question(result) == answer.SURVEILLANCE else "map"]



def _threat_table(result: ScenarioResult) -> str:
    first_detection = _first_events(result, "first_detection")
    rows = []
    for row in result.per_threat:
        detection = first_detection.get(row.get("object_id"))
        detection_text = (f"{_number(detection.time_s, 0)} s by {_text(detection.by or '?')}" if detection
                          else "never detected")
        rows.append([_text(row.get("object_id")), _text(row.get("label")), _text(row.get("from")), _text(row.get("to")),
                     _outcome_html(row.get("outcome")),
                     _text(row.get("reason")), _number(row.get("shots"), 0), _text(row.get("intercepted_by")),
                     _number(row.get("intercept_time_s"), 1), _number(row.get("intercept_altitude_km"), 1),
                     detection_text])
    count = lambda key: sum(1 for r in result.per_threat if r.get("outcome") == key)  # noqa: E731
    shots = sum(int(r.get("shots") or 0) for r in result.per_threat)
    total = ["total", f"{len(result.per_threat)} threats", "", "", f"{count('intercepted')} intercepted",
             "", f"{shots:,}", "", "", "", f"{len(first_detection)} detected"]
    headers = ["object", "label", "launch site", "target (aim point)", "outcome", "why not intercepted", "shots",
               "intercepted by", "intercept time [s]", "intercept altitude [km]", "first detection"]
    return _table(headers, rows, total, numeric={6, 8, 9})


def _totals_table(result: ScenarioResult) -> str:
    """Every total the runner reports, known keys or not."""
    rows = [[_text(key.replace("_", " ")), _number(value, 2) if isinstance(value, (int, float)) else _text(value)]
            for key, value in result.totals.items()]
    return _table(["total", "value"], rows, numeric={1})


def _battery_table(result: ScenarioResult) -> str:
    if not result.batteries:
        return "<p>No interceptor battery in this run.</p>"
    rows = [[_text(b.name), _text(b.key), _text(b.radar), _number(b.inventory), _number(b.fired), _text(b.doctrine),
             _text(b.kill_model), _number(b.sspk, 2), _number(b.footprint_area_km2, 0),
             _text(b.footprint_against or None),
             _text(", ".join(f"{a.get('name', '?')} ({_radius(a)} km)" for a in b.assets) or None)]
            for b in result.batteries]
    headers = ["battery", "type", "radar", "inventory", "fired", "doctrine", "kill model", "SSPK",
               "footprint [km²]", "footprint against", "defended assets"]
    return _table(headers, rows, numeric={3, 4, 7, 8})


def _radius(asset: dict) -> str:
    radius = asset.get("radius_km")
    return f"{float(radius):g}" if radius is not None else "?"


def _radar_table(result: ScenarioResult) -> str:
    if not result.radars:
        return "<p>No radar in this run.</p>"
    rows = [[_text(r.name), _text(r.key), _text(r.mode), _number(r.max_range_km, 0), _number(r.boresight_az_deg, 0),
             _number(r.detections), _number(r.false_alarms), _number(r.tracks_confirmed), _number(r.false_tracks)]
            for r in result.radars]
    headers = ["radar", "type", "mode", "instrumented range [km]", "boresight azimuth [°]", "detections",
               "false alarms", "tracks confirmed", "false tracks"]
    return _table(headers, rows, numeric={3, 4, 5, 6, 7, 8})


def _shot_table(result: ScenarioResult) -> str:
    if not result.shots:
        return "<p>No interceptor was fired.</p>"
    rows = [[_text(s.interceptor_id), _text(s.battery), _text(s.threat_id or "false track"), _number(s.number),
             _number(s.t_launch_s, 1), _number(s.t_intercept_s, 1), _number(s.alt_m / 1e3, 1),
             "kill" if s.kill else "miss", _number(s.pip_error_m, 0), _number(s.miss_m, 1), _text(s.note or None)]
            for s in result.shots]
    headers = ["interceptor", "battery", "at threat", "shot no.", "launch [s]", "intercept [s]", "altitude [km]",
               "result", "PIP error [m]", "miss distance [m]", "note"]
    return _table(headers, rows, numeric={3, 4, 5, 6, 8, 9})


def _sweep_section(result: ScenarioResult, drawn: Mapping[str, bytes]) -> str:
    rows = sorted(result.sweep or [], key=lambda r: r.get("count", 0))
    keys: list[str] = []
    for row in rows:  # every column any salvo size reports, in first-seen order
        keys += [k for k in row if k not in keys]
    table = _table([k.replace("_", " ") for k in keys],
                   [[_number(r.get(k), 2) if isinstance(r.get(k), (int, float)) else _text(r.get(k)) for k in keys]
                    for r in rows], numeric=set(range(len(keys))))
    figure = _image(drawn["sweep"], "saturation figure",
                    "Outcomes against salvo size; the dotted line is the interceptor inventory of all batteries.")
    return f"<h2>Saturation sweep</h2>\n{figure}\n{table}"


def _events_section(result: ScenarioResult) -> str:
    rows = [[_number(e.time_s, 1), _text(f"{result.utc(e.time_s):%H:%M:%S.%f}"[:-3]), _text(e.event.replace("_", " ")),
             _text(e.object_id), _text(e.by or None), _number(e.lat_deg, 3), _number(e.lon_deg, 3),
             _number(e.alt_m / 1e3, 1), _text(e.detail or None)]
            for e in sorted(result.events, key=lambda e: e.sort_key())]
    headers = ["t [s]", "UTC", "event", "object", "actor", "lat [°]", "lon [°]", "alt [km]", "detail"]
    return (f"<details><summary>All {len(rows)} events</summary>\n"
            f"{_table(headers, rows, numeric={0, 5, 6, 7})}\n</details>")


ASSUMPTION_HEADERS = ["assumption", "source", "status", "source check"]
"""Columns of the report's assumption table; 'source check' is how the figure's source was
checked against its document (``thaadsim catalog sources``)."""

_CHECK_LEGEND = (
    "Source check: <b>checked</b> — the figure was read in the cited document; <b>partly-checked</b> — the "
    "document was found but not every figure cited from it; <b>not-found</b> — the document does not say what "
    "it is cited for; <b>unchecked</b> — the document could not be read; <b>assumed</b> — no document, a "
    "thaadsim assumption; <b>internal</b> — a definition or a model choice; <b>scenario-file</b> — given by the "
    "scenario. What was seen in each document is listed by <code>thaadsim catalog sources</code>."
)


ASSUMPTION_GROUPS = ("threats", "sites", "radar", "battery", "interceptor", "model choices")
"""The groups of the assumption table, in order (a row without a group is listed under 'other')."""

_SENSITIVITY = (
    "Which of these assumptions move the answer most is not measured in a single run: thaadsim varies none of "
    "them here. Where to look first: the rows marked <i>assumed</i> (no document publishes them), listed first in "
    "each group. A sweep or Monte Carlo study varies them and measures the answer's change."
)


def _assumptions_section(result: ScenarioResult) -> str:
    if not result.assumptions:
        return "<p>No assumptions recorded.</p>"
    checks = [a.check if a.check is not None else "not stated" for a in result.assumptions]
    counts = ", ".join(f"{checks.count(c)} {html.escape(c)}" for c in dict.fromkeys(sorted(checks)))
    groups = list(ASSUMPTION_GROUPS) + sorted({a.group or "other" for a in result.assumptions}
                                              - set(ASSUMPTION_GROUPS))
    parts = [f'<p class="meta">Source checks of these {len(checks)} rows: {counts}.</p>',
             f'<p class="meta">{_SENSITIVITY}</p>']
    for group in groups:
        members = [a for a in result.assumptions if (a.group or "other") == group]
        if not members:
            continue
        members.sort(key=lambda a: not a.assumed)  # stable: the assumed rows first, each in its order
        assumed = sum(a.assumed for a in members)
        rows = [[_text(a.text), _text(a.source),
                 '<span class="assumed">assumed</span>' if a.assumed else "sourced",
                 _text(a.check if a.check is not None else "not stated")] for a in members]
        parts.append(f"<details{' open' if group == 'model choices' else ''}><summary>{html.escape(group)} "
                     f"({len(members)} rows, {assumed} assumed)</summary>\n{_table(ASSUMPTION_HEADERS, rows)}"
                     "\n</details>")
    parts.append(f'<p class="meta">{_CHECK_LEGEND}</p>')
    return "\n".join(parts)


def _list(items: list[str], empty: str) -> str:
    if not items:
        return f"<p>{html.escape(empty)}</p>"
    # plain text, never links: the page must not reach out, and sources are read, not clicked
    return "<ul>" + "".join(f"<li>{_text(item)}</li>" for item in items) + "</ul>"


# --- the page ---------------------------------------------------------------------------------


FIGURES = {"map": figures.map_png, "altitude": figures.altitude_png, "timeline": figures.timeline_png,
           "sweep": figures.sweep_png}
"""Figure name -> the function that draws it as PNG bytes, for every figure the page embeds."""


def figure_names(result: ScenarioResult) -> list[str]:
    """The figures :func:`render_report` embeds for ``result`` (keys of :data:`FIGURES`)."""
    return ["map", "altitude", "timeline"] + (["sweep"] if result.sweep or result.sweep_answer else [])


def render_report(result: ScenarioResult, pngs: Mapping[str, bytes] | None = None) -> str:
    """The whole report as one HTML string.  ``pngs`` holds figures already drawn (by name,
    :data:`FIGURES`; :mod:`thaadsim.outputs.figure_worker` draws them beside the run); the
    others are drawn here."""
    drawn = dict(pngs or {})
    for name in figure_names(result):
        if name not in drawn:
            drawn[name] = FIGURES[name](result)
    epoch = result.epoch if result.epoch.tzinfo else result.epoch.replace(tzinfo=_dt.UTC)
    epoch_text = epoch.astimezone(_dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    surveillance = answer.question(result) == answer.SURVEILLANCE
    colouring = ("by what the radars saw (bold: from first to last detection)" if surveillance
                 else "by outcome")
    map_figure = _image(drawn["map"], "map of ground tracks and defences",
                        f"Ground tracks coloured {colouring}, interceptor tracks, radar sites and coverage, batteries, "
                        "defended footprints (filled) and assets (dotted circles), launch, impact and intercept "
                        "points; targets, assets, launch sites, radars and batteries named.")
    altitude_figure = _image(drawn["altitude"], "altitude against downrange",
                             "Altitude against ground distance from each threat's launch point; an interceptor is "
                             "measured from the launch point of the threat it was fired at, so the curves meet at "
                             "the intercept.")
    timeline_figure = _image(drawn["timeline"], "engagement timeline",
                             f"One row per threat, from launch to the end of its flight; t = 0 is {epoch_text}."
                             + (" The thin bars: how long each radar saw it (first to last detection)."
                                if surveillance else ""))
    images = {"map": map_figure, "timeline": timeline_figure}
    headline = _answer_figure(result, images)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>thaadsim report: {_text(result.name)}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>{_text(result.name)}</h1>",
        f"<p>{_text(result.description)}</p>",
        f'<p class="meta">Epoch {html.escape(epoch_text)} · seed {_text(result.seed)} · '
        f"{_count(len(result.threats()), 'threat')}, {_count(len(result.interceptors()), 'interceptor')}, "
        f"{_count(len(result.radars), 'radar')}, {_count(len(result.batteries), 'battery', 'batteries')} · "
        "written by thaadsim</p>",
        "<h2>Answer</h2>",
    ]
    if result.sweep_answer:
        # the question is the sweep's (leakage against salvo size): its answer and figure come first,
        # the one run of the file's own salvo after them
        salvo = len(result.threats())
        parts += [f'<p class="answer"><b>{html.escape(result.sweep_answer)}</b></p>', _sweep_section(result, drawn),
                  f"<h2>One run: the file's own salvo of {salvo}</h2>"]
    parts += [_answer(result), headline, _answer_table(result)]
    if headline is not map_figure:
        parts += ["<h2>Map</h2>", map_figure]
    parts += ["<h2>Altitude against downrange</h2>", altitude_figure]
    if headline is not timeline_figure:
        parts += ["<h2>Engagement timeline</h2>", timeline_figure]
    if result.sweep and not result.sweep_answer:
        parts.append(_sweep_section(result, drawn))
    parts += [
        "<h2>Outcome per threat</h2>", _threat_table(result),
        "<h3>Totals</h3>", _totals_table(result),
        "<h2>Batteries</h2>", _battery_table(result),
        "<h2>Radars</h2>", _radar_table(result),
        "<h2>Interceptors fired</h2>", _shot_table(result),
        "<h2>Events</h2>", _events_section(result),
        "<h2>Assumptions</h2>", _assumptions_section(result),
        "<h2>Notes</h2>", _list(result.notes, "No notes."),
        "<h2>Sources</h2>", _list(result.sources, "No sources listed."),
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"


def write_report(result: ScenarioResult, path, pngs: Mapping[str, bytes] | None = None) -> None:
    """Write report.html for a run to ``path`` (a self-contained page; see the module doc);
    ``pngs`` as for :func:`render_report`."""
    Path(path).write_text(render_report(result, pngs), encoding="utf-8")


__all__ = ["FIGURES", "figure_names", "render_report", "write_report"]
