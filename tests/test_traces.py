"""Hand-computed traces on tiny deterministic scenarios, one per path through the model.

Every case in these scenarios meets an empty office (arrivals ~1000 h apart), so each case
must follow exactly the trace written here, relative to its arrival.
"""

from dataclasses import replace

import pytest
from builders import Inspection, chain, det, with_item

from sim import BUNDLED, SINGLE, Checklist, Delivery, Department, Design, Routing, Window, run
from sim.domain.design import Application, Decisions, Filing, Forms, HeldDocuments, Licences
from sim.domain.scenario import Away


def traces(result):
    """Per case: [(item, activity, resource, start, end)] with times relative to arrival."""
    steps = result.steps.merge(result.cases[["case", "arrival"]], on="case")
    out = {}
    for case, rows in steps.groupby("case", sort=True):
        out[case] = [
            (r.item, r.activity, r.resource, round(r.start - r.arrival, 6), round(r.end - r.arrival, 6))
            for r in rows.itertuples()
        ]
    return out


def only_trace(result):
    """The one trace every case follows (fails if two cases differ)."""
    all_traces = list(traces(result).values())
    assert len(all_traces) >= 5
    assert all(t == all_traces[0] for t in all_traces)
    return all_traces[0]


def case_values(result, column):
    values = set(result.cases[column])
    assert len(values) == 1, f"{column} differs between cases: {values}"
    return values.pop()


def test_single_chain_collects_the_licence_before_the_next_item():
    r = run(chain(), SINGLE, seed=1)
    assert only_trace(r) == [
        ("a", "intake", "A.clerks", 0, 1),
        ("a", "review", "A.reviewers", 1, 11),
        ("a", "pickup", "A.clerks", 14, 14),
        ("b", "intake", "B.clerks", 14, 16),
        ("b", "review", "B.reviewers", 16, 21),
        ("b", "pickup", "B.clerks", 24, 24),
    ]
    assert case_values(r, "lead_time") == 24
    assert case_values(r, "trips") == 4  # submit + collect at each department
    assert case_values(r, "documents") == 5  # id, form_a; then lic, id, form_b
    assert case_values(r, "distinct_documents") == 4
    assert case_values(r, "windows") == 2
    assert case_values(r, "waiting") == 0


def test_bundled_chain_one_visit_shared_licence_mailed_results():
    r = run(chain(), BUNDLED, seed=1)
    assert only_trace(r) == [
        ("a+b", "intake", "one_stop.clerks", 0, 3),  # one merged dossier, intake 1 + 2 h
        ("a", "review", "A.reviewers", 3, 13),
        ("a", "mail", "post", 13, 15),
        ("b", "review", "B.reviewers", 13, 18),  # starts as soon as the licence exists
        ("b", "mail", "post", 18, 20),
    ]
    assert case_values(r, "lead_time") == 20
    assert case_values(r, "trips") == 1
    assert case_values(r, "documents") == 3  # id, form_a, form_b: the licence comes from data sharing
    assert case_values(r, "windows") == 1


def test_an_items_statutory_clock_starts_when_its_prerequisites_are_met():
    """Bundled: b is accepted with a at the one-stop window (3 h), but needs a's licence, which
    exists at 13 h: b's clock runs 13 -> 18, not 3 -> 18. Single: b is accepted only after
    the applicant brings the licence, so its clock starts at acceptance as before."""
    bundled = run(chain(), BUNDLED, seed=1).decisions
    first = bundled[bundled["case"] == bundled["case"].min()].set_index("item")
    arrival = run(chain(), BUNDLED, seed=1).cases["arrival"].min()
    clock = first[["accepted", "started", "decided"]] - arrival
    assert clock.loc["a"].tolist() == [3, 3, 13] and clock.loc["b"].tolist() == [3, 13, 18]
    assert first.loc["b", "working_days"] == pytest.approx(5 / 24)  # round the clock: days of 24 h
    single = run(chain(), SINGLE, seed=1).decisions
    assert (single["started"] == single["accepted"]).all()


