"""Monte Carlo studies: run i is the same however the study runs; truth sharing, resume and the command.

Authorities: the runner itself (a run of a study equals ``run_replica`` on its drawn scenario
prepared from scratch), the seed tree's definition (run i from ``SeedSequence(seed,
spawn_key=(i,))``) and the intervals of :mod:`thaadsim.studies.statistics`.
"""

from __future__ import annotations

import io
import json
import os
import signal

import numpy as np
import pytest

from tests.integration.inprocess import invoke
from thaadsim.errors import InputError
from thaadsim.scenario.loader import parse_scenario
from thaadsim.studies import montecarlo as mc
from thaadsim.studies.statistics import wilson_interval

SMALL = """\
name: mc-small
seed: 4
threats:
  - missile: scud-er
    from: sunan
    to: seongju
    launch_time_s: {choice: {values: [0, 20]}}
    rcs_m2: {lognormal: {median: 0.05, sigma: 0.7}}
radars:
  - name: tpy2
    site: seongju
batteries:
  - name: b1
    site: seongju
    radar: tpy2
    sspk: {triangular: {low: 0.3, mode: 0.5, high: 0.9}}
output:
  false_alarms: false
  coverage: false
  footprints: false
"""
RUNS = 6


@pytest.fixture(scope="module")
def small():
    return parse_scenario(SMALL, "mc-small.yaml")


@pytest.fixture(scope="module")
def embedded(small):
    return mc.run_study(small, RUNS, 11, batch_size=4)


def _parquet_bytes(table) -> bytes:
    buffer = io.BytesIO()
    mc.write_parquet(table, buffer)
    return buffer.getvalue()


def test_table_contract(embedded):
    t = embedded.table
    assert t["run"].tolist() == list(range(RUNS))
    for col in ("draw:threats[0].launch_time_s", "draw:threats[0].rcs_m2", "draw:batteries[0].sspk",
                *mc.OUTCOME_COLUMNS):
        assert col in t.columns
    assert (t["intercepted"] + t["leaked"] == t["threats"]).all()
    assert (t["no_leak"] == (t["leaked"] == 0)).all()
    assert all(len(a) == n for a, n in zip(t["intercept_alt_m"], t["intercepted"], strict=True))


def test_a_run_equals_its_drawn_scenario_run_from_scratch(small, embedded):
    """Authority: the runner. Shared truth (a cached flight, another draw's radars) changes nothing:
    each run equals run_replica on its drawn scenario, prepared anew, with the run's seed."""
    from thaadsim.scenario.runner import prepare, run_replica

    for i in range(RUNS):
        draws, sim_seed = mc.run_seeds(11, i)
        values = small.uncertainty.draw(draws)
        fresh = run_replica(prepare(small.uncertainty.scenario_with(values)), sim_seed)
        row = embedded.table.iloc[i]
        assert row["seed"] == sim_seed
        assert row["draw:threats[0].rcs_m2"] == values["threats[0].rcs_m2"]
        assert (row["intercepted"], row["leaked"], row["interceptors_fired"], row["first_detection_s"]) == (
            fresh.totals["intercepted"], fresh.totals["leaked"], fresh.totals["interceptors_fired"],
            fresh.totals["first_detection_s"])
        alts = [p["intercept_altitude_km"] * 1e3 for p in fresh.per_threat if p["intercept_altitude_km"] is not None]
        assert list(row["intercept_alt_m"]) == alts


def test_run_i_does_not_depend_on_the_number_of_runs_or_batches(small, embedded):
    """Authority: the seed tree. The first three runs of a 3-run study in batches of one are
    the first three rows of the 6-run study in batches of four."""
    short = mc.run_study(small, 3, 11, batch_size=1)
    assert _parquet_bytes(short.table) == _parquet_bytes(embedded.table.iloc[:3].reset_index(drop=True))


def test_truth_is_flown_once_per_distinct_flight(small, monkeypatch):
    """The draws (launch time, cross-section, kill probability) leave the group's flight as it is:
    the study flies it once, and places it on the look grid at each drawn launch time (each run
    equal to its drawn scenario prepared from scratch: the test above)."""
    from thaadsim.scenario import truth

    calls = []
    real = truth.fly_groups
    monkeypatch.setattr(truth, "fly_groups", lambda s, *a, **k: calls.append(s) or real(s, *a, **k))
    mc._truths.clear()
    study = mc.run_study(small, RUNS, 11, batch_size=RUNS)
    assert study.table["draw:threats[0].launch_time_s"].nunique() == 2
    assert len(calls) == 1


