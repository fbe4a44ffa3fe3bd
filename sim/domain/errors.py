"""The one error a planner sees for bad input: which config key, and what is wrong with it."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable


class ConfigError(ValueError):
    """A scenario or design value that cannot be simulated.

    Raised before any simulation starts, so a run either starts with valid input or
    writes nothing.
    """

    def __init__(self, key: str, problem: str) -> None:
        super().__init__(f"{key}: {problem}")
        self.key = key
        self.problem = problem


def refusing(main: Callable[..., int]) -> Callable[..., int]:
    """A command's ``main`` that turns a ``ConfigError`` into the planner's one message on
    stderr and exit code 2, as ``python -m sim`` does."""

    @functools.wraps(main)
    def wrapped(argv: list[str] | None = None) -> int:
        try:
            return main(argv)
        except ConfigError as e:
            print(f"config error: {e}", file=sys.stderr)
            return 2

    return wrapped
