"""Each household's copy of its kiln's terms, refreshed only when something changed.

Several rules need, per household, a term set by its kiln's owner: the piece rate paid, the
share deducted, the lending limit, the book inflation, whether children may work, whether the
owner lets indebted families go. Gathering six owner columns onto 100,000 households every
month costs more than some rules, while the terms change only when an owner changes its
practice (after an inspection, say) or a family moves. ``KilnTerms`` keeps the gathered
columns and a copy of the owner columns they came from; each month it re-gathers everything
if any owner column differs from its copy, or else only the rows of families that moved
(rule 8 and ``BondsimModel.move_households`` report them through ``moved``).

The terms are the owners' own (``owner_terms``) as interventions at the point ``kiln_terms``
change them (``BondsimModel.owner_terms``, ``points.py``): a legal cap on what a family may owe
lowers ``debt_ceiling``, say, and a code of conduct lowers ``book_inflation``.
"""

from __future__ import annotations

import numpy as np

from .earnings import piece_rate_paid
from .parameters import Params
from .state import OwnerState


def owner_terms(ow: OwnerState, params: Params) -> dict[str, np.ndarray]:
    """The owner-level terms that households see (one value per kiln), as the owners set them.
    Some values are the owners' own columns: change a term by replacing it, never in place."""
    rate = piece_rate_paid(ow.notified_rate, ow.paid_ratio)  # the district's notified rate
    return {
        "rate": rate,
        "deduction_share": ow.deduction_share,
        # the lending limit (months of pay) per brick of the adults' output: what rule 4 needs
        "limit_per_brick": ow.advance_limit_months * rate,
        # a working 10-14-year-old's pay in an open month (rule 6's test of room)
        "child_pay": (rate * params.bricks_per_child_10_14_day * params.working_days_per_month
                      * (1.0 - params.rain_loss_share)),
        "book_inflation": ow.book_inflation,
        # the most a family may owe before its owner lends no more, Rs (rule 4): owners set no
        # such ceiling themselves (their limit is in months of pay); a law may, and an owner
        # that lends past it off the books (rule 9) ignores it
        "debt_ceiling": np.where(ow.off_book, np.inf, ow.legal_debt_cap),
        "child_ban": ow.child_ban,
        "coercive": ow.coercive,
    }


class KilnTerms:
    """Per-household copies of the owner terms in ``owner_terms`` (attributes by name)."""

    def __init__(self) -> None:
        self._source: dict[str, np.ndarray] = {}
        self._moved: list[np.ndarray] = []
        self.columns: dict[str, np.ndarray] = {}

    def moved(self, households: np.ndarray) -> None:
        """Note households whose kiln changed since the last update."""
        self._moved.append(households)

    def update(self, kiln: np.ndarray, terms: dict[str, np.ndarray]) -> None:
        """Bring the per-household columns up to date with the owner-level ``terms`` (one
        value per kiln, as ``owner_terms`` gives them) and each household's ``kiln``."""
        changed = not self.columns or any(
            not np.array_equal(terms[name], self._source[name]) for name in terms)
        if changed:
            self.columns = {name: np.take(values, kiln) for name, values in terms.items()}
        elif self._moved:
            moved = np.concatenate(self._moved)
            dest = kiln[moved]
            for name, values in terms.items():
                self.columns[name][moved] = values[dest]
        self._moved = []
        self._source = {name: values.copy() for name, values in terms.items()}

    def by_kiln(self, name: str) -> np.ndarray:
        """Term ``name`` per kiln, as of the last update (a copy: do not change it)."""
        return self._source[name]

    def __getattr__(self, name: str) -> np.ndarray:
        try:
            return self.__dict__["columns"][name]
        except KeyError:
            raise AttributeError(name) from None
