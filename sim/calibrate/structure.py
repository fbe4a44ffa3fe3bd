"""What an office's log says about its scenario: opening hours, needs and their demand by
hour and weekday, each item's department, intake, back-office steps and rejections, and each
pool's staff. Every value comes with where it came from.

Resources are read as pools named ``department.role`` (clerks at the windows; reviewers,
leaders, inspectors behind them), as the simulator's export names them; ``applicant`` and
``post`` are the applicant's own time and the mail. Work is measured in the calendar's open
hours (work pauses while the office is closed), the applicant's time on the clock.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sim.calibrate.fitting import Fit, fit
from sim.calibrate.logs import Log, hours_since
from sim.domain.calendars import WEEKDAYS, Calendar, WorkingTime
from sim.domain.errors import ConfigError

WINDOW = ("intake", "pickup")  # activities at a window
APPLICANT, POST = "applicant", "post"
BIN_MINUTES = 15
MIN_SPAN = 4  # quarter-hours: the shortest opening, and the shortest closed gap within a day
OPEN_SHARE = 0.1  # a quarter-hour is open when it holds this share of a typical open quarter's intakes
BOOKED = 0.25  # working days a step's files wait before its queue, typically, to read as a booking
RELEASE_SHARE = 0.15  # a minute of the day holding this share of a step's starts is a release time


@dataclass
class Structure:
    """The pieces of a scenario, each with its provenance (``notes``: dotted key -> text)."""

    start_date: str
    calendar: Calendar | None  # none: around the clock
    hours: WorkingTime | None
    span: float  # hours from start_date to the last arrival
    staff: dict[str, dict[str, int]] = field(default_factory=dict)
    items: dict[str, dict] = field(default_factory=dict)
    needs: dict[str, list[str]] = field(default_factory=dict)
    demand: dict[str, float] = field(default_factory=dict)
    profile: dict[str, list[float]] = field(default_factory=dict)
    fits: dict[str, Fit] = field(default_factory=dict)
    delivery: dict[str, dict] = field(default_factory=dict)  # the post's time and the pickup delay
    cases: int = 0
    notes: dict[str, str] = field(default_factory=dict)
    samples: dict[str, np.ndarray] = field(default_factory=dict)  # each fit's durations, for its plot
    warmup: float | None = None  # none: the scenario file's default
    groups: dict[str, str] = field(default_factory=lambda: {"windows": "office", "back_office": "office"})
    channels: dict[str, dict[str, float]] = field(default_factory=dict)
    pools: object = None  # sim.calibrate.pools.Pools, for a log of people
    estimated: pd.DataFrame | None = None  # each step with its estimated start, work and waiting
    waiting: pd.DataFrame | None = None  # the parts of the cases' waiting (sim.calibrate.waiting)
    releases: dict[str, list[float]] = field(default_factory=dict)  # activity -> release hours
    sittings: dict[str, int] = field(default_factory=dict)  # activity -> the weekday it sits
    roles: dict[str, str] = field(default_factory=dict)  # activity -> its role (the mapping file's)


def infer(log: Log) -> Structure:
    steps = log.steps
    staffed = steps[~steps["resource"].isin([APPLICANT, POST])]
    bad = staffed.loc[~staffed["resource"].str.contains(".", regex=False), "resource"]
    if len(bad):
        raise ConfigError(
            "mapping.resource",
            f"resources are read as pools 'department.role' (e.g. market.reviewers); '{bad.iloc[0]}' is not: "
            "map each person to their pool first",
        )
    start = log.arrivals.min().normalize()
    hours_of = hours_since(start)
    arrivals = hours_of(log.arrivals)
    span = float(arrivals.max()) + 1e-9
    intakes = steps.loc[steps["activity"] == "intake", "start"]
    # Opening hours from the weeks applicants arrived in (after the last arrival, intakes thin out
    # and quiet weekdays would read as holidays).
    seen = pd.concat([log.arrivals.reset_index(drop=True), intakes[intakes <= log.arrivals.max()]])
    calendar, notes = calendar_of(seen, start)
    working = WorkingTime(calendar, start.date(), span + 24 * 400)
    s = Structure(
        start_date=start.date().isoformat(),
        calendar=calendar,
        hours=working,
        span=span,
        cases=int(log.arrivals.size),
        notes=notes,
    )
    t0, t1 = hours_of(steps["start"]).to_numpy(), hours_of(steps["end"]).to_numpy()
    tq = hours_of(steps["queued"]).to_numpy(dtype=float)  # NaN where the log has no schedule event
    steps = steps.assign(tq=tq, t0=t0, t1=t1, open=working.open_hours_between(t0, t1), clock=t1 - t0)
    _staff(s, steps)
    _items(s, steps)
    _deliveries(s, steps)
    _needs(s, steps, arrivals)
    return s


def calendar_of(times: pd.Series, start: pd.Timestamp) -> tuple[Calendar, dict[str, str]]:
    """Opening periods per weekday from when applicants arrive and intakes start (a clerk
    calls no one closing would cut, so intake starts alone stop short of closing; applicants
    come until it): a weekday is open when it has such events on at least half as many of its
    dates as the busiest weekday (a Sunday opened as a make-up workday now and then stays
    closed); a quarter-hour is open when it holds at least ``OPEN_SHARE`` of a typical open
    quarter's events. Open weekdays with no event at all are holidays; other days with events,
    make-up workdays."""
    local = times.dt
    minute = (local.hour * 60 + local.minute) // BIN_MINUTES
    counts = pd.crosstab(local.day_of_week, minute)
    span = pd.Series(pd.date_range(local.date.min(), local.date.max(), freq="D"))
    active = pd.Series(list(set(local.date))).map(lambda d: d.weekday()).value_counts()
    share = active / span.dt.day_of_week.value_counts()
    days = share[share >= 0.5 * share.max()].index.sort_values()
    typical = np.median(counts.loc[days].to_numpy()[counts.loc[days].to_numpy() > 0])
    opened = {}
    for day in days:
        bins = [int(b) for b in counts.columns if counts.loc[day, b] >= OPEN_SHARE * typical]
        if periods := _periods(bins):  # a day of fragments only stays closed
            opened[WEEKDAYS[day]] = periods
    dates = pd.Series(sorted(set(local.date)))
    first, last = dates.iloc[0], dates.iloc[-1]
    all_days = pd.date_range(first, last, freq="D").date
    busy = set(dates)
    open_days = {WEEKDAYS.index(d) for d in opened}
    # A weekday with no intake is a holiday only where a quiet day that long would be a fluke
    # (Poisson: under one chance in twenty over the whole log); else none is inferred.
    daily = pd.Series(list(local.date)).value_counts()
    tell = math.exp(-float(daily.median())) * len(all_days) < 0.05
    holidays = [d.isoformat() for d in all_days if d.weekday() in open_days and d not in busy] if tell else []
    workdays = [d.isoformat() for d in all_days if d.weekday() not in open_days and d in busy]
    calendar = Calendar(open=opened, holidays=holidays, workdays=workdays if 0 in open_days else [])
    said = (
        f"{len(holidays)} weekdays without events taken as holidays"
        if tell
        else f"too few events a day ({daily.median():.0f}) to tell a holiday from a quiet day: none inferred"
    )
    return calendar, {
        "calendars.office": f"fitted from {len(times):,} arrivals and intake starts: open quarter-hours "
        "per weekday; "
        f"{said}; {len(workdays)} weekend days with events as make-up workdays"
    }


def _periods(bins: list[int]) -> list[str]:
    """Open quarter-hours as "HH:MM-HH:MM" periods without fragments: a gap shorter than
    ``MIN_SPAN`` quarters is bridged, a period shorter than it dropped."""
    runs: list[list[int]] = []
    for b in sorted(bins):
        if runs and b - runs[-1][1] <= MIN_SPAN:
            runs[-1][1] = b
        else:
            runs.append([b, b])
    out = []
    for first, last in runs:
        if last + 1 - first >= MIN_SPAN:
            a, z = first * BIN_MINUTES, (last + 1) * BIN_MINUTES
            out.append(f"{a // 60:02d}:{a % 60:02d}-{z // 60:02d}:{z % 60:02d}")
    return out


def _staff(s: Structure, steps: pd.DataFrame) -> None:
    """Each pool's staff: the most steps ever in hand at once (every person busy at some
    moment of a long log; a pool never full is undercounted, said in its note)."""
    staffed = steps[~steps["resource"].isin([APPLICANT, POST])]
    for pool, g in staffed.groupby("resource"):
        times = np.r_[g["t0"].to_numpy(), g["t1"].to_numpy()]
        change = np.r_[np.ones(len(g)), -np.ones(len(g))]
        order = np.lexsort((change, times))  # at one instant, one leaves before the next sits
        peak = int(np.cumsum(change[order]).max())
        department, _, role = pool.partition(".")
        s.staff.setdefault(department, {})[role] = max(peak, 1)
        s.notes[f"departments.{department}.{role}"] = (
            f"fitted from {len(g):,} steps: the most in hand at once (a lower bound if never all busy)"
        )


def _items(s: Structure, steps: pd.DataFrame) -> None:
    """Each item's department, intake, rejections, preparation and back-office steps, from
    steps of that item alone (a merged dossier's intake serves several and is left out)."""
    single = steps[~steps["item"].str.contains("+", regex=False) & (steps["item"] != "")]
    for item, g in single.groupby("item", sort=True):
        intake = g[g["activity"] == "intake"]
        if intake.empty:
            continue
        department = intake["resource"].iloc[0].partition(".")[0]
        spec: dict = {"department": department, "documents": [f"{item}_dossier"]}
        key = f"items.{item}"
        s.notes[f"{key}.documents"] = "not in the log: one dossier stands for the item's documents (estimate)"
        spec["intake"] = fitted(s, f"{key}.intake", intake["open"])
        prepare = g[g["activity"] == "prepare"]
        spec["p_incomplete"] = round(len(prepare) / len(intake), 4)
        s.notes[f"{key}.p_incomplete"] = (
            f"fitted from {len(intake):,} intakes: the share followed by the applicant fixing the dossier"
        )
        if len(prepare):
            spec["prepare"] = fitted(s, f"{key}.prepare", prepare["clock"])
        back = g[~g["activity"].isin([*WINDOW, "prepare", "mail"]) & (g["resource"] != APPLICANT)]
        cases = g["case"].nunique()
        ranked = back.assign(k=back.groupby("case").cumcount()).groupby("activity")["k"].median()
        spec["steps"] = []
        ready = g.loc[g["activity"] == "intake"].groupby("case")["t1"].max()  # accepted (last intake)
        for name in ranked.sort_values(kind="stable").index:
            rows = back[back["activity"] == name]
            pool = rows["resource"].iloc[0].partition(".")[2]
            here = f"{key}.steps.{name}"
            step = {"name": name, "pool": pool, "work": fitted(s, f"{here}.work", rows["open"])}
            share = rows["case"].nunique() / cases
            if share < 0.99:
                step["probability"] = round(share, 4)
                s.notes[f"{here}.probability"] = f"fitted from {cases:,} cases: the share with this step"
            queued = rows["queued"].notna().mean() > 0.9  # the log says when files reached the queue
            at = _releases(rows["queued"] if queued else rows["start"])
            before = ready.reindex(rows["case"]).to_numpy()
            after = rows["tq"].to_numpy() if queued else rows["t0"].to_numpy()
            days = s.hours.open_hours_between(before, after) / s.hours.day_hours
            days = days[np.isfinite(days)]
            if at:
                step["batch"] = {"at": at}
                s.notes[f"{here}.batch"] = (
                    f"fitted from {len(rows):,} {'arrivals in its queue' if queued else 'starts'}: most at "
                    f"{', '.join(at)} (files released then)"
                )
            elif len(days) and (np.median(days) >= BOOKED if queued else pool == "inspectors"):
                # Waiting before its queue (or, without schedule events, before an inspection:
                # site visits are booked) is a booked slot.
                step["booking"] = fitted(s, f"{here}.booking", pd.Series(days))
                s.notes[f"{here}.booking"] += " (working days from the previous step" + (
                    ")" if queued else ", queueing included)"
                )
            ready = rows.groupby("case")["t1"].max().combine_first(ready)
            spec["steps"].append(step)
        spec["pickup"] = bool((g["activity"] == "pickup").any())
        s.items[item] = spec


def _deliveries(s: Structure, steps: pd.DataFrame) -> None:
    """How long the post takes (``mail`` steps, on the clock), and how long an applicant takes
    to come for a result once told it is ready (the pickup's schedule event, else the item's
    last step). A pickup at the windows' opening may have waited for it: its delay is only
    known to lie between the last closing and the opening, and is drawn uniformly there
    (a fixed seed: the same file gives the same scenario)."""
    mail = steps[steps["activity"] == "mail"]
    if len(mail):
        s.delivery["mail"] = fitted(s, "mail", mail["clock"])
    pickups = steps[steps["activity"] == "pickup"]
    if len(pickups) < 2:
        return
    done = steps[~steps["activity"].isin(["pickup", "prepare", "mail"])]
    last = done.groupby(["case", "item"])["t1"].max()
    last = last.reindex(pd.MultiIndex.from_frame(pickups[["case", "item"]])).to_numpy()
    ready = np.where(np.isfinite(pickups["tq"].to_numpy()), pickups["tq"].to_numpy(), last)
    came = pickups["t0"].to_numpy()
    starts, ends = np.asarray(s.hours.starts), np.asarray(s.hours.ends)
    k = np.searchsorted(starts, came)
    at_opening = (k < len(starts)) & np.isclose(starts[np.minimum(k, len(starts) - 1)], came, atol=1e-6)
    closed = ends[np.maximum(k - 1, 0)]  # the closing before that opening
    low = np.where(at_opening, np.clip(closed - ready, 0, None), came - ready)
    delay = low + np.random.default_rng(0).uniform(size=len(came)) * (came - ready - low)
    delay = delay[np.isfinite(delay) & (delay >= 0)]
    s.delivery["pickup_delay"] = fitted(s, "pickup_delay", pd.Series(delay))
    s.notes["pickup_delay"] += (
        f" (clock hours from told to coming; {int(at_opening.sum()):,} who came at an opening drawn "
        "between the closing before it and it)"
    )


def _releases(starts: pd.Series) -> list[str]:
    """The clock times at which a step's files are released, when its starts gather at a few
    minutes of the day (at least ``RELEASE_SHARE`` of them at each, most of them at all)."""
    minutes = starts.dt.hour * 60 + starts.dt.minute
    share = minutes.value_counts(normalize=True)
    at = share[share >= RELEASE_SHARE]
    if at.sum() < 0.5:
        return []
    return [f"{m // 60:02d}:{m % 60:02d}" for m in sorted(at.index)]


def fitted(s: Structure, key: str, sample: pd.Series) -> dict:
    """Fit ``sample``, keep the fit and its sample, and return the duration as a scenario
    writes it (four significant digits: more would be noise)."""
    f = fit(sample.to_numpy())
    s.fits[key] = f
    s.samples[key] = sample.to_numpy(dtype=float)
    s.notes[key] = f.note()
    d = f.dist
    out = {"dist": f.family, "mean": d.mean, "cv": d.cv, "value": d.value}
    out = {k: v if isinstance(v, str) else digits(v) for k, v in out.items() if v is not None}
    if d.values is not None:
        out["values"] = [digits(v) for v in d.values]
    return out


def digits(v: float) -> float:
    return float(f"{v:.4g}")


def _needs(s: Structure, steps: pd.DataFrame, arrivals: pd.Series) -> None:
    """Needs from each case's items in the order it was served (its ``need`` when the log names
    it), demand per open hour of the windows, and the arrival profile by hour and weekday."""
    intakes = steps[steps["activity"] == "intake"].sort_values(["case", "t0"])
    items = intakes.assign(item=intakes["item"].str.split("+")).explode("item")
    served = items.drop_duplicates(["case", "item"]).groupby("case")["item"].agg(tuple)
    named = steps.drop_duplicates("case").set_index("case")["need"]
    need = pd.Series([named.get(c) or "+".join(sorted(v)) for c, v in served.items()], index=served.index)
    open_hours = float(s.hours.open_hours(s.span))
    for name, cases in need.groupby(need):
        order = served[cases.index].value_counts().index[0]
        s.needs[name] = list(order)
        s.demand[name] = round(len(cases) / open_hours, 6)
        s.notes[f"demand.{name}"] = f"fitted from {len(cases):,} arrivals over {open_hours:,.0f} open hours"
    s.profile = _profile(s, arrivals[arrivals.index.isin(need.index)])


def _profile(s: Structure, arrivals: pd.Series) -> dict[str, list[float]]:
    """Arrivals per open hour in each hour of the day and on each weekday, over all of them."""
    t = arrivals.to_numpy()
    edges = np.arange(0, np.ceil(s.span) + 1)
    open_in = np.diff([s.hours.open_hours(e) for e in edges])  # open time in each clock hour
    hour = (edges[:-1] % 24).astype(int)
    weekday = ((edges[:-1] // 24).astype(int) + dt.date.fromisoformat(s.start_date).weekday()) % 7
    came = np.bincount(np.floor(t).astype(int), minlength=len(open_in))[: len(open_in)]
    rate = came.sum() / open_in.sum()
    out = {}
    for name, index, size in (("hour_of_day", hour, 24), ("day_of_week", weekday, 7)):
        exposure = np.bincount(index, weights=open_in, minlength=size)
        counts = np.bincount(index, weights=came, minlength=size)
        with np.errstate(invalid="ignore", divide="ignore"):
            out[name] = [round(float(v), 3) for v in np.where(exposure > 0, counts / exposure / rate, 0.0)]
    s.notes["demand_profile"] = f"fitted from {len(t):,} arrivals: rate per open hour against the mean"
    return out
