"""Random durations chosen by name from a fixed set, so a config can never run code.

A duration is written in a config as, for example, ``{dist: lognormal, mean: 2, cv: 0.5}``.
All durations are in hours.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

import numpy as np

from sim.domain.errors import ConfigError
from sim.domain.value import Value


class DistKind(Enum):
    exponential = "exponential"
    lognormal = "lognormal"
    gamma = "gamma"
    triangular = "triangular"
    uniform = "uniform"
    deterministic = "deterministic"
    empirical = "empirical"


@dataclass(kw_only=True)
class Dist(Value):
    """A named distribution and its parameters (only those its kind uses may be set)."""

    dist: DistKind
    mean: float | None = None
    cv: float | None = None
    low: float | None = None
    mode: float | None = None
    high: float | None = None
    value: float | None = None
    values: list[float] | None = None


PARAMETERS: dict[DistKind, tuple[str, ...]] = {
    DistKind.exponential: ("mean",),
    DistKind.lognormal: ("mean", "cv"),
    DistKind.gamma: ("mean", "cv"),
    DistKind.triangular: ("low", "mode", "high"),
    DistKind.uniform: ("low", "high"),
    DistKind.deterministic: ("value",),
    DistKind.empirical: ("values",),
}
_ALL_PARAMETERS = ("mean", "cv", "low", "mode", "high", "value", "values")
MAX_DURATION = 24 * 365 * 100  # hours: a century; past it a slipped digit, and dates overflow
MAX_CV = 100.0  # past it a lognormal's or gamma's parameters overflow


def check(d: Dist, key: str) -> None:
    """Raise ConfigError naming ``key`` unless ``d`` describes non-negative durations."""
    kind = DistKind(d.dist) if not isinstance(d.dist, DistKind) else d.dist
    needed = PARAMETERS[kind]
    for name in _ALL_PARAMETERS:
        given = getattr(d, name) is not None
        if name in needed and not given:
            raise ConfigError(f"{key}.{name}", f"required for a {kind.value} distribution")
        if name not in needed and given:
            raise ConfigError(
                f"{key}.{name}",
                f"not a parameter of a {kind.value} distribution (it takes {', '.join(needed)})",
            )
    numbers = {n: getattr(d, n) for n in needed if n != "values"}
    for name, x in numbers.items():
        if not math.isfinite(x):
            raise ConfigError(f"{key}.{name}", f"must be a finite number, got {x}")
        if x < 0:
            raise ConfigError(f"{key}.{name}", f"must be >= 0 (durations are hours), got {x}")
        if x > (MAX_CV if name == "cv" else MAX_DURATION):
            limit = f"{MAX_CV:g}" if name == "cv" else f"{MAX_DURATION:,} hours (a century)"
            raise ConfigError(f"{key}.{name}", f"must be at most {limit}, got {x:g}")
    if kind in (DistKind.exponential, DistKind.lognormal, DistKind.gamma) and d.mean <= 0:
        raise ConfigError(f"{key}.mean", f"must be > 0, got {d.mean}")
    if kind in (DistKind.lognormal, DistKind.gamma) and d.cv <= 0:
        raise ConfigError(f"{key}.cv", f"must be > 0, got {d.cv}")
    if kind is DistKind.triangular and not (d.low <= d.mode <= d.high and d.low < d.high):
        raise ConfigError(key, f"needs low <= mode <= high and low < high, got {d.low}, {d.mode}, {d.high}")
    if kind is DistKind.uniform and not d.low < d.high:
        raise ConfigError(key, f"needs low < high, got {d.low}, {d.high}")
    if kind is DistKind.empirical:
        if len(d.values) == 0:
            raise ConfigError(f"{key}.values", "must list at least one value")
        for i, x in enumerate(d.values):
            if not (math.isfinite(x) and 0 <= x <= MAX_DURATION):
                raise ConfigError(
                    f"{key}.values[{i}]", f"must be a number from 0 to {MAX_DURATION:,}, got {x}"
                )


def mean(d: Dist) -> float:
    """The distribution's expected value (used for offered load and theory checks)."""
    kind = d.dist
    if kind in (DistKind.exponential, DistKind.lognormal, DistKind.gamma):
        return d.mean
    if kind is DistKind.triangular:
        return (d.low + d.mode + d.high) / 3
    if kind is DistKind.uniform:
        return (d.low + d.high) / 2
    if kind is DistKind.deterministic:
        return d.value
    return float(np.mean(d.values))


def block_draw(d: Dist, rng: np.random.Generator) -> Callable[[int], np.ndarray]:
    """A function that draws ``n`` values of ``d`` at once from ``rng``.

    Drawing in blocks keeps numpy's per-call overhead out of the simulation loop.
    """
    kind = d.dist
    if kind is DistKind.exponential:
        scale = d.mean
        return lambda n: rng.exponential(scale, n)
    if kind is DistKind.lognormal:
        sigma2 = math.log1p(d.cv**2)
        mu, sigma = math.log(d.mean) - sigma2 / 2, math.sqrt(sigma2)
        return lambda n: rng.lognormal(mu, sigma, n)
    if kind is DistKind.gamma:
        shape, scale = 1 / d.cv**2, d.mean * d.cv**2
        return lambda n: rng.gamma(shape, scale, n)
    if kind is DistKind.triangular:
        low, mode, high = d.low, d.mode, d.high
        return lambda n: rng.triangular(low, mode, high, n)
    if kind is DistKind.uniform:
        low, high = d.low, d.high
        return lambda n: rng.uniform(low, high, n)
    if kind is DistKind.deterministic:
        value = float(d.value)
        return lambda n: np.full(n, value)
    values = np.asarray(d.values, dtype=float)
    return lambda n: rng.choice(values, n)
