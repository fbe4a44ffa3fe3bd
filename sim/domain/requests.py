"""The enterprise request service (诉求办理) a scenario may hold: request classes and their path
through the front, middle and back tiers, the joint meeting, the overdue report and how
satisfaction is scored. The model is ``sim.model.tiers``."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from sim.domain.distributions import Dist
from sim.domain.value import Value


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
class Requests(Value):
    """The enterprise request service: request classes, the coordinators of the middle tier,
    the joint meeting, the overdue report, and how request work shares departments' reviewers
    with permits (``reviewer_share``: at most that share of a department's reviewers work on
    requests at once)."""

    classes: dict[str, RequestClass] = field(default_factory=dict)
    coordinators: int = 1
    meeting: Meeting = field(default_factory=Meeting)
    report: OverdueReport | None = None
    satisfaction: Satisfaction | None = None
    reviewer_share: float = 1.0
