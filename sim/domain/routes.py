"""How a file moves through an item's back office: its route.

Written plainly, ``steps`` is a list: a file takes each step in order, each with its own
``probability`` (drawn independently). That is the simplest route. Real files do more, and a
step may say so:

- ``then``: where the file goes next, by probability, loops back included (a re-review, a
  failed inspection back to the step before); what the probabilities leave ends the file's
  back office. A routed file starts at the first step listed, and ``probability`` stays 1
  (branches say who skips what).
- ``max_visits``: a file visits the step at most so many times; a branch that would exceed it
  is dropped and the others keep their odds against each other (and against ending).
- ``when`` / ``unless``: the step is worked only by files that drew yes (``when``) or no
  (``unless``) on one of the item's ``choices``, drawn once per file at acceptance: the expert
  path, all of it or none. A file that does not work a step passes it, going on as it would
  after it.
- ``returns``: at each visit the reviewer may send the file back to the applicant for
  supplementary documents (补正); the applicant gathers and hands them over, and the step is
  done again (a visit, within ``max_visits``).
- ``first`` (the item's): where a file starts, by probability, when not at the first step.
- ``counted: false``: the statutory clock stops while the file is at the step (行政许可法 art.
  45: hearings, testing, inspection, quarantine, appraisal and expert review are not counted in
  the limit); it stops during a return to the applicant too (art. 32: the limit runs from a
  complete application).

Everything a file does is drawn when its case arrives, as the list's draws are, so a design
meets the same files (common random numbers).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from sim.domain.bounds import probability
from sim.domain.distributions import check as check_dist
from sim.domain.errors import ConfigError
from sim.domain.names import check_names, known

if TYPE_CHECKING:  # an Item checks its route when it is made
    from sim.domain.scenario import Item

MAX_VISITS = 1000  # expected step visits of one file: more is a slipped digit, not an office
MAX_RETURN_DOCUMENTS = 1000
MAX_LABEL = 200  # characters of an office's own name for a step


def routed(item: Item) -> bool:
    """Whether the item's steps say more than the plain list (each in order, by its own chance)."""
    return (
        bool(item.choices)
        or bool(item.first)
        or any(
            s.then is not None or s.max_visits is not None or s.when or s.unless or s.returns
            for s in item.steps
        )
    )


def branching(item: Item) -> bool:
    """Whether the file's next step is drawn after each step (some step says ``then``)."""
    return any(s.then is not None for s in item.steps)


def expected_visits(item: Item) -> dict[str, float]:
    """Each step's expected visits that a file works (returns included), per file; a cap is
    counted for returns and left out of loops (there this is an upper bound). A plain list's
    is each step's probability."""
    if not routed(item):  # the short form (review, inspection) written out as steps too
        return {s.name: s.probability for s in item.back_office(reduced=False)}
    passes = _passes(item)
    return {
        s.name: float(v) * _worked(item, s) * _returned(s) for s, v in zip(item.steps, passes, strict=True)
    }


def _passes(item: Item) -> np.ndarray:
    """Each step's expected passes per file, worked or not (a step a file's choice skips is
    passed all the same, and a loop through it turns as often), caps left out."""
    steps = item.steps
    index = {s.name: k for k, s in enumerate(steps)}
    start = np.zeros(len(steps))
    for target, p in (item.first or {steps[0].name: 1.0}).items():
        start[index[target]] += p
    if branching(item):
        moves = np.zeros((len(steps), len(steps)))
        for k, s in enumerate(steps):
            for target, p in (s.then or {}).items():
                moves[k, index[target]] += p
        return np.linalg.solve(np.eye(len(steps)) - moves.T, start)
    return np.cumsum(start) * np.array([s.probability for s in steps])  # in order, each by its chance


def _worked(item: Item, step) -> float:
    """The share of files that work the step when they reach it (its choice drawn yes or no)."""
    if step.when:
        return item.choices[step.when]
    if step.unless:
        return 1 - item.choices[step.unless]
    return 1.0


def _returned(step) -> float:
    """Visits per pass when each visit may return the file (and so make one more visit): 1 / (1
    - r), or with a cap of m visits 1 + r + ... + r^(m-1) (exact where only returns repeat it)."""
    if not step.returns:
        return 1.0
    r = step.returns.probability
    return (1 - r**step.max_visits) / (1 - r) if step.max_visits else 1 / (1 - r)