def test_dask_gives_the_same_bytes(small, embedded):
    """A Dask LocalCluster of two threaded workers in this process, batches of one, gathered in any
    order: the same runs.parquet bytes and the same summary."""
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        dask = mc.run_study(small, RUNS, 11, scheduler=client, batch_size=1)
    assert _parquet_bytes(dask.table) == _parquet_bytes(embedded.table)
    assert mc.summary_text(dask.summary) == mc.summary_text(embedded.summary)


def test_a_local_cluster_starts_quiet():
    """``--workers`` starts its cluster with LOCAL_CLUSTER_CONFIG, in the workers (through their
    environment) and in the scheduler here: Dask's defaults wake every process 50 times a second
    and profile every task (~7 % of a 2-core machine, measured)."""
    import dask

    client, close = mc.dask_client(1, None)
    try:
        for key, value in mc.LOCAL_CLUSTER_CONFIG.items():
            assert set(client.run(dask.config.get, key).values()) == {value}, key
        tick_s = client.run_on_scheduler(lambda dask_scheduler: dask_scheduler._tick_interval)
        assert tick_s == 1.0
    finally:
        close()


def test_summary_intervals(embedded):
    s = embedded.summary
    t = embedded.table
    assert s["runs"] == RUNS
    assert s["p_no_leak"] == pytest.approx(t["no_leak"].mean())
    assert s["p_no_leak_ci95"] == wilson_interval(int(t["no_leak"].sum()), RUNS).as_list()
    assert s["p_no_leak_ci_method"] == "wilson" and s["mean_leaked_ci_method"] == "bootstrap"
    assert s["mean_leaked"] == pytest.approx(t["leaked"].mean())
    lo, hi = s["mean_interceptors_fired_ci95"]
    assert lo <= s["mean_interceptors_fired"] <= hi
    assert s["intercept_alt_m"]["n"] == int(t["intercepted"].sum())


class _Interrupt(Exception):
    pass


def test_resume_counts_each_run_once(small, embedded, tmp_path):
    out = tmp_path / "study"
    seen = []

    def stop_after_two_batches(done, total, label):
        seen.append(done)
        if done >= 4:
            raise _Interrupt

    with pytest.raises(_Interrupt):
        mc.run_study(small, RUNS, 11, batch_size=2, out=out, progress=stop_after_two_batches)
    parts = sorted(p.name for p in mc.parts_folder(out).glob("runs-*.parquet"))
    assert parts == ["runs-000000000-000000001.parquet", "runs-000000002-000000003.parquet"]
    with pytest.raises(InputError, match="--resume"):
        mc.run_study(small, RUNS, 11, batch_size=2, out=out)
    with pytest.raises(InputError, match="another scenario, seed"):
        mc.run_study(small, RUNS, 12, out=out, resume=True)
    computed = []
    resumed = mc.run_study(small, RUNS, 11, batch_size=3, out=out, resume=True,
                           progress=lambda d, n, label: computed.append(d))
    assert resumed.summary["resumed_runs"] == 4
    assert computed[0] == 4 and computed[-1] == RUNS  # only runs 4 and 5 were run again
    assert _parquet_bytes(resumed.table) == _parquet_bytes(embedded.table)
    mc.finish_parts(out)
    assert not mc.parts_folder(out).exists()


def test_montecarlo_command(tmp_path):
    scenario = tmp_path / "mc-small.yaml"
    scenario.write_text(SMALL)
    out = tmp_path / "study"
    code, stdout, stderr = invoke("montecarlo", str(scenario), "--runs", "3", "--seed", "11", "--out", str(out),
                                  "--json", env={"THAADSIM_PROGRESS": "plain"})
    assert code == 0, stderr
    summary = json.loads(stdout)  # progress lines never reach stdout
    for key in ("runs", "p_no_leak", "p_no_leak_ci95", "mean_leaked", "mean_leaked_ci95", "mean_interceptors_fired"):
        assert key in summary
    assert sorted(os.listdir(out)) == [".thaadsim-run.json", "convergence.png", "runs.parquet", "study.html",
                                       "summary.json"]
    page = (out / "study.html").read_text(encoding="utf-8")  # the answer first, then the figures, embedded
    assert page.index('class="answer"') < page.index("data:image/png;base64,") and "3 runs" in page
    assert json.loads((out / "summary.json").read_text()) == summary
    import pandas as pd

    assert pd.read_parquet(out / "runs.parquet")["run"].tolist() == [0, 1, 2]
    # a second study replaces the first one (its manifest lists exactly its files)
    code, stdout, _ = invoke("montecarlo", str(scenario), "--runs", "2", "--seed", "11", "--out", str(out))
    assert code == 0 and "P(no leak)" in stdout and "wilson" in stdout


