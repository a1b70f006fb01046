"""Pictures of a run: the main outcomes over time, with closures shaded.

Given several runs (replicates) of the same scenario, each line is the median across runs
with a band from the 2.5th to the 97.5th percentile.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ..io import atomic_write

PANELS: tuple[tuple[str, tuple[str, ...], float, str], ...] = (
    ("Bondage and indebtedness", ("indebted_share", "bonded_share",
                                  "bonded_share_ilo", "debt_over_threshold_share"),
     1.0, "share of households"),
    ("Debt (indebted households)", ("median_debt_months",), 1.0, "months of gross pay"),
    ("Children aged 5-14", ("school_enrolment", "child_labour_rate"), 1.0, "share of children"),
    ("Money flows into and out of debt", ("advances", "deductions", "book_inflation", "markup"),
     1e-6, "Rs million / month"),
    ("Entering and leaving bondage", ("bondage_entries", "bondage_exits", "moves_transfer"),
     1.0, "households / month"),
    ("Kiln owners", ("owner_profit",), 1e-6, "Rs million / month"),
)


def plot_trajectories(runs: pd.DataFrame | Sequence[pd.DataFrame], path: Path,
                      title: str) -> None:
    """Save a 2x3 panel figure of the main outcomes to ``path`` (PNG), atomically."""
    frames = [runs] if isinstance(runs, pd.DataFrame) else list(runs)
    month = frames[0]["month"].to_numpy()
    fig, axes = plt.subplots(2, 3, figsize=(15, 8), constrained_layout=True)
    closed = frames[0]["production_days"].to_numpy() == 0
    closed[0] = False
    for ax, (panel, columns, scale, unit) in zip(axes.flat, PANELS, strict=True):
        for m in month[closed]:
            ax.axvspan(m - 0.5, m + 0.5, color="0.92", lw=0)
        for col in columns:
            values = np.stack([f[col].to_numpy(dtype=float) for f in frames]) * scale
            mid = np.median(values, axis=0)
            (line,) = ax.plot(month, mid, label=col.replace("_", " "), lw=1.6)
            if len(frames) > 1:
                lo, hi = np.percentile(values, [2.5, 97.5], axis=0)
                ax.fill_between(month, lo, hi, color=line.get_color(), alpha=0.2, lw=0)
        ax.set_title(panel)
        ax.set_xlabel("month")
        ax.set_ylabel(unit)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8, loc="best")
    note = f" ({len(frames)} runs: median and 95% band)" if len(frames) > 1 else ""
    fig.suptitle(f"{title}{note}; grey: kilns closed")
    atomic_write(path, lambda tmp: fig.savefig(tmp, format="png", dpi=100))
    plt.close(fig)


def plot_intervals(panels: list[tuple[str, pd.DataFrame]], path: Path, title: str,
                   centre: str, xlabel: str = "", zero_line: bool = False) -> None:
    """One panel per (title, rows): each row's ``centre`` value with its ``low``-``high``
    interval, scenarios down the side. Saved as PNG, atomically."""
    import textwrap

    # the same scenarios in every panel: name them once, on the left, so no title is clipped
    same = all(list(rows["scenario"]) == list(panels[0][1]["scenario"]) for _, rows in panels)
    fig, axes = plt.subplots(1, len(panels), figsize=(4.2 * len(panels), 4.5),
                             constrained_layout=True, squeeze=False, sharey=same)
    for ax, (name, rows) in zip(axes[0], panels, strict=True):
        y = np.arange(len(rows))
        err = np.vstack([rows[centre] - rows["low"], rows["high"] - rows[centre]])
        ax.errorbar(rows[centre], y, xerr=err, fmt="o", capsize=3)
        if zero_line:
            ax.axvline(0.0, color="0.5", lw=1)
        ax.set_yticks(y, rows["scenario"])
        ax.set_title("\n".join(textwrap.wrap(name, 30)))
        ax.set_xlabel(xlabel)
        ax.grid(alpha=0.3)
    fig.suptitle(title)
    atomic_write(path, lambda tmp: fig.savefig(tmp, format="png", dpi=100))
    plt.close(fig)
