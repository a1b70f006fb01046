"""Rule 9, owners decide: beliefs learned from enforcement seen, gains, expected penalties,
and the practices each owner keeps (ODD 7.9, the decision section)."""

from __future__ import annotations

import dataclasses
import itertools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bondsim import BondsimModel, Params
from bondsim.simulation import owners
from bondsim.simulation.local_terms import district_values
from bondsim.simulation.owners import PAY_COMPLY, PAY_FAKE, PAY_OPEN, KilnFacts, Penalty
from bondsim.simulation.population import init_owners
from bondsim.simulation.season import bricks_per_day

# hand-computed cases fix the parameters they use, so recalibrated defaults do not change them
BASE = Params(brick_price=9000.0, nonlabour_cost_share=0.6, notified_piece_rate=1000.0,
              markup_annual=0.24, exit_rate_debt_free=0.02, belief_memory=0.9,
              own_visit_weight=0.5, prior_police_visits=0.24, prior_wage_visits=0.24,
              prior_audits=0.0, prior_conviction=0.1, prison_cost_months=24.0,
              prison_cost_spread=0.0, conviction_prior_cases=10.0, fake_pay_cost_share=0.1)


def owner_state(k: int):
    """``k`` owners of one district whose terms are BASE's (notified rate, brick price, what
    prison costs them)."""
    ow = init_owners(k, 1, 10 * k, Params(), np.random.default_rng(0),
                     district_values(BASE, ["d"]))
    ow.prison_months[:] = BASE.prison_cost_months
    return ow


def facts(k: int, **values) -> KilnFacts:
    """Kiln facts of ``k`` kilns, zero unless given."""
    names = [f.name for f in dataclasses.fields(KilnFacts)]
    return KilnFacts(**{name: np.asarray(values.get(name, np.zeros(k)), dtype=float)
                        for name in names})


# -- learning -----------------------------------------------------------------------------------
def test_seen_visits_weigh_the_own_visit_and_the_district_share():
    # district 0 has 4 kilns, 1 visited (kiln 0); district 1 has 2 kilns, both visited
    visited = np.array([True, False, False, False, True, True])
    district = np.array([0, 0, 0, 0, 1, 1])
    got = owners.seen_visits(visited, district, np.array([4, 2]), own_weight=0.5)
    # kiln 0: 0.5 x 1 + 0.5 x 0.25 = 0.625; kilns 1-3: 0.125; district 1: 0.5 + 0.5 = 1
    np.testing.assert_allclose(got, [0.625, 0.125, 0.125, 0.125, 1.0, 1.0])
    # on average over owners, what they see is the share visited: (0.625 + 3 x 0.125) / 4
    assert got[:4].mean() == pytest.approx(0.25)


def test_beliefs_fade_back_to_the_prior_and_settle_at_prior_plus_the_visit_rate():
    prior = 0.02
    belief = np.array([0.52])
    for _ in range(10):
        belief = owners.learn(belief, prior, memory=0.5)
    # the excess 0.5 halves each month: 0.5 / 1024 above the prior
    assert belief[0] == pytest.approx(0.02 + 0.5 / 1024)
    # a steady campaign visiting 5% of kilns a month: the belief settles at 0.02 + 0.05
    belief = np.array([0.02])
    for _ in range(400):
        belief = owners.learn(belief, prior + 0.05, memory=0.9)
    assert belief[0] == pytest.approx(0.07)
    # one month: 0.9 x 0.02 + 0.1 x (0.02 + 0.625) = 0.0825
    assert owners.learn(np.array([0.02]), 0.02 + 0.625, 0.9)[0] == pytest.approx(0.0825)


