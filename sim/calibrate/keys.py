"""Keys a command line takes, made from an office's own names: pinyin for Chinese, the
letters and digits of anything else (``市自然资源和规划局`` -> ``shi_zi_ran_zi_yuan_he_gui_hua_ju``).

Hydra's command-line grammar takes keys of ASCII letters, digits and ``_``: a department keyed
by its Chinese name could not be staffed from a sweep (``scenario.departments.<key>.reviewers=10``).
The office's own name stays as the label, in ``labels.yaml``, which every report shows.
"""

from __future__ import annotations

import re

from sim.domain.names import name_from

WIDTH = 40


def ascii_key(text: str, taken: set[str], kind: str) -> str:
    """A key for ``text`` not in ``taken`` (and added to it): its syllables in pinyin (tones
    left out) and its other letters and digits, joined by '_', cut at a syllable within
    ``WIDTH`` characters, ``kind_`` before it where it would not begin with a letter."""
    from pypinyin import Style, lazy_pinyin  # here: its phrase book takes 0.4 s to import

    words = [re.sub(r"[^A-Za-z0-9]+", "_", w).strip("_") for w in lazy_pinyin(text, style=Style.NORMAL)]
    key = ""
    for word in filter(None, words):
        joined = f"{key}_{word}" if key else word
        if len(joined) > WIDTH:
            break
        key = joined
    return name_from(key.lower() or kind, taken, WIDTH + 4, kind=kind)
