"""Issue 15: the mechanisms of rehabilitation, the employers' code of conduct and awareness
campaigns, on tiny models, by hand (``mechanism_kit`` explains the easy numbers).

Rehabilitation: who is offered the package, after what delay, who gains an outside income,
what the budget pays first. The code: recruitment into the room left under each district's
cap, its window. Awareness: knowledge that starts only with the campaign, and informed families
found by an inspection because they speak up.
"""

from __future__ import annotations

import numpy as np
import pytest
from mechanism_kit import act, draws, tiny

from bondsim.interventions.awareness import AwarenessSpec
from bondsim.interventions.employer_code import EmployerCodeSpec
from bondsim.interventions.inspections import InspectionsSpec
from bondsim.interventions.rehabilitation import RehabilitationSpec


def _rehab(**fields):
    base = {"cash_grant": 1000.0, "training_cost": 200.0, "housing_cost": 0.0,
            "outside_income": 300.0, "education_support": 0.0}
    return RehabilitationSpec(type="rehabilitation", **{**base, **fields})


# -- rehabilitation -------------------------------------------------------------------------------
def test_rehabilitation_offers_skills_and_delay_by_hand():
    m = tiny(_rehab(coverage=0.5, skills_success=0.5, delay_months=2), households=6, kilns=1,
             seed=1)
    rng = draws(1, "rehabilitation")
    offer, skills = rng.random(6) < 0.5, rng.random(6) < 0.5
    assert offer.tolist() == [True, False, True, False, True, False]
    assert skills.tolist() == [False, False, False, True, True, False]
    m.hh.released[[0, 1, 2, 4]] = True
    m.hh.released_month[[0, 1, 2, 4]] = [0, 0, 1, 0]
    m.hh.outside_income[4] = 50.0  # already earns a little outside the kiln
    assert act(m, 1) == 0.0  # a month after release: not yet
    assert not m.hh.rehabilitated.any()
    # month 2: released in month 0 and offered: 0 and 4 (1 was not offered); grant and
    # training Rs 1,200 each; only 4 gains an outside income, on top of what it earned
    assert act(m, 2) == pytest.approx(2 * 1200.0)
    assert np.flatnonzero(m.hh.rehabilitated).tolist() == [0, 4]
    assert m.hh.savings.tolist() == [1000.0, 0, 0, 0, 1000.0, 0]
    assert m.hh.outside_income.tolist() == [0, 0, 0, 0, 350.0, 0]
    # rule 2: an open month's cash is the pay of 5,000 (nobody owes, nothing is deducted)
    # plus the income earned outside the kiln, which the owner cannot deduct
    m.hh.debt[4] = 10000.0
    _, deducted, cash = m._earn(m._days_open, np.full(6, 500.0), np.full(6, 5000.0))
    assert deducted.tolist() == [0, 0, 0, 0, 1250.0, 0]  # a quarter of the pay, not of 350
    assert cash.tolist() == [5000.0] * 4 + [5000.0 - 1250.0 + 350.0, 5000.0]
    # month 3: family 2 (released in month 1) is due; nobody is rehabilitated twice
    assert act(m, 3) == pytest.approx(1200.0)
    assert m.hh.rehabilitated_month.tolist() == [2, -1, 3, -1, 2, -1]
    assert m.hh.savings.tolist() == [1000.0, 0, 1000.0, 0, 1000.0, 0]
    assert act(m, 4) == 0.0


def test_rehabilitation_budget_pays_families_in_order_while_it_lasts():
    spec = _rehab(coverage=1.0, skills_success=0.0, delay_months=0, housing_cost=500.0,
                  budget=2000.0)
    m = tiny(spec, households=4, kilns=1)
    m.hh.released[[1, 3]] = True
    m.hh.released_month[[1, 3]] = 1
    # a package costs 1,000 + 200 + 500 = 1,700: the budget pays family 1's, not family 3's
    assert act(m, 1) == pytest.approx(1700.0)
    assert m.hh.rehabilitated.tolist() == [False, True, False, False]
    # no skills gained, but a home in a colony off the kiln (it owed nothing)
    assert m.hh.outside_income.tolist() == [0.0, 0.0, 0.0, 0.0]
    assert m.hh.location.tolist() == [0, 3, 0, 0]  # KILN, COLONY
    assert act(m, 2) == 0.0  # Rs 300 left
    assert not m.hh.rehabilitated[3]


def test_education_support_is_paid_before_new_packages():
    spec = _rehab(coverage=1.0, skills_success=0.0, delay_months=0, education_support=300.0,
                  budget=1500.0)
    m = tiny(spec, households=3, kilns=1)
    m.hh.rehabilitated[0] = True
    m.hh.children_5_9[0] = m.hh.school_5_9[0] = 1
    m.hh.children_10_14[0] = m.hh.school_10_14[0] = 1
    m.hh.released[2] = True
    m.hh.released_month[2] = 0
    # two pupils x 300 = 600 first; the 900 left cannot pay a package of 1,200
    assert act(m, 1) == pytest.approx(600.0)
    assert m.hh.sp_cash.tolist() == [600.0, 0.0, 0.0]
    assert m.hh.stipend.tolist() == [300.0, 0.0, 0.0]
    assert not m.hh.rehabilitated[2]
    m.hh.sp_cash[:] = 0.0
    assert act(m, 2) == pytest.approx(600.0)  # Rs 900: the support again, still no package
    assert not m.hh.rehabilitated[2]
    m.hh.sp_cash[:] = 0.0
    assert act(m, 3) == 0.0  # Rs 300 cannot pay the support: none of it is paid
    assert not m.hh.sp_cash.any()


