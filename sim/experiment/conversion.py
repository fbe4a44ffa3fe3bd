"""A scenario's config data (plain dicts, lists and scalars) made into the domain's
dataclasses, each key checked against the fields and each value converted as OmegaConf's
typed nodes convert it, an error naming the full key.

Why not OmegaConf's own typed merge: composing the catalogue into typed nodes cost a district
scenario 0.6 s of its 1.1 s composition, and every job of every sweep composes (the pre-run
check, Hydra's check of a batch, the job itself). The scenario is composed untyped and made
here once, in tens of milliseconds. The conversions are OmegaConf's (``omegaconf.nodes``): a
number or a boolean where text is expected becomes its text, text that spells a number
becomes it, an enum is written by its name; an enum's value is taken too (``at_cap: pass``).
"""

from __future__ import annotations

import difflib
import types
import typing
from dataclasses import MISSING, fields, is_dataclass
from enum import Enum
from functools import cache, partial
from typing import Any

from sim.domain.errors import ConfigError

MISSING_VALUE = "???"  # OmegaConf's mark of a value the config must set


def build(cls: type, data: Any, key: str) -> Any:
    """``cls`` (a dataclass) made from ``data``, every field checked; ``key`` names it in errors."""
    return _convert(cls, data, key)


def _convert(tp: Any, value: Any, key: str) -> Any:
    if value == MISSING_VALUE and isinstance(value, str):
        raise ConfigError(key, "missing: the config must set it")
    if tp is Any or tp is object:
        return value
    origin = typing.get_origin(tp)
    if origin in (types.UnionType, typing.Union):
        args = typing.get_args(tp)
        if value is None:
            if type(None) in args:
                return None
            raise ConfigError(key, "must be set, got nothing (null)")
        (inner,) = [a for a in args if a is not type(None)]
        return _convert(inner, value, key)
    if value is None:
        raise ConfigError(key, "must be set, got nothing (null)")
    if is_dataclass(tp):
        return _dataclass(tp, value, key)
    if origin is list:
        if not isinstance(value, list):
            raise ConfigError(key, f"must be a list, got {_shown(value)}")
        (inner,) = typing.get_args(tp) or (Any,)
        return [_convert(inner, v, f"{key}[{i}]") for i, v in enumerate(value)]
    if origin is dict:
        if not isinstance(value, dict):
            raise ConfigError(key, f"must be a mapping, got {_shown(value)}")
        key_type, inner = typing.get_args(tp) or (Any, Any)
        out = {}
        for k, v in value.items():
            if key_type is str and not isinstance(k, str):
                problem = f"a name must be text, got {type(k).__name__} {k!r}"
                raise ConfigError(f"{key}.{shown_key(k)}", problem)
            out[k] = _convert(inner, v, f"{key}.{shown_key(k)}")
        return out
    if isinstance(tp, type) and issubclass(tp, Enum):
        return _enum(tp, value, key)
    if tp in _SCALARS:
        return _SCALARS[tp](value, key)
    raise TypeError(f"{key}: no conversion to {tp!r}")  # a schema this module does not know


def _dataclass(cls: type, value: Any, key: str) -> Any:
    if isinstance(value, cls):
        return value
    if not isinstance(value, dict):
        raise ConfigError(key, f"must be a mapping of {cls.__name__}'s keys, got {_shown(value)}")
    known = field_types(cls)
    kwargs = {}
    for k, v in value.items():
        full = f"{key}.{shown_key(k)}"
        if k not in known:
            raise ConfigError(full, f"unknown key {str(k)[:80]!r}{did_you_mean(str(k), list(known))}")
        kwargs[k] = _convert(known[k][0], v, full)
    for name, (_, required) in known.items():
        if required and name not in kwargs:
            raise ConfigError(f"{key}.{name}", "missing: the config must set it")
    return cls(**kwargs)


@cache
def field_types(cls: type) -> dict[str, tuple[Any, bool]]:
    """Each init field's type and whether it must be given (it has no default)."""
    hints = typing.get_type_hints(cls)
    return {
        f.name: (hints[f.name], f.default is MISSING and f.default_factory is MISSING)
        for f in fields(cls)
        if f.init
    }


def _enum(tp: type[Enum], value: Any, key: str) -> Enum:
    if isinstance(value, tp):
        return value
    if isinstance(value, str):
        name = value.removeprefix(f"{tp.__name__}.")
        if name in tp.__members__:
            return tp[name]
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        try:
            return tp(value)
        except ValueError:
            pass
    raise ConfigError(key, f"must be one of {', '.join(tp.__members__)}, got {_shown(value)}")


def _text(value: Any, key: str) -> str:
    if isinstance(value, (dict, list, bytes)):
        raise ConfigError(key, f"must be text, got {_shown(value)}")
    return str(value)


def _parsed(value: Any, key: str, *, accepted: tuple[type, ...], convert: type, what: str) -> Any:
    """``convert(value)`` for a value of exactly an ``accepted`` type (a boolean is not a number)."""
    if type(value) in accepted:
        try:
            return convert(value)
        except ValueError:
            pass
    raise ConfigError(key, f"must be {what}, got {_shown(value)}")


def _boolean(value: Any, key: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value != 0
    if isinstance(value, str):
        word = value.lower()
        if word.lstrip("+-").isdigit():
            return int(word) != 0
        if word in ("yes", "y", "on", "true"):
            return True
        if word in ("no", "n", "off", "false"):
            return False
    raise ConfigError(key, f"must be true or false, got {_shown(value)}")


_SCALARS = {
    str: _text,
    int: partial(_parsed, accepted=(int, str), convert=int, what="a whole number"),
    float: partial(_parsed, accepted=(float, int, str), convert=float, what="a number"),
    bool: _boolean,
}


def shown_key(key: object) -> str:
    """A config key as an error shows it: itself when it is printable text of a name's length,
    else its escaped ``repr``, cut short, so that a file's key cannot move a terminal's cursor
    or paint it (a key is the file's text, untrusted like its values)."""
    text = str(key)
    return text if text.isprintable() and len(text) <= 80 else repr(text[:80])


def did_you_mean(key: str, known: list[str]) -> str:
    close = difflib.get_close_matches(key, known, n=1)
    return f"; did you mean '{close[0]}'?" if close else f"; known: {', '.join(known)}"


def _shown(value: Any) -> str:
    """The value as an error shows it: short, with its type."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    text = repr(value)
    return f"{text[:60]}{'...' if len(text) > 60 else ''} ({type(value).__name__})"
