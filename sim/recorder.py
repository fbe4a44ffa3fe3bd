"""Compact column stores for per-case and per-step records.

Numbers go into ``array.array`` columns and names into small integer codes, so a run of a
million cases costs tens of bytes per record instead of a Python object each.
"""

from __future__ import annotations

from array import array


class Codes:
    """Interns names as small integers (a category table)."""

    def __init__(self) -> None:
        self.names: list[str] = []
        self._index: dict[str, int] = {}

    def __call__(self, name: str) -> int:
        code = self._index.get(name)
        if code is None:
            code = self._index[name] = len(self.names)
            self.names.append(name)
        return code


CASE_INT_COLUMNS = ("case", "need", "trips", "documents", "distinct_documents", "windows", "reworks")
CASE_FLOAT_COLUMNS = ("arrival", "completion", "waiting")
STEP_INT_COLUMNS = ("case", "item", "activity", "resource")
STEP_FLOAT_COLUMNS = ("enqueue", "start", "end")


class Table:
    """Columns of equal length, appended to row by row."""

    def __init__(self, int_columns: tuple[str, ...], float_columns: tuple[str, ...]) -> None:
        self.columns = {c: array("q") for c in int_columns} | {c: array("d") for c in float_columns}

    def __len__(self) -> int:
        return len(next(iter(self.columns.values())))


class Recorder:
    def __init__(self, record_steps: bool) -> None:
        self.record_steps = record_steps
        self.cases = Table(CASE_INT_COLUMNS, CASE_FLOAT_COLUMNS)
        self.steps = Table(STEP_INT_COLUMNS, STEP_FLOAT_COLUMNS)
        self.needs = Codes()
        self.items = Codes()
        self.activities = Codes()
        self.resources = Codes()
        c, s = self.cases.columns, self.steps.columns
        self._case_append = tuple(c[n].append for n in CASE_INT_COLUMNS + CASE_FLOAT_COLUMNS)
        self._step_append = tuple(s[n].append for n in STEP_INT_COLUMNS + STEP_FLOAT_COLUMNS)

    def case(self, *values: float) -> None:
        """Append one case row, in the order CASE_INT_COLUMNS + CASE_FLOAT_COLUMNS."""
        for append, v in zip(self._case_append, values, strict=True):
            append(v)

    def step(
        self, case: int, item: int, activity: int, resource: int, enqueue: float, start: float, end: float
    ) -> None:
        """Append one event-log row (codes from ``items``, ``activities``, ``resources``)."""
        if self.record_steps:
            a = self._step_append
            a[0](case)
            a[1](item)
            a[2](activity)
            a[3](resource)
            a[4](enqueue)
            a[5](start)
            a[6](end)
