"""Small scenarios written out by hand for trace and theory tests."""

from __future__ import annotations

from dataclasses import replace

from sim import Department, Dist, DistKind, Inspection, Item, OneStop, Scenario


def det(hours: float) -> Dist:
    return Dist(dist=DistKind.deterministic, value=hours)


def exp(mean: float) -> Dist:
    return Dist(dist=DistKind.exponential, mean=mean)


def mmc(rate: float, mean_service: float, servers: int, horizon: float, warmup: float) -> Scenario:
    """A plain M/M/c queue: one department, one item with exponential intake only."""
    return Scenario(
        name="mmc",
        departments={"office": Department(clerks=servers)},
        items={"service": Item(department="office", intake=exp(mean_service), pickup=False)},
        needs={"visit": ["service"]},
        demand={"visit": rate},
        horizon=horizon,
        warmup=warmup,
        drain=horizon,
    )


def chain(**levers) -> Scenario:
    """Two departments; item ``b`` needs the licence item ``a`` produces.

    Arrivals are rare (one per ~1000 h) and every pool has nine staff, so every case runs
    through an empty system and the same deterministic trace, relative to its arrival.
    """
    items = {
        "a": Item(department="A", documents=["id", "form_a"], produces="lic", intake=det(1), review=det(10)),
        "b": Item(department="B", documents=["lic", "id", "form_b"], intake=det(2), review=det(5)),
        "c": Item(department="A", documents=["id", "form_c"], intake=det(1), review=det(10)),
        "d": Item(department="B", documents=["form_d"], intake=det(2), review=det(5)),
    }
    scenario = Scenario(
        name="chain",
        documents={d: d for d in ("id", "form_a", "form_b", "form_c", "form_d", "lic")},
        departments={
            "A": Department(clerks=9, reviewers=9),
            "B": Department(clerks=9, reviewers=9, inspectors=9),
        },
        items=items,
        needs={"ab": ["b", "a"], "cd": ["c", "d"]},
        demand={"ab": 0.001},
        one_stop=OneStop(clerks=9),
        mail=det(2),
        pickup_delay=det(3),
        horizon=20_000,
        drain=1_000,
    )
    return replace(scenario, **levers)


def with_item(scenario: Scenario, name: str, **changes) -> Scenario:
    items = dict(scenario.items)
    items[name] = replace(items[name], **changes)
    return replace(scenario, items=items)


__all__ = ["Inspection", "chain", "det", "exp", "mmc", "with_item"]
