"""A study's report: headline table, lever attribution, staffing, figures, and how to
regenerate every number, from a multirun folder.

    python -m sim.analysis.report results/reform_study

writes ``report.md`` and ``report.html`` (with ``figures/``) into the folder.
"""

from __future__ import annotations

import argparse
import html
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd
from omegaconf import OmegaConf

from sim.analysis import charts
from sim.analysis.collect import Collected, collect, write
from sim.analysis.compare import HEADLINE, paired
from sim.experiment.config import SimConfig, load, register
from sim.experiment.stats import t_interval

PAIR_ON = ["seed", "replication"]


@dataclass(frozen=True)
class Block:
    kind: str  # "h2", "p", "table", "figure", "code"
    content: object


def job_config(job: Path) -> SimConfig:
    """The exact configuration a job ran, from its ``.hydra/config.yaml``."""
    register()
    schema = OmegaConf.structured(SimConfig)
    return load(OmegaConf.merge(schema, OmegaConf.load(job / ".hydra" / "config.yaml")))


def base_scale(runs: pd.DataFrame) -> float:
    """The staffing scale closest to the scenario's own staffing (1.0)."""
    scales = runs["staffing_scale"].unique()
    return float(min(scales, key=lambda s: abs(s - 1.0)))


def statutory_limit(conf: SimConfig) -> float | None:
    """The longest item limit (days) among items of needs with demand."""
    s = conf.scenario
    limits = [s.items[i].limit_days for need in s.demand for i in s.needs[need] if s.items[i].limit_days]
    return max(limits) if limits else None


def reproduce_command(sweep: Path) -> str:
    manifest = OmegaConf.load(sweep / "multirun.yaml")
    hydra_overrides = [o for o in manifest.hydra.overrides.hydra if not o.startswith("hydra.mode=")]
    args = " ".join([*manifest.hydra.overrides.task, *hydra_overrides])
    return f"python -m sim --multirun {args}\npython -m sim.analysis.report {sweep}"


def build(sweep: str | Path) -> Path:
    sweep = Path(sweep)
    collected = collect(sweep)
    if collected.runs.empty:
        raise SystemExit(f"no complete runs in {sweep}")
    write(collected, sweep)
    figures = sweep / "figures"
    blocks = _blocks(collected, sweep, figures)
    (sweep / "report.md").write_text(_markdown(blocks, sweep))
    (sweep / "report.html").write_text(_html(blocks, sweep))
    return sweep / "report.md"


