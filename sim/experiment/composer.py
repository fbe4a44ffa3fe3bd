"""Compositions shared by the jobs of a sweep: Hydra's ``compose`` once per distinct choice of
config-group options, the jobs' other overrides applied to a copy as Hydra applies them after
composing, and a sensitivity case merged alone onto the composition's objects. Any job a
shortcut cannot take, an error included, is composed in full, so what a job gets, or the error
it raises, is what ``compose`` gives. Only Hydra's public API is used (``compose``, the override
parser, OmegaConf).
"""

from __future__ import annotations

import copy
from dataclasses import replace
from functools import cache
from pathlib import Path

import yaml
from hydra import compose
from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.core.override_parser.types import Override
from omegaconf import DictConfig, OmegaConf, open_dict

from sim.experiment.config import (
    CONFIGS,
    UNTYPED,
    SimConfig,
    finish,
    load,
    objects,
    refuse_new_entries,
    refuse_unknown_keys,
)
from sim.experiment.safety import check_composed, check_data

PRIMARY = "config"  # the config every composition starts from (configs/config.yaml)


class Composer:
    """``compose(PRIMARY, overrides=job)``, with one composition per distinct choice of
    config-group options (and Hydra settings) shared by the jobs that make it.

    Hydra itself composes the defaults list (group choices) first and then applies the
    remaining overrides to the result; ``_apply`` does that step with OmegaConf. Any job this
    shortcut cannot take, an error included, is composed in full, so what it returns or raises
    is what ``compose`` would.
    """

    def __init__(self) -> None:
        self._parser = OverridesParser.create()
        # config groups: the folders of the config directory, and any a composition names
        self._groups = {p.name for p in Path(CONFIGS).iterdir() if p.is_dir()}
        self._bases: dict[tuple[str, ...], DictConfig] = {}
        self._objects: dict[tuple[str, ...], SimConfig] = {}
        self._plain = plain_groups(Path(CONFIGS))

    def __call__(self, job: list[str]) -> DictConfig:
        choices, values, options = self._split(job)
        cfg = copy.deepcopy(self._base(choices, options)[1])
        try:
            for o in options:
                cfg.merge_with(self._option(o))
            _apply(values, cfg)
        except Exception:  # let compose say what is wrong, in its own words
            return self._compose(job)
        return cfg

    def loaded(self, job: list[str]) -> tuple[DictConfig, SimConfig]:
        """The job checked as data and loaded (``load``), with a config holding its values (for
        reading only). A job that differs from its composition only by plain groups' options is
        made from the composition's objects with each option's one key merged alone: copying and
        converting the whole config per job cost the sensitivity study's 69 jobs most of a
        minute. Anything else, an error included, takes the whole path."""
        try:
            fast = self._from_objects(job)
        except Exception:  # the whole path says what is wrong, in its own words
            fast = None
        if fast is not None:
            return fast
        cfg = self(job)
        check_data(cfg)
        return cfg, load(cfg)

    def refuse_new_entries(self, job: list[str]) -> None:
        """The job's ``key=value`` overrides of the scenario checked against the composition
        they apply to (``config.refuse_new_entries``): none may make a new entry of a mapping."""
        choices, values, options = self._split(job)
        plain = [o.key_or_group for o in values if not (o.is_add() or o.is_force_add() or o.is_delete())]
        if any(key.split(".")[0] in UNTYPED for key in plain):
            refuse_new_entries(lambda: self._base(choices, options)[1], plain)

    def _from_objects(self, job: list[str]) -> tuple[DictConfig, SimConfig] | None:
        choices, values, options = self._split(job)
        if values or not options:
            return None
        key, base = self._base(choices, options)
        if key not in self._objects:
            check_data(base)
            self._objects[key] = objects(base)
        changed = {}
        for o in options:
            option = self._option(o)
            check_data(option)
            (name,) = option.keys()  # a plain group's options set one top-level key
            part = OmegaConf.merge(base[name], option[name])
            refuse_unknown_keys(part, str(name))
            changed[str(name)] = OmegaConf.to_object(part)
        return base, finish(replace(self._objects[key], **changed))

    def _split(self, job: list[str]) -> tuple[list[Override], list[Override], list[Override]]:
        """The job's group choices, its value overrides and its plain groups' options."""
        choices, values, options = [], [], []
        for o in self._parser.parse_overrides(job):
            if self._plain_choice(o, job):
                options.append(o)
            else:
                (choices if self._defaults_list_override(o) else values).append(o)
        return choices, values, options

    def _base(self, choices: list[Override], options: list[Override]) -> tuple[tuple[str, ...], DictConfig]:
        """The shared composition of these choices, and its key. A plain group's option is merged
        onto the composition without its group, where its default would have been (nothing else
        sets its key): one composition for all options."""
        key = tuple(o.input_line for o in choices) + tuple(f"~{o.key_or_group}" for o in options)
        if key not in self._bases:
            self._bases[key] = self._compose(list(key))
        return key, self._bases[key]

    def _option(self, o: Override) -> DictConfig:
        return OmegaConf.load(Path(CONFIGS) / o.key_or_group / f"{o.value()}.yaml")

    def _plain_choice(self, o: Override, job: list[str]) -> bool:
        """``group=option`` of a plain group, for an option that exists, in a job that searches
        no other config folder (whose files could set the group's key)."""
        return (
            o.key_or_group in self._plain
            and not (o.is_add() or o.is_force_add() or o.is_delete() or o.is_sweep_override())
            and o.package is None
            and isinstance(o.value(), str)
            and (Path(CONFIGS) / o.key_or_group / f"{o.value()}.yaml").is_file()
            and not any(arg.startswith(("hydra.searchpath", "+hydra.searchpath")) for arg in job)
        )

    def _defaults_list_override(self, override) -> bool:
        key = override.get_key_element().lstrip("+~")
        return key in self._groups or key.startswith("hydra")

    def whole(self, overrides: list[str]) -> DictConfig:
        """``compose`` of the job in full, Hydra's settings included and checked."""
        cfg = compose(PRIMARY, overrides=overrides, return_hydra_config=True)
        check_composed(cfg)
        self._groups.update(cfg.hydra.runtime.choices.keys())
        return cfg

    def _compose(self, overrides: list[str]) -> DictConfig:
        return without_hydra(self.whole(overrides))


