"""Run the ``thaadsim`` command as a user does: a separate Python process.

No wall-clock timeouts: a busy or slow machine (a first numba compile, two runs at
once on two cores) must not fail a test that would pass; a hung command is left to
the test runner's own limits.
"""

from __future__ import annotations

import subprocess
import sys


def run(*args: str, **popen) -> subprocess.CompletedProcess[str]:
    """Run to completion; stdout, stderr and the exit code come back."""
    return subprocess.run([sys.executable, "-m", "thaadsim", *args], capture_output=True, text=True, **popen)


def start(*args: str, **popen) -> subprocess.Popen:
    """Start without waiting (to run two at once)."""
    return subprocess.Popen([sys.executable, "-m", "thaadsim", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, **popen)


def finish(process: subprocess.Popen) -> tuple[int, str, str]:
    out, err = process.communicate()
    return process.returncode, out, err
