"""How the report shows a value of a named outcome or metric: its header, its cell and the
words of a sentence, in the unit a reader uses.

    header("bonded_share_last_year")          # 'bonded (legal definition), last 12 months
                                              #  (% of households)'
    header("bonded_share_change_last_year")   # '... (percentage points)'
    cell(0.8221, "share of households")       # '82.2'
    spoken(-0.041, "share of households", difference=True)   # '−4.1 percentage points'

Why: the report's tables used to print column names and raw model numbers ("0.822",
"67.667"). The names and units come from ``labels`` (one table for every plot, table and the
page); the number style from ``bondsim.numbers``; this module only joins the two for a page:
shares as percentages with one decimal, their differences in percentage points, counts whole
or with one decimal, rupees whole with thousands separators, anything else to three
significant figures.
"""

from __future__ import annotations

import math
import re
from typing import Any

from ..experiments.paired import BY_STEM
from ..numbers import DASH, counted, money, points, significant
from ..simulation.outcome_labels import OUTCOME_LABELS
from ..simulation.outcomes import outcome_stem
from .labels import is_rupees, is_share, label, scale_for, unit

#: the nouns of units that count people, families or events (shown whole or to one decimal)
COUNT_NOUNS = frozenset({"households", "children", "household-years", "child-years",
                         "household-months", "cases", "inspections", "workers", "families",
                         "runs", "kilns"})
_CHANGE = re.compile(r"_change(?=_|$)")


def measure(name: str) -> tuple[str, bool]:
    """A column or measure name without a '_change' (the name of what changed) and whether it
    is a difference: ``bonded_share_change_last_year`` -> (``bonded_share_last_year``, True)."""
    plain = _CHANGE.sub("", str(name), count=1)
    return plain, plain != str(name)


def known(name: str) -> bool:
    """Has this name (an outcome, window-named outcome, change or metric) a label?"""
    stem = outcome_stem(measure(name)[0])
    return stem in OUTCOME_LABELS or stem in BY_STEM


def unit_of(name: str) -> str:
    return unit(measure(name)[0])


def is_count(unit_text: str) -> bool:
    return unit_text.split("/", 1)[0].split(" ", 1)[0] in COUNT_NOUNS


#: columns of statistics that are no outcome or metric, as a reader names them
GENERIC = {"p05": "5th percentile", "p50": "median", "p95": "95th percentile",
           "mu_star": "μ* (mean absolute elementary effect)",
           "mu_star_conf": "μ*, half-width of its 95% interval",
           "sigma": "σ (spread of the elementary effects)"}


def header(name: Any) -> str:
    """A column's name as a reader reads it: the label and unit of a known outcome or metric
    (a change: in percentage points), a statistic by its name (``GENERIC``), else the name
    with spaces for underscores."""
    text = str(name)
    if text in GENERIC:
        return GENERIC[text]
    if not known(text):
        return text.replace("_", " ")
    plain, difference = measure(text)
    words = label(plain)
    if difference:
        words = changed(words)
    said = scale_for(unit(plain), difference=difference).unit
    return f"{words} ({said})" if said else words


def changed(words: str) -> str:
    """'change in bonded (...)'; a label that starts with 'in' reads 'change: in debt ...'."""
    return f"change: {words}" if words.startswith("in ") else f"change in {words}"


def cell(value: Any, unit_text: str, difference: bool = False) -> str:
    """A number in a table whose header (or unit column) names the unit."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return DASH
    if is_share(unit_text):
        return points(value)  # a level in %, a difference in percentage points: x 100
    if is_rupees(unit_text):
        return money(value).replace("Rs ", "")
    if is_count(unit_text):
        return counted(value)
    return significant(value)


def finite(*values: Any) -> bool:
    """Are all ``values`` finite numbers (not None, NaN, infinite or text)?"""
    try:
        return all(v is not None and math.isfinite(float(v)) for v in values)
    except (TypeError, ValueError):
        return False


def bare(value: Any, unit_text: str) -> str:
    """A number without its unit, in the style of its unit (an interval's ends)."""
    if not finite(value):
        return DASH
    if is_share(unit_text):
        return points(value)
    if is_rupees(unit_text):
        return money(value)
    return counted(value) if is_count(unit_text) else significant(value)


def spoken(value: Any, unit_text: str, difference: bool = False) -> str:
    """A number with its unit, for a sentence: '82.2%', '4.1 percentage points',
    'Rs 1,852,209', 'Rs 4,773 per household-year', '21.3 household-years', '0.824 months
    of pay'; a missing value a dash."""
    text = bare(value, unit_text)
    if text == DASH:
        return text
    if is_share(unit_text):
        return f"{text} percentage points" if difference else f"{text}%"
    if is_rupees(unit_text):
        return text + unit_text[2:]  # 'Rs 1,234' + ' per household-year'
    return f"{text} {unit_text}".strip()
