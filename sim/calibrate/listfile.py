"""A table as an office keeps it (an item list, a staff table): CSV in UTF-8 or GB18030 (what
Excel writes on a Chinese system), UTF-16 text (Excel's "Unicode text"), or an xlsx workbook;
its columns found by any of their names; every cell checked and bounded as it is read.

Read, not trusted: a file of at most ``MAX_BYTES`` (an xlsx's parts at most ``MAX_UNZIPPED``
once unpacked), at most ``MAX_ROWS`` rows of at most ``MAX_FIELD`` characters a cell, no row
with more cells than the header, no column named twice; control and invisible characters read
as spaces or dropped (``sim.domain.untrusted``), a cell this project wrote with a leading ``'``
against spreadsheet formulas read back as it was. Each refusal names the row (as a spreadsheet
numbers it: the header is row 1) and the column.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from sim.domain.errors import ConfigError
from sim.domain.untrusted import clean, from_csv_cell

MAX_BYTES = 2_000_000
MAX_UNZIPPED = 20_000_000  # an xlsx's parts, unpacked (a zip bomb expands a thousandfold)
MAX_PARTS = 1000
MAX_ROWS = 500
MAX_COLUMNS = 200
MAX_FIELD = 4000  # characters of one cell: a long list of documents fits
ENCODINGS = ("utf-8-sig", "gb18030")  # UTF-8 (with Excel's BOM or without), then what Excel writes in China


@dataclass
class Table:
    """``rows``: each row's cells by field (only the fields ``columns`` knows, non-empty cells);
    ``lines``: each row's line in the file; ``ignored``: columns read but not used;
    ``header``: the file's own column names."""

    rows: list[dict[str, str]]
    lines: list[int]
    header: list[str]
    ignored: list[str] = field(default_factory=list)
    sheets: dict[str, list[list[str]]] = field(default_factory=dict)  # an xlsx's other sheets, raw


