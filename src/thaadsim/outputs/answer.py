"""The answer to a run's question, in words and tables, for the top of the report and for the
Python API.

A run asks one of two questions, read from what it holds rather than from its name:

- *defence*: some threat is aimed at a defended asset, or some interceptor was fired - which
  targets does the defence protect, and which lie outside what it can protect?  Answered per
  target (aim point): missiles, intercepted, leaked, inside the drawn defended footprint.
- *surveillance*: no threat is the defence's to engage (none aimed at a defended asset, no
  shot) - is each flight seen, for how long, and by which radar in which mode?

A sweep (salvo sizes) is answered by its own section.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from thaadsim.scenario.result import ScenarioResult

DEFENCE = "defence"
SURVEILLANCE = "surveillance"


def question(result: ScenarioResult) -> str:
    """:data:`DEFENCE` or :data:`SURVEILLANCE` (module doc)."""
    aimed_at_assets = any(p.get("impact_in_asset") for p in result.per_threat)
    return DEFENCE if (result.shots or aimed_at_assets) else SURVEILLANCE


# --------------------------------------------------------------------------- defence


@dataclass(frozen=True)
class TargetRow:
    """One aim point of the run and what became of the missiles aimed at it."""

    target: str
    lat_deg: float
    lon_deg: float
    missiles: int
    intercepted: int
    leaked: int
    in_footprint: dict[str, bool | None]
    """Battery name -> whether the aim point lies inside the footprint it defends once (None:
    no footprint drawn for it in this run)."""
    asset: str | None
    """The defended asset it lies in, if any."""
    why: str | None
    """The first reason a missile aimed here was not intercepted."""

    @property
    def protected(self) -> bool:
        return self.leaked == 0

    @property
    def name(self) -> str:
        """How the page names it: the defended asset it lies in (a city's proper name, 'impact
        area'), else the aim point as the scenario gives it."""
        return self.asset or self.target


def _inside(lat: float, lon: float, rings: list) -> bool | None:
    if not rings:
        return None
    return any(point_in_ring(lon, lat, np.asarray(r, float)[:, ::-1]) for r in rings if len(r) >= 3)


def point_in_ring(x: float, y: float, ring: np.ndarray) -> bool:
    """Whether (x, y) lies inside the polygon of ``ring`` (N, 2), closed from its last vertex
    to its first: the even-odd crossings test (Haines, Graphics Gems IV), as matplotlib's
    ``Path.contains_point`` does it - without importing matplotlib into a run."""
    x1, y1 = ring[:, 0], ring[:, 1]
    x0, y0 = np.roll(x1, 1), np.roll(y1, 1)  # each edge from the vertex before
    above0, above1 = y0 >= y, y1 >= y
    crosses = (above0 != above1) & (((y1 - y) * (x0 - x1) >= (x1 - x) * (y0 - y1)) == above1)
    return bool(np.count_nonzero(crosses) % 2)


def target_rows(result: ScenarioResult) -> list[TargetRow]:
    """Per aim point, in the order the threats name them."""
    groups: dict[str, list[dict]] = {}
    for p in result.per_threat:
        groups.setdefault(str(p.get("to") or p.get("label") or "?"), []).append(p)
    rows = []
    for target, members in groups.items():
        lats = [float(p["impact_lat_deg"]) for p in members if p.get("impact_lat_deg") is not None]
        lons = [float(p["impact_lon_deg"]) for p in members if p.get("impact_lon_deg") is not None]
        lat = float(np.median(lats)) if lats else math.nan
        lon = float(np.median(lons)) if lons else math.nan
        leaked = [p for p in members if p.get("outcome") != "intercepted"]
        rows.append(TargetRow(
            target=target, lat_deg=lat, lon_deg=lon, missiles=len(members),
            intercepted=len(members) - len(leaked), leaked=len(leaked),
            in_footprint={b.name: (_inside(lat, lon, b.footprint_rings) if math.isfinite(lat) else None)
                          for b in result.batteries},
            asset=next((p.get("impact_in_asset") for p in members if p.get("impact_in_asset")), None),
            why=next((p.get("reason") for p in leaked if p.get("reason")), None)))
    return rows


def _names(rows) -> str:
    names = [r.name for r in rows]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def defence_sentences(result: ScenarioResult) -> list[str]:
    rows = target_rows(result)
    batteries = " and ".join(b.name for b in result.batteries) or "no battery"
    out = []
    safe = [r for r in rows if r.protected]
    exposed = [r for r in rows if not r.protected]
    if exposed:
        out.append(f"Outside what {batteries} protected in this run: {_names(exposed)} "
                   f"({sum(r.leaked for r in exposed)} of {sum(r.missiles for r in exposed)} missiles aimed there "
                   "leaked).")
    if safe:
        out.append(f"Protected: {_names(safe)} (every missile aimed there intercepted).")
    outside = [r for r in rows if any(v is False for v in r.in_footprint.values())
               and not any(v for v in r.in_footprint.values())]
    drawn = any(v is not None for r in rows for v in r.in_footprint.values())
    if drawn:
        against = "; ".join(f"{b.name} against {b.footprint_against}" for b in result.batteries
                            if b.footprint_against)
        out.append(f"Outside the defended footprint ({against}): {_names(outside)}." if outside
                   else f"Every target lies inside the defended footprint ({against}).")
    return out


# --------------------------------------------------------------------------- surveillance


@dataclass(frozen=True)
class SightingRow:
    """What the radars saw of one threat."""

    object_id: str
    label: str
    flight_time_s: float
    radar: str | None
    """The radar that saw it longest (None: not seen)."""
    mode: str | None
    first_s: float | None
    last_s: float | None

    @property
    def seen_s(self) -> float:
        return (self.last_s - self.first_s) if self.first_s is not None and self.last_s is not None else 0.0


def sighting_rows(result: ScenarioResult) -> list[SightingRow]:
    modes = {r.name: r.mode for r in result.radars}
    rows = []
    for p in result.per_threat:
        first = p.get("first_detection_s") or {}
        last = p.get("last_detection_s") or {}
        spans = {name: (first[name], last.get(name) if last.get(name) is not None else first[name])
                 for name in first if first.get(name) is not None}
        best = max(spans, key=lambda n: spans[n][1] - spans[n][0]) if spans else None
        rows.append(SightingRow(
            object_id=str(p.get("object_id")), label=f"{p.get('missile')} {p.get('from')} -> {p.get('to')}",
            flight_time_s=float(p.get("flight_time_s") or math.nan), radar=best,
            mode=modes.get(best) if best else None,
            first_s=spans[best][0] if best else None, last_s=spans[best][1] if best else None))
    return rows


def surveillance_sentences(result: ScenarioResult) -> list[str]:
    rows = sighting_rows(result)
    seen = [r for r in rows if r.radar]
    out = [f"{len(seen)} of {len(rows)} flights were seen by the radars."]
    if seen:
        out.append("; ".join(f"{r.object_id} ({r.label}) for {r.seen_s:,.0f} s by {r.radar} ({r.mode} mode)"
                             for r in seen) + ".")
    unseen = [r for r in rows if not r.radar]
    if unseen:
        out.append("Not seen: " + ", ".join(f"{r.object_id} ({r.label})" for r in unseen) + ".")
    if result.batteries:
        out.append("No interceptor was fired: none of these flights is aimed at what the batteries defend.")
    return out


def sentences(result: ScenarioResult) -> list[str]:
    """The answer in words, first thing on the page."""
    return defence_sentences(result) if question(result) == DEFENCE else surveillance_sentences(result)


__all__ = ["DEFENCE", "SURVEILLANCE", "SightingRow", "TargetRow", "point_in_ring", "question", "sentences", "sighting_rows",
           "target_rows"]
