"""Single and bundled lead times of the reference scenarios, with their breakdowns: the table a
change to the model's meaning of time is judged by.

    python experiments/reference_table.py                      # every sourced scenario, 5 replications
    python experiments/reference_table.py --replications 20 construction
    python experiments/reference_table.py --designs single,bundled,full_standard district

Prints, per scenario and design, the mean lead time in working days (P90) and calendar days,
trips, documents, and where the lead time goes (calendar days); then each other design's change
against the first.
"""

from __future__ import annotations

import argparse

from hydra import compose, initialize_config_dir

from sim.experiment.config import CONFIGS, load, register
from sim.experiment.replications import replicate
from sim.model.recorder import PARTS

SCENARIOS = (
    "restaurant",
    "startup",
    "small_restaurant",
    "transport",
    "deregistration",
    "construction",
    "district",
)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scenarios", nargs="*", default=SCENARIOS)
    parser.add_argument("--replications", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--designs", default="single,bundled", help="design files, the first the base")
    args = parser.parse_args(argv)
    register()
    print(f"| scenario | design | WD mean (P90) | calendar days | trips | documents | {' | '.join(PARTS)} |")
    print("|---" * (6 + len(PARTS)) + "|")
    with initialize_config_dir(config_dir=CONFIGS, version_base="1.3"):
        for name in args.scenarios:
            means = {}
            designs = args.designs.split(",")
            for design in designs:
                conf = load(compose("config", overrides=[f"scenario={name}", f"design={design}"]))
                result = replicate(conf.scenario, conf.design, args.seed, args.replications, progress=False)
                m = means[design] = result.metrics.mean(numeric_only=True)
                parts = " | ".join(f"{m[f'part:{p}_mean'] / 24:.1f}" for p in PARTS)
                print(
                    f"| {name} | {design} | {m['lead_time_working_days_mean']:.1f} "
                    f"({m['lead_time_working_days_p90']:.1f}) | {m['lead_time_mean'] / 24:.1f} | "
                    f"{m['trips_mean']:.2f} | {m['documents_mean']:.2f} | {parts} |",
                    flush=True,
                )
            base = means[designs[0]]
            for design in designs[1:]:
                m = means[design]
                change = [
                    100 * (m[k] / base[k] - 1)
                    for k in ("lead_time_working_days_mean", "trips_mean", "documents_mean")
                ]
                print(
                    f"| {name} | {design} vs {designs[0]} | {change[0]:+.0f} % | | {change[1]:+.0f} % | "
                    f"{change[2]:+.0f} % |" + " |" * len(PARTS)
                )


if __name__ == "__main__":
    main()
