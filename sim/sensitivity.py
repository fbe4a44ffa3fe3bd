"""Estimates as knobs: scale every estimated quantity of a scenario at once, so a one-at-a-time
sweep shows which conclusions hold whatever the estimate.

``estimates.review=1.5`` makes every item's review work 50 % longer; ``estimates.p_incomplete=0.5``
halves every rejection probability. Multipliers apply to all items alike.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

from sim.distributions import Dist
from sim.errors import ConfigError
from sim.scenario import Scenario

MAX_FACTOR = 100.0
MAX_P_INCOMPLETE = 0.95


@dataclass(kw_only=True)
class Estimates:
    """Multipliers of the scenario's estimated quantities (1 = as configured)."""

    intake: float = 1.0
    review: float = 1.0
    p_incomplete: float = 1.0
    prepare: float = 1.0
    pickup_delay: float = 1.0
    mail: float = 1.0


def _scaled(d: Dist | None, factor: float) -> Dist | None:
    if d is None or factor == 1:
        return d
    changes = {
        name: getattr(d, name) * factor
        for name in ("mean", "low", "mode", "high", "value")
        if getattr(d, name) is not None
    }
    if d.values is not None:
        changes["values"] = [v * factor for v in d.values]
    return replace(d, **changes)


def perturbed(scenario: Scenario, estimates: Estimates) -> Scenario:
    """``scenario`` with its estimated quantities multiplied (probabilities capped below one)."""
    for f in fields(estimates):
        value = getattr(estimates, f.name)
        if not 0 < value <= MAX_FACTOR:
            raise ConfigError(
                f"estimates.{f.name}", f"must be a multiplier > 0 and at most {MAX_FACTOR:g}, got {value}"
            )
    e = estimates
    if e == Estimates():
        return scenario
    items = {
        name: replace(
            item,
            intake=_scaled(item.intake, e.intake),
            review=_scaled(item.review, e.review),
            p_incomplete=min(item.p_incomplete * e.p_incomplete, MAX_P_INCOMPLETE),
            prepare=_scaled(item.prepare, e.prepare),
        )
        for name, item in scenario.items.items()
    }
    return replace(
        scenario,
        items=items,
        pickup_delay=_scaled(scenario.pickup_delay, e.pickup_delay),
        mail=_scaled(scenario.mail, e.mail),
    )
