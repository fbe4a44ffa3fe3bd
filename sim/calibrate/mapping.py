"""The mapping file: what a planner knows of their office that its log does not say.

    people:                      # a person's pool, by the log's resource name
      Resource01: front_desk
    activities:                  # an activity's pool, by the log's activity name
      "T02 Check confirmation of receipt": {pool: front_desk}

What it names overrides what calibration finds; a name it gives that the log lacks is an error
listing what the log has.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from sim.calibrate.logs import Log
from sim.domain.errors import ConfigError
from sim.domain.names import check_names, known
from sim.domain.routes import MAX_LABEL
from sim.domain.untrusted import clean

MAX_BYTES = 1_000_000


def read_mapping(path: str | Path, log: Log) -> tuple[dict[str, str], dict[str, dict]]:
    """(person -> pool, activity -> {pool}) from the YAML file at ``path``, checked against ``log``."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError("--mapping", f"no such file: {path}")
    if path.stat().st_size > MAX_BYTES:
        raise ConfigError("--mapping", f"{path.name} is larger than {MAX_BYTES:,} bytes")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as err:
        raise ConfigError("--mapping", f"{path.name} is not UTF-8 YAML: {str(err)[:300]}") from None
    except RecursionError:
        raise ConfigError("--mapping", f"{path.name} is nested too deeply to be a mapping file") from None
    if not isinstance(data, dict) or set(data) - {"people", "activities"}:
        raise ConfigError(
            "--mapping", "a mapping of people and activities (people: {...}, activities: {...})"
        )
    people = data.get("people") or {}
    activities = data.get("activities") or {}
    if not isinstance(people, dict) or not all(isinstance(v, str) for v in people.values()):
        raise ConfigError("people", "person: pool, one a line")
    if not isinstance(activities, dict):
        raise ConfigError("activities", "activity: {pool: name}, one a line (a mapping, not a list)")
    check_names(people.values(), "people")
    there = set(log.steps["activity"])
    out = {}
    for activity, spec in activities.items():
        activity = clean(str(activity), MAX_LABEL)
        if activity not in there:
            raise ConfigError(
                f"activities.{activity[:80]}", f"no such activity in the log{known(list(there)[:50])}"
            )
        if not isinstance(spec, dict) or set(spec) - {"pool"}:
            raise ConfigError(f"activities.{activity}", "give its pool: {pool: name}")
        check_names([spec.get("pool", "")], f"activities.{activity}.pool", keyed=False)
        out[activity] = {"pool": spec["pool"]}
    return {str(k): v for k, v in people.items()}, out
