"""Calibration from an event log: fits recover known parameters, a simulated office's log gives
back its scenario and its measures, bad logs are refused with the column named, and noisy
logs are cleaned as documented."""

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from builders import office, run_from_folder
from scipy import stats

import sim
from sim.analysis import eventlog
from sim.calibrate import calibrate
from sim.calibrate.__main__ import main as calibrate_command
from sim.calibrate.fitting import fit
from sim.domain.distributions import DistKind
from sim.domain.errors import ConfigError
from sim.experiment.replications import replicate
from sim.run import run


@pytest.mark.parametrize(("mean", "cv"), [(2.0, 0.7), (0.5, 0.3), (24.0, 1.2)])
def test_a_fitted_lognormal_recovers_mean_and_cv_on_10k_samples(mean, cv):
    sigma = np.sqrt(np.log1p(cv**2))
    x = np.random.default_rng(7).lognormal(np.log(mean) - sigma**2 / 2, sigma, 10_000)
    f = fit(x)
    assert f.dist.dist == DistKind.lognormal
    assert f.dist.mean == pytest.approx(mean, rel=0.03) and f.dist.cv == pytest.approx(cv, rel=0.05)
    assert f.p > 0.01 and f.aic["lognormal"] < min(f.aic["gamma"], f.aic["exponential"])


def test_a_sample_no_family_fits_is_kept_as_it_is():
    x = np.r_[np.full(3000, 1.0), np.full(3000, 5.0)] + np.random.default_rng(1).normal(0, 0.01, 6000)
    f = fit(x)
    assert f.dist.dist == DistKind.empirical and f.p < 0.001
    assert np.mean(f.dist.values) == pytest.approx(x.mean(), rel=1e-12)
    assert sorted(f.dist.values)[:100] == pytest.approx([1.0] * 100, abs=0.05)  # half at each mode
    assert sorted(f.dist.values)[100:] == pytest.approx([5.0] * 100, abs=0.05)


def test_an_empirical_distribution_keeps_a_heavy_tailed_sample_s_mean_and_quantiles():
    """A sample with a fifth instants and a Pareto tail (infinite variance): drawn from, the
    stored distribution keeps the sample's mean (the sample's own quantiles, drawn uniformly,
    overstated it by drawing the maximum as often as the median) and its quantiles."""
    rng = np.random.default_rng(3)
    x = np.r_[np.zeros(2000), rng.pareto(1.5, 8000) + 0.1]
    f = fit(x)
    assert f.dist.dist == DistKind.empirical and len(f.dist.values) == 200
    assert np.mean(f.dist.values) == pytest.approx(x.mean(), rel=1e-9)
    draws = rng.choice(f.dist.values, 400_000)
    for q in (0.1, 0.25, 0.5, 0.75, 0.9):
        assert np.quantile(draws, q) == pytest.approx(np.quantile(x, q), rel=0.1, abs=0.02), q
    old = np.quantile(x, np.linspace(0, 1, 200))  # what was stored before
    assert old.mean() > 1.3 * x.mean()


@pytest.fixture(scope="module")
def known():
    """Two years of the known office under single-item processing, and its exported log."""
    scenario = office(horizon=2 * 8760.0)
    result = run(scenario, sim.load_design("single"), 3, record_steps=True)
    log = eventlog.events(result.steps, result.cases, scenario.start_date, scenario.timezone)
    return scenario, log


@pytest.fixture(scope="module")
def fitted(known):
    return calibrate(known[1], name="office_fitted")


