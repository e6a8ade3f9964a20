"""The on-disk cache of fly-out tables: written once, read back bit-identical, keyed on
everything the table depends on, robust to corrupt files and unwritable folders."""

from __future__ import annotations

import os
import stat

import numpy as np
import pytest

from thaadsim import diskcache
from thaadsim.defense import flyout
from thaadsim.defense.flyout import build_table, cache_dir, cached_table, table_key
from thaadsim.defense.interceptor import InterceptorModel

MODEL = InterceptorModel.from_catalog("thaad")
SITE = (35.95, 128.17, 380.0)
# A coarse grid: a fraction of a second to build (the default grid takes seconds).
GRID = dict(n_azimuths=2, kicks_deg=np.linspace(0.0, 80.0, 9), dh_m=10_000.0, dr_m=10_000.0, sample_dt_s=1.0,
            horizon_s=60.0)
SCALARS = ("site_lat_deg", "site_lon_deg", "site_alt_m", "interceptor", "az0_rad", "daz_rad", "h0_m", "dh_m",
           "r0_m", "dr_m", "horizon_s")


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """A fresh cache folder and an empty in-memory cache (before and after)."""
    monkeypatch.setenv("THAADSIM_CACHE_DIR", str(tmp_path))
    cached_table.cache_clear()
    yield tmp_path / "flyout"
    cached_table.cache_clear()


def _files(folder):
    return sorted(folder.glob("*")) if folder.exists() else []


def _assert_same(a, b):
    for name in ("time_s", "kick_deg"):
        x, y = getattr(a, name), getattr(b, name)
        assert x.dtype == y.dtype and x.shape == y.shape
        assert np.array_equal(x, y, equal_nan=True), name
        # Bit for bit, NaNs where NaNs.
        assert np.array_equal(np.isnan(x), np.isnan(y))
    for name in SCALARS:
        assert getattr(a, name) == getattr(b, name), name
        assert type(getattr(a, name)) is type(getattr(b, name)), name


def test_first_call_writes_one_file_and_a_second_process_reads_it(cache, monkeypatch):
    first = cached_table(MODEL, *SITE, **GRID)
    files = _files(cache)
    assert len(files) == 1 and files[0].suffix == ".npz"
    assert files[0].stem == table_key(MODEL, *SITE, **GRID)
    assert np.isfinite(first.time_s).sum() > 10  # the coarse grid still holds a table

    # A "new process": nothing in memory, and building is not allowed.
    cached_table.cache_clear()
    calls = []
    monkeypatch.setattr(flyout, "build_table", lambda *a, **k: calls.append(a) or build_table(*a, **k))
    second = cached_table(MODEL, *SITE, **GRID)
    assert calls == []
    assert second is not first
    _assert_same(second, build_table(MODEL, *SITE, **GRID))
    _assert_same(second, first)
    assert _files(cache) == files
    # The in-memory cache still answers first.
    assert cached_table(MODEL, *SITE, **GRID) is second


def test_file_holds_no_pickles(cache):
    cached_table(MODEL, *SITE, **GRID)
    (path,) = _files(cache)
    with np.load(path, allow_pickle=False) as z:
        assert all(z[k].dtype != object for k in z.files)


