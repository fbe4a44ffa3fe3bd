"""Figures for a reform proposal, drawn from collected results (PNG and SVG).

Each function takes tidy tables and returns a matplotlib Figure; ``save`` writes both
formats. Every design keeps its colour in every figure, axes carry units, and intervals are
95 % t intervals across replications.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.colors as mcolors
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

_PRESET_COLOURS = {
    "single": "#7f7f7f",
    "one_stop_window": "#9ecae1",
    "bundled": "#1f77b4",
    "full_standard": "#08306b",
}
# tab20 without the presets' blues and the greys: 16 colours, one per other design.
_LEVER_COLOURS = [
    c
    for c in (mcolors.to_hex(plt.get_cmap("tab20")(i)) for i in range(20))
    if c not in ("#1f77b4", "#aec7e8", "#7f7f7f", "#c7c7c7")
]
HEADLINE_NAMES = {
    "lead_time_working_days_mean": "time",
    "lead_time_mean": "time",
    "trips_mean": "trips",
    "documents_mean": "documents",
}

plt.rcParams.update(
    {
        "figure.dpi": 110,
        "savefig.dpi": 200,
        "font.size": 10,
        "axes.spines.top": False,
        "axes.spines.right": False,
    }
)


def colours(designs: list[str]) -> dict[str, str]:
    """A fixed colour per design: single grey, one window pale blue, bundled blue, the full
    standard dark blue, other designs in a stable order (distinct up to 16 of them)."""
    out = dict(_PRESET_COLOURS)
    others = sorted(d for d in designs if d not in out)
    out |= {d: _LEVER_COLOURS[i % len(_LEVER_COLOURS)] for i, d in enumerate(others)}
    return out


def presets_first(designs) -> list[str]:
    """Designs in reading order: the stages (single, one window, bundled, the full standard), then the
    others as they come."""
    stages = ("single", "one_stop_window", "bundled", "full_standard")
    return sorted(dict.fromkeys(designs), key=lambda d: stages.index(d) if d in stages else len(stages))


def save(fig: plt.Figure, directory: Path, name: str) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    paths = [directory / f"{name}.png", directory / f"{name}.svg"]
    for p in paths:
        fig.savefig(p, bbox_inches="tight")
    plt.close(fig)
    return paths


def lead_time_vs_staffing(
    runs: pd.DataFrame, limit_days: float | None, palette: dict[str, str]
) -> plt.Figure:
    """Mean and P90 lead time (working days) against the staffing scale, one line per design."""
    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    for design, g in runs.groupby("design", sort=False):
        g = g.sort_values("staffing_scale")
        x = g["staffing_scale"]
        for stat, style, label in (("mean", "-", "mean"), ("p90", "--", "P90")):
            col = f"lead_time_working_days_{stat}"
            ax.plot(
                x,
                g[col],
                style,
                marker="o",
                color=palette[design],
                label=f"{design} ({label})",
            )
            ax.fill_between(
                x,
                g[f"{col}:ci_low"],
                g[f"{col}:ci_high"],
                color=palette[design],
                alpha=0.18,
                linewidth=0,
            )
    if limit_days is not None:
        ax.axhline(limit_days, color="#d62728", linewidth=1)
        ax.annotate(
            f"statutory limit of the slowest item ({limit_days:g} working days)",
            (0.01, limit_days),
            xycoords=("axes fraction", "data"),
            va="bottom",
            fontsize=8,
            color="#d62728",
        )
    ax.set_xlabel("staffing (x the scenario's staff in every pool)")
    ax.set_ylabel("lead time per applicant (working days)")
    ax.set_title("Lead time against staffing (bands: 95 % CI)")
    ax.legend(fontsize=8, frameon=False)
    return fig


def trips_and_documents(runs: pd.DataFrame, palette: dict[str, str]) -> plt.Figure:
    """Trips and documents per applicant by design, with 95 % CIs."""
    runs = runs.set_index("design").loc[presets_first(runs["design"])].reset_index()
    fig, axes = plt.subplots(1, 2, figsize=(8.0, 1.2 + 0.25 * len(runs)))
    designs = list(runs["design"])
    y = np.arange(len(designs))
    for ax, metric, unit in (
        (axes[0], "trips_mean", "trips per applicant"),
        (axes[1], "documents_mean", "documents handed over per applicant"),
    ):
        mean = runs[metric].to_numpy()
        err = np.vstack([mean - runs[f"{metric}:ci_low"], runs[f"{metric}:ci_high"] - mean])
        ax.barh(y, mean, xerr=err, color=[palette[d] for d in designs], capsize=3)
        ax.set_yticks(y, designs)
        ax.invert_yaxis()
        ax.set_xlabel(unit)
    axes[1].set_yticklabels([])
    fig.suptitle("Trips and documents per applicant (bars: 95 % CI)")
    fig.tight_layout()
    return fig


def reductions(paired: pd.DataFrame, title: str, colour: str) -> plt.Figure:
    """Relative reductions (time, trips, documents) with CIs, labelled like "−65 % time"."""
    fig, ax = plt.subplots(figsize=(6.0, 2.6))
    names = [HEADLINE_NAMES.get(m, m) for m in paired["metric"]]
    y = np.arange(len(names))
    red = 100 * paired["reduction"].to_numpy()
    err = 100 * np.vstack(
        [paired["reduction"] - paired["reduction_ci_low"], paired["reduction_ci_high"] - paired["reduction"]]
    )
    ax.barh(y, red, xerr=err, color=colour, capsize=3)
    for yi, r, n in zip(y, red, names, strict=True):
        ax.annotate(
            f"{-r:+.0f} % {n}", (max(r, 0), yi), xytext=(6, 0), textcoords="offset points", va="center"
        )
    ax.set_yticks(y, names)
    ax.invert_yaxis()
    ax.set_xlim(min(0, red.min() - 10), max(100, red.max() + 20))
    ax.set_xlabel("reduction against single-item processing (%)")
    ax.set_title(title)
    return fig


def utilisation_vs_staffing(runs: pd.DataFrame) -> plt.Figure:
    """Utilisation of each staff pool against staffing, one panel per design: the bottleneck."""
    pools = [c.split(":", 1)[1] for c in runs.columns if c.startswith("utilisation:") and c.count(":") == 1]
    designs = presets_first(runs["design"])
    fig, axes = plt.subplots(1, len(designs), figsize=(4.2 * len(designs), 3.8), sharey=True, squeeze=False)
    cmap = plt.get_cmap("tab20")
    handles = {}
    for ax, design in zip(axes[0], designs, strict=True):
        g = runs[runs["design"] == design].sort_values("staffing_scale")
        for i, pool in enumerate(pools):
            u = g[f"utilisation:{pool}"]
            if u.max() > 0:
                (handles[pool],) = ax.plot(
                    g["staffing_scale"], 100 * u, marker=".", color=cmap(i % 20), label=pool
                )
        ax.set_title(design)
        ax.set_xlabel("staffing (x scenario)")
        ax.axhline(100, color="black", linewidth=0.6)
    axes[0][0].set_ylabel("utilisation (%)")
    ordered = [p for p in pools if p in handles]
    fig.legend(
        [handles[p] for p in ordered],
        ordered,
        fontsize=7,
        frameon=False,
        loc="center left",
        bbox_to_anchor=(1, 0.5),
    )
    fig.suptitle("Where is the bottleneck? Utilisation of each staff pool")
    fig.tight_layout()
    return fig


def lead_time_ecdf(cases: pd.DataFrame, palette: dict[str, str], limit_days: float | None) -> plt.Figure:
    """Empirical distribution of lead time (working days) per design."""
    fig, ax = plt.subplots(figsize=(6.4, 4.0))
    for design, g in cases.groupby("design", sort=False, observed=True):
        x = np.sort(g["lead_time_working_days"].to_numpy())
        ax.step(x, np.arange(1, len(x) + 1) / len(x), where="post", color=palette[design], label=design)
    if limit_days is not None:
        ax.axvline(limit_days, color="#d62728", linewidth=1, label=f"statutory limit ({limit_days:g} d)")
    ax.set_xlabel("lead time (working days)")
    ax.set_ylabel("share of applicants done")
    ax.set_title("Lead-time distribution (all replications)")
    ax.legend(fontsize=8, frameon=False)
    return fig


def lever_attribution(table: pd.DataFrame, palette: dict[str, str]) -> plt.Figure:
    """Reduction each design gives against single: one group of bars per metric."""
    metrics = list(dict.fromkeys(table["metric"]))
    designs = list(dict.fromkeys(table["design"]))
    fig, ax = plt.subplots(figsize=(7.5, 4.0))
    width = 0.8 / len(designs)
    x = np.arange(len(metrics))
    for i, design in enumerate(designs):
        g = table[table["design"] == design].set_index("metric").loc[metrics]
        red = 100 * g["reduction"].to_numpy()
        err = 100 * np.vstack(
            [g["reduction"] - g["reduction_ci_low"], g["reduction_ci_high"] - g["reduction"]]
        )
        ax.bar(
            x + (i - (len(designs) - 1) / 2) * width,
            red,
            width,
            yerr=err,
            capsize=2,
            color=palette[design],
            label=design,
        )
    ax.axhline(0, color="black", linewidth=0.6)
    ax.set_xticks(x, [HEADLINE_NAMES.get(m, m) for m in metrics])
    ax.set_ylabel("reduction against single (%)")
    ax.set_title("Each design against single (bars: 95 % CI)")
    ax.legend(fontsize=7, frameon=False, loc="center left", bbox_to_anchor=(1, 0.5))
    return fig


def shapley_attribution(values: pd.DataFrame, steps: pd.DataFrame, towards: str) -> plt.Figure:
    """Each lever's Shapley value (bars, 95 % interval) and its effect in every ordering sampled
    (dots: their spread is how much the lever depends on the others), one panel per metric; the
    levers' values add up to the total in each panel's title."""
    metrics = list(dict.fromkeys(values["metric"]))
    levers = values[(values["lever"] != "total") & (values["metric"] == metrics[0])]
    order = list(levers.sort_values("value")["lever"])
    fig, axes = plt.subplots(
        1, len(metrics), figsize=(3.6 * len(metrics), 0.9 + 0.32 * len(order)), sharey=True, squeeze=False
    )
    jitter = np.random.default_rng(0)  # fixed: the same figure every time
    for ax, metric in zip(axes[0], metrics, strict=True):
        v = values[values["metric"] == metric].set_index("lever")
        g = v.loc[order]
        y = np.arange(len(order))
        err = np.vstack([g["value"] - g["ci_low"], g["ci_high"] - g["value"]])
        ax.barh(y, g["value"], xerr=np.nan_to_num(err), color="#1f77b4", alpha=0.85, capsize=2)
        s = steps[steps["lever"].isin(order)]
        ys = s["lever"].map({lever: i for i, lever in enumerate(order)}) + jitter.uniform(-0.25, 0.25, len(s))
        # The scale covers every effect met, unless a few extreme contexts would flatten every
        # bar: then it follows the values and their intervals, and each lever's effects beyond
        # it sit at the edge as an arrowhead with the most extreme value.
        x = s[metric].to_numpy()
        core = min(0.0, g["ci_low"].min()), max(0.0, g["ci_high"].max())
        full = min(core[0], x.min()), max(core[1], x.max())
        low, high = full if full[1] - full[0] <= 3 * (core[1] - core[0]) else core
        pad = 0.08 * (high - low or 1.0)
        low, high = low - pad, high + pad
        inside = (x >= low) & (x <= high)
        ax.scatter(x[inside], ys[inside], s=7, color="black", alpha=0.5, linewidths=0, label="one ordering")
        beyond = pd.DataFrame({"lever": s["lever"].to_numpy()[~inside], "x": x[~inside]})
        for (lever, right), group in beyond.groupby(["lever", beyond["x"] > high]):
            edge, value = (high, group["x"].max()) if right else (low, group["x"].min())
            at = order.index(lever)
            ax.scatter([edge], [at], marker=">" if right else "<", s=18, color="black", clip_on=False)
            ax.annotate(
                f"{value:.0f}",
                (edge, at),
                xytext=(-4 if right else 4, 5),
                textcoords="offset points",
                ha="right" if right else "left",
                fontsize=7,
            )
        ax.set_xlim(low, high)
        ax.axvline(0, color="black", linewidth=0.6)
        ax.set_yticks(y, order)
        ax.set_xlabel("reduction (percentage points of single)")
        total = v.loc["total"]
        ax.set_title(
            f"{HEADLINE_NAMES.get(metric, metric)}: total {total['value']:.1f} % "
            f"[{total['ci_low']:.1f}, {total['ci_high']:.1f}]",
            fontsize=9,
        )
    axes[0][0].legend(fontsize=7, frameon=False, loc="lower right")
    fig.suptitle(f"Which lever gives how much, single to {towards} (Shapley values; bars: 95 % CI)")
    fig.tight_layout()
    return fig


def staffing_tradeoff(summaries: list[dict]) -> plt.Figure:
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
            points["cost"], points[column], s=14, alpha=0.5, color=palette[s["design"]], label=s["design"]
        )
        if s["search"]["staffing"] is not None:
            ax.scatter(
                [s["search"]["cost"]], [checks[0]["mean"]], s=90, facecolors="none", edgecolors="black"
            )
    if goal is not None:
        ax.axhline(goal, color="#d62728", linewidth=1, label=f"target ({goal:g})")
    ax.set_xlabel("staff cost (headcount unless costs are set)")
    ax.set_ylabel(target)
    ax.set_title("Staffings the search judged (ringed: the cheapest meeting the targets)")
    ax.legend(fontsize=8, frameon=False)
    return fig


# The per-replication measure each target of a search is judged by (sim.experiment.staffing.judge).
_MEASURES = {
    "share within target days": "target:within_share",
    "statutory on-time share": "on_time_share",
    "requests closed share": "requests_closed_share",
    "P90 lead time (working days)": "target:p90_days",
}


def tornado(table: pd.DataFrame, base: pd.DataFrame, design: str) -> plt.Figure:
    """How each estimate, set low and high one at a time, moves the reductions of ``design``
    against single: one panel per metric, bars from the base case's reduction."""
    metrics = list(dict.fromkeys(table["metric"]))
    # One order for every panel (they share the y axis): by the largest swing on any metric.
    swing = table.groupby(["parameter", "metric"])["reduction"].agg(lambda r: r.max() - r.min())
    order = list(swing.groupby("parameter").max().sort_values().index)
    fig, axes = plt.subplots(1, len(metrics), figsize=(4.0 * len(metrics), 3.8), sharey=True, squeeze=False)
    for ax, metric in zip(axes[0], metrics, strict=True):
        centre = 100 * float(base.set_index("metric").loc[metric, "reduction"])
        g = table[table["metric"] == metric]
        for y, parameter in enumerate(order):
            for level, colour in (("low", "#1f77b4"), ("high", "#d62728")):
                row = g[(g["parameter"] == parameter) & (g["level"] == level)]
                if len(row):
                    value = 100 * float(row["reduction"].iloc[0])
                    ax.barh(
                        y,
                        value - centre,
                        left=centre,
                        color=colour,
                        alpha=0.8,
                        label=f"estimate {level}" if y == 0 else None,
                    )
        ax.axvline(centre, color="black", linewidth=0.8)
        ax.set_yticks(range(len(order)), order)
        ax.set_xlabel(f"reduction in {HEADLINE_NAMES.get(metric, metric)} (%)")
    axes[0][0].legend(fontsize=8, frameon=False)
    fig.suptitle(
        f"Sensitivity of {design} against single: each estimate low and high, the others as configured"
    )
    fig.tight_layout()
    return fig


