"""A legal cap on advances, such as the Punjab Prohibition of Child Labour at Brick Kilns Act
2016's Rs 50,000 (restated by the Lahore High Court in 2020).

A share of owners, drawn once, complies while the cap is enforced: it lends no family past
the cap (a family already above it gets no new advance). The others ignore it, as the digest
finds caps are far below actual debts and not binding (domain.md 1.4, fact 10). The public
cost is the monitoring of every kiln each month; if the budget runs out, enforcement stops and
owners lend as before.

The cap each owner observes is its own column (``ow.advance_cap``, Rs; ∞ where it is not
observed); at the point ``kiln_terms`` it lowers the owners' ``debt_ceiling``, past which rule 4
lends nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Literal

import numpy as np
from pydantic import Field

from ..simulation.points import Column
from .base import Intervention, InterventionSpec, about

if TYPE_CHECKING:
    from ..simulation.model import BondsimModel


class AdvanceCapSpec(InterventionSpec):
    type: Literal["advance_cap"]
    cap: float = Field(
        50000.0, ge=0,
        description="most a family may owe its owner",
        json_schema_extra=about("Rs", "the Punjab 2016 Act's cap [@nation-2016-act]"))
    enforcement: float = Field(
        0.3, ge=0, le=1,
        description="share of owners who comply",
        json_schema_extra=about("share", "assumption: caps sit far below typical debts of Rs "
                                "150-200k [@curry-2020] and do not bind"))
    cost_per_kiln_month: float = Field(
        1000.0, ge=0,
        description="to register and monitor a kiln a month",
        json_schema_extra=about("Rs/kiln/month", "assumption"))


class AdvanceCap(Intervention):
    spec_class = AdvanceCapSpec
    spec: AdvanceCapSpec
    columns: ClassVar[dict[str, Column]] = {
        "advance_cap": Column("ow", np.float64, np.inf,
                              "most a family may owe this owner, Rs (∞: no cap observed)")}

    def __init__(self, spec: AdvanceCapSpec) -> None:
        super().__init__(spec)
        self._complies: np.ndarray | None = None

    def act(self, model: BondsimModel, allowance: float) -> float:
        ow = model.ow
        if self._complies is None:
            draw = model.streams[f"intervention:{self.name}"].random(ow.k)
            self._complies = draw < self.spec.enforcement
        cost = ow.k * self.spec.cost_per_kiln_month
        if cost > allowance:
            self.idle(model)
            return 0.0
        ow.advance_cap[:] = np.where(self._complies, self.spec.cap, np.inf)
        return cost

    def idle(self, model: BondsimModel) -> None:
        if self._complies is not None:
            model.ow.advance_cap[self._complies] = np.inf

    def on_kiln_terms(self, model: BondsimModel, terms: dict[str, np.ndarray]) -> None:
        """Owners who observe the cap lend no family past it (the lower of any two ceilings)."""
        terms["debt_ceiling"] = np.minimum(terms["debt_ceiling"], model.ow.advance_cap)
