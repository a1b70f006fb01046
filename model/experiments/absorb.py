"""Absorptive capacity: the most an intervention can spend in one district over its window.

Money an intervention cannot spend is not a plan: a search that puts Rs 2 million into
rehabilitation where inspections release a handful of families has spent Rs 100,000 and
claims the rest. Each intervention's capacity is computed from the district's families and
kilns, the model's parameters for the district, the other interventions in the same district
(rehabilitation serves only families that inspections release; a CNIC drive widens who can
enrol in a cash transfer) and the intervention's own unit costs, which are its fields in the
scenario or plan (defaults and their sources: ``docs/parameters.md``).

The convention: counts drawn at random use their expected values (coverage, exclusion error,
children per family), except releases, rare events whose 95th percentile is taken; states
that evolve with the simulation take their most favourable value for spending (every child in
school, every indebted family at a visited kiln bonded, every payment delivered). So a
capacity is an upper estimate of what the model can spend, not a forecast: check
``spent_mean`` in a plan's ``allocations.csv`` for what it did spend.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..interventions import REGISTRY
from ..interventions.base import InterventionSpec
from ..interventions.visits import visits_over


@dataclass(frozen=True)
class District:
    """What a capacity needs to know about the district an intervention runs in."""

    households: int
    kilns: int
    horizon: int
    params: dict[str, Any]
    others: tuple[InterventionSpec, ...]   # every intervention of the scenario

    @property
    def families_per_kiln(self) -> float:
        return self.households / max(self.kilns, 1)

    def of_type(self, kind: str) -> list[Any]:
        return [s for s in self.others if s.type == kind]


def district(scenario: dict[str, Any]) -> District:
    """The district of a one-district scenario's data (as ``districts.district_scenario``
    builds them): its population, parameters (defaults overlaid) and interventions."""
    from ..simulation.parameters import Params

    params = {f.name: f.default for f in dataclasses.fields(Params)}
    params.update(scenario.get("parameters", {}))
    population = scenario.get("population", {})
    return District(households=int(population.get("households", 0)),
                    kilns=int(population.get("kilns", 1)),
                    horizon=int(scenario.get("horizon", 0)), params=params,
                    others=tuple(spec(item) for item in scenario.get("interventions", [])))


def spec(item: dict[str, Any]) -> Any:
    """An intervention's validated spec, every field filled in."""
    return REGISTRY[item["type"]].spec_class.model_validate(item)


def months(s: InterventionSpec, horizon: int, last: int | None = None) -> int:
    """Months the intervention acts within the horizon (and up to month ``last``)."""
    end = min(s.end or horizon, horizon, last if last is not None else horizon)
    return max(end - s.start + 1, 0)


def _affordable_units(s: Any, most: float, unit_cost: float) -> float:
    """``most`` units, or fewer if the intervention's budget cannot pay for them."""
    if s.budget is None or unit_cost <= 0:
        return most
    return min(most, math.floor(s.budget / unit_cost))


def releases(s: Any, d: District, last: int | None = None) -> float:
    """Families an inspection allocation can release up to month ``last``: visits (the
    monthly visits, rate x kilns / 12 or the count, at most the kilns, for the months it
    acts, as far as its budget pays for them) x families per kiln x the indebted share (each
    counted as bonded) x the chance a visit finds a bonded family (raised by an awareness
    campaign's report multiplier) x the follow-through (raised by a vigilance committee)."""
    visits = _affordable_units(s, visits_over(s, d.kilns, months(s, d.horizon, last)),
                               s.cost_per_inspection)
    report = max([a.report_multiplier for a in d.of_type("awareness")], default=1.0)
    gain = max([v.follow_through_gain for v in d.of_type("vigilance_committees")],
               default=0.0)
    found = min(s.detection_bonded * report, 1.0)
    follow = min(s.follow_through + gain, 1.0)
    return (visits * d.families_per_kiln * float(d.params["initial_indebted_share"]) * found
            * follow)


def hearings(s: Any, d: District, last: int | None = None) -> float:
    """Complaints a vigilance committee can hear up to month ``last``: households x the
    indebted share (each counted as bonded) x the complaint rate (raised by an awareness
    campaign's complaint multiplier) x months, as far as its budget pays for them after the
    running cost."""
    boost = max([a.complaint_multiplier for a in d.of_type("awareness")], default=1.0)
    rate = min(s.complaint_rate * boost, 1.0)
    m = months(s, d.horizon, last)
    expected = d.households * float(d.params["initial_indebted_share"]) * rate * m
    if s.budget is None or s.cost_per_hearing <= 0:
        return expected
    left = s.budget - s.cost_per_committee_month * m
    return min(expected, max(math.floor(left / s.cost_per_hearing), 0))


