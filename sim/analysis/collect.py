"""Turn a multirun folder into tidy tables: a row per run, a row per replication, and the
list of runs that are missing or failed (never silently dropped).

    python -m sim.analysis.collect results/staffing_sweep/restaurant

writes ``collected/runs.{parquet,csv}``, ``collected/replications.{parquet,csv}`` and
``collected/missing.csv`` inside the folder, and ``collected/eventlog.{parquet,csv}`` when
jobs logged their steps (``sim.analysis.eventlog``).
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from hydra.core.override_parser.overrides_parser import OverridesParser
from omegaconf import OmegaConf

from sim.analysis import eventlog
from sim.domain.errors import refusing
from sim.domain.untrusted import write_csv
from sim.experiment.output import DONE, ERROR, damage
from sim.experiment.safety import read_config
from sim.experiment.sweep import expected_jobs, normalised

OUT = "collected"


@dataclass(frozen=True)
class Collected:
    runs: pd.DataFrame
    replications: pd.DataFrame
    missing: pd.DataFrame
    jobs: dict[str, Path]  # run id -> job folder
    override_keys: tuple[str, ...] = ()  # the keys the jobs' overrides set
    others: int = 0  # complete jobs of another kind (an attribution's orderings, a staffing search)


def job_dirs(sweep: Path) -> list[Path]:
    return sorted(p.parent.parent for p in sweep.glob("*/.hydra/overrides.yaml"))


def _overrides(job: Path) -> list[str]:
    return OmegaConf.to_container(read_config(job / ".hydra" / "overrides.yaml"), resolve=False)


def _columns(overrides: list[str]) -> dict[str, object]:
    """Overrides as typed columns, read by Hydra's own parser ("1.0" a float, "false" a bool).
    The design and the staffing scale are left out: every row has them as ``design`` (the
    design's label) and ``staffing_scale``, from the job's summary."""
    parsed = OverridesParser.create().parse_overrides(overrides)
    return {o.key_or_group: o.value() for o in parsed if o.key_or_group not in ("design", "staffing.scale")}


def collect(sweep: str | Path) -> Collected:
    sweep = Path(sweep)
    run_rows, rep_frames, missing, jobs, keys = [], [], [], {}, {}
    seen, others = set(), 0
    expected = set(expected_jobs(sweep))
    for job in job_dirs(sweep):
        overrides = _overrides(job)
        if expected and normalised(overrides) not in expected:  # left by an earlier, different sweep
            missing.append(
                {
                    "run": job.name,
                    "overrides": " ".join(overrides),
                    "status": "not in this sweep",
                    "error": "",
                }
            )
            continue
        seen.add(normalised(overrides))
        columns = _columns(overrides)
        keys |= dict.fromkeys(columns)
        run_id = job.name
        if not (job / DONE).exists():
            error = (
                (job / ERROR).read_text().strip()
                if (job / ERROR).exists()
                else "no summary.json: failed or interrupted"
            )
            missing.append(
                {"run": run_id, "overrides": " ".join(overrides), "status": "failed", "error": error}
            )
            continue
        summary = json.loads((job / DONE).read_text())
        problem = damage(job, summary)
        if problem is not None:
            missing.append(
                {"run": run_id, "overrides": " ".join(overrides), "status": "damaged", "error": problem}
            )
            continue
        if "metrics" not in summary:  # orderings or a search: sim.analysis.shapley / searches read them
            others += 1
            continue
        jobs[run_id] = job
        row = {"run": run_id, **columns, "scenario": summary["scenario"], "design": summary["design"]}
        row |= {
            "staffing_scale": summary["staffing_scale"],
            "seed": summary["seed"],
            "replications": summary["replications"],
        }
        for metric, stats in summary["metrics"].items():
            row[metric] = stats["mean"]
            row[f"{metric}:ci_low"] = stats["ci_low"]
            row[f"{metric}:ci_high"] = stats["ci_high"]
        run_rows.append(row)
        reps = pd.read_parquet(job / "replications.parquet")
        reps.insert(0, "run", run_id)
        for key, value in columns.items():
            if key not in reps.columns:
                reps[key] = value
        rep_frames.append(reps)
    for job in sorted(expected - seen, key=sorted):
        missing.append({"run": "", "overrides": " ".join(sorted(job)), "status": "not started", "error": ""})
    runs = pd.DataFrame(run_rows)
    replications = pd.concat(rep_frames, ignore_index=True) if rep_frames else pd.DataFrame()
    missing_table = pd.DataFrame(missing, columns=["run", "overrides", "status", "error"])
    return Collected(runs, replications, missing_table, jobs, tuple(keys), others)


def write(collected: Collected, sweep: str | Path) -> Path:
    out = Path(sweep) / OUT
    out.mkdir(exist_ok=True)
    for name in ("runs", "replications"):
        df = getattr(collected, name)
        df.to_parquet(out / f"{name}.parquet", index=False)
        write_csv(df, out / f"{name}.csv")
    write_csv(collected.missing, out / "missing.csv")
    logs = [log for log in (eventlog.job_events(job) for job in collected.jobs.values()) if log is not None]
    if logs:  # the jobs that logged their steps, as one process-mining log (XES: sim.analysis.eventlog)
        eventlog.write(pd.concat(logs, ignore_index=True), out)
    return out


@refusing
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sim.analysis.collect", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("sweep", type=Path, help="a multirun folder (hydra.sweep.dir)")
    args = parser.parse_args(argv)
    if not args.sweep.is_dir():
        parser.error(f"no such folder: {args.sweep}")
    collected = collect(args.sweep)
    out = write(collected, args.sweep)
    print(f"{len(collected.runs)} complete runs, {len(collected.replications)} replications -> {out}")
    if collected.others:
        print(
            f"{collected.others} complete attribution or staffing-search jobs: their tables and charts come "
            f"from python -m sim.analysis.report {args.sweep}"
        )
    for row in collected.missing.itertuples():
        print(f"  {row.status}: {row.overrides} {row.error}")
    return 1 if collected.runs.empty and not collected.others else 0


if __name__ == "__main__":
    raise SystemExit(main())
