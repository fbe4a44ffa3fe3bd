"""The staffing search against an exhaustive grid on the two-pool case of
tests/test_staffing_search.py, small enough to grid: both judge
staffings on the same replications, so they must agree on the cheapest; printed are the runs
and wall time of each, side by side, and their ratios.

    python experiments/search_vs_grid.py
"""

from __future__ import annotations

import itertools
import sys
import time
from pathlib import Path

from sim import SINGLE
from sim.domain.knobs import staffed_with
from sim.domain.targets import Targets
from sim.experiment.replications import replicate
from sim.experiment.staffing import judge, search

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from test_staffing_search import COSTS, TANDEM  # the test's two-pool case, measured here

TARGETS = Targets(within_days=0.25, share=0.9)
REPLICATIONS, CONFIRM = 3, 2


def main() -> None:
    t0 = time.perf_counter()
    found = search(TANDEM, SINGLE, TARGETS, COSTS, seed=1, replications=REPLICATIONS, confirm=CONFIRM)
    searched = time.perf_counter() - t0
    t0 = time.perf_counter()
    feasible = []
    grid = list(itertools.product(range(1, 5), range(3, 8)))
    for clerks, reviewers in grid:
        counts = {"office.clerks": clerks, "office.reviewers": reviewers}
        metrics = replicate(
            staffed_with(TANDEM, counts), SINGLE, 1, REPLICATIONS * CONFIRM, progress=False, targets=TARGETS
        ).metrics
        if all(c.met for c in judge(metrics, TARGETS)):
            feasible.append(
                (COSTS.of("office.clerks") * clerks + COSTS.of("office.reviewers") * reviewers, counts)
            )
    gridded = time.perf_counter() - t0
    cost, best = min(feasible, key=lambda f: f[0])
    grid_runs = len(grid) * REPLICATIONS * CONFIRM
    runs = len(found.trials)
    judged = f"{found.evaluations} staffings, {runs} runs"
    print(f"search: {found.staffing}, cost {found.cost:g}; {judged}, {searched:.1f} s")
    print(f"grid:   {best}, cost {cost:g}; {len(grid)} staffings, {grid_runs} runs, {gridded:.1f} s")
    print(
        f"ratio search / grid: runs {len(found.trials) / grid_runs:.2f}, wall time {searched / gridded:.2f}"
    )


if __name__ == "__main__":
    main()
