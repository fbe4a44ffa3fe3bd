"""The enterprise request service (诉求办理) a scenario may hold: request classes and their path
through the front, middle and back tiers, the joint meeting, the overdue report and how
satisfaction is scored. The model is ``sim.model.tiers``."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING

from sim.domain import bounds, distributions
from sim.domain.bounds import MAX_HOURS, MAX_STAFF
from sim.domain.calendars import parse_clock
from sim.domain.distributions import Dist
from sim.domain.errors import ConfigError
from sim.domain.names import check_names, known
from sim.domain.value import Value

if TYPE_CHECKING:
    from sim.domain.scenario import Scenario


@dataclass(kw_only=True)
class RequestClass(Value):
    """A kind of enterprise request (诉求) and its path through the front, middle and back tiers.

    A specialist (front tier) takes each request up with ``visits`` trips to the firm and
    ``front`` hours of work, and settles a share ``p_front`` there. A coordinator (middle tier)
    analyses the rest for ``analysis`` hours and dispatches a supervision order (督办单) to
    ``involved`` of the ``departments`` (drawn at random; all when empty), which work ``work``
    hours each, in parallel, by a deadline ``deadline_days`` working days away. A request goes
    to the joint meeting (back tier) when a part misses its deadline, or, for a share
    ``p_unsettled``, when the departments' work alone cannot settle it. ``urgent`` requests go
    from the front straight to the meeting, which dispatches them ahead of all other work.
    Arrivals are Poisson at ``rate`` per hour, shaped like the permit demand.

    A hard request (``policy`` set) needs a policy or planning change (land use, zoning, a
    higher level's approval) that no department's work can give: the middle tier analyses it
    and puts it before the joint meeting, which takes it up; the change then takes ``policy``
    hours on the clock (months), and the request closes resolved; a share ``p_unresolved`` is
    closed unresolved at the hearing instead (the firm told why it cannot be done).
    """

    rate: float
    visits: int = 1
    front: Dist
    p_front: float = 0.0
    analysis: Dist | None = None
    departments: list[str] = field(default_factory=list)
    involved: int | None = None
    work: Dist | None = None
    deadline_days: float = 10.0
    p_unsettled: float = 0.0
    urgent: bool = False
    policy: Dist | None = None
    p_unresolved: float = 0.0


@dataclass(kw_only=True)
class Meeting(Value):
    """The leaders' joint meeting (联席会): sits every ``every_days`` days at ``at`` o'clock from
    day ``first_day`` (0 = ``start_date``) and hears at most ``capacity`` requests per sitting,
    urgent ones first, then the longest waiting."""

    every_days: float = 7.0
    first_day: int = 0
    at: str = "15:00"
    capacity: int = 10


class OverdueEffect(Enum):
    """What listing a department's overdue parts in the overdue report does."""

    none = "none"  # the list is published, nothing else changes
    priority = "priority"  # listed parts move to the front of their department's queue


@dataclass(kw_only=True)
class OverdueReport(Value):
    """The overdue report (晾晒): every ``every_days`` days at ``at`` from day ``first_day``,
    each department's request parts past their deadline and not yet done."""

    every_days: float = 7.0
    first_day: int = 0
    at: str = "09:00"
    effect: OverdueEffect = OverdueEffect.none


@dataclass(kw_only=True)
class Satisfaction(Value):
    """An assumption, not data: a firm whose request closes by its deadline is satisfied with
    probability ``on_time``; every ``halving_days`` working days late halve that probability."""

    on_time: float
    halving_days: float


@dataclass(kw_only=True)
class FailedWindow(Value):
    """The 办不成事 window ("can't get it done"): an applicant whose dossier a window has sent back
    ``after`` times is referred there, and the case becomes a request of class ``request``
    (its path, not its arrivals: referrals draw from streams of their own). The applicant
    waits for the request to close, then files once more with the dossier put right. ``after:
    0`` (the default) is no such window; a sweep may set ``after`` from the command line."""

    after: int = 0
    request: str = ""


@dataclass(kw_only=True)
class Requests(Value):
    """The enterprise request service: request classes, the coordinators of the middle tier,
    the joint meeting, the overdue report, and how request work shares departments' reviewers
    with permits (``reviewer_share``: at most that share of a department's reviewers work on
    requests at once); ``failed_window``: the 办不成事 window, which turns window cases that keep
    failing into requests."""

    classes: dict[str, RequestClass] = field(default_factory=dict)
    coordinators: int = 1
    meeting: Meeting = field(default_factory=Meeting)
    report: OverdueReport | None = None
    satisfaction: Satisfaction | None = None
    reviewer_share: float = 1.0
    failed_window: FailedWindow = field(default_factory=FailedWindow)


def check(s: Scenario, key: str) -> None:
    """Raise ConfigError for the first problem of ``s.requests`` (``sim.domain.checks`` calls it)."""
    r, k = s.requests, f"{key}.requests"
    check_names(r.classes, f"{k}.classes")
    for name, cls in r.classes.items():
        kc = f"{k}.classes.{name}"
        if not (math.isfinite(cls.rate) and cls.rate > 0):
            raise ConfigError(
                f"{kc}.rate", f"arrival rate must be a finite number > 0 per hour, got {cls.rate}"
            )
        if not 0 <= cls.visits <= 1000:
            raise ConfigError(
                f"{kc}.visits", f"must be a whole number of trips from 0 to 1000, got {cls.visits}"
            )
        for part in ("front", "analysis", "work", "policy"):
            if getattr(cls, part) is not None:
                distributions.check(getattr(cls, part), f"{kc}.{part}")
        for part in ("p_front", "p_unsettled", "p_unresolved"):
            bounds.probability(getattr(cls, part), f"{kc}.{part}")
        if cls.p_unresolved and cls.policy is None:
            raise ConfigError(
                f"{kc}.p_unresolved", "only a hard request (policy: its duration) is closed unresolved"
            )
        if cls.policy is not None and cls.urgent:
            raise ConfigError(
                f"{kc}.urgent", "a hard request waits for a policy change: it is not urgent work"
            )
        for i, department in enumerate(cls.departments):
            if department not in s.departments:
                raise ConfigError(
                    f"{kc}.departments[{i}]", f"unknown department '{department}'{known(s.departments)}"
                )
        if len(set(cls.departments)) != len(cls.departments):
            raise ConfigError(f"{kc}.departments", "lists a department twice")
        pool = len(cls.departments) or len(s.departments)
        if cls.involved is not None and not 1 <= cls.involved <= pool:
            raise ConfigError(
                f"{kc}.involved", f"must be from 1 to the {pool} departments listed, got {cls.involved}"
            )
        bounds.days(cls.deadline_days, f"{kc}.deadline_days")
    window = r.failed_window
    if not 0 <= window.after <= 100:
        raise ConfigError(
            f"{k}.failed_window.after",
            f"must be a whole number of rejections from 1 to 100 (0: no window), got {window.after}",
        )
    if window.after and window.request not in r.classes:
        raise ConfigError(
            f"{k}.failed_window.request", f"unknown request class '{window.request}'{known(r.classes)}"
        )
    if not r.classes:
        return
    if s.specialists.staff == 0:
        raise ConfigError(
            f"{key}.specialists.staff", "requests are taken up by specialists, but there are none"
        )
    bounds.staff(r.coordinators, f"{k}.coordinators", minimum=1)
    if not 1 <= r.meeting.capacity <= MAX_STAFF:
        raise ConfigError(
            f"{k}.meeting.capacity",
            f"must be a whole number of requests per sitting from 1 to {MAX_STAFF}, got {r.meeting.capacity}",
        )
    for part in ("meeting", "report"):
        periodic = getattr(r, part)
        if periodic is not None:
            bounds.days(periodic.every_days, f"{k}.{part}.every_days")
            if not 0 <= periodic.first_day <= MAX_HOURS / 24:
                raise ConfigError(
                    f"{k}.{part}.first_day", f"must be a day number >= 0, got {periodic.first_day}"
                )
            parse_clock(periodic.at, f"{k}.{part}.at")
    if r.satisfaction is not None:
        bounds.probability(r.satisfaction.on_time, f"{k}.satisfaction.on_time")
        bounds.days(r.satisfaction.halving_days, f"{k}.satisfaction.halving_days")
    if not (0 < r.reviewer_share <= 1):
        raise ConfigError(f"{k}.reviewer_share", f"must be a share in (0, 1], got {r.reviewer_share}")
