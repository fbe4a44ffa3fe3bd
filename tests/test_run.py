"""Whole runs: conservation of cases, determinism, common random numbers across designs, and an
event log streamed out as the run goes."""

from dataclasses import replace

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from builders import chain

from sim import BUNDLED, SINGLE, Checklist, ConfigError, Delivery, Design, Routing, Window, load_scenario, run
from sim.domain.design import PRESETS
from sim.domain.scenario import Hours
from sim.experiment.metrics import summarise
from sim.experiment.output import TableFile
from sim.model import recorder


@pytest.fixture(scope="module")
def restaurant(compose):
    return compose([]).scenario


def all_designs():
    for window in Window:
        for checklist in Checklist:
            for routing in Routing:
                for sharing in (False, True):
                    for delivery in Delivery:
                        yield Design(
                            window=window,
                            checklist=checklist,
                            routing=routing,
                            data_sharing=sharing,
                            delivery=delivery,
                        )


def test_every_lever_combination_runs_and_conserves_cases(restaurant):
    """Cut off mid-stream (no drain), every case that arrived is either finished or open."""
    short = replace(restaurant, horizon=24 * 7 * 3, warmup=0.0, drain=0.0)  # three weeks of office hours
    for design in all_designs():
        result = run(short, design, seed=11)
        cases = result.cases
        assert len(cases) == result.info["arrived"] > 100
        assert cases["case"].tolist() == list(range(len(cases)))
        assert (~cases["finished"]).sum() == result.info["open_at_end"] > 0, design.label
        done = cases[cases["finished"]]
        assert (done["lead_time"] > 0).all() and (done["trips"] >= 1).all(), design.label
        assert (done["documents"] >= done["distinct_documents"]).all(), design.label


def test_drain_lets_every_case_finish(restaurant):
    result = run(replace(restaurant, horizon=24 * 7 * 3, warmup=0.0, drain=5_000.0), BUNDLED, seed=2)
    assert result.cases["finished"].all() and result.info["open_at_end"] == 0


def test_a_run_in_which_nobody_can_come_is_refused_by_name(restaurant):
    """Ten hours from midnight the windows never open: an empty run, refused before it starts
    (it used to run and report NaN for every figure)."""
    with pytest.raises(ConfigError) as err:
        replace(restaurant, horizon=10.0, warmup=0.0)
    assert err.value.key == "scenario.hours.windows" and "never opens before the horizon" in err.value.problem


def test_same_config_and_seed_give_identical_tables(restaurant):
    short = replace(restaurant, horizon=24 * 7 * 4, warmup=0.0)
    a, b = run(short, SINGLE, seed=5), run(short, SINGLE, seed=5)
    for name in ("cases", "steps", "resources"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name))
    assert a.info == b.info
    c = run(short, SINGLE, seed=6)
    assert not np.array_equal(a.cases["arrival"], c.cases["arrival"])


def test_a_run_told_its_progress_is_the_run_untold(restaurant):
    """A long replication tells how far it is a hundred times (for its bar); the events that do
    it touch nothing of the model, so every table is the same to the bit, under a design with
    items in parallel, calendars and batches alike."""
    short = replace(restaurant, horizon=24 * 7 * 4, warmup=0.0)
    told: list[float] = []
    a, b = run(short, BUNDLED, seed=5), run(short, BUNDLED, seed=5, progress=told.append)
    for name in ("cases", "steps", "decisions", "resources"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name))
    assert told == [k / 100 for k in range(1, 100)]


def test_replications_report_their_share_done_as_they_go(restaurant):
    """Reports go up by hundredths within a replication and land on each whole one."""
    from sim.experiment.replications import replicate

    short = replace(restaurant, horizon=24 * 7 * 2, warmup=0.0)
    reports: list[tuple[float, int]] = []
    replicate(short, SINGLE, 1, 2, progress=lambda done, total: reports.append((done, total)))
    done = [d for d, _ in reports]
    assert {t for _, t in reports} == {2} and done == sorted(done) and len(done) == 2 * 100
    assert (1, 2) in reports and reports[-1] == (2, 2) and 0 < done[0] < 0.02 and 1 < done[100] < 1.02