@pytest.mark.parametrize(
    ("lever", "lead_time", "trips", "documents"),
    [
        # The licence must be in hand before b, so one-stop still collects it; b waits for the joint pickup.
        ({"window": Window.one_stop}, 24, 4, 5),
        # Without data sharing b needs the licence on paper: the merged dossier holds a alone.
        ({"checklist": Checklist.merged}, 24, 4, 5),
        # b depends on a, so parallel routing changes nothing here.
        ({"routing": Routing.parallel}, 24, 4, 5),
        # The licence is no longer handed over, but sequential routing still waits for it in hand.
        ({"data_sharing": True}, 24, 4, 4),
        # Mail replaces both pickups and their 3 h delay with a 2 h post.
        ({"delivery": Delivery.mail}, 22, 2, 5),
        # E-licences: each result is in hand at decision, so b starts at 11 and no pickup trips.
        ({"licences": Licences.electronic}, 18, 2, 5),
        # 免提交: the ID department A holds is fetched for a and for b; the licence a produces
        # inside the need is data sharing's, so it is still carried and handed over.
        ({"held_documents": HeldDocuments.fetched}, 24, 4, 3),
    ],
)
def test_each_lever_alone_on_the_chain(lever, lead_time, trips, documents):
    r = run(chain(held_by={"id": "A"}), Design(**lever), seed=1)
    assert case_values(r, "lead_time") == lead_time
    assert case_values(r, "trips") == trips
    assert case_values(r, "documents") == documents


def test_parallel_independent_items_go_to_both_departments_at_once():
    scenario = chain(demand={"cd": 0.001})
    r = run(scenario, Design(routing=Routing.parallel), seed=2)
    assert sorted(only_trace(r), key=lambda s: (s[3], s[0])) == [
        ("c", "intake", "A.clerks", 0, 1),
        ("d", "intake", "B.clerks", 0, 2),
        ("c", "review", "A.reviewers", 1, 11),
        ("d", "review", "B.reviewers", 2, 7),
        ("d", "pickup", "B.clerks", 10, 10),
        ("c", "pickup", "A.clerks", 14, 14),
    ]
    assert case_values(r, "lead_time") == 14
    assert case_values(r, "trips") == 4


def test_one_stop_parallel_hands_in_separate_dossiers_in_one_visit_and_collects_once():
    scenario = chain(demand={"cd": 0.001})
    r = run(scenario, Design(window=Window.one_stop, routing=Routing.parallel), seed=2)
    assert only_trace(r) == [
        ("c+d", "intake", "one_stop.clerks", 0, 3),
        ("d", "review", "B.reviewers", 3, 8),
        ("c", "review", "A.reviewers", 3, 13),
        ("c+d", "pickup", "one_stop.clerks", 16, 16),
    ]
    assert case_values(r, "trips") == 2
    assert case_values(r, "documents") == 3  # id and form_c for c, form_d for d


def test_a_need_of_one_item_at_the_one_stop_window_collects_its_held_result():
    """A lone item runs as the case's own process: its result is held at the one-stop window
    and collected in one more trip, and only then is the case closed."""
    scenario = chain(demand={"c_only": 0.001}, needs={"c_only": ["c"]})
    r = run(scenario, Design(window=Window.one_stop), seed=5)
    assert only_trace(r) == [
        ("c", "intake", "one_stop.clerks", 0, 1),
        ("c", "review", "A.reviewers", 1, 11),
        ("c", "pickup", "one_stop.clerks", 14, 14),
    ]
    assert case_values(r, "lead_time") == 14
    assert case_values(r, "trips") == 2
    assert r.cases["finished"].all() and len(r.decisions) == len(r.cases)


