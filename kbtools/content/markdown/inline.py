"""One inline token's children, walked in order: what a reader sees of them, and the links,
code, comments and ids among them."""

from __future__ import annotations

import re
from collections.abc import Callable

from markdown_it.common.utils import normalizeReference
from markdown_it.helpers import parseLinkDestination

from kbtools.content.markdown.document import Code, Link, Prose, Span
from kbtools.content.markdown.found import Found
from kbtools.content.markdown.parser import AT, LABEL, attribute_id
from kbtools.content.markdown.tags import Tags

_PLAIN_DESTINATION = re.compile(r"[^\x00-\x20\x7f()<\\]+")
_BARE_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>()\[\]]*[^\s<>()\[\].,;:!?'\"]"
                       r"|\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")


class Walk:
    """The children of one inline token whose source is ``content`` (``at`` maps its
    offsets to body offsets), in order: pieces, the reader's text, the text the toc
    slugifies, and the links, code spans, comments and ids (into ``found``). Without
    ``pieces`` (an outline's paragraph) no piece is made, and no code or comment found."""

    def __init__(self, found: Found, content: str, at: Callable[[int], int], *,
                 pieces: bool = True) -> None:
        self.found, self.content, self.at, self.keep = found, content, at, pieces
        self.pieces: list[Span] = []
        self.text: list[str] = []
        self.slug: list[str] = []
        self.prose: Prose

    def piece(self, kind: str, start: int, end: int) -> Span | None:
        if end <= start or not self.keep:
            return None
        span = self.found.span(kind, self.at(start), self.at(end))
        self.pieces.append(span)
        return span

    def children(self, tokens, base: int, *, image: bool) -> None:
        """Walk ``tokens``, whose recorded places count from ``base``. Text tokens have no
        recorded place: each starts where the token before it ended."""
        cursor, opened, in_autolink = base, [], False
        for token in tokens:
            kind, place = token.type, token.meta.get(AT)
            if kind == "text" or place is None:
                start = cursor
                end = start + len(token.content if kind == "text" else token.markup)
            else:
                start, end = base + place[0], base + place[1]
            cursor = end
            if in_autolink:
                in_autolink = kind != "link_close"
            elif kind in ("text", "text_special"):
                self.add_text(token.content, start, kind == "text", image=image)
            elif kind in ("softbreak", "hardbreak"):
                self.line_break(start, end)
            elif kind == "code_inline":
                self.code(token.content, start, end)
            elif kind == "html_inline":
                self.html(token.content, start, end)
            elif kind == "kb_macro":
                self.piece("macro", start, end)
                self.text.append(" ")
                self.slug.append(token.content)
            elif kind == "kb_attrs":
                self.piece("attrs", start, end)
                ident = attribute_id(token.content)
                if ident:
                    self.found.ids.add(ident)
            elif kind == "footnote_ref":
                self.piece("footnote", start, end)
            elif kind == "link_open" and token.markup == "autolink":
                self.autolink(start, end)
                in_autolink = True
            elif kind == "link_open":
                self.piece("open", start, end)
                opened.append(end)
            elif kind == "link_close":
                self.target(opened.pop() if opened else start, start, end, image=False)
            elif kind == "image":
                self.image(token, base, start, end)
            elif kind.endswith(("_open", "_close")):
                self.piece("emphasis", start, end)

    def add_text(self, text: str, start: int, plain: bool, *, image: bool) -> None:
        self.text.append(text)
        if not image:
            self.slug.append(text)
        if not plain:
            return
        if "<!--" in text and not image and self.found.unclosed is None:
            self.found.unclosed = self.at(start + text.index("<!--"))
        if ("://" in text or "www." in text or "@" in text) and self.found.full:
            for match in _BARE_URL.finditer(text):
                self.piece("url", start + match.start(), start + match.end())

    def line_break(self, start: int, end: int) -> None:
        while start > 0 and self.content[start - 1] in " \t":  # a hard break's spaces
            start -= 1
        self.piece("break", start, end)
        self.text.append("\n")
        self.slug.append(" ")

    def code(self, text: str, start: int, end: int) -> None:
        span = self.piece("code", start, end)
        self.text.append(text)
        self.slug.append(text)
        if span is not None:
            self.found.code.append(Code(span.line, span.start, span.end, text, False))

    def html(self, tag: str, start: int, end: int) -> None:
        if tag.startswith("<!--"):
            span = self.piece("comment", start, end)
            if span is not None:
                self.found.comments.append(span)
            return
        self.piece("html", start, end)
        if "=" in tag:  # only attributes (links, ids) matter in an inline tag
            Tags(self.found, tag, lambda pos: self.at(start + pos), inline=True).read()

    def autolink(self, start: int, end: int) -> None:
        self.piece("url", start, end)
        raw = self.content[start + 1:end - 1]
        self.text.append(raw)
        self.slug.append(raw)
        target = raw if ":" in raw else "mailto:" + raw
        begin = self.at(start + 1)
        self.found.links.append(Link(self.found.line_of(begin), target, False, "autolink",
                                     begin, self.at(end - 1)))

    def image(self, token, base: int, start: int, end: int) -> None:
        label_end = base + token.meta[LABEL] if LABEL in token.meta else end - 1
        self.piece("open", start, start + 2)
        self.children(token.children or [], start + 2, image=True)
        self.target(start + 2, label_end, end, image=True)

    def target(self, label_start: int, start: int, end: int, *, image: bool) -> None:
        """The ``](target)``, ``][ref]`` or ``]`` closing a link or image."""
        self.piece("target", start, end)
        content, found = self.content, self.found
        line = found.line_of(self.at(label_start - (2 if image else 1)))
        if content.startswith("](", start):
            pos = start + 2
            while pos < end and content[pos] in " \t\n":
                pos += 1
            raw = content[pos:_destination_end(content, pos, end) or pos]
            if raw.startswith("<"):
                raw, pos = raw[1:-1], pos + 1
            found.links.append(Link(line, raw, image, "inline", self.at(pos),
                                    self.at(pos + len(raw))))
            return
        label = content[start + 2:end - 1] if end - start > 3 else content[label_start:start]
        definition = found.definitions.get(normalizeReference(label))
        if definition is not None:
            raw, target_start, target_end = definition
            found.links.append(Link(line, raw, image, "reference", target_start, target_end))


def _destination_end(content: str, pos: int, end: int) -> int | None:
    """Where the link destination at ``pos`` ends (None: there is none), as markdown-it's
    ``parseLinkDestination`` finds it; a destination without parentheses, backslashes or
    ``<`` (most of them) is found in one step."""
    plain = _PLAIN_DESTINATION.match(content, pos, end)
    if plain is not None and (plain.end() == end or content[plain.end()] not in "(<\\"):
        return plain.end()
    destination = parseLinkDestination(content, pos, end)
    return destination.pos if destination.ok else None
