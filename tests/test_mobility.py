"""Rule 8, mobility: who tries to move, where to, and which moves find a place."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bondsim import BondsimModel, Params
from bondsim.simulation import mobility

IP = np.intp


def test_candidates_indebted_at_the_transfer_rate_debt_free_at_the_exit_rate():
    # indebted: 0.001 < 0.006 tries, 0.01 does not; debt-free: 0.001 and 0.04 < 0.05 try,
    # 0.06 does not
    u = np.array([0.001, 0.01, 0.001, 0.04, 0.06])
    debt = np.array([100.0, 100.0, 0.0, 0.0, 0.0])
    index, transfer = mobility.candidates(u, debt, 0.006, 0.05)
    np.testing.assert_array_equal(index, [0, 2, 3])
    np.testing.assert_array_equal(transfer, [True, False, False])


def test_candidates_at_rate_edges():
    # u equal to the rate does not move; rate 0 nobody, rate 1 everybody
    u = np.array([0.05, 0.0, 0.999])
    debt = np.zeros(3)
    np.testing.assert_array_equal(mobility.candidates(u, debt, 0.0, 0.05)[0], [1])
    assert mobility.candidates(u, debt, 0.0, 0.0)[0].size == 0
    np.testing.assert_array_equal(mobility.candidates(u, debt, 0.0, 1.0)[0], [0, 1, 2])


# three districts: kilns 0-2, 3-4, 5
FIRST = np.array([0, 3, 5], dtype=IP)
KILNS = np.array([3, 2, 1], dtype=IP)


def test_pick_destinations_by_hand():
    district = np.array([0, 0, 0, 1, 1, 2, 0], dtype=np.int16)
    v = np.array([0.0, 0.5, 0.999999, 0.49, 0.5, 0.7, 1.0])
    # 0 + floor(0 x 3) = 0; floor(1.5) = 1; floor(2.99) = 2; 3 + floor(0.98) = 3;
    # 3 + floor(1.0) = 4; 5 + 0 = 5; v = 1.0 would be kiln 3, is kept in district 0 -> 2
    got = mobility.pick_destinations(district, v, FIRST, KILNS)
    np.testing.assert_array_equal(got, [0, 1, 2, 3, 4, 5, 2])


@given(st.lists(st.tuples(st.integers(0, 2), st.floats(0.0, 1.0)), max_size=40))
def test_destinations_stay_in_the_district(moves):
    district = np.array([d for d, _ in moves], dtype=np.int16)
    v = np.array([x for _, x in moves], dtype=np.float64)
    dest = mobility.pick_destinations(district, v, FIRST, KILNS)
    kiln_district = np.array([0, 0, 0, 1, 1, 2])
    np.testing.assert_array_equal(kiln_district[dest], district)


def test_accept_by_hand():
    spare = np.array([0, 1, 2, 5])
    origin = np.array([0, 2, 3, 1, 0, 1, 3, 0])
    dest = np.array([1, 1, 2, 2, 2, 0, 3, 3])
    # 0->1 first to kiln 1 (1 place): yes; 2->1 second: no; 3->2 and 1->2 fill kiln 2's two
    # places; 0->2 third: no; 1->0 kiln 0 is full: no; 3->3 same kiln: no; 0->3: yes
    got = mobility.accept(origin, dest, spare)
    np.testing.assert_array_equal(got, [True, False, True, True, False, False, False, True])


def test_a_stay_does_not_use_up_a_place():
    # the 2->2 "move" is refused and does not take one of kiln 2's two places
    got = mobility.accept(np.array([2, 0, 1]), np.array([2, 2, 2]), np.array([0, 0, 2]))
    np.testing.assert_array_equal(got, [False, True, True])


def test_first_come_first_served():
    spare = np.array([0, 1, 0])
    # the same two movers to kiln 1, in either order: the one listed first gets the place
    np.testing.assert_array_equal(
        mobility.accept(np.array([0, 2]), np.array([1, 1]), spare), [True, False])
    np.testing.assert_array_equal(
        mobility.accept(np.array([2, 0]), np.array([1, 1]), spare), [True, False])
    # interleaved with movers elsewhere, still in listing order
    np.testing.assert_array_equal(
        mobility.accept(np.array([1, 0, 1, 2]), np.array([2, 1, 0, 1]), np.array([5, 1, 5])),
        [True, True, True, False])


def test_accept_nothing_to_do():
    assert mobility.accept(np.zeros(0, IP), np.zeros(0, IP), np.array([3])).size == 0


def reference_accept(origin, dest, spare):
    """The rule as a loop: in order, a move is accepted if it changes kiln and places remain."""
    left = spare.copy()
    out = []
    for o, d in zip(origin, dest, strict=True):
        ok = bool(o != d and left[d] > 0)
        left[d] -= ok
        out.append(ok)
    return np.array(out, dtype=bool)


@given(data=st.data(), kilns=st.integers(1, 6), n=st.integers(0, 40))
def test_accept_matches_a_sequential_loop(data, kilns, n):
    k = st.integers(0, kilns - 1)
    origin = np.array(data.draw(st.lists(k, min_size=n, max_size=n)), dtype=IP)
    dest = np.array(data.draw(st.lists(k, min_size=n, max_size=n)), dtype=IP)
    spare = np.array(data.draw(st.lists(st.integers(0, 4), min_size=kilns, max_size=kilns)))
    got = mobility.accept(origin, dest, spare)
    np.testing.assert_array_equal(got, reference_accept(origin, dest, spare))
    assert np.all(np.bincount(dest[got], minlength=kilns) <= spare)
    assert not np.any(got & (origin == dest))


@pytest.fixture
def busy_model() -> BondsimModel:
    # every indebted family is bought and every debt-free one leaves, if a place is free
    p = dataclasses.replace(Params(), transfer_rate=1.0, exit_rate_debt_free=1.0,
                            transfer_premium=0.1, kiln_occupancy=0.875)
    model = BondsimModel(p, households=140, kilns=4, districts=("A", "B"), seed=6)
    model.ow.coercive[:] = True  # every owner holds its indebted families: they are bought
    model.refresh_terms()
    model.ledger.open(float(model.hh.debt.sum()))
    return model


def test_moves_by_hand_in_the_model(busy_model):
    model = busy_model
    hh, ow = model.hh, model.ow
    debt0, kiln0, cash0 = hh.debt.copy(), hh.kiln.copy(), ow.cash.copy()
    n_transfer, n_free, n_left = model._move()
    assert n_left == 0  # every owner holds its indebted families
    moved = hh.kiln != kiln0
    bought = moved & (debt0 > 0)
    assert n_transfer == np.count_nonzero(bought) > 0
    assert n_free == np.count_nonzero(moved & (debt0 == 0)) > 0
    # 35 families a kiln, capacity 35 / 0.875 = 40: 5 places at each of the 4 kilns. All
    # try to move; each kiln takes 5 from the other kiln of its district and loses 5 to it
    assert ow.capacity.tolist() == [40] * 4
    assert np.count_nonzero(moved) == 4 * 5
    np.testing.assert_array_equal(ow.occupants, [35, 35, 35, 35])
    np.testing.assert_array_equal(ow.occupants, np.bincount(hh.kiln, minlength=4))
    # the buyer pays the debt plus 10%, which the family now owes
    np.testing.assert_allclose(hh.debt[bought], 1.1 * debt0[bought])
    np.testing.assert_array_equal(hh.debt[~bought], debt0[~bought])
    assert model.ledger.transfer_premiums == pytest.approx(0.1 * debt0[bought].sum())
    # owners' cash only changes hands
    assert ow.cash.sum() == pytest.approx(cash0.sum())
    price = np.bincount(hh.kiln[bought], weights=1.1 * debt0[bought], minlength=4)
    sold = np.bincount(kiln0[bought], weights=1.1 * debt0[bought], minlength=4)
    np.testing.assert_allclose(ow.cash - cash0, sold - price)
    # moves stay in the district: kilns 0-1 are A, 2-3 are B
    np.testing.assert_array_equal(ow.district[hh.kiln], hh.district)
    np.testing.assert_array_equal(kiln0 // 2, hh.kiln // 2)


def test_a_family_its_owner_does_not_hold_leaves_like_a_free_one_and_its_debt_stays(
        busy_model):
    model = busy_model
    hh, ow = model.hh, model.ow
    ow.coercive[:] = [True, False, True, True]  # kiln 1's owner lets its families go
    model.refresh_terms()
    debt0, kiln0 = hh.debt.copy(), hh.kiln.copy()
    model._move()
    left = (kiln0 == 1) & (hh.kiln != 1)
    assert np.count_nonzero(left & (debt0 > 0)) > 0
    # they were not bought: what they owed is written off, not carried to the new kiln
    assert (hh.debt[left] == 0.0).all()
    assert model.ledger.write_offs == pytest.approx(debt0[left].sum())
    assert model.ledger.transfer_premiums == pytest.approx(
        0.1 * debt0[(kiln0 != 1) & (hh.kiln != kiln0) & (debt0 > 0)].sum())


def test_one_kiln_per_district_nobody_moves():
    p = dataclasses.replace(Params(), transfer_rate=1.0, exit_rate_debt_free=1.0)
    model = BondsimModel(p, households=100, kilns=2, districts=("A", "B"), seed=1)
    kiln0 = model.hh.kiln.copy()
    model.run(3)
    np.testing.assert_array_equal(model.hh.kiln, kiln0)
    assert model.outcomes["moves_transfer"] == 0
    assert model.outcomes["moves_debt_free"] == 0


def test_select_movers_by_hand():
    # the model's path: households 1, 4, 6, 9 drew v below the larger rate (0.05); indebted
    # ones move only below the transfer rate 0.006
    debt = np.zeros(10)
    debt[[1, 4]] = 500.0
    index = np.array([1, 4, 6, 9], dtype=np.intp)
    v = np.array([0.005, 0.006, 0.006, 0.0499])
    moved, transfer = mobility.select_movers(index, v, debt, 0.006, 0.05)
    np.testing.assert_array_equal(moved, [1, 6, 9])
    np.testing.assert_array_equal(transfer, [True, False, False])


@given(u=st.lists(st.floats(0.0, 1.0, exclude_max=True), min_size=1, max_size=50),
       data=st.data(), transfer_rate=st.floats(0.0, 1.0), exit_rate=st.floats(0.0, 1.0))
def test_candidates_is_one_comparison_per_household(u, data, transfer_rate, exit_rate):
    u = np.array(u)
    debt = np.array(data.draw(st.lists(st.sampled_from([0.0, 1.0, 1e6]), min_size=u.size,
                                       max_size=u.size)))
    index, transfer = mobility.candidates(u, debt, transfer_rate, exit_rate)
    expected = np.flatnonzero(np.where(debt > 0, u < transfer_rate, u < exit_rate))
    np.testing.assert_array_equal(index, expected)
    np.testing.assert_array_equal(transfer, debt[expected] > 0)
