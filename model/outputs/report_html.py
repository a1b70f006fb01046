"""The report's HTML, rendered from the Jinja2 templates in ``model/outputs/templates``: the page
(``report.html`` with its style sheet ``report.css``) and its building blocks (the macros of
``parts.html``: tables, notes, titled sections, folded parts, lists, figures).

Why templates: the page's markup reads as HTML in one place instead of being spread over
f-strings, and every value is escaped unless it is already HTML. Values are escaped as
:func:`html.escape` does (quotes included, ``'`` as ``&#x27;``), not as MarkupSafe does,
so that a page is byte for byte what the hand-built one was. The functions below return HTML
as ``str``, to be joined as the report always has; a template's value that is already HTML is
passed as :class:`markupsafe.Markup`.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from functools import cache
from typing import Any

import jinja2
from markupsafe import Markup

from ..numbers import number


def escape(value: Any) -> Markup:
    """``value`` as HTML text: escaped as :func:`html.escape` does, unless already HTML."""
    if hasattr(value, "__html__"):
        return Markup(value.__html__())
    return Markup(html.escape(str(value)))


@cache
def environment() -> jinja2.Environment:
    """The templates' environment, built once: HTML escaping as :func:`escape` does."""
    env = jinja2.Environment(loader=jinja2.PackageLoader("bondsim.outputs", "templates"),
                             autoescape=True, finalize=escape, undefined=jinja2.StrictUndefined)
    env.filters["number"] = number
    return env


def render(name: str, **values: Any) -> str:
    """The template ``name`` filled with ``values``."""
    return environment().get_template(name).render(**values)


def _parts() -> Any:
    return environment().get_template("parts.html").module


@dataclass(frozen=True)
class Cell:
    """A table cell: its text (escaped unless HTML), right-aligned if numeric, or code."""

    text: Any
    numeric: bool = False
    code: bool = False


@dataclass(frozen=True)
class Column:
    label: Any
    numeric: bool = False


@dataclass(frozen=True)
class Row:
    cells: list[Cell]
    cls: str = ""


def table(columns: list[Column], rows: list[Row], *, total: int, stacked: bool = False,
          source: str | None = None) -> str:
    """A table; when ``rows`` are fewer than ``total``, a note says how many were shown and
    which file (``source``) holds them all."""
    return str(_parts().table(columns, rows, stacked=stacked, total=total, source=source))


def note(text: str) -> str:
    """A note in small italics: ``text`` escaped, unless passed as :class:`Markup`."""
    return str(_parts().note(text))


def paragraph(html_text: str) -> str:
    """A paragraph of HTML (its values escaped by the caller)."""
    return str(_parts().paragraph(Markup(html_text)))


def subheading(title: str) -> str:
    """A heading within a titled part (h4)."""
    return str(_parts().subheading(title))


def section(title: str, intro: str | None, body: str, key: str | None = None) -> str:
    """A titled part of a section: heading, an introducing paragraph and a body, both HTML
    (their values escaped by the caller); ``key``: an anchor a link may point to."""
    return str(_parts().section(title, Markup(intro or ""), Markup(body), key))


def folded(title: str, body: str) -> str:
    """A titled part shown open, which a reader may fold away; ``body`` is HTML."""
    return str(_parts().folded(title, Markup(body)))


def bullets(items: list[str]) -> str:
    """A bulleted list of text."""
    return str(_parts().bullets(items))


def figure(data: str, caption: str, file: str) -> str:
    """A plot embedded as a base64 PNG, with its caption and file name."""
    return str(_parts().figure(data, caption, file))
