"""The ``thaadsim`` command: a thin layer over the public API.

Every user error is a ``ThaadsimError``: it is printed as one line on stderr and the
program exits with code 2, never with a traceback.  Command groups live in their own
modules (``cli/<room>.py``) and are registered here.
"""

from __future__ import annotations

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


def _register() -> None:
    # Imported here so that `thaadsim --help` stays cheap and each room's commands
    # stay in their own module.
    from thaadsim.cli import commands  # noqa: F401


def run() -> None:
    """Console entry point: run the app, turn user errors into one line and exit 2."""
    _register()
    try:
        app(standalone_mode=False)
    except ThaadsimError as error:
        typer.echo(f"error: {error}", err=True)
        sys.exit(2)
    except typer.Exit as done:
        sys.exit(done.exit_code)
    except typer.Abort:
        typer.echo("aborted", err=True)
        sys.exit(1)
    except Exception as error:
        # Click's usage errors (unknown command or option, bad value).  Typer may carry its
        # own copy of click, so recognise them by their interface rather than their class.
        if type(error).__name__ == "NoArgsIsHelpError":  # the help has been shown: nothing went wrong
            sys.exit(0)
        if callable(getattr(error, "format_message", None)) and hasattr(error, "exit_code"):
            typer.echo(f"error: {error.format_message()}", err=True)
            sys.exit(2)
        raise
