"""User-facing errors: one line that names the field, plus a hint saying how to fix it.

The CLI prints ``str(error)`` without a traceback and exits with code 2.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class ThaadsimError(Exception):
    """Base of every error a user can cause. ``field`` names the input, ``hint`` the fix."""

    def __init__(self, message: str, *, field: str | None = None, hint: str | None = None):
        self.message = message
        self.field = field
        self.hint = hint
        super().__init__(self.__str__())

    def __str__(self) -> str:
        text = f"{self.field}: {self.message}" if self.field else self.message
        if self.hint:
            text += f" — {self.hint}"
        return text


class InputError(ThaadsimError):
    """A value is missing, malformed or out of its physical range."""


class UnknownNameError(ThaadsimError):
    """A catalog key that does not exist; the hint lists the closest known keys."""

    def __init__(self, kind: str, name: str, known: Iterable[str], *, field: str | None = None):
        known = sorted(known)
        close = difflib.get_close_matches(name.lower(), known, n=3, cutoff=0.5)
        if close:
            hint = "did you mean " + " or ".join(f"'{c}'" for c in close) + "?"
        else:
            hint = f"known {kind}s: " + ", ".join(known)
        super().__init__(f"unknown {kind} '{name}'", field=field or kind, hint=hint)


class UnreachableError(ThaadsimError):
    """A requested trajectory or engagement is outside what the physics allows."""


class ConvergenceError(ThaadsimError):
    """A solver did not reach its tolerance; the message says which and by how much."""
