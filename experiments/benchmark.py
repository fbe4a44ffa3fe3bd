"""Speed and memory of the simulator beside what a user would otherwise write, in one run.

    .venv/bin/python -m pip install -e '.[bench]'      # Ciw, for the comparison only
    .venv/bin/python experiments/benchmark.py            # about 5 minutes on 2 cores
    .venv/bin/python experiments/benchmark.py --quick    # smaller N, fewer repeats
    .venv/bin/python experiments/benchmark.py --profile  # where the project's M/M/c time goes
    .venv/bin/python experiments/benchmark.py --scale 10 100  # cost per case at 1x, 10x, 100x the office
    .venv/bin/python experiments/benchmark.py --city     # a city-year: Xiamen's six districts on 2 cores
    .venv/bin/python experiments/benchmark.py --overhead # what a job costs besides its cases
    .venv/bin/python experiments/benchmark.py --compose district  # composing a scenario with the catalogue
    .venv/bin/python experiments/benchmark.py --clock    # the model on its lean clock against SimPy's
    .venv/bin/python experiments/benchmark.py --mmc --record && \
      .venv/bin/python experiments/benchmark.py --scale 20 --record   # at a landing: the ratios kept

Every timing is the median of several repeats, each on its own seed, run one after another
in this process (the sweep and memory parts in child processes; the M/M/c models take turns
on each seed, each from a clean heap). Ratios are taken between runs made side by side (two
models on one seed, a serial and a parallel sweep back to back) and reported as their median
and range, so the machine's drift between repeats stays out of them. The M/M/c comparison is
like with like: the same arrival rate, service time and servers, and the mean waits are
printed with their intervals beside Erlang C.
"""

from __future__ import annotations

import argparse
import csv
import gc
import importlib.util
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import numpy as np
import simpy

from sim import BUNDLED, SINGLE, Department, Dist, DistKind, Item, Scenario, load_scenario, run
from sim.analysis.theory import mmc_sojourn, mmc_wait
from sim.experiment.stats import t_interval
from sim.model.pools import MonitoredResource
from sim.model.recorder import (
    BATCH,
    CASE_FLOAT_COLUMNS,
    CASE_INT_COLUMNS,
    DECISION_FLOAT_COLUMNS,
    DECISION_INT_COLUMNS,
    PARTS,
    Table,
)

RATE, SERVICE, SERVERS = 2.7, 1.0, 3  # utilisation 0.9
STDLIB = "hand-written SimPy, stdlib random (the baseline)"
IDLE_PARTS = (0.0,) * (len(PARTS) - 2)  # an M/M/c customer spends no time in the other parts
ROOT = Path(__file__).resolve().parent.parent


def mmc_scenario(arrivals: int) -> Scenario:
    """The project's own model as an M/M/c queue: one department, one item, intake only."""
    return Scenario(
        name="mmc",
        departments={"office": Department(clerks=SERVERS)},
        items={
            "service": Item(
                department="office", intake=Dist(dist=DistKind.exponential, mean=SERVICE), pickup=False
            )
        },
        needs={"visit": ["service"]},
        demand={"visit": RATE},
        horizon=arrivals / RATE,
        warmup=0.0,
        drain=1_000.0,
    )


def project(arrivals: int, seed: int) -> tuple[int, float]:
    """(customers, mean wait) from ``sim.run`` with the event log off."""
    result = run(mmc_scenario(arrivals), SINGLE, seed, record_steps=False)
    return len(result.cases), float(result.cases["waiting"].mean())


def hand_written_stdlib(arrivals: int, seed: int, times: int = 1, hold: float = 0.0) -> tuple[int, float]:
    """The fastest plain SimPy: one process per customer, a simpy.Resource, and draws from the
    standard library's ``random`` (a C call each, where numpy's scalar draws cost a Python
    round trip through the Generator).

    For ``--scale``, ``times`` multiplies the arrival rate and the clerks, and each customer is
    then held for an exponential time of mean ``hold``, as a back office holds a case, so
    that the model has as many customers in it at once as the project's office has cases."""
    rng = random.Random(seed)
    expovariate = rng.expovariate
    env = simpy.Environment()
    clerks = simpy.Resource(env, SERVERS * times)
    waits: list[float] = []

    def customer(env):
        arrived = env.now
        with clerks.request() as req:
            yield req
            waits.append(env.now - arrived)
            yield env.timeout(expovariate(1 / SERVICE))
        if hold:
            yield env.timeout(expovariate(1 / hold))

    def source(env):
        rate = RATE * times
        for _ in range(arrivals):
            yield env.timeout(expovariate(rate))
            env.process(customer(env))

    env.process(source(env))
    env.run()
    return len(waits), float(np.mean(waits))


