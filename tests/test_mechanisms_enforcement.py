"""Issue 15: the enforcement interventions' mechanisms on tiny models, by hand.

Inspections (every targeting mode, detection, release, its budget, deterrence down to the
owners' lending, retaliation), District Vigilance Committees, the minimum piece rate and the
advance cap. Each test sets a case where the mechanism matters and asserts values computed in
its comments; ``mechanism_kit`` explains the easy numbers (one adult earning Rs 5,000 a month,
owners lending up to Rs 40,000 at compliance 0).
"""

from __future__ import annotations

import numpy as np
import pytest
from mechanism_kit import INF, act, draws, owner_advance, tiny
from mechanism_kit import quiet_inspections as _inspections

from bondsim.interventions.advance_cap import AdvanceCapSpec
from bondsim.interventions.minimum_piece_rate import MinimumPieceRateSpec
from bondsim.interventions.vigilance_committees import VigilanceCommitteesSpec
from bondsim.simulation import owners


def _vigilance(**fields):
    return VigilanceCommitteesSpec(type="vigilance_committees", **fields)


# -- deterrence: a case makes its owner lend less, inflate less and ban children -------------------
def test_an_owner_with_a_case_lends_less_by_hand():
    spec = _inspections(inspections_per_district=1, targeting="complaint", detection_bonded=1.0,
                        follow_through=0.0, fine=1000.0, conviction_rate=1.0,
                        cost_per_inspection=100.0, risk_visit=0.05, risk_case=0.1,
                        risk_district=0.6)
    m = tiny(spec, households=4, kilns=2)  # households 0, 1 at kiln 0; 2, 3 at kiln 1
    m.hh.bonded[:2] = True  # only kiln 0 draws complaints, so only it is visited
    m.hh.debt[:] = 10000.0
    m.ow.base_book_inflation[:] = 0.2
    assert act(m, 1) == pytest.approx(100.0)  # one visit, nobody released
    # risk: kiln 0 = 0.02 + visit 0.05 + case 0.1 + district 0.6 x (1 visit / 2 kilns) / 12
    #       = 0.195; kiln 1 = 0.02 + 0.025 = 0.045
    np.testing.assert_allclose(m.ow.risk, [0.195, 0.045])
    assert m.ow.fines_paid.tolist() == [1000.0, 0.0]
    assert m.ow.cash.tolist() == [-1000.0, 0.0]
    assert m.interventions[0].convictions == 1
    assert (m.events["inspections"], m.events["cases_registered"],
            m.events["households_released"]) == (1, 1, 0)
    # rule 9's decisions from that risk: compliance = 5 x (risk - 0.02) = 0.875 and 0.125
    owners.decide(m.ow, m.params)
    np.testing.assert_allclose(m.ow.compliance, [0.875, 0.125])
    np.testing.assert_allclose(m.ow.book_inflation, [0.2 * 0.125, 0.2 * 0.875])
    assert m.ow.child_ban.tolist() == [True, False]  # compliance >= 0.5
    # lending: limit 40,000 x (1 - 0.5 x compliance) = 22,500 and 37,500; each owes 10,000
    np.testing.assert_allclose(owner_advance(m, 100000.0), [12500.0, 12500.0, 27500.0, 27500.0])


def test_deterrence_fades_with_the_risk_over_a_month():
    m = tiny(households=4, kilns=2)
    m.ow.risk[:] = [0.22, 0.02]
    m.ow.risk[:] = owners.decay_risk(m.ow.risk, m.params)  # 0.02 + 0.9 x 0.2 = 0.2
    owners.decide(m.ow, m.params)  # compliance 5 x 0.18 = 0.9 -> factor 1 - 0.45 = 0.55
    np.testing.assert_allclose(owner_advance(m, 100000.0), [22000.0, 22000.0, 40000.0, 40000.0])


def test_a_mild_fear_without_a_ban_still_cuts_lending():
    m = tiny(households=4, kilns=2)
    owner_advance(m, 100000.0)  # the terms as last month's rule 1 saw them
    m.ow.risk[:] = [0.1, 0.02]  # compliance 5 x 0.08 = 0.4: below the ban, no books to clean
    owners.decide(m.ow, m.params)
    assert m.ow.child_ban.tolist() == [False, False]
    # limit 40,000 x (1 - 0.5 x 0.4) = 32,000 at kiln 0
    np.testing.assert_allclose(owner_advance(m, 100000.0), [32000.0, 32000.0, 40000.0, 40000.0])


