"""Replications, intervals, paired comparison, collect, charts and report."""

import subprocess
import sys
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from sim import BUNDLED, SINGLE
from sim.analysis.collect import collect
from sim.analysis.compare import holm, paired
from sim.experiment.replications import replicate
from sim.experiment.stats import t_interval


def test_t_interval_matches_the_textbook_and_scipy():
    # 1..5: mean 3, s = sqrt(2.5), t(0.975, 4) = 2.7764 -> 3 +- 2.7764 * sqrt(2.5 / 5)
    mean, low, high = t_interval([1, 2, 3, 4, 5])
    assert mean == 3
    assert (low, high) == pytest.approx((3 - 2.776445 * np.sqrt(0.5), 3 + 2.776445 * np.sqrt(0.5)), rel=1e-6)
    x = np.random.default_rng(0).normal(10, 2, 30)
    assert t_interval(x, 0.9)[1:] == pytest.approx(
        stats.t.interval(0.9, 29, loc=x.mean(), scale=stats.sem(x))
    )
    assert np.isnan(t_interval([4.0])[1])


def test_replications_are_stable_and_independent(compose):
    scenario = replace(compose([]).scenario, horizon=400.0, warmup=50.0)
    three = replicate(scenario, SINGLE, seed=2, replications=3, progress=False).metrics
    two = replicate(scenario, SINGLE, seed=2, replications=2, progress=False).metrics
    pd.testing.assert_frame_equal(three.iloc[:2], two)  # replication r does not depend on R
    assert three["lead_time_mean"].nunique() == 3


def test_pairing_narrows_the_interval_against_independent_seeds(compose):
    """On the built-in scenario: paired replications of single and bundled against bundled run
    on other seeds (truly independent samples)."""
    scenario = replace(compose([]).scenario, horizon=1_500.0, warmup=150.0)
    reps = 8
    single = replicate(
        scenario, SINGLE, seed=1, replications=reps, record_steps=False, progress=False
    ).metrics
    bundled = replicate(
        scenario, BUNDLED, seed=1, replications=reps, record_steps=False, progress=False
    ).metrics
    independent = replicate(
        scenario, BUNDLED, seed=99, replications=reps, record_steps=False, progress=False
    ).metrics
    result = paired(single, bundled, ("lead_time_mean", "documents_mean")).set_index("metric")
    for metric in ("lead_time_mean", "documents_mean"):
        paired_half = result.loc[metric, "half_width_paired"]
        diff = independent[metric].to_numpy() - single[metric].to_numpy()  # unrelated samples
        _, low, high = t_interval(diff)
        assert paired_half < (high - low) / 2, metric
        assert result.loc[metric, "variance_reduction"] > 1
        assert result.loc[metric, "reduction"] > 0  # bundled is better on this scenario


def test_paired_relative_reduction():
    base = pd.DataFrame({"replication": [0, 1, 2], "x": [10.0, 20.0, 30.0]})
    other = pd.DataFrame({"replication": [2, 0, 1], "x": [15.0, 5.0, 10.0]})  # joined on replication
    row = paired(base, other, ("x",)).iloc[0]
    assert row["reduction"] == pytest.approx(0.5) and row["difference"] == pytest.approx(-10.0)


def test_the_reductions_p_value_is_scipys_paired_t_test_and_holm_steps_down():
    base = pd.DataFrame({"replication": range(5), "x": [10.0, 12.0, 9.0, 11.0, 10.5]})
    other = base.assign(x=[7.0, 9.5, 6.0, 8.5, 8.0])
    row = paired(base, other, ("x",)).iloc[0]
    reductions = 1 - other["x"] / base["x"]
    assert row["reduction_p"] == pytest.approx(stats.ttest_1samp(reductions, 0).pvalue)
    # Holm (1979) by hand: 0.005 x 4, 0.01 x 3, 0.03 x 2, then 0.04 x 1 kept at the 0.06 before it
    assert holm([0.01, 0.04, 0.03, 0.005, np.nan]) == pytest.approx(
        [0.03, 0.06, 0.06, 0.02, np.nan], nan_ok=True
    )
    assert holm([0.6, 0.9]).tolist() == [1.0, 1.0]  # 0.6 x 2 capped at 1, and never below it after


@pytest.mark.slow
def test_tiers_study_reports_requests_beside_the_article(tmp_path):
    """The tiers preset, cut short: request tables on disk, the report's request section with
    the published counts as the first row, and its figure."""
    args = [
        "+experiment=tiers",
        "replications=2",
        "scenario.horizon=3000",
        "staffing.scale=1.0",
        "scenario.requests.meeting.every_days=7",
        "hydra/launcher=basic",  # in the sweep's own process (tests/test_sweeps.py: launchers agree)
        f"hydra.sweep.dir={tmp_path}",
    ]
    done = subprocess.run([sys.executable, "-m", "sim", "--multirun", *args], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    jobs = collect(tmp_path).jobs
    assert len(jobs) == 2  # the report's two effects
    for job in jobs.values():
        requests = pd.read_parquet(job / "requests.parquet")
        assert set(requests["tier"]) == {"front", "middle", "back"}
        assert len(pd.read_parquet(job / "sittings.parquet")) > 0
    report = subprocess.run(
        [sys.executable, "-m", "sim.analysis.report", str(tmp_path)], capture_output=True, text=True
    )
    assert report.returncode == 0, report.stderr[-2000:]
    text = (tmp_path / "report.md").read_text()
    section = text[text.index("## Requests through the tiers") :]
    assert "| reported" in section and "3,047" in section and "97.48 %" in section
    assert "report.effect=none" in section and "report.effect=priority" in section
    assert (tmp_path / "figures" / "request_close_by_class.png").stat().st_size > 1000