def test_designs_meet_the_same_applicants_with_the_same_work(restaurant):
    """Common random numbers: same arrivals, needs, rejections and per-item work in both designs.
    (Round the clock, so that a step's duration is its work, not work plus closed hours.)"""
    short = replace(restaurant, horizon=24 * 7 * 4, warmup=0.0, hours=Hours())
    single, bundled = run(short, SINGLE, seed=3), run(short, BUNDLED, seed=3)
    for column in ("arrival", "need"):
        assert single.cases[column].tolist() == bundled.cases[column].tolist()

    def work(result, activity):
        s = result.steps[result.steps["activity"] == activity]
        s = s.assign(work=s["end"] - s["start"], item=s["item"].astype(str))
        return s.set_index(["case", "item"])["work"].sort_index()

    for activity in ("review", "inspection"):
        # Bundled cuts steps (the licence is registered on the spot): what it keeps is the same work.
        a, b = work(single, activity), work(bundled, activity)
        assert b.index.isin(a.index).all() and len(b) > len(a) / 2
        pd.testing.assert_series_equal(a.loc[b.index], b)
    # Merged dossiers are rejected when any part is, so they come back no more often than
    # the parts did item by item.
    assert (bundled.cases["reworks"] <= single.cases["reworks"]).all()
    assert (bundled.cases["reworks"] > 0).any()


def test_bundled_beats_single_on_the_built_in_scenario(restaurant):
    single = summarise(run(restaurant, SINGLE, seed=1, record_steps=False))
    bundled = summarise(run(restaurant, BUNDLED, seed=1, record_steps=False))
    for metric in ("lead_time_mean", "trips_mean", "documents_mean"):
        assert bundled[metric] < single[metric], metric


def test_more_reviewers_never_lengthen_the_wait_for_review():
    """Monotonicity on common random numbers: the same work with more staff waits less."""
    base = chain(demand={"ab": 0.09})
    waits = []
    for reviewers in (1, 2, 4):
        departments = {name: replace(d, reviewers=reviewers) for name, d in base.departments.items()}
        waits.append(summarise(run(replace(base, departments=departments), SINGLE, seed=8))["waiting_mean"])
    assert waits[0] > waits[1] >= waits[2]


def test_a_streamed_event_log_is_the_log_a_run_keeps(monkeypatch, tmp_path):
    """With ``log=`` the event log leaves in chunks as the run goes, so memory does not grow with
    it; written as parquet row groups and read back, it is the log a run keeps, row for row, and
    the run's other tables are untouched."""
    monkeypatch.setattr(recorder, "BATCH", 50)  # cases between checks of the log's length
    monkeypatch.setattr(recorder, "SPILL_ROWS", 1_000)
    scenario = load_scenario("district_channels", ["scenario.horizon=4000"])
    design = PRESETS["full_standard"]
    kept = run(scenario, design, 3, record_steps=True)
    chunks = []
    streamed = run(scenario, design, 3, record_steps=True, log=chunks.append)
    assert len(chunks) >= 4 and streamed.steps.empty
    pd.testing.assert_frame_equal(streamed.cases, kept.cases)
    with TableFile(tmp_path, "steps") as file:
        for chunk in chunks:
            file.write(chunk)
    assert pq.ParquetFile(tmp_path / "steps.parquet").metadata.num_row_groups == len(chunks)

    def rows(steps: pd.DataFrame) -> pd.DataFrame:
        words = steps.select_dtypes("category").columns
        steps = steps.astype(dict.fromkeys(words, str))
        return steps.sort_values(list(steps.columns), ignore_index=True)

    back = pd.read_parquet(tmp_path / "steps.parquet")
    pd.testing.assert_frame_equal(rows(back), rows(kept.steps))
