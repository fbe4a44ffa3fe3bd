"""The event log as process-mining tools read it, without glue: XES's standard attribute names,
real timestamps in the office's time zone, one globally unique case id per applicant, and
schedule / start / complete events.

    python -m sim.analysis.eventlog results/reform_study/restaurant     # a sweep or one job

writes ``eventlog.parquet``, ``eventlog.csv`` and ``eventlog.xes`` (into ``collected/`` for a
sweep). A row is an event: ``case:concept:name`` (scenario/design/seed/replication/case),
``concept:name`` (the activity: ``arrive``, ``intake``, ``prepare``, ``review``, ``sign``,
``issue``, ``inspection``, ``pickup``, ``mail``, ``done``), ``lifecycle:transition`` (XES's
``schedule`` when the file reached the step's queue (or its result was ready, for a pickup),
``start``, ``complete``; arrive and done are complete only), ``time:timestamp``, ``org:resource`` (the
staff pool, the applicant or the post), ``item`` (the item or merged items the step serves)
and the case's attributes ``case:need``, ``case:channel``, ``case:trips``, ``case:documents``
and where it came from (``case:scenario``, ``case:design``, ``case:seed``,
``case:replication``). Only cases with logged steps appear (``log_sample`` may keep a share).
"""

from __future__ import annotations

import argparse
import sys
from itertools import pairwise
from pathlib import Path
from xml.sax.saxutils import quoteattr

import numpy as np
import pandas as pd

from sim.domain.errors import refusing
from sim.domain.untrusted import write_csv
from sim.experiment.config import scenario_value
from sim.experiment.output import DONE
from sim.experiment.safety import read_config

CASE = "case:concept:name"
ACTIVITY = "concept:name"
LIFECYCLE = "lifecycle:transition"
TIMESTAMP = "time:timestamp"
RESOURCE = "org:resource"
CASE_ATTRIBUTES = ("need", "channel", "trips", "documents", "scenario", "design", "seed", "replication")
ORIGIN = ("scenario", "design", "seed", "replication")
COUNTS = ("trips", "documents", "seed", "replication")
NAME = "eventlog"


def events(steps: pd.DataFrame, cases: pd.DataFrame, start_date: str, timezone: str) -> pd.DataFrame:
    """The XES-named event table of one job's ``steps`` and ``cases`` tables (simulation hours
    since midnight of ``start_date`` in ``timezone``), sorted by case and time."""
    key = [*ORIGIN, "case"]
    logged = cases.merge(steps[key].drop_duplicates(), on=key)
    origin = cases_id(logged)
    zero = pd.Timestamp(start_date)

    def stamp(hours: pd.Series) -> pd.Series:
        """The simulator's clock is the office's wall clock (its days all have 24 hours): a time
        in an hour a daylight-saving change skips is moved past the gap, one it repeats read
        as summer time."""
        wall = pd.Series(zero + pd.to_timedelta(hours.to_numpy(dtype=float), unit="h"))
        summer = np.ones(len(wall), dtype=bool)
        return wall.dt.tz_localize(timezone, ambiguous=summer, nonexistent="shift_forward").array

    step_id = cases_id(steps)
    frames = []
    # At one instant a step that ends comes before one that is scheduled or starts, and a step
    # that takes no time (a pickup) starts before it completes.
    instant = (steps["start"] == steps["end"]).to_numpy()
    for transition, column, order in (
        ("schedule", "enqueue", 2),
        ("start", "start", 3),
        ("complete", "end", np.where(instant, 4, 1)),
    ):
        frames.append(
            pd.DataFrame(
                {
                    CASE: step_id,
                    ACTIVITY: steps["activity"].astype(str).to_numpy(),
                    LIFECYCLE: transition,
                    TIMESTAMP: stamp(steps[column]),
                    RESOURCE: steps["resource"].astype(str).to_numpy(),
                    "item": steps["item"].astype(str).to_numpy(),
                    "_order": order,
                }
            )
        )
    finished = logged[logged["finished"]]
    for name, rows, column, order in (("arrive", logged, "arrival", 0), ("done", finished, "completion", 5)):
        frames.append(
            pd.DataFrame(
                {
                    CASE: origin if name == "arrive" else cases_id(finished),
                    ACTIVITY: name,
                    LIFECYCLE: "complete",
                    TIMESTAMP: stamp(rows[column]),
                    RESOURCE: "applicant",
                    "item": "",
                    "_order": order,
                }
            )
        )
    log = pd.concat(frames, ignore_index=True)
    attributes = pd.DataFrame({CASE: origin})
    for a in CASE_ATTRIBUTES:
        column = logged[a]
        attributes[f"case:{a}"] = column.to_numpy(dtype=np.int64 if a in COUNTS else str)
    log = log.merge(attributes, on=CASE, how="left")
    # Within a case: by time; at one instant, arrival first and done last.
    log = log.sort_values([CASE, TIMESTAMP, "_order"], kind="stable", ignore_index=True)
    return log.drop(columns="_order")


def cases_id(table: pd.DataFrame) -> np.ndarray:
    """Globally unique case ids: ``scenario/design/seed/replication/case``."""
    parts = [table[c].astype(str) for c in (*ORIGIN, "case")]
    out = parts[0]
    for p in parts[1:]:
        out = out + "/" + p
    return out.to_numpy()


