"""An office's event log, read and checked: CSV or parquet with a column mapping, or XES
(``.xes`` or ``.xes.gz``); then its steps: a start paired with its complete, or, for an
activity the log records only when it completes (most real logs), the complete alone, its
start left to be estimated (``sim.calibrate.starts``).

Column names default to XES's (``case:concept:name``, ``concept:name``, ``time:timestamp``,
``lifecycle:transition``, ``org:resource``) and ``item``, as ``sim.analysis.eventlog`` writes
them; ``mapping`` names an office's own columns (``{"case": "ticket_id", ...}``). Only the case,
the activity and the time are required: without a lifecycle every event is a completion,
without a resource nobody is known, without an item the log is one process. A missing column
or an unparseable timestamp is an error naming it; local times that a daylight-saving change
makes ambiguous are read as the first of the two (summer time), those it skips are moved past
the gap, and both are counted in ``warnings``; events that cannot be paired (a start with no
complete, a complete before its start) are dropped and listed as warnings.
"""

from __future__ import annotations

import gzip
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sim.domain.errors import ConfigError
from sim.domain.names import known
from sim.domain.routes import MAX_LABEL

# What calibration reads, and its default column (XES names; ``item`` and ``need`` are ours).
COLUMNS = {
    "case": "case:concept:name",
    "activity": "concept:name",
    "timestamp": "time:timestamp",
    "lifecycle": "lifecycle:transition",
    "resource": "org:resource",
    "item": "item",
    "need": "case:need",
    "group": "org:group",
    "channel": "case:channel",
}
REQUIRED = ("case", "activity", "timestamp")
# and the value without them
OPTIONAL = {"lifecycle": "complete", "resource": "", "item": "", "need": "", "group": "", "channel": ""}
MAX_EVENTS = 20_000_000  # a log of more is refused while it is read (memory: ~1 GB a 10 M events)
ARRIVE, DONE = "arrive", "done"  # the export's arrival and completion events, when present
# XES lifecycle transitions read: when the file reached the step's queue (optional), began, ended.
LIFECYCLE = ("schedule", "start", "complete")


@dataclass
class Log:
    """Events (``case``, ``activity``, ``lifecycle``, ``time``, ``resource``, ``item``, ``need``,
    ``group``, ``channel``),
    their steps (a row per start paired with its complete: ``start``, ``end``), each case's
    arrival time, the time zone, and what was dropped and why."""

    events: pd.DataFrame
    steps: pd.DataFrame
    arrivals: pd.Series
    timezone: str
    warnings: list[str] = field(default_factory=list)
    unused: list[str] = field(default_factory=list)  # the log's columns calibration does not read


