"""The baseline against the stylised facts of the research digest (domain.md section 3).

Each fact is checked over several seeds: the mean across seeds must fall in the target band,
and every single seed within the band widened by a stated tolerance, so one unlucky seed does
not hide a model that is systematically off. Statistics are taken over months 49-96, after
the initial state has worked through four seasons.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from bondsim import BondsimModel, Params

SEEDS = (11, 12, 13, 14, 15)
HOUSEHOLDS = 4000
MONTHS = 96
COHORT_MONTH = 24  # the cohort in bondage (ILO) is taken here and followed to MONTHS
SETTLED = 48


def _run(seed: int) -> tuple[pd.DataFrame, dict[int, float]]:
    model = BondsimModel(Params(), households=HOUSEHOLDS, seed=seed)
    cohort = None
    cohort_median: dict[int, float] = {}
    for month in range(1, MONTHS + 1):
        model.step()
        if month == COHORT_MONTH:  # held, and owing more than it can repay (rule 7, ILO)
            over = model.debt_owed() > (model.params.bondage_debt_multiple
                                        * model.repayment_capacity)
            cohort = np.flatnonzero(model.hh.bonded & over)
        if cohort is not None and month % 12 == COHORT_MONTH % 12:
            cohort_median[month] = float(np.median(model.hh.debt[cohort]))
    return model.timeseries(), cohort_median


@pytest.fixture(scope="module")
def runs() -> list[tuple[pd.DataFrame, dict[int, float]]]:
    return [_run(seed) for seed in SEEDS]


def _late(ts: pd.DataFrame) -> pd.DataFrame:
    return ts[ts["month"] > SETTLED]


def _check_band(values: list[float], low: float, high: float, tolerance: float) -> None:
    mean = float(np.mean(values))
    assert low <= mean <= high, f"mean {mean:.3f} outside {low}-{high} (seeds: {values})"
    for v in values:
        assert low - tolerance <= v <= high + tolerance, f"a seed gave {v:.3f} (all: {values})"


@pytest.mark.slow
def test_fact1_most_households_are_indebted(runs):
    """Fact 1: 70-97% of kiln households carry employer advances (FBS 2002, NCHR 2025)."""
    means = [_late(ts)["indebted_share"].mean() for ts, _ in runs]
    _check_band(means, 0.70, 0.97, tolerance=0.03)
    # the seasonal low point (just before the monsoon) still leaves most families in debt
    lows = [_late(ts)["indebted_share"].min() for ts, _ in runs]
    assert min(lows) >= 0.6, lows


@pytest.mark.slow
def test_prevalence_under_each_definition_falls_in_its_band(runs):
    """Issue 18 / domain.md 1.5: each definition against the figure that used it. Legal (the
    headline: owes an owner who holds it) between ILO's "up to 68%" in bonded or forced labour
    and FBS 2002's "nearly 90%" bonded (⚠ as quoted): 0.6-0.9; ILO's indicators at most
    about 0.68 (the figure is an upper bound across South Asia): 0.4-0.7; and they nest, ILO
    within legal within indebted. At the defaults (8,000 households, months 49-120, 3 seeds)
    legal 0.65, ILO 0.48, indebted 0.75 (0.72, 0.52 and 0.83 with rules 1b and 2b off)."""
    late = [_late(ts) for ts, _ in runs]
    _check_band([t["bonded_share"].mean() for t in late], 0.60, 0.90, tolerance=0.03)
    _check_band([t["bonded_share_ilo"].mean() for t in late], 0.40, 0.70, tolerance=0.03)
    for t in late:
        assert (t["bonded_share_ilo"] <= t["bonded_share"]).all()
        assert (t["bonded_share"] <= t["indebted_to_owner_share"]).all()


def test_fact2_median_debt_is_four_to_eight_months_of_earnings(runs):
    """Fact 2: typical debt is about 5-7 months of gross family earnings (check: 4-8)."""
    means = [_late(ts)["median_debt_months"].mean() for ts, _ in runs]
    _check_band(means, 4.0, 8.0, tolerance=0.3)


def test_fact3_net_pay_is_half_to_three_quarters_of_gross(runs):
    """Fact 3: deductions take 25-50% of gross pay (check: net/gross 0.5-0.75)."""
    means = [_late(ts)["net_pay_share"].mean() for ts, _ in runs]
    _check_band(means, 0.5, 0.75, tolerance=0.02)


def test_fact4_advances_cluster_in_the_off_season(runs):
    """Fact 4: new advances (rupees lent a month) cluster in the monsoon closure."""
    ratios = []
    for ts, _ in runs:
        late = _late(ts)
        closed = late.loc[late["production_days"] == 0, "advances"].mean()
        open_ = late.loc[late["production_days"] > 0, "advances"].mean()
        ratios.append(closed / open_)
    assert min(ratios) > 1.5, ratios
    result = stats.ttest_1samp(np.log(ratios), 0.0, alternative="greater")
    assert result.pvalue < 0.01, (ratios, result)


def test_fact4_advances_follow_shocks(runs):
    """Fact 4: households hit by a shock borrow more often than households in general."""
    ratios = [(_late(ts)["advance_share_after_shock"].mean() / _late(ts)["advance_share"].mean())
              for ts, _ in runs]
    assert min(ratios) > 1.2, ratios
    result = stats.ttest_1samp(np.log(ratios), 0.0, alternative="greater")
    assert result.pvalue < 0.01, (ratios, result)


def test_fact2_bonded_debts_do_not_amortise(runs):
    """Fact 2: without intervention, the median debt of households in bondage at month 24 does
    not fall over the next six years (compared in the same calendar month, to remove the
    season). The cohort is bonded by the ILO indicators, owing more than it can repay: the
    digest's debts that "keep piling up". Bonded in the law's sense, which takes in families
    owing a little, the cohort's median debt falls 1.3% over six years (5 seeds)."""
    growth = [cohort[MONTHS] / cohort[COHORT_MONTH] for _, cohort in runs]
    assert np.mean(growth) >= 1.0, growth
    assert min(growth) >= 0.97, growth
    # and no year-on-year fall of more than 6%: with rule 10 the cohort's children come of
    # age and mould over the six years, and the median dips in a late year (measured: at
    # most 5.3%, seed 13's last year) while rising 1.06-1.16 over the six years
    for _, cohort in runs:
        values = [cohort[m] for m in sorted(cohort)]
        assert all(b >= 0.94 * a for a, b in itertools.pairwise(values)), values


