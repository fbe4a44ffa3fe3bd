"""Uncertainty from the estimates: how far a reform's reductions move over the ranges of the
inputs tagged E, apart from simulation noise (``+experiment=uncertainty``).

Each estimate multiplier (``sim.domain.knobs.Estimates``) gets a range, low to high, taken in
log space (a multiplier of 0.5 is as far from 1 as 2). The study draws one design of points
over the ranges and runs it in ``jobs`` jobs, each a contiguous block of its points, every
point under every design of ``designs`` on the same replications (common random numbers), so a
point's reduction is a paired difference. Two methods, the sampling and the statistics SALib's
(Herman & Usher, 2017):

- ``morris`` screens every estimate: ``trajectories`` paths through a grid of ``levels``
  levels, each changing one estimate at a time (Morris, 1991; mu*, Campolongo et al., 2007);
  its mu* says which estimates move a conclusion, cheaply (k + 1 points a path).
- ``sobol`` apportions the variance of a reduction among the few that matter (``vary``, as
  Morris ranked them): Saltelli's design of ``samples`` x (k + 2) points, first-order and total
  indices (Saltelli et al., 2010), each with its bootstrap interval.

The spread of the reductions over every point is the band a headline figure carries beside
its interval from simulation noise.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.domain.design import PRESETS
from sim.domain.knobs import Estimates, estimated
from sim.domain.loads import offered_loads
from sim.domain.provenance import Tag
from sim.domain.scenario import Scenario
from sim.experiment.metrics import summarise
from sim.experiment.progress import Report, as_report
from sim.run import run

METHODS = ("morris", "sobol")
# A point whose design finishes fewer of its cases, or offers a pool its staffed hours or more,
# is an overloaded office: counted and said, and left out of the statistics.
FINISHED = 0.99


def inert(scenario: Scenario, ranges: dict[str, list[float]]) -> list[str]:
    """The estimates of ``ranges`` that multiply nothing in ``scenario`` (no channel filing
    online, no item decided by rules): varying them would spend points on a reduction that
    cannot move, so the study leaves them out and says so."""
    changed = {name: estimated(scenario, Estimates(**{name: high})) for name, (_, high) in ranges.items()}
    return [name for name, here in changed.items() if here == scenario]


def held(scenario: Scenario) -> list[str]:
    """The inputs ``scenario`` tags as estimates that no estimate multiplies (staff counts, the
    decision a staffing search makes; calendars, checklists and other structure): the study
    holds them at their configured values, and the report names them."""
    return [
        key for key, source in scenario.provenance.items() if source.tag is Tag.E and source.varied_by is None
    ]


def problem(ranges: dict[str, list[float]]) -> dict:
    """SALib's description of the estimates' ranges, in log space."""
    return {
        "num_vars": len(ranges),
        "names": list(ranges),
        "bounds": [[float(np.log(low)), float(np.log(high))] for low, high in ranges.values()],
    }


def sample(settings: dict, seed: int) -> np.ndarray:
    """The study's whole design, a row of multipliers per point: ``trajectories`` x (k + 1)
    points (Morris) or ``samples`` x (k + 2) (Sobol, first-order and total indices)."""
    # here, not at the top: SALib brings scipy.stats and scipy.spatial (0.7 s), which every
    # process that reads a config would pay (the command, each worker) and only a study uses
    from SALib.sample import morris, sobol

    p = problem(settings["ranges"])
    if settings["method"] == "morris":
        return np.exp(morris.sample(p, N=settings["trajectories"], num_levels=settings["levels"], seed=seed))
    return np.exp(sobol.sample(p, settings["samples"], calc_second_order=False, seed=seed))


def points_in(settings: dict) -> int:
    """How many points the study's design has: ``trajectories`` x (k + 1) (Morris) or
    ``samples`` x (k + 2) (Sobol), k the estimates varied."""
    k = len(settings["ranges"])
    if settings["method"] == "morris":
        return settings["trajectories"] * (k + 1)
    return settings["samples"] * (k + 2)


def block(points: int, jobs: int, job: int) -> range:
    """Job ``job``'s points of ``points``, split into ``jobs`` contiguous blocks of near-equal size."""
    edges = np.linspace(0, points, jobs + 1).round().astype(int)
    return range(edges[job], edges[job + 1])


def run_points(
    scenario: Scenario,
    settings: dict,
    seed: int,
    job: int,
    replications: int,
    *,
    progress: bool | Report = False,
) -> pd.DataFrame:
    """Job ``job``'s points under every design, on replications 0 .. ``replications`` - 1: a row
    per point, design and replication, with the point's multipliers, its Morris trajectory and
    the estimate it changed from the point before (Morris only), the design's busiest pool and
    its offered load, and the run's metrics (``summarise``)."""
    names, designs = list(settings["ranges"]), settings["designs"]
    whole = sample(settings, seed)
    mine = block(len(whole), settings["jobs"], job)
    report = as_report(progress, f"points {mine.start} to {mine.stop - 1}")
    total, rows = len(mine) * len(designs) * replications, []
    for p in mine:
        x = whole[p]
        place = {"point": p}
        if settings["method"] == "morris":
            trajectory, step = divmod(p, len(names) + 1)
            moved = "" if step == 0 else names[int(np.flatnonzero(x != whole[p - 1])[0])]
            place |= {"trajectory": trajectory, "changed": moved}
        multipliers = dict(zip(names, x.tolist(), strict=True))
        here = estimated(scenario, Estimates(**multipliers))
        busiest = {}
        for design in designs:
            loads = offered_loads(here, PRESETS[design])
            pool = max(loads, key=loads.get, default="")
            busiest[design] = {"busiest_pool": pool, "busiest_load": loads.get(pool, 0.0)}
        # A point some design offers a pool its staffed hours or more is left out of every
        # statistic: its runs, queues growing without end, would cost the most and tell nothing.
        runs = all(b["busiest_load"] < 1 for b in busiest.values())
        for design in designs:
            for r in range(replications):
                ran = run(here, PRESETS[design], seed, replication=r, record_steps=False) if runs else None
                rows.append(
                    place
                    | {"design": design, "replication": r}
                    | multipliers
                    | busiest[design]
                    | (summarise(ran) if ran is not None else {})
                )
                report(len(rows), total)
    return pd.DataFrame(rows)
