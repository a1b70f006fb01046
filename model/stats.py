"""Exact order statistics, fast when the answer moves little from one month to the next.

Medians are the costliest outcomes: a full selection over 100,000 households takes longer than
most rules. ``WarmMedian`` remembers last month's answer, counts the values below a window
around it, and selects only among the few values inside the window; if the answer lies
outside the window it falls back to a full selection and widens the window, and after a hit
it narrows the window again. The result is
always exactly ``np.median`` of the same values.
"""

from __future__ import annotations

import numpy as np


class WarmMedian:
    """The exact median of the ``count`` largest values of ``x`` (all non-negative here).

    Called as ``median(x, count)``: with ``count == x.size`` it is the plain median; with
    fewer, it is the median of the top ``count`` values, e.g. of the positive debts when the
    rest are zero, without copying them out.
    """

    def __init__(self, width: float = 0.05, min_width: float = 0.005) -> None:
        self.guess: float | None = None
        self.width = width
        self.min_width = min_width

    def __call__(self, x: np.ndarray, count: int | None = None) -> float:
        n = x.size
        count = n if count is None else count
        if count <= 0:
            return float("nan")
        k1 = n - count + (count - 1) // 2   # order statistics of the median within x
        k2 = n - count + count // 2
        if self.guess is not None and self.guess > 0.0:
            lo, hi = self.guess * (1.0 - self.width), self.guess * (1.0 + self.width)
            below = int(np.count_nonzero(x < lo))
            inside = x[(x >= lo) & (x <= hi)]
            if below <= k1 and k2 < below + inside.size:
                part = np.partition(inside, (k1 - below, k2 - below))
                value = 0.5 * (float(part[k1 - below]) + float(part[k2 - below]))
                self.guess = value
                self.width = max(self.width * 0.8, self.min_width)  # a hit: try narrower
                return value
            self.width = min(self.width * 2.0, 0.5)  # a miss: widen for next time
        part = np.partition(x, (k1, k2))
        value = 0.5 * (float(part[k1]) + float(part[k2]))
        self.guess = value
        return value