# -- employers' code of conduct --------------------------------------------------------------------
def _code(**fields):
    return EmployerCodeSpec(type="employer_code", **fields)


def test_code_recruits_the_lowest_draws_into_the_room_left_under_the_cap():
    spec = _code(uptake_per_month=1.0, peer_effect=0.0, max_share=0.5, lapse_rate=0.0,
                 cost_per_adoption=100.0, cost_per_follow_up=10.0, start=2)
    m = tiny(spec, households=10, kilns=10, seed=6)
    m.ow.code_adopted[[0, 1]] = True  # two already keep it: room for 5 - 2 = 3 more
    assert act(m, 1) == 0.0  # before the start: nobody lapses (rate 0), nobody joins
    assert np.flatnonzero(m.ow.code_adopted).tolist() == [0, 1]
    rng = draws(6, "employer_code")
    rng.random(10)  # month 1, outside the window: the lapse draws
    _, _, u_join = rng.random((3, 10))  # month 2's draws
    candidates = np.arange(2, 10)
    joined = sorted(candidates[np.argsort(u_join[2:], kind="stable")[:3]].tolist())
    # two follow-up visits (Rs 20) and three recruits (Rs 300)
    assert act(m, 2) == pytest.approx(320.0)
    assert np.flatnonzero(m.ow.code_adopted).tolist() == sorted([0, 1, *joined])


def test_code_recruits_with_what_the_follow_up_visits_left_of_the_budget():
    # Rs 210 a month: two follow-up visits (Rs 20) leave Rs 190, one recruit at Rs 100 (Rs
    # 210 before the visits would pay two)
    spec = _code(uptake_per_month=1.0, peer_effect=0.0, max_share=1.0, lapse_rate=0.0,
                 cost_per_adoption=100.0, cost_per_follow_up=10.0, budget=210.0)
    m = tiny(spec, households=10, kilns=10, seed=6)
    m.ow.code_adopted[[0, 1]] = True
    assert act(m, 1) == pytest.approx(120.0)
    assert m.ow.code_adopted.sum() == 3


def test_code_peer_effect_counts_the_share_of_a_districts_kilns_keeping_it():
    # district A: two kilns, one keeping the code; B: one kiln, keeping it; C: one, not
    spec = _code(uptake_per_month=0.1, peer_effect=0.5)
    m = tiny(spec, households=4, kilns=4, districts=("A", "B", "C"))
    assert m.district_kilns.tolist() == [2, 1, 1]
    m.ow.code_adopted[:] = [True, False, True, False]
    chance = m.interventions[0].chance(m)
    np.testing.assert_allclose(chance, [0.1 + 0.5 * 0.5] * 2 + [0.1 + 0.5 * 1.0, 0.1])


# -- awareness ----------------------------------------------------------------------------------
def _aware(**fields):
    return AwarenessSpec(type="awareness", **fields)


def test_knowledge_fades_only_once_the_campaign_has_started():
    m = tiny(_aware(reach_per_month=0.0, decay=0.5, start=3), households=4, kilns=1)
    m.hh.informed[:] = [1.0, 0.5, 0.0, 0.0]  # taught by someone else before the campaign
    act(m, 1)
    act(m, 2)
    assert m.hh.informed.tolist() == [1.0, 0.5, 0.0, 0.0]  # nothing to forget yet
    act(m, 3)  # the campaign starts (it reaches nobody): knowledge halves each month
    assert m.hh.informed.tolist() == [0.5, 0.25, 0.0, 0.0]
    act(m, 4)
    assert m.hh.informed.tolist() == [0.25, 0.125, 0.0, 0.0]


def test_informed_families_speak_up_and_are_found_by_hand():
    inspect = InspectionsSpec(type="inspections", inspections_per_district=1,
                              detection_bonded=0.5, follow_through=1.0, retaliation=0.0,
                              conviction_rate=0.0, detection_child=0.0)
    # a campaign that has started and teaches nobody more: its effect of knowledge set by hand
    m = tiny(inspect, _aware(reach_per_month=0.0, report_multiplier=2.0), households=8,
             kilns=1, seed=3)
    m.interventions[1]._started = True
    m.hh.bonded[:] = True
    m.hh.debt[:] = 1000.0
    m.hh.informed[:4] = 1.0
    act(m, 1)
    u = draws(3, "inspections", "detection").random(8)  # the one kiln is visited
    # informed families are found with chance 0.5 x 2 = 1, the others with 0.5
    assert (u >= 0.5).tolist() == [True, False, True, False, False, False, True, False]
    # so families 0 and 2 are found only because they speak up; of the others 4, 5 and 7
    assert m.hh.released.tolist() == [True] * 4 + [True, True, False, True]
    assert m.events["households_released"] == 7  # follow-through 1: all found are released


def test_a_campaign_reaches_only_as_many_as_its_money_pays_for():
    m = tiny(_aware(reach_per_month=0.5, cost_per_household=10.0, decay=0.0, budget=15.0),
             households=4, kilns=1, seed=2)
    drawn = draws(2, "awareness").choice(4, 2, replace=False)
    assert act(m, 1) == pytest.approx(10.0)  # two drawn, Rs 15 pays the first
    assert np.flatnonzero(m.hh.informed).tolist() == [int(drawn[0])]
    assert act(m, 2) == 0.0  # Rs 5 left
    assert m.hh.informed.sum() == 1.0
