"""Which scripts in a served page are the site's own: only those get the response's nonce.

A ``<script>`` is the site's own when it is

- external, and the file its ``src`` names is byte for byte a script shipped in the installed
  packages (Material's bundle, kbtools' theme assets: ``kb.js``, the vendored Mermaid) or one
  this server serves itself (``/_kb/search.js``);
- inline, and its text is one that Material's templates write (the relative URL Material
  fills into two of them is matched as such a URL), or kbtools' own
  (:func:`kbtools.sites.sanitize.own_scripts`).

What counts is learnt from the package files at start-up, never from the page: an author's
``<script>`` in an article, or a ``.js`` file committed beside one, gets no nonce and is refused
by the page's policy (:func:`kbtools.server.security.page_csp`). Tags are found with the
standard library's HTML tokenizer, and only a plain tag qualifies (``<script>``, or
``<script src="..." defer>``: no other or repeated attributes, and a ``src`` of plain path
characters, so that the browser asks for exactly the URL checked here).
"""

from __future__ import annotations

import hashlib
import itertools
import re
import urllib.parse
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path

from kbtools.sites.sanitize import own_scripts

_PLAIN_TAG = re.compile(
    r'<script((?:\s+(?:src="[\w./~-]+"|defer|async|type="(?:text/javascript|module)"))*)\s*>\Z',
    re.ASCII)
_SRC = re.compile(r'\bsrc="([^"]*)"')
_PAGE_ORIGIN = "http://kb.invalid"
"""Stands for the page's own origin when resolving a relative URL as a browser does."""
_ESCAPE = r"%(?!2[eEfF]|5[cC])[0-9A-Fa-f]{2}"
_PLAIN_FOLDER = re.compile(rf"/(?:(?:[\w~-]|{_ESCAPE})(?:[\w.~-]|{_ESCAPE})*/)*\Z", re.ASCII)
"""A page URL's folder in which browsers and :func:`urllib.parse.urljoin` resolve relative
URLs alike: no empty, dot or encoded-dot segments."""
_TEMPLATE_VALUE = re.compile(r"\{\{.*?\}\}", re.S)
_RELATIVE_URL = r"[\w./:-]*"
"""What Material fills in (``base_url``, ``extra.scope``): no quote can end the JS string."""


@dataclass(frozen=True)
class MarkedPage:
    """A page split where the nonce goes (inside each of the site's own script tags)."""

    parts: tuple[bytes, ...]

    def render(self, nonce: str) -> bytes:
        """The page with ``nonce`` on the site's own scripts."""
        return f' nonce="{nonce}"'.encode("ascii").join(self.parts)


class OwnScripts:
    """The scripts the site itself emits, known from the installed packages."""

    def __init__(self, resolve: Callable[[str], Path | None] | None,
                 served: Iterable[str] = ()) -> None:
        """``resolve``: the server's own map from a request's path (decoded, without the
        leading slash) to the site file it serves; ``served``: URL paths of scripts the
        server serves itself."""
        self.resolve = resolve
        self.served = frozenset(served)
        self.inline = tuple(_material_inline_scripts())
        self.exact = own_scripts()
        self.digests = frozenset(_package_script_digests())
        self._files: dict[Path, tuple[int, int, bool]] = {}

    def mark(self, html: str, folder_url: str) -> MarkedPage:
        """``html``, served from URL folder ``folder_url`` (``/faq/``), split where the nonce
        goes: right after ``<script`` in each of the site's own script tags."""
        cuts = [start + len("<script") for start, tag, body in _script_elements(html)
                if html.startswith("<script", start) and self._own(tag, body, folder_url)]
        return MarkedPage(tuple(html[a:b].encode("utf-8")
                                for a, b in itertools.pairwise([0, *cuts, len(html)])))

    def _own(self, tag: str, body: str, folder_url: str) -> bool:
        match = _PLAIN_TAG.match(tag)
        if match is None:
            return False
        attributes = match.group(1)
        sources = _SRC.findall(attributes)
        if len(sources) > 1 or attributes.count("type=") > 1:
            return False
        if sources:
            return not body.strip() and self._own_file(sources[0], folder_url)
        return body in self.exact or any(p.fullmatch(body) for p in self.inline)

    def _own_file(self, src: str, folder_url: str) -> bool:
        if "//" in src or not (src.startswith("/") or _PLAIN_FOLDER.match(folder_url)):
            return False
        # The URL the browser will ask for, decoded as the server decodes it.
        url = urllib.parse.urlsplit(urllib.parse.urljoin(_PAGE_ORIGIN + folder_url, src))
        if f"{url.scheme}://{url.netloc}" != _PAGE_ORIGIN:  # "//host/x.js": another host
            return False
        path = urllib.parse.unquote(url.path)
        if path in self.served:
            return True
        file = self.resolve(path[1:]) if self.resolve is not None else None
        if file is None or not file.is_file():
            return False
        stat = file.stat()
        cached = self._files.get(file)
        if cached is None or cached[:2] != (stat.st_mtime_ns, stat.st_size):
            cached = (stat.st_mtime_ns, stat.st_size, _digest(file) in self.digests)
            self._files[file] = cached
        return cached[2]


def _digest(file: Path) -> str:
    with file.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _package_script_digests() -> Iterable[str]:
    """SHA-256 of every script Material and kbtools' theme ship."""
    folders = (Path(str(resources.files("material"))) / "templates" / "assets" / "javascripts",
               Path(str(resources.files("kbtools.sites"))) / "theme" / "assets")
    for folder in folders:
        for file in sorted(folder.rglob("*.js")):
            yield _digest(file)


def _material_inline_scripts() -> Iterable[re.Pattern]:
    """The inline scripts of Material's templates, as patterns (a template value matches a
    relative URL)."""
    folder = Path(str(resources.files("material"))) / "templates" / "partials" / "javascripts"
    for file in sorted(folder.glob("*.html")):
        for body in re.findall(r"<script>(.*?)</script>", file.read_text(encoding="utf-8"), re.S):
            pieces = _TEMPLATE_VALUE.split(body)
            yield re.compile(_RELATIVE_URL.join(re.escape(piece) for piece in pieces))


def _script_elements(html: str) -> list[tuple[int, str, str]]:
    """``(offset, start tag, text)`` of every script element, as the tokenizer reads them."""
    finder = _ScriptFinder(html)
    finder.feed(html)
    finder.close()
    return finder.found


class _ScriptFinder(HTMLParser):
    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=False)
        self.text = text
        self.line_starts = [0, *(m.end() for m in re.finditer("\n", text))]
        self.found: list[tuple[int, str, str]] = []
        self._open: tuple[int, str] | None = None

    def _offset(self) -> int:
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self._open = (self._offset(), self.get_starttag_text() or "")

    def handle_startendtag(self, tag, attrs):
        pass  # "<script/>": a browser reads it as an open tag, which is not a plain one

    def handle_endtag(self, tag):
        if tag == "script" and self._open is not None:
            start, tag_text = self._open
            self.found.append((start, tag_text, self.text[start + len(tag_text):self._offset()]))
            self._open = None
