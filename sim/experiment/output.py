"""Writing a job's tables to disk: parquet tables and a summary, complete or not at all.

Files are written under temporary names and renamed, and ``summary.json`` goes last, with
the row count and content hash of every table: a folder whose ``summary.json`` vouches for
tables that are all there, whole and unchanged, holds a complete job, whatever interrupted
the writer or damaged a file since.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict
from enum import Enum
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sim.domain.inert import inert
from sim.domain.loads import offered_loads
from sim.domain.promises import promised_days
from sim.experiment.config import SimConfig
from sim.experiment.environment import environment
from sim.experiment.replications import Replicated
from sim.experiment.stats import describe

DONE = "summary.json"
TAGS = ("scenario", "design", "seed", "replication")  # a replication's identity, not a metric
ERROR = "error.txt"


def config_digest(config: dict) -> str:
    """A fingerprint of what a job computes, kept in its summary to recognise it on resume."""
    return hashlib.sha256(json.dumps(config, sort_keys=True, default=str).encode()).hexdigest()


def is_complete(directory: Path, digest: str) -> bool:
    """Whether ``directory`` holds a complete, undamaged job of the configuration with ``digest``."""
    try:
        summary = json.loads((directory / DONE).read_text())
    except (OSError, ValueError):
        return False
    return summary.get("config_sha256") == digest and damage(directory, summary) is None


def damage(directory: Path, summary: dict) -> str | None:
    """What is wrong with the tables a finished job's ``summary`` vouches for, or None."""
    tables = summary.get("tables")
    if not tables:
        return "its summary lists no tables (written by an older version, or edited)"
    for name, expected in tables.items():
        try:
            digest = file_digest(directory / f"{name}.parquet")
        except OSError:
            return f"{name}.parquet is missing"
        if digest != expected["sha256"]:
            return f"{name}.parquet has changed since the job wrote it"
    return None


def file_digest(path: Path) -> str:
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def write_error(directory: Path, overrides: list[str], message: str) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    text = "overrides: " + " ".join(overrides) + "\n" + message
    _atomic(directory / ERROR, lambda tmp: tmp.write_text(text))


class TableFile:
    """A job's table written to parquet in row groups as its chunks come (``write``), under a
    temporary name until the ``with`` block ends and puts it in place: the event log goes to disk
    as the run goes. Categories are stored as dictionaries of 32-bit codes, so a later chunk may
    bring more names than the first; on an error the temporary file is removed."""

    def __init__(self, directory: Path, name: str) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        (directory / DONE).unlink(missing_ok=True)  # an old result must not vouch for this one
        self.path = directory / f"{name}.parquet"
        self._tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        self._writer: pq.ParquetWriter | None = None

    def write(self, chunk: pd.DataFrame) -> None:
        table = pa.Table.from_pandas(chunk, preserve_index=False)
        if self._writer is None:
            wide = [
                f.with_type(pa.dictionary(pa.int32(), f.type.value_type))
                if pa.types.is_dictionary(f.type)
                else f
                for f in table.schema
            ]
            self._writer = pq.ParquetWriter(self._tmp, pa.schema(wide, metadata=table.schema.metadata))
        self._writer.write_table(table.cast(self._writer.schema))

    def __enter__(self) -> TableFile:
        return self

    def __exit__(self, kind, *_) -> None:
        if self._writer is not None:
            self._writer.close()
        if kind is None and self._writer is not None:
            os.replace(self._tmp, self.path)
        else:
            self._tmp.unlink(missing_ok=True)


def write_job(
    result: Replicated,
    conf: SimConfig,
    directory: str | os.PathLike,
    digest: str = "",
    streamed: tuple[str, ...] = (),
) -> tuple[Path, dict]:
    """Write each table of the runs (``cases``, ``resources``, ``decisions``; ``steps`` when
    recorded; ``requests``, ``overdue``, ``sittings`` when the scenario has requests) and the
    ``replications`` table, then ``summary.json`` with each metric's mean and 95 % interval
    across replications. ``streamed``: tables already in place (``TableFile``)."""
    skip = set(streamed)
    if not conf.record_steps:
        skip |= {"steps", "request_steps"}
    if not conf.scenario.requests.classes:
        skip |= {"requests", "request_steps", "overdue", "sittings"}
    tables = {name: df for name, df in result.tables.items() if name not in skip}
    tables["replications"] = result.metrics.assign(staffing_scale=conf.staffing.scale)
    metrics = [c for c in result.metrics.columns if c not in TAGS]
    described = describe(result.metrics, metrics).set_index("metric")
    summary = _identity(conf) | {
        "metrics": {m: row.to_dict() for m, row in described.iterrows()},
        "offered_load": offered_loads(conf.scenario, conf.design),
        "promised_days": promised_days(conf.scenario, conf.design),
        "inert": inert(conf.scenario, conf.design),
    }
    return write_tables(tables, summary, directory, digest, streamed)