def test_conviction_belief_counts_cases_and_fades_back_to_the_prior_without_news():
    ow = owner_state(3)
    ow.district[:] = [0, 1, 1]
    # district 0: 4 cases, 1 conviction; district 1: no case. The prior counts as 10 cases
    # at 0.1: (10 x 0.1 + 1) / (10 + 4) = 1/7; no news keeps the prior
    owners.learn_conviction(ow, np.array([4.0, 0.0]), np.array([1.0, 0.0]), BASE)
    np.testing.assert_allclose(ow.belief_conviction, [1 / 7, 0.1, 0.1])
    # a month later, one case and its conviction in district 1: (1 + 1) / (10 + 1); district
    # 0 remembers 0.9 of its cases: (1 + 0.9) / (10 + 3.6)
    owners.learn_conviction(ow, np.array([0.0, 1.0]), np.array([0.0, 1.0]), BASE)
    np.testing.assert_allclose(ow.belief_conviction, [1.9 / 13.6, 2 / 11, 2 / 11])
    # a single conviction moves the belief by 1/11 of the way to 1, not by 1 - memory: the
    # mean of monthly shares would have made it 0.9 x 0.1 + 0.1 x 1 = 0.19
    assert ow.belief_conviction[1] < 0.19
    # without news the counts fade at belief_memory and the belief returns to the prior
    for _ in range(200):
        owners.learn_conviction(ow, np.zeros(2), np.zeros(2), BASE)
    np.testing.assert_allclose(ow.belief_conviction, 0.1, atol=1e-6)


def test_owners_fear_prison_at_the_median_with_a_stated_spread():
    rng = np.random.default_rng(4)
    alike = owners.prison_months(rng, 5, dataclasses.replace(BASE, prison_cost_spread=0.0))
    np.testing.assert_allclose(alike, 24.0)
    spread = owners.prison_months(rng, 20000, dataclasses.replace(BASE, prison_cost_spread=0.5))
    assert np.median(spread) == pytest.approx(24.0, rel=0.03)
    assert np.std(np.log(spread)) == pytest.approx(0.5, rel=0.03)
    # by hand: the factor is exp(spread x z) for each owner's standard normal z
    z = np.random.default_rng(5).standard_normal(3)
    got = owners.prison_months(np.random.default_rng(5), 3,
                               dataclasses.replace(BASE, prison_cost_spread=0.5))
    np.testing.assert_allclose(got, 24.0 * np.exp(0.5 * z))
    # an owner who fears prison twice as much weighs a case's prison part twice as much
    cost = owners.case_cost(Penalty(0.1, 0.0, 0.0, True), np.array([0.1, 0.1]),
                            np.array([1000.0, 1000.0]), np.array([12.0, 24.0]))
    np.testing.assert_allclose(cost, [1200.0, 2400.0])


def test_owners_learn_from_the_visits_they_see_and_forget_them():
    model = BondsimModel(BASE, households=140, kilns=4, seed=2)
    ow = model.ow
    model.saw_visits(owners.POLICE, np.array([0]))
    model.saw_cases(np.array([0]), np.array([True]))
    model.step()
    # kiln 0 saw its own visit: 0.9 x 0.02 + 0.1 x (0.02 + 0.5 + 0.5 x 1/4) = 0.0825
    assert ow.belief_police[0] == pytest.approx(0.0825)
    # the others saw a quarter of the district visited: 0.9 x 0.02 + 0.1 x 0.145 = 0.0325
    np.testing.assert_allclose(ow.belief_police[1:], 0.0325)
    np.testing.assert_allclose(ow.belief_wage, 0.02)  # no wage inspection seen
    # one case, one conviction in the district, against a prior worth 10 cases at 0.1:
    # (1 + 1) / (10 + 1) for every owner
    np.testing.assert_allclose(ow.belief_conviction, 2 / 11)
    for _ in range(60):
        model.step()
    np.testing.assert_allclose(ow.belief_police, 0.02, atol=1e-3)
    np.testing.assert_allclose(ow.belief_conviction, 0.1, atol=1e-3)


def test_owners_do_not_learn_with_the_deterrence_channel_off():
    model = BondsimModel(BASE, households=140, kilns=4, seed=2)
    model.channels_off = frozenset({"deterrence"})
    model.saw_visits(owners.POLICE, np.array([0]))
    model.saw_cases(np.array([0]), np.array([True]))
    model.step()
    np.testing.assert_allclose(model.ow.belief_police, 0.02)
    np.testing.assert_allclose(model.ow.belief_conviction, 0.1)


