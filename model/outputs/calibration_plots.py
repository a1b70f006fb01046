"""Pictures of a calibration: the fit against every target, and what the field figures say
about each parameter (accepted draws against the prior)."""

from __future__ import annotations

import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ..io import atomic_write


def plot_fit(fit: pd.DataFrame, path: Path) -> None:
    """Each target's miss in units of its tolerance: the grey band is 'within tolerance', the
    dot the fitted model's mean and the bar its 95% range over fresh seeds."""
    fig, ax = plt.subplots(figsize=(10, 1.2 + 0.55 * len(fit)), constrained_layout=True)
    y = np.arange(len(fit))[::-1]
    tol = fit["tolerance"].to_numpy(dtype=float)
    mid = (fit["simulated"].to_numpy(dtype=float) - fit["value"].to_numpy(dtype=float)) / tol
    low = (fit["low"].to_numpy(dtype=float) - fit["value"].to_numpy(dtype=float)) / tol
    high = (fit["high"].to_numpy(dtype=float) - fit["value"].to_numpy(dtype=float)) / tol
    ax.axvspan(-1, 1, color="0.9", label="within tolerance")
    ax.axvline(0, color="grey", lw=0.8)
    colours = np.where(fit["within"].to_numpy(dtype=bool), "tab:blue", "tab:red")
    ax.errorbar(mid, y, xerr=[mid - low, high - mid], fmt="none", ecolor="0.4", capsize=3)
    ax.scatter(mid, y, c=colours, zorder=3, label="fitted values")
    if "default_simulated" in fit:
        at_default = (fit["default_simulated"].to_numpy(dtype=float)
                      - fit["value"].to_numpy(dtype=float)) / tol
        ax.scatter(at_default, y, facecolors="none", edgecolors="black", zorder=4,
                   label="current defaults")
    labels = [f"{t}  (field {v:.3g} ± {s:.2g}, model {m:.3g})" for t, v, s, m in
              zip(fit["target"], fit["value"], fit["tolerance"], fit["simulated"], strict=True)]
    ax.set_yticks(y, labels, fontsize=8)
    ax.set_xlabel("(model - field figure) / tolerance")
    ax.set_title("Calibrated model against the field figures\n"
                 "(dot: mean, bar: 95% range over fresh seeds)", fontsize=10)
    ax.legend(fontsize=8, loc="lower right")
    atomic_write(path, lambda tmp: fig.savefig(tmp, format="png", dpi=110))
    plt.close(fig)


def plot_posterior(posterior: pd.DataFrame, draws: pd.DataFrame, path: Path) -> None:
    """Per parameter: all draws (the prior) and the accepted ones, with the fitted value and
    the current default."""
    names = list(posterior["parameter"])
    cols = min(len(names), 3)
    rows = math.ceil(len(names) / cols)
    fig, grid = plt.subplots(rows, cols, figsize=(4.6 * cols, 3.4 * rows),
                             constrained_layout=True, squeeze=False)
    axes = list(grid.flat)
    for ax in axes[len(names):]:
        ax.set_visible(False)
    accepted = draws["accepted"].to_numpy(dtype=bool)
    for ax, row in zip(axes, posterior.itertuples(), strict=False):
        values = draws[row.parameter].to_numpy(dtype=float)
        bins = np.linspace(row.prior_low, row.prior_high, 21)
        ax.hist(values, bins=bins, color="0.8", label="all draws (prior)")
        ax.hist(values[accepted], bins=bins, color="tab:blue", label="accepted")
        ax.axvline(row.fitted, color="tab:orange", lw=2, label=f"fitted {row.fitted:.3g}")
        if row.default is not None and np.isfinite(float(row.default)):
            ax.axvline(float(row.default), color="black", ls="--", lw=1,
                       label=f"default {float(row.default):.3g}")
        ax.set_title(row.parameter, fontsize=10)
        ax.legend(fontsize=7)
    fig.suptitle("What the field figures say about each parameter")
    atomic_write(path, lambda tmp: fig.savefig(tmp, format="png", dpi=110))
    plt.close(fig)
