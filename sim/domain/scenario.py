"""What a planner describes: departments and their staff, items, needs and demand.

These dataclasses are also the Hydra schema (``sim.experiment.config``), so a typo in a key or
a wrong type is caught while the config is composed. A ``Scenario`` checks what types cannot
(unknown names, probabilities, cycles, sizes: ``sim.domain.checks``) when it is made, so every
scenario that exists can be simulated. They are values (``sim.domain.value``): a variant is
made with ``dataclasses.replace``, which checks it again. All times are in hours, all rates
per hour.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import Enum

from sim.domain import route_table
from sim.domain.calendars import Calendar
from sim.domain.checks import validate
from sim.domain.distributions import Dist
from sim.domain.errors import ConfigError
from sim.domain.provenance import Source
from sim.domain.requests import Requests
from sim.domain.value import Value


class Queue(Enum):
    """How a back-office pool picks its next file."""

    first_come = "first_come"
    earliest_due = "earliest_due"  # the file whose limit runs out first (the design's limits)


@dataclass(kw_only=True)
class Department(Value):
    """A department's staff: window clerks (intake), and the back office's reviewers (审查),
    inspectors and leaders (section heads who sign off, 审核/审批).

    ``background``: the share of each back-office pool's open hours spent on work not modelled
    as cases (other files, meetings), e.g. ``{reviewers: 0.6}``. Every person gives that share of
    every hour to it, so a case's work takes 1 / (1 - share) as long, and the pool's utilisation
    counts it. ``queue``: how the back-office pools pick their next file.
    """

    clerks: int = 1
    reviewers: int = 1
    inspectors: int = 0
    leaders: int = 0
    background: dict[str, float] = field(default_factory=dict)
    queue: Queue = Queue.first_come


@dataclass(kw_only=True)
class Inspection(Value):
    """A site inspection that follows review with some probability."""

    probability: float
    duration: Dist


@dataclass(kw_only=True)
class Batch(Value):
    """Files reach a step in batches: released at the clock times ``at`` on every
    ``every_days``-th working day of the step's calendar (from working day ``first_day``), at most
    ``capacity`` files a release (none: all). Files carried to the next office once a day
    (``at: ["16:00"]``), a leader who signs at fixed times, a committee that sits weekly
    (``every_days: 5``, ``capacity: 8``)."""

    at: list[str]
    every_days: int = 1
    first_day: int = 0
    capacity: int | None = None


@dataclass(kw_only=True)
class Return(Value):
    """A step that sends the file back to the applicant for supplementary documents (补正):
    at each visit with ``probability``; the applicant takes ``prepare`` hours to gather
    ``documents`` more documents and hands them over, and the step is done again."""

    probability: float
    prepare: Dist
    documents: int = 1


class AtCap(Enum):
    """What a routed file does at a step it may not visit again (its ``max_visits`` reached)."""

    drop = "drop"  # the branch to it is not taken; the others keep their odds (and ending its own)
    passes = "pass"  # the file passes it unworked and goes on as it would after it


@dataclass(kw_only=True)
class Step(Value):
    """One internal step of an item's back office (受理 acceptance, 审查 review, 现场核查 site
    inspection, 审批 sign-off, 制证 issuing): done by the department's ``pool`` (reviewers,
    inspectors, leaders, or the window clerks) for ``work`` open hours, for a share
    ``probability`` of files. Files reach it as they come or in a ``batch``; ``booking`` is how
    many working days ahead a slot is booked (an inspection's), drawn per file.

    Routes (``sim.domain.routes``): ``then`` names the next steps by probability (loops back
    included; the rest ends the file), ``max_visits`` caps a file's visits, ``when`` /
    ``unless`` name an item's choice drawn once per file, ``returns`` sends the file back to
    the applicant (补正), and ``counted: false`` stops the statutory clock during the step.

    ``pool`` may name another department's pool (``fire.reviewers``): a calibrated office's
    people work across items. ``delay`` is how long, on the clock, a file waits before the
    step's queue for reasons neither the queue nor the calendar explains (a third party, a
    timer: an extraneous delay, as estimated from an office's log). ``label`` is the office's
    own name for the activity, which the event log writes instead of ``name`` (several steps may
    share one: the same activity reached from different places)."""

    name: str
    pool: str = "reviewers"
    work: Dist
    probability: float = 1.0
    batch: Batch | None = None
    booking: Dist | None = None
    then: dict[str, float] | None = None
    max_visits: int | None = None
    when: str | None = None
    unless: str | None = None
    returns: Return | None = None
    counted: bool = True
    delay: Dist | None = None
    label: str | None = None
    visits_of: str | None = None
    at_cap: AtCap = AtCap.drop

    @property
    def role(self) -> str:
        """The role of the pool that does the step (clerks, reviewers, ...)."""
        return self.pool.rpartition(".")[2]

    def where(self, department: str) -> tuple[str, str]:
        """The (department, role) of the pool that does the step for an item of ``department``."""
        other = self.pool.rpartition(".")[0]
        return (other or department, self.role)


@dataclass(kw_only=True)
class Commitment(Value):
    """Approval on a signed commitment (告知承诺): the applicant's commitment stands in for the
    ``replaces`` documents; the back office checks afterwards and finds a share ``p_false`` of
    commitments false (the approval is then revoked)."""

    replaces: list[str] = field(default_factory=list)
    p_false: float = 0.0


@dataclass(kw_only=True)
class Item(Value):
    """One permit or service (事项), owned by a department.

    ``intake`` is the window's work with the applicant there (checking, signing); ``entry`` the
    clerk's own work on the accepted dossier after the applicant has left (data entry,
    scanning), by the same window's clerks in their open hours, before the back office.
    ``p_incomplete`` is the chance that one submission of the dossier is rejected at intake;
    the applicant then spends ``prepare`` fixing it and comes back. Told everything once up
    front (the design's one-time notice), the chance is ``p_incomplete * notice_factor``. An
    incomplete dossier lacks one document, equally likely any of the item's; under tolerant
    acceptance one lacking only one of ``minor_documents`` is accepted, the document to follow.
    ``prerequisites`` are items whose output this one needs; when they are not part of the
    same need, the applicant is taken to hold their output already. ``pickup`` false means the
    result is handed over electronically.

    The back office is ``steps``, in order; or, written short, one ``review`` by the reviewers
    followed by an ``inspection`` (neither: decided at the window). ``reduced_steps`` names the
    steps kept when the design cuts steps (减环节; empty: decided on the spot then).
    ``on_the_spot`` (即办件): decided by the window clerk at intake, whatever its back office.
    ``limit_days`` is the statutory limit (法定时限) and ``committed_days`` the limit the office
    commits to (承诺时限), both in working days of the back office's calendar. ``commitment``:
    the item may be approved on a signed commitment, when the design does so. ``online``: the
    item can be filed online today (一网通办), so applicants taking up the online channel file it
    without a trip and have its result posted. ``choices``: yes-or-no questions drawn once per
    file at acceptance, each with the probability of yes (``{expert: 0.3}``: the expert path,
    all of it or none), which steps name in ``when`` and ``unless``. ``first``: where a routed
    file starts, by probability (default: the first step listed). ``automatable``: the share of
    files standard enough for rules to decide (智能办), when the design decides by rules.
    ``proactive``: the share of applicants the office can find eligible from shared data and
    serve without an application (免申办), ``proactive_delay`` the hours from eligibility to the
    file's start, when the design serves them so. ``anywhere``: the item may be filed at any
    district's centre (通办 lists), when the design lets applicants do so (跨域办).

    An item with no ``intake`` has no window: its file reaches the back office when the case
    arrives (filed online, by post or from another office), without a trip or a clerk, as an
    office whose log records no window works.

    ``route`` gives the steps and ``first`` as one table of text instead (a calibrated office's
    hundreds of steps: ``sim.domain.route_table``); the scenario reads it into ``steps``.
    """

    department: str
    documents: list[str] = field(default_factory=list)
    intake: Dist | None = None
    entry: Dist | None = None
    review: Dist | None = None
    p_incomplete: float = 0.0
    notice_factor: float = 1.0
    minor_documents: list[str] = field(default_factory=list)
    prepare: Dist | None = None
    prerequisites: list[str] = field(default_factory=list)
    produces: str | None = None
    inspection: Inspection | None = None
    steps: list[Step] = field(default_factory=list)
    reduced_steps: list[str] | None = None
    on_the_spot: bool = False
    limit_days: float | None = None
    committed_days: float | None = None
    commitment: Commitment | None = None
    pickup: bool = True
    online: bool = False
    choices: dict[str, float] = field(default_factory=dict)
    first: dict[str, float] | None = None
    automatable: float = 0.0
    proactive: float = 0.0
    proactive_delay: Dist | None = None
    anywhere: bool = False
    route: str | None = None

    def back_office(self, reduced: bool) -> list[Step]:
        """The steps a file of this item goes through (the short form written out as steps)."""
        if self.on_the_spot:
            return []
        if self.steps:
            steps = self.steps
        else:
            steps = [Step(name="review", work=self.review)] if self.review is not None else []
            if self.inspection is not None and self.inspection.probability > 0:
                i = self.inspection
                steps = [
                    *steps,
                    Step(name="inspection", pool="inspectors", work=i.duration, probability=i.probability),
                ]
        if reduced and self.reduced_steps is not None:
            steps = [s for s in steps if s.name in self.reduced_steps]
        return steps


class AtClosing(Enum):
    """What happens to applicants still queueing at a window when it closes."""

    serve = "serve"  # they keep their place; service resumes at the next opening
    send_home = "send_home"  # they leave (a lost trip) and come back at the next opening


@dataclass(kw_only=True)
class Hours(Value):
    """Which calendar (by name, from ``calendars``) each group of staff keeps; empty: 24/7."""

    windows: str | None = None
    back_office: str | None = None


@dataclass(kw_only=True)
class Profile(Value):
    """Arrival-rate multipliers: by hour of the day (24 values, 0 = midnight to 1 am), by
    weekday (7 values, Monday first) and by week of the run (``week``: week 0 begins at
    ``start_date``; weeks past the list at 1), as a calibrated office's log had them. The rates
    in ``demand`` are multiplied by all three."""

    hour_of_day: list[float] = field(default_factory=lambda: [1.0] * 24)
    day_of_week: list[float] = field(default_factory=lambda: [1.0] * 7)
    week: list[float] = field(default_factory=list)

    def peak(self) -> float:
        """The largest product of the multipliers (the rate arrivals are thinned from)."""
        return max(self.hour_of_day) * max(self.day_of_week) * max([*self.week, 1.0])


@dataclass(kw_only=True)
class ChannelMix(Value):
    """How a need's applicants come (shares summing to 1): in person; online (一网通办: no trips,
    results by post or electronically); or through an enterprise service specialist (企服专员),
    who makes the trips for them."""

    in_person: float = 1.0
    online: float = 0.0
    specialist: float = 0.0


@dataclass(kw_only=True)
class Specialists(Value):
    """The pool of enterprise service specialists; a specialist is taken for each visit to a window."""

    staff: int = 0


@dataclass(kw_only=True)
class Away(Value):
    """Applicants away from the centre competent for them (跨域办's demand): a ``share`` of cases
    whose nearest centre is another district's (a firm registered in one district and run in
    another, a resident living elsewhere), drawn per case under every design. Each of their
    in-person trips to the competent centre is a far trip, ``trip_hours`` longer than a trip
    to the nearest centre; filing at any centre, the receiving centre takes ``forward`` hours to
    pass an accepted dossier on (收受分离: scanned and sent, originals by courier)."""

    share: float = 0.0
    trip_hours: float = 0.0
    forward: Dist | None = None


@dataclass(kw_only=True)
class OneStop(Value):
    """The one-stop window (综合窗口) shared by all departments in the bundled design."""

    clerks: int = 1


@dataclass(kw_only=True)
class Scenario(Value):
    """A service centre: its catalogue, staff and demand, and how long to simulate it.

    Time 0 is midnight at the start of ``start_date``. With ``hours`` naming calendars,
    applicants visit windows only while they are open, in-person arrivals come only then
    (rates are per open hour, shaped by ``demand_profile``), and work pauses while closed.
    ``requests`` is the enterprise request service with its tiers (none by default).
    ``away``: applicants whose nearest centre is not the competent one (none by default).
    ``provenance``: where the inputs come from, by config path (``sim.domain.provenance``).
    ``held_by``: which body (a department or any other) issues and holds a document
    (``{legal_rep_id: public_security}``), so that a design that fetches held documents (免提交)
    needs no copy.
    ``forms``: the documents that are application forms; with one form for a merged dossier
    (一表申请) they count as one, and its intake takes the longest part's intake plus
    ``one_form_share`` of the others' (1: no saving).
    ``bundle_limits``: a need's own committed limit (working days) when it is served as one
    bundle (a merged dossier), e.g. ``{open_restaurant: 15}``.
    ``shifts`` change a staff pool's count at clock times every day, e.g.
    ``{"market.clerks": {"09:00": 3, "13:30": 5}}``.
    ``mail`` is how long a mailed result takes to arrive; ``pickup_delay`` how long an
    applicant takes to come for a result once told it is ready (each drawn once per case;
    empty means at once).
    Arrivals of each need are Poisson at ``demand[need]`` per hour until ``horizon``; cases
    still open then may finish during ``drain`` more hours. Statistics cut the first
    ``warmup`` hours in analysis, not in the model.
    ``size``: the office that runs is ``size`` times the one described, every arrival rate, staff
    count, batch capacity and meeting capacity multiplied (counts rounded half up), as a city's
    district is a bigger copy of a district scenario; ``staffing.scale`` then applies on top.
    """

    name: str
    documents: dict[str, str] = field(default_factory=dict)
    held_by: dict[str, str] = field(default_factory=dict)
    forms: list[str] = field(default_factory=list)
    one_form_share: float = 1.0
    departments: dict[str, Department] = field(default_factory=dict)
    items: dict[str, Item] = field(default_factory=dict)
    needs: dict[str, list[str]] = field(default_factory=dict)
    demand: dict[str, float] = field(default_factory=dict)
    bundle_limits: dict[str, float] = field(default_factory=dict)
    one_stop: OneStop = field(default_factory=OneStop)
    mail: Dist | None = None
    pickup_delay: Dist | None = None
    start_date: str = "2024-01-01"
    timezone: str = "Asia/Shanghai"  # the office's clock, for the event log's timestamps
    calendars: dict[str, Calendar] = field(default_factory=dict)
    hours: Hours = field(default_factory=Hours)
    at_closing: AtClosing = AtClosing.serve
    demand_profile: Profile | None = None
    shifts: dict[str, dict[str, int]] = field(default_factory=dict)
    channels: dict[str, ChannelMix] = field(default_factory=dict)
    specialists: Specialists = field(default_factory=Specialists)
    away: Away = field(default_factory=Away)
    provenance: dict[str, Source] = field(default_factory=dict)
    requests: Requests = field(default_factory=Requests)
    horizon: float
    warmup: float = 0.0
    drain: float = 0.0
    size: float = 1.0
    work_limit: float = 20_000_000  # expected visits per run (~10 GB with the event log); raise it explicitly
    # applicants an overloaded run (allow_overload) may leave queued at the horizon (~3 KB each)
    backlog_limit: float = 1_000_000

    def __post_init__(self) -> None:
        for name, item in self.items.items():
            if item.route is not None:
                self.items[name] = _expanded(item, f"scenario.items.{name}.route")
        validate(self)

    def prerequisites(self, item: str) -> list[str]:
        """Items whose output ``item`` needs: those it names, and the producers of its documents."""
        named = self.items[item].prerequisites
        producers = [
            name
            for name, other in self.items.items()
            if other.produces is not None and other.produces in self.items[item].documents
        ]
        return list(dict.fromkeys([*named, *producers]))

    def need_order(self, need: str) -> list[str]:
        """The need's items in an order that respects prerequisites, else the need's own order.

        Prerequisites outside the need are ignored: the applicant already holds their output.
        """
        members = self.needs[need]
        placed: list[str] = []
        remaining = list(members)
        while remaining:
            for name in remaining:
                if all(p in placed or p not in members for p in self.prerequisites(name)):
                    placed.append(name)
                    remaining.remove(name)
                    break
            else:  # pragma: no cover - the checks reject cycles when the scenario is made
                raise ValueError(f"prerequisite cycle among {remaining}")
        return placed


def _expanded(item: Item, key: str) -> Item:
    """``item`` with its route table read into ``steps`` and ``first``."""
    if item.steps or item.first is not None:
        raise ConfigError(key, "give the back office as a route table or as steps and first, not both")
    rows, first = route_table.parse(item.route, key)
    steps = [
        Step(
            **(
                row
                | {"at_cap": AtCap(row.get("at_cap", "drop"))}
                | ({"batch": Batch(**row["batch"])} if "batch" in row else {})
            )
        )
        for row in rows
    ]
    return replace(item, route=None, steps=steps, first=first or None)
