"""The least-cost staffing that meets a planner's targets, found by greedy marginal allocation.

Each staffing is judged on the same replications (common random numbers), so two staffings
differ only by the staff. The search:

1. starts where every pool keeps up with room (the fewest people offered at most 85 % of their
   hours, where queues start to grow steeply);
2. while a target is missed, adds the one person who closes most of the shortfall per unit
   of cost (the shortfall: each missed target's gap, relative to the target);
3. trims: removes any person whose pool can lose one with every target still met, dearest
   first, down to the fewest who can keep up at all (offered load below 100 %), and trades a
   person for a cheaper one in another pool where the targets still hold, until neither helps;
4. does 2 and 3 again with more replications (``confirm`` times as many), so the staffing it
   settles on is judged, and trimmed, on them; and judges it with one more person in each pool,
   to say what each would buy.

Before it starts, it runs ample staffing (every pool four times the fewest who keep up): a target missed
even there is not a staffing problem, and the search says so with the lead-time part that
dominates (the applicant's own time, delivery, batches and sittings do not shrink with staff).
A miss within noise there (the mean meets the goal, the interval's end does not) is judged again
on twice the replications, up to ``DECIDE`` times as many, before the search calls it infeasible.
Targets are met by the conservative end of their 95 % intervals (``sim.domain.targets``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from sim.domain.design import Design
from sim.domain.knobs import staffed_with
from sim.domain.loads import headcount, offered_loads, used_pools
from sim.domain.scenario import Scenario
from sim.domain.targets import Costs, Targets
from sim.experiment.replications import replicate
from sim.experiment.stats import interval, t_interval
from sim.model.recorder import PARTS

AMPLE = 4  # the ample staffing: every pool this many times the fewest who keep up
ROOMY = 0.85  # the start: every pool offered at most this share of its hours
DECIDE = 8  # a verdict within noise is judged again on up to this many times the replications


@dataclass(frozen=True)
class Check:
    """One target judged on a staffing: the measure's mean and the end of its interval judged."""

    target: str
    goal: float
    mean: float
    bound: float
    met: bool
    shortfall: float  # relative gap to the goal; 0 when met

    @property
    def undecided(self) -> bool:
        """Missed by the interval's end while the mean meets the goal: within noise, so more
        replications decide it rather than this one."""
        at_most = self.target.startswith("P90")
        return not self.met and (self.mean <= self.goal if at_most else self.mean >= self.goal)


@dataclass
class Search:
    """What the search found: ``staffing`` (headcount per pool) and its ``cost`` (staff, and the
    applicants' hours when they have a cost) and ``checks``
    (None when infeasible), every staffing it judged (``trials``, one row per replication), and
    when infeasible, ``why``."""

    staffing: dict[str, int] | None
    cost: float
    checks: list[Check]
    trials: pd.DataFrame
    why: str = ""
    evaluations: int = 0
    pools: list[str] = field(default_factory=list)
    one_more: dict[str, list[Check]] = field(default_factory=dict)  # each pool with one person more


def judge(metrics: pd.DataFrame, targets: Targets) -> list[Check]:
    """Each target judged on per-replication metrics, by the conservative end of its interval."""
    checks = []
    at_least = [
        ("share within target days", "target:within_share", targets.share),
        ("statutory on-time share", "on_time_share", targets.on_time_share),
        ("requests closed share", "requests_closed_share", targets.requests_closed_share),
    ]
    for name, column, goal in at_least:
        if goal is not None:
            mean, low, _ = interval(column, metrics[column]) if column in metrics else (math.nan,) * 3
            low = mean if math.isnan(low) else low
            met = not math.isnan(low) and low >= goal
            gap = 1.0 if math.isnan(low) else max(0.0, goal - low) / goal
            checks.append(Check(name, goal, mean, low, met, gap))
    if targets.p90_days is not None:
        values = metrics["target:p90_days"].to_numpy(dtype=float)
        mean, _, high = t_interval(values) if math.isfinite(values.max()) else (math.inf,) * 3
        high = mean if math.isnan(high) else high
        met = high <= targets.p90_days
        gap = max(0.0, min(high / targets.p90_days - 1, 10.0))
        checks.append(Check("P90 lead time (working days)", targets.p90_days, mean, high, met, gap))
    return checks


