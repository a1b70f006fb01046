"""Batches: identical results serial or parallel, resumable, failures recorded, clear errors."""

from __future__ import annotations

import json
import tomllib

import numpy as np
import pandas as pd
import pytest

from bondsim.cli import main
from bondsim.errors import BondsimError
from bondsim.experiments import batch
from bondsim.experiments.batch import load_experiment, run_batch, run_file, tasks
from bondsim.simulation.outcomes import Window
from conftest import ROOT

SCENARIOS = ROOT / "scenarios"


def _experiment(tmp_path, extra="", replicates=3):
    path = tmp_path / "exp.toml"
    path.write_text(
        'name = "exp"\n'
        f'scenarios = ["{SCENARIOS / "baseline.toml"}", "{SCENARIOS / "cash_transfer.toml"}"]\n'
        f"replicates = {replicates}\nseed = 5\nhouseholds = 300\nmonths = 14\n" + extra)
    return path


@pytest.mark.slow
def test_serial_and_pool_give_identical_results(tmp_path):
    exp = _experiment(tmp_path)
    serial = run_batch(exp, out=tmp_path / "serial", workers=1)
    pooled = run_batch(exp, out=tmp_path / "pool", workers=2)
    pd.testing.assert_frame_equal(serial.timeseries, pooled.timeseries)
    pd.testing.assert_frame_equal(serial.summary, pooled.summary)
    for name in ("timeseries.parquet", "summary.csv"):  # to the byte
        assert (tmp_path / "serial" / name).read_bytes() == (tmp_path / "pool" / name).read_bytes()
    assert len(serial.timeseries) == 2 * 3 * 15
    assert (tmp_path / "pool" / "timeseries.parquet").exists()
    assert (tmp_path / "pool" / "manifest.json").exists()
    assert (tmp_path / "pool" / "trajectories-cash_transfer.png").exists()


def test_replicates_share_seeds_across_scenarios(tmp_path):
    spec, files = load_experiment(_experiment(tmp_path))
    by = {}
    for t in tasks(spec, files):
        by.setdefault(t.replicate, set()).add(t.seed)
    assert all(len(seeds) == 1 for seeds in by.values())
    assert len({next(iter(s)) for s in by.values()}) == 3


@pytest.mark.slow
def test_interrupted_batch_resumed_equals_uninterrupted(tmp_path):
    exp = _experiment(tmp_path)
    whole = run_batch(exp, out=tmp_path / "whole", workers=1)
    # a batch killed after three runs: only their files exist
    spec, files = load_experiment(exp)
    out = tmp_path / "killed"
    for _ in zip(range(3), batch.execute(tasks(spec, files), out, workers=1), strict=False):
        pass
    assert sum(run_file(out, t).exists() for t in tasks(spec, files)) == 3
    with pytest.raises(BondsimError, match="--resume"):
        run_batch(exp, out=out, workers=1)
    resumed = run_batch(exp, out=out, workers=2, resume=True)
    pd.testing.assert_frame_equal(whole.timeseries, resumed.timeseries)


@pytest.mark.slow
def test_a_failing_run_is_recorded_and_the_others_finish(tmp_path, monkeypatch):
    from bondsim.experiments import experiment as run_module  # the core's run path, every job's
    exp = _experiment(tmp_path)
    spec, files = load_experiment(exp)
    bad_seed = tasks(spec, files)[1].seed
    real = run_module.simulate

    def flaky(scenario, *, seed, **kwargs):
        if seed == bad_seed and scenario.name == "cash_transfer":
            raise RuntimeError("boom")
        return real(scenario, seed=seed, **kwargs)

    monkeypatch.setattr(run_module, "simulate", flaky)
    result = run_batch(exp, out=tmp_path / "out", workers=1)
    assert len(result.errors) == 1
    assert result.errors[0]["seed"] == bad_seed
    assert "boom" in result.errors[0]["error"]
    assert result.timeseries.groupby(["scenario", "replicate"]).ngroups == 5


def test_outcome_subset(tmp_path):
    exp = _experiment(tmp_path, 'outcomes = ["bonded_share", "child_labour_rate"]\n',
                      replicates=1)
    result = run_batch(exp, out=tmp_path / "o", workers=1)
    assert list(result.timeseries.columns) == ["scenario", "replicate", "seed", "month",
                                               "bonded_share", "child_labour_rate"]


