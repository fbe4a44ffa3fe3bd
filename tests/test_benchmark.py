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
