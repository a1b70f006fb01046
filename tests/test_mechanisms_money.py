"""Issue 15: the mechanisms of the interventions that pay or lend, on tiny models, by hand.

Cash transfer, school stipend, health cover, CNIC drive and interest-free loans: who is
enrolled (coverage, CNIC gating), what reaches the family (delivery, the quarterly rhythm),
what rule 3 or rule 4 then does with it, and every budget path (no budget, a budget with the
admin cost in the check, a budget that runs out, instalments re-lent). ``mechanism_kit``
explains the easy numbers (one-adult families earning Rs 5,000, need Rs 4,450 a month).
"""

from __future__ import annotations

import numpy as np
import pytest
from mechanism_kit import act, draws, owner_advance, tiny

from bondsim.interventions.cash_transfer import CashTransferSpec
from bondsim.interventions.cnic_drive import CnicDriveSpec
from bondsim.interventions.health_cover import HealthCoverSpec
from bondsim.interventions.interest_free_loans import InterestFreeLoansSpec
from bondsim.interventions.school_stipend import SchoolStipendSpec
from bondsim.simulation.rng import Streams

NEED = 3000.0 + 1450.0  # need_base + need_per_person for a one-person family


# -- cash transfer ------------------------------------------------------------------------------
def _cash(**fields):
    return CashTransferSpec(type="cash_transfer", **fields)


def test_cash_transfer_enrols_cnic_holders_within_coverage_by_hand():
    spec = _cash(amount_per_quarter=1000.0, coverage=0.8, exclusion_error=0.25,
                 admin_cost_share=0.1, start=2)
    m = tiny(spec, households=6, kilns=1, seed=3)
    m.hh.cnic[:] = [True, False, True, True, True, False]
    # enrolled if the household's draw < 0.8 x (1 - 0.25) = 0.6 and it holds a CNIC
    u = draws(3, "cash_transfer").random(6)
    assert (u < 0.6).tolist() == [True, True, False, False, True, False]
    assert act(m, 1) == 0.0  # before the start
    assert not m.hh.sp_cash.any()
    # household 1 is drawn but has no CNIC; 2 and 3 have one but are not drawn
    assert act(m, 2) == pytest.approx(2 * 1000.0 * 1.1)
    assert m.hh.sp_enrolled.tolist() == [True, False, False, False, True, False]
    assert m.hh.sp_cash.tolist() == [1000.0, 0, 0, 0, 1000.0, 0]
    m.hh.sp_cash[:] = 0.0  # as the model's month does
    assert act(m, 3) == act(m, 4) == 0.0  # paid quarterly from the start: months 2, 5, 8
    assert not m.hh.sp_cash.any()
    m.hh.cnic[1] = True  # a CNIC drive: re-checked at the next payment
    assert act(m, 5) == pytest.approx(3 * 1100.0)
    assert m.hh.sp_cash.tolist() == [1000.0, 1000.0, 0, 0, 1000.0, 0]


def test_cash_transfer_to_everyone_when_no_cnic_is_required():
    m = tiny(_cash(amount_per_quarter=1000.0, coverage=1.0, exclusion_error=0.0,
                   cnic_required=False, admin_cost_share=0.0), households=4, kilns=1)
    m.hh.cnic[:] = False
    assert act(m, 1) == pytest.approx(4000.0)
    assert m.hh.sp_enrolled.all()


def test_cash_is_spent_before_borrowing_from_the_owner():
    m = tiny(_cash(amount_per_quarter=1000.0, coverage=1.0, exclusion_error=0.0),
             households=4, kilns=1)
    m.hh.cnic[:] = [True, True, False, False]
    act(m, 1)
    # no cash of their own and a need of 3,000: the enrolled borrow 3,000 - 1,000
    np.testing.assert_allclose(owner_advance(m, 3000.0), [2000.0, 2000.0, 3000.0, 3000.0])


def test_cash_transfer_budget_counts_the_admin_cost():
    spec = _cash(amount_per_quarter=1000.0, coverage=1.0, exclusion_error=0.0,
                 cnic_required=False, admin_cost_share=0.1, budget=3200.0)
    m = tiny(spec, households=6, kilns=1, seed=2)
    # Rs 1,100 a family with the admin share: Rs 3,200 pays two (three would cost 3,300);
    # those two are the lowest of the fixed draws
    u = draws(2, "cash_transfer").random(6)
    first = sorted(np.argsort(u, kind="stable")[:2].tolist())
    assert act(m, 1) == pytest.approx(2200.0)
    assert np.flatnonzero(m.hh.sp_cash).tolist() == first
    assert np.flatnonzero(m.hh.sp_enrolled).tolist() == first
    m.hh.sp_cash[:] = 0.0
    assert act(m, 4) == 0.0  # Rs 1,000 left pays nobody
    assert not m.hh.sp_cash.any()


