"""Property-based tests: invariants that hold after every month of any small model with
parameters anywhere in their plausible ranges, and conservation in the cover rule."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from bondsim import PARAM_INFO, BondsimModel, Params
from bondsim.simulation.credit import cover_shortfall
from bondsim.simulation.owners import Penalty
from bondsim.simulation.season import is_open
from bondsim.simulation.shocks import ShockDraw

EPS = 1e-6  # float noise allowed below zero, in rupees
PLAUSIBLE = {name: info.plausible for name, info in PARAM_INFO.items()
             if info.plausible is not None}
PAIRS = (("paid_ratio_low", "paid_ratio_high"), ("deduction_share_low", "deduction_share_high"))

SHARES = ("bonded_share", "debt_over_threshold_share", "bonded_share_ilo", "indebted_share",
          "households_short", "advance_share")
# documented NaN: no children, no shocks, no pay (closed month)
SHARES_OR_NAN = ("child_labour_rate", "school_enrolment", "advance_share_after_shock",
                 "net_pay_share")


@st.composite
def params(draw) -> Params:
    """Some parameters drawn from their plausible ranges (often at an end), the rest default."""
    names = draw(st.lists(st.sampled_from(sorted(PLAUSIBLE)), unique=True,
                          max_size=len(PLAUSIBLE)))
    values = {}
    for name in names:
        lo, hi = PLAUSIBLE[name]
        values[name] = float(draw(st.one_of(st.sampled_from([lo, hi]), st.floats(lo, hi))))
    values["start_month"] = draw(st.integers(1, 12))
    values["extra_closure_months"] = tuple(sorted(draw(
        st.lists(st.integers(1, 12), unique=True, max_size=3))))
    p = dataclasses.replace(Params(), **values)
    for low, high in PAIRS:
        a, b = getattr(p, low), getattr(p, high)
        if a > b:
            p = dataclasses.replace(p, **{low: b, high: a})
    return p


class Shake:
    """A test policy that exercises the rarer paths: social-protection cash for some families,
    debt write-offs for others, inspection scares owners learn from (with heavy penalties),
    and shock costs scaled at their point."""

    def __init__(self, sp_share: float, write_off_share: float, scare_share: float,
                 cost_scale: float) -> None:
        self.sp_share, self.write_off_share, self.scare_share = (
            sp_share, write_off_share, scare_share)
        self.cost_scale = cost_scale

    def step(self, model: BondsimModel) -> None:
        rng = model.streams["test-shake"]
        hh, ow = model.hh, model.ow
        hh.sp_cash[:] = np.where(rng.random(hh.n) < self.sp_share, 5000.0, 0.0)
        hh.sp_enrolled[:] = hh.sp_cash > 0
        self.paid = float(hh.sp_cash.sum())
        model.write_off(np.flatnonzero(rng.random(hh.n) < self.write_off_share))
        model.repay_debt(np.flatnonzero(rng.random(hh.n) < self.write_off_share), 2000.0)
        scared = np.flatnonzero(rng.random(ow.k) < self.scare_share)
        model.saw_visits("police", scared)  # visits owners see, with heavy penalties
        model.penalties["holding"] = Penalty(0.5, 1e7, 1.0, True)

    def on_shock_costs(self, model: BondsimModel, shocks: ShockDraw) -> None:
        """Illness and marriage cost ``cost_scale`` times as much (the point of rule 3)."""
        shocks.cost *= np.array([self.cost_scale, 1.0, self.cost_scale])[shocks.kind]

    def cost(self, model: BondsimModel) -> float:
        return self.paid


def check_invariants(model: BondsimModel) -> None:
    hh, ow, out, p = model.hh, model.ow, model.outcomes, model.params
    n, k = hh.n, ow.k
    # money: nothing negative, and the debt ledger balances to the rupee
    assert hh.debt.min() >= -EPS
    assert hh.outside_debt.min() >= -EPS
    assert hh.savings.min() >= -EPS
    assert hh.unmet_need.min() >= -EPS
    assert abs(out["ledger_residual"]) < 1.0
    assert math.isclose(out["debt_total"], float(hh.debt.sum()), rel_tol=1e-12, abs_tol=1e-6)
    # families and kilns: counts add up, nobody leaves their district
    # (a family off the kilns keeps its last kiln and district but takes no place, owes no owner)
    at_kiln = hh.location == 0
    np.testing.assert_array_equal(ow.occupants, np.bincount(hh.kiln[at_kiln], minlength=k))
    assert np.all(ow.occupants <= ow.capacity)
    assert int(ow.occupants.sum()) == int(np.count_nonzero(at_kiln)) <= n
    assert np.all(hh.debt[~at_kiln] == 0.0)
    # rule 1b: only a migrant family living at a kiln is home for the monsoon, and only in it
    assert np.all(hh.migrant[hh.away])
    assert np.all(at_kiln[hh.away])
    if out["month"] > 0 and out["calendar_month"] not in p.closure_months:
        assert not hh.away.any()
    assert hh.kiln.min() >= 0
    assert hh.kiln.max() < k
    np.testing.assert_array_equal(ow.district[hh.kiln], hh.district)
    # children: work + school <= children in each band, no negative counts
    assert hh.adults.min() >= 1
    for count in (hh.dependants, hh.children_0_4):
        assert count.min() >= 0
    for c, w, s in ((hh.children_5_9, hh.work_5_9, hh.school_5_9),
                    (hh.children_10_14, hh.work_10_14, hh.school_10_14)):
        assert c.min() >= 0
        assert w.min() >= 0
        assert s.min() >= 0
        assert np.all(w.astype(int) + s <= c)
    check_sex_split(model)
    # bondage: bonded needs a debt; the month count runs exactly while bonded
    assert np.all(hh.debt[hh.bonded] > 0.0)
    if out["month"] > 0:  # the initial state starts the count at zero
        np.testing.assert_array_equal(hh.months_bonded > 0, hh.bonded)
    assert hh.months_bonded.min() >= 0
    # owners' practices stay between their preferences and the law
    for belief in (ow.belief_police, ow.belief_wage, ow.belief_audit, ow.belief_conviction,
                   ow.belief_release):
        assert np.all((belief >= 0.0) & (belief <= 1.0))
    assert np.all(ow.coercive <= ow.prepared_to_hold)  # only owners prepared to hold, hold
    assert np.all(ow.sealed_months >= 0.0)
    assert np.all(ow.paid_ratio >= ow.base_paid_ratio - 1e-12)
    assert np.all(ow.paid_ratio <= 1.0 + 1e-12)
    assert np.all(ow.book_inflation <= ow.base_book_inflation + 1e-12)
    # outcomes: shares in [0, 1], NaN only where documented
    assert out["households"] == n
    for name in SHARES:
        assert 0.0 <= out[name] <= 1.0, name
    for name in SHARES_OR_NAN:
        v = out[name]
        assert math.isnan(v) or 0.0 <= v <= 1.0, name
    children = int(hh.children_5_9.sum()) + int(hh.children_10_14.sum())
    assert math.isnan(out["child_labour_rate"]) == (children == 0)
    if children:
        assert out["child_labour_rate"] + out["school_enrolment"] <= 1.0 + 1e-12
    assert math.isnan(out["advance_share_after_shock"]) == (out["shocks"] == 0)
    assert math.isnan(out["net_pay_share"]) == (out["gross_pay"] == 0.0)
    if out["gross_pay"] > 0.0:  # deductions are at most the highest share of pay
        assert out["net_pay_share"] >= 1.0 - p.deduction_share_high - 1e-9
    indebted = out["indebted_share"] > 0.0
    assert math.isnan(out["median_debt"]) != indebted
    assert math.isnan(out["median_debt_months"]) != indebted
    # the definitions nest: ILO (unrepayable and held) within legal (held) within indebted
    assert out["bonded_share_ilo"] <= min(out["debt_over_threshold_share"], out["bonded_share"])
    assert out["bonded_share"] <= out["indebted_to_owner_share"] <= out["indebted_share"]
    assert out["bondage_entries"] >= 0
    assert out["bondage_exits"] >= 0
    assert out["moves_transfer"] >= 0
    assert out["moves_debt_free"] >= 0
    for name in ("unmet_need", "gross_pay", "advances", "book_inflation", "markup",
                 "transfer_premiums", "deductions", "repayments", "write_offs",
                 "outside_advances", "sp_cash_used", "savings_total", "outside_debt_total"):
        assert out[name] >= -EPS, name
    assert p.paid_ratio_low - 1e-12 <= out["paid_ratio_mean"] <= 1.0 + 1e-12
    # medians are exact (the warm-started median must equal a plain one)
    positive = hh.debt[hh.debt > 0.0]
    if positive.size:
        assert out["median_debt"] == float(np.median(positive))
    # the cached per-household kiln terms, brought up to date, equal a fresh gather
    model.refresh_terms()
    for name, values in model.owner_terms().items():
        np.testing.assert_array_equal(getattr(model.terms, name), values[hh.kiln], err_msg=name)
    # the season: no moulding in closed months
    if out["month"] > 0:
        assert (out["production_days"] == 0.0) == (not is_open(out["calendar_month"], p))


def check_sex_split(model: BondsimModel) -> None:
    """Rule 6b: the girls (and so the boys) in each count are within it, and the split follows
    this month's counts; the outcomes by sex add up to the totals."""
    hh, out = model.hh, model.outcomes
    assert np.all((hh.women >= 0) & (hh.women <= hh.adults))
    assert np.all((hh.women_paid >= 0) & (hh.women_paid <= hh.women))
    for band in ("5_9", "10_14"):
        c, w, s, g, gw, gs = (getattr(hh, f"{col}_{band}").astype(int) for col in (
            "children", "work", "school", "girls", "girls_work", "girls_school"))
        for girls, total in ((g, c), (gw, w), (gs, s)):
            assert np.all((girls >= 0) & (girls <= total))
        assert np.all(gw + gs <= g)  # girls: working + in school <= girls
        assert np.all((w - gw) + (s - gs) <= c - g)  # boys likewise
        w0, s0 = model.sex_split.counts[band]  # rule 6b saw this month's counts
        np.testing.assert_array_equal(w0, w)
        np.testing.assert_array_equal(s0, s)
    girls = int(hh.girls_5_9.sum()) + int(hh.girls_10_14.sum())
    children = out["children_5_14"]
    assert out["girls_5_14"] == girls
    assert 0.0 <= out["women_moulder_share"] <= 1.0
    assert 0.0 <= out["women_output_share"] <= out["women_moulder_share"] + 1e-12
    women = int(hh.women.sum())
    paid = out["women_paid_directly_share"]
    assert math.isnan(paid) if women == 0 else 0.0 <= paid <= 1.0
    for sex, n in (("girls", girls), ("boys", children - girls)):
        for what in ("work", "school"):
            v = out[f"{sex}_{what}_rate"]
            assert math.isnan(v) == (n == 0), (sex, what)
    if children:  # the rates by sex, weighted by the sexes' shares, give the totals
        for total, what in (("child_labour_rate", "work"), ("school_enrolment", "school")):
            parts = [n / children * out[f"{sex}_{what}_rate"]
                     for sex, n in (("girls", girls), ("boys", children - girls)) if n]
            assert math.isclose(sum(parts), out[total], rel_tol=1e-12, abs_tol=1e-15), total


