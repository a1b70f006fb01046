"""Rule 10, demography: children grow up, are born and marry; adults stop moulding; couples
split off into households of their own.

Once a month, with yearly rates turned into monthly chances (rate / 12), drawn only from the
``demography`` stream:

1. *Ageing.* Each child of a band moves up with chance 1 / (5 x 12) a month (a band is five
   years), oldest band first: a child 10-14 reaches 15, one 5-9 becomes 10-14, one 0-4
   becomes 5-9. A child takes its sex and what it does (work, school, neither) with it, drawn
   among the band's children; one entering 5-9 is a girl with chance ``girl_share`` and is
   idle until rule 6 enrols it or puts it to work.
2. *Coming of age (15).* A boy becomes an adult moulder of the household; with chance
   ``marry_out_share`` a bride marries in with him (a woman moulder). A girl marries out
   (leaves) with chance ``marry_out_share``, or else becomes a woman moulder. Brides and
   daughters balance: the kiln community marries within itself.
3. *Births.* Each woman moulder bears a child (into 0-4) with chance ``birth_rate`` a year.
4. *Retirement.* Each adult moulder stops moulding (becomes a dependant) with chance
   ``retire_rate`` a year; a household keeps its last moulder, unless it dissolves (6).
   Each dependant dies or leaves with chance ``dependant_exit_rate`` a year.
5. *Splits.* A household at a kiln with a second couple (at least two men and two women
   moulding) splits it off with chance ``split_rate`` a year: it loses a man and a woman.
   Its debt stays with it: the family that stays owes the owner what it owed.
6. *New households.* The model has a fixed number of rows (places in the kiln sector). A
   split-off couple takes the row of a household that dissolves this month in its district:
   one at a kiln with one moulder, no children, no public-scheme debt and no release in the
   run (a released family is followed to the end), whose last moulder stops moulding. Its debt
   to the owner is written off (booked) and its members leave the kilns. The couple lives at
   its parent's kiln if a place is free there, else where the old household lived; it starts
   with no debt, savings, transfers or children, an owner's advance of ``split_advance``
   (booked), and the parent's outside lender, identity card, stipend and outside work option,
   and whether it is a seasonal migrant and home for the monsoon (rule 1b) as its parent is.
   A couple for whom no row fell free leaves the kilns (the sector does not grow); a
   dissolving household without a couple to take its row keeps its moulder this month.

Weddings (a girl marrying out, a bride marrying in) cost the household one marriage cost each
(rule 3's lognormal), added to its need in the next month's rule 3; with rule 10 on, rule 3
draws no marriage shock of its own (``BondsimModel._shock_params``).

Counts stay consistent: in each band work + school <= children, girls working or in school
<= girls (and boys likewise), women <= adults, women paid directly <= women (``gender.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .gender import pick_girls
from .mobility import accept
from .parameters import Params
from .state import KILN, NOT_YET, HouseholdState

BAND_MONTHS = 60  # a band spans five years
COUNTS = ("births", "came_of_age", "marriages_out", "brides_in", "splits", "new_households")


def monthly(rate_per_year: float) -> float:
    """A yearly rate as a monthly chance (rate / 12: the rates are small)."""
    return rate_per_year / 12.0


def _i64(a: np.ndarray) -> np.ndarray:
    return a.astype(np.int64)


def _take(rng: np.random.Generator, k: np.ndarray, chosen: np.ndarray,
          other: np.ndarray) -> np.ndarray:
    """How many of ``k`` children drawn at random without replacement from ``chosen`` +
    ``other`` (per household) come from ``chosen``."""
    return pick_girls(rng, k, chosen, other, 1.0)


@dataclass
class Movers:
    """Children leaving a band this month: girls and boys, and of each, those working and
    those in school (per household, int64)."""

    girls: np.ndarray
    boys: np.ndarray
    girls_work: np.ndarray
    girls_school: np.ndarray
    boys_work: np.ndarray
    boys_school: np.ndarray

    @property
    def total(self) -> np.ndarray:
        return self.girls + self.boys


def leave_band(rng: np.random.Generator, hh: HouseholdState, band: str,
               k: np.ndarray) -> Movers:
    """Take ``k`` children (per household) out of ``band`` ("5_9" or "10_14"), each equally
    likely to be any of the band's children; update the band's counts and sex split in
    place and return who left."""
    c, g = _i64(getattr(hh, f"children_{band}")), _i64(getattr(hh, f"girls_{band}"))
    w, s = _i64(getattr(hh, f"work_{band}")), _i64(getattr(hh, f"school_{band}"))
    gw, gs = _i64(getattr(hh, f"girls_work_{band}")), _i64(getattr(hh, f"girls_school_{band}"))
    bw, bs = w - gw, s - gs
    kg = _take(rng, k, g, c - g)
    kb = k - kg
    wg = _take(rng, kg, gw, g - gw)
    sg = _take(rng, kg - wg, gs, g - gw - gs)
    wb = _take(rng, kb, bw, (c - g) - bw)
    sb = _take(rng, kb - wb, bs, (c - g) - bw - bs)
    _add_band(hh, band, -kg, -kb, -wg, -sg, -wb, -sb)
    return Movers(kg, kb, wg, sg, wb, sb)


def _add_band(hh: HouseholdState, band: str, girls: np.ndarray, boys: np.ndarray,
              girls_work: np.ndarray, girls_school: np.ndarray, boys_work: np.ndarray,
              boys_school: np.ndarray) -> None:
    """Add children (negative: remove them) to a band's counts and sex split, in place."""
    for name, add in ((f"children_{band}", girls + boys), (f"girls_{band}", girls),
                      (f"work_{band}", girls_work + boys_work),
                      (f"school_{band}", girls_school + boys_school),
                      (f"girls_work_{band}", girls_work),
                      (f"girls_school_{band}", girls_school)):
        column = getattr(hh, name)
        column += add.astype(column.dtype)


