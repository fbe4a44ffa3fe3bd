"""A scenario from the log of any office: its own activities, people and routes, as they are.

Where ``sim.calibrate.structure`` reads the simulator's own export (windows, intake, pools named
``department.role``), this reads a log as an office keeps it: activities under their own names,
people (or nobody) as resources, most often completions only. Every activity becomes a step
(``sim.calibrate.routing``) labelled with the office's name, done by a pool of people
(``sim.calibrate.pools``), with its work and the waiting before it estimated from the log
(``sim.calibrate.starts``). Cases arrive when their first step starts, at any hour, shaped by
hour of day and weekday as the log's were; the file goes straight to the back office (the log
records no window), and its result needs no pickup (none is recorded).

Work keeps the calendar fitted from when steps complete, unless the log keeps only dates, or
more than ``OUTSIDE`` of its completions fall outside that calendar (an office working around
the clock, or a system that completes steps at night): then work is on the clock.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

import sim.calibrate.waiting as waiting
from sim.calibrate.logs import Log, hours_since
from sim.calibrate.order import canonical, dated
from sim.calibrate.pools import Pools, find_pools
from sim.calibrate.routing import MIN_PAIR, find_routes
from sim.calibrate.starts import estimate
from sim.calibrate.structure import Structure, calendar_of, digits, fitted
from sim.domain import route_table
from sim.domain.calendars import WorkingTime, periods
from sim.domain.distributions import Dist, DistKind
from sim.domain.names import name_from
from sim.domain.scenario import AtCap, Batch, Step

OUTSIDE = 0.1
MIN_TIMED = 0.01  # of events with a time of day: fewer, and work is on the clock (a log of dates)
OFF_THE_CLOCK = ("notice", "suspension", "return")  # roles the statutory limit does not count (art. 45)
MIN_TIMED_ARRIVALS = 24  # fewer timed first steps: arrivals as likely at any hour of the day
CHANNELS = {  # how offices name their channels -> the simulator's (lower case, words)
    "online": ("internet", "online", "web", "e-mail", "email", "digital", "app", "portal"),
    "in_person": ("desk", "counter", "window", "balie", "in person", "walk-in", "office", "front desk"),
    "post": ("post", "mail", "letter", "paper"),
}


def infer(log: Log, name: str, people: dict[str, str], activities: dict[str, dict]) -> Structure:
    """The structure of ``log``'s office; ``people`` (person -> pool) and ``activities``
    (activity -> {pool}) from the mapping file override what is discovered."""
    steps = log.steps
    start = min(
        steps["end"].min(), steps["start"].min() if steps["start"].notna().any() else steps["end"].min()
    )
    start = start.normalize()
    clock = hours_since(start)
    steps = canonical(steps, dated(steps["end"], steps["activity"]))
    span = float(clock(steps["end"]).max()) + 1e-9
    s = Structure(
        start_date=start.date().isoformat(),
        calendar=None,
        hours=None,
        span=span,
        cases=int(steps["case"].nunique()),
        warmup=0.0,
        groups={},
    )
    s.notes["warmup"] = (
        "no warm-up: a log holds the cases begun in its span, so it starts from an empty office too"
    )
    timed = steps.loc[~steps["dated"], "end"]
    open_hours = _work_calendar(s, timed, start, len(timed) < MIN_TIMED * len(steps))
    share = float(steps["dated"].mean())
    if share:
        s.notes["dated"] = (
            f"{share:.0%} of the log's events are recorded by date only (at midnight, by activity and "
            "quarter): their steps are instant, the days between them waiting, and a day holding one "
            "is read in the activities' typical order"
        )
    # A step released at fixed minutes of the day (a nightly transfer), or done at a weekly
    # sitting, is done at its release: it is instant, the time before it the batch's or the
    # sitting's, not its person's work.
    timed = steps.assign(t1=clock(steps["end"]).to_numpy(float))
    s.releases, s.sittings = waiting.releases(timed), waiting.sittings(timed, start.weekday())
    for activity in s.sittings:  # a sitting is no daily batch
        s.releases.pop(activity, None)
    released = steps["activity"].isin([*s.releases, *s.sittings]).to_numpy()
    est = estimate(steps, clock, open_hours, steps["dated"].to_numpy() | released)
    # A first step whose estimated work reaches back before the first day starts at midnight.
    est["t0"] = est["t0"].clip(lower=0.0)
    pool_of = find_pools(
        steps.rename(columns={"end": "time"}),
        people,
        {a: m["pool"] for a, m in activities.items() if "pool" in m},
    )
    _staff(s, pool_of)
    roles = {a: m["role"] for a, m in activities.items() if "role" in m}
    weekday = start.weekday()
    taken_apart = waiting.parts(est, pool_of.of_activity, roles, open_hours, weekday)
    s.waiting = waiting.shares(est, taken_apart)
    # The model makes contention (its queues), closed hours (its calendar), batching and sittings
    # (release times) itself: a step's delay is the rest of its waiting.
    est = est.assign(delay=taken_apart[[p for p in waiting.PARTS if p not in waiting.MODELLED]].sum(axis=1))
    s.roles = roles
    # An item is what a case is for: a case takes its first step's item (a log naming items per
    # event, several in a case, would otherwise split cases the model serves whole).
    first_item = est.groupby("case")["item"].transform("first")
    mixed = est.loc[first_item != est["item"], "case"].nunique()
    if mixed:
        log.warnings.append(f"{mixed:,} cases name more than one item: each taken as its first step's")
    est = est.assign(item=first_item)
    taken: set[str] = set()
    items = {i: name_from(i or name, taken, kind="item") for i in sorted(est["item"].unique())}
    est = est.assign(item=est["item"].map(items) if len(items) > 1 else name)
    s.estimated = est
    for item, rows in est.groupby("item"):
        _item(s, item, rows, pool_of)
    arrivals = est[est["first"]].set_index("case")[["t0", "item", "dated"]]
    _demand(s, arrivals)
    _channels(s, log, est)
    s.estimated = est
    return s


def _work_calendar(s: Structure, ends: pd.Series, start: pd.Timestamp, dated: bool):
    """Fit the office calendar from the completions recorded with a time of day, keep it for
    the back office where it holds them, and return the open-hours counter work is measured in."""
    if dated:
        s.notes["hours"] = (
            "the log keeps dates only: work on the clock, taken as instant (no time of day to time it)"
        )
        return _clock_hours
    calendar, notes = calendar_of(ends, start)
    if not calendar.open:
        s.notes["hours"] = "work on the clock: too few completions at any hour to fit office hours"
        return _clock_hours
    weekly = periods(calendar, "calendar")
    local = ends.dt.day_of_week.to_numpy(), (ends.dt.hour + ends.dt.minute / 60).to_numpy()
    inside = np.zeros(len(ends), bool)
    for day, spans in weekly.items():
        for a, b in spans:
            inside |= (local[0] == day) & (local[1] >= a) & (local[1] <= b)
    outside = 1 - inside.mean()
    if outside > OUTSIDE:
        s.notes["hours"] = (
            f"work on the clock: {outside:.0%} of completions fall outside the best-fitting office hours "
            f"(more than {OUTSIDE:.0%})"
        )
        return _clock_hours
    s.calendar = calendar
    s.hours = WorkingTime(calendar, start.date(), s.span + 24 * 400)
    s.groups = {"back_office": "office"}
    s.notes["calendars.office"] = (
        notes["calendars.office"].replace("arrivals and intake starts", "step completions")
        + f"; {outside:.1%} of completions fall outside it"
    )
    return s.hours.open_hours_between


def _clock_hours(a, b) -> np.ndarray:
    """Hours between ``a`` and ``b`` on the clock (work around the clock)."""
    return np.asarray(b) - np.asarray(a)


def _staff(s: Structure, pools: Pools) -> None:
    for pool, n in sorted(pools.staff.items()):
        s.staff[pool] = {"reviewers": n}
        who = pools.people.get(pool, [])
        s.notes[f"departments.{pool}.reviewers"] = (
            f"people active in a typical week (median over weeks) of the {len(who)} in this pool, from "
            f"{pools.how}: {', '.join(who[:12])}{' ...' if len(who) > 12 else ''}"
            if who
            else "the log names no one for these activities: one, its work instant"
        )
    s.pools = pools


def _item(s: Structure, item: str, rows: pd.DataFrame, pools: Pools) -> None:
    """One item's steps (``sim.calibrate.routing``), written as a route table: each step's
    waiting as its delay (a case's first step has none: the case arrives with it), and each
    activity's work (one fit per activity, shared by its steps)."""
    rows = rows.reset_index(drop=True)  # in each case's order (sim.calibrate.order)
    r = find_routes(rows)
    key = f"items.{item}"
    works: dict[str, Dist] = {}
    steps = []
    for k, ((_, (activity, _)), step_name) in enumerate(zip(r.states, r.names, strict=True)):
        of = rows[r.of_row == k]
        if activity not in works:
            fit_key = f"{key}.activities.{name_from(activity, set())}.work"
            works[activity] = _dist(fitted(s, fit_key, rows.loc[rows["activity"] == activity, "work"]))
        wait = of["delay"]
        delay = None
        if len(wait) and wait.max() > 0:
            delay = _dist(fitted(s, f"{key}.steps.{step_name}.delay", wait))
        batch = _batch(s, activity)
        steps.append(
            Step(
                name=step_name,
                label=activity,
                pool=f"{pools.of_activity[activity]}.reviewers",
                work=works[activity],
                delay=delay,
                then=r.then[k],
                max_visits=r.max_visits[k],
                visits_of=r.visits_of[k],
                at_cap=AtCap.passes,
                counted=s.roles.get(activity) not in OFF_THE_CLOCK,
                batch=batch,
            )
        )
    s.notes[f"{key}.route"] = (
        f"{len(r.states)} steps over {rows['activity'].nunique()} activities, routes counted from "
        f"{rows['case'].nunique():,} cases: each the n-th time a case does an activity, after a given "
        f"one where the pair is seen in {MIN_PAIR}+ cases; work fitted per activity, waiting per step "
        "(fits.csv); one row a step"
    )
    s.items[item] = {
        "department": pools.of_activity[rows["activity"].iloc[0]],
        "route": route_table.table(steps, r.first),
        "pickup": False,
    }
    s.notes[f"{key}.pickup"] = "the log records no pickup: results reach applicants without one"


def _batch(s: Structure, activity: str) -> Batch | None:
    """A step's release times, where its activity's completions gather at minutes of the day
    (daily, at the times the office is open on every working day), or on one weekday (a sitting:
    every fifth working day at that day's opening, every seventh on the clock)."""
    weekly = periods(s.calendar, "office") if s.calendar is not None else {}
    days = [spans for spans in weekly.values() if spans]
    if activity in s.releases:
        at = [h for h in s.releases[activity] if all(any(a <= h <= b for a, b in spans) for spans in days)]
        if at:
            return Batch(at=[_clock(h) for h in at])
    if activity in s.sittings:
        weekday = s.sittings[activity]
        first = (weekday - pd.Timestamp(s.start_date).weekday()) % 7
        if s.calendar is None:
            return Batch(at=["00:00"], every_days=7, first_day=first)
        done = s.estimated.loc[s.estimated["activity"] == activity, "t1"]
        sits = float(np.median(np.mod(done, 24.0)))
        if len(days) == 5 and all(any(a <= sits <= b for a, b in d) for d in days):  # open then every day
            return Batch(at=[_clock(sits)], every_days=5, first_day=min(first, 4))
    return None


def _clock(hours: float) -> str:
    return f"{int(hours):02d}:{round(60 * (hours % 1)):02d}"


def _dist(d: dict) -> Dist:
    return Dist(**(d | {"dist": DistKind(d["dist"])}))


def _demand(s: Structure, arrivals: pd.DataFrame) -> None:
    """Arrival rates per clock hour (cases arrive at any hour, as online filings do), shaped
    by hour of day and weekday (rate in each against the mean, over the hours of the span). A
    case whose first step is recorded by date only arrived at an hour the log does not say: the
    hour-of-day shape is the timed arrivals' (flat without any), the weekday and week shapes
    every arrival's."""
    for item, cases in arrivals.groupby("item"):
        s.needs[item] = [item]
        s.demand[item] = digits(len(cases) / s.span)
        s.notes[f"demand.{item}"] = f"fitted from {len(cases):,} cases over {s.span:,.0f} hours"
    t = arrivals["t0"].to_numpy()
    hours = np.arange(math.ceil(s.span))
    start_weekday = pd.Timestamp(s.start_date).weekday()
    came = np.bincount(np.floor(t).astype(int), minlength=len(hours))[: len(hours)]
    mean = came.mean()
    timed = t[~arrivals["dated"].to_numpy(bool)]
    came_timed = np.bincount(np.floor(timed).astype(int), minlength=len(hours))[: len(hours)]
    profile = {}
    for key, index, size, counted in (
        ("hour_of_day", hours % 24, 24, came_timed if len(timed) >= MIN_TIMED_ARRIVALS else None),
        ("day_of_week", (hours // 24 + start_weekday) % 7, 7, came),
    ):
        if counted is None:
            profile[key] = [1.0] * size
            continue
        exposure = np.bincount(index, minlength=size)
        counts = np.bincount(index, weights=counted, minlength=size)
        level = counted.mean()
        profile[key] = [
            round(float(c / e / level), 3) if e else 0.0 for c, e in zip(counts, exposure, strict=True)
        ]
    # Each week's multiplier: its arrivals against what the hour and weekday profile expects
    # of it at the mean rate (the last, partial week over its own hours).
    shape = (
        np.asarray(profile["hour_of_day"])[hours % 24]
        * np.asarray(profile["day_of_week"])[(hours // 24 + start_weekday) % 7]
    )
    expected = np.bincount(hours // 168, weights=shape * mean)
    weekly = np.bincount(hours // 168, weights=came, minlength=len(expected))
    profile["week"] = [
        round(float(v), 3) for v in np.divide(weekly, expected, out=np.ones_like(weekly), where=expected > 0)
    ]
    s.profile = profile
    s.notes["demand_profile"] = (
        f"fitted from {len(t):,} arrivals: the rate in each hour of the day, weekday and week of the log "
        f"against the mean (weekly counts' variance {weekly.var():.1f}, their mean {weekly.mean():.1f}; "
        "Poisson alone: equal). The weeks replay the log's; for a forecast, drop `week`"
    )


def _channels(s: Structure, log: Log, est: pd.DataFrame) -> None:
    """Channel take-up from the log's channel of each case (online, in person; by post counts as
    online: filed without a trip)."""
    channel = est[est["first"]].set_index("case")["channel"].str.lower()
    if (channel == "").all():
        return
    kind = channel.map(lambda c: next((k for k, words in CHANNELS.items() if c in words), "other"))
    shares = kind.value_counts(normalize=True)
    online = float(shares.get("online", 0) + shares.get("post", 0))
    in_person = 1 - online
    for item in s.items:
        s.channels[item] = {"in_person": round(in_person, 4), "online": round(1 - round(in_person, 4), 4)}
        s.items[item]["online"] = True
    other = sorted(set(channel[kind == "other"]))
    found = ", ".join(f"{k} {v:.1%}" for k, v in shares.items())
    odd = f"; not recognised, counted in person: {', '.join(other[:10])}" if other else ""
    s.notes["channels"] = f"from {len(channel):,} cases: {found} (by post counted online: no trip){odd}"
