"""What an office's item list (政务服务事项实施清单) holds, row by row: the columns a list may
have (``COLUMNS``, with the 实施清单 standard's names and their common variants) and the list
read and checked (``read_list``), with its staff table. The scenario its rows describe is made
by ``sim.calibrate.listscenario``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sim.calibrate.listfile import Table, normal, read_table, sheet_table
from sim.domain.errors import ConfigError

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


@dataclass
class ItemList:
    """The list's rows by field, each row's line in the file, the columns read and not used,
    and the staff table's rows (none: staff sized by the planning rule)."""

    rows: list[dict[str, str]]
    lines: list[int]
    ignored: list[str] = field(default_factory=list)
    staff: list[dict[str, str]] = field(default_factory=list)


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
