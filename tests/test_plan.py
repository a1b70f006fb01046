"""District profiles, plan files, budget accounting, the allocation search, bondsim plan."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bondsim.cli import main
from bondsim.errors import BondsimError
from bondsim.experiments.absorb import cap, capacity
from bondsim.experiments.districts import load_districts
from bondsim.experiments.paired import METRICS
from bondsim.experiments.plan import load_plan, run_plan
from bondsim.interventions.cash_transfer import CashTransfer, CashTransferSpec
from bondsim.outputs.plan_plots import allocation_figure, pareto_front
from conftest import DISTRICTS, ROOT

STRATEGIES = """
[[strategies]]
name = "nothing"

[[strategies]]
name = "enforce"
  [[strategies.allocations]]
  type = "inspections"
  budget = 200_000
  inspections_per_district = 5
  targeting = "risk_based"

[[strategies]]
name = "mixed"
  [[strategies.allocations]]
  type = "rehabilitation"
  districts = ["North"]
  budget = 300_000
  [[strategies.allocations]]
  type = "cash_transfer"
  label = "top_up"
  budget = 250_000
  coverage = 0.8
"""


def _plan(tmp_path: Path, head: str = "", strategies: str = STRATEGIES,
          budget: str = "1_000_000", name: str = "plan.toml") -> Path:
    (tmp_path / "districts.toml").write_text(DISTRICTS)
    path = tmp_path / name
    path.write_text(f"""name = "test_plan"
