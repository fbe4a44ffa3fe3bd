"""The mapping file: what a planner knows of their office that its log does not say.

    people:                      # a person's pool, by the log's resource name
      Resource01: front_desk
    activities:                  # by the log's activity name: its pool, item and role
      "T02 Check confirmation of receipt": {pool: front_desk, item: 环境许可, role: intake}
      "Publish notice": {role: notice}

What it names overrides what calibration finds; a name it gives that the log lacks is an error
listing what the log has. An activity's ``item`` ties it to the item list's item of that name
(``--items``); its ``role`` (``ROLES``) says what a reform acts on: sign-off merges into review
under 减环节, a notice, suspension or return is off the statutory clock (行政许可法 art. 45) and
its time the applicant's or a fixed period's, not the office's queue.
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
FIELDS = {"pool", "item", "role"}
# What an activity is, as a reform sees it: the window's intake with the applicant there, the
# back office's review, sign-off, a sitting (a committee, a leaders' meeting), a site inspection,
# a return to the applicant for corrections (补正), a suspension, a notice or objection period,
# issuing the result, delivering it.
ROLES = (
    "intake",
    "review",
    "sign_off",
    "sitting",
    "inspection",
    "return",
    "suspension",
    "notice",
    "issue",
    "delivery",
)


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
        if not isinstance(spec, dict) or set(spec) - FIELDS:
            raise ConfigError(
                f"activities.{activity[:80]}",
                "give any of its pool, item and role: {pool: p, item: i, role: r}",
            )
        if "pool" in spec:
            check_names([spec["pool"]], f"activities.{activity}.pool", keyed=False)
        if "role" in spec and spec["role"] not in ROLES:
            raise ConfigError(
                f"activities.{activity[:80]}.role",
                f"one of {', '.join(ROLES)}, got {str(spec['role'])[:40]!r}",
            )
        if "item" in spec and not (isinstance(spec["item"], str) and 0 < len(spec["item"]) <= MAX_LABEL):
            raise ConfigError(f"activities.{activity[:80]}.item", "the item's name in the item list (text)")
        out[activity] = {k: spec[k] for k in FIELDS if k in spec}
    return {str(k): v for k, v in people.items()}, out
