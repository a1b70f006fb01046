"""What every job leaves behind: files with the user's permissions, a run that never writes
into another's folder unasked, and a manifest with the same core for every kind of job."""

from __future__ import annotations

import dataclasses
import hashlib
import importlib.metadata
import json
import os
import re
import shutil
import stat
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import bondsim
from bondsim.cli import main
from bondsim.experiments.effect import replicate_seeds
from bondsim.manifest import CORE, INSTALLED, git_state
from bondsim.simulation.parameters import Params
from conftest import DISTRICTS, ROOT

SCENARIOS = ROOT / "scenarios"
BASELINE = SCENARIOS / "baseline.toml"
PARAMS = {f.name for f in dataclasses.fields(Params)}


# --- permissions ----------------------------------------------------------------------------

@pytest.mark.slow
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

@pytest.mark.slow
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


@pytest.mark.parametrize("command", [
    ["effect", "cash_transfer", "--replicates", "1"],
    ["survey", "baseline", "--kilns", "4", "--replicates", "1", "--surveys", "5",
     "--counts", "4"]])
def test_effect_and_survey_refuse_a_folder_that_is_not_empty_unless_forced(command, tmp_path,
                                                                          capsys):
    out = tmp_path / "taken"
    out.mkdir()
    (out / "notes.txt").write_text("someone else's\n")
    args = [*command, "--households", "300", "--months", "3", "--out", str(out)]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "output folder is not empty" in err
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]  # refused before the runs
    assert main([*args, "--force"]) == 0
    assert (out / "manifest.json").is_file()
    assert (out / "notes.txt").read_text() == "someone else's\n"


# --- manifests --------------------------------------------------------------------------------



def _inputs(folder: Path) -> dict[str, Path]:
    """The input files of every kind of job, small."""
    files = {
        "scenario": SCENARIOS / "cash_transfer.toml",
        "baseline": BASELINE,
        "policy": SCENARIOS / "inspections_only.toml",
        "experiment": folder / "experiment.toml",
        "sweep": folder / "sweep.toml",
        "plan": folder / "plan.toml",
        "districts": folder / "districts.toml",
        "base": folder / "base.toml",
        "calibration": folder / "calibration.toml",
        "discovery": folder / "discovery.toml",
    }
    files["experiment"].write_text(
        f'name = "exp"\nscenarios = ["{BASELINE}", "{files["scenario"]}"]\nreplicates = 2\n'
        "seed = 3\nhouseholds = 200\nmonths = 6\n")
    files["sweep"].write_text(
        f'name = "sw"\nscenario = "{files["scenario"]}"\nmethod = "morris"\nsamples = 2\n'
        "replicates = 1\nseed = 1\nhouseholds = 200\nmonths = 6\nwindow = 3\n"
        'outcomes = ["bonded_share", "public_cost"]\n'
        '[[factors]]\nname = "markup_annual"\nlow = 0.0\nhigh = 1.0\n'
        '[[factors]]\nname = "cash_transfer.coverage"\nlow = 0.1\nhigh = 0.9\n')
    files["districts"].write_text(DISTRICTS)
    files["base"].write_text('name = "base"\n[parameters]\nillness_rate = 0.03\n')
    files["plan"].write_text(
        'name = "p"\ndistricts_file = "districts.toml"\nbase_scenario = "base.toml"\n'
        "horizon = 6\nbudget = 100_000\nreplicates = 2\nseed = 4\n"
        '[[strategies]]\nname = "enforce"\n[[strategies.allocations]]\ntype = "inspections"\n'
        "budget = 50_000\ninspections_per_district = 1\n")
    files["calibration"].write_text(
        'name = "cal"\nsamples = 10\nreplicates = 1\ncheck_replicates = 2\nmin_accepted = 2\n'
        "seed = 5\nhouseholds = 200\nmonths = 6\nwindow = 3\n"
        '[[parameters]]\nname = "markup_annual"\nlow = 0.0\nhigh = 1.0\n'
        f'[[targets]]\nscenario = "{BASELINE}"\noutcome = "indebted_share"\nvalue = 0.7\n'
        'tolerance = 0.1\nsource = "synthetic"\n')
    files["discovery"].write_text(
        f'name = "disc"\npolicies = ["{files["policy"]}", "{files["scenario"]}"]\n'
        f'baseline = "{BASELINE}"\nfutures = 10\nreplicates = 1\nseed = 2\nhouseholds = 200\n'
        'months = 6\nwindow = 3\n[criterion]\noutcome = "bonded_share"\nkind = "absolute"\n'
        "threshold = 0.45\n"
        '[[uncertain]]\nname = "markup_annual"\nlow = 0.0\nhigh = 1.0\n'
        '[[uncertain]]\nname = "prison_cost_months"\nlow = 1.0\nhigh = 20.0\n')
    return files


