"""Sanitizing the HTML rendered from authors' markdown (the theme's own templates and scripts
are trusted and never pass through here).

- Public site (:func:`sanitize`): an allowlist (nh3), keeping Material's components working.
  What survives: text formatting, links, images, tables, headings with their anchors,
  admonitions and details, content tabs (radio inputs and labels), code blocks with
  highlighting, task lists, footnotes, our banners and copy boxes. Scripts, styles, event
  handlers, iframes, forms, ``javascript:`` URLs and HTML comments never do.
- Internal site (:func:`sanitize_internal`): authors' HTML stays as written, minus whatever
  would run script: ``<script>`` (except kbtools' own, :func:`own_scripts`), event handler
  attributes, ``javascript:``/``vbscript:`` and non-image ``data:`` URLs, ``srcdoc``,
  ``<base>``, ``<meta>``, plug-ins and SVG animation. ``kb serve``'s content security policy
  blocks the same things again on the served site.
"""

from __future__ import annotations

import html as html_lib
import re
from functools import cache
from html.parser import HTMLParser
from typing import Protocol

import nh3

from kbtools.onboarding.page import script_body

TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "col", "colgroup", "dd", "del",
    "details", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5",
    "h6", "hr", "i", "img", "input", "ins", "kbd", "label", "li", "mark", "ol", "p", "pre",
    "q", "s", "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td",
    "tfoot", "th", "thead", "tr", "u", "ul",
})
_COMMON = {"class", "id", "title", "lang", "dir"}
ATTRIBUTES = {
    "*": _COMMON,
    "a": _COMMON | {"href"},
    "img": _COMMON | {"src", "alt", "width", "height", "loading"},
    "input": _COMMON | {"type", "name", "checked", "disabled"},
    "label": _COMMON | {"for"},
    "details": _COMMON | {"open"},
    "div": _COMMON | {"data-tabs", "data-kb-copy", "data-kb-banner"},
    "ol": _COMMON | {"start"},
    "td": _COMMON | {"colspan", "rowspan", "align"},
    "th": _COMMON | {"colspan", "rowspan", "align", "scope"},
    "abbr": _COMMON,
}
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})


def sanitize(html: str) -> str:
    """Return ``html`` with everything outside the allowlist removed (comments included)."""
    return nh3.clean(html, tags=set(TAGS), attributes={k: set(v) for k, v in ATTRIBUTES.items()},
                     url_schemes=set(URL_SCHEMES), strip_comments=True, link_rel=None)


# -- the internal site ------------------------------------------------------------------------
_NAME = re.compile(r"[a-z][a-z0-9-]*(:[a-z][a-z0-9-]*)?\Z")
_ATTRIBUTE = re.compile(r"[a-z_][-a-z0-9_.]*(:[a-z_][-a-z0-9_.]*)?\Z")
_DROPPED_TAGS = frozenset({
    "base", "meta", "object", "embed", "applet", "frame", "frameset", "portal",
    "set", "animate", "animatemotion", "animatetransform", "animatecolor", "discard",
})
"""Removed with their attributes (children stay): they redirect, plug in or animate
attributes into script."""
_URL_ATTRIBUTES = frozenset({
    "href", "src", "srcset", "action", "formaction", "xlink:href", "data", "poster",
    "background", "codebase", "cite", "ping", "lowsrc", "dynsrc", "manifest", "itemtype",
})
_SCRIPT_SCHEMES = ("javascript:", "vbscript:")
_IGNORED_IN_URLS = re.compile(r"[\x00-\x20\x7f]+")


@cache
def own_scripts() -> frozenset[str]:
    """Bodies of the inline scripts kbtools itself puts into page content (the onboarding
    pages'): the internal site keeps these and no other inline script."""
    return frozenset({script_body()})


class Reader(Protocol):
    """What is told the HTML :func:`sanitize_internal` writes, as a parse of it would see it
    (:class:`kbtools.sites.search_sections.Sections`)."""

    def start(self, tag: str, attrs: list[tuple[str, str | None]], closed: bool) -> None: ...

    def end(self, tag: str) -> None: ...

    def text(self, data: str) -> None: ...


