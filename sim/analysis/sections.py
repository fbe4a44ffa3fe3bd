"""The report's sections that some studies have and others lack: the office today beside its own
log, the levers with nothing to act on, one applicant's journey and the windows' day (from
the jobs' saved event logs), the sensitivity to the estimates, the requests through
the tiers, and the hours staff give to other work."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from sim.analysis import charts, journey_charts, journeys, render, tables
from sim.analysis.collect import Collected
from sim.analysis.labels import Labels
from sim.analysis.study_runs import Selection
from sim.calibrate.validation import verdict
from sim.domain.scenario import Scenario
from sim.experiment.config import SimConfig
from sim.experiment.output import DONE

JOURNEY = "One applicant's journey"


def journey_blocks(chosen: Selection, palette, labels: Labels, fig) -> list[render.Block]:
    """One applicant's journey under single and the first reformed stage, the process map of
    that applicant's need, and the windows' queue over the day, from the jobs' saved event logs
    (``sim.analysis.journeys``): nothing is rerun."""
    designs, conf = chosen.designs, chosen.conf
    heading = render.Block("h2", labels.say(JOURNEY))
    logs = {
        r.design: journeys.saved(chosen.collected.jobs[r.run], conf.scenario)
        for r in chosen.at_base.drop_duplicates("design").itertuples()
    }
    runs = {d: log for d, log in logs.items() if log and 0 in log and not log[0].steps.empty}
    shown = [d for d in designs if d in runs][:1] + [d for d in ("bundled", "full_standard") if d in runs][:1]
    if not shown:
        return [
            heading,
            render.Block(
                "p",
                labels.say(
                    "The jobs saved no event log (record_steps=false), so there is no journey or queue over "
                    "the day to draw from them; run the study with record_steps=true (log_sample sets the "
                    "share of applicants logged)."
                ),
            ),
        ]
    typical = journeys.typical_case(runs[shown[0]][0], conf.scenario.needs)
    case, need = int(typical["case"]), str(typical["need"])
    paths = {d: journeys.journey(runs[d][0], case) for d in dict.fromkeys(shown)}
    trips = {d: int(runs[d][0].cases.set_index("case").loc[case, "trips"]) for d in paths}
    every = round(1 / conf.log_sample)  # the recorder logs every k-th applicant
    windows = journeys.window_hours(conf.scenario)
    queues = pd.DataFrame(
        {d: journeys.queue_by_hour(list(runs[d].values()), 1 / every, windows) for d in designs if d in runs}
    )
    return [
        heading,
        render.Block(
            "p",
            labels.say(
                "The applicant of replication 0 whose lead time is the median of the need with the most "
                "items ({need}), served under each design: the same person with the same work (common "
                "random numbers). Each lane is a place the case went through.",
                need=labels.of("needs", need),
            ),
        ),
        fig("journey", journey_charts.swimlane(paths, trips, labels)),
        fig(
            "process_map",
            journey_charts.process_map(conf.scenario, need, labels),
            labels.say("The items of the need, what each waits for, and the department that decides it."),
        ),
        render.Block("h2", labels.say("Queue at the windows over the day")),
        render.Block(
            "p",
            labels.say(
                "Applicants waiting at any window, averaged over each hour of the working days after the "
                "warm-up and over the {n} replications, from the saved event log of one applicant in "
                "{every} (each standing for {every}): when to open more windows.",
                n=len(next(iter(runs.values()))),
                every=every,
            ),
        ),
        fig("queue_by_hour", journey_charts.queue_by_hour(queues, palette, labels)),
    ]


def sensitivity_blocks(sensitivity: dict, labels: Labels, fig) -> list[render.Block]:
    out = [
        render.Block("h2", labels.say("Sensitivity to the estimates")),
        render.Block(
            "p",
            labels.say(
                "Each estimate multiplied low and high (configs/sensitivity/), the others as configured; "
                "reduction of each reformed design against single, paired by replication. An estimate "
                "that only a lever of the full standard uses (the one-time notice's factor, the one "
                "form's share, false commitments) moves only the full standard."
            ),
        ),
    ]
    for design, (table, base) in sensitivity.items():
        out += [
            render.Block(
                "table",
                labels.frame(
                    tables.sensitivity_table(table, base, labels).rename(
                        columns={"case": labels.design(design)}
                    )
                ),
            ),
            fig(
                "tornado" if design == "bundled" else f"tornado_{design}",
                charts.tornado(table, base, labels.design(design), labels),
            ),
        ]
    return out


def request_blocks(collected: Collected, conf: SimConfig, fig, labels: Labels) -> list[render.Block]:
    """Requests through the tiers per configuration of the sweep, beside the published counts."""
    reps = collected.replications
    if "request_days_mean" not in reps:
        return []
    varied = [
        k
        for k in ("design", "staffing_scale", *collected.override_keys)
        if k in reps and k not in ("seed", "replication") and reps[k].nunique() > 1
    ]
    table = tables.pooled(reps.assign(all="all runs"), by=tuple(varied) or ("all",))
    names = {k: k.removeprefix("scenario.requests.").removeprefix("scenario.") for k in varied}
    table["configuration"] = [
        ", ".join(f"{names[k]}={row[k]}" for k in varied) or labels.say("all runs")
        for _, row in table.iterrows()
    ]
    published = conf.published
    n = "/".join(map(str, sorted(set(table["n"].astype(int)))))
    out = [
        render.Block("h2", labels.say("Requests through the tiers")),
        render.Block(
            "p",
            labels.say(
                "Per configuration, over requests arriving after the warm-up: requests per run, the share "
                "closed by the horizon and the share closed unresolved (hard requests told their policy "
                "change will not come), each with its 95 % interval over the configuration's {n} "
                "replications, working days to close (mean with 95 % CI, and P90), the tier each "
                "reached, the share with a department part past its supervision deadline, the share of "
                "firms satisfied (an explicit assumption of the scenario, not data), and utilisation of "
                "the specialists, the coordinators and the meeting's seats.",
                n=n,
            ),
        ),
        render.Block("table", labels.frame(tables.requests_table(table, published, labels))),
        fig("request_close_by_class", charts.request_close_by_class(table, labels)),
    ]
    overdue = [
        c for c in table.columns if c.startswith("overdue_parts:") and not c.endswith(("ci_low", "ci_high"))
    ]
    if overdue and (table[overdue] > 0).any(axis=None):
        counts = table.set_index("configuration")[overdue].rename(columns=lambda c: c.split(":", 1)[1])
        out += [
            render.Block(
                "p",
                labels.say(
                    "Department parts past their supervision deadline, per run (mean over replications):"
                ),
            ),
            render.Block("table", labels.frame(counts.round(1).reset_index())),
        ]
    if published is not None and published.requests is not None:
        out.append(
            render.Block(
                "p",
                labels.say(
                    "Reported: {source}. The scenario's request rates are set from the reported count over "
                    "the reporting window; closure and satisfaction are outputs, not tuned.",
                    source=published.source,
                ),
            )
        )
    return out


def provenance_blocks(scenario: Scenario, sensitivity: dict, labels: Labels) -> list[render.Block]:
    """Where the scenario's inputs come from (its ``provenance``), the estimates that move the
    headline most first, when the sensitivity study ran; a catalogue's items and departments
    that none of the scenario's needs uses are left out."""
    items = {i for need in scenario.needs.values() for i in need}
    departments = {scenario.items[i].department for i in items}

    def used(key: str) -> bool:
        part, _, rest = key.partition(".")
        name = rest.partition(".")[0]
        return name == "*" or (
            (part != "items" or name in items) and (part != "departments" or name in departments)
        )

    provenance = {k: v for k, v in scenario.provenance.items() if used(k)}
    if not provenance:
        return []
    tags = pd.Series([s.tag.value for s in provenance.values()]).value_counts()
    return [
        render.Block("h2", labels.say("Where the inputs come from")),
        render.Block(
            "p",
            labels.say(
                "{n} inputs described by the scenario: {sourced} sourced (S), {recalled} recalled from a "
                "statute or figure not retrieved (R: verify before citing), {estimates} estimates (E). A "
                "key with * covers every name there; a named key is its exception. Where the sensitivity "
                "study ran (+experiment=sensitivity), an estimate's row says how many points the "
                "lived-time reduction moved between its low and high case; those rows come first, the "
                "largest first.",
                n=len(provenance),
                sourced=tags.get("S", 0),
                recalled=tags.get("R", 0),
                estimates=tags.get("E", 0),
            ),
        ),
        render.Block("table", labels.frame(tables.provenance_table(provenance, sensitivity, labels))),
    ]


def office_today(folders: tuple[Path, ...], scenario: str, labels: Labels) -> list[render.Block]:
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


def inert_blocks(chosen: Selection, labels: Labels) -> list[render.Block]:
    """The levers each design switches on that find nothing to act on here, and why (from each
    job's summary): a design's "no change" is then read as what it is."""
    rows = []
    for run, design in zip(chosen.at_base["run"], chosen.at_base["design"], strict=True):
        summary = json.loads((chosen.collected.jobs[run] / DONE).read_text())
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


def background_blocks(chosen: Selection, labels: Labels) -> list[render.Block]:
    """Utilisation with and without the hours staff give to work the model does not follow."""
    resources = chosen.read("resources", ["design", "resource", "utilisation", "background"])
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
