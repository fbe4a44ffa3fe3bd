"""Knobs that turn the scenario as written into the scenario that runs, each in one number.

- ``staffing.scale=x`` multiplies every staff pool at once: "what if every office had 20 %
  fewer or more people?" (single pools are still set with ``scenario.departments.<d>.<pool>``).
- ``estimates.<quantity>=x`` multiplies every estimated quantity of one kind at once, so a
  one-at-a-time sweep shows which conclusions hold whatever the estimate: ``estimates.review=1.5``
  makes every item's review work (every back-office step's) 50 % longer,
  ``estimates.p_incomplete=0.5`` halves every rejection probability.

Each knob checks its own range when it is made; ``applied`` makes the running scenario in one
step, which checks it as every scenario is checked when made.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, fields, replace

from sim.domain.distributions import Dist
from sim.domain.errors import ConfigError
from sim.domain.scenario import ChannelMix, Scenario
from sim.domain.value import Value

MAX_SCALE = 10_000.0  # a city's district is about 200x the district scenario; staff stay under MAX_STAFF
MAX_FACTOR = 100.0
MAX_P_INCOMPLETE = 0.95
MAX_BACKGROUND = 0.95  # a multiplied background share stays below the whole of a pool's hours
# Factors and shares that are at most one whatever the multiplier: the one-time notice's factor
# on rejections, the share of fields a single form saves, the share of commitments found false.
MAX_SHARE = 1.0


@dataclass(kw_only=True)
class Staffing(Value):
    """Every staff count times ``scale`` (clerks, reviewers, inspectors, leaders, specialists,
    coordinators; not the meeting's seats), rounded half up, and never below one for a pool
    that had staff: 2 clerks x 1.2 stay 2."""

    scale: float = 1.0

    def __post_init__(self) -> None:
        if not (0 < self.scale <= MAX_SCALE):
            raise ConfigError(
                "staffing.scale", f"must be a number > 0 and at most {MAX_SCALE:g}, got {self.scale}"
            )

    def times(self, n: int) -> int:
        return max(1, math.floor(n * self.scale + 0.5)) if n > 0 else 0


# Each estimate's range (multipliers of the configured value) for the uncertainty study: E, like
# the estimates. The first eleven are the one-at-a-time study's low and high cases
# (configs/sensitivity/); the demand's level is a busy year's +25 % and a quiet one's -20 %, its
# mix a half more or a third less of the bundles; the others as wide as their own estimates are
# loose (a share doubled or halved).
RANGES = {
    "intake": [0.5, 1.5],
    "review": [0.5, 1.5],
    "p_incomplete": [0.5, 1.5],
    "prepare": [0.5, 2.0],
    "pickup_delay": [0.25, 2.0],
    "mail": [0.25, 3.0],
    "background": [0.5, 1.2],
    "booking": [0.5, 2.0],
    "notice_factor": [0.5, 1.5],
    "one_form_share": [0.5, 1.5],
    "p_false": [0.5, 4.0],
    "demand": [0.8, 1.25],
    "bundle_demand": [0.67, 1.5],
    "limits": [0.5, 1.5],
    "online": [0.5, 2.0],
    "away": [0.5, 2.0],
    "automatable": [0.5, 1.5],
    "proactive": [0.5, 1.5],
}


@dataclass(kw_only=True)
class Estimates(Value):
    """Multipliers of the scenario's estimated quantities (1 = as configured). ``demand``: every
    arrival rate (the needs' and the requests'); ``bundle_demand``: the rates of needs of two or
    more items alone (the mix towards bundles); ``limits``: every statutory and committed limit;
    ``online``: each need's share of applicants filing online (taken from those coming in
    person); ``away``: the share of applicants away from their competent centre;
    ``automatable`` and ``proactive``: the items' shares decided by rules and served unasked."""

    intake: float = 1.0
    review: float = 1.0
    p_incomplete: float = 1.0
    prepare: float = 1.0
    pickup_delay: float = 1.0
    mail: float = 1.0
    background: float = 1.0
    booking: float = 1.0
    notice_factor: float = 1.0
    one_form_share: float = 1.0
    p_false: float = 1.0
    demand: float = 1.0
    bundle_demand: float = 1.0
    limits: float = 1.0
    online: float = 1.0
    away: float = 1.0
    automatable: float = 1.0
    proactive: float = 1.0

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if not 0 < value <= MAX_FACTOR:
                raise ConfigError(
                    f"estimates.{f.name}", f"must be a multiplier > 0 and at most {MAX_FACTOR:g}, got {value}"
                )


def applied(scenario: Scenario, staffing: Staffing, estimates: Estimates) -> Scenario:
    """The scenario that runs: ``scenario`` at its ``size``, then with both knobs turned, one
    after the other (all change departments), itself when all are 1."""
    if scenario.size != 1:
        scenario = _sized(scenario)
    if staffing.scale != 1:
        scenario = replace(scenario, **_staffed(scenario, staffing.times))
    return estimated(scenario, estimates)


def estimated(scenario: Scenario, estimates: Estimates) -> Scenario:
    """``scenario`` with its estimated quantities multiplied (itself when all are 1): what a
    point of the uncertainty study runs."""
    if estimates == Estimates():
        return scenario
    return replace(scenario, **_estimated(scenario, estimates))


