"""The scenario is composed untyped and made by ``conversion.build``: it must take and refuse
what OmegaConf's typed nodes took and refused, value by value, and name the key at fault."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import Enum

import pytest
from omegaconf import OmegaConf

from sim import ConfigError, load_scenario
from sim.domain.scenario import AtCap
from sim.experiment.conversion import build


class Colour(Enum):
    red = "r"
    green = "g"


@dataclass(kw_only=True)
class Inner:
    n: int = 1


@dataclass(kw_only=True)
class Every:
    text: str = ""
    whole: int = 0
    number: float = 0.0
    flag: bool = False
    colour: Colour = Colour.red
    maybe: float | None = None
    wholes: list[int] = field(default_factory=list)
    numbers: dict[str, float] = field(default_factory=dict)
    inner: Inner = field(default_factory=Inner)
    inners: dict[str, Inner] = field(default_factory=dict)


VALUES = [
    None, True, False, 0, 1, -3, 2.5, float("inf"), "", "7", "-7", "2.5", "1e3", "nan", "abc", "yes",
    "Off", "n", "red", "Colour.green", "g", [], [1, "2"], [1.5], {}, {"a": 1}, {"a": "x"}, {"n": "4"},
    {"n": 2.0}, {"m": 1},
]  # fmt: skip


def via_omegaconf(name, value):
    try:
        made = OmegaConf.to_object(OmegaConf.merge(OmegaConf.structured(Every), {name: value}))
    except Exception:
        return "refused"
    return getattr(made, name)


def via_build(name, value):
    try:
        return getattr(build(Every, {name: value}, "every"), name)
    except ConfigError as err:
        assert err.key.startswith(f"every.{name}"), err
        return "refused"


def same(a, b):
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a):
        return math.isnan(b)
    return type(a) is type(b) and a == b


@pytest.mark.parametrize("name", [f for f in Every.__dataclass_fields__])
def test_every_value_is_taken_or_refused_as_omegaconf_s_typed_nodes_did(name):
    for value in VALUES:
        ours, theirs = via_build(name, value), via_omegaconf(name, value)
        if name == "colour" and value == "g":  # an enum's value, which OmegaConf refused
            assert (ours, theirs) == (Colour.green, "refused")
            continue
        assert same(ours, theirs), (name, value, ours, theirs)


def test_an_unknown_or_missing_key_is_named_with_the_nearest_known_one():
    with pytest.raises(ConfigError, match=r"^every\.inners\.a\.m: unknown key 'm'; known: n$"):
        build(Every, {"inners": {"a": {"m": 1}}}, "every")
    with pytest.raises(ConfigError, match=r"^every\.numbrs: unknown key 'numbrs'; did you mean 'numbers'\?"):
        build(Every, {"numbrs": {}}, "every")
    with pytest.raises(ConfigError) as err:  # a file's key is its text: shown escaped, never raw
        build(Every, {"inners": {"a\x1b[31m\n": {"m": 1}}}, "every")
    assert str(err.value).isprintable() and "\\x1b[31m\\n" in str(err.value)
    with pytest.raises(ConfigError, match=r"^every\.wholes\[1\]: must be a whole number, got 'x' \(str\)"):
        build(Every, {"wholes": [1, "x"]}, "every")

    @dataclass
    class Needs:
        horizon: float

    with pytest.raises(ConfigError, match=r"^s\.horizon: missing"):
        build(Needs, {}, "s")


def test_an_override_sets_a_default_left_unwritten_but_makes_no_new_entry_unless_added():
    """The scenario is open, so ``key=value`` reaches a field its file leaves at the default; a
    new entry of a mapping (a misspelt department) is refused unless ``+`` asks for it."""
    assert (
        load_scenario("district", ["scenario.departments.tax.queue=earliest_due"])
        .departments["tax"]
        .queue.name
        == "earliest_due"
    )
    with pytest.raises(
        ConfigError, match=r"scenario\.departments\.txa: unknown key 'txa'; did you mean 'tax'\?"
    ):
        load_scenario("district", ["scenario.departments.txa.reviewers=5"])
    with pytest.raises(ConfigError, match=r"scenario\.requests\.classes\.x: unknown key 'x'"):
        load_scenario("district", ["scenario.requests.classes.x.rate=1"])
    added = load_scenario("district", ["+scenario.departments.txa.reviewers=5"])
    assert added.departments["txa"].reviewers == 5
    assert build(AtCap, "pass", "at_cap") is AtCap.passes  # the value, as REFERENCE.md writes it
