"""What the analysis pictures (sweep, calibration, discovery, plan) share: human names for
factors and scenarios, axes without offsets, a clip at zero that says so, labels placed where
they do not overlap, legends outside the data, and atomic saving.

Why here and not in each module: the four modules had each written their own names
(``prison_cost_months``, "mu*"), let matplotlib add "1e8" offsets and annotated points at a
fixed offset, so labels ran into each other. ``labels`` says what a number is; this module
decides where its words go.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.text import Annotation, Text
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter
from matplotlib.transforms import Bbox, offset_copy

from ..io import atomic_write
from ..prices import BASE_YEAR
from .labels import label, unit

#: colours that stay apart on screen and in print; a plot never needs more distinct ones
#: (the rest of its series are grey; none of these is)
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
           "#17becf", "#bcbd22")


def words(name: str) -> str:
    """A file-given name (a scenario, a strategy, an intervention type) as words."""
    return str(name).replace("_", " ").strip()


def factor_label(name: str, with_unit: bool = True, sep: str = " ") -> str:
    """A sweep factor as a reader names it: a parameter's label, or a lever
    ``<label>.<field>`` as '<label>: <field's label> (unit)' (``labels.label``). A lever says
    its unit, since a planner sets its value (visits a month or a year, rupees or a share);
    rupees without their price year, which the report's tables give. ``sep`` goes before the
    unit (a new line where width is short); ``with_unit=False`` for a name beside a point."""
    shown = unit(name).replace(f" ({BASE_YEAR} prices)", "") if "." in name else ""
    return f"{label(name)}{sep}({shown})" if shown and with_unit else label(name)


def plain_axes(ax: Axes) -> None:
    """No offset or scientific multiplier on either axis: values are scaled by ``scale_for``
    before they are drawn, so the tick labels carry the whole number."""
    for axis in (ax.xaxis, ax.yaxis):
        formatter = axis.get_major_formatter()
        if hasattr(formatter, "set_useOffset"):
            formatter.set_useOffset(False)
            formatter.set_scientific(False)


def clip_at_zero(values: np.ndarray) -> tuple[np.ndarray, bool]:
    """Values of a quantity that cannot be negative (an index, a share, a count), with
    estimates and interval ends below zero set to zero, and whether any were."""
    values = np.asarray(values, dtype=float)
    clipped = bool(np.any(values < 0))
    return np.clip(values, 0.0, None), clipped


def drop_unused(fig: Figure, axes: Sequence[Axes], used: int) -> list[Axes]:
    """Remove the panels of a grid beyond the first ``used`` (no empty panels)."""
    for ax in axes[used:]:
        fig.delaxes(ax)
    return list(axes[:used])


def grid(count: int, width: float, height: float, cols: int = 3,
         **kwargs: object) -> tuple[Figure, list[Axes]]:
    """``count`` panels in rows of at most ``cols``, the spare cells removed."""
    cols = max(1, min(count, cols))
    rows = -(-count // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(width * cols, height * rows),
                             layout="constrained", squeeze=False, **kwargs)  # type: ignore[arg-type]
    return fig, drop_unused(fig, list(axes.flat), count)


def legend_below(ax: Axes, ncols: int = 3) -> None:
    """The panel's legend under its x axis label, never over the data: placed in points
    below the axis (tick labels and every line of the label), whatever the panel's size.
    Call it after the x label is set."""
    handles, names = ax.get_legend_handles_labels()
    if not handles:
        return
    size = float(plt.rcParams["font.size"])
    lines = max(1, ax.get_xlabel().count("\n") + 1) if ax.get_xlabel() else 0
    drop = 4 + 3.5 + 1.4 * size * (1 + lines)  # ticks, pad, tick labels and the label
    anchor = offset_copy(ax.transAxes, fig=ax.figure, y=-drop, units="points")
    ax.legend(handles, names, loc="upper center", bbox_to_anchor=(0.5, 0.0),
              bbox_transform=anchor, fontsize=7, frameon=False,
              ncols=min(ncols, len(handles)))


# --- labels that do not overlap ------------------------------------------------------------

#: where a label may go around its point, in points: beside it (right, then left), then in
#: rows stepping up and down by a line, so a bunch of points gets a column of labels with
#: leader lines; then above and below
_LINE = 9.0
_STEPS = (0, 1, -1, 2, -2, 3, -3, 4, -4, 5, -5, 6, -6, 7, -7, 8, -8, 9, -9, 10, -10)


def _candidates() -> list[tuple[float, float, str]]:
    spots = [(side * reach, step * _LINE, "left" if side > 0 else "right")
             for reach in (6.0, 30.0, 60.0) for step in _STEPS for side in (1, -1)]
    return spots + [(0.0, sign * _LINE * k, "center") for k in (1, 2, 3) for sign in (1, -1)]


def text_box(text: Text, renderer: object) -> Bbox:
    """Where a text's letters are, without an annotation's leader line."""
    if isinstance(text, Annotation):
        text.update_positions(renderer)  # type: ignore[arg-type]
    return Text.get_window_extent(text, renderer)  # type: ignore[arg-type]


def _boxes(texts: Iterable[Text], renderer: object) -> list[Bbox]:
    return [text_box(t, renderer) for t in texts if t.get_visible() and t.get_text().strip()]


def place_labels(ax: Axes, x: Sequence[float], y: Sequence[float], texts: Sequence[str],
                 fontsize: float = 7) -> list[int]:
    """Annotate points in the order given (most important first), each at the first spot
    around it where its text overlaps no text already on the figure and stays inside the
    panel. Returns the indices of the labels that found no spot (left off; the caller says
    where they are listed). Freezes the figure's layout first so positions stay put."""
    fig = ax.figure
    if fig.get_layout_engine() is not None:  # once per figure: the layout is then final
        fig.canvas.draw()
        fig.set_layout_engine("none")  # so the measured boxes stay where they are
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    inside = ax.get_window_extent(renderer)
    taken = _boxes(fig.findobj(Text), renderer)
    for xi, yi in zip(x, y, strict=True):  # the points themselves stay uncovered
        px, py = ax.transData.transform((xi, yi))
        taken.append(Bbox.from_extents(px - 3, py - 3, px + 3, py + 3))
    left_off = []
    for i, (xi, yi, text) in enumerate(zip(x, y, texts, strict=True)):
        for dx, dy, ha in _candidates():
            far = abs(dx) > 6.0 or abs(dy) > _LINE
            note = ax.annotate(text, (xi, yi), xytext=(dx, dy), textcoords="offset points",
                               ha=ha, va="center", fontsize=fontsize,
                               bbox={"boxstyle": "square,pad=0.05", "fc": "white",
                                     "ec": "none", "alpha": 0.75},
                               arrowprops={"arrowstyle": "-", "color": "0.4", "lw": 0.6}
                               if far else None)
            box = text_box(note, renderer)
            fits = (box.x0 >= inside.x0 and box.x1 <= inside.x1 and box.y0 >= inside.y0
                    and box.y1 <= inside.y1)
            if fits and not any(box.overlaps(other) for other in taken):
                taken.append(box)
                break
            note.remove()
        else:
            left_off.append(i)
    return left_off


# --- saving --------------------------------------------------------------------------------


def save(fig: Figure, path: Path, dpi: int = 110) -> None:
    """Write the figure as PNG atomically and free it, even if writing fails."""
    try:
        atomic_write(path, lambda tmp: fig.savefig(tmp, format="png", dpi=dpi))
    finally:
        plt.close(fig)


def log_axis(ax: Axes, which: str = "x") -> None:
    """A logarithmic axis for a factor drawn log-uniformly, its ticks at 1, 2 and 5 times the
    powers of ten written as plain numbers (no '10^k')."""
    axis = ax.xaxis if which == "x" else ax.yaxis
    (ax.set_xscale if which == "x" else ax.set_yscale)("log")
    axis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.10g}"))
    axis.set_minor_formatter(NullFormatter())
