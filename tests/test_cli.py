"""The ``bondsim`` command: runs, writes its outputs, and fails cleanly on bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from bondsim import OUTCOMES
from bondsim.cli import main
from conftest import ROOT

BASELINE = str(ROOT / "scenarios" / "baseline.toml")


def _run(tmp_path, *extra, seed="4"):
    out = tmp_path / f"run-{seed}-{len(extra)}"
    code = main(["run", BASELINE, "--households", "300", "--months", "15", "--seed", seed,
                 "--out", str(out), *extra])
    assert code == 0
    return out


@pytest.mark.slow
def test_run_writes_timeseries_manifest_and_plot(tmp_path, capsys):
    out = _run(tmp_path)
    printed = capsys.readouterr().out
    assert "bonded_share" in printed
    assert str(out) in printed
    ts = pd.read_csv(out / "timeseries.csv")
    assert list(ts.columns) == list(OUTCOMES)
    assert len(ts) == 16
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["seed"] == 4
    assert manifest["months"] == 15
    assert manifest["population"]["households"] == 300
    assert manifest["parameters"][manifest["scenario"]["name"]]["markup_annual"] == \
        pytest.approx(0.3)
    assert manifest["packages"]["mesa"]
    assert "commit" in manifest["git"]
    png = (out / "trajectories.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert not list(out.glob(".*.tmp"))  # no temporary files left behind


@pytest.mark.slow
def test_same_seed_gives_byte_identical_timeseries(tmp_path):
    a = _run(tmp_path, seed="9")
    b = _run(tmp_path, "--quiet", seed="9")
    c = _run(tmp_path, seed="10")
    assert (a / "timeseries.csv").read_bytes() == (b / "timeseries.csv").read_bytes()
    assert (a / "timeseries.csv").read_bytes() != (c / "timeseries.csv").read_bytes()


def test_validate_good_and_bad(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "bad"\n[parameters]\nilness_rate = 0.1\n')
    assert main(["validate", BASELINE]) == 0
    assert main(["validate", BASELINE, str(bad)]) == 2
    err = capsys.readouterr().err
    assert "bad.toml" in err
    assert "illness_rate" in err


def test_params_markdown_matches_docs(capsys):
    """docs/parameters.md is generated from the code: regenerate it with
    `bondsim params --markdown > docs/parameters.md` when a parameter changes."""
    assert main(["params", "--markdown"]) == 0
    assert capsys.readouterr().out == (ROOT / "docs" / "parameters.md").read_text()


@pytest.mark.parametrize("args", [
    ["run", "missing.toml"],
    ["validate", "missing.toml"],
])
@pytest.mark.slow
def test_bad_input_exits_2_without_traceback(args, tmp_path):
    done = subprocess.run([sys.executable, "-m", "bondsim.cli", *args], cwd=tmp_path,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "missing.toml" in done.stderr


def test_bad_option_value_exits_2(tmp_path):
    done = subprocess.run([sys.executable, "-m", "bondsim.cli", "run", BASELINE,
                           "--households", "zero"], cwd=tmp_path, capture_output=True,
                          text=True, check=False)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "--households" in done.stderr


def test_more_districts_than_households_is_a_clear_error(tmp_path, capsys):
    path = tmp_path / "d.toml"
    path.write_text('name = "d"\n[population]\ndistricts = ["a", "b", "c"]\n')
    assert main(["run", str(path), "--households", "2", "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "population.districts" in err
    assert "d.toml" in err


@pytest.mark.parametrize("path", sorted((ROOT / "scenarios").glob("*.toml")),
                         ids=lambda p: p.name)
@pytest.mark.slow
def test_every_shipped_scenario_runs_at_small_size(path, tmp_path):
    """Examples are tests: each scenario runs end to end at small size."""
    out = tmp_path / path.stem
    assert main(["run", str(path), "--households", "300", "--months", "16", "--out", str(out),
                 "--quiet"]) == 0
    ts = pd.read_csv(out / "timeseries.csv")
    assert len(ts) == 17
    manifest = json.loads((out / "manifest.json").read_text())
    scenario_types = [i["type"] for i in manifest["interventions"]]
    assert (ts["intervention_cost"].sum() > 0) == bool(scenario_types)


def test_a_bug_is_told_in_one_line_with_its_traceback_kept_in_a_file(monkeypatch, capsys):
    """An unexpected exception (a bug, not bad input) never shows a traceback to the user:
    one line naming it and the file that keeps the details; BONDSIM_DEBUG=1 re-raises it."""
    from bondsim import cli

    def broken(args):
        raise ZeroDivisionError("division by zero\nsecond line")

    monkeypatch.delenv("BONDSIM_DEBUG", raising=False)
    monkeypatch.setitem(cli.COMMANDS, "params", broken)
    assert cli.main(["params"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "internal error" in err
    assert "ZeroDivisionError: division by zero;" in err
    assert "Traceback" not in err
    report = Path(err.split("the details are in ")[1].split(" (please")[0])
    kept = report.read_text(encoding="utf-8")
    report.unlink()
    assert "Traceback" in kept
    assert "second line" in kept
    monkeypatch.setenv("BONDSIM_DEBUG", "1")
    with pytest.raises(ZeroDivisionError):
        cli.main(["params"])
