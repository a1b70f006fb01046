"""District Vigilance Committees (Bonded Labour System (Abolition) Act 1992, s.15).

The Act sets up a committee in every district; the digest finds them mostly dormant (Sindh:
notified in 12-14 of 29-30 districts, "almost all inactive", no funds; domain.md 1.10). This
intervention funds and activates them in the districts named (all by default): families'
complaints reach inspectors ``complaint_boost`` times as often (for inspections targeted by
complaint), and a family found in bondage is released with a probability higher by
``follow_through_gain``. Active committees are also a release route of their own: each
month a bonded family in their district complains to the committee with probability
``complaint_rate`` (more if it knows its rights: interventions at ``complaint_multiplier``),
each complaint is heard at ``cost_per_hearing`` while money lasts, and a hearing releases the
family with probability ``hearing_release`` (``model.release``: the debt is extinguished and
the family chooses where to go). The public cost is the committees' running cost and the
hearings. Sources: domain.md 1.10 (committees set up by s.15; mostly dormant; Punjab
committees report "no complaint of bonded labour"); rates and costs: assumption.

It acts at stage 0 (which districts' committees run this month: ``complaint_boost`` and
``follow_through_gain`` per district, 1 and 0 where dormant) and at two points ``inspections``
offers: ``complaint_rate`` (per kiln) and ``follow_through`` (per family found). Committees of
two entries in one run add up: boosts multiply, gains add.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import numpy as np
from pydantic import Field

from .base import Intervention, InterventionSpec, about, affordable, in_districts

if TYPE_CHECKING:
    from ..simulation.model import BondsimModel


class VigilanceCommitteesSpec(InterventionSpec):
    type: Literal["vigilance_committees"]
    districts: list[str] | None = Field(
        None,
        description="district names where committees are active (default: all)",
        json_schema_extra=about("district names", label="districts"))
    complaint_boost: float = Field(
        3.0, ge=1,
        description="complaints multiplied by this where active",
        json_schema_extra=about("multiple", "assumption", label="complaints multiplied"))
    follow_through_gain: float = Field(
        0.25, ge=0, le=1,
        description="added to the release follow-through",
        json_schema_extra=about("share", "assumption", label="added release follow-through"))
    complaint_rate: float = Field(
        0.001, ge=0, le=1,
        description="monthly chance a bonded family in an active district complains to the "
                    "committee",
        json_schema_extra=about("per bonded household-month", "assumption: committees hear "
                                "few complaints (Hafizabad: none) [@nation-2018-hafizabad]; "
                                "gives releases of the order of the inspection push's",
                                label="complaints to the committee"))
    hearing_release: float = Field(
        0.5, ge=0, le=1,
        description="share of complaints heard that end in a release",
        json_schema_extra=about("share", "assumption", label="hearings ending in a release"))
    cost_per_hearing: float = Field(
        10000.0, ge=0,
        description="to hear a complaint and process any release",
        json_schema_extra=about("Rs/hearing", "assumption", price_year=2020,
                                label="cost per hearing"))
    cost_per_committee_month: float = Field(
        100000.0, ge=0,
        description="to run a committee a month",
        json_schema_extra=about("Rs/committee/month", "assumption", price_year=2020,
                                label="cost to run a committee"))


class VigilanceCommittees(Intervention):
    spec_class = VigilanceCommitteesSpec
    spec: VigilanceCommitteesSpec

    def __init__(self, spec: VigilanceCommitteesSpec) -> None:
        super().__init__(spec)
        # per district, set at stage 0; None: dormant everywhere (before the first month)
        self.complaint_boost: np.ndarray | None = None
        self.follow_through_gain: np.ndarray | None = None
        self.hearings = 0  # complaints heard, over the run

    def active_districts(self, model: BondsimModel) -> np.ndarray:
        """Per district, whether this entry acts there (``districts``; all by default)."""
        return in_districts(model, self.spec.districts, self.name)

    def act(self, model: BondsimModel, allowance: float) -> float:
        active = self.active_districts(model)
        cost = float(active.sum()) * self.spec.cost_per_committee_month
        if cost > allowance:
            self.idle(model)
            return 0.0
        self.complaint_boost = np.where(active, self.spec.complaint_boost, 1.0)
        self.follow_through_gain = np.where(active, self.spec.follow_through_gain, 0.0)
        return cost + self.hear_complaints(model, active, allowance - cost)

    def hear_complaints(self, model: BondsimModel, active: np.ndarray, allowance: float) -> float:
        """The committees' own route: bonded families in active districts complain, the
        complaints are heard in household order while money lasts, and a share of hearings
        release the family. One draw per household for each step, whoever is bonded, so that
        who complains does not depend on who else is bonded. Returns the hearings' cost."""
        s, hh = self.spec, model.hh
        rng = model.streams[f"intervention:{self.name}"]
        complains, freed = rng.random(hh.n), rng.random(hh.n)
        bonded = np.flatnonzero(hh.bonded & active[hh.district])
        rate: float | np.ndarray = s.complaint_rate
        boost = None
        for handler in model.at("complaint_multiplier"):  # e.g. families who know their rights
            boost = handler(model, bonded, boost)
        if boost is not None:
            rate = np.minimum(rate * boost, 1.0)
        heard = bonded[complains[bonded] < rate]
        heard = heard[:affordable(allowance, s.cost_per_hearing, heard.size)]
        model.release(heard[freed[heard] < s.hearing_release], "committee")
        self.hearings += heard.size
        return heard.size * s.cost_per_hearing

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