@cache
def plain_groups(configs: Path) -> set[str]:
    """Config groups whose every option only sets values under one top-level key, globally
    (``# @package _global_``, no defaults list), a key no other config file sets: the
    sensitivity cases, which set ``estimates``. Merging such an option last gives what Hydra's
    merge at its place in the defaults list gives."""
    sets: dict[Path, set[str]] = {}  # the top-level keys each file sets
    plain: dict[Path, bool] = {}  # global, without a defaults list
    for path in configs.rglob("*.yaml"):
        if path.parent == configs and path.stem != PRIMARY:
            continue  # not a composition's: the labels, read by the reports only
        text = path.read_text(encoding="utf-8")
        keys = set(yaml.load(text, Loader=_FAST_YAML) or {})  # its top-level keys only
        is_global = "@package _global_" in text.split("\n", 1)[0] or path.parent == configs
        # a group's file without a package header sets keys under its group's name
        sets[path] = keys if is_global else {path.relative_to(configs).parts[0]}
        plain[path] = is_global and "defaults" not in keys and path.parent != configs
    out = set()
    for group in (p for p in configs.iterdir() if p.is_dir()):
        options = list(group.glob("*.yaml"))
        keys = {k for o in options for k in sets[o]}
        if not options or len(keys) != 1 or not all(plain[o] for o in options):
            continue
        if not any(keys & k for p, k in sets.items() if p.parent != group):
            out.add(group.name)
    return out


# libyaml's reader where PyYAML has it: top-level keys read alike, in a tenth of the time
_FAST_YAML = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def without_hydra(cfg: DictConfig) -> DictConfig:
    """``cfg`` with Hydra's settings taken out (in place): the job's own config."""
    with open_dict(cfg):
        del cfg["hydra"]
    return cfg


def _apply(overrides: list[Override], cfg: DictConfig) -> None:
    """Apply value overrides to a composed config as Hydra does after the defaults list:
    ``key=value`` sets a key that exists, ``+key=value`` adds one that does not, ``++key=value``
    sets or adds. Anything else (deleting, a package) raises, and the job is composed in full."""
    for o in overrides:
        if o.package is not None or o.is_delete():
            raise ValueError(f"{o.input_line}: left to compose")
        key, value = o.key_or_group, o.value()
        if o.is_add():
            if OmegaConf.select(cfg, key, throw_on_missing=False) is not None and not isinstance(
                value, (dict, list)
            ):
                raise ValueError(f"{o.input_line}: the key exists already")
            OmegaConf.update(cfg, key, value, merge=True, force_add=True)
        else:
            OmegaConf.update(cfg, key, value, merge=True, force_add=o.is_force_add())
