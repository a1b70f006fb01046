"""Rule 2, earnings: the paid piece rate, gross pay and the owner's deduction against debt."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from bondsim.simulation import earnings


def test_piece_rate_is_per_brick_at_the_paid_share_of_the_notified_rate():
    # Rs 1,295 per 1,000 bricks: half of it is Rs 0.6475 a brick, all of it Rs 1.295
    rate = earnings.piece_rate_paid(1295.0, np.array([0.5, 1.0, 0.0]))
    np.testing.assert_allclose(rate, [0.6475, 1.295, 0.0])


def test_gross_pay_is_bricks_times_rate():
    # 2 adults x 420 bricks x 22 days = 18,480 bricks at Rs 0.6475 = Rs 11,965.80
    gross = earnings.gross_pay(np.array([18480.0, 0.0, 1000.0]),
                               np.array([0.6475, 1.0, 1.295]))
    np.testing.assert_allclose(gross, [11965.8, 0.0, 1295.0])


def test_deduction_is_a_share_of_gross_capped_at_the_debt():
    gross = np.array([20000.0, 20000.0, 20000.0, 20000.0, 0.0])
    share = np.array([0.3, 0.3, 0.3, 0.0, 0.5])
    debt = np.array([10000.0, 4000.0, 0.0, 10000.0, 10000.0])
    # 0.3 x 20,000 = 6,000 < 10,000 -> 6,000; debt 4,000 -> 4,000; no debt -> 0;
    # share 0 -> 0; no pay -> 0
    np.testing.assert_allclose(earnings.deduction(gross, share, debt),
                               [6000.0, 4000.0, 0.0, 0.0, 0.0])


def test_deduction_leaves_inputs_alone():
    gross, share, debt = np.array([100.0]), np.array([0.5]), np.array([20.0])
    earnings.deduction(gross, share, debt)
    assert gross[0] == 100.0
    assert debt[0] == 20.0


money = st.floats(0.0, 1e7, allow_nan=False)


@given(data=st.data(), n=st.integers(1, 30))
def test_deduction_never_exceeds_debt_or_the_share_of_pay(data, n):
    gross = data.draw(hnp.arrays(np.float64, n, elements=money))
    share = data.draw(hnp.arrays(np.float64, n, elements=st.floats(0.0, 1.0)))
    debt = data.draw(hnp.arrays(np.float64, n, elements=money))
    d = earnings.deduction(gross, share, debt)
    assert np.all(d >= 0.0)
    assert np.all(d <= debt)
    assert np.all(d <= gross * share)
    assert np.all(d <= gross)
    # it is exactly one of the two caps, so the debt after deduction is never negative
    assert np.all((d == debt) | (d == gross * share))
    assert np.all(debt - d >= 0.0)


@pytest.mark.parametrize("ratio", [0.4, 0.93, 1.0])
def test_rate_scales_linearly_with_the_paid_ratio(ratio):
    one = earnings.piece_rate_paid(1000.0, np.array([1.0]))[0]  # Rs 1 a brick
    assert earnings.piece_rate_paid(1000.0, np.array([ratio]))[0] == pytest.approx(ratio * one)


def test_monthly_pay_is_bricks_a_day_times_days_times_rate():
    # 1,000 bricks a day x 23.4 days x Rs 0.6475 = Rs 15,151.50; 840 x 23.4 x 1.0 = 19,656
    got = earnings.monthly_pay(np.array([1000.0, 840.0]), 23.4, np.array([0.6475, 1.0]))
    np.testing.assert_allclose(got, [15151.5, 19656.0])
    assert not earnings.monthly_pay(np.array([1000.0]), 0.0, np.array([1.0])).any()
