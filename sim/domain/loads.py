"""Offered load: how much of each staff pool's time the expected work would take, before any
simulation. A pool offered 100 % or more cannot keep up: its queue, and the run's memory,
grow for as long as applicants come.

Over the horizon, a pool's offered load is the work expected to reach it (arrivals of each
need, by the demand profile over the windows' open hours, times the pool's mean work per
case) over the hours it is staffed (its staff, at the largest shift, times its calendar's open
hours). Window work counts every submission (1 / (1 - p_incomplete) per item) at the window
the design sends it to; the back office's pools take each item's steps under the design, and
their background share of every hour;
requests add their analysis to the coordinators and their parts to the departments' reviewers.
Specialists are left out: their time goes with the firms they accompany. A batch that
releases at most so many files at a time (a weekly committee) has a load of its own: the files
sent to it over the files its releases may take.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict

from sim.domain import dossier
from sim.domain.calendars import open_spans, weighted_hours
from sim.domain.design import Design, Steps, Window
from sim.domain.distributions import mean
from sim.domain.dossier import ONE_STOP
from sim.domain.routes import expected_visits
from sim.domain.scenario import Scenario


def offered_loads(scenario: Scenario, design: Design) -> dict[str, float]:
    """Each staffed pool's offered load over the horizon (1.0 = every staffed hour busy)."""
    s = scenario
    start, spans = _spans(s)
    arrivals = _arrivals_per_rate(s, spans["windows"], start)
    work: dict[str, float] = defaultdict(float)
    for need, rate in s.demand.items():
        cases = rate * arrivals
        names = s.need_order(need)
        first = dossier.upfront(s, design, names)
        merged = dossier.upfront_window(s, design, names, first)
        for k, name in enumerate(names):
            item = s.items[name]
            # a merged dossier is taken in at one window: without the one-stop window, its first
            # item's department's
            window = (
                merged if k in first else ONE_STOP if design.window is Window.one_stop else item.department
            )
            if item.intake is not None:
                work[f"{window}.clerks"] += cases * mean(item.intake) / (1 - item.p_incomplete)
            if item.entry is not None and item.back_office(reduced=False):  # the clerk's own work
                work[f"{window}.clerks"] += cases * mean(item.entry)
            visits = expected_visits(item)  # a plain list's: each step's probability
            for step in item.back_office(reduced=design.steps is Steps.reduced):
                work[".".join(step.where(item.department))] += cases * visits[step.name] * mean(step.work)
    for cls in s.requests.classes.values():
        onward = cls.rate * arrivals * (1 - cls.p_front)
        if cls.analysis is not None and not cls.urgent:
            work["coordinators"] += onward * mean(cls.analysis)
        if cls.work is not None:
            departments = cls.departments or list(s.departments)
            share = (cls.involved or len(departments)) / len(departments)
            for d in departments:
                work[f"{d}.reviewers"] += onward * share * mean(cls.work)
    open_hours = {group: sum(b - a for a, b in periods) for group, periods in spans.items()}
    out = {}
    for pool, load in work.items():
        if load > 0:
            group, role = pool.split(".") if "." in pool else (pool, "")
            # Background work takes its share of every hour; a case's work stretches to fill the rest.
            b = s.departments[group].background.get(role, 0.0) if group in s.departments else 0.0
            hours = open_hours["windows" if role == "clerks" else "back_office"]
            out[pool] = b + load / (_staff(s, pool) * hours)
    return out