def test_release_target_is_the_share_of_the_districts_held_families_freed():
    # district 0: 1 of 10 held freed; district 1: nobody held; district 2: 3 of 6
    got = owners.release_target(np.array([1.0, 0.0, 3.0]), np.array([10.0, 0.0, 6.0]),
                                np.array([0, 1, 2, 0]))
    np.testing.assert_allclose(got, [0.1, 0.0, 0.5, 0.1])
    # one family held and freed: all of the district's held families
    np.testing.assert_allclose(owners.release_target(np.array([1.0]), np.array([1.0]),
                                                     np.array([0])), [1.0])


def test_a_certain_find_finds_every_kiln_with_a_family_and_none_without():
    np.testing.assert_allclose(owners.chance_found(1.0, np.array([0.0, 1.0, 3.0])),
                               [0.0, 1.0, 1.0])


def _holding_model(**changes) -> tuple[BondsimModel, np.ndarray]:
    """Two districts of two kilns; ten families of district 0 owe and are held (returned)."""
    model = BondsimModel(dataclasses.replace(BASE, **changes), households=40, kilns=4,
                         districts=("d0", "d1"), seed=2)
    model.hh.debt[:] = 0.0
    first = np.flatnonzero(model.hh.district == 0)[:10]
    model.hh.debt[first] = 5000.0
    model.hh.bonded[:] = model.hh.debt > 0.0
    return model, first


def test_owners_learn_the_rate_committees_and_courts_free_their_districts_families():
    model, held = _holding_model()
    model.release(held[:2], "committee")  # 2 of district 0's 10 held families
    model._owners_decide(np.zeros(model.hh.n))
    d0 = model.ow.district == 0
    # 0.9 x 0 + 0.1 x 2 / 10 in district 0; no news in district 1
    np.testing.assert_allclose(model.ow.belief_release[d0], 0.02)
    np.testing.assert_allclose(model.ow.belief_release[~d0], 0.0)
    model._owners_decide(np.zeros(model.hh.n))  # no news: the belief fades
    np.testing.assert_allclose(model.ow.belief_release[d0], 0.018)


def test_a_police_release_teaches_nothing_about_committees_and_with_deterrence_off_nothing():
    model, held = _holding_model()
    model.release(held[:2], "inspection")  # weighed through the chance of a visit instead
    model._owners_decide(np.zeros(model.hh.n))
    np.testing.assert_allclose(model.ow.belief_release, 0.0)
    model, held = _holding_model()
    model.channels_off = frozenset({"deterrence"})
    model.release(held[:2], "court")
    model._owners_decide(np.zeros(model.hh.n))
    np.testing.assert_allclose(model.ow.belief_release, 0.0)
    assert "deterrence" in model.channels_asked  # the release made it a campaign month


# -- gains and penalties ------------------------------------------------------------------------
def test_chance_found_of_at_least_one_family():
    got = owners.chance_found(0.5, np.array([0.0, 1.0, 2.0, 3.0]))
    np.testing.assert_allclose(got, [0.0, 0.5, 0.75, 0.875])
    np.testing.assert_allclose(owners.chance_found(1.0, np.array([0.0, 2.0])), [0.0, 1.0])


def test_case_cost_by_hand():
    profit = np.array([100000.0, -5000.0])
    # fine 50,000 + 0.25 months sealed x 100,000 + 0.1 x 24 months x 100,000 = 315,000;
    # a kiln making a loss loses nothing by sealing or prison: the fine alone
    got = owners.case_cost(Penalty(0.1, 50000.0, 0.25, True), np.array([0.1, 0.1]), profit,
                           BASE.prison_cost_months)
    np.testing.assert_allclose(got, [315000.0, 50000.0])
    no_prison = owners.case_cost(Penalty(0.1, 50000.0, 0.0, False), np.array([1.0, 1.0]),
                                 profit, BASE.prison_cost_months)
    np.testing.assert_allclose(no_prison, [50000.0, 50000.0])


