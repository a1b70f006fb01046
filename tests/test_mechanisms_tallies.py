"""Issue 15: what an intervention adds is added to what is already there.

A month's counts (inspections, cases, fines, releases, children found, families sold) add to
what earlier policies counted that month; an owner's fines and a programme's convictions add up
over months; the cash, savings and income a policy pays add to what the family already has.
The mutation runs found these written as ``=`` instead of ``+=`` passing every test, because
each test started from zero. The edge cases of inspections' targeting are here too: a district
without complaints, the last kiln without families, a district of one kiln, the stream left
untouched by a policy without teeth. ``mechanism_kit`` explains the easy numbers.
"""

from __future__ import annotations

import numpy as np
import pytest
from mechanism_kit import act, draws, tiny
from mechanism_kit import quiet_inspections as _inspections

from bondsim.interventions.awareness import AwarenessSpec
from bondsim.interventions.cash_transfer import CashTransferSpec
from bondsim.interventions.rehabilitation import RehabilitationSpec
from bondsim.simulation import owners
from bondsim.simulation.state import COLONY, KILN

COUNTS = ("inspections", "cases_registered", "households_released", "fines", "child_labour_cases",
          "convictions", "kilns_sealed",
          "children_found_working", "families_sold_in_retaliation")


def _raid_model():
    """Four kilns of two families, all visited: at kiln 0 family 0 is bonded (found and
    released) and family 1, owing Rs 2,000, has a child of 10-14 at work (found, and sold in
    retaliation to another kiln); at kiln 1 family 2 is bonded (found and released) and family
    3 has a child of 5-9 at work."""
    spec = _inspections(inspections_per_district=4, detection_bonded=1.0, detection_child=1.0,
                        follow_through=1.0, fine=500.0, retaliation=1.0,
                        retaliation_premium=0.0, conviction_rate=1.0, seal_share=1.0)
    m = tiny(spec, households=8, kilns=4, districts=("A",), seed=5)
    m.ow.capacity[:] = 20
    m.hh.bonded[[0, 2]] = True
    m.hh.debt[[0, 2]] = 1000.0
    m.hh.debt[1] = 2000.0
    m.hh.children_10_14[1] = m.hh.work_10_14[1] = 1
    m.hh.children_5_9[3] = m.hh.work_5_9[3] = 1
    return m


def test_a_months_counts_add_to_what_other_policies_counted():
    fresh = _raid_model()
    act(fresh, 1)
    counted = {name: fresh.events[name] for name in COUNTS}
    assert all(counted.values()), counted  # every count is at work here
    m = _raid_model()
    m.steps = 1
    m.events = dict.fromkeys(m.events, 0.0) | dict.fromkeys(COUNTS, 10.0)  # counted before
    m.ledger.open(float(m.hh.debt.sum()))
    m.interventions[0].step(m)
    assert {name: m.events[name] for name in COUNTS} == {
        name: 10.0 + value for name, value in counted.items()}


def test_a_child_at_work_in_either_age_band_is_found():
    m = _raid_model()
    act(m, 1)
    # one child of 10-14 at kiln 0 and one of 5-9 at kiln 1: both visited, both found
    assert m.events["children_found_working"] == 2
    assert m.hh.work_10_14[1] == 0
    assert m.hh.work_5_9[3] == 0


def test_an_owners_fines_and_the_convictions_add_up_over_months():
    spec = _inspections(inspections_per_district=1, detection_bonded=1.0, follow_through=0.0,
                        fine=500.0, conviction_rate=1.0)
    m = tiny(spec, households=2, kilns=1)
    m.hh.bonded[:] = True  # found, and freed by the court; bonded again by the next visit
    act(m, 1)
    assert not m.hh.at_kiln.any()  # one kiln: the freed families leave the kilns
    m.move_households(np.arange(2), 0)  # back at the kiln (as by rule 8b), bonded again
    m.hh.bonded[:] = True
    act(m, 2)
    assert m.ow.fines_paid.tolist() == [1000.0]
    assert m.ow.cash.tolist() == [-1000.0]
    assert m.interventions[0].convictions == 2
    assert m.ow.convictions.tolist() == [2]


