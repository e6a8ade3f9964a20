"""A run's output folder: written all or nothing, and never at the cost of a user's file.

Every file is first written into a hidden staging folder beside the target
(``.<name>.partial-<pid>-<random>``); only when all of them are complete is it moved into
place (a rename on the same file system).  A run that fails - bad input, unreachable
geometry, a writer's error, a full disk, Ctrl-C, SIGTERM - leaves no folder behind.

A run folder is marked by a manifest, :data:`MANIFEST`, naming every file thaadsim wrote
there with its size and sha256.  An existing ``--out`` folder is replaced only when it is
empty, or when its manifest is valid and the folder holds exactly the files it lists,
unchanged; then only those files are removed.  Anything else - a folder without a
manifest, an extra file or subfolder, an edited file - is refused before any work, and
nothing is touched.

One run at a time per target: :func:`reserve` takes an exclusive ``flock`` on a hidden
lock file beside the target (``.<name>.lock``, removed again when the run ends) and holds
it from the destination check to the final rename.  A second run into the same folder
waits up to :data:`LOCK_WAIT_S` and is then refused (exit 2) rather than queued behind
a run that may take minutes.  Under the lock, staging folders of this target left by a
process that no longer exists (SIGKILL, a power cut) are removed - only the files a run
writes, never anything else.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import os
import signal
import tempfile
import threading
import time
from collections.abc import Collection, Iterator
from pathlib import Path

from thaadsim.errors import InputError

FILES = ("summary.json", "events.csv", "trajectories.parquet", "report.html", "scenario.czml", "scenario.kml")
"""What a run writes, in the order it writes them."""
STUDY_FILES = ("sweep.json", "sweep.parquet", "study.html", "runs.parquet", "convergence.png")
"""What a study writes beside the run's names (``write_folder``): a half-written staging
folder left by a dead process loses exactly these and :data:`FILES`."""

MANIFEST = ".thaadsim-run.json"
"""The manifest marking a folder as a thaadsim run folder (module doc)."""

MANIFEST_FORMAT = 1
LOCK_WAIT_S = 2.0
"""How long a second run into a locked target waits before it is refused [s]."""

_MANIFEST_MAX_BYTES = 64 * 1024  # ours are < 1 kB: a bigger file is not ours
_held: dict[Path, int] = {}  # target -> fd of the lock this process holds


def summary_text(result) -> str:
    """summary.json's text: the same bytes for the same scenario and seed."""
    return json.dumps(result.summary(), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def _refuse(message: str, hint: str) -> InputError:
    return InputError(message, field="--out", hint=hint)


def _target(out_dir: str | Path) -> Path:
    """The absolute target, its parent's symlinks resolved and its own last part not."""
    path = Path(os.path.abspath(out_dir))
    if path.parent == path:
        raise _refuse(f"{out_dir} is the file-system root", "give a folder to write the run into")
    return path.parent.resolve() / path.name


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _read_manifest(folder: Path) -> dict[str, dict]:
    """The files the manifest in ``folder`` lists (name -> entry); InputError if it is not
    a valid thaadsim manifest."""
    path = folder / MANIFEST
    hint = "give a new folder, or move the files out of this one"
    if path.is_symlink() or not path.is_file():
        raise _refuse(f"{folder} is not empty and holds no thaadsim run (no {MANIFEST})", hint)
    try:
        if path.stat().st_size > _MANIFEST_MAX_BYTES:
            raise ValueError("too large")
        doc = json.loads(path.read_text(encoding="utf-8"))
        files = doc["files"]
        if doc.get("tool") != "thaadsim" or not isinstance(files, list):
            raise ValueError("not written by thaadsim")
        entries = {}
        for f in files:
            name = f["name"]
            if (not isinstance(name, str) or name in ("", ".", "..", MANIFEST) or "/" in name or "\0" in name
                    or not isinstance(f["bytes"], int) or not isinstance(f["sha256"], str) or name in entries):
                raise ValueError(f"bad entry {name!r}")
            entries[name] = f
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise _refuse(f"{folder / MANIFEST} is not a valid thaadsim manifest ({exc})", hint) from None
    return entries


def _check_run_folder(folder: Path) -> dict[str, dict]:
    """The manifest's entries if ``folder`` holds exactly an unchanged thaadsim run."""
    entries = _read_manifest(folder)
    hint = "give a new folder, or move the files thaadsim did not write out of this one"
    extra = sorted(set(os.listdir(folder)) - set(entries) - {MANIFEST})
    if extra:
        raise _refuse(f"{folder} holds {extra[0]!r}, which no thaadsim run wrote "
                      f"({len(extra)} such entr{'y' if len(extra) == 1 else 'ies'})", hint)
    for name, entry in entries.items():
        path = folder / name
        if path.is_symlink() or not path.is_file():
            raise _refuse(f"{path}, listed in the run's manifest, is missing or not a plain file", hint)
        if path.stat().st_size != entry["bytes"] or _sha256(path) != entry["sha256"]:
            raise _refuse(f"{path} has changed since thaadsim wrote it",
                          "give a new folder, or move the edited file out of this one")
    return entries


def check_destination(out_dir: str | Path, contents: bool = True) -> Path:
    """Refuse, before any work, a destination that is not ours to write or replace; return
    the absolute target.  ``contents=False`` checks the path only, not what an existing
    folder holds (that is checked under the lock, where no other run is changing it)."""
    target = _target(out_dir)
    cwd = Path.cwd().resolve()
    if os.path.islink(target):
        if not target.exists():
            raise _refuse(f"{out_dir} is a dangling symbolic link (to {os.readlink(target)})",
                          "remove the link or give a folder path")
        raise _refuse(f"{out_dir} is a symbolic link", f"give the folder it points to ({target.resolve()})")
    if target == cwd or target in cwd.parents:
        raise _refuse(f"{out_dir} is the current folder or holds it",
                      "run from outside the folder, or give another --out")
    if target.exists() and not target.is_dir():
        raise _refuse(f"{out_dir} exists and is not a folder", "give a folder path")
    parent = target.parent
    if not parent.is_dir():
        raise _refuse(f"{parent} does not exist", "create the parent folder first")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise _refuse(f"{parent} is not writable", "give a folder you can write into")
    if contents and target.is_dir() and any(target.iterdir()):
        _check_run_folder(target)
    return target


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def _remove_listed(folder: Path, names) -> bool:
    """Remove ``names`` from ``folder`` (plain files only), then the folder if that left it
    empty; True if the folder is gone."""
    for name in names:
        path = folder / name
        if path.is_file() and not path.is_symlink():
            path.unlink()
    try:
        folder.rmdir()
    except OSError:
        return False
    return True


def _clean_stale(target: Path) -> None:
    """Remove this target's staging folders whose owning process is dead (module doc)."""
    for kind in ("partial", "old"):
        for folder in target.parent.glob(f".{target.name}.{kind}-*"):
            pid = folder.name[len(f".{target.name}.{kind}-"):].split("-", 1)[0]
            if not pid.isdigit() or _pid_alive(int(pid)) or folder.is_symlink() or not folder.is_dir():
                continue
            if kind == "old":  # an earlier run moved aside: remove it only if it is whole and ours
                try:
                    _remove_listed(folder, [*_check_run_folder(folder), MANIFEST])
                except InputError:
                    pass
            else:  # a half-written run: only the files a run writes
                _remove_listed(folder, [*FILES, *STUDY_FILES, MANIFEST])


def _lock_path(target: Path) -> Path:
    return target.parent / f".{target.name}.lock"


def _acquire(target: Path, wait_s: float) -> int:
    path = _lock_path(target)
    deadline = time.monotonic() + wait_s
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
        except OSError as exc:
            raise _refuse(f"cannot create the lock file {path} ({exc.strerror})",
                          "give a folder you can write into") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.EACCES):
                os.close(fd)
                raise
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
            os.close(fd)
            if time.monotonic() >= deadline:
                raise _refuse(f"{target} is being written by another thaadsim run"
                              f"{f' (pid {holder})' if holder.isdigit() else ''}",
                              "wait for it to finish, or give another --out") from None
            time.sleep(0.1)
            continue
        # The lock file may have been removed by the previous holder between our open and
        # flock: then we hold a lock nobody else sees, so start again.
        try:
            same = os.path.samestat(os.fstat(fd), os.stat(path))
        except FileNotFoundError:
            same = False
        if not same:
            os.close(fd)
            continue
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        return fd


