"""Several replications of one configuration, with a progress bar and per-replication metrics."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from tqdm.auto import tqdm

from sim.design import Design
from sim.metrics import summarise
from sim.run import run
from sim.scenario import Scenario


@dataclass(frozen=True)
class Replicated:
    """The tables of R replications stacked (each row tagged with its replication), and
    ``metrics``: one row of run-level statistics per replication."""

    cases: pd.DataFrame
    steps: pd.DataFrame
    resources: pd.DataFrame
    decisions: pd.DataFrame
    metrics: pd.DataFrame


def replicate(
    scenario: Scenario,
    design: Design,
    seed: int,
    replications: int,
    *,
    record_steps: bool = False,
    progress: bool = True,
) -> Replicated:
    """Run replications 0..R-1 of ``seed``; replication r is the same in every design."""
    cases, steps, resources, decisions, rows = [], [], [], [], []
    label = f"{scenario.name} / {design.label}"
    for r in tqdm(range(replications), desc=label, unit="rep", disable=not progress, leave=False):
        result = run(scenario, design, seed, replication=r, record_steps=record_steps)
        cases.append(result.cases)
        steps.append(result.steps)
        resources.append(result.resources)
        decisions.append(result.decisions)
        utilisation = result.resources.set_index("resource")["utilisation"]
        rows.append(
            {
                k: result.info[k]
                for k in ("scenario", "design", "seed", "replication", "arrived", "open_at_end")
            }
            | summarise(result)
            | {f"utilisation:{name}": u for name, u in utilisation.items()}
        )
    return Replicated(
        cases=pd.concat(cases, ignore_index=True),
        steps=pd.concat(steps, ignore_index=True),
        resources=pd.concat(resources, ignore_index=True),
        decisions=pd.concat(decisions, ignore_index=True),
        metrics=pd.DataFrame(rows),
    )
