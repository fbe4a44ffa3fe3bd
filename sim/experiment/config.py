"""The Hydra schema: the top-level config and how it becomes plain, validated objects.

The design and the run's settings are registered as structured configs, so Hydra rejects an
unknown key or a wrongly typed value while composing, naming its full key. The scenario, most
of the config, is composed untyped and made by ``conversion.build``, which checks it alike and
costs a fraction of OmegaConf's typed merge. ``load`` converts the composed config to plain
Python objects once, before any simulation: reading an OmegaConf node costs tens of
microseconds, and the model must never touch one.
"""

from __future__ import annotations

import math
import types
import typing
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields, is_dataclass, make_dataclass, replace
from pathlib import Path
from typing import Any

from hydra.core.config_store import ConfigStore
from omegaconf import DictConfig, ListConfig, OmegaConf

from sim.domain.design import PRESETS, Design
from sim.domain.errors import ConfigError
from sim.domain.knobs import MAX_FACTOR, RANGES, Estimates, Staffing, applied
from sim.domain.provenance import check_varied
from sim.domain.scenario import Scenario
from sim.domain.targets import Costs, Targets
from sim.experiment.conversion import build, did_you_mean, field_types, shown_key
from sim.experiment.uncertainty import METHODS, held, inert, points_in

MAX_REPLICATIONS = 10_000
CONFIGS = str(Path(__file__).resolve().parents[2] / "configs")
JOB_NAME = "app"  # hydra.job.name (the job's log is app.log): what hydra.main calls sim/experiment/app.py
# Keys that change how a job runs, not what it computes: left out of its identity.
RUN_ONLY_KEYS = ("progress", "resume", "allow_overload")


@dataclass(kw_only=True)
class Published:
    """Figures a source reports, set beside the model's own in the report and never used to
    tune anything: reductions of bundled against single (0.65 for "-65 %") and request counts."""

    time: float | None = None
    trips: float | None = None
    documents: float | None = None
    requests: int | None = None  # enterprise requests collected over the reporting window
    requests_closed: int | None = None  # of which closed by its end
    satisfied: float | None = None  # share of firms satisfied
    source: str = ""

    def reported(self) -> bool:
        """Whether the source reports any figure (an empty ``Published`` reports none)."""
        return any(
            getattr(self, f) is not None for f in ("time", "trips", "documents", "requests", "satisfied")
        )


@dataclass(kw_only=True)
class Attribution:
    """A Shapley attribution of the levers (``+experiment=attribution``): with ``pair`` set, the
    job runs that antithetic pair of orderings of the levers from ``design`` to the preset
    ``towards`` instead of ``design`` alone (``sim.experiment.attribution``)."""

    pair: int | None = None
    towards: str = "full_standard"


