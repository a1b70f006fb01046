"""Pictures of scenario discovery: PRIM's peeling trajectory, the chosen box over the two most
restricted parameters, and the policies ranked by robustness. Each ``*_figure`` function
returns its Figure (the tests measure it); each ``plot_*`` saves it atomically as PNG."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from .labels import PRICES_NOTE, axis_label, is_rupees, label, scale_for, unit
from .plot_kit import PALETTE, clip_at_zero, grid, legend_below, log_axis, plain_axes, save, words

if TYPE_CHECKING:
    from ..experiments.boxes import Box


def trajectory_figure(box: Box) -> Figure:
    """Coverage against density along the peeling, coloured by the number of restricted
    parameters; the chosen box ringed."""
    t = box.trajectory
    fig, (ax,) = grid(1, 6.4, 5.4)
    points = ax.scatter(t["coverage"] * 100, t["density"] * 100, c=t["res_dim"],
                        cmap="viridis", s=18)
    fig.colorbar(points, ax=ax, label="restricted parameters (count)")
    ax.scatter([box.coverage * 100], [box.density * 100], s=160, facecolors="none",
               edgecolors=PALETTE[3], label=f"chosen box (coverage {box.coverage:.0%}, "
                                            f"density {box.density:.0%}, mass {box.mass:.0%})")
    ax.axhline(box.base_rate * 100, color="0.5", ls="--", lw=0.8,
               label=f"base rate {box.base_rate:.0%} (all futures)")
    ax.set_xlabel("coverage: failures inside the box (% of all failures)")
    ax.set_ylabel("density: futures in the box that fail (%)")
    ax.set_xlim(0, 102)
    ax.set_ylim(0, 102)
    plain_axes(ax)
    legend_below(ax, ncols=1)
    said = "" if box.informative else " (no informative region)"
    ax.set_title(f"{words(box.policy)}: PRIM peeling trajectory{said}", fontsize=10)
    return fig


def plot_trajectory(box: Box, path: Path) -> None:
    """``trajectory_figure``, saved."""
    save(trajectory_figure(box), path)


def box_figure(box: Box, x: pd.DataFrame, failed: np.ndarray,
               distributions: Mapping[str, str] | None = None) -> Figure:
    """The futures on the two most restricted parameters (failures in red), with the box;
    a parameter drawn log-uniformly on a log axis."""
    distributions = distributions or {}
    restricted = box.limits[box.limits["restricted"]].sort_values("qp")
    names = list(restricted["parameter"])[:2]
    for name in x.columns:  # fewer than two restricted: fill with others
        if len(names) >= 2:
            break
        if name not in names:
            names.append(name)
    a, b = names
    lim = box.limits.set_index("parameter")
    sa = scale_for(unit(a), x[a].to_numpy(dtype=float)).factor
    sb = scale_for(unit(b), x[b].to_numpy(dtype=float)).factor
    fig, (ax,) = grid(1, 6.4, 5.8)
    ax.scatter(x.loc[~failed, a] * sa, x.loc[~failed, b] * sb, s=10, color="0.6",
               label="policy satisfies the criterion")
    ax.scatter(x.loc[failed, a] * sa, x.loc[failed, b] * sb, s=12, color=PALETTE[3],
               label="policy fails")
    ax.add_patch(Rectangle((lim.loc[a, "min"] * sa, lim.loc[b, "min"] * sb),
                           (lim.loc[a, "max"] - lim.loc[a, "min"]) * sa,
                           (lim.loc[b, "max"] - lim.loc[b, "min"]) * sb, fill=False,
                           edgecolor="black", lw=1.5, label="PRIM box"))
    for name, which in ((a, "x"), (b, "y")):
        if distributions.get(name) == "loguniform" and float(x[name].min()) > 0:
            log_axis(ax, which)
    ax.set_xlabel(axis_label(a, x[a].to_numpy(dtype=float)))
    ax.set_ylabel(axis_label(b, x[b].to_numpy(dtype=float)))
    plain_axes(ax)
    legend_below(ax)
    head = "where it fails" if box.informative else "no informative region"
    ax.set_title(f"{words(box.policy)}: {head}\ncoverage {box.coverage:.0%}, mass "
                 f"{box.mass:.0%}, density {box.density:.0%}, base rate {box.base_rate:.0%}",
                 fontsize=10)
    return fig


def plot_box(box: Box, x: pd.DataFrame, failed: np.ndarray, path: Path,
             distributions: Mapping[str, str] | None = None) -> None:
    """``box_figure``, saved."""
    save(box_figure(box, x, failed, distributions), path)


def robustness_figure(table: pd.DataFrame, outcome: str) -> Figure:
    """Policies ranked: the share of futures where each satisfies the criterion, and its
    regret (mean and 90th percentile) on the criterion's outcome, in the outcome's unit."""
    t = table.iloc[::-1]
    y = np.arange(len(t))
    fig, axes = grid(2, 5.6, 1.6 + 0.5 * len(t), cols=2, sharey=True)
    axes[0].barh(y, t["satisficing_share"] * 100, color=PALETTE[2])
    axes[0].set_xlim(0, 100)
    axes[0].set_xlabel("futures where the policy satisfies the criterion (%)")
    axes[0].set_yticks(y, [words(p) for p in t["policy"]], fontsize=9)
    scale = scale_for(unit(outcome), t[["regret_mean", "regret_p90"]].to_numpy(dtype=float),
                      difference=True)
    mean, _ = clip_at_zero(t["regret_mean"].to_numpy(dtype=float) * scale.factor)
    p90, _ = clip_at_zero(t["regret_p90"].to_numpy(dtype=float) * scale.factor)
    axes[1].barh(y + 0.2, mean, 0.4, color=PALETTE[1], label="mean")
    axes[1].barh(y - 0.2, p90, 0.4, color=PALETTE[3], label="90th percentile")
    shown = f" ({scale.unit})" if scale.unit else ""
    axes[1].set_xlabel(f"regret on {label(outcome)}{shown}\nagainst the best policy in "
                       f"each future")
    axes[1].set_xlim(left=0)
    for ax in axes:
        plain_axes(ax)
    legend_below(axes[1])
    note = f"; {PRICES_NOTE}" if is_rupees(unit(outcome)) else ""
    fig.suptitle(f"Robustness across the sampled futures (best at the top){note}")
    return fig


def plot_robustness(table: pd.DataFrame, path: Path, outcome: str) -> None:
    """``robustness_figure``, saved."""
    save(robustness_figure(table, outcome), path)
