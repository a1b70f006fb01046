"""A public loan scheme's claim is debt: its own balanced book, rule 7's threshold, the indebted
share, and the scheme's lending, collection, arrears and recovery (issue 17). Hand-computed on
tiny models (``mechanism_kit``: one adult per family, Rs 5,000 a month)."""

from __future__ import annotations

import numpy as np
import pytest
from mechanism_kit import act, draws, tiny

from bondsim.interventions.interest_free_loans import InterestFreeLoansSpec


def _loans(**fields):
    base = {"coverage": 1.0, "max_loan": 10000.0, "instalment_months": 2,
            "admin_cost_per_loan": 0.0, "bonded_first": False}
    return InterestFreeLoansSpec(type="interest_free_loans", **{**base, **fields})


def _scheme_month(m, month):
    """Stage 0 of ``month`` with both books opened, as ``BondsimModel.step`` opens them."""
    m.scheme_ledger.open(float(m.hh.loan_debt.sum()))
    return act(m, month)


def test_a_buyout_moves_the_debt_from_the_owners_book_to_the_schemes():
    m = tiny(_loans(), households=3, kilns=1)
    m.hh.debt[:] = [10000.0, 4000.0, 0.0]
    assert _scheme_month(m, 1) == pytest.approx(14000.0)
    # the owner's book: a repayment of 14,000; the scheme's: a loan of 14,000
    assert m.ledger.repayments == pytest.approx(14000.0)
    assert m.scheme_ledger.scheme_lent == pytest.approx(14000.0)
    assert m.hh.loan_debt.tolist() == [10000.0, 4000.0, 0.0]
    # both books balance: owners 14,000 - 14,000 = 0; scheme 0 + 14,000 = 14,000
    assert m.ledger.residual(float(m.hh.debt.sum())) == pytest.approx(0.0)
    assert m.scheme_ledger.residual(float(m.hh.loan_debt.sum())) == pytest.approx(0.0)
    # what families owe in all has not changed: 14,000
    assert m.debt_owed().sum() == pytest.approx(14000.0)


def test_arrears_and_recovery_by_hand():
    m = tiny(_loans(), households=3, kilns=1)
    m.hh.debt[0] = 10000.0
    _scheme_month(m, 1)  # lent 10,000; instalment 5,000 a month; nothing due yet
    assert m.hh.loan_overdue.tolist() == [0.0, 0.0, 0.0]
    # month 2: 5,000 falls due; 3,000 saved is collected: 7,000 owed, 5,000 not due, 2,000 late
    m.hh.savings[0] = 3000.0
    assert _scheme_month(m, 2) == pytest.approx(-3000.0)
    assert m.hh.loan_debt[0] == pytest.approx(7000.0)
    assert m.hh.loan_overdue[0] == pytest.approx(2000.0)
    assert m.scheme_ledger.scheme_collected == pytest.approx(3000.0)
    # month 3: the last 5,000 falls due; nothing saved: all 7,000 is late
    _scheme_month(m, 3)
    assert m.hh.loan_overdue[0] == pytest.approx(7000.0)
    assert m.scheme_ledger.recovery_rate() == pytest.approx(3000.0 / 10000.0)
    # month 4: 6,000 saved, one instalment (5,000) is collected: 2,000 still late
    m.hh.savings[0] = 6000.0
    _scheme_month(m, 4)
    assert m.hh.loan_overdue[0] == pytest.approx(2000.0)
    assert m.scheme_ledger.recovery_rate() == pytest.approx(8000.0 / 10000.0)
    assert m.scheme_ledger.residual(float(m.hh.loan_debt.sum())) == pytest.approx(0.0)


def test_no_recovery_rate_before_anything_is_lent():
    m = tiny(_loans(), households=2, kilns=1)
    assert np.isnan(m.scheme_ledger.recovery_rate())


