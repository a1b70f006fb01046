"""A school stipend conditional on attendance, like Punjab's kiln-children programmes.

Enrolled families (``coverage``, drawn once) are promised ``amount_per_child`` a month for
each child in school. The promise enters rule 6: a family weighs the stipend against the
child's pay when deciding whether it has room to send a child to school. Payments reach
families only with probability ``delivery`` each month (only about 10% of parents reportedly
received the Khidmat stipend); what is paid is social-protection cash in rule 4. The public
cost is what is paid plus an administrative share. Sources: domain.md 1.9 (Khidmat Rs 1,000 a
month per child; PSPA Rs 3,000 a quarter at 75% attendance; delivery about 10% ⚠), domain.md
3 fact 11; coverage and admin share: assumption.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import numpy as np
from pydantic import Field

from .base import Intervention, InterventionSpec, about, rupees

if TYPE_CHECKING:
    from ..simulation.model import BondsimModel


class SchoolStipendSpec(InterventionSpec):
    type: Literal["school_stipend"]
    amount_per_child: float = Field(
        ge=0,
        description="per child in school",
        **rupees(1000.0, 2017, "Rs/child/month", "Khidmat card [@dawn-stipends]; prices of "
                 "2016-17 an assumption: the page is undated, the stipends followed the 2016 "
                 "ordinance [@tns-2016-ordinance]", label="stipend per child in school"))
    coverage: float = Field(
        0.8, ge=0, le=1,
        description="share of families enrolled in the scheme",
        json_schema_extra=about("share", "assumption", label="families enrolled"))
    delivery: float = Field(
        0.9, ge=0, le=1,
        description="chance a month's payment reaches the family",
        json_schema_extra=about("per payment", "assumption for a working scheme: only about 10% "
                                "of parents got the Khidmat stipend [@dawn-stipends] ⚠",
                                label="payments reaching the family"))
    admin_cost_share: float = Field(
        0.05, ge=0, le=1,
        description="admin cost per rupee paid",
        json_schema_extra=about("per rupee paid", "assumption", label="administration cost"))


class SchoolStipend(Intervention):
    spec_class = SchoolStipendSpec
    spec: SchoolStipendSpec

    def __init__(self, spec: SchoolStipendSpec) -> None:
        super().__init__(spec)
        self._enrolled: np.ndarray | None = None

    def act(self, model: BondsimModel, allowance: float) -> float:
        s, hh = self.spec, model.hh
        rng = model.streams[f"intervention:{self.name}"]
        if self._enrolled is None:
            self._enrolled = rng.random(hh.n) < s.coverage
        paying = model.channel_on("cash")  # off: no promise, nothing paid (spending stays)
        if paying:
            hh.stipend[self._enrolled] = s.amount_per_child
        delivered = self._enrolled & (rng.random(hh.n) < s.delivery)
        children = (hh.school_5_9 + hh.school_10_14).astype(np.float64)
        pay = np.where(delivered, children * s.amount_per_child, 0.0)
        total = float(pay.sum()) * (1.0 + s.admin_cost_share)
        if total > allowance:  # out of money: the promise lapses and nothing is paid
            self.idle(model)
            return 0.0
        hh.sp_enrolled |= self._enrolled
        if paying:
            hh.sp_cash += pay
        return total

    def idle(self, model: BondsimModel) -> None:
        if self._enrolled is not None:
            model.hh.stipend[self._enrolled] = 0.0
