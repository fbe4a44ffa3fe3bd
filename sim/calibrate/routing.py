"""How cases move between an office's activities, as its log shows: a step graph with
probabilities (``sim.domain.routes``), discovered from the order of each case's steps.

A case's steps are read in the order ``sim.calibrate.order`` gives them (what the log cannot
order, in the activities' typical order). Each visit is an *occurrence*: the first time a case
does an activity, the second time, and so on (up to ``MAX_OCCURRENCE``). A step is an
occurrence reached from the occurrence before it (second order: "Check, first time, after
Register" and "Check, first time, after Correct" are two steps), where that pair is seen in at
least ``MIN_PAIR`` cases; rarer pairs share the occurrence's own step (first order: a back-off,
as variable-order Markov models do), and a case's first step is always its own (it has no
waiting before it). All steps of one occurrence share one visit count, capped at what the log's
cases did (``visits_of``, ``max_visits``), and a file that the chain leads back to an
occurrence already done passes it unworked (``at_cap: pass``), going on as the office would
after it.

Why occurrences: a chain over activities alone wanders back to what a case has done (on the
building permits of BPI Challenge 2015, four times in five cases repeated an activity where one
in three did); counting occurrences keeps rework at the log's rate, passing keeps the events per
case (tried on BPIC 2015 municipalities 2 to 5: events per case within 5 %, the share of cases
repeating an activity within 4 points). The expected number of each transition is the log's own
(a chain fitted by counting keeps the counts it was fitted to), before caps.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.domain.names import name_from

MAX_OCCURRENCE = 9  # the ninth visit of an activity and later ones share one occurrence
MIN_PAIR = 3  # cases a pair of occurrences must be seen in to be a step of its own
START = ""  # the previous occurrence of a case's first step
ANY = "*"  # the previous occurrence of a back-off step


@dataclass
class Routing:
    """``states``: (previous occurrence, occurrence) per step, an occurrence being (activity,
    k); ``names``; ``then`` and ``first`` as the scenario writes them; ``max_visits`` and
    ``visits_of`` per step; ``of_row``: each step row's state."""

    states: list[tuple[object, tuple[str, int]]]
    names: list[str]
    then: list[dict[str, float]]
    first: dict[str, float]
    max_visits: list[int]
    visits_of: list[str]
    of_row: np.ndarray


def find_routes(steps: pd.DataFrame) -> Routing:
    """The routing of ``steps`` (``case``, ``activity``, in each case's order)."""
    case = steps["case"].to_numpy()
    activity = steps["activity"].to_numpy(str)
    head = np.r_[True, case[1:] != case[:-1]]
    tail = np.r_[case[1:] != case[:-1], True]
    k = steps.groupby(["case", "activity"], sort=False).cumcount().to_numpy() + 1
    occurrence = pd.MultiIndex.from_arrays([activity, np.minimum(k, MAX_OCCURRENCE)])
    occ_code, occ_uniques = pd.factorize(occurrence)
    previous = np.where(head, -1, np.r_[-1, occ_code[:-1]])  # -1: the case's start
    cases_of_pair = pd.Series(case).groupby([previous, occ_code]).nunique()
    own = set(cases_of_pair.index[cases_of_pair.to_numpy() >= MIN_PAIR]) | {
        pair for pair in cases_of_pair.index if pair[0] == -1
    }
    context = np.where([(p, o) in own for p, o in zip(previous, occ_code, strict=True)], previous, -2)
    codes, uniques = pd.factorize(pd.MultiIndex.from_arrays([context, occ_code]), sort=True)
    states = [
        (START if p == -1 else ANY if p == -2 else tuple(occ_uniques[p]), tuple(occ_uniques[o]))
        for p, o in uniques
    ]
    names = _names(states)
    following = np.where(tail, -1, np.r_[codes[1:], -1])
    visits = np.bincount(codes, minlength=len(states))
    moves = (
        pd.Series(1, index=pd.MultiIndex.from_arrays([codes[~tail], following[~tail]]))
        .groupby(level=[0, 1])
        .size()
    )
    then = [{} for _ in states]
    for (a, b), n in moves.items():
        then[a][names[b]] = _floor(n / visits[a])
    firsts = np.bincount(codes[head], minlength=len(states))
    first = {names[s]: _floor(n / head.sum()) for s, n in enumerate(firsts) if n}
    per_case = pd.Series(1, index=pd.MultiIndex.from_arrays([case, occ_code])).groupby(level=[0, 1]).size()
    most = per_case.groupby(level=1).max()
    occ_of_state = [uniques[s][1] for s in range(len(states))]
    counter = {o: name_from(_occurrence_name(occ_uniques[o]), set(), 60) for o in set(occ_of_state)}
    return Routing(
        states,
        names,
        then,
        first,
        [int(most[o]) for o in occ_of_state],
        [counter[o] for o in occ_of_state],
        codes,
    )


def _occurrence_name(occurrence: tuple[str, int]) -> str:
    activity, k = occurrence
    return activity if k == 1 else f"{activity} x{k}"


def _names(states: list[tuple[object, tuple[str, int]]]) -> list[str]:
    """An occurrence's back-off step is named after it (``Check``, ``Check_x2``); a case's first
    step ``Check_first``; a step reached from a given occurrence after both
    (``Check_after_Register``)."""
    taken: set[str] = set()
    out = []
    for previous, occurrence in states:
        stem = name_from(_occurrence_name(occurrence), set(), 40)  # a name holds 64: room for the rest
        if previous == ANY:
            out.append(name_from(stem, taken))
        elif previous == START:
            out.append(name_from(f"{stem}_first", taken, 60))
        else:
            before = name_from(_occurrence_name(previous), set(), 20)
            out.append(name_from(f"{stem[:33]}_after_{before}", taken, 60))
    return out


def _floor(p: float) -> float:
    """A probability to six decimals, rounded down (so that a step's branches never add up past 1)."""
    return math.floor(p * 1e6) / 1e6
