"""Why a case waits, taken apart into what a reform acts on (after Lashkevich et al., "Why am I
waiting? Data-driven analysis of waiting times in business processes", CAiSE 2023: batching,
resource contention, prioritisation, unavailability, extraneous; written here from the paper's
definitions, with the causes a public office adds).

A step's waiting runs from when it was enabled (the case's previous completion) to when it
began (``sim.calibrate.starts``). Each part takes its share of that interval in turn, in this
order, by the method named in ``METHODS``:

- the applicant's time, and fixed periods: the whole wait after an activity the mapping calls a
  return for correction or a suspension (补正: the applicant's), or a notice period (公示: a fixed
  period, off the statutory clock);
- sittings: the part until the weekday and hour its activity is done at, where nearly all of it
  falls on one weekday (a committee that sits on Tuesdays at 10:00);
- batching: the part until the step's next release time, where its completions gather at a few
  minutes of the day (a nightly transfer at 17:00);
- contention: the part before the step's person was free (their previous completion, later than
  the step was enabled): a busy person, their other work included;
- closed hours: the rest's hours outside the office's calendar;
- handovers: the rest, where the step's pool differs from the previous step's (a file passed
  between teams, or departments);
- unexplained: the rest (an extraneous delay: a third party, a timer; Chapela-Campa & Dumas 2024).

Work is the time from each step's start to its completion. On the clock, the parts and the work
add up to the case's lead time (from its first completion to its last). The model releases a
step's files at the times found (batching, sittings) itself; the rest of a step's waiting it
keeps as the step's delay, on the clock. Contention stays in that delay too: people who each
keep their own pile of files wait longer than one shared queue at the same load would, so a
model's pool, queueing alone, would make too little of it (on the help desk the mean case took
26 h instead of 981); the model's own queue adds to it where its pools are busy, and staffing
acts there. Closed hours stay in it: a delay runs on the clock, nights included.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

PARTS = ("applicant", "fixed", "contention", "batching", "sitting", "closed", "handover", "unexplained")
METHODS = {
    "work": "each step's start (estimated where the log has none) to its completion",
    "applicant": "the wait after an activity the mapping calls a return for correction or a suspension",
    "fixed": "the wait after an activity the mapping calls a notice period",
    "contention": "from enabled until the step's person was free (their previous completion)",
    "batching": "until the next of the minutes of the day its completions gather at",
    "sitting": "until the weekday (and hour) nearly all its activity falls on",
    "closed": "hours of the rest outside the office's calendar",
    "handover": "the rest, where the pool differs from the previous step's",
    "unexplained": "the rest: an extraneous delay, kept as the step's delay",
}
MODELLED = ("batching", "sitting")  # what the model makes itself, by release times
RELEASE_SHARE = 0.15  # of an activity's completions at one minute of the day: a release time
RELEASED = 0.6  # of its completions at its release times: the activity is released in batches
SITTING_SHARE = 0.8  # of an activity's completions on one weekday: it is done at a sitting
SITTING_HOUR = 0.6  # of them within one hour of the day
MIN_ROWS = 20  # fewer completions of an activity tell no release time or sitting
APPLICANT_ROLES = ("return", "suspension")
FIXED_ROLES = ("notice",)


def releases(est: pd.DataFrame) -> dict[str, list[float]]:
    """Activity -> the hours of the day its completions gather at (a batch released then), for
    activities with a time of day."""
    timed = est[~est["dated"]] if "dated" in est else est
    out = {}
    for activity, rows in timed.groupby("activity"):
        if len(rows) < MIN_ROWS:
            continue
        minute = np.round(np.mod(rows["t1"].to_numpy(), 24.0) * 60).astype(int) % 1440
        share = pd.Series(minute).value_counts(normalize=True)
        at = share[share >= RELEASE_SHARE]
        if at.sum() >= RELEASED:
            out[activity] = sorted(m / 60 for m in at.index)
    return out


def sittings(est: pd.DataFrame, start_weekday: int) -> dict[str, int]:
    """Activity -> the weekday (0 Monday) it sits on: nearly all of it on one weekday that is not
    simply the office's working week, most of it within one hour of the day (a committee sits
    at a time; what follows it, on the same day, does not)."""
    out = {}
    t1 = est["t1"].to_numpy()
    weekday = (np.floor(t1 / 24).astype(int) + start_weekday) % 7
    hour = np.floor(np.mod(t1, 24.0)).astype(int)
    overall = pd.Series(weekday).value_counts(normalize=True)
    for activity, index in est.groupby("activity").indices.items():
        if len(index) < MIN_ROWS:
            continue
        days = pd.Series(weekday[index]).value_counts(normalize=True)
        hours = pd.Series(hour[index]).value_counts(normalize=True)
        day = int(days.index[0])
        if days.iloc[0] >= SITTING_SHARE and overall.get(day, 0) < 0.5 and hours.iloc[0] >= SITTING_HOUR:
            out[activity] = day
    return out


def parts(
    est: pd.DataFrame, pool_of: dict[str, str], roles: dict[str, str], open_hours, start_weekday: int
) -> pd.DataFrame:
    """Each step row's waiting (clock hours) as the parts of ``PARTS``, and its ``work`` (clock
    hours from start to completion). ``est`` in each case's order (``sim.calibrate.starts``);
    ``open_hours(a, b)`` counts the office's open hours between (the clock where none)."""
    n = len(est)
    enabled = est["enabled"].to_numpy(float)
    begun = est["t0"].to_numpy(float)
    wait = np.where(est["first"].to_numpy(), 0.0, np.clip(begun - np.nan_to_num(enabled), 0.0, None))
    out = {p: np.zeros(n) for p in PARTS}
    activity = est["activity"].to_numpy(str)
    previous = np.concatenate([[""], activity[:-1]])
    role_before = np.array([roles.get(a, "") for a in previous], dtype=object)
    whole = np.isin(role_before, APPLICANT_ROLES) | np.isin(role_before, FIXED_ROLES)
    out["applicant"] = np.where(np.isin(role_before, APPLICANT_ROLES), wait, 0.0)
    out["fixed"] = np.where(np.isin(role_before, FIXED_ROLES), wait, 0.0)
    rest = np.where(whole, 0.0, wait)
    at = np.nan_to_num(enabled)  # where the rest of the interval begins
    sat = sittings(est, start_weekday)
    for activity_name, day in sat.items():  # a sitting takes its whole wait: the day and the hour
        mine = activity == activity_name
        hour = np.median(np.mod(est["t1"].to_numpy()[mine], 24.0))
        until = _next_weekday(at[mine], day, start_weekday, hour)
        part = np.clip(until - at[mine], 0.0, rest[mine])
        out["sitting"][mine], rest[mine], at[mine] = part, rest[mine] - part, at[mine] + part
    for activity_name, hours in releases(est).items():
        if activity_name in sat:
            continue
        mine = activity == activity_name
        until = _next_release(at[mine], hours)
        part = np.clip(until - at[mine], 0.0, rest[mine])
        out["batching"][mine], rest[mine], at[mine] = part, rest[mine] - part, at[mine] + part
    free = est["free"].to_numpy(float) if "free" in est else np.full(n, np.nan)
    busy = np.clip(np.nan_to_num(free - at, nan=0.0), 0.0, rest)
    out["contention"], rest, at = busy, rest - busy, at + busy
    open_part = np.clip(np.asarray(open_hours(at, at + rest), dtype=float), 0.0, rest)
    out["closed"], rest = rest - open_part, open_part
    pool = pd.Series(activity).map(pool_of).to_numpy(object)
    handed = ~est["first"].to_numpy() & (pool != np.concatenate([[None], pool[:-1]]))
    out["handover"] = np.where(handed, rest, 0.0)
    out["unexplained"] = np.where(handed, 0.0, rest)
    frame = pd.DataFrame(out, index=est.index)
    frame["work"] = est["t1"].to_numpy(float) - begun
    return frame


