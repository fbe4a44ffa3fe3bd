"""The uncertainty study's results (``+experiment=uncertainty``): each reform's reductions over
the estimates' ranges beside simulation noise, which estimates move them (Morris's screening),
and how the variance of a reduction divides among the few that matter (Sobol's indices).

A point's reduction is paired: its design against single on the same replications, as one
minus the ratio of their means. Its noise is the half-width of the 95 % t interval of the
per-replication reductions. An overloaded point (a design finishing fewer than 99 % of its
cases, or offering a pool its staffed hours) measures a queue without end: it is counted and
left out of the band, which is then the band of the offices the staffing can serve; Morris's
screening leaves out the two elementary effects it ends and begins (the rest of its trajectory
still counts), and Sobol's indices, which need every point of their design, are not given while
any point is overloaded.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from statistics import NormalDist
from typing import NamedTuple

import numpy as np
import pandas as pd
from SALib.analyze import sobol

from sim.analysis.compare import HEADLINE
from sim.experiment.output import DONE, damage
from sim.experiment.stats import CONFIDENCE, t_interval
from sim.experiment.uncertainty import FINISHED, problem

TABLE = "uncertainty"
FOLDER = "uncertainty"  # a study's uncertainty sweeps, one folder per method inside the study's
RESAMPLES = 1000  # bootstrap resamples of each index's interval
# The bootstraps' seed: fixed, so a report rebuilt from the same points says the same intervals
# (not 0: SALib's Sobol analysis reads a seed of 0 as none and draws afresh).
BOOTSTRAP_SEED = 20_151


class Study(NamedTuple):
    """One method's study: its jobs' rows, its settings and the sweep folder its jobs are in."""

    rows: pd.DataFrame
    settings: dict
    folder: Path


def read(sweep: Path) -> dict[str, Study]:
    """Each method's complete jobs under ``sweep`` (its jobs' folders, or its methods' folders
    of them). Two studies of one method with different settings in one place are refused:
    their points are not one design."""
    found: dict[str, tuple[list[pd.DataFrame], dict, Path]] = {}
    for path in sorted([*Path(sweep).glob(f"*/{DONE}"), *Path(sweep).glob(f"*/*/{DONE}")]):
        summary = json.loads(path.read_text())
        if TABLE not in summary.get("tables", {}) or damage(path.parent, summary) is not None:
            continue
        settings = {k: v for k, v in summary["uncertainty"].items() if k != "job"}
        frames, known, first = found.setdefault(settings["method"], ([], settings, path.parent))
        if settings != known:
            raise SystemExit(
                f"{path.parent} and {first} hold two {settings['method']} studies with different "
                "settings; give each its own folder (hydra.sweep.dir)"
            )
        frames.append(pd.read_parquet(path.parent / f"{TABLE}.parquet"))
    return {m: Study(pd.concat(f, ignore_index=True), s, job.parent) for m, (f, s, job) in found.items()}


def points(rows: pd.DataFrame) -> pd.DataFrame:
    """A row per point and reformed design: each headline metric's reduction against single
    (paired on replications), its noise half-width, and whether the point's office is
    overloaded under any design (with its Morris trajectory where it has one)."""
    rows = rows.reindex(columns=list(dict.fromkeys([*rows.columns, *HEADLINE, "finished_share"])))  # none ran
    broken = (rows["finished_share"] < FINISHED) | (rows["busiest_load"] >= 1)
    overloaded = rows.assign(broken=broken).groupby("point")["broken"].any()
    single = rows[rows["design"] == "single"].set_index(["point", "replication"])
    out = []
    for (point, design), g in rows[rows["design"] != "single"].groupby(["point", "design"], sort=True):
        base = single.loc[point].loc[g["replication"]]
        row = {"point": point, "design": design}
        if "trajectory" in g:
            row["trajectory"] = int(g["trajectory"].iloc[0])
        for metric in HEADLINE:
            row[metric] = 1 - g[metric].mean() / base[metric].mean()
            each = 1 - g[metric].to_numpy() / base[metric].to_numpy()
            row[f"{metric}:noise"] = 0.0 if len(each) < 2 else _half_width(each)
        row["overloaded"] = bool(overloaded.loc[point])
        out.append(row)
    return pd.DataFrame(out)


def _half_width(values: np.ndarray) -> float:
    _, low, high = t_interval(values)
    return (high - low) / 2


def band(table: pd.DataFrame) -> pd.DataFrame:
    """Per reformed design and metric: the median reduction over the points that do not overload
    the office, its 2.5th and 97.5th percentiles, the points counted, and the median noise
    half-width at one point."""
    rows = []
    for design, g in table[~table["overloaded"]].groupby("design", sort=False):
        for metric in HEADLINE:
            values = g[metric].to_numpy()
            rows.append(
                {
                    "design": design,
                    "metric": metric,
                    "median": float(np.median(values)),
                    "low": float(np.percentile(values, 2.5)),
                    "high": float(np.percentile(values, 97.5)),
                    "points": len(values),
                    "noise": float(np.nanmedian(g[f"{metric}:noise"])),
                }
            )
    return pd.DataFrame(rows)


def effects(rows: pd.DataFrame, table: pd.DataFrame, settings: dict) -> pd.DataFrame:
    """Morris's elementary effects: a row per step of a trajectory whose two points were both run
    and serve their applicants, per reformed design, with the estimate it moved and, per headline
    metric, the change of the reduction (points) per grid step, signed as the estimate rises
    (SALib's convention). A step from or to an overloaded point, or one not yet run, has none:
    the rest of its trajectory still counts."""
    names, levels = list(settings["ranges"]), settings["levels"]
    delta = levels / (2 * (levels - 1))  # a grid step in the unit cube
    x = rows[rows["design"] == "single"].drop_duplicates("point").set_index("point")[names]
    served = table[~table["overloaded"]].set_index(["design", "point"])
    out = []
    for (design, point), here in served.iterrows():
        if point % (len(names) + 1) == 0 or (design, point - 1) not in served.index:
            continue  # a trajectory's first point, or a step from a point with no result
        moved = np.flatnonzero(x.loc[point].to_numpy() != x.loc[point - 1].to_numpy())[0]
        sign = 1.0 if x.loc[point].iloc[moved] > x.loc[point - 1].iloc[moved] else -1.0
        before = served.loc[(design, point - 1)]
        out.append(
            {"design": design, "point": int(point), "estimate": names[moved]}
            | {m: sign * 100 * (here[m] - before[m]) / delta for m in HEADLINE}
        )
    return pd.DataFrame(out, columns=["design", "point", "estimate", *HEADLINE])


def screening(rows: pd.DataFrame, table: pd.DataFrame, settings: dict) -> pd.DataFrame:
    """Morris: per reformed design, metric and estimate, mu* (the mean absolute elementary
    effect, in points of reduction per grid step) with its 95 % bootstrap half-width, sigma
    (their spread: an interaction or a curve) and n, the effects they rest on (every served
    step: SALib's statistics when no point is left out)."""
    found = effects(rows, table, settings)
    rng = np.random.default_rng(BOOTSTRAP_SEED)
    z = NormalDist().inv_cdf(0.5 + CONFIDENCE / 2)
    out = []
    for design in found["design"].unique():
        for metric in HEADLINE:
            for name in settings["ranges"]:
                ee = found.loc[(found["design"] == design) & (found["estimate"] == name), metric].to_numpy()
                if len(ee) == 0:
                    continue
                resampled = np.abs(ee[rng.integers(len(ee), size=(RESAMPLES, len(ee)))]).mean(axis=1)
                out.append(
                    {
                        "design": design,
                        "metric": metric,
                        "estimate": name,
                        "mu_star": float(np.abs(ee).mean()),
                        "mu_star_conf": z * float(resampled.std(ddof=1)),
                        "sigma": float(ee.std(ddof=1)) if len(ee) > 1 else float("nan"),
                        "n": len(ee),
                    }
                )
    return pd.DataFrame(out)


def indices(table: pd.DataFrame, settings: dict) -> pd.DataFrame:
    """Sobol: per reformed design, metric and estimate, the first-order index S1 (the share of
    the reduction's variance the estimate explains alone) and the total index ST (with every
    interaction it takes part in), each with its 95 % bootstrap half-width; empty unless every
    point of the design was run and none overloads the office."""
    names = list(settings["ranges"])
    size = settings["samples"] * (len(names) + 2)
    if table["point"].nunique() != size or table["overloaded"].any():
        return pd.DataFrame()
    out = []
    for design, g in table.groupby("design", sort=False):
        y = 100 * g.sort_values("point")[list(HEADLINE)].to_numpy(dtype=float)
        for m, metric in enumerate(HEADLINE):
            with np.errstate(invalid="ignore", divide="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)  # a reduction that never moves: NaN indices
                found = sobol.analyze(
                    problem(settings["ranges"]),
                    y[:, m],
                    calc_second_order=False,
                    num_resamples=RESAMPLES,
                    seed=BOOTSTRAP_SEED,
                )
            for k, name in enumerate(names):
                out.append(
                    {"design": design, "metric": metric, "estimate": name}
                    | {key: float(found[key][k]) for key in ("S1", "S1_conf", "ST", "ST_conf")}
                )
    return pd.DataFrame(out)


def headline_band(studies: dict[str, Study]) -> pd.DataFrame:
    """The band the summary carries: Morris's where it ran (every estimate varied), else Sobol's."""
    return band(points(studies["morris" if "morris" in studies else "sobol"].rows))
