"""report.html: one self-contained page, every figure embedded, every text escaped."""

from __future__ import annotations

import base64
import dataclasses
import re
from html.parser import HTMLParser

import numpy as np
import pytest

pytest.importorskip("matplotlib")
pytest.importorskip("cartopy")

from tests.scenario_example import example_result  # noqa: E402
from thaadsim.earth import frames  # noqa: E402
from thaadsim.outputs import figures  # noqa: E402
from thaadsim.outputs.report import write_report  # noqa: E402
from thaadsim.scenario.result import Event, ObjectPath  # noqa: E402

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


class _PageParser(HTMLParser):
    """Collects what the tests look at: img sources, every src/href, table cells and headings."""

    def __init__(self):
        super().__init__()
        self.images: list[dict] = []
        self.links: list[str] = []
        self.cells: list[str] = []
        self.headings: list[str] = []
        self.scripts = 0
        self._in = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "img":
            self.images.append(attrs)
        if tag == "script":
            self.scripts += 1
        self.links += [value for key, value in attrs.items() if key in ("src", "href") and value is not None]
        if tag in ("td", "h2"):
            self._in = tag
            (self.cells if tag == "td" else self.headings).append("")

    def handle_endtag(self, tag):
        if tag == self._in:
            self._in = None

    def handle_data(self, data):
        if self._in == "td":
            self.cells[-1] += data
        elif self._in == "h2":
            self.headings[-1] += data


def _write(result, tmp_path) -> tuple[str, _PageParser]:
    path = tmp_path / "report.html"
    write_report(result, path)
    text = path.read_text(encoding="utf-8")
    parser = _PageParser()
    parser.feed(text)
    return text, parser


def _decoded_pngs(parser: _PageParser) -> list[bytes]:
    pngs = []
    for image in parser.images:
        match = re.fullmatch(r"data:image/png;base64,([A-Za-z0-9+/=]+)", image["src"])
        assert match, f"image not embedded as a base64 PNG: {image['src'][:60]}"
        pngs.append(base64.b64decode(match.group(1), validate=True))
    return pngs


@pytest.fixture(scope="module")
def example_page(tmp_path_factory):
    return _write(example_result(), tmp_path_factory.mktemp("report"))


def test_every_image_is_an_embedded_png_and_the_three_main_figures_are_there(example_page):
    _, parser = example_page
    pngs = _decoded_pngs(parser)
    assert all(png.startswith(PNG_MAGIC) for png in pngs)
    alts = {image.get("alt") for image in parser.images}
    assert {"map of ground tracks and defences", "altitude against downrange", "engagement timeline"} <= alts
    assert all(len(png) > 5_000 for png in pngs), "a figure this small is blank"


def test_page_reaches_out_to_nothing(example_page):
    text, parser = example_page
    assert parser.links, "the parser saw no src at all: it is not reading the page"
    assert not [link for link in parser.links if not link.startswith("data:")]
    # belt and braces over the raw text, in case an attribute hides from the parser
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", text, re.IGNORECASE)
    assert parser.scripts == 0
    assert "<link" not in text and "@import" not in text and "url(" not in text


def test_outcome_table_has_a_row_per_threat_and_a_totals_row(example_page):
    _, parser = example_page
    result = example_result()
    for row in result.per_threat:
        assert row["object_id"] in parser.cells
    assert "total" in parser.cells
    assert "intercepted" in parser.cells and "leaked" in parser.cells
    assert "never detected" in parser.cells  # T1.2 was never seen


def test_summary_paragraph_answers_the_question(example_page):
    text, _ = example_page
    words, answer = re.search(r'<p class="answer">(.*?)</p>\s*<p class="meta">(.*?)</p>', text, re.S).groups()
    # the question first (which targets the defence protected), then the account in numbers
    assert "Outside what seongju protected in this run: busan (1 of 2 missiles aimed there leaked)" in words
    assert "2 threat missiles" in answer and "intercepted 1" in answer and "1 leaked" in answer
    assert "1 interceptor of an inventory of 48" in answer
    assert "t = 95 s" in answer  # first detection
    assert "t = 336 s" in answer  # first intercept


