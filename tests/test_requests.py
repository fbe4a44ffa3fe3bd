"""Enterprise requests through the front, middle and back tiers: hand-computed traces of each
path on scripted requests, then conservation, separation from permits and validation."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from builders import chain, det, exp

from sim import SINGLE, ConfigError, run
from sim.domain.checks import validate
from sim.domain.requests import (
    FailedWindow,
    Meeting,
    OverdueEffect,
    OverdueReport,
    RequestClass,
    Requests,
    Satisfaction,
)
from sim.domain.scenario import Department, Item, Scenario, Specialists
from sim.experiment.metrics import summarise_requests
from sim.model import Model
from sim.run import tables

NEVER = 1e-9  # a class rate that brings no random arrivals: the test scripts them


def office(classes: dict[str, RequestClass], **requests) -> Scenario:
    """Departments A and B with one reviewer each, two specialists, two coordinators; permits
    practically never arrive, so reviewers see only what a test sends them."""
    return Scenario(
        name="tiers",
        departments={"A": Department(reviewers=1), "B": Department(reviewers=1)},
        items={"p": Item(department="A", intake=det(1))},
        needs={"permit": ["p"]},
        demand={"permit": NEVER},
        specialists=Specialists(staff=2),
        requests=Requests(classes=classes, coordinators=2, **requests),
        horizon=1_000,
        drain=2_000,
    )


def cls(**kw) -> RequestClass:
    base = {"rate": NEVER, "front": det(2), "analysis": det(3), "departments": ["A"], "work": det(5)}
    return RequestClass(**(base | kw))


def scripted(scenario: Scenario, script: list[tuple[float, str, object]]):
    """Run ``scenario`` with requests submitted (``("submit", class)``) and reviewers held
    (``("hold", (department, hours))``) at the given times; return the run's tables."""
    model = Model(scenario, SINGLE, seed=0)
    env = model.env

    def hold(department: str, hours: float):
        pool = model.centre.pools[f"{department}.reviewers"]
        with pool.request() as req:
            yield req
            yield env.timeout(hours)

    def play():
        for at, action, arg in sorted(script, key=lambda s: s[0]):
            yield env.timeout(at - env.now)
            if action == "submit":
                model.desk.submit(arg)
            else:
                env.process(hold(*arg))

    env.process(play())
    model.run()
    return tables(model)


def by_request(result) -> list[dict]:
    return result.requests.sort_values("request").to_dict("records")


def work_steps(result, request: int):
    steps = result.request_steps
    return steps[(steps["request"] == request) & (steps["activity"] == "work")]


def test_front_tier_settles_alone():
    r = scripted(office({"policy": cls(p_front=1.0, visits=2)}), [(10, "submit", "policy")])
    (req,) = by_request(r)
    assert req["tier"] == "front" and req["escalation"] == "none"
    assert req["closed_at"] == 12.0  # front work 2 h
    assert req["departments"] == "" and req["specialist_trips"] == 2
    assert list(r.request_steps["activity"]) == ["front"]


def test_dispatch_to_two_departments_runs_in_parallel_and_closes_with_the_later():
    scenario = office({"joint": cls(departments=["A", "B"], work=exp(10), deadline_days=30)})
    r = scripted(scenario, [(10, "submit", "joint")])
    (req,) = by_request(r)
    work = work_steps(r, 0)
    assert sorted(work["resource"]) == ["A.reviewers", "B.reviewers"]
    assert (work["start"] == 15.0).all()  # front 2 h + analysis 3 h, both start at once
    assert work["end"].nunique() == 2  # two different draws
    assert req["closed_at"] == work["end"].max()
    assert req["tier"] == "middle" and req["departments"] == "A+B" and req["n_departments"] == 2
    assert not req["overdue"]


def test_overdue_request_escalates_and_the_meeting_pushes_it_ahead():
    """A's reviewer is held until 200 h. An earlier request queues first; ours (deadline one day)
    is overdue at 39 h, heard at the sitting on day 2 (48 h) and pushed ahead of it."""
    scenario = office(
        {"slow": cls(deadline_days=100), "tight": cls(deadline_days=1)},
        meeting=Meeting(first_day=2, at="00:00", every_days=7, capacity=5),
    )
    r = scripted(scenario, [(0, "hold", ("A", 200)), (5, "submit", "slow"), (10, "submit", "tight")])
    slow, tight = by_request(r)
    assert tight["deadline"] == 15.0 + 24.0  # dispatched at 10 + 2 + 3
    assert tight["escalation"] == "overdue" and tight["tier"] == "back"
    assert tight["overdue_departments"] == "A" and tight["heard"] == 48.0
    assert tight["closed_at"] == 205.0  # first when the reviewer frees at 200
    assert slow["closed_at"] == 210.0 and slow["tier"] == "middle" and not slow["overdue"]