def age_children(rng: np.random.Generator, hh: HouseholdState,
                 params: Params) -> tuple[dict[str, int], np.ndarray, np.ndarray]:
    """Steps 1-2: children move up a band; those reaching 15 become moulders or marry out.
    Returns the month's counts of children who came of age, girls who married out and
    brides who married in; and per household, the boys who came of age and the weddings
    (girls married out and brides married in)."""
    p_up = 1.0 / BAND_MONTHS
    # drawn before anyone moves, so a child moves at most one band a month
    up_10_14 = rng.binomial(hh.children_10_14, p_up)
    up_5_9 = rng.binomial(hh.children_5_9, p_up)
    up_0_4 = rng.binomial(hh.children_0_4, p_up)

    grown = leave_band(rng, hh, "10_14", up_10_14)
    out = rng.binomial(grown.girls, params.marry_out_share)
    brides = rng.binomial(grown.boys, params.marry_out_share)
    women = grown.girls - out + brides
    hh.adults += (grown.boys + women).astype(np.int8)
    hh.women += women.astype(np.int8)

    moved = leave_band(rng, hh, "5_9", up_5_9)
    _add_band(hh, "10_14", moved.girls, moved.boys, moved.girls_work, moved.girls_school,
              moved.boys_work, moved.boys_school)

    hh.children_0_4 -= up_0_4.astype(np.int8)
    girls = rng.binomial(up_0_4, params.girl_share)
    zero = np.zeros_like(girls)
    _add_band(hh, "5_9", girls, up_0_4 - girls, zero, zero, zero, zero)
    counts = {"came_of_age": int(grown.total.sum()), "marriages_out": int(out.sum()),
              "brides_in": int(brides.sum())}
    return counts, grown.boys, out + brides


def births(rng: np.random.Generator, hh: HouseholdState, params: Params) -> int:
    """Step 3: children born to women moulders this month (into 0-4); returns how many."""
    born = rng.binomial(hh.women, monthly(params.birth_rate))
    hh.children_0_4 += born.astype(np.int8)
    return int(born.sum())


