"""Figures of the process itself, for a proposal: one applicant's journey as a swimlane, the
windows' queue over the day, and the need's process map (items, prerequisites, departments)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from sim.analysis.labels import Labels
from sim.domain.scenario import Scenario

_WAIT, _WORK = "#d9d9d9", "#1f77b4"
_LANE_ORDER = {"applicant": 0, "post": 2}  # the applicant first, the post last, staff between


def _lanes(journeys: dict[str, pd.DataFrame]) -> list[str]:
    seen = dict.fromkeys(lane for j in journeys.values() for lane in j["lane"])
    return sorted(seen, key=lambda lane: (_LANE_ORDER.get(lane, 1), not lane.endswith(".clerks"), lane))


def swimlane(journeys: dict[str, pd.DataFrame], trips: dict[str, int], labels: Labels) -> plt.Figure:
    """One panel per design: a lane per place the applicant's case went through (staff pools, the
    applicant's own work, the post), grey while waiting in a queue, blue while in someone's
    hands (a step's span on the clock: work pauses while the office is closed), a triangle
    where the applicant arrives at a window (a trip)."""
    designs = list(journeys)
    fig, axes = plt.subplots(
        len(designs),
        1,
        figsize=(7.5, 1.0 + 0.95 * sum(j["lane"].nunique() * 0.45 + 0.6 for j in journeys.values())),
        sharex=True,
        squeeze=False,
    )
    end = max(j["end"].max() for j in journeys.values())
    for ax, design in zip(axes[:, 0], designs, strict=True):
        j = journeys[design]
        lanes = _lanes({design: j})
        y = {lane: i for i, lane in enumerate(lanes)}
        for r in j.itertuples():
            if r.start > r.enqueue:
                ax.barh(y[r.lane], r.start - r.enqueue, left=r.enqueue, height=0.5, color=_WAIT)
            ax.barh(y[r.lane], max(r.end - r.start, end / 400), left=r.start, height=0.5, color=_WORK)
        visits = j[j["trip"]]
        ax.scatter(
            visits["arrives"],
            visits["lane"].map(y) - 0.42,
            marker="v",
            s=36,
            color="#d62728",
            zorder=3,
            clip_on=False,
        )
        ax.set_yticks(range(len(lanes)), [labels.pool(lane) for lane in lanes], fontsize=8)
        ax.set_ylim(len(lanes) - 0.5, -0.8)
        days = j["end"].max()
        ax.set_title(
            labels.say(
                "{design}: {trips} trip(s), done after {days} days",
                design=labels.design(design),
                trips=trips[design],
                days=f"{days:.1f}",
            ),
            fontsize=9,
            loc="left",
        )
    ax = axes[-1, 0]
    ax.set_xlim(0, end * 1.02)
    ax.set_xlabel(labels.say("days since the applicant's first contact (calendar)"))
    handles = [
        plt.Rectangle((0, 0), 1, 1, color=_WAIT),
        plt.Rectangle((0, 0), 1, 1, color=_WORK),
        plt.Line2D([], [], marker="v", color="#d62728", linestyle=""),
    ]
    fig.legend(
        handles,
        [
            labels.say(text)
            for text in (
                "waiting in a queue",
                "in someone's hands (work pauses while closed)",
                "a trip to a window",
            )
        ],
        fontsize=8,
        frameon=False,
        loc="lower center",
        ncol=3,
    )
    fig.suptitle(labels.say("One applicant's journey, the same applicant under each design"), fontsize=10)
    fig.tight_layout(rect=(0, 0.5 / fig.get_figheight(), 1, 1))
    return fig


def queue_by_hour(queues: pd.DataFrame, palette: dict[str, str], labels: Labels) -> plt.Figure:
    """Applicants waiting at the windows by hour of the day, one line per design (``queues``: a
    column per design, hours 0-23 as the index)."""
    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    open_hours = queues.index[(queues > 0).any(axis=1)]
    shown = (
        queues.loc[max(open_hours.min() - 1, 0) : min(open_hours.max() + 1, 23)]
        if len(open_hours)
        else queues
    )
    for design in queues.columns:
        ax.step(shown.index, shown[design], where="post", color=palette[design], label=labels.design(design))
    ax.set_xticks(shown.index, [f"{h:02d}:00" for h in shown.index], rotation=45, fontsize=8)
    ax.set_xlabel(labels.say("hour of the day (working days)"))
    ax.set_ylabel(labels.say("applicants waiting at the windows"))
    ax.set_title(labels.say("Queue at the windows over the day (time-average over the replications)"))
    ax.legend(fontsize=8, frameon=False)
    fig.tight_layout()
    return fig


def process_map(scenario: Scenario, need: str, labels: Labels) -> plt.Figure:
    """The need's items as boxes in columns by prerequisite depth, an arrow from each item to the
    items that need its output, coloured by department, with the item's statutory limit."""
    items = list(scenario.needs[need])
    depth: dict[str, int] = {}
    for name in scenario.need_order(need):  # prerequisites first, so their depth is known
        before = [p for p in scenario.prerequisites(name) if p in items]
        depth[name] = 1 + max((depth[p] for p in before), default=-1)
    columns: dict[int, list[str]] = {}
    for name in items:
        columns.setdefault(depth[name], []).append(name)
    rows = max(len(c) for c in columns.values())
    fig, ax = plt.subplots(figsize=(2.6 * len(columns) + 0.6, 0.75 * rows + 1.4))
    departments = list(dict.fromkeys(scenario.items[i].department for i in items))
    cmap = plt.get_cmap("tab10")
    colour = {d: cmap(k % 10) for k, d in enumerate(departments)}
    at = {}
    for x, names in sorted(columns.items()):
        for k, name in enumerate(names):
            at[name] = (x, (rows - len(names)) / 2 + k)
    for name in items:
        for p in scenario.prerequisites(name):
            if p in at:
                ax.annotate(
                    "",
                    at[name],
                    at[p],
                    arrowprops={"arrowstyle": "-|>", "color": "#555", "shrinkA": 42, "shrinkB": 42},
                )
    for name, (x, y) in at.items():
        item = scenario.items[name]
        limit = (
            "\n" + labels.say("{days} working days", days=f"{item.limit_days:g}") if item.limit_days else ""
        )
        ax.text(
            x,
            y,
            labels.of("items", name) + limit,
            ha="center",
            va="center",
            fontsize=8,
            bbox={
                "boxstyle": "round,pad=0.4",
                "facecolor": colour[item.department],
                "alpha": 0.25,
                "edgecolor": colour[item.department],
            },
        )
    ax.set_xlim(-0.6, len(columns) - 0.4)
    ax.set_ylim(rows - 0.4, -0.6)
    ax.axis("off")
    handles = [plt.Rectangle((0, 0), 1, 1, color=colour[d], alpha=0.4) for d in departments]
    ax.legend(
        handles,
        [labels.of("departments", d) for d in departments],
        fontsize=7,
        frameon=False,
        loc="upper center",
        bbox_to_anchor=(0.5, 0.0),
        ncol=min(4, len(departments)),
    )
    ax.set_title(
        labels.say("{need}: items, what waits for what (arrows), departments", need=labels.of("needs", need)),
        fontsize=10,
    )
    fig.tight_layout()
    return fig
