"""What the reader returns: a :class:`Document` (everything) or an :class:`Outline` (what
links and anchors need), made of spans, headings, links, code and prose with their places."""

from __future__ import annotations

from dataclasses import dataclass

from markdown.extensions.toc import slugify as _toc_slugify

PROSE_KINDS = ("paragraph", "heading", "cell", "title", "term", "html", "inline")
"""Kinds of :class:`Prose`: a paragraph (also in a list, quote, admonition or footnote), a
heading's text, a table cell, an admonition or tab title, a definition-list term, the text
inside raw HTML, and the text given to :func:`read_inline`."""

MARKUP_KINDS = ("code", "comment", "macro", "html", "url", "target", "attrs", "footnote",
                "task", "marker", "definition")
"""Kinds of :attr:`Document.markup`: code (spans and blocks), HTML comments, macros, HTML
tags, URLs and e-mail addresses (autolinks and bare), link and image targets (``](...)``,
``][ref]``), attribute lists, footnote marks, task-list boxes, admonition and tab markers
(``!!! note``), reference definitions. Inside :attr:`Prose.pieces` there are also
``open`` (``[``, ``![``), ``emphasis`` and ``break`` (a line break inside the prose)."""


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of the body that is not plain prose: ``kind``, offsets, file line."""

    kind: str
    start: int
    end: int
    line: int


@dataclass(frozen=True, slots=True)
class Heading:
    """A heading: its level, its text as a reader sees it, and the id the site gives it."""

    line: int
    level: int
    text: str
    id: str


@dataclass(frozen=True, slots=True)
class Link:
    """A link or image at ``line``: ``target`` as written (for a reference-style link, its
    definition's), which is at ``start``..``end`` of the body. ``kind`` is ``inline``,
    ``reference``, ``autolink`` or ``html``."""

    line: int
    target: str
    image: bool
    kind: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Code:
    """Code: a block (fenced or indented, ``info`` is the fence's language line) or a span."""

    line: int
    start: int
    end: int
    text: str
    block: bool
    info: str = ""


@dataclass(frozen=True, slots=True)
class Prose:
    """A run of text a reader sees (see :data:`PROSE_KINDS`) at ``start``..``end``.

    ``text`` is what a reader sees: markup stripped, link text and image alt text kept,
    code kept, macros, tags and attribute lists left out, a newline where the source breaks
    the line. ``pieces`` are the stretches of ``start``..``end`` that are not plain text.
    """

    kind: str
    line: int
    start: int
    end: int
    text: str
    pieces: tuple[Span, ...] = ()


@dataclass(frozen=True, slots=True)
class Outline:
    """What links and anchors need of a body (:func:`outline`): the :class:`Document`'s
    headings, links and ids, read by the same parser."""

    headings: tuple[Heading, ...]
    links: tuple[Link, ...]
    ids: frozenset[str]
    """Every id a page element gets: headings, attribute lists, raw HTML ``id``/``name``."""


@dataclass(frozen=True, slots=True)
class Document:
    """Everything :func:`read` found in a body, each in body order."""

    headings: tuple[Heading, ...]
    links: tuple[Link, ...]
    code: tuple[Code, ...]
    comments: tuple[Span, ...]
    prose: tuple[Prose, ...]
    markup: tuple[Span, ...]
    """Every stretch that is not prose, by kind (see :data:`MARKUP_KINDS`)."""
    ids: frozenset[str]
    """Every id a page element gets: headings, attribute lists, raw HTML ``id``/``name``."""

    @property
    def outline(self) -> Outline:
        return Outline(self.headings, self.links, self.ids)


def slugify(text: str) -> str:
    """The heading id Python-Markdown's ``toc`` makes of ``text`` (before de-duplication)."""
    return _toc_slugify(text, "-")
