"""Compact column stores for per-case and per-step records.

Rows are gathered in small batches of tuples and flushed into numpy blocks, and
names become small integer codes, so a run of a million cases costs tens of bytes per record
instead of a Python object each, and appending a row is a single list append. The event log,
the one table that grows by many rows per case, can be handed on in chunks as the run goes
(``Recorder.spill_steps``), so a long run's memory does not grow with it.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import chain

import numpy as np

BATCH = 4096
SPILL_ROWS = 1 << 20  # event-log rows handed on at once when spilling: 56 MB of columns


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


CASE_INT_COLUMNS = (
    "case",
    "need",
    "channel",
    "trips",
    "specialist_trips",
    "far_trips",
    "documents",
    "distinct_documents",
    "windows",
    "reworks",
)
# The parts of a case's lead time (hours along the path that finished last; they add up to it):
# waiting for and served at windows, the applicant's own time (fixing a dossier, coming when the
# windows open, coming for results), queueing and work in back offices, waiting for a batch,
# sitting or booked slot, and the post.
PARTS = (
    "window_queue",
    "window_service",
    "applicant",
    "office_queue",
    "office_work",
    "scheduled",
    "delivery",
)
CASE_FLOAT_COLUMNS = ("arrival", "completion", "waiting", *PARTS)
STEP_INT_COLUMNS = ("case", "item", "activity", "resource")
STEP_FLOAT_COLUMNS = ("enqueue", "start", "end")
# commitment: 0 on review, 1 on commitment, 2 revoked, 3 by rules (智能办)
DECISION_INT_COLUMNS = ("case", "item", "commitment")
DECISION_FLOAT_COLUMNS = ("accepted", "started", "decided", "paused")  # paused: the legal clock's stops
REQUEST_INT_COLUMNS = (
    "request",
    "class",
    "tier",
    "escalation",
    "overdue_departments",
    "departments",
    "n_departments",
    "specialist_trips",
    "satisfied",
    "resolved",  # 1 closed resolved, 0 closed unresolved (a hard request), -1 open
)
REQUEST_FLOAT_COLUMNS = ("arrival", "closed_at", "deadline", "heard")
OVERDUE_INT_COLUMNS = ("department", "overdue")
SITTING_INT_COLUMNS = ("agenda", "heard")
REQUEST_STEP_INT_COLUMNS = ("request", "activity", "resource")


class Table:
    """Columns of equal length; ``add`` takes one row (a tuple in column order) into ``rows``,
    the batch that ``flush`` turns into a block of the table (one float array of the batch's
    rows, made in one C pass: integer codes and counts are exact in it). ``columns`` joins the
    blocks and hands out each column as a numpy array, integers as int64."""

    def __init__(self, int_columns: tuple[str, ...], float_columns: tuple[str, ...]) -> None:
        self.names = (*int_columns, *float_columns)
        self._ints = len(int_columns)
        self._blocks: list[np.ndarray] = []
        self._rows_in_blocks = 0
        self.rows: list[tuple] = []
        self.add = self.rows.append

    def flush(self) -> None:
        rows = self.rows
        if rows:
            n, k = len(rows), len(self.names)
            self._blocks.append(
                np.fromiter(chain.from_iterable(rows), dtype=np.float64, count=n * k).reshape(n, k)
            )
            self._rows_in_blocks += n
            rows.clear()

    @property
    def columns(self) -> dict[str, np.ndarray]:
        self.flush()
        if len(self._blocks) != 1:  # joined once; later reads reuse the join
            self._blocks = [np.concatenate(self._blocks or [np.empty((0, len(self.names)))])]
        block = self._blocks[0]
        return {
            name: block[:, j].astype(np.int64) if j < self._ints else np.ascontiguousarray(block[:, j])
            for j, name in enumerate(self.names)
        }

    def __len__(self) -> int:
        return self._rows_in_blocks

    def take(self) -> dict[str, np.ndarray]:
        """The columns so far, leaving the table empty."""
        taken = self.columns
        self._blocks, self._rows_in_blocks = [], 0
        return taken


class Recorder:
    def __init__(self, record_steps: bool | float) -> None:
        """``record_steps``: the share of cases whose steps are logged (true: all, false: none);
        a share keeps every k-th case by id (k = 1 / share), the same cases under every design."""
        self.record_steps = record_steps > 0
        self.every = max(1, round(1 / record_steps)) if self.record_steps else 0
        self.cases = Table(CASE_INT_COLUMNS, CASE_FLOAT_COLUMNS)
        self.steps = Table(STEP_INT_COLUMNS, STEP_FLOAT_COLUMNS)
        self.decisions = Table(DECISION_INT_COLUMNS, DECISION_FLOAT_COLUMNS)
        # (case, item code, accepted, started, decided): each item's statutory clock
        self.decision = self.decisions.add
        self.requests = Table(REQUEST_INT_COLUMNS, REQUEST_FLOAT_COLUMNS)
        self.overdue = Table(OVERDUE_INT_COLUMNS, ("time",))  # each overdue report, per department
        self.sittings = Table(SITTING_INT_COLUMNS, ("time",))  # each sitting of the joint meeting
        self.request_steps = Table(REQUEST_STEP_INT_COLUMNS, STEP_FLOAT_COLUMNS)  # requests' event log
        self.needs = Codes()
        self.items = Codes()
        self.activities = Codes()
        self.resources = Codes()
        self.request_classes = Codes()
        self.departments = Codes()
        self.department_sets = Codes()  # "market+tax": the departments a request involved
        self._spill: Callable[[dict[str, np.ndarray]], None] | None = None

    def spill_steps(self, to: Callable[[dict[str, np.ndarray]], None]) -> None:
        """Hand the event log's columns to ``to`` whenever SPILL_ROWS rows have gathered, instead
        of keeping them; ``end_spill`` hands on the rest."""
        self._spill = to

    def end_spill(self) -> None:
        if self._spill is not None:
            self._spill(self.steps.take())

    def case(self, row: tuple) -> None:
        """Append one case row, in the order CASE_INT_COLUMNS + CASE_FLOAT_COLUMNS; every table's
        batch is flushed with the cases' (a case writes a few steps and decisions at most)."""
        rows = self.cases.rows
        rows.append(row)
        if len(rows) >= BATCH:
            self.cases.flush()
            self.steps.flush()
            self.decisions.flush()
            if self._spill is not None and len(self.steps) >= SPILL_ROWS:
                self._spill(self.steps.take())

    def step(
        self, case: int, item: int, activity: int, resource: int, enqueue: float, start: float, end: float
    ) -> None:
        """Append one event-log row (codes from ``items``, ``activities``, ``resources``)."""
        if self.record_steps and case % self.every == 0:
            self.steps.add((case, item, activity, resource, enqueue, start, end))
