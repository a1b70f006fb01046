"""``bondsim.ema``: bondsim as an EMA Workbench model, declared from bondsim's metadata."""

from __future__ import annotations

import importlib
import sys

import pytest

pytest.importorskip("ema_workbench")

from ema_workbench import Policy, Scenario, SequentialEvaluator, perform_experiments

from bondsim.ema import MONTHLY, bondsim_model
from bondsim.errors import BondsimError
from bondsim.experiments.paired import METRICS, replicate_seeds
from bondsim.experiments.run import simulate
from bondsim.experiments.scenario import scenario_from_dict
from bondsim.io import read_toml
from bondsim.shipped import locate
from bondsim.simulation.parameters import PARAM_INFO

SMALL = {"households": 60, "months": 16}  # the cash transfer starts in month 13


def test_uncertainties_levers_and_outcomes_come_from_bondsims_metadata():
    model = bondsim_model("cash_transfer", **SMALL)
    ranges = {u.name: (u.lower_bound, u.upper_bound) for u in model.uncertainties}
    assert ranges == {n: i.plausible for n, i in PARAM_INFO.items() if i.plausible is not None}
    assert model.uncertainties["markup_annual"].default == 0.30  # the scenario's own value
    # every lever field of the transfer bounded on both sides: shares in [0, 1]
    levers = {lv.name: (lv.lower_bound, lv.upper_bound, lv.variable_name)
              for lv in model.levers}
    assert levers == {f"cash_transfer__{f}": (0.0, 1.0, [f"cash_transfer.{f}"])
                      for f in ("coverage", "exclusion_error", "admin_cost_share")}
    names = [o.name for o in model.outcomes]
    assert names == [f"{o}_last_year" for o in MONTHLY] + list(METRICS)
    assert "households_last_year" not in names  # the population is no outcome
    assert model.counterfactual.startswith("the scenario without its interventions")
    assert [(c.name, c.value) for c in model.constants] == [("seed", 20151124)]


def test_a_scenario_without_interventions_has_no_levers_and_no_effects():
    model = bondsim_model("baseline", window=6, uncertainties=["markup_annual"], **SMALL)
    assert len(model.levers) == 0
    assert [o.name for o in model.outcomes] == [f"{o}_last_6_months" for o in MONTHLY]
    assert model.counterfactual is None


def test_ranges_may_be_given_and_integer_fields_are_integer_parameters():
    model = bondsim_model("inspections_only", uncertainties={"markup_annual": (0.1, 0.2)},
                          levers={"inspections.inspections_per_district": (0, 30)}, **SMALL)
    assert (model.uncertainties["markup_annual"].lower_bound,
            model.uncertainties["markup_annual"].upper_bound) == (0.1, 0.2)
    lever = model.levers["inspections__inspections_per_district"]
    assert type(lever).__name__ == "IntegerParameter"
    assert (lever.lower_bound, lever.upper_bound) == (0, 30)
    rate = bondsim_model("inspections_only", levers={"inspections.inspections_per_kiln_year":
                                                     (0.0, 1.5)}, **SMALL)
    assert type(rate.levers["inspections__inspections_per_kiln_year"]).__name__ == \
        "RealParameter"


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"uncertainties": ["markup_anual"]}, "did you mean 'markup_annual'"),
    ({"uncertainties": ["cash_transfer.coverage"]}, "neither a model parameter"),
    ({"levers": ["markup_annual"]}, "is a parameter; declare it under uncertainties"),
    ({"levers": ["cash_transfer.amount_per_quarter"]}, "bounded on one side only"),
    ({"uncertainties": {"coercive_owner_share": (0.5, 1.5)}}, r"uncertainties\.0\.high"),
    ({"outcomes": ["bonded_share"]}, "did you mean 'bonded_share_last_year'"),
    ({"uncertainties": ["start_month"]}, "no plausible range"),
])
def test_declarations_bondsim_cannot_run_are_refused(kwargs, message):
    with pytest.raises(BondsimError, match=message):
        bondsim_model("cash_transfer", **SMALL, **kwargs)


def test_perform_experiments_gives_the_numbers_of_direct_runs():
    model = bondsim_model("cash_transfer", uncertainties=["markup_annual"],
                          levers=["cash_transfer.coverage"], replicates=2, seed=9,
                          outcomes=["bonded_share_last_year", "median_debt_last_year",
                                    "public_cost"], **SMALL)
    # named futures and policy, not sampled ones: EMA's samplers draw from an unseeded
    # stream, and a coverage drawn near 0 pays nobody in 60 households
    futures = [Scenario("low markup", markup_annual=0.1), Scenario("high markup",
                                                                  markup_annual=0.8)]
    policy = Policy("half covered", **{"cash_transfer__coverage": 0.5})
    with SequentialEvaluator(model) as evaluator:
        experiments, outcomes = perform_experiments(model, scenarios=futures, policies=policy,
                                                    evaluator=evaluator)
    assert len(experiments) == 2
    assert set(outcomes) == {"bonded_share_last_year", "median_debt_last_year", "public_cost"}
    path = locate("cash_transfer", "scenario")
    for i, row in experiments.iterrows():
        data = read_toml(path, "scenario")
        data.setdefault("parameters", {})["markup_annual"] = float(row["markup_annual"])
        data["interventions"][0]["coverage"] = float(row["cash_transfer__coverage"])
        scenario = scenario_from_dict(data)
        bonded, debt, cost = [], [], []
        for seed in replicate_seeds(9, 2):
            ts = simulate(scenario, seed=seed, **SMALL).timeseries()
            bonded.append(ts["bonded_share"].iloc[-12:].mean())  # months 5-16
            debt.append(ts["median_debt"].iloc[-12:].mean())
            # the counterfactual (no interventions) spends nothing: the cost is the transfer's
            cost.append(ts["intervention_cost"].iloc[1:].sum())
        assert outcomes["bonded_share_last_year"][i] == pytest.approx(sum(bonded) / 2)
        assert outcomes["median_debt_last_year"][i] == pytest.approx(sum(debt) / 2)
        assert outcomes["public_cost"][i] == pytest.approx(sum(cost) / 2)
        assert outcomes["public_cost"][i] > 0
    # the two futures differ in the markup, so in the debt
    assert outcomes["median_debt_last_year"][0] != outcomes["median_debt_last_year"][1]


def test_without_the_extra_the_import_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "ema_workbench", None)  # as if not installed
    monkeypatch.delitem(sys.modules, "bondsim.ema")
    with pytest.raises(ImportError, match=r"pip install 'bondsim\[discover\]'"):
        importlib.import_module("bondsim.ema")