def hand_written(arrivals: int, seed: int) -> tuple[int, float]:
    """Plain SimPy as often written: one process per customer, a simpy.Resource, numpy draws."""
    rng = np.random.default_rng(seed)
    env = simpy.Environment()
    clerks = simpy.Resource(env, SERVERS)
    waits: list[float] = []

    def customer(env):
        arrived = env.now
        with clerks.request() as req:
            yield req
            waits.append(env.now - arrived)
            yield env.timeout(rng.exponential(SERVICE))

    def source(env):
        for _ in range(arrivals):
            yield env.timeout(rng.exponential(1 / RATE))
            env.process(customer(env))

    env.process(source(env))
    env.run()
    return len(waits), float(np.mean(waits))


def hand_written_with_records(arrivals: int, seed: int) -> tuple[int, float]:
    """The hand-written model keeping what ``sim.run`` keeps, the way ``sim.run`` keeps it: the
    project's monitored resource (seats taken without an event when free; utilisation and
    queue areas) and a case row and a decision row per customer in the project's column
    tables. Against it, ``sim.run`` shows what the model's generality costs."""
    rng = np.random.default_rng(seed)
    env = simpy.Environment()
    clerks = MonitoredResource(env, SERVERS, "office.clerks")
    cases = Table(CASE_INT_COLUMNS, CASE_FLOAT_COLUMNS)
    decisions = Table(DECISION_INT_COLUMNS, DECISION_FLOAT_COLUMNS)

    def customer(env, i):
        arrived = env.now
        seat = clerks.seize(i)
        if seat is not i:
            yield seat
        start = env.now
        yield env.timeout(rng.exponential(SERVICE))
        clerks.free(seat)
        _keep(cases, decisions, i, arrived, start, env.now)

    def source(env):
        for i in range(arrivals):
            yield env.timeout(rng.exponential(1 / RATE))
            env.process(customer(env, i))

    env.process(source(env))
    env.run()
    waits = cases.columns["waiting"]
    return len(waits), float(waits.mean())


def _keep(cases: Table, decisions: Table, i: int, arrived: float, start: float, end: float) -> None:
    """A served customer's case and decision rows, as ``sim.run`` writes them."""
    waited, served = start - arrived, end - start  # the lead time's parts: queue, service
    # case, need, channel, trips, specialist and far trips, documents (handed, distinct),
    # windows, reworks; then arrival, completion, waiting and the lead time's parts
    cases.add((i, 0, 0, 1, 0, 0, 0, 0, 1, 0, arrived, end, waited, waited, served, *IDLE_PARTS))
    decisions.add((i, 0, 0, arrived, start, end, 0.0))  # ... accepted, started, decided, paused
    if len(cases.rows) >= BATCH:
        cases.flush()
        decisions.flush()


class _Queue:
    """The M/M/c queue on the project's own clock, draws and records, with nothing of the
    model's generality: what the model's form costs, apart from what it does. Customers are
    served either as generator processes (the form the model is written in) or as callbacks
    from event to event (items as state machines), on the same draws."""

    def __init__(self, seed: int) -> None:
        from sim.model.engine import Environment
        from sim.model.streams import Streams

        streams = Streams(seed)
        self.interarrival = streams.sampler("arrivals", Dist(dist=DistKind.exponential, mean=1 / RATE))
        self.service = streams.sampler("intake", Dist(dist=DistKind.exponential, mean=SERVICE))
        self.env = Environment()
        self.clerks = MonitoredResource(self.env, SERVERS, "office.clerks")
        self.cases = Table(CASE_INT_COLUMNS, CASE_FLOAT_COLUMNS)
        self.decisions = Table(DECISION_INT_COLUMNS, DECISION_FLOAT_COLUMNS)

    def run(self, arrivals: int, serve: Callable) -> tuple[int, float]:
        """Announce each arrival one ahead, as the project does, and ``serve(i, t, arrival)``."""
        env = self.env

        def source():
            for i in range(arrivals):
                t = env.now + self.interarrival()
                arrival = env.timeout(t - env.now)
                serve(i, t, arrival)
                yield arrival

        env.process(source())
        env.run()
        waits = self.cases.columns["waiting"]
        return len(waits), float(waits.mean())