def _release(target: Path, fd: int) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(_lock_path(target))  # while still holding the lock (see _acquire)
    os.close(fd)


_STOPS = (signal.SIGINT, signal.SIGTERM)


def _defer_stops():
    """Hold SIGINT and SIGTERM back: their handlers replaced by one that notes them (Python
    runs every signal handler in the main thread, whichever thread the signal reached).
    Returns what :func:`_restore_stops` needs; None outside the main thread, where no
    handler can be set and none runs."""
    if threading.current_thread() is not threading.main_thread():
        return None
    noted: list[tuple[int, object]] = []
    previous = {signum: signal.signal(signum, lambda signum, frame: noted.append((signum, frame)))
                for signum in _STOPS}
    return previous, noted


def _restore_stops(deferred) -> None:
    """Put the handlers back, then act on each stop that came meanwhile as they would have."""
    if deferred is None:
        return
    previous, noted = deferred
    for signum, handler in previous.items():
        signal.signal(signum, handler)
    for signum, frame in noted:
        handler = previous[signum]
        if callable(handler):
            handler(signum, frame)
        elif handler == signal.SIG_DFL:
            signal.raise_signal(signum)


@contextlib.contextmanager
def reserve(out_dir: str | Path, wait_s: float = LOCK_WAIT_S) -> Iterator[Path]:
    """Check ``out_dir`` and hold its lock for the duration (module doc); yields the
    absolute target.  Nested calls for the same target in one process share the lock."""
    target = check_destination(out_dir, contents=False)
    if target in _held:
        yield target
        return
    # A stop (Ctrl-C, SIGTERM) landing after _acquire created the lock file and before the
    # try below would leave the file behind: stops wait until the lock is ours and listed
    # (at most the lock wait), then one that came meanwhile lands inside the try.
    deferred = _defer_stops()
    try:
        fd = _acquire(target, wait_s)
    except BaseException:
        _restore_stops(deferred)
        raise
    _held[target] = fd
    try:
        _restore_stops(deferred)
        _clean_stale(target)
        check_destination(out_dir)  # again, now that nobody else writes it
        yield target
    finally:
        del _held[target]
        _release(target, fd)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _manifest_text(folder: Path, names=FILES) -> str:
    from thaadsim._version import __version__

    files = [{"name": name, "bytes": (folder / name).stat().st_size, "sha256": _sha256(folder / name)}
             for name in names]
    doc = {"tool": "thaadsim", "version": __version__, "format": MANIFEST_FORMAT,
           "note": "written by thaadsim: a later run into this folder replaces exactly these files", "files": files}
    return json.dumps(doc, indent=2) + "\n"