# -- school stipend ---------------------------------------------------------------------------
def _stipend(**fields):
    return SchoolStipendSpec(type="school_stipend", **fields)


def _pupils(m):
    m.hh.children_5_9[:] = m.hh.school_5_9[:] = [1, 1, 1, 0, 2, 1]
    m.hh.children_10_14[:] = m.hh.school_10_14[:] = [0, 1, 0, 1, 0, 0]
    # children in school: 1, 2, 1, 1, 2, 1


def test_school_stipend_paid_only_when_delivered_by_hand():
    spec = _stipend(amount_per_child=700.0, coverage=0.5, delivery=0.5, admin_cost_share=0.1)
    m = tiny(spec, households=6, kilns=1, seed=0)
    _pupils(m)
    rng = draws(0, "school_stipend")
    enrolled = rng.random(6) < 0.5
    delivered = enrolled & (rng.random(6) < 0.5)
    assert enrolled.tolist() == [False, True, True, True, False, True]
    assert delivered.tolist() == [False, True, False, False, False, True]
    # paid: household 1's two pupils and household 5's one; 2 and 3 are promised but unpaid
    assert act(m, 1) == pytest.approx((1400.0 + 700.0) * 1.1)
    assert m.hh.sp_cash.tolist() == [0.0, 1400.0, 0.0, 0.0, 0.0, 700.0]
    assert m.hh.stipend.tolist() == [0.0, 700.0, 700.0, 700.0, 0.0, 700.0]  # rule 6's promise
    assert m.hh.sp_enrolled.tolist() == enrolled.tolist()
    # next month: fresh delivery draws, the same enrolment
    m.hh.sp_cash[:] = 0.0
    again = enrolled & (rng.random(6) < 0.5)
    pupils = np.array([1, 2, 1, 1, 2, 1])
    assert act(m, 2) == pytest.approx(float((pupils * 700.0)[again].sum()) * 1.1)
    np.testing.assert_allclose(m.hh.sp_cash, np.where(again, pupils * 700.0, 0.0))


def test_school_stipend_lapses_when_the_budget_cannot_pay_a_month():
    spec = _stipend(amount_per_child=500.0, coverage=1.0, delivery=1.0, admin_cost_share=0.2,
                    budget=9600.0)
    m = tiny(spec, households=6, kilns=1)
    _pupils(m)
    # 8 pupils x 500 x 1.2 = 4,800 a month: exactly two months fit in 9,600
    assert act(m, 1) == pytest.approx(4800.0)
    m.hh.sp_cash[:] = 0.0
    assert act(m, 2) == pytest.approx(4800.0)
    m.hh.sp_cash[:] = 0.0
    assert act(m, 3) == 0.0  # nothing left
    assert not m.hh.sp_cash.any()
    assert not m.hh.stipend.any()  # the promise lapses too


def test_the_stipend_gives_a_family_room_to_school_a_child():
    m = tiny(_stipend(amount_per_child=600.0, coverage=1.0, delivery=0.0), households=2,
             kilns=1)
    act(m, 1)
    # a child's pay: 200 bricks x 20 days x Rs 0.5 = 2,000; the owner would lend 1,500 more
    from test_interventions_8 import flows
    f = flows(2, slack=np.array([1500.0, 1300.0]))
    assert m.terms.child_pay.tolist() == [2000.0, 2000.0]
    assert m._has_room(f).tolist() == [True, False]  # 1,500 + 600 >= 2,000 > 1,300 + 600


# -- health cover --------------------------------------------------------------------------------
SHOCKS = {"illness_rate": 0.5, "funeral_rate": 0.25, "marriage_rate": 0.25,
          "illness_cost_sigma": 0.0, "funeral_cost_sigma": 0.0, "marriage_cost_sigma": 0.0,
          "illness_cost_median": 20000.0, "funeral_cost_median": 30000.0,
          "marriage_cost_median": 150000.0}