def _blocks(collected: Collected, sweep: Path, figures: Path) -> list[Block]:
    runs, reps = collected.runs, collected.replications
    sensitivity = None
    if "sensitivity" in runs.columns and runs["sensitivity"].nunique() > 1:
        sensitivity = _sensitivity(reps)
        runs, reps = runs[runs["sensitivity"] == "base"], reps[reps["sensitivity"] == "base"]
    scale = base_scale(runs)
    at_base = runs[runs["staffing_scale"] == scale]
    configs = pooled(reps)  # one row per design and staffing scale, seeds pooled
    configs_base = configs[configs["staffing_scale"] == scale]
    base_job = collected.jobs[at_base["run"].iloc[0]]
    conf = job_config(base_job)
    limit = statutory_limit(conf)
    palette = charts.colours(list(runs["design_label"].unique()))
    reps_base = reps[reps["staffing_scale"] == scale]
    designs = list(dict.fromkeys(at_base["design_label"]))
    out: list[Block] = [
        Block(
            "p",
            f"Scenario **{conf.scenario.name}**; staffing x{scale:g} is the base; "
            f"{int(configs['n'].max())} replications per configuration; intervals are 95 % t "
            "intervals across replications; lead time runs from first contact to the last result in "
            "hand, in working days of the windows' calendar (calendar days when the office never closes).",
        ),
    ]

    def fig(name: str, figure) -> Block:
        charts.save(figure, figures, name)
        return Block("figure", f"figures/{name}.png")

    if "single" in designs:
        single = reps_base[reps_base["design_label"] == "single"]
        attribution = []
        for design in designs:
            if design == "single":
                continue
            table = paired(single, reps_base[reps_base["design_label"] == design], HEADLINE, on=PAIR_ON)
            attribution.append(table.assign(design_label=design))
        attribution = pd.concat(attribution, ignore_index=True) if attribution else pd.DataFrame()
        if "bundled" in designs:
            headline = attribution[attribution["design_label"] == "bundled"]
            out += [
                Block("h2", "Headline: bundled against single"),
                Block("table", _headline_table(headline)),
                Block(
                    "p",
                    "Paired on common random numbers: replication r of both designs serves the same "
                    "applicants with the same work. The last column is how many times smaller the "
                    "variance of the difference is than with independent seeds.",
                ),
                fig(
                    "headline",
                    charts.reductions(headline, "Bundled against single-item processing", palette["bundled"]),
                ),
                *_published_blocks(conf, headline),
            ]
        if len(attribution):
            out += [
                Block("h2", "Which lever gives most of it"),
                Block(
                    "p",
                    "Each design switches one lever of the single design (or all of them: bundled); "
                    "reduction against single, paired by replication.",
                ),
                Block("table", _attribution_table(attribution)),
                fig("lever_attribution", charts.lever_attribution(attribution, palette)),
            ]
    out += [
        Block("h2", "Trips and documents per applicant"),
        fig("trips_documents", charts.trips_and_documents(configs_base, palette)),
    ]
    if configs["staffing_scale"].nunique() > 1:
        presets = configs[configs["design_label"].isin(["single", "bundled"])]
        shown = presets if not presets.empty else configs
        out += [
            Block("h2", "Staffing"),
            Block("table", _staffing_table(configs)),
            fig("lead_time_vs_staffing", charts.lead_time_vs_staffing(shown, limit, palette)),
            fig("utilisation", charts.utilisation_vs_staffing(shown)),
        ]
    if sensitivity is not None:
        table, base = sensitivity
        out += [
            Block("h2", "Sensitivity to the estimates"),
            Block(
                "p",
                "Each estimate multiplied low and high (configs/sensitivity/), the others as configured; "
                "reduction of bundled against single, paired by replication.",
            ),
            Block("table", _sensitivity_table(table, base)),
            fig("tornado", charts.tornado(table, base)),
        ]
    out += [
        Block("h2", "Statutory limits"),
        Block(
            "p",
            "Share of item decisions within the item's statutory limit, counted in working days "
            "from acceptance at intake to decision, at the base staffing (all replications).",
        ),
        Block("table", _compliance_table(collected, at_base, conf.scenario.warmup)),
    ]
    out += _request_blocks(collected, conf, fig)
    cases = _base_cases(collected, at_base, conf.scenario.warmup)
    out += [
        Block("h2", "Lead-time distribution"),
        fig("lead_time_ecdf", charts.lead_time_ecdf(cases, palette, limit)),
    ]
    out += [
        Block("h2", "Scenario and staffing used"),
        Block("table", _staff_table(conf)),
        Block("table", _demand_table(conf)),
    ]
    also_varied = [
        k
        for k in collected.override_keys
        if k not in ("design", "staffing.scale", "sensitivity", "seed")
        and k in runs
        and runs[k].nunique() > 1
    ]
    if also_varied:
        out += [
            Block("h2", "Note on this sweep"),
            Block(
                "p",
                f"The sweep also varies {', '.join(also_varied)}; this report pools those runs within each "
                "design and staffing level. Use `collected/runs.csv` to compare them.",
            ),
        ]
    if not collected.missing.empty:
        out += [Block("h2", "Missing or failed runs"), Block("table", collected.missing)]
    out += [
        Block("h2", "Regenerate every number"),
        Block("code", reproduce_command(sweep)),
        Block(
            "p",
            "Tidy tables: `collected/runs.csv` (a row per configuration), `collected/replications.csv` "
            "(a row per replication); each job folder keeps its `.hydra/` config and parquet tables.",
        ),
    ]
    return out


def pooled(reps: pd.DataFrame, by: tuple[str, ...] = ("design_label", "staffing_scale")) -> pd.DataFrame:
    """Each metric's mean and t interval per group (design and staffing scale unless ``by`` says
    otherwise), over all replications of all seeds (every replication is an independent sample)."""
    metrics = [
        c
        for c in reps.columns
        if c.endswith(("_mean", "_p50", "_p90", "_share"))
        or c.startswith(("utilisation:", "tier_share:", "request_days_", "overdue_parts:"))
        or c == "requests"
    ]
    rows = []
    for key, g in reps.groupby(list(by), sort=False):
        row = dict(zip(by, key, strict=True)) | {"n": len(g)}
        for m in metrics:
            row[m], row[f"{m}:ci_low"], row[f"{m}:ci_high"] = t_interval(g[m])
        rows.append(row)
    return pd.DataFrame(rows)


