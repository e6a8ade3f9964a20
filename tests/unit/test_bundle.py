"""The output folder is written all or nothing (outputs/bundle.py)."""

from __future__ import annotations

import pytest

from tests.scenario_example import example_result
from thaadsim.errors import InputError
from thaadsim.outputs import bundle, kml


def test_bundle_writes_every_file_then_replaces_an_earlier_run(tmp_path):
    out = tmp_path / "run"
    bundle.write_bundle(example_result(), out)
    assert sorted(p.name for p in out.iterdir()) == sorted([*bundle.FILES, bundle.MANIFEST])
    bundle.write_bundle(example_result(), out)  # an earlier run, marked by its manifest
    assert (out / "summary.json").read_text(encoding="utf-8") == bundle.summary_text(example_result())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]


def test_a_failing_writer_leaves_no_folder_and_the_earlier_run_intact(tmp_path, monkeypatch):
    def broken(result, path):
        raise RuntimeError("disk full")

    fresh, earlier = tmp_path / "fresh", tmp_path / "earlier"
    bundle.write_bundle(example_result(), earlier)
    before = (earlier / "summary.json").read_bytes()
    monkeypatch.setattr(kml, "write_kml", broken)
    for target in (fresh, earlier):
        with pytest.raises(RuntimeError):
            bundle.write_bundle(example_result(), target)
    assert not fresh.exists()
    assert (earlier / "summary.json").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["earlier"]


def test_a_folder_that_holds_no_run_is_refused(tmp_path):
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep", encoding="utf-8")
    with pytest.raises(InputError, match="--out"):
        bundle.write_bundle(example_result(), tmp_path / "mine")


def test_a_stop_right_after_the_lock_is_taken_leaves_no_lock_file(tmp_path, monkeypatch):
    """A Ctrl-C landing between the lock file's creation and reserve's cleanup (seen in the
    suite: the run exited 130 but left .korea.lock) still removes the lock: the signal is sent
    at the worst moment, as _acquire returns, and must surface inside reserve's try."""
    import os
    import signal

    class Stopped(Exception):
        pass

    def stop(signum, frame):
        raise Stopped

    acquire = bundle._acquire

    def acquire_then_signal(target, wait_s):
        fd = acquire(target, wait_s)
        os.kill(os.getpid(), signal.SIGINT)  # delivered at once unless reserve holds stops off
        return fd

    monkeypatch.setattr(bundle, "_acquire", acquire_then_signal)
    previous = signal.signal(signal.SIGINT, stop)
    try:
        with pytest.raises(Stopped):
            with bundle.reserve(tmp_path / "run"):
                pass
        assert signal.getsignal(signal.SIGINT) is stop  # the handler put back
    finally:
        signal.signal(signal.SIGINT, previous)
    assert sorted(p.name for p in tmp_path.iterdir()) == []
