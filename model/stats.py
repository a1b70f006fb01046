"""Exact order statistics, fast when the answer moves little from one month to the next.

Medians are the costliest outcomes: a full selection over 100,000 households takes longer than
most rules. ``WarmMedian`` remembers earlier answers by a key (the calendar month, since debt
follows the brick season), counts the values below a narrow window around the remembered
answer, and selects only among the few values inside it. The window is sized from how far the
answer moved last time (three times that distance, at least ``min_width``); a miss widens it
fourfold and tries again, twice, before a full selection. The result is always exactly
``np.median`` of the same values.
"""

from __future__ import annotations

from collections.abc import Hashable

import numpy as np


class WarmMedian:
    """The exact median of the ``count`` largest values of ``x`` (all non-negative here).

    Called as ``median(x, count, key)``: with ``count == x.size`` it is the plain median; with
    fewer, it is the median of the top ``count`` values, e.g. of the positive debts when the
    rest are zero, without copying them out. ``key`` (e.g. the calendar month) picks which
    remembered answer to start from; without one, the last answer is used.
    """

    def __init__(self, width: float = 0.05, min_width: float = 0.002) -> None:
        self.last: tuple[float, float] | None = None
        self.by_key: dict[Hashable, tuple[float, float]] = {}  # key -> (answer, width)
        self.width = width
        self.min_width = min_width

    def __call__(self, x: np.ndarray, count: int | None = None,
                 key: Hashable = None) -> float:
        n = x.size
        count = n if count is None else count
        if count <= 0:
            return float("nan")
        k1 = n - count + (count - 1) // 2   # order statistics of the median within x
        k2 = n - count + count // 2
        guess, width = self.by_key.get(key) or self.last or (0.0, self.width)
        value = None
        if guess > 0.0:
            for _ in range(3):  # a miss widens the window fourfold, up to twice
                value = self._in_window(x, k1, k2, guess, width)
                if value is not None:
                    break
                width = min(width * 4.0, 0.5)
        if value is None:
            part = np.partition(x, (k1, k2))
            value = 0.5 * (float(part[k1]) + float(part[k2]))
        moved = abs(value / guess - 1.0) if guess > 0.0 else self.width
        self.last = self.by_key[key] = (value, min(max(3.0 * moved, self.min_width), 0.5))
        return value

    @staticmethod
    def _in_window(x: np.ndarray, k1: int, k2: int, guess: float,
                   width: float) -> float | None:
        lo, hi = guess * (1.0 - width), guess * (1.0 + width)
        below = int(np.count_nonzero(x < lo))
        if below > k1:
            return None
        inside = x[(x >= lo) & (x <= hi)]
        if k2 >= below + inside.size:
            return None
        part = np.partition(inside, (k1 - below, k2 - below))
        return 0.5 * (float(part[k1 - below]) + float(part[k2 - below]))
