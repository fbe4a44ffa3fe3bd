"""Scenarios and designs from the YAML files, for notebooks and scripts: no Hydra to learn.

    import sim
    scenario = sim.load_scenario("small_restaurant", ["scenario.departments.market.reviewers=4"])
    design = sim.load_design("bundled", ["design.delivery=pickup"])

Overrides are written as on the command line (``scenario.…``, ``staffing.scale=1.5``,
``estimates.review=1.2``, ``design.…``) and checked the same way: a bad one raises
``ConfigError`` naming its key. The scenario returned is the one that runs, knobs applied.
A folder of your own configs is searched as ``--config-dir`` is on the command line::

    scenario = sim.load_scenario("my_pharmacy", config_dir="my_configs")  # my_configs/scenario/…
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from hydra import compose, initialize_config_dir
from hydra.errors import HydraException

from sim.domain.design import Design
from sim.domain.scenario import Scenario
from sim.experiment.config import CONFIGS, SimConfig, load, register
from sim.experiment.preflight import unknown_key
from sim.experiment.safety import check_data, check_files


def load_config(
    scenario: str, design: str = "single", overrides: Sequence[str] = (), config_dir: str | Path | None = None
) -> SimConfig:
    """The whole configuration a command line ``[--config-dir <config_dir>] scenario=<scenario>
    design=<design> <overrides>`` would run, checked (the folder's files first, as there)."""
    register()
    search = []
    if config_dir is not None:
        check_files([Path(config_dir)])
        search = [f"hydra.searchpath=[file://{Path(config_dir).resolve()}]"]
    with initialize_config_dir(config_dir=CONFIGS, version_base="1.3"):
        try:
            cfg = compose(
                "config", overrides=[f"scenario={scenario}", f"design={design}", *overrides, *search]
            )
        except HydraException as err:
            unknown = unknown_key(err)
            if unknown is None:
                raise
            raise unknown from None
    check_data(cfg)  # nothing of it resolved yet: the same rule as the command line's
    return load(cfg)


def load_scenario(name: str, overrides: Sequence[str] = (), config_dir: str | Path | None = None) -> Scenario:
    """``configs/scenario/<name>.yaml`` (or ``<config_dir>/scenario/<name>.yaml``) with
    ``overrides``, staffing and estimate knobs applied."""
    return load_config(name, overrides=overrides, config_dir=config_dir).scenario


def load_design(name: str, overrides: Sequence[str] = (), config_dir: str | Path | None = None) -> Design:
    """``configs/design/<name>.yaml`` (a preset or one lever alone) with ``overrides``."""
    return load_config("restaurant", name, overrides, config_dir).design