def check_bondage_flows(model: BondsimModel, before: np.ndarray) -> None:
    """Entries and exits are the households whose bonded flag changed over the month, by
    value (a sign check cannot tell one from the other)."""
    after = model.hh.bonded
    assert model.outcomes["bondage_entries"] == np.count_nonzero(after & ~before)
    assert model.outcomes["bondage_exits"] == np.count_nonzero(before & ~after)


@st.composite
def models(draw) -> dict:
    """A small population (1 <= districts <= kilns <= households), parameters, seed, horizon."""
    districts = draw(st.integers(1, 3))
    return {
        "params": draw(params()),
        "households": draw(st.integers(50, 400)),
        "kilns": draw(st.integers(districts, 12)),
        "districts": districts,
        "seed": draw(st.integers(0, 2**32 - 1)),
        "months": draw(st.integers(1, 30)),
    }


@pytest.mark.slow
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=models())
def test_invariants_hold_every_month(spec):
    model = BondsimModel(spec["params"], households=spec["households"], kilns=spec["kilns"],
                         districts=[f"d{i}" for i in range(spec["districts"])],
                         seed=spec["seed"])
    check_invariants(model)
    for _ in range(spec["months"]):
        before = model.hh.bonded.copy()
        model.step()
        check_invariants(model)
        check_bondage_flows(model, before)


