"""From markdown-it's token stream to what :class:`Found` collects, with body offsets."""

from __future__ import annotations

import bisect
from collections.abc import Callable

from markdown_it.helpers import parseLinkDestination

from kbtools.content.markdown.document import MARKUP_KINDS, Code, Prose
from kbtools.content.markdown.found import Found
from kbtools.content.markdown.inline import Walk
from kbtools.content.markdown.parser import (
    BASE,
    MARK,
    OUTLINE,
    PARSER,
    SKIPPED,
    attribute_id,
    line_starts,
)
from kbtools.content.markdown.tags import Tags

_PARENTS = {"heading_open": "heading", "paragraph_open": "paragraph", "th_open": "cell",
            "td_open": "cell", "dt_open": "term", "kb_container_open": "title"}
_MARKUP = frozenset(MARKUP_KINDS)


def collect(body: str, first_line: int, *, full: bool) -> tuple[Found, list[tuple[int, int]]]:
    """Read ``body`` (``\\r`` already made a space): what was found, and the stretches that
    unclosed HTML comments hide. ``full`` collects everything, else an outline's part."""
    hidden: list[tuple[int, int]] = []
    while True:
        reader = Reader(Found(body, first_line, full=full), hidden)
        reader.run(PARSER.parse(reader.src, {} if full else {OUTLINE: True}))
        found = reader.found
        if found.unclosed is None:
            return found, hidden
        end = body.find("-->", found.unclosed + 4)
        hidden = sorted([*hidden, (found.unclosed, len(body) if end < 0 else end + 3)])


def collect_inline(text: str) -> Prose | None:
    """``text`` (``\\r`` already made a space) read as inline Markdown only."""
    reader = Reader(Found(text, 1, full=True), [])
    token = PARSER.parseInline(reader.src, {})[0]
    return reader.inline(token, "inline")


