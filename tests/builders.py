"""Small scenarios written out by hand for trace and theory tests."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace

from sim import Department, Dist, DistKind, Inspection, Item, OneStop, Scenario
from sim.domain.calendars import Calendar
from sim.domain.scenario import Hours, Step


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


def lognormal(mean: float, cv: float) -> Dist:
    return Dist(dist=DistKind.lognormal, mean=mean, cv=cv)


def office(horizon: float = 8760.0) -> Scenario:
    """A two-department office under known parameters, for calibration's round trip: a licence
    reviewed and signed, a tax registration reviewed, dossiers sometimes sent back to be fixed,
    weekday opening hours with a lunch break, no holidays and no batches."""
    hours = Calendar(open={d: ["09:00-12:00", "13:30-17:30"] for d in ("mon", "tue", "wed", "thu", "fri")})
    items = {
        "licence": Item(
            department="market",
            documents=["form", "id"],
            intake=lognormal(0.5, 0.5),
            p_incomplete=0.2,
            prepare=lognormal(24.0, 0.5),
            steps=[
                Step(name="review", pool="reviewers", work=lognormal(3.0, 0.6)),
                Step(name="sign", pool="leaders", work=lognormal(0.3, 0.5)),
            ],
        ),
        "tax": Item(
            department="tax",
            documents=["tax_form"],
            intake=lognormal(0.3, 0.5),
            p_incomplete=0.1,
            prepare=lognormal(12.0, 0.5),
            steps=[Step(name="review", pool="reviewers", work=Dist(dist=DistKind.gamma, mean=1.5, cv=0.8))],
        ),
    }
    return Scenario(
        name="office",
        documents={d: d for d in ("form", "id", "tax_form")},
        departments={
            "market": Department(clerks=2, reviewers=3, leaders=1),
            "tax": Department(clerks=1, reviewers=1),
        },
        items=items,
        needs={"open_shop": ["licence", "tax"]},
        demand={"open_shop": 0.4},
        calendars={"office": hours},
        hours=Hours(windows="office", back_office="office"),
        horizon=horizon,
        warmup=672.0,
        drain=4000.0,
    )


def run_from_folder(config_dir, scenario: str, run_dir) -> None:
    """Run ``scenario`` of a folder of configs as a planner would (``python -m sim --config-dir``),
    and fail with its error output unless it runs."""
    command = [sys.executable, "-m", "sim", "--config-dir", str(config_dir), f"scenario={scenario}"]
    ran = subprocess.run(
        [*command, "progress=false", f"hydra.run.dir={run_dir}"], capture_output=True, text=True
    )
    assert ran.returncode == 0, ran.stderr[-2000:]