def test_the_three_definitions_are_read_from_one_state():
    """A case the random search found: families released or moved after rule 7 were still
    counted ILO-bonded while no longer bonded in law, so the ILO share exceeded the legal one.
    All three definitions are now read from the month's final state."""
    p = dataclasses.replace(Params(), start_month=3, extra_closure_months=(1, 2, 6),
                            bricks_per_adult_day=250.0, illness_rate=0.06,
                            book_inflation_mean=0.0, bondage_debt_multiple=0.5,
                            belief_memory=0.5, birth_rate=0.1)
    model = BondsimModel(p, households=396, kilns=8, districts=["d0"], seed=345333)
    for _ in range(4):
        model.step()
        check_invariants(model)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=models(), sp=st.floats(0.0, 1.0), write_off=st.floats(0.0, 0.2),
       scare=st.floats(0.0, 0.5), cost_scale=st.floats(0.0, 1.0))
@pytest.mark.slow
def test_invariants_hold_under_a_policy_that_shakes_things(spec, sp, write_off, scare,
                                                           cost_scale):
    model = BondsimModel(spec["params"], households=spec["households"], kilns=spec["kilns"],
                         districts=[f"d{i}" for i in range(spec["districts"])],
                         seed=spec["seed"],
                         interventions=[Shake(sp, write_off, scare, cost_scale)])
    for _ in range(spec["months"]):
        before = model.hh.bonded.copy()
        model.step()
        check_invariants(model)
        check_bondage_flows(model, before)
        out = model.outcomes
        # SP cash is held from month to month (rule 4): what covered need this month came
        # from what was paid this month (the Shake pays 5,000 afresh, replacing any held)
        paid = model.interventions[0].paid
        assert out["sp_cash_used"] <= paid + EPS
        assert out["intervention_cost"] == paid


