"""Routed back offices (sim.domain.routes): hand traces of a file returned to the applicant and
of an uncounted step on the legal clock, choices made once per file, caps on loops, and the
refusals of routes a file could never leave."""

from dataclasses import replace

import pytest
from builders import det, with_item
from test_traces import case_values, only_trace

from sim import BUNDLED, SINGLE, ConfigError, Department, Item, Scenario, run
from sim.domain.design import Acceptance, Online
from sim.domain.routes import expected_visits
from sim.domain.scenario import ChannelMix, Return, Step

NEARLY = 0.999999  # a return taken by every file of a trace (at most one: max_visits 2)


def permit(*steps: Step, **item) -> Scenario:
    """One permit at department A (every pool nine strong, arrivals ~1000 h apart: every case
    meets an empty office), no calendars: the legal clock counts elapsed days."""
    return Scenario(
        name="route",
        documents={"form": "form"},
        departments={"A": Department(clerks=9, reviewers=9, inspectors=9, leaders=9)},
        items={
            "permit": Item(
                department="A", documents=["form"], intake=det(1), steps=list(steps), limit_days=1.5, **item
            )
        },
        needs={"get": ["permit"]},
        demand={"get": 0.001},
        pickup_delay=det(3),
        horizon=30_000,
        drain=1_000,
    )


def returned_once() -> Scenario:
    return permit(
        Step(
            name="review",
            work=det(10),
            max_visits=2,
            returns=Return(probability=NEARLY, prepare=det(20), documents=2),
        ),
        Step(name="inspection", pool="inspectors", work=det(4), counted=False),
    )


def test_a_file_returned_for_supplementary_documents_costs_a_trip_documents_and_stops_the_clock():
    r = run(returned_once(), SINGLE, seed=1)
    assert only_trace(r) == [
        ("permit", "intake", "A.clerks", 0, 1),
        ("permit", "review", "A.reviewers", 1, 11),
        ("permit", "supplement", "applicant", 11, 31),  # 补正: gathering the documents
        ("permit", "hand_in", "A.clerks", 31, 31),  # handing them over at the window: a trip
        ("permit", "review", "A.reviewers", 31, 41),  # reviewed again
        ("permit", "inspection", "A.inspectors", 41, 45),
        ("permit", "pickup", "A.clerks", 48, 48),
    ]
    assert case_values(r, "lead_time") == 48
    assert case_values(r, "trips") == 3  # intake, the supplementary documents, pickup
    assert case_values(r, "documents") == 3  # the form, then two more
    assert case_values(r, "reworks") == 0  # a rework is a dossier sent back at the window
    assert case_values(r, "applicant") == 20 + 3
    d = r.decisions
    # 44 h from acceptance to decision; the 补正 (20 h) and the inspection (4 h) not counted
    assert set(d["working_days"].round(9)) == {round(44 / 24, 9)}
    assert set(d["legal_days"].round(9)) == {round(20 / 24, 9)}
    assert d["on_time"].eq(False).all() and d["on_time_legal"].all()  # limit 1.5 days


@pytest.mark.parametrize(
    "design",
    [replace(SINGLE, acceptance=Acceptance.tolerant), replace(SINGLE, online=Online.whole_need)],
    ids=["tolerant", "online"],
)
def test_supplementary_documents_come_without_a_trip_when_sent_in(design):
    """Under tolerant acceptance the documents follow by post or upload, online they are
    uploaded: the applicant's time and the documents count, the trip does not."""
    scenario = returned_once()
    if design.online is Online.whole_need:
        scenario = replace(scenario, channels={"get": ChannelMix(in_person=0.0, online=1.0)})
    r = run(scenario, design, seed=1)
    expected_trips = 2 if design.online is not Online.whole_need else 0
    assert case_values(r, "trips") == expected_trips
    assert case_values(r, "documents") == 3


