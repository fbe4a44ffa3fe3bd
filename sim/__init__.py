"""Discrete-event simulation of government service processes, single-item vs bundled.

Plain Python entry point (no Hydra needed)::

    from sim import run, SINGLE, BUNDLED
    result = run(scenario, BUNDLED, seed=1)
    result.cases.lead_time.mean()
"""

from sim.design import BUNDLED, SINGLE, Checklist, Delivery, Design, Routing, Window
from sim.distributions import Dist, DistKind
from sim.errors import ConfigError
from sim.run import RunResult, run
from sim.scenario import Department, Inspection, Item, OneStop, Scenario

__all__ = [
    "BUNDLED",
    "SINGLE",
    "Checklist",
    "ConfigError",
    "Delivery",
    "Department",
    "Design",
    "Dist",
    "DistKind",
    "Inspection",
    "Item",
    "OneStop",
    "Routing",
    "RunResult",
    "Scenario",
    "Window",
    "run",
]
