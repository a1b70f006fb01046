"""Common random numbers, everywhere two runs must share seeds, and independence where they
must not.

Every job that reports a policy's effect compares two runs: the policy and its baseline.
They must meet the same shocks (the same seed), or noise passes for an effect: with the
baseline of a sweep on another seed, a policy that does nothing "averts" bonded
household-years. For each such job (effect, batch comparison, plan, the plan's search, sweep
effect outcomes, discovery's relative criterion) two tests:

- a policy with no teeth (a cash transfer that enrols nobody, or that has no money) gives
  exactly zero effect: the two runs are the same run, month for month;
- a real policy's paired result equals the difference of the two runs made here by hand,
  with the seeds the documentation promises (``_seeds``, ``_own_seeds``: the derivations
  written out again, not the code's functions).

Calibration is the opposite case: each draw of the parameters runs on seeds of its own (a
shared draw of luck would shift every draw alike and bias the fit), and the same draw on the
same seeds gives the same numbers.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bondsim.experiments.calibration import run_calibration
from bondsim.experiments.compare import compare_table
from bondsim.experiments.discover import BASELINE as DISCOVERY_BASELINE
from bondsim.experiments.discover import load_discovery, run_discovery
from bondsim.experiments.effect import paired_effect
from bondsim.experiments.plan import BASELINE, load_plan, run_plan
from bondsim.experiments.run import simulate
from bondsim.experiments.scenario import scenario_from_dict
from bondsim.experiments.sensitivity import Factor, run_futures, sobol
from bondsim.experiments.sweep import load_sweep, run_sweep
from conftest import DISTRICTS

HH, MONTHS = 150, 14   # small and fast; 14 months cover one closure and two quarterly payments
BASE = {"name": "base", "horizon": MONTHS, "population": {"households": HH}}
# a cash transfer that enrols nobody, and one with no money: both change nothing
TOOTHLESS = {**BASE, "name": "toothless",
             "interventions": [{"type": "cash_transfer", "coverage": 0.0}]}
BROKE = {**BASE, "name": "broke",
         "interventions": [{"type": "cash_transfer", "coverage": 1.0, "budget": 0.0}]}
# a real policy: every card-holding family paid from the first month
POLICY = {**BASE, "name": "policy",
          "interventions": [{"type": "cash_transfer", "coverage": 1.0, "exclusion_error": 0.0,
                             "amount_per_quarter": 40_000.0}]}


def _seeds(seed: int, replicates: int) -> list[int]:
    """The replicate seeds as documented: the first ``replicates`` 64-bit words of numpy's
    SeedSequence(seed), each shifted right by one bit (to fit a signed 64-bit integer)."""
    words = np.random.SeedSequence(seed).generate_state(replicates, dtype=np.uint64)
    return [int(w) >> 1 for w in words]


def _own_seeds(seeds: list[int], index: int) -> list[int]:
    """The seeds of draw (future, point) ``index`` of a calibration or discovery, as
    documented: one word of SeedSequence([seed, index]) per shared seed, shifted by one."""
    return [int(np.random.SeedSequence([s, index]).generate_state(1, dtype=np.uint64)[0]) >> 1
            for s in seeds]


def _run(data: dict, seed: int, params: dict | None = None) -> pd.DataFrame:
    """One run made by hand: the scenario's data with ``params`` written in."""
    if params:
        data = {**data, "parameters": {**data.get("parameters", {}), **params}}
    return simulate(scenario_from_dict(data, source=data["name"]), seed=seed,
                    households=HH, months=MONTHS).timeseries()


def _years_averted(base: pd.DataFrame, policy: pd.DataFrame, households: int) -> float:
    """Bonded household-years averted by hand: sum over months 1.. of the bonded share's
    difference, times households, over 12."""
    b = base.loc[base["month"] > 0, "bonded_share"].to_numpy()
    s = policy.loc[policy["month"] > 0, "bonded_share"].to_numpy()
    return float((b - s).sum()) * households / 12.0


def _toml(path: Path, data: dict) -> Path:
    """A scenario file for the jobs that read files (interventions as an array of tables)."""
    lines = [f'name = "{data["name"]}"', f"horizon = {data['horizon']}", "",
             "[population]", f"households = {data['population']['households']}"]
    for params in ([data["parameters"]] if data.get("parameters") else []):
        lines += ["", "[parameters]", *(f"{k} = {v!r}" for k, v in params.items())]
    for item in data.get("interventions", []):
        lines += ["", "[[interventions]]"]
        lines += [f"{k} = {json.dumps(v)}" for k, v in item.items()]
    path.write_text("\n".join(lines) + "\n")
    return path


