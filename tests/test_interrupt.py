"""Ctrl-C and SIGTERM stop a many-run job within seconds, leave no process behind, keep the
finished runs, and ``--resume`` then gives exactly the results of an uninterrupted job.

The jobs run for real, as ``bondsim`` in a process group of their own on a process pool, and
are signalled as a terminal (Ctrl-C: SIGINT to the whole group) or a scheduler (SIGTERM to the
parent) would."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from bondsim.cli import main
from bondsim.experiments.batch import run_batch
from bondsim.experiments.executor import run_all
from bondsim.experiments.sweep import run_sweep
from conftest import ROOT

SCENARIOS = ROOT / "scenarios"
STOP_WITHIN = 5.0  # seconds from the signal until every process of the job is gone

# The job's SIGINT must be the default one even when the tests run where it is ignored (a
# background job of a non-interactive shell): reset it, then become ``bondsim``.
TRAMPOLINE = ("import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); "
              "os.execv(sys.executable, [sys.executable, '-m', 'bondsim.cli', *sys.argv[1:]])")


def _experiment(tmp_path: Path) -> Path:
    path = tmp_path / "exp.toml"
    path.write_text('name = "exp"\n'
                    f'scenarios = ["{SCENARIOS / "baseline.toml"}", '
                    f'"{SCENARIOS / "cash_transfer.toml"}"]\n'
                    "replicates = 60\nseed = 5\nhouseholds = 200\nmonths = 24\n")
    return path


def _sweep(tmp_path: Path) -> Path:
    path = tmp_path / "sweep.toml"
    path.write_text('name = "sw"\n'
                    f'scenario = "{SCENARIOS / "combined_package.toml"}"\n'
                    'method = "morris"\nsamples = 12\nreplicates = 2\nseed = 1\n'
                    "households = 200\nmonths = 24\nwindow = 12\n"
                    'outcomes = ["bonded_share", "child_labour_rate"]\n'
                    '[[factors]]\nname = "prison_cost_months"\nlow = 1.0\nhigh = 20.0\n'
                    '[[factors]]\nname = "markup_annual"\nlow = 0.0\nhigh = 1.0\n'
                    '[[factors]]\nname = "illness_rate"\nlow = 0.01\nhigh = 0.06\n')
    return path


def _start(tmp_path: Path, *args: str) -> tuple[subprocess.Popen, Path]:
    """``bondsim ARGS`` in a new process group (its pid is the group's id); its stderr goes
    to a file, which a leftover worker cannot keep open for the test."""
    err = tmp_path / "stderr.txt"
    with open(err, "w") as handle:
        job = subprocess.Popen([sys.executable, "-c", TRAMPOLINE, *args], stdout=handle,
                               stderr=handle, start_new_session=True)
    return job, err


def _saved(folder: Path) -> int:
    return sum(1 for _ in folder.glob("runs/**/*.npy"))


def _wait_for_saved(job: subprocess.Popen, folder: Path, at_least: int) -> None:
    deadline = time.monotonic() + 120
    while _saved(folder) < at_least:
        assert job.poll() is None, "the job ended before it could be interrupted"
        assert time.monotonic() < deadline, "no runs were saved in two minutes"
        time.sleep(0.02)


def _running_in_group(group: int) -> list[int]:
    """Processes of the group still running (zombies, already ended and waiting to be reaped
    by init, do not count)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        state, pgid = fields[0], int(fields[2])
        if pgid == group and state not in ("Z", "X"):
            found.append(int(entry.name))
    return found


def _stop(job: subprocess.Popen, how: signal.Signals, to_group: bool) -> float:
    """Signal the job; return the seconds until it and every process of its group ended."""
    start = time.monotonic()
    if to_group:
        os.killpg(job.pid, how)
    else:
        job.send_signal(how)
    try:
        job.wait(timeout=STOP_WITHIN)
        while _running_in_group(job.pid) and time.monotonic() - start < STOP_WITHIN:
            time.sleep(0.02)
    finally:
        leftover = _running_in_group(job.pid)
        if job.poll() is None or leftover:
            os.killpg(job.pid, signal.SIGKILL)
            job.wait()
    assert not leftover, f"processes {leftover} still running {STOP_WITHIN} s after {how.name}"
    return time.monotonic() - start


def _one_line(err: Path, word: str) -> str:
    text = err.read_text()
    assert "Traceback" not in text
    lines = text.strip().splitlines()
    assert len(lines) == 1, text
    assert lines[0].startswith(f"bondsim: {word}")
    return lines[0]


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_ctrl_c_stops_a_batch_and_resume_finishes_it(tmp_path):
    exp, out = _experiment(tmp_path), tmp_path / "interrupted"
    job, err = _start(tmp_path, "batch", str(exp), "--out", str(out), "--workers", "2",
                      "--quiet")
    _wait_for_saved(job, out, 4)
    seconds = _stop(job, signal.SIGINT, to_group=True)
    assert seconds < STOP_WITHIN
    assert job.returncode == 130
    assert str(out) in _one_line(err, "interrupted")
    saved = _saved(out)
    assert 4 <= saved < 120  # the pending runs were cancelled, the finished ones kept
    assert main(["batch", str(exp), "--out", str(out), "--resume", "--workers", "1",
                 "--quiet"]) == 0
    whole = run_batch(exp, out=tmp_path / "whole", workers=1)
    pd.testing.assert_frame_equal(pd.read_parquet(out / "timeseries.parquet"),
                                  whole.timeseries)


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_sigterm_stops_a_sweep_and_its_workers(tmp_path):
    sweep, out = _sweep(tmp_path), tmp_path / "terminated"
    job, err = _start(tmp_path, "sweep", str(sweep), "--out", str(out), "--workers", "2",
                      "--quiet")
    _wait_for_saved(job, out, 3)
    seconds = _stop(job, signal.SIGTERM, to_group=False)  # the parent only, as `kill` does
    assert seconds < STOP_WITHIN
    assert job.returncode == 143
    _one_line(err, "terminated")
    assert 3 <= _saved(out) < 48
    resumed = run_sweep(sweep, out=out, resume=True, workers=1)
    whole = run_sweep(sweep, out=tmp_path / "whole", workers=1)
    pd.testing.assert_frame_equal(resumed.results, whole.results)
    pd.testing.assert_frame_equal(resumed.indices, whole.indices)


def test_leaving_a_pool_early_ends_its_workers_at_once():
    """A consumer that stops (an error while saving, an interrupt) must not wait for the
    queued work: here three tasks of a minute each."""
    psutil = pytest.importorskip("psutil")

    results = run_all(time.sleep, [0, 60, 60, 60], workers=2)
    assert next(results) is None
    workers = psutil.Process().children()
    start = time.monotonic()
    results.close()
    assert time.monotonic() - start < STOP_WITHIN
    assert not [p for p in workers if p.is_running() and p.status() != psutil.STATUS_ZOMBIE
                and "spawn_main" in " ".join(p.cmdline())]


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_ctrl_c_while_workers_start_prints_no_traceback(tmp_path):
    """Workers take seconds to import bondsim (numpy, Mesa, ...); a Ctrl-C then reaches them
    too, and must not make each print a traceback."""
    exp, out = _experiment(tmp_path), tmp_path / "early"
    job, err = _start(tmp_path, "batch", str(exp), "--out", str(out), "--workers", "2",
                      "--quiet")
    deadline = time.monotonic() + 120
    while not any(_importing(pid) for pid in _running_in_group(job.pid)):
        assert job.poll() is None
        assert time.monotonic() < deadline
        time.sleep(0.005)
    assert _saved(out) == 0
    assert _stop(job, signal.SIGINT, to_group=True) < STOP_WITHIN
    assert job.returncode == 130
    _one_line(err, "interrupted")


def _importing(pid: int) -> bool:
    """A worker that has begun to import bondsim (numpy is loaded) but not Mesa yet."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        maps = Path(f"/proc/{pid}/maps").read_text()
    except OSError:
        return False
    return b"spawn_main" in cmdline and "numpy" in maps and "/mesa/" not in maps
