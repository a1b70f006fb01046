"""The debt ledger: opening balance, flows in and out, and the residual."""

from __future__ import annotations

from dataclasses import fields

import numpy as np
import pytest

from bondsim import BondsimModel, Params
from bondsim.simulation.ledger import INFLOWS, OUTFLOWS, Ledger


def filled() -> Ledger:
    led = Ledger()
    led.open(1000.0)
    led.advances = 200.0
    led.book_inflation = 40.0
    led.markup = 10.0
    led.transfer_premiums = 5.0
    led.deductions = 100.0
    led.repayments = 50.0
    led.write_offs = 5.0
    return led


def test_expected_close_and_residual_by_hand():
    led = filled()
    # 1,000 + 200 + 40 + 10 + 5 - 100 - 50 - 5 = 1,100
    assert led.expected_close() == 1100.0
    assert led.residual(1100.0) == 0.0
    assert led.residual(1101.5) == 1.5  # closing more than the flows explain
    assert led.residual(1090.0) == -10.0


def test_open_zeroes_the_previous_months_flows():
    led = filled()
    led.open(1100.0)
    assert led.opening == 1100.0
    assert all(v == 0.0 for v in led.flows().values())
    assert led.residual(1100.0) == 0.0
    assert led.residual(1000.0) == -100.0


def test_every_flow_is_in_exactly_one_direction():
    names = {f.name for f in fields(Ledger)} - {"opening"}
    assert set(INFLOWS) | set(OUTFLOWS) == names
    assert not set(INFLOWS) & set(OUTFLOWS)
    assert list(filled().flows()) == list(INFLOWS + OUTFLOWS)


@pytest.mark.parametrize("name", INFLOWS + OUTFLOWS)
def test_each_flow_moves_the_expected_close_in_its_direction(name):
    led = Ledger()
    led.open(500.0)
    setattr(led, name, 70.0)
    sign = 1.0 if name in INFLOWS else -1.0
    assert led.expected_close() == 500.0 + sign * 70.0


def test_model_ledger_flows_match_the_outcomes(small_model):
    small_model.run(3)
    out, led = small_model.outcomes, small_model.ledger
    for name, value in led.flows().items():
        assert out[name] == value
    assert out["debt_total"] == pytest.approx(float(small_model.hh.debt.sum()))
    assert led.opening + sum(led.flows()[n] for n in INFLOWS) - sum(
        led.flows()[n] for n in OUTFLOWS) == pytest.approx(out["debt_total"], abs=1.0)


def test_flows_booked_by_an_intervention_survive_the_month():
    """Rules add to the month's flows, so a repayment booked before the rules is kept."""
    class PayOff:
        paid = 0.0

        def step(self, model):
            self.paid = model.repay_debt(np.arange(20), 1000.0)

        def cost(self, model):
            return 0.0

    policy = PayOff()
    model = BondsimModel(Params(), households=200, kilns=6, seed=3, interventions=[policy])
    for _ in range(3):
        model.step()
        assert policy.paid > 0.0
        assert model.outcomes["repayments"] >= policy.paid
        assert abs(model.outcomes["ledger_residual"]) < 1.0