# -- targeting: the kilns chosen -------------------------------------------------------------------
def test_random_targeting_visits_kilns_drawn_uniformly_within_budget():
    spec = _inspections(inspections_per_district=2, targeting="random", detection_bonded=0.0,
                        cost_per_inspection=100.0, budget=350.0, risk_visit=0.1,
                        risk_case=0.3, risk_district=0.6)
    m = tiny(spec, households=12, kilns=6, districts=("A", "B"), seed=3)  # kilns 0-2 A, 3-5 B
    rng = draws(3, "inspections")
    a = rng.choice(3, size=2, replace=False)
    b = 3 + rng.choice(3, size=2, replace=False)
    expected = np.concatenate([a, b])[:3]  # Rs 350 pays 3 visits: A's two and B's first
    assert act(m, 1) == pytest.approx(300.0)
    assert m.events["inspections"] == 3
    # nobody is bonded, so no case: 0.02 + visit 0.1 at the visited kilns, plus 0.6 x the
    # district's share of kilns visited / 12: A 2 of 3 -> 1/30, B 1 of 3 -> 1/60
    risk = np.where(np.isin(np.arange(6), expected), 0.12, 0.02)
    risk += np.repeat([0.6 * 2 / 3 / 12, 0.6 * 1 / 3 / 12], 3)
    np.testing.assert_allclose(m.ow.risk, risk)
    assert act(m, 2) == 0.0  # Rs 50 left: no visit
    assert m.events["inspections"] == 0


def test_risk_based_targeting_weights_kilns_by_visible_child_work():
    spec = _inspections(inspections_per_district=1, targeting="risk_based")
    m = tiny(spec, households=6, kilns=3)  # households 2i, 2i+1 at kiln i
    m.hh.children_10_14[[2, 4]] = [3, 1]
    m.hh.work_10_14[[2, 4]] = [3, 1]
    inspections = m.interventions[0]
    # 1 + children at work: kiln 0 none, kiln 1 three, kiln 2 one
    np.testing.assert_allclose(inspections.weights(m), [1.0, 4.0, 2.0])
    p = np.array([1.0, 4.0, 2.0]) / 7.0
    expected = [int(np.random.default_rng(i).choice(3, size=1, replace=False, p=p)[0])
                for i in range(2000)]
    chosen = [int(inspections.choose(m, np.random.default_rng(i), 1)[0]) for i in range(2000)]
    assert chosen == expected
    share = np.bincount(chosen, minlength=3) / 2000
    np.testing.assert_allclose(share, p, atol=0.04)  # 1/7, 4/7, 2/7, not a third each


def test_complaint_targeting_visits_only_kilns_with_complaints_and_committees_boost_them():
    spec = _inspections(inspections_per_district=2, targeting="complaint", complaint_rate=0.1,
                        detection_bonded=0.0, cost_per_inspection=10.0)
    m = tiny(_vigilance(districts=["B"], complaint_boost=3.0, cost_per_committee_month=0.0),
             spec, households=8, kilns=4, districts=("A", "B"))  # kilns 0, 1 in A; 2, 3 in B
    m.hh.bonded[[0, 1, 2, 6]] = True  # 2 bonded at kiln 0, 1 at kiln 1, 0 at 2, 1 at 3
    inspections = m.interventions[1]
    # dormant committees: 1 - 0.9^2 = 0.19, 1 - 0.9 = 0.1, 0, 0.1
    np.testing.assert_allclose(inspections.weights(m), [0.19, 0.1, 0.0, 0.1])
    act(m, 1, which=0)  # the committee in B: complaints x 3 -> rate 0.3 there
    np.testing.assert_allclose(inspections.weights(m), [0.19, 0.1, 0.0, 0.3])
    assert act(m, 1, which=1) == pytest.approx(30.0)  # kilns 0 and 1 in A; only 3 in B
    assert m.events["inspections"] == 3
    chosen = inspections.choose(m, np.random.default_rng(0), 10)
    assert sorted(chosen.tolist()) == [0, 1, 3]
    # within a district the boost raises every kiln's chance, more where fewer complain:
    # committees in A make kiln 0 and 1 weigh 1 - 0.7^2 = 0.51 and 0.3
    m.interventions[0].complaint_boost[:] = [3.0, 1.0]
    np.testing.assert_allclose(inspections.weights(m), [0.51, 0.3, 0.0, 0.1])


