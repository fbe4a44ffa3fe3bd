"""Discrete-event simulation of government service processes, single-item vs bundled.

Plain Python entry point (no Hydra needed)::

    import sim
    scenario = sim.load_scenario("small_restaurant")
    result = sim.run(scenario, sim.load_design("bundled"), seed=1)
    result.cases.lead_time.mean()
"""

from sim.domain.design import BUNDLED, SINGLE, Checklist, Delivery, Design, Routing, Window
from sim.domain.distributions import Dist, DistKind
from sim.domain.errors import ConfigError
from sim.domain.scenario import Department, Inspection, Item, OneStop, Scenario
from sim.experiment.loading import load_design, load_scenario
from sim.run import RunResult, run

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
    "load_design",
    "load_scenario",
    "run",
]