def test_tables_for_batteries_radars_events_assumptions_and_sources(example_page):
    text, parser = example_page
    for heading in ("Answer", "Altitude against downrange", "Engagement timeline", "Outcome per threat", "Batteries",
                    "Radars", "Events", "Assumptions", "Notes", "Sources"):
        assert heading in parser.headings
    assert "shoot-look-shoot" in parser.cells and "0.80" in parser.cells and "130,000" in parser.cells
    assert "seongju-tpy2" in parser.cells and "700" in parser.cells
    assert "<details>" in text and "interceptor launch" in parser.cells
    assert "assumed" in parser.cells
    assert "Epoch 2017-03-06 00:00:00 UTC" in text and "seed 1" in text


def test_text_from_the_scenario_is_escaped(tmp_path):
    result = example_result()
    hostile = '<script>alert("x")</script>'
    result.per_threat[0]["label"] = hostile
    result.name = "<b>bold</b> & co"
    result.sources = ["see https://example.org/<script>"]
    text, parser = _write(result, tmp_path)
    assert "<script" not in text
    assert hostile in parser.cells  # shown to the reader as text
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; co" in text
    assert "https://example.org/" in text  # a source URL stays readable, as plain text, not a link
    assert not [link for link in parser.links if not link.startswith("data:")]


def test_a_run_with_no_defence_still_writes(tmp_path):
    result = example_result()
    result.radars, result.batteries, result.shots = [], [], []
    result.objects = result.threats()
    result.events = [e for e in result.events if e.event in ("launch", "burnout", "impact")]
    for row in result.per_threat:
        row.update(outcome="not engaged: never tracked", shots=0, intercepted_by=None, intercept_time_s=None,
                   intercept_altitude_km=None)
    result.totals = {"threats": 2, "engaged": 0, "intercepted": 0, "leaked": 2, "interceptors_fired": 0}
    result.assumptions, result.sources, result.notes = [], [], []
    text, parser = _write(result, tmp_path)
    assert len(_decoded_pngs(parser)) == 3
    assert "No interceptor battery" in text and "No radar in this run" in text and "No interceptor was fired" in text
    assert "never detected" in parser.cells


@pytest.mark.parametrize("keep_sites", [True, False])
def test_a_run_with_no_objects_at_all_still_writes(tmp_path, keep_sites):
    result = example_result()
    result.objects, result.events, result.shots, result.per_threat = [], [], [], []
    if not keep_sites:
        result.radars, result.batteries = [], []
    result.totals = {"threats": 0}
    text, parser = _write(result, tmp_path)
    assert len(_decoded_pngs(parser)) == 3
    assert all(png.startswith(PNG_MAGIC) for png in _decoded_pngs(parser))
    assert "0 threat missiles flew" in text


def test_sweep_section_only_when_there_is_a_sweep(example_page, tmp_path):
    _, plain = example_page
    assert "Saturation sweep" not in plain.headings
    result = example_result()
    result.sweep = [{"count": n, "threats": n, "engaged": n, "intercepted": min(n, 12), "leaked": max(n - 12, 0),
                     "interceptors_fired": min(2 * n, 48), "new_key": 0.5} for n in (1, 4, 16, 64)]
    _, parser = _write(result, tmp_path)
    assert "Saturation sweep" in parser.headings
    assert "saturation figure" in {image.get("alt") for image in parser.images}
    assert "64" in parser.cells and "52" in parser.cells  # the 64-missile row: 52 leaked
    assert "0.50" in parser.cells  # a column the writer did not know about is still shown


def test_a_sweep_study_answers_first_and_the_one_run_comes_after(tmp_path):
    """Issue 14: a saturation report's headline must not describe only the file's own salvo.
    With a study's answer, the page's first answer is the study's, the sweep figure follows it,
    and the single run's account is headed as that one run."""
    result = example_result()
    result.sweep = [{"count": n, "threats": n, "intercepted": min(n, 12), "leaked": max(n - 12, 0)} for n in (1, 16)]
    result.sweep_answer = "Leakage into defended assets passes 10% at a salvo of 16 missiles."
    text, parser = _write(result, tmp_path)
    study, one_run = text.index(result.sweep_answer), text.index("One run: the file's own salvo")
    assert study < text.index('alt="saturation figure"') < one_run < text.index("threat missiles flew in this run")
    assert parser.headings.count("Saturation sweep") == 1


