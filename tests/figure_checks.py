"""What a reader needs from every analysis picture, measured on the drawn Figure
(``test_analysis_plots.py``): words instead of column names, every word inside the picture,
units on numeric axes, whole numbers on the ticks (no offset), no text over other text,
legends outside the panels, no empty panel, no colour used twice in one legend, and nothing
below zero that cannot be."""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import Collection
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.text import Text

from bondsim.outputs.plot_kit import text_box

_NUMBER = re.compile(r"^[−\-+]?[\d,.]+%?$")
_UNIT = re.compile(r"\([^)]+\)")


def visible_texts(fig: Figure) -> list[Text]:
    """Every text a reader sees: titles, labels, tick labels within the view, legend
    entries, annotations (matplotlib keeps the labels of ticks outside the view as visible
    objects that it does not draw)."""
    ticks: set[int] = set()
    drawn: list[Text] = []
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            low, high = sorted(axis.get_view_interval())
            for group, locs in ((axis.get_major_ticks(), axis.get_majorticklocs()),
                                (axis.get_minor_ticks(), axis.get_minorticklocs())):
                for tick, loc in zip(group, locs, strict=False):
                    for text in (tick.label1, tick.label2):
                        ticks.add(id(text))
                        if low - 1e-12 <= loc <= high + 1e-12 and text.get_visible():
                            drawn.append(text)
    seen: dict[int, Text] = {}
    for text in [*fig.findobj(Text), *drawn]:
        if ((id(text) not in ticks or text in drawn) and text.get_visible()
                and text.get_text().strip() and _shown(text)):
            seen[id(text)] = text
    return list(seen.values())


def _shown(text: Text) -> bool:
    """Not inside a hidden parent (an invisible axis or tick)."""
    parent = getattr(text, "axes", None)
    return parent is None or parent.get_visible()


def _overlapping(fig: Figure, texts: list[Text]) -> list[tuple[str, str]]:
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    boxes = [(t.get_text(), text_box(t, renderer).expanded(0.98, 0.9))
             for t in texts]  # the letters, not an annotation's leader line
    return [(a, b) for i, (a, box_a) in enumerate(boxes) for b, box_b in boxes[i + 1:]
            if box_a.width > 0 and box_b.width > 0 and box_a.overlaps(box_b)]


def _numeric_ticks(labels: Iterable[Text]) -> bool:
    shown = [t.get_text() for t in labels if t.get_text()]
    return bool(shown) and all(_NUMBER.match(s.replace(" ", "")) for s in shown)


def _legend_colours(legend: Legend) -> list[str]:
    """The colour a reader sees of each legend entry: a line's colour, a marker's fill (its
    edge when hollow), a patch's fill (its edge when an outline)."""
    colours = []
    for handle in legend.legend_handles:
        if isinstance(handle, Line2D):
            if handle.get_linestyle() in ("None", "none", ""):
                face = handle.get_markerfacecolor()
                colour = handle.get_markeredgecolor() if face in ("none", "None") else face
            else:
                colour = handle.get_color()
        elif isinstance(handle, Patch):
            colour = (handle.get_edgecolor() if not handle.get_fill()
                      else handle.get_facecolor())
        elif isinstance(handle, Collection) and len(handle.get_facecolor()):
            colour = handle.get_facecolor()[0]
        else:
            continue
        colours.append(to_hex(colour, keep_alpha=True))
    return colours


def check_figure(fig: Figure, nonnegative: Iterable[Axes] = ()) -> None:
    """Draw ``fig`` and assert what every analysis figure must satisfy; ``nonnegative``: the
    panels whose y axis shows a quantity that cannot be negative."""
    fig.canvas.draw()
    texts = visible_texts(fig)
    underscored = [t.get_text() for t in texts if "_" in t.get_text()]
    assert not underscored, f"column names shown: {underscored}"
    clashes = _overlapping(fig, texts)
    assert not clashes, f"texts overlap: {clashes[:5]}"
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    page = fig.bbox.padded(1.0)
    cut = [t.get_text() for t in texts if not page.contains(*text_box(t, renderer).p0)
           or not page.contains(*text_box(t, renderer).p1)]
    assert not cut, f"texts cut off at the figure's edge: {cut}"
    panels = [ax for ax in fig.axes if ax.get_visible() and ax.get_label() != "<colorbar>"]
    for ax in panels:
        assert ax.has_data(), f"an empty panel: {ax.get_title()!r}"
        for axis, name in ((ax.xaxis, ax.get_xlabel()), (ax.yaxis, ax.get_ylabel())):
            assert axis.get_offset_text().get_text() == "", \
                f"offset {axis.get_offset_text().get_text()!r} on {name!r}"
            if _numeric_ticks(axis.get_ticklabels()):
                assert _UNIT.search(name), f"a numeric axis without a unit: {name!r}"
    legends = [a.get_legend() for a in fig.axes if a.get_legend()] + list(fig.legends)
    for legend in legends:
        box = legend.get_window_extent(renderer)
        over = [ax.get_title() for ax in panels if box.overlaps(ax.get_window_extent(renderer))]
        assert not over, f"a legend over the panel(s) {over}"
        colours = _legend_colours(legend)
        assert len(colours) == len(set(colours)), f"a colour used twice in a legend: {colours}"
    for ax in nonnegative:
        assert ax.get_ylim()[0] >= 0, f"{ax.get_title()!r}: y axis below zero"
        lowest = [float(np.nanmin(line.get_ydata())) for line in ax.get_lines()
                  if len(line.get_ydata())]
        lowest += [float(c.get_paths()[0].vertices[:, 1].min()) for c in ax.collections
                   if c.get_paths() and len(c.get_paths()[0].vertices)]
        assert min(lowest, default=0.0) >= 0, f"{ax.get_title()!r}: data below zero"