def write_orderings(
    table: pd.DataFrame, conf: SimConfig, directory: str | os.PathLike, digest: str = ""
) -> tuple[Path, dict]:
    """Write an attribution pair's runs (``sim.experiment.attribution``) as ``coalitions``."""
    steps = table.drop_duplicates(["ordering", "position"]).sort_values(["ordering", "position"])
    summary = _identity(conf) | {
        "towards": conf.attribution.towards,
        "pair": conf.attribution.pair,
        "orders": [list(g["lever"])[1:] for _, g in steps.groupby("ordering")],
    }
    return write_tables({"coalitions": table}, summary, directory, digest)


def write_points(
    table: pd.DataFrame, conf: SimConfig, directory: str | os.PathLike, digest: str = ""
) -> tuple[Path, dict]:
    """Write an uncertainty job's runs (``sim.experiment.uncertainty``) as ``uncertainty``, with
    the study's settings the analysis reads."""
    u = conf.uncertainty
    summary = _identity(conf) | {"uncertainty": u.settings(conf.scenario) | {"job": u.job}}
    return write_tables({"uncertainty": table}, summary, directory, digest)


def write_search(found, conf: SimConfig, directory: str | os.PathLike, digest: str = "") -> tuple[Path, dict]:
    """Write a staffing search's trials (``sim.experiment.staffing``) and what it found."""
    summary = _identity(conf) | {
        "search": {
            "staffing": found.staffing,
            "cost": found.cost,
            "checks": [asdict(c) for c in found.checks],
            "why": found.why,
            "evaluations": found.evaluations,
            "pools": found.pools,
            "one_more": {p: [asdict(c) for c in checks] for p, checks in found.one_more.items()},
            "targets": asdict(conf.targets),
        }
    }
    return write_tables({"trials": found.trials}, summary, directory, digest)


def _identity(conf: SimConfig) -> dict:
    return {
        "scenario": conf.scenario.name,
        "design": conf.design.label,
        "levers": {k: v.value if isinstance(v, Enum) else v for k, v in asdict(conf.design).items()},
        "staffing_scale": conf.staffing.scale,
        "seed": conf.seed,
        "replications": conf.replications,
        "first_replication": conf.replication,
    }


def write_tables(
    tables: dict[str, pd.DataFrame],
    summary: dict,
    directory: str | os.PathLike,
    digest: str,
    streamed: tuple[str, ...] = (),
) -> tuple[Path, dict]:
    """Write ``tables`` as parquet, then ``summary`` with the row count and hash of each table
    and of the ``streamed`` ones already in place."""
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    (out / DONE).unlink(missing_ok=True)  # an old result must not vouch for a new, partial one
    for name, df in tables.items():
        _atomic(out / f"{name}.parquet", lambda tmp, df=df: df.to_parquet(tmp, index=False))
    rows = {name: len(df) for name, df in tables.items()}
    rows |= {name: pq.ParquetFile(out / f"{name}.parquet").metadata.num_rows for name in streamed}
    written = {name: {"rows": n, "sha256": file_digest(out / f"{name}.parquet")} for name, n in rows.items()}
    summary = summary | {"config_sha256": digest, "tables": written, "environment": environment()}
    _atomic(out / DONE, lambda tmp: tmp.write_text(json.dumps(summary, indent=2, default=float)))
    (out / ERROR).unlink(missing_ok=True)
    return out, summary


def _atomic(path: Path, write) -> None:
    """Write through a temporary file of this process's own, then rename: two sweeps writing
    the same job at once never write into each other's file."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    write(tmp)
    os.replace(tmp, path)