def _great_circle_path(object_id, start, end, n=80, apex_m=1200e3) -> ObjectPath:
    """A threat flying along the geodesic from start to end (not physics: drawing only)."""
    azimuth, _, distance = frames.geodesic_inverse(start[0], start[1], end[0], end[1])
    s = np.linspace(0.0, 1.0, n)
    lat, lon, _ = frames.geodesic_forward(np.full(n, start[0]), np.full(n, start[1]), np.full(n, float(azimuth)),
                                          distance * s)
    alt = 4.0 * apex_m * s * (1.0 - s)
    t = 1800.0 * s
    r = frames.geodetic_to_ecef(lat, lon, alt)
    return ObjectPath(object_id, "threat", "icbm", "icbm", t, r, np.gradient(r, t, axis=0), lat, lon, alt, "impact", 0)


def test_a_flight_across_the_antimeridian_is_drawn_about_its_own_centre():
    result = example_result()
    threat = _great_circle_path("T1.1", (39.66, 124.705), (21.3, -157.9))  # toward Hawaii
    result.objects = [threat]
    result.shots, result.per_threat = [], [{"object_id": "T1.1", "outcome": "leaked"}]
    lon = threat.lon_deg
    assert lon.max() > 170 and lon.min() < -170, "the test path must cross the antimeridian"
    rad = np.radians(np.concatenate([lon, [result.radars[0].lon_deg, result.batteries[0].lon_deg]]))
    lat_c, lon_c = figures._map_centre(np.array([0.0, 1.0]), np.degrees(rad))
    assert 150 < lon_c or lon_c < -170, f"centre {lon_c} is on the wrong side of the Earth"
    png = figures.map_png(result)
    assert png.startswith(PNG_MAGIC)


def test_lon_lat_boxes_split_at_the_antimeridian():
    proj = figures.Azimuthal(40.0, 180.0)
    boxes = figures._lon_lat_boxes(proj, [-1000e3, 1000e3, -800e3, 800e3])
    assert len(boxes) == 2
    west, east = sorted(boxes, key=lambda b: b[0])
    assert west[0] == -180.0 and west[2] < -160.0
    assert east[2] == 180.0 and east[0] > 160.0


def test_only_a_map_reaching_round_the_globe_needs_cartopy_to_cut_the_land():
    korea = figures.Azimuthal(36.0, 127.5)
    korea_boxes = figures._lon_lat_boxes(korea, [-600e3, 600e3, -600e3, 600e3])
    assert not figures._reaches_antipode(36.0, 127.5, korea_boxes)
    world = figures.Azimuthal(22.6, 135.0)
    world_boxes = figures._lon_lat_boxes(world, [-9e6, 9e6, -9e6, 13e6])
    assert figures._reaches_antipode(22.6, 135.0, world_boxes)  # the Americas hold the antipode, in Brazil


def test_interceptors_are_matched_to_their_threat_even_without_a_shot_record():
    result = example_result()
    assert figures.interceptor_targets(result) == {"I1": "T1.1"}
    result.shots = []
    assert figures.interceptor_targets(result) == {"I1": "T1.1"}  # from 'at track 3 (T1.1)'
    result.events = [dataclasses.replace(e, detail="at track 9") if e.event == "interceptor_launch" else e
                     for e in result.events]
    assert figures.interceptor_targets(result) == {"I1": None}  # a false track
    assert figures.shot_kills(result) == {"I1": True}  # from the intercept event


def test_outcome_classes_come_from_the_runner_then_the_path():
    result = example_result()
    assert figures.outcome_class(result) == {"T1.1": "intercepted", "T1.2": "leaked"}
    result.per_threat[1]["outcome"] = "not engaged: never tracked"
    assert figures.outcome_class(result)["T1.2"] == "not engaged"
    result.per_threat = []
    assert figures.outcome_class(result) == {"T1.1": "intercepted", "T1.2": "leaked"}


