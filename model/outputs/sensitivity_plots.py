"""Pictures of a sensitivity analysis: ranked bars with error bars, Morris mu* against sigma,
and convergence curves. One panel per outcome; each ``*_figure`` function returns its Figure
(the tests measure it), each ``plot_*`` saves it atomically as PNG.

Indices cannot be negative (a share of variance, a mean absolute effect, a KS distance): an
estimate or an interval end below zero is drawn at zero, and the figure says so."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FixedLocator, NullLocator, StrMethodFormatter

from .labels import PRICES_NOTE, is_rupees, label, scale_for, unit
from .plot_kit import (
    PALETTE,
    clip_at_zero,
    factor_label,
    grid,
    legend_below,
    place_labels,
    plain_axes,
    save,
)

LABELLED = 6  # factors named in the Morris scatter; the rest are in the ranking plot
COLOURED = 4  # factors drawn in colour in a convergence panel; the others grey
TITLES = {"sobol": "Sobol indices: total (ST) and first order (S1), 95% intervals",
          "morris": "Morris screening: mean absolute effect μ* with 95% intervals",
          "pawn": "PAWN: median KS distance (bars), minimum to maximum over slices"}
CLIPPED = "estimates or interval ends below zero (impossible values) are drawn at zero"


def _effect_scale(indices: pd.DataFrame, outcome: str) -> tuple[float, str]:
    """Morris effects are changes in the outcome: its unit as a difference, scaled."""
    t = indices[indices["outcome"] == outcome]
    values = np.concatenate([t[c].to_numpy(dtype=float) for c in ("mu_star", "sigma")
                             if c in t])
    scale = scale_for(unit(outcome), values, difference=True)
    return scale.factor, scale.unit


def _notes(outcomes: list[str], method: str, clipped: bool) -> str:
    said = []
    if method == "morris" and any(is_rupees(unit(o)) for o in outcomes):
        said.append(PRICES_NOTE)
    if clipped:
        said.append(CLIPPED)
    return "; ".join(said)


def _title(fig: Figure, head: str, note: str) -> None:
    fig.suptitle(head + (f"\n{note}" if note else ""), fontsize=11)


def ranking_figure(indices: pd.DataFrame, method: str) -> Figure:
    """Ranked horizontal bars per outcome, most influential at the top."""
    outcomes = list(dict.fromkeys(indices["outcome"]))
    factors = indices["factor"].nunique()
    levers = indices["factor"].str.contains(".", regex=False).any()  # named with their units
    fig, axes = grid(len(outcomes), 6.0 if levers else 5.4, 1.2 + (0.42 if levers else 0.32)
                     * factors)
    clipped = False
    for ax, outcome in zip(axes, outcomes, strict=True):
        t = indices[indices["outcome"] == outcome].sort_values("rank", ascending=False)
        y = np.arange(len(t))
        if method == "sobol":
            for shift, index, colour in ((0.2, "ST", PALETTE[0]), (-0.2, "S1", PALETTE[1])):
                value, cut = clip_at_zero(t[index].to_numpy(dtype=float))
                conf = t[f"{index}_conf"].to_numpy(dtype=float)
                low, cut_low = clip_at_zero(t[index].to_numpy(dtype=float) - conf)
                clipped |= cut or cut_low
                ax.barh(y + shift, value, 0.4, color=colour, capsize=2,
                        xerr=[value - np.minimum(low, value), t[index] + conf - value])
            ax.set_xlabel("Sobol index\n(share of the outcome's variance)")
        elif method == "morris":
            factor, shown = _effect_scale(indices, outcome)
            value = t["mu_star"].to_numpy(dtype=float) * factor
            low, cut = clip_at_zero(value - t["mu_star_conf"].to_numpy(dtype=float) * factor)
            clipped |= cut
            ax.barh(y, value, 0.6, color=PALETTE[0], capsize=2,
                    xerr=[value - low, t["mu_star_conf"].to_numpy(dtype=float) * factor])
            ax.set_xlabel(f"μ*: mean absolute effect\nof a full-range change ({shown})")
        else:
            value = t["median"].to_numpy(dtype=float)
            ax.barh(y, value, 0.6, color=PALETTE[0], capsize=2,
                    xerr=[value - t["minimum"].to_numpy(dtype=float),
                          t["maximum"].to_numpy(dtype=float) - value])
            ax.set_xlabel("median KS distance\n(0: no influence, 1: the most possible)")
        ax.set_yticks(y, [factor_label(f, sep="\n") for f in t["factor"]], fontsize=8)
        ax.set_xlim(left=0.0)
        plain_axes(ax)
        ax.set_title(label(outcome), fontsize=10)
    if method == "sobol":
        fig.legend([Patch(color=PALETTE[0]), Patch(color=PALETTE[1])],
                   ["total (ST)", "first order (S1)"], loc="outside lower center", ncols=2,
                   fontsize=8, frameon=False)
    _title(fig, TITLES[method], _notes(outcomes, method, clipped))
    return fig


def plot_ranking(indices: pd.DataFrame, method: str, path: Path) -> None:
    """``ranking_figure``, saved."""
    save(ranking_figure(indices, method), path)


def morris_figure(indices: pd.DataFrame) -> Figure:
    """mu* against sigma per outcome: far right = influential; high above the diagonal =
    acting through interactions or non-linearly. The leaders are named where there is room;
    every factor is in the ranking plot."""
    outcomes = list(dict.fromkeys(indices["outcome"]))
    fig, axes = grid(len(outcomes), 5.0, 4.4)
    leaders = []
    for ax, outcome in zip(axes, outcomes, strict=True):
        t = indices[indices["outcome"] == outcome]
        factor, shown = _effect_scale(indices, outcome)
        mu, sigma = t["mu_star"].to_numpy(dtype=float) * factor, t["sigma"].to_numpy(
            dtype=float) * factor
        conf = t["mu_star_conf"].to_numpy(dtype=float) * factor
        ax.errorbar(mu, sigma, xerr=[mu - np.clip(mu - conf, 0.0, None), conf], fmt="o", ms=4,
                    capsize=2, color=PALETTE[0])
        top = float(max(np.nanmax(mu + conf), np.nanmax(sigma), 1e-12)) * 1.15
        ax.plot([0, top], [0, top], color="0.5", lw=0.7, ls="--")
        ax.set_xlim(0, top)
        ax.set_ylim(0, top)
        ax.set_xlabel(f"μ*: mean absolute effect ({shown})")
        ax.set_ylabel(f"σ: spread of the effects ({shown})")
        ax.set_title(label(outcome), fontsize=10)
        plain_axes(ax)
        lead = t.assign(_mu=mu, _sigma=sigma).nsmallest(LABELLED, "rank")
        leaders.append((ax, lead))
    fig.legend([Line2D([], [], color="0.5", lw=0.7, ls="--"),
                Line2D([], [], color=PALETTE[0], marker="o", ls="none", ms=4)],
               ["σ = μ* (above: interactions or non-linear effects)",
                "a factor, with the 95% interval of μ*"],
               loc="outside lower center", ncols=2, fontsize=8, frameon=False)
    note = _notes(outcomes, "morris", False)
    _title(fig, "Morris: mean absolute effect (μ*) against its spread (σ)",
           "; ".join(filter(None, [note, f"the {LABELLED} most influential factors named "
                                         "where there is room; every factor in ranking.png"])))
    for ax, lead in leaders:
        place_labels(ax, list(lead["_mu"]), list(lead["_sigma"]),
                     [factor_label(f, with_unit=False) for f in lead["factor"]])
    return fig


def plot_morris(indices: pd.DataFrame, path: Path) -> None:
    """``morris_figure``, saved."""
    save(morris_figure(indices), path)


MEASURES = {"sobol": ("ST", "ST_conf"), "morris": ("mu_star", "mu_star_conf"),
            "pawn": ("median", None)}
SIZES = {"sobol": "base sample size N (points)", "morris": "Morris trajectories (count)",
         "pawn": "sample size (points)"}


def _coloured(table: pd.DataFrame, measure: str) -> list[str]:
    """The factors drawn in colour: each outcome's leaders at the largest sample size."""
    last = table[table["size"] == table["size"].max()]
    chosen: list[str] = []
    for _, g in last.groupby("outcome", sort=False):
        chosen += [f for f in g.nlargest(COLOURED, measure)["factor"] if f not in chosen]
    return chosen


