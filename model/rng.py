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
