"""Configs are data: what the pre-run check refuses so that no config file, preset or
command line runs code, reads the environment, or hangs the reader.

Hydra can instantiate classes named in a config (``_target_``: launchers, sweepers,
callbacks), configure logging from it (handler classes, ``()`` factories, ``ext://`` objects,
files anywhere), and resolve interpolations that read the environment (``${oc.env:...}``).
A scenario file that starts with ``# @package _global_`` can set any of them. So the whole
composed config, ``hydra.*`` included, is checked before Hydra starts: only the launchers
and the sweeper this project offers, no callback but its own progress bar, logging only to
the console and to the job's own folder, and no resolvers but Hydra's clock and its own
settings. YAML files are
size-checked and their alias expansion bounded before anything parses them.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path

import yaml
from hydra.core.config_store import ConfigStore
from omegaconf import DictConfig, ListConfig, OmegaConf
from omegaconf.errors import OmegaConfBaseException

from sim.domain.errors import ConfigError
from sim.experiment import interpolations

# The launchers README offers and Hydra's basic sweeper, by their names in Hydra's config store
# (their classes are read from there, as Hydra registers them).
LAUNCHERS = ("basic", "joblib", "submitit_local", "submitit_slurm")
SWEEPERS = ("basic",)
HANDLERS = {"logging.StreamHandler", "logging.FileHandler", "logging.NullHandler"}
STREAMS = {"ext://sys.stdout", "ext://sys.stderr"}
LOG_FOLDER = "${hydra.runtime.output_dir}/"
ECHOES = ("hydra.overrides.", "hydra.job.override_dirname")  # the command line as text, never resolved
CALLING_KEYS = {"_target_", "_partial_", "_args_", "()"}
# The one callback configs/config.yaml sets: the sweep's progress bar, drawn in the launching process.
CALLBACKS = {"progress": {"_target_": "sim.experiment.progress.SweepProgress"}}
# Launcher settings land in a shell script (an sbatch file's #SBATCH lines) or in paths: each
# is on this list, with what it may hold. Shell lines and free-form directives are refused; a
# cluster's own setup belongs in the cluster's profile, not in a shared preset.
WORD = re.compile(r"^[\w.,:=+@%*\[\]\-]{0,200}$")  # one shell word: no space, quote, $, ; or /
NEVER = ("setup", "additional_parameters", "srun_args", "temp_folder")
COUNTS = {  # the least each count may be
    "timeout_min": 1, "cpus_per_task": 1, "tasks_per_node": 1, "nodes": 1, "array_parallelism": 1,
    "gpus_per_node": 0, "cpus_per_gpu": 0, "gpus_per_task": 0, "mem_gb": 0, "signal_delay_s": 0,
    "max_num_timeout": 0, "verbose": 0, "timeout": 0, "max_nbytes": 0,
}  # fmt: skip
WORDS = {
    "partition", "qos", "comment", "constraint", "exclude", "gres", "account", "name", "mem_per_gpu",
    "mem_per_cpu", "pre_dispatch", "backend", "prefer", "require", "mmap_mode", "batch_size",
}  # fmt: skip
MAX_WORKERS = 4096
SEPARATOR = re.compile(r"^[=,_:+@\-]{1,3}$")  # joins a job's overrides into its folder's name
MAX_FILE_BYTES = 1_000_000
MAX_YAML_NODES = 1_000_000


def check_files(directories: list[Path]) -> None:
    """Refuse a YAML file in ``directories`` that is not a regular file (a FIFO, a device, a
    folder named ``*.yaml``), too big, not UTF-8, or whose aliases expand to more than
    ``MAX_YAML_NODES`` nodes ("billion laughs"), before Hydra reads any of them."""
    for directory in directories:
        if not directory.is_dir():
            raise ConfigError(str(directory), "not a folder of configs")
        _links_stay_inside(directory)
        for path in sorted(directory.rglob("*.yaml")):
            _check_file(path)


def _links_stay_inside(directory: Path) -> None:
    """Refuse a link in ``directory`` (to a file or a folder) that leads out of it: Hydra would
    read what it points to, and its errors would quote that file."""
    root = directory.resolve()
    for folder, subfolders, files in os.walk(directory):
        for name in [*subfolders, *files]:
            path = Path(folder) / name
            if path.is_symlink() and not path.resolve().is_relative_to(root):
                raise ConfigError(str(path), "a link to a file outside the config folder; refused unread")


def read_config(path: Path) -> DictConfig | ListConfig:
    """A YAML file from outside the project (a results folder's ``.hydra/config.yaml``, a
    sweep's ``multirun.yaml``), checked as a config file and as data before anything of it is
    resolved: results folders are shared, and a shared folder is untrusted input."""
    _check_file(path)
    try:
        cfg = OmegaConf.load(path)
    except (yaml.YAMLError, OmegaConfBaseException, OSError, AssertionError) as err:
        # OmegaConf asserts and raises OSError for a file whose top is a number or a string
        raise ConfigError(str(path), f"not a YAML mapping or list: {str(err)[:200]}") from None
    check_data(cfg)
    return cfg


def _check_file(path: Path) -> None:
    """A regular file, of bounded size, UTF-8, whose aliases expand to a bounded graph."""
    try:
        found = path.stat()  # through a symlink: what a read would open
    except OSError as err:
        raise ConfigError(str(path), f"cannot be read ({err.strerror})") from None
    if not stat.S_ISREG(found.st_mode):
        raise ConfigError(str(path), "not a regular file (a folder, a pipe or a device); refused unread")
    if found.st_size > MAX_FILE_BYTES:
        raise ConfigError(
            str(path), f"{found.st_size:,} bytes; a config file may hold at most {MAX_FILE_BYTES:,}"
        )
    try:
        text = path.read_bytes()[: MAX_FILE_BYTES + 1].decode("utf-8")
    except UnicodeDecodeError as err:
        raise ConfigError(str(path), f"not UTF-8 text (byte {err.start}); save it as UTF-8") from None
    try:
        root = _composed(text)
        nodes = 0 if root is None else _expanded(root, {})
    except yaml.YAMLError:
        return  # Hydra reports a broken file in its own words
    except RecursionError:
        raise ConfigError(str(path), "nested too deeply to be a config; refused unread") from None
    if nodes > MAX_YAML_NODES:
        raise ConfigError(
            str(path), f"its aliases expand to more than {MAX_YAML_NODES:,} values; refused unread"
        )


def _composed(text: str) -> yaml.Node | None:
    """The file's node graph, read by libyaml (ten times faster: every command reads every
    file); a file libyaml refuses is read again as Hydra reads it, by PyYAML's own loader, so
    that a broken file or one nested too deep gets that loader's verdict."""
    fast = getattr(yaml, "CSafeLoader", None)
    if fast is not None:
        try:
            return yaml.compose(text, Loader=fast)
        except yaml.YAMLError:
            pass
    return yaml.compose(text, Loader=yaml.SafeLoader)


