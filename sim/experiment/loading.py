"""Scenarios and designs from the YAML files, for notebooks and scripts: no Hydra to learn.

    import sim
    scenario = sim.load_scenario("small_restaurant", ["scenario.departments.market.reviewers=4"])
    design = sim.load_design("bundled", ["design.delivery=pickup"])

Overrides are written as on the command line (``scenario.…``, ``staffing.scale=1.5``,
``estimates.review=1.2``, ``design.…``) and checked the same way: a bad one raises
``ConfigError`` naming its key. The scenario returned is the one that runs, knobs applied.
"""

from __future__ import annotations

from collections.abc import Sequence

from hydra import compose, initialize_config_dir
from hydra.errors import HydraException

from sim.domain.design import Design
from sim.domain.scenario import Scenario
from sim.experiment.config import CONFIGS, SimConfig, load, register
from sim.experiment.preflight import unknown_key
from sim.experiment.safety import check_data


def load_config(scenario: str, design: str = "single", overrides: Sequence[str] = ()) -> SimConfig:
    """The whole configuration a command line ``scenario=<scenario> design=<design> <overrides>``
    would run, checked."""
    register()
    with initialize_config_dir(config_dir=CONFIGS, version_base="1.3"):
        try:
            cfg = compose("config", overrides=[f"scenario={scenario}", f"design={design}", *overrides])
        except HydraException as err:
            unknown = unknown_key(err)
            if unknown is None:
                raise
            raise unknown from None
    check_data(cfg)  # nothing of it resolved yet: the same rule as the command line's
    return load(cfg)


def load_scenario(name: str, overrides: Sequence[str] = ()) -> Scenario:
    """``configs/scenario/<name>.yaml`` with ``overrides``, staffing and estimate knobs applied."""
    return load_config(name, overrides=overrides).scenario


def load_design(name: str, overrides: Sequence[str] = ()) -> Design:
    """``configs/design/<name>.yaml`` (a preset or one lever alone) with ``overrides``."""
    return load_config("restaurant", name, overrides).design
