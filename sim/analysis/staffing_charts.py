"""Figures of staffing: lead time against the staff a design uses, each pool's utilisation at
each staffing level, and the staffings a search judged."""

from __future__ import annotations

import matplotlib.colors as mcolors
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from sim.analysis.charts import colours, presets_first, wrap
from sim.analysis.labels import Labels


def lead_time_vs_headcount(
    configs: pd.DataFrame, limit_days: float | None, palette: dict[str, str], labels: Labels
) -> plt.Figure:
    """Mean and P90 lead time (working days) against the staff the design uses (``headcount``),
    one line per design, bands 95 % CI, the statutory limit as the target line."""
    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    for design in presets_first(configs["design"]):
        g = configs[configs["design"] == design].sort_values("headcount")
        for stat, style, name in (("mean", "-", "mean"), ("p90", "--", "P90")):
            col = f"lead_time_working_days_{stat}"
            ax.plot(
                g["headcount"],
                g[col],
                style,
                marker="o",
                color=palette[design],
                label=f"{labels.design(design)} ({labels.say(name)})",
            )
            ax.fill_between(
                g["headcount"],
                g[f"{col}:ci_low"],
                g[f"{col}:ci_high"],
                color=palette[design],
                alpha=0.18,
                linewidth=0,
            )
    if limit_days is not None:
        ax.axhline(limit_days, color="#d62728", linewidth=1)
        ax.annotate(
            labels.say("statutory limit of the slowest item ({days} working days)", days=f"{limit_days:g}"),
            (0.01, limit_days),
            xycoords=("axes fraction", "data"),
            va="bottom",
            fontsize=8,
            color="#d62728",
        )
    ax.set_xlabel(labels.say("staff in the pools the design uses (people)"))
    ax.set_ylabel(labels.say("lead time per applicant (working days)"))
    ax.set_title(labels.say("Lead time against staff (bands: 95 % CI)"))
    ax.legend(fontsize=7, frameon=False, loc="center left", bbox_to_anchor=(1, 0.5))
    return fig


BUSY = 0.85  # above this utilisation a pool's queue grows fast (Erlang C): outlined in the heatmap


def utilisation_heatmap(configs: pd.DataFrame, labels: Labels) -> plt.Figure:
    """Utilisation of every staff pool (rows) at every staffing level (columns), one panel per
    design: a cell's colour and number are the mean over replications, and a black outline
    marks cells at or above 85 %, where queues grow fast."""
    designs = presets_first(configs["design"])
    pools = [
        c.split(":", 1)[1] for c in configs.columns if c.startswith("utilisation:") and c.count(":") == 1
    ]
    pools = [p for p in pools if (configs[f"utilisation:{p}"] > 0).any()]
    scales = sorted(configs["staffing_scale"].unique())
    fig, axes = plt.subplots(
        1,
        len(designs),
        figsize=(1.2 + (0.55 * len(scales) + 0.3) * len(designs) + 2.2, 0.8 + 0.3 * len(pools)),
        sharey=True,
        squeeze=False,
    )
    norm = mcolors.TwoSlopeNorm(
        vmin=0, vcenter=BUSY, vmax=max(1.0, float(configs[[f"utilisation:{p}" for p in pools]].max().max()))
    )
    for ax, design in zip(axes[0], designs, strict=True):
        g = configs[configs["design"] == design].set_index("staffing_scale").reindex(scales)
        grid = g[[f"utilisation:{p}" for p in pools]].to_numpy(dtype=float).T.copy()
        grid[grid == 0] = np.nan  # a pool this design gives no work: blank
        ax.imshow(np.ma.masked_invalid(grid), cmap="RdYlBu_r", norm=norm, aspect="auto")
        for (i, j), u in np.ndenumerate(grid):
            if u > 0:  # NaN (no work) fails both tests
                ax.text(
                    j,
                    i,
                    f"{100 * u:.0f}",
                    ha="center",
                    va="center",
                    fontsize=7,
                    color="white" if u >= 0.95 or u < 0.15 else "black",
                )
            if u >= BUSY:
                ax.add_patch(
                    plt.Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, edgecolor="black", linewidth=1.6)
                )
        ax.set_xticks(range(len(scales)), [f"×{s:g}" for s in scales], fontsize=8)
        ax.set_title(wrap(labels.design(design), 18), fontsize=9)
        ax.set_xlabel(labels.say("staffing"), fontsize=8)
        ax.spines[:].set_visible(False)
    axes[0][0].set_yticks(range(len(pools)), [labels.pool(p) for p in pools], fontsize=8)
    fig.suptitle(
        labels.say(
            "Utilisation of each staff pool (%, other work included); outlined: at or above 85 %, "
            "where queues grow fast"
        ),
        fontsize=10,
    )
    fig.tight_layout()
    return fig


def staffing_tradeoff(summaries: list[dict], labels: Labels) -> plt.Figure:
    """Every staffing a search judged: its cost against the first target's measure (mean over
    replications), per design, the target as a line and the staffing chosen ringed."""
    fig, ax = plt.subplots(figsize=(7.0, 4.2))
    palette = colours([s["design"] for s in summaries])
    goal, target = None, ""
    for s in summaries:
        checks = s["search"]["checks"]
        if not checks:
            continue
        target, goal = checks[0]["target"], checks[0]["goal"]
        column = _MEASURES[target]
        trials = s["trials"]
        staff = [c for c in trials.columns if c.startswith("staff:")]
        points = trials.groupby([*staff, "cost"], as_index=False)[column].mean()
        ax.scatter(
            points["cost"],
            points[column],
            s=14,
            alpha=0.5,
            color=palette[s["design"]],
            label=labels.design(s["design"]),
        )
        if s["search"]["staffing"] is not None:
            ax.scatter(
                [s["search"]["cost"]], [checks[0]["mean"]], s=90, facecolors="none", edgecolors="black"
            )
    if goal is not None:
        ax.axhline(goal, color="#d62728", linewidth=1, label=labels.say("target ({goal})", goal=f"{goal:g}"))
    ax.set_xlabel(labels.say("staff cost (headcount unless costs are set)"))
    ax.set_ylabel(labels.say(target))
    ax.set_title(labels.say("Staffings the search judged (ringed: the cheapest meeting the targets)"))
    ax.legend(fontsize=8, frameon=False)
    return fig


# The per-replication measure each target of a search is judged by (sim.experiment.staffing.judge).
_MEASURES = {
    "share within target days": "target:within_share",
    "statutory on-time share": "on_time_share",
    "requests closed share": "requests_closed_share",
    "P90 lead time (working days)": "target:p90_days",
}
