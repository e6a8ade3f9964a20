"""A run never removes a file it did not write (outputs/bundle.py, issue 11 "Data safety").

The folder a run writes carries a manifest naming every file with its size and sha256; an
existing ``--out`` folder is replaced only when it holds exactly such a run, unchanged,
and then only the listed files go.  Every other folder is refused with nothing touched.
Also here: the run folder's permissions follow the umask, and staging folders left by a
killed process are cleaned on the next run (only a dead process's, only our files).
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys

import pytest

from tests.scenario_example import example_result
from thaadsim.errors import InputError
from thaadsim.outputs import bundle


def _tree(root):
    """Every path under ``root`` with its bytes (None for a folder): what 'untouched' means."""
    return {str(p.relative_to(root)): (None if p.is_dir() else p.read_bytes()) for p in sorted(root.rglob("*"))}


def test_manifest_names_every_file_with_its_size_and_digest(tmp_path):
    out = tmp_path / "run"
    bundle.write_bundle(example_result(), out)
    doc = json.loads((out / bundle.MANIFEST).read_text(encoding="utf-8"))
    assert doc["tool"] == "thaadsim"
    assert [f["name"] for f in doc["files"]] == list(bundle.FILES)
    for f in doc["files"]:
        data = (out / f["name"]).read_bytes()
        assert f["bytes"] == len(data)
        assert f["sha256"] == hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize("layout", ["summary_and_notes", "summary_and_subfolder", "only_notes", "forged_manifest",
                                    "manifest_not_json", "manifest_lists_parent"])
def test_a_folder_that_is_not_a_thaadsim_run_is_refused_untouched(tmp_path, layout):
    """Today's rule (a file named summary.json marks a run) deleted these folders whole."""
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "summary.json").write_text('{"my": "own results"}', encoding="utf-8")
    if layout == "summary_and_notes":
        (mine / "notes.txt").write_text("keep", encoding="utf-8")
    elif layout == "summary_and_subfolder":
        (mine / "data").mkdir()
        (mine / "data" / "x.csv").write_text("1,2\n", encoding="utf-8")
    elif layout == "only_notes":
        (mine / "summary.json").unlink()
        (mine / "notes.txt").write_text("keep", encoding="utf-8")
    elif layout == "forged_manifest":  # a manifest not written by thaadsim
        (mine / bundle.MANIFEST).write_text(json.dumps({"tool": "other", "files": []}), encoding="utf-8")
    elif layout == "manifest_not_json":
        (mine / bundle.MANIFEST).write_text("{not json", encoding="utf-8")
    else:  # a manifest that would reach outside the folder
        (mine / bundle.MANIFEST).write_text(json.dumps(
            {"tool": "thaadsim", "files": [{"name": "../victim", "bytes": 1, "sha256": "0" * 64}]}), encoding="utf-8")
    (tmp_path / "victim").write_text("v", encoding="utf-8")
    before = _tree(tmp_path)
    with pytest.raises(InputError, match="--out"):
        bundle.write_bundle(example_result(), mine)
    assert _tree(tmp_path) == before


@pytest.mark.parametrize("change", ["extra_file", "extra_folder", "edited_file", "missing_file", "file_is_link"])
def test_an_earlier_run_that_holds_anything_else_is_refused_untouched(tmp_path, change):
    out = tmp_path / "run"
    bundle.write_bundle(example_result(), out)
    if change == "extra_file":
        (out / "my-notes.md").write_text("mine", encoding="utf-8")
    elif change == "extra_folder":
        (out / "figures").mkdir()
    elif change == "edited_file":
        with open(out / "report.html", "a", encoding="utf-8") as fh:
            fh.write("<!-- my annotation -->")
    elif change == "missing_file":
        (out / "scenario.kml").unlink()
    else:
        (tmp_path / "elsewhere.csv").write_bytes((out / "events.csv").read_bytes())
        (out / "events.csv").unlink()
        (out / "events.csv").symlink_to(tmp_path / "elsewhere.csv")
    before = _tree(tmp_path)
    with pytest.raises(InputError, match="--out"):
        bundle.write_bundle(example_result(), out)
    assert _tree(tmp_path) == before


def test_an_earlier_run_is_replaced_and_its_neighbours_kept(tmp_path):
    out = tmp_path / "run"
    bundle.write_bundle(example_result(), out)
    (tmp_path / "beside.txt").write_text("keep", encoding="utf-8")
    (out / "summary.json").chmod(0o600)  # a mode change is not a content change
    bundle.write_bundle(example_result(), out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["beside.txt", "run"]
    assert (out / "summary.json").read_text(encoding="utf-8") == bundle.summary_text(example_result())


@pytest.mark.parametrize("mask", [0o022, 0o077, 0o002])
def test_the_run_folder_follows_the_umask(tmp_path, mask):
    """mkdtemp makes the staging folder 0700; the run folder must not keep that."""
    old = os.umask(mask)
    try:
        bundle.write_bundle(example_result(), tmp_path / "run")
    finally:
        os.umask(old)
    assert (tmp_path / "run").stat().st_mode & 0o777 == 0o777 & ~mask
    assert (tmp_path / "run" / "summary.json").stat().st_mode & 0o777 == 0o666 & ~mask


# A process that starts writing a run and stops inside the writers until it is killed.
_STALLED_WRITER = """
import sys
from tests.scenario_example import example_result
from thaadsim.outputs import bundle, kml

def stall(result, path):
    print("writing", flush=True)
    sys.stdin.read()  # until killed

kml.write_kml = stall
bundle.write_bundle(example_result(), sys.argv[1])
"""


def _killed_while_writing(out):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = subprocess.Popen([sys.executable, "-c", _STALLED_WRITER, str(out)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True, env=env)
    assert proc.stdout.readline().strip() == "writing"  # the marker: it is inside the writers
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    proc.stdin.close()
    proc.stdout.close()
    return proc.pid


def test_stale_staging_folder_of_a_killed_run_is_cleaned_by_the_next(tmp_path):
    out = tmp_path / "run"
    pid = _killed_while_writing(out)
    stale = [p for p in tmp_path.iterdir() if p.name.startswith(".run.partial-")]
    assert len(stale) == 1 and f"-{pid}-" in stale[0].name  # the owner's pid is on the folder
    assert not out.exists()
    bundle.write_bundle(example_result(), out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]


def test_staging_folder_of_a_live_process_or_with_a_foreign_file_is_kept(tmp_path):
    live = tmp_path / f".run.partial-{os.getpid()}-abc"  # this process is alive
    live.mkdir()
    (live / "summary.json").write_text("{}", encoding="utf-8")
    pid = _killed_while_writing(tmp_path / "run")
    (dead,) = [p for p in tmp_path.iterdir() if p.name.startswith(f".run.partial-{pid}-")]
    (dead / "not-ours.txt").write_text("keep", encoding="utf-8")
    bundle.write_bundle(example_result(), tmp_path / "run")
    assert (live / "summary.json").exists()
    assert sorted(p.name for p in dead.iterdir()) == ["not-ours.txt"]  # only the run's own files went
