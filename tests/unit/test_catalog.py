"""The catalog: every number sourced, required keys present, lookups and locations checked."""

from __future__ import annotations

import math

import pytest
from pydantic import BaseModel, ValidationError

from thaadsim.catalog import loader
from thaadsim.catalog.loader import Location, resolve_location
from thaadsim.catalog.records import FlightTest, Missile, Site, Sourced, Stage
from thaadsim.errors import InputError, ThaadsimError, UnknownNameError

REQUIRED_MISSILES = {
    "scud-b", "scud-c", "scud-er", "nodong", "musudan", "pukguksong-2",
    "hwasong-12", "hwasong-14", "hwasong-15", "df-21", "df-31a", "df-41",
}  # fmt: skip
REQUIRED_SITES = {
    "tongchang-ri", "kusong", "sunan", "sinpo", "mupyong-ni", "pyongsong", "seongju",
    "araya", "mutsumi", "shenyang", "tonghua", "daqing", "seoul", "pyeongtaek", "busan",
    "daegu", "tokyo", "guam", "honolulu", "anchorage", "seattle", "los-angeles", "washington",
}  # fmt: skip
REQUIRED_TESTS = {
    "2017-03-06-scud-er": ("scud-er", "tongchang-ri", 4),
    "2017-05-14-hwasong-12": ("hwasong-12", "kusong", 1),
    "2017-07-04-hwasong-14": ("hwasong-14", "kusong", 1),
    "2017-07-28-hwasong-14": ("hwasong-14", "mupyong-ni", 1),
    "2017-08-29-hwasong-12": ("hwasong-12", "sunan", 1),
    "2017-09-15-hwasong-12": ("hwasong-12", "sunan", 1),
    "2017-11-29-hwasong-15": ("hwasong-15", "pyongsong", 1),
}


def _all_records() -> list[BaseModel]:
    return [*loader.sites().values(), *loader.missiles().values(), *loader.flight_tests().values()]


def _walk(obj: object, path: str):
    """Yield (path, value) for every field, descending into records and lists."""
    if isinstance(obj, BaseModel):
        for name in type(obj).model_fields:
            yield from _walk(getattr(obj, name), f"{path}.{name}")
    elif isinstance(obj, list):
        for i, item in enumerate(obj):
            yield from _walk(item, f"{path}[{i}]")
    else:
        yield path, obj


# --------------------------------------------------------------------------- sources


def test_every_number_in_the_catalog_is_sourced():
    checked = 0
    for record in _all_records():
        for path, value in _walk(record, record.key):  # type: ignore[attr-defined]
            if isinstance(value, bool) or not isinstance(value, int | float):
                continue
            # Bare numbers are allowed only as Sourced's own fields, and as a test's count.
            leaf = path.rsplit(".", 1)[-1]
            assert leaf in {"value", "low", "high", "count"}, f"{path} is a bare number without a source"
            checked += 1
    assert checked > 500


def test_every_sourced_value_has_a_nonempty_source_and_assumptions_have_notes():
    count = 0
    for record in _all_records():
        for path, value in _walk_sourced(record, record.key):  # type: ignore[attr-defined]
            count += 1
            assert value.source.strip(), f"{path} has an empty source"
            assert math.isfinite(value.value), path
            if value.assumed:
                assert value.note and value.note.strip(), f"{path} is assumed without a note"
            if value.low is not None:
                assert value.low <= value.value, path
            if value.high is not None:
                assert value.value <= value.high, path
    assert count > 300


def _walk_sourced(obj: object, path: str):
    if isinstance(obj, Sourced):
        yield path, obj
    elif isinstance(obj, BaseModel):
        for name in type(obj).model_fields:
            yield from _walk_sourced(getattr(obj, name), f"{path}.{name}")
    elif isinstance(obj, list):
        for i, item in enumerate(obj):
            yield from _walk_sourced(item, f"{path}[{i}]")


def test_every_missile_numeric_field_is_sourced_explicitly():
    for m in loader.missiles().values():
        for name in ("payload_mass_kg", "rv_beta_kg_m2", "vertical_rise_s", "published_range_km"):
            assert isinstance(getattr(m, name), Sourced), f"{m.key}.{name}"
        for i, stage in enumerate(m.stages):
            for name in Stage.model_fields:
                assert isinstance(getattr(stage, name), Sourced), f"{m.key}.stages[{i}].{name}"


# --------------------------------------------------------------------------- keys


