"""Check every configuration a command would run before Hydra starts any of them.

Hydra rejects a wrong type or an unknown key while composing, but only job by job and with
exit code 1, and it cannot know our semantic rules (probabilities, cycles, staff). Here the
command line is composed once per job it would run (sweeps expanded as the basic sweeper
does) and each result is loaded and validated, so bad input stops the command with one
message naming the key, exit code 2, and nothing written.

Jobs that choose the same config-group options share one composition; their other overrides
are applied to a copy exactly as Hydra applies them after composing, so checking a sweep of
hundreds of seeds or staff counts costs a few compositions, not hundreds. Hydra's basic
sweeper then need not compose the checked jobs once more before launching them.
"""

from __future__ import annotations

import copy
import importlib
from pathlib import Path

from hydra import compose, initialize_config_dir
from hydra._internal.config_loader_impl import ConfigLoaderImpl
from hydra.core.override_parser.overrides_parser import OverridesParser
from omegaconf import DictConfig, OmegaConf, open_dict

from sim.experiment.config import CONFIGS, load, register
from sim.experiment.sweep import expand, normalised, params_lines

MULTIRUN_FLAGS = ("-m", "--multirun")
CONFIG_DIR_FLAGS = ("-cd", "--config-dir")
BASIC_SWEEPER = "hydra._internal.core_plugins.basic_sweeper"


def plan(argv: list[str]) -> list[list[str]] | None:
    """The task overrides of each job ``argv`` would run, or None when ``argv`` asks Hydra for
    something else (help, config printing...), which Hydra then handles itself."""
    overrides, extra_dirs, multirun = [], [], False
    args = iter(argv)
    for arg in args:
        if arg in MULTIRUN_FLAGS:
            multirun = True
        elif arg in CONFIG_DIR_FLAGS:
            extra_dirs.append(next(args, ""))
        elif arg.startswith("--config-dir="):
            extra_dirs.append(arg.split("=", 1)[1])
        elif arg.startswith("-"):
            return None
        else:
            overrides.append(arg)
    search = [f"hydra.searchpath=[{','.join('file://' + str(Path(d).resolve()) for d in extra_dirs)}]"]
    search = search if extra_dirs else []
    parsed = OverridesParser.create().parse_overrides(overrides)
    task = [o.input_line for o in parsed if not o.get_key_element().lstrip("+~").startswith("hydra")]
    if not multirun:
        return [task + search]
    fixed = [o.input_line for o in parsed if not o.is_sweep_override() and o.input_line in task]
    with initialize_config_dir(config_dir=CONFIGS, version_base="1.3"):
        cfg = compose("config", overrides=fixed + search, return_hydra_config=True)
    params = OmegaConf.select(cfg, "hydra.sweeper.params")
    return [job + search for job in expand(params_lines(params) + task)]


def check(argv: list[str]) -> list[list[str]]:
    """Compose, load and validate every job of ``argv``; raise on the first bad one.

    Returns the jobs checked (none when Hydra handles the command itself)."""
    register()
    jobs = plan(argv)
    if jobs is None:
        return []
    with initialize_config_dir(config_dir=CONFIGS, version_base="1.3"):
        composer = Composer()
        for job in jobs:
            load(composer(job))
    return jobs


def spare_recheck(jobs: list[list[str]]) -> None:
    """Let Hydra's basic sweeper launch ``jobs`` without composing each once more.

    Before launching, the basic sweeper composes every job to catch errors early: 0.1-0.2 s a
    job, one after another, before any job starts (minutes for a sweep of hundreds). ``check``
    has composed and validated these; a job of the sweep's batch that is not among them is
    still composed by Hydra, so the sweep is never launched unchecked.
    """
    checked = {normalised([o for o in job if not o.startswith("hydra.")]) for job in jobs}
    # Looked up now: Hydra re-imports its plugin modules when it first scans them (the first
    # composition, in ``check``), and launches with the class of that import.
    sweeper = importlib.import_module(BASIC_SWEEPER).BasicSweeper
    recheck = sweeper.validate_batch_is_legal

    def validate_unchecked(self: object, batch: list[list[str]]) -> None:
        recheck(self, [job for job in batch if normalised(job) not in checked])

    sweeper.validate_batch_is_legal = validate_unchecked


class Composer:
    """``compose("config", overrides=job)``, with one composition per distinct choice of
    config-group options (and Hydra settings) shared by the jobs that make it.

    Hydra itself composes the defaults list (group choices) first and then applies the
    remaining overrides to the result (``ConfigLoaderImpl._apply_overrides_to_config``, the
    step used here). Any job this shortcut cannot take, an error included, is composed in full,
    so what it returns or raises is what ``compose`` would.
    """

    def __init__(self) -> None:
        self._parser = OverridesParser.create()
        # config groups: the folders of the config directory, and any a composition names
        self._groups = {p.name for p in Path(CONFIGS).iterdir() if p.is_dir()}
        self._bases: dict[tuple[str, ...], DictConfig] = {}

    def __call__(self, job: list[str]) -> DictConfig:
        choices, values = [], []
        for o in self._parser.parse_overrides(job):
            (choices if self._defaults_list_override(o) else values).append(o)
        key = tuple(o.input_line for o in choices)
        if key not in self._bases:
            self._bases[key] = self._compose(list(key))
        cfg = copy.deepcopy(self._bases[key])
        try:
            ConfigLoaderImpl._apply_overrides_to_config(values, cfg)
        except Exception:  # let compose say what is wrong, in its own words
            return self._compose(job)
        return cfg

    def _defaults_list_override(self, override) -> bool:
        key = override.get_key_element().lstrip("+~")
        return key in self._groups or key.startswith("hydra")

    def _compose(self, overrides: list[str]) -> DictConfig:
        cfg = compose("config", overrides=overrides, return_hydra_config=True)
        self._groups.update(cfg.hydra.runtime.choices.keys())
        with open_dict(cfg):
            del cfg["hydra"]
        return cfg
