"""Applicants and their permits: windows, back offices and what the applicant lives through.

An applicant arrives with a need (a set of items) and is served by the design's levers:
where the dossier is handed in (each department's window or the one-stop window), whether
it is one merged dossier or one per item, whether items go one after another or in
parallel, whether outputs of earlier items reach later ones without the applicant, and
whether results are collected or mailed. The model counts what the applicant lives through:
trips, documents handed over, waiting, reworks and lead time.

Every random quantity of a case is drawn when it arrives, from streams named by purpose,
in an order that does not depend on the design: the same seed meets the same applicants
with the same work under every design (common random numbers).
"""

from __future__ import annotations

import math
from collections.abc import Generator
from functools import partial

import simpy

from sim.domain.design import Delivery, Design
from sim.domain.distributions import Dist, DistKind
from sim.model.centre import ONE_STOP, Centre
from sim.model.office import BackOffice
from sim.model.plans import (
    APPLICANT,
    DECIDED,
    DELIVERY,
    IN_HAND,
    IN_PERSON,
    OFFICE_QUEUE,
    OFFICE_WORK,
    ONLINE,
    PARTS,
    PROACTIVE,
    SCHEDULED,
    Case,
    ItemSpec,
    NeedPlan,
    later,
)
from sim.model.windows import Windows

ACTIVITIES = ("intake", "prepare", "review", "inspection", "pickup", "mail")


