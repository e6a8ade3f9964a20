"""The file writers of a run: events.csv, trajectories.parquet, CZML and KML.

All read the hand-made result of ``tests/scenario_example.py``; each test checks what a
reader of the file (a spreadsheet, pyarrow, Cesium, Google Earth) relies on.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import json
import re
import xml.etree.ElementTree as ET

import numpy as np
import pyarrow.parquet as pq
import pytest

from tests.scenario_example import example_result
from thaadsim.earth import frames
from thaadsim.outputs import czml, kml, tables
from thaadsim.scenario.result import Event, ObjectPath

K = f"{{{kml.KML_NS}}}"


@pytest.fixture
def result():
    return example_result()


def _parse_utc(text: str) -> dt.datetime:
    assert text.endswith("Z"), text
    moment = dt.datetime.fromisoformat(text)
    assert moment.utcoffset() == dt.timedelta(0)
    return moment


def _long_path(template: ObjectPath, n: int) -> ObjectPath:
    """The template's flight resampled to ``n`` samples (to exercise thinning)."""
    t = np.linspace(template.times_s[0], template.times_s[-1], n)
    lat = np.interp(t, template.times_s, template.lat_deg)
    lon = np.interp(t, template.times_s, template.lon_deg)
    alt = np.interp(t, template.times_s, template.alt_m)
    r = frames.geodetic_to_ecef(lat, lon, alt)
    return dataclasses.replace(template, object_id="T9.1", times_s=t, ecef_m=r,
                               velocity_m_s=np.gradient(r, t, axis=0), lat_deg=lat, lon_deg=lon, alt_m=alt)


# --- events.csv ------------------------------------------------------------------------

def test_events_csv_header_rows_and_order(result, tmp_path):
    path = tables.write_events_csv(result, tmp_path / "events.csv")
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["time_s", "utc", "event", "object_id", "actor", "lat_deg", "lon_deg", "alt_km", "detail"]
    body = rows[1:]
    assert len(body) == len(result.events)
    times = [float(r[0]) for r in body]
    assert times == sorted(times)
    for row, event in zip(body, result.events, strict=True):
        assert row[2:5] == [event.event, event.object_id, event.by]
        assert _parse_utc(row[1]) == result.epoch + dt.timedelta(seconds=round(event.time_s, 3))
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", row[1])
        assert float(row[7]) == pytest.approx(event.alt_m / 1e3, abs=5e-4)
        assert re.fullmatch(r"-?\d+\.\d{5}", row[5]) and re.fullmatch(r"-?\d+\.\d{3}", row[0])


def test_events_csv_sorts_and_leaves_unknown_places_empty(result, tmp_path):
    result.events = [*reversed(result.events), Event(1.0, "burnout", "T1.2")]
    path = tables.write_events_csv(result, tmp_path / "events.csv")
    with path.open(newline="", encoding="utf-8") as handle:
        body = list(csv.DictReader(handle))
    assert [float(r["time_s"]) for r in body] == sorted(e.time_s for e in result.events)
    unplaced = next(r for r in body if r["object_id"] == "T1.2" and r["event"] == "burnout")
    assert unplaced["lat_deg"] == unplaced["lon_deg"] == unplaced["alt_km"] == ""


# --- trajectories.parquet --------------------------------------------------------------

def test_parquet_reads_back_every_sample(result, tmp_path):
    path = tables.write_trajectories_parquet(result, tmp_path / "trajectories.parquet")
    table = pq.read_table(path)
    assert table.num_rows == sum(o.times_s.size for o in result.objects)
    frame = table.to_pydict()
    ids = np.array(frame["object_id"])
    for obj in result.objects:
        rows = np.flatnonzero(ids == obj.object_id)
        assert rows.size == obj.times_s.size
        expected = {"time_s": obj.times_s, "x_m": obj.ecef_m[:, 0], "y_m": obj.ecef_m[:, 1],
                    "z_m": obj.ecef_m[:, 2], "vx_m_s": obj.velocity_m_s[:, 0], "vy_m_s": obj.velocity_m_s[:, 1],
                    "vz_m_s": obj.velocity_m_s[:, 2], "lat_deg": obj.lat_deg, "lon_deg": obj.lon_deg,
                    "alt_m": obj.alt_m}
        for name, values in expected.items():
            np.testing.assert_allclose(np.array(frame[name])[rows], values, rtol=1e-9, atol=0, err_msg=name)
        assert {frame["kind"][k] for k in rows} == {obj.kind}
        assert {frame["type_key"][k] for k in rows} == {obj.type_key}
        assert {frame["fired_by"][k] for k in rows} == {obj.by}
        threat = next((p for p in result.per_threat if p["object_id"] == obj.object_id), None)
        if threat is not None:  # a threat carries its aim point and outcome (no join with summary.json)
            assert {frame["target"][k] for k in rows} == {threat["to"]}
            assert {frame["outcome"][k] for k in rows} == {threat["outcome"]}


