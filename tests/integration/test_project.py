"""The project's own contracts: the CI script runs the README's test command, and the
rooms import one way (the house plan's arrows, as an import-linter contract)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    block = re.search(r"## Set up on a fresh machine\n\n((?:    .*\n)+)", readme)
    assert block, "README lost its set-up block"
    commands = [line.strip() for line in block.group(1).splitlines() if line.strip()]
    assert len(commands) == 2
    ci = (ROOT / ".ci" / "run").read_text()
    assert commands[1] in ci


def test_rooms_import_one_way():
    exe = shutil.which("lint-imports")
    if exe is None:
        pytest.fail("import-linter is a test dependency; lint-imports must be on PATH")
    run = subprocess.run([exe], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout[-2000:]
