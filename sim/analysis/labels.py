"""Display labels for reports and charts, in English or Chinese, from ``configs/labels.yaml``.

Code names (``bundled``, ``market.reviewers``) stay in the tidy tables for machines; a reader
sees ``Bundled (一件事)`` or ``市场监管 审核人员``. A name the file lacks is shown as its code name
with underscores as spaces, so a planner's own scenario reads before anyone labels it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd
from omegaconf import OmegaConf

from sim.experiment.config import CONFIGS

LANGUAGES = ("en", "zh")
FILE = Path(CONFIGS) / "labels.yaml"
# Table columns whose values are code names of a kind, and the kind.
COLUMN_KINDS = {
    "design": "designs",
    "lever": "levers",
    "pool": "pools",
    "busiest pool": "pools",
    "one more in": "pools",
    "item": "items",
    "need": "needs",
}


@cache
def _file() -> dict:
    return OmegaConf.to_container(OmegaConf.load(FILE))


@dataclass(frozen=True)
class Labels:
    lang: str = "en"

    def __post_init__(self) -> None:
        if self.lang not in LANGUAGES:
            raise ValueError(f"lang: {self.lang!r} is not one of {', '.join(LANGUAGES)}")

    def of(self, kind: str, code: str) -> str:
        """The label of ``code`` among ``kind`` (designs, levers, departments, roles, items, needs,
        measures, units, scenarios); pools (``department.role``) are composed."""
        if kind == "pools":
            department, _, role = code.partition(".")
            if not role:
                return self.of("departments", code)
            return f"{self.of('departments', department)} {self.of('roles', role)}"
        entry = _file().get(kind, {}).get(code)
        return entry[self.lang] if entry else code.replace("_", " ")

    def has(self, kind: str, code: str) -> bool:
        return code in _file().get(kind, {})

    def design(self, code: str) -> str:
        return self.of("designs", code)

    def pool(self, code: str) -> str:
        return self.of("pools", code)

    def frame(self, table: pd.DataFrame) -> pd.DataFrame:
        """A table for reading: code names in the known columns replaced by their labels."""
        out = table.copy()
        for column, kind in COLUMN_KINDS.items():
            if column in out.columns:
                out[column] = [self.of(kind, v) if isinstance(v, str) else v for v in out[column]]
        return out