def test_overdue_request_whose_work_ends_before_the_sitting_leaves_the_agenda():
    scenario = office(
        {"tight": cls(deadline_days=1)}, meeting=Meeting(first_day=6, at="00:00", every_days=7, capacity=5)
    )
    r = scripted(scenario, [(0, "hold", ("A", 60)), (10, "submit", "tight")])
    (req,) = by_request(r)
    assert req["escalation"] == "overdue" and req["tier"] == "back"
    assert req["closed_at"] == 65.0 and np.isnan(req["heard"])
    assert r.sittings["heard"].sum() == 0


def test_urgent_goes_straight_to_the_meeting_and_is_dispatched_ahead():
    scenario = office(
        {"slow": cls(deadline_days=100), "urgent": cls(urgent=True, front=det(1))},
        meeting=Meeting(first_day=2, at="00:00", every_days=7, capacity=5),
    )
    r = scripted(scenario, [(0, "hold", ("A", 100)), (5, "submit", "slow"), (10, "submit", "urgent")])
    slow, urgent = by_request(r)
    assert urgent["tier"] == "back" and urgent["escalation"] == "urgent"
    assert urgent["heard"] == 48.0
    assert (r.request_steps.query("request == 1")["activity"] == "analysis").sum() == 0  # no middle tier
    assert urgent["closed_at"] == 105.0 and slow["closed_at"] == 110.0  # dispatched ahead of slow
    assert urgent["deadline"] == 48.0 + 10 * 24  # dispatched at the sitting


def test_a_full_meeting_leaves_the_rest_for_the_next_sitting():
    scenario = office(
        {"urgent": cls(urgent=True, front=det(1), work=det(1))},
        meeting=Meeting(first_day=2, at="00:00", every_days=7, capacity=1),
    )
    r = scripted(scenario, [(10, "submit", "urgent"), (12, "submit", "urgent")])
    first, second = by_request(r)
    assert first["heard"] == 48.0 and first["closed_at"] == 49.0
    assert second["heard"] == 48.0 + 168.0 and second["closed_at"] == 48.0 + 168.0 + 1.0
    sittings = r.sittings.set_index("time")
    assert sittings.loc[48.0, "agenda"] == 2 and sittings.loc[48.0, "heard"] == 1
    meeting = r.resources.set_index("resource").loc["meeting"]
    heard = r.sittings[r.sittings["time"] < 1000]["heard"]
    assert meeting["utilisation"] == pytest.approx(heard.sum() / len(heard))


def test_what_departments_cannot_settle_closes_at_the_sitting():
    scenario = office(
        {"hard": cls(p_unsettled=1.0)}, meeting=Meeting(first_day=2, at="00:00", every_days=7, capacity=5)
    )
    r = scripted(scenario, [(10, "submit", "hard")])
    (req,) = by_request(r)
    assert req["escalation"] == "unsettled" and req["closed_at"] == 48.0 and not req["overdue"]


@pytest.mark.parametrize("unresolved, closed", [(0.0, 48.0 + 2000.0), (1.0, 48.0)])
def test_a_hard_request_waits_for_its_policy_change_or_is_closed_unresolved(unresolved, closed):
    """Front 2 h, analysis 3 h, then the joint meeting on day 2 (48 h) takes it up: the policy
    change takes 2,000 h more, or the request is closed unresolved at the hearing. No
    department works on it."""
    meeting = Meeting(first_day=2, at="00:00", every_days=7, capacity=5)
    scenario = office({"land_use": cls(policy=det(2000), p_unresolved=unresolved)}, meeting=meeting)
    r = scripted(scenario, [(10, "submit", "land_use")])
    (req,) = by_request(r)
    assert req["tier"] == "back" and req["escalation"] == "policy" and req["heard"] == 48.0
    assert req["closed_at"] == closed and req["closed"] and req["resolved"] == (unresolved == 0)
    assert list(r.request_steps["activity"]) == ["front", "analysis", "hearing"]


def test_a_hard_request_still_waiting_at_the_horizon_is_open_and_counted_so():
    r = run(office({"land_use": cls(rate=0.01, policy=det(5_000))}), SINGLE, seed=1)
    m = summarise_requests(r)
    assert len(r.requests) > 3 and r.requests["resolved"].isna().all() and not r.requests["closed"].any()
    assert m["requests_closed_share"] == 0 and m["requests_unresolved_share"] == 0


