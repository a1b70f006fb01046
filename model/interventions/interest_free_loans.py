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
scheme. It is debt: the scheme's own ledger books what it lends and collects
(``model.scheme_lend``, ``model.scheme_collect``; ``ledger_residual`` covers both books), rule 7
counts it towards the bondage threshold, and the indebted share counts families who owe only
the scheme. The scheme's instalments fallen due and unpaid are ``loan_overdue`` (the outcome
``scheme_arrears``); what it lent and collected, and its recovery rate since the run began,
are outcomes too. Buyouts and collection happen at stage 0; emergency credit is offered at rule
4's ``shortfall_credit`` point, and what families drew there is booked on ``loan_debt`` and in
the month's cost. Two schemes in one run offer credit in turn (the first listed first). With
the ``credit`` channel off the scheme lends nothing (it still collects what it is owed).
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
        json_schema_extra=about("share", "assumption", label="families who may borrow"))
    loans_per_month: int = Field(
        50, ge=0,
        description="new loans a month in the model's population",
        json_schema_extra=about("loans/month", "assumption", label="new loans"))
    max_loan: float = Field(
        100000.0, ge=0,
        description="lent at most to one family",
        json_schema_extra=about("Rs", "assumption: typical debts are Rs 150-200k [@curry-2020]",
                                price_year=2020, label="largest loan"))
    instalment_months: int = Field(
        36, ge=1,
        description="months to repay at an even pace",
        json_schema_extra=about("months", "assumption", label="repayment period"))
    purpose: Literal["buyout", "emergency", "both"] = Field(
        "buyout",
        description="buy families out of peshgi, lend for emergencies before the owner does (rule "
                    "4), or both",
        json_schema_extra=about("choice", label="purpose (buyout, emergency, both)"))
    max_emergency: float = Field(
        30000.0, ge=0,
        description="of emergency credit a family may owe the scheme",
        json_schema_extra=about("Rs", "assumption: no survey of illness costs found; the "
                                "model's illness costs are Rs 10-60k", price_year=2020,
                                label="most emergency credit owed"))
    bonded_first: bool = Field(
        True,
        description="lend to bonded families before other indebted ones",
        json_schema_extra=about("yes/no", label="bonded families first"))
    admin_cost_per_loan: float = Field(
        2000.0, ge=0,
        description="to appraise and follow a loan",
        json_schema_extra=about("Rs/loan", "assumption", price_year=2020, label="cost per loan"))


class InterestFreeLoans(Intervention):
    spec_class = InterestFreeLoansSpec
    spec: InterestFreeLoansSpec
    columns: ClassVar[dict[str, Column]] = {
        "loan_debt": Column("hh", np.float64, 0.0, "Rs owed to a public interest-free loan scheme",
                            debt=True),
        "loan_overdue": Column("hh", np.float64, 0.0, "Rs of a scheme's instalments fallen due "
                               "and not paid"),
    }

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
        self._not_due: np.ndarray | None = None  # lent, Rs, whose instalments are not yet due

    def collect(self, model: BondsimModel) -> float:
        """This month's instalments, from savings where there are any (arrears wait)."""
        self._not_due -= np.minimum(self._instalment, self._not_due)  # a month falls due
        collected = model.scheme_collect(self._instalment, "loan_debt")
        self.count_overdue(model)
        return collected

    def count_overdue(self, model: BondsimModel) -> None:
        """What is owed beyond what is not yet due is overdue (``loan_overdue``, the
        ``scheme_arrears`` outcome). Two schemes in one run share the columns."""
        hh = model.hh
        overdue = hh.loan_debt - self._others_not_due(model) - self._not_due
        np.maximum(overdue, 0.0, out=hh.loan_overdue)

    def _others_not_due(self, model: BondsimModel) -> np.ndarray | float:
        """What the run's other schemes lent that is not yet due (0 with one scheme)."""
        others = [i._not_due for i in model.interventions
                  if isinstance(i, InterestFreeLoans) and i is not self
                  and i._not_due is not None]
        return sum(others) if others else 0.0

    def act(self, model: BondsimModel, allowance: float) -> float:
        s, hh = self.spec, model.hh
        rng = model.streams[f"intervention:{self.name}"]
        if self._enrolled is None:
            self._enrolled = rng.random(hh.n) < s.coverage
            self._instalment = np.zeros(hh.n)
            self._bought = np.zeros(hh.n, dtype=bool)  # one buyout per family
            self._not_due = np.zeros(hh.n)
        self._room = None
        self._drawn = 0.0
        collected = self.collect(model)
        spent = -collected
        lends = model.channel_on("credit")  # off: the scheme lends nothing, collects its due
        if s.purpose != "emergency" and lends:
            spent += self.buy_out(model, rng, allowance + collected)
        self._offered = s.purpose != "buyout" and lends
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
        self._drawn = model.scheme_lend(np.arange(model.hh.n), drawn, "loan_debt")
        self._not_due += drawn

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
        model.scheme_lend(chosen, loans, "loan_debt")
        self._not_due[chosen] += loans
        self._instalment[chosen] += loans / s.instalment_months
        return float(loans.sum()) + chosen.size * s.admin_cost_per_loan
