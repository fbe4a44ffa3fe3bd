"""A study's report: headline table, lever attribution, staffing, figures, and how to
regenerate every number, from a multirun folder.

    python -m sim.analysis.report results/reform_study/restaurant

writes ``report.md`` and ``report.html`` (with ``figures/``) into the folder; with ``--lang zh``,
``report.zh.md`` and ``report.zh.html`` (with ``figures.zh/``) beside them, all in Chinese.
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
from pathlib import Path

import pandas as pd
from omegaconf import OmegaConf

from sim.analysis import (
    charts,
    headline,
    methods,
    phrases,
    render,
    searches,
    sections,
    shapley,
    staffing_charts,
    tables,
    uncertainty,
    warmup,
)
from sim.analysis.collect import OUT, Collected, collect, write
from sim.analysis.compare import HEADLINE, holm
from sim.analysis.labels import LANGUAGES, Labels
from sim.calibrate.validation import verdict
from sim.domain.design import PRESETS
from sim.domain.errors import refusing
from sim.domain.loads import headcount, used_pools
from sim.domain.untrusted import write_csv
from sim.experiment.config import SimConfig
from sim.experiment.output import DONE
from sim.experiment.safety import read_config
from sim.experiment.stats import CONFIDENCE

ATTRIBUTION = "attribution"  # a study's attribution sweep, in its own folder inside the study's
FIGURES = {"en": "figures", "zh": "figures.zh"}  # each language's figures, so neither overwrites the other


def reproduce_command(sweep: Path) -> str:
    manifest = read_config(sweep / "multirun.yaml")
    given = OmegaConf.to_container(manifest.hydra.overrides, resolve=False)  # the command line, as text
    hydra_overrides = [o for o in given["hydra"] if not o.startswith("hydra.mode=")]
    folders = [f"--config-dir {shlex.quote(str(folder))}" for folder in config_dirs(sweep)]
    args = " ".join([*folders, *(shlex.quote(o) for o in [*given["task"], *hydra_overrides])])
    return f"python -m sim --multirun {args}\npython -m sim.analysis.report {shlex.quote(str(sweep))}"


def config_dirs(sweep: Path) -> tuple[Path, ...]:
    """The planner's config folders the sweep ran with (``--config-dir``), from its manifest."""
    manifest = read_config(sweep / "multirun.yaml")
    sources = OmegaConf.to_container(manifest.hydra.runtime.config_sources, resolve=False)
    return tuple(Path(s["path"]) for s in sources if s["provider"] == "command-line")


def build(sweep: str | Path, lang: str = "en") -> Path:
    """The report of a study's sweep (with its attribution sweep in ``attribution/`` and its
    uncertainty sweep in ``uncertainty/`` when it has them), or of an attribution, uncertainty or
    staffing search sweep on its own, in ``lang`` (``en`` or ``zh``)."""
    sweep = Path(sweep)
    labels = Labels(lang, config_dirs(sweep))
    collected = collect(sweep)
    orderings = shapley.read(sweep)
    attribution_sweep = sweep
    if orderings.empty and (sweep / ATTRIBUTION).is_dir():
        attribution_sweep = sweep / ATTRIBUTION
        orderings = shapley.read(attribution_sweep)
    studies = uncertainty.read(sweep)
    if not studies and (sweep / uncertainty.FOLDER).is_dir():
        studies = uncertainty.read(sweep / uncertainty.FOLDER)
    figures = sweep / FIGURES[lang]
    found = searches.read(sweep)
    title = _study(sweep.name, labels)
    if collected.runs.empty:
        if orderings.empty and not found and not studies:
            raise SystemExit(f"no complete runs in {sweep}")
        # An attribution, uncertainty or staffing search sweep on its own: its section, and how
        # to rerun it.
        blocks = (
            [] if orderings.empty else shapley.blocks(orderings, figures, reproduce_command(sweep), labels)
        )
        if studies:
            blocks += uncertainty.blocks(studies, figures, reproduce_command, labels)
        if found:
            blocks += searches.blocks(found, figures, labels)
            blocks += [
                render.Block("h2", labels.say("Regenerate every number")),
                render.Block("code", reproduce_command(sweep)),
            ]
    else:
        write(collected, sweep)
        conf = sections.job_config(collected.jobs[collected.runs["run"].iloc[0]])
        if sweep.name == conf.scenario.name:  # a preset's folder: results/<study>/<scenario>
            title = _study(sweep.parent.name, labels)
        title = labels.say(
            "{study}: {scenario}", study=title, scenario=labels.of("scenarios", conf.scenario.name)
        )
        blocks = _office_today(config_dirs(sweep), conf.scenario.name, labels) + _blocks(
            collected, sweep, figures, labels
        )
        journey = labels.say(sections.JOURNEY)
        at = next(i for i, b in enumerate(blocks) if b.kind == "h2" and b.content == journey)
        if studies:
            blocks[at:at] = uncertainty.blocks(studies, figures, reproduce_command, labels)
            _with_band(blocks, studies, labels)
        if not orderings.empty:
            blocks[at:at] = shapley.blocks(orderings, figures, reproduce_command(attribution_sweep), labels)
    name = "report" if lang == "en" else f"report.{lang}"
    (sweep / f"{name}.md").write_text(render.markdown(blocks, title, lang=lang))
    (sweep / f"{name}.html").write_text(render.html_page(blocks, title, sweep, lang=lang))
    return sweep / f"{name}.md"