def petitions(s: Any, d: District, last: int | None = None) -> float:
    """Court petitions filed up to month ``last``: kilns x petitions per kiln-year x months
    / 12, as far as the budget pays for them."""
    expected = d.kilns * s.petitions_per_kiln_year * months(s, d.horizon, last) / 12.0
    return _affordable_units(s, expected, s.cost_per_petition)


def all_releases(d: District, last: int | None = None) -> float:
    """Families the district's release routes can release up to month ``last``: inspections
    (``releases``), committees' hearings x their release share, petitions x their success."""
    return (sum(releases(i, d, last) for i in d.of_type("inspections"))
            + sum(hearings(v, d, last) * v.hearing_release
                  for v in d.of_type("vigilance_committees"))
            + sum(petitions(c, d, last) * c.success_rate for c in d.of_type("court_petitions")))


SURE = 0.95  # plan for this quantile of a random count of releases


def likely_most(expected: float) -> float:
    """The ``SURE`` quantile of a Poisson count with this mean. Releases are rare events: a
    district expecting 4.5 releases has one chance in twenty of 9 or more, and money capped
    at the mean would run out in many runs."""
    return poisson_quantile(SURE, expected)


def poisson_quantile(q: float, mean: float) -> float:
    """The smallest ``k`` with P(K <= k) >= ``q`` for K ~ Poisson(``mean``): what
    ``scipy.stats.poisson.ppf`` gives (tested against it), summed here in log space from where
    the lower tail is negligible, so that checking a plan file does not import SciPy."""
    if mean <= 0:
        return 0.0
    k = max(0, int(mean - 12.0 * math.sqrt(mean) - 12.0))  # P(K < k) is below 1e-30
    cdf = 0.0
    while True:
        cdf += math.exp(k * math.log(mean) - mean - math.lgamma(k + 1.0))
        if cdf >= q * (1.0 - 1e-12):
            return float(k)
        k += 1


def eligible_share(cnic_required: bool, d: District) -> float:
    """The share of families who may enrol where a CNIC is required: those holding one, plus
    as many as the district's CNIC drives can register."""
    if not cnic_required:
        return 1.0
    share = float(d.params["cnic_share"])
    registered = sum(_cnic_registrations(c, d) for c in d.of_type("cnic_drive"))
    return min(share + registered / max(d.households, 1), 1.0)


def _cnic_registrations(s: Any, d: District) -> float:
    without = d.households * (1.0 - float(d.params["cnic_share"]))
    return _affordable_units(s, min(s.registrations_per_month * months(s, d.horizon),
                                    without), s.cost_per_registration)


def _children(d: District) -> float:
    return float(d.params["children_5_9_mean"]) + float(d.params["children_10_14_mean"])


# --- one function per intervention: Rs it can spend in the district over its window -----

def inspections(s: Any, d: District) -> float:
    """Visits x cost per visit + releases x cost per release: visits are
    inspections_per_kiln_year x kilns / 12 (or inspections_per_district) a month, at most the
    kilns, for the months it acts (``visits.visits_over``); releases the 95th percentile
    (``likely_most``) of those expected in ``releases``."""
    visits = visits_over(s, d.kilns, months(s, d.horizon))
    return visits * s.cost_per_inspection + likely_most(releases(s, d)) * s.cost_per_release


def rehabilitation(s: Any, d: District) -> float:
    """Families offered the package: the 95th percentile (``likely_most``) of those expected
    to be released by the district's routes (``all_releases``) early enough to be served
    ``delay_months`` later within the window, x coverage; each x (cash grant + training +
    housing), + education support for each child 5-14 of those families for the months it
    acts."""
    last = (s.end or d.horizon) - s.delay_months
    released = all_releases(d, last)
    families = likely_most(released * s.coverage)
    package = s.cash_grant + s.training_cost + s.housing_cost
    support = families * _children(d) * s.education_support * months(s, d.horizon)
    return families * package + support


def cash_transfer(s: Any, d: District) -> float:
    """Enrolled families x payments x amount x (1 + admin): enrolled = households x coverage
    x (1 - exclusion error) x the share eligible (``eligible_share``); one payment a quarter
    from the start."""
    enrolled = (d.households * s.coverage * (1.0 - s.exclusion_error)
                * eligible_share(s.cnic_required, d))
    payments = math.ceil(months(s, d.horizon) / 3)
    return enrolled * payments * s.amount_per_quarter * (1.0 + s.admin_cost_share)


def cnic_drive(s: Any, d: District) -> float:
    """min(registrations a month x months, households without a CNIC) x cost per
    registration."""
    without = d.households * (1.0 - float(d.params["cnic_share"]))
    return min(s.registrations_per_month * months(s, d.horizon), without) * (
        s.cost_per_registration)


