"""Shapley values of the levers from an attribution sweep (``+experiment=attribution``).

Each ordering's steps are the lever's marginal effects in that context; their mean over
orderings estimates the Shapley value. Effects are in percentage points of the start design's
mean (so a lever's value reads as its share of the total reduction), and each ordering's add
up exactly to its total, so the values add up to the total reduction. Intervals are t
intervals across antithetic pairs, the independent units (``sim.experiment.attribution``).
"""

from __future__ import annotations

import json
from dataclasses import fields
from pathlib import Path

import pandas as pd

from sim.analysis import charts, render, tables
from sim.analysis.collect import OUT
from sim.analysis.compare import HEADLINE
from sim.analysis.labels import Labels
from sim.domain.design import PRESETS, Design
from sim.domain.untrusted import write_csv
from sim.experiment.attribution import flagged
from sim.experiment.output import DONE, damage
from sim.experiment.stats import t_interval

TABLE = "coalitions"


def read(sweep: Path) -> pd.DataFrame:
    """Every complete ordering job's rows under ``sweep`` (empty when there are none)."""
    frames = []
    for summary_path in sorted(Path(sweep).glob(f"*/{DONE}")):
        summary = json.loads(summary_path.read_text())
        if TABLE in summary.get("tables", {}) and damage(summary_path.parent, summary) is None:
            rows = pd.read_parquet(summary_path.parent / f"{TABLE}.parquet")
            frames.append(rows.assign(start=summary["design"], towards=summary["towards"]))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def marginals(rows: pd.DataFrame, metrics: tuple[str, ...]) -> pd.DataFrame:
    """One row per ordering and lever: the lever's effect when switched on at its position in
    that ordering, as a reduction in percentage points of the start design's mean."""
    means = rows.groupby(["ordering", "pair", "position", "lever"], as_index=False)[list(metrics)].mean()
    means = means.sort_values(["ordering", "position"])
    start = means[means["position"] == 0].set_index("ordering")[list(metrics)]
    out = []
    for k, one in means.groupby("ordering"):
        values = one[list(metrics)].to_numpy()
        reduction = -(values[1:] - values[:-1]) / start.loc[k].to_numpy() * 100
        steps = one.iloc[1:][["ordering", "pair", "position", "lever"]].reset_index(drop=True)
        out.append(pd.concat([steps, pd.DataFrame(reduction, columns=list(metrics))], axis=1))
    return pd.concat(out, ignore_index=True)


def shapley(rows: pd.DataFrame, metrics: tuple[str, ...]) -> pd.DataFrame:
    """One row per lever and metric: the Shapley value with its 95 % interval across pairs, the
    number of pairs, and the smallest and largest effect met (their spread is the lever's
    interaction with the others); a last row per metric, ``total``, the whole reduction."""
    steps = marginals(rows, metrics)
    per_pair = steps.groupby(["pair", "lever"], as_index=False)[list(metrics)].mean()
    totals = steps.groupby(["pair", "ordering"])[list(metrics)].sum().groupby("pair").mean()
    out = []
    for metric in metrics:
        for lever, group in per_pair.groupby("lever"):
            value, low, high = t_interval(group[metric])
            effects = steps.loc[steps["lever"] == lever, metric]
            out.append(
                {
                    "metric": metric,
                    "lever": lever,
                    "value": value,
                    "ci_low": low,
                    "ci_high": high,
                    "pairs": len(group),
                    "min_effect": effects.min(),
                    "max_effect": effects.max(),
                }
            )
        value, low, high = t_interval(totals[metric])
        out.append(
            {
                "metric": metric,
                "lever": "total",
                "value": value,
                "ci_low": low,
                "ci_high": high,
                "pairs": len(totals),
                "min_effect": totals[metric].min(),
                "max_effect": totals[metric].max(),
            }
        )
    return pd.DataFrame(out)


