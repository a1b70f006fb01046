"""The interactive page's chart of one run: its outcomes month by month, the same run without any
policy as a dashed reference, kiln closures shaded and the months a policy starts marked.

Why its own module: the page redraws it every month it steps, from a thread, so it uses a bare
matplotlib ``Figure`` (no pyplot state) and returns PNG bytes; and it can be tested without a
browser. Names and units come from ``labels.py``; the x axis counts months from month 1 with
the years under them, so a reader sees "month 13, year 2" rather than a bare step count.
"""

from __future__ import annotations

import calendar
import io
from collections.abc import Mapping, Sequence

import matplotlib
import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from bondsim.outputs.app_runs import PANELS
from bondsim.outputs.labels import label, scale_for, unit
from bondsim.simulation import season
from bondsim.simulation.parameters import Params

#: one colour per outcome, none repeated within a panel
COLOURS = {"bonded_share": "tab:red", "indebted_share": "tab:orange",
           "child_labour_rate": "tab:purple", "school_enrolment": "tab:green"}
CLOSED_COLOUR = "#d4d4d4"
REFERENCE_WORDS = "dashed: same seed, no policy"


def closed_spans(horizon: int, params: Params) -> list[tuple[int, int]]:
    """Runs of months (first, last), 0 to ``horizon``, in which kilns are closed. Month 0, the
    state before month 1, counts by its calendar month like any other."""
    shut = [not season.is_open(season.calendar_month(m, params), params)
            for m in range(horizon + 1)]
    spans: list[tuple[int, int]] = []
    for m, closed in enumerate(shut):
        if closed and spans and spans[-1][1] == m - 1:
            spans[-1] = (spans[-1][0], m)
        elif closed:
            spans.append((m, m))
    return spans


def year_ticks(horizon: int) -> tuple[list[int], list[str]]:
    """Ticks at the first month of each year (1, 13, 25, ...), labelled with month and year;
    every other year only on long runs, so the labels never crowd."""
    every = 1 if horizon <= 72 else 2
    months = list(range(1, horizon + 1, 12 * every))
    return months, [f"{m}\nyear {(m - 1) // 12 + 1}" for m in months]


def month_axis(ax: Axes, horizon: int, params: Params, *, with_label: bool = True) -> None:
    """x from month 0 (the start) to the horizon, ticks at each year's first month."""
    ax.set_xlim(0, horizon)
    ticks, names = year_ticks(horizon)
    ax.set_xticks(ticks, names)
    ax.set_xticks(range(0, horizon + 1, 3), minor=True)
    if with_label:
        ax.set_xlabel(f"month of the run (month 1 is {calendar.month_name[params.start_month]}"
                      f" of year 1)")


def draw_panel(ax: Axes, names: Sequence[str], run: Mapping[str, np.ndarray],
               reference: Mapping[str, np.ndarray]) -> str:
    """Each outcome of ``names``: the run solid, the reference dashed in the same colour.
    Returns the panel's y unit (every outcome of a panel shares one)."""
    units = {scale_for(unit(name)).unit for name in names}
    if len(units) != 1:
        raise ValueError(f"a panel of the page mixes units {sorted(units)}: {list(names)}")
    for name in names:
        factor = scale_for(unit(name)).factor
        ref = np.asarray(reference[name]) * factor
        ax.plot(np.arange(len(ref)), ref, color=COLOURS[name], lw=1.3, ls="--", alpha=0.7)
        values = np.asarray(run[name]) * factor
        ax.plot(np.arange(len(values)), values, color=COLOURS[name], lw=2.0, label=label(name))
    return units.pop()


def render_png(run: Mapping[str, np.ndarray], reference: Mapping[str, np.ndarray], *,
               horizon: int, params: Params, policy_starts: Sequence[int] = (),
               stacked: bool = False, width: float = 10.0, dpi: int = 90) -> bytes:
    """The chart of one run (:func:`chart_figure`) as PNG bytes."""
    with matplotlib.rc_context({"font.size": 10}):
        fig = chart_figure(run, reference, horizon=horizon, params=params,
                           policy_starts=policy_starts, stacked=stacked, width=width, dpi=dpi)
        out = io.BytesIO()
        fig.savefig(out, format="png")
    return out.getvalue()


def chart_figure(run: Mapping[str, np.ndarray], reference: Mapping[str, np.ndarray], *,
                 horizon: int, params: Params, policy_starts: Sequence[int] = (),
                 stacked: bool = False, width: float = 10.0, dpi: int = 90) -> Figure:
    """The chart of one run: the panels side by side, or one above the other (``stacked``, for
    the two-column view). Legends sit below the axes, never on the data."""
    rows, cols = (len(PANELS), 1) if stacked else (1, len(PANELS))
    height = 3.3 * rows + 1.2 if stacked else 4.4
    fig = Figure(figsize=(width, height), dpi=dpi, layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(rows, cols, sharex=True, squeeze=False).ravel()
    spans = closed_spans(horizon, params)
    for i, (ax, (panel, names)) in enumerate(zip(axes, PANELS, strict=True)):
        for first, end in spans:
            ax.axvspan(max(first - 0.5, 0), min(end + 0.5, horizon), color=CLOSED_COLOUR,
                       lw=0, zorder=0)
        for start in policy_starts:
            ax.axvline(start, color="0.25", lw=1.0, ls=":", zorder=1)
        ax.set_ylabel(draw_panel(ax, names, run, reference))
        ax.set_ylim(0, 100)
        ax.set_title(panel, fontsize=11)
        ax.grid(alpha=0.3)
        month_axis(ax, horizon, params, with_label=not stacked or i == len(axes) - 1)
    extra = [Line2D([], [], color="0.3", ls="--", lw=1.3, label=REFERENCE_WORDS),
             Patch(color=CLOSED_COLOUR, label="kilns closed")]
    if policy_starts:
        extra.append(Line2D([], [], color="0.25", ls=":", lw=1.0, label="policy starts"))
    handles = [h for ax in axes for h in ax.get_legend_handles_labels()[0]] + extra
    # one legend for the figure, below the panels: never on the data, never two overlapping
    fig.legend(handles=handles, loc="outside lower center", ncol=2 if stacked else 4,
               fontsize=8, frameon=False)
    return fig