def test_complaint_rate_capped_at_one_with_a_large_boost():
    spec = _inspections(targeting="complaint", complaint_rate=0.5)
    m = tiny(_vigilance(complaint_boost=4.0, cost_per_committee_month=0.0), spec,
             households=4, kilns=2)
    m.hh.bonded[[0, 2, 3]] = True
    act(m, 1)
    # 0.5 x 4 = 2 -> capped at 1: any bonded family complains for sure
    np.testing.assert_allclose(m.interventions[1].weights(m), [1.0, 1.0])


def test_only_families_at_visited_kilns_are_found():
    spec = _inspections(inspections_per_district=1, targeting="random", detection_bonded=1.0,
                        follow_through=1.0, risk_visit=0.9)
    m = tiny(spec, households=6, kilns=3, seed=8)
    m.hh.bonded[:] = True
    m.hh.debt[:] = 1000.0
    m.ow.risk[:] = [0.5, 0.5, 0.5]
    visited = int(draws(8, "inspections").choice(3, size=1, replace=False)[0])
    act(m, 1)
    at_visited = m.hh.kiln == visited
    assert m.hh.released.tolist() == at_visited.tolist()  # one kiln of three, both families
    assert m.events["inspections"] == 1
    # the visited owner's risk 0.5 + 0.9 is capped at 1
    np.testing.assert_allclose(m.ow.risk, np.where(np.arange(3) == visited, 1.0, 0.5))


# -- detection, release and its cost --------------------------------------------------------------
def test_committees_follow_through_releases_only_in_their_district():
    m = tiny(_vigilance(districts=["B"], follow_through_gain=1.0, cost_per_committee_month=1000.0),
             _inspections(inspections_per_district=1, detection_bonded=1.0, follow_through=0.0,
                          fine=500.0, cost_per_inspection=100.0, cost_per_release=10.0),
             households=4, kilns=2, districts=("A", "B"))  # kiln 0 in A, kiln 1 in B
    m.hh.bonded[:] = True
    m.hh.debt[:] = [10000.0, 20000.0, 30000.0, 40000.0]
    assert act(m, 1, which=0) == pytest.approx(1000.0)  # one committee, in B
    assert m.interventions[0].follow_through_gain.tolist() == [0.0, 1.0]
    # every bonded family is found; follow-through 0 in A, 0 + 1 in B
    assert act(m, 1, which=1) == pytest.approx(2 * 100.0 + 2 * 10.0)
    assert m.hh.released.tolist() == [False, False, True, True]
    assert m.hh.bonded.tolist() == [True, True, False, False]
    assert m.hh.debt.tolist() == [10000.0, 20000.0, 0.0, 0.0]
    assert m.hh.released_month.tolist() == [-1, -1, 1, 1]
    assert m.ledger.write_offs == pytest.approx(70000.0)
    assert m.events["cases_registered"] == 2  # a case at both kilns, released or not
    assert m.ow.fines_paid.tolist() == [500.0, 500.0]


def test_committees_lapse_when_their_money_runs_out():
    m = tiny(_vigilance(districts=["A"], complaint_boost=2.0, follow_through_gain=0.3,
                        cost_per_committee_month=1000.0, budget=2000.0),
             households=4, kilns=2, districts=("A", "B"))
    assert act(m, 1) == pytest.approx(1000.0)
    assert m.interventions[0].complaint_boost.tolist() == [2.0, 1.0]
    assert m.interventions[0].follow_through_gain.tolist() == [0.3, 0.0]
    assert act(m, 2) == pytest.approx(1000.0)  # exactly what is left
    assert act(m, 3) == 0.0  # nothing left, a committee costs Rs 1,000
    assert m.interventions[0].complaint_boost.tolist() == [1.0, 1.0]
    assert m.interventions[0].follow_through_gain.tolist() == [0.0, 0.0]


def test_releases_stop_when_the_budget_cannot_pay_for_them():
    spec = _inspections(inspections_per_district=2, detection_bonded=1.0, follow_through=1.0,
                        cost_per_inspection=100.0, cost_per_release=10.0, budget=215.0)
    m = tiny(spec, households=4, kilns=2)
    m.hh.bonded[:] = True
    m.hh.debt[:] = 1000.0 * np.arange(1, 5)
    # Rs 215: two visits (200) and one release (10); the first family found is released
    assert act(m, 1) == pytest.approx(210.0)
    assert m.hh.released.tolist() == [True, False, False, False]
    assert m.ledger.write_offs == pytest.approx(1000.0)
    assert m.events["households_released"] == 1
    assert m.events["cases_registered"] == 2


