"""Rule 1b, the monsoon away from the kiln (``migration.py``), and cash on hand (rule 4), each
pinned by hand on tiny models (``mechanism_kit.py``: one adult a family, Rs 5,000 of pay in an
open month, an owner's lending limit of Rs 40,000)."""

from __future__ import annotations

import numpy as np
import pytest
from mechanism_kit import LIMIT, tiny

from bondsim import BondsimModel
from bondsim.simulation import migration
from bondsim.simulation.parameters import Params
from bondsim.simulation.state import TOWN

# need Rs 1,000 + 1,000 a person = Rs 2,000 a month (the buffer too); no shocks, no markup, no
# moves; at home an adult earns Rs 100 x 10 days = Rs 1,000 a month; month 1 is July
QUIET = {"need_base": 1000.0, "need_per_person": 1000.0, "illness_rate": 0.0,
         "funeral_rate": 0.0, "marriage_rate": 0.0, "markup_annual": 0.0, "transfer_rate": 0.0,
         "exit_rate_debt_free": 0.0, "outside_daily_wage": 100.0, "monsoon_work_days": 10.0,
         "start_month": 7}
MIGRANT = np.array([True, True, True, False, False, False])


def monsoon_model(**params) -> object:
    m = tiny(**{**QUIET, **params})
    m.hh.migrant[:] = MIGRANT
    return m


def test_the_share_of_migrants_is_drawn_once_from_its_own_stream():
    p = Params(monsoon_migrant_share=0.3)
    draw = migration.draw_migrants(np.random.default_rng(5), 20000, p)
    assert draw.mean() == pytest.approx(0.3, abs=0.015)
    assert not migration.draw_migrants(np.random.default_rng(5), 50, Params(
        monsoon_migrant_share=0.0)).any()
    everyone = BondsimModel(Params(monsoon_migrant_share=1.0), households=40, seed=1)
    assert everyone.hh.migrant.all()
    # the draw moves no other random number: the same population with or without migrants
    nobody = BondsimModel(Params(monsoon_migrant_share=0.0), households=40, seed=1)
    assert not nobody.hh.migrant.any()
    np.testing.assert_array_equal(everyone.hh.debt, nobody.hh.debt)
    np.testing.assert_array_equal(everyone.hh.adults, nobody.hh.adults)


def test_monsoon_months_are_the_closure_months_not_a_smog_ban():
    p = Params(closure_months=(7, 8), extra_closure_months=(11, 12))
    assert [m for m in range(1, 13) if migration.is_monsoon(m, p)] == [7, 8]


def test_away_income_and_rehire_advance_by_hand():
    p = Params(outside_daily_wage=100.0, monsoon_work_days=10.0)
    assert migration.away_income(np.array([1, 2, 3]), p).tolist() == [1000.0, 2000.0, 3000.0]
    # weekly pay 1,000, 2 weeks: at most 2,000; what the buffer (10,000) lacks; the room
    got = migration.rehire_advance(np.full(4, 1000.0), 2.0, np.array([0.0, 9000.0, 20000.0, 0.0]),
                                   np.full(4, 10000.0), np.array([5e4, 5e4, 5e4, 1500.0]))
    assert got.tolist() == [2000.0, 1000.0, 0.0, 1500.0]


def test_migrants_go_home_in_july_earn_there_and_borrow_only_what_they_lack():
    m = monsoon_model()
    m.hh.savings[:] = [0.0, 1500.0, 0.0, 0.0, 0.0, 0.0]
    m.hh.debt[:] = [0.0, 0.0, 39000.0, 0.0, 39000.0, LIMIT]
    m.step()  # month 1: July, kilns shut
    assert m.hh.away.tolist() == MIGRANT.tolist()
    # migrants: Rs 1,000 at home against Rs 2,000 of need; the owner (through his jamadar)
    # lends the rest: 0 borrows 1,000; 1 draws 1,000 of savings; 2 borrows its last 1,000
    # stayers: no pay; the owner lends what he may: 2,000; 1,000 (room); 0 (at the limit)
    assert m.hh.unmet_need.tolist() == [0.0, 0.0, 0.0, 0.0, 1000.0, 2000.0]
    assert m.hh.debt.tolist() == [1000.0, 0.0, LIMIT, 2000.0, LIMIT, LIMIT]
    assert m.hh.savings.tolist() == [0.0, 500.0, 0.0, 0.0, 0.0, 0.0]
    out = m.outcomes
    assert out["households_short"] == pytest.approx(2 / 6)
    assert out["unmet_need"] == 3000.0
    assert out["monsoon_away_share"] == 0.5
    assert out["off_kiln_share"] == 0.0
    assert out["households_released"] == 0.0  # not released
    assert out["advances"] == 5000.0
    assert out["ledger_residual"] == pytest.approx(0.0, abs=1e-6)
    assert not m.hh.at_kiln[:3].any()
    assert m.hh.at_kiln[3:].all()
    assert m.ow.occupants.sum() == 6  # their places are kept


