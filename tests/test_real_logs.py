"""Calibration on real offices' logs (tests/real_logs/, attribution and licences in its README):
complete-only logs naming people, a log of dates only, a log with start and complete events;
each read by the bare command or call, its scenario run, and the model's log measured beside
the office's with the validation's own verdicts."""

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml
from builders import run_from_folder

from sim import SINGLE, ConfigError, run
from sim.analysis import eventlog
from sim.calibrate import calibrate, measures
from sim.calibrate.validation import judge

REAL = Path(__file__).parent / "real_logs"
HELPDESK, FINES, LOANS = (
    REAL / "helpdesk.xes.gz",
    REAL / "roadtraffic100traces.csv",
    REAL / "bpic2012_400cases.parquet",
)


def verdicts(table: pd.DataFrame) -> dict[str, str]:
    return dict(zip(table["measure"], table["within tolerance"], strict=True))


@pytest.fixture(scope="module")
def fines():
    return calibrate(FINES, name="fines", timezone="Europe/Rome")


def test_a_log_of_dates_with_nobody_named_is_read_as_instants_and_delays(fines):
    """Italian road-traffic fines (100 cases, dates only, most events naming no one): every step's
    work is instant, the weeks between steps are delays, the route keeps its loops."""
    s = fines.scenario
    item = s.items["fines"]
    assert item.intake is None and not item.pickup and s.hours.back_office is None
    assert {step.work.value for step in item.steps} == {0.0}
    assert {step.label for step in item.steps} >= {"Create Fine", "Send Fine", "Payment", "Add penalty"}
    assert item.first == {"Create_Fine_first": 1.0}  # a case's first step: no waiting before it
    assert next(step for step in item.steps if step.name == "Create_Fine_first").delay is None
    paid_twice = next(step for step in item.steps if step.name == "Payment_x2_after_Payment")
    assert (
        paid_twice.max_visits == 1 and paid_twice.delay is not None and paid_twice.visits_of == "Payment_x2"
    )
    table = fines.validate(replications=10)
    kept = verdicts(table)
    for measure in ("cases per week", "events per case", "mean case duration (hours)", "rework share"):
        assert kept[measure] == "yes", table.to_string()
    assert kept["directly-follows distance"] == kept["variant coverage"] == "yes"


def test_the_model_logs_the_office_s_activities_and_nothing_it_lacks(fines):
    r = run(fines.scenario, SINGLE, seed=2, record_steps=True)
    log = eventlog.events(r.steps, r.cases, fines.scenario.start_date, fines.scenario.timezone)
    office = set(pd.read_csv(FINES)["concept:name"])
    assert set(log[eventlog.ACTIVITY]) - office == {"arrive", "done"}
    assert r.cases["trips"].eq(0).all()  # no window the office never recorded


def test_a_log_with_start_and_complete_events_pairs_them(tmp_path):
    """BPI Challenge 2012 (a Dutch bank's loans, 400 cases): work items start and complete,
    applications and offers only complete; both kinds are steps."""
    found = calibrate(LOANS, name="loans", timezone="Europe/Amsterdam")
    est = found.structure.estimated
    assert est["estimated"].any() and not est["estimated"].all()
    assert est.loc[~est["estimated"], "activity"].str.startswith("W_").all()
    table = found.validate(replications=5)
    kept = verdicts(table)
    assert kept["cases per week"] == kept["events per case"] == kept["rework share"] == "yes", (
        table.to_string()
    )
    # loans vary more than any model of 400 cases repeats: the validation says so
    assert kept["variant coverage"] == "no"


