"""Awareness campaigns that teach kiln families their rights, through media, parliamentarians
and religious scholars (ILO evaluation 2010).

The ILO's evaluation of its bonded-labour project (2010) draws the lesson of "exploring new
partnerships especially with media, parliamentarians and religious scholars with a view to
extend outreach, widen ownership and mobilize public opinion on the issue"
(shared/sources/ilo-bonded-labour-project-evaluation-2010.txt). Each month a campaign reaches
``reach_per_month`` of all households, drawn at random, at ``cost_per_household`` each. A
household reached knows its rights fully (``hh.informed = 1``); each month it is not reached
again it keeps ``1 - decay`` of that knowledge. Knowledge acts in proportion: a household with
knowledge x gets ``contest_share x x`` of the over-recording on its own advances struck out
(it asks to see the account and contests inflated entries; domain.md 1.6: accounts are not
shown and labourers do not understand them). If bonded, it complains ``1 +
(complaint_multiplier - 1) x x`` times as often to inspectors or a vigilance committee between
visits, which complaint-targeted inspections follow (domain.md 1.10: committees report "no
complaint"), and speaks up when inspectors visit its kiln, which finds it ``1 +
(report_multiplier - 1) x x`` times as often. After the window ends knowledge keeps fading.
Reach, decay, effects and cost: assumption.

Knowledge is a household column, ``informed`` (0-1), added to runs with a campaign. The
campaign teaches at stage 0; from its first month (and after its window, while knowledge
lasts) it acts at rule 5's ``book_inflation`` point and at two points ``inspections`` offers,
``complaint_multiplier`` and ``detection``. Two campaigns in one run teach the same knowledge
and each applies its own effects of it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Literal

import numpy as np
from pydantic import Field

from ..simulation.points import Column
from .base import Intervention, InterventionSpec, about, affordable

if TYPE_CHECKING:
    from ..simulation.model import BondsimModel


class AwarenessSpec(InterventionSpec):
    type: Literal["awareness"]
    reach_per_month: float = Field(
        0.05, ge=0, le=1,
        description="share of all households the campaign reaches a month, drawn at random",
        json_schema_extra=about("share of households/month", "assumption: the ILO project's "
                                "evaluation recommends outreach through media, parliamentarians "
                                "and religious scholars [@ilo-2010-evaluation]",
                                label="households reached"))
    cost_per_household: float = Field(
        200.0, ge=0,
        description="per household reached",
        json_schema_extra=about("Rs/household", "assumption", price_year=2020,
                                label="cost per household reached"))
    decay: float = Field(
        0.05, ge=0, le=1,
        description="share of its knowledge a household loses each month it is not reached again",
        json_schema_extra=about("per month", "assumption", label="knowledge lost"))
    contest_share: float = Field(
        0.5, ge=0, le=1,
        description="share of the owner's book inflation on its own advances that a fully "
                    "informed household gets struck out",
        json_schema_extra=about("share", "assumption: entries are inflated and accounts not "
                                "shown [@aljazeera-2019]", label="book inflation struck off"))
    complaint_multiplier: float = Field(
        3.0, ge=1,
        description="a fully informed bonded household complains this many times as often between "
                    "visits (complaint-targeted inspections follow)",
        json_schema_extra=about("multiple", "assumption", label="complaints by informed families"))
    report_multiplier: float = Field(
        2.0, ge=1,
        description="a visit finds a fully informed bonded household this many times as often (it "
                    "speaks up; inspections.detection_bonded)",
        json_schema_extra=about("multiple", "assumption",
                                label="informed families found by visits"))


class Awareness(Intervention):
    spec_class = AwarenessSpec
    spec: AwarenessSpec
    columns: ClassVar[dict[str, Column]] = {"informed": Column("hh", np.float64, 0.0,
                                  "knowledge of its rights, 0-1 (awareness campaigns)")}

    def __init__(self, spec: AwarenessSpec) -> None:
        super().__init__(spec)
        self._started = False  # nothing to forget before the first month it acts

    def forget(self, model: BondsimModel) -> None:
        """A month passes: every household keeps ``1 - decay`` of its knowledge."""
        if self._started and self.spec.decay > 0.0:
            model.hh.informed *= 1.0 - self.spec.decay

    def act(self, model: BondsimModel, allowance: float) -> float:
        s, hh = self.spec, model.hh
        self._started = True
        self.forget(model)
        wanted = min(round(s.reach_per_month * hh.n), hh.n)
        # draw the full month's reach whatever the budget, so that the stream does not depend
        # on money; reach as many of them as the allowance pays for
        drawn = model.streams[f"intervention:{self.name}"].choice(hh.n, wanted, replace=False)
        reached = drawn[:affordable(allowance, s.cost_per_household, wanted)]
        hh.informed[reached] = 1.0
        return reached.size * s.cost_per_household

    def idle(self, model: BondsimModel) -> None:
        """Outside the window nobody is reached, and knowledge fades (its effects stay)."""
        self.forget(model)

    def on_book_inflation(self, model: BondsimModel, share: np.ndarray) -> np.ndarray:
        """Rule 5: families who know their rights get part of an inflated entry struck out."""
        contest, informed = self.spec.contest_share, model.hh.informed
        if not self._started or contest <= 0.0 or not informed.any():
            return share
        return share * (1.0 - contest * informed)

    def on_complaint_multiplier(self, model: BondsimModel, bonded: np.ndarray,
                                multiplier: np.ndarray | None) -> np.ndarray | None:
        """Inspections: a bonded family (``bonded``, indices) with knowledge x complains
        ``1 + (complaint_multiplier - 1) x x`` times as often (None: no change)."""
        m, informed = self.spec.complaint_multiplier, model.hh.informed
        if not self._started or m == 1.0 or not informed.any():
            return multiplier
        boost = 1.0 + (m - 1.0) * informed[bonded]
        return boost if multiplier is None else multiplier * boost

    def on_detection(self, model: BondsimModel,
                     chance: float | np.ndarray) -> float | np.ndarray:
        """Inspections: a visit finds a bonded family with knowledge x ``1 + (report_multiplier
        - 1) x x`` times as often (it speaks up), at most surely."""
        m, informed = self.spec.report_multiplier, model.hh.informed
        if not self._started or m == 1.0 or not informed.any():
            return chance
        return np.minimum(chance * (1.0 + (m - 1.0) * informed), 1.0)