def test_required_keys_are_present():
    assert REQUIRED_MISSILES <= set(loader.missiles())
    assert REQUIRED_SITES <= set(loader.sites())
    assert set(REQUIRED_TESTS) <= set(loader.flight_tests())


def test_keys_are_lowercase_and_hyphenated():
    for table in (loader.sites(), loader.missiles(), loader.flight_tests()):
        for key, record in table.items():
            assert key == record.key
            assert key == key.lower() and " " not in key and "_" not in key


@pytest.mark.parametrize(("key", "expected"), REQUIRED_TESTS.items())
def test_flight_tests_name_their_missile_site_and_count(key, expected):
    test = loader.flight_test(key)
    assert (test.missile, test.site, test.count) == expected
    assert test.date.isoformat() == key[:10]
    assert test.missile in loader.missiles() and test.site in loader.sites()


def test_the_published_2017_figures_are_the_ones_in_the_open_literature():
    # The KCNA figures quoted in reference/open-literature.md, to the digit.
    assert loader.flight_test("2017-05-14-hwasong-12").apogee_km.value == 2111.5
    assert loader.flight_test("2017-07-28-hwasong-14").apogee_km.value == 3724.9
    assert loader.flight_test("2017-07-28-hwasong-14").flight_time_s.value == 47 * 60 + 12  # type: ignore[union-attr]
    assert loader.flight_test("2017-11-29-hwasong-15").apogee_km.value == 4475
    assert loader.flight_test("2017-11-29-hwasong-15").range_km.value == 950


def test_seongju_is_at_680_m_and_the_open_literature_coordinates():
    s = loader.site("seongju")
    assert s.kind == "battery"
    assert s.alt_m.value == 680.0
    assert (s.lat_deg.value, s.lon_deg.value) == (36.0513, 128.2229)


def test_impact_points_lie_at_the_reported_range_from_the_launch_site():
    from pyproj import Geod

    geod = Geod(ellps="WGS84")
    for test in loader.flight_tests().values():
        if test.impact_lat_deg is None:
            continue
        launch = loader.site(test.site)
        _, _, dist_m = geod.inv(
            launch.lon_deg.value, launch.lat_deg.value, test.impact_lon_deg.value, test.impact_lat_deg.value  # type: ignore[union-attr]
        )
        assert dist_m / 1e3 == pytest.approx(test.range_km.value, rel=0.05), test.key


# --------------------------------------------------------------------------- physics of the models


def test_stage_mass_fractions_are_physically_plausible():
    for m in loader.missiles().values():
        for i, stage in enumerate(m.stages):
            p, d = stage.propellant_mass_kg.value, stage.dry_mass_kg.value
            assert 0.6 < p / (p + d) < 0.95, f"{m.key} stage {i + 1}: mass fraction {p / (p + d):.3f}"


def test_stage_models_are_physically_plausible():
    for m in loader.missiles().values():
        assert 1 <= len(m.stages) <= 3
        assert m.stages[0].coast_before_s.value == 0
        for stage in m.stages:
            assert 150 <= stage.isp_sl_s.value <= stage.isp_vac_s.value <= 340
        # A ground-launched missile must lift off: thrust/weight between 1.2 and 3.5.
        assert 1.2 < m.liftoff_thrust_to_weight < 3.5, m.key
        published = m.published_launch_mass_kg
        if published is not None and published.low is not None and published.high is not None:
            assert published.low <= m.launch_mass_kg <= published.high, m.key  # a published band
        elif published is not None:
            assert m.launch_mass_kg == pytest.approx(published.value, rel=0.1), m.key


def test_ideal_speed_gain_is_enough_for_the_published_range():
    # Vacuum Tsiolkovsky speed must exceed the Kepler minimum-energy burnout speed
    # for the published range (surface burnout, sphere): sin(psi/2) = Q/(2-Q).
    mu, r = 3.986004418e14, 6_371_008.8
    for m in loader.missiles().values():
        psi = m.published_range_km.value * 1e3 / r
        s = math.sin(psi / 2)
        q = 2 * s / (1 + s)
        v_kepler = math.sqrt(q * mu / r)
        assert m.ideal_delta_v_vac_m_s > v_kepler, m.key
        # ... and not absurdly more (losses are ~0.5-1.5 km/s).
        assert m.ideal_delta_v_vac_m_s < v_kepler + 3000, m.key


