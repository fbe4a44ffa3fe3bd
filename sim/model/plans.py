"""What a run knows before the first applicant comes: each item's samplers and staff, each
need's plan under the design (order, dependencies, dossiers, windows), and the case record
that carries one applicant's draws and counts.

Compiling these once keeps the applicant's process (``sim.model.permits``) to its story.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from sim.domain import dossier
from sim.domain.design import (
    Acceptance,
    Application,
    Approval,
    Checklist,
    Decisions,
    Design,
    Filing,
    Forms,
    HeldDocuments,
    Licences,
    Limits,
    Notice,
    Online,
    Routing,
    Window,
)
from sim.domain.distributions import mean
from sim.domain.scenario import Scenario
from sim.model.centre import ONE_STOP, Centre
from sim.model.recorder import PARTS

if TYPE_CHECKING:  # the back office compiles its steps before the plans that use them
    from sim.model.office import BackOffice

CHANNELS = ("in_person", "online", "specialist", "proactive")  # proactive: 免申办, no application
IN_PERSON, ONLINE, SPECIALIST, PROACTIVE = range(4)
# When an item's output is available to the items needing it.
ACCEPTED, DECIDED, IN_HAND = "accepted", "decided", "in hand"
WINDOW_QUEUE, WINDOW_SERVICE, APPLICANT, OFFICE_QUEUE, OFFICE_WORK, SCHEDULED, DELIVERY = range(len(PARTS))


def later(path: list[float], other: list[float]) -> list[float]:
    """The breakdown of whichever path reached now last: the longer one (both end now)."""
    return list(other) if sum(other) > sum(path) else path


def _nothing() -> float:
    return 0.0


class ItemSpec:
    """An item compiled for the run: its samplers, its back office under the design, the limit
    its back office works to, and its record code."""

    def __init__(self, name: str, centre: Centre, design: Design, office: BackOffice) -> None:
        item = centre.scenario.items[name]
        streams = centre.streams
        self.name = name
        self.code = centre.recorder.items(name)
        self.department = item.department
        self.window = item.intake is not None  # else filed straight to the back office
        self.intake = streams.sampler(f"intake/{name}", item.intake) if self.window else _nothing
        self.intake_mean = mean(item.intake) if self.window else 0.0  # what a clerk expects a visit to take
        # the clerk's own work after the applicant has left (data entry, scanning)
        self.entry = streams.sampler(f"entry/{name}", item.entry) if item.entry else None
        # The number of failed submissions is geometric: drawn by inversion from one uniform.
        # Its work (intakes, fixes) is drawn for the failures without one-time notice, so every
        # design consumes the streams alike; with it, the same uniform gives fewer failures.
        self.log_p = math.log(item.p_incomplete) if item.p_incomplete > 0 else 0.0
        self.incomplete = streams.uniform(f"incomplete/{name}") if self.log_p else None
        self.prepare = streams.sampler(f"prepare/{name}", item.prepare) if self.log_p else None
        self.notified = design.notice is Notice.one_time
        notified_p = item.p_incomplete * item.notice_factor
        self.log_notified_p = math.log(notified_p) if notified_p > 0 else -math.inf
        # Which document an incomplete dossier lacks is drawn once, under every design.
        self.missing = streams.uniform(f"missing/{name}") if self.log_p and item.minor_documents else None
        self.p_minor = len(item.minor_documents) / len(item.documents) if item.documents else 0.0
        self.tolerant = design.acceptance is Acceptance.tolerant
        # Approval on commitment: drawn whether the design uses it or not (common random numbers).
        promise = item.commitment
        self.falsified = streams.uniform(f"false_commitment/{name}") if promise and promise.p_false else None
        self.p_false = promise.p_false if promise else 0.0
        self.on_commitment = promise is not None and design.approval is Approval.on_commitment
        # 智能办: whether rules could decide this file, drawn under every design
        self.automatic = streams.uniform(f"automatic/{name}") if item.automatable else None
        self.p_automatic = item.automatable
        self.by_rules = design.decisions is Decisions.by_rules
        # 免申办: the share found eligible from shared data, and the time from eligibility to start
        self.p_found = item.proactive
        delay = item.proactive_delay
        self.found_delay = (
            streams.sampler(f"proactive_delay/{name}", delay) if delay and item.proactive else None
        )
        self.steps, self.kept, self.route = office.steps[name], office.kept[name], office.routes[name]
        self.returns = any(s.returns is not None for s in self.steps)  # 补正 during review
        committed = design.limits is Limits.committed and item.committed_days is not None
        self.limit_days = item.committed_days if committed else item.limit_days
        self.due_first = any(s.due_first for s, keep in zip(self.steps, self.kept, strict=True) if keep)
        self.pickup = item.pickup and design.licences is Licences.paper  # an e-licence is in hand at decision

    def failures(self) -> tuple[int, int]:
        """(failed submissions without one-time notice, failed submissions under the design)
        of one dossier: with the notice, the first rejection lists all, so at most one; under
        tolerant acceptance, none when the dossier lacks only a minor document."""
        u = math.log1p(-self.incomplete())
        n = int(u / self.log_p)
        minor = self.missing is not None and self.missing() < self.p_minor
        if self.tolerant and minor:  # accepted with the gap, the document to follow
            return n, 0
        return n, (min(1, int(u / self.log_notified_p)) if self.notified else n)


class NeedPlan:
    """How the design serves one need: item order, what each item waits for, which dossiers
    are handed in where, and how many documents each holds."""

    def __init__(self, need: str, scenario: Scenario, design: Design, centre: Centre, items: dict) -> None:
        names = scenario.need_order(need)
        n = len(names)
        self.name = need
        self.code = centre.recorder.needs(need)
        self.specs = tuple(items[name] for name in names)
        pos = {name: i for i, name in enumerate(names)}
        self.deps = tuple(tuple(pos[p] for p in scenario.prerequisites(name) if p in pos) for name in names)
        self.sequential = design.routing is Routing.sequential
        self._documents(scenario, design, names)
        self._dossiers(scenario, design, names)
        self._waits(design.data_sharing, design.joint_approval, n)
        # Which moment makes an item's output available to the items that need it (None: no item
        # of this need waits for another).
        met_by = ACCEPTED if design.joint_approval else DECIDED if design.data_sharing else IN_HAND
        self.deps_met_by = met_by if any(self.deps) else None
        self._channels(scenario, design)
        # What a case of this need draws on arrival.
        self.any_incomplete = any(s.log_p for s in self.specs)
        self.any_back_office = any(s.steps for s in self.specs)
        self.any_entry = any(s.entry is not None for s in self.specs)
        self.any_commitment = any(s.falsified for s in self.specs)
        self.any_automatic = any(s.automatic for s in self.specs)
        self.windowless = not all(s.window for s in self.specs)  # some item is filed without a window
        # A case is found (免申办) when every item of its need can find it: drawn under every design.
        self.p_found = min(s.p_found for s in self.specs)
        self.found = centre.streams.uniform(f"proactive/{need}") if self.p_found else None
        self.proactive = design.application is Application.proactive
        # Away from the competent centre (跨域办's demand): drawn per case under every design, as is
        # the forwarding time; filed near only when every item of the need may be filed anywhere.
        away = scenario.away
        self.p_away = away.share
        self.away = centre.streams.uniform(f"away/{need}") if away.share else None
        self.forward = (
            centre.streams.sampler(f"forward/{need}", away.forward) if away.share and away.forward else None
        )
        self.anywhere = design.filing is Filing.any_centre and all(scenario.items[n].anywhere for n in names)
        self.zeros, self.nones, self.empties = (0,) * n, (None,) * n, ((),) * n
        # A bundle's own committed limit runs from the merged dossier's acceptance.
        bundle = design.limits is Limits.committed and bool(self.upfront)
        self.bundle_days = scenario.bundle_limits.get(need) if bundle else None

    def _channels(self, scenario: Scenario, design: Design) -> None:
        """Which items are offered online, and how a case's channel uniform maps to the channel it
        takes: an applicant whose channel the design does not offer comes in person."""
        whole = design.online is Online.whole_need
        self.online = tuple(whole or scenario.items[s.name].online for s in self.specs)
        mix = scenario.channels.get(self.name)
        if mix is None:
            self.channel_map = None
            return
        online = ONLINE if any(self.online) else IN_PERSON
        specialist = SPECIALIST if design.specialists else IN_PERSON
        self.channel_map = (mix.in_person, mix.in_person + mix.online, online, specialist)

    def channel_for(self, channel: int, items: list[int] | tuple[int, ...]) -> int:
        """The channel of a visit for ``items``: an online applicant comes in person for an item
        not offered online."""
        if channel == ONLINE and not all(self.online[i] for i in items):
            return IN_PERSON
        return channel

    def _documents(self, scenario: Scenario, design: Design, names: list[str]) -> None:
        """Documents handed over per item: with data sharing, not those the need itself produces;
        fetching held documents, not those a department already holds before the case."""
        produced = {scenario.items[n].produces for n in names} - {None}
        self.produced = produced

        # Outputs of the need reach later items by data sharing, or are issued together (joint).
        shared = set(produced) if design.data_sharing or design.joint_approval else set()
        on_commitment = design.approval is Approval.on_commitment
        if design.held_documents is HeldDocuments.fetched:  # 免提交: what a department holds is fetched
            shared |= set(scenario.held_by) - produced

        def handed_over(name: str) -> frozenset[str]:
            item = scenario.items[name]
            signed = set(item.commitment.replaces) if on_commitment and item.commitment else set()
            return frozenset(d for d in item.documents if d not in shared and d not in signed)

        self._handed_over = tuple(handed_over(n) for n in names)
        # One form replaces the forms of the items in a merged dossier (no merged dossier: no effect).
        self.one_form = design.forms is Forms.one_form and design.checklist is Checklist.merged
        self.forms, self.one_form_share = frozenset(scenario.forms), scenario.one_form_share
        self.submit_docs = tuple(len(docs) for docs in self._handed_over)
        self.distinct_documents = self._count(frozenset().union(*self._handed_over))

    def _dossiers(self, scenario: Scenario, design: Design, names: list[str]) -> None:
        """Which items go in the merged dossier handed in first, and at which windows."""
        self.upfront = dossier.upfront(scenario, design, names)
        self.in_upfront = tuple(i in self.upfront for i in range(len(names)))
        one_stop = design.window is Window.one_stop
        self.upfront_window = dossier.upfront_window(scenario, design, names, self.upfront)
        self.window = tuple(ONE_STOP if one_stop else s.department for s in self.specs)
        self.alone = len(names) == 1 and not self.upfront  # one item, handed in on its own

    def _waits(self, sharing: bool, joint: bool, n: int) -> None:
        """What each item waits for before it starts: an output that exists (data sharing), one
        in the applicant's hand, or, in joint approval, the other item's acceptance (and its
        decision before its own); in sequential routing, also the previous item settled.
        Events are made only where someone waits on them: a one-item need makes none."""
        needed = {d for ds in self.deps for d in ds}
        # An output some later item needs in hand must reach the applicant before that item starts.
        self.in_hand = tuple(not (sharing or joint) and i in needed for i in range(n))
        self.accepted_waits = tuple(self.deps[i] if joint else () for i in range(n))
        self.decided_waits = self.accepted_waits  # joint: a conditional approval becomes final after
        self.ready_waits = tuple(self.deps[i] if sharing and not joint else () for i in range(n))
        self.settled_waits = tuple(
            (() if sharing or joint else self.deps[i]) + ((i - 1,) if self.sequential and i > 0 else ())
            for i in range(n)
        )
        # whether item i waits for anything before it is handed in
        self.waits_first = tuple(
            bool(self.ready_waits[i] or self.settled_waits[i] or self.accepted_waits[i]) for i in range(n)
        )
        waited = [*self.ready_waits, *self.decided_waits]
        self.ready_event = tuple(any(i in w for w in waited) for i in range(n))
        self.settled_event = tuple(any(i in w for w in self.settled_waits) for i in range(n))
        self.accepted_event = tuple(
            i in self.upfront or not self.sequential or (i in needed and joint) for i in range(n)
        )
        self.any_event = any(self.ready_event + self.settled_event + self.accepted_event)

    def merged_documents(self, items: list[int]) -> int:
        """Documents in one merged dossier for ``items``: each distinct document once, and with
        one form its items' forms as one."""
        return self._count(frozenset().union(*(self._handed_over[i] for i in items)))

    def _count(self, docs: frozenset[str]) -> int:
        if self.one_form and docs & self.forms:
            return len(docs - self.forms) + 1
        return len(docs)

    def merged_intake(self, works: list[float]) -> float:
        """Intake of one merged dossier: the parts' sum, or with one form the longest part's
        and a share of the others' (the fields they share entered once)."""
        total = sum(works)
        if not self.one_form:
            return total
        longest = max(works)
        return longest + self.one_form_share * (total - longest)