def check(item: Item, key: str) -> None:
    """Raise ConfigError for the first problem of ``item``'s route (``key``: the item's key)."""
    steps = item.steps
    names = [s.name for s in steps]
    check_names(item.choices, f"{key}.choices")
    for choice, p in item.choices.items():
        probability(p, f"{key}.choices.{choice}")
    if item.choices and not steps:
        raise ConfigError(f"{key}.choices", "choices pick steps: write the back office as steps")
    branches = branching(item)
    if item.first is not None:
        _first(item.first, names, f"{key}.first")
    for i, s in enumerate(steps):
        ks = f"{key}.steps[{i}]"
        if s.delay is not None:
            check_dist(s.delay, f"{ks}.delay")
        if s.label is not None and not (0 < len(s.label) <= MAX_LABEL and s.label.isprintable()):
            raise ConfigError(
                f"{ks}.label", f"must be printable text of 1 to {MAX_LABEL} characters, got {s.label[:80]!r}"
            )
        if branches and s.probability != 1:
            raise ConfigError(
                f"{ks}.probability",
                "a routed file takes the branches its steps' `then` say: leave probability 1",
            )
        for target, p in (s.then or {}).items():
            if target not in names:
                raise ConfigError(f"{ks}.then.{target}", f"unknown step '{target}'{known(names)}")
            probability(p, f"{ks}.then.{target}")
        total = sum((s.then or {}).values())
        if total > 1 + 1e-9:
            raise ConfigError(f"{ks}.then", f"the branches' probabilities add up to {total:g}, more than 1")
        if s.max_visits is not None and not 1 <= s.max_visits <= MAX_VISITS:
            raise ConfigError(
                f"{ks}.max_visits", f"must be a whole number from 1 to {MAX_VISITS}, got {s.max_visits}"
            )
        for field in ("when", "unless"):
            choice = getattr(s, field)
            if choice and choice not in item.choices:
                raise ConfigError(f"{ks}.{field}", f"unknown choice '{choice}'{known(item.choices)}")
        if s.when and s.unless:
            raise ConfigError(f"{ks}.unless", "a step names one choice: when or unless")
        if s.visits_of is not None:
            check_names([s.visits_of], f"{ks}.visits_of", keyed=False)
        if s.at_cap.value == "pass" and s.max_visits is None:
            raise ConfigError(f"{ks}.at_cap", "a file passes a step past its cap: give max_visits")
        if s.returns is not None:
            r = s.returns
            if not (math.isfinite(r.probability) and 0 <= r.probability < 1):
                raise ConfigError(
                    f"{ks}.returns.probability",
                    f"must be a probability in [0, 1) (1 returns every file forever), got {r.probability}",
                )
            check_dist(r.prepare, f"{ks}.returns.prepare")
            if not 0 <= r.documents <= MAX_RETURN_DOCUMENTS:
                raise ConfigError(
                    f"{ks}.returns.documents", f"must be from 0 to {MAX_RETURN_DOCUMENTS}, got {r.documents}"
                )
    if branches:
        _ends(item, key)


def _first(first: dict[str, float], names: list[str], key: str) -> None:
    if not names:
        raise ConfigError(key, "where a file starts among its steps: write the back office as steps")
    for target, p in first.items():
        if target not in names:
            raise ConfigError(f"{key}.{target}", f"unknown step '{target}'{known(names)}")
        probability(p, f"{key}.{target}")
    if not abs(sum(first.values()) - 1) <= 1e-3:
        raise ConfigError(key, f"the starts' probabilities add up to {sum(first.values()):g}, not 1")


def _ends(item: Item, key: str) -> None:
    """Refuse a route a file might never leave (a loop with no way out: caps only shorten a
    route, they do not make one end) or whose expected visits are absurd."""
    try:
        passes = _passes(item)
    except np.linalg.LinAlgError:
        passes = np.array([math.inf])
    worked = np.array(list(expected_visits(item).values())) if np.isfinite(passes).all() else passes
    worst = float(max(np.max(passes, initial=0.0), np.max(worked, initial=0.0)))
    if not (math.isfinite(worst) and float(np.min(passes, initial=0.0)) >= -1e-9 and worst <= MAX_VISITS):
        raise ConfigError(
            f"{key}.steps",
            "the route has a loop a file never leaves (some branch out of it must end the file or lead on), "
            f"or more than {MAX_VISITS} expected passes through a step (worked or not) or visits of it",
        )
