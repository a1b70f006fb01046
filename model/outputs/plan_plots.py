"""Pictures of a plan: strategies on cost against outcome (with the Pareto front), and where
each strategy puts its money, district by intervention."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from .labels import PRICES_NOTE, axis_label, label
from .plot_kit import PALETTE, grid, legend_below, place_labels, plain_axes, save, words


def pareto_front(cost: np.ndarray, gain: np.ndarray) -> np.ndarray:
    """Indices of the strategies no other beats on both counts (cheaper or equal and at least
    as effective, one strictly), ordered by cost."""
    keep = []
    for i in range(len(cost)):
        dominated = np.any((cost <= cost[i]) & (gain >= gain[i])
                           & ((cost < cost[i]) | (gain > gain[i])))
        if not dominated and np.isfinite(cost[i]) and np.isfinite(gain[i]):
            keep.append(i)
    return np.array(sorted(keep, key=lambda i: cost[i]), dtype=int)


MILLION = 1e-6  # plans are budgeted in Rs million: every rupee axis of a plan uses it
GAINS = ("bonded_household_years_averted", "child_work_years_averted")


def pareto_figure(totals: pd.DataFrame, budget: float) -> Figure:
    """Each strategy's total cost against bonded household-years averted (95% intervals on
    both), with the Pareto front and the budget line; strategies named where their labels
    do not overlap."""
    pivot = {m: totals[totals["metric"] == m].set_index("strategy")
             for m in ("public_cost", *GAINS)}
    names = list(pivot["public_cost"].index)
    fig, axes = grid(2, 6.5, 5.0, cols=2)
    cost = pivot["public_cost"].loc[names]
    x = cost["mean"].to_numpy(dtype=float) * MILLION
    xerr = [x - cost["low"].to_numpy(dtype=float) * MILLION,
            cost["high"].to_numpy(dtype=float) * MILLION - x]
    points = []
    for ax, metric in zip(axes, GAINS, strict=True):
        gain = pivot[metric].loc[names]
        y = gain["mean"].to_numpy(dtype=float)
        ax.errorbar(x, y, xerr=xerr, yerr=[y - gain["low"].to_numpy(dtype=float),
                                          gain["high"].to_numpy(dtype=float) - y],
                    fmt="o", capsize=3, color=PALETTE[0], label="a strategy (95% intervals)")
        front = pareto_front(x, y)
        if len(front) > 1:
            ax.plot(x[front], y[front], color=PALETTE[1], lw=1.2,
                    label="Pareto front (nothing cheaper does more)")
        ax.axvline(budget * MILLION, color="0.4", ls="--", lw=0.8,
                   label=f"budget, Rs {budget * MILLION:,.3g} million")
        ax.axhline(0.0, color="0.7", lw=0.5)
        ax.set_xlabel("public cost (Rs million)")
        ax.set_ylabel(axis_label(metric, y))
        ax.set_title(label(metric), fontsize=10)
        plain_axes(ax)
        points.append((ax, y))
    handles, shown = axes[0].get_legend_handles_labels()
    fig.legend(handles, shown, loc="outside lower center", ncols=len(handles), fontsize=8,
               frameon=False)
    fig.suptitle("Strategies: cost against outcome, summed over districts (95% intervals)\n"
                 f"cost is incremental: the plan's spending and what it changes in existing "
                 f"programmes; {PRICES_NOTE}", fontsize=11)
    order = np.argsort(-x)  # the dearest first: they sit apart, the cheap ones crowd at 0
    for ax, y in points:
        place_labels(ax, list(x[order]), list(y[order]), [words(names[i]) for i in order],
                     fontsize=8)
    return fig


def plot_pareto(totals: pd.DataFrame, path: Path, budget: float) -> None:
    """``pareto_figure``, saved."""
    save(pareto_figure(totals, budget), path)


SERIES = (("allocated", "allocated", 0.4), ("spent", "spent_mean", 1.0))  # label, column,
#                                                                         opacity


def allocation_figure(allocations: pd.DataFrame) -> Figure:
    """One panel per strategy: per district, Rs million allocated (pale) beside Rs million
    spent (mean over replicates, solid), each stacked by intervention type, so money an
    intervention could not spend shows as the gap between the two bars."""
    strategies = list(dict.fromkeys(allocations["strategy"]))
    kinds = list(dict.fromkeys(allocations["type"]))
    colours = {k: PALETTE[i % len(PALETTE)] for i, k in enumerate(kinds)}
    fig, axes = grid(len(strategies), 4.6, 4.2, sharey=True)
    width = 0.4
    for ax, strategy in zip(axes, strategies, strict=False):
        t = allocations[allocations["strategy"] == strategy]
        districts = list(dict.fromkeys(t["district"]))
        x = np.arange(len(districts))
        for offset, (series, column, alpha) in zip((-width / 2, width / 2), SERIES,
                                                   strict=True):
            if column not in t:
                continue
            table = t.pivot_table(index="district", columns="type", values=column,
                                  aggfunc="sum", fill_value=0.0, sort=False).reindex(districts)
            bottom = np.zeros(len(districts))
            for kind in kinds:
                if kind in table:
                    values = table[kind].to_numpy(dtype=float) / 1e6
                    ax.bar(x + offset, values, width, bottom=bottom, color=colours[kind],
                           alpha=alpha, label=f"{series}: {words(kind)}")
                    bottom += values
        ax.set_xticks(x, [words(d) for d in districts])
        ax.set_title(words(strategy), fontsize=10)
        ax.tick_params(axis="x", labelrotation=60, labelsize=8)
        plain_axes(ax)
    for ax in axes:
        if ax.get_subplotspec().is_first_col():  # type: ignore[union-attr]
            ax.set_ylabel("money per district (Rs million)")
    handles = [Patch(color=colours[k]) for k in kinds]
    handles += [Patch(color="0.3", alpha=a) for _, _, a in SERIES]
    fig.legend(handles, [*map(words, kinds), "allocated (left bar, pale)",
                         "spent, mean over replicates (right bar, solid)"],
               loc="outside right center", fontsize=8, frameon=False)
    fig.suptitle("Where each strategy puts the money and what it spent: district by "
                 f"intervention ({PRICES_NOTE})")
    return fig


def plot_allocation(allocations: pd.DataFrame, path: Path) -> None:
    """``allocation_figure``, saved (nothing when no strategy allocates anything)."""
    if allocations.empty:
        return
    save(allocation_figure(allocations), path)


def budget_curve_figure(curve: pd.DataFrame) -> Figure:
    """What the searched allocation achieves at each budget: its expected outcome across the
    parameter draws, with the worst and best draw as a band, and what it spent."""
    fig, (ax,) = grid(1, 6.8, 5.0)
    x = curve["budget"].to_numpy(dtype=float) * MILLION
    objective = str(curve["objective"].iloc[0])
    expected = curve["expected"].to_numpy(dtype=float)
    ax.fill_between(x, curve["worst"], curve["best_draw"], alpha=0.2, color=PALETTE[0],
                    label="worst to best parameter draw")
    ax.plot(x, expected, marker="o", color=PALETTE[0], label="expected (mean of draws)")
    ax.set_xlabel("budget (Rs million)")
    ax.set_ylabel(axis_label(objective, expected))
    ax.set_title(f"The searched allocation at each budget ({PRICES_NOTE})", fontsize=10)
    plain_axes(ax)
    legend_below(ax)
    if "spent_expected" in curve:  # judged on what it spends, not on what it was given
        spent = curve["spent_expected"].to_numpy(dtype=float) * MILLION
        place_labels(ax, list(x), list(expected),
                     [f"spent Rs {s:,.3g} million" for s in spent])
    return fig


def plot_budget_curve(curve: pd.DataFrame, path: Path) -> None:
    """``budget_curve_figure``, saved."""
    save(budget_curve_figure(curve), path)
