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

from collections import Counter

import numpy as np
import pandas as pd
from scipy import stats

N = 3
HOUR, DAY, WEEK = 1.0, 24.0, 168.0


def cases(log: pd.DataFrame) -> pd.DataFrame:
    """Per case: its first and last completion, events, whether it repeats an activity, and its
    sequence of activities."""
    log = log.sort_values(["case", "t"], kind="stable")
    g = log.groupby("case", sort=False)
    out = pd.DataFrame({"first": g["t"].min(), "last": g["t"].max(), "events": g.size()})
    out["rework"] = g["activity"].nunique() < out["events"]
    out["variant"] = g["activity"].agg(tuple)
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
    produced = set(b["variant"])
    return {
        "variant coverage": float(a["variant"].isin(produced).mean()),
        "directly-follows distance": _gram_distance(a["variant"], b["variant"], 2),
        f"{N}-gram distance": _gram_distance(a["variant"], b["variant"], N),
        "case duration EMD (hours)": float(stats.wasserstein_distance(da, db)),
        "case arrival EMD (hours)": float(stats.wasserstein_distance(a["first"], b["first"])),
        "circadian EMD (hours)": float(stats.wasserstein_distance(_hour(office), _hour(model))),
    }


def _hour(log: pd.DataFrame) -> np.ndarray:
    return np.mod(log["t"].to_numpy(), 24.0)


def _gram_distance(a: pd.Series, b: pd.Series, n: int) -> float:
    """Total variation between the relative frequencies of the ``n``-grams of two logs' cases."""
    fa, fb = _grams(a, n), _grams(b, n)
    ta, tb = sum(fa.values()), sum(fb.values())
    keys = set(fa) | set(fb)
    return 0.5 * sum(abs(fa.get(k, 0) / ta - fb.get(k, 0) / tb) for k in keys)


def _grams(variants: pd.Series, n: int) -> Counter:
    """Counts of each case's ``n``-grams, its start and end marked (weighted by cases per variant)."""
    out: Counter = Counter()
    for variant, times in variants.value_counts().items():
        padded = ("▶",) * (n - 1) + variant + ("■",)
        for k in range(len(padded) - n + 1):
            out[padded[k : k + n]] += times
    return out
