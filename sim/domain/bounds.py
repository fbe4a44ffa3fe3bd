"""Bounds on a scenario's numbers that catch a slipped digit before it turns into an hour-long
run or a memory blow-up, each raising ConfigError with the key at fault."""

from __future__ import annotations

import datetime as dt
import math

from sim.domain.errors import ConfigError

# A delay modelled as a pool (a public notice's 1,000 "reviewers") in a city-sized office.
MAX_STAFF = 1_000_000
MAX_SIZE = 10_000  # a city's district is a few hundred times a district scenario
MAX_HOURS = 24 * 365 * 100
FIRST_DATE, LAST_DATE = dt.date(1700, 1, 1), dt.date(2262, 1, 1)


def probability(x: float, key: str) -> None:
    if not (math.isfinite(x) and 0 <= x <= 1):
        raise ConfigError(key, f"must be a probability in [0, 1], got {x}")


def days(x: float, key: str) -> None:
    if not (math.isfinite(x) and 0 < x <= MAX_HOURS / 24):
        raise ConfigError(key, f"must be a number of days > 0 and at most {MAX_HOURS // 24}, got {x}")


def staff(n: int, key: str, minimum: int) -> None:
    if not (minimum <= n <= MAX_STAFF):
        raise ConfigError(key, f"staff must be a whole number from {minimum} to {MAX_STAFF}, got {n}")


def hours(x: float, key: str, positive: bool = False) -> None:
    if not (math.isfinite(x) and (x > 0 if positive else x >= 0) and x <= MAX_HOURS):
        bound = "> 0" if positive else ">= 0"
        raise ConfigError(key, f"must be a number of hours {bound} and at most {MAX_HOURS}, got {x}")
