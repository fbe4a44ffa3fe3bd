"""Working calendars: when an office is open, and how long work takes across nights,
weekends and public holidays.

A calendar is written as opening periods per weekday and a list of holiday dates::

    office:
      open:
        mon: ["09:00-12:00", "13:30-17:30"]
        ...
      holidays: ["2024-10-01", "2024-10-02"]

Simulation time is hours since ``start_date`` (a date at midnight). ``WorkingTime`` turns a
calendar into a sorted table of open intervals over the simulated span, so each question
(next opening, work finished, open hours between two times) is a binary search.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import math
from dataclasses import dataclass, field

import numpy as np

from sim.domain.errors import ConfigError
from sim.domain.value import Value

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(kw_only=True)
class Calendar(Value):
    """Opening periods per weekday ("HH:MM-HH:MM"), closed dates ("YYYY-MM-DD"), and
    ``workdays``: dates opened with Monday's hours although they fall on a weekend (调休)."""

    open: dict[str, list[str]] = field(default_factory=dict)
    holidays: list[str] = field(default_factory=list)
    workdays: list[str] = field(default_factory=list)


def parse_clock(text: str, key: str) -> float:
    """Hours of the day of "HH:MM"; ConfigError naming ``key`` otherwise."""
    try:
        hours, minutes = text.strip().split(":")
        value = int(hours) + int(minutes) / 60
    except ValueError:
        raise ConfigError(key, f"expected a time HH:MM, got '{text}'") from None
    if not 0 <= value <= 24 or not 0 <= int(minutes) < 60:
        raise ConfigError(key, f"expected a time from 00:00 to 24:00, got '{text}'")
    return value


def periods(calendar: Calendar, key: str) -> dict[int, list[tuple[float, float]]]:
    """Opening periods per weekday number (0 = Monday) in hours of the day; checked."""
    out: dict[int, list[tuple[float, float]]] = {}
    for day, spans in calendar.open.items():
        if day not in WEEKDAYS:
            raise ConfigError(f"{key}.open.{day}", f"unknown weekday; use {', '.join(WEEKDAYS)}")
        parsed = []
        for i, span in enumerate(spans):
            k = f"{key}.open.{day}[{i}]"
            start, sep, end = span.partition("-")
            if not sep:
                raise ConfigError(k, f"expected 'HH:MM-HH:MM', got '{span}'")
            a, b = parse_clock(start, k), parse_clock(end, k)
            if a >= b:
                raise ConfigError(k, f"opening must come before closing, got '{span}'")
            parsed.append((a, b))
        parsed.sort()
        for (_, b), (c, _) in itertools.pairwise(parsed):
            if c < b:
                raise ConfigError(f"{key}.open.{day}", "opening periods overlap")
        out[WEEKDAYS.index(day)] = parsed
    if not any(out.values()):
        raise ConfigError(f"{key}.open", "a calendar must open at least once a week")
    for field_name in ("holidays", "workdays"):
        for i, day in enumerate(getattr(calendar, field_name)):
            holiday_date(day, f"{key}.{field_name}[{i}]")
    if calendar.workdays and not out.get(0):
        raise ConfigError(f"{key}.workdays", "make-up workdays take Monday's hours, but Monday has none")
    return out


