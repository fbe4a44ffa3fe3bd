"""Display labels for reports and charts, in English or Chinese, from ``configs/labels.yaml``
and from a ``labels.yaml`` in each folder of a planner's own configs (``--config-dir``), whose
entries come first.

Code names (``bundled``, ``market.reviewers``) stay in the tidy tables for machines; a reader
sees ``Bundled (一件事)`` or ``市场监管 审核人员``. A name the files lack is shown as its code name
with underscores as spaces, so a planner's own scenario reads before anyone labels it; a label
given in one language only stands for both.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd
from omegaconf import OmegaConf
from omegaconf.errors import OmegaConfBaseException

from sim.analysis import phrases
from sim.domain.errors import ConfigError
from sim.domain.routes import MAX_LABEL
from sim.domain.untrusted import clean
from sim.experiment.config import CONFIGS
from sim.experiment.safety import read_config

LANGUAGES = ("en", "zh")
FILE = Path(CONFIGS) / "labels.yaml"
# Table columns whose values are code names of a kind, and the kind.
COLUMN_KINDS = {
    "design": "designs",
    "lever": "levers",
    "estimate": "estimates",
    "pool": "pools",
    "busiest pool": "pools",
    "one more in": "pools",
    "item": "items",
    "need": "needs",
}
# Table columns whose values are the report's own words (yes, no, mean, a measure's name).
WORD_COLUMNS = ("statistic", "met", "measure", "office inside", "within tolerance", "attainable")


@cache
def _files(folders: tuple[Path, ...]) -> dict:
    """The shipped labels with each folder's ``labels.yaml`` over them, kind by kind: a
    planner's file is untrusted, so each of its labels is checked (a mapping of kinds, each a
    mapping of code names to ``{en, zh}`` of at most ``MAX_LABEL`` characters of one line)."""
    merged = OmegaConf.to_container(OmegaConf.load(FILE))
    for folder in folders:
        path = Path(folder) / "labels.yaml"
        if not path.is_file():
            continue
        try:
            theirs = OmegaConf.to_container(read_config(path), resolve=True)
        except OmegaConfBaseException as err:  # a reference to a key it lacks
            raise ConfigError(str(path), f"a label is text, not a reference: {str(err)[:200]}") from None
        if theirs is None:
            continue
        if not isinstance(theirs, dict):
            raise ConfigError(
                str(path), "a mapping of kinds (items:, departments:, ...), each of code: {en, zh}"
            )
        for kind, entries in theirs.items():
            if not isinstance(entries, dict):
                raise ConfigError(f"{path}: {kind}", "a mapping of code names to {en: ..., zh: ...}")
            for code, entry in entries.items():
                key = f"{path}: {kind}.{str(code)[:80]}"
                if not (isinstance(entry, dict) and entry and set(entry) <= set(LANGUAGES)):
                    raise ConfigError(
                        key, f"a label is {{en: ..., zh: ...}} (either or both), got {str(entry)[:80]!r}"
                    )
                for lang, text in entry.items():
                    if not isinstance(text, (str, int, float)) or not 0 < len(str(text)) <= MAX_LABEL:
                        raise ConfigError(
                            f"{key}.{lang}",
                            f"a label is text of 1 to {MAX_LABEL} characters, got {str(text)[:80]!r}",
                        )
                entry = {k: clean(v, MAX_LABEL) for k, v in entry.items()}
                merged.setdefault(str(kind), {})[str(code)] = entry
    return merged


@dataclass(frozen=True)
class Labels:
    lang: str = "en"
    folders: tuple[Path, ...] = ()  # a planner's config folders, whose labels.yaml come first

    def __post_init__(self) -> None:
        if self.lang not in LANGUAGES:
            raise ValueError(f"lang: {self.lang!r} is not one of {', '.join(LANGUAGES)}")

    def of(self, kind: str, code: str) -> str:
        """The label of ``code`` among ``kind`` (designs, levers, departments, roles, items, needs,
        measures, units, scenarios, studies, estimates); pools (``department.role``) are composed."""
        if kind == "pools":
            department, _, role = code.partition(".")
            if not role:
                return self.of("departments", code)
            return f"{self.of('departments', department)} {self.of('roles', role)}"
        entry = _files(self.folders).get(kind, {}).get(code)
        if not entry:
            return code.replace("_", " ")
        return entry.get(self.lang) or next(iter(entry.values()))

    def has(self, kind: str, code: str) -> bool:
        return code in _files(self.folders).get(kind, {})

    def design(self, code: str) -> str:
        return self.of("designs", code)

    def pool(self, code: str) -> str:
        return self.of("pools", code)

    def say(self, text: str, **fields: object) -> str:
        """The report's own words: ``text`` (English, a template when ``fields`` are given) in
        this language, its fields filled alike in both (``phrases``)."""
        said = phrases.translate(text, self.lang)
        return said.format(**fields) if fields else said

    def frame(self, table: pd.DataFrame) -> pd.DataFrame:
        """A table for reading: code names in the known columns replaced by their labels, and
        the column headers and the words of the word columns in this language (a text already
        in Chinese, a label, is kept)."""
        out = table.copy()
        for column, kind in COLUMN_KINDS.items():
            if column in out.columns:
                out[column] = [self.of(kind, v) if isinstance(v, str) else v for v in out[column]]
        for column in WORD_COLUMNS:
            if column in out.columns:
                out[column] = [
                    self.say(v) if v and isinstance(v, str) and not phrases.chinese(v) else v
                    for v in out[column]
                ]
        out.columns = [c if phrases.chinese(str(c)) else self.say(str(c)) for c in out.columns]
        return out
