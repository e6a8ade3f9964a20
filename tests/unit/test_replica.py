"""A prepared scenario's replicas (the Monte Carlo unit of work) against the whole run.

Authority: :func:`thaadsim.scenario.runner.run_scenario` itself - a replica must be the
same run with its truth flown once, so its summary equals the full run's, seed for seed,
and reusing the prepared truth must not change a later replica (the truth is shared)."""

import json

import numpy as np
import pytest

from thaadsim.scenario.loader import load_scenario
from thaadsim.scenario.runner import prepare, run_replica, run_scenario


@pytest.fixture(scope="module")
def korea():
    return load_scenario("korea-salvo")


@pytest.fixture(scope="module")
def prepared(korea):
    return prepare(korea)


def _summary(result) -> str:
    return json.dumps(result.summary(), sort_keys=True, default=str)


def test_replica_equals_the_whole_run(korea, prepared):
    for seed in (korea.seed, 11):
        assert _summary(run_replica(prepared, seed)) == _summary(run_scenario(korea, seed, views=False))


def test_replicas_share_truth_without_changing_it(prepared):
    before = prepared.truth.states.copy()
    first = _summary(run_replica(prepared, 5))
    run_replica(prepared, 6)
    assert _summary(run_replica(prepared, 5)) == first
    np.testing.assert_array_equal(prepared.truth.states, before)
    with pytest.raises(ValueError):
        prepared.truth.states[0, 0, 0] = 0.0
