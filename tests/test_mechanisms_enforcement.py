"""Issue 15: the enforcement interventions' mechanisms on tiny models, by hand.

Inspections (every targeting mode, detection, release, its budget, deterrence down to the
owners' lending, retaliation), District Vigilance Committees, the minimum piece rate and the
advance cap. Each test sets a case where the mechanism matters and asserts values computed in
its comments; ``mechanism_kit`` explains the easy numbers (one adult earning Rs 5,000 a month,
owners lending up to Rs 40,000).
"""

from __future__ import annotations

import numpy as np
import pytest
from mechanism_kit import act, draws, owner_advance, tiny
from mechanism_kit import quiet_inspections as _inspections

from bondsim.interventions.advance_cap import AdvanceCapSpec
from bondsim.interventions.minimum_piece_rate import MinimumPieceRateSpec
from bondsim.interventions.vigilance_committees import VigilanceCommitteesSpec
from bondsim.simulation import owners
from bondsim.simulation.owners import Penalty


def _vigilance(**fields):
    return VigilanceCommitteesSpec(type="vigilance_committees", **fields)


# -- penalties: a case fines its owner, a conviction frees the kiln, owners see both ---------------
def test_a_case_fines_a_conviction_frees_every_bonded_family_at_the_kiln_by_hand():
    spec = _inspections(inspections_per_district=1, targeting="complaint", detection_bonded=1.0,
                        follow_through=0.0, fine=1000.0, conviction_rate=1.0,
                        cost_per_inspection=100.0, cost_per_release=10.0)
    m = tiny(spec, households=6, kilns=2)  # households 0-2 at kiln 0, 3-5 at kiln 1
    m.hh.bonded[:2] = True  # only kiln 0 draws complaints, so only it is visited
    m.hh.debt[:] = 10000.0
    # one visit, two families released by the court (none by the inspectors' follow-through)
    assert act(m, 1) == pytest.approx(100.0 + 2 * 10.0)
    assert m.ow.fines_paid.tolist() == [1000.0, 0.0]
    assert m.ow.cash.tolist() == [-1000.0, 0.0]
    assert m.ow.convictions.tolist() == [1, 0]
    assert m.hh.released.tolist() == [True, True, False, False, False, False]
    assert m.hh.debt.tolist() == [0.0, 0.0] + [10000.0] * 4
    assert (m.events["inspections"], m.events["cases_registered"], m.events["convictions"],
            m.events["households_released"], m.events["fines"]) == (1, 1, 1, 2, 1000.0)
    # what owners saw: kiln 0's visit, and one case that ended in a conviction
    assert m._seen[owners.POLICE].tolist() == [True, False]
    assert (m._cases_seen.tolist(), m._convictions_seen.tolist()) == ([1.0], [1.0])


def test_without_a_conviction_only_the_families_found_and_followed_through_are_freed():
    spec = _inspections(inspections_per_district=1, targeting="complaint", detection_bonded=1.0,
                        follow_through=0.0, conviction_rate=0.0, cost_per_release=0.0)
    m = tiny(spec, households=6, kilns=2)
    m.hh.bonded[:2] = True
    m.hh.debt[:] = 10000.0
    act(m, 1)
    assert not m.hh.released.any()
    assert m.events["cases_registered"] == 1
    assert m.events["convictions"] == 0
    assert (m._cases_seen.tolist(), m._convictions_seen.tolist()) == ([1.0], [0.0])


def test_a_child_labour_case_fines_and_seals_the_kiln_which_then_moulds_nothing():
    spec = _inspections(inspections_per_district=2, detection_bonded=0.0, detection_child=1.0,
                        fine_child_labour=5000.0, seal_months=0.5, seal_share=1.0)
    m = tiny(spec, households=4, kilns=2)  # households 0, 1 at kiln 0
    m.hh.children_10_14[0] = 1
    m.hh.work_10_14[0] = 1
    act(m, 1)
    assert m.ow.fines_paid.tolist() == [5000.0, 0.0]
    assert m.ow.sealed_months.tolist() == [0.5, 0.0]
    assert (m.events["child_labour_cases"], m.events["kilns_sealed"]) == (1, 1)
    assert m.events["cases_registered"] == 0  # a child-labour case is not a bonded-labour one
    # half the month sealed: kiln 0's families mould 10 of 20 days
    np.testing.assert_allclose(m._days_worked(20.0), [10.0, 10.0, 20.0, 20.0])