def read_table(path: Path, columns: dict[str, tuple[str, ...]], key: str, sheet: str | None = None) -> Table:
    """The table at ``path`` with its columns named by ``columns`` (field -> the names it goes
    by, compared without spaces, case or full-width forms). ``key`` names the input in errors."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(key, f"no such file: {path}")
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise ConfigError(key, f"{path.name} is {size:,} bytes, more than the {MAX_BYTES:,} a list may hold")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        grids = _workbook(path, key)
        first = next(iter(grids))
        grid = grids[sheet] if sheet in grids else grids[first]
        table = sheet_table(grid, columns, key, path.name)
        table.sheets = {name: g for name, g in grids.items() if g is not grid}
        return table
    if path.suffix.lower() not in (".csv", ".txt", ".tsv"):
        raise ConfigError(key, f"{path.name}: read .csv (UTF-8 or GB18030), .txt (UTF-16) or .xlsx")
    return sheet_table(_csv_grid(path.read_bytes(), key, path.name), columns, key, path.name)


def normal(name: str) -> str:
    """A column name as compared: no spaces, lower case, full-width forms folded (（）→())."""
    folded = "".join(chr(ord(c) - 0xFEE0) if 0xFF01 <= ord(c) <= 0xFF5E else c for c in name)
    return "".join(folded.split()).lower().replace("\u3000", "")


def _csv_grid(data: bytes, key: str, name: str) -> list[list[str]]:
    text = _decode(data, key, name)
    first = text.split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    grid = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for row in reader:
            grid.append(row)
            if len(grid) > MAX_ROWS + 1:
                raise ConfigError(key, f"{name}: more than the {MAX_ROWS:,} rows a list may hold")
    except csv.Error as err:  # a cell past csv's own limit, a stray quote at the end
        raise ConfigError(f"{key} row {reader.line_num}", f"cannot be read as CSV: {err}") from None
    return grid


def _decode(data: bytes, key: str, name: str) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as err:
            raise ConfigError(key, f"{name} is not UTF-16 text (byte {err.start})") from None
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError as err:
            at = err.start
    raise ConfigError(key, f"{name} is neither UTF-8 nor GB18030 text (byte {at}); save it as UTF-8 CSV")


def _workbook(path: Path, key: str) -> dict[str, list[list[str]]]:
    """Each sheet's cells as text, the workbook's unpacked size checked before it is opened."""
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError) as err:
        raise ConfigError(key, f"{path.name} cannot be read as xlsx: {err}") from None
    unpacked = sum(p.file_size for p in parts)
    if len(parts) > MAX_PARTS or unpacked > MAX_UNZIPPED:
        raise ConfigError(
            key,
            f"{path.name} unpacks to {unpacked:,} bytes in {len(parts):,} parts, more than {MAX_UNZIPPED:,}",
        )
    from openpyxl import load_workbook  # only for a workbook: it takes a second to import

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as err:  # openpyxl raises many kinds for a broken workbook
        raise ConfigError(key, f"{path.name} cannot be read as xlsx: {str(err)[:200]}") from None
    grids = {}
    try:
        for sheet in book.worksheets:
            grid = []
            for row in sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS + 1):
                grid.append(["" if v is None else _cell_text(v) for v in row])
                if len(grid) > MAX_ROWS + 1:
                    raise ConfigError(
                        key, f"{path.name}: sheet {sheet.title[:40]!r} has more than {MAX_ROWS:,} rows"
                    )
            grids[sheet.title] = grid
    finally:
        book.close()
    if not grids:
        raise ConfigError(key, f"{path.name} holds no sheet")
    return grids


def _cell_text(value: object) -> str:
    """A workbook's cell as the text it shows: whole numbers without '.0'."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def sheet_table(grid: list[list[str]], columns: dict[str, tuple[str, ...]], key: str, name: str) -> Table:
    """A grid of cells (a workbook's sheet, a CSV's rows) read as a table, as ``read_table`` does."""
    grid = [row for row in grid if any(str(c).strip() for c in row)]
    if not grid:
        raise ConfigError(key, f"{name} holds no rows")
    header = [clean(h, 200) for h in grid[0]]
    while header and not header[-1]:
        header.pop()
    if len(header) > MAX_COLUMNS:
        raise ConfigError(key, f"{name}: {len(header):,} columns, more than {MAX_COLUMNS}")
    field_of = {normal(alias): f for f, aliases in columns.items() for alias in aliases}
    fields: list[str | None] = []
    seen: dict[str, str] = {}
    for h in header:
        f = field_of.get(normal(h))
        if f is not None and f in seen:
            raise ConfigError(f"{key}.{f}", f"two columns say the same: '{seen[f]}' and '{h}'")
        if f is not None:
            seen[f] = h
        fields.append(f)
    ignored = [h for h, f in zip(header, fields, strict=True) if f is None and h]
    rows, lines = [], []
    for n, row in enumerate(grid[1:], start=2):
        extra = [c for c in row[len(header) :] if str(c).strip()]
        if extra:
            raise ConfigError(
                f"{key} row {n}", f"{len(header) + len(extra)} cells under a header of {len(header)} columns"
            )
        cells = {}
        for f, h, cell in zip(fields, header, row, strict=False):
            if f is None:
                continue
            if len(cell) > MAX_FIELD:
                raise ConfigError(
                    f"{key} row {n}.{f}", f"'{h}' holds {len(cell):,} characters, more than {MAX_FIELD:,}"
                )
            lines_of = (clean(part, MAX_FIELD) for part in from_csv_cell(cell.strip()).splitlines())
            text = "\n".join(filter(None, lines_of))  # a cell's own lines kept: documents one a line
            if text:
                cells[f] = text
        rows.append(cells)
        lines.append(n)
    if len(rows) > MAX_ROWS:
        raise ConfigError(key, f"{name}: {len(rows):,} rows, more than the {MAX_ROWS:,} a list may hold")
    return Table(rows, lines, header, ignored)
