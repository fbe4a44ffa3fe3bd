"""An office's item list (政务服务事项实施清单) in, a scenario out; and the catalogue out as a list.

    python -m sim.calibrate.itemlist LIST.csv --name my_pharmacy --out my_configs/
    python -m sim.calibrate.itemlist --export catalogue.csv      # the shipped catalogue as a list

A planner holds their items as a list, a row per item: its name, department, statutory and
committed limits (working days), documents, kind (即办件 decided on the spot, 承诺件 not), trips
to the site, whether it can be filed online, fees, and where each fact came from. Columns may be
named in English or Chinese:

==============  ==============  ====================================================
column          或              becomes
==============  ==============  ====================================================
item            事项名称        the item (a catalogue item of that name is reused)
department      实施部门        its department (a catalogue department by key or name)
limit_days      法定办结时限    ``limit_days``
committed_days  承诺办结时限    ``committed_days``
documents       申请材料        ``documents`` (separated by ; ； 、 or a new line)
kind            办件类型        即办件: ``on_the_spot``
visits          到现场次数      0: online, no pickup; 1: no pickup; 2 or more: pickup
online          网上办理        ``online`` (是/否, yes/no)
item_en         英文名称        the item's English label
source          来源            the row's provenance, written beside its values
==============  ==============  ====================================================

Everything the list does not say comes from the catalogue: a catalogue item keeps its own
work, steps and rejections; a new item gets the catalogue's stated conventions for an item
with no measured times (``CONVENTION``), tagged E in the file. The scenario lands in
``<out>/scenario/<name>.yaml`` over the catalogue (``defaults: [/catalogue/xiamen]``), its
labels in both languages in ``<out>/labels.yaml``; the command prints how to run and report it.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from pathlib import Path

import yaml
from omegaconf import OmegaConf
from omegaconf.errors import OmegaConfBaseException

from sim.calibrate.listfile import normal, read_table
from sim.calibrate.scenario_file import to_yaml
from sim.domain.errors import ConfigError, folder_for, refusing
from sim.domain.names import check_names, name_from
from sim.domain.untrusted import csv_cell
from sim.experiment.config import CONFIGS, check_own_scenario_name
from sim.experiment.loading import load_scenario  # checks a scenario as a run would
from sim.experiment.safety import MAX_FILE_BYTES, read_config

MAX_BYTES = 2_000_000
MAX_ROWS = 2000
COLUMNS = {
    "item": ("item", "事项名称"),
    "code": ("code", "事项编码"),
    "department": ("department", "实施部门"),
    "limit_days": ("limit_days", "法定办结时限"),
    "committed_days": ("committed_days", "承诺办结时限"),
    "documents": ("documents", "申请材料"),
    "kind": ("kind", "办件类型"),
    "visits": ("visits", "到现场次数"),
    "online": ("online", "网上办理"),
    "item_en": ("item_en", "英文名称"),
    "source": ("source", "来源"),
}
READ_NOT_MODELLED = ("fees", "收费")
# An item the list gives no times for: the catalogue's conventions (configs/scenario/README.md), E.
CONVENTION = {
    "intake": {"dist": "lognormal", "mean": 0.5, "cv": 0.5},
    "steps": [
        {"name": "review", "work": {"dist": "lognormal", "mean": 3.0, "cv": 0.7}, "batch": {"at": ["17:00"]}},
        {"name": "sign", "pool": "leaders", "work": {"dist": "lognormal", "mean": 0.1, "cv": 0.5}},
    ],
    "p_incomplete": 0.2,
    "notice_factor": 0.5,
    "prepare": {"dist": "lognormal", "mean": 48.0, "cv": 0.5},
}
NEW_DEPARTMENT = {"clerks": 1, "reviewers": 2, "leaders": 1, "background": {"reviewers": 0.5, "leaders": 0.6}}
DEMAND = 0.05  # arrivals per open hour of the new need: E, a small share of a district's
YES, NO = {"是", "yes", "y", "true", "1", "可", "全程网办"}, {"否", "no", "n", "false", "0", "不可", ""}
SPLIT = re.compile(r"[;；、\n]+")


def catalogue() -> tuple[dict, dict]:
    """The shipped catalogue's scenario part (items, documents, departments) and labels."""
    data = OmegaConf.to_container(OmegaConf.load(Path(CONFIGS) / "catalogue" / "xiamen.yaml"))["scenario"]
    labels = yaml.safe_load((Path(CONFIGS) / "labels.yaml").read_text(encoding="utf-8"))
    return data, labels


