"""Monte Carlo studies: a scenario run many times, its uncertain numbers drawn anew each run.

:func:`run_study` runs ``runs`` replicas of a scenario and returns one row per run
(:data:`OUTCOME_COLUMNS`, and a ``draw:<path>`` column per distribution of the file) and a
summary with 95 % confidence intervals, each naming its method (Wilson score for
probabilities, percentile bootstrap for means; :mod:`thaadsim.studies.statistics`).

**Draws.** Run *i* owns the branch ``SeedSequence(seed, spawn_key=(i,))`` of the study's seed
tree: its ``(i, 0)`` child draws the file's distributions (in file order), its ``(i, 1)``
child gives the seed of the run's simulation (radar draws, tracking, kill draws).  So run
*i* is the same wherever, with whatever batch and in whatever order it runs.

**Execution.** Runs are cut into batches.  Embedded (the default), the batches run one
after another in this process.  With ``workers`` a Dask ``LocalCluster`` of that many
single-threaded worker processes is started on loopback; with ``scheduler`` an existing
Dask cluster is used (an address ``tcp://host:port``, or a ``distributed.Client``).  Both
submit every batch and gather the results as they finish - the same code path.  A batch
on a worker that dies is run again elsewhere (Dask reschedules it; ``retries`` covers a
batch that raises on a lost connection).  Within a process, replicas share the truth
flights: a replica's :class:`~thaadsim.scenario.runner.PreparedScenario` is cached on
the flight-relevant part of its drawn scenario (:func:`flight_key`), so draws that touch
only launch times, cross-sections, radars or kill probabilities fly the threats once (a launch
time draw places the same flights on the look grid anew).  A process that runs batches keeps
the memory a run frees for the next (:func:`keep_freed_memory`, glibc), instead of faulting
~30 MB of pages in anew every run.

**Faults and resume.** With ``out``, each finished batch is written atomically (a temporary
file renamed into place) as a Parquet part in the hidden folder ``.<out name>.parts``
beside the study folder, with the study's fingerprint (scenario, distributions, seed).  With
``resume`` an interrupted study reads those parts, keeps every run they hold once, and runs
only the others.  The caller writes the study folder itself and holds its lock
(``outputs.bundle.reserve``) for the whole study; the ``montecarlo`` command does.

**Sweeps** build each grid point with :func:`thaadsim.scenario.uncertainty.set_values`
(``model_copy`` would not reach the file's distributions) and may pass one
``distributed.Client`` as ``scheduler`` to every point's study, so that the cluster starts
once.
"""

from __future__ import annotations

import collections
import hashlib
import json
import math
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from thaadsim.errors import InputError
from thaadsim.studies.statistics import (
    bootstrap_mean_interval,
    bootstrap_pooled_mean_interval,
    distribution_summary,
    wilson_interval,
)

OUTCOME_COLUMNS = ("threats", "engaged", "intercepted", "leaked", "leaked_into_defended_assets",
                   "interceptors_fired", "interceptors_at_false_tracks", "no_leak", "first_detection_s",
                   "intercept_alt_m")
"""The outcomes of one run, after ``run``, ``seed`` and the ``draw:<path>`` columns."""

DRAW_PREFIX = "draw:"
MAX_RUNS = 10_000_000
TARGET_BATCHES_PER_WORKER = 8
"""Batches per worker a study is cut into by default: enough to balance the load (a worker
idles at the end for at most one batch, ~1/8 of its share, half of that on average) and to
lose little to a killed worker, few enough that the per-batch overhead (a few milliseconds of
scheduling against runs of ~1 s) stays small."""
MAX_BATCH = 64
RETRIES = 3
"""Times Dask runs a batch again after it raised (a lost worker is rescheduled regardless)."""
TRUTH_CACHE_SIZE = 8
"""Prepared truths a process keeps (each holds every missile's states on the look grid)."""
LOCAL_CLUSTER_CONFIG = {
    "distributed.admin.tick.interval": "1s",
    "distributed.worker.profile.enabled": False,
    "distributed.worker.memory.monitor-interval": "1s",
    "distributed.scheduler.work-stealing-interval": "1s",
}
"""Dask settings of a local cluster (its scheduler here, its workers through their environment):
Dask's defaults wake every process 50 times a second to watch for a blocked event loop (20 ms
tick), sample each worker's stack every 10 ms for its profiler, read its memory every 100 ms and
look for work to steal every 100 ms.  Measured on this 2-core machine, an idle cluster of two
workers then spent 0.14 CPU-seconds per second (7 % of the machine, ~30 ms per korea-salvo run
at 4.4 runs/s); with these, 0.03.  A study's batches last seconds: a 1 s tick, memory watch
and stealing round lose nothing, and nobody reads the workers' profiles."""
WORKER_ENV = {"NUMBA_NUM_THREADS": "1",
              **{"DASK_" + key.upper().replace(".", "__").replace("-", "_"): str(value)
                 for key, value in LOCAL_CLUSTER_CONFIG.items()}}
