"""The one Markdown reader: what a body holds, parsed once, with the file line of everything.

Every tool that needs headings, links, code or prose asks :func:`read` (or :func:`read_inline`
for a one-line text such as a title) instead of scanning the text itself.

Why markdown-it-py and not Python-Markdown's own tree (which the sites render with): the tools
need *where* things are (a finding's ``path:line:col``, a translation that keeps every byte
outside its prose, a link rewritten in place), and Python-Markdown's element tree keeps no
source positions. markdown-it-py keeps a line range on every block, and its documented
plugin API (rule rulers, token stream, ``state.pos``) lets this module record the offsets
of inline elements too. Where the two dialects differ, this reader follows the site:

- heading ids are made by Python-Markdown's own ``toc.slugify`` and ``toc.unique`` (the
  sites' ``toc`` uses the default slugify and separator, see ``kbtools/sites/mkdocs.yml``),
  after ids set with ``attr_list`` (``## Title {#custom}``), from the text the toc sees
  (code kept, tags, images and footnote marks dropped);
- admonitions (``!!!``), collapsible blocks (``???``, ``???+``) and content tabs
  (``=== "Tab"``) hold 4-space indented Markdown, as with ``admonition``,
  ``pymdownx.details`` and ``pymdownx.tabbed``; footnotes and definition lists come from
  mdit-py-plugins;
- Jinja macros (``{{ }}``, ``{% %}``, ``{## ##}``) are macros, never prose;
- an HTML comment that Markdown leaves unclosed hides the text up to the next ``-->`` or
  the end of the body, as a browser would.

Known differences: a hash heading needs a space after its ``#`` (CommonMark); raw HTML blocks
end at a blank line (CommonMark), so Markdown after a blank line inside ``<div>`` is read
as Markdown, as ``md_in_html`` does with ``markdown="1"``.

Offsets are positions in the body string; lines are file lines (``first_line`` is the file
line of the body's first line, ``Article.body_line`` for an article).
"""

from __future__ import annotations

import bisect
import html
import re
from dataclasses import dataclass
from functools import lru_cache
from html.parser import HTMLParser

from markdown.extensions.toc import slugify as _toc_slugify
from markdown.extensions.toc import unique as _toc_unique
from markdown_it import MarkdownIt
from markdown_it.common.utils import normalizeReference
from markdown_it.helpers import parseLinkDestination
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.footnote import footnote_plugin

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


def slugify(text: str) -> str:
    """The heading id Python-Markdown's ``toc`` makes of ``text`` (before de-duplication)."""
    return _toc_slugify(text, "-")


@lru_cache(maxsize=4096)
def read(body: str, first_line: int = 1) -> Document:
    """Parse ``body`` (a Markdown text; ``first_line`` is its first line's file line)."""
    # markdown-it reads \r\n as one character: a space instead keeps every offset
    text = body.replace("\r", " ") if "\r" in body else body
    hidden: list[tuple[int, int]] = []
    while True:
        reader = _Reader(text, first_line, hidden)
        reader.run(_PARSER.parse(reader.src, {}))
        if reader.unclosed is None:
            return reader.document()
        end = text.find("-->", reader.unclosed + 4)
        hidden = sorted([*hidden, (reader.unclosed, len(text) if end < 0 else end + 3)])


@lru_cache(maxsize=1024)
def read_inline(text: str) -> Prose:
    """``text`` read as inline Markdown only (no block syntax): a title, a table cell."""
    reader = _Reader(text.replace("\r", " "), 1, [])
    token = _PARSER.parseInline(reader.src, {})[0]
    return reader.inline(token, "inline") or Prose("inline", 1, 0, len(text), "")


# -- the parser -------------------------------------------------------------------------------

_AT = "kb.at"          # token.meta key: (start, end) in the inline source
_LABEL = "kb.label"    # token.meta key: where an image's alt text ends
_BASE = "kb.base"      # token.meta key: body offset where an inline token's source starts
_MARK = "kb.marker"    # token.meta key: (start, end) of an admonition or tab marker

_CONTAINER = re.compile(
    r'(!!!|\?\?\?\+?|===[+!]?)[ \t]*([\w-]+(?:[ \t]+[\w-]+)*)?[ \t]*(?:"(.*)")?[ \t]*$')
