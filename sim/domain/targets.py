"""Service targets a planner sets, and what a staff pool costs.

A target is met when the conservative end of its 95 % interval across replications is on the
right side: the share of applicants within ``within_days`` working days (of ``need``, or of
all) at least ``share``; the P90 lead time at most ``p90_days``; the share of decisions within
their statutory limits at least ``on_time_share``; the share of requests closed by the end at
least ``requests_closed_share``. Any combination; none set means no target.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields

from sim.domain.errors import ConfigError
from sim.domain.loads import used_pools
from sim.domain.names import known
from sim.domain.scenario import Scenario
from sim.domain.value import Value


@dataclass(kw_only=True)
class Targets(Value):
    within_days: float | None = None
    share: float | None = None
    need: str | None = None
    p90_days: float | None = None
    on_time_share: float | None = None
    requests_closed_share: float | None = None

    def __post_init__(self) -> None:
        if (self.within_days is None) != (self.share is None):
            raise ConfigError("targets.share", "set within_days and share together (e.g. 90 % within 5 days)")
        for name in ("within_days", "p90_days"):
            value = getattr(self, name)
            if value is not None and not (math.isfinite(value) and value > 0):
                raise ConfigError(f"targets.{name}", f"must be a number of working days > 0, got {value}")
        for name in ("share", "on_time_share", "requests_closed_share"):
            value = getattr(self, name)
            if value is not None and not 0 < value <= 1:
                raise ConfigError(f"targets.{name}", f"must be a share in (0, 1], got {value}")

    @property
    def any(self) -> bool:
        return any(getattr(self, f.name) is not None for f in fields(self) if f.name != "need")

    def check(self, scenario: Scenario) -> None:
        """Refuse a target ``scenario`` cannot measure: it would be judged infeasible forever."""
        s = scenario
        if self.need is not None and self.need not in s.demand:
            raise ConfigError("targets.need", f"no applicant comes with need '{self.need}'{known(s.demand)}")
        if (self.within_days is not None or self.p90_days is not None) and not s.demand:
            raise ConfigError("targets.within_days", f"scenario {s.name} has no applicants to time")
        if self.on_time_share is not None and not any(
            s.items[i].limit_days is not None for need in s.demand for i in s.needs[need]
        ):
            raise ConfigError(
                "targets.on_time_share", f"no item scenario {s.name} serves has a statutory limit"
            )
        if self.requests_closed_share is not None and not s.requests.classes:
            raise ConfigError("targets.requests_closed_share", f"scenario {s.name} has no requests")


@dataclass(kw_only=True)
class Costs(Value):
    """Cost of one person per pool (``<department>.<role>``, ``one_stop.clerks``,
    ``specialists``) over the run; a pool not listed costs ``default`` (1: cost is headcount).
    ``applicant_hour`` prices an hour of an applicant's lead time in the same unit, so that a
    staffing search weighs staff against the applicants' time (0: staff alone)."""

    default: float = 1.0
    pools: dict[str, float] = field(default_factory=dict)
    applicant_hour: float = 0.0

    def __post_init__(self) -> None:
        for key, value in [("default", self.default), *((f"pools.{p}", c) for p, c in self.pools.items())]:
            if not (math.isfinite(value) and value > 0):
                raise ConfigError(f"costs.{key}", f"must be a cost > 0, got {value}")
        if not (math.isfinite(self.applicant_hour) and self.applicant_hour >= 0):
            raise ConfigError("costs.applicant_hour", f"must be a cost >= 0, got {self.applicant_hour}")

    def of(self, pool: str) -> float:
        return self.pools.get(pool, self.default)

    def check(self, scenario: Scenario) -> None:
        """Refuse a priced pool the scenario has not got (a misspelling would cost ``default``)."""
        pools = used_pools(scenario)
        for pool in self.pools:
            if pool not in pools:
                raise ConfigError(
                    f"costs.pools.{pool}", f"no such staff pool in {scenario.name}{known(pools)}"
                )
