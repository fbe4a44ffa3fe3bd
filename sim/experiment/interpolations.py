"""What a config's interpolations may do, judged on OmegaConf's own parse of each string.

A config is data: an interpolation may refer to another key (``${scenario.name}``) or call
Hydra's clock and its runtime settings (``${now:...}``, ``${hydra:...}``), nothing else. The
rule is read from the grammar's parse tree, not from the text, so a resolver whose name is
itself computed (``${oc.${x}:VAR}``) or a key computed from another (``${${a}}``) is refused
rather than missed. References are followed without resolving anything: a string that would
expand to more than ``MAX_EXPANSION`` characters, or through more than ``MAX_DEPTH`` levels of
references, is refused before OmegaConf spends exponential time expanding it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from antlr4.tree.Tree import TerminalNode
from omegaconf import grammar_parser
from omegaconf.errors import GrammarParseError
from omegaconf.grammar.gen.OmegaConfGrammarParser import OmegaConfGrammarParser as Grammar

from sim.domain.errors import ConfigError

RESOLVERS = {"now", "hydra"}  # Hydra's clock and its own runtime settings
MAX_DEPTH = 8  # references to references; the project's own configs use 3
MAX_EXPANSION = 100_000  # characters one string may expand to
_INDEX = re.compile(r"\.(\d+)(?=\.|$)")


def check(leaves: dict[str, object], echoes: tuple[str, ...] = ()) -> None:
    """Refuse any string among ``leaves`` (dotted key -> value, containers included, as
    ``safety._leaves`` lists them) whose interpolations call a resolver outside ``RESOLVERS``,
    compute a name, or expand too far. Keys starting with ``echoes`` hold the command line as
    text and are never resolved."""
    refs: dict[str, tuple[int, list[str]]] = {}
    for key, value in leaves.items():
        if isinstance(value, str) and "${" in value and not key.startswith(echoes):
            refs[key] = _parsed(key, value)
    graph = _Graph(leaves, refs)
    for key in refs:
        graph.size(key, 0)


def _parsed(key: str, value: str) -> tuple[int, list[str]]:
    """The literal length of ``value`` and the absolute keys it refers to."""
    try:
        tree = grammar_parser.parse(value)
    except GrammarParseError:
        return len(value), []  # OmegaConf reads it as a plain string or refuses it itself
    found: list[str] = []
    for node in _nodes(tree):
        if isinstance(node, Grammar.InterpolationResolverContext):
            name = node.resolverName()
            if any(isinstance(c, Grammar.InterpolationContext) for c in name.getChildren()):
                raise ConfigError(key, "a resolver's name may not be computed: a config is data")
            if name.getText() not in RESOLVERS:
                raise ConfigError(
                    key,
                    f"the resolver '{name.getText()}' is not allowed: a config is data "
                    f"(allowed: {', '.join(sorted(RESOLVERS))})",
                )
        elif isinstance(node, Grammar.InterpolationNodeContext):
            parts = list(node.getChildren())[1:-1]  # between '${' and '}'
            if any(not isinstance(p, TerminalNode) and _computed(p) for p in parts):
                raise ConfigError(key, "a key named by an interpolation is not allowed: a config is data")
            found.append(_absolute(key, "".join(p.getText() for p in parts)))
    return len(value), found


def _nodes(tree) -> Iterator[object]:
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        if not isinstance(node, TerminalNode):
            stack.extend(node.getChildren())


def _computed(part) -> bool:
    return any(isinstance(n, Grammar.InterpolationContext) for n in _nodes(part))


def _absolute(key: str, ref: str) -> str:
    """``ref`` (``a.b``, ``.sibling``, ``..uncle[0]``) as a key of ``leaves``, seen from ``key``."""
    dots = len(ref) - len(ref.lstrip("."))
    ref = _INDEX.sub(r"[\1]", ref.lstrip("."))
    if dots == 0:
        return ref
    base = re.split(r"\.|(?=\[)", key)[:-dots]
    joined = ".".join(base).replace(".[", "[")
    return f"{joined}.{ref}" if joined and ref else joined or ref


class _Graph:
    """Expanded sizes of strings, each key's computed once (linear however far they expand)."""

    def __init__(self, leaves: dict[str, object], refs: dict[str, tuple[int, list[str]]]) -> None:
        self.leaves, self.refs = leaves, refs
        self.sizes: dict[str, int] = {}

    def size(self, key: str, depth: int) -> int:
        if key in self.sizes:
            return self.sizes[key]
        if depth > MAX_DEPTH:
            raise ConfigError(
                key, f"interpolations nest more than {MAX_DEPTH} levels deep: refused unresolved"
            )
        self.sizes[key] = 1  # a reference cycle is OmegaConf's to report
        if key in self.refs:
            literal, found = self.refs[key]
            total = literal + sum(self._target(ref, depth + 1) for ref in found)
        else:
            total = len(str(self.leaves.get(key, "")))
        if total > MAX_EXPANSION:
            raise ConfigError(
                key,
                f"its interpolations expand to more than {MAX_EXPANSION:,} characters: refused unresolved",
            )
        self.sizes[key] = total
        return total

    def _target(self, ref: str, depth: int) -> int:
        """A referred key's size; a container's is the sum of the strings inside it."""
        value = self.leaves.get(ref)
        if not isinstance(value, (dict, list)):
            return self.size(ref, depth)
        if ref not in self.sizes:
            inside = [k for k in self.leaves if k.startswith((f"{ref}.", f"{ref}["))]
            self.sizes[ref] = 1
            self.sizes[ref] = sum(
                self.size(k, depth) for k in inside if not isinstance(self.leaves[k], (dict, list))
            )
        return self.sizes[ref]
