"""Speed of this checkout against an earlier commit, paired seed by seed in one run.

Each round runs the same timed model once with the base commit's ``sim`` and once with this
checkout's, each in a fresh process (the order alternating), so a drift in the machine's
speed touches both alike; a ratio is this checkout's speed over the base's, the median of the
rounds with their range::

    python experiments/ab.py                          # against the fixed reference (REFERENCE)
    python experiments/ab.py --base HEAD~1            # against the parent (M/M/3 at 0.9, the built-in)
    python experiments/ab.py --base HEAD~1 --rounds 9

Against the parent each change looks within noise; against a fixed reference the sum of them
shows, so drift is seen as it happens.

The base is checked out into a temporary git worktree; both use this environment's packages.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
# The fixed reference: the last commit before the routed back office, whose speed issue 43
# measured against minimal SimPy (0.75x) and Ciw (1.51x).
REFERENCE = "1799563"

# Timed inside the child: only the run, after imports and scenario building.
CHILD = r"""
import gc, json, sys, time
from sim import SINGLE, BUNDLED, Department, Dist, DistKind, Item, Scenario, run
model, seed = sys.argv[1], int(sys.argv[2])
if model == "mmc":
    exp = lambda m: Dist(dist=DistKind.exponential, mean=m)
    scenario = Scenario(
        name="mmc", departments={"office": Department(clerks=3)},
        items={"service": Item(department="office", intake=exp(1.0), pickup=False)},
        needs={"visit": ["service"]}, demand={"visit": 2.7}, horizon=200_000 / 2.7, drain=1e5,
    )
    design = SINGLE
else:
    from hydra import compose, initialize_config_dir
    import importlib, pathlib, sim
    layered = (pathlib.Path(sim.__file__).parent / "experiment").is_dir()  # not before 2026-12-01
    config = importlib.import_module("sim.experiment.config" if layered else "sim.config")
    CONFIGS, load, register = config.CONFIGS, config.load, config.register
    register()
    with initialize_config_dir(config_dir=CONFIGS, version_base="1.3"):
        scenario = load(compose("config")).scenario
    design = SINGLE if model == "single" else BUNDLED
gc.collect()
t = time.perf_counter()
cases = len(run(scenario, design, seed, record_steps=False).cases)
print(json.dumps(cases / (time.perf_counter() - t)))
"""

MODELS = ("mmc", "single", "bundled")


def speed(checkout: Path, model: str, seed: int) -> float:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, model, str(seed)],
        capture_output=True,
        text=True,
        check=True,
        cwd=checkout,
        env=os.environ | {"PYTHONPATH": str(checkout)},
    )
    return json.loads(done.stdout)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--base",
        default=REFERENCE,
        help=f"the commit to compare against (default the fixed reference {REFERENCE})",
    )
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "base"
        subprocess.run(["git", "worktree", "add", "--detach", str(base), args.base], cwd=HERE, check=True)
        try:
            print(f"this checkout against {args.base}, {args.rounds} rounds, fresh process each")
            print("| model | this checkout (cases/s) | base (cases/s) | ratio: median [range] |")
            print("|---|---:|---:|---:|")
            for model in MODELS:
                ours, theirs = [], []
                for seed in range(args.rounds):
                    pair = [(HERE, ours), (base, theirs)]
                    for checkout, speeds in pair if seed % 2 else pair[::-1]:
                        speeds.append(speed(checkout, model, seed))
                ratios = [a / b for a, b in zip(ours, theirs, strict=True)]
                print(
                    f"| {model} | {statistics.median(ours):,.0f} | {statistics.median(theirs):,.0f} | "
                    f"{statistics.median(ratios):.3f} [{min(ratios):.3f}, {max(ratios):.3f}] |",
                    flush=True,
                )
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(base)], cwd=HERE, check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