def _policy_differs(by_hand: list[float]) -> None:
    """The real policy must do something on these seeds, or the by-hand test proves nothing."""
    assert any(abs(v) > 0.1 for v in by_hand), by_hand


# --- effect --------------------------------------------------------------------------------

@pytest.mark.parametrize("data", [TOOTHLESS, BROKE], ids=["nobody_enrolled", "no_money"])
def test_effect_of_a_policy_without_teeth_is_exactly_zero(data):
    result = paired_effect(scenario_from_dict(data), scenario_from_dict(BASE), replicates=3,
                           seed=11)
    by_seed = result.by_seed
    for name in ("bonded_household_years_averted", "child_work_years_averted",
                 "children_out_of_work_last_year", "bonded_households_freed_last_year",
                 "public_cost"):
        assert (by_seed[name] == 0.0).all(), (name, by_seed[name].tolist())
    # nothing averted: no cost per unit averted
    assert by_seed["cost_per_bonded_household_year_averted"].isna().all()


def test_effect_runs_the_baseline_on_the_scenarios_families():
    """The baseline file's own population (other kilns, other districts) is replaced by the
    scenario's, so the two runs differ only by the policy."""
    elsewhere = {**BASE, "name": "elsewhere",
                 "population": {"households": 999, "kilns": 3, "districts": ["X", "Y"]}}
    result = paired_effect(scenario_from_dict(TOOTHLESS), scenario_from_dict(elsewhere),
                           replicates=2, seed=11)
    assert (result.by_seed["bonded_household_years_averted"] == 0.0).all()
    assert (result.by_seed["child_work_years_averted"] == 0.0).all()


def test_effect_pairs_each_replicate_on_the_documented_seed():
    result = paired_effect(scenario_from_dict(POLICY), scenario_from_dict(BASE), replicates=2,
                           seed=11)
    assert result.by_seed["seed"].tolist() == _seeds(11, 2)
    by_hand = []
    for seed in _seeds(11, 2):
        base, policy = _run(BASE, seed), _run(POLICY, seed)
        by_hand.append(_years_averted(base, policy, HH))
        row = result.by_seed[result.by_seed["seed"] == seed].iloc[0]
        assert row["public_cost"] == pytest.approx(policy["intervention_cost"].sum(), rel=1e-12)
        last = slice(-12, None)  # the default window: the last 12 months
        freed = (base["bonded_share"].iloc[last].mean()
                 - policy["bonded_share"].iloc[last].mean()) * HH
        assert row["bonded_households_freed_last_year"] == pytest.approx(freed, rel=1e-9,
                                                                         abs=1e-9)
    _policy_differs(by_hand)
    assert result.by_seed["bonded_household_years_averted"].tolist() == pytest.approx(
        by_hand, rel=1e-12, abs=1e-9)


# --- batch comparison ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    from bondsim.experiments.batch import run_batch

    tmp = tmp_path_factory.mktemp("pairing-batch")
    files = [_toml(tmp / f"{d['name']}.toml", d) for d in (BASE, TOOTHLESS, POLICY)]
    exp = tmp / "exp.toml"
    exp.write_text('name = "pairs"\nscenarios = [' + ", ".join(f'"{f.as_posix()}"'
                                                               for f in files)
                   + "]\nreplicates = 3\nseed = 5\n")
    # the baseline listed first, then shuffled replicates in the table: pairing must be by
    # replicate, never by row order
    result = run_batch(exp, out=tmp / "out", workers=1)
    return result.timeseries


def test_batch_gives_every_scenario_the_same_documented_seeds(batch):
    for scenario, group in batch.groupby("scenario"):
        seeds = group.groupby("replicate")["seed"].first().tolist()
        assert seeds == _seeds(5, 3), scenario


