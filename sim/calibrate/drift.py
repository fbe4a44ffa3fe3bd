"""Whether an office's log spans two ways of working (concept drift): one stationary model
calibrated across them averages two regimes and fits neither.

The test follows the literature's (Bose et al., "Dealing with concept drifts in process mining",
IEEE TNNLS 2014; Maaradji et al., IEEE TKDE 2017): compare the process before and after each
candidate week, here by the mix of activities of the cases begun on either side (the total
variation distance between the two shares of events by activity), and take the week where they
differ most. The largest of many comparisons is large by chance too, so it is set beside the
noise floor: the same distance between two random halves of the cases. Drift is found when the
largest is at least ``DISTANCE`` and ``TIMES`` the floor (on BPI Challenge 2015's municipalities
2 to 5: 0.49 to 0.52 against 0.03 to 0.04; on the help desk 0.11 against 0.003, no drift said;
the help desk's share of each activity moves a little over its years).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

DISTANCE = 0.2
TIMES = 3.0
EDGE = 0.2  # candidate weeks leave at least this share of the cases' weeks on either side


@dataclass
class Drift:
    """``at``: the first day of the newer regime (None: too few weeks to tell); ``distance``
    between the two regimes' activity mixes; ``noise``: between random halves; ``only_before``,
    ``only_after``: activities seen on one side only; ``found``."""

    at: pd.Timestamp | None
    distance: float
    noise: float
    only_before: int
    only_after: int
    found: bool

    def sentence(self) -> str:
        if self.at is None:
            return "Too few weeks to tell whether the process changed"
        day = self.at.date().isoformat()
        if not self.found:
            return (
                f"No change of process found: the activity mix before and after {day} differs by "
                f"{self.distance:.2f} (total variation), random halves of the cases by {self.noise:.2f}"
            )
        return (
            f"The process changed around {day}: the activity mix of cases begun before and after "
            f"differs by {self.distance:.2f} (total variation; random halves of the cases: "
            f"{self.noise:.2f}), {self.only_before:,} activities occur only before and "
            f"{self.only_after:,} only after. One stationary model averages the two regimes; "
            f"calibrate on the current one with --since {day}"
        )


def find(steps: pd.DataFrame, seed: int = 0) -> Drift:
    """The week where the activity mix of ``steps`` (``case``, ``activity``, ``end``) changes most."""
    begun = steps.groupby("case")["end"].transform("min").dt.tz_localize(None)
    week = begun.dt.to_period("W")
    counts = pd.crosstab(week, steps["activity"])
    if len(counts) < 10:
        return Drift(None, 0.0, 0.0, 0, 0, False)
    c = counts.to_numpy(float)
    before, total = np.cumsum(c, axis=0), c.sum(axis=0)
    candidates = range(max(1, int(len(c) * EDGE)), min(len(c) - 1, int(len(c) * (1 - EDGE))) + 1)
    distances = [_tv(before[k - 1], total - before[k - 1]) for k in candidates]
    k = list(candidates)[int(np.argmax(distances))]
    distance = float(max(distances))
    a, b = before[k - 1], total - before[k - 1]
    cases = steps["case"].unique()
    half = np.random.default_rng(seed).permutation(len(cases))[: len(cases) // 2]
    inside = steps["case"].isin(cases[half]).to_numpy()
    shares = (
        steps.groupby([inside, steps["activity"].to_numpy()]).size().unstack(fill_value=0).to_numpy(float)
    )
    noise = _tv(shares[0], shares[-1]) if len(shares) == 2 else 0.0
    at = counts.index[k].start_time
    found = distance >= DISTANCE and distance >= TIMES * noise
    return Drift(at, distance, noise, int(((a > 0) & (b == 0)).sum()), int(((b > 0) & (a == 0)).sum()), found)


def _tv(a: np.ndarray, b: np.ndarray) -> float:
    return float(0.5 * np.abs(a / max(a.sum(), 1) - b / max(b.sum(), 1)).sum())
