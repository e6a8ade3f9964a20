"""Shared helpers for command output: JSON on stdout, plain tables for people."""

from __future__ import annotations

import json
import math
import os
import sys
from collections.abc import Sequence
from typing import Any

import typer

from thaadsim.errors import InputError


def _clean(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    np = sys.modules.get("numpy")  # a numpy value exists only once numpy is imported: `--help` does without
    if np is not None and isinstance(value, np.ndarray):
        return _clean(value.tolist())
    if np is not None and isinstance(value, np.generic):
        return _clean(value.item())
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def emit_json(payload: Any) -> None:
    """Print ``payload`` as JSON (numpy values converted, NaN/inf as null)."""
    typer.echo(json.dumps(_clean(payload), indent=2, sort_keys=False))


def check_output_file(path: str | os.PathLike, field: str) -> None:
    """Refuse, before any work, a file path that cannot take the output: a folder, a device
    or pipe (``/dev/full``), a missing or unwritable folder.  A full disk can still only be
    found by writing; the entry point reports that in one line too."""
    path = os.path.abspath(path)
    if os.path.isdir(path):
        raise InputError(f"{path} is a folder", field=field, hint="give a file name, e.g. map.png")
    if os.path.exists(path) and not os.path.isfile(path):
        raise InputError(f"{path} is not a regular file (a device or a pipe)", field=field,
                         hint="give a file name in a folder you can write into")
    folder = os.path.dirname(path)
    if not os.path.isdir(folder):
        raise InputError(f"folder {folder} does not exist", field=field, hint="create it first")
    if not os.access(folder, os.W_OK | os.X_OK) or (os.path.exists(path) and not os.access(path, os.W_OK)):
        raise InputError(f"{path} is not writable", field=field, hint="give a file in a folder you can write into")


def format_table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A plain fixed-width table."""
    cells = [[str(h) for h in headers]] + [["" if c is None else str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
