"""The uncertainty study's section of a report: the band per design and measure beside the
noise, Morris's ranking or Sobol's indices with their chart, what was varied, left out and
held, and the commands that rerun it; and the band's sentence for the summary. The statistics
are ``sim.analysis.uncertainty``'s.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from sim.analysis import charts, render
from sim.analysis.collect import OUT
from sim.analysis.compare import HEADLINE
from sim.analysis.labels import Labels
from sim.analysis.uncertainty import Study, band, indices, points, screening
from sim.domain.knobs import Estimates
from sim.domain.untrusted import write_csv
from sim.experiment.uncertainty import METHODS


def sentence(found: pd.DataFrame, design: str, labels: Labels) -> str:
    """The headline's band, for the summary: lead time over the estimates' ranges beside noise."""
    row = found[(found["design"] == design) & (found["metric"] == HEADLINE[0])]
    if row.empty:
        return ""
    r = row.iloc[0]
    return labels.say(
        " Over the estimates' ranges ({points} points of a global study), **{design}** changes lead time "
        "by {median} % [{low}, {high}] (2.5th to 97.5th percentile); simulation noise at one point is "
        "±{noise} points: the estimates, not the replications, bound what can be claimed.",
        points=int(r["points"]),
        design=labels.design(design),
        median=f"{-100 * r['median']:+.1f}",
        low=f"{-100 * r['high']:+.1f}",
        high=f"{-100 * r['low']:+.1f}",
        noise=f"{100 * r['noise']:.1f}",
    )


def blocks(
    studies: dict[str, Study], figures: Path, regenerate: Callable[[Path], str], labels: Labels
) -> list[render.Block]:
    """The section: per method, what was run, the band per design and measure, and Morris's
    ranking or Sobol's indices with their chart, and the commands that rerun it
    (``regenerate``: a study's sweep folder to the commands)."""
    out = [render.Block("h2", labels.say("Uncertainty from the estimates"))]
    for method in METHODS:
        if method in studies:
            study = studies[method]
            out += _study(method, study.rows, study.settings, figures, labels)
            out.append(render.Block("code", regenerate(study.folder)))
    return out


def _study(
    method: str, rows: pd.DataFrame, settings: dict, figures: Path, labels: Labels
) -> list[render.Block]:
    table = points(rows)
    found = band(table)
    ranked = screening(rows, table, settings) if method == "morris" else indices(table, settings)
    collected = figures.parent / OUT
    collected.mkdir(exist_ok=True)
    for name, frame in ((f"{method}_points", table), (f"{method}_band", found), (method, ranked)):
        frame.to_parquet(collected / f"{name}.parquet", index=False)
        write_csv(frame, collected / f"{name}.csv")
    text = labels.say(
        "{estimates} varied at once over their ranges (low to high, in log space: {ranges}), {how}, "
        "each point under every design on {reps} replication(s) of common random numbers "
        "(sim/experiment/uncertainty.py; sampling and statistics by SALib). A point's reduction is its "
        "design against single on the same replications. The band is the 2.5th to 97.5th percentile "
        "of the reductions over the points; beside it, the noise: the median half-width of one point's "
        "95 % interval over replications.",
        estimates=labels.say("Every estimate multiplier")
        if set(settings["ranges"]) | set(settings.get("inert", [])) >= {f.name for f in fields(Estimates)}
        else labels.say("The estimates"),
        ranges=labels.say(", ").join(
            f"{labels.of('estimates', name)} ×{lo:g}–{hi:g}" for name, (lo, hi) in settings["ranges"].items()
        ),
        how=labels.say(
            "by Morris's method: {trajectories} trajectories of {points} points on a {levels}-level grid",
            trajectories=settings["trajectories"],
            points=len(settings["ranges"]) + 1,
            levels=settings["levels"],
        )
        if method == "morris"
        else labels.say(
            "by Sobol's method: Saltelli's design of {samples} × {k} = {total} points, "
            "the other estimates at 1",
            samples=settings["samples"],
            k=len(settings["ranges"]) + 2,
            total=settings["samples"] * (len(settings["ranges"]) + 2),
        ),
        reps=rows["replication"].nunique(),
    )
    if settings.get("inert"):
        text += labels.say(
            " Not varied, as they multiply nothing in this office: {names}.",
            names=labels.say(", ").join(labels.of("estimates", n) for n in settings["inert"]),
        )
    if settings.get("held"):
        text += labels.say(
            " Inputs the scenario tags as estimates that no multiplier varies are held at their values, "
            "and the band does not cover them: {keys}.",
            keys=labels.say(", ").join(f"`{k}`" for k in settings["held"]),
        )
    total = table["point"].nunique()
    overloaded = int(table.drop_duplicates("point")["overloaded"].sum())
    if overloaded:
        text += labels.say(
            " {overloaded} of {total} point(s) overload the office (a design finishes fewer than 99 % of "
            "its cases, or offers a pool its staffed hours at the configured staff: such a point is not "
            "run): the band leaves them out, so it is the band of the offices this staffing can serve.",
            overloaded=overloaded,
            total=total,
        )
    out = [
        render.Block(
            "h3", labels.say("Morris screening") if method == "morris" else labels.say("Sobol indices")
        )
    ]
    out.append(render.Block("p", text))
    if found.empty:
        return [*out, render.Block("p", labels.say("Every point overloads the office: no band to give."))]
    out.append(render.Block("table", labels.frame(_band_table(found, labels))))
    if method == "morris":
        possible = table["trajectory"].nunique() * len(settings["ranges"]) * table["design"].nunique()
        used = int(ranked.drop_duplicates(["design", "estimate"])["n"].sum()) if not ranked.empty else 0
        if ranked.empty:
            return [
                *out,
                render.Block("p", labels.say("No step between two served points: no screening to give.")),
            ]
        said = labels.say(
            "Which estimates move the lead-time reduction, the most first (points of reduction when the "
            "estimate moves across a grid step; Morris mu* ± its 95 % bootstrap half-width, sigma, the "
            "spread of the effects, in brackets: large where the estimate interacts with others or acts "
            "unevenly), from {used} of the {possible} elementary effects of {trajectories} trajectories: "
            "a step from or to a point that overloads the office, or was not run, has none.",
            used=used,
            possible=possible,
            trajectories=table["trajectory"].nunique(),
        )
        shown = _morris_table(ranked, labels)
    else:
        if ranked.empty:
            reason = (
                labels.say("some points overload the office; narrow the ranges or add staff")
                if overloaded
                else labels.say(
                    "{run} of {size} points were run",
                    run=total,
                    size=settings["samples"] * (len(settings["ranges"]) + 2),
                )
            )
            return [
                *out,
                render.Block(
                    "p",
                    labels.say(
                        "No Sobol indices: they need every point of the design, and {reason}.", reason=reason
                    ),
                ),
            ]
        said = labels.say(
            "How the variance of the lead-time reduction divides among the estimates: S1, the share "
            "an estimate explains alone; ST, with every interaction it takes part in (each ± its 95 % "
            "bootstrap half-width; an index is a share, 0 to 1, and its bootstrap may cross them at "
            "few samples: more samples narrow it)."
        )
        shown = _sobol_table(ranked, labels)
    name = "uncertainty" if method == "morris" else "sobol"
    charts.save(chart(table, ranked, method, labels), figures, name)
    return [
        *out,
        render.Block("p", said),
        render.Block("table", labels.frame(shown)),
        render.Block("figure", f"{figures.name}/{name}.png"),
    ]


def _band_table(found: pd.DataFrame, labels: Labels) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "design": found["design"],
            "measure": [labels.of("measures", charts.HEADLINE_NAMES[m]) for m in found["metric"]],
            "over the estimates' ranges": [
                f"{-100 * r.median:+.1f} [{-100 * r.high:+.1f}, {-100 * r.low:+.1f}] %"
                for r in found.itertuples()
            ],
            "noise at one point": [
                labels.say("±{value} points", value=f"{100 * r.noise:.1f}") for r in found.itertuples()
            ],
            "points": found["points"],
        }
    )


