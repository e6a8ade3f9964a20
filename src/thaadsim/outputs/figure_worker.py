"""The report's figures and trajectories.parquet made in forked processes, beside the rest of a run.

Importing matplotlib and drawing the report's three figures is most of a second and a half
of a warm ``thaadsim run korea-salvo``, all of it after the simulation and none of it
needed by the other files of the run folder; importing pyarrow for the Parquet is another
0.15-0.3 s.  :class:`FigureWorker` forks a process when the command starts: while the
parent imports the simulation's modules and flies the run, the worker imports matplotlib
and pyarrow and draws one small throw-away figure (fonts, Agg, PROJ's database loaded).
When the result is there, the parent sends it (pickled, through a pipe) and goes on
writing summary.json, events.csv, CZML and KML; the worker draws the map and forks once per
other product (figure or Parquet), so that they are made side by side.  The run folder
then gets the bytes back: the report embeds the PNGs, trajectories.parquet is written as
it came.  The parent never imports matplotlib or pyarrow.

The files are the same bytes either way (the same functions make them, from a copy of the
same result); the worker only changes where and when they are made.  When it cannot
be used - no ``fork`` (Windows), not Linux (macOS forbids much after a fork), a worker that
died or raised - :meth:`FigureWorker.collect` returns what it has and the run folder's
writers make the rest in the parent, as they always did: an error of the drawing or
Parquet code is then raised there, with its usual message.

The worker ignores Ctrl-C (the parent handles it for the run) and ends when the parent
closes its pipe, so a run that stops early - bad input, Ctrl-C - leaves no process behind.
"""

from __future__ import annotations

import io
import os
import pickle
import signal
import sys
import threading
from collections.abc import Mapping, Sequence


def _read_all(fd: int) -> bytes:
    chunks = []
    while chunk := os.read(fd, 1 << 20):
        chunks.append(chunk)
    return b"".join(chunks)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


PARQUET = "trajectories.parquet"
"""The product name of the trajectory table's bytes (beside the figure names of
``thaadsim.outputs.report.FIGURES``)."""


def _warm_up() -> None:
    """Import what drawing and the Parquet need and draw once, so the first real figure pays no start-up."""
    import pyarrow.parquet  # noqa: F401 - trajectories.parquet

    import thaadsim.outputs.report  # noqa: F401 - the figures and everything a result unpickles into
    from thaadsim.outputs import figures
    from thaadsim.outputs.figures import Azimuthal

    fig = figures._figure(1.0, 1.0)
    ax = fig.add_axes((0.1, 0.1, 0.8, 0.8))
    ax.plot([0.0, 1.0], [0.0, 1.0], label="warm")
    ax.set_title("warm", fontsize=10)
    ax.legend(fontsize=7)
    figures._png(fig, tight=True)
    Azimuthal(0.0, 0.0).to_map([1.0], [1.0])


def _make(result, names: Sequence[str]) -> dict[str, bytes]:
    from thaadsim.outputs.report import FIGURES
    from thaadsim.outputs.tables import trajectories_parquet

    makers = {**FIGURES, PARQUET: trajectories_parquet}
    return {name: makers[name](result) for name in names}


def _serve(requests: int, answers: int) -> None:
    """The worker's life: warm up, wait for (result, names), draw them, answer, end."""
    _warm_up()
    message = _read_all(requests)
    os.close(requests)
    if not message:  # the parent went on without figures (or stopped): nothing to draw
        return
    result, names = pickle.loads(message)
    helpers = []
    for name in names[1:]:  # one process a product, forked warm: they are made side by side
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(read_fd)
            try:
                _write_all(write_fd, pickle.dumps(_answer(result, [name]), protocol=pickle.HIGHEST_PROTOCOL))
            finally:
                os._exit(0)
        os.close(write_fd)
        helpers.append((pid, read_fd))
    answer = _answer(result, names[:1])
    for pid, read_fd in helpers:
        data = _read_all(read_fd)
        os.close(read_fd)
        os.waitpid(pid, 0)
        if data:
            answer.update(pickle.loads(data))
    _write_all(answers, pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL))