def request_close_by_class(table: pd.DataFrame) -> plt.Figure:
    """Working days to close a request, by class: a bar per configuration (mean with 95 % CI),
    a tick at the P90."""
    classes = sorted({c.split(":", 1)[1] for c in table.columns if c.startswith("request_days_mean:")})
    classes = [c for c in classes if not c.endswith(("ci_low", "ci_high"))]
    cmap = plt.get_cmap("tab10" if len(table) <= 10 else "tab20")
    width = 0.8 / len(table)
    fig, ax = plt.subplots(figsize=(7.5, 3.2 + 0.22 * len(table)))
    x = np.arange(len(classes))
    for k, (_, row) in enumerate(table.iterrows()):
        mean = np.array([row.get(f"request_days_mean:{c}", np.nan) for c in classes], dtype=float)
        low = np.array([row.get(f"request_days_mean:{c}:ci_low", np.nan) for c in classes], dtype=float)
        high = np.array([row.get(f"request_days_mean:{c}:ci_high", np.nan) for c in classes], dtype=float)
        p90 = np.array([row.get(f"request_days_p90:{c}", np.nan) for c in classes], dtype=float)
        pos = x - 0.4 + width * (k + 0.5)
        ax.bar(pos, mean, width, color=cmap(k % cmap.N), label=row["configuration"])
        ax.errorbar(pos, mean, yerr=[mean - low, high - mean], fmt="none", ecolor="black", capsize=2, lw=0.8)
        ax.scatter(pos, p90, marker="_", s=120, color="black", zorder=3)
    ax.set_xticks(x, [c.replace("_", " ") for c in classes])
    ax.set_ylabel("working days to close")
    ax.set_title("Requests: mean time to close by class (tick: P90)")
    ax.legend(fontsize=8, frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=1)
    fig.tight_layout()
    return fig


