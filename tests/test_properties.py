"""Property tests: random valid scenarios under random designs always end, conserve cases and
report sane numbers; random corruptions of them are refused with a key."""

import math
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim import (
    Checklist,
    ConfigError,
    Delivery,
    Department,
    Design,
    Dist,
    DistKind,
    Inspection,
    Item,
    OneStop,
    Routing,
    Scenario,
    Window,
    run,
)
from sim.domain.checks import validate
from sim.domain.design import (
    Acceptance,
    Application,
    Approval,
    Decisions,
    Filing,
    Forms,
    HeldDocuments,
    Licences,
    Limits,
    Notice,
    Online,
    SiteVisits,
    Steps,
)
from sim.domain.requests import Meeting, OverdueEffect, OverdueReport, RequestClass, Requests
from sim.domain.scenario import Away, Batch, ChannelMix, Commitment, Queue, Return, Specialists, Step
from sim.model.recorder import PARTS

DOCS = [f"d{i}" for i in range(6)]
durations = st.one_of(
    st.builds(lambda v: Dist(dist=DistKind.deterministic, value=v), st.sampled_from([0.0, 0.5, 2.0])),
    st.builds(lambda m: Dist(dist=DistKind.exponential, mean=m), st.floats(0.1, 3.0)),
    st.builds(
        lambda m, cv: Dist(dist=DistKind.lognormal, mean=m, cv=cv), st.floats(0.1, 3.0), st.floats(0.1, 2.0)
    ),
)


MIXES = [
    ChannelMix(in_person=0.5, online=0.5),
    ChannelMix(in_person=0.2, online=0.4, specialist=0.4),
    ChannelMix(in_person=0.0, specialist=1.0),
]


@st.composite
def scenarios(draw):
    n_depts = draw(st.integers(1, 3))
    departments = {
        f"dept{k}": Department(
            clerks=draw(st.integers(1, 3)),
            reviewers=draw(st.integers(1, 3)),
            inspectors=draw(st.integers(0, 2)),
            leaders=draw(st.integers(0, 1)),
            background=draw(st.dictionaries(st.just("reviewers"), st.sampled_from([0.0, 0.5]))),
            queue=draw(st.sampled_from(Queue)),
        )
        for k in range(n_depts)
    }
    items = {}
    n_items = draw(st.integers(1, 4))
    for k in range(n_items):
        dept = f"dept{draw(st.integers(0, n_depts - 1))}"
        earlier = [f"item{j}" for j in range(k)]
        p = draw(st.sampled_from([0.0, 0.0, 0.3, 0.6]))
        inspection = None
        if departments[dept].inspectors and draw(st.booleans()):
            inspection = Inspection(probability=draw(st.floats(0, 1)), duration=draw(durations))
        steps, review = draw(back_office(departments[dept])), draw(st.one_of(st.none(), durations))
        if steps:
            review = inspection = None
        limit = draw(st.one_of(st.none(), st.sampled_from([0.5, 2.0, 10.0])))
        documents = draw(
            st.lists(st.sampled_from(DOCS + [f"out{j}" for j in range(k)]), unique=True, max_size=4)
        )
        items[f"item{k}"] = Item(
            department=dept,
            documents=documents,
            produces=f"out{k}" if draw(st.booleans()) else None,
            intake=draw(durations),
            review=review,
            steps=steps,
            choices={"x": draw(st.sampled_from([0.0, 0.5, 1.0]))} if any(s.when for s in steps) else {},
            reduced_steps=draw(
                st.one_of(
                    st.none(), st.lists(st.sampled_from([s.name for s in steps] or ["review"]), unique=True)
                )
            ),
            on_the_spot=draw(st.booleans()) and draw(st.booleans()),
            limit_days=limit,
            committed_days=limit / 2 if limit and draw(st.booleans()) else None,
            p_incomplete=p,
            notice_factor=draw(st.sampled_from([0.0, 0.5, 1.0])),
            minor_documents=draw(st.lists(st.sampled_from(documents), unique=True)) if documents else [],
            commitment=draw(
                st.one_of(
                    st.none(),
                    st.builds(
                        Commitment,
                        replaces=st.lists(st.sampled_from(documents), unique=True)
                        if documents
                        else st.just([]),
                        p_false=st.sampled_from([0.0, 0.3]),
                    ),
                )
            ),
            prepare=draw(durations) if p else None,
            prerequisites=draw(st.lists(st.sampled_from(earlier), unique=True, max_size=2))
            if earlier
            else [],
            inspection=inspection,
            pickup=draw(st.booleans()),
            online=draw(st.booleans()),
            automatable=draw(st.sampled_from([0.0, 0.0, 0.5, 1.0])),
            proactive=draw(st.sampled_from([0.0, 0.0, 0.5, 1.0])),
            proactive_delay=draw(st.one_of(st.none(), durations)),
            anywhere=draw(st.booleans()),
        )
    names = list(items)
    needs = {f"need{k}": draw(st.lists(st.sampled_from(names), min_size=1, unique=True)) for k in range(2)}
    return Scenario(
        name="random",
        documents={d: d for d in DOCS + [f"out{j}" for j in range(n_items)]},
        departments=departments,
        items=items,
        needs=needs,
        demand={need: draw(st.floats(0.05, 0.6)) for need in needs if draw(st.booleans())} or {"need0": 0.3},
        forms=draw(st.lists(st.sampled_from(DOCS), unique=True, max_size=3)),
        one_form_share=draw(st.sampled_from([0.0, 0.5, 1.0])),
        held_by=draw(st.dictionaries(st.sampled_from(DOCS), st.sampled_from(["dept0", "registry"]))),
        bundle_limits=draw(st.dictionaries(st.sampled_from(list(needs)), st.sampled_from([0.2, 3.0]))),
        channels=draw(st.dictionaries(st.sampled_from(list(needs)), st.sampled_from(MIXES))),
        specialists=Specialists(staff=draw(st.integers(1, 2))),
        away=Away(
            share=draw(st.sampled_from([0.0, 0.5, 1.0])),
            trip_hours=1.0,
            forward=draw(st.one_of(st.none(), durations)),
        ),
        one_stop=OneStop(clerks=draw(st.integers(1, 3))),
        mail=draw(st.one_of(st.none(), durations)),
        pickup_delay=draw(st.one_of(st.none(), durations)),
        horizon=draw(st.floats(20, 150)),
        drain=draw(st.sampled_from([0.0, 1e5])),  # no drain, or long enough for any backlog
    )


