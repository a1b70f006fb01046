"""Rule 5, the debt ledger: advances, markup and book inflation are added to the debt.

Owners over-record advances (domain.md 1.6: "if I borrow another 500 rupees they write down
1,000") and add a markup (no Pakistan-specific rate; 0-100%/yr). Which of the two a run has is
the parameter ``debt_structure`` (``markup``, ``inflation`` or ``both``): rival accounts of how
debts grow that a scenario selects and a sweep compares. The debt that matters is the debt in
the owner's books, because that is what the family must work off or be sold for.
"""

from __future__ import annotations

import numpy as np

from .parameters import Params


def markup_annual(params: Params) -> float:
    """The markup owners charge a year: ``markup_annual`` where the debt structure has a
    markup, else 0."""
    return params.markup_annual if params.debt_structure in ("markup", "both") else 0.0


def inflates_books(params: Params) -> bool:
    """Whether owners may over-record advances: where the debt structure has book inflation."""
    return params.debt_structure in ("inflation", "both")


def book_inflation(advance: np.ndarray, inflation_share: np.ndarray) -> np.ndarray:
    """Rupees over-recorded on this month's advances."""
    return advance * inflation_share


def markup(debt: np.ndarray, markup_annual: float) -> np.ndarray:
    """This month's markup on the outstanding debt (annual rate pro rata)."""
    return debt * (markup_annual / 12.0)
