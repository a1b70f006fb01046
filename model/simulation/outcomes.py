"""Monthly outcomes: what the model reports, one value per month, with units.

``OUTCOMES`` is the single list of outcome names (the columns of ``timeseries.csv``, in this
order) with their units and meanings; the data collector, the docs and later the batch and
sweep tools read it from here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..errors import BondsimError
from .points import column_total

if TYPE_CHECKING:
    import pandas as pd

OUTCOMES: dict[str, str] = {
    "month": "simulation month (0 = initial state)",
    "calendar_month": "calendar month 1-12",
    "production_days": "moulding days this month (0 in closures)",
    "households": "households in the model",
    "children_5_14": "children aged 5-14 in the model",
    "bonded_share": "share of households bonded, the headline (legal) definition: owe their "
                    "owner, who will not let them leave while they owe (rule 7, BLSA 1992)",
    "bonded_share_ilo": "share bonded by the ILO indicators: a debt above the bondage multiple "
                        "of repayment capacity, owed to an owner who holds them (rule 7)",
    "debt_over_threshold_share": "share whose debt (to owners and schemes) exceeds the bondage "
                                 "multiple of repayment capacity (rule 7: involuntariness)",
    "indebted_to_owner_share": "share owing their owner anything (rule 7: indebted)",
    "indebted_share": "share of households with debt > 0 (to an owner or a public loan scheme)",
    "median_debt": "median debt to owners of households owing their owner, Rs",
    "mean_debt": "mean debt over all households, Rs",
    "median_debt_months": "median debt to owners of households owing their owner, in months of "
                          "expected gross pay",
    "p90_debt": "90th percentile of debt to owners of households owing their owner, Rs",
    "max_debt": "largest debt to an owner, Rs",
    "p90_debt_months": "90th percentile of debt to owners of households owing their owner, in "
                       "months of expected gross pay",
    "max_debt_months": "largest debt to an owner in months of the household's expected gross "
                       "pay",
    "child_labour_rate": "working children 5-14 / children 5-14",
    "school_enrolment": "children 5-14 in school / children 5-14",
    "child_worker_share": "working children 5-14 / (working children + adult moulders): "
                          "children's share of the kiln workforce",
    "bondage_entries": "households that became bonded this month",
    "bondage_exits": "households that stopped being bonded this month",
    "moves_transfer": "households bought by another kiln (debt transfers) this month",
    "moves_debt_free": "debt-free households that moved kiln this month",
    "moves_left_debt": "households that left an owner who did not hold them, their debt "
                       "written off, this month",
    # the consumption shortfall (welfare): need left uncovered after income, savings,
    # social-protection cash on hand and every lender (rule 4), i.e. consumption forgone
    "households_short": "share of households with unmet need this month (consumption "
                        "shortfall > 0)",
    "unmet_need": "consumption forgone this month: need left uncovered after income, savings, "
                  "social-protection cash and credit, summed over households, Rs",
    "shocks": "households hit by a shock this month",
    "advance_share": "share of households taking an advance this month",
    "advance_share_after_shock": "share of shocked households taking an advance this month",
    "gross_pay": "moulders' gross pay this month, Rs",
    "net_pay_share": "pay after deductions / gross pay this month",
    "paid_ratio_mean": "mean paid/notified piece rate over households",
    "owner_profit": "owners' operating profit this month, Rs",
    "owner_cash": "owners' cumulative cash position, Rs",
    "owners_holding_share": "share of owners holding their indebted families (rule 9)",
    "owners_underpaying_share": "share of owners paying below the notified rate openly",
    "owners_faking_share": "share of owners faking compliance with the notified rate",
    "owners_child_labour_share": "share of owners taking children's work",
    "owners_off_book_share": "share of owners lending past a legal cap off the books",
    "savings_total": "households' savings, Rs",
    "debt_total": "households' debt to owners at month end, Rs",
    "advances": "cash advanced by owners this month, Rs",
    "book_inflation": "over-recorded advances this month, Rs",
    "markup": "markup added to debts this month, Rs",
    "transfer_premiums": "premiums added to debts in transfers this month, Rs",
    "deductions": "pay deducted against debts this month, Rs",
    "repayments": "repayments from savings (and by interventions) this month, Rs",
    "write_offs": "debts extinguished this month, Rs",
    "ledger_residual": "closing debt less opening debt plus flows, to owners and to public loan "
                       "schemes (0 = books balance), Rs",
    "outside_debt_total": "households' debt to outside lenders, Rs",
    "outside_advances": "outside lenders' loans this month, Rs",
    "sp_cash_used": "social-protection cash used to cover need this month, Rs",
    "idle_work_income": "earned in casual work this month by families at a kiln with an outside "
                        "work option while their kiln did not mould (outside_work.py), Rs",
    "sp_cash_held": "social-protection cash families hold on hand at month end, Rs",
    "intervention_cost": "public cost of interventions this month, Rs",
    # events that interventions record (zero without them); see EVENTS
    "inspections": "labour and wage inspections carried out this month",
    "cases_registered": "bonded-labour cases registered this month",
    "households_released": "bonded households released (debt extinguished) this month",
    "children_found_working": "working children found by inspectors this month",
    "fines": "fines imposed on owners this month, Rs",
    "child_labour_cases": "child-labour cases registered this month",
    "convictions": "cases ending in a conviction this month",
    "kilns_sealed": "kilns sealed after a child-labour case this month",
    "families_sold_in_retaliation": "families sold to another kiln after a case this month",
    "released_by_inspection": "households found by a labour inspection and released this month",
    "released_by_conviction": "households freed by a court on an owner's conviction after an "
                              "inspection this month",
    "released_by_committee": "households released after a vigilance committee's hearing this "
                             "month",
    "released_by_court": "households released by a court on a habeas corpus petition this month",
    "released_off_kilns": "released households that left the kilns (town or home) this month",
    "returns_to_kiln": "households off the kilns that went back to a kiln this month",
    "monsoon_away_share": "share of households home for the monsoon this month (rule 1b)",
    "monsoon_returns": "migrant households back at their kiln after the monsoon this month",
    "rehire_advances": "owners' re-hiring advances to migrants back after the monsoon this "
                       "month (part of advances), Rs",
    "off_kiln_share": "share of households living off the kilns (town, home or a colony)",
    "released_bonded_share": "share of households ever released that are bonded now",
    "relapse_bonded_12m": "of households released 12 months ago, the share bonded now",
    "relapse_indebted_12m": "of households released 12 months ago, the share in debt to an "
                            "owner now",
    "relapse_indebted_12m_rehabilitated": "of households released 12 months ago and "
                                          "rehabilitated since, the share in debt to an owner now",
    "loan_debt_total": "households' debt to public interest-free loan schemes, Rs",
    "scheme_lent": "lent by public loan schemes this month (buy-outs and emergency loans), Rs",
    "scheme_collected": "collected by public loan schemes this month, Rs",
    "scheme_arrears": "instalments to public loan schemes fallen due and not paid, at month end, "
                      "Rs",
    "scheme_recovery_rate": "collected / lent by public loan schemes since the run began",
    # by sex (rule 6b): girls and boys 5-14, women among the adult moulders
    "girls_5_14": "girls aged 5-14 in the model (boys: children_5_14 - girls_5_14)",
    "girls_work_rate": "working girls 5-14 / girls 5-14",
    "boys_work_rate": "working boys 5-14 / boys 5-14",
    "girls_school_rate": "girls 5-14 in school / girls 5-14",
    "boys_school_rate": "boys 5-14 in school / boys 5-14",
    "women_moulder_share": "women / adult moulders",
    "women_output_share": "bricks women mould / bricks families mould, per moulding day (women "
                          "and men mould alike; children's bricks count in the total)",
    "women_paid_directly_share": "women moulders paid directly / women moulders (0: all pay goes "
                                 "to the family's head)",
    # households over a life (rule 10, demography.py; 0 with demography off)
    "household_size": "members per household (adults, dependants and children)",
    "children_per_household": "children aged 0-14 per household",
    "school_years_per_child": "years in school a child would complete over ages 5-14 at this "
                              "month's enrolment by band: 5 x school_5_9 / children_5_9 + 5 x "
                              "school_10_14 / children_10_14",
    "child_work_years_per_child": "years of moulding a child would do over ages 5-14 at this "
                                  "month's child labour by band: 5 x work_5_9 / children_5_9 + "
                                  "5 x work_10_14 / children_10_14",
    "births": "children born to women moulders this month",
    "came_of_age": "children who reached 15 this month (moulders, or girls who married out)",
    "marriages_out": "girls who reached 15 and married out of the household this month",
    "brides_in": "brides who married in with a boy reaching 15 this month",
    "splits": "couples who split off their parent household this month",
    "new_households": "split-off couples who took the place of a household that dissolved this "
                      "month (the rest left the kilns)",
    "bonded_parent_share": "fact 5: of bonded households where a man came of age or that a "
                           "couple founded in the run, the share whose man grew up in a household "
                           "bonded when he came of age or split off (parent_bonded)",
}

# outcomes that interventions count during the month (``model.events``, reset monthly)
EVENTS = ("inspections", "cases_registered", "households_released", "children_found_working",
          "fines", "families_sold_in_retaliation", "child_labour_cases", "convictions",
          "kilns_sealed", "released_by_inspection", "released_by_conviction",
          "released_by_committee", "released_by_court", "released_off_kilns", "returns_to_kiln",
          "monsoon_returns", "rehire_advances")


@dataclass
class MonthFacts:
    """What the step knows about the month that the state alone does not."""

    month: int
    calendar_month: int
    production_days: float
    expected_gross: np.ndarray   # per household, Rs/month
    bonded_before: np.ndarray    # bool per household, at the month's start
    shocked: np.ndarray          # household indices hit by a shock
    advance: np.ndarray          # per household, Rs
    unmet: np.ndarray            # per household, Rs
    gross: float
    sp_cash_used: float
    outside_advances: float
    moves_transfer: int
    moves_debt_free: int
    moves_left_debt: int
    over_count: int
    ilo_count: int
    intervention_cost: float
    paid_ratio_mean: float       # this month's paid/notified rate, averaged over households


def _safe_div(a: float, b: float) -> float:
    """A ratio, or NaN where it is undefined (no pay in a closed month, no children)."""
    return a / b if b else float("nan")


def owner_choices(ow) -> dict[str, float]:  # noqa: ANN001 - OwnerState
    """The shares of owners keeping each practice next month (rule 9's choices)."""
    k = ow.k
    return {
        "owners_holding_share": int(np.count_nonzero(ow.coercive)) / k,
        "owners_underpaying_share": int(np.count_nonzero(ow.pay_mode == 1)) / k,
        "owners_faking_share": int(np.count_nonzero(ow.pay_mode == 2)) / k,
        "owners_child_labour_share": int(np.count_nonzero(~ow.child_ban)) / k,
        # only where a legal cap exists is there a book to keep off
        "owners_off_book_share": int(np.count_nonzero(
            ow.off_book & np.isfinite(ow.legal_debt_cap))) / k,
    }


def compute(model, facts: MonthFacts) -> dict[str, float]:  # noqa: ANN001 - avoids a cycle
    """All outcomes of one month, from the model's state, its ledger and ``facts``.

    Medians of indebted households are taken over the positive values in the full columns
    (debts are never negative), by the model's warm-started exact medians (``stats.py``).
    """
    hh, ow, led = model.hh, model.ow, model.ledger
    n = hh.n
    debt = hh.debt
    n_indebted = int(np.count_nonzero(debt > 0.0))  # to owners: the medians' households
    children = model.children_5_14  # counted when members change (rule 10)
    work_5_9, work_10_14 = _total(hh.work_5_9), _total(hh.work_10_14)
    working = work_5_9 + work_10_14
    school = int(np.add(hh.school_5_9, hh.school_10_14).sum(dtype=np.int64))
    bonded = int(np.count_nonzero(hh.bonded))
    was = int(np.count_nonzero(facts.bonded_before))
    both = int(np.count_nonzero(hh.bonded & facts.bonded_before))
    took = facts.advance > 0.0
    months = np.divide(debt, facts.expected_gross, dtype=np.float32)
    debt_total = float(debt.sum())
    loan_total = model.scheme_debt_total()
    scheme = model.scheme_ledger
    deductions = led.deductions
    return {
        "month": facts.month,
        "calendar_month": facts.calendar_month,
        "production_days": facts.production_days,
        "households": n,
        "children_5_14": model.children_5_14,
        "bonded_share": bonded / n,
        "debt_over_threshold_share": facts.over_count / n,
        "bonded_share_ilo": facts.ilo_count / n,
        "indebted_to_owner_share": n_indebted / n,
        "indebted_share": int(np.count_nonzero(model.debt_owed() > 0.0)) / n,
        "median_debt": model.median_debt(debt, n_indebted, facts.calendar_month),
        "mean_debt": debt_total / n,
        "median_debt_months": model.median_debt_months(months, n_indebted,
                                                       facts.calendar_month),
        **debt_tail(debt, months, n_indebted),
        "child_labour_rate": _safe_div(working, children),
        "school_enrolment": _safe_div(school, children),
        "child_worker_share": _safe_div(working, working + model.adult_moulders),
        "bondage_entries": bonded - both,
        "bondage_exits": was - both,
        "moves_transfer": facts.moves_transfer,
        "moves_debt_free": facts.moves_debt_free,
        "moves_left_debt": facts.moves_left_debt,
        "households_short": int(np.count_nonzero(facts.unmet > 0.0)) / n,
        "unmet_need": float(facts.unmet.sum()),
        "shocks": int(facts.shocked.size),
        "advance_share": int(np.count_nonzero(took)) / n,
        "advance_share_after_shock": _safe_div(
            int(np.count_nonzero(took[facts.shocked])), facts.shocked.size),
        "gross_pay": facts.gross,
        "net_pay_share": _safe_div(facts.gross - deductions, facts.gross),
        "paid_ratio_mean": facts.paid_ratio_mean,
        "owner_profit": float(ow.profit.sum()),
        "owner_cash": float(ow.cash.sum()),
        **owner_choices(ow),
        "savings_total": float(hh.savings.sum()),
        "debt_total": debt_total,
        **led.flows(),
        "ledger_residual": led.residual(debt_total) + scheme.residual(loan_total),
        "outside_debt_total": float(hh.outside_debt.sum()),
        "outside_advances": facts.outside_advances,
        "sp_cash_used": facts.sp_cash_used,
        "idle_work_income": model.idle_work_income,
        "sp_cash_held": float(hh.sp_cash.sum()),
        "intervention_cost": facts.intervention_cost,
        **model.events,
        # the column ``interest_free_loans`` adds: 0 in runs without a scheme
        "loan_debt_total": column_total(hh, "loan_debt"),
        **scheme.flows(),
        "scheme_arrears": column_total(hh, "loan_overdue"),
        "scheme_recovery_rate": scheme.recovery_rate(),
        "off_kiln_share": int(np.count_nonzero(hh.location)) / n,
        "monsoon_away_share": int(np.count_nonzero(hh.away)) / n,
        "released_bonded_share": _safe_div(int(np.count_nonzero(hh.bonded & hh.released)),
                                           int(np.count_nonzero(hh.released))),
        **relapse(hh, facts.month),
        **by_sex(model, work_5_9, work_10_14, school),
        **households_over_a_life(model),
    }


def households_over_a_life(model) -> dict[str, float]:  # noqa: ANN001
    """Rule 10's outcomes: household size, children, the school and work years of a child
    at this month's rates, the month's demographic events, and fact 5's check (the parents
    of bonded households founded in the run)."""
    hh = model.hh
    n = hh.n
    c59, c1014 = _total(hh.children_5_9), _total(hh.children_10_14)
    children = _total(hh.children_0_4) + c59 + c1014

    def years(a: np.ndarray, b: np.ndarray) -> float:
        return 5.0 * (_safe_div(_total(a), c59) + _safe_div(_total(b), c1014))

    known = hh.bonded & (hh.parent_bonded >= 0)
    return {
        "household_size": (_total(hh.adults, hh.dependants) + children) / n,
        "children_per_household": children / n,
        "school_years_per_child": years(hh.school_5_9, hh.school_10_14),
        "child_work_years_per_child": years(hh.work_5_9, hh.work_10_14),
        **{name: float(v) for name, v in model.demography_counts.items()},
        "bonded_parent_share": _safe_div(
            int(np.count_nonzero(known & (hh.parent_bonded == 1))),
            int(np.count_nonzero(known))),
    }


def debt_tail(debt: np.ndarray, months: np.ndarray, n_indebted: int) -> dict[str, float]:
    """The upper tail of debts to owners among the ``n_indebted`` households owing their owner
    (``debt > 0``): the 90th percentile (linear between order statistics, as ``np.quantile``)
    and the largest, in rupees and in ``months`` of expected gross pay (per household). A
    household's largest debt in months need not be the largest in rupees. NaN with no debt."""
    if n_indebted == 0:
        return dict.fromkeys(("p90_debt", "max_debt", "p90_debt_months", "max_debt_months"),
                             float("nan"))
    owing = debt > 0.0
    p90, largest = _p90_and_max(debt[owing])
    p90_months, largest_months = _p90_and_max(months[owing])
    return {"p90_debt": p90, "max_debt": largest, "p90_debt_months": p90_months,
            "max_debt_months": largest_months}


def _p90_and_max(x: np.ndarray) -> tuple[float, float]:
    """``np.quantile(x, 0.9)`` and ``x.max()`` from one partial sort of ``x`` (a copy the caller
    owns, changed in place): three order statistics instead of a quantile and a scan."""
    n = x.size
    at = 0.9 * (n - 1)
    lo = int(at)
    hi = min(lo + 1, n - 1)
    x.partition(sorted({lo, hi, n - 1}))
    low, high = float(x[lo]), float(x[hi])
    return low + (at - lo) * (high - low), float(x[n - 1])


def relapse(hh, month: int, after: int = 12) -> dict[str, float]:  # noqa: ANN001
    """Re-bondage of the families released ``after`` months ago (this month's cohort): the
    share bonded now, the share in debt to an owner now, and the latter among those
    rehabilitated since (NaN where the cohort is empty)."""
    cohort = hh.released & (hh.released_month == month - after)
    rehab = cohort & hh.rehabilitated
    owing = hh.debt > 0.0
    size = int(np.count_nonzero(cohort))
    return {
        "relapse_bonded_12m": _safe_div(int(np.count_nonzero(cohort & hh.bonded)), size),
        "relapse_indebted_12m": _safe_div(int(np.count_nonzero(cohort & owing)), size),
        "relapse_indebted_12m_rehabilitated": _safe_div(int(np.count_nonzero(rehab & owing)),
                                                        int(np.count_nonzero(rehab))),
    }


def _total(*columns: np.ndarray) -> int:
    """Sum of small non-negative int8 counts (at most 5 a household, so int32, twice as fast
    as int64, is exact up to 2**26 households, beyond the 50 million a scenario allows)."""
    dtype = np.int32 if columns[0].shape[0] < 2**26 else np.int64
    return sum(int(c.sum(dtype=dtype)) for c in columns)


def by_sex(model, work_5_9: int, work_10_14: int,  # noqa: ANN001
           school: int) -> dict[str, float]:
    """The outcomes by sex (rule 6b), given the month's working children of each band and
    schooled children 5-14: boys are the children who are not girls, men the adult moulders
    who are not women."""
    working = work_5_9 + work_10_14
    hh, p = model.hh, model.params
    children, girls = model.children_5_14, model.girls_5_14
    girls_work = _total(hh.girls_work_5_9, hh.girls_work_10_14)
    girls_school = _total(hh.girls_school_5_9, hh.girls_school_10_14)
    adults, women = model.adult_moulders, model.women_moulders
    bricks_adult = float(p.bricks_per_adult_day)
    bricks = (adults * bricks_adult + work_10_14 * float(p.bricks_per_child_10_14_day)
              + work_5_9 * float(p.bricks_per_child_5_9_day))
    return {
        "girls_5_14": girls,
        "girls_work_rate": _safe_div(girls_work, girls),
        "boys_work_rate": _safe_div(working - girls_work, children - girls),
        "girls_school_rate": _safe_div(girls_school, girls),
        "boys_school_rate": _safe_div(school - girls_school, children - girls),
        "women_moulder_share": women / adults,
        "women_output_share": _safe_div(women * bricks_adult, bricks),
        "women_paid_directly_share": _safe_div(_total(hh.women_paid), women),
    }


# outcomes in rupees (their meaning says "Rs")
RUPEES = frozenset(name for name, meaning in OUTCOMES.items() if re.search(r"\bRs\b", meaning))

# the clock and the population's fixed composition: columns of every run, not outcomes of a
# policy, so outcome tables (summaries, comparisons) leave them out
NOT_OUTCOMES = frozenset({"month", "calendar_month", "production_days", "households",
                          "children_5_14", "girls_5_14"})

# why a ratio outcome can be undefined (NaN): its denominator is 0 in every month it covers
UNDEFINED_WHEN: dict[str, str] = {
    "net_pay_share": "no pay: the kilns were closed",
    "advance_share_after_shock": "no household was hit by a shock",
    "child_labour_rate": "no children aged 5-14",
    "school_enrolment": "no children aged 5-14",
    "child_worker_share": "nobody moulded",
    "released_bonded_share": "no household had been released",
    "scheme_recovery_rate": "no public loan scheme had lent anything",
    "p90_debt": "no household owed its owner",
    "max_debt": "no household owed its owner",
    "p90_debt_months": "no household owed its owner",
    "max_debt_months": "no household owed its owner",
    "relapse_bonded_12m": "no household had been released 12 months earlier",
    "relapse_indebted_12m": "no household had been released 12 months earlier",
    "relapse_indebted_12m_rehabilitated": "no household released 12 months earlier had been "
                                          "rehabilitated",
    "girls_work_rate": "no girls aged 5-14",
    "girls_school_rate": "no girls aged 5-14",
    "boys_work_rate": "no boys aged 5-14",
    "boys_school_rate": "no boys aged 5-14",
    "women_output_share": "no bricks were moulded",
    "women_paid_directly_share": "no women moulders",
    "school_years_per_child": "no children in an age band 5-9 or 10-14",
    "child_work_years_per_child": "no children in an age band 5-9 or 10-14",
    "bonded_parent_share": "no bonded household had a man come of age or split off in the run",
}


def is_outcome(name: str) -> bool:
    """Whether a column belongs in an outcome table (not the clock or the composition)."""
    return name in OUTCOMES and name not in NOT_OUTCOMES


def why_undefined(name: str) -> str:
    """Why an outcome has no value in a window, for the note beside a table's blank cell."""
    return UNDEFINED_WHEN.get(outcome_stem(name), "not defined in any month of the window")


_SUFFIX = re.compile(r"_(last_year|last_month|last_\d+_years|last_\d+_months|month_\d+)$")


def outcome_stem(name: str) -> str:
    """A window-named column without its window (``bonded_share_last_year`` -> ``bonded_share``)."""
    return _SUFFIX.sub("", name)


def window_suffix(name: str) -> str:
    """The window a column is named for (``bonded_share_last_year`` -> ``last_year``), or ''."""
    match = _SUFFIX.search(name)
    return match.group(1) if match else ""


@dataclass(frozen=True)
class Window:
    """Which months "the end of a run" means in every summary, effect and comparison.

    A horizon of whole years ends in August, when the kilns are shut: one such month shows no
    pay and no profit and the seasonal peak of bondage. So the end is by default the mean of
    the last ``months`` months (12: a whole brick year, closures and all); ``month`` asks for
    one month instead. The window is named in every column or title it produces (``suffix``).
    """

    months: int = 12
    month: int | None = None

    def __post_init__(self) -> None:
        if self.months < 1 or (self.month is not None and self.month < 0):
            raise BondsimError(f"a window is at least 1 month and a month is not negative, got "
                               f"{self.months} months, month {self.month}")

    def fit(self, horizon: int) -> Window:
        """This window in a run of ``horizon`` months: never longer than the run (so its name
        is true); an explicit month must lie in the run."""
        if self.month is not None:
            if self.month > horizon:
                raise BondsimError(f"month {self.month} is after the horizon ({horizon} "
                                   f"months); expected a month in 0 .. {horizon}")
            return self
        return self if self.months <= horizon else Window(max(horizon, 1))

    @property
    def suffix(self) -> str:
        """The window's part of a column name: last_year, last_6_months, month_118, ..."""
        if self.month is not None:
            return f"month_{self.month}"
        if self.months == 1:
            return "last_month"
        if self.months == 12:
            return "last_year"
        if self.months % 12 == 0:
            return f"last_{self.months // 12}_years"
        return f"last_{self.months}_months"

    def name(self, stem: str) -> str:
        """``stem`` named for this window: ``bonded_share`` -> ``bonded_share_last_year``."""
        return f"{stem}_{self.suffix}"

    def describe(self) -> str:
        """The window in words, for titles and table introductions."""
        if self.month is not None:
            return f"in month {self.month}"
        if self.months == 1:
            return "in the last month"
        year = " (a whole brick year, closures included)" if self.months == 12 else ""
        return f"mean over the last {self.months} months{year}"

    def select(self, month: np.ndarray) -> np.ndarray:
        """Which rows of a run's month column the window covers (never month 0, the initial
        state, unless asked for by ``month``)."""
        if self.month is not None:
            return month == self.month
        end = month.max() if month.size else 0
        return (month > end - self.months) & (month >= 1)

    def to_dict(self) -> dict[str, int | str | None]:
        """For manifests: the window as given, and its name."""
        return {"months": None if self.month is not None else self.months,
                "month": self.month, "name": self.suffix}

    @classmethod
    def from_dict(cls, said: object) -> Window | None:
        """The window a manifest recorded (``to_dict``), or None if it recorded none."""
        if not isinstance(said, dict):
            return None
        if said.get("month") is not None:
            return cls(month=int(said["month"]))
        return cls(months=int(said.get("months") or 12))

    @classmethod
    def from_name(cls, name: str) -> Window | None:
        """The window a column is named for (``bonded_share_last_6_months`` -> 6 months), or
        None if its name carries none: how a table read back tells which window it holds."""
        found = _SUFFIX.search(name)
        if found is None:
            return None
        suffix = found.group(1)
        number = int(re.sub(r"\D", "", suffix) or 0)
        if suffix.startswith("month_"):
            return cls(month=number)
        if suffix.endswith("_years"):
            return cls(months=12 * number)
        return cls(months={"last_year": 12, "last_month": 1}.get(suffix, number))


LAST_YEAR = Window()  # the default end of a run: the last 12 months


def window_means(matrix: np.ndarray, window: int | Window,
                 names: Sequence[str] = tuple(OUTCOMES)) -> dict[str, float]:
    """Each outcome's mean over a window of a run's outcome matrix (columns ``names``, in
    ``OUTCOMES`` order by default), skipping months where it is undefined (pay in a closed
    month): the statistic every summary, comparison, sweep, calibration and discovery reports.
    An ``int`` window is the last that many rows (months 1 onwards); a ``Window`` picks its
    months from the ``month`` column."""
    if isinstance(window, Window):
        tail = matrix[window.select(matrix[:, list(names).index("month")])]
    else:
        tail = matrix[-min(window, len(matrix)):]
    out = {}
    for k, name in enumerate(names):
        seen = tail[:, k][np.isfinite(tail[:, k])]
        out[name] = float(seen.mean()) if seen.size else float("nan")
    return out


def window_table(table: pd.DataFrame, window: Window, by: Sequence[str],
                 columns: Sequence[str]) -> pd.DataFrame:
    """One row per run (the ``by`` columns of a long table, e.g. scenario and replicate) with
    each of ``columns`` averaged over the window of that run, by ``window_means``."""
    import pandas as pd

    names = ["month", *[c for c in columns if c != "month"]]
    rows = []
    for key, run in table.groupby(list(by), sort=False):
        means = window_means(run[names].to_numpy(dtype=float), window, names)
        rows.append({**dict(zip(by, key, strict=True)),
                     **{c: means[c] for c in columns if c != "month"}})
    return pd.DataFrame(rows, columns=[*by, *[c for c in columns if c != "month"]])
