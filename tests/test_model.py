"""The model's one reach into SimPy: a case's process started by its arrival event. If a SimPy
release changes how processes start, this fails before any result moves."""

import simpy

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
