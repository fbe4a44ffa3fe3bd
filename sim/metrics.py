"""Run-level statistics from a run's tables; the warm-up is cut here, not in the model."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.run import RunResult

CASE_METRICS = ("lead_time", "lead_time_working_days", "trips", "documents", "waiting", "reworks")


def steady_cases(result: RunResult) -> pd.DataFrame:
    """Cases that arrived after the warm-up (and, by construction, before the horizon)."""
    cases = result.cases
    return cases[cases["arrival"] >= result.info["warmup"]]


def summarise(result: RunResult) -> dict[str, float]:
    """Mean, P50 and P90 of each case metric over finished post-warm-up cases, plus counts."""
    cases = steady_cases(result)
    done = cases[cases["finished"]]
    out: dict[str, float] = {
        "cases": len(cases),
        "finished_share": float(len(done) / len(cases)) if len(cases) else np.nan,
    }
    for metric in CASE_METRICS:
        values = done[metric].to_numpy(dtype=float)
        out[f"{metric}_mean"] = float(values.mean()) if len(values) else np.nan
        out[f"{metric}_p50"] = float(np.percentile(values, 50)) if len(values) else np.nan
        out[f"{metric}_p90"] = float(np.percentile(values, 90)) if len(values) else np.nan
    decisions = result.decisions[result.decisions["case"].isin(done["case"])]
    limited = decisions[decisions["limit_days"].notna()]
    out["on_time_share"] = float(limited["on_time"].astype(float).mean()) if len(limited) else np.nan
    out["mean_in_system"] = float(result.info["mean_in_system"])
    return out
