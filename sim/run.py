"""One replication: a model and its recorder turned into tidy tables, tagged with the run."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sim.domain.calendars import WorkingTime
from sim.domain.design import Design
from sim.domain.scenario import Scenario
from sim.model import Model
from sim.model.plans import CHANNELS
from sim.model.recorder import Codes, Recorder, Table
from sim.model.tiers import ESCALATIONS, TIERS


@dataclass(frozen=True)
class RunResult:
    """The tables of one run.

    ``cases``: one row per case (lead time in hours, trips, documents...), ``finished`` false
    for cases still open when the run stopped; its lead-time breakdown in hours
    (``sim.model.recorder.PARTS``: window_queue ... delivery) adds up to ``lead_time``.
    ``steps``: an event log, one row per activity of a case. ``resources``: each staff pool's
    utilisation (background work included) and time-averaged queue over [warm-up, horizon]
    (the joint meeting's: share of its seats filled, mean agenda). ``decisions``: one row per
    item of a case, its clock in working days against its statutory and committed limits
    (``on_time``, ``on_committed``), from when it could start (accepted at intake and the
    outputs of its prerequisites available: ``started``) to its decision. ``requests``: one
    row per enterprise request (class, tier reached, why it escalated, overdue departments,
    time to close) and ``request_steps`` their event log (front, analysis, each department's
    work, hearing); ``overdue``: each overdue report's count per department; ``sittings``:
    each sitting of the joint meeting (requests waiting, heard). The last three are empty
    without requests.
    ``info``: run-level facts (tags, arrivals, time-averaged cases in the system).
    """

    cases: pd.DataFrame
    steps: pd.DataFrame
    resources: pd.DataFrame
    decisions: pd.DataFrame
    requests: pd.DataFrame
    request_steps: pd.DataFrame
    overdue: pd.DataFrame
    sittings: pd.DataFrame
    info: dict = field(default_factory=dict)


def run(
    scenario: Scenario,
    design: Design,
    seed: int,
    *,
    replication: int = 0,
    record_steps: bool | float = True,
    log: Callable[[pd.DataFrame], None] | None = None,
    progress: Callable[[float], None] | None = None,
) -> RunResult:
    """Simulate replication ``replication`` of ``scenario`` under ``design`` with ``seed``;
    ``record_steps`` logs every case's steps (true), none, or a share of the cases. With ``log``,
    the event log goes to it in chunks of rows (each sorted by case and time, tagged like
    ``steps``) as the run goes, and ``steps`` comes back empty: memory does not grow with it.
    ``progress`` is told the share of the horizon simulated, a hundred times a run.

    Two designs run with the same seed and replication serve the same applicants. The scenario
    was checked when it was made (``Scenario`` validates itself), so nothing is checked here.
    """
    model = Model(scenario, design, seed, replication=replication, record_steps=record_steps)
    if log is not None:
        rec, tags = model.centre.recorder, _tags(model)
        rec.spill_steps(lambda columns: log(_tagged(_steps(rec, columns), tags)))
    model.run(progress)
    model.centre.recorder.end_spill()
    return tables(model)


def _tags(model: Model) -> dict:
    streams = model.centre.streams
    return {
        "scenario": model.scenario.name,
        "design": model.design.label,
        "seed": streams.seed,
        "replication": streams.replication,
    }


def tables(model: Model) -> RunResult:
    """The tables of a model that has run (``run`` does both; tests script models by hand). The
    recorder's cases, decisions and event log are taken, not copied: a model lingers until the
    cyclic collector finds it, and a district-year's records are some 200 MB, freed as each
    frame is made. So a model's tables are made once."""
    scenario, centre = model.scenario, model.centre
    tags = _tags(model)
    info = tags | {
        "horizon": scenario.horizon,
        "warmup": scenario.warmup,
        "far_trip_hours": scenario.away.trip_hours,
        "arrived": model.permits.arrived,
        "requests_arrived": model.desk.arrived if model.desk else 0,
        "requests_open_at_end": len(model.desk.open) if model.desk else 0,
        "request_departments": model.desk.departments if model.desk else [],
        "open_at_end": len(model.permits.open),
        "end_time": model.env.now,
    }
    cases = _cases(model)
    info["mean_in_system"] = _mean_in_system(cases, scenario.warmup, scenario.horizon)
    return RunResult(
        cases=_tagged(cases, tags),
        steps=_tagged(_steps(centre.recorder, centre.recorder.steps.take()), tags),
        resources=_tagged(_resources(model), tags),
        decisions=_tagged(_decisions(model, cases), tags),
        requests=_tagged(_requests(model), tags),
        request_steps=_tagged(_request_steps(model), tags),
        overdue=_tagged(_overdue(model), tags),
        sittings=_tagged(_frame(centre.recorder.sittings), tags),
        info=info,
    )


def _working_days(hours: WorkingTime | None, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Working days from ``a`` to ``b``: open hours over a working day's hours (24/7: days)."""
    if hours is None:
        return (b - a) / 24.0
    done = ~np.isnan(b)
    out = np.full(len(a), np.nan)
    out[done] = hours.open_hours_between(a[done], b[done]) / hours.day_hours
    return out


def _dates(model: Model, hours: np.ndarray) -> pd.Series:
    start = pd.Timestamp(model.scenario.start_date)
    return start + pd.to_timedelta(hours, unit="h")


def _frame(table: Table | dict[str, np.ndarray]) -> pd.DataFrame:
    return pd.DataFrame(table if isinstance(table, dict) else table.columns)


def _categories(codes: np.ndarray, names: Codes) -> pd.Categorical:
    return pd.Categorical.from_codes(codes, categories=pd.Index(names.names, dtype=str))


def _cases(model: Model) -> pd.DataFrame:
    df = _frame(model.centre.recorder.cases.take()).sort_values("case", ignore_index=True)
    df["need"] = _categories(df["need"].to_numpy(), model.centre.recorder.needs)
    df["channel"] = pd.Categorical.from_codes(
        df["channel"].to_numpy(), categories=pd.Index(CHANNELS, dtype=str)
    )
    df["finished"] = df["completion"].notna()
    df["lead_time"] = df["completion"] - df["arrival"]
    df["lead_time_days"] = df["lead_time"] / 24.0
    arrival, completion = df["arrival"].to_numpy(), df["completion"].to_numpy()
    df["lead_time_working_days"] = _working_days(model.centre.window_hours, arrival, completion)
    df["arrival_date"] = _dates(model, arrival)
    df["completion_date"] = _dates(model, completion)
    order = ["case", "need", "arrival", "completion", "lead_time", "finished", "trips", "documents"]
    return df[order + [c for c in df.columns if c not in order]]


def _decisions(model: Model, cases: pd.DataFrame) -> pd.DataFrame:
    rec = model.centre.recorder
    df = _frame(rec.decisions.take()).sort_values(["case", "accepted"], ignore_index=True, kind="stable")
    codes = df["item"].to_numpy()
    df["item"] = _categories(codes, rec.items)
    # cases are sorted by case number: the need of each decision's case by position
    df["need"] = cases["need"].array.take(np.searchsorted(cases["case"].to_numpy(), df["case"].to_numpy()))
    hours = model.centre.office_hours
    df["working_days"] = _working_days(hours, df["started"].to_numpy(), df["decided"].to_numpy())
    # The legal clock: working days less the time it stood still (uncounted steps, 补正)
    df["legal_days"] = df["working_days"] - df.pop("paused") / (24.0 if hours is None else hours.day_hours)
    items = model.scenario.items
    commitment = df.pop("commitment").to_numpy()  # 0 on review, 1 on commitment, 2 revoked, 3 by rules
    df["on_commitment"], df["revoked"] = (commitment == 1) | (commitment == 2), commitment == 2
    df["by_rules"] = commitment == 3  # 智能办: decided at acceptance by the item's rules
    for limit, verdict in (("limit_days", "on_time"), ("committed_days", "on_committed")):
        days = [getattr(items[name], limit) if name in items else None for name in rec.items.names]
        df[limit] = np.array([np.nan if v is None else v for v in days], dtype=float)[codes]
        df[verdict] = _within(df["working_days"], df[limit])
    df["on_time_legal"] = _within(df["legal_days"], df["limit_days"])
    return df


def _within(days: pd.Series, limit: pd.Series) -> pd.arrays.BooleanArray:
    """Whether each decision took at most its limit; missing where there is no limit."""
    met = pd.array(days <= limit, dtype="boolean")
    met[limit.isna().to_numpy()] = pd.NA
    return met


def _requests(model: Model) -> pd.DataFrame:
    rec = model.centre.recorder
    df = _frame(rec.requests).sort_values("request", ignore_index=True)
    df["class"] = _categories(df["class"].to_numpy(), rec.request_classes)
    df["tier"] = pd.Categorical.from_codes(df["tier"].to_numpy(), categories=pd.Index(TIERS, dtype=str))
    df["escalation"] = pd.Categorical.from_codes(
        df["escalation"].to_numpy(), categories=pd.Index(ESCALATIONS, dtype=str)
    )
    df["closed"] = df["closed_at"].notna()
    df["time_to_close"] = df["closed_at"] - df["arrival"]
    arrival, closed = df["arrival"].to_numpy(), df["closed_at"].to_numpy()
    df["working_days_to_close"] = _working_days(model.centre.office_hours, arrival, closed)
    listed_any = np.array([name != "" for name in rec.department_sets.names] or [False])
    df["overdue"] = listed_any[df["overdue_departments"].to_numpy()]
    for column in ("departments", "overdue_departments"):
        df[column] = _categories(df[column].to_numpy(), rec.department_sets)
    satisfied = pd.array(df["satisfied"] == 1, dtype="boolean")
    satisfied[(df["satisfied"] < 0).to_numpy()] = pd.NA
    df["satisfied"] = satisfied
    resolved = pd.array(df["resolved"] == 1, dtype="boolean")
    resolved[(df["resolved"] < 0).to_numpy()] = pd.NA
    df["resolved"] = resolved  # a hard request closed unresolved: closed, not resolved
    order = [
        "request",
        "class",
        "arrival",
        "closed_at",
        "closed",
        "time_to_close",
        "working_days_to_close",
        "tier",
    ]
    return df[order + [c for c in df.columns if c not in order]]


def _request_steps(model: Model) -> pd.DataFrame:
    rec = model.centre.recorder
    df = _frame(rec.request_steps)
    for column, names in (("activity", rec.activities), ("resource", rec.resources)):
        df[column] = _categories(df[column].to_numpy(), names)
    return df.sort_values(["request", "start", "end"], ignore_index=True, kind="stable")


def _overdue(model: Model) -> pd.DataFrame:
    rec = model.centre.recorder
    df = _frame(rec.overdue)
    df["department"] = _categories(df["department"].to_numpy(), rec.departments)
    df["date"] = _dates(model, df["time"].to_numpy())
    return df[["time", "date", "department", "overdue"]]


def _steps(rec: Recorder, columns: dict[str, np.ndarray]) -> pd.DataFrame:
    df = _frame(columns)
    for column, names in (("item", rec.items), ("activity", rec.activities), ("resource", rec.resources)):
        df[column] = _categories(df[column].to_numpy(), names)
    return df.sort_values(["case", "start", "end"], ignore_index=True, kind="stable")


def _mean_in_system(cases: pd.DataFrame, start: float, end: float) -> float:
    """Time-averaged number of open cases over [start, end], from each case's time in the system."""
    arrival = cases["arrival"].to_numpy()
    leave = np.nan_to_num(cases["completion"].to_numpy(), nan=np.inf)
    overlap = np.clip(np.minimum(leave, end) - np.maximum(arrival, start), 0, None)
    return float(overlap.sum() / (end - start))


def _resources(model: Model) -> pd.DataFrame:
    rows = []
    start, end = model.centre.snapshots["warmup"], model.centre.snapshots["horizon"]
    for name in model.centre.pools:
        busy, queue, staff, open_time = (e - s for e, s in zip(end[name], start[name], strict=True))
        # Staff give a share of every hour to background work; cases take the rest when seated.
        background = model.centre.pools[name].background
        rows.append(
            {
                "resource": name,
                "capacity": _ratio(staff, open_time),  # mean staff over open hours (shifts vary it)
                "utilisation": background + (1 - background) * _ratio(busy, staff),
                "background": background,
                "mean_queue": _ratio(queue, open_time),
                "busy_hours": busy,
                "open_hours": open_time,
            }
        )
    if model.desk is not None:
        rows.append(_meeting(model, start_time=model.scenario.warmup, end_time=model.scenario.horizon))
    return pd.DataFrame(rows)


def _ratio(a: float, b: float) -> float:
    """a / b, or NaN when nothing was open (a window that holds no open hours, no staff)."""
    return a / b if b else math.nan


def _meeting(model: Model, start_time: float, end_time: float) -> dict:
    """The joint meeting as a pool of seats: seats filled per sitting over seats offered."""
    sittings = _frame(model.centre.recorder.sittings)
    sittings = sittings[(sittings["time"] >= start_time) & (sittings["time"] < end_time)]
    capacity = model.scenario.requests.meeting.capacity
    n = len(sittings)
    return {
        "resource": "meeting",
        "capacity": float(capacity),
        "utilisation": float(sittings["heard"].sum() / (n * capacity)) if n else np.nan,
        "background": 0.0,
        "mean_queue": float(sittings["agenda"].mean()) if n else np.nan,
        "busy_hours": np.nan,
        "open_hours": np.nan,
    }


def _tagged(df: pd.DataFrame, tags: dict) -> pd.DataFrame:
    n = len(df)
    front = pd.DataFrame(
        {
            k: pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), categories=pd.Index([v], dtype=str))
            if isinstance(v, str)
            else np.full(n, v, dtype=np.int64)
            for k, v in tags.items()
        }
    )
    return pd.concat([front, df.reset_index(drop=True)], axis=1)