def test_ideal_delta_v_matches_a_hand_calculation_for_scud_b():
    m = loader.missile("scud-b")
    stage = m.stages[0]
    m0 = stage.propellant_mass_kg.value + stage.dry_mass_kg.value + m.payload_mass_kg.value
    mf = m0 - stage.propellant_mass_kg.value
    assert m.ideal_delta_v_vac_m_s == pytest.approx(stage.isp_vac_s.value * 9.80665 * math.log(m0 / mf))
    assert m.launch_mass_kg == pytest.approx(m0)


# --------------------------------------------------------------------------- records reject bad data


def _s(value: float, **kw) -> dict:
    return {"value": value, "source": "test", **kw}


def _stage(**overrides) -> dict:
    base = {
        "propellant_mass_kg": _s(3770),
        "dry_mass_kg": _s(1105),
        "burn_time_s": _s(62),
        "isp_sl_s": _s(226),
        "isp_vac_s": _s(250),
        "diameter_m": _s(0.88),
        "coast_before_s": _s(0),
    }
    base.update(overrides)
    return base


def test_a_valid_stage_loads():
    stage = Stage.model_validate(_stage())
    assert stage.mass_fraction == pytest.approx(3770 / 4875)
    assert stage.thrust_vac_n > stage.thrust_sl_n > 0


@pytest.mark.parametrize(
    "overrides",
    [
        {"propellant_mass_kg": _s(-3770)},
        {"dry_mass_kg": _s(-1)},
        {"dry_mass_kg": _s(0)},
        {"burn_time_s": _s(0)},
        {"isp_sl_s": _s(260), "isp_vac_s": _s(250)},
        {"isp_sl_s": _s(0), "isp_vac_s": _s(250)},
        {"diameter_m": _s(-0.88)},
        {"coast_before_s": _s(-1)},
        {"propellant_mass_kg": {"value": 3770}},  # no source
        {"propellant_mass_kg": _s(3770, low=4000)},  # value outside its band
        {"propellant_mass_kg": _s(3770, assumed=True)},  # assumption without a note
        {"propellant_mass_kg": {"value": 3770, "source": "  "}},  # blank source
        {"propellant_mass_kg": _s(float("nan"))},
        {"thrust_n": _s(1.0)},  # unknown field
    ],
)
def test_records_reject_unphysical_or_unsourced_stages(overrides):
    with pytest.raises(ValidationError):
        Stage.model_validate(_stage(**overrides))


def _missile(**overrides) -> dict:
    base = {
        "key": "test-missile",
        "name": "Test",
        "country": "Nowhere",
        "missile_class": "SRBM",
        "propellant": "liquid",
        "stages": [_stage()],
        "payload_mass_kg": _s(985),
        "rv_beta_kg_m2": _s(5000),
        "vertical_rise_s": _s(5),
        "published_range_km": _s(300, low=280, high=300),
    }
    base.update(overrides)
    return base


def test_a_valid_missile_loads_and_is_frozen():
    m = Missile.model_validate(_missile())
    assert m.launch_mass_kg == pytest.approx(5860)
    with pytest.raises(ValidationError):
        m.key = "other"  # type: ignore[misc]


@pytest.mark.parametrize(
    "overrides",
    [
        {"payload_mass_kg": _s(-985)},
        {"rv_beta_kg_m2": _s(0)},
        {"stages": []},
        {"stages": [_stage()] * 4},
        {"stages": [_stage(coast_before_s=_s(3))]},
        {"key": "Hwasong_15"},
        {"missile_class": "ABM"},
        {"propellant": "hybrid"},
    ],
)
def test_records_reject_bad_missiles(overrides):
    with pytest.raises(ValidationError):
        Missile.model_validate(_missile(**overrides))


def test_site_bare_numbers_need_a_position_source():
    data = {"key": "x", "name": "X", "kind": "city", "country": "Y", "lat_deg": 10.0, "lon_deg": 20.0, "alt_m": 0.0}
    with pytest.raises(ValidationError):
        Site.model_validate(data)
    site = Site.model_validate({**data, "position_source": "atlas"})
    assert site.lat_deg.source == "atlas"
    with pytest.raises(ValidationError):
        Site.model_validate({**data, "position_source": "atlas", "lat_deg": 95.0})
    with pytest.raises(ValidationError):
        Site.model_validate({**data, "position_source": "atlas", "kind": "moon"})