def test_incomplete_dossier_costs_a_trip_a_preparation_and_documents_each_time():
    scenario = with_item(chain(demand={"cd": 0.001}), "c", p_incomplete=0.5, prepare=det(4))
    scenario = replace(scenario, needs={**scenario.needs, "cd": ["c"]})
    r = run(scenario, SINGLE, seed=3)
    cases = r.cases
    n = cases["reworks"]
    assert {0, 1} <= set(n) and n.max() >= 2  # accepted at once, and rejected once and more
    # Each rejection: 1 h intake, 4 h preparing, then another visit; then 10 h review, 3 h to pickup.
    assert (cases["lead_time"] == 14 + 5 * n).all()
    assert (cases["trips"] == n + 2).all()
    assert (cases["documents"] == 2 * (n + 1)).all()
    for case, trace in traces(r).items():
        k = int(n[cases["case"] == case].iloc[0])
        assert [s[1] for s in trace] == ["intake", "prepare"] * k + ["intake", "review", "pickup"]


def test_merged_dossier_needs_as_many_returns_as_its_worst_part():
    """Common random numbers: item by item (single) and merged (bundled) meet the same
    incomplete parts, so merged returns equal the largest per-item count of returns."""
    scenario = chain(demand={"cd": 0.002})
    for name in ("c", "d"):
        scenario = with_item(scenario, name, p_incomplete=0.4, prepare=det(4))
    single = run(scenario, SINGLE, seed=4)
    bundled = run(scenario, BUNDLED, seed=4)
    intakes = single.steps[single.steps["activity"] == "intake"]
    per_item_returns = intakes.groupby(["case", "item"], observed=True).size().unstack() - 1
    assert (single.cases.set_index("case")["reworks"] == per_item_returns.sum(axis=1)).all()
    worst = per_item_returns.max(axis=1)
    assert worst.max() >= 2 and (per_item_returns["c"] != per_item_returns["d"]).any()
    assert (bundled.cases.set_index("case")["reworks"] == worst).all()
    assert (bundled.cases.set_index("case")["trips"] == worst + 1).all()


def test_site_inspection_follows_review_with_the_department_inspectors():
    scenario = with_item(chain(), "b", inspection=Inspection(probability=1.0, duration=det(6)))
    r = run(scenario, SINGLE, seed=1)
    trace = only_trace(r)
    assert trace[-2:] == [("b", "inspection", "B.inspectors", 21, 27), ("b", "pickup", "B.clerks", 30, 30)]


def test_an_item_decided_at_the_window_is_handed_over_on_the_spot():
    scenario = with_item(chain(demand={"cd": 0.001}), "d", review=None)
    scenario = replace(scenario, needs={**scenario.needs, "cd": ["d"]})
    r = run(scenario, SINGLE, seed=5)
    assert only_trace(r) == [("d", "intake", "B.clerks", 0, 2)]
    assert case_values(r, "trips") == 1


def test_queueing_at_a_busy_window_is_counted_as_waiting():
    """Two applicants arriving together at one clerk: the second waits the first's intake."""
    scenario = chain(demand={"ab": 50.0}, horizon=0.2, drain=500)
    scenario.departments["A"] = Department(clerks=1)
    r = run(scenario, SINGLE, seed=6)
    first_intakes = r.steps[(r.steps["activity"] == "intake") & (r.steps["item"] == "a")]
    waits = (first_intakes["start"] - first_intakes["enqueue"]).to_numpy()
    assert len(first_intakes) >= 3 and waits[0] == 0 and (waits[1:] > 0).all()
    queued = r.steps[r.steps["activity"].isin(["intake", "review", "inspection"])]
    assert r.cases["waiting"].sum() == pytest.approx((queued["start"] - queued["enqueue"]).sum())


def test_one_form_enters_shared_fields_once_and_counts_the_forms_as_one():
    """一表申请: c (intake 1 h) and d (2 h) in one merged dossier with one form: the longest part
    plus half the other (2.5 h, not 3), and id + one form handed over (2 documents, not 3)."""
    scenario = chain(demand={"cd": 0.001}, forms=["form_c", "form_d"], one_form_share=0.5)
    merged = Design(window=Window.one_stop, checklist=Checklist.merged, routing=Routing.parallel)
    r = run(scenario, replace(merged, forms=Forms.one_form), seed=2)
    assert only_trace(r)[0] == ("c+d", "intake", "one_stop.clerks", 0, 2.5)
    assert case_values(r, "documents") == 2
    r = run(scenario, merged, seed=2)  # separate forms: the sum, and both forms
    assert only_trace(r)[0] == ("c+d", "intake", "one_stop.clerks", 0, 3)
    assert case_values(r, "documents") == 3


