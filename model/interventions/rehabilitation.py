"""Rehabilitation of released families: a cash grant and skills training, after a delay.

A share of released families (``coverage``), drawn once per family, receives the package
``delay_months`` after its release: a cash grant into its savings; skills training that, for a
share of trainees (``skills_success``), opens an outside income each month that the kiln owner
cannot deduct; optionally a home in a colony off the kilns (``housing_cost`` > 0), where the
family pays no rent and earns the casual wage of town (``release.py``), and which it leaves
for a kiln only when its need goes unmet; and optionally education support per child in
school, paid monthly. A family still in debt to an owner when the package comes moves to its
home once it owes nothing (no owner lets an indebted family go). Whether rehabilitated
families fall back into debt less often is not set here: it follows from the savings, income
and home the package gives them. Sources: domain.md 1.11-1.13 (release without rehabilitation
is "temporary relief"; India's immediate assistance of 30,000 Indian rupees, often delayed:
the grant's comparator, converted to Pakistani rupees; PEBLIP: 85% of women beneficiaries
self-employed and a colony for released families; relapse 0.3-0.7 without rehabilitation and
0.05-0.2 with it, as brackets to compare with ⚠); amounts of income and costs: assumption.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import numpy as np
from pydantic import Field

from .base import Intervention, InterventionSpec, about, affordable, rupees

if TYPE_CHECKING:
    from ..simulation.model import BondsimModel


class RehabilitationSpec(InterventionSpec):
    type: Literal["rehabilitation"]
    coverage: float = Field(
        0.8, ge=0, le=1,
        description="share of released families offered the package",
        json_schema_extra=about("share", "assumption",
                                label="families offered the package"))
    delay_months: int = Field(
        3, ge=0,
        description="from release to the package",
        json_schema_extra=about("months", "assumption: India's immediate cash arrived after "
                                "about 2 years [@indiaspend-delayed-rehabilitation]",
                                label="delay from release to the package"))
    cash_grant: float = Field(
        ge=0,
        description="paid into the family's savings",
        **rupees(64500.0, 2021, "Rs/family", "assumption: no Pakistani grant found; India's "
                 "immediate assistance of 30,000 Indian rupees in the 2021 scheme "
                 "[@india-rehabilitation-scheme] at about 2.15 Pakistani rupees to the Indian "
                 "rupee (2021: about Rs 160 and 74 Indian rupees to the US dollar, an "
                 "assumption), Rs 64,500 in 2020-21 prices", label="cash grant"))
    skills_success: float = Field(
        0.5, ge=0, le=1,
        description="share of trainees who gain an outside income",
        json_schema_extra=about("share", "assumption: 85% of women beneficiaries later "
                                "self-employed [@ilo-peblip]",
                                label="trainees gaining an outside income"))
    outside_income: float = Field(
        4000.0, ge=0,
        description="earned outside the kiln after training",
        json_schema_extra=about("Rs/month", "assumption", price_year=2020,
                                label="income after training"))
    training_cost: float = Field(
        20000.0, ge=0,
        description="per family trained",
        json_schema_extra=about("Rs/family", "assumption", price_year=2020,
                                label="cost of training a family"))
    housing_cost: float = Field(
        0.0, ge=0,
        description="per family for a home in a colony off the kilns (0: no housing)",
        json_schema_extra=about("Rs/family", "assumption: PEBLIP built a colony for released "
                                "families [@ilo-peblip]", price_year=2020,
                                label="cost of a home off the kilns"))
    education_support: float = Field(
        0.0, ge=0,
        description="per child in school for rehabilitated families",
        json_schema_extra=about("Rs/child/month", "assumption", price_year=2020,
                                label="education support per child"))


class Rehabilitation(Intervention):
    spec_class = RehabilitationSpec
    spec: RehabilitationSpec

    def __init__(self, spec: RehabilitationSpec) -> None:
        super().__init__(spec)
        self._offer: np.ndarray | None = None
        self._skills: np.ndarray | None = None
        self._housed: np.ndarray | None = None  # given a home, per household

    def act(self, model: BondsimModel, allowance: float) -> float:
        s, hh = self.spec, model.hh
        if self._offer is None:
            rng = model.streams[f"intervention:{self.name}"]
            self._offer = rng.random(hh.n) < s.coverage
            self._skills = rng.random(hh.n) < s.skills_success
            self._housed = np.zeros(hh.n, dtype=bool)
        due = hh.released & ~hh.rehabilitated & self._offer & (
            model.steps - hh.released_month >= s.delay_months)
        index = np.flatnonzero(due)
        cash = model.channel_on("cash")  # off: the package is paid for but pays families nothing
        # education support for families already rehabilitated, paid first each month
        support = 0.0
        if s.education_support > 0:
            done = np.flatnonzero(hh.rehabilitated)
            pay = (hh.school_5_9[done] + hh.school_10_14[done]) * s.education_support
            if pay.sum() <= allowance and cash:
                hh.sp_cash[done] += pay
                hh.stipend[done] = np.maximum(hh.stipend[done], s.education_support)
            if pay.sum() <= allowance:
                support = float(pay.sum())
        per_family = s.cash_grant + s.training_cost + s.housing_cost
        index = index[:affordable(allowance - support, per_family, index.size)]
        hh.rehabilitated[index] = True
        hh.rehabilitated_month[index] = model.steps
        paid = index if cash else index[:0]
        hh.savings[paid] += s.cash_grant
        skilled = paid[self._skills[paid]]
        hh.outside_income[skilled] += s.outside_income
        if s.housing_cost > 0:  # a home in a colony off the kilns
            self._housed[paid] = True
        self.move_to_homes(model)
        return support + index.size * per_family

    def move_to_homes(self, model: BondsimModel) -> None:
        """Families given a home move to it: from town or the village at once, from a kiln
        once they owe its owner nothing (a family that has since gone back to a kiln and
        paid off its debt moves again)."""
        hh = model.hh
        if self._housed is None or not self._housed.any():
            return
        from ..simulation.state import COLONY, KILN
        waiting = self._housed & (hh.location != COLONY)
        at_kiln = np.flatnonzero(waiting & (hh.location == KILN) & (hh.debt <= 0.0))
        elsewhere = waiting & (hh.location != KILN)
        hh.location[elsewhere] = COLONY
        model.leave_kilns(at_kiln, COLONY)