@st.composite
def back_office(draw, department: Department) -> list[Step]:
    """Up to three steps on the department's staffed pools, some in batches or booked ahead;
    or routed (sim.domain.routes): branches and loops with caps, steps worked on the item's
    choice ``x``, returns to the applicant, steps the legal clock does not count."""
    pools = [p for p in ("clerks", "reviewers", "inspectors", "leaders") if getattr(department, p)]
    steps = []
    n = draw(st.integers(0, 3))
    if n and draw(st.booleans()):
        return [routed_step(draw, k, n, pools) for k in range(n)]
    for k in range(n):
        batch = None
        if draw(st.booleans()):
            batch = Batch(
                at=draw(
                    st.lists(st.sampled_from(["00:00", "09:30", "16:00", "24:00"]), min_size=1, unique=True)
                ),
                every_days=(every := draw(st.integers(1, 3))),
                first_day=draw(st.integers(0, every - 1)),
                capacity=draw(st.one_of(st.none(), st.integers(1, 2))),
            )
        steps.append(
            Step(
                name=f"s{k}",
                pool=draw(st.sampled_from(pools)),
                work=draw(durations),
                probability=draw(st.sampled_from([1.0, 0.5])),
                batch=batch,
                booking=draw(st.one_of(st.none(), durations)),
            )
        )
    return steps


def routed_step(draw, k: int, n: int, pools: list[str]) -> Step:
    """Step ``k`` of ``n`` in a random route: branches to any step (itself included) that leave
    some chance of ending, a cap on some, a choice, a return, an uncounted step."""
    targets = draw(st.lists(st.integers(0, n - 1), unique=True, max_size=2))
    share = draw(st.sampled_from([0.2, 0.45]))
    return Step(
        name=f"s{k}",
        pool=draw(st.sampled_from(pools)),
        work=draw(durations),
        then={f"s{j}": share for j in targets} if targets or draw(st.booleans()) else None,
        max_visits=draw(st.sampled_from([None, 1, 2])),
        when=draw(st.sampled_from([None, None, "x"])),
        returns=Return(probability=0.3, prepare=draw(durations), documents=0)
        if draw(st.booleans())
        else None,
        counted=draw(st.booleans()),
    )


designs = st.builds(
    Design,
    window=st.sampled_from(Window),
    checklist=st.sampled_from(Checklist),
    routing=st.sampled_from(Routing),
    data_sharing=st.booleans(),
    delivery=st.sampled_from(Delivery),
    steps=st.sampled_from(Steps),
    limits=st.sampled_from(Limits),
    licences=st.sampled_from(Licences),
    notice=st.sampled_from(Notice),
    held_documents=st.sampled_from(HeldDocuments),
    forms=st.sampled_from(Forms),
    acceptance=st.sampled_from(Acceptance),
    approval=st.sampled_from(Approval),
    joint_approval=st.booleans(),
    online=st.sampled_from(Online),
    site_visits=st.sampled_from(SiteVisits),
    specialists=st.booleans(),
    decisions=st.sampled_from(Decisions),
    application=st.sampled_from(Application),
    filing=st.sampled_from(Filing),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario=scenarios(), design=designs, seed=st.integers(0, 2**32 - 1))
def test_any_valid_scenario_runs_conserves_cases_and_reports_sane_numbers(scenario, design, seed):
    result = run(scenario, design, seed)
    cases, steps = result.cases, result.steps
    assert len(cases) == result.info["arrived"]
    assert (~cases["finished"]).sum() == result.info["open_at_end"]
    if scenario.drain > 0:
        assert cases["finished"].all()  # nothing can stay stuck: every wait is finite
    done = cases[cases["finished"]]
    assert (done["lead_time"] >= 0).all() and (cases["waiting"] >= 0).all()
    parts = done[list(PARTS)]
    assert ((parts.sum(axis=1) - done["lead_time"]).abs() <= 1e-6 * (1 + done["lead_time"])).all()
    assert (parts >= -1e-9).all().all()
    assert ((steps["start"] >= steps["enqueue"]) & (steps["end"] >= steps["start"])).all()
    in_person = done[done["channel"] == "in_person"]
    assert (in_person["trips"] >= 1 + in_person["reworks"]).all()
    assert (done.loc[done["channel"] == "specialist", "trips"] == 0).all()  # the specialist goes
    for need, group in done.groupby("need", observed=True):
        items = scenario.needs[need]
        if design.checklist is Checklist.per_item and design.routing is Routing.sequential:
            own = group[group["channel"] == "in_person"]
            assert (own["trips"] >= len(items) + own["reworks"]).all()
        total = sum(len(scenario.items[i].documents) for i in items)
        assert (group["documents"] >= group["distinct_documents"]).all()
        assert (group["documents"] <= total * (1 + group["reworks"])).all()


# Levers whose purpose is fewer documents, or fewer trips: switching one on never makes anyone
# hand over more, or come more often.
PAPER_LEVERS = {
    "checklist": Checklist.merged,
    "data_sharing": True,
    "notice": Notice.one_time,
    "held_documents": HeldDocuments.fetched,
    "forms": Forms.one_form,
    "acceptance": Acceptance.tolerant,
    "approval": Approval.on_commitment,
    "joint_approval": True,
    "application": Application.proactive,
}
TRIP_LEVERS = {
    "acceptance": Acceptance.tolerant,
    "online": Online.whole_need,
    "specialists": True,
    "decisions": Decisions.by_rules,
    "application": Application.proactive,
}
SAVINGS = (
    [("documents", lever, value) for lever, value in PAPER_LEVERS.items()]
    + [("trips", lever, value) for lever, value in TRIP_LEVERS.items()]
    + [("far_trips", "filing", Filing.any_centre)]
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    scenario=scenarios(),
    design=designs,
    saving=st.sampled_from(SAVINGS),
    seed=st.integers(0, 2**32 - 1),
)
def test_no_lever_adds_what_it_is_meant_to_save(scenario, design, saving, seed):
    column, lever, value = saving
    off = replace(design, **{lever: getattr(Design(), lever)})
    on = replace(design, **{lever: value})
    a, b = (run(scenario, d, seed, record_steps=False).cases.set_index("case") for d in (off, on))
    both = a.index[a["finished"] & b["finished"].reindex(a.index, fill_value=False)]
    assert (b.loc[both, column] <= a.loc[both, column]).all()


CORRUPTIONS = {
    "staff below one": lambda s: replace(s, departments={**s.departments, "dept0": Department(clerks=0)}),
    "unknown department": lambda s: _item(s, department="nowhere"),
    "unknown document": lambda s: _item(s, documents=["forged"]),
    "probability above one": lambda s: _item(
        s, p_incomplete=1.5, prepare=Dist(dist=DistKind.exponential, mean=1)
    ),
    "negative time": lambda s: _item(s, intake=Dist(dist=DistKind.deterministic, value=-1.0)),
    "NaN time": lambda s: _item(s, intake=Dist(dist=DistKind.exponential, mean=math.nan)),
    "zero rate": lambda s: replace(s, demand={n: 0.0 for n in s.demand}),
    "empty need": lambda s: replace(s, needs={**s.needs, "need0": []}),
    "unknown item in need": lambda s: replace(s, needs={**s.needs, "need0": ["ghost"]}),
    "self prerequisite": lambda s: _item(s, prerequisites=["item0"]),
    "warm-up past horizon": lambda s: replace(s, warmup=s.horizon * 2),
}


def _item(s: Scenario, **changes) -> Scenario:
    return replace(s, items={**s.items, "item0": replace(s.items["item0"], **changes)})


@settings(max_examples=60, deadline=None)
@given(scenario=scenarios(), corruption=st.sampled_from(sorted(CORRUPTIONS)))
def test_any_corruption_is_refused_with_a_key(scenario, corruption):
    validate(scenario)
    with pytest.raises(ConfigError) as err:
        validate(CORRUPTIONS[corruption](scenario))
    assert err.value.key.startswith("scenario.")
    assert str(err.value).startswith(err.value.key + ": ")


@st.composite
def with_requests(draw):
    """A random scenario with a random request service on top."""
    scenario = draw(scenarios())
    departments = list(scenario.departments)
    classes = {}
    for k in range(draw(st.integers(1, 3))):
        listed = draw(st.lists(st.sampled_from(departments), unique=True, max_size=len(departments)))
        classes[f"class{k}"] = RequestClass(
            rate=draw(st.floats(0.02, 0.5)),
            front=draw(durations),
            p_front=draw(st.sampled_from([0.0, 0.5, 1.0])),
            analysis=draw(st.one_of(st.none(), durations)),
            departments=listed,
            involved=draw(st.integers(1, len(listed) or len(departments))),
            work=draw(st.one_of(st.none(), durations)),
            deadline_days=draw(st.floats(0.01, 3)),
            p_unsettled=draw(st.sampled_from([0.0, 0.5])),
            urgent=draw(st.booleans()),
        )
    requests = Requests(
        classes=classes,
        coordinators=draw(st.integers(1, 3)),
        meeting=Meeting(every_days=draw(st.floats(0.2, 7)), at="10:00", capacity=draw(st.integers(1, 4))),
        report=draw(
            st.one_of(
                st.none(),
                st.builds(lambda e: OverdueReport(every_days=1, effect=e), st.sampled_from(OverdueEffect)),
            )
        ),
        reviewer_share=draw(st.sampled_from([0.3, 1.0])),
    )
    return replace(scenario, specialists=Specialists(staff=draw(st.integers(1, 3))), requests=requests)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario=with_requests(), design=designs, seed=st.integers(0, 2**32 - 1))
def test_any_request_service_conserves_requests_and_keeps_its_rules(scenario, design, seed):
    result = run(scenario, design, seed)
    req, steps = result.requests, result.request_steps
    assert len(req) == result.info["requests_arrived"]
    assert (~req["closed"]).sum() == result.info["requests_open_at_end"]
    assert len(result.cases) == result.info["arrived"]
    if scenario.drain > 0:
        assert req["closed"].all() and result.cases["finished"].all()
    done = req[req["closed"]]
    assert (done["closed_at"] >= done["arrival"]).all()
    assert ((steps["start"] >= steps["enqueue"]) & (steps["end"] >= steps["start"])).all()
    front = req["tier"] == "front"
    assert (req.loc[front, "departments"] == "").all() and (req.loc[front, "escalation"] == "none").all()
    assert ((req["escalation"] == "urgent") <= (req["tier"] == "back")).all()
    assert (req["overdue"] <= (req["tier"] == "back")).all()
    assert req.loc[req["tier"] != "back", "heard"].isna().all()
