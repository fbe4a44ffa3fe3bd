"""The report's opening: two or three sentences a reader can quote, the headline table (mean,
P50 and P90 before and after, in people's units) and the stages beside the published figures."""

from __future__ import annotations

import pandas as pd

from sim.analysis import tables
from sim.analysis.compare import paired
from sim.analysis.labels import Labels
from sim.analysis.tables import PAIR_ON, change, ci
from sim.domain.design import PRESETS
from sim.experiment.config import SimConfig
from sim.experiment.stats import CONFIDENCE

# (measure, column stem, unit, decimals): what a reader counts, in the order read.
MEASURES = (
    ("time", "lead_time_working_days", "working_days", 1),
    ("trips", "trips", "trips", 1),
    ("documents", "documents", "documents", 1),
)
STATISTICS = (("mean", "mean"), ("p50", "P50"), ("p90", "P90"))


def comparisons(
    reps: pd.DataFrame,
    designs: list[str],
    metrics: tuple[str, ...] | None = None,
    confidence: float = CONFIDENCE,
) -> pd.DataFrame:
    """Each design against single on ``metrics`` (the mean, P50 and P90 of every measure),
    paired by replication (one row per design and metric, as ``compare.paired``)."""
    metrics = metrics or tuple(f"{stem}_{stat}" for _, stem, _, _ in MEASURES for stat, _ in STATISTICS)
    single = reps[reps["design"] == "single"]
    frames = [
        paired(single, reps[reps["design"] == d], metrics, on=PAIR_ON, confidence=confidence).assign(design=d)
        for d in designs
        if d != "single"
    ]
    return pd.concat(frames, ignore_index=True)


def headline_table(compared: pd.DataFrame, design: str, labels: Labels) -> pd.DataFrame:
    """Single → ``design`` per measure and statistic: both values and the change with its interval."""
    rows = []
    table = compared[compared["design"] == design].set_index("metric")
    for measure, stem, _, decimals in MEASURES:
        for stat, name in STATISTICS:
            r = table.loc[f"{stem}_{stat}"]
            rows.append(
                {
                    "measure": labels.of("measures", measure)
                    if measure != "time"
                    else labels.say("Lead time (working days)"),
                    "statistic": name,
                    labels.design("single"): f"{r.base_mean:.{decimals}f}",
                    labels.design(design): f"{r.other_mean:.{decimals}f}",
                    "change (95 % CI)": change(r),
                }
            )
    return labels.frame(pd.DataFrame(rows))


def summary(
    compared: pd.DataFrame,
    configs: pd.DataFrame,
    scale: float,
    headcount: int,
    conf: SimConfig,
    labels: Labels,
) -> str:
    """What the reform saves here, with intervals, at what staffing: sentences to quote."""
    n = int(configs["n"].max())
    reformed = [d for d in PRESETS if d != "single" and d in set(compared["design"])]
    lead = "bundled" if "bundled" in reformed else reformed[-1]
    by = compared.set_index(["design", "metric"])

    def saving(design: str) -> str:
        parts = []
        for measure, stem, unit, decimals in MEASURES:
            r = by.loc[(design, f"{stem}_mean")]
            # English counts trips and documents without a unit; Chinese needs its measure word
            shown = measure == "time" or labels.lang == "zh"
            parts.append(
                labels.say(
                    "{measure} from {before} to {after}{unit} ({change})",
                    measure=labels.of("measures", measure).lower(),
                    before=f"{r.base_mean:.{decimals}f}",
                    after=f"{r.other_mean:.{decimals}f}",
                    unit=f" {labels.of('units', unit)}" if shown else "",
                    change=change(r),
                )
            )
        return labels.say("{first} and {last}", first=labels.say(", ").join(parts[:-1]), last=parts[-1])

    p90 = by.loc[(lead, "lead_time_working_days_p90")]
    text = [
        labels.say(
            "Here ({scenario}, {n} replications, at the base staffing of {headcount} people), **{design}** "
            "cuts an applicant's {saving}; nine applicants in ten are done within {p90} working days, "
            "against {base} under {single}.",
            scenario=labels.of("scenarios", conf.scenario.name),
            n=n,
            headcount=headcount,
            design=labels.design(lead),
            saving=saving(lead),
            p90=f"{p90.other_mean:.1f}",
            base=f"{p90.base_mean:.1f}",
            single=labels.design("single"),
        )
    ]
    if "full_standard" in reformed and lead != "full_standard":
        text.append(
            labels.say(
                "The **{design}** cuts {saving}.",
                design=labels.design("full_standard"),
                saving=saving("full_standard"),
            )
        )
    text.append(_staffing_sentence(configs, scale, reformed, labels))
    return labels.say(" ").join(text)