def retire(rng: np.random.Generator, hh: HouseholdState, params: Params,
           may_dissolve: np.ndarray) -> np.ndarray:
    """Step 4: adult moulders stop moulding (they become dependants), keeping each
    household's last moulder; dependants die or leave. Returns the households whose last
    moulder would stop and that ``may_dissolve`` (bool per household): step 6 decides."""
    adults = _i64(hh.adults)
    stop = rng.binomial(adults, monthly(params.retire_rate))
    last = stop >= adults
    dissolving = np.flatnonzero(last & may_dissolve)
    stop = np.minimum(stop, adults - 1)
    women = _i64(hh.women)
    stop_women = _take(rng, stop, women, adults - women)
    hh.adults -= stop.astype(np.int8)
    hh.women -= stop_women.astype(np.int8)
    np.minimum(hh.women_paid, hh.women, out=hh.women_paid)
    gone = rng.binomial(hh.dependants, monthly(params.dependant_exit_rate))
    hh.dependants += (stop - gone).astype(np.int8)
    return dissolving


def no_children(hh: HouseholdState) -> np.ndarray:
    return (hh.children_0_4 == 0) & (hh.children_5_9 == 0) & (hh.children_10_14 == 0)


def splitting(rng: np.random.Generator, hh: HouseholdState, params: Params) -> np.ndarray:
    """Step 5: households at a kiln with a second couple that split it off this month
    (indices, ascending); the couple leaves them (a man and a woman moulder fewer)."""
    men = hh.adults - hh.women
    eligible = (hh.location == KILN) & (men >= 2) & (hh.women >= 2)
    draw = rng.random(hh.n) < monthly(params.split_rate)
    parents = np.flatnonzero(eligible & draw)
    hh.adults[parents] -= 2
    hh.women[parents] -= 1
    np.minimum(hh.women_paid, hh.women, out=hh.women_paid)
    return parents


