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

import csv
import gzip
import zoneinfo
from dataclasses import dataclass, field
from pathlib import Path
from xml.parsers import expat

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sim.domain.errors import ConfigError
from sim.domain.names import known
from sim.domain.routes import MAX_LABEL
from sim.domain.untrusted import clean_column

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
# What a log may hold, checked while it is read: calibrated within a minute and 2 GB on 2 cores.
MAX_EVENTS = 1_000_000
MAX_TEXT_BYTES = 512 * 2**20  # of the columns read, decompressed (a CSV's whole size)
MAX_XES_BYTES = 384 * 2**20  # an XES file, decompressed (markup is most of it: read at ~16 MB/s)
MAX_COLUMNS = 1000
MAX_ACTIVITIES = 1000  # distinct activities: each a step with its fits and its routes
MAX_PEOPLE = 20_000  # distinct resources
MAX_LISTED = 20  # names a message lists before saying how many more
YEARS = (1900, 2200)
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
    """Read a log file (``.csv``, ``.parquet``, ``.xes`` or ``.xes.gz``), bounded while it is
    read: at most ``MAX_EVENTS`` events and ``MAX_TEXT_BYTES`` of text in the columns read, so
    that a small compressed file cannot expand without bound before anything is counted."""
    path = Path(path)
    check_timezone(timezone)
    if not path.is_file():
        raise ConfigError("log", f"no such file: {path}")
    kind = ".xes" if path.name.lower().endswith(".xes.gz") else path.suffix.lower()
    if kind not in (".xes", ".parquet", ".csv"):
        raise ConfigError("log", f"{path.name}: read .csv, .parquet, .xes or .xes.gz")
    columns = COLUMNS | (mapping or {})
    try:
        if kind == ".xes":
            frame = _xes(path, set(columns.values()))
        elif kind == ".parquet":
            frame = _parquet(path, set(columns.values()))
        else:
            frame = _csv(path, set(columns.values()))
    except ConfigError:
        raise
    except UnicodeDecodeError as err:
        raise ConfigError(
            "log", f"{path.name} is not UTF-8 text (byte {err.start}); save it as UTF-8"
        ) from None
    except (ValueError, OSError, EOFError, pa.ArrowException, csv.Error) as err:
        raise ConfigError("log", f"{path.name} cannot be read as {kind[1:]}: {str(err)[:300]}") from None
    if frame.empty:
        raise ConfigError("log", f"{path.name} holds no events")
    return from_frame(frame, mapping, timezone)


def hours_since(start: pd.Timestamp):
    """A function from times to hours of the office's wall clock since ``start``: the
    simulator's clock, whose days all have 24 hours, so that office hours and arrival profiles
    keep their place across a daylight-saving change (elapsed hours would move them an hour)."""
    zero = start.tz_localize(None) if start.tzinfo is not None else start

    def hours(times: pd.Series) -> pd.Series:
        return (times.dt.tz_localize(None) - zero) / pd.Timedelta(hours=1)

    return hours


def begun_since(log: Log, since: str) -> Log:
    """``log`` with only the cases begun on or after the date ``since`` (local, YYYY-MM-DD)."""
    try:
        day = pd.Timestamp(since).tz_localize(log.timezone)
    except (ValueError, TypeError):
        raise ConfigError("--since", f"a date YYYY-MM-DD, got {str(since)[:40]!r}") from None
    kept = log.arrivals.index[log.arrivals >= day]
    if not len(kept):
        raise ConfigError("--since", f"no case of the log begins on or after {day.date()}")
    dropped = len(log.arrivals) - len(kept)
    warnings = [*log.warnings, f"{dropped:,} cases begun before {day.date()} left out (--since)"]
    return Log(
        log.events[log.events["case"].isin(kept)].reset_index(drop=True),
        log.steps[log.steps["case"].isin(kept)].reset_index(drop=True),
        log.arrivals[kept],
        log.timezone,
        warnings,
        log.unused,
    )


