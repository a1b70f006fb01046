"""Releases from bondage, where released families go, and their return to the kilns (rule 8b).

Every route that frees a bonded family (labour inspections, a District Vigilance Committee's
hearing, a court's habeas corpus order) calls ``release_families``: the debt is extinguished
(BLSA 1992 s.6, through ``BondsimModel.write_off``), the family is marked released, the release
is counted by route, and the family chooses where to go (``settle``). It does not stay with the
owner who held it: it goes to another kiln debt-free, to casual work in town, or home to the
village, whichever it expects to leave it the most cash each month (``destination_values``).

Off the kilns a family earns a daily wage on some days of the month (``off_kiln_income``),
pays rent in town, cannot borrow from an owner and is counted at no kiln. When its need goes
unmet (after savings, social-protection cash and any outside lender) it goes back to a kiln
with a free place in its district and takes the new owner's advance for what it lacked
(``return_to_kilns``): it is tied again. Relapse is not a parameter: it follows from where the
family went, what it earns there and the shocks it meets. Sources: domain.md 1.11 (BLLF:
"most of the released families settled in the near vicinities of brick kilns"; release
without rehabilitation "a temporary relief"), 1.3 (casual wage), 1.13 (relapse brackets, to
compare with, not to set).

The functions take the model untyped (``model``, a ``BondsimModel``): the model imports this
module, and a typed import back would be a cycle.
"""

from __future__ import annotations

import numpy as np

from . import mobility, season
from .parameters import Params
from .state import COLONY, HOME, KILN, TOWN

#: the routes by which a family is released, each counted in the events as released_by_<route>
ROUTES = ("inspection", "conviction", "committee", "court")
#: routes that free a held family without a police visit: owners cannot weigh them through the
#: chance of a visit, so they learn their rate apart (rule 9)
NO_VISIT = ("committee", "court")
#: the destinations a released family weighs, in the order of ``destination_values``' columns
CHOICES = (KILN, TOWN, HOME)


def off_kiln_days(params: Params) -> np.ndarray:
    """Paid days a month for an adult at each location code (a kiln pays by the brick: 0)."""
    days = np.zeros(4)
    days[TOWN] = days[COLONY] = params.outside_work_days
    days[HOME] = params.home_work_days
    return days


def off_kiln_income(adults: np.ndarray, location: np.ndarray, params: Params) -> np.ndarray:
    """Rs a month a family earns off the kilns: adults x daily wage x paid days where it
    lives (0 at a kiln, where rule 2 pays it by the brick)."""
    return adults * params.outside_daily_wage * off_kiln_days(params)[location]


def rent(location: np.ndarray, params: Params) -> np.ndarray:
    """Rs a month of rent: only a family in town pays (kiln housing, the village home and a
    rehabilitation colony cost nothing)."""
    return np.where(location == TOWN, params.town_rent, 0.0)


def destination_values(kiln_pay: np.ndarray, adults: np.ndarray,
                       params: Params) -> np.ndarray:
    """What a released family expects to have each month at each destination (columns in
    ``CHOICES`` order: another kiln, town, home), income less rent, Rs a month.

    ``kiln_pay`` is its pay at the other kiln's rate averaged over the year (closed months
    pay nothing); off the kilns it is the adults' daily wage on the days they find work. Need
    and any outside income (e.g. after training) are the same everywhere, so they drop out of
    the comparison."""
    location = np.array(CHOICES)
    income = np.stack([kiln_pay, *(off_kiln_income(adults, np.full(adults.shape, c), params)
                                   for c in CHOICES[1:])], axis=1)
    return income - rent(location, params)[None, :]


def choose(values: np.ndarray, kiln_place: np.ndarray) -> np.ndarray:
    """The family's choice: the destination with the most cash a month (``values``, columns
    in ``CHOICES`` order), another kiln only where it has a free place; ties go to the first
    (a kiln, then town). Returns location codes."""
    values = values.copy()
    values[~kiln_place, 0] = -np.inf
    return np.asarray(CHOICES, dtype=np.int8)[np.argmax(values, axis=1)]


def other_kiln(district: np.ndarray, origin: np.ndarray, v: np.ndarray,
               district_first: np.ndarray, district_kilns: np.ndarray) -> np.ndarray:
    """A uniformly random kiln in each family's district other than ``origin``, given one
    uniform number ``v`` each; -1 where the district has no other kiln."""
    count = district_kilns[district]
    offset = np.minimum((v * (count - 1)).astype(np.intp), np.maximum(count - 2, 0))
    dest = district_first[district] + offset
    dest += dest >= origin  # skip the kiln it was held at
    return np.where(count > 1, dest, -1)


