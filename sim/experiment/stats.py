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


def describe(metrics: pd.DataFrame, columns: list[str], confidence: float = CONFIDENCE) -> pd.DataFrame:
    """One row per metric column: replications, mean and its confidence interval."""
    rows = []
    for column in columns:
        mean, low, high = t_interval(metrics[column], confidence)
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
