"""The scenario an office's item list describes (``scenario_from``), over the shipped catalogue:
a catalogue item or department named in the list (by key or Chinese name) is reused, a new item
gets the back office of its kind (``sim.calibrate.conventions``, E). The list itself is read by
``sim.calibrate.listrows``.

A document is one key wherever a row names it, so the merged checklist can merge it. Keys are
ASCII (``sim.calibrate.keys``: pinyin of the Chinese name), for a command line to set; the
office's names are the labels. Every value the list gives carries its row as provenance (S: the
office's own record, or the tag its source cell begins with), every convention E.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from omegaconf import OmegaConf

import sim.calibrate.conventions as conventions
import sim.calibrate.listcells as cells
from sim.calibrate.keys import ascii_key
from sim.calibrate.listrows import COLUMNS, ItemList
from sim.domain.errors import ConfigError
from sim.domain.names import check_names
from sim.experiment.config import CONFIGS, check_own_scenario_name

SPLIT = re.compile(r"[;；、\n]+")
NUMBERED = re.compile(r"^\s*[(（]?\d{1,3}[)）.、．]\s*")  # "1." or "（2）" before a document
DEFAULT_DEMAND = 0.05  # arrivals per open hour of the new need, where the list gives no volume: E
YES_SHARE = {"automatable": 0.5, "proactive": 0.3}  # a share for 是 where the list gives none: E
COMMITMENT_FALSE = 0.05  # the catalogue's share of signed commitments found false: E


def catalogue() -> tuple[dict, dict]:
    """The shipped catalogue's scenario part (items, documents, departments) and labels."""
    data = OmegaConf.to_container(OmegaConf.load(Path(CONFIGS) / "catalogue" / "xiamen.yaml"))["scenario"]
    labels = yaml.safe_load((Path(CONFIGS) / "labels.yaml").read_text(encoding="utf-8"))
    return data, labels


@dataclass
class _Names:
    """Keys given so far: the same text, the same key (a document named in several rows is one)."""

    taken: set[str]
    kind: str
    keys: dict[str, str] = field(default_factory=dict)

    def key(self, text: str) -> str:
        if text not in self.keys:
            self.keys[text] = ascii_key(text, self.taken, self.kind)
        return self.keys[text]


def scenario_from(rows: ItemList | list[dict[str, str]], name: str, label: str | None = None) -> Described:
    """The scenario the list describes: its YAML data, labels, notes, provenance and warnings;
    ``label`` names the bundle in reports (二手房转移登记及水电气网联动过户一件事; else its name)."""
    listed = rows if isinstance(rows, ItemList) else ItemList(rows, [k + 2 for k in range(len(rows))])
    if not listed.rows:
        raise ConfigError("list", "no row names an item: a list needs at least one")
    check_names([name], "--name", keyed=False)
    check_own_scenario_name(name, "--name")
    cat, labels = catalogue()
    item_by_zh = {v["zh"]: k for k, v in labels["items"].items() if k in cat["items"]}
    dept_by_zh = {v["zh"]: k for k, v in labels["departments"].items() if k in cat["departments"]}
    doc_by_zh = {v: k for k, v in cat["documents"].items()}
    items = _Names(set(cat["items"]) | {name}, "item")
    docs = _Names(set(cat["documents"]), "doc")
    depts = _Names(set(cat["departments"]), "dept")
    out = Described(name, cat, label)
    warnings = out.warnings
    keyed: list[str] = []  # each row's item key
    for row, line in zip(listed.rows, listed.lines, strict=True):
        text = row.get("item", "") or row.get("code", "")
        if not text:
            raise ConfigError(f"list row {line}.item", "every row names its item")
        code = row.get("code", "")
        found = code if code in cat["items"] else text if text in cat["items"] else item_by_zh.get(text)
        keyed.append(found or items.key(text))
    by_text = {row.get("item") or row.get("code"): k for row, k in zip(listed.rows, keyed, strict=True)}
    for row, line, item in zip(listed.rows, listed.lines, keyed, strict=True):
        _row(out, row, line, item, by_text, cat, labels, dept_by_zh, doc_by_zh, docs, depts)
    lead = _lead(out, listed, keyed, depts, dept_by_zh, cat)
    order = sorted(
        keyed,
        key=lambda k: (
            out.data["items"][k].get("department", cat["items"].get(k, {}).get("department")) != lead
        ),
    )
    out.data["needs"] = {name: order}
    volumes = [(k, out.volume[k]) for k in keyed if k in out.volume]
    if volumes:
        chosen = next(((k, v) for k, v in volumes if k == order[0]), min(volumes, key=lambda kv: kv[1]))
        out.yearly = chosen
    else:
        warnings.append(
            f"no 年办件量 column: the bundle's demand is {DEFAULT_DEMAND} an open hour (E); set your own"
        )
    for column in ("automatable", "proactive", "anywhere"):
        if not any(column in row for row in listed.rows):
            warnings.append(
                f"no {COLUMNS[column][0][0]} column: {_NEXT[column]} acts on none of this list's "
                "items (inert)"
            )
    if listed.ignored:
        warnings.append(f"columns read and not used: {', '.join(listed.ignored)}")
    if label is None:  # a Chinese reader's title says what the bundle holds, not its file name
        first = next(iter(listed.rows)).get("item") or order[0]
        said = {"zh": f"{first}等{len(keyed)}个事项", "en": name.replace("_", " ")}
        out.labels["needs"][name] = out.labels["scenarios"][name] = said
        warnings.append(f"the bundle is called {said['zh']} in reports: --label gives its own name")
    return out