def test_file_is_a_disk_cache_entry(cache):
    """Written by the one disk-cache writer (``thaadsim.diskcache``): its reader takes the file
    for this key and format, and finds the table in it."""
    built = cached_table(MODEL, *SITE, **GRID)
    (path,) = _files(cache)
    arrays = diskcache.read_entry(path, path.stem, flyout.CACHE_FORMAT)
    assert arrays is not None
    assert np.array_equal(arrays["time_s"], built.time_s, equal_nan=True)
    assert str(arrays["interceptor"].item()) == built.interceptor
    assert diskcache.read_entry(path, path.stem, flyout.CACHE_FORMAT - 1) is None  # an older format is not served


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty", "other_key"])
def test_corrupt_or_mismatched_file_is_rebuilt_and_overwritten(cache, damage):
    built = cached_table(MODEL, *SITE, **GRID)
    (path,) = _files(cache)
    good = path.read_bytes()
    if damage == "garbage":
        path.write_bytes(b"not a numpy file at all" * 10)
    elif damage == "truncated":
        path.write_bytes(good[: len(good) // 2])
    elif damage == "empty":
        path.write_bytes(b"")
    else:  # a whole file, but made for another key (e.g. renamed by hand)
        other = cached_table(MODEL, SITE[0] + 1.0, SITE[1], SITE[2], **GRID)
        assert other.time_s.shape == built.time_s.shape
        other_path = cache / f"{table_key(MODEL, SITE[0] + 1.0, SITE[1], SITE[2], **GRID)}.npz"
        path.write_bytes(other_path.read_bytes())
    cached_table.cache_clear()
    again = cached_table(MODEL, *SITE, **GRID)
    _assert_same(again, built)
    assert path.read_bytes() == good  # rebuilt and written back
    assert not list(cache.glob("*.tmp"))


def test_changed_inputs_give_different_keys_and_files(cache):
    base = table_key(MODEL, *SITE, **GRID)
    assert table_key(MODEL, *SITE, **GRID) == base  # stable
    changed = {
        "site": table_key(MODEL, SITE[0] + 0.5, SITE[1], SITE[2], **GRID),
        "site_alt": table_key(MODEL, SITE[0], SITE[1], SITE[2] + 1.0, **GRID),
        "model": table_key(MODEL.with_(propellant_kg=MODEL.propellant_kg + 1.0), *SITE, **GRID),
        "ceiling": table_key(MODEL.with_(max_alt_m=MODEL.max_alt_m + 1000.0), *SITE, **GRID),
        "azimuths": table_key(MODEL, *SITE, **{**GRID, "n_azimuths": 3}),
        "kicks": table_key(MODEL, *SITE, **{**GRID, "kicks_deg": np.linspace(0.0, 80.0, 10)}),
        "dh": table_key(MODEL, *SITE, **{**GRID, "dh_m": 5000.0}),
        "dt": table_key(MODEL, *SITE, **{**GRID, "sample_dt_s": 0.5}),
        "horizon": table_key(MODEL, *SITE, **{**GRID, "horizon_s": 61.0}),
    }
    assert base not in changed.values() and len(set(changed.values())) == len(changed)
    # Notes are not inputs.
    assert table_key(MODEL.with_(assumptions=("x",)), *SITE, **GRID) == base

    cached_table(MODEL, *SITE, **GRID)
    cached_table(MODEL, SITE[0] + 0.5, SITE[1], SITE[2], **GRID)
    assert {p.stem for p in _files(cache)} == {base, changed["site"]}


def test_off_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("THAADSIM_CACHE_DIR", "off")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_dir() is None
    cached_table.cache_clear()
    try:
        table = cached_table(MODEL, *SITE, **GRID)
    finally:
        cached_table.cache_clear()
    _assert_same(table, build_table(MODEL, *SITE, **GRID))
    assert list(tmp_path.rglob("*")) == []


def test_cache_folder_location(tmp_path, monkeypatch):
    monkeypatch.setenv("THAADSIM_CACHE_DIR", str(tmp_path / "c"))
    assert cache_dir() == tmp_path / "c" / "flyout"
    monkeypatch.setenv("THAADSIM_CACHE_DIR", "")  # empty: as if unset
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() == tmp_path / "xdg" / "thaadsim" / "flyout"
    monkeypatch.delenv("THAADSIM_CACHE_DIR")
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_dir() == tmp_path / "home" / ".cache" / "thaadsim" / "flyout"


@pytest.mark.skipif(os.name != "posix" or (hasattr(os, "geteuid") and os.geteuid() == 0),
                    reason="root writes anywhere")
def test_unwritable_folder_falls_back_to_memory(tmp_path, monkeypatch, capsys):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        monkeypatch.setenv("THAADSIM_CACHE_DIR", str(locked))
        cached_table.cache_clear()
        table = cached_table(MODEL, *SITE, **GRID)
        assert cached_table(MODEL, *SITE, **GRID) is table
        assert list(locked.rglob("*")) == []
    finally:
        locked.chmod(stat.S_IRWXU)
        cached_table.cache_clear()
    assert capsys.readouterr().out == ""


def test_cache_path_that_is_a_file_falls_back_to_memory(tmp_path, monkeypatch, capsys):
    """Works as root too: the cache "folder" is a plain file, so nothing can be written."""
    blocker = tmp_path / "blocker"
    blocker.write_text("a file, not a folder")
    monkeypatch.setenv("THAADSIM_CACHE_DIR", str(blocker))
    cached_table.cache_clear()
    try:
        table = cached_table(MODEL, *SITE, **GRID)
        assert cached_table(MODEL, *SITE, **GRID) is table
    finally:
        cached_table.cache_clear()
    _assert_same(table, build_table(MODEL, *SITE, **GRID))
    assert blocker.read_text() == "a file, not a folder"
    assert capsys.readouterr().out == ""