def interest_free_loans(s: Any, d: District) -> float:
    """Buy-outs: min(loans a month x months, households x coverage) x (max loan + admin),
    one per family; emergency credit: households x coverage x max emergency x (1 + months /
    instalment months), re-lent as it is repaid. What was lent less what was repaid is what
    it spends, so this gross lending bounds it."""
    borrowers = d.households * s.coverage
    total = 0.0
    if s.purpose != "emergency":
        total += min(s.loans_per_month * months(s, d.horizon), borrowers) * (
            s.max_loan + s.admin_cost_per_loan)
    if s.purpose != "buyout":
        total += borrowers * s.max_emergency * (1.0 + months(s, d.horizon)
                                                / s.instalment_months)
    return total


def health_cover(s: Any, d: District) -> float:
    """Covered families x premium x months: households x coverage x the share eligible."""
    covered = d.households * s.coverage * eligible_share(s.cnic_required, d)
    return covered * s.premium * months(s, d.horizon)


def school_stipend(s: Any, d: District) -> float:
    """Enrolled families x children 5-14 per family (all in school) x amount x months x
    (1 + admin), every payment delivered."""
    children = d.households * s.coverage * _children(d)
    return children * s.amount_per_child * months(s, d.horizon) * (1.0 + s.admin_cost_share)


def advance_cap(s: Any, d: District) -> float:
    """Kilns x cost per kiln a month x months."""
    return d.kilns * s.cost_per_kiln_month * months(s, d.horizon)


def vigilance_committees(s: Any, d: District) -> float:
    """One committee in the district x cost a month x months, + the 95th percentile
    (``likely_most``) of the complaints it can hear (``hearings``) x cost per hearing."""
    return (s.cost_per_committee_month * months(s, d.horizon)
            + likely_most(hearings(s, d)) * s.cost_per_hearing)


def court_petitions(s: Any, d: District) -> float:
    """The 95th percentile (``likely_most``) of the petitions filed (``petitions``) x cost
    per petition."""
    return likely_most(petitions(s, d)) * s.cost_per_petition


def minimum_piece_rate(s: Any, d: District) -> float:
    """Wage inspections over the months it acts (``visits.visits_over``: rate x kilns / 12
    or the count a month, at most the kilns) x cost per inspection."""
    return visits_over(s, d.kilns, months(s, d.horizon)) * s.cost_per_inspection


def employer_code(s: Any, d: District) -> float:
    """Kilns that may keep the code (max share x kilns) x cost per adoption, again for those
    that lapse when there is no follow-up (lapse rate x months), + a follow-up per kiln a
    month with it."""
    members = math.floor(s.max_share * d.kilns + 1e-9)
    m = months(s, d.horizon)
    if s.follow_up:
        return members * (s.cost_per_adoption + s.cost_per_follow_up * m)
    return members * s.cost_per_adoption * (1.0 + s.lapse_rate * m)


def awareness(s: Any, d: District) -> float:
    """Households reached a month (reach x households) x cost per household x months."""
    return round(s.reach_per_month * d.households) * s.cost_per_household * months(
        s, d.horizon)


CAPACITY: dict[str, Callable[[Any, District], float]] = {
    "inspections": inspections, "rehabilitation": rehabilitation,
    "cash_transfer": cash_transfer, "cnic_drive": cnic_drive,
    "interest_free_loans": interest_free_loans, "health_cover": health_cover,
    "school_stipend": school_stipend, "advance_cap": advance_cap,
    "vigilance_committees": vigilance_committees, "court_petitions": court_petitions,
    "minimum_piece_rate": minimum_piece_rate,
    "employer_code": employer_code, "awareness": awareness,
}


def capacity(item: dict[str, Any], scenario: dict[str, Any]) -> float:
    """Rs the intervention ``item`` can spend in the district of ``scenario`` (whose
    interventions it reads as the district's others) over its window, whole rupees."""
    return float(math.floor(CAPACITY[item["type"]](spec(item), district(scenario)) + 1e-6))


def cap(items: list[dict[str, Any]], base: dict[str, Any]) -> list[dict[str, Any]]:
    """``items`` (one district's allocations) with every budget lowered to its absorptive
    capacity, given the district scenario ``base`` and the other items. Twice: a
    rehabilitation's capacity depends on the inspections' budgets, and a cash transfer's on
    a CNIC drive's, which the first pass may lower."""
    out = [dict(item) for item in items]
    for _ in range(2):
        scenario = dict(base, interventions=list(base.get("interventions", [])) + out)
        for item in out:
            item["budget"] = float(min(item["budget"], capacity(item, scenario)))
    return out