def test_a_shot_at_a_false_track_and_a_miss_still_draw(tmp_path):
    result = example_result()
    result.shots = [dataclasses.replace(result.shots[0], threat_id=None, kill=False, miss_m=35.0)]
    result.events = [dataclasses.replace(e, event="miss") if e.event == "intercept" else e for e in result.events]
    _, parser = _write(result, tmp_path)
    assert "false track" in parser.cells and "miss" in parser.cells
    assert all(png.startswith(PNG_MAGIC) for png in _decoded_pngs(parser))


def test_events_with_kinds_the_timeline_does_not_draw_are_listed_anyway(tmp_path):
    result = example_result()
    result.events = [*result.events, Event(600.0, "burnout", "T1.2", "", detail="<stage 2>")]
    text, parser = _write(result, tmp_path)
    assert "&lt;stage 2&gt;" in text


def test_map_projection_is_cartopys():
    """The map projects through PROJ itself; authority: cartopy's ``AzimuthalEquidistant`` of
    ``PlateCarree`` points (what the map drew before), to a millimetre, both ways, on a map
    across the antimeridian and round a pole as well as over Korea."""
    import cartopy.crs as ccrs

    rng = np.random.default_rng(7)
    for lat_c, lon_c in ((36.8, 126.7), (40.0, 180.0), (85.0, -30.0)):
        ours = figures.Azimuthal(lat_c, lon_c)
        theirs = ccrs.AzimuthalEquidistant(central_longitude=lon_c, central_latitude=lat_c)
        lon, lat = rng.uniform(-180.0, 180.0, 500), rng.uniform(-89.0, 89.0, 500)
        expected = theirs.transform_points(ccrs.PlateCarree(), lon, lat)[:, :2]
        np.testing.assert_allclose(ours.to_map(lon, lat), expected, rtol=0, atol=1e-3)
        near = np.hypot(*expected.T) < 9e6  # back from the map where the inverse is well conditioned
        back = ccrs.PlateCarree().transform_points(theirs, *expected[near].T)[:, :2]
        np.testing.assert_allclose(ours.to_lon_lat(*expected[near].T), back, rtol=0, atol=1e-9)


def test_base_map_from_the_disk_cache_is_the_clipped_layer(tmp_path, monkeypatch):
    """Authority: the layer read and clipped afresh (pyshp and shapely, through cartopy's own
    shapely-to-path conversion) - the cached path arrays must be those, and a damaged entry
    is read again from the shapefile."""
    import shapely
    from cartopy.mpl.path import shapely_to_path

    monkeypatch.setenv("THAADSIM_CACHE_DIR", str(tmp_path))
    box = (124.0, 33.0, 131.0, 40.0)
    fresh = [shapely_to_path(g) for g in figures._natural_earth("50m", "physical", "coastline", shapely.box(*box))]
    first = figures._layer_paths("50m", "physical", "coastline", box)
    (entry,) = (tmp_path / "basemap").glob("*.npz")
    cached = figures._layer_paths("50m", "physical", "coastline", box)
    for vertices, codes, starts in (first, cached):
        assert len(starts) == len(fresh) + 1
        for a, b, path in zip(starts[:-1], starts[1:], fresh, strict=True):
            np.testing.assert_array_equal(vertices[a:b], path.vertices)
            expected = path.codes if path.codes is not None else np.r_[1, np.full(len(path.vertices) - 1, 2)]
            np.testing.assert_array_equal(codes[a:b], expected)
    with np.load(entry) as z:
        parts = {k: z[k] for k in z.files}
    parts["vertices"] = parts["vertices"] + 0.5  # half a degree off, digest unchanged
    np.savez(entry, **parts)
    np.testing.assert_array_equal(figures._layer_paths("50m", "physical", "coastline", box)[0], first[0])
    other = figures._layer_paths("50m", "physical", "coastline", (124.0, 33.0, 132.0, 40.0))
    assert len(list((tmp_path / "basemap").glob("*.npz"))) == 2 and len(other[0]) > len(first[0])