def read(path: str | Path, mapping: dict[str, str] | None = None, timezone: str = "Asia/Shanghai") -> Log:
    """Read a log file (``.csv``, ``.parquet`` or ``.xes``)."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError("log", f"no such file: {path}")
    kind = ".xes" if path.name.lower().endswith(".xes.gz") else path.suffix
    if kind not in (".xes", ".parquet", ".csv"):
        raise ConfigError("log", f"{path.name}: read .csv, .parquet, .xes or .xes.gz")
    try:
        if kind == ".xes":
            frame = _xes(path)
        elif path.suffix == ".parquet":
            frame = pd.read_parquet(path)
        else:
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except ConfigError:
        raise
    except UnicodeDecodeError as err:
        raise ConfigError(
            "log", f"{path.name} is not UTF-8 text (byte {err.start}); save it as UTF-8"
        ) from None
    except (ValueError, OSError, EOFError, ET.ParseError) as err:  # pandas' and pyarrow's are ValueErrors
        raise ConfigError("log", f"{path.name} cannot be read as {kind[1:]}: {err}") from None
    if frame.empty:
        raise ConfigError("log", f"{path.name} holds no events")
    return from_frame(frame, mapping, timezone)


def from_frame(
    frame: pd.DataFrame, mapping: dict[str, str] | None = None, timezone: str = "Asia/Shanghai"
) -> Log:
    columns = COLUMNS | (mapping or {})
    unknown = set(mapping or {}) - set(COLUMNS)
    if unknown:
        raise ConfigError(
            f"mapping.{sorted(unknown)[0]}", f"not a column calibration reads; use {', '.join(COLUMNS)}"
        )
    for name in REQUIRED:
        if columns[name] not in frame.columns:
            raise ConfigError(
                f"mapping.{name}",
                f"the log has no column '{columns[name]}' (it has {', '.join(map(str, frame.columns))}); "
                f"name it with {name}=<column>",
            )
    if len(frame) > MAX_EVENTS:
        raise ConfigError("log", f"{len(frame):,} events, more than the {MAX_EVENTS:,} calibration reads")
    for name in OPTIONAL:
        if name in (mapping or {}) and columns[name] not in frame.columns:
            there = known(map(str, frame.columns))
            raise ConfigError(f"mapping.{name}", f"the log has no column '{columns[name]}'{there}")
    events = pd.DataFrame({name: frame[columns[name]] for name in REQUIRED})
    for name, default in OPTIONAL.items():
        events[name] = frame[columns[name]].fillna(default) if columns[name] in frame.columns else default
    for name in ("case", "activity", *OPTIONAL):
        events[name] = events[name].astype(str).str.strip()
    # An activity's name is shown and written back as the office wrote it, within what a label holds.
    events["activity"] = events["activity"].str.replace(r"[\x00-\x1f\x7f]", " ", regex=True).str[:MAX_LABEL]
    unused = sorted(set(map(str, frame.columns)) - {columns[name] for name in COLUMNS})
    warnings = []
    events["time"] = _timestamps(events.pop("timestamp"), timezone, columns["timestamp"], warnings)
    kinds = events["lifecycle"].str.lower()
    other = ~kinds.isin(LIFECYCLE)
    if other.any():
        names = ", ".join(sorted(set(kinds[other]))[:5])
        warnings.append(
            f"{int(other.sum()):,} events neither schedule, start nor complete ({names}): ignored"
        )
    events = events[~other].assign(lifecycle=kinds[~other])
    events = events.sort_values(["case", "time"], kind="stable", ignore_index=True)
    first = events.groupby("case")["time"].min()
    marked = events[events["activity"] == ARRIVE].groupby("case")["time"].min()
    arrivals = first.copy()
    arrivals[marked.index] = marked
    steps, dropped = _pairs(events[~events["activity"].isin([ARRIVE, DONE])])
    warnings += dropped
    idle = arrivals.index.difference(steps["case"].unique())
    if len(idle):
        warnings.append(f"{len(idle):,} cases with no complete step (only arrival or done events): left out")
        arrivals = arrivals.drop(idle)
    if steps.empty:
        why = f" ({'; '.join(warnings)})" if warnings else ""
        raise ConfigError("log", f"no step left to measure{why}")
    return Log(events, steps, arrivals, timezone, warnings, unused)


def _timestamps(values: pd.Series, timezone: str, column: str, warnings: list[str]) -> pd.Series:
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        return values.dt.tz_convert(timezone)
    if pd.api.types.is_datetime64_dtype(values):
        return _local(values, timezone, warnings)
    text = values.astype(str)
    aware = text.str.contains(r"(?:[+-]\d\d:?\d\d|Z)$", regex=True)
    parsed = pd.Series(pd.NaT, index=values.index, dtype=f"datetime64[ns, {timezone}]")
    if aware.any():
        parsed[aware] = pd.to_datetime(
            text[aware], format="ISO8601", utc=True, errors="coerce"
        ).dt.tz_convert(timezone)
    if (~aware).any():
        naive = pd.to_datetime(text[~aware], format="ISO8601", errors="coerce")
        parsed[~aware] = _local(naive, timezone, warnings)
    bad = parsed.isna()
    if bad.any():
        at = int(np.flatnonzero(bad.to_numpy())[0])
        raise ConfigError(
            f"mapping.timestamp ({column})",
            f"{int(bad.sum()):,} timestamps cannot be read as ISO 8601, e.g. row {at}: '{text.iloc[at]}'",
        )
    return parsed


def _local(naive: pd.Series, timezone: str, warnings: list[str]) -> pd.Series:
    """Local times in ``timezone``: an hour a daylight-saving change repeats read as its first
    (summer time), one it skips moved past the gap; each counted in ``warnings``."""
    try:
        return naive.dt.tz_localize(timezone)
    except (ValueError, OverflowError):  # pytz's AmbiguousTimeError and NonExistentTimeError
        pass
    marked = naive.dt.tz_localize(timezone, ambiguous="NaT", nonexistent="NaT")
    first = naive.dt.tz_localize(timezone, ambiguous=np.ones(len(naive), bool), nonexistent="shift_forward")
    gap = naive.notna() & marked.isna()
    skipped = int((first.dt.tz_localize(None) != naive)[gap].sum())
    if gap.any():
        warnings.append(
            f"{int(gap.sum()) - skipped:,} local times in an hour a daylight-saving change repeats "
            f"(read as summer time) and {skipped:,} in one it skips (moved past the gap), in {timezone}"
        )
    return first


def _pairs(events: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """The k-th start of a case's (activity, item, resource) with its k-th complete, and its
    k-th schedule when the log has them (``queued``; else missing)."""
    key = ["case", "activity", "item", "resource"]
    started = events["activity"].isin(set(events.loc[events["lifecycle"] == "start", "activity"]))
    alone = events[~started & (events["lifecycle"] == "complete")]
    unknown = pd.Series(pd.NaT, index=alone.index, dtype=events["time"].dtype)
    completes = alone.rename(columns={"time": "end"}).assign(queued=unknown, start=unknown)
    events = events[started]
    ranked = events.assign(k=events.groupby([*key, "lifecycle"]).cumcount())
    part = {kind: ranked[ranked["lifecycle"] == kind] for kind in LIFECYCLE}
    steps = part["start"].merge(
        part["complete"][[*key, "k", "time"]], on=[*key, "k"], how="outer", suffixes=("_s", "_e")
    )
    steps = steps.merge(
        part["schedule"][[*key, "k", "time"]].rename(columns={"time": "queued"}), on=[*key, "k"], how="left"
    )
    warnings = []
    lone_start, lone_end = steps["time_e"].isna(), steps["time_s"].isna()
    if lone_start.any():
        warnings.append(f"{int(lone_start.sum()):,} start events with no complete (missing events): dropped")
    if lone_end.any():
        warnings.append(f"{int(lone_end.sum()):,} complete events with no start (missing events): dropped")
    steps = steps[~lone_start & ~lone_end]
    skewed = (steps["time_e"] < steps["time_s"]) | (steps["queued"] > steps["time_s"])
    if skewed.any():
        warnings.append(
            f"{int(skewed.sum()):,} steps out of order, such as complete before start (clock skew): dropped"
        )
    steps = steps[~skewed]
    steps = steps.rename(columns={"time_s": "start", "time_e": "end"})
    columns = [*key, "need", "group", "channel", "queued", "start", "end"]
    steps = pd.concat([steps[columns], completes[columns]]) if len(completes) else steps[columns]
    return steps.sort_values(["case", "end"], kind="stable", ignore_index=True), warnings


def _xes(path: Path) -> pd.DataFrame:
    """An XES file's events as rows, with their trace's attributes as ``case:<key>`` columns
    (read as a stream: a trace's attributes come before its events). XES has no use for a
    document type, so one (where entities would be declared: an entity bomb) is refused."""
    opener = gzip.open if path.suffix.lower() == ".gz" else open
    with opener(path, "rb") as file:
        head = file.read(4096)
    if b"<!DOCTYPE" in head.upper() or b"<!ENTITY" in head.upper():
        raise ConfigError("log", f"{path.name} declares a document type or entities, which XES does not use")
    with opener(path, "rb") as file:
        return _xes_rows(file, path.name)


def _xes_rows(file, name: str) -> pd.DataFrame:
    rows, case, event = [], None, None
    for kind, element in ET.iterparse(file, events=("start", "end")):
        tag = element.tag.rpartition("}")[2]
        if kind == "start":
            if tag == "trace":
                case = {}
            elif tag == "event":
                event = {}
            continue
        if tag == "event":
            rows.append(case | event)
            if len(rows) > MAX_EVENTS:
                raise ConfigError("log", f"{name}: more than the {MAX_EVENTS:,} events calibration reads")
            event = None
            element.clear()
        elif tag == "trace":
            case = None
            element.clear()
        elif tag in _ATTRIBUTES and element.get("key") is not None:
            if event is not None:
                event[element.get("key")] = element.get("value")
            elif case is not None:
                case[f"case:{element.get('key')}"] = element.get("value")
    return pd.DataFrame(rows)


_ATTRIBUTES = ("string", "date", "int", "float", "boolean", "id")
