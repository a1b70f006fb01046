"""The employers' model contract and code of conduct (ILO evaluation 2010), adopted voluntarily
kiln by kiln through the employers' federation and the kiln owners' association.

The ILO's evaluation of its bonded-labour project (2010) recommends that the employers'
federation "operationalize the model contract and the voluntary adoption of the code of
conduct by member institutions", and credits the project with bringing the Brick Kiln Owners
Association into the work (shared/sources/ilo-bonded-labour-project-evaluation-2010.txt).
Each month the federation recruits owners not yet keeping the code, each with probability
``uptake_per_month + peer_effect x`` (the share of its district's kilns already keeping it): a
Bass diffusion, in which owners follow their neighbours. At most ``max_share`` of a district's
kilns keep the code; recruiting a kiln costs ``cost_per_adoption``. An owner keeping the code
gives written contracts and keeps an open register of advances (what the Punjab 2016 law
requires, domain.md 1.4; 90% of families have no written contract, domain.md 1.5; accounts are
not shown, domain.md 1.6): book inflation at its kiln falls by ``inflation_reduction``
(``ow.book_inflation_scale``, applied to the owners' terms at the point ``kiln_terms``, so in
rule 5), and after an inspection case it sells families in retaliation ``retaliation_factor``
times as often (``ow.retaliation_scale``, at the point ``retaliation`` that inspections offer).
Without follow-up the code erodes: each month an owner not visited drops it with probability
``lapse_rate``; follow-up visits cost ``cost_per_follow_up`` per kiln a month and are paid
before new recruits. After the window ends nobody is visited, so the code erodes. Rates,
effects and costs: assumption.

The three owner columns (who keeps the code, and the two multipliers) are this intervention's
own, created only in runs that list it. Two codes in one run share them, and the first applies
them, once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Literal

import numpy as np
from pydantic import Field

from ..simulation.points import Column
from .base import Intervention, InterventionSpec, about, affordable

if TYPE_CHECKING:
    from ..simulation.model import BondsimModel


class EmployerCodeSpec(InterventionSpec):
    type: Literal["employer_code"]
    uptake_per_month: float = Field(
        0.01, ge=0, le=1,
        description="monthly chance the federation recruits an owner not yet keeping the code, "
                    "before the peer effect",
        json_schema_extra=about("per kiln-month", "assumption: the ILO project's evaluation "
                                "recommends voluntary adoption of the code through the employers' "
                                "federation [@ilo-2010-evaluation]",
                                label="owners recruited to the code"))
    peer_effect: float = Field(
        0.05, ge=0, le=1,
        description="added to that chance per unit of the district's share of kilns keeping the "
                    "code (Bass diffusion)",
        json_schema_extra=about("per kiln-month per unit share", "assumption",
                                label="peer effect on recruitment"))
    max_share: float = Field(
        0.6, ge=0, le=1,
        description="most of a district's kilns that keep the code (members of the association)",
        json_schema_extra=about("share", "assumption: about 6,300 of over 10,000 Punjab kilns "
                                "registered [@tns-brick-upon-brick] ⚠",
                                label="most kilns keeping the code"))
    inflation_reduction: float = Field(
        0.5, ge=0, le=1,
        description="share by which book inflation falls at a kiln keeping the code (written "
                    "contracts, open register of advances)",
        json_schema_extra=about("share", "assumption: the 2016 Act requires written contracts "
                                "and a register of advances [@nation-2016-act]; entries are "
                                "inflated and accounts not shown [@aljazeera-2019]",
                                label="fall in book inflation"))
    retaliation_factor: float = Field(
        0.5, ge=0, le=1,
        description="multiplies the chance that an owner keeping the code sells families in "
                    "retaliation after a case (inspections.retaliation)",
        json_schema_extra=about("multiple", "assumption",
                                label="retaliation at a kiln keeping the code"))
    lapse_rate: float = Field(
        0.05, ge=0, le=1,
        description="monthly chance that an owner not visited that month drops the code",
        json_schema_extra=about("per kiln-month", "assumption", label="owners dropping the code"))
    follow_up: bool = Field(
        True,
        description="fund a follow-up visit to every kiln keeping the code each month (as far as "
                    "the budget allows); visited owners do not lapse",
        json_schema_extra=about("yes/no", label="monthly follow-up visits"))
    cost_per_adoption: float = Field(
        25000.0, ge=0,
        description="to recruit a kiln (meetings, printed contracts and register)",
        json_schema_extra=about("Rs/kiln", "assumption", price_year=2020,
                                label="cost to recruit a kiln"))
    cost_per_follow_up: float = Field(
        2000.0, ge=0,
        description="per kiln keeping the code a month for a follow-up visit",
        json_schema_extra=about("Rs/kiln/month", "assumption", price_year=2020,
                                label="cost per follow-up visit"))


class EmployerCode(Intervention):
    spec_class = EmployerCodeSpec
    spec: EmployerCodeSpec
    columns: ClassVar[dict[str, Column]] = {
        "code_adopted": Column("ow", bool, False,
                               "keeps the employers' model contract and code of conduct"),
        "book_inflation_scale": Column("ow", np.float64, 1.0,
                                       "multiplies book inflation at the kiln (1: none)"),
        "retaliation_scale": Column("ow", np.float64, 1.0, "multiplies the chance of selling "
                                    "families in retaliation after a case (1: none)"),
    }

    def chance(self, model: BondsimModel) -> np.ndarray:
        """Each kiln's chance of being recruited this month: ``uptake_per_month`` plus
        ``peer_effect`` times the share of its district's kilns keeping the code (at most 1)."""
        s, ow = self.spec, model.ow
        nd = len(model.district_kilns)
        keeping = np.bincount(ow.district[ow.code_adopted], minlength=nd)
        share = keeping / np.maximum(model.district_kilns, 1)
        return np.minimum(s.uptake_per_month + s.peer_effect * share[ow.district], 1.0)

    def room(self, model: BondsimModel) -> np.ndarray:
        """Per district, how many more kilns may adopt before ``max_share`` is reached."""
        ow = model.ow
        nd = len(model.district_kilns)
        most = np.floor(self.spec.max_share * model.district_kilns + 1e-9).astype(np.int64)
        keeping = np.bincount(ow.district[ow.code_adopted], minlength=nd)
        return np.maximum(most - keeping, 0)

    def recruit(self, model: BondsimModel, u: np.ndarray, allowance: float) -> np.ndarray:
        """Kilns recruited this month: those not keeping the code whose draw ``u`` falls below
        their chance, at most each district's room and as many as ``allowance`` pays for
        (lowest draws first). Returns their indices, ascending."""
        ow = model.ow
        candidates = np.flatnonzero(~ow.code_adopted & (u < self.chance(model)))
        candidates = candidates[np.argsort(u[candidates], kind="stable")]
        room = self.room(model)
        district = ow.district[candidates]
        chosen = [candidates[district == d][:room[d]] for d in range(room.size)]
        joined = np.concatenate(chosen)  # a model has at least one district
        joined = joined[np.argsort(u[joined], kind="stable")]
        joined = joined[:affordable(allowance, self.spec.cost_per_adoption, joined.size)]
        return np.sort(joined)

    def apply(self, model: BondsimModel) -> None:
        """Set the owners' book-inflation and retaliation multipliers from who keeps the code."""
        s, ow = self.spec, model.ow
        ow.book_inflation_scale[:] = np.where(ow.code_adopted, 1.0 - s.inflation_reduction, 1.0)
        ow.retaliation_scale[:] = np.where(ow.code_adopted, s.retaliation_factor, 1.0)

    def act(self, model: BondsimModel, allowance: float) -> float:
        s, ow = self.spec, model.ow
        rng = model.streams[f"intervention:{self.name}"]
        # the same three draws per kiln every month, whatever the state (common random numbers)
        u_visit, u_lapse, u_join = rng.random((3, ow.k))
        keeping = np.flatnonzero(ow.code_adopted)
        visits = affordable(allowance, s.cost_per_follow_up, keeping.size) if s.follow_up else 0
        visited = np.zeros(ow.k, dtype=bool)  # if money is short, visited in a random order
        visited[keeping[np.argsort(u_visit[keeping], kind="stable")[:visits]]] = True
        ow.code_adopted &= visited | (u_lapse >= s.lapse_rate)  # the others may lapse
        follow_up_cost = visits * s.cost_per_follow_up
        joined = self.recruit(model, u_join, allowance - follow_up_cost)
        ow.code_adopted[joined] = True
        self.apply(model)
        return follow_up_cost + joined.size * s.cost_per_adoption

    def idle(self, model: BondsimModel) -> None:
        """Outside the window nobody is visited or recruited: owners keeping the code drop it
        at the lapse rate."""
        ow = model.ow
        if not ow.code_adopted.any():
            return
        u_lapse = model.streams[f"intervention:{self.name}"].random(ow.k)
        ow.code_adopted &= u_lapse >= self.spec.lapse_rate
        self.apply(model)

    def _applies(self, model: BondsimModel) -> bool:
        """Whether this is the run's first code (codes share the columns, applied once) and
        owners may change their terms for it (the ``deterrence`` channel)."""
        first = next(i for i in model.interventions if isinstance(i, EmployerCode)) is self
        return first and model.channel_on("deterrence")

    def on_kiln_terms(self, model: BondsimModel, terms: dict[str, np.ndarray]) -> None:
        """An owner keeping the code over-records less (rule 5)."""
        if self._applies(model):
            terms["book_inflation"] = terms["book_inflation"] * model.ow.book_inflation_scale

    def on_retaliation(self, model: BondsimModel, households: np.ndarray,
                       chance: float | np.ndarray) -> float | np.ndarray:
        """An owner keeping the code sells families in retaliation less often."""
        if not self._applies(model):
            return chance
        return chance * model.ow.retaliation_scale[model.hh.kiln[households]]
