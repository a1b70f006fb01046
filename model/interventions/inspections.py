"""Labour inspections under the Bonded Labour System (Abolition) Act 1992 and the Punjab
child-labour law of 2016.

Each month inspectors visit ``inspections_per_kiln_year`` x its kilns / 12 kilns in every
district (whole visits, the fraction carried to the next month, ``visits.py``; or the
absolute ``inspections_per_district`` a month), chosen at random, by risk (kilns with more
children at work, which inspectors can see) or by complaints (kilns with more bonded
families, at the complaint rate; District Vigilance Committees and awareness campaigns raise
it). At a visited kiln each bonded family is found
with probability ``detection_bonded`` (more if it knows its rights), each family with working
children with ``detection_child``, and falsified books with ``detection_books``. Bonded
families or false books found make a bonded-labour case: a fine from the owner's cash, a
conviction with probability ``conviction_rate`` (the owner goes to prison and the court frees
every bonded family at the kiln), and perhaps retaliation, the owner selling other indebted
families to another kiln with a premium on their debt (less often if it keeps the employers'
code of conduct); a share ``follow_through`` of the families found (more where a District
Vigilance Committee is active) are released and their debts extinguished (BLSA 1992 s.6). Every
release, found and followed through or freed by a conviction, goes through ``model.release``,
which also lets each released family choose where to go. Working children found stop and make
a child-labour case: a fine, and, in a share ``seal_share`` of cases (the authority's act, not
every case), the kiln sealed for ``seal_months`` (a kiln sealed a month or more loses its free
families). Inspectors see only families living at a kiln: a released family
in town, at home or in a colony is at no kiln. Nothing here makes owners comply: they see the
visits, cases and convictions, and rule 9 (``owners.py``) weighs each practice's gain against
the penalties this campaign sets.
Sources: domain.md 1.10 (Punjab police 2016-18: about 0.08 cases and 0.17 bonded persons found
per inspection, about 0.7 inspections per kiln a year in a push; Faisalabad 2021: child labour
at 14 of 104 kilns checked; fines Rs 50,000-500,000 and sealing under the 2016 ordinance ⚠),
1.9 (201 kilns sealed) with the cases of the same fortnight (nation-2016-qadri), 1.7
(punitive sales); detection of books, conviction, retaliation and costs: assumption.

Other interventions change what inspections find at five points this one offers
(``points.py``): ``complaint_rate`` (per kiln, before it is capped at 1),
``complaint_multiplier`` (per bonded family; None for none), ``detection`` (the chance a
visit finds a bonded family, per household), ``follow_through`` (per family found, before
it is capped at 1) and ``retaliation`` (the chance that each indebted family at a kiln with a
case is sold). Vigilance committees, awareness campaigns and the employers' code act there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import numpy as np
from pydantic import Field

from ..simulation.owners import POLICE, Penalty
from .base import Intervention, about, affordable
from .visits import PUSH_RATE, RATE_SOURCE, VisitCounter, VisitSpec, choose_kilns

if TYPE_CHECKING:
    from ..simulation.model import BondsimModel


class InspectionsSpec(VisitSpec):
    type: Literal["inspections"]
    inspections_per_kiln_year: float | None = Field(
        PUSH_RATE, ge=0,
        description="kiln visits a year per kiln in each district (whole visits a month, the "
                    "fraction carried); give this or inspections_per_district",
        json_schema_extra=about("visits/kiln/year", RATE_SOURCE,
                                label="visits per kiln a year"))
    inspections_per_district: int | None = Field(
        None, ge=0,
        description="the absolute alternative: kiln visits a month in each district, whatever "
                    "its kilns (default: none, the rate applies)",
        json_schema_extra=about("kiln visits/district/month", "Punjab police: 15,813 "
                                "inspections, 2016 to April 2018 [@nation-2018-police]",
                                label="kiln visits per district"))
    targeting: Literal["random", "risk_based", "complaint"] = Field(
        "random",
        description="how kilns are chosen: random, risk_based (visible child labour), complaint "
                    "(bonded families x complaint_rate)",
        json_schema_extra=about("choice", label="targeting"))
    complaint_rate: float = Field(
        0.02, ge=0, le=1,
        description="monthly chance a bonded family complains",
        json_schema_extra=about("per bonded household-month", "assumption",
                                label="complaints by bonded families"))
    detection_bonded: float = Field(
        0.0035, ge=0, le=1,
        description="chance a visit finds a given bonded family (owing an owner who holds it, "
                    "the law's sense); set so that cases per inspection are about 0.08 (0.085 "
                    "in the Punjab 2016-18 replay)",
        json_schema_extra=about("per family and visit", "[derived] 1,301 cases in 15,813 "
                                "inspections [@nation-2018-police]",
                                label="visit finds a bonded family"))
    detection_child: float = Field(
        0.0125, ge=0, le=1,
        description="chance a visit finds a family's working children; set so that child labour "
                    "is found at about 13.5% of kilns visited (about 12 families a kiln with "
                    "working children at baseline)",
        json_schema_extra=about("per family and visit", "[derived] child labour at 14 of 104 "
                                "kilns checked [@urdupoint-2021-june]",
                                label="visit finds working children"))
    follow_through: float = Field(
        0.7, ge=0, le=1,
        description="share of bonded families found who are actually released (District Vigilance "
                    "Committees raise it)",
        json_schema_extra=about("share", "assumption", label="families found who are released"))
    fine: float = Field(
        50000.0, ge=0,
        description="per case",
        json_schema_extra=about("Rs", "fines of Rs 50,000-500,000 under the Punjab 2016 "
                                "ordinance [@nation-2016-arrests] (⚠ reports conflict); a "
                                "sum fixed by law is not indexed: read at face value in "
                                "2019-20 prices (assumption: not revised by then)",
                                price_year=2020, label="fine per bonded-labour case"))
    conviction_rate: float = Field(
        0.1, ge=0, le=1,
        description="share of cases ending in a conviction (the owner is imprisoned and the court "
                    "frees every bonded family at the kiln, BLSA 1992 s.6); owners learn it",
        json_schema_extra=about("share", "assumption: Punjab alone reports convictions "
                                "[@us-tip-reports]", label="cases ending in a conviction"))
    fine_child_labour: float = Field(
        50000.0, ge=0,
        description="per child-labour case",
        json_schema_extra=about("Rs", "Rs 50,000-500,000 under the Punjab 2016 ordinance "
                                "[@nation-2016-arrests] (⚠); a sum fixed by law is not "
                                "indexed: read at face value in 2019-20 prices (assumption: "
                                "not revised by then)", price_year=2020,
                                label="fine per child-labour case"))
    seal_months: float = Field(
        0.25, ge=0,
        description="months a kiln is sealed when a child-labour case seals it (no moulding; at "
                    "a month or more its free families move away)",
        json_schema_extra=about("months", "sealed 7 days under the Punjab 2016 ordinance "
                                "[@nation-2016-arrests] (⚠)",
                                label="kiln sealed after a child-labour case"))
    seal_share: float = Field(
        0.40, ge=0, le=1,
        description="share of child-labour cases in which the kiln is sealed (the authority's "
                    "act); owners weigh seal_share x seal_months a case; plausible 0.2-1.0",
        json_schema_extra=about("share of child-labour cases", "[derived] 201 kilns sealed "
                                "against 498 child-labour cases (FIRs) in the 2016 "
                                "ordinance's first fortnight [@nation-2016-qadri]; range "
                                "assumption: half that share to every case",
                                label="child-labour cases that seal the kiln"))
    detection_books: float = Field(
        0.02, ge=0, le=1,
        description="chance a visit finds falsified books at a kiln that over-records advances",
        json_schema_extra=about("per visit", "assumption", label="visit finds falsified books"))
    retaliation: float = Field(
        0.1, ge=0, le=1,
        description="chance an owner with a case sells each family still in debt to another kiln",
        json_schema_extra=about("per family and case", "assumption: 10 of 22 families sold "
                                "after a wage demand [@tns-law-on-bonded-labour]",
                                label="families sold in retaliation"))
    retaliation_premium: float = Field(
        0.15, ge=0,
        description="premium added to a family's debt when sold in retaliation",
        json_schema_extra=about("share of debt", "assumption: the peshgi was raised by Rs "
                                "25,000 [@tns-law-on-bonded-labour]",
                                label="premium on a debt sold in retaliation"))
    cost_per_inspection: float = Field(
        5000.0, ge=0,
        description="per visit",
        json_schema_extra=about("Rs", "assumption", price_year=2020, label="cost per visit"))
    cost_per_release: float = Field(
        10000.0, ge=0,
        description="to process a release (court, transport)",
        json_schema_extra=about("Rs", "assumption", price_year=2020, label="cost per release"))


class Inspections(Intervention):
    spec_class = InspectionsSpec
    spec: InspectionsSpec

    def __init__(self, spec: InspectionsSpec) -> None:
        super().__init__(spec)
        self.convictions = 0
        self.visits = VisitCounter()

    def weights(self, model: BondsimModel) -> np.ndarray | None:
        """Per-kiln weights for choosing visits (None: uniform)."""
        hh, k = model.hh, model.ow.k
        if self.spec.targeting == "risk_based":
            # children working at a kiln (a family off the kilns is seen at none)
            working = np.where(hh.at_kiln, hh.work_5_9 + hh.work_10_14, 0).astype(np.float64)
            return 1.0 + np.bincount(hh.kiln, weights=working, minlength=k)
        if self.spec.targeting == "complaint":
            rate = np.full(k, self.spec.complaint_rate)
            for handler in model.at("complaint_rate"):  # e.g. active vigilance committees
                rate = handler(model, rate)
            rate = np.minimum(rate, 1.0)
            multipliers = model.at("complaint_multiplier")
            if multipliers:  # e.g. families who know their rights complain more
                bonded = np.flatnonzero(hh.bonded)
                boost = None
                for handler in multipliers:
                    boost = handler(model, bonded, boost)
                if boost is not None:
                    return self.family_complaints(model, rate, bonded, boost)
            bonded = np.bincount(hh.kiln, weights=hh.bonded.astype(np.float64), minlength=k)
            return 1.0 - (1.0 - rate) ** bonded  # chance of at least one complaint
        return None

    @staticmethod
    def family_complaints(model: BondsimModel, rate: np.ndarray, bonded: np.ndarray,
                          boost: np.ndarray) -> np.ndarray:
        """Per kiln, the chance that at least one bonded family complains, when bonded family
        i (``bonded``) at kiln k complains with r_i = min(rate_k x boost_i, 1)."""
        hh = model.hh
        kiln = hh.kiln[bonded]
        r = np.minimum(rate[kiln] * boost, 1.0)
        with np.errstate(divide="ignore"):  # r = 1: a sure complaint, log(0) = -inf
            silent = np.bincount(kiln, weights=np.log1p(-r), minlength=model.ow.k)
        return -np.expm1(silent)  # 1 - P(no family at the kiln complains)

    def detection(self, model: BondsimModel) -> float | np.ndarray:
        """Chance that a visit finds a bonded family: ``detection_bonded``, as interventions
        at ``detection`` change it per household (e.g. families who speak up)."""
        chance: float | np.ndarray = self.spec.detection_bonded
        for handler in model.at("detection"):
            chance = handler(model, chance)
        return chance

    def choose(self, model: BondsimModel, rng: np.random.Generator, most: int) -> np.ndarray:
        """Kilns visited this month, district by district, at most ``most`` in all. With a
        rate, each call is a month: it takes the month's visits from the accumulator."""
        due = self.visits.take(self.spec, model.district_kilns)
        return choose_kilns(rng, model.district_first, model.district_kilns, due,
                            self.weights(model))[:most]

    def retaliate(self, model: BondsimModel, cases: np.ndarray, u_sold: np.ndarray,
                  u_where: np.ndarray) -> None:
        """Owners with a case sell some of their remaining indebted families to other kilns
        in the district, with a premium on their debt (where a place is free). ``u_sold``
        and ``u_where``: one uniform number per household, whether it is sold and where to."""
        if self.spec.retaliation <= 0 or cases.size == 0:
            return
        hh, ow = model.hh, model.ow
        with_case = np.zeros(ow.k, dtype=bool)
        with_case[cases] = True
        at_risk = np.flatnonzero(with_case[hh.kiln] & (hh.debt > 0.0) & ~hh.released)
        chance: float | np.ndarray = self.spec.retaliation
        for handler in model.at("retaliation"):  # e.g. owners keeping a code of conduct
            chance = handler(model, at_risk, chance)
        sold = at_risk[u_sold[at_risk] < chance]
        if sold.size == 0:
            return
        from ..simulation import mobility
        dest = mobility.pick_destinations(hh.district[sold], u_where[sold],
                                          model.district_first, model.district_kilns)
        ok = mobility.accept(hh.kiln[sold], dest, ow.capacity - ow.occupants)
        model.sell_debts(sold[ok], dest[ok], self.spec.retaliation_premium)
        model.events["families_sold_in_retaliation"] += float(np.count_nonzero(ok))

    def on_penalties(self, model: BondsimModel) -> None:
        """What owners weigh while this campaign acts: its detection, fines and sealing."""
        s = self.spec
        model.penalties["holding"] = Penalty(s.detection_bonded, s.fine, 0.0, True)
        model.penalties["child_labour"] = Penalty(s.detection_child, s.fine_child_labour,
                                                  s.seal_months, True, s.seal_share)
        model.penalties["book_inflation"] = Penalty(s.detection_books, s.fine)

    def act(self, model: BondsimModel, allowance: float) -> float:
        s, hh, ow = self.spec, model.hh, model.ow
        self.on_penalties(model)
        rng = model.streams[f"intervention:{self.name}"]
        most = affordable(allowance, s.cost_per_inspection, ow.k)
        kilns = self.choose(model, rng, most)
        # every other draw: one number per household or kiln and month, each process from a
        # stream of its own (common random numbers across paired scenarios)
        u = self.uniforms(model, "detection", hh.n)  # found or not
        u_follow = self.uniforms(model, "follow_through", hh.n)
        u_books = self.uniforms(model, "books", ow.k)
        u_convict = self.uniforms(model, "conviction", ow.k)
        u_sold = self.uniforms(model, "retaliation", hh.n)
        u_sold_where = self.uniforms(model, "retaliation_destination", hh.n)
        u_moved_where = self.uniforms(model, "dispersal_destination", hh.n)
        u_seal = self.uniforms(model, "seal", ow.k)
        visited = np.zeros(ow.k, dtype=bool)
        visited[kilns] = True
        at_visited = visited[hh.kiln] & hh.at_kiln  # families off the kilns are at no kiln
        found_bonded = at_visited & hh.bonded & (u < self.detection(model))
        working = (hh.work_5_9 > 0) | (hh.work_10_14 > 0)
        found_child = at_visited & working & (u < s.detection_child)
        # falsified books, one draw per visited kiln that over-records
        books = kilns[(ow.book_inflation[kilns] > 0.0)
                      & (u_books[kilns] < s.detection_books)]
        # a bonded-labour case where bonded families or falsified books are found, a
        # child-labour case where working children are; of the bonded families found, a share
        # is released (more where a vigilance committee follows up), as far as money allows
        found = np.flatnonzero(found_bonded)
        cases = np.union1d(hh.kiln[found], books)
        child_cases = np.unique(hh.kiln[found_child])
        follow: float | np.ndarray = s.follow_through
        for handler in model.at("follow_through"):  # e.g. active vigilance committees
            follow = handler(model, found, follow)
        follow = np.minimum(follow, 1.0)
        released = found[u_follow[found] < follow]
        # a conviction imprisons the owner, and the court frees every bonded family at the
        # kiln (BLSA 1992 s.6), not only those found
        convicted = cases[u_convict[cases] < s.conviction_rate]
        freed = found[:0]
        if convicted.size:
            at_convicted = np.zeros(ow.k, dtype=bool)
            at_convicted[convicted] = True
            freed = np.flatnonzero(hh.bonded & at_convicted[hh.kiln])
            released = np.union1d(released, freed)
        left = allowance - kilns.size * s.cost_per_inspection
        released = released[:affordable(left, s.cost_per_release, released.size)]
        model.events["children_found_working"] += float(
            hh.work_5_9[found_child].sum() + hh.work_10_14[found_child].sum())
        hh.work_5_9[found_child] = 0
        hh.work_10_14[found_child] = 0
        processed = released.size  # paid for even with the releases channel off
        by_court = np.isin(released, freed)
        released = np.union1d(model.release(released[~by_court], "inspection"),
                              model.release(released[by_court], "conviction"))
        charged = np.concatenate((cases, child_cases))
        fines = np.concatenate((np.full(cases.size, s.fine),
                                np.full(child_cases.size, s.fine_child_labour)))
        np.add.at(ow.fines_paid, charged, fines)
        np.subtract.at(ow.cash, charged, fines)
        ow.convictions[convicted] += 1
        # the authority seals a share of the kilns with a child-labour case
        sealed = child_cases[u_seal[child_cases] < s.seal_share]
        ow.sealed_months[sealed] += s.seal_months
        if s.seal_months >= 1.0 and sealed.size:
            self.disperse(model, sealed, u_moved_where)
        self.retaliate(model, cases, u_sold, u_sold_where)
        self.convictions += convicted.size
        # what owners see: the visits, and the cases and convictions in their district
        model.saw_visits(POLICE, kilns)
        model.saw_cases(cases, np.isin(cases, convicted))
        ev = model.events
        ev["inspections"] += kilns.size
        ev["cases_registered"] += cases.size
        ev["child_labour_cases"] += child_cases.size
        ev["convictions"] += convicted.size
        ev["kilns_sealed"] += sealed.size if s.seal_months > 0 else 0
        ev["fines"] += float(fines.sum())
        return kilns.size * s.cost_per_inspection + processed * s.cost_per_release

    def disperse(self, model: BondsimModel, sealed: np.ndarray, u_where: np.ndarray) -> None:
        """A kiln sealed for a month or more loses its free families (debt-free, or owing an
        owner who does not hold them): they move to other kilns of the district where a place
        is free. Families held stay and wait, borrowing as in a closure. ``u_where``: one
        uniform number per household, where it goes."""
        hh, ow = model.hh, model.ow
        at_sealed = np.zeros(ow.k, dtype=bool)
        at_sealed[sealed] = True
        free = (hh.debt <= 0.0) | ~ow.coercive[hh.kiln]
        movers = np.flatnonzero(at_sealed[hh.kiln] & hh.at_kiln & free & ~hh.released)
        if movers.size == 0:
            return
        from ..simulation import mobility
        dest = mobility.pick_destinations(hh.district[movers], u_where[movers],
                                          model.district_first, model.district_kilns)
        ok = mobility.accept(hh.kiln[movers], dest, ow.capacity - ow.occupants) & ~at_sealed[dest]
        model.let_go(movers[ok], dest[ok])
