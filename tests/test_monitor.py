"""The staff pools' tally against areas worked out by hand, on every path a seat or a place in
the queue is taken and given back: seize and free, SimPy's request and release, a cancelled
request, and a shift that seats the queue."""

import pytest
import simpy

from sim.model.pools import MonitoredResource


def test_areas_are_the_integrals_of_seats_and_queue_on_every_path():
    env = simpy.Environment()
    pool = MonitoredResource(env, 1, "office.clerks")
    read = {}

    def seized(arrive, hold):
        yield env.timeout(arrive)
        me = object()
        seat = pool.seize(me)
        if seat is not me:
            yield seat
        yield env.timeout(hold)
        pool.free(seat)

    def cancelled():
        yield env.timeout(2)
        req = pool.request()
        yield env.timeout(1)
        req.cancel()  # leaves the queue unserved at 3

    def with_request():
        yield env.timeout(5)
        with pool.request() as req:
            yield req
            yield env.timeout(1)

    def shift():
        yield env.timeout(6.75)
        pool.set_capacity(2)

    def snapshot(at):
        yield env.timeout(at)
        read[at] = pool.areas()

    for p in (seized(0, 4), seized(1, 2), cancelled(), with_request(), seized(6.5, 1.25), shift()):
        env.process(p)
    env.process(snapshot(4.5))
    env.process(snapshot(10))
    env.run()
    # Seats: A 0-4, B 4-6, the `with` request 6-7, E 6.75-8. Queue: B 1-4, the cancelled
    # request 2-3, the `with` request 5-6, E 6.5-6.75. Staff: one until 6.75, then two.
    assert read[4.5] == pytest.approx((4.5, 4.0, 4.5, 4.5))
    assert read[10] == pytest.approx((8.25, 5.25, 6.75 + 2 * 3.25, 10.0))
    assert not pool.users and not pool.put_queue
