"""The benchmark's hand-written baselines keep the project's record layout: a column added to
the case or decision table must not leave the speed comparison broken until the next landing
that runs it (it was, by two columns)."""

import importlib.util
from pathlib import Path

import pytest

from sim.analysis.theory import mmc_wait

SPEC = importlib.util.spec_from_file_location(
    "benchmark", Path(__file__).resolve().parents[1] / "experiments" / "benchmark.py"
)
benchmark = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(benchmark)


@pytest.mark.parametrize(
    "model", ["project", "hand_written_stdlib", "hand_written", "hand_written_with_records"]
)
def test_each_mmc_model_runs_and_waits_as_erlang_c_says(model):
    customers, wait = getattr(benchmark, model)(20_000, 0)
    assert abs(customers - 20_000) < 1_000  # the project's runs to a horizon: Poisson many
    expected = mmc_wait(benchmark.RATE, benchmark.SERVICE, benchmark.SERVERS)
    assert abs(wait - expected) < 0.5 * expected  # one seed at utilisation 0.9: near, not exact