def _expanded(node: yaml.Node, memo: dict[int, int]) -> int:
    """Nodes of ``node`` with every alias expanded: an alias is the same node object, so each
    is counted once and reused (linear in the file, however far it would expand)."""
    key = id(node)
    if key not in memo:
        memo[key] = 1  # a node that refers to itself counts once
        if isinstance(node, yaml.SequenceNode):
            memo[key] = 1 + sum(_expanded(n, memo) for n in node.value)
        elif isinstance(node, yaml.MappingNode):
            memo[key] = 1 + sum(_expanded(k, memo) + _expanded(v, memo) for k, v in node.value)
    return memo[key]


def check_composed(cfg: DictConfig) -> None:
    """Refuse a composed config (``hydra.*`` included) that would run code, read the
    environment, or write logs outside the job's folder; the error names the key."""
    check_data(cfg)
    hydra = OmegaConf.to_container(cfg.hydra, resolve=False)
    _plugin(hydra, "launcher", _targets("hydra/launcher", LAUNCHERS))
    _plugin(hydra, "sweeper", _targets("hydra/sweeper", SWEEPERS))
    for name, spec in (hydra.get("callbacks") or {}).items():
        allowed = CALLBACKS.get(name)
        key = f"hydra.callbacks.{name}"
        if allowed is None or (spec or {}).get("_target_") != allowed["_target_"]:
            raise ConfigError(
                f"{key}._target_",
                "a config never names code to run (the one callback allowed is the progress bar)",
            )
        extra = sorted(set(spec) - set(allowed))
        if extra:
            raise ConfigError(f"{key}.{extra[0]}", "the progress bar takes no settings")
    _launcher(cfg, hydra.get("launcher") or {})
    _job(hydra.get("job") or {})
    for part in ("job_logging", "hydra_logging"):
        _logging(hydra.get(part) or {}, f"hydra.{part}")
    for key, path in (
        ("output_subdir", hydra.get("output_subdir")),
        ("sweep.subdir", hydra["sweep"].get("subdir")),
    ):
        if path is not None and (str(path).startswith("/") or ".." in Path(str(path)).parts):
            raise ConfigError(
                f"hydra.{key}", f"must stay inside the job's folder (no leading '/' or '..'), got '{path}'"
            )


def check_data(cfg: DictConfig | ListConfig) -> None:
    """Refuse interpolations through resolvers other than Hydra's own or that expand without
    bound (``sim.experiment.interpolations``), and keys that name code to call, anywhere
    outside Hydra's launcher, sweeper and callbacks (checked by ``check_composed``)."""
    leaves = dict(_leaves(OmegaConf.to_container(cfg, resolve=False)))
    interpolations.check(leaves, ECHOES)
    for key in leaves:
        if key.rsplit(".", 1)[-1] in CALLING_KEYS and not key.startswith(
            ("hydra.launcher.", "hydra.sweeper.", "hydra.callbacks.")
        ):
            raise ConfigError(key, "a config never names code to run")