def batch_loads(scenario: Scenario, design: Design) -> dict[str, float]:
    """Each capped batch's load over the horizon, by the key of its capacity: the files expected
    to reach the step over the files its releases may take (1.0 = every release full). A
    committee that hears at most 8 files a week and is sent more has a queue without end,
    whatever its staff."""
    s = scenario
    start, spans = _spans(s)
    working_days = len({int(a // 24) for a, _ in spans["back_office"]})
    arrivals = _arrivals_per_rate(s, spans["windows"], start)
    files: dict[str, float] = defaultdict(float)
    capacity: dict[str, float] = {}
    for need, rate in s.demand.items():
        for name in s.needs[need]:
            item = s.items[name]
            visits = expected_visits(item)
            for step in item.back_office(reduced=design.steps is Steps.reduced):
                batch = step.batch
                if batch is None or batch.capacity is None:
                    continue
                key = f"scenario.items.{name}.steps[{item.steps.index(step)}].batch.capacity"
                files[key] += rate * arrivals * visits[step.name]
                days = max(0, math.ceil((working_days - batch.first_day) / batch.every_days))
                capacity[key] = len(batch.at) * days * batch.capacity
    return {key: n / capacity[key] if capacity[key] else math.inf for key, n in files.items()}


def backlog(scenario: Scenario, loads: dict[str, float]) -> float:
    """Applicants expected still queued at the horizon when a pool is overloaded: of the cases
    arriving, the share its staff cannot take (1 - 1 / load, for the worst pool), counted over
    every arrival (an upper bound: not every need meets that pool). Each holds about 3 KB."""
    excess = max((1 - 1 / load for load in loads.values() if load > 1), default=0.0)
    if not excess:
        return 0.0
    start, spans = _spans(scenario)
    return excess * sum(scenario.demand.values()) * _arrivals_per_rate(scenario, spans["windows"], start)


def used_pools(scenario: Scenario) -> list[str]:
    """The staff pools some design gives work to: each demanded item's department's window
    clerks (an item with a window) and back-office pools, the one-stop window (some item has
    one), the specialists when a channel or the
    requests use them, and the request service's coordinators and departments."""
    s = scenario
    windows = any(s.items[name].intake is not None for need in s.demand for name in s.needs[need])
    pools = {f"{ONE_STOP}.clerks"} if windows else set()
    for need in s.demand:
        for name in s.needs[need]:
            item = s.items[name]
            if item.intake is not None or item.pickup:
                pools.add(f"{item.department}.clerks")
            pools |= {".".join(step.where(item.department)) for step in item.back_office(reduced=False)}
    if s.specialists.staff and (s.requests.classes or any(m.specialist for m in s.channels.values())):
        pools.add("specialists")
    if s.requests.classes:
        pools.add("coordinators")
        for cls in s.requests.classes.values():
            pools |= {f"{d}.reviewers" for d in cls.departments or s.departments}
    return sorted(pools)


def headcount(scenario: Scenario, pool: str) -> int:
    """The pool's staff, at its largest shift."""
    return scenario.specialists.staff if pool == "specialists" else _staff(scenario, pool)


def arrivals_per_rate(scenario: Scenario) -> float:
    """Expected arrivals over the horizon for a demand of one an hour (per open hour of the
    windows, as demand is given, shaped by the demand profile)."""
    start, spans = _spans(scenario)
    return _arrivals_per_rate(scenario, spans["windows"], start)


def _spans(s: Scenario) -> tuple[dt.date, dict[str, list[tuple[float, float]]]]:
    """The start date, and each staff group's open periods over the horizon, laid out once."""
    start = dt.date.fromisoformat(s.start_date)
    return start, {
        group: open_spans(
            s.calendars.get(getattr(s.hours, group)), start, s.horizon, f"scenario.hours.{group}"
        )
        for group in ("windows", "back_office")
    }


def _arrivals_per_rate(s: Scenario, windows_open: list[tuple[float, float]], start: dt.date) -> float:
    """Expected arrivals over the horizon for a rate of one an hour: the demand profile summed
    over the windows' open hours."""
    profile = s.demand_profile
    if profile is None:
        return sum(b - a for a, b in windows_open)
    return weighted_hours(
        windows_open, start.weekday(), profile.hour_of_day, profile.day_of_week, profile.week
    )


def _staff(s: Scenario, pool: str) -> int:
    """The pool's staff, at its largest shift."""
    if pool == "coordinators":
        staff = s.requests.coordinators
    else:
        group, role = pool.split(".")
        staff = s.one_stop.clerks if group == ONE_STOP else getattr(s.departments[group], role)
    return max([staff, *s.shifts.get(pool, {}).values()])
