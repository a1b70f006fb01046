"""Rule 9, owners: perceived risk, compliance, and the practices they set from it."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from bondsim import BondsimModel, Params
from bondsim.simulation import owners
from bondsim.simulation.population import init_owners
from bondsim.simulation.season import bricks_per_day

# hand-computed cases fix the parameters they use, so recalibrated defaults do not change them
BASE = Params(risk_baseline=0.02, risk_memory=0.9, risk_sensitivity=5.0,
              risk_lending_response=0.5, child_ban_compliance=0.5, brick_price=9000.0,
              nonlabour_cost_share=0.6)
# baseline 0 and sensitivity 4 make compliance exact in binary: risk 0.125 -> 0.5
EXACT = dataclasses.replace(BASE, risk_baseline=0.0, risk_sensitivity=4.0)


def owner_state(k: int):
    return init_owners(k, 1, 10 * k, Params(), np.random.default_rng(0))


def test_risk_decays_towards_the_baseline():
    p = BASE  # baseline 0.02, memory 0.9
    # 0.12 -> 0.02 + 0.9 x 0.10 = 0.11; at baseline stays; 0 -> 0.02 - 0.018 = 0.002
    got = owners.decay_risk(np.array([0.12, 0.02, 0.0]), p)
    np.testing.assert_allclose(got, [0.11, 0.02, 0.002])


def test_risk_excess_shrinks_geometrically():
    p = dataclasses.replace(BASE, risk_memory=0.5)
    risk = np.array([1.02])
    for _ in range(10):
        risk = owners.decay_risk(risk, p)
    # excess 1.0 x 0.5^10 = 1/1024
    assert risk[0] == pytest.approx(0.02 + 1.0 / 1024)


def test_compliance_is_clipped_to_the_unit_interval():
    p = BASE  # baseline 0.02, sensitivity 5
    # below baseline -> 0 (not negative); baseline -> 0; +0.1 -> 0.5; +0.2 -> 1; +0.5 -> 1
    got = owners.compliance(np.array([0.0, 0.02, 0.12, 0.22, 0.52]), p)
    np.testing.assert_allclose(got, [0.0, 0.0, 0.5, 1.0, 1.0])


def test_decide_by_hand():
    ow = owner_state(4)
    ow.risk[:] = [0.0, 0.125, 0.25, 0.1]  # compliance 0, 0.5, 1, 0.4
    ow.wage_risk[:] = [0.0, 0.0, 0.0, 0.0]
    ow.base_paid_ratio[:] = [0.6, 0.6, 0.6, 0.5]
    ow.base_book_inflation[:] = [0.4, 0.4, 0.4, 0.4]
    owners.decide(ow, EXACT)
    np.testing.assert_allclose(ow.compliance, [0.0, 0.5, 1.0, 0.4])
    # the fear of a bonded-labour inspection does not move pay
    np.testing.assert_allclose(ow.paid_ratio, [0.6, 0.6, 0.6, 0.5])
    # the fear of a wage inspection does: base + (1 - base) x c -> 0.6, 0.8, 1.0, 0.7
    ow.wage_risk[:] = [0.0, 0.125, 0.25, 0.1]
    owners.decide(ow, EXACT)
    np.testing.assert_allclose(ow.paid_ratio, [0.6, 0.8, 1.0, 0.7])
    # book inflation: base x (1 - c) -> 0.4, 0.2, 0, 0.24
    np.testing.assert_allclose(ow.book_inflation, [0.4, 0.2, 0.0, 0.24])
    # children refused from compliance 0.5 on (at the threshold included)
    np.testing.assert_array_equal(ow.child_ban, [False, True, True, False])
    # preferences are kept, so practices return when risk falls
    np.testing.assert_allclose(ow.base_paid_ratio, [0.6, 0.6, 0.6, 0.5])
    ow.risk[:] = 0.0
    ow.wage_risk[:] = 0.0
    owners.decide(ow, EXACT)
    np.testing.assert_allclose(ow.paid_ratio, ow.base_paid_ratio)
    np.testing.assert_allclose(ow.book_inflation, ow.base_book_inflation)
    assert not ow.child_ban.any()


def test_lending_factor():
    ow = owner_state(3)
    ow.compliance[:] = [0.0, 0.5, 1.0]
    # response 0.5: 1, 0.75, 0.5 of the usual limit
    np.testing.assert_allclose(owners.lending_factor(ow, BASE), [1.0, 0.75, 0.5])
    no_response = dataclasses.replace(BASE, risk_lending_response=0.0)
    np.testing.assert_allclose(owners.lending_factor(ow, no_response), [1.0, 1.0, 1.0])


def test_operating_profit_per_household():
    # Rs 9,000 per 1,000 bricks, 60% non-labour costs -> Rs 3.6 a brick; 1,000 bricks paid
    # Rs 650 -> 3,600 - 650 = 2,950; no bricks, no pay -> 0
    got = owners.operating_profit(np.array([1000.0, 0.0]), np.array([650.0, 0.0]), BASE)
    np.testing.assert_allclose(got, [2950.0, 0.0])


@given(risk=hnp.arrays(np.float64, 5, elements=st.floats(0.0, 1.0)),
       base=hnp.arrays(np.float64, 5, elements=st.floats(0.0, 1.0)),
       infl=hnp.arrays(np.float64, 5, elements=st.floats(0.0, 2.0)),
       sens=st.floats(1.0, 20.0), threshold=st.floats(0.2, 1.0))
def test_compliance_moves_practices_towards_the_law(risk, base, infl, sens, threshold):
    p = dataclasses.replace(BASE, risk_sensitivity=sens, child_ban_compliance=threshold)
    ow = owner_state(5)
    ow.risk[:] = risk
    ow.wage_risk[:] = risk
    ow.base_paid_ratio[:] = base
    ow.base_book_inflation[:] = infl
    owners.decide(ow, p)
    c = ow.compliance
    assert np.all((c >= 0.0) & (c <= 1.0))
    eps = 1e-12
    assert np.all(ow.paid_ratio >= base - eps)
    assert np.all(ow.paid_ratio <= 1.0 + eps)
    assert np.all(ow.book_inflation <= infl + eps)
    assert np.all(ow.book_inflation >= -eps)
    np.testing.assert_array_equal(ow.child_ban, c >= threshold)
    # more risk never means less compliance
    order = np.argsort(risk)
    assert np.all(np.diff(c[order]) >= 0.0)


def test_model_owners_respond_to_risk_and_forget_it():
    model = BondsimModel(BASE, households=140, kilns=4, seed=2)
    ow = model.ow
    base_paid = ow.base_paid_ratio.copy()
    ow.risk[0] = 0.52  # an inspection scare at kiln 0: decays to 0.02 + 0.9 x 0.5 = 0.47
    ow.wage_risk[0] = 0.52  # and a wage-inspection scare
    model.step()
    assert ow.risk[0] == pytest.approx(0.47)
    assert ow.wage_risk[0] == pytest.approx(0.47)
    assert ow.compliance[0] == 1.0
    assert ow.paid_ratio[0] == 1.0
    assert ow.book_inflation[0] == 0.0
    assert ow.child_ban[0]
    np.testing.assert_allclose(ow.paid_ratio[1:], base_paid[1:])
    assert not ow.child_ban[1:].any()
    for _ in range(60):
        model.step()
    # 0.5 x 0.9^61 ~ 0.0008 above baseline: compliance 0.004, ban lifted
    assert ow.compliance[0] == pytest.approx(5 * 0.5 * 0.9 ** 61)
    assert not ow.child_ban[0]
    np.testing.assert_allclose(ow.risk[1:], 0.02)


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
