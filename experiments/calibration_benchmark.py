"""Calibration's speed on a log of about a million events, reading included. Prints the events,
the seconds and the rate.

By default the simulator's own export: the district scenario at ``--times`` its demand and
staff, one year of single-item processing. With ``--office``, a real office's log: the help
desk of ``tests/real_logs`` ``--copies`` times over (each copy's cases their own, shifted by
minutes), complete-only with people as resources, so start times, pools and routes are all
discovered.

    python experiments/calibration_benchmark.py              # about 1 M events
    python experiments/calibration_benchmark.py --times 3    # a smaller log
    python experiments/calibration_benchmark.py --office     # 0.98 M events of a help desk
    python experiments/calibration_benchmark.py --log BPIC15_2.xes.gz   # any office's log, as it is
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import pandas as pd

import sim
from sim.analysis import eventlog
from sim.analysis.eventlog import ACTIVITY, CASE, RESOURCE, TIMESTAMP
from sim.calibrate import calibrate
from sim.calibrate.logs import read
from sim.run import run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--times", type=int, default=15, help="demand and staff multiplier (default 15)")
    parser.add_argument("--office", action="store_true", help="a real office's log instead of the export")
    parser.add_argument(
        "--copies",
        type=int,
        default=46,
        help="copies of the help desk (default 46: the million events a log may hold)",
    )
    parser.add_argument("--log", type=Path, help="an office's log (XES, CSV, parquet), read and calibrated")
    parser.add_argument("--timezone", default="Asia/Shanghai", help="the office's time zone, for --log")
    args = parser.parse_args()
    if args.log:
        t0 = time.perf_counter()
        found = calibrate(args.log, name="timed", timezone=args.timezone)
        took = time.perf_counter() - t0
        events, activities = len(found.log.events), found.log.events["activity"].nunique()
        print(f"log: {args.log.name}, {events:,} events, {activities:,} activities")
        print(f"calibration, reading included: {took:.1f} s, {events / took:,.0f} events/s")
        return
    if args.office:
        office(args.copies)
        return
    base = sim.load_scenario("district")
    overrides = [f"scenario.demand.{need}={rate * args.times}" for need, rate in base.demand.items()]
    scenario = sim.load_scenario("district", [*overrides, f"staffing.scale={args.times}"])
    t0 = time.perf_counter()
    result = run(scenario, sim.load_design("single"), 0, record_steps=True)
    log = eventlog.events(result.steps, result.cases, scenario.start_date, scenario.timezone)
    made = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as folder:
        path = eventlog.write(log, Path(folder), ("parquet",))[0]
        t0 = time.perf_counter()
        found = calibrate(path, name="district_fitted")
        took = time.perf_counter() - t0
    print(f"log: {len(log):,} events of {log[eventlog.CASE].nunique():,} cases (simulated in {made:.1f} s)")
    print(f"calibration: {took:.1f} s, {len(log) / took:,.0f} events/s, {len(found.structure.fits)} fits")


def office(copies: int) -> None:
    base = read(Path(__file__).parents[1] / "tests" / "real_logs" / "helpdesk.xes.gz", timezone="Europe/Rome")
    one = base.events[["case", "activity", "time", "resource"]]
    log = pd.concat(
        [
            one.assign(case=one["case"] + f"/{k}", time=one["time"] + pd.Timedelta(minutes=7 * k))
            for k in range(copies)
        ],
        ignore_index=True,
    ).rename(columns={"case": CASE, "activity": ACTIVITY, "time": TIMESTAMP, "resource": RESOURCE})
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "office.parquet"
        log.to_parquet(path)
        t0 = time.perf_counter()
        found = calibrate(path, name="office", timezone="Europe/Rome")
        took = time.perf_counter() - t0
    steps = sum(len(item.steps) for item in found.scenario.items.values())
    print(f"log: {len(log):,} events of {log[CASE].nunique():,} cases, complete-only, people as resources")
    print(
        f"calibration: {took:.1f} s, {len(log) / took:,.0f} events/s, {steps} steps, "
        f"{len(found.structure.fits)} fits"
    )


if __name__ == "__main__":
    main()
