"""One progress display for every slow command: on stderr only, never on stdout (``--json`` stays clean).

A command opens ``with progress("replay") as update:`` and passes ``update`` down to the room
function that loops, as its plain ``progress(done, total, label)`` callback (the rooms import
neither the CLI nor rich).  ``total=None`` marks a stage whose length is unknown (``run``'s
steps).  On a terminal the update drives a transient rich bar; when stderr is piped it
writes plain lines ``NAME [  12.3 s] 4/6 label``, none in the first ``delay_s`` (a fast command,
or an input error, prints nothing but its own output) and then one per ``interval_s`` (thousands
of items make a handful of lines; a long step repeats its line), plus each new stage and the
final ``done`` line.
``THAADSIM_PROGRESS=off`` silences it; ``plain`` or ``rich`` forces that display.

While numba compiles a kernel that its disk cache lacks (a first run on a machine), the display
names it beside the stage (:mod:`thaadsim.compiling`): the wait is the compiler's, once.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

from thaadsim import aot, compiling

ENV = "THAADSIM_PROGRESS"
"""``off`` (no progress), ``plain`` (lines even on a terminal), ``rich`` (the bar even when piped), else auto."""
DELAY_S = 2.0
"""No plain line before this: a command that ends sooner does not need one (the issue's ~2 s)."""
INTERVAL_S = 2.0
"""At most one plain line per interval for the items of one stage; a log stays short."""

Update = Callable[[int, "int | None", str], None]


def compile_note(kernel: str | None) -> str:
    """The words shown beside a stage while ``kernel`` compiles ('' when none does), with the reason
    the install's ahead-of-time build did not stand in for it when that is the reason (thaadsim.aot)."""
    if kernel is None:
        return ""
    why = aot.state().short
    return f"; compiling {kernel} (first run on this machine, cached for the next{'; ' + why if why else ''})"


class PlainLines:
    """``progress(done, total, label)`` as periodic lines on a stream; the clock is injectable for tests.

    :meth:`tick` repeats the latest state when a stage runs long without a call (a ticker thread
    calls it), so a long single step still shows a line per interval.
    """

    def __init__(self, name: str, stream: TextIO, *, delay_s: float = DELAY_S, interval_s: float = INTERVAL_S,
                 clock: Callable[[], float] = time.perf_counter) -> None:
        self.name, self.stream, self.delay_s, self.interval_s, self.clock = name, stream, delay_s, interval_s, clock
        self.start = clock()
        self.last_line: float | None = None
        self.last_stage: str | None = None
        self.state: tuple[int, int | None, str] | None = None
        self.kernel: str | None = None
        self.lock = threading.Lock()

    def __call__(self, done: int, total: int | None, label: str) -> None:
        with self.lock:
            now = self.clock()
            stage_changed = total is None and label != self.last_stage
            if total is None:
                self.last_stage = label
            self.state = (done, total, label)
            final = total is not None and done >= total
            if now - self.start < self.delay_s:
                return
            due = self.last_line is None or now - self.last_line >= self.interval_s
            if due or stage_changed or final:
                self._write(now)

    def compiling(self, kernel: str | None) -> None:
        """Name the kernel being compiled beside the stage (None: it is done); a line at once when due."""
        with self.lock:
            self.kernel = kernel
            now = self.clock()
            if kernel is not None and now - self.start >= self.delay_s:
                self.state = self.state or (0, None, "starting")
                self._write(now)

    def tick(self) -> None:
        with self.lock:
            now = self.clock()
            if self.state is None or now - self.start < self.delay_s:
                return
            if self.last_line is None or now - self.last_line >= self.interval_s:
                self._write(now)

    def _write(self, now: float) -> None:
        done, total, label = self.state
        self.last_line = now
        count = "" if total is None else f"{done}/{total} "
        self.stream.write(f"{self.name} [{now - self.start:5.1f} s] {count}{label}{compile_note(self.kernel)}\n")
        self.stream.flush()


@contextmanager
def _rich_bar(name: str) -> Iterator[Update]:
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    with Progress(SpinnerColumn(), TextColumn(name), BarColumn(), MofNCompleteColumn(),
                  TextColumn("{task.description}"), TimeElapsedColumn(),
                  console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("", total=None)
        stages = 0
        shown = {"label": "", "kernel": None}

        def update(done: int, total: int | None, label: str) -> None:
            nonlocal stages
            shown["label"] = label
            description = label + compile_note(shown["kernel"])
            if total is None:  # a stage of unknown length: count the stages, leave the bar open-ended
                stages += 1
                bar.update(task, completed=stages, total=None, description=description)
            else:
                bar.update(task, completed=done, total=total, description=description)

        def kernel(name: str | None) -> None:
            shown["kernel"] = name
            bar.update(task, description=shown["label"] + compile_note(name))

        compiling.watch(kernel)
        try:
            yield update
        finally:
            compiling.unwatch(kernel)


def _mode() -> str:
    chosen = os.environ.get(ENV, "").strip().lower()
    if chosen in ("off", "plain", "rich"):
        return chosen
    return "rich" if sys.stderr.isatty() else "plain"


@contextmanager
def progress(name: str) -> Iterator[Update | None]:
    """The command's progress callback (None when silenced); see the module note."""
    mode = _mode()
    if mode == "off":
        yield None
    elif mode == "rich":
        with _rich_bar(name) as update:
            yield update
    else:
        lines = PlainLines(name, sys.stderr)
        stop = threading.Event()

        def ticker() -> None:
            while not stop.wait(0.25 * INTERVAL_S):
                lines.tick()

        thread = threading.Thread(target=ticker, name="thaadsim-progress", daemon=True)
        thread.start()
        compiling.watch(lines.compiling)
        try:
            yield lines
        finally:
            compiling.unwatch(lines.compiling)
            stop.set()
            thread.join()


def stages(update: Update | None) -> Callable[[str], None] | None:
    """A ``say(stage)`` callback (the scenario runner's) feeding ``update`` as stages of unknown length."""
    if update is None:
        return None
    return lambda message: update(0, None, message)
