"""How a number is named and scaled where people read it: one place for every plot, table and
the interactive page.

    from bondsim.outputs.labels import label, unit, scale_for
    label("bonded_share")                      # 'bonded (legal definition)'
    label("bonded_share_last_year")            # 'bonded (legal definition), last 12 months'
    scale_for("share of households")           # Scale(100.0, '% of households')
    scale_for("share of households", difference=True)   # Scale(100.0, 'percentage points')
    scale_for("Rs/month", [3.2e8])             # Scale(1e-06, 'Rs million/month')

Why: plots used to write column names with the underscores swapped for spaces ("moves
transfer", "held by owner share") and matplotlib's "1e8" offsets; each picture chose its own
words. Labels and units now come from the outcome table (``outcome_labels.py``), the effect
metrics (``paired.METRIC_LIST``), the parameters (``PARAM_INFO``) and the intervention fields
a sweep varies (levers, ``<label>.<field>``, ``lever_labels.py``); this module only decides
how to show them: shares as percentages (their differences in percentage points), large rupee
amounts in thousands or millions, never an offset.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from ..experiments.lever_labels import lever_label
from ..experiments.paired import METRIC_LIST
from ..prices import BASE_YEAR, is_money, shown_unit
from ..simulation.outcome_labels import OUTCOME_LABELS
from ..simulation.outcomes import outcome_stem, window_suffix
from ..simulation.parameters import PARAM_INFO

_METRICS = {m.stem: m for m in METRIC_LIST}


def _window_words(name: str) -> str:
    """The window a column name carries, in words (``_last_year`` -> 'last 12 months',
    ``_last_2_years`` -> 'last 2 years', ``_month_96`` -> 'month 96')."""
    suffix = window_suffix(name)
    return "last 12 months" if suffix == "last_year" else suffix.replace("_", " ")


def label(name: str) -> str:
    """A reader's name for an outcome, a window-named outcome, an effect metric, a parameter
    or a lever (``inspections.inspections_per_kiln_year``: 'inspections: kiln visits per
    kiln a year'). Anything else keeps its name with spaces for underscores, so nothing fails for
    want of a label (tests check that every outcome, metric, parameter and field has one)."""
    if "." in name:
        owner, _, field = name.partition(".")
        found = lever_label(name)
        return f"{owner.replace('_', ' ')}: {found[0] if found else field.replace('_', ' ')}"
    stem = outcome_stem(name)
    words = _window_words(name)
    if stem in OUTCOME_LABELS:
        text = OUTCOME_LABELS[stem][0]
    elif stem in _METRICS:
        text = _METRICS[stem].label
    elif name in PARAM_INFO:
        text = PARAM_INFO[name].label
    else:
        text = stem.replace("_", " ")
    return f"{text}, {words}" if words else text


def unit(name: str) -> str:
    """The unit of an outcome, effect metric, parameter or lever ('' when none is known);
    rupees of a parameter or lever with their price year, as ``docs/parameters.md`` shows
    them."""
    if "." in name:
        found = lever_label(name)
        return shown_unit(found[1]) if found else ""
    stem = outcome_stem(name)
    if stem in OUTCOME_LABELS:
        return OUTCOME_LABELS[stem][1]
    if stem in _METRICS:
        return _METRICS[stem].unit
    if stem in PARAM_INFO:
        return shown_unit(PARAM_INFO[stem].unit)
    return ""


def is_share(unit_text: str) -> bool:
    """A proportion between 0 and 1: shown as a percentage."""
    return unit_text.startswith("share of")


def is_rupees(unit_text: str) -> bool:
    """Rupees at the model's constant prices (``Rs``, ``Rs/month``, ``Rs per ...``)."""
    return is_money(unit_text)


@dataclass(frozen=True)
class Scale:
    """Multiply data by ``factor`` and name the axis ``unit``."""

    factor: float
    unit: str


def scale_for(unit_text: str, values: Iterable[float] | np.ndarray | None = None,
              difference: bool = False) -> Scale:
    """How to show numbers in ``unit_text``: shares as % of whom (differences as percentage
    points); rupees in thousands or millions when the largest magnitude in ``values`` calls
    for it (so no axis needs an offset); anything else as it is."""
    if is_share(unit_text):
        of_whom = unit_text.removeprefix("share of ")
        return Scale(100.0, "percentage points" if difference else f"% of {of_whom}")
    if is_rupees(unit_text):
        data = np.fromiter(values if values is not None else (), dtype=float) \
            if not isinstance(values, np.ndarray) else values.astype(float).ravel()
        data = data[np.isfinite(data)]
        top = float(np.abs(data).max()) if data.size else 0.0
        rest = unit_text[2:]  # '', '/month' or ' per household-year'
        if top >= 1e6:
            return Scale(1e-6, f"Rs million{rest}")
        if top >= 1e4:
            return Scale(1e-3, f"Rs thousand{rest}")
    return Scale(1.0, unit_text)


#: the note a figure with rupee axes carries once, instead of a price year on every axis
PRICES_NOTE = f"rupees at {BASE_YEAR} prices"


def axis_label(name: str, values: Iterable[float] | np.ndarray | None = None,
               difference: bool = False) -> str:
    """'label (unit)' for an axis or a table header, scaled as :func:`scale_for` would."""
    shown = scale_for(unit(name), values, difference).unit
    return f"{label(name)} ({shown})" if shown else label(name)