def check_timezone(timezone: str) -> None:
    try:
        zoneinfo.ZoneInfo(timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError):
        raise ConfigError(
            "--timezone", f"{str(timezone)[:80]!r} is not an IANA time zone (such as Asia/Shanghai)"
        ) from None


def _too_big(name: str, what: str) -> ConfigError:
    return ConfigError(
        "log",
        f"{name}: {what}; calibration reads at most {MAX_EVENTS:,} events and {MAX_TEXT_BYTES // 2**20:,} MB "
        "of text in the columns it reads (take a span of the log, or fewer columns)",
    )


def _csv(path: Path, wanted: set[str]) -> pd.DataFrame:
    """A CSV log's columns that calibration reads (the others by name only, in ``unused``)."""
    if path.stat().st_size > MAX_TEXT_BYTES:
        raise _too_big(path.name, f"{path.stat().st_size:,} bytes")
    header = pd.read_csv(path, dtype=str, nrows=0, encoding="utf-8", engine="c")
    if len(header.columns) > MAX_COLUMNS:
        raise ConfigError("log", f"{path.name}: {len(header.columns):,} columns, more than {MAX_COLUMNS:,}")
    keep = [c for c in header.columns if c in wanted]
    frame = pd.read_csv(
        path,
        dtype=str,
        keep_default_na=False,
        encoding="utf-8",
        usecols=keep or None,
        nrows=MAX_EVENTS + 1,
        on_bad_lines="error",
    )
    if len(frame) > MAX_EVENTS:
        raise _too_big(path.name, f"more than {MAX_EVENTS:,} events")
    return _with_names(frame, header.columns)


def _with_names(frame: pd.DataFrame, names) -> pd.DataFrame:
    """``frame`` and, as empty columns' names, the file's other columns (``Log.unused`` lists them)."""
    frame.attrs["columns"] = [str(c) for c in names]
    return frame


def _parquet(path: Path, wanted: set[str]) -> pd.DataFrame:
    """A parquet log's columns that calibration reads, batch by batch, counting rows and bytes
    as they are decompressed (a file of repeated values compresses a thousandfold)."""
    file = pq.ParquetFile(path)
    rows = file.metadata.num_rows
    if rows > MAX_EVENTS:
        raise _too_big(path.name, f"{rows:,} events")
    names = file.schema_arrow.names
    if len(names) > MAX_COLUMNS:
        raise ConfigError("log", f"{path.name}: {len(names):,} columns, more than {MAX_COLUMNS:,}")
    keep = [c for c in names if c in wanted]
    batches, size = [], 0
    for batch in file.iter_batches(batch_size=65_536, columns=keep):
        size += batch.nbytes
        if size > MAX_TEXT_BYTES:
            raise _too_big(path.name, f"more than {MAX_TEXT_BYTES // 2**20:,} MB once decompressed")
        batches.append(batch)
    frame = pa.Table.from_batches(batches).to_pandas() if batches else pd.DataFrame(columns=keep)
    return _with_names(frame, names)


