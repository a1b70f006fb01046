"""Issue 17: every release route, where released families go, and their return to a kiln.

Tiny models with easy numbers (``mechanism_kit``: one adult moulding 500 bricks a day on the
20 days of an open month at Rs 0.5 a brick, Rs 5,000 a month; owners lend up to Rs 40,000;
kilns of 4 places, 3 families each). Off the kilns, with ``EASY_OFF``, an adult earns Rs 600 a day
on 18 days in town (Rs 10,800 less Rs 1,000 rent: Rs 9,800) or on 6 days at home (Rs 3,600,
no rent). Kilns mould 10 months a year (closed July and August), so a debt-free family
expects Rs 5,000 x 10 / 12 = Rs 4,166.67 a month at another kiln.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from mechanism_kit import EASY_OFF, KILN_PAY, act, draws
from mechanism_kit import committees as _committees
from mechanism_kit import court as _court
from mechanism_kit import quiet_inspections as _inspections
from mechanism_kit import release_tiny as _tiny

from bondsim.simulation import release
from bondsim.simulation.outcomes import relapse
from bondsim.simulation.parameters import Params
from bondsim.simulation.state import COLONY, HOME, KILN, TOWN


def _occupancy_right(m) -> bool:
    at = m.hh.location == KILN
    return bool((np.bincount(m.hh.kiln[at], minlength=m.ow.k) == m.ow.occupants).all())


# -- the family's choice ---------------------------------------------------------------------------
def test_destination_values_by_hand():
    p = Params(**EASY_OFF)
    values = release.destination_values(np.array([KILN_PAY, 20000.0]), np.array([1, 2]), p)
    # one adult: kiln 4,166.67; town 600 x 18 - 1,000 = 9,800; home 600 x 6 = 3,600
    # two adults: kiln 20,000; town 21,600 - 1,000 = 20,600; home 7,200
    np.testing.assert_allclose(values, [[KILN_PAY, 9800.0, 3600.0], [20000.0, 20600.0, 7200.0]])


def test_the_family_chooses_the_most_cash_and_a_kiln_only_with_a_place():
    values = np.array([[9000.0, 8000.0, 100.0],    # the kiln pays most
                       [9000.0, 8000.0, 100.0],    # ... but has no place: town
                       [100.0, -500.0, 200.0],     # rent eats the town wage: home
                       [8000.0, 8000.0, 0.0]])     # a tie goes to the kiln
    where = release.choose(values, np.array([True, False, True, True]))
    assert where.tolist() == [KILN, TOWN, HOME, KILN]


def test_a_wage_too_low_to_pay_the_rent_sends_families_home_or_to_a_kiln():
    p = Params(**{**EASY_OFF, "outside_daily_wage": 50.0})  # town 50 x 18 - 1,000 = -100; home 300
    values = release.destination_values(np.array([KILN_PAY, 0.0]), np.array([1, 1]), p)
    np.testing.assert_allclose(values[:, 1:], [[-100.0, 300.0], [-100.0, 300.0]])
    assert release.choose(values, np.array([True, False])).tolist() == [KILN, HOME]


def test_another_kiln_is_never_the_one_the_family_was_held_at():
    first, kilns = np.array([0, 3]), np.array([3, 1])
    # district 0 has kilns 0-2: from kiln 1, v splits the two others; district 1 has one kiln
    got = release.other_kiln(np.array([0, 0, 0, 1]), np.array([1, 1, 0, 3]),
                             np.array([0.2, 0.7, 0.99, 0.5]), first, kilns)
    assert got.tolist() == [0, 2, 2, -1]


# -- a release, by any route -----------------------------------------------------------------------
def test_a_released_family_owes_nothing_and_leaves_for_town():
    m = _tiny(households=6, kilns=2)
    m.hh.debt[:] = [30000.0, 0, 0, 0, 0, 0]
    m.hh.bonded[0] = True
    m.steps = 5
    m.ledger.open(float(m.hh.debt.sum()))
    got = m.release(np.array([0]), "court")
    assert got.tolist() == [0]
    assert m.hh.debt[0] == 0.0
    assert m.ledger.write_offs == 30000.0
    assert m.hh.released[0]
    assert m.hh.released_month[0] == 5
    assert not m.hh.bonded[0]
    assert m.events["households_released"] == 1
    assert m.events["released_by_court"] == 1
    # town (9,800 a month) beats another kiln (4,166.67) and home (3,600)
    assert m.hh.location[0] == TOWN
    assert m.events["released_off_kilns"] == 1
    assert m.ow.occupants.tolist() == [2, 3]
    assert _occupancy_right(m)
    assert m.hh.kiln[0] == 0  # the last kiln, for its district
    assert abs(m.ledger.residual(float(m.hh.debt.sum()))) < 1e-9


def test_with_a_low_outside_wage_the_released_family_moves_to_the_other_kiln_debt_free():
    m = _tiny(households=6, kilns=2, outside_daily_wage=100.0)  # town 800, home 600
    m.hh.debt[0] = 30000.0
    m.hh.bonded[0] = True
    m.release(np.array([0]), "committee")
    assert m.hh.location[0] == KILN
    assert m.hh.kiln[0] == 1
    assert m.hh.debt[0] == 0.0
    assert m.ow.occupants.tolist() == [2, 4]
    assert _occupancy_right(m)
    assert m.events["released_by_committee"] == 1
    assert m.events["released_off_kilns"] == 0


def test_a_full_kiln_sends_the_family_off_the_kilns_instead():
    m = _tiny(households=6, kilns=2, outside_daily_wage=100.0)
    m.ow.capacity[1] = 3  # kiln 1 is full
    m.hh.bonded[0] = True
    m.release(np.array([0]), "inspection")
    assert m.hh.location[0] == TOWN
    assert m.ow.occupants.tolist() == [2, 3]  # 800 beats 600


def test_an_unknown_route_is_refused():
    m = _tiny()
    with pytest.raises(ValueError, match="route"):
        m.release(np.array([0]), "prayer")


def test_no_family_in_debt_leaves_the_kilns():
    m = _tiny()
    m.hh.debt[0] = 1.0
    with pytest.raises(ValueError, match="debt-free"):
        m.leave_kilns(np.array([0]), TOWN)


# -- off the kilns ---------------------------------------------------------------------------------
def test_off_the_kilns_a_family_earns_the_wage_pays_rent_and_cannot_borrow():
    m = _tiny(households=3, kilns=1, illness_rate=0.0, funeral_rate=0.0, marriage_rate=0.0)
    m.leave_kilns(np.array([0, 1]), np.array([TOWN, HOME], dtype=np.int8))
    assert m.ow.occupants.tolist() == [1]
    gross, _, cash = m._earn(m._days_open, np.full(3, 500.0), np.full(3, 5000.0))
    assert gross.tolist() == [0.0, 0.0, 5000.0]  # no bricks off the kilns
    assert cash.tolist() == [10800.0, 3600.0, 5000.0]  # 600 x 18, 600 x 6, kiln pay
    need, _ = m._need_and_shocks()  # Rs 4,450 for one adult; rent only in town
    assert need.tolist() == [5450.0, 4450.0, 4450.0]
    m.refresh_terms()
    flows = m._cover(np.zeros(3), np.full(3, 1000.0), np.full(3, 5000.0))
    assert flows.advance.tolist() == [0.0, 0.0, 1000.0]  # no owner lends off the kilns
    assert flows.unmet.tolist() == [1000.0, 1000.0, 0.0]
    # the owner books only the bricks moulded at its kiln: 500 x 20 x (Rs 9 x 0.4) - 5,000
    m._owners_account(np.full(3, 500.0), 20.0, np.zeros(3), flows)
    assert m.ow.profit[0] == pytest.approx(500.0 * 20.0 * 9.0 * 0.4 - 500.0 * 20.0 * 0.5)


def test_a_family_short_off_the_kilns_returns_and_takes_an_advance_for_what_it_lacked():
    m = _tiny(households=6, kilns=2)
    m.leave_kilns(np.array([0, 3]), np.array([TOWN, COLONY], dtype=np.int8))
    m.hh.unmet_need[:] = [3000.0, 0.0, 0.0, 50000.0, 0.0, 0.0]  # family 1 is at a kiln
    m.ledger.open(0.0)
    assert release.return_to_kilns(m) == 2
    assert (m.hh.location == KILN).all()
    assert _occupancy_right(m)
    # the advance: what it lacked, up to the new owner's limit of Rs 40,000
    assert m.hh.debt[[0, 3]].tolist() == [3000.0, 40000.0]
    assert m.hh.savings[[0, 3]].tolist() == [3000.0, 40000.0]
    assert m.ow.cash.sum() == -43000.0
    assert m.ledger.advances == 43000.0
    assert m.events["returns_to_kiln"] == 2
    assert abs(m.ledger.residual(float(m.hh.debt.sum()))) < 1e-9
    # the advances enter the new owners' record of advances (rule 9), at 1/12 a month
    assert m.ow.advances_ewm.sum() == pytest.approx(43000.0 / 12.0)


def test_no_return_without_a_free_place():
    m = _tiny(households=6, kilns=2)
    m.leave_kilns(np.array([0]), TOWN)
    m.ow.capacity[:] = [2, 3]  # both kilns full
    m.hh.unmet_need[0] = 100.0
    assert release.return_to_kilns(m) == 0
    assert m.hh.location[0] == TOWN
    assert m.hh.debt[0] == 0.0
    assert _occupancy_right(m)


# -- off the kilns a family is nobody's labour (rule 9, rule 8, inspections) ----------------------
def _one_off_with_a_working_child():
    """Two kilns of two families; family 0 (kiln 0) has a child of 10-14 at work and lives in
    town, its last kiln still 0; family 1 (kiln 0) has a child of 10-14 at work at the kiln."""
    m = _tiny(_inspections(inspections_per_district=2, detection_child=1.0, seal_months=1.0,
                           seal_share=1.0, fine_child_labour=0.0), households=4, kilns=2)
    m.ow.capacity[:] = 10
    m.hh.children_10_14[[0, 1]] = m.hh.work_10_14[[0, 1]] = 1
    m.leave_kilns(np.array([0]), TOWN)
    return m


def test_owners_count_only_the_families_living_at_their_kiln():
    m = _one_off_with_a_working_child()
    m.hh.debt[1] = 3000.0
    facts = m._kiln_facts(np.full(4, 500.0))
    month = 500.0 * 20.0 * 10.0 / 12.0  # bricks of one adult in an average month
    child = m.params.bricks_per_child_10_14_day * 20.0 * 10.0 / 12.0
    # kiln 0: family 1 only (family 0 lives in town); kiln 1: families 2 and 3
    np.testing.assert_allclose(facts.bricks_month, [month, 2 * month])
    np.testing.assert_allclose(facts.child_bricks_month, [child, 0.0])
    assert facts.child_families.tolist() == [1.0, 0.0]
    assert facts.indebted_families.tolist() == [1.0, 0.0]  # only family 1 owes
    assert facts.debt.tolist() == [3000.0, 0.0]


def test_inspectors_neither_target_nor_find_a_family_off_the_kilns():
    m = _one_off_with_a_working_child()
    m.interventions[0].spec.targeting = "risk_based"
    # risk-based weights: 1 + children at work at the kiln (family 0's child is in town)
    assert m.interventions[0].weights(m).tolist() == [2.0, 1.0]
    act(m, 1)
    assert m.events["children_found_working"] == 1  # family 1's child, not family 0's
    assert m.hh.work_10_14.tolist() == [1, 0, 0, 0]
    assert m.events["child_labour_cases"] == 1


def test_a_sealed_kiln_disperses_its_families_but_not_one_off_the_kilns():
    m = _one_off_with_a_working_child()
    act(m, 1)  # kiln 0 sealed a month: its free family 1 moves to kiln 1
    assert m.ow.sealed_months.tolist() == [1.0, 0.0]
    assert m.hh.kiln[1] == 1
    assert m.hh.location[0] == TOWN  # family 0 stays in town, at no kiln
    assert m.ow.occupants.tolist() == [0, 3]
    assert _occupancy_right(m)


def test_a_family_off_the_kilns_never_moves_by_rule_8():
    # on seed 2 every family tries to move and families 0 and 2 draw the other kiln: at a kiln
    # both would move (kilns [1, 0, 0, 1]); family 0 lives at home, so only family 2 moves
    m = _tiny(households=4, kilns=2, exit_rate_debt_free=1.0, seed=2)
    m.ow.capacity[:] = 10
    m.leave_kilns(np.array([0]), HOME)
    m.refresh_terms()
    assert m._move() == (0, 1, 0)
    assert m.hh.kiln.tolist() == [0, 0, 0, 1]
    assert m.hh.location[0] == HOME
    assert _occupancy_right(m)


def test_a_conviction_frees_every_bonded_family_through_the_shared_function():
    spec = _inspections(inspections_per_district=1, detection_bonded=1.0, follow_through=0.0,
                        conviction_rate=1.0, fine=0.0, cost_per_release=1000.0,
                        cost_per_inspection=0.0)
    m = _tiny(spec, households=2, kilns=1)
    m.hh.debt[:] = 20000.0
    m.hh.bonded[:] = True
    assert act(m, 1) == pytest.approx(2000.0)  # none followed through, both freed by the court
    assert m.events["released_by_conviction"] == m.events["households_released"] == 2
    assert m.events["released_by_inspection"] == 0
    assert m.events["convictions"] == 1
    assert m.ledger.write_offs == 40000.0
    assert (m.hh.location == TOWN).all()  # one kiln: no other kiln to go to
    assert _occupancy_right(m)


# -- the routes: rate and cost ---------------------------------------------------------------------
def test_inspections_release_through_the_shared_function():
    spec = _inspections(inspections_per_district=2, detection_bonded=1.0, follow_through=1.0,
                        fine=0.0, cost_per_inspection=100.0, cost_per_release=1000.0)
    m = _tiny(spec, households=4, kilns=2)
    m.hh.debt[:] = [20000.0, 0.0, 20000.0, 0.0]
    m.hh.bonded[[0, 2]] = True
    # two visits (Rs 200) and two releases (Rs 2,000)
    assert act(m, 1) == pytest.approx(2200.0)
    assert m.events["released_by_inspection"] == 2
    assert m.ledger.write_offs == 40000.0
    assert (m.hh.location[[0, 2]] == TOWN).all()
    assert _occupancy_right(m)


def test_committee_hearings_release_at_their_rate_and_cost():
    m = _tiny(_committees(complaint_rate=0.5, hearing_release=0.5, cost_per_hearing=100.0),
             households=6, kilns=2)
    m.hh.bonded[:] = True
    m.hh.debt[:] = 10000.0
    rng = draws(0, "vigilance_committees")
    complains, freed = rng.random(6), rng.random(6)
    heard = np.flatnonzero(complains < 0.5)
    released = heard[freed[heard] < 0.5]
    assert act(m, 1) == pytest.approx(100.0 * heard.size)
    assert np.flatnonzero(m.hh.released).tolist() == released.tolist()
    assert m.events["released_by_committee"] == released.size
    assert m.interventions[0].hearings == heard.size


def test_committee_hearings_stop_when_the_money_does():
    m = _tiny(_committees(complaint_rate=1.0, hearing_release=1.0, cost_per_hearing=100.0,
                         budget=250.0), households=6, kilns=2)
    m.hh.bonded[:] = True
    assert act(m, 1) == pytest.approx(200.0)  # two hearings fit in Rs 250
    assert np.flatnonzero(m.hh.released).tolist() == [0, 1]


def test_dormant_committees_hear_nothing():
    m = _tiny(_committees(complaint_rate=1.0, hearing_release=1.0, districts=[]),
             households=6, kilns=2)
    m.hh.bonded[:] = True
    assert act(m, 1) == 0.0
    assert not m.hh.released.any()


def test_court_petitions_are_filed_at_their_rate_and_heard_after_the_delay():
    # 2 kilns x 6 petitions a kiln-year / 12 = 1 petition a month expected (Poisson)
    spec = _court(petitions_per_kiln_year=6.0, success_rate=1.0, cost_per_petition=500.0,
                  delay_months=2)
    m = _tiny(spec, households=6, kilns=2)
    m.hh.bonded[:] = True
    m.hh.debt[:] = 10000.0
    count = int(draws(0, "court_petitions").poisson(np.array([1.0]))[0])
    # for the bonded families with the lowest of this month's numbers, one per household
    order = draws(0, "court_petitions", "petitioned").random(6)
    filed = np.sort(np.argsort(order)[:count])
    assert count == 3  # seed 0: three petitions
    assert filed.tolist() == [1, 2, 4]
    assert act(m, 1) == pytest.approx(500.0 * filed.size)
    assert m.interventions[0]._pending[0][0].tolist() == filed.tolist()
    assert not m.hh.released.any()  # the court has not heard them yet
    m.hh.bonded[:] = True  # (act leaves bonded flags alone; rule 7 would keep them)
    act(m, 2)
    assert np.setdiff1d(filed, np.flatnonzero(m.hh.released)).size == filed.size
    m.hh.bonded[:] = True
    act(m, 3)  # two months after filing: every family still bonded is released
    assert set(filed.tolist()) <= set(np.flatnonzero(m.hh.released).tolist())
    assert m.interventions[0].filed >= filed.size


def test_a_petition_for_a_family_no_longer_bonded_frees_nobody():
    spec = _court(petitions_per_kiln_year=600.0, success_rate=1.0, cost_per_petition=0.0,
                  delay_months=1)
    m = _tiny(spec, households=6, kilns=2)
    m.hh.bonded[:] = True
    act(m, 1)  # Poisson(100) petitions: every bonded family gets one
    m.hh.bonded[:] = False  # nobody is bonded by the hearing
    m.interventions[0].spec = spec.model_copy(update={"petitions_per_kiln_year": 0.0})
    act(m, 2)
    assert not m.hh.released.any()


def test_court_petitions_are_filed_only_in_their_districts_for_the_lowest_numbers():
    # 40 petitions a kiln-year at 2 kilns a district: Poisson(6.7) petitions a month in B for
    # its 6 bonded families, none in A
    spec = _court(petitions_per_kiln_year=40.0, success_rate=1.0, cost_per_petition=0.0,
                  delay_months=5, districts=["B"])
    m = _tiny(spec, households=12, kilns=4, districts=("A", "B"))
    m.hh.bonded[:] = True
    act(m, 1)
    filed = m.interventions[0]._pending[0][0]
    in_b = np.flatnonzero(m.hh.district == 1)
    assert filed.size > 0
    assert set(filed.tolist()) <= set(in_b.tolist())
    # the families petitioned for are those of B with the lowest of this month's numbers
    order = draws(0, "court_petitions", "petitioned").random(12)
    lowest = np.sort(in_b[np.argsort(order[in_b])[:filed.size]])
    assert filed.tolist() == lowest.tolist()


def test_court_success_rate_zero_releases_nobody():
    spec = _court(petitions_per_kiln_year=600.0, success_rate=0.0, delay_months=0)
    m = _tiny(spec, households=6, kilns=2)
    m.hh.bonded[:] = True
    assert act(m, 1) == pytest.approx(6 * 25000.0)  # every bonded family petitioned
    assert not m.hh.released.any()


# -- whole months: the books balance and the places add up -----------------------------------------
def test_months_with_releases_and_returns_keep_the_ledger_and_occupancy_right():
    spec = _court(petitions_per_kiln_year=3.0, success_rate=1.0, cost_per_petition=0.0,
                  delay_months=0)
    m = _tiny(spec, households=12, kilns=3, illness_rate=0.3, outside_daily_wage=150.0)
    m.hh.debt[:] = 60000.0
    for _ in range(24):
        m.step()
        assert abs(m.outcomes["ledger_residual"]) < 1.0
        assert _occupancy_right(m)
        assert (m.hh.debt[m.hh.location != KILN] == 0.0).all()
    assert m.hh.released.any()


# -- relapse ---------------------------------------------------------------------------------------
def test_relapse_counts_the_cohort_released_twelve_months_ago():
    m = _tiny(households=6, kilns=2)
    hh = m.hh
    hh.released[:4] = True
    hh.released_month[:4] = [3, 3, 3, 4]  # three released in month 3, one in month 4
    hh.debt[[0, 1, 3]] = 100.0
    hh.bonded[0] = True
    hh.rehabilitated[[0, 2]] = True
    got = relapse(hh, 15)
    assert got["relapse_bonded_12m"] == pytest.approx(1 / 3)
    assert got["relapse_indebted_12m"] == pytest.approx(2 / 3)
    assert got["relapse_indebted_12m_rehabilitated"] == pytest.approx(1 / 2)
    assert np.isnan(relapse(hh, 20)["relapse_bonded_12m"])


# -- rehabilitation housing moves families; a policy with no teeth does nothing --------------------
def test_a_home_in_a_colony_waits_until_the_family_owes_nothing():
    from bondsim.interventions.rehabilitation import RehabilitationSpec

    spec = RehabilitationSpec(type="rehabilitation", coverage=1.0, skills_success=0.0,
                              delay_months=0, cash_grant=0.0, training_cost=0.0,
                              housing_cost=100.0)
    m = _tiny(spec, households=6, kilns=2)
    m.hh.released[[0, 1, 3]] = True
    m.hh.released_month[[0, 1, 3]] = 0
    m.leave_kilns(np.array([3]), TOWN)  # family 3 went to town
    m.hh.debt[1] = 500.0  # family 1 went back to a kiln and owes again
    assert act(m, 1) == pytest.approx(300.0)  # three homes
    assert m.hh.location[[0, 1, 3]].tolist() == [COLONY, KILN, COLONY]
    assert _occupancy_right(m)
    m.hh.debt[1] = 0.0  # it paid off its debt: next month it moves to its home
    act(m, 2)
    assert m.hh.location[1] == COLONY
    assert m.ow.occupants.tolist() == [1, 2]  # 0, 1 left kiln 0; 3 left kiln 1


def test_a_colony_family_pays_no_rent_and_earns_the_town_wage():
    m = _tiny(households=2, kilns=1, illness_rate=0.0, funeral_rate=0.0, marriage_rate=0.0)
    m.leave_kilns(np.array([0]), COLONY)
    _, _, cash = m._earn(m._days_open, np.full(2, 500.0), np.full(2, 5000.0))
    need, _ = m._need_and_shocks()
    assert cash[0] == 10800.0
    assert need[0] == need[1] == 4450.0


def test_the_kiln_pay_a_family_expects_counts_its_working_children():
    m = _tiny(households=6, kilns=2)
    m.hh.work_10_14[0] = 1  # a child 10-14 moulds bricks_per_child_10_14_day more
    bricks = 500.0 + m.params.bricks_per_child_10_14_day
    got = release.kiln_pay(m, np.array([0, 1, 2]), np.array([1, 1, -1]))
    np.testing.assert_allclose(got, [bricks * 20 * 0.5 * 10 / 12, KILN_PAY, 0.0])


def test_routes_with_no_teeth_change_nothing():
    def run(*specs):
        m = _tiny(*specs, households=12, kilns=3, illness_rate=0.2)
        m.hh.debt[:] = 60000.0
        m.run(6)
        return m.timeseries()

    base = run()
    for spec in (_court(petitions_per_kiln_year=0.0),
                 _committees(complaint_rate=0.0, cost_per_committee_month=0.0)):
        got = run(spec)
        np.testing.assert_array_equal(got["bonded_share"], base["bonded_share"])
        np.testing.assert_array_equal(got["debt_total"], base["debt_total"])
        assert got["households_released"].sum() == 0


def test_court_petitions_free_families_and_lower_bondage_on_paired_seeds():
    from bondsim import BondsimModel
    from bondsim.interventions import build

    def bonded(*specs):
        m = BondsimModel(households=2000, seed=3, interventions=build(specs))
        m.run(36)
        return m

    base = bonded()
    court = bonded(_court(petitions_per_kiln_year=2.0, start=1))
    released = court.timeseries()["released_by_court"].sum()
    assert released > 50
    assert court.outcomes["bonded_share"] < base.outcomes["bonded_share"]


@pytest.mark.slow
def test_relapse_emerges_and_a_home_off_the_kilns_lowers_it():
    """The shipped release scenarios, pooled over every cohort: a family released 12 months
    earlier is in debt to an owner again less often with a rehabilitation home than without
    any package (7.8b: about 0.59 against 0.21 on three seeds)."""
    from bondsim.experiments.experiment import simulate
    from bondsim.experiments.scenario import load_scenario
    from bondsim.interventions.rehabilitation import RehabilitationSpec

    def pooled(path, housing=None):
        scenario = load_scenario(path)
        if housing is not None:
            specs = scenario.spec.interventions
            specs[1] = RehabilitationSpec.model_validate(
                {**specs[1].model_dump(), "housing_cost": housing})
        m = simulate(scenario, months=0)
        cohort = owing = 0
        for _ in range(120):
            m.step()
            c = m.hh.released & (m.hh.released_month == m.steps - 12)
            cohort += int(c.sum())
            owing += int((c & (m.hh.debt > 0)).sum())
        return owing / cohort

    root = Path(__file__).resolve().parent.parent / "scenarios"
    without = pooled(root / "release_without_rehabilitation.toml")
    housed = pooled(root / "release_with_rehabilitation.toml", housing=50000.0)
    assert 0.2 < without < 0.8
    assert housed < without - 0.1


def test_with_the_releases_channel_off_no_route_releases_anyone():
    m = _tiny(_court(delay_months=0, petitions_per_kiln_year=120.0, success_rate=1.0),
             _committees(complaint_rate=1.0, hearing_release=1.0), households=6, kilns=2)
    m.channels_off = frozenset({"releases"})
    m.hh.debt[:] = 20000.0
    m.hh.bonded[:] = True
    act(m, 1)
    m.interventions[1].step(m)  # the committees hear every complaint
    assert m.events["households_released"] == 0
    assert m.hh.bonded.all()
    assert not m.hh.released.any()
    assert m.hh.at_kiln.all()
    assert m.ledger.write_offs == 0.0
    m.channels_off = frozenset()  # the same hearing with the channel on frees them
    m.interventions[1].step(m)
    assert m.events["released_by_committee"] == 6
