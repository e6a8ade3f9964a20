"""The `validate` rows for the tracker's stated uncertainty agree, and differ when the
uncertainty is planted wrong.

Authority: the binomial distribution of the number of runs whose error falls inside a
correctly stated uncertainty (``studies.validation_tracking``).
"""

from __future__ import annotations

import numpy as np
import pytest

from thaadsim.studies import validation_tracking as vt
from thaadsim.tracking import scenario_track
from thaadsim.tracking.products import _row


def _rows():
    return vt.tracking_coverage_checks(np.random.default_rng(20170306))


def test_rows_agree_and_are_self_consistency_rows():
    rows = _rows()
    assert [r.status for r in rows] == ["agrees", "agrees"]
    for r in rows:
        assert r.theirs_low < r.theirs < r.theirs_high and r.category == vt.CATEGORY
        assert r.ours_low is None  # one observed fraction, judged against the binomial band


def test_launch_row_catches_a_launch_point_without_the_boost(monkeypatch):
    """Planted: the boost model dropped (the vacuum back-propagation as launch point, as
    before issue 10) - the errors of ~7 km fall outside a ~0.4 km CEP."""
    monkeypatch.setattr(scenario_track, "apply_boost", lambda g, k, b, cep_method="exact": _row(g, k))
    launch, tti = _rows()
    assert launch.status == "differs" and launch.ours < launch.theirs_low
    assert tti.status == "agrees"


def test_time_row_catches_an_overconfident_time_to_impact(monkeypatch):
    """Planted: the class's ln beta sigma understated five-fold."""
    real = scenario_track.condition_on_class_beta

    def narrow(X, P, mean, sigma, *args):
        return real(X, P, mean, 0.2 * sigma, *args)

    monkeypatch.setattr(scenario_track, "condition_on_class_beta", narrow)
    _, tti = _rows()
    assert tti.status == "differs" and tti.ours < tti.theirs_low


@pytest.mark.parametrize("runs", [0])
def test_no_runs_is_an_input_error(runs):
    from thaadsim.errors import InputError

    with pytest.raises(InputError):
        vt.tracking_coverage_checks(np.random.default_rng(1), runs=runs)
