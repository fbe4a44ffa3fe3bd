"""A SimPy resource that keeps its own time-weighted busy, queue and staff areas.

Like a clerk's tally sheet: every time someone takes or frees a seat, or a shift changes the
staff count, the time since the last change is charged at the old head-counts. With a working
calendar only open hours are charged, so utilisation is the share of staffed open hours spent
working. Utilisation and mean queue over any window come from two snapshots of the areas.
"""

from __future__ import annotations

import simpy

from sim.calendar import WorkingTime


class MonitoredResource(simpy.Resource):
    def __init__(
        self, env: simpy.Environment, capacity: int, name: str, hours: WorkingTime | None = None
    ) -> None:
        super().__init__(env, capacity)
        self.name = name
        self.hours = hours
        self.busy_area = 0.0
        self.queue_area = 0.0
        self.staff_area = 0.0
        self._last = env.now  # when the areas were last charged
        self._clock = env.now if hours is None else hours.open_hours(env.now)  # open hours until then
        self._opened = self._staffed = self._clock  # open hours at the start, at the last staff change

    def _accrue(self) -> None:
        now = self._env.now
        if now != self._last:
            clock = now if self.hours is None else self.hours.open_hours(now)
            dt = clock - self._clock
            self.busy_area += dt * len(self.users)
            self.queue_area += dt * len(self.put_queue)
            self._last, self._clock = now, clock

    def _accrue_staff(self) -> None:
        """Staff hours change only with the staff count: charged at shifts and snapshots."""
        self._accrue()
        self.staff_area += (self._clock - self._staffed) * self._capacity
        self._staffed = self._clock

    def request(self) -> simpy.resources.resource.Request:
        self._accrue()
        return super().request()

    def release(self, request: simpy.resources.resource.Request) -> simpy.resources.resource.Release:
        self._accrue()
        return super().release(request)

    def seize(self, holder: object) -> object:
        """Seat ``holder`` at once when a seat is free and nobody queues, and return it: the
        common case then costs no SimPy event. Otherwise return a request to yield, whose grant
        is the seat. Give back either with ``free``."""
        self._accrue()
        if len(self.users) < self._capacity and not self.put_queue:
            self.users.append(holder)
            return holder
        return super().request()

    def free(self, seat: object) -> None:
        """Give back a seat from ``seize`` (the holder, or the granted request) and seat the
        head of the queue in the same instant, without a release event."""
        self._accrue()
        users = self.users
        users.remove(seat)
        if self.put_queue and len(users) < self._capacity:
            head = self.put_queue.pop(0)  # the queue holds only requests still waiting
            users.append(head)
            head.usage_since = self._env.now
            head.succeed()

    def set_capacity(self, capacity: int) -> None:
        """Change the staff count (a shift). Those already served finish their work; a larger
        count serves the queue at once."""
        self._accrue_staff()
        self._capacity = capacity
        self._trigger_put(None)

    def areas(self) -> tuple[float, float, float, float]:
        """(busy, queue, staff) areas and open time accrued up to now."""
        self._accrue_staff()
        return self.busy_area, self.queue_area, self.staff_area, self._clock - self._opened


class MonitoredPriorityResource(MonitoredResource, simpy.PriorityResource):
    """A monitored pool whose queue is served by priority (lower first), then in arrival order:
    for departments whose reviewers also work on requests that can be pushed ahead."""

    def request(self, priority: int = 0) -> simpy.resources.resource.PriorityRequest:
        self._accrue()
        return simpy.resources.resource.PriorityRequest(self, priority)