@pytest.mark.slow
def test_the_bare_command_calibrates_a_helpdesk_of_people_and_its_scenario_runs(tmp_path):
    """An Italian software company's help desk (4,580 tickets, complete-only, 22 people): the
    command alone, its scenario run by the simulator, and the measures it holds and misses."""
    out = tmp_path / "out"
    command = [sys.executable, "-m", "sim.calibrate", str(HELPDESK), "--name", "helpdesk", "--out", str(out)]
    done = subprocess.run(
        [*command, "--timezone", "Europe/Rome", "--validate", "5"], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert f"run it: python -m sim --config-dir {out} scenario=helpdesk" in done.stdout
    report = (out / "calibration.md").read_text()
    assert "local times read in Europe/Rome" in report and "people in the log" in report
    data = yaml.safe_load((out / "scenario" / "helpdesk.yaml").read_text())
    assert {d["reviewers"] for d in data["departments"].values()} and len(data["departments"]) < 22
    cells = [[c.strip() for c in line.strip(" |").split("|")] for line in report.splitlines()]
    header = next(c for c in cells if c[0] == "measure")
    kept = {c[0]: c[header.index("within tolerance")] for c in cells if len(c) == len(header)}
    for measure in ("cases per week", "events per case", "mean case duration (hours)", "rework share"):
        assert kept[measure] == "yes", measure
    # delays drawn independently per step spread the cases' durations wider than the help desk's
    # (its closings come at fixed times, whatever the wait before): the P90 is missed, and said
    assert kept["P90 case duration (hours)"] == "no"
    run_from_folder(out, "helpdesk", tmp_path / "run")


def office(rows: list[tuple[str, str, str, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["case:concept:name", "concept:name", "time:timestamp", "org:resource"])


def test_local_times_in_a_daylight_saving_change_are_read_and_counted():
    """Amsterdam: 2011-10-30 02:30 happens twice, 2011-03-27 02:30 never; both are read."""
    log = office(
        [
            ("a", "Register", "2011-03-27 01:50:00", "Ann"),
            ("a", "Check", "2011-03-27 02:30:00", "Bob"),
            ("b", "Register", "2011-10-30 02:10:00", "Ann"),
            ("b", "Check", "2011-10-30 02:30:00", "Bob"),
            ("c", "Register", "2011-11-02 10:00:00", "Ann"),
            ("c", "Check", "2011-11-02 11:00:00", "Bob"),
        ]
    )
    found = calibrate(log, name="dst", timezone="Europe/Amsterdam")
    assert any("2 local times in an hour a daylight-saving change repeats" in w for w in found.warnings)
    assert any("1 in one it skips" in w for w in found.warnings)


def in_turn(names: list[str]) -> pd.DataFrame:
    """Six cases on six March days, each doing ``names`` in turn an hour apart, all by Ann."""
    rows = [
        (f"c{k}", a, f"2024-03-0{1 + k % 5} {9 + i:02d}:00:00", "Ann")
        for k in range(6)
        for i, a in enumerate(names)
    ]
    return office(rows)


def test_an_office_s_own_names_become_valid_names_and_stay_as_labels():
    names = ["T02 Check confirmation of receipt", "审查 (复核)", "x" * 90]
    found = calibrate(in_turn(names), name="mine")
    steps = found.scenario.items["mine"].steps
    assert [s.label for s in steps] == names
    assert [s.name for s in steps] == [  # a case's first step, then each after the one before
        "T02_Check_confirmation_of_receipt_first",
        "审查_复核_after_T02_Check_confirmati",
        "x" * 33 + "_after_审查_复核",
    ]


def test_an_office_s_names_are_data_in_the_scenario_and_the_report(tmp_path):
    """A tab, 300 characters, markup: names stay valid, labels printable and at most 200
    characters, and the report shows the markup as text."""
    names = ["Reg\tister", "y" * 300, "<script>alert(1)</script> | *b*"]
    found = calibrate(in_turn(names), name="mine")
    steps = found.scenario.items["mine"].steps
    assert [s.label for s in steps] == ["Reg ister", "y" * 200, names[2]]
    found.write(tmp_path, replications=2)
    page = (tmp_path / "calibration.html").read_text()
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_a_mapping_file_names_pools_and_its_mistakes_list_what_exists(tmp_path):
    rows = [
        (f"c{k}", a, f"2024-03-0{1 + k % 5} {9 + i:02d}:00:00", p)
        for k in range(6)
        for i, (a, p) in enumerate([("Register", "Ann"), ("Check", "Bob"), ("Decide", "Cem")])
    ]
    mapping = tmp_path / "office.yaml"
    mapping.write_text("people: {Ann: front, Bob: back, Cem: back}\n")
    found = calibrate(office(rows), name="mine", mapping_file=mapping)
    assert {s.label: s.pool for s in found.scenario.items["mine"].steps} == {
        "Register": "front.reviewers",
        "Check": "back.reviewers",
        "Decide": "back.reviewers",
    }
    mapping.write_text("people: {Dan: front}\n")
    with pytest.raises(ConfigError, match=r"people.Dan: no such person in the log \(known: Ann, Bob, Cem\)"):
        calibrate(office(rows), name="mine", mapping_file=mapping)
    mapping.write_text("activities: {Approve: {pool: back}}\n")
    with pytest.raises(
        ConfigError, match=r"activities.Approve: no such activity .*known: Check, Decide, Register"
    ):
        calibrate(office(rows), name="mine", mapping_file=mapping)


def test_a_channel_column_becomes_channel_take_up():
    log = pd.read_csv(FINES, dtype=str, keep_default_na=False)
    cases = sorted(log["case:concept:name"].unique())
    online = set(cases[: int(0.7 * len(cases))])
    log["case:channel"] = log["case:concept:name"].map(lambda c: "Internet" if c in online else "Desk")
    found = calibrate(log, name="fines", timezone="Europe/Rome")
    mix = found.scenario.channels["fines"]
    assert mix.online == pytest.approx(0.7) and mix.in_person == pytest.approx(0.3)
    assert found.scenario.items["fines"].online


def test_a_validation_says_no_when_the_office_is_outside_the_model_s_span():
    model = pd.DataFrame({"cases per week": [10.0, 10.5, 9.5, 10.2, 9.8], "rework share": [0.1] * 5})
    table = judge({"cases per week": 12.0, "rework share": 0.1}, model).set_index("measure")
    assert table.loc["cases per week", "office inside"] == "no"
    assert table.loc["cases per week", "within tolerance"] == "no"  # +20 % against ±10 %
    assert table.loc["rework share", "office inside"] == "yes"


def test_the_measures_of_a_log_against_itself_are_zero_and_its_figures_its_own():
    log = pd.DataFrame(
        {
            "case": ["a", "a", "b", "b", "b"],
            "activity": ["x", "y", "x", "x", "y"],
            "t": [0.0, 0.5, 1.0, 2.0, 30.0],
        }
    )
    d = measures.distances(log, log)
    assert d["variant coverage"] == 1 and d["directly-follows distance"] == 0 == d["3-gram distance"]
    f = measures.figures(log, span=168.0)
    assert f["cases per week"] == 2 and f["events per case"] == 2.5 and f["rework share"] == 0.5
    assert f["share done within an hour"] == 0.5 and f["mean case duration (hours)"] == 14.75


def test_a_replayed_busy_week_raises_the_work_bound_rather_than_refusing_the_office(fines):
    """The run's work bound counts candidate arrivals at the profile's peak; a log whose busiest
    week is far above its mean would pass the default and be refused, so the file raises it."""
    from dataclasses import replace

    from sim.calibrate.scenario_file import WORK_LIMIT, scenario_dict

    s = fines.structure
    assert "work_limit" not in scenario_dict(s, "fines", "Europe/Rome")
    spiky = replace(s, profile={**s.profile, "week": [1e7]}, notes=dict(s.notes))
    raised = scenario_dict(spiky, "fines", "Europe/Rome")["work_limit"]
    assert raised > WORK_LIMIT and "work_limit" in spiky.notes


def test_a_small_scattered_log_works_on_the_clock_and_its_first_case_starts_on_day_one():
    """A few events at scattered hours hold no opening of an hour: work runs on the clock (it
    once failed on an empty calendar). The first case started the evening before the day of
    the log's first completion (a negative arrival, once a crash)."""
    rows = []
    for k in range(8):
        day, hour = 1 + k, (k * 5) % 24
        rows += [(f"c{k}", "Register", f"2024-03-{day:02d} {hour:02d}:10:00", "Ann")]
        rows += [(f"c{k}", "Decide", f"2024-03-{day:02d} {(hour + 7) % 24:02d}:40:00", "Bob")]
    log = office(rows).assign(**{"lifecycle:transition": "complete"})
    early = [("c0", "Register", "2024-02-29 23:00:00", "Ann", "start")]
    log = pd.concat([pd.DataFrame(early, columns=log.columns), log], ignore_index=True)
    log.loc[log.index[1], "time:timestamp"] = "2024-03-01 01:00:00"  # c0's Register completes after midnight
    found = calibrate(log, name="scattered")
    assert (
        found.scenario.hours.back_office is None and "too few completions" in found.structure.notes["hours"]
    )
    assert found.structure.estimated["t0"].min() >= 0
    assert found.validate(replications=2)["measure"].size > 0


def test_an_item_column_makes_an_item_per_kind_of_case_each_with_its_own_route_and_demand():
    """Fines of vehicle class A and the rest as two items (a case attribute); a column naming
    items per event, several in a case, takes each case as its first step's item, and says so."""
    log = pd.read_csv(FINES, dtype=str, keep_default_na=False)
    first = log.groupby("case:concept:name")["vehicleClass"].transform("first")
    log["kind"] = first.map(lambda v: "class_a" if v == "A" else "other")
    found = calibrate(log, name="fines", timezone="Europe/Rome", mapping={"item": "kind"})
    s = found.scenario
    assert set(s.items) == {"class_a", "other"} and s.needs == {"class_a": ["class_a"], "other": ["other"]}
    cases = log.groupby("kind")["case:concept:name"].nunique()
    ratio = s.demand["class_a"] / s.demand["other"]
    assert ratio == pytest.approx(cases["class_a"] / cases["other"], rel=0.01)
    assert found.validate(replications=3)["measure"].size
    log["kind"] = log["concept:name"].str[:4]  # an item per event: varies within cases
    mixed = calibrate(log, name="fines", timezone="Europe/Rome", mapping={"item": "kind"})
    assert any("cases name more than one item: each taken as its first step's" in w for w in mixed.warnings)
    assert set(mixed.scenario.items) == {"fines"}  # every case begins with Create Fine: one item