_ATTRS = re.compile(
    r"\{:?[ \t]*(?:[#.][\w:-]+|[\w-]+=(?:\"[^\"\n]*\"|'[^'\n]*'|[^\s}]+))"
    r"(?:[ \t]+(?:[#.][\w:-]+|[\w-]+=(?:\"[^\"\n]*\"|'[^'\n]*'|[^\s}]+)))*[ \t]*\}")
_BARE_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>()\[\]]*[^\s<>()\[\].,;:!?'\"]"
                       r"|\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_MACROS = (("{##", "##}"), ("{{", "}}"), ("{%", "%}"))


def _container(state, start: int, end: int, silent: bool) -> bool:
    """``!!! type "Title"``, ``??? type``, ``=== "Tab"``: a title and 4-space indented body."""
    if state.sCount[start] - state.blkIndent >= 4:
        return False
    pos = state.bMarks[start] + state.tShift[start]
    if state.src[pos] not in "!?=":
        return False
    match = _CONTAINER.match(state.src, pos, state.eMarks[start])
    if match is None:
        return False
    marker, classes, title = match.groups()
    if (marker == "!!!" and not classes or marker[0] == "?" and not (classes or title)
            or marker[0] == "=" and (classes or title is None)):
        return False
    if silent:
        return True
    indent = state.sCount[start] + 4
    last = line = start + 1
    while line < end:
        if not state.isEmpty(line):
            if state.sCount[line] < indent:
                break
            last = line + 1
        line += 1
    token = state.push("kb_container_open", "div", 1)
    token.map, token.markup, token.info = [start, last], marker, classes or ""
    token.meta[_MARK] = (pos, match.end(2) if classes else match.end(1))
    if title:
        token = state.push("inline", "", 0)
        token.content, token.map, token.children = title, [start, start + 1], []
        token.meta[_BASE] = match.start(3)
    saved = state.blkIndent, state.lineMax, state.parentType
    state.blkIndent, state.lineMax, state.parentType = indent, last, "kb_container"
    state.md.block.tokenize(state, start + 1, last)
    state.blkIndent, state.lineMax, state.parentType = saved
    state.push("kb_container_close", "div", -1)
    state.line = last
    return True


def _macro(state, silent: bool) -> bool:
    src, pos = state.src, state.pos
    if src[pos] != "{":
        return False
    for opener, closer in _MACROS:
        if src.startswith(opener, pos):
            end = src.find(closer, pos + len(opener), state.posMax)
            if end < 0:
                return False
            end += len(closer)
            if not silent:
                token = state.push("kb_macro", "", 0)
                token.content, token.markup = src[pos:end], opener
                token.meta[_AT] = (pos, end)
            state.pos = end
            return True
    return False


def _attrs(state, silent: bool) -> bool:
    if state.src[state.pos] != "{":
        return False
    match = _ATTRS.match(state.src, state.pos, state.posMax)
    if match is None:
        return False
    if not silent:
        token = state.push("kb_attrs", "", 0)
        token.content = match.group()
        token.meta[_AT] = match.span()
    state.pos = match.end()
    return True


def _tracked(name: str, rule):
    """``rule``, recording where in the inline source each token it pushes came from."""

    def tracked(state, silent: bool) -> bool:
        if silent:
            return rule(state, True)
        start, count = state.pos, len(state.tokens)
        if not rule(state, False):
            return False
        new, end = state.tokens[count:], state.pos
        if name == "link":  # `[` ... `](target)`: the label's tokens have their own places
            opening = next(t for t in new if t.type == "link_open")
            opening.meta[_AT] = (start, start + 1)
            label_end = state.md.helpers.parseLinkLabel(state, start, True)
            new[-1].meta[_AT] = (label_end if label_end > start else end - 1, end)
            return True
        for token in new:
            if token.type != "text" and _AT not in token.meta:
                token.meta[_AT] = (start, end)
        if name == "image":
            new[-1].meta[_LABEL] = state.md.helpers.parseLinkLabel(state, start + 1, False)
        return True

    return tracked


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"inline_definitions": True}).enable("table")
    md.use(footnote_plugin).use(deflist_plugin)
    md.core.ruler.disable("text_join")  # keep escapes and entities apart: they have places
    md.block.ruler.before("fence", "kb_container", _container,
                          {"alt": ["paragraph", "reference", "blockquote", "list"]})
    inline = md.inline.ruler
    for name, rule in zip(inline.get_active_rules(), inline.getRules(""), strict=True):
        if name != "text":  # text only adds to the pending text, whose place is computed
            inline.at(name, _tracked(name, rule))
    inline.after("text", "kb_macro", _macro)
    inline.after("kb_macro", "kb_attrs", _attrs)
    return md


