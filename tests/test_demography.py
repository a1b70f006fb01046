"""Rule 10, demography (``demography.py``): hand-computed cases for ageing, births, retirement,
splits and new households, the ledger across them, and fact 5 over seeds."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from mechanism_kit import tiny
from test_invariants import check_sex_split

from bondsim import BondsimModel, Params
from bondsim.simulation import demography
from bondsim.simulation.state import HouseholdState

I8 = np.int8


class AllOrNothing:
    """A stand-in generator that makes every draw certain: a binomial with a chance above 0
    takes all (with 0, none), a uniform is 0 (so ``pick_girls`` draws the chosen pool
    first, and every chance above 0 happens), a permutation keeps the order."""

    def binomial(self, n, p):
        n = np.asarray(n, dtype=np.int64)
        return n.copy() if np.any(np.asarray(p) > 0) else np.zeros_like(n)

    def random(self, size):
        return np.zeros(size)

    def permutation(self, x):
        return np.asarray(x).copy()

    def standard_normal(self, size):
        return np.zeros(size)


def households(**columns) -> HouseholdState:
    """Households from the columns given (one value per household); the rest 0 / False."""
    n = len(next(iter(columns.values())))
    values = {}
    for f in dataclasses.fields(HouseholdState):
        given = columns.get(f.name)
        if f.name in ("debt", "outside_debt", "savings", "sp_cash", "unmet_need",
                      "outside_income", "stipend"):
            values[f.name] = np.asarray(given if given is not None else [0.0] * n, float)
        elif f.name in ("outside_access", "cnic", "sp_enrolled", "bonded", "released",
                        "rehabilitated"):
            values[f.name] = np.asarray(given if given is not None else [False] * n, bool)
        elif f.name == "kiln":
            values[f.name] = np.asarray(given if given is not None else [0] * n, np.intp)
        elif f.name in ("released_month", "rehabilitated_month", "founded_month",
                        "months_bonded", "district"):
            values[f.name] = np.asarray(given if given is not None else [0] * n, np.int16)
        else:
            values[f.name] = np.asarray(given if given is not None else [0] * n, I8)
    return HouseholdState(**values)


def test_leave_band_takes_each_child_with_its_sex_and_activity():
    # two children 5-9: a girl who works and a boy in school; both leave
    hh = households(children_5_9=[2], girls_5_9=[1], work_5_9=[1], girls_work_5_9=[1],
                    school_5_9=[1])
    moved = demography.leave_band(np.random.default_rng(0), hh, "5_9", np.array([2]))
    assert (moved.girls[0], moved.boys[0]) == (1, 1)
    assert (moved.girls_work[0], moved.girls_school[0]) == (1, 0)
    assert (moved.boys_work[0], moved.boys_school[0]) == (0, 1)
    for name in ("children", "girls", "work", "school", "girls_work", "girls_school"):
        assert getattr(hh, f"{name}_5_9")[0] == 0, name


def test_ageing_by_hand_when_every_child_moves_up():
    """Every child moves up one band (a band of one month) and every girl marries out.

    Household: two children 0-4; a working girl 5-9; a girl 10-14 in school and a working boy
    10-14; one adult, a man. After the month: the girl 10-14 married out and the boy is a
    moulder with a bride (adults 1 + 2, women 0 + 1); the working girl 5-9 is a working girl
    10-14; the two children 0-4 are girls 5-9 (girl_share 1), idle."""
    hh = households(adults=[1], children_0_4=[2], children_5_9=[1], girls_5_9=[1],
                    work_5_9=[1], girls_work_5_9=[1], children_10_14=[2], girls_10_14=[1],
                    work_10_14=[1], school_10_14=[1], girls_school_10_14=[1])
    p = Params(marry_out_share=1.0, girl_share=1.0)
    old = demography.BAND_MONTHS
    demography.BAND_MONTHS = 1
    try:
        counts, boys, weddings = demography.age_children(AllOrNothing(), hh, p)
    finally:
        demography.BAND_MONTHS = old
    assert counts == {"came_of_age": 2, "marriages_out": 1, "brides_in": 1}
    assert boys.tolist() == [1]
    assert weddings.tolist() == [2]
    assert (hh.adults[0], hh.women[0]) == (3, 1)
    assert (hh.children_0_4[0], hh.children_5_9[0], hh.girls_5_9[0]) == (0, 2, 2)
    assert (hh.work_5_9[0], hh.school_5_9[0]) == (0, 0)
    assert (hh.children_10_14[0], hh.girls_10_14[0], hh.work_10_14[0]) == (1, 1, 1)
    assert (hh.girls_work_10_14[0], hh.school_10_14[0], hh.girls_school_10_14[0]) == (1, 0, 0)


def test_girls_who_stay_become_women_moulders():
    # marry_out_share 0: the girl 10-14 moulds at home; the boy brings no bride
    hh = households(adults=[1], children_10_14=[2], girls_10_14=[1])
    old = demography.BAND_MONTHS
    demography.BAND_MONTHS = 1
    try:
        counts, _, weddings = demography.age_children(AllOrNothing(), hh,
                                                      Params(marry_out_share=0.0))
    finally:
        demography.BAND_MONTHS = old
    assert counts == {"came_of_age": 2, "marriages_out": 0, "brides_in": 0}
    assert (hh.adults[0], hh.women[0], hh.children_10_14[0]) == (3, 1, 0)
    assert weddings.tolist() == [0]


def test_births_go_to_women_moulders_only():
    hh = households(adults=[2, 1], women=[2, 0], children_0_4=[1, 0])
    born = demography.births(AllOrNothing(), hh, Params())
    assert born == 2
    assert hh.children_0_4.tolist() == [3, 0]


def test_birth_rate_is_a_yearly_chance_per_woman():
    # 20,000 women a year at 0.17: 3,400 births; the sd of the count is about 57
    hh = households(adults=[1] * 20000, women=[1] * 20000)
    rng = np.random.default_rng(1)
    born = sum(demography.births(rng, hh, Params()) for _ in range(12))
    assert abs(born - 3400) < 4 * 57


def test_retirement_keeps_the_last_moulder_unless_the_household_dissolves():
    """Every adult would stop. The one-adult household may dissolve (and keeps its moulder until
    step 6 decides); the three-adult one keeps one moulder, and its two who stop (the woman
    drawn first, then a man) become dependants."""
    hh = households(adults=[1, 3], women=[1, 1], women_paid=[1, 1])
    gone = demography.retire(AllOrNothing(), hh, Params(), np.array([True, False]))
    assert gone.tolist() == [0]
    assert hh.adults.tolist() == [1, 1]
    assert hh.women.tolist() == [1, 0]
    assert hh.women_paid.tolist() == [1, 0]
    assert hh.dependants.tolist() == [0, 2]


def test_dependants_leave_at_their_rate():
    hh = households(adults=[1, 1], dependants=[2, 0])
    demography.retire(AllOrNothing(), hh, Params(retire_rate=0.0), np.array([False, False]))
    assert hh.dependants.tolist() == [0, 0]


def test_only_a_household_with_a_second_couple_at_a_kiln_splits():
    # two men and two women: splits; two men one woman: no; the first again, off the kilns: no
    hh = households(adults=[4, 3, 4], women=[2, 1, 2], location=[0, 0, 1])
    parents = demography.splitting(AllOrNothing(), hh, Params())
    assert parents.tolist() == [0]
    assert hh.adults.tolist() == [2, 3, 4]
    assert hh.women.tolist() == [1, 1, 2]


def test_pairing_stays_within_districts_and_takes_the_fewer():
    district = np.array([0, 0, 0, 1, 1, 1])
    parents, rows = demography.pair_in_district(np.random.default_rng(0), district,
                                                np.array([0, 1, 3]), np.array([2, 4, 5]))
    assert parents.size == rows.size == 2  # one pair in each district
    assert np.array_equal(district[parents], district[rows])
    assert set(rows.tolist()) <= {2, 4, 5}


def test_a_new_household_takes_a_dissolved_row_and_the_ledger_balances():
    """Six one-adult families at two kilns (households 0-2 at kiln 0, 3-5 at kiln 1). Household
    0 splits off a couple; household 4 (kiln 1) dissolves owing Rs 5,000. The owner of kiln 1
    writes the 5,000 off; the couple takes row 4, moves to its parent's kiln 0 (a place is
    free: capacity 4 for 3 families), owes the split advance of Rs 2,000 to kiln 0's owner, and
    the parent keeps its Rs 10,000 debt. Ledger: 15,000 open - 5,000 written off + 2,000
    advanced = 12,000 at close."""
    m = tiny(households=6, kilns=2, split_advance=2000.0)
    hh, ow = m.hh, m.ow
    ow.capacity[:] = 4
    hh.debt[0], hh.debt[4] = 10000.0, 5000.0
    hh.bonded[0] = True
    hh.savings[4], hh.released_month[4], hh.dependants[4] = 700.0, 3, 1
    cash = ow.cash.copy()
    m.ledger.open(float(hh.debt.sum()))
    demography.found_households(m, np.array([0]), np.array([4]), np.array([True]))
    assert hh.debt.tolist() == [10000.0, 0.0, 0.0, 0.0, 2000.0, 0.0]
    assert m.ledger.write_offs == 5000.0
    assert m.ledger.advances == 2000.0
    assert abs(m.ledger.residual(float(hh.debt.sum()))) < 1.0
    assert ow.cash[0] == cash[0] - 2000.0
    assert ow.cash[1] == cash[1]
    assert hh.kiln[4] == 0
    assert ow.occupants.tolist() == [4, 2]
    assert (hh.adults[4], hh.women[4], hh.dependants[4], hh.savings[4]) == (2, 1, 0, 0.0)
    assert hh.released_month[4] == -1
    assert (hh.parent_bonded[4], hh.founded_month[4]) == (1, 0)


def test_demography_off_keeps_every_member():
    m = BondsimModel(households=300, seed=3, demography=0)
    before = {name: getattr(m.hh, name).copy() for name in ("adults", "women", "dependants",
                                                            "children_0_4", "children_5_9",
                                                            "children_10_14", "girls_5_9")}
    m.run(24)
    for name, value in before.items():
        np.testing.assert_array_equal(getattr(m.hh, name), value, err_msg=name)
    assert m.timeseries()["births"].sum() == 0


def test_twenty_years_keep_families_plausible_and_the_books_balanced():
    """Over 20 years households stay about 7 members with about 3 children (domain.md 1.2:
    families of about 7 with at least 3 children), the counts stay consistent every month,
    and the ledger balances to the rupee while households dissolve and couples split off."""
    m = BondsimModel(households=600, seed=5)
    for _ in range(240):
        m.step()
        check_sex_split(m)
        hh = m.hh
        for band in ("5_9", "10_14"):
            c = getattr(hh, f"children_{band}").astype(int)
            assert np.all(getattr(hh, f"work_{band}") + getattr(hh, f"school_{band}") <= c)
        assert hh.adults.min() >= 1
        assert hh.dependants.min() >= 0
        assert hh.children_0_4.min() >= 0
    ts = m.timeseries()
    assert ts["ledger_residual"].abs().max() < 1.0
    last = ts.iloc[-12:]
    assert 6.0 <= last["household_size"].mean() <= 8.0
    assert 2.5 <= last["children_per_household"].mean() <= 4.5
    assert ts["births"].sum() > 0
    assert ts["splits"].sum() > 0
    assert ts["marriages_out"].sum() > 0
    assert m.children_5_14 == int(m.hh.children_5_9.sum() + m.hh.children_10_14.sum())


@pytest.mark.parametrize("seed", [21, 22, 23])
def test_fact5_bondage_passes_to_the_next_generation(seed):
    """Fact 5: over 15 years, the bonded households where a man came of age (or that a couple
    founded) grew up bonded more often than households are bonded: the share whose man grew
    up in a bonded household exceeds the bonded share, and exceeds one half (domain.md fact 5:
    'well above 0.5'). It would be false if bondage did not pass on: a boy's chance of growing
    up in a bonded household would then be the bonded share itself."""
    m = BondsimModel(households=800, seed=seed)
    m.run(180)
    last = m.timeseries().iloc[-12:]
    assert last["bonded_parent_share"].mean() > 0.5
    assert last["bonded_parent_share"].mean() > last["bonded_share"].mean() + 0.1


def test_weddings_are_paid_the_next_month():
    """A wedding of rule 10 adds one marriage cost (here exactly the median: the stand-in draws
    z = 0) to the household's need in the next month's rule 3."""
    costs = demography.wedding_costs(AllOrNothing(), np.array([3, 7]), np.array([1, 2]),
                                     Params(marriage_cost_median=150000.0))
    assert costs.tolist() == [150000.0, 300000.0]


def test_rule_7_expects_weddings_from_the_children_about_to_come_of_age():
    """With rule 10 on, rule 7's need counts the household's own weddings (its children of
    10-14 reach 15 at 1/60 a month, each marrying with chance marry_out_share) instead of a
    marriage shock that rule 3 no longer draws."""
    from bondsim.simulation.shocks import expected_shock_cost

    p = Params()
    mean_cost = p.marriage_cost_median * np.exp(p.marriage_cost_sigma ** 2 / 2.0)
    got = demography.expected_wedding_cost(np.array([0, 3]), p)
    np.testing.assert_allclose(got, [0.0, 3 * p.marry_out_share / 60 * mean_cost])
    m = BondsimModel(p, households=50, kilns=2, seed=1)
    no_marriage = expected_shock_cost(dataclasses.replace(p, marriage_rate=0.0))
    assert no_marriage < expected_shock_cost(p)
    np.testing.assert_allclose(
        m._capacity_need,
        12.0 * (m._need + no_marriage + demography.expected_wedding_cost(
            m.hh.children_10_14, p)))


def test_a_new_household_is_a_migrant_and_home_for_the_monsoon_as_its_parent_is():
    """Rule 1b with rule 10: a couple takes its parent's village, not the dissolved household's.
    Household 0 (a migrant family home for the monsoon) splits off a couple into the row of
    household 4, which was a non-migrant at its kiln; household 1 (a non-migrant at its kiln)
    splits one into the row of household 5, which was a migrant home for the monsoon. Each
    couple is a migrant, and away, exactly as its parent is."""
    m = tiny(households=6, kilns=2)
    hh = m.hh
    m.ow.capacity[:] = 4
    hh.migrant[:] = [True, False, False, False, False, True]
    hh.away[:] = [True, False, False, False, False, True]
    demography.found_households(m, np.array([0, 1]), np.array([4, 5]), np.array([False, False]))
    assert hh.migrant.tolist() == [True, False, False, False, True, False]
    assert hh.away.tolist() == [True, False, False, False, True, False]


def test_every_wedding_of_the_month_falls_due_and_only_heirs_learn_their_parents_bondage():
    """Rule 10's step: the weddings due next month are exactly the month's marriages (girls
    out, brides in), and only a household where a boy came of age records whether it was
    bonded (fact 5); a bonded household where nobody came of age records nothing."""
    model = BondsimModel(Params(marry_out_share=1.0), households=400, kilns=12, seed=4)
    hh = model.hh
    hh.parent_bonded[:] = 0
    hh.bonded[:] = True
    before = hh.founded_month.copy()
    counts = demography.step(model)
    wed, due = model.weddings_due
    assert wed.size == due.size
    assert counts["marriages_out"] + counts["brides_in"] > 0  # the check is not empty
    assert int(due.sum()) == counts["marriages_out"] + counts["brides_in"]
    assert np.all(due > 0)
    # households not founded this month that now record a bonded parent: those where a boy
    # came of age, at most one per child who did (new couples record theirs when they split)
    untouched = hh.founded_month == before
    recorded = int(np.count_nonzero(untouched & (hh.parent_bonded == 1)))
    assert 0 < recorded <= counts["came_of_age"] < int(untouched.sum()) // 10
