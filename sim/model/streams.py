"""Named random streams from one seed, one per purpose, for common random numbers.

Each purpose (``"arrivals"``, ``"intake/business_licence"``...) gets its own numpy
Generator, derived from the run's seed and a stable hash of the purpose's name. Adding an
item or drawing more in one design therefore never shifts the draws of another purpose,
and two designs run with the same seed meet the same applicants with the same work.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterator
from itertools import chain, repeat

import numpy as np

from sim.domain.distributions import Dist, block_draw

BLOCK = 1024


class Streams:
    """The streams of replication ``replication`` of experiment seed ``seed``.

    Replications of one seed are spawned children of it, so they never overlap, however many
    are run, and replication r is the same whatever the number of replications.
    """

    def __init__(self, seed: int, replication: int = 0) -> None:
        if seed < 0 or replication < 0:
            raise ValueError(f"seed and replication must be >= 0, got {seed}, {replication}")
        self.seed = seed
        self.replication = replication

    def generator(self, purpose: str) -> np.random.Generator:
        """The Generator for ``purpose``: the same for the same seed and name, in any run."""
        key = zlib.crc32(purpose.encode("utf-8"))
        sequence = np.random.SeedSequence(self.seed, spawn_key=(self.replication, key))
        return np.random.Generator(np.random.PCG64(sequence))

    def sampler(self, purpose: str, dist: Dist) -> Callable[[], float]:
        """A zero-argument function returning the next draw of ``dist`` on its own stream."""
        return _buffered(block_draw(dist, self.generator(purpose))).__next__

    def uniform(self, purpose: str) -> Callable[[], float]:
        """The next U(0, 1) draw on the stream for ``purpose``."""
        rng = self.generator(purpose)
        return _buffered(rng.random).__next__


def _buffered(draw: Callable[[int], np.ndarray]) -> Iterator[float]:
    """The draws one by one, drawn BLOCK at a time: a draw is the C-level step of a list's
    iterator inside ``chain``; Python runs only once a block."""
    return chain.from_iterable(draw(BLOCK).tolist() for _ in repeat(None))
