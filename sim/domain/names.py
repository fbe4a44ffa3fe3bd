"""Names in a scenario: what one may hold, and how an error lists the names that exist.

Names become folder names (a preset's ``results/<study>/<scenario>``), table keys, YAML keys
of a calibrated scenario and the keys of ``configs/labels.yaml``: letters of any script,
digits, '_' and '-' only, so none can leave a folder, break a table or carry markup. Display
text belongs in the labels file, which every page escapes.

A name begins with a letter and is none of YAML's words for true, false and null, so that
every YAML reader (PyYAML's, OmegaConf's, which also reads ``1e3`` as a number) and Hydra's
command line read it back as the same text: ``1e3``, ``0x1F``, ``017`` or ``no`` would come
back as a number or a boolean.
"""

from __future__ import annotations

from collections.abc import Iterable

from sim.domain.errors import ConfigError

MAX_NAME = 64  # a name is part of a folder's name
# YAML 1.1's booleans and null, in the three spellings its readers take
WORDS = {
    w
    for base in ("yes", "no", "true", "false", "on", "off", "null")
    for w in (base, base.title(), base.upper())
}


def is_name(name: object) -> bool:
    return (
        isinstance(name, str)
        and 0 < len(name) <= MAX_NAME
        and name[0].isalpha()
        and name not in WORDS
        and all(c.isalnum() or c in "_-" for c in name)
    )


def check_names(names: Iterable[object], key: str, keyed: bool = True) -> None:
    """Raise for the first of ``names`` that is not a name, at ``key.<name>`` (``key`` itself
    when not ``keyed``: a single name's own key)."""
    for name in names:
        if not is_name(name):
            raise ConfigError(
                f"{key}.{name}" if keyed else key,
                f"names may hold only letters, digits, '_' and '-' and begin with a letter (at most "
                f"{MAX_NAME} characters, and not a YAML word such as true, no or null), got "
                f"{str(name)[:80]!r}; display text belongs in configs/labels.yaml",
            )


def known(names: Iterable[str]) -> str:
    """`` (known: a, b)``, for an error about a name that is not among ``names``."""
    names = sorted(names)
    return f" (known: {', '.join(names)})" if names else " (none are defined)"


def name_from(text: str, taken: set[str], width: int = 40, kind: str = "step") -> str:
    """A name made from ``text`` (an office's own activity name, say): every run of other
    characters one '_', at most ``width`` characters, ``kind_`` before it where it would not
    begin with a letter or would read as a YAML word (``01_HOOFD_010`` -> ``step_01_HOOFD_010``),
    numbered when ``taken`` holds it already (and added to ``taken``)."""
    stem = "_".join("".join(c if c.isalnum() or c in "_-" else " " for c in str(text)).split())[:width]
    stem = stem.strip("_-") or kind
    if not is_name(stem):
        stem = f"{kind}_{stem}"[: max(width, len(kind) + 2)]
    name, k = stem, 1
    while name in taken:
        k += 1
        name = f"{stem}_{k}"
    taken.add(name)
    return name