def staffed_with(scenario: Scenario, counts: dict[str, int]) -> Scenario:
    """``scenario`` with the headcounts ``counts`` (``<department>.<role>``, ``one_stop.clerks``,
    ``specialists``, ``coordinators``), the other pools as they are."""
    departments = dict(scenario.departments)
    changes: dict = {}
    for pool, n in counts.items():
        if pool == "specialists":
            changes["specialists"] = replace(scenario.specialists, staff=n)
        elif pool == "coordinators":
            changes["requests"] = replace(scenario.requests, coordinators=n)
        elif pool == "one_stop.clerks":
            changes["one_stop"] = replace(scenario.one_stop, clerks=n)
        else:
            group, role = pool.split(".")
            departments[group] = replace(departments[group], **{role: n})
    return replace(scenario, departments=departments, **changes)


def _sized(s: Scenario) -> Scenario:
    """``size`` copies of ``s`` as one office: every arrival rate times ``size``; staff, the files
    a batch releases at once and the requests a meeting hears, as ``staffing.scale`` would make
    staff (a committee of a bigger office hears more files a sitting, or its queue would grow
    without end)."""
    times = Staffing(scale=s.size).times
    grown = _staffed(s, times)
    classes = {name: replace(c, rate=c.rate * s.size) for name, c in s.requests.classes.items()}
    meeting = replace(s.requests.meeting, capacity=times(s.requests.meeting.capacity))
    grown["requests"] = replace(grown["requests"], classes=classes, meeting=meeting)
    items = {
        name: replace(
            item,
            steps=[
                replace(step, batch=replace(step.batch, capacity=times(step.batch.capacity)))
                if step.batch is not None and step.batch.capacity is not None
                else step
                for step in item.steps
            ],
        )
        for name, item in s.items.items()
    }
    demand = {need: rate * s.size for need, rate in s.demand.items()}
    return replace(s, size=1.0, demand=demand, items=items, **grown)


def _staffed(s: Scenario, times: Callable[[int], int]) -> dict:
    departments = {
        name: replace(
            d,
            clerks=times(d.clerks),
            reviewers=times(d.reviewers),
            inspectors=times(d.inspectors),
            leaders=times(d.leaders),
        )
        for name, d in s.departments.items()
    }
    return {
        "departments": departments,
        "one_stop": replace(s.one_stop, clerks=times(s.one_stop.clerks)),
        "shifts": {pool: {clock: times(n) for clock, n in shift.items()} for pool, shift in s.shifts.items()},
        "specialists": replace(s.specialists, staff=times(s.specialists.staff)),
        "requests": replace(s.requests, coordinators=times(s.requests.coordinators)),
    }


def _estimated(s: Scenario, e: Estimates) -> dict:
    """Estimated quantities multiplied; probabilities, factors and shares capped (below one)."""
    items = {
        name: replace(
            item,
            intake=_scaled(item.intake, e.intake),
            review=_scaled(item.review, e.review),
            steps=[
                replace(step, work=_scaled(step.work, e.review), booking=_scaled(step.booking, e.booking))
                for step in item.steps
            ],
            p_incomplete=min(item.p_incomplete * e.p_incomplete, MAX_P_INCOMPLETE),
            prepare=_scaled(item.prepare, e.prepare),
            notice_factor=min(item.notice_factor * e.notice_factor, MAX_SHARE),
            commitment=item.commitment
            and replace(item.commitment, p_false=min(item.commitment.p_false * e.p_false, MAX_SHARE)),
            limit_days=_times(item.limit_days, e.limits),
            committed_days=_times(item.committed_days, e.limits),
            automatable=min(item.automatable * e.automatable, MAX_SHARE),
            proactive=min(item.proactive * e.proactive, MAX_SHARE),
        )
        for name, item in s.items.items()
    }
    demand = {
        need: rate * e.demand * (e.bundle_demand if len(s.needs[need]) > 1 else 1.0)
        for need, rate in s.demand.items()
    }
    classes = {name: replace(c, rate=c.rate * e.demand) for name, c in s.requests.classes.items()}
    channels = {need: _online(mix, e.online) for need, mix in s.channels.items()}
    departments = {
        name: replace(
            d, background={pool: min(b * e.background, MAX_BACKGROUND) for pool, b in d.background.items()}
        )
        for name, d in s.departments.items()
    }
    return {
        "items": items,
        "departments": departments,
        "pickup_delay": _scaled(s.pickup_delay, e.pickup_delay),
        "mail": _scaled(s.mail, e.mail),
        "one_form_share": min(s.one_form_share * e.one_form_share, MAX_SHARE),
        "demand": demand,
        "requests": replace(s.requests, classes=classes),
        "channels": channels,
        "bundle_limits": {need: days * e.limits for need, days in s.bundle_limits.items()},
        "away": replace(s.away, share=min(s.away.share * e.away, MAX_SHARE)),
    }


def _times(value: float | None, factor: float) -> float | None:
    return None if value is None else value * factor


def _online(mix: ChannelMix, factor: float) -> ChannelMix:
    """``mix`` with its online share times ``factor``, taken from (or given back to) those coming
    in person, at most all of them."""
    online = min(mix.online * factor, mix.online + mix.in_person)
    return replace(mix, online=online, in_person=mix.in_person + mix.online - online)


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