def test_a_choice_is_made_once_per_file_and_the_same_under_every_design():
    """The expert path: review, then expert review and the expert meeting (both or neither,
    drawn once per file), or the plain check (only when not expert), then sign-off."""
    scenario = permit(
        Step(name="review", work=det(2)),
        Step(name="expert_review", work=det(5), when="expert", counted=False),
        Step(name="expert_meeting", pool="leaders", work=det(1), when="expert", counted=False),
        Step(name="check", work=det(1), unless="expert"),
        Step(name="sign", pool="leaders", work=det(1)),
        choices={"expert": 0.3},
    )
    scenario = replace(scenario, demand={"get": 0.01})
    paths = {}
    for design in (SINGLE, BUNDLED):
        r = run(scenario, design, seed=4)
        acts = (
            r.steps[r.steps["activity"] != "intake"]
            .groupby("case")["activity"]
            .agg(lambda a: tuple(map(str, a)))
        )
        paths[design.label] = acts
        expert = ("review", "expert_review", "expert_meeting", "sign")
        plain = ("review", "check", "sign")
        assert set(acts.map(lambda a: tuple(x for x in a if x not in ("pickup", "mail")))) == {expert, plain}
    assert (
        paths["single"]
        .map(lambda a: "expert_review" in a)
        .equals(paths["bundled"].map(lambda a: "expert_review" in a))
    )  # common random numbers: the same files take the expert path
    share = paths["single"].map(lambda a: "expert_review" in a).mean()
    assert 0.25 < share < 0.35  # about 300 files


def test_a_loop_stops_at_its_cap_and_the_rest_keeps_its_odds():
    """Re-review with 0.9, at most 3 reviews: 1, 2 or 3 reviews with 0.1, 0.09 and 0.81."""
    scenario = permit(Step(name="review", work=det(1), then={"review": 0.9}, max_visits=3))
    scenario = replace(scenario, demand={"get": 0.02}, horizon=60_000)
    r = run(scenario, SINGLE, seed=2)
    reviews = r.steps[r.steps["activity"] == "review"].groupby("case").size()
    shares = reviews.value_counts(normalize=True).sort_index()
    assert list(shares.index) == [1, 2, 3]
    assert shares.to_numpy() == pytest.approx([0.1, 0.09, 0.81], abs=0.02)  # about 1,200 files
    assert expected_visits(scenario.items["permit"])["review"] == pytest.approx(10)  # uncapped: a bound


@pytest.mark.parametrize(
    ("steps", "key", "message"),
    [
        (
            [Step(name="review", work=det(1), then={"review": 1.0})],
            "scenario.items.permit.steps",
            "never leaves",
        ),
        (
            [Step(name="review", work=det(1), then={"sign": 0.5})],
            "scenario.items.permit.steps[0].then.sign",
            "unknown step",
        ),
        (
            [Step(name="review", work=det(1), then={"review": 0.7, "x": 0.6}), Step(name="x", work=det(1))],
            "scenario.items.permit.steps[0].then",
            "add up to 1.3",
        ),
        (
            [Step(name="review", work=det(1), probability=0.5, then={})],
            "scenario.items.permit.steps[0].probability",
            "leave probability 1",
        ),
        (
            [Step(name="review", work=det(1), when="expert")],
            "scenario.items.permit.steps[0].when",
            "unknown choice",
        ),
        (
            [Step(name="review", work=det(1), returns=Return(probability=1.0, prepare=det(1)))],
            "scenario.items.permit.steps[0].returns.probability",
            "in [0, 1)",
        ),
    ],
)
def test_a_route_a_file_could_not_follow_is_refused_by_key(steps, key, message):
    with pytest.raises(ConfigError) as err:
        with_item(permit(Step(name="review", work=det(1))), "permit", steps=steps)
    assert err.value.key == key and message in str(err.value)


def test_the_journey_marks_the_trip_that_hands_in_supplementary_documents():
    from sim.analysis import journeys

    r = run(returned_once(), SINGLE, seed=1)
    case = int(r.cases["case"].iloc[0])
    path = journeys.journey(r, case)
    assert int(path["trip"].sum()) == int(r.cases.set_index("case").loc[case, "trips"]) == 3
    assert path.loc[path["activity"] == "hand_in", "arrives"].tolist() == [31.0 / 24]


