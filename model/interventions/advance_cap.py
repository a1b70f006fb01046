"""A legal cap on advances, such as the Punjab Prohibition of Child Labour at Brick Kilns Act
2016's Rs 50,000 (restated by the Lahore High Court in 2020).

While the cap is enforced, every kiln is registered and its register of advances audited
``audits_per_kiln_year`` times a year at random; an audit finds advances past the cap kept off
the books with probability ``detection`` and fines the owner ``fine``. Whether an owner keeps to
the cap is its own choice (rule 9, ``owners.py``): it lends past the cap off the books while
the markup on those debts, and the families they keep from walking away, earn more than the
fines it expects from the audits it sees. An owner keeping to the cap lends no family past it
(a family already above it gets no new advance). The digest finds caps far below actual debts
and not binding (domain.md 1.4, fact 10): at the default audit rate and fine, owners evade.
The public cost is the registration and audits, per kiln and month; if the budget runs out,
enforcement stops and owners lend as before.

The cap is the owners' core column ``legal_debt_cap`` (Rs; ∞ without a cap), which rule 4
applies as the kiln term ``debt_ceiling`` unless the owner lends off the books.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import numpy as np
from pydantic import Field

from ..simulation.owners import AUDIT, Penalty
from .base import Intervention, InterventionSpec, about

if TYPE_CHECKING:
    from ..simulation.model import BondsimModel


class AdvanceCapSpec(InterventionSpec):
    type: Literal["advance_cap"]
    cap: float = Field(
        50000.0, ge=0,
        description="most a family may owe its owner",
        json_schema_extra=about("Rs", "the Punjab 2016 Act's cap [@nation-2016-act]; a sum "
                                "fixed by law is not indexed: read at face value in 2019-20 "
                                "prices (assumption: not revised by then)", price_year=2020,
                                label="cap on a family's debt"))
    audits_per_kiln_year: float = Field(
        2.0, ge=0, le=12,
        description="audits of each kiln's register of advances a year",
        json_schema_extra=about("audits/kiln/year", "assumption", label="audits of each kiln"))
    detection: float = Field(
        0.2, ge=0, le=1,
        description="chance an audit finds advances past the cap kept off the books",
        json_schema_extra=about("per audit", "assumption", label="audit finds off-book advances"))
    fine: float = Field(
        50000.0, ge=0,
        description="per owner found lending past the cap",
        json_schema_extra=about("Rs", "assumption: the Punjab 2016 Act's penalties "
                                "[@nation-2016-act]; a sum fixed by law is not indexed: read "
                                "at face value in 2019-20 prices", price_year=2020,
                                label="fine for lending past the cap"))
    cost_per_kiln_month: float = Field(
        1000.0, ge=0,
        description="to register and monitor a kiln a month",
        json_schema_extra=about("Rs/kiln/month", "assumption", price_year=2020,
                                label="cost to monitor a kiln"))


class AdvanceCap(Intervention):
    spec_class = AdvanceCapSpec
    spec: AdvanceCapSpec

    def act(self, model: BondsimModel, allowance: float) -> float:
        s, ow = self.spec, model.ow
        cost = ow.k * s.cost_per_kiln_month
        if cost > allowance:
            self.idle(model)
            return 0.0
        ow.legal_debt_cap[:] = s.cap
        model.penalties["off_book"] = Penalty(s.detection, s.fine)
        rng = model.streams[f"intervention:{self.name}"]
        audited = np.flatnonzero(rng.random(ow.k) < s.audits_per_kiln_year / 12.0)
        caught = audited[ow.off_book[audited] & (rng.random(audited.size) < s.detection)]
        ow.fines_paid[caught] += s.fine
        ow.cash[caught] -= s.fine
        model.saw_visits(AUDIT, audited)
        model.events["fines"] += caught.size * s.fine
        return cost

    def idle(self, model: BondsimModel) -> None:
        model.ow.legal_debt_cap[:] = np.inf