def on_the_clock_generators(arrivals: int, seed: int) -> tuple[int, float]:
    """The queue as generator processes on the project's clock (``_Queue``)."""
    q = _Queue(seed)
    env, clerks = q.env, q.clerks

    def customer(i: int, arrived: float):
        seat = clerks.seize(i)
        if seat is not i:
            yield seat
        start = env.now
        yield env.timeout(q.service())
        clerks.free(seat)
        _keep(q.cases, q.decisions, i, arrived, start, env.now)

    return q.run(arrivals, lambda i, t, arrival: env.start_on(arrival, customer(i, t)))


class _Customer:
    """One customer of ``on_the_clock_callbacks``: a method per state, each the callback of the
    event that ends the one before."""

    __slots__ = ("arrived", "i", "q", "seat", "start")

    def __init__(self, q: _Queue, i: int, arrived: float) -> None:
        self.q, self.i, self.arrived = q, i, arrived

    def arrive(self, _event) -> None:
        seat = self.seat = self.q.clerks.seize(self)
        if seat is self:
            self.seated(None)
        else:
            seat.callbacks.append(self.seated)

    def seated(self, _event) -> None:
        q = self.q
        self.start = q.env.now
        q.env.timeout(q.service()).callbacks.append(self.served)

    def served(self, _event) -> None:
        q = self.q
        q.clerks.free(self.seat)
        _keep(q.cases, q.decisions, self.i, self.arrived, self.start, q.env.now)


def on_the_clock_callbacks(arrivals: int, seed: int) -> tuple[int, float]:
    """The queue as callbacks on the project's clock (``_Queue``, ``_Customer``)."""
    q = _Queue(seed)
    return q.run(arrivals, lambda i, t, arrival: arrival.callbacks.append(_Customer(q, i, t).arrive))


def with_ciw(arrivals: int, seed: int) -> tuple[int, float]:
    """The same queue in Ciw."""
    import ciw

    network = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(rate=RATE)],
        service_distributions=[ciw.dists.Exponential(rate=1 / SERVICE)],
        number_of_servers=[SERVERS],
    )
    ciw.seed(seed)
    q = ciw.Simulation(network)
    q.simulate_until_max_customers(arrivals, method="Finish")
    waits = [r.waiting_time for r in q.get_all_records()]
    return len(waits), float(np.mean(waits))


def timed(models: dict, repeats: int) -> dict[str, dict]:
    """Each model's median speed, its speeds seed by seed and its mean wait with a 95 %
    interval; a model is a function of the seed returning (customers, mean wait). The models
    take turns on each seed, so a drift in the machine's speed during the run touches them
    alike, and two models' speeds on one seed make a fair ratio."""
    speeds: dict[str, list[float]] = {name: [] for name in models}
    waits: dict[str, list[float]] = {name: [] for name in models}
    for seed in range(1, repeats + 1):
        for name, fn in models.items():
            gc.collect()  # each starts from a clean heap, not with the cycles the last one left
            gc.disable()  # as sim.run does for its runs: every model gets the same trick
            start = time.perf_counter()
            customers, wait = fn(seed)
            speeds[name].append(customers / (time.perf_counter() - start))
            gc.enable()
            waits[name].append(wait)
    results = {}
    for name in models:
        mean, low, high = t_interval(waits[name])
        results[name] = {
            "speed": statistics.median(speeds[name]),
            "speeds": speeds[name],
            "wait": mean,
            "wait_low": low,
            "wait_high": high,
        }
    return results


def ratio(a: list[float], b: list[float]) -> tuple[float, float, float]:
    """(median, lowest, highest) of ``a[k] / b[k]``: ratios of runs made side by side."""
    each = [x / y for x, y in zip(a, b, strict=True)]
    return statistics.median(each), min(each), max(each)


