"""What a user reads cites published sources or the docs, never the project's internal files
(issue 14: "formulas.md", "shared/reference/...", "../shared/context/article.txt",
"sensors/analyses.py" appeared in help, reports and catalog sources).

Read here: every string of the catalog data (sources, notes), the built-in scenarios'
sources and descriptions, every command's help, and the report's fixed text."""

from __future__ import annotations

import re
from importlib import resources

import pytest
import yaml

from tests.integration.inprocess import invoke

INTERNAL = re.compile(r"formulas\.md|open-literature\.md|shared/|article\.txt|source_checks\.yaml"
                      r"|\b(?:earth|catalog|flight|sensors|tracking|defense|scenario|studies|outputs|cli)/\w+\.py\b")
"""The project's reference sheets and context files, and the package's module paths.  A fitted
value's recipe (``tools/calibrate_missiles.py ...``) names how to reproduce it and stays."""
PENDING: set[str] = set()  # every built-in is checked


def _strings(node):
    if isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)
    elif isinstance(node, str):
        yield node


def test_catalog_data_cites_no_internal_file():
    folder = resources.files("thaadsim.catalog") / "data"
    found = [(entry.name, text) for entry in folder.iterdir() if entry.name.endswith(".yaml")
             for text in _strings(yaml.safe_load(entry.read_text(encoding="utf-8"))) if INTERNAL.search(text)]
    assert not found, found[:5]


def test_builtin_scenarios_cite_no_internal_file():
    from thaadsim.scenario.loader import builtin_names, load_scenario

    found = [(name, text) for name in builtin_names() if name not in PENDING
             for text in [*load_scenario(name).sources, load_scenario(name).description] if INTERNAL.search(text)]
    assert not found, found


def test_help_cites_no_internal_file():
    from thaadsim.cli.main import _command

    def paths(node, prefix):
        yield prefix
        for name, sub in getattr(node, "commands", {}).items():
            yield from paths(sub, [*prefix, name])

    found = []
    for path in paths(_command(), []):
        code, out, err = invoke(*path, "--help", env={"COLUMNS": "300"})
        assert code == 0, (path, err)
        found += [(" ".join(path), m.group()) for m in INTERNAL.finditer(out)]
    assert not found, found


def test_report_text_cites_no_internal_file(tmp_path):
    from tests.scenario_example import example_result
    from thaadsim.outputs.report import render_report

    text = render_report(example_result())
    assert not INTERNAL.search(re.sub(r'src="data:image/png;base64,[^"]*"', "", text))


@pytest.mark.parametrize("text", ["see formulas.md", "../shared/context/article.txt", "sensors/analyses.py"])
def test_the_pattern_catches_what_the_issue_found(text):
    assert INTERNAL.search(text)