def test_rule_7_counts_the_schemes_claim_towards_the_threshold_but_only_an_owner_holds():
    # capacity Rs 1,000 a year for everyone, multiple 2: over the threshold above Rs 2,000
    m = tiny(_loans(), households=6, kilns=2, bondage_debt_multiple=2.0)
    m._capacity_need = np.zeros(6)
    m.ow.coercive[:] = [True, False]  # households 0-2 at kiln 0, 3-5 at kiln 1
    m.refresh_terms()
    m.hh.debt[:] = [1500.0, 1500.0, 0.0, 1500.0, 0.0, 0.0]
    m.hh.loan_debt[:] = [0.0, 1000.0, 5000.0, 1000.0, 0.0, 0.0]
    m._bondage(np.full(6, 1000.0 / m._open_months))
    over, ilo = m._ilo_at_month_end()
    # owed: 1,500; 2,500; 5,000; 2,500; 0; 0
    assert over.tolist() == [False, True, True, True, False, False]
    # legally bonded: owes a coercive owner (the scheme holds nobody, kiln 1 lets families go)
    assert m.hh.bonded.tolist() == [True, True, False, False, False, False]
    # ILO: the scheme's claim counts towards an unrepayable debt, held only by an owner
    assert ilo.tolist() == [False, True, False, False, False, False]


def test_a_family_owing_only_the_scheme_is_indebted_and_the_books_balance_over_months():
    m = tiny(_loans(max_loan=60000.0, instalment_months=12), households=3, kilns=1)
    m.hh.debt[:] = [50000.0, 0.0, 0.0]
    m.step()  # month 1: family 0 is bought out of all its debt and owes the scheme 50,000
    out = m.outcomes
    assert out["scheme_lent"] == pytest.approx(50000.0)
    assert m.hh.debt.tolist() == [0.0, 0.0, 0.0]  # pay 5,000 covers need 4,450: no advance
    # it owes the scheme alone, and is indebted (before issue 17: an indebted share of 0)
    assert out["indebted_share"] == pytest.approx(1 / 3)
    # capacity max(10 x 5,000 - 12 x 4,450, 0) = 0: any debt is over the threshold
    assert out["debt_over_threshold_share"] == pytest.approx(1 / 3)
    assert out["bonded_share"] == 0.0  # nobody holds it for a scheme's claim
    assert out["bonded_share_ilo"] == 0.0
    # each family saves 15% of its surplus of 550: 82.5; month 2 collects that much
    m.step()
    assert m.outcomes["scheme_collected"] == pytest.approx(82.5)
    for _ in range(4):
        m.step()
        assert abs(m.outcomes["ledger_residual"]) < 1.0
    lent, collected = m.scheme_ledger.lent_to_date, m.scheme_ledger.collected_to_date
    assert lent == pytest.approx(50000.0)
    assert m.outcomes["loan_debt_total"] == pytest.approx(lent - collected)
    assert m.outcomes["scheme_recovery_rate"] == pytest.approx(collected / lent)
    assert 0.0 < m.outcomes["scheme_arrears"] < lent


def test_only_a_column_declared_as_debt_can_be_lent_on():
    m = tiny(_loans(), households=2, kilns=1)
    assert m.scheme_debts == ("loan_debt",)
    with pytest.raises(ValueError, match="not a household column declared as debt"):
        m.scheme_lend(np.array([0]), 100.0, "savings")
    plain = tiny(households=2, kilns=1)
    assert plain.scheme_debts == ()
    assert plain.debt_owed() is plain.hh.debt  # no scheme: rule 7 counts owners' debt alone


# -- issue 17 mutation run J: what the survivors showed untested -----------------------------------
def _month_with_a_draw(m, month, drawn):
    """Stage 0 of ``month``, then rule 4 with families drawing ``drawn`` of the emergency
    credit offered; returns the month's cost."""
    m.steps = month
    m.events = dict.fromkeys(m.events, 0.0)
    m.ledger.open(float(m.hh.debt.sum()))
    m.scheme_ledger.open(float(m.hh.loan_debt.sum()))
    scheme = m.interventions[0]
    scheme.step(m)
    scheme.on_shortfall_credit(m).drawn(np.asarray(drawn, dtype=float))
    return scheme.cost(m)


