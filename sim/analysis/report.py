"""A study's report: headline table, lever attribution, staffing, figures, and how to
regenerate every number, from a multirun folder.

    python -m sim.analysis.report results/reform_study

writes ``report.md`` and ``report.html`` (with ``figures/``) into the folder.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pandas as pd
from omegaconf import OmegaConf

from sim.analysis import charts, render, searches, shapley, tables
from sim.analysis.collect import Collected, collect, write
from sim.analysis.compare import HEADLINE, paired
from sim.analysis.tables import PAIR_ON
from sim.domain.design import PRESETS
from sim.experiment.config import SimConfig, load, register
from sim.experiment.output import DONE

ATTRIBUTION = "attribution"  # a study's attribution sweep, in its own folder inside the study's


def job_config(job: Path) -> SimConfig:
    """The exact configuration a job ran, from its ``.hydra/config.yaml``."""
    register()
    schema = OmegaConf.structured(SimConfig)
    return load(OmegaConf.merge(schema, OmegaConf.load(job / ".hydra" / "config.yaml")))


def reproduce_command(sweep: Path) -> str:
    manifest = OmegaConf.load(sweep / "multirun.yaml")
    hydra_overrides = [o for o in manifest.hydra.overrides.hydra if not o.startswith("hydra.mode=")]
    args = " ".join([*manifest.hydra.overrides.task, *hydra_overrides])
    return f"python -m sim --multirun {args}\npython -m sim.analysis.report {sweep}"


def build(sweep: str | Path) -> Path:
    """The report of a study's sweep (with its attribution sweep in ``attribution/`` when there
    is one), or of an attribution or staffing search sweep on its own."""
    sweep = Path(sweep)
    collected = collect(sweep)
    orderings = shapley.read(sweep)
    attribution_sweep = sweep
    if orderings.empty and (sweep / ATTRIBUTION).is_dir():
        attribution_sweep = sweep / ATTRIBUTION
        orderings = shapley.read(attribution_sweep)
    figures = sweep / "figures"
    found = searches.read(sweep)
    if collected.runs.empty:
        if orderings.empty and not found:
            raise SystemExit(f"no complete runs in {sweep}")
        # An attribution or a staffing search sweep on its own: its section, and how to rerun it.
        blocks = [] if orderings.empty else shapley.blocks(orderings, figures, reproduce_command(sweep))
        if found:
            blocks += searches.blocks(found, figures)
            blocks += [
                render.Block("h2", "Regenerate every number"),
                render.Block("code", reproduce_command(sweep)),
            ]
    else:
        write(collected, sweep)
        blocks = _blocks(collected, sweep, figures)
        if not orderings.empty:
            at = next(
                i for i, b in enumerate(blocks) if b.kind == "h2" and str(b.content).startswith("Trips and")
            )
            blocks[at:at] = shapley.blocks(orderings, figures, reproduce_command(attribution_sweep))
    (sweep / "report.md").write_text(render.markdown(blocks, sweep))
    (sweep / "report.html").write_text(render.html_page(blocks, sweep))
    return sweep / "report.md"


def _blocks(collected: Collected, sweep: Path, figures: Path) -> list[render.Block]:
    runs, reps = collected.runs, collected.replications
    sensitivity = {}
    if "sensitivity" in runs.columns and runs["sensitivity"].nunique() > 1:
        reformed = [d for d in charts.presets_first(runs["design"]) if d != "single"]
        sensitivity = {design: tables.sensitivity(reps, design) for design in reformed}
        runs, reps = runs[runs["sensitivity"] == "base"], reps[reps["sensitivity"] == "base"]
    scale = tables.base_scale(runs)
    at_base = runs[runs["staffing_scale"] == scale]
    configs = tables.pooled(reps)  # one row per design and staffing scale, seeds pooled
    configs_base = configs[configs["staffing_scale"] == scale]
    base_job = collected.jobs[at_base["run"].iloc[0]]
    conf = job_config(base_job)
    limit = tables.statutory_limit(conf)
    palette = charts.colours(list(runs["design"].unique()))
    reps_base = reps[reps["staffing_scale"] == scale]
    designs = list(dict.fromkeys(at_base["design"]))
    out: list[render.Block] = [
        render.Block(
            "p",
            f"Scenario **{conf.scenario.name}**; staffing x{scale:g} is the base; "
            f"{int(configs['n'].max())} replications per configuration; intervals are 95 % t "
            "intervals across replications; lead time runs from first contact to the last result in "
            "hand, in working days of the windows' calendar (calendar days when the office never closes).",
        ),
    ]

    def fig(name: str, figure) -> render.Block:
        charts.save(figure, figures, name)
        return render.Block("figure", f"figures/{name}.png")

    if "single" in designs:
        single = reps_base[reps_base["design"] == "single"]
        attribution = []
        for design in designs:
            if design == "single":
                continue
            table = paired(single, reps_base[reps_base["design"] == design], HEADLINE, on=PAIR_ON)
            attribution.append(table.assign(design=design))
        attribution = pd.concat(attribution, ignore_index=True) if attribution else pd.DataFrame()
        if "bundled" in designs:
            headline = attribution[attribution["design"] == "bundled"]
            out += [
                render.Block("h2", "Headline: bundled against single"),
                render.Block("table", tables.headline_table(headline)),
                render.Block(
                    "p",
                    "Paired on common random numbers: replication r of both designs serves the same "
                    "applicants with the same work. The last column is how many times smaller the "
                    "variance of the difference is than with independent seeds.",
                ),
                fig(
                    "headline",
                    charts.reductions(headline, "Bundled against single-item processing", palette["bundled"]),
                ),
                *_published_blocks(conf, attribution, _promises(collected, at_base)),
            ]
        if len(attribution):
            out += [
                render.Block("h2", "Each design against single"),
                render.Block(
                    "p",
                    "Reduction against single, paired by replication. The reform's stages switch several "
                    "levers at once (one window; bundled; the full standard); a design named after one "
                    "lever switches that lever alone, which misleads where levers interact: the Shapley "
                    "values below share the whole reduction among the levers.",
                ),
                render.Block("table", tables.attribution_table(attribution)),
                fig("lever_attribution", charts.lever_attribution(attribution, palette)),
            ]
    out += [
        render.Block("h2", "Trips and documents per applicant"),
        fig("trips_documents", charts.trips_and_documents(configs_base, palette)),
    ]
    if configs["staffing_scale"].nunique() > 1:
        presets = configs[configs["design"].isin(list(PRESETS))]
        shown = presets if not presets.empty else configs
        out += [
            render.Block("h2", "Staffing"),
            render.Block("table", tables.staffing_table(configs)),
            fig("lead_time_vs_staffing", charts.lead_time_vs_staffing(shown, limit, palette)),
            fig("utilisation", charts.utilisation_vs_staffing(shown)),
        ]
    if sensitivity:
        out += [
            render.Block("h2", "Sensitivity to the estimates"),
            render.Block(
                "p",
                "Each estimate multiplied low and high (configs/sensitivity/), the others as configured; "
                "reduction of each reformed design against single, paired by replication. An estimate "
                "that only a lever of the full standard uses (the one-time notice's factor, the one "
                "form's share, false commitments) moves only the full standard.",
            ),
        ]
        for design, (table, base) in sensitivity.items():
            out += [
                render.Block("table", tables.sensitivity_table(table, base).rename(columns={"case": design})),
                fig(
                    "tornado" if design == "bundled" else f"tornado_{design}",
                    charts.tornado(table, base, design),
                ),
            ]
    if conf.targets.any:
        out += [
            render.Block("h2", "Against the targets"),
            render.Block(
                "p",
                "Each configuration judged by the conservative end of each measure's 95 % interval, as "
                "the staffing search judges (a case still open at the end counts as late).",
            ),
            render.Block("table", tables.targets_table(reps, conf.targets)),
        ]
    decisions = _read_base(collected, at_base, "decisions", None)
    out += [
        render.Block("h2", "Statutory and committed limits"),
        render.Block(
            "p",
            "Share of item decisions within the item's statutory limit (法定时限) and within its "
            "committed limit (承诺时限), counted in working days from when the item could start "
            "(accepted, and its prerequisites' outputs available) to its decision, at the base "
            "staffing (all replications).",
        ),
        render.Block("table", tables.compliance_table(decisions, conf.scenario.warmup)),
    ]
    cases = _read_base(
        collected, at_base, "cases", ["design", "need", "arrival", "lead_time_working_days", "finished"]
    )
    cases = cases[(cases["arrival"] >= conf.scenario.warmup) & cases["finished"]]
    promised = _promises(collected, at_base)
    out += [
        render.Block("h2", "Where the lead time goes"),
        render.Block(
            "p",
            "Each case's lead time split into its parts along the path that finished last (the "
            "item whose result came last, through the items it waited for), so the parts add up to "
            "the lead time; mean calendar days with 95 % intervals, at the base staffing. The "
            "applicant's own time (fixing a rejected dossier, coming when the windows open, coming "
            "for a result) and delivery are parts no staffing removes.",
        ),
        render.Block("table", tables.breakdown_table(configs_base)),
        fig("lead_time_breakdown", charts.lead_time_breakdown(configs_base)),
        render.Block("h2", "Promised against lived time"),
        render.Block(
            "p",
            "What the office promises (the limits it works to: each item's one after another when "
            "items wait for each other, the longest chain of prerequisites in parallel, a bundle's own "
            "committed limit when it has one) beside what applicants live, both in working days. A "
            "promise runs from acceptance; lived time also holds the trips, queues and fixes before "
            "it and the delivery after. Published reductions of 办理时限 are reductions of promises.",
        ),
        render.Block("table", tables.promise_table(cases, promised)),
    ]
    out += _request_blocks(collected, conf, fig)
    out += [
        render.Block("h2", "Lead-time distribution"),
        fig("lead_time_ecdf", charts.lead_time_ecdf(cases, palette, limit)),
    ]
    out += [
        render.Block("h2", "Scenario and staffing used"),
        render.Block(
            "p",
            "Headcount of each staff pool the scenario uses, at each staffing level (every pool "
            "times the level, rounded half up, at least one: a small pool moves in whole people).",
        ),
        render.Block("table", tables.staff_table(_configs_by_scale(collected, runs))),
        render.Block(
            "p",
            "The busiest pool of each configuration (the bottleneck), utilisation with its 95 % interval:",
        ),
        render.Block("table", tables.busiest_table(configs)),
        render.Block("table", tables.demand_table(conf)),
    ]
    also_varied = [
        k
        for k in collected.override_keys
        if k not in ("sensitivity", "seed") and k in runs and runs[k].nunique() > 1
    ]
    if also_varied:
        out += [
            render.Block("h2", "Note on this sweep"),
            render.Block(
                "p",
                f"The sweep also varies {', '.join(also_varied)}; this report pools those runs within each "
                "design and staffing level. Use `collected/runs.csv` to compare them.",
            ),
        ]
    if not collected.missing.empty:
        out += [render.Block("h2", "Missing or failed runs"), render.Block("table", collected.missing)]
    out += [
        render.Block("h2", "Regenerate every number"),
        render.Block("code", reproduce_command(sweep)),
        render.Block(
            "p",
            "Tidy tables: `collected/runs.csv` (a row per configuration), `collected/replications.csv` "
            "(a row per replication); each job folder keeps its `.hydra/` config and parquet tables.",
        ),
    ]
    return out


def _configs_by_scale(collected: Collected, runs: pd.DataFrame) -> dict[float, SimConfig]:
    """The configuration of one job at each staffing level of the sweep."""
    first = runs.drop_duplicates("staffing_scale")
    return {float(r.staffing_scale): job_config(collected.jobs[r.run]) for r in first.itertuples()}


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


def _published_blocks(conf: SimConfig, attribution: pd.DataFrame, promised: dict) -> list[render.Block]:
    """The source's reported reductions beside each reform stage's against single, with the gap;
    time both as lived (simulated lead time) and as promised (the limits' critical path,
    weighted by demand)."""
    published = conf.published
    if published is None:
        return []
    stages = [d for d in PRESETS if d != "single" and d in set(attribution["design"])]
    rows = {}
    for design in stages:
        promise = tables.promise_reduction(conf.scenario.demand, promised.get("single"), promised.get(design))
        if promise is not None and published.time is not None:
            row = rows.setdefault("time, promised", {"reported": published.time})
            row[design] = (f"{-100 * promise:+.1f} % (a rule: no interval)", promise)
        for r in attribution[attribution["design"] == design].itertuples():
            name = charts.HEADLINE_NAMES[r.metric]
            reported = getattr(published, name, None)
            if reported is not None:
                row = rows.setdefault("time, lived" if name == "time" else name, {"reported": reported})
                row[design] = (tables.change(r), r.reduction)
    table = []
    for metric, row in rows.items():
        reported = row.pop("reported")
        line = {"metric": metric, "reported": f"{-100 * reported:+.0f} %"}
        for design, (model, reduction) in row.items():
            line[design] = model
            line[f"{design}: gap"] = f"{100 * (reduction - reported):+.1f} points"
        table.append(line)
    return [
        render.Block("h2", "Beside the published figures"),
        render.Block(
            "p",
            f"Reported: {published.source}. The model is not tuned to these numbers; the gap is the finding. "
            "Each stage of the reform against single, with its 95 % interval. Time is given twice: as "
            "lived (the simulated lead time) and as promised (each need's promised working days against "
            "single's, weighted by its demand), because a published time reduction may be either; the "
            "source says 办理时间 without saying which.",
        ),
        render.Block("table", pd.DataFrame(table)),
    ]


def _request_blocks(collected: Collected, conf: SimConfig, fig) -> list[render.Block]:
    """Requests through the tiers per configuration of the sweep, beside the published counts."""
    reps = collected.replications
    if "request_days_mean" not in reps:
        return []
    varied = [
        k
        for k in ("design", "staffing_scale", *collected.override_keys)
        if k in reps and k != "seed" and reps[k].nunique() > 1
    ]
    table = tables.pooled(reps.assign(all="all runs"), by=tuple(varied) or ("all",))
    names = {k: k.removeprefix("scenario.requests.").removeprefix("scenario.") for k in varied}
    table["configuration"] = [
        ", ".join(f"{names[k]}={row[k]}" for k in varied) or "all runs" for _, row in table.iterrows()
    ]
    published = conf.published
    out = [
        render.Block("h2", "Requests through the tiers"),
        render.Block(
            "p",
            "Per configuration, over requests arriving after the warm-up: requests per run, the share "
            "closed by the horizon, working days to close (mean with 95 % CI, and P90), the tier each "
            "reached, the share with a department part past its supervision deadline, the share of firms "
            "satisfied (an explicit assumption of the scenario, not data), and utilisation of the "
            "specialists, the coordinators and the meeting's seats.",
        ),
        render.Block("table", tables.requests_table(table, published)),
        fig("request_close_by_class", charts.request_close_by_class(table)),
    ]
    overdue = [
        c for c in table.columns if c.startswith("overdue_parts:") and not c.endswith(("ci_low", "ci_high"))
    ]
    if overdue and (table[overdue] > 0).any(axis=None):
        counts = table.set_index("configuration")[overdue].rename(columns=lambda c: c.split(":", 1)[1])
        out += [
            render.Block(
                "p", "Department parts past their supervision deadline, per run (mean over replications):"
            ),
            render.Block("table", counts.round(1).reset_index()),
        ]
    if published is not None and published.requests is not None:
        out.append(
            render.Block(
                "p",
                f"Reported: {published.source}. The scenario's request rates are set from the reported "
                "count over the reporting window; closure and satisfaction are outputs, not tuned.",
            )
        )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sim.analysis.report", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("sweep", type=Path, help="a multirun folder (hydra.sweep.dir)")
    args = parser.parse_args(argv)
    if not (args.sweep / "multirun.yaml").exists():
        parser.error(f"{args.sweep} is not a multirun folder (no multirun.yaml)")
    path = build(args.sweep)
    print(f"report: {path.resolve()}", file=sys.stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
