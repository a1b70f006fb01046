"""One number formatter for what bondsim shows people: the report's tables and the tables
and lines the command line prints.

    from bondsim.numbers import number, READING, TERMINAL
    number(0.24013)                 # '0.240'   (READING: the report's tables)
    number(97857.2, whole=True)     # '97,857'  (rupees: whole numbers)
    number(0.0123, SIGNIFICANT)     # '0.0123'  (printed estimates and indices)

Why one module: each place used to carry its own copy of "decimals below 100, thousands
separators above", and the copies drifted. The places still write some numbers differently
(the report dashes a missing value, the terminal writes n/a; a printed effect table keeps four
decimals where the report keeps three). Those differences are kept, byte for byte, as the
named styles below, so that they are visible in one place and can be unified deliberately:

============  =======  ==========================================  ===========================
style         missing  below ``whole_from``                        used by
============  =======  ==========================================  ===========================
READING       —        3 decimals (3 significant digits < 0.001);  the report's tables
                       integers whole, yes/no, ∞, 0.000, no "-0"
SIGNIFICANT   n/a      3 significant digits; whole from 1,000      ``bondsim`` sweep, plan,
                                                                   calibrate, discover lines
EFFECT_TABLE  n/a      4 decimals; whole from 100                  ``bondsim effect``, compare
RUN_SUMMARY   n/a      3 decimals; whole from 100                  ``bondsim run``'s table
SURVEY_TABLE  (NaN)    4 decimals, no separators, never whole      ``bondsim survey``'s table
============  =======  ==========================================  ===========================

Rupee amounts in sentences are written whole with thousands separators (:func:`rupees`) and
shares in sentences as whole percentages (:func:`percent`); a parameter's value as the
scenario file would state it (:func:`setting`).
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass
from typing import Any

DASH = "—"
NOT_AVAILABLE = "n/a"


@dataclass(frozen=True)
class Style:
    """How one kind of table writes a number (see the module docstring for the styles)."""

    name: str
    missing: str | None  # the text of a missing value (NaN, None); None: Python's own "nan"
    decimals: int | None  # fixed decimals below ``whole_from``; None: ``significant`` digits
    whole_from: float  # at or above this size, whole numbers with thousands separators
    significant: int = 3
    separators: bool = True  # thousands separators in fixed decimals
    tiny_below: float = 0.0  # non-zero numbers smaller than this: 3 significant digits
    typed: bool = False  # integers whole, booleans yes/no, ∞, exact zero, no negative zero


READING = Style("reading", DASH, 3, 100, tiny_below=0.001, typed=True)
SIGNIFICANT = Style("significant", NOT_AVAILABLE, None, 1000)
EFFECT_TABLE = Style("effect table", NOT_AVAILABLE, 4, 100)
RUN_SUMMARY = Style("run summary", NOT_AVAILABLE, 3, 100)
SURVEY_TABLE = Style("survey table", None, 4, math.inf, separators=False)
STYLES = {s.name: s for s in (READING, SIGNIFICANT, EFFECT_TABLE, RUN_SUMMARY, SURVEY_TABLE)}


def number(value: Any, style: Style = READING, *, whole: bool = False) -> str:
    """``value`` as text in ``style``; ``whole``: a whole number whatever its size (rupees,
    or a mean written alike with its interval)."""
    if value is None and style.missing is not None:
        return style.missing
    if style.typed:
        if isinstance(value, bool) or _is_numpy(value, "bool_"):
            return "yes" if value else "no"
        if isinstance(value, int) or _is_numpy(value, "integer"):
            return f"{int(value):,}"
    x = float(value)
    if math.isnan(x) and style.missing is not None:
        return style.missing
    if style.typed:
        if math.isinf(x):
            return "∞" if x > 0 else "−∞"
        if abs(x) < 1e-12:
            return "0" if whole else "0." + "0" * (style.decimals or 0)
    if whole or abs(x) >= style.whole_from:
        text = f"{x:,.0f}"
    elif abs(x) < style.tiny_below:
        text = f"{x:.3g}"
    elif style.decimals is None:
        text = f"{x:.{style.significant}g}"
    else:
        text = f"{x:{',' if style.separators else ''}.{style.decimals}f}"
    if style.typed and text.startswith("-") and not text.strip("-0.,"):
        return text[1:]  # a negative number too small to show: no minus sign
    return text


def _is_numpy(value: Any, kind: str) -> bool:
    """Is ``value`` a NumPy scalar of ``kind`` ("bool_", "integer")? Asked without importing
    NumPy, so that the command line starts light: a value can only be one if NumPy is loaded."""
    np = sys.modules.get("numpy")
    return np is not None and isinstance(value, getattr(np, kind))


def rupees(amount: float) -> str:
    """An amount of rupees in a sentence: whole, with thousands separators ('40,000,000')."""
    return f"{amount:,.0f}"


def percent(share: float) -> str:
    """A share in a sentence as a whole percentage ('85%')."""
    return f"{share:.0%}"


def setting(value: Any) -> str:
    """A parameter's value as a scenario file states it: whole numbers with thousands
    separators, others compactly (``%g``), lists comma-separated, booleans yes/no."""
    if isinstance(value, list | tuple):
        return ", ".join(setting(v) for v in value) if value else "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return f"{int(value):,}"
        return f"{value:g}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


# --- numbers with a unit, for readers (the report's findings and its tables) ---------------
# Why these: a share read as "0.240" or a count averaged over runs read as "67.667 households"
# asks the reader to convert; a policy audience reads percentages, percentage points and whole
# (or nearly whole) counts. Each takes the number as the model stores it.

MINUS = "−"  # a true minus sign: in prose a hyphen reads as a dash


def _signed(text: str) -> str:
    """A leading hyphen as a minus sign; no sign on a number that rounds to zero."""
    if text.startswith("-"):
        return text[1:] if not text.strip("-0.,%") else MINUS + text[1:]
    return text


def _missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return math.isnan(float(value))
    except (TypeError, ValueError):
        return True


def percentage(share: Any, decimals: int = 1) -> str:
    """A share (0 to 1) as a percentage with ``decimals`` decimals: 0.24013 -> '24.0%'."""
    if _missing(share):
        return DASH
    return _signed(f"{float(share) * 100:,.{decimals}f}%")


def points(difference: Any, decimals: int = 1) -> str:
    """A difference of two shares in percentage points, without the unit: -0.0412 -> '−4.1'."""
    if _missing(difference):
        return DASH
    return _signed(f"{float(difference) * 100:,.{decimals}f}")


def counted(value: Any) -> str:
    """A count of people or events (possibly averaged over runs): whole with thousands
    separators from 100 on (and integers), else one decimal: 67.667 -> '67.7', 1234.5 -> '1,234'."""
    if _missing(value):
        return DASH
    x = float(value)
    if abs(x) >= 100 or isinstance(value, int) or _is_numpy(value, "integer"):
        return _signed(f"{x:,.0f}")
    return _signed(f"{x:,.1f}")


def significant(value: Any, digits: int = 3) -> str:
    """Sensible significant figures with thousands separators, never an exponent: 0.0123 ->
    '0.0123', 12.345 -> '12.3', 1234.5 -> '1,234' (whole numbers are never cut)."""
    if _missing(value):
        return DASH
    x = float(value)
    if math.isinf(x):
        return "∞" if x > 0 else MINUS + "∞"
    if x == 0:
        return "0"
    magnitude = math.floor(math.log10(abs(x)))
    if magnitude >= digits - 1:
        return _signed(f"{x:,.0f}")
    decimals = digits - 1 - magnitude
    return _signed(f"{x:,.{decimals}f}")


def money(amount: Any) -> str:
    """Rupees in a sentence: 'Rs 1,852,209' (whole, thousands separated), a dash if missing."""
    if _missing(amount):
        return DASH
    return _signed(f"Rs {float(amount):,.0f}".replace("Rs -", "-Rs "))
