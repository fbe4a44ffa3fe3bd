"""Fingerprints of every reference scenario's tables, to show a refactoring changed no result.

Runs each scenario of ``configs/scenario/`` as configured (a city's district at size 1) under
single and bundled (seed 0, two replications, event log on; about a minute in all) and prints a
hash of each table
the runs produce. Run it before and after a change that must not move any result,
and compare::

    python experiments/fingerprint.py > before.json        # at the old commit
    python experiments/fingerprint.py --compare before.json  # at the new one: exit 1 on a difference

The hashes cover values, column names and dtypes; they are meant for two commits on one
machine and one set of installed packages (a numpy release may change a sampler's draws).
A change that only adds columns is checked by leaving them out of the new run's hashes:
``--without window_queue,office_work``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

import pandas as pd
from hydra import compose, initialize_config_dir

from sim.experiment.config import CONFIGS, load, register
from sim.experiment.replications import replicate

DESIGNS = ("single", "bundled")


def table_hash(df: pd.DataFrame) -> str:
    h = hashlib.sha256()
    h.update(json.dumps([[c, str(t)] for c, t in df.dtypes.items()]).encode())
    h.update(pd.util.hash_pandas_object(df, index=False).to_numpy().tobytes())
    return h.hexdigest()[:16]


def fingerprints(without: frozenset[str] = frozenset()) -> dict[str, dict[str, str]]:
    register()
    out = {}
    scenarios = sorted(p.stem for p in (Path(CONFIGS) / "scenario").glob("*.yaml"))
    with initialize_config_dir(config_dir=CONFIGS, version_base="1.3"):
        for scenario in scenarios:
            for design in DESIGNS:
                # a city's district runs at size 1: its size only multiplies rates and staff
                overrides = [f"scenario={scenario}", f"design={design}", "scenario.size=1"]
                conf = load(compose("config", overrides=overrides))
                result = replicate(conf.scenario, conf.design, 0, 2, record_steps=True, progress=False)
                tables = {**result.tables, "replications": result.metrics}
                out[f"{scenario}/{design}"] = {
                    name: table_hash(df.drop(columns=[c for c in df.columns if c in without]))
                    for name, df in sorted(tables.items())
                }
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--compare", type=Path, help="a JSON file printed by an earlier run")
    parser.add_argument("--without", default="", help="columns to leave out, comma-separated (new ones)")
    args = parser.parse_args(argv)
    now = fingerprints(frozenset(filter(None, args.without.split(","))))
    if args.compare is None:
        print(json.dumps(now, indent=1))
        return 0
    before = json.loads(args.compare.read_text())
    both = sorted(set(before) & set(now))
    differ = [
        f"{run}: {table}"
        for run in both
        for table in sorted(set(before[run]) | set(now[run]))
        if before[run].get(table) != now[run].get(table)
    ]
    for line in differ:
        print(f"differs: {line}")
    for run in sorted(set(now) - set(before)):
        print(f"new (not compared): {run}")
    for run in sorted(set(before) - set(now)):
        print(f"gone: {run}")
    print(f"{len(both)} runs, {sum(len(now[r]) for r in both)} tables compared, {len(differ)} differ")
    return 1 if differ or set(before) - set(now) else 0


if __name__ == "__main__":
    sys.exit(main())
