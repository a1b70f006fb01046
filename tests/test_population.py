"""Initialisation: kilns split over districts, families over kilns, and their starting state."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bondsim import Params
from bondsim.simulation.population import init_households, init_owners, kiln_districts

DAYS = 23.4  # 26 working days less 10% rain
# the hand-computed cases fix the parameters they use, so recalibrated defaults do not change
# them
BASE = Params(kiln_occupancy=0.9, notified_piece_rate=1295.0, bricks_per_adult_day=420.0,
              bricks_per_child_10_14_day=200.0, bricks_per_child_5_9_day=80.0,
              initial_indebted_share=0.9, initial_debt_months=5.5, initial_debt_sigma=0.6,
              prior_police_visits=0.24, extra_adults_mean=1.3)


def make(households: int, kilns: int, districts: int = 1, seed: int = 0, **params):
    p = dataclasses.replace(BASE, **params)
    rng = np.random.default_rng(seed)
    ow = init_owners(kilns, districts, households, p, rng)
    hh = init_households(households, ow, p, rng, DAYS)
    return hh, ow


@pytest.mark.parametrize(("kilns", "districts", "expected"), [
    (6, 3, [0, 0, 1, 1, 2, 2]),
    (7, 3, [0, 0, 0, 1, 1, 2, 2]),  # 3k // 7: 0 0 0 1 1 2 2
    (2, 3, [0, 1]),                 # more districts than kilns: district 2 has none
    (1, 1, [0]),
])
def test_kiln_districts_by_hand(kilns, districts, expected):
    assert kiln_districts(kilns, districts).tolist() == expected


@given(kilns=st.integers(1, 50), districts=st.integers(1, 10))
def test_kiln_districts_are_contiguous_and_balanced(kilns, districts):
    d = kiln_districts(kilns, districts)
    assert d[0] == 0
    assert np.all(np.diff(d) >= 0)
    assert d.max() < districts
    sizes = np.bincount(d, minlength=districts)
    if kilns >= districts:
        assert sizes.min() >= 1
        assert sizes.max() - sizes.min() <= 1


def test_capacity_by_hand():
    # 100 families, 3 kilns: 33.3 a kiln / 0.9 occupancy = 37.04 -> 38 places
    assert make(100, 3)[1].capacity.tolist() == [38, 38, 38]
    # 100 families, 4 kilns, full occupancy: 25 places
    assert make(100, 4, kiln_occupancy=1.0)[1].capacity.tolist() == [25] * 4


def test_families_are_spread_evenly_over_kilns():
    # 10 families, 3 kilns: 3i // 10 -> kiln 0 gets 0-3, kiln 1 gets 4-6, kiln 2 gets 7-9
    hh, ow = make(10, 3, districts=2)
    assert hh.kiln.tolist() == [0, 0, 0, 0, 1, 1, 1, 2, 2, 2]
    assert ow.occupants.tolist() == [4, 3, 3]
    assert np.all(ow.occupants <= ow.capacity)
    # kilns 0, 1 are in district 0 and kiln 2 in district 1
    assert hh.district.tolist() == [0] * 7 + [1] * 3


def test_owner_practices_lie_in_their_ranges():
    _, ow = make(2000, 200, paid_ratio_low=0.5, paid_ratio_high=0.9,
                 deduction_share_low=0.2, deduction_share_high=0.4, book_inflation_mean=0.3)
    assert np.all((ow.base_paid_ratio >= 0.5) & (ow.base_paid_ratio <= 0.9))
    np.testing.assert_array_equal(ow.paid_ratio, ow.base_paid_ratio)
    assert ow.paid_ratio is not ow.base_paid_ratio
    assert np.all((ow.deduction_share >= 0.2) & (ow.deduction_share <= 0.4))
    assert np.all((ow.base_book_inflation >= 0.0) & (ow.base_book_inflation <= 0.6))
    assert ow.base_book_inflation.mean() == pytest.approx(0.3, abs=0.03)
    np.testing.assert_allclose(ow.belief_police, 0.02)  # 0.24 a year
    np.testing.assert_array_equal(ow.coercive, ow.prepared_to_hold)
    assert ow.coercive is not ow.prepared_to_hold
    assert not ow.child_ban.any()
    assert not ow.cash.any()


@pytest.mark.parametrize(("share", "coercive"), [(0.0, 0), (1.0, 200)])
def test_coercive_share_at_its_limits(share, coercive):
    assert make(400, 200, coercive_owner_share=share)[1].coercive.sum() == coercive


def test_household_counts_are_consistent():
    hh, ow = make(3000, 90, districts=3)
    assert np.all((hh.adults >= 1) & (hh.adults <= 3))  # at most 2 beyond the first
    for c, w, s in ((hh.children_5_9, hh.work_5_9, hh.school_5_9),
                    (hh.children_10_14, hh.work_10_14, hh.school_10_14)):
        assert np.all((w >= 0) & (s >= 0))
        assert np.all(w + s <= c)
    assert np.all(hh.children_5_9 <= 5)
    np.testing.assert_array_equal(hh.district, ow.district[hh.kiln])
    np.testing.assert_array_equal(ow.occupants, np.bincount(hh.kiln, minlength=90))


def test_one_to_three_moulding_adults():
    # Poisson(2) extra adults, capped at 2 more (Params.extra_adults_mean): 1-3 adults, and
    # the cap binds for P(Poisson(2) >= 2) = 59% of families
    hh, _ = make(5000, 100, extra_adults_mean=2.0)
    assert hh.adults.min() == 1
    assert hh.adults.max() == 3
    assert (hh.adults == 3).mean() == pytest.approx(0.594, abs=0.03)


def test_no_children_work_and_all_go_to_school():
    hh, _ = make(2000, 60, child_work_10_14_init=0.0, child_work_5_9_init=0.0, school_init=1.0)
    assert not hh.work_5_9.any()
    assert not hh.work_10_14.any()
    np.testing.assert_array_equal(hh.school_5_9, hh.children_5_9)
    np.testing.assert_array_equal(hh.school_10_14, hh.children_10_14)


def test_initial_debt_by_hand():
    # one adult, no children, paid half of Rs 1,295: 420 bricks x 23.4 days x Rs 0.6475
    # = Rs 6,363.63 a month; 5.5 months of it with no spread = Rs 34,999.97
    hh, _ = make(50, 2, extra_adults_mean=0.0, children_5_9_mean=0.0,
                 children_10_14_mean=0.0, paid_ratio_low=0.5, paid_ratio_high=0.5,
                 initial_indebted_share=1.0, initial_debt_sigma=0.0)
    assert np.all(hh.adults == 1)
    np.testing.assert_allclose(hh.debt, 34999.965)
    assert not hh.savings.any()  # indebted families start with no savings


def test_debt_free_families_start_with_some_savings():
    hh, _ = make(500, 10, initial_indebted_share=0.0, paid_ratio_low=0.5, paid_ratio_high=0.5,
                 extra_adults_mean=0.0, children_5_9_mean=0.0, children_10_14_mean=0.0)
    assert not hh.debt.any()
    # savings uniform on [0, one month's expected pay of Rs 6,363.63)
    assert np.all((hh.savings >= 0.0) & (hh.savings < 6363.63))
    assert hh.savings.mean() == pytest.approx(6363.63 / 2, rel=0.1)


def test_indebted_share_and_median_debt():
    hh, ow = make(20000, 500)
    indebted = hh.debt > 0
    assert indebted.mean() == pytest.approx(0.9, abs=0.01)
    assert not hh.savings[indebted].any()
    # median debt is 5.5 months of expected gross pay
    rate = ow.base_paid_ratio[hh.kiln] * 1.295
    gross = (hh.adults * 420.0 + hh.work_10_14 * 200.0 + hh.work_5_9 * 80.0) * DAYS * rate
    assert np.median(hh.debt[indebted] / gross[indebted]) == pytest.approx(5.5, rel=0.05)


def test_starting_state_flags():
    hh, _ = make(1000, 30, outside_lender_share=0.0, cnic_share=1.0)
    assert not hh.outside_access.any()
    assert hh.cnic.all()
    assert not hh.outside_debt.any()
    assert not hh.bonded.any()
    assert not hh.released.any()
    assert not hh.rehabilitated.any()
    assert np.all(hh.released_month == -1)
    assert not hh.sp_cash.any()


def test_same_seed_same_population():
    a, _ = make(300, 10, seed=4)
    b, _ = make(300, 10, seed=4)
    c, _ = make(300, 10, seed=5)
    np.testing.assert_array_equal(a.debt, b.debt)
    np.testing.assert_array_equal(a.adults, b.adults)
    assert not np.array_equal(a.debt, c.debt)