def test_gains_by_hand():
    ow = owner_state(1)
    ow.base_paid_ratio[:] = 0.7
    ow.base_book_inflation[:] = 0.2
    f = facts(1, bricks_month=[500000.0], child_bricks_month=[10000.0], debt=[3e6],
              advances_month=[100000.0], debt_above_cap=[1e6])
    g = owners.gains(ow, f, BASE)
    # underpay: (1.0 - 0.7) Rs a brick x 500,000 = 150,000
    assert g["underpay"][0] == pytest.approx(150000.0)
    # holding: 2% of Rs 3 M walks away a month if let go = 60,000
    assert g["holding"][0] == pytest.approx(60000.0)
    # children: 10,000 bricks x (margin 3.6 - paid 0.7) = 29,000
    assert g["child_labour"][0] == pytest.approx(29000.0)
    # books: 20% of Rs 100,000 advanced = 20,000
    assert g["book_inflation"][0] == pytest.approx(20000.0)
    # off the books: (0.24 / 12 + 0.02) x Rs 1 M above the cap = 40,000
    assert g["off_book"][0] == pytest.approx(40000.0)


def test_each_owner_weighs_its_own_brick_price_and_its_own_fear_of_prison():
    # two kilns alike but for their district's brick price (Rs 9,000 and 12,000 per 1,000)
    # and what prison would cost their owners (24 and 12 months of profit)
    ow = owner_state(2)
    ow.brick_price[:] = [9000.0, 12000.0]
    ow.prison_months[:] = [24.0, 12.0]
    ow.base_paid_ratio[:] = 0.6
    ow.belief_police[:] = 0.1
    ow.belief_conviction[:] = 0.5
    f = facts(2, bricks_month=[100000.0] * 2, child_bricks_month=[10000.0] * 2,
              indebted_families=[2.0] * 2, debt=[0.0] * 2)
    # margins: 9 x 0.4 = 3.6 and 12 x 0.4 = 4.8 Rs a brick, less 0.6 paid
    np.testing.assert_allclose(owners.gains(ow, f, BASE)["child_labour"], [30000.0, 42000.0])
    pens = {**owners.background_penalties(BASE), "holding": Penalty(0.5, 0.0, 0.0, True)}
    got = owners.expected_penalties(ow, f, pens, BASE)["holding"]
    # 0.1 x (1 - 0.5^2) x 0.5 x months x profit: 100,000 bricks x 3.0 and x 4.2
    np.testing.assert_allclose(got, [0.1 * 0.75 * 0.5 * 24 * 300000.0,
                                     0.1 * 0.75 * 0.5 * 12 * 420000.0])


def test_children_earn_an_owner_nothing_when_it_pays_them_above_its_margin():
    ow = owner_state(1)
    ow.base_paid_ratio[:] = 5.0  # Rs 5 a brick against a margin of Rs 3.6
    f = facts(1, child_bricks_month=[10000.0])
    assert owners.gains(ow, f, BASE)["child_labour"][0] == 0.0


def test_background_penalties_are_the_laws_parameters():
    p = dataclasses.replace(BASE, find_bonded_family=0.01, law_fine_bonded_labour=1.0,
                            find_child_family=0.02, law_fine_child_labour=2.0,
                            law_seal_months_child_labour=0.5,
                            law_seal_share_child_labour=0.3, find_false_books=0.03,
                            find_underpayment=0.4, law_fine_underpayment=3.0,
                            find_faked_pay=0.05, find_off_book=0.06, law_fine_debt_cap=4.0)
    assert owners.background_penalties(p) == {
        "holding": Penalty(0.01, 1.0, 0.0, True),
        "child_labour": Penalty(0.02, 2.0, 0.5, True, 0.3),
        "book_inflation": Penalty(0.03, 1.0, 0.0, False),
        "underpay": Penalty(0.4, 3.0, 0.0, False),
        "fake_pay": Penalty(0.05, 3.0, 0.0, False),
        "off_book": Penalty(0.06, 4.0, 0.0, False)}