def read_list(path: Path) -> list[dict[str, str]]:
    """The list's rows by field (English names), checked as ``sim.calibrate.listfile`` reads a
    table, with the required columns; an item named twice is refused (two rows, two items)."""
    table = read_table(path, COLUMNS, "list")
    for row in table.rows:  # one line each, but for the documents, which may stand one a line
        row.update({f: " ".join(v.split("\n")) for f, v in row.items() if f != "documents"})
    for required in ("item", "department"):
        if not any(required in row for row in table.rows) and not _has(table, required):
            raise ConfigError(
                f"list.{required}",
                f"no column {' or '.join(COLUMNS[required])} (it has {', '.join(table.header)})",
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
    return table.rows


def _has(table, field: str) -> bool:
    names = {normal(n) for n in COLUMNS[field]}
    return any(normal(h) in names for h in table.header)


def scenario_from(rows: list[dict[str, str]], name: str) -> tuple[dict, dict, dict[str, str]]:
    """(the scenario's YAML data, its labels, provenance notes by dotted key) from the list."""
    check_names([name], "--name", keyed=False)
    check_own_scenario_name(name, "--name")
    cat, labels = catalogue()
    item_by_zh = {v["zh"]: k for k, v in labels["items"].items()}
    dept_by_zh = {v["zh"]: k for k, v in labels["departments"].items()}
    doc_by_zh = {v: k for k, v in cat["documents"].items()}
    taken_items, taken_docs, taken_depts = set(cat["items"]), set(cat["documents"]), set(cat["departments"])
    data: dict = {"name": name, "documents": {}, "departments": {}, "items": {}}
    new_labels: dict = {
        "items": {},
        "departments": {},
        "needs": {name: {"en": name.replace("_", " "), "zh": name}},
    }
    notes: dict[str, str] = {}
    sources: dict[str, str] = {}
    new_items: list[str] = []
    order = []
    for i, row in enumerate(rows):
        key = f"list[{i}]"
        text = row.get("item", "") or row.get("code", "")
        if not text:
            raise ConfigError(f"{key}.item", "every row names its item")
        code = row.get("code", "")
        item = code if code in cat["items"] else text if text in cat["items"] else item_by_zh.get(text)
        item = item or name_from(text, taken_items, kind="item")
        known_item = item in cat["items"]
        department = _department(
            row.get("department", ""), cat, dept_by_zh, taken_depts, data, new_labels, key
        )
        spec: dict = {} if known_item else {"department": department, **CONVENTION}
        if known_item and department != cat["items"][item]["department"]:
            spec["department"] = department
        here, source = f"items.{item}", row.get("source") or "not given"
        sources[item] = source
        if known_item:
            notes[here] = f"the catalogue's item, with the list's values; source: {source}"
        else:
            notes[here] = f"new; source: {source}; its times and rejections: the catalogue's conventions (E)"
            new_labels["items"][item] = {"zh": text, "en": row.get("item_en") or text}
            new_items.append(item)
        for field in ("limit_days", "committed_days"):
            if row.get(field):
                spec[field] = _days(row[field], f"{key}.{field}")
                notes[f"{here}.{field}"] = "the list"
        if row.get("documents"):
            docs = []
            for doc in filter(None, (d.strip() for d in SPLIT.split(row["documents"]))):
                code = doc_by_zh.get(doc) or name_from(doc, taken_docs, kind="doc")
                code = doc if doc in cat["documents"] else code
                if code not in cat["documents"]:
                    data["documents"][code] = doc
                docs.append(code)
            spec["documents"] = list(dict.fromkeys(docs))
            notes[f"{here}.documents"] = "the list"
            minor = cat["items"].get(item, {}).get("minor_documents", [])
            if known_item and not set(minor) <= set(
                docs
            ):  # a catalogue item's minor documents must stay its own
                spec["minor_documents"] = [d for d in minor if d in docs]
        kind = row.get("kind", "")
        if kind:
            spec["on_the_spot"] = kind in ("即办件", "on_the_spot", "on the spot")
            notes[f"{here}.on_the_spot"] = f"the list: {kind}"
        if row.get("visits"):
            visits = _count(row["visits"], f"{key}.visits")
            spec["pickup"] = visits >= 2
            if visits == 0:
                spec["online"] = True
            notes[f"{here}.pickup"] = f"the list: {visits} trip(s) to the site"
        if row.get("online"):
            spec["online"] = _yes(row["online"], f"{key}.online")
            notes[f"{here}.online"] = "the list"
        data["items"][item] = spec
        order.append(item)
    data["needs"] = {name: list(dict.fromkeys(order))}
    data["demand"] = {name: DEMAND}
    notes[f"demand.{name}"] = "E: arrivals per open hour, a small share of a district's; set your own"
    data["provenance"] = _provenance(notes, sources, new_items, name)
    return {k: v for k, v in data.items() if v != {}}, new_labels, notes


def _provenance(notes: dict[str, str], sources: dict[str, str], new_items: list[str], need: str) -> dict:
    """The notes as data the report shows (``sim.domain.provenance``): what the list says is
    the office's own record, tagged as its row's source begins (S:, R:, E:; sourced when it says
    nothing), and a new item's times and rejections the catalogue's conventions (E)."""
    out = {}
    for key, note in notes.items():
        if key.startswith("items.") and key.count(".") == 2:
            source = sources[key.split(".")[1]]
            tag = source[0] if re.match(r"^[SRE]\b", source) else "S"
            out[key] = {"tag": tag, "source": f"the office's item list ({note}): {source}"[:500]}
    for item in new_items:
        for field in CONVENTION:
            out[f"items.{item}.{field}"] = {
                "tag": "E",
                "source": "the catalogue's conventions for an item with no measured times",
            }
    out[f"demand.{need}"] = {
        "tag": "E",
        "source": "a small share of a district's; set your own",
    }
    return out


def _department(text: str, cat: dict, by_zh: dict, taken: set, data: dict, labels: dict, key: str) -> str:
    if not text:
        raise ConfigError(f"{key}.department", f"every row names its department{_known(cat['departments'])}")
    department = text if text in cat["departments"] else by_zh.get(text)
    if department is None:  # new: once per name, whichever row names it first
        department = next((d for d, v in labels["departments"].items() if v["zh"] == text), None)
        department = department or name_from(text, taken, kind="department")
        data["departments"][department] = dict(NEW_DEPARTMENT)
        labels["departments"][department] = {"zh": text, "en": text}
    return department


def _known(names) -> str:
    return f" (the catalogue's: {', '.join(sorted(names))})"


def _days(text: str, key: str) -> float:
    value = re.sub(r"(个)?工作日|working days?|天", "", text).strip()
    try:
        days = float(value)
    except ValueError:
        raise ConfigError(key, f"working days as a number, got {text!r}") from None
    if not 0 <= days <= 3650:
        raise ConfigError(key, f"must be from 0 to 3650 working days, got {days:g}")
    return days


def _count(text: str, key: str) -> int:
    value = re.sub(r"次|trips?", "", text).strip()
    if not re.fullmatch(r"[0-9]{1,3}", value) or int(value) > 100:
        raise ConfigError(key, f"a whole number of trips from 0 to 100, got {text!r}")
    return int(value)


def _yes(text: str, key: str) -> bool:
    if text.lower() in YES:
        return True
    if text.lower() in NO:
        return False
    raise ConfigError(key, f"yes or no (是/否), got {text!r}")


def write(rows: list[dict[str, str]], name: str, out: Path, overwrite: bool = False) -> Path:
    """The scenario file and labels for the list's ``rows`` in ``out``; checked by loading it."""
    data, labels, notes = scenario_from(rows, name)
    path, label_path = out / "scenario" / f"{name}.yaml", out / "labels.yaml"
    if path.exists() and not overwrite:
        raise ConfigError("--out", f"{path} exists: choose another folder, or --force to replace it")
    header = (
        f"From an item list ({len(rows)} rows) by python -m sim.calibrate.itemlist, over the catalogue.\n"
        "What the list says carries its source; the rest is the catalogue's (see configs/scenario/README.md)."
    )
    text = (
        "defaults:\n  - /catalogue/xiamen\n  - _self_\n\n" + to_yaml(data, notes, header).split("\n", 2)[-1]
    )
    text = "\n".join(f"# {line}" for line in header.splitlines()) + "\n" + text
    if len(text.encode()) > MAX_FILE_BYTES:
        raise ConfigError(
            "list",
            f"it makes a scenario of {len(text.encode()):,} bytes, more than a config file may hold "
            f"({MAX_FILE_BYTES:,}): split the list by need",
        )
    made = [d for d in (out, path.parent) if not d.exists()]
    folder_for(path.parent, "--out")
    path.write_text(text, encoding="utf-8")
    try:
        load_scenario(name, config_dir=out)
    except BaseException:  # nothing of a refused list is left behind
        path.unlink()
        for folder in reversed(made):
            folder.rmdir()
        raise
    existing = _labels_there(label_path)
    for part, entries in labels.items():
        existing.setdefault(part, {}).update(entries)
    label_path.write_text(to_yaml(existing, {}, ""), encoding="utf-8")  # text quoted as text
    return path


def _labels_there(path: Path) -> dict:
    """The folder's labels already written (this list's go over them), read as text."""
    if not path.exists():
        return {}
    try:
        there = OmegaConf.to_container(read_config(path), resolve=True) or {}
    except OmegaConfBaseException as err:
        raise ConfigError(str(path), f"cannot be read as labels: {str(err)[:200]}") from None
    if not isinstance(there, dict) or not all(isinstance(v, dict) for v in there.values()):
        raise ConfigError(str(path), "a mapping of kinds (items:, departments:, ...), each of code: {en, zh}")
    return there


def export(path: Path, overwrite: bool = False) -> Path:
    """The shipped catalogue as an item list (a row per item), which ``write`` reads back; a
    file already there is kept unless ``overwrite``."""
    if path.is_dir() or ((path.exists() or path.is_symlink()) and not overwrite):
        raise ConfigError("--export", f"{path} exists: choose another name, or --force to replace it")
    folder_for(path.parent, "--export")
    cat, labels = catalogue()
    with path.open("w", encoding="utf-8", newline="") as file:
        out = csv.writer(file)
        out.writerow(
            [
                "code",
                "事项名称",
                "department",
                "limit_days",
                "committed_days",
                "documents",
                "kind",
                "visits",
                "online",
            ]
        )
        for key, item in cat["items"].items():
            zh = labels["items"].get(key, {}).get("zh", key)
            docs = "；".join(cat["documents"][d] for d in item.get("documents", []))
            visits = 2 if item.get("pickup", True) else 1
            out.writerow(
                csv_cell(cell)
                for cell in [
                    key,
                    zh,
                    item["department"],
                    item.get("limit_days", ""),
                    item.get("committed_days", ""),
                    docs,
                    "即办件" if item.get("on_the_spot") else "承诺件",
                    visits,
                    "是" if item.get("online") else "否",
                ]
            )
    return path


@refusing
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sim.calibrate.itemlist", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("list", type=Path, nargs="?", help="the item list: a UTF-8 CSV")
    parser.add_argument("--name", help="the scenario's (and its need's) name")
    parser.add_argument(
        "--out", type=Path, default=Path("my_configs"), help="the config folder to write into"
    )
    parser.add_argument(
        "--force", action="store_true", help="replace a scenario of that name in --out (or the --export file)"
    )
    parser.add_argument(
        "--export", type=Path, metavar="CSV", help="write the shipped catalogue as an item list"
    )
    args = parser.parse_args(argv)
    if args.export:
        print(f"catalogue: {export(args.export, args.force)}")
        return 0
    if args.list is None or not args.name:
        parser.error("give the list and --name (or --export CSV)")
    path = write(read_list(args.list), args.name, args.out, args.force)
    cat, labels = catalogue()
    have = ", ".join(f"{k} ({labels['departments'].get(k, {}).get('zh', k)})" for k in cat["departments"])
    for department in yaml.safe_load(path.read_text(encoding="utf-8")).get("departments", {}):
        print(f"note: department {department} is new (staff: the catalogue's estimate); to reuse one: {have}")
    print(
        f"scenario: {path}\nlabels: {args.out / 'labels.yaml'}\n"
        f"run it: python -m sim --config-dir {args.out} scenario={args.name}\n"
        f"sweep the reform's stages: python -m sim --multirun --config-dir {args.out} "
        f"scenario={args.name} design=single,bundled,full_standard\n"
        "report the sweep: python -m sim.analysis.report <the sweep's folder>"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