def convergence_figure(table: pd.DataFrame, method: str) -> Figure:
    """Each factor's index against the sample size, with its interval as a band: flat lines
    with narrow bands mean the sample was large enough. Each outcome's leaders are coloured
    (one colour per factor across the figure when there are colours enough, else by rank
    within each panel), the other factors grey."""
    measure, conf = MEASURES[method]
    outcomes = list(dict.fromkeys(table["outcome"]))
    coloured = _coloured(table, measure)
    same = len(coloured) <= len(PALETTE)  # one colour per factor across panels, if enough
    colours = dict(zip(coloured, PALETTE, strict=False))
    sizes = sorted(table["size"].unique())
    fig, axes = grid(len(outcomes), 5.0, 4.4)
    clipped = False
    for ax, outcome in zip(axes, outcomes, strict=True):
        t = table[table["outcome"] == outcome]
        factor, shown = 1.0, ""
        if method == "morris":
            scale = scale_for(unit(outcome), t[measure].to_numpy(dtype=float), difference=True)
            factor, shown = scale.factor, scale.unit
        lead = list(t[t["size"] == t["size"].max()].nlargest(COLOURED, measure)["factor"])
        if not same:  # too many leaders for one colour each: colours by rank in each panel
            colours = dict(zip(lead, PALETTE, strict=False))
        for name, g in t.groupby("factor", sort=False):
            g = g.sort_values("size")
            value = g[measure].to_numpy(dtype=float) * factor
            mine = name in lead
            colour = colours[str(name)] if mine else "0.7"
            ax.plot(g["size"], np.clip(value, 0.0, None), marker="o", ms=3 if mine else 2,
                    color=colour, lw=1.4 if mine else 0.7, zorder=3 if mine else 2,
                    label=factor_label(str(name), with_unit=False) if mine else None)
            clipped |= bool(np.any(value < 0))
            if conf is not None and mine:
                half = g[conf].to_numpy(dtype=float) * factor
                low, cut = clip_at_zero(value - half)
                clipped |= cut
                ax.fill_between(g["size"], low, np.clip(value + half, 0.0, None),
                                color=colour, alpha=0.15, lw=0)
        ax.plot([], [], color="0.7", lw=0.7, label="other factors")
        ax.set_xscale("log", base=2)
        ax.xaxis.set_major_locator(FixedLocator(sizes))
        ax.xaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
        ax.xaxis.set_minor_locator(NullLocator())
        if len(sizes) > 1:
            ax.set_xlim(sizes[0] / 1.15, sizes[-1] * 1.15)
        ax.set_ylim(bottom=0.0)
        ax.set_xlabel(SIZES[method])
        ax.set_ylabel({"sobol": "total Sobol index ST (share of variance)",
                       "morris": f"μ*: mean absolute effect ({shown})",
                       "pawn": "median KS distance (0 to 1)"}[method])
        ax.yaxis.get_major_formatter().set_useOffset(False)  # type: ignore[attr-defined]
        ax.set_title(label(outcome), fontsize=10)
        legend_below(ax, ncols=2)  # factors' names are long: two columns stay in the panel
    bands = "" if conf is None else " (bands: 95% intervals)"
    head = {"sobol": "ST", "morris": "μ*", "pawn": "the median KS distance"}[method]
    _title(fig, f"Convergence of {head} with the sample size{bands}; each outcome's "
                f"{COLOURED} most influential factors in colour",
           _notes(outcomes, method, clipped))
    return fig


def plot_convergence(table: pd.DataFrame, method: str, path: Path) -> None:
    """``convergence_figure``, saved (nothing when there is no convergence table)."""
    if table.empty:
        return
    save(convergence_figure(table, method), path)
