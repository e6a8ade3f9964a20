"""`make lint` passes (issue 12, "Lint that a newcomer can run"): ruff with the rules set in
pyproject.toml, mypy on the public-API modules listed there, and the import linter's
contracts. Each runs as a subprocess from the repository root, as the Makefile runs it."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _run(*cmd: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)


def _tool(name: str) -> str:
    exe = shutil.which(name) or str(Path(sys.executable).with_name(name))
    if not Path(exe).exists():
        pytest.fail(f"{name} is not installed: pip install -c constraints.txt -e '.[test]'")
    return exe


def test_make_lint_runs_ruff_mypy_and_the_import_linter():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    target = re.search(r"^lint:\n((?:\t.*\n)+)", makefile, re.M)
    assert target, "Makefile lost its lint target"
    assert [line.strip() for line in target.group(1).splitlines()] == ["ruff check .", "mypy", "lint-imports"]


def test_ruff_finds_nothing():
    result = _run(_tool("ruff"), "check", "--no-cache", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_finds_nothing_in_the_public_api():
    result = _run(sys.executable, "-m", "mypy", "--no-incremental", "--cache-dir", os.devnull)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success" in result.stdout


def test_import_contracts_hold():
    result = _run(_tool("lint-imports"), "--no-cache")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout
