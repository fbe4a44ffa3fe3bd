"""Calibration that holds on offices it has never seen (issue 39): a case's first step has no
waiting before it, office hours keep their place across daylight saving, dates are found per
activity and period, what a log cannot order is read in one order, routes keep rework and
events per case at the log's rates on real building-permit logs (BPI Challenge 2015,
municipalities 2 to 5: tests/real_logs/README.md), only people who do the work are staffed, a
change of process is found and can be left behind, and the report says yes or no."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sim
from sim.calibrate import calibrate
from sim.calibrate.order import canonical, dated
from sim.calibrate.validation import verdict
from sim.domain import route_table
from sim.domain.distributions import Dist, DistKind
from sim.domain.scenario import AtCap, Step

REAL = __import__("pathlib").Path(__file__).parent / "real_logs"
PERMITS = {m: REAL / f"bpic2015_{m}_quarter.parquet" for m in (2, 3, 4, 5)}


def log(rows, columns=("case:concept:name", "concept:name", "time:timestamp", "org:resource")):
    return pd.DataFrame(rows, columns=list(columns))


def figures(table: pd.DataFrame) -> dict[str, tuple[str, str, str]]:
    return {r["measure"]: (r["office"], r.iloc[2], r["within tolerance"]) for _, r in table.iterrows()}


@pytest.fixture(scope="module")
def permits():
    return {
        m: calibrate(path, name=f"municipality_{m}", timezone="Europe/Amsterdam")
        for m, path in PERMITS.items()
    }


@pytest.mark.slow
@pytest.mark.parametrize("municipality", [2, 3, 4, 5])
def test_building_permits_keep_their_durations_events_and_rework(permits, municipality):
    """Before: 79 % of model cases repeated an activity against the log's 34 %, events per case
    -17 % (a chain over activities wandered back to what cases had done). Now every tolerance of
    issue 39 is kept, or the log's own halves miss it too (these logs change their process:
    variant coverage is never reachable, and rework not on municipality 3's quarter)."""
    table = permits[municipality].validate(replications=5)
    got = figures(table)
    for measure in (
        "cases per week",
        "events per case",
        "P90 case duration (hours)",
        "directly-follows distance",
    ):
        assert got[measure][2] == "yes", table.to_string()
    office, model = (
        float(got["mean case duration (hours)"][0].replace(",", "")),
        got["mean case duration (hours)"][1],
    )
    assert abs(float(model.split()[0].replace(",", "")) / office - 1) <= 0.2  # 15 %, or the halves' own gap
    held = table[table["tolerance"] != ""]
    assert ((held["within tolerance"] == "yes") | (held["attainable"] == "no")).all(), table.to_string()
    office = float(got["rework share"][0])
    assert abs(float(got["rework share"][1].split()[0]) - office) <= 0.08  # 79 % against 34 % before
    halves = dict(zip(table["measure"], table["attainable"], strict=True))
    assert halves["variant coverage"] == "no"  # the log's own halves share almost no variant


@pytest.mark.slow
def test_a_case_s_first_step_has_no_waiting_before_it(permits):
    """The delay before a step was fitted from its later visits but drawn at every one: model
    cases of a municipality's permits waited 19.7 days before their first event."""
    for found in permits.values():
        (item,) = found.scenario.items.values()
        starts = [s for s in item.steps if s.name in item.first]
        assert starts and all(s.delay is None and s.name.endswith("_first") for s in starts)


def test_office_hours_keep_their_place_across_a_daylight_saving_change():
    """Arrivals at 09:xx local all spring (nobody named: the first step's time is its arrival):
    hour 9 of the profile holds them all, before and after the clocks go forward (hours since
    the start, modulo 24, put 42 % of a municipality's arrivals an hour off)."""
    days = pd.bdate_range("2024-02-01", "2024-05-31")
    rows = []
    for k, day in enumerate(days):
        for j in range(3):
            at = day + pd.Timedelta(hours=9, minutes=10 * j)
            rows += [
                (f"c{k}_{j}", "Register", at, ""),
                (f"c{k}_{j}", "Decide", at + pd.Timedelta(hours=3), ""),
            ]
    frame = log([(c, a, t.strftime("%Y-%m-%dT%H:%M:%S"), p) for c, a, t, p in rows])
    profile = calibrate(frame, timezone="Europe/Amsterdam").scenario.demand_profile.hour_of_day
    assert profile[9] > 20 and sum(profile[h] for h in range(24) if h != 9) == 0


def test_dates_are_found_per_activity_and_period():
    """An activity timed in one year and dated in the next; another always timed (and once at
    midnight, by chance): only the first's later events are dated."""
    times = pd.to_datetime(
        ["2014-03-03 10:15", "2014-06-02 11:20", "2014-09-01 09:05", "2015-03-02 00:00", "2015-03-03 00:00",
         "2015-03-04 00:00", "2015-03-05 00:00", "2015-03-06 00:00"] * 2
    ).tz_localize("Europe/Amsterdam")  # fmt: skip
    activity = pd.Series(["A"] * 8 + ["B"] * 8)
    times = pd.Series(times)
    times[8:] = times[8:] + pd.Timedelta(hours=14)
    times[15] = pd.Timestamp("2015-03-07 00:00", tz="Europe/Amsterdam")
    found = dated(times, activity)
    assert found.tolist() == [False] * 3 + [True] * 5 + [False] * 8