def _child_labour_everywhere(seal_share: float):
    """Forty kilns, each with one family whose child of 10-14 works, all visited and all
    found: forty child-labour cases a month, each sealing its kiln with ``seal_share``."""
    spec = _inspections(inspections_per_district=40, detection_bonded=0.0, detection_child=1.0,
                        fine_child_labour=100.0, seal_months=0.5, seal_share=seal_share)
    m = tiny(spec, households=40, kilns=40)
    m.hh.children_10_14[:] = m.hh.work_10_14[:] = 1
    return m


@pytest.mark.parametrize(("seal_share", "sealed"), [(0.0, 0), (1.0, 40)])
def test_the_authority_seals_none_or_every_kiln_with_a_child_labour_case(seal_share, sealed):
    m = _child_labour_everywhere(seal_share)
    act(m, 1)
    # every case is fined and counted, whether or not its kiln is sealed
    assert m.events["child_labour_cases"] == 40
    assert m.ow.fines_paid.tolist() == [100.0] * 40
    assert m.events["kilns_sealed"] == sealed
    assert m.ow.sealed_months.tolist() == [0.5 if sealed else 0.0] * 40


def test_a_share_of_child_labour_cases_seals_kilns_drawn_from_the_cases():
    m = _child_labour_everywhere(0.4)
    act(m, 1)
    shut = np.flatnonzero(m.ow.sealed_months > 0.0)
    # only kilns with a case are sealed, each for seal_months; about 0.4 x 40 = 16 of them (a
    # binomial count: sd about 3, so 6 to 26 is beyond 3 sd either way)
    assert m.events["kilns_sealed"] == shut.size
    assert 6 <= shut.size <= 26
    assert (m.ow.sealed_months[shut] == 0.5).all()
    assert (m.ow.fines_paid[shut] == 100.0).all()


def test_a_kiln_sealed_for_a_month_loses_its_free_families_and_keeps_those_it_holds():
    spec = _inspections(inspections_per_district=2, detection_bonded=0.0, detection_child=1.0,
                        seal_months=1.0, seal_share=1.0)
    m = tiny(spec, households=40, kilns=2)  # households 0-19 at kiln 0
    m.ow.capacity[:] = 40
    m.hh.children_10_14[0] = m.hh.work_10_14[0] = 1  # child work at kiln 0 only
    m.hh.debt[:10] = 5000.0  # held: their owner is coercive
    act(m, 1)
    assert m.ow.sealed_months.tolist() == [1.0, 0.0]
    # free families left for kiln 1 (a mover drawing its own kiln stays); held ones stayed
    moved = np.flatnonzero(m.hh.kiln[:20] != 0)
    assert moved.size > 0
    assert moved.min() >= 10
    assert m.events["families_sold_in_retaliation"] == 0
    assert (m.ow.occupants == np.bincount(m.hh.kiln, minlength=2)).all()


# -- targeting: the kilns chosen -------------------------------------------------------------------
def test_random_targeting_visits_kilns_drawn_uniformly_within_budget():
    spec = _inspections(inspections_per_district=2, targeting="random", detection_bonded=0.0,
                        cost_per_inspection=100.0, budget=350.0)
    m = tiny(spec, households=12, kilns=6, districts=("A", "B"), seed=3)  # kilns 0-2 A, 3-5 B
    rng = draws(3, "inspections")
    a = rng.choice(3, size=2, replace=False)
    b = 3 + rng.choice(3, size=2, replace=False)
    expected = np.concatenate([a, b])[:3]  # Rs 350 pays 3 visits: A's two and B's first
    assert act(m, 1) == pytest.approx(300.0)
    assert m.events["inspections"] == 3
    # the owners saw those visits (rule 9 learns from them)
    assert np.flatnonzero(m._seen[owners.POLICE]).tolist() == sorted(expected.tolist())
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
                        follow_through=1.0)
    m = tiny(spec, households=6, kilns=3, seed=8)
    m.hh.bonded[:] = True
    m.hh.debt[:] = 1000.0
    visited = int(draws(8, "inspections").choice(3, size=1, replace=False)[0])
    act(m, 1)
    at_visited = m.hh.kiln == visited
    assert m.hh.released.tolist() == at_visited.tolist()  # one kiln of three, both families
    assert m.events["inspections"] == 1


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
    # all are found; each is released on its own draw of the follow-through stream
    released = np.flatnonzero(draws(4, "inspections", "follow_through").random(40) < 0.4)
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


