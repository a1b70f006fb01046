"""The findings block at the top of every report: what was compared, the largest effects with
their 95 % intervals in plain words, the cost-effectiveness order where costs exist, and the
caveats that apply to this run.

    Findings(compared="...", effects=[effect_sentence(...)], order="...", caveats=[...])

Why: a policy reader opens a report to learn what the runs say and how far to trust it; the
tables below hold the evidence, but the sentences must come first and be generated from the
same files, so that they cannot drift from the numbers. Each job's ``*_report`` module writes
its own findings (it knows its files) from the sentence builders here.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..numbers import money
from .labels import is_share, label
from .report_html import bullets, paragraph, subheading
from .shown import bare, finite, measure, spoken, unit_of

_e = html.escape

#: replicates below this: the intervals rest on few runs (a caveat says so)
FEW_REPLICATES = 5
#: the sections a caveat may point to (their anchors in the page)
DEFINITIONS_ANCHOR = "definitions"


@dataclass
class Findings:
    """The block's parts, HTML with their values escaped: ``compared`` a sentence; ``effects``
    sentences, largest first; ``order`` the cost-effectiveness order (empty when no costs);
    ``caveats`` sentences."""

    compared: str
    effects: list[str] = field(default_factory=list)
    order: str = ""
    caveats: list[str] = field(default_factory=list)
    effects_title: str = "Largest effects"

    def html(self) -> str:
        out = paragraph(self.compared)
        if self.effects:
            out += subheading(self.effects_title) + bullets_html(self.effects)
        if self.order:
            out += subheading("Cost-effectiveness") + paragraph(self.order)
        if self.caveats:
            out += subheading("Caveats for this run") + bullets_html(self.caveats)
        return out


def bullets_html(items: Sequence[str]) -> str:
    """A bulleted list of HTML sentences (already escaped)."""
    from markupsafe import Markup

    return bullets([Markup(i) for i in items])


# --- numbers ------------------------------------------------------------------------------

def interval(low: Any, high: Any, unit_text: str, difference: bool = False) -> str:
    """'(95 % interval a to b)', or why there is none."""
    if not finite(low, high):
        return "(no interval: it needs two replicates or more)"
    a, b = bare(low, unit_text), bare(high, unit_text)
    return f"(95 % interval {a} to {b})"


def spans_zero(low: Any, high: Any) -> bool:
    """Does an interval include zero (so the runs cannot tell the effect from none)?"""
    return finite(low, high) and float(low) <= 0 <= float(high) and float(low) < float(high)


def share_phrase(name: str) -> str:
    """A share outcome as a noun phrase: 'the share of households bonded (legal
    definition)', 'the share of children working'."""
    plain = measure(name)[0]
    words = label(plain).split(", last", 1)[0].split(", month", 1)[0]
    whom = unit_of(name).removeprefix("share of ")
    if words.split(" ", 1)[0] in whom.split():
        return f"the share of {words}"
    return f"the share of {whom} {words}"


# --- sentences ----------------------------------------------------------------------------

def over(window: Any) -> str:
    """A window (``outcomes.Window``) in a few words for a sentence: 'over the last 12
    months', 'in month 36'."""
    if window.month is not None:
        return f"in month {window.month}"
    return "in the last month" if window.months == 1 else f"over the last {window.months} months"


def effect_sentence(subject: str, name: str, mean: Any, low: Any, high: Any,
                    against: str, window: str = "") -> str:
    """One effect in plain words. A change in a share: 'X cut the share of households bonded
    (legal definition) by 4.1 percentage points (95 % interval 2.0 to 6.2) against the
    baseline, mean over the last 12 months'; any other measure: 'X, against the baseline:
    bonded household-years averted, 21.3 household-years (95 % interval ...)'. An interval
    that includes zero is said to."""
    plain, difference = measure(name)
    unit_text = unit_of(name)
    who = f"<strong>{_e(subject)}</strong>"
    when = f", {_e(window)}" if window else ""
    if difference and is_share(unit_text):
        cut = finite(mean) and float(mean) < 0
        sign = -1.0 if cut else 1.0
        lo, hi = (sign * float(high), sign * float(low)) if cut and finite(low, high) \
            else (low, high)
        verb = "cut" if cut else "raised"
        text = (f"{who} {verb} {_e(share_phrase(name))} by "
                f"{spoken(sign * float(mean), unit_text, True)} "
                f"{interval(lo, hi, unit_text, True)} against {_e(against)}{when}")
    else:
        words = label(plain) if not difference else f"change in {label(plain)}"
        text = (f"{who}, against {_e(against)}: {_e(words)}, "
                f"{_e(spoken(mean, unit_text, difference))} "
                f"{interval(low, high, unit_text, difference)}{when}")
    if spans_zero(low, high):
        text += "; the interval includes zero, so the runs cannot tell this from no effect"
    return text + "."