def test_expected_penalties_by_hand():
    ow = owner_state(1)
    ow.base_paid_ratio[:] = 0.6
    ow.belief_police[:] = 0.1
    ow.belief_wage[:] = 0.2
    ow.belief_audit[:] = 0.5
    ow.belief_conviction[:] = 0.5
    f = facts(1, bricks_month=[100000.0], indebted_families=[2.0], debt=[400000.0],
              child_families=[2.0])
    pens = {"holding": Penalty(0.5, 10000.0, 0.0, True),
            "child_labour": Penalty(0.2, 20000.0, 1.0, True),
            "book_inflation": Penalty(0.1, 10000.0),
            "underpay": Penalty(0.5, 2000.0), "fake_pay": Penalty(0.1, 2000.0),
            "off_book": Penalty(0.2, 50000.0)}
    got = owners.expected_penalties(ow, f, pens, BASE)
    profit = 100000.0 * (3.6 - 0.6)  # Rs 300,000 a month
    prison = 0.5 * 24 * profit  # 3.6 M
    # holding: 0.1 visits x (1 - 0.5^2) x (10,000 + 3.6 M) + 0.1 x 0.5 x 400,000 released
    assert got["holding"][0] == pytest.approx(0.1 * 0.75 * (10000 + prison) + 20000.0)
    # children: 0.1 x (1 - 0.8^2) x (20,000 + 1 month sealed x 300,000 + 3.6 M): each of the
    # two families with working children may be found
    assert got["child_labour"][0] == pytest.approx(0.1 * 0.36 * (20000 + profit + prison))
    assert got["book_inflation"][0] == pytest.approx(0.1 * 0.1 * 10000)
    assert got["underpay"][0] == pytest.approx(0.2 * 0.5 * 2000)
    assert got["fake_pay"][0] == pytest.approx(0.2 * 0.1 * 2000)
    assert got["off_book"][0] == pytest.approx(0.5 * 0.2 * 50000)


def test_owners_weigh_a_seal_at_the_share_of_cases_sealed_by_hand():
    ow = owner_state(1)
    ow.base_paid_ratio[:] = 0.6
    ow.belief_police[:] = 0.1
    ow.belief_conviction[:] = 0.0  # no prison: the fine and the seal alone
    f = facts(1, bricks_month=[100000.0], child_families=[1.0])
    profit = 100000.0 * (3.6 - 0.6)  # Rs 300,000 a month
    cost = {share: owners.expected_penalties(
        ow, f, {**owners.background_penalties(BASE),
                "child_labour": Penalty(0.2, 20000.0, 2.0, True, share)}, BASE)["child_labour"][0]
        for share in (0.0, 0.4, 1.0)}
    # 0.1 visits x 0.2 found x (Rs 20,000 + share x 2 months x Rs 300,000)
    assert cost[0.0] == pytest.approx(0.1 * 0.2 * 20000.0)
    assert cost[0.4] == pytest.approx(0.1 * 0.2 * (20000.0 + 0.4 * 2.0 * profit))  # Rs 10,000
    assert cost[1.0] == pytest.approx(0.1 * 0.2 * (20000.0 + 2.0 * profit))
    # a seal in 40 % of cases weighs as 40 % of the months, not as the law's full term
    assert cost[0.4] - cost[0.0] == pytest.approx(0.4 * (cost[1.0] - cost[0.0]))


def test_a_believed_committee_or_court_release_adds_its_share_of_the_debts_to_holdings_cost():
    ow = owner_state(1)
    f = facts(1, bricks_month=[100000.0], indebted_families=[2.0], debt=[400000.0])
    pens = owners.background_penalties(BASE)
    ow.belief_police[:] = 0.0
    before = owners.expected_penalties(ow, f, pens, BASE)["holding"][0]
    assert before == 0.0  # no visit expected, nothing to fear
    ow.belief_release[:] = 0.03
    # 3 % of the held debts a month: Rs 12,000, against a gain of 0.02 x 400,000 = Rs 8,000
    assert owners.expected_penalties(ow, f, pens, BASE)["holding"][0] == pytest.approx(12000.0)
    ow.prepared_to_hold[:] = True
    assert not owners.choose(ow, f, pens, BASE).holding[0]
    ow.belief_release[:] = 0.01  # Rs 4,000 < Rs 8,000: holding still pays
    assert owners.choose(ow, f, pens, BASE).holding[0]