"""Environment of a local cluster's worker processes: one compute thread each, and
:data:`LOCAL_CLUSTER_CONFIG`.  Workers of a cluster given by ``--scheduler`` are started by their
owner: start them so too (``NUMBA_NUM_THREADS=1 dask worker ... --nthreads 1``) or the kernels
oversubscribe the cores; the ``DASK_...`` variables here spare them the idle work."""
PARTS_FORMAT = 1
_SUMMARY_BRANCH = 2**32
"""Seed-tree branch of the summary's bootstrap: above every run index."""


@dataclass
class StudyResult:
    """A Monte Carlo study's per-run table (pandas, one row per run, sorted by ``run``) and summary."""

    table: object
    summary: dict


# --------------------------------------------------------------------------- one run


def run_seeds(seed: int, run: int) -> tuple[np.random.Generator, int]:
    """Run ``run``'s generator for its draws and its simulation seed (module doc)."""
    branch = (int(run),)
    draws = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(*branch, 0)))
    sim = int(np.random.SeedSequence(seed, spawn_key=(*branch, 1)).generate_state(1, np.uint64)[0] >> np.uint64(1))
    return draws, sim


def flight_key(scenario) -> str:
    """What the threats' group flights depend on (``scenario.truth.flight_inputs(launches=False)``:
    the flight fields of every threat group, its performance and aim error, the defended assets
    aim points may name; not its launch times, which only place the flights on the look grid)
    and the look interval."""
    from thaadsim.scenario.runner import look_interval
    from thaadsim.scenario.truth import flight_inputs

    return json.dumps([flight_inputs(scenario, launches=False), look_interval(scenario)], sort_keys=True)


_truths: collections.OrderedDict = collections.OrderedDict()
_truths_lock = threading.Lock()  # a threaded Dask worker runs batches side by side


def _prepared(drawn):
    """The drawn scenario's PreparedScenario, its truth shared with earlier draws of the same
    flights (module doc); the rest made over where the draw changed what it depends on."""
    from thaadsim.scenario.runner import prepare, prepared_for

    key = flight_key(drawn)
    with _truths_lock:
        base = _truths.get(key)
        if base is not None:
            _truths.move_to_end(key)
    if base is None:
        base = prepare(drawn)
        with _truths_lock:
            _truths[key] = base
            while len(_truths) > TRUTH_CACHE_SIZE:
                _truths.popitem(last=False)
        return base
    return prepared_for(base, drawn)


def run_one(scenario, seed: int, run: int) -> dict:
    """Run ``run`` of the study: its draws and its outcomes (one row of the table)."""
    from thaadsim.scenario.runner import score_replica

    draws_rng, sim_seed = run_seeds(seed, run)
    uncertainty = scenario.uncertainty
    values = uncertainty.draw(draws_rng) if uncertainty is not None else {}
    drawn = uncertainty.scenario_with(values) if uncertainty is not None else scenario
    result = score_replica(_prepared(drawn), sim_seed)  # the outcomes; the story of the run is not kept
    t = result.totals
    alts = [p["intercept_altitude_km"] * 1e3 for p in result.per_threat if p["intercept_altitude_km"] is not None]
    first = t["first_detection_s"]
    return {"run": int(run), "seed": sim_seed, **{DRAW_PREFIX + k: v for k, v in values.items()},
            "threats": int(t["threats"]), "engaged": int(t["engaged"]), "intercepted": int(t["intercepted"]),
            "leaked": int(t["leaked"]), "leaked_into_defended_assets": int(t["leaked_into_defended_assets"]),
            "interceptors_fired": int(t["interceptors_fired"]),
            "interceptors_at_false_tracks": int(t["interceptors_at_false_tracks"]),
            "no_leak": bool(t["leaked"] == 0), "first_detection_s": math.nan if first is None else float(first),
            "intercept_alt_m": [float(a) for a in alts]}