_PARSER = _parser()


def _line_starts(text: str) -> list[int]:
    starts, at = [0], text.find("\n")
    while at >= 0:
        starts.append(at + 1)
        at = text.find("\n", at + 1)
    return starts


# -- from tokens to a document ----------------------------------------------------------------

_PARENTS = {"heading_open": "heading", "paragraph_open": "paragraph", "th_open": "cell",
            "td_open": "cell", "dt_open": "term", "kb_container_open": "title"}


class _Reader:
    """Walks one token stream into a :class:`Document`.

    ``body`` is the body as given (``\\r`` made a space); ``src`` what was parsed: the body
    with each ``hidden`` stretch (an unclosed comment) cut down to its line breaks. Offsets
    found in ``src`` become body offsets through :meth:`orig`.
    """

    def __init__(self, body: str, first_line: int, hidden: list[tuple[int, int]]) -> None:
        self.body, self.first, self.hidden = body, first_line, hidden
        self.starts = _line_starts(body)
        src, moved, self.shifts = body, 0, []
        for start, end in reversed(hidden):
            src = src[:start] + "\n" * body.count("\n", start, end) + src[end:]
        for start, end in hidden:
            kept = body.count("\n", start, end)
            at = start - moved + kept
            moved += end - start - kept
            self.shifts.append((at, moved))
        self.src = src
        self.src_starts = _line_starts(src) if hidden else self.starts
        self.unclosed: int | None = None
        self.headings: list[tuple[Prose, int, str | None, str]] = []
        self.links: list[Link] = []
        self.code: list[Code] = []
        self.comments: list[Span] = []
        self.prose: list[Prose] = []
        self.markup: list[Span] = []
        self.ids: set[str] = set()       # set by attribute lists: the toc avoids them
        self.html_ids: set[str] = set()  # raw HTML id= and name=
        self.definitions: dict[str, tuple[str, int, int]] = {}
        self.row_ends: dict[int, int] = {}  # table row line -> where the last cell ended

    # -- positions

    def orig(self, pos: int) -> int:
        for at, moved in reversed(self.shifts):
            if pos >= at:
                return pos + moved
        return pos

    def line_of(self, offset: int) -> int:
        return self.first + bisect.bisect_right(self.starts, offset) - 1

    def span(self, kind: str, start: int, end: int) -> Span:
        return Span(kind, start, end, self.line_of(start))

    def line_range(self, first: int, last: int) -> tuple[int, int]:
        """Body offsets from src line ``first`` to the end of line ``last - 1``."""
        starts = self.src_starts
        end = starts[last] - 1 if last < len(starts) else len(self.src)
        return self.orig(starts[first]), self.orig(max(end, starts[first]))

    def mapper(self, bases: list[tuple[int, int]]):
        """Offset in an inline source -> body offset, from ``(source offset, src offset)``
        pairs where the source's lines start."""
        offsets = [base[0] for base in bases]

        def at(pos: int) -> int:
            index = bisect.bisect_right(offsets, pos) - 1
            return self.orig(bases[index][1] + pos - bases[index][0])

        return at

    def bases(self, token, kind: str) -> list[tuple[int, int]]:
        """Where each line of ``token.content`` starts in ``src``: the content is the
        source lines less their container prefixes (quote marks, indentation)."""
        if _BASE in token.meta:
            return [(0, token.meta[_BASE])]
        found, offset, starts = [], 0, self.src_starts
        for number, line in enumerate(token.content.split("\n"), token.map[0]):
            if number >= len(starts):
                break
            start = starts[number]
            source = self.src[start:starts[number + 1] - 1 if number + 1 < len(starts) else None]
            core, lead = line.strip(), len(line) - len(line.lstrip())
            if kind == "cell":  # cells are found left to right along their row
                after = self.row_ends.get(number, 0)
                at = source.find(core, after)
                if at < 0 and "|" in core:  # an escaped \| in the cell
                    at = source.find(core.replace("|", "\\|"), after)
                at = max(at, after)
                self.row_ends[number] = at + len(core)
            elif source.rstrip().endswith(core):
                at = len(source.rstrip()) - len(core)
            else:
                at = max(source.find(core), 0)
            found.append((offset, start + at - lead))
            offset += len(line) + 1
        return found or [(0, 0)]

    # -- the token stream

    def run(self, tokens) -> None:
        for token in tokens:
            if token.type == "definition":
                self.definition(token)
        first_in_item = False
        for index, token in enumerate(tokens):
            kind = token.type
            if kind == "inline":
                # inline footnotes (^[...]) come back with no place: they stay markup
                if token.map is not None or _BASE in token.meta:
                    parent = _PARENTS.get(tokens[index - 1].type, "paragraph")
                    self.block_inline(token, parent, tokens[index - 1], first_in_item)
                first_in_item = False
            elif kind == "list_item_open":
                first_in_item = True
            elif kind in ("fence", "code_block"):
                start, end = self.line_range(*token.map)
                if kind == "fence":
                    start = self.orig(self.src.index(token.markup,
                                                     self.src_starts[token.map[0]]))
                self.code.append(Code(self.line_of(start), start, end, token.content, True,
                                      token.info.strip()))
                self.markup.append(self.span("code", start, end))
            elif kind == "html_block":
                self.html_block(token.content, self.mapper(self.bases(token, "html")))
            elif kind == "kb_container_open":
                start, end = token.meta[_MARK]
                self.markup.append(self.span("marker", self.orig(start), self.orig(end)))

    def definition(self, token) -> None:
        """A reference definition ``[label]: target "title"``: where its target is written."""
        start, end = self.line_range(*token.map)
        self.markup.append(self.span("definition", start, end))
        label = "[" + token.meta["label"] + "]:"
        at = self.body.find(label, start, end)
        if at < 0 or token.meta["id"] in self.definitions:
            return
        pos = at + len(label)
        while pos < end and self.body[pos] in " \t\n":
            pos += 1
        found = parseLinkDestination(self.body, pos, end)
        raw = self.body[pos:found.pos] if found.ok else ""
        if raw.startswith("<"):
            raw, pos = raw[1:-1], pos + 1
        self.definitions[token.meta["id"]] = (raw, pos, pos + len(raw))

    def block_inline(self, token, kind: str, parent, first_in_item: bool) -> None:
        walk = self.walk(token, kind, task=first_in_item and kind == "paragraph")
        if kind != "heading":
            return
        if walk is None:  # an empty heading still gets an id
            start = self.orig(self.src_starts[token.map[0]])
            self.headings.append((Prose(kind, self.line_of(start), start, start, ""),
                                  int(parent.tag[1]), None, ""))
            return
        prose = walk.prose
        attrs = [p for p in prose.pieces if p.kind == "attrs"]
        custom = None
        if attrs and attrs[-1].end == prose.end and self.body[attrs[-1].start - 1] in " \t":
            custom = _attribute_id(self.body[attrs[-1].start:attrs[-1].end])
        self.headings.append((prose, int(parent.tag[1]), custom,
                              " ".join("".join(walk.slug).split())))

    def inline(self, token, kind: str) -> Prose | None:
        """The :class:`Prose` of an ``inline`` token (None when it holds no text)."""
        walk = self.walk(token, kind)
        return None if walk is None else walk.prose

    def walk(self, token, kind: str, *, task: bool = False) -> _Walk | None:
        content = token.content
        if not content.strip():
            return None
        at = self.mapper(self.bases(token, kind) if token.map or _BASE in token.meta
                         else [(0, 0)])
        walk = _Walk(self, content, at)
        if task and content[:4] in ("[ ] ", "[x] ", "[X] "):
            walk.piece("task", 0, 3)
        walk.children(token.children or [], 0, image=False)
        start, end = at(len(content) - len(content.lstrip())), at(len(content.rstrip()))
        text = "\n".join(" ".join(line.split()) for line in "".join(walk.text).split("\n"))
        walk.prose = Prose(kind, self.line_of(start), start, end, text.strip("\n"),
                           tuple(walk.pieces))
        self.prose.append(walk.prose)
        self.markup.extend(p for p in walk.pieces if p.kind in MARKUP_KINDS)
        return walk

    # -- raw HTML

    def html_block(self, content: str, at) -> None:
        pos = 0
        while (start := content.find("<!--", pos)) >= 0:
            end = content.find("-->", start + 4)
            if end < 0:
                if self.unclosed is None:
                    self.unclosed = at(start)
                return
            self.comment(at(start), at(end + 3))
            pos = end + 3
        _Tags(self, content, at, inline=False).read()

    def comment(self, start: int, end: int) -> None:
        span = self.span("comment", start, end)
        self.comments.append(span)
        self.markup.append(span)

    # -- the result

    def document(self) -> Document:
        for start, end in self.hidden:
            self.comment(start, end)
        used = self.ids | {custom for _, _, custom, _ in self.headings if custom}
        headings = tuple(Heading(prose.line, level, prose.text.replace("\n", " "),
                                 custom or _toc_unique(slugify(slug), used))
                         for prose, level, custom, slug in self.headings)
        return Document(
            headings, tuple(sorted(self.links, key=lambda link: (link.line, link.start))),
            tuple(sorted(self.code, key=lambda code: code.start)),
            tuple(sorted(self.comments, key=lambda span: span.start)),
            tuple(sorted(self.prose, key=lambda prose: prose.start)),
            tuple(sorted(self.markup, key=lambda span: (span.start, -span.end))),
            frozenset(used | self.html_ids))