# -- choices ------------------------------------------------------------------------------------
def pay_case(belief_wage: float, fine: float, find_open=0.5, find_fake=0.1):
    """One owner underpaying Rs 0.3 a brick on 500,000 bricks a month (gain Rs 150,000)."""
    ow = owner_state(1)
    ow.base_paid_ratio[:] = 0.7
    ow.belief_wage[:] = belief_wage
    pens = owners.background_penalties(BASE)
    pens["underpay"] = Penalty(find_open, fine)
    pens["fake_pay"] = Penalty(find_fake, fine)
    return owners.choose(ow, facts(1, bricks_month=[500000.0]), pens, BASE).pay_mode[0]


def test_an_owner_whose_expected_penalty_is_below_its_gain_keeps_underpaying():
    # 0.05 x 0.5 x Rs 2,200 = Rs 55 a month expected, against Rs 150,000 gained
    assert pay_case(0.05, 2200.0) == PAY_OPEN


def test_no_fine_no_change_in_pay_whatever_the_visits():
    assert pay_case(1.0, 0.0) == PAY_OPEN


def test_a_fine_large_enough_makes_owners_fake_then_comply():
    # open: 0.5 x 0.5 x F; fake: 15,000 + 0.5 x 0.1 x F; comply: 150,000
    # F = 1 M: open 250,000, fake 65,000 -> fake; F = 4 M: fake 215,000 > 150,000 -> comply
    assert pay_case(0.5, 1e6) == PAY_FAKE
    assert pay_case(0.5, 4e6) == PAY_COMPLY
    # with faking as easy to find as open underpaying, nobody fakes: F = 500,000 -> comply
    # (open 125,000 < 150,000 would underpay; fake 140,000; so open) and F = 700,000 comply
    assert pay_case(0.5, 500000.0, find_fake=0.5) == PAY_OPEN
    assert pay_case(0.5, 700000.0, find_fake=0.5) == PAY_COMPLY


@given(fines=st.lists(st.floats(0.0, 1e8), min_size=2, max_size=6),
       belief=st.floats(0.0, 1.0))
def test_a_larger_fine_never_makes_an_owner_pay_less(fines, belief):
    # PAY_COMPLY pays most, then faking and open underpaying (both pay the preferred rate)
    paid = {PAY_COMPLY: 1.0, PAY_FAKE: 0.7, PAY_OPEN: 0.7}
    rates = [paid[int(pay_case(belief, fine))] for fine in sorted(fines)]
    assert all(b >= a for a, b in itertools.pairwise(rates))


def test_holding_is_kept_while_it_pays_and_never_by_owners_not_prepared_to():
    ow = owner_state(3)
    ow.prepared_to_hold[:] = [True, True, False]
    ow.base_paid_ratio[:] = 0.6
    ow.belief_police[:] = [0.02, 0.5, 0.02]
    ow.belief_conviction[:] = 0.0
    # Rs 3 M owed by 10 families: holding gains 60,000 a month
    f = facts(3, bricks_month=[0.0] * 3, debt=[3e6] * 3, indebted_families=[10.0] * 3)
    pens = owners.background_penalties(BASE)
    pens["holding"] = Penalty(0.05, 100000.0, 0.0, True)
    c = owners.choose(ow, f, pens, BASE)
    # kiln 0: 0.02 x (0.401 x 100,000 + 0.05 x 3 M) = 3,802 < 60,000: holds
    # kiln 1: 0.5 x (40,126 + 150,000) = 95,063 > 60,000: lets families go
    np.testing.assert_array_equal(c.holding, [True, False, False])