def _answer(result, names: Sequence[str]) -> dict[str, bytes]:
    """name -> bytes of each product made; one whose making raised is left out."""
    answer = {}
    for name in names:
        try:
            answer.update(_make(result, [name]))
        except Exception:  # noqa: BLE001 - the parent makes it again and raises the error there
            pass
    return answer


class FigureWorker:
    """A forked process that draws a run's report figures and makes its Parquet (module doc).
    Use as a context manager around the run; :meth:`submit` the result, then :meth:`collect`
    the bytes."""

    def __init__(self, enabled: bool = True) -> None:
        self.pid: int | None = None
        self._requests: int | None = None
        self._answers: int | None = None
        self._sender: threading.Thread | None = None
        self._collected: dict[str, bytes] | None = None
        if not (enabled and sys.platform.startswith("linux") and hasattr(os, "fork")):
            return
        import thaadsim.outputs.report  # noqa: F401 - before the fork: both processes need it, one imports it

        read_requests, write_requests = os.pipe()
        read_answers, write_answers = os.pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # the worker: never returns into the caller's code
            code = 0
            try:
                signal.signal(signal.SIGINT, signal.SIG_IGN)
                signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the command's handler: no second "interrupted"
                os.close(write_requests)
                os.close(read_answers)
                _serve(read_requests, write_answers)
            except BaseException:  # noqa: BLE001 - the parent draws what is missing itself
                code = 1
            finally:
                os._exit(code)
        os.close(read_requests)
        os.close(write_answers)
        self.pid, self._requests, self._answers = pid, write_requests, read_answers

    @classmethod
    def when_wanted(cls) -> FigureWorker:
        """A worker, or a stand-in that draws nothing - the figures are then drawn in the parent -
        when ``THAADSIM_FIGURE_WORKER=off`` (what a test of one process's imports needs) or when
        the process may run on one CPU only (the worker would only add its own start-up)."""
        wanted = os.environ.get("THAADSIM_FIGURE_WORKER", "on").lower() not in ("off", "0", "no")
        cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
        return cls(enabled=wanted and cpus >= 2)

    def __enter__(self) -> FigureWorker:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()

    def submit(self, result, names: Sequence[str]) -> None:
        """Send the result and the products to make (figure names of
        ``thaadsim.outputs.report.FIGURES``, :data:`PARQUET`); returns at once (a thread feeds
        the pipe)."""
        if self._requests is None:
            return
        message = pickle.dumps((result, list(names)), protocol=pickle.HIGHEST_PROTOCOL)
        fd, self._requests = self._requests, None

        def send() -> None:
            try:
                _write_all(fd, message)
            except OSError:  # the worker is gone: collect() finds no answer
                pass
            finally:
                os.close(fd)

        self._sender = threading.Thread(target=send, name="thaadsim-figures", daemon=True)
        self._sender.start()

    def collect(self) -> Mapping[str, bytes]:
        """The bytes the worker made, by product name (empty when it could not make them);
        waits for the worker the first time, then gives the same answer."""
        if self._collected is None:
            self._collected = self._receive()
        return self._collected

    def _receive(self) -> dict[str, bytes]:
        if self._answers is None or self._sender is None:
            return {}
        fd, self._answers = self._answers, None
        try:
            data = _read_all(fd)
        finally:
            os.close(fd)
        self._sender.join()
        self._reap(kill=False)
        try:
            answer = pickle.load(io.BytesIO(data)) if data else {}
        except Exception:  # noqa: BLE001 - a torn answer: the run folder's writers make it all themselves
            return {}
        return answer if isinstance(answer, dict) else {}

    def close(self) -> None:
        """Stop the worker if it is still there (a run that ended before its figures)."""
        for name in ("_requests", "_answers"):
            fd = getattr(self, name)
            if fd is not None:
                os.close(fd)
                setattr(self, name, None)
        self._reap(kill=True)

    def _reap(self, kill: bool) -> None:
        if self.pid is None:
            return
        pid, self.pid = self.pid, None
        if kill:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        try:
            os.waitpid(pid, 0)
        except ChildProcessError:
            pass


__all__ = ["PARQUET", "FigureWorker"]