def events_per_case(scenario: Scenario, design) -> float:
    """SimPy events per case: every event the clock scheduled (each takes the next number of
    its counter), over the cases that arrived, in an untimed run."""
    from sim.model import Model

    model = Model(scenario, design, 0, record_steps=False)
    model.run()
    return next(model.env._eid) / model.permits.arrived


def per_case(times: int, seed: int) -> tuple[float, float]:
    """(microseconds of ``sim.run`` per case, mean cases in the office) for the built-in scenario
    with ``times`` its demand and staff (a tenth of a year at 10x, so every office serves about
    the same number of cases)."""
    base = load_scenario("restaurant")
    horizon = 8760 if times == 1 else 8760 * 10 // times
    overrides = [f"scenario.demand.{n}={r * times}" for n, r in base.demand.items()]
    scenario = load_scenario(
        "restaurant", [*overrides, f"staffing.scale={times}", f"scenario.horizon={horizon}"]
    )
    gc.collect()
    start = time.perf_counter()
    cases = run(scenario, SINGLE, seed, record_steps=False).cases
    seconds = time.perf_counter() - start
    return seconds / len(cases) * 1e6, float((cases["completion"] - cases["arrival"]).sum() / horizon)


def plain_per_case(times: int, seed: int, in_flight: float) -> float:
    """Microseconds per customer of the stdlib SimPy model at ``times`` its arrival rate and
    clerks, each customer held after its service so that the 1x model has ``in_flight``
    customers in it on average (Little's law), as many as the project's 1x office has cases."""
    window = mmc_sojourn(RATE, SERVICE, SERVERS)
    hold = max(in_flight / RATE - window, 0.0)
    gc.collect()
    gc.disable()  # as sim.run does for its runs
    try:
        start = time.perf_counter()
        customers, _ = hand_written_stdlib(100_000, seed, times, hold)
        return (time.perf_counter() - start) / customers * 1e6
    finally:
        gc.enable()


RECORD = ROOT / "experiments" / "benchmarks.csv"
RECORD_COLUMNS = ("date", "commit", "clean", "python", "machine", "measure", "median", "low", "high", "n")


def record(measure: str, found: tuple[float, float, float], n: int, path: Path = RECORD) -> None:
    """Append one ratio to the benchmark record (``--record``): a row per measure and landing,
    with the commit it measured, so drift shows across landings, not only against a parent."""
    from sim.experiment.environment import environment

    env = environment()
    git = env["git"] or {"commit": "", "clean": False}
    row = {
        "date": time.strftime("%Y-%m-%d"),
        "commit": git["commit"][:12],
        "clean": git["clean"],
        "python": env["python"],
        "machine": platform.machine(),
        "measure": measure,
        "median": f"{found[0]:.3f}",
        "low": f"{found[1]:.3f}",
        "high": f"{found[2]:.3f}",
        "n": n,
    }
    new = not path.exists()
    with path.open("a", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, RECORD_COLUMNS)
        if new:
            writer.writeheader()
        writer.writerow(row)
    print(f"recorded in {path.relative_to(ROOT)}: {measure} {row['median']}")


def scale(sizes: tuple[int, ...], repeats: int, keep: bool = False) -> None:
    """Cost per case of offices 1x and larger, taking turns on each seed; ratios to 1x. Beside
    it the same for the fastest plain SimPy holding as many customers at once: what SimPy's
    event heap and the machine's memory charge for a bigger model, whatever it models; and the
    project's growth over that anchor's, seed by seed: what is the project's own."""
    print(f"Cost per case against office size (restaurant, single; median of {repeats} seeds)")
    print(
        "| office | cases in it (mean) | us per case | x the 1x office, seed by seed: median [range] "
        "| plain SimPy as full: us per customer | x its 1x | the project's growth / plain SimPy's |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|")
    cost = {k: [] for k in sizes}
    inside = {k: [] for k in sizes}
    plain = {k: [] for k in sizes}
    for seed in range(repeats):
        for k in sizes:
            us, in_flight = per_case(k, seed)
            cost[k].append(us)
            inside[k].append(in_flight)
            plain[k].append(plain_per_case(k, seed, inside[1][-1]))
    for k in sizes:
        mid, low, high = ratio(cost[k], cost[1])
        plain_mid, plain_low, plain_high = ratio(plain[k], plain[1])
        grown = [c / c1 for c, c1 in zip(cost[k], cost[1], strict=True)]
        plain_grown = [p / p1 for p, p1 in zip(plain[k], plain[1], strict=True)]
        own = ratio(grown, plain_grown)
        if keep and k != 1:
            record(f"cost per case, office x{k} / x1", (mid, low, high), repeats)
            record(f"cost per case, office x{k} / x1, over plain SimPy's", own, repeats)
        print(
            f"| {k}x | {statistics.median(inside[k]):,.0f} | {statistics.median(cost[k]):,.0f} | "
            f"{mid:.2f} [{low:.2f}, {high:.2f}] | {statistics.median(plain[k]):.1f} | "
            f"{plain_mid:.2f} [{plain_low:.2f}, {plain_high:.2f}] | "
            f"{own[0]:.2f} [{own[1]:.2f}, {own[2]:.2f}] |"
        )