def test_flight_test_needs_both_impact_coordinates():
    data = {
        "key": "2017-01-01-x",
        "date": "2017-01-01",
        "missile": "x",
        "site": "y",
        "apogee_km": _s(100),
        "range_km": _s(300),
        "impact_lat_deg": _s(40),
    }
    with pytest.raises(ValidationError):
        FlightTest.model_validate(data)
    assert FlightTest.model_validate({**data, "impact_lon_deg": _s(130)}).impact_lon_deg.value == 130  # type: ignore[union-attr]


# --------------------------------------------------------------------------- lookups


def test_lookup_is_case_insensitive():
    assert loader.missile("Hwasong-15").key == "hwasong-15"
    assert loader.missile(" HWASONG 15 ").key == "hwasong-15"
    assert loader.site("Seongju").key == "seongju"
    assert loader.flight_test("2017-07-28-Hwasong-14").key == "2017-07-28-hwasong-14"


def test_unknown_missile_gives_a_close_match_hint():
    with pytest.raises(UnknownNameError) as info:
        loader.missile("hwasong15")
    assert isinstance(info.value, ThaadsimError)
    text = str(info.value)
    assert "hwasong15" in text and "'hwasong-15'" in text
    assert "\n" not in text


def test_unknown_site_and_test_raise_unknown_name_error():
    with pytest.raises(UnknownNameError, match="seongju"):
        loader.site("seongjoo")
    with pytest.raises(UnknownNameError):
        loader.flight_test("2017-07-29-hwasong-14")


def test_loaders_return_copies_of_the_cached_tables():
    first = loader.missiles()
    first.pop("scud-b")
    assert "scud-b" in loader.missiles()


def test_flight_tests_are_in_date_order():
    dates = [t.date for t in loader.flight_tests().values()]
    assert dates == sorted(dates)


# --------------------------------------------------------------------------- locations


def test_resolve_location_from_a_site_key():
    loc = resolve_location("Seongju", "--from")
    assert loc == Location(36.0513, 128.2229, 680.0, "seongju")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("39.66,124.705", (39.66, 124.705, 0.0)),
        (" 39.66 , 124.705 ", (39.66, 124.705, 0.0)),
        ("-33.9,151.2,120", (-33.9, 151.2, 120.0)),
        ("21.307,-157.858", (21.307, -157.858, 0.0)),
        ("21.307N,157.858W", (21.307, -157.858, 0.0)),
        ("33.9S,151.2E", (-33.9, 151.2, 0.0)),
        ("90,180", (90.0, 180.0, 0.0)),
    ],
)
def test_resolve_location_from_coordinates(text, expected):
    loc = resolve_location(text, "--to")
    assert (loc.lat_deg, loc.lon_deg, loc.alt_m) == pytest.approx(expected)
    assert loc.label == text.strip()


def test_swapped_coordinates_are_named_as_swapped():
    with pytest.raises(InputError) as info:
        resolve_location("124.705,39.66", "--from")
    text = str(info.value)
    assert text.startswith("--from:") and "swapped" in text and "39.66,124.705" in text
    with pytest.raises(InputError, match="swapped"):
        resolve_location("124.7E,39.66N", "--from")


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "no location"),
        ("39.66;124.705", "cannot read"),
        ("39.66,abc", "cannot read 'abc'"),
        ("39.66,124.705,0,1", "4 comma-separated"),
        ("39.66", "cannot read"),
        ("95,200", "latitude 95"),
        ("39.66,190", "longitude 190"),
        ("39.66,124.705,-1000", "altitude"),
        ("1e999,124", "finite"),
        ("nan,124", "cannot read 'nan'"),
        ("39.66N,124.705N", "hemisphere"),
        ("-33.9S,151.2E", "minus sign"),
    ],
)
def test_malformed_locations_are_input_errors_naming_the_field(text, fragment):
    with pytest.raises(InputError) as info:
        resolve_location(text, "--to")
    message = str(info.value)
    assert message.startswith("--to:")
    assert fragment in message
    assert "\n" not in message


def test_an_unknown_site_name_in_a_location_gets_a_close_match():
    with pytest.raises(UnknownNameError) as info:
        resolve_location("tongchangri", "--from")
    assert "'tongchang-ri'" in str(info.value)
    assert str(info.value).startswith("--from:")


def test_loader_wraps_bad_data_as_a_bug(monkeypatch):
    def broken(_filename):
        return {"missiles": [{"key": "bad", "name": "x"}]}

    monkeypatch.setattr(loader, "_read_yaml", broken)
    with pytest.raises(loader.CatalogDataError, match="bad") as info:
        loader._load("missiles.yaml", "missiles", Missile)
    assert not isinstance(info.value, ThaadsimError)
