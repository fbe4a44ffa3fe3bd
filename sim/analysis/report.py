"""A study's report: headline table, lever attribution, staffing, figures, and how to
regenerate every number, from a multirun folder.

    python -m sim.analysis.report results/reform_study/restaurant

writes ``report.md`` and ``report.html`` (with ``figures/``) into the folder; with ``--lang zh``,
``report.zh.md`` and ``report.zh.html`` (with ``figures.zh/``) beside them, all in Chinese.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

from omegaconf import DictConfig, OmegaConf

from sim.analysis import (
    applicants,
    charts,
    comparisons,
    methods,
    phrases,
    render,
    searches,
    sections,
    shapley,
    staffing_charts,
    study_runs,
    tables,
    uncertainty,
    uncertainty_section,
)
from sim.analysis.collect import collect, write
from sim.analysis.labels import LANGUAGES, Labels
from sim.domain.design import PRESETS
from sim.domain.errors import refusing
from sim.experiment.safety import read_config

ATTRIBUTION = "attribution"  # a study's attribution sweep, in its own folder inside the study's
FIGURES = {"en": "figures", "zh": "figures.zh"}  # each language's figures, so neither overwrites the other


def reproduce_command(sweep: Path) -> str:
    manifest = read_config(sweep / "multirun.yaml")
    given = OmegaConf.to_container(manifest.hydra.overrides, resolve=False)  # the command line, as text
    hydra_overrides = [o for o in given["hydra"] if not o.startswith("hydra.mode=")]
    folders = [f"--config-dir {shlex.quote(str(folder))}" for folder in _config_dirs_in(manifest)]
    args = " ".join([*folders, *(shlex.quote(o) for o in [*given["task"], *hydra_overrides])])
    return f"python -m sim --multirun {args}\npython -m sim.analysis.report {shlex.quote(str(sweep))}"


def config_dirs(sweep: Path) -> tuple[Path, ...]:
    """The planner's config folders the sweep ran with (``--config-dir``), from its manifest."""
    return _config_dirs_in(read_config(sweep / "multirun.yaml"))


def _config_dirs_in(manifest: DictConfig) -> tuple[Path, ...]:
    """The command line's config folders in a read manifest: a district sweep's manifest holds
    the whole catalogue, a fifth of a second to read again."""
    sources = OmegaConf.to_container(manifest.hydra.runtime.config_sources, resolve=False)
    return tuple(Path(s["path"]) for s in sources if s["provider"] == "command-line")


def build(sweep: str | Path, lang: str = "en") -> Path:
    """The report of a study's sweep (with its attribution sweep in ``attribution/`` and its
    uncertainty sweep in ``uncertainty/`` when it has them), or of an attribution, uncertainty or
    staffing search sweep on its own, in ``lang`` (``en`` or ``zh``)."""
    sweep = Path(sweep)
    folders = config_dirs(sweep)
    labels = Labels(lang, folders)
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
            blocks += uncertainty_section.blocks(studies, figures, reproduce_command, labels)
        if found:
            blocks += searches.blocks(found, figures, labels)
            blocks += [
                render.Block("h2", labels.say("Regenerate every number")),
                render.Block("code", reproduce_command(sweep)),
            ]
    else:
        write(collected, sweep)
        conf = study_runs.job_config(collected.jobs[collected.runs["run"].iloc[0]])
        if sweep.name == conf.scenario.name:  # a preset's folder: results/<study>/<scenario>
            title = _study(sweep.parent.name, labels)
        title = labels.say(
            "{study}: {scenario}", study=title, scenario=labels.of("scenarios", conf.scenario.name)
        )
        blocks = sections.office_today(folders, conf.scenario.name, labels) + _blocks(
            study_runs.select(collected), sweep, figures, labels
        )
        journey = labels.say(sections.JOURNEY)
        at = next(i for i, b in enumerate(blocks) if b.kind == "h2" and b.content == journey)
        if studies:
            blocks[at:at] = uncertainty_section.blocks(studies, figures, reproduce_command, labels)
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
            blocks[k] = render.Block(
                "summary", str(block.content) + uncertainty_section.sentence(band, lead, labels)
            )


def _study(name: str, labels: Labels) -> str:
    """A study's title: its label, or its folder's name as a heading."""
    return labels.of("studies", name) if labels.has("studies", name) else name.replace("_", " ").capitalize()


def _blocks(chosen: study_runs.Selection, sweep: Path, figures: Path, labels: Labels) -> list[render.Block]:
    conf, configs, designs = chosen.conf, chosen.configs, chosen.designs
    palette = charts.colours(list(chosen.runs["design"].unique()))

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
            scale=f"{chosen.scale:g}",
            n=chosen.n,
            held=chosen.held,
        ),
    )
    if "single" in designs and len(designs) > 1:
        out = comparisons.blocks(chosen, method, sweep, palette, labels, fig)
    else:
        out = [method]
    out += sections.inert_blocks(chosen, labels)
    out += sections.journey_blocks(chosen, palette, labels, fig)
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
                "lead_time_vs_staffing",
                staffing_charts.lead_time_vs_headcount(shown, tables.statutory_limit(conf), palette, labels),
            ),
            fig(
                "utilisation",
                staffing_charts.utilisation_heatmap(shown, labels),
                labels.say("Read across a row: the staffing level at which a pool drops below 85 %."),
            ),
        ]
    if chosen.sensitivity:
        out += sections.sensitivity_blocks(chosen.sensitivity, labels, fig)
    out += sections.provenance_blocks(conf.scenario, chosen.sensitivity, labels)
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
            render.Block("table", labels.frame(tables.targets_table(chosen.reps, conf.targets, labels))),
        ]
    out += applicants.blocks(chosen, palette, labels, fig)
    out += sections.request_blocks(chosen.collected, conf, fig, labels)
    out += [
        render.Block("h2", labels.say("Scenario and staffing used")),
        render.Block(
            "p",
            labels.say(
                "Headcount of each staff pool the scenario uses, at each staffing level (every pool "
                "times the level, rounded half up, at least one: a small pool moves in whole people)."
            ),
        ),
        render.Block("table", labels.frame(tables.staff_table(chosen.by_scale, labels))),
        render.Block(
            "p",
            labels.say(
                "The busiest pool of each configuration (the bottleneck), utilisation with its 95 % interval:"
            ),
        ),
        render.Block("table", labels.frame(tables.busiest_table(configs))),
        *sections.background_blocks(chosen, labels),
        render.Block(
            "p", labels.say("Demand: applicants of each need per open hour, and the items each need holds.")
        ),
        render.Block("table", labels.frame(tables.demand_table(conf, labels))),
    ]
    first = chosen.summaries()[designs[0]]
    out += methods.blocks(conf, designs, chosen.n, first.get("environment"), labels)
    if not chosen.collected.missing.empty:
        out += [
            render.Block("h2", labels.say("Missing or failed runs")),
            render.Block("table", labels.frame(chosen.collected.missing)),
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