def test_parquet_metadata_and_types(result, tmp_path):
    path = tables.write_trajectories_parquet(result, tmp_path / "trajectories.parquet")
    schema = pq.read_schema(path)
    meta = {k.decode(): v.decode() for k, v in schema.metadata.items()}
    assert meta["scenario"] == "example" and meta["seed"] == "1"
    assert _parse_utc(meta["epoch"]) == result.epoch
    assert meta["frame"] == "ECEF WGS-84, Earth-relative velocity"
    assert json.loads(meta["units"])["vx_m_s"] == "m/s"
    assert str(schema.field("x_m").type) == "double" and str(schema.field("label").type) == "string"


def test_parquet_same_bytes_on_rewrite(result, tmp_path):
    first = tables.write_trajectories_parquet(result, tmp_path / "a.parquet").read_bytes()
    second = tables.write_trajectories_parquet(example_result(), tmp_path / "b.parquet").read_bytes()
    assert first == second


# --- CZML ------------------------------------------------------------------------------

def _packets(result, tmp_path):
    path = czml.write_czml(result, tmp_path / "scenario.czml")
    packets = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(packets, list)
    return {p["id"]: p for p in packets}, packets


def _interval(text: str) -> tuple[dt.datetime, dt.datetime]:
    start, end = text.split("/")
    return _parse_utc(start), _parse_utc(end)


def test_czml_document_packet_first(result, tmp_path):
    _, packets = _packets(result, tmp_path)
    document = packets[0]
    assert document["id"] == "document" and document["version"] == "1.0" and document["name"] == "example"
    start, end = _interval(document["clock"]["interval"])
    assert _parse_utc(document["clock"]["currentTime"]) == start == result.epoch
    assert end == result.epoch + dt.timedelta(seconds=505.0)
    assert document["clock"]["multiplier"] > 1


def test_czml_every_time_is_iso_utc(result, tmp_path):
    _, packets = _packets(result, tmp_path)
    seen = []

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("availability", "interval"):
                    seen.extend(_interval(value))
                elif key in ("epoch", "currentTime"):
                    seen.append(_parse_utc(value))
                else:
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(packets)
    assert len(seen) >= 2 + 3 * 3 + 2   # clock, three flights (availability + epoch), the intercept


def test_czml_samples_match_the_flights(result, tmp_path):
    by_id, _ = _packets(result, tmp_path)
    for obj in result.objects:
        packet = by_id[obj.object_id]
        start, end = _interval(packet["availability"])
        epoch = _parse_utc(packet["position"]["epoch"])
        samples = np.array(packet["position"]["cartesian"]).reshape(-1, 4)
        assert samples.shape[0] == obj.times_s.size
        offsets = samples[:, 0]
        assert np.all(np.diff(offsets) > 0)
        assert (start - epoch).total_seconds() <= offsets.min()
        assert offsets.max() <= (end - epoch).total_seconds()
        assert offsets.min() == (start - epoch).total_seconds()   # available from the first sample
        np.testing.assert_allclose(offsets, obj.times_s, atol=1e-6, rtol=0)
        np.testing.assert_allclose(samples[:, 1:], obj.ecef_m, atol=1e-3, rtol=0)