def test_wage_inspections_fine_open_underpayers_found_and_fakers_seen_through_by_hand():
    spec = _wages(inspections_per_district=3, fine=1000.0, detection=1.0, fake_detection=0.0,
                  cost_per_inspection=50.0)
    m = tiny(spec, households=6, kilns=3)
    m.ow.pay_mode[:] = [owners.PAY_OPEN, owners.PAY_COMPLY, owners.PAY_FAKE]
    assert act(m, 1) == pytest.approx(150.0)  # all three kilns visited
    # the open underpayer is found; the complying owner owes nothing; the faker is not seen
    assert m.ow.fines_paid.tolist() == [1000.0, 0.0, 0.0]
    assert m.ow.cash.tolist() == [-1000.0, 0.0, 0.0]
    assert (m.events["inspections"], m.events["fines"]) == (3, 1000.0)
    assert m._seen[owners.WAGE].tolist() == [True, True, True]
    assert owners.POLICE not in m._seen  # no bonded-labour visit
    # the penalties owners weigh this month are the campaign's
    assert m.penalties["underpay"] == owners.Penalty(1.0, 1000.0)
    assert m.penalties["fake_pay"] == owners.Penalty(0.0, 1000.0)
    spec = _wages(inspections_per_district=3, fine=1000.0, detection=0.0, fake_detection=1.0)
    m = tiny(spec, households=6, kilns=3)
    m.ow.pay_mode[:] = [owners.PAY_OPEN, owners.PAY_COMPLY, owners.PAY_FAKE]
    act(m, 1)
    assert m.ow.fines_paid.tolist() == [0.0, 0.0, 1000.0]


def test_wage_inspections_visit_only_their_number_a_district():
    m = tiny(_wages(inspections_per_district=1, cost_per_inspection=10.0, detection=1.0),
             households=6, kilns=3, seed=9)
    visited = int(draws(9, "minimum_piece_rate").choice(3, size=1, replace=False)[0])
    assert act(m, 1) == pytest.approx(10.0)
    assert np.flatnonzero(m.ow.fines_paid).tolist() == [visited]  # all underpay (0.5)


def test_wage_inspections_within_budget_and_window():
    spec = _wages(inspections_per_district=2, cost_per_inspection=50.0, fine=10.0, budget=150.0,
                  start=2, detection=1.0)
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


def test_an_owner_keeping_to_the_cap_lends_only_up_to_it_by_hand():
    spec = _cap(cap=30000.0, cost_per_kiln_month=100.0)
    m = tiny(spec, households=4, kilns=2, seed=1)
    m.ow.off_book[:] = [True, False]  # rule 9's choices last month
    m.hh.debt[:] = [20000.0, 35000.0, 20000.0, 35000.0]
    assert act(m, 1) == pytest.approx(2 * 100.0)
    assert m.ow.legal_debt_cap.tolist() == [30000.0, 30000.0]
    # kiln 0 lends off the books up to 40,000: 20,000 and 5,000; kiln 1 up to the cap of
    # 30,000: 10,000 and nothing
    np.testing.assert_allclose(owner_advance(m, 100000.0), [20000.0, 5000.0, 10000.0, 0.0])


def test_audits_fine_owners_found_lending_off_the_books_by_hand():
    spec = _cap(cap=30000.0, audits_per_kiln_year=12.0, detection=1.0, fine=700.0)
    m = tiny(spec, households=4, kilns=2)
    m.ow.off_book[:] = [True, False]
    act(m, 1)
    assert m.ow.fines_paid.tolist() == [700.0, 0.0]
    assert m._seen[owners.AUDIT].tolist() == [True, True]
    assert m.events["fines"] == 700.0


