"""A list's cells read as what they say: working days (``/`` and ``无`` for none, ``即办`` for on
the spot), trips (最多跑一次), yes or no (是/否), shares and numbers; each refusal names the cell."""

from __future__ import annotations

import re

from sim.domain.errors import ConfigError

YES = {"是", "yes", "y", "true", "1", "可", "全程网办", "网上办理", "支持"}
NO = {"否", "no", "n", "false", "0", "不可", "不支持", ""}
NONE = {"/", "无", "-", "—", "不限", "无时限", "none"}


def days(text: str, key: str) -> float | str | None:
    """Working days; None for no limit (/, 无); "spot" for 即办."""
    value = text.strip()
    if value.lower() in NONE:
        return None
    if value in ("即办", "即办件", "当场办结", "立即办结"):
        return "spot"
    number = re.sub(r"(个)?工作日|working days?|天|日", "", value).strip()
    try:
        days = float(number)
    except ValueError:
        raise ConfigError(
            key, f"working days as a number, / or 无 for none, or 即办, got {text[:40]!r}"
        ) from None
    if not 0 <= days <= 3650:
        raise ConfigError(key, f"must be from 0 to 3650 working days, got {days:g}")
    return days


def count(text: str, key: str) -> int:
    value = text.strip()
    if value in ("零跑动", "不用跑", "0跑动", "零次"):
        return 0
    if value in ("最多跑一次", "跑一次", "一次"):
        return 1
    value = re.sub(r"次|trips?", "", value).strip()
    if not re.fullmatch(r"[0-9]{1,3}", value) or int(value) > 100:
        raise ConfigError(key, f"a whole number of trips from 0 to 100, got {text[:40]!r}")
    return int(value)


def yes(text: str, key: str) -> bool:
    if text.lower() in YES:
        return True
    if text.lower() in NO:
        return False
    raise ConfigError(key, f"yes or no (是/否), got {text[:40]!r}")


def share(text: str, key: str, yes: float) -> float:
    if text.lower() in YES:
        return yes
    if text.lower() in NO:
        return 0.0
    return number(text.rstrip("%％"), key, 0, 100) / (100 if text.rstrip().endswith(("%", "％")) else 1)


def number(text: str, key: str, low: float, high: float) -> float:
    try:
        value = float(text.replace(",", "").strip())
    except ValueError:
        raise ConfigError(key, f"a number, got {text[:40]!r}") from None
    if not low <= value <= high:
        raise ConfigError(key, f"must be from {low:g} to {high:g}, got {value:g}")
    return value
