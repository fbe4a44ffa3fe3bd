"""What an office's item list (政务服务事项实施清单) says, row by row: the columns a list may
have (``COLUMNS``, with the 实施清单 standard's names and their common variants), the list read
and checked (``read_list``), and the scenario its rows describe (``scenario_from``), over the
shipped catalogue: a catalogue item or department named in the list (by key or Chinese name) is
reused, a new item gets the back office of its kind (``sim.calibrate.conventions``, E).

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
from sim.calibrate.listfile import Table, normal, read_table, sheet_table
from sim.domain.errors import ConfigError
from sim.domain.names import check_names
from sim.experiment.config import CONFIGS, check_own_scenario_name

# field: (the names it goes by, what it becomes) -- README's table is made from this
COLUMNS: dict[str, tuple[tuple[str, ...], str]] = {
    "item": (
        ("事项名称", "业务办理项名称", "子项名称", "item", "name"),
        "the item (a catalogue item of that name is reused)",
    ),
    "code": (
        ("事项编码", "实施编码", "业务办理项编码", "基本编码", "code"),
        "a catalogue item's key; else read, not modelled",
    ),
    "category": (
        ("事项类型", "事项类别", "权力类型", "category"),
        "the back office's convention: 行政许可 a licence (review, sign-off), 行政确认 / 行政备案 a "
        "registration, 公共服务 a service, 行政给付 a benefit",
    ),
    "department": (
        ("实施主体", "实施机构", "实施部门", "办理部门", "受理部门", "department"),
        "the item's department (a catalogue department by key or name)",
    ),
    "lead": (
        ("牵头部门", "是否牵头", "lead"),
        "the bundle's lead department (是 for the row's, or a department's name): its window takes a "
        "merged dossier where there is no one-stop window",
    ),
    "limit_days": (
        ("法定办结时限", "法定时限", "limit_days"),
        "``limit_days`` (working days; / or 无: none; 即办: 0)",
    ),
    "committed_days": (
        ("承诺办结时限", "承诺时限", "committed_days"),
        "``committed_days`` (as the statutory limit)",
    ),
    "handling": (("办件类型", "kind", "handling"), "即办件: ``on_the_spot``"),
    "visits": (
        ("到办事现场次数", "到现场次数", "跑动次数", "visits"),
        "0: online, no pickup; 1: no pickup; 2 or more: pickup",
    ),
    "online": (
        ("是否网办", "网上办理", "是否支持网上办理", "网办", "online"),
        "``online`` (是/否, yes/no, 全程网办)",
    ),
    "documents": (
        ("申请材料", "申报材料", "材料清单", "documents"),
        "``documents`` (separated by ; ； 、 or a new line; one key a document, wherever named)",
    ),
    "shared": (
        ("共享材料", "免提交材料", "shared"),
        "documents government holds: ``held_by`` (免提交 fetches them)",
    ),
    "prerequisites": (("前置事项", "前置条件事项", "prerequisites"), "``prerequisites`` (items of the list)"),
    "result": (
        ("办理结果", "审批结果", "结果名称", "result"),
        "``produces`` (a document later items may need)",
    ),
    "volume": (
        ("年办件量", "年度办件量", "办件量", "volume"),
        "the bundle's demand (cases a year; the lead's item, else the smallest)",
    ),
    "window_minutes": (
        ("窗口办理时长", "受理时长", "window_minutes"),
        "``intake`` (mean minutes at the window)",
    ),
    "review_hours": (
        ("审查时长", "审核时长", "办理时长", "review_hours"),
        "the review step's work (mean hours)",
    ),
    "automatable": (
        ("智能审批", "是否智能审批", "智能办", "automatable"),
        "``automatable`` (a share, or 是: 0.5, E)",
    ),
    "proactive": (
        ("免申即享", "是否免申即享", "免申办", "proactive"),
        "``proactive`` (a share, or 是: 0.3, E)",
    ),
    "anywhere": (("跨域通办", "是否跨域通办", "通办", "anywhere"), "``anywhere`` (是/否)"),
    "minor": (
        ("容缺材料", "容缺受理材料", "minor_documents"),
        "``minor_documents``: of its documents, those tolerant acceptance may take later",
    ),
    "commitment": (
        ("告知承诺材料", "可承诺材料", "commitment"),
        "``commitment``: of its documents, those a signed commitment stands for (5 % found false, E)",
    ),
    "forms": (
        ("申请表单", "表单", "forms"),
        "of its documents, the application forms (one form merges them)",
    ),
    "item_en": (("英文名称", "item_en"), "the item's English label"),
    "source": (
        ("来源", "依据", "source"),
        "the row's provenance (S: the office's record unless it begins R: or E:)",
    ),
    "fees": (("收费", "是否收费", "收费标准", "fees"), "read, not modelled"),
    "number": (("序号", "no"), "read, not modelled"),
}
STAFF_COLUMNS: dict[str, tuple[str, ...]] = {
    "department": ("部门", "实施部门", "实施主体", "department"),
    "role": ("岗位", "角色", "role"),
    "staff": ("人数", "数量", "staff"),
    "clerks": ("窗口人员", "受理人员", "clerks"),
    "reviewers": ("审核人员", "审查人员", "审批人员", "reviewers"),
    "leaders": ("负责人", "签批人员", "领导", "leaders"),
    "inspectors": ("勘查人员", "踏勘人员", "现场核查人员", "inspectors"),
}
ROLES = ("clerks", "reviewers", "leaders", "inspectors")
STAFF_SHEETS = ("人员", "人员配置", "staff")
SPLIT = re.compile(r"[;；、\n]+")
NUMBERED = re.compile(r"^\s*[(（]?\d{1,3}[)）.、．]\s*")  # "1." or "（2）" before a document
DEFAULT_DEMAND = 0.05  # arrivals per open hour of the new need, where the list gives no volume: E
YES_SHARE = {"automatable": 0.5, "proactive": 0.3}  # a share for 是 where the list gives none: E
COMMITMENT_FALSE = 0.05  # the catalogue's share of signed commitments found false: E


@dataclass
class ItemList:
    """The list's rows by field, each row's line in the file, the columns read and not used,
    and the staff table's rows (none: staff sized by the planning rule)."""

    rows: list[dict[str, str]]
    lines: list[int]
    ignored: list[str] = field(default_factory=list)
    staff: list[dict[str, str]] = field(default_factory=list)


