"""Rule 3, consumption need and shocks: who is hit, by what, and at what cost."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from bondsim import Params
from bondsim.simulation.shocks import classify_shocks, consumption_need, draw_shocks, shock_rates

# hand-computed cases fix the parameters they use, so recalibrated defaults do not change them
BASE = Params(need_base=3000.0, need_per_person=1650.0,
              illness_rate=0.03, funeral_rate=0.003, marriage_rate=0.004,
              illness_cost_median=20000.0, funeral_cost_median=30000.0,
              marriage_cost_median=150000.0, illness_cost_sigma=0.6, funeral_cost_sigma=0.4,
              marriage_cost_sigma=0.5)
QUARTERS = dataclasses.replace(BASE, illness_rate=0.25, funeral_rate=0.25,
                               marriage_rate=0.25)  # cut points .25 .5 .75


def base(**changes: object) -> Params:
    return dataclasses.replace(BASE, **changes)


def rng(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


def test_need_is_a_base_plus_a_sum_per_member():
    # Rs 3,000 + Rs 1,650 x size: size 1 -> 4,650; size 7 -> 14,550; size 0 -> 3,000
    need = consumption_need(np.array([1, 7, 0], dtype=np.int16), BASE)
    assert need.dtype == np.float64
    np.testing.assert_allclose(need, [4650.0, 14550.0, 3000.0])


def test_shock_classification_at_the_interval_edges():
    # illness [0, .25), funeral [.25, .5), marriage [.5, .75), no shock [.75, 1)
    u = np.array([0.0, 0.2499, 0.25, 0.4999, 0.5, 0.7499, 0.75, 0.99])
    draw = draw_shocks(u, rng(), QUARTERS)
    np.testing.assert_array_equal(draw.index, [0, 1, 2, 3, 4, 5])
    np.testing.assert_array_equal(draw.kind, [0, 0, 1, 1, 2, 2])
    assert draw.cost.shape == (6,)


def test_shock_classification_with_the_default_rates():
    # edges 0.03, 0.033, 0.037
    u = np.array([0.029, 0.031, 0.035, 0.04, 0.5])
    draw = draw_shocks(u, rng(), BASE)
    np.testing.assert_array_equal(draw.index, [0, 1, 2])
    np.testing.assert_array_equal(draw.kind, [0, 1, 2])


def test_a_zero_rate_kind_is_never_drawn():
    # no illness: funeral [0, .1), marriage [.1, .2); u = 0 is a funeral, not an illness
    p = base(illness_rate=0.0, funeral_rate=0.1, marriage_rate=0.1)
    draw = draw_shocks(np.array([0.0, 0.05, 0.1, 0.15, 0.2]), rng(), p)
    np.testing.assert_array_equal(draw.index, [0, 1, 2, 3])
    np.testing.assert_array_equal(draw.kind, [1, 1, 2, 2])


def test_no_rates_no_shocks():
    p = base(illness_rate=0.0, funeral_rate=0.0, marriage_rate=0.0)
    draw = draw_shocks(np.array([0.0, 0.5]), rng(), p)
    assert draw.index.size == 0
    assert draw.cost.size == 0


def test_zero_spread_costs_are_the_medians():
    p = base(illness_rate=0.25, funeral_rate=0.25, marriage_rate=0.25,
             illness_cost_sigma=0.0, funeral_cost_sigma=0.0, marriage_cost_sigma=0.0)
    draw = draw_shocks(np.array([0.1, 0.3, 0.6, 0.9]), rng(), p)
    np.testing.assert_allclose(draw.cost, [20000.0, 30000.0, 150000.0])


def test_costs_are_lognormal_around_the_median_with_one_normal_per_hit():
    u = np.array([0.1, 0.9, 0.3, 0.6])  # hit: 0 (illness), 2 (funeral), 3 (marriage)
    draw = draw_shocks(u, rng(7), QUARTERS)
    z = rng(7).standard_normal(3)
    # median x exp(sigma x z): sigmas 0.6, 0.4, 0.5
    expected = np.array([20000.0 * np.exp(0.6 * z[0]), 30000.0 * np.exp(0.4 * z[1]),
                         150000.0 * np.exp(0.5 * z[2])])
    np.testing.assert_allclose(draw.cost, expected)


def test_median_cost_is_the_median_parameter():
    p = base(illness_rate=1.0, funeral_rate=0.0, marriage_rate=0.0)
    draw = draw_shocks(np.full(20001, 0.5), rng(3), p)
    assert np.all(draw.kind == 0)
    assert np.median(draw.cost) == pytest.approx(20000.0, rel=0.03)


def test_hit_share_is_the_sum_of_the_rates():
    p = BASE  # 0.03 + 0.003 + 0.004 = 0.037 a month
    draw = draw_shocks(rng(11).random(200_000), rng(12), p)
    assert draw.index.size / 200_000 == pytest.approx(0.037, rel=0.05)
    shares = np.bincount(draw.kind, minlength=3) / draw.index.size
    np.testing.assert_allclose(shares, shock_rates(p) / 0.037, atol=0.01)


rates = st.floats(0.0, 0.3, allow_nan=False)


@given(r1=rates, r2=rates, r3=rates,
       u=hnp.arrays(np.float64, st.integers(0, 50), elements=st.floats(0.0, 1.0, exclude_max=True)))
def test_kind_is_the_interval_the_draw_falls_in(r1, r2, r3, u):
    p = base(illness_rate=r1, funeral_rate=r2, marriage_rate=r3)
    draw = draw_shocks(u, rng(), p)
    e1, e2 = r1, r1 + r2
    e3 = e2 + r3
    hit = u < e3
    np.testing.assert_array_equal(draw.index, np.flatnonzero(hit))
    assert np.all(np.diff(draw.index) > 0)
    uh = u[hit]
    expected = np.where(uh < e1, 0, np.where(uh < e2, 1, 2))
    np.testing.assert_array_equal(draw.kind, expected)
    assert np.all(draw.cost > 0.0)


def test_classify_shocks_by_hand():
    # the model's path: households hit (from rng.sparse_bernoulli) with v uniform on
    # [0, total rate); cut points .25, .5 (and .75, the total)
    index = np.array([2, 5, 7, 9, 11], dtype=np.intp)
    v = np.array([0.0, 0.25, 0.4999, 0.5, 0.75])
    draw = classify_shocks(index, v, rng(), QUARTERS)
    np.testing.assert_array_equal(draw.index, index)
    # v at the total itself cannot come from [0, total) but is kept a marriage, not a 4th kind
    np.testing.assert_array_equal(draw.kind, [0, 1, 1, 2, 2])
    assert draw.cost.shape == (5,)


def test_classify_shocks_agrees_with_draw_shocks():
    u = rng(4).random(5000)
    p = BASE
    hit = np.flatnonzero(u < shock_rates(p).sum())
    a = draw_shocks(u, rng(5), p)
    b = classify_shocks(hit, u[hit], rng(5), p)
    np.testing.assert_array_equal(a.index, b.index)
    np.testing.assert_array_equal(a.kind, b.kind)
    np.testing.assert_array_equal(a.cost, b.cost)