def test_emergency_draws_and_buyouts_add_up_in_not_due_instalments_and_spending():
    m = tiny(_loans(purpose="both"), households=3, kilns=1)  # instalments over 2 months
    m.hh.debt[0] = 4000.0
    # month 1: family 0 is bought out (4,000: 2,000 a month); family 1 draws 1,000 in rule 4
    # (500 a month)
    assert _month_with_a_draw(m, 1, [0.0, 1000.0, 0.0]) == pytest.approx(5000.0)
    assert m.interventions[0].spent == pytest.approx(5000.0)
    # month 2: one instalment of each falls due and is collected from savings: 2,000 + 500;
    # nothing is overdue. Family 1 now owes its owner 3,000 and is bought out (1,500 a month)
    m.hh.savings[:2] = 10000.0
    m.hh.debt[1] = 3000.0
    assert _scheme_month(m, 2) == pytest.approx(-2500.0 + 3000.0)
    assert m.scheme_ledger.scheme_collected == pytest.approx(2500.0)
    assert m.hh.loan_overdue.tolist() == [0.0, 0.0, 0.0]
    # month 3, nothing saved: family 0's last 2,000 falls due, unpaid; family 1 owes
    # 500 + 3,000 = 3,500, of which 500 + 1,500 falls due: 1,500 of the buyout is not yet due
    m.hh.savings[:] = 0.0
    _scheme_month(m, 3)
    assert m.hh.loan_debt.tolist() == [2000.0, 3500.0, 0.0]
    assert m.hh.loan_overdue.tolist() == [2000.0, 2000.0, 0.0]


def test_a_family_owing_its_owner_half_a_rupee_is_bought_out():
    m = tiny(_loans(), households=2, kilns=1)
    m.hh.debt[0] = 0.5
    _scheme_month(m, 1)
    assert m.hh.loan_debt.tolist() == [0.5, 0.0]
    assert m.hh.debt.tolist() == [0.0, 0.0]


def test_bonded_families_first_then_each_in_the_months_random_order():
    m = tiny(_loans(loans_per_month=3, bonded_first=True), households=40, kilns=2, seed=3)
    m.ow.capacity[:] = 40
    bonded = np.arange(0, 40, 2)  # every other family is bonded; all owe their owner
    m.hh.bonded[bonded] = True
    m.hh.debt[:] = 1000.0
    _scheme_month(m, 1)
    rng = draws(3, "interest_free_loans")
    rng.random(40)  # enrolment: coverage 1
    order = rng.random(40)  # this month's order
    expected = bonded[np.argsort(order[bonded])[:3]]
    assert np.flatnonzero(m.hh.loan_debt).tolist() == sorted(expected.tolist())


def test_a_second_scheme_counts_what_the_first_lent_as_not_yet_due():
    first = _loans(loans_per_month=1)
    second = _loans(loans_per_month=1, label="second_scheme")
    m = tiny(first, second, households=2, kilns=1)
    m.hh.debt[0] = 4000.0
    _scheme_month(m, 1)  # the first scheme buys family 0 out: 4,000, none of it due yet
    act(m, 1, which=1)  # the second counts arrears: 4,000 owed less 4,000 the first has not due
    assert m.hh.loan_overdue.tolist() == [0.0, 0.0]


def test_a_scheme_with_no_money_left_offers_no_emergency_credit_not_even_half_a_rupee():
    m = tiny(_loans(purpose="emergency", max_emergency=0.5, budget=0.0), households=1, kilns=1)
    _scheme_month(m, 1)
    assert m.interventions[0].on_shortfall_credit(m).room.tolist() == [0.0]