def test_apply_sets_next_months_terms():
    ow = owner_state(3)
    ow.base_paid_ratio[:] = [0.6, 0.7, 0.8]
    ow.base_book_inflation[:] = 0.3
    choices = owners.Choices(pay_mode=np.array([PAY_COMPLY, PAY_OPEN, PAY_FAKE], np.int8),
                             holding=np.array([True, False, True]),
                             child_labour=np.array([False, True, True]),
                             book_inflation=np.array([True, False, True]),
                             off_book=np.array([False, False, True]))
    owners.apply(ow, choices)
    # faking pays the preferred rate: the books change, not the pay
    np.testing.assert_allclose(ow.paid_ratio, [1.0, 0.7, 0.8])
    np.testing.assert_array_equal(ow.coercive, [True, False, True])
    np.testing.assert_array_equal(ow.child_ban, [True, False, False])
    np.testing.assert_allclose(ow.book_inflation, [0.3, 0.0, 0.3])
    np.testing.assert_array_equal(ow.off_book, [False, False, True])
    owners.apply(ow, dataclasses.replace(choices, book_inflation=np.zeros(3, bool)),
                 decided=False)
    np.testing.assert_allclose(ow.book_inflation, [0.3, 0.0, 0.3])  # kept before a record


def test_without_enforcement_owners_keep_their_preferred_practices():
    model = BondsimModel(BASE, households=700, kilns=20, seed=4)
    ow = model.ow
    model.run(14)
    np.testing.assert_allclose(ow.paid_ratio, ow.base_paid_ratio)
    assert (ow.pay_mode == PAY_OPEN).all()
    np.testing.assert_array_equal(ow.coercive & ~ow.prepared_to_hold, False)
    assert ow.coercive.sum() >= 0.9 * ow.prepared_to_hold.sum()
    inflating = ow.book_inflation > 0
    np.testing.assert_allclose(ow.book_inflation[inflating], ow.base_book_inflation[inflating])
    assert inflating.mean() > 0.9


def test_operating_profit_per_household():
    # Rs 9,000 per 1,000 bricks, 60% non-labour costs -> Rs 3.6 a brick; 1,000 bricks paid
    # Rs 650 -> 3,600 - 650 = 2,950; no bricks, no pay -> 0
    got = owners.operating_profit(np.array([1000.0, 0.0]), np.array([650.0, 0.0]), BASE)
    np.testing.assert_allclose(got, [2950.0, 0.0])


def test_banned_kiln_children_stop_working():
    model = BondsimModel(BASE, households=140, kilns=4, seed=2)
    ow, hh = model.ow, model.hh
    at0 = hh.kiln == 0
    assert (hh.work_5_9[at0].sum() + hh.work_10_14[at0].sum()) > 0
    ow.child_ban[0] = True  # set by rule 9 last month
    kiln_before = hh.kiln.copy()
    model.step()
    stayed = at0 & (hh.kiln == kiln_before)
    assert hh.work_5_9[stayed].sum() == 0
    assert hh.work_10_14[stayed].sum() == 0


def test_closed_month_profit_is_zero_and_cash_follows_loans():
    p = dataclasses.replace(BASE, start_month=7, closure_months=(7, 8))  # July: closed
    model = BondsimModel(p, households=140, kilns=4, seed=2)
    model.step()
    assert not model.ow.profit.any()
    out = model.outcomes
    assert out["owner_profit"] == 0.0
    # no pay, no deductions: owners' cash moves only by repayments less advances
    # (and transfers between owners, which cancel in the sum)
    assert out["owner_cash"] == pytest.approx(out["repayments"] - out["advances"])


def test_profit_is_booked_where_the_family_worked_at_that_kilns_rate():
    # every indebted family is bought if a place is free, so families change kilns in the
    # month; the month's bricks still count for the kiln where they were moulded
    p = dataclasses.replace(BASE, transfer_rate=1.0, kiln_occupancy=0.875, start_month=9,
                            closure_months=(7, 8), working_days_per_month=26.0,
                            rain_loss_share=0.1)
    model = BondsimModel(p, households=140, kilns=4, seed=6)
    hh, ow = model.hh, model.ow
    kiln0, paid0 = hh.kiln.copy(), ow.paid_ratio.copy()
    bricks = bricks_per_day(hh.adults, hh.work_10_14, hh.work_5_9, p) * 23.4
    model.step()
    assert np.count_nonzero(hh.kiln != kiln0) > 0
    rate = paid0 * (p.notified_piece_rate / 1000.0)  # this month's rate, per brick
    margin = p.brick_price / 1000.0 * (1.0 - p.nonlabour_cost_share)  # Rs 3.6 a brick
    expected = np.bincount(kiln0, weights=bricks * (margin - rate[kiln0]), minlength=4)
    np.testing.assert_allclose(ow.profit, expected)
    # in total: revenue less costs less the gross pay the families were actually paid
    assert model.outcomes["owner_profit"] == pytest.approx(
        margin * bricks.sum() - model.outcomes["gross_pay"])


