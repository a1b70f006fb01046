"""Exact order statistics, fast when the answer moves little from one month to the next.

Medians are the costliest outcomes: a full selection over 100,000 households takes longer than
most rules. ``WarmMedian`` remembers earlier answers (by season, since debt follows the
brick season), counts the values below a window around the remembered answer, and selects
only among the few values inside the window. If the answer lies outside the window it falls
back to a wider window, then to a full selection; after a hit it narrows the window again. The
result is always exactly ``np.median`` of the same values.
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

    def __init__(self, width: float = 0.05, min_width: float = 0.005) -> None:
        self.last: float | None = None
        self.by_key: dict[Hashable, float] = {}
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
        guess = self.by_key.get(key, self.last)
        value = None
        if guess is not None and guess > 0.0:
            for _ in range(3):  # a miss widens the window fourfold, up to twice
                value = self._in_window(x, k1, k2, guess)
                if value is not None:
                    break
        if value is None:
            part = np.partition(x, (k1, k2))
            value = 0.5 * (float(part[k1]) + float(part[k2]))
        self.last = self.by_key[key] = value
        return value

    def _in_window(self, x: np.ndarray, k1: int, k2: int, guess: float) -> float | None:
        lo, hi = guess * (1.0 - self.width), guess * (1.0 + self.width)
        below = int(np.count_nonzero(x < lo))
        inside = x[(x >= lo) & (x <= hi)]
        if below <= k1 and k2 < below + inside.size:
            part = np.partition(inside, (k1 - below, k2 - below))
            self.width = max(self.width * 0.8, self.min_width)  # a hit: try narrower
            return 0.5 * (float(part[k1 - below]) + float(part[k2 - below]))
        self.width = min(self.width * 4.0, 0.5)  # a miss: widen
        return None
