"""Interest-free loans from a public scheme that buy families out of their peshgi.

Each month up to ``loans_per_month`` enrolled families (``coverage``, drawn once) that owe
their owner and have no scheme loan yet, bonded families first if ``bonded_first``, borrow
``min(debt, max_loan)``; the scheme pays it to the owner (``model.repay_debt``: the owner
gets the cash, the ledger books a repayment) and the family owes the scheme instead, with no
interest and no deduction from pay. The scheme collects ``loan / instalment_months`` a month
from the family's savings where there are any (arrears wait). The public cost is what is lent
less what is collected, plus an administrative cost per loan. Sources: domain.md 1.12 (EBLIK
interest-free microcredit Rs 40.8-75 million ⚠; Kataria et al. 2018: microcredit "eradicated
peshgi"), domain.md 2.1 (Bose et al. 2020: buyouts free some workers), fact 9; amounts: assumption.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import numpy as np
from pydantic import Field

from .base import Intervention, InterventionSpec

if TYPE_CHECKING:
    from ..model import BondsimModel


class InterestFreeLoansSpec(InterventionSpec):
    type: Literal["interest_free_loans"]
    coverage: float = Field(
        0.5, ge=0, le=1, description="share of families who may borrow; assumption")
    loans_per_month: int = Field(
        50, ge=0, description="new loans a month in the model's population; assumption")
    max_loan: float = Field(
        100000.0, ge=0, description="Rs lent at most to one family; assumption (typical "
                                    "debts Rs 150-200k, domain.md 1.4)")
    instalment_months: int = Field(
        36, ge=1, description="months to repay at an even pace; assumption")
    bonded_first: bool = Field(
        True, description="lend to bonded families before other indebted ones")
    admin_cost_per_loan: float = Field(
        2000.0, ge=0, description="Rs to appraise and follow a loan; assumption")


class InterestFreeLoans(Intervention):
    spec_class = InterestFreeLoansSpec
    spec: InterestFreeLoansSpec

    def __init__(self, spec: InterestFreeLoansSpec) -> None:
        super().__init__(spec)
        self._enrolled: np.ndarray | None = None
        self._draw: np.ndarray | None = None
        self._instalment: np.ndarray | None = None

    def collect(self, model: BondsimModel) -> float:
        """This month's instalments, from savings where there are any."""
        hh = model.hh
        due = np.minimum(np.minimum(self._instalment, hh.loan_debt), hh.savings)
        hh.savings -= due
        hh.loan_debt -= due
        return float(due.sum())

    def act(self, model: BondsimModel, allowance: float) -> float:
        s, hh = self.spec, model.hh
        rng = model.streams[f"intervention:{self.name}"]
        if self._enrolled is None:
            self._enrolled = rng.random(hh.n) < s.coverage
            self._instalment = np.zeros(hh.n)
        collected = self.collect(model)
        self._draw = rng.random(hh.n)  # a fresh random order each month
        candidates = np.flatnonzero(self._enrolled & (hh.debt > 0.0) & (hh.loan_debt == 0.0))
        order = np.argsort(self._draw[candidates], kind="stable")
        if s.bonded_first:
            order = order[np.argsort(~hh.bonded[candidates[order]], kind="stable")]
        chosen = candidates[order][:s.loans_per_month]
        loans = np.minimum(hh.debt[chosen], s.max_loan)
        budget = allowance + collected
        affordable = np.cumsum(loans + s.admin_cost_per_loan) <= budget
        chosen, loans = chosen[affordable], loans[affordable]
        model.repay_debt(chosen, loans)
        hh.loan_debt[chosen] += loans
        self._instalment[chosen] = loans / s.instalment_months
        return float(loans.sum()) + chosen.size * s.admin_cost_per_loan - collected
