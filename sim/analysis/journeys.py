"""One applicant's journey and the windows' day, from the event log of replication 0.

Studies switch the per-step log off to stay fast, so the report reruns replication 0 of the
base staffing's jobs with the log on: the same seed and replication give the same applicants
and work as the job itself (common random numbers), at about a second per design.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.run import RunResult, run

# a visit to a window: the applicant's trip (hand_in: supplementary documents handed over)
WINDOW_ACTIVITIES = ("intake", "pickup", "hand_in")


def rerun(conf) -> RunResult:
    """Replication 0 of a job's configuration, with the per-step log."""
    return run(conf.scenario, conf.design, conf.seed, replication=0, record_steps=True)


def typical_case(result: RunResult, needs: dict[str, list[str]]) -> pd.Series:
    """A finished in-person applicant, arrived after the warm-up, of the need with the most items
    (the most frequent among those), whose lead time is the median of that need's: a journey a
    reader can take as typical of what bundling is for."""
    cases = result.cases
    steady = cases[(cases["arrival"] >= result.info["warmup"]) & cases["finished"]]
    in_person = steady[steady["channel"].astype(str) == "in_person"]
    pool = in_person if len(in_person) else steady
    counts = pool["need"].astype(str).value_counts()
    need = max(counts.index, key=lambda n: (len(needs[n]), counts[n]))
    of_need = pool[pool["need"].astype(str) == need]
    median = of_need["lead_time"].median()
    return of_need.loc[(of_need["lead_time"] - median).abs().idxmin()]


def journey(result: RunResult, case: int) -> pd.DataFrame:
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


def queue_by_hour(result: RunResult) -> pd.Series:
    """Applicants waiting at the windows (all window pools together), time-averaged over each
    hour of the day, over the days after the warm-up on which any window took in a dossier."""
    steps = result.steps
    intake = steps[(steps["activity"].astype(str) == "intake") & (steps["end"] >= result.info["warmup"])]
    warmup, horizon = result.info["warmup"], result.info["horizon"]
    # Waiting that crosses a night (an applicant sent home at closing, or one whose turn came
    # while the windows were shut) counts from the opening of the day they are served: before
    # that they were not at a window.
    start = intake["start"].to_numpy()
    day = np.floor(start / 24)
    opening = pd.Series(start).groupby(day).min().reindex(day).to_numpy()
    enqueue = intake["enqueue"].to_numpy()
    enqueue = np.where(np.floor(enqueue / 24) == day, enqueue, np.maximum(enqueue, opening))
    served = start
    # number waiting as a step function: +1 on joining a queue, -1 on being served
    times = np.concatenate([enqueue, served])
    change = np.concatenate([np.ones(len(intake)), -np.ones(len(intake))])
    order = np.argsort(times, kind="stable")
    times, waiting = times[order], np.cumsum(change[order])
    area = np.concatenate([[0.0], np.cumsum(waiting[:-1] * np.diff(times))])  # integral up to times[k]
    edges = np.arange(np.floor(warmup), np.ceil(horizon) + 1)
    hourly = np.diff(np.interp(edges, times, area))  # applicant-hours waiting in each clock hour
    hour = edges[:-1]
    open_days = np.unique(day)
    on_open_day = np.isin(np.floor(hour / 24), open_days)
    table = pd.Series(hourly[on_open_day], index=(hour[on_open_day] % 24).astype(int))
    return table.groupby(level=0).mean().reindex(range(24), fill_value=0.0).rename_axis("hour")
