"""Markdown bodies as plain text, the way a reader sees them: for search and snippets.

Macros are expanded with the knowledge base's sandbox (answer-script placeholders become
``…``), then the body is read by the one Markdown reader (:mod:`kbtools.content.markdown`)
and its text taken: link text and image alt text, admonition and tab titles, table cells
(joined with `` · ``), the text of raw HTML; markup, attribute lists and comments (also an
unclosed one, to the end) are left out. Code is kept as text: agents search for error codes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kbtools.content.macros import MacroError, has_macros
from kbtools.content.markdown import read, read_inline

if TYPE_CHECKING:
    from kbtools.content.knowledge_base import KnowledgeBase
    from kbtools.content.macros import Macros
    from kbtools.content.model import Article

PLACEHOLDER_TEXT = "…"


@dataclass(frozen=True, slots=True)
class PlainText:
    """An article's readable text and the text of its headings."""

    text: str
    headings: tuple[str, ...] = ()
    problems: tuple[str, ...] = field(default=())
    """Why macros could not be expanded (the raw text was used), as ``path:line: message``."""


def plain_text(kb: KnowledgeBase, article: Article, *, public: bool = False) -> PlainText:
    """``article``'s body as plain text, macros expanded with the internal (or public) sandbox
    of the article's language (its translated facts, as its page shows them).

    Never raises for bad content: a macro that fails is dropped from the text and reported in
    :attr:`PlainText.problems`.
    """
    macros = kb.macros_for(article.lang, public=public)
    body, problems = _expand(macros, article)
    doc = read(article.body, article.body_line)
    heads = tuple(h.text for h in doc.headings)
    text = _text_of(doc) if body is article.body else strip_markdown(body)
    return PlainText(text, tuple(h for h in heads if h), problems)


def _expand(macros: Macros, article: Article) -> tuple[str, tuple[str, ...]]:
    body = article.body
    if not has_macros(body):
        return body, ()
    placeholders = getattr(article.details, "placeholders", None) or {}
    variables = {name: PLACEHOLDER_TEXT for name in placeholders}
    try:
        return macros.render(body, path=article.path, first_line=article.body_line,
                             variables=variables), ()
    except MacroError as exc:
        return _without_macros(body), (str(exc),)


def _without_macros(body: str) -> str:
    """``body`` with each macro expression shown as ``…`` and each statement left out."""
    out, at = [], 0
    for span in read(body).markup:
        if span.kind == "macro" and span.start >= at:
            out.append(body[at:span.start])
            out.append(PLACEHOLDER_TEXT if body.startswith("{{", span.start) else " ")
            at = span.end
    return "".join(out) + body[at:]


def strip_markdown(markdown: str) -> str:
    """Plain text of a markdown document, one output line per non-empty input line (the
    cells of a table row share one line)."""
    return _text_of(read(markdown))


def _text_of(doc) -> str:
    lines: list[tuple[int, str]] = []
    row: list[str] = []
    row_at = row_line = -1
    for prose in doc.prose:
        if prose.kind == "cell":
            if prose.line != row_line and row:
                lines.append((row_at, " · ".join(row)))
                row = []
            if not row:
                row_at, row_line = prose.start, prose.line
            row.append(" ".join(prose.text.split()))
            continue
        lines.extend((prose.start, line) for line in prose.text.split("\n") if line)
    if row:
        lines.append((row_at, " · ".join(row)))
    for code in doc.code:
        if code.block:
            lines.extend((code.start, line.strip()) for line in code.text.split("\n")
                         if line.strip())
    lines.sort(key=lambda item: item[0])
    return "\n".join(line for _, line in lines)


def strip_inline(text: str) -> str:
    """Inline markup removed from one line: links, images, emphasis, code spans, tags."""
    return " ".join(read_inline(text).text.split())