def search(
    scenario: Scenario,
    design: Design,
    targets: Targets,
    costs: Costs,
    seed: int,
    replications: int,
    *,
    confirm: int = 2,
    progress: bool = False,
) -> Search:
    """The least-cost staffing of ``scenario`` under ``design`` meeting ``targets``."""
    if not targets.any:
        raise ValueError("set at least one target (targets.*) to search for a staffing")
    pools = [
        p for p in used_pools(scenario) if p in offered_loads(scenario, design) and p not in scenario.shifts
    ]
    trials: list[pd.DataFrame] = []

    judged: dict[tuple, list[Check]] = {}
    waited: dict[tuple, float] = {}  # applicant hours per replication, for costs.applicant_hour

    def evaluate(counts: dict[str, int], reps: int = replications) -> list[Check]:
        """Judge ``counts`` on replications 0..reps-1, the same for every staffing (once each)."""
        key = (tuple(sorted(counts.items())), reps)
        if key not in judged:
            scenario_ = staffed_with(scenario, counts)
            metrics = replicate(scenario_, design, seed, reps, progress=progress, targets=targets).metrics
            trials.append(metrics.assign(**{f"staff:{p}": n for p, n in counts.items()}, cost=price(counts)))
            judged[key] = judge(metrics, targets)
            waited[key] = float((metrics["lead_time_mean"] * metrics["cases"]).mean())
        return judged[key]

    def price(counts: dict[str, int]) -> float:
        return sum(costs.of(p) * n for p, n in counts.items())

    def total(counts: dict[str, int], reps: int) -> float:
        """Staff cost plus, when applicants' hours have a cost, the hours they spend."""
        if not costs.applicant_hour:
            return price(counts)
        evaluate(counts, reps)
        return price(counts) + costs.applicant_hour * waited[(tuple(sorted(counts.items())), reps)]

    def better(tried: dict[str, int], than: dict[str, int], reps: int) -> bool:
        """Whether ``tried`` meets every target at a lower total cost than ``than``."""
        return all(c.met for c in evaluate(tried, reps)) and total(tried, reps) < total(than, reps)

    def shortfall(checks: list[Check]) -> float:
        return sum(c.shortfall for c in checks)

    floor = {p: fewest(scenario, design, p, below=1.0) for p in pools}
    start = {p: fewest(scenario, design, p, below=ROOMY) for p in pools}
    ample = {p: AMPLE * n for p, n in floor.items()}
    reps = replications
    checks = evaluate(ample, reps)
    while any(c.undecided for c in checks) and reps < DECIDE * replications:  # noise, not a verdict
        reps *= 2
        checks = evaluate(ample, reps)
    if not all(c.met for c in checks):
        return Search(None, math.nan, checks, pd.concat(trials), why(trials[-1], checks), len(judged), pools)
    counts = dict(start)
    for reps in (replications, replications * confirm):  # explore cheaply, then settle on more
        checks = evaluate(counts, reps)
        while not all(c.met for c in checks):  # add the person who closes most of the gap per cost
            gap = shortfall(checks)
            best, best_gain, best_checks = None, 0.0, checks
            for p in pools:
                tried = evaluate(counts | {p: counts[p] + 1}, reps)
                gain = (gap - shortfall(tried)) / costs.of(p)
                if gain > best_gain:
                    best, best_gain, best_checks = p, gain, tried
            if best is None:  # no one person helps: take one in the busiest pool
                best = max(
                    pools, key=lambda p: offered_loads(staffed_with(scenario, counts), design).get(p, 0)
                )
                best_checks = evaluate(counts | {best: counts[best] + 1}, reps)
            counts[best] += 1
            checks = best_checks
        while costs.applicant_hour:  # add people while their cost is less than the hours they save
            more = [counts | {p: counts[p] + 1} for p in pools]
            cheapest = min(more, key=lambda c: total(c, reps))
            if not better(cheapest, counts, reps):
                break
            counts, checks = cheapest, evaluate(cheapest, reps)
        changed = True
        while changed:  # trim, dearest first; then trade a dear person for a cheaper one
            changed = False
            for p in sorted(pools, key=costs.of, reverse=True):
                while counts[p] > floor[p] and better(fewer := counts | {p: counts[p] - 1}, counts, reps):
                    counts, checks, changed = fewer, evaluate(fewer, reps), True
            trades = [
                (a, b) for a in pools for b in pools if costs.of(b) < costs.of(a) and counts[a] > floor[a]
            ]
            for a, b in sorted(trades, key=lambda t: costs.of(t[1]) - costs.of(t[0])):
                traded = counts | {a: counts[a] - 1, b: counts[b] + 1}
                if better(traded, counts, reps):
                    counts, checks, changed = traded, evaluate(traded, reps), True
                    break
    final = replications * confirm
    one_more = {p: evaluate(counts | {p: counts[p] + 1}, final) for p in pools}  # what one more buys
    return Search(
        counts,
        total(counts, final),
        checks,
        pd.concat(trials, ignore_index=True),
        "",
        len(judged),
        pools,
        one_more,
    )


def fewest(scenario: Scenario, design: Design, pool: str, below: float) -> int:
    """The fewest people for whom ``pool``'s offered load is below ``below`` (at most, for a
    share under one): its load is background ``b`` plus the cases' work over the headcount."""
    load, n = offered_loads(scenario, design)[pool], headcount(scenario, pool)
    group, _, role = pool.partition(".")
    department = scenario.departments.get(group)
    b = department.background.get(role, 0.0) if department else 0.0
    work = (load - b) * n  # the cases' work, in people busy all their hours
    if b < below < 1:
        return max(1, math.ceil(work / (below - b)))
    return max(1, math.floor(work / (1 - b)) + 1)  # below 100 % (or background leaves no room)


def why(metrics: pd.DataFrame, checks: list[Check]) -> str:
    """Why ample staffing still misses: the missed targets, and where the lead time goes."""
    missed = "; ".join(f"{c.target} {c.bound:.3g} against {c.goal:g}" for c in checks if not c.met)
    parts = {p: metrics[f"part:{p}_mean"].mean() for p in PARTS}
    total = sum(parts.values())
    top = max(parts, key=parts.get)
    return (
        f"infeasible by staffing: with every pool at {AMPLE} times the fewest that keep up, {missed}. "
        f"The largest part of the lead time there is {top.replace('_', ' ')} "
        f"({100 * parts[top] / total:.0f} %): staff shorten only the queues, not the work itself, "
        "the applicant's own time, delivery, or waiting for batches and sittings"
    )