def recorded_office() -> Scenario:
    """An office as its log records it: no window (the file is filed straight to the back office),
    an extraneous delay before the second step, the office's own activity names, a pool of
    another department, the result issued electronically."""
    base = permit(Step(name="review", work=det(1)))
    base = replace(base, departments={**base.departments, "B": Department(reviewers=2)})
    return with_item(
        base,
        "permit",
        intake=None,
        pickup=False,
        steps=[
            Step(name="check", work=det(2), label="T02 Check confirmation of receipt"),
            Step(name="decide", pool="B.reviewers", work=det(3), delay=det(5), label="Decide (B)"),
        ],
    )


def test_an_office_without_windows_runs_its_own_activities_with_delays_and_other_pools():
    r = run(recorded_office(), SINGLE, seed=1)
    assert only_trace(r) == [
        ("permit", "T02 Check confirmation of receipt", "A.reviewers", 0, 2),
        ("permit", "Decide (B)", "B.reviewers", 7, 10),  # 5 h of delay before its queue
    ]
    assert case_values(r, "lead_time") == 10
    assert case_values(r, "trips") == 0 and case_values(r, "documents") == 0
    steps = r.steps[r.steps["activity"] == "Decide (B)"]
    assert (steps["enqueue"] - steps["start"]).eq(0).all()  # the delay is not queueing


def test_a_file_starts_where_first_says_and_the_steps_visits_follow():
    """Half the files start at the check, half at the decision (about 1,200 files)."""
    scenario = recorded_office()
    item = scenario.items["permit"]
    steps = [replace(item.steps[0], then={"decide": 1.0}), replace(item.steps[1], then={})]
    scenario = replace(
        with_item(scenario, "permit", steps=steps, first={"check": 0.5, "decide": 0.5}),
        demand={"get": 0.02},
        horizon=60_000,
    )
    r = run(scenario, SINGLE, seed=3)
    firsts = r.steps.sort_values(["case", "start"]).groupby("case")["activity"].first().astype(str)
    share = firsts.eq("T02 Check confirmation of receipt").mean()
    assert 0.46 < share < 0.54
    assert expected_visits(scenario.items["permit"]) == pytest.approx({"check": 0.5, "decide": 1.0})


@pytest.mark.parametrize(
    ("change", "key", "message"),
    [
        ({"first": {"nowhere": 1.0}}, "scenario.items.permit.first.nowhere", "unknown step"),
        ({"first": {"check": 0.5}}, "scenario.items.permit.first", "add up to 0.5"),
        ({"p_incomplete": 0.1, "prepare": det(1)}, "scenario.items.permit.p_incomplete", "no window"),
    ],
)
def test_an_office_route_that_cannot_be_followed_is_refused_by_key(change, key, message):
    with pytest.raises(ConfigError) as err:
        with_item(recorded_office(), "permit", **change)
    assert err.value.key == key and message in str(err.value)


@pytest.mark.parametrize(
    ("step", "key", "message"),
    [
        (Step(name="x", pool="C.reviewers", work=det(1)), "pool", "unknown department 'C'"),
        (Step(name="x", pool="B.inspectors", work=det(1)), "pool", "'B' has no inspectors"),
        (Step(name="x", work=det(1), label="a\nb"), "label", "printable"),
    ],
)
def test_a_step_of_an_office_is_refused_by_key(step, key, message):
    with pytest.raises(ConfigError) as err:
        with_item(recorded_office(), "permit", steps=[step])
    assert err.value.key == f"scenario.items.permit.steps[0].{key}" and message in str(err.value)


def test_a_loop_through_a_step_no_file_works_is_refused_not_turned_for_ever():
    """Passes count whether or not the file works the step: a step that loops on itself with
    probability close to 1, worked only on a choice drawn with probability 0, would turn about
    a million times per file with no visit counted against its cap."""
    looping = Step(name="review", work=det(1), when="expert", then={"review": NEARLY}, max_visits=2)
    with pytest.raises(ConfigError) as err:
        with_item(
            permit(Step(name="review", work=det(1))), "permit", steps=[looping], choices={"expert": 0.0}
        )
    assert err.value.key == "scenario.items.permit.steps" and "worked or not" in str(err.value)
