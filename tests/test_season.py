"""Rule 1, the season: calendar months, closures, moulding days and bricks per family-day."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bondsim import BondsimModel, Params
from bondsim.simulation import season

I8 = np.int8
# the hand-computed cases fix the parameters they use, so that recalibrating a default does
# not change them: September start, monsoon July-August, 26 days less 10% rain = 23.4 days
BASE = Params(start_month=9, closure_months=(7, 8), extra_closure_months=(),
              working_days_per_month=26.0, rain_loss_share=0.10, bricks_per_adult_day=420.0,
              bricks_per_child_10_14_day=200.0, bricks_per_child_5_9_day=80.0)


def base(**changes: object) -> Params:
    return dataclasses.replace(BASE, **changes)


def test_month_one_is_the_start_month_and_the_calendar_wraps_after_december():
    p = BASE  # start_month 9 (September)
    # month 1 -> 9, month 4 -> 12, month 5 -> 1 (wrap to January), month 12 -> 8,
    # month 13 -> 9 again; month 0 (the initial state) is the month before: 8
    got = [season.calendar_month(m, p) for m in (0, 1, 4, 5, 12, 13, 25)]
    assert got == [8, 9, 12, 1, 8, 9, 9]


@pytest.mark.parametrize(("start", "month", "expected"), [
    (1, 1, 1), (1, 12, 12), (1, 13, 1), (1, 0, 12),  # a January start: month 0 is December
    (12, 1, 12), (12, 2, 1), (12, 13, 12),           # a December start wraps at once
    (7, 7, 1),                                       # July + 6 months = January
])
def test_calendar_month_for_other_start_months(start, month, expected):
    assert season.calendar_month(month, base(start_month=start)) == expected


@given(start=st.integers(1, 12), month=st.integers(0, 600))
def test_calendar_month_is_in_range_advances_by_one_and_repeats_yearly(start, month):
    p = base(start_month=start)
    cal = season.calendar_month(month, p)
    assert 1 <= cal <= 12
    assert season.calendar_month(month + 1, p) == cal % 12 + 1
    assert season.calendar_month(month + 12, p) == cal


def test_monsoon_months_are_closed_and_open_months_lose_rain_days():
    p = BASE  # 26 working days, 10% lost to rain -> 23.4 days; July and August closed
    days = {m: season.production_days(m, p) for m in range(1, 13)}
    assert days[7] == 0.0
    assert days[8] == 0.0
    for m in (1, 2, 3, 4, 5, 6, 9, 10, 11, 12):
        assert days[m] == pytest.approx(23.4)
    assert season.open_months_per_year(p) == 10


def test_extra_closures_add_to_the_monsoon():
    p = base(extra_closure_months=(11, 12))  # a smog ban
    assert season.production_days(11, p) == 0.0
    assert season.production_days(12, p) == 0.0
    assert season.production_days(10, p) == pytest.approx(23.4)
    assert season.production_days(7, p) == 0.0
    assert season.open_months_per_year(p) == 8


def test_a_month_closed_twice_is_counted_once():
    # August is both a monsoon and an extra closure: 12 - {7, 8, 11} = 9 open months
    assert season.open_months_per_year(base(extra_closure_months=(8, 11))) == 9


def test_no_closures_and_all_closures():
    assert season.open_months_per_year(base(closure_months=())) == 12
    assert season.production_days(7, base(closure_months=())) == pytest.approx(23.4)
    shut = base(closure_months=tuple(range(1, 13)))
    assert season.open_months_per_year(shut) == 0
    assert all(season.production_days(m, shut) == 0.0 for m in range(1, 13))


def test_days_follow_the_working_days_and_rain_parameters():
    # 22 days, a quarter lost to rain -> 16.5; no rain -> all 27
    assert season.production_days(1, base(working_days_per_month=22.0,
                                          rain_loss_share=0.25)) == pytest.approx(16.5)
    assert season.production_days(1, base(working_days_per_month=27.0,
                                          rain_loss_share=0.0)) == 27.0


def test_bricks_per_day_adds_adults_and_working_children():
    p = BASE  # 420 per adult, 200 per child 10-14, 80 per child 5-9
    adults = np.array([1, 2, 3, 0], dtype=I8)
    w1014 = np.array([0, 1, 2, 0], dtype=I8)
    w59 = np.array([0, 0, 1, 2], dtype=I8)
    # 420; 840 + 200 = 1040; 1260 + 400 + 80 = 1740; 2 x 80 = 160
    out = season.bricks_per_day(adults, w1014, w59, p)
    assert out.dtype == np.float64
    np.testing.assert_allclose(out, [420.0, 1040.0, 1740.0, 160.0])


def test_bricks_per_day_with_integer_parameters_does_not_overflow():
    # int8 counts times integer parameters must not be int8 arithmetic: 420 would wrap to -92
    p = base(bricks_per_adult_day=100, bricks_per_child_10_14_day=50,
             bricks_per_child_5_9_day=20)
    out = season.bricks_per_day(np.array([3], dtype=I8), np.array([2], dtype=I8),
                                np.array([1], dtype=I8), p)
    np.testing.assert_allclose(out, [420.0])


def test_the_model_moulds_nothing_in_closed_months():
    p = base(start_month=5, extra_closure_months=(6,))
    model = BondsimModel(p, households=60, kilns=2, seed=1)
    seen = []
    for _ in range(14):
        model.step()
        out = model.outcomes
        seen.append(out["calendar_month"])
        if out["calendar_month"] in (6, 7, 8):
            assert out["production_days"] == 0.0
            assert out["gross_pay"] == 0.0
            assert out["deductions"] == 0.0
            assert out["owner_profit"] == 0.0
        else:
            assert out["production_days"] == pytest.approx(23.4)
            assert out["gross_pay"] > 0.0
    # May start: 5, 6, ..., 12, 1, ..., 6
    assert seen == [5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3, 4, 5, 6]


def test_cached_adult_bricks_give_the_same_output():
    p = BASE
    adults = np.array([1, 2, 3], dtype=I8)
    w1014 = np.array([1, 0, 2], dtype=I8)
    w59 = np.array([0, 1, 1], dtype=I8)
    cached = season.adult_bricks_per_day(adults, p)
    np.testing.assert_allclose(cached, [420.0, 840.0, 1260.0])
    np.testing.assert_array_equal(season.bricks_per_day(adults, w1014, w59, p, cached),
                                  season.bricks_per_day(adults, w1014, w59, p))
    assert cached.tolist() == [420.0, 840.0, 1260.0]  # not changed by the sum
