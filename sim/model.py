"""The SimPy model of a service centre: applicants, windows, back offices and their queues.

An applicant arrives with a need (a set of items) and is served by the design's levers:
where the dossier is handed in (each department's window or the one-stop window), whether
it is one merged dossier or one per item, whether items go one after another or in
parallel, whether outputs of earlier items reach later ones without the applicant, and
whether results are collected or mailed. The model counts what the applicant lives through:
trips, documents handed over, waiting, reworks and lead time.

Every random quantity of a case is drawn when it arrives, from streams named by purpose,
in an order that does not depend on the design: the same seed meets the same applicants
with the same work under every design (common random numbers).

The model knows nothing of Hydra, files or plots; ``sim.run`` turns its records into tables.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Generator

import simpy

from sim.calendar import WorkingTime, parse_clock
from sim.design import Checklist, Delivery, Design, Routing, Window
from sim.distributions import Dist, DistKind
from sim.monitor import MonitoredPriorityResource, MonitoredResource
from sim.recorder import Recorder
from sim.requests import Desk
from sim.scenario import AtClosing, Scenario, need_order, prerequisites
from sim.streams import Streams

ONE_STOP = "one_stop"
CHANNELS = ("in_person", "online", "specialist")
IN_PERSON, ONLINE, SPECIALIST = range(3)
NO_DRAWS: tuple[float, ...] = ()


class _ItemSpec:
    """An item compiled for the run: its resources, samplers and codes."""

    def __init__(self, name: str, scenario: Scenario, model: Model) -> None:
        item = scenario.items[name]
        streams = model.streams
        self.name = name
        self.code = model.recorder.items(name)
        self.department = item.department
        self.reviewers = model.resources[f"{item.department}.reviewers"]
        self.inspectors = model.resources.get(f"{item.department}.inspectors")
        self.intake = streams.sampler(f"intake/{name}", item.intake)
        self.review = streams.sampler(f"review/{name}", item.review) if item.review else None
        self.log_p = math.log(item.p_incomplete) if item.p_incomplete > 0 else 0.0
        self.incomplete = streams.uniform(f"incomplete/{name}") if self.log_p else None
        self.prepare = streams.sampler(f"prepare/{name}", item.prepare) if self.log_p else None
        inspection = item.inspection
        self.p_inspect = inspection.probability if inspection else 0.0
        self.inspect_draw = streams.uniform(f"inspection/{name}") if self.p_inspect else None
        self.inspect_time = (
            streams.sampler(f"inspection_time/{name}", inspection.duration) if self.p_inspect else None
        )
        self.pickup = item.pickup


class _NeedPlan:
    """How the design serves one need: order, dependencies, dossiers and where they go."""

    def __init__(self, need: str, scenario: Scenario, design: Design, model: Model) -> None:
        names = need_order(scenario, need)
        self.name = need
        self.code = model.recorder.needs(need)
        self.specs = tuple(model.items[n] for n in names)
        pos = {n: i for i, n in enumerate(names)}
        self.deps = tuple(tuple(pos[p] for p in prerequisites(scenario, n) if p in pos) for n in names)
        produced = {scenario.items[n].produces: n for n in names if scenario.items[n].produces}
        sharing = design.data_sharing

        def handed_over(n: str) -> list[str]:
            docs = scenario.items[n].documents
            return [d for d in docs if d not in produced] if sharing else list(docs)

        self.submit_docs = tuple(len(handed_over(n)) for n in names)
        self.distinct_documents = len({d for n in names for d in handed_over(n)})
        # Without data sharing an item that needs a document the need itself produces cannot be
        # in the upfront merged dossier: the applicant hands it in once the document is in hand.
        if design.checklist is Checklist.merged:
            self.upfront = tuple(
                i
                for i, n in enumerate(names)
                if sharing or not any(d in produced for d in scenario.items[n].documents)
            )
        else:
            self.upfront = ()
        self.in_upfront = tuple(i in self.upfront for i in range(len(names)))
        self._handed_over = tuple(frozenset(handed_over(n)) for n in names)
        one_stop = design.window is Window.one_stop
        lead = names[self.upfront[0]] if self.upfront else names[0]
        self.upfront_window = ONE_STOP if one_stop else scenario.items[lead].department
        self.window = tuple(ONE_STOP if one_stop else s.department for s in self.specs)
        # An output some later item needs in hand must reach the applicant before that item starts.
        needed = {d for ds in self.deps for d in ds}
        self.in_hand = tuple(not sharing and i in needed for i in range(len(names)))
        self.sequential = design.routing is Routing.sequential
        n = len(names)
        # What each item waits for before it starts: an output that exists (data sharing) or one
        # in the applicant's hand; in sequential routing, also the previous item being settled.
        self.ready_waits = tuple(self.deps[i] if sharing else () for i in range(n))
        self.settled_waits = tuple(
            (() if sharing else self.deps[i]) + ((i - 1,) if self.sequential and i > 0 else ())
            for i in range(n)
        )
        # Events are made only where someone waits on them: a one-item need makes none.
        self.ready_event = tuple(any(i in w for w in self.ready_waits) for i in range(n))
        self.settled_event = tuple(any(i in w for w in self.settled_waits) for i in range(n))
        self.accepted_event = tuple(i in self.upfront or not self.sequential for i in range(n))
        self.window_bits = tuple(model.window_bit[w] for w in self.window)
        self.alone = n == 1 and not self.upfront  # one item, handed in on its own
        mix = scenario.channels.get(need)
        self.channel_cut = (mix.in_person, mix.in_person + mix.online) if mix else None
        # What a case of this need draws on arrival; shared empty defaults where nothing is drawn.
        self.any_incomplete = any(s.log_p for s in self.specs)
        self.any_review = any(s.review for s in self.specs)
        self.any_inspection = any(s.p_inspect for s in self.specs)
        self.any_event = any(self.ready_event + self.settled_event + self.accepted_event)
        zeros, nones = (0,) * n, (None,) * n
        # A case of this need is made from a class of its own, whose defaults are what is not
        # drawn for it: opening a case then sets only what is its own.
        self.case = type(
            f"_Case[{need}]",
            (_Case,),
            {
                "plan": self,
                "n_fail": zeros,
                "prepare": (NO_DRAWS,) * n,
                "review": zeros,
                "inspect": nones,
                "ready": nones,
                "settled": nones,
                "accepted": nones,
            },
        )

    def merged_documents(self, items: list[int]) -> int:
        """Documents in one merged dossier for ``items``: each distinct document once."""
        return len(frozenset().union(*(self._handed_over[i] for i in items)))


class _Arriving(simpy.Process):
    """A process started by its arrival event, as if it had yielded it, instead of by SimPy's
    ``Initialize`` event a step after it is made: a case costs one SimPy event less (M/M/c 10 %
    faster). SimPy's ``Process.__init__`` with the start event swapped; it sets SimPy 4's
    private ``_generator`` and ``_target`` (simpy is pinned below 5, and tests/test_model.py
    fails if a process started so stops behaving like ``env.process``)."""

    def __init__(self, env: simpy.Environment, generator: Generator, arrival: simpy.Event) -> None:
        simpy.Event.__init__(self, env)
        self._generator = generator
        self._target = arrival
        arrival.callbacks.append(self._resume)


class _Case:
    """One applicant's case: the work drawn on arrival and what has happened so far. What most
    cases start with is a class default, so opening a case sets only what is its own."""

    channel = IN_PERSON
    trips = specialist_trips = documents = reworks = windows = 0
    waiting = mail = pickup_delay = 0.0
    pending: dict[str, list[int]] | None = None  # parallel routing: items about to go in together
    held: tuple[int, ...] = ()  # results held for one pickup at the one-stop window


class Model:
    """A service centre under one design, driven by one seed.

    Call ``run()`` once; then ``recorder`` holds the case and step records, ``resources`` the
    monitored staff pools and ``snapshots`` their areas at the warm-up and horizon times.
    """

    def __init__(
        self,
        scenario: Scenario,
        design: Design,
        seed: int,
        *,
        replication: int = 0,
        record_steps: bool = True,
    ) -> None:
        self.scenario = scenario
        self.design = design
        self.env = env = simpy.Environment()
        self.streams = Streams(seed, replication)
        self.recorder = rec = Recorder(record_steps)
        start = dt.date.fromisoformat(scenario.start_date)
        self.start_weekday = start.weekday()
        span = scenario.horizon + scenario.drain + 24 * 366

        def working_time(group: str) -> WorkingTime | None:
            name = getattr(scenario.hours, group)
            if name is None:
                return None
            return WorkingTime(scenario.calendars[name], start, span, f"scenario.calendars.{name}")

        self.window_hours = working_time("windows")
        self.office_hours = working_time("back_office")
        self.resources: dict[str, MonitoredResource] = {}
        requests = bool(scenario.requests.classes)
        for name, dept in scenario.departments.items():
            self._resource(f"{name}.clerks", dept.clerks, self.window_hours)
            # Request work can be pushed ahead of the queue: reviewers then serve by priority.
            self._resource(f"{name}.reviewers", dept.reviewers, self.office_hours, priority=requests)
            if dept.inspectors:
                self._resource(f"{name}.inspectors", dept.inspectors, self.office_hours)
        self._resource(f"{ONE_STOP}.clerks", scenario.one_stop.clerks, self.window_hours)
        if scenario.specialists.staff:
            self._resource("specialists", scenario.specialists.staff, self.window_hours)
        if requests:
            self._resource("coordinators", scenario.requests.coordinators, self.office_hours)
        self.windows = {name: self.resources[f"{name}.clerks"] for name in [*scenario.departments, ONE_STOP]}
        self.window_bit = {name: 1 << k for k, name in enumerate(self.windows)}
        self.send_home = scenario.at_closing is AtClosing.send_home
        self.items = {name: _ItemSpec(name, scenario, self) for name in scenario.items}
        self.plans = {need: _NeedPlan(need, scenario, design, self) for need in scenario.demand}
        self.rate = sum(scenario.demand.values())
        self._mix = [(plan, scenario.demand[need] / self.rate) for need, plan in self.plans.items()]
        # Arrivals run on the windows' open hours; a demand profile thins them from its peak rate.
        profile = scenario.demand_profile
        self._hourly = tuple(profile.hour_of_day) if profile else None
        self._daily = tuple(profile.day_of_week) if profile else None
        self.peak = max(self._hourly) * max(self._daily) if profile else 1.0
        self.thinning = profile is not None
        self._thin = self.streams.uniform("arrival_thinning") if self.thinning else None
        self._interarrival = self.streams.sampler(
            "arrivals", Dist(dist=DistKind.exponential, mean=1 / (self.rate * self.peak))
        )
        self._need_draw = self.streams.uniform("need_mix") if len(self._mix) > 1 else None
        mail, pickup = scenario.mail, scenario.pickup_delay
        by_mail = design.delivery is Delivery.mail
        online = any(mix.online > 0 for mix in scenario.channels.values())
        self._mail = self.streams.sampler("mail", mail) if (by_mail or online) and mail else None
        self._channel_draw = self.streams.uniform("channel") if scenario.channels else None
        self._pickup_delay = self.streams.sampler("pickup_delay", pickup) if pickup and not by_mail else None
        self.act = {
            a: rec.activities(a) for a in ("intake", "prepare", "review", "inspection", "pickup", "mail")
        }
        self.res_code = {name: rec.resources(name) for name in [*self.resources, "applicant", "post"]}
        self.open: dict[int, _Case] = {}
        self.arrived = 0
        self._arrivals_over = False
        self._drained = env.event()
        self.snapshots: dict[str, dict[str, tuple[float, float]]] = {}
        self.desk = Desk(self) if requests else None

    def _resource(self, name: str, capacity: int, hours: WorkingTime | None, priority: bool = False) -> None:
        kind = MonitoredPriorityResource if priority else MonitoredResource
        self.resources[name] = kind(self.env, capacity, name, hours)

    # -- driving the run -------------------------------------------------------------------

    def run(self) -> None:
        env, s = self.env, self.scenario
        env.process(self._arrivals())
        if self.desk is not None:
            self.desk.start()
        for pool, changes in s.shifts.items():
            env.process(self._shifts(self.resources[pool], changes))
        env.process(self._snapshot_at(s.warmup, "warmup"))
        env.process(self._snapshot_at(s.horizon, "horizon"))
        env.run(until=env.any_of([self._drained, env.timeout(s.horizon + s.drain)]))
        for case in sorted(self.open.values(), key=lambda c: c.id):
            self._record(case, math.nan)
        if self.desk is not None:
            self.desk.record_open()

    def check_drained(self) -> None:
        """End the run early once arrivals are over and nothing is left open."""
        desk = self.desk
        if not self._arrivals_over or self.open or self._drained.triggered:
            return
        if desk is None or (desk.arrivals_over == len(desk.specs) and not desk.open):
            self._drained.succeed()

    def _shifts(self, pool: MonitoredResource, changes: dict[str, int]) -> Generator:
        """Set the pool's staff at the given clock times every day; before the day's first change
        the previous day's last count holds."""
        times = sorted((parse_clock(clock, pool.name), staff) for clock, staff in changes.items())
        pool.set_capacity(times[-1][1])
        day = 0.0
        while True:
            for at, staff in times:
                yield self.env.timeout(day + at - self.env.now)
                pool.set_capacity(staff)
            day += 24.0

    def _snapshot_at(self, t: float, label: str) -> Generator:
        yield self.env.timeout(t)
        self.snapshots[label] = {name: r.areas() for name, r in self.resources.items()}

    def arrivals(
        self,
        interarrival: Callable[[], float],
        thin: Callable[[], float] | None,
        arrive: Callable[[float, simpy.Event], None],
    ) -> Generator:
        """Poisson arrivals until the horizon, thinned (when ``thin`` is given) to the demand
        profile. Each one kept is announced one arrival ahead: ``arrive(t, arrival)`` with its
        time and the event that fires then, so the caller starts its work on that event.
        Permits and requests share it.

        With a windows' calendar the Poisson clock runs in open hours, so no candidate falls
        while the windows are closed: the same process as thinning them away, without the
        night's and the weekend's events. A candidate's time is known when it is drawn, so it
        is thinned then, without an event of its own.
        """
        env, hours = self.env, self.window_hours
        horizon = self.scenario.horizon
        clock = env.now if hours is None else hours.open_hours(env.now)
        end = horizon if hours is None else hours.open_hours(horizon)
        while True:
            clock += interarrival()
            if clock > end:
                return
            t = clock if hours is None else hours.at(clock)
            if thin is not None and thin() >= self.accept(t):
                continue
            arrival = env.timeout(t - env.now)
            arrive(t, arrival)
            yield arrival

    def _arrivals(self) -> Generator:
        yield from self.arrivals(self._interarrival, self._thin, self._arrive)
        yield self.env.timeout(self.scenario.horizon - self.env.now)
        self._arrivals_over = True
        self.check_drained()

    def _arrive(self, t: float, arrival: simpy.Event) -> None:
        """An applicant will arrive at ``t``: draw the need, open the case, and serve it from
        ``arrival`` on."""
        if self._need_draw is None:
            plan = self._mix[0][0]
        else:
            u = self._need_draw()
            for plan, share in self._mix:  # noqa: B007 - the last plan absorbs rounding
                u -= share
                if u < 0:
                    break
        c = self._new_case(plan, t)
        _Arriving(self.env, self._item(c, 0) if plan.alone else self._serve(c), arrival)

    def accept(self, t: float) -> float:
        """Probability that a candidate arrival at ``t`` is kept: the demand profile at ``t``
        relative to its peak."""
        day = int(t // 24)
        return self._hourly[int(t % 24)] * self._daily[(self.start_weekday + day) % 7] / self.peak

    def _new_case(self, plan: _NeedPlan, arrival: float) -> _Case:
        """Open a case arriving at ``arrival`` and draw all its work now, in a design-independent
        order."""
        c = plan.case()
        c.id = self.arrived
        self.arrived += 1
        c.arrival = arrival
        specs = plan.specs
        if plan.any_incomplete:
            c.n_fail = n_fail = [int(math.log1p(-s.incomplete()) / s.log_p) if s.log_p else 0 for s in specs]
            attempts = max(n_fail) + 1
            c.intake = [[s.intake() for _ in range(attempts)] for s in specs]
            c.prepare = [
                [s.prepare() for _ in range(n)] if n else NO_DRAWS for s, n in zip(specs, n_fail, strict=True)
            ]
        elif len(specs) == 1:
            c.intake = [(specs[0].intake(),)]
        else:
            c.intake = [(s.intake(),) for s in specs]
        if plan.any_review:
            c.review = [s.review() if s.review else 0.0 for s in specs]
        if plan.any_inspection:
            c.inspect = [
                (s.inspect_time() if s.inspect_draw() < s.p_inspect else None) if s.p_inspect else None
                for s in specs
            ]
        if self._channel_draw is not None:
            u = self._channel_draw()
            if plan.channel_cut is not None:
                c.channel = (
                    IN_PERSON
                    if u < plan.channel_cut[0]
                    else ONLINE
                    if u < plan.channel_cut[1]
                    else SPECIALIST
                )
        if self._mail is not None:
            c.mail = self._mail()
        if self._pickup_delay is not None:
            c.pickup_delay = self._pickup_delay()
        if plan.any_event:
            event = self.env.event
            c.ready = [event() if f else None for f in plan.ready_event]
            c.settled = [event() if f else None for f in plan.settled_event]
            c.accepted = [event() if f else None for f in plan.accepted_event]
        c.accepted_at = [math.nan] * len(specs)
        if not plan.sequential:
            c.pending = {}
        self.open[c.id] = c
        return c

    # -- the applicant's path ----------------------------------------------------------------

    def _serve(self, c: _Case) -> Generator:
        """A case of several items, or with a merged dossier handed in first (a need of one item
        handed in on its own is served by its item's process alone)."""
        plan = c.plan
        if plan.upfront:
            yield from self._visit(c, plan.upfront_window, list(plan.upfront), merged=True)
        if len(plan.specs) == 1:
            yield from self._item(c, 0)
        else:
            yield self.env.all_of([self.env.process(self._item(c, i)) for i in range(len(plan.specs))])
        if c.held:
            yield from self._pickup_held(c)
        self._close(c)

    def _pickup_held(self, c: _Case) -> Generator:
        """Collect the results held at the one-stop window in one trip."""
        env, now = self.env, self.env.now
        yield from self._come_for_results(c)
        self._trip(c, self.window_bit[ONE_STOP])
        res = self.res_code["one_stop.clerks"]
        self.recorder.step(
            c.id, self._label(c.plan, sorted(c.held)), self.act["pickup"], res, now, env.now, env.now
        )

    def _close(self, c: _Case) -> None:
        del self.open[c.id]
        self._record(c, self.env.now)
        if self._arrivals_over and not self.open:
            self.check_drained()

    def _item(self, c: _Case, i: int) -> Generator:
        env, plan, act = self.env, c.plan, self.act
        spec = plan.specs[i]
        if plan.ready_waits[i] or plan.settled_waits[i]:
            waits = [c.ready[d] for d in plan.ready_waits[i]] + [c.settled[d] for d in plan.settled_waits[i]]
            yield env.all_of(waits)
        if plan.in_upfront[i]:
            yield c.accepted[i]
        elif plan.sequential:  # one item is due at a time
            yield from self._visit(c, plan.window[i], [i], merged=False)
        else:
            yield from self._submit(c, i)
        if spec.review is not None:
            yield from self._work(c, spec.code, act["review"], spec.reviewers, c.review[i])
        if c.inspect[i] is not None:
            yield from self._work(c, spec.code, act["inspection"], spec.inspectors, c.inspect[i])
        self.recorder.decision((c.id, spec.code, c.accepted_at[i], env.now))
        if c.ready[i] is not None:
            c.ready[i].succeed()
        # Decided at the window while the applicant is there, or issued electronically: in hand.
        if spec.pickup and env.now != c.accepted_at[i]:
            yield from self._deliver(c, i)
        if c.settled[i] is not None:
            c.settled[i].succeed()
        if plan.alone:  # this is the case's own process
            if c.held:
                yield from self._pickup_held(c)
            self._close(c)

    def _submit(self, c: _Case, i: int) -> Generator:
        """Hand in item ``i``'s dossier in parallel routing: items due at one window at the same
        moment go in one visit."""
        window = c.plan.window[i]
        batch = c.pending.get(window)
        if batch is None:
            c.pending[window] = [i]
            self.env.process(self._visit_batch(c, window))
        else:
            batch.append(i)
        yield c.accepted[i]

    def _visit_batch(self, c: _Case, window: str) -> Generator:
        yield self.env.timeout(0)  # let every item due at this instant join the visit
        batch = c.pending.pop(window)
        yield from self._visit(c, window, batch, merged=False)

    def _visit(self, c: _Case, window: str, items: list[int], merged: bool) -> Generator:
        """Trips to ``window`` until the dossier for ``items`` is accepted.

        At attempt k an item's part is incomplete when k < its drawn number of failures; only
        rejected parts are checked and handed over again. Separate dossiers are accepted one by
        one; a merged dossier counts shared documents once and is accepted when all is complete.
        """
        env, rec, plan = self.env, self.recorder, c.plan
        resource = self.windows[window]
        bit = self.window_bit[window]
        n_fail, intake, hours = c.n_fail, c.intake, self.window_hours
        online = c.channel == ONLINE
        specialists = self.resources["specialists"] if c.channel == SPECIALIST else None
        k = 0
        while True:
            if specialists is not None:  # a specialist makes the trip for the firm
                ask = env.now
                helper = specialists.seize(c)
                if helper is not c:
                    yield helper
                c.waiting += env.now - ask
            if not online and hours is not None:
                opening = hours.next_open(env.now)
                if opening > env.now:
                    yield env.timeout(opening - env.now)  # the visit starts at opening
            self._trip(c, bit)
            enqueue = env.now
            seat = resource.seize(c)
            if seat is not c:
                if not online and hours is not None and self.send_home:
                    got = yield seat | env.timeout(hours.next_close(enqueue) - enqueue)
                    if seat not in got:  # still queueing at closing time: sent home, a lost trip
                        seat.cancel()
                        c.waiting += env.now - enqueue
                        if specialists is not None:
                            specialists.free(helper)
                        continue
                else:
                    yield seat
            start = env.now
            c.waiting += start - enqueue
            if len(items) == 1:  # the common case, without the generic sums
                i = items[0]
                c.documents += plan.submit_docs[i]
                work = intake[i][k]
            else:
                docs = plan.merged_documents(items) if merged else sum(plan.submit_docs[i] for i in items)
                c.documents += docs
                work = sum(intake[i][k] for i in items)
            yield env.timeout(work if hours is None else hours.finish(start, work) - start)
            resource.free(seat)
            if specialists is not None:
                specialists.free(helper)
            end = env.now
            if rec.record_steps:
                label = self._label(plan, items)
                rec.step(c.id, label, self.act["intake"], self.res_code[resource.name], enqueue, start, end)
            if len(items) == 1:  # again the common case, without building lists
                failing = items if n_fail[items[0]] > k else ()
            else:
                failing = [i for i in items if n_fail[i] > k]
            if not failing:
                accepted = plan.upfront if merged else items
            else:
                accepted = () if merged else [i for i in items if n_fail[i] <= k]
            for i in accepted:
                c.accepted_at[i] = end
                if c.accepted[i] is not None:
                    c.accepted[i].succeed()
            if not failing:
                return
            c.reworks += 1
            delay = max(c.prepare[i][k] for i in failing)
            if rec.record_steps:
                rec.step(c.id, label, self.act["prepare"], self.res_code["applicant"], end, end, end + delay)
            yield env.timeout(delay)
            items = failing
            k += 1

    def _work(
        self, c: _Case, item_code: int, activity: int, resource: MonitoredResource, work: float
    ) -> Generator:
        env = self.env
        enqueue = env.now
        hours = self.office_hours
        seat = resource.seize(c)
        if seat is not c:
            yield seat
        start = env.now
        c.waiting += start - enqueue
        yield env.timeout(work if hours is None else hours.finish(start, work) - start)
        resource.free(seat)
        self.recorder.step(c.id, item_code, activity, self.res_code[resource.name], enqueue, start, env.now)

    def _deliver(self, c: _Case, i: int) -> Generator:
        """Bring item ``i``'s paper result to the applicant, or hold it for the joint pickup."""
        env, plan = self.env, c.plan
        spec = plan.specs[i]
        now = env.now
        if self.design.delivery is Delivery.mail or c.channel == ONLINE:
            self.recorder.step(
                c.id, spec.code, self.act["mail"], self.res_code["post"], now, now, now + c.mail
            )
            yield env.timeout(c.mail)
            return
        window = plan.window[i]
        if window != ONE_STOP or plan.in_hand[i]:
            yield from self._come_for_results(c)
            self._trip(c, plan.window_bits[i])
            res = self.res_code[f"{window}.clerks"]
            self.recorder.step(c.id, spec.code, self.act["pickup"], res, now, env.now, env.now)
        else:
            c.held += (i,)

    def _come_for_results(self, c: _Case) -> Generator:
        """The applicant's delay after being told, then the next opening of the windows."""
        env = self.env
        yield env.timeout(c.pickup_delay)
        if self.window_hours is not None:
            yield env.timeout(self.window_hours.next_open(env.now) - env.now)

    def _trip(self, c: _Case, window_bit: int) -> None:
        """A visit to a window: the applicant's trip, a specialist's on their behalf, or none online."""
        if c.channel == IN_PERSON:
            c.trips += 1
        elif c.channel == SPECIALIST:
            c.specialist_trips += 1
        else:
            return
        c.windows |= window_bit

    def _label(self, plan: _NeedPlan, items: list[int]) -> int:
        if len(items) == 1:
            return plan.specs[items[0]].code
        return self.recorder.items("+".join(plan.specs[i].name for i in items))

    def _record(self, c: _Case, completion: float) -> None:
        self.recorder.case(
            (
                c.id,
                c.plan.code,
                c.channel,
                c.trips,
                c.specialist_trips,
                c.documents,
                c.plan.distinct_documents,
                c.windows.bit_count(),
                c.reworks,
                c.arrival,
                completion,
                c.waiting,
            )
        )
