"""A calibrated scenario as a YAML file a planner reads and edits: every fitted value carries
its provenance as a comment, and the file is checked by loading it as the simulator would."""

from __future__ import annotations

import math
from dataclasses import fields

import yaml
from omegaconf import OmegaConf

from sim.calibrate.structure import Structure
from sim.domain.scenario import Scenario
from sim.domain.untrusted import yaml_flow
from sim.experiment.conversion import build

WARMUP = 672.0  # four weeks: an estimate (the log's office was running before its first event)
DRAIN_DAYS = 365  # time for the cases open at the end to finish
WORK_LIMIT = next(f.default for f in fields(Scenario) if f.name == "work_limit")  # the schema's bound


def scenario_dict(s: Structure, name: str, timezone: str) -> dict:
    return {
        "name": name,
        "start_date": s.start_date,
        "timezone": timezone,
        "documents": {
            doc: doc.replace("_", " ") for item in s.items.values() for doc in item.get("documents", [])
        },
        "departments": {d: dict(sorted(roles.items())) for d, roles in sorted(s.staff.items())},
        "items": s.items,
        "needs": s.needs,
        "demand": s.demand,
        "calendars": {}
        if s.calendar is None
        else {
            "office": {
                "open": s.calendar.open,
                "holidays": s.calendar.holidays,
                "workdays": s.calendar.workdays,
            }
        },
        "hours": s.groups,
        **s.delivery,
        **({"channels": s.channels} if s.channels else {}),
        "demand_profile": s.profile,
        "horizon": float(math.ceil(s.span)),
        "warmup": min(WARMUP, math.floor(s.span / 4)) if s.warmup is None else s.warmup,
        "drain": 24.0 * DRAIN_DAYS,
        **_work_limit(s),
        "provenance": _provenance(name),
    }


def _provenance(name: str) -> dict:
    """What the office's own log gave (sourced: its records) and what calibration assumes."""
    log = f"fitted from the office's own log by python -m sim.calibrate (scenario {name}); see calibration.md"
    return {
        "items": {"tag": "S", "source": log},
        "demand": {"tag": "S", "source": f"{log}: arrivals by hour, weekday and week"},
        "departments": {
            "tag": "S",
            "source": f"{log}: people active in a typical week (the median over weeks)",
        },
        "horizon": {
            "tag": "E",
            "source": "the log's span; the week multipliers replay its volume, not a forecast",
        },
    }


def _work_limit(s: Structure) -> dict:
    """The run's work bound, raised where the log's own volume would pass the default: the
    bound counts every candidate arrival at the profile's peak, which a spiky profile (a
    replayed busy week) multiplies far beyond the arrivals that come."""
    profile = s.profile or {}
    peak = max(profile.get("hour_of_day", [1.0])) * max(profile.get("day_of_week", [1.0]))
    peak *= max([*profile.get("week", []), 1.0])
    bound = sum(s.demand.values()) * peak * math.ceil(s.span) * 1.1
    if bound <= WORK_LIMIT:
        return {}
    s.notes["work_limit"] = "raised to the log's own volume at the demand profile's peak"
    return {"work_limit": float(math.ceil(bound))}


def to_yaml(data: dict, notes: dict[str, str], header: str) -> str:
    """Block style down to the leaves (a duration, a list of times), each leaf on one line with
    its note as a comment."""
    lines = [f"# {line}" if line.strip() else "#" for line in header.splitlines()]
    lines += _emit(data, "", notes, 0)
    return "\n".join(lines) + "\n"


def _emit(value: dict, path: str, notes: dict[str, str], depth: int) -> list[str]:
    out = []
    pad = "  " * depth
    for name, v in value.items():
        here = f"{path}.{name}" if path else str(name)
        note = notes.get(here)
        comment = f"  # {' '.join(str(note).split())}" if note else ""  # one line, whatever it says
        key = yaml_flow(name, key=True)  # a name from the log is a YAML scalar, quoted where it must be
        if isinstance(v, dict) and v and not _leaf(v):
            out.append(f"{pad}{key}:{comment}")
            out += _emit(v, here, notes, depth + 1)
        elif isinstance(v, list) and v and isinstance(v[0], dict):
            out.append(f"{pad}{key}:{comment}")
            for entry in v:
                step = f"{here}.{entry.get('name', '')}"
                inner = _emit(entry, step, notes, depth + 2)
                out.append(f"{pad}  - {inner[0].strip()}")
                out += inner[1:]
        elif _table(v):  # a literal block, a line a row
            out.append(f"{pad}{key}: |-{comment}")
            out += [f"{pad}  {line}" for line in v.replace("${", "\\${").split("\n")]
        else:
            out.append(f"{pad}{key}: {yaml_flow(v)}{comment}")
    return out


def _table(v: object) -> bool:
    """Text of several printable lines, none blank, with no space at either end: what a literal
    block gives back exactly (a route table)."""
    if not isinstance(v, str) or "\n" not in v or v != v.strip():
        return False
    lines = v.split("\n")
    return all(line.strip() and line.isprintable() and line == line.rstrip() for line in lines)


def _leaf(v: dict) -> bool:
    """A duration, or lists of times: written on one line."""
    if "dist" in v:
        return True
    return all(isinstance(x, list) and all(isinstance(y, str) for y in x) for x in v.values())


def load(text: str) -> Scenario:
    """The scenario a YAML text describes, checked as the simulator checks it."""
    written = OmegaConf.create(yaml.safe_load(text))
    return build(Scenario, OmegaConf.to_container(written, resolve=True), "scenario")