def _base_cases(collected: Collected, at_base: pd.DataFrame, warmup: float) -> pd.DataFrame:
    frames = []
    for run_id in at_base["run"]:
        c = pd.read_parquet(
            collected.jobs[run_id] / "cases.parquet",
            columns=["design", "arrival", "lead_time_working_days", "finished"],
        )
        frames.append(
            c[(c["arrival"] >= warmup) & c["finished"]].assign(design=lambda d: d["design"].astype(str))
        )
    return pd.concat(frames, ignore_index=True)


def _published_blocks(conf: SimConfig, headline: pd.DataFrame) -> list[Block]:
    """The source's reported reductions beside the model's, with the gap."""
    published = conf.published
    if published is None:
        return []
    rows = []
    for r in headline.itertuples():
        name = charts.HEADLINE_NAMES[r.metric]
        reported = getattr(published, name, None)
        if reported is None:
            continue
        model = _change(r)
        rows.append(
            {
                "metric": name,
                "model (95 % CI)": model,
                "reported": f"{-100 * reported:+.0f} %",
                "gap (points)": f"{100 * (r.reduction - reported):+.1f}",
            }
        )
    return [
        Block("h2", "Beside the published figures"),
        Block(
            "p",
            f"Reported: {published.source}. The model is not tuned to these numbers; the gap is the finding.",
        ),
        Block("table", pd.DataFrame(rows)),
    ]


def _request_blocks(collected: Collected, conf: SimConfig, fig) -> list[Block]:
    """Requests through the tiers per configuration of the sweep, beside the published counts."""
    reps = collected.replications
    if "request_days_mean" not in reps:
        return []
    varied = [
        k
        for k in ("design_label", "staffing_scale", *collected.override_keys)
        if k in reps and k not in ("seed", "design", "staffing.scale") and reps[k].nunique() > 1
    ]
    table = pooled(reps.assign(all="all runs"), by=tuple(varied) or ("all",))
    names = {k: k.removeprefix("scenario.requests.").removeprefix("scenario.") for k in varied}
    table["configuration"] = [
        ", ".join(f"{names[k]}={row[k]}" for k in varied) or "all runs" for _, row in table.iterrows()
    ]
    published = conf.published
    out = [
        Block("h2", "Requests through the tiers"),
        Block(
            "p",
            "Per configuration, over requests arriving after the warm-up: requests per run, the share "
            "closed by the horizon, working days to close (mean with 95 % CI, and P90), the tier each "
            "reached, the share with a department part past its supervision deadline, the share of firms "
            "satisfied (an explicit assumption of the scenario, not data), and utilisation of the "
            "specialists, the coordinators and the meeting's seats.",
        ),
        Block("table", _requests_table(table, published)),
        fig("request_close_by_class", charts.request_close_by_class(table)),
    ]
    overdue = [
        c for c in table.columns if c.startswith("overdue_parts:") and not c.endswith(("ci_low", "ci_high"))
    ]
    if overdue and (table[overdue] > 0).any(axis=None):
        counts = table.set_index("configuration")[overdue].rename(columns=lambda c: c.split(":", 1)[1])
        out += [
            Block("p", "Department parts past their supervision deadline, per run (mean over replications):"),
            Block("table", counts.round(1).reset_index()),
        ]
    if published is not None and published.requests is not None:
        out.append(
            Block(
                "p",
                f"Reported: {published.source}. The scenario's request rates are set from the reported "
                "count over the reporting window; closure and satisfaction are outputs, not tuned.",
            )
        )
    return out


