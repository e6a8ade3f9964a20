"""The ``thaadsim`` command: a thin layer over the public API.

Every user error is a ``ThaadsimError``: it is printed as one line on stderr and the
program exits with code 2, never with a traceback.  Command groups live in their own
modules (``cli/<room>.py``) and are registered here.

Interrupts: Ctrl-C (SIGINT) exits with 130 and SIGTERM (``kill``, ``timeout``, batch
schedulers) with 143, the shell's 128 + signal number, each with one line on stderr;
both unwind through the writers' clean-up, so no half-written output is left.  A file
size limit (``ulimit -f``) makes a write fail (EFBIG, reported like a full disk) instead
of killing the process with SIGXFSZ.  An operating-system error that reaches the top
(a full disk, a read-only folder) is one line and exit 2, like a bad input.
"""

from __future__ import annotations

import gc
import os
import re
import signal
import sys

import typer

from thaadsim.errors import ThaadsimError

app = typer.Typer(
    name="thaadsim",
    help="Open, physics-based simulator of a THAAD-type missile-defence system.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _options(
    memory_budget_mb: float | None = typer.Option(
        None, "--memory-budget-mb", help="Peak memory this command may use [MiB]; work estimated to need more is "
        "refused before it starts (default 4096, or THAADSIM_MEMORY_BUDGET_MB)."),
    version: bool = typer.Option(
        False, "--version", is_eager=True, callback=lambda shown: _version() if shown else None,
        help="Print thaadsim's version and whether the install's ahead-of-time kernels are in use, and exit."),
) -> None:
    """Open, physics-based simulator of a THAAD-type missile-defence system."""
    if memory_budget_mb is not None:
        import math
        import os

        from thaadsim.budget import ENV

        if not (math.isfinite(memory_budget_mb) and 64 <= memory_budget_mb <= 2**30):
            raise ThaadsimError(f"{memory_budget_mb:g} MiB", field="--memory-budget-mb",
                                hint="give a budget from 64 MiB up")
        os.environ[ENV] = repr(float(memory_budget_mb))  # read by thaadsim.budget wherever work is sized


def _version() -> None:
    from importlib.metadata import version

    from thaadsim import __version__, aot

    typer.echo(f"thaadsim {__version__} (numba {version('numba')}, numpy {version('numpy')}); {aot.state().line()}")
    raise typer.Exit()


def _register() -> None:
    # Imported here so that `thaadsim --help` stays cheap and each room's commands
    # stay in their own module.
    from thaadsim.cli import commands  # noqa: F401


def _command():
    """The Click command of the app, every numeric option behind its physical limit
    (``cli/options.py`` LIMITS): NaN, infinities and absurd values never reach a command."""
    from thaadsim.cli.options import apply_limits

    _register()
    command = typer.main.get_command(app)
    apply_limits(command)
    return command


def _quiet_warnings() -> None:
    """Library warnings are not shown to the user.

    Every number a user gives is range-checked before the work starts (option limits, the
    scenario schema), so a numpy floating-point warning left is a benign edge of a vectorised
    computation (a log of zero power off the face, a NaN-padded sample) whose result is
    masked afterwards, and matplotlib's are about fonts and layout.  Neither is for the user
    to act on; ``THAADSIM_WARNINGS=1`` shows them (for developers).
    """
    import os
    import warnings

    if os.environ.get("THAADSIM_WARNINGS") != "1":
        # numpy reports floating-point trouble as RuntimeWarning through this same filter
        # (its default error mode is 'warn'), so numpy need not be imported here: a command
        # that never uses it (`--help`, `catalog`) starts without it.
        warnings.simplefilter("ignore")


MAX_ERROR_CHARS = 2000
"""An error line longer than this is cut (an echoed input can be megabytes)."""