def _ranked(found: pd.DataFrame, by: str) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """The lead-time rows of ``found`` as a table per estimate (a column per statistic and
    design), the estimates by their largest ``by`` first; the empty table to fill, and the designs."""
    lead = found[found["metric"] == HEADLINE[0]].pivot(index="estimate", columns="design")
    order = lead[by].max(axis=1).sort_values(ascending=False).index
    return lead.loc[order], pd.DataFrame({"estimate": order}), list(dict.fromkeys(found["design"]))


def _morris_table(screened: pd.DataFrame, labels: Labels) -> pd.DataFrame:
    v, shown, designs = _ranked(screened, "mu_star")
    for design in designs:
        shown[labels.say("{design}: mu* (sigma)", design=labels.design(design))] = [
            f"{m:.1f} ±{c:.1f} ({'—' if np.isnan(s) else f'{s:.1f}'})"
            for m, c, s in zip(
                v["mu_star"][design], v["mu_star_conf"][design], v["sigma"][design], strict=True
            )
        ]
    return shown


def _sobol_table(found: pd.DataFrame, labels: Labels) -> pd.DataFrame:
    v, shown, designs = _ranked(found, "ST")
    for design in designs:
        for index in ("S1", "ST"):
            shown[labels.say("{design}: {index}", design=labels.design(design), index=index)] = [
                f"{x:.2f} ±{c:.2f}" for x, c in zip(v[index][design], v[f"{index}_conf"][design], strict=True)
            ]
    return shown