def test_events_the_log_cannot_order_are_read_in_one_order():
    """Two steps recorded at one instant, in either order in the file: one sequence, the
    activities' typical one (read in file order, each order taught the routing a loop)."""
    rows = []
    for k in range(40):
        pair = ["Check", "Stamp"] if k % 2 else ["Stamp", "Check"]
        rows += [(f"c{k}", "Register", "2024-03-04T09:00:00", "Ann")]
        rows += [(f"c{k}", a, "2024-03-05T10:00:00", "Ann") for a in pair]
        rows += [(f"c{k}", "Close", "2024-03-06T11:00:00", "Ann")]
    steps = calibrate(log(rows)).log.steps
    ordered = canonical(steps, dated(steps["end"], steps["activity"]))
    sequences = ordered.groupby("case")["activity"].agg(tuple)
    assert sequences.nunique() == 1
    found = calibrate(log(rows))
    table = found.validate(replications=3)
    assert figures(table)["rework share"][1].startswith("0 ")  # no loop invented


def test_only_the_people_who_do_the_work_make_pools():
    """A group that does most of no activity is no pool: its one event of Check counts in
    Check's pool, which is staffed by the people who do its work."""
    rows = []
    for k in range(30):
        day = f"2024-03-{4 + k % 5:02d}"
        rows += [(f"c{k}", "Check", f"{day}T09:{k:02d}:00", "Ann", "front")]
        rows += [(f"c{k}", "Decide", f"{day}T11:{k:02d}:00", "Bo", "back")]
    rows.append(("c0", "Check", "2024-03-04T12:00:00", "Cy", "archive"))
    columns = ("case:concept:name", "concept:name", "time:timestamp", "org:resource", "org:group")
    found = calibrate(log(rows, columns))
    assert set(found.structure.staff) == {"front", "back"}
    assert "Cy" in found.structure.pools.people["front"]


@pytest.mark.slow
def test_a_change_of_process_is_found_and_can_be_left_behind(permits, tmp_path):
    found = permits[2]
    assert found.drift.found and found.drift.distance > 3 * found.drift.noise
    since = found.drift.at.date().isoformat()
    assert f"--since {since}" in found.drift.sentence()
    current = calibrate(PERMITS[2], name="current", timezone="Europe/Amsterdam", since=since)
    assert current.log.arrivals.min() >= pd.Timestamp(since, tz="Europe/Amsterdam")
    assert any("--since" in w for w in current.warnings) and "--since" in current.command
    current.write(tmp_path, replications=2)
    report = (tmp_path / "calibration.md").read_text()
    assert "**Verdict.**" in report and "The log's halves" in report


def test_a_help_desk_has_no_change_of_process():
    found = calibrate(REAL / "helpdesk.xes.gz", name="helpdesk", timezone="Europe/Rome")
    assert not found.drift.found and found.regimes is None


def test_the_verdict_names_what_is_missed_and_what_no_model_could_reach():
    table = pd.DataFrame(
        {
            "measure": ["events per case", "rework share", "variant coverage"],
            "tolerance": ["±10%", "±3 points", "at least 0.6"],
            "within tolerance": ["yes", "no", "no"],
            "attainable": ["yes", "yes", "no"],
        }
    )
    assert verdict(table) == (
        "The model keeps 1 of 3 tolerances; it misses rework share; variant coverage is beyond what "
        "the log's own halves reach."
    )


durations = st.one_of(
    st.builds(lambda v: Dist(dist=DistKind.deterministic, value=v), st.sampled_from([0.0, 1.5])),
    st.builds(  # values of six significant digits at most: what a table keeps
        lambda m, cv: Dist(dist=DistKind.lognormal, mean=m, cv=cv),
        st.sampled_from([0.01, 2.5, 871.25]),
        st.sampled_from([0.1, 1.75]),
    ),
    st.builds(
        lambda v: Dist(dist=DistKind.empirical, values=sorted(v)),
        st.lists(st.sampled_from([0.0, 0.0, 0.25, 3.0, 71.5]), min_size=1, max_size=30),
    ),
)


@settings(max_examples=100, deadline=None)
@given(
    works=st.lists(durations, min_size=1, max_size=6),
    labels=st.lists(st.sampled_from(["Check, twice", 'Say "no"', "审查", None]), min_size=6, max_size=6),
    delay=st.one_of(st.none(), durations),
)
def test_a_route_table_reads_back_as_the_steps_it_was_written_from(works, labels, delay):
    names = [f"s{k}" for k in range(len(works))]
    steps = [
        Step(
            name=name,
            label=labels[k],
            pool="team.reviewers",
            work=work,
            delay=delay,
            then={names[(k + 1) % len(names)]: 0.5} if k else {},
            max_visits=1 + k % 2,
            visits_of=f"v{k % 3}",
            at_cap=AtCap.passes if k % 2 else AtCap.drop,
        )
        for k, (name, work) in enumerate(zip(names, works, strict=True))
    ]
    rows, first = route_table.parse(route_table.table(steps, {names[0]: 1.0}), "route")
    back = [Step(**(row | {"at_cap": AtCap(row.get("at_cap", "drop"))})) for row in rows]
    assert back == steps and first == {names[0]: 1.0}


@pytest.mark.slow
def test_a_calibrated_office_of_hundreds_of_steps_loads_as_a_planner_runs_it(permits, tmp_path):
    """Its route is a table, one YAML node (400 steps written as a list took 18 s to compose)."""
    found = permits[3]
    found.write(tmp_path)
    scenario = sim.load_scenario("municipality_3", config_dir=tmp_path)
    assert scenario.items == found.scenario.items
    assert len(scenario.items["municipality_3"].steps) > 300
    assert np.isclose(sum(scenario.items["municipality_3"].first.values()), 1, atol=1e-3)
