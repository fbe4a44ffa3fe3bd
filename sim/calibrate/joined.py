"""The office's item list and its event log in one scenario: ``python -m sim.calibrate LOG
--items LIST``.

A log says how the office works (its windows, steps, people, durations, routes, arrivals); it
does not say what an applicant hands over, what each item produces or needs, its limits, or
what a reform could fetch, merge or take on trust. The office's item list (事项清单, read as
``sim.calibrate.listrows`` reads one) says that. Each of the list's items is tied to one of the
log's: by key (the simulator's own export keys items as the catalogue does), by the mapping
file's ``items:`` (an activity's item), by name (the list's 事项名称 against the log's item
names and activity names, closest first), or, a list of one item and a log of one process, to
each other. A tied item takes the list's facts (``FROM_LIST``) over the log's placeholders; the
report lists what is tied, how, and what is not. Under 减环节 a tied item's sign-off steps (a
leader's, or an activity the mapping calls ``sign_off``) merge into review (the catalogue's
convention, E).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

import pandas as pd

from sim.calibrate.listrows import ItemList
from sim.calibrate.listscenario import catalogue, scenario_from

FROM_LIST = (
    "documents", "limit_days", "committed_days", "on_the_spot", "pickup", "online", "produces",
    "prerequisites", "minor_documents", "commitment", "automatable", "proactive", "anywhere",
)  # fmt: skip
CLOSE = 0.6  # difflib's ratio from which a list's item name ties to a log's name


@dataclass
class Joined:
    """What the list and the log tied: a row per list item (its log item or none, and how), and
    the log's items the list does not name."""

    ties: pd.DataFrame
    untied_log: list[str] = field(default_factory=list)


def join(
    data: dict, notes: dict[str, str], listed: ItemList, name: str, by_activity: dict[str, str]
) -> Joined:
    """Overlay ``listed``'s facts on the calibrated scenario ``data`` (its YAML data, changed in
    place, ``notes`` beside it); ``by_activity``: the mapping file's activity -> list item name."""
    described = scenario_from(listed, f"{name}_list")
    cat, _ = catalogue()
    log_items = data["items"]
    names = {
        k: (row.get("item") or row.get("code") or k)
        for k, row in zip(described.data["items"], listed.rows, strict=False)
    }
    activities = {
        k: {s.get("label") or s.get("name") for s in item.get("steps", [])} for k, item in log_items.items()
    }
    rows, tied = [], {}
    for key, spec in described.data["items"].items():
        text = names.get(key, key)
        found, how = _tie(key, text, log_items, activities, by_activity, tied)
        rows.append({"list item": text, "log item": found or "", "tied by": how})
        if found is None:
            continue
        tied[found] = key
        item = log_items[found]
        for f in FROM_LIST:
            if f in spec:
                item[f] = spec[f]
                notes[f"items.{found}.{f}"] = (
                    f"the item list ({described.notes.get(f'items.{key}.{f}', 'its row')})"
                )
        leaders = [s["name"] for s in item.get("steps", []) if str(s.get("pool", "")).endswith("leaders")]
        if leaders:
            item["reduced_steps"] = [s["name"] for s in item["steps"] if s["name"] not in leaders]
            notes[f"items.{found}.reduced_steps"] = (
                "E: under 减环节 sign-off merges into review (the catalogue's convention)"
            )
    back = {v: k for k, v in tied.items()}  # a list item's key -> its log item
    for found in tied:
        item = log_items[found]
        item["prerequisites"] = [back[p] for p in item.get("prerequisites", []) if p in back]
    used = {d for item in log_items.values() for d in item.get("documents", [])}
    used |= {item["produces"] for item in log_items.values() if item.get("produces")}
    data["documents"] = {
        d: described.data["documents"].get(d) or cat["documents"].get(d) or d for d in sorted(used)
    }
    data["held_by"] = {d: body for d, body in described.data.get("held_by", {}).items() if d in used}
    forms = [d for d in described.data.get("forms", []) if d in used]
    if forms:
        data["forms"] = forms
    return Joined(pd.DataFrame(rows), sorted(set(log_items) - set(tied)))


def _tie(
    key: str, text: str, log_items: dict, activities: dict, by_activity: dict[str, str], tied: dict
) -> tuple[str | None, str]:
    """The log item a list item ties to, and how."""
    free = [k for k in log_items if k not in tied]
    if key in free:
        return key, "key"
    for activity, listed_item in by_activity.items():
        if listed_item in (key, text):
            found = next((k for k in free if activity in activities[k]), None)
            if found:
                return found, f"the mapping file ({activity})"
    candidates = {k: k for k in free} | {a: k for k in free for a in activities[k] if a}
    close = difflib.get_close_matches(text, list(candidates), n=1, cutoff=CLOSE)
    if close:
        return candidates[close[0]], f"its name ({close[0]})"
    if len(free) == 1 and len(log_items) == 1:
        return free[0], "the only item of each"
    return None, "not tied"
