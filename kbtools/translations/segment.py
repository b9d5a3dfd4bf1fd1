"""Split a markdown body into what a translator may change (prose) and what it must not.

:func:`segment` returns a :class:`Document`: literal text (code blocks, markup, blank lines)
and :class:`Unit` objects, one per paragraph, list item, heading, table cell, admonition or
tab title and definition term, as the Markdown reader (:mod:`kbtools.content.markdown`)
finds them. Inside a unit, inline code, URLs and e-mail addresses, macros (``{{ }}``,
``{% %}``), link brackets and targets, HTML tags and comments, attribute lists, footnote
marks and emoji shortcodes are replaced by numbered placeholders (``⟦1⟧``) that
:meth:`Unit.restore` puts back verbatim. A paragraph's lines become one line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kbtools.content.markdown import Prose, read, read_inline

OPEN, CLOSE = "⟦", "⟧"
_PLACEHOLDER = re.compile(r"⟦\s*(\d+)\s*⟧")
_EMOJI = re.compile(r":[a-z0-9]+(?:[-_][a-z0-9]+)+:")  # Material icon shortcodes
_LETTER = re.compile(r"[^\W\d_]")
# What a translation must keep as written; link brackets too, so a link stays a link.
_PROTECTED = frozenset({"code", "comment", "macro", "html", "url", "target", "attrs",
                        "footnote", "task", "open"})


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


def protect(text: str) -> Unit:
    """A unit for ``text`` (one line of inline Markdown, such as a title) with every inline
    element that must survive as a placeholder."""
    return _unit(text, read_inline(text))


def segment(body: str) -> Document:
    """Split a markdown ``body`` into literal parts and translatable units (see module doc)."""
    doc, at = Document(), 0
    for prose in read(body).prose:
        if prose.kind == "html" or prose.start < at:
            continue
        unit = _unit(body, prose)
        if not _LETTER.search(_PLACEHOLDER.sub("", unit.text)):
            continue
        doc.add(body[at:prose.start])
        doc.parts.append(unit)
        at = prose.end
    doc.add(body[at:])
    return doc


def _unit(text: str, prose: Prose) -> Unit:
    """``text[prose.start:prose.end]`` as a unit: protected pieces become placeholders,
    line breaks spaces."""
    unit, parts, at = Unit(""), [], prose.start

    def keep(original: str) -> str:
        unit.protected.append(original)
        return f"{OPEN}{len(unit.protected)}{CLOSE}"

    def plain(end: int) -> None:
        if end > at:
            parts.append(_EMOJI.sub(lambda m: keep(m.group()), text[at:end]))

    for piece in prose.pieces:
        if piece.start < at or piece.kind not in _PROTECTED and piece.kind != "break":
            continue
        plain(piece.start)
        parts.append(" " if piece.kind == "break" else keep(text[piece.start:piece.end]))
        at = piece.end
    plain(prose.end)
    unit.text = "".join(parts)
    return unit


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
