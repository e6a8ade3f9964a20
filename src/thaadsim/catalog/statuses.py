"""The check statuses of a cited source, apart from the records so that the command line's
help can name them without building the catalog's models."""

from __future__ import annotations

from typing import Literal, get_args

CheckStatus = Literal["checked", "partly-checked", "not-found", "unchecked", "assumed", "internal"]
"""How a cited source was checked against its document (``catalog/data/source_checks.yaml``
states what each one means)."""

CHECK_STATUSES: tuple[str, ...] = get_args(CheckStatus)

__all__ = ["CHECK_STATUSES", "CheckStatus"]
