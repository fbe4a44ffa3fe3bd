"""Check every configuration a command would run before Hydra starts any of them.

Hydra rejects a wrong type or an unknown key while composing, but only job by job and with
exit code 1, and it cannot know our semantic rules (probabilities, cycles, staff) nor that a
config must never run code (``sim.experiment.safety``: checked on the whole composition,
Hydra's settings included). Here the
command line is composed once per job it would run (sweeps expanded as the basic sweeper
does) and each result is loaded and validated, so bad input stops the command with one
message naming the key, exit code 2, and nothing written.

Jobs that choose the same config-group options share one composition
(``sim.experiment.composer``), so checking a sweep of hundreds of seeds, staff counts or
sensitivity cases costs a few compositions, not hundreds.
"""

from __future__ import annotations

import copy
import shutil
import sys
from dataclasses import dataclass, fields, is_dataclass
from pathlib import Path

from hydra import compose, initialize_config_dir
from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.errors import HydraException
from hydra.types import RunMode
from omegaconf import DictConfig, OmegaConf
from omegaconf.errors import OmegaConfBaseException

from sim.domain.errors import ConfigError
from sim.domain.loads import backlog, batch_loads, offered_loads, used_pools
from sim.experiment.composer import PRIMARY, Composer, without_hydra
from sim.experiment.config import (
    CONFIGS,
    JOB_NAME,
    SimConfig,
    load,
    register,
    search_path,
)
from sim.experiment.conversion import did_you_mean
from sim.experiment.safety import check_composed, check_data, check_files
from sim.experiment.sweep import expand, expected_jobs, normalised, params_lines

MULTIRUN_FLAGS = ("-m", "--multirun")
CONFIG_DIR_FLAGS = ("-cd", "--config-dir")
# Options after which Hydra prints something and runs no job (no callbacks, no logging set up).
HYDRA_PRINTS = ("-h", "--help", "--hydra-help", "--version", "-c", "--cfg", "-i", "--info", "-p", "--package")
HYDRA_PRINTS += ("--resolve", "-sc", "--shell-completion")
BUSY = 0.85  # offered load from which a pool is named in a warning


def plan(argv: list[str]) -> list[list[str]] | None:
    """The overrides of each job ``argv`` would run (Hydra's settings among them), or None when
    ``argv`` asks Hydra only to print something, which Hydra then does itself. Config files are
    size-checked before anything reads them."""
    overrides, extra_dirs, multirun = [], [], False
    args = iter(argv)
    for arg in args:
        flag = arg.split("=", 1)[0]
        if arg in MULTIRUN_FLAGS:
            multirun = True
        elif arg in CONFIG_DIR_FLAGS:
            extra_dirs.append(next(args, ""))
        elif flag == "--config-dir":
            extra_dirs.append(arg.split("=", 1)[1])
        elif flag in HYDRA_PRINTS:
            return None
        elif arg.startswith("-"):
            raise ConfigError(
                arg, "not an option of python -m sim (use -m, --config-dir, --help, --cfg, --info)"
            )
        else:
            overrides.append(arg)
    check_files([Path(CONFIGS), *(Path(d) for d in extra_dirs), *_search_path(overrides)])
    search = [search_path(extra_dirs)] if extra_dirs else []
    if not multirun:
        return [overrides + search]
    parsed = OverridesParser.create().parse_overrides(overrides)
    fixed = [o.input_line for o in parsed if not o.is_sweep_override()]
    with initialize_config_dir(config_dir=CONFIGS, version_base="1.3"):
        cfg = compose(PRIMARY, overrides=fixed + search, return_hydra_config=True)
    check_composed(cfg)  # before anything of it is resolved
    _launchable(cfg)
    params = OmegaConf.select(cfg, "hydra.sweeper.params")
    jobs = [job + search for job in expand(params_lines(params) + overrides)]
    _another_sweep(Path(OmegaConf.select(cfg, "hydra.sweep.dir")), jobs)
    _inside_the_sweep(jobs, OmegaConf.to_container(cfg.hydra.job.config.override_dirname, resolve=False))
    return jobs


def _launchable(cfg: DictConfig) -> None:
    """A cluster launcher needs its cluster: without ``sbatch`` submitit fails only after the
    sweep's folder is made."""
    if cfg.hydra.launcher.get("_target_", "").endswith(".SlurmLauncher") and shutil.which("sbatch") is None:
        raise ConfigError(
            "hydra/launcher", "slurm needs SLURM's sbatch on this machine; run on the cluster's login node"
        )


