"""thaadsim's disk cache: where it lives, how an entry is named, and how one is written and read.

Results that take seconds to compute and depend on nothing but their inputs and the code
(fly-out tables, defended footprints, radar coverage, a salvo's steering and flights, the
report map's clipped Natural Earth layers) are kept in
``$THAADSIM_CACHE_DIR/<kind>/``, else ``$XDG_CACHE_HOME/thaadsim/<kind>/``, else
``~/.cache/thaadsim/<kind>/``; ``THAADSIM_CACHE_DIR=off`` turns the disk cache off.  An entry
is named by a sha256 over a canonical JSON of its inputs and :func:`provenance` (thaadsim's
version, the source of the modules the numbers run through, the interpreter and numeric
libraries), so editing the code or upgrading numpy never serves a stale result.  It is
a cache, not a store: an entry that cannot be read, was made for another key or format, or
whose content no longer matches the digest written with it is ignored and rebuilt; a
write goes to a temporary file in the folder and is put in place with ``os.replace``, and
never raises (failures go to the ``logging`` debug level).
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import logging
import os
import platform
import sys
import tempfile
from pathlib import Path

import numpy as np

CACHE_ENV = "THAADSIM_CACHE_DIR"
"""Environment variable naming the cache folder; the value ``off`` disables the disk cache."""

CACHE_OFF = "off"

_log = logging.getLogger(__name__)


def cache_root() -> Path | None:
    """thaadsim's disk cache folder (fly-out tables in ``flyout/``, defended footprints in
    ``footprint/``, radar coverage in ``coverage/``, minimum-energy steering and its flights in
    ``aim/``, the report map's Natural Earth layers in ``basemap/``), or None when
    ``THAADSIM_CACHE_DIR=off``."""
    env = os.environ.get(CACHE_ENV, "")
    if env.strip().lower() == CACHE_OFF:
        return None
    if env:
        return Path(env).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    # The XDG spec says to ignore a relative XDG_CACHE_HOME.
    root = Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".cache"
    return root / "thaadsim"



def _thaadsim_version() -> str:
    try:
        from importlib.metadata import version
        return version("thaadsim")
    except Exception:  # noqa: BLE001 - not installed (e.g. run from a source tree)
        return "unknown"


def _module_version(name: str) -> str:
    module = sys.modules.get(name)
    if module is None:
        # the installed distribution's version, the same string as ``__version__``: importing
        # numba for its version alone costs the report's figure worker half a second
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version(name)
        except PackageNotFoundError:
            return "absent"
    return str(getattr(module, "__version__", "unknown"))


@functools.cache
def sources_digest(modules: tuple[str, ...]) -> str:
    """sha256 of the source files of ``modules`` (a cache key part: a cached result goes
    stale when the code that computed it changes)."""
    h = hashlib.sha256()
    for name in modules:
        h.update(name.encode())
        try:
            __import__(name)
            h.update(Path(sys.modules[name].__file__).read_bytes())
        except Exception:  # noqa: BLE001 - no source to hash: the name alone stands in
            h.update(b"<no source>")
    return h.hexdigest()


def provenance(modules: tuple[str, ...]) -> dict:
    """The cache key parts that name the code: thaadsim's version, the source of
    ``modules``, and the interpreter and numeric libraries."""
    return {"thaadsim": _thaadsim_version(), "sources": sources_digest(modules), "runtime": _runtime()}


@functools.cache
def _runtime() -> dict:
    return {"python": platform.python_version(), "machine": platform.machine(),
            **{m: _module_version(m) for m in ("numpy", "numba", "pyproj")}}


def canonical(value):
    """A JSON-able, exact and order-stable form of dataclasses, numbers and arrays (for cache keys)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = {"__type__": type(value).__qualname__}
        for f in dataclasses.fields(value):
            if f.compare:  # ``assumptions`` and the like are notes, not inputs
                out[f.name] = canonical(getattr(value, f.name))
        return out
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value).hex()  # exact: -0.0, nan and inf included
    if isinstance(value, str):
        return value
    if isinstance(value, np.ndarray):
        return [canonical(v) for v in value.tolist()]
    if isinstance(value, (tuple, list)):
        return [canonical(v) for v in value]
    if value is None:
        return None
    raise TypeError(f"cannot put {type(value).__name__} into a cache key")


def entry_key(payload: dict) -> str:
    """The sha256 (hex) naming an entry made from ``payload`` (canonical JSON-able values)."""
    return hashlib.sha256(json.dumps(payload, sort_keys=True, separators=(",", ":"), allow_nan=False).encode()
                          ).hexdigest()


def _content_digest(key: str, fmt: int, arrays: dict[str, np.ndarray]) -> str:
    h = hashlib.sha256(json.dumps({"key": key, "format": fmt}).encode())
    for name in sorted(arrays):
        a = np.ascontiguousarray(arrays[name])
        h.update(f"{name}:{a.dtype.str}:{a.shape}".encode())
        h.update(a.tobytes())
    return h.hexdigest()


def read_entry(path: Path, key: str, fmt: int) -> dict[str, np.ndarray] | None:
    """The arrays of the entry in ``path`` if it is whole, made for ``key`` and format
    ``fmt``, and matches its digest; None otherwise (the caller rebuilds and overwrites)."""
    try:
        with np.load(path, allow_pickle=False) as z:
            if str(z["__key__"][()]) != key or int(z["__format__"][()]) != fmt:
                return None
            arrays = {name: np.array(z[name]) for name in z.files if not name.startswith("__")}
            digest = str(z["__digest__"][()])
    except FileNotFoundError:
        return None
    except Exception as exc:  # noqa: BLE001 - corrupt or foreign: rebuild
        _log.debug("disk cache: ignoring unreadable %s (%s)", path, exc)
        return None
    if digest != _content_digest(key, fmt, arrays):
        _log.debug("disk cache: ignoring %s: its content does not match its digest", path)
        return None
    return arrays


def write_entry(path: Path, key: str, fmt: int, arrays: dict[str, np.ndarray]) -> None:
    """Write ``arrays`` as the entry for ``key`` atomically, with their digest; never raises."""
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        arrays = {name: np.ascontiguousarray(a) for name, a in arrays.items()}
        fd, tmp = tempfile.mkstemp(prefix=f".{path.stem[:16]}-", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as fh:
            np.savez(fh, __key__=np.array(key), __format__=np.array(fmt),
                     __digest__=np.array(_content_digest(key, fmt, arrays)), **arrays)
        os.replace(tmp, path)
        tmp = None
    except Exception as exc:  # noqa: BLE001 - a cache that cannot be written is no cache
        _log.debug("disk cache: cannot write %s (%s)", path, exc)
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass


__all__ = ["CACHE_ENV", "CACHE_OFF", "cache_root", "canonical", "entry_key", "provenance", "read_entry",
           "sources_digest", "write_entry"]