def from_frame(
    frame: pd.DataFrame, mapping: dict[str, str] | None = None, timezone: str = "Asia/Shanghai"
) -> Log:
    check_timezone(timezone)
    columns = COLUMNS | (mapping or {})
    unknown = set(mapping or {}) - set(COLUMNS)
    if unknown:
        raise ConfigError(
            f"mapping.{sorted(unknown)[0]}", f"not a column calibration reads; use {', '.join(COLUMNS)}"
        )
    every = frame.attrs.get("columns") or [str(c) for c in frame.columns]
    for name in REQUIRED:
        if columns[name] not in frame.columns:
            raise ConfigError(
                f"mapping.{name}",
                f"the log has no column '{columns[name]}' (it has {_listed(every)}); "
                f"name it with {name}=<column>",
            )
    if len(frame) > MAX_EVENTS:
        raise ConfigError("log", f"{len(frame):,} events, more than the {MAX_EVENTS:,} calibration reads")
    for name in OPTIONAL:
        if name in (mapping or {}) and columns[name] not in frame.columns:
            there = known(every[:50])
            raise ConfigError(f"mapping.{name}", f"the log has no column '{columns[name]}'{there}")
    events = pd.DataFrame({name: frame[columns[name]] for name in REQUIRED})
    for name, default in OPTIONAL.items():
        events[name] = frame[columns[name]].fillna(default) if columns[name] in frame.columns else default
    for name in ("case", "activity", *OPTIONAL):
        events[name] = events[name].astype(str).str.strip()
    # Names are shown and written back as the office wrote them, within what a label holds, with
    # no control or invisible characters (sim.domain.untrusted); each kind of name is bounded.
    for name in ("activity", "resource", "item", "group", "need", "channel"):
        events[name] = clean_column(events[name], MAX_LABEL)
    blank = (events["activity"] == "") | (events["case"] == "")
    if blank.any():  # nothing to name its step by, or no case to put it in
        warnings_read = [f"{int(blank.sum()):,} events with no activity or no case: dropped"]
        events = events[~blank]
        if events.empty:
            raise ConfigError(
                f"mapping.activity ({columns['activity']})", "no event names its activity and case"
            )
    else:
        warnings_read = []
    _distinct(events, columns)
    unused = sorted(set(every) - {columns[name] for name in COLUMNS})
    warnings = warnings_read
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


def _distinct(events: pd.DataFrame, columns: dict[str, str]) -> None:
    """Refuse a log of more distinct names of a kind than calibration models (each activity is
    a step with its fits; each person a row of a clustering)."""
    for name, most in (("activity", MAX_ACTIVITIES), ("resource", MAX_PEOPLE), ("case", MAX_EVENTS)):
        n = events[name].nunique()
        if n > most:
            raise ConfigError(
                f"mapping.{name} ({columns[name]})",
                f"{n:,} distinct values, more than the {most:,} calibration models; "
                + ("filter the log, or map a coarser column" if name != "case" else "take a span of the log"),
            )


def _listed(names: list[str]) -> str:
    shown = ", ".join(names[:MAX_LISTED])
    return shown + (f" and {len(names) - MAX_LISTED:,} more" if len(names) > MAX_LISTED else "")


def _timestamps(values: pd.Series, timezone: str, column: str, warnings: list[str]) -> pd.Series:
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        return _in_range(values.dt.tz_convert(timezone), values.astype(str), column)
    if pd.api.types.is_datetime64_dtype(values):
        return _local(_in_range(values, values.astype(str), column), timezone, warnings)
    text = values.astype(str)
    aware = text.str.contains(r"(?:[+-]\d\d:?\d\d|Z)$", regex=True)
    parts = []
    if aware.any():
        utc = pd.to_datetime(text[aware], format="ISO8601", utc=True, errors="coerce")
        parts.append(_in_range(utc, text[aware], column).dt.tz_convert(timezone))
    if (~aware).any():
        naive = pd.to_datetime(text[~aware], format="ISO8601", errors="coerce")
        parts.append(_local(_in_range(naive, text[~aware], column), timezone, warnings))
    parsed = pd.concat(parts).reindex(values.index) if len(parts) > 1 else parts[0]
    bad = parsed.isna()
    if bad.any():
        at = int(np.flatnonzero(bad.to_numpy())[0])
        raise ConfigError(
            f"mapping.timestamp ({column})",
            f"{int(bad.sum()):,} timestamps cannot be read as ISO 8601, e.g. row {at}: "
            f"'{text.iloc[at][:80]}'",
        )
    return parsed


