"""Paired effects: a policy run against its counterfactual run on the same seed.

Every job that reports a policy's effect (``effect``, ``compare``, ``plan`` and its search,
``sweep``'s effect outcomes) computes it here, from the monthly outcomes of two runs that share
the seed, the population and the horizon (common random numbers), so that the same families
meet the same shocks in both and the difference is the policy's effect, not noise. The replicate
seeds and the interval over replicates are here too.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from ._lazy import deferred
from .outcomes import LAST_YEAR, Window, window_means

if TYPE_CHECKING:
    import pandas as pd
    from scipy import stats
else:
    pd = deferred("pandas")  # imported on first use: validating stays fast
    stats = deferred("scipy.stats")  # imported on first use: validating stays fast

# over the whole horizon; then the metrics of the end of the run (named for their window);
# then the costs
CUMULATIVE = {"bonded_household_years_averted": "household-years",
              "child_work_years_averted": "child-years"}
AT_END = {"children_out_of_work": "children",
          "bonded_share_change": "share (scenario - baseline)"}
COSTS = {"public_cost": "Rs", "cost_per_bonded_household_year_averted": "Rs",
         "cost_per_child_work_year_averted": "Rs"}


def metric_units(window: Window = LAST_YEAR) -> dict[str, str]:
    """Every metric's name (the end-of-run ones named for ``window``) and unit, in order."""
    return {**CUMULATIVE, **{window.name(k): u for k, u in AT_END.items()}, **COSTS}


METRICS = metric_units()  # the names with the default window: what sweeps analyse

PLAN_METRICS = {
    "bonded_households_freed_last_year": "households bonded in the baseline but not under "
                                         "the strategy, mean over the last 12 months",
    "bonded_household_years_averted": "sum over months of bonded households averted / 12",
    "children_out_of_work_last_year": "working children 5-14 fewer, mean over the last 12 "
                                      "months",
    "child_work_years_averted": "sum over months of working children averted / 12",
    "public_cost": "Rs the plan's allocations spent",
    "cost_per_bonded_household_year_averted": "Rs (NaN when nothing was averted)",
}


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


def years_averted(base: np.ndarray, policy: np.ndarray, count: int) -> float:
    """Sum over months of (baseline - policy) rate x ``count`` / 12: years of a state averted
    (bonded household-years for the bonded share, child-years of work for the child labour
    rate). ``base`` and ``policy``: the rate in months 1..H of each run."""
    return float((base - policy).sum()) * count / 12.0


def per_unit(cost: float, averted: float) -> float:
    """Rs per unit averted; NaN when nothing was averted."""
    return cost / averted if averted > 0 else float("nan")


def paired_metrics(base: pd.DataFrame, scen: pd.DataFrame, households: int,
                   children: int, window: Window = LAST_YEAR) -> dict[str, float]:
    """The metrics of one replicate from the two runs' monthly outcomes (months 0..H): sums
    over months 1..H, and the end of the run averaged over ``window``."""
    b, s = base[base["month"] > 0], scen[scen["month"] > 0]
    end_b, end_s = _window_means(base, window), _window_means(scen, window)
    years_bonded = years_averted(b["bonded_share"].to_numpy(), s["bonded_share"].to_numpy(),
                                 households)
    years_child = years_averted(b["child_labour_rate"].to_numpy(),
                                s["child_labour_rate"].to_numpy(), children)
    cost = float(s["intervention_cost"].sum() - b["intervention_cost"].sum())
    return {
        "bonded_household_years_averted": years_bonded,
        "child_work_years_averted": years_child,
        window.name("children_out_of_work"):
            (end_b["child_labour_rate"] - end_s["child_labour_rate"]) * children,
        window.name("bonded_share_change"): end_s["bonded_share"] - end_b["bonded_share"],
        "public_cost": cost,
        "cost_per_bonded_household_year_averted": per_unit(cost, years_bonded),
        "cost_per_child_work_year_averted": per_unit(cost, years_child),
    }


def _window_means(run: pd.DataFrame, window: Window) -> dict[str, float]:
    """The bonded share and child labour rate of one run over the window."""
    names = ["month", "bonded_share", "child_labour_rate"]
    return window_means(run[names].to_numpy(dtype=float), window, names)


def plan_metrics(base: Mapping[str, Any], run: Mapping[str, Any]) -> dict[str, float]:
    """The plan metrics of one run against the baseline run of the same district and seed,
    from what ``plan.run_one`` keeps of each (the monthly series of months 1..H, the
    population and what the plan's allocations spent)."""
    hh, kids = run["households"], run["children_5_14"]
    b, s = np.asarray(base["bonded_share"]), np.asarray(run["bonded_share"])
    cb, cs = np.asarray(base["child_labour_rate"]), np.asarray(run["child_labour_rate"])
    years = years_averted(b, s, hh)
    cost = float(sum(run["spent"].values()))
    # the end of the run is its last year (a horizon of whole years ends with the kilns shut)
    end = window_means(np.column_stack([b - s, cb - cs]), LAST_YEAR.months,
                       ("bonded", "children"))
    return {
        "bonded_households_freed_last_year": end["bonded"] * hh,
        "bonded_household_years_averted": years,
        "children_out_of_work_last_year": end["children"] * kids,
        "child_work_years_averted": years_averted(cb, cs, kids),
        "public_cost": cost,
        "cost_per_bonded_household_year_averted": per_unit(cost, years),
    }


def summarise(by_seed: pd.DataFrame, window: Window = LAST_YEAR) -> pd.DataFrame:
    """Mean and 95% interval (Student t) of each metric over replicates."""
    rows = []
    for name, unit in metric_units(window).items():
        values = by_seed[name].to_numpy(dtype=float)
        mean, low, high = interval(values)
        rows.append({"metric": name, "unit": unit, "mean": mean, "low": low, "high": high,
                     "replicates": int(np.isfinite(values).sum())})
    return pd.DataFrame(rows)
