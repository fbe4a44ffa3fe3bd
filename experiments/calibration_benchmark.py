"""Calibration's speed on a log of about a million events: the district scenario at ``--times``
its demand and staff, one year of single-item processing, exported as a parquet event log, then
``sim.calibrate`` on that file (reading included). Prints the events, the seconds and the rate.

    python experiments/calibration_benchmark.py              # about 1 M events
    python experiments/calibration_benchmark.py --times 3    # a smaller log
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import sim
from sim.analysis import eventlog
from sim.calibrate import calibrate
from sim.run import run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--times", type=int, default=15, help="demand and staff multiplier (default 15)")
    args = parser.parse_args()
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


if __name__ == "__main__":
    main()
