"""Tiny models with easy numbers, for the tests that pin each intervention's mechanism
(``test_mechanisms_*.py``).

``tiny`` builds a model of a few households and kilns and then sets their state to round
figures, so a test can compute every expected value by hand in its comments:

- households are spread over kilns in blocks (household i at kiln i x kilns // households);
- every family has one adult moulder and nobody else: no children, no dependants;
- nobody owes, saves, is bonded or released, has an outside work option or is a seasonal
  migrant; everybody holds a CNIC;
- every owner pays half the notified rate of Rs 1,000 per 1,000 bricks, i.e. Rs 0.5 a brick,
  deducts a quarter, lends up to 8 months of pay, inflates no book, believes in the background
  chance of a visit, bans no child's work and holds its indebted families (rule 9 may change
  these practices when the model steps);
- an open month has 25 x (1 - 0.2) = 20 days of 500 bricks per adult, so one adult earns
  500 x 20 x 0.5 = Rs 5,000 a month and the owner's lending limit is 8 x 5,000 = Rs 40,000;
- owners count on collecting a debt for 1,000 years (rule 5b), so at the markup of 30 % a year
  they let a family owe up to what a deduction of 0.25 x 5,000 x 10/12 a month is worth
  forever, 1,041.67 x 12 / 0.3 = Rs 41,667 (a hair less), above the lending limit: the
  ceiling stays out of the way unless a test sets it;
- rule 10 (demography) is off: members never change, and rule 3 draws marriage shocks.

``act`` runs one intervention's monthly stage-0 hook for a given month (its window and
budget apply, as in ``BondsimModel.step``) and returns its cost that month.
"""

from __future__ import annotations

import numpy as np

from bondsim import BondsimModel, Params
from bondsim.interventions import build
from bondsim.simulation.rng import Streams
from bondsim.simulation.shocks import consumption_need

INF = float("inf")
#: inspections with every side effect off (deterrence, retaliation, convictions, children
#: found), so a test sees only the mechanism it switches on
QUIET_INSPECTIONS = {"retaliation": 0.0, "conviction_rate": 0.0, "detection_child": 0.0,
                     "detection_books": 0.0}
EASY = {"notified_piece_rate": 1000.0, "working_days_per_month": 25.0, "rain_loss_share": 0.2,
        "bricks_per_adult_day": 500.0, "advance_limit_months": 8.0,
        "debt_recovery_years": 1000.0, "demography": 0}
ADULT_PAY = 5000.0  # Rs a month: 500 bricks x 20 days x Rs 0.5
LIMIT = 40000.0  # the owners' lending limit: 8 months of ADULT_PAY


def tiny(*specs, households=6, kilns=2, districts=("A",), seed=0, district_parameters=None,
         **params) -> BondsimModel:
    """A model of ``households`` one-adult families at ``kilns`` kilns with easy numbers (and
    any district's own terms, ``district_parameters``)."""
    p = Params(**{**EASY, **params})
    m = BondsimModel(p, households=households, kilns=kilns, districts=districts, seed=seed,
                     interventions=build(specs), district_parameters=district_parameters)
    hh, ow = m.hh, m.ow
    for name in ("adults",):
        getattr(hh, name)[:] = 1
    for name in ("dependants", "children_0_4", "children_5_9", "children_10_14", "work_5_9",
                 "work_10_14", "school_5_9", "school_10_14", "women", "women_paid",
                 "girls_5_9", "girls_10_14", "girls_work_5_9", "girls_work_10_14",
                 "girls_school_5_9", "girls_school_10_14"):
        getattr(hh, name)[:] = 0
    for name in ("debt", "outside_debt", "savings", "sp_cash", "unmet_need", "outside_income",
                 "stipend", *m.added_columns["hh"]):  # and the columns interventions add
        getattr(hh, name)[:] = 0.0
    hh.bonded[:] = hh.released[:] = hh.rehabilitated[:] = hh.sp_enrolled[:] = False
    hh.outside_access[:] = hh.outside_option[:] = False
    hh.migrant[:] = hh.away[:] = False  # nobody goes home for the monsoon (rule 1b)
    hh.cnic[:] = True
    hh.months_bonded[:] = 0
    hh.released_month[:] = hh.rehabilitated_month[:] = -1
    ow.base_paid_ratio[:] = ow.paid_ratio[:] = 0.5
    ow.deduction_share[:] = 0.25
    ow.advance_limit_months[:] = 8.0
    ow.base_book_inflation[:] = ow.book_inflation[:] = 0.0
    ow.belief_police[:] = p.prior_police_visits / 12.0
    ow.belief_wage[:] = p.prior_wage_visits / 12.0
    ow.child_ban[:] = False
    ow.coercive[:] = ow.prepared_to_hold[:] = True
    ow.pay_mode[:] = 1  # underpays openly
    ow.cash[:] = ow.fines_paid[:] = 0.0
    # what the model derived at start from the households' composition, now all one adult
    m._adult_bricks = np.full(hh.n, p.bricks_per_adult_day)
    m._adult_open_bricks = m._adult_bricks * m._days_open
    m._need = consumption_need(hh.size, p, m.local["need_per_person"][hh.district])
    m._buffer = p.savings_buffer_months * m._need
    m._capacity_need = 12.0 * m._need
    m.children_5_14 = m.girls_5_14 = 0
    m.adult_moulders, m.women_moulders = hh.n, 0
    m.refresh_terms()
    return m


