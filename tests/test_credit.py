"""Rule 4, covering a shortfall: savings, SP cash, the owner's advance, the outside lender."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from bondsim.simulation.credit import advance_room, cover_shortfall, zeros


def arr(*values: float) -> np.ndarray:
    return np.array(values, dtype=np.float64)


def test_advance_room_is_the_limit_less_the_debt_never_negative():
    # limit 10,000: debt 4,000 -> 6,000 more; debt 12,000 -> none; no limit, no debt -> 0
    np.testing.assert_allclose(advance_room(arr(10000, 10000, 0), arr(4000, 12000, 0)),
                               [6000.0, 0.0, 0.0])


# Five households, need Rs 10,000 each, buffer Rs 10,000, half of a surplus spent.
#
# 0: cash 2,000 -> short 8,000: savings 3,000 (-> 5,000 short), SP 2,000 (-> 3,000),
#    owner's room 1,000 (-> 2,000), outside room 500 (-> 1,500), unmet 1,500.
# 1: cash 7,000 -> short 3,000, all from savings 25,000 (-> 22,000); SP 2,000 unused is a
#    surplus; it first repays the outside debt 500 (-> surplus 1,500); half saved: 750
#    (-> 22,750); 12,750 above the buffer repays the owner (debt 50,000) -> savings 10,000.
# 2: cash 30,000 -> surplus 20,000, half saved -> savings 9,000 + 10,000 = 19,000;
#    9,000 above the buffer, but the debt is only 3,000 -> repay 3,000, savings 16,000.
# 3: cash 0, nothing to draw on -> unmet 10,000.
# 4: cash 10,000 exactly covers need; savings 5,000 are below the buffer -> nothing moves.
CASE = {
    "cash": arr(2000, 7000, 30000, 0, 10000),
    "need": arr(10000, 10000, 10000, 10000, 10000),
    "savings": arr(3000, 25000, 9000, 0, 5000),
    "sp_cash": arr(2000, 2000, 0, 0, 0),
    "debt": arr(50000, 50000, 3000, 20000, 40000),
    "room": arr(1000, 5000, 5000, 0, 5000),
    "outside_debt": arr(0, 500, 0, 0, 0),
    "outside_room": arr(500, 500, 0, 0, 0),
    "buffer": arr(10000, 10000, 10000, 10000, 10000),
}


def run_case(spend_share: float = 0.5, **changes: object):
    c = {k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in CASE.items()}
    c.update(changes)
    flows = cover_shortfall(c["cash"], c["need"], c["savings"], c["sp_cash"], c["debt"],
                            c["room"], c["outside_debt"], c["outside_room"], c["buffer"],
                            spend_share=spend_share)
    return flows, c


def test_hand_computed_cover():
    flows, c = run_case()
    np.testing.assert_allclose(flows.balance, [-8000, -3000, 20000, -10000, 0])
    np.testing.assert_allclose(flows.from_savings, [3000, 3000, 0, 0, 0])
    np.testing.assert_allclose(flows.from_sp, [2000, 0, 0, 0, 0])
    np.testing.assert_allclose(flows.advance, [1000, 0, 0, 0, 0])
    np.testing.assert_allclose(flows.outside_advance, [500, 0, 0, 0, 0])
    np.testing.assert_allclose(flows.unmet, [1500, 0, 0, 10000, 0])
    np.testing.assert_allclose(flows.outside_repayment, [0, 500, 0, 0, 0])
    np.testing.assert_allclose(flows.repayment, [0, 12750, 3000, 0, 0])
    # what the owner would still lend after this month's advance: room less advance
    np.testing.assert_allclose(flows.slack, [0, 5000, 5000, 0, 5000])
    np.testing.assert_allclose(c["savings"], [0, 10000, 16000, 0, 5000])  # changed in place
    # debts are read, not written (rule 5 books them)
    np.testing.assert_array_equal(c["debt"], CASE["debt"])
    np.testing.assert_array_equal(c["outside_debt"], CASE["outside_debt"])


def test_owner_advance_comes_before_the_outside_lender():
    # household 0 with a larger room: the owner lends all of the remaining 3,000
    flows, _ = run_case(room=arr(9000, 5000, 5000, 0, 5000))
    assert flows.advance[0] == 3000.0
    assert flows.outside_advance[0] == 0.0
    assert flows.unmet[0] == 0.0


def test_sp_cash_comes_before_credit():
    # household 0 with SP cash 6,000: savings 3,000 then SP 5,000 cover it; 1,000 of SP cash
    # is left as a surplus, half of it saved
    flows, c = run_case(sp_cash=arr(6000, 2000, 0, 0, 0))
    assert flows.from_sp[0] == 5000.0
    assert flows.advance[0] == 0.0
    assert flows.unmet[0] == 0.0
    assert c["savings"][0] == 500.0


def test_without_an_outside_lender_the_rest_is_unmet():
    flows, _ = run_case(outside_room=None, outside_debt=np.zeros(5))
    np.testing.assert_allclose(flows.outside_advance, 0.0)
    np.testing.assert_allclose(flows.unmet, [2000, 0, 0, 10000, 0])
    # household 1 keeps the whole 2,000 surplus: 1,000 saved, 13,000 repaid early
    assert flows.repayment[1] == 13000.0


def test_all_surplus_spent_saves_nothing():
    flows, c = run_case(spend_share=1.0)
    # household 2 spends the whole 20,000 surplus: savings stay 9,000, below the buffer
    assert c["savings"][2] == 9000.0
    assert flows.repayment[2] == 0.0


def test_no_buffer_repays_all_savings_up_to_the_debt():
    c = {k: v.copy() for k, v in CASE.items()}
    flows = cover_shortfall(c["cash"], c["need"], c["savings"], None, c["debt"], c["room"],
                            c["outside_debt"], None, np.zeros(5), spend_share=0.5)
    # household 4: savings 5,000, debt 40,000 -> all 5,000 repaid; household 2: 19,000 saved,
    # only 3,000 owed -> 3,000 repaid, 16,000 kept
    assert flows.repayment[4] == 5000.0
    assert c["savings"][4] == 0.0
    assert flows.repayment[2] == 3000.0
    assert c["savings"][2] == 16000.0


money = st.floats(0.0, 1e6, allow_nan=False)


@given(data=st.data(), n=st.integers(1, 20))
def test_none_is_the_same_as_zeros_when_nobody_has_them(data, n):
    """The documented fast path: sp_cash=None and outside_room=None give the same flows as
    all-zero arrays (with no outside debt, which only an outside lender creates)."""
    def draw():
        return data.draw(hnp.arrays(np.float64, n, elements=money))

    cash, need, savings, debt, room, buffer = (draw() for _ in range(6))
    share = data.draw(st.floats(0.0, 1.0))
    zeros = np.zeros(n)
    s1, s2 = savings.copy(), savings.copy()
    fast = cover_shortfall(cash, need, s1, None, debt, room, zeros, None, buffer, share)
    slow = cover_shortfall(cash, need, s2, zeros.copy(), debt, room, zeros, zeros.copy(),
                           buffer, share)
    np.testing.assert_array_equal(s1, s2)
    for name in ("balance", "from_savings", "from_sp", "advance", "outside_advance", "unmet",
                 "outside_repayment", "repayment"):
        np.testing.assert_array_equal(getattr(fast, name), getattr(slow, name), err_msg=name)


@pytest.mark.parametrize("share", [0.0, 0.85])
def test_a_debt_free_family_with_a_surplus_only_saves(share):
    savings = arr(0.0)
    flows = cover_shortfall(arr(15000), arr(10000), savings, None, arr(0.0), arr(0.0),
                            arr(0.0), None, arr(0.0), share)
    assert flows.repayment[0] == 0.0
    assert savings[0] == pytest.approx(5000.0 * (1.0 - share))


def test_shared_zero_flows_are_read_only():
    z = zeros(4)
    assert z is zeros(4)  # one shared array per size
    assert not z.any()
    with pytest.raises(ValueError, match="read-only"):
        z[0] = 1.0
    # the fast path hands them out: nobody can change a flow that did not happen
    flows, _ = run_case(sp_cash=None, outside_room=None)
    with pytest.raises(ValueError, match="read-only"):
        flows.from_sp[0] = 1.0


def test_cash_on_hand_is_held_up_to_its_keep_and_the_rest_is_a_surplus():
    # three families, need 10,000, transfer cash 6,000 each, keep 2,000, half a surplus spent,
    # no savings, no credit, a buffer too large for any repayment:
    # 0: cash 11,000 -> surplus 1,000; holds 6,000, keeps 2,000, 4,000 joins the surplus:
    #    5,000, half saved -> savings 2,500
    # 1: cash 8,000 -> short 2,000 from the cash on hand (4,000 left), keeps 2,000, 2,000 to
    #    the surplus -> savings 1,000
    # 2: cash 1,000 -> short 9,000: all 6,000 used, unmet 3,000, nothing held
    z = np.zeros(3)
    savings, sp = z.copy(), arr(6000, 6000, 6000)
    flows = cover_shortfall(arr(11000, 8000, 1000), np.full(3, 10000.0), savings, sp, z, z, z,
                            None, np.full(3, 1e9), 0.5, sp_keep=2000.0)
    np.testing.assert_allclose(flows.from_sp, [0, 2000, 6000])
    np.testing.assert_allclose(sp, [2000, 2000, 0])
    np.testing.assert_allclose(savings, [2500, 1000, 0])
    np.testing.assert_allclose(flows.unmet, [0, 0, 3000])
    # keep 0 (the old monthly reset): nothing is held, all unused cash is a surplus
    savings, sp = z.copy(), arr(6000, 6000, 6000)
    cover_shortfall(arr(11000, 8000, 1000), np.full(3, 10000.0), savings, sp, z, z, z, None,
                    np.full(3, 1e9), 0.5)
    np.testing.assert_allclose(sp, [0, 0, 0])
    np.testing.assert_allclose(savings, [3500, 2000, 0])
