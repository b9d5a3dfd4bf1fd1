"""Split a markdown body into what a translator may change (prose) and what it must not.

:func:`segment` returns a :class:`Document`: literal text (code blocks, markup, blank lines)
and :class:`Unit` objects, one per paragraph, list item, heading, table cell or admonition
title. Inside a unit, inline code, URLs and e-mail addresses, macro calls (``{{ }}``,
``{% %}``), link brackets and targets, HTML tags, attribute lists and emoji shortcodes are
replaced by numbered placeholders (``⟦1⟧``) that :meth:`Unit.restore` puts back verbatim.

Known limit: indented (4-space) code blocks are not recognised, because in MkDocs the same
indentation holds admonition bodies and list continuations, which are prose; use fenced code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

OPEN, CLOSE = "⟦", "⟧"
_PLACEHOLDER = re.compile(r"⟦\s*(\d+)\s*⟧")

_INLINE = re.compile(
    r"(?P<code>(`+)(?:.+?)\2)"
    r"|(?P<macro>\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\})"
    r"|(?P<target>\]\([^)\s]*(?:\s+\"[^\"]*\")?\)|\]\[[^\]]*\])"
    r"|(?P<open>!?\[(?=[^\]]*\](?:\(|\[)))"
    r"|(?P<footnote>\[\^[^\]]+\])"
    r"|(?P<autolink><(?:https?|mailto):[^>\s]+>)"
    r"|(?P<html></?[A-Za-z][^>]*>)"
    r"|(?P<url>\b(?:https?://|www\.)[^\s<>()\[\]]*[^\s<>()\[\].,;:!?'\"])"
    r"|(?P<email>\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b)"
    r"|(?P<attrs>\{:?\s*[#.][^}]*\})"
    r"|(?P<emoji>:[a-z0-9]+(?:[-_][a-z0-9]+)+:)"
)

_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
_HEADING = re.compile(r"^(\s{0,3}#{1,6}\s+)(.*?)(\s*#*\s*)$")
_ADMONITION = re.compile(r'^(\s*(?:!!!|\?\?\?\+?)\s+[\w-]+(?:\s+[\w-]+)*\s+")(.*)("\s*)$')
_ADMONITION_BARE = re.compile(r"^\s*(?:!!!|\?\?\?\+?)\s+")
_MARKER = re.compile(r"^(\s*(?:(?:[-*+]|\d+[.)])\s+(?:\[[ xX]\]\s+)?|>\s?)*)")
_LITERAL_LINE = re.compile(
    r"^\s*(?:$|<|\{%.*%\}\s*$|\[[^\]]+\]:\s|\*\*\*+\s*$|---+\s*$|___+\s*$|\|?\s*:?-{3,})")
_TABLE = re.compile(r"^\s*\|")
_LETTER = re.compile(r"[^\W\d_]")


@dataclass
class Unit:
    """Prose to translate: ``text`` with placeholders, and what each placeholder stands for."""

    text: str
    protected: list[str] = field(default_factory=list)

    def restore(self, translated: str) -> str | None:
        """``translated`` with placeholders replaced by the originals; None if any placeholder
        is missing, repeated or unknown (the provider mangled it)."""
        seen = [int(n) for n in _PLACEHOLDER.findall(translated)]
        if sorted(seen) != list(range(1, len(self.protected) + 1)):
            return None
        return _PLACEHOLDER.sub(lambda m: self.protected[int(m.group(1)) - 1], translated)

    def pieces(self) -> list[tuple[bool, str]]:
        """``(is_prose, text)`` pieces, for translating around placeholders one by one."""
        result, at = [], 0
        for match in _PLACEHOLDER.finditer(self.text):
            if match.start() > at:
                result.append((True, self.text[at:match.start()]))
            result.append((False, self.protected[int(match.group(1)) - 1]))
            at = match.end()
        if at < len(self.text):
            result.append((True, self.text[at:]))
        return result


@dataclass
class Document:
    """A body as literal strings and :class:`Unit` objects, in order."""

    parts: list[str | Unit] = field(default_factory=list)

    @property
    def units(self) -> list[Unit]:
        return [p for p in self.parts if isinstance(p, Unit)]

    def render(self, translations: dict[int, str]) -> str:
        """Join the parts, using ``translations[id(unit)]`` (already restored) for units."""
        return "".join(p if isinstance(p, str) else translations.get(id(p), p.text)
                       for p in self.parts)

    def add(self, text: str) -> None:
        if self.parts and isinstance(self.parts[-1], str):
            self.parts[-1] += text
        elif text:
            self.parts.append(text)

    def add_prose(self, text: str) -> None:
        """Add ``text``: leading/trailing spaces stay literal, the rest becomes a unit."""
        stripped = text.strip()
        if not _LETTER.search(_INLINE.sub("", stripped)):
            self.add(text)
            return
        start = text.index(stripped)
        self.add(text[:start])
        self.parts.append(protect(stripped))
        self.add(text[start + len(stripped):])


def protect(text: str) -> Unit:
    """A unit for ``text`` with every inline element that must survive as a placeholder."""
    unit = Unit("")

    def swap(match: re.Match) -> str:
        unit.protected.append(match.group(0))
        return f"{OPEN}{len(unit.protected)}{CLOSE}"

    unit.text = _INLINE.sub(swap, text)
    return unit


def segment(body: str) -> Document:
    """Split a markdown ``body`` into literal parts and translatable units (see module doc)."""
    doc = Document()
    lines = body.splitlines(keepends=True)
    at = 0
    while at < len(lines):
        line = lines[at]
        fence = _FENCE.match(line)
        if fence:
            at = _skip_fence(doc, lines, at, fence.group(1))
            continue
        content, newline = _split_newline(line)
        if _LITERAL_LINE.match(content) or _ADMONITION_BARE.match(content) and \
                not _ADMONITION.match(content):
            doc.add(line)
        elif _TABLE.match(content):
            _table_row(doc, content)
            doc.add(newline)
        elif (match := _ADMONITION.match(content) or _HEADING.match(content)):
            doc.add(match.group(1))
            doc.add_prose(match.group(2))
            doc.add(match.group(3) + newline)
        else:
            at = _paragraph(doc, lines, at)
            continue
        at += 1
    return doc


def _split_newline(line: str) -> tuple[str, str]:
    content = line.rstrip("\r\n")
    return content, line[len(content):]


def _skip_fence(doc: Document, lines: list[str], at: int, fence: str) -> int:
    doc.add(lines[at])
    at += 1
    while at < len(lines):
        doc.add(lines[at])
        closing = _FENCE.match(lines[at])
        at += 1
        if closing and closing.group(1)[0] == fence[0] and len(closing.group(1)) >= len(fence) \
                and not lines[at - 1].strip()[len(closing.group(1)):].strip():
            break
    return at


def _table_row(doc: Document, content: str) -> None:
    cells = re.split(r"(?<!\\)(\|)", content)
    for cell in cells:
        if cell == "|":
            doc.add(cell)
        else:
            doc.add_prose(cell)


def _starts_block(content: str) -> bool:
    return bool(_LITERAL_LINE.match(content) or _TABLE.match(content) or _FENCE.match(content)
                or _HEADING.match(content) or _ADMONITION_BARE.match(content)
                or _MARKER.match(content).group(0).strip())


def _paragraph(doc: Document, lines: list[str], at: int) -> int:
    """A paragraph or list item with its lazy continuation lines, as one unit on one line."""
    content, newline = _split_newline(lines[at])
    prefix = _MARKER.match(content).group(0)
    texts = [content[len(prefix):]]
    at += 1
    while at < len(lines):
        following, next_newline = _split_newline(lines[at])
        if not following.strip() or _starts_block(following):
            break
        texts.append(following.strip())
        newline = next_newline
        at += 1
    doc.add(prefix)
    doc.add_prose(" ".join(t.strip() for t in texts) if len(texts) > 1 else texts[0])
    doc.add(newline)
    return at


def split_long(text: str, limit: int) -> list[str]:
    """Split ``text`` into pieces of at most ``limit`` characters, at sentence ends if possible,
    else at spaces, else anywhere; placeholders are never cut. Joined with ``" "`` it reads
    as the original."""
    if len(text) <= limit:
        return [text]
    pieces: list[str] = []
    for sentence in re.split(r"(?<=[.!?。؟])\s+", text):
        for word in (sentence.split(" ") if len(sentence) > limit else [sentence]):
            while len(word) > limit:
                cut = limit
                open_at = word.rfind(OPEN, 0, cut)
                if open_at > word.rfind(CLOSE, 0, cut) and open_at > 0:
                    cut = open_at
                pieces.append(word[:cut])
                word = word[cut:]
            if pieces and len(pieces[-1]) + 1 + len(word) <= limit:
                pieces[-1] += " " + word
            else:
                pieces.append(word)
    return [p for p in pieces if p]
