"""The report's "inside the defended footprint?" test without matplotlib: the even-odd
crossings test of :func:`thaadsim.outputs.answer.point_in_ring`.

Authority: matplotlib's ``Path.contains_point`` (its C++ point-in-path, an independent
implementation that the report used before), on convex, concave and self-crossing rings (the pentagram's centre, wound twice, is
outside by the even-odd rule and inside by the non-zero one)."""

from __future__ import annotations

import numpy as np
import pytest

from thaadsim.outputs.answer import point_in_ring

mpath = pytest.importorskip("matplotlib.path")

RINGS = {
    "square": [(0, 0), (2, 0), (2, 2), (0, 2)],
    "closed square": [(0, 0), (2, 0), (2, 2), (0, 2), (0, 0)],
    "concave (a C)": [(0, 0), (3, 0), (3, 1), (1, 1), (1, 2), (3, 2), (3, 3), (0, 3)],
    "bow tie": [(0, 0), (2, 2), (2, 0), (0, 2)],
    "pentagram (centre wound twice)": [(np.cos(a), np.sin(a)) for a in np.pi / 2 + 4 * np.pi / 5 * np.arange(5)],
    "footprint-like": [(127.5 + 0.8 * np.cos(a) * (1 + 0.3 * np.sin(3 * a)), 36.0 + 0.6 * np.sin(a))
                       for a in np.linspace(0, 2 * np.pi, 97)[:-1]],
}


@pytest.mark.parametrize("name", RINGS)
def test_point_in_ring_agrees_with_matplotlib(name):
    ring = np.asarray(RINGS[name], float)
    lo, hi = ring.min(axis=0) - 0.5, ring.max(axis=0) + 0.5
    points = np.random.default_rng(7).uniform(lo, hi, size=(2000, 2))
    path = mpath.Path(ring)
    ours = np.array([point_in_ring(x, y, ring) for x, y in points])
    theirs = np.array([path.contains_point((x, y)) for x, y in points])
    assert ours.any() and not ours.all()  # both answers occur: the comparison can fail
    assert np.array_equal(ours, theirs)