def test_each_case_is_convicted_on_its_own_draw():
    # forty kilns with one bonded family each, all visited and found: forty cases, each
    # convicted with chance 0.5 on its own draw (not all or none on one draw)
    spec = _inspections(inspections_per_district=40, detection_bonded=1.0, follow_through=0.0,
                        conviction_rate=0.5)
    m = tiny(spec, households=40, kilns=40, seed=5)
    m.hh.bonded[:] = True
    act(m, 1)
    # all are found; one draw per kiln from the conviction stream
    expected = int(np.count_nonzero(draws(5, "inspections", "conviction").random(40) < 0.5))
    assert m.events["cases_registered"] == 40
    assert 0 < m.interventions[0].convictions == expected < 40


def test_a_district_of_one_kiln_shares_all_its_visits_news():
    # kiln 0 alone in A, kiln 1 alone in B, each visited: what each owner saw is its own visit
    # (weight 0.5) and its district's share visited, 1 of 1 (weight 0.5): 1 in all
    spec = _inspections(inspections_per_district=1)
    m = tiny(spec, households=2, kilns=2, districts=("A", "B"))
    act(m, 1)
    seen = owners.seen_visits(m._seen[owners.POLICE], m.ow.district, m.district_kilns, 0.5)
    np.testing.assert_allclose(seen, [1.0, 1.0])


def test_no_complaint_anywhere_means_no_visit():
    spec = _inspections(inspections_per_district=2, targeting="complaint", complaint_rate=0.5,
                        cost_per_inspection=100.0)
    m = tiny(spec, households=4, kilns=2)  # nobody is bonded: nobody complains
    assert act(m, 1) == 0.0
    assert m.events["inspections"] == 0
    assert not m.ow.fines_paid.any()


def test_a_district_without_complaints_is_not_visited_and_the_other_is():
    spec = _inspections(inspections_per_district=2, targeting="complaint", complaint_rate=0.5)
    m = tiny(spec, households=8, kilns=4, districts=("A", "B"))  # kilns 0, 1 in A; 2, 3 in B
    m.hh.bonded[[4, 6]] = True  # one bonded family at kiln 2 and one at kiln 3 (B)
    chosen = m.interventions[0].choose(m, np.random.default_rng(0), 10)
    assert sorted(chosen.tolist()) == [2, 3]


@pytest.mark.parametrize("targeting", ["risk_based", "complaint"])
def test_the_last_kiln_without_families_still_has_a_weight(targeting):
    spec = _inspections(targeting=targeting, complaint_rate=0.5)
    m = tiny(spec, households=4, kilns=3)
    m.hh.kiln[:] = [0, 0, 1, 1]  # kiln 2 has nobody
    m.ow.occupants[:] = [2, 2, 0]
    m.hh.bonded[0] = True
    m.hh.work_10_14[2] = m.hh.children_10_14[2] = 2
    weights = m.interventions[0].weights(m)
    expected = [1.0, 3.0, 1.0] if targeting == "risk_based" else [0.5, 0.0, 0.0]
    np.testing.assert_allclose(weights, expected)


def test_a_sure_complaint_from_an_informed_family_warns_of_nothing():
    # complaint rate 0.5 x 4 for a fully informed bonded family is capped at 1: the kiln is
    # complained about for sure, with no log(0) or log(-1) on the way (warnings are errors)
    aware = AwarenessSpec(type="awareness", reach_per_month=0.0, complaint_multiplier=4.0)
    m = tiny(_inspections(targeting="complaint", complaint_rate=0.5), aware, households=4,
             kilns=2)
    m.interventions[1]._started = True
    m.hh.bonded[[0, 2]] = True
    m.hh.informed[0] = 1.0
    np.testing.assert_allclose(m.interventions[0].weights(m), [1.0, 0.5])