def _staffing_sentence(configs: pd.DataFrame, scale: float, reformed: list[str], labels: Labels) -> str:
    """The busiest pool of each stage at the base staffing, and what the lowest staffing does."""
    busiest = tables.busiest_table(configs[configs["staffing_scale"] == scale]).set_index("design")
    stages = [d for d in ("single", *reformed) if d in busiest.index]
    by_pool: dict[str, list[str]] = {}
    for d in stages:
        by_pool.setdefault(busiest.loc[d, "busiest pool"], []).append(d)
    comma = labels.say(", ")
    named = labels.say("; ").join(
        labels.say(
            "{pool} under {designs} ({values})",
            pool=labels.pool(pool),
            designs=labels.say("every design")
            if len(designs) == len(stages)
            else comma.join(labels.design(d) for d in designs),
            values=comma.join(busiest.loc[d, "utilisation"] for d in designs),
        )
        for pool, designs in by_pool.items()
    )
    text = labels.say("The busiest staff at the base staffing (utilisation, 95 % CI): {named}.", named=named)
    low = configs["staffing_scale"].min()
    if low < scale:
        at_low = configs[(configs["staffing_scale"] == low)].set_index("design")
        col = "lead_time_working_days_mean"
        shown = [d for d in stages if d in at_low.index]
        text += labels.say(
            " With staff ×{low}, mean lead time is {values} working days.",
            low=f"{low:g}",
            values=comma.join(
                labels.say("{value} ({design})", value=f"{at_low.loc[d, col]:.1f}", design=labels.design(d))
                for d in shown
            ),
        )
    return text


def published(conf: SimConfig, compared: pd.DataFrame, promised: dict, labels: Labels) -> pd.DataFrame | None:
    """The source's reported reductions beside each stage's against single, with the gap; time
    both as lived (simulated lead time) and as promised (the limits' critical path, weighted by
    demand)."""
    source = conf.published
    if not source.reported():
        return None
    stages = [d for d in PRESETS if d != "single" and d in set(compared["design"])]
    rows: dict[str, dict] = {}
    for design in stages:
        promise = tables.promise_reduction(conf.scenario.demand, promised.get("single"), promised.get(design))
        if promise is not None and source.time is not None:
            row = rows.setdefault("time, promised", {"reported": source.time})
            row[design] = (
                labels.say("{change} % (a rule: no interval)", change=f"{-100 * promise:+.1f}"),
                promise,
            )
        for measure, stem, _, _ in MEASURES:
            reported = getattr(source, measure, None)
            r = compared[(compared["design"] == design) & (compared["metric"] == f"{stem}_mean")]
            if reported is not None and len(r):
                r = next(r.itertuples())
                row = rows.setdefault("time, lived" if measure == "time" else measure, {"reported": reported})
                row[design] = (change(r), r.reduction)
    out = []
    for metric, row in rows.items():
        reported = row.pop("reported")
        line = {"measure": labels.say(metric), "reported": f"{-100 * reported:+.0f} %"}
        for design, (model, reduction) in row.items():
            line[labels.design(design)] = model
            line[labels.say("{design}: gap", design=labels.design(design))] = labels.say(
                "{points} points", points=f"{100 * (reduction - reported):+.1f}"
            )
        out.append(line)
    return pd.DataFrame(out)


def before_after(configs: pd.DataFrame) -> pd.DataFrame:
    """Per design: each measure's mean and P90 with their intervals (the headline chart's data)."""
    rows = []
    for r in configs.to_dict("records"):
        for measure, stem, _, _ in MEASURES:
            for stat in ("mean", "p90"):
                col = f"{stem}_{stat}"
                rows.append(
                    {
                        "design": r["design"],
                        "measure": measure,
                        "statistic": stat,
                        "value": r[col],
                        "ci_low": r[f"{col}:ci_low"],
                        "ci_high": r[f"{col}:ci_high"],
                        "text": ci(r[col], r[f"{col}:ci_low"], r[f"{col}:ci_high"], ".1f"),
                    }
                )
    return pd.DataFrame(rows)
