"""The field reference: every key a config may set, generated from the schema itself.

    python -m sim.experiment.reference > configs/REFERENCE.md

Each section is one part of the configuration (a scenario, an item, a step, a design, ...):
what its docstring says, then a row per key with its type and default. Generated, so it never
drifts from what the configs are checked against (``tests/test_configs.py`` compares the
committed file with a fresh one).
"""

from __future__ import annotations

import dataclasses
import enum
import types
import typing

from sim.experiment.config import SimConfig

HEADER = (
    "# Field reference\n\n"
    "Every key a config may set, generated from the schema (`python -m sim.experiment.reference > "
    "configs/REFERENCE.md`; do not edit by hand). Keys are written as on the command line "
    "(`scenario.items.<item>.steps[0].work.mean=2`); a key's section says what it means. Times "
    "are hours, rates per hour, limits in working days. Where and how each value was sourced "
    "(S, R, E) is in `configs/scenario/README.md`.\n"
)


def reference() -> str:
    """The reference as markdown, one section per dataclass reachable from ``SimConfig``."""
    sections, seen = [], set()
    queue: list[type] = [SimConfig]
    while queue:
        cls = queue.pop(0)
        if cls in seen:
            continue
        seen.add(cls)
        hints = typing.get_type_hints(cls)
        rows = []
        for f in dataclasses.fields(cls):
            kind = hints[f.name]
            queue += [t for t in _parts(kind) if dataclasses.is_dataclass(t) and t not in seen]
            rows.append(f"| `{f.name}` | {_type(kind)} | {_default(f)} |")
        doc = " ".join((cls.__doc__ or "").split())
        table = "| key | type | default |\n|---|---|---|\n" + "\n".join(rows)
        sections.append(f"## {cls.__name__}\n\n{doc}\n\n{table}\n")
    return HEADER + "\n" + "\n".join(sections)


def _parts(kind: object) -> list[object]:
    """``kind`` and the types inside it (``dict[str, Item] | None`` -> Item, ...)."""
    args = typing.get_args(kind)
    return [kind, *(part for arg in args for part in _parts(arg))]


def _type(kind: object) -> str:
    if kind is type(None):
        return "null"
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return " \\| ".join(f"`{m.value}`" for m in kind)
    if dataclasses.is_dataclass(kind):
        return f"[{kind.__name__}](#{kind.__name__.lower()})"
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin in (typing.Union, types.UnionType):
        return " or ".join(_type(a) for a in args)
    if origin is dict:
        return f"mapping of name to {_type(args[1])}"
    if origin is list:
        return f"list of {_type(args[0])}"
    return getattr(kind, "__name__", str(kind))


def _default(f: dataclasses.Field) -> str:
    if f.default is not dataclasses.MISSING:
        value = f.default.value if isinstance(f.default, enum.Enum) else f.default
        if isinstance(value, bool):
            return f"`{str(value).lower()}`"
        return "null" if value is None else f"`{value}`"
    if f.default_factory is not dataclasses.MISSING:
        made = f.default_factory()
        return "(its section's defaults)" if dataclasses.is_dataclass(made) else f"`{made}`"
    return "required"


if __name__ == "__main__":
    print(reference(), end="")
