"""Two policies acting in the same month compose: what each adds to a family's cash, to the
owners' fines, to the month's counts and to the public credit on offer adds up, and neither
wipes out what the other did (a combined package is more than its last policy).

The hand-computed set-up is ``mechanism_kit.tiny``; ``month`` below runs every intervention's
stage-0 hook of one month, as ``BondsimModel.step`` does, without the rules after it.
"""

from __future__ import annotations

import numpy as np
import pytest
from mechanism_kit import act, draws, tiny

from bondsim.interventions.cash_transfer import CashTransferSpec
from bondsim.interventions.inspections import InspectionsSpec
from bondsim.interventions.interest_free_loans import InterestFreeLoansSpec
from bondsim.interventions.minimum_piece_rate import MinimumPieceRateSpec
from bondsim.interventions.school_stipend import SchoolStipendSpec
from bondsim.interventions.vigilance_committees import VigilanceCommitteesSpec


def month(m, number: int) -> float:
    """Every intervention's stage 0 of month ``number``; their total cost."""
    m.steps = number
    m.events = dict.fromkeys(m.events, 0.0)
    total = 0.0
    for intervention in m.interventions:
        intervention.step(m)
        total += intervention.cost(m)
    return total


def _wage(label: str) -> MinimumPieceRateSpec:
    return MinimumPieceRateSpec(type="minimum_piece_rate", label=label,
                                inspections_per_district=10, fine=1000.0,
                                cost_per_inspection=100.0, detection=1.0)


def test_two_wage_inspection_drives_count_every_visit_and_every_fine():
    # both visit the two kilns, whose owners pay half the notified rate: each owner is fined
    # twice, Rs 2,000 in all; four inspections and Rs 4,000 of fines in the month
    m = tiny(_wage("north"), _wage("south"), households=4, kilns=2)
    assert month(m, 1) == pytest.approx(4 * 100.0)
    assert m.events["inspections"] == 4
    assert m.events["fines"] == pytest.approx(4000.0)
    np.testing.assert_allclose(m.ow.fines_paid, [2000.0, 2000.0])
    np.testing.assert_allclose(m.ow.cash, [-2000.0, -2000.0])


def test_wage_inspections_after_bonded_labour_inspections_add_to_the_months_count():
    raid = InspectionsSpec(type="inspections", inspections_per_district=1,
                           cost_per_inspection=0.0)
    m = tiny(raid, _wage("wages"), households=4, kilns=2)
    month(m, 1)
    assert m.events["inspections"] == 1 + 2


def test_stipend_and_transfer_in_one_month_both_reach_the_family():
    # everyone is paid the quarterly transfer (Rs 6,000); families with a child in school are
    # promised the stipend (Rs 500 a child), delivered to all: the cash adds, and a family
    # enrolled by the transfer stays enrolled whatever the stipend draws
    transfer = CashTransferSpec(type="cash_transfer", coverage=1.0, exclusion_error=0.0,
                                amount_per_quarter=6000.0, admin_cost_share=0.0)
    stipend = SchoolStipendSpec(type="school_stipend", amount_per_child=500.0, coverage=0.5,
                                delivery=1.0, admin_cost_share=0.0)
    m = tiny(transfer, stipend, households=6, kilns=1, seed=4)
    m.hh.children_5_9[:] = m.hh.school_5_9[:] = [1, 2, 0, 1, 2, 0]
    enrolled = draws(4, "school_stipend").random(6) < 0.5
    assert 0 < enrolled.sum() < 6
    children = np.array([1, 2, 0, 1, 2, 0])
    stipends = np.where(enrolled, children * 500.0, 0.0)
    assert month(m, 1) == pytest.approx(6 * 6000.0 + stipends.sum())
    np.testing.assert_allclose(m.hh.sp_cash, 6000.0 + stipends)
    assert m.hh.sp_enrolled.all()


def test_two_emergency_loan_schemes_offer_the_sum_of_their_credit():
    def scheme(label: str, most: float) -> InterestFreeLoansSpec:
        return InterestFreeLoansSpec(type="interest_free_loans", label=label,
                                     purpose="emergency", coverage=1.0, max_emergency=most)

    m = tiny(scheme("zakat", 3000.0), scheme("bait_ul_mal", 2000.0), households=3, kilns=1)
    m.steps = 1
    for intervention in m.interventions:  # stage 0; their costs are counted at month end
        intervention.step(m)
    offers = [offer(m) for offer in m.at("shortfall_credit")]  # what rule 4 is offered
    np.testing.assert_allclose(sum(o.room for o in offers), [5000.0, 5000.0, 5000.0])
    # rule 4 draws them in the scenario's order: families short of 1,000 / 4,000 / 9,000
    # draw 1,000 / 3,000 / 3,000 of the first and 0 / 1,000 / 2,000 of the second; the owner
    # lends the 4,000 the third still lacks; each scheme counts what it lent in its cost
    n = m.hh.n
    advance = m._cover(np.zeros(n), np.array([1000.0, 4000.0, 9000.0]), np.zeros(n)).advance
    np.testing.assert_allclose(advance, [0.0, 0.0, 4000.0])
    np.testing.assert_allclose(m.hh.loan_debt, [1000.0, 4000.0, 5000.0])
    assert [i.cost(m) for i in m.interventions] == [7000.0, 3000.0]


def test_emergency_credit_fits_exactly_and_none_for_families_not_enrolled():
    # a budget of exactly two families' credit: both fit (the budget is spent to the rupee);
    # the family not enrolled is offered nothing
    spec = InterestFreeLoansSpec(type="interest_free_loans", purpose="emergency",
                                 coverage=0.6, max_emergency=3000.0, budget=6000.0)
    m = tiny(spec, households=4, kilns=1, seed=3)
    enrolled = draws(3, "interest_free_loans").random(4) < 0.6
    assert enrolled.sum() == 3  # so Rs 9,000 asked of Rs 6,000: two of three in a random order
    act(m, 1)
    room = m.interventions[0].on_shortfall_credit(m).room  # what it offers in rule 4
    assert (room[~enrolled] == 0.0).all()
    assert sorted(room[enrolled].tolist()) == [0.0, 3000.0, 3000.0]
    # without a budget every enrolled family is offered the most, the others nothing
    unlimited = spec.model_copy(update={"budget": None})
    m = tiny(unlimited, households=4, kilns=1, seed=3)
    act(m, 1)
    room = m.interventions[0].on_shortfall_credit(m).room
    np.testing.assert_array_equal(room, np.where(enrolled, 3000.0, 0.0))


def test_vigilance_committees_for_a_district_the_model_lacks_name_it():
    spec = VigilanceCommitteesSpec(type="vigilance_committees", districts=["Quetta", "A"])
    m = tiny(spec, households=4, kilns=2, districts=("A",))
    with pytest.raises(ValueError, match=r"unknown districts \['Quetta'\]; the model has"):
        act(m, 1)