def test_owners_lend_off_the_books_while_the_expected_fine_is_below_what_it_earns():
    m = tiny(_cap(cap=30000.0, fine=100000.0, detection=0.5), households=4, kilns=2,
             markup_annual=0.24, exit_rate_debt_free=0.02)
    m.hh.debt[:] = 40000.0
    act(m, 1)
    n = m.hh.n
    f = m._kiln_facts(np.full(n, 500.0))
    # Rs 10,000 above the cap at each of 2 families: gain (0.02 + 0.02) x 20,000 = Rs 800
    np.testing.assert_allclose(f.debt_above_cap, [20000.0, 20000.0])
    # expected fine: belief x 0.5 x 100,000: kiln 0 believes 0.01 (500 < 800), kiln 1 0.02
    m.ow.belief_audit[:] = [0.01, 0.02]
    c = owners.choose(m.ow, f, m.penalties, m.params)
    assert c.off_book.tolist() == [True, False]


def test_the_cap_lapses_when_the_money_runs_out_and_outside_its_window():
    spec = _cap(cap=30000.0, cost_per_kiln_month=100.0, budget=400.0, start=2)
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
    m2 = tiny(_cap(cap=30000.0, end=2), households=4, kilns=2)
    m2.hh.debt[:] = 20000.0
    act(m2, 2)
    np.testing.assert_allclose(owner_advance(m2, 100000.0), 10000.0)
    act(m2, 3)  # after the end
    np.testing.assert_allclose(owner_advance(m2, 100000.0), 20000.0)


def test_audits_are_drawn_per_kiln_at_their_monthly_rate_and_fines_add_up_by_hand():
    spec = _cap(cap=30000.0, audits_per_kiln_year=6.0, detection=0.5, fine=100.0)
    m = tiny(spec, households=40, kilns=40, seed=6)
    m.ow.off_book[:] = True
    m.events = dict.fromkeys(m.events, 0.0) | {"fines": 50.0}  # fined earlier this month
    m.ow.fines_paid[:] = 7.0
    m.ow.cash[:] = 1000.0
    m.steps = 1
    m.ledger.open(0.0)
    m.interventions[0].step(m)
    rng = draws(6, "advance_cap")
    audited = np.flatnonzero(rng.random(40) < 0.5)  # 6 a year: half the kilns this month
    caught = audited[rng.random(audited.size) < 0.5]  # each on its own draw
    assert 0 < caught.size < audited.size < 40
    assert np.flatnonzero(m._seen[owners.AUDIT]).tolist() == audited.tolist()
    np.testing.assert_allclose(m.ow.fines_paid, np.where(np.isin(np.arange(40), caught),
                                                         107.0, 7.0))
    np.testing.assert_allclose(m.ow.cash, np.where(np.isin(np.arange(40), caught), 900.0, 1000.0))
    assert m.events["fines"] == 50.0 + 100.0 * caught.size


def test_wage_inspections_find_each_kiln_on_its_own_draw():
    spec = _wages(inspections_per_district=40, detection=0.5, fine=10.0)
    m = tiny(spec, households=40, kilns=40, seed=3)
    act(m, 1)
    rng = draws(3, "minimum_piece_rate")
    visited = rng.choice(40, size=40, replace=False)
    caught = visited[rng.random(40) < 0.5]
    assert 0 < caught.size < 40
    assert np.flatnonzero(m.ow.fines_paid).tolist() == sorted(caught.tolist())


# -- issue 17 mutation run J: what the survivors showed untested -----------------------------------
def test_a_campaign_sets_the_penalties_owners_weigh_for_its_practices():
    spec = _inspections(detection_child=0.3, fine_child_labour=7000.0, seal_months=2.0,
                        seal_share=0.6, detection_books=0.4, fine=900.0)
    m = tiny(spec, households=2, kilns=1)
    act(m, 1)
    # the campaign's entries replace the law's background ones under the practices' names;
    # owners weigh the seal at the share of cases the campaign seals
    assert m.penalties["child_labour"] == owners.Penalty(0.3, 7000.0, 2.0, True, 0.6)
    assert m.penalties["book_inflation"] == owners.Penalty(0.4, 900.0, 0.0, False)
    assert set(m.penalties) == set(owners.PRACTICES)


