"""Writing a run's tables to disk: parquet tables and a summary, complete or not at all.

Files are written under temporary names and renamed, and ``summary.json`` goes last: a
folder with a ``summary.json`` holds a complete run, whatever interrupted the writer.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from sim.run import RunResult

TABLES = ("cases", "steps", "resources")
DONE = "summary.json"


def write_run(result: RunResult, summary: dict, directory: str | os.PathLike) -> Path:
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    for name in TABLES:
        _atomic(out / f"{name}.parquet", lambda tmp, n=name: getattr(result, n).to_parquet(tmp, index=False))
    payload = {"info": result.info, "summary": summary}
    _atomic(out / DONE, lambda tmp: tmp.write_text(json.dumps(payload, indent=2, default=float)))
    return out


def _atomic(path: Path, write) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    write(tmp)
    os.replace(tmp, path)
