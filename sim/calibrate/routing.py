"""How cases move between an office's activities, as its log shows: a step graph with
probabilities (``sim.domain.routes``), discovered from the order of each case's steps.

A step is an activity reached from a given previous activity (second order: "Check, after
Register" and "Check, after Correct" are two steps, both labelled "Check"), so that what a case
does next depends on where it came from, the waiting before a step on the way it came, and
loops, skips and reorderings happen as often as in the log. A log with more such pairs than
``MAX_STATES`` gets one step per activity (first order). Each step is visited at most as often
as the log's busiest case visited it. The expected number of each transition is the log's own
(a Markov chain fitted by counting keeps the counts it was fitted to).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.domain.names import name_from

MAX_STATES = 400
START = ""  # the previous activity of a case's first step


@dataclass
class Routing:
    """``states``: (previous activity, activity) per step (previous ``START`` for a first step,
    or for every step in first order); ``names``; ``then`` and ``first`` as the scenario writes
    them; ``max_visits``; ``of_row``: each step row's state; ``order``: 1 or 2."""

    states: list[tuple[str, str]]
    names: list[str]
    then: list[dict[str, float]]
    first: dict[str, float]
    max_visits: list[int]
    of_row: np.ndarray
    order: int


def find_routes(steps: pd.DataFrame) -> Routing:
    """The routing of ``steps`` (``case``, ``activity``, sorted by case and time)."""
    case = steps["case"].to_numpy()
    activity = steps["activity"].to_numpy(str)
    head = np.r_[True, case[1:] != case[:-1]]
    tail = np.r_[case[1:] != case[:-1], True]
    previous = np.where(head, START, np.concatenate([[START], activity[:-1]]))
    order = 2
    pairs = pd.MultiIndex.from_arrays([previous, activity])
    if pairs.nunique() > MAX_STATES:
        order, previous = 1, np.full(len(activity), START)
        pairs = pd.MultiIndex.from_arrays([previous, activity])
    codes, uniques = pd.factorize(pairs, sort=True)
    states = [tuple(u) for u in uniques]
    names = _names(states, order)
    following = np.where(tail, -1, np.r_[codes[1:], -1])
    visits = np.bincount(codes, minlength=len(states))
    moves = pd.crosstab(codes[~tail], following[~tail])
    then = [{} for _ in states]
    for a, row in moves.iterrows():
        then[a] = {names[b]: _floor(n / visits[a]) for b, n in row.items() if n}
    firsts = np.bincount(codes[head], minlength=len(states))
    first = {names[k]: _floor(n / head.sum()) for k, n in enumerate(firsts) if n}
    per_case = pd.Series(1, index=pd.MultiIndex.from_arrays([case, codes])).groupby(level=[0, 1]).size()
    max_visits = per_case.groupby(level=1).max().reindex(range(len(states)), fill_value=1).tolist()
    return Routing(states, names, then, first, [int(v) for v in max_visits], codes, order)


def _names(states: list[tuple[str, str]], order: int) -> list[str]:
    """An activity's step is named after it; reached from several activities, after both."""
    taken: set[str] = set()
    ways = pd.Series([a for _, a in states]).value_counts()
    out = []
    for previous, activity in states:
        if order == 1 or ways[activity] == 1:
            out.append(name_from(activity, taken))
        else:
            after = "first" if previous == START else f"after_{name_from(previous, set(), 24)}"
            out.append(name_from(f"{name_from(activity, set(), 32)}_{after}", taken, 60))
    return out


def _floor(p: float) -> float:
    """A probability to six decimals, rounded down (so that a step's branches never add up past 1)."""
    return math.floor(p * 1e6) / 1e6
