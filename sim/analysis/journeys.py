"""One applicant's journey and the windows' day, from a job's saved event log: nothing is
rerun, so a report rebuilt from saved results says what the jobs recorded.

A study logs the steps of every k-th applicant (``log_sample``, 1 / k), the same applicants
under every design (common random numbers); the journey is one of them, and the windows' queue
over the day is estimated from them, over every replication, and scaled by k.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sim.domain.calendars import WorkingTime
from sim.domain.scenario import Scenario

# a visit to a window: the applicant's trip (hand_in: supplementary documents handed over)
WINDOW_ACTIVITIES = ("intake", "pickup", "hand_in")


@dataclass
class Logged:
    """A run's cases and logged steps (a ``RunResult`` is one too), with the ``info`` the views
    read (``warmup``, ``horizon``)."""

    cases: pd.DataFrame
    steps: pd.DataFrame
    info: dict = field(default_factory=dict)


def saved(job: Path, scenario: Scenario) -> dict[int, Logged] | None:
    """A job's replications as it saved them, by replication; None when it saved no event log
    (``record_steps=false``)."""
    if not (job / "steps.parquet").is_file():
        return None
    cases, steps = pd.read_parquet(job / "cases.parquet"), pd.read_parquet(job / "steps.parquet")
    info = {"warmup": scenario.warmup, "horizon": scenario.horizon}
    by_rep = dict(tuple(steps.groupby("replication", sort=True)))
    return {
        int(r): Logged(c.reset_index(drop=True), by_rep.get(r, steps.iloc[:0]).reset_index(drop=True), info)
        for r, c in cases.groupby("replication", sort=True)
    }


def window_hours(scenario: Scenario) -> WorkingTime | None:
    """The windows' calendar laid out over the run, or None when they never close."""
    name = scenario.hours.windows
    if name is None:
        return None
    start = dt.date.fromisoformat(scenario.start_date)
    return WorkingTime(scenario.calendars[name], start, scenario.horizon + scenario.drain + 24 * 8)


def typical_case(result: Logged, needs: dict[str, list[str]]) -> pd.Series:
    """A finished in-person applicant whose steps were logged, arrived after the warm-up, of the
    need with the most items (the most frequent among those), whose lead time is the median of
    that need's: a journey a reader can take as typical of what bundling is for."""
    cases = result.cases[result.cases["case"].isin(result.steps["case"])]
    steady = cases[(cases["arrival"] >= result.info["warmup"]) & cases["finished"]]
    in_person = steady[steady["channel"].astype(str) == "in_person"]
    pool = in_person if len(in_person) else steady
    counts = pool["need"].astype(str).value_counts()
    need = max(counts.index, key=lambda n: (len(needs[n]), counts[n]))
    of_need = pool[pool["need"].astype(str) == need]
    median = of_need["lead_time"].median()
    return of_need.loc[(of_need["lead_time"] - median).abs().idxmin()]


def journey(result: Logged, case: int) -> pd.DataFrame:
    """The case's steps in days since its arrival: ``lane`` (who: a staff pool, the applicant or
    the post), ``activity``, ``item``, waiting (``enqueue`` to ``start``) and working (``start``
    to ``end``), and ``trip``: the step is a visit to a window that began a trip there."""
    steps = result.steps[result.steps["case"] == case].copy()
    arrival = float(result.cases.set_index("case").loc[case, "arrival"])
    for column in ("enqueue", "start", "end"):
        steps[column] = (steps[column] - arrival) / 24
    steps["lane"] = steps["resource"].astype(str)
    steps["activity"] = steps["activity"].astype(str)
    steps["item"] = steps["item"].astype(str)
    visit = steps["activity"].isin(WINDOW_ACTIVITIES)
    # an applicant arrives at a window when queueing for intake, and when a result or supplementary
    # documents are handed over
    steps["arrives"] = np.where(steps["activity"] == "intake", steps["enqueue"], steps["start"])
    steps["trip"] = visit & ~steps.duplicated(["lane", "arrives"])
    steps.loc[~visit, "arrives"] = np.nan
    return steps.sort_values(["enqueue", "start"]).reset_index(drop=True)[
        ["lane", "activity", "item", "enqueue", "start", "end", "trip", "arrives"]
    ]


def queue_by_hour(results: list[Logged], share: float = 1.0, windows: WorkingTime | None = None) -> pd.Series:
    """Applicants waiting at the windows (all window pools together), time-averaged over each
    hour of the day, over the days after the warm-up on which the windows open (any window took
    in a dossier, when they never close), averaged over ``results`` (replications) and scaled
    by 1 / ``share`` (the logged share of applicants: 1 in k logged, each stands for k)."""
    return (
        pd.concat([_by_hour(r, windows) for r in results], axis=1).mean(axis=1).div(share).rename_axis("hour")
    )


def _by_hour(result: Logged, windows: WorkingTime | None) -> pd.Series:
    steps = result.steps
    intake = steps[(steps["activity"].astype(str) == "intake") & (steps["end"] >= result.info["warmup"])]
    warmup, horizon = result.info["warmup"], result.info["horizon"]
    edges = np.arange(np.floor(warmup), np.ceil(horizon) + 1)
    hour = edges[:-1]
    start = intake["start"].to_numpy()
    day = np.floor(start / 24)
    # Waiting that crosses a night (an applicant sent home at closing, or one whose turn came
    # while the windows were shut) counts from the opening of the day they are served: before
    # that they were not at a window.
    if windows is None:
        opening = pd.Series(start).groupby(day).min().reindex(day).to_numpy()
        open_days = np.unique(day)
    else:
        opening = np.array([windows.next_open(24 * d) for d in day])
        days = np.arange(np.floor(warmup / 24), np.ceil(horizon / 24))
        open_days = days[np.floor(np.array([windows.next_open(24 * d) for d in days]) / 24) == days]
    enqueue = intake["enqueue"].to_numpy()
    enqueue = np.where(np.floor(enqueue / 24) == day, enqueue, np.maximum(enqueue, opening))
    # number waiting as a step function: +1 on joining a queue, -1 on being served
    times = np.concatenate([enqueue, start])
    change = np.concatenate([np.ones(len(intake)), -np.ones(len(intake))])
    order = np.argsort(times, kind="stable")
    times, waiting = times[order], np.cumsum(change[order])
    area = np.concatenate([[0.0], np.cumsum(waiting[:-1] * np.diff(times))])  # integral up to times[k]
    hourly = np.diff(np.interp(edges, times, area)) if len(times) else np.zeros(len(hour))
    on_open_day = np.isin(np.floor(hour / 24), open_days)
    table = pd.Series(hourly[on_open_day], index=(hour[on_open_day] % 24).astype(int))
    return table.groupby(level=0).mean().reindex(range(24), fill_value=0.0)
