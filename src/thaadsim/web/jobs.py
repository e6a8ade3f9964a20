"""Runs requested through the web app: queued, executed off the request thread, limited,
cancellable.

Each run is one child process (``forkserver``: forked from a clean process that has
imported the scenario runner once, so a run starts in well under a second and the
server's threads are never forked).  A process, not a thread, because a run can then be
stopped - cancelled by the user, or past :attr:`Limits.run_s` - at any point of its
numba kernels, and its memory goes back to the system when it ends.  The child runs
``thaadsim.studies.sweep.run_with_sweep`` (the runner, and a sweep block's study, as
``thaadsim run`` does) and writes its folder with the CLI's writers
(:func:`thaadsim.outputs.bundle.write_folder`: all or nothing, under a lock); a stopped
child unwinds through the writer's clean-up (SIGTERM is turned into the interrupt the CLI
uses), so no half-written folder is left.

Run folders are ``<runs root>/<id>``, the id made here (hex): no path from a request is
ever opened.  A Monte Carlo study is another kind of job on the same queue
(:func:`study_child`), under the same limits, cancellation and run time.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import secrets
import shutil
import signal
import threading
import time
from collections import OrderedDict
from pathlib import Path

from thaadsim.errors import ThaadsimError

STATUSES = ("queued", "running", "done", "failed")
"""A cancelled or stopped run is 'failed', its error saying so."""


@dataclasses.dataclass(frozen=True)
class Limits:
    """What one server lets its requests use (``thaadsim serve`` options)."""

    request_bytes: int = 256 * 1024
    """Largest request body [bytes] (a scenario is a few KiB of YAML)."""
    missiles: int = 128
    """Most threat missiles in one run, a sweep's largest salvo included [-]."""
    concurrent_runs: int = 2
    """Runs executing at once (each one process) [-]."""
    queued_runs: int = 16
    """Runs waiting beyond those; more are refused with 429 [-]."""
    run_s: float = 300.0
    """Longest a run may execute before it is stopped [s]."""
    kept_runs: int = 64
    """Finished runs kept (their folders); the oldest beyond are removed [-]."""
    uploads: int = 64
    """Uploaded scenarios kept [-]."""
    study_runs: int = 200
    """Most runs in one Monte Carlo study (each study is one job of the queue, under ``run_s``) [-]."""


@dataclasses.dataclass
class Job:
    id: str
    scenario: str
    """The scenario's name (for the pages)."""
    text: str
    """The scenario's YAML text, as validated."""
    label: str
    """How errors name the scenario (a built-in's file name, or '<uploaded NAME>')."""
    seed: int | None
    kind: str = "run"
    """'run' or 'study'."""
    runs: int | None = None
    """A study's number of runs."""
    status: str = "queued"
    progress: str = ""
    error: dict | None = None
    summary: dict | None = None
    created: float = dataclasses.field(default_factory=time.time)
    started: float | None = None
    finished: float | None = None
    cancel: threading.Event = dataclasses.field(default_factory=threading.Event)
    process: object = None
    """The worker process while it runs."""

    def public(self) -> dict:
        now = time.time()
        seed = self.summary["seed"] if self.summary else self.seed  # a done run's: the one it used
        return {"id": self.id, "scenario": self.scenario, "seed": seed, "runs": self.runs, "status": self.status,
                "progress": self.progress, "summary": self.summary, "error": self.error,
                "elapsed_s": round((self.finished or now) - (self.started or now), 3) if self.started else 0.0}


def error_record(error: BaseException) -> dict:
    """A failure as the API reports it: the one-line message, the field and the line."""
    if isinstance(error, ThaadsimError):
        return {"message": str(error), "field": error.field, "line": getattr(error, "line", None),
                "hint": error.hint}
    return {"message": f"internal error: {type(error).__name__}: {error}", "field": None, "line": None, "hint": None}


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def run_child(text: str, label: str, seed: int | None, out_dir: str, conn) -> None:
    """The child process's work: run the scenario, write its folder, report over ``conn``
    ('progress', text), then one ('done', summary) or ('failed', error record)."""
    signal.signal(signal.SIGTERM, _interrupt)  # unwind through write_bundle's clean-up
    signal.signal(signal.SIGINT, _interrupt)
    import json
    import warnings

    import numpy as np

    from thaadsim.outputs.bundle import run_writers, write_folder
    from thaadsim.outputs.study_report import sweep_writers
    from thaadsim.scenario.loader import locate_error_in_text, parse_scenario
    from thaadsim.studies.sweep import run_with_sweep

    warnings.simplefilter("ignore")  # as the CLI: every input is range-checked, see cli/main.py
    np.seterr(all="ignore")
    try:
        spec = parse_scenario(text, label)
        try:
            # a sweep block is a study, as `thaadsim run` plays it (studies/sweep.py)
            result, study = run_with_sweep(
                spec, seed, progress=lambda message: conn.send(("progress", str(message))),
                study_progress=lambda done, total, what: conn.send(("progress", f"sweep {done}/{total} {what}")))
            conn.send(("progress", "writing the report, tables and CZML/KML"))
            writers = run_writers(result)
            if study is not None:
                writers |= sweep_writers(study, result.assumptions)
            write_folder(Path(out_dir), writers)
        except ThaadsimError as error:
            raise locate_error_in_text(text, label, error) from None
        conn.send(("done", json.loads((Path(out_dir) / "summary.json").read_text(encoding="utf-8"))))
    except KeyboardInterrupt:
        conn.send(("failed", {"message": "cancelled", "field": None, "line": None, "hint": None}))
    except BaseException as error:  # everything goes back to the server, nothing is printed here
        conn.send(("failed", error_record(error)))
    finally:
        conn.close()


