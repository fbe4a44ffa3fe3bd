"""The runs a report's main sections read: one configuration of every setting the sections do not
compare, the base staffing, each level's configuration and headcount, and the tables of those runs.

Chosen once, in ``select``, so every section reads the same runs: a section that picked its own
would set a table beside a chart of other replications.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from omegaconf import OmegaConf

from sim.analysis import charts, tables
from sim.analysis.collect import Collected
from sim.domain.loads import headcount, used_pools
from sim.experiment.config import SCHEMA, SimConfig, load, register
from sim.experiment.output import DONE
from sim.experiment.safety import read_config

# Override keys the main sections compare, or that tell replications apart.
COMPARED = ("design", "staffing_scale", "staffing.scale", "seed", "replication", "sensitivity")


def job_config(job: Path) -> SimConfig:
    """The exact configuration a job ran, from its ``.hydra/config.yaml``."""
    register()
    schema = OmegaConf.structured(SCHEMA)
    return load(OmegaConf.merge(schema, read_config(job / ".hydra" / "config.yaml")))


@dataclass(frozen=True)
class Selection:
    """The runs of one configuration: ``runs`` and ``reps`` at every staffing level, ``at_base``
    the runs at the base staffing ``scale``, ``configs`` a row per design and level (seeds pooled,
    with the headcount of the pools the design gives work), ``held`` what was held and where the
    rest is, ``sensitivity`` each reformed design's one-at-a-time table when the sweep varied the
    estimates."""

    collected: Collected
    runs: pd.DataFrame
    reps: pd.DataFrame
    held: str
    scale: float
    at_base: pd.DataFrame
    by_scale: dict[float, SimConfig]
    configs: pd.DataFrame
    designs: list[str]
    sensitivity: dict

    @property
    def conf(self) -> SimConfig:
        return self.by_scale[self.scale]

    @property
    def configs_base(self) -> pd.DataFrame:
        return self.configs[self.configs["staffing_scale"] == self.scale]

    @property
    def reps_base(self) -> pd.DataFrame:
        return self.reps[self.reps["staffing_scale"] == self.scale]

    @property
    def n(self) -> int:
        """Replications per configuration."""
        return int(self.configs["n"].max())

    def read(self, table: str, columns: list[str] | None = None) -> pd.DataFrame:
        """One table of every run at the base staffing, stacked (``design`` as plain text)."""
        frames = [
            pd.read_parquet(self.collected.jobs[run] / f"{table}.parquet", columns=columns)
            for run in self.at_base["run"]
        ]
        stacked = pd.concat(frames, ignore_index=True)
        return stacked.assign(design=stacked["design"].astype(str))

    def summaries(self) -> dict[str, dict]:
        """Each design's first job's summary at the base staffing."""
        return {
            r.design: json.loads((self.collected.jobs[r.run] / DONE).read_text())
            for r in self.at_base.drop_duplicates("design").itertuples()
        }

    def promises(self) -> dict[str, dict[str, float | None]]:
        """Each design's promised working days per need."""
        return {design: s.get("promised_days", {}) for design, s in self.summaries().items()}


def select(collected: Collected) -> Selection:
    runs, reps = collected.runs, collected.replications
    sensitivity = {}
    if "sensitivity" in runs.columns and runs["sensitivity"].nunique() > 1:
        reformed = [d for d in charts.presets_first(runs["design"]) if d != "single"]
        sensitivity = {design: tables.sensitivity(reps, design) for design in reformed}
        runs, reps = runs[runs["sensitivity"] == "base"], reps[reps["sensitivity"] == "base"]
    runs, reps, held = _one_configuration(collected, runs, reps)
    scale = tables.base_scale(runs)
    first = runs.drop_duplicates("staffing_scale")
    by_scale = {float(r.staffing_scale): job_config(collected.jobs[r.run]) for r in first.itertuples()}
    configs = _with_headcount(tables.pooled(reps), by_scale)
    configs = _used_pools_only(configs, by_scale[scale])
    stage = {d: k for k, d in enumerate(charts.presets_first(configs["design"]))}
    configs = configs.sort_values(
        ["design", "staffing_scale"], key=lambda c: c.map(stage) if c.name == "design" else c
    )
    at_base = runs[runs["staffing_scale"] == scale]
    return Selection(
        collected=collected,
        runs=runs,
        reps=reps,
        held=held,
        scale=scale,
        at_base=at_base,
        by_scale=by_scale,
        configs=configs,
        designs=charts.presets_first(at_base["design"]),
        sensitivity=sensitivity,
    )


def _one_configuration(
    collected: Collected, runs: pd.DataFrame, reps: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """The runs and replications of one configuration of every other swept setting (its first
    value; each has its own section, such as the tiers' table): replications of different
    configurations are not replications of one, and pooling them would narrow every interval."""
    held = {}
    for key in collected.override_keys:
        if key not in COMPARED and key in runs.columns and runs[key].nunique() > 1:
            held[key] = runs[key].iloc[0]
            runs, reps = runs[runs[key] == held[key]], reps[reps[key] == held[key]]
    said = ", ".join(f"{k}={v}" for k, v in held.items())
    return (
        runs,
        reps,
        f" (at {said}; runs at the other values swept are in `collected/runs.csv`)" if held else "",
    )


def _used_pools_only(configs: pd.DataFrame, conf: SimConfig) -> pd.DataFrame:
    """``configs`` without the utilisation of staff pools no item of the scenario gives work (a
    catalogue's other departments, busy only with their background work): neither listed nor
    charted."""
    used = set(used_pools(conf.scenario))
    unused = [
        c
        for c in configs.columns
        if c.startswith("utilisation:") and "." in (pool := c.split(":")[1]) and pool not in used
    ]
    return configs.drop(columns=unused)


def _with_headcount(configs: pd.DataFrame, by_scale: dict[float, SimConfig]) -> pd.DataFrame:
    """``configs`` with ``headcount``: the staff of the pools the design gives work, at its level."""
    counts = []
    for row in configs.to_dict("records"):
        scenario = by_scale[row["staffing_scale"]].scenario
        counts.append(
            sum(
                headcount(scenario, pool)
                for pool in used_pools(scenario)
                if row.get(f"utilisation:{pool}", 0) > 0
            )
        )
    return configs.assign(headcount=counts)
