"""Figures for a reform proposal, drawn from collected results (PNG and SVG).

Each function takes tidy tables and returns a matplotlib Figure; ``save`` writes both
formats. Every design keeps its colour in every figure, axes carry units, and intervals are
95 % t intervals across replications.
"""

from __future__ import annotations

import textwrap
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import matplotlib.colors as mcolors
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib import font_manager
from matplotlib.text import Text

from sim.analysis import fonts
from sim.analysis.labels import Labels

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

# Chinese labels fall back, glyph by glyph, to a CJK font: the one that installs with the
# project (fonts.NOTO), then any other installed.
_CJK = (fonts.FAMILY, "WenQuanYi Micro Hei", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC")
if fonts.NOTO.is_file():
    font_manager.fontManager.addfont(str(fonts.NOTO))
_INSTALLED = {f.name for f in font_manager.fontManager.ttflist}
plt.rcParams.update(
    {
        "font.family": ["DejaVu Sans", *(f for f in _CJK if f in _INSTALLED)],
        "svg.fonttype": "path",  # text as outlines: the SVG shows the same glyphs anywhere
        "svg.hashsalt": "sim",  # ids from the content, not from a random salt
        "pdf.fonttype": 42,  # fonts embedded as TrueType/OpenType, as journals ask
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


# No date or random id in a file: the same figure is the same bytes on every run.
_FIXED = {"png": {"Software": None}, "svg": {"Date": None}, "pdf": {"CreationDate": None, "ModDate": None}}


# A journal's one and two columns (inches; IEEE's 3.5 and 7.16, within 0.1 in of Elsevier's
# 90 and 190 mm): ``style(width=...)`` draws every figure at that width, its height in
# proportion; ``style(titles=False)`` leaves titles out (a paper's caption says it).
WIDTHS = {"one": 3.5, "two": 7.16}
WIDE = 7.0  # inches: a chart drawn wider has several panels, too many for one column
MIN_POINTS = 6.0  # the smallest type a journal prints
_STYLE = {"width": None, "titles": True}


@contextmanager
def style(width: str | None = None, titles: bool = True) -> Iterator[None]:
    """Figures saved inside are ``width`` wide (a key of ``WIDTHS``; as drawn when None; a chart
    of several panels takes two columns), their type scaled with them (at least ``MIN_POINTS``),
    and with or without their titles."""
    if width is not None and width not in WIDTHS:
        raise ValueError(f"width: one of {', '.join(WIDTHS)}, got {width!r}")
    before = dict(_STYLE)
    _STYLE.update(width=width, titles=titles)
    try:
        yield
    finally:
        _STYLE.update(before)


def _styled(fig: plt.Figure) -> None:
    if not _STYLE["titles"]:
        for ax in fig.axes:
            ax.set_title("")
        if fig.get_suptitle():
            fig.suptitle("")
    if _STYLE["width"] is not None:
        width, height = fig.get_size_inches()
        # a chart of several panels (drawn wider than two columns' worth of one) takes two columns
        wanted = WIDTHS["two" if width > WIDE else _STYLE["width"]]
        fig.set_size_inches(wanted, height * wanted / width)
        for text in fig.findobj(Text):  # the type shrinks with the figure, down to what print can read
            text.set_fontsize(max(MIN_POINTS, text.get_fontsize() * wanted / width))
    if _STYLE["width"] is not None or not _STYLE["titles"]:
        with warnings.catch_warnings():  # a crowded panel may not fit exactly: drawn as near as it can
            warnings.simplefilter("ignore", UserWarning)
            fig.tight_layout()


def save(fig: plt.Figure, directory: Path, name: str) -> list[Path]:
    """The figure as PNG (for Markdown), SVG (for the HTML page) and PDF (for a journal, its
    fonts embedded), each the same bytes whenever the figure is the same (at the width and with
    the titles ``style`` sets)."""
    _styled(fig)
    directory.mkdir(parents=True, exist_ok=True)
    paths = [directory / f"{name}.{kind}" for kind in _FIXED]
    for path, metadata in zip(paths, _FIXED.values(), strict=True):
        fig.savefig(path, bbox_inches="tight", metadata=metadata)
    plt.close(fig)
    return paths


def before_after(values: pd.DataFrame, palette: dict[str, str], labels: Labels) -> plt.Figure:
    """Each design's mean (bar, 95 % CI) and P90 (diamond) of lead time, trips and documents, in
    people's units, one panel per measure (``values``: ``headline.before_after``)."""
    designs = presets_first(values["design"])
    measures = (
        ("time", "lead time (working days)"),
        ("trips", "trips per applicant"),
        ("documents", "documents per applicant"),
    )
    fig, axes = plt.subplots(1, 3, figsize=(9.0, 3.4), squeeze=False)
    x = np.arange(len(designs))
    for ax, (measure, unit) in zip(axes[0], measures, strict=True):
        v = values[values["measure"] == measure]
        mean = v[v["statistic"] == "mean"].set_index("design").loc[designs]
        p90 = v[v["statistic"] == "p90"].set_index("design").loc[designs]
        err = np.vstack([mean["value"] - mean["ci_low"], mean["ci_high"] - mean["value"]])
        bars = ax.bar(x, mean["value"], yerr=err, capsize=3, color=[palette[d] for d in designs])
        ax.scatter(x, p90["value"], marker="D", s=22, color="black", zorder=3, label="P90")
        ax.bar_label(
            bars, [f"{m:.1f}" for m in mean["value"]], label_type="center", fontsize=8, color="white"
        )
        ax.set_xticks([])
        ax.set_ylabel(labels.say(unit))
        ax.set_ylim(0, max(p90["value"].max(), mean["ci_high"].max()) * 1.1)
    handles = [plt.Rectangle((0, 0), 1, 1, color=palette[d]) for d in designs]
    fig.legend(
        [*handles, axes[0][0].collections[-1]],
        [*(labels.design(d) for d in designs), "P90"],
        fontsize=8,
        frameon=False,
        loc="lower center",
        ncol=len(designs) + 1,
    )
    fig.suptitle(labels.say("Per applicant, by design: mean (bars, 95 % CI) and P90 (diamonds)"), fontsize=10)
    fig.tight_layout(rect=(0, 0.35 / fig.get_figheight(), 1, 1))
    return fig


def wrap(text: str, width: int = 14) -> str:
    return "\n".join(textwrap.wrap(text, width)) or text


def lead_time_ecdf(
    cases: pd.DataFrame, palette: dict[str, str], limit_days: float | None, labels: Labels
) -> plt.Figure:
    """Empirical distribution of lead time (working days) per design, a line style each so a
    curve under another still shows."""
    fig, ax = plt.subplots(figsize=(6.4, 4.0))
    styles = ["-", "--", "-.", ":"]
    for k, design in enumerate(presets_first(cases["design"].unique())):
        x = np.sort(cases.loc[cases["design"] == design, "lead_time_working_days"].to_numpy())
        ax.step(
            x,
            np.arange(1, len(x) + 1) / len(x),
            where="post",
            color=palette[design],
            linestyle=styles[k % len(styles)],
            label=labels.design(design),
        )
    if limit_days is not None:
        ax.axvline(
            limit_days,
            color="#d62728",
            linewidth=1,
            label=labels.say("statutory limit ({days} working days)", days=f"{limit_days:g}"),
        )
    # the axis to where 99.5 % of every design's applicants are done (and past the limit): a
    # few very long cases would otherwise squeeze every curve into the left edge
    right = max(
        cases.groupby("design")["lead_time_working_days"].quantile(0.995).max(), 1.05 * (limit_days or 0)
    )
    ax.set_xlim(0, right)
    ax.set_ylim(0, 1.01)
    ax.set_xlabel(labels.say("lead time (working days; the axis ends where 99.5 % of applicants are done)"))
    ax.set_ylabel(labels.say("share of applicants done"))
    ax.set_title(labels.say("Lead-time distribution (all replications)"))
    ax.legend(fontsize=8, frameon=False)
    return fig


def design_changes(table: pd.DataFrame, palette: dict[str, str], labels: Labels) -> plt.Figure:
    """Each design's change against single (%, 95 % CI), one group of bars per measure, each bar
    labelled; a change too small to see is marked at zero, and below zero is fewer or shorter."""
    metrics = list(dict.fromkeys(table["metric"]))
    designs = presets_first(table["design"].unique())
    fig, ax = plt.subplots(figsize=(7.5, 4.0))
    width = 0.8 / len(designs)
    x = np.arange(len(metrics))
    for i, design in enumerate(designs):
        g = table[table["design"] == design].set_index("metric").loc[metrics]
        change = -100 * g["reduction"].to_numpy()
        err = 100 * np.vstack(
            [g["reduction_ci_high"] - g["reduction"], g["reduction"] - g["reduction_ci_low"]]
        )
        at = x + (i - (len(designs) - 1) / 2) * width
        ax.bar(at, change, width, yerr=err, capsize=2, color=palette[design], label=labels.design(design))
        for xi, c in zip(at, change, strict=True):
            if abs(c) < 0.5:
                ax.scatter([xi], [0], marker="_", s=80, color=palette[design], zorder=3)
            ax.annotate(
                f"{c:+.0f}",
                (xi, min(c, 0)),
                xytext=(0, -3),
                textcoords="offset points",
                ha="center",
                va="top",
                fontsize=7,
            )
    ax.axhline(0, color="black", linewidth=0.6)
    ax.set_xticks(x, [labels.of("measures", HEADLINE_NAMES.get(m, m)) for m in metrics])
    ax.set_ylabel(labels.say("change against single-item processing (%)"))
    low, high = ax.get_ylim()
    ax.set_ylim(low - 0.08 * (high - low), max(high, 0) + 0.08 * (high - low))
    ax.set_title(labels.say("Each design against single (bars: 95 % CI; below 0: less than single)"), pad=12)
    ax.legend(fontsize=7, frameon=False, loc="center left", bbox_to_anchor=(1, 0.5))
    return fig


def shapley_attribution(
    values: pd.DataFrame, steps: pd.DataFrame, towards: str, labels: Labels
) -> plt.Figure:
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
        ax.scatter(
            x[inside],
            ys[inside],
            s=7,
            color="black",
            alpha=0.5,
            linewidths=0,
            label=labels.say("one ordering"),
        )
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
        ax.set_yticks(y, [labels.of("levers", lever) for lever in order])
        ax.set_xlabel(labels.say("reduction (percentage points of single)"))
        total = v.loc["total"]
        ax.set_title(
            labels.say(
                "{measure}: total {value} % [{low}, {high}]",
                measure=labels.of("measures", HEADLINE_NAMES.get(metric, metric)),
                value=f"{total['value']:.1f}",
                low=f"{total['ci_low']:.1f}",
                high=f"{total['ci_high']:.1f}",
            ),
            fontsize=9,
        )
    axes[0][0].legend(fontsize=7, frameon=False, loc="lower right")
    fig.suptitle(
        labels.say(
            "Which lever gives how much, {start} to {towards} (Shapley values; bars: 95 % CI)",
            start=labels.design("single"),
            towards=labels.design(towards),
        )
    )
    fig.tight_layout()
    return fig


def tornado(table: pd.DataFrame, base: pd.DataFrame, design: str, labels: Labels) -> plt.Figure:
    """How each estimate, set low and high one at a time, moves the reductions of ``design``
    against single: one panel per metric, bars from the base case's reduction."""
    metrics = list(dict.fromkeys(table["metric"]))
    # One order for every panel (they share the y axis): by the largest swing on any metric.
    swing = table.groupby(["parameter", "metric"])["reduction"].agg(lambda r: r.max() - r.min())
    order = list(swing.groupby("parameter").max().sort_values().index)
    fig, axes = plt.subplots(1, len(metrics), figsize=(4.0 * len(metrics), 3.8), sharey=True, squeeze=False)
    # Each level is named in the legend at its first bar, wherever that is: a sweep may set an
    # estimate only low or only high.
    unnamed = {"low": labels.say("estimate low"), "high": labels.say("estimate high")}
    for ax, metric in zip(axes[0], metrics, strict=True):
        centre = 100 * float(base.set_index("metric").loc[metric, "reduction"])
        g = table[table["metric"] == metric]
        for y, parameter in enumerate(order):
            for level, colour in (("low", "#1f77b4"), ("high", "#d62728")):
                row = g[(g["parameter"] == parameter) & (g["level"] == level)]
                if len(row):
                    r = row.iloc[0]
                    value = 100 * float(r["reduction"])
                    ax.barh(
                        y,
                        value - centre,
                        left=centre,
                        color=colour,
                        alpha=0.8,
                        label=unnamed.pop(level, None) if ax is axes[0][0] else None,
                    )
                    ax.errorbar(  # the case's own 95 % interval, paired by replication
                        value,
                        y,
                        xerr=[[value - 100 * r["reduction_ci_low"]], [100 * r["reduction_ci_high"] - value]],
                        fmt="none",
                        ecolor="black",
                        elinewidth=0.8,
                        capsize=2,
                    )
        ax.axvline(centre, color="black", linewidth=0.8)
        ax.set_yticks(
            range(len(order)), [labels.of("estimates", p) if labels.has("estimates", p) else p for p in order]
        )
        ax.set_xlabel(
            labels.say(
                "reduction in {measure} (%)",
                measure=labels.of("measures", HEADLINE_NAMES.get(metric, metric)).lower(),
            )
        )
    axes[0][0].legend(fontsize=8, frameon=False)
    fig.suptitle(
        labels.say(
            "Sensitivity of {design} against single: each estimate low and high, the others as configured",
            design=labels.design(design),
        )
    )
    fig.tight_layout()
    return fig


def request_close_by_class(table: pd.DataFrame, labels: Labels) -> plt.Figure:
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
    ax.set_ylabel(labels.say("working days to close"))
    ax.set_title(labels.say("Requests: mean time to close by class (tick: P90)"))
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


def lead_time_breakdown(runs: pd.DataFrame, labels: Labels) -> plt.Figure:
    """Where the mean lead time goes, per design: its parts stacked, in calendar days (each
    part's time along the path of the item that finished last, so they add up)."""
    designs = presets_first(runs["design"])
    fig, ax = plt.subplots(figsize=(7.2, 0.5 * len(designs) + 2.0))
    y = np.arange(len(designs))
    left = np.zeros(len(designs))
    g = runs.set_index("design").loc[designs]
    for (part, name), colour in zip(PART_NAMES.items(), _PART_COLOURS, strict=True):
        days = g[f"part:{part}_mean"].to_numpy() / 24
        ax.barh(y, days, left=left, color=colour, label=labels.say(name))
        left += days
    for yi, total in zip(y, left, strict=True):
        ax.annotate(
            labels.say("{days} d", days=f"{total:.1f}"),
            (total, yi),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
        )
    ax.set_yticks(y, [wrap(labels.design(d), 22) for d in designs])
    ax.invert_yaxis()
    ax.set_xlim(0, left.max() * 1.12)
    ax.set_xlabel(labels.say("mean lead time (calendar days)"))
    fig.legend(fontsize=8, frameon=False, loc="lower center", ncol=3)
    ax.set_title(labels.say("Where the lead time goes"))
    fig.tight_layout(rect=(0, 0.9 / fig.get_figheight(), 1, 1))  # about 0.9 in below for the legend
    return fig
