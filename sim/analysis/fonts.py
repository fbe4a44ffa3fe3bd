"""The Chinese font a report draws with: Noto Sans CJK SC (SIL Open Font Licence), which installs
with the project (the mplfonts package, MIT, carries it), so a fresh machine draws Chinese in
charts without the operating system's fonts, and an HTML page carries the glyphs it shows (a
subset, about 150 kB for a Chinese report) so a reader without a Chinese font still reads it.
"""

from __future__ import annotations

import base64
import io
import re
from pathlib import Path

import mplfonts
from fontTools import subset, ttLib

NOTO = Path(mplfonts.__file__).parent / "fonts" / "NotoSansCJKsc-Regular.otf"
FAMILY = "Noto Sans CJK SC"
_WIDE = re.compile(r"[^\x00-\x7f]")  # every character past ASCII: Han, full-width punctuation


def woff_uri(text: str) -> str | None:
    """A data URI of a WOFF font holding the glyphs ``text`` needs past ASCII, or None when it
    needs none or the font is not installed."""
    wanted = "".join(sorted(set(_WIDE.findall(text))))
    if not wanted or not NOTO.is_file():
        return None
    font = ttLib.TTFont(NOTO)
    options = subset.Options()
    options.flavor = "woff"  # zlib: no extra compressor needed
    cutter = subset.Subsetter(options)
    cutter.populate(text=wanted)
    cutter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return "data:font/woff;base64," + base64.b64encode(out.getvalue()).decode("ascii")
