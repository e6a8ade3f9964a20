"""Source checks: every citation of the catalog has a record of how it was checked.

Authority: catalog/data/source_checks.yaml, the record of the check of 2026-12-07 of each
cited document (title, year, page or table, and the figures seen in it).  These tests hold
the catalog to it: a number cites only a source whose check is on record, the record says
what was seen, and the outputs (catalog JSON, run assumptions, report) carry the status.
"""

from __future__ import annotations

import json
from importlib import resources

import pytest
import yaml
from pydantic import BaseModel

from thaadsim.catalog import interceptors as interceptor_catalog
from thaadsim.catalog import loader, radars
from thaadsim.catalog.records import CHECK_STATUSES, UNREGISTERED, SourceCheck, Sourced
from thaadsim.scenario.result import Assumption
from thaadsim.sensors import rcs

DATA_FILES = ("sites.yaml", "missiles.yaml", "flight_tests.yaml", "interceptors.yaml", "radars.yaml", "rcs.yaml")


def _document(name: str):
    with resources.files("thaadsim.catalog").joinpath("data", name).open("r", encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def _sourced(obj, path: str):
    """(path, Sourced) for every Sourced inside a loaded record, nested records and lists included."""
    if isinstance(obj, Sourced):
        yield path, obj
    elif isinstance(obj, BaseModel):
        for name in type(obj).model_fields:
            yield from _sourced(getattr(obj, name), f"{path}.{name}")
    elif isinstance(obj, list | tuple):
        for i, item in enumerate(obj):
            yield from _sourced(item, f"{path}[{i}]")


def _all_loaded_records():
    return [*loader.sites().values(), *loader.missiles().values(), *loader.flight_tests().values(),
            *interceptor_catalog.interceptors().values(), *interceptor_catalog.batteries().values(),
            *radars.radars().values(), *rcs.rcs_tables().values()]


@pytest.mark.parametrize("name", DATA_FILES)
def test_every_reference_of_every_data_file_has_a_check_status(name):
    document = _document(name)
    references = document.get("references") or {}
    texts = [v for v in references.values() if isinstance(v, str)]
    assert texts, f"{name} has no references block"
    for text in texts:
        record = loader.source_check(text)
        assert record is not None, f"{name}: reference {text!r} has no check record"
        assert record.status in CHECK_STATUSES


@pytest.mark.parametrize("name", DATA_FILES)
def test_every_source_a_data_file_cites_resolves_unless_the_value_is_assumed(name):
    cited = loader.cited_sources(_document(name))
    assert cited
    for text, assumed in cited:
        assert assumed or loader.source_check(text) is not None, f"{name}: {text!r}"


def test_every_sourced_number_of_the_loaded_catalog_resolves_to_a_status():
    count = 0
    for record in _all_loaded_records():
        for path, value in _sourced(record, record.key):
            status = value.check_status
            assert status in CHECK_STATUSES, f"{path}: {value.source!r} -> {status}"
            if value.assumed:
                assert status == "assumed", path
            count += 1
    assert count > 400  # every catalog: sites, missiles, tests, interceptor, battery, radar, RCS tables


def test_every_check_record_is_cited_by_the_catalog():
    """A record whose texts no data file cites is stale: its citation was rewritten elsewhere."""
    cited = {text for name in DATA_FILES for text, _ in loader.cited_sources(_document(name))}
    stale = sorted(text for text in loader.source_checks() if text not in cited)
    assert not stale, f"check records cite texts no data file uses: {stale}"


def test_checked_records_quote_what_was_seen_and_where():
    records = {r.key: r for r in loader.source_checks().values()}
    for record in records.values():
        if record.status in ("checked", "partly-checked"):
            assert record.where and record.seen.strip() not in ("", "—"), record.key
        if record.status == "partly-checked":
            assert record.not_seen, record.key
    # the ones this check read in full (the published range quotes the radar is calibrated to)
    assert records["uscc2016"].status == "checked" and "2,000 kilometers" in records["uscc2016"].seen
    assert records["lp2012"].status == "checked" and "200 Hz" in records["lp2012"].seen
    assert records["seongju-height"].status == "checked" and "680 meters" in records["seongju-height"].seen
    assert all(r.checked_on.isoformat() == "2026-12-07" for r in records.values())


def test_a_status_per_value_follows_the_source_and_the_assumed_flag():
    seongju = loader.site("seongju")
    assert seongju.alt_m.check_status == "checked"  # Korea Herald, 680 m seen
    assert loader.missile("scud-b").rv_beta_kg_m2.check_status == "assumed"
    assert loader.missile("scud-b").stages[0].coast_before_s.check_status == "internal"
    assert loader.source_status("a text from the command line", False) == UNREGISTERED
    assert loader.source_status("a text from the command line", True) == "assumed"


def _patched_loader(monkeypatch, name: str, mutate):
    """Make the loader read a mutated copy of one data file; caches cleared before and after."""
    original = loader._read_yaml

    def read(filename):
        document = original(filename)
        if filename == name:
            mutate(document)
        return document

    monkeypatch.setattr(loader, "_read_yaml", read)
    loader._sites.cache_clear()
    loader._source_checks.cache_clear()


@pytest.fixture
def clean_caches():
    yield
    loader._sites.cache_clear()
    loader._source_checks.cache_clear()


def test_the_loader_refuses_a_number_citing_an_unchecked_text(monkeypatch, clean_caches):
    def mutate(document):
        document["sites"][0]["position_source"] = "a source nobody checked"

    _patched_loader(monkeypatch, "sites.yaml", mutate)
    with pytest.raises(loader.CatalogDataError, match="a source nobody checked.*source_checks.yaml"):
        loader.sites()


def test_an_assumed_value_may_cite_an_unlisted_text(monkeypatch, clean_caches):
    def mutate(document):
        site = next(s for s in document["sites"] if isinstance(s.get("alt_m"), dict) and s["alt_m"].get("assumed"))
        site["alt_m"] = dict(site["alt_m"], source="an estimate of mine")

    _patched_loader(monkeypatch, "sites.yaml", mutate)
    assert any(s.alt_m.source == "an estimate of mine" for s in loader.sites().values())


def test_the_loader_refuses_a_reference_without_a_check(monkeypatch, clean_caches):
    def mutate(document):
        document["references"]["extra"] = "an uncited but unchecked reference"

    _patched_loader(monkeypatch, "sites.yaml", mutate)
    with pytest.raises(loader.CatalogDataError, match="an uncited but unchecked reference"):
        loader.sites()


def test_the_registry_refuses_a_text_under_two_records(monkeypatch, clean_caches):
    def mutate(document):
        document["sources"]["copy"] = dict(document["sources"]["uscc2016"])

    _patched_loader(monkeypatch, "source_checks.yaml", mutate)
    with pytest.raises(loader.CatalogDataError, match="cited by both"):
        loader.source_checks()


@pytest.mark.parametrize(("changes", "fragment"), [
    ({"status": "checked", "where": None}, "needs 'where'"),
    ({"status": "checked", "seen": "—"}, "needs 'where'"),
    ({"status": "partly-checked", "not_seen": []}, "not_seen"),
    ({"status": "not-found", "discrepancies": []}, "discrepancies"),
    ({"status": "verified"}, "status"),
])
def test_a_check_record_must_say_what_was_seen(changes, fragment):
    base = {"key": "x", "cites": ["t"], "document": "d", "status": "partly-checked", "checked": "figures",
            "seen": "a quote", "where": "a page", "not_seen": ["one figure"], "discrepancies": ["another"],
            "checked_on": "2026-12-07"}
    SourceCheck.model_validate(base)
    with pytest.raises(ValueError, match=fragment):
        SourceCheck.model_validate({**base, **changes})


def test_summary_assumptions_carry_the_check():
    row = Assumption("seongju: alt_m = 680", "Korea Herald 2016-09-30: site at about 680 m elevation", False,
                     "checked")
    assert json.loads(json.dumps(row.as_dict())) == {
        "text": "seongju: alt_m = 680", "source": "Korea Herald 2016-09-30: site at about 680 m elevation",
        "assumed": False, "check": "checked", "group": None}


def test_the_run_assumption_table_gives_every_catalog_figure_its_check():
    """run_assumptions on the korea-salvo battery and radar: each row carries a check, catalog rows
    the status of their source, and the battery's published figures are listed with theirs."""
    from types import SimpleNamespace

    from thaadsim.defense.battery import Battery
    from thaadsim.scenario.assumptions import SCENARIO_FILE, run_assumptions
    from thaadsim.scenario.schema import BatterySpec
    from thaadsim.sensors.radar import RadarModel

    spec = BatterySpec(name="seongju", site="seongju", radar="tpy2")
    scenario = SimpleNamespace(threats=[SimpleNamespace(from_="tongchang-ri", to="36.0,128.0")],
                               radars=[SimpleNamespace(site="seongju")], batteries=[spec])
    battery = Battery.from_catalog(spec.battery)
    group = SimpleNamespace(missile="scud-er", label="scud-er x4", spec=SimpleNamespace(rcs_m2=3.0, swerling=1))
    radar = SimpleNamespace(name="tpy2", model=RadarModel.from_catalog("an-tpy-2", "terminal", boresight_az_deg=300.0))
    rows = run_assumptions(scenario, SimpleNamespace(groups=[group]), [radar],
                           [SimpleNamespace(spec=spec, battery=battery, name="seongju", assets=[])])
    allowed = set(CHECK_STATUSES) | {SCENARIO_FILE}
    assert all(r.check in allowed for r in rows), [r for r in rows if r.check not in allowed]
    by_text = {r.text: r for r in rows}
    uscc = next(r for r in rows if r.text.startswith("thaad: max_range_km"))
    assert uscc.check == "checked" and "2016 Annual Report to Congress" in uscc.source
    assert by_text["scud-er x4: radar cross-section 3 m^2, Swerling 1, constant in flight"].check == SCENARIO_FILE
    assert any(r.text.startswith("radar tpy2: frame_time_s") and r.check == "assumed" for r in rows)
    assert next(r for r in rows if r.text.startswith("radar tpy2: boresight_az_deg = 300")).check == SCENARIO_FILE
    assert {r.check for r in rows if r.assumed} == {"assumed"}
    sites = [r for r in rows if r.text.startswith("site ")]
    assert [r.text.split(":")[0] for r in sites] == ["site tongchang-ri"] * 3 + ["site seongju"] * 3
    assert next(r for r in sites if r.text.startswith("site seongju: alt_m = 680")).check == "checked"


def test_the_report_assumption_table_has_a_source_check_column():
    pytest.importorskip("matplotlib")
    from tests.scenario_example import example_result
    from thaadsim.outputs import report

    result = example_result()
    result.assumptions.append(Assumption("hand-made row", "nowhere", False))
    html_table = report._assumptions_section(result)
    assert report.ASSUMPTION_HEADERS[-1] == "source check"
    assert "<th>source check</th>" in html_table
    assert "Source checks of these 4 rows: 2 assumed, 1 checked, 1 not stated." in html_table
    cells = html_table.split("<tbody>")[1]
    assert cells.count("<tr>") == len(result.assumptions)
    for a in result.assumptions:
        row = cells.split(a.text, 1)[1].split("</tr>", 1)[0]
        assert f"<td>{a.check if a.check is not None else 'not stated'}</td>" in row
