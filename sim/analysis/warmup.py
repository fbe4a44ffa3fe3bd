"""The warm-up, checked: a run starts from an empty office, so its first cases wait less than
the office's steady state would make them; the scenario cuts ``warmup`` hours from every
statistic. MSER-5 (White, 1997; White, Cobb & Spratt, 2000) says from the output itself where
that bias ends: the cases' lead times in arrival order, in batches of five, truncated where the
marginal standard error of the mean of what remains is least (the search held to the first half
of the run, as the rule asks). Beside it, Welch's plot: the weekly mean lead time by arrival,
averaged over replications, where the transient shows by eye.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from sim.analysis import charts, render
from sim.analysis.labels import Labels

BATCH = 5
DAY = 24.0


def mser(values, batch: int = BATCH) -> int:
    """How many of ``values`` (in order) MSER-``batch`` cuts: ``batch`` times the number of
    batch means d, 0 <= d <= half of them, minimising sum((Y_i - mean(Y_>d))^2) / (n - d)^2."""
    x = np.asarray(values, dtype=float)
    n = len(x) // batch
    if n < 4:
        return 0
    y = x[: n * batch].reshape(n, batch).mean(axis=1)
    # the tails' sums and sums of squares from the end, so every d costs O(1)
    tail = np.cumsum(y[::-1])[::-1]
    squares = np.cumsum((y * y)[::-1])[::-1]
    kept = n - np.arange(n)
    statistic = (squares - tail * tail / kept) / (kept * kept)
    return int(np.argmin(statistic[: n // 2 + 1])) * batch


def truncations(cases: pd.DataFrame) -> pd.DataFrame:
    """Per design and replication: where MSER-5 cuts its finished cases' lead times (hours of
    arrival, the first case kept) and how many cases that is."""
    rows = []
    for (design, replication), g in cases[cases["finished"]].groupby(["design", "replication"], sort=False):
        g = g.sort_values("arrival")
        cut = mser(g["lead_time"].to_numpy())
        rows.append(
            {
                "design": design,
                "replication": replication,
                "cases": len(g),
                "cut_cases": cut,
                "cut_hours": 0.0 if cut == 0 else float(g["arrival"].iloc[cut]),
            }
        )
    return pd.DataFrame(rows)


def blocks(cases: pd.DataFrame, warmup: float, fig, labels: Labels) -> list[render.Block]:
    """The section: the configured warm-up beside MSER-5's truncation per design, and Welch's plot."""
    found = truncations(cases)
    per = found.groupby("design", sort=False)
    table = pd.DataFrame(
        [
            {
                "design": design,
                labels.say("replications"): len(g),
                labels.say("MSER-5 cut, median (days)"): f"{g['cut_hours'].median() / DAY:.1f}",
                labels.say("MSER-5 cut, largest (days)"): f"{g['cut_hours'].max() / DAY:.1f}",
                labels.say("cases cut, largest"): int(g["cut_cases"].max()),
            }
            for design, g in ((d, per.get_group(d)) for d in charts.presets_first(found["design"].unique()))
        ]
    )
    largest = found["cut_hours"].max()
    covered = bool(largest <= warmup)
    verdict = (
        labels.say(
            "The configured warm-up of {warmup} days covers every replication's MSER-5 cut (at most "
            "{largest} days): what it removes is at least what the output shows as transient.",
            warmup=f"{warmup / DAY:g}",
            largest=f"{largest / DAY:.1f}",
        )
        if covered
        else labels.say(
            "The configured warm-up of {warmup} days is shorter than MSER-5's cut in some replications "
            "(at most {largest} days): lengthen it (scenario.warmup) or read the early weeks in Welch's "
            "plot before relying on the means.",
            warmup=f"{warmup / DAY:g}",
            largest=f"{largest / DAY:.1f}",
        )
    )
    return [
        render.Block("h2", labels.say("Warm-up")),
        render.Block(
            "p",
            labels.say(
                "Each run starts from an empty office; the first {warmup} days of arrivals are left out of "
                "every statistic. MSER-5 (White, 1997) finds, from each replication's finished cases' lead "
                "times in arrival order in batches of five, the cut that minimises the standard error of "
                "what remains (searched over the first half of the run), at the base staffing. {verdict}",
                warmup=f"{warmup / DAY:g}",
                verdict=verdict,
            ),
        ),
        render.Block("table", labels.frame(table)),
        fig(
            "warmup",
            chart(cases, warmup, found, labels),
            labels.say("Welch's plot: weekly mean lead time by arrival, averaged over replications."),
        ),
    ]


def chart(cases: pd.DataFrame, warmup: float, found: pd.DataFrame, labels: Labels) -> plt.Figure:
    """Welch's plot per design: the mean lead time (working days) of the cases arriving each
    week, averaged over replications, with the configured warm-up and MSER-5's median cut."""
    done = cases[cases["finished"]]
    designs = charts.presets_first(done["design"].unique())
    palette = charts.colours(designs)
    fig, ax = plt.subplots(figsize=(6.5, 3.2))
    for design in designs:
        g = done[done["design"] == design]
        week = (g["arrival"] // (7 * DAY)).astype(int)
        per = g.groupby([week, g["replication"]])["lead_time_working_days"].mean().groupby(level=0).mean()
        ax.plot((per.index + 0.5) * 7, per.to_numpy(), color=palette[design], label=labels.design(design))
        cut = found.loc[found["design"] == design, "cut_hours"].median()
        ax.axvline(cut / DAY, color=palette[design], linestyle=":", linewidth=1)
    ax.axvspan(0, warmup / DAY, color="0.85", zorder=0, label=labels.say("configured warm-up"))
    ax.set_xlabel(labels.say("day of arrival"))
    ax.set_ylabel(labels.say("mean lead time (working days)"))
    ax.set_xlim(left=0)
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=7, frameon=False, ncol=3, loc="upper center", bbox_to_anchor=(0.5, -0.2))
    ax.set_title(labels.say("Welch's plot (dotted: MSER-5's median cut per design)"), fontsize=9)
    fig.tight_layout()
    return fig