def test_the_round_trip_recovers_the_scenario(known, fitted):
    truth, _ = known
    found = fitted.scenario
    assert found.needs == truth.needs
    assert found.demand["open_shop"] == pytest.approx(truth.demand["open_shop"], rel=0.06)
    for department, staff in truth.departments.items():
        got = found.departments[department]
        assert (got.clerks, got.reviewers, got.leaders) == (staff.clerks, staff.reviewers, staff.leaders)
    assert found.calendars["office"].open == truth.calendars["office"].open
    assert found.calendars["office"].holidays == []
    for name, item in truth.items.items():
        got = found.items[name]
        assert got.department == item.department
        assert got.p_incomplete == pytest.approx(item.p_incomplete, abs=0.03), name
        for mine, theirs in ((got.intake, item.intake), (got.prepare, item.prepare)):
            assert mine.mean == pytest.approx(theirs.mean, rel=0.08), name
        assert [s.name for s in got.steps] == [s.name for s in item.steps]
        for mine, theirs in zip(got.steps, item.steps, strict=True):
            assert mine.pool == theirs.pool
            assert mine.work.mean == pytest.approx(theirs.work.mean, rel=0.06), (name, mine.name)
            assert mine.work.cv == pytest.approx(theirs.work.cv, rel=0.15), (name, mine.name)
    assert "fitted from" in fitted.text and "(estimate)" in fitted.text


def test_the_fitted_model_reproduces_the_original_models_measures(known, fitted):
    """Lead time, trips and every pool's utilisation of the fitted scenario against the known
    one's, six replications each, within the two samples' 95 % interval. Documents are left
    out: a log does not list them (the fitted items carry one dossier each, an estimate)."""
    truth, _ = known
    single = sim.load_design("single")
    original = replicate(truth, single, 11, 6, progress=False).metrics
    again = replicate(fitted.scenario, single, 11, 6, progress=False).metrics
    pools = [c for c in original.columns if c.startswith("utilisation:") and original[c].mean() > 0]
    for metric in ("lead_time_working_days_mean", "lead_time_working_days_p90", "trips_mean", *pools):
        a, b = original[metric], again[metric]
        half = stats.t.ppf(0.975, 5) * np.sqrt(a.var(ddof=1) / 6 + b.var(ddof=1) / 6)
        assert abs(a.mean() - b.mean()) <= half, (metric, a.mean(), b.mean(), half)


def test_the_model_is_set_beside_the_offices_own_measures(fitted):
    table = fitted.validate(replications=6).set_index("measure")
    assert list(table.index) == [
        "lead time mean (working days)",
        "lead time P50 (working days)",
        "lead time P90 (working days)",
        "completed per week",
    ]
    gaps = table["gap"].str.rstrip(" %").astype(float)
    assert (gaps.abs() < 12).all(), table
    assert (
        table.loc[["lead time mean (working days)", "completed per week"], "office inside"] == "yes"
    ).all()


def test_a_noisy_log_is_cleaned_as_documented(known):
    _, log = known
    rng = np.random.default_rng(0)
    steps = log[~log["concept:name"].isin(["arrive", "done"])]
    lost = rng.choice(steps.index, 40, replace=False)  # events that never reached the log
    noisy = log.drop(lost).copy()
    late = noisy[(noisy["lifecycle:transition"] == "start") & (noisy["concept:name"] == "review")].index[:25]
    noisy.loc[late, "time:timestamp"] += pd.Timedelta(days=30)  # a clerk's clock gone wrong
    lone = (
        log[log["concept:name"] == "arrive"].iloc[:1].assign(**{"case:concept:name": "walked/in/and/out/0"})
    )
    noisy = pd.concat([noisy, lone], ignore_index=True)  # came, and nothing was logged after
    found = calibrate(noisy, name="noisy")
    text = " ".join(found.warnings)
    assert "1 cases with no complete step (only arrival or done events): left out" in text
    assert "with no complete (missing events): dropped" in text and "with no start (missing events)" in text
    skewed = int(
        re.search(r"(\d+) steps out of order, such as complete before start \(clock skew\)", text)[1]
    )
    assert 25 <= skewed <= 30  # the 25 moved, and a few a lost event paired out of turn
    assert found.scenario.items["licence"].steps[0].work.mean == pytest.approx(3.0, rel=0.08)


