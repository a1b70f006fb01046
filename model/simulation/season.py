"""Rule 1, the brick season: which months kilns mould, and how many bricks a family makes.

Kilns close for the monsoon (about July to early September) and, in some years, for smog
bans; in open months some days are lost to rain. A family's daily output is the sum of its
moulding adults' and working children's output (domain.md 1.3: about 1,000 bricks a day).
"""

from __future__ import annotations

import numpy as np

from .parameters import Params


def calendar_month(month: int, params: Params) -> int:
    """Calendar month (1-12) of simulation month ``month`` (month 1 is ``start_month``)."""
    return (params.start_month - 1 + month - 1) % 12 + 1


def is_open(cal_month: int, params: Params) -> bool:
    """Whether kilns mould in this calendar month."""
    return cal_month not in params.closure_months and cal_month not in params.extra_closure_months


def last_open_month(months: int, params: Params) -> int:
    """The latest simulation month up to ``months`` in which kilns mould (``months`` itself
    when none does): a survey visits working kilns, not ones shut for the monsoon, when pay,
    profit and children's work are nil and families may be away."""
    return next((m for m in range(months, 0, -1) if is_open(calendar_month(m, params), params)),
                months)


def production_days(cal_month: int, params: Params) -> float:
    """Moulding days in a calendar month: working days less rain losses, or 0 when closed."""
    if not is_open(cal_month, params):
        return 0.0
    return params.working_days_per_month * (1.0 - params.rain_loss_share)


def open_months_per_year(params: Params) -> int:
    """Months a year in which kilns mould, for expected annual earnings."""
    return sum(is_open(m, params) for m in range(1, 13))


def adult_bricks_per_day(adults: np.ndarray, params: Params) -> np.ndarray:
    """Raw bricks a family's moulding adults make per working day (float64)."""
    return adults * float(params.bricks_per_adult_day)


def bricks_per_day(adults: np.ndarray, work_10_14: np.ndarray, work_5_9: np.ndarray,
                   params: Params, adult_bricks: np.ndarray | None = None) -> np.ndarray:
    """Raw bricks a family moulds per working day (float64): adults' plus working children's.

    ``adult_bricks`` (from ``adult_bricks_per_day``) may be passed in when it is cached, since
    the number of moulding adults does not change over a run.
    """
    if adult_bricks is None:
        adult_bricks = adult_bricks_per_day(adults, params)
    out = work_10_14 * float(params.bricks_per_child_10_14_day)
    out += adult_bricks
    out += work_5_9 * float(params.bricks_per_child_5_9_day)
    return out
