"""The windows: an applicant's visits (or a specialist's on their behalf) until a dossier is
accepted, what each visit hands over and costs, and the trips counted.

A visit waits for the windows to open and for a clerk (sent home at closing, a lost trip, when
the scenario says so), hands in the parts still due, and is told which are incomplete; only
those come back, after the applicant has fixed them.

An applicant is at the window only while the dossier is checked with them: a clerk calls the
next number only when the open time left today covers that applicant's expected service (the
items' mean intake), and finishes an applicant already called even past closing. One not
called is first in line at the next opening (``at_closing: serve``: the number stays good) or
comes back then, a trip of its own (``send_home``). The clerk's own work on an accepted
dossier (``Item.entry``: data entry, scanning) comes after the applicant has left.
"""

from __future__ import annotations

from collections.abc import Callable, Generator

import simpy

from sim.domain.scenario import AtClosing
from sim.model.centre import ONE_STOP, Centre
from sim.model.plans import (
    ACCEPTED,
    APPLICANT,
    IN_PERSON,
    OFFICE_QUEUE,
    ONLINE,
    SPECIALIST,
    WINDOW_QUEUE,
    WINDOW_SERVICE,
    Case,
    NeedPlan,
)


class Windows:
    """The centre's windows (each department's and the one-stop window) and the specialists who
    visit them for firms."""

    def __init__(self, centre: Centre, act: dict[str, int], res_code: dict[str, int]) -> None:
        scenario = centre.scenario
        self.env, self.recorder, self.window_hours = centre.env, centre.recorder, centre.window_hours
        self.pools = {name: centre.pools[f"{name}.clerks"] for name in [*scenario.departments, ONE_STOP]}
        self.specialists = centre.pools.get("specialists")
        self.send_home = scenario.at_closing is AtClosing.send_home and self.window_hours is not None
        self.act, self.res_code = act, res_code
        # 办不成事: after this many rejections a case is referred to the request service (None: never)
        self.refer: Callable[[], simpy.Event] | None = None
        self.refer_after = 0

    def visit(self, c: Case, window: str, items: list[int], merged: bool, path: list[float]) -> Generator:
        """Trips to ``window`` until the dossier for ``items`` is accepted, the time added to ``path``.

        At attempt k an item's part is incomplete when k < its drawn number of failures; only
        rejected parts are checked and handed over again. Separate dossiers are accepted one by
        one; a merged dossier counts shared documents once and is accepted when all is complete.
        """
        env, pool = self.env, self.pools[window]
        if c.plan.windowless and not any(c.plan.specs[i].window for i in items):  # filed straight in
            self._verdict(c, items, 0, merged, path)
            return
        channel = c.plan.channel_for(c.channel, items)
        on_site = channel != ONLINE
        helper = self.specialists if channel == SPECIALIST else None
        k = 0
        while True:
            if helper is not None:  # a specialist makes the trip for the firm
                ask = env.now
                seat = helper.seize(c)
                if seat is not c:
                    yield seat
                c.waiting += env.now - ask
                path[WINDOW_QUEUE] += env.now - ask
            if on_site and self.window_hours is not None:
                opening = self.window_hours.next_open(env.now)
                if opening > env.now:
                    path[APPLICANT] += opening - env.now
                    yield env.timeout(opening - env.now)  # the visit starts at opening
            self.trip(c, window, channel)
            enqueue = env.now
            turn = pool.seize(c)
            if turn is not c:
                if not (on_site and self.send_home):
                    yield turn
                elif not (yield from self._queue_until_closing(c, turn)):  # sent home: a lost trip
                    path[WINDOW_QUEUE] += env.now - enqueue
                    if helper is not None:
                        helper.free(seat)
                    continue
            start, sent_home_until = env.now, None
            while on_site and self.window_hours is not None:
                opening = self.window_hours.next_open(start)
                if opening > start:  # called while closed: kept the place, served at the opening
                    yield env.timeout(opening - start)
                    start = opening
                closing = self.window_hours.closing(start)
                if start + self._expected(c, items, merged) <= closing:
                    break
                # too little time left today: the window stops calling numbers, and the clerk is free
                back = self.window_hours.next_open(closing)
                pool.free(turn)
                if helper is not None:
                    helper.free(seat)
                if self.send_home:  # back at the next opening, a trip of its own
                    sent_home_until = back
                    break
                # the number stays good: in line again at the next opening, no trip more
                yield env.timeout(back - start)
                if helper is not None:
                    seat = helper.seize(c)
                    if seat is not c:
                        yield seat
                turn = pool.seize(c)
                if turn is not c:
                    yield turn
                start = env.now
            if sent_home_until is not None:
                c.waiting += start - enqueue
                path[WINDOW_QUEUE] += start - enqueue
                path[APPLICANT] += sent_home_until - start
                yield env.timeout(sent_home_until - start)
                continue
            c.waiting += start - enqueue
            path[WINDOW_QUEUE] += start - enqueue
            yield env.timeout(self._hand_in(c, items, k, merged, start, on_site))
            path[WINDOW_SERVICE] += env.now - start
            pool.free(turn)
            if helper is not None:
                helper.free(seat)
            record = self.recorder.record_steps
            if record:
                label = self.label(c.plan, items)
                self.recorder.step(
                    c.id, label, self.act["intake"], self.res_code[pool.name], enqueue, start, env.now
                )
            items = self._verdict(c, items, k, merged, path)
            if not items:
                return
            c.reworks += 1
            if c.reworks == self.refer_after:  # 办不成事: the request service puts the dossier right
                waited = env.now
                yield self.refer()
                path[OFFICE_QUEUE] += env.now - waited
                c.n_fail = tuple(k + 1 if i in items else n for i, n in enumerate(c.n_fail))
                k += 1
                continue
            delay = max(c.prepare[i][k] for i in items)
            path[APPLICANT] += delay
            if record:
                now, applicant = env.now, self.res_code["applicant"]
                self.recorder.step(c.id, label, self.act["prepare"], applicant, now, now, now + delay)
            yield env.timeout(delay)
            k += 1

    def _queue_until_closing(self, c: Case, turn: simpy.Event) -> Generator:
        """Wait for a clerk until the windows close; one still waiting then is sent home.
        Returns whether the applicant was served."""
        env, enqueue = self.env, self.env.now
        got = yield turn | env.timeout(self.window_hours.next_close(enqueue) - enqueue)
        if turn in got:
            return True
        turn.cancel()
        c.waiting += env.now - enqueue
        return False

    def _expected(self, c: Case, items: list[int], merged: bool) -> float:
        """How long a clerk expects the visit to take: the items' mean intake (merged: as one
        dossier)."""
        specs = c.plan.specs
        if len(items) == 1:
            return specs[items[0]].intake_mean
        means = [specs[i].intake_mean for i in items]
        return c.plan.merged_intake(means) if merged else sum(means)

    def _hand_in(self, c: Case, items: list[int], k: int, merged: bool, start: float, present: bool) -> float:
        """Count the documents of attempt ``k`` handed over and return how long intake takes:
        with the applicant present, its work straight through (past closing if it runs over);
        an online dossier in the clerks' open hours."""
        plan = c.plan
        if len(items) == 1:  # the common case, without the generic sums
            i = items[0]
            c.documents += plan.submit_docs[i]
            work = c.intake[i][k]
        else:
            works = [c.intake[i][k] for i in items]
            if merged:
                c.documents += plan.merged_documents(items)
                work = plan.merged_intake(works)
            else:
                c.documents += sum(plan.submit_docs[i] for i in items)
                work = sum(works)
        hours = self.window_hours
        return work if hours is None or present else hours.finish(start, work) - start

    def _verdict(self, c: Case, items: list[int], k: int, merged: bool, path: list[float]) -> list[int]:
        """Accept the complete parts of attempt ``k`` (a merged dossier: all or none) and return
        the rejected ones. Items waiting for their acceptance take the breakdown so far."""
        n_fail = c.n_fail
        if len(items) == 1:  # again the common case, without building lists
            failing = items if n_fail[items[0]] > k else ()
        else:
            failing = [i for i in items if n_fail[i] > k]
        if not failing:
            accepted = c.plan.upfront if merged else items
        else:
            accepted = () if merged else [i for i in items if n_fail[i] <= k]
        self.accept(c, accepted, path)
        return failing

    def accept(self, c: Case, items, path: list[float]) -> None:
        """Accept ``items`` now: their clocks start, and items waiting for them take ``path``."""
        now = self.env.now
        joint = c.plan.deps_met_by is ACCEPTED
        for i in items:
            c.accepted_at[i] = now
            if joint:  # the items needing it may start now
                c.available_at[i] = now
            if c.accepted[i] is not None:
                c.accepted[i].succeed(list(path))

    def trip(self, c: Case, window: str, channel: int) -> None:
        """A visit to a window by ``channel``: the applicant's trip, a specialist's on their
        behalf, or none online."""
        if channel == IN_PERSON:
            c.trips += 1
            if c.away and not c.plan.anywhere:  # to the competent centre, another district's
                c.far_trips += 1
        elif channel == SPECIALIST:
            c.specialist_trips += 1
        else:
            return
        if window not in c.windows:
            c.windows += (window,)

    def label(self, plan: NeedPlan, items: list[int]) -> int:
        if len(items) == 1:
            return plan.specs[items[0]].code
        return self.recorder.items("+".join(plan.specs[i].name for i in items))
