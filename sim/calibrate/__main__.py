"""``python -m sim.calibrate LOG``: see ``sim.calibrate``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sim.calibrate import MAX_ITEMS, calibrate
from sim.calibrate.logs import COLUMNS
from sim.domain.errors import refusing

MAX_VALIDATE = 100  # replications of the calibrated model over the log's whole span


@refusing
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sim.calibrate", description="From an office's event log to a scenario."
    )
    parser.add_argument("log", type=Path, help="an event log: .csv, .parquet or .xes")
    parser.add_argument("--name", default="calibrated", help="the scenario's name (default: calibrated)")
    parser.add_argument("--out", type=Path, default=Path("results/calibration"), help="folder to write into")
    parser.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="FIELD=COLUMN",
        help=f"the log's column for a field ({', '.join(COLUMNS)}); XES names by default",
    )
    parser.add_argument(
        "--timezone",
        default="Asia/Shanghai",
        help="the office's IANA time zone, for timestamps without an offset (default: Asia/Shanghai)",
    )
    parser.add_argument(
        "--mapping",
        type=Path,
        metavar="FILE",
        help="YAML of what the log does not say: people: {person: pool}, activities: {name: {pool: p}}",
    )
    parser.add_argument(
        "--validate",
        type=int,
        default=5,
        metavar="R",
        help=f"replications for the model-beside-office table (default 5; 0: none; at most {MAX_VALIDATE})",
    )
    parser.add_argument(
        "--max-items",
        type=int,
        default=MAX_ITEMS,
        metavar="N",
        help=f"refuse a log of more items than this (default {MAX_ITEMS}: each costs fits and figures)",
    )
    parser.add_argument(
        "--items",
        type=Path,
        metavar="LIST",
        help="the office's item list (CSV, GB18030 or xlsx): its documents, limits, results and what may be "
        "fetched or promised, for the log's items",
    )
    parser.add_argument(
        "--since",
        metavar="DATE",
        help="only the cases begun on or after DATE (YYYY-MM-DD): the current way of working, when the "
        "report finds the log spans two",
    )
    parser.add_argument(
        "--force", action="store_true", help="replace files of an earlier calibration in --out"
    )
    args = parser.parse_args(argv)
    mapping = {}
    for pair in args.map:
        field, sep, column = pair.partition("=")
        if not sep:
            parser.error(f"--map {pair}: write FIELD=COLUMN")
        mapping[field] = column
    if args.max_items < 1:
        parser.error(f"--max-items {args.max_items}: at least 1")
    if not 0 <= args.validate <= MAX_VALIDATE:
        parser.error(f"--validate {args.validate}: from 0 to {MAX_VALIDATE} replications")
    found = calibrate(
        args.log, args.name, mapping, args.timezone, args.max_items, args.mapping, args.since, args.items
    )
    path = found.write(args.out, args.validate, overwrite=args.force)
    for warning in found.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if found.drift is not None and found.drift.found:
        print(f"warning: {found.drift.sentence()}", file=sys.stderr)
    print(
        f"scenario: {path}\nreport: {args.out / 'calibration.md'}\n"
        f"run it: python -m sim --config-dir {args.out} scenario={args.name}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