@pytest.mark.parametrize(("args", "field"), [
    (["--runs", "0"], "--runs"),
    (["--runs", "2", "--workers", "2", "--scheduler", "tcp://127.0.0.1:1"], "--workers"),
    (["--runs", "2", "--resume"], "--resume"),
])
def test_montecarlo_bad_input_is_one_line(tmp_path, args, field):
    scenario = tmp_path / "mc-small.yaml"
    scenario.write_text(SMALL)
    code, stdout, stderr = invoke("montecarlo", str(scenario), *args, "--out", str(tmp_path / "o"))
    assert code == 2
    assert len(stderr.strip().splitlines()) == 1 and field in stderr
    assert sorted(os.listdir(tmp_path)) == ["mc-small.yaml"]  # no study folder, no parts, no lock


@pytest.mark.slow
def test_a_killed_worker_loses_no_run(small, embedded):
    """Two worker processes on loopback, reached by the scheduler's address; one is killed (SIGKILL) after the first batch comes
    back. Its batches run again on the other (or its restarted) worker: every run once, the
    same bytes as embedded."""
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster, Client(cluster) as client:
        pids = sorted(client.run(os.getpid).values())
        killed = []

        def kill_one(done, total, label):
            if done >= 1 and not killed:
                os.kill(pids[0], signal.SIGKILL)
                killed.append(pids[0])

        # by address, as --scheduler tcp://host:port connects
        dask = mc.run_study(small, RUNS, 11, scheduler=cluster.scheduler_address, batch_size=1, progress=kill_one)
    assert killed
    assert _parquet_bytes(dask.table) == _parquet_bytes(embedded.table)
    assert np.array_equal(dask.table["run"].to_numpy(), np.arange(RUNS))


def test_check_refuses_a_distribution_whose_high_end_cannot_fly(tmp_path):
    """The nominal apogee (400 km) flies; the high end (600 km) is beyond what a Scud-ER lofted
    to Seongju reaches: refused before any run, at the line of the distribution."""
    text = SMALL.replace("    rcs_m2:", "    profile: lofted\n    apogee_km: {uniform: {low: 200, high: 600}}\n    rcs_m2:")
    scenario = tmp_path / "mc-lofted.yaml"
    scenario.write_text(text)
    for args in (["scenario", "check", str(scenario)],
                 ["montecarlo", str(scenario), "--runs", "2", "--out", str(tmp_path / "o")]):
        code, _, stderr = invoke(*args)
        assert code == 2, stderr
        assert stderr.startswith(f"error: {scenario}:9: threats[0].apogee_km: ") and "high end" in stderr
    assert sorted(os.listdir(tmp_path)) == ["mc-lofted.yaml"]


_FAULTS_CHILD = """
import resource
from thaadsim.scenario.loader import load_scenario
from thaadsim.studies import montecarlo as mc

def faults(runs):
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    mc.run_batch(scenario, 1, runs)
    return (resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / len(runs)

scenario = load_scenario("korea-salvo")
mc._malloc_kept = False  # first as if the allocator could not be told: its defaults stand
mc.run_batch(scenario, 1, [0, 1])  # kernels loaded, truth flown
default = faults([2, 3])
mc._malloc_kept = None
assert mc.keep_freed_memory()
mc.run_batch(scenario, 1, [4])  # the heap grown to a run
print(faults([5, 6]), default)
"""


@pytest.mark.skipif(not os.path.exists("/lib/x86_64-linux-gnu/libc.so.6") and not os.path.exists("/lib64/libc.so.6"),
                    reason="glibc's mallopt only")
def test_a_study_process_reuses_the_memory_a_run_frees():
    """Authority: the kernel's count of minor page faults (``getrusage``).  A korea-salvo run
    frees ~30 MB of arrays; in a study process (``keep_freed_memory``, glibc) the next run
    reuses those pages - a few dozen faults a run instead of ~8,000-17,000 with the allocator's
    defaults (measured: ~20 ms of system time a run)."""
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", _FAULTS_CHILD], capture_output=True, text=True, check=True,
                         env={**os.environ, "MALLOC_TRIM_THRESHOLD_": "65536"})  # as a Dask worker starts
    kept, default = (float(v) for v in out.stdout.strip().splitlines()[-1].split())
    assert kept < 1000 < 4000 < default, (kept, default)