MALLOC_MMAP_THRESHOLD_BYTES = 32 * 1024 * 1024
"""Blocks below this come from the heap, not from their own mapping (glibc's largest value)."""
MALLOC_TRIM_THRESHOLD_BYTES = 1 << 30
"""Freed heap kept by the process up to this size (not handed back to the system)."""
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # glibc's mallopt parameter numbers
_malloc_kept: bool | None = None  # None: not tried yet in this process


def keep_freed_memory() -> bool:
    """Let this process reuse the memory a run frees (glibc's ``mallopt``; elsewhere nothing to do).

    A korea-salvo replica allocates ~30 MB of arrays a few MB each (its ~10^5 false alarms, the
    tracker's measurement arrays) and frees them.  By default glibc maps each such block afresh
    and unmaps it when freed - and a Dask worker starts with ``MALLOC_TRIM_THRESHOLD_=65536``,
    which hands freed heap back at once - so every run touches new pages: measured ~7,900 page
    faults and ~20 ms of system time per run (8 % of it).  With blocks up to 32 MB on the heap
    and freed heap kept, the next run reuses the same pages (~20 faults, < 1 ms; peak memory
    +12 MB).  Allocation changes no number.  Called once per process by :func:`run_batch`
    (embedded studies and Dask workers alike); returns whether the setting is in force."""
    global _malloc_kept
    if _malloc_kept is None:
        import ctypes

        try:
            libc = ctypes.CDLL("libc.so.6")
            _malloc_kept = (libc.mallopt(_M_MMAP_THRESHOLD, MALLOC_MMAP_THRESHOLD_BYTES) == 1
                            and libc.mallopt(_M_TRIM_THRESHOLD, MALLOC_TRIM_THRESHOLD_BYTES) == 1)
        except (OSError, AttributeError):  # not glibc: its own allocator's defaults stand
            _malloc_kept = False
    return _malloc_kept


def run_batch(scenario, seed: int, runs: list[int]) -> list[dict]:
    """The unit of work sent to an executor: consecutive rows of the table."""
    keep_freed_memory()
    return [run_one(scenario, seed, i) for i in runs]


# --------------------------------------------------------------------------- the table


def _table(rows: list[dict]):
    import pandas as pd

    frame = pd.DataFrame.from_records(rows)
    return frame.sort_values("run", kind="stable").reset_index(drop=True)


def to_arrow(table):
    """The table as a pyarrow Table with a fixed schema (the same bytes whatever the batches)."""
    import pyarrow as pa

    out = pa.Table.from_pandas(table, preserve_index=False)
    # a list column's type is fixed, also when no run of the table has an intercept
    col = out.schema.get_field_index("intercept_alt_m")
    return out.set_column(col, "intercept_alt_m", pa.array(table["intercept_alt_m"].tolist(),
                                                           type=pa.list_(pa.float64())))


def write_parquet(table, path) -> None:
    """The table into ``path`` (a file path or a binary stream)."""
    import pyarrow.parquet as pq

    pq.write_table(to_arrow(table), path, compression="zstd")


# --------------------------------------------------------------------------- parts (resume)


def fingerprint(scenario, seed: int) -> str:
    """What makes two studies the same: the scenario (nominal values), its distributions, the seed
    and the version of thaadsim."""
    from thaadsim._version import __version__

    u = scenario.uncertainty
    doc = {"scenario": scenario.model_dump(mode="json", by_alias=True), "seed": int(seed), "version": __version__,
           "distributions": [[p.path, p.dist.kind, repr(p.dist.params)] for p in u.parameters] if u else []}
    return hashlib.sha256(json.dumps(doc, sort_keys=True).encode()).hexdigest()


def parts_folder(out: str | os.PathLike) -> Path:
    """The hidden folder of an unfinished study's finished batches, beside the study folder."""
    target = Path(os.path.abspath(out))
    return target.parent / f".{target.name}.parts"