@pytest.mark.parametrize(
    "effect, tight_close, slow_close", [("priority", 205.0, 210.0), ("none", 210.0, 205.0)]
)
def test_overdue_report_with_priority_pushes_listed_parts(effect, tight_close, slow_close):
    """No sitting before the hold ends; the daily overdue report lists the tight request at
    48 h and, with the priority effect, moves it ahead of the earlier one."""
    scenario = office(
        {"slow": cls(deadline_days=100), "tight": cls(deadline_days=1)},
        meeting=Meeting(first_day=30, capacity=5),
        report=OverdueReport(every_days=1, at="00:00", effect=OverdueEffect(effect)),
    )
    r = scripted(scenario, [(0, "hold", ("A", 200)), (5, "submit", "slow"), (10, "submit", "tight")])
    slow, tight = by_request(r)
    assert (tight["closed_at"], slow["closed_at"]) == (tight_close, slow_close)
    listed = r.overdue.set_index(["time", "department"])["overdue"]
    assert listed[(24.0, "A")] == 0 and listed[(48.0, "A")] == 1  # departments requests may involve


def test_reviewer_share_caps_request_work_at_once():
    scenario = office({"many": cls(work=det(10), deadline_days=100)}, reviewer_share=0.5)
    scenario = replace(scenario, departments={"A": Department(reviewers=4), "B": Department()})
    r = scripted(scenario, [(10, "submit", "many")] * 4)
    starts = sorted(work_steps(r, k)["start"].item() for k in range(4))
    assert starts == [15.0, 15.0, 25.0, 25.0]  # two of four reviewers at a time


def test_satisfaction_is_the_stated_assumption():
    """On time: satisfied with probability on_time (1 here); late: halved every halving_days
    (a near-zero half-life makes any lateness unsatisfied)."""
    scenario = office(
        {"slow": cls(deadline_days=100), "tight": cls(deadline_days=1)},
        meeting=Meeting(first_day=30, capacity=5),
        satisfaction=Satisfaction(on_time=1.0, halving_days=1e-9),
    )
    r = scripted(scenario, [(0, "hold", ("A", 200)), (5, "submit", "slow"), (10, "submit", "tight")])
    slow, tight = by_request(r)
    assert slow["satisfied"] and not tight["satisfied"]


def loaded() -> Scenario:
    """A busier office: random requests of every kind competing with permits."""
    classes = {
        "policy": RequestClass(rate=0.05, front=exp(2), p_front=0.8, analysis=exp(2), work=exp(8)),
        "joint": RequestClass(
            rate=0.02, front=exp(2), analysis=exp(3), departments=["A", "B"], work=exp(20), deadline_days=2
        ),
        "hard": RequestClass(rate=0.01, front=exp(1), analysis=exp(3), work=exp(10), p_unsettled=0.5),
        "urgent": RequestClass(rate=0.002, front=exp(1), urgent=True, work=exp(5)),
    }
    return replace(
        chain(demand={"ab": 0.05, "cd": 0.05}, horizon=2_000, drain=300),
        specialists=Specialists(staff=2),
        requests=Requests(
            classes=classes,
            meeting=Meeting(capacity=3),
            report=OverdueReport(effect=OverdueEffect.priority),
            satisfaction=Satisfaction(on_time=0.98, halving_days=5),
        ),
    )


def test_conservation_and_determinism_with_requests():
    scenario = loaded()
    a, b = run(scenario, SINGLE, seed=3), run(scenario, SINGLE, seed=3)
    assert a.requests.equals(b.requests) and a.cases.equals(b.cases)
    req = a.requests
    assert len(req) == a.info["requests_arrived"] > 100
    assert req["closed"].sum() + a.info["requests_open_at_end"] == len(req)
    assert set(req["tier"]) == {"front", "middle", "back"}
    assert set(req["escalation"]) == {"none", "overdue", "unsettled", "urgent"}
    done = req[req["closed"]]
    assert (done["closed_at"] >= done["arrival"]).all()
    assert done["satisfied"].notna().all() and req.loc[~req["closed"], "satisfied"].isna().all()


def test_requests_settled_at_the_front_leave_permits_untouched():
    """Requests draw on their own streams, and a front-only class uses no reviewer: the permit
    cases are the same draw for draw as without requests."""
    base = chain(demand={"ab": 0.05, "cd": 0.05}, horizon=2_000, drain=300, specialists=Specialists(staff=1))
    front_only = Requests(classes={"policy": RequestClass(rate=0.05, front=exp(2), p_front=1.0)})
    with_requests = run(replace(base, requests=front_only), SINGLE, seed=5)
    assert len(with_requests.requests) > 50
    assert with_requests.cases.equals(run(base, SINGLE, seed=5).cases)


