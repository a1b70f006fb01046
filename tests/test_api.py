"""``bondsim.api``: each job's function returns the numbers the command writes, and writes
nothing unless given a folder."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import pytest
from test_discover import _file as discovery_file
from test_plan import SEARCH, _plan
from test_sweep import _sweep

from bondsim import api
from bondsim.cli import main
from bondsim.errors import BondsimError
from bondsim.simulation.outcomes import Window

SIX = "%.6g"  # the analyses' CSV precision
TINY = ["--households", "60", "--months", "16"]  # policies start in month 13


@pytest.fixture
def no_files(tmp_path, monkeypatch):
    """The working folder and the temporary folder, both empty, checked empty afterwards:
    the API writes nothing it was not asked to."""
    work, temp = tmp_path / "work", tmp_path / "temp"
    work.mkdir()
    temp.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    yield
    assert not any(work.iterdir()), list(work.iterdir())
    assert not any(temp.iterdir()), list(temp.iterdir())


def same(frame: pd.DataFrame, written: Path, float_format: str | None = None) -> None:
    """``frame`` holds exactly the numbers of the file the command wrote: as CSV (at the
    job's ``float_format``: the analyses write 6 significant digits), the same bytes."""
    if written.suffix == ".parquet":
        pd.testing.assert_frame_equal(frame.reset_index(drop=True), pd.read_parquet(written))
    else:
        assert frame.to_csv(index=False, lineterminator="\n",
                            float_format=float_format) == written.read_text()


def cli(*argv: str) -> None:
    assert main(list(argv)) == 0


@pytest.mark.slow
def test_run_returns_the_commands_timeseries(tmp_path, no_files):
    cli("run", "cash_transfer", "--seed", "3", *TINY, "--out", str(tmp_path / "cli"),
        "--quiet")
    result = api.run("cash_transfer", seed=3, households=60, months=16)
    same(result.timeseries, tmp_path / "cli" / "timeseries.csv")
    assert result.out is None
    assert result.timeseries["month"].tolist() == list(range(17))
    cost = result.timeseries["intervention_cost"]
    assert cost.iloc[:13].eq(0).all()  # the transfer starts in month 13, paid quarterly
    assert cost.iloc[13] > 0
    assert cost.iloc[13] == cost.iloc[16]
    assert result.manifest["seed"] == 3


@pytest.mark.slow
def test_run_writes_what_the_command_writes_when_given_a_folder(tmp_path):
    result = api.run("baseline", seed=2, households=40, months=3, out=tmp_path / "api")
    assert sorted(p.name for p in (tmp_path / "api").iterdir()) == [
        "manifest.json", "timeseries.csv", "trajectories.png"]
    same(result.timeseries, tmp_path / "api" / "timeseries.csv")
    with pytest.raises(BondsimError, match="month 9 is after the horizon"):
        api.run("baseline", households=40, months=3, window=Window(month=9))


@pytest.mark.slow
def test_effect_returns_the_commands_tables(tmp_path, no_files):
    cli("effect", "school_stipend", "--replicates", "2", "--seed", "5", *TINY, "--window", "3",
        "--out", str(tmp_path / "cli"))
    result = api.effect("school_stipend", replicates=2, seed=5, households=60, months=16,
                        window=Window(months=3))
    same(result.by_seed, tmp_path / "cli" / "effect_by_seed.csv")
    same(result.summary, tmp_path / "cli" / "effect_summary.csv")
    assert len(result.by_seed) == 2
    summary = result.summary.set_index("metric")
    assert "bonded_households_freed_last_3_months" in summary.index
    assert summary.loc["public_cost", "mean"] > 0  # stipends paid from month 13


def test_effect_records_its_arguments_as_the_options(tmp_path):
    import json

    api.effect("school_stipend", replicates=1, seed=5, households=40, months=3,
               out=tmp_path / "api")
    options = json.loads((tmp_path / "api" / "manifest.json").read_text())["options"]
    assert options["households"] == 40
    assert options["months"] == 3
    assert options["replicates"] == 1
    assert options["window"] is None


@pytest.mark.slow
def test_survey_returns_the_commands_tables(tmp_path, no_files):
    cli("survey", "baseline", "--kilns", "3", "--replicates", "2", "--surveys", "10",
        "--seed", "3", "--households", "150", "--months", "8", "--counts", "2,9",
        "--out", str(tmp_path / "cli"))
    study = api.survey("baseline", kilns=3, replicates=2, surveys=10, seed=3, households=150,
                       months=8, counts=[2, 9])
    same(study.run.table, tmp_path / "cli" / "survey.csv")
    same(study.summary, tmp_path / "cli" / "summary.csv")
    same(study.curve, tmp_path / "cli" / "precision.csv")
    assert study.dropped == [9]  # 150 households: 4 kilns, fewer than 9
    assert sorted(set(study.curve["kilns"])) == [2, 3]


def _experiment(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.toml"
    path.write_text('name = "tiny"\nscenarios = ["baseline", "cash_transfer"]\n'
                    "replicates = 2\nseed = 1\nhouseholds = 60\nmonths = 16\n")
    return path


@pytest.mark.slow
def test_batch_and_compare_return_the_commands_tables(tmp_path, no_files):
    experiment = _experiment(tmp_path)
    cli("batch", str(experiment), "--workers", "1", "--out", str(tmp_path / "cli"), "--quiet")
    cli("compare", str(tmp_path / "cli"))
    result = api.batch(experiment)
    assert result.out is None
    same(result.timeseries, tmp_path / "cli" / "timeseries.parquet")
    same(result.summary, tmp_path / "cli" / "summary.csv")
    compared = api.compare(result)  # nothing written: a result, not a folder
    same(compared, tmp_path / "cli" / "compare.csv")
    assert set(compared["scenario"]) == {"cash_transfer"}
    assert compared.set_index("measure").loc["public_cost", "mean"] > 0
    # a folder is compared as the command does: the table is written there
    (tmp_path / "cli" / "compare.csv").unlink()
    same(api.compare(tmp_path / "cli"), tmp_path / "cli" / "compare.csv")


@pytest.mark.slow
def test_sweep_returns_the_commands_tables(tmp_path, no_files):
    path = _sweep(tmp_path, method="morris", samples=2, outcomes='["bonded_share"]')
    cli("sweep", str(path), "--workers", "1", "--out", str(tmp_path / "cli"), "--quiet")
    result = api.sweep(path)
    same(result.indices, tmp_path / "cli" / "indices.csv", SIX)
    same(result.noise, tmp_path / "cli" / "noise.csv", SIX)
    same(result.results, tmp_path / "cli" / "results.parquet")


ONE_STRATEGY = '[[strategies]]\nname = "enforce"\n  [[strategies.allocations]]\n' \
    'type = "inspections"\n  budget = 200_000\n  inspections_per_district = 5\n'


@pytest.mark.slow
def test_plan_and_its_search_return_the_commands_tables(tmp_path, no_files):
    path = _plan(tmp_path, strategies=ONE_STRATEGY + SEARCH)
    cli("plan", str(path), "--workers", "1", "--out", str(tmp_path / "cli"), "--quiet")
    result = api.plan(path)
    for name in ("by_run", "districts", "totals", "allocations"):
        same(getattr(result, name), tmp_path / "cli" / f"{name}.csv", SIX)
    same(result.search.curve, tmp_path / "cli" / "search_curve.csv", SIX)
    assert set(result.totals["strategy"]) == {"enforce", "optimised"}
    searched = api.plan_search(path)
    same(searched.curve, tmp_path / "cli" / "search_curve.csv", SIX)
    same(searched.best, tmp_path / "cli" / "search_best.csv", SIX)
    with pytest.raises(BondsimError, match=r"no \[search\] table"):
        api.plan_search(_plan(tmp_path, name="plain.toml"))


@pytest.mark.slow
def test_calibrate_returns_the_commands_tables(tmp_path, no_files):
    path = tmp_path / "cal.toml"
    path.write_text('name = "tiny"\nsamples = 10\nreplicates = 1\ncheck_replicates = 2\n'
                    "min_accepted = 2\nseed = 5\nhouseholds = 60\nmonths = 12\nwindow = 6\n"
                    '[[parameters]]\nname = "markup_annual"\nlow = 0.0\nhigh = 1.0\n'
                    '[[targets]]\nscenario = "baseline"\noutcome = "indebted_share"\n'
                    'value = 0.8\ntolerance = 0.05\nsource = "assumption: test"\n')
    cli("calibrate", str(path), "--workers", "1", "--out", str(tmp_path / "cli"), "--quiet")
    result = api.calibrate(path)
    same(result.posterior, tmp_path / "cli" / "posterior.csv", SIX)
    same(result.fit, tmp_path / "cli" / "fit.csv", SIX)
    same(result.draws, tmp_path / "cli" / "draws.parquet")
    assert len(result.draws) == 10


@pytest.mark.slow
def test_discover_returns_the_commands_tables(tmp_path, no_files):
    pytest.importorskip("ema_workbench")
    path = discovery_file(tmp_path, **{"futures = 16": "futures = 10",
                                       "households = 300": "households = 60",
                                       "months = 24": "months = 8"})
    cli("discover", str(path), "--workers", "1", "--out", str(tmp_path / "cli"), "--quiet")
    result = api.discover(path)
    futures = pd.read_parquet(tmp_path / "cli" / "futures.parquet")
    failed = [c for c in futures.columns if c.endswith(":failed")]
    pd.testing.assert_frame_equal(result.values, futures.drop(columns=failed))
    assert failed == [f"{p}:failed" for p in result.failed.columns]
    same(result.robustness, tmp_path / "cli" / "robustness.csv", SIX)
    assert len(result.values) == 10


def test_jobs_of_many_runs_need_a_folder_to_resume(no_files):
    with pytest.raises(BondsimError, match="resume needs out"):
        api.batch("policies", resume=True)


def test_the_python_api_page_shows_every_job():
    import re

    page = (Path(__file__).resolve().parents[1] / "docs" / "python-api.md").read_text()
    shown = set(re.findall(r"\bapi\.(\w+)\(", page))
    assert shown == set(api.__all__) - {"SurveyStudy"}
    for name in ("bondsim_model", "perform_experiments", "mesa.batch_run"):
        assert name in page