_NEXT = {
    "automatable": "智能办 (decisions: by_rules)",
    "proactive": "免申办 (application: proactive)",
    "anywhere": "跨域办 (filing: any_centre)",
}


class Described:
    """The scenario being written: its data, labels, notes, provenance and volumes."""

    def __init__(self, name: str, cat: dict, label: str | None = None) -> None:
        titled = {"en": label or name.replace("_", " "), "zh": label or name}
        self.name, self.cat = name, cat
        self.data: dict = {"name": name, "documents": {}, "departments": {}, "items": {}, "held_by": {}}
        self.labels: dict = {
            "items": {},
            "departments": {},
            "documents": {},
            "needs": {name: titled},
            "scenarios": {name: titled},
        }
        self.notes: dict[str, str] = {}
        self.provenance: dict[str, dict] = {}
        self.volume: dict[str, float] = {}
        self.yearly: tuple[str, float] | None = None
        self.warnings: list[str] = []

    def given(self, key: str, line: int, source: str) -> None:
        """``key`` set from the list's row ``line``: the office's own record, tagged as the row's
        source begins (R: or E:), S otherwise."""
        tag = source[0] if re.match(r"^[RE]\s*[:：]", source) else "S"
        self.notes[key] = f"the list, row {line}"
        self.provenance[key] = {
            "tag": tag,
            "source": f"the office's item list, row {line}: {source or 'its own record'}"[:500],
        }

    def assumed(self, key: str, what: str) -> None:
        self.notes[key] = f"E: {what}"
        self.provenance[key] = {"tag": "E", "source": what[:500]}


