"""Every ``thaadsim`` command the README shows runs and exits 0 (issue 14: an example there
failed with exit 2 and nobody noticed).

The commands are read from the README's indented lines, so a new example is tested the day
it is written.  ``a|b|c`` runs each alternative and ``[--json]`` runs with and without the
option.  They run in-process (tests/integration/inprocess.py: the real entry point, one
numba load), each in a fresh folder of its own.  Skipped, and only these: the two set-up
lines (``pip install ... && ...``), which install packages and run the whole suite.
``my-scenario.yaml`` stands for the reader's own file: a one-missile scenario is written
for it.
"""

from __future__ import annotations

import itertools
import re
import shlex
from pathlib import Path

import pytest

from tests.integration.inprocess import invoke

README = Path(__file__).resolve().parents[2] / "README.md"

MY_SCENARIO = """\
name: my-scenario
threats:
  - missile: scud-b
    from: sunan
    to: seoul
"""


def _expand(words: list[str]) -> list[list[str]]:
    options = []
    for word in words:
        if word.startswith("[") and word.endswith("]"):
            options.append([[], [word[1:-1]]])
        elif "|" in word:
            options.append([[w] for w in word.split("|")])
        else:
            options.append([[word]])
    return [[w for part in combo for w in part] for combo in itertools.product(*options)]


def readme_commands() -> list[list[str]]:
    commands = []
    for line in README.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^    thaadsim (.*)$", line)
        if not match:
            continue
        text = match.group(1).split("  #")[0].strip()
        commands.extend(_expand(shlex.split(text)))
    return commands


COMMANDS = readme_commands()
SLOW = {"validate", "replay", "run", "infer-range", "analysis", "footprint"}


def test_the_readme_is_read():
    """The parser finds the README's examples (one that found none would pass every test)."""
    firsts = {c[0] for c in COMMANDS}
    assert {"run", "trajectory", "catalog", "engage", "validate", "scenarios"} <= firsts
    assert ["catalog", "radars", "--json"] in COMMANDS and ["catalog", "sites"] in COMMANDS
    setup = [line for line in README.read_text(encoding="utf-8").splitlines() if line.startswith("    pip ")]
    assert len(setup) == 2  # the two set-up lines, the only ones not run


@pytest.mark.parametrize("args", [pytest.param(c, id=" ".join(c), marks=[pytest.mark.slow] if c[0] in SLOW else [])
                                  for c in COMMANDS])
def test_readme_command_runs(args, tmp_path):
    (tmp_path / "my-scenario.yaml").write_text(MY_SCENARIO, encoding="utf-8")
    code, out, err = invoke(*args, cwd=tmp_path)
    assert code == 0, f"thaadsim {' '.join(args)} -> exit {code}: {err.strip()[-400:]}"
    assert "Traceback" not in err