@pytest.mark.parametrize(
    "change, key",
    [
        ({"rate": 0.0}, "scenario.requests.classes.x.rate"),
        ({"p_front": 1.5}, "scenario.requests.classes.x.p_front"),
        ({"departments": ["Z"]}, "scenario.requests.classes.x.departments[0]"),
        ({"involved": 3}, "scenario.requests.classes.x.involved"),
        ({"deadline_days": -1.0}, "scenario.requests.classes.x.deadline_days"),
        ({"p_unresolved": 0.5}, "scenario.requests.classes.x.p_unresolved"),
        ({"policy": det(100), "urgent": True}, "scenario.requests.classes.x.urgent"),
    ],
)
def test_bad_request_classes_are_refused_by_key(change, key):
    with pytest.raises(ConfigError) as e:
        office({"x": cls(**change)})
    assert e.value.key == key


def test_requests_need_specialists_and_a_sitting_meeting():
    with pytest.raises(ConfigError, match="specialists"):
        validate(replace(office({"x": cls()}), specialists=Specialists(staff=0)))
    with pytest.raises(ConfigError) as e:
        validate(office({"x": cls()}, meeting=Meeting(capacity=0)))
    assert e.value.key == "scenario.requests.meeting.capacity"


def test_coordinators_and_specialists_can_work_shifts():
    """One specialist all day; two coordinators from 08:00, one from 12:00. Fronts end at 12 and
    14 h (one specialist); the second analysis waits for the one afternoon coordinator."""
    scenario = replace(
        office({"joint": cls(deadline_days=30)}),
        shifts={"coordinators": {"08:00": 2, "12:00": 1}, "specialists": {"00:00": 1}},
    )
    r = scripted(scenario, [(10, "submit", "joint"), (10, "submit", "joint")])
    analysis = r.request_steps[r.request_steps["activity"] == "analysis"].sort_values("start")
    assert list(analysis["enqueue"]) == [12.0, 14.0]
    assert list(analysis["start"]) == [12.0, 15.0]  # two coordinators would have started it at 14


def test_the_cant_get_it_done_window_turns_a_twice_rejected_case_into_a_request():
    """办不成事: a dossier sent back twice (intake 1 h, 10 h to fix each time) is referred, the
    request settles at the front in 2 h, and the applicant files once more, accepted: 1 + 10 + 1
    + 2 + 1 = 15 h and three trips, where without the window rejections go on. Every referral is
    a request of the class's own path, on streams of its own (permits and the class's arrivals
    meet the same draws either way)."""
    base = office({"difficulty": cls(p_front=1.0)})
    scenario = replace(
        base,
        departments={"A": Department(clerks=5, reviewers=1), "B": Department(reviewers=1)},
        items={"p": Item(department="A", intake=det(1), p_incomplete=0.8, prepare=det(10))},
        demand={"permit": 0.01},
        specialists=Specialists(staff=5),
        horizon=20_000,
    )
    window = replace(
        scenario,
        requests=replace(scenario.requests, failed_window=FailedWindow(after=2, request="difficulty")),
    )
    without, with_window = run(scenario, SINGLE, seed=3), run(window, SINGLE, seed=3)
    before, cases = without.cases.set_index("case"), with_window.cases.set_index("case")
    referred = before.index[before["reworks"] >= 2]
    assert len(referred) > 20 and (before.loc[referred, "reworks"] > 2).any()
    assert (cases.loc[referred, "reworks"] == 2).all() and (cases.loc[referred, "trips"] == 3).all()
    assert np.allclose(cases.loc[referred, "lead_time"], 15)
    kept = before.index.difference(referred)
    assert cases.loc[kept, "lead_time"].equals(before.loc[kept, "lead_time"])
    requests = with_window.requests
    assert len(requests) == len(referred) and set(requests["class"]) == {"difficulty_referred"}
    assert np.allclose(requests["closed_at"] - requests["arrival"], 2)


def test_the_window_refers_to_a_class_the_service_has():
    scenario = office({"difficulty": cls()})
    with pytest.raises(ConfigError, match="unknown request class 'dificulty'") as error:
        replace(
            scenario,
            requests=replace(scenario.requests, failed_window=FailedWindow(after=2, request="dificulty")),
        )
    assert error.value.key == "scenario.requests.failed_window.request"
