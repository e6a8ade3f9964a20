"""No two pieces of text overlap in any built-in's figures (issue 14: place names, track labels
and legends were drawn on top of each other).

Authority: matplotlib's own measure of each drawn text (``Text.get_window_extent`` after a
draw), not the placement code's.  One run per built-in (``views=False``: coverage and
footprints add no text; saturation cut to salvos of 1-4, as in test_scenario_run.py)."""

from __future__ import annotations

import itertools

import pytest

from thaadsim.scenario.loader import builtin_names, load_scenario
from thaadsim.studies.sweep import run_with_sweep

BUILTINS = ["korea-salvo", "china-icbm", "march-2017", "hwasong-15", "saturation"]


def _scenario(name: str):
    sc = load_scenario(name)
    if name == "saturation" and sc.sweep is not None:
        threats = [sc.threats[0].model_copy(update={"count": 4})]
        sc = sc.model_copy(update={"threats": threats, "sweep": sc.sweep.model_copy(update={"counts": [1, 2, 4]})})
    return sc


@pytest.fixture(scope="module")
def results():
    cache: dict = {}

    def get(name):
        if name not in cache:
            cache[name] = run_with_sweep(_scenario(name), runs=2, views=False)[0]
        return cache[name]

    return get


def overlapping_texts(fig) -> list[tuple[str, str]]:
    """Pairs of visible, non-empty texts whose drawn boxes overlap by more than a pixel."""
    from matplotlib.text import Text

    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    boxes = []
    for text in fig.findobj(Text):
        if text.get_visible() and text.get_text().strip() and text.get_alpha() != 0:
            box = text.get_window_extent(renderer)
            if box.width > 0 and box.height > 0:
                boxes.append((text.get_text(), box))
    pairs = []
    for (a, box_a), (b, box_b) in itertools.combinations(boxes, 2):
        dx = min(box_a.x1, box_b.x1) - max(box_a.x0, box_b.x0)
        dy = min(box_a.y1, box_b.y1) - max(box_a.y0, box_b.y0)
        if dx > 1.0 and dy > 1.0:
            pairs.append((a, b))
    return pairs


def test_the_builtins_are_all_here():
    assert set(BUILTINS) <= set(builtin_names())


@pytest.mark.parametrize("name", BUILTINS)
def test_no_text_overlaps_in_a_builtins_figures(results, name):
    from thaadsim.outputs import figures

    result = results(name)
    drawn = {"map": figures.map_figure, "altitude": figures.altitude_figure, "timeline": figures.timeline_figure}
    if result.sweep:
        drawn["sweep"] = figures.sweep_figure
    for kind, draw in drawn.items():
        fig = draw(result)
        assert not overlapping_texts(fig), f"{name} {kind}: {overlapping_texts(fig)}"


def test_the_map_names_targets_assets_and_launch_sites(results):
    """korea-salvo's question is about places: the map names every target and defended asset."""
    from matplotlib.text import Text

    from thaadsim.outputs import figures

    result = results("korea-salvo")
    fig = figures.map_figure(result)
    drawn = " ".join(t.get_text() for t in fig.findobj(Text)).lower()
    for place in ("seoul", "busan", "daegu", "pyeongtaek", "kusong", "sunan", "seongju"):
        assert place in drawn, place


def test_march_2017_radars_differ_on_the_timeline(results):
    """Two radars: their first detections are drawn with different markers and colours."""
    from thaadsim.outputs import figures

    result = results("march-2017")
    fig = figures.timeline_figure(result)
    legend = fig.axes[0].get_legend()
    labels = [t.get_text() for t in legend.get_texts()]
    firsts = [h for h, lab in zip(legend.legend_handles, labels, strict=True) if lab.startswith("first detection:")]
    assert len(firsts) == 2
    assert firsts[0].get_marker() != firsts[1].get_marker()
    assert firsts[0].get_color() != firsts[1].get_color()