def study_child(text: str, label: str, seed: int | None, out_dir: str, conn, *, runs: int) -> None:
    """A Monte Carlo study's work (:func:`thaadsim.studies.montecarlo.run_study`, in this
    process): the same messages as :func:`run_child`, its summary that of summary.json.  The
    study folder (runs.parquet, summary.json, convergence.png) is written all or nothing."""
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, _interrupt)
    import json
    import warnings

    import numpy as np

    from thaadsim.outputs.bundle import write_folder
    from thaadsim.scenario.loader import locate_error_in_text, parse_scenario
    from thaadsim.scenario.runner import preflight
    from thaadsim.studies import montecarlo as mc
    from thaadsim.studies.montecarlo_plots import convergence_figure

    warnings.simplefilter("ignore")
    np.seterr(all="ignore")
    started = False
    try:
        spec = parse_scenario(text, label)
        seed = spec.seed if seed is None else seed
        try:
            preflight(spec, seed)  # a geometry no missile can fly: found before the first run, as the CLI does
            started = True
            result = mc.run_study(spec, runs, seed, out=out_dir, progress=lambda done, total, what: conn.send(
                ("progress", f"{done}/{total} {what}")))
        except ThaadsimError as error:
            raise locate_error_in_text(text, label, error) from None
        conn.send(("progress", f"{runs}/{runs} writing runs.parquet, summary.json and convergence.png"))
        text_json = mc.summary_text(result.summary)
        write_folder(Path(out_dir), {
            "runs.parquet": lambda path: mc.write_parquet(result.table, path),
            "summary.json": lambda path: path.write_text(text_json, encoding="utf-8"),
            "convergence.png": lambda path: convergence_figure(
                result.table, path, f"{spec.name}: P(no leak) against runs (seed {seed})"),
        })
        conn.send(("done", json.loads(text_json)))
    except KeyboardInterrupt:
        conn.send(("failed", {"message": "cancelled", "field": None, "line": None, "hint": None}))
    except BaseException as error:
        conn.send(("failed", error_record(error)))
    finally:
        if started:
            mc.finish_parts(out_dir)  # a stopped web study is not resumed: its batches go
        conn.close()


class Busy(Exception):
    """The queue is full (HTTP 429)."""