def test_czml_colours_by_kind_and_outcome(result, tmp_path):
    by_id, _ = _packets(result, tmp_path)

    def path_color(oid):
        return by_id[oid]["path"]["material"]["solidColor"]["color"]["rgba"]

    assert path_color("T1.1") == czml.COLORS["threat_intercepted"]
    assert path_color("T1.2") == czml.COLORS["threat_impact"]
    assert path_color("I1") == czml.COLORS["interceptor"]
    kill = by_id["intercept/I1"]
    assert kill["point"]["color"]["rgba"] == czml.COLORS["kill"]
    start, _ = _interval(kill["availability"])
    assert start == result.utc(result.shots[0].t_intercept_s)
    lon, lat, alt = kill["position"]["cartographicDegrees"]
    assert (lat, lon) == pytest.approx((result.shots[0].lat_deg, result.shots[0].lon_deg), abs=1e-6)

    result.shots = [dataclasses.replace(result.shots[0], kill=False, miss_m=35.0)]
    missed, _ = _packets(result, tmp_path)
    assert missed["intercept/I1"]["point"]["color"]["rgba"] == czml.COLORS["miss"]


def test_czml_static_things(result, tmp_path):
    by_id, _ = _packets(result, tmp_path)
    coverage = by_id["radar/seongju-tpy2/coverage/0"]["polygon"]
    assert coverage["height"] == pytest.approx(100e3)
    assert len(coverage["positions"]["cartographicDegrees"]) == 3 * len(result.radars[0].coverage_rings[0])
    assert "100.0 km" in by_id["radar/seongju-tpy2/coverage/0"]["description"]
    circle = np.array(by_id["battery/seongju/asset/0"]["polyline"]["positions"]["cartographicDegrees"]).reshape(-1, 3)
    lat0, lon0 = result.batteries[0].assets[0]["lat_deg"], result.batteries[0].assets[0]["lon_deg"]
    distance = frames.geodesic_inverse(np.full(len(circle), lat0), np.full(len(circle), lon0),
                                       circle[:, 1], circle[:, 0])[2]
    np.testing.assert_allclose(distance, 30e3, atol=2.0)
    assert "battery/seongju/footprint/0" in by_id


def test_czml_same_bytes_on_rewrite(result, tmp_path):
    first = czml.write_czml(result, tmp_path / "a.czml").read_bytes()
    second = czml.write_czml(example_result(), tmp_path / "b.czml").read_bytes()
    assert first == second


def test_czml_drops_repeated_sample_times(result, tmp_path):
    threat = result.objects[0]
    k = 10
    threat.times_s = threat.times_s.copy()
    threat.times_s[k + 1] = threat.times_s[k]   # a phase boundary written twice
    by_id, _ = _packets(result, tmp_path)
    samples = np.array(by_id[threat.object_id]["position"]["cartesian"]).reshape(-1, 4)
    assert samples.shape[0] == threat.times_s.size - 1
    assert np.all(np.diff(samples[:, 0]) > 0)
    np.testing.assert_allclose(samples[k, 1:], threat.ecef_m[k], atol=1e-3)


def test_czml_passes_czml3_validation(result, tmp_path):
    """An independent check: czml3 rebuilds its models from the file and writes the same packets -
    the same text, byte for byte (property order, integers against floats), not only equal values."""
    from czml3 import Document

    _, packets = _packets(result, tmp_path)
    document = Document.model_validate(packets)
    assert document.to_dict() == packets
    text = (tmp_path / "scenario.czml").read_text(encoding="utf-8")
    assert json.dumps(document.to_dict(), separators=(",", ":"), ensure_ascii=False) == text


