"""Markdown bodies as plain text, the way a reader sees them: for search and snippets.

Macros are expanded with the knowledge base's sandbox (answer-script placeholders become
``…``), then markup is stripped: heading and list markers, emphasis, links (their text is
kept), images (their alt text is kept), HTML tags and comments, admonition and tab markers
(their titles are kept), table pipes and attribute lists. Code is kept as text: agents search
for error codes.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kbtools.content.links import headings as article_headings
from kbtools.content.macros import MacroError, has_macros

if TYPE_CHECKING:
    from kbtools.content.knowledge_base import KnowledgeBase
    from kbtools.content.macros import Macros
    from kbtools.content.model import Article

PLACEHOLDER_TEXT = "…"

_COMMENT = re.compile(r"<!--.*?-->", re.S)
_MACRO_TAG = re.compile(r"\{%.*?%\}|\{#.*?#\}", re.S)
_MACRO_EXPR = re.compile(r"\{\{.*?\}\}", re.S)
_SIMPLE_EXPR = re.compile(r"\{\{\s*([A-Za-z_]\w*(?:\.\w+)*)\s*\}\}")
_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})\s*([\w+-]*).*$")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
_ADMONITION = re.compile(r"^\s*(?:!!!|\?\?\?\+?|===)\s*[\w-]*(?:\s+[\w-]+)*\s*(?:\"([^\"]*)\")?\s*$")
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[((?:[^\]\[]|\[[^\]]*\])*)\]\([^)]*\)")
_REFLINK = re.compile(r"\[([^\]]+)\]\[[^\]]*\]")
_REFDEF = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*\S+.*$")
_TAG = re.compile(r"</?[A-Za-z][^>]*>")
_ATTR_LIST = re.compile(r"\{\s*[:#.][^}]*\}")
_LIST_MARKER = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+(?:\[[ xX]\]\s+)?")
_QUOTE = re.compile(r"^\s*(?:>\s?)+")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
_HRULE = re.compile(r"^\s*([-*_])(\s*\1){2,}\s*$")
_EMPHASIS = re.compile(r"(\*{1,3}|_{2,3}|~~|==|\^\^)(?=\S)(.+?)(?<=\S)\1")
_CODE_SPAN = re.compile(r"`+([^`]*)`+")
_BLOCK_MARKS = frozenset("|:-*_[!?=#>")
_LIST_MARKS = frozenset("-*+>0123456789")


@dataclass(frozen=True, slots=True)
class PlainText:
    """An article's readable text and the text of its headings."""

    text: str
    headings: tuple[str, ...] = ()
    problems: tuple[str, ...] = field(default=())
    """Why macros could not be expanded (the raw text was used), as ``path:line: message``."""


def plain_text(kb: KnowledgeBase, article: Article, *, public: bool = False) -> PlainText:
    """``article``'s body as plain text, macros expanded with the internal (or public) sandbox.

    Never raises for bad content: a macro that fails is dropped from the text and reported in
    :attr:`PlainText.problems`.
    """
    macros = kb.public_macros if public else kb.macros
    body, problems = _expand(macros, article)
    heads = tuple(strip_inline(_MACRO_EXPR.sub(" ", text))
                  for _, _, text, _ in article_headings(article))
    return PlainText(strip_markdown(body), tuple(h for h in heads if h), problems)


def _expand(macros: Macros, article: Article) -> tuple[str, tuple[str, ...]]:
    body = article.body
    if not has_macros(body):
        return body, ()
    placeholders = getattr(article.details, "placeholders", None) or {}
    variables = {name: PLACEHOLDER_TEXT for name in placeholders}
    simple = _substitute(body, macros.env.globals, variables)
    if simple is not None:
        return simple, ()
    try:
        return macros.render(body, path=article.path, first_line=article.body_line,
                             variables=variables), ()
    except MacroError as exc:
        stripped = _MACRO_EXPR.sub(PLACEHOLDER_TEXT, _MACRO_TAG.sub(" ", body))
        return stripped, (str(exc),)


def _substitute(body: str, globals_: Mapping, variables: Mapping) -> str | None:
    """Fast path for the common case, bodies whose macros are all ``{{ name.key.key }}``
    lookups of plain text or numbers: the same result as the Jinja sandbox without compiling
    a template per article. None when anything else is there (the sandbox then renders)."""
    if "{%" in body or "{#" in body:
        return None
    values: dict[str, str] = {}
    for match in _MACRO_EXPR.finditer(body):
        path = _SIMPLE_EXPR.fullmatch(match.group())
        if path is None:
            return None
        value = _lookup(path.group(1), globals_, variables)
        if value is None:
            return None
        values[match.group()] = value
    return _MACRO_EXPR.sub(lambda m: values[m.group()], body)


def _lookup(dotted: str, globals_: Mapping, variables: Mapping) -> str | None:
    head, *rest = dotted.split(".")
    value = variables[head] if head in variables else globals_.get(head)
    for key in rest:
        if not isinstance(value, Mapping) or key not in value:
            return None
        value = value[key]
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return None
    return str(value)


def strip_markdown(markdown: str) -> str:
    """Plain text of a markdown document, one output line per non-empty input line."""
    out: list[str] = []
    fence: str | None = None
    for line in _COMMENT.sub(" ", markdown).split("\n"):
        match = _FENCE.match(line)
        if fence is not None:
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
                fence = None
            elif line.strip():
                out.append(line.strip())
            continue
        if match:
            fence = match.group(1)
            continue
        text = _strip_line(line)
        if text:
            out.append(text)
    return "\n".join(out)


def _strip_line(line: str) -> str:
    head = line.lstrip()[:1]
    if head in _BLOCK_MARKS:
        if _TABLE_RULE.match(line) or _HRULE.match(line) or _REFDEF.match(line):
            return ""
        admonition = _ADMONITION.match(line)
        if admonition:
            return (admonition.group(1) or "").strip()
        heading = _HEADING.match(line)
        if heading:
            line = heading.group(1)
        line = _QUOTE.sub("", line)
    if head in _LIST_MARKS:
        line = _LIST_MARKER.sub("", line)
    if "|" in line:
        line = line.strip().strip("|").replace("|", " · ")
    return strip_inline(line)


def strip_inline(text: str) -> str:
    """Inline markup removed from one line: links, images, emphasis, code spans, tags."""
    # Each pattern runs only when its marker is there: most lines are plain prose.
    if "{" in text:
        text = _ATTR_LIST.sub("", text)
    if "[" in text:
        text = _IMAGE.sub(r"\1", text)
        text = _LINK.sub(r"\1", text)
        text = _REFLINK.sub(r"\1", text)
    if "`" in text:
        text = _CODE_SPAN.sub(r"\1", text)
    if "<" in text:
        text = _TAG.sub(" ", text)
    if "*" in text or "__" in text or "~~" in text or "==" in text or "^^" in text:
        for _ in range(2):
            text = _EMPHASIS.sub(r"\2", text)
    if "&" in text:
        text = html.unescape(text)
    return " ".join(text.split())