districts_file = "districts.toml"
horizon = 24
budget = {budget}
replicates = 3
seed = 4
{head}
{strategies}""")
    return path


@pytest.fixture(scope="module")
def small_plan(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("plan")
    return run_plan(_plan(tmp), out=tmp / "out", workers=2), tmp


@pytest.mark.slow
def test_a_strategy_that_spends_nothing_equals_the_baseline(small_plan):
    result, _ = small_plan
    nothing = result.by_run[result.by_run["strategy"] == "nothing"]
    assert len(nothing) == 2 * 3  # districts x replicates
    for column in ("bonded_households_freed_last_year", "bonded_household_years_averted",
                   "children_out_of_work_last_year", "child_work_years_averted", "public_cost"):
        assert (nothing[column] == 0.0).all(), column


def test_budget_accounting_is_exact(small_plan):
    result, tmp = small_plan
    table = result.allocations
    declared = {"enforce": 2 * 200_000, "mixed": 300_000 + 2 * 250_000}
    for strategy, total in declared.items():
        assert table[table["strategy"] == strategy]["allocated"].sum() == total
    assert (table["spent_max"] <= table["allocated"] + 1e-6).all()
    # the public cost of a run is incremental: its public spending less its baseline run's,
    # from the saved series; inspections change nothing in the district's existing cash
    # transfer, so here that is exactly what the allocations spent, from their books
    runs = tmp / "out" / "runs" / "enforce" / "North"
    books = [json.loads(f.read_text()) for f in sorted(runs.glob("*.json"))]
    bases = [json.loads(f.read_text()) for f in sorted((runs.parents[1] / "baseline" / "North")
                                                      .glob("*.json"))]
    costs = result.by_run.query("strategy == 'enforce' and district == 'North'").sort_values(
        "replicate")["public_cost"].tolist()
    assert costs == [float(np.sum(b["intervention_cost"]) - np.sum(a["intervention_cost"]))
                     for a, b in zip(bases, books, strict=True)]
    assert costs == pytest.approx([sum(b["spent"].values()) for b in books], rel=1e-12)
    assert sum(sum(b["spent"].values()) for b in books) > 0
    # and the total is the sum over districts within each replicate
    total = result.totals.query("strategy == 'mixed' and metric == 'public_cost'")["mean"].iloc[0]
    per_rep = result.by_run.query("strategy == 'mixed'").groupby("replicate")["public_cost"].sum()
    assert total == pytest.approx(per_rep.mean(), rel=1e-12)


def test_background_cash_transfer_is_not_charged_to_the_plan(small_plan):
    result, _ = small_plan
    labels = set(result.allocations["label"])
    assert "existing_cash_transfer" not in labels


def test_inspections_are_capped_at_district_capacity(tmp_path):
    loaded = load_plan(_plan(tmp_path))
    visits = {d: items[0]["inspections_per_district"]
              for d, items in loaded.interventions["enforce"].items()}
    assert visits == {"North": 2, "South": 1}
    assert any("capped at the district's capacity of 2" in n for n in loaded.notes)


# a district of 25 kilns x 25 families, one inspection a month, as in Balochistan's smallest
SMALL_DISTRICT = {"name": "d", "horizon": 60,
                  "population": {"households": 625, "kilns": 25, "districts": ["D"]},
                  "parameters": {"initial_indebted_share": 0.9, "cnic_share": 0.3},
                  "interventions": [{"type": "cash_transfer", "label": "existing",
                                     "coverage": 0.3}]}
INSPECT = {"type": "inspections", "label": "i", "budget": 1_800_000.0, "end": 60,
           "pacing": "even", "inspections_per_district": 1}
REHABILITATE = {"type": "rehabilitation", "label": "r", "budget": 2_060_000.0, "end": 60,
                "pacing": "even", "coverage": 1.0, "cash_grant": 30_000.0}


def _with(*items: dict) -> dict:
    return dict(SMALL_DISTRICT, interventions=SMALL_DISTRICT["interventions"] + list(items))


def test_absorptive_capacity_by_hand():
    scenario = _with(INSPECT, REHABILITATE)
    # inspections: 1 visit x 60 months x Rs 5,000, and releases: 60 visits x 25 families x
    # 0.9 indebted x 0.0035 found x 0.7 followed through = 3.3075 expected; the 95th
    # percentile of a Poisson count with that mean is 7 (P(X <= 6) = 0.949, P(X <= 7) =
    # 0.980), x Rs 10,000
    assert capacity(INSPECT, scenario) == 300_000 + 7 * 10_000
    # rehabilitation: families released by month 57 (3 months' delay) x coverage 1:
    # 57 x 25 x 0.9 x 0.0035 x 0.7 = 3.142 expected, 6 at the 95th percentile (P(X <= 5) =
    # 0.901, P(X <= 6) = 0.959), x (Rs 30,000 grant + Rs 20,000 training)
    assert capacity(REHABILITATE, scenario) == 6 * 50_000
    # no inspections, nobody released: nothing to rehabilitate
    assert capacity(REHABILITATE, _with(REHABILITATE)) == 0
    # cash transfer: 625 x 0.6 coverage x 0.8 (exclusion error) x 0.3 with a CNIC, 20
    # quarterly payments of Rs 13,500 + 5% administration
    transfer = {"type": "cash_transfer", "label": "c", "budget": 1e8, "coverage": 0.6,
                "amount_per_quarter": 13_500.0}
    assert capacity(transfer, _with(transfer)) == 25_515_000
    # CNIC drive: the 437.5 families without one (200 a month could register) x Rs 500
    drive = {"type": "cnic_drive", "label": "n", "budget": 1e6}
    assert capacity(drive, _with(drive)) == 218_750
    # ... and a drive opens the transfer to the families it registers
    assert capacity(transfer, _with(transfer, drive)) > 25_515_000
    capped = {item["label"]: item["budget"] for item in cap([INSPECT, REHABILITATE],
                                                            SMALL_DISTRICT)}
    assert capped == {"i": 370_000, "r": 300_000}


def test_written_allocations_above_capacity_are_noted(tmp_path):
    loaded = load_plan(_plan(tmp_path))
    mixed = loaded.allocated.query("strategy == 'mixed'").set_index("label")
    # rehabilitation in North with no inspections there: nobody is released
    assert mixed.loc["rehabilitation-1", "capacity"] == 0
    assert any("'mixed', rehabilitation-1: allocates more than it can spend" in n
               for n in loaded.notes)
    enforce = loaded.allocated.query("strategy == 'enforce'").set_index("district")
    # North: 2 visits x 24 months x Rs 5,000 + releases; 200,000 fits
    assert enforce.loc["North", "capacity"] > 240_000
    assert enforce.loc["North", "allocated"] <= enforce.loc["North", "capacity"]


def test_allocation_plot_shows_spent_beside_allocated():
    table = pd.DataFrame({"strategy": ["a", "a"], "district": ["N", "S"],
                          "type": ["inspections", "rehabilitation"], "label": ["i", "r"],
                          "allocated": [1e6, 2e6], "capacity": [1e6, 1e5],
                          "spent_mean": [8e5, 5e4], "spent_max": [9e5, 6e4]})
    fig = allocation_figure(table)
    bars = {c.get_label(): [b.get_height() for b in c] for c in fig.axes[0].containers}
    assert bars["allocated: rehabilitation"][1] == pytest.approx(2.0)
    assert bars["spent: rehabilitation"][1] == pytest.approx(0.05)
    assert bars["allocated: inspections"][0] == pytest.approx(1.0)
    assert bars["spent: inspections"][0] == pytest.approx(0.8)


def test_outputs_and_plots(small_plan):
    _, tmp = small_plan
    for name in ("by_run.csv", "districts.csv", "totals.csv", "allocations.csv", "pareto.png",
                 "allocation.png", "manifest.json", "runs/layout.json"):
        assert (tmp / "out" / name).exists(), name
    districts = pd.read_csv(tmp / "out" / "districts.csv")
    assert set(districts["district"]) == {"North", "South"}
    assert {"mean", "low", "high"} <= set(districts.columns)
    # the effect metrics of every job, and the counterfactual stated
    assert list(dict.fromkeys(districts["metric"])) == list(METRICS)
    manifest = json.loads((tmp / "out" / "manifest.json").read_text())
    assert manifest["counterfactual"].startswith("the district without the plan's allocations")


def test_interrupted_plan_resumes_to_the_same_numbers(small_plan, tmp_path):
    result, tmp = small_plan
    out = tmp_path / "again"
    source = tmp / "out" / "runs"
    for file in sorted(source.rglob("*.json"))[::2]:  # as if killed half way
        target = out / "runs" / file.relative_to(source)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(file.read_bytes())
    # a run saved by an older bondsim, which kept no public spending series, is run again
    stale = sorted((out / "runs").rglob("d*.json"))[0]
    saved = json.loads(stale.read_text())
    del saved["intervention_cost"]
    stale.write_text(json.dumps(saved))
    resumed = run_plan(_plan(tmp), out=out, resume=True)
    pd.testing.assert_frame_equal(resumed.by_run, result.by_run)
    assert "intervention_cost" in json.loads(stale.read_text())
    with pytest.raises(BondsimError, match="another plan"):
        run_plan(_plan(tmp_path, budget="2_000_000", name="other.toml"), out=out, resume=True)


def test_over_budget_is_rejected_or_scaled(tmp_path):
    with pytest.raises(BondsimError, match=r"strategy 'mixed' \(strategies\.2\) allocates "
                                           r"Rs 800,000, Rs 300,000 over the plan budget of "
                                           r"Rs 500,000"):
        load_plan(_plan(tmp_path, budget="500_000"))
    loaded = load_plan(_plan(tmp_path, 'over_budget = "scale"', budget="500_000"))
    spent = loaded.allocated.groupby("strategy")["allocated"].sum()
    assert spent["mixed"] <= 500_000
    assert spent["mixed"] >= 500_000 - 3  # whole rupees, rounded down per allocation
    assert spent["enforce"] == 400_000  # within budget: untouched
    assert any("scaled by 0.6250" in n for n in loaded.notes)


@pytest.mark.parametrize(("head", "strategies", "message"), [
    ('districts = ["North", "Sooth"]', STRATEGIES,
     r"field 'districts': unknown districts 'Sooth' \(did you mean 'South'\?\)"),
    ("", STRATEGIES.replace('districts = ["North"]', 'districts = ["Nowhere"]'),
     r"field 'strategies\.2\.allocations\.0\.districts': unknown districts 'Nowhere'"),
    ("", STRATEGIES.replace("budget = 300_000", "budget = -5"),
     r"field 'strategies\.2\.allocations\.0\.budget': value -5"),
    ("", STRATEGIES.replace("coverage = 0.8", "coverage = 1.8"),
     r"field 'strategies\.2\.allocations\.1\.coverage': value 1\.8"),
    ("", STRATEGIES.replace('type = "rehabilitation"', 'type = "rehabilitaton"'),
     r"'strategies\.2\.allocations\.0\.type'.*did you mean 'rehabilitation'"),
    ("", STRATEGIES.replace("targeting = ", "targetting = "),
     r"unknown field 'strategies\.1\.allocations\.0\.targetting'; did you mean 'targeting'"),
])
def test_bad_plan_files_name_file_field_and_value(tmp_path, head, strategies, message):
    path = _plan(tmp_path, head, strategies)
    with pytest.raises(BondsimError, match=message) as info:
        load_plan(path)
    assert str(path) in str(info.value)


def test_negative_total_budget_is_a_clear_error(tmp_path):
    path = _plan(tmp_path, budget="-1")
    with pytest.raises(BondsimError, match=r"field 'budget': value -1 is invalid"):
        load_plan(path)
    assert main(["plan", str(path)]) == 2


def test_district_profiles_need_a_source_for_every_value(tmp_path):
    path = tmp_path / "d.toml"
    path.write_text(DISTRICTS.replace('kilns = { value = 4, source = "assumption: test" }',
                                      "kilns = { value = 4 }"))
    with pytest.raises(BondsimError, match=r"field 'districts\.0\.kilns\.source' is missing"):
        load_districts(path)
    path.write_text(DISTRICTS.replace("value = 0.9,", "value = 1.9,"))
    with pytest.raises(BondsimError, match=r"districts\.0\.indebted_share\.value': value 1\.9"):
        load_districts(path)


@pytest.mark.parametrize("path", sorted((ROOT / "scenarios" / "districts").glob("*.toml")),
                         ids=lambda p: p.name)
def test_shipped_district_profiles_are_valid(path):
    districts = load_districts(path)
    assert len(districts) >= 6
    for profile in districts.values():
        for name in ("kilns", "families_per_kiln", "indebted_share", "inspections_per_month",
                     "cnic_share", "cash_transfer_coverage", "exit_rate_debt_free"):
            assert getattr(profile, name).source.strip()


@pytest.mark.parametrize("path", sorted((ROOT / "experiments").glob("*pilot*.toml"))
                         + sorted((ROOT / "experiments").glob("*plan*.toml")),
                         ids=lambda p: p.name)
def test_shipped_plans_are_valid(path):
    loaded = load_plan(path)
    assert not loaded.allocated.empty


def test_even_pacing_spreads_the_budget():
    spec = CashTransferSpec(type="cash_transfer", budget=1200.0, start=1, end=12,
                            pacing="even")
    item = CashTransfer(spec)
    assert item.allowance(1) == 100.0
    item.spent = 150.0
    assert item.allowance(3) == 150.0   # 300 due by month 3, 150 spent
    assert item.allowance(12) == 1050.0
    assert item.allowance(20) == 1050.0  # never more than the budget
    as_needed = CashTransfer(CashTransferSpec(type="cash_transfer", budget=1200.0))
    assert as_needed.allowance(1) == 1200.0


def test_even_pacing_needs_a_budget_and_an_end(tmp_path):
    from bondsim.experiments.scenario import scenario_from_dict
    with pytest.raises(BondsimError, match=r"interventions\.0\.pacing'.*needs both"):
        scenario_from_dict({"name": "x", "interventions": [
            {"type": "cash_transfer", "budget": 10.0, "pacing": "even"}]})


def test_pareto_front_by_hand():
    cost = np.array([1.0, 2.0, 2.0, 3.0, 0.5])
    gain = np.array([5.0, 4.0, 6.0, 6.0, 1.0])
    # 1 is beaten by 0 (cheaper, better); 3 by 2 (same gain, cheaper)
    assert pareto_front(cost, gain).tolist() == [4, 0, 2]


# --- the search ---------------------------------------------------------------------------

SEARCH = """
[search]
interventions = ["inspections", "rehabilitation", "cash_transfer"]
draws = 2
replicates = 1
generations = 1
population = 1
budgets = [100_000, 400_000]
seed = 3