def _requests_table(t: pd.DataFrame, published) -> pd.DataFrame:
    rows = []
    if published is not None and published.requests is not None:
        rows.append(
            {
                "configuration": "reported",
                "requests": f"{published.requests:,}",
                "closed by horizon": f"{100 * published.requests_closed / published.requests:.1f} %"
                if published.requests_closed is not None
                else "",
                "satisfied": f"{100 * published.satisfied:.2f} %" if published.satisfied is not None else "",
            }
        )
    for _, r in t.iterrows():

        def pct(m: str, r=r) -> str:
            return f"{100 * r[m]:.1f} %" if m in r and pd.notna(r[m]) else ""

        rows.append(
            {
                "configuration": r["configuration"],
                "requests": f"{r['requests']:,.0f}",
                "closed by horizon": pct("requests_closed_share"),
                "days to close": _ci(
                    r["request_days_mean"],
                    r["request_days_mean:ci_low"],
                    r["request_days_mean:ci_high"],
                    ".2f",
                ),
                "P90 days": f"{r['request_days_p90']:.1f}",
                "front / middle / back": " / ".join(
                    pct(f"tier_share:{tier}") or "0 %" for tier in ("front", "middle", "back")
                ),
                "overdue": pct("overdue_share"),
                "satisfied": pct("satisfied_share"),
                "specialists / coordinators / meeting busy": " / ".join(
                    pct(f"utilisation:{pool}") for pool in ("specialists", "coordinators", "meeting")
                ),
            }
        )
    return pd.DataFrame(rows, columns=list(rows[-1])).fillna("")


