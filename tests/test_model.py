"""The model's reaches into SimPy and Python: the lean clock (a case's process started by its
arrival event, ends nobody waits for, direct timeouts; if a SimPy release changes what they
lean on, this fails before any result moves), and runs that leave no reference cycles for the
paused collector."""

import gc
from pathlib import Path

import pytest
import simpy
from omegaconf import OmegaConf

from sim import SINGLE, load_scenario
from sim.domain.design import PRESETS
from sim.experiment.config import CONFIGS
from sim.model import Model
from sim.model.engine import Environment


def test_a_process_started_by_its_arrival_behaves_like_one_from_env_process():
    env = Environment()
    seen = []

    def case(name):
        seen.append((name, env.now, env.active_process))
        yield env.timeout(2)
        return name

    def waiter(process):
        value = yield process
        seen.append((value, env.now))

    arrival = env.timeout(5)
    started = env.start_on(arrival, case("a"))
    env.process(waiter(started))
    assert started.is_alive and not seen
    env.run()
    assert seen == [("a", 5, started), ("a", 7)]
    assert started.value == "a" and not started.is_alive


def _story(env, trace: list) -> None:
    """A small model using what the project's model uses of SimPy: processes waited for before
    and after they end, timeouts with values, a resource, all_of, any_of, an interrupt and a
    failure handled by its waiter. Everything it sees goes into ``trace``."""
    clerks = simpy.Resource(env, 2)

    def customer(k):
        with clerks.request() as req:
            yield req
            trace.append(("served", k, env.now))
            got = yield env.timeout(1 + k % 3, value=k)
            trace.append(("done", got, env.now))
        return k * 10

    def failing():
        yield env.timeout(2)
        raise KeyError("lost file")

    def sleeper():
        try:
            yield env.timeout(100)
        except simpy.Interrupt as why:
            trace.append(("interrupted", why.cause, env.now))

    def boss(ended):
        first = env.process(customer(1))
        both = yield env.all_of([first, env.process(customer(2))])
        trace.append(("both", sorted(both.values()), env.now))
        yield env.timeout(5)
        trace.append(("late waiter", (yield ended), env.now))  # an end nobody waited for
        try:
            yield env.process(failing())
        except KeyError as e:
            trace.append(("caught", str(e), env.now))
        s = env.process(sleeper())
        yield env.timeout(1)
        s.interrupt("pushed")
        either = yield env.timeout(3, "a") | env.timeout(4, "b")
        trace.append(("either", list(either.values()), env.now))

    ended = env.process(customer(0))
    for k in range(3, 9):
        env.process(customer(k))
    env.process(boss(ended))


def test_the_engine_runs_a_model_as_simpy_does():
    """The lean clock's shortcuts (ends nobody waits for, direct timeouts, the run loop) keep
    every event's time, order and value."""
    theirs, ours = [], []
    plain = simpy.Environment()
    _story(plain, theirs)
    plain.run(until=plain.timeout(60))
    env = Environment()
    _story(env, ours)
    env.run_until(env.timeout(60))
    assert ours == theirs and len(theirs) > 20
    assert env.now == plain.now == 60


def test_the_engine_lets_no_failure_pass_unseen():
    env = Environment()

    def broken():
        yield env.timeout(1)
        raise ValueError("a bad draw")

    env.process(broken())
    with pytest.raises(ValueError, match="a bad draw"):
        env.run_until(env.timeout(5))
    with pytest.raises(ValueError, match="Negative delay"):
        env.timeout(-1)
    stuck = Environment()
    with pytest.raises(RuntimeError, match="No scheduled events"):
        stuck.run_until(stuck.event())


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
