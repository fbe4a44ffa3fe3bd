"""The exported event log reads in a process-mining library as it is: XES names, real
timestamps, unique case ids, schedule / start / complete; a sampled log is the full log's
sample."""

import subprocess
import sys

import pandas as pd
import pytest

import sim
from sim.analysis import eventlog
from sim.analysis.eventlog import ACTIVITY, CASE, LIFECYCLE, TIMESTAMP
from sim.domain.scenario import Scenario
from sim.run import run

pm4py = pytest.importorskip("pm4py", reason="pm4py (AGPL, tests only) proves the log reads")


@pytest.fixture(scope="module")
def log():
    """Two replications of the single design's restaurant, as one log."""
    scenario = sim.load_scenario("restaurant", ["scenario.horizon=400", "scenario.warmup=0"])
    design = sim.load_design("single")
    results = [run(scenario, design, 0, replication=r, record_steps=True) for r in (0, 1)]
    frames = [eventlog.events(r.steps, r.cases, scenario.start_date, scenario.timezone) for r in results]
    return pd.concat(frames, ignore_index=True), results


def test_events_carry_real_times_unique_cases_and_a_lifecycle(log):
    events, results = log
    assert str(events[TIMESTAMP].dt.tz) == "Asia/Shanghai"
    first = events.iloc[0]
    assert first[ACTIVITY] == "arrive" and first[CASE] == "restaurant/single/0/0/0"
    arrival = results[1].cases.set_index("case").loc[0, "arrival"]
    ones = events[events[CASE] == "restaurant/single/0/1/0"]
    expected = pd.Timestamp("2024-01-01", tz="Asia/Shanghai") + pd.Timedelta(hours=arrival)
    assert abs(ones[TIMESTAMP].iloc[0] - expected) < pd.Timedelta("1us")
    assert events[CASE].nunique() == sum(len(r.cases) for r in results)  # no id met in two replications
    steps = events[~events[ACTIVITY].isin(["arrive", "done"])]
    counts = steps.groupby([CASE, ACTIVITY, "item", LIFECYCLE]).size().unstack(LIFECYCLE)
    assert (counts["schedule"] == counts["start"]).all() and (counts["start"] == counts["complete"]).all()
    assert set(events[ACTIVITY]) <= {
        "arrive",
        "intake",
        "prepare",
        "review",
        "sign",
        "issue",
        "inspection",
        "pickup",
        "mail",
        "done",
    }
    for _, case in events.groupby(CASE):  # time never runs backwards within a case
        assert case[TIMESTAMP].is_monotonic_increasing


def test_the_csv_and_the_xes_read_in_pm4py_with_the_expected_directly_follows_graph(log, tmp_path):
    events, _ = log
    eventlog.write(events, tmp_path, eventlog.FORMATS)
    csv = pd.read_csv(tmp_path / "eventlog.csv")
    csv[TIMESTAMP] = pd.to_datetime(csv[TIMESTAMP], format="ISO8601")
    xes = pm4py.read_xes(str(tmp_path / "eventlog.xes"))
    for frame in (csv, xes):
        assert len(frame) == len(events) and frame[CASE].nunique() == events[CASE].nunique()
        completes = frame[frame[LIFECYCLE] == "complete"]
        dfg, starts, ends = pm4py.discover_dfg(completes)
        finished = frame.groupby(CASE)[ACTIVITY].apply(lambda a: "done" in set(a)).sum()
        assert set(starts) == {"arrive"} and ends["done"] == finished  # open cases end elsewhere
        for edge in (
            ("arrive", "intake"),
            ("intake", "review"),
            ("review", "sign"),
            ("sign", "issue"),
            ("issue", "pickup"),
            ("pickup", "intake"),  # single-item: the next item's window after a result
            ("intake", "prepare"),  # an incomplete dossier sent back
            ("prepare", "intake"),
            ("pickup", "done"),
        ):
            assert edge in dfg, edge
        assert not any(a == "done" for a, _ in dfg)
        performance = pm4py.discover_performance_dfg(completes)[0]  # timestamps usable as times
        assert performance[("sign", "issue")]["mean"] > 0


def test_a_sampled_log_is_the_full_logs_every_kth_case():
    scenario = sim.load_scenario("restaurant", ["scenario.horizon=300", "scenario.warmup=0"])
    design = sim.load_design("bundled")
    full = run(scenario, design, 4, record_steps=True).steps
    sampled = run(scenario, design, 4, record_steps=0.25).steps
    assert set(sampled["case"] % 4) == {0}
    kept = full[full["case"] % 4 == 0].reset_index(drop=True)
    pd.testing.assert_frame_equal(sampled.reset_index(drop=True), kept)


@pytest.mark.slow
def test_a_job_whose_scenario_writes_no_start_date_logs_from_the_default(tmp_path):
    """A job's saved config holds what its files wrote (the scenario is composed untyped): the
    M/M/c file writes no start date, so its log starts at the schema's default."""
    out = tmp_path / "mmc"
    args = ["scenario=mmc", "scenario.horizon=300", "scenario.warmup=0", "progress=false"]
    done = subprocess.run(
        [sys.executable, "-m", "sim", *args, f"hydra.run.dir={out}"], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-1500:]
    assert "start_date" not in (out / ".hydra" / "config.yaml").read_text()
    log = eventlog.job_events(out)
    assert log[TIMESTAMP].min().strftime("%Y-%m-%d") == Scenario.start_date
    assert str(log[TIMESTAMP].dt.tz) == Scenario.timezone
