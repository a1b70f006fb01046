"""Pictures of runs, batches and comparisons: the main outcomes over time, and the end of the
runs side by side.

A trajectory figure shows, for one scenario, the median across runs (replicates) of each
outcome with a band from the 2.5th to the 97.5th percentile, the months the kilns are closed
shaded, and, for a policy compared with a baseline, the baseline's median as a grey dashed
line and a vertical line where the policy starts. An interval figure shows one value per
scenario with its interval (paired differences from a baseline, or levels).

Every label and unit comes from ``labels.py``; the builders return the Figure (so a test can
read what a reader would see) and ``plot_*`` save it atomically as PNG.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MultipleLocator
from matplotlib.transforms import offset_copy

from . import plot_kit
from .labels import PRICES_NOTE, is_rupees, label, scale_for, unit


@dataclass(frozen=True)
class Panel:
    """One panel of the trajectory figure: outcomes that share a unit, drawn together."""

    title: str
    columns: tuple[str, ...]


#: what a policy analyst reads first: bondage by each definition, debt in months of pay,
#: children, families short of needs, the money flows that make debt, the families moving in
#: and out of bondage, the owners' choices, and what it costs
PANELS: tuple[Panel, ...] = (
    Panel("Bondage (three definitions) and debt",
          ("bonded_share", "bonded_share_ilo", "debt_over_threshold_share", "indebted_share")),
    Panel("Debt in months of pay", ("median_debt_months", "p90_debt_months")),
    Panel("Children aged 5-14", ("child_labour_rate", "school_enrolment")),
    Panel("Welfare", ("households_short", "advance_share")),
    Panel("Money flows into and out of debt",
          ("advances", "deductions", "markup", "book_inflation")),
    Panel("Families entering and leaving bondage",
          ("bondage_entries", "bondage_exits", "households_released", "moves_transfer")),
    Panel("Kiln owners' choices",
          ("owners_holding_share", "owners_underpaying_share", "owners_child_labour_share",
           "owners_off_book_share")),
    Panel("Kiln owners' profit", ("owner_profit",)),
    Panel("Public spending", ("intervention_cost",)),
)

#: colours for the lines of one panel: tab10 without its grey (grey is the baseline's)
COLOURS = tuple(plt.get_cmap("tab10")(i) for i in (0, 1, 2, 3, 4, 5, 6, 8, 9))
BASELINE_COLOUR = "0.45"
CLOSED_COLOUR = "0.86"
START_COLOUR = "0.1"
#: the run, batch and compare figures' resolution (the analysis figures keep plot_kit's)
DPI = 100
LEGEND_DROP = 36  # points between the bottom of a panel and its legend: below the x label


@dataclass(frozen=True)
class Baseline:
    """The runs a policy is compared with, drawn behind the policy's lines."""

    name: str
    runs: Sequence[pd.DataFrame]


def closed_months(run: pd.DataFrame) -> np.ndarray:
    """Which rows are months the kilns are closed. Month 0 (the initial state) records no
    moulding, so it counts as closed when its calendar month is closed later in the run."""
    closed = run["production_days"].to_numpy() == 0
    month = run["month"].to_numpy()
    first = month == 0
    closed[first] = False
    if first.any() and "calendar_month" in run.columns:
        calendar = run["calendar_month"].to_numpy()
        shut = set(calendar[~first & closed])
        closed[first] = calendar[first][0] in shut
    return closed


def _spans(month: np.ndarray, closed: np.ndarray) -> list[tuple[float, float]]:
    """Contiguous closed months as (from, to) in years, each month half a month either side."""
    spans: list[tuple[float, float]] = []
    for m in month[closed]:
        lo, hi = (m - 0.5) / 12, (m + 0.5) / 12
        if spans and abs(spans[-1][1] - lo) < 1e-9:
            spans[-1] = (spans[-1][0], hi)
        else:
            spans.append((lo, hi))
    return spans


def _stack(frames: Sequence[pd.DataFrame], column: str) -> np.ndarray:
    return np.stack([f[column].to_numpy(dtype=float) for f in frames])


def _median(values: np.ndarray) -> np.ndarray:
    """Median across runs, NaN (not a warning) where every run is undefined."""
    out = np.full(values.shape[1], np.nan)
    some = np.isfinite(values).any(axis=0)
    out[some] = np.nanmedian(values[:, some], axis=0)
    return out