def test_follow_through_releases_its_share_of_those_found():
    spec = _inspections(inspections_per_district=2, detection_bonded=1.0, follow_through=0.4)
    m = tiny(spec, households=40, kilns=2, seed=4)
    m.hh.bonded[:] = True
    m.hh.debt[:] = 1000.0
    act(m, 1)
    rng = draws(4, "inspections")
    rng.choice(2, size=2, replace=False)  # the visits (both kilns)
    rng.random(40)  # found or not: all are found
    released = np.flatnonzero(rng.random(40) < 0.4)
    assert np.flatnonzero(m.hh.released).tolist() == released.tolist()
    assert 0 < released.size < 40


def test_children_found_working_at_visited_kilns_stop():
    spec = _inspections(inspections_per_district=1, targeting="complaint", detection_bonded=0.0,
                        detection_child=1.0)
    m = tiny(spec, households=4, kilns=2)
    m.hh.bonded[0] = True  # complaints only from kiln 0
    m.hh.children_10_14[[1, 2]] = 2
    m.hh.work_10_14[[1, 2]] = 2
    m.hh.children_5_9[1] = 1
    m.hh.work_5_9[1] = 1
    act(m, 1)
    assert m.events["children_found_working"] == 3  # household 1's three, at kiln 0
    assert m.hh.work_10_14.tolist() == [0, 0, 2, 0]
    assert m.hh.work_5_9.tolist() == [0, 0, 0, 0]


# -- retaliation -----------------------------------------------------------------------------------
def test_retaliation_sells_indebted_families_but_never_released_ones():
    spec = _inspections(inspections_per_district=4, targeting="complaint", detection_bonded=1.0,
                        follow_through=0.0, retaliation=1.0, retaliation_premium=0.5)
    m = tiny(spec, households=20, kilns=4)  # households 0-4 at kiln 0
    m.ow.capacity[:] = 20
    m.hh.bonded[0] = True
    m.hh.debt[0] = 10000.0
    m.hh.released[1:5] = True  # released before and in debt again
    m.hh.released_month[1:5] = 0
    m.hh.debt[1:5] = 5000.0
    m.hh.debt[5] = 7000.0  # at kiln 1, which has no case
    act(m, 1)
    # the case's family was sold on with a premium of half its debt
    assert m.events["families_sold_in_retaliation"] == 1
    assert m.hh.kiln[0] != 0
    assert m.hh.debt[0] == pytest.approx(15000.0)
    assert m.ledger.transfer_premiums == pytest.approx(5000.0)
    # the released families and the family at a kiln without a case stay where they were
    assert m.hh.kiln[1:6].tolist() == [0, 0, 0, 0, 1]
    assert m.hh.debt[1:6].tolist() == [5000.0] * 4 + [7000.0]
    assert (m.ow.occupants == np.bincount(m.hh.kiln, minlength=4)).all()


# -- minimum piece rate ----------------------------------------------------------------------------
def _wages(**fields):
    return MinimumPieceRateSpec(type="minimum_piece_rate", **fields)


def test_wage_inspections_fine_only_owners_below_99_percent_by_hand():
    spec = _wages(inspections_per_district=3, fine=1000.0, risk_increase=0.1,
                  cost_per_inspection=50.0)
    m = tiny(spec, households=6, kilns=3)
    m.ow.base_paid_ratio[:] = m.ow.paid_ratio[:] = [0.98, 0.99, 0.5]
    assert act(m, 1) == pytest.approx(150.0)  # all three kilns visited
    # 0.98 < 0.99 is underpaying, 0.99 is not
    assert m.ow.fines_paid.tolist() == [1000.0, 0.0, 1000.0]
    assert m.ow.cash.tolist() == [-1000.0, 0.0, -1000.0]
    np.testing.assert_allclose(m.ow.wage_risk, [0.12, 0.02, 0.12])
    np.testing.assert_allclose(m.ow.risk, 0.02)  # no bonded-labour fear
    assert (m.events["inspections"], m.events["fines"]) == (3, 2000.0)
    # rule 9: pay compliance 5 x 0.1 = 0.5 closes half the gap to the notified rate
    owners.decide(m.ow, m.params)
    np.testing.assert_allclose(m.ow.paid_ratio, [0.99, 0.99, 0.75])
    np.testing.assert_allclose(m.ow.compliance, 0.0)


