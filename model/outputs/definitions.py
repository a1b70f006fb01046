"""The report's section comparing the three definitions of bondage (rule 7 of
``docs/ODD.md``): the legal one (the headline), the ILO indicators and any debt to an owner,
side by side, so that a reader sees how much a level or an effect depends on the definition.
The findings' caveat about the bonded share links here (``findings.DEFINITIONS_ANCHOR``).
"""

from __future__ import annotations

import pandas as pd

from .findings import DEFINITIONS_ANCHOR
from .report_html import section
from .report_tables import html_table

#: (outcome, effect metric, definition, what it counts)
DEFINITIONS = (
    ("bonded_share", "bonded_household_years_averted", "legal (the headline)",
     "owes a kiln owner who holds the family (BLSA 1992)"),
    ("bonded_share_ilo", "ilo_bonded_household_years_averted", "ILO indicators",
     "a debt beyond repayment capacity and an owner who holds the family"),
    ("indebted_to_owner_share", "indebted_household_years_averted", "any debt to an owner",
     "owes its kiln owner anything"),
)
TITLE = "Three definitions of bondage"
INTRO = ("The same runs counted under each definition of bondage (rule 7 of the model "
         "description): the legal definition is the headline throughout this report; the "
         "others show how much a level or an effect depends on that choice.")


def outcomes() -> tuple[str, ...]:
    return tuple(d[0] for d in DEFINITIONS)


def metrics() -> tuple[str, ...]:
    return tuple(d[1] for d in DEFINITIONS)


def definitions_section(values: dict[str, dict[str, str]], by: str = "outcome",
                        first: str = "") -> str:
    """The section: one row per entry of ``values`` (a row's name -> {outcome or metric name
    -> display text}; ``by`` says which names key them), one column per definition, so that
    the table keeps three columns however many scenarios it has."""
    key = 0 if by == "outcome" else 1
    rows = [{first or " ": name, **{_head(d): cells.get(d[key], "—") for d in DEFINITIONS}}
            for name, cells in values.items()]
    table = html_table(pd.DataFrame(rows), {_head(d) for d in DEFINITIONS}, max_rows=None,
                       stacked=True, named_headers=False)
    return section(TITLE, INTRO, table, key=DEFINITIONS_ANCHOR)


def _head(definition: tuple[str, str, str, str]) -> str:
    return f"{definition[2]}: {definition[3]}"