def _in_range(times: pd.Series, text: pd.Series, column: str) -> pd.Series:
    """``times`` in nanoseconds, refused where a year falls outside ``YEARS`` (an office's log
    of this century; the tables' clock reaches 1677 to 2262)."""
    years = times.dt.year
    bad = times.notna() & ((years < YEARS[0]) | (years > YEARS[1]))
    if bad.any():
        at = int(np.flatnonzero(bad.to_numpy())[0])
        raise ConfigError(
            f"mapping.timestamp ({column})",
            f"{int(bad.sum()):,} timestamps outside the years {YEARS[0]} to {YEARS[1]}, e.g. row {at}: "
            f"'{str(text.iloc[at])[:80]}'",
        )
    return times.dt.as_unit("ns")


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


def _xes(path: Path, wanted: set[str] | None = None) -> pd.DataFrame:
    """An XES file's events as rows, with their trace's attributes as ``case:<key>`` columns
    (read as a stream: a trace's attributes come before its events), counting the bytes as they
    are decompressed and the events as they are read. XES has no use for a document type, so one
    (where entities would be declared: an entity bomb) is refused wherever it stands."""
    opener = gzip.open if path.suffix.lower() == ".gz" else open
    reader = _XesReader(path.name, wanted)
    with opener(path, "rb") as file:
        read = 0
        while chunk := file.read(1 << 20):
            read += len(chunk)
            if read > MAX_XES_BYTES:
                raise _too_big(path.name, f"more than {MAX_XES_BYTES // 2**20:,} MB of XES once decompressed")
            reader.feed(chunk)
        reader.feed(b"", True)
    return reader.frame()


class _XesReader:
    """Expat's callbacks building the events column by column (of the ``wanted`` columns, or
    all), each distinct text kept once; every attribute's name is kept for ``Log.unused``."""

    def __init__(self, name: str, wanted: set[str] | None) -> None:
        self.name, self.wanted = name, wanted
        self.columns: dict[str, list] = {}
        self.names: dict[str, None] = {}
        self.events = 0
        self.case: dict[str, str] | None = None
        self.event: dict[str, str] | None = None
        self.text: dict[str, str] = {}
        self.parser = expat.ParserCreate()
        self.parser.StartElementHandler = self.start
        self.parser.EndElementHandler = self.end
        self.parser.StartDoctypeDeclHandler = self.refuse
        self.parser.EntityDeclHandler = self.refuse

    def feed(self, data: bytes, last: bool = False) -> None:
        try:
            self.parser.Parse(data, last)
        except expat.ExpatError as err:
            raise ConfigError("log", f"{self.name} cannot be read as xes: {err}") from None

    def refuse(self, *_) -> None:
        raise ConfigError("log", f"{self.name} declares a document type or entities, which XES does not use")

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        tag = tag.rpartition(":")[2]
        if tag == "trace":
            self.case = {}
        elif tag == "event":
            self.event = {}
        elif tag in _ATTRIBUTES and "key" in attributes:
            key, value = attributes["key"], attributes.get("value")
            value = self.text.setdefault(value, value) if value is not None else None
            if self.event is not None:
                self.event[key] = value
            elif self.case is not None:
                self.case[f"case:{key}"] = value

    def end(self, tag: str) -> None:
        tag = tag.rpartition(":")[2]
        if tag == "event" and self.event is not None:
            for key, value in (self.case or {}).items() | self.event.items():
                column = self.columns.get(key)
                if column is None:
                    if key not in self.names:
                        if len(self.names) >= MAX_COLUMNS:
                            raise ConfigError("log", f"{self.name}: more than {MAX_COLUMNS:,} attributes")
                        self.names[key] = None
                    if self.wanted is not None and key not in self.wanted:
                        continue
                    column = self.columns[key] = []
                column.extend([None] * (self.events - len(column)))
                column.append(value)
            self.events += 1
            if self.events > MAX_EVENTS:
                raise _too_big(self.name, f"more than {MAX_EVENTS:,} events")
            self.event = None
        elif tag == "trace":
            self.case = None

    def frame(self) -> pd.DataFrame:
        for column in self.columns.values():
            column.extend([None] * (self.events - len(column)))
        return _with_names(pd.DataFrame(self.columns), list(self.names))


_ATTRIBUTES = ("string", "date", "int", "float", "boolean", "id")
