"""Rule 4, covering a shortfall: savings, then social-protection cash on hand, then credit.

A month's cash (pay after the deduction) is set against the month's need. A gap is filled
from savings, then from any social-protection cash the family holds (a quarterly transfer is
cash on hand until spent: it is held from month to month, and only what it holds above its
buffer joins the month's surplus), then by credit an intervention offers
before the owner (``points.py``, ``shortfall_credit``: a public emergency loan, say), then by
an advance (peshgi) from the owner up to what the
owner will lend, then by an outside lender where one exists; what is still
missing is consumption forgone, recorded as unmet need. A surplus first repays the outside
lender; the family spends a share of the rest above subsistence (it is poor, and need is a
floor, not a target) and saves the remainder; savings above a buffer repay the owner early,
which is how a family with room works its way out of debt.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np


@dataclass
class CreditFlows:
    """Per-household rupee flows of one month's cover rule."""

    balance: np.ndarray          # cash less need, before any cover (negative = shortfall)
    from_savings: np.ndarray
    from_sp: np.ndarray
    advance: np.ndarray          # cash lent by the owner
    outside_advance: np.ndarray  # cash lent by an outside lender
    unmet: np.ndarray            # need left uncovered
    outside_repayment: np.ndarray
    repayment: np.ndarray        # early repayment of the owner's debt from savings
    slack: np.ndarray            # what the owner would still lend after this month's advance
    before_owner: tuple[np.ndarray, ...] = ()  # lent by each offer of credit before the owner


@lru_cache(maxsize=8)
def zeros(n: int) -> np.ndarray:
    """A shared, read-only array of ``n`` zeros, for flows that did not happen this month."""
    out = np.zeros(n)
    out.flags.writeable = False
    return out


def advance_room(limit: np.ndarray, debt: np.ndarray) -> np.ndarray:
    """How much more the owner will lend: its limit less what is already owed."""
    return np.maximum(limit - debt, 0.0)


def cover_shortfall(cash: np.ndarray, need: np.ndarray, savings: np.ndarray,
                    sp_cash: np.ndarray | None, debt: np.ndarray, room: np.ndarray,
                    outside_debt: np.ndarray, outside_room: np.ndarray | None,
                    buffer: np.ndarray, spend_share: float = 0.0,
                    rooms_before_owner: Sequence[np.ndarray] = (), *,
                    sp_keep: np.ndarray | float = 0.0) -> CreditFlows:
    """Apply rule 4 in place to ``savings`` and ``sp_cash`` and return the flows.

    ``debt`` and ``outside_debt`` are read, not changed: rule 5 books the advances, and the
    model books repayments, so the debt ledger is written in one place. ``sp_cash`` and
    ``outside_room`` may be None when no household has them (a fast path, same result).
    ``spend_share`` is the share of a surplus spent on consumption above need.
    ``rooms_before_owner`` are what other lenders (an intervention's scheme) would lend each
    family this month, drawn in turn after social-protection cash and before the owner's
    advance. ``sp_keep``: the social-protection cash a family holds on to after covering its
    need (the model: its buffer); what it holds above that joins the surplus, to be spent
    (``spend_share``) or saved. With 0 every unused rupee joins the surplus this month.
    """
    balance = cash - need
    short = np.negative(balance)
    np.maximum(short, 0.0, out=short)
    surplus = np.maximum(balance, 0.0)

    from_savings = np.minimum(savings, short)
    savings -= from_savings
    short -= from_savings

    if sp_cash is None:
        from_sp = zeros(short.size)
    else:
        from_sp = np.minimum(sp_cash, short)
        short -= from_sp
        sp_cash -= from_sp
        spare = np.maximum(sp_cash - sp_keep, 0.0)  # held above the buffer: a surplus
        sp_cash -= spare
        surplus += spare

    before_owner = []
    for other_room in rooms_before_owner:
        lent = np.minimum(short, other_room)
        short -= lent
        before_owner.append(lent)

    advance = np.minimum(short, room)
    short -= advance

    if outside_room is None:
        outside_advance = zeros(short.size)
        outside_repayment = outside_advance
    else:
        outside_advance = np.minimum(short, outside_room)
        short -= outside_advance
        outside_repayment = np.minimum(outside_debt, surplus)
        surplus -= outside_repayment

    surplus *= 1.0 - spend_share
    savings += surplus
    repayment = np.subtract(savings, buffer)
    np.maximum(repayment, 0.0, out=repayment)
    np.minimum(repayment, debt, out=repayment)
    savings -= repayment
    return CreditFlows(balance=balance, from_savings=from_savings, from_sp=from_sp,
                       advance=advance, outside_advance=outside_advance, unmet=short,
                       outside_repayment=outside_repayment, repayment=repayment,
                       slack=room - advance, before_owner=tuple(before_owner))
