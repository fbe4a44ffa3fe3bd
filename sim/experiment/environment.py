"""What a result was made with, recorded beside it: the Python and package versions, the
platform, and the project's git commit and whether its tree was clean. A reader who has the
numbers can then rebuild the software that made them, or see that they cannot."""

from __future__ import annotations

import platform
import subprocess
from functools import cache
from importlib import metadata
from pathlib import Path

# The packages whose releases could change a number or a figure.
PACKAGES = (
    "sim",
    "simpy",
    "numpy",
    "pandas",
    "scipy",
    "pyarrow",
    "hydra-core",
    "omegaconf",
    "matplotlib",
    "SALib",
)
ROOT = Path(__file__).resolve().parents[2]


@cache
def environment() -> dict:
    """Versions, platform and commit, read once per process."""
    return {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "packages": {name: _version(name) for name in PACKAGES},
        "git": _git(),
    }


def _version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def _git() -> dict | None:
    """The commit of the project's checkout and whether its tracked files were as committed
    (None where the package runs from no checkout, or git is not installed)."""
    if not (ROOT / ".git").exists():
        return None
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, timeout=10, check=True
        ).stdout.strip()
        changed = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return {"commit": commit, "clean": not changed}