def test_migrants_come_back_in_september_re_tied_by_an_advance():
    m = monsoon_model(start_month=9, rehire_advance_weeks=1.3)
    hh = m.hh
    hh.away[:] = MIGRANT
    hh.savings[:] = [0.0, 1200.0, 0.0, 0.0, 0.0, 0.0]
    hh.debt[:] = [0.0, 0.0, 39500.0, 0.0, 0.0, 0.0]
    m.ledger.open(float(hh.debt.sum()))
    migration.monsoon(m, 9)
    # weekly pay 5,000 x 12 / 52 = 1,153.85, x 1.3 weeks = 1,500; the buffer is 2,000:
    #   0 lacks 2,000 -> 1,500; 1 lacks 800 -> 800; 2 has 500 of room -> 500; stayers none
    assert not hh.away.any()
    np.testing.assert_allclose(hh.debt, [1500.0, 800.0, LIMIT, 0.0, 0.0, 0.0])
    np.testing.assert_allclose(hh.savings, [1500.0, 2000.0, 500.0, 0.0, 0.0, 0.0])
    assert m.events["monsoon_returns"] == 3.0
    assert m.events["rehire_advances"] == pytest.approx(2800.0)
    assert m.ledger.advances == pytest.approx(2800.0)
    assert m.ledger.residual(float(hh.debt.sum())) == pytest.approx(0.0, abs=1e-9)
    # households 0-2 are at kiln 0 (blocks of 3 over 2 kilns): its owner paid the cash
    assert m.ow.cash.tolist() == pytest.approx([-2800.0, 0.0])


def test_the_re_hiring_advance_stops_at_what_the_owner_can_collect():
    # rule 5b: a quarter of Rs 5,000 deducted in 10 open months of 12, over 2 years with no
    # markup: 0.25 x 5,000 x 10/12 x 24 = Rs 25,000 collectable (below the Rs 40,000 limit);
    # a family owing 24,700 gets 300, though it lacks 2,000 and 1.3 weeks' pay is 1,500
    m = monsoon_model(start_month=9, rehire_advance_weeks=1.3, debt_recovery_years=2.0)
    hh = m.hh
    hh.away[:] = [True, False, False, False, False, False]
    hh.debt[0] = 24700.0
    migration.monsoon(m, 9)
    assert hh.debt[0] == pytest.approx(25000.0)
    assert hh.savings[0] == pytest.approx(300.0)


def test_a_full_year_balances_and_nobody_is_away_outside_the_monsoon():
    m = monsoon_model()
    m.hh.debt[:] = 10000.0
    away = []
    for _ in range(14):
        m.step()
        away.append(m.outcomes["monsoon_away_share"])
        assert m.outcomes["ledger_residual"] == pytest.approx(0.0, abs=1e-6)
    # months 1-2 July-August, 13-14 July-August again: away; the rest at the kiln
    assert away == [0.5, 0.5] + [0.0] * 10 + [0.5, 0.5]
    assert m.timeseries()["monsoon_returns"].tolist()[3] == 3.0  # month 3: September


def test_a_migrant_off_the_kilns_does_not_go_home_and_a_smog_ban_moves_nobody():
    m = monsoon_model()
    hh = m.hh
    hh.location[0] = TOWN
    migration.monsoon(m, 7)
    assert hh.away.tolist() == [False, True, True, False, False, False]
    hh.away[:] = False
    migration.monsoon(m, 11)  # a smog month (not a monsoon month): nobody leaves
    assert not hh.away.any()


def test_with_no_migrants_the_monsoon_is_as_before():
    m = monsoon_model(monsoon_migrant_share=0.0)
    m.hh.migrant[:] = False
    m.step()
    assert not m.hh.away.any()
    assert m.hh.debt.tolist() == [2000.0] * 6  # all borrow their need at the kiln


# -- cash on hand ----------------------------------------------------------------------------
def test_transfer_cash_is_held_from_month_to_month_and_covers_need_later():
    # no migrants: in July (month 1) nobody earns; household 0 holds Rs 3,000 of transfer cash
    # and owes the owner his limit, household 1 holds nothing and owes the limit too
    m = monsoon_model(monsoon_migrant_share=0.0)
    m.hh.migrant[:] = False
    hh = m.hh
    hh.debt[:] = LIMIT
    hh.sp_cash[:] = [3000.0, 0.0, 0.0, 0.0, 0.0, 0.0]
    m.step()  # July: need 2,000 from the held cash; 1,000 still held (below the buffer)
    assert hh.unmet_need.tolist()[:2] == [0.0, 2000.0]
    assert hh.sp_cash.tolist()[:2] == [1000.0, 0.0]
    assert m.outcomes["sp_cash_used"] == 2000.0
    assert m.outcomes["sp_cash_held"] == 1000.0
    m.step()  # August: the last 1,000 covers half the need, nothing was reset in between
    assert hh.unmet_need.tolist()[:2] == [1000.0, 2000.0]
    assert m.outcomes["sp_cash_used"] == 1000.0
    assert not hh.sp_cash.any()
