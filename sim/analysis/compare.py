"""Paired comparison of two designs on common random numbers.

Replication r of design A and replication r of design B serve the same applicants, so their
difference carries little noise: the interval of the paired differences is narrower than
that of two independent samples by the variance-reduction factor reported here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import stdtr, stdtrit  # Student's t, without scipy.stats's 0.8 s import

from sim.experiment.stats import CONFIDENCE, t_interval

HEADLINE = ("lead_time_working_days_mean", "trips_mean", "documents_mean")


def paired(
    base: pd.DataFrame,
    other: pd.DataFrame,
    metrics: tuple[str, ...] = HEADLINE,
    on: str | list[str] = "replication",
    confidence: float = CONFIDENCE,
) -> pd.DataFrame:
    """One row per metric: the two means, the paired difference (other - base) and the relative
    reduction 1 - other/base per replication, each with a t interval, the reduction's p-value
    against none, and the variance-reduction factor Var_indep / Var_paired with both
    intervals' half-widths."""
    joined = pd.merge(
        base.set_index(on)[list(metrics)],
        other.set_index(on)[list(metrics)],
        left_index=True,
        right_index=True,
        suffixes=(":base", ":other"),
    )
    n = len(joined)
    rows = []
    for m in metrics:
        a, b = joined[f"{m}:base"].to_numpy(float), joined[f"{m}:other"].to_numpy(float)
        diff, lo, hi = t_interval(b - a, confidence)
        red, red_lo, red_hi = t_interval(1 - b / a, confidence)
        spread = np.std(1 - b / a, ddof=1) if n > 1 else np.nan
        var_paired = np.var(b - a, ddof=1) if n > 1 else np.nan
        var_indep = np.var(a, ddof=1) + np.var(b, ddof=1) if n > 1 else np.nan
        t = stdtrit(n - 1, (1 + confidence) / 2) if n > 1 else np.nan
        rows.append(
            {
                "metric": m,
                "n": n,
                "base_mean": a.mean(),
                "other_mean": b.mean(),
                "difference": diff,
                "difference_ci_low": lo,
                "difference_ci_high": hi,
                "reduction": red,
                "reduction_ci_low": red_lo,
                "reduction_ci_high": red_hi,
                # two-sided, of a paired t test that the mean reduction is zero (one that never
                # moves is no evidence of a change: 1)
                "reduction_p": float(2 * stdtr(n - 1, -abs(red) / (spread / np.sqrt(n))))
                if n > 1 and spread > 0
                else (float(red == 0) if n > 1 else np.nan),
                "half_width_paired": t * np.sqrt(var_paired / n) if n > 1 else np.nan,
                "half_width_independent": t * np.sqrt(var_indep / n) if n > 1 else np.nan,
                "variance_reduction": var_indep / var_paired if n > 1 and var_paired > 0 else np.nan,
            }
        )
    return pd.DataFrame(rows)


def holm(p_values) -> np.ndarray:
    """Holm's step-down adjusted p-values (Holm, 1979): the k-th smallest of m times (m - k + 1),
    never below an earlier one, at most 1; a comparison is told from none at family-wise level
    alpha when its adjusted p-value is below alpha. NaN stays NaN and is not counted."""
    p = np.asarray(p_values, dtype=float)
    known = np.flatnonzero(~np.isnan(p))
    order = known[np.argsort(p[known], kind="stable")]
    m = len(order)
    out = np.full(len(p), np.nan)
    running = 0.0
    for k, i in enumerate(order):
        running = max(running, min(1.0, (m - k) * p[i]))
        out[i] = running
    return out