def test_joint_approval_starts_a_dependent_item_on_acceptance_and_decides_it_after():
    """并联: b needs a's licence; with joint approval it is handed in once a is accepted (1 h),
    reviewed alongside a (3 -> 8), and decided when a is (11), without the licence in hand."""
    r = run(chain(), Design(routing=Routing.parallel, joint_approval=True), seed=1)
    assert sorted(only_trace(r), key=lambda s: (s[3], s[0])) == [
        ("a", "intake", "A.clerks", 0, 1),
        ("a", "review", "A.reviewers", 1, 11),
        ("b", "intake", "B.clerks", 1, 3),
        ("b", "review", "B.reviewers", 3, 8),
        ("a", "pickup", "A.clerks", 14, 14),
        ("b", "pickup", "B.clerks", 14, 14),
    ]
    assert case_values(r, "lead_time") == 14
    assert case_values(r, "documents") == 4  # the licence is issued with b, not carried
    decisions = r.decisions[r.decisions["case"] == r.decisions["case"].min()].set_index("item")
    arrival = r.cases["arrival"].min()
    assert (decisions[["accepted", "started", "decided"]].loc["b"] - arrival).tolist() == [3, 3, 11]


def test_joint_site_visits_bring_a_later_booking_to_the_visit_already_booked():
    """联合踏勘: c books its inspection two days ahead; d, which could only be visited four days
    ahead, joins c's visit. Both are handed in at once (parallel routing, two windows)."""
    from sim.domain.design import SiteVisits
    from sim.domain.scenario import Step

    def inspected(days):
        return [Step(name="inspection", pool="inspectors", work=det(1), booking=det(days))]

    base = chain(demand={"cd": 0.001})
    base = replace(
        base, departments={**base.departments, "A": Department(clerks=9, reviewers=9, inspectors=9)}
    )
    scenario = with_item(
        with_item(base, "c", review=None, steps=inspected(2)), "d", review=None, steps=inspected(4)
    )
    parallel = replace(SINGLE, routing=Routing.parallel)
    separate = only_trace(run(scenario, parallel, seed=1))
    joint = only_trace(run(scenario, replace(parallel, site_visits=SiteVisits.joint), seed=1))
    # c: intake 0-1, visit booked 48 h on, at 49-50; d: intake 0-2, its own booking 96 h on.
    assert ("c", "inspection", "A.inspectors", 49, 50) in separate and (
        "c",
        "inspection",
        "A.inspectors",
        49,
        50,
    ) in joint
    assert ("d", "inspection", "B.inspectors", 98, 99) in separate
    assert ("d", "inspection", "B.inspectors", 49, 50) in joint
    # A visit booked sooner than the case's is never put off: d first, then c, keep their own.
    early = with_item(scenario, "d", steps=inspected(1))
    assert only_trace(run(early, parallel, seed=1)) == only_trace(
        run(early, replace(parallel, site_visits=SiteVisits.joint), seed=1)
    )


