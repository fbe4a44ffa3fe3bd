"""The one error a planner sees for bad input: which config key, and what is wrong with it."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path


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


def folder_for(path: Path, key: str) -> Path:
    """``path`` as a folder to write into, made with its parents; a file in its way or a folder
    that cannot be made is the planner's ``key`` refused, not a traceback."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise ConfigError(key, f"{path}: a file stands where a folder is needed") from None
    except OSError as err:
        raise ConfigError(key, f"{path}: cannot be made ({err.strerror})") from None
    return path