# kind: (command line, {role: input file key}), run by ``main`` into <tmp>/<kind>
JOBS = {
    "run": (["run", "{scenario}", "--households", "200", "--months", "4", "--seed", "9"],
            {"scenario": "scenario"}),
    "effect": (["effect", "{scenario}", "--baseline", "{baseline}", "--replicates", "2",
                "--households", "200", "--months", "4"],
               {"scenario": "scenario", "baseline": "baseline"}),
    "batch": (["batch", "{experiment}", "--workers", "1", "--quiet"],
              {"experiment": "experiment", "scenario": ["baseline", "scenario"]}),
    "sweep": (["sweep", "{sweep}", "--workers", "1", "--quiet"],
              {"sweep": "sweep", "scenario": "scenario"}),
    "plan": (["plan", "{plan}", "--workers", "1", "--quiet"],
             {"plan": "plan", "district profile": "districts", "base scenario": "base"}),
    "calibration": (["calibrate", "{calibration}", "--workers", "1", "--quiet"],
                    {"calibration": "calibration", "scenario": "baseline"}),
    "discovery": (["discover", "{discovery}", "--workers", "1", "--quiet"],
                  {"discovery": "discovery", "scenario": ["policy", "scenario", "baseline"]}),
    "survey": (["survey", "{baseline}", "--kilns", "4", "--replicates", "2", "--surveys", "5",
                "--households", "300", "--months", "4", "--counts", "4,8"],
               {"scenario": "baseline"}),
}


@pytest.fixture(scope="module")
def jobs(tmp_path_factory):
    """Every kind of job, run once, small: kind -> (output folder, input files)."""
    pytest.importorskip("ema_workbench")
    tmp = tmp_path_factory.mktemp("jobs")
    files = _inputs(tmp)
    done = {}
    for kind, (args, _) in JOBS.items():
        out = tmp / kind
        command = [a.format(**{k: str(v) for k, v in files.items()}) for a in args]
        assert main([*command, "--out", str(out)]) == 0, kind
        done[kind] = out
    return done, files


@pytest.mark.slow
@pytest.mark.parametrize("kind", list(JOBS))
def test_every_manifest_has_the_same_core_with_real_values(jobs, kind):
    folders, files = jobs
    m = json.loads((folders[kind] / "manifest.json").read_text())
    assert list(m)[:len(CORE)] == list(CORE)  # the core first, in one order
    assert m["kind"] == kind
    created = datetime.fromisoformat(m["created"])
    assert timedelta(0) <= datetime.now(UTC) - created < timedelta(hours=1)
    assert m["command"]
    assert all(isinstance(a, str) for a in m["command"])
    assert m["bondsim"] == bondsim.__version__
    commit = m["git"]["commit"]
    assert commit == INSTALLED or re.fullmatch(r"[0-9a-f]{40}", commit)
    assert m["packages"]["numpy"] == importlib.metadata.version("numpy")
    # the resolved parameters: every one of them, for every scenario or district run
    assert m["parameters"]
    for values in m["parameters"].values():
        assert set(values) == PARAMS
    # the seeds
    assert m["seeds"]
    assert all(isinstance(s, int) and 0 <= s < 2**63 for s in m["seeds"])
    # every input file, with the sha256 of its content
    roles = JOBS[kind][1]
    wanted = {(role, str(files[key].resolve())) for role, keys in roles.items()
              for key in ([keys] if isinstance(keys, str) else keys)}
    assert {(i["role"], i["path"]) for i in m["inputs"]} == wanted
    for item in m["inputs"]:
        assert item["sha256"] == hashlib.sha256(Path(item["path"]).read_bytes()).hexdigest()
    # the prices the rupees are in: the base year and the CPI table's hash
    cpi = ROOT / "model" / "data" / "cpi.csv"
    assert m["prices"]["base_year"] == 2020
    assert m["prices"]["cpi_sha256"] == hashlib.sha256(cpi.read_bytes()).hexdigest()


def test_manifests_record_the_parameters_and_seeds_actually_used(jobs):
    folders, _files = jobs
    read = {kind: json.loads((folders[kind] / "manifest.json").read_text()) for kind in JOBS}
    assert read["run"]["seeds"] == [9]
    assert read["batch"]["seeds"] == replicate_seeds(3, 2)
    assert set(read["batch"]["parameters"]) == {"baseline", "cash_transfer"}
    assert set(read["effect"]["parameters"]) == {"cash_transfer", "baseline"}
    south = read["plan"]["parameters"]["South"]
    assert south["markup_annual"] == 0.4          # the district profile's figure
    assert south["illness_rate"] == 0.03          # the base scenario's override
    assert south["initial_indebted_share"] == 0.8
    assert south["advance_limit_months"] == Params().advance_limit_months  # a default


# --- the commit ---------------------------------------------------------------------------------

@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_git_commit_only_from_a_checkout_of_bondsim(tmp_path):
    own = git_state()
    if (ROOT / ".git").exists() and (ROOT / "model" / "__init__.py").exists():
        assert re.fullmatch(r"[0-9a-f]{40}", own["commit"])
        assert isinstance(own["dirty"], bool)
    # bondsim installed in the virtual environment of a user's unrelated repository
    repo = tmp_path / "analysis"
    package = repo / ".venv" / "lib" / "site-packages" / "bondsim"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (repo / "notes.md").write_text("my study\n")
    (repo / ".gitignore").write_text(".venv/\n")
    for args in (["init", "-q"], ["add", "."],
                 ["-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "x"]):
        subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)
    assert git_state(package) == {"commit": INSTALLED, "dirty": None}
    # and outside any repository
    alone = tmp_path / "site-packages" / "bondsim"
    alone.mkdir(parents=True)
    assert git_state(alone) == {"commit": INSTALLED, "dirty": None}
