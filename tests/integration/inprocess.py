"""Run the ``thaadsim`` command inside the test process, through the real entry point.

``thaadsim.cli.main.run`` is what the console script calls: the same option limits, error
lines and exit codes as a separate process, without a Python start-up and a numba load per
call - what a fuzz suite of hundreds of inputs needs.  Global state the entry point sets
(signal handlers, warning filters, numpy's error state) is put back after each call.
"""

from __future__ import annotations

import contextlib
import io
import os
import signal
import sys
import traceback
import warnings

import numpy as np


def invoke(*args: str, env: dict[str, str] | None = None, cwd: str | os.PathLike | None = None
           ) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of ``thaadsim ARGS``; an exception that escapes the entry
    point is written to stderr as a traceback and gives exit code 1, as Python would."""
    from thaadsim.cli.main import run

    out, err = io.StringIO(), io.StringIO()
    saved_argv, saved_err = sys.argv, np.geterr()
    saved_signals = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    # --memory-budget-mb sets its variable for the rest of the process: put it back too
    # progress lines (cli/progress.py) are off unless a test asks: the fuzz checks count error lines
    env = {"THAADSIM_PROGRESS": "off", **(env or {})}
    saved_env = {k: os.environ.get(k) for k in [*env, "THAADSIM_MEMORY_BUDGET_MB"]}
    saved_cwd = os.getcwd()
    code = 0
    try:
        os.environ.update(env)
        if cwd is not None:
            os.chdir(cwd)
        sys.argv = ["thaadsim", *args]
        with warnings.catch_warnings(), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                run()
            except SystemExit as done:
                code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
            except BaseException:  # noqa: BLE001 - what a user would see: a traceback, exit 1
                traceback.print_exc(file=err)
                code = 1
    finally:
        sys.argv = saved_argv
        np.seterr(**saved_err)
        for s, handler in saved_signals.items():
            signal.signal(s, handler)
        for k, v in saved_env.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        os.chdir(saved_cwd)
    return code, out.getvalue(), err.getvalue()


def assert_clean_exit(code: int, err: str, *, allowed=(0, 2)) -> None:
    """Exit 0 with nothing on stderr, or exit 2 with exactly one error line; never a traceback."""
    assert "Traceback" not in err, err
    assert code in allowed, (code, err)
    lines = err.splitlines()
    if code == 2:
        assert len(lines) == 1 and lines[0].startswith("error: "), err
    else:
        assert not [line for line in lines if "Warning" in line], err
