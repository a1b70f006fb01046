"""Interest-free loans from a public scheme: to buy families out of peshgi, for emergencies,
or both.

Each month up to ``loans_per_month`` enrolled families (``coverage``, drawn once) that owe
their owner and have not been bought out before, bonded families first if ``bonded_first``, borrow
``min(debt, max_loan)``; the scheme pays it to the owner (``model.repay_debt``: the owner
gets the cash, the ledger books a repayment) and the family owes the scheme instead, with no
interest and no deduction from pay. The scheme collects ``loan / instalment_months`` a month
from the family's savings where there are any (arrears wait). For emergencies, enrolled
families may also draw up to ``max_emergency`` from the scheme in rule 4, after savings and
social-protection cash and before the owner's advance, repaid the same way. The public cost is
what is lent less what is collected, plus an administrative cost per buyout loan. Sources:
domain.md 1.12 (EBLIK interest-free microcredit Rs 40.8-75 million ⚠; Kataria et al. 2018:
microcredit "eradicated peshgi"), domain.md 2.1 (Bose et al. 2020: buyouts free some workers),
fact 9; amounts: assumption.

What a family owes the schemes is a household column, ``loan_debt``, added to runs with a
scheme. Buyouts and collection happen at stage 0; emergency credit is offered at rule 4's
``shortfall_credit`` point, and what families drew there is booked on ``loan_debt`` and in
the month's cost. Two schemes in one run offer credit in turn (the first listed first).
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, ClassVar, Literal

import numpy as np
from pydantic import Field

from ..simulation.points import Column, CreditOffer
from .base import Intervention, InterventionSpec, about

if TYPE_CHECKING:
    from ..simulation.model import BondsimModel


class InterestFreeLoansSpec(InterventionSpec):
    type: Literal["interest_free_loans"]
    coverage: float = Field(
        0.5, ge=0, le=1,
        description="share of families who may borrow",
        json_schema_extra=about("share", "assumption"))
    loans_per_month: int = Field(
        50, ge=0,
        description="new loans a month in the model's population",
        json_schema_extra=about("loans/month", "assumption"))
    max_loan: float = Field(
        100000.0, ge=0,
        description="lent at most to one family",
        json_schema_extra=about("Rs", "assumption: typical debts are Rs 150-200k [@curry-2020]",
                                price_year=2020))
    instalment_months: int = Field(
        36, ge=1,
        description="months to repay at an even pace",
        json_schema_extra=about("months", "assumption"))
    purpose: Literal["buyout", "emergency", "both"] = Field(
        "buyout",
        description="buy families out of peshgi, lend for emergencies before the owner does (rule "
                    "4), or both",
        json_schema_extra=about("choice"))
    max_emergency: float = Field(
        30000.0, ge=0,
        description="of emergency credit a family may owe the scheme",
        json_schema_extra=about("Rs", "assumption: no survey of illness costs found; the "
                                "model's illness costs are Rs 10-60k", price_year=2020))
    bonded_first: bool = Field(
        True,
        description="lend to bonded families before other indebted ones",
        json_schema_extra=about("yes/no"))
    admin_cost_per_loan: float = Field(
        2000.0, ge=0,
        description="to appraise and follow a loan",
        json_schema_extra=about("Rs/loan", "assumption", price_year=2020))


class InterestFreeLoans(Intervention):
    spec_class = InterestFreeLoansSpec
    spec: InterestFreeLoansSpec
    columns: ClassVar[dict[str, Column]] = {"loan_debt": Column("hh", np.float64, 0.0,
                                   "Rs owed to a public interest-free loan scheme")}

    def __init__(self, spec: InterestFreeLoansSpec) -> None:
        super().__init__(spec)
        self._enrolled: np.ndarray | None = None
        self._draw: np.ndarray | None = None
        self._instalment: np.ndarray | None = None
        self._lent_after: np.ndarray | None = None  # loan_debt after last month's lending
        self._offered = False
        self._room: np.ndarray | None = None  # emergency credit offered this month (rule 4)
        self._drawn = 0.0  # what families drew of it this month, Rs
        self._bought: np.ndarray | None = None

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
            self._bought = np.zeros(hh.n, dtype=bool)  # one buyout per family
        self._room = None
        self._drawn = 0.0
        collected = self.collect(model)
        spent = -collected
        if s.purpose != "emergency":
            spent += self.buy_out(model, rng, allowance + collected)
        self._offered = s.purpose != "buyout"
        if self._offered:
            self.offer_emergency_credit(model, rng, allowance - spent)
        self._lent_after = hh.loan_debt.copy()
        return spent

    def offer_emergency_credit(self, model: BondsimModel, rng: np.random.Generator,
                               left: float) -> None:
        """Credit each enrolled family may draw on in rule 4 this month, within the budget."""
        hh = model.hh
        room = np.where(self._enrolled,
                        np.maximum(self.spec.max_emergency - hh.loan_debt, 0.0), 0.0)
        if np.isfinite(left) and room.sum() > left:  # not enough for all: a random order
            order = rng.permutation(hh.n)
            keep = np.cumsum(room[order]) <= max(left, 0.0)
            room[order[~keep]] = 0.0
        self._room = room

    def idle(self, model: BondsimModel) -> None:
        self._room = None  # no emergency credit outside the window

    def on_shortfall_credit(self, model: BondsimModel) -> CreditOffer | None:
        """Rule 4: the emergency credit offered this month, drawn before the owner's advance."""
        if self._room is None:
            return None
        return CreditOffer(self._room, partial(self._book_drawn, model))

    def _book_drawn(self, model: BondsimModel, drawn: np.ndarray) -> None:
        """What families drew in rule 4: they owe it to the scheme; it is this month's cost."""
        model.hh.loan_debt += drawn
        self._drawn = float(drawn.sum())

    def cost(self, model: BondsimModel) -> float:
        """This month's cost, including what families drew in rule 4 (counted at month end)."""
        cost = super().cost(model)
        if self._offered and self.active(model.steps):
            self._offered = False
            self.spent += self._drawn
            cost += self._drawn
            # emergency loans drawn this month are repaid at the same even pace
            drawn = np.maximum(model.hh.loan_debt - self._lent_after, 0.0)
            self._instalment += drawn / self.spec.instalment_months
        return cost

    def buy_out(self, model: BondsimModel, rng: np.random.Generator, budget: float) -> float:
        """Lend families the price of their debt to the owner; returns what was spent."""
        s, hh = self.spec, model.hh
        self._draw = rng.random(hh.n)  # a fresh random order each month
        candidates = np.flatnonzero(self._enrolled & (hh.debt > 0.0) & ~self._bought)
        order = np.argsort(self._draw[candidates], kind="stable")
        if s.bonded_first:
            order = order[np.argsort(~hh.bonded[candidates[order]], kind="stable")]
        chosen = candidates[order][:s.loans_per_month]
        loans = np.minimum(hh.debt[chosen], s.max_loan)
        affordable = np.cumsum(loans + s.admin_cost_per_loan) <= budget
        chosen, loans = chosen[affordable], loans[affordable]
        model.repay_debt(chosen, loans)
        self._bought[chosen] = True
        hh.loan_debt[chosen] += loans
        self._instalment[chosen] += loans / s.instalment_months
        return float(loans.sum()) + chosen.size * s.admin_cost_per_loan
