"""Closed-form queueing results the simulator is held against (and planners can use to
size staff before simulating): Erlang C for M/M/c, and Jackson-network sums of them."""

from __future__ import annotations


def erlang_c(servers: int, load: float) -> float:
    """Probability that an arrival waits in an M/M/c queue with offered load ``load`` erlangs."""
    if not 0 <= load < servers:
        raise ValueError(f"need 0 <= load < servers for a stable queue, got load={load}, servers={servers}")
    # Erlang B by its stable recursion, then C from B.
    b = 1.0
    for k in range(1, servers + 1):
        b = load * b / (k + load * b)
    rho = load / servers
    return b / (1 - rho + rho * b)


def mmc_wait(rate: float, mean_service: float, servers: int) -> float:
    """Mean time in queue (before service) of an M/M/c queue."""
    load = rate * mean_service
    return erlang_c(servers, load) * mean_service / (servers - load)


def mmc_sojourn(rate: float, mean_service: float, servers: int) -> float:
    """Mean time in an M/M/c station: waiting plus service."""
    return mmc_wait(rate, mean_service, servers) + mean_service
