"""`thaadsim run` and `--png` as a user meets them when things go wrong (issue 11, "Data
safety"): interrupts, a second run into the same folder, odd output paths, a full disk.

Each case is a separate ``python -m thaadsim`` process.  No test depends on timing: a
signal is sent once the run has taken its lock (the lock file is the marker), never
after a sleep.
"""

from __future__ import annotations

import os
import resource
import signal
import time

import pytest

from tests.integration import cli
from thaadsim.outputs import bundle

# One missile, no radar, no battery: the cheapest complete run (a few seconds).
TINY = """\
name: tiny
epoch: 2017-05-01T00:00:00Z
seed: 1
sources: ["a one-missile test scenario"]
threats:
  - missile: scud-b
    from: sunan
    to: seoul
"""


@pytest.fixture
def tiny(tmp_path):
    path = tmp_path / "tiny.yaml"
    path.write_text(TINY, encoding="utf-8")
    return path


QUIET = {**os.environ, "THAADSIM_PROGRESS": "off"}
"""A run stopped midway may have printed progress lines first; these tests count the error's lines."""


def _one_line_error(result_or_err, needle):
    err = result_or_err if isinstance(result_or_err, str) else result_or_err.stderr
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    assert needle in lines[0], lines[0]


def _listing(folder):
    return sorted(p.name for p in folder.iterdir())


@pytest.mark.parametrize("signum, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_an_interrupted_run_exits_130_or_143_with_one_line_and_leaves_nothing(tmp_path, signum, code):
    """Today Ctrl-C exited 0 with no message, and SIGTERM killed the process with no line."""
    out = tmp_path / "korea"
    proc = cli.start("run", "korea-salvo", "--out", str(out), cwd=tmp_path, env=QUIET)
    lock = tmp_path / ".korea.lock"
    while not lock.exists():  # the marker: the run has checked its folder and started its work
        assert proc.poll() is None, "the run ended without ever locking its output folder"
        time.sleep(0.01)  # a poll interval, not a deadline
    proc.send_signal(signum)
    rc, _, err = cli.finish(proc)
    assert rc == code, err
    _one_line_error(err, signal.Signals(signum).name)
    assert _listing(tmp_path) == []  # no folder, no staging folder, no lock file


def test_a_second_run_into_a_locked_folder_is_refused_and_writes_nothing(tmp_path, tiny):
    """Today both runs exit 0 and print the same report path, the folder holding only the last."""
    out = tmp_path / "run"
    with bundle.reserve(out):  # another run holds the folder
        result = cli.run("run", str(tiny), "--out", str(out))
    _one_line_error(result, "another thaadsim run")
    assert result.returncode == 2
    assert _listing(tmp_path) == ["tiny.yaml"]


def test_a_dangling_symlink_as_out_is_refused(tmp_path, tiny):
    """Today the link is silently replaced by a folder."""
    link = tmp_path / "out"
    link.symlink_to(tmp_path / "nowhere")
    result = cli.run("run", str(tiny), "--out", str(link))
    assert result.returncode == 2
    _one_line_error(result, "dangling symbolic link")
    assert link.is_symlink() and os.readlink(link) == str(tmp_path / "nowhere")
    assert _listing(tmp_path) == ["out", "tiny.yaml"]


def test_out_dot_inside_an_earlier_run_folder_is_refused_untouched(tmp_path, tiny):
    earlier = tmp_path / "earlier"
    first = cli.run("run", str(tiny), "--out", str(earlier))
    assert first.returncode == 0, first.stderr
    before = {p.name: p.read_bytes() for p in earlier.iterdir()}
    result = cli.run("run", str(tiny), "--out", ".", cwd=earlier)
    assert result.returncode == 2
    _one_line_error(result, "current folder")
    assert {p.name: p.read_bytes() for p in earlier.iterdir()} == before
    assert _listing(tmp_path) == ["earlier", "tiny.yaml"]


def test_a_file_size_limit_is_one_line_exit_2_and_leaves_nothing(tmp_path, tiny):
    """``ulimit -f``: today SIGXFSZ kills the process (no message, a staging folder left)."""
    warm = cli.run("run", str(tiny), "--out", str(tmp_path / "warm"))  # compiled kernels cached: no big writes
    assert warm.returncode == 0, warm.stderr
    assert (tmp_path / "warm" / "report.html").stat().st_size > 64 * 1024  # the limit below bites

    def limit():
        resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))

    result = cli.run("run", str(tiny), "--out", str(tmp_path / "full"), preexec_fn=limit, env=QUIET)
    assert result.returncode == 2, result.stderr
    _one_line_error(result, "file size limit")
    assert _listing(tmp_path) == ["tiny.yaml", "warm"]


COVERAGE = ["coverage", "--radar", "an-tpy-2", "--mode", "terminal", "--site", "seongju", "--rcs-m2", "0.1",
            "--altitude-km", "100", "--n-azimuths", "16"]


@pytest.mark.parametrize("where", ["missing_folder", "a_folder", "dev_full"])
def test_png_that_cannot_be_written_is_one_line_exit_2(tmp_path, where):
    path = {"missing_folder": tmp_path / "no" / "map.png", "a_folder": tmp_path,
            "dev_full": "/dev/full"}[where]
    if where == "dev_full" and not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full on this system")
    result = cli.run(*COVERAGE, "--png", str(path))
    assert result.returncode == 2, result.stderr
    _one_line_error(result, "--png")
    assert _listing(tmp_path) == []



@pytest.mark.parametrize("seed, shown", [("-1", "-1"), (str(2**63), str(2**63)), ("1" + "0" * 26, "27-digit"),
                                         ("9" * 5000, "")], ids=["negative", "2^63", "1e26", "5000-digits"])
def test_a_seed_outside_the_schema_is_one_short_line_exit_2(tmp_path, tiny, seed, shown):
    """The schema caps the seed at 2^63 - 1; today `run --seed` took 10^26 and ran."""
    result = cli.run("run", str(tiny), "--out", str(tmp_path / "run"), "--seed", seed)
    assert result.returncode == 2, result.stderr
    _one_line_error(result, "--seed")
    assert shown in result.stderr and len(result.stderr) < 200
    assert _listing(tmp_path) == ["tiny.yaml"]


def test_an_error_echoing_a_huge_number_names_its_digit_count(tmp_path, tiny):
    """Today the schema's message printed a 3,000-digit seed in full."""
    bad = tmp_path / "bad.yaml"
    bad.write_text(tiny.read_text(encoding="utf-8").replace("seed: 1", "seed: " + "9" * 3000), encoding="utf-8")
    result = cli.run("scenario", "check", str(bad))
    assert result.returncode == 2, result.stderr
    _one_line_error(result, "seed")
    assert "<3000-digit number>" in result.stderr and len(result.stderr) < 300