class Reader:
    """Walks one token stream into ``found``.

    ``found.body`` is the body as given; ``src`` what is parsed: the body with each
    ``hidden`` stretch (an unclosed comment) cut down to its line breaks. Offsets found in
    ``src`` become body offsets through :meth:`orig`.
    """

    def __init__(self, found: Found, hidden: list[tuple[int, int]]) -> None:
        self.found, body = found, found.body
        src, moved, self.shifts = body, 0, []
        for start, end in reversed(hidden):
            src = src[:start] + "\n" * body.count("\n", start, end) + src[end:]
        for start, end in hidden:
            kept = body.count("\n", start, end)
            at = start - moved + kept
            moved += end - start - kept
            self.shifts.append((at, moved))
        self.src = src
        self.src_starts = line_starts(src) if hidden else found.starts
        self.row_ends: dict[int, int] = {}  # table row line -> where the last cell ended

    # -- positions

    def orig(self, pos: int) -> int:
        for at, moved in reversed(self.shifts):
            if pos >= at:
                return pos + moved
        return pos

    def line_range(self, first: int, last: int) -> tuple[int, int]:
        """Body offsets from src line ``first`` to the end of line ``last - 1``."""
        starts = self.src_starts
        end = starts[last] - 1 if last < len(starts) else len(self.src)
        return self.orig(starts[first]), self.orig(max(end, starts[first]))

    def mapper(self, bases: list[tuple[int, int]]) -> Callable[[int], int]:
        """Offset in an inline source -> body offset, from ``(source offset, src offset)``
        pairs where the source's lines start."""
        if len(bases) == 1 and not self.shifts:
            delta = bases[0][1] - bases[0][0]
            return lambda pos: pos + delta
        offsets = [base[0] for base in bases]

        def at(pos: int) -> int:
            index = bisect.bisect_right(offsets, pos) - 1
            return self.orig(bases[index][1] + pos - bases[index][0])

        return at

    def bases(self, token, kind: str) -> list[tuple[int, int]]:
        """Where each line of ``token.content`` starts in ``src``: the content is the
        source lines less their container prefixes (quote marks, indentation)."""
        if BASE in token.meta:
            return [(0, token.meta[BASE])]
        found, offset, starts, src = [], 0, self.src_starts, self.src
        for number, line in enumerate(token.content.split("\n"), token.map[0]):
            if number >= len(starts):
                break
            start = starts[number]
            source = src[start:starts[number + 1] - 1 if number + 1 < len(starts) else None]
            core = line.strip()
            lead = len(line) - len(line.lstrip())
            if kind == "cell":  # cells are found left to right along their row
                after = self.row_ends.get(number, 0)
                at = source.find(core, after)
                if at < 0 and "|" in core:  # an escaped \| in the cell
                    at = source.find(core.replace("|", "\\|"), after)
                at = max(at, after)
                self.row_ends[number] = at + len(core)
            else:
                stripped = source.rstrip()
                if stripped.endswith(core):
                    at = len(stripped) - len(core)
                else:
                    at = max(source.find(core), 0)
            found.append((offset, start + at - lead))
            offset += len(line) + 1
        return found or [(0, 0)]

    # -- the token stream

    def run(self, tokens) -> None:
        found = self.found
        for token in tokens:
            if token.type == "definition":
                self.definition(token)
        first_in_item = False
        for index, token in enumerate(tokens):
            kind = token.type
            if kind == "inline":
                # inline footnotes (^[...]) come back with no place: they stay markup
                if token.map is not None or BASE in token.meta:
                    parent = _PARENTS.get(tokens[index - 1].type, "paragraph")
                    if SKIPPED not in token.meta:
                        self.block_inline(token, parent, tokens[index - 1], first_in_item)
                    elif parent == "cell":
                        self.bases(token, parent)  # the next cells are found after it
                first_in_item = False
            elif kind == "list_item_open":
                first_in_item = True
            elif kind == "html_block":
                self.html_block(token.content, self.mapper(self.bases(token, "html")))
            elif not found.full:
                continue
            elif kind in ("fence", "code_block"):
                start, end = self.line_range(*token.map)
                if kind == "fence":
                    start = self.orig(self.src.index(token.markup,
                                                     self.src_starts[token.map[0]]))
                found.code.append(Code(found.line_of(start), start, end, token.content, True,
                                       token.info.strip()))
                found.markup.append(found.span("code", start, end))
            elif kind == "kb_container_open":
                start, end = token.meta[MARK]
                found.markup.append(found.span("marker", self.orig(start), self.orig(end)))

    def definition(self, token) -> None:
        """A reference definition ``[label]: target "title"``: where its target is written."""
        found, body = self.found, self.found.body
        start, end = self.line_range(*token.map)
        found.markup.append(found.span("definition", start, end))
        label = "[" + token.meta["label"] + "]:"
        at = body.find(label, start, end)
        if at < 0 or token.meta["id"] in found.definitions:
            return
        pos = at + len(label)
        while pos < end and body[pos] in " \t\n":
            pos += 1
        destination = parseLinkDestination(body, pos, end)
        raw = body[pos:destination.pos] if destination.ok else ""
        if raw.startswith("<"):
            raw, pos = raw[1:-1], pos + 1
        found.definitions[token.meta["id"]] = (raw, pos, pos + len(raw))

    def block_inline(self, token, kind: str, parent, first_in_item: bool) -> None:
        walk = self.walk(token, kind, task=first_in_item and kind == "paragraph")
        if kind != "heading":
            return
        found = self.found
        if walk is None:  # an empty heading still gets an id
            start = self.orig(self.src_starts[token.map[0]])
            found.headings.append((Prose(kind, found.line_of(start), start, start, ""),
                                   int(parent.tag[1]), None, ""))
            return
        prose = walk.prose
        attrs = [p for p in prose.pieces if p.kind == "attrs"]
        custom = None
        if attrs and attrs[-1].end == prose.end and found.body[attrs[-1].start - 1] in " \t":
            custom = attribute_id(found.body[attrs[-1].start:attrs[-1].end])
        found.headings.append((prose, int(parent.tag[1]), custom,
                               " ".join("".join(walk.slug).split())))

    def inline(self, token, kind: str) -> Prose | None:
        """The :class:`Prose` of an ``inline`` token (None when it holds no text)."""
        walk = self.walk(token, kind)
        return None if walk is None else walk.prose

    def walk(self, token, kind: str, *, task: bool = False) -> Walk | None:
        content = token.content
        if not content.strip():
            return None
        at = self.mapper(self.bases(token, kind) if token.map or BASE in token.meta
                         else [(0, 0)])
        found = self.found
        walk = Walk(found, content, at, pieces=found.full or kind == "heading")
        if task and content[:4] in ("[ ] ", "[x] ", "[X] "):
            walk.piece("task", 0, 3)
        walk.children(token.children or [], 0, image=False)
        if not found.full and kind != "heading":  # an outline needs only its links and ids
            return walk
        start, end = at(len(content) - len(content.lstrip())), at(len(content.rstrip()))
        text = "\n".join(" ".join(line.split()) for line in "".join(walk.text).split("\n"))
        walk.prose = Prose(kind, found.line_of(start), start, end, text.strip("\n"),
                           tuple(walk.pieces))
        if found.full:
            found.prose.append(walk.prose)
            found.markup.extend(p for p in walk.pieces if p.kind in _MARKUP)
        return walk

    # -- raw HTML

    def html_block(self, content: str, at: Callable[[int], int]) -> None:
        found, pos = self.found, 0
        while (start := content.find("<!--", pos)) >= 0:
            end = content.find("-->", start + 4)
            if end < 0:
                if found.unclosed is None:
                    found.unclosed = at(start)
                return
            found.comment(at(start), at(end + 3))
            pos = end + 3
        if found.full or "=" in content:  # an outline needs only attributes (links, ids)
            Tags(found, content, at, inline=False).read()
