"""The uncertainty study: Morris trajectories and Saltelli's design over the estimates' ranges,
each point paired on common random numbers, screened, apportioned and banded; an overloaded
point counted and left out of what it would bias."""

import numpy as np
import pandas as pd
import pytest
from builders import chain

from sim import SINGLE, ConfigError
from sim.analysis import uncertainty as study
from sim.analysis import uncertainty_section as section
from sim.analysis.labels import Labels
from sim.domain.knobs import RANGES
from sim.experiment.config import SimConfig, Uncertainty
from sim.experiment.uncertainty import block, problem, run_points, sample

MORRIS = Uncertainty(trajectories=2, jobs=3, designs=["single", "bundled"]).settings()
SOBOL = Uncertainty(
    method="sobol", samples=8, jobs=2, designs=["single", "bundled"], vary=["review", "booking"]
)
LEAD = "lead_time_working_days_mean"
PATH = len(RANGES) + 1  # points of a Morris trajectory
POINTS = 2 * PATH


def scenario():
    """The chain: two departments, deterministic work, rare arrivals."""
    return chain(demand={"ab": 0.01, "cd": 0.01}, horizon=6_000)


@pytest.fixture(scope="module")
def rows():
    """Two Morris trajectories of the chain, run in three jobs that split the second."""
    return pd.concat([run_points(scenario(), MORRIS, 5, j, 2) for j in range(3)], ignore_index=True)


def test_the_jobs_run_every_point_of_the_design_once_and_a_trajectory_changes_one_estimate_at_a_time(rows):
    whole = sample(MORRIS, 5)
    names = list(RANGES)
    assert [len(block(24, 3, j)) for j in range(3)] == [8, 8, 8]
    assert [len(block(38, 3, j)) for j in range(3)] == [13, 12, 13]
    single = rows[rows["design"] == "single"].drop_duplicates("point").sort_values("point")
    assert single["point"].tolist() == list(range(POINTS))
    assert np.allclose(single[names].to_numpy(), whole)  # the jobs' points are the design's, in order
    changed = single.groupby("trajectory")["changed"].apply(lambda c: sorted(c.iloc[1:]))
    assert all(c == sorted(names) for c in changed)  # each estimate changed once per trajectory
    lows, highs = (np.array([RANGES[n][k] for n in names]) for k in (0, 1))
    assert (whole >= lows - 1e-12).all() and (whole <= highs + 1e-12).all()


def test_an_estimate_with_nothing_to_act_on_screens_at_exactly_zero(rows):
    """The chain has no booked step, no commitment, no one form under bundled and no background
    work: those estimates move nothing, on common random numbers exactly nothing; the review
    time, which every item has, moves the lead-time reduction."""
    table = study.points(rows)
    screened = study.screening(rows, table, MORRIS)
    lead = screened[screened["metric"] == LEAD].set_index("estimate")
    for inert in ("booking", "p_false", "one_form_share", "background"):
        assert lead.loc[inert, "mu_star"] == 0.0, inert
    assert lead.loc["review", "mu_star"] > 0.5
    band = study.band(table)
    lead_band = band[band["metric"] == LEAD].iloc[0]
    assert lead_band["low"] <= lead_band["median"] <= lead_band["high"] and lead_band["points"] == POINTS


def test_with_every_point_served_the_screening_is_salibs(rows):
    """The elementary effects are SALib's when no point is left out: mu* and sigma to the digit."""
    from SALib.analyze import morris

    table = study.points(rows)
    screened = study.screening(rows, table, MORRIS).set_index(["metric", "estimate"])
    x = rows[rows["design"] == "single"].drop_duplicates("point").sort_values("point")[list(RANGES)]
    y = 100 * table.sort_values("point")[LEAD].to_numpy()
    found = morris.analyze(problem(RANGES), np.log(x.to_numpy()), y, num_levels=MORRIS["levels"], seed=1)
    ours = screened.loc[LEAD].loc[list(RANGES)]
    assert np.allclose(ours["mu_star"], found["mu_star"]) and np.allclose(ours["sigma"], found["sigma"])
    assert (ours["n"] == 2).all()


def test_an_overloaded_point_leaves_out_its_two_effects_and_is_said(rows, tmp_path):
    broken = rows.copy()
    broken.loc[broken["point"] == PATH + 3, "busiest_load"] = 1.2  # trajectory 1's fourth point
    table = study.points(broken)
    steps = study.effects(broken, table, MORRIS)
    assert len(steps) == 2 * (PATH - 1) - 2 and not steps["point"].isin([PATH + 3, PATH + 4]).any()
    assert study.band(table)["points"].max() == POINTS - 1  # the point, not its trajectory, leaves the band
    found = {"morris": study.Study(broken, MORRIS, tmp_path)}
    blocks = section.blocks(found, tmp_path / "figures", lambda folder: f"rerun {folder}", Labels())
    said = " ".join(str(b.content) for b in blocks if b.kind == "p")
    assert f"1 of {POINTS} point(s) overload the office" in said
    assert f"from {2 * (PATH - 1) - 2} of the {2 * (PATH - 1)} elementary effects of 2 trajectories" in said
    assert (tmp_path / "figures" / "uncertainty.pdf").is_file()
    assert (tmp_path / "collected" / "morris.csv").is_file()


