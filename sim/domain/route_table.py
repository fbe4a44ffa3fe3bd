"""An item's steps as one table of text (``Item.route``), for a back office of hundreds of steps.

A calibrated office's route has a step per activity and the activity before it: hundreds of
steps, each with its durations and branches. Written as a YAML list, every number becomes a
node OmegaConf builds one by one (400 steps took 18 s to compose, for every job of a sweep); as
one block of text it is one node, read here into the same ``Step`` values, checked the same way
(``steps[i]`` in an error is the table's row ``i + 1`` after its header)::

    route: |
      name,label,pool,work,delay,first,then,max_visits,visits_of,at_cap
      check,Check,team_1.reviewers,lognormal 1.5 0.8,,1,review:0.9 check:0.1,,,
      review,Review,team_2.reviewers,exponential 3,empirical 2 5 9 40,,:0.2 check:0.1,,,

A duration is its kind and its parameters in ``sim.domain.distributions.PARAMETERS`` order
(``lognormal 1.5 0.8`` is a mean of 1.5 h with a cv of 0.8; ``empirical`` lists the values,
a run of one value as ``value*count``: ``empirical 0*180 0.5 2``).
``then`` lists ``step:probability`` pairs (what they leave ends the file; an empty cell ends
it); ``first`` is the probability a file starts at the step; ``counted: no`` stops the
statutory clock while a file is at the step (a notice period, a suspension); ``batch`` its
release times and cadence (``17:00``; ``10:00 every=5 first=2``). A step with no ``work`` takes the
work of its label's first step (an activity's work, written once), or none; other empty cells
take the defaults.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from itertools import groupby

from sim.domain.distributions import PARAMETERS, Dist, DistKind
from sim.domain.errors import ConfigError

COLUMNS = (
    "name",
    "label",
    "pool",
    "work",
    "delay",
    "first",
    "then",
    "max_visits",
    "visits_of",
    "at_cap",
    "counted",
    "batch",
)
OLD_COLUMNS = COLUMNS[:-2]  # a table written before ``counted`` and ``batch`` were columns
AT_CAP = ("drop", "pass")
MAX_ROWS = 20_000
MAX_VALUES = 10_000  # of an empirical duration
INSTANT = Dist(dist=DistKind.deterministic, value=0.0)


def parse(text: str, key: str) -> tuple[list[dict], dict[str, float]]:
    """Each row's step fields (as ``Step`` takes them, ``at_cap`` as its text) and where files
    start (``key``: the route's)."""
    rows = list(csv.reader(io.StringIO(text.strip())))
    if not rows or rows[0] not in (list(COLUMNS), list(OLD_COLUMNS)):
        raise ConfigError(key, f"a table whose header is {','.join(COLUMNS)}")
    if len(rows) - 1 > MAX_ROWS:
        raise ConfigError(key, f"{len(rows) - 1:,} steps, more than {MAX_ROWS:,}")
    header = rows[0]
    steps, first = [], {}
    work_of: dict[str, Dist] = {}  # a label's work, given on its first row
    for n, row in enumerate(rows[1:], start=1):
        here = f"{key} row {n}"
        if len(row) != len(header):
            raise ConfigError(here, f"{len(row)} cells under a header of {len(header)}")
        cells = dict(zip(header, row, strict=True))
        work = _dist(cells["work"], f"{here}.work") or work_of.get(cells["label"]) or INSTANT
        if cells["label"]:
            work_of.setdefault(cells["label"], work)
        fields = {"name": cells["name"], "work": work, "then": _branches(cells["then"], f"{here}.then")}
        for column in ("label", "pool", "visits_of"):
            if cells.get(column):
                fields[column] = cells[column]
        if cells.get("delay"):
            fields["delay"] = _dist(cells["delay"], f"{here}.delay")
        if cells.get("max_visits"):
            fields["max_visits"] = _number(cells["max_visits"], f"{here}.max_visits", int)
        if cells.get("at_cap"):
            if cells["at_cap"] not in AT_CAP:
                raise ConfigError(f"{here}.at_cap", f"one of {', '.join(AT_CAP)}")
            fields["at_cap"] = cells["at_cap"]
        if cells.get("first"):
            first[cells["name"]] = _number(cells["first"], f"{here}.first", float)
        if cells.get("batch"):
            fields["batch"] = _batch(cells["batch"], f"{here}.batch")
        if cells.get("counted"):
            if cells["counted"] not in ("yes", "no"):
                raise ConfigError(f"{here}.counted", "yes (on the statutory clock), or no (off it)")
            fields["counted"] = cells["counted"] == "yes"
        steps.append(fields)
    return steps, first


def table(steps: Iterable, first: dict[str, float] | None) -> str:
    """``steps`` as a route table (``expanded`` reads it back to the same steps)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    written: dict[str, Dist] = {}  # each label's work, on its first row (parse reads it so)
    for s in steps:
        again = s.label in written and written[s.label] == s.work
        if s.label and s.label not in written:
            written[s.label] = s.work
        writer.writerow(
            [
                s.name,
                s.label or "",
                s.pool,
                "" if again else _text(s.work),
                _text(s.delay) if s.delay is not None else "",
                _g((first or {}).get(s.name, "")),
                " ".join(f"{t}:{_g(p)}" for t, p in (s.then or {}).items()),
                s.max_visits or "",
                s.visits_of or "",
                s.at_cap.value if s.at_cap.value != "drop" else "",
                "" if s.counted else "no",
                _batch_text(s.batch) if s.batch is not None else "",
            ]
        )
    return out.getvalue()


def _g(v: object) -> str:
    return f"{v:.6g}" if isinstance(v, float) else str(v)


def _text(d: Dist) -> str:
    kind = DistKind(d.dist)
    params = PARAMETERS[kind]
    if kind is DistKind.empirical:  # a run of one value written once with its count: 0*180
        runs = [(v, len(list(group))) for v, group in groupby(_g(float(v)) for v in d.values)]
        return " ".join(["empirical", *(v if n == 1 else f"{v}*{n}" for v, n in runs)])
    return " ".join([kind.value, *(_g(float(getattr(d, p))) for p in params)])


def _dist(text: str, key: str) -> Dist | None:
    parts = text.split()
    if not parts:
        return None
    try:
        kind = DistKind(parts[0])
    except ValueError:
        raise ConfigError(
            key, f"'{parts[0][:40]}' is not a distribution; use {', '.join(k.value for k in DistKind)}"
        ) from None
    if kind is DistKind.empirical:
        values = []
        for part in parts[1:]:
            value, _, times = part.partition("*")
            values += [_number(value, key, float)] * (_number(times, key, int) if times else 1)
            if len(values) > MAX_VALUES:
                raise ConfigError(key, f"more than {MAX_VALUES:,} values")
        return Dist(dist=kind, values=values)
    numbers = [_number(p, key, float) for p in parts[1:]]
    params = PARAMETERS[kind]
    if len(numbers) != len(params):
        raise ConfigError(
            key, f"{kind.value} takes {len(params)} numbers ({', '.join(params)}), got {len(numbers)}"
        )
    return Dist(dist=kind, **dict(zip(params, numbers, strict=True)))


def _batch(text: str, key: str) -> dict:
    """``17:00`` (daily), ``10:00 every=5 first=2`` (a sitting every fifth working day),
    ``capacity=8``: a step's batch as ``Batch`` takes it."""
    out: dict = {"at": []}
    for token in text.split():
        name, sep, value = token.partition("=")
        if not sep:
            out["at"].append(token)
        elif name in ("every", "first", "capacity"):
            out[{"every": "every_days", "first": "first_day"}.get(name, name)] = _number(value, key, int)
        else:
            raise ConfigError(key, f"release times HH:MM and every=, first=, capacity=; got '{token[:40]}'")
    return out


def _batch_text(batch) -> str:
    words = list(batch.at)
    if batch.every_days != 1:
        words.append(f"every={batch.every_days}")
    if batch.first_day:
        words.append(f"first={batch.first_day}")
    if batch.capacity is not None:
        words.append(f"capacity={batch.capacity}")
    return " ".join(words)


def _branches(text: str, key: str) -> dict[str, float]:
    out = {}
    for pair in text.split():
        target, sep, p = pair.partition(":")
        if not sep or not target:
            raise ConfigError(key, f"branches are step:probability, got '{pair[:60]}'")
        out[target] = _number(p, f"{key}.{target}", float)
    return out


def _number(text: str, key: str, kind: type) -> float | int:
    try:
        return kind(text)
    except ValueError:
        raise ConfigError(key, f"a number, got '{text[:40]}'") from None
