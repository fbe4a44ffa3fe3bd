"""Every option of every config group composes, validates and runs."""

from pathlib import Path

import pytest

from sim import run
from sim.config import CONFIGS

GROUPS = {
    group.name: sorted(p.stem for p in group.glob("*.yaml"))
    for group in sorted(Path(CONFIGS).iterdir())
    if group.is_dir()
}
OPTIONS = [(group, option) for group, options in GROUPS.items() for option in options]


def test_groups_exist():
    assert {"scenario", "design", "experiment", "sensitivity", "catalogue"} <= set(GROUPS)


@pytest.mark.parametrize(("group", "option"), OPTIONS, ids=[f"{g}={o}" for g, o in OPTIONS])
def test_option_composes_and_runs(compose, group, option):
    prefix = "" if group in ("scenario", "design", "sensitivity") else "+"  # not in the defaults list
    conf = compose([f"{prefix}{group}={option}"])
    result = run(conf.scenario, conf.design, conf.seed, record_steps=False)
    assert result.info["arrived"] == len(result.cases) > 0


def test_slurm_launcher_preset_composes(compose):
    from hydra import compose as hydra_compose
    from hydra import initialize_config_dir

    with initialize_config_dir(config_dir=CONFIGS, version_base="1.3"):
        cfg = hydra_compose("config", overrides=["hydra/launcher=slurm"], return_hydra_config=True)
    assert cfg.hydra.launcher._target_.endswith("SlurmLauncher")
    assert cfg.hydra.launcher.cpus_per_task == 1
