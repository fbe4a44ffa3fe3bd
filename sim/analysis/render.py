"""Rendering a report's blocks as Markdown and as an HTML page."""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path


@dataclass(frozen=True)
class Block:
    kind: str  # "h2", "p", "table", "figure", "code"
    content: object


def markdown(blocks: list[Block], sweep: Path) -> str:
    lines = [
        f"# Study: {sweep.name}",
        "",
        f"_Generated {datetime.now():%Y-%m-%d %H:%M} by `python -m sim.analysis.report`._",
        "",
    ]
    for b in blocks:
        if b.kind == "h2":
            lines += [f"## {b.content}", ""]
        elif b.kind == "p":
            lines += [str(b.content), ""]
        elif b.kind == "table":
            lines += [b.content.to_markdown(index=False), ""]
        elif b.kind == "figure":
            lines += [f"![{Path(str(b.content)).stem}]({b.content})", ""]
        elif b.kind == "code":
            lines += ["```bash", str(b.content), "```", ""]
    return "\n".join(lines)


def html_page(blocks: list[Block], sweep: Path) -> str:
    body = [f"<h1>Study: {html.escape(sweep.name)}</h1>"]
    for b in blocks:
        if b.kind == "h2":
            body.append(f"<h2>{html.escape(str(b.content))}</h2>")
        elif b.kind == "p":
            body.append(f"<p>{html.escape(str(b.content)).replace('**', '')}</p>")
        elif b.kind == "table":
            body.append(b.content.to_html(index=False, border=0))
        elif b.kind == "figure":
            body.append(f'<img src="{b.content}" style="max-width:100%">')
        elif b.kind == "code":
            body.append(f"<pre>{html.escape(str(b.content))}</pre>")
    style = (
        "body{font-family:sans-serif;max-width:60em;margin:auto}"
        "table{border-collapse:collapse}td,th{padding:2px 8px}"
    )
    head = f"<!doctype html><html><head><meta charset='utf-8'><style>{style}</style></head>"
    return f"{head}<body>{''.join(body)}</body></html>"