def _targets(group: str, names: tuple[str, ...]) -> set[str]:
    """The classes Hydra registered for these options of ``group`` (an extra not installed,
    such as the cluster launchers, registers none)."""
    store = ConfigStore.instance()
    return {
        store.load(f"{group}/{name}.yaml").node["_target_"]
        for name in names
        if f"{name}.yaml" in store.list(group)
    }


def _plugin(hydra: dict, part: str, allowed: set[str]) -> None:
    config = hydra.get(part) or {}
    if config.get("_target_") not in allowed:
        raise ConfigError(
            f"hydra.{part}._target_",
            f"'{config.get('_target_')}' is not one of the {part}s this project offers",
        )
    for key, _ in _leaves(config, f"hydra.{part}"):
        if key.rsplit(".", 1)[-1] in CALLING_KEYS and key != f"hydra.{part}._target_":
            raise ConfigError(key, "a config never names code to run")


def _launcher(cfg: DictConfig, launcher: dict) -> None:
    """Every launcher setting on the list above, with a value that cannot reach a shell or leave
    the sweep's folder (Hydra's schema has refused unknown keys already)."""
    for name, raw in launcher.items():
        key = f"hydra.launcher.{name}"
        value = OmegaConf.select(cfg, key) if isinstance(raw, str) and "${" in raw else raw
        if name == "_target_" or value is None:
            continue
        if name in NEVER:
            if value in ({}, [], ""):
                continue
            raise ConfigError(
                key, "reaches the cluster's shell or a path outside the sweep: not allowed in a config"
            )
        if name == "n_jobs":
            if not (isinstance(value, int) and (value == -1 or 1 <= value <= MAX_WORKERS)):
                raise ConfigError(
                    key, f"workers: -1 (every core) or a whole number from 1 to {MAX_WORKERS}, got {value!r}"
                )
        elif name in COUNTS:
            if (
                isinstance(value, bool)
                or not isinstance(value, (int, float))
                or not COUNTS[name] <= value <= 1e7
            ):
                raise ConfigError(key, f"must be a number from {COUNTS[name]} to 10,000,000, got {value!r}")
        elif name in WORDS:
            if not WORD.match(str(value)):
                raise ConfigError(
                    key,
                    f"must be one word (letters, digits and . , : = + @ % * [ ] -), got {str(value)[:80]!r}",
                )
        elif name == "submitit_folder":
            if not (str(raw).startswith("${hydra.sweep.dir}/") and ".." not in str(raw)):
                raise ConfigError(key, "stays in the sweep's folder: start it with ${hydra.sweep.dir}/")
        elif not isinstance(value, bool):
            raise ConfigError(key, "a launcher setting this project does not pass on")


def _job(job: dict) -> None:
    """Hydra's job settings that set the environment or name folders."""
    for name in ("env_copy", "env_set"):  # env_copy first: composing copies its values into env_set
        if job.get(name):
            raise ConfigError(f"hydra.job.{name}", "a config never sets or passes on environment variables")
    names = (job.get("config") or {}).get("override_dirname") or {}
    for name in ("kv_sep", "item_sep"):
        if name in names and not SEPARATOR.match(str(names[name])):
            raise ConfigError(
                f"hydra.job.config.override_dirname.{name}",
                f"joins a job's folder name: 1 to 3 of = , _ : + @ -, got {str(names[name])[:40]!r}",
            )


def _logging(config: dict, key: str) -> None:
    for k, value in _leaves(config, key):
        if k.rsplit(".", 1)[-1] in CALLING_KEYS:
            raise ConfigError(k, "logging factories run code: not allowed")
        if isinstance(value, str) and value.startswith("ext://") and value not in STREAMS:
            raise ConfigError(k, f"only {', '.join(sorted(STREAMS))} may be named")
    for name, handler in (config.get("handlers") or {}).items():
        k = f"{key}.handlers.{name}"
        if handler.get("class") not in HANDLERS:
            raise ConfigError(f"{k}.class", f"use one of {', '.join(sorted(HANDLERS))}")
        filename = handler.get("filename")
        rest = str(filename).removeprefix(LOG_FOLDER)
        if filename is not None and (rest == str(filename) or "/" in rest or ".." in rest or not rest):
            raise ConfigError(
                f"{k}.filename", f"logs are written in the job's folder itself: {LOG_FOLDER}<file name>"
            )
    for part in ("formatters", "filters"):
        for name, spec in (config.get(part) or {}).items():
            if isinstance(spec, dict) and "class" in spec:
                raise ConfigError(f"{key}.{part}.{name}.class", "a config never names code to run")


def _leaves(node: object, key: str = "") -> Iterator[tuple[str, object]]:
    """Every (dotted key, value) below a plain container, containers included."""
    if isinstance(node, dict):
        entries = ((f"{key}.{k}" if key else str(k), v) for k, v in node.items())
    elif isinstance(node, list):
        entries = ((f"{key}[{i}]", v) for i, v in enumerate(node))
    else:
        return
    for child, value in entries:
        yield child, value
        yield from _leaves(value, child)
