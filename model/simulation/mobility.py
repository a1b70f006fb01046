"""Rule 8, mobility: debt transfers between kilns, and families leaving once debt-free.

Another owner may buy an indebted family: it pays the current owner the recorded debt plus a
premium, and the family now owes the new owner that larger sum (domain.md 1.7: "the
outstanding peshgi amount ... plus a minimum amount"). Mobility therefore does not end bondage.
A debt-free family may leave for another kiln. A move needs a free place at a kiln in the same
district; moves that find none do not happen this month.
"""

from __future__ import annotations

import numpy as np


def candidates(u: np.ndarray, debt: np.ndarray, transfer_rate: float,
               exit_rate: float) -> tuple[np.ndarray, np.ndarray]:
    """Households that try to move: indebted ones bought at ``transfer_rate``, debt-free ones
    leaving at ``exit_rate``, given one uniform number ``u`` per household (the dense form of
    the model's sparse draw followed by ``select_movers``)."""
    index = np.flatnonzero(u < max(transfer_rate, exit_rate))
    return select_movers(index, u[index], debt, transfer_rate, exit_rate)


def select_movers(index: np.ndarray, v: np.ndarray, debt: np.ndarray, transfer_rate: float,
                  exit_rate: float) -> tuple[np.ndarray, np.ndarray]:
    """Of the households ``index`` whose uniform draws ``v`` fell below the larger rate, those
    that move: ``v`` below the rate that applies to them. Returns them and whether each is a
    debt transfer (indebted) rather than a debt-free exit."""
    indebted = debt[index] > 0.0
    keep = np.where(indebted, v < transfer_rate, v < exit_rate)
    return index[keep], indebted[keep]


def pick_destinations(district: np.ndarray, v: np.ndarray, district_first: np.ndarray,
                      district_kilns: np.ndarray) -> np.ndarray:
    """A uniformly random kiln in each mover's district (kilns are numbered by district)."""
    kilns = district_kilns[district]
    offset = np.minimum((v * kilns).astype(np.intp), kilns - 1)
    return district_first[district] + offset


def accept(origin: np.ndarray, dest: np.ndarray, spare: np.ndarray) -> np.ndarray:
    """Accept moves in order while the destination has a free place; never to the same kiln."""
    ok = dest != origin
    order = np.argsort(dest, kind="stable")
    d_sorted = dest[order]
    ok_sorted = ok[order]
    # rank of each mover among the accepted-so-far movers to the same kiln
    csum = np.cumsum(ok_sorted)
    first = np.searchsorted(d_sorted, d_sorted, side="left")
    before = csum - ok_sorted - np.where(first > 0, csum[first - 1], 0)
    ok_sorted &= before < spare[d_sorted]
    result = np.empty_like(ok)
    result[order] = ok_sorted
    return result