def test_wage_inspections_visit_only_their_number_a_district():
    m = tiny(_wages(inspections_per_district=1, cost_per_inspection=10.0), households=6,
             kilns=3, seed=9)
    visited = int(draws(9, "minimum_piece_rate").choice(3, size=1, replace=False)[0])
    assert act(m, 1) == pytest.approx(10.0)
    assert np.flatnonzero(m.ow.fines_paid).tolist() == [visited]  # all underpay (0.5)


def test_wage_risk_is_capped_at_one():
    m = tiny(_wages(inspections_per_district=2, risk_increase=0.2), households=4, kilns=2)
    m.ow.wage_risk[:] = [0.95, 0.5]
    act(m, 1)
    np.testing.assert_allclose(m.ow.wage_risk, [1.0, 0.7])


def test_wage_inspections_within_budget_and_window():
    spec = _wages(inspections_per_district=2, cost_per_inspection=50.0, fine=10.0, budget=150.0,
                  start=2)
    m = tiny(spec, households=8, kilns=4, districts=("A", "B"), seed=2)
    assert act(m, 1) == 0.0  # before the start
    assert not m.ow.fines_paid.any()
    rng = draws(2, "minimum_piece_rate")
    a = rng.choice(2, size=2, replace=False)
    b = 2 + rng.choice(2, size=2, replace=False)
    visited = np.concatenate([a, b])[:3]  # Rs 150 pays three visits
    assert act(m, 2) == pytest.approx(150.0)
    # every owner underpays (0.5): the visited ones are fined
    assert np.flatnonzero(m.ow.fines_paid).tolist() == sorted(visited.tolist())
    assert act(m, 3) == 0.0  # the budget is spent


# -- advance cap -----------------------------------------------------------------------------------
def _cap(**fields):
    return AdvanceCapSpec(type="advance_cap", **fields)


def test_a_complying_owner_lends_only_up_to_the_cap_by_hand():
    spec = _cap(cap=30000.0, enforcement=0.5, cost_per_kiln_month=100.0)
    m = tiny(spec, households=4, kilns=2, seed=1)
    # the compliance draws: kiln 0 0.55 (>= 0.5, ignores the cap), kiln 1 0.47 (complies)
    u = draws(1, "advance_cap").random(2)
    assert u[0] >= 0.5 > u[1]
    m.hh.debt[:] = [20000.0, 35000.0, 20000.0, 35000.0]
    assert act(m, 1) == pytest.approx(2 * 100.0)
    assert m.ow.advance_cap.tolist() == [INF, 30000.0]
    # kiln 0 lends up to 40,000: 20,000 and 5,000; kiln 1 up to 30,000: 10,000 and nothing
    np.testing.assert_allclose(owner_advance(m, 100000.0), [20000.0, 5000.0, 10000.0, 0.0])


def test_the_cap_lapses_when_the_money_runs_out_and_outside_its_window():
    spec = _cap(cap=30000.0, enforcement=1.0, cost_per_kiln_month=100.0, budget=400.0, start=2)
    m = tiny(spec, households=4, kilns=2)
    m.hh.debt[:] = 20000.0
    assert act(m, 1) == 0.0  # before the start: no cap
    np.testing.assert_allclose(owner_advance(m, 100000.0), 20000.0)
    assert act(m, 2) == pytest.approx(200.0)
    np.testing.assert_allclose(owner_advance(m, 100000.0), 10000.0)
    assert act(m, 3) == pytest.approx(200.0)  # exactly the Rs 200 left
    np.testing.assert_allclose(owner_advance(m, 100000.0), 10000.0)
    assert act(m, 4) == 0.0  # nothing left for Rs 200 of monitoring: not enforced
    np.testing.assert_allclose(owner_advance(m, 100000.0), 20000.0)
    m2 = tiny(_cap(cap=30000.0, enforcement=1.0, end=2), households=4, kilns=2)
    m2.hh.debt[:] = 20000.0
    act(m2, 2)
    np.testing.assert_allclose(owner_advance(m2, 100000.0), 10000.0)
    act(m2, 3)  # after the end
    np.testing.assert_allclose(owner_advance(m2, 100000.0), 20000.0)


def test_the_cap_and_deterrence_both_bind_whichever_is_lower():
    m = tiny(_cap(cap=30000.0, enforcement=1.0), households=4, kilns=2)
    m.hh.debt[:] = 0.0
    act(m, 1)
    m.ow.risk[:] = [0.02, 0.14]  # kiln 1: compliance 0.6 -> limit 40,000 x 0.7 = 28,000
    owners.decide(m.ow, m.params)
    np.testing.assert_allclose(owner_advance(m, 100000.0), [30000.0, 30000.0, 28000.0, 28000.0])