@pytest.mark.parametrize(("text", "expect"), [
    ('name = "x"\nscenarios = ["nope.toml"]\n', "scenarios.0"),
    ('name = "x"\nscenarios = []\n', "scenarios"),
    ('name = "x"\nscenarios = ["a.toml"]\nreplicates = 0\n', "replicates"),
    ('name = "x"\nscenarios = ["a.toml"]\nreplicats = 3\n', "did you mean 'replicates'"),
    ('name = "x"\nscenarios = ["a.toml"]\noutcomes = ["bonded_shar"]\n',
     "did you mean 'bonded_share'"),
])
def test_bad_experiment_files_name_file_field_and_value(tmp_path, text, expect):
    (tmp_path / "a.toml").write_text('name = "a"\n')
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(BondsimError) as info:
        load_experiment(path)
    assert str(path) in str(info.value)
    assert expect in str(info.value)


@pytest.mark.slow
def test_batch_command(tmp_path, capsys):
    exp = _experiment(tmp_path, replicates=1)
    assert main(["batch", str(exp), "--out", str(tmp_path / "cli"), "--workers", "1",
                 "--quiet", "--csv"]) == 0
    assert "2 runs done, 0 failed" in capsys.readouterr().out
    csv = pd.read_csv(tmp_path / "cli" / "timeseries.csv")
    assert len(csv) == 2 * 15
    assert (tmp_path / "cli" / "final_outcomes.png").exists()
    assert main(["batch", str(exp), "--resume"]) == 2  # resume needs --out


@pytest.mark.parametrize("path", [p for p in sorted((ROOT / "experiments").glob("*.toml"))
                                  if "scenarios" in tomllib.loads(p.read_text())],
                         ids=lambda p: p.name)
def test_shipped_experiments_are_valid(path):
    spec, files = load_experiment(path)
    assert len(files) == len(spec.scenarios)


def _long(rows):
    return pd.DataFrame(rows, columns=["scenario", "replicate", "seed", "month",
                                       "bonded_share"])


def test_compare_pairs_replicates_by_seed():
    from bondsim.experiments.compare import compare_table
    table = _long([
        ("baseline", 0, 11, 1, 0.50), ("baseline", 1, 12, 1, 0.60),
        ("policy", 0, 11, 1, 0.40), ("policy", 1, 12, 1, 0.52),
    ])
    row = compare_table(table).iloc[0]
    # paired differences -0.10 and -0.08: mean -0.09, sd 0.01414, t(0.975, 1) = 12.706
    assert row["mean"] == pytest.approx(-0.09)
    assert row["high"] - row["mean"] == pytest.approx(12.706 * 0.014142 / 2 ** 0.5, rel=1e-3)
    with pytest.raises(BondsimError, match="no scenario named"):
        compare_table(table, baseline="nothing")


@pytest.mark.slow
def test_compare_command_on_a_batch(tmp_path, capsys):
    exp = _experiment(tmp_path, replicates=2)
    run_batch(exp, out=tmp_path / "b", workers=1)
    assert main(["compare", str(tmp_path / "b")]) == 0
    printed = capsys.readouterr().out
    assert "cash_transfer" in printed
    assert "public_cost" in printed
    table = pd.read_csv(tmp_path / "b" / "compare.csv")
    cost = table[table["measure"] == "public_cost"]["mean"].iloc[0]
    runs = pd.read_parquet(tmp_path / "b" / "timeseries.parquet")
    spent = runs[runs["scenario"] == "cash_transfer"].groupby("replicate")[
        "intervention_cost"].sum().mean()
    assert cost == pytest.approx(spent)
    assert (tmp_path / "b" / "compare.png").exists()
    assert main(["compare", str(tmp_path)]) == 2  # not a batch folder


NOT_OUTCOMES = {"month", "calendar_month", "production_days", "households", "children_5_14",
                "girls_5_14"}


