"""Text from outside (an office's log, its item list, a labels file): cleaned where it is read,
and written so that no reader takes it for more than text.

- Read: control characters become spaces, and the invisible format characters (zero-width
  spaces and joiners, the right-to-left and embedding marks that can make a name display as
  another, Unicode category Cf) are removed, then the text is cut at its bound. A name that
  differs from another only by such a mark is the same name.
- Written to CSV: a cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
  return is read by spreadsheets as a formula; it gets a leading ``'`` (OWASP's advice on CSV
  injection), which spreadsheets show as text and ``from_csv_cell`` takes off again. Numbers
  stay numbers: only text columns are touched.
- Written to YAML: a string any YAML reader would read as something else (``1e3`` is a number to
  OmegaConf, ``no`` a boolean to every reader) is quoted.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pandas as pd
import yaml
from omegaconf import OmegaConf

FORMULA = ("=", "+", "-", "@", "\t", "\r")


def clean(text: object, limit: int) -> str:
    """``text`` as one line of visible text of at most ``limit`` characters."""
    out = []
    for c in str(text):
        kind = unicodedata.category(c)
        if kind == "Cf":
            continue
        out.append(" " if kind == "Cc" else c)
    return "".join(out).strip()[:limit]


def clean_column(values: pd.Series, limit: int) -> pd.Series:
    """``clean`` over a column of text, computed once per distinct value."""
    distinct = pd.unique(values)
    return values.map({v: clean(v, limit) for v in distinct})


def csv_cell(value: object) -> object:
    """A cell a spreadsheet shows as the text it is."""
    if isinstance(value, str) and value.startswith(FORMULA):
        return "'" + value
    return value


def from_csv_cell(value: str) -> str:
    """A cell as ``csv_cell`` wrote it, back to its text."""
    if value.startswith("'") and value[1:].startswith(FORMULA):
        return value[1:]
    return value


def csv_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every text cell made safe for a spreadsheet (see ``csv_cell``)."""
    text = [c for c in frame.columns if frame[c].dtype == object or pd.api.types.is_string_dtype(frame[c])]
    if not text:
        return frame
    out = frame.copy()
    for c in text:
        column = out[c]
        risky = column.astype(str).str.startswith(FORMULA) & column.notna()
        if risky.any():
            out[c] = column.astype(object).where(~risky, "'" + column.astype(str))
    return out


def write_csv(frame: pd.DataFrame, path: str | Path, **options) -> None:
    """``frame.to_csv(path)`` with every text cell made safe for a spreadsheet."""
    csv_frame(frame).to_csv(path, **{"index": False, **options})


def yaml_flow(value: object) -> str:
    """``value`` as YAML in flow style, each string quoted where a reader would take it for
    anything but itself (PyYAML quotes what its own reader would misread; OmegaConf's also reads
    ``1e3`` as a number), and ``${`` written ``\\${``, OmegaConf's literal, not a reference."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{yaml_flow(k)}: {yaml_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(yaml_flow(v) for v in value) + "]"
    if isinstance(value, str) and "${" in value:
        value = value.replace("${", "\\${")
    text = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=10_000, sort_keys=False)
    text = text.strip().removesuffix("\n...")
    if isinstance(value, str) and not _reads_back(text, value):
        text = yaml.safe_dump(value, default_style='"', allow_unicode=True, width=10_000).strip()
    return text


def _reads_back(text: str, value: str) -> bool:
    try:
        return OmegaConf.to_container(OmegaConf.create(f"k: {text}"))["k"] == value
    except Exception:  # anything a reader objects to is quoted
        return False