def holiday_date(text: str, key: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ConfigError(key, f"expected a date YYYY-MM-DD, got '{text}'") from None


class WorkingTime:
    """A calendar laid out over [0, span] hours from ``start``: open intervals and their
    cumulative open hours."""

    def __init__(self, calendar: Calendar, start: dt.date, span: float, key: str = "calendar") -> None:
        weekly = periods(calendar, key)
        closed = {holiday_date(d, key) for d in calendar.holidays}
        extra = {holiday_date(d, key) for d in calendar.workdays}
        starts, ends = [], []
        for day in range(int(span // 24) + 8):
            date = start + dt.timedelta(days=day)
            if date in closed:
                continue
            for a, b in weekly.get(0 if date in extra else date.weekday(), []):
                starts.append(day * 24 + a)
                ends.append(day * 24 + b)
        self.starts = starts
        self.ends = ends
        lengths = np.subtract(ends, starts)
        self.before = np.concatenate([[0.0], np.cumsum(lengths)]).tolist()  # open hours before interval k
        week_hours = sum(b - a for spans in weekly.values() for a, b in spans)
        self.day_hours = week_hours / sum(1 for spans in weekly.values() if spans)  # a working day's hours

    def next_open(self, t: float) -> float:
        """``t`` if open at ``t``, else the next opening."""
        k = bisect.bisect_right(self.ends, t)
        if k >= len(self.starts):
            return math.inf  # past the span: never within the run
        return max(t, self.starts[k])

    def next_close(self, t: float) -> float:
        """The end of the open period at or after ``t``."""
        return self.ends[bisect.bisect_right(self.ends, t)]

    def closing(self, t: float) -> float:
        """When the windows close after ``t``, open at ``t``: the end of the open time running on
        from ``t``, periods that touch (midnight in a round-the-clock calendar) joined."""
        k = bisect.bisect_right(self.ends, t)
        while k + 1 < len(self.starts) and self.starts[k + 1] <= self.ends[k]:
            k += 1
        return self.ends[k] if k < len(self.ends) else math.inf

    def open_hours(self, t: float) -> float:
        """Open hours from time 0 to ``t``."""
        k = bisect.bisect_right(self.starts, t) - 1
        if k < 0:
            return 0.0
        return self.before[k] + min(t, self.ends[k]) - self.starts[k]

    def finish(self, t: float, work: float) -> float:
        """When ``work`` open hours started at ``t`` are done: work pauses while closed."""
        return max(self.at(self.open_hours(t) + work), t)

    def at(self, hours: float) -> float:
        """The time by which ``hours`` open hours have passed since time 0 (inverse of
        ``open_hours``), always inside an open period or at its end."""
        k = max(bisect.bisect_left(self.before, hours) - 1, 0)
        if k >= len(self.starts):
            return math.inf  # work that outlasts the span never finishes within the run
        return self.starts[k] + (hours - self.before[k])

    def open_hours_between(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Open hours between arrays of times ``a`` and ``b`` (vectorised, for analysis)."""
        starts, ends, before = np.asarray(self.starts), np.asarray(self.ends), np.asarray(self.before)

        def cumulative(t: np.ndarray) -> np.ndarray:
            k = np.searchsorted(starts, t, side="right") - 1
            inside = np.where(k >= 0, np.minimum(t, ends[np.maximum(k, 0)]) - starts[np.maximum(k, 0)], 0.0)
            return np.where(k >= 0, before[np.maximum(k, 0)] + inside, 0.0)

        return cumulative(np.asarray(b, dtype=float)) - cumulative(np.asarray(a, dtype=float))


def open_spans(
    calendar: Calendar | None, start: dt.date, horizon: float, key: str
) -> list[tuple[float, float]]:
    """The open periods of ``calendar`` (always open when None) from ``start`` to ``horizon`` hours."""
    if calendar is None:
        return [(0.0, horizon)]
    hours = WorkingTime(calendar, start, horizon, key)
    return [(a, min(b, horizon)) for a, b in zip(hours.starts, hours.ends, strict=True) if a < horizon]


def weighted_hours(
    spans: list[tuple[float, float]],
    start_weekday: int,
    hour_of_day: list[float],
    day_of_week: list[float],
    week: list[float] = (),
) -> float:
    """Hours of ``spans`` (sorted, apart) weighted by a demand profile (hour of the day, weekday
    from ``start_weekday`` at time 0, week of the run): the expected arrivals at a rate of one
    an hour."""
    if not spans:
        return 0.0
    edges = np.array(spans).ravel()  # a0, b0, a1, b1, ...: open hours climb inside each span
    climbed = np.concatenate([[0.0], np.cumsum(np.diff(edges) * (np.arange(len(edges) - 1) % 2 == 0))])
    hours = np.arange(math.ceil(edges[-1]) + 1)
    open_share = np.diff(np.interp(hours, edges, climbed))  # open part of each clock hour
    h = hours[:-1]
    weight = np.asarray(hour_of_day)[h % 24] * np.asarray(day_of_week)[(start_weekday + h // 24) % 7]
    if len(week):
        weight = weight * np.asarray([*week, 1.0])[np.minimum(h // 168, len(week))]
    return float(open_share @ weight)
