"""SimPy's clock with less bookkeeping per event: the engine every run of the model drives.

The model is written as plain SimPy processes; this environment runs them exactly as SimPy does,
in the same order, but charges less for what every case does many times:

- **A process that ends with nobody waiting for it** is marked processed at once instead of
  being put on the heap to be popped and processed with no callbacks: a case's process is
  waited for by no one, so each case saves an event. A process someone already waits for
  (``all_of`` over an applicant's items) is scheduled as in SimPy, and one yielded later
  resumes its waiter at once with its value, as SimPy does for a processed event.
- **A process started by its arrival** (``start_on``) runs from that event instead of from
  SimPy's ``Initialize`` event a step after it is made.
- **A timeout** is put on the heap directly, not through ``Timeout.__init__`` and ``schedule``.
- **The time** ``now`` is a plain attribute set as each event is popped, not SimPy's property
  read through a call: a case reads it about nine times.

It uses SimPy 4's private ``_queue``, ``_eid``, ``_now``, ``_active_proc``, ``_generator``,
``_target``, ``_ok``, ``_value`` and ``_defused`` (simpy is pinned below 5). tests/test_model.py
holds each shortcut to SimPy's own behaviour on a small model, and tests/test_benchmark.py the
built-in scenario's tables to the bit, so a SimPy release that changes them fails there before
any result moves.
"""

from __future__ import annotations

from collections.abc import Generator
from heapq import heappop, heappush
from inspect import getattr_static
from typing import Any

import simpy
from simpy.core import BoundClass
from simpy.events import NORMAL, PENDING, EventPriority, Timeout


class Process(simpy.Process):
    """A SimPy process whose end is an event on the heap only when someone waits for it."""

    def _resume(self, event: simpy.Event) -> None:
        """SimPy's ``Process._resume``: send the event's value (or throw its failure) into the
        generator until it yields an event not yet processed, or ends."""
        env = self.env
        env._active_proc = self
        generator = self._generator
        while True:
            try:
                if event._ok:
                    event = generator.send(event._value)
                else:
                    event._defused = True  # the process handles the failure, or fails itself
                    exc = type(event._value)(*event._value.args)  # its own copy, as SimPy makes
                    exc.__cause__ = event._value
                    event = generator.throw(exc)
            except StopIteration as stop:
                self._ok, self._value = True, stop.value
                if self.callbacks:
                    env.schedule(self)
                else:  # nobody waits: processed now (a later waiter resumes at once, as in SimPy)
                    self.callbacks = None
                event = None
                break
            except BaseException as failure:  # a failure stays an event: it crashes the run unless handled
                tb = failure.__traceback__
                failure.__traceback__ = tb.tb_next if tb else None
                self._ok, self._value = False, failure
                env.schedule(self)
                event = None
                break
            try:
                callbacks = event.callbacks
            except AttributeError:
                raise RuntimeError(f"{self._generator.__name__} yielded {event!r}, not an event") from None
            if callbacks is not None:  # not yet processed: resume when it is
                callbacks.append(self._resume)
                break
        self._target = event
        env._active_proc = None


class Arriving(Process):
    """A process started by its arrival event, as if it had yielded it, instead of by SimPy's
    ``Initialize`` event a step after it is made: one event less a case."""

    def __init__(self, env: simpy.Environment, arrival: simpy.Event, generator: Generator) -> None:
        self.env, self.callbacks, self._value = env, [], PENDING  # simpy.Event.__init__
        self._generator = generator
        self._target = arrival
        arrival.callbacks.append(self._resume)


class Environment(simpy.Environment):
    """SimPy's environment with the processes above and a cheaper timeout and run loop."""

    process = BoundClass(Process)
    start_on = BoundClass(Arriving)  # start_on(arrival, generator): run it from ``arrival`` on
    now: float = 0.0  # shadows SimPy's property; the loops below keep it equal to ``_now``

    def __init__(self, initial_time: float = 0) -> None:
        super().__init__(initial_time)
        self.now = self._now
        # SimPy binds the event classes (event, all_of, ...) to the instance only for the
        # instance's own class; a subclass would make a bound method at every env.event.
        for name in vars(simpy.Environment):
            if name not in vars(self) and type(getattr_static(type(self), name)) is BoundClass:
                setattr(self, name, getattr(self, name))

    def timeout(self, delay: float = 0, value: Any = None) -> Timeout:
        """SimPy's ``Timeout(env, delay, value)``, put on the heap without two calls between."""
        if delay < 0:
            raise ValueError(f"Negative delay {delay}")
        event = Timeout.__new__(Timeout)
        event.env, event.callbacks, event._value, event._delay, event._ok = self, [], value, delay, True
        heappush(self._queue, (self._now + delay, NORMAL, next(self._eid), event))
        return event

    def run_until(self, until: simpy.Event) -> None:
        """Process events until ``until`` has been processed: SimPy's ``run(until=event)``."""
        step = self.step
        try:
            while until.callbacks is not None:
                step()
        except simpy.core.EmptySchedule:
            raise RuntimeError(f"No scheduled events left but {until!r} was not triggered") from None

    def step(self) -> None:
        """SimPy's ``step``, keeping ``now``: process the next event."""
        try:
            self._now, _, _, event = heappop(self._queue)
        except IndexError:
            raise simpy.core.EmptySchedule from None
        self.now = self._now
        callbacks, event.callbacks = event.callbacks, None
        try:
            for callback in callbacks:
                callback(event)
        except simpy.core.StopSimulation:  # SimPy's run(until=...): the rest run when it resumes
            event.callbacks = callbacks[callbacks.index(callback) + 1 :]
            self.schedule(event, EventPriority(-1))
            raise
        if not event._ok and not hasattr(event, "_defused"):  # a failure nobody handled
            exc = type(event._value)(*event._value.args)
            exc.__cause__ = event._value
            raise exc
