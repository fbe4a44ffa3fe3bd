"""What a planner describes: departments and their staff, items, needs and demand.

These dataclasses are also the Hydra schema (``sim.config``), so a typo in a key or a wrong
type is caught while the config is composed; ``sim.validate`` then checks what types cannot
(unknown names, probabilities, cycles). Treat instances as values: build variants with
``dataclasses.replace`` rather than mutating a shared one. All times are in hours, all
rates per hour.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from sim.calendar import Calendar
from sim.distributions import Dist


@dataclass(kw_only=True)
class Department:
    """A department's staff: window clerks (intake), reviewers (back office), inspectors."""

    clerks: int = 1
    reviewers: int = 1
    inspectors: int = 0


@dataclass(kw_only=True)
class Inspection:
    """A site inspection that follows review with some probability."""

    probability: float
    duration: Dist


@dataclass(kw_only=True)
class Item:
    """One permit or service (事项), owned by a department.

    ``p_incomplete`` is the chance that one submission of the dossier is rejected at intake;
    the applicant then spends ``prepare`` fixing it and comes back. ``prerequisites`` are
    items whose output this one needs; when they are not part of the same need, the applicant
    is taken to hold their output already. ``review`` empty means the item is decided at the
    window; ``pickup`` false means the result is handed over electronically.
    """

    department: str
    documents: list[str] = field(default_factory=list)
    intake: Dist
    review: Dist | None = None
    p_incomplete: float = 0.0
    prepare: Dist | None = None
    prerequisites: list[str] = field(default_factory=list)
    produces: str | None = None
    inspection: Inspection | None = None
    limit_days: float | None = None
    pickup: bool = True


class AtClosing(Enum):
    """What happens to applicants still queueing at a window when it closes."""

    serve = "serve"  # they keep their place; service resumes at the next opening
    send_home = "send_home"  # they leave (a lost trip) and come back at the next opening


@dataclass(kw_only=True)
class Hours:
    """Which calendar (by name, from ``calendars``) each group of staff keeps; empty: 24/7."""

    windows: str | None = None
    back_office: str | None = None


@dataclass(kw_only=True)
class Profile:
    """Arrival-rate multipliers: by hour of the day (24 values, 0 = midnight to 1 am) and by
    weekday (7 values, Monday first). The rates in ``demand`` are multiplied by both."""

    hour_of_day: list[float] = field(default_factory=lambda: [1.0] * 24)
    day_of_week: list[float] = field(default_factory=lambda: [1.0] * 7)


@dataclass(kw_only=True)
class ChannelMix:
    """How a need's applicants come (shares summing to 1): in person; online (一网通办: no trips,
    results by post or electronically); or through an enterprise service specialist (企服专员),
    who makes the trips for them."""

    in_person: float = 1.0
    online: float = 0.0
    specialist: float = 0.0


@dataclass(kw_only=True)
class Specialists:
    """The pool of enterprise service specialists; a specialist is taken for each visit to a window."""

    staff: int = 0


@dataclass(kw_only=True)
class OneStop:
    """The one-stop window (综合窗口) shared by all departments in the bundled design."""

    clerks: int = 1


@dataclass(kw_only=True)
class Scenario:
    """A service centre: its catalogue, staff and demand, and how long to simulate it.

    Time 0 is midnight at the start of ``start_date``. With ``hours`` naming calendars,
    applicants visit windows only while they are open, in-person arrivals come only then
    (rates are per open hour, shaped by ``demand_profile``), and work pauses while closed.
    ``shifts`` change a staff pool's count at clock times every day, e.g.
    ``{"market.clerks": {"09:00": 3, "13:30": 5}}``.
    ``mail`` is how long a mailed result takes to arrive; ``pickup_delay`` how long an
    applicant takes to come for a result once told it is ready (each drawn once per case;
    empty means at once).
    Arrivals of each need are Poisson at ``demand[need]`` per hour until ``horizon``; cases
    still open then may finish during ``drain`` more hours. Statistics cut the first
    ``warmup`` hours in analysis, not in the model.
    """

    name: str
    documents: dict[str, str] = field(default_factory=dict)
    departments: dict[str, Department] = field(default_factory=dict)
    items: dict[str, Item] = field(default_factory=dict)
    needs: dict[str, list[str]] = field(default_factory=dict)
    demand: dict[str, float] = field(default_factory=dict)
    one_stop: OneStop = field(default_factory=OneStop)
    mail: Dist | None = None
    pickup_delay: Dist | None = None
    start_date: str = "2024-01-01"
    calendars: dict[str, Calendar] = field(default_factory=dict)
    hours: Hours = field(default_factory=Hours)
    at_closing: AtClosing = AtClosing.serve
    demand_profile: Profile | None = None
    shifts: dict[str, dict[str, int]] = field(default_factory=dict)
    channels: dict[str, ChannelMix] = field(default_factory=dict)
    specialists: Specialists = field(default_factory=Specialists)
    horizon: float
    warmup: float = 0.0
    drain: float = 0.0


def prerequisites(scenario: Scenario, item: str) -> list[str]:
    """Items whose output ``item`` needs: those it names, and the producers of its documents."""
    named = scenario.items[item].prerequisites
    producers = [
        name
        for name, other in scenario.items.items()
        if other.produces is not None and other.produces in scenario.items[item].documents
    ]
    return list(dict.fromkeys([*named, *producers]))


def need_order(scenario: Scenario, need: str) -> list[str]:
    """The need's items in an order that respects prerequisites, else the need's own order.

    Prerequisites outside the need are ignored: the applicant already holds their output.
    """
    members = scenario.needs[need]
    placed: list[str] = []
    remaining = list(members)
    while remaining:
        for name in remaining:
            if all(p in placed or p not in members for p in prerequisites(scenario, name)):
                placed.append(name)
                remaining.remove(name)
                break
        else:  # pragma: no cover - validate() rejects cycles first
            raise ValueError(f"prerequisite cycle among {remaining}")
    return placed
