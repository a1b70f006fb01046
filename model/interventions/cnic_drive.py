"""An identity-card (CNIC) registration drive, as in the EBLIK projects.

Each month up to ``registrations_per_month`` families without a CNIC are registered, at
``cost_per_registration``. A CNIC is what opens cash transfers and health cover to a family
(domain.md 3 fact 12: "90% of problems" attributed to missing CNICs; more than 50% without
one). Sources: domain.md 1.12 (EBLIK-4D target: CNICs for 12,000 workers); cost: assumption.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import numpy as np
from pydantic import Field

from .base import Intervention, InterventionSpec, about, affordable

if TYPE_CHECKING:
    from ..simulation.model import BondsimModel


class CnicDriveSpec(InterventionSpec):
    type: Literal["cnic_drive"]
    registrations_per_month: int = Field(
        200, ge=0,
        description="families registered a month",
        json_schema_extra=about("families/month", "assumption: EBLIK-4D targeted 12,000 CNICs "
                                "in four districts over about 8 years [@punjab-eblik-4d]",
                                label="families registered"))
    cost_per_registration: float = Field(
        500.0, ge=0,
        description="per family registered",
        json_schema_extra=about("Rs/family", "assumption", price_year=2020,
                                label="cost per registration"))


class CnicDrive(Intervention):
    spec_class = CnicDriveSpec
    spec: CnicDriveSpec

    def act(self, model: BondsimModel, allowance: float) -> float:
        s, hh = self.spec, model.hh
        without = np.flatnonzero(~hh.cnic)
        most = affordable(allowance, s.cost_per_registration, s.registrations_per_month)
        rng = model.streams[f"intervention:{self.name}"]
        chosen = rng.choice(without, size=min(most, without.size), replace=False)
        hh.cnic[chosen] = True
        return chosen.size * s.cost_per_registration
