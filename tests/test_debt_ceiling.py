"""Rule 5b (owners cap what a family may owe), ``debt_structure`` and the debt-tail outcomes,
each by hand on tiny models (``mechanism_kit``: one adult earning Rs 5,000 in an open month,
an owner deducting a quarter, ten open months a year)."""

from __future__ import annotations

import math
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from mechanism_kit import ADULT_PAY, tiny

from bondsim import BondsimModel, Params
from bondsim.errors import BondsimError
from bondsim.experiments.factors import apply, check_factors, resolve
from bondsim.experiments.scenario import scenario_from_dict
from bondsim.simulation.debt_ceiling import annuity_months, collectable_debt, write_down
from bondsim.simulation.outcomes import debt_tail

STILL = {"transfer_rate": 0.0, "exit_rate_debt_free": 0.0}  # nobody moves in rule 8
DEDUCTION = 0.25 * ADULT_PAY * 10.0 / 12.0  # Rs 1,041.67: an average month's deduction


def test_annuity_by_hand():
    assert annuity_months(24.0, 0.0) == 24.0  # no markup: the months themselves
    # 1.01^12 = 1.126825; (1 - 1 / 1.126825) / 0.01 = 11.2551
    assert annuity_months(12.0, 0.01) == pytest.approx(11.2551, abs=1e-4)


def test_collectable_debt_by_hand():
    got = collectable_debt(np.array([ADULT_PAY, 2 * ADULT_PAY]), np.array([0.25, 0.5]),
                           10.0 / 12.0, 2.0, 0.0)
    # 1,041.67 x 24 = 25,000; twice the pay and twice the share: four times that
    np.testing.assert_allclose(got, [25000.0, 100000.0])


def test_write_down_returns_what_it_took():
    debt = np.array([10.0, 30.0, 50.0])
    assert write_down(debt, np.array([20.0, 20.0, 60.0])) == 10.0
    np.testing.assert_array_equal(debt, [10.0, 20.0, 50.0])


def test_owner_writes_a_book_above_what_it_can_collect_down_and_lends_nothing_past_it():
    # no markup (inflation, no book inflation in the kit), two years: collectable Rs 25,000
    m = tiny(households=2, kilns=1, debt_structure="inflation", debt_recovery_years=2.0,
             **STILL)
    m.hh.debt[:] = [30000.0, 10000.0]
    m.step()  # September, open: gross 5,000, a quarter deducted
    need = float(m._need[0])
    assert need > 3750.0  # so both families are short and ask for an advance
    # family 0: 30,000 - 1,250 = 28,750, over the ceiling, so no advance; written down 3,750
    # family 1: 10,000 - 1,250 = 8,750, lent min(need - 3,750, 25,000 - 8,750)
    lent = min(need - 3750.0, 25000.0 - 8750.0)
    np.testing.assert_allclose(m.hh.debt, [25000.0, 8750.0 + lent])
    assert m.outcomes["write_offs"] == pytest.approx(3750.0)
    assert m.outcomes["advances"] == pytest.approx(lent)
    assert abs(m.outcomes["ledger_residual"]) < 1.0


def test_markup_past_the_discounted_ceiling_is_written_off():
    # markup 12 %/yr (1 % a month), one year: collectable 1,041.67 x 11.2551 = Rs 11,724.1
    m = tiny(households=1, kilns=1, debt_structure="markup", markup_annual=0.12,
             debt_recovery_years=1.0, need_per_person=8000.0, **STILL)
    ceiling = DEDUCTION * annuity_months(12.0, 0.01)
    m.hh.debt[:] = 10000.0
    m.step()
    assert float(m._need[0]) - 3750.0 > ceiling - 8750.0  # short enough to borrow to the top
    # 10,000 - 1,250 = 8,750; markup 87.50 on it; lent up to the ceiling: 8,750 + 87.50 +
    # (11,724.1 - 8,750) = 11,811.6, written back down to 11,724.1: the markup, written off
    assert m.hh.debt[0] == pytest.approx(ceiling)
    assert m.outcomes["markup"] == pytest.approx(87.5)
    assert m.outcomes["write_offs"] == pytest.approx(87.5)
    assert abs(m.outcomes["ledger_residual"]) < 1.0