def _kinds(seed, n):
    """Replay rule 3: everyone is hit (rates sum to 1); the kind from a uniform number."""
    v = Streams(seed)["shocks"].random(n)
    return np.searchsorted([0.5, 0.75, 1.0], v, side="right")


def test_health_cover_pays_its_share_of_illness_and_nothing_else_by_hand():
    spec = HealthCoverSpec(type="health_cover", coverage=1.0, share_paid=0.75, premium=100.0)
    m = tiny(spec, households=12, kilns=1, seed=0, **SHOCKS)
    m.hh.cnic[:] = np.arange(12) % 2 == 0  # even households hold a CNIC
    kinds = _kinds(0, 12)
    assert kinds.tolist() == [0, 2, 0, 0, 2, 0, 1, 0, 1, 1, 0, 1]  # 0 illness 1 funeral 2 marriage
    assert act(m, 1) == pytest.approx(6 * 100.0)
    np.testing.assert_allclose(m.interventions[0].paid, np.where(m.hh.cnic, 0.75, 0.0))
    need, shocks = m._need_and_shocks()
    assert shocks.index.tolist() == list(range(12))
    # illness costs 20,000 x (1 - 0.75) = 5,000 to the covered (even), 20,000 to the others;
    # funerals 30,000 and marriages 150,000 to everyone
    cost = [5000, 150000, 5000, 20000, 150000, 20000, 30000, 20000, 30000, 30000, 5000, 30000]
    np.testing.assert_allclose(need, NEED + np.array(cost, dtype=float))


def test_health_cover_without_cnic_gating_and_at_partial_coverage():
    spec = HealthCoverSpec(type="health_cover", coverage=1.0, share_paid=0.5, premium=10.0,
                           cnic_required=False)
    m = tiny(spec, households=4, kilns=1)
    m.hh.cnic[:] = [True, False, False, False]
    assert act(m, 1) == pytest.approx(40.0)
    np.testing.assert_allclose(m.interventions[0].paid, 0.5)
    m2 = tiny(HealthCoverSpec(type="health_cover", coverage=0.5, share_paid=0.5, premium=10.0),
              households=8, kilns=1, seed=1)
    m2.hh.cnic[:] = np.arange(8) < 4
    covered = (draws(1, "health_cover").random(8) < 0.5) & m2.hh.cnic
    assert 0 < covered.sum() < 4  # coverage matters among CNIC holders
    assert act(m2, 1) == pytest.approx(10.0 * covered.sum())
    np.testing.assert_allclose(m2.interventions[0].paid, np.where(covered, 0.5, 0.0))


def test_health_cover_lapses_when_premiums_cannot_be_paid():
    spec = HealthCoverSpec(type="health_cover", coverage=1.0, share_paid=1.0, premium=100.0,
                           cnic_required=False, budget=600.0)
    m = tiny(spec, households=3, kilns=1, seed=0, **SHOCKS)
    assert act(m, 1) == pytest.approx(300.0)
    assert act(m, 2) == pytest.approx(300.0)  # exactly what is left
    assert m.interventions[0].paid.tolist() == [1.0, 1.0, 1.0]
    assert act(m, 3) == 0.0  # nothing left for Rs 300 of premiums
    assert m.interventions[0].paid is None  # the cover lapses
    need, _ = m._need_and_shocks()  # kinds 0, 2, 0 (as above): illness at full cost again
    np.testing.assert_allclose(need, NEED + np.array([20000.0, 150000.0, 20000.0]))


# -- CNIC drive ----------------------------------------------------------------------------------
def test_cnic_drive_registers_families_without_a_card_and_opens_the_transfer():
    drive = CnicDriveSpec(type="cnic_drive", registrations_per_month=2,
                          cost_per_registration=50.0, budget=120.0)
    cash = _cash(amount_per_quarter=1000.0, coverage=1.0, exclusion_error=0.0,
                 admin_cost_share=0.0)
    m = tiny(drive, cash, households=6, kilns=1, seed=4)
    m.hh.cnic[:] = [True, False, False, True, False, False]
    chosen = draws(4, "cnic_drive").choice(np.array([1, 2, 4, 5]), size=2, replace=False)
    assert act(m, 1, which=0) == pytest.approx(100.0)
    expected = np.array([True, False, False, True, False, False])
    expected[chosen] = True
    assert m.hh.cnic.tolist() == expected.tolist()
    # the transfer in the same month enrols the newly registered (drive listed first)
    assert act(m, 1, which=1) == pytest.approx(4000.0)
    assert m.hh.sp_enrolled.tolist() == expected.tolist()
    assert act(m, 2, which=0) == 0.0  # Rs 20 left: nobody registered
    assert m.hh.cnic.sum() == 4


