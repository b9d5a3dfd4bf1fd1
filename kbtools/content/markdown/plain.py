"""The outline of a plain body without markdown-it: the same answers, a fraction of the work.

Most bodies are headings, paragraphs and one-line list items with inline links and bold text.
In such a body every line's block is known from its first characters alone, and every link
is a ``[text](target)`` on one line, so its outline (headings, links, ids) can be read line
by line. :func:`plain_outline` reads a body that way when each of its lines is one of:

- blank;
- an ATX heading (``## Text``) whose text has no markup at all;
- a paragraph line or a ``-``/``*``/``+``/``1.`` list item, unindented, that starts with a
  letter, a digit (not a list marker), ``**``, ``[``, ``![``, ``(`` or a quote, and holds
  no character that starts other inline syntax (code, HTML, entities, escapes, macros,
  attribute lists, tables, footnotes) other than whole ``[text](target)`` links and images
  with plain targets.

Any other body (code, containers, indentation, HTML, reference links ...) returns None and
is read by markdown-it (:func:`kbtools.content.markdown.outline` does both). Heading ids
come from the same ``toc.slugify``/``toc.unique``. ``tests/test_markdown_plain.py`` checks
that both readings agree on the example knowledge base, a synthetic one and edge cases.
"""

from __future__ import annotations

import re

from markdown.extensions.toc import unique as _toc_unique

from kbtools.content.markdown.document import Heading, Link, Outline, slugify
from kbtools.content.markdown.parser import _CONTAINER as CONTAINER

_LINK = re.compile(r"(!?)\[([^\[\]<`\\&{}|\t\r\f\v\x00\n]*)\]\(([^\s()<>\[\]\"'\\`{}|&]+)\)")
"""A one-line inline link or image with a plain target (no title, no spaces, no brackets)."""
_UNSAFE = re.compile(r"[\[\]<`\\&{}|\t\r\f\v\x00]")
"""Characters that start or take part in inline syntax an outline would have to parse."""
_HEADING = re.compile(r"(#{1,6}) +([^#*_\[\]!<>`\\&{}|~\t\r\f\v\x00]*[^#*_\[\]!<>`\\&{}|~\s])$")
"""An ATX heading with plain text and no closing hashes (trailing spaces are not allowed)."""
_ITEM = re.compile(r"(?:[-*+]|\d{1,9}[.)]) ")
"""A list item's marker and the one space after it."""
_ORDERED = re.compile(r"\d{1,9}[.)](?:[ \t]|$)")
_FENCE = re.compile(r"(`{3,})[^`]*$|(~{3,})")
_MACROS = ("{##", "{{", "{%")
_CLOSERS = {"{##": "##}", "{{": "}}", "{%": "%}"}
"""Macro openers and closers (the reader's, :mod:`.parser`)."""
_SCHEMES = ("http://", "https://", "mailto:")
"""The only targets with a ``:`` read here (markdown-it validates other schemes)."""


def plain_outline(body: str, first_line: int = 1) -> Outline | None:
    """The outline of ``body`` when it is plain (see the module), else None."""
    lines, offset = [], 0
    for number, text in enumerate(body.split("\n"), first_line):
        lines.append((number, offset, text))
        offset += len(text) + 1
    headings: list[tuple[int, int, str]] = []
    links: list[Link] = []
    if not _read_blocks(lines, 0, headings, links):
        return None
    used: set[str] = set()
    found = tuple(Heading(at, level, title, _toc_unique(slugify(title), used))
                  for at, level, title in headings)
    return Outline(found, tuple(links), frozenset(used))


def _read_blocks(lines: list[tuple[int, int, str]], indent: int,
                 headings: list[tuple[int, int, str]], links: list[Link]) -> bool:
    """Read ``lines`` (file line, offset, text), each starting with ``indent`` spaces (the
    body of a container) unless blank; False when one of them is not plain."""
    index = 0
    while index < len(lines):
        number, offset, text = lines[index]
        index += 1
        if not text.strip(" \t\r"):  # blank
            continue
        if text[:indent] != " " * indent:
            return False
        offset, text = offset + indent, text[indent:]
        first = text[0]
        if first == "#":
            match = _HEADING.match(text)
            if match is None:
                return False
            headings.append((number, len(match.group(1)), " ".join(match.group(2).split())))
        elif first in "`~" and (fence := _FENCE.match(text)) is not None:
            index = _after_fence(lines, index, indent, fence.group(1) or fence.group(2))
            if index < 0:
                return False
        elif first in "!?=" and (container := _container(text)) is not None:
            end = _container_end(lines, index, indent + 4)
            title = container.group(3)
            if title is not None and _UNSAFE.search(title) is not None:
                return False
            if not _read_blocks(lines[index:end], indent + 4, headings, links):
                return False
            index = end
        else:
            item = _ITEM.match(text)
            start = item.end() if item is not None else 0
            if not _starts_text(text, start) or not _read_links(text, offset, number, links):
                return False
    return True


