"""``python -m sim.calibrate.itemlist``: an office's item list (政务服务事项实施清单) in, a
scenario out; and the catalogue out as a list.

    python -m sim.calibrate.itemlist LIST.csv --name my_bundle --out my_configs/ [--staff STAFF.csv]
    python -m sim.calibrate.itemlist --export catalogue.csv      # the shipped catalogue as a list

A bureau keeps its items as a list, a row per item, with the 实施清单 standard's columns or
their common variants (``sim.calibrate.listrows.COLUMNS``; README's table is its
``columns_table()``): the item and its code, its kind (事项类型), the department (实施主体),
limits (``/`` and ``无``: none; ``即办``: on the spot), documents, documents government holds
(共享材料), prerequisites and results (前置事项, 办理结果: the chain), trips, online or not,
annual volume (年办件量: demand), handling times, the lead department (牵头部门), and the next
steps' columns (智能审批, 免申即享, 跨域通办). Read as ``sim.calibrate.listfile`` reads a
table: CSV in UTF-8 or GB18030, UTF-16 text, or xlsx (whose sheet named 人员 or staff is the
staff table; ``--staff`` gives one as a file). The scenario lands in
``<out>/scenario/<name>.yaml`` over the catalogue, its labels in both languages in
``<out>/labels.yaml``; staff the table does not give are sized by the catalogue's planning
rule (each pool offered under 85 %), and every pool so sized is named.
"""

from __future__ import annotations

import argparse
import csv
import sys
from dataclasses import dataclass
from pathlib import Path

from omegaconf import OmegaConf
from omegaconf.errors import OmegaConfBaseException

import sim.calibrate.conventions as conventions
import sim.calibrate.listcells as cells
from sim.calibrate.listrows import COLUMNS, ROLES, STAFF_COLUMNS, ItemList, read_list
from sim.calibrate.listscenario import DEFAULT_DEMAND, Described, catalogue, scenario_from
from sim.calibrate.scenario_file import to_yaml
from sim.domain.design import PRESETS
from sim.domain.errors import ConfigError, folder_for, refusing
from sim.domain.loads import arrivals_per_rate, offered_loads
from sim.domain.untrusted import csv_cell
from sim.experiment.loading import load_scenario  # checks a scenario as a run would
from sim.experiment.safety import MAX_FILE_BYTES, read_config

__all__ = ["Imported", "export", "main", "read_list", "scenario_from", "write"]
ONE_STOP = ("综合窗口", "一窗受理", "one_stop")
HOURS_A_YEAR = 8766
# the reform's stages a study runs: each pool sized where the heaviest of them loads it (the
# one-stop window takes every visit of every item under one_stop_window, the checklists unmerged)
STAGES = ("single", "one_stop_window", "bundled", "full_standard")


@dataclass
class Imported:
    """Where the scenario was written, and what the planner should know of it."""

    path: Path
    warnings: list[str]


def write(
    rows: ItemList | list[dict[str, str]],
    name: str,
    out: Path,
    overwrite: bool = False,
    label: str | None = None,
) -> Imported:
    """The scenario file and labels for the list in ``out``, checked by loading it: staff from
    the list's staff table, the rest sized by the catalogue's planning rule; nothing of a
    refused list left behind."""
    listed = rows if isinstance(rows, ItemList) else ItemList(rows, [k + 2 for k in range(len(rows))])
    found = scenario_from(listed, name, label)
    path, label_path = out / "scenario" / f"{name}.yaml", out / "labels.yaml"
    if path.exists() and not overwrite:
        raise ConfigError("--out", f"{path} exists: choose another folder, or --force to replace it")
    cat, shipped = catalogue()
    names = {v["zh"]: k for k, v in (shipped["departments"] | found.labels["departments"]).items()}
    given = _staffing(listed.staff, names, set(found.data["departments"]) | set(cat["departments"]))
    made = [d for d in (out, path.parent) if not d.exists()]
    folder_for(path.parent, "--out")
    try:
        _settle(found, listed, given, path, out)
    except BaseException:  # nothing of a refused list is left behind
        path.unlink(missing_ok=True)
        for folder in reversed(made):
            folder.rmdir()
        raise
    existing = _labels_there(label_path)
    for part, entries in found.labels.items():
        existing.setdefault(part, {}).update(entries)
    label_path.write_text(to_yaml(existing, {}, ""), encoding="utf-8")  # text quoted as text
    return Imported(path, found.warnings)


