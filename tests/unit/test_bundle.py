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