def shares(est: pd.DataFrame, taken: pd.DataFrame) -> pd.DataFrame:
    """Each part's hours and share of the cases' lead time, with its method: the table a
    calibration report shows."""
    lead = est.groupby("case")["t1"].max() - est.groupby("case")["t1"].min()
    total = float(lead.sum())
    rows = []
    for part in ("work", *PARTS):
        hours = float(taken[part].sum())
        rows.append(
            {
                "part": part,
                "hours per case": hours / max(len(lead), 1),
                "share of lead time": hours / total if total else 0.0,
                "in the model": "release times"
                if part in MODELLED
                else "work"
                if part == "work"
                else "a delay",
                "method": METHODS[part],
            }
        )
    return pd.DataFrame(rows)


def _next_release(t: np.ndarray, hours: list[float]) -> np.ndarray:
    """The first release at or after each ``t`` (hours since a midnight), daily at ``hours``."""
    day, clock = np.floor(t / 24.0), np.mod(t, 24.0)
    later = np.full(len(t), np.inf)
    for h in hours:
        later = np.minimum(later, np.where(h >= clock, day * 24 + h, (day + 1) * 24 + h))
    return later


def _next_weekday(t: np.ndarray, weekday: int, start_weekday: int, hour: float) -> np.ndarray:
    """The first ``hour`` of a ``weekday`` at or after each ``t``."""
    day = np.floor(t / 24.0)
    ahead = (weekday - (day.astype(int) + start_weekday)) % 7
    this = (day + ahead) * 24 + hour
    return np.where(this >= t, this, this + 7 * 24)
