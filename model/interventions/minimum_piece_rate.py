"""Enforcement of the notified minimum piece rate by wage inspections.

Each month labour inspectors visit a number of kilns in each district, drawn at random. An
owner paying below the notified rate is fined and its perceived risk of a wage inspection
jumps; rule 9 turns that risk into compliance, so it pays closer to the notified rate until the
fear fades. The public cost is the inspections'. Sources: domain.md 1.3
(paid 0.5-0.93 of the notified rate; Faisalabad fines for underpayment, 2019-21) and 1.10
(fines Rs 50,000-500,000 under the 2016 ordinance, conflicting reports). Cost and deterrence:
assumption.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import numpy as np
from pydantic import Field

from .base import Intervention, InterventionSpec, affordable

if TYPE_CHECKING:
    from ..model import BondsimModel

UNDERPAY_TOLERANCE = 0.99  # paying at least 99% of the notified rate counts as compliant


class MinimumPieceRateSpec(InterventionSpec):
    type: Literal["minimum_piece_rate"]
    inspections_per_district: int = Field(
        10, ge=0, description="wage inspections a month; domain.md 1.10 (about 0.7 a kiln "
                              "a year in a push)")
    fine: float = Field(
        50000.0, ge=0, description="Rs per owner found underpaying; domain.md 1.10")
    risk_increase: float = Field(
        0.2, ge=0, le=1, description="perceived risk added to an owner found out; assumption")
    cost_per_inspection: float = Field(
        5000.0, ge=0, description="Rs per inspection; assumption")

class MinimumPieceRate(Intervention):
    spec_class = MinimumPieceRateSpec
    spec: MinimumPieceRateSpec

    def inspected(self, model: BondsimModel, budget_inspections: int) -> np.ndarray:
        """Kilns inspected this month: up to the capacity in each district, at random."""
        rng = model.streams[f"intervention:{self.name}"]
        chosen = []
        for first, count in zip(model.district_first, model.district_kilns, strict=True):
            take = min(self.spec.inspections_per_district, int(count))
            chosen.append(first + rng.choice(int(count), size=take, replace=False))
        kilns = np.concatenate(chosen) if chosen else np.zeros(0, dtype=np.intp)
        return kilns[:budget_inspections]

    def act(self, model: BondsimModel, allowance: float) -> float:
        s = self.spec
        kilns = self.inspected(model, affordable(allowance, s.cost_per_inspection, model.ow.k))
        ow = model.ow
        caught = kilns[ow.paid_ratio[kilns] < UNDERPAY_TOLERANCE]
        ow.fines_paid[caught] += s.fine
        ow.cash[caught] -= s.fine
        ow.wage_risk[caught] = np.minimum(ow.wage_risk[caught] + s.risk_increase, 1.0)
        model.events["inspections"] += kilns.size
        model.events["fines"] += caught.size * s.fine
        return kilns.size * s.cost_per_inspection