def test_only_kilns_that_inflate_their_books_are_caught_falsifying_them():
    spec = _inspections(inspections_per_district=2, detection_books=1.0, fine=500.0)
    m = tiny(spec, households=4, kilns=2)
    m.ow.book_inflation[:] = [0.1, 0.0]  # kiln 1 keeps honest books
    act(m, 1)
    assert m.events["cases_registered"] == 1
    assert m.ow.fines_paid.tolist() == [500.0, 0.0]


def test_a_kiln_sealed_for_a_month_keeps_a_family_owing_half_a_rupee_it_holds():
    spec = _inspections(inspections_per_district=2, detection_child=1.0, seal_months=1.0,
                        seal_share=1.0)
    m = tiny(spec, households=40, kilns=2)  # households 0-19 at kiln 0
    m.ow.capacity[:] = 40
    m.hh.children_10_14[0] = m.hh.work_10_14[0] = 1
    m.hh.debt[:20] = 0.5  # in debt to a coercive owner, however little: held
    act(m, 1)
    assert (m.hh.kiln[:20] == 0).all()


def test_free_families_leaving_a_sealed_kiln_leave_their_debts_behind():
    spec = _inspections(inspections_per_district=2, detection_child=1.0, seal_months=1.0,
                        seal_share=1.0)
    m = tiny(spec, households=40, kilns=2)
    m.ow.capacity[:] = 40
    m.ow.coercive[0] = False  # kiln 0 lets its indebted families go
    m.hh.children_10_14[0] = m.hh.work_10_14[0] = 1
    m.hh.debt[:20] = 0.5
    act(m, 1)
    moved = np.flatnonzero(m.hh.kiln[:20] != 0)
    assert moved.size > 0
    # each mover's half rupee is written off; those who stayed still owe it
    assert m.hh.debt[moved].tolist() == [0.0] * moved.size
    assert m.ledger.write_offs == pytest.approx(0.5 * moved.size)
    stayed = np.setdiff1d(np.arange(20), moved)
    assert (m.hh.debt[stayed] == 0.5).all()


def test_free_families_of_a_sealed_kiln_stay_when_no_other_kiln_has_a_place():
    spec = _inspections(inspections_per_district=2, detection_child=1.0, seal_months=1.0,
                        seal_share=1.0)
    m = tiny(spec, households=40, kilns=2)  # 20 families at each kiln
    m.ow.capacity[:] = 20  # kiln 1 is full
    m.hh.children_10_14[0] = m.hh.work_10_14[0] = 1
    act(m, 1)
    assert (m.hh.kiln[:20] == 0).all()
    assert m.ow.occupants.tolist() == [20, 20]


def test_the_punjab_push_seals_a_share_of_its_child_labour_cases_every_month():
    # the replay's scenario, small: no month seals more kilns than it has child-labour cases,
    # and over the push some cases seal their kiln and some do not (seal_share 0.4)
    from pathlib import Path

    from bondsim.experiments.run import simulate

    scenario = Path(__file__).resolve().parents[1] / "scenarios" / "punjab_2016_push.toml"
    ts = simulate(scenario, seed=1, households=4000).timeseries()
    assert (ts["kilns_sealed"] <= ts["child_labour_cases"]).all()
    cases, sealed = ts["child_labour_cases"].sum(), ts["kilns_sealed"].sum()
    assert 0 < sealed < cases


def test_an_inspection_campaign_sets_the_penalties_owners_weigh():
    # holding: found per family at detection_bonded, the fine, no seal, a case may end in
    # prison; child labour: its own detection and fine, sealed for seal_months in a share
    # seal_share of cases; false books: a fine, no prison
    spec = _inspections(detection_bonded=0.01, fine=7.0, detection_child=0.02,
                        fine_child_labour=8.0, seal_months=0.5, seal_share=0.3,
                        detection_books=0.04)
    m = tiny(spec, households=4, kilns=2)
    m.interventions[0].on_penalties(m)
    assert m.penalties["holding"] == Penalty(0.01, 7.0, 0.0, True)
    assert m.penalties["child_labour"] == Penalty(0.02, 8.0, 0.5, True, 0.3)
    assert m.penalties["book_inflation"] == Penalty(0.04, 7.0)
