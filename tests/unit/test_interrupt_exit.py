"""A signal's exit status survives C code that swallows its KeyboardInterrupt.

Authority: the CLI's own contract (issue 11: an interrupted command exits 128 + signal with
one line).  A fresh clone's CI once got a traceback instead: SIGTERM arrived while numba
unpickled a cached kernel, and the handler's KeyboardInterrupt came back as a SystemError."""

from __future__ import annotations

import signal

import pytest

from thaadsim.cli import main


class _Exited(Exception):
    def __init__(self, code: int):
        self.code = code


@pytest.fixture
def exits(monkeypatch):
    monkeypatch.setattr(main.os, "_exit", lambda code: (_ for _ in ()).throw(_Exited(code)))
    monkeypatch.setattr(main, "_install_signal_handlers", lambda: None)
    monkeypatch.setattr(main, "_received", [])
    monkeypatch.setattr(signal, "signal", lambda *a: None)  # _interrupted would ignore later signals for good
    return main


@pytest.mark.parametrize("surfaced_as", [SystemError, RuntimeError, OSError])
def test_an_interrupt_that_surfaces_as_another_error_still_exits_128_plus_signal(exits, monkeypatch, capsys,
                                                                                 surfaced_as):
    def command():
        def interrupted_inside_c_code(**_):
            exits._received.append(signal.SIGTERM)
            raise surfaced_as("<function _numba_unpickle> returned a result with an exception set")
        return interrupted_inside_c_code

    monkeypatch.setattr(exits, "_command", command)
    with pytest.raises(_Exited) as done:
        exits.run()
    assert done.value.code == 128 + signal.SIGTERM
    assert capsys.readouterr().err.strip() == "interrupted by SIGTERM"


def test_the_same_error_without_a_signal_is_not_called_an_interrupt(exits, monkeypatch):
    monkeypatch.setattr(exits, "_command", lambda: (lambda **_: (_ for _ in ()).throw(SystemError("a bug"))))
    with pytest.raises(SystemError):
        exits.run()


def test_the_program_skips_the_last_collection_but_not_what_exit_must_do(tmp_path):
    """Authority: CPython's gc (``get_freeze_count``) and atexit.  The process entry
    (``thaadsim.cli.main.main``) freezes the heap before the interpreter shuts down - on an
    error exit too - while ``atexit`` handlers still run and the exit code is kept; ``run``,
    which tests call many times in one process, freezes nothing."""
    import subprocess
    import sys

    probe = ("import atexit, gc, sys\n"
             "atexit.register(lambda: print('frozen', gc.get_freeze_count() > 0, flush=True))\n"
             "from thaadsim.cli.main import main, run\n"
             "entry = main if sys.argv[1] == 'main' else run\n"
             "sys.argv = ['thaadsim', 'run', 'no-such-scenario']\n"
             "entry()\n")
    for entry, frozen in (("main", True), ("run", False)):
        done = subprocess.run([sys.executable, "-c", probe, entry], capture_output=True, text=True, cwd=tmp_path)
        assert done.returncode == 2, done.stderr
        assert done.stdout.strip() == f"frozen {frozen}"
        assert done.stderr.startswith("error:")