def _staffing(
    staff: list[dict[str, str]], names: dict[str, str], keys: set[str]
) -> dict[tuple[str, str], int]:
    """The staff table as (department key, role) -> people (``names``: a department's name to
    its key); a department it names that the scenario lacks is an error naming its row."""
    out = {}
    for n, row in enumerate(staff, start=2):
        where = row.get("department", "")
        department = "one_stop" if where in ONE_STOP else where if where in keys else names.get(where)
        if department is None:
            raise ConfigError(
                f"staff row {n}.department", f"'{where[:60]}' is no department of the list or the catalogue"
            )
        pairs = (
            [(row["role"], row.get("staff", ""))]
            if row.get("role")
            else [(r, row[r]) for r in ROLES if row.get(r)]
        )
        for text, count in pairs:
            role = next((r for r in ROLES if text == r or text in STAFF_COLUMNS[r]), None)
            if role is None:
                raise ConfigError(
                    f"staff row {n}.role",
                    f"one of {', '.join(ROLES)} (窗口人员, 审核人员, 负责人, 勘查人员), got {text[:40]!r}",
                )
            people = int(cells.number(count, f"staff row {n}.staff", 0 if role != "clerks" else 1, 10_000))
            out[(department, "clerks" if department == "one_stop" else role)] = people
    return out


def _settle(out: Described, listed: ItemList, given: dict, path: Path, folder: Path) -> None:
    """Write and load the scenario: with the staff table's staff, the demand of the list's
    volume over the windows' open hours, and each pool the table does not staff sized by the
    planning rule under each of the reform's stages in turn (``STAGES``)."""
    data, name = out.data, out.name
    for (department, role), n in given.items():
        key = "one_stop.clerks" if department == "one_stop" else f"departments.{department}.{role}"
        _staff(data, department, role, n)
        out.notes[key] = "the office's staff table"
        out.provenance[key] = {"tag": "S", "source": "the office's staff table"}
    _text(out, listed, path)
    scenario = load_scenario(name, config_dir=folder)
    if out.yearly is not None:
        item, per_year = out.yearly
        data["demand"] = {
            name: round(per_year * (scenario.horizon / HOURS_A_YEAR) / arrivals_per_rate(scenario), 6)
        }
        out.provenance[f"demand.{name}"] = {
            "tag": "S",
            "source": f"the list's 年办件量 of {item}: {per_year:g} a year",
        }
        out.notes[f"demand.{name}"] = (
            f"{per_year:g} cases a year (the list's 年办件量 of {item}) over the windows' open hours"
        )
    sized = []
    for design in STAGES:
        _text(out, listed, path)
        scenario = load_scenario(name, config_dir=folder)
        for pool, load in offered_loads(scenario, PRESETS[design]).items():
            department, _, role = pool.rpartition(".")
            if (
                (department, role) in given
                or load < conventions.PLANNING
                or department not in {"one_stop", *scenario.departments}
            ):
                continue
            before = (
                scenario.one_stop.clerks
                if department == "one_stop"
                else getattr(scenario.departments[department], role)
            )
            background = (
                scenario.departments[department].background.get(role, 0.0)
                if department != "one_stop"
                else 0.0
            )
            n = conventions.staffed(load, before, background)
            _staff(data, department, role, n)
            key = "one_stop.clerks" if department == "one_stop" else f"departments.{department}.{role}"
            out.provenance[key] = {
                "tag": "E",
                "source": f"the catalogue's planning rule: offered {load:.0%} at {before}",
            }
            out.notes[key] = f"E: sized by the planning rule (offered {load:.0%} at {before} under {design})"
            sized.append(f"{pool} {before} -> {n} (offered {load:.0%} under {design})")
    if sized:
        out.warnings.append(
            "staff sized by the catalogue's planning rule (under 85 % offered): " + "; ".join(sized)
        )
    _text(out, listed, path)
    load_scenario(name, config_dir=folder)


def _staff(data: dict, department: str, role: str, n: int) -> None:
    if department == "one_stop":
        data["one_stop"] = {"clerks": n}
    else:
        data["departments"].setdefault(department, {})[role] = n


