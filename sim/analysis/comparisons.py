"""The report's sections that set each design against single: the summary and headline, the
published figures beside them, each design's changes one at a time and held to the whole family
of comparisons, and each need's own changes."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from sim.analysis import charts, headline, render, tables
from sim.analysis.collect import OUT
from sim.analysis.compare import HEADLINE, holm
from sim.analysis.labels import Labels
from sim.analysis.study_runs import Selection
from sim.domain.untrusted import write_csv
from sim.experiment.stats import CONFIDENCE


def blocks(chosen: Selection, method: render.Block, sweep: Path, palette, labels: Labels, fig) -> list:
    """The summary, headline and changes against single, with ``method`` (how the figures were
    made) after the summary."""
    designs, configs_base = chosen.designs, chosen.configs_base
    compared = headline.comparisons(chosen.reps_base, designs)
    lead = "bundled" if "bundled" in designs else designs[1]
    headcount = int(configs_base.loc[configs_base["design"] == lead, "headcount"].iloc[0])
    out = [
        render.Block("h2", labels.say("Summary")),
        render.Block(
            "summary",
            headline.summary(compared, chosen.configs, chosen.scale, headcount, chosen.conf, labels),
        ),
        method,
        render.Block(
            "h2",
            labels.say(
                "Headline: {lead} against {single}", lead=labels.design(lead), single=labels.design("single")
            ),
        ),
        render.Block("table", headline.headline_table(compared, lead, labels)),
        render.Block(
            "p",
            labels.say(
                "Paired on common random numbers: replication r of both designs serves the same "
                "applicants with the same work, so the change's interval is narrow."
            ),
        ),
        fig(
            "headline",
            charts.before_after(headline.before_after(configs_base), palette, labels),
            labels.say("Per applicant, by design, at the base staffing."),
        ),
        *_published_blocks(chosen, compared, labels),
    ]
    means = compared[compared["metric"].isin(HEADLINE)]
    return [
        *out,
        render.Block("h2", labels.say("Each design against single")),
        render.Block("p", _changes_text(means, labels)),
        render.Block("table", tables.attribution_table(means, labels)),
        fig("lever_attribution", charts.design_changes(means, palette, labels)),
        *_family_blocks(chosen.reps_base, designs, means, labels),
        *_need_blocks(chosen, sweep, labels),
    ]


def _published_blocks(chosen: Selection, compared, labels: Labels) -> list[render.Block]:
    """Each stage beside the figures the scenario's source reports, lived time and promised apart."""
    conf = chosen.conf
    table = headline.published(conf, compared, chosen.promises(), labels)
    if table is None:
        return []
    return [
        render.Block("h2", labels.say("Beside the published figures")),
        render.Block(
            "p",
            labels.say(
                "Reported: {source}. The model is not tuned to these numbers; the gap is the "
                "finding. Each stage of the reform against single, with its 95 % interval. Time is "
                "given twice: as lived (the simulated lead time) and as promised (each need's "
                "promised working days against single's, weighted by its demand), because a "
                "published time reduction may be either; the source says 办理时间 without saying "
                "which. The promised time is an input, not a finding: it follows from the limits "
                "the scenario commits to (the committed limits are estimates set against the "
                "statutory ones), so its agreement with a published figure is by construction; "
                "the lived time is the model's evidence, and the one to set beside a measured one.",
                source=conf.published.source,
            ),
        ),
        render.Block("table", labels.frame(table)),
    ]


def _family_blocks(reps: pd.DataFrame, designs: list[str], means: pd.DataFrame, labels: Labels) -> list:
    """Where several designs are set against single, the same changes held to all the
    comparisons at once: Bonferroni's simultaneous intervals and Holm's adjusted p-values."""
    m = len(means)
    if means["design"].nunique() < 2:
        return []
    family = headline.comparisons(reps, designs, HEADLINE, confidence=1 - (1 - CONFIDENCE) / m)
    family = family.set_index(["design", "metric"]).loc[
        list(zip(means["design"], means["metric"], strict=True))
    ]
    p_holm = holm(means["reduction_p"].to_numpy())
    told = int((p_holm < 1 - CONFIDENCE).sum())
    return [
        render.Block(
            "p",
            labels.say(
                "The intervals above hold each comparison on its own. Held to all {m} at once (designs "
                "× measures): each change with its simultaneous 95 % interval (Bonferroni's, each at "
                "{level} %) and Holm's adjusted p-value against no change (paired t tests over {n} "
                "replications); {told} of the {m} changes are told from none at the family-wise 5 % level.",
                m=m,
                level=f"{100 * (1 - (1 - CONFIDENCE) / m):.2f}",
                n=int(means["n"].iloc[0]),
                told=told,
            ),
        ),
        render.Block("table", tables.family_table(family.reset_index(), p_holm, labels)),
    ]


def _changes_text(means: pd.DataFrame, labels: Labels) -> str:
    """What the design comparison shows, and where a design alone shows nothing."""
    text = labels.say(
        "Change against single, paired by replication. The reform's stages switch several levers at "
        "once (one window; bundled; the full standard); a design named after one lever switches that "
        "lever alone, which misleads where levers interact: the Shapley values share the whole "
        "reduction among the levers."
    )
    flat = [
        d
        for d, g in means.groupby("design", sort=False)
        if ((g["reduction_ci_low"] <= 0) & (g["reduction_ci_high"] >= 0)).all()
    ]
    if flat:
        text += labels.say(
            " No measurable change from {designs}: alone, such a design meets nothing it can act on (a "
            "merged checklist with no one window to take it, results by post that no one waits for); its "
            "effect shows with the others, in the Shapley values' range.",
            designs=labels.say(", ").join(labels.design(d) for d in flat),
        )
    return text


def _need_blocks(chosen: Selection, sweep: Path, labels: Labels) -> list[render.Block]:
    """Where the scenario mixes needs (bundles), each need's own changes with their intervals."""
    columns = ["design", "seed", "replication", "need", "arrival", "finished", *tables.NEED_MEASURES]
    cases = chosen.read("cases", columns)
    cases = cases[(cases["arrival"] >= chosen.conf.scenario.warmup) & cases["finished"]]
    if cases["need"].nunique() < 2:
        return []
    found = tables.per_need(cases)
    write_csv(found, sweep / OUT / "per_need.csv")
    out = [
        render.Block("h2", labels.say("Each need")),
        render.Block(
            "p",
            labels.say(
                "Each need (a bundle, or a single item) on its own: its applicants' mean under single and "
                "each design's change against it, paired by replication, with its 95 % interval over the "
                "{n} replications (the needs with most applicants first; all of it in "
                "collected/per_need.csv). A need with few applicants has a wide interval: its change "
                "is measured on them alone.",
                n=int(found["n"].max()),
            ),
        ),
    ]
    for metric, measure in tables.NEED_MEASURES.items():
        heading = (
            labels.say("Lead time (working days)") if measure == "time" else labels.of("measures", measure)
        )
        out += [
            render.Block("h3", heading),
            render.Block("table", labels.frame(tables.per_need_table(found, metric, labels))),
        ]
    return out