def test_a_debt_under_the_ceiling_is_not_touched():
    m = tiny(households=1, kilns=1, debt_structure="inflation", debt_recovery_years=2.0,
             need_per_person=0.0, need_base=0.0, **STILL)
    m.hh.debt[:] = 20000.0
    m.step()
    assert m.outcomes["write_offs"] == 0.0
    # no need: 15 % of the Rs 3,750 left is saved and, with no buffer, repays the owner
    assert m.hh.debt[0] == pytest.approx(20000.0 - 1250.0 - 0.15 * 3750.0)


@pytest.mark.parametrize(("structure", "marks_up", "inflates"),
                         [("markup", True, False), ("inflation", False, True),
                          ("both", True, True)])
def test_each_debt_structure_grows_debts_its_own_way(structure, marks_up, inflates):
    m = BondsimModel(households=300, seed=3, debt_structure=structure)
    base = BondsimModel(households=300, seed=3)
    # the same draws either way: only the over-recording is switched off under markup alone
    np.testing.assert_array_equal(m.ow.deduction_share, base.ow.deduction_share)
    assert bool(m.ow.base_book_inflation.any()) == inflates
    markup = inflation = 0.0
    for _ in range(12):
        m.step()
        markup += m.outcomes["markup"]
        inflation += m.outcomes["book_inflation"]
        assert abs(m.outcomes["ledger_residual"]) < 1.0
    assert (markup > 0.0) == marks_up
    assert (inflation > 0.0) == inflates


def test_a_sweep_and_a_scenario_give_the_structure_by_name_or_position():
    assert Params().debt_structure == "both"
    assert Params(debt_structure=1).debt_structure == "inflation"
    with pytest.raises(ValueError, match="expected one of"):
        Params(debt_structure="interest")
    target = resolve("debt_structure", {})
    assert target.integer
    assert target.kind == "parameter"
    data = apply({"name": "s"}, [target], {"debt_structure": 0.4})  # rounds to 0
    assert scenario_from_dict(data).params.debt_structure == "markup"
    assert scenario_from_dict({"name": "s", "parameters": {"debt_structure": "inflation"}}
                              ).params.debt_structure == "inflation"
    with pytest.raises(BondsimError):
        scenario_from_dict({"name": "s", "parameters": {"debt_structure": 3}})
    assert BondsimModel(households=20, debt_structure=2).params.debt_structure == "both"
    # a sweep's factor: -0.49 .. 2.49 rounds to each structure a third of the time; 3 is no
    # structure, and the file's field says so
    spec = SimpleNamespace(name="debt_structure", low=-0.49, high=2.49)
    assert check_factors(Path("sweep.toml"), "factors", [spec], {"name": "s"}) == [target]
    with pytest.raises(BondsimError, match=r"factors\.0\.high"):
        check_factors(Path("sweep.toml"), "factors",
                      [SimpleNamespace(name="debt_structure", low=0, high=3)], {"name": "s"})


def test_debt_tail_by_hand():
    debt = np.array([0.0, 100.0, 200.0, 300.0, 400.0])
    months = np.array([0.0, 4.0, 1.0, 3.0, 2.0], dtype=np.float32)
    got = debt_tail(debt, months, 4)
    # positives 100..400: position 0.9 x 3 = 2.7, so 300 + 0.7 x 100 = 370
    assert got["p90_debt"] == pytest.approx(370.0)
    assert got["max_debt"] == 400.0
    # months of the owing households 4, 1, 3, 2: sorted 1..4, 3 + 0.7 = 3.7; the largest in
    # months (4) is not the largest in rupees
    assert got["p90_debt_months"] == pytest.approx(3.7)
    assert got["max_debt_months"] == 4.0
    assert all(math.isnan(v) for v in debt_tail(np.zeros(3), np.zeros(3), 0).values())


def test_the_tail_is_bounded_at_the_defaults():
    m = BondsimModel(households=1000, seed=2)
    m.run(36)
    # the worst any owner lets a family owe: half its adults' pay deducted for ten open months
    # a year, over ten years at 30 %: 0.5 x 10/12 x 37.9 = 15.8 months of the adults' pay
    assert m.outcomes["max_debt_months"] < 15.8 * 1.0001
    assert m.outcomes["max_debt"] < 1e6
