"""Staffing as one knob: scale every staff pool of a scenario at once.

A planner sweeping ``staffing.scale=0.8,1.0,1.2`` asks "what if every office had 20 % fewer
or more people?"; single pools are still set with ``scenario.departments.<d>.<pool>``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from sim.errors import ConfigError
from sim.scenario import Scenario


@dataclass(kw_only=True)
class Staffing:
    scale: float = 1.0


def scaled(scenario: Scenario, scale: float) -> Scenario:
    """``scenario`` with every staff count times ``scale`` (clerks, reviewers, inspectors,
    specialists, coordinators; not the meeting's seats), rounded, and never below one for a
    pool that had staff. Small pools move in whole people: 2 clerks x 1.2 stay 2."""
    if not (0 < scale <= 100):
        raise ConfigError("staffing.scale", f"must be a number > 0 and at most 100, got {scale}")
    if scale == 1:
        return scenario

    def times(n: int) -> int:
        return max(1, math.floor(n * scale + 0.5)) if n > 0 else 0  # halves round up

    departments = {
        name: replace(d, clerks=times(d.clerks), reviewers=times(d.reviewers), inspectors=times(d.inspectors))
        for name, d in scenario.departments.items()
    }
    one_stop = replace(scenario.one_stop, clerks=times(scenario.one_stop.clerks))
    shifts = {
        pool: {clock: times(n) for clock, n in changes.items()} for pool, changes in scenario.shifts.items()
    }
    specialists = replace(scenario.specialists, staff=times(scenario.specialists.staff))
    requests = replace(scenario.requests, coordinators=times(scenario.requests.coordinators))
    return replace(
        scenario,
        departments=departments,
        one_stop=one_stop,
        shifts=shifts,
        specialists=specialists,
        requests=requests,
    )
