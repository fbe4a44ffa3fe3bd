"""The report's sections on what applicants live at the base staffing: the limits met, the
checklist they hand over, where their lead time goes, promised against lived time, and the
distribution of lead times with the warm-up that was cut."""

from __future__ import annotations

from sim.analysis import charts, render, tables, warmup
from sim.analysis.labels import Labels
from sim.analysis.study_runs import Selection

CASES = ["design", "need", "arrival", "lead_time_working_days", "finished", "documents", "distinct_documents"]


def blocks(chosen: Selection, palette, labels: Labels, fig) -> list[render.Block]:
    """The limits, checklist, breakdown, promises, distribution and warm-up."""
    conf = chosen.conf
    cases = chosen.read("cases", CASES)
    cases = cases[(cases["arrival"] >= conf.scenario.warmup) & cases["finished"]]
    return [
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
        render.Block(
            "table",
            labels.frame(tables.compliance_table(chosen.read("decisions"), conf.scenario.warmup, labels)),
        ),
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
                "for a result) and delivery are parts no staffing removes. Calendar days, not the "
                "headline's working days: the parts run on different clocks (an applicant prepares and "
                "the post travels on any day, the office works on working days), and each night and "
                "weekend a case waits through belongs to the part it waits in; the last column is the "
                "same lead time in working days."
            ),
        ),
        render.Block("table", labels.frame(tables.breakdown_table(chosen.configs_base))),
        fig("lead_time_breakdown", charts.lead_time_breakdown(chosen.configs_base, labels)),
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
        render.Block("table", labels.frame(tables.promise_table(cases, chosen.promises()))),
        render.Block("h2", labels.say("Lead-time distribution")),
        fig("lead_time_ecdf", charts.lead_time_ecdf(cases, palette, tables.statutory_limit(conf), labels)),
        *warmup.blocks(
            chosen.read(
                "cases",
                ["design", "replication", "arrival", "lead_time", "lead_time_working_days", "finished"],
            ),
            conf.scenario.warmup,
            fig,
            labels,
        ),
    ]