@pytest.mark.slow
def test_a_horizon_in_a_closed_month_is_summarised_over_the_last_year(tmp_path, capsys):
    """24 months end in August, kilns shut: the summary, the comparison and the printed
    table read the last 12 months (owners' profit and pay not 0, net_pay_share defined and
    kept), name the window, leave out rows that are not outcomes and give each metric once;
    --month 24 asks for the closed month itself, and its undefined values are kept, with why."""
    exp = _experiment(tmp_path, replicates=2).read_text().replace("months = 14", "months = 24")
    (tmp_path / "exp24.toml").write_text(exp)
    out = tmp_path / "b24"
    assert main(["batch", str(tmp_path / "exp24.toml"), "--out", str(out), "--workers", "1",
                 "--quiet"]) == 0
    summary = pd.read_csv(out / "summary.csv").set_index(["scenario", "outcome"])
    base = summary.loc["baseline"]
    assert base.loc["owner_profit_last_year", "mean"] > 0
    assert base.loc["gross_pay_last_year", "mean"] > 0
    assert 0 < base.loc["net_pay_share_last_year", "mean"] < 1
    assert base.loc["net_pay_share_last_year", "replicates"] == 2
    outcomes = set(summary.index.get_level_values("outcome"))
    assert all(name.endswith("_last_year") for name in outcomes)
    assert not {f"{n}_last_year" for n in NOT_OUTCOMES} & outcomes
    assert json.loads((out / "manifest.json").read_text())["window"]["name"] == "last_year"

    assert main(["compare", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "nan" not in printed
    table = pd.read_csv(out / "compare.csv")
    measures = table[table["scenario"] == "cash_transfer"]["measure"].tolist()
    assert len(measures) == len(set(measures))  # each metric once
    assert measures.count("bonded_share_change_last_year") == 1
    assert "net_pay_share_change_last_year" in measures
    assert not any("horizon" in m for m in measures)
    assert not {f"{n}_change_last_year" for n in NOT_OUTCOMES} & set(measures)
    net = table[table["measure"] == "net_pay_share_change_last_year"]["mean"]
    assert np.isfinite(net).all()

    assert main(["compare", str(out), "--month", "24"]) == 0
    capsys.readouterr()
    august = pd.read_csv(out / "compare.csv")
    assert "owner_profit_change_month_24" in set(august["measure"])
    closed = run_batch(tmp_path / "exp24.toml", out=out, resume=True, window=Window(month=24))
    one = closed.summary.set_index(["scenario", "outcome"]).loc["baseline"]
    assert one.loc["owner_profit_month_24", "mean"] == 0  # the closed month, as asked
    assert np.isnan(one.loc["net_pay_share_month_24", "mean"])  # kept, not dropped ...
    assert "no pay" in one.loc["net_pay_share_month_24", "note"]  # ... and explained
    with pytest.raises(BondsimError, match="after the horizon"):  # refused before any run
        run_batch(tmp_path / "exp24.toml", out=tmp_path / "late", window=Window(month=25))
    assert not (tmp_path / "late").exists()
    assert main(["compare", str(out)]) == 0  # by default, the batch's own window
    capsys.readouterr()
    assert "owner_profit_change_month_24" in set(pd.read_csv(out / "compare.csv")["measure"])


@pytest.mark.slow
def test_dask_cluster_gives_the_same_results(tmp_path):
    """Serial and Dask (a LocalCluster on loopback, started here) give identical results."""
    distributed = pytest.importorskip("distributed")
    exp = _experiment(tmp_path, replicates=2)
    serial = run_batch(exp, out=tmp_path / "serial", workers=1)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address=":0") as cluster:
        on_dask = run_batch(exp, out=tmp_path / "dask", scheduler=cluster.scheduler_address)
    pd.testing.assert_frame_equal(serial.timeseries, on_dask.timeseries)
    assert ((tmp_path / "serial" / "timeseries.parquet").read_bytes()
            == (tmp_path / "dask" / "timeseries.parquet").read_bytes())


@pytest.mark.slow
def test_unreachable_scheduler_is_a_clear_error(tmp_path):
    pytest.importorskip("distributed")
    exp = _experiment(tmp_path, replicates=1)
    with pytest.raises(BondsimError, match="cannot reach"):
        run_batch(exp, out=tmp_path / "x", scheduler="tcp://127.0.0.1:9")


@pytest.mark.slow
def test_resume_refuses_runs_saved_with_another_layout(tmp_path):
    import json
    exp = _experiment(tmp_path, replicates=1)
    run_batch(exp, out=tmp_path / "b", workers=1)
    layout = tmp_path / "b" / "runs" / "layout.json"
    data = json.loads(layout.read_text())
    layout.write_text(json.dumps({"outcomes": data["outcomes"][:-1]}))
    with pytest.raises(BondsimError, match="other outcomes"):
        run_batch(exp, out=tmp_path / "b", workers=1, resume=True)
