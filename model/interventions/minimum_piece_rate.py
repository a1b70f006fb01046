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

from .base import Intervention, InterventionSpec, about, affordable

if TYPE_CHECKING:
    from ..simulation.model import BondsimModel

UNDERPAY_TOLERANCE = 0.99  # paying at least 99% of the notified rate counts as compliant


class MinimumPieceRateSpec(InterventionSpec):
    type: Literal["minimum_piece_rate"]
    inspections_per_district: int = Field(
        10, ge=0,
        description="wage inspections a month",
        json_schema_extra=about("inspections/district/month", "[derived] about 0.7 inspections "
                                "a kiln a year in a push [@nation-2018-police]"))
    fine: float = Field(
        50000.0, ge=0,
        description="per owner found underpaying",
        json_schema_extra=about("Rs", "the lowest fine of the Punjab 2016 child-labour "
                                "ordinance [@nation-2016-arrests]; Faisalabad's underpayment "
                                "fines came to Rs 185,000 over 168 inspections "
                                "[@urdupoint-2021-fines]"))
    risk_increase: float = Field(
        0.2, ge=0, le=1,
        description="perceived risk added to an owner found out",
        json_schema_extra=about("perceived inspections/kiln-month", "assumption"))
    cost_per_inspection: float = Field(
        5000.0, ge=0,
        description="per inspection",
        json_schema_extra=about("Rs", "assumption"))

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
        return np.concatenate(chosen)[:budget_inspections]  # a model has at least one district

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
