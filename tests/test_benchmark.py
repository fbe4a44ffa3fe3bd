"""The benchmark's hand-written baselines keep the project's record layout: a column added to
the case or decision table must not leave the speed comparison broken until the next landing
that runs it (it was, by two columns)."""

import importlib.util
from pathlib import Path

import pytest
from hydra.errors import MissingConfigException

from sim.analysis.theory import mmc_wait

SPEC = importlib.util.spec_from_file_location(
    "benchmark", Path(__file__).resolve().parents[1] / "experiments" / "benchmark.py"
)
benchmark = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(benchmark)


@pytest.mark.parametrize(
    "model",
    [
        "project",
        "hand_written_stdlib",
        "hand_written",
        "hand_written_with_records",
        "on_the_clock_generators",
        "on_the_clock_callbacks",
    ],
)
def test_each_mmc_model_runs_and_waits_as_erlang_c_says(model):
    customers, wait = getattr(benchmark, model)(20_000, 0)
    assert abs(customers - 20_000) < 1_000  # the project's runs to a horizon: Poisson many
    expected = mmc_wait(benchmark.RATE, benchmark.SERVICE, benchmark.SERVERS)
    assert abs(wait - expected) < 0.5 * expected  # one seed at utilisation 0.9: near, not exact


def test_the_two_forms_on_the_project_clock_are_one_model():
    """Generators and callbacks serve the same customers on the same draws in the same order, so
    their speeds differ by the form alone (what items as state machines would buy)."""
    assert benchmark.on_the_clock_generators(5_000, 2) == benchmark.on_the_clock_callbacks(5_000, 2)


@pytest.mark.parametrize("design", ["SINGLE", "BUNDLED"])
def test_the_model_runs_alike_on_its_clock_and_on_simpys(design, monkeypatch):
    """``--clock`` times like with like, and the lean clock changes no result: the built-in
    scenario (calendars, batches, bookings, items in parallel) gives the same tables, to the bit,
    on SimPy's own environment."""
    import pandas as pd

    import sim
    import sim.model.centre as centre

    scenario, design = sim.load_scenario("restaurant", ["scenario.horizon=1500"]), getattr(sim, design)
    ours = sim.run(scenario, design, 2)
    monkeypatch.setattr(centre, "Environment", benchmark.SimPyClock)
    theirs = sim.run(scenario, design, 2)
    for table in ("cases", "steps", "decisions", "resources"):
        pd.testing.assert_frame_equal(getattr(ours, table), getattr(theirs, table))
    assert len(ours.cases) > 300


def test_composing_is_timed_on_the_scenario_asked_for():
    """``--compose`` times what a sweep's every job pays; a scenario that does not compose fails
    it rather than timing an error."""
    times = benchmark.compose_seconds("restaurant", 2)
    assert len(times) == 2 and all(0 < t < 30 for t in times)
    with pytest.raises(MissingConfigException, match="nowhere"):
        benchmark.compose_seconds("nowhere", 1)


def test_scale_gives_the_projects_growth_over_plain_simpys_seed_by_seed(monkeypatch, capsys):
    """``--scale`` divides the project's growth by the plain SimPy anchor's on each seed: the part
    of a bigger office's cost that is the project's own, not the machine's or SimPy's."""
    project = {(1, 0): 100.0, (20, 0): 160.0, (1, 1): 110.0, (20, 1): 154.0}  # grows 1.6, then 1.4
    plain = {(1, 0): 10.0, (20, 0): 12.5, (1, 1): 10.0, (20, 1): 14.0}  # grows 1.25, then 1.4
    monkeypatch.setattr(benchmark, "per_case", lambda k, seed: (project[k, seed], 5.0 * k))
    monkeypatch.setattr(benchmark, "plain_per_case", lambda k, seed, inside: plain[k, seed])
    benchmark.scale((1, 20), 2)
    row = capsys.readouterr().out.strip().splitlines()[-1].split("|")
    assert row[4].strip() == "1.50 [1.40, 1.60]" and row[6].strip() == "1.32 [1.25, 1.40]"
    assert row[7].strip() == "1.14 [1.00, 1.28]"  # 1.6 / 1.25 and 1.4 / 1.4
