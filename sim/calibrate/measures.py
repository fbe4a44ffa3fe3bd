"""How far a simulated event log is from an office's: the measures of Chapela-Campa, Benchekroun,
Baron, Dumas, Grosse & Senderovich ("A framework for measuring the quality of business process
simulation models", 2023/2025), written here from their definitions (the
``log-distance-measures`` package implements them; ours need no solver and run on a million
events in seconds), and the figures a planner checks first.

A log here is a frame of completions: ``case``, ``activity`` (the office's name) and ``t``
(hours since the scenario's start). Both logs are measured alike: a case from its first to its
last completion, arrive and done markers left out.

- control flow: the n-gram distance (``N``-grams of each case's activities, start and end
  marked; half the summed absolute difference of their relative frequencies, 0 to 1), the
  directly-follows distance (the same for pairs), and variant coverage (the share of the
  office's cases whose sequence of activities the model also produced);
- time: case duration (mean, P50, P90; their Earth mover's distance in hours), the share done
  within an hour and a day, and the circadian distance (EMD between the hours of the day events
  happen at);
- congestion: cases per week, the EMD of case arrivals (hours), and work in progress (cases
  open at once, on average over the span);
- the case's shape: events per case and the rework share (cases repeating an activity).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

N = 3
HOUR, DAY, WEEK = 1.0, 24.0, 168.0


def cases(log: pd.DataFrame) -> pd.DataFrame:
    """Per case: its first and last completion, events, whether it repeats an activity, and its
    variant (a number standing for its sequence of activities: equal sequences, equal numbers,
    in any log measured with the same activities; vectorised, as a log holds a million events)."""
    log = log.sort_values(["case", "t"], kind="stable")
    g = log.groupby("case", sort=True)
    out = pd.DataFrame({"first": g["t"].min(), "last": g["t"].max(), "events": g.size()})
    out["rework"] = log.duplicated(["case", "activity"]).groupby(log["case"]).any().reindex(out.index)
    out["variant"] = _variants(log["case"].to_numpy(), _codes(log["activity"]))
    return out


def _codes(activity: pd.Series) -> np.ndarray:
    """A number for each activity name, the same in every log (a hash of the name)."""
    return pd.util.hash_array(activity.astype(str).to_numpy(), categorize=True).astype(np.uint64)


def _variants(case: np.ndarray, code: np.ndarray) -> np.ndarray:
    """Per case (in sorted order), two 64-bit polynomial hashes of its codes in order, folded
    into one number: a collision between two sequences is as likely as one in 2^64."""
    start = np.r_[0, np.flatnonzero(case[1:] != case[:-1]) + 1]
    with np.errstate(over="ignore"):
        step = np.arange(len(code), dtype=np.uint64) - np.repeat(
            start, np.diff(np.r_[start, len(code)])
        ).astype(np.uint64)
        a = code * _power(np.uint64(0x9E3779B97F4A7C15), step)
        b = (code ^ np.uint64(0xC2B2AE3D27D4EB4F)) * _power(np.uint64(0x165667B19E3779F9), step)
        ha, hb = np.add.reduceat(a, start), np.add.reduceat(b, start)
        return (ha ^ (hb * np.uint64(31)) ^ np.diff(np.r_[start, len(code)]).astype(np.uint64)).astype(
            np.int64
        )


def _power(base: np.uint64, exponent: np.ndarray) -> np.ndarray:
    """``base ** exponent`` modulo 2^64, elementwise, by squaring."""
    out = np.ones(len(exponent), dtype=np.uint64)
    e = exponent.copy()
    b = np.full(len(exponent), base, dtype=np.uint64)
    with np.errstate(over="ignore"):
        while e.any():
            odd = (e & np.uint64(1)).astype(bool)
            out[odd] *= b[odd]
            b *= b
            e >>= np.uint64(1)
    return out


def figures(log: pd.DataFrame, span: float) -> dict[str, float]:
    """The scalar measures of one log whose cases arrived over ``span`` hours."""
    c = cases(log)
    duration = (c["last"] - c["first"]).to_numpy()
    return {
        "cases per week": len(c) / (span / WEEK),
        "events per case": float(c["events"].mean()),
        "mean case duration (hours)": float(duration.mean()),
        "P50 case duration (hours)": float(np.quantile(duration, 0.5)),
        "P90 case duration (hours)": float(np.quantile(duration, 0.9)),
        "share done within an hour": float(np.mean(duration <= HOUR)),
        "share done within a day": float(np.mean(duration <= DAY)),
        "rework share": float(c["rework"].mean()),
        "work in progress (cases)": float(duration.sum() / span),
    }


def distances(office: pd.DataFrame, model: pd.DataFrame) -> dict[str, float]:
    """The model's distances from the office, each 0 for a log identical to the office's."""
    a, b = cases(office), cases(model)
    da, db = (a["last"] - a["first"]).to_numpy(), (b["last"] - b["first"]).to_numpy()
    return {
        "variant coverage": float(np.isin(a["variant"].to_numpy(), b["variant"].to_numpy()).mean()),
        "directly-follows distance": _gram_distance(office, model, 2),
        f"{N}-gram distance": _gram_distance(office, model, N),
        "case duration EMD (hours)": float(stats.wasserstein_distance(da, db)),
        "case arrival EMD (hours)": float(stats.wasserstein_distance(a["first"], b["first"])),
        "circadian EMD (hours)": float(stats.wasserstein_distance(_hour(office), _hour(model))),
    }


def _hour(log: pd.DataFrame) -> np.ndarray:
    return np.mod(log["t"].to_numpy(), 24.0)


def _gram_distance(a: pd.DataFrame, b: pd.DataFrame, n: int) -> float:
    """Total variation between the relative frequencies of the ``n``-grams of two logs' cases."""
    fa, fb = _grams(a, n), _grams(b, n)
    both = pd.concat([fa / fa.sum(), fb / fb.sum()], axis=1).fillna(0.0)
    return float(0.5 * (both.iloc[:, 0] - both.iloc[:, 1]).abs().sum())


def _grams(log: pd.DataFrame, n: int) -> pd.Series:
    """Counts of each case's ``n``-grams, its start and end marked (each case padded with n - 1
    start marks before and one end mark after, as in the measures' definition), each gram one
    number (a hash of its activities in order)."""
    log = log.sort_values(["case", "t"], kind="stable")
    case = log["case"].to_numpy()
    code = _codes(log["activity"])
    first = np.r_[0, np.flatnonzero(case[1:] != case[:-1]) + 1]
    length = np.diff(np.r_[first, len(code)])
    block = np.repeat(np.arange(len(first)), length + n)  # each case's padded block
    padded = np.zeros(len(block), dtype=np.uint64)  # 0: a start mark
    which = np.repeat(np.arange(len(first)), length)
    padded[np.arange(len(code)) + which * n + (n - 1)] = code
    padded[np.r_[first[1:], len(code)] + np.arange(len(first)) * n + (n - 1)] = 1  # 1: the end mark
    windows = np.lib.stride_tricks.sliding_window_view(padded, n)
    inside = np.lib.stride_tricks.sliding_window_view(block, n)
    windows = windows[inside[:, 0] == inside[:, -1]]
    with np.errstate(over="ignore"):
        key = np.zeros(len(windows), dtype=np.uint64)
        for j in range(n):
            key = key * np.uint64(0x100000001B3) + windows[:, j]
    return pd.Series(key.astype(np.int64)).value_counts()
