"""A SimPy resource that keeps its own time-weighted busy and queue areas.

Like a clerk's tally sheet: every time someone takes or frees a seat, the time since the last
change is charged at the old head-counts. Utilisation and mean queue length over any window
then come from two snapshots of the areas, without a per-event log.
"""

from __future__ import annotations

import simpy


class MonitoredResource(simpy.Resource):
    def __init__(self, env: simpy.Environment, capacity: int, name: str) -> None:
        super().__init__(env, capacity)
        self.name = name
        self.busy_area = 0.0
        self.queue_area = 0.0
        self._last = env.now

    def _accrue(self) -> None:
        now = self._env.now
        if now != self._last:
            dt = now - self._last
            self.busy_area += dt * len(self.users)
            self.queue_area += dt * len(self.queue)
            self._last = now

    def request(self) -> simpy.resources.resource.Request:
        self._accrue()
        return super().request()

    def release(self, request: simpy.resources.resource.Request) -> simpy.resources.resource.Release:
        self._accrue()
        return super().release(request)

    def areas(self) -> tuple[float, float]:
        """(busy area, queue area) accrued up to now."""
        self._accrue()
        return self.busy_area, self.queue_area
