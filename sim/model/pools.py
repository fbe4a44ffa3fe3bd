"""A SimPy resource that keeps its own time-weighted busy, queue and staff areas.

Like a clerk's tally sheet, kept as sums of clock readings: a seat taken is written down with
minus the clock, a seat given back with plus the clock, and so for a place in the queue; when
the areas are read, those still seated or queueing are charged up to now. That is the
integral of the head-counts over time at the cost of one subtraction a change. With a working
calendar the clock counts open hours only, so utilisation is the share of staffed open hours
spent working. Utilisation and mean queue over any window come from two snapshots of the areas.
"""

from __future__ import annotations

import bisect

import simpy
from simpy.core import BoundClass
from simpy.events import PENDING
from simpy.resources import resource

from sim.domain.calendars import WorkingTime


class _Seats:
    """The seats taken, used as SimPy uses its ``users`` list (append, remove, len, in) but
    with removal in O(1): a city's pools hold hundreds of seats, and a list's ``remove`` scans
    them all at every release. A holder may hold several seats of one pool at once (a case
    whose items are reviewed in parallel), so each holder's seats are counted."""

    __slots__ = ("_held", "n")

    def __init__(self) -> None:
        self._held: dict[object, int] = {}
        self.n = 0  # seats taken: len() without a call, for the pool's own hot paths

    def append(self, holder: object) -> None:
        self._held[holder] = self._held.get(holder, 0) + 1
        self.n += 1

    def remove(self, holder: object) -> None:
        held = self._held.get(holder)
        if not held:
            raise ValueError(f"{holder!r} holds no seat")  # as list.remove, which SimPy expects
        if held == 1:
            del self._held[holder]
        else:
            self._held[holder] = held - 1
        self.n -= 1

    def __len__(self) -> int:
        return self.n

    def __contains__(self, holder: object) -> bool:
        return holder in self._held

    def __iter__(self):
        for holder, held in self._held.items():
            yield from [holder] * held


class _Charged:
    """What a monitored pool's request adds to SimPy's: its time in the queue is charged,
    also when it leaves the queue unserved."""

    def __init__(self, pool: MonitoredResource, *args: object) -> None:
        pool.queue_sum -= pool.clock()
        super().__init__(pool, *args)

    def cancel(self) -> None:
        if not self.triggered:
            self.resource.queue_sum += self.resource.clock()
        super().cancel()


class Request(_Charged, resource.Request):
    pass


class PriorityRequest(_Charged, resource.PriorityRequest):
    pass


class MonitoredResource(simpy.Resource):
    request = BoundClass(Request)

    def __init__(
        self, env: simpy.Environment, capacity: int, name: str, hours: WorkingTime | None = None
    ) -> None:
        super().__init__(env, capacity)
        self.users = _Seats()
        self.name = name
        self.background = 0.0  # the share of every open hour its staff give to other work
        self._open_hours = None if hours is None else hours.open_hours
        # The integrals of seats taken and places queued, less those still open (see the module).
        self.busy_sum = self.queue_sum = 0.0
        self.staff_area = 0.0
        self._opened = self._staffed = self.clock()  # open hours at the start, at the last staff change

    def clock(self) -> float:
        """The pool's clock: the simulation time, or open hours until it with a calendar."""
        now = self._env.now
        return now if self._open_hours is None else self._open_hours(now)

    def _do_put(self, event: resource.Request) -> None:
        """SimPy's seating of a queued request (at a request, a release or a shift), charged."""
        if len(self.users) < self._capacity:
            now = self.clock()
            self.queue_sum += now
            self.busy_sum -= now
        super()._do_put(event)

    def _do_get(self, event: resource.Release) -> None:
        if event.request in self.users:
            self.busy_sum += self.clock()
        super()._do_get(event)

    def seize(self, holder: object, priority: float = 0.0) -> object:
        """Seat ``holder`` at once when a seat is free and nobody queues, and return it: the
        common case then costs no SimPy event. Otherwise return a request to yield, whose grant
        is the seat (queued by ``priority``, lower first, in a priority pool). Give back either
        with ``free``."""
        now = self._env.now
        if self._open_hours is not None:
            now = self._open_hours(now)
        if self.users.n < self._capacity and not self.put_queue:
            self.users.append(holder)
            self.busy_sum -= now
            return holder
        return self._wait(now, priority)

    def _wait(self, now: float, priority: float) -> resource.Request:
        """A request joining the queue as SimPy's would, without SimPy's attempt to seat it
        (``seize`` has just seen no seat) or its callback for releases (seats come back
        through ``free``, which seats the head itself)."""
        req = Request.__new__(Request)
        req.env, req.callbacks, req._value = self._env, [], PENDING  # simpy.Event.__init__
        req.resource, req.proc = self, self._env.active_process
        self.put_queue.append(req)
        self.queue_sum -= now
        return req

    def free(self, seat: object) -> None:
        """Give back a seat from ``seize`` (the holder, or the granted request) and seat the
        head of the queue in the same instant, without a release event: SimPy's ``_do_put``
        for that head, written out."""
        now = t = self._env.now
        if self._open_hours is not None:
            now = self._open_hours(t)
        users = self.users
        users.remove(seat)
        if self.put_queue and users.n < self._capacity:
            head = self.put_queue.pop(0)  # the queue holds only requests still waiting
            users.append(head)
            head.usage_since = t
            head._ok, head._value = True, None  # SimPy's succeed() for a request still waiting
            self._env.schedule(head)
            self.queue_sum += now  # the seat passes from one to the next: busy as it was
        else:
            self.busy_sum += now

    def set_capacity(self, capacity: int) -> None:
        """Change the staff count (a shift). Those already served finish their work; a larger
        count serves the queue at once."""
        self._charge_staff()
        self._capacity = capacity
        self._trigger_put(None)

    def _charge_staff(self) -> float:
        """Staff hours change only with the staff count: charged at shifts and snapshots."""
        now = self.clock()
        self.staff_area += (now - self._staffed) * self._capacity
        self._staffed = now
        return now

    def areas(self) -> tuple[float, float, float, float]:
        """(busy, queue, staff) areas and open time accrued up to now."""
        now = self._charge_staff()
        busy = self.busy_sum + now * len(self.users)
        queue = self.queue_sum + now * len(self.put_queue)
        return busy, queue, self.staff_area, now - self._opened


def _key(request: resource.PriorityRequest) -> tuple:
    return request.key


class _InsertedQueue(list):
    """SimPy's ``SortedQueue`` as the same order kept by insertion: SimPy appends and re-sorts
    the whole queue, O(n log n) a request, so a city's long queues cost more per case than a
    small office's; a binary search and one C-level insert keep it O(log n) comparisons.
    Equal keys keep their arrival order, as the stable sort did."""

    maxlen = None

    def append(self, item: resource.PriorityRequest) -> None:
        bisect.insort_right(self, item, key=_key)


class MonitoredPriorityResource(MonitoredResource, simpy.PriorityResource):
    """A monitored pool whose queue is served by priority (lower first), then in arrival order:
    for back offices that serve the earliest due first, and reviewers who also work on requests
    that can be pushed ahead."""

    PutQueue = _InsertedQueue
    request = BoundClass(PriorityRequest)

    def _wait(self, now: float, priority: float) -> resource.PriorityRequest:
        return self.request(priority)  # sorted into the queue by SimPy
