"""Random streams: one numpy Generator per random process, all derived from the run's seed.

Each process (shocks, shock costs, mobility, ...) draws from its own stream, keyed by the
process name rather than by the order streams were created. Switching a policy on therefore
never changes who falls ill or who is bought by another kiln: paired runs with the same seed
share their random numbers (common random numbers), so a difference between scenarios is the
policy's effect and not noise.
"""

from __future__ import annotations

import zlib

import numpy as np


def stream_key(name: str) -> int:
    """A stable 32-bit key for a stream name (independent of Python's hash seed)."""
    return zlib.crc32(name.encode("utf-8"))


class Streams:
    """Lazily created, named random streams for one run."""

    def __init__(self, seed: int) -> None:
        self.seed = int(seed)
        self._streams: dict[str, np.random.Generator] = {}

    def __getitem__(self, name: str) -> np.random.Generator:
        gen = self._streams.get(name)
        if gen is None:
            seq = np.random.SeedSequence(entropy=self.seed, spawn_key=(stream_key(name),))
            gen = self._streams[name] = np.random.Generator(np.random.PCG64(seq))
        return gen


def sparse_bernoulli(rng: np.random.Generator, n: int,
                     p: float) -> tuple[np.ndarray, np.ndarray]:
    """Which of ``n`` households an event of probability ``p`` hits this month, drawn sparsely.

    Returns the households hit (ascending) and, for each, a uniform number in ``[0, p)`` that
    can split the event into kinds (e.g. illness, funeral, marriage). The gaps between hit
    households are geometric, which is exactly one Bernoulli(``p``) trial per household, at a
    cost proportional to the number hit rather than to ``n``. The draws depend only on ``n``
    and ``p``, so scenarios with the same seed share them (common random numbers).
    """
    if p <= 0.0 or n == 0:
        return np.zeros(0, dtype=np.intp), np.zeros(0)
    if p >= 1.0:
        return np.arange(n, dtype=np.intp), rng.random(n) * p
    chunk = int(n * p + 6.0 * np.sqrt(n * p) + 16.0)
    # a gap longer than n lands past the last household whatever its length: capping it there
    # keeps the sums from overflowing when p is tiny, without changing who is hit
    gaps = [np.minimum(rng.geometric(p, chunk), n + 1)]
    total = int(gaps[0].sum())
    while total < n:  # rarely: the first chunk did not reach past the last household
        gaps.append(np.minimum(rng.geometric(p, chunk), n + 1))
        total += int(gaps[-1].sum())
    position = np.cumsum(np.concatenate(gaps)) - 1
    index = position[position < n].astype(np.intp)
    return index, rng.random(index.size) * p