class Permits:
    """The applicants' service of a centre under one design: arrivals by need, and each case's
    path through windows and back offices. ``open`` holds the cases not yet finished."""

    def __init__(self, centre: Centre, design: Design) -> None:
        scenario, streams, rec = centre.scenario, centre.streams, centre.recorder
        self.centre, self.design, self.env = centre, design, centre.env
        self.window_hours, self.office_hours = centre.window_hours, centre.office_hours
        self.act = {a: rec.activities(a) for a in ACTIVITIES}
        if any(s.returns for item in scenario.items.values() for s in item.steps):
            self.act["supplement"] = rec.activities("supplement")  # the applicant's 补正
            self.act["hand_in"] = rec.activities("hand_in")  # ... handed over at the window
        if any(item.entry for item in scenario.items.values()):
            self.act["entry"] = rec.activities("entry")  # the window clerk's own work
        self.office = BackOffice(centre, design)
        items = {name: ItemSpec(name, centre, design, self.office) for name in scenario.items}
        self.plans = {need: NeedPlan(need, scenario, design, centre, items) for need in scenario.demand}
        rate = sum(scenario.demand.values())
        self._mix = [(plan, scenario.demand[need] / rate) for need, plan in self.plans.items()]
        self._thin = streams.uniform("arrival_thinning") if centre.thinning else None
        self._interarrival = streams.sampler(
            "arrivals", Dist(dist=DistKind.exponential, mean=1 / (rate * centre.peak))
        )
        self._need_draw = streams.uniform("need_mix") if len(self._mix) > 1 else None
        mail, pickup = scenario.mail, scenario.pickup_delay
        self.by_mail = design.delivery is Delivery.mail
        online = any(mix.online > 0 for mix in scenario.channels.values())
        self._mail = streams.sampler("mail", mail) if (self.by_mail or online) and mail else None
        self._channel_draw = streams.uniform("channel") if scenario.channels else None
        self._pickup_delay = streams.sampler("pickup_delay", pickup) if pickup and not self.by_mail else None
        self.res_code = {name: rec.resources(name) for name in [*centre.pools, "applicant", "post"]}
        self.windows = Windows(centre, self.act, self.res_code)
        self.recorder = rec
        self.open: dict[int, Case] = {}
        self.arrived = 0
        self.arrivals_over = False

    # -- the service in the centre -------------------------------------------------------------

    def start(self) -> None:
        self.env.process(self._arrivals())

    def idle(self) -> bool:
        return self.arrivals_over and not self.open

    def record_open(self) -> None:
        unknown = [math.nan] * len(PARTS)
        for case in sorted(self.open.values(), key=lambda c: c.id):
            self._record(case, math.nan, unknown)

    def _arrivals(self) -> Generator:
        yield from self.centre.arrivals(self._interarrival, self._thin, self._arrive)
        yield self.env.timeout(self.centre.scenario.horizon - self.env.now)
        self.arrivals_over = True
        self.centre.check_drained()

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
        self.env.start_on(arrival, self._journey(self._new_case(plan, t)))

    def submit(self, need: str) -> int:
        """Open a case of ``need`` now and serve it: what arrivals do, for scripting cases by
        hand. Returns the case's number."""
        c = self._new_case(self.plans[need], self.env.now)
        self.env.process(self._journey(c))
        return c.id

    def _journey(self, c: Case) -> Generator:
        """The case's process: its item's alone (a need of one item handed in on its own), or
        the need's; its lead-time breakdown starts empty."""
        path = [0.0] * len(PARTS)
        return self._item(c, 0, path) if c.plan.alone else self._serve(c, path)

    def _new_case(self, plan: NeedPlan, arrival: float) -> Case:
        """Open a case arriving at ``arrival`` and draw all its work now, in a design-independent
        order."""
        c = Case(plan, self.arrived, arrival)
        self.arrived += 1
        specs = plan.specs
        if plan.any_incomplete:
            drawn, c.n_fail = zip(*(s.failures() if s.log_p else (0, 0) for s in specs), strict=True)
            attempts = max(drawn) + 1
            c.intake = [[s.intake() for _ in range(attempts)] for s in specs]
            c.prepare = [
                [s.prepare() for _ in range(n)] if n else () for s, n in zip(specs, drawn, strict=True)
            ]
        else:
            c.intake = [(s.intake(),) for s in specs]
        if plan.any_back_office:
            c.work = [s.route.draw() for s in specs]
        if plan.any_entry:
            c.entry = [s.entry() if s.entry is not None else 0.0 for s in specs]
        if plan.any_commitment:
            c.falsified = [s.falsified() < s.p_false if s.falsified else False for s in specs]
        if plan.any_automatic:
            c.automatic = [s.automatic() < s.p_automatic if s.automatic else False for s in specs]
        if plan.found is not None:
            found = plan.found() < plan.p_found
            c.found_delays = [s.found_delay() if s.found_delay else 0.0 for s in specs]
            c.found = found and plan.proactive
        if self._channel_draw is not None:
            u = self._channel_draw()
            if plan.channel_map is not None:
                in_person, online, if_online, if_specialist = plan.channel_map
                c.channel = IN_PERSON if u < in_person else if_online if u < online else if_specialist
        if c.found:  # drawn its channel like anyone (common random numbers), came by none
            c.channel = PROACTIVE
        if plan.away is not None:
            c.away = plan.away() < plan.p_away
            forward = plan.forward() if plan.forward is not None else 0.0
            if c.away and plan.anywhere:  # filed at the nearest centre, which passes it on
                c.forward = forward
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
        if plan.deps_met_by is not None:
            c.available_at = [math.nan] * len(specs)
        if not plan.sequential:
            c.pending = {}
        self.open[c.id] = c
        return c

    # -- the applicant's path ----------------------------------------------------------------

    def _serve(self, c: Case, path: list[float]) -> Generator:
        """A case of several items, or with a merged dossier handed in first (a need of one item
        handed in on its own is served by its item's process alone). ``path`` is the case's
        lead-time breakdown so far; each item carries its own, and the last to finish is the case's."""
        env, plan = self.env, c.plan
        if plan.upfront and not c.found:
            yield from self.windows.visit(c, plan.upfront_window, list(plan.upfront), True, path)
        if len(plan.specs) == 1:
            path = yield from self._item(c, 0, path)
        else:
            done = yield env.all_of(
                [env.process(self._item(c, i, list(path))) for i in range(len(plan.specs))]
            )
            for item_path in done.values():
                path = later(path, item_path)
        if c.held:
            yield from self._pickup_held(c, path)
        self._close(c, path)

    def _item(self, c: Case, i: int, path: list[float]) -> Generator:
        """Item ``i`` of a case: wait for what it needs, hand it in, its back office, decision,
        and the result to the applicant. Returns its lead-time breakdown."""
        env, plan = self.env, c.plan
        spec = plan.specs[i]
        if plan.waits_first[i]:
            waits = [c.ready[d] for d in plan.ready_waits[i]] + [c.settled[d] for d in plan.settled_waits[i]]
            waits += [c.accepted[d] for d in plan.accepted_waits[i]]
            got = yield env.all_of(waits)
            for other in got.values():
                path = later(path, other)
        if c.found:  # 免申办: found from shared data, the file starts without an application
            delay = c.found_delays[i]
            if delay:
                yield env.timeout(delay)
                path[SCHEDULED] += delay
            self.windows.accept(c, [i], path)
        elif plan.in_upfront[i]:
            path = later(path, (yield c.accepted[i]))
        elif plan.sequential:  # one item is due at a time
            yield from self.windows.visit(c, plan.window[i], [i], False, path)
        else:
            path = later(path, (yield from self._submit(c, i, path)))
        # The statutory clock runs from when the item could start: accepted, and the outputs of
        # its prerequisites available (a wait for them is not the item's office's time).
        started = c.accepted_at[i]
        for d in plan.deps[i]:
            started = max(started, c.available_at[d])
        verdict, paused = 0, 0.0
        if c.forward and not c.found:  # 跨域办: on its way from the receiving centre
            yield env.timeout(c.forward)
            path[SCHEDULED] += c.forward
        if spec.by_rules and c.automatic[i]:  # 智能办: a standard case, decided by rules at once
            verdict = 3
        elif spec.steps:
            due = self._due(c, i, started) if spec.due_first else 0.0
            supplement = partial(self._supplement, c, i, path) if spec.returns else None
            if spec.on_commitment:  # decided now on the signed commitment; the office checks after
                office_only = [0.0] * len(PARTS)  # its time is the office's, not the applicant's
                env.process(self._office(c, i, due, office_only, False, supplement))
                verdict = 2 if c.falsified[i] else 1
            elif spec.entry is None:  # straight to the back office (the common case, one generator less)
                paused = yield from self.office.handle(
                    c, spec.code, spec.steps, spec.kept, c.work[i], due, path, True, supplement
                )
            else:
                paused = yield from self._office(c, i, due, path, True, supplement)
        if plan.decided_waits[i]:  # joint approval: final once the items it needs are decided
            got = yield env.all_of([c.ready[d] for d in plan.decided_waits[i]])
            for other in got.values():
                path = later(path, other)
        self.recorder.decision((c.id, spec.code, verdict, c.accepted_at[i], started, env.now, paused))
        if plan.deps_met_by is DECIDED:
            c.available_at[i] = env.now
        if c.ready[i] is not None:
            c.ready[i].succeed(list(path))
        # Decided at the window while the applicant is there, or issued electronically: in hand.
        if spec.pickup and env.now != c.accepted_at[i] and not c.found:
            yield from self._deliver(c, i, path)
        if plan.deps_met_by is IN_HAND:
            c.available_at[i] = env.now
        if c.settled[i] is not None:
            c.settled[i].succeed(list(path))
        if plan.alone:  # this is the case's own process
            if c.held:
                yield from self._pickup_held(c, path)
            self._close(c, path)
        return path

    def _office(self, c: Case, i: int, due: float, path: list[float], waits: bool, supplement) -> Generator:
        """Item ``i``'s file after acceptance: the window clerk's own work on it, then its back
        office. Returns the hours the legal clock stood still."""
        spec = c.plan.specs[i]
        if spec.entry is not None:
            yield from self._entry(c, i, path)
        return (
            yield from self.office.handle(
                c, spec.code, spec.steps, spec.kept, c.work[i], due, path, waits, supplement
            )
        )

    def _entry(self, c: Case, i: int, path: list[float]) -> Generator:
        """The clerk's own work on the accepted dossier (data entry, scanning) at the window that
        took it in, in the windows' open hours, with the applicant gone."""
        env, plan = self.env, c.plan
        window = plan.upfront_window if plan.in_upfront[i] else plan.window[i]
        pool = self.windows.pools[window]
        enqueue = env.now
        seat = pool.seize(c)
        if seat is not c:
            yield seat
        start, work = env.now, c.entry[i]
        yield env.timeout(
            work if self.window_hours is None else self.window_hours.finish(start, work) - start
        )
        pool.free(seat)
        path[OFFICE_QUEUE] += start - enqueue
        path[OFFICE_WORK] += env.now - start
        if self.recorder.record_steps:
            code = plan.specs[i].code
            self.recorder.step(
                c.id, code, self.act["entry"], self.res_code[pool.name], enqueue, start, env.now
            )

    def _supplement(self, c: Case, i: int, path: list[float], documents: int, prepare: float) -> Generator:
        """补正: the applicant gathers the supplementary documents the reviewer asked for and hands
        them over, at the item's window (a trip, or a specialist's) unless filed online or
        accepted tolerantly (sent in); then the file goes back to the step."""
        env, plan = self.env, c.plan
        now, code, window = env.now, plan.specs[i].code, plan.window[i]
        channel = plan.channel_for(c.channel, (i,))
        in_person = channel != ONLINE and not plan.specs[i].tolerant
        yield env.timeout(prepare)
        if in_person and self.window_hours is not None:
            yield env.timeout(self.window_hours.next_open(env.now) - env.now)
        path[APPLICANT] += env.now - now
        c.documents += documents  # not a rework: that counts dossiers sent back at the window
        record = self.recorder.record_steps
        if record:
            applicant = self.res_code["applicant"]
            self.recorder.step(c.id, code, self.act["supplement"], applicant, now, now, env.now)
        if in_person:  # handed over at the window, as a result is picked up: a trip, no queue
            self.windows.trip(c, window, channel)
            if record:
                clerks, t = self.res_code[f"{window}.clerks"], env.now
                self.recorder.step(c.id, code, self.act["hand_in"], clerks, t, t, t)

    def _due(self, c: Case, i: int, started: float) -> float:
        """When item ``i``'s limit runs out, in working days of the back office: the bundle's own
        committed limit from the merged dossier's acceptance, else the item's limit under the
        design from when it could start (none: never)."""
        plan, hours = c.plan, self.office_hours
        days, since = plan.specs[i].limit_days, started
        if plan.bundle_days is not None and plan.in_upfront[i]:
            days, since = plan.bundle_days, c.accepted_at[i]
        if days is None:
            return math.inf
        return since + 24 * days if hours is None else hours.finish(since, days * hours.day_hours)

    def _submit(self, c: Case, i: int, path: list[float]) -> Generator:
        """Hand in item ``i``'s dossier in parallel routing: items due at one window at the same
        moment go in one visit. Returns the breakdown at its acceptance."""
        window = c.plan.window[i]
        batch = c.pending.get(window)
        if batch is None:
            c.pending[window] = [i]
            self.env.process(self._visit_batch(c, window, list(path)))
        else:
            batch.append(i)
        return (yield c.accepted[i])

    def _visit_batch(self, c: Case, window: str, path: list[float]) -> Generator:
        yield self.env.timeout(0)  # let every item due at this instant join the visit
        batch = c.pending.pop(window)
        yield from self.windows.visit(c, window, batch, False, path)

    def _deliver(self, c: Case, i: int, path: list[float]) -> Generator:
        """Bring item ``i``'s paper result to the applicant, or hold it for the joint pickup."""
        env, plan = self.env, c.plan
        spec = plan.specs[i]
        now = env.now
        if self.by_mail or plan.channel_for(c.channel, (i,)) == ONLINE:
            self.recorder.step(
                c.id, spec.code, self.act["mail"], self.res_code["post"], now, now, now + c.mail
            )
            path[DELIVERY] += c.mail
            yield env.timeout(c.mail)
            return
        window = plan.window[i]
        if window != ONE_STOP or plan.in_hand[i]:
            yield from self._come_for_results(c, path)
            self.windows.trip(c, window, plan.channel_for(c.channel, (i,)))
            res = self.res_code[f"{window}.clerks"]
            self.recorder.step(c.id, spec.code, self.act["pickup"], res, now, env.now, env.now)
        else:
            c.held += (i,)

    def _pickup_held(self, c: Case, path: list[float]) -> Generator:
        """Collect the results held at the one-stop window in one trip."""
        env, now = self.env, self.env.now
        yield from self._come_for_results(c, path)
        self.windows.trip(c, ONE_STOP, c.plan.channel_for(c.channel, c.held))
        res = self.res_code["one_stop.clerks"]
        self.recorder.step(
            c.id, self.windows.label(c.plan, sorted(c.held)), self.act["pickup"], res, now, env.now, env.now
        )

    def _come_for_results(self, c: Case, path: list[float]) -> Generator:
        """The applicant's delay after being told, then the next opening of the windows."""
        env, told = self.env, self.env.now
        yield env.timeout(c.pickup_delay)
        if self.window_hours is not None:
            yield env.timeout(self.window_hours.next_open(env.now) - env.now)
        path[APPLICANT] += env.now - told

    def _close(self, c: Case, path: list[float]) -> None:
        del self.open[c.id]
        self._record(c, self.env.now, path)
        if self.arrivals_over and not self.open:
            self.centre.check_drained()

    def _record(self, c: Case, completion: float, path: list[float]) -> None:
        plan = c.plan
        self.recorder.case(
            (
                c.id,
                plan.code,
                c.channel,
                c.trips,
                c.specialist_trips,
                c.far_trips,
                c.documents,
                0 if c.found else plan.distinct_documents,  # a case found asks for nothing
                len(c.windows),
                c.reworks,
                c.arrival,
                completion,
                c.waiting,
                *path,
            )
        )