def _band(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    lo, hi = np.full(values.shape[1], np.nan), np.full(values.shape[1], np.nan)
    some = np.isfinite(values).any(axis=0)
    lo[some], hi[some] = np.nanpercentile(values[:, some], [2.5, 97.5], axis=0)
    return lo, hi


def _year_ticks(ax: plt.Axes, months: int) -> None:
    """Ticks at whole years (quarters in a run shorter than two years)."""
    ax.xaxis.set_major_locator(MultipleLocator(1.0 if months >= 24 else 0.25))
    ax.set_xlim(0, max(months, 1) / 12)
    ax.set_xlabel("years since start")


def _panel_legend(ax: plt.Axes, fig: Figure) -> None:
    """The panel's legend below it, clear of its data and its x label."""
    handles, labels = ax.get_legend_handles_labels()
    long = max(len(t) for t in labels) > 26
    below = offset_copy(ax.transAxes, fig=fig, y=-LEGEND_DROP, units="points")
    ax.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, 0.0),
              bbox_transform=below, ncols=1 if long else 2, fontsize=8, frameon=False)


def trajectories_figure(runs: pd.DataFrame | Sequence[pd.DataFrame], title: str, *,
                        baseline: Baseline | None = None, start: int | None = None) -> Figure:
    """The main outcomes month by month (x in years), one panel per ``PANELS`` entry whose
    columns the runs have. ``baseline``: drawn as grey dashed medians behind the lines;
    ``start``: the month the policy starts acting, marked with a vertical line."""
    frames = [runs] if isinstance(runs, pd.DataFrame) else list(runs)
    have = set(frames[0].columns)
    panels = [Panel(p.title, tuple(c for c in p.columns if c in have)) for p in PANELS]
    panels = [p for p in panels if p.columns]
    month = frames[0]["month"].to_numpy()
    years = month / 12
    horizon = int(month.max()) if month.size else 0
    ncols = min(3, max(len(panels), 1))
    nrows = -(-len(panels) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(5.6 * ncols, 4.6 * nrows + 1.0),
                             layout="constrained", squeeze=False)
    spans = _spans(month, closed_months(frames[0])) if "production_days" in have else []
    base = list(baseline.runs) if baseline is not None else []
    rupees = False
    for ax, panel in zip(axes.flat, panels, strict=False):
        shown_unit = unit(panel.columns[0])
        rupees |= is_rupees(shown_unit)
        data = {c: _stack(frames, c) for c in panel.columns}
        ref = {c: _stack(base, c) for c in panel.columns} if base else {}
        everything = np.concatenate([v.ravel() for v in (*data.values(), *ref.values())])
        scale = scale_for(shown_unit, everything)
        for lo, hi in spans:
            ax.axvspan(max(lo, 0.0), hi, color=CLOSED_COLOUR, lw=0, zorder=0)
        for colour, column in zip(COLOURS, panel.columns, strict=False):
            values = data[column] * scale.factor
            ax.plot(years, _median(values), color=colour, lw=1.8, label=label(column),
                    zorder=3)
            if len(frames) > 1:
                lo, hi = _band(values)
                ax.fill_between(years, lo, hi, color=colour, alpha=0.2, lw=0, zorder=2)
            if base:
                b_month = base[0]["month"].to_numpy() / 12
                ax.plot(b_month, _median(ref[column] * scale.factor), color=BASELINE_COLOUR,
                        lw=1.3, ls="--", zorder=2.5)
        if start is not None:
            at = (start - 0.5) / 12
            ax.axvline(at, color=START_COLOUR, lw=1.2, ls=":", zorder=4)
            top = ax.secondary_xaxis("top")
            top.set_xticks([at], [f"policy starts (month {start})"])
            top.tick_params(labelsize=8, length=3)
        if np.nanmin(np.append(everything, 0.0)) >= 0:
            ax.set_ylim(bottom=0)
        ax.ticklabel_format(axis="y", style="plain", useOffset=False)
        _year_ticks(ax, horizon)
        ax.set_title(panel.title)
        ax.set_ylabel(scale.unit)
        ax.grid(alpha=0.3)
        _panel_legend(ax, fig)
    for ax in axes.flat[len(panels):]:
        ax.remove()  # no empty panels
    key = [Patch(color=CLOSED_COLOUR, label="kilns closed")]
    if base:
        said = ("the baseline scenario" if baseline.name == "baseline"
                else f"the baseline, scenario {baseline.name}")
        key.append(Line2D([], [], color=BASELINE_COLOUR, ls="--", lw=1.3,
                          label=f"{said}: median, same outcome"))
    if start is not None:
        key.append(Line2D([], [], color=START_COLOUR, ls=":", lw=1.2,
                          label=f"policy starts (month {start})"))
    fig.legend(handles=key, loc="outside lower center", ncols=len(key), frameon=False)
    runs_said = (f"median and 95% band over {len(frames)} runs" if len(frames) > 1
                 else "one run")
    fig.suptitle(f"{title}: {runs_said}" + (f"; {PRICES_NOTE}" if rupees else ""))
    return fig