def _row(
    out: Described,
    row: dict,
    line: int,
    item: str,
    by_text: dict,
    cat: dict,
    labels: dict,
    dept_by_zh: dict,
    doc_by_zh: dict,
    docs: _Names,
    depts: _Names,
) -> None:
    here, source = f"items.{item}", row.get("source", "")
    known = item in cat["items"]
    department = _department(out, row.get("department", ""), line, cat, labels, dept_by_zh, depts)
    spec: dict = {}
    if known:
        out.notes[here] = f"the catalogue's item, with the list's values (row {line})"
        if department != cat["items"][item]["department"]:
            spec["department"] = department
    else:
        kind = conventions.kind_of(row.get("category", "")) if row.get("category") else None
        kind = kind or conventions.DEFAULT_KIND
        leaders = (
            out.data["departments"].get(department, cat["departments"].get(department, {})).get("leaders", 0)
            > 0
        )
        spec = {"department": department, **conventions.back_office(kind, leaders)}
        out.notes[here] = f"new (row {line}): a {kind}'s back office by the catalogue's conventions (E)"
        for f in ("intake", "steps", "p_incomplete", "notice_factor", "prepare"):
            out.assumed(f"{here}.{f}", f"the catalogue's conventions for a {kind} with no measured times")
        out.labels["items"][item] = {
            "zh": row.get("item") or item,
            "en": row.get("item_en") or row.get("item") or item,
        }
    out.given(f"{here}.department", line, source)
    for f in ("limit_days", "committed_days"):
        if row.get(f):
            days = cells.days(row[f], f"list row {line}.{f}")
            if days == "spot":
                spec["on_the_spot"] = True
                out.given(f"{here}.on_the_spot", line, source)
            elif days is None and known and cat["items"][item].get(f) is not None:
                spec[f] = None
            elif days is not None:
                spec[f] = days
            out.given(f"{here}.{f}", line, source)
    if row.get("documents"):
        keys = [_document(out, d, docs, doc_by_zh, cat) for d in _names(row["documents"])]
        spec["documents"] = list(dict.fromkeys(keys))
        out.given(f"{here}.documents", line, source)
        minor = cat["items"].get(item, {}).get("minor_documents", [])
        if known and not set(minor) <= set(keys):  # a catalogue item's minor documents stay its own
            spec["minor_documents"] = [d for d in minor if d in keys]
    for text in _names(row.get("shared", "")):
        key = _document(out, text, docs, doc_by_zh, cat)
        out.data["held_by"][key] = department
        out.given(f"held_by.{key}", line, source)
    if row.get("result"):
        spec["produces"] = _document(out, row["result"], docs, doc_by_zh, cat)
        out.given(f"{here}.produces", line, source)
    if row.get("prerequisites"):
        needed = []
        for text in _names(row["prerequisites"]):
            if text not in by_text:
                raise ConfigError(
                    f"list row {line}.prerequisites", f"'{text[:80]}' is not an item of the list"
                )
            needed.append(by_text[text])
        spec["prerequisites"] = needed
        out.given(f"{here}.prerequisites", line, source)
    if row.get("handling"):
        spec["on_the_spot"] = spec.get("on_the_spot", False) or row["handling"] in (
            "即办件",
            "即办",
            "on_the_spot",
            "on the spot",
        )
        out.given(f"{here}.on_the_spot", line, source)
    if row.get("visits"):
        visits = cells.count(row["visits"], f"list row {line}.visits")
        spec["pickup"] = visits >= 2
        if visits == 0:
            spec["online"] = True
        out.given(f"{here}.pickup", line, source)
    if row.get("online"):
        spec["online"] = cells.yes(row["online"], f"list row {line}.online")
        out.given(f"{here}.online", line, source)
    if row.get("window_minutes"):
        minutes = cells.number(row["window_minutes"], f"list row {line}.window_minutes", 0, 600)
        spec["intake"] = {"dist": "lognormal", "mean": round(minutes / 60, 4), "cv": 0.5}
        out.given(f"{here}.intake", line, source)
    if row.get("review_hours"):
        hours = cells.number(row["review_hours"], f"list row {line}.review_hours", 0, 1000)
        steps = spec.get("steps") or [dict(s) for s in cat["items"].get(item, {}).get("steps", [])] or None
        if steps:
            steps[0] = {**steps[0], "work": {"dist": "lognormal", "mean": hours, "cv": 0.7}}
            spec["steps"] = steps
        else:
            spec["review"] = {"dist": "lognormal", "mean": hours, "cv": 0.7}
        out.given(f"{here}.steps", line, source)
    for f in ("automatable", "proactive"):
        if row.get(f):
            spec[f] = cells.share(row[f], f"list row {line}.{f}", YES_SHARE[f])
            out.given(f"{here}.{f}", line, source)
    if row.get("anywhere"):
        spec["anywhere"] = cells.yes(row["anywhere"], f"list row {line}.anywhere")
        out.given(f"{here}.anywhere", line, source)
    own = set(spec.get("documents") or cat["items"].get(item, {}).get("documents", []))
    for f in ("minor", "commitment", "forms"):
        if not row.get(f):
            continue
        keys = [_document(out, d, docs, doc_by_zh, cat) for d in _names(row[f])]
        stray = [d for d in keys if d not in own]
        if stray:
            raise ConfigError(
                f"list row {line}.{f}",
                f"'{out.data['documents'].get(stray[0], stray[0])}' is not one of the item's documents",
            )
        if f == "minor":
            spec["minor_documents"] = keys
        elif f == "commitment":
            spec["commitment"] = {"replaces": keys, "p_false": COMMITMENT_FALSE}
            out.assumed(f"{here}.commitment.p_false", "the share of signed commitments found false")
        else:
            out.data.setdefault("forms", [])
            out.data["forms"] += [d for d in keys if d not in out.data["forms"]]
        given = {"minor": f"{here}.minor_documents", "commitment": f"{here}.commitment", "forms": "forms"}[f]
        out.given(given, line, source)
    if row.get("volume"):
        out.volume[item] = cells.number(
            re.sub(r"件|/年|每年|per year", "", row["volume"]), f"list row {line}.volume", 0, 1e8
        )
    out.data["items"][item] = spec


def _names(text: str) -> list[str]:
    """A cell's names (documents, items): split, numbering taken off."""
    return [n for n in (NUMBERED.sub("", part).strip() for part in SPLIT.split(text)) if n]


def _document(out: Described, text: str, docs: _Names, doc_by_zh: dict, cat: dict) -> str:
    """One key a document, wherever named: the catalogue's (by key or name), else the list's own."""
    key = text if text in cat["documents"] else doc_by_zh.get(text) or docs.key(text)
    if key not in cat["documents"]:
        out.data["documents"][key] = text
    return key


def _department(
    out: Described, text: str, line: int, cat: dict, labels: dict, by_zh: dict, depts: _Names
) -> str:
    if not text:
        raise ConfigError(
            f"list row {line}.department",
            f"every row names its department (the catalogue's: {', '.join(sorted(cat['departments']))})",
        )
    if text in cat["departments"]:
        return text
    if text in by_zh:
        return by_zh[text]
    key = depts.key(text)
    if key not in out.data["departments"]:
        out.data["departments"][key] = dict(conventions.NEW_DEPARTMENT)
        out.labels["departments"][key] = {"zh": text, "en": text}
        out.assumed(
            f"departments.{key}",
            "a new department: one clerk and one half-time reviewer, then sized by the catalogue's "
            "planning rule unless the staff table says",
        )
    return key


def _lead(
    out: Described, listed: ItemList, keyed: list[str], depts: _Names, by_zh: dict, cat: dict
) -> str | None:
    """The lead department the list names (a row marking its own with 是, or a name)."""
    for row, item in zip(listed.rows, keyed, strict=True):
        value = row.get("lead", "")
        if not value or value.lower() in cells.NO:
            continue
        if value.lower() in cells.YES:
            return out.data["items"][item].get("department", cat["items"].get(item, {}).get("department"))
        return value if value in cat["departments"] else by_zh.get(value) or depts.keys.get(value)
    return None
