"""Who is told when a kernel compiles: numba-free, so that the command line can listen without importing numba.

A kernel missing from numba's disk cache is compiled on its first call, which on a fresh machine
makes a command's first run tens of seconds slower than the next (``thaadsim run korea-salvo``:
~40 s against ~1.5 s on 2 cores).  :mod:`thaadsim.jit` forwards numba's ``numba:compile`` events
here: :func:`notify` with the outermost kernel's name when its compile starts and None when it
ends.  A cache load is not a compile (numba raises the event only on a miss), so a warm run says
nothing.  The command line's progress display (``cli.progress``) shows the name beside the stage,
so that the wait is explained instead of looking like a stalled stage.
"""

from __future__ import annotations

import os
from collections.abc import Callable

Watcher = Callable[[str | None], None]

_watchers: dict[Watcher, int] = {}
"""Each watcher with the process it was added in: a forked child (the figure worker) compiles on
its own, and its compiles are not the parent's display's to report."""


def watch(watcher: Watcher) -> None:
    """Call ``watcher(kernel)`` at each outermost compile's start and ``watcher(None)`` at its end."""
    _watchers[watcher] = os.getpid()


def unwatch(watcher: Watcher) -> None:
    _watchers.pop(watcher, None)


def notify(kernel: str | None) -> None:
    pid = os.getpid()
    for watcher, owner in list(_watchers.items()):
        if owner == pid:
            watcher(kernel)
