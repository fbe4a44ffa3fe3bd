"""Confidence intervals across replications (scipy's t quantile, not hand-rolled; from
``scipy.special``, a tenth of ``scipy.stats``' half second of import, and imported only when
an interval has two values or more: a job of one replication never pays it)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

CONFIDENCE = 0.95


def t_interval(values, confidence: float = CONFIDENCE) -> tuple[float, float, float]:
    """(mean, low, high) of a t-based interval for the mean; NaN bounds below two values."""
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    if len(x) == 0:
        return np.nan, np.nan, np.nan
    mean = float(x.mean())
    if len(x) < 2 or np.all(x == x[0]):
        return mean, (mean if len(x) > 1 else np.nan), (mean if len(x) > 1 else np.nan)
    from scipy.special import stdtrit  # here, not at the top: see the docstring

    half = float(stdtrit(len(x) - 1, (1 + confidence) / 2)) * x.std(ddof=1) / math.sqrt(len(x))
    return mean, mean - half, mean + half


def share_interval(values, confidence: float = CONFIDENCE) -> tuple[float, float, float]:
    """(mean, low, high) for the mean of per-replication shares, inside [0, 1]: Wilson's score
    interval with the effective sample size the replications' spread implies (n_eff =
    p(1 - p) / (s² / n), Kish's design effect) and the t quantile of n - 1 degrees of freedom.
    Far from 0 and 1 it is the t interval; near them it bends instead of leaving the range."""
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    mean, low, high = t_interval(x, confidence)
    if len(x) < 2 or math.isnan(low) or low == high:
        return mean, low, high
    p, variance = min(max(mean, 0.0), 1.0), x.var(ddof=1) / len(x)
    if p * (1 - p) == 0:  # every replication at the bound but not equal: spread says little
        return mean, max(low, 0.0), min(high, 1.0)
    from scipy.special import stdtrit

    z = float(stdtrit(len(x) - 1, (1 + confidence) / 2))
    n = p * (1 - p) / variance
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return mean, max(0.0, centre - half), min(1.0, centre + half)


def interval(column: str, values, confidence: float = CONFIDENCE) -> tuple[float, float, float]:
    """The interval for a metric's mean across replications: a share's stays inside [0, 1]."""
    return (share_interval if is_share(column) else t_interval)(values, confidence)


def is_share(column: str) -> bool:
    """A metric that is a share by its name: ``*_share`` (``tier_share:<tier>`` too) or a
    pool's utilisation."""
    head = column.removeprefix("target:").split(":", 1)[0]
    return head.endswith("_share") or head == "utilisation"


def describe(metrics: pd.DataFrame, columns: list[str], confidence: float = CONFIDENCE) -> pd.DataFrame:
    """One row per metric column: replications, mean and its confidence interval."""
    rows = []
    for column in columns:
        mean, low, high = interval(column, metrics[column], confidence)
        rows.append(
            {
                "metric": column,
                "n": int(metrics[column].notna().sum()),
                "mean": mean,
                "ci_low": low,
                "ci_high": high,
            }
        )
    return pd.DataFrame(rows)