def _with_band(blocks: list[render.Block], studies: dict, labels: Labels) -> None:
    """The summary with the headline design's band over the estimates' ranges beside its noise."""
    band = uncertainty.headline_band(studies)
    designs = set(band["design"])
    lead = "bundled" if "bundled" in designs else next((d for d in PRESETS if d in designs), None)
    for k, block in enumerate(blocks):
        if block.kind == "summary" and lead is not None:
            blocks[k] = render.Block("summary", str(block.content) + uncertainty.sentence(band, lead, labels))


def _study(name: str, labels: Labels) -> str:
    """A study's title: its label, or its folder's name as a heading."""
    return labels.of("studies", name) if labels.has("studies", name) else name.replace("_", " ").capitalize()


def _office_today(folders: tuple[Path, ...], scenario: str, labels: Labels) -> list[render.Block]:
    """The office as it works today, its calibrated model beside its own log (the calibration's
    validation, in the folder it wrote the scenario to), before any stage of the reform."""
    for folder in folders:
        path = folder / "validation.csv"
        if (folder / "scenario" / f"{scenario}.yaml").is_file() and path.is_file():
            table = pd.read_csv(path, dtype=str, keep_default_na=False)
            model = "model (mean, 95 % CI, n="  # a header with the replications' count in it
            table.columns = [
                labels.say(model + "{n})", n=c.removeprefix(model)[:-1]) if c.startswith(model) else c
                for c in table.columns
            ]
            return [
                render.Block("h2", labels.say("The office today")),
                render.Block(
                    "p",
                    labels.say(
                        "The calibrated scenario beside the office's own log (`{folder}/calibration.md` has "
                        "the whole calibration). {verdict} The stages below change this model, not the "
                        "office: read them as far as this table allows.",
                        folder=folder.name,
                        verdict=verdict(table, labels.say),
                    ),
                ),
                render.Block("table", labels.frame(table)),
            ]
    return []


def _inert_blocks(collected: Collected, at_base: pd.DataFrame, labels: Labels) -> list[render.Block]:
    """The levers each design switches on that find nothing to act on here, and why (from each
    job's summary): a design's "no change" is then read as what it is."""
    rows = []
    for run, design in zip(at_base["run"], at_base["design"], strict=True):
        summary = json.loads((collected.jobs[run] / DONE).read_text())
        rows += [
            {"design": design, "lever": lever, "why it changes nothing here": labels.say(why)}
            for lever, why in summary.get("inert", {}).items()
        ]
    if not rows:
        return []
    table = pd.DataFrame(rows).drop_duplicates()
    return [
        render.Block("h2", labels.say("What was inert")),
        render.Block(
            "p",
            labels.say(
                "Levers a design switches on that find nothing to act on in this office, with why: their "
                "share of any change is none by construction, not a finding. Give the office what they act "
                "on (an item list with documents and limits, a mapping of the log's activities to roles) to "
                "see what they would do."
            ),
        ),
        render.Block("table", labels.frame(table)),
    ]


