"""Text from outside (an office's log, its item list, a labels file): cleaned where it is read,
and written so that no reader takes it for more than text.

- Read: control characters and separators become spaces, and what does not print is removed:
  the invisible format characters (zero-width spaces and joiners, the right-to-left and
  embedding marks that can make a name display as another, Unicode category Cf), private-use
  and unassigned code points; then the text is cut at its bound. A name that differs from
  another only by such a mark is the same name.
- Written to CSV: a cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
  return is read by spreadsheets as a formula; it gets a leading ``'`` (OWASP's advice on CSV
  injection), which spreadsheets show as text and ``from_csv_cell`` takes off again. Numbers
  stay numbers: only text columns are touched.
- Written to YAML: a string any YAML reader would read as something else (``1e3`` is a number to
  OmegaConf, ``no`` a boolean to every reader) is quoted.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import pandas as pd
import yaml

FORMULA = ("=", "+", "-", "@", "\t", "\r")


def clean(text: object, limit: int) -> str:
    """``text`` as one line of printable text of at most ``limit`` characters: control
    characters and separators read as spaces; invisible format marks, private-use, unassigned
    and surrogate code points dropped."""
    out = []
    for c in str(text):
        if c.isprintable():
            out.append(c)
        elif unicodedata.category(c) in ("Cc", "Zs", "Zl", "Zp"):
            out.append(" ")
    return "".join(out).strip()[:limit]


def clean_column(values: pd.Series, limit: int) -> pd.Series:
    """``clean`` over a column of text, computed once per distinct value."""
    distinct = pd.unique(values)
    return values.map({v: clean(v, limit) for v in distinct})


def csv_cell(value: object) -> object:
    """A cell a spreadsheet shows as the text it is (a text that already begins with quotes
    before a formula gets one more, so that ``from_csv_cell`` gives back any text)."""
    if isinstance(value, str) and _formula(value):
        return "'" + value
    return value


def from_csv_cell(value: str) -> str:
    """A cell as ``csv_cell`` wrote it, back to its text."""
    if value.startswith("'") and _formula(value):
        return value[1:]
    return value


def _formula(value: str) -> bool:
    return value.lstrip("'").startswith(FORMULA)


def csv_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every text cell made safe for a spreadsheet (see ``csv_cell``)."""
    text = [c for c in frame.columns if frame[c].dtype == object or pd.api.types.is_string_dtype(frame[c])]
    if not text:
        return frame
    out = frame.copy()
    for c in text:
        column = out[c]
        risky = column.astype(str).str.lstrip("'").str.startswith(FORMULA) & column.notna()
        if risky.any():
            out[c] = column.astype(object).where(~risky, "'" + column.astype(str))
    return out


def write_csv(frame: pd.DataFrame, path: str | Path, **options) -> None:
    """``frame.to_csv(path)`` with every text cell made safe for a spreadsheet, rows ended as
    RFC 4180 ends them (CRLF: a cell holding a lone carriage return is then quoted, not read
    as the end of its row)."""
    csv_frame(frame).to_csv(path, **{"index": False, "lineterminator": "\r\n", **options})


def yaml_flow(value: object, key: bool = False) -> str:
    """``value`` as YAML in flow style, each string quoted where a reader would take it for
    anything but itself (PyYAML quotes what its own reader would misread; OmegaConf's also reads
    ``1e3`` as a number), and ``${`` in a value written ``\\${``, OmegaConf's literal, not a
    reference (a ``key`` is never resolved)."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{yaml_flow(k, key=True)}: {yaml_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(yaml_flow(v) for v in value) + "]"
    if isinstance(value, str):
        return _text(value if key else value.replace("${", "\\${"))
    text = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=10_000)
    return text.strip().removesuffix("\n...")


@lru_cache(maxsize=65_536)
def _text(value: str) -> str:
    """A string as a flow item: dumped inside a list, so that PyYAML weighs flow indicators
    (``{``, ``,``, ``]``) too; double-quoted where it does not print, or where OmegaConf's
    reader would take its plain form for a number."""
    if value.isprintable():
        text = yaml.safe_dump([value], default_flow_style=True, allow_unicode=True, width=10_000)
        text = text.strip()[1:-1]
        if not OMEGACONF_FLOAT.match(text):
            return text
    return yaml.safe_dump(value, default_style='"', allow_unicode=True, width=10_000).strip()


# OmegaConf's reader adds this float resolver to YAML 1.1's (omegaconf's get_yaml_loader): a plain
# scalar it matches is read as a number.
OMEGACONF_FLOAT = re.compile(
    r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?
    |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)
    |\.[0-9_]+(?:[eE][-+][0-9]+)?
    |[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*
    |[-+]?\.(?:inf|Inf|INF)
    |\.(?:nan|NaN|NAN))$""",
    re.X,
)
