"""The Hydra front door: ``python -m sim`` composes a config, runs its replications and
writes their tables into Hydra's output directory."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig

from sim.config import load, register
from sim.errors import ConfigError
from sim.output import write_job
from sim.replications import replicate

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
    result = replicate(
        conf.scenario,
        conf.design,
        conf.seed,
        conf.replications,
        record_steps=conf.record_steps,
        progress=conf.progress,
    )
    out, summary = write_job(result, conf, HydraConfig.get().runtime.output_dir)
    m = summary["metrics"]
    log.info(
        "%s / %s / staffing x%g / %d replication(s): mean lead time %.1f h, %.2f trips, %.2f documents -> %s",
        conf.scenario.name,
        conf.design.label,
        conf.staffing.scale,
        conf.replications,
        m["lead_time_mean"]["mean"],
        m["trips_mean"]["mean"],
        m["documents_mean"]["mean"],
        out,
    )