def builtin(repeats: int) -> list[dict]:
    from hydra import compose, initialize_config_dir

    from sim.experiment.config import CONFIGS, load, register

    register()
    with initialize_config_dir(config_dir=CONFIGS, version_base="1.3"):
        scenario = load(compose("config")).scenario

    def one_run(design, seed: int) -> tuple[int, float]:
        cases = run(scenario, design, seed, record_steps=False).cases
        return len(cases), float(cases["waiting"].mean())

    designs = (SINGLE, BUNDLED)
    # The designs take turns on each seed, as the M/M/c models do.
    results = timed({design.label: partial(one_run, design) for design in designs}, repeats)
    return [
        {
            "design": design.label,
            "cases_per_s": results[design.label]["speed"],
            "events_per_case": events_per_case(scenario, design),
        }
        for design in designs
    ]


def compose_seconds(scenario: str, repeats: int) -> list[float]:
    """Seconds of each of ``repeats`` compositions of ``scenario=<scenario>`` in one process, as
    every job of a sweep is composed (Hydra's compose API, Hydra's settings included), after one
    untimed composition that reads the files into the operating system's cache."""
    from hydra import compose, initialize_config_dir

    from sim.experiment.config import CONFIGS, register

    register()
    times = []
    with initialize_config_dir(config_dir=CONFIGS, version_base="1.3"):
        for k in range(repeats + 1):
            start = time.perf_counter()
            compose("config", [f"scenario={scenario}"], return_hydra_config=True)
            if k:
                times.append(time.perf_counter() - start)
    return times


