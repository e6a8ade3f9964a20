"""`thaadsim run` as a user runs it: the output folder, its files' validity, and bad input.

One real run of the built-in korea-salvo (a separate process) is checked file by file:
summary.json against the printed --json, events.csv in time order, trajectories.parquet
holding every object, the CZML re-validated by czml3 (an independent reader) with every
sample inside its packet's availability, the KML parsed, and the report's images
embedded.  Bad scenarios - a syntax error, a wrong type, an unknown name, a geometry no
missile can fly - end with one line, exit code 2, and no output folder.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest

from tests.integration import cli

FILES = {"summary.json", "events.csv", "trajectories.parquet", "report.html", "scenario.czml", "scenario.kml"}


@pytest.fixture(scope="module")
def korea(korea_salvo_run):
    """tests/conftest.py's ``run korea-salvo --out ... --json`` (a separate process), shared with the
    progress test that reads its stderr."""
    out, result = korea_salvo_run
    assert result.returncode == 0, result.stderr
    return out, result.stdout


def test_run_writes_every_file_and_prints_the_summary(korea):
    out, stdout = korea
    assert {p.name for p in out.iterdir()} == FILES | {".thaadsim-run.json"}  # and the run's manifest
    assert stdout == (out / "summary.json").read_text(encoding="utf-8")
    s = json.loads(stdout)
    assert s["scenario"] == "korea-salvo" and s["seed"] == 1
    assert s["intercepted"] + s["leaked"] == s["threats"] == 8
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".")]  # no staging folder left


def test_events_csv_is_time_ordered_and_complete(korea):
    out, stdout = korea
    rows = list(csv.DictReader((out / "events.csv").open(encoding="utf-8")))
    times = [float(r["time_s"]) for r in rows]
    assert times == sorted(times)
    s = json.loads(stdout)
    assert sum(r["event"] == "launch" for r in rows) == s["threats"]
    assert sum(r["event"] == "interceptor_launch" for r in rows) == s["interceptors_fired"]
    assert sum(r["event"] == "impact" for r in rows) == s["threats"] - s["intercepted"]


def test_trajectories_parquet_holds_every_object(korea):
    import pyarrow.parquet as pq

    out, stdout = korea
    table = pq.read_table(out / "trajectories.parquet")
    ids = set(table.column("object_id").to_pylist())
    s = json.loads(stdout)
    assert {p["object_id"] for p in s["per_threat"]} <= ids
    assert sum(i.startswith("I") for i in ids) == s["interceptors_fired"]


def test_czml_is_valid_for_an_independent_reader(korea):
    from czml3 import Document

    out, _ = korea
    packets = json.loads((out / "scenario.czml").read_text(encoding="utf-8"))
    assert packets[0]["id"] == "document" and packets[0]["version"] == "1.0"
    Document.model_validate(packets)

    def when(text: str) -> dt.datetime:
        assert text.endswith("Z")
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))

    moving = [p for p in packets if isinstance(p.get("position"), dict) and "epoch" in p["position"]]
    assert moving
    for p in moving:
        start, end = (when(x) for x in p["availability"].split("/"))
        epoch = when(p["position"]["epoch"])
        samples = p["position"]["cartesian"]
        for k in range(0, len(samples), 4):
            t = epoch + dt.timedelta(seconds=samples[k])
            assert start - dt.timedelta(microseconds=1) <= t <= end + dt.timedelta(microseconds=1)


def test_kml_parses(korea):
    out, _ = korea
    root = ET.parse(out / "scenario.kml").getroot()
    assert root.tag == "{http://www.opengis.net/kml/2.2}kml"
    placemarks = root.findall(".//{http://www.opengis.net/kml/2.2}Placemark")
    assert len(placemarks) >= 8


class _Images(HTMLParser):
    def __init__(self):
        super().__init__()
        self.src = []

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.src.append(dict(attrs).get("src", ""))


def test_report_images_are_embedded(korea):
    out, _ = korea
    parser = _Images()
    parser.feed((out / "report.html").read_text(encoding="utf-8"))
    assert len(parser.src) >= 3
    assert all(s.startswith("data:image/png;base64,") for s in parser.src)


BAD = {
    "syntax": ("name: x\nthreats: [\n", "line"),
    "type": ("name: x\nthreats:\n  - {missile: scud-er, from: kusong, to: busan, count: many}\n", "threats[0].count"),
    "name": ("name: x\nthreats:\n  - {missile: hwasong15, from: kusong, to: busan}\n", "did you mean 'hwasong-15'"),
    "geometry": ("name: x\nthreats:\n  - {missile: scud-b, from: sunan, to: washington}\n",
                 "geometry.yaml:3: threats[0].to: scud-b from sunan to washington"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_scenario_is_one_line_exit_2_and_no_folder(tmp_path, case):
    text, expected = BAD[case]
    path = tmp_path / f"{case}.yaml"
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    result = cli.run("run", str(path), "--out", str(out))
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in result.stderr
    assert expected in lines[0]
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"{case}.yaml"]


def test_a_folder_that_is_not_a_run_is_never_replaced(tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me", encoding="utf-8")
    result = cli.run("run", "korea-salvo", "--out", str(out))
    assert result.returncode == 2 and "--out" in result.stderr
    assert (out / "notes.txt").read_text(encoding="utf-8") == "keep me"