def test_a_missing_job_leaves_out_the_effects_it_would_have_given(rows):
    part = rows[rows["point"] < PATH + PATH // 2]  # the third job, half of trajectory 1, not yet done
    steps = study.effects(part, study.points(part), MORRIS)
    assert len(steps) == (PATH - 1) + (PATH // 2 - 1)


@pytest.fixture(scope="module")
def sobol_rows():
    settings = SOBOL.settings()
    return pd.concat([run_points(scenario(), settings, 5, j, 2) for j in range(2)], ignore_index=True)


@pytest.mark.slow  # with its fixture, the only user of it: a Sobol design's runs, 5 s
def test_sobol_indices_find_the_one_estimate_that_acts(sobol_rows, tmp_path):
    """Of review and booking, the chain's reduction can only move with review: its total index
    holds nearly all the variance, booking's is exactly zero; the indices need every point."""
    settings = SOBOL.settings()
    assert sobol_rows["point"].nunique() == 8 * 4 and "trajectory" not in sobol_rows
    table = study.points(sobol_rows)
    found = study.indices(table, settings).set_index(["metric", "estimate"]).loc[LEAD]
    assert found.loc["booking", "ST"] == 0.0 and found.loc["booking", "S1"] == 0.0
    assert found.loc["review", "ST"] > 0.8
    assert study.indices(table[table["point"] != 3], settings).empty
    pd.testing.assert_frame_equal(
        study.indices(table, settings), study.indices(table, settings)
    )  # rebuilt alike
    blocks = section.blocks(
        {"sobol": study.Study(sobol_rows, settings, tmp_path)}, tmp_path / "figures", str, Labels()
    )
    assert any(b.kind == "table" and "Bundled: ST" in b.content.columns for b in blocks)
    assert (tmp_path / "figures" / "sobol.svg").is_file()


def test_a_study_reads_back_from_its_jobs_and_two_designs_in_one_folder_are_refused(tmp_path):
    from sim.experiment.output import write_points

    conf = SimConfig(scenario=scenario(), design=SINGLE, uncertainty=Uncertainty(job=0, jobs=12))
    table = run_points(conf.scenario, conf.uncertainty.settings(), 0, 0, 1)
    write_points(table, conf, tmp_path / "morris" / "a")
    other = SimConfig(scenario=scenario(), design=SINGLE, uncertainty=Uncertainty(job=0, jobs=12, levels=6))
    found = study.read(tmp_path)
    assert list(found) == ["morris"] and found["morris"].folder == tmp_path / "morris"
    write_points(table, other, tmp_path / "morris" / "b")
    with pytest.raises(SystemExit, match="two morris studies"):
        study.read(tmp_path)


@pytest.mark.parametrize(
    ("changes", "key"),
    [
        ({"method": "fast"}, "uncertainty.method"),
        ({"levels": 3}, "uncertainty.levels"),
        ({"samples": 48}, "uncertainty.samples"),
        ({"job": 4, "jobs": 4}, "uncertainty.job"),
        ({"jobs": 200, "trajectories": 2}, "uncertainty.jobs"),
        ({"designs": ["bundled"]}, "uncertainty.designs"),
        ({"ranges": {"revue": [0.5, 1.5]}}, "uncertainty.ranges.revue"),
        ({"ranges": {"review": [1.5, 0.5]}}, "uncertainty.ranges.review"),
        ({"vary": ["revue"]}, "uncertainty.vary"),
    ],
)
def test_a_bad_study_is_refused_by_its_key(changes, key):
    with pytest.raises(ConfigError, match=key.replace(".", r"\.")):
        SimConfig(scenario=chain(), design=SINGLE, uncertainty=Uncertainty(**changes))


def test_a_point_whose_loads_overload_the_office_is_counted_but_not_run():
    """Demand forty to eighty times the chain's offers its reviewers more than their hours at
    every point: no point is run (the loads say so before any queue grows), each is counted as
    overloaded, and the band has nothing to give."""
    settings = Uncertainty(trajectories=1, jobs=1, designs=["single", "bundled"], ranges={"demand": [40, 80]})
    settings = settings.settings(scenario())
    rows = run_points(scenario(), settings, 5, 0, 2)
    assert (rows["busiest_load"] >= 1).all() and LEAD not in rows
    table = study.points(rows)
    assert table["overloaded"].all() and study.band(table).empty
