"""Rule 1b, the monsoon away from the kiln: seasonal migrants go home for the closure, and the
owner re-ties them with an advance when they come back.

Kilns close for the monsoon (``closure_months``, July and August). Migrant moulders go home
until September, and advances at re-hiring tie them to the next season (domain.md 1.3 and
fact 14: TNS, Nation 2017; Srivastava 2005 on neo-bondage through seasonal advances). A share
of families are seasonal migrants (``monsoon_migrant_share``, *assumption*: no count was found),
drawn once per household for the run from a stream of their own. In the first monsoon month
every migrant family living at a kiln goes home (``away``); it keeps its place and its debt (the
owner's book waits for it), so its ``location`` stays KILN: it is neither released nor off the
kilns, and rule 8 neither moves nor sells it while it is away. At home its adults find paid
work on some days at the casual wage (``monsoon_work_days``, *assumption*); kiln housing and the
village home cost no rent. What it still lacks it borrows from its owner as before (rule 4, up to
his limit): the lean-season advance reaches the village through the owner's jamadar, the
contractor who re-hires it (Srivastava 2005: advances through labour contractors tie seasonal
migrants). The other families stay at the kiln with no pay, as before.

In the first month after the monsoon (September) the migrants come back to the same kiln, and
the owner re-hires each with an advance: what it lacks to restock the savings the monsoon used
up (its buffer, ``savings_buffer_months`` of need), at most ``rehire_advance_weeks`` weeks of
its adults' expected pay (*assumption*; the Punjab 2016 ordinance's cap, 6 x one wage period's
wages, bounds the range) and within the owner's lending limit and what he can collect (rule 5b).
The advance is paid from the owner's cash into the family's savings and booked as debt
(``Ledger.advances``), like rule 8b's advance to a family returning to a kiln, without book
inflation. A family that went home with a
full buffer and no debt, or whose owner's limit is reached, gets none. Winter slowdowns and smog
closures (``extra_closure_months``) are as before: nobody leaves for them.

The functions take the model untyped (``model``, a ``BondsimModel``): the model imports this
module, and a typed import back would be a cycle.
"""

from __future__ import annotations

import numpy as np

from . import credit, debt, debt_ceiling
from .parameters import Params
from .state import KILN

WEEKS_PER_MONTH = 52.0 / 12.0


def draw_migrants(rng: np.random.Generator, n: int, params: Params) -> np.ndarray:
    """Which of ``n`` households are seasonal migrants (bool), one uniform draw each from the
    model's ``migrants`` stream, so that the draw changes no other random number."""
    return rng.random(n) < params.monsoon_migrant_share


def is_monsoon(cal_month: int, params: Params) -> bool:
    """Whether a calendar month is a monsoon closure (not a smog ban: those families sit out at
    the kiln, as before)."""
    return cal_month in params.closure_months


def leaving(migrant: np.ndarray, location: np.ndarray, away: np.ndarray) -> np.ndarray:
    """Families that go home in a monsoon month (bool): migrants living at a kiln who are not
    away yet (a migrant who came back to a kiln in mid-monsoon goes home the next month)."""
    return migrant & (location == KILN) & ~away


def away_income(adults: np.ndarray, params: Params) -> np.ndarray:
    """Rs a month a migrant family earns at home in the monsoon: adults x the casual daily
    wage x the days of work they find."""
    return adults * params.outside_daily_wage * params.monsoon_work_days


def rehire_advance(weekly_pay: np.ndarray, weeks: float, savings: np.ndarray,
                   buffer: np.ndarray, room: np.ndarray) -> np.ndarray:
    """The owner's re-hiring advance to returning migrants, Rs: what each lacks of its savings
    buffer, at most ``weeks`` of its adults' weekly pay and the owner's lending room. (A sum
    above the buffer would be repaid from savings in the same month by rule 4: the buffer is
    what an advance at re-hiring can do for a family.)"""
    lack = np.maximum(buffer - savings, 0.0)
    return np.minimum(np.minimum(lack, weeks * weekly_pay), room)


def monsoon(model, cal_month: int) -> None:  # noqa: ANN001 - avoids a cycle
    """Rule 1b for the month: in a monsoon month migrants at the kilns go home; in the first
    month after it those away come back to their kiln and are re-hired with an advance
    (``rehire_advance``, booked to the ledger and the owner's cash and record of advances)."""
    hh, p = model.hh, model.params
    if is_monsoon(cal_month, p):
        go = leaving(hh.migrant, hh.location, hh.away)
        hh.away[go] = True
        return
    if not hh.away.any():
        return
    back = np.flatnonzero(hh.away)
    hh.away[back] = False
    model.events["monsoon_returns"] += float(back.size)
    terms = model.terms
    adult_pay = terms.rate[back] * model._adult_open_bricks[back]
    limit = terms.limit_per_brick[back] * model._adult_open_bricks[back]
    # rule 5b: nor past what the owner can collect; a legal cap where one binds (as rule 4)
    np.minimum(limit, debt_ceiling.collectable_debt(
        adult_pay, terms.deduction_share[back], model._open_months / 12.0,
        p.debt_recovery_years, debt.markup_annual(p)), out=limit)
    np.minimum(limit, terms.debt_ceiling[back], out=limit)
    room = credit.advance_room(limit, hh.debt[back])
    weekly = adult_pay / WEEKS_PER_MONTH
    advance = rehire_advance(weekly, p.rehire_advance_weeks, hh.savings[back],
                             model._buffer[back], room)
    hh.debt[back] += advance
    hh.savings[back] += advance
    ow = model.ow
    lent = np.bincount(hh.kiln[back], weights=advance, minlength=ow.k)
    ow.cash -= lent
    ow.advances_ewm += lent / 12.0  # into the owner's record of advances (rule 9, 1/12 a month)
    total = float(advance.sum())
    model.ledger.advances += total
    model.events["rehire_advances"] += total
