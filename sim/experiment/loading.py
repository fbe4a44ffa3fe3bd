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

import yaml
from hydra import initialize_config_dir
from hydra.errors import HydraException
from omegaconf.errors import OmegaConfBaseException

from sim.domain.design import Design
from sim.domain.errors import ConfigError
from sim.domain.scenario import Scenario
from sim.experiment.composer import Composer
from sim.experiment.config import CONFIGS, SimConfig, load, message_of, register, search_path
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
        search = [search_path([config_dir])]
    with initialize_config_dir(config_dir=CONFIGS, version_base="1.3"):
        job = [f"scenario={scenario}", f"design={design}", *overrides, *search]
        try:
            composer = Composer()
            composer.refuse_new_entries(job)
            cfg = composer(job)
        except HydraException as err:
            unknown = unknown_key(err)
            raise unknown or ConfigError("scenario", message_of(err)) from None
        except (OmegaConfBaseException, yaml.YAMLError) as err:
            raise ConfigError("scenario", message_of(err)) from None
    check_data(cfg)  # nothing of it resolved yet: the same rule as the command line's
    try:
        return load(cfg)
    except OmegaConfBaseException as err:  # a value the schema cannot hold, a key that is not text
        raise ConfigError(str(getattr(err, "full_key", None) or "scenario"), message_of(err)) from None


def load_scenario(name: str, overrides: Sequence[str] = (), config_dir: str | Path | None = None) -> Scenario:
    """``configs/scenario/<name>.yaml`` (or ``<config_dir>/scenario/<name>.yaml``) with
    ``overrides``, staffing and estimate knobs applied."""
    return load_config(name, overrides=overrides, config_dir=config_dir).scenario


def load_design(name: str, overrides: Sequence[str] = (), config_dir: str | Path | None = None) -> Design:
    """``configs/design/<name>.yaml`` (a preset or one lever alone) with ``overrides``."""
    return load_config("restaurant", name, overrides, config_dir).design