def _sensitivity(reps: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Reductions of bundled against single per sensitivity case: (low/high table, base)."""
    rows, base = [], None
    for case, g in reps.groupby("sensitivity"):
        single, bundled = g[g["design_label"] == "single"], g[g["design_label"] == "bundled"]
        if single.empty or bundled.empty:
            continue
        table = paired(single, bundled, HEADLINE, on=PAIR_ON)
        if case == "base":
            base = table
            continue
        parameter, _, level = str(case).rpartition("_")
        rows.append(table.assign(parameter=parameter, level=level))
    return pd.concat(rows, ignore_index=True), base


def _sensitivity_table(table: pd.DataFrame, base: pd.DataFrame) -> pd.DataFrame:
    out = []
    for metric in HEADLINE:
        row = {
            "metric": charts.HEADLINE_NAMES[metric],
            "base": f"{-100 * base.set_index('metric').loc[metric, 'reduction']:+.1f} %",
        }
        g = table[table["metric"] == metric]
        for r in g.itertuples():
            row[f"{r.parameter} {r.level}"] = f"{-100 * r.reduction:+.1f} %"
        out.append(row)
    return pd.DataFrame(out).set_index("metric").T.reset_index().rename(columns={"index": "case"})


def _compliance_table(collected: Collected, at_base: pd.DataFrame, warmup: float) -> pd.DataFrame:
    frames = []
    for run_id, design in zip(at_base["run"], at_base["design_label"], strict=True):
        d = pd.read_parquet(collected.jobs[run_id] / "decisions.parquet")
        frames.append(d[(d["accepted"] >= warmup) & d["limit_days"].notna()].assign(design=design))
    rows = []
    for (design, item), g in pd.concat(frames).groupby(["design", "item"], sort=False, observed=True):
        rows.append(
            {
                "design": design,
                "item": item,
                "limit (working days)": g["limit_days"].iloc[0],
                "on time": f"{100 * g['on_time'].astype(float).mean():.1f} %",
                "P90 (working days)": f"{g['working_days'].quantile(0.9):.1f}",
            }
        )
    return pd.DataFrame(rows)


def _change(r) -> str:
    """A paired comparison row's reduction as a signed change with its interval: "-34.6 [-35.0, -34.1] %"."""
    return _ci(-100 * r.reduction, -100 * r.reduction_ci_high, -100 * r.reduction_ci_low, "+.1f") + " %"


def _ci(mean: float, low: float, high: float, fmt: str) -> str:
    mean, low, high = (x + 0.0 for x in (mean, low, high))  # no "-0.0"
    return f"{mean:{fmt}} [{low:{fmt}}, {high:{fmt}}]"


def _headline_table(t: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for r in t.itertuples():
        rows.append(
            {
                "metric": charts.HEADLINE_NAMES[r.metric]
                + (" (working days)" if r.metric.startswith("lead_time") else " per applicant"),
                "single": f"{r.base_mean:.2f}",
                "bundled": f"{r.other_mean:.2f}",
                "change (95 % CI)": _change(r),
                "variance reduction from pairing": f"{r.variance_reduction:.1f}x",
            }
        )
    return pd.DataFrame(rows)


def _attribution_table(t: pd.DataFrame) -> pd.DataFrame:
    table = t.assign(change=[_change(r) for r in t.itertuples()])
    table["metric"] = table["metric"].map(charts.HEADLINE_NAMES)
    return (
        table.pivot(index="design_label", columns="metric", values="change")
        .reset_index()
        .rename(columns={"design_label": "design"})
    )


def _staffing_table(runs: pd.DataFrame) -> pd.DataFrame:
    col = "lead_time_working_days_mean"
    lead = [
        _ci(m, lo, hi, ".1f")
        for m, lo, hi in zip(runs[col], runs[f"{col}:ci_low"], runs[f"{col}:ci_high"], strict=True)
    ]
    table = runs.assign(lead=lead).pivot(index="design_label", columns="staffing_scale", values="lead")
    table.columns = [f"staffing x{c:g}" for c in table.columns]
    return table.rename_axis("mean lead time (working days)").reset_index()


def _staff_table(conf: SimConfig) -> pd.DataFrame:
    s = conf.scenario
    rows = [
        {"pool": f"{d}", "clerks": dept.clerks, "reviewers": dept.reviewers, "inspectors": dept.inspectors}
        for d, dept in s.departments.items()
    ]
    rows.append({"pool": "one-stop window", "clerks": s.one_stop.clerks, "reviewers": 0, "inspectors": 0})
    if not (s.specialists.staff or s.requests.classes):
        return pd.DataFrame(rows)
    meeting = s.requests.meeting
    extra = {"specialists": f"{s.specialists.staff}"}
    if s.requests.classes:
        extra |= {
            "coordinators": f"{s.requests.coordinators}",
            "joint meeting": f"{meeting.capacity} requests every {meeting.every_days:g} days",
        }
    blank = {"clerks": "", "reviewers": "", "inspectors": ""}
    rows = [r | {"other staff": ""} for r in rows] + [
        {"pool": k, **blank, "other staff": v} for k, v in extra.items()
    ]
    return pd.DataFrame(rows)


def _demand_table(conf: SimConfig) -> pd.DataFrame:
    s = conf.scenario
    return pd.DataFrame(
        [
            {"need": n, "arrivals per hour": rate, "items": ", ".join(s.needs[n])}
            for n, rate in s.demand.items()
        ]
    )


def _markdown(blocks: list[Block], sweep: Path) -> str:
    lines = [
        f"# Study: {sweep.name}",
        "",
        f"_Generated {datetime.now():%Y-%m-%d %H:%M} by `python -m sim.analysis.report`._",
        "",
    ]
    for b in blocks:
        if b.kind == "h2":
            lines += [f"## {b.content}", ""]
        elif b.kind == "p":
            lines += [str(b.content), ""]
        elif b.kind == "table":
            lines += [b.content.to_markdown(index=False), ""]
        elif b.kind == "figure":
            lines += [f"![{Path(str(b.content)).stem}]({b.content})", ""]
        elif b.kind == "code":
            lines += ["```bash", str(b.content), "```", ""]
    return "\n".join(lines)


def _html(blocks: list[Block], sweep: Path) -> str:
    body = [f"<h1>Study: {html.escape(sweep.name)}</h1>"]
    for b in blocks:
        if b.kind == "h2":
            body.append(f"<h2>{html.escape(str(b.content))}</h2>")
        elif b.kind == "p":
            body.append(f"<p>{html.escape(str(b.content)).replace('**', '')}</p>")
        elif b.kind == "table":
            body.append(b.content.to_html(index=False, border=0))
        elif b.kind == "figure":
            body.append(f'<img src="{b.content}" style="max-width:100%">')
        elif b.kind == "code":
            body.append(f"<pre>{html.escape(str(b.content))}</pre>")
    style = (
        "body{font-family:sans-serif;max-width:60em;margin:auto}"
        "table{border-collapse:collapse}td,th{padding:2px 8px}"
    )
    head = f"<!doctype html><html><head><meta charset='utf-8'><style>{style}</style></head>"
    return f"{head}<body>{''.join(body)}</body></html>"


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
