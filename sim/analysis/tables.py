"""The report's tables, built from collected sweep tables and a job's configuration: pure
functions of data frames, formatted for a reader (intervals as "mean [low, high]")."""

from __future__ import annotations

import math

import pandas as pd

from sim.analysis import charts
from sim.analysis.compare import HEADLINE, paired
from sim.analysis.labels import Labels
from sim.domain.loads import headcount, used_pools
from sim.domain.targets import Targets
from sim.experiment.config import SimConfig
from sim.experiment.staffing import judge
from sim.experiment.stats import interval

PAIR_ON = ["seed", "replication"]


def base_scale(runs: pd.DataFrame) -> float:
    """The staffing scale closest to the scenario's own staffing (1.0)."""
    scales = runs["staffing_scale"].unique()
    return float(min(scales, key=lambda s: abs(s - 1.0)))


def statutory_limit(conf: SimConfig) -> float | None:
    """The longest item limit (days) among items of needs with demand."""
    s = conf.scenario
    limits = [s.items[i].limit_days for need in s.demand for i in s.needs[need] if s.items[i].limit_days]
    return max(limits) if limits else None


def pooled(reps: pd.DataFrame, by: tuple[str, ...] = ("design", "staffing_scale")) -> pd.DataFrame:
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
            row[m], row[f"{m}:ci_low"], row[f"{m}:ci_high"] = interval(m, g[m])
        rows.append(row)
    return pd.DataFrame(rows)


def targets_table(reps: pd.DataFrame, targets: Targets, labels: Labels) -> pd.DataFrame:
    """Each design and staffing level judged against the targets as the staffing search judges
    them (the conservative end of each measure's 95 % interval)."""
    rows = []
    for (design, scale), g in reps.groupby(["design", "staffing_scale"], sort=False):
        for c in judge(g, targets):
            rows.append(
                {
                    "design": design,
                    "staffing": f"x{scale:g}",
                    "target": f"{c.target} {c.goal:g}",
                    "achieved (mean)": f"{c.mean:.3g}",
                    "interval end judged": f"{c.bound:.3g}",
                    "met": labels.say("yes" if c.met else "no"),
                }
            )
    return pd.DataFrame(rows)