class _Walk:
    """The children of one inline token, in order: pieces, the reader's text, the text the
    toc slugifies, and the links and code spans (handed to the reader)."""

    def __init__(self, reader: _Reader, content: str, at) -> None:
        self.reader, self.content, self.at = reader, content, at
        self.pieces: list[Span] = []
        self.text: list[str] = []
        self.slug: list[str] = []
        self.prose: Prose

    def piece(self, kind: str, start: int, end: int) -> Span | None:
        if end <= start:
            return None
        span = self.reader.span(kind, self.at(start), self.at(end))
        self.pieces.append(span)
        return span

    def children(self, tokens, base: int, *, image: bool) -> None:
        """Walk ``tokens``, whose recorded places count from ``base``. Text tokens have no
        recorded place: each starts where the token before it ended."""
        cursor, opened, in_autolink = base, [], False
        for token in tokens:
            kind, place = token.type, token.meta.get(_AT)
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
                ident = _attribute_id(token.content)
                if ident:
                    self.reader.ids.add(ident)
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
        if "<!--" in text and not image and self.reader.unclosed is None:
            self.reader.unclosed = self.at(start + text.index("<!--"))
        if "://" in text or "www." in text or "@" in text:
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
            self.reader.code.append(Code(span.line, span.start, span.end, text, False))

    def html(self, tag: str, start: int, end: int) -> None:
        if tag.startswith("<!--"):
            span = self.piece("comment", start, end)
            if span is not None:
                self.reader.comments.append(span)
            return
        self.piece("html", start, end)
        _Tags(self.reader, tag, lambda pos: self.at(start + pos), inline=True).read()

    def autolink(self, start: int, end: int) -> None:
        self.piece("url", start, end)
        raw = self.content[start + 1:end - 1]
        self.text.append(raw)
        self.slug.append(raw)
        target = raw if ":" in raw else "mailto:" + raw
        begin = self.at(start + 1)
        self.reader.links.append(Link(self.reader.line_of(begin), target, False, "autolink",
                                      begin, self.at(end - 1)))

    def image(self, token, base: int, start: int, end: int) -> None:
        label_end = base + token.meta[_LABEL] if _LABEL in token.meta else end - 1
        self.piece("open", start, start + 2)
        self.children(token.children or [], start + 2, image=True)
        self.target(start + 2, label_end, end, image=True)

    def target(self, label_start: int, start: int, end: int, *, image: bool) -> None:
        """The ``](target)``, ``][ref]`` or ``]`` closing a link or image."""
        self.piece("target", start, end)
        content, reader = self.content, self.reader
        line = reader.line_of(self.at(label_start - (2 if image else 1)))
        if content.startswith("](", start):
            pos = start + 2
            while pos < end and content[pos] in " \t\n":
                pos += 1
            found = parseLinkDestination(content, pos, end)
            raw = content[pos:found.pos] if found.ok else ""
            if raw.startswith("<"):
                raw, pos = raw[1:-1], pos + 1
            reader.links.append(Link(line, raw, image, "inline", self.at(pos),
                                     self.at(pos + len(raw))))
            return
        label = content[start + 2:end - 1] if end - start > 3 else content[label_start:start]
        definition = reader.definitions.get(normalizeReference(label))
        if definition is not None:
            raw, target_start, target_end = definition
            reader.links.append(Link(line, raw, image, "reference", target_start, target_end))