def test_cnic_drive_never_registers_more_than_lack_a_card():
    m = tiny(CnicDriveSpec(type="cnic_drive", registrations_per_month=5,
                           cost_per_registration=10.0), households=6, kilns=1)
    m.hh.cnic[:] = [True, True, True, True, False, False]
    assert act(m, 1) == pytest.approx(20.0)
    assert m.hh.cnic.all()


# -- interest-free loans ------------------------------------------------------------------------
def _loans(**fields):
    base = {"coverage": 1.0, "max_loan": 10000.0, "instalment_months": 2,
            "admin_cost_per_loan": 500.0, "bonded_first": False}
    return InterestFreeLoansSpec(type="interest_free_loans", **{**base, **fields})


def test_a_buyout_is_made_only_if_the_budget_covers_the_admin_cost_too():
    m = tiny(_loans(budget=10400.0), households=3, kilns=1)
    m.hh.debt[0] = 10000.0
    # the loan (10,000) fits in 10,400 but with its admin cost (10,500) it does not
    assert act(m, 1) == 0.0
    assert m.hh.debt[0] == 10000.0
    assert not m.hh.loan_debt.any()
    m2 = tiny(_loans(budget=10500.0), households=3, kilns=1)
    m2.hh.debt[0] = 10000.0
    assert act(m2, 1) == pytest.approx(10500.0)
    assert m2.hh.debt.tolist() == [0.0, 0.0, 0.0]
    assert m2.hh.loan_debt.tolist() == [10000.0, 0.0, 0.0]
    assert m2.ow.cash.tolist() == [10000.0]  # the owner is paid
    assert m2.ledger.repayments == pytest.approx(10000.0)


def test_repaid_instalments_are_lent_again():
    m = tiny(_loans(budget=10500.0), households=3, kilns=1)
    m.hh.debt[0] = 10000.0
    assert act(m, 1) == pytest.approx(10500.0)  # the whole budget
    # month 2: family 0 pays its instalment of 10,000 / 2 from savings of 8,000; that 5,000
    # buys family 1 out of a debt of 4,000 (with 500 admin): cost -5,000 + 4,500 = -500
    m.hh.savings[0] = 8000.0
    m.hh.debt[1] = 4000.0
    assert act(m, 2) == pytest.approx(-500.0)
    assert m.hh.loan_debt.tolist() == [5000.0, 4000.0, 0.0]
    assert m.hh.debt.tolist() == [0.0, 0.0, 0.0]
    assert m.hh.savings[0] == 3000.0
    # month 3: family 0 pays its last 5,000; family 1 owes 2,000 but has only 1,000 saved
    m.hh.savings[:2] = [6000.0, 1000.0]
    assert act(m, 3) == pytest.approx(-6000.0)
    assert m.hh.loan_debt.tolist() == [0.0, 3000.0, 0.0]
    assert m.hh.savings.tolist() == [1000.0, 0.0, 0.0]
    assert m.interventions[0].spent == pytest.approx(10500.0 - 500.0 - 6000.0)


def test_loans_go_to_bonded_families_first_then_by_draw():
    def lent(bonded_first):
        m = tiny(_loans(loans_per_month=1, bonded_first=bonded_first), households=6, kilns=1,
                 seed=7)
        m.hh.debt[:] = 5000.0
        rng = draws(7, "interest_free_loans")
        rng.random(6)  # enrolment
        order = np.argsort(rng.random(6), kind="stable")  # this month's random order
        m.hh.bonded[order[-1]] = True  # the family drawn last is the only bonded one
        assert act(m, 1) == pytest.approx(5500.0)
        return np.flatnonzero(m.hh.loan_debt).tolist(), order

    chosen, order = lent(True)
    assert chosen == [order[-1]]
    chosen, order = lent(False)
    assert chosen == [order[0]]


