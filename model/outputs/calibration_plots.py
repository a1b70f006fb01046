"""Pictures of a calibration: the fit against every target, and what the field figures say
about each parameter (accepted draws against the prior). Each ``*_figure`` function returns
its Figure (the tests measure it); each ``plot_*`` saves it atomically as PNG."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from ..numbers import SIGNIFICANT, number
from .labels import axis_label, is_share, label, scale_for, unit
from .plot_kit import PALETTE, factor_label, grid, log_axis, plain_axes, save, words


def target_words(key: str) -> tuple[str, str]:
    """A calibration target's key (``scenario:outcome`` or ``scenario:outcome_per_other``)
    as words, and the unit of its value ('' for a ratio of two outcomes)."""
    scenario, _, base = key.rpartition(":")
    if "_per_" in base:
        top, per = base.split("_per_", 1)
        text, shown = f"{label(top)} per {label(per)}", ""
    else:
        text, shown = label(base), unit(base)
    return (f"{text}, {words(scenario)}" if scenario else text), shown


def _number(value: float, unit_text: str, spread: bool = False) -> str:
    if is_share(unit_text):
        return f"{value * 100:.0f} points" if spread else f"{value * 100:.0f}%"
    scale = scale_for(unit_text, [value])
    return number(value * scale.factor, SIGNIFICANT)


def fit_figure(fit: pd.DataFrame) -> Figure:
    """Each target's miss in units of its tolerance: the grey band is 'within tolerance', the
    dot the fitted model's mean and the bar its 95% range over fresh seeds."""
    fig, ax = grid(1, 10.0, 1.6 + 0.55 * len(fit))
    ax = ax[0]
    y = np.arange(len(fit))[::-1]
    tol = fit["tolerance"].to_numpy(dtype=float)
    field = fit["value"].to_numpy(dtype=float)
    mid = (fit["simulated"].to_numpy(dtype=float) - field) / tol
    low = (fit["low"].to_numpy(dtype=float) - field) / tol
    high = (fit["high"].to_numpy(dtype=float) - field) / tol
    ax.axvspan(-1, 1, color="0.9")
    ax.axvline(0, color="0.5", lw=0.8)
    within = fit["within"].to_numpy(dtype=bool)
    ax.errorbar(mid, y, xerr=[mid - low, high - mid], fmt="none", ecolor="0.4", capsize=3)
    ax.scatter(mid[within], y[within], color=PALETTE[0], zorder=3)
    ax.scatter(mid[~within], y[~within], color=PALETTE[3], zorder=3)
    handles = [Patch(color="0.9"), Line2D([], [], color=PALETTE[0], marker="o", ls="none"),
               Line2D([], [], color=PALETTE[3], marker="o", ls="none")]
    names = ["within tolerance", "fitted: within tolerance", "fitted: outside tolerance"]
    if "default_simulated" in fit:
        at_default = (fit["default_simulated"].to_numpy(dtype=float) - field) / tol
        ax.scatter(at_default, y, facecolors="none", edgecolors="black", zorder=4)
        handles.append(Line2D([], [], color="black", marker="o", ls="none", mfc="none",
                              mec="black"))
        names.append("current defaults")
    ticks = []
    for key, value, spread, model in zip(fit["target"], field, tol, fit["simulated"],
                                         strict=True):
        text, shown = target_words(str(key))
        after = f" {shown}" if shown and not is_share(shown) else ""
        field = f"{_number(value, shown)} ± {_number(spread, shown, spread=True)}"
        ticks.append(f"{text}\nfield {field}, model {_number(float(model), shown)}{after}")
    ax.set_yticks(y, ticks, fontsize=8)
    ax.set_xlabel("model minus field figure (in tolerances)")
    plain_axes(ax)
    ax.set_title("Calibrated model against the field figures\n"
                 "(dot: mean, bar: 95% range over fresh seeds)", fontsize=10)
    fig.legend(handles, names, loc="outside lower center", ncols=len(names), fontsize=8,
               frameon=False)
    return fig


def plot_fit(fit: pd.DataFrame, path: Path) -> None:
    """``fit_figure``, saved."""
    save(fit_figure(fit), path)


def posterior_figure(posterior: pd.DataFrame, draws: pd.DataFrame,
                     distributions: Mapping[str, str] | None = None) -> Figure:
    """Per parameter: the prior (all draws, an outline) and the accepted draws (filled), each
    as a share of its own draws per bin so a few accepted draws are not dwarfed by many; the
    fitted value and the current default. A log-uniform prior gets a log axis (its bins
    equal on that axis)."""
    distributions = distributions or {}
    names = list(posterior["parameter"])
    fig, axes = grid(len(names), 4.6, 3.5)
    accepted = draws["accepted"].to_numpy(dtype=bool)
    for ax, row in zip(axes, posterior.itertuples(), strict=True):
        name = str(row.parameter)
        logged = distributions.get(name) == "loguniform" and row.prior_low > 0
        scale = scale_for(unit(name), [row.prior_low, row.prior_high])
        values = draws[name].to_numpy(dtype=float) * scale.factor
        low, high = row.prior_low * scale.factor, row.prior_high * scale.factor
        bins = np.geomspace(low, high, 21) if logged else np.linspace(low, high, 21)
        ax.hist(values, bins=bins, weights=np.full(len(values), 100 / max(len(values), 1)),
                histtype="step", color="0.35", lw=1.2)
        kept = values[accepted]
        ax.hist(kept, bins=bins, weights=np.full(len(kept), 100 / max(len(kept), 1)),
                color=PALETTE[0], alpha=0.6)
        ax.axvline(row.fitted * scale.factor, color=PALETTE[1], lw=2)
        said = f"fitted {number(row.fitted * scale.factor, SIGNIFICANT)}"
        if row.default is not None and np.isfinite(float(row.default)):
            ax.axvline(float(row.default) * scale.factor, color="black", ls="--", lw=1)
            said += f", default {number(float(row.default) * scale.factor, SIGNIFICANT)}"
        if logged:
            log_axis(ax, "x")
        ax.set_xlabel(axis_label(name, [row.prior_low, row.prior_high]))
        ax.set_ylabel("draws in the bin (%)")
        ax.set_ylim(bottom=0.0)
        plain_axes(ax)
        ax.set_title(f"{factor_label(name)}\n{said}", fontsize=9)
    handles = [Patch(facecolor="none", edgecolor="0.35"), Patch(color=PALETTE[0], alpha=0.6),
               Line2D([], [], color=PALETTE[1], lw=2),
               Line2D([], [], color="black", ls="--", lw=1)]
    fig.legend(handles, ["all draws (the prior), % of all draws",
                         "accepted draws, % of accepted draws", "fitted (median accepted)",
                         "current default"],
               loc="outside lower center", ncols=4, fontsize=8, frameon=False)
    fig.suptitle(f"What the field figures say about each parameter "
                 f"({int(accepted.sum()):,} of {len(accepted):,} draws accepted)")
    return fig


def plot_posterior(posterior: pd.DataFrame, draws: pd.DataFrame, path: Path,
                   distributions: Mapping[str, str] | None = None) -> None:
    """``posterior_figure``, saved."""
    save(posterior_figure(posterior, draws, distributions), path)