def sanitize_internal(html: str, into: Reader | None = None) -> str:
    """Return ``html`` without anything that runs script, everything else as the author wrote it.

    Every tag is written out again from its parsed name and attributes, and text is escaped
    again, so the browser reads exactly the tags checked here: no attribute or text can hide a
    tag. Comments, processing instructions and ``<![CDATA[`` sections are dropped; a
    ``<style>`` whose text contains ``<`` is dropped (inside SVG a browser would read it as
    markup).

    ``into``, when given, is told every tag and text as written (Material's search sections
    of the page, :mod:`.search_sections`, without parsing the result again).
    """
    writer = _Neutralizer(into)
    writer.feed(html)
    writer.close()
    return "".join(writer.out)


class _Neutralizer(HTMLParser):
    def __init__(self, into: Reader | None = None) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self._into = into
        self._raw: tuple[str, list | None] | None = None
        """(tag, kept attributes) of an open script or style (a script's: None if it has any)"""
        self._raw_text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self._start(tag, attrs, closed=False)

    def handle_startendtag(self, tag, attrs):
        self._start(tag, attrs, closed=True)

    def _start(self, tag: str, attrs, closed: bool) -> None:
        if not _NAME.match(tag):
            self._text(self.get_starttag_text() or "")
            return
        if tag in _DROPPED_TAGS:
            return
        if tag in ("script", "style"):
            if not closed:  # the parser hands us their text raw until the end tag: decide there
                self._raw = (tag, None if tag == "script" and attrs else _kept(tag, attrs))
                self._raw_text = []
            return  # (a browser reads "<style/>" as an open style: drop it)
        self._tag(tag, _kept(tag, attrs), closed)

    def _tag(self, tag: str, kept: list, closed: bool) -> None:
        self.out.append(_tag_text(tag, kept, closed))
        if self._into is not None:
            self._into.start(tag, kept, closed)

    def _end(self, tag: str) -> None:
        self.out.append(f"</{tag}>")
        if self._into is not None:
            self._into.end(tag)

    def _text(self, data: str) -> None:
        self.out.append(html_lib.escape(data, quote=False))
        if self._into is not None:
            self._into.text(data)

    def handle_endtag(self, tag):
        if self._raw is not None and tag == self._raw[0]:
            self._end_raw()
            return
        if _NAME.match(tag) and tag not in _DROPPED_TAGS and tag not in ("script", "style"):
            self._end(tag)

    def handle_data(self, data):
        if self._raw is not None:
            self._raw_text.append(data)
        else:
            self._text(data)

    def _end_raw(self) -> None:
        (tag, kept), text = self._raw, "".join(self._raw_text)
        self._raw, self._raw_text = None, []
        if tag == "script" and (kept is None or text not in own_scripts()):
            return
        if tag == "style" and "<" in text:
            return
        self._tag(tag, kept, False)
        self.out.append(text)  # raw text, as it came (a script's or a style's)
        if self._into is not None:
            self._into.text(text)
        self._end(tag)

    def close(self):
        super().close()
        self._raw, self._raw_text = None, []  # an unclosed script or style runs to the end: drop

    # Comments, <!...> declarations, <?...?> and CDATA sections are not content: drop them.
    def handle_comment(self, data):
        pass

    def handle_decl(self, decl):
        pass

    def handle_pi(self, data):
        pass

    def unknown_decl(self, data):
        pass


def _kept(tag: str, attrs) -> list[tuple[str, str | None]]:
    """The attributes of ``tag`` written out: the harmless ones, each name once (the first)."""
    kept, seen = [], set()
    for name, value in attrs:
        if name in seen or not _ATTRIBUTE.match(name) or not _harmless(tag, name, value):
            continue
        seen.add(name)
        kept.append((name, value))
    return kept


def _tag_text(tag: str, kept: list[tuple[str, str | None]], closed: bool) -> str:
    parts = [tag]
    parts.extend(name if value is None else f'{name}="{html_lib.escape(value)}"'
                 for name, value in kept)
    return f"<{' '.join(parts)}{' /' if closed else ''}>"


def _harmless(tag: str, name: str, value: str | None) -> bool:
    if name.startswith("on") or name == "srcdoc":
        return False
    if value is None:
        return True
    # Browsers ignore spaces and control characters inside a URL's scheme ("java\tscript:").
    squeezed = _IGNORED_IN_URLS.sub("", value).lower()
    if any(scheme in squeezed for scheme in _SCRIPT_SCHEMES):
        return False
    if name in _URL_ATTRIBUTES and squeezed.startswith("data:"):
        return tag == "img" and name == "src" and squeezed.startswith("data:image/")
    return True