def test_automatic_approval_decides_a_standard_file_at_acceptance_and_the_rest_as_before():
    """智能办: with rules deciding, every file of an item that is all standard is decided at
    intake, no back office and no pickup; by a person, the same files go the usual way. About
    half of a half-standard item's files are decided by rules, the same ones whatever the other
    levers (common random numbers)."""
    base = chain()
    rules = replace(SINGLE, decisions=Decisions.by_rules)
    standard = with_item(base, "a", automatable=0.999999)
    r = run(standard, rules, seed=1)
    a = r.steps[r.steps["item"] == "a"]
    assert set(a["activity"]) == {"intake"}
    decided = r.decisions[r.decisions["item"] == "a"]
    assert decided["by_rules"].all() and (decided["decided"] == decided["accepted"]).all()
    assert set(run(standard, SINGLE, seed=1).steps.query("item == 'a'")["activity"]) == {
        "intake",
        "review",
        "pickup",
    }
    half = with_item(base, "a", automatable=0.5)
    by_rules = run(half, rules, seed=2).decisions.query("item == 'a'").set_index("case")["by_rules"]
    assert 0.4 < by_rules.mean() < 0.6
    both = run(half, replace(rules, delivery=BUNDLED.delivery), seed=2).decisions.query("item == 'a'")
    assert both.set_index("case")["by_rules"].equals(by_rules)


def test_a_case_found_from_shared_data_is_served_without_applying_and_the_rest_apply():
    """免申办: with every item of the need able to find its applicants, found cases make no trip
    and hand over no document; their files start after the eligibility delay (3 h) and the
    results are in hand. By request, the same cases apply as before; about half are found when
    the share is a half, the same ones under every design."""
    base = with_item(
        with_item(chain(), "a", proactive=0.999999, proactive_delay=det(3)), "b", proactive=0.999999
    )
    proactive = replace(SINGLE, application=Application.proactive)
    r = run(base, proactive, seed=1)
    assert set(r.steps["activity"]) == {"review"}  # no intake, no pickup
    assert case_values(r, "trips") == 0 and case_values(r, "documents") == 0
    a = r.decisions[r.decisions["item"] == "a"].merge(r.cases[["case", "arrival"]], on="case")
    assert (a["accepted"] - a["arrival"]).round(9).eq(3).all()
    assert run(base, SINGLE, seed=1).cases["trips"].min() > 0
    half = with_item(with_item(chain(), "a", proactive=0.5), "b", proactive=0.9)
    found = run(half, proactive, seed=2).cases.set_index("case")["trips"].eq(0)
    assert 0.4 < found.mean() < 0.6  # a case is found when both items can find it: the smaller share
    again = (
        run(half, replace(proactive, delivery=BUNDLED.delivery), seed=2)
        .cases.set_index("case")["trips"]
        .eq(0)
    )
    assert again.equals(found)


def test_filing_at_any_centre_saves_far_trips_and_costs_the_forwarding():
    """跨域办: an applicant whose nearest centre is another district's makes every trip to the
    competent centre a far trip; filing at any centre, where both items may be filed anywhere,
    none is far, and each accepted dossier reaches its back office 4 h later (reviews start at
    5 and 24, not 1 and 16: the single chain's trace moved by the forwarding). A need with an
    item that must be filed at home keeps its far trips and its trace."""
    away = replace(chain(), away=Away(share=0.999999, trip_hours=2.0, forward=det(4)))
    anywhere = with_item(with_item(away, "a", anywhere=True), "b", anywhere=True)
    home = run(anywhere, SINGLE, seed=1)
    assert case_values(home, "far_trips") == case_values(home, "trips") == 4
    any_centre = replace(SINGLE, filing=Filing.any_centre)
    r = run(anywhere, any_centre, seed=1)
    assert only_trace(r) == [
        ("a", "intake", "A.clerks", 0, 1),
        ("a", "review", "A.reviewers", 5, 15),
        ("a", "pickup", "A.clerks", 18, 18),
        ("b", "intake", "B.clerks", 18, 20),
        ("b", "review", "B.reviewers", 24, 29),
        ("b", "pickup", "B.clerks", 32, 32),
    ]
    assert case_values(r, "far_trips") == 0 and case_values(r, "trips") == 4
    assert case_values(r, "lead_time") == 24 + 2 * 4
    only_a = with_item(away, "a", anywhere=True)
    kept = run(only_a, any_centre, seed=1)
    assert case_values(kept, "far_trips") == 4
    assert only_trace(kept) == only_trace(run(only_a, SINGLE, seed=1))
