"""Where interventions act in the month, and the columns they add to the state.

The core knows no intervention by name. It offers named *points* of the month; an
intervention acts at a point by defining a method ``on_<point>``, and the model calls those
methods in the order the scenario lists the interventions (``BondsimModel.at``). The core's
points, besides stage 0 (every intervention's ``step``, before the rules), are:

- ``kiln_terms`` (rule 1, and at month 0): ``on_kiln_terms(model, terms) -> None`` may change
  the owners' terms as households see them, one value per kiln, by replacing entries of the
  dict ``kiln_terms.owner_terms`` gives (never in place: some are the owners' own columns).
  A legal cap lowers ``debt_ceiling`` (rule 4), a code of conduct ``book_inflation`` (rule 5).
  The terms are computed each month after stage 0; households' copies follow (``KilnTerms``).
- ``shock_costs`` (rule 3): ``on_shock_costs(model, shocks) -> None`` may change this month's
  shock costs in place (``shocks.cost``, one per household hit, of kind ``shocks.kind``).
- ``shortfall_credit`` (rule 4): ``on_shortfall_credit(model) -> CreditOffer | None`` may offer
  each family credit after savings and social-protection cash and before the owner's advance;
  the offer's ``drawn`` is then told what each family drew. Offers are drawn in list order.
- ``book_inflation`` (rule 5): ``on_book_inflation(model, share) -> share`` may change the
  share over-recorded on this month's advances, per household (starting from its owner's).

An intervention may offer points of its own the same way (``inspections`` offers
``complaint_rate``, ``complaint_multiplier``, ``detection``, ``follow_through`` and
``retaliation``). A point no
intervention uses costs a loop over the run's interventions: nothing in a run without any.

An intervention declares the columns it adds to the households (``hh``) or the owners
(``ow``) in ``columns``; the model creates them, filled with the column's ``fill``, only when
an intervention declaring them is in the run. Several interventions may declare the same
column alike, and then share it. Code that reads such a column outside the intervention must
allow for its absence (``column_total``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np


@dataclass(frozen=True)
class Column:
    """A column an intervention adds to the households (``hh``) or the owners (``ow``)."""

    table: Literal["hh", "ow"]
    dtype: Any = np.float64
    fill: float | int | bool = 0.0
    doc: str = ""
    #: a household column of rupees the family owes a public scheme: debt, which rule 7 and
    #: the indebted share count and the scheme's ledger balances (``model.scheme_lend``)
    debt: bool = False


@dataclass(frozen=True)
class CreditOffer:
    """Credit offered at ``shortfall_credit``: what each family may draw this month, and
    whom to tell what each family drew (rupees per household)."""

    room: np.ndarray
    drawn: Callable[[np.ndarray], None]


def add_columns(tables: Mapping[str, Any], interventions: Iterable[Any]
                ) -> dict[str, dict[str, Column]]:
    """Add the columns ``interventions`` declare to ``tables`` (``{"hh": ..., "ow": ...}``,
    each with ``n`` or ``k`` rows); return them by table. Two different declarations of one
    column, or a column the core already has, are an error."""
    added: dict[str, dict[str, Column]] = {"hh": {}, "ow": {}}
    for intervention in interventions:
        for name, column in getattr(intervention, "columns", {}).items():
            known = added[column.table].get(name)
            if known == column:
                continue
            table = tables[column.table]
            if known is not None or hasattr(table, name):
                owner = "another intervention declares otherwise" if known else "the core has"
                raise ValueError(f"{type(intervention).__name__} declares column {name!r} of "
                                 f"{column.table!r}, which {owner}")
            rows = table.debt.shape[0] if column.table == "hh" else table.capacity.shape[0]
            setattr(table, name, np.full(rows, column.fill, dtype=column.dtype))
            added[column.table][name] = column
    return added


def column_total(table: Any, name: str) -> float:
    """The sum of a column that an intervention may have added: 0 when it is absent."""
    values = getattr(table, name, None)
    return 0.0 if values is None else float(values.sum())
