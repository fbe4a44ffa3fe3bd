"""Calibration: from an office's event log to a scenario the simulator runs, every parameter
tagged with the events it was fitted from and how well.

    python -m sim.calibrate LOG [--name NAME] [--map case=ticket_id ...] [--out DIR]

or from Python::

    from sim.calibrate import calibrate
    found = calibrate("eventlog.csv", name="my_office")
    found.write("calibrated/")            # scenario/my_office.yaml, calibration.md, figures/

The scenario lands in ``<out>/scenario/<name>.yaml``, so ``python -m sim --config-dir <out>
scenario=<name>`` runs it. What a log cannot say (documents, the levers' estimates) is marked
as an estimate; what the log could not give (a step never started, events out of order) is
listed in ``warnings``.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sim.calibrate.discovery import infer as discover
from sim.calibrate.drift import Drift
from sim.calibrate.drift import find as find_drift
from sim.calibrate.joined import Joined, join
from sim.calibrate.listrows import read_list
from sim.calibrate.logs import Log, begun_since, from_frame, read
from sim.calibrate.mapping import read_mapping
from sim.calibrate.measures import figures
from sim.calibrate.report import write_report
from sim.calibrate.scenario_file import load, scenario_dict, to_yaml
from sim.calibrate.structure import Structure, infer
from sim.calibrate.validation import (
    compare,
    halves,
    judge,
    log_measures,
    model_measures,
    office_log,
    office_measures,
)
from sim.domain.distributions import mean
from sim.domain.errors import ConfigError, folder_for
from sim.domain.names import check_names
from sim.domain.scenario import Scenario
from sim.domain.untrusted import write_csv
from sim.experiment.config import check_own_scenario_name
from sim.experiment.safety import MAX_FILE_BYTES

MAX_ITEMS = 200
RUN_MARGIN = 100_000  # bytes of a run's saved config beside its scenario
VALIDATED_EVENTS = 2_000_000  # events replayed in all by a validation
VALIDATION = "validation.csv"  # the model beside the office, for a study's report
ROLES = ("clerks", "reviewers", "inspectors", "leaders")


def _pooled(resources: pd.Series) -> bool:
    """Whether every staffed resource is a pool ``department.role``, as the simulator exports them."""
    staffed = resources[~resources.isin(["applicant", "post"])]
    return bool(staffed.str.rpartition(".")[2].isin(ROLES).all())


@dataclass
class Calibration:
    log: Log
    structure: Structure
    scenario: Scenario
    text: str  # the scenario's YAML, with provenance comments
    warnings: list[str]
    events: int
    command: str = "python -m sim.calibrate LOG"  # what made it, to make it again
    drift: Drift | None = None  # whether the log spans two ways of working (an office's own log)
    regimes: pd.DataFrame | None = None  # the office's figures before and after the change, if one
    joined: Joined | None = None  # the item list's ties to the log's items (--items)

    def fits(self) -> pd.DataFrame:
        """A row per fitted duration: its key, sample size, family, mean, cv, KS and AIC."""
        rows = []
        for key, f in self.structure.fits.items():
            rows.append(
                {
                    "parameter": key,
                    "n": f.n,
                    "family": f.family,
                    "mean": mean(f.dist),
                    "cv": f.dist.cv,
                    "ks": f.ks,
                    "p": f.p,
                }
                | {f"aic:{k}": v for k, v in f.aic.items()}
            )
        return pd.DataFrame(rows)

    def validate(self, replications: int = 5, seed: int = 0) -> pd.DataFrame:
        """The calibrated model's lead times and weekly completions beside the log's own, over
        ``replications`` (fewer, at least 2, where each replays more events than
        ``VALIDATED_EVENTS`` allows in all: said in ``warnings``)."""
        affordable = max(2, VALIDATED_EVENTS // max(self.events, 1))
        if replications > affordable:
            self.warnings.append(
                f"validated on {affordable} replications, not {replications}: each replays the log's "
                f"{self.events:,} events, and {VALIDATED_EVENTS:,} in all keep it within a minute"
            )
            replications = affordable
        if self.structure.estimated is not None:  # an office's own log: the logs side by side
            log, span = office_log(self.structure), self.structure.span
            model = log_measures(self.scenario, self.structure, replications, seed)
            return judge(figures(log, span), model, halves(log, span))
        office = office_measures(self.log, self.structure, self.scenario)
        model = model_measures(self.scenario, self.structure, replications, seed)
        return compare(office, model)

    def write(self, out: str | Path, replications: int = 0, overwrite: bool = False) -> Path:
        """The scenario file, the fits table and the calibration report into ``out`` (with the
        model beside the office over ``replications``, when more than none). A file of the
        same name already there (perhaps edited by hand) is kept unless ``overwrite``."""
        out = Path(out)
        path = out / "scenario" / f"{self.scenario.name}.yaml"
        figures = [
            out / "figures" / f"fits_{item}.{kind}"
            for item in self.structure.items
            for kind in ("png", "svg")
        ]
        made = (
            path,
            out / "fits.csv",
            out / "calibration.md",
            out / "calibration.html",
            out / VALIDATION,
            *figures,
        )
        there = [p for p in made if p.exists() or p.is_symlink()]
        if there and not overwrite:
            raise ConfigError("--out", f"{there[0]} exists: choose another folder, or --force to replace it")
        folder_for(out / "scenario", "--out")
        path.write_text(self.text)
        write_csv(self.fits(), out / "fits.csv")
        validation = self.validate(replications) if replications else None
        if validation is not None:  # the office today, as a study's report shows it first
            write_csv(validation, out / VALIDATION)
        write_report(self, out, validation)
        return path


def calibrate(
    log: str | Path | pd.DataFrame,
    name: str = "calibrated",
    mapping: dict[str, str] | None = None,
    timezone: str = "Asia/Shanghai",
    max_items: int = MAX_ITEMS,
    mapping_file: str | Path | None = None,
    since: str | None = None,
    items: str | Path | None = None,
) -> Calibration:
    """Read ``log`` (a file or a frame of events), infer its scenario, fit its durations. A
    log of more than ``max_items`` items is refused before anything is fitted (each item's
    steps cost fits and figures: 2,000 items take half an hour). The simulator's own export is
    read as its windows and pools (``sim.calibrate.structure``); any other log as its office's
    own activities and people (``sim.calibrate.discovery``), with ``mapping_file`` (YAML:
    ``people: {person: pool}``, ``activities: {activity: {pool: pool}}``) over what is found.
    ``since`` (a date): only the cases begun on or after it, the office's current way of
    working when its log spans two (``sim.calibrate.drift`` says so). ``items``: the office's
    item list, whose facts (documents, limits, results, what may be fetched or promised) the
    log's items take (``sim.calibrate.joined``)."""
    check_names([name], "--name", keyed=False)
    check_own_scenario_name(name, "--name")
    events = (
        from_frame(log, mapping, timezone) if isinstance(log, pd.DataFrame) else read(log, mapping, timezone)
    )
    if since is not None:
        events = begun_since(events, since)
    kinds = events.steps["item"].nunique()
    if kinds > max_items:
        raise ConfigError(
            "log", f"{kinds:,} items, more than the {max_items:,} calibration takes unasked (--max-items N)"
        )
    own = (events.steps["activity"] == "intake").any() and _pooled(events.steps["resource"])
    people, activities = read_mapping(mapping_file, events) if mapping_file else ({}, {})
    structure = infer(events) if own else discover(events, name, people, activities)
    data = scenario_dict(structure, name, timezone)
    joined = None
    if items is not None:
        by_activity = {a: spec["item"] for a, spec in activities.items() if "item" in spec}
        joined = join(data, structure.notes, read_list(Path(items)), name, by_activity)
    header = (
        f"Calibrated from an event log of {len(events.events):,} events and {events.arrivals.size:,} cases "
        "(python -m sim.calibrate).\nEach fitted value says what it was fitted from; anything else is an "
        "estimate to review.\nWarnings while reading: " + ("; ".join(events.warnings) or "none") + "."
    )
    text = to_yaml(data, structure.notes, header)
    size = len(text.encode())
    if size > MAX_FILE_BYTES - RUN_MARGIN:  # a run's saved config holds the scenario and the rest
        raise ConfigError(
            "log",
            f"its scenario would take {size:,} bytes, more than a config file holds with a run's other "
            f"settings ({MAX_FILE_BYTES - RUN_MARGIN:,}): calibrate the current way of working "
            "(--since DATE) or fewer activities",
        )
    source = "FRAME" if isinstance(log, pd.DataFrame) else shlex.quote(str(log))
    again = f"python -m sim.calibrate {source} --name {name} --timezone {timezone}"
    again += "".join(f" --map {k}={shlex.quote(v)}" for k, v in (mapping or {}).items())
    again += f" --mapping {shlex.quote(str(mapping_file))}" if mapping_file else ""
    again += f" --since {since}" if since else ""
    again += f" --items {shlex.quote(str(items))}" if items else ""
    found = Calibration(events, structure, load(text), text, events.warnings, len(events.events), again)
    found.joined = joined
    if structure.estimated is not None:
        found.drift = find_drift(events.steps)
        if found.drift.found:
            found.regimes = _regimes(structure, found.drift)
    return found


def _regimes(structure: Structure, change: Drift) -> pd.DataFrame:
    """The office's own figures for the cases begun before the change and after it."""
    log = office_log(structure)
    at = (change.at - pd.Timestamp(structure.start_date)) / pd.Timedelta(hours=1)
    first = log.groupby("case")["t"].transform("min")
    before, after = log[first < at], log[first >= at]
    rows = {
        f"before {change.at.date()}": figures(before, at),
        f"from {change.at.date()}": figures(after, structure.span - at),
    }
    table = pd.DataFrame(rows).reset_index(names="measure")
    for column in rows:
        table[column] = table[column].map(lambda v: f"{v:.3g}" if abs(v) < 1000 else f"{v:,.0f}")
    return table