def test_fact6_moves_preserve_debt_and_outnumber_debt_free_exits(runs):
    """Fact 6: debts are traded, so moves between kilns do not end bondage: moves that keep a
    debt (transfers, plus a premium) far outnumber moves that clear one (families leaving an
    owner who does not hold them, rule 8), and outnumber moves of debt-free families."""
    for ts, _ in runs:
        late = _late(ts)
        assert late["transfer_premiums"].sum() > 0
        assert late["moves_transfer"].sum() > 2 * late["moves_left_debt"].sum()
        assert late["moves_transfer"].sum() > late["moves_debt_free"].sum()


def test_fact11_school_enrolment_near_the_census(runs):
    """Fact 11 / domain.md 1.9: about 74% of kiln children enrolled (Punjab census);
    checked as 0.65-0.85 at baseline."""
    means = [_late(ts)["school_enrolment"].mean() for ts, _ in runs]
    _check_band(means, 0.65, 0.85, tolerance=0.03)


def test_no_two_month_cycle_in_childrens_work(runs):
    """Model behaviour: children's work changes with the season and with hardship, not in a
    month-on, month-off cycle (which a lending limit tied to children's labour produced: a
    child sent to school cut the family's credit, and it went back to work the next month).
    A two-month cycle reverses the direction of change almost every month."""
    for ts, _ in runs:
        change = np.diff(_late(ts)["child_labour_rate"].to_numpy())
        change = change[change != 0]
        reversals = np.mean(np.sign(change[1:]) != np.sign(change[:-1]))
        assert reversals < 0.5, reversals
