"""Court petitions (habeas corpus) for bonded families, brought by NGOs and lawyers.

Pakistan's largest count of releases comes from the courts: BLLF reports over 85,000 bonded
labourers released from January 1990 to May 2019, mostly through habeas corpus petitions
(domain.md 1.11). Each month, in the districts named (all by default), lawyers file petitions
for bonded families: Poisson(``petitions_per_kiln_year`` x kilns in the district / 12), each
for a bonded family chosen at random among the district's bonded families at the month's
start, at ``cost_per_petition`` while money lasts. ``delay_months`` later the court hears the
petition: if the family is still bonded, the court orders its release with probability
``success_rate`` (``model.release``: the debt is extinguished, BLSA 1992 s.6, and the family
chooses where to go); a family no longer bonded by then needs no order. Sources: domain.md
1.11 (the scale of BLLF's releases); success, cost and delay: assumption.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import numpy as np
from pydantic import Field

from .base import Intervention, InterventionSpec, about, affordable, in_districts

if TYPE_CHECKING:
    from ..simulation.model import BondsimModel


class CourtPetitionsSpec(InterventionSpec):
    type: Literal["court_petitions"]
    districts: list[str] | None = Field(
        None,
        description="district names where lawyers file petitions (default: all)",
        json_schema_extra=about("district names", label="districts"))
    petitions_per_kiln_year: float = Field(
        0.05, ge=0,
        description="habeas corpus petitions filed a year per kiln in the district",
        json_schema_extra=about("petitions/kiln/year", "[derived] BLLF: over 85,000 released "
                                "1990 to May 2019 [@bllf-releases], about 2,900 persons or "
                                "880 families (45% children, 25% women, 30% men) a year, over "
                                "about 20,000 kilns [@aljazeera-2019]: 0.044 releases per "
                                "kiln-year, divided by the success rate", label="petitions filed"))
    success_rate: float = Field(
        0.9, ge=0, le=1,
        description="share of petitions heard for a still-bonded family that end in a release",
        json_schema_extra=about("share", "assumption: most of BLLF's releases came through "
                                "habeas corpus [@bllf-releases]",
                                label="petitions ending in a release"))
    cost_per_petition: float = Field(
        25000.0, ge=0,
        description="lawyer, court and recovery of the family, per petition filed",
        json_schema_extra=about("Rs/petition", "assumption", price_year=2020,
                                label="cost per petition"))
    delay_months: int = Field(
        1, ge=0,
        description="from filing to the court's order",
        json_schema_extra=about("months", "assumption", label="delay to the court's order"))


class CourtPetitions(Intervention):
    spec_class = CourtPetitionsSpec
    spec: CourtPetitionsSpec

    def __init__(self, spec: CourtPetitionsSpec) -> None:
        super().__init__(spec)
        # petitions awaiting the court: households, the month of the hearing, and whether the
        # court will order the release (drawn at filing)
        self._pending: list[tuple[np.ndarray, int, np.ndarray]] = []
        self.filed = 0

    def active_districts(self, model: BondsimModel) -> np.ndarray:
        """Per district, whether this entry acts there (``districts``; all by default)."""
        return in_districts(model, self.spec.districts, self.name)

    def file(self, model: BondsimModel, rng: np.random.Generator,
             allowance: float) -> np.ndarray:
        """This month's petitions, district by district (households, ascending within each
        district), as many as the money pays for. The families petitioned for are a random
        sample of the district's bonded families: those with the lowest of this month's
        numbers, one per household (``Intervention.uniforms``), so paired scenarios petition
        for the same family where it is bonded in both."""
        s, hh = self.spec, model.hh
        active = self.active_districts(model)
        counts = rng.poisson(s.petitions_per_kiln_year * model.district_kilns / 12.0)
        order = self.uniforms(model, "petitioned", hh.n)
        chosen = []
        for d in np.flatnonzero(active):
            bonded = np.flatnonzero(hh.bonded & (hh.district == d))
            take = min(int(counts[d]), bonded.size)
            if take:
                first = np.argsort(order[bonded], kind="stable")[:take]
                chosen.append(np.sort(bonded[first]))
        filed = np.concatenate(chosen) if chosen else np.zeros(0, dtype=np.intp)
        return filed[:affordable(allowance, s.cost_per_petition, filed.size)]

    def hear(self, model: BondsimModel) -> None:
        """The court hears petitions due this month: families still bonded whose petition
        succeeds are released."""
        due = [p for p in self._pending if p[1] <= model.steps]
        self._pending = [p for p in self._pending if p[1] > model.steps]
        if not due:
            return
        households = np.concatenate([p[0] for p in due])
        granted = np.concatenate([p[2] for p in due])
        ordered = np.unique(households[granted & model.hh.bonded[households]])
        model.release(ordered, "court")

    def act(self, model: BondsimModel, allowance: float) -> float:
        rng = model.streams[f"intervention:{self.name}"]
        filed = self.file(model, rng, allowance)
        granted = self.uniforms(model, "granted", model.hh.n)[filed] < self.spec.success_rate
        self._pending.append((filed, model.steps + self.spec.delay_months, granted))
        self.filed += filed.size
        self.hear(model)  # with no delay, this month's petitions are heard at once
        return filed.size * self.spec.cost_per_petition

    def idle(self, model: BondsimModel) -> None:
        """After the window, petitions already filed are still heard."""
        if self._pending:
            self.hear(model)
