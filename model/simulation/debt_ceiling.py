"""Rule 5b, owners cap what a family may owe: no more than they can collect.

An owner values a family for its labour and for what its debt will bring in: the deductions
it takes from the family's pay over the years it counts on the family staying
(``debt_recovery_years``), discounted at the markup it charges (what money lent is worth to
it). That sum is the *collectable debt*. A book above it is worth nothing more to the owner:
with a markup, a debt whose monthly markup exceeds what the family repays only grows, and is
never recovered. So an owner

- lends no cash past the collectable debt (rule 4's room is the lower of its lending limit and
  the collectable debt), and
- writes a book above the collectable debt down to it, each month after rule 5 (booked as a
  write-off: the ledger balances to the rupee).

It does not expel the family or sell it for the excess: either loses the family's labour,
which is worth more to the owner than a claim it will never collect (a buyer would pay no
more than the collectable debt either). Owners still sell families in rule 8 and in
retaliation after a case (fact 6); this rule is about the size of the book. Sources: the
digest's largest debt, Rs 400,000 for a dowry, about 14 months of a family's earnings
(domain.md 1.4, fact 2); the objective, the horizon and the write-down are *assumptions*.
"""

from __future__ import annotations

import numpy as np


def annuity_months(horizon_months: float, monthly_rate: float) -> float:
    """What a rupee a month for ``horizon_months`` is worth now at ``monthly_rate``, in
    rupees: the horizon itself without a markup, (1 - (1 + r)^-H) / r with one."""
    if monthly_rate <= 0.0:
        return float(horizon_months)
    return float(-np.expm1(-horizon_months * np.log1p(monthly_rate)) / monthly_rate)


def collectable_debt(adult_pay: np.ndarray, deduction_share: np.ndarray, open_share: float,
                     recovery_years: float, markup_annual: float) -> np.ndarray:
    """The most an owner lets each family owe, Rs: the deduction of an average month (the
    ``deduction_share`` of the adults' pay in an open month, ``adult_pay``, times the share of
    months the kiln is open) over ``recovery_years``, discounted at the markup. Against the
    adults' pay, like the lending limit, so that a child's schooling does not move it."""
    monthly = deduction_share * adult_pay * open_share
    return monthly * annuity_months(12.0 * recovery_years, markup_annual / 12.0)


def write_down(debt: np.ndarray, ceiling: np.ndarray) -> float:
    """Write each debt above ``ceiling`` down to it, in place; returns the rupees written off
    (the caller books them)."""
    excess = debt - ceiling
    np.maximum(excess, 0.0, out=excess)
    debt -= excess
    return float(excess.sum())
