"""What a multirun will run: sweep overrides expanded into one override list per job, with
Hydra's own override parser (so ``a=1,2``, ``range(0,4)`` and ``choice(...)`` mean what they
mean to Hydra's basic sweeper)."""

from __future__ import annotations

import itertools
import math
from pathlib import Path

from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.core.override_parser.types import Override, RangeSweep
from omegaconf import OmegaConf

from sim.domain.errors import ConfigError
from sim.experiment.safety import read_config

MAX_JOBS = 100_000  # a bigger study is several sweeps (the check holds every job's overrides)


def expand(lines: list[str]) -> list[list[str]]:
    """One override list per job: the cartesian product of the sweeps; for a repeated key the
    last line wins (the command line over the config's ``hydra.sweeper.params``). A sweep of
    more than ``MAX_JOBS`` jobs is refused, counted before any is listed."""
    by_key: dict[str, Override] = {}
    for o in OverridesParser.create().parse_overrides(lines):
        by_key[o.key_or_group] = o
    jobs = math.prod(_size(o) for o in by_key.values())
    if jobs > MAX_JOBS:
        widest = max(by_key.values(), key=_size)
        raise ConfigError(
            widest.get_key_element(),
            f"the sweep would run {jobs:,} jobs, more than the {MAX_JOBS:,} one sweep may: split it",
        )
    choices = [
        [f"{o.get_key_element()}={v}" for v in o.sweep_string_iterator()]
        if o.is_sweep_override()
        else [o.input_line]
        for o in by_key.values()
    ]
    return [list(combo) for combo in itertools.product(*choices)]


def _size(o: Override) -> int:
    """How many values ``o`` sweeps (1 when it sets one), without listing a range."""
    if not o.is_sweep_override():
        return 1
    value = o.value()
    if isinstance(value, RangeSweep):
        return max(0, math.ceil((value.stop - value.start) / value.step)) if value.step else 0
    return sum(1 for _ in o.sweep_string_iterator())


def normalised(lines: list[str]) -> frozenset[str]:
    """Overrides as Hydra reads them ("x=false" and "x=False" are the same override)."""
    parsed = OverridesParser.create().parse_overrides(lines)
    return frozenset(f"{o.get_key_element()}={o.value()}" for o in parsed)


def params_lines(params) -> list[str]:
    """``hydra.sweeper.params`` (a mapping of key to sweep string) as override lines."""
    return [f"{k}={v}" for k, v in (params or {}).items()]


def expected_jobs(sweep: Path) -> list[frozenset[str]]:
    """The override sets the sweep in ``sweep`` was asked to run, from its ``multirun.yaml``
    (none when it has none)."""
    manifest = sweep / "multirun.yaml"
    if not manifest.exists():
        return []
    cfg = read_config(manifest)
    task = OmegaConf.to_container(cfg.hydra.overrides.task, resolve=False)  # the command line, as text
    lines = params_lines(OmegaConf.select(cfg, "hydra.sweeper.params")) + task
    return [normalised(job) for job in expand(lines)]