def test_only_enrolled_families_may_borrow_and_a_loan_is_capped():
    m = tiny(_loans(coverage=0.5, loans_per_month=10), households=6, kilns=1, seed=1)
    m.hh.debt[:] = 25000.0
    enrolled = draws(1, "interest_free_loans").random(6) < 0.5
    assert 0 < enrolled.sum() < 6
    assert act(m, 1) == pytest.approx(enrolled.sum() * 10500.0)
    np.testing.assert_allclose(m.hh.loan_debt, np.where(enrolled, 10000.0, 0.0))
    np.testing.assert_allclose(m.hh.debt, np.where(enrolled, 15000.0, 25000.0))
    assert act(m, 2) == 0.0  # one buyout per family
    np.testing.assert_allclose(m.hh.debt, np.where(enrolled, 15000.0, 25000.0))


def test_emergency_credit_within_budget_over_whole_months():
    spec = _loans(purpose="emergency", max_emergency=3000.0, instalment_months=3, budget=4000.0)
    m = tiny(spec, households=2, kilns=1, seed=5, need_base=20000.0)
    rng = draws(5, "interest_free_loans")
    rng.random(2)  # enrolment
    first = int(rng.permutation(2)[0])  # Rs 4,000 pays one family's Rs 3,000, in this order
    m.step()  # need 21,450 against pay of 5,000: each is 16,450 short
    lent = np.zeros(2)
    lent[first] = 3000.0
    np.testing.assert_allclose(m.hh.loan_debt, lent)
    assert m.outcomes["intervention_cost"] == pytest.approx(3000.0)
    assert m.outcomes["loan_debt_total"] == pytest.approx(3000.0)
    # the owner lends the rest (within its limit of 40,000): 16,450 - 3,000 and 16,450
    assert m.outcomes["advances"] == pytest.approx(13450.0 + 16450.0)
    np.testing.assert_allclose(m.interventions[0]._instalment, lent / 3)
    m.step()  # Rs 1,000 left cannot pay the other family's Rs 3,000; no savings to collect
    np.testing.assert_allclose(m.hh.loan_debt, lent)
    assert m.outcomes["intervention_cost"] == 0.0


def test_emergency_credit_without_a_budget_tops_up_to_the_most_owed():
    m = tiny(_loans(purpose="both", max_emergency=3000.0, loans_per_month=0), households=3,
             kilns=1)
    m.hh.loan_debt[:] = [0.0, 1000.0, 5000.0]
    act(m, 1)
    np.testing.assert_allclose(m.interventions[0]._room, [3000.0, 2000.0, 0.0])


def test_even_pacing_spreads_the_budget_and_carries_what_a_month_left():
    spec = CnicDriveSpec(type="cnic_drive", registrations_per_month=10, cost_per_registration=50.0,
                         budget=300.0, pacing="even", start=2, end=4)
    m = tiny(spec, households=10, kilns=1)
    m.hh.cnic[:] = True
    m.hh.cnic[0] = False  # one family without a card in month 2
    assert act(m, 1) == 0.0  # before the start
    # a third of Rs 300 for each of months 2-4: Rs 100 in month 2, but only one family to
    # register (Rs 50); month 3 may spend 200 - 50 = 150 (three families), month 4 the last 100
    assert act(m, 2) == pytest.approx(50.0)
    m.hh.cnic[:] = False
    assert act(m, 3) == pytest.approx(150.0)
    assert act(m, 4) == pytest.approx(100.0)
    assert m.hh.cnic.sum() == 5
    assert act(m, 5) == 0.0  # after the end


def test_emergency_credit_gets_only_what_the_buyouts_left():
    spec = _loans(purpose="both", max_emergency=2000.0, loans_per_month=1, budget=13000.0)
    m = tiny(spec, households=3, kilns=1)
    m.hh.debt[0] = 10000.0
    assert act(m, 1) == pytest.approx(10500.0)  # the buyout of family 0
    # Rs 2,500 left: one family's 2,000 of emergency credit, not both (family 0 owes the
    # scheme 10,000 already, more than the most it may owe for emergencies)
    room = m.interventions[0]._room  # offered at rule 4
    assert room[0] == 0.0
    assert sorted(room[1:].tolist()) == [0.0, 2000.0]


def test_health_cover_not_yet_started_leaves_illness_costs_alone():
    # months 1-2 before the cover starts: every family falls ill and pays the full cost
    spec = HealthCoverSpec(type="health_cover", coverage=1.0, share_paid=1.0, start=3,
                           cnic_required=False)
    m = tiny(spec, households=4, kilns=1, illness_rate=1.0)
    twin = tiny(households=4, kilns=1, illness_rate=1.0)
    for _ in range(2):
        m.step()
        twin.step()
        assert m.outcomes["debt_total"] == twin.outcomes["debt_total"] > 0.0
