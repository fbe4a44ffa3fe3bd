"""Run-level statistics from a run's tables; the warm-up is cut here, not in the model."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.domain.targets import Targets
from sim.model.recorder import PARTS
from sim.run import RunResult

CASE_METRICS = (
    "lead_time",
    "lead_time_working_days",
    "trips",
    "documents",
    "waiting",
    "reworks",
    "far_trips",
)


def steady(result: RunResult) -> np.ndarray:
    """Which cases arrived after the warm-up (and, by construction, before the horizon)."""
    return result.cases["arrival"].to_numpy() >= result.info["warmup"]


def steady_cases(result: RunResult) -> pd.DataFrame:
    """The cases that arrived after the warm-up, as a table."""
    return result.cases[steady(result)]


def summarise(result: RunResult, targets: Targets | None = None) -> dict[str, float]:
    """Mean, P50 and P90 of each case metric over finished post-warm-up cases, the mean of each
    part of the lead time, the shares of decisions within their limits, plus counts; with
    ``targets``, the measures they are judged by (``target:*``, ``sim.domain.targets``).

    Rows are chosen by masks and each column is taken alone: filtering the tables whole would
    copy every column of a district-year's cases and decisions, a few hundred MB, to read a few."""
    cases, after_warmup = result.cases, steady(result)
    done = after_warmup & cases["finished"].to_numpy()
    n, n_done = int(after_warmup.sum()), int(done.sum())
    out: dict[str, float] = {"cases": n, "finished_share": float(n_done / n) if n else np.nan}
    for metric in CASE_METRICS:
        values = cases[metric].to_numpy(dtype=float)[done]
        out[f"{metric}_mean"] = float(values.mean()) if n_done else np.nan
        out[f"{metric}_p50"] = float(np.percentile(values, 50)) if n_done else np.nan
        out[f"{metric}_p90"] = float(np.percentile(values, 90)) if n_done else np.nan
    # 跨域办: the applicants' hours of travel beyond their nearest centre, per case
    out["far_travel_hours_mean"] = out["far_trips_mean"] * result.info.get("far_trip_hours", 0.0)
    for part in PARTS:  # the lead-time breakdown, hours: the means add up to the mean lead time
        out[f"part:{part}_mean"] = float(cases[part][done].mean()) if n_done else np.nan
    decisions = result.decisions
    counted = decisions["case"].isin(cases["case"].to_numpy()[done]).to_numpy()
    verdicts = (
        ("limit_days", "on_time"),
        ("committed_days", "on_committed"),
        ("limit_days", "on_time_legal"),
    )
    for limit, verdict in verdicts:  # on_time_legal: by the law's clock, which stops (sim.domain.routes)
        limited = counted & decisions[limit].notna().to_numpy()
        out[f"{verdict}_share"] = (
            float(decisions[verdict][limited].astype(float).mean()) if limited.any() else np.nan
        )
    signed = counted & decisions["on_commitment"].to_numpy()
    out["revoked_share"] = (
        float(decisions["revoked"][signed].mean()) if signed.any() else np.nan
    )  # of approvals on commitment
    out["mean_in_system"] = float(result.info["mean_in_system"])
    out |= summarise_requests(result)
    if targets is not None and targets.any:
        out |= _target_measures(cases, after_warmup, targets)
    return out


def _target_measures(cases: pd.DataFrame, after_warmup: np.ndarray, targets: Targets) -> dict[str, float]:
    """The share of applicants (of the target's need, or all, among those ``after_warmup``) done
    within the target's working days, a case still open counting as late; and their P90 lead
    time, open cases as infinitely late."""
    kept = after_warmup if targets.need is None else after_warmup & (cases["need"] == targets.need).to_numpy()
    if not kept.any():
        return {"target:within_share": np.nan, "target:p90_days": np.nan}
    finished = cases["finished"].to_numpy()[kept]
    days = np.where(finished, cases["lead_time_working_days"].to_numpy(dtype=float)[kept], np.inf)
    out = {"target:p90_days": float(np.percentile(days, 90, method="higher"))}
    if targets.within_days is not None:
        out["target:within_share"] = float((days <= targets.within_days).mean())
    return out


def _mean_p90(name: str, values: np.ndarray, of: str = "") -> dict[str, float]:
    if not len(values):
        return {f"{name}_mean{of}": np.nan, f"{name}_p90{of}": np.nan}
    return {f"{name}_mean{of}": float(values.mean()), f"{name}_p90{of}": float(np.percentile(values, 90))}


def summarise_requests(result: RunResult) -> dict[str, float]:
    """Request statistics over post-warm-up arrivals: the share closed by the horizon (the
    article's "closed" count) and the share closed unresolved, working days to close overall
    and by class, the tier reached, overdue and satisfied shares, and overdue parts per
    department. Empty without requests."""
    requests = result.requests
    if not len(requests):
        return {}
    req = requests[requests["arrival"] >= result.info["warmup"]]
    done = req[req["closed"]]
    n = len(req)
    out: dict[str, float] = {
        "requests": n,
        "requests_closed_share": float((done["closed_at"] <= result.info["horizon"]).sum() / n)
        if n
        else np.nan,
    }
    by_horizon = done[done["closed_at"] <= result.info["horizon"]]
    # closed unresolved: a hard request told it cannot be done (closed, in the article's count too)
    out["requests_unresolved_share"] = float(by_horizon["resolved"].eq(False).sum() / n) if n else np.nan
    out |= _mean_p90("request_days", done["working_days_to_close"].to_numpy())
    for name, group in done.groupby("class", observed=False):
        out |= _mean_p90("request_days", group["working_days_to_close"].to_numpy(), of=f":{name}")
    for tier, share in req["tier"].value_counts(normalize=True, sort=False).items():
        out[f"tier_share:{tier}"] = float(share)
    out["overdue_share"] = float(req["overdue"].mean()) if n else np.nan
    rated = done["satisfied"].dropna()
    out["satisfied_share"] = float(rated.astype(float).mean()) if len(rated) else np.nan
    overdue = req["overdue_departments"].str.split("+").explode()
    counts = overdue[overdue != ""].value_counts()
    for department in result.info["request_departments"]:
        out[f"overdue_parts:{department}"] = int(counts.get(department, 0))
    return out
