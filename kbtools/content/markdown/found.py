"""What one reading of a body collects, in the order met, and the result made of it."""

from __future__ import annotations

import bisect

from markdown.extensions.toc import unique as _toc_unique

from kbtools.content.markdown.document import (
    Code,
    Document,
    Heading,
    Link,
    Outline,
    Prose,
    Span,
    slugify,
)
from kbtools.content.markdown.parser import line_starts


class Found:
    """The headings, links, code, comments, prose, markup and ids of ``body`` (whose first
    line is file line ``first_line``), collected by the reader, its inline walks and its
    HTML tags. ``full`` is False for an outline: only headings, links and ids are wanted,
    so prose, code and markup need not be collected."""

    def __init__(self, body: str, first_line: int, *, full: bool) -> None:
        self.body, self.first, self.full = body, first_line, full
        self.starts = line_starts(body)
        self.unclosed: int | None = None
        """Where an HTML comment that is never closed opens (the reader reads again)."""
        self.headings: list[tuple[Prose, int, str | None, str]] = []
        self.links: list[Link] = []
        self.code: list[Code] = []
        self.comments: list[Span] = []
        self.prose: list[Prose] = []
        self.markup: list[Span] = []
        self.ids: set[str] = set()       # set by attribute lists: the toc avoids them
        self.html_ids: set[str] = set()  # raw HTML id= and name=
        self.definitions: dict[str, tuple[str, int, int]] = {}

    def line_of(self, offset: int) -> int:
        return self.first + bisect.bisect_right(self.starts, offset) - 1

    def span(self, kind: str, start: int, end: int) -> Span:
        return Span(kind, start, end, self.line_of(start))

    def comment(self, start: int, end: int) -> None:
        span = self.span("comment", start, end)
        self.comments.append(span)
        self.markup.append(span)

    def _headings(self) -> tuple[tuple[Heading, ...], frozenset[str]]:
        used = self.ids | {custom for _, _, custom, _ in self.headings if custom}
        headings = tuple(Heading(prose.line, level, prose.text.replace("\n", " "),
                                 custom or _toc_unique(slugify(slug), used))
                         for prose, level, custom, slug in self.headings)
        return headings, frozenset(used | self.html_ids)

    def _links(self) -> tuple[Link, ...]:
        return tuple(sorted(self.links, key=lambda link: (link.line, link.start)))

    def document(self, hidden: list[tuple[int, int]]) -> Document:
        """The document, ``hidden`` being the stretches unclosed comments hide."""
        for start, end in hidden:
            self.comment(start, end)
        headings, ids = self._headings()
        return Document(
            headings, self._links(),
            tuple(sorted(self.code, key=lambda code: code.start)),
            tuple(sorted(self.comments, key=lambda span: span.start)),
            tuple(sorted(self.prose, key=lambda prose: prose.start)),
            tuple(sorted(self.markup, key=lambda span: (span.start, -span.end))), ids)

    def outline(self) -> Outline:
        headings, ids = self._headings()
        return Outline(headings, self._links(), ids)