class _Parts:
    """The finished batches of a study in its parts folder (module doc)."""

    def __init__(self, out, fp: str, resume: bool):
        self.folder = parts_folder(out)
        self.fp = fp
        stamp = self.folder / "study.json"
        if self.written():
            if not resume:
                raise InputError(f"an interrupted study of {out} is in {self.folder}", field="--out",
                                 hint="give --resume to continue it, or remove that folder to start again")
            try:
                doc = json.loads(stamp.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                raise InputError(f"{self.folder} holds no readable study stamp (study.json)", field="--resume",
                                 hint="remove that folder to start the study again") from None
            if doc.get("fingerprint") != fp or doc.get("format") != PARTS_FORMAT:
                raise InputError(f"the interrupted study in {self.folder} has another scenario, seed or version",
                                 field="--resume", hint="give the same scenario and --seed, or remove that folder")
        elif resume:
            raise InputError(f"no interrupted study of {out} to resume (no {self.folder.name} beside it)",
                             field="--resume", hint="drop --resume to start the study, or give its --out")
        else:
            self.folder.mkdir(exist_ok=True)
            _atomic_write(stamp, (json.dumps({"format": PARTS_FORMAT, "fingerprint": fp}) + "\n").encode())

    def written(self) -> bool:
        """Whether an earlier study left finished batches here (a stamp alone is no study)."""
        return self.folder.is_dir() and any(self.folder.glob("runs-*.parquet"))

    def load(self) -> list[dict]:
        import pyarrow.parquet as pq

        rows: dict[int, dict] = {}
        for path in sorted(self.folder.glob("runs-*.parquet")):
            for row in pq.read_table(path).to_pylist():
                rows.setdefault(int(row["run"]), row)  # a run is counted once, whatever the parts
        return list(rows.values())

    def write(self, rows: list[dict]) -> None:
        first, last = rows[0]["run"], rows[-1]["run"]
        import io

        buffer = io.BytesIO()
        write_parquet(_table(rows), buffer)
        _atomic_write(self.folder / f"runs-{first:09d}-{last:09d}.parquet", buffer.getvalue())



def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.parent / f".tmp-{os.getpid()}-{path.name}"
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


# --------------------------------------------------------------------------- executors


def _batches(todo: list[int], size: int) -> list[list[int]]:
    return [todo[k:k + size] for k in range(0, len(todo), size)]


def _embedded(scenario, seed: int, batches, on_batch) -> None:
    for batch in batches:
        on_batch(run_batch(scenario, seed, batch))


def dask_client(workers: int | None, scheduler):
    """A distributed Client on ``scheduler`` (an address or a Client), else on a new
    LocalCluster, and the function that closes what this call opened."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise InputError("Dask is not installed", field="--workers" if workers else "--scheduler",
                         hint="pip install 'thaadsim[studies]' (dask[distributed])") from None
    if scheduler is not None and not isinstance(scheduler, str):
        return scheduler, lambda: None  # the caller's client: the caller closes it
    if scheduler is not None:
        try:
            client = Client(scheduler, timeout="10s")
        except (OSError, TimeoutError, ValueError) as error:
            raise InputError(f"cannot reach the Dask scheduler {scheduler} ({error})", field="--scheduler",
                             hint="give the address of a running scheduler, e.g. tcp://10.0.0.5:8786") from None
        return client, client.close
    import logging

    # one core per worker: the numba kernels' parallel loops would otherwise start a thread per
    # core in every worker, and W workers on W cores would fight over them (Dask already pins
    # OpenMP, MKL and OpenBLAS to one thread; numba reads this before its first import there)
    import dask

    with dask.config.set(LOCAL_CLUSTER_CONFIG):  # the scheduler reads them as it starts
        cluster = LocalCluster(n_workers=int(workers or 1), threads_per_worker=1, processes=True,
                               host="127.0.0.1", dashboard_address=None, silence_logs=logging.ERROR, env=WORKER_ENV)
    client = Client(cluster)

    def close() -> None:
        client.close()
        cluster.close()

    return client, close


def _distributed(scenario, seed: int, batches, on_batch, workers, scheduler) -> None:
    from distributed import as_completed

    client, close = dask_client(workers, scheduler)
    try:
        futures = [client.submit(run_batch, scenario, seed, batch, retries=RETRIES, pure=False) for batch in batches]
        for future in as_completed(futures):
            on_batch(future.result())
            future.release()
    finally:
        close()


# --------------------------------------------------------------------------- the study


def preflight_study(scenario, seed: int | None = None):
    """The runner's checks before any work (``runner.preflight``) on the nominal scenario and
    on every distribution at the low, then the high end of its values, so that a study does
    not stop at run 8,000 on a draw no missile can fly; the nominal run's plan."""
    from thaadsim.errors import ThaadsimError
    from thaadsim.scenario.runner import preflight

    plan = preflight(scenario, seed)
    u = scenario.uncertainty
    for end, values in u.corners() if u is not None else ():
        try:
            preflight(u.scenario_with(values), seed)
        except ThaadsimError as error:
            raise InputError(f"{error.message} (every distribution at the {end} end of its values)",
                             field=error.field, hint=error.hint) from None
    return plan


def default_batch_size(runs: int, workers: int) -> int:
    return max(1, min(MAX_BATCH, math.ceil(runs / (TARGET_BATCHES_PER_WORKER * max(workers, 1)))))


def run_study(scenario, runs: int, seed: int, *, workers: int | None = None, scheduler=None,
              batch_size: int | None = None, out=None, resume: bool = False, progress=None) -> StudyResult:
    """Run ``runs`` replicas of ``scenario`` from the seed tree of ``seed`` (module doc).

    ``progress(done, total, label)`` is called after every batch, the label giving the run
    rate and the estimated time left."""
    if isinstance(runs, bool) or not isinstance(runs, int | np.integer) or not 1 <= runs <= MAX_RUNS:
        raise InputError(f"{runs} runs", field="--runs", hint=f"give a whole number from 1 to {MAX_RUNS:,}")
    if not 0 <= int(seed) <= 2**63 - 1:
        raise InputError(f"{seed}: the seed must be between 0 and 2^63 - 1", field="--seed")
    if workers is not None and scheduler is not None:
        raise InputError("both --workers and --scheduler given", field="--workers",
                         hint="--workers starts a local cluster; --scheduler uses an existing one: give one")
    if workers is not None and not 1 <= int(workers) <= 1024:
        raise InputError(f"{workers} workers", field="--workers", hint="give a whole number from 1 to 1024")
    if batch_size is not None and not 1 <= int(batch_size) <= MAX_RUNS:
        raise InputError(f"batch size {batch_size}", field="--batch-size", hint="give a whole number >= 1")
    if resume and out is None:
        raise InputError("--resume needs the study folder", field="--resume", hint="give --out DIR")
    runs, seed = int(runs), int(seed)
    parts = _Parts(out, fingerprint(scenario, seed), resume) if out is not None else None
    rows = [r for r in parts.load() if r["run"] < runs] if parts is not None else []
    done = {r["run"] for r in rows}
    todo = [i for i in range(runs) if i not in done]
    size = int(batch_size) if batch_size is not None else default_batch_size(len(todo), int(workers or 1))
    start, resumed = time.perf_counter(), len(rows)

    def on_batch(batch_rows: list[dict]) -> None:
        if parts is not None:
            parts.write(batch_rows)
        rows.extend(batch_rows)
        if progress:
            progress(len(rows), runs, _rate_label(len(rows) - resumed, runs - len(rows),
                                                  time.perf_counter() - start))

    first = f"runs ({resumed} from the interrupted study)" if resumed else "runs"
    batches = _batches(todo, size)
    try:
        if workers is None and scheduler is None:
            if progress:
                progress(len(rows), runs, first)
            _embedded(scenario, seed, batches, on_batch)
        else:
            if progress:
                progress(len(rows), runs, f"starting {workers} Dask worker(s)" if workers else
                         f"connecting to the Dask scheduler; {first}")
            _distributed(scenario, seed, batches, on_batch, workers, scheduler)
    except BaseException:
        if parts is not None and not parts.written():
            finish_parts(out)  # nothing to resume: leave nothing behind
        raise
    table = _table(rows)
    if len(table) != runs or table["run"].tolist() != list(range(runs)):
        raise RuntimeError("the study's table does not hold each run once")  # an engine defect, never input
    summary = summarise(table, scenario, seed)
    summary["resumed_runs"] = resumed
    return StudyResult(table, summary)


def finish_parts(out) -> None:
    """Remove the parts of a study once its folder is written."""
    folder = parts_folder(out)
    if not folder.is_dir():
        return
    # only what a study writes there; anything else keeps the folder (rmdir refuses)
    for path in [*folder.glob("runs-*.parquet"), *folder.glob(".tmp-*"), folder / "study.json"]:
        path.unlink(missing_ok=True)
    folder.rmdir()


def _rate_label(done: int, left: int, elapsed_s: float) -> str:
    if done <= 0 or elapsed_s <= 0:
        return "runs"
    rate = done / elapsed_s
    eta = left / rate
    return f"runs, {rate:,.2f} runs/s, about {_clock(eta)} left"


def _clock(seconds: float) -> str:
    s = int(round(seconds))
    return f"{s // 3600:d}:{s % 3600 // 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60:d}:{s % 60:02d}"


# --------------------------------------------------------------------------- summary


def summary_text(summary: dict) -> str:
    """summary.json's text: NaN as null, 12 significant digits, the same bytes for the same study."""
    from thaadsim.scenario.result import _clean

    return json.dumps(_clean(summary), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def summarise(table, scenario, seed: int, level: float = 0.95) -> dict:
    """The study's answers, each with its 95 % interval and the interval's method."""
    rng = np.random.default_rng(np.random.SeedSequence(int(seed), spawn_key=(_SUMMARY_BRANCH,)))
    n = len(table)
    no_leak = int(table["no_leak"].sum())
    safe_assets = int((table["leaked_into_defended_assets"] == 0).sum())
    p = wilson_interval(no_leak, n, level)
    pa = wilson_interval(safe_assets, n, level)

    def mean(column: str) -> tuple[float, list[float]]:
        v = table[column].to_numpy(dtype=float)
        return float(v.mean()), bootstrap_mean_interval(v, rng, level).as_list()

    leaked, leaked_ci = mean("leaked")
    into, into_ci = mean("leaked_into_defended_assets")
    fired, fired_ci = mean("interceptors_fired")
    alts = table["intercept_alt_m"].tolist()
    sums = [float(np.sum(a)) for a in alts]
    counts = [len(a) for a in alts]
    pooled = np.concatenate([np.asarray(a, dtype=float) for a in alts]) if sum(counts) else np.zeros(0)
    alt_ci = bootstrap_pooled_mean_interval(sums, counts, rng, level)
    det = distribution_summary(table["first_detection_s"].to_numpy(dtype=float), rng, level)
    det["never_detected_runs"] = int(n - det["n"])
    pct = np.percentile(pooled, [5, 50, 95]).tolist() if pooled.size else [math.nan] * 3
    u = scenario.uncertainty
    draws: dict[str, dict] = {}
    for col in (c for c in table.columns if c.startswith(DRAW_PREFIX)):
        if any(isinstance(x, str) for x in table[col]):  # a choice over text: how often each value was drawn
            counts = table[col].value_counts()
            draws[col[len(DRAW_PREFIX):]] = {"counts": {str(k): int(counts[k]) for k in sorted(counts.index)}}
            continue
        v = table[col].to_numpy(dtype=float)
        draws[col[len(DRAW_PREFIX):]] = {"mean": float(v.mean()), "min": float(v.min()), "max": float(v.max())}
    return {
        "scenario": scenario.name, "runs": n, "seed": int(seed), "confidence_level": level,
        "p_no_leak": no_leak / n, "p_no_leak_ci95": p.as_list(), "p_no_leak_ci_method": p.method,
        "p_no_leak_into_defended_assets": safe_assets / n,
        "p_no_leak_into_defended_assets_ci95": pa.as_list(), "p_no_leak_into_defended_assets_ci_method": pa.method,
        "mean_leaked": leaked, "mean_leaked_ci95": leaked_ci, "mean_leaked_ci_method": "bootstrap",
        "mean_leaked_into_defended_assets": into, "mean_leaked_into_defended_assets_ci95": into_ci,
        "mean_leaked_into_defended_assets_ci_method": "bootstrap",
        "mean_interceptors_fired": fired, "mean_interceptors_fired_ci95": fired_ci,
        "mean_interceptors_fired_ci_method": "bootstrap",
        "mean_threats": float(table["threats"].mean()),
        "first_detection_s": det,
        "intercept_alt_m": {"n": int(pooled.size), "mean": float(pooled.mean()) if pooled.size else math.nan,
                            "mean_ci95": alt_ci.as_list(), "ci_method": alt_ci.method,
                            "ci_note": "runs resampled (the intercepts of one run are not independent)",
                            "p05": pct[0], "p50": pct[1], "p95": pct[2]},
        "distributions": u.lines() if u is not None else [],
        "draws": draws,
        "notes": (["the file's sweep is not run: each run flies the file's salvo sizes (`thaadsim sweep` varies "
                   "them)"] if scenario.sweep is not None else []),
        "method": ("run i: draws from SeedSequence(seed, spawn_key=(i, 0)), simulation seed from (i, 1); "
                   "probabilities with Wilson score intervals, means with percentile bootstrap intervals "
                   f"({level:.0%})"),
    }


__all__ = ["DRAW_PREFIX", "OUTCOME_COLUMNS", "StudyResult", "dask_client", "default_batch_size", "finish_parts", "fingerprint",
           "flight_key", "keep_freed_memory", "parts_folder", "preflight_study", "run_batch", "run_one", "run_seeds", "run_study",
           "summarise", "summary_text", "to_arrow", "write_parquet"]