def peak_memory(arrivals: int) -> tuple[float, float]:
    """(peak RSS in MiB of a fresh process running the M/M/c case for ``arrivals`` with the event
    log on, peak MiB the run itself allocated as traced by tracemalloc)."""
    here = str(Path(__file__).parent)
    code = (
        f"import resource, sys, tracemalloc; sys.path.insert(0, {here!r})\n"
        "from benchmark import mmc_scenario\nfrom sim import run, SINGLE\n"
        f"scenario = mmc_scenario({arrivals})\ntracemalloc.start()\n"
        "r = run(scenario, SINGLE, 1, record_steps=True)\n"
        "rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024\n"
        "print(rss, tracemalloc.get_traced_memory()[1] / 2**20)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    return float(out[0]), float(out[1])


def multirun(*overrides: str) -> list[str]:
    """The command line of a quiet sweep of ``python -m sim``."""
    return [sys.executable, "-m", "sim", "--multirun", "progress=false", *overrides]


def sweep_seconds(launcher: str, jobs: int, *overrides: str) -> float:
    """Wall seconds of a sweep of ``jobs`` seeds through ``launcher`` (joblib on 2 workers)."""
    with tempfile.TemporaryDirectory() as out:
        args = multirun(
            f"seed=range(0,{jobs})", "record_steps=false", f"hydra/launcher={launcher}", *overrides
        )
        args.append(f"hydra.sweep.dir={out}")
        if launcher == "joblib":
            args.append("hydra.launcher.n_jobs=2")
        start = time.perf_counter()
        subprocess.run(args, capture_output=True, check=True, cwd=ROOT)
        return time.perf_counter() - start


# ``python -m sim`` as it is, told to print when the simulation starts: Centre.run wrapped in
# the child process only, so what is measured is the command a user types.
FIRST_CASE = """
import os, runpy, sys, time
import sim.model.centre as centre
run = centre.Centre.run
def noted(self):
    print(f"first case {time.time() - float(os.environ['BENCH_START']):.4f}", file=sys.stderr, flush=True)
    run(self)
centre.Centre.run = noted
sys.argv[0] = "sim"
runpy.run_module("sim", run_name="__main__")
"""


def overhead(repeats: int) -> None:
    """What a job costs besides its cases: a run of the built-in scenario's first open hour (9
    to 10 on 2 January, a handful of cases) from process start to the start of the simulation
    and to exit, and the marginal wall time of one more such job in a sweep, whose joblib
    workers keep their imports from job to job."""
    first_hour = ["scenario.horizon=34", "scenario.warmup=0"]
    first, single = [], []
    for _ in range(repeats):
        with tempfile.TemporaryDirectory() as out:
            args = [sys.executable, "-c", FIRST_CASE, *first_hour, "record_steps=false", "progress=false"]
            start = time.time()
            done = subprocess.run(
                [*args, f"hydra.run.dir={out}"],
                capture_output=True,
                text=True,
                check=True,
                cwd=ROOT,
                env={**os.environ, "BENCH_START": repr(start)},
            )
            single.append(time.time() - start)
            first.append(float(done.stderr.split("first case ", 1)[1].split()[0]))

    def sweep(jobs: int) -> float:
        return sweep_seconds("joblib", jobs, *first_hour)

    few, many = 2, 42
    marginal = [(sweep(many) - sweep(few)) / (many - few) for _ in range(repeats)]
    print(
        f"Fixed cost of a job (median [range] of {repeats})\n| what | seconds |\n|---|---:|\n"
        "| one run to 10:00 on the first open day (an hour of arrivals): process start to the "
        f"simulation's start | {_spread(first)} |\n"
        f"| the same, process start to exit | {_spread(single)} |\n"
        f"| one more such job in a joblib sweep on 2 workers (wall, from {few} and {many} jobs) | "
        f"{_spread(marginal)} |"
    )


def _spread(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} [{min(values):.2f}, {max(values):.2f}]"


def tree_rss(root: int) -> float:
    """MiB resident in ``root`` and every process under it (shared pages counted in each: an
    upper bound), from /proc."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    tree, grew = {root}, True
    while grew:
        below = {pid for pid, parent in parents.items() if parent in tree} - tree
        tree |= below
        grew = bool(below)
    kib = 0
    for pid in tree:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        kib += sum(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:"))
    return kib / 1024


def city_year(log_sample: float, horizon: float | None) -> None:
    """One replication of the city preset's six districts under the bundled design, through
    Hydra's joblib launcher on this machine's cores, with the event log on and streamed; then
    the city totals. Prints wall time, CPU time, cases, peak memory of the whole process tree
    (sampled every half second) and the log's size."""
    import pandas as pd
    import pyarrow.parquet as pq

    with tempfile.TemporaryDirectory() as out:
        args = multirun(
            "+experiment=city",
            "design=bundled",
            f"log_sample={log_sample}",
            f"hydra.sweep.dir={out}",
            "hydra.launcher.n_jobs=2",
        )
        args += [f"scenario.horizon={horizon}"] if horizon else []
        before = os.times()
        start = time.perf_counter()
        # the sweep's log and bar go to a file: a pipe nobody reads while it runs would fill and stop it
        with open(Path(out) / "stderr.txt", "w+") as err:
            job = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=err)
            peak = 0.0
            while job.poll() is None:
                peak = max(peak, tree_rss(job.pid))
                time.sleep(0.5)
            wall = time.perf_counter() - start
            after = os.times()
            if job.returncode:
                err.seek(0)
                raise SystemExit(err.read()[-5000:])
        cpu = after.children_user + after.children_system - before.children_user - before.children_system
        subprocess.run([sys.executable, "-m", "sim.analysis.city", out], cwd=ROOT, check=True)
        summary = pd.read_csv(Path(out) / "collected" / "city_summary.csv").iloc[0]
        logs = list(Path(out).glob("*/steps.parquet"))
        rows = sum(pq.ParquetFile(p).metadata.num_rows for p in logs)
        size = sum(p.stat().st_size for p in logs) / 2**20
    cases = summary["arrived"]
    print(
        "| cases | wall (min) | CPU (min) | us CPU per case | peak memory, all processes (GiB) | "
        "event-log rows | on disk (MiB) |\n|---:|---:|---:|---:|---:|---:|---:|\n"
        f"| {cases:,.0f} | {wall / 60:.1f} | {cpu / 60:.1f} | {cpu / cases * 1e6:,.0f} | "
        f"{peak / 1024:.2f} | {rows:,} | {size:,.0f} |"
    )