def _text(out: Described, listed: ItemList, path: Path) -> None:
    data = {k: v for k, v in out.data.items() if v != {}}
    data.setdefault("demand", {out.name: DEFAULT_DEMAND})
    if out.yearly is None:
        out.provenance[f"demand.{out.name}"] = {
            "tag": "E",
            "source": "a small share of a district's; set your own",
        }
    data["provenance"] = out.provenance
    header = (
        f"From an item list ({len(listed.rows)} rows) by python -m sim.calibrate.itemlist, over the "
        "catalogue.\nWhat the list says carries its row; the rest is the catalogue's conventions (E; "
        "configs/scenario/README.md)."
    )
    text = (
        "defaults:\n  - /catalogue/xiamen\n  - _self_\n\n"
        + to_yaml(data, out.notes, header).split("\n", 2)[-1]
    )
    text = "\n".join(f"# {line}" for line in header.splitlines()) + "\n" + text
    if len(text.encode()) > MAX_FILE_BYTES:
        raise ConfigError(
            "list",
            f"it makes a scenario of {len(text.encode()):,} bytes, more than a config file may hold "
            f"({MAX_FILE_BYTES:,}): split the list by need",
        )
    path.write_text(text, encoding="utf-8")


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


EXPORTED = (  # the list's columns an export writes, by field (listrows.COLUMNS names each)
    "code", "item", "department", "limit_days", "committed_days", "handling", "visits", "online",
    "documents", "shared", "prerequisites", "result", "minor", "commitment", "forms", "anywhere",
    "automatable", "proactive",
)  # fmt: skip


def export(path: Path, overwrite: bool = False) -> Path:
    """The shipped catalogue as an item list (a row per item, the 实施清单's column names), which
    ``write`` reads back to the same items; a file already there is kept unless ``overwrite``."""
    if path.is_dir() or ((path.exists() or path.is_symlink()) and not overwrite):
        raise ConfigError("--export", f"{path} exists: choose another name, or --force to replace it")
    folder_for(path.parent, "--export")
    cat, labels = catalogue()
    zh = {key: labels["items"].get(key, {}).get("zh", key) for key in cat["items"]}
    held, forms = cat.get("held_by", {}), set(cat.get("forms", []))

    def named(documents: list[str]) -> str:
        return "；".join(cat["documents"][d] for d in documents)

    with path.open("w", encoding="utf-8", newline="") as file:
        out = csv.writer(file)
        out.writerow([COLUMNS[f][0][0] for f in EXPORTED])
        for key, item in cat["items"].items():
            docs = item.get("documents", [])
            commitment = item.get("commitment") or {}
            cells_ = {
                "code": key,
                "item": zh[key],
                "department": item["department"],
                "limit_days": item.get("limit_days", "/") if item.get("limit_days") is not None else "/",
                "committed_days": item.get("committed_days", "/")
                if item.get("committed_days") is not None
                else "/",
                "handling": "即办件" if item.get("on_the_spot") else "承诺件",
                "visits": 2 if item.get("pickup", True) else 1,
                "online": "是" if item.get("online") else "否",
                "documents": named(docs),
                "shared": named([d for d in docs if d in held]),
                "prerequisites": "；".join(zh[p] for p in item.get("prerequisites", [])),
                "result": cat["documents"][item["produces"]] if item.get("produces") else "",
                "minor": named(item.get("minor_documents", [])),
                "commitment": named(commitment.get("replaces", [])),
                "forms": named([d for d in docs if d in forms]),
                "anywhere": "是" if item.get("anywhere") else "否",
                "automatable": item.get("automatable", 0),
                "proactive": item.get("proactive", 0),
            }
            out.writerow(csv_cell(cells_[f]) for f in EXPORTED)
    return path


@refusing
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sim.calibrate.itemlist", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument(
        "list", type=Path, nargs="?", help="the item list: CSV (UTF-8 or GB18030), UTF-16 text or xlsx"
    )
    parser.add_argument("--name", help="the scenario's (and its need's) name")
    parser.add_argument("--label", help="the bundle's name in reports (二手房转移登记一件事; else --name)")
    parser.add_argument(
        "--out", type=Path, default=Path("my_configs"), help="the config folder to write into"
    )
    parser.add_argument(
        "--staff", type=Path, metavar="TABLE", help="the staff table (else an xlsx's sheet 人员, else sized)"
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
    done = write(read_list(args.list, args.staff), args.name, args.out, args.force, args.label)
    path = done.path
    for warning in done.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    folder = _shown(args.out)
    print(
        f"scenario: {path}\nlabels: {args.out / 'labels.yaml'}\n"
        f"run it: python -m sim --config-dir {folder} scenario={args.name}\n"
        f"the reform's stages and report: python -m sim --multirun --config-dir {folder} "
        f"scenario={args.name} +experiment=reform_study && python -m sim.analysis.report "
        f"results/reform_study/{args.name}"
    )
    return 0


def _shown(folder: Path) -> str:
    """A folder as the planner would type it: relative to here when it is below here."""
    try:
        return str(folder.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(folder)


if __name__ == "__main__":
    sys.exit(main())
