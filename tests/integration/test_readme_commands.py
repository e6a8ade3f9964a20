"""Every ``thaadsim`` command the README shows runs and exits 0 (issue 14: an example there
failed with exit 2 and nobody noticed).

The commands are read from the README's indented lines, so a new example is tested the day
it is written.  ``a|b|c`` runs each alternative and ``[--json]`` runs with and without the
option.  They run in-process (tests/integration/inprocess.py: the real entry point, one
numba load), each in a fresh folder of its own.  Skipped, and only these: the two set-up
lines (``pip install ... && ...``), which install packages and run the whole suite.
``my-scenario.yaml`` stands for the reader's own file: a one-missile scenario is written
for it.  A study's ``--runs N`` is cut to ``STUDY_RUNS``: the test checks that the command
works as written, not the study's size; and ``tcp://host:8786``, the reader's Dask
scheduler, is a scheduler this test starts on loopback.
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


STUDY_RUNS = "2"
READER_SCHEDULER = "tcp://host:8786"


def readme_commands() -> list[list[str]]:
    commands = []
    text = README.read_text(encoding="utf-8").replace("\\\n", " ")  # a command continued on the next line
    for line in text.splitlines():
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
    block = re.search(r"## Set up on a fresh machine\n\n((?:    .*\n)+)", README.read_text(encoding="utf-8"))
    assert block and len(block.group(1).splitlines()) == 2  # the two set-up lines, the only ones not run
    assert all("pip install" in line and not line.strip().startswith("thaadsim") for line in block.group(1).splitlines())
    assert ["sweep", "saturation", "--runs", "100"] in COMMANDS  # a continued line is joined
    assert any(READER_SCHEDULER in c for c in COMMANDS)


class _Stop(Exception):
    pass


def _interrupted_study(folder: Path, args: list[str]) -> None:
    """What ``--resume`` continues: the same study stopped after its first batch of runs."""
    from thaadsim.scenario.loader import load_scenario
    from thaadsim.studies.montecarlo import run_study

    def stop(done, total, what):
        if done:
            raise _Stop

    scenario = load_scenario(folder / args[1])
    out = folder / args[args.index("--out") + 1]
    out.parent.mkdir(parents=True, exist_ok=True)
    with pytest.raises(_Stop):
        run_study(scenario, int(args[args.index("--runs") + 1]), scenario.seed, batch_size=1, out=out, progress=stop)


@pytest.fixture(scope="module")
def scheduler():
    """A Dask scheduler with one in-process worker on loopback, for the README's
    ``--scheduler`` example; started only if a test asks for it."""
    from distributed import LocalCluster

    cluster = LocalCluster(n_workers=1, processes=False, protocol="tcp", host="127.0.0.1", dashboard_address=None)
    yield cluster.scheduler_address
    cluster.close()


@pytest.mark.parametrize("args", [pytest.param(c, id=" ".join(c), marks=[pytest.mark.slow] if c[0] in SLOW else [])
                                  for c in COMMANDS])
def test_readme_command_runs(args, tmp_path, request):
    (tmp_path / "my-scenario.yaml").write_text(MY_SCENARIO, encoding="utf-8")
    if args[0] in ("montecarlo", "sweep"):
        args = [STUDY_RUNS if i and args[i - 1] == "--runs" else a for i, a in enumerate(args)]
        if READER_SCHEDULER in args:
            args = [request.getfixturevalue("scheduler") if a == READER_SCHEDULER else a for a in args]
        if "--resume" in args:
            _interrupted_study(tmp_path, args)
    code, out, err = invoke(*args, cwd=tmp_path)
    assert code == 0, f"thaadsim {' '.join(args)} -> exit {code}: {err.strip()[-400:]}"
    assert "Traceback" not in err