def catalogue() -> tuple[dict, dict]:
    """The shipped catalogue's scenario part (items, documents, departments) and labels."""
    data = OmegaConf.to_container(OmegaConf.load(Path(CONFIGS) / "catalogue" / "xiamen.yaml"))["scenario"]
    labels = yaml.safe_load((Path(CONFIGS) / "labels.yaml").read_text(encoding="utf-8"))
    return data, labels


def columns_table() -> str:
    """The accepted headers and what each becomes, as README shows them."""
    lines = ["| field | column names accepted | becomes |", "|---|---|---|"]
    lines += [f"| `{f}` | {', '.join(names)} | {what} |" for f, (names, what) in COLUMNS.items()]
    return "\n".join(lines)


def read_list(path: Path, staff: Path | None = None) -> ItemList:
    """The list at ``path`` (and its staff table, from ``staff`` or the workbook's staff sheet),
    checked: the required columns, no item named twice."""
    table = read_table(path, {f: names for f, (names, _) in COLUMNS.items()}, "list")
    for row in table.rows:  # one line each, but for the lists of names, which may stand one a line
        row.update({f: " ".join(v.split("\n")) for f, v in row.items() if f not in LISTS})
    for required in ("item", "department"):
        if not _has(table, COLUMNS[required][0]):
            raise ConfigError(
                f"list.{required}",
                f"no column {' or '.join(COLUMNS[required][0])} (it has {', '.join(table.header)})",
            )
    seen: dict[str, int] = {}
    for row, line in zip(table.rows, table.lines, strict=True):
        item = row.get("item", "")
        if item in seen:
            raise ConfigError(
                f"list row {line}.item", f"'{item[:80]}' is named again (first in row {seen[item]})"
            )
        if item:
            seen[item] = line
    people = _staff_rows(staff, table)
    return ItemList(table.rows, table.lines, table.ignored, people)


LISTS = ("documents", "shared", "prerequisites")


def _has(table: Table, names: tuple[str, ...]) -> bool:
    return any(normal(h) in {normal(n) for n in names} for h in table.header)


def _staff_rows(path: Path | None, table: Table) -> list[dict[str, str]]:
    if path is not None:
        return read_table(path, STAFF_COLUMNS, "--staff").rows
    sheet = next((name for name in table.sheets if normal(name) in {normal(s) for s in STAFF_SHEETS}), None)
    if sheet is None:
        return []
    return sheet_table(table.sheets[sheet], STAFF_COLUMNS, "staff sheet", sheet).rows


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