def test_compare_of_a_policy_without_teeth_is_exactly_zero(batch):
    # rows shuffled: the comparison pairs by replicate, whatever the order of the table
    shuffled = batch.sample(frac=1.0, random_state=1).sort_values(
        ["scenario", "replicate", "month"], ascending=[True, False, True])
    table = compare_table(shuffled.reset_index(drop=True), baseline="base")
    rows = table[table["scenario"] == "toothless"].set_index("measure")
    finite = rows["mean"].dropna()
    assert len(finite) > 20  # the outcomes and the effect metrics
    assert (finite == 0.0).all(), finite[finite != 0.0]
    for name in ("bonded_share_change_last_year", "bonded_household_years_averted",
                 "bonded_households_freed_last_year", "child_labour_rate_change_last_year",
                 "public_cost"):
        assert rows.loc[name, "mean"] == 0.0, name
        assert rows.loc[name, "low"] == rows.loc[name, "high"] == 0.0, name


def test_compare_pairs_replicates_on_the_documented_seeds(batch):
    table = compare_table(batch, baseline="base").query("scenario == 'policy'")
    got = table.set_index("measure")["mean"]
    years, change = [], []
    for seed in _seeds(5, 3):
        base, policy = _run(BASE, seed), _run(POLICY, seed)
        years.append(_years_averted(base, policy, HH))
        change.append(policy["bonded_share"].iloc[-12:].mean()
                      - base["bonded_share"].iloc[-12:].mean())
    _policy_differs(years)
    assert got["bonded_household_years_averted"] == pytest.approx(np.mean(years), rel=1e-12)
    assert got["bonded_share_change_last_year"] == pytest.approx(np.mean(change), rel=1e-9,
                                                                 abs=1e-12)
    # the mean would not notice replicates paired out of order; the spread of the paired
    # differences does: 95% half-width t(0.975, 2 df) = 4.3027 x sd / sqrt(3)
    high = table.set_index("measure")["high"]
    for name, values in (("bonded_household_years_averted", years),
                         ("bonded_share_change_last_year", change)):
        half = 4.302653 * np.std(values, ddof=1) / np.sqrt(3)
        assert high[name] - got[name] == pytest.approx(half, rel=1e-5), name


def test_compare_over_another_window_names_it_and_gives_units_by_value(batch):
    """A 6-month window: each outcome's change and the effect metrics are named for it and
    computed over it; money in rupees; one row per scenario and measure, nothing else (the
    clock, the seeds and the population are not outcomes)."""
    from bondsim.simulation.outcomes import OUTCOMES, Window, is_outcome

    table = compare_table(batch, baseline="base", window=Window(6))
    assert list(table.columns) == ["scenario", "measure", "unit", "mean", "low", "high",
                                   "replicates"]
    alone = compare_table(batch[batch["scenario"] == "base"], baseline="base")
    assert alone.empty
    assert list(alone.columns) == list(table.columns)  # a table to read, even when empty
    assert set(table["scenario"]) == {"toothless", "policy"}
    assert (table["replicates"] == 3).all()
    rows = table[table["scenario"] == "policy"].set_index("measure")
    outcomes = [c for c in batch.columns if c in OUTCOMES and is_outcome(c)
                and c not in ("month",)]
    expected = {f"{c}_change_last_6_months" for c in outcomes}
    expected |= {"bonded_household_years_averted", "ilo_bonded_household_years_averted",
                 "indebted_household_years_averted", "child_work_years_averted",
                 "bonded_households_freed_last_6_months",
                 "children_out_of_work_last_6_months", "unmet_need_averted",
                 "household_months_short_averted", "school_years_gained", "public_cost",
                 "cost_per_bonded_household_year_averted", "cost_per_child_work_year_averted"}
    assert set(rows.index) == expected
    assert rows.loc["debt_total_change_last_6_months", "unit"] == "Rs (scenario - baseline)"
    assert rows.loc["bonded_share_change_last_6_months", "unit"] == "(scenario - baseline)"
    assert rows.loc["children_out_of_work_last_6_months", "unit"] == "children"
    assert rows.loc["bonded_households_freed_last_6_months", "unit"] == "households"
    change, out_of_work = [], []
    for seed in _seeds(5, 3):
        base, policy = _run(BASE, seed), _run(POLICY, seed)
        change.append(policy["bonded_share"].iloc[-6:].mean()
                      - base["bonded_share"].iloc[-6:].mean())
        kids = int(policy["children_5_14"].iloc[0])
        out_of_work.append((base["child_labour_rate"].iloc[-6:].mean()
                            - policy["child_labour_rate"].iloc[-6:].mean()) * kids)
    assert rows.loc["bonded_share_change_last_6_months", "mean"] == pytest.approx(
        np.mean(change), rel=1e-9, abs=1e-12)
    assert rows.loc["children_out_of_work_last_6_months", "mean"] == pytest.approx(
        np.mean(out_of_work), rel=1e-9, abs=1e-12)
    # households freed: the same share difference, the other way round, in households
    assert rows.loc["bonded_households_freed_last_6_months", "mean"] == pytest.approx(
        -np.mean(change) * HH, rel=1e-9, abs=1e-9)


