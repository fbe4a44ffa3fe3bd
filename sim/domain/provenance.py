"""Where a scenario's numbers come from, as data: a tag (S sourced, R recalled, E estimate) and
a source for each input, so a report can show a proposal's reader what the results rest on.

``Scenario.provenance`` maps a key to its ``Source``. A key names the scenario's inputs as a
config path does (``items.food_permit.limit_days``); a segment may be ``*`` for every name there
(``items.*.review``: every item's review). A named key states a pattern's exception: the
catalogue states its conventions once and its sourced exceptions beside them. ``varied_by``
names the sensitivity study's estimate (``Estimates``) that multiplies the input, so the report
can say how far the headline moves with it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, is_dataclass
from enum import Enum

from sim.domain.errors import ConfigError
from sim.domain.value import Value

MAX_SOURCE = 500  # characters: a reference, not a document
MAX_KEYS = 5000
SEGMENT = re.compile(r"^(\*|[^\W\d][\w-]*|\d+)$")


class Tag(Enum):
    S = "S"  # sourced: a retrieved public source says so
    R = "R"  # recalled: a statute or figure recalled, not retrieved (verify before citing)
    E = "E"  # an estimate, with its reasoning


@dataclass(kw_only=True)
class Source(Value):
    """One input's provenance: its tag, where it comes from (or why it is estimated so), and the
    sensitivity study's estimate that varies it, if one does."""

    tag: Tag
    source: str
    varied_by: str | None = None


def paths(value: object, prefix: str = "") -> list[str]:
    """Every config path a scenario (or any part of it) holds: fields of its parts, keys of its
    mappings and positions in its lists, down to the numbers."""
    out = [prefix] if prefix else []
    if is_dataclass(value):
        for f in fields(value):
            out += paths(getattr(value, f.name), f"{prefix}.{f.name}" if prefix else f.name)
    elif isinstance(value, dict):
        for k, v in value.items():
            out += paths(v, f"{prefix}.{k}" if prefix else str(k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += paths(v, f"{prefix}.{i}")
    return out


def check(provenance: dict[str, Source], scenario: object, key: str) -> None:
    """Each key a path of ``scenario`` (patterns matching at least one: a misspelt key would
    tag nothing), each source bounded text."""
    if not provenance:
        return
    if len(provenance) > MAX_KEYS:
        raise ConfigError(key, f"at most {MAX_KEYS} entries, got {len(provenance)}")
    held = [p for p in paths(scenario) if not p.startswith("provenance")]
    exact, lines = set(held), "\n".join(held)  # a pattern is one regular-expression scan of them all
    for name, source in provenance.items():
        k = f"{key}.{name}"
        segments = name.split(".")
        if not all(SEGMENT.match(s) for s in segments):
            raise ConfigError(k, "a key is a config path of names, numbers and '*' (items.*.review)")
        if "*" in segments:
            parts = ("[^.\n]+" if s == "*" else re.escape(s) for s in segments)
            found = re.search("^" + r"\.".join(parts) + "$", lines, re.MULTILINE) is not None
        else:
            found = name in exact
        if not found:
            raise ConfigError(k, "names no input of the scenario")
        if not 0 < len(source.source) <= MAX_SOURCE:
            raise ConfigError(
                f"{k}.source", f"must say where the input comes from, in 1 to {MAX_SOURCE} characters"
            )


def check_varied(provenance: dict[str, Source], estimates: list[str], key: str) -> None:
    """Each ``varied_by`` names an estimate of the sensitivity study (``Estimates``' fields)."""
    for name, source in provenance.items():
        if source.varied_by is not None and source.varied_by not in estimates:
            raise ConfigError(
                f"{key}.{name}.varied_by",
                f"unknown estimate '{source.varied_by}' (known: {', '.join(estimates)})",
            )
