"""Enterprise requests (诉求) and the front / middle / back tiers that close them.

The front tier is the pool of enterprise service specialists (the same people who run
errands for firms at the windows): a specialist takes each request up and settles what it can.
The middle tier, the coordination office, analyses the rest and dispatches a supervision
order (督办单) to one or several departments, whose parts run in parallel on the departments'
reviewers, competing with permits, against a deadline. The back tier, the leaders' joint
meeting, sits on a cadence and hears a limited number of requests per sitting: urgent ones,
overdue ones and those the departments cannot settle alone. A request it hears while parts
are still open has those parts pushed to the front of their queues; an overdue request whose
parts finish before its sitting is settled by the departments and leaves the agenda.

The overdue report (晾晒) lists, each period, every department's parts past their deadline;
with the ``priority`` effect the listed parts are pushed ahead like the meeting's.

Every random quantity of a request is drawn on arrival from its class's own streams, so
permits meet the same draws whether or not requests run, and two staffings meet the same
requests.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Generator

import simpy

from sim.domain.calendars import WorkingTime, parse_clock
from sim.domain.distributions import Dist, DistKind
from sim.domain.requests import Meeting, OverdueEffect, OverdueReport, RequestClass
from sim.domain.scenario import Queue
from sim.model.centre import Centre
from sim.model.pools import MonitoredResource

TIERS = ("front", "middle", "back")
FRONT, MIDDLE, BACK = range(3)
ESCALATIONS = ("none", "overdue", "unsettled", "urgent", "policy")
NONE, OVERDUE, UNSETTLED, URGENT, POLICY = range(5)
NORMAL, PUSHED = 0, -1  # queue priorities: permits and requests alike are NORMAL


class _ClassSpec:
    """A request class compiled for the run: its streams and the departments it may involve."""

    def __init__(self, name: str, cls: RequestClass, desk: Desk) -> None:
        centre, streams = desk.centre, desk.centre.streams
        self.cls = cls
        self.code = centre.recorder.request_classes(name)
        self.arrivals = streams.sampler(
            f"request_arrivals/{name}", Dist(dist=DistKind.exponential, mean=1 / (cls.rate * centre.peak))
        )
        self.thin = streams.uniform(f"request_thinning/{name}") if centre.thinning else None
        self.front = streams.sampler(f"request_front/{name}", cls.front)
        self.settle = streams.uniform(f"request_settle/{name}")
        self.analysis = streams.sampler(f"request_analysis/{name}", cls.analysis) if cls.analysis else None
        self.work = streams.sampler(f"request_work/{name}", cls.work) if cls.work else None
        self.pick = streams.uniform(f"request_departments/{name}")
        self.satisfaction = streams.uniform(f"request_satisfaction/{name}")
        self.departments = tuple(cls.departments) or tuple(centre.scenario.departments)
        self.involved = cls.involved or len(self.departments)
        # a hard request's policy change, drawn only for a class that has one
        self.policy = streams.sampler(f"request_policy/{name}", cls.policy) if cls.policy else None
        self.unresolved = streams.uniform(f"request_unresolved/{name}") if cls.policy else None


class _Part:
    """One department's share of a dispatched request: work, deadline and queue position."""

    __slots__ = ("deadline", "department", "finished", "priority", "process", "queued", "request", "work")


class _Request:
    __slots__ = (
        "agenda_at",
        "analysis",
        "arrival",
        "closed",
        "deadline",
        "departments",
        "done",
        "escalation",
        "front",
        "heard",
        "hearing",
        "id",
        "overdue",
        "parts",
        "policy",
        "referral",
        "remaining",
        "resolved",
        "settled_front",
        "spec",
        "tier",
        "u_satisfied",
        "unsettled",
        "work",
    )


