"""Lever orderings for a Shapley attribution: one job runs one antithetic pair of orderings.

A lever's Shapley value is its marginal effect averaged over every order in which the levers
could be switched on, from a start design to a target. With twenty levers every order (or
every subset) is out of reach, so orderings are sampled, in antithetic pairs (an ordering and
its reverse: a lever early in one is late in the other, which cancels much of the sampling
error). Ordering k runs the designs met along it, each on the same replications, so every
step is paired on common random numbers. Pair j uses its own replications (``j * R`` to
``j * R + R - 1``): pairs are independent units, and the spread of their estimates is the
sampling error, of the orderings and of the applicants together.
"""

from __future__ import annotations

from dataclasses import fields, replace

import numpy as np
import pandas as pd

from sim.domain.design import Design
from sim.domain.loads import offered_loads
from sim.domain.scenario import Scenario
from sim.experiment.metrics import summarise
from sim.experiment.progress import Report, as_report
from sim.run import run

# Keeps the orderings' stream apart from any simulation stream drawn from the same seed.
ORDERINGS_STREAM = 0x5A4E
# A design along an ordering that finishes fewer of its cases, or offers a pool its staffed
# hours or more, measures a broken office, not a lever: its ordering is flagged.
FINISHED = 0.99


def levers_between(scenario: Scenario, start: Design, target: Design) -> list[str]:
    """The levers that differ between the two designs, in the design's field order, less those
    that cannot act on ``scenario``: which channels are offered, where nobody takes one up (a
    lever that never acts has a Shapley value of exactly zero, so leaving it out loses nothing),
    and joint site visits, where no step is booked ahead."""
    inert = set() if scenario.channels else {"online", "specialists"}
    if not any(step.booking for item in scenario.items.values() for step in item.steps):
        inert.add("site_visits")
    return [
        f.name
        for f in fields(Design)
        if getattr(start, f.name) != getattr(target, f.name) and f.name not in inert
    ]


def ordering(levers: list[str], seed: int, k: int) -> list[str]:
    """Ordering ``k`` of ``levers``: pair ``k // 2`` draws a permutation, its odd member reverses it."""
    rng = np.random.default_rng([seed, ORDERINGS_STREAM, k // 2])
    order = [levers[i] for i in rng.permutation(len(levers))]
    return order[::-1] if k % 2 else order


def flagged(rows: pd.DataFrame) -> pd.DataFrame:
    """The orderings that pass through a broken office: per ordering, the first design along
    it that finishes fewer than ``FINISHED`` of its cases (in any replication) or offers a pool
    its staffed hours or more, with the lever that made it, the share finished and the pool."""
    # a sweep run before the loads were recorded is judged on its cases alone
    rows = rows.assign(busiest_pool=rows.get("busiest_pool", ""), busiest_load=rows.get("busiest_load", 0.0))
    broken = rows[(rows["finished_share"] < FINISHED) | (rows["busiest_load"] >= 1)]
    if broken.empty:
        return pd.DataFrame(columns=["ordering", "pair", "position", "lever", "finished", "pool", "load"])
    first = broken.sort_values(["ordering", "position"]).groupby("ordering", as_index=False).first()
    worst = broken.groupby(["ordering", "position"])["finished_share"].min()
    return pd.DataFrame(
        {
            "ordering": first["ordering"],
            "pair": first["pair"],
            "position": first["position"],
            "lever": first["lever"],
            "finished": [worst[k, p] for k, p in zip(first["ordering"], first["position"], strict=True)],
            "pool": first["busiest_pool"],
            "load": first["busiest_load"],
        }
    )


def path(start: Design, target: Design, order: list[str]) -> list[Design]:
    """The designs met switching ``order``'s levers from ``start`` to ``target`` one by one."""
    designs = [start]
    for lever in order:
        designs.append(replace(designs[-1], **{lever: getattr(target, lever)}))
    return designs


def run_pair(
    scenario: Scenario,
    start: Design,
    target: Design,
    seed: int,
    pair: int,
    replications: int,
    *,
    progress: bool | Report = False,
) -> pd.DataFrame:
    """Every design along the two orderings of ``pair``, on the pair's replications: one row
    per ordering, design and replication, its metrics as ``sim.experiment.metrics.summarise``
    gives them, and the design's busiest pool with its offered load (the two ends are run once
    per ordering: each ordering stands alone)."""
    levers = levers_between(scenario, start, target)
    first = pair * replications
    rows = []
    steps = [
        (k, position, lever, design)
        for k in (2 * pair, 2 * pair + 1)
        for order in [ordering(levers, seed, k)]
        for position, (lever, design) in enumerate(zip(["", *order], path(start, target, order), strict=True))
    ]
    report = as_report(progress, f"pair {pair}")
    for k, position, lever, design in steps:
        loads = offered_loads(scenario, design)
        busiest = max(loads, key=loads.get, default="")
        for r in range(first, first + replications):
            result = run(scenario, design, seed, replication=r, record_steps=False)
            rows.append(
                {
                    "ordering": k,
                    "pair": pair,
                    "position": position,
                    "lever": lever,
                    "design": design.label,
                    "replication": r,
                    "busiest_pool": busiest,
                    "busiest_load": loads.get(busiest, 0.0),
                }
                | summarise(result)
            )
            report(len(rows), len(steps) * replications)
    return pd.DataFrame(rows)