def requests_table(t: pd.DataFrame, published, labels: Labels) -> pd.DataFrame:
    rows = []
    if published is not None and published.requests is not None:
        rows.append(
            {
                "configuration": labels.say("reported"),
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

        def pct_ci(m: str, r=r) -> str:
            """A share with its interval from the configuration's replications, in per cent."""
            if m not in r or pd.isna(r[m]):
                return ""
            return ci(*(100 * r[k] for k in (m, f"{m}:ci_low", f"{m}:ci_high")), ".1f") + " %"

        rows.append(
            {
                "configuration": r["configuration"],
                "requests": f"{r['requests']:,.0f}",
                "closed by horizon": pct_ci("requests_closed_share"),
                "of which unresolved": pct_ci("requests_unresolved_share"),
                "days to close": ci(
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


def sensitivity(reps: pd.DataFrame, design: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Reductions of ``design`` against single per sensitivity case: (low/high table, base)."""
    rows, base = [], None
    for case, g in reps.groupby("sensitivity"):
        single, reformed = g[g["design"] == "single"], g[g["design"] == design]
        if single.empty or reformed.empty:
            continue
        table = paired(single, reformed, HEADLINE, on=PAIR_ON)
        if case == "base":
            base = table
            continue
        parameter, _, level = str(case).rpartition("_")
        rows.append(table.assign(parameter=parameter, level=level))
    return pd.concat(rows, ignore_index=True), base


def sensitivity_table(table: pd.DataFrame, base: pd.DataFrame, labels: Labels) -> pd.DataFrame:
    """A row per case (the base, each estimate low and high), a column per measure: the reduction."""
    out = []
    for metric in HEADLINE:
        row = {
            "metric": labels.of("measures", charts.HEADLINE_NAMES[metric]),
            labels.say("base"): f"{-100 * base.set_index('metric').loc[metric, 'reduction']:+.1f} %",
        }
        g = table[table["metric"] == metric]
        for r in g.itertuples():
            row[f"{r.parameter} {labels.say(r.level)}"] = f"{-100 * r.reduction:+.1f} %"
        out.append(row)
    return pd.DataFrame(out).set_index("metric").T.reset_index().rename(columns={"index": "case"})


def compliance_table(decisions: pd.DataFrame, warmup: float, labels: Labels) -> pd.DataFrame:
    """Per design: the shares of decisions within the statutory and the committed limits over
    all items, the P90, and the items that miss either in more than one decision in a hundred."""
    d = decisions[(decisions["accepted"] >= warmup) & decisions["limit_days"].notna()]
    rows = []
    for design, g in d.groupby("design", sort=False, observed=True):
        committed = g[g["committed_days"].notna()]
        late = []
        for item, h in g.groupby("item", sort=False, observed=True):
            on_time = h["on_time"].astype(float).mean()
            kept = h.loc[h["committed_days"].notna(), "on_committed"].astype(float)
            if on_time < 0.99 or (len(kept) and kept.mean() < 0.99):
                within = (
                    labels.say("{share} % committed", share=f"{100 * kept.mean():.0f}")
                    if len(kept)
                    else labels.say("no commitment")
                )
                late.append(
                    labels.say(
                        "{item} ({share} % statutory, {within})",
                        item=labels.of("items", str(item)),
                        share=f"{100 * on_time:.0f}",
                        within=within,
                    )
                )
        rows.append(
            {
                "design": design,
                "decisions": len(g),
                "within statutory": f"{100 * g['on_time'].astype(float).mean():.1f} %",
                "within statutory, law's clock": f"{100 * g['on_time_legal'].astype(float).mean():.1f} %"
                if "on_time_legal" in g  # results written before the legal clock have none
                else "",
                "within committed": ""
                if committed.empty
                else f"{100 * committed['on_committed'].astype(float).mean():.1f} %",
                "P90 (working days)": f"{g['working_days'].quantile(0.9):.1f}",
                "items missing either for more than 1 %": labels.say("; ").join(late) or labels.say("none"),
            }
        )
    return pd.DataFrame(rows)


def change(r) -> str:
    """A paired comparison row's reduction as a signed change with its interval: "-34.6 [-35.0, -34.1] %"."""
    return ci(-100 * r.reduction, -100 * r.reduction_ci_high, -100 * r.reduction_ci_low, "+.1f") + " %"


def ci(mean: float, low: float, high: float, fmt: str) -> str:
    """ "mean [low, high]"; "mean (n=1)" where one replication gives no interval."""
    mean, low, high = (x + 0.0 for x in (mean, low, high))  # no "-0.0"
    if (math.isnan(low) or math.isnan(high)) and not math.isnan(mean):
        return f"{mean:{fmt}} (n=1)"
    return f"{mean:{fmt}} [{low:{fmt}}, {high:{fmt}}]"


def attribution_table(t: pd.DataFrame, labels: Labels, column: str | None = None) -> pd.DataFrame:
    """A row per design (stages first), a column per measure: the change against single (or
    the text in ``column``)."""
    table = t if column else t.assign(change=[change(r) for r in t.itertuples()])
    measures = [charts.HEADLINE_NAMES[m] for m in dict.fromkeys(t["metric"])]
    table["metric"] = table["metric"].map(charts.HEADLINE_NAMES)
    wide = table.pivot(index="design", columns="metric", values="change")
    wide = wide.loc[charts.presets_first(wide.index), measures]
    wide.columns = [labels.of("measures", m) for m in measures]
    return labels.frame(wide.rename_axis(columns=None).reset_index())


def background_table(resources: pd.DataFrame, labels: Labels) -> pd.DataFrame:
    """Per pool in use that gives a share of its hours to other work (background): that share,
    and per design its utilisation with that work and on cases alone (utilisation counts the
    share whole, the cases taking the rest of the hours: the cases' part is utilisation less
    the share); means over replications."""
    r = resources[(resources["background"] > 0) & (resources["utilisation"] > resources["background"] + 1e-9)]
    per = r.groupby(["resource", "design"], sort=False)[["utilisation", "background"]].mean()
    designs = charts.presets_first(r["design"].unique())
    rows = []
    for pool, g in per.groupby(level=0, sort=False):
        row = {
            "pool": pool,
            labels.say("other work (share of hours)"): f"{100 * g['background'].iloc[0]:.0f} %",
        }
        for design in (d for d in designs if (pool, d) in g.index):
            u = g.loc[(pool, design)]
            row[labels.design(design)] = labels.say(
                "{all} % ({cases} % on cases)",
                all=f"{100 * u['utilisation']:.0f}",
                cases=f"{100 * (u['utilisation'] - u['background']):.0f}",
            )
        rows.append(row)
    return pd.DataFrame(rows)


def family_table(family: pd.DataFrame, p_holm: pd.Series, labels: Labels) -> pd.DataFrame:
    """As ``attribution_table``, at a family-wise level: each change with its simultaneous
    (Bonferroni) interval and Holm's adjusted p-value (``p_holm``, on ``family``'s index)."""
    cells = [
        f"{change(r)}, p {'≤ 0.001' if p < 0.001 else f'= {p:.3f}'}"
        for r, p in zip(family.itertuples(), p_holm, strict=True)
    ]
    return attribution_table(family.assign(change=cells), labels, column="change")


def shapley_table(values: pd.DataFrame, labels: Labels) -> pd.DataFrame:
    """Levers by their share of the lead-time reduction, each metric's value with its interval
    and the range of effects met across orderings; the total last."""
    cell = {
        r.Index: labels.say(
            "{value}; {low} to {high}",
            value=ci(r.value, r.ci_low, r.ci_high, ".1f"),
            low=f"{r.min_effect + 0.0:.1f}",
            high=f"{r.max_effect + 0.0:.1f}",
        )
        for r in values.set_index(["lever", "metric"]).itertuples()
    }
    metrics = list(dict.fromkeys(values["metric"]))
    levers = values[values["metric"] == metrics[0]].sort_values("value", ascending=False)["lever"]
    levers = [lever for lever in levers if lever != "total"] + ["total"]
    rows = [
        {"lever": lever}
        | {
            labels.say(
                "{measure} (pp)", measure=labels.of("measures", charts.HEADLINE_NAMES.get(m, m))
            ): cell[lever, m]
            for m in metrics
        }
        for lever in levers
    ]
    return pd.DataFrame(rows)


def staffing_table(runs: pd.DataFrame, labels: Labels) -> pd.DataFrame:
    """Mean lead time with its interval, a row per design, a column per staffing level."""
    col = "lead_time_working_days_mean"
    lead = [
        ci(m, lo, hi, ".1f")
        for m, lo, hi in zip(runs[col], runs[f"{col}:ci_low"], runs[f"{col}:ci_high"], strict=True)
    ]
    table = (
        runs[["design", "staffing_scale"]]
        .assign(lead=lead)
        .pivot(index="design", columns="staffing_scale", values="lead")
    )
    table = table.loc[charts.presets_first(table.index)]
    table.columns = [labels.say("staff ×{scale}", scale=f"{c:g}") for c in table.columns]
    return table.rename_axis(columns=None).reset_index()


def staff_table(confs: dict[float, SimConfig], labels: Labels) -> pd.DataFrame:
    """Headcount of every pool the scenario uses (at its largest shift), a column per staffing
    level; a level that rounding leaves at another level's headcount says so."""
    scales = sorted(confs)
    base = confs[1.0] if 1.0 in confs else confs[scales[0]]
    columns = {scale: labels.say("staff ×{scale}", scale=f"{scale:g}") for scale in scales}
    rows = []
    for pool in used_pools(base.scenario):
        row = {"pool": pool}
        counts = {scale: headcount(confs[scale].scenario, pool) for scale in scales}
        for scale, n in counts.items():
            same = scale != 1.0 and 1.0 in counts and n == counts[1.0]
            row[columns[scale]] = labels.say("{n} (as ×1)", n=n) if same else f"{n}"
        rows.append(row)
    meeting = base.scenario.requests.meeting
    if base.scenario.requests.classes:
        text = labels.say(
            "{capacity} requests every {days} days", capacity=meeting.capacity, days=f"{meeting.every_days:g}"
        )
        rows.append({"pool": labels.say("joint meeting")} | {columns[scale]: text for scale in scales})
    return pd.DataFrame(rows)


def busiest_table(configs: pd.DataFrame) -> pd.DataFrame:
    """Per design and staffing level, the pool with the highest mean utilisation."""
    pools = [c for c in configs.columns if c.startswith("utilisation:") and c.count(":") == 1]
    rows = []
    for row in configs.to_dict("records"):
        values = {c: row[c] for c in pools if pd.notna(row[c])}
        if not values:
            continue
        top = max(values, key=values.get)
        low, high = row[f"{top}:ci_low"], row[f"{top}:ci_high"]
        rows.append(
            {
                "design": row["design"],
                "staffing": f"×{row['staffing_scale']:g}",
                "busiest pool": top.split(":", 1)[1],
                "utilisation": ci(100 * values[top], 100 * low, 100 * high, ".0f") + " %",
            }
        )
    return pd.DataFrame(rows)


def demand_table(conf: SimConfig, labels: Labels) -> pd.DataFrame:
    s = conf.scenario
    return pd.DataFrame(
        [
            {
                "need": n,
                "arrivals per open hour": rate,
                "items": labels.say(", ").join(labels.of("items", i) for i in s.needs[n]),
            }
            for n, rate in s.demand.items()
        ]
    )


def breakdown_table(runs: pd.DataFrame) -> pd.DataFrame:
    """Each design's mean lead time split into its parts, calendar days with 95 % intervals, and
    the same lead time in working days (the headline's unit) to read them against."""
    rows = []
    records = sorted(
        runs.to_dict("records"), key=lambda r: (r["design"] != "single", r["design"] != "bundled")
    )
    for r in records:
        row = {"design": r["design"]}
        for part, name in charts.PART_NAMES.items():
            m = f"part:{part}_mean"
            row[name] = ci(r[m] / 24, r[f"{m}:ci_low"] / 24, r[f"{m}:ci_high"] / 24, ".1f")
        row["lead time (calendar days)"] = ci(
            r["lead_time_mean"] / 24, r["lead_time_mean:ci_low"] / 24, r["lead_time_mean:ci_high"] / 24, ".1f"
        )
        w = "lead_time_working_days_mean"
        row["lead time (working days)"] = ci(r[w], r[f"{w}:ci_low"], r[f"{w}:ci_high"], ".1f")
        rows.append(row)
    return pd.DataFrame(rows)


def promise_table(cases: pd.DataFrame, promised: dict[str, dict[str, float | None]]) -> pd.DataFrame:
    """Per need and design: the working days the office promises beside those applicants live
    (mean and P90 of finished cases)."""
    rows = []
    for (design, need), g in cases.groupby(["design", "need"], sort=False, observed=True):
        promise = promised.get(design, {}).get(str(need))
        lived = g["lead_time_working_days"]
        rows.append(
            {
                "need": need,
                "design": design,
                "promised (working days)": "" if promise is None else f"{promise:g}",
                "lived: mean": f"{lived.mean():.1f}",
                "lived: P90": f"{lived.quantile(0.9):.1f}",
            }
        )
    return pd.DataFrame(rows).sort_values(["need", "design"], kind="stable", ignore_index=True)


def checklist_table(cases: pd.DataFrame) -> pd.DataFrame:
    """Per need and design: the distinct documents its checklist asks for (the most common
    count among its applicants: one found by shared data is asked for none) and the documents
    handed over per applicant (mean, every copy and return counted)."""
    rows = []
    for (need, design), g in cases.groupby(["need", "design"], sort=False, observed=True):
        asked = g.loc[g["distinct_documents"] > 0, "distinct_documents"]
        rows.append(
            {
                "need": need,
                "design": design,
                "distinct documents": int(asked.mode().iloc[0]) if len(asked) else 0,
                "handed over (mean)": f"{g['documents'].mean():.1f}",
            }
        )
    stage = {d: k for k, d in enumerate(charts.presets_first(cases["design"].unique()))}
    table = pd.DataFrame(rows)
    return table.sort_values(
        ["need", "design"], key=lambda c: c.map(stage) if c.name == "design" else c, ignore_index=True
    )


NEED_MEASURES = {"lead_time_working_days": "time", "trips": "trips", "documents": "documents"}


def per_need(cases: pd.DataFrame) -> pd.DataFrame:
    """Each need's applicants under each reformed design against single, paired by replication
    (``compare.paired`` on the per-replication means of the need's applicants): a row per need,
    design and measure, with the need's applicants counted."""
    means = (
        cases.groupby(["need", "design", *PAIR_ON], observed=True)[list(NEED_MEASURES)].mean().reset_index()
    )
    counts = cases.groupby("need", observed=True).size()
    frames = []
    for need, g in means.groupby("need", sort=True, observed=True):
        single = g[g["design"] == "single"]
        for design in charts.presets_first(g["design"].unique()):
            if design != "single" and not single.empty:
                compared = paired(single, g[g["design"] == design], tuple(NEED_MEASURES), on=PAIR_ON)
                frames.append(compared.assign(need=need, design=design, applicants=int(counts[need])))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def per_need_table(found: pd.DataFrame, metric: str, labels: Labels) -> pd.DataFrame:
    """A row per need: single's mean and each reformed design's change in ``metric`` with its
    interval, the needs with most applicants first."""
    rows = []
    g = found[found["metric"] == metric]
    for need, h in sorted(g.groupby("need", sort=False), key=lambda kv: -kv[1]["applicants"].iloc[0]):
        row = {"need": need, labels.design("single"): f"{h['base_mean'].iloc[0]:.1f}"}
        for r in h.itertuples():
            row[labels.design(r.design)] = change(r)
        rows.append(row)
    return pd.DataFrame(rows)


def promise_reduction(demand: dict[str, float], single: dict | None, bundled: dict | None) -> float | None:
    """The relative cut in promised working days, each need weighted by its demand (needs
    without a promise under either design left out; None when none is left)."""
    if not single or not bundled:
        return None
    needs = [n for n in demand if single.get(n) is not None and bundled.get(n) is not None]
    before = sum(demand[n] * single[n] for n in needs)
    return 1 - sum(demand[n] * bundled[n] for n in needs) / before if before else None


def provenance_table(provenance: dict, sensitivity: dict, labels: Labels) -> pd.DataFrame:
    """A row per described input: its tag, source, and, where the sensitivity study varied its
    estimate, how far the lived-time reduction of each reformed design moved between the
    estimate's low and high case (points); the inputs that move it most first, then estimates,
    recalled and sourced inputs."""
    swings: dict[str, dict[str, float]] = {}
    for design, (table, _) in sensitivity.items():
        lived = table[table["metric"] == HEADLINE[0]]
        for parameter, g in lived.groupby("parameter"):
            swings.setdefault(str(parameter), {})[design] = 100 * (
                g["reduction"].max() - g["reduction"].min()
            )
    rows = []
    for key, source in provenance.items():
        moved = swings.get(source.varied_by or "", {})
        rows.append(
            {
                "input": key,
                "tag": source.tag.value,
                "source": source.source,
                "moves lived time": labels.say("; ").join(
                    labels.say("{design}: {points} points", design=labels.design(d), points=f"{p:.1f}")
                    for d, p in moved.items()
                )
                or (labels.say("varied: study not run") if source.varied_by else ""),
                "_swing": max(moved.values(), default=-1.0),
                "_tag": "ERS".index(source.tag.value),
            }
        )
    out = pd.DataFrame(rows, columns=["input", "tag", "source", "moves lived time", "_swing", "_tag"])
    out = out.sort_values(["_swing", "_tag"], ascending=[False, True], kind="stable")
    return out.drop(columns=["_swing", "_tag"]).reset_index(drop=True)