class SimPyClock(simpy.Environment):
    """SimPy's own environment with the two entry points the model calls on its clock, so the
    model runs on it unchanged: what ``sim.model.engine`` is measured against."""

    def run_until(self, until: simpy.Event) -> None:
        self.run(until=until)

    def start_on(self, arrival: simpy.Event, generator) -> simpy.Process:
        process = simpy.Process.__new__(simpy.Process)
        simpy.Event.__init__(process, self)
        process._generator, process._target = generator, arrival
        arrival.callbacks.append(process._resume)
        return process


def clock(arrivals: int, repeats: int) -> None:
    """The project's M/M/c run on its own clock and on SimPy's, taking turns on each seed in this
    process: what the lean clock buys, the rest of the model alike."""
    import sim.model.centre as centre

    lean = centre.Environment

    def on(environment: type) -> Callable[[int], tuple[int, float]]:
        def one_run(seed: int) -> tuple[int, float]:
            centre.Environment = environment
            try:
                return project(arrivals, seed)
            finally:
                centre.Environment = lean

        return one_run

    results = timed({"sim.model.engine": on(lean), "SimPy's Environment": on(SimPyClock)}, repeats)
    mid, low, high = ratio(results["sim.model.engine"]["speeds"], results["SimPy's Environment"]["speeds"])
    print(
        f"M/M/{SERVERS} at {arrivals:,} arrivals, the project on its clock against SimPy's, "
        f"seed by seed (median of {repeats}): {mid:.3f}x [{low:.3f}, {high:.3f}]"
    )