@dataclass
class Uncertainty:
    """A global study of the estimates (``+experiment=uncertainty``): with ``job`` set, the job
    runs its block of the study's points (one of ``jobs``), every point under every design of
    ``designs`` (single first), instead of ``design`` alone (``sim.experiment.uncertainty``).
    ``method``: ``morris`` (``trajectories`` paths on a grid of ``levels`` levels: screening) or
    ``sobol`` (``samples`` x (k + 2) points: variance-based indices). ``ranges``: each
    estimate's low and high multipliers; ``vary``: the estimates varied (all when empty), the
    others held at 1."""

    method: str = "morris"
    trajectories: int = 10
    levels: int = 4
    samples: int = 64
    jobs: int = 10
    job: int | None = None
    designs: list[str] = field(default_factory=lambda: ["single", "bundled", "full_standard"])
    ranges: dict[str, list[float]] = field(default_factory=lambda: {k: list(v) for k, v in RANGES.items()})
    vary: list[str] = field(default_factory=list)

    def check(self) -> None:
        if self.method not in METHODS:
            raise ConfigError("uncertainty.method", f"one of {', '.join(METHODS)}, got {self.method!r}")
        if not 2 <= self.levels <= 20 or self.levels % 2:
            raise ConfigError("uncertainty.levels", f"an even number from 2 to 20, got {self.levels}")
        if not 1 <= self.trajectories <= 1000:
            raise ConfigError("uncertainty.trajectories", f"from 1 to 1000, got {self.trajectories}")
        if not 2 <= self.samples <= 4096 or self.samples & (self.samples - 1):
            raise ConfigError("uncertainty.samples", f"a power of 2 from 2 to 4096, got {self.samples}")
        if not self.designs or self.designs[0] != "single" or not set(self.designs) <= set(PRESETS):
            raise ConfigError(
                "uncertainty.designs", f"presets, single first ({', '.join(PRESETS)}), got {self.designs}"
            )
        known = {f.name for f in fields(Estimates)}
        if not self.ranges:
            raise ConfigError("uncertainty.ranges", "at least one estimate's range")
        for name, bounds in self.ranges.items():
            if name not in known:
                raise ConfigError(
                    f"uncertainty.ranges.{name}", f"not an estimate; known: {', '.join(sorted(known))}"
                )
            if len(bounds) != 2 or not 0 < bounds[0] < bounds[1] <= MAX_FACTOR:
                raise ConfigError(
                    f"uncertainty.ranges.{name}",
                    f"[low, high] multipliers, 0 < low < high <= {MAX_FACTOR:g}, got {list(bounds)}",
                )
        unknown = sorted(set(self.vary) - set(self.ranges))
        if unknown or len(set(self.vary)) != len(self.vary):
            raise ConfigError(
                "uncertainty.vary", f"estimates with a range, each once; {', '.join(unknown) or 'repeated'}"
            )
        if not 1 <= self.jobs <= min(self.points(), 1000):
            raise ConfigError(
                "uncertainty.jobs",
                f"from 1 to {min(self.points(), 1000)} (the study's points), got {self.jobs}",
            )
        if self.job is not None and not 0 <= self.job < self.jobs:
            raise ConfigError("uncertainty.job", f"from 0 to {self.jobs - 1}, got {self.job}")

    def varied(self) -> dict[str, list[float]]:
        """The ranges of the estimates the study varies."""
        return {k: list(v) for k, v in self.ranges.items() if not self.vary or k in self.vary}

    def points(self) -> int:
        """How many points the study's design has, at most (each estimate varied)."""
        return points_in(self.settings())

    def settings(self, scenario: Scenario | None = None) -> dict:
        """What a job records and the analysis reads: the study without its job; on ``scenario``,
        without the estimates that multiply nothing in it (``inert``), and with the inputs it
        tags as estimates that no estimate varies (``held``)."""
        ranges = self.varied()
        idle = [] if scenario is None else inert(scenario, ranges)
        return {
            "method": self.method,
            "trajectories": self.trajectories,
            "levels": self.levels,
            "samples": self.samples,
            "jobs": self.jobs,
            "designs": list(self.designs),
            "ranges": {k: v for k, v in ranges.items() if k not in idle},
            "inert": idle,
            "held": [] if scenario is None else held(scenario),
        }


