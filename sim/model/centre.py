"""A service centre: the clock, the staff pools, the random streams, the records, the working
hours and the arrivals, shared by the services that run in it (applicants' permits, firms'
requests).

This is also the model's one seam for speed: the pools seat people without SimPy events when
they can (``sim.model.pools``), and the clock (``sim.model.engine``) runs SimPy's processes
with less bookkeeping, starting a case's process on its arrival event (``start_on``).
The services above it are written as plain SimPy processes.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Callable, Generator, Iterator
from contextlib import contextmanager
from typing import Protocol

import simpy

from sim.domain.calendars import WorkingTime, parse_clock
from sim.domain.dossier import ONE_STOP
from sim.domain.scenario import Queue, Scenario
from sim.model.engine import Environment
from sim.model.pools import MonitoredPriorityResource, MonitoredResource
from sim.model.recorder import Recorder
from sim.model.streams import Streams

PROGRESS_STEPS = 100  # how often a run tells its progress, when asked to


class Service(Protocol):
    """What runs in a centre: it starts its processes, says when it has nothing left to do,
    and records what is still open when the run stops."""

    def start(self) -> None: ...

    def idle(self) -> bool: ...

    def record_open(self) -> None: ...


class Centre:
    """The shared ground of one run: a scenario's staff, hours and demand shape, driven by one seed.

    ``pools`` holds every staffed resource by name (``<department>.clerks|reviewers|inspectors|leaders``,
    ``one_stop.clerks``, ``specialists``, ``coordinators``); ``snapshots`` their areas at the
    warm-up and the horizon. Services register with ``serve`` before ``run``.
    """

    def __init__(
        self, scenario: Scenario, seed: int, *, replication: int = 0, record_steps: bool | float = True
    ) -> None:
        self.scenario = scenario
        self.env = Environment()
        self.streams = Streams(seed, replication)
        self.recorder = Recorder(record_steps)
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
        self.pools: dict[str, MonitoredResource] = {}
        requests = bool(scenario.requests.classes)
        for name, dept in scenario.departments.items():
            self._pool(f"{name}.clerks", dept.clerks, self.window_hours)
            # Request work can be pushed ahead of the queue: reviewers then serve by priority,
            # as every back-office pool that serves the earliest due first.
            due_first = dept.queue is Queue.earliest_due
            for role in ("reviewers", "inspectors", "leaders"):
                staff = getattr(dept, role)
                if staff or role == "reviewers":
                    pool = self._pool(
                        f"{name}.{role}",
                        staff,
                        self.office_hours,
                        priority=due_first or (requests and role == "reviewers"),
                    )
                    pool.background = dept.background.get(role, 0.0)
        self._pool(f"{ONE_STOP}.clerks", scenario.one_stop.clerks, self.window_hours)
        if scenario.specialists.staff:
            self._pool("specialists", scenario.specialists.staff, self.window_hours)
        if requests:
            self._pool("coordinators", scenario.requests.coordinators, self.office_hours)
        # Arrivals run on the windows' open hours; a demand profile thins them from its peak rate.
        profile = scenario.demand_profile
        self._hourly = tuple(profile.hour_of_day) if profile else None
        self._daily = tuple(profile.day_of_week) if profile else None
        self._weekly = tuple(profile.week) if profile else ()
        self.peak = profile.peak() if profile else 1.0
        self.thinning = profile is not None
        self.services: list[Service] = []
        self.snapshots: dict[str, dict[str, tuple[float, float, float, float]]] = {}
        self._drained = self.env.event()

    def _pool(
        self, name: str, capacity: int, hours: WorkingTime | None, priority: bool = False
    ) -> MonitoredResource:
        kind = MonitoredPriorityResource if priority else MonitoredResource
        self.pools[name] = pool = kind(self.env, capacity, name, hours)
        return pool

    def serve(self, service: Service) -> None:
        self.services.append(service)

    # -- driving the run -------------------------------------------------------------------

    def run(self, progress: Callable[[float], None] | None = None) -> None:
        """Run until every service is idle after the horizon, or until horizon + drain.
        ``progress`` is told the share of the horizon simulated as the run goes."""
        env, s = self.env, self.scenario
        for service in self.services:
            service.start()
        for pool, changes in s.shifts.items():
            env.process(self._shifts(self.pools[pool], changes))
        env.process(self._snapshot_at(s.warmup, "warmup"))
        env.process(self._snapshot_at(s.horizon, "horizon"))
        if progress is not None:
            env.process(self._tell(progress))
        with _cycles_not_collected():
            env.run_until(env.any_of([self._drained, env.timeout(s.horizon + s.drain)]))
        for service in self.services:
            service.record_open()

    def check_drained(self) -> None:
        """End the run early once every service is idle (called by a service that may have become so)."""
        if not self._drained.triggered and all(service.idle() for service in self.services):
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

    def _tell(self, progress: Callable[[float], None]) -> Generator:
        """Tell ``progress`` each hundredth of the horizon simulated, so that a long replication's
        bar moves. Its events take numbers of their own and touch nothing of the model, whose
        events keep their order: a run is the same told or not (tests/test_run.py)."""
        horizon = self.scenario.horizon
        for k in range(1, PROGRESS_STEPS):
            yield self.env.timeout(horizon * k / PROGRESS_STEPS - self.env.now)
            progress(k / PROGRESS_STEPS)

    def _snapshot_at(self, t: float, label: str) -> Generator:
        yield self.env.timeout(t)
        self.snapshots[label] = {name: r.areas() for name, r in self.pools.items()}

    # -- arrivals ------------------------------------------------------------------------------

    def arrivals(
        self,
        interarrival: Callable[[], float],
        thin: Callable[[], float] | None,
        arrive: Callable[[float, simpy.Event], None],
    ) -> Generator:
        """Poisson arrivals until the horizon, thinned (when ``thin`` is given) to the demand
        profile. Each one kept is announced one arrival ahead: ``arrive(t, arrival)`` with its
        time and the event that fires then, so the caller starts its work on that event.

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

    def accept(self, t: float) -> float:
        """Probability that a candidate arrival at ``t`` is kept: the demand profile at ``t``
        relative to its peak."""
        day = int(t // 24)
        week = self._weekly[day // 7] if day // 7 < len(self._weekly) else 1.0
        return self._hourly[int(t % 24)] * self._daily[(self.start_weekday + day) % 7] * week / self.peak


@contextmanager
def _cycles_not_collected() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for a run. The model leaves no reference cycles
    (reference counting frees each case; ``tests/test_model.py`` checks every reference scenario),
    so the collector finds nothing, yet each full pass scans every object alive, which in a big
    office is every case in it: at 50x the office it doubled the cost of a case."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
