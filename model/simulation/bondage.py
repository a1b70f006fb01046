"""Rule 7, bondage: three definitions, all reported, the legal one the headline.

Surveys and laws count bondage in different ways, and analysts compare the model with each:

- **indebted** (``indebted``): the family owes its employer, whatever the terms: NCHR 2025's
  97% "trapped by urgent loans" (domain.md 1.5).
- **legal** (``legally_bonded``, the headline, ``hh.bonded``): the family owes its employer
  and the employer will not let it leave while it owes: the advance ties its labour, the
  Bonded Labour System (Abolition) Act 1992's definition and, as quoted, the sense of FBS
  2002's "nearly 90 per cent" of Punjab's kiln workers (domain.md 1.5, 1.10). It is what
  inspectors find, courts free and a release extinguishes.
- **ILO forced labour** (``ilo_bonded``): the ILO's indicators of debt bondage: involuntariness
  through debt (a debt it cannot realistically repay: above ``bondage_debt_multiple`` years of
  repayment capacity, owed to the owner or to a scheme) together with a menace (the owner
  restricts its movement: it holds the family). ILO's "up to 68%" of South Asia's kiln
  workers in bonded or forced labour (domain.md 1.5). Withheld wages and threats are not
  modelled apart: an owner that holds a family also deducts from its pay.

Repayment capacity is what the family could repay in a year: all its expected income (kiln
pay of every member who moulds, children included; outside work; social-protection transfers)
less all its expected need (subsistence and the expected cost of shocks), floored at zero.
"""

from __future__ import annotations

import numpy as np


def repayment_capacity(annual_income: np.ndarray, annual_need: np.ndarray) -> np.ndarray:
    """Expected net annual income: yearly income less yearly need, floored at zero."""
    return np.maximum(annual_income - annual_need, 0.0)


def debt_over_threshold(debt: np.ndarray, capacity: np.ndarray, multiple: float) -> np.ndarray:
    """Involuntariness through debt: positive debt above ``multiple`` years of repayment
    capacity. Capacity and multiple are never negative, so a debt above it is positive."""
    return debt > multiple * capacity


def held_by_owner(debt: np.ndarray, coercive_owner: np.ndarray) -> np.ndarray:
    """The family owes its owner and the owner will not let it go: the legal definition."""
    return (debt > 0.0) & coercive_owner


def legally_bonded(debt: np.ndarray, coercive_owner: np.ndarray) -> np.ndarray:
    """The headline: owes the employer and cannot leave without repaying (BLSA 1992)."""
    return held_by_owner(debt, coercive_owner)


def ilo_bonded(over: np.ndarray, held: np.ndarray) -> np.ndarray:
    """ILO indicators: an unrepayable debt (``over``) and a menace (``held``)."""
    return over & held


def indebted(debt: np.ndarray) -> np.ndarray:
    """Owes the employer anything."""
    return debt > 0.0
