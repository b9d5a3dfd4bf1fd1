"""Raw HTML in a body: its tags, links and ids and, for an HTML block, its text."""

from __future__ import annotations

import html
from collections.abc import Callable
from html.parser import HTMLParser

from kbtools.content.markdown.document import Link, Prose
from kbtools.content.markdown.found import Found
from kbtools.content.markdown.parser import line_starts


class Tags(HTMLParser):
    """Raw HTML ``content`` (comments already taken out): its tags, ``<a href>`` and
    ``<img src>`` links, ``id``/``name`` attributes and, for a block, its text, into
    ``found``; ``at`` maps an offset in ``content`` to a body offset."""

    def __init__(self, found: Found, content: str, at: Callable[[int], int], *,
                 inline: bool) -> None:
        super().__init__(convert_charrefs=False)
        self.found, self.content, self.at, self.inline = found, content, at, inline
        self.text = found.full and not inline  # collect the text of a block
        self.line_starts = line_starts(content)
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
        if not self.buffer:
            return
        text = html.unescape("".join(self.buffer))
        self.buffer = []
        if not text.strip():
            return
        found, start = self.found, self.at(self.buffer_start)
        lines = [" ".join(line.split()) for line in text.split("\n")]
        found.prose.append(Prose("html", found.line_of(start), start, self.at(end),
                                 "\n".join(line for line in lines if line)))

    def handle_starttag(self, tag, attrs) -> None:
        start = self.position()
        raw = self.get_starttag_text() or ""
        self.tag(start, start + len(raw))
        if tag in ("script", "style") and not raw.endswith("/>"):
            self.skip = tag
        found = self.found
        for name, value in attrs:
            if value is None:
                continue
            if name in ("id", "name"):
                found.html_ids.add(value)
            if (tag, name) in (("a", "href"), ("img", "src")):
                at = raw.find(value)
                begin = self.at(start + max(at, 0))
                found.links.append(Link(
                    found.line_of(begin), value, tag == "img", "html", begin,
                    self.at(start + at + len(value)) if at >= 0 else begin))

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
        if self.text:
            self.found.markup.append(self.found.span("html", self.at(start), self.at(end)))

    def handle_data(self, data) -> None:
        if self.skip is None and self.text:
            if not self.buffer:
                self.buffer_start = self.position() + len(data) - len(data.lstrip())
            self.buffer.append(data)

    def handle_entityref(self, name) -> None:
        self.handle_data(f"&{name};")

    def handle_charref(self, name) -> None:
        self.handle_data(f"&#{name};")
