"""The model's reaches into SimPy and Python: a case's process started by its arrival event (if a
SimPy release changes how processes start, this fails before any result moves), and runs that
leave no reference cycles for the paused collector."""

import gc
from pathlib import Path

import pytest
import simpy
from omegaconf import OmegaConf

from sim import SINGLE, load_scenario
from sim.domain.design import PRESETS
from sim.experiment.config import CONFIGS
from sim.model import Model
from sim.model.centre import _Arriving


def test_a_process_started_by_its_arrival_behaves_like_one_from_env_process():
    env = simpy.Environment()
    seen = []

    def case(name):
        seen.append((name, env.now, env.active_process))
        yield env.timeout(2)
        return name

    def waiter(process):
        value = yield process
        seen.append((value, env.now))

    arrival = env.timeout(5)
    started = _Arriving(env, case("a"), arrival)
    env.process(waiter(started))
    assert started.is_alive and not seen
    env.run()
    assert seen == [("a", 5, started), ("a", 7)]
    assert started.value == "a" and not started.is_alive


# Every path a shipped scenario takes: the self-contained ones, and the district family, which
# holds every catalogue item with channels, requests and a city's size (a single-bundle
# scenario runs a subset of the district's items).
SCENARIOS = ["restaurant", "mmc", "district", "district_channels", "district_requests", "xiamen_huli"]


def test_the_cycle_checks_cover_every_catalogue_item():
    """Every other scenario file asks only for items of the district's catalogue, adding none."""
    district = load_scenario("district")
    for path in (Path(CONFIGS) / "scenario").glob("*.yaml"):
        if path.stem not in SCENARIOS:
            spec = OmegaConf.load(path)
            assert "items" not in spec, path.stem
            wanted = {i for need in (spec.get("needs") or {}).values() for i in need}
            assert wanted <= set(district.items), path.stem


@pytest.mark.slow
@pytest.mark.parametrize("name", SCENARIOS)
def test_a_run_leaves_no_reference_cycles(name):
    """``Centre.run`` pauses the cyclic collector for speed; that is safe only while everything a
    run makes is freed by reference counting. A cycle per case or request would grow memory with
    the run: it shows here as garbage the collector finds while the model is still alive."""
    scenario = load_scenario(name, ["scenario.horizon=3000", "scenario.warmup=0", "scenario.size=1"])
    for design in (SINGLE, PRESETS["full_standard"]):
        gc.collect()
        gc.disable()  # no collection after the run either, before the count below
        try:
            model = Model(scenario, design, 0, record_steps=True)
            model.run()
            assert model.permits.arrived > 0
            assert gc.collect() == 0, f"{name} / {design.label} left objects in reference cycles"
        finally:
            gc.enable()
        del model  # the model itself is a cycle (its clock and processes): gone before the next
