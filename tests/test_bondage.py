"""Rule 7, bondage: the legal definition (owes a coercive owner, the headline), the ILO one
(and a debt over a multiple of repayment capacity) and indebtedness."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from bondsim import BondsimModel, Params
from bondsim.simulation import bondage
from bondsim.simulation.season import bricks_per_day
from bondsim.simulation.shocks import consumption_need


def test_repayment_capacity_is_pay_less_need_never_negative():
    # 300,000 - 120,000 = 180,000; 100,000 - 150,000 -> 0
    got = bondage.repayment_capacity(np.array([300000.0, 100000.0]),
                                     np.array([120000.0, 150000.0]))
    np.testing.assert_allclose(got, [180000.0, 0.0])


def test_debt_over_threshold_is_strictly_above_the_multiple():
    # capacity 180,000 x 2 years = 360,000: 360,000 is not over, 360,001 is; with no
    # capacity any positive debt is over, but no debt never is
    debt = np.array([360000.0, 360001.0, 1.0, 0.0, 100.0])
    capacity = np.array([180000.0, 180000.0, 0.0, 0.0, 100.0])
    got = bondage.debt_over_threshold(debt, capacity, 2.0)
    np.testing.assert_array_equal(got, [False, True, True, False, False])


def test_held_by_owner_needs_a_debt_and_a_coercive_owner():
    got = bondage.held_by_owner(np.array([0.0, 1.0, 1.0, 0.0]),
                                np.array([True, True, False, False]))
    np.testing.assert_array_equal(got, [False, True, False, False])


def test_ilo_bondage_needs_an_unrepayable_debt_and_a_menace():
    over = np.array([True, True, False, False])
    held = np.array([True, False, True, False])
    np.testing.assert_array_equal(bondage.ilo_bonded(over, held), [True, False, False, False])


def test_legal_bondage_is_a_debt_to_an_owner_who_holds_and_indebted_any_debt():
    debt = np.array([0.0, 1.0, 1.0, 0.0])
    coercive = np.array([True, True, False, False])
    np.testing.assert_array_equal(bondage.legally_bonded(debt, coercive),
                                  [False, True, False, False])
    np.testing.assert_array_equal(bondage.indebted(debt), [False, True, True, False])


def test_model_bonded_flag_is_the_legal_definition_and_ilo_counts_both_conditions():
    p = dataclasses.replace(Params(), closure_months=(7, 8), extra_closure_months=(),
                            working_days_per_month=26.0, rain_loss_share=0.1,
                            bondage_debt_multiple=2.0, demography=0)
    # rule 10 off: it changes members after rule 7, and the check recomputes rule 7 from them
    model = BondsimModel(p, households=300, kilns=8, seed=9)
    model.run(2)
    hh = model.hh
    kiln_before = hh.kiln.copy()
    # expected pay is the month's, from the family's workers at the start of the month
    bricks = bricks_per_day(hh.adults, hh.work_10_14, hh.work_5_9, model.params)
    model.step()
    # expected annual net pay: 10 open months of 23.4 days' pay, less 12 months of need;
    # with no inspection risk the paid ratios stay at the owners' preferred ones
    rate = model.ow.paid_ratio[hh.kiln] * (p.notified_piece_rate / 1000.0)
    days = p.working_days_per_month * (1.0 - p.rain_loss_share)
    gross = bricks * rate * days * 10
    # need: 12 months of subsistence and of expected shocks (rate x lognormal mean)
    shocks = (p.illness_rate * p.illness_cost_median * np.exp(p.illness_cost_sigma ** 2 / 2)
              + p.funeral_rate * p.funeral_cost_median * np.exp(p.funeral_cost_sigma ** 2 / 2)
              + p.marriage_rate * p.marriage_cost_median
              * np.exp(p.marriage_cost_sigma ** 2 / 2))
    capacity = np.maximum(gross - 12.0 * (consumption_need(hh.size, p) + shocks), 0.0)
    over = (hh.debt > 0) & (hh.debt > 2.0 * capacity)
    held = (hh.debt > 0) & model.ow.coercive[hh.kiln]
    # rule 8 (after rule 7) moved some families, with their debts: compare the others
    stayed = hh.kiln == kiln_before
    np.testing.assert_allclose(model.repayment_capacity[stayed], capacity[stayed])
    np.testing.assert_array_equal(hh.bonded[stayed], held[stayed])
    ilo = (over & held)[stayed]
    assert ilo.any()
    assert not np.array_equal(ilo, held[stayed])
    assert hh.bonded.any()
    assert not hh.bonded.all()


@pytest.mark.parametrize(("share", "expect_any"), [(0.0, False), (1.0, True)])
def test_no_coercive_owners_no_bondage(share, expect_any):
    p = dataclasses.replace(Params(), coercive_owner_share=share)
    model = BondsimModel(p, households=200, kilns=6, seed=2)
    model.run(2)
    assert model.hh.bonded.any() == expect_any
    assert (model.outcomes["bonded_share_ilo"] > 0.0) == expect_any
    assert model.outcomes["bonded_share_ilo"] <= model.outcomes["bonded_share"]
    assert model.outcomes["bonded_share_ilo"] <= model.outcomes["debt_over_threshold_share"]


def test_months_bonded_counts_consecutive_months():
    model = BondsimModel(Params(), households=300, kilns=8, seed=5)
    prev_flag = model.hh.bonded.copy()
    prev = model.hh.months_bonded.copy()
    assert not prev.any()  # the initial state starts the count at zero
    for _ in range(6):
        model.step()
        now = model.hh.bonded
        np.testing.assert_array_equal(model.hh.months_bonded[now], prev[now] + 1)
        assert not model.hh.months_bonded[~now].any()
        prev_flag, prev = now.copy(), model.hh.months_bonded.copy()
    assert prev.max() == 6  # some family was bonded in every one of the six months
    assert prev_flag.any()