@dataclass(kw_only=True)
class SimConfig:
    """One configuration: a scenario under a design and staffing, run ``replications`` times.

    Replication r of ``seed`` meets the same applicants under every design and staffing.
    """

    scenario: Scenario
    design: Design
    staffing: Staffing = field(default_factory=Staffing)
    estimates: Estimates = field(default_factory=Estimates)
    published: Published = field(default_factory=Published)  # none reported unless set
    attribution: Attribution = field(default_factory=Attribution)
    uncertainty: Uncertainty = field(default_factory=Uncertainty)
    targets: Targets = field(default_factory=Targets)
    costs: Costs = field(default_factory=Costs)
    search: bool = False  # find the least-cost staffing meeting ``targets`` (sim.experiment.staffing)
    seed: int = 0
    replications: int = 1
    # The first replication this job runs (replications r .. r + replications - 1): a sweep over
    # replication=range(0,20) spreads one configuration's replications over jobs and workers.
    replication: int = 0
    record_steps: bool = True
    log_sample: float = 1.0  # the share of cases whose steps are logged (every k-th case, k = 1 / share)
    progress: bool = True
    resume: bool = True
    allow_overload: bool = False  # run a job whose offered load reaches a pool's staffed hours

    def __post_init__(self) -> None:
        if not 0 <= self.seed < 2**63:
            raise ConfigError("seed", f"must be a whole number from 0 to 2^63 - 1, got {self.seed}")
        if not (math.isfinite(self.log_sample) and 0 < self.log_sample <= 1):
            raise ConfigError(
                "log_sample",
                f"must be a share of the cases in (0, 1] (record_steps=false logs none), "
                f"got {self.log_sample}",
            )
        if not 0 <= self.replication <= MAX_REPLICATIONS:
            raise ConfigError("replication", f"must be from 0 to {MAX_REPLICATIONS}, got {self.replication}")
        if not 1 <= self.replications <= MAX_REPLICATIONS:
            raise ConfigError(
                "replications", f"must be from 1 to {MAX_REPLICATIONS}, got {self.replications}"
            )
        if self.search and not self.targets.any:
            raise ConfigError(
                "targets",
                "a staffing search needs a target: set targets.within_days and "
                "targets.share, targets.p90_days, targets.on_time_share or targets.requests_closed_share",
            )
        check_varied(self.scenario.provenance, [f.name for f in fields(Estimates)], "scenario.provenance")
        self.uncertainty.check()
        if self.uncertainty.job is not None:
            settings = self.uncertainty.settings(self.scenario)
            if self.uncertainty.jobs > (size := points_in(settings)):
                raise ConfigError(
                    "uncertainty.jobs",
                    f"at most {size}, the study's points once the estimates that multiply nothing in "
                    f"{self.scenario.name} ({', '.join(settings['inert'])}) are left out; "
                    f"got {self.uncertainty.jobs}",
                )
        a = self.attribution
        if a.towards not in PRESETS:
            known = ", ".join(PRESETS)
            raise ConfigError("attribution.towards", f"unknown preset '{a.towards}'; known: {known}")
        if a.pair is not None:
            if a.pair < 0:
                raise ConfigError("attribution.pair", f"must be 0 or more, got {a.pair}")
            if PRESETS[a.towards] == self.design:
                raise ConfigError(
                    "attribution.towards", f"the design already is {a.towards}: no lever to attribute"
                )


def _open_mapping() -> DictConfig:
    """An empty mapping that stays open when Hydra closes the composed config (struct mode)."""
    return DictConfig({}, flags={"struct": False})


# Hydra's schema: SimConfig's fields with the scenario untyped and open. OmegaConf's typed merge
# of the catalogue cost 0.6 s of a district's 1.1 s composition, paid by every job of every
# sweep; ``objects`` makes and checks the scenario instead (``conversion.build``), naming the key
# at fault as OmegaConf did. Open, the scenario takes a command-line override of a key its file
# leaves at the default (``scenario.departments.tax.queue=earliest_due``), as a typed node would;
# a key no field has is refused by ``build``, with the nearest known key.
_HINTS = typing.get_type_hints(SimConfig)
SCHEMA = make_dataclass(
    "SimSchema",
    [
        ("scenario", Any, field(default_factory=_open_mapping))
        if f.name == "scenario"
        else (f.name, _HINTS[f.name], field(default=f.default, default_factory=f.default_factory))
        for f in fields(SimConfig)
    ],
    kw_only=True,
)
UNTYPED = ("scenario",)  # the keys of SCHEMA that ``build`` checks, not OmegaConf


def scenario_value(cfg: DictConfig, key: str) -> Any:
    """The top-level scenario ``key`` of a composed or saved config, at the schema's default
    where its files did not write it (the scenario is composed untyped: no defaults filled)."""
    default = {f.name: f.default for f in fields(Scenario)}[key]
    return OmegaConf.select(cfg, f"scenario.{key}", default=default)


def refuse_unknown_keys(node: DictConfig | ListConfig, path: str = "") -> None:
    """A key the schema does not have is refused, with the nearest known key. Hydra refuses one
    set with ``key=value`` itself, but ``+key=value`` adds it and the conversion to objects then
    drops it without a word: a misspelt pool would run as if never set."""
    schema = OmegaConf.get_type(node) if isinstance(node, DictConfig) else None
    known = [f.name for f in fields(schema)] if schema is not None and is_dataclass(schema) else None
    for key in node.keys() if isinstance(node, DictConfig) else range(len(node)):
        full = f"{path}.{shown_key(key)}" if path else shown_key(key)
        if known is not None and key not in known:
            raise ConfigError(full, f"unknown key {str(key)[:80]!r}{did_you_mean(str(key), known)}")
        if full in UNTYPED or OmegaConf.is_missing(node, key) or OmegaConf.is_interpolation(node, key):
            continue
        child = node[key]
        if isinstance(child, (DictConfig, ListConfig)):
            refuse_unknown_keys(child, full)