def test_two_campaigns_multiply_the_complaints_of_an_informed_family():
    # boosts 1 + (3 - 1) x 1 = 3 and 1 + (2 - 1) x 1 = 2: rate 0.1 x 6 = 0.6
    def aware(label: str, multiple: float) -> AwarenessSpec:
        return AwarenessSpec(type="awareness", label=label, reach_per_month=0.0,
                             complaint_multiplier=multiple)

    m = tiny(_inspections(targeting="complaint", complaint_rate=0.1), aware("radio", 3.0),
             aware("theatre", 2.0), households=4, kilns=2)
    for campaign in m.interventions[1:]:
        campaign._started = True
    m.hh.bonded[[0, 2]] = True
    m.hh.informed[0] = 1.0
    np.testing.assert_allclose(m.interventions[0].weights(m), [0.6, 0.1])


def test_families_sold_in_retaliation_go_to_kilns_drawn_each():
    spec = _inspections(inspections_per_district=1, targeting="complaint", complaint_rate=1.0,
                        detection_bonded=1.0, follow_through=0.0, retaliation=1.0,
                        retaliation_premium=0.0)
    m = tiny(spec, households=40, kilns=8, seed=1)  # households 0-4 at kiln 0
    m.ow.capacity[:] = 40
    m.hh.bonded[0] = True  # the only complaint: kiln 0 is visited, a case registered
    m.hh.debt[:5] = 1000.0
    act(m, 1)
    sold = np.flatnonzero(m.hh.kiln[:5] != 0)
    assert m.events["families_sold_in_retaliation"] == sold.size >= 3
    assert len(set(m.hh.kiln[sold].tolist())) > 1  # not one destination for all


def test_a_family_owing_under_a_rupee_is_still_indebted_and_can_be_sold():
    spec = _inspections(inspections_per_district=1, targeting="complaint", complaint_rate=1.0,
                        detection_bonded=1.0, follow_through=0.0, retaliation=1.0,
                        retaliation_premium=0.0)
    m = tiny(spec, households=4, kilns=4, seed=5)  # household i at kiln i
    m.hh.kiln[1] = 0  # family 1 lives at kiln 0 too
    m.ow.occupants[:] = [2, 0, 1, 1]
    m.ow.capacity[:] = 10
    m.hh.bonded[0] = True  # the only complaint: kiln 0 is visited, a case registered
    m.hh.debt[[0, 1]] = [1000.0, 0.5]
    act(m, 1)
    # both owe, so both are sold on: their destinations (seed 5) are other kilns
    assert m.events["families_sold_in_retaliation"] == 2
    assert m.hh.kiln[0] != 0
    assert m.hh.kiln[1] != 0


def test_the_visit_stream_draws_only_the_visits():
    # what a visit finds, who is released, convicted or sold draws from streams of their
    # own: the programme's stream holds the visits alone, so next month's visits do not
    # depend on how many families this month's found
    spec = _inspections(inspections_per_district=1, detection_bonded=1.0, follow_through=0.0,
                        retaliation=0.5, conviction_rate=0.5)
    m = tiny(spec, households=4, kilns=2, seed=7)
    m.hh.bonded[:] = True
    m.hh.debt[:] = 1000.0
    act(m, 1)
    assert m.events["cases_registered"] == 1
    rng = draws(7, "inspections")
    rng.choice(2, size=1, replace=False)  # the visit
    assert m.streams["intervention:inspections"].random() == rng.random()


