"""Rendering a report's blocks as Markdown (for a repository) and as one self-contained HTML
page (for e-mail and print): figures embedded as SVG, tables styled, a table of contents."""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import jinja2
import pandas as pd
from markdown_it import MarkdownIt
from markupsafe import Markup

from sim.analysis.fonts import FAMILY, woff_uri
from sim.analysis.phrases import translate

# Names and labels are data: markdown may emphasise them, but raw HTML in a paragraph is shown
# as text, never passed into the page (CommonMark's preset would pass it).
_MD = MarkdownIt("commonmark", {"html": False})
_TEMPLATES = jinja2.Environment(
    loader=jinja2.PackageLoader("sim.analysis", "templates"),
    autoescape=jinja2.select_autoescape(default=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


@dataclass(frozen=True)
class Block:
    kind: str  # "h2", "h3", "summary", "p", "table", "figure" (<figures>/<name>.png), "code"
    content: object
    caption: str = ""


REPORT = "python -m sim.analysis.report"


def markdown(blocks: list[Block], title: str, command: str = REPORT, lang: str = "en") -> str:
    """The page as Markdown; its own words (when and how it was generated) in ``lang``."""
    generated = translate("Generated {when} by {command}", lang)
    lines = [
        f"# {title}",
        "",
        "_" + generated.format(when=f"{datetime.now():%Y-%m-%d %H:%M}", command=f"`{command}`") + "_",
        "",
    ]
    for b in blocks:
        if b.kind == "h2":
            lines += [f"## {b.content}", ""]
        elif b.kind == "h3":
            lines += [f"### {_cell(b.content)}", ""]
        elif b.kind in ("p", "summary"):
            lines += [str(b.content), ""]
        elif b.kind == "table":
            lines += [_markdown_table(b.content), ""]
        elif b.kind == "figure":
            alt = re.sub(r"([\[\]])", r"\\\1", _cell(b.caption or Path(str(b.content)).stem))
            lines += [f"![{alt}]({b.content})", ""]
        elif b.kind == "code":
            lines += ["```bash", str(b.content), "```", ""]
    return "\n".join(lines)


def html_page(blocks: list[Block], title: str, sweep: Path, command: str = REPORT, lang: str = "en") -> str:
    """The page, with each figure's SVG read from ``sweep`` and embedded as a data URI (so ids
    inside one figure cannot clash with another's) and no reference outside the file; its own
    words in ``lang``, which it declares (a reader's browser picks its fonts and voice by it)."""
    items, toc = [], []
    for b in blocks:
        if b.kind == "h2":
            anchor = f"s{len(toc) + 1}"
            toc.append((anchor, str(b.content)))
            items.append({"kind": "h2", "id": anchor, "text": str(b.content)})
        elif b.kind == "h3":
            items.append({"kind": "h3", "text": str(b.content)})
        elif b.kind in ("p", "summary"):
            items.append({"kind": b.kind, "html": Markup(_MD.renderInline(str(b.content)))})
        elif b.kind == "table":
            items.append({"kind": "table", "html": Markup(_table(b.content))})
        elif b.kind == "figure":
            svg = (sweep / str(b.content)).with_suffix(".svg").read_bytes()
            uri = "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")
            items.append({"kind": "figure", "src": uri, "caption": b.caption})
        elif b.kind == "code":
            items.append({"kind": "code", "text": str(b.content)})
    page = _TEMPLATES.get_template("report.html.j2")
    when = f"{datetime.now():%Y-%m-%d %H:%M}"
    before, _, after = translate("Generated {when} by {command}", lang).partition("{command}")
    words = " ".join([title, *(_words(b) for b in blocks)])
    return page.render(
        title=title,
        font=woff_uri(words + translate("Contents", lang) + before + after),
        family=FAMILY,
        lang="zh-CN" if lang == "zh" else "en",
        generated=before.format(when=when),
        generated_after=after.format(when=when),
        contents=translate("Contents", lang),
        command=command,
        toc=toc,
        items=items,
    )


def _words(block: Block) -> str:
    """Every character a block shows as text (a table's headers and cells)."""
    if isinstance(block.content, pd.DataFrame):
        table = block.content
        return " ".join(map(str, [*table.columns, *table.to_numpy().ravel(), block.caption]))
    return block.caption if block.kind == "figure" else f"{block.content} {block.caption}"


def _cell(value: object) -> str:
    """A value as the text of one markdown table cell: on one line, with its tags shown as text
    and its pipes escaped, so a name or label can neither end the cell nor open a tag."""
    text = " ".join(str(value).split()).replace("<", "&lt;").replace(">", "&gt;")
    return re.sub(r"([\\|])", r"\\\1", text)


def _markdown_table(table: pd.DataFrame) -> str:
    cells = table.fillna("").astype(str).map(_cell)
    cells.columns = [_cell(c) for c in table.columns]
    return cells.to_markdown(index=False, disable_numparse=True)


_NUMBER = re.compile(r"^[\s×x+\-−]*[\d.,]+(\s*\[[^\]]*\])?\s*(%|x|points|个百分点)?( \(as ×1\)|（同 ×1）)?$")


def _table(table: pd.DataFrame) -> str:
    """A table with its numbers right-aligned and its words left-aligned, by column."""
    text = table.fillna("").astype(str)
    numeric = {c: text[c].map(lambda v: bool(_NUMBER.match(v)) or v == "").all() for c in text.columns}
    classes = pd.DataFrame({c: "num" if numeric[c] else "text" for c in text.columns}, index=text.index)
    styler = text.style.hide(axis="index").set_td_classes(classes).set_table_attributes('class="data"')
    return styler.format(escape="html").format_index(escape="html", axis=1).to_html()
