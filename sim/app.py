"""The Hydra front door: ``python -m sim`` composes a config, runs it, writes its tables."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig

from sim.config import load, register
from sim.errors import ConfigError
from sim.metrics import summarise
from sim.output import write_run
from sim.run import run

log = logging.getLogger("sim")
CONFIGS = str(Path(__file__).resolve().parent.parent / "configs")
register()


@hydra.main(version_base="1.3", config_path=CONFIGS, config_name="config")
def main(cfg: DictConfig) -> None:
    try:
        conf = load(cfg)
    except ConfigError as e:
        log.error("config error: %s", e)
        sys.exit(2)
    result = run(conf.scenario, conf.design, conf.seed, record_steps=conf.record_steps)
    summary = summarise(result)
    out = write_run(result, summary, HydraConfig.get().runtime.output_dir)
    log.info(
        "%s / %s / seed %d: %d cases; mean lead time %.1f h (P90 %.1f), %.2f trips, %.2f documents -> %s",
        conf.scenario.name,
        conf.design.label,
        conf.seed,
        summary["cases"],
        summary["lead_time_mean"],
        summary["lead_time_p90"],
        summary["trips_mean"],
        summary["documents_mean"],
        out,
    )
