"""Health cover that pays part of the cost of illness, like the Sehat Sahulat card.

Covered families (``coverage``, drawn once; an identity card may be required) pay only
``1 - share_paid`` of an illness shock's cost, so illness pushes them less into advances
(domain.md 1.8: illness and medicine are among the most cited triggers of borrowing). The
public cost is a premium per covered family a month. Coverage, share and premium: assumption.

It acts at stage 0 (who is covered this month: ``paid``, the share of an illness's cost the
scheme pays, per household) and at rule 3's ``shock_costs`` point (covered families pay the
rest). Two schemes in one run each pay their share of what the other leaves.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import numpy as np
from pydantic import Field

from .base import Intervention, InterventionSpec, about

if TYPE_CHECKING:
    from ..simulation.model import BondsimModel
    from ..simulation.shocks import ShockDraw


class HealthCoverSpec(InterventionSpec):
    type: Literal["health_cover"]
    coverage: float = Field(
        0.6, ge=0, le=1,
        description="share of eligible families covered",
        json_schema_extra=about("share", "assumption", label="eligible families covered"))
    share_paid: float = Field(
        0.7, ge=0, le=1,
        description="share of an illness's cost the cover pays",
        json_schema_extra=about("share", "assumption", label="illness cost paid"))
    premium: float = Field(
        300.0, ge=0,
        description="public money per covered family",
        json_schema_extra=about("Rs/family/month", "assumption", price_year=2020,
                                label="premium per family"))
    cnic_required: bool = Field(
        True,
        description="only CNIC holders can enrol",
        json_schema_extra=about("yes/no", "assumption", label="identity card (CNIC) required"))


class HealthCover(Intervention):
    spec_class = HealthCoverSpec
    spec: HealthCoverSpec

    def __init__(self, spec: HealthCoverSpec) -> None:
        super().__init__(spec)
        self._draw: np.ndarray | None = None
        self.paid: np.ndarray | None = None  # share of an illness's cost paid, per household

    def act(self, model: BondsimModel, allowance: float) -> float:
        s, hh = self.spec, model.hh
        if self._draw is None:
            self._draw = model.streams[f"intervention:{self.name}"].random(hh.n)
        covered = self._draw < s.coverage
        if s.cnic_required:
            covered &= hh.cnic
        cost = float(np.count_nonzero(covered)) * s.premium
        if cost > allowance:  # premiums unpaid: cover lapses this month
            self.idle(model)
            return 0.0
        self.paid = np.where(covered, s.share_paid, 0.0)
        return cost

    def idle(self, model: BondsimModel) -> None:
        self.paid = None

    def on_shock_costs(self, model: BondsimModel, shocks: ShockDraw) -> None:
        """Rule 3: a covered family pays only the uncovered share of an illness (kind 0); the
        scheme pays the rest (the ``cash`` channel)."""
        paid = self.paid
        if shocks.index.size and paid is not None and paid.any() and model.channel_on("cash"):
            ill = shocks.kind == 0
            shocks.cost[ill] *= 1.0 - paid[shocks.index[ill]]

