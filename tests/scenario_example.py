"""A small hand-made ScenarioResult for the writers' tests (no flight engine, no tracker).

Two threats from Tongchang-ri toward Seongju and Busan on simple arcs (not physics: the
writers only draw what they are given), one intercepted by one interceptor, one radar with
a coverage ring and one battery with a footprint ring.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from thaadsim.earth import frames
from thaadsim.scenario.result import (
    Assumption,
    BatteryView,
    Event,
    ObjectPath,
    RadarView,
    ScenarioResult,
    ShotRecord,
)

SEONGJU = (36.0513, 128.1955)
TONGCHANG = (39.66, 124.705)
BUSAN = (35.18, 129.076)


def _arc(oid, kind, label, key, start, end, t0, duration, apex_m, end_kind, n=60, group=None, by=None, stop=1.0):
    s = np.linspace(0.0, stop, n)
    lat = start[0] + (end[0] - start[0]) * s
    lon = start[1] + (end[1] - start[1]) * s
    alt = 4.0 * apex_m * s * (1.0 - s)
    t = t0 + duration * s
    r = frames.geodetic_to_ecef(lat, lon, alt)
    v = np.gradient(r, t, axis=0)
    return ObjectPath(oid, kind, label, key, t, r, v, lat, lon, alt, end_kind, group, by)


def example_result() -> ScenarioResult:
    t1 = _arc("T1.1", "threat", "scud-er from tongchang-ri", "scud-er", TONGCHANG, SEONGJU, 0.0, 480.0, 250e3,
              "intercepted", group=0, stop=0.7)
    t2 = _arc("T1.2", "threat", "scud-er from tongchang-ri", "scud-er", TONGCHANG, BUSAN, 5.0, 500.0, 260e3,
              "impact", group=0)
    hit = (float(t1.lat_deg[-1]), float(t1.lon_deg[-1]), float(t1.alt_m[-1]))
    i1 = _arc("I1", "interceptor", "thaad from seongju", "thaad", SEONGJU, hit[:2], 250.0, float(t1.times_s[-1]) - 250.0,
              0.0, "intercept", by="seongju")
    i1.alt_m[:] = np.linspace(0.0, hit[2], i1.alt_m.size)
    i1.ecef_m = frames.geodetic_to_ecef(i1.lat_deg, i1.lon_deg, i1.alt_m)
    i1.velocity_m_s = np.gradient(i1.ecef_m, i1.times_s, axis=0)
    t_int = float(t1.times_s[-1])
    ring = np.array([[SEONGJU[0] + 5 * np.sin(a), SEONGJU[1] + 6 * np.cos(a)]
                     for a in np.linspace(0, 2 * np.pi, 73)])
    foot = np.array([[SEONGJU[0] + 2 * np.sin(a), SEONGJU[1] + 1.5 * np.cos(a)]
                     for a in np.linspace(0, 2 * np.pi, 37)])
    radar = RadarView("seongju-tpy2", "an-tpy-2", "terminal", SEONGJU[0], SEONGJU[1], 400.0, 327.0, 1000.0,
                      [ring], 100.0, 1.0, detections=700, false_alarms=20, tracks_confirmed=2, false_tracks=0)
    battery = BatteryView("seongju", "thaad-battery", SEONGJU[0], SEONGJU[1], 400.0, "seongju-tpy2", 48, 1,
                          "shoot-look-shoot", "sspk", 0.8,
                          [{"name": "Seongju", "lat_deg": SEONGJU[0], "lon_deg": SEONGJU[1], "radius_km": 30.0}],
                          [foot], [], 130_000.0, "scud-er from tongchang-ri")
    shot = ShotRecord("I1", "seongju", "T1.1", 3, 1, 250.0, t_int, hit[0], hit[1], hit[2], True, 420.0, float("nan"))
    events = sorted([
        Event(0.0, "launch", "T1.1", "", *TONGCHANG, 0.0, "scud-er"),
        Event(5.0, "launch", "T1.2", "", *TONGCHANG, 0.0, "scud-er"),
        Event(70.0, "burnout", "T1.1", "", 39.0, 125.5, 80e3, "stage 1"),
        Event(95.0, "first_detection", "T1.1", "seongju-tpy2", 38.5, 126.0, 120e3, ""),
        Event(110.0, "track_confirmed", "T1.1", "seongju-tpy2", 38.3, 126.2, 150e3, "track 3"),
        Event(250.0, "interceptor_launch", "I1", "seongju", *SEONGJU, 400.0, "at track 3 (T1.1)"),
        Event(t_int, "intercept", "I1", "seongju", *hit, "kill T1.1"),
        Event(505.0, "impact", "T1.2", "", *BUSAN, 0.0, "outside defended assets"),
    ], key=Event.sort_key)
    per = [
        {"object_id": "T1.1", "group": 0, "label": "scud-er from tongchang-ri", "missile": "scud-er",
         "from": "tongchang-ri", "to": "busan", "launch_time_s": 0.0, "outcome": "intercepted", "engaged": True,
         "shots": 1, "intercepted_by": "seongju",
         "intercept_time_s": t_int, "intercept_altitude_km": hit[2] / 1e3, "reason": None},
        {"object_id": "T1.2", "group": 0, "label": "scud-er from tongchang-ri", "missile": "scud-er",
         "from": "tongchang-ri", "to": "busan", "launch_time_s": 5.0, "outcome": "leaked", "engaged": False,
         "shots": 0, "intercepted_by": None,
         "intercept_time_s": None, "intercept_altitude_km": None, "reason": "not engaged: not a threat"},
    ]
    totals = {"threats": 2, "engaged": 1, "intercepted": 1, "leaked": 1, "interceptors_fired": 1}
    return ScenarioResult(
        name="example", description="hand-made result for the writers' tests",
        epoch=dt.datetime(2017, 3, 6, 0, 0, tzinfo=dt.UTC), seed=1, objects=[t1, t2, i1], events=events,
        radars=[radar], batteries=[battery], shots=[shot], per_threat=per, totals=totals,
        assumptions=[Assumption("radar cross-section 1 m^2", "ASSUMED: the radar preset's reference target", True,
                                "assumed"),
                     Assumption("SSPK 0.8", "catalog thaad: MDA statements (assumed)", True, "assumed"),
                     Assumption("thaad: max_range_km = 200", "USCC 2016 Annual Report, p. 448", False, "checked")],
        sources=["example source"], sweep=None, notes=["example"])