def plot_trajectories(runs: pd.DataFrame | Sequence[pd.DataFrame], path: Path, title: str, *,
                      baseline: Baseline | None = None, start: int | None = None) -> None:
    """Save :func:`trajectories_figure` to ``path`` (PNG), atomically."""
    save(trajectories_figure(runs, title, baseline=baseline, start=start), path)


def intervals_figure(panels: Sequence[tuple[str, pd.DataFrame]], title: str, centre: str, *,
                     baseline: str | None = None) -> Figure:
    """One panel per (outcome, rows): each row's ``centre`` value with its ``low``-``high``
    interval, scenarios down the side. ``baseline``: the rows are differences from that
    scenario (shares in percentage points, a zero line drawn); else levels."""
    panels = list(panels)
    ncols = min(3, len(panels))
    nrows = -(-len(panels) // ncols)
    most = max(len(rows) for _, rows in panels)
    # each panel names its scenarios down its side: room for the longest name, else the
    # layout squeezes the last column off the picture ('release_without_rehabilitation')
    longest = max(len(str(s)) for _, rows in panels for s in rows["scenario"])
    width = 3.4 + 0.075 * max(longest, 16)
    fig, axes = plt.subplots(nrows, ncols, squeeze=False, layout="constrained",
                             figsize=(width * ncols + 0.4, (0.4 * most + 1.6) * nrows + 0.8))
    difference = baseline is not None
    for ax, (name, rows) in zip(axes.flat, panels, strict=False):
        values = rows[[centre, "low", "high"]].to_numpy(dtype=float)
        scale = scale_for(unit(name), values, difference=difference)
        mid, low, high = (values * scale.factor).T
        y = np.arange(len(rows))[::-1]  # the first scenario at the top
        err = np.vstack([mid - low, high - mid])
        ax.errorbar(mid, y, xerr=np.where(np.isfinite(err), err, 0.0), fmt="o", capsize=3,
                    color=COLOURS[0])
        if difference:
            ax.axvline(0.0, color="0.3", lw=1)
        ax.set_yticks(y, [str(s) for s in rows["scenario"]])
        ax.set_ylim(-0.6, len(rows) - 0.4)
        ax.ticklabel_format(axis="x", style="plain", useOffset=False)
        ax.set_title("\n".join(textwrap.wrap(label(name), 32)))
        ax.set_xlabel(f"difference from {baseline} ({scale.unit})" if difference
                      else scale.unit)
        ax.grid(alpha=0.3)
    for ax in axes.flat[len(panels):]:
        ax.remove()
    if any(is_rupees(unit(name)) for name, _ in panels):
        title = f"{title}; {PRICES_NOTE}"
    fig.suptitle("\n".join(textwrap.wrap(title, 110)))
    return fig


def plot_intervals(panels: Sequence[tuple[str, pd.DataFrame]], path: Path, title: str,
                   centre: str, *, baseline: str | None = None) -> None:
    """Save :func:`intervals_figure` to ``path`` (PNG), atomically."""
    save(intervals_figure(panels, title, centre, baseline=baseline), path)


def save(fig: Figure, path: Path) -> None:
    """Write ``fig`` as PNG at this module's resolution, atomically, and free it (the jobs
    that draw these figures call this; ``plot_kit.save`` does the writing)."""
    plot_kit.save(fig, path, dpi=DPI)
