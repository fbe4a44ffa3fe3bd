"""A city from its districts: each district-year a job of its own (any launcher spreads them),
then this step adds the districts' jobs into city totals with intervals.

    python -m sim --multirun scenario=<district>,<district>,... design=single,bundled replication=range(0,10)
    python -m sim.analysis.city <sweep>          # --by scenario: the key that names a district

A city replication r is the districts' replication r, one job each: counts add up; means are
weighted by the cases they are means of; the P90 is the 90th percentile of all the city's
applicants pooled (read from the jobs' case tables). Intervals are 95 % t intervals across
city replications. Writes ``collected/city.{parquet,csv}`` (a row per city replication) and
``collected/city_summary.csv``.
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

import pandas as pd

from sim.analysis.collect import OUT, collect
from sim.domain.errors import ConfigError, refusing
from sim.domain.untrusted import write_csv
from sim.experiment.config import scenario_value
from sim.experiment.safety import read_config
from sim.experiment.stats import t_interval

COUNTS = ("arrived", "cases", "open_at_end")
# Means over each district's finished cases after the warm-up, weighted by those cases.
MEANS = ("lead_time_working_days_mean", "lead_time_mean", "trips_mean", "documents_mean")
CITY = ["design", "staffing_scale", "seed", "replication"]


def city(sweep: Path, by: str = "scenario") -> pd.DataFrame:
    """A row per city replication (design, staffing, seed, replication): the districts named,
    counts summed, means weighted, the pooled P90 of lead time in working days."""
    c = collect(sweep)
    reps = c.replications
    if reps.empty:
        raise ConfigError("sweep", f"no complete runs in {sweep}")
    if by not in reps.columns:
        raise ConfigError("--by", f"the sweep has no '{by}' column to tell districts apart")
    if not c.missing.empty:  # a city without one of its districts is undercounted, never summed
        listed = "; ".join(f"{r.status}: {r.overrides}" for r in c.missing.itertuples())
        raise ConfigError("sweep", f"{len(c.missing)} job(s) failed, damaged or not started ({listed})")
    districts = reps[by].nunique()
    short = reps.groupby(CITY)[by].nunique()
    short = short[short < districts]
    if not short.empty:
        raise ConfigError(
            "sweep",
            f"{len(short)} city replication(s) lack a district of the {districts} "
            f"(first: {dict(zip(CITY, short.index[0], strict=True))})",
        )
    finished = reps["cases"] * reps["finished_share"]
    weighted = reps.assign(finished=finished, **{m: reps[m] * finished for m in MEANS})
    grouped = weighted.groupby(CITY, sort=True)
    out = grouped[[*COUNTS, "finished", *MEANS]].sum()
    for m in MEANS:
        out[m] = out[m] / out["finished"]
    out["districts"] = grouped[by].agg(lambda names: ",".join(sorted(map(str, names))))
    out["lead_time_working_days_p90"] = _pooled_p90(c, reps)
    return out.reset_index()


def _pooled_p90(c, reps: pd.DataFrame) -> pd.Series:
    """The 90th percentile of every finished post-warm-up applicant of a city replication."""
    frames = []
    for run, job in c.jobs.items():
        tags = reps.loc[reps["run"] == run, ["design", "staffing_scale", "seed"]].iloc[0]
        cases = pd.read_parquet(
            job / "cases.parquet", columns=["replication", "arrival", "finished", "lead_time_working_days"]
        )
        warmup = float(_warmup(job))
        steady = cases[(cases["arrival"] >= warmup) & cases["finished"]]
        frames.append(steady.assign(**tags.to_dict())[[*CITY, "lead_time_working_days"]])
    pooled = pd.concat(frames, ignore_index=True)
    return pooled.groupby(CITY)["lead_time_working_days"].quantile(0.9)


def _warmup(job: Path) -> float:
    return scenario_value(read_config(job / ".hydra" / "config.yaml"), "warmup")


def summary(table: pd.DataFrame) -> pd.DataFrame:
    """Per design and staffing: each city measure's mean over replications with its interval."""
    rows = []
    for (design, scale), g in table.groupby(["design", "staffing_scale"], sort=False):
        row = {
            "design": design,
            "staffing_scale": scale,
            "replications": len(g),
            "districts": g["districts"].iloc[0],
        }
        for m in (*COUNTS, *MEANS, "lead_time_working_days_p90"):
            mean, low, high = t_interval(g[m])
            row[m], row[f"{m}:ci_low"], row[f"{m}:ci_high"] = mean, low, high
        rows.append(row)
    return pd.DataFrame(rows)


@refusing
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sim.analysis.city", description=__doc__.split("\n\n")[0])
    parser.add_argument("sweep", type=Path, help="a multirun folder of district jobs")
    parser.add_argument("--by", default="scenario", help="the override naming a district (default: scenario)")
    args = parser.parse_args(argv)
    table = city(args.sweep, args.by)
    out = args.sweep / OUT
    out.mkdir(exist_ok=True)
    table.to_parquet(out / "city.parquet", index=False)
    write_csv(table, out / "city.csv")
    summed = summary(table)
    write_csv(summed, out / "city_summary.csv")
    for r in summed.to_dict("records"):
        print(said(r))
    print(f"-> {out / 'city.csv'}, {out / 'city_summary.csv'}")
    return 0


def said(r: dict) -> str:
    """A summary row in a line: the mean lead time with its interval over city replications, or,
    from one replication, no interval and how to get one."""
    m = "lead_time_working_days_mean"
    low, high, n = r[m + ":ci_low"], r[m + ":ci_high"], r["replications"]
    spread = (
        f"[{low:.2f}, {high:.2f}] working days"
        if n > 1 and math.isfinite(low) and math.isfinite(high)
        else "working days (one city replication, so no interval: add 'replication=range(0,5)' for five)"
    )
    return (
        f"{r['design']} x{r['staffing_scale']:g}: {n} city replication{'s' if n != 1 else ''} of "
        f"{r['districts']}; {r['cases']:,.0f} applicants a run; mean lead time {r[m]:.2f} {spread}"
    )


if __name__ == "__main__":
    raise SystemExit(main())