def test_a_bad_log_is_refused_naming_the_column(known, tmp_path):
    _, log = known
    with pytest.raises(ConfigError, match=r"mapping.activity.*no column 'concept:name'"):
        calibrate(log.drop(columns="concept:name"))
    with pytest.raises(ConfigError, match=r"mapping.resource.*no column 'staff'"):
        calibrate(log.iloc[:500], mapping={"resource": "staff"})
    renamed = log.rename(columns={"org:resource": "staff"})
    assert calibrate(renamed.iloc[:4000], mapping={"resource": "staff"}).scenario.needs
    broken = log.iloc[:500].astype({"time:timestamp": str})
    broken.loc[broken.index[7], "time:timestamp"] = "yesterday"
    with pytest.raises(
        ConfigError, match=r"1 timestamps cannot be read as ISO 8601, e.g. row 7: 'yesterday'"
    ):
        calibrate(broken)
    with pytest.raises(ConfigError, match=r"mapping\.casee: not a column calibration reads"):
        calibrate(log.iloc[:500], mapping={"casee": "x"})


@pytest.mark.slow
def test_the_command_reads_xes_and_writes_a_scenario_that_runs(known, tmp_path):
    _, log = known
    short = log[log["case:concept:name"].str.split("/").str[-1].astype(int) < 400]
    eventlog.write(short, tmp_path, ("xes",))
    out = tmp_path / "out"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "sim.calibrate",
            str(tmp_path / "eventlog.xes"),
            "--name",
            "from_xes",
            "--out",
            str(out),
            "--validate",
            "2",
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "The model beside the office" in (out / "calibration.md").read_text()
    run_from_folder(out, "from_xes", tmp_path / "run")
    refused = subprocess.run(
        [sys.executable, "-m", "sim.calibrate", str(tmp_path / "nope.csv")], capture_output=True, text=True
    )
    assert refused.returncode == 2 and "config error: log: no such file" in refused.stderr


HOSTILE = Path(__file__).parent / "hostile_logs"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("empty.csv", "empty.csv cannot be read as csv"),
        ("latin1.csv", "latin1.csv is not UTF-8 text"),
        ("truncated.xes", "truncated.xes cannot be read as xes"),
        ("entity_bomb.xes", "entity_bomb.xes declares a document type or entities"),
        ("out_of_order.csv", "no step left to measure (1 steps out of order"),
    ],
)
def test_a_hostile_log_is_refused_with_exit_2_and_nothing_written(name, message, tmp_path, capsys):
    """The command's own ``main``, in this process: that its code 2 is the process's exit code
    is held by the subprocess run of the test above, so each log costs no interpreter start."""
    code = calibrate_command([str(HOSTILE / name), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("config error: log: "), err[-800:]
    assert message in err
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_names_and_folders_of_a_calibration_stay_where_they_belong(known, tmp_path):
    """A name is a file's name, a need read from the log a quoted YAML key that the scenario
    check refuses, and an earlier calibration's files are kept unless asked."""
    _, log = known
    with pytest.raises(ConfigError, match=r"--name: names may hold only"):
        calibrate(log.iloc[:500], name="../../x")
    hostile = log.iloc[:4000].assign(**{"case:need": "a: [y]"})
    with pytest.raises(ConfigError, match=r"scenario.needs.a: \[y\]: names may hold only"):
        calibrate(hostile)
    found = calibrate(log.iloc[:4000], name="kept")
    found.write(tmp_path)
    (tmp_path / "scenario" / "kept.yaml").write_text("# edited by hand\n")
    with pytest.raises(ConfigError, match=r"--out: .*kept.yaml exists"):
        found.write(tmp_path)
    assert (tmp_path / "scenario" / "kept.yaml").read_text() == "# edited by hand\n"
    found.write(tmp_path, overwrite=True)
    assert "edited by hand" not in (tmp_path / "scenario" / "kept.yaml").read_text()


def test_a_log_of_too_many_items_is_refused_before_fitting(known):
    _, log = known
    with pytest.raises(ConfigError, match=r"items, more than the 1 calibration takes unasked"):
        calibrate(log.iloc[:4000], max_items=1)
