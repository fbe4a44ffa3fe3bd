"""The Hydra schema: the top-level config and how it becomes plain, validated objects.

The scenario and design dataclasses are registered as structured configs, so Hydra rejects
an unknown key or a wrongly typed value while composing, naming its full key. ``load``
converts the composed config to plain Python objects once, before any simulation: reading
an OmegaConf node costs tens of microseconds, and the model must never touch one.
"""

from __future__ import annotations

from dataclasses import dataclass

from hydra.core.config_store import ConfigStore
from omegaconf import DictConfig, OmegaConf

from sim.design import Design
from sim.errors import ConfigError
from sim.scenario import Scenario
from sim.validate import validate


@dataclass(kw_only=True)
class SimConfig:
    scenario: Scenario
    design: Design
    seed: int = 0
    record_steps: bool = True


def register() -> None:
    """Put the schema in Hydra's ConfigStore as ``sim_schema`` (used by configs/config.yaml)."""
    ConfigStore.instance().store(name="sim_schema", node=SimConfig)


def load(cfg: DictConfig) -> SimConfig:
    """Plain, validated objects from a composed config; raises ConfigError naming the key."""
    obj: SimConfig = OmegaConf.to_object(cfg)
    validate(obj.scenario)
    if obj.seed < 0:
        raise ConfigError("seed", f"must be >= 0, got {obj.seed}")
    return obj