[[search.uncertain]]
name = "prison_cost_months"
low = 1.0
high = 10.0
"""


@pytest.mark.slow
def test_search_never_does_worse_with_more_budget(tmp_path):
    path = _plan(tmp_path, strategies=STRATEGIES + SEARCH)
    result = run_plan(path, out=tmp_path / "s")
    curve = result.search.curve
    assert curve["budget"].tolist() == [100_000, 400_000]
    assert curve["expected"].iloc[1] >= curve["expected"].iloc[0]
    assert (curve["worst"] <= curve["expected"]).all()
    assert (curve["expected"] <= curve["best_draw"]).all()
    best = result.search.best
    for budget, group in best.groupby("budget"):
        assert group["allocated"].sum() <= budget
    # never more than an intervention can spend in its district; judged on what it spent
    given = best[best["allocated"] > 0]
    assert (given["allocated"] <= given["capacity"]).all()
    assert (best["spent"] <= best["allocated"] + 1e-6).all()
    # the searched allocation is judged like the written strategies
    assert "optimised" in set(result.totals["strategy"])
    spent = result.allocations.query("strategy == 'optimised'")
    assert (spent["spent_max"] <= spent["allocated"] + 1e-6).all()
    assert (spent["allocated"] <= spent["capacity"]).all()
    for name in ("search_curve.csv", "search_best.csv", "search_curve.png"):
        assert (tmp_path / "s" / name).exists(), name


def test_search_errors_name_the_field(tmp_path):
    bad = SEARCH.replace('["inspections", "rehabilitation", "cash_transfer"]', '["inspection"]')
    with pytest.raises(BondsimError, match=r"field 'search\.interventions'"):
        run_plan(_plan(tmp_path, strategies=STRATEGIES + bad), out=tmp_path / "x")
    bad = SEARCH.replace('name = "prison_cost_months"', 'name = "prison_cost_month"')
    with pytest.raises(BondsimError, match=r"search\.uncertain\.0\.name.*did you mean"):
        run_plan(_plan(tmp_path, strategies=STRATEGIES + bad), out=tmp_path / "y")


@pytest.mark.slow
def test_plan_command_prints_totals(small_plan, tmp_path, capsys):
    _, tmp = small_plan
    assert main(["plan", str(_plan(tmp)), "--out", str(tmp_path / "c"), "--quiet",
                 "--workers", "1"]) == 0
    printed = capsys.readouterr().out
    assert "enforce" in printed
    assert "bonded household-years averted" in printed


def test_search_mistakes_are_caught_before_anything_runs(tmp_path):
    taken = SEARCH + '\n[search.fields.cash_transfer]\nbudget = 5.0\n'
    with pytest.raises(BondsimError, match=r"search\.fields\.cash_transfer'.*set by the search"):
        load_plan(_plan(tmp_path, strategies=STRATEGIES + taken))
    clash = STRATEGIES + '\n[[strategies]]\nname = "optimised"\n' + SEARCH
    with pytest.raises(BondsimError, match=r"none of.*optimised"):
        load_plan(_plan(tmp_path, strategies=clash))
    high = SEARCH.replace("budgets = [100_000, 400_000]", "budgets = [100_000, 4_000_000]")
    with pytest.raises(BondsimError, match=r"search\.budgets'.*above the plan budget"):
        load_plan(_plan(tmp_path, strategies=STRATEGIES + high))
    assert not (tmp_path / "runs").exists()


def test_validate_checks_plan_files(tmp_path, capsys):
    assert main(["validate", str(_plan(tmp_path))]) == 0
    assert "ok (plan test_plan, 2 districts, 3 strategies)" in capsys.readouterr().out


def test_the_release_quantile_is_the_poisson_quantile():
    """absorb.poisson_quantile (no SciPy, so validating a plan stays fast) equals SciPy's."""
    from scipy.stats import poisson

    from bondsim.experiments.absorb import poisson_quantile

    for mean in np.geomspace(1e-3, 2e4, 400):
        for q in (0.5, 0.9, 0.95, 0.99):
            assert poisson_quantile(q, float(mean)) == poisson.ppf(q, mean), (q, mean)
    assert poisson_quantile(0.95, 0.0) == 0.0
    assert poisson_quantile(0.95, 4.5) == 8.0  # 9 or more has a chance of about 1 in 20
