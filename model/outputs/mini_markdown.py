"""A small Markdown converter, enough for the model's caveat list (section 9 of
``docs/ODD.md``) that the report quotes: paragraphs, '-' or '*' bullets with indented
continuation lines, headings (as h4), inline code, bold and emphasis; links keep their text.

Why not a Markdown library: the ones at hand (Python-Markdown, markdown-it-py) keep line
breaks and indentation inside paragraphs and items, write links as links, escape ``'``
otherwise and put headings at their own level; making them write what this converter writes
would take more overrides than the converter has lines.
"""

from __future__ import annotations

import re
from html import escape as _e


def _inline(text: str) -> str:
    """Inline Markdown: `code`, **bold**, *emphasis*; links keep their text only."""
    parts = text.split("`")
    if len(parts) % 2 == 0:  # an unclosed backtick: plain text
        parts[-2:] = ["`".join(parts[-2:])]
    out = []
    for i, part in enumerate(parts):
        if i % 2:
            out.append(f"<code>{_e(part)}</code>")
            continue
        s = _e(part)
        s = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", s)
        s = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", s)
        s = re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", r"<em>\1</em>", s)
        out.append(s)
    return "".join(out)


def markdown_html(text: str) -> str:
    """Minimal Markdown: paragraphs, '-' or '*' bullets (with indented continuation lines),
    headings as h4, inline code, bold and emphasis. Enough for the ODD's caveat list."""
    blocks: list[str] = []
    items: list[str] = []
    para: list[str] = []

    def flush_para() -> None:
        if para:
            blocks.append(f"<p>{_inline(' '.join(para))}</p>")
            para.clear()

    def flush_items() -> None:
        if items:
            blocks.append("<ul>" + "".join(f"<li>{_inline(i)}</li>" for i in items) + "</ul>")
            items.clear()

    for line in text.splitlines():
        stripped = line.strip()
        if re.match(r"^[-*]\s+", stripped) and not line.startswith("  "):
            flush_para()
            items.append(re.sub(r"^[-*]\s+", "", stripped))
        elif items and stripped and line.startswith((" ", "\t")):
            items[-1] += " " + stripped
        elif not stripped:
            flush_para()
        elif stripped.startswith("#"):
            flush_para()
            flush_items()
            blocks.append(f"<h4>{_inline(stripped.lstrip('#').strip())}</h4>")
        else:
            flush_items()
            para.append(stripped)
    flush_para()
    flush_items()
    return "".join(blocks)
