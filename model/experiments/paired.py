"""Paired effects: the one definition of a policy's effect, for every job that reports one.

``effect``, ``compare``, ``plan`` (and its search) and ``sweep`` (its effect outcomes) compute
a policy's effect here, with the same names, units, cost basis and counterfactual rule.
Discovery's relative criterion compares a policy's monthly outcome with the baseline
scenario's in the same future (same seeds and drawn parameters) and uses no effect metric;
calibration has no counterfactual. docs/ODD.md ("Effects and cost-effectiveness") documents
all of this for users.

**Counterfactual.** An effect is always the policy run minus its counterfactual run, and the
two share the seed, the population and the horizon (common random numbers): the same families
meet the same shocks in both, so the difference is the policy's effect, not noise. The
counterfactual is *the same world without the policy*; the one thing a job chooses is what
"without the policy" is (``counterfactual`` words it for each job's manifest):

- ``effect``: a named baseline scenario (by default the shipped ``baseline``), run with the
  policy scenario's population and horizon. Everything the scenario differs in from that file
  is the policy.
- ``compare``: the batch's baseline scenario, replicate by replicate.
- ``plan``: the district without the plan's allocations (the district profile's parameters and
  its existing programmes run in both).
- ``sweep``: the scenario without its interventions, with the same parameter factors (a drawn
  assumption changes both runs alike; lever factors change the policy run only); or, with
  ``baseline = FILE``, that file, given the scenario's population and horizon and the same
  parameter factors.

**Cost basis.** ``public_cost`` is the *incremental* public cost: the policy run's public
spending on interventions minus the counterfactual's, summed over the whole run (months
1..H), undiscounted, in rupees at the model's constant prices (the model has no inflation and
states no price year: unit costs are the values of docs/parameters.md). It counts the policy's
own spending and what the policy changes in programmes that run in both (a CNIC drive that lets
more families draw an existing cash transfer raises that programme's spending); a loan scheme's
repayments are net of its lending. A plan's ``allocations.csv`` gives what each allocation
itself spent, the figure its budget is checked against.

**Metrics** (``METRIC_LIST``; the end-of-run ones are named for their window, by default the
last 12 months, a whole brick year: ``outcomes.Window``), per replicate; a summary gives the
mean over replicates with a 95% Student-t interval (``interval``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from .._lazy import deferred
from ..simulation.outcomes import LAST_YEAR, Window, outcome_stem, window_means

if TYPE_CHECKING:
    import pandas as pd
    from scipy import stats
else:
    pd = deferred("pandas")  # imported on first use: validating stays fast
    stats = deferred("scipy.stats")  # imported on first use: validating stays fast


@dataclass(frozen=True)
class Metric:
    """One effect metric: its name (``stem``, with the window's suffix if ``at_end``), unit,
    a human label (for plots and reports) and a short definition."""

    stem: str
    unit: str
    label: str
    definition: str
    at_end: bool = False  # averaged over the window at the end of the run, named for it

    def name(self, window: Window = LAST_YEAR) -> str:
        return window.name(self.stem) if self.at_end else self.stem


METRIC_LIST: tuple[Metric, ...] = (
    Metric("bonded_household_years_averted", "household-years",
           "bonded household-years averted",
           "sum over months 1..H of (counterfactual - policy) bonded share (the legal "
           "definition, the headline) x households / 12"),
    Metric("ilo_bonded_household_years_averted", "household-years",
           "household-years in ILO forced labour averted",
           "as bonded_household_years_averted, for the share bonded by the ILO indicators "
           "(an unrepayable debt and an owner who holds the family)"),
    Metric("indebted_household_years_averted", "household-years",
           "household-years indebted to an owner averted",
           "as bonded_household_years_averted, for the share owing their owner anything"),
    Metric("child_work_years_averted", "child-years", "child-years of work averted",
           "sum over months 1..H of (counterfactual - policy) child labour rate x children "
           "aged 5-14 / 12"),
    Metric("bonded_households_freed", "households", "bonded households freed",
           "(counterfactual - policy) bonded share, each run's mean over the window, "
           "x households", at_end=True),
    Metric("children_out_of_work", "children", "children out of work",
           "(counterfactual - policy) child labour rate, each run's mean over the window, "
           "x children aged 5-14", at_end=True),
    # welfare beside the cost (issue 18): a transfer is not pure cost if families eat from it
    Metric("unmet_need_averted", "Rs", "unmet need averted",
           "sum over months 1..H of (counterfactual - policy) unmet need (consumption forgone "
           "after income, savings, social-protection cash and credit), Rs"),
    Metric("household_months_short_averted", "household-months",
           "household-months short averted",
           "sum over months 1..H of (counterfactual - policy) share of households short x "
           "households"),
    Metric("school_years_gained", "child-years", "child-years of school gained",
           "sum over months 1..H of (policy - counterfactual) school enrolment x children aged "
           "5-14 / 12"),
    Metric("public_cost", "Rs", "public cost",
           "incremental: public spending on interventions, policy - counterfactual, summed "
           "over months 1..H, undiscounted, Rs at the model's constant prices"),
    Metric("cost_per_bonded_household_year_averted", "Rs per household-year",
           "Rs per bonded household-year averted",
           "public_cost / bonded_household_years_averted; NaN when nothing was averted. Over "
           "replicates: the mean cost over the mean averted (a ratio of means)"),
    Metric("cost_per_child_work_year_averted", "Rs per child-year",
           "Rs per child-year of work averted",
           "public_cost / child_work_years_averted; NaN when nothing was averted. Over "
           "replicates: the mean cost over the mean averted (a ratio of means)"),
)
BY_STEM = {m.stem: m for m in METRIC_LIST}
COST_PER = {"cost_per_bonded_household_year_averted": "bonded_household_years_averted",
            "cost_per_child_work_year_averted": "child_work_years_averted"}


def metric_units(window: Window = LAST_YEAR) -> dict[str, str]:
    """Every metric's name (the end-of-run ones named for ``window``) and unit, in order."""
    return {m.name(window): m.unit for m in METRIC_LIST}


def metric_definitions(window: Window = LAST_YEAR) -> dict[str, str]:
    """Every metric's name and short definition, in order."""
    return {m.name(window): m.definition for m in METRIC_LIST}


METRICS = metric_units()  # the names with the default window: what sweeps analyse

# an effect metric named before issue 16, accepted in input files (a sweep's outcomes) with a
# warning: bonded_share_change_<window> (scenario - baseline share) is now
# bonded_households_freed_<window> (baseline - scenario, x households); a plan's ``cost`` is now
# ``public_cost`` (no input file named it)
_OLD_WINDOWED = re.compile(r"^bonded_share_change_(?P<suffix>last_year|last_month|last_\d+_years"
                           r"|last_\d+_months|month_\d+)$")


def metric(name: str) -> Metric | None:
    """The metric a column is named for, whatever its window (None if not a metric)."""
    found = BY_STEM.get(name)
    if found is None:
        found = BY_STEM.get(outcome_stem(name))
        found = found if found is not None and found.at_end else None
    return found


def renamed(name: str) -> str | None:
    """The current name of a metric named as before issue 16, or None if ``name`` is not an
    old name."""
    found = _OLD_WINDOWED.match(name)
    return f"bonded_households_freed_{found['suffix']}" if found else None


def replicate_seeds(seed: int, replicates: int) -> list[int]:
    """Seeds for the replicates, derived from one seed (the same list every time)."""
    state = np.random.SeedSequence(seed).generate_state(replicates, dtype=np.uint64)
    return [int(s >> np.uint64(1)) for s in state]


def interval(values: np.ndarray) -> tuple[float, float, float]:
    """Mean and 95% Student-t interval over replicates, NaNs left out (the interval is NaN
    with fewer than two values): the interval of every paired comparison."""
    values = values[np.isfinite(values)]
    if values.size == 0:
        return float("nan"), float("nan"), float("nan")
    mean = float(values.mean())
    if values.size < 2:
        return mean, float("nan"), float("nan")
    half = float(stats.t.ppf(0.975, values.size - 1) * values.std(ddof=1) / np.sqrt(values.size))
    return mean, mean - half, mean + half


def cost_per_unit_interval(cost: np.ndarray, averted: np.ndarray,
                           ) -> tuple[float, float, float]:
    """Cost per unit averted over replicates, and its 95% interval: the mean cost over the
    mean averted (a ratio of means, so a replicate that averted nothing or less still counts,
    as it does in the effect; a mean of each replicate's ratio would drop it and read the
    policy as cheaper), NaN where the mean averted is not positive. The interval is the mean
    cost over the ends of the averted's interval (the cost varies little between seeds); where
    that interval reaches zero the upper end is NaN: the cost per unit may be unbounded."""
    averted = np.asarray(averted, dtype=float)
    cost = np.asarray(cost, dtype=float)
    paid = float(np.nanmean(cost)) if np.isfinite(cost).any() else float("nan")
    mean, low, high = interval(averted)
    if not mean > 0:
        return float("nan"), float("nan"), float("nan")
    upper = paid / low if low > 0 else float("nan")
    lower = paid / high if high > 0 else float("nan")
    return paid / mean, lower, upper


def metric_interval(frame: pd.DataFrame, name: str) -> tuple[float, float, float]:
    """Mean and 95% interval over replicates of one effect metric (``paired_metrics``'
    columns): a cost per unit averted as a ratio of means (``cost_per_unit_interval``), every
    other metric as the mean of its replicates (``interval``)."""
    if name in COST_PER:
        return cost_per_unit_interval(frame["public_cost"].to_numpy(dtype=float),
                                      frame[COST_PER[name]].to_numpy(dtype=float))
    return interval(frame[name].to_numpy(dtype=float))


def years_averted(base: np.ndarray, policy: np.ndarray, count: int) -> float:
    """Sum over months of (counterfactual - policy) rate x ``count`` / 12: years of a state
    averted (bonded household-years for the bonded share, child-years of work for the child
    labour rate). ``base`` and ``policy``: the rate in months 1..H of each run."""
    return float((base - policy).sum()) * count / 12.0


def per_unit(cost: float, averted: float) -> float:
    """Rs per unit averted; NaN when nothing was averted."""
    return cost / averted if averted > 0 else float("nan")


NEEDED = ("month", "bonded_share", "bonded_share_ilo", "indebted_to_owner_share",
          "child_labour_rate", "intervention_cost")
# each definition of bondage (rule 7), and the outcome column that measures it
BY_DEFINITION = {"bonded_household_years_averted": "bonded_share",
                 "ilo_bonded_household_years_averted": "bonded_share_ilo",
                 "indebted_household_years_averted": "indebted_to_owner_share"}
#: the welfare series (issue 18): a table without them (one stored before) gives NaN welfare
WELFARE = ("unmet_need", "households_short", "school_enrolment")


def paired_metrics(base: Any, policy: Any, households: int, children: int,
                   window: Window = LAST_YEAR) -> dict[str, float]:
    """Every metric of one replicate from the two runs' monthly outcomes.

    ``base`` (the counterfactual run) and ``policy``: each a table (a DataFrame, or a mapping
    of arrays) with the columns ``NEEDED``; month 0 (the initial state), if present, is left
    out; the ``WELFARE`` columns too, or their metrics are NaN. ``households`` and ``children``
    (aged 5-14): the population both runs share."""
    b, s = _columns(base, welfare=True), _columns(policy, welfare=True)
    keep_b, keep_s = b["month"] > 0, s["month"] > 0
    end_b, end_s = _window_means(b, window), _window_means(s, window)
    years = {name: years_averted(b[col][keep_b], s[col][keep_s], households)
             for name, col in BY_DEFINITION.items()}
    years_bonded = years["bonded_household_years_averted"]
    years_child = years_averted(b["child_labour_rate"][keep_b],
                                s["child_labour_rate"][keep_s], children)
    cost = float(s["intervention_cost"][keep_s].sum() - b["intervention_cost"][keep_b].sum())
    short = years_averted(b["households_short"][keep_b], s["households_short"][keep_s],
                          households) * 12.0  # household-months
    return {
        **years,
        "child_work_years_averted": years_child,
        window.name("bonded_households_freed"):
            (end_b["bonded_share"] - end_s["bonded_share"]) * households,
        window.name("children_out_of_work"):
            (end_b["child_labour_rate"] - end_s["child_labour_rate"]) * children,
        "unmet_need_averted": float(b["unmet_need"][keep_b].sum()
                                    - s["unmet_need"][keep_s].sum()),
        "household_months_short_averted": short,
        "school_years_gained": -years_averted(b["school_enrolment"][keep_b],
                                              s["school_enrolment"][keep_s], children),
        "public_cost": cost,
        "cost_per_bonded_household_year_averted": per_unit(cost, years_bonded),
        "cost_per_child_work_year_averted": per_unit(cost, years_child),
    }


def _columns(run: Any, names: tuple[str, ...] = NEEDED, *,
             welfare: bool = False) -> dict[str, np.ndarray]:
    """The ``names`` series of a run as float arrays; with ``welfare`` also the ``WELFARE``
    series, NaN where the run has none (a table stored before issue 18)."""
    out = {name: np.asarray(run[name], dtype=float) for name in names}
    if welfare:
        for name in WELFARE:
            out[name] = (np.asarray(run[name], dtype=float) if name in run
                         else np.full(out["month"].shape, np.nan))
    return out


def _window_means(run: Mapping[str, np.ndarray], window: Window) -> dict[str, float]:
    """The bonded share and child labour rate of one run over the window."""
    names = ["month", "bonded_share", "child_labour_rate"]
    return window_means(np.column_stack([run[n] for n in names]), window, names)


def summarise(by_seed: pd.DataFrame, window: Window = LAST_YEAR) -> pd.DataFrame:
    """Mean and 95% interval (Student t) of each metric over replicates; a cost per unit
    averted is the ratio of the means (``metric_interval``)."""
    rows = []
    for name, unit in metric_units(window).items():
        counted = by_seed[COST_PER.get(name, name)].to_numpy(dtype=float)
        mean, low, high = metric_interval(by_seed, name)
        rows.append({"metric": name, "unit": unit, "mean": mean, "low": low, "high": high,
                     "replicates": int(np.isfinite(counted).sum())})
    return pd.DataFrame(rows)


def counterfactual(job: str, baseline: str | None = None) -> str:
    """The counterfactual a job's effects were measured against, in words, for its manifest
    (and report): ``job`` is effect, compare, plan or sweep; ``baseline`` names the baseline
    scenario (effect, compare, and a sweep with ``baseline = FILE``)."""
    same = "on the same seeds, population and horizon"
    if job == "plan":
        return (f"the district without the plan's allocations (its parameters and existing "
                f"programmes run in both), {same}")
    if job == "sweep":
        if baseline is None:
            return (f"the scenario without its interventions, with the same parameter "
                    f"factors (lever factors change the policy run only), {same}")
        return (f"the baseline scenario {baseline!r}, with the same parameter factors, "
                f"{same}")
    return f"the baseline scenario {baseline!r}, {same}"


# -- where an effect comes from: channels ---------------------------------------------------------
#: the remainder of a decomposition: what no single channel accounts for (interactions, and
#: whatever acts through no channel)
REMAINDER = "interaction"


def channel_column(channel: str) -> str:
    """The column of a replicate's bonded household-years averted through ``channel``."""
    return f"bonded_household_years_via_{channel}"


def channel_contributions(base: Any, policy: Any, without: Mapping[str, Any],
                          households: int, channels: tuple[str, ...]) -> dict[str, float]:
    """Bonded household-years averted through each channel in one replicate: the policy run's
    effect less the effect of the same policy with that channel off (``without[channel]``,
    on the same seed). A channel absent from ``without`` was never asked in the policy run,
    so switching it off would change nothing: it contributes exactly 0. The remainder
    (``REMAINDER``) is the effect less the channels' sum: the channels' interactions (two
    channels may each be needed, or each suffice) and what acts through none of them."""
    names = ("month", "bonded_share")
    b, s = _columns(base, names), _columns(policy, names)
    keep_b, keep_s = b["month"] > 0, s["month"] > 0
    total = years_averted(b["bonded_share"][keep_b], s["bonded_share"][keep_s], households)
    out = {}
    for channel in channels:
        if channel not in without:
            out[channel_column(channel)] = 0.0
            continue
        w = _columns(without[channel], names)
        keep_w = w["month"] > 0
        out[channel_column(channel)] = years_averted(w["bonded_share"][keep_w],
                                                     s["bonded_share"][keep_s], households)
    out[channel_column(REMAINDER)] = total - sum(out.values())
    return out


#: the assumptions a deterrence effect hinges on (rule 9), named wherever one is reported
DETERRENCE_ASSUMPTIONS = ("what prison costs an owner (prison_cost_months) and how owners differ "
                          "in it (prison_cost_spread), the conviction rate owners believe "
                          "(prior_conviction) and how much it counts against the cases they see "
                          "(conviction_prior_cases), and how fast they forget (belief_memory)")


def deterrence_caveat(channels: pd.DataFrame, threshold: float = 0.5) -> str | None:
    """A warning when at least ``threshold`` of an effect is deterrence: owners' choices
    (rule 9) are a mechanism, but how strongly they respond hinges on assumptions."""
    row = channels.loc[channels["channel"] == "deterrence", "share"]
    if row.empty or not row.iloc[0] >= threshold:
        return None
    return (f"caveat: {row.iloc[0]:.0%} of this effect is deterrence (owners dropping a practice "
            f"for fear of the penalty). It hinges on assumptions: {DETERRENCE_ASSUMPTIONS}. "
            f"Check it in a sweep over them before relying on it.")


def summarise_channels(by_seed: pd.DataFrame, channels: tuple[str, ...]) -> pd.DataFrame:
    """One row per channel and the remainder: bonded household-years averted through it (mean
    over replicates, 95% interval) and its share of the effect (its mean / the effect's mean;
    NaN when nothing was averted). Shares need not add to 1 without the remainder, and one can
    be negative (a channel that, alone, works against the policy's other channels)."""
    total = float(by_seed["bonded_household_years_averted"].mean())
    rows = []
    for channel in (*channels, REMAINDER):
        values = by_seed[channel_column(channel)].to_numpy(dtype=float)
        mean, low, high = interval(values)
        rows.append({"channel": channel, "unit": "household-years", "mean": mean, "low": low,
                     "high": high, "share": mean / total if total else float("nan"),
                     "replicates": int(np.isfinite(values).sum())})
    return pd.DataFrame(rows)