def _another_sweep(folder: Path, jobs: list[list[str]]) -> None:
    """Say so when the sweep's folder holds another sweep's jobs: its list of jobs is replaced,
    and ``collect`` and ``report`` read this sweep's jobs only (listing the others)."""
    manifest = folder / "multirun.yaml"
    if not manifest.is_file():
        return
    before = set(expected_jobs(folder))
    now = {normalised([o for o in job if not o.lstrip("+~").startswith("hydra")]) for job in jobs}
    if before and before != now:
        left = len(before - now)
        print(
            f"warning: {folder} holds another sweep ({len(before)} jobs, {left} of them not in this one): "
            "this sweep's list replaces its list, jobs of the same configuration are kept, and collect "
            "and report read this sweep's jobs only. Pass hydra.sweep.dir=<folder> to keep both apart",
            file=sys.stderr,
        )


def _search_path(overrides: list[str]) -> list[Path]:
    """The folders a ``hydra.searchpath=[...]`` override adds, to be checked like the others
    before Hydra reads them (only folders: a ``pkg://`` entry reads from installed code)."""
    folders = []
    for o in OverridesParser.create().parse_overrides(overrides):
        if o.key_or_group.lstrip("+~") != "hydra.searchpath":
            continue
        value = o.value()
        for entry in value if isinstance(value, list) else [value]:
            scheme, sep, path = str(entry).rpartition("://")
            if sep and scheme != "file":
                raise ConfigError(
                    "hydra.searchpath", f"only folders (file://...) may be searched, got '{entry}'"
                )
            folders.append(Path(path))
    return folders


def _inside_the_sweep(jobs: list[list[str]], naming: dict) -> None:
    """A job's folder is named after its overrides (those not excluded from its name): a value
    with a '/' would put it elsewhere, and a name over 255 bytes cannot be made at all."""
    excluded = set(naming.get("exclude_keys") or ())
    kv, sep = str(naming.get("kv_sep", "=")), str(naming.get("item_sep", ","))
    parser = OverridesParser.create()
    for job in jobs:
        named = [
            o
            for o in parser.parse_overrides(job)
            if not o.get_key_element().lstrip("+~").startswith("hydra")
            and o.get_key_element() not in excluded
        ]
        for o in named:
            if "/" in o.get_value_element_as_str():
                raise ConfigError(
                    o.get_key_element(),
                    "a job's folder is named after its overrides: a value in a sweep may not hold '/'",
                )
        name = sep.join(f"{o.get_key_element()}{kv}{o.get_value_element_as_str()}" for o in named)
        if len(name.encode()) > 255:
            longest = max(named, key=lambda o: len(o.get_value_element_as_str()))
            raise ConfigError(
                longest.get_key_element(),
                f"a job's folder is named after its overrides and would be {len(name.encode())} bytes "
                "(at most 255): set long text in a preset, or name fewer values on the command line",
            )


@dataclass
class Checked:
    """What the check passed: the overrides of each job (none when Hydra only prints), and for
    a single run its whole composition, Hydra's settings included, ready to run as it is."""

    jobs: list[list[str]]
    run: DictConfig | None = None


def _refuse_overload(conf: SimConfig, loads: dict[str, float], batches: dict[str, float]) -> None:
    """Refuse a job that offers any pool its staffed hours or more, or sends any batch more than
    its releases take, naming every one of them with its load (the most loaded first), so a
    planner adds the staff all at once instead of meeting the pools one refusal at a time."""
    pools = sorted(((pool_key(p), load) for p, load in loads.items() if load >= 1), key=lambda x: -x[1])
    queues = sorted(((k, load) for k, load in batches.items() if load >= 1), key=lambda x: -x[1])
    if not pools and not queues:
        return
    where = f"scenario {conf.scenario.name}, design {conf.design.label}, staffing x{conf.staffing.scale:g}"
    said = [f"offered {100 * load:.0f} % of its staffed hours" for _, load in pools]
    said += [f"{100 * load:.0f} % of what its releases may take is sent to it" for _, load in queues]
    keys = [key for key, _ in [*pools, *queues]]
    others = "; ".join(f"{key}: {what}" for key, what in zip(keys[1:], said[1:], strict=True))
    remedy = " and ".join(r for r, any_ in (("add staff", pools), ("raise the capacity", queues)) if any_)
    raise ConfigError(
        keys[0],
        f"{said[0]} ({where}){'; also ' + others if others else ''}: "
        f"{'each' if len(keys) > 1 else 'its'} queue would grow as long as applicants come. "
        f"{remedy.capitalize()}, or set allow_overload=true to run it anyway",
    )