class _Tags(HTMLParser):
    """Raw HTML (comments already taken out): its tags, ``<a href>`` and ``<img src>``
    links, ``id``/``name`` attributes and, for a block, its text."""

    def __init__(self, reader: _Reader, content: str, at, *, inline: bool) -> None:
        super().__init__(convert_charrefs=False)
        self.reader, self.content, self.at, self.inline = reader, content, at, inline
        self.line_starts = _line_starts(content)
        self.skip: str | None = None  # inside <script> or <style>: not text
        self.buffer: list[str] = []
        self.buffer_start = 0

    def read(self) -> None:
        self.feed(self.content)
        self.close()
        self.flush(len(self.content))

    def position(self) -> int:
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def flush(self, end: int) -> None:
        text = html.unescape("".join(self.buffer))
        self.buffer = []
        if self.inline or not text.strip():
            return
        start = self.at(self.buffer_start)
        lines = [" ".join(line.split()) for line in text.split("\n")]
        self.reader.prose.append(Prose("html", self.reader.line_of(start), start, self.at(end),
                                       "\n".join(line for line in lines if line)))

    def handle_starttag(self, tag, attrs) -> None:
        start = self.position()
        raw = self.get_starttag_text() or ""
        self.tag(start, start + len(raw))
        if tag in ("script", "style") and not raw.endswith("/>"):
            self.skip = tag
        for name, value in attrs:
            if value is None:
                continue
            if name in ("id", "name"):
                self.reader.html_ids.add(value)
            if (tag, name) in (("a", "href"), ("img", "src")):
                found = raw.find(value)
                begin = self.at(start + max(found, 0))
                self.reader.links.append(Link(
                    self.reader.line_of(begin), value, tag == "img", "html", begin,
                    self.at(start + found + len(value)) if found >= 0 else begin))

    def handle_startendtag(self, tag, attrs) -> None:
        self.handle_starttag(tag, attrs)
        self.skip = None

    def handle_endtag(self, tag) -> None:
        start = self.position()
        end = self.content.find(">", start)
        self.tag(start, len(self.content) if end < 0 else end + 1)
        if tag == self.skip:
            self.skip = None

    def tag(self, start: int, end: int) -> None:
        self.flush(start)
        if not self.inline:
            self.reader.markup.append(self.reader.span("html", self.at(start), self.at(end)))

    def handle_data(self, data) -> None:
        if self.skip is None:
            if not self.buffer:
                self.buffer_start = self.position() + len(data) - len(data.lstrip())
            self.buffer.append(data)

    def handle_entityref(self, name) -> None:
        self.handle_data(f"&{name};")

    def handle_charref(self, name) -> None:
        self.handle_data(f"&#{name};")


def _attribute_id(attrs: str) -> str | None:
    """The id an attribute list (``{: #id .class key=value}``) sets, if any."""
    ident = None
    for item in attrs.strip("{}").lstrip(":").split():
        if item.startswith("#"):
            ident = item[1:]
        elif item.startswith("id="):
            ident = item[3:].strip("\"'")
    return ident
