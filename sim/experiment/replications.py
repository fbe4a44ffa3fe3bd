"""Several replications of one configuration, with progress and per-replication metrics."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields

import pandas as pd

from sim.domain.design import Design
from sim.domain.scenario import Scenario
from sim.domain.targets import Targets
from sim.experiment.metrics import summarise
from sim.experiment.progress import Report, as_report, silent
from sim.run import RunResult, run


@dataclass(frozen=True)
class Replicated:
    """The tables of R replications stacked by name (``cases``, ``steps``, ``requests``... as in
    ``RunResult``, each row tagged with its replication), and ``metrics``: one row of run-level
    statistics per replication."""

    tables: dict[str, pd.DataFrame]
    metrics: pd.DataFrame


TABLES = tuple(f.name for f in fields(RunResult) if f.name != "info")


def replicate(
    scenario: Scenario,
    design: Design,
    seed: int,
    replications: int,
    *,
    record_steps: bool | float = False,
    progress: bool | Report = True,
    targets: Targets | None = None,
    first: int = 0,
    log: Callable[[pd.DataFrame], None] | None = None,
) -> Replicated:
    """Run replications ``first`` .. ``first`` + R - 1 of ``seed``; replication r is the same in
    every design and in every job that runs it. With
    ``targets``, each replication's metrics hold the measures they are judged by. ``progress``:
    a bar here (true), nothing (false), or a report called as each replication goes (its share
    of the horizon simulated) and after it. ``log``: where the event log goes as it is written
    (``sim.run.run``), instead of into ``tables["steps"]``."""
    stacks: dict[str, list[pd.DataFrame]] = {name: [] for name in TABLES}
    rows = []
    report = as_report(progress, f"{scenario.name} / {design.label}")
    for r in range(first, first + replications):
        result = run(
            scenario,
            design,
            seed,
            replication=r,
            record_steps=record_steps,
            log=log,
            progress=_within(report, r - first, replications),
        )
        for name, stack in stacks.items():
            stack.append(getattr(result, name))
        utilisation = result.resources.set_index("resource")["utilisation"]
        rows.append(
            {
                k: result.info[k]
                for k in ("scenario", "design", "seed", "replication", "arrived", "open_at_end")
            }
            | summarise(result, targets)
            | {f"utilisation:{name}": u for name, u in utilisation.items()}
        )
        report(r - first + 1, replications)
    return Replicated(
        tables={name: pd.concat(stack, ignore_index=True) for name, stack in stacks.items()},
        metrics=pd.DataFrame(rows),
    )


def _within(report: Report, done: int, replications: int) -> Callable[[float], None] | None:
    """Replication ``done`` + 1's share simulated, told to ``report`` as replications done (a
    district-year's one replication takes minutes); none when nothing is shown."""
    if report is silent:
        return None
    return lambda share: report(done + share, replications)
