"""Rule 2, earnings: piece-rate pay at the rate the owner actually pays, less the deduction.

Owners pay below the notified rate (domain.md 1.3: 0.5-0.93 of it) and deduct a share of the
gross pay against the family's debt (domain.md 1.6: 25-50%). The deduction never exceeds the
debt.
"""

from __future__ import annotations

import numpy as np


def piece_rate_paid(notified_rate: float | np.ndarray, paid_ratio: np.ndarray) -> np.ndarray:
    """Rupees paid per brick (the notified rate is per 1,000 bricks: one figure, or one per
    kiln, its district's, ``ow.notified_rate``)."""
    return paid_ratio * (notified_rate / 1000.0)


def gross_pay(bricks: np.ndarray, rate_per_brick: np.ndarray) -> np.ndarray:
    """Gross pay for the month's bricks."""
    return bricks * rate_per_brick


def monthly_pay(bricks_per_day: np.ndarray, days: float, rate_per_brick: np.ndarray,
                ) -> np.ndarray:
    """Gross pay for ``days`` moulding days: bricks a day x days x rate."""
    return gross_pay(bricks_per_day * days, rate_per_brick)


def deduction(gross: np.ndarray, deduction_share: np.ndarray, debt: np.ndarray) -> np.ndarray:
    """What the owner keeps against the debt: a share of gross pay, at most the debt."""
    return np.minimum(gross * deduction_share, debt)