def test_paired_programmes_visit_and_convict_the_same_kilns_whatever_they_find():
    # common random numbers: a programme that finds every bonded family and one that finds
    # half of them, on the same seed, visit the same kilns month by month, and a kiln with a
    # case in both is convicted in both or in neither
    def run(detection: float):
        spec = _inspections(inspections_per_district=3, detection_bonded=detection,
                            follow_through=0.5, retaliation=0.3, conviction_rate=0.3)
        m = tiny(spec, households=60, kilns=12, seed=11)
        visits, convicted = [], []
        for month in range(1, 13):
            at = m.hh.at_kiln  # released families may have left the kilns
            m.hh.bonded[:] = at
            m.hh.debt[at] = 1000.0
            before = m.ow.convictions.copy()
            act(m, month)
            visits.append(np.flatnonzero(m._seen[owners.POLICE]).tolist())
            convicted.append(np.flatnonzero(m.ow.convictions > before).tolist())
        return visits, convicted, m.events
    visits_all, convicted_all, _ = run(1.0)
    visits_half, convicted_half, _ = run(0.5)
    assert visits_all == visits_half
    # with detection 1 every visited kiln has a case, so the kilns convicted at detection 0.5
    # are those convicted at detection 1 that had a case there too
    assert sum(map(len, convicted_half)) > 0
    for every, half in zip(convicted_all, convicted_half, strict=True):
        assert set(half) <= set(every)


# -- pay adds to what the family has ---------------------------------------------------------------
def test_a_transfer_adds_to_the_cash_another_policy_paid_this_month():
    spec = CashTransferSpec(type="cash_transfer", coverage=1.0, exclusion_error=0.0,
                            amount_per_quarter=6000.0, admin_cost_share=0.0)
    m = tiny(spec, households=2, kilns=1)
    m.hh.sp_cash[:] = [500.0, 0.0]  # a stipend paid earlier in the month
    act(m, 1)
    assert m.hh.sp_cash.tolist() == [6500.0, 6000.0]


def _rehab(**fields):
    base = {"cash_grant": 1000.0, "training_cost": 0.0, "housing_cost": 1.0,
            "outside_income": 300.0, "education_support": 0.0, "coverage": 1.0,
            "skills_success": 1.0, "delay_months": 0}
    return RehabilitationSpec(type="rehabilitation", **{**base, **fields})


def test_a_package_adds_to_the_familys_savings_and_income():
    # a home costing even Rs 1 takes the (debt-free) family off the kiln to a colony
    m = tiny(_rehab(), households=2, kilns=1)
    m.hh.released[0] = True
    m.hh.released_month[0] = 0
    m.hh.savings[:] = [250.0, 40.0]
    m.hh.outside_income[:] = [50.0, 0.0]
    assert act(m, 1) == pytest.approx(1001.0)
    assert m.hh.savings.tolist() == [1250.0, 40.0]
    assert m.hh.outside_income.tolist() == [50.0 + 300.0, 0.0]
    assert m.hh.location.tolist() == [COLONY, KILN]
    assert m.ow.occupants.tolist() == [1]


def test_education_support_of_a_rupee_paid_when_the_budget_is_exactly_enough():
    # two children in school at Rs 1 each: Rs 2, exactly the budget, added to the Rs 50 of
    # cash the family had
    m = tiny(_rehab(education_support=1.0, budget=2.0), households=2, kilns=1)
    m.hh.rehabilitated[0] = True
    m.hh.school_5_9[0] = m.hh.children_5_9[0] = 1
    m.hh.school_10_14[0] = m.hh.children_10_14[0] = 1
    m.hh.sp_cash[:] = [50.0, 0.0]
    assert act(m, 1) == pytest.approx(2.0)
    assert m.hh.sp_cash.tolist() == [52.0, 0.0]


def test_a_child_labour_case_adds_to_the_months_the_kiln_is_already_sealed():
    m = _raid_model()  # child-labour cases at kilns 0 and 1, each sealed 0.25 months
    m.ow.sealed_months[0] = 1.0  # sealed by an earlier case
    act(m, 1)
    assert m.ow.sealed_months.tolist() == [1.25, 0.25, 0.0, 0.0]


def test_a_case_that_seals_for_no_time_seals_no_kiln():
    spec = _inspections(inspections_per_district=2, detection_child=1.0, seal_months=0.0)
    m = tiny(spec, households=4, kilns=2)
    m.hh.children_10_14[0] = m.hh.work_10_14[0] = 1
    act(m, 1)
    assert m.events["child_labour_cases"] == 1
    assert m.events["kilns_sealed"] == 0
