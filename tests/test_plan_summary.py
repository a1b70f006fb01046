"""Issue 15: a plan's summary tables by hand (``plan.summarise``), in-process.

Per strategy and district: the mean and 95 % interval of each metric over replicates. Per
strategy in total: districts summed within a replicate first, and the cost per unit averted
computed from those sums (not a sum of ratios), undefined where nothing was averted. Strategies
and districts keep the order they were written in."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from scipy import stats

from bondsim.experiments.plan import METRICS, summarise

T1 = 12.706  # Student t, 97.5 %, one degree of freedom


def _run(strategy: str, district: str, replicate: int, years: float, child: float,
         cost: float) -> dict:
    row = dict.fromkeys(METRICS, 0.0)
    row.update({"strategy": strategy, "district": district, "replicate": replicate,
                "bonded_household_years_averted": years, "child_work_years_averted": child,
                "public_cost": cost})
    return row


def _by_run() -> pd.DataFrame:
    return pd.DataFrame([
        _run("zeta", "North", 0, 2.0, 1.0, 100.0), _run("zeta", "South", 0, 4.0, 0.0, 300.0),
        _run("zeta", "North", 1, 0.0, 0.0, 50.0), _run("zeta", "South", 1, 0.5, 0.0, 150.0),
        _run("alpha", "North", 0, 0.0, 0.0, 0.0), _run("alpha", "South", 0, 0.0, 0.0, 0.0),
        _run("alpha", "North", 1, 0.0, 0.0, 0.0), _run("alpha", "South", 1, 0.0, 0.0, 0.0)])


def test_district_rows_by_hand_in_the_written_order():
    districts, _ = summarise(_by_run())
    assert list(districts.columns) == ["strategy", "district", "metric", "mean", "low", "high",
                                       "meaning"]
    keys = list(dict.fromkeys(zip(districts["strategy"], districts["district"], strict=True)))
    assert keys == [("zeta", "North"), ("zeta", "South"), ("alpha", "North"), ("alpha", "South")]
    assert districts["metric"].tolist()[:len(METRICS)] == list(METRICS)
    assert districts["meaning"].tolist()[:len(METRICS)] == list(METRICS.values())
    row = districts.set_index(["strategy", "district", "metric"]).loc[
        ("zeta", "North", "bonded_household_years_averted")]
    # values 2 and 0: mean 1, sd sqrt(2), half-width 12.706 x sqrt(2) / sqrt(2)
    assert row["mean"] == 1.0
    assert row["low"] == pytest.approx(1.0 - T1, abs=1e-3)
    assert row["high"] == pytest.approx(1.0 + T1, abs=1e-3)


def test_totals_sum_districts_then_price_from_the_sums():
    _, totals = summarise(_by_run())
    assert list(totals.columns) == ["strategy", "metric", "mean", "low", "high", "meaning"]
    assert list(dict.fromkeys(totals["strategy"])) == ["zeta", "alpha"]
    zeta = totals[totals["strategy"] == "zeta"].set_index("metric")
    # replicate 0: 6 household-years for Rs 400; replicate 1: 0.5 for Rs 200
    assert zeta.loc["bonded_household_years_averted", "mean"] == pytest.approx(3.25)
    assert zeta.loc["public_cost", "mean"] == pytest.approx(300.0)
    # the mean cost over the mean averted: Rs 300 / 3.25 (not a sum of the districts' ratios,
    # nor the mean of the replicates' Rs 66.67 and Rs 400)
    assert zeta.loc["cost_per_bonded_household_year_averted", "mean"] == pytest.approx(
        300.0 / 3.25)
    # child work: 1 year for Rs 400 in replicate 0, none in replicate 1 (it counts): Rs 300 /
    # 0.5; the interval of what was averted, 0.5 +- t(0.975, 1) x 0.5, reaches below zero, so
    # there is a lower end (the cost over its top) and no upper one
    child = zeta.loc["cost_per_child_work_year_averted"]
    assert child["mean"] == pytest.approx(600.0)
    assert child["low"] == pytest.approx(300.0 / (0.5 + stats.t.ppf(0.975, 1) * 0.5))
    assert math.isnan(child["high"])
    alpha = totals[totals["strategy"] == "alpha"].set_index("metric")
    assert math.isnan(alpha.loc["cost_per_bonded_household_year_averted", "mean"])
    assert alpha.loc["public_cost", "mean"] == 0.0
    assert alpha["meaning"].to_dict() == METRICS


def test_a_plan_run_keeps_every_month_and_only_its_allocations_spending():
    from bondsim.experiments.plan_runs import PlanRun, run_one
    from bondsim.experiments.run import simulate
    from bondsim.experiments.scenario import scenario_from_dict

    scenario = {"name": "north", "horizon": 4, "population": {"households": 40},
                "interventions": [
                    {"type": "cash_transfer", "label": "plan transfer"},
                    {"type": "school_stipend", "label": "existing stipend"}]}
    task = PlanRun("more cash", "North", 0, 11, scenario, ("plan transfer",))
    kept_task, kept = run_one(task)
    assert kept_task is task
    run = simulate(scenario_from_dict(scenario), seed=11)
    series = run.timeseries()
    for name in ("bonded_share", "child_labour_rate", "intervention_cost"):
        assert list(kept[name]) == pytest.approx(series[name].iloc[1:].tolist())  # months 1-4
    assert (kept["households"], kept["children_5_14"]) == (40, run.children_5_14)
    # only the plan's own allocation: the existing stipend's spending is not the plan's
    transfer = next(i for i in run.interventions if i.name == "plan transfer")
    assert kept["spent"] == {"plan transfer": pytest.approx(float(transfer.spent))}
    assert kept["spent"]["plan transfer"] > 0