def job_events(job: Path) -> pd.DataFrame | None:
    """The event log of one job folder, or None when it logged no steps."""
    path = job / "steps.parquet"
    if not path.exists():
        return None
    cfg = read_config(job / ".hydra" / "config.yaml")
    columns = [
        "scenario",
        "design",
        "seed",
        "replication",
        "case",
        "need",
        "channel",
        "trips",
        "documents",
        "arrival",
        "completion",
        "finished",
    ]
    start, zone = (str(scenario_value(cfg, key)) for key in ("start_date", "timezone"))
    return events(pd.read_parquet(path), pd.read_parquet(job / "cases.parquet", columns=columns), start, zone)


def sweep_events(folder: Path) -> pd.DataFrame:
    """Every complete job's events under ``folder`` (a job folder itself, or a sweep)."""
    jobs = [folder] if (folder / DONE).exists() else sorted(p.parent for p in folder.glob(f"*/{DONE}"))
    frames = [f for f in (job_events(job) for job in jobs) if f is not None]
    if not frames:
        raise SystemExit(f"no job under {folder} logged its steps (record_steps=true)")
    return pd.concat(frames, ignore_index=True)


FORMATS = ("parquet", "csv", "xes")


def write(log: pd.DataFrame, folder: Path, formats: tuple[str, ...] = ("parquet",)) -> list[Path]:
    """The log as ``eventlog.<format>`` in ``folder``; CSV timestamps in ISO 8601 with offset."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for fmt in formats:
        path = folder / f"{NAME}.{fmt}"
        if fmt == "parquet":
            log.to_parquet(path, index=False)
        elif fmt == "csv":
            write_csv(log.assign(**{TIMESTAMP: log[TIMESTAMP].map(pd.Timestamp.isoformat)}), path)
        elif fmt == "xes":
            write_xes(log, path)
        out.append(path)
    return out


def write_xes(log: pd.DataFrame, path: Path) -> None:
    """IEEE 1849 XES: a trace per case with its attributes, an event per row, written as it goes."""
    case_keys = [c for c in log.columns if c.startswith("case:") and c != CASE]
    event_keys = [c for c in log.columns if c not in (CASE, *case_keys)]
    stamps = log[TIMESTAMP].map(lambda t: t.isoformat(timespec="milliseconds")).to_numpy()
    kinds = {k: _kind(log[k]) for k in [*case_keys, *event_keys]}
    with open(path, "w", encoding="utf-8") as f:
        f.write(_HEADER)
        values = {k: log[k].to_numpy() for k in log.columns}
        cases = values[CASE]
        bounds = np.flatnonzero(np.r_[True, cases[1:] != cases[:-1], True])
        for a, b in pairwise(bounds):
            f.write(f'<trace><string key="concept:name" value={quoteattr(str(cases[a]))}/>')
            for k in case_keys:
                f.write(_attribute(kinds[k], k.removeprefix("case:"), values[k][a]))
            for i in range(a, b):
                f.write("<event>")
                for k in event_keys:
                    value = stamps[i] if k == TIMESTAMP else values[k][i]
                    f.write(_attribute(kinds[k], k, value))
                f.write("</event>")
            f.write("</trace>\n")
        f.write("</log>\n")


def _kind(column: pd.Series) -> str:
    if isinstance(column.dtype, pd.DatetimeTZDtype):
        return "date"
    if pd.api.types.is_integer_dtype(column):
        return "int"
    if pd.api.types.is_float_dtype(column):
        return "float"
    return "string"


def _attribute(kind: str, key: str, value: object) -> str:
    return f"<{kind} key={quoteattr(key)} value={quoteattr(str(value))}/>"


_HEADER = """<?xml version="1.0" encoding="UTF-8"?>
<log xes.version="1849-2016" xes.features="nested-attributes" xmlns="http://www.xes-standard.org/">
<extension name="Concept" prefix="concept" uri="http://www.xes-standard.org/concept.xesext"/>
<extension name="Time" prefix="time" uri="http://www.xes-standard.org/time.xesext"/>
<extension name="Lifecycle" prefix="lifecycle" uri="http://www.xes-standard.org/lifecycle.xesext"/>
<extension name="Organizational" prefix="org" uri="http://www.xes-standard.org/org.xesext"/>
<classifier name="Activity" keys="concept:name lifecycle:transition"/>
"""


@refusing
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sim.analysis.eventlog", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("folder", type=Path, help="a sweep folder or one job's folder")
    parser.add_argument(
        "--formats",
        default="parquet",
        help="comma-separated, of parquet, csv, xes (default parquet: the others take ten times the "
        "space and time; process-mining tools want xes)",
    )
    args = parser.parse_args(argv)
    formats = tuple(f.strip() for f in args.formats.split(",") if f.strip())
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown or not formats:
        parser.error(f"--formats: of {', '.join(FORMATS)}, got {args.formats!r}")
    log = sweep_events(args.folder)
    into = args.folder if (args.folder / DONE).exists() else args.folder / "collected"
    for path in write(log, into, formats):
        print(f"{path}", file=sys.stdout)
    print(f"{len(log):,} events of {log[CASE].nunique():,} cases", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