def kiln_pay(model, households: np.ndarray,  # noqa: ANN001 - avoids a cycle
             kilns: np.ndarray) -> np.ndarray:
    """Each family's expected pay at kiln ``kilns`` (-1: none, pay 0), Rs a month averaged
    over the year: its bricks a day x moulding days of an open month x that kiln's rate as
    households see it x open months / 12."""
    hh, p = model.hh, model.params
    bricks = season.bricks_per_day(hh.adults[households], hh.work_10_14[households],
                                   hh.work_5_9[households], p)
    rate = model.terms.by_kiln("rate")[np.maximum(kilns, 0)]
    return np.where(kilns >= 0,
                    bricks * model._days_open * rate * model._open_months / 12.0, 0.0)


def settle(model, households: np.ndarray) -> np.ndarray:  # noqa: ANN001 - avoids a cycle
    """Released families choose where to go and go there (another kiln if it has a place,
    else the better of town and home). Returns their new location codes."""
    hh, ow, p = model.hh, model.ow, model.params
    index = households
    v = model.streams["release"].random(index.size)
    origin = hh.kiln[index]
    candidate = other_kiln(hh.district[index], origin, v, model.district_first,
                           model.district_kilns)
    values = destination_values(kiln_pay(model, index, candidate), hh.adults[index], p)
    where = choose(values, candidate >= 0)
    wants_kiln = where == KILN
    placed = np.zeros(index.size, dtype=bool)
    placed[wants_kiln] = mobility.accept(origin[wants_kiln], candidate[wants_kiln],
                                         ow.capacity - ow.occupants)
    where[wants_kiln & ~placed] = choose(values[wants_kiln & ~placed],
                                         np.zeros(int((wants_kiln & ~placed).sum()), bool))
    model.move_households(index[placed], candidate[placed])
    off = where != KILN
    model.leave_kilns(index[off], where[off])
    model.events["released_off_kilns"] += float(np.count_nonzero(off))
    return where


def release_families(model, households: np.ndarray,  # noqa: ANN001 - avoids a cycle
                     route: str) -> np.ndarray:
    """Release ``households`` (distinct indices or a mask) by ``route`` (one of ``ROUTES``):
    extinguish their debts (BLSA 1992 s.6), mark them released this month, count them, and
    let each choose where to go (``settle``). Every route calls this one function. Returns the
    households released."""
    if route not in ROUTES:
        raise ValueError(f"unknown release route {route!r}; expected one of {ROUTES}")
    hh = model.hh
    index = model._distinct(households)
    model.write_off(index)
    hh.released[index] = True
    hh.released_month[index] = model.steps
    hh.bonded[index] = False
    hh.away[index] = False  # a migrant home for the monsoon is released where it is
    model.events["households_released"] += float(index.size)
    model.events[f"released_by_{route}"] += float(index.size)
    if route in NO_VISIT and index.size:
        model.saw_releases(index)  # owners learn what these routes free (rule 9)
    if index.size:
        settle(model, index)
    return index


def return_to_kilns(model) -> int:  # noqa: ANN001 - avoids a cycle
    """Rule 8b: off-kiln families whose need went unmet this month go back to a uniformly
    random kiln of their district that has a free place (else they stay off this month), and
    the new owner advances what they lacked, up to his lending limit: the advance is booked as
    debt (``Ledger.advances``), paid from the owner's cash into the family's savings. Returns
    how many returned."""
    hh, ow, led = model.hh, model.ow, model.ledger
    off = np.flatnonzero((hh.location != KILN) & (hh.unmet_need > 0.0))
    if off.size == 0:
        return 0
    v = model.streams["returns"].random(off.size)
    dest = mobility.pick_destinations(hh.district[off], v, model.district_first,
                                      model.district_kilns)
    ok = mobility.accept(np.full(off.size, -1), dest, ow.capacity - ow.occupants)
    index, dest = off[ok], dest[ok]
    model.move_households(index, dest)
    limit = model.terms.by_kiln("limit_per_brick")[dest] * model._adult_open_bricks[index]
    limit = np.minimum(limit, model.terms.by_kiln("debt_ceiling")[dest])
    advance = np.minimum(hh.unmet_need[index], np.maximum(limit - hh.debt[index], 0.0))
    hh.debt[index] += advance
    hh.savings[index] += advance
    lent = np.bincount(dest, weights=advance, minlength=ow.k)
    ow.cash -= lent
    ow.advances_ewm += lent / 12.0  # into the owner's record of advances (rule 9, 1/12 a month)
    led.advances += float(advance.sum())
    model.events["returns_to_kiln"] += float(index.size)
    return int(index.size)
