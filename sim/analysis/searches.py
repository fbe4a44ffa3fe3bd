"""A staffing search sweep's results (``+experiment=staffing_search``): the cheapest staffing
per design that meets the targets, what it achieves, or why no staffing can."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from sim.analysis import charts, render, staffing_charts
from sim.analysis.labels import Labels
from sim.experiment.output import DONE, damage


def read(sweep: Path) -> list[dict]:
    """Each complete search job's summary under ``sweep``, in the folder order, with its trials
    (``trials``: every staffing judged, a row per replication)."""
    found = []
    for path in sorted(Path(sweep).glob(f"*/{DONE}")):
        summary = json.loads(path.read_text())
        if "search" in summary and damage(path.parent, summary) is None:
            found.append(summary | {"trials": pd.read_parquet(path.parent / "trials.parquet")})
    return found


def blocks(summaries: list[dict], figures: Path, labels: Labels) -> list[render.Block]:
    """The section: headcounts per pool and design, the targets judged, and the infeasible."""
    feasible = [s for s in summaries if s["search"]["staffing"] is not None]

    def name(summary: dict) -> str:
        return labels.design(summary["design"])

    out = [
        render.Block("h2", labels.say("Cheapest staffing that meets the targets")),
        render.Block(
            "p",
            labels.say(
                "Per design, the least-cost headcount found by greedy marginal allocation from a roomy "
                "start (every pool offered at most 85 % of its hours), trimmed and traded for cheaper "
                "people, then again on twice the replications (sim/experiment/staffing.py). A target is "
                "met when the conservative end of its 95 % interval is on the right side of it. Cost is "
                "the headcount unless costs say otherwise; pools the design gives no work (a signing step "
                "it cuts) keep their configured headcount and are not counted."
            ),
        ),
    ]
    if feasible:
        pools = sorted({p for s in feasible for p in s["search"]["staffing"]})
        table = pd.DataFrame(
            [
                {"pool": labels.pool(p)} | {name(s): s["search"]["staffing"].get(p, "") for s in feasible}
                for p in pools
            ]
            + [{"pool": labels.say("cost")} | {name(s): f"{s['search']['cost']:g}" for s in feasible}]
            + [
                {"pool": labels.say("staffings judged")}
                | {name(s): s["search"]["evaluations"] for s in feasible}
            ]
        )
        out.append(render.Block("table", labels.frame(table)))
    rows = [
        {
            "design": s["design"],
            "target": labels.say(c["target"]),
            "goal": f"{c['goal']:g}",
            "achieved (mean)": f"{c['mean']:.3g}",
            "interval end judged": f"{c['bound']:.3g}",
            "met": labels.say("yes" if c["met"] else "no"),
        }
        for s in summaries
        for c in s["search"]["checks"]
    ]
    out.append(render.Block("table", labels.frame(pd.DataFrame(rows))))
    for s in summaries:
        if s["search"]["staffing"] is None:
            out.append(
                render.Block("p", labels.say("**{design}**: {why}.", design=name(s), why=s["search"]["why"]))
            )
    if feasible:
        out += [
            render.Block("h2", labels.say("What one more person buys")),
            render.Block(
                "p",
                labels.say(
                    "The cheapest staffing with one more person in one pool, judged on the same "
                    "replications: the first target's measure (mean) and its change."
                ),
            ),
            render.Block("table", labels.frame(_one_more(feasible, labels))),
        ]
    charts.save(staffing_charts.staffing_tradeoff(summaries, labels), figures, "staffing_tradeoff")
    out.append(render.Block("figure", f"{figures.name}/staffing_tradeoff.png"))
    return out


def _one_more(feasible: list[dict], labels: Labels) -> pd.DataFrame:
    pools = sorted({p for s in feasible for p in s["search"]["one_more"]})
    rows = []
    for pool in pools:
        row = {"one more in": labels.pool(pool)}
        for s in feasible:
            checks = s["search"]["one_more"].get(pool)
            if checks:
                now, more = s["search"]["checks"][0]["mean"], checks[0]["mean"]
                row[labels.design(s["design"])] = f"{more:.3g} ({more - now:+.3f})"
        rows.append(row)
    return pd.DataFrame(rows)
