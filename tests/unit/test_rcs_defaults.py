"""One home for each default cross-section (issue 12): ``catalog/data/rcs.yaml``
``rcs_defaults`` read through ``sensors/rcs.py``. Every consumer takes its value from
there, each default is marked assumed with a band and a reason, and the reason reaches
the outputs. Authority: the catalog file itself (a consumer that re-declares a literal
disagrees with it as soon as the file changes; the planted-value test shows that)."""

from __future__ import annotations

import inspect

import pytest

from thaadsim.errors import UnknownNameError
from thaadsim.sensors import rcs

KINDS = ("reference-target", "warhead", "booster")


@pytest.mark.parametrize("kind", KINDS)
def test_each_default_is_assumed_within_its_band_with_a_reason(kind):
    d = rcs.default_rcs(kind)
    assert d.assumed and d.note and d.source
    assert d.low is not None and d.high is not None and d.low <= d.value <= d.high
    assert rcs.default_rcs_m2(kind) == d.value
    assert d.note in rcs.default_rcs_note(kind) and rcs.default_rcs_note(kind).startswith("ASSUMED default")
    model = rcs.default_model(kind)
    assert model.constant_m2 == d.value and model.assumed and d.note in model.describe()["note"]


def test_an_unknown_kind_names_the_known_ones():
    with pytest.raises(UnknownNameError, match="warhead"):
        rcs.default_rcs("warheads")  # type: ignore[arg-type]


def test_every_consumer_reads_the_one_home():
    from thaadsim.scenario import salvo
    from thaadsim.scenario.schema import Threat
    from thaadsim.sensors import analyses, visibility
    from thaadsim.tracking import scenario_track

    ref = rcs.default_rcs_m2("reference-target")
    assert scenario_track.DEFAULT_RCS_M2 == ref
    # track and engage build a scenario: a threat without its own cross-section takes the schema's
    assert inspect.signature(salvo.track_scenario).parameters["rcs_m2"].default is None
    assert Threat.model_fields["rcs_m2"].default == ref
    assert rcs.default_rcs("reference-target").note in Threat.model_fields["rcs_m2"].description
    assert analyses.MAP_WARHEAD_RCS_M2 == rcs.default_rcs_m2("warhead")
    assert analyses.BOOSTER_RCS_M2 == rcs.default_rcs_m2("booster")
    # the library entry points and the CLI leave the default to the home (None), not a literal
    assert inspect.signature(visibility.visibility).parameters["rcs"].default is None
    assert inspect.signature(analyses.nk_launches).parameters["rcs"].default is None


def test_the_cli_options_default_to_the_home():
    from thaadsim.cli import track_cmds, visibility_cmds

    for fn, names in ((track_cmds.track, ("rcs_m2",)),
                      (visibility_cmds.china_icbm_cmd, ("booster_rcs_m2", "map_rcs_m2"))):
        params = inspect.signature(fn).parameters
        for name in names:
            assert params[name].default is None, f"{fn.__name__} {name} re-declares a default"
    assert visibility_cmds._rcs_model(None, None, field="--rcs-m2", table_field="--rcs-table") == \
        rcs.default_model("warhead")


def test_a_changed_catalog_value_reaches_the_consumers(monkeypatch):
    """Plant: a different value in the home must show in what the consumers build."""
    real = rcs._defaults()
    planted = {k: v.model_copy(update={"rcs_m2": v.rcs_m2.model_copy(update={"value": 0.5, "low": 0.1})})
               for k, v in real.items()}
    monkeypatch.setattr(rcs, "_defaults", lambda: planted)
    assert rcs.default_model("warhead").constant_m2 == 0.5
    from thaadsim.cli import visibility_cmds

    assert visibility_cmds._rcs_model(None, None, field="--rcs-m2", table_field="--rcs-table").constant_m2 == 0.5

