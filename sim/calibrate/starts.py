"""When each step of an office's log began, and how long it waited before that: the start-time
estimation of the business-process-simulation literature (Chapela-Campa & Dumas, "Estimating
activity start timestamps in the absence of event lifecycle information", 2022: written here
from the method, not from their code).

Most offices record only when an activity completes. A step cannot have begun before it was
enabled (the case's previous step completed) nor before its person was free (that person's
previous completion, in any case); the estimate is the later of the two. A person idle before
a step (a long gap with nothing recorded) makes that estimate too early: a processing time
above ``OUTLIER`` times its activity's median is taken as idle time and replaced by the median
(the estimator's outlier rule; the factor is ours). Where the log names no person, or keeps only
dates (a step recorded by date only, ``sim.calibrate.order``), nothing tells work from waiting:
the step is taken as instant, its gap all waiting; so
too for a resource the estimates would keep busy more than ``BUSY`` of its open hours (a system
closing cases, or someone recording in batches: the estimator's assumption, one step at a time
from the previous completion, reads every gap between its completions as work).

What remains between enabled and start is the step's waiting (``wait``, clock hours): the
simulator keeps it as a delay before the step's queue, since the office's people each keep
their own queue where a model's pool shares one.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

OUTLIER = 2.0  # ours: helpdesk's mean case duration moves 0.3 % between 2 and 4, +18 % at 10
BUSY = 0.9


def estimate(steps: pd.DataFrame, clock, open_hours, dated: np.ndarray) -> pd.DataFrame:
    """``steps`` (``case``, ``activity``, ``resource``, ``start`` (NaT where the log has none),
    ``end``), in each case's order (``sim.calibrate.order``), with ``t1`` (end), ``work`` (open
    hours of processing), ``wait`` (clock hours from enabled to start), ``first`` (the case's
    first step), ``estimated``, ``enabled`` (the case's previous completion) and ``free`` (the
    person's previous completion, where the start was estimated). ``clock`` turns times into
    hours; ``open_hours(a, b)``
    counts the open hours between; ``dated``: each step recorded by date only."""
    steps = steps.reset_index(drop=True)
    t1 = clock(steps["end"]).to_numpy(float)
    known = steps["start"].notna().to_numpy()
    t0_known = clock(steps["start"]).to_numpy(float)
    same_case = steps["case"].to_numpy()[1:] == steps["case"].to_numpy()[:-1]
    enabled = np.r_[np.nan, np.where(same_case, t1[:-1], np.nan)]
    first = np.isnan(enabled)
    person = steps["resource"].to_numpy(str)
    named = (person != "") & ~np.asarray(dated, dtype=bool)
    free = _previous_completion(person, t1, named)
    start = np.fmax(enabled, free)  # the later of the two known; NaN only where neither is
    start = np.where(np.isnan(start) | ~named, t1, np.minimum(start, t1))
    work = open_hours(start, t1)
    positive = pd.Series(np.where(work > 0, work, np.nan))
    median = positive.groupby(steps["activity"].to_numpy()).transform("median").fillna(0.0)
    idle = ~known & (work > OUTLIER * median.to_numpy())
    work = np.where(idle, median.to_numpy(), work)
    start = np.where(idle, t1 - work, start)  # clock hours: a close estimate for a short step
    machine = _machines(person, t1, work, named, open_hours)
    work, start = np.where(machine, 0.0, work), np.where(machine, t1, start)
    start = np.where(known, t0_known, start)
    work = np.where(known, open_hours(t0_known, t1), work)
    wait = np.where(first, 0.0, np.clip(start - np.nan_to_num(enabled), 0.0, None))
    free = np.where(named & ~known, free, np.nan)  # when its person was free, where estimated so
    return steps.assign(
        t0=start, t1=t1, work=work, wait=wait, first=first, estimated=~known, enabled=enabled, free=free
    )


def _machines(
    person: np.ndarray, t1: np.ndarray, work: np.ndarray, named: np.ndarray, open_hours
) -> np.ndarray:
    """Steps of a resource whose estimated work would fill more than ``BUSY`` of its open hours
    from its first completion to its last: a system, or someone who records in batches. Nothing
    tells its work from its waiting, so its steps are taken as instant."""
    frame = pd.DataFrame({"person": person, "t1": t1, "work": work})[named]
    if frame.empty:
        return np.zeros(len(person), bool)
    g = frame.groupby("person")
    span = open_hours(g["t1"].min().to_numpy(), g["t1"].max().to_numpy())
    busy = g["work"].sum().to_numpy() / np.where(span > 0, span, np.inf)
    full = set(g["work"].sum().index[busy > BUSY])
    return named & np.isin(person, list(full))


def _previous_completion(person: np.ndarray, t1: np.ndarray, named: np.ndarray) -> np.ndarray:
    """Each step's person's previous timed completion (NaN for their first, or no person): a
    step recorded by date only says nothing of when its person was free."""
    who = np.where(named, pd.factorize(person)[0], -1 - np.arange(len(person)))
    order = np.lexsort((t1, who))
    p, t = who[order], t1[order]
    previous = np.r_[np.nan, np.where(p[1:] == p[:-1], t[:-1], np.nan)]
    out = np.empty_like(t1)
    out[order] = previous
    return np.where(named, out, np.nan)
