"""What a multirun will run: sweep overrides expanded into one override list per job, with
Hydra's own override parser (so ``a=1,2``, ``range(0,4)`` and ``choice(...)`` mean what they
mean to Hydra's basic sweeper)."""

from __future__ import annotations

import itertools

from hydra.core.override_parser.overrides_parser import OverridesParser


def expand(lines: list[str]) -> list[list[str]]:
    """One override list per job: the cartesian product of the sweeps; for a repeated key the
    last line wins (the command line over the config's ``hydra.sweeper.params``)."""
    by_key = {}
    for o in OverridesParser.create().parse_overrides(lines):
        by_key[o.key_or_group] = o
    choices = [
        [f"{o.get_key_element()}={v}" for v in o.sweep_string_iterator()]
        if o.is_sweep_override()
        else [o.input_line]
        for o in by_key.values()
    ]
    return [list(combo) for combo in itertools.product(*choices)]


def normalised(lines: list[str]) -> frozenset[str]:
    """Overrides as Hydra reads them ("x=false" and "x=False" are the same override)."""
    parsed = OverridesParser.create().parse_overrides(lines)
    return frozenset(f"{o.get_key_element()}={o.value()}" for o in parsed)


def params_lines(params) -> list[str]:
    """``hydra.sweeper.params`` (a mapping of key to sweep string) as override lines."""
    return [f"{k}={v}" for k, v in (params or {}).items()]
