"""Exact order statistics, fast when the answer moves little from one month to the next.

Medians are the costliest outcomes: a full selection over 100,000 households takes longer than
most rules. ``WarmMedian`` predicts this month's answer from last month's and from the change
between the same calendar months a year earlier (debt follows the brick season), counts the
values below a narrow window around the prediction, and selects only among the few values
inside it. The window is three times last month's prediction error (at least ``min_width``);
a miss widens it fourfold and tries again, twice, before a full selection. The result is
always exactly ``np.median`` of the same values.
"""

from __future__ import annotations

from collections.abc import Hashable

import numpy as np


class WarmMedian:
    """The exact median of the ``count`` largest values of ``x`` (all non-negative here).

    Called as ``median(x, count, key)``: with ``count == x.size`` it is the plain median; with
    fewer, it is the median of the top ``count`` values, e.g. of the positive debts when the
    rest are zero, without copying them out. ``key`` is the season (calendar month): the guess
    is last month's answer times the change seen between the same two months a year earlier.
    """

    def __init__(self, width: float = 0.05, min_width: float = 0.002) -> None:
        self.last: float | None = None
        self.last_key: Hashable = None
        self.by_key: dict[Hashable, float] = {}
        self.width = width
        self.min_width = min_width

    def guess(self, key: Hashable) -> float | None:
        """Last month's answer, moved by last year's change between the same two months."""
        if self.last is None:
            return None
        then, before = self.by_key.get(key), self.by_key.get(self.last_key)
        if then is not None and before and key != self.last_key:
            return self.last * then / before
        return self.last

    def __call__(self, x: np.ndarray, count: int | None = None,
                 key: Hashable = None) -> float:
        n = x.size
        count = n if count is None else count
        if count <= 0:
            return float("nan")
        k1 = n - count + (count - 1) // 2   # order statistics of the median within x
        k2 = n - count + count // 2
        guess = self.guess(key)
        width = self.width
        value = None
        if guess is not None and guess > 0.0:
            for _ in range(3):  # a miss widens the window fourfold, up to twice
                value = self._in_window(x, k1, k2, guess, width)
                if value is not None:
                    break
                width = min(width * 4.0, 0.5)
        if value is None:
            part = np.partition(x, (k1, k2))
            value = 0.5 * (float(part[k1]) + float(part[k2]))
        if guess is not None and guess > 0.0:  # next window: three times this month's error
            self.width = min(max(3.0 * abs(value / guess - 1.0), self.min_width), 0.5)
        self.last, self.last_key = value, key
        self.by_key[key] = value
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