def chart(table: pd.DataFrame, ranked: pd.DataFrame, method: str, labels: Labels) -> plt.Figure:
    """Left: each reform's reductions over the estimates' ranges, a box per measure (whiskers at
    the 2.5th and 97.5th percentiles). Right, for the lead-time reduction: Morris mu* against
    sigma, an estimate a point (the three largest named); or Sobol's S1 and ST per estimate
    with their intervals. One colour per design."""
    good = table[~table["overloaded"]]
    designs = charts.presets_first(good["design"].unique())
    palette = charts.colours(["single", *designs])
    fig, (left, right) = plt.subplots(1, 2, figsize=(10.0, 4.0))
    width = 0.8 / len(designs)
    lead = ranked[ranked["metric"] == HEADLINE[0]]
    names = list(dict.fromkeys(lead["estimate"]))
    for i, design in enumerate(designs):
        g = good[good["design"] == design]
        offset = (i - (len(designs) - 1) / 2) * width
        left.boxplot(
            [-100 * g[m].to_numpy() for m in HEADLINE],
            positions=np.arange(len(HEADLINE)) + offset,
            widths=width * 0.9,
            whis=(2.5, 97.5),
            showfliers=False,
            patch_artist=True,
            boxprops={"facecolor": palette[design]},
            medianprops={"color": "black"},
        )
        left.bar([0], [0], color=palette[design], label=labels.design(design))
        s = lead[lead["design"] == design].set_index("estimate").loc[names]
        if method == "morris":
            right.scatter(s["mu_star"], s["sigma"], color=palette[design], label=labels.design(design), s=18)
            for name, r in s.nlargest(3, "mu_star").iterrows():  # the three that matter most: legible
                if r["mu_star"] > 0:
                    right.annotate(
                        labels.of("estimates", name),
                        (r["mu_star"], r["sigma"]),
                        fontsize=7,
                        xytext=(3, 2),
                        textcoords="offset points",
                    )
        else:
            at = np.arange(len(names)) + offset
            right.bar(
                at,
                s["ST"].clip(0, 1),
                width * 0.9,
                color=palette[design],
                label=labels.design(design) + " ST",
            )
            right.errorbar(
                at, s["ST"].clip(0, 1), yerr=s["ST_conf"], fmt="none", ecolor="black", linewidth=0.8
            )
            right.scatter(at, s["S1"].clip(0, 1), marker="_", color="black", s=60, zorder=3)
    left.set_xticks(range(len(HEADLINE)), [labels.of("measures", charts.HEADLINE_NAMES[m]) for m in HEADLINE])
    left.axhline(0, color="black", linewidth=0.6)
    left.set_ylabel(labels.say("change against single-item processing (%)"))
    left.set_title(labels.say("Over the estimates' ranges (whiskers: 2.5 % to 97.5 %)"), fontsize=9)
    left.legend(fontsize=7, frameon=False)
    if method == "morris":
        right.set_xlabel(labels.say("mu*: mean absolute effect (points of lead-time reduction)"))
        right.set_ylabel(labels.say("sigma: spread of the effects"))
        right.set_title(labels.say("Which estimates matter (Morris screening)"), fontsize=9)
    else:
        right.set_xticks(
            range(len(names)), [labels.of("estimates", n) for n in names], rotation=20, ha="right"
        )
        right.set_ylim(0, 1)
        right.set_ylabel(labels.say("share of the variance of the lead-time reduction"))
        right.set_title(labels.say("Sobol indices: ST bars (95 % interval), S1 marks"), fontsize=9)
    right.legend(fontsize=7, frameon=False)
    fig.tight_layout()
    return fig
