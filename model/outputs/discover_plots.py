"""Pictures of scenario discovery: PRIM's peeling trajectory, the chosen box over the two most
restricted parameters, and the policies ranked by robustness."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ..io import atomic_write

if TYPE_CHECKING:
    from ..experiments.boxes import Box


def _save(fig: plt.Figure, path: Path) -> None:
    atomic_write(path, lambda tmp: fig.savefig(tmp, format="png", dpi=110))
    plt.close(fig)


def plot_trajectory(box: Box, path: Path) -> None:
    """Coverage against density along the peeling, coloured by the number of restricted
    parameters; the chosen box ringed."""
    t = box.trajectory
    fig, ax = plt.subplots(figsize=(6.2, 4.8), constrained_layout=True)
    points = ax.scatter(t["coverage"], t["density"], c=t["res_dim"], cmap="viridis", s=18)
    fig.colorbar(points, ax=ax, label="restricted parameters")
    ax.scatter([box.coverage], [box.density], s=160, facecolors="none", edgecolors="red",
               label=f"chosen box (coverage {box.coverage:.2f}, density {box.density:.2f}, "
                     f"mass {box.mass:.2f})")
    ax.axhline(box.base_rate, color="grey", ls="--", lw=0.8,
               label=f"base rate {box.base_rate:.2f} (all futures)")
    ax.set_xlabel("coverage: share of all failures inside the box")
    ax.set_ylabel("density: share of futures in the box that fail")
    ax.set_xlim(0, 1.02)
    ax.set_ylim(0, 1.02)
    ax.legend(fontsize=8, loc="lower left")
    said = "" if box.informative else " (no informative region)"
    ax.set_title(f"{box.policy}: PRIM peeling trajectory{said}")
    _save(fig, path)


def plot_box(box: Box, x: pd.DataFrame, failed: np.ndarray, path: Path) -> None:
    """The futures on the two most restricted parameters (failures in red), with the box."""
    restricted = box.limits[box.limits["restricted"]].sort_values("qp")
    names = list(restricted["parameter"])[:2]
    for name in x.columns:  # fewer than two restricted: fill with others
        if len(names) >= 2:
            break
        if name not in names:
            names.append(name)
    a, b = names
    fig, ax = plt.subplots(figsize=(6.2, 5.2), constrained_layout=True)
    ax.scatter(x.loc[~failed, a], x.loc[~failed, b], s=10, color="0.6", label="satisfied")
    ax.scatter(x.loc[failed, a], x.loc[failed, b], s=12, color="tab:red", label="failed")
    lim = box.limits.set_index("parameter")
    ax.add_patch(plt.Rectangle((lim.loc[a, "min"], lim.loc[b, "min"]),
                               lim.loc[a, "max"] - lim.loc[a, "min"],
                               lim.loc[b, "max"] - lim.loc[b, "min"], fill=False,
                               edgecolor="black", lw=1.5, label="PRIM box"))
    ax.set_xlabel(a)
    ax.set_ylabel(b)
    ax.legend(fontsize=8, loc="best")
    head = "where it fails" if box.informative else "no informative region"
    ax.set_title(f"{box.policy}: {head} (coverage {box.coverage:.0%}, mass {box.mass:.0%}, "
                 f"density {box.density:.0%}, base rate {box.base_rate:.0%})", fontsize=10)
    _save(fig, path)


def plot_robustness(table: pd.DataFrame, path: Path, outcome: str) -> None:
    """Policies ranked: the share of futures where each satisfies the criterion, and its
    regret (mean and 90th percentile) on the criterion's outcome."""
    t = table.iloc[::-1]
    y = np.arange(len(t))
    fig, axes = plt.subplots(1, 2, figsize=(11, 0.9 + 0.5 * len(t)), constrained_layout=True,
                             sharey=True)
    axes[0].barh(y, t["satisficing_share"], color="tab:green")
    axes[0].set_xlim(0, 1)
    axes[0].set_xlabel("share of futures where the policy satisfies the criterion")
    axes[0].set_yticks(y, t["policy"], fontsize=9)
    axes[1].barh(y + 0.2, t["regret_mean"], 0.4, color="tab:orange", label="mean")
    axes[1].barh(y - 0.2, t["regret_p90"], 0.4, color="tab:red", label="90th percentile")
    axes[1].set_xlabel(f"regret on {outcome} against the best policy in each future")
    axes[1].legend(fontsize=8)
    fig.suptitle("Robustness across the sampled futures (best at the top)")
    _save(fig, path)
