"""The suite's xdist layout (tests/schedule.py): every test once, in shares of worksteal's sizes,
balanced by cost, long tests first, the own-numba-cache tests leading the last share and
the browser tests ending it.

Authority: pytest-xdist's worksteal scheduler (``scheduler/worksteal.py``: idle worker ``i`` of
the ``k`` left gets ``len(pending) // k`` tests) and the order contract in the module doc."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests import schedule


@dataclass(frozen=True)
class Item:
    nodeid: str


def _module(item) -> str:
    return item.nodeid.split("::")[0]


@pytest.fixture()
def costs(monkeypatch):
    table = {"tests/a.py::test_long": 100.0, "tests/b.py::test_mid": 60.0, "tests/c.py::test_mid": 50.0}
    monkeypatch.setattr(schedule, "SECONDS", table)
    monkeypatch.setattr(schedule, "OWN_NUMBA_CACHE", ("tests/d.py::test_own",))
    monkeypatch.setattr(schedule, "BROWSER_LAST", ("tests/b.py",))
    return table


def _collection() -> list[Item]:
    short = [Item(f"tests/s{n}.py::test_{k}") for n in range(6) for k in range(7)]
    return [*short[:10], Item("tests/a.py::test_long"), Item("tests/a.py::test_short"), *short[10:30],
            Item("tests/b.py::test_mid"), Item("tests/d.py::test_own"), Item("tests/c.py::test_mid"), *short[30:]]


@pytest.mark.parametrize("workers", [1, 2, 3])
def test_every_test_once_in_worksteal_shares(costs, workers):
    items = _collection()
    out = schedule.order(items, workers, _module)
    assert sorted(i.nodeid for i in out) == sorted(i.nodeid for i in items)
    assert sum(schedule.shares(len(items), workers)) == len(items)
    assert schedule.shares(47, 2) == [23, 24] and schedule.shares(10, 3) == [3, 3, 4]


def test_shares_are_balanced_and_begin_with_their_long_tests(costs):
    items = _collection()
    out = schedule.order(items, 2, _module)
    first, second = out[:len(items) // 2], out[len(items) // 2:]
    # the own-cache test leads the last share; the longest leads the first and keeps its module
    assert second[0].nodeid == "tests/d.py::test_own" and second[-1].nodeid == "tests/b.py::test_mid"
    assert [i.nodeid for i in first[:2]] == ["tests/a.py::test_long", "tests/a.py::test_short"]
    load = [sum(schedule.cost(i.nodeid) for i in share) for share in (first, second)]
    assert abs(load[0] - load[1]) <= 60.0 + 1.0, load  # greedy: within the largest unit placed second
    # long units first in each share, then the short ones in their collected order
    for share in (first, second):
        short = [i for i in share if schedule.cost(i.nodeid) == schedule.DEFAULT_S and "/s" in i.nodeid]
        assert short == sorted(short, key=items.index)
        assert share[-1] in short or share[-1].nodeid == "tests/b.py::test_mid"


def test_a_test_not_in_the_table_costs_the_default(costs):
    assert schedule.cost("tests/zz.py::test_new[case]") == schedule.DEFAULT_S
    assert schedule.cost("tests/a.py::test_long[case]") == 100.0  # the function's figure for each case