class Case:
    """One applicant's case: the work drawn on arrival and what has happened so far. What is
    not drawn for a case (no rework, review, inspection or waits in its need) is its plan's
    shared empty tuples; counts start at zero.

    Its fields are slots, not a dict: a big office holds tens of thousands of open cases, and a
    dict that grows as a case goes on took about a kilobyte of each."""

    __slots__ = (
        "accepted",
        "accepted_at",
        "arrival",
        "automatic",
        "available_at",
        "away",
        "channel",
        "documents",
        "entry",
        "falsified",
        "far_trips",
        "forward",
        "found",
        "found_delays",
        "held",
        "id",
        "intake",
        "mail",
        "n_fail",
        "pending",
        "pickup_delay",
        "plan",
        "prepare",
        "ready",
        "reworks",
        "settled",
        "specialist_trips",
        "trips",
        "visit_at",
        "waiting",
        "windows",
        "work",
    )

    def __init__(self, plan: NeedPlan, id: int, arrival: float) -> None:
        self.plan = plan
        self.id = id
        self.arrival = arrival
        self.n_fail = plan.zeros
        self.work = plan.empties  # per item, its file's visits of back-office steps (Route.draw)
        self.ready = self.settled = self.accepted = self.falsified = self.automatic = plan.nones
        self.intake = self.prepare = self.entry = self.accepted_at = self.available_at = plan.empties
        self.channel = IN_PERSON
        self.trips = self.specialist_trips = self.far_trips = self.documents = self.reworks = 0
        self.away = False  # nearest centre another district's: trips to the competent centre are far trips
        self.forward = 0.0  # 跨域办: hours the receiving centre takes to pass the dossier on
        self.windows: tuple[str, ...] = ()  # the windows visited in person or by a specialist, each once
        self.waiting = self.mail = self.pickup_delay = 0.0
        self.pending: dict[str, list[int]] | None = None  # parallel routing: items about to go in together
        self.held: tuple[int, ...] = ()  # results held for one pickup at the one-stop window
        self.visit_at = -math.inf  # joint site visits: when the case's booked visit takes place
        self.found = False  # 免申办: found eligible from shared data and served without applying
        self.found_delays: list[float] | tuple = ()
