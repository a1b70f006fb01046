"""Rule 7, bondage: two conditions, both reported.

A family is bonded when (a) its debt exceeds a multiple of its expected net annual earnings
(its yearly pay at its kiln's rate less its yearly subsistence need, i.e. what it could repay
in a year), so it cannot realistically repay; and (b) its owner will not let it leave while it
owes anything. The Bonded Labour System (Abolition) Act 1992 defines bonded debt the same way:
an advance that ties the family's labour to the creditor.
"""

from __future__ import annotations

import numpy as np


def repayment_capacity(expected_annual_gross: np.ndarray, annual_need: np.ndarray) -> np.ndarray:
    """Expected net annual earnings: yearly pay less yearly need, floored at zero."""
    return np.maximum(expected_annual_gross - annual_need, 0.0)


def debt_over_threshold(debt: np.ndarray, capacity: np.ndarray, multiple: float) -> np.ndarray:
    """Condition (a): positive debt above ``multiple`` years of repayment capacity.

    Capacity and multiple are never negative, so a debt above the threshold is positive."""
    return debt > multiple * capacity


def held_by_owner(debt: np.ndarray, coercive_owner: np.ndarray) -> np.ndarray:
    """Condition (b): the family owes its owner and the owner will not let it go."""
    return (debt > 0.0) & coercive_owner


def bonded(over: np.ndarray, held: np.ndarray) -> np.ndarray:
    return over & held
