"""Pictures of a sensitivity analysis: ranked bars with error bars, Morris mu* against sigma,
and convergence curves. One panel per outcome; every figure saved atomically as PNG."""

from __future__ import annotations

import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ..io import atomic_write

LABELLED = 6  # factors named in the Morris scatter; the rest are in the ranking plot
TITLES = {"sobol": "Sobol indices: total (ST) and first order (S1), 95% intervals",
          "morris": "Morris screening: mu* with 95% intervals",
          "pawn": "PAWN: median KS distance (bars), minimum to maximum over slices"}


def _grid(count: int, width: float, height: float) -> tuple[plt.Figure, list[plt.Axes]]:
    cols = min(count, 3)
    rows = math.ceil(count / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(width * cols, height * rows),
                             constrained_layout=True, squeeze=False)
    for ax in axes.flat[count:]:
        ax.set_visible(False)
    return fig, list(axes.flat[:count])


def _save(fig: plt.Figure, path: Path) -> None:
    atomic_write(path, lambda tmp: fig.savefig(tmp, format="png", dpi=110))
    plt.close(fig)


def plot_ranking(indices: pd.DataFrame, method: str, path: Path) -> None:
    """Ranked horizontal bars per outcome, most influential at the top."""
    outcomes = list(dict.fromkeys(indices["outcome"]))
    factors = indices["factor"].nunique()
    fig, axes = _grid(len(outcomes), 5.2, 0.9 + 0.32 * factors)
    for ax, outcome in zip(axes, outcomes, strict=True):
        t = indices[indices["outcome"] == outcome].sort_values("rank", ascending=False)
        y = np.arange(len(t))
        if method == "sobol":
            ax.barh(y + 0.2, t["ST"], 0.4, xerr=t["ST_conf"], label="total (ST)",
                    color="tab:blue", capsize=2)
            ax.barh(y - 0.2, t["S1"], 0.4, xerr=t["S1_conf"], label="first order (S1)",
                    color="tab:orange", capsize=2)
            ax.set_xlabel("share of the outcome's variance")
            ax.legend(fontsize=7, loc="lower right")
        elif method == "morris":
            ax.barh(y, t["mu_star"], 0.6, xerr=t["mu_star_conf"], color="tab:blue", capsize=2)
            ax.set_xlabel("mu*: mean |effect| of a full-range change")
        else:
            ax.barh(y, t["median"], 0.6, color="tab:blue",
                    xerr=[t["median"] - t["minimum"], t["maximum"] - t["median"]], capsize=2)
            ax.set_xlabel("KS distance")
        ax.set_yticks(y, t["factor"], fontsize=8)
        ax.axvline(0.0, color="grey", lw=0.6)
        ax.set_title(outcome.replace("_", " "), fontsize=10)
    fig.suptitle(TITLES[method])
    _save(fig, path)


def plot_morris(indices: pd.DataFrame, path: Path) -> None:
    """mu* against sigma per outcome: far right = influential; high above the diagonal =
    acting through interactions or non-linearly."""
    outcomes = list(dict.fromkeys(indices["outcome"]))
    fig, axes = _grid(len(outcomes), 5.0, 4.2)
    for ax, outcome in zip(axes, outcomes, strict=True):
        t = indices[indices["outcome"] == outcome]
        ax.errorbar(t["mu_star"], t["sigma"], xerr=t["mu_star_conf"], fmt="o", ms=4,
                    capsize=2, color="tab:blue")
        top = float(max(t["mu_star"].max(), t["sigma"].max(), 1e-12)) * 1.1
        ax.plot([0, top], [0, top], color="grey", lw=0.7, ls="--", label="sigma = mu*")
        for _, row in t.nsmallest(LABELLED, "rank").iterrows():  # the leaders, legibly
            ax.annotate(str(row["factor"]), (row["mu_star"], row["sigma"]), fontsize=7,
                        xytext=(3, 3), textcoords="offset points")
        ax.set_xlim(0, top)
        ax.set_ylim(0, top)
        ax.set_xlabel("mu*")
        ax.set_ylabel("sigma")
        ax.set_title(outcome.replace("_", " "), fontsize=10)
        ax.legend(fontsize=7, loc="upper left")
    fig.suptitle("Morris: mean absolute effect (mu*) against its spread (sigma)")
    _save(fig, path)


def plot_convergence(table: pd.DataFrame, method: str, path: Path) -> None:
    """Each factor's index against the sample size, with its interval as a band: flat lines
    with narrow bands mean the sample was large enough."""
    if table.empty:
        return
    measure, conf = {"sobol": ("ST", "ST_conf"), "morris": ("mu_star", "mu_star_conf"),
                     "pawn": ("median", None)}[method]
    outcomes = list(dict.fromkeys(table["outcome"]))
    fig, axes = _grid(len(outcomes), 5.0, 3.8)
    for ax, outcome in zip(axes, outcomes, strict=True):
        t = table[table["outcome"] == outcome]
        for factor, g in t.groupby("factor", sort=False):
            g = g.sort_values("size")
            line, = ax.plot(g["size"], g[measure], marker="o", ms=3, label=str(factor))
            if conf is not None:
                ax.fill_between(g["size"], g[measure] - g[conf], g[measure] + g[conf],
                                color=line.get_color(), alpha=0.15, lw=0)
        ax.set_xscale("log", base=2)
        ax.set_xlabel({"sobol": "base sample size N", "morris": "trajectories",
                       "pawn": "sample points"}[method])
        ax.set_ylabel(measure)
        ax.set_title(outcome.replace("_", " "), fontsize=10)
    axes[0].legend(fontsize=7, loc="best")
    fig.suptitle(f"Convergence of {measure} with the sample size (bands: 95% intervals)")
    _save(fig, path)
