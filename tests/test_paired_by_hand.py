"""Issue 15: the one definition of a paired effect (``bondsim.experiments.paired``) and
``paired_effect``, pinned in-process on small runs by values that could be wrong: the counterfactual
each job states, the cost per unit averted below one unit, the replicates a summary counts, and what
``paired_effect`` takes from its arguments (horizon, the baseline's own parameters, names,
window, the default number of replicates)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from bondsim.errors import BondsimError
from bondsim.experiments.effect import paired_effect
from bondsim.experiments.paired import (
    counterfactual,
    metric_interval,
    metric_units,
    paired_metrics,
    per_unit,
    summarise,
)
from bondsim.experiments.scenario import scenario_from_dict
from bondsim.simulation.outcomes import Window

SAME = "on the same seeds, population and horizon"


def test_each_job_states_its_own_counterfactual():
    assert counterfactual("effect", "baseline") == f"the baseline scenario 'baseline', {SAME}"
    assert counterfactual("compare", "base") == f"the baseline scenario 'base', {SAME}"
    assert counterfactual("plan") == (
        "the district without the plan's allocations (its parameters and existing programmes "
        f"run in both), {SAME}")
    assert counterfactual("sweep") == (
        "the scenario without its interventions, with the same parameter factors (lever "
        f"factors change the policy run only), {SAME}")
    assert counterfactual("sweep", "baseline") == (
        f"the baseline scenario 'baseline', with the same parameter factors, {SAME}")


def test_cost_per_unit_averted_below_one_unit_and_when_nothing_is_averted():
    assert per_unit(100.0, 0.5) == 200.0  # half a household-year averted for Rs 100
    assert per_unit(100.0, 4.0) == 25.0
    assert math.isnan(per_unit(100.0, 0.0))
    assert math.isnan(per_unit(100.0, -2.0))  # the policy made things worse: no price


def test_a_summary_counts_the_replicates_each_metric_has():
    units = metric_units(Window())
    by_seed = pd.DataFrame({name: [1.0, 2.0, 3.0] for name in units})
    by_seed.loc[0, "school_years_gained"] = np.nan  # a table stored before issue 18
    summary = summarise(by_seed).set_index("metric")
    assert summary["replicates"].to_dict() == {
        name: 2 if name == "school_years_gained" else 3 for name in units}
    assert summary.loc["school_years_gained", "mean"] == 2.5
    assert summary["unit"].to_dict() == units


def test_a_cost_per_unit_averted_is_the_ratio_of_the_means_with_every_replicate():
    # Rs 100 each; averted -10, 20 and 50 (mean 20): Rs 5 a unit. The mean of the two
    # defined ratios (10 and 2, Rs 6) would drop the replicate that made things worse
    by_seed = pd.DataFrame({"public_cost": [100.0, 100.0, 100.0],
                            "bonded_household_years_averted": [-10.0, 20.0, 50.0]})
    by_seed["cost_per_bonded_household_year_averted"] = [
        per_unit(c, a) for c, a in zip(by_seed["public_cost"],
                                       by_seed["bonded_household_years_averted"], strict=True)]
    mean, low, high = metric_interval(by_seed, "cost_per_bonded_household_year_averted")
    assert mean == pytest.approx(5.0)
    # the averted's interval: 20 +- t(0.975, 2) x 30 / sqrt(3) reaches below zero, so the
    # cost per unit has no upper end; its lower end is the cost over the interval's top
    top = 20.0 + stats.t.ppf(0.975, 2) * 30.0 / np.sqrt(3.0)
    assert low == pytest.approx(100.0 / top)
    assert math.isnan(high)
    # averted 30, 40, 50: the interval 40 +- t x 10 / sqrt(3) stays above zero
    by_seed["bonded_household_years_averted"] = [30.0, 40.0, 50.0]
    half = stats.t.ppf(0.975, 2) * 10.0 / np.sqrt(3.0)
    got = metric_interval(by_seed, "cost_per_bonded_household_year_averted")
    np.testing.assert_allclose(got, [2.5, 100.0 / (40.0 + half), 100.0 / (40.0 - half)])
    # nothing averted on average: no cost per unit
    by_seed["bonded_household_years_averted"] = [-10.0, 5.0, 0.0]
    assert all(map(math.isnan, metric_interval(by_seed,
                                               "cost_per_bonded_household_year_averted")))


def _scenario(name: str, **parameters) -> object:
    return scenario_from_dict({"name": name, "horizon": 24,
                               "population": {"households": 60},
                               "parameters": parameters})


def test_paired_effect_runs_the_months_asked_for_and_names_its_runs():
    policy = scenario_from_dict({"name": "cash", "horizon": 24,
                                 "population": {"households": 60},
                                 "interventions": [{"type": "cash_transfer"}]})
    result = paired_effect(policy, _scenario("base"), replicates=2, months=3)
    assert (result.scenario, result.baseline) == ("cash", "base")
    assert result.window == Window().fit(3)
    assert len(result.by_seed) == 2
    assert result.summary.set_index("metric").loc["public_cost", "replicates"] == 2
    # three months of the transfer (paid quarterly from month 1, so once), not 24
    cost = result.by_seed["public_cost"]
    assert (cost > 0).all()
    longer = paired_effect(policy, _scenario("base"), replicates=2, months=4)
    assert (longer.by_seed["public_cost"] > cost).all()  # month 4 pays the next quarter


def test_the_baseline_keeps_its_own_parameters():
    # the same scenario against a baseline that differs only in its markup: the effect is
    # the markup's, not zero (the baseline must not fall back to the scenario's or default
    # parameters)
    result = paired_effect(_scenario("low", markup_annual=0.1), _scenario("high",
                           markup_annual=0.9), replicates=2, months=12, households=60)
    assert (result.by_seed["bonded_household_years_averted"] != 0).any()
    # nor to the default markup (0.3): against it the effect is another
    default = paired_effect(_scenario("low", markup_annual=0.1), _scenario("default"),
                            replicates=2, months=12, households=60)
    assert not default.by_seed.equals(result.by_seed)
    same = paired_effect(_scenario("low", markup_annual=0.1), _scenario("low",
                         markup_annual=0.1), replicates=2, months=12, households=60)
    assert (same.by_seed["bonded_household_years_averted"] == 0).all()


def test_five_replicates_unless_asked_and_at_least_one():
    result = paired_effect(_scenario("a"), _scenario("b"), months=1)
    assert len(result.by_seed) == 5
    with pytest.raises(BondsimError, match="replicates must be at least 1, got 0"):
        paired_effect(_scenario("a"), _scenario("b"), replicates=0)


def test_unmet_need_and_months_short_averted_are_reported_beside_the_cost():
    # two months (month 0 left out) of 100 households: unmet need Rs 5,000 then 3,000 without
    # the policy, 4,000 then 1,000 with it: Rs 3,000 averted; 30% then 20% short against 25%
    # then 10%: (0.05 + 0.10) x 100 = 15 household-months short averted
    def run(unmet, short, cost):
        return {"month": np.arange(3), "bonded_share": np.full(3, 0.5),
                "bonded_share_ilo": np.full(3, 0.4), "indebted_to_owner_share": np.full(3, 0.9),
                "child_labour_rate": np.full(3, 0.1), "intervention_cost": np.array(cost),
                "unmet_need": np.array(unmet), "households_short": np.array(short)}

    got = paired_metrics(run([9e9, 5000.0, 3000.0], [1.0, 0.3, 0.2], [0.0, 0.0, 0.0]),
                         run([0.0, 4000.0, 1000.0], [0.0, 0.25, 0.10], [0.0, 700.0, 0.0]),
                         100, 10, Window())
    assert got["unmet_need_averted"] == pytest.approx(3000.0)
    assert got["household_months_short_averted"] == pytest.approx(15.0)
    assert got["public_cost"] == 700.0
    names = list(metric_units(Window()))
    assert names.index("unmet_need_averted") == names.index("public_cost") - 3  # welfare, then cost


def test_a_table_without_the_welfare_series_gives_nan_welfare_and_the_rest():
    # a run stored before issue 18 has no unmet_need nor households_short column
    old = {"month": np.arange(3), "bonded_share": np.array([0.5, 0.5, 0.4]),
           "bonded_share_ilo": np.zeros(3), "indebted_to_owner_share": np.zeros(3),
           "child_labour_rate": np.zeros(3), "intervention_cost": np.array([0.0, 0.0, 12.0])}
    base = {**old, "bonded_share": np.full(3, 0.5), "intervention_cost": np.zeros(3)}
    got = paired_metrics(base, old, 120, 10, Window())
    assert math.isnan(got["unmet_need_averted"])
    assert math.isnan(got["household_months_short_averted"])
    assert got["bonded_household_years_averted"] == pytest.approx(1.0)  # 0.1 x 120 / 12