def money(n: int, high: float = 1e6):
    return hnp.arrays(np.float64, n, elements=st.floats(0.0, high, allow_nan=False))


@given(data=st.data(), n=st.integers(1, 25), with_sp=st.booleans(),
       with_outside=st.booleans())
@pytest.mark.slow
def test_cover_shortfall_conserves_money(data, n, with_sp, with_outside):
    cash, need, savings0, debt, room, buffer = (data.draw(money(n)) for _ in range(6))
    sp = data.draw(money(n)) if with_sp else None
    keep = data.draw(money(n)) if with_sp else 0.0  # SP cash a family holds on to (its buffer)
    sp0 = None if sp is None else sp.copy()  # rule 4 spends SP cash in place
    outside_debt = data.draw(money(n)) if with_outside else np.zeros(n)
    outside_room = data.draw(money(n)) if with_outside else None
    share = data.draw(st.floats(0.0, 1.0))
    debt0, outside0 = debt.copy(), outside_debt.copy()
    savings = savings0.copy()
    f = cover_shortfall(cash, need, savings, sp, debt, room, outside_debt, outside_room,
                        buffer, share, sp_keep=keep)
    spv = np.zeros(n) if sp0 is None else sp0
    held = np.zeros(n) if sp is None else sp  # SP cash held after the month
    assert np.all(held >= -1e-9)
    assert np.all(held <= np.minimum(spv, keep) + 1e-9)  # at most the buffer, from what was paid
    orm = np.zeros(n) if outside_room is None else outside_room
    tol = 1e-9 * (1.0 + cash + need + savings0 + spv + debt + room + outside_debt + orm + buffer)

    short = np.maximum(need - cash, 0.0)
    surplus = np.maximum(cash - need, 0.0)
    # every flow is non-negative and within its source
    for name in ("from_savings", "from_sp", "advance", "outside_advance", "unmet",
                 "outside_repayment", "repayment"):
        assert np.all(getattr(f, name) >= 0.0), name
    assert np.all(f.from_savings <= savings0)
    assert np.all(f.from_sp <= spv)
    assert np.all(f.advance <= room)
    assert np.all(f.outside_advance <= orm)
    assert np.all(f.outside_repayment <= outside_debt)
    assert np.all(f.repayment <= debt)
    assert np.all(savings >= -tol)
    np.testing.assert_array_equal(debt, debt0)  # read, not written
    np.testing.assert_array_equal(outside_debt, outside0)
    np.testing.assert_allclose(f.balance, cash - need)
    assert np.all(np.abs(f.slack - (room - f.advance)) <= tol)  # the owner's unused room
    assert np.all(f.slack >= 0.0)
    # the shortfall is covered, in order, or left unmet
    cover = f.from_savings + f.from_sp + f.advance + f.outside_advance + f.unmet
    assert np.all(np.abs(cover - short) <= tol)
    assert np.all(np.abs((cash + cover) - (need + surplus)) <= tol)
    later = f.from_sp + f.advance + f.outside_advance + f.unmet > 0
    assert np.all(np.abs(f.from_savings - savings0)[later] <= tol[later])  # savings first
    later = f.advance + f.outside_advance + f.unmet > 0
    assert np.all(np.abs(f.from_sp - spv)[later] <= tol[later])  # then SP cash
    later = f.outside_advance + f.unmet > 0
    assert np.all(np.abs(f.advance - room)[later] <= tol[later])  # then the owner
    later = f.unmet > 0
    assert np.all(np.abs(f.outside_advance - orm)[later] <= tol[later])  # then outside
    # money in = money out: cash, savings, SP cash and loans pay for the need met, the
    # spending above need, repayments and the savings kept
    # surplus after the outside lender: SP cash not spent on need nor held joins it
    left = surplus + (spv - f.from_sp - held) - f.outside_repayment
    assert np.all(left >= -tol)
    sources = cash + savings0 + spv + f.advance + f.outside_advance
    uses = ((need - f.unmet) + share * left + f.outside_repayment + f.repayment + savings
            + held)
    assert np.all(np.abs(sources - uses) <= tol)
    # early repayment only from savings above the buffer, and it stops at the buffer
    repaid = f.repayment > 0
    assert np.all(savings[repaid] >= buffer[repaid] - tol[repaid])
    part = repaid & (f.repayment < debt)  # debt left: savings come down to the buffer
    assert np.all(np.abs(savings - buffer)[part] <= tol[part])
    kept = (f.repayment == 0) & (debt > 0)  # debt left and nothing repaid: at most the buffer
    assert np.all(savings[kept] <= buffer[kept] + tol[kept])