class RunManager:
    """The queue of runs, their worker processes and their folders (module doc)."""

    def __init__(self, runs_root: Path, limits: Limits, work=run_child, study_work=study_child):
        self.root = Path(runs_root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.limits = limits
        self.work, self.study_work = work, study_work
        self.jobs: OrderedDict[str, Job] = OrderedDict()
        self.lock = threading.Lock()
        self.slots = threading.BoundedSemaphore(limits.concurrent_runs)
        self.context = multiprocessing.get_context("forkserver")
        self.context.set_forkserver_preload(["thaadsim.web.jobs", "thaadsim.scenario.runner",
                                             "thaadsim.outputs.bundle", "thaadsim.studies.montecarlo"])
        self.closed = False

    def folder(self, job_id: str) -> Path:
        return self.root / job_id

    def submit(self, scenario: str, text: str, label: str, seed: int | None, runs: int | None = None) -> Job:
        """Queue a run, or a Monte Carlo study of ``runs`` runs."""
        with self.lock:
            waiting = sum(1 for j in self.jobs.values() if j.status in ("queued", "running"))
            if waiting >= self.limits.concurrent_runs + self.limits.queued_runs:
                raise Busy(f"{waiting} runs are queued or running, the most this server takes")
            job = Job(secrets.token_hex(8), scenario, text, label, seed,
                      kind="run" if runs is None else "study", runs=runs)
            self.jobs[job.id] = job
            self._forget_old()
        threading.Thread(target=self._execute, args=(job,), name=f"run-{job.id}", daemon=True).start()
        return job

    def get(self, job_id: str, kind: str = "run") -> Job | None:
        with self.lock:
            job = self.jobs.get(job_id)
        return job if job is not None and job.kind == kind else None

    def list(self, kind: str | None = None) -> list[Job]:
        with self.lock:
            return [j for j in self.jobs.values() if kind is None or j.kind == kind]

    def cancel(self, job_id: str, kind: str = "run") -> Job | None:
        job = self.get(job_id, kind)
        if job is not None and job.status in ("queued", "running"):
            job.cancel.set()
        return job

    def close(self) -> None:
        """Cancel every run and stop its process before returning (the server is going)."""
        self.closed = True
        jobs = self.list()
        for job in jobs:
            job.cancel.set()
        for job in jobs:
            process = job.process
            if process is not None and process.is_alive():
                self._stop(process)

    def _forget_old(self) -> None:
        finished = [j for j in self.jobs.values() if j.status in ("done", "failed")]
        for job in finished[: max(0, len(finished) - self.limits.kept_runs)]:
            del self.jobs[job.id]
            folder = self.folder(job.id)
            if folder.is_dir():  # a folder this server made, named by an id it made
                shutil.rmtree(folder, ignore_errors=True)

    def _finish(self, job: Job, status: str, error: dict | None = None, summary: dict | None = None) -> None:
        job.status, job.error, job.summary, job.finished = status, error, summary, time.time()

    def _execute(self, job: Job) -> None:
        while not self.slots.acquire(timeout=0.2):
            if job.cancel.is_set():
                self._finish(job, "failed", {"message": "cancelled before it started", "field": None,
                                                "line": None, "hint": None})
                return
        try:
            if job.cancel.is_set():
                self._finish(job, "failed", {"message": "cancelled before it started", "field": None,
                                                "line": None, "hint": None})
                return
            job.status, job.started = "running", time.time()
            receive, send = self.context.Pipe(duplex=False)
            work, extra = (self.work, {}) if job.kind == "run" else (self.study_work, {"runs": job.runs})
            process = self.context.Process(target=work, args=(job.text, job.label, job.seed,
                                                              str(self.folder(job.id)), send), kwargs=extra,
                                           daemon=True)
            process.start()
            job.process = process
            send.close()
            self._watch(job, process, receive)
        except Exception as error:  # the process could not start (no memory, no fork)
            self._finish(job, "failed", error_record(error))
        finally:
            self.slots.release()

    def _watch(self, job: Job, process, receive) -> None:
        deadline = job.started + self.limits.run_s
        outcome: tuple | None = None
        stop_reason = None
        while outcome is None:
            if job.cancel.is_set() or time.time() > deadline:
                stop_reason = "cancelled" if job.cancel.is_set() else (
                    f"stopped after {self.limits.run_s:g} s, the longest run this server allows")
                self._stop(process)
                break
            try:
                ready = receive.poll(0.2)
            except (OSError, EOFError):
                ready = False
            if ready:
                try:
                    kind, payload = receive.recv()
                except (EOFError, OSError):
                    if not process.is_alive():
                        break
                    continue
                if kind == "progress":
                    job.progress = payload
                else:
                    outcome = (kind, payload)
            elif not process.is_alive() and not receive.poll(0):
                break
        process.join(timeout=10)
        job.process = None
        receive.close()
        folder = self.folder(job.id)
        leftovers = list(folder.parent.glob(f".{folder.name}.partial-*"))  # killed past the writer's clean-up
        if job.kind == "study":
            from thaadsim.studies.montecarlo import parts_folder

            leftovers.append(parts_folder(folder))
        if stop_reason is not None:
            # a stopped job leaves nothing, even a folder its child finished writing after the
            # interrupt was lost: raised inside a C callback (llvmlite's object-cache notice
            # while numba compiles) Python prints and drops it - seen in a fresh-clone CI run
            leftovers.append(folder)
        for leftover in leftovers:
            shutil.rmtree(leftover, ignore_errors=True)
        if stop_reason is not None:
            self._finish(job, "failed", {"message": stop_reason, "field": None, "line": None,
                                         "hint": None if stop_reason == "cancelled" else
                                         "fly fewer missiles" + (" or fewer runs" if job.kind == "study" else "")})
        elif outcome is None:
            self._finish(job, "failed", {"message": f"the run's process ended without a result (exit code "
                                         f"{process.exitcode}; out of memory?)", "field": None, "line": None,
                                         "hint": None})
        elif outcome[0] == "done":
            self._finish(job, "done", summary=outcome[1])
        else:
            self._finish(job, "failed", outcome[1])

    @staticmethod
    def _stop(process) -> None:
        """SIGTERM (the child unwinds through the writer's clean-up), then SIGKILL."""
        process.terminate()
        process.join(timeout=5)
        if process.is_alive():
            os.kill(process.pid, signal.SIGKILL)


__all__ = ["STATUSES", "Busy", "Job", "Limits", "RunManager", "error_record", "run_child", "study_child"]