def _blocks(collected: Collected, sweep: Path, figures: Path, labels: Labels) -> list[render.Block]:
    runs, reps = collected.runs, collected.replications
    sensitivity = {}
    if "sensitivity" in runs.columns and runs["sensitivity"].nunique() > 1:
        reformed = [d for d in charts.presets_first(runs["design"]) if d != "single"]
        sensitivity = {design: tables.sensitivity(reps, design) for design in reformed}
        runs, reps = runs[runs["sensitivity"] == "base"], reps[reps["sensitivity"] == "base"]
    runs, reps, held = _one_configuration(collected, runs, reps)
    scale = tables.base_scale(runs)
    at_base = runs[runs["staffing_scale"] == scale]
    by_scale = _configs_by_scale(collected, runs)
    configs = _with_headcount(tables.pooled(reps), by_scale)  # a row per design and staffing, seeds pooled
    configs = _used_pools_only(configs, by_scale[scale])
    stage = {d: k for k, d in enumerate(charts.presets_first(configs["design"]))}
    configs = configs.sort_values(
        ["design", "staffing_scale"], key=lambda c: c.map(stage) if c.name == "design" else c
    )
    configs_base = configs[configs["staffing_scale"] == scale]
    conf = by_scale[scale]
    limit = tables.statutory_limit(conf)
    palette = charts.colours(list(runs["design"].unique()))
    reps_base = reps[reps["staffing_scale"] == scale]
    designs = charts.presets_first(at_base["design"])
    out: list[render.Block] = []

    def fig(name: str, figure, caption: str = "") -> render.Block:
        charts.save(figure, figures, name)
        return render.Block("figure", f"{figures.name}/{name}.png", caption)

    method = render.Block(
        "p",
        labels.say(
            "Staffing ×{scale} is the base; {n} replications per configuration{held}; intervals are 95 % t "
            "intervals across replications (Wilson score intervals for shares); lead time runs from first "
            "contact to the last result in hand, in working days of the windows' calendar (calendar days "
            "when the office never closes). P50 and P90: the median and the 90th percentile of applicants' "
            "lead times in a replication, averaged over replications.",
            scale=f"{scale:g}",
            n=int(configs["n"].max()),
            held=held,
        ),
    )
    promised = _promises(collected, at_base)
    if "single" in designs and len(designs) > 1:
        compared = headline.comparisons(reps_base, designs)
        lead = "bundled" if "bundled" in designs else designs[1]
        headcount = int(configs_base.loc[configs_base["design"] == lead, "headcount"].iloc[0])
        out += [
            render.Block("h2", labels.say("Summary")),
            render.Block("summary", headline.summary(compared, configs, scale, headcount, conf, labels)),
            method,
            render.Block(
                "h2",
                labels.say(
                    "Headline: {lead} against {single}",
                    lead=labels.design(lead),
                    single=labels.design("single"),
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
        ]
        table = headline.published(conf, compared, promised, labels)
        if table is not None:
            out += [
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
        means = compared[compared["metric"].isin(HEADLINE)]
        out += [
            render.Block("h2", labels.say("Each design against single")),
            render.Block("p", _changes_text(means, labels)),
            render.Block("table", tables.attribution_table(means, labels)),
            fig("lever_attribution", charts.design_changes(means, palette, labels)),
            *_family_blocks(reps_base, designs, means, labels),
            *_need_blocks(collected, at_base, conf.scenario.warmup, sweep, labels),
        ]
    else:
        out.append(method)
    out += _inert_blocks(collected, at_base, labels)
    out += sections.journey_blocks(collected, at_base, designs, conf, palette, labels, fig)
    if configs["staffing_scale"].nunique() > 1:
        presets = configs[configs["design"].isin(list(PRESETS))]
        shown = presets if not presets.empty else configs
        out += [
            render.Block("h2", labels.say("Staffing")),
            render.Block(
                "p",
                labels.say(
                    "Mean lead time (working days, 95 % CI) at each staffing level, every pool's headcount "
                    "times the level; the people counted are those of the pools the design gives work."
                ),
            ),
            render.Block("table", labels.frame(tables.staffing_table(configs, labels))),
            fig(
                "lead_time_vs_staffing", staffing_charts.lead_time_vs_headcount(shown, limit, palette, labels)
            ),
            fig(
                "utilisation",
                staffing_charts.utilisation_heatmap(shown, labels),
                labels.say("Read across a row: the staffing level at which a pool drops below 85 %."),
            ),
        ]
    if sensitivity:
        out += sections.sensitivity_blocks(sensitivity, labels, fig)
    out += sections.provenance_blocks(conf.scenario, sensitivity, labels)
    if conf.targets.any:
        out += [
            render.Block("h2", labels.say("Against the targets")),
            render.Block(
                "p",
                labels.say(
                    "Each configuration judged by the conservative end of each measure's 95 % interval, as "
                    "the staffing search judges (a case still open at the end counts as late)."
                ),
            ),
            render.Block("table", labels.frame(tables.targets_table(reps, conf.targets, labels))),
        ]
    decisions = _read_base(collected, at_base, "decisions", None)
    out += [
        render.Block("h2", labels.say("Statutory and committed limits")),
        render.Block(
            "p",
            labels.say(
                "Share of item decisions within the item's statutory limit (法定时限) and within its "
                "committed limit (承诺时限), counted in working days from when the item could start "
                "(accepted, and its prerequisites' outputs available) to its decision, at the base "
                "staffing (all replications); the items that miss either in more than one decision in a "
                "hundred are named. Offices report the statutory limit by the law's clock, which stops for "
                "expert review, testing, inspection and hearings (行政许可法 art. 45) and while the "
                "applicant gathers supplementary documents (补正): the steps a scenario marks "
                "`counted: false`."
            ),
        ),
        render.Block("table", labels.frame(tables.compliance_table(decisions, conf.scenario.warmup, labels))),
    ]
    cases = _read_base(
        collected,
        at_base,
        "cases",
        [
            "design",
            "need",
            "arrival",
            "lead_time_working_days",
            "finished",
            "documents",
            "distinct_documents",
        ],
    )
    cases = cases[(cases["arrival"] >= conf.scenario.warmup) & cases["finished"]]
    out += [
        render.Block("h2", labels.say("The checklist")),
        render.Block(
            "p",
            labels.say(
                "The distinct documents each need asks for (one document is one, wherever it is named: "
                "the length of its merged checklist) beside the documents an applicant hands over under "
                "each design, counting every copy and every return with a fixed dossier (mean per "
                "applicant, at the base staffing). The gap is what a merged checklist, data sharing and "
                "held documents can remove; applicants found by shared data hand over none."
            ),
        ),
        render.Block("table", labels.frame(tables.checklist_table(cases))),
        render.Block("h2", labels.say("Where the lead time goes")),
        render.Block(
            "p",
            labels.say(
                "Each case's lead time split into its parts along the path that finished last (the "
                "item whose result came last, through the items it waited for), so the parts add up to "
                "the lead time; mean calendar days with 95 % intervals, at the base staffing. The "
                "applicant's own time (fixing a rejected dossier, coming when the windows open, coming "
                "for a result) and delivery are parts no staffing removes."
            ),
        ),
        render.Block("table", labels.frame(tables.breakdown_table(configs_base))),
        fig("lead_time_breakdown", charts.lead_time_breakdown(configs_base, labels)),
        render.Block("h2", labels.say("Promised against lived time")),
        render.Block(
            "p",
            labels.say(
                "What the office promises (the limits it works to: each item's one after another when "
                "items wait for each other, the longest chain of prerequisites in parallel, a bundle's own "
                "committed limit when it has one) beside what applicants live, both in working days. A "
                "promise runs from acceptance; lived time also holds the trips, queues and fixes before "
                "it and the delivery after. Published reductions of 办理时限 are reductions of promises."
            ),
        ),
        render.Block("table", labels.frame(tables.promise_table(cases, promised))),
    ]
    out += sections.request_blocks(collected, conf, fig, labels)
    out += [
        render.Block("h2", labels.say("Lead-time distribution")),
        fig("lead_time_ecdf", charts.lead_time_ecdf(cases, palette, limit, labels)),
        *warmup.blocks(
            _read_base(
                collected,
                at_base,
                "cases",
                ["design", "replication", "arrival", "lead_time", "lead_time_working_days", "finished"],
            ),
            conf.scenario.warmup,
            fig,
            labels,
        ),
        render.Block("h2", labels.say("Scenario and staffing used")),
        render.Block(
            "p",
            labels.say(
                "Headcount of each staff pool the scenario uses, at each staffing level (every pool "
                "times the level, rounded half up, at least one: a small pool moves in whole people)."
            ),
        ),
        render.Block("table", labels.frame(tables.staff_table(by_scale, labels))),
        render.Block(
            "p",
            labels.say(
                "The busiest pool of each configuration (the bottleneck), utilisation with its 95 % interval:"
            ),
        ),
        render.Block("table", labels.frame(tables.busiest_table(configs))),
        *_background_blocks(collected, at_base, labels),
        render.Block(
            "p", labels.say("Demand: applicants of each need per open hour, and the items each need holds.")
        ),
        render.Block("table", labels.frame(tables.demand_table(conf, labels))),
    ]
    first = json.loads((collected.jobs[at_base["run"].iloc[0]] / DONE).read_text())
    out += methods.blocks(conf, designs, int(configs["n"].max()), first.get("environment"), labels)
    if not collected.missing.empty:
        out += [
            render.Block("h2", labels.say("Missing or failed runs")),
            render.Block("table", labels.frame(collected.missing)),
        ]
    out += [
        render.Block("h2", labels.say("Regenerate every number")),
        render.Block("code", reproduce_command(sweep)),
        render.Block(
            "p",
            labels.say(
                "Tidy tables with code names: `collected/runs.csv` (a row per configuration), "
                "`collected/replications.csv` (a row per replication); each job folder keeps its `.hydra/` "
                "config and parquet tables."
            ),
        ),
    ]
    return out


def _need_blocks(
    collected: Collected, at_base: pd.DataFrame, warmup: float, sweep: Path, labels: Labels
) -> list[render.Block]:
    """Where the scenario mixes needs (bundles), each need's own changes with their intervals."""
    columns = ["design", "seed", "replication", "need", "arrival", "finished", *tables.NEED_MEASURES]
    cases = _read_base(collected, at_base, "cases", columns)
    cases = cases[(cases["arrival"] >= warmup) & cases["finished"]]
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


def _background_blocks(collected: Collected, at_base: pd.DataFrame, labels: Labels) -> list[render.Block]:
    """Utilisation with and without the hours staff give to work the model does not follow."""
    resources = _read_base(
        collected, at_base, "resources", ["design", "resource", "utilisation", "background"]
    )
    if not (resources["background"] > 0).any():
        return [
            render.Block(
                "p", labels.say("No pool gives hours to other work: every utilisation is case work.")
            )
        ]
    return [
        render.Block(
            "p",
            labels.say(
                "Utilisation here and in the charts counts all work, including the share of every hour "
                "staff give to work the model does not follow as cases (background, set per pool); the "
                "pools that have some, at the base staffing, with and without it:"
            ),
        ),
        render.Block("table", labels.frame(tables.background_table(resources, labels))),
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


# Override keys the main sections compare, or that tell replications apart.
COMPARED = ("design", "staffing_scale", "staffing.scale", "seed", "replication", "sensitivity")


def _one_configuration(
    collected: Collected, runs: pd.DataFrame, reps: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """The runs and replications of one configuration of every other swept setting (its first
    value; each has its own section, such as the tiers' table): replications of different
    configurations are not replications of one, and pooling them would narrow every interval."""
    held = {}
    for key in collected.override_keys:
        if key not in COMPARED and key in runs.columns and runs[key].nunique() > 1:
            held[key] = runs[key].iloc[0]
            runs, reps = runs[runs[key] == held[key]], reps[reps[key] == held[key]]
    said = ", ".join(f"{k}={v}" for k, v in held.items())
    return (
        runs,
        reps,
        f" (at {said}; runs at the other values swept are in `collected/runs.csv`)" if held else "",
    )


def _used_pools_only(configs: pd.DataFrame, conf: SimConfig) -> pd.DataFrame:
    """``configs`` without the utilisation of staff pools no item of the scenario gives work (a
    catalogue's other departments, busy only with their background work): neither listed nor
    charted."""
    used = set(used_pools(conf.scenario))
    unused = [
        c
        for c in configs.columns
        if c.startswith("utilisation:") and "." in (pool := c.split(":")[1]) and pool not in used
    ]
    return configs.drop(columns=unused)


def _with_headcount(configs: pd.DataFrame, by_scale: dict[float, SimConfig]) -> pd.DataFrame:
    """``configs`` with ``headcount``: the staff of the pools the design gives work, at its level."""
    counts = []
    for row in configs.to_dict("records"):
        scenario = by_scale[row["staffing_scale"]].scenario
        counts.append(
            sum(
                headcount(scenario, pool)
                for pool in used_pools(scenario)
                if row.get(f"utilisation:{pool}", 0) > 0
            )
        )
    return configs.assign(headcount=counts)


def _configs_by_scale(collected: Collected, runs: pd.DataFrame) -> dict[float, SimConfig]:
    """The configuration of one job at each staffing level of the sweep."""
    first = runs.drop_duplicates("staffing_scale")
    return {float(r.staffing_scale): sections.job_config(collected.jobs[r.run]) for r in first.itertuples()}


def _read_base(
    collected: Collected, at_base: pd.DataFrame, table: str, columns: list[str] | None
) -> pd.DataFrame:
    """One table of every run at the base staffing, stacked (``design`` as plain text)."""
    frames = [
        pd.read_parquet(collected.jobs[run] / f"{table}.parquet", columns=columns) for run in at_base["run"]
    ]
    stacked = pd.concat(frames, ignore_index=True)
    return stacked.assign(design=stacked["design"].astype(str))


def _promises(collected: Collected, at_base: pd.DataFrame) -> dict[str, dict[str, float | None]]:
    """Each design's promised working days per need, from its first job's summary."""
    return {
        r.design: json.loads((collected.jobs[r.run] / DONE).read_text()).get("promised_days", {})
        for r in at_base.drop_duplicates("design").itertuples()
    }


@refusing
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sim.analysis.report", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("sweep", type=Path, help="a multirun folder (hydra.sweep.dir)")
    parser.add_argument(
        "--lang",
        choices=LANGUAGES,
        default="en",
        help="the report's language: en writes report.md and report.html, zh writes report.zh.md and "
        "report.zh.html beside them (prose, tables, charts and labels in Chinese); default en",
    )
    parser.add_argument(
        "--width",
        choices=list(charts.WIDTHS),
        help="draw every figure one or two journal columns wide (3.5 or 7.16 in), its height in "
        "proportion; default: as each chart is drawn",
    )
    parser.add_argument(
        "--no-titles", action="store_true", help="leave the figures' titles out (a paper's caption says them)"
    )
    args = parser.parse_args(argv)
    if not (args.sweep / "multirun.yaml").exists():
        parser.error(f"{args.sweep} is not a multirun folder (no multirun.yaml)")
    with charts.style(args.width, titles=not args.no_titles):
        path = build(args.sweep, args.lang)
    if phrases.MISSING:
        print(
            f"warning: {len(phrases.MISSING)} phrase(s) have no Chinese yet (sim/analysis/phrases.py) "
            "and are shown in English: " + "; ".join(sorted(phrases.MISSING))[:2000],
            file=sys.stderr,
        )
    print(f"report: {path.resolve()}", file=sys.stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
