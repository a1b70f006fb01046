"""Pictures of a plan: strategies on cost against outcome (with the Pareto front), and where
each strategy puts its money, district by intervention."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ..io import atomic_write


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


def plot_pareto(totals: pd.DataFrame, path: Path, budget: float) -> None:
    """Each strategy's total cost against bonded household-years averted (95% intervals on
    both), with the Pareto front and the budget line."""
    pivot = {m: totals[totals["metric"] == m].set_index("strategy")
             for m in ("public_cost", "bonded_household_years_averted", "child_work_years_averted")}
    names = list(pivot["public_cost"].index)
    fig, axes = plt.subplots(1, 2, figsize=(13, 5), constrained_layout=True)
    for ax, metric, label in ((axes[0], "bonded_household_years_averted",
                               "bonded household-years averted"),
                              (axes[1], "child_work_years_averted", "child-years of work averted")):
        cost = pivot["public_cost"].loc[names]
        gain = pivot[metric].loc[names]
        x, y = cost["mean"].to_numpy() / 1e6, gain["mean"].to_numpy()
        ax.errorbar(x, y, xerr=[x - cost["low"].to_numpy() / 1e6,
                                cost["high"].to_numpy() / 1e6 - x],
                    yerr=[y - gain["low"].to_numpy(), gain["high"].to_numpy() - y],
                    fmt="o", capsize=3, color="tab:blue")
        for name, xi, yi in zip(names, x, y, strict=True):
            ax.annotate(name, (xi, yi), fontsize=8, xytext=(4, 4), textcoords="offset points")
        front = pareto_front(x, y)
        if len(front) > 1:
            ax.plot(x[front], y[front], color="tab:orange", lw=1.2, label="Pareto front")
        ax.axvline(budget / 1e6, color="grey", ls="--", lw=0.8, label="budget")
        ax.axhline(0.0, color="grey", lw=0.5)
        ax.set_xlabel("public cost, Rs million (incremental: the plan's spending and what it "
                      "changes in existing programmes)")
        ax.set_ylabel(label)
        ax.legend(fontsize=8, loc="best")
    fig.suptitle("Strategies: cost against outcome, summed over districts (95% intervals)")
    atomic_write(path, lambda tmp: fig.savefig(tmp, format="png", dpi=110))
    plt.close(fig)


SERIES = (("allocated", "allocated", 0.4), ("spent", "spent_mean", 1.0))  # label, column,
#                                                                         opacity


def allocation_figure(allocations: pd.DataFrame) -> plt.Figure:
    """One panel per strategy: per district, Rs million allocated (pale) beside Rs million
    spent (mean over replicates, solid), each stacked by intervention type, so money an
    intervention could not spend shows as the gap between the two bars."""
    strategies = list(dict.fromkeys(allocations["strategy"]))
    kinds = list(dict.fromkeys(allocations["type"]))
    colours = {k: plt.get_cmap("tab10")(i % 10) for i, k in enumerate(kinds)}
    cols = min(len(strategies), 3)
    rows = -(-len(strategies) // cols)
    fig, grid = plt.subplots(rows, cols, figsize=(4.6 * cols, 4.2 * rows),
                             constrained_layout=True, squeeze=False, sharey=True)
    axes = list(grid.flat)
    for ax in axes[len(strategies):]:
        ax.set_visible(False)
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
                           alpha=alpha, label=f"{series}: {kind}")
                    bottom += values
        ax.set_xticks(x, districts)
        ax.set_title(f"{strategy} (left pale: allocated; right solid: spent)", fontsize=9)
        ax.tick_params(axis="x", labelrotation=60, labelsize=8)
    for row in grid:
        row[0].set_ylabel("Rs million")
    handles = [plt.Rectangle((0, 0), 1, 1, color=colours[k]) for k in kinds]
    handles += [plt.Rectangle((0, 0), 1, 1, color="0.3", alpha=a) for _, _, a in SERIES]
    fig.legend(handles, [*kinds, "allocated", "spent (mean over replicates)"],
               loc="outside right center", fontsize=8)
    fig.suptitle("Where each strategy puts the money and what it spent: district by "
                 "intervention")
    return fig


def plot_allocation(allocations: pd.DataFrame, path: Path) -> None:
    """``allocation_figure``, saved (nothing when no strategy allocates anything)."""
    if allocations.empty:
        return
    fig = allocation_figure(allocations)
    atomic_write(path, lambda tmp: fig.savefig(tmp, format="png", dpi=110))
    plt.close(fig)


def plot_budget_curve(curve: pd.DataFrame, path: Path) -> None:
    """What the searched allocation achieves at each budget: its expected outcome across the
    parameter draws, with the worst and best draw as a band, and what it spent."""
    fig, ax = plt.subplots(figsize=(6.5, 4.5), constrained_layout=True)
    x = curve["budget"].to_numpy() / 1e6
    ax.fill_between(x, curve["worst"], curve["best_draw"], alpha=0.2, color="tab:blue",
                    label="worst to best parameter draw")
    ax.plot(x, curve["expected"], marker="o", color="tab:blue", label="expected (mean of draws)")
    if "spent_expected" in curve:  # judged on what it spends, not on what it was given
        for xi, yi, spent in zip(x, curve["expected"], curve["spent_expected"], strict=True):
            ax.annotate(f"spent Rs {spent / 1e6:.1f} M", (xi, yi), fontsize=7,
                        xytext=(4, -10), textcoords="offset points")
    ax.set_xlabel("budget, Rs million")
    ax.set_ylabel(str(curve["objective"].iloc[0]).replace("_", " "))
    ax.set_title("The searched allocation at each budget")
    ax.legend(fontsize=8)
    atomic_write(path, lambda tmp: fig.savefig(tmp, format="png", dpi=110))
    plt.close(fig)
