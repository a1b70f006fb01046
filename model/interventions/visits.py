"""How many kilns a visiting intervention (labour or wage inspections) visits each month.

Effort is a rate, ``inspections_per_kiln_year`` (visits per kiln a year), so that the same
campaign is the same intensity whatever the population: a district's visits a month are
rate x its kilns / 12. Whole visits are made; the fraction left over is carried to the next
month in a per-district accumulator that starts at half a visit, so the count to any month is
the rate's rounded to the nearest visit, with no random draw (a count of 17 a month at 286
kilns and the rate 0.713 make the same 17 visits a month for 73 months). A district never
gets more visits in a month than it has kilns (the excess is dropped, not carried). The
absolute alternative, ``inspections_per_district`` (visits a month in each district, whatever
its size), stays for files that give it; a file gives one or the other.
Source of the rate: Punjab's 2016-18 push, 15,813 inspections of 9,288 kilns in about 2.3
years, about 0.7 a kiln-year (domain.md 1.10).
"""

from __future__ import annotations

from typing import Any, Self

import numpy as np
from pydantic import model_validator

from .base import InterventionSpec

RATE = "inspections_per_kiln_year"
COUNT = "inspections_per_district"
#: a field and the other way to give the same effort: setting one drops the other
ALTERNATIVES = {RATE: COUNT, COUNT: RATE}
#: Punjab's 2016-18 push: 15,813 inspections of 9,288 kilns in about 2.3 years
PUSH_RATE = 0.7
RATE_SOURCE = ("[derived] Punjab police: 15,813 inspections of 9,288 kilns, 2016 to April "
               "2018 (about 2.3 years), about 0.7 a kiln-year [@nation-2018-police]")
_EPS = 1e-9  # a sum of twelfths that should be whole is a visit, not 0.999... of one


class VisitSpec(InterventionSpec):
    """Fields of an intervention that visits kilns: a rate per kiln-year (``RATE``) or a
    count per district-month (``COUNT``), exactly one of them; without either, the rate's
    default. A spec that gives the count has no rate (None), and the reverse."""

    @model_validator(mode="after")
    def _one_effort(self) -> Self:
        given = [name for name in (RATE, COUNT)
                 if name in self.model_fields_set and getattr(self, name) is not None]
        if len(given) == 2:
            # read after "expected" in a scenario file's error (``scenario.format_errors``)
            raise ValueError(f"{RATE} (visits per kiln a year, scaled to each district's "
                             f"kilns) or {COUNT} (visits a month in each district), not "
                             f"both: got {RATE} = {getattr(self, RATE)!r} and "
                             f"{COUNT} = {getattr(self, COUNT)!r}")
        if given == [COUNT]:
            self.__dict__[RATE] = None
        else:
            self.__dict__[COUNT] = None
            if getattr(self, RATE) is None:
                self.__dict__[RATE] = type(self).model_fields[RATE].get_default()
        return self


def visits_over(spec: VisitSpec, kilns: int, months: int) -> float:
    """Visits to a district of ``kilns`` kilns over ``months`` months of acting, as
    ``VisitCounter`` makes them (when the budget pays; the rate's count rounded): for
    budgeting (``bondsim.experiments.absorb``)."""
    count = getattr(spec, COUNT)
    if count is not None:
        return float(min(count, kilns) * months)
    monthly = min(getattr(spec, RATE) * kilns / 12.0, float(kilns))
    return float(np.floor(monthly * months + 0.5 + _EPS))


def capped(item: dict[str, Any], capacity: float, kilns: int) -> tuple[dict[str, Any], str]:
    """A plan's ``inspections`` entry for one district, its visits capped at the district's
    capacity (visits a month): a count above it becomes the capacity, a rate above
    capacity x 12 / kilns becomes that rate, and an entry with neither visits at capacity.
    Returns the entry and what was asked ('' when within the capacity)."""
    out = dict(item)
    top = 12.0 * capacity / kilns
    if out.get(COUNT) is not None:
        asked = out[COUNT]
        out[COUNT] = min(asked, capacity)
        return out, (f"{asked} a month" if asked > capacity else "")
    asked = out.get(RATE)
    out[RATE] = top if asked is None else min(asked, top)
    return out, (f"{asked:g} visits a kiln-year, {asked * kilns / 12:.1f} a month"
                 if asked is not None and asked > top else "")


def choose_kilns(rng: np.random.Generator, district_first: np.ndarray,
                 district_kilns: np.ndarray, due: np.ndarray,
                 weights: np.ndarray | None = None) -> np.ndarray:
    """The kilns visited this month: in each district its ``due`` visits, drawn without
    replacement, uniformly or in proportion to ``weights`` (one per kiln; only kilns of
    positive weight can be drawn, so a district may get fewer). A district with no visit
    draws nothing from ``rng``."""
    chosen = []
    for first, count, take in zip(district_first, district_kilns, due, strict=True):
        count, take = int(count), int(take)
        p = None
        if weights is not None:
            w = weights[first:first + count]
            nonzero = int(np.count_nonzero(w))
            take = min(take, nonzero)
            p = w / w.sum() if nonzero else None
        if take:
            chosen.append(first + rng.choice(count, size=take, replace=False, p=p))
    return np.concatenate(chosen) if chosen else np.zeros(0, dtype=np.intp)


class VisitCounter:
    """Each district's whole visits this month from a spec's effort, carrying the fraction."""

    def __init__(self) -> None:
        self.owed: np.ndarray | None = None  # visits due but not yet made, per district

    def take(self, spec: VisitSpec, district_kilns: np.ndarray) -> np.ndarray:
        """Visits per district this month (at most its kilns); call once a month it acts."""
        kilns = np.asarray(district_kilns, dtype=np.int64)
        count = getattr(spec, COUNT)
        if count is not None:
            return np.minimum(count, kilns)
        if self.owed is None:  # half a visit: the count to date is the rate's, rounded
            self.owed = np.full(kilns.size, 0.5)
        self.owed += getattr(spec, RATE) * kilns / 12.0
        whole = np.floor(self.owed + _EPS)
        self.owed = np.maximum(self.owed - whole, 0.0)
        return np.minimum(whole.astype(np.int64), kilns)