def _after_fence(lines: list[tuple[int, int, str]], index: int, indent: int,
                 opening: str) -> int:
    """The index of the line after the fence opened by ``opening`` just before ``index``
    (the end of ``lines`` when it is never closed), or -1 when a line of it is indented
    less than ``indent`` (it would end the container first)."""
    closing = re.compile(f" {{0,3}}{re.escape(opening[0])}{{{len(opening)},}}[ \t]*$")
    while index < len(lines):
        text = lines[index][2]
        index += 1
        if text[:indent] != " " * indent:
            if text.strip(" \t\r"):
                return -1
            continue
        if closing.match(text, indent):
            return index
    return index


def _container(text: str) -> re.Match | None:
    """``text`` as an admonition, details or tab marker (the reader's own test)."""
    match = CONTAINER.match(text)
    if match is None:
        return None
    marker, classes, title = match.groups()
    if (marker == "!!!" and not classes or marker[0] == "?" and not (classes or title)
            or marker[0] == "=" and (classes or title is None)):
        return None
    return match


def _container_end(lines: list[tuple[int, int, str]], index: int, indent: int) -> int:
    """Where a container whose body starts at ``index`` ends: after its last line indented
    by ``indent`` before a line that is not (blank lines in between are its)."""
    last = index
    while index < len(lines):
        text = lines[index][2]
        if text.strip(" \t\r"):
            if len(text) - len(text.lstrip(" ")) < indent:
                break
            last = index + 1
        index += 1
    return last


def _starts_text(text: str, at: int) -> bool:
    """Whether a paragraph (or a list item's text) starting at ``text[at]`` starts no other
    block: no indentation, nested list, quote, rule, fence, container or definition."""
    if at >= len(text):
        return False
    first = text[at]
    if first.isalpha() or first in "[(\"'":
        return True
    if first.isdigit():
        return _ORDERED.match(text, at) is None
    if first == "!":
        return text.startswith("![", at)
    if first == "*":
        return text.startswith("**", at) and len(text) > at + 2 and text[at + 2] not in " *"
    if first == "`":
        return not text.startswith("``", at)
    return text.startswith(_MACROS, at)


def _read_links(text: str, offset: int, line: int, links: list[Link]) -> bool:
    """Add the links of one line to ``links``; False when the line holds anything but plain
    text, one-line code spans and macros, and whole plain links."""
    masked = _mask(text)
    if masked is None:
        return False
    rest, last = [], 0
    for match in _LINK.finditer(masked):
        target = match.group(3)
        if (text[match.start():match.end()] != match.group()  # code or a macro in the link
                or ":" in target and not target.startswith(_SCHEMES)
                or match.group(2).startswith("^")):
            return False
        rest.append(masked[last:match.start()])
        last = match.end()
        links.append(Link(line, target, bool(match.group(1)), "inline",
                          offset + match.start(3), offset + match.end(3)))
    rest.append(masked[last:])
    return _UNSAFE.search("".join(rest)) is None


def _mask(text: str) -> str | None:
    """``text`` with its code spans and macros (whole, on this line) replaced by ``x``s, as
    markdown-it meets them from the left; None when one is not closed on the line or a code
    span uses more than one backtick."""
    if "`" not in text and "{" not in text:
        return text
    out, at = [], 0
    while True:
        tick, brace = text.find("`", at), text.find("{", at)
        if tick < 0 and brace < 0:
            out.append(text[at:])
            return "".join(out)
        if tick >= 0 and (brace < 0 or tick < brace):
            if text.startswith("``", tick):
                return None
            end = text.find("`", tick + 1)
            if end < 0 or text.startswith("``", end):
                return None
            end += 1
        else:
            opener = next((o for o in _MACROS if text.startswith(o, brace)), None)
            if opener is None:  # an attribute list, or a brace of text: the caller refuses
                out.append(text[at:brace + 1])
                at = brace + 1
                continue
            end = text.find(_CLOSERS[opener], brace + len(opener))
            if end < 0:
                return None
            end += len(_CLOSERS[opener])
            tick = brace
        out.append(text[at:tick] + "x" * (end - tick))
        at = end
