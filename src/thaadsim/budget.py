"""The memory a piece of work may take, and the refusal of work that would take more.

Commands and runs estimate their peak memory from their inputs before they start (how
many trajectories, samples, looks, grid points) and call :func:`require` with it, so an
input that would exhaust the machine is refused at once, with the estimate and the
limit in the message, rather than ending in a MemoryError or the kernel's OOM killer
an hour later.

The budget is :data:`DEFAULT_MEMORY_BUDGET_MB` unless the environment variable
``THAADSIM_MEMORY_BUDGET_MB`` says otherwise (the ``--memory-budget-mb`` option of
``thaadsim`` sets it for one command).
"""

from __future__ import annotations

import os

from thaadsim.errors import InputError

DEFAULT_MEMORY_BUDGET_MB = 4096
"""Default peak-memory budget of one command [MiB]."""
ENV = "THAADSIM_MEMORY_BUDGET_MB"

BASE_BYTES = 350 * 2**20
"""Peak memory of a one-missile scenario run, outputs and drawings included: measured
343 MB (issue 11), the interpreter, numpy, numba and matplotlib being most of it."""


def memory_budget_bytes() -> int:
    text = os.environ.get(ENV, "").strip()
    if not text:
        return DEFAULT_MEMORY_BUDGET_MB * 2**20
    try:
        mb = float(text)
    except ValueError:
        raise InputError(f"'{text[:40]}' is not a number of MiB", field=ENV) from None
    if not 64 <= mb <= 2**30:
        raise InputError(f"{text[:40]} MiB", field=ENV, hint="give a budget from 64 MiB up") from None
    return int(mb * 2**20)


def _mb(n: float) -> str:
    return f"{n / 2**20:,.0f} MiB" if n < 10 * 2**30 else f"{n / 2**30:,.0f} GiB"


def require(estimate_bytes: float, what: str, *, field: str, hint: str) -> None:
    """Refuse work whose estimated peak memory exceeds the budget."""
    budget = memory_budget_bytes()
    if not estimate_bytes <= budget:  # also refuses a NaN estimate
        raise InputError(f"{what} would need about {_mb(estimate_bytes)} of memory, over the budget of {_mb(budget)}",
                         field=field, hint=f"{hint}; or raise the budget with {ENV}")


__all__ = ["BASE_BYTES", "DEFAULT_MEMORY_BUDGET_MB", "ENV", "memory_budget_bytes", "require"]