def _write_error(exc: OSError, target: Path) -> InputError:
    what = {errno.ENOSPC: "the disk is full", errno.EFBIG: "a file would exceed the file size limit (ulimit -f)",
            errno.EDQUOT: "the disk quota is exceeded"}.get(exc.errno, exc.strerror or str(exc))
    return _refuse(f"cannot write the run into {target}: {what}", "free some space, or give another --out")


def write_bundle(result, out_dir: str | Path) -> list[Path]:
    """Write every file of :data:`FILES` and the manifest for ``result`` into ``out_dir``
    (module doc)."""
    return write_folder(out_dir, run_writers(result))


MADE_ELSEWHERE = ("trajectories.parquet", "report.html")
"""The files whose bytes (the Parquet, the report's figures) a figure worker may make
(``outputs/figure_worker.py``): written last, so that the others are written meanwhile."""


def run_writers(result, made=None) -> dict:
    """File name -> writer of each file of :data:`FILES` for a run's ``result``.  ``made``, when
    given, is called as trajectories.parquet and report.html are written for the bytes made
    already, by name: the Parquet's under its file name, the figures' as
    :func:`thaadsim.outputs.report.render_report` takes them; what it lacks is made here."""
    from thaadsim.outputs.czml import write_czml
    from thaadsim.outputs.kml import write_kml
    from thaadsim.outputs.report import FIGURES, write_report
    from thaadsim.outputs.tables import write_events_csv, write_trajectories_parquet

    def parquet(path: Path) -> None:
        data = made().get("trajectories.parquet") if made is not None else None
        if data is None:
            write_trajectories_parquet(result, path)
        else:
            path.write_bytes(data)

    def report(path: Path) -> None:
        pngs = {name: data for name, data in made().items() if name in FIGURES} if made is not None else None
        write_report(result, path, pngs)

    return {
        "summary.json": lambda path: path.write_text(summary_text(result), encoding="utf-8"),
        "events.csv": lambda path: write_events_csv(result, path),
        "trajectories.parquet": parquet,
        "report.html": report,
        "scenario.czml": lambda path: write_czml(result, path),
        "scenario.kml": lambda path: write_kml(result, path)}


def write_folder(out_dir: str | Path, writers: dict, last: Collection[str] = ()) -> list[Path]:
    """Write a folder of files all or nothing, with its manifest (module doc): ``writers``
    maps each file name to a function that writes that file at the path it is given, in
    that order but for the names in ``last``, written after the others (the manifest keeps
    the writers' order).  A run and a study (``study.html``, ``sweep.parquet``...) share this."""
    names = list(writers)
    order = [n for n in names if n not in last] + [n for n in names if n in last]
    with reserve(out_dir) as target:
        parent = target.parent
        try:
            stage = Path(tempfile.mkdtemp(prefix=f".{target.name}.partial-{os.getpid()}-", dir=parent))
        except OSError as exc:
            raise _write_error(exc, target) from None
        old = None
        try:
            stage.chmod(0o777 & ~_umask())  # mkdtemp makes it 0700; a run folder follows the user's umask
            for name in order:
                writers[name](stage / name)
            (stage / MANIFEST).write_text(_manifest_text(stage, names), encoding="utf-8")
            entries = None
            if target.is_dir():
                entries = _check_run_folder(target) if any(target.iterdir()) else {}
                old = parent / f".{target.name}.old-{os.getpid()}-{stage.name.rsplit('-', 1)[-1]}"
                target.rename(old)
        except BaseException as exc:
            _remove_listed(stage, [*names, MANIFEST])
            if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT, errno.EROFS):
                raise _write_error(exc, target) from None
            raise
        try:
            stage.rename(target)
        except BaseException:
            if old is not None and not target.exists():
                old.rename(target)  # the earlier run goes back where it was
            _remove_listed(stage, [*names, MANIFEST])
            raise
        finally:
            if old is not None and old.exists():
                _remove_listed(old, [*entries, MANIFEST] if entries else [])
    return [Path(out_dir) / f for f in names]


__all__ = ["FILES", "LOCK_WAIT_S", "MADE_ELSEWHERE", "MANIFEST", "STUDY_FILES", "check_destination", "reserve", "run_writers",
           "summary_text", "write_bundle", "write_folder"]
