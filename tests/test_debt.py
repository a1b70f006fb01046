"""Rule 5, the debt ledger: book inflation and markup, and how the model books them."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from bondsim import BondsimModel, Params
from bondsim.simulation import debt
from bondsim.simulation.credit import CreditFlows


def test_book_inflation_is_a_share_of_the_advance():
    # domain.md 1.6: "borrow another 500 rupees, they write down 1,000" -> share 1.0, +500;
    # 1,000 at 0.2 -> 200; no advance -> nothing over-recorded
    got = debt.book_inflation(np.array([1000.0, 500.0, 0.0]), np.array([0.2, 1.0, 0.5]))
    np.testing.assert_allclose(got, [200.0, 500.0, 0.0])


def test_markup_is_the_annual_rate_pro_rata():
    # 12% a year on 120,000 = 1,200 a month; 100% a year on 6,000 = 500; no debt -> 0
    np.testing.assert_allclose(debt.markup(np.array([120000.0, 0.0]), 0.12), [1200.0, 0.0])
    np.testing.assert_allclose(debt.markup(np.array([6000.0]), 1.0), [500.0])
    np.testing.assert_allclose(debt.markup(np.array([6000.0]), 0.0), [0.0])


def flows(n: int, **values: np.ndarray) -> CreditFlows:
    z = {f.name: np.zeros(n) for f in dataclasses.fields(CreditFlows)}
    z.update(values)
    return CreditFlows(**z)


@pytest.fixture
def two_households() -> BondsimModel:
    p = dataclasses.replace(Params(), markup_annual=0.12, outside_rate_annual=0.24)
    model = BondsimModel(p, households=2, kilns=1, seed=0)
    model.ow.book_inflation[:] = 0.2
    model.refresh_terms()  # as rule 1 does at the month's start
    model.hh.debt[:] = [100000.0, 0.0]
    model.hh.outside_debt[:] = [10000.0, 0.0]
    model.ledger.open(float(model.hh.debt.sum()))
    return model


def test_book_debt_hand_computed(two_households):
    model = two_households
    f = flows(2, repayment=np.array([10000.0, 0.0]), advance=np.array([5000.0, 2000.0]),
              outside_repayment=np.array([2000.0, 0.0]),
              outside_advance=np.array([1000.0, 0.0]))
    model._book_debt(f)
    # 0: 100,000 - 10,000 repaid = 90,000; markup 1% of 90,000 = 900 (a new advance bears no
    #    markup in its first month); advance 5,000 recorded as 6,000 -> 96,900
    # 1: no debt, advance 2,000 recorded as 2,400
    np.testing.assert_allclose(model.hh.debt, [96900.0, 2400.0])
    # outside: 10,000 - 2,000 = 8,000; 2% interest = 160; + 1,000 lent -> 9,160
    np.testing.assert_allclose(model.hh.outside_debt, [9160.0, 0.0])
    led = model.ledger
    assert led.repayments == 10000.0
    assert led.advances == 7000.0
    assert led.book_inflation == pytest.approx(1400.0)
    assert led.markup == pytest.approx(900.0)
    assert abs(led.residual(float(model.hh.debt.sum()))) < 1e-6


def test_no_outside_lender_no_outside_debt():
    model = BondsimModel(Params(), households=200, kilns=6, seed=4)  # outside share 0
    model.run(14)
    assert model.outcomes["outside_debt_total"] == 0.0
    assert not model.hh.outside_debt.any()


def test_outside_lenders_lend_and_charge_interest():
    p = dataclasses.replace(Params(), outside_lender_share=0.5, outside_rate_annual=0.3)
    model = BondsimModel(p, households=300, kilns=8, seed=4)
    lent = 0.0
    for _ in range(14):
        model.step()
        lent += model.outcomes["outside_advances"]
    assert lent > 0.0
    # only households with access borrow outside
    assert not model.hh.outside_debt[~model.hh.outside_access].any()
    assert model.hh.outside_debt[model.hh.outside_access].sum() > 0.0
