"""An unconditional cash transfer like BISP's Benazir Kafaalat.

Eligible households (holding an identity card, if required) are enrolled at the coverage
rate less the targeting (exclusion) error; each enrolled household receives the quarterly
amount every third month from the start, as social-protection cash that rule 4 uses before
borrowing. Enrolment is re-checked each payment month, so a CNIC drive widens it. The public
cost is the cash paid plus an administrative share.
Sources: domain.md 1.12 (Rs 13,500 a quarter from January 2025; about 12-16% of a kiln
family's gross pay); domain.md 3 fact 12 (CNICs gate access). Coverage and errors: assumption.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import numpy as np
from pydantic import Field

from .base import Intervention, InterventionSpec, about, affordable, rupees

if TYPE_CHECKING:
    from ..simulation.model import BondsimModel


class CashTransferSpec(InterventionSpec):
    type: Literal["cash_transfer"]
    amount_per_quarter: float = Field(
        ge=0,
        description="paid to each enrolled household a quarter",
        **rupees(13500.0, 2025, "Rs/household/quarter", "BISP Kafaalat from January 2025 "
                 "[@arynews-2024-bisp]: prices of 2024-25", label="transfer per household"))
    coverage: float = Field(
        0.5, ge=0, le=1,
        description="share of eligible households enrolled",
        json_schema_extra=about("share of eligible households", "assumption",
                                label="eligible households enrolled"))
    exclusion_error: float = Field(
        0.2, ge=0, le=1,
        description="share of those meant to be enrolled left out",
        json_schema_extra=about("share", "assumption", label="households wrongly left out"))
    cnic_required: bool = Field(
        True,
        description="only CNIC holders are eligible",
        json_schema_extra=about("yes/no", "assumption: the programme enrols by identity card",
                                label="identity card (CNIC) required"))
    admin_cost_share: float = Field(
        0.05, ge=0, le=1,
        description="admin cost per rupee paid",
        json_schema_extra=about("per rupee paid", "assumption", label="administration cost"))

class CashTransfer(Intervention):
    spec_class = CashTransferSpec
    spec: CashTransferSpec

    def __init__(self, spec: CashTransferSpec) -> None:
        super().__init__(spec)
        self._draw: np.ndarray | None = None  # one uniform per household, fixed for the run

    def enrolled(self, model: BondsimModel) -> np.ndarray:
        """Households enrolled now: eligible, and drawn within coverage less exclusion."""
        if self._draw is None:
            self._draw = model.streams[f"intervention:{self.name}"].random(model.hh.n)
        s = self.spec
        rate = s.coverage * (1.0 - s.exclusion_error)
        eligible = model.hh.cnic if s.cnic_required else np.ones(model.hh.n, dtype=bool)
        return eligible & (self._draw < rate)

    def act(self, model: BondsimModel, allowance: float) -> float:
        if (model.steps - self.spec.start) % 3:
            return 0.0  # paid quarterly
        enrolled = np.flatnonzero(self.enrolled(model))
        per_household = self.spec.amount_per_quarter * (1.0 + self.spec.admin_cost_share)
        can_pay = affordable(allowance, per_household, enrolled.size)
        if can_pay < enrolled.size:
            # out of money: pay households in a fixed random order while it lasts
            order = np.argsort(self._draw[enrolled], kind="stable")
            enrolled = np.sort(enrolled[order[:can_pay]])
        model.hh.sp_enrolled[enrolled] = True
        if model.channel_on("cash"):
            model.hh.sp_cash[enrolled] += self.spec.amount_per_quarter
        return enrolled.size * per_household
