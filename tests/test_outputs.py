"""What every job leaves behind: files with the user's permissions, and a run that never
writes into another's folder unasked."""

from __future__ import annotations

import os
import stat

import pytest

from bondsim.cli import main
from conftest import ROOT

SCENARIOS = ROOT / "scenarios"
BASELINE = SCENARIOS / "baseline.toml"


# --- permissions ----------------------------------------------------------------------------

@pytest.mark.parametrize("umask", [0o022, 0o027])
def test_outputs_are_written_with_the_users_umask(tmp_path, umask):
    exp = tmp_path / "exp.toml"
    exp.write_text(f'name = "exp"\nscenarios = ["{BASELINE}"]\nreplicates = 2\nseed = 1\n'
                   "households = 200\nmonths = 3\n")
    previous = os.umask(umask)
    try:
        assert main(["run", str(BASELINE), "--households", "200", "--months", "3", "--out",
                     str(tmp_path / "run"), "--quiet"]) == 0
        assert main(["batch", str(exp), "--out", str(tmp_path / "batch"), "--workers", "1",
                     "--quiet"]) == 0
    finally:
        os.umask(previous)
    files = list((tmp_path / "run").rglob("*")) + list((tmp_path / "batch").rglob("*"))
    assert {p.name for p in files} >= {"timeseries.csv", "manifest.json", "trajectories.png",
                                       "summary.csv", "timeseries.parquet", "00001.npy"}
    for path in files:
        expected = (0o777 if path.is_dir() else 0o666) & ~umask
        assert stat.S_IMODE(path.stat().st_mode) == expected, path


# --- run --out ------------------------------------------------------------------------------

def test_run_refuses_a_folder_that_is_not_empty_unless_forced(tmp_path, capsys):
    out = tmp_path / "taken"
    out.mkdir()
    (out / "notes.txt").write_text("someone else's\n")
    args = ["run", str(BASELINE), "--households", "200", "--months", "3", "--out", str(out),
            "--quiet"]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "output folder is not empty" in err
    assert "--force" in err
    assert "Traceback" not in err
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]  # refused before the run
    assert main([*args, "--force"]) == 0
    assert (out / "timeseries.csv").is_file()
    assert (out / "notes.txt").read_text() == "someone else's\n"
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main([*args[:-3], "--out", str(empty), "--quiet"]) == 0  # an empty folder is fine
