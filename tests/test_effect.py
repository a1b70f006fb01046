"""Effects against a baseline on paired runs, and cost-effectiveness."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from bondsim import BondsimModel
from bondsim.cli import main
from bondsim.experiments.effect import (
    METRICS,
    paired_effect,
    paired_metrics,
    replicate_seeds,
    summarise,
)
from bondsim.experiments.paired import (
    METRIC_LIST,
    metric,
    metric_definitions,
    metric_units,
    renamed,
)
from bondsim.experiments.scenario import scenario_from_dict
from bondsim.simulation.outcomes import Window
from conftest import ROOT

SCENARIOS = ROOT / "scenarios"


def _frame(bonded, child, cost, ilo=None, indebted=None, school=0.7):
    months = len(bonded)
    return pd.DataFrame({"month": range(months), "bonded_share": bonded,
                         "bonded_share_ilo": bonded if ilo is None else ilo,
                         "indebted_to_owner_share": bonded if indebted is None else indebted,
                         "child_labour_rate": child, "intervention_cost": cost,
                         "unmet_need": 0.0, "households_short": 0.0,
                         "school_enrolment": school})


def test_paired_metrics_by_hand():
    # 1,200 households, 600 children; months 1-3 (month 0 is ignored)
    base = _frame([0.5, 0.5, 0.5, 0.5], [0.3, 0.3, 0.3, 0.3], [0, 0, 0, 0],
                  ilo=[0.3, 0.3, 0.3, 0.3], indebted=[0.9, 0.9, 0.9, 0.9])
    scen = _frame([0.5, 0.4, 0.4, 0.3], [0.3, 0.3, 0.2, 0.1], [0, 100, 100, 100],
                  ilo=[0.3, 0.3, 0.2, 0.2], indebted=[0.9, 0.9, 0.9, 0.8],
                  school=[0.7, 0.7, 0.8, 0.9])
    m = paired_metrics(base, scen, households=1200, children=600, window=Window(3))
    # school: (0 + 0.1 + 0.2) x 600 / 12 = 15 child-years gained
    assert m["school_years_gained"] == pytest.approx(15.0)
    # bonded: (0.1 + 0.1 + 0.2) x 1,200 / 12 = 40 household-years
    assert m["bonded_household_years_averted"] == pytest.approx(40.0)
    # by the other definitions: ILO (0 + 0.1 + 0.1) x 100 = 20; indebted 0.1 x 100 = 10
    assert m["ilo_bonded_household_years_averted"] == pytest.approx(20.0)
    assert m["indebted_household_years_averted"] == pytest.approx(10.0)
    # children: (0 + 0.1 + 0.2) x 600 / 12 = 15 child-years
    assert m["child_work_years_averted"] == pytest.approx(15.0)
    # over the last 3 months: child labour 0.3 against 0.2 x 600 = 60; bonded 0.5 against
    # 0.3667 x 1,200 = 160 households freed
    assert m["children_out_of_work_last_3_months"] == pytest.approx(60.0)
    assert m["bonded_households_freed_last_3_months"] == pytest.approx(0.4 / 3 * 1200)
    # one month asked for explicitly: the last, 0.2 x 600 = 120 and (0.5 - 0.3) x 1,200
    one = paired_metrics(base, scen, households=1200, children=600, window=Window(month=3))
    assert one["children_out_of_work_month_3"] == pytest.approx(120.0)
    assert one["bonded_households_freed_month_3"] == pytest.approx(240.0)
    assert m["public_cost"] == 300.0
    assert m["cost_per_bonded_household_year_averted"] == pytest.approx(7.5)
    assert m["cost_per_child_work_year_averted"] == pytest.approx(20.0)
    worse = paired_metrics(scen, base, households=1200, children=600)
    assert np.isnan(worse["cost_per_bonded_household_year_averted"])


@pytest.mark.parametrize("window", [Window(12), Window(3), Window(month=2)],
                         ids=["last_year", "last_3_months", "month_2"])
def test_one_table_names_every_metric_with_unit_label_and_definition(window):
    """What paired_metrics computes is exactly the table's metrics, in its order, each with a
    unit, a label and a definition; the end-of-run ones are named for the window."""
    base = _frame([0.5, 0.5, 0.5, 0.5], [0.3, 0.3, 0.3, 0.3], [0, 0, 0, 0])
    scen = _frame([0.5, 0.4, 0.4, 0.3], [0.3, 0.3, 0.2, 0.1], [0, 100, 100, 100])
    m = paired_metrics(base, scen, households=1200, children=600, window=window)
    assert list(m) == list(metric_units(window)) == list(metric_definitions(window))
    for item in METRIC_LIST:
        assert item.unit
        assert item.label
        assert item.definition
        assert metric(item.name(window)) is item
        assert (window.suffix in item.name(window)) == item.at_end
    assert metric("bonded_share_last_year") is None
    # the same numbers from arrays (how a plan keeps its runs) as from a table
    arrays = {name: base[name].to_numpy() for name in base.columns}
    assert paired_metrics(arrays, scen, households=1200, children=600, window=window) == m


def test_old_metric_names_map_to_the_new():
    assert renamed("bonded_share_change_last_year") == "bonded_households_freed_last_year"
    assert renamed("bonded_share_change_month_24") == "bonded_households_freed_month_24"
    assert renamed("bonded_share_change_last_6_months") == \
        "bonded_households_freed_last_6_months"
    assert renamed("public_cost") is None
    assert renamed("bonded_share_change") is None


def test_summary_interval_by_hand():
    by_seed = pd.DataFrame({name: [1.0, 2.0, 3.0] for name in
                            ["bonded_household_years_averted",
                             "ilo_bonded_household_years_averted",
                             "indebted_household_years_averted", "child_work_years_averted",
                             "bonded_households_freed_last_year",
                             "children_out_of_work_last_year", "unmet_need_averted",
                             "household_months_short_averted", "school_years_gained", "public_cost",
                             "cost_per_bonded_household_year_averted",
                             "cost_per_child_work_year_averted"]})
    row = summarise(by_seed).iloc[0]
    # mean 2, sd 1, t(0.975, 2) = 4.303: half-width 4.303 / sqrt(3) = 2.484
    assert row["mean"] == 2.0
    assert row["high"] - row["mean"] == pytest.approx(2.4841, abs=1e-3)


def test_seeds_are_derived_deterministically():
    assert replicate_seeds(7, 4) == replicate_seeds(7, 4)
    assert len(set(replicate_seeds(7, 4))) == 4
    assert replicate_seeds(7, 4) != replicate_seeds(8, 4)


def test_a_scenario_against_itself_has_no_effect_exactly():
    """Common random numbers: the same policy on the same seeds gives identical runs."""
    result = paired_effect(SCENARIOS / "baseline.toml", SCENARIOS / "baseline.toml",
                           replicates=2, households=400, months=18)
    numbers = result.by_seed.drop(columns="seed")
    assert (numbers.fillna(0.0) == 0.0).all().all()


def test_cost_is_the_scenarios_intervention_cost():
    scenario = scenario_from_dict({"name": "cash", "horizon": 12,
                                   "interventions": [{"type": "cash_transfer"}]})
    result = paired_effect(scenario, SCENARIOS / "baseline.toml", replicates=1,
                           households=300)
    from bondsim.experiments.run import run_scenario
    seed = int(result.by_seed["seed"].iloc[0])
    run = run_scenario(scenario, seed=seed, households=300, write=False)
    assert result.by_seed["public_cost"].iloc[0] == pytest.approx(
        run.timeseries["intervention_cost"].sum())


def test_fact9_credit_with_enforcement_beats_enforcement_alone():
    """Fact 9 (domain.md 3): in the scenario ranking, credit and cash combined with
    enforcement avert more bonded household-years than enforcement alone, on paired seeds:
    the mean over 8 seeds with its 95% interval above zero. Owners decide (deterrence on):
    whether a push makes them stop holding still varies year by year with the few convictions
    they hear of, so a seed may go the other way. Measured at 3,000 households, 60 months:
    +648 household-years (standard error 118), 8 of 8 seeds positive, with inspections at the
    files' 0.713 a kiln-year (+186, standard error 48, 7 of 8, when a count of 17 a month made
    them 2.37 a kiln-year at 86 kilns); at 10,000 households, 120 months, +4,560 over 5 seeds
    (sd 2,052), all positive. Before the enforcement's draws were common to both arms and
    conviction beliefs counted cases, this failed: -1,277 over 5 seeds at 10,000 households,
    1 of 5 positive; with cases counted but draws not common, +613 (sd 7,998), 3 of 5."""
    from scipy import stats

    enforcement = SCENARIOS / "release_without_rehabilitation.toml"
    combined = SCENARIOS / "combined_package.toml"
    result = paired_effect(combined, enforcement, replicates=8, households=3000, months=60)
    averted = result.by_seed["bonded_household_years_averted"].to_numpy()
    half = stats.t.ppf(0.975, averted.size - 1) * averted.std(ddof=1) / np.sqrt(averted.size)
    assert averted.mean() - half > 0, averted.tolist()
    assert (averted > 0).mean() >= 0.75, averted.tolist()


def test_fact9_credit_adds_to_enforcement_through_its_own_channels():
    """Fact 9 (Basu & Chau 2004, Genicot 2002): credit and cash with enforcement lower bondage
    more than enforcement alone. With owners' deterrence switched off in both arms (each
    owner keeps the terms it would choose unwatched), what is left are releases, credit and
    cash: the package must beat enforcement alone on every seed. Measured: +451 to +612
    household-years over 10 seeds at 3,000 households, 60 months (inspections at the files'
    0.713 a kiln-year). Deterrence can amplify or cancel this seed by seed (the test above),
    which `bondsim effect` reports as a caveat."""
    from bondsim.experiments.run import simulate
    from bondsim.experiments.scenario import load_scenario

    enforcement = load_scenario(SCENARIOS / "release_without_rehabilitation.toml")
    combined = load_scenario(SCENARIOS / "combined_package.toml")
    off = frozenset({"deterrence"})
    averted = []
    for seed in replicate_seeds(combined.spec.seed, 4):
        e, c = (simulate(s, seed=seed, households=3000, months=60, channels_off=off)
                .timeseries() for s in (enforcement, combined))
        averted.append(float((e["bonded_share"][1:] - c["bonded_share"][1:]).sum()) * 3000 / 12)
    assert min(averted) > 0, averted


def test_effect_command_writes_tables_and_manifest(tmp_path, capsys):
    out = tmp_path / "eff"
    assert main(["effect", str(SCENARIOS / "cash_transfer.toml"), "--baseline",
                 str(SCENARIOS / "baseline.toml"), "--replicates", "2", "--households",
                 "300", "--months", "16", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "cost_per_child_work_year_averted" in printed
    by_seed = pd.read_csv(out / "effect_by_seed.csv")
    summary = pd.read_csv(out / "effect_summary.csv")
    assert len(by_seed) == 2
    assert "public_cost" in summary["metric"].tolist()
    assert "bonded_households_freed_last_year" in summary["metric"].tolist()
    assert "end of the run: mean over the last 12 months" in printed
    assert "nan" not in printed
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["counterfactual"] == ("the baseline scenario 'baseline', on the same seeds, "
                                          "population and horizon")
    assert main(["effect", str(SCENARIOS / "cash_transfer.toml"), "--replicates", "1",
                 "--households", "300", "--months", "16", "--month", "16", "--out",
                 str(tmp_path / "one")]) == 0
    printed = capsys.readouterr().out
    assert "children_out_of_work_month_16" in printed
    assert "nan" not in printed
    assert "n/a interval" in printed  # one replicate: said why


def _indebted_not_released(model: BondsimModel) -> tuple[float, float, float]:
    """Shares owing anything among families not released: all of them, those with no income
    while the kiln idles (neither a seasonal migrant nor with an outside work option: rules
    1b and 2b) and those with one."""
    hh = model.hh
    free = ~hh.released
    none = ~hh.migrant & ~hh.outside_option
    owes = hh.debt > 0
    return (float(owes[free].mean()), float(owes[free & none].mean()),
            float(owes[free & ~none].mean()))


def test_enforcement_alone_leaves_families_without_other_income_borrowing_again():
    """Issue 3 / fact 9 (Genicot 2002; Basu & Chau 2004): bondage persists where alternative
    credit and insurance are missing, and enforcement alone may raise indebtedness. What the
    test protects: enforcement without credit or cash must not free the families it did not
    release from debt where they have nothing else to live on in the lean season, nor push
    them deeper. Both enforcement scenarios, months 49-60 (September to August), against the
    baseline on the same seeds, among families not released:

    - not deeper: at the lean season's end (August, month 60) they are not more indebted than
      at baseline (at most 2.5 points more a seed; measured 0.3 to 2.9 points less);
    - families with no income while the kiln idles (fact 9's families without an
      alternative) borrow again: the relief enforcement gives them before the monsoon
      (September to June: 3.5 and 2.7 points fewer in debt, mean over the seeds; 4.1 and 3.3
      over seeds 74-76) is mostly gone by August: at most 0.6 of it is left (measured 0.30
      and 0.51; 0.29 and 0.18 over seeds 74-76). Relief that lasted would leave about 1;
    - fact 9's gradient: families with an income of their own in the lean season (a migrant
      earning at home, an outside work option) keep more of it by August than families
      without (measured 0.8 and 0.4 points less in debt in August, mean over the seeds; 1.6
      and 2.4 over seeds 74-76).

    Why not "as indebted as before" (the test's earlier form, within 2 points in August):
    deterred owners stop holding, a family leaving an owner who does not hold it leaves its
    debt behind (rule 8), and over the brick year the families not released are 1.6 to 3.4
    points less indebted than at baseline, even with nobody migrating or working outside
    (months 49-60, seeds 71-73). The earlier form passed only by reading August, when every family
    without income has borrowed again; with rules 1b and 2b on by default (issue 18) the
    families who have an income keep part of the relief through the monsoon (August: 0.3 to
    2.9 points less in all), which is fact 9's own premise, not a fault. Figures measured with
    inspections at the files' 0.713 visits a kiln-year (about 6.8 a month at 4,000
    households' 114 kilns)."""
    from bondsim.experiments.run import simulate
    names = ("baseline", "inspections_only", "release_without_rehabilitation")
    gaps = {name: [] for name in names[1:]}  # per seed: (month, all / none / some) x 100
    released = 0
    for seed in (71, 72, 73):
        models = {name: simulate(SCENARIOS / f"{name}.toml", seed=seed, households=4000,
                                 months=48) for name in names}
        shares = {name: [] for name in names}
        for _month in range(49, 61):
            for name, model in models.items():
                model.step()
                shares[name].append(_indebted_not_released(model))
        base = np.array(shares["baseline"])
        for name in gaps:
            gaps[name].append((np.array(shares[name]) - base) * 100.0)
        released += int(models["release_without_rehabilitation"].hh.released.sum())
    assert released > 0  # "not released" excludes someone
    for name, per_seed in gaps.items():
        g = np.array(per_seed)  # seed, month, group
        august, before = g[:, -1, :], g[:, :-2, :].mean(axis=1)
        assert august[:, 0].max() <= 2.5, (name, august[:, 0])
        none_left = august[:, 1].mean() / before[:, 1].mean()
        assert before[:, 1].mean() < 0.0, (name, before[:, 1])  # there was relief to lose
        assert none_left <= 0.6, (name, none_left, august[:, 1], before[:, 1])
        assert august[:, 2].mean() < august[:, 1].mean(), (name, august)


def test_effect_at_a_closed_horizon_reads_the_last_year_not_the_closed_month():
    """A 24-month horizon ends in August, kilns shut: the end-of-run metrics are the mean of
    the last 12 months, named so; one month on request; no metric is named 'at horizon'."""
    result = paired_effect(SCENARIOS / "cash_transfer.toml", SCENARIOS / "baseline.toml",
                           replicates=2, households=300, months=24)
    assert list(result.summary["metric"]) == list(METRICS)
    assert "children_out_of_work_last_year" in METRICS
    assert not any("horizon" in name for name in METRICS)
    assert result.window == Window(12)
    august = paired_effect(SCENARIOS / "cash_transfer.toml", SCENARIOS / "baseline.toml",
                           replicates=2, households=300, months=24, window=Window(month=24))
    assert "bonded_households_freed_month_24" in set(august.summary["metric"])
    # the same runs: cumulative metrics agree, the end-of-run ones differ by their window
    assert august.by_seed["public_cost"].equals(result.by_seed["public_cost"])
    assert not np.allclose(august.by_seed["bonded_households_freed_month_24"],
                           result.by_seed["bonded_households_freed_last_year"])


def test_a_metric_is_found_by_its_name_with_a_window_only_if_it_is_an_end_of_run_one():
    from bondsim.experiments.paired import metric

    assert metric("public_cost").name() == "public_cost"
    assert metric("bonded_households_freed_last_6_months") is metric(
        "bonded_households_freed_last_year")
    assert metric("bonded_households_freed_last_year") is not None
    assert metric("public_cost_last_year") is None  # a total over the run has no window
    assert metric("bonded_household_years_averted_month_9") is None
    assert metric("bonded_share") is None