def refuse_new_entries(composition: Callable[[], DictConfig], keys: Sequence[str]) -> None:
    """``key=value`` overrides (``keys``, without ``+``) on the untyped scenario may set a field
    its file leaves at the default, as on a typed node, but may not make a new entry of a
    mapping: a misspelt department (``scenario.departments.txa.reviewers=5``) would run as a
    department of its own, and Hydra's typed merge refused it. ``+key=value`` adds an entry on
    purpose. ``composition`` gives the config the overrides apply to; it is asked for only by a
    key that reaches a mapping (``scenario.horizon=1500`` does not), as composing costs."""
    for key in keys:
        head, *path = key.split(".")
        if head not in UNTYPED:
            continue
        tp, prefix = Scenario, head
        for part in path:
            if isinstance(tp, types.UnionType):  # X | None
                tp = next(a for a in typing.get_args(tp) if a is not type(None))
            if typing.get_origin(tp) is dict:
                node = OmegaConf.select(composition(), prefix, default=None)
                if not (isinstance(node, DictConfig) and part in node):
                    known = [shown_key(k) for k in node] if isinstance(node, DictConfig) else []
                    hint = did_you_mean(part, known) if known else "; the mapping has none"
                    raise ConfigError(f"{prefix}.{part}", f"unknown key '{part}'{hint} (+{key}=... adds one)")
                tp = typing.get_args(tp)[1]
            elif is_dataclass(tp) and part in field_types(tp):
                tp = field_types(tp)[part][0]
            else:
                break  # a list's index, a value, or a key ``build`` refuses by its fields
            prefix = f"{prefix}.{part}"


def check_own_scenario_name(name: str, key: str) -> None:
    """A folder's scenario must not share a shipped scenario's name: ``--config-dir`` adds the
    folder after the shipped configs, so the shipped one would run in its place, silently."""
    if (Path(CONFIGS) / "scenario" / f"{name}.yaml").exists():
        raise ConfigError(
            key,
            f"'{name}' is a shipped scenario, which a folder's scenario cannot replace: choose another name",
        )


def message_of(err: BaseException) -> str:
    """An error and the errors that caused it, each said once (Hydra wraps OmegaConf's)."""
    parts = []
    while err is not None:
        parts.append(str(err).strip())
        err = err.__cause__
    return "\n".join(dict.fromkeys(p for p in parts if p))


def search_path(folders: Sequence[str | Path]) -> str:
    """The ``hydra.searchpath`` override that adds ``folders`` (``--config-dir``), each quoted so
    that a path holding ``,``, ``]``, ``'`` or spaces reaches Hydra whole. A path with a
    backslash or ``${`` is refused: Hydra's grammar would read them as escapes or references."""
    entries = []
    for folder in folders:
        path = str(Path(folder).resolve())
        if "\\" in path or "${" in path:
            raise ConfigError(
                "--config-dir",
                f"{path[:200]!r}: a folder whose path holds a backslash or '${{' cannot be searched",
            )
        entries.append("'file://" + path.replace("'", "\\'") + "'")
    return f"hydra.searchpath=[{','.join(entries)}]"


def register() -> None:
    """Put the schema in Hydra's ConfigStore as ``sim_schema`` (used by configs/config.yaml)."""
    ConfigStore.instance().store(name="sim_schema", node=SCHEMA)


def load(cfg: DictConfig) -> SimConfig:
    """Plain objects from a composed config, each checked as it is made, with the knobs applied:
    ``scenario`` is the scenario that runs.

    Raises ConfigError naming the key at fault.
    """
    return finish(objects(cfg))


def objects(cfg: DictConfig) -> SimConfig:
    """The config as written, as plain objects: the scenario not yet sized, staffed or estimated."""
    refuse_unknown_keys(cfg)
    written = OmegaConf.to_object(cfg)
    made = {f.name: getattr(written, f.name) for f in fields(SimConfig)}
    return SimConfig(**made | {"scenario": build(Scenario, made["scenario"], "scenario")})


def finish(conf: SimConfig) -> SimConfig:
    """The config as written (``objects``) with the knobs applied and the checks that need the
    scenario that runs."""
    conf = replace(conf, scenario=applied(conf.scenario, conf.staffing, conf.estimates))
    conf.targets.check(conf.scenario)
    conf.costs.check(conf.scenario)
    return conf
