"""A fly-out cache file whose content was damaged is rebuilt, never used (issue 11, "Cache
integrity").

Each damaged file below is a valid npz with the right key - the checks of the file's
form pass - but its tables are wrong: NaN everywhere (which made a run report "engaged 0"
instead of 4), a wrong shape (which made every run fail), a flipped value, a file from
before digests.  The content digest written with the table, and the shape and value
checks, must catch each; the table served is then bit-identical to a fresh build and the
file on disk is rewritten.
"""

from __future__ import annotations

import numpy as np
import pytest

from tests.unit.test_flyout_cache import GRID, MODEL, SITE, _assert_same
from thaadsim import diskcache
from thaadsim.defense import flyout
from thaadsim.defense.flyout import build_table, cached_table, table_key


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("THAADSIM_CACHE_DIR", str(tmp_path))
    cached_table.cache_clear()
    yield tmp_path / "flyout"
    cached_table.cache_clear()


def _rewrite(path, **changes):
    """Rewrite the npz with some entries changed (None removes one); everything else kept."""
    with np.load(path, allow_pickle=False) as z:
        entries = {k: np.array(z[k]) for k in z.files}
    for k, v in changes.items():
        if v is None:
            entries.pop(k)
        else:
            entries[k] = v
    with open(path, "wb") as fh:
        np.savez_compressed(fh, **entries)


def _forge(path, **changes):
    """Rewrite with some tables changed and a digest made afresh for them: a self-consistent
    file that only the content checks can refuse."""
    with np.load(path, allow_pickle=False) as z:
        arrays = {k: np.array(z[k]) for k in z.files if not k.startswith("__")}
    arrays.update(changes)
    digest = diskcache._content_digest(path.stem, flyout.CACHE_FORMAT, arrays)
    _rewrite(path, __digest__=np.array(digest), **changes)


def _damage(path, how, built):
    t, k = built.time_s, built.kick_deg
    if how == "all_nan":
        _rewrite(path, time_s=np.full_like(t, np.nan), kick_deg=np.full_like(k, np.nan))
    elif how == "some_nan":  # reachable cells made unreachable: NaN is legitimate, so only the digest sees it
        t2, k2 = t.copy(), k.copy()
        t2[np.isfinite(t2)] = np.nan
        k2[np.isfinite(k2)] = np.nan
        _rewrite(path, time_s=t2, kick_deg=k2)
    elif how == "wrong_shape":
        _rewrite(path, time_s=t[:, :2, :3].copy(), kick_deg=k[:, :2, :3].copy())
    elif how == "mismatched_shapes":
        _rewrite(path, time_s=t[:, :, :-1].copy())
    elif how == "flipped_value":  # one finite time, 1 s later: still plausible
        t2 = t.copy()
        i = np.flatnonzero(np.isfinite(t2))[0]
        t2.flat[i] += 1.0
        _rewrite(path, time_s=t2)
    elif how == "float32":
        _rewrite(path, time_s=t.astype(np.float32), kick_deg=k.astype(np.float32))
    elif how == "no_digest":  # a file written before digests
        _rewrite(path, __digest__=None)
    elif how == "forged_digest_wrong_azimuths":  # self-consistent file, made for another grid
        _forge(path, time_s=t[:1].copy(), kick_deg=k[:1].copy())
    elif how == "negative_time_fresh_digest":
        t2 = t.copy()
        t2[np.isfinite(t2)] *= -1.0
        _forge(path, time_s=t2)
    elif how == "scalar_as_vector_fresh_digest":  # digest-consistent, but not a table's fields
        _forge(path, dh_m=np.array([1.0, 2.0]))
    else:
        raise AssertionError(how)


@pytest.mark.parametrize("how", ["all_nan", "some_nan", "wrong_shape", "mismatched_shapes", "flipped_value",
                                 "float32", "no_digest", "forged_digest_wrong_azimuths",
                                 "negative_time_fresh_digest", "scalar_as_vector_fresh_digest"])
def test_damaged_content_is_rebuilt_and_rewritten(cache, how):
    built = cached_table(MODEL, *SITE, **GRID)
    path = cache / f"{table_key(MODEL, *SITE, **GRID)}.npz"
    good = path.read_bytes()
    _damage(path, how, built)
    assert path.read_bytes() != good
    cached_table.cache_clear()  # as a new process
    again = cached_table(MODEL, *SITE, **GRID)
    _assert_same(again, build_table(MODEL, *SITE, **GRID))
    assert path.read_bytes() == good  # rebuilt and written back
    assert not list(cache.glob("*.tmp"))


def test_a_good_file_is_read_not_rebuilt(cache, monkeypatch):
    """The checks pass a table as written: it is served without a build."""
    cached_table(MODEL, *SITE, **GRID)
    cached_table.cache_clear()
    monkeypatch.setattr(flyout, "build_table", lambda *a, **k: pytest.fail("rebuilt a good table"))
    cached_table(MODEL, *SITE, **GRID)