# --- plan and its search -------------------------------------------------------------------


PLAN = """name = "pairs"
districts_file = "districts.toml"
horizon = 14
budget = 3_000_000
replicates = 3
seed = 8

[[strategies]]
name = "toothless"
  [[strategies.allocations]]
  type = "cash_transfer"
  budget = 1_000_000
  coverage = 0.0

[[strategies]]
name = "cash"
  [[strategies.allocations]]
  type = "cash_transfer"
  label = "top_up"
  budget = 1_000_000
  coverage = 1.0
  exclusion_error = 0.0
  amount_per_quarter = 40_000
"""

SEARCH = """
[search]
interventions = ["cash_transfer"]
draws = 1
replicates = 2
seed = 6
[search.fields.cash_transfer]
coverage = 1.0
exclusion_error = 0.0
amount_per_quarter = 40_000
"""


def _plan_file(tmp: Path, extra: str = "") -> Path:
    (tmp / "districts.toml").write_text(DISTRICTS)
    path = tmp / "plan.toml"
    path.write_text(PLAN + extra)
    return path


@pytest.fixture(scope="module")
def plan(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("pairing-plan")
    path = _plan_file(tmp)
    return run_plan(path, out=tmp / "out", workers=1), load_plan(path)


def test_plan_strategy_without_teeth_is_exactly_zero_in_every_district(plan):
    result, _ = plan
    rows = result.by_run[result.by_run["strategy"] == "toothless"]
    assert sorted(set(rows["district"])) == ["North", "South"]
    assert len(rows) == 2 * 3
    for name in ("bonded_households_freed_last_year", "bonded_household_years_averted",
                 "children_out_of_work_last_year", "child_work_years_averted", "public_cost"):
        assert (rows[name] == 0.0).all(), (name, rows[name].tolist())


def test_plan_pairs_each_strategy_with_the_baseline_of_its_district_and_seed(plan):
    result, loaded = plan
    seeds = _seeds(8, 3)
    by_run = result.by_run[result.by_run["strategy"] == "cash"]
    assert sorted(set(by_run["seed"])) == sorted(seeds)
    by_hand = []
    for district in loaded.districts:
        policy = scenario_from_dict(loaded.scenario("cash", district), source="cash")
        base = scenario_from_dict(loaded.scenario(BASELINE, district), source="base")
        for r, seed in enumerate(seeds):
            b = simulate(base, seed=seed).timeseries()
            s = simulate(policy, seed=seed).timeseries()
            years = _years_averted(b, s, int(s["households"].iloc[0]))
            by_hand.append(years)
            row = by_run[(by_run["district"] == district.name) & (by_run["replicate"] == r)]
            assert row["seed"].iloc[0] == seed
            assert row["bonded_household_years_averted"].iloc[0] == pytest.approx(
                years, rel=1e-12, abs=1e-9), (district.name, r)
    _policy_differs(by_hand)


def test_plan_search_judges_every_candidate_against_its_own_baseline_seed(tmp_path):
    from bondsim.experiments.plan_search import check_search, context, judge

    loaded = load_plan(_plan_file(tmp_path, SEARCH))
    ctx = context(loaded, check_search(loaded), None, workers=1, progress=False,
                  scheduler=None)
    assert list(ctx.seeds) == _seeds(6, 2)
    # nothing allocated: exactly no effect, in every district and replicate
    nothing = judge(ctx, np.zeros((2, 1)))
    assert nothing["per_draw"].tolist() == [0.0]
    assert all(row["bonded_household_years_averted"] == 0.0 for row in nothing["rows"])
    # Rs 2 M to North only: its paired difference, made by hand on the documented seeds (under
    # the legal definition a family is bonded while it owes anything: Rs 500,000 among 40
    # families freed nobody)
    judged = judge(ctx, np.array([[2_000_000.0], [0.0]]))
    north = loaded.scenario(BASELINE, loaded.districts[0])
    item = {"type": "cash_transfer", "label": "optimised-cash_transfer", "budget": 2_000_000.0,
            "start": 1, "end": 14, "pacing": "even", "coverage": 1.0,
            "exclusion_error": 0.0, "amount_per_quarter": 40_000}
    policy = dict(north, interventions=[*north["interventions"], item])
    by_hand = []
    for seed in _seeds(6, 2):
        b = simulate(scenario_from_dict(north, source="north"), seed=seed).timeseries()
        s = simulate(scenario_from_dict(policy, source="policy"), seed=seed).timeseries()
        by_hand.append(_years_averted(b, s, int(s["households"].iloc[0])))
    _policy_differs(by_hand)
    assert judged["per_draw"][0] == pytest.approx(np.mean(by_hand), rel=1e-12, abs=1e-9)


def test_plans_optimised_strategy_is_paired_like_the_written_ones(tmp_path):
    """The search's best allocation is run again as a strategy, against the baseline on the
    plan's seeds: with a cash transfer that enrols nobody, whatever it allocates averts
    exactly nothing, in every district and replicate."""
    toothless = SEARCH.replace("coverage = 1.0", "coverage = 0.0").replace(
        "seed = 6\n", "seed = 6\ngenerations = 1\npopulation = 1\n")
    result = run_plan(_plan_file(tmp_path, toothless), out=tmp_path / "out", workers=1)
    rows = result.by_run[result.by_run["strategy"] == "optimised"]
    assert len(rows) == 2 * 3
    assert sorted(set(rows["seed"])) == sorted(_seeds(8, 3))
    for name in ("bonded_households_freed_last_year", "bonded_household_years_averted",
                 "children_out_of_work_last_year", "child_work_years_averted", "public_cost"):
        assert (rows[name] == 0.0).all(), (name, rows[name].tolist())
    assert (result.search.curve["expected"] == 0.0).all()


# --- sweeps: the engine's seeds, and the effect outcomes' counterfactual -------------------

def test_sweep_points_share_the_replicate_seeds():
    """Sensitivity: every sample point runs on the same seeds (common random numbers), so
    two points differ by their parameters, not by their luck."""
    def model(params, seed):
        return {"y": params["a"] + 0.5 * params["b"], "seed": float(seed)}

    result = sobol(model, [Factor("a", 0.0, 1.0), Factor("b", 0.0, 1.0)], ["y", "seed"],
                   n=8, replicates=3, seed=9, sizes=[8])
    seeds = np.array(_seeds(9, 3), dtype=float)
    assert result.runs.shape[1] == 8 * 4
    np.testing.assert_array_equal(result.runs[1], np.tile(seeds, (8 * 4, 1)))


SWEEP_SCENARIO = {**BASE, "name": "ct",
                  "interventions": [{"type": "cash_transfer", "coverage": 0.5,
                                     "exclusion_error": 0.0, "amount_per_quarter": 40_000.0}]}


def _sweep_file(tmp: Path, method: str = "morris", samples: int = 3) -> Path:
    scenario = _toml(tmp / "ct.toml", SWEEP_SCENARIO)
    path = tmp / "sweep.toml"
    path.write_text(f"""name = "pairs"
scenario = "{scenario.as_posix()}"
method = "{method}"
samples = {samples}
replicates = 2
seed = 4
households = {HH}
months = {MONTHS}
window = 6
outcomes = ["bonded_share", "bonded_household_years_averted", "public_cost"]

[[factors]]
name = "markup_annual"
low = 0.1
high = 0.9

[[factors]]
name = "cash_transfer.coverage"
low = 0.0
high = 1.0
""")
    return path


def test_sweep_effect_of_a_lever_at_zero_is_exactly_zero(tmp_path):
    model = load_sweep(_sweep_file(tmp_path)).model
    for seed in _seeds(4, 2):
        out = model({"markup_annual": 0.6, "cash_transfer.coverage": 0.0}, seed)
        for name in ("bonded_household_years_averted", "child_work_years_averted",
                     "children_out_of_work_last_year", "bonded_households_freed_last_year",
                     "public_cost"):
            assert out[name] == 0.0, (name, out[name])


def test_sweep_effect_outcomes_pair_policy_and_counterfactual_on_each_points_seed(tmp_path):
    result = run_sweep(_sweep_file(tmp_path), out=tmp_path / "out", workers=1)
    runs = result.results
    assert sorted(set(runs["seed"].astype(int))) == sorted(_seeds(4, 2))
    by_hand, got = [], []
    for i in (0, 4, len(runs) - 1):  # some runs of the sample, each on its replicate's seed
        row = runs.iloc[i]
        seed = _seeds(4, 2)[int(row["replicate"])]
        params = {"markup_annual": float(row["markup_annual"])}
        policy = {**SWEEP_SCENARIO, "interventions": [
            {**SWEEP_SCENARIO["interventions"][0],
             "coverage": float(row["cash_transfer.coverage"])}]}
        # the counterfactual: the same world (parameters), no interventions, the same seed
        base = _run({**BASE, "name": "ct-without-interventions"}, seed, params)
        s = _run(policy, seed, params)
        by_hand.append(_years_averted(base, s, HH))
        got.append(float(row["bonded_household_years_averted"]))
        assert row["bonded_share"] == pytest.approx(s["bonded_share"].iloc[-6:].mean(),
                                                    rel=1e-12)
    _policy_differs(by_hand)
    assert got == pytest.approx(by_hand, rel=1e-12, abs=1e-9)


# --- discovery: the relative criterion -----------------------------------------------------

def _discovery_file(tmp: Path) -> Path:
    files = {d["name"]: _toml(tmp / f"{d['name']}.toml", d) for d in (BASE, TOOTHLESS, POLICY)}
    path = tmp / "discovery.toml"
    path.write_text(f"""name = "pairs"
policies = ["{files['toothless'].as_posix()}", "{files['policy'].as_posix()}"]
baseline = "{files['base'].as_posix()}"
futures = 10
replicates = 2
seed = 3
window = 6
outcomes = ["child_labour_rate"]

[criterion]
outcome = "bonded_share"
kind = "relative"
ratio = 1.0
direction = "above"

[[uncertain]]
name = "markup_annual"
low = 0.1
high = 0.9

[[uncertain]]
name = "prison_cost_months"
low = 1.0
high = 20.0
""")
    return path


@pytest.fixture(scope="module")
def discovery(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("pairing-discovery")
    return run_discovery(_discovery_file(tmp), out=tmp / "out", workers=1)


def test_discovery_policy_without_teeth_equals_its_baseline_in_every_future(discovery):
    values = discovery.values
    base = DISCOVERY_BASELINE
    for outcome in ("bonded_share", "child_labour_rate"):
        np.testing.assert_array_equal(values[f"toothless:{outcome}"], values[f"{base}:{outcome}"])
    # so it never does worse than the baseline of its own future: it never fails
    assert not discovery.failed["toothless"].any()
    share = discovery.robustness.set_index("policy").loc["toothless", "satisficing_share"]
    assert share == 1.0


def test_discovery_runs_policy_and_baseline_of_a_future_on_that_futures_seeds(discovery):
    values = discovery.values
    shared = _seeds(3, 2)
    by_hand = []
    for i in (0, 7):
        params = {"markup_annual": float(values["markup_annual"].iloc[i]),
                  "prison_cost_months": float(values["prison_cost_months"].iloc[i])}
        means = {}
        for name, data in (("base", BASE), ("policy", POLICY)):
            runs = [_run(data, seed, params) for seed in _own_seeds(shared, i)]
            means[name] = np.mean([ts["bonded_share"].iloc[-6:].mean() for ts in runs])
        assert values[f"{DISCOVERY_BASELINE}:bonded_share"].iloc[i] == pytest.approx(
            means["base"], rel=1e-12)
        assert values["policy:bonded_share"].iloc[i] == pytest.approx(means["policy"],
                                                                      rel=1e-12)
        by_hand.append((means["base"] - means["policy"]) * 100)
    _policy_differs(by_hand)


def test_discovery_model_runs_every_policy_and_the_baseline_on_the_seed_it_is_given(tmp_path):
    """``DiscoveryModel`` called in this process (the job runs it in workers): one future's
    parameters written into every scenario, each run on the one seed, each outcome averaged
    over the window's last months."""
    loaded = load_discovery(_discovery_file(tmp_path))
    params = {"markup_annual": 0.6, "prison_cost_months": 4.0}
    out = loaded.model(params, 123)
    names = {"toothless", "policy", DISCOVERY_BASELINE}
    assert set(out) == {f"{n}:{o}" for n in names for o in ("bonded_share", "child_labour_rate")}
    for name, data in (("policy", POLICY), (DISCOVERY_BASELINE, BASE), ("toothless", TOOTHLESS)):
        ts = _run(data, 123, params)
        ts = ts[ts["month"] > 0]
        for outcome in ("bonded_share", "child_labour_rate"):
            assert out[f"{name}:{outcome}"] == pytest.approx(ts[outcome].iloc[-6:].mean(),
                                                             rel=1e-12), (name, outcome)
    assert out["toothless:bonded_share"] == out[f"{DISCOVERY_BASELINE}:bonded_share"]
    _policy_differs([(out[f"{DISCOVERY_BASELINE}:bonded_share"] - out["policy:bonded_share"])
                     * 100])


def test_discovery_model_applies_the_files_size_and_a_window_of_the_whole_run(tmp_path):
    """The discovery file's households and months override the scenarios'; a window as long
    as the run averages months 1 to the horizon (month 0, the initial state, is not an
    outcome month)."""
    path = _discovery_file(tmp_path)
    path.write_text(path.read_text().replace("window = 6", "window = 10\nhouseholds = 120\n"
                                             "months = 10"))
    out = load_discovery(path).model({"markup_annual": 0.6, "prison_cost_months": 4.0}, 99)
    data = {**POLICY, "parameters": {"markup_annual": 0.6, "prison_cost_months": 4.0}}
    ts = simulate(scenario_from_dict(data, source="policy"), seed=99, households=120,
                  months=10).timeseries()
    assert len(ts) == 11
    assert ts["month"].iloc[0] == 0
    assert out["policy:bonded_share"] == pytest.approx(ts["bonded_share"].iloc[1:].mean(),
                                                       rel=1e-12)
    assert out["policy:bonded_share"] != pytest.approx(ts["bonded_share"].iloc[2:].mean(),
                                                       rel=1e-9)


# --- calibration: each draw on seeds of its own, reproducibly ------------------------------

def test_futures_each_run_on_seeds_of_their_own_and_reproducibly(tmp_path):
    def model(params, seed):
        return {"seed": float(seed)}

    factors = [Factor("a", 0.0, 1.0), Factor("b", 0.0, 1.0)]
    kwargs = {"n": 6, "seed": 12, "replicates": 2, "layout": {}, "job": "calibration"}
    _, seeds, runs = run_futures(model, factors, ["seed"], folder=tmp_path / "one", **kwargs)
    assert seeds == _seeds(12, 2)
    for i in range(6):
        np.testing.assert_array_equal(runs[0, i], np.array(_own_seeds(seeds, i), dtype=float))
    assert len(set(runs[0].ravel().tolist())) == 6 * 2  # no two draws share luck
    _, _, again = run_futures(model, factors, ["seed"], folder=tmp_path / "two", **kwargs)
    np.testing.assert_array_equal(again, runs)


def test_calibration_draws_run_on_their_own_documented_seeds(tmp_path):
    scenario = _toml(tmp_path / "base.toml", BASE)
    path = tmp_path / "cal.toml"
    path.write_text(f"""name = "pairs"
samples = 10
replicates = 2
check_replicates = 2
min_accepted = 2
seed = 7
window = 6

[[parameters]]
name = "markup_annual"
low = 0.1
high = 0.9

[[targets]]
scenario = "{scenario.as_posix()}"
outcome = "indebted_share"
value = 0.8
tolerance = 0.1
source = "assumption: test"
""")
    result = run_calibration(path, out=tmp_path / "out", workers=1)
    draws = result.draws
    shared = _seeds(7, 2)
    for i in (0, 9):
        params = {"markup_annual": float(draws["markup_annual"].iloc[i])}
        runs = [_run(BASE, seed, params) for seed in _own_seeds(shared, i)]
        by_hand = np.mean([ts["indebted_share"].iloc[-6:].mean() for ts in runs])
        assert draws["base:indebted_share"].iloc[i] == pytest.approx(by_hand, rel=1e-12), i
        # and not the same luck as the shared seeds would give
        common = np.mean([_run(BASE, seed, params)["indebted_share"].iloc[-6:].mean()
                          for seed in shared])
        assert common != by_hand