def check(argv: list[str]) -> Checked:
    """Compose, load and validate every job of ``argv``, Hydra's settings included; raise on
    the first bad one."""
    register()
    jobs = plan(argv)
    if jobs is None:
        return Checked([])
    single = not any(arg in MULTIRUN_FLAGS for arg in argv)
    whole = None
    busy: dict[str, list[float]] = {}
    unscaled: dict[float, dict[str, int]] = {}
    with initialize_config_dir(config_dir=CONFIGS, version_base="1.3", job_name=JOB_NAME):
        composer = Composer()
        for job in jobs:
            try:
                composer.refuse_new_entries(job)
                if single:  # composed in full: this is the composition that will run
                    whole = composer.whole(job)
                    cfg = without_hydra(copy.deepcopy(whole))
                    check_data(cfg)
                    conf = load(cfg)
                else:
                    cfg, conf = composer.loaded(job)
            except HydraException as err:
                unknown = unknown_key(err)
                if unknown is None:
                    raise
                raise unknown from None
            loads = offered_loads(conf.scenario, conf.design)
            queued = backlog(conf.scenario, loads)
            if queued > conf.scenario.backlog_limit:
                raise ConfigError(
                    "scenario.backlog_limit",
                    f"an overloaded pool would leave about {queued:,.0f} applicants queued at the horizon "
                    f"(about {queued * 3.1e3 / 2**30:.1f} GiB), more than the "
                    f"{conf.scenario.backlog_limit:,.0f} a run may hold: add staff, shorten the horizon, or "
                    "raise scenario.backlog_limit",
                )
            if not conf.allow_overload:
                _refuse_overload(conf, loads, batch_loads(conf.scenario, conf.design))
            for pool, load_ in loads.items():
                if load_ >= BUSY:
                    busy.setdefault(pool, []).append(load_)
            if conf.staffing.scale != 1:
                for pool in used_pools(conf.scenario):
                    written = OmegaConf.select(cfg, pool_key(pool))
                    if written and conf.staffing.times(written) == written:
                        unscaled.setdefault(conf.staffing.scale, {})[pool] = written
    for pool, loads in busy.items():
        print(
            f"warning: {pool} is offered up to {100 * max(loads):.0f} % of its staffed hours in "
            f"{len(loads)} of {len(jobs)} job(s): queues grow steeply from {100 * BUSY:.0f} % and without "
            "end from 100 % (offered_load in each summary.json)",
            file=sys.stderr,
        )
    for scale, pools in unscaled.items():
        listed = ", ".join(f"{pool} {n}" for pool, n in pools.items())
        print(
            f"warning: staffing x{scale:g} leaves {len(pools)} pool(s) at the same headcount, rounded to "
            f"whole people ({listed}); set one with its key, e.g. {pool_key(next(iter(pools)))}=N",
            file=sys.stderr,
        )
    runs_once = whole is not None and whole.hydra.mode in (None, RunMode.RUN)  # a config may ask for a sweep
    return Checked(jobs, whole if runs_once else None)


def unknown_key(err: HydraException) -> ConfigError | None:
    """Hydra's refusal of a key the schema does not have, as our error with the nearest known key."""
    cause = err.__cause__
    while cause is not None:
        if isinstance(cause, OmegaConfBaseException) and cause.key is not None:
            schema, parent = getattr(cause, "object_type", None), getattr(cause, "parent_node", None)
            if is_dataclass(schema):
                known = [f.name for f in fields(schema)]
            elif isinstance(parent, DictConfig):  # a name the mapping has not got (a department, an item)
                known = [str(k) for k in parent]
            else:
                known = None
            if known is not None and cause.key not in known:
                return ConfigError(
                    cause.full_key, f"unknown key '{cause.key}'{did_you_mean(str(cause.key), known)}"
                )
        cause = cause.__cause__
    return None


def pool_key(pool: str) -> str:
    """The config key that staffs ``pool`` (as ``offered_loads`` names it)."""
    if pool in ("coordinators", "specialists"):
        return "scenario.requests.coordinators" if pool == "coordinators" else "scenario.specialists.staff"
    group, role = pool.split(".")
    return "scenario.one_stop.clerks" if group == "one_stop" else f"scenario.departments.{group}.{role}"