def blocks(orderings: pd.DataFrame, figures: Path, regenerate: str, labels: Labels) -> list[render.Block]:
    """The Shapley section: values with intervals, the range of effects met, and the chart;
    pairs whose orderings pass through a broken office (``flagged``) are named and left out of
    the values while two pairs or more remain."""
    broken = flagged(orderings)
    whole = orderings["pair"].nunique()
    kept = orderings[~orderings["pair"].isin(broken["pair"])]
    if kept["pair"].nunique() >= 2:
        orderings = kept
    values = shapley(orderings, HEADLINE)
    steps = marginals(orderings, HEADLINE)
    sweep = figures.parent
    start, towards = orderings["start"].iloc[0], orderings["towards"].iloc[0]
    present = set(steps["lever"])
    left_out = []
    if start in PRESETS and towards in PRESETS:
        left_out = [
            f.name
            for f in fields(Design)
            if getattr(PRESETS[start], f.name) != getattr(PRESETS[towards], f.name)
        ]
        left_out = [lever for lever in left_out if lever not in present]
    charts.save(charts.shapley_attribution(values, steps, towards, labels), figures, "shapley")
    (sweep / OUT).mkdir(exist_ok=True)
    for name, table in (("shapley", values), ("orderings", steps)):
        table.to_parquet(sweep / OUT / f"{name}.parquet", index=False)
        write_csv(table, sweep / OUT / f"{name}.csv")
    n, pairs, reps = (
        orderings["ordering"].nunique(),
        orderings["pair"].nunique(),
        orderings["replication"].nunique(),
    )
    text = labels.say(
        "Each lever switched on one at a time from {start} to {towards}, in {n} sampled orderings ({pairs} "
        "antithetic pairs: an ordering and its reverse), {reps} replication(s) per design along each, on "
        "common random numbers. A lever's value is its effect averaged over the orderings (its Shapley "
        "value), in percentage points of the start's mean: the values add up to the total reduction. "
        "Intervals are 95 % t intervals across pairs; after the semicolon, the smallest and largest "
        "effect met in one ordering. A wide range is an interaction: the lever's effect depends on which "
        "others are already on (a merged checklist without data sharing holds items back; with it, it "
        "saves trips).",
        start=labels.design(start),
        towards=labels.design(towards),
        n=n,
        pairs=pairs,
        reps=reps // max(pairs, 1),
    )
    if left_out:
        text += labels.say(
            " Left out, as they cannot act on this scenario (value exactly 0): {named}.",
            named=labels.say(", ").join(labels.of("levers", lever) for lever in left_out),
        )
    return [
        render.Block("h2", labels.say("Which lever gives how much (Shapley values)")),
        render.Block("p", text),
        *_broken_blocks(broken, whole, orderings["pair"].nunique() < whole, labels),
        render.Block("table", labels.frame(tables.shapley_table(values, labels))),
        render.Block("figure", f"{figures.name}/shapley.png"),
        render.Block("code", regenerate),
    ]


def _broken_blocks(broken: pd.DataFrame, pairs: int, left_out: bool, labels: Labels) -> list[render.Block]:
    """The orderings that passed through a broken office, what that means, and whether their
    pairs were left out of the values."""
    if broken.empty:
        return []
    text = labels.say(
        "Flagged: {n} ordering(s) of {pairs} pair(s) pass through a design that leaves cases unfinished "
        "or offers a pool its staffed hours or more (a merged checklist handed to one department's "
        "window before the one-stop window opens, say). Such a step measures a queue that grows "
        "without end, not the lever: its effect would be an artefact.",
        n=len(broken),
        pairs=pairs,
    ) + labels.say(
        " Their pairs are left out of the values below."
        if left_out
        else " Fewer than two pairs would remain without them, so the values below include them: read "
        "them as the sweep's, not the levers'; more pairs, or more staff, give values to cite."
    )
    table = pd.DataFrame(
        {
            "ordering": broken["ordering"],
            "after lever": [labels.of("levers", lever) for lever in broken["lever"]],
            "position": broken["position"],
            "cases finished": [f"{100 * f:.1f} %" for f in broken["finished"]],
            "busiest pool": broken["pool"],
            "offered load": [f"{100 * load:.0f} %" for load in broken["load"]],
        }
    )
    return [render.Block("p", text), render.Block("table", labels.frame(table))]