def pair_in_district(rng: np.random.Generator, district: np.ndarray, parents: np.ndarray,
                     rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Step 6's matching: in each district, split-off couples and dissolving households are
    paired at random, as many as the fewer of the two. Returns (parents, rows) paired."""
    got_p, got_r = [], []
    for d in np.intersect1d(district[parents], district[rows]):
        p = parents[district[parents] == d]
        r = rows[district[rows] == d]
        m = min(p.size, r.size)
        got_p.append(rng.permutation(p)[:m])
        got_r.append(rng.permutation(r)[:m])
    if not got_p:
        empty = np.zeros(0, dtype=np.intp)
        return empty, empty
    return np.concatenate(got_p), np.concatenate(got_r)


def found_households(model, parents: np.ndarray, rows: np.ndarray,  # noqa: ANN001
                     bonded: np.ndarray) -> None:
    """Step 6: the couples split off ``parents`` take ``rows`` (households that dissolve),
    one each: see the module docstring. ``bonded``: whether each parent was bonded (rule 7,
    this month). The old households' debts are written off through the model's ledger."""
    hh, ow, p = model.hh, model.ow, model.params
    model.write_off(rows)
    # the couple lives at its parent's kiln if a place is free there (after the old household
    # leaves its own), else where the old household lived
    dest = hh.kiln[parents]
    origin = hh.kiln[rows]
    spare = (ow.capacity - ow.occupants
             + np.bincount(origin, minlength=ow.k).astype(ow.capacity.dtype))
    ok = accept(origin, dest, spare) & (dest != origin)
    if ok.any():
        model.move_households(rows[ok], dest[ok])
    hh.adults[rows] = 2
    hh.women[rows] = 1
    hh.women_paid[rows] = model.streams["demography"].random(rows.size) < p.women_paid_directly
    for name in ("dependants", "children_0_4", "children_5_9", "children_10_14", "work_5_9",
                 "work_10_14", "school_5_9", "school_10_14", "girls_5_9", "girls_10_14",
                 "girls_work_5_9", "girls_work_10_14", "girls_school_5_9",
                 "girls_school_10_14", "months_bonded"):
        getattr(hh, name)[rows] = 0
    for name in ("outside_debt", "savings", "unmet_need", "outside_income"):
        getattr(hh, name)[rows] = 0.0
    for name in ("bonded", "sp_enrolled", "released", "rehabilitated"):
        getattr(hh, name)[rows] = False
    hh.released_month[rows] = NOT_YET
    hh.rehabilitated_month[rows] = NOT_YET
    # the parent's, as the family's village and labour market are; a migrant couple split off
    # in the monsoon is home with its parents and comes back with them (rule 1b)
    for name in ("outside_access", "cnic", "stipend", "outside_option", "migrant", "away"):
        column = getattr(hh, name)
        column[rows] = column[parents]
    model.forget_transfers(rows)  # the old household's transfers were not the couple's
    for name, column in model.added_columns["hh"].items():  # an intervention's columns
        getattr(hh, name)[rows] = column.fill
    hh.founded_month[rows] = model.steps
    hh.parent_bonded[rows] = bonded.astype(np.int8)
    if p.split_advance > 0.0 and rows.size:  # the owner's advance, booked like rule 5's
        hh.debt[rows] = p.split_advance
        model.ledger.advances += p.split_advance * rows.size
        ow.cash -= np.bincount(hh.kiln[rows], minlength=ow.k) * p.split_advance


def step(model) -> dict[str, int]:  # noqa: ANN001 - avoids a cycle with model.py
    """Rule 10 for one month, in the order of the module docstring; returns the month's
    counts (``COUNTS``)."""
    rng, hh, p = model.streams["demography"], model.hh, model.params
    counts, boys, weddings = age_children(rng, hh, p)
    heirs = np.flatnonzero(boys)
    hh.parent_bonded[heirs] = hh.bonded[heirs]  # fact 5: his parents' household, bonded?
    wed = np.flatnonzero(weddings)
    model.weddings_due = (wed, weddings[wed])  # paid next month in rule 3
    counts["births"] = births(rng, hh, p)
    may_dissolve = ((hh.adults == 1) & no_children(hh) & (hh.location == KILN) & ~hh.released
                    & (model.debt_owed() <= hh.debt))
    dissolving = retire(rng, hh, p, may_dissolve)
    bonded = hh.bonded.copy()
    parents = splitting(rng, hh, p)
    counts["splits"] = int(parents.size)
    paired, rows = pair_in_district(rng, hh.district, parents, dissolving)
    found_households(model, paired, rows, bonded[paired])
    counts["new_households"] = int(rows.size)
    return counts


def wedding_costs(rng: np.random.Generator, index: np.ndarray, weddings: np.ndarray,
                  params: Params) -> np.ndarray:
    """What the ``weddings`` of each household in ``index`` cost it, Rs: one lognormal
    marriage cost (rule 3's, ``marriage_cost_median`` and ``marriage_cost_sigma``) per
    wedding, summed per household."""
    each = params.marriage_cost_median * np.exp(
        params.marriage_cost_sigma * rng.standard_normal(int(weddings.sum())))
    return np.bincount(np.repeat(np.arange(index.size), weddings), weights=each,
                       minlength=index.size)


def expected_wedding_cost(children_10_14: np.ndarray, params: Params) -> np.ndarray:
    """Each household's expected wedding costs a month, Rs, for rule 7's need: its children
    10-14 reach 15 at 1/60 a month, and each then marries (a girl out, a boy's bride in) with
    chance ``marry_out_share``, at the mean of rule 3's lognormal marriage cost."""
    mean_cost = params.marriage_cost_median * np.exp(params.marriage_cost_sigma ** 2 / 2.0)
    return children_10_14 * (params.marry_out_share / BAND_MONTHS) * mean_cost
