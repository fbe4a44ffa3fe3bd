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

import re
from collections.abc import Iterator
from pathlib import Path

import yaml
from hydra.core.config_store import ConfigStore
from omegaconf import DictConfig, OmegaConf

from sim.domain.errors import ConfigError

# The launchers README offers and Hydra's basic sweeper, by their names in Hydra's config store
# (their classes are read from there, as Hydra registers them).
LAUNCHERS = ("basic", "joblib", "submitit_local", "submitit_slurm")
SWEEPERS = ("basic",)
HANDLERS = {"logging.StreamHandler", "logging.FileHandler", "logging.NullHandler"}
STREAMS = {"ext://sys.stdout", "ext://sys.stderr"}
LOG_FOLDER = "${hydra.runtime.output_dir}/"
RESOLVERS = {"now", "hydra"}  # Hydra's clock and its own runtime settings
ECHOES = ("hydra.overrides.", "hydra.job.override_dirname")  # the command line as text, never resolved
CALLING_KEYS = {"_target_", "_partial_", "_args_", "()"}
# The one callback configs/config.yaml sets: the sweep's progress bar, drawn in the launching process.
CALLBACKS = {"progress": {"_target_": "sim.experiment.progress.SweepProgress"}}
MAX_FILE_BYTES = 1_000_000
MAX_YAML_NODES = 1_000_000
_RESOLVER = re.compile(r"\$\{\s*([\w.\-]+)\s*:")


def check_files(directories: list[Path]) -> None:
    """Refuse a YAML file in ``directories`` that is too big, or whose aliases expand to more
    than ``MAX_YAML_NODES`` nodes ("billion laughs"), before Hydra reads any of them."""
    for directory in directories:
        for path in sorted(directory.rglob("*.yaml")):
            size = path.stat().st_size
            if size > MAX_FILE_BYTES:
                raise ConfigError(
                    str(path), f"{size:,} bytes; a config file may hold at most {MAX_FILE_BYTES:,}"
                )
            text = path.read_text()
            try:
                root = _composed(text)
                nodes = 0 if root is None else _expanded(root, {})
            except yaml.YAMLError:
                continue  # Hydra reports a broken file in its own words
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


def check_data(cfg: DictConfig) -> None:
    """Refuse interpolations through resolvers other than Hydra's own, and keys that name code
    to call, anywhere outside Hydra's launcher, sweeper and callbacks (checked by
    ``check_composed``)."""
    for key, value in _leaves(OmegaConf.to_container(cfg, resolve=False)):
        if isinstance(value, str) and not key.startswith(ECHOES):
            for name in _RESOLVER.findall(value):
                if name not in RESOLVERS:
                    raise ConfigError(key, f"the resolver '{name}' is not allowed: a config is data")
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
        if filename is not None and not (str(filename).startswith(LOG_FOLDER) and ".." not in str(filename)):
            raise ConfigError(
                f"{k}.filename", f"logs are written in the job's folder: start it with {LOG_FOLDER}"
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