def _one_line(message: str) -> str:
    """The error as one readable line: a long number by its digit count, line breaks as
    spaces, other control characters and lone surrogates escaped, and at most
    :data:`MAX_ERROR_CHARS` characters."""
    text = re.sub(r"\d{25,}", lambda m: f"<{len(m.group())}-digit number>", " ".join(message.splitlines()))
    # an echoed input may hold control characters (a terminal escape) or lone surrogates
    # (which no stream can encode): shown as escapes
    text = re.sub(r"[\x00-\x1f\x7f-\x9f]", lambda m: f"\\x{ord(m.group()):02x}", text)
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text if len(text) <= MAX_ERROR_CHARS else text[: MAX_ERROR_CHARS - 1] + "…"


_received: list[int] = []  # the signal that interrupted the run, if any


def _interrupt(signum, frame) -> None:
    # Unwind as Ctrl-C does, so that every ``finally`` and clean-up runs; the signal is
    # remembered for the exit code.
    _received.append(signum)
    raise KeyboardInterrupt


def _install_signal_handlers() -> None:
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    if hasattr(signal, "SIGXFSZ"):
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)


def _interrupted() -> None:
    # Every clean-up has run while the interrupt unwound the stack.  Exit at once: a second
    # signal, or an interrupt re-raised during interpreter shutdown, would otherwise turn the
    # exit status into death by SIGINT (-2) instead of the promised 128 + signal number.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    signum = _received[0] if _received else signal.SIGINT
    typer.echo(f"interrupted by {signal.Signals(signum).name}", err=True)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(128 + signum)


def main() -> None:
    """The ``thaadsim`` program (console script and ``python -m thaadsim``): :func:`run`, then
    a process exit that skips the garbage collector's last pass over every object.

    At interpreter shutdown CPython collects cycles among everything still alive - after a
    ``run korea-salvo`` numba's and LLVM's objects, the catalog's models, the simulation's
    arrays: measured 0.25-0.35 s of a ~2.2 s warm run, for memory the operating system takes
    back anyway.  ``gc.freeze()`` moves them to the permanent generation, which that pass
    skips.  What must happen at exit still does: ``atexit`` handlers and ``weakref.finalize``
    callbacks (temporary folders) run, and the standard streams are flushed; every file the
    program writes is closed by the code that writes it.  Only the process entry does this:
    :func:`run` is also called many times in one process (tests), where frozen garbage would
    stay for the life of the process."""
    try:
        run()
    finally:
        gc.freeze()


def run() -> None:
    """Run the app, turn user errors into one line and exit 2 (the program is :func:`main`)."""
    _install_signal_handlers()
    _quiet_warnings()
    try:
        code = _command()(standalone_mode=False)
    except KeyboardInterrupt:
        _interrupted()
    except ThaadsimError as error:
        typer.echo(_one_line(f"error: {error}"), err=True)
        sys.exit(2)
    except typer.Exit as done:
        sys.exit(done.exit_code)
    except typer.Abort:
        typer.echo("aborted", err=True)
        sys.exit(1)
    except OSError as error:
        if _received:
            _interrupted()
        where = f": {error.filename}" if error.filename else ""
        typer.echo(_one_line(f"error: {error.strerror or error}{where}"), err=True)
        sys.exit(2)
    except Exception as error:
        if _received:
            # the signal's KeyboardInterrupt surfaced as another error: raised inside C code
            # (numba's unpickling of a cached kernel) it comes back as a SystemError chain
            _interrupted()
        # Click's usage errors (unknown command or option, bad value).  Typer may carry its
        # own copy of click, so recognise them by their interface rather than their class.
        if type(error).__name__ == "NoArgsIsHelpError":  # the help has been shown: nothing went wrong
            sys.exit(0)
        if callable(getattr(error, "format_message", None)) and hasattr(error, "exit_code"):
            typer.echo(_one_line(f"error: {error.format_message()}"), err=True)
            sys.exit(2)
        raise
    # Without standalone mode Typer returns, not raises, the code of an Exit - among them
    # the 130 it turns a KeyboardInterrupt into.
    if isinstance(code, int) and code:
        if code == 130:
            _interrupted()
        sys.exit(code)