def test_a_run_writes_czml_without_czml3(result, tmp_path):
    """czml3 (and its pydantic models, ~0.1 s to build) is the test's authority, not the writer's."""
    import subprocess
    import sys

    code = ("import sys; from tests.scenario_example import example_result; from thaadsim.outputs import czml; "
            f"czml.write_czml(example_result(), {str(tmp_path / 'a.czml')!r}); "
            "print('czml3' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# --- KML -------------------------------------------------------------------------------

def _kml(result, tmp_path):
    path = kml.write_kml(result, tmp_path / "scenario.kml")
    text = path.read_bytes()
    assert text.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    return ET.fromstring(text)


def _folder(root, name):
    return next(f for f in root.iter(f"{K}Folder") if f.findtext(f"{K}name") == name)


def _triples(text: str) -> np.ndarray:
    triples = [tuple(map(float, c.split(","))) for c in text.split()]
    assert all(len(t) == 3 for t in triples)
    return np.array(triples)


def test_kml_structure(result, tmp_path):
    root = _kml(result, tmp_path)
    assert root.tag == f"{K}kml"
    folders = [f.findtext(f"{K}name") for f in root.iter(f"{K}Folder")]
    assert folders == ["Threats", "Interceptors", "Radars", "Batteries", "Intercepts"]
    for folder, objects in (("Threats", result.threats()), ("Interceptors", result.interceptors())):
        placemarks = _folder(root, folder).findall(f"{K}Placemark")
        assert [p.findtext(f"{K}name").split()[0] for p in placemarks] == [o.object_id for o in objects]
        for placemark, obj in zip(placemarks, objects, strict=True):
            assert placemark.find(f"{K}LineString/{K}altitudeMode").text == "absolute"
            coords = _triples(placemark.findtext(f"{K}LineString/{K}coordinates"))
            assert len(coords) == obj.times_s.size
            np.testing.assert_allclose(coords[:, 2], obj.alt_m, atol=0.051)
            begin = _parse_utc(placemark.findtext(f"{K}TimeSpan/{K}begin"))
            end = _parse_utc(placemark.findtext(f"{K}TimeSpan/{K}end"))
            assert begin <= end
            assert begin == result.utc(obj.times_s[0]) and end == result.utc(obj.times_s[-1])
            style = placemark.findtext(f"{K}styleUrl").lstrip("#")
            assert root.find(f".//{K}Style[@id='{style}']") is not None
    intercept = _folder(root, "Intercepts").find(f"{K}Placemark")
    assert _parse_utc(intercept.findtext(f"{K}TimeStamp/{K}when")) == result.utc(result.shots[0].t_intercept_s)
    assert intercept.findtext(f"{K}styleUrl") == "#kill"


def test_kml_coordinates_in_range_and_rounded(result, tmp_path):
    root = _kml(result, tmp_path)
    texts = [c.text for c in root.iter(f"{K}coordinates")]
    assert len(texts) >= 3 + 2 + 2 + 1   # flights, radar + coverage, battery + circle + footprint, intercept
    for text in texts:
        for item in text.split():
            assert re.fullmatch(r"-?\d+\.\d{6},-?\d+\.\d{6},-?\d+\.\d", item), item
        coords = _triples(text)
        assert np.all(np.abs(coords[:, 0]) <= 180) and np.all(np.abs(coords[:, 1]) <= 90)
    for ring in root.iter(f"{K}LinearRing"):
        coords = _triples(ring.findtext(f"{K}coordinates"))
        assert np.array_equal(coords[0], coords[-1])   # KML rings are closed


def test_kml_thins_long_flights(result, tmp_path):
    long = _long_path(result.objects[1], 5003)
    result.objects.append(long)
    root = _kml(result, tmp_path)
    placemark = next(p for p in _folder(root, "Threats").findall(f"{K}Placemark")
                     if p.findtext(f"{K}name").startswith("T9.1"))
    coords = _triples(placemark.findtext(f"{K}LineString/{K}coordinates"))
    assert 1900 <= len(coords) <= kml.MAX_PATH_POINTS
    assert coords[0] == pytest.approx([long.lon_deg[0], long.lat_deg[0], long.alt_m[0]], abs=1e-6)
    assert coords[-1] == pytest.approx([long.lon_deg[-1], long.lat_deg[-1], long.alt_m[-1]], abs=0.05)


def test_thin_indices():
    assert kml.thin_indices(10, 20).tolist() == list(range(10))
    keep = kml.thin_indices(10_001, 2000)
    assert keep[0] == 0 and keep[-1] == 10_000 and len(keep) == 2000
    assert np.all(np.diff(keep) > 0)


SQL_RESERVED = {"by", "from", "to", "group", "order", "select", "where", "table", "index", "key", "end", "user",
                "limit", "offset", "case", "when", "default", "check", "primary", "references", "time", "values"}
"""Words SQL reserves (SQL:2016 and DuckDB/SQLite keywords): a column so named must be
quoted in every query (issue 14: events.csv had a column 'by')."""


def test_no_table_column_is_an_sql_reserved_word(result, tmp_path):
    events = tables.write_events_csv(result, tmp_path / "events.csv")
    header = events.read_text(encoding="utf-8").splitlines()[0].split(",")
    parquet = pq.read_schema(tables.write_trajectories_parquet(result, tmp_path / "t.parquet")).names
    assert not (set(header) | set(parquet)) & SQL_RESERVED
    assert {"target", "outcome", "fired_by"} <= set(parquet)