def act(m: BondsimModel, month: int, which: int = 0) -> float:
    """Run intervention ``which``'s stage-0 hook as month ``month`` does; return its cost."""
    m.steps = month
    m.events = dict.fromkeys(m.events, 0.0)
    m.ledger.open(float(m.hh.debt.sum()))
    intervention = m.interventions[which]
    intervention.step(m)
    return intervention.cost(m)


def draws(seed: int, name: str, process: str | None = None) -> np.random.Generator:
    """A fresh copy of an intervention's own random stream (or of the stream of one of its
    processes, ``Intervention.uniforms``), to replay its draws by hand."""
    return Streams(seed)[f"intervention:{name}" + (f":{process}" if process else "")]


def owner_advance(m: BondsimModel, need: float) -> np.ndarray:
    """Rule 4 for a month in which each family has no cash and needs ``need``: what its owner
    lends (after any public credit), with the kiln terms as rule 1 refreshes them."""
    m.refresh_terms()
    n = m.hh.n
    flows = m._cover(np.zeros(n), np.full(n, need), np.full(n, ADULT_PAY))
    return flows.advance


def quiet_inspections(**fields):
    """An inspections spec with ``QUIET_INSPECTIONS`` and then ``fields``."""
    from bondsim.interventions.inspections import InspectionsSpec

    return InspectionsSpec(type="inspections", **{**QUIET_INSPECTIONS, **fields})


# -- release routes and where released families go (``test_release.py``,
# ``test_mechanisms_release.py``) ---------------------------------------------------------------
#: the wage and rent at their source figures (Rs 600 a day of 2022, Rs 1,000 a month of 2021),
#: not their defaults converted to 2020 prices, for easy numbers
EASY_OFF = {"outside_daily_wage": 600.0, "town_rent": 1000.0}
KILN_PAY = ADULT_PAY * 10 / 12  # one adult at another kiln, 10 open months of 12


def release_tiny(*specs, **params):
    """``tiny`` with ``EASY_OFF``: what families off the kilns earn and pay in easy numbers."""
    return tiny(*specs, **{**EASY_OFF, **params})


def court(**fields):
    from bondsim.interventions.court_petitions import CourtPetitionsSpec

    return CourtPetitionsSpec(type="court_petitions", **fields)


def committees(**fields):
    """Vigilance committees that only hear complaints: no boost to inspections' complaints or
    follow-through, and free to run, unless ``fields`` say otherwise."""
    from bondsim.interventions.vigilance_committees import VigilanceCommitteesSpec

    base = {"complaint_boost": 1.0, "follow_through_gain": 0.0, "cost_per_committee_month": 0.0}
    return VigilanceCommitteesSpec(type="vigilance_committees", **{**base, **fields})
