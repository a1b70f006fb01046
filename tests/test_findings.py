"""The report's findings in plain words and its numbers in the reader's units, by hand."""

from __future__ import annotations

from bondsim.outputs.findings import cost_order, effect_sentence, level_sentence, spans_zero
from bondsim.outputs.shown import cell, header, known, measure


def test_a_share_effect_reads_as_percentage_points_with_its_interval():
    text = effect_sentence("Vigilance committees", "bonded_share_change_last_year",
                           -0.041, -0.062, -0.020, "the baseline", "over the last 12 months")
    assert text == ("<strong>Vigilance committees</strong> cut the share of households bonded "
                    "(legal definition) by 4.1 percentage points (95 % interval 2.0 to 6.2) "
                    "against the baseline, over the last 12 months.")
    up = effect_sentence("Stipend", "school_enrolment_change_last_year", 0.05, -0.01, 0.11,
                         "the baseline")
    assert up.startswith("<strong>Stipend</strong> raised the share of children in school by "
                         "5.0 percentage points (95 % interval −1.0 to 11.0)")
    assert up.endswith("the interval includes zero, so the runs cannot tell this from no "
                       "effect.")


def test_other_effects_are_named_with_their_unit():
    text = effect_sentence("A", "bonded_household_years_averted", 21.3333, 19.64, 46.11, "B")
    assert text == ("<strong>A</strong>, against B: bonded household-years averted, 21.3 "
                    "household-years (95 % interval 19.6 to 46.1).")
    cost = effect_sentence("A", "public_cost", 1852209.4, 259645.7, 3444772.4, "B")
    assert "public cost, Rs 1,852,209 (95 % interval Rs 259,646 to Rs 3,444,772)" in cost
    one = effect_sentence("A", "public_cost", 100.0, float("nan"), float("nan"), "B")
    assert "(no interval: it needs two replicates or more)" in one


def test_a_run_states_its_start_and_end():
    assert level_sentence("child_labour_rate", 0.19, 0.0733, "over the last 12 months") == \
        "The share of children working: 19.0% in month 0, 7.3% over the last 12 months."


def test_the_cheapest_comes_first_and_the_undefined_are_named():
    text = cost_order([("b", 5481.0, 3274.0, 7687.0), ("a", 4773.0, 1000.0, 9000.0),
                       ("c", float("nan"), float("nan"), float("nan"))], "unit")
    assert text.startswith("Cheapest per unit first: <strong>a</strong> Rs 4,773 (95 % "
                           "interval Rs 1,000 to Rs 9,000); then <strong>b</strong> Rs 5,481")
    assert "No cost per unit for c" in text
    assert cost_order([], "unit") == ""


def test_an_interval_spans_zero_only_when_it_includes_it():
    assert spans_zero(-1.0, 2.0)
    assert spans_zero(0.0, 2.0)
    assert not spans_zero(0.5, 2.0)
    assert not spans_zero(0.0, 0.0)   # nothing happened: no interval to speak of
    assert not spans_zero(float("nan"), 1.0)


def test_headers_and_cells_come_from_the_label_table():
    assert header("bonded_share_last_year") == \
        "bonded (legal definition), last 12 months (% of households)"
    assert header("bonded_share_change_last_year") == \
        "change in bonded (legal definition), last 12 months (percentage points)"
    assert header("indebted_share_change_last_year").startswith("change: in debt to")
    assert header("spent_mean") == "spent mean"      # no label: spaces for underscores
    assert measure("child_labour_rate_change_month_36") == ("child_labour_rate_month_36", True)
    assert known("cost_per_bonded_household_year_averted")
    assert not known("scenario")
    assert cell(0.8221, "share of households") == "82.2"
    assert cell(-0.003125, "share of households", difference=True) == "−0.3"
    assert cell(67.667, "households") == "67.7"
    assert cell(97857.2, "Rs") == "97,857"
    assert cell(5.5815, "months of pay") == "5.58"


def test_a_cost_interval_reaching_below_zero_is_not_read_as_a_saving():
    text = cost_order([("a", 4773.0, -5965501.0, 90000.0)], "unit")
    assert "−" not in text
    assert "-Rs" not in text
    assert "no interval: some runs averted nothing" in text
    assert text.startswith("Cost per unit: <strong>a</strong> Rs 4,773 (no interval")


def test_sweep_tables_name_factors_and_give_morris_effects_in_the_outcomes_unit():
    import pandas as pd

    from bondsim.outputs.sweep_report import _sweep_ranking, factor_name

    assert factor_name("prison_cost_months").endswith("(prison_cost_months)")
    assert factor_name("no_such_factor") == "no_such_factor"
    indices = pd.DataFrame({"outcome": ["bonded_share"], "factor": ["prison_cost_months"],
                            "rank": [1], "mu_star": [0.0213], "mu_star_conf": [0.005],
                            "sigma": [0.01]})
    text = _sweep_ranking(indices, {})
    assert "μ* (percentage points) ± 95%" in text
    assert "2.130 ± 0.500" in text  # a share's effect x 100: percentage points
    assert "(prison_cost_months)" in text
