"""Enforcement of the notified minimum piece rate by wage inspections.

Each month labour inspectors visit ``inspections_per_kiln_year`` x its kilns / 12 kilns in
each district (whole visits, the fraction carried, ``visits.py``; or the absolute
``inspections_per_district``), drawn at random. At a visited kiln that underpays openly they
find it with probability ``detection``; at one that fakes compliance (pays the rate on the
books and deducts the difference) with the smaller ``fake_detection``. An owner found is
fined ``fine`` from its cash. Nothing here makes an owner pay more: owners see the visits
(their own and their district's), learn the chance of one, and pay the notified rate only
when underpaying is expected to cost them more in fines than it earns them (rule 9,
``owners.py``). With no fine, or no visits, nobody pays more. The public cost is the
inspections'. Sources: domain.md 1.3 (paid 0.5-0.93 of the notified rate; Faisalabad
fines for underpayment, 2019-21) and 1.10 (the enforcement record). Cost: assumption.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import numpy as np
from pydantic import Field

from ..simulation.owners import PAY_FAKE, PAY_OPEN, WAGE, Penalty
from .base import Intervention, about, affordable, rupees
from .visits import PUSH_RATE, RATE_SOURCE, VisitCounter, VisitSpec, choose_kilns

if TYPE_CHECKING:
    from ..simulation.model import BondsimModel



class MinimumPieceRateSpec(VisitSpec):
    type: Literal["minimum_piece_rate"]
    inspections_per_kiln_year: float | None = Field(
        PUSH_RATE, ge=0,
        description="wage inspections a year per kiln in each district (whole inspections a "
                    "month, the fraction carried); give this or inspections_per_district",
        json_schema_extra=about("inspections/kiln/year", RATE_SOURCE,
                                label="wage inspections per kiln a year"))
    inspections_per_district: int | None = Field(
        None, ge=0,
        description="the absolute alternative: wage inspections a month in each district, "
                    "whatever its kilns (default: none, the rate applies)",
        json_schema_extra=about("inspections/district/month", "[derived] about 0.7 inspections "
                                "a kiln a year in a push [@nation-2018-police]",
                                label="wage inspections per district"))
    fine: float = Field(
        ge=0,
        description="per owner found underpaying",
        **rupees(2200.0, 2021, "Rs", "[derived] Faisalabad: Rs 185,000 of fines over 168 "
                 "inspections [@urdupoint-2021-fines], with half the underpaying kilns found "
                 "(detection): fines imposed in 2021, prices of 2020-21 (the month is not "
                 "given; an amount set case by case, not a sum fixed by law)",
                 label="fine for underpayment"))
    detection: float = Field(
        0.5, ge=0, le=1,
        description="chance an inspection finds open underpayment",
        json_schema_extra=about("per inspection", "assumption: notices to 84 kilns in a month "
                                "[@urdupoint-2019-notices]", label="inspection finds underpayment"))
    fake_detection: float = Field(
        0.1, ge=0, le=1,
        description="chance an inspection sees through faked compliance",
        json_schema_extra=about("per inspection", "assumption",
                                label="inspection sees through faked pay"))
    cost_per_inspection: float = Field(
        5000.0, ge=0,
        description="per inspection",
        json_schema_extra=about("Rs", "assumption", price_year=2020, label="cost per inspection"))

class MinimumPieceRate(Intervention):
    spec_class = MinimumPieceRateSpec
    spec: MinimumPieceRateSpec

    def __init__(self, spec: MinimumPieceRateSpec) -> None:
        super().__init__(spec)
        self.visits = VisitCounter()

    def inspected(self, model: BondsimModel, budget_inspections: int) -> np.ndarray:
        """Kilns inspected this month: the visits due in each district, at random."""
        due = self.visits.take(self.spec, model.district_kilns)
        return choose_kilns(model.streams[f"intervention:{self.name}"], model.district_first,
                            model.district_kilns, due)[:budget_inspections]

    def act(self, model: BondsimModel, allowance: float) -> float:
        s, ow = self.spec, model.ow
        model.penalties["underpay"] = Penalty(s.detection, s.fine)
        model.penalties["fake_pay"] = Penalty(s.fake_detection, s.fine)
        kilns = self.inspected(model, affordable(allowance, s.cost_per_inspection, ow.k))
        rng = model.streams[f"intervention:{self.name}"]
        find = np.select([ow.pay_mode[kilns] == PAY_OPEN, ow.pay_mode[kilns] == PAY_FAKE],
                         [s.detection, s.fake_detection], 0.0)
        caught = kilns[rng.random(kilns.size) < find]
        ow.fines_paid[caught] += s.fine
        ow.cash[caught] -= s.fine
        model.saw_visits(WAGE, kilns)
        model.events["inspections"] += kilns.size
        model.events["fines"] += caught.size * s.fine
        return kilns.size * s.cost_per_inspection