def profile(arrivals: int) -> None:
    """Print pyinstrument's call tree of the project's M/M/c run (the bench extra installs it)."""
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.0005)
    with profiler:
        project(arrivals, 1)
    print(profiler.output_text(color=False, unicode=False))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller runs, for a smoke test")
    parser.add_argument(
        "--profile", action="store_true", help="only profile the project's M/M/c run (pyinstrument)"
    )
    parser.add_argument("--mmc", action="store_true", help="only the M/M/c comparison")
    parser.add_argument(
        "--scale",
        type=int,
        nargs="*",
        metavar="K",
        help="only the cost per case at K times the office (e.g. 10 100)",
    )
    parser.add_argument(
        "--city",
        action="store_true",
        help="only a city-year: +experiment=city under bundled, the event log on (streamed)",
    )
    parser.add_argument("--overhead", action="store_true", help="only the fixed cost of a job")
    parser.add_argument(
        "--compose", metavar="SCENARIO", help="only the time to compose SCENARIO (e.g. district), 7 times"
    )
    parser.add_argument(
        "--clock", action="store_true", help="only the model on its lean clock against SimPy's own"
    )
    parser.add_argument(
        "--record",
        action="store_true",
        help="append the M/M/c and office-size ratios to experiments/benchmarks.csv with the commit "
        "(at each landing that touches the model, on a quiet machine)",
    )
    args = parser.parse_args()
    if args.compose:
        times = compose_seconds(args.compose, 3 if args.quick else 7)
        print(f"composing scenario={args.compose}, seconds, median [range] of {len(times)}: {_spread(times)}")
        return
    if args.overhead:
        overhead(3 if args.quick else 5)
        return
    if args.clock:
        clock(*((50_000, 3) if args.quick else (200_000, 7)))
        return
    if args.city:
        city_year(0.1 if args.quick else 1.0, 1548 if args.quick else None)
        return
    if args.profile:
        profile(100_000)
        return
    if args.scale is not None:
        scale((1, *(args.scale or (10, 100))), 5, keep=args.record)
        return
    arrivals, repeats = (50_000, 3) if args.quick else (200_000, 7)
    sweeps = 1 if args.quick else 3
    million = 200_000 if args.quick else 1_000_000
    horizon = 2_000 if args.quick else 43_800  # five years of the built-in scenario per sweep job

    print(
        f"machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}, "
        f"simpy {simpy.__version__}, numpy {np.__version__}\n"
    )
    print(
        f"M/M/{SERVERS}, utilisation {RATE * SERVICE / SERVERS:.2f}, "
        f"{arrivals:,} arrivals, median of {repeats}"
    )
    models = {
        "sim.run (this project)": project,
        STDLIB: hand_written_stdlib,
        "hand-written SimPy, numpy draws": hand_written,
        "hand-written SimPy + the project's resource and records": hand_written_with_records,
        "... on the project's clock and draws, as generators": on_the_clock_generators,
        "... on the project's clock and draws, as callbacks": on_the_clock_callbacks,
    }
    if importlib.util.find_spec("ciw") is not None:
        models["Ciw"] = with_ciw
    else:
        print("  (Ciw not installed: pip install -e '.[bench]')")
    results = timed({name: partial(fn, arrivals) for name, fn in models.items()}, repeats)
    baseline = results[STDLIB]
    print(
        "| model | customers/s | x the baseline, seed by seed: median [range] | mean wait (95 % CI) |\n"
        "|---|---:|---:|---|"
    )
    for name, r in results.items():
        mid, low, high = ratio(r["speeds"], baseline["speeds"])
        if args.record and name == "sim.run (this project)":
            record(f"M/M/{SERVERS} speed / minimal SimPy", (mid, low, high), repeats)
        print(
            f"| {name} | {r['speed']:,.0f} | {mid:.2f} [{low:.2f}, {high:.2f}] | "
            f"{r['wait']:.3f} [{r['wait_low']:.3f}, {r['wait_high']:.3f}] |"
        )
    print(f"Erlang C mean wait: {mmc_wait(RATE, SERVICE, SERVERS):.3f}")
    if "Ciw" in results:
        mid, low, high = ratio(results["sim.run (this project)"]["speeds"], results["Ciw"]["speeds"])
        if args.record:
            record(f"M/M/{SERVERS} speed / Ciw", (mid, low, high), repeats)
        print(f"this project against Ciw, seed by seed: median {mid:.2f}x [{low:.2f}, {high:.2f}]")
    if args.mmc:
        return

    print("\nBuilt-in scenario (restaurant, a year of office hours), median of", repeats)
    print("| design | cases/s | SimPy events per case | events/s |\n|---|---:|---:|---:|")
    for row in builtin(repeats):
        print(
            f"| {row['design']} | {row['cases_per_s']:,.0f} | {row['events_per_case']:.1f} | "
            f"{row['cases_per_s'] * row['events_per_case']:,.0f} |"
        )

    print("\nPeak memory of one run with the event log on (fresh process each)")
    print(
        "| arrivals | peak RSS (MiB) | allocated by the run (MiB) | bytes per arrival |\n"
        "|---:|---:|---:|---:|"
    )
    for n in (million // 4, million // 2, million):
        rss, traced = peak_memory(n)
        print(f"| {n:,} | {rss:,.0f} | {traced:,.0f} | {traced * 2**20 / n:,.0f} |")

    print(f"\nSweep of 16 built-in runs through Hydra, median of {sweeps} (each pair one after the other)")
    pairs = [
        (
            sweep_seconds("basic", 16, f"scenario.horizon={horizon}"),
            sweep_seconds("joblib", 16, f"scenario.horizon={horizon}"),
        )
        for _ in range(sweeps)
    ]
    serial, parallel = [s for s, _ in pairs], [p for _, p in pairs]
    # Each pair ran back to back, so its ratio is free of the machine's drift between pairs.
    mid, low, high = ratio(serial, parallel)
    print(
        "| launcher | wall time (s) | speed-up: median of the pairs [range] |\n|---|---:|---:|\n"
        f"| basic (serial) | {statistics.median(serial):.1f} | 1.00 |\n"
        f"| joblib, 2 workers | {statistics.median(parallel):.1f} | {mid:.2f} [{low:.2f}, {high:.2f}] |"
    )


if __name__ == "__main__":
    main()