PART_NAMES = {
    "window_queue": "queue at windows",
    "window_service": "service at windows",
    "applicant": "applicant's own time",
    "office_queue": "back-office queue",
    "office_work": "back-office work",
    "scheduled": "waiting for a batch, sitting or slot",
    "delivery": "delivery",
}
_PART_COLOURS = ["#c7c7c7", "#7f7f7f", "#ff7f0e", "#d62728", "#1f77b4", "#9467bd", "#2ca02c"]


def lead_time_breakdown(runs: pd.DataFrame) -> plt.Figure:
    """Where the mean lead time goes, per design: its parts stacked, in calendar days (each
    part's time along the path of the item that finished last, so they add up)."""
    designs = presets_first(runs["design"])
    fig, ax = plt.subplots(figsize=(7.2, 0.5 * len(designs) + 2.0))
    y = np.arange(len(designs))
    left = np.zeros(len(designs))
    g = runs.set_index("design").loc[designs]
    for (part, name), colour in zip(PART_NAMES.items(), _PART_COLOURS, strict=True):
        days = g[f"part:{part}_mean"].to_numpy() / 24
        ax.barh(y, days, left=left, color=colour, label=name)
        left += days
    for yi, total in zip(y, left, strict=True):
        ax.annotate(f"{total:.1f} d", (total, yi), xytext=(4, 0), textcoords="offset points", va="center")
    ax.set_yticks(y, designs)
    ax.invert_yaxis()
    ax.set_xlim(0, left.max() * 1.12)
    ax.set_xlabel("mean lead time (calendar days)")
    fig.legend(fontsize=8, frameon=False, loc="lower center", ncol=3)
    ax.set_title("Where the lead time goes")
    fig.tight_layout(rect=(0, 0.9 / fig.get_figheight(), 1, 1))  # about 0.9 in below for the legend
    return fig