def test_kiln_terms_follow_the_owners_when_every_term_changes_at_once_and_when_families_move():
    """The per-household copies of the owners' terms are refreshed whenever any owner term
    changed (here all of them at once, the debt ceiling as an intervention at ``kiln_terms``
    would lower it) and, otherwise, for the families that moved."""
    from bondsim.simulation.kiln_terms import KilnTerms, owner_terms

    m = BondsimModel(Params(), households=40, kilns=4, seed=3)
    ow, kiln = m.ow, m.hh.kiln.copy()

    def now() -> dict[str, np.ndarray]:
        terms = owner_terms(ow, m.params)
        terms["debt_ceiling"] = np.full(ow.k, 12345.0)
        return terms

    terms = KilnTerms()
    terms.update(kiln, owner_terms(ow, m.params))
    assert np.isinf(terms.debt_ceiling).all()
    assert np.isinf(terms.by_kiln("debt_ceiling")).all()
    ow.paid_ratio[:] = ow.paid_ratio * 0.5 + 0.1
    ow.deduction_share[:] = 0.33
    ow.advance_limit_months[:] = 3.0
    ow.book_inflation[:] = 0.07
    ow.child_ban[:] = ~ow.child_ban
    ow.coercive[:] = ~ow.coercive
    terms.update(kiln, now())
    for name, values in now().items():
        np.testing.assert_array_equal(getattr(terms, name), values[kiln], err_msg=name)
    movers = np.array([0, 5, 9])
    kiln[movers] = (kiln[movers] + 1) % 4
    terms.moved(movers)
    terms.update(kiln, now())
    for name, values in now().items():
        np.testing.assert_array_equal(getattr(terms, name), values[kiln], err_msg=name)
    with pytest.raises(AttributeError):
        terms.no_such_term  # noqa: B018


def test_a_cap_nobody_audits_binds_nowhere_even_before_anyone_owes_above_it():
    # no debt above the cap: no gain from lending past it; no audits: no penalty. A tie keeps
    # the practice, so the toothless cap changes nothing
    ow = owner_state(2)
    ow.belief_audit[:] = 0.0
    c = owners.choose(ow, facts(2), owners.background_penalties(BASE), BASE)
    assert c.off_book.all()
    ow.belief_audit[:] = 0.5  # audited: with nothing to gain, the owner keeps to the cap
    c = owners.choose(ow, facts(2), owners.background_penalties(BASE), BASE)
    assert not c.off_book.any()


def test_with_nothing_to_gain_and_nothing_to_fear_every_practice_is_kept():
    ow = owner_state(1)
    ow.prepared_to_hold[:] = True
    for belief in (ow.belief_police, ow.belief_wage, ow.belief_audit):
        belief[:] = 0.0
    c = owners.choose(ow, facts(1), owners.background_penalties(BASE), BASE)
    assert (c.holding[0], c.child_labour[0], c.book_inflation[0], c.off_book[0]) == (
        True, True, True, True)
    assert c.pay_mode[0] == PAY_OPEN
    assert c.pay_mode.dtype == np.int8


def test_beliefs_are_chances_and_the_background_is_a_year_spread_over_months():
    np.testing.assert_allclose(owners.learn(np.array([0.9, 0.1]), 1.5, 0.0), [1.0, 1.0])
    np.testing.assert_allclose(owners.learn(np.array([0.1]), -0.5, 0.0), [0.0])
    p = dataclasses.replace(BASE, prior_police_visits=1.2, prior_wage_visits=2.4,
                            prior_audits=3.6)
    assert owners.prior_visits(p) == pytest.approx(
        {owners.POLICE: 0.1, owners.WAGE: 0.2, owners.AUDIT: 0.3})
