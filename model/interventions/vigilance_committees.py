"""District Vigilance Committees (Bonded Labour System (Abolition) Act 1992, s.15).

The Act sets up a committee in every district; the digest finds them mostly dormant (Sindh:
notified in 12-14 of 29-30 districts, "almost all inactive", no funds; domain.md 1.10). This
intervention funds and activates them in the districts named (all by default): families'
complaints reach inspectors ``complaint_boost`` times as often (for inspections targeted by
complaint), and a family found in bondage is released with a probability higher by
``follow_through_gain``. The public cost is the committees' running cost. Effects and cost:
assumption.

It acts at stage 0 (which districts' committees run this month: ``complaint_boost`` and
``follow_through_gain`` per district, 1 and 0 where dormant) and at two points ``inspections``
offers: ``complaint_rate`` (per kiln) and ``follow_through`` (per family found). Committees of
two entries in one run add up: boosts multiply, gains add.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import numpy as np
from pydantic import Field

from .base import Intervention, InterventionSpec, about

if TYPE_CHECKING:
    from ..simulation.model import BondsimModel


class VigilanceCommitteesSpec(InterventionSpec):
    type: Literal["vigilance_committees"]
    districts: list[str] | None = Field(
        None,
        description="district names where committees are active (default: all)",
        json_schema_extra=about("district names"))
    complaint_boost: float = Field(
        3.0, ge=1,
        description="complaints multiplied by this where active",
        json_schema_extra=about("multiple", "assumption"))
    follow_through_gain: float = Field(
        0.25, ge=0, le=1,
        description="added to the release follow-through",
        json_schema_extra=about("share", "assumption"))
    cost_per_committee_month: float = Field(
        100000.0, ge=0,
        description="to run a committee a month",
        json_schema_extra=about("Rs/committee/month", "assumption", price_year=2020))


class VigilanceCommittees(Intervention):
    spec_class = VigilanceCommitteesSpec
    spec: VigilanceCommitteesSpec

    def __init__(self, spec: VigilanceCommitteesSpec) -> None:
        super().__init__(spec)
        # per district, set at stage 0; None: dormant everywhere (before the first month)
        self.complaint_boost: np.ndarray | None = None
        self.follow_through_gain: np.ndarray | None = None

    def active_districts(self, model: BondsimModel) -> np.ndarray:
        names = model.district_names
        wanted = names if self.spec.districts is None else self.spec.districts
        unknown = sorted(set(wanted) - set(names))
        if unknown:
            raise ValueError(f"{self.name}: unknown districts {unknown}; the model has {names}")
        return np.array([name in wanted for name in names])

    def act(self, model: BondsimModel, allowance: float) -> float:
        active = self.active_districts(model)
        cost = float(active.sum()) * self.spec.cost_per_committee_month
        if cost > allowance:
            self.idle(model)
            return 0.0
        self.complaint_boost = np.where(active, self.spec.complaint_boost, 1.0)
        self.follow_through_gain = np.where(active, self.spec.follow_through_gain, 0.0)
        return cost

    def idle(self, model: BondsimModel) -> None:
        nd = len(model.district_names)
        self.complaint_boost = np.ones(nd)
        self.follow_through_gain = np.zeros(nd)

    def on_complaint_rate(self, model: BondsimModel, rate: np.ndarray) -> np.ndarray:
        """Inspections' complaint rate per kiln, multiplied where committees are active."""
        if self.complaint_boost is None:
            return rate
        return rate * self.complaint_boost[model.ow.district]

    def on_follow_through(self, model: BondsimModel, found: np.ndarray,
                          follow: float | np.ndarray) -> float | np.ndarray:
        """The chance each family found in bondage is released, raised where committees are
        active."""
        if self.follow_through_gain is None:
            return follow
        return follow + self.follow_through_gain[model.hh.district[found]]
