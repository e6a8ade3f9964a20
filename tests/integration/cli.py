"""Run the ``thaadsim`` command as a user does: a separate Python process."""

from __future__ import annotations

import subprocess
import sys


def run(*args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """Run to completion; stdout, stderr and the exit code come back."""
    return subprocess.run([sys.executable, "-m", "thaadsim", *args], capture_output=True, text=True,
                          timeout=timeout)


def start(*args: str) -> subprocess.Popen:
    """Start without waiting (to run two at once)."""
    return subprocess.Popen([sys.executable, "-m", "thaadsim", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def finish(process: subprocess.Popen, timeout: float = 180) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=timeout)
    return process.returncode, out, err