def level_sentence(name: str, start: Any, end: Any, window: str) -> str:
    """A run's outcome at the start and at the end: 'The share of households bonded (legal
    definition) went from 82.0% in month 0 to 80.1%, mean over the last 12 months.'"""
    unit_text = unit_of(name)
    what = share_phrase(name) if is_share(unit_text) else label(name)
    return (f"{_e(what[0].upper() + what[1:])}: {_e(spoken(start, unit_text))} in month 0, "
            f"{_e(spoken(end, unit_text))} {_e(window)}.")


def cost_order(costs: Sequence[tuple[str, Any, Any, Any]], per: str) -> str:
    """The cost-effectiveness order: ``costs`` are (who, cost per unit, low, high); the
    cheapest defined cost first; those with none (nothing averted) named after."""
    defined = sorted(((w, c, lo, hi) for w, c, lo, hi in costs if finite(c) and float(c) > 0),
                     key=lambda r: float(r[1]))
    undefined = [w for w, c, _, _ in costs if not (finite(c) and float(c) > 0)]
    if not defined and not undefined:
        return ""
    unit_text = "Rs"

    def ratio_interval(lo: Any, hi: Any) -> str:
        # a cost per unit averted has no meaning where a run averted nothing or less than
        # nothing: a negative end (a folder summarised before costs were ratios of means) would
        # read as a saving, and an open upper end is unbounded, so say why there is no interval
        if finite(lo) and (float(lo) <= 0 or not finite(hi)):
            return ("(no interval: some runs averted nothing, so the cost per unit may be "
                    "unbounded)")
        return interval(lo, hi, unit_text)

    parts = [f"<strong>{_e(w)}</strong> {_e(money(c))} {ratio_interval(lo, hi)}"
             for w, c, lo, hi in defined]
    if len(defined) > 1:
        text = f"Cheapest per {_e(per)} first: " + "; then ".join(parts) + "."
    elif defined:
        text = f"Cost per {_e(per)}: " + parts[0] + "."
    else:
        text = ""
    if undefined:
        text += (f" No cost per {_e(per)} for {_e(', '.join(undefined))}: nothing was averted "
                 f"(or nothing spent) on average.")
    return text.strip()


# --- caveats ------------------------------------------------------------------------------

def few_replicates(replicates: Any) -> str | None:
    """A caveat when the intervals rest on fewer than ``FEW_REPLICATES`` replicates."""
    try:
        n = int(replicates)
    except (TypeError, ValueError):
        return None
    if n >= FEW_REPLICATES:
        return None
    return (f"Only {n} replicate{'s' if n != 1 else ''}: the 95 % intervals rest on few runs "
            f"and are wide (or missing); rerun with more replicates before relying on a "
            f"difference.")


def zero_spanning(names: Sequence[str]) -> str | None:
    """A caveat naming the effects whose interval includes zero."""
    if not names:
        return None
    shown = list(dict.fromkeys(names))
    return (f"{len(shown)} of the effects above ha{'s' if len(shown) == 1 else 've'} an interval "
            f"that includes zero ({_e('; '.join(shown[:6]))}"
            f"{'; ...' if len(shown) > 6 else ''}): not distinguishable from no effect with "
            f"these runs.")


def definitions_caveat(anchored: bool) -> str:
    """The bonded share depends on the bondage definition; point to where the three are
    compared (this page's section when it has one, else the model description)."""
    where = (f'the section <a href="#{DEFINITIONS_ANCHOR}">Three definitions of bondage</a>'
             if anchored else "rule 7 of <code>docs/ODD.md</code>")
    return ("The bonded share depends on the definition of bondage: the legal one (the "
            "headline: a debt to an owner who holds the family), the ILO indicators (an "
            "unrepayable debt and an owner who holds) or any debt to an owner give different "
            f"levels and effects; see {where}.")