class Desk:
    """The request service of a centre: arrivals per class, the tiers, meeting and report."""

    def __init__(self, centre: Centre) -> None:
        self.centre = centre
        self.env = centre.env
        s = centre.scenario
        self.config = config = s.requests
        self.specialists = centre.pools["specialists"]
        self.coordinators = centre.pools["coordinators"]
        self.window_hours, self.office_hours = centre.window_hours, centre.office_hours
        self.names = list(config.classes)
        self.specs = [_ClassSpec(name, cls, self) for name, cls in config.classes.items()]
        # 办不成事: cases the windows refer take their class's path on streams of their own
        window = config.failed_window
        self.referred = (
            _ClassSpec(f"{window.request}_referred", config.classes[window.request], self)
            if window.after
            else None
        )
        self.departments = sorted({d for spec in self.specs for d in spec.departments})
        rec = self.recorder = centre.recorder
        self.dept_code = {d: rec.departments(d) for d in self.departments}
        self.record_steps = rec.record_steps
        self.act = {a: rec.activities(a) for a in ("front", "analysis", "work", "hearing")}
        self.res_code = {
            name: rec.resources(name)
            for name in [
                "specialists",
                "coordinators",
                *(f"{d}.reviewers" for d in self.departments),
                "meeting",
            ]
        }
        self.dept_order = {d: k for k, d in enumerate(s.departments)}
        # At most reviewer_share of a department's reviewers on requests at once: a gate of slots.
        share = config.reviewer_share
        self.gates = (
            {
                d: simpy.PriorityResource(self.env, max(1, math.floor(share * s.departments[d].reviewers)))
                for d in self.departments
            }
            if share < 1
            else {}
        )
        self.open: dict[int, _Request] = {}
        self.open_parts: set[_Part] = set()
        self.agenda: list[_Request] = []
        self.arrived = 0
        self.arrivals_over = 0

    def idle(self) -> bool:
        return self.arrivals_over == len(self.specs) and not self.open

    def start(self) -> None:
        env = self.env
        for spec in self.specs:
            env.process(self._arrivals(spec))
        env.process(self._every(self.config.meeting, self._sitting, "meeting"))
        if self.config.report is not None:
            env.process(self._every(self.config.report, self._report, "report"))

    def _every(self, when: Meeting | OverdueReport, act: Callable[[], None], key: str) -> Generator:
        """Call ``act`` every ``when.every_days`` days at ``when.at`` from day ``when.first_day``."""
        first = when.first_day * 24 + parse_clock(when.at, f"scenario.requests.{key}.at")
        k = 0
        while True:
            yield self.env.timeout(first + k * when.every_days * 24 - self.env.now)
            act()
            k += 1

    # -- arrivals ----------------------------------------------------------------------------

    def _arrivals(self, spec: _ClassSpec) -> Generator:
        def arrive(t: float, arrival: simpy.Event) -> None:
            arrival.callbacks.append(lambda _: self._open(spec))  # opened when it arrives

        yield from self.centre.arrivals(spec.arrivals, spec.thin, arrive)
        self.arrivals_over += 1
        self.centre.check_drained()

    def submit(self, name: str) -> None:
        """Open a request of class ``name`` now: what arrivals do, for scripting requests by hand."""
        self._open(self.specs[self.names.index(name)])

    def refer(self) -> simpy.Event:
        """A case the windows could not get done (办不成事) becomes a request now; the event fires
        when the request closes."""
        r = self._open(self.referred)
        r.referral = self.env.event()
        return r.referral

    def _open(self, spec: _ClassSpec) -> _Request:
        """Open a request, draw all its work now and start it on its way."""
        r = _Request()
        r.referral = None
        r.id = self.arrived
        self.arrived += 1
        r.spec = spec
        r.arrival = self.env.now
        cls = spec.cls
        r.front = spec.front()
        r.settled_front = spec.settle() < cls.p_front
        r.unsettled = spec.settle() < cls.p_unsettled
        r.analysis = spec.analysis() if spec.analysis else 0.0
        pool = list(spec.departments)
        r.departments = [pool.pop(int(spec.pick() * len(pool))) for _ in range(spec.involved)]
        r.work = [spec.work() if spec.work else 0.0 for _ in r.departments]
        r.u_satisfied = spec.satisfaction()
        r.policy = spec.policy() if spec.policy else 0.0
        r.resolved = not (spec.unresolved and spec.unresolved() < cls.p_unresolved)
        r.tier, r.escalation, r.overdue = FRONT, NONE, ()
        r.parts = []
        r.deadline = r.heard = r.agenda_at = math.nan
        r.hearing = None
        r.closed = False
        self.open[r.id] = r
        self.env.process(self._serve(r))
        return r

    # -- the request's path ------------------------------------------------------------------

    def _serve(self, r: _Request) -> Generator:
        env, cls = self.env, r.spec.cls
        yield from self._staffed(r, self.act["front"], self.specialists, r.front, self.window_hours)
        if r.settled_front:
            self._close(r)
            return
        if cls.urgent:
            r.tier, r.escalation = BACK, URGENT
            yield self._put_on_agenda(r)
            yield self._dispatch(r, PUSHED)
            self._close(r)
            return
        r.tier = MIDDLE
        yield from self._staffed(r, self.act["analysis"], self.coordinators, r.analysis, self.office_hours)
        if cls.policy is not None:  # a policy or planning change: the leaders take it up, then it waits
            r.tier, r.escalation = BACK, POLICY
            yield self._put_on_agenda(r)
            if r.resolved:
                yield env.timeout(r.policy)
            self._close(r)
            return
        done = self._dispatch(r, NORMAL)
        yield done | env.timeout(r.deadline - env.now)
        if not done.triggered:  # past the deadline with parts open: up to the meeting
            r.overdue = tuple(p.department for p in r.parts if not p.finished)
            r.tier, r.escalation = BACK, OVERDUE
            self._put_on_agenda(r)
            yield done  # the meeting pushes what is still open when it hears the request
        elif r.unsettled:
            r.tier, r.escalation = BACK, UNSETTLED
            yield self._put_on_agenda(r)
        self._close(r)

    def _staffed(
        self, r: _Request, activity: int, pool: MonitoredResource, work: float, hours: WorkingTime | None
    ) -> Generator:
        env = self.env
        enqueue = env.now
        seat = pool.seize(r)
        if seat is not r:
            yield seat
        start = env.now
        yield env.timeout(work if hours is None else hours.finish(start, work) - start)
        pool.free(seat)
        self._step(r, activity, self.res_code[pool.name], enqueue, start, env.now)

    def _step(
        self, r: _Request, activity: int, resource: int, enqueue: float, start: float, end: float
    ) -> None:
        if self.record_steps:
            self.recorder.request_steps.add((r.id, activity, resource, enqueue, start, end))

    def _dispatch(self, r: _Request, priority: int) -> simpy.Event:
        """Send the supervision order to the request's departments; the event fires when all are done.

        A plain event, not ``all_of``: SimPy drops a nested condition's checks once an outer
        ``done | deadline`` fires, and the request would wait forever.
        """
        env, hours = self.env, self.office_hours
        days = r.spec.cls.deadline_days
        r.deadline = env.now + 24 * days if hours is None else hours.finish(env.now, days * hours.day_hours)
        for department, work in zip(r.departments, r.work, strict=True):
            p = _Part()
            # A department that serves the earliest due first ranks a part by its deadline.
            due_first = (
                priority == NORMAL
                and self.centre.scenario.departments[department].queue is Queue.earliest_due
            )
            p.department, p.work, p.deadline = department, work, r.deadline
            p.priority = r.deadline if due_first else priority
            p.request, p.queued, p.finished = r, False, False
            p.process = env.process(self._part(p))
            r.parts.append(p)
            self.open_parts.add(p)
        r.remaining = len(r.parts)
        r.done = env.event()
        return r.done

    def _part(self, p: _Part) -> Generator:
        env, hours = self.env, self.office_hours
        gate = self.gates.get(p.department)
        slot = (yield from self._acquire(p, gate)) if gate is not None else None
        reviewers = self.centre.pools[f"{p.department}.reviewers"]
        enqueue = env.now
        req = yield from self._acquire(p, reviewers)
        start = env.now
        work = p.work / (1 - reviewers.background)  # the reviewers' other work stretches it
        yield env.timeout(work if hours is None else hours.finish(start, work) - start)
        reviewers.free(req)
        self._step(p.request, self.act["work"], self.res_code[reviewers.name], enqueue, start, env.now)
        if slot is not None:
            gate.release(slot)
        self.open_parts.discard(p)
        p.finished = True
        r = p.request
        r.remaining -= 1
        if not r.remaining:
            r.done.succeed()

    def _acquire(self, p: _Part, pool: simpy.PriorityResource) -> Generator:
        """Queue for ``pool`` at the part's priority; a push while queueing re-queues it ahead."""
        while True:
            req = pool.request(p.priority)
            p.queued = True
            try:
                yield req
            except simpy.Interrupt:
                if not req.triggered:
                    req.cancel()
                    continue
            finally:
                p.queued = False
            return req

    def _push(self, p: _Part) -> None:
        if p.priority != PUSHED:
            p.priority = PUSHED
            if p.queued:
                p.process.interrupt("pushed")

    def _put_on_agenda(self, r: _Request) -> simpy.Event:
        """Put ``r`` on the meeting's agenda; the event fires at the sitting that hears it."""
        r.agenda_at = self.env.now
        r.hearing = self.env.event()
        self.agenda.append(r)
        return r.hearing

    def _close(self, r: _Request) -> None:
        r.closed = True
        if r.referral is not None:  # the referred applicant may file again
            r.referral.succeed()
        del self.open[r.id]
        self._record(r, self.env.now)
        r.parts = []  # its parts point back at it: let reference counting free both, not the collector
        self.centre.check_drained()

    # -- the meeting and the overdue report ---------------------------------------------------

    def _sitting(self) -> None:
        """Hear urgent requests first, then the longest waiting, up to the meeting's capacity."""
        waiting = [r for r in self.agenda if not r.closed]
        waiting.sort(key=lambda r: (r.escalation != URGENT, r.agenda_at))
        capacity = self.config.meeting.capacity
        heard, self.agenda = waiting[:capacity], waiting[capacity:]
        now = self.env.now
        for r in heard:
            r.heard = now
            self._step(r, self.act["hearing"], self.res_code["meeting"], r.agenda_at, now, now)
            for p in r.parts:
                if not p.finished:
                    self._push(p)
            r.hearing.succeed()
        self.recorder.sittings.add((len(waiting), len(heard), now))

    def _report(self) -> None:
        now = self.env.now
        late = [p for p in self.open_parts if p.deadline < now]
        counts = dict.fromkeys(self.departments, 0)
        for p in late:
            counts[p.department] += 1
        rows = self.recorder.overdue
        for department, n in counts.items():
            rows.add((self.dept_code[department], n, now))
        if self.config.report.effect is OverdueEffect.priority:
            for p in late:
                self._push(p)

    # -- records -------------------------------------------------------------------------------

    def _late_days(self, r: _Request, closed: float) -> float:
        if not closed > r.deadline:  # also false for no deadline (NaN) or still open
            return 0.0
        hours = self.office_hours
        if hours is None:
            return (closed - r.deadline) / 24
        return (hours.open_hours(closed) - hours.open_hours(r.deadline)) / hours.day_hours

    def _listed(self, departments) -> int:
        """The code of a set of departments, named in the scenario's order ("market+tax")."""
        return self.recorder.department_sets("+".join(sorted(departments, key=self.dept_order.get)))

    def _record(self, r: _Request, closed: float) -> None:
        satisfaction = self.config.satisfaction
        involved = r.departments if r.tier != FRONT else ()
        if satisfaction is None or math.isnan(closed):
            satisfied = -1
        else:
            p = satisfaction.on_time * 0.5 ** (self._late_days(r, closed) / satisfaction.halving_days)
            satisfied = int(r.u_satisfied < p)
        self.recorder.requests.add(
            (
                r.id,
                r.spec.code,
                r.tier,
                r.escalation,
                self._listed(r.overdue),
                self._listed(involved),
                len(involved),
                r.spec.cls.visits,
                satisfied,
                int(r.resolved) if not math.isnan(closed) else -1,
                r.arrival,
                closed,
                r.deadline,
                r.heard,
            )
        )

    def record_open(self) -> None:
        for r in sorted(self.open.values(), key=lambda r: r.id):
            self._record(r, math.nan)
