"""The back office: what happens to an item's file between acceptance and decision.

A file goes through the item's internal steps in order (受理 acceptance, 审查 review, 现场核查
inspection, 审批 sign-off, 制证 issuing), each done by one of the department's pools. Three
things make a real back office slow besides its work, and each is modelled from its mechanics:

- files reach some steps only in batches: carried over once a day, signed at a leader's fixed
  times, heard at a committee's sitting (at most so many a sitting); an inspection is booked
  some working days ahead;
- staff give a share of every hour to work not modelled as cases (background), so a case's
  work stretches by 1 / (1 - share);
- a pool may serve the file whose limit runs out first (earliest due), not the first come.

A file's way through the steps is its route (``sim.domain.routes``): the plain list, or branches,
loops, choices per file and returns to the applicant. Every step's draws, the route's included,
are made when the case arrives, for the item's full back office, so a design that cuts steps
meets the same applicants with the same work (common random numbers): a cut step is passed by.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Generator

from sim.domain.calendars import WorkingTime, parse_clock
from sim.domain.design import Design, SiteVisits, Steps
from sim.domain.routes import branching, routed
from sim.domain.scenario import AtCap, Batch, Item, Queue, Step
from sim.model.centre import Centre
from sim.model.plans import OFFICE_QUEUE, OFFICE_WORK, SCHEDULED


class Releases:
    """When a batch moves files on: its release times over the run, and how many files each
    release has taken (when it has a capacity)."""

    def __init__(self, batch: Batch, hours: WorkingTime | None, span: float) -> None:
        if hours is None:
            days = range(int(span // 24) + 1)
        else:
            days = sorted({int(start // 24) for start in hours.starts})
        ats = sorted(parse_clock(at, "batch.at") for at in batch.at)
        self.times = [
            day * 24 + at
            for k, day in enumerate(days)
            if k % batch.every_days == batch.first_day
            for at in ats
        ]
        self.capacity = batch.capacity
        self.taken: dict[int, int] = {}

    def next(self, t: float) -> float:
        """The first release at or after ``t`` with room for one more file (which it takes)."""
        k = bisect.bisect_left(self.times, t)
        if self.capacity is not None:
            while self.taken.get(k, 0) >= self.capacity:
                k += 1
            self.taken[k] = self.taken.get(k, 0) + 1
        return self.times[k] if k < len(self.times) else math.inf


class StepSpec:
    """A step compiled for the run: its pool, calendar, samplers and batch."""

    def __init__(self, item_name: str, item: Item, step: Step, centre: Centre, short: bool) -> None:
        streams, scenario = centre.streams, centre.scenario
        where, role = step.where(item.department)
        department = scenario.departments[where]
        self.name = step.name
        self.activity = centre.recorder.activities(step.label or step.name)
        self.pool = centre.pools[f"{where}.{role}"]
        self.hours = centre.window_hours if role == "clerks" else centre.office_hours
        self.stretch = 1 / (1 - department.background.get(role, 0.0))
        self.due_first = role != "clerks" and department.queue is Queue.earliest_due
        # A step some files skip draws its chance from "<step>/<item>" and its work from
        # "<step>_time/<item>"; one every file goes through draws its work from "<step>/<item>".
        chance = step.probability < 1 or (short and step.name == "inspection")
        self.p = step.probability
        self.chance = streams.uniform(f"{step.name}/{item_name}") if chance else None
        work_stream = f"{step.name}_time/{item_name}" if chance else f"{step.name}/{item_name}"
        self.work = streams.sampler(work_stream, step.work)
        self.booking = (
            streams.sampler(f"booking/{step.name}/{item_name}", step.booking) if step.booking else None
        )
        self.delay = streams.sampler(f"delay/{step.name}/{item_name}", step.delay) if step.delay else None
        span = scenario.horizon + scenario.drain + 24 * 366
        self.releases = Releases(step.batch, self.hours, span) if step.batch else None

        self.counted = step.counted
        # a route's parts (sim.domain.routes), drawn only where the step has them
        self.when, self.unless, self.cap = step.when, step.unless, step.max_visits or math.inf
        self.passes = step.at_cap is AtCap.passes  # past its cap a file passes it unworked
        self.visits_of = step.visits_of
        ret = step.returns
        self.returns = streams.uniform(f"return/{step.name}/{item_name}") if ret else None
        self.p_return = ret.probability if ret else 0.0
        self.prepare = (
            streams.sampler(f"return_prepare/{step.name}/{item_name}", ret.prepare) if ret else None
        )
        self.return_documents = ret.documents if ret else 0
        self.next = streams.uniform(f"route/{step.name}/{item_name}") if step.then is not None else None
        self.then = step.then or {}


class Route:
    """How a file of one item goes through its steps: ``draw`` gives its visits in order, each
    (step index, work, booking days, the applicant's time gathering supplementary documents
    when the visit returns the file, else None, and the delay before the step's queue). A plain
    list draws as it always has."""

    def __init__(self, item: Item, specs: tuple[StepSpec, ...], item_name: str, centre: Centre) -> None:
        self.specs = specs
        self.routed, self.branching = routed(item), branching(item)
        names = [s.name for s in specs]
        # each step's visit count: its own, or the one the steps naming the same visits_of share
        counts: dict[tuple[str, str], int] = {}
        self.counter = [
            counts.setdefault(("of", s.visits_of) if s.visits_of else ("step", s.name), len(counts))
            for s in specs
        ]
        self.then = [[(names.index(t), p) for t, p in s.then.items()] for s in specs]
        self.choices = [
            (c, centre.streams.uniform(f"choice/{c}/{item_name}"), p) for c, p in item.choices.items()
        ]
        self.first = [(names.index(t), p) for t, p in (item.first or {}).items()]
        self.start = centre.streams.uniform(f"route_first/{item_name}") if item.first else None

    def draw(self) -> list[tuple]:
        """One file's visits."""
        if not self.routed:  # each step in order by its own chance: drawn as the list always was
            visits = []
            for k, s in enumerate(self.specs):
                if s.chance is None or s.chance() < s.p:
                    booking = s.booking() if s.booking is not None else 0.0  # inline: the hot path
                    visits.append((k, s.work(), booking, None, s.delay() if s.delay is not None else 0.0))
            return visits
        chosen = {name: u() < p for name, u, p in self.choices}
        visits, count = [], [0] * len(self.specs)
        k = 0 if self.specs else None  # an item decided on the spot has no back office
        if self.start is not None:
            k = _pick(self.first, self.start() * sum(p for _, p in self.first))
        while k is not None:
            s, c = self.specs[k], self.counter[k]
            worked = (not s.when or chosen[s.when]) and not (s.unless and chosen[s.unless])
            if worked and count[c] >= s.cap:  # reached past its cap: only a step that lets files pass
                worked = False
            if worked and (s.chance is None or s.chance() < s.p):
                count[c] += 1
                back = s.returns is not None and s.returns() < s.p_return and count[c] < s.cap
                visits.append((k, s.work(), _draw(s.booking), s.prepare() if back else None, _draw(s.delay)))
                if back:
                    continue  # the file comes back to this step
            k = self._next(k, count)
        return visits

    def _next(self, k: int, count: list[int]) -> int | None:
        """The step after ``k``: the list's next, or a branch drawn among those whose cap allows
        another visit, with the chance of ending kept beside them (None: the file ends)."""
        if not self.branching:
            return k + 1 if k + 1 < len(self.specs) else None
        s = self.specs[k]
        branches = self.then[k]
        end = max(0.0, 1.0 - sum(p for _, p in branches))
        specs, counter = self.specs, self.counter
        open_ = [(j, p) for j, p in branches if specs[j].passes or count[counter[j]] < specs[j].cap]
        u = s.next() * (end + sum(p for _, p in open_)) if s.next is not None else 1.0
        return _pick(open_, u)


def _pick(branches: list[tuple[int, float]], u: float) -> int | None:
    """The branch a draw ``u`` falls in (None: past them all, the file ends)."""
    for j, p in branches:
        if u < p:
            return j
        u -= p
    return None


def _draw(sampler) -> float:
    return sampler() if sampler is not None else 0.0


class BackOffice:
    """Each item's steps under the design, and the file's way through them."""

    def __init__(self, centre: Centre, design: Design) -> None:
        self.centre, self.env = centre, centre.env
        scenario = centre.scenario
        self.steps: dict[str, tuple[StepSpec, ...]] = {}
        self.kept: dict[str, tuple[bool, ...]] = {}
        reduced = design.steps is Steps.reduced
        self.joint_visits = design.site_visits is SiteVisits.joint
        self.routes: dict[str, Route] = {}
        for name, item in scenario.items.items():
            full = item.back_office(reduced=False)
            cut = {s.name for s in item.back_office(reduced=reduced)}
            self.steps[name] = tuple(StepSpec(name, item, s, centre, short=not item.steps) for s in full)
            self.kept[name] = tuple(s.name in cut for s in full)
            self.routes[name] = Route(item, self.steps[name], name, centre)
        self.res_code = {name: centre.recorder.resources(name) for name in centre.pools}

    def handle(
        self,
        c,
        item_code: int,
        steps: tuple[StepSpec, ...],
        kept: tuple[bool, ...],
        visits: tuple,
        due: float,
        path: list[float],
        applicant_waits: bool = True,
        supplement=None,
    ) -> Generator:
        """Take one file through its ``visits`` (its route's draws), adding the time to ``path``
        (the case's lead-time breakdown along this item) and, when the applicant waits for it,
        its queueing to the case's waiting. A visit that returns the file to the applicant runs
        ``supplement(documents, prepare)`` before the step is visited again. Returns the hours
        the statutory clock stood still (uncounted steps and returns), in open hours of the
        back office (elapsed hours without a calendar)."""
        env, rec = self.env, self.centre.recorder
        paused = 0.0
        for k, work, booking, prepare, delay in visits:
            if not kept[k]:
                continue
            step = steps[k]
            hours, effort = step.hours, work * step.stretch
            arrived = env.now
            if delay:
                yield env.timeout(delay)
            if step.releases is not None:
                yield env.timeout(step.releases.next(env.now) - env.now)
            if booking:
                slot = (
                    env.now + 24 * booking
                    if hours is None
                    else hours.finish(env.now, booking * hours.day_hours)
                )
                if self.joint_visits:  # 联合踏勘: come with the visit already booked, if sooner
                    if env.now <= c.visit_at <= slot:
                        slot = c.visit_at
                    else:
                        c.visit_at = slot
                yield env.timeout(slot - env.now)
            path[SCHEDULED] += env.now - arrived
            enqueue = env.now
            seat = step.pool.seize(c, due if step.due_first else 0.0)
            if seat is not c:
                yield seat
            start = env.now
            if applicant_waits:
                c.waiting += start - enqueue
            yield env.timeout(effort if hours is None else hours.finish(start, effort) - start)
            step.pool.free(seat)
            path[OFFICE_QUEUE] += start - enqueue
            path[OFFICE_WORK] += env.now - start
            rec.step(c.id, item_code, step.activity, self.res_code[step.pool.name], enqueue, start, env.now)
            if prepare is not None:  # 补正: the clock stands still until the documents are in
                back = env.now
                yield from supplement(step.return_documents, prepare)
                if step.counted:
                    paused += self._open_hours(back, env.now)
            if not step.counted:
                paused += self._open_hours(arrived, env.now)
        return paused

    def _open_hours(self, a: float, b: float) -> float:
        hours = self.centre.office_hours
        return b - a if hours is None else hours.open_hours(b) - hours.open_hours(a)
